/* exchange.h: the partner exchange as it runs in the server: the handshake with a
 * partner's public API, and the worker that delivers the outbox (docs/e-permit.md). */
#ifndef KP_EXCHANGE_H
#define KP_EXCHANGE_H

#include "app/app.h"
#include "domain/event.h"

/* Fetch the configuration at url and store the partner's code, name, address and keys
 * (expect_code: the code it must have, or NULL for a new partner). On failure returns -1
 * with *errcode (partner_unreachable, partner_configuration_invalid, KEYID_ALREADY_EXISTS)
 * and err; the failure is recorded on a known partner. code gets the partner's code. */
int kp_exchange_handshake(kp_app_t *app, kp_conn_t *c, const kp_actor_t *who, const char *url, const char *expect_code,
                          char code[KP_AUTHORITY_CODE_MAX + 1], const char **errcode, char *err, size_t errlen);

/* Call the partner's GET {base}/healthcheck with a JWT as the reference does and compare
 * its last event ids with ours: {ok, problem?, remote, local, authority, checked_at}.
 * Never NULL; the caller decrefs. */
json_t *kp_exchange_healthcheck(kp_app_t *app, kp_conn_t *c, const char *code);

typedef struct kp_exchange kp_exchange_t;
/* Start the delivery worker (one thread). */
kp_exchange_t *kp_exchange_start(kp_app_t *app);
/* Wake the worker now (events were queued). */
void kp_exchange_kick(kp_exchange_t *x);
/* Stop it after the delivery in progress. */
void kp_exchange_stop(kp_exchange_t *x);

/* The wait before attempt n+1 after n failures: min * 2^(n-1), capped at max, with up to
 * a quarter of jitter taken off (jitter in [0,1)). Pure; exposed for tests. */
long long kp_exchange_backoff_ms(long long n, long long min_ms, long long max_ms, double jitter);

#endif
