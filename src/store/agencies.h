/* agencies.h: the border agencies, their members, subsystems and grants, the events their
 * services produce and the webhook deliveries of those events. */
#ifndef KP_STORE_AGENCIES_H
#define KP_STORE_AGENCIES_H

#include <stdbool.h>

#include "store/store.h"

/* Append an event inside the caller's transaction and queue a delivery to every active
 * endpoint of an agency granted its service. event: {"type", "service", "subject", "data"}
 * (borrowed). The body kept (and sent) is {"type", "timestamp", "data"}. */
int kp_store_agency_event_add(kp_conn_t *c, json_t *event);

/* The agency user_id is a member of (*agency_id; 0 when none) and whether it holds a grant
 * of service for the whole agency. */
int kp_store_agency_member_may(kp_conn_t *c, int64_t user_id, const char *service, int64_t *agency_id, bool *granted);

#endif
