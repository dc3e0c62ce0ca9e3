/* test_organisations.c: the organisation handlers (src/api/organisations.c): carriers
 * read only their own organisation; border officers and staff read all; creating one checks
 * every field and refuses a taken INN. */
#include "kp_api_test.h"

static kp_user_t admin, ministry_user, officer, carrier1, nobody_org;
static kp_org_t border, ministry, carrier_org, other_carrier;

static int group_setup(void **state)
{
	if (kp_t_group_setup(state) != 0)
		return -1;
	border = kp_t_add_org("border_service", "Border Service", NULL);
	ministry = kp_t_add_org("ministry", "Ministry of Transport", NULL);
	carrier_org = kp_t_add_org("carrier", "Ala-Too Trans LLC", "01507201910123");
	other_carrier = kp_t_add_org("carrier", "Zhol Trans", "01000000000002");
	admin = kp_t_add_user("root", "admin", 0);
	ministry_user = kp_t_add_user("asel", "ministry", ministry.id);
	officer = kp_t_add_user("bakyt", "officer", border.id);
	carrier1 = kp_t_add_user("nurlan", "carrier", carrier_org.id);
	nobody_org = kp_t_add_user("auditor0", "auditor", 0);
	return 0;
}

static void read_org(void **state)
{
	(void)state;
	const struct {
		const kp_user_t *who;
		const kp_org_t *org; /* NULL: use raw */
		const char *raw;
		int status;
	} cases[] = {
	    {&carrier1, &carrier_org, NULL, 200}, {&carrier1, &other_carrier, NULL, 403},
	    {&carrier1, &border, NULL, 403},      {&officer, &border, NULL, 200},
	    {&officer, &carrier_org, NULL, 200},  {&ministry_user, &other_carrier, NULL, 200},
	    {&nobody_org, &border, NULL, 200},    {&admin, &carrier_org, NULL, 200},
	    {&admin, NULL, "999999", 404},        {&admin, NULL, "1x", 404},
	    {&carrier1, NULL, "0", 404},
	};
	for (size_t i = 0; i < KP_ROWS(cases); i++) {
		char id[24];
		if (cases[i].org)
			snprintf(id, sizeof(id), "%lld", (long long)cases[i].org->id);
		else
			snprintf(id, sizeof(id), "%s", cases[i].raw);
		kp_req_t *req = kp_t_req("GET", NULL);
		kp_t_as(req, cases[i].who);
		kp_t_param(req, "id", id);
		kp_api_org_get(req);
		if (req->status != cases[i].status)
			fail_msg("%s reading organisation %s: %d %s, want %d", cases[i].who->username, id, req->status,
			         kp_t_error_code(req), cases[i].status);
		if (req->status == 200)
			assert_string_equal(json_string_value(json_object_get(req->reply_json, "name")), cases[i].org->name);
		kp_t_free(req);
	}
}

static void my_org(void **state)
{
	(void)state;
	kp_req_t *req = kp_t_req("GET", NULL);
	kp_t_as(req, &carrier1);
	kp_api_org_mine(req);
	assert_int_equal(req->status, 200);
	assert_int_equal(json_integer_value(json_object_get(req->reply_json, "id")), carrier_org.id);
	kp_t_free(req);
	req = kp_t_req("GET", NULL);
	kp_t_as(req, &admin);
	kp_api_org_mine(req);
	assert_int_equal(req->status, 404);
	assert_string_equal(kp_t_error_code(req), "not_found");
	kp_t_free(req);
}

static const struct {
	const char *what, *body;
	int status;
	const char *code, *fields;
} create_cases[] = {
    {"minimal", "{\"kind\":\"customs\",\"name\":\"Customs Post Torugart\"}", 201, NULL, NULL},
    {"full",
     "{\"kind\":\"partner_authority\",\"name\":\"Border Guard of Kazakhstan\",\"inn\":\"00000000000077\","
     "\"address\":\"Astana\",\"contact_name\":\"Duty officer\",\"contact_phone\":\"+7 7172 000000\","
     "\"contact_email\":\"duty@example.kz\",\"licence_number\":\"KZ/PA-1\",\"country\":\"KZ\"}",
     201, NULL, NULL},
    {"taken INN", "{\"kind\":\"carrier\",\"name\":\"Copycat\",\"inn\":\"01507201910123\"}", 409, "inn_taken", NULL},
    {"nothing", "{}", 422, "invalid_field", "kind name"},
    {"bad everything",
     "{\"kind\":\"spaceport\",\"name\":\"  \",\"inn\":\"1\",\"contact_phone\":\"0\",\"contact_email\":\"@\","
     "\"licence_number\":\"x\",\"country\":\"kg\",\"address\":[]}",
     422, "invalid_field", "address contact_email contact_phone country inn kind licence_number name"},
};

static void create_org(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(create_cases); i++) {
		kp_req_t *req = kp_t_req("POST", create_cases[i].body);
		kp_t_as(req, &admin);
		kp_api_org_create(req);
		if (req->status != create_cases[i].status)
			fail_msg("%s: %d %s, want %d", create_cases[i].what, req->status, kp_t_error_code(req),
			         create_cases[i].status);
		if (create_cases[i].code)
			assert_string_equal(kp_t_error_code(req), create_cases[i].code);
		if (create_cases[i].fields) {
			char got[256];
			kp_t_error_fields(req, got, sizeof(got));
			assert_string_equal(got, create_cases[i].fields);
		}
		if (req->status == 201) {
			json_t *o = req->reply_json;
			assert_true(json_integer_value(json_object_get(o, "id")) > 0);
			assert_string_equal(json_string_value(json_object_get(o, "status")), "active");
			assert_non_null(json_string_value(json_object_get(o, "country")));
			assert_non_null(json_string_value(json_object_get(o, "created_at")));
		}
		kp_t_free(req);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(read_org),
	    cmocka_unit_test(my_org),
	    cmocka_unit_test(create_org),
	};
	return cmocka_run_group_tests(tests, group_setup, kp_t_group_teardown);
}
