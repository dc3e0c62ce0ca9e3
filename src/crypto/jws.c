/* jws.c: ES256 compact JWS signing and verification; converts between OpenSSL's DER
 * ECDSA-Sig-Value and the fixed 64-byte r||s that JWS carries. */
#include "crypto/jws.h"
#include "crypto/hash.h"
#include "core/util.h"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <stdlib.h>
#include <string.h>

#define SIG_RAW 64
#define SIG_B64 86

/* The order n of the P-256 group, big-endian; r and s must lie in [1, n-1]. */
static const unsigned char p256_order[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

const char *kp_jws_strerror(int status)
{
	switch (status) {
	case KP_JWS_OK:
		return "ok";
	case KP_JWS_EMALFORMED:
		return "malformed JWS";
	case KP_JWS_EBASE64:
		return "bad base64url in JWS";
	case KP_JWS_EHEADER:
		return "bad JWS header";
	case KP_JWS_EALG:
		return "unsupported JWS algorithm";
	case KP_JWS_EKID:
		return "unknown key id";
	case KP_JWS_ESIG:
		return "invalid signature";
	case KP_JWS_EVERSION:
		return "unsupported version";
	case KP_JWS_EINVAL:
		return "invalid argument";
	case KP_JWS_ECRYPTO:
		return "cryptographic library failure";
	default:
		return "unknown JWS error";
	}
}

/* The protected header as compact JSON: alg, kid, then the extra members. */
static int header_json(const kp_key_t *key, json_t *extra, char **out)
{
	const char *name;
	json_t *value;
	json_t *hdr = json_pack("{s:s, s:s}", "alg", "ES256", "kid", kp_key_kid(key));
	if (hdr == NULL)
		kp_fatal("out of memory building a JWS header");
	if (extra != NULL) {
		if (!json_is_object(extra) || json_object_get(extra, "alg") || json_object_get(extra, "kid")) {
			json_decref(hdr);
			return KP_JWS_EINVAL;
		}
		json_object_foreach(extra, name, value) {
			if (json_object_set(hdr, name, value) != 0)
				kp_fatal("out of memory building a JWS header");
		}
	}
	*out = json_dumps(hdr, JSON_COMPACT);
	json_decref(hdr);
	if (*out == NULL)
		kp_fatal("out of memory serialising a JWS header");
	return KP_JWS_OK;
}

/* ECDSA over SHA-256 of input; the DER signature is turned into r||s (32 bytes each). */
static int sign_raw(EVP_PKEY *pkey, const char *input, size_t len, unsigned char raw[SIG_RAW])
{
	int rc = KP_JWS_ECRYPTO;
	unsigned char der[128];
	size_t derlen = sizeof(der);
	ECDSA_SIG *sig = NULL;
	const BIGNUM *r, *s;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestSignInit_ex(md, NULL, "SHA256", NULL, NULL, pkey, NULL) != 1)
		goto fail;
	if (EVP_DigestSign(md, der, &derlen, (const unsigned char *)input, len) != 1)
		goto fail;
	const unsigned char *p = der;
	if ((sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) == NULL)
		goto fail;
	ECDSA_SIG_get0(sig, &r, &s);
	if (BN_bn2binpad(r, raw, 32) != 32 || BN_bn2binpad(s, raw + 32, 32) != 32)
		goto fail;
	rc = KP_JWS_OK;
fail:
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	if (rc != KP_JWS_OK)
		ERR_clear_error();
	return rc;
}

int kp_jws_sign(const kp_key_t *key, json_t *extra_header, const void *payload, size_t len, char **out)
{
	char *hdr = NULL, *buf = NULL;
	unsigned char raw[SIG_RAW];
	int rc;
	if (out == NULL)
		return KP_JWS_EINVAL;
	*out = NULL;
	if (key == NULL || !kp_key_is_private(key) || (payload == NULL && len > 0) || len > KP_JWS_MAX_LEN)
		return KP_JWS_EINVAL;
	if ((rc = header_json(key, extra_header, &hdr)) != KP_JWS_OK)
		return rc;
	size_t hlen = strlen(hdr);
	if (hlen > KP_JWS_MAX_LEN) {
		rc = KP_JWS_EINVAL;
		goto fail;
	}
	/* Both lengths are capped, so the sum cannot overflow. */
	size_t cap = (hlen / 3 + 1) * 4 + 1 + (len / 3 + 1) * 4 + 1 + SIG_B64 + 1;
	buf = kp_malloc(cap);
	size_t n = kp_b64url_encode((const unsigned char *)hdr, hlen, buf);
	buf[n++] = '.';
	n += kp_b64url_encode(payload, len, buf + n);
	if ((rc = sign_raw(kp_key_evp(key), buf, n, raw)) != KP_JWS_OK)
		goto fail;
	buf[n++] = '.';
	kp_b64url_encode(raw, sizeof(raw), buf + n);
	*out = buf;
	buf = NULL;
	rc = KP_JWS_OK;
fail:
	free(hdr);
	free(buf);
	return rc;
}

struct span {
	const char *p;
	size_t n;
};

/* Splits at '.' into 3 or 4 parts; anything else is malformed. */
static int split_parts(const char *s, size_t len, struct span parts[4], int *count)
{
	int k = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (k == 4)
			return KP_JWS_EMALFORMED;
		parts[k].p = s + start;
		parts[k].n = i - start;
		k++;
		start = i + 1;
	}
	if (k < 3)
		return KP_JWS_EMALFORMED;
	*count = k;
	return KP_JWS_OK;
}

/* The leading version: 1 to 9 decimal digits, then it must be 0..KP_JWS_VERSION_MAX. */
static int parse_version(struct span v, int *version)
{
	long value = 0;
	if (v.n == 0 || v.n > 9)
		return KP_JWS_EMALFORMED;
	for (size_t i = 0; i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return KP_JWS_EMALFORMED;
		value = value * 10 + (v.p[i] - '0');
	}
	if (value > KP_JWS_VERSION_MAX)
		return KP_JWS_EVERSION;
	*version = (int)value;
	return KP_JWS_OK;
}

/* Decodes a base64url part into a new buffer with a NUL after the bytes. */
static int decode_part(struct span part, unsigned char **out, size_t *outlen)
{
	size_t cap = part.n / 4 * 3 + 3;
	unsigned char *buf = kp_malloc(cap + 1);
	long n = kp_b64url_decode(part.p, part.n, buf, cap);
	if (n < 0) {
		free(buf);
		return KP_JWS_EBASE64;
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = (size_t)n;
	return KP_JWS_OK;
}

/* Parses and checks the protected header; on success *header is a new reference. */
static int parse_header(struct span part, json_t **header, const char **kid)
{
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	json_error_t err;
	int rc = decode_part(part, &raw, &rawlen);
	if (rc != KP_JWS_OK)
		return rc;
	json_t *h = json_loadb((const char *)raw, rawlen, JSON_REJECT_DUPLICATES, &err);
	free(raw);
	rc = KP_JWS_EHEADER;
	if (!json_is_object(h))
		goto fail;
	json_t *alg = json_object_get(h, "alg");
	json_t *k = json_object_get(h, "kid");
	if (!json_is_string(alg) || (k != NULL && !json_is_string(k)) || json_object_get(h, "crit"))
		goto fail;
	if (strcmp(json_string_value(alg), "ES256") != 0 || json_string_length(alg) != 5) {
		rc = KP_JWS_EALG;
		goto fail;
	}
	*header = h;
	*kid = k ? json_string_value(k) : NULL;
	return KP_JWS_OK;
fail:
	json_decref(h);
	return rc;
}

/* Checks the raw r||s against input with pkey. */
static int verify_raw(EVP_PKEY *pkey, const char *input, size_t len, const unsigned char raw[SIG_RAW])
{
	static const unsigned char zero[32];
	int rc = KP_JWS_ESIG;
	unsigned char *der = NULL;
	ECDSA_SIG *sig = NULL;
	BIGNUM *r = NULL, *s = NULL;
	EVP_MD_CTX *md = NULL;
	for (int i = 0; i < 2; i++)
		if (memcmp(raw + 32 * i, zero, 32) == 0 || memcmp(raw + 32 * i, p256_order, 32) >= 0)
			return KP_JWS_ESIG;
	rc = KP_JWS_ECRYPTO;
	r = BN_bin2bn(raw, 32, NULL);
	s = BN_bin2bn(raw + 32, 32, NULL);
	if (r == NULL || s == NULL || (sig = ECDSA_SIG_new()) == NULL || ECDSA_SIG_set0(sig, r, s) != 1)
		goto fail;
	r = s = NULL; /* owned by sig */
	int derlen = i2d_ECDSA_SIG(sig, &der);
	if (derlen <= 0)
		goto fail;
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestVerifyInit_ex(md, NULL, "SHA256", NULL, NULL, pkey, NULL) != 1)
		goto fail;
	int ok = EVP_DigestVerify(md, der, (size_t)derlen, (const unsigned char *)input, len);
	rc = ok == 1 ? KP_JWS_OK : KP_JWS_ESIG;
fail:
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	BN_free(r);
	BN_free(s);
	ERR_clear_error();
	return rc;
}

int kp_jws_verify(const char *jws, size_t len, kp_jws_key_fn lookup, void *ctx, kp_jws_t *out)
{
	struct span parts[4];
	int count = 0, rc;
	unsigned char *sig = NULL;
	size_t siglen = 0;
	if (out == NULL)
		return KP_JWS_EINVAL;
	memset(out, 0, sizeof(*out));
	out->version = -1;
	if (jws == NULL || lookup == NULL)
		return KP_JWS_EINVAL;
	if (len > KP_JWS_MAX_LEN || split_parts(jws, len, parts, &count) != KP_JWS_OK)
		return KP_JWS_EMALFORMED;
	const struct span *p = parts + (count - 3);
	if (count == 4 && (rc = parse_version(parts[0], &out->version)) != KP_JWS_OK)
		goto fail;
	rc = KP_JWS_EMALFORMED;
	if (p[0].n == 0)
		goto fail;
	if ((rc = parse_header(p[0], &out->header, &out->kid)) != KP_JWS_OK)
		goto fail;
	if ((rc = decode_part(p[1], &out->payload, &out->payload_len)) != KP_JWS_OK)
		goto fail;
	if ((rc = decode_part(p[2], &sig, &siglen)) != KP_JWS_OK)
		goto fail;
	rc = KP_JWS_ESIG;
	if (siglen != SIG_RAW)
		goto fail;
	const kp_key_t *key = lookup(ctx, out->kid);
	rc = KP_JWS_EKID;
	if (key == NULL)
		goto fail;
	/* The signing input is `header.payload` exactly as received. */
	size_t inlen = (size_t)(p[1].p + p[1].n - p[0].p);
	if ((rc = verify_raw(kp_key_evp(key), p[0].p, inlen, sig)) != KP_JWS_OK)
		goto fail;
	free(sig);
	return KP_JWS_OK;
fail:
	free(sig);
	kp_jws_cleanup(out);
	return rc;
}

void kp_jws_cleanup(kp_jws_t *jws)
{
	if (jws == NULL)
		return;
	json_decref(jws->header);
	free(jws->payload);
	memset(jws, 0, sizeof(*jws));
	jws->version = -1;
}

json_t *kp_jws_peek(const char *qr)
{
	const char *parts[5];
	int n = 0;
	parts[n++] = qr;
	for (const char *p = qr; *p && n < 5; p++)
		if (*p == '.')
			parts[n++] = p + 1;
	if (n != 3 && n != 4)
		return NULL;
	const char *payload = parts[n - 2];
	size_t len = (size_t)(parts[n - 1] - payload - 1);
	unsigned char buf[KP_JWS_PEEK_MAX];
	long got = kp_b64url_decode(payload, len, buf, sizeof(buf) - 1);
	if (got < 0)
		return NULL;
	json_t *j = json_loadb((const char *)buf, (size_t)got, JSON_REJECT_DUPLICATES, NULL);
	if (j && !json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}
