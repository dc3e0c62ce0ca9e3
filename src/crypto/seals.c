/* seals.c: checking a chain of seals (see seals.h). */
#include "crypto/seals.h"
#include "crypto/hash.h"
#include "crypto/jws.h"

#include <stdlib.h>
#include <string.h>

void kp_seal_digest(const char *jws, char out[65])
{
	kp_sha256_hex(jws, strlen(jws), out);
}

json_t *kp_jws_header_peek(const char *jws)
{
	const char *dot = jws ? strchr(jws, '.') : NULL;
	if (!dot || dot == jws || (size_t)(dot - jws) > 8192)
		return NULL;
	unsigned char buf[6144];
	long got = kp_b64url_decode(jws, (size_t)(dot - jws), buf, sizeof(buf));
	if (got <= 0)
		return NULL;
	json_t *h = json_loadb((const char *)buf, (size_t)got, JSON_REJECT_DUPLICATES, NULL);
	if (h && !json_is_object(h)) {
		json_decref(h);
		h = NULL;
	}
	return h;
}

struct one_key {
	const kp_key_t *key;
};

static const kp_key_t *one_key(void *ctx, const char *kid)
{
	(void)kid;
	return ((struct one_key *)ctx)->key;
}

/* Verifies jws with key; on success *payload gets the decoded object (caller decrefs). */
static int verify_with(const char *jws, const kp_key_t *key, json_t **payload)
{
	kp_jws_t v = {0};
	struct one_key ok = {key};
	int rc = kp_jws_verify(jws, strlen(jws), one_key, &ok, &v);
	*payload = NULL;
	if (rc == KP_JWS_OK) {
		*payload = json_loadb((const char *)v.payload, v.payload_len, JSON_REJECT_DUPLICATES, NULL);
		if (*payload && !json_is_object(*payload)) {
			json_decref(*payload);
			*payload = NULL;
		}
		if (!*payload)
			rc = KP_JWS_EMALFORMED;
	}
	kp_jws_cleanup(&v);
	return rc;
}

static int fail(kp_chain_result_t *res, int i, const char *code, const char *message)
{
	res->broken_at = i;
	res->code = code;
	res->message = message;
	return -1;
}

/* The key of a platform-held party from its cert (checked with pinned) into *owned, and the
 * holder it names. 0, or -1 with the code. */
static int cert_key(const char *cert, kp_pinned_fn pinned, void *ctx, kp_key_t **owned, json_t **claims,
                    const char **code)
{
	json_t *h = kp_jws_header_peek(cert), *peek = kp_jws_peek(cert);
	const char *kid = json_string_value(json_object_get(h, "kid"));
	const char *iss = json_string_value(json_object_get(peek, "iss"));
	const kp_key_t *anchor = kid && iss ? pinned(ctx, iss, kid) : NULL;
	json_decref(h);
	json_decref(peek);
	*code = "UNKNOWN_KEY";
	if (!anchor)
		return -1;
	*code = "BAD_CERT";
	if (verify_with(cert, anchor, claims) != KP_JWS_OK)
		return -1;
	json_t *jwk = json_object_get(*claims, "jwk");
	if (!jwk || kp_key_from_jwk(jwk, owned) != KP_KEY_OK) {
		json_decref(*claims);
		*claims = NULL;
		return -1;
	}
	return 0;
}

/* Whether a cert's claims name the party that sealed (payload). */
static bool cert_fits(json_t *claims, json_t *payload, const char *ref)
{
	const char *role = json_string_value(json_object_get(payload, "role"));
	const char *crole = json_string_value(json_object_get(claims, "role"));
	if (!role || !crole || strcmp(role, crole) != 0)
		return false;
	const char *cref = json_string_value(json_object_get(claims, "ecmr"));
	if (!strcmp(role, "carrier")) /* a carrier's key serves all its notes: the name must match */
		return json_equal(json_object_get(claims, "name"), json_object_get(payload, "party"));
	return cref && !strcmp(cref, ref);
}

/* Checks one seal's signature and claims; 0 or -1 with res filled. */
static int check_seal(const char *ref, const char *doc_digest, const char *jws, int i, const char *prev,
                      kp_pinned_fn pinned, void *ctx, kp_chain_result_t *res)
{
	json_t *h = kp_jws_header_peek(jws), *payload = NULL, *claims = NULL;
	kp_key_t *owned = NULL;
	const kp_key_t *key = NULL;
	int rc = -1;
	if (!h) {
		fail(res, i, "MALFORMED", "a seal is not a compact JWS");
		goto done;
	}
	const char *cert = json_string_value(json_object_get(h, "cert"));
	const char *iss = json_string_value(json_object_get(h, "iss"));
	const char *kid = json_string_value(json_object_get(h, "kid"));
	const char *code = "UNKNOWN_KEY";
	if (cert && cert_key(cert, pinned, ctx, &owned, &claims, &code) == 0)
		key = owned;
	else if (!cert && iss && kid)
		key = pinned(ctx, iss, kid);
	if (!key) {
		fail(res, i, code,
		     !strcmp(code, "BAD_CERT") ? "a seal's key certificate does not verify"
		                               : "a seal is made with a key that is not trusted");
		goto done;
	}
	if (verify_with(jws, key, &payload) != KP_JWS_OK) {
		fail(res, i, "BAD_SIGNATURE", "a seal's signature does not hold");
		goto done;
	}
	json_t *p = json_object_get(payload, "prev");
	if (json_integer_value(json_object_get(payload, "seq")) != i + 1) {
		fail(res, i, "WRONG_SEQUENCE", "the seals are not in their order");
	} else if (!json_is_string(json_object_get(payload, "ecmr")) ||
	           strcmp(json_string_value(json_object_get(payload, "ecmr")), ref) != 0) {
		fail(res, i, "WRONG_PARTY", "a seal belongs to another consignment note");
	} else if (!json_is_string(json_object_get(payload, "doc")) ||
	           strcmp(json_string_value(json_object_get(payload, "doc")), doc_digest) != 0) {
		fail(res, i, "DOCUMENT_CHANGED", "the document is not the one the seals were made over");
	} else if (prev ? !json_is_string(p) || strcmp(json_string_value(p), prev) != 0 : !json_is_null(p)) {
		fail(res, i, "CHAIN_BROKEN", "a seal does not follow the seal before it");
	} else if (claims && !cert_fits(claims, payload, ref)) {
		fail(res, i, "WRONG_PARTY", "a seal's key belongs to another party");
	} else if (iss && !cert && !json_equal(json_object_get(payload, "iss"), json_object_get(h, "iss"))) {
		fail(res, i, "WRONG_PARTY", "a partner's seal names another platform");
	} else {
		rc = 0;
	}
done:
	json_decref(h);
	json_decref(payload);
	json_decref(claims);
	kp_key_free(owned);
	return rc;
}

int kp_chain_verify(const char *ref, const char *doc_digest, const char *const *jws, int n, kp_pinned_fn pinned,
                    void *ctx, kp_chain_result_t *res)
{
	res->broken_at = -1;
	res->code = NULL;
	res->message = NULL;
	char prev[65];
	for (int i = 0; i < n; i++) {
		if (check_seal(ref, doc_digest, jws[i], i, i ? prev : NULL, pinned, ctx, res) != 0)
			return -1;
		kp_seal_digest(jws[i], prev);
	}
	return 0;
}
