/* closure_effects.c: what a new closure, or a season or hours change, does to the booked
 * queue: every active booking at a time the crossing no longer serves (a closure: whose slot
 * it overlaps, and the live queue when it starts at once; a rule change: whose slot hour is
 * no longer open) is cancelled, its place given back, the reason kept, and a notice left for
 * the driver; in the change's own transaction, audited per booking. */
#include "store/checkpoints.h"
#include "store/notify.h"
#include "domain/booking.h"
#include "core/util.h"

#include <string.h>

/* The open bookings' columns cancel_booking reads: id, slot, priority, user, phone, plate,
 * slot start, flow, language. */
#define BOOKING_COLUMNS "b.id, b.slot_id, b.priority, b.user_id, b.phone, b.plate, s.starts_at, s.flow, b.lang"

/* Why a booking was cancelled: by closure closure_id, or by rule change change_id (a new
 * season or hours that close the crossing at its time). reason is what the driver reads. */
struct cancel_cause {
	const char *checkpoint, *reason;
	int64_t closure_id, change_id, now;
};

/* The one rule for a booking the crossing will not serve: cancelled with the reason kept,
 * its place given back, a notice left for the driver, audited. Row i of r (BOOKING_COLUMNS);
 * *cancelled counts it (a booking closed meanwhile is skipped). */
static int cancel_booking(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_rows_t *r, int i,
                          const struct cancel_cause *why, int *cancelled)
{
	int64_t id = kp_rows_int(r, i, 0), slot = kp_rows_isnull(r, i, 1) ? 0 : kp_rows_int(r, i, 1);
	int64_t changed = 0;
	const char *to = kp_booking_status_name(KP_BOOKING_CANCELLED); /* from any open state */
	int rc = kp_db_run(c,
	                   "UPDATE queue_bookings SET status = ?, closed_at = ?, cancel_reason = ?"
	                   " WHERE id = ? AND status IN " KP_BOOKING_OPEN_SQL,
	                   KP_PARAMS(KV_TEXT(to), KV_INT(why->now), KV_TEXT(why->reason), KV_INT(id)), &changed);
	if (rc != KP_DB_OK || changed == 0)
		return rc;
	if (slot)
		rc = kp_db_run(c,
		               "UPDATE queue_slots SET booked = booked - 1, priority_booked = priority_booked - ? WHERE id = ?",
		               KP_PARAMS(KV_INT(!kp_rows_isnull(r, i, 2)), KV_INT(slot)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "INSERT INTO booking_notices (booking_id, user_id, phone, kind, checkpoint, plate,"
		               " slot_starts_at, closure_id, reason, created_at)"
		               " VALUES (?, ?, ?, 'CANCELLED_BY_CLOSURE', ?, ?, ?, ?, ?, ?)",
		               KP_PARAMS(KV_INT(id), kp_rows_isnull(r, i, 3) ? KV_NULL : KV_INT(kp_rows_int(r, i, 3)),
		                         KV_TEXT(kp_rows_text(r, i, 4)), KV_TEXT(why->checkpoint),
		                         KV_TEXT(kp_rows_text(r, i, 5)), slot ? KV_INT(kp_rows_int(r, i, 6)) : KV_NULL,
		                         why->closure_id ? KV_INT(why->closure_id) : KV_NULL, KV_TEXT(why->reason),
		                         KV_INT(why->now)),
		               NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "booking.cancel", "booking", id, NULL,
		                       why->closure_id ? json_pack("{s:s, s:s, s:I}", "status", to, "reason", "CLOSURE",
		                                                   "closure_id", (json_int_t)why->closure_id)
		                                       : json_pack("{s:s, s:s, s:I}", "status", to, "reason", "RULE_CHANGE",
		                                                   "change_id", (json_int_t)why->change_id));
	if (rc == KP_DB_OK) { /* and by SMS, email and the bell, as the call would reach them */
		const char *bid = kp_arena_printf(a, "%lld", (long long)id);
		const char *args[] = {"checkpoint", why->checkpoint, "plate", kp_rows_text(r, i, 5), NULL};
		kp_notify_t n = {.idem_key = kp_arena_printf(a, "booking-cancel:booking:%s", bid),
		                 .kind = KP_NOTICE_BOOKING_CANCELLED,
		                 .user_id = kp_store_booking_driver(c, a, kp_rows_isnull(r, i, 3) ? 0 : kp_rows_int(r, i, 3)),
		                 .phone = kp_rows_text(r, i, 4),
		                 .lang = kp_rows_text(r, i, 8),
		                 .object_type = "booking",
		                 .object_id = bid,
		                 .args = args};
		rc = kp_store_notify_enqueue(c, &n, why->now * 1000);
	}
	if (rc == KP_DB_OK)
		(*cancelled)++;
	return rc;
}

int kp_store_closure_cancel_bookings_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const char *checkpoint,
                                        int64_t from, int64_t to, int64_t closure_id, const char *reason, int64_t now,
                                        int *cancelled)
{
	kp_rows_t r;
	*cancelled = 0;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " BOOKING_COLUMNS " FROM queue_bookings b LEFT JOIN queue_slots s ON s.id = b.slot_id"
	                    " WHERE b.checkpoint = ? AND b.status IN " KP_BOOKING_OPEN_SQL
	                    " AND ((b.slot_id IS NOT NULL AND s.ends_at > ? AND (CAST(? AS BIGINT) = 0 OR s.starts_at < ?))"
	                    " OR (b.slot_id IS NULL AND ? <= ?)) ORDER BY b.id",
	                    KP_PARAMS(KV_TEXT(checkpoint), KV_INT(from), KV_INT(to), KV_INT(to), KV_INT(from),
	                              KV_INT(now)));
	struct cancel_cause why = {checkpoint, reason, closure_id, 0, now};
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++)
		rc = cancel_booking(c, a, who, &r, i, &why, cancelled);
	return rc;
}

int kp_store_schedule_cancel_bookings_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const char *checkpoint,
                                         int64_t change_id, const char *reason, int64_t now, int *cancelled)
{
	*cancelled = 0;
	kp_cp_set_t set;
	kp_arena_init(&set.arena);
	int rc = kp_store_checkpoints_load(c, &set); /* as this transaction changed it */
	const kp_checkpoint_t *cp = rc == KP_DB_OK ? kp_cp_set_find(&set, checkpoint) : NULL;
	kp_rows_t r;
	if (cp)
		rc = kp_db_exec(c, a, &r,
		                "SELECT " BOOKING_COLUMNS " FROM queue_bookings b JOIN queue_slots s ON s.id = b.slot_id"
		                " WHERE b.checkpoint = ? AND b.status IN " KP_BOOKING_OPEN_SQL
		                " AND s.ends_at > ? ORDER BY b.id",
		                KP_PARAMS(KV_TEXT(checkpoint), KV_INT(now)));
	struct cancel_cause why = {checkpoint, reason, 0, change_id, now};
	for (int i = 0; cp && rc == KP_DB_OK && i < r.nrows; i++)
		if (!kp_cp_hour_open(&cp->schedule, kp_rows_int(&r, i, 6), kp_cp_flow_mode(kp_rows_text(&r, i, 7))))
			rc = cancel_booking(c, a, who, &r, i, &why, cancelled);
	kp_arena_cleanup(&set.arena);
	return rc;
}

int kp_store_booking_notices(kp_conn_t *c, kp_arena_t *a, int64_t user_id, int limit, kp_booking_notice_t **out, int *n)
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
