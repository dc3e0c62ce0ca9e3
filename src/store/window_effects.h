/* window_effects.h: what a procedure's effect does at the engine's moments, inside the
 * engine's transaction (store-internal). The one effect today is the duty-free EV quota
 * (evquota.c): VINs claimed at submission, a place reserved when customs approves, the
 * allocation made final when every step has approved, everything released on refusal or
 * expiry. */
#ifndef KP_STORE_WINDOW_EFFECTS_H
#define KP_STORE_WINDOW_EFFECTS_H

#include "store/window.h"

/* Claim the form's VINs; KP_DB_CONFLICT with why naming the earlier application. */
int kp_ev_effect_submit(kp_conn_t *c, kp_arena_t *a, const kp_sw_app_t *app, int64_t now, kp_sw_conflict_t *why);
/* Reserve the application's vehicles on the year's ledger. *effect says what happened
 * ("reserved", "pending"); KP_DB_CONFLICT with why when the quota cannot take them. */
int kp_ev_effect_reserve(kp_conn_t *c, kp_arena_t *a, const kp_sw_app_t *app, int64_t now, int utc_offset,
                         const char **effect, kp_sw_conflict_t *why);
/* Every step approved: make the allocation final. *final false while the claim waits for
 * its day to end (pro rata) or was never made. */
int kp_ev_effect_complete(kp_conn_t *c, kp_arena_t *a, const kp_sw_app_t *app, int64_t now, int utc_offset,
                          bool *final);
/* The application ended without approval: release its claim and VINs. */
int kp_ev_effect_release(kp_conn_t *c, const kp_sw_app_t *app, int64_t now, const char *reason);

/* The single window's write transactions. On SQLite (one writer at a time) they queue on
 * a mutex in the process instead of polling the database's busy lock, which under many
 * concurrent acts costs tens of milliseconds of sleeping each; on PostgreSQL they are
 * kp_store_begin/kp_store_end. Every kp_sw_begin, even one that fails, is ended by exactly one kp_sw_end. */
int kp_sw_begin(kp_conn_t *c);
int kp_sw_end(kp_conn_t *c, int rc);

/* Engine moments the quota's settlement calls back into (window.c). */
int kp_sw_finish_app(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_sw_app_t *app, const char *status,
                     const char *outcome, int64_t now);
int kp_sw_event(kp_conn_t *c, int64_t app_id, const char *step, int64_t actor, const char *action, const char *detail,
                int64_t at);

#endif
