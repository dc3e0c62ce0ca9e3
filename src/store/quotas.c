/* quotas.c: permit quotas as serial ranges, with their usage. */
#include "store/permits.h"
#include "store/tlog_acts.h"
#include "store/exchange.h"
#include "core/util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

static json_t *quota_snapshot(const kp_quota_t *q)
{
	return json_pack("{s:I, s:s, s:s, s:i, s:i, s:I, s:I, s:I, s:s?}", "id", (json_int_t)q->id, "issuer", q->issuer,
	                 "verifier", q->verifier, "year", q->year, "type", q->type, "start_number",
	                 (json_int_t)q->start_number, "end_number", (json_int_t)q->end_number, "next_serial",
	                 (json_int_t)q->next_serial, "note", q->note);
}

/* KP_DB_CONFLICT when [start,end] overlaps another range of the same pair, year and type. */
static int check_no_overlap(kp_conn_t *c, kp_arena_t *a, const kp_quota_t *q, int64_t start, int64_t end)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT COUNT(*) FROM quotas WHERE issuer = ? AND verifier = ? AND year = ? AND type = ?"
	                    " AND start_number <= ? AND end_number >= ? AND id <> ?",
	                    KP_PARAMS(KV_TEXT(q->issuer), KV_TEXT(q->verifier), KV_INT(q->year), KV_INT(q->type),
	                              KV_INT(end), KV_INT(start), KV_INT(q->id)));
	return rc == KP_DB_OK && kp_rows_int(&r, 0, 0) > 0 ? KP_DB_CONFLICT : rc;
}

/* Serialise range changes for one verifier (no-op write: a row lock on PostgreSQL; SQLite
 * writers are already serialised), so the overlap check cannot race. */
static int lock_verifier(kp_conn_t *c, const char *verifier)
{
	return kp_db_run(c, "UPDATE authorities SET code = code WHERE code = ?", KP_PARAMS(KV_TEXT(verifier)), NULL);
}

static int insert_quota(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_quota_t *q)
{
	kp_rows_t r;
	q->next_serial = q->start_number;
	q->created_at = kp_now();
	int rc = kp_db_exec(c, a, &r,
	                    "INSERT INTO quotas (issuer, verifier, year, type, start_number, end_number, next_serial, note,"
	                    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                    KP_PARAMS(KV_TEXT(q->issuer), KV_TEXT(q->verifier), KV_INT(q->year), KV_INT(q->type),
	                              KV_INT(q->start_number), KV_INT(q->end_number), KV_INT(q->next_serial),
	                              KV_TEXT(q->note), KV_INT(q->created_at)));
	if (rc != KP_DB_OK)
		return rc;
	q->id = kp_rows_int(&r, 0, 0);
	if ((rc = kp_store_outbox_quota_created(c, q)) != KP_DB_OK) /* a quota we grant a partner */
		return rc;
	if ((rc = kp_tlog_quota(c, "quota.create", q)) != KP_DB_OK)
		return rc;
	return kp_store_audit_id(c, who, "quota.create", "quota", q->id, NULL, quota_snapshot(q));
}

int kp_store_quota_create(kp_conn_t *c, const kp_actor_t *who, kp_quota_t *q)
{
	kp_arena_t a;
	kp_arena_init(&a);
	q->id = 0;
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK) {
		if ((rc = lock_verifier(c, q->verifier)) == KP_DB_OK &&
		    (rc = check_no_overlap(c, &a, q, q->start_number, q->end_number)) == KP_DB_OK)
			rc = insert_quota(c, &a, who, q);
		rc = kp_store_end(c, rc);
	}
	kp_arena_cleanup(&a);
	return rc;
}

#define QUOTA_SELECT \
	"SELECT q.id, q.issuer, q.verifier, q.year, q.type, q.start_number, q.end_number, q.next_serial, q.note," \
	" q.created_at, COUNT(p.id)," \
	" COALESCE(SUM(CASE WHEN p.status = '" KP_PERMIT_S_USED "' THEN 1 ELSE 0 END), 0)," \
	" COALESCE(SUM(CASE WHEN p.status = '" KP_PERMIT_S_RETURNED "' THEN 1 ELSE 0 END), 0)," \
	" COALESCE(SUM(CASE WHEN p.status = '" KP_PERMIT_S_REVOKED "' THEN 1 ELSE 0 END), 0)," \
	" COALESCE(SUM(CASE WHEN p.status = '" KP_PERMIT_S_ISSUED "' AND p.expires_at < ? THEN 1 ELSE 0 END), 0)" \
	" FROM quotas q LEFT JOIN permits p ON p.quota_id = q.id"

static void quota_from_row(const kp_rows_t *r, int i, kp_quota_t *q)
{
	q->id = kp_rows_int(r, i, 0);
	q->issuer = kp_rows_text(r, i, 1);
	q->verifier = kp_rows_text(r, i, 2);
	q->year = (int)kp_rows_int(r, i, 3);
	q->type = (int)kp_rows_int(r, i, 4);
	q->start_number = kp_rows_int(r, i, 5);
	q->end_number = kp_rows_int(r, i, 6);
	q->next_serial = kp_rows_int(r, i, 7);
	q->note = kp_rows_text(r, i, 8);
	q->created_at = kp_rows_int(r, i, 9);
	q->issued = kp_rows_int(r, i, 10);
	q->used = kp_rows_int(r, i, 11);
	q->returned = kp_rows_int(r, i, 12);
	q->revoked = kp_rows_int(r, i, 13);
	q->expired = kp_rows_int(r, i, 14);
	/* Serials we draw are spent for good; a partner's range is spent by the permits it
	 * reported against it. */
	int64_t size = q->end_number - q->start_number + 1;
	int64_t drawn = q->next_serial - q->start_number;
	q->remaining = size - (drawn > q->issued ? drawn : q->issued);
}

int kp_store_quota_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_quota_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, QUOTA_SELECT " WHERE q.id = ? GROUP BY q.id", KP_PARAMS(KV_INT(kp_now()), KV_INT(id)));
	if (rc == KP_DB_OK)
		quota_from_row(&r, 0, out);
	return rc;
}

int kp_store_quota_list(kp_conn_t *c, kp_arena_t *a, const char *authority, int year, int64_t now, kp_quota_t **out,
                        int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    QUOTA_SELECT
	                    " WHERE (CAST(? AS TEXT) IS NULL OR q.issuer = ? OR q.verifier = ?)"
	                    " AND (CAST(? AS BIGINT) = 0 OR q.year = ?)"
	                    " GROUP BY q.id ORDER BY q.year DESC, q.issuer, q.verifier, q.type, q.start_number",
	                    KP_PARAMS(KV_INT(now), KV_TEXT(authority), KV_TEXT(authority), KV_TEXT(authority), KV_INT(year),
	                              KV_INT(year)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_quota_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		quota_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

/* The new end may not fall below the last serial drawn or reported, nor overlap. */
static int check_new_end(kp_conn_t *c, kp_arena_t *a, const kp_quota_t *q, int64_t end_number)
{
	int64_t used_to = q->next_serial - 1;
	if (q->start_number + q->issued - 1 > used_to)
		used_to = q->start_number + q->issued - 1;
	if (end_number < used_to || end_number < q->start_number)
		return KP_DB_CONFLICT;
	return check_no_overlap(c, a, q, q->start_number, end_number);
}

int kp_store_quota_set_end(kp_conn_t *c, const kp_actor_t *who, int64_t id, int64_t end_number)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_quota_t before, after;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	/* Lock first, then read: the usage read after the lock is the one that counts. */
	if ((rc = kp_db_run(c, "UPDATE authorities SET code = code WHERE code = (SELECT verifier FROM quotas WHERE id = ?)",
	                    KP_PARAMS(KV_INT(id)), NULL)) == KP_DB_OK &&
	    (rc = kp_store_quota_get(c, &a, id, &before)) == KP_DB_OK &&
	    (rc = check_new_end(c, &a, &before, end_number)) == KP_DB_OK &&
	    (rc = kp_db_run(c, "UPDATE quotas SET end_number = ? WHERE id = ?", KP_PARAMS(KV_INT(end_number), KV_INT(id)),
	                    NULL)) == KP_DB_OK) {
		after = before;
		after.end_number = end_number;
		rc = kp_tlog_quota(c, "quota.adjust", &after);
		if (rc == KP_DB_OK)
			rc = kp_store_audit_id(c, who, "quota.adjust", "quota", id, quota_snapshot(&before),
			                       quota_snapshot(&after));
	}
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}
