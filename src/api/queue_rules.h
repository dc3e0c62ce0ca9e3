/* queue_rules.h: the booked queue and crossing records follow the crossing's hours,
 * seasons, holidays and closures (queue_rules.c). Each function answers the request when
 * it refuses (422 CHECKPOINT_CLOSED with the reasons, or IN_THE_PAST) and returns -1. */
#ifndef KP_API_QUEUE_RULES_H
#define KP_API_QUEUE_RULES_H

#include "api/api.h"
#include "store/checkpoints.h"

/* Open booking slots at checkpoint code for flow on local day `day`, hours [from_hour,
 * to_hour), only for the hours not yet over in which the crossing is open for that flow
 * throughout; *created gets how many new slots. */
int kp_api_slots_open(kp_req_t *req, const char *code, const char *flow, int64_t day, int from_hour, int to_hour,
                      int capacity, int priority_cap, int *created);
/* Whether the slot's hour is still open for its flow: the booking page lists only those. */
bool kp_api_slot_open(kp_req_t *req, const kp_slot_t *s);
/* 0 when the slot's hour is still open for its flow (a closure may have come since). */
int kp_api_slot_bookable(kp_req_t *req, const kp_slot_t *s);
/* 0 when checkpoint code is open for mode (0: any) at instant at. */
int kp_api_open_now(kp_req_t *req, const char *code, unsigned mode, int64_t at);

#endif
