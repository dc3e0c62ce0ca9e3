/* test_jws.c: ES256 keys and compact JWS (src/crypto/keys.c, src/crypto/jws.c): round
 * trips, tampering, refused algorithms, the RFC 7515 A.3 vector, JWK and encrypted PEM. */
#include "kp_test.h"

#include "crypto/hash.h"
#include "crypto/jws.h"
#include "crypto/keys.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#define PAYLOAD \
	"{\"id\":\"KG-UZ-2026-1-17\",\"iat\":\"02/03/2026\",\"exp\":\"31/01/2027\"," \
	"\"pn\":\"01KG123ABC\",\"cn\":\"Ала-Тоо Транс\"}"
#define PASS "correct horse battery staple"

/* RFC 7515 Appendix A.3: the ES256 example (public JWK and the JWS it verifies). */
static const char rfc_x[] = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
static const char rfc_y[] = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
static const char
    rfc_jws[] = "eyJhbGciOiJFUzI1NiJ9"
                ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
static const char rfc_payload[] = "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";

/* The lookup callback: one key under one kid (NULL kid matches a key with empty kid). */
struct keyring {
	const kp_key_t *key;
};

static const kp_key_t *lookup(void *ctx, const char *kid)
{
	struct keyring *ring = ctx;
	const char *want = kp_key_kid(ring->key);
	if (kid == NULL)
		return want[0] == '\0' ? ring->key : NULL;
	return strcmp(kid, want) == 0 ? ring->key : NULL;
}

static int setup(void **state)
{
	kp_key_t *key = NULL;
	if (kp_key_generate("1", &key) != 0)
		return -1;
	*state = key;
	return 0;
}

static int teardown(void **state)
{
	kp_key_free(*state);
	return 0;
}

static char *b64(const char *s, size_t n)
{
	char *out = malloc(4 * n / 3 + 4);
	assert_non_null(out);
	kp_b64url_encode((const unsigned char *)s, n, out);
	return out;
}

/* "b64(header).b64(payload).sig" from raw JSON parts; sig is copied as given. */
static char *assemble(const char *header, const char *payload, const char *sig)
{
	char *h = b64(header, strlen(header)), *p = b64(payload, strlen(payload));
	size_t n = strlen(h) + strlen(p) + strlen(sig) + 3;
	char *out = malloc(n);
	assert_non_null(out);
	snprintf(out, n, "%s.%s.%s", h, p, sig);
	free(h);
	free(p);
	return out;
}

static int verify_str(const char *jws, const kp_key_t *key, kp_jws_t *out)
{
	struct keyring ring = {key};
	return kp_jws_verify(jws, strlen(jws), lookup, &ring, out);
}

static int verify_status(const char *jws, const kp_key_t *key)
{
	kp_jws_t res;
	int rc = verify_str(jws, key, &res);
	kp_jws_cleanup(&res);
	return rc;
}

static char *sign(const kp_key_t *key, const char *payload)
{
	char *jws = NULL;
	assert_int_equal(kp_jws_sign(key, NULL, payload, strlen(payload), &jws), KP_JWS_OK);
	assert_non_null(jws);
	return jws;
}

/* Signing gives three parts, the header exactly {"alg":"ES256","kid":"1"}, an 86-character
 * signature, and verifying gives back the payload bytes, the header and the kid. */
static void round_trip(void **state)
{
	const kp_key_t *key = *state;
	char *jws = sign(key, PAYLOAD);
	const char *d1 = strchr(jws, '.'), *d2 = strrchr(jws, '.');
	assert_true(d1 != NULL && d2 != d1 && strchr(d1 + 1, '.') == d2);
	assert_int_equal(strlen(d2 + 1), 86);
	const char *want = "{\"alg\":\"ES256\",\"kid\":\"1\"}";
	char *hdr = b64(want, strlen(want));
	assert_int_equal((size_t)(d1 - jws), strlen(hdr));
	assert_memory_equal(jws, hdr, strlen(hdr));
	free(hdr);

	kp_jws_t res;
	assert_int_equal(verify_str(jws, key, &res), KP_JWS_OK);
	assert_int_equal(res.version, -1);
	assert_string_equal(res.kid, "1");
	assert_int_equal(res.payload_len, strlen(PAYLOAD));
	assert_memory_equal(res.payload, PAYLOAD, strlen(PAYLOAD));
	assert_int_equal(res.payload[res.payload_len], '\0');
	assert_string_equal(json_string_value(json_object_get(res.header, "alg")), "ES256");
	kp_jws_cleanup(&res);
	assert_null(res.header);
	free(jws);

	/* An empty payload is legal JWS. */
	jws = NULL;
	assert_int_equal(kp_jws_sign(key, NULL, "", 0, &jws), KP_JWS_OK);
	assert_int_equal(verify_str(jws, key, &res), KP_JWS_OK);
	assert_int_equal(res.payload_len, 0);
	kp_jws_cleanup(&res);
	free(jws);
}

/* Extra header members follow alg and kid; alg or kid among them is refused. */
static void header_extras(void **state)
{
	const kp_key_t *key = *state;
	char *jws = NULL;
	json_t *extra = json_pack("{s:s}", "typ", "JWT");
	assert_int_equal(kp_jws_sign(key, extra, "{}", 2, &jws), KP_JWS_OK);
	const char *want = "{\"alg\":\"ES256\",\"kid\":\"1\",\"typ\":\"JWT\"}";
	char *hdr = b64(want, strlen(want));
	assert_memory_equal(jws, hdr, strlen(hdr));
	assert_int_equal(jws[strlen(hdr)], '.');
	assert_int_equal(verify_status(jws, key), KP_JWS_OK);
	free(hdr);
	free(jws);
	json_decref(extra);

	const char *bad[] = {"alg", "kid"};
	for (size_t i = 0; i < KP_ROWS(bad); i++) {
		extra = json_pack("{s:s}", bad[i], "x");
		jws = (char *)1;
		assert_int_equal(kp_jws_sign(key, extra, "{}", 2, &jws), KP_JWS_EINVAL);
		assert_null(jws);
		json_decref(extra);
	}
}

/* Any change to header, payload or signature breaks the signature. */
static void tampering_fails(void **state)
{
	const kp_key_t *key = *state;
	char *jws = sign(key, PAYLOAD);
	const char *sig = strrchr(jws, '.') + 1;

	char *t = assemble("{\"alg\":\"ES256\",\"kid\":\"1\"}", "{\"id\":\"KG-UZ-2026-1-18\"}", sig);
	assert_int_equal(verify_status(t, key), KP_JWS_ESIG);
	free(t);
	t = assemble("{\"alg\":\"ES256\",\"kid\":\"1\",\"typ\":\"JWT\"}", PAYLOAD, sig);
	assert_int_equal(verify_status(t, key), KP_JWS_ESIG);
	free(t);

	/* Flip each of a few bits of the decoded signature. */
	unsigned char raw[64];
	assert_int_equal(kp_b64url_decode(sig, strlen(sig), raw, sizeof(raw)), 64);
	const int bits[] = {0, 7, 255, 256, 300, 511};
	for (size_t i = 0; i < KP_ROWS(bits); i++) {
		unsigned char bad[64];
		char enc[90];
		memcpy(bad, raw, 64);
		bad[bits[i] / 8] ^= (unsigned char)(1 << (bits[i] % 8));
		kp_b64url_encode(bad, 64, enc);
		t = strdup(jws);
		memcpy(strrchr(t, '.') + 1, enc, 86);
		int rc = verify_status(t, key);
		assert_int_equal(rc, KP_JWS_ESIG);
		free(t);
	}

	/* A different key under the same kid. */
	kp_key_t *other = NULL;
	assert_int_equal(kp_key_generate("1", &other), KP_KEY_OK);
	assert_int_equal(verify_status(jws, other), KP_JWS_ESIG);
	kp_key_free(other);
	free(jws);
}

static void unknown_kid(void **state)
{
	kp_key_t *k2 = NULL;
	assert_int_equal(kp_key_generate("2", &k2), KP_KEY_OK);
	char *jws = sign(k2, PAYLOAD);
	assert_int_equal(verify_status(jws, *state), KP_JWS_EKID);
	free(jws);
	/* No kid at all, and the keyring wants one. */
	char *t = assemble("{\"alg\":\"ES256\"}", PAYLOAD, "AAAA");
	assert_int_equal(verify_status(t, *state), KP_JWS_ESIG); /* 3-byte signature: length first */
	free(t);
	char sig[90];
	unsigned char raw[64];
	memset(raw, 1, sizeof(raw));
	kp_b64url_encode(raw, 64, sig);
	t = assemble("{\"alg\":\"ES256\"}", PAYLOAD, sig);
	assert_int_equal(verify_status(t, *state), KP_JWS_EKID);
	free(t);
	kp_key_free(k2);
}

/* Only ES256: "none" (with or without a signature), HS256, RS256, es256 are refused. */
static void other_algs_refused(void **state)
{
	const kp_key_t *key = *state;
	char *good = sign(key, PAYLOAD);
	const char *sig = strrchr(good, '.') + 1;
	const char *headers[] = {
	    "{\"alg\":\"none\",\"kid\":\"1\"}",  "{\"alg\":\"HS256\",\"kid\":\"1\"}",  "{\"alg\":\"RS256\",\"kid\":\"1\"}",
	    "{\"alg\":\"es256\",\"kid\":\"1\"}", "{\"alg\":\"ES256 \",\"kid\":\"1\"}", "{\"alg\":\"ES384\",\"kid\":\"1\"}",
	};
	for (size_t i = 0; i < KP_ROWS(headers); i++) {
		char *t = assemble(headers[i], PAYLOAD, sig);
		assert_int_equal(verify_status(t, key), KP_JWS_EALG);
		free(t);
		t = assemble(headers[i], PAYLOAD, "");
		assert_int_equal(verify_status(t, key), KP_JWS_EALG);
		free(t);
	}
	free(good);
}

/* RFC 7515 A.3 verifies with the RFC's public key; its r and s are checked for range. */
static void rfc7515_a3(void **state)
{
	(void)state;
	kp_key_t *key = NULL;
	json_t *jwk = json_pack("{s:s, s:s, s:s, s:s}", "kty", "EC", "crv", "P-256", "x", rfc_x, "y", rfc_y);
	assert_int_equal(kp_key_from_jwk(jwk, &key), KP_KEY_OK);
	json_decref(jwk);
	assert_string_equal(kp_key_kid(key), "");
	assert_false(kp_key_is_private(key));

	kp_jws_t res;
	assert_int_equal(verify_str(rfc_jws, key, &res), KP_JWS_OK);
	assert_null(res.kid);
	assert_int_equal(res.payload_len, strlen(rfc_payload));
	assert_memory_equal(res.payload, rfc_payload, strlen(rfc_payload));
	kp_jws_cleanup(&res);

	/* r = 0, s = 0, r = n and s = n are refused before OpenSSL sees them. */
	static const unsigned char order[32] = {
	    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
	};
	const char *sig = strrchr(rfc_jws, '.') + 1;
	unsigned char raw[64];
	assert_int_equal(kp_b64url_decode(sig, strlen(sig), raw, sizeof(raw)), 64);
	for (int c = 0; c < 4; c++) {
		unsigned char bad[64];
		char enc[90], t[400];
		memcpy(bad, raw, 64);
		if (c < 2)
			memset(bad + 32 * c, 0, 32);
		else
			memcpy(bad + 32 * (c - 2), order, 32);
		kp_b64url_encode(bad, 64, enc);
		snprintf(t, sizeof(t), "%.*s%s", (int)(sig - rfc_jws), rfc_jws, enc);
		assert_int_equal(verify_status(t, key), KP_JWS_ESIG);
	}
	/* 63 and 65 bytes of signature. */
	char enc[100], t[400];
	kp_b64url_encode(raw, 63, enc);
	snprintf(t, sizeof(t), "%.*s%s", (int)(sig - rfc_jws), rfc_jws, enc);
	assert_int_equal(verify_status(t, key), KP_JWS_ESIG);
	unsigned char longer[65] = {0};
	memcpy(longer, raw, 64);
	kp_b64url_encode(longer, 65, enc);
	snprintf(t, sizeof(t), "%.*s%s", (int)(sig - rfc_jws), rfc_jws, enc);
	assert_int_equal(verify_status(t, key), KP_JWS_ESIG);
	kp_key_free(key);
}

/* The 4-part QR form: versions 0 and 1 are accepted and reported, others refused. */
static void four_part_form(void **state)
{
	const kp_key_t *key = *state;
	char *jws = sign(key, PAYLOAD);
	char t[1024];
	kp_jws_t res;
	for (int v = 0; v <= 1; v++) {
		snprintf(t, sizeof(t), "%d.%s", v, jws);
		assert_int_equal(verify_str(t, key, &res), KP_JWS_OK);
		assert_int_equal(res.version, v);
		assert_memory_equal(res.payload, PAYLOAD, strlen(PAYLOAD));
		kp_jws_cleanup(&res);
	}
	const struct {
		const char *prefix;
		int rc;
	} rows[] = {
	    {"2.", KP_JWS_EVERSION},         {"10.", KP_JWS_EVERSION},
	    {"999999999.", KP_JWS_EVERSION}, {"1234567890.", KP_JWS_EMALFORMED},
	    {"x.", KP_JWS_EMALFORMED},       {"-1.", KP_JWS_EMALFORMED},
	    {".", KP_JWS_EMALFORMED},        {"1.1.", KP_JWS_EMALFORMED},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		snprintf(t, sizeof(t), "%s%s", rows[i].prefix, jws);
		assert_int_equal(verify_str(t, key, &res), rows[i].rc);
		assert_null(res.header);
		assert_null(res.payload);
	}
	/* The version is outside the signature but the rest is not. */
	snprintf(t, sizeof(t), "1.%s", jws);
	t[5] ^= 1;
	assert_int_not_equal(verify_status(t, key), KP_JWS_OK);
	free(jws);
}

/* Each kind of damage gets its own code. */
static void malformed(void **state)
{
	const kp_key_t *key = *state;
	const struct {
		const char *jws;
		int rc;
	} rows[] = {
	    {"", KP_JWS_EMALFORMED},
	    {"abc", KP_JWS_EMALFORMED},
	    {"a.b", KP_JWS_EMALFORMED},
	    {"..", KP_JWS_EMALFORMED},
	    {"a.b.c.d.e", KP_JWS_EMALFORMED},
	    {"!!!!.e30.AAAA", KP_JWS_EBASE64},
	    {"eyJ=.e30.AAAA", KP_JWS_EBASE64},
	    {"e.e30.AAAA", KP_JWS_EBASE64},
	    {"bm90IGpzb24.e30.AAAA", KP_JWS_EHEADER},                     /* not json */
	    {"WyJFUzI1NiJd.e30.AAAA", KP_JWS_EHEADER},                    /* ["ES256"] */
	    {"e30.e30.AAAA", KP_JWS_EHEADER},                             /* {} */
	    {"eyJhbGciOjF9.e30.AAAA", KP_JWS_EHEADER},                    /* {"alg":1} */
	    {"eyJhbGciOiJFUzI1NiIsImtpZCI6MX0.e30.AAAA", KP_JWS_EHEADER}, /* kid 1 */
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		kp_jws_t res;
		int rc = verify_str(rows[i].jws, key, &res);
		if (rc != rows[i].rc)
			fail_msg("row %zu (%s): got %d want %d", i, rows[i].jws, rc, rows[i].rc);
	}
	const char *bad_headers[] = {
	    "{\"alg\":\"ES256\",\"alg\":\"ES256\",\"kid\":\"1\"}",
	    "{\"alg\":\"ES256\",\"kid\":\"1\",\"crit\":[\"exp\"]}",
	    "{\"alg\":\"ES256\",\"kid\":\"1\"} x",
	};
	for (size_t i = 0; i < KP_ROWS(bad_headers); i++) {
		char *t = assemble(bad_headers[i], PAYLOAD, "AAAA");
		assert_int_equal(verify_status(t, key), KP_JWS_EHEADER);
		free(t);
	}
	/* Bad base64 in payload and signature. */
	char *jws = sign(key, PAYLOAD);
	char *t = strdup(jws);
	strchr(t, '.')[1] = '*';
	assert_int_equal(verify_status(t, key), KP_JWS_EBASE64);
	strcpy(t, jws);
	strrchr(t, '.')[1] = '=';
	assert_int_equal(verify_status(t, key), KP_JWS_EBASE64);
	free(t);
	free(jws);

	/* Distinct messages, and bad arguments. */
	const int codes[] = {KP_JWS_EMALFORMED, KP_JWS_EBASE64, KP_JWS_EHEADER, KP_JWS_EALG,
	                     KP_JWS_EKID,       KP_JWS_ESIG,    KP_JWS_EVERSION};
	for (size_t i = 0; i < KP_ROWS(codes); i++)
		for (size_t j = i + 1; j < KP_ROWS(codes); j++)
			assert_string_not_equal(kp_jws_strerror(codes[i]), kp_jws_strerror(codes[j]));
	kp_jws_t res;
	assert_int_equal(kp_jws_verify("a.b.c", 5, NULL, NULL, &res), KP_JWS_EINVAL);
}

/* Export, import, and a signature by the private key verifies with the imported one. */
static void jwk_round_trip(void **state)
{
	const kp_key_t *key = *state;
	json_t *jwk = NULL;
	assert_int_equal(kp_key_to_jwk(key, &jwk), KP_KEY_OK);
	const char *order[] = {"kty", "crv", "x", "y", "use", "kid", "alg"};
	size_t i = 0;
	const char *name;
	json_t *value;
	json_object_foreach(jwk, name, value) {
		assert_true(i < KP_ROWS(order));
		assert_string_equal(name, order[i++]);
	}
	assert_int_equal(i, KP_ROWS(order));
	assert_null(json_object_get(jwk, "d"));
	assert_int_equal(json_string_length(json_object_get(jwk, "x")), 43);
	assert_int_equal(json_string_length(json_object_get(jwk, "y")), 43);
	assert_string_equal(json_string_value(json_object_get(jwk, "kid")), "1");

	kp_key_t *pub = NULL;
	assert_int_equal(kp_key_from_jwk(jwk, &pub), KP_KEY_OK);
	assert_false(kp_key_is_private(pub));
	json_t *again = NULL;
	assert_int_equal(kp_key_to_jwk(pub, &again), KP_KEY_OK);
	assert_true(json_equal(jwk, again));
	json_decref(again);
	char *jws = sign(key, PAYLOAD), *none = NULL;
	assert_int_equal(verify_status(jws, pub), KP_JWS_OK);
	assert_int_equal(kp_jws_sign(pub, NULL, "{}", 2, &none), KP_JWS_EINVAL);
	free(jws);
	kp_key_free(pub);
	json_decref(jwk);
}

/* Damaged JWKs are refused; y with its last bit flipped is off the curve. */
static void jwk_refused(void **state)
{
	json_t *jwk = NULL;
	kp_key_t *pub = NULL;
	size_t i;
	assert_int_equal(kp_key_to_jwk(*state, &jwk), KP_KEY_OK);
	char y[64];
	snprintf(y, sizeof(y), "%s", json_string_value(json_object_get(jwk, "y")));
	y[42] = y[42] == 'A' ? 'E' : 'A';
	const struct {
		const char *member;
		json_t *value;
	} rows[] = {
	    {"y", json_string(y)},
	    {"x", json_string("AAAA")},
	    {"x", json_string("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEUA")},
	    {"x", json_integer(1)},
	    {"crv", json_string("P-384")},
	    {"kty", json_string("RSA")},
	    {"alg", json_string("RS256")},
	    {"use", json_string("enc")},
	    {"kid", json_string("bad kid")},
	    {"kid", json_integer(1)},
	};
	for (i = 0; i < KP_ROWS(rows); i++) {
		json_t *bad = json_deep_copy(jwk);
		json_object_set_new(bad, rows[i].member, rows[i].value);
		pub = (kp_key_t *)1;
		if (kp_key_from_jwk(bad, &pub) != KP_KEY_EINVAL)
			fail_msg("row %zu (%s) accepted", i, rows[i].member);
		assert_null(pub);
		json_decref(bad);
	}
	json_t *bad = json_deep_copy(jwk);
	json_object_del(bad, "y");
	assert_int_equal(kp_key_from_jwk(bad, &pub), KP_KEY_EINVAL);
	json_decref(bad);
	json_decref(jwk);
}

static kp_key_t *pem_round(const kp_key_t *key, const char *pass, const char *pass2, int want)
{
	char *pem = NULL;
	size_t len = 0;
	kp_key_t *back = NULL;
	assert_int_equal(kp_key_pem_encode(key, pass, &pem, &len), KP_KEY_OK);
	assert_int_equal(strlen(pem), len);
	assert_non_null(strstr(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
	assert_int_equal(kp_key_pem_decode(pem, len, pass2, "1", &back), want);
	free(pem);
	return back;
}

/* Encrypted PKCS#8 round trip: PBES2, the key signs and verifies; a wrong passphrase or an
 * unencrypted PEM is refused. */
static void pem_encrypted(void **state)
{
	const kp_key_t *key = *state;
	kp_key_t *back = pem_round(key, PASS, PASS, KP_KEY_OK);
	assert_true(kp_key_is_private(back));
	assert_string_equal(kp_key_kid(back), "1");
	json_t *a = NULL, *b = NULL;
	kp_key_to_jwk(key, &a);
	kp_key_to_jwk(back, &b);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	char *jws = sign(back, PAYLOAD);
	assert_int_equal(verify_status(jws, key), KP_JWS_OK);
	free(jws);
	kp_key_free(back);

	assert_null(pem_round(key, PASS, "correct horse battery stable", KP_KEY_EDECRYPT));

	char *pem = NULL;
	size_t len = 0;
	assert_int_equal(kp_key_pem_encode(key, "short", &pem, &len), KP_KEY_EINVAL);
	assert_null(pem);

	/* The PEM's algorithm is PBES2. */
	assert_int_equal(kp_key_pem_encode(key, PASS, &pem, &len), KP_KEY_OK);
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	X509_SIG *p8 = PEM_read_bio_PKCS8(bio, NULL, NULL, NULL);
	assert_non_null(p8);
	const X509_ALGOR *alg = NULL;
	X509_SIG_get0(p8, &alg, NULL);
	const ASN1_OBJECT *oid = NULL;
	X509_ALGOR_get0(&oid, NULL, NULL, alg);
	assert_int_equal(OBJ_obj2nid(oid), NID_pbes2);
	X509_SIG_free(p8);
	BIO_free(bio);
	free(pem);

	/* Unencrypted PKCS#8 is refused even with a passphrase. */
	bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PrivateKey(bio, kp_key_evp(key), NULL, NULL, 0, NULL, NULL), 1);
	char *plain = NULL;
	long n = BIO_get_mem_data(bio, &plain);
	assert_int_equal(kp_key_pem_decode(plain, (size_t)n, PASS, "1", &back), KP_KEY_EDECRYPT);
	assert_null(back);
	BIO_free(bio);
}

/* kp_key_save writes a 0600 file that kp_key_load reads back. */
static void pem_file(void **state)
{
	const kp_key_t *key = *state;
	char dir[256], path[300];
	kp_test_mkdtemp(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/signing.pem", dir);
	assert_int_equal(kp_key_save(key, path, PASS), KP_KEY_OK);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	kp_key_t *back = NULL;
	assert_int_equal(kp_key_load(path, PASS, "k-2026", &back), KP_KEY_OK);
	assert_string_equal(kp_key_kid(back), "k-2026");
	kp_key_free(back);
	assert_int_equal(kp_key_load(path, "wrong passphrase", "1", &back), KP_KEY_EDECRYPT);
	snprintf(path, sizeof(path), "%s/missing.pem", dir);
	assert_int_equal(kp_key_load(path, PASS, "1", &back), KP_KEY_EIO);
	kp_test_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(header_extras, setup, teardown),
	    cmocka_unit_test_setup_teardown(tampering_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(unknown_kid, setup, teardown),
	    cmocka_unit_test_setup_teardown(other_algs_refused, setup, teardown),
	    cmocka_unit_test(rfc7515_a3),
	    cmocka_unit_test_setup_teardown(four_part_form, setup, teardown),
	    cmocka_unit_test_setup_teardown(malformed, setup, teardown),
	    cmocka_unit_test_setup_teardown(jwk_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(jwk_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(pem_encrypted, setup, teardown),
	    cmocka_unit_test_setup_teardown(pem_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
