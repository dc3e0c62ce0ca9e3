/* agencies.h: the border agencies, their members, subsystems and grants, the events their
 * services produce, the webhook deliveries of those events with every attempt, and the
 * X-Road requests served. */
#ifndef KP_STORE_AGENCIES_H
#define KP_STORE_AGENCIES_H

#include <stdbool.h>

#include "store/store.h"

/* One register of agencies (sql/105): the border agencies of the exchange and the agencies
 * that decide single-window steps are its rows; customs may be both. */
typedef struct kp_agency {
	int64_t id, created_at, org_id;                /* org_id 0: not an organisation of kapka */
	const char *code, *kind, *name, *xroad_member; /* name: in English */
	const char *name_ru, *name_ky;                 /* NULL: not given (a border agency's) */
	bool decides_steps;                            /* decides single-window steps */
	bool exchange;                                 /* takes part in the border exchange */
} kp_agency_t;

/* Which rows a list holds: every agency, the border exchange's, or the single window's. */
enum kp_agency_view { KP_AGENCIES_ALL, KP_AGENCIES_EXCHANGE, KP_AGENCIES_WINDOW };

typedef struct kp_agency_grant {
	int64_t id, agency_id, subsystem_id, granted_at;
	const char *service, *subsystem_code;
} kp_agency_grant_t;

typedef struct kp_agency_subsystem {
	int64_t id, agency_id;
	const char *code, *xroad_client;
} kp_agency_subsystem_t;

typedef struct kp_agency_endpoint {
	int64_t id, agency_id, created_at;
	const char *url, *secret, *status, *disabled_reason;
} kp_agency_endpoint_t;

typedef struct kp_agency_event {
	int64_t id, created_at;
	const char *event_id, *type, *service, *subject, *payload, *digest;
} kp_agency_event_t;

typedef struct kp_agency_delivery {
	int64_t id, endpoint_id, event_row, next_at, delivered_at;
	int attempts, last_status;
	const char *status, *last_error, *subject, *url, *secret;
	kp_agency_event_t event;
} kp_agency_delivery_t;

/* Append an event inside the caller's transaction and queue a delivery to every active
 * endpoint of an agency granted its service. event: {"type", "service", "subject", "data"}
 * (borrowed). The body kept (and sent) is {"type", "timestamp", "data"}. */
int kp_store_agency_event_add(kp_conn_t *c, json_t *event);

/* The agency user_id is a member of (*agency_id; 0 when none) and whether it holds a grant
 * of service for the whole agency. */
int kp_store_agency_member_may(kp_conn_t *c, int64_t user_id, const char *service, int64_t *agency_id, bool *granted);

/* Agencies, members, subsystems (KP_DB_CONFLICT when the code or client is taken). Creating
 * a border agency whose code the register holds for a window agency only makes that agency
 * a member of the exchange (the same agency); a border agency's code is a conflict. */
int kp_store_agency_create(kp_conn_t *c, const kp_actor_t *who, kp_agency_t *ag);
int kp_store_agency_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_agency_t *out);
int kp_store_agency_by_code(kp_conn_t *c, kp_arena_t *a, const char *code, kp_agency_t *out);
/* By code. */
int kp_store_agency_list(kp_conn_t *c, kp_arena_t *a, enum kp_agency_view view, kp_agency_t **out, int *n);
/* The single window's agency code: added (kind service unless a border agency holds the
 * code) or given its names in three languages and its organisation, and marked as deciding
 * steps. KP_DB_REF when org_id names no organisation. */
int kp_store_agency_window_put(kp_conn_t *c, const kp_actor_t *who, const kp_agency_t *ag);
/* KP_DB_CONFLICT when the user already belongs to an agency. */
int kp_store_agency_member_add(kp_conn_t *c, const kp_actor_t *who, int64_t agency_id, int64_t user_id);
int kp_store_agency_members(kp_conn_t *c, kp_arena_t *a, int64_t agency_id, int64_t **user_ids, int *n);
int kp_store_agency_subsystem_add(kp_conn_t *c, const kp_actor_t *who, kp_agency_subsystem_t *s);
int kp_store_agency_subsystems(kp_conn_t *c, kp_arena_t *a, int64_t agency_id, kp_agency_subsystem_t **out, int *n);
/* The subsystem an X-Road client id names; KP_DB_NOTFOUND when none. */
int kp_store_agency_subsystem_by_client(kp_conn_t *c, kp_arena_t *a, const char *client, kp_agency_subsystem_t *out);

/* Grants: subsystem_id 0 grants the whole agency. KP_DB_CONFLICT when it is already granted. */
int kp_store_agency_grant(kp_conn_t *c, const kp_actor_t *who, int64_t agency_id, int64_t subsystem_id,
                          const char *service, int64_t *id);
/* KP_DB_NOTFOUND when the agency has no such live grant. */
int kp_store_agency_revoke(kp_conn_t *c, const kp_actor_t *who, int64_t agency_id, int64_t grant_id);
int kp_store_agency_grants(kp_conn_t *c, kp_arena_t *a, int64_t agency_id, kp_agency_grant_t **out, int *n);
/* Whether the agency (or its subsystem, 0: the agency as a whole) holds service. */
int kp_store_agency_may(kp_conn_t *c, int64_t agency_id, int64_t subsystem_id, const char *service, bool *granted);

/* Webhook endpoints (their secret is only ever shown when made). */
int kp_store_agency_endpoint_add(kp_conn_t *c, const kp_actor_t *who, kp_agency_endpoint_t *e);
int kp_store_agency_endpoints(kp_conn_t *c, kp_arena_t *a, int64_t agency_id, kp_agency_endpoint_t **out, int *n);
/* Enable (status active) or disable an endpoint of the agency. */
int kp_store_agency_endpoint_set(kp_conn_t *c, const kp_actor_t *who, int64_t agency_id, int64_t id, const char *status,
                                 const char *reason);

/* The pull feed: events after cursor of the services the agency (or subsystem) holds, or of
 * service alone (NULL: every granted one), oldest first. */
int kp_store_agency_feed(kp_conn_t *c, kp_arena_t *a, int64_t agency_id, int64_t subsystem_id, const char *service,
                         int64_t after, int limit, kp_agency_event_t **out, int *n);

/* Due deliveries, each the oldest pending one of its endpoint and subject (in order per
 * subject), leased to this caller for lease_ms; at most limit. */
int kp_store_delivery_claim(kp_conn_t *c, kp_arena_t *a, int64_t now_ms, int64_t lease_ms, int limit,
                            kp_agency_delivery_t **out, int *n);
/* Record one attempt (signed_digest: SHA-256 of "id.timestamp.body"; signature: the header
 * sent) with its answer, and the delivery's next state: delivered, retried at next_at, dead
 * (next_at < 0), and the endpoint disabled when it answered 410. */
int kp_store_delivery_attempt(kp_conn_t *c, const kp_agency_delivery_t *d, int64_t now, long status_code,
                              const char *error, const char *signed_digest, const char *signature, bool delivered,
                              int64_t next_at, bool gone);
/* Deliveries of the agency's endpoints with status (NULL: any), newest first. */
int kp_store_agency_deliveries(kp_conn_t *c, kp_arena_t *a, int64_t agency_id, const char *status, int limit,
                               kp_agency_delivery_t **out, int *n);
/* Put a dead (or any undelivered) delivery of the agency back in the queue, due now. */
int kp_store_delivery_replay(kp_conn_t *c, const kp_actor_t *who, int64_t agency_id, int64_t id);

/* Turn acts the audit log recorded (permits issued, used, revoked; crossings) into agency
 * events, at most max rows older than settle_ms, in one transaction with the cursor;
 * crossing rows also link their e-CMR notes and open inspection tasks for their flags.
 * max_weight_kg: the crossing weight limit. *done gets how many rows were read. */
int kp_store_agency_bridge(kp_conn_t *c, int64_t settle_ms, int max, int *done);

/* Record an X-Road request served (or refused). */
int kp_store_xroad_log(kp_conn_t *c, const char *client, const char *xroad_id, const char *user_id, const char *issue,
                       const char *service, int64_t subsystem_id, int status, const char *request_id);

typedef struct kp_inspection_task {
	int64_t id, crossing_id, reading_id, created_at;
	const char *agency_kind, *reason, *status;
} kp_inspection_task_t;
/* Open a task for agency_kind inside the caller's transaction, with its event. */
int kp_store_inspection_open(kp_conn_t *c, const char *agency_kind, int64_t crossing_id, int64_t reading_id,
                             const char *reason, json_t *detail);
int kp_store_inspection_list(kp_conn_t *c, kp_arena_t *a, const char *agency_kind, const char *status, int limit,
                             kp_inspection_task_t **out, int *n);

/* An equipment reading (with the crossing it belongs to, 0: none found), its event, and when
 * it trips a threshold (flag non-NULL) the inspection task for agency_kind; one transaction. */
typedef struct kp_equipment_reading {
	int64_t id, device_id, crossing_id, at;
	const char *checkpoint, *kind, *plate, *result;
	double value;
	bool has_value;
} kp_equipment_reading_t;
int kp_store_equipment_reading_add(kp_conn_t *c, const kp_actor_t *who, kp_equipment_reading_t *r, const char *flag,
                                   const char *agency_kind, int64_t *task_id);
/* The newest crossing of plate at checkpoint since `since`; KP_DB_NOTFOUND when none. */
int kp_store_crossing_recent(kp_conn_t *c, const char *checkpoint, const char *plate, int64_t since, int64_t *id);

/* Whether a checkpoint with this code exists. */
int kp_store_checkpoint_known(kp_conn_t *c, const char *code, bool *known);

/* Close an open task (of agency_kind, NULL: any) with a note. KP_DB_NOTFOUND when there is
 * no such open task. */
int kp_store_inspection_close(kp_conn_t *c, const kp_actor_t *who, int64_t id, const char *agency_kind,
                              const char *note);

/* The X-Road calls served or refused, newest first (before_id 0: from the newest). */
typedef struct kp_xroad_call {
	int64_t id, at;
	int status;
	const char *client, *xroad_id, *user_id, *issue, *service, *request_id;
} kp_xroad_call_t;
int kp_store_xroad_log_list(kp_conn_t *c, kp_arena_t *a, int64_t before_id, int limit, kp_xroad_call_t **out, int *n);

#endif
