/* worker.c: the notification worker (see notify.h): claims due SMS and email rows with a
 * lease, so several instances on one PostgreSQL database never send one row twice at
 * once, and records each attempt. */
#include "notify/notify.h"
#include "core/log.h"
#include "core/clock.h"
#include "core/loop.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "exchange/exchange.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LEASE_MS 60000
#define BATCH 20
#define ERR_MAX 300

struct kp_notifier {
	kp_app_t *app;
	kp_loop_t *loop;
	int64_t next_sweep; /* ms */
	char owner[40];     /* this process, for the lease */
};

unsigned kp_notify_channels(const kp_config_t *cfg)
{
	unsigned ch = KP_CHANNEL_INAPP;
	if (cfg->sms_url[0])
		ch |= KP_CHANNEL_SMS;
	if (cfg->smtp_url[0] && cfg->smtp_from[0])
		ch |= KP_CHANNEL_EMAIL;
	return ch;
}

static double jitter(void)
{
	unsigned int r = 0;
	kp_random_bytes(&r, sizeof(r));
	return (double)r / 4294967296.0;
}

/* The dlr-url of this attempt at row id into out (NULL when no reports are asked for or the
 * token could not be kept): a fresh random token, only its hash stored. */
static const char *dlr_url(kp_notifier_t *w, kp_conn_t *c, int64_t id, char *out, size_t outlen)
{
	const char *base = w->app->cfg->sms_dlr_base;
	char token[64], hash[65];
	if (!base[0] || kp_random_token(KP_NOTIFY_DLR_TOKEN_BYTES, token, sizeof(token)) != 0)
		return NULL;
	kp_sha256_hex(token, strlen(token), hash);
	if (kp_store_notify_dlr_token(c, id, w->owner, hash) != KP_DB_OK) {
		kp_warn("notification %lld: no delivery report is asked for (the token could not be kept)", (long long)id);
		return NULL;
	}
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	snprintf(out, outlen, "%.*s" KP_NOTIFY_DLR_PATH "%s?type=%%d", (int)n, base, token);
	return out;
}

static void deliver(kp_notifier_t *w, kp_conn_t *c, const kp_notification_t *n)
{
	const kp_config_t *cfg = w->app->cfg;
	char err[ERR_MAX] = "", dlr[640];
	int rc;
	if (strcmp(n->channel, "sms") == 0)
		rc = cfg->sms_url[0] ? kp_notify_send_sms(cfg, n->recipient, n->body, dlr_url(w, c, n->id, dlr, sizeof(dlr)),
		                                          err, sizeof(err))
		                     : -1;
	else
		rc = cfg->smtp_url[0] ? kp_notify_send_email(cfg, n->id, n->recipient, n->subject, n->body, err, sizeof(err))
		                      : -1;
	if (rc != 0 && !err[0])
		snprintf(err, sizeof(err), "no %s gateway is configured", n->channel);
	int64_t now = kp_now_ms(), next = -1;
	if (rc != 0 && n->attempts + 1 < cfg->notify_max_attempts)
		next = now +
		       kp_exchange_backoff_ms(n->attempts + 1, cfg->notify_retry_min_ms, cfg->notify_retry_max_ms, jitter());
	if (kp_store_notify_attempt(c, n->id, w->owner, rc == 0 ? NULL : err, now, next) != KP_DB_OK)
		kp_warn("notification %lld: the attempt could not be recorded", (long long)n->id);
	if (rc != 0)
		kp_warn("notification %lld (%s, %s) not sent: %s; %s", (long long)n->id, n->kind, n->channel, err,
		        next < 0 ? "given up" : "will retry");
}

static void round_of_work(kp_loop_t *loop, void *ctx)
{
	kp_notifier_t *w = ctx;
	kp_conn_t *c = kp_store_acquire(w->app->store);
	if (kp_now_ms() >= w->next_sweep) {
		int due = 0;
		if (kp_store_notify_sweep(c, kp_now(), (int)w->app->cfg->utc_offset_minutes, &due) != KP_DB_OK)
			kp_warn("the expiry sweep of notifications failed; it runs again in notify_sweep_seconds");
		w->next_sweep = kp_now_ms() + w->app->cfg->notify_sweep_seconds * 1000;
	}
	for (int rounds = 0; rounds < 20 && !kp_loop_stopping(loop); rounds++) {
		kp_arena_t a;
		kp_arena_init(&a);
		kp_notification_t *due;
		int n = 0;
		if (kp_store_notify_claim(c, &a, w->owner, kp_now_ms(), LEASE_MS, BATCH, &due, &n) == KP_DB_OK)
			for (int i = 0; i < n && !kp_loop_stopping(loop); i++)
				deliver(w, c, &due[i]);
		kp_arena_cleanup(&a);
		if (n == 0)
			break;
	}
	kp_store_release(w->app->store, c);
}

kp_notifier_t *kp_notify_start(kp_app_t *app)
{
	kp_notifier_t *w = kp_calloc(1, sizeof(*w));
	w->app = app;
	char rnd[24];
	kp_random_token(8, rnd, sizeof(rnd));
	snprintf(w->owner, sizeof(w->owner), "%ld-%s", (long)getpid(), rnd);
	if ((w->loop = kp_loop_start(&app->cfg->notify_poll_ms, round_of_work, w)) == NULL) {
		free(w);
		return NULL;
	}
	return w;
}

void kp_notify_stop(kp_notifier_t *w)
{
	if (!w)
		return;
	kp_loop_stop(w->loop);
	free(w);
}
