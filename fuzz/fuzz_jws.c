/* fuzz_jws.c: libFuzzer target for kp_jws_verify, the parser that sees QR codes and
 * partners' events. The keyring holds the RFC 7515 A.3 key under no kid and under "1". */
#include "crypto/jws.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kp_key_t *key;

static const kp_key_t *lookup(void *ctx, const char *kid)
{
	(void)ctx;
	return kid == NULL || strcmp(kid, "1") == 0 ? key : NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	json_t *jwk = json_pack("{s:s, s:s, s:s, s:s}", "kty", "EC", "crv", "P-256", "x",
	                        "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y",
	                        "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
	if (jwk == NULL || kp_key_from_jwk(jwk, &key) != KP_KEY_OK)
		abort();
	json_decref(jwk);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kp_jws_t res;
	int rc = kp_jws_verify((const char *)data, size, lookup, NULL, &res);
	if (rc == KP_JWS_OK) {
		/* What a caller relies on after success. */
		if (!json_is_object(res.header) || res.payload == NULL || res.payload[res.payload_len] != '\0' ||
		    res.version < -1 || res.version > KP_JWS_VERSION_MAX)
			abort();
	} else if (rc < KP_JWS_ECRYPTO || res.header != NULL || res.payload != NULL) {
		abort();
	}
	kp_jws_cleanup(&res);
	return 0;
}
