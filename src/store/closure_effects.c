/* closure_effects.c: what a new closure does to the booked queue: every active booking
 * whose slot it overlaps (and the live queue when it starts at once) is cancelled, its
 * place given back, the reason kept, and a notice left for the driver; in the closure's
 * own transaction, audited per booking. */
#include "store/checkpoints.h"
#include "domain/booking.h"
#include "core/util.h"

#include <string.h>

int kp_store_closure_cancel_bookings_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const char *checkpoint,
                                        int64_t from, int64_t to, int64_t closure_id, const char *reason, int64_t now,
                                        int *cancelled)
{
	kp_rows_t r;
	*cancelled = 0;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT b.id, b.slot_id, b.priority, b.user_id, b.phone, b.plate, s.starts_at"
	                    " FROM queue_bookings b LEFT JOIN queue_slots s ON s.id = b.slot_id"
	                    " WHERE b.checkpoint = ? AND b.status IN " KP_BOOKING_OPEN_SQL
	                    " AND ((b.slot_id IS NOT NULL AND s.ends_at > ? AND (CAST(? AS BIGINT) = 0 OR s.starts_at < ?))"
	                    " OR (b.slot_id IS NULL AND ? <= ?)) ORDER BY b.id",
	                    KP_PARAMS(KV_TEXT(checkpoint), KV_INT(from), KV_INT(to), KV_INT(to), KV_INT(from), KV_INT(now)));
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		int64_t id = kp_rows_int(&r, i, 0), slot = kp_rows_isnull(&r, i, 1) ? 0 : kp_rows_int(&r, i, 1);
		int64_t changed = 0;
		rc = kp_db_run(c,
		               "UPDATE queue_bookings SET status = 'cancelled', closed_at = ?, cancel_reason = ?"
		               " WHERE id = ? AND status IN " KP_BOOKING_OPEN_SQL,
		               KP_PARAMS(KV_INT(now), KV_TEXT(reason), KV_INT(id)), &changed);
		if (rc != KP_DB_OK || changed == 0)
			continue;
		if (slot)
			rc = kp_db_run(c,
			               "UPDATE queue_slots SET booked = booked - 1, priority_booked = priority_booked - ? WHERE id = ?",
			               KP_PARAMS(KV_INT(!kp_rows_isnull(&r, i, 2)), KV_INT(slot)), NULL);
		if (rc == KP_DB_OK)
			rc = kp_db_run(c,
			               "INSERT INTO booking_notices (booking_id, user_id, phone, kind, checkpoint, plate,"
			               " slot_starts_at, closure_id, reason, created_at)"
			               " VALUES (?, ?, ?, 'CANCELLED_BY_CLOSURE', ?, ?, ?, ?, ?, ?)",
			               KP_PARAMS(KV_INT(id), kp_rows_isnull(&r, i, 3) ? KV_NULL : KV_INT(kp_rows_int(&r, i, 3)),
			                         KV_TEXT(kp_rows_text(&r, i, 4)), KV_TEXT(checkpoint), KV_TEXT(kp_rows_text(&r, i, 5)),
			                         slot ? KV_INT(kp_rows_int(&r, i, 6)) : KV_NULL, KV_INT(closure_id),
			                         KV_TEXT(reason), KV_INT(now)),
			               NULL);
		if (rc == KP_DB_OK)
			rc = kp_store_audit_id(c, who, "booking.cancel", "booking", id, NULL,
			                       json_pack("{s:s, s:s, s:I}", "status", "cancelled", "reason", "CLOSURE",
			                                 "closure_id", (json_int_t)closure_id));
		if (rc == KP_DB_OK)
			(*cancelled)++;
	}
	return rc;
}

int kp_store_booking_notices(kp_conn_t *c, kp_arena_t *a, int64_t user_id, int limit, kp_booking_notice_t **out,
                             int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id, booking_id, kind, checkpoint, plate, slot_starts_at, reason, created_at"
	                    " FROM booking_notices WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
	                    KP_PARAMS(KV_INT(user_id), KV_INT(limit)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_booking_notice_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*out)[i] = (kp_booking_notice_t){kp_rows_int(&r, i, 0),
		                                  kp_rows_int(&r, i, 1),
		                                  kp_rows_isnull(&r, i, 5) ? 0 : kp_rows_int(&r, i, 5),
		                                  kp_rows_int(&r, i, 7),
		                                  kp_rows_text(&r, i, 2),
		                                  kp_rows_text(&r, i, 3),
		                                  kp_rows_text(&r, i, 4),
		                                  kp_rows_text(&r, i, 6)};
	return KP_DB_OK;
}
