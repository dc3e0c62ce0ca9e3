/* clock.h: the one clock of kapka. kp_now() is wall-clock time unless a test has set it:
 * unit tests freeze it or start it at a chosen instant, and the server does the same when
 * the test-only setting test_clock is given (docs/configuration.md). */
#ifndef KP_CLOCK_H
#define KP_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Current time in seconds and in milliseconds since the epoch (the set clock, if set). */
int64_t kp_now(void);
int64_t kp_now_ms(void);
/* Monotonic clock in microseconds, for durations; never set. */
int64_t kp_mono_us(void);

/* *until = the real (CLOCK_REALTIME) instant ms milliseconds from now, as
 * pthread_cond_timedwait wants it: a worker's sleep between rounds. Never the set clock. */
void kp_deadline_after_ms(struct timespec *until, int64_t ms);

/* Tests only. Freeze the clock at t (epoch seconds): kp_now() returns t until changed. */
void kp_clock_freeze(int64_t t);
/* Tests only. Run the clock from t: kp_now() is t now and advances with real time. */
void kp_clock_start_at(int64_t t);
/* Back to the wall clock. */
void kp_clock_reset(void);
/* True when the clock was set by one of the two calls above. */
int kp_clock_is_set(void);

#endif
