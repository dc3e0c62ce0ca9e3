/* test_rules_doc.c: issue 13, finding 8: every refusal the permit checks can give
 * (src/domain/permit.c) and every code the rules work answers with is in the API document's
 * lists, so a client can show it (PERMIT_YEAR_OVER was missing). Table-driven. */
#include "kp_test.h"

#include "api/api.h"
#include "core/embed.h"
#include "core/util.h"

#include <string.h>

static bool listed(json_t *array, const char *code)
{
	size_t i;
	json_t *v;
	json_array_foreach(array, i, v)
		if (strcmp(json_string_value(v), code) == 0)
			return true;
	return false;
}

static void codes_documented(void **state)
{
	(void)state;
	json_t *doc = kp_api_openapi_merge(kp_openapi);
	assert_non_null(doc);
	json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
	json_t *checks = json_object_get(json_object_get(json_object_get(json_object_get(schemas, "CheckFailure"),
	                                                                 "properties"),
	                                                 "code"),
	                                 "enum");
	json_t *errors =
	    json_object_get(json_object_get(json_object_get(json_object_get(json_object_get(json_object_get(schemas,
	                                                                                                    "Error"),
	                                                                                    "properties"),
	                                                                    "error"),
	                                                    "properties"),
	                                    "code"),
	                    "enum");
	static const char *const refusals[] = {"CARRIER_SUSPENDED",        "CARRIER_NO_LICENCE", "PERMIT_YEAR_OVER",
	                                       "VEHICLE_NOT_OWNED",        "VEHICLE_RETIRED",    "VEHICLE_KIND",
	                                       "VEHICLE_EMISSION_CLASS",   "HOLDING_LIMIT",      "DUPLICATE_PERMIT",
	                                       "INSUFFICIENT_PERMIT_QUOTA"};
	for (size_t i = 0; i < KP_ARRAY_LEN(refusals); i++)
		if (!listed(checks, refusals[i]) || !listed(errors, refusals[i]))
			fail_msg("%s is not in CheckFailure and Error", refusals[i]);
	static const char *const rules[] = {"CHECKPOINT_CLOSED", "IN_THE_PAST", "NOT_FOREIGN_VEHICLE", "NOT_THIS_BORDER",
	                                    "CROSSING_CLOSED",   "no_rate",     "no_rule_in_force"};
	for (size_t i = 0; i < KP_ARRAY_LEN(rules); i++)
		if (!listed(errors, rules[i]))
			fail_msg("%s is not in Error", rules[i]);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(codes_documented)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
