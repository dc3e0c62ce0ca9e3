/* window.h: storage of the single window: agencies, procedures (definitions as JSON
 * data), applications with their steps, events and private notes, documents and fees;
 * and the duty-free EV quota the first procedure draws on (evquota.c). Each state change
 * is one transaction with its audit rows, and each decision is published through
 * kp_store_sw_publish. */
#ifndef KP_STORE_WINDOW_H
#define KP_STORE_WINDOW_H

#include "store/store.h"

#include <stdbool.h>

/* ---- agencies and procedures (window_procs.c) ---- */

/* The agencies that decide steps are rows of the one register of agencies (store/agencies.h:
 * kp_store_agency_list with KP_AGENCIES_WINDOW, kp_store_agency_window_put). */

typedef struct kp_sw_procedure {
	const char *code, *definition; /* definition: JSON text */
	bool active;
	int64_t updated_at;
} kp_sw_procedure_t;

/* active_only: leave out withdrawn procedures. By code. */
int kp_store_sw_procedures(kp_conn_t *c, kp_arena_t *a, bool active_only, kp_sw_procedure_t **out, int *n);
int kp_store_sw_procedure_get(kp_conn_t *c, kp_arena_t *a, const char *code, kp_sw_procedure_t *out);
/* Insert or replace a procedure (checked by the caller); applications already submitted
 * keep the steps they were given. */
int kp_store_sw_procedure_put(kp_conn_t *c, const kp_actor_t *who, const kp_sw_procedure_t *p);

/* ---- applications and steps (window.c) ---- */

typedef struct kp_sw_app {
	int64_t id, user_id, org_id, submitted_at, expires_at, decided_at;
	const char *procedure, *data, *status, *outcome, *effect; /* effect: the procedure's ledger (ev_quota) or NULL */
} kp_sw_app_t;

typedef struct kp_sw_step {
	int64_t id, application_id, ready_at, due_at, state_since, paused_seconds, assignee_id, decided_at, decided_by,
	    sla_seconds;
	int seq;
	const char *procedure, *code, *agency, *role, *after, *fields, *documents, *effect, *state, *reasons, *request;
} kp_sw_step_t;

typedef struct kp_sw_event {
	int64_t id, actor_id, at;
	const char *step_code, *action, *detail;
} kp_sw_event_t;

/* A refusal the store found while submitting or deciding (a VIN already claimed, the
 * quota exhausted): code and message for the answer, the other application when one. */
typedef struct kp_sw_conflict {
	const char *code, *message, *field;
	int64_t other_application;
} kp_sw_conflict_t;

/* Submit an application: the form (checked by the caller against def), the documents by
 * kind (ids of the applicant's documents), steps copied from def (skipped when their
 * condition fails, ready when they wait for nothing), fees due, the procedure's effect
 * (the EV quota claims each VIN). app: in: procedure, user_id, org_id, data; out: id,
 * status, times. KP_DB_CONFLICT with *why filled when an effect refuses; KP_DB_REF when
 * a document is not the applicant's or a step's agency is unknown. */
int kp_store_sw_submit(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_sw_app_t *app, const json_t *def,
                       const int64_t *doc_ids, const char *const *doc_kinds, int ndocs, int64_t now,
                       kp_sw_conflict_t *why);

int kp_store_sw_app_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_sw_app_t *out);
/* A page of applications: user_id 0: anyone's; status NULL: any; page->q searches the
 * number, the procedure and the form's text. Newest first; *total: all that match. */
int kp_store_sw_app_list(kp_conn_t *c, kp_arena_t *a, int64_t user_id, const char *status, const kp_page_t *page,
                         kp_sw_app_t **out, int *n, int64_t *total);
/* The steps of an application in order. */
int kp_store_sw_steps(kp_conn_t *c, kp_arena_t *a, int64_t app_id, kp_sw_step_t **out, int *n);
/* The steps of napps applications in one query, by application id and then in order
 * (a list page shows them without a query per application). */
int kp_store_sw_steps_of(kp_conn_t *c, kp_arena_t *a, const kp_sw_app_t *apps, int napps, kp_sw_step_t **out, int *n);
int kp_store_sw_step_get(kp_conn_t *c, kp_arena_t *a, int64_t step_id, kp_sw_step_t *out);
/* The application's history, oldest first. */
int kp_store_sw_events(kp_conn_t *c, kp_arena_t *a, int64_t app_id, kp_sw_event_t **out, int *n);

/* One item of an agency's queue: the step with its application's procedure and times. */
typedef struct kp_sw_queue_filter {
	int64_t org_id;          /* the user's organisation: its agencies' steps */
	const char *role;        /* the user's role: steps for that role */
	const char *state;       /* NULL: open ones (ready, in_progress, more_info) */
	const char *procedure;   /* NULL: any */
	const char *agency;      /* NULL: any of the org's */
	int64_t due_before;      /* 0: no bound */
} kp_sw_queue_filter_t;
/* A page of the queue, soonest due first; page->q searches the application number, the
 * procedure and the step. *total: all that match. */
int kp_store_sw_queue(kp_conn_t *c, kp_arena_t *a, const kp_sw_queue_filter_t *f, const kp_page_t *page,
                      kp_sw_step_t **out, int *n, int64_t *total);
/* True when org_id staffs agency. */
bool kp_store_sw_org_staffs(kp_conn_t *c, kp_arena_t *a, int64_t org_id, const char *agency);

/* An agency's act on a step. */
typedef struct kp_sw_act {
	int action;           /* enum kp_sw_action */
	const char *reasons;  /* JSON array text (refuse: at least one; approve: optional) */
	const char *request;  /* ask: what the applicant must give */
	int64_t now;
	int utc_offset;       /* minutes, for the quota's local day and year */
} kp_sw_act_t;

/* What an act did, for the answer. */
typedef struct kp_sw_act_result {
	const char *step_state, *app_status, *effect; /* effect: NULL, or what the step's effect did */
	kp_sw_conflict_t why;                           /* when the act was refused (KP_DB_CONFLICT) */
} kp_sw_act_result_t;

/* Take, approve, refuse or ask on a step, by a user of its agency (checked by the
 * caller). Moves the application on: steps that waited become ready, a refusal closes the
 * rest and releases what the effect holds, the last approval approves the application.
 * KP_DB_CONFLICT (with res->why) when the step's state does not allow it, a fee is unpaid,
 * or the effect refuses. */
int kp_store_sw_act(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t step_id, const kp_sw_act_t *act,
                    kp_sw_act_result_t *res);

/* The applicant answers a request for more on step_code, with text and documents; the
 * step resumes and its due time moves by the time it waited on the applicant. */
int kp_store_sw_answer(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t app_id, const char *step_code,
                       const char *text, const int64_t *doc_ids, const char *const *doc_kinds, int ndocs, int64_t now,
                       kp_sw_conflict_t *why);

/* The applicant withdraws an application in progress: its open steps close and what it
 * holds is released. KP_DB_CONFLICT when it is no longer in progress. */
int kp_store_sw_withdraw(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t app_id, int64_t now);

/* The window's work that time makes due: the year's EV ledger row (kp_store_ev_year_ensure),
 * applications past their time expire (*expired counts them; what they held is released) and ended
 * days' EV claims are split (kp_store_ev_settle). Run by the background housekeeping and by write paths that
 * need it settled first; never by a read. */
int kp_store_sw_settle(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t now, int utc_offset, int *expired);

typedef struct kp_sw_note {
	int64_t id, author_id, at;
	const char *agency, *author, *text;
} kp_sw_note_t;
int kp_store_sw_note_add(kp_conn_t *c, const kp_actor_t *who, int64_t step_id, const char *agency, const char *text,
                         int64_t now);
/* Only the notes agency wrote on the step. */
int kp_store_sw_notes(kp_conn_t *c, kp_arena_t *a, int64_t step_id, const char *agency, kp_sw_note_t **out, int *n);

/* Publish a decision: the public log's entry (one call), in the caller's transaction. */
int kp_store_sw_publish(kp_conn_t *c, const kp_actor_t *who, const kp_sw_app_t *app, const char *step_code,
                        const char *agency, const char *action, const char *reasons, int64_t at);

/* Decision times of decided steps: one row per (procedure, agency, step) with seconds
 * each took (paused time excluded) and its rule. */
typedef struct kp_sw_timing {
	const char *procedure, *agency, *step;
	int64_t seconds, sla_seconds;
} kp_sw_timing_t;
int kp_store_sw_timings(kp_conn_t *c, kp_arena_t *a, int64_t since, kp_sw_timing_t **out, int *n);

/* ---- documents and fees (window_docs.c) ---- */

typedef struct kp_sw_document {
	int64_t id, user_id, size, uploaded_at;
	const char *kind, *filename, *sha256, *content_type;
} kp_sw_document_t;

/* Store a document's bytes (base64 text b64) once per SHA-256 and record it for the user.
 * KP_DB_CONFLICT when the user keeps max_per_user documents already. */
int kp_store_sw_document_add(kp_conn_t *c, const kp_actor_t *who, kp_sw_document_t *d, const char *b64,
                             int64_t max_per_user);
int kp_store_sw_document_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_sw_document_t *out);
/* The bytes as base64 text. */
int kp_store_sw_document_data(kp_conn_t *c, kp_arena_t *a, const char *sha256, const char **b64);
/* The user's documents, newest first. */
int kp_store_sw_documents_of_user(kp_conn_t *c, kp_arena_t *a, int64_t user_id, kp_sw_document_t **out, int *n);
/* The documents attached to an application (kind of the attachment in ->kind). */
int kp_store_sw_app_documents(kp_conn_t *c, kp_arena_t *a, int64_t app_id, kp_sw_document_t **out, int *n);
/* True when document id is attached to an application having a step of agency that needs its kind. */
bool kp_store_sw_document_visible_to(kp_conn_t *c, kp_arena_t *a, int64_t doc_id, const char *agency_org_role,
                                     int64_t org_id);

typedef struct kp_sw_fee {
	int64_t id, application_id, amount_som, paid_at;
	const char *step_code, *collector, *status, *gateway, *reference, *credential, *kid;
} kp_sw_fee_t;
int kp_store_sw_fees(kp_conn_t *c, kp_arena_t *a, int64_t app_id, kp_sw_fee_t **out, int *n);
int kp_store_sw_fee_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_sw_fee_t *out);

/* Signs a fee receipt's credential once the payment is recorded. */
typedef struct kp_sw_fee_signer {
	void *ctx;
	int (*sign)(void *ctx, kp_arena_t *a, const kp_sw_fee_t *fee, const char **credential, const char **kid);
} kp_sw_fee_signer_t;
/* Record that a due fee was paid through gateway with its reference, and sign the
 * receipt. KP_DB_CONFLICT when it is not due. */
int kp_store_sw_fee_pay(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t fee_id, const char *gateway,
                        const char *reference, int64_t now, const kp_sw_fee_signer_t *signer);

/* ---- the duty-free EV quota (evquota.c) ---- */

typedef struct kp_ev_year {
	int year, critical_percent, reservation_days;
	int64_t total, reserved, pending, allocated, updated_at;
	const char *kinds, *day_rule, *source; /* kinds: JSON array text */
} kp_ev_year_t;

int kp_store_ev_years(kp_conn_t *c, kp_arena_t *a, kp_ev_year_t **out, int *n);
int kp_store_ev_year_get(kp_conn_t *c, kp_arena_t *a, int year, kp_ev_year_t *out);
/* A year without a ledger row of its own gets the latest earlier year's (the ledger is
 * dated data); nothing when it has one or no earlier year exists. */
int kp_store_ev_year_ensure(kp_conn_t *c, int year);
/* Insert or update a year's ledger; KP_DB_CONFLICT when total is below what is held. */
int kp_store_ev_year_put(kp_conn_t *c, const kp_actor_t *who, const kp_ev_year_t *y);

typedef struct kp_ev_rule {
	const char *code, *text_en, *text_ru, *text_ky, *source, *params;
} kp_ev_rule_t;
int kp_store_ev_rules(kp_conn_t *c, kp_arena_t *a, kp_ev_rule_t **out, int *n);

typedef struct kp_ev_month {
	int year, month;
	int64_t allocated, reserved;
} kp_ev_month_t;
/* Units allocated and reserved per month of claim for a year. */
int kp_store_ev_months(kp_conn_t *c, kp_arena_t *a, int year, kp_ev_month_t **out, int *n);

/* A VIN's entry in the register: found false when it holds nothing. */
typedef struct kp_ev_vin {
	bool found;
	const char *state, *kind;
	int year;
	int64_t application_id, claimed_at, allocated_at;
} kp_ev_vin_t;
int kp_store_ev_vin(kp_conn_t *c, kp_arena_t *a, const char *vin, kp_ev_vin_t *out);

/* The claim of an application (KP_DB_NOTFOUND when none yet). */
typedef struct kp_ev_claim {
	int64_t id, application_id, day, requested, granted, claimed_at, expires_at, allocated_at, released_at;
	int year;
	const char *state, *reason;
} kp_ev_claim_t;
int kp_store_ev_claim_of(kp_conn_t *c, kp_arena_t *a, int64_t app_id, kp_ev_claim_t *out);

/* Split each ended day's pending claims pro rata (days before today, a local day
 * number), in their own transaction. */
int kp_store_ev_settle(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t now, int utc_offset);

#endif
