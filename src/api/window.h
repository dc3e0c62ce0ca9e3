/* window.h: what the single window's resources share (window_apps.c, window_queue.c,
 * window_docs.c, window_public.c): the procedure a code names, times in JSON, who may act
 * for an agency, the views of steps, and the payment-gateway seam. */
#ifndef KP_API_WINDOW_H
#define KP_API_WINDOW_H

#include "api/api.h"
#include "store/agencies.h"
#include "store/window.h"

/* The definition of procedure code (the caller decrefs); answers 404 and returns NULL
 * when there is none. */
json_t *kp_window_definition(kp_req_t *req, const char *code, kp_sw_procedure_t *p);
/* Epoch seconds as an ISO 8601 string, or null when t is 0. */
json_t *kp_window_time(int64_t t);
/* The signed-in user acts for the step's agency with the step's role. */
bool kp_window_staffs(kp_req_t *req, const kp_sw_step_t *s);
/* A step as the applicant's status page and the queues show it: agency, state, since,
 * the time the rule allows and what is left of it, decision and reasons. def: the
 * procedure's definition, for labels (may be NULL). */
json_t *kp_window_step_json(kp_req_t *req, const kp_sw_step_t *s, const json_t *def);
/* The {ky, ru, en} label of the definition's step code, or NULL. */
json_t *kp_window_step_label(const json_t *def, const char *code);
/* The number of a fee's receipt, as the JSON, the PDF and its signed QR all print it:
 * the authority's code, "SW" and the fee's id (in the arena a). */
const char *kp_window_receipt_number(kp_arena_t *a, const char *authority, int64_t fee_id);
/* An agency's name as the window shows it, {ky, ru, en}: English where the register has no
 * Kyrgyz or Russian name (a border agency's). */
json_t *kp_window_agency_names(const kp_agency_t *ag);
/* A fee in JSON with its receipt's number when paid. */
json_t *kp_window_fee_json(kp_req_t *req, const kp_sw_fee_t *f);
/* A document's metadata in JSON (never its bytes). */
json_t *kp_window_document_json(const kp_sw_document_t *d);
/* Compact JSON text of j in the request arena (j is not taken). */
const char *kp_window_dump(kp_req_t *req, const json_t *j);
/* The current time and the authority's UTC offset, as the store's acts take them. */
int64_t kp_window_now(void);
int kp_window_offset(kp_req_t *req);
/* The authority's current local year, its quota ledger row carried over from the year
 * before when it has none yet. */
int kp_window_ev_year(kp_req_t *req);
/* Settle what the passing of time decided (expired applications, pro-rata days) before a
 * write that depends on it; reads never do (the background housekeeping does it too). */
void kp_window_tick(kp_req_t *req);

/* The seam where a payment gateway plugs in: charge (or confirm) a fee and say which
 * reference identifies the payment. The one gateway built in, "manual", records the
 * reference of a payment made at a bank or cash desk, as the applicant gives it. */
typedef struct kp_sw_gateway {
	const char *name;
	/* 0 and *reference set, or -1 with *why. */
	int (*charge)(kp_req_t *req, const kp_sw_fee_t *fee, const char *given_reference, const char **reference,
	              const char **why);
} kp_sw_gateway_t;
const kp_sw_gateway_t *kp_window_gateway(const char *name);

#endif
