/* permits.h: storage of authorities and keys, permit types, quotas, vehicles,
 * applications, permits and border activities. Each state change is one transaction
 * with its audit rows. */
#ifndef KP_STORE_PERMITS_H
#define KP_STORE_PERMITS_H

#include "domain/permit.h"
#include "store/store.h"

typedef struct kp_authority {
	const char *code, *name, *api_url;
	const char *kind; /* country, organisation (TRACECA, BSEC: the quota authority of a multilateral permit) */
	bool traceca;
} kp_authority_t;

/* A member of an organisation's permit system, from_day to to_day (days; 0: still one). */
typedef struct kp_authority_member {
	const char *member, *source;
	int64_t from_day, to_day;
} kp_authority_member_t;
/* *out: whether member takes part in organisation's permit system on day. */
int kp_store_authority_is_member(kp_conn_t *c, kp_arena_t *a, const char *organisation, const char *member,
                                 int64_t day, bool *out);
int kp_store_authority_members(kp_conn_t *c, kp_arena_t *a, const char *organisation, kp_authority_member_t **out,
                               int *n);
/* A period of membership, audited; KP_DB_CONFLICT when it overlaps one of the same member. */
int kp_store_authority_member_add(kp_conn_t *c, const kp_actor_t *who, const char *organisation,
                                  const kp_authority_member_t *m);

typedef struct kp_authority_key {
	const char *authority, *kid, *jwk, *private_pem;
	int64_t created_at, revoked_at;
} kp_authority_key_t;

int kp_store_authority_list(kp_conn_t *c, kp_arena_t *a, kp_authority_t **out, int *n);
int kp_store_authority_get(kp_conn_t *c, kp_arena_t *a, const char *code, kp_authority_t *out);
/* Insert or update by code. */
int kp_store_authority_put(kp_conn_t *c, const kp_actor_t *who, const kp_authority_t *au);
int kp_store_key_add(kp_conn_t *c, const kp_actor_t *who, const kp_authority_key_t *k);
int kp_store_key_get(kp_conn_t *c, kp_arena_t *a, const char *authority, const char *kid, kp_authority_key_t *out);
/* Keys of one authority (NULL: all), newest first. */
int kp_store_key_list(kp_conn_t *c, kp_arena_t *a, const char *authority, kp_authority_key_t **out, int *n);

int kp_store_permit_types(kp_conn_t *c, kp_arena_t *a, kp_permit_type_t out[KP_PERMIT_TYPE_MAX + 1]);
int kp_store_permit_type_get(kp_conn_t *c, kp_arena_t *a, int code, kp_permit_type_t *out);
int kp_store_permit_type_update(kp_conn_t *c, const kp_actor_t *who, const kp_permit_type_t *t);

typedef struct kp_quota {
	int64_t id;
	const char *issuer, *verifier, *note;
	int year, type;
	int64_t start_number, end_number, next_serial, created_at;
	/* usage, filled by list */
	int64_t issued, used, returned, revoked, expired, remaining;
} kp_quota_t;

/* KP_DB_CONFLICT when the range overlaps another for the same pair, year and type. */
int kp_store_quota_create(kp_conn_t *c, const kp_actor_t *who, kp_quota_t *q);
int kp_store_quota_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_quota_t *out);
/* Filters may be NULL/0. Usage counted at now. */
int kp_store_quota_list(kp_conn_t *c, kp_arena_t *a, const char *authority, int year, int64_t now,
                        kp_quota_t **out, int *n);
/* Move the end of a range; KP_DB_CONFLICT when below what was issued or overlapping. */
int kp_store_quota_set_end(kp_conn_t *c, const kp_actor_t *who, int64_t id, int64_t end_number);

int kp_store_vehicle_create(kp_conn_t *c, const kp_actor_t *who, kp_vehicle_t *v);
int kp_store_vehicle_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_vehicle_t *out);
int kp_store_vehicle_by_plate(kp_conn_t *c, kp_arena_t *a, const char *plate, kp_vehicle_t *out);
int kp_store_vehicle_list(kp_conn_t *c, kp_arena_t *a, int64_t org_id, kp_vehicle_t **out, int *n);
int kp_store_vehicle_set_status(kp_conn_t *c, const kp_actor_t *who, int64_t id, const char *status);

typedef struct kp_permit {
	const char *id, *issuer, *verifier, *plate, *company_name, *company_id, *status, *status_reason, *kid,
	    *credential;
	/* The trip as the e-permit protocol carries it: countries (codes), the trailer's plate
	 * (plate_number2; NULL: none) and the issuer's other claims (JSON object text; NULL: none). */
	const char *departure_country, *arrival_country, *trailer_plate, *other_claims;
	int year, type;
	int64_t serial, quota_id, application_id, org_id, vehicle_id, issued_at, expires_at, status_at;
	bool used_up;
} kp_permit_t;

typedef struct kp_application {
	int64_t id, org_id, user_id, vehicle_id, decided_by, created_at, decided_at;
	const char *verifier, *trip, *status, *reasons, *permit_id, *decision_reason;
	/* What the carrier asked for; the permit carries them (countries default to us and the partner). */
	const char *departure_country, *arrival_country, *trailer_plate, *other_claims;
	int year, type;
} kp_application_t;

/* Signs a permit's credential; returns 0 and sets *credential (arena) and *kid. */
typedef struct kp_signer {
	void *ctx;
	int (*sign)(void *ctx, kp_arena_t *a, const kp_permit_t *p, int utc_offset, const char **credential,
	            const char **kid);
} kp_signer_t;

typedef struct kp_issue_request {
	const char *self;            /* our authority code: the issuer */
	int utc_offset;              /* minutes, for dates on the permit */
	int64_t org_id, user_id;
	kp_application_t *app;       /* in: verifier, year, type, vehicle_id, trip; out: the stored row */
	const kp_signer_t *signer;
} kp_issue_request_t;

typedef struct kp_issue_result {
	kp_check_failure_t failures[KP_MAX_FAILURES];
	int nfailures;
	bool review;                 /* sent to the ministry's review queue */
	kp_permit_t permit;          /* when issued */
} kp_issue_result_t;

/* Decide an application in one transaction: gather the facts under a lock on the
 * carrier, run kp_permit_decide, then refuse, queue for review, or draw a serial and
 * issue the signed permit. The application is stored whatever the outcome. */
int kp_store_permit_apply(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_issue_request_t *rq,
                          kp_issue_result_t *res);
/* The same inside the caller's transaction (the group-commit writer's batch). */
int kp_store_permit_apply_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_issue_request_t *rq,
                             kp_issue_result_t *res);
/* A ministry decision on a queued application: approve (re-runs the checks and issues)
 * or reject with a reason. KP_DB_NOTFOUND / KP_DB_CONFLICT (not pending). */
int kp_store_application_decide(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t app_id, bool approve,
                                const char *reason, kp_issue_request_t *rq, kp_issue_result_t *res);
/* The ministry issues a permit itself (a paper permit made digital, a carrier without an
 * account): no application and none of the carrier checks, a serial drawn from the quota
 * like any other, signed, sent to the verifier and logged. */
typedef struct kp_direct_issue {
	const char *self;            /* our authority code: the issuer */
	int utc_offset;              /* minutes */
	const kp_signer_t *signer;
	kp_permit_t *permit;         /* in: verifier, year, type, plate, company_name, company_id, org_id (0: none),
	                              * the trip fields, expires_at (0: the type's rule); out: the issued permit */
} kp_direct_issue_t;
/* KP_DB_CONFLICT with *why INSUFFICIENT_PERMIT_QUOTA or PERMIT_YEAR_OVER when refused. */
int kp_store_permit_issue_direct(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_direct_issue_t *rq,
                                 const char **why);
int kp_store_application_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_application_t *out);
/* org_id 0: all; status NULL: all. Newest first. */
int kp_store_application_list(kp_conn_t *c, kp_arena_t *a, int64_t org_id, const char *status, int limit,
                              kp_application_t **out, int *n);
/* A page of the same; page->q searches the application number, the partner, the permit
 * issued and the vehicle's plate. *total: all that match. */
int kp_store_application_page(kp_conn_t *c, kp_arena_t *a, int64_t org_id, const char *status,
                               const kp_page_t *page, kp_application_t **out, int *n, int64_t *total);

/* Audit snapshot of a permit (a new JSON object; for the store's own files). */
json_t *kp_store_permit_snapshot(const kp_permit_t *p);

int kp_store_permit_get(kp_conn_t *c, kp_arena_t *a, const char *id, kp_permit_t *out);
typedef struct kp_permit_filter {
	int64_t org_id;
	const char *plate, *verifier, *issuer, *status;
	int year;
	int limit;
} kp_permit_filter_t;
int kp_store_permit_list(kp_conn_t *c, kp_arena_t *a, const kp_permit_filter_t *f, kp_permit_t **out, int *n);
/* A page of kp_store_permit_list (f->limit unused): newest first; page->q searches the
 * permit id, plate, trailer plate, company name and company id. *total: all that match. */
int kp_store_permit_page(kp_conn_t *c, kp_arena_t *a, const kp_permit_filter_t *f, const kp_page_t *page,
                         kp_permit_t **out, int *n, int64_t *total);
/* The paged search (the e-permit reference's PermitListPageParams): every filter is
 * optional; newest first (issued_at, then id). */
typedef struct kp_permit_query {
	int64_t org_id;                        /* 0: any */
	const char *issuer, *verifier, *permit_id, *company_id, *plate, *trailer_plate; /* NULL: any */
	int year, type;                        /* 0: any */
	int used, revoked;                     /* -1: any; 1: only; 0: none (revoked includes returned) */
	int64_t issued_from, issued_to;        /* issued_at in [from, to]; 0: open */
	int page, size;                        /* page from 0, size rows */
} kp_permit_query_t;
/* Fills *out with the page's rows (arena), *n and *total (rows matching in all pages). */
int kp_store_permit_search(kp_conn_t *c, kp_arena_t *a, const kp_permit_query_t *q, kp_permit_t **out, int *n,
                           int64_t *total);
/* From 'issued' (unused) to 'revoked' or 'returned' with a reason. KP_DB_CONFLICT when
 * the permit is not unused; *why gets PERMIT_USED or the current status. */
int kp_store_permit_withdraw(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const char *id,
                             const char *new_status, const char *reason, const char **why);

typedef struct kp_activity_row {
	int64_t id, at, recorded_by;
	const char *permit_id, *type, *country, *checkpoint, *details;
} kp_activity_row_t;
/* Record an ENTRANCE/EXIT after checking it against earlier ones (domain rules).
 * KP_DB_CONFLICT with *why set when refused. */
int kp_store_permit_activity_add(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_activity_row_t *act,
                                 const char **why);
/* The same inside a transaction the caller opened (a crossing registered with its activity).
 * *why must be NULL on entry. */
int kp_store_permit_activity_add_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_activity_row_t *act,
                                    const char **why);
int kp_store_permit_activities(kp_conn_t *c, kp_arena_t *a, const char *permit_id, kp_activity_row_t **out, int *n);

typedef struct kp_carrier_usage {
	int64_t org_id;
	const char *company_name, *verifier;
	int year, type;
	int64_t issued, used, returned, revoked;
} kp_carrier_usage_t;
int kp_store_usage_by_carrier(kp_conn_t *c, kp_arena_t *a, int year, kp_carrier_usage_t **out, int *n);

#endif
