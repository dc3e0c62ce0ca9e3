/* test_clock.c: the one clock (src/core/clock.c): wall time by default, frozen or started
 * at a chosen instant by tests, and back; the monotonic clock is never set. */
#include "kp_test.h"

#include "core/clock.h"

#include <time.h>
#include <unistd.h>

static void wall_by_default(void **state)
{
	(void)state;
	kp_clock_reset();
	assert_false(kp_clock_is_set());
	int64_t s = kp_now(), t = (int64_t)time(NULL);
	assert_true(s >= t - 1 && s <= t + 1);
	int64_t ms = kp_now_ms();
	assert_true(ms / 1000 >= s && ms / 1000 <= s + 1);
}

static void frozen(void **state)
{
	(void)state;
	/* 31 December 2026 23:59:59 in Bishkek (UTC+6) */
	kp_clock_freeze(1798739999);
	assert_true(kp_clock_is_set());
	assert_int_equal(kp_now(), 1798739999);
	assert_int_equal(kp_now_ms(), 1798739999000LL);
	usleep(20000);
	assert_int_equal(kp_now(), 1798739999);
	kp_clock_freeze(0);
	assert_int_equal(kp_now(), 0);
	kp_clock_freeze(-1); /* before the epoch: seconds round down */
	assert_int_equal(kp_now(), -1);
	assert_int_equal(kp_now_ms(), -1000);
	kp_clock_reset();
	assert_false(kp_clock_is_set());
	assert_true(kp_now() > 1700000000);
}

static void started_at_advances(void **state)
{
	(void)state;
	kp_clock_start_at(1798739999);
	int64_t a = kp_now_ms();
	assert_true(a >= 1798739999000LL && a < 1798739999000LL + 1000);
	usleep(1100000);
	int64_t b = kp_now_ms();
	assert_true(b - a >= 1000);
	/* the next year has begun in UTC+6 after that second */
	assert_true(kp_now() >= 1798740000);
	kp_clock_reset();
}

static void monotonic_is_not_set(void **state)
{
	(void)state;
	int64_t a = kp_mono_us();
	kp_clock_freeze(0);
	int64_t b = kp_mono_us();
	kp_clock_reset();
	assert_true(b >= a && b - a < 60 * 1000000LL);
}

/* A worker's deadline is real time ms ahead, normalised, whatever the set clock says. */
static void deadline_is_real_time(void **state)
{
	(void)state;
	kp_clock_freeze(86400);
	static const int64_t ms[] = {0, 1, 999, 1000, 1500, 60000, 123456};
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		struct timespec before, until, after;
		clock_gettime(CLOCK_REALTIME, &before);
		kp_deadline_after_ms(&until, ms[i]);
		clock_gettime(CLOCK_REALTIME, &after);
		assert_true(until.tv_nsec >= 0 && until.tv_nsec < 1000000000L);
		/* between the two readings, ms later */
		int64_t lo = (int64_t)before.tv_sec * 1000000000LL + before.tv_nsec + ms[i] * 1000000LL;
		int64_t hi = (int64_t)after.tv_sec * 1000000000LL + after.tv_nsec + ms[i] * 1000000LL;
		int64_t got = (int64_t)until.tv_sec * 1000000000LL + until.tv_nsec;
		assert_true(lo <= got && got <= hi);
	}
	kp_clock_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(wall_by_default),       cmocka_unit_test(frozen),
	    cmocka_unit_test(started_at_advances),   cmocka_unit_test(monotonic_is_not_set),
	    cmocka_unit_test(deadline_is_real_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
