/* webhooks.c: the agency webhook worker (see webhooks.h). */
#include "exchange/webhooks.h"
#include "app/keyring.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/util.h"
#include "crypto/webhook.h"
#include "exchange/client.h"
#include "domain/agency.h"
#include "store/agencies.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEASE_MS 60000
#define BATCH 50
#define BRIDGE_SETTLE_MS 1000
#define ERR_MAX 300

struct kp_webhooks {
	kp_app_t *app;
	kp_loop_t *loop;
	unsigned char sk[64];
};

void kp_webhooks_keypair(kp_app_t *app, unsigned char pk[32], unsigned char sk[64])
{
	unsigned char seed[32];
	kp_keyring_secret(app->keys, "kapka agency webhooks ed25519 v1", seed);
	kp_webhook_keypair(seed, pk, sk);
	kp_wipe(seed, sizeof(seed));
}

/* POST body to url with the Standard Webhooks headers; the HTTP status (0: no answer).
 * Through the exchange's client, so an internal address is refused on every connection. */
static long post(const char *url, const char *id, int64_t ts, const char *sig, const char *body, long timeout_ms,
                 char *err, size_t errlen)
{
	char hid[96], hts[48], hsig[360];
	snprintf(hid, sizeof(hid), "webhook-id: %s", id);
	snprintf(hts, sizeof(hts), "webhook-timestamp: %lld", (long long)ts);
	snprintf(hsig, sizeof(hsig), "webhook-signature: %s", sig);
	struct curl_slist *hs = NULL;
	hs = curl_slist_append(hs, "Content-Type: application/json");
	hs = curl_slist_append(hs, hid);
	hs = curl_slist_append(hs, hts);
	hs = curl_slist_append(hs, hsig);
	long status = 0;
	kp_client_post(url, hs, body, timeout_ms, &status, err, errlen);
	curl_slist_free_all(hs);
	return status;
}

/* Sign (afresh: the timestamp is the attempt's) and send one delivery; record it. */
static void deliver(kp_webhooks_t *w, kp_conn_t *c, const kp_agency_delivery_t *d)
{
	const kp_config_t *cfg = w->app->cfg;
	int64_t ts = kp_now();
	char sig[320], digest[65] = "", err[ERR_MAX] = "";
	long status = 0;
	if (kp_webhook_sign(d->secret, d->event.event_id, ts, d->event.payload, w->sk, sig, sizeof(sig), digest) != 0) {
		snprintf(err, sizeof(err), "the endpoint's secret is not a whsec_ secret");
		snprintf(sig, sizeof(sig), "-");
	} else {
		status = post(d->url, d->event.event_id, ts, sig, d->event.payload, (long)cfg->webhook_timeout_ms, err,
		              sizeof(err));
	}
	bool ok = status >= 200 && status < 300, gone = status == 410;
	if (!ok && !err[0])
		snprintf(err, sizeof(err), "answered %ld", status);
	int64_t next = -1;
	if (!ok && !gone) {
		long long after = kp_agency_retry_after(cfg->webhook_retry_schedule, d->attempts + 1);
		next = after < 0 ? -1 : kp_now_ms() + after * 1000;
	}
	if (kp_store_delivery_attempt(c, d, ts, status, ok ? NULL : err, digest, sig, ok, next, gone) != KP_DB_OK)
		kp_warn("webhook %s: the attempt could not be recorded", d->event.event_id);
	if (!ok)
		kp_warn("webhook %s (%s) to endpoint %lld: %s; %s", d->event.event_id, d->event.type, (long long)d->endpoint_id,
		        err,
		        gone       ? "endpoint disabled (410)"
		        : next < 0 ? "dead-lettered"
		                   : "will retry");
}

static void round_of_work(kp_loop_t *loop, void *ctx)
{
	kp_webhooks_t *w = ctx;
	kp_conn_t *c = kp_store_acquire(w->app->store);
	int done;
	for (int i = 0; i < 20; i++)
		if (kp_store_agency_bridge(c, BRIDGE_SETTLE_MS, 200, &done) != KP_DB_OK || done == 0)
			break;
	for (int rounds = 0; rounds < 20 && !kp_loop_stopping(loop); rounds++) {
		kp_arena_t a;
		kp_arena_init(&a);
		kp_agency_delivery_t *d;
		int n = 0;
		if (kp_store_delivery_claim(c, &a, kp_now_ms(), LEASE_MS, BATCH, &d, &n) == KP_DB_OK)
			for (int i = 0; i < n && !kp_loop_stopping(loop); i++)
				deliver(w, c, &d[i]);
		kp_arena_cleanup(&a);
		if (n == 0)
			break;
	}
	kp_store_release(w->app->store, c);
}

kp_webhooks_t *kp_webhooks_start(kp_app_t *app)
{
	kp_webhooks_t *w = kp_calloc(1, sizeof(*w));
	w->app = app;
	unsigned char pk[32];
	kp_webhooks_keypair(app, pk, w->sk);
	if ((w->loop = kp_loop_start(&app->cfg->webhook_poll_ms, round_of_work, w)) == NULL) {
		kp_wipe(w->sk, sizeof(w->sk));
		free(w);
		return NULL;
	}
	return w;
}

void kp_webhooks_stop(kp_webhooks_t *w)
{
	if (!w)
		return;
	kp_loop_stop(w->loop);
	kp_wipe(w->sk, sizeof(w->sk));
	free(w);
}
