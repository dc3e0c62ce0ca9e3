/* operations.h: the routes an operations team reads: GET /metrics. */
#ifndef KP_API_OPERATIONS_H
#define KP_API_OPERATIONS_H

#include "http/http.h"

/* GET /metrics: Prometheus text exposition format, for the addresses in metrics_allow or
 * a request bearing metrics_token; 403 otherwise. */
void kp_api_metrics(kp_req_t *req);

#endif
