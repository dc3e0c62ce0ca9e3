/* ecmr.c: e-CMR consignment notes and their seals (see ecmr.h). */
#include "store/ecmr.h"
#include "store/agencies.h"
#include "store/tlog.h"
#include "domain/ecmr.h"
#include "core/util.h"

#include <string.h>

#define ECMR_COLUMNS \
	"id, ref, carrier_org_id, created_by, status, document, doc_digest, plate, plate_country, trailer_plate," \
	" destination_country, sender_name, consignee_name, permit_id, booking_id, disposal_holder," \
	" carrier_reservations, seals, head, created_at, updated_at"

static void ecmr_from_row(const kp_rows_t *r, int i, kp_ecmr_t *e)
{
	e->id = kp_rows_int(r, i, 0);
	e->ref = kp_rows_text(r, i, 1);
	e->carrier_org_id = kp_rows_int(r, i, 2);
	e->created_by = kp_rows_int(r, i, 3);
	e->status = kp_rows_text(r, i, 4);
	e->document = kp_rows_text(r, i, 5);
	e->doc_digest = kp_rows_text(r, i, 6);
	e->plate = kp_rows_text(r, i, 7);
	e->plate_country = kp_rows_text(r, i, 8);
	e->trailer_plate = kp_rows_text(r, i, 9);
	e->destination_country = kp_rows_text(r, i, 10);
	e->sender_name = kp_rows_text(r, i, 11);
	e->consignee_name = kp_rows_text(r, i, 12);
	e->permit_id = kp_rows_text(r, i, 13);
	e->booking_id = kp_rows_int(r, i, 14);
	e->disposal_holder = kp_rows_text(r, i, 15);
	e->carrier_reservations = kp_rows_int(r, i, 16) != 0;
	e->seals = kp_rows_int(r, i, 17);
	e->head = kp_rows_text(r, i, 18);
	e->created_at = kp_rows_int(r, i, 19);
	e->updated_at = kp_rows_int(r, i, 20);
}

/* What the audit row keeps of a note: not the document (it may hold personal data). */
static json_t *ecmr_snapshot(const kp_ecmr_t *e)
{
	return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:I, s:s?}", "ref", e->ref, "status", e->status, "doc_digest",
	                 e->doc_digest, "plate", e->plate, "permit_id", e->permit_id, "disposal_holder", e->disposal_holder,
	                 "seals", (json_int_t)e->seals, "head", e->head);
}

int kp_store_ecmr_evidence(kp_conn_t *c, const char *kind, const char *object, const char *digest)
{
	json_t *facts = json_pack("{s:s}", "digest", digest);
	kp_tlog_leaf_t leaf = {kind, object, NULL, facts, NULL};
	int rc = kp_tlog_append(c, &leaf, NULL);
	json_decref(facts);
	return rc;
}

int kp_store_ecmr_create(kp_conn_t *c, const kp_actor_t *who, kp_ecmr_t *e)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	e->status = KP_ECMR_S_DRAFT;
	e->disposal_holder = "sender";
	e->created_at = e->updated_at = kp_now();
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	rc = kp_db_exec(c, &a, &r,
	                "INSERT INTO ecmr_consignments (ref, carrier_org_id, created_by, status, document, doc_digest,"
	                " plate, plate_country, trailer_plate, destination_country, sender_name, consignee_name,"
	                " permit_id, booking_id, disposal_holder, created_at, updated_at)"
	                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                KP_PARAMS(KV_TEXT(e->ref), KV_INT(e->carrier_org_id),
	                          e->created_by ? KV_INT(e->created_by) : KV_NULL, KV_TEXT(e->status), KV_TEXT(e->document),
	                          KV_TEXT(e->doc_digest), KV_TEXT(e->plate), KV_TEXT(e->plate_country),
	                          KV_TEXT(e->trailer_plate), KV_TEXT(e->destination_country), KV_TEXT(e->sender_name),
	                          KV_TEXT(e->consignee_name), KV_TEXT(e->permit_id),
	                          e->booking_id ? KV_INT(e->booking_id) : KV_NULL, KV_TEXT(e->disposal_holder),
	                          KV_INT(e->created_at), KV_INT(e->updated_at)));
	if (rc == KP_DB_OK) {
		e->id = kp_rows_int(&r, 0, 0);
		rc = kp_store_audit_id(c, who, "ecmr.create", "ecmr", e->id, NULL, ecmr_snapshot(e));
	}
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_ecmr_update_draft(kp_conn_t *c, const kp_actor_t *who, const kp_ecmr_t *e)
{
	int64_t changed = 0;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c,
	               "UPDATE ecmr_consignments SET document = ?, doc_digest = ?, plate = ?, plate_country = ?,"
	               " trailer_plate = ?, destination_country = ?, sender_name = ?, consignee_name = ?, permit_id = ?,"
	               " booking_id = ?, updated_at = ? WHERE id = ? AND seals = 0",
	               KP_PARAMS(KV_TEXT(e->document), KV_TEXT(e->doc_digest), KV_TEXT(e->plate), KV_TEXT(e->plate_country),
	                         KV_TEXT(e->trailer_plate), KV_TEXT(e->destination_country), KV_TEXT(e->sender_name),
	                         KV_TEXT(e->consignee_name), KV_TEXT(e->permit_id),
	                         e->booking_id ? KV_INT(e->booking_id) : KV_NULL, KV_INT(kp_now()), KV_INT(e->id)),
	               &changed);
	if (rc == KP_DB_OK && changed == 0)
		rc = KP_DB_CONFLICT;
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "ecmr.update", "ecmr", e->id, NULL, ecmr_snapshot(e));
	return kp_store_end(c, rc);
}

static int ecmr_one(kp_conn_t *c, kp_arena_t *a, const char *sql, kp_val_t key, kp_ecmr_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, sql, &key, 1);
	if (rc == KP_DB_OK)
		ecmr_from_row(&r, 0, out);
	return rc;
}

int kp_store_ecmr_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_ecmr_t *out)
{
	return ecmr_one(c, a, "SELECT " ECMR_COLUMNS " FROM ecmr_consignments WHERE id = ?", KV_INT(id), out);
}

int kp_store_ecmr_by_ref(kp_conn_t *c, kp_arena_t *a, const char *ref, kp_ecmr_t *out)
{
	return ecmr_one(c, a, "SELECT " ECMR_COLUMNS " FROM ecmr_consignments WHERE ref = ?", KV_TEXT(ref), out);
}

int kp_store_ecmr_by_authority_token(kp_conn_t *c, kp_arena_t *a, const char *token_hash, kp_ecmr_t *out)
{
	return ecmr_one(c, a, "SELECT " ECMR_COLUMNS " FROM ecmr_consignments WHERE authority_token_hash = ?",
	                KV_TEXT(token_hash), out);
}

int kp_store_ecmr_list(kp_conn_t *c, kp_arena_t *a, int64_t org_id, const char *plate, const char *country,
                       const char *status, int limit, kp_ecmr_t **out, int *n)
{
	kp_page_t page = {NULL, limit, 0};
	int64_t total;
	return kp_store_ecmr_page(c, a, org_id, plate, country, status, &page, out, n, &total);
}

/* Kept by hand: clang-format would split the literals around KP_LIKE. */
/* clang-format off */
#define ECMR_WHERE                                                                                                 \
	" FROM ecmr_consignments WHERE (CAST(? AS BIGINT) = 0 OR carrier_org_id = ?)"                                  \
	" AND (CAST(? AS TEXT) IS NULL OR plate = ? OR trailer_plate = ?)"                                             \
	" AND (CAST(? AS TEXT) IS NULL OR plate_country = ?) AND (CAST(? AS TEXT) IS NULL OR status = ?)"              \
	" AND (CAST(? AS TEXT) IS NULL OR" KP_LIKE("ref") " OR" KP_LIKE("COALESCE(plate, '')")                        \
	" OR" KP_LIKE("COALESCE(trailer_plate, '')") " OR" KP_LIKE("sender_name") " OR" KP_LIKE("consignee_name") ")"
/* clang-format on */

int kp_store_ecmr_page(kp_conn_t *c, kp_arena_t *a, int64_t org_id, const char *plate, const char *country,
                       const char *status, const kp_page_t *page, kp_ecmr_t **out, int *n, int64_t *total)
{
	const char *like = kp_page_pattern(a, page);
	kp_rows_t r;
	int rc = kp_page_query(c, a, "SELECT COUNT(*)" ECMR_WHERE,
	                       "SELECT " ECMR_COLUMNS ECMR_WHERE " ORDER BY id DESC LIMIT ? OFFSET ?",
	                       KP_PARAMS(KV_INT(org_id), KV_INT(org_id), KV_TEXT(plate), KV_TEXT(plate), KV_TEXT(plate),
	                                 KV_TEXT(country), KV_TEXT(country), KV_TEXT(status), KV_TEXT(status),
	                                 KV_TEXT(like), KV_TEXT(like), KV_TEXT(like), KV_TEXT(like), KV_TEXT(like),
	                                 KV_TEXT(like)),
	                       page, &r, total);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_ecmr_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		ecmr_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_ecmr_seals(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_ecmr_seal_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id, consignment_id, seq, act, role, party_name, custody, issuer, kid, jws, digest, "
	                    "prev,"
	                    " reservations, at, recorded_by FROM ecmr_seals WHERE consignment_id = ? ORDER BY seq",
	                    KP_PARAMS(KV_INT(id)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_ecmr_seal_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		kp_ecmr_seal_t *s = &(*out)[i];
		s->id = kp_rows_int(&r, i, 0);
		s->consignment_id = kp_rows_int(&r, i, 1);
		s->seq = (int)kp_rows_int(&r, i, 2);
		s->act = kp_rows_text(&r, i, 3);
		s->role = kp_rows_text(&r, i, 4);
		s->party_name = kp_rows_text(&r, i, 5);
		s->custody = kp_rows_text(&r, i, 6);
		s->issuer = kp_rows_text(&r, i, 7);
		s->kid = kp_rows_text(&r, i, 8);
		s->jws = kp_rows_text(&r, i, 9);
		s->digest = kp_rows_text(&r, i, 10);
		s->prev = kp_rows_text(&r, i, 11);
		s->reservations = kp_rows_text(&r, i, 12);
		s->at = kp_rows_int(&r, i, 13);
		s->recorded_by = kp_rows_int(&r, i, 14);
	}
	return KP_DB_OK;
}

int kp_store_ecmr_seal_add(kp_conn_t *c, const kp_actor_t *who, const kp_ecmr_t *e, const kp_ecmr_seal_t *s,
                           const char *new_status, const char *new_holder, bool carrier_reservations, int64_t link_id,
                           json_t *events)
{
	int64_t changed = 0;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c,
	               "UPDATE ecmr_consignments SET seals = seals + 1, head = ?, status = ?, disposal_holder = ?,"
	               " carrier_reservations = ?, updated_at = ? WHERE id = ? AND seals = ?",
	               KP_PARAMS(KV_TEXT(s->digest), KV_TEXT(new_status), KV_TEXT(new_holder), KV_INT(carrier_reservations),
	                         KV_INT(s->at), KV_INT(e->id), KV_INT(e->seals)),
	               &changed);
	if (rc == KP_DB_OK && changed == 0)
		rc = KP_DB_CONFLICT; /* another seal came first */
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "INSERT INTO ecmr_seals (consignment_id, seq, act, role, party_name, custody, issuer, kid, jws,"
		               " digest, prev, reservations, at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		               "?)",
		               KP_PARAMS(KV_INT(e->id), KV_INT(s->seq), KV_TEXT(s->act), KV_TEXT(s->role),
		                         KV_TEXT(s->party_name), KV_TEXT(s->custody), KV_TEXT(s->issuer), KV_TEXT(s->kid),
		                         KV_TEXT(s->jws), KV_TEXT(s->digest), KV_TEXT(s->prev), KV_TEXT(s->reservations),
		                         KV_INT(s->at), s->recorded_by ? KV_INT(s->recorded_by) : KV_NULL),
		               NULL);
	if (rc == KP_DB_OK && link_id) {
		rc = kp_db_run(c, "UPDATE ecmr_links SET used_at = ? WHERE id = ? AND used_at IS NULL",
		               KP_PARAMS(KV_INT(s->at), KV_INT(link_id)), &changed);
		if (rc == KP_DB_OK && changed == 0)
			rc = KP_DB_CONFLICT;
	}
	if (rc == KP_DB_OK)
		rc = kp_store_ecmr_evidence(c, "ecmr.seal", e->ref, s->digest);
	for (size_t i = 0; rc == KP_DB_OK && i < json_array_size(events); i++)
		rc = kp_store_agency_event_add(c, json_array_get(events, i));
	if (rc == KP_DB_OK) {
		kp_ecmr_t after = *e;
		after.status = new_status;
		after.disposal_holder = new_holder;
		after.seals = e->seals + 1;
		after.head = s->digest;
		json_t *detail = ecmr_snapshot(&after);
		json_object_set_new(detail, "act", json_string(s->act));
		json_object_set_new(detail, "role", json_string(s->role));
		rc = kp_store_audit_id(c, who, "ecmr.seal", "ecmr", e->id, ecmr_snapshot(e), detail);
	}
	return kp_store_end(c, rc);
}

int kp_store_ecmr_set_authority_token(kp_conn_t *c, const kp_actor_t *who, int64_t id, const char *token_hash)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	int64_t changed = 0;
	rc = kp_db_run(c, "UPDATE ecmr_consignments SET authority_token_hash = ? WHERE id = ?",
	               KP_PARAMS(KV_TEXT(token_hash), KV_INT(id)), &changed);
	if (rc == KP_DB_OK && changed == 0)
		rc = KP_DB_NOTFOUND;
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "ecmr.authority_link", "ecmr", id, NULL, NULL);
	return kp_store_end(c, rc);
}

int kp_store_ecmr_link_create(kp_conn_t *c, const kp_actor_t *who, int64_t consignment_id, const char *role,
                              const char *token_hash, const char *code_hash, const char *recipient, int64_t expires_at,
                              const char *subject, const char *body_digest)
{
	int64_t now = kp_now();
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c,
	               "INSERT INTO ecmr_links (consignment_id, role, token_hash, code_hash, recipient, expires_at, "
	               "created_at)"
	               " VALUES (?, ?, ?, ?, ?, ?, ?)",
	               KP_PARAMS(KV_INT(consignment_id), KV_TEXT(role), KV_TEXT(token_hash), KV_TEXT(code_hash),
	                         KV_TEXT(recipient), KV_INT(expires_at), KV_INT(now)),
	               NULL);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "INSERT INTO ecmr_messages (consignment_id, recipient, subject, digest, created_at)"
		               " VALUES (?, ?, ?, ?, ?)",
		               KP_PARAMS(KV_INT(consignment_id), KV_TEXT(recipient), KV_TEXT(subject), KV_TEXT(body_digest),
		                         KV_INT(now)),
		               NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "ecmr.link", "ecmr", consignment_id, NULL,
		                       json_pack("{s:s, s:s}", "role", role, "recipient", recipient));
	return kp_store_end(c, rc);
}

int kp_store_ecmr_link_get(kp_conn_t *c, kp_arena_t *a, const char *token_hash, kp_ecmr_link_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r,
	                   "SELECT id, consignment_id, role, code_hash, recipient, failures, expires_at, used_at"
	                   " FROM ecmr_links WHERE token_hash = ?",
	                   KP_PARAMS(KV_TEXT(token_hash)));
	if (rc != KP_DB_OK)
		return rc;
	out->id = kp_rows_int(&r, 0, 0);
	out->consignment_id = kp_rows_int(&r, 0, 1);
	out->role = kp_rows_text(&r, 0, 2);
	out->code_hash = kp_rows_text(&r, 0, 3);
	out->recipient = kp_rows_text(&r, 0, 4);
	out->failures = (int)kp_rows_int(&r, 0, 5);
	out->expires_at = kp_rows_int(&r, 0, 6);
	out->used_at = kp_rows_int(&r, 0, 7);
	return KP_DB_OK;
}

int kp_store_ecmr_link_fail(kp_conn_t *c, int64_t id)
{
	return kp_db_run(c, "UPDATE ecmr_links SET failures = failures + 1 WHERE id = ?", KP_PARAMS(KV_INT(id)), NULL);
}

int kp_store_ecmr_key_get(kp_conn_t *c, kp_arena_t *a, const char *owner, kp_ecmr_key_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT owner, kid, jwk, wrapped, cert FROM ecmr_keys WHERE owner = ?",
	                   KP_PARAMS(KV_TEXT(owner)));
	if (rc != KP_DB_OK)
		return rc;
	out->owner = kp_rows_text(&r, 0, 0);
	out->kid = kp_rows_text(&r, 0, 1);
	out->jwk = kp_rows_text(&r, 0, 2);
	out->wrapped = kp_rows_text(&r, 0, 3);
	out->cert = kp_rows_text(&r, 0, 4);
	return KP_DB_OK;
}

int kp_store_ecmr_key_add(kp_conn_t *c, const kp_ecmr_key_t *k)
{
	return kp_db_run(c, "INSERT INTO ecmr_keys (owner, kid, jwk, wrapped, cert, created_at) VALUES (?, ?, ?, ?, ?, ?)",
	                 KP_PARAMS(KV_TEXT(k->owner), KV_TEXT(k->kid), KV_TEXT(k->jwk), KV_TEXT(k->wrapped),
	                           KV_TEXT(k->cert), KV_INT(kp_now())),
	                 NULL);
}

int kp_store_ecmr_link_crossing(kp_conn_t *c, int64_t crossing_id, const char *plate, int64_t at, int *linked)
{
	int64_t changed = 0;
	int rc = kp_db_run(c,
	                   "INSERT INTO ecmr_crossings (consignment_id, crossing_id, at) SELECT id, ?, ?"
	                   " FROM ecmr_consignments WHERE (plate = ? OR trailer_plate = ?)"
	                   " AND status IN " KP_ECMR_UNDER_WAY_SQL,
	                   KP_PARAMS(KV_INT(crossing_id), KV_INT(at), KV_TEXT(plate), KV_TEXT(plate)), &changed);
	if (linked)
		*linked = (int)changed;
	return rc;
}

int kp_store_ecmr_crossings(kp_conn_t *c, kp_arena_t *a, int64_t id, int64_t **ids, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT crossing_id FROM ecmr_crossings WHERE consignment_id = ? ORDER BY at DESC",
	                    KP_PARAMS(KV_INT(id)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*ids = kp_arena_zalloc(a, sizeof(int64_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*ids)[i] = kp_rows_int(&r, i, 0);
	return KP_DB_OK;
}

int kp_store_ecmr_refs_for_crossing(kp_conn_t *c, kp_arena_t *a, int64_t crossing_id, const char ***refs, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT e.ref FROM ecmr_crossings x JOIN ecmr_consignments e ON e.id = x.consignment_id"
	                    " WHERE x.crossing_id = ? ORDER BY e.ref",
	                    KP_PARAMS(KV_INT(crossing_id)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*refs = kp_arena_zalloc(a, sizeof(char *) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*refs)[i] = kp_rows_text(&r, i, 0);
	return KP_DB_OK;
}
