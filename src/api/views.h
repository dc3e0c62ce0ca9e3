/* views.h: JSON views of stored things that several resources show, and who may see them. */
#ifndef KP_API_VIEWS_H
#define KP_API_VIEWS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"
#include "store/store.h"

struct kp_permit;

/* views.c */
json_t *kp_api_org_json(const kp_org_t *o);
json_t *kp_api_user_json(const kp_user_t *u);

/* permit_views.c */
json_t *kp_api_permit_json(kp_req_t *req, const struct kp_permit *p);
/* True when the signed-in user may see a permit / vehicle of org_id. */
bool kp_api_may_see_org(const kp_req_t *req, int64_t org_id);

#endif
