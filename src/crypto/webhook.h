/* webhook.h: Standard Webhooks signatures (github.com/standard-webhooks): the content
 * signed is "msg_id.timestamp.body"; "v1" is base64(HMAC-SHA256(secret, content)) with the
 * endpoint's secret "whsec_<base64>", "v1a" base64(Ed25519(content)) with the sender's key
 * (public key published as "whpk_<base64>"). */
#ifndef KP_WEBHOOK_H
#define KP_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

/* A new endpoint secret "whsec_" + base64 of 24 random bytes into out (>= 48 bytes). */
int kp_webhook_secret_new(char *out, size_t len);

/* The webhook-signature header for msg_id, timestamp and body: "v1,<hmac>" and, when
 * ed25519_sk (64 bytes, libsodium's form) is given, " v1a,<sig>". out >= 200 bytes.
 * -1 when the secret is not "whsec_<base64>". *content_digest (65 bytes, may be NULL) gets
 * the SHA-256 hex of the signed content, for the record. */
int kp_webhook_sign(const char *secret, const char *msg_id, int64_t timestamp, const char *body,
                    const unsigned char *ed25519_sk, char *out, size_t len, char *content_digest);

/* The Ed25519 key pair derived from a 32-byte seed; the public key as "whpk_<base64>". */
void kp_webhook_keypair(const unsigned char seed[32], unsigned char pk[32], unsigned char sk[64]);
void kp_webhook_public_text(const unsigned char pk[32], char *out, size_t len);

#endif
