/* fuzz_jwk.c: libFuzzer target for kp_key_from_jwk, which reads partners' published keys
 * (GET {base}/epermit-configuration). An accepted key must export to the same x and y. */
#include "crypto/keys.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_member(json_t *a, json_t *b, const char *name)
{
	return json_equal(json_object_get(a, name), json_object_get(b, name));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	kp_key_t *key = NULL;
	json_t *out = NULL;
	json_t *jwk = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
	if (jwk == NULL)
		return 0;
	if (kp_key_from_jwk(jwk, &key) == KP_KEY_OK) {
		if (kp_key_is_private(key) || kp_key_to_jwk(key, &out) != KP_KEY_OK ||
		    !same_member(jwk, out, "x") || !same_member(jwk, out, "y"))
			abort();
		json_decref(out);
		kp_key_free(key);
	} else if (key != NULL) {
		abort();
	}
	json_decref(jwk);
	return 0;
}
