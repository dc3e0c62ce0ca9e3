/* test_users.c: the user handlers (src/api/users.c): who may read which account, which
 * role fits which organisation on creation, and suspending (not oneself). The route
 * table's role check happens before a handler runs; these are the handlers' own rules. */
#include "kp_api_test.h"

static kp_user_t admin, auditor, carrier1, traveller1;
static kp_org_t customs, ministry, carrier_org;

static int group_setup(void **state)
{
	if (kp_t_group_setup(state) != 0)
		return -1;
	customs = kp_t_add_org("customs", "State Customs Service", NULL);
	ministry = kp_t_add_org("ministry", "Ministry of Transport", NULL);
	carrier_org = kp_t_add_org("carrier", "Ala-Too Trans LLC", "01507201910123");
	admin = kp_t_add_user("root", "admin", 0);
	auditor = kp_t_add_user("auditor1", "auditor", ministry.id);
	carrier1 = kp_t_add_user("carrier1", "carrier", carrier_org.id);
	traveller1 = kp_t_add_user("traveller1", "traveller", 0);
	return 0;
}

static char id_buf[8][24];
static const char *idstr(int slot, int64_t id)
{
	snprintf(id_buf[slot], sizeof(id_buf[slot]), "%lld", (long long)id);
	return id_buf[slot];
}

/* GET /api/v1/users/{id}: one's own account, or any for admins and auditors. */
static void read_user(void **state)
{
	(void)state;
	const struct {
		const kp_user_t *who;
		const char *id;
		int status;
	} cases[] = {
	    {&carrier1, idstr(0, carrier1.id), 200},
	    {&carrier1, idstr(1, traveller1.id), 403},
	    {&traveller1, idstr(2, admin.id), 403},
	    {&auditor, idstr(3, carrier1.id), 200},
	    {&admin, idstr(4, traveller1.id), 200},
	    {&admin, "999999", 404},
	    {&admin, "0", 404},
	    {&admin, "abc", 404},
	    {&carrier1, "-1", 404},
	};
	for (size_t i = 0; i < KP_ROWS(cases); i++) {
		kp_req_t *req = kp_t_req("GET", NULL);
		kp_t_as(req, cases[i].who);
		kp_t_param(req, "id", cases[i].id);
		kp_api_user_get(req);
		if (req->status != cases[i].status)
			fail_msg("%s reading user %s: %d %s, want %d", cases[i].who->username, cases[i].id, req->status,
			         kp_t_error_code(req), cases[i].status);
		if (req->status == 200)
			assert_int_equal(json_integer_value(json_object_get(req->reply_json, "id")), atoll(cases[i].id));
		kp_t_free(req);
	}
}

/* POST /api/v1/users: the role must fit the organisation (domain/account.c decides;
 * the handler must ask it, and name the field). Only one case succeeds (one hash). */
static void create_user_role_fit(void **state)
{
	(void)state;
	char org_customs[24], org_ministry[24], org_carrier[24];
	snprintf(org_customs, sizeof(org_customs), "%lld", (long long)customs.id);
	snprintf(org_ministry, sizeof(org_ministry), "%lld", (long long)ministry.id);
	snprintf(org_carrier, sizeof(org_carrier), "%lld", (long long)carrier_org.id);
	const struct {
		const char *role, *org; /* org: organisation_id JSON value or NULL */
		int status;
		const char *fields, *problem;
	} cases[] = {
	    {"officer", NULL, 422, "role", "needs an organisation_id"},
	    {"officer", org_carrier, 422, "role", "does not fit the organisation's kind"},
	    {"carrier", org_customs, 422, "role", "does not fit"},
	    {"traveller", org_customs, 422, "role", "does not fit"},
	    {"ministry", org_customs, 422, "role", "does not fit"},
	    {"admin", org_carrier, 422, "role", "does not fit"},
	    {"officer", "999999", 422, "organisation_id", "names no organisation"},
	    {"officer", "0", 422, "organisation_id", "whole number"},
	    {"officer", "\"5\"", 422, "organisation_id", "whole number"},
	    {"king", NULL, 422, "role", "must be one of"},
	    {"officer", org_customs, 201, NULL, NULL},
	};
	for (size_t i = 0; i < KP_ROWS(cases); i++) {
		char body[256];
		snprintf(body, sizeof(body),
		         "{\"username\":\"new.officer\",\"password\":\"long enough password\",\"role\":\"%s\"%s%s}",
		         cases[i].role, cases[i].org ? ",\"organisation_id\":" : "", cases[i].org ? cases[i].org : "");
		kp_req_t *req = kp_t_req("POST", body);
		kp_t_as(req, &admin);
		kp_api_user_create(req);
		if (req->status != cases[i].status)
			fail_msg("role %s in org %s: %d %s, want %d", cases[i].role, cases[i].org ? cases[i].org : "(none)",
			         req->status, kp_t_error_code(req), cases[i].status);
		if (cases[i].fields) {
			char got[128];
			kp_t_error_fields(req, got, sizeof(got));
			assert_string_equal(got, cases[i].fields);
			const char *msg = json_string_value(json_object_get(json_object_get(req->reply_json, "error"), "message"));
			if (strstr(msg, cases[i].problem) == NULL)
				fail_msg("role %s in org %s: message \"%s\" lacks \"%s\"", cases[i].role,
				         cases[i].org ? cases[i].org : "(none)", msg, cases[i].problem);
		} else {
			json_t *u = req->reply_json;
			assert_string_equal(json_string_value(json_object_get(u, "role")), "officer");
			assert_int_equal(json_integer_value(json_object_get(u, "organisation_id")), customs.id);
		}
		kp_t_free(req);
	}
	/* the same username again */
	kp_req_t *req = kp_t_req("POST", "{\"username\":\"new.officer\",\"password\":\"long enough password\","
	                                 "\"role\":\"auditor\"}");
	kp_t_as(req, &admin);
	kp_api_user_create(req);
	assert_int_equal(req->status, 409);
	assert_string_equal(kp_t_error_code(req), "username_taken");
	kp_t_free(req);
}

/* PUT /api/v1/users/{id}/status */
static void set_status(void **state)
{
	(void)state;
	kp_user_t target = kp_t_add_user("to.suspend", "officer", customs.id);
	const struct {
		const char *id, *body;
		int status;
		const char *code;
	} cases[] = {
	    {idstr(0, admin.id), "{\"status\":\"suspended\"}", 409, "self_suspend"},
	    {idstr(1, target.id), "{\"status\":\"deleted\"}", 422, "invalid_field"},
	    {idstr(2, target.id), "{}", 422, "invalid_field"},
	    {"999999", "{\"status\":\"suspended\"}", 404, "not_found"},
	    {"x1", "{\"status\":\"suspended\"}", 404, "not_found"},
	    {idstr(3, target.id), "{\"status\":\"suspended\"}", 200, NULL},
	    {idstr(4, target.id), "{\"status\":\" active \"}", 200, NULL},
	};
	for (size_t i = 0; i < KP_ROWS(cases); i++) {
		kp_req_t *req = kp_t_req("PUT", cases[i].body);
		kp_t_as(req, &admin);
		kp_t_param(req, "id", cases[i].id);
		kp_api_user_set_status(req);
		if (req->status != cases[i].status)
			fail_msg("status of %s to %s: %d %s, want %d", cases[i].id, cases[i].body, req->status,
			         kp_t_error_code(req), cases[i].status);
		if (cases[i].code)
			assert_string_equal(kp_t_error_code(req), cases[i].code);
		else
			assert_non_null(json_object_get(req->reply_json, "status"));
		kp_t_free(req);
	}
	/* it ended active again, and both changes are in the audit log with before and after */
	kp_conn_t *c = kp_store_acquire(kp_t_app.store);
	kp_arena_t a;
	kp_arena_init(&a);
	kp_user_t u;
	assert_int_equal(kp_store_user_get(c, &a, target.id, &u), KP_DB_OK);
	assert_string_equal(u.status, "active");
	kp_audit_entry_t *e;
	int n;
	assert_int_equal(kp_store_audit_list(c, &a, "user", idstr(5, target.id), 0, 10, &e, &n), KP_DB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(e[0].action, "user.status");
	assert_string_equal(e[0].actor, "root");
	assert_non_null(strstr(e[1].after_json, "suspended"));
	kp_arena_cleanup(&a);
	kp_store_release(kp_t_app.store, c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(read_user),
	    cmocka_unit_test(create_user_role_fit),
	    cmocka_unit_test(set_status),
	};
	return cmocka_run_group_tests(tests, group_setup, kp_t_group_teardown);
}
