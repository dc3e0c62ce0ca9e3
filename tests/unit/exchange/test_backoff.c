/* test_backoff.c: the wait before the next delivery attempt (kp_exchange_backoff_ms in
 * src/exchange/worker.c): min * 2^(n-1), capped at max, with up to a quarter taken off
 * by the jitter; it never overflows, however many attempts failed. */
#include "kp_test.h"

#include "exchange/exchange.h"

#include <limits.h>

static void doubles_then_caps(void **state)
{
	(void)state;
	static const struct {
		long long n, min, max;
		long long want;
	} rows[] = {
	    {1, 1000, 300000, 1000},    {2, 1000, 300000, 2000},
	    {3, 1000, 300000, 4000},    {9, 1000, 300000, 256000},
	    {10, 1000, 300000, 300000}, {1000000, 1000, 300000, 300000},
	    {0, 1000, 300000, 1000},    {5, 100, 100, 100},
	    {3, 5000, 1000, 1000},      {LLONG_MAX, 100, 86400000, 86400000},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		long long got = kp_exchange_backoff_ms(rows[i].n, rows[i].min, rows[i].max, 0.0);
		if (got != rows[i].want)
			fail_msg("n=%lld min=%lld max=%lld: %lld, expected %lld", rows[i].n, rows[i].min, rows[i].max, got,
			         rows[i].want);
	}
}

/* The jitter takes off at most a quarter, never adds. */
static void jitter_takes_off_a_quarter_at_most(void **state)
{
	(void)state;
	for (long long n = 1; n <= 12; n++) {
		long long full = kp_exchange_backoff_ms(n, 1000, 300000, 0.0);
		for (double j = 0.0; j < 1.0; j += 0.125) {
			long long w = kp_exchange_backoff_ms(n, 1000, 300000, j);
			assert_true(w <= full);
			assert_true(w >= full - full / 4);
		}
		assert_true(kp_exchange_backoff_ms(n, 1000, 300000, 0.999999) > full * 3 / 4 - 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(doubles_then_caps),
	    cmocka_unit_test(jitter_takes_off_a_quarter_at_most),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
