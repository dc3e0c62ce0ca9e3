/* worker.c: delivering the outbox. One thread; per partner the events go strictly in
 * chain order: the head is retried with exponential back-off until the partner takes it,
 * and nothing after it is sent before. */
#include "exchange/exchange.h"
#include "app/keyring.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "exchange/client.h"
#include "exchange/gson.h"
#include "store/exchange.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LEASE_MS 30000
#define KEY_RELOAD_MS 5000

struct kp_exchange {
	kp_app_t *app;
	kp_loop_t *loop;
	int64_t next_key_reload; /* ms */
	char owner[40];          /* this process, for the delivery lease */
};

long long kp_exchange_backoff_ms(long long n, long long min_ms, long long max_ms, double jitter)
{
	long long wait = min_ms;
	for (long long i = 1; i < n && wait < max_ms; i++)
		wait *= 2;
	if (wait > max_ms)
		wait = max_ms;
	return wait - (long long)((double)wait * 0.25 * jitter);
}

static double jitter(void)
{
	unsigned int r = 0;
	kp_random_bytes(&r, sizeof(r));
	return (double)r / 4294967296.0;
}

/* Chain the event on the last one the partner took: normally the one queued before it,
 * but after an event set aside (or one retried late) the last delivered. */
static int rechain(kp_conn_t *c, const kp_outbox_event_t *e, json_t *claims)
{
	kp_arena_t a;
	kp_arena_init(&a);
	const char *prev;
	int rc = kp_store_outbox_last_delivered(c, &a, e->partner, &prev) == KP_DB_OK ? 0 : -1;
	if (rc == 0 && strcmp(prev, e->previous_event_id) != 0) {
		json_object_set_new(claims, "previous_event_id", json_string(prev));
		char *text = json_dumps(claims, JSON_COMPACT);
		rc = kp_store_outbox_rechain(c, e->id, prev, text) == KP_DB_OK ? 0 : -1;
		free(text);
	}
	kp_arena_cleanup(&a);
	return rc;
}

/* Sign Gson's bytes of the event and send them with the detached proof; record the
 * outcome. Returns true when delivered. */
static bool deliver_one(kp_exchange_t *x, kp_conn_t *c, const char *url, const kp_outbox_event_t *e)
{
	const kp_config_t *cfg = x->app->cfg;
	char *jws = NULL, *proof = NULL, *body = NULL, err[512] = "", code[64] = "";
	long status = 0;
	int64_t now = kp_now_ms();
	kp_event_type_t type = kp_event_type_parse(e->event_type);
	json_t *claims = json_loads(e->claims, 0, NULL);
	if (claims && type != KP_EV_UNKNOWN && rechain(c, e, claims) == 0)
		body = kp_gson_event(claims, type, NULL);
	/* pinned to a key the partner has been told is revoked (a dead letter retried late):
	 * the current key, which the partner learnt before that */
	const char *kid = e->signing_kid && kp_store_key_revocation_delivered(c, e->partner, e->signing_kid)
	                      ? NULL
	                      : e->signing_kid;
	if (body == NULL)
		snprintf(err, sizeof(err), "the stored event cannot be read");
	else if (kp_keyring_sign(x->app->keys, c, kid, body, &jws) != 0 || (proof = kp_gson_detach(jws)) == NULL)
		snprintf(err, sizeof(err), "cannot sign with key %s", e->signing_kid ? e->signing_kid : "(current)");
	else
		kp_client_post_event(url, kp_event_type_path(type), body, proof, (long)cfg->exchange_timeout_ms, &status, code,
		                     sizeof(code), err, sizeof(err));
	/* already there: an earlier attempt arrived but its answer was lost */
	bool ok = status == 200 || (status == 422 && strcmp(code, "EVENT_ALREADY_EXISTS") == 0);
	if (ok)
		kp_store_outbox_delivered(c, e->id, proof, kp_now_ms());
	else {
		long long wait = kp_exchange_backoff_ms(e->attempts + 1, cfg->exchange_retry_min_ms, cfg->exchange_retry_max_ms,
		                                        jitter());
		/* a refusal (4xx) is counted toward setting the event aside; no answer or 5xx is not */
		bool refused = status >= 400 && status < 500 && status != 408 && status != 429;
		kp_store_outbox_failed(c, e->id, proof, err[0] ? err : "no answer", kp_now_ms(), now + wait, refused,
		                       (int)cfg->exchange_max_refusals);
		kp_warn("event %s (%s) to %s not delivered: %s; next attempt in %lld ms", e->event_id, e->event_type,
		        e->partner, err[0] ? err : "no answer", wait);
	}
	json_decref(claims);
	free(body);
	free(proof);
	free(jws);
	return ok;
}

/* Send partner's due events in order until one fails or none is left. */
static void deliver_partner(kp_exchange_t *x, kp_loop_t *loop, kp_conn_t *c, const char *partner)
{
	kp_arena_t a;
	kp_arena_init(&a);
	const char *url;
	if (kp_store_chain_lease(c, partner, x->owner, kp_now_ms(), LEASE_MS) != KP_DB_OK ||
	    kp_store_partner_link(c, &a, partner, &url) != KP_DB_OK || url == NULL)
		goto done;
	for (int sent = 0; sent < 1000 && !kp_loop_stopping(loop); sent++) {
		kp_arena_t ea;
		kp_arena_init(&ea);
		kp_outbox_event_t e;
		bool go = kp_store_outbox_next(c, &ea, partner, &e) == KP_DB_OK && e.next_attempt_at <= kp_now_ms() &&
		          deliver_one(x, c, url, &e);
		kp_arena_cleanup(&ea);
		if (!go)
			break;
	}
done:
	kp_arena_cleanup(&a);
}

/* Partners whose keys changed (KEY_CREATED): fetch their configuration again. */
static void refetch(kp_exchange_t *x, kp_conn_t *c)
{
	kp_arena_t a;
	kp_arena_init(&a);
	const char **codes;
	int n;
	if (kp_store_partner_refetch_due(c, &a, &codes, &n) == KP_DB_OK)
		for (int i = 0; i < n; i++) {
			const char *url, *why;
			char code[KP_AUTHORITY_CODE_MAX + 1], err[512];
			kp_actor_t who = {0, "kapka", NULL, NULL};
			if (kp_store_partner_link(c, &a, codes[i], &url) == KP_DB_OK && url &&
			    kp_exchange_handshake(x->app, c, &who, url, codes[i], code, &why, err, sizeof(err)) != 0)
				kp_warn("fetching %s's configuration again failed: %s", codes[i], err);
		}
	kp_arena_cleanup(&a);
}

static void round_of_work(kp_loop_t *loop, void *ctx)
{
	kp_exchange_t *x = ctx;
	kp_conn_t *c = kp_store_acquire(x->app->store);
	if (kp_now_ms() >= x->next_key_reload) {
		kp_keyring_reload(x->app->keys, c); /* a key made by `kapka keygen` or another instance */
		x->next_key_reload = kp_now_ms() + KEY_RELOAD_MS;
		refetch(x, c);
	}
	kp_arena_t a;
	kp_arena_init(&a);
	const char **partners;
	int n;
	if (kp_store_outbox_due(c, &a, kp_now_ms(), &partners, &n) == KP_DB_OK)
		for (int i = 0; i < n; i++)
			deliver_partner(x, loop, c, partners[i]);
	kp_arena_cleanup(&a);
	kp_store_release(x->app->store, c);
}

kp_exchange_t *kp_exchange_start(kp_app_t *app)
{
	kp_exchange_t *x = kp_calloc(1, sizeof(*x));
	x->app = app;
	x->next_key_reload = kp_now_ms() + KEY_RELOAD_MS;
	char rnd[24];
	kp_random_token(8, rnd, sizeof(rnd));
	snprintf(x->owner, sizeof(x->owner), "%ld-%s", (long)getpid(), rnd);
	if ((x->loop = kp_loop_start(&app->cfg->exchange_poll_ms, round_of_work, x)) == NULL) {
		free(x);
		return NULL;
	}
	return x;
}

void kp_exchange_kick(kp_exchange_t *x)
{
	if (x != NULL)
		kp_loop_kick(x->loop);
}

void kp_exchange_stop(kp_exchange_t *x)
{
	if (x == NULL)
		return;
	kp_loop_stop(x->loop);
	kp_conn_t *c = kp_store_acquire(x->app->store);
	kp_store_chain_release(c, x->owner);
	kp_store_release(x->app->store, c);
	free(x);
}
