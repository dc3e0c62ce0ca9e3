/* test_router.c: route matching (src/http/router.c): {name} parameters, 405 detection,
 * HEAD served by GET routes, no trailing-slash or empty-segment matches, the
 * parameter length cap and the parameter count cap. */
#include "kp_test.h"

#include "http/http.h"

static void h(kp_req_t *req)
{
	(void)req;
}

static const kp_route_t table[] = {
    /* 0 */ {"GET", "/healthz", h, 0, KP_ROUTE_PUBLIC, ""},
    /* 1 */ {"GET", "/api/v1/session", h, 0, 0, ""},
    /* 2 */ {"POST", "/api/v1/session", h, 0, 0, ""},
    /* 3 */ {"DELETE", "/api/v1/session", h, 0, 0, ""},
    /* 4 */ {"GET", "/api/v1/things/mine", h, 0, 0, ""},
    /* 5 */ {"GET", "/api/v1/things/{id}", h, 0, 0, ""},
    /* 6 */ {"PUT", "/api/v1/things/{id}/status", h, 0, 0, ""},
    /* 7 */ {"GET", "/api/v1/a/{x}/b/{y}", h, 0, 0, ""},
    /* 8 */ {"GET", "/p6/{a}/{b}/{c}/{d}/{e}/{f}", h, 0, 0, ""},
    /* 9 */ {"GET", "/p7/{a}/{b}/{c}/{d}/{e}/{f}/{g}", h, 0, 0, ""},
    /* 10 */ {"POST", "/only-post", h, 0, 0, ""},
};

static const struct {
	const char *method, *path;
	int route;       /* index in table, -1 none */
	bool path_known; /* when none: another method matches (405) */
	const char *params[4][2];
} cases[] = {
    {"GET", "/healthz", 0, false, {{0}}},
    {"HEAD", "/healthz", 0, false, {{0}}},
    {"POST", "/healthz", -1, true, {{0}}},
    {"OPTIONS", "/healthz", -1, true, {{0}}},
    {"get", "/healthz", -1, true, {{0}}},   /* methods are case-sensitive */
    {"GET", "/healthz/", -1, false, {{0}}}, /* no trailing slash */
    {"GET", "/healthzz", -1, false, {{0}}},
    {"GET", "/HEALTHZ", -1, false, {{0}}}, /* paths are case-sensitive */
    {"GET", "/api/v1/session", 1, false, {{0}}},
    {"POST", "/api/v1/session", 2, false, {{0}}},
    {"DELETE", "/api/v1/session", 3, false, {{0}}},
    {"PUT", "/api/v1/session", -1, true, {{0}}},
    {"GET", "/api/v1/session/", -1, false, {{0}}},
    {"GET", "/api/v1//session", -1, false, {{0}}},
    {"GET", "/API/v1/session", -1, false, {{0}}},
    {"GET", "/api/v1/things/mine", 4, false, {{0}}}, /* the literal route listed first wins */
    {"GET", "/api/v1/things/42", 5, false, {{"id", "42"}}},
    {"HEAD", "/api/v1/things/42", 5, false, {{"id", "42"}}},
    {"GET", "/api/v1/things/-1", 5, false, {{"id", "-1"}}}, /* any segment; the handler checks it */
    {"GET", "/api/v1/things/", -1, false, {{0}}},           /* empty segment */
    {"GET", "/api/v1/things", -1, false, {{0}}},
    {"GET", "/api/v1/things/42/", -1, false, {{0}}},
    {"DELETE", "/api/v1/things/42", -1, true, {{0}}},
    {"PUT", "/api/v1/things/7/status", 6, false, {{"id", "7"}}},
    {"GET", "/api/v1/things/7/status", -1, true, {{0}}},
    {"HEAD", "/api/v1/things/7/status", -1, true, {{0}}}, /* HEAD stands in for GET only */
    {"PUT", "/api/v1/things//status", -1, false, {{0}}},
    {"GET", "/api/v1/a/one/b/two", 7, false, {{"x", "one"}, {"y", "two"}}},
    {"GET", "/api/v1/a/one/b/", -1, false, {{0}}},
    {"GET", "/api/v1/a/one/b", -1, false, {{0}}},
    {"GET", "/api/v1/a//b/two", -1, false, {{0}}},
    {"GET", "/p6/1/2/3/4/5/6", 8, false, {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}}},
    {"GET", "/p7/1/2/3/4/5/6/7", -1, false, {{0}}}, /* more than KP_MAX_PARAMS never matches */
    {"HEAD", "/only-post", -1, true, {{0}}},
    {"GET", "/only-post", -1, true, {{0}}},
    {"GET", "/", -1, false, {{0}}},
    {"GET", "", -1, false, {{0}}},
};

static void req_init(kp_req_t *req)
{
	memset(req, 0, sizeof(*req));
	kp_arena_init(&req->arena);
}

static void match_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(cases); i++) {
		kp_req_t req;
		req_init(&req);
		bool known = !cases[i].path_known; /* must be overwritten */
		const kp_route_t *r = kp_route_match(table, KP_ROWS(table), &req, cases[i].method, cases[i].path, &known);
		int got = r ? (int)(r - table) : -1;
		if (got != cases[i].route)
			fail_msg("%s %s matched route %d, want %d", cases[i].method, cases[i].path, got, cases[i].route);
		if (got < 0 && known != cases[i].path_known)
			fail_msg("%s %s: path_known %d, want %d", cases[i].method, cases[i].path, known, cases[i].path_known);
		int want_params = 0;
		for (int p = 0; p < 4 && cases[i].params[p][0]; p++, want_params++) {
			const char *v = kp_req_param(&req, cases[i].params[p][0]);
			if (v == NULL || strcmp(v, cases[i].params[p][1]) != 0)
				fail_msg("%s %s: param %s = %s, want %s", cases[i].method, cases[i].path, cases[i].params[p][0],
				         v ? v : "(none)", cases[i].params[p][1]);
		}
		if (got >= 0 && got != 8)
			assert_int_equal(req.nparams, want_params);
		if (got < 0)
			assert_int_equal(req.nparams, 0);
		assert_null(kp_req_param(&req, "nope"));
		kp_arena_cleanup(&req.arena);
	}
}

static void six_params(void **state)
{
	(void)state;
	kp_req_t req;
	req_init(&req);
	bool known;
	const kp_route_t *r = kp_route_match(table, KP_ROWS(table), &req, "GET", "/p6/u/v/w/x/y/z", &known);
	assert_ptr_equal(r, &table[8]);
	assert_int_equal(req.nparams, KP_MAX_PARAMS);
	const char *names = "abcdef", *values = "uvwxyz";
	for (int i = 0; i < 6; i++) {
		char n[2] = {names[i], 0}, v[2] = {values[i], 0};
		assert_string_equal(req.param_names[i], n);
		assert_string_equal(kp_req_param(&req, n), v);
	}
	kp_arena_cleanup(&req.arena);
}

/* A parameter may be up to 4096 bytes (a permit QR text); a longer segment matches no route. */
static void param_length_cap(void **state)
{
	(void)state;
	static char path[4200], seg[4100];
	for (size_t len = 4095; len <= 4098; len++) {
		memset(seg, '7', len);
		seg[len] = '\0';
		snprintf(path, sizeof(path), "/api/v1/things/%s", seg);
		kp_req_t req;
		req_init(&req);
		bool known = true;
		const kp_route_t *r = kp_route_match(table, KP_ROWS(table), &req, "GET", path, &known);
		if (len <= 4096) {
			assert_ptr_equal(r, &table[5]);
			assert_int_equal(strlen(kp_req_param(&req, "id")), len);
		} else {
			assert_null(r);
			assert_false(known);
		}
		kp_arena_cleanup(&req.arena);
	}
}

/* An empty table matches nothing and knows no path. */
static void empty_table(void **state)
{
	(void)state;
	kp_req_t req;
	req_init(&req);
	bool known = true;
	assert_null(kp_route_match(table, 0, &req, "GET", "/healthz", &known));
	assert_false(known);
	kp_arena_cleanup(&req.arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(match_table),
	    cmocka_unit_test(six_params),
	    cmocka_unit_test(param_length_cap),
	    cmocka_unit_test(empty_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
