/* fuzz_qr.c: libFuzzer target for the text of a permit's QR code as an officer's scanner
 * or `kapka verify` reads it (src/domain/verdict.c kp_verdict_freight over kp_jws_verify
 * and the permit id parser). The verifier knows the RFC 7515 A.3 key as KG's kid "1" and
 * holds no records (offline). A verdict always has a reason or is valid with claims. */
#include "crypto/jws.h"
#include "domain/permit.h"
#include "domain/verdict.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kp_key_t *key;

static const kp_key_t *lookup(void *ctx, const char *issuer, const char *kid, bool *revoked)
{
	(void)ctx;
	*revoked = false;
	return issuer && strcmp(issuer, "KG") == 0 && kid && strcmp(kid, "1") == 0 ? key : NULL;
}

static bool known(void *ctx, const char *issuer)
{
	(void)ctx;
	return issuer && strcmp(issuer, "KG") == 0;
}

static int listed(void *ctx, const char *id)
{
	(void)ctx;
	return id && id[0] == 'X' ? -1 : 0;
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
	char *qr = malloc(size + 1);
	memcpy(qr, data, size);
	qr[size] = '\0';
	kp_permit_id_t pid;
	if (kp_permit_id_parse(qr, &pid) == 0) {
		char back[40];
		kp_permit_id_format(&pid, back);
		kp_permit_id_t again;
		if (kp_permit_id_parse(back, &again) != 0)
			abort();
	}
	kp_verifier_t vf = {.here = "UZ", .today = 20000, .unknown_issuer = KP_WHY_ISSUER_NOT_LISTED,
	                    .issuer_known = known, .key = lookup, .listed = listed};
	kp_verdict_t v;
	memset(&v, 0, sizeof(v));
	json_t *claims = kp_verdict_freight(qr, &vf, &v, &pid);
	json_t *reasons = kp_verdict_reasons_json(&v);
	if (!json_is_array(reasons))
		abort();
	json_decref(reasons);
	json_decref(claims);
	free(qr);
	return 0;
}
