/* loop.h: a background thread that runs a round of work every period, or at once when
 * kicked, until stopped: the shape of kapka's delivery workers (agency webhooks,
 * notifications), written once. */
#ifndef KP_LOOP_H
#define KP_LOOP_H

#include <stdbool.h>

typedef struct kp_loop kp_loop_t;

/* Start a thread that waits *period_ms (read before each wait, so a reloaded setting takes
 * effect) or until kicked, then calls round(l, ctx), and so on until stopped. NULL when the
 * thread cannot be started. */
kp_loop_t *kp_loop_start(const long long *period_ms, void (*round)(kp_loop_t *l, void *ctx), void *ctx);
/* Run the next round now (work was queued). NULL is allowed. */
void kp_loop_kick(kp_loop_t *l);
/* Whether kp_loop_stop was called: a long round ends early when it is. */
bool kp_loop_stopping(kp_loop_t *l);
/* Stop after the round in progress, wait for the thread and free. NULL is allowed. */
void kp_loop_stop(kp_loop_t *l);

#endif
