/* test_views.c: the JSON shapes of organisations and users (src/api/views.c): nulls
 * for absent fields, ISO 8601 times, never the password hash, and exactly the
 * properties that the OpenAPI document (docs/openapi/) promises (components.schemas.Organisation, User). */
#include "kp_test.h"

#include "api/api.h"
#include "core/embed.h"

static json_t *schemas;

static int group_setup(void **state)
{
	(void)state;
	json_t *doc = kp_api_openapi_merge(kp_openapi);
	if (doc == NULL)
		return -1;
	schemas = json_incref(json_object_get(json_object_get(doc, "components"), "schemas"));
	json_decref(doc);
	return schemas ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	json_decref(schemas);
	return 0;
}

/* The view has exactly the schema's properties, and every required one. */
static void assert_matches_schema(json_t *view, const char *schema_name)
{
	json_t *schema = json_object_get(schemas, schema_name);
	assert_non_null(schema);
	json_t *props = json_object_get(schema, "properties");
	const char *key;
	json_t *v;
	json_object_foreach(view, key, v)
		if (json_object_get(props, key) == NULL)
			fail_msg("the %s view has \"%s\", which the OpenAPI schema lacks", schema_name, key);
	size_t i;
	json_array_foreach(json_object_get(schema, "required"), i, v)
		if (json_object_get(view, json_string_value(v)) == NULL)
			fail_msg("the %s view lacks required \"%s\"", schema_name, json_string_value(v));
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		fail_msg("\"%s\" is not a string", key);
	return json_string_value(v);
}

static void org_full(void **state)
{
	(void)state;
	kp_org_t o = {.id = 4,
	              .kind = "carrier",
	              .name = "Ala-Too Trans LLC",
	              .inn = "01507201910123",
	              .address = "Bishkek, 7 Jibek Jolu Ave",
	              .contact_name = "Nurlan Asanov",
	              .contact_phone = "+996 555 123 456",
	              .contact_email = "office@alatoo-trans.kg",
	              .licence_number = "KG-AT-2024-0417",
	              .country = "KG",
	              .status = "active",
	              .created_at = 1769853600};
	json_t *j = kp_api_org_json(&o);
	assert_non_null(j);
	assert_matches_schema(j, "Organisation");
	assert_int_equal(json_integer_value(json_object_get(j, "id")), 4);
	assert_string_equal(str(j, "kind"), "carrier");
	assert_string_equal(str(j, "inn"), "01507201910123");
	assert_string_equal(str(j, "created_at"), "2026-01-31T10:00:00Z");
	json_t *contact = json_object_get(j, "contact");
	assert_string_equal(str(contact, "name"), "Nurlan Asanov");
	assert_string_equal(str(contact, "phone"), "+996 555 123 456");
	assert_string_equal(str(contact, "email"), "office@alatoo-trans.kg");
	assert_int_equal(json_object_size(contact), 3);
	json_decref(j);
}

/* Optional fields left out of the organisation come out as JSON null, not missing. */
static void org_minimal(void **state)
{
	(void)state;
	kp_org_t o =
	    {.id = 1, .kind = "ministry", .name = "Ministry", .country = "KG", .status = "active", .created_at = 0};
	json_t *j = kp_api_org_json(&o);
	assert_non_null(j);
	assert_matches_schema(j, "Organisation");
	static const char *const nulls[] = {"inn", "address", "licence_number"};
	for (size_t i = 0; i < KP_ROWS(nulls); i++)
		if (!json_is_null(json_object_get(j, nulls[i])))
			fail_msg("\"%s\" should be null", nulls[i]);
	json_t *contact = json_object_get(j, "contact");
	assert_true(json_is_null(json_object_get(contact, "name")));
	assert_true(json_is_null(json_object_get(contact, "email")));
	assert_string_equal(str(j, "created_at"), "1970-01-01T00:00:00Z");
	json_decref(j);
}

static const struct {
	int64_t org_id;
	const char *full_name, *email, *phone;
} user_cases[] = {
    {0, NULL, NULL, NULL},
    {17, "Aibek Usenov", "aibek@border.kg", "+996 700 111 222"},
};

static void users(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(user_cases); i++) {
		kp_user_t u = {.id = 9,
		               .org_id = user_cases[i].org_id,
		               .username = "aibek",
		               .role = "officer",
		               .full_name = user_cases[i].full_name,
		               .email = user_cases[i].email,
		               .phone = user_cases[i].phone,
		               .language = "ky",
		               .status = "active",
		               .pw_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
		               .created_at = 951782400};
		json_t *j = kp_api_user_json(&u);
		assert_non_null(j);
		assert_matches_schema(j, "User");
		char *text = json_dumps(j, 0);
		assert_null(strstr(text, "argon2")); /* the hash never leaves the server */
		assert_null(strstr(text, "pw_hash"));
		free(text);
		assert_string_equal(str(j, "username"), "aibek");
		assert_string_equal(str(j, "created_at"), "2000-02-29T00:00:00Z");
		json_t *org = json_object_get(j, "organisation_id");
		if (user_cases[i].org_id == 0) {
			assert_true(json_is_null(org));
			assert_true(json_is_null(json_object_get(j, "full_name")));
			assert_true(json_is_null(json_object_get(j, "email")));
			assert_true(json_is_null(json_object_get(j, "phone")));
		} else {
			assert_int_equal(json_integer_value(org), user_cases[i].org_id);
			assert_string_equal(str(j, "phone"), user_cases[i].phone);
		}
		json_decref(j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(org_full),
	    cmocka_unit_test(org_minimal),
	    cmocka_unit_test(users),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
