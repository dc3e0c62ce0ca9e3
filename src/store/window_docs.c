/* window_docs.c: documents applicants give the single window (bytes kept once per
 * SHA-256, reusable by every step and application of theirs) and the fees agencies
 * collect, with their signed receipts. */
#include "store/window_effects.h"

#include "core/util.h"
#include "domain/window.h"

#include <jansson.h>
#include <string.h>

#define DOC_COLUMNS "d.id, d.user_id, d.size, d.uploaded_at, d.kind, d.filename, d.sha256, d.content_type"

static void doc_from_row(const kp_rows_t *r, int i, kp_sw_document_t *o)
{
	o->id = kp_rows_int(r, i, 0);
	o->user_id = kp_rows_int(r, i, 1);
	o->size = kp_rows_int(r, i, 2);
	o->uploaded_at = kp_rows_int(r, i, 3);
	o->kind = kp_rows_text(r, i, 4);
	o->filename = kp_rows_text(r, i, 5);
	o->sha256 = kp_rows_text(r, i, 6);
	o->content_type = kp_rows_text(r, i, 7);
}

int kp_store_sw_document_add(kp_conn_t *c, const kp_actor_t *who, kp_sw_document_t *d, const char *b64,
                             int64_t max_per_user)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_sw_begin(c);
	if (rc == KP_DB_OK) /* the user's row: two uploads of one user count one after the other */
		rc = kp_db_run(c, "UPDATE users SET status = status WHERE id = ?", KP_PARAMS(KV_INT(d->user_id)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, &a, &r, "SELECT COUNT(*) FROM sw_documents WHERE user_id = ?",
		                KP_PARAMS(KV_INT(d->user_id)));
	if (rc == KP_DB_OK && kp_rows_int(&r, 0, 0) >= max_per_user)
		rc = KP_DB_CONFLICT;
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, &a, &r, "SELECT 1 FROM sw_blobs WHERE sha256 = ?", KP_PARAMS(KV_TEXT(d->sha256)));
	if (rc == KP_DB_OK && r.nrows == 0)
		rc = kp_db_run(c, "INSERT INTO sw_blobs (sha256, size, content_type, data) VALUES (?, ?, ?, ?)",
		               KP_PARAMS(KV_TEXT(d->sha256), KV_INT(d->size), KV_TEXT(d->content_type), KV_TEXT(b64)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, &a, &r,
		                "INSERT INTO sw_documents (user_id, kind, filename, sha256, size, content_type, uploaded_at)"
		                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		                KP_PARAMS(KV_INT(d->user_id), KV_TEXT(d->kind), KV_TEXT(d->filename), KV_TEXT(d->sha256),
		                          KV_INT(d->size), KV_TEXT(d->content_type), KV_INT(d->uploaded_at)));
	if (rc == KP_DB_OK) {
		d->id = kp_rows_int(&r, 0, 0);
		rc = kp_store_audit_id(c, who, "window.document", "sw_document", d->id, NULL,
		                       json_pack("{s:s, s:s, s:I}", "kind", d->kind, "sha256", d->sha256, "size",
		                                 (json_int_t)d->size));
	}
	kp_arena_cleanup(&a);
	return kp_sw_end(c, rc);
}

int kp_store_sw_document_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_sw_document_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " DOC_COLUMNS " FROM sw_documents d WHERE d.id = ?", KP_PARAMS(KV_INT(id)));
	if (rc == KP_DB_OK)
		doc_from_row(&r, 0, out);
	return rc;
}

int kp_store_sw_document_data(kp_conn_t *c, kp_arena_t *a, const char *sha256, const char **b64)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT data FROM sw_blobs WHERE sha256 = ?", KP_PARAMS(KV_TEXT(sha256)));
	if (rc == KP_DB_OK)
		*b64 = kp_rows_text(&r, 0, 0);
	return rc;
}

static int doc_list(kp_conn_t *c, kp_arena_t *a, const char *sql, int64_t id, kp_sw_document_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec_dynamic(c, a, &r, sql, KP_PARAMS(KV_INT(id)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_sw_document_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		doc_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_sw_documents_of_user(kp_conn_t *c, kp_arena_t *a, int64_t user_id, kp_sw_document_t **out, int *n)
{
	return doc_list(c, a, "SELECT " DOC_COLUMNS " FROM sw_documents d WHERE d.user_id = ? ORDER BY d.id DESC LIMIT 200",
	                user_id, out, n);
}

int kp_store_sw_app_documents(kp_conn_t *c, kp_arena_t *a, int64_t app_id, kp_sw_document_t **out, int *n)
{
	int rc = doc_list(c, a,
	                  "SELECT d.id, d.user_id, d.size, d.uploaded_at, x.kind, d.filename, d.sha256, d.content_type"
	                  " FROM sw_app_documents x JOIN sw_documents d ON d.id = x.document_id WHERE x.application_id = ?"
	                  " ORDER BY x.kind, d.id",
	                  app_id, out, n);
	return rc;
}

bool kp_store_sw_document_visible_to(kp_conn_t *c, kp_arena_t *a, int64_t doc_id, const char *role, int64_t org_id)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT s.documents, x.kind FROM sw_app_documents x"
	                    " JOIN sw_steps s ON s.application_id = x.application_id JOIN agencies g ON g.code = s.agency"
	                    " WHERE x.document_id = ? AND g.org_id = ? AND s.role = ?"
	                    " AND s.state NOT IN ('" KP_SW_WAITING "', '" KP_SW_SKIPPED "')",
	                    KP_PARAMS(KV_INT(doc_id), KV_INT(org_id), KV_TEXT(role)));
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		json_t *kinds = json_loads(kp_rows_text(&r, i, 0), 0, NULL), *k;
		size_t j;
		bool needed = false;
		json_array_foreach(kinds, j, k)
			needed |= json_is_string(k) && strcmp(json_string_value(k), kp_rows_text(&r, i, 1)) == 0;
		json_decref(kinds);
		if (needed)
			return true;
	}
	return false;
}

#define FEE_COLUMNS \
	"id, application_id, amount_som, paid_at, step_code, collector, status, gateway, reference, credential, kid"

static void fee_from_row(const kp_rows_t *r, int i, kp_sw_fee_t *o)
{
	o->id = kp_rows_int(r, i, 0);
	o->application_id = kp_rows_int(r, i, 1);
	o->amount_som = kp_rows_int(r, i, 2);
	o->paid_at = kp_rows_int(r, i, 3);
	const char **s[] = {&o->step_code, &o->collector, &o->status, &o->gateway, &o->reference, &o->credential, &o->kid};
	for (int k = 0; k < 7; k++)
		*s[k] = kp_rows_text(r, i, 4 + k);
}

int kp_store_sw_fees(kp_conn_t *c, kp_arena_t *a, int64_t app_id, kp_sw_fee_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT " FEE_COLUMNS " FROM sw_fees WHERE application_id = ? ORDER BY id",
	                    KP_PARAMS(KV_INT(app_id)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_sw_fee_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		fee_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_sw_fee_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_sw_fee_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " FEE_COLUMNS " FROM sw_fees WHERE id = ?", KP_PARAMS(KV_INT(id)));
	if (rc == KP_DB_OK)
		fee_from_row(&r, 0, out);
	return rc;
}

int kp_store_sw_fee_pay(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t fee_id, const char *gateway,
                        const char *reference, int64_t now, const kp_sw_fee_signer_t *signer)
{
	kp_sw_fee_t f;
	int rc = kp_sw_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE sw_fees SET status = status WHERE id = ?", KP_PARAMS(KV_INT(fee_id)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_sw_fee_get(c, a, fee_id, &f);
	if (rc == KP_DB_OK && strcmp(f.status, KP_SW_FEE_DUE) != 0)
		rc = KP_DB_CONFLICT;
	const char *cred = NULL, *kid = NULL;
	if (rc == KP_DB_OK) {
		f.status = KP_SW_FEE_PAID;
		f.paid_at = now;
		f.gateway = gateway;
		f.reference = reference;
		if (signer->sign(signer->ctx, a, &f, &cred, &kid) != 0)
			rc = KP_DB_ERR;
	}
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "UPDATE sw_fees SET status = ?, gateway = ?, reference = ?, paid_at = ?, credential = ?,"
		               " kid = ? WHERE id = ?",
		               KP_PARAMS(KV_TEXT(f.status), KV_TEXT(gateway), KV_TEXT(reference), KV_INT(now), KV_TEXT(cred),
		                         KV_TEXT(kid), KV_INT(fee_id)),
		               NULL);
	if (rc == KP_DB_OK) {
		char detail[160];
		snprintf(detail, sizeof(detail), "{\"amount_som\":%lld,\"collector\":\"%s\"}", (long long)f.amount_som,
		         f.collector);
		rc = kp_db_run(c,
		               "INSERT INTO sw_events (application_id, step_code, actor_id, action, detail, at)"
		               " VALUES (?, ?, ?, 'fee_paid', ?, ?)",
		               KP_PARAMS(KV_INT(f.application_id), KV_TEXT(f.step_code), KV_INT(who->user_id), KV_TEXT(detail),
		                         KV_INT(now)),
		               NULL);
	}
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "window.fee.pay", "sw_fee", fee_id, NULL,
		                       json_pack("{s:I, s:s, s:s}", "amount_som", (json_int_t)f.amount_som, "gateway", gateway,
		                                 "reference", reference));
	return kp_sw_end(c, rc);
}
