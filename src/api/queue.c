/* queue.c: the booked queue over HTTP: hourly slots per checkpoint and flow, a driver's
 * booking (one per vehicle at a time, priority cargo in a capped lane), check-in at the
 * waiting zone, the officer's call-forward with a time to reach the gate, cancelling, and
 * the live queue of vehicles that come without a booking. */
#include "api/api.h"
#include "domain/account.h"
#include "domain/booking.h"
#include "api/paging.h"
#include "api/queue_rules.h"
#include "api/history.h"
#include "api/checkpoint_views.h"
#include "core/util.h"
#include "domain/crossing.h"
#include "domain/dates.h"
#include "domain/permit.h"
#include "store/permits.h"
#include "store/registry.h"
#include "store/travellers.h"

#include <string.h>

static const char *check_queue_flow(const char *f)
{
	return strcmp(f, "car") == 0 || strcmp(f, "bus") == 0 || strcmp(f, "truck") == 0 ? NULL
	                                                                                 : "must be car, bus or truck";
}

/* The path's checkpoint: must be ours. Copies what callers need; answers when refused. */
static int our_checkpoint(kp_req_t *req, const char *code, int *offset, int64_t capacity[KP_FLOW_COUNT])
{
	kp_registry_t *reg = kp_api_app(req)->registry;
	const kp_checkpoint_t *cp = reg ? kp_cp_set_find(kp_registry_acquire(reg), code) : NULL;
	int rc = 0;
	if (cp == NULL) {
		kp_reply_error(req, 404, "not_found", "no such checkpoint; GET /api/v1/checkpoints lists them");
		rc = -1;
	} else if (strcmp(cp->country, kp_api_app(req)->cfg->authority_code) != 0) {
		kp_reply_error(req, 422, "CHECKPOINT_NOT_OURS", "%s is run by %s; book with its own queue", cp->name_en,
		               cp->country);
		rc = -1;
	} else {
		if (offset)
			*offset = cp->schedule.sides[0].offset_minutes;
		if (capacity)
			memcpy(capacity, cp->capacity, sizeof(cp->capacity));
	}
	if (reg)
		kp_registry_release(reg);
	return rc;
}

void kp_api_slot_list(kp_req_t *req)
{
	const char *code = kp_req_param(req, "code"), *flow = kp_req_query(req, "flow");
	int offset;
	if (our_checkpoint(req, code, &offset, NULL) != 0)
		return;
	if (flow && check_queue_flow(flow)) {
		kp_reply_error(req, 400, "bad_query", "flow must be car, bus or truck");
		return;
	}
	const char *d = kp_req_query(req, "date");
	int64_t day = kp_local_day(kp_now(), offset);
	if (d && *d && kp_date_parse_iso(d, &day) != 0) {
		kp_reply_error(req, 400, "bad_query", "date must be a day like 2026-11-24 (local at the checkpoint)");
		return;
	}
	int64_t from = kp_local_day_start(day, offset);
	kp_slot_t *s;
	int n;
	int rc = kp_store_slot_list(kp_api_db(req), &req->arena, code, flow, from, from + 86400, &s, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "slots");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		if (kp_api_slot_open(req, &s[i])) /* a closure since they were opened hides them */
			json_array_append_new(items, kp_api_slot_json(&s[i]));
	char date[11];
	kp_date_format_iso(day, date);
	kp_reply_json(req, 200, json_pack("{s:s, s:s, s:o}", "checkpoint", code, "date", date, "items", items));
}

/* Body: flow, date (local), from_hour, to_hour, capacity (default: the flow's daily
 * capacity spread over 24 hours). */
void kp_api_slot_create(kp_req_t *req)
{
	const char *code = kp_req_param(req, "code");
	const char *flow = kp_body_str_checked(req, "flow", 5, true, check_queue_flow);
	const char *date = kp_body_str(req, "date", 10, true);
	long long from_hour = 0, to_hour = 24, capacity = -1;
	kp_body_int(req, "from_hour", 0, 23, false, &from_hour);
	kp_body_int(req, "to_hour", 1, 24, false, &to_hour);
	kp_body_int(req, "capacity", 0, 100000, false, &capacity);
	int64_t day = 0;
	if (date && kp_date_parse_iso(date, &day) != 0)
		kp_field_problem(req, "date", "date", NULL, "must be a day like 2026-11-24 (local at the checkpoint)");
	if (to_hour <= from_hour)
		kp_field_problem(req, "to_hour", "to_before_from", NULL, "must be after from_hour");
	int offset;
	int64_t daily[KP_FLOW_COUNT];
	if (kp_body_check(req) != 0 || our_checkpoint(req, code, &offset, daily) != 0)
		return;
	if (capacity < 0) {
		int64_t per_day = daily[kp_flow_index(flow)];
		capacity = per_day > 0 ? (per_day + 23) / 24 : 0;
	}
	int share = (int)kp_api_app(req)->cfg->queue_priority_percent;
	int pcap = kp_queue_priority_cap((int)capacity, share);
	int64_t from = kp_local_day_start(day, offset) + from_hour * 3600;
	int created = 0;
	if (kp_api_slots_open(req, code, flow, day, (int)from_hour, (int)to_hour, (int)capacity, pcap, &created) != 0)
		return; /* only hours to come in which the crossing is open for the flow (queue_rules.c) */
	kp_slot_t *s;
	int n;
	int rc = kp_store_slot_list(kp_api_db(req), &req->arena, code, flow, from, from + (to_hour - from_hour) * 3600, &s,
	                            &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "slots");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, kp_api_slot_json(&s[i]));
	kp_reply_json(req, 201, json_pack("{s:i, s:o}", "created", created, "items", items));
}

static const char *read_plate(kp_req_t *req)
{
	const char *plate = kp_body_str(req, "plate", 20, true);
	char norm[16];
	const char *why = plate ? kp_plate_normalise(plate, norm, sizeof(norm)) : NULL;
	if (why) {
		kp_field_error(req, "plate", why);
		return NULL;
	}
	return plate ? kp_arena_strdup(&req->arena, norm) : NULL;
}

static void reply_booking_refusal(kp_req_t *req, int rc, const char *why)
{
	if (rc == KP_DB_CONFLICT && why && strcmp(why, "VEHICLE_ALREADY_BOOKED") == 0)
		kp_reply_error(req, 409, why,
		               "this vehicle already holds a booking; cancel it first (one booking per vehicle)");
	else if (rc == KP_DB_CONFLICT && why && strcmp(why, "PRIORITY_LANE_FULL") == 0)
		kp_reply_error(req, 409, why,
		               "the priority lane of this slot is full; book it without priority or another slot");
	else if (rc == KP_DB_CONFLICT && why && strcmp(why, "BOOKING_CAP_REACHED") == 0)
		kp_reply_error(req, 409, why, "your account holds as many active bookings as it may; cancel one first");
	else if (rc == KP_DB_CONFLICT && why && strcmp(why, "SLOT_MISMATCH") == 0)
		kp_reply_error(req, 422, why, "the slot belongs to another checkpoint or flow");
	else if (rc == KP_DB_CONFLICT && why && strcmp(why, "SAME_SLOT") == 0)
		kp_reply_error(req, 409, why, "the booking is already in that slot");
	else if (rc == KP_DB_CONFLICT && why && strcmp(why, "NOT_BOOKED") == 0)
		kp_reply_error(req, 409, why, "only a booking still waiting for its hour can be moved");
	else if (rc == KP_DB_CONFLICT && why)
		kp_reply_error(req, 409, why, "the slot is fully booked; choose another");
	else
		kp_reply_db_error(req, rc, "slot");
}

/* Who may queue which vehicle (issue: bookings taken for other people's trucks). A carrier:
 * an active vehicle its own organisation registered, while the organisation is active. A
 * traveller: a vehicle no carrier registered and no other account holds an open temporary
 * import for. An officer at the checkpoint: any. Answers and returns -1 when refused;
 * says nothing of who holds the vehicle. Sets the account's cap on active bookings. */
static int check_entitled(kp_req_t *req, kp_booking_t *b)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	unsigned role = req->auth.role;
	if (role != KP_ROLE_CARRIER && role != KP_ROLE_TRAVELLER)
		return 0;
	b->account_cap = (int)(role == KP_ROLE_CARRIER ? cfg->queue_carrier_bookings : cfg->queue_traveller_bookings);
	kp_vehicle_t v;
	int rc = kp_store_vehicle_by_plate(kp_api_db(req), &req->arena, b->plate, &v);
	if (rc != KP_DB_OK && rc != KP_DB_NOTFOUND) {
		kp_reply_db_error(req, rc, "vehicle");
		return -1;
	}
	bool registered = rc == KP_DB_OK;
	if (role == KP_ROLE_CARRIER) {
		kp_org_t org;
		rc = kp_store_org_get(kp_api_db(req), &req->arena, req->auth.org_id, &org);
		if (rc != KP_DB_OK) {
			kp_reply_db_error(req, rc, "organisation");
			return -1;
		}
		if (strcmp(org.status, KP_ACCOUNT_ACTIVE) != 0) {
			kp_reply_error(req, 403, "ORGANISATION_SUSPENDED", "your organisation is suspended; it cannot book");
			return -1;
		}
		if (!registered || v.org_id != req->auth.org_id || !kp_vehicle_in_service(v.status)) {
			kp_reply_error(req, 422, "VEHICLE_NOT_YOURS",
			               "book a vehicle your company has registered and not retired (GET /api/v1/vehicles)");
			return -1;
		}
		return 0;
	}
	bool other = registered;
	if (!other && (rc = kp_store_tip_held_by_other(kp_api_db(req), &req->arena, b->plate, req->auth.user_id, &other)) !=
	                  KP_DB_OK) {
		kp_reply_db_error(req, rc, "vehicle");
		return -1;
	}
	if (other) {
		kp_reply_error(req, 422, "VEHICLE_NOT_YOURS",
		               "this vehicle is registered to someone else; book your own vehicle");
		return -1;
	}
	return 0;
}

/* Priority is earned, not declared: an officer grants it (here or with PUT
 * /api/v1/bookings/{id}/priority). A driver who sends one is told so. */
static const char *read_priority(kp_req_t *req)
{
	const char *p = kp_body_str_checked(req, "priority", 12, false, kp_check_priority);
	if (p && req->auth.role != KP_ROLE_OFFICER) {
		kp_field_error(req, "priority",
		               "is granted by an officer at the checkpoint on the cargo's papers; "
		               "it cannot be declared when booking");
		return NULL;
	}
	return p;
}

/* The slot slot_id names, for booking or moving into: answers and returns -1 when it names
 * none (422 naming slot_id), when its hour is over (422 SLOT_OVER) or when a closure of the
 * crossing has come since (kp_api_slot_bookable). */
static int load_open_slot(kp_req_t *req, int64_t slot_id, kp_slot_t *s)
{
	int rc = kp_store_slot_get(kp_api_db(req), &req->arena, slot_id, s);
	if (rc == KP_DB_NOTFOUND) {
		kp_field_problem(req, "slot_id", "no_slot", NULL, "names no slot");
		kp_body_check(req);
		return -1;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "slot");
		return -1;
	}
	if (s->ends_at <= kp_now()) {
		kp_field_problem(req, "slot_id", "SLOT_OVER", NULL, "is over");
		kp_reply_error(req, 422, "SLOT_OVER", "that slot is over; choose a later one");
		return -1;
	}
	return kp_api_slot_bookable(req, s);
}

void kp_api_booking_create(kp_req_t *req)
{
	kp_booking_t b = {0};
	long long slot = 0;
	kp_body_int(req, "slot_id", 1, INT64_MAX, true, &slot);
	b.slot_id = slot;
	b.plate = read_plate(req);
	b.priority = read_priority(req);
	b.phone = kp_body_str_checked(req, "phone", 32, false, kp_check_phone);
	b.lang = kp_body_str_checked(req, "lang", 2, false, kp_check_language);
	if (kp_body_check(req) != 0 || check_entitled(req, &b) != 0)
		return;
	kp_slot_t s;
	if (load_open_slot(req, b.slot_id, &s) != 0)
		return;
	b.checkpoint = s.checkpoint;
	b.flow = s.flow;
	b.user_id = req->auth.user_id;
	const char *why = NULL;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_booking_create(kp_api_db(req), &req->arena, &who, &b, &why);
	if (rc != KP_DB_OK) {
		reply_booking_refusal(req, rc, why);
		return;
	}
	kp_reply_header(req, "Location", kp_arena_printf(&req->arena, "/api/v1/bookings/%lld", (long long)b.id));
	kp_reply_json(req, 201, kp_api_booking_json(&b));
}

void kp_api_booking_list(kp_req_t *req)
{
	kp_page_t page;
	const char *cp;
	bool active;
	if (kp_api_page_read(req, 1000, 100, &page) != 0 || kp_api_page_filter(req, "checkpoint", 64, &cp) != 0 ||
	    kp_api_query_bool(req, "active", &active) != 0)
		return;
	bool driver = req->auth.role == KP_ROLE_CARRIER || req->auth.role == KP_ROLE_TRAVELLER;
	kp_booking_t *b;
	int n;
	int64_t total;
	int rc = kp_store_booking_page(kp_api_db(req), &req->arena, driver ? req->auth.user_id : 0, cp, active, &page, &b,
	                               &n, &total);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "bookings");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, kp_api_booking_json(&b[i]));
	kp_api_page_reply(req, items, total, &page);
}

/* The booking in the path, if this user may see it (drivers: their own). */
static int load_booking(kp_req_t *req, kp_booking_t *b)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return -1;
	int rc = kp_store_booking_get(kp_api_db(req), &req->arena, id, b);
	bool driver = req->auth.role == KP_ROLE_CARRIER || req->auth.role == KP_ROLE_TRAVELLER;
	if (rc == KP_DB_OK && driver && b->user_id != req->auth.user_id)
		rc = KP_DB_NOTFOUND;
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "booking");
		return -1;
	}
	return 0;
}

/* Where the booking stands in its waiting zone (0 when not waiting). */
static int queue_position(kp_req_t *req, const kp_booking_t *b)
{
	kp_booking_t *q;
	int n;
	if (!kp_booking_waiting(b->status))
		return 0;
	if (kp_store_queue_list(kp_api_db(req), &req->arena, b->checkpoint, b->flow, &q, &n) != KP_DB_OK)
		return 0;
	for (int i = 0; i < n; i++)
		if (q[i].id == b->id)
			return q[i].position;
	return 0;
}

void kp_api_booking_get(kp_req_t *req)
{
	kp_booking_t b;
	if (load_booking(req, &b) != 0)
		return;
	b.position = queue_position(req, &b);
	kp_reply_json(req, 200, kp_api_booking_json(&b));
}

void kp_api_booking_check_in(kp_req_t *req)
{
	kp_booking_t b;
	if (load_booking(req, &b) != 0)
		return;
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	const char *why = NULL;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_booking_check_in(kp_api_db(req), &req->arena, &who, b.id, kp_now(),
	                                   cfg->queue_checkin_early_minutes * 60, &why);
	if (rc == KP_DB_CONFLICT && why) {
		if (strcmp(why, "TOO_EARLY") == 0)
			kp_reply_error(req, 422, why, "check-in opens %lld minutes before the slot starts",
			               cfg->queue_checkin_early_minutes);
		else if (strcmp(why, "SLOT_OVER") == 0)
			kp_reply_error(req, 422, why, "the slot is over; book another or join the live queue");
		else
			kp_reply_error(req, 409, why, "the booking is %s, not waiting for check-in", b.status);
		return;
	}
	if (rc == KP_DB_OK)
		rc = kp_store_booking_get(kp_api_db(req), &req->arena, b.id, &b);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "booking");
		return;
	}
	b.position = queue_position(req, &b);
	kp_reply_json(req, 200, kp_api_booking_json(&b));
}

void kp_api_booking_cancel(kp_req_t *req)
{
	kp_booking_t b;
	if (load_booking(req, &b) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_booking_cancel(kp_api_db(req), &req->arena, &who, b.id, kp_now());
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "conflict", "the booking is already %s", b.status);
		return;
	}
	if (rc == KP_DB_OK)
		rc = kp_store_booking_get(kp_api_db(req), &req->arena, b.id, &b);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "booking");
		return;
	}
	kp_reply_json(req, 200, kp_api_booking_json(&b));
}

/* Body: priority (one of the priority cargo kinds, or null to withdraw it). */
void kp_api_booking_priority(kp_req_t *req)
{
	kp_booking_t b;
	json_t *given = json_object_get(req->json, "priority");
	const char *priority = json_is_null(given) ? NULL
	                                           : kp_body_str_checked(req, "priority", 12, true, kp_check_priority);
	if (kp_body_check(req) != 0 || load_booking(req, &b) != 0)
		return;
	const char *why = NULL;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_booking_grant_priority(kp_api_db(req), &req->arena, &who, b.id, priority, &why);
	if (rc == KP_DB_CONFLICT && why && strcmp(why, "NOT_ACTIVE") == 0) {
		kp_reply_error(req, 409, why, "the booking is %s; priority is granted on active bookings only", b.status);
		return;
	}
	if (rc != KP_DB_OK) {
		reply_booking_refusal(req, rc, why);
		return;
	}
	kp_store_booking_get(kp_api_db(req), &req->arena, b.id, &b);
	b.position = queue_position(req, &b);
	kp_reply_json(req, 200, kp_api_booking_json(&b));
}

void kp_api_queue_live(kp_req_t *req)
{
	kp_booking_t b = {0};
	b.checkpoint = kp_req_param(req, "code");
	b.flow = kp_body_str_checked(req, "flow", 5, true, check_queue_flow);
	b.plate = read_plate(req);
	b.priority = read_priority(req);
	b.phone = kp_body_str_checked(req, "phone", 32, false, kp_check_phone);
	b.lang = kp_body_str_checked(req, "lang", 2, false, kp_check_language);
	if (kp_body_check(req) != 0 || our_checkpoint(req, b.checkpoint, NULL, NULL) != 0 || check_entitled(req, &b) != 0 ||
	    kp_api_open_now(req, b.checkpoint, kp_cp_flow_mode(b.flow), kp_now()) != 0)
		return;
	b.user_id = req->auth.user_id;
	const char *why = NULL;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_live_join(kp_api_db(req), &req->arena, &who, &b, &why);
	if (rc != KP_DB_OK) {
		reply_booking_refusal(req, rc, why);
		return;
	}
	b.position = queue_position(req, &b);
	kp_reply_header(req, "Location", kp_arena_printf(&req->arena, "/api/v1/bookings/%lld", (long long)b.id));
	kp_reply_json(req, 201, kp_api_booking_json(&b));
}

void kp_api_queue_list(kp_req_t *req)
{
	const char *code = kp_req_param(req, "code"), *flow = kp_req_query(req, "flow");
	if (our_checkpoint(req, code, NULL, NULL) != 0)
		return;
	if (flow && check_queue_flow(flow)) {
		kp_reply_error(req, 400, "bad_query", "flow must be car, bus or truck");
		return;
	}
	kp_booking_t *b;
	int n;
	int rc = kp_store_queue_list(kp_api_db(req), &req->arena, code, flow, &b, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "queue");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, kp_api_booking_json(&b[i]));
	kp_reply_json(req, 200, json_pack("{s:s, s:o}", "checkpoint", code, "items", items));
}

void kp_api_queue_call(kp_req_t *req)
{
	const char *code = kp_req_param(req, "code");
	const char *flow = kp_body_str_checked(req, "flow", 5, true, check_queue_flow);
	long long count = 1;
	kp_body_int(req, "count", 1, 100, false, &count);
	if (kp_body_check(req) != 0 || our_checkpoint(req, code, NULL, NULL) != 0)
		return;
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	kp_actor_t who = kp_api_actor(req);
	kp_booking_t *called;
	int n;
	int rc = kp_store_queue_call(kp_api_db(req), &req->arena, &who, code, flow, (int)count, kp_now(),
	                             cfg->queue_call_minutes * 60, &called, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "queue");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, kp_api_booking_json(&called[i]));
	kp_reply_json(req, 200,
	              json_pack("{s:i, s:I, s:o}", "called", n, "minutes_to_reach_gate",
	                        (json_int_t)cfg->queue_call_minutes, "items", items));
}

/* Body: slot_id, another hour of the same checkpoint and flow. The booking keeps its id;
 * the old hour is freed in the same transaction, so a refusal leaves the booking as it was. */
void kp_api_booking_move(kp_req_t *req)
{
	kp_booking_t b;
	long long slot = 0;
	kp_body_int(req, "slot_id", 1, INT64_MAX, true, &slot);
	if (kp_body_check(req) != 0 || load_booking(req, &b) != 0)
		return;
	kp_slot_t s;
	if (load_open_slot(req, slot, &s) != 0)
		return;
	const char *why = NULL;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_booking_move(kp_api_db(req), &req->arena, &who, b.id, s.id, &b, &why);
	if (rc != KP_DB_OK) {
		reply_booking_refusal(req, rc, why);
		return;
	}
	kp_reply_json(req, 200, kp_api_booking_json(&b));
}

void kp_api_booking_history(kp_req_t *req)
{
	kp_booking_t b;
	if (load_booking(req, &b) == 0)
		kp_api_history_reply(req, "booking", kp_arena_printf(&req->arena, "%lld", (long long)b.id));
}
