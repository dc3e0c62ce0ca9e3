/* webhook.c: Standard Webhooks signatures (see webhook.h). */
#include "crypto/webhook.h"
#include "crypto/hash.h"
#include "core/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "whsec_"

int kp_webhook_secret_new(char *out, size_t len)
{
	unsigned char key[24];
	if (len < 48 || kp_random_bytes(key, sizeof(key)) != 0)
		return -1;
	memcpy(out, PREFIX, strlen(PREFIX));
	sodium_bin2base64(out + strlen(PREFIX), len - strlen(PREFIX), key, sizeof(key), sodium_base64_VARIANT_ORIGINAL);
	kp_wipe(key, sizeof(key));
	return 0;
}

int kp_webhook_sign(const char *secret, const char *msg_id, int64_t timestamp, const char *body,
                    const unsigned char *ed25519_sk, char *out, size_t len, char *content_digest)
{
	if (!secret || strncmp(secret, PREFIX, strlen(PREFIX)) != 0 || len < 200)
		return -1;
	unsigned char key[128];
	size_t keylen;
	const char *b64 = secret + strlen(PREFIX);
	if (sodium_base642bin(key, sizeof(key), b64, strlen(b64), NULL, &keylen, NULL, sodium_base64_VARIANT_ORIGINAL) !=
	        0 ||
	    keylen == 0)
		return -1;
	int hl = snprintf(NULL, 0, "%s.%lld.", msg_id, (long long)timestamp);
	size_t blen = strlen(body), clen = (size_t)hl + blen;
	unsigned char *content = kp_malloc(clen + 1);
	snprintf((char *)content, (size_t)hl + 1, "%s.%lld.", msg_id, (long long)timestamp);
	memcpy(content + hl, body, blen);
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, content, clen);
	crypto_auth_hmacsha256_final(&st, mac);
	kp_wipe(key, sizeof(key));
	char mac64[64];
	sodium_bin2base64(mac64, sizeof(mac64), mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
	int n = snprintf(out, len, "v1,%s", mac64);
	if (ed25519_sk) {
		unsigned char sig[crypto_sign_BYTES];
		char sig64[100];
		crypto_sign_detached(sig, NULL, content, clen, ed25519_sk);
		sodium_bin2base64(sig64, sizeof(sig64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
		snprintf(out + n, len - (size_t)n, " v1a,%s", sig64);
	}
	if (content_digest)
		kp_sha256_hex(content, clen, content_digest);
	free(content);
	return 0;
}

void kp_webhook_keypair(const unsigned char seed[32], unsigned char pk[32], unsigned char sk[64])
{
	crypto_sign_seed_keypair(pk, sk, seed);
}

void kp_webhook_public_text(const unsigned char pk[32], char *out, size_t len)
{
	int n = snprintf(out, len, "whpk_");
	sodium_bin2base64(out + n, len - (size_t)n, pk, 32, sodium_base64_VARIANT_ORIGINAL);
}
