/* test_money.c: exact currency conversion (src/domain/money.c). Source: issue 13 finding 7:
 * 3,500 som at 0.01143 USD per som is 40.005 USD, which rounds half away from zero to
 * 40.01 (floating point gave 40.00); the rates are seed 000's (The Times of Central Asia,
 * 10 February 2026). Table-driven. */
#include "kp_test.h"

#include "core/util.h"
#include "domain/money.h"

static void conversions(void **state)
{
	(void)state;
	static const struct {
		int64_t amount;
		const char *from, *to, *want;
	} rows[] = {
	    {3500, "0.01143", "1", "40.01"}, /* the finding: 40.005 up */
	    {2500, "0.01143", "1", "28.58"}, /* 28.575 up */
	    {5000, "0.01143", "1", "57.15"},
	    {3500, "0.01143", "0.00207", "19326.09"}, /* KZT: 19326.0869... */
	    {2500, "0.01143", "0.10465", "273.05"},   /* TJS: 273.053... */
	    {0, "0.01143", "1", "0.00"},
	    {1, "1", "3", "0.33"},
	    {2, "1", "3", "0.67"},
	    {1000000000000LL, "999999999.999999999999", "0.000000000001", NULL}, /* too large: refused */
	};
	for (size_t i = 0; i < KP_ARRAY_LEN(rows); i++) {
		char out[32];
		int rc = kp_money_convert(rows[i].amount, rows[i].from, rows[i].to, out);
		if (rows[i].want == NULL) {
			assert_int_equal(rc, KP_MONEY_ERANGE);
			continue;
		}
		assert_int_equal(rc, KP_MONEY_OK);
		if (strcmp(out, rows[i].want) != 0)
			fail_msg("%lld at %s/%s: %s, want %s", (long long)rows[i].amount, rows[i].from, rows[i].to, out,
			         rows[i].want);
	}
}

static void rates(void **state)
{
	(void)state;
	static const char *const good[] = {"1", "0.01143", "0.000000000001", "999999999.5"};
	static const char *const bad[] = {"",           "0",  "0.000", "-1",  "1e-3", "0.0000000000001",
	                                  "1234567890", ".5", "1.",    "1,5", "abc",  "0x10"};
	for (size_t i = 0; i < KP_ARRAY_LEN(good); i++)
		assert_null(kp_money_check_rate(good[i]));
	for (size_t i = 0; i < KP_ARRAY_LEN(bad); i++)
		if (kp_money_check_rate(bad[i]) == NULL)
			fail_msg("rate \"%s\" accepted", bad[i]);
	char out[32];
	assert_int_equal(kp_money_convert(100, "0", "1", out), KP_MONEY_EBADRATE);
	assert_int_equal(kp_money_convert(-1, "1", "1", out), KP_MONEY_ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(conversions), cmocka_unit_test(rates)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
