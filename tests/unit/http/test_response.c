/* test_response.c: how handlers answer (src/http/response.c): the one error shape,
 * replacing an earlier answer, response headers. */
#include "kp_req_test.h"

/* {"error":{"code","message","request_id"}} and nothing else at the top. */
static void error_shape(void **state)
{
	kp_req_t *req = *state;
	kp_reply_error(req, 403, "forbidden", "your role may not %s %s", "GET", "/api/v1/users");
	assert_int_equal(req->status, 403);
	assert_string_equal(req->content_type, "application/json; charset=utf-8");
	assert_string_equal(req->error_code, "forbidden");
	assert_int_equal(json_object_size(req->reply_json), 1);
	json_t *e = json_object_get(req->reply_json, "error");
	assert_int_equal(json_object_size(e), 3);
	assert_string_equal(kp_t_error_str(req, "code"), "forbidden");
	assert_string_equal(kp_t_error_str(req, "message"), "your role may not GET /api/v1/users");
	assert_string_equal(kp_t_error_str(req, "request_id"), KP_T_REQUEST_ID);
	assert_null(json_object_get(e, "fields"));
}

static void error_with_fields(void **state)
{
	kp_req_t *req = *state;
	kp_field_error(req, "inn", "must be exactly 14 digits");
	kp_field_error(req, "phone", "must start with +");
	kp_reply_error(req, 422, "invalid_field", "two problems");
	json_t *fields = json_object_get(json_object_get(req->reply_json, "error"), "fields");
	assert_true(json_is_array(fields));
	assert_int_equal(json_array_size(fields), 2);
	json_t *f0 = json_array_get(fields, 0);
	assert_string_equal(json_string_value(json_object_get(f0, "field")), "inn");
	assert_string_equal(json_string_value(json_object_get(f0, "problem")), "must be exactly 14 digits");
}

/* A message that is not UTF-8 (say, from bytes a client sent) still gives valid JSON. */
static void error_message_not_utf8(void **state)
{
	kp_req_t *req = *state;
	kp_reply_error(req, 400, "bad", "value %s", "\xff\xfe");
	assert_int_equal(req->status, 400);
	assert_string_equal(kp_t_error_str(req, "code"), "bad");
	assert_string_equal(kp_t_error_str(req, "message"), "request could not be processed");
	char *text = json_dumps(req->reply_json, 0);
	assert_non_null(text);
	free(text);
}

/* A very long message is cut, not overflowed, and the JSON stays valid. */
static void error_message_long(void **state)
{
	kp_req_t *req = *state;
	char big[3000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	kp_reply_error(req, 400, "bad", "%s", big);
	assert_true(strlen(kp_t_error_str(req, "message")) < 600);
}

/* A later answer replaces an earlier one without leaking it (ASan checks the leak). */
static void reply_replaces(void **state)
{
	kp_req_t *req = *state;
	kp_reply_bytes(req, 200, "text/plain", "first", 5);
	kp_reply_json(req, 201, json_pack("{s:i}", "n", 1));
	assert_null(req->reply_body);
	assert_int_equal(req->status, 201);
	kp_reply_error(req, 500, "internal", "oops");
	assert_int_equal(req->status, 500);
	char data[] = "second";
	kp_reply_bytes(req, 200, "text/plain; charset=utf-8", data, 6);
	data[0] = 'X'; /* copied, not borrowed */
	assert_null(req->reply_json);
	assert_int_equal(req->reply_len, 6);
	assert_memory_equal(req->reply_body, "second", 6);
	assert_string_equal(req->content_type, "text/plain; charset=utf-8");
	kp_reply_bytes(req, 204, "text/plain", "", 0);
	assert_int_equal(req->reply_len, 0);
}

static void headers_in_order(void **state)
{
	kp_req_t *req = *state;
	for (int i = 0; i < KP_MAX_HEADERS; i++)
		kp_reply_header(req, i % 2 ? "Set-Cookie" : "X-Test", i % 2 ? "a=b" : "c");
	assert_int_equal(req->nheaders, KP_MAX_HEADERS);
	assert_string_equal(req->headers[1].name, "Set-Cookie");
}

static void too_many_headers_child(void)
{
	kp_req_t req;
	memset(&req, 0, sizeof(req));
	for (int i = 0; i <= KP_MAX_HEADERS; i++)
		kp_reply_header(&req, "X-Test", "1");
}

/* One header more than the array holds aborts rather than writing past it. */
static void too_many_headers_abort(void **state)
{
	(void)state;
	assert_true(kp_test_aborts(too_many_headers_child));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(error_shape, kp_t_bare_setup, kp_t_bare_teardown),
	    cmocka_unit_test_setup_teardown(error_with_fields, kp_t_bare_setup, kp_t_bare_teardown),
	    cmocka_unit_test_setup_teardown(error_message_not_utf8, kp_t_bare_setup, kp_t_bare_teardown),
	    cmocka_unit_test_setup_teardown(error_message_long, kp_t_bare_setup, kp_t_bare_teardown),
	    cmocka_unit_test_setup_teardown(reply_replaces, kp_t_bare_setup, kp_t_bare_teardown),
	    cmocka_unit_test_setup_teardown(headers_in_order, kp_t_bare_setup, kp_t_bare_teardown),
	    cmocka_unit_test(too_many_headers_abort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
