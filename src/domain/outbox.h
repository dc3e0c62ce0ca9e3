/* outbox.h: the states of the exchange with partner authorities, as stored and shown: an
 * event of ours waiting in the outbox, the verdict on an event a partner sent, and where the
 * handshake with a partner stands. Pure: no I/O. */
#ifndef KP_DOMAIN_OUTBOX_H
#define KP_DOMAIN_OUTBOX_H

#include <stdbool.h>

/* An outbox event's state. Stored: pending until the partner accepts it, then delivered.
 * Shown (the stored state with the set-aside marks): dead, pending but set aside after too
 * many refusals until staff retry it; skipped, set aside for good by staff. */
#define KP_OUTBOX_S_PENDING "pending"
#define KP_OUTBOX_S_DELIVERED "delivered"
#define KP_OUTBOX_S_DEAD "dead"
#define KP_OUTBOX_S_SKIPPED "skipped"

typedef enum kp_outbox_action {
	KP_OUTBOX_DELIVER,   /* the partner accepted it */
	KP_OUTBOX_SET_ASIDE, /* refused once too often */
	KP_OUTBOX_RETRY,     /* staff put a dead event back in line */
	KP_OUTBOX_SKIP,      /* staff give up on an undelivered event */
} kp_outbox_action_t;

/* The shown state for a stored state and the set-aside marks. */
const char *kp_outbox_shown(const char *stored, bool dead, bool skipped);
/* The shown state action leads to from shown state; NULL when it is not allowed there. */
const char *kp_outbox_next(const char *shown, kp_outbox_action_t action);
/* True when s names a shown state. */
bool kp_outbox_state_known(const char *s);

/* The verdict on an event a partner sent, as stored: applied, or refused (with the error
 * code the partner was answered). */
#define KP_INBOUND_APPLIED "applied"
#define KP_INBOUND_REFUSED "refused"

/* The handshake with a partner: none yet, ok (its keys and address fetched), failed (the
 * last attempt's error kept). */
#define KP_HANDSHAKE_S_NONE "none"
#define KP_HANDSHAKE_S_OK "ok"
#define KP_HANDSHAKE_S_FAILED "failed"

#endif
