/* history.h: an object's changes in time order (who, what, when), read from the audit log
 * that every state change appends to in its own transaction (history.c). */
#ifndef KP_STORE_HISTORY_H
#define KP_STORE_HISTORY_H

#include "store/store.h"

typedef struct kp_history_entry {
	int64_t at_ms, actor_id;         /* actor_id 0: the system or a command */
	const char *actor_role;          /* the actor's role now, NULL for the system */
	const char *action;              /* as audited: "booking.move", "permit.issue"... */
	const char *before_json, *after_json; /* snapshots, may be NULL */
} kp_history_entry_t;

/* The audited changes of object_type/object_id, oldest first, at most limit (strings in a). */
int kp_store_history(kp_conn_t *c, kp_arena_t *a, const char *object_type, const char *object_id, int limit,
                     kp_history_entry_t **out, int *n);

#endif
