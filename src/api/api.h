/* api.h: the application the HTTP layer serves: its context, its route table and the
 * helpers every resource file uses to reach the store. */
#ifndef KP_API_H
#define KP_API_H

#include "core/config.h"
#include "http/http.h"
#include "store/store.h"

typedef struct kp_app {
	const kp_config_t *cfg;
	kp_store_t *store;
} kp_app_t;

extern const kp_route_t kp_api_routes[];
extern const size_t kp_api_nroutes;

/* HTTP hooks (auth.c). */
void kp_api_authenticate(kp_req_t *req);
void kp_api_finish(kp_req_t *req);

/* The request's database connection, borrowed on first use, returned when it ends. */
kp_conn_t *kp_api_db(kp_req_t *req);
kp_app_t *kp_api_app(kp_req_t *req);
/* The audit actor for this request. */
kp_actor_t kp_api_actor(const kp_req_t *req);

/* JSON views of stored things, shared across resources. */
json_t *kp_api_org_json(const kp_org_t *o);
json_t *kp_api_user_json(const kp_user_t *u);

/* Handlers, one group per resource file. */
void kp_api_healthz(kp_req_t *req);
void kp_api_readyz(kp_req_t *req);
void kp_api_openapi(kp_req_t *req);
void kp_api_session_create(kp_req_t *req);
void kp_api_session_get(kp_req_t *req);
void kp_api_session_delete(kp_req_t *req);
void kp_api_carrier_register(kp_req_t *req);
void kp_api_traveller_register(kp_req_t *req);
void kp_api_org_list(kp_req_t *req);
void kp_api_org_create(kp_req_t *req);
void kp_api_org_get(kp_req_t *req);
void kp_api_org_mine(kp_req_t *req);
void kp_api_user_list(kp_req_t *req);
void kp_api_user_create(kp_req_t *req);
void kp_api_user_get(kp_req_t *req);
void kp_api_user_set_status(kp_req_t *req);
void kp_api_audit_list(kp_req_t *req);

#endif
