/* context.h: the request's view of the application: the app it serves, its database
 * connection (borrowed on first use, returned when the request ends), who is acting,
 * and the hooks the HTTP layer calls around every handler. */
#ifndef KP_API_CONTEXT_H
#define KP_API_CONTEXT_H

#include "app/app.h"
#include "http/http.h"
#include "store/store.h"

/* The application this request is served by. */
kp_app_t *kp_api_app(kp_req_t *req);
/* The request's database connection, borrowed on first use, returned when it ends. */
kp_conn_t *kp_api_db(kp_req_t *req);
/* The audit actor for this request. */
kp_actor_t kp_api_actor(const kp_req_t *req);

/* The request owns j (a new reference): it is released when the request ends, so the
 * handler does not decref it. Returns j (NULL stays NULL). Add it to answers with
 * json_object_set / "O" in json_pack, which take their own reference. */
json_t *kp_api_own(kp_req_t *req, json_t *j);

/* HTTP hooks: fill req->auth from the token or cookie (auth.c); give back what the api
 * layer borrowed for this request (context.c). */
void kp_api_authenticate(kp_req_t *req);
void kp_api_finish(kp_req_t *req);

#endif
