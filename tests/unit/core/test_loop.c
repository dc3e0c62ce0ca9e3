/* test_loop.c: the worker thread of src/core/loop.c: with a period of an hour, rounds run
 * only when kicked, each kick at least one round; a round sees the stop asked; stop waits
 * for the round in progress. */
#include "kp_test.h"

#include "core/loop.h"

#include <pthread.h>
#include <time.h>

struct counter {
	pthread_mutex_t lock;
	int rounds;
	bool saw_stop;
	bool slow; /* the round waits until the loop is stopping */
};

static void count_round(kp_loop_t *l, void *ctx)
{
	struct counter *c = ctx;
	pthread_mutex_lock(&c->lock);
	c->rounds++;
	bool slow = c->slow;
	pthread_mutex_unlock(&c->lock);
	while (slow && !kp_loop_stopping(l)) {
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	if (slow) {
		pthread_mutex_lock(&c->lock);
		c->saw_stop = true;
		pthread_mutex_unlock(&c->lock);
	}
}

static int rounds_of(struct counter *c)
{
	pthread_mutex_lock(&c->lock);
	int n = c->rounds;
	pthread_mutex_unlock(&c->lock);
	return n;
}

/* Wait (at most 10 s) until the loop ran at least n rounds. */
static void await_rounds(struct counter *c, int n)
{
	for (int i = 0; i < 10000 && rounds_of(c) < n; i++) {
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	if (rounds_of(c) < n)
		fail_msg("the loop ran %d rounds, expected %d", rounds_of(c), n);
}

static void kicks_run_rounds(void **state)
{
	(void)state;
	static const long long hour = 3600000;
	struct counter c = {.lock = PTHREAD_MUTEX_INITIALIZER};
	kp_loop_t *l = kp_loop_start(&hour, count_round, &c);
	assert_non_null(l);
	assert_int_equal(rounds_of(&c), 0);
	kp_loop_kick(l);
	await_rounds(&c, 1);
	kp_loop_kick(l);
	await_rounds(&c, 2);
	assert_false(kp_loop_stopping(l));
	kp_loop_stop(l);
	kp_loop_kick(NULL);
	kp_loop_stop(NULL);
}

static void stop_waits_for_the_round(void **state)
{
	(void)state;
	static const long long hour = 3600000;
	struct counter c = {.lock = PTHREAD_MUTEX_INITIALIZER, .slow = true};
	kp_loop_t *l = kp_loop_start(&hour, count_round, &c);
	kp_loop_kick(l);
	await_rounds(&c, 1);
	kp_loop_stop(l); /* returns only once the slow round saw the stop and ended */
	assert_true(c.saw_stop);
	assert_int_equal(c.rounds, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(kicks_run_rounds),
	    cmocka_unit_test(stop_waits_for_the_round),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
