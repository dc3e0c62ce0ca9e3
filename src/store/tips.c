/* tips.c: vehicles' temporary imports into the customs union and ecotax payments. */
#include "store/travellers.h"
#include "core/util.h"
#include "domain/tip.h"

#include <jansson.h>
#include <string.h>

#define TIP_COLUMNS \
	"t.id, t.user_id, t.entry_date, t.expiry_date, t.exit_date, t.created_at, t.ecotax_som, t.term_months," \
	" t.plate, t.plate_country, t.vin, t.kind, t.make_model, t.owner_name, t.owner_passport, t.entry_checkpoint," \
	" t.entered_from, t.status, t.closed_reason, t.exit_checkpoint, t.exit_to, t.ecotax_reason, e.paid_at, e.id," \
	" e.reference, e.credential"
#define TIP_FROM " FROM tips t LEFT JOIN ecotax_payments e ON e.tip_id = t.id"

static void tip_from_row(const kp_rows_t *r, int i, kp_tip_t *t)
{
	t->id = kp_rows_int(r, i, 0);
	t->user_id = kp_rows_int(r, i, 1);
	t->entry_date = kp_rows_int(r, i, 2);
	t->expiry_date = kp_rows_int(r, i, 3);
	t->exit_date = kp_rows_isnull(r, i, 4) ? -1 : kp_rows_int(r, i, 4);
	t->created_at = kp_rows_int(r, i, 5);
	t->ecotax_som = kp_rows_int(r, i, 6);
	t->term_months = (int)kp_rows_int(r, i, 7);
	const char **s[] = {&t->plate,          &t->plate_country,    &t->vin,
	                    &t->kind,           &t->make_model,       &t->owner_name,
	                    &t->owner_passport, &t->entry_checkpoint, &t->entered_from,
	                    &t->status,         &t->closed_reason,    &t->exit_checkpoint,
	                    &t->exit_to,        &t->ecotax_reason};
	for (int k = 0; k < 14; k++)
		*s[k] = kp_rows_text(r, i, 8 + k);
	t->ecotax_paid_at = kp_rows_int(r, i, 22);
	t->ecotax_payment_id = kp_rows_int(r, i, 23);
	t->ecotax_reference = kp_rows_text(r, i, 24);
	t->ecotax_credential = kp_rows_text(r, i, 25);
}

static json_t *tip_snapshot(const kp_tip_t *t)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:i, s:I, s:s, s:I, s:s}", "id", (json_int_t)t->id, "plate",
	                 t->plate, "plate_country", t->plate_country, "kind", t->kind, "entry_checkpoint",
	                 t->entry_checkpoint, "entered_from", t->entered_from, "entry_date", (json_int_t)t->entry_date,
	                 "term_months", t->term_months, "expiry_date", (json_int_t)t->expiry_date, "status", t->status,
	                 "ecotax_som", (json_int_t)t->ecotax_som, "ecotax_reason", t->ecotax_reason);
}

int kp_store_tip_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_tip_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " TIP_COLUMNS TIP_FROM " WHERE t.id = ?", KP_PARAMS(KV_INT(id)));
	if (rc == KP_DB_OK)
		tip_from_row(&r, 0, out);
	return rc;
}

int kp_store_tip_held_by_other(kp_conn_t *c, kp_arena_t *a, const char *plate, int64_t user_id, bool *other)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT 1 FROM tips WHERE plate = ? AND status = '" KP_TIP_S_OPEN "' AND user_id <> ? LIMIT 1",
	                    KP_PARAMS(KV_TEXT(plate), KV_INT(user_id)));
	*other = rc == KP_DB_OK && r.nrows > 0;
	return rc;
}

int kp_store_tip_list(kp_conn_t *c, kp_arena_t *a, int64_t user_id, const char *status, int64_t expiring_before,
                      int limit, kp_tip_t **out, int *n)
{
	kp_page_t page = {NULL, limit, 0};
	int64_t total;
	return kp_store_tip_page(c, a, user_id, status, expiring_before, &page, out, n, &total);
}

/* Kept by hand: clang-format would split the literals around KP_LIKE. */
/* clang-format off */
#define TIP_WHERE                                                                                                  \
	" WHERE (CAST(? AS BIGINT) = 0 OR t.user_id = ?) AND (CAST(? AS TEXT) IS NULL OR t.status = ?)"               \
	" AND (CAST(? AS BIGINT) = 0 OR (t.status = '" KP_TIP_S_OPEN "' AND t.expiry_date <= ?))"                     \
	" AND (CAST(? AS TEXT) IS NULL OR" KP_LIKE("t.plate") " OR" KP_LIKE("COALESCE(t.vin, '')")                    \
	" OR" KP_LIKE("COALESCE(t.make_model, '')") " OR" KP_LIKE("COALESCE(t.owner_name, '')") ")"
/* clang-format on */

int kp_store_tip_page(kp_conn_t *c, kp_arena_t *a, int64_t user_id, const char *status, int64_t expiring_before,
                      const kp_page_t *page, kp_tip_t **out, int *n, int64_t *total)
{
	const char *like = kp_page_pattern(a, page);
	kp_rows_t r;
	int rc = kp_page_query(c, a, "SELECT COUNT(*)" TIP_FROM TIP_WHERE,
	                       "SELECT " TIP_COLUMNS TIP_FROM TIP_WHERE " ORDER BY t.expiry_date, t.id LIMIT ? OFFSET ?",
	                       KP_PARAMS(KV_INT(user_id), KV_INT(user_id), KV_TEXT(status), KV_TEXT(status),
	                                 KV_INT(expiring_before), KV_INT(expiring_before), KV_TEXT(like), KV_TEXT(like),
	                                 KV_TEXT(like), KV_TEXT(like), KV_TEXT(like)),
	                       page, &r, total);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_tip_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		tip_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

/* The facts the entry decision needs, read inside the transaction. */
struct entry_facts {
	bool from_member, open, paid, charged;
	int64_t fee;
	kp_tip_t current;
};

static int gather(kp_conn_t *c, kp_arena_t *a, const kp_tip_t *t, struct entry_facts *f)
{
	const char **members;
	kp_rows_t r;
	int rc = kp_store_union_members(c, a, &members);
	if (rc == KP_DB_OK)
		f->from_member = kp_union_member(members, t->entered_from);
	if (rc == KP_DB_OK)
		rc = kp_store_ecotax_fee(c, a, t->kind, &f->fee);
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, a, &r,
		                "SELECT " TIP_COLUMNS TIP_FROM
		                " WHERE t.plate_country = ? AND t.plate = ? AND t.status = '" KP_TIP_S_OPEN "'",
		                KP_PARAMS(KV_TEXT(t->plate_country), KV_TEXT(t->plate)));
	if (rc == KP_DB_OK && (f->open = r.nrows > 0))
		tip_from_row(&r, 0, &f->current);
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, a, &r, "SELECT 1 FROM ecotax_payments WHERE plate_country = ? AND plate = ? LIMIT 1",
		                KP_PARAMS(KV_TEXT(t->plate_country), KV_TEXT(t->plate)));
	if (rc == KP_DB_OK)
		f->paid = r.nrows > 0;
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, a, &r, "SELECT 1 FROM tips WHERE plate_country = ? AND plate = ? AND ecotax_som > 0 LIMIT 1",
		                KP_PARAMS(KV_TEXT(t->plate_country), KV_TEXT(t->plate)));
	if (rc == KP_DB_OK)
		f->charged = r.nrows > 0;
	return rc;
}

static int insert_tip(kp_conn_t *c, kp_arena_t *a, kp_tip_t *t)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "INSERT INTO tips (user_id, plate, plate_country, vin, kind, make_model, owner_name, "
	                    "owner_passport,"
	                    " entry_checkpoint, entered_from, entry_date, term_months, expiry_date, status, ecotax_som,"
	                    " ecotax_reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	                    " RETURNING id",
	                    KP_PARAMS(KV_INT(t->user_id), KV_TEXT(t->plate), KV_TEXT(t->plate_country), KV_TEXT(t->vin),
	                              KV_TEXT(t->kind), KV_TEXT(t->make_model), KV_TEXT(t->owner_name),
	                              KV_TEXT(t->owner_passport), KV_TEXT(t->entry_checkpoint), KV_TEXT(t->entered_from),
	                              KV_INT(t->entry_date), KV_INT(t->term_months), KV_INT(t->expiry_date),
	                              KV_TEXT(KP_TIP_S_OPEN), KV_INT(t->ecotax_som), KV_TEXT(t->ecotax_reason),
	                              KV_INT(t->created_at)));
	if (rc == KP_DB_OK) {
		t->id = kp_rows_int(&r, 0, 0);
		t->status = KP_TIP_S_OPEN;
	}
	return rc;
}

int kp_store_tip_enter(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_tip_t *t, kp_tip_entry_result_t *res)
{
	struct entry_facts f;
	memset(&f, 0, sizeof(f));
	memset(res, 0, sizeof(*res));
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = gather(c, a, t, &f);
	if (rc == KP_DB_OK && f.open && t->own_only && f.current.user_id != t->user_id)
		rc = KP_DB_FORBIDDEN;
	if (rc != KP_DB_OK)
		return kp_store_end(c, rc);
	kp_tip_entry_decision_t d = kp_tip_entry(f.from_member, f.open, f.paid, f.charged, f.fee);
	static const char *const names[] = {"opened", "kept", "replaced", "carried_in"};
	res->action = names[d.action];
	if (d.action == KP_TIP_KEEP) {
		*t = f.current;
		return kp_store_end(c,
		                    kp_store_audit_id(c, who, "tip.kept", "tip", t->id, NULL,
		                                      json_pack("{s:s}", "entered_from", f.from_member ? "union member" : "")));
	}
	if (d.action == KP_TIP_REPLACE) {
		res->replaced_id = f.current.id;
		const char *next = kp_tip_next(f.current.status, KP_TIP_REPLACED);
		rc = kp_db_run(c, "UPDATE tips SET status = ?, closed_reason = ? WHERE id = ?",
		               KP_PARAMS(KV_TEXT(next), KV_TEXT("left the customs union; a new temporary import started"),
		                         KV_INT(f.current.id)),
		               NULL);
		if (rc == KP_DB_OK)
			rc = kp_store_audit_id(c, who, "tip.close", "tip", f.current.id, tip_snapshot(&f.current),
			                       json_pack("{s:s}", "status", next));
	}
	t->ecotax_som = d.ecotax_som;
	t->ecotax_reason = d.ecotax_reason;
	t->created_at = kp_now();
	t->exit_date = -1;
	if (rc == KP_DB_OK)
		rc = insert_tip(c, a, t);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "tip.open", "tip", t->id, NULL, tip_snapshot(t));
	return kp_store_end(c, rc);
}

int kp_store_tip_exit(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t id, int64_t day,
                      const char *checkpoint, const char *to_country, bool *ended)
{
	kp_tip_t t;
	const char **members;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c, "UPDATE tips SET status = status WHERE id = ?", KP_PARAMS(KV_INT(id)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_tip_get(c, a, id, &t);
	if (rc == KP_DB_OK && (!kp_tip_next(t.status, KP_TIP_EXIT_UNION) || day < t.entry_date))
		rc = KP_DB_CONFLICT;
	if (rc == KP_DB_OK)
		rc = kp_store_union_members(c, a, &members);
	const char *next = NULL;
	if (rc == KP_DB_OK) {
		*ended = kp_tip_exit_ends(kp_union_member(members, to_country));
		next = kp_tip_next(t.status, *ended ? KP_TIP_EXIT_UNION : KP_TIP_EXIT_TO_MEMBER);
		rc = kp_db_run(c,
		               "UPDATE tips SET exit_date = ?, exit_checkpoint = ?, exit_to = ?, status = ?, closed_reason = ?"
		               " WHERE id = ?",
		               KP_PARAMS(KV_INT(day), KV_TEXT(checkpoint), KV_TEXT(to_country), KV_TEXT(next),
		                         KV_TEXT(*ended ? "left the customs union" : NULL), KV_INT(id)),
		               NULL);
	}
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "tip.exit", "tip", id, tip_snapshot(&t),
		                       json_pack("{s:s, s:s, s:I, s:s}", "exit_checkpoint", checkpoint, "exit_to", to_country,
		                                 "exit_date", (json_int_t)day, "status", next));
	return kp_store_end(c, rc);
}

int kp_store_ecotax_pay(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t tip_id, const char *reference,
                        const kp_receipt_signer_t *signer)
{
	kp_tip_t t;
	kp_rows_t r;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c, "UPDATE tips SET status = status WHERE id = ?", KP_PARAMS(KV_INT(tip_id)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_tip_get(c, a, tip_id, &t);
	if (rc == KP_DB_OK && (t.ecotax_som <= 0 || t.ecotax_payment_id != 0))
		rc = KP_DB_CONFLICT;
	int64_t now = kp_now();
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, a, &r,
		                "INSERT INTO ecotax_payments (tip_id, plate_country, plate, payer_id, amount_som, reference, "
		                "paid_at)"
		                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		                KP_PARAMS(KV_INT(tip_id), KV_TEXT(t.plate_country), KV_TEXT(t.plate),
		                          who->user_id ? KV_INT(who->user_id) : KV_NULL, KV_INT(t.ecotax_som),
		                          KV_TEXT(reference), KV_INT(now)));
	const char *cred = NULL, *kid = NULL;
	int64_t pid = rc == KP_DB_OK ? kp_rows_int(&r, 0, 0) : 0;
	if (rc == KP_DB_OK && signer->sign(signer->ctx, a, &t, pid, now, &cred, &kid) != 0)
		rc = KP_DB_ERR;
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE ecotax_payments SET credential = ?, kid = ? WHERE id = ?",
		               KP_PARAMS(KV_TEXT(cred), KV_TEXT(kid), KV_INT(pid)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "ecotax.pay", "tip", tip_id, NULL,
		                       json_pack("{s:I, s:I, s:s, s:I}", "payment_id", (json_int_t)pid, "amount_som",
		                                 (json_int_t)t.ecotax_som, "reference", reference, "paid_at", (json_int_t)now));
	return kp_store_end(c, rc);
}
