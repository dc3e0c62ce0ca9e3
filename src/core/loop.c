/* loop.c: the worker thread of loop.h. */
#include "core/loop.h"
#include "core/clock.h"
#include "core/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct kp_loop {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop, kicked;
	const long long *period_ms;
	void (*round)(kp_loop_t *l, void *ctx);
	void *ctx;
};

static void *run(void *arg)
{
	kp_loop_t *l = arg;
	for (;;) {
		pthread_mutex_lock(&l->lock);
		if (!l->stop && !l->kicked) {
			struct timespec until;
			kp_deadline_after_ms(&until, *l->period_ms);
			pthread_cond_timedwait(&l->wake, &l->lock, &until);
		}
		bool stop = l->stop;
		l->kicked = false;
		pthread_mutex_unlock(&l->lock);
		if (stop)
			break;
		l->round(l, l->ctx);
	}
	return NULL;
}

kp_loop_t *kp_loop_start(const long long *period_ms, void (*round)(kp_loop_t *l, void *ctx), void *ctx)
{
	kp_loop_t *l = kp_calloc(1, sizeof(*l));
	l->period_ms = period_ms;
	l->round = round;
	l->ctx = ctx;
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->wake, NULL);
	if (pthread_create(&l->thread, NULL, run, l) != 0) {
		pthread_cond_destroy(&l->wake);
		pthread_mutex_destroy(&l->lock);
		free(l);
		return NULL;
	}
	return l;
}

void kp_loop_kick(kp_loop_t *l)
{
	if (l == NULL)
		return;
	pthread_mutex_lock(&l->lock);
	l->kicked = true;
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->lock);
}

bool kp_loop_stopping(kp_loop_t *l)
{
	pthread_mutex_lock(&l->lock);
	bool stop = l->stop;
	pthread_mutex_unlock(&l->lock);
	return stop;
}

void kp_loop_stop(kp_loop_t *l)
{
	if (l == NULL)
		return;
	pthread_mutex_lock(&l->lock);
	l->stop = true;
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->lock);
	pthread_join(l->thread, NULL);
	pthread_cond_destroy(&l->wake);
	pthread_mutex_destroy(&l->lock);
	free(l);
}
