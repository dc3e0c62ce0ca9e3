/* window.h: the single window's rules, for procedures that are data: checking a
 * procedure's definition (JSON), checking an application's form against it, a step's
 * condition, which waiting steps become ready, and which step transitions are allowed.
 * Pure: no I/O. */
#ifndef KP_WINDOW_H
#define KP_WINDOW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"

/* Step states, as stored. */
#define KP_SW_WAITING "waiting"
#define KP_SW_READY "ready"
#define KP_SW_IN_PROGRESS "in_progress"
#define KP_SW_APPROVED "approved"
#define KP_SW_REFUSED "refused"
#define KP_SW_MORE_INFO "more_info"
#define KP_SW_SKIPPED "skipped"
#define KP_SW_CLOSED "closed"

/* Application states, as stored: in progress until every step is approved or skipped
 * (approved), one is refused (refused), the procedure's time runs out (expired) or the
 * applicant withdraws it (withdrawn). Only an application in progress moves. */
#define KP_SW_APP_IN_PROGRESS "in_progress"
#define KP_SW_APP_APPROVED "approved"
#define KP_SW_APP_REFUSED "refused"
#define KP_SW_APP_EXPIRED "expired"
#define KP_SW_APP_WITHDRAWN "withdrawn"

/* Quoted for the store's SQL IN lists (a statement stays a literal, db.h): the steps not yet
 * decided, which close when their application ends otherwise; and the steps on an agency's
 * work list: open (kp_sw_state_open) or waiting for the applicant's answer. */
#define KP_SW_UNDECIDED_SQL "('" KP_SW_WAITING "', '" KP_SW_READY "', '" KP_SW_IN_PROGRESS "', '" KP_SW_MORE_INFO "')"
#define KP_SW_DONE_SQL "('" KP_SW_APPROVED "', '" KP_SW_SKIPPED "')" /* no longer holds a step back */
#define KP_SW_WORKLIST_SQL "('" KP_SW_READY "', '" KP_SW_IN_PROGRESS "', '" KP_SW_MORE_INFO "')"

/* A step's fee, as stored: due until paid, or cancelled when its application ends unapproved. */
#define KP_SW_FEE_DUE "due"
#define KP_SW_FEE_PAID "paid"
#define KP_SW_FEE_CANCELLED "cancelled"

/* True when s names an application state / a step state. */
bool kp_sw_app_status_known(const char *s);
bool kp_sw_step_state_known(const char *s);
/* True while an application in stored status s is in progress: its steps may be decided,
 * its requests answered, and it may be withdrawn or expire. */
bool kp_sw_app_open(const char *s);

/* A problem found in a definition or a form: the field (dotted path) and why. */
typedef void (*kp_sw_problem_fn)(void *ctx, const char *field, const char *problem);

/* Check a procedure definition: code, names in ky/ru/en, applicant roles, fields (types
 * text, enum, bool, date, country, vehicles), documents, steps (unique codes, agency,
 * role officer or ministry, waits only for earlier steps, fee with its collector,
 * service level in hours, condition on a field). Every problem goes to fn; returns the
 * number of problems. Agencies' existence is the store's to check. */
int kp_sw_definition_check(kp_arena_t *a, const json_t *def, kp_sw_problem_fn fn, void *ctx);

/* Check a form (JSON object) against the definition's fields: required ones present,
 * types and limits, unknown fields refused. Problems go to fn (field names prefixed
 * "data."); returns how many. vin_check checks a VIN (NULL: valid, else why not). */
int kp_sw_form_check(kp_arena_t *a, const json_t *def, const json_t *data, const char *(*vin_check)(const char *),
                     kp_sw_problem_fn fn, void *ctx);

/* The values a path names in a form: "a" (a string, number or array of strings) or
 * "list[].x" (x of every item of the array list). Appends strings to out (max n);
 * returns how many. */
int kp_sw_values(const json_t *data, const char *path, const char **out, int n);

/* A step's condition ({"field": path, "any_of": [...]}; NULL: always) on a form. */
bool kp_sw_when(const json_t *when, const json_t *data);

/* The form reduced to the fields a step sees (a new object; caller decrefs). */
json_t *kp_sw_form_view(const json_t *data, const json_t *fields);

/* One step of an application as the engine sees it. */
typedef struct kp_sw_step_state {
	const char *code, *state;
	const char **after; /* codes it waits for */
	int nafter;
} kp_sw_step_state_t;

/* True when a waiting step may start: every step it waits for is approved or skipped. */
bool kp_sw_step_unblocked(const kp_sw_step_state_t *steps, int n, int i);

/* What the application's steps say about it: "approved" when every step is approved or
 * skipped, "refused" when one is refused, else "in_progress". */
const char *kp_sw_outcome(const kp_sw_step_state_t *steps, int n);

/* Agency actions on a step. */
enum kp_sw_action { KP_SW_TAKE, KP_SW_APPROVE, KP_SW_REFUSE, KP_SW_ASK, KP_SW_ANSWER };
/* The state a step moves to, or NULL when the action is not allowed in that state. */
const char *kp_sw_transition(const char *state, enum kp_sw_action action);
/* Parse "approve" / "refuse" / "ask"; -1 when none. */
int kp_sw_decision_parse(const char *s);

/* True for states that still wait on an agency (ready, in_progress). */
bool kp_sw_state_open(const char *state);

/* The median and 90th-percentile (nearest rank) of n values, sorted in place. */
void kp_sw_percentiles(int64_t *v, int n, int64_t *median, int64_t *p90);

#endif
