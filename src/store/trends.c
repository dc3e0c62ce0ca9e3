/* trends.c: counts per local day for the ministry's charts (trends.h). The day is
 * (instant + offset) / 86400 in integer arithmetic, the same on both databases. */
#include "store/trends.h"
#include "core/util.h"

#include <string.h>

/* Rows of (day, key, n[, waited, wait_sum, wait_max]) into kp_trend_row_t. */
static void rows_to_trend(kp_arena_t *a, const kp_rows_t *r, bool has_key, bool waits, kp_trend_row_t **out, int *n)
{
	*n = r->nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_trend_row_t) * (size_t)(r->nrows + 1));
	for (int i = 0; i < r->nrows; i++) {
		kp_trend_row_t *t = &(*out)[i];
		int col = 0;
		t->day = kp_rows_int(r, i, col++);
		t->key = has_key ? kp_rows_text(r, i, col++) : NULL;
		t->n = kp_rows_int(r, i, col++);
		if (waits) {
			t->waited = kp_rows_int(r, i, col++);
			t->wait_sum = kp_rows_int(r, i, col++);
			t->wait_max = kp_rows_int(r, i, col++);
		}
	}
}

int kp_store_trend_permits(kp_conn_t *c, kp_arena_t *a, const char *issuer, int64_t from, int64_t to,
                           int offset_minutes, bool by_partner, kp_trend_row_t **out, int *n)
{
	kp_rows_t r;
	int64_t off = (int64_t)offset_minutes * 60;
	int rc = by_partner
	             ? kp_db_exec(c, a, &r,
	                          "SELECT (issued_at + CAST(? AS BIGINT)) / 86400 AS day, verifier, COUNT(*) FROM permits"
	                          " WHERE issuer = ? AND issued_at >= ? AND issued_at < ? GROUP BY 1, 2 ORDER BY 1, 2",
	                          KP_PARAMS(KV_INT(off), KV_TEXT(issuer), KV_INT(from), KV_INT(to)))
	             : kp_db_exec(c, a, &r,
	                          "SELECT (issued_at + CAST(? AS BIGINT)) / 86400 AS day, CAST(type AS TEXT), COUNT(*)"
	                          " FROM permits WHERE issuer = ? AND issued_at >= ? AND issued_at < ?"
	                          " GROUP BY 1, 2 ORDER BY 1, 2",
	                          KP_PARAMS(KV_INT(off), KV_TEXT(issuer), KV_INT(from), KV_INT(to)));
	if (rc != KP_DB_OK)
		return rc;
	rows_to_trend(a, &r, true, false, out, n);
	return KP_DB_OK;
}

int kp_store_trend_quotas(kp_conn_t *c, kp_arena_t *a, const char *issuer, int year, kp_trend_row_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT 0, verifier, SUM(end_number - start_number + 1) FROM quotas"
	                    " WHERE issuer = ? AND year = ? GROUP BY verifier ORDER BY verifier",
	                    KP_PARAMS(KV_TEXT(issuer), KV_INT(year)));
	if (rc != KP_DB_OK)
		return rc;
	rows_to_trend(a, &r, true, false, out, n);
	return KP_DB_OK;
}

int kp_store_trend_crossings(kp_conn_t *c, kp_arena_t *a, const char *checkpoint, int64_t from, int64_t to,
                             int offset_minutes, kp_trend_row_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT (at + CAST(? AS BIGINT)) / 86400 AS day, COUNT(*),"
	                    " SUM(CASE WHEN checked_in_at IS NOT NULL AND at >= checked_in_at THEN 1 ELSE 0 END),"
	                    " SUM(CASE WHEN checked_in_at IS NOT NULL AND at >= checked_in_at THEN at - checked_in_at ELSE "
	                    "0 END),"
	                    " MAX(CASE WHEN checked_in_at IS NOT NULL AND at >= checked_in_at THEN at - checked_in_at ELSE "
	                    "0 END)"
	                    " FROM crossings WHERE checkpoint = ? AND at >= ? AND at < ? GROUP BY 1 ORDER BY 1",
	                    KP_PARAMS(KV_INT((int64_t)offset_minutes * 60), KV_TEXT(checkpoint), KV_INT(from), KV_INT(to)));
	if (rc != KP_DB_OK)
		return rc;
	rows_to_trend(a, &r, false, true, out, n);
	return KP_DB_OK;
}

int kp_store_trend_window(kp_conn_t *c, kp_arena_t *a, int64_t from, int64_t to, int offset_minutes,
                          kp_trend_row_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT (submitted_at + CAST(? AS BIGINT)) / 86400 AS day, status, COUNT(*) FROM "
	                    "sw_applications"
	                    " WHERE submitted_at >= ? AND submitted_at < ? GROUP BY 1, 2 ORDER BY 1, 2",
	                    KP_PARAMS(KV_INT((int64_t)offset_minutes * 60), KV_INT(from), KV_INT(to)));
	if (rc != KP_DB_OK)
		return rc;
	rows_to_trend(a, &r, true, false, out, n);
	return KP_DB_OK;
}
