/* checkpoints.h: storage of the checkpoint registry (read whole into memory, see
 * registry.h), closures, equipment keys, registered crossings with the people on board,
 * the booked queue (slots and bookings) and the throughput report. Each state change is
 * one transaction with its audit rows. */
#ifndef KP_STORE_CHECKPOINTS_H
#define KP_STORE_CHECKPOINTS_H

#include "domain/schedule.h"
#include "store/store.h"

/* Flows (lanes), in report order. */
#define KP_FLOW_COUNT 4
extern const char *const kp_flows[KP_FLOW_COUNT]; /* pedestrian, car, bus, truck */
/* Index of a flow name in kp_flows, -1 when unknown. */
int kp_flow_index(const char *flow);

typedef struct kp_checkpoint {
	const char *code, *country, *neighbour, *name_en, *name_ru, *name_ky, *post_name, *neighbour_post_name;
	const char *modes_text, *permission, *border_zone, *holiday_rule, *season_from, *season_to, *notes;
	const char *permission_ky, *permission_ru; /* the permission in Kyrgyz and Russian, NULL when not given */
	const char *post_name_ky, *post_name_ru, *neighbour_post_name_ky, *neighbour_post_name_ru; /* likewise */
	const char *notes_ky, *notes_ru, *border_zone_ky, *border_zone_ru;                         /* likewise */
	const char *sources; /* the public sources the registry data was checked against, and what was not */
	double lat, lon;
	int64_t capacity[KP_FLOW_COUNT]; /* per day and flow; -1: this flow is not handled */
	int64_t updated_at;
	kp_cp_schedule_t schedule; /* points into the set's arrays */
} kp_checkpoint_t;

/* The whole registry as read at one moment; everything lives in `arena`. */
typedef struct kp_cp_set {
	kp_arena_t arena;
	kp_checkpoint_t *items;
	int n;
	kp_holiday_t *holidays;
	int nholidays;
	kp_cp_closure_t *closures; /* every closure, ordered by checkpoint */
	int nclosures;
} kp_cp_set_t;

/* Read the registry into set (whose arena the caller has initialised). */
int kp_store_checkpoints_load(kp_conn_t *c, kp_cp_set_t *set);
const kp_checkpoint_t *kp_cp_set_find(const kp_cp_set_t *set, const char *code);

/* A ministry change to one checkpoint: any field left NULL (capacity < 0) stays. */
typedef struct kp_checkpoint_change {
	const char *modes, *permission, *notes;
	const char *permission_ky, *permission_ru; /* stored with a new permission (NULL: none given) */
	const char *notes_ky, *notes_ru;           /* stored with new notes (NULL: none given) */
	int foreigners;                            /* -1: unchanged */
	bool clear_permission;
	int64_t capacity[KP_FLOW_COUNT]; /* -1: unchanged */
} kp_checkpoint_change_t;
int kp_store_checkpoint_update(kp_conn_t *c, const kp_actor_t *who, const char *code, const kp_checkpoint_change_t *ch);
/* Close from `from` to `to` (0: until further notice) for reason (reason_ky, reason_ru: the
 * same in Kyrgyz and Russian, may be NULL); sets *id and *cancelled (the bookings it
 * cancelled, see kp_store_closure_cancel_bookings_tx; may be NULL). */
int kp_store_closure_add(kp_conn_t *c, const kp_actor_t *who, const char *code, int64_t from, int64_t to,
                         const char *reason, const char *reason_ky, const char *reason_ru, int64_t *id, int *cancelled);
/* The account a booking's notices go to: its user when a carrier or traveller booked it;
 * 0 for a vehicle an officer put in the live queue (its driver is reached only at the
 * phone given with it, never the officer). */
int64_t kp_store_booking_driver(kp_conn_t *c, kp_arena_t *a, int64_t user_id);

/* closure_effects.c: inside a closure's transaction, cancel the active bookings at
 * checkpoint whose slot overlaps [from, to) (to 0: open-ended), and the live queue when the
 * closure has begun by now; each place is given back, the reason kept, a notice left for
 * the driver. *cancelled gets how many. */
int kp_store_closure_cancel_bookings_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const char *checkpoint,
                                        int64_t from, int64_t to, int64_t closure_id, const char *reason, int64_t now,
                                        int *cancelled);
/* The same for a season or hours change (rule change change_id) just written in this
 * transaction: the active bookings at checkpoint whose slot hour the crossing, as it now
 * stands, does not serve (kp_cp_hour_open, the rule that offers slots), with reason. */
int kp_store_schedule_cancel_bookings_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const char *checkpoint,
                                         int64_t change_id, const char *reason, int64_t now, int *cancelled);
typedef struct kp_booking_notice {
	int64_t id, booking_id, slot_starts_at, created_at; /* slot_starts_at 0: the live queue */
	const char *kind, *checkpoint, *plate, *reason;
} kp_booking_notice_t;
/* A user's notices, newest first. */
int kp_store_booking_notices(kp_conn_t *c, kp_arena_t *a, int64_t user_id, int limit, kp_booking_notice_t **out,
                             int *n);
/* End a closure now (or at its own end if sooner). KP_DB_NOTFOUND when it is not one of code's. */
int kp_store_closure_lift(kp_conn_t *c, const kp_actor_t *who, const char *code, int64_t id, int64_t now);

/* ---- equipment keys (devices.c) ---- */
typedef struct kp_device {
	int64_t id, created_by, created_at, revoked_at;
	const char *checkpoint, *name, *kind, *key_prefix;
} kp_device_t;
/* Store a device with the SHA-256 hex of its key; sets d->id. */
int kp_store_device_create(kp_conn_t *c, const kp_actor_t *who, kp_device_t *d, const char *key_hash);
int kp_store_device_list(kp_conn_t *c, kp_arena_t *a, const char *checkpoint, kp_device_t **out, int *n);
int kp_store_device_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_device_t *out);
/* KP_DB_CONFLICT when already revoked. */
int kp_store_device_revoke(kp_conn_t *c, const kp_actor_t *who, int64_t id);
/* The unrevoked device whose key hashes to key_hash; KP_DB_NOTFOUND otherwise. */
int kp_store_device_by_key(kp_conn_t *c, kp_arena_t *a, const char *key_hash, kp_device_t *out);

/* ---- crossings (crossings.c) ---- */
typedef struct kp_person {
	const char *name, *nationality, *passport;
	bool driver;
} kp_person_t;

typedef struct kp_crossing {
	int64_t id, at, weight_kg, booking_id, checked_in_at, recorded_by, device_id;
	const char *checkpoint, *direction, *flow, *vehicle_kind, *plate, *plate_source, *vehicle_country;
	const char *scan_result, *xray_result, *radiation_result, *permit_id, *permit_match, *permit_problem, *flags, *note;
	bool inspection;
	int people;
	kp_person_t *persons;
	int npersons;
} kp_crossing_t;

/* What registering needs beyond the crossing: who we are and the checkpoint's sides. */
typedef struct kp_crossing_request {
	const char *self;      /* our authority code */
	const char *neighbour; /* the checkpoint's neighbour country */
	int64_t max_weight_kg; /* 0: no limit */
} kp_crossing_request_t;

/* Register a crossing inside the caller's transaction: look the plate up, match a
 * freight permit (a partner's permit verified by us: its ENTRANCE/EXIT recorded through
 * kp_store_permit_activity_add_tx; our own carrier's permit on exit: linked for the
 * statistics), raise flags, close an active booking of the vehicle at this checkpoint,
 * insert the crossing and its persons, audit. Fills x->id, permit fields and flags. */
int kp_store_crossing_register_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_crossing_request_t *rq,
                                  kp_crossing_t *x);
int kp_store_crossing_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_crossing_t *out);

typedef struct kp_crossing_filter {
	const char *checkpoint, *plate;
	int64_t from, to; /* at in [from, to); 0: open */
	bool flagged_only;
} kp_crossing_filter_t;
/* A page of crossings, newest first, without persons; page->q searches the plate, the
 * permit and the flags. *total: all that match. */
int kp_store_crossing_list(kp_conn_t *c, kp_arena_t *a, const kp_crossing_filter_t *f, const kp_page_t *page,
                           kp_crossing_t **out, int *n, int64_t *total);

/* One person's crossings, oldest first, found by passport number and nationality (the
 * stay calculator derives entries and exits from them). */
typedef struct kp_person_crossing {
	int64_t crossing_id, at;
	const char *checkpoint, *country, *neighbour, *direction, *name;
} kp_person_crossing_t;
int kp_store_person_crossings(kp_conn_t *c, kp_arena_t *a, const char *passport, const char *nationality,
                              kp_person_crossing_t **out, int *n);

/* ---- throughput (crossings.c) ---- */
typedef struct kp_flow_stats {
	int64_t vehicles, capacity;      /* capacity -1: flow not handled */
	int64_t waited, median_s, p90_s; /* crossings with a check-in time, and their waits */
} kp_flow_stats_t;

typedef struct kp_throughput {
	const char *checkpoint;
	int64_t day; /* local civil day at the checkpoint */
	kp_flow_stats_t flows[KP_FLOW_COUNT];
	int64_t total, flagged;
} kp_throughput_t;
/* The report of one checkpoint for a local day [day start, next day start). */
int kp_store_throughput(kp_conn_t *c, kp_arena_t *a, const kp_checkpoint_t *cp, int64_t day, kp_throughput_t *out);

/* ---- the booked queue (queue.c) ---- */
typedef struct kp_slot {
	int64_t id, starts_at, ends_at, created_at;
	const char *checkpoint, *flow;
	int capacity, priority_cap, booked, priority_booked;
} kp_slot_t;

/* Create one slot per hour from `from` for `hours` hours; existing ones are kept. *created gets how many. */
int kp_store_slots_create(kp_conn_t *c, const kp_actor_t *who, const char *checkpoint, const char *flow, int64_t from,
                          int hours, int capacity, int priority_cap, int *created);
/* Hours of a day in runs (say, a morning and an afternoon around a break). */
typedef struct kp_slot_run {
	int64_t from;
	int hours;
} kp_slot_run_t;
/* kp_store_slots_create for each of n runs, in one transaction: all the runs or none. */
int kp_store_slot_runs_create(kp_conn_t *c, const kp_actor_t *who, const char *checkpoint, const char *flow,
                              const kp_slot_run_t *runs, int n, int capacity, int priority_cap, int *created);
/* Slots of a checkpoint starting in [from, to), flow NULL for all. */
int kp_store_slot_list(kp_conn_t *c, kp_arena_t *a, const char *checkpoint, const char *flow, int64_t from, int64_t to,
                       kp_slot_t **out, int *n);
int kp_store_slot_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_slot_t *out);

typedef struct kp_booking {
	int64_t id, slot_id, user_id, created_at, checked_in_at, called_at, call_deadline, closed_at, crossing_id;
	int64_t slot_starts_at, slot_ends_at; /* 0 for the live queue */
	const char *checkpoint, *flow, *plate, *priority, *phone, *status;
	const char *lang; /* ky, ru or en: the language the queue call comes in (NULL: the user's) */
	int position;     /* in the waiting queue, when listed with kp_store_queue_list */
	int account_cap;  /* in (create, live join): the user may hold fewer active bookings than this (0: no cap) */
} kp_booking_t;

/* Book b->slot_id for b->plate. KP_DB_CONFLICT with *why: SLOT_FULL, PRIORITY_LANE_FULL,
 * VEHICLE_ALREADY_BOOKED, BOOKING_CAP_REACHED (b->account_cap); KP_DB_NOTFOUND when no such slot. */
int kp_store_booking_create(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_booking_t *b, const char **why);
/* Join the live queue (no booking): checked in at once. KP_DB_CONFLICT (VEHICLE_ALREADY_BOOKED,
 * BOOKING_CAP_REACHED). */
int kp_store_live_join(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_booking_t *b, const char **why);
int kp_store_booking_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_booking_t *out);
/* A page of bookings, newest first: user_id 0: any; checkpoint NULL: any; active_only:
 * booked, checked in or called; page->q searches the plate. *total: all that match. */
int kp_store_booking_page(kp_conn_t *c, kp_arena_t *a, int64_t user_id, const char *checkpoint, bool active_only,
                          const kp_page_t *page, kp_booking_t **out, int *n, int64_t *total);
/* Check in at the waiting zone: allowed from `early` seconds before the slot starts to
 * the slot's end. KP_DB_CONFLICT with *why (NOT_BOOKED, TOO_EARLY, SLOT_OVER). */
int kp_store_booking_check_in(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t id, int64_t now,
                              int64_t early, const char **why);
/* Cancel a booking not yet crossed; its slot place is freed. KP_DB_CONFLICT when closed. */
int kp_store_booking_cancel(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t id, int64_t now);
/* Move a booking still waiting for its hour (status booked) to slot_id of the same
 * checkpoint and flow, in one transaction: the new slot's place is taken under the same
 * guard as a booking (and its priority lane when the booking has priority), the old place
 * given back, the id kept, "booking.move" audited with both slots. *out gets the booking
 * after. KP_DB_CONFLICT with *why: NOT_BOOKED, SAME_SLOT, SLOT_FULL, PRIORITY_LANE_FULL,
 * SLOT_MISMATCH; KP_DB_NOTFOUND when no such booking or slot. */
int kp_store_booking_move(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t id, int64_t slot_id,
                          kp_booking_t *out, const char **why);
/* An officer's grant (or withdrawal, priority NULL) of priority on an active booking, within
 * its slot's priority lane. KP_DB_CONFLICT with *why: NOT_ACTIVE, PRIORITY_LANE_FULL. */
int kp_store_booking_grant_priority(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t id,
                                    const char *priority, const char **why);
/* Call forward up to n vehicles of a flow waiting at checkpoint: priority cargo first, then
 * by slot, then by check-in. Each gets call_deadline = now + reach seconds. */
int kp_store_queue_call(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const char *checkpoint, const char *flow,
                        int n, int64_t now, int64_t reach, kp_booking_t **out, int *ncalled);
/* The waiting zone of a checkpoint: checked in and called vehicles, in call order. */
int kp_store_queue_list(kp_conn_t *c, kp_arena_t *a, const char *checkpoint, const char *flow, kp_booking_t **out,
                        int *n);
/* No-shows: called vehicles past their deadline, bookings never checked in by their
 * slot's end plus grace. Each releases its slot place. *expired gets how many. */
int kp_store_queue_expire(kp_conn_t *c, const kp_actor_t *who, int64_t now, int64_t grace, int64_t *expired);

#endif
