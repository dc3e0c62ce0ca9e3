/* health.c: liveness and readiness. */
#include "api/api.h"

void kp_api_healthz(kp_req_t *req)
{
	kp_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

void kp_api_readyz(kp_req_t *req)
{
	kp_app_t *app = kp_api_app(req);
	if (kp_store_ping(app->store) != 0) {
		kp_reply_error(req, 503, "database_unavailable", "the database does not answer");
		return;
	}
	kp_reply_json(req, 200, json_pack("{s:s, s:s}", "status", "ready", "database", kp_store_backend_name(app->store)));
}
