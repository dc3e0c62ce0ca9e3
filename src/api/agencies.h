/* agencies.h: the handlers of the agency exchange: agencies, grants, endpoints and
 * deliveries (agencies.c), the pull feed, equipment readings and inspection tasks
 * (agency_feed.c), and the X-Road provider services (xroad.c). */
#ifndef KP_API_AGENCIES_H
#define KP_API_AGENCIES_H

#include "api/api.h"

void kp_api_agency_create(kp_req_t *req);
void kp_api_agency_list(kp_req_t *req);
void kp_api_agency_get(kp_req_t *req);
void kp_api_agency_member_add(kp_req_t *req);
void kp_api_agency_subsystem_add(kp_req_t *req);
void kp_api_agency_grant(kp_req_t *req);
void kp_api_agency_revoke(kp_req_t *req);
void kp_api_agency_endpoint_add(kp_req_t *req);
void kp_api_agency_endpoint_set(kp_req_t *req);
void kp_api_agency_deliveries(kp_req_t *req);
void kp_api_agency_replay(kp_req_t *req);

void kp_api_agency_feed(kp_req_t *req);
void kp_api_agency_keys(kp_req_t *req);
void kp_api_equipment_reading(kp_req_t *req);
void kp_api_inspection_list(kp_req_t *req);
void kp_api_inspection_close(kp_req_t *req);
void kp_api_xroad_log(kp_req_t *req);

void kp_api_xroad_ecmr_query(kp_req_t *req);
void kp_api_xroad_ecmr_get(kp_req_t *req);
void kp_api_xroad_events(kp_req_t *req);
void kp_api_xroad_openapi(kp_req_t *req);

struct kp_agency_event;
/* Feed events as JSON {items, cursor} (cursor: the last id, or after when none). */
json_t *kp_agency_events_json(const struct kp_agency_event *e, int n, int64_t after);

#endif
