/* carrier_checks.c: storage of the ministry's carrier verifications. */
#include "store/carrier_checks.h"
#include "core/util.h"

#include <jansson.h>
#include <string.h>

int kp_store_carrier_check_open(kp_conn_t *c, const kp_actor_t *who, int64_t org_id)
{
	int rc = kp_db_run(c, "INSERT INTO carrier_verifications (org_id, status, requested_at) VALUES (?, ?, ?)",
	                   KP_PARAMS(KV_INT(org_id), KV_TEXT(KP_CARRIER_CHECK_S_PENDING), KV_INT(kp_now())), NULL);
	return rc != KP_DB_OK ? rc
	                      : kp_store_audit_id(c, who, "carrier.verification_requested", "organisation", org_id, NULL,
	                                          json_pack("{s:s}", "status", KP_CARRIER_CHECK_S_PENDING));
}

#define CHECK_COLUMNS \
	"o.id, COALESCE(v.status, '" KP_CARRIER_CHECK_S_VERIFIED \
	"'), o.name, o.inn, o.licence_number, v.note, COALESCE(v.licence_checked, 0)," \
	" COALESCE(v.inn_checked, 0), COALESCE(v.requested_at, 0), v.decided_by, v.decided_at"

static void check_from_row(const kp_rows_t *r, int i, kp_carrier_check_t *x)
{
	x->org_id = kp_rows_int(r, i, 0);
	x->status = kp_rows_text(r, i, 1);
	x->org_name = kp_rows_text(r, i, 2);
	x->inn = kp_rows_text(r, i, 3);
	x->licence_number = kp_rows_text(r, i, 4);
	x->note = kp_rows_text(r, i, 5);
	x->licence_checked = kp_rows_int(r, i, 6) != 0;
	x->inn_checked = kp_rows_int(r, i, 7) != 0;
	x->requested_at = kp_rows_int(r, i, 8);
	x->decided_by = kp_rows_int(r, i, 9);
	x->decided_at = kp_rows_int(r, i, 10);
}

int kp_store_carrier_check_get(kp_conn_t *c, kp_arena_t *a, int64_t org_id, kp_carrier_check_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r,
	                   "SELECT " CHECK_COLUMNS
	                   " FROM organisations o LEFT JOIN carrier_verifications v ON v.org_id = o.id"
	                   " WHERE o.id = ? AND o.kind = 'carrier'",
	                   KP_PARAMS(KV_INT(org_id)));
	if (rc == KP_DB_OK)
		check_from_row(&r, 0, out);
	return rc;
}

/* Kept by hand: clang-format would split the literals around KP_LIKE. */
/* clang-format off */
#define CHECK_WHERE                                                                                                \
	" FROM carrier_verifications v JOIN organisations o ON o.id = v.org_id"                                         \
	" WHERE (CAST(? AS TEXT) IS NULL OR v.status = ?) AND (CAST(? AS TEXT) IS NULL OR" KP_LIKE("o.name")            \
	" OR" KP_LIKE("COALESCE(o.inn, '')") " OR" KP_LIKE("COALESCE(o.licence_number, '')") ")"
/* clang-format on */

int kp_store_carrier_check_page(kp_conn_t *c, kp_arena_t *a, const char *status, const kp_page_t *page,
                                kp_carrier_check_t **out, int *n, int64_t *total)
{
	const char *like = kp_page_pattern(a, page);
	kp_rows_t r;
	int rc = kp_page_query(c, a, "SELECT COUNT(*)" CHECK_WHERE,
	                       "SELECT " CHECK_COLUMNS CHECK_WHERE " ORDER BY v.requested_at, o.id LIMIT ? OFFSET ?",
	                       KP_PARAMS(KV_TEXT(status), KV_TEXT(status), KV_TEXT(like), KV_TEXT(like), KV_TEXT(like),
	                                 KV_TEXT(like)),
	                       page, &r, total);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_carrier_check_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		check_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

static int decide_tx(kp_conn_t *c, const kp_actor_t *who, int64_t org_id, kp_carrier_decision_t decision,
                     bool licence_checked, bool inn_checked, const char *note)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_carrier_check_t before;
	int rc = kp_store_carrier_check_get(c, &a, org_id, &before);
	if (rc == KP_DB_OK && before.requested_at == 0)
		rc = KP_DB_NOTFOUND; /* nothing to decide: no check was asked for */
	const char *status = rc == KP_DB_OK ? kp_carrier_check_next(before.status, decision) : NULL;
	if (rc == KP_DB_OK && !status)
		rc = KP_DB_CONFLICT;
	int64_t changed = 0;
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "UPDATE carrier_verifications SET status = ?, licence_checked = ?, inn_checked = ?, note = ?,"
		               " decided_by = ?, decided_at = ? WHERE org_id = ?",
		               KP_PARAMS(KV_TEXT(status), KV_INT(licence_checked), KV_INT(inn_checked), KV_TEXT(note),
		                         who->user_id ? KV_INT(who->user_id) : KV_NULL, KV_INT(kp_now()), KV_INT(org_id)),
		               &changed);
	if (rc == KP_DB_OK && changed != 1)
		rc = KP_DB_NOTFOUND;
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "carrier.verification", "organisation", org_id,
		                       json_pack("{s:s}", "status", before.status),
		                       json_pack("{s:s, s:b, s:b, s:s?}", "status", status, "licence_checked", licence_checked,
		                                 "inn_checked", inn_checked, "note", note));
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_carrier_check_decide(kp_conn_t *c, const kp_actor_t *who, int64_t org_id, kp_carrier_decision_t decision,
                                  bool licence_checked, bool inn_checked, const char *note)
{
	int rc = kp_store_begin(c);
	return rc != KP_DB_OK ? rc
	                      : kp_store_end(c, decide_tx(c, who, org_id, decision, licence_checked, inn_checked, note));
}
