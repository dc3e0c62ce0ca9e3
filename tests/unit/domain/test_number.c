/* test_number.c: receipt and permit numbers (src/domain/number.c) keep the issuer's whole
 * code, so an organisation's (TRACECA) numbers do not read as another authority's (TR). */
#include "kp_test.h"

#include "domain/number.h"
#include "domain/permit.h"
#include "domain/zone.h"

#include <string.h>

static void formats(void **state)
{
	(void)state;
	char out[KP_NUMBER_MAX];
	kp_number_format("KG", KP_NUMBER_WINDOW, 42, out);
	assert_string_equal(out, "KG-SW-000042");
	kp_number_format("TRACECA", KP_NUMBER_ECOTAX, 7, out);
	assert_string_equal(out, "TRACECA-ECO-000007");
	kp_number_format("KG", KP_NUMBER_ZONE, 1234567, out);
	assert_string_equal(out, "KG-BZ-1234567");
	/* the longest code, the longest series and the largest id still fit whole */
	char code[KP_AUTHORITY_CODE_MAX + 1];
	memset(code, 'A', KP_AUTHORITY_CODE_MAX);
	code[KP_AUTHORITY_CODE_MAX] = '\0';
	kp_number_format(code, "ABCDEFGH", INT64_MAX, out);
	assert_int_equal(strlen(out), KP_AUTHORITY_CODE_MAX + 8 + 19 + 2);
	assert_int_equal(kp_number_parse(code, "ABCDEFGH", out), INT64_MAX);
}

static void parses(void **state)
{
	(void)state;
	assert_int_equal(kp_number_parse("TRACECA", KP_NUMBER_ECOTAX, "TRACECA-ECO-000007"), 7);
	assert_int_equal(kp_number_parse("TR", KP_NUMBER_ECOTAX, "TRACECA-ECO-000007"), 0);
	assert_int_equal(kp_number_parse("TRACECA", KP_NUMBER_ECOTAX, "TR-ECO-000007"), 0);
	assert_int_equal(kp_number_parse("KG", KP_NUMBER_ZONE, "KG-SW-000007"), 0);
	assert_int_equal(kp_number_parse("KG", KP_NUMBER_ZONE, "KG-BZ-"), 0);
	assert_int_equal(kp_number_parse("KG", KP_NUMBER_ZONE, "KG-BZ-0"), 0);
	assert_int_equal(kp_number_parse("KG", KP_NUMBER_ZONE, "KG-BZ-+5"), 0);
	assert_int_equal(kp_number_parse("KG", KP_NUMBER_ZONE, "KG-BZ-5x"), 0);
	assert_int_equal(kp_number_parse("KG", KP_NUMBER_ZONE, NULL), 0);
	assert_int_equal(kp_zone_permit_number_parse("KG", "KG-BZ-000042"), 42);
	assert_int_equal(kp_zone_permit_number_parse("KGZ", "KG-BZ-000042"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(formats), cmocka_unit_test(parses)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
