/* webhooks.h: delivering agency events as Standard Webhooks (docs/agencies.md): one thread
 * that turns newly recorded acts into events (the audit-log bridge) and sends due
 * deliveries, in order per endpoint and subject, signed v1 (HMAC, the endpoint's secret)
 * and v1a (Ed25519, kapka's key), retried on the configured schedule, dead-lettered after
 * the last attempt; an endpoint answering 410 is disabled. */
#ifndef KP_WEBHOOKS_H
#define KP_WEBHOOKS_H

#include "app/app.h"

typedef struct kp_webhooks kp_webhooks_t;

kp_webhooks_t *kp_webhooks_start(kp_app_t *app);
/* Stop after the delivery in progress. NULL is allowed. */
void kp_webhooks_stop(kp_webhooks_t *w);

/* kapka's Ed25519 webhook key pair (v1a), derived from the signing-key passphrase. */
void kp_webhooks_keypair(kp_app_t *app, unsigned char pk[32], unsigned char sk[64]);

#endif
