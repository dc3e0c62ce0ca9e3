/* clock.c: wall-clock time with an offset or a frozen instant that tests can set. */
#include "core/clock.h"

#include <stdatomic.h>
#include <time.h>

enum { CLOCK_WALL, CLOCK_OFFSET, CLOCK_FROZEN };

/* Read by every thread, written by tests (and once at start-up by the server). */
static _Atomic int clock_mode = CLOCK_WALL;
static _Atomic int64_t clock_value_ms; /* the offset, or the frozen instant */

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void kp_deadline_after_ms(struct timespec *until, int64_t ms)
{
	clock_gettime(CLOCK_REALTIME, until);
	long long ns = until->tv_nsec + (ms % 1000) * 1000000LL;
	until->tv_sec += (time_t)(ms / 1000 + ns / 1000000000LL);
	until->tv_nsec = (long)(ns % 1000000000LL);
}

int64_t kp_now_ms(void)
{
	switch (atomic_load(&clock_mode)) {
	case CLOCK_OFFSET:
		return wall_ms() + atomic_load(&clock_value_ms);
	case CLOCK_FROZEN:
		return atomic_load(&clock_value_ms);
	default:
		return wall_ms();
	}
}

int64_t kp_now(void)
{
	int64_t ms = kp_now_ms();
	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

int64_t kp_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void kp_clock_freeze(int64_t t)
{
	atomic_store(&clock_value_ms, t * 1000);
	atomic_store(&clock_mode, CLOCK_FROZEN);
}

void kp_clock_start_at(int64_t t)
{
	atomic_store(&clock_value_ms, t * 1000 - wall_ms());
	atomic_store(&clock_mode, CLOCK_OFFSET);
}

void kp_clock_reset(void)
{
	atomic_store(&clock_mode, CLOCK_WALL);
}

int kp_clock_is_set(void)
{
	return atomic_load(&clock_mode) != CLOCK_WALL;
}
