/* test_request.c: reading body fields and path parameters (src/http/request.c):
 * trimming, control characters, lengths in characters, integer ranges, and the single
 * 422 answer that names every problem. */
#include "kp_req_test.h"

static void set_body(kp_req_t *req, const char *text)
{
	json_error_t e;
	json_decref(req->json);
	req->json = json_loads(text, 0, &e);
	if (req->json == NULL)
		fail_msg("bad test JSON %s: %s", text, e.text);
}

static int nerrors(const kp_req_t *req)
{
	return req->field_errors ? (int)json_array_size(req->field_errors) : 0;
}

/* The problem recorded for field, or NULL. */
static const char *problem(const kp_req_t *req, const char *field)
{
	for (int i = 0; i < nerrors(req); i++) {
		json_t *e = json_array_get(req->field_errors, (size_t)i);
		if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0)
			return json_string_value(json_object_get(e, "problem"));
	}
	return NULL;
}

static const struct {
	const char *what, *body;
	size_t max;
	bool required;
	const char *want;    /* value returned, NULL for none */
	const char *problem; /* recorded problem, NULL for none */
} str_cases[] = {
    {"plain", "{\"f\":\"Ala-Too\"}", 20, true, "Ala-Too", NULL},
    {"trimmed", "{\"f\":\"  Ala-Too \\t \"}", 20, true, "Ala-Too", NULL},
    {"inner spaces kept", "{\"f\":\"a  b\"}", 20, true, "a  b", NULL},
    {"missing, required", "{}", 20, true, NULL, "is required"},
    {"missing, optional", "{}", 20, false, NULL, NULL},
    {"null, required", "{\"f\":null}", 20, true, NULL, "is required"},
    {"null, optional", "{\"f\":null}", 20, false, NULL, NULL},
    {"blank, required", "{\"f\":\"   \"}", 20, true, NULL, "must not be empty"},
    {"blank, optional", "{\"f\":\"   \"}", 20, false, NULL, NULL},
    {"empty, required", "{\"f\":\"\"}", 20, true, NULL, "must not be empty"},
    {"number", "{\"f\":5}", 20, false, NULL, "must be a string"},
    {"boolean", "{\"f\":true}", 20, true, NULL, "must be a string"},
    {"object", "{\"f\":{}}", 20, true, NULL, "must be a string"},
    {"array", "{\"f\":[\"a\"]}", 20, true, NULL, "must be a string"},
    {"newline", "{\"f\":\"a\\nb\"}", 20, true, NULL, "control characters"},
    {"escape", "{\"f\":\"\\u001b[2J\"}", 20, true, NULL, "control characters"},
    {"DEL", "{\"f\":\"a\\u007f\"}", 20, true, NULL, "control characters"},
    {"tab inside is fine", "{\"f\":\"a\\tb\"}", 20, true, "a\tb", NULL},
    {"exactly max characters", "{\"f\":\"Кыргыз\"}", 6, true, "Кыргыз", NULL},
    {"one character too many", "{\"f\":\"Кыргыз\"}", 5, true, NULL, "must be at most 5 characters"},
    {"max counts after trimming", "{\"f\":\"  abc  \"}", 3, true, "abc", NULL},
    {"other fields ignored", "{\"g\":\"x\",\"f\":\"y\"}", 3, true, "y", NULL},
};

static void body_str_table(void **state)
{
	for (size_t i = 0; i < KP_ROWS(str_cases); i++) {
		kp_t_bare_teardown(state);
		kp_t_bare_setup(state);
		kp_req_t *req = *state;
		set_body(req, str_cases[i].body);
		const char *got = kp_body_str(req, "f", str_cases[i].max, str_cases[i].required);
		if ((got == NULL) != (str_cases[i].want == NULL) || (got && strcmp(got, str_cases[i].want) != 0))
			fail_msg("%s: got \"%s\", want \"%s\"", str_cases[i].what, got ? got : "(null)",
			         str_cases[i].want ? str_cases[i].want : "(null)");
		const char *p = problem(req, "f");
		if ((p == NULL) != (str_cases[i].problem == NULL) || (p && strstr(p, str_cases[i].problem) == NULL))
			fail_msg("%s: problem \"%s\", want \"%s\"", str_cases[i].what, p ? p : "(none)",
			         str_cases[i].problem ? str_cases[i].problem : "(none)");
		assert_int_equal(nerrors(req), str_cases[i].problem ? 1 : 0);
		assert_int_equal(req->status, 0); /* recording is not answering */
	}
}

/* A NUL inside the JSON string must not be cut off silently. */
static void body_str_embedded_nul(void **state)
{
	kp_req_t *req = *state;
	req->json = json_object();
	json_object_set_new(req->json, "f", json_stringn("adm\0in", 6));
	assert_null(kp_body_str(req, "f", 20, true));
	assert_non_null(strstr(problem(req, "f"), "control characters"));
}

/* No body at all: every field is missing. */
static void body_str_without_body(void **state)
{
	kp_req_t *req = *state;
	assert_null(kp_body_str(req, "f", 20, false));
	assert_int_equal(nerrors(req), 0);
	assert_null(kp_body_str(req, "f", 20, true));
	assert_string_equal(problem(req, "f"), "is required");
}

static const char *no_digits(const char *s)
{
	return strpbrk(s, "0123456789") ? "must not contain digits" : NULL;
}

static void body_str_checked(void **state)
{
	kp_req_t *req = *state;
	set_body(req, "{\"a\":\" abc \",\"b\":\"ab1\",\"c\":\"\"}");
	assert_string_equal(kp_body_str_checked(req, "a", 10, true, no_digits), "abc");
	assert_null(kp_body_str_checked(req, "b", 10, true, no_digits));
	assert_string_equal(problem(req, "b"), "must not contain digits");
	assert_null(kp_body_str_checked(req, "c", 10, false, no_digits)); /* blank optional: check not run */
	assert_null(kp_body_str_checked(req, "d", 10, true, no_digits));
	assert_string_equal(problem(req, "d"), "is required");
	assert_int_equal(nerrors(req), 2);
}

static const struct {
	const char *what, *body;
	long long min, max;
	bool required, ok;
	long long want;
	const char *problem;
} int_cases[] = {
    {"in range", "{\"n\":5}", 1, 10, true, true, 5, NULL},
    {"lower bound", "{\"n\":1}", 1, 10, true, true, 1, NULL},
    {"upper bound", "{\"n\":10}", 1, 10, true, true, 10, NULL},
    {"below", "{\"n\":0}", 1, 10, true, false, 0, "must be a whole number from 1 to 10"},
    {"above", "{\"n\":11}", 1, 10, true, false, 0, "from 1 to 10"},
    {"negative", "{\"n\":-3}", 1, 10, false, false, 0, "from 1 to 10"},
    {"string", "{\"n\":\"5\"}", 1, 10, true, false, 0, "whole number"},
    {"real", "{\"n\":5.0}", 1, 10, true, false, 0, "whole number"},
    {"boolean", "{\"n\":true}", 1, 10, true, false, 0, "whole number"},
    {"missing, required", "{}", 1, 10, true, false, 0, "is required"},
    {"missing, optional", "{}", 1, 10, false, false, 0, NULL},
    {"null, optional", "{\"n\":null}", 1, 10, false, false, 0, NULL},
    {"int64 max", "{\"n\":9223372036854775807}", 1, INT64_MAX, true, true, INT64_MAX, NULL},
};

static void body_int_table(void **state)
{
	for (size_t i = 0; i < KP_ROWS(int_cases); i++) {
		kp_t_bare_teardown(state);
		kp_t_bare_setup(state);
		kp_req_t *req = *state;
		set_body(req, int_cases[i].body);
		long long out = -77;
		bool ok = kp_body_int(req, "n", int_cases[i].min, int_cases[i].max, int_cases[i].required, &out);
		if (ok != int_cases[i].ok)
			fail_msg("%s: kp_body_int returned %d", int_cases[i].what, ok);
		assert_int_equal(out, ok ? int_cases[i].want : -77);
		const char *p = problem(req, "n");
		if ((p == NULL) != (int_cases[i].problem == NULL) || (p && strstr(p, int_cases[i].problem) == NULL))
			fail_msg("%s: problem \"%s\", want \"%s\"", int_cases[i].what, p ? p : "(none)",
			         int_cases[i].problem ? int_cases[i].problem : "(none)");
	}
}

static json_t *reply_error(const kp_req_t *req)
{
	assert_non_null(req->reply_json);
	json_t *e = json_object_get(req->reply_json, "error");
	assert_non_null(e);
	return e;
}

static void body_check(void **state)
{
	kp_req_t *req = *state;
	set_body(req, "{\"username\":\"Ab\",\"age\":\"x\"}");
	assert_int_equal(kp_body_check(req), 0);
	assert_int_equal(req->status, 0);

	kp_body_str(req, "username", 32, true);
	kp_body_str(req, "password", 256, true);
	long long age;
	kp_body_int(req, "age", 0, 150, false, &age);
	assert_int_equal(kp_body_check(req), -1);
	assert_int_equal(req->status, 422);
	json_t *e = reply_error(req);
	assert_string_equal(json_string_value(json_object_get(e, "code")), "invalid_field");
	assert_string_equal(json_string_value(json_object_get(e, "message")),
	                    "password is required (and 1 more problems, see fields)");
	assert_string_equal(json_string_value(json_object_get(e, "request_id")), KP_T_REQUEST_ID);
	json_t *fields = json_object_get(e, "fields");
	assert_int_equal(json_array_size(fields), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(fields, 1), "field")), "age");
}

static void body_check_single(void **state)
{
	kp_req_t *req = *state;
	kp_field_error(req, "inn", "must be exactly 14 digits");
	assert_int_equal(kp_body_check(req), -1);
	assert_int_equal(req->status, 422);
	assert_string_equal(json_string_value(json_object_get(reply_error(req), "message")),
	                    "inn must be exactly 14 digits");
}

static const struct {
	const char *value;
	int rc;
	int64_t want;
} id_cases[] = {
    {"1", 0, 1},    {"42", 0, 42}, {"9223372036854775807", 0, INT64_MAX},
    {"0", -1, 0},   {"-1", -1, 0}, {"9223372036854775808", -1, 0},
    {"abc", -1, 0}, {"4x", -1, 0}, {"", -1, 0},
    {NULL, -1, 0}, /* no such parameter */
};

static void param_id_table(void **state)
{
	for (size_t i = 0; i < KP_ROWS(id_cases); i++) {
		kp_t_bare_teardown(state);
		kp_t_bare_setup(state);
		kp_req_t *req = *state;
		if (id_cases[i].value) {
			req->param_names[0] = "id";
			req->param_values[0] = id_cases[i].value;
			req->nparams = 1;
		}
		int64_t out = -5;
		int rc = kp_req_param_id(req, "id", &out);
		if (rc != id_cases[i].rc)
			fail_msg("kp_req_param_id(\"%s\") = %d", id_cases[i].value ? id_cases[i].value : "(none)", rc);
		if (rc == 0) {
			assert_int_equal(out, id_cases[i].want);
			assert_int_equal(req->status, 0);
		} else {
			assert_int_equal(req->status, 404);
			assert_string_equal(json_string_value(json_object_get(reply_error(req), "code")), "not_found");
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(body_str_table, kp_t_bare_setup, kp_t_bare_teardown),
	    cmocka_unit_test_setup_teardown(body_str_embedded_nul, kp_t_bare_setup, kp_t_bare_teardown),
	    cmocka_unit_test_setup_teardown(body_str_without_body, kp_t_bare_setup, kp_t_bare_teardown),
	    cmocka_unit_test_setup_teardown(body_str_checked, kp_t_bare_setup, kp_t_bare_teardown),
	    cmocka_unit_test_setup_teardown(body_int_table, kp_t_bare_setup, kp_t_bare_teardown),
	    cmocka_unit_test_setup_teardown(body_check, kp_t_bare_setup, kp_t_bare_teardown),
	    cmocka_unit_test_setup_teardown(body_check_single, kp_t_bare_setup, kp_t_bare_teardown),
	    cmocka_unit_test_setup_teardown(param_id_table, kp_t_bare_setup, kp_t_bare_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
