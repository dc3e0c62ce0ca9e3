/* kp_req_test.h: a bare request (no application, no route, no body) for the tests of
 * what the HTTP layer and the reply helpers write into it, and reading its error. */
#ifndef KP_REQ_TEST_H
#define KP_REQ_TEST_H

#include "kp_test.h"

#include "http/http.h"

/* The request id every bare request carries (error answers echo it). */
#define KP_T_REQUEST_ID "abcd1234-7"

/* cmocka setup: *state is a zeroed request with its arena and KP_T_REQUEST_ID. */
static inline int kp_t_bare_setup(void **state)
{
	kp_req_t *req = calloc(1, sizeof(*req));
	if (req == NULL)
		return -1;
	kp_arena_init(&req->arena);
	snprintf(req->request_id, sizeof(req->request_id), KP_T_REQUEST_ID);
	*state = req;
	return 0;
}

/* cmocka teardown: frees the body, the answer and the arena of a kp_t_bare_setup request. */
static inline int kp_t_bare_teardown(void **state)
{
	kp_req_t *req = *state;
	json_decref(req->json);
	json_decref(req->reply_json);
	json_decref(req->field_errors);
	free(req->reply_body);
	kp_arena_cleanup(&req->arena);
	free(req);
	return 0;
}

/* error.<key> of the JSON answer; fails the test when there is no error object. */
static inline const char *kp_t_error_str(const kp_req_t *req, const char *key)
{
	json_t *e = json_object_get(req->reply_json, "error");
	assert_non_null(e);
	return json_string_value(json_object_get(e, key));
}

/* The value of response header name the handler set, or NULL. */
static inline const char *kp_t_header(const kp_req_t *req, const char *name)
{
	for (int i = 0; i < req->nheaders; i++)
		if (strcmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

#endif
