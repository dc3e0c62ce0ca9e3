/* context.c: the request's application, database connection and actor. */
#include "api/context.h"

kp_app_t *kp_api_app(kp_req_t *req)
{
	return req->app;
}

kp_conn_t *kp_api_db(kp_req_t *req)
{
	if (req->db == NULL)
		req->db = kp_store_acquire(kp_api_app(req)->store);
	return req->db;
}

void kp_api_finish(kp_req_t *req)
{
	if (req->db) {
		kp_store_release(kp_api_app(req)->store, req->db);
		req->db = NULL;
	}
}

kp_actor_t kp_api_actor(const kp_req_t *req)
{
	kp_actor_t a = {req->auth.user_id, req->auth.username, req->request_id, req->addr};
	return a;
}

static void release_json(void *j)
{
	json_decref(j);
}

json_t *kp_api_own(kp_req_t *req, json_t *j)
{
	return kp_arena_defer(&req->arena, release_json, j);
}
