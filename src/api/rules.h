/* rules.h: the handlers for rule data kept by date (rules.c) and the booked queue's notices. */
#ifndef KP_API_RULES_H
#define KP_API_RULES_H

#include "api/api.h"

void kp_api_holidays_get(kp_req_t *req);
void kp_api_holiday_add(kp_req_t *req);
void kp_api_holiday_delete(kp_req_t *req);
void kp_api_season_put(kp_req_t *req);
void kp_api_hours_put(kp_req_t *req);
void kp_api_rule_changes_get(kp_req_t *req);
void kp_api_booking_notices_get(kp_req_t *req);

#endif
