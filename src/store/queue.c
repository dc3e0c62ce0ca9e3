/* queue.c: the booked queue: hourly slots with capacities, bookings that can never
 * over-book a slot (a guarded UPDATE of its counters, on either backend), one booking per
 * vehicle at a time (a partial unique index), check-in, call-forward, no-shows that give
 * the place back, and the live queue of vehicles without a booking. */
#include "store/checkpoints.h"
#include "domain/booking.h"
#include "store/notify.h"
#include "core/util.h"

#include <string.h>

#define SLOT_COLUMNS \
	"id, checkpoint, flow, starts_at, ends_at, capacity, priority_cap, booked, priority_booked, created_at"

static void slot_from_row(const kp_rows_t *r, int i, kp_slot_t *s)
{
	s->id = kp_rows_int(r, i, 0);
	s->checkpoint = kp_rows_text(r, i, 1);
	s->flow = kp_rows_text(r, i, 2);
	s->starts_at = kp_rows_int(r, i, 3);
	s->ends_at = kp_rows_int(r, i, 4);
	s->capacity = (int)kp_rows_int(r, i, 5);
	s->priority_cap = (int)kp_rows_int(r, i, 6);
	s->booked = (int)kp_rows_int(r, i, 7);
	s->priority_booked = (int)kp_rows_int(r, i, 8);
	s->created_at = kp_rows_int(r, i, 9);
}

/* One run of hourly slots, audited, inside the caller's transaction; adds to *created. */
static int slot_run_tx(kp_conn_t *c, const kp_actor_t *who, const char *checkpoint, const char *flow, int64_t from,
                       int hours, int capacity, int priority_cap, int *created)
{
	int rc = KP_DB_OK, made = 0;
	for (int h = 0; rc == KP_DB_OK && h < hours; h++) {
		int64_t changed = 0;
		int64_t start = from + (int64_t)h * 3600;
		rc = kp_db_run(c,
		               "INSERT INTO queue_slots (checkpoint, flow, starts_at, ends_at, capacity, priority_cap, "
		               "created_at)"
		               " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (checkpoint, flow, starts_at) DO NOTHING",
		               KP_PARAMS(KV_TEXT(checkpoint), KV_TEXT(flow), KV_INT(start), KV_INT(start + 3600),
		                         KV_INT(capacity), KV_INT(priority_cap), KV_INT(kp_now())),
		               &changed);
		made += (int)changed;
	}
	*created += made;
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, "queue.slots", "checkpoint", checkpoint, NULL,
		                         json_pack("{s:s, s:I, s:i, s:i, s:i, s:i}", "flow", flow, "from", (json_int_t)from,
		                                   "hours", hours, "capacity", capacity, "priority_cap", priority_cap,
		                                   "created", made));
	return rc;
}

int kp_store_slot_runs_create(kp_conn_t *c, const kp_actor_t *who, const char *checkpoint, const char *flow,
                              const kp_slot_run_t *runs, int n, int capacity, int priority_cap, int *created)
{
	*created = 0;
	int rc = kp_store_begin(c);
	for (int i = 0; rc == KP_DB_OK && i < n; i++)
		rc = slot_run_tx(c, who, checkpoint, flow, runs[i].from, runs[i].hours, capacity, priority_cap, created);
	if (rc != KP_DB_OK)
		*created = 0;
	return c->in_tx ? kp_store_end(c, rc) : rc;
}

int kp_store_slots_create(kp_conn_t *c, const kp_actor_t *who, const char *checkpoint, const char *flow, int64_t from,
                          int hours, int capacity, int priority_cap, int *created)
{
	kp_slot_run_t run = {from, hours};
	return kp_store_slot_runs_create(c, who, checkpoint, flow, &run, 1, capacity, priority_cap, created);
}

int kp_store_slot_list(kp_conn_t *c, kp_arena_t *a, const char *checkpoint, const char *flow, int64_t from, int64_t to,
                       kp_slot_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " SLOT_COLUMNS " FROM queue_slots WHERE checkpoint = ? AND (CAST(? AS TEXT) IS NULL"
	                    " OR flow = ?) AND starts_at >= ? AND starts_at < ? ORDER BY starts_at, flow LIMIT 500",
	                    KP_PARAMS(KV_TEXT(checkpoint), KV_TEXT(flow), KV_TEXT(flow), KV_INT(from), KV_INT(to)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_slot_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		slot_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_slot_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_slot_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " SLOT_COLUMNS " FROM queue_slots WHERE id = ?", KP_PARAMS(KV_INT(id)));
	if (rc == KP_DB_OK)
		slot_from_row(&r, 0, out);
	return rc;
}

#define BOOKING_COLUMNS \
	"b.id, b.slot_id, b.user_id, b.created_at, b.checked_in_at, b.called_at, b.call_deadline," \
	" b.closed_at, b.crossing_id, s.starts_at, s.ends_at, b.checkpoint, b.flow, b.plate," \
	" b.priority, b.phone, b.status, b.lang"
#define BOOKING_FROM " FROM queue_bookings b LEFT JOIN queue_slots s ON s.id = b.slot_id"

static void booking_from_row(const kp_rows_t *r, int i, kp_booking_t *b)
{
	int64_t *ints[] = {&b->id,          &b->slot_id,       &b->user_id,   &b->created_at,  &b->checked_in_at,
	                   &b->called_at,   &b->call_deadline, &b->closed_at, &b->crossing_id, &b->slot_starts_at,
	                   &b->slot_ends_at};
	for (size_t k = 0; k < KP_ARRAY_LEN(ints); k++)
		*ints[k] = kp_rows_int(r, i, (int)k);
	const char **texts[] = {&b->checkpoint, &b->flow, &b->plate, &b->priority, &b->phone, &b->status, &b->lang};
	for (size_t k = 0; k < KP_ARRAY_LEN(texts); k++)
		*texts[k] = kp_rows_text(r, i, (int)(k + KP_ARRAY_LEN(ints)));
	b->position = 0;
}

int kp_store_booking_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_booking_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " BOOKING_COLUMNS BOOKING_FROM " WHERE b.id = ?", KP_PARAMS(KV_INT(id)));
	if (rc == KP_DB_OK)
		booking_from_row(&r, 0, out);
	return rc;
}

#define BOOKING_WHERE \
	" WHERE (CAST(? AS BIGINT) = 0 OR b.user_id = ?) AND (CAST(? AS TEXT) IS NULL OR b.checkpoint = ?)" \
	" AND (CAST(? AS BIGINT) = 0 OR b.status IN " KP_BOOKING_OPEN_SQL ")" \
	" AND (CAST(? AS TEXT) IS NULL OR" KP_LIKE("b.plate") ")"

int kp_store_booking_page(kp_conn_t *c, kp_arena_t *a, int64_t user_id, const char *checkpoint, bool active_only,
                          const kp_page_t *page, kp_booking_t **out, int *n, int64_t *total)
{
	const char *like = kp_page_pattern(a, page);
	kp_rows_t r;
	int rc = kp_page_query(c, a, "SELECT COUNT(*)" BOOKING_FROM BOOKING_WHERE,
	                       "SELECT " BOOKING_COLUMNS BOOKING_FROM BOOKING_WHERE " ORDER BY b.id DESC LIMIT ? OFFSET ?",
	                       KP_PARAMS(KV_INT(user_id), KV_INT(user_id), KV_TEXT(checkpoint), KV_TEXT(checkpoint),
	                                 KV_INT(active_only), KV_TEXT(like), KV_TEXT(like)),
	                       page, &r, total);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_booking_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		booking_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

static json_t *booking_snapshot(const kp_booking_t *b)
{
	return json_pack("{s:s, s:I, s:s, s:s, s:s?, s:s}", "checkpoint", b->checkpoint, "slot_id", (json_int_t)b->slot_id,
	                 "flow", b->flow, "plate", b->plate, "priority", b->priority, "status", b->status);
}

/* Insert b (slot_id 0: the live queue) and audit it; KP_DB_CONFLICT when the vehicle
 * already holds a booking. */
static int insert_booking(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_booking_t *b, const char *action)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "INSERT INTO queue_bookings (checkpoint, slot_id, flow, plate, priority, phone, user_id, "
	                    "status,"
	                    " created_at, checked_in_at, lang) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                    KP_PARAMS(KV_TEXT(b->checkpoint), b->slot_id ? KV_INT(b->slot_id) : KV_NULL, KV_TEXT(b->flow),
	                              KV_TEXT(b->plate), KV_TEXT(b->priority), KV_TEXT(b->phone),
	                              b->user_id ? KV_INT(b->user_id) : KV_NULL, KV_TEXT(b->status), KV_INT(b->created_at),
	                              b->checked_in_at ? KV_INT(b->checked_in_at) : KV_NULL, KV_TEXT(b->lang)));
	if (rc != KP_DB_OK)
		return rc;
	b->id = kp_rows_int(&r, 0, 0);
	return kp_store_audit_id(c, who, action, "booking", b->id, NULL, booking_snapshot(b));
}

/* The per-account cap, exact under races: the user's row is locked first, so two bookings
 * of one account are counted one after the other (SQLite's writer lock does the same). */
static int check_account_cap(kp_conn_t *c, kp_arena_t *a, const kp_booking_t *b, const char **why)
{
	if (b->account_cap <= 0 || b->user_id == 0)
		return KP_DB_OK;
	kp_rows_t r;
	int rc = kp_db_run(c, "UPDATE users SET id = id WHERE id = ?", KP_PARAMS(KV_INT(b->user_id)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_db_one(c, a, &r,
		               "SELECT COUNT(*) FROM queue_bookings WHERE user_id = ?"
		               " AND status IN " KP_BOOKING_OPEN_SQL,
		               KP_PARAMS(KV_INT(b->user_id)));
	if (rc == KP_DB_OK && kp_rows_int(&r, 0, 0) >= b->account_cap) {
		*why = "BOOKING_CAP_REACHED";
		rc = KP_DB_CONFLICT;
	}
	return rc;
}

/* Take a place in slot_id (and in its priority lane when priority): the counters only move
 * while there is room, so no slot is over-booked however many requests race for it.
 * *changed is 0 when there was none. */
static int take_place(kp_conn_t *c, int64_t slot_id, bool priority, int64_t *changed)
{
	return kp_db_run(c,
	                 "UPDATE queue_slots SET booked = booked + 1, priority_booked = priority_booked + ?"
	                 " WHERE id = ? AND booked < capacity AND (? = 0 OR priority_booked < priority_cap)",
	                 KP_PARAMS(KV_INT(priority), KV_INT(slot_id), KV_INT(priority)), changed);
}

int kp_store_booking_create(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_booking_t *b, const char **why)
{
	*why = NULL;
	kp_slot_t s;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	if ((rc = check_account_cap(c, a, b, why)) != KP_DB_OK)
		return kp_store_end(c, rc);
	int64_t changed = 0;
	bool priority = b->priority != NULL;
	rc = take_place(c, b->slot_id, priority, &changed);
	if (rc == KP_DB_OK)
		rc = kp_store_slot_get(c, a, b->slot_id, &s);
	if (rc == KP_DB_OK && changed == 0) {
		*why = s.booked >= s.capacity ? "SLOT_FULL" : "PRIORITY_LANE_FULL";
		rc = KP_DB_CONFLICT;
	}
	if (rc == KP_DB_OK && (strcmp(s.checkpoint, b->checkpoint) != 0 || strcmp(s.flow, b->flow) != 0)) {
		*why = "SLOT_MISMATCH";
		rc = KP_DB_CONFLICT;
	}
	if (rc == KP_DB_OK) {
		b->status = kp_booking_status_name(KP_BOOKING_BOOKED);
		b->created_at = kp_now();
		b->slot_starts_at = s.starts_at;
		b->slot_ends_at = s.ends_at;
		rc = insert_booking(c, a, who, b, "booking.create");
		if (rc == KP_DB_CONFLICT)
			*why = "VEHICLE_ALREADY_BOOKED";
	}
	return kp_store_end(c, rc);
}

int kp_store_live_join(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_booking_t *b, const char **why)
{
	*why = NULL;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	b->slot_id = 0;
	b->status = kp_booking_status_name(KP_BOOKING_CHECKED_IN); /* at the gate already */
	b->created_at = b->checked_in_at = kp_now();
	if ((rc = check_account_cap(c, a, b, why)) != KP_DB_OK)
		return kp_store_end(c, rc);
	rc = insert_booking(c, a, who, b, "booking.live");
	if (rc == KP_DB_CONFLICT)
		*why = "VEHICLE_ALREADY_BOOKED";
	return kp_store_end(c, rc);
}

/* Move a booking from one status to another under its row lock; *before gets the row.
 * KP_DB_CONFLICT when it is not in one of the `from` statuses (SQL list). */
static int lock_booking(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_booking_t *before)
{
	int rc = kp_db_run(c, "UPDATE queue_bookings SET status = status WHERE id = ?", KP_PARAMS(KV_INT(id)), NULL);
	return rc == KP_DB_OK ? kp_store_booking_get(c, a, id, before) : rc;
}

/* Give the booking's place in its slot back. */
static int release_place(kp_conn_t *c, const kp_booking_t *b)
{
	if (b->slot_id == 0)
		return KP_DB_OK;
	return kp_db_run(c,
	                 "UPDATE queue_slots SET booked = booked - 1, priority_booked = priority_booked - ? WHERE id = ?",
	                 KP_PARAMS(KV_INT(b->priority != NULL), KV_INT(b->slot_id)), NULL);
}

int kp_store_booking_check_in(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t id, int64_t now,
                              int64_t early, const char **why)
{
	*why = NULL;
	kp_booking_t b;
	const char *to = NULL;
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = lock_booking(c, a, id, &b);
	if (rc == KP_DB_OK) {
		if ((to = kp_booking_status_name(kp_booking_next(b.status, KP_BOOKING_CHECK_IN))) == NULL)
			*why = "NOT_BOOKED";
		else if (now < b.slot_starts_at - early)
			*why = "TOO_EARLY";
		else if (now >= b.slot_ends_at)
			*why = "SLOT_OVER";
		rc = *why ? KP_DB_CONFLICT : KP_DB_OK;
	}
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE queue_bookings SET status = ?, checked_in_at = ? WHERE id = ?",
		               KP_PARAMS(KV_TEXT(to), KV_INT(now), KV_INT(id)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "booking.check_in", "booking", id, json_pack("{s:s}", "status", b.status),
		                       json_pack("{s:s, s:I}", "status", to, "at", (json_int_t)now));
	return c->in_tx ? kp_store_end(c, rc) : rc;
}

int kp_store_booking_cancel(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t id, int64_t now)
{
	kp_booking_t b;
	const char *to = NULL;
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = lock_booking(c, a, id, &b);
	if (rc == KP_DB_OK && (to = kp_booking_status_name(kp_booking_next(b.status, KP_BOOKING_CANCEL))) == NULL)
		rc = KP_DB_CONFLICT;
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE queue_bookings SET status = ?, closed_at = ? WHERE id = ?",
		               KP_PARAMS(KV_TEXT(to), KV_INT(now), KV_INT(id)), NULL);
	if (rc == KP_DB_OK)
		rc = release_place(c, &b);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "booking.cancel", "booking", id, json_pack("{s:s}", "status", b.status),
		                       json_pack("{s:s}", "status", to));
	return c->in_tx ? kp_store_end(c, rc) : rc;
}

int kp_store_booking_grant_priority(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t id,
                                    const char *priority, const char **why)
{
	*why = NULL;
	kp_booking_t b;
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = lock_booking(c, a, id, &b);
	if (rc == KP_DB_OK && kp_booking_next(b.status, KP_BOOKING_PRIORITY) < 0) {
		*why = "NOT_ACTIVE";
		rc = KP_DB_CONFLICT;
	}
	/* The lane counter moves only when the booking enters or leaves the lane, under the
	 * same guard as a booking, so a grant never over-fills the lane. */
	int64_t delta = (priority != NULL) - (b.priority != NULL), changed = 1;
	if (rc == KP_DB_OK && b.slot_id != 0 && delta != 0)
		rc = kp_db_run(c,
		               "UPDATE queue_slots SET priority_booked = priority_booked + ?"
		               " WHERE id = ? AND (? < 0 OR priority_booked < priority_cap)",
		               KP_PARAMS(KV_INT(delta), KV_INT(b.slot_id), KV_INT(delta)), &changed);
	if (rc == KP_DB_OK && changed == 0) {
		*why = "PRIORITY_LANE_FULL";
		rc = KP_DB_CONFLICT;
	}
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE queue_bookings SET priority = ? WHERE id = ?",
		               KP_PARAMS(KV_TEXT(priority), KV_INT(id)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "booking.priority", "booking", id, json_pack("{s:s?}", "priority", b.priority),
		                       json_pack("{s:s?}", "priority", priority));
	return c->in_tx ? kp_store_end(c, rc) : rc;
}

/* The waiting zone in call order: called first (they are on their way), then priority
 * cargo, then by slot start (the live queue by its check-in time), then check-in. */
#define QUEUE_ORDER \
	" ORDER BY CASE WHEN b.status = '" KP_BOOKING_S_CALLED "' THEN 0 ELSE 1 END," \
	" CASE WHEN b.priority IS NULL THEN 1 ELSE 0 END," \
	" COALESCE(s.starts_at, b.checked_in_at), b.checked_in_at, b.id"

int kp_store_queue_list(kp_conn_t *c, kp_arena_t *a, const char *checkpoint, const char *flow, kp_booking_t **out,
                        int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " BOOKING_COLUMNS BOOKING_FROM " WHERE b.checkpoint = ? AND (CAST(? AS TEXT) IS NULL"
	                    " OR b.flow = ?) AND b.status IN " KP_BOOKING_WAITING_SQL QUEUE_ORDER " LIMIT 1000",
	                    KP_PARAMS(KV_TEXT(checkpoint), KV_TEXT(flow), KV_TEXT(flow)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_booking_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		booking_from_row(&r, i, &(*out)[i]);
		(*out)[i].position = i + 1;
	}
	return KP_DB_OK;
}

int64_t kp_store_booking_driver(kp_conn_t *c, kp_arena_t *a, int64_t user_id)
{
	kp_rows_t r;
	if (user_id &&
	    kp_db_exec(c, a, &r, "SELECT 1 FROM users WHERE id = ? AND role IN ('carrier', 'traveller')",
	               KP_PARAMS(KV_INT(user_id))) == KP_DB_OK &&
	    r.nrows == 0)
		return 0;
	return user_id;
}

/* The driver's notice of their turn, queued with the call itself (docs/notifications.md). */
static int notify_call(kp_conn_t *c, kp_arena_t *a, const kp_booking_t *b, int64_t reach)
{
	int64_t driver = kp_store_booking_driver(c, a, b->user_id);
	const char *id = kp_arena_printf(a, "%lld", (long long)b->id);
	const char *args[] = {"checkpoint", b->checkpoint, "plate",
	                      b->plate,     "minutes",     kp_arena_printf(a, "%lld", (long long)(reach / 60)),
	                      NULL};
	kp_notify_t n = {.idem_key = kp_arena_printf(a, "queue-call:booking:%s", id),
	                 .kind = KP_NOTICE_QUEUE_CALL,
	                 .user_id = driver,
	                 .phone = b->phone,
	                 .lang = b->lang,
	                 .object_type = "booking",
	                 .object_id = id,
	                 .args = args};
	return kp_store_notify_enqueue(c, &n, (int64_t)b->called_at * 1000);
}

int kp_store_queue_call(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const char *checkpoint, const char *flow,
                        int n, int64_t now, int64_t reach, kp_booking_t **out, int *ncalled)
{
	*ncalled = 0;
	*out = kp_arena_zalloc(a, sizeof(kp_booking_t) * (size_t)(n + 1));
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	/* One call-forward at a time per checkpoint: lock its row. */
	rc = kp_db_run(c, "UPDATE checkpoints SET code = code WHERE code = ?", KP_PARAMS(KV_TEXT(checkpoint)), NULL);
	kp_rows_t r;
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, a, &r,
		                "SELECT " BOOKING_COLUMNS BOOKING_FROM " WHERE b.checkpoint = ? AND b.flow = ?"
		                " AND b.status = '" KP_BOOKING_S_CHECKED_IN "'" QUEUE_ORDER " LIMIT ?",
		                KP_PARAMS(KV_TEXT(checkpoint), KV_TEXT(flow), KV_INT(n)));
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		kp_booking_t *b = &(*out)[i];
		booking_from_row(&r, i, b);
		const char *from = b->status, *to = kp_booking_status_name(kp_booking_next(from, KP_BOOKING_CALL));
		rc = kp_db_run(c, "UPDATE queue_bookings SET status = ?, called_at = ?, call_deadline = ? WHERE id = ?",
		               KP_PARAMS(KV_TEXT(to), KV_INT(now), KV_INT(now + reach), KV_INT(b->id)), NULL);
		b->status = to;
		b->called_at = now;
		b->call_deadline = now + reach;
		if (rc == KP_DB_OK)
			rc = kp_store_audit_id(c, who, "booking.call", "booking", b->id, json_pack("{s:s}", "status", from),
			                       json_pack("{s:s, s:I}", "status", to, "deadline", (json_int_t)(now + reach)));
		if (rc == KP_DB_OK)
			rc = notify_call(c, a, b, reach);
		*ncalled = i + 1;
	}
	return kp_store_end(c, rc);
}

int kp_store_queue_expire(kp_conn_t *c, const kp_actor_t *who, int64_t now, int64_t grace, int64_t *expired)
{
	kp_arena_t a;
	kp_arena_init(&a);
	*expired = 0;
	kp_rows_t r;
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, &a, &r,
		                "SELECT " BOOKING_COLUMNS BOOKING_FROM " WHERE (b.status = '" KP_BOOKING_S_CALLED
		                "' AND b.call_deadline < ?)"
		                " OR (b.status = '" KP_BOOKING_S_BOOKED "' AND s.ends_at + ? < ?) LIMIT 1000",
		                KP_PARAMS(KV_INT(now), KV_INT(grace), KV_INT(now)));
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		kp_booking_t b;
		booking_from_row(&r, i, &b);
		int64_t changed = 0;
		const char *to = kp_booking_status_name(kp_booking_next(b.status, KP_BOOKING_EXPIRE));
		rc = kp_db_run(c, "UPDATE queue_bookings SET status = ?, closed_at = ? WHERE id = ? AND status = ?",
		               KP_PARAMS(KV_TEXT(to), KV_INT(now), KV_INT(b.id), KV_TEXT(b.status)), &changed);
		if (rc != KP_DB_OK || changed == 0)
			continue; /* crossed or cancelled meanwhile */
		if ((rc = release_place(c, &b)) == KP_DB_OK)
			rc = kp_store_audit_id(c, who, "booking.no_show", "booking", b.id, json_pack("{s:s}", "status", b.status),
			                       json_pack("{s:s}", "status", to));
		(*expired)++;
	}
	rc = c->in_tx ? kp_store_end(c, rc) : rc;
	kp_arena_cleanup(&a);
	return rc;
}

/* The booking's slot as a history snapshot. */
static json_t *slot_snapshot(int64_t slot_id, int64_t starts_at, const char *status)
{
	char at[32];
	kp_iso8601(starts_at, at, sizeof(at));
	return json_pack("{s:I, s:s, s:s?}", "slot_id", (json_int_t)slot_id, "starts_at", at, "status", status);
}

int kp_store_booking_move(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t id, int64_t slot_id,
                          kp_booking_t *out, const char **why)
{
	*why = NULL;
	kp_booking_t b;
	kp_slot_t s;
	int64_t changed = 0;
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = lock_booking(c, a, id, &b);
	if (rc == KP_DB_OK && (kp_booking_next(b.status, KP_BOOKING_MOVE) < 0 || b.slot_id == 0))
		*why = "NOT_BOOKED";
	else if (rc == KP_DB_OK && b.slot_id == slot_id)
		*why = "SAME_SLOT";
	if (*why)
		rc = KP_DB_CONFLICT;
	bool priority = rc == KP_DB_OK && b.priority != NULL;
	if (rc == KP_DB_OK)
		rc = take_place(c, slot_id, priority, &changed);
	if (rc == KP_DB_OK)
		rc = kp_store_slot_get(c, a, slot_id, &s);
	if (rc == KP_DB_OK && (strcmp(s.checkpoint, b.checkpoint) != 0 || strcmp(s.flow, b.flow) != 0))
		*why = "SLOT_MISMATCH";
	else if (rc == KP_DB_OK && changed == 0)
		*why = s.booked >= s.capacity ? "SLOT_FULL" : "PRIORITY_LANE_FULL";
	if (rc == KP_DB_OK && *why)
		rc = KP_DB_CONFLICT;
	if (rc == KP_DB_OK)
		rc = release_place(c, &b);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE queue_bookings SET slot_id = ? WHERE id = ?", KP_PARAMS(KV_INT(slot_id), KV_INT(id)),
		               NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "booking.move", "booking", id, slot_snapshot(b.slot_id, b.slot_starts_at, NULL),
		                       slot_snapshot(slot_id, s.starts_at, b.status));
	if (rc == KP_DB_OK)
		rc = kp_store_booking_get(c, a, id, out);
	return c->in_tx ? kp_store_end(c, rc) : rc;
}
