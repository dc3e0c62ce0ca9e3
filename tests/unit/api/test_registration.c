/* test_registration.c: self-registration handlers (src/api/registration.c) called
 * directly with a request whose JSON body is already parsed, against a SQLite store in
 * a mkdtemp folder: what they answer, what they store, and that a refused registration
 * stores nothing. Few argon2id hashes: only successful registrations hash. */
#include "kp_api_test.h"

struct counts {
	int64_t users;
	int orgs, audit;
};

static struct counts counts(void)
{
	kp_conn_t *c = kp_store_acquire(kp_t_app.store);
	kp_arena_t a;
	kp_arena_init(&a);
	struct counts n = {kp_store_user_count(c), 0, 0};
	kp_org_t *orgs;
	kp_audit_entry_t *e;
	assert_int_equal(kp_store_org_list(c, &a, NULL, &orgs, &n.orgs), KP_DB_OK);
	assert_int_equal(kp_store_audit_list(c, &a, NULL, NULL, 0, 1000, &e, &n.audit), KP_DB_OK);
	kp_arena_cleanup(&a);
	kp_store_release(kp_t_app.store, c);
	return n;
}

static void assert_same_counts(struct counts a, struct counts b)
{
	assert_int_equal(a.users, b.users);
	assert_int_equal(a.orgs, b.orgs);
	assert_int_equal(a.audit, b.audit);
}

/* ---- travellers ---- */

static void traveller_registers(void **state)
{
	(void)state;
	struct counts before = counts();
	kp_req_t *req = kp_t_req("POST", "{\"username\":\"anna.schmidt\",\"password\":\"Ala-Too mountains 2026\","
	                                 "\"full_name\":\"  Anna Schmidt \",\"language\":\"en\",\"phone\":null}");
	kp_api_traveller_register(req);
	assert_int_equal(req->status, 201);
	json_t *u = json_object_get(req->reply_json, "user");
	assert_non_null(u);
	assert_null(json_object_get(req->reply_json, "organisation"));
	assert_string_equal(json_string_value(json_object_get(u, "username")), "anna.schmidt");
	assert_string_equal(json_string_value(json_object_get(u, "role")), "traveller");
	assert_string_equal(json_string_value(json_object_get(u, "full_name")), "Anna Schmidt"); /* trimmed */
	assert_string_equal(json_string_value(json_object_get(u, "language")), "en");
	assert_true(json_is_null(json_object_get(u, "organisation_id")));
	assert_true(json_is_null(json_object_get(u, "phone")));
	char location[64];
	snprintf(location, sizeof(location), "/api/v1/users/%lld", (long long)json_integer_value(json_object_get(u, "id")));
	assert_string_equal(kp_t_header(req, "Location"), location);
	kp_t_free(req);

	struct counts after = counts();
	assert_int_equal(after.users, before.users + 1);
	assert_int_equal(after.orgs, before.orgs);
	assert_int_equal(after.audit, before.audit + 1);

	kp_conn_t *c = kp_store_acquire(kp_t_app.store);
	kp_arena_t a;
	kp_arena_init(&a);
	kp_user_t stored;
	assert_int_equal(kp_store_user_by_name(c, &a, "anna.schmidt", &stored), KP_DB_OK);
	assert_int_equal(kp_password_verify(stored.pw_hash, "Ala-Too mountains 2026"), 0);
	assert_int_not_equal(kp_password_verify(stored.pw_hash, "Ala-Too mountains 2025"), 0);
	kp_audit_entry_t *e;
	int n;
	assert_int_equal(kp_store_audit_list(c, &a, "user", NULL, 0, 1, &e, &n), KP_DB_OK);
	assert_string_equal(e[0].action, "user.create");
	assert_string_equal(e[0].actor, "anna.schmidt"); /* the registrant acts for themselves */
	assert_string_equal(e[0].request_id, "unit-1");
	kp_arena_cleanup(&a);
	kp_store_release(kp_t_app.store, c);
}

static void traveller_username_taken(void **state)
{
	(void)state;
	kp_req_t
	    *req = kp_t_req("POST",
	                    "{\"username\":\"taken.name\",\"password\":\"long enough password\",\"full_name\":\"A B\"}");
	kp_api_traveller_register(req);
	assert_int_equal(req->status, 201);
	kp_t_free(req);
	struct counts before = counts();
	req = kp_t_req("POST", "{\"username\":\"taken.name\",\"password\":\"another password!\",\"full_name\":\"C D\"}");
	kp_api_traveller_register(req);
	assert_int_equal(req->status, 409);
	assert_string_equal(kp_t_error_code(req), "username_taken");
	kp_t_free(req);
	assert_same_counts(counts(), before);
}

static const struct {
	const char *what, *body, *fields;
} traveller_invalid[] = {
    {"no full name", "{\"username\":\"someone\",\"password\":\"long enough password\"}", "full_name"},
    {"blank full name", "{\"username\":\"someone\",\"password\":\"long enough password\",\"full_name\":\"  \"}",
     "full_name"},
    {"everything wrong but the name",
     "{\"username\":\"Some One\",\"password\":\"short\",\"full_name\":\"S O\",\"email\":\"x\",\"phone\":\"1\","
     "\"language\":\"de\"}",
     "email language password phone username"},
    {"a number for a name", "{\"username\":\"someone\",\"password\":\"long enough password\",\"full_name\":5}",
     "full_name"},
    {"control character", "{\"username\":\"someone\",\"password\":\"long enough\\u0001password\",\"full_name\":\"S\"}",
     "password"},
};

static void traveller_invalid_table(void **state)
{
	(void)state;
	struct counts before = counts();
	for (size_t i = 0; i < KP_ROWS(traveller_invalid); i++) {
		kp_req_t *req = kp_t_req("POST", traveller_invalid[i].body);
		kp_api_traveller_register(req);
		if (req->status != 422)
			fail_msg("%s: status %d, want 422", traveller_invalid[i].what, req->status);
		assert_string_equal(kp_t_error_code(req), "invalid_field");
		char got[256];
		kp_t_error_fields(req, got, sizeof(got));
		if (strcmp(got, traveller_invalid[i].fields) != 0)
			fail_msg("%s: fields \"%s\", want \"%s\"", traveller_invalid[i].what, got, traveller_invalid[i].fields);
		kp_t_free(req);
	}
	assert_same_counts(counts(), before);
}

/* kp_body_check's contract (http.h) is one 422 naming every problem; a traveller
 * without a full name is told about it only when nothing else is wrong. */
static void traveller_all_problems_named(void **state)
{
	(void)state;
	kp_req_t *req = kp_t_req("POST", "{\"username\":\"A\",\"password\":\"long enough password\"}");
	kp_api_traveller_register(req);
	assert_int_equal(req->status, 422);
	char got[256];
	kp_t_error_fields(req, got, sizeof(got));
	assert_string_equal(got, "full_name username");
	kp_t_free(req);
}

/* ---- carriers ---- */

#define CARRIER_BODY(inn, username) \
	"{\"company_name\":\"Issyk-Kul Cargo LLC\",\"inn\":\"" inn "\",\"address\":\"Karakol, 12 Toktogul St\"," \
	"\"contact_name\":\"Aibek Usenov\",\"contact_phone\":\"+996 700 123 456\"," \
	"\"contact_email\":\"office@ikcargo.kg\",\"licence_number\":\"KG-IK-2025-0001\"," \
	"\"username\":\"" username "\",\"password\":\"long enough password\"}"

static void carrier_registers(void **state)
{
	(void)state;
	struct counts before = counts();
	kp_req_t *req = kp_t_req("POST", CARRIER_BODY("02002199012345", "ikcargo"));
	kp_api_carrier_register(req);
	assert_int_equal(req->status, 201);
	json_t *u = json_object_get(req->reply_json, "user"), *o = json_object_get(req->reply_json, "organisation");
	assert_non_null(u);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "kind")), "carrier");
	assert_string_equal(json_string_value(json_object_get(o, "inn")), "02002199012345");
	assert_string_equal(json_string_value(json_object_get(o, "country")), "KG");
	assert_string_equal(json_string_value(json_object_get(o, "status")), "active");
	assert_string_equal(json_string_value(json_object_get(o, "licence_number")), "KG-IK-2025-0001");
	assert_string_equal(json_string_value(json_object_get(u, "role")), "carrier");
	assert_int_equal(json_integer_value(json_object_get(u, "organisation_id")),
	                 json_integer_value(json_object_get(o, "id")));
	/* the user's own fields default to the company contact's */
	assert_string_equal(json_string_value(json_object_get(u, "full_name")), "Aibek Usenov");
	assert_string_equal(json_string_value(json_object_get(u, "phone")), "+996 700 123 456");
	assert_string_equal(json_string_value(json_object_get(u, "email")), "office@ikcargo.kg");
	assert_string_equal(json_string_value(json_object_get(u, "language")), "ru");
	assert_non_null(kp_t_header(req, "Location"));
	kp_t_free(req);
	struct counts after = counts();
	assert_int_equal(after.users, before.users + 1);
	assert_int_equal(after.orgs, before.orgs + 1);
	assert_int_equal(after.audit, before.audit + 3); /* organisation, its pending check, user */
}

static const struct {
	const char *what, *body, *code;
} carrier_conflicts[] = {
    {"taken INN", CARRIER_BODY("01111111111111", "second.user"), "inn_taken"},
    {"taken username", CARRIER_BODY("01222222222222", "first.user"), "username_taken"},
    {"both taken", CARRIER_BODY("01111111111111", "first.user"), "inn_taken"},
};

static void carrier_conflict_table(void **state)
{
	(void)state;
	kp_req_t *req = kp_t_req("POST", CARRIER_BODY("01111111111111", "first.user"));
	kp_api_carrier_register(req);
	assert_int_equal(req->status, 201);
	kp_t_free(req);
	struct counts before = counts();
	for (size_t i = 0; i < KP_ROWS(carrier_conflicts); i++) {
		req = kp_t_req("POST", carrier_conflicts[i].body);
		kp_api_carrier_register(req);
		if (req->status != 409 || strcmp(kp_t_error_code(req), carrier_conflicts[i].code) != 0)
			fail_msg("%s: %d %s, want 409 %s", carrier_conflicts[i].what, req->status, kp_t_error_code(req),
			         carrier_conflicts[i].code);
		kp_t_free(req);
		assert_same_counts(counts(), before);
	}
}

static void carrier_invalid_fields(void **state)
{
	(void)state;
	struct counts before = counts();
	kp_req_t
	    *req = kp_t_req("POST",
	                    "{\"company_name\":\"\",\"inn\":\"13104199012345\",\"address\":5,\"contact_phone\":\"555\","
	                    "\"contact_email\":\"a@b\",\"licence_number\":\"A\",\"username\":\"_x_\","
	                    "\"password\":\"short\",\"email\":\"nope\",\"language\":\"de\",\"phone\":\"+1\"}");
	kp_api_carrier_register(req);
	assert_int_equal(req->status, 422);
	char got[512];
	kp_t_error_fields(req, got, sizeof(got));
	assert_string_equal(got, "address company_name contact_email contact_name contact_phone email inn language "
	                         "licence_number password phone username");
	kp_t_free(req);
	/* an empty object names every required field */
	req = kp_t_req("POST", "{}");
	kp_api_carrier_register(req);
	assert_int_equal(req->status, 422);
	kp_t_error_fields(req, got, sizeof(got));
	assert_string_equal(got, "address company_name contact_name contact_phone inn licence_number password username");
	kp_t_free(req);
	assert_same_counts(counts(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(traveller_registers),     cmocka_unit_test(traveller_username_taken),
	    cmocka_unit_test(traveller_invalid_table), cmocka_unit_test(traveller_all_problems_named),
	    cmocka_unit_test(carrier_registers),       cmocka_unit_test(carrier_conflict_table),
	    cmocka_unit_test(carrier_invalid_fields),
	};
	return cmocka_run_group_tests(tests, kp_t_group_setup, kp_t_group_teardown);
}
