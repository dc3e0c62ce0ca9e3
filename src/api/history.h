/* history.h: the status history answer shared by the history routes of bookings, permits
 * and permit applications (history.c). Each route checks who may see the object first. */
#ifndef KP_API_HISTORY_H
#define KP_API_HISTORY_H

#include "api/api.h"

/* Answer 200 {items: [{at, action, by, you, status, before, after}]} for the audited
 * changes of object_type/object_id, oldest first. `by` is the actor's role ("system" for
 * the server itself); `you` whether the asker made the change; before/after keep only the
 * fields people read (status, slot, times, reason...). */
void kp_api_history_reply(kp_req_t *req, const char *object_type, const char *object_id);

#endif
