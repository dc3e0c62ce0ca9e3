/* keys.c: P-256 key pairs through the OpenSSL 3 EVP/OSSL_PARAM API (no EC_KEY), JWK
 * conversion, and passphrase-encrypted PKCS#8 PEM for the private key at rest. */
#include "crypto/keys.h"
#include "crypto/hash.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct kp_key {
	EVP_PKEY *pkey;
	bool is_private;
	char kid[KP_KID_MAX + 1];
};

/* OpenSSL's name for P-256; a writable array because OSSL_PARAM takes char *. */
static char p256_group[] = "prime256v1";

static bool kid_valid(const char *kid, bool allow_empty)
{
	if (kid == NULL)
		return false;
	size_t n = strlen(kid);
	if (n > KP_KID_MAX || (n == 0 && !allow_empty))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)kid[i] < 0x21 || (unsigned char)kid[i] > 0x7e)
			return false;
	return true;
}

static bool is_p256(EVP_PKEY *pkey)
{
	char name[64];
	size_t n = 0;
	if (!EVP_PKEY_is_a(pkey, "EC"))
		return false;
	if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name), &n) != 1)
		return false;
	return strcmp(name, p256_group) == 0;
}

static bool has_private(EVP_PKEY *pkey)
{
	BIGNUM *d = NULL;
	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1)
		return false;
	BN_clear_free(d);
	return true;
}

/* Wraps pkey (ownership moves to the new key); kid must already be valid. */
static kp_key_t *wrap_key(EVP_PKEY *pkey, const char *kid)
{
	kp_key_t *key = kp_calloc(1, sizeof(*key));
	key->pkey = pkey;
	key->is_private = has_private(pkey);
	memcpy(key->kid, kid, strlen(kid) + 1);
	return key;
}

int kp_key_generate(const char *kid, kp_key_t **out)
{
	if (out == NULL || !kid_valid(kid, false))
		return KP_KEY_EINVAL;
	*out = NULL;
	EVP_PKEY *pkey = EVP_EC_gen("P-256");
	if (pkey == NULL) {
		ERR_clear_error();
		return KP_KEY_ECRYPTO;
	}
	*out = wrap_key(pkey, kid);
	return KP_KEY_OK;
}

void kp_key_free(kp_key_t *key)
{
	if (key == NULL)
		return;
	EVP_PKEY_free(key->pkey);
	kp_wipe(key, sizeof(*key));
	free(key);
}

const char *kp_key_kid(const kp_key_t *key)
{
	return key->kid;
}

bool kp_key_is_private(const kp_key_t *key)
{
	return key->is_private;
}

EVP_PKEY *kp_key_evp(const kp_key_t *key)
{
	return key->pkey;
}

/* One affine coordinate of the public point as 43 base64url characters (+ NUL). */
static int coordinate_b64(EVP_PKEY *pkey, const char *name, char out[48])
{
	BIGNUM *bn = NULL;
	unsigned char buf[32];
	int rc = -1;
	if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1)
		goto fail;
	if (BN_bn2binpad(bn, buf, sizeof(buf)) != (int)sizeof(buf))
		goto fail;
	kp_b64url_encode(buf, sizeof(buf), out);
	rc = 0;
fail:
	BN_free(bn);
	return rc;
}

int kp_key_to_jwk(const kp_key_t *key, json_t **out)
{
	char x[48], y[48];
	if (key == NULL || out == NULL)
		return KP_KEY_EINVAL;
	*out = NULL;
	if (coordinate_b64(key->pkey, OSSL_PKEY_PARAM_EC_PUB_X, x) != 0 ||
	    coordinate_b64(key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, y) != 0) {
		ERR_clear_error();
		return KP_KEY_ECRYPTO;
	}
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "EC", "crv", "P-256", "x", x, "y", y, "use", "sig",
	                 "kid", key->kid, "alg", "ES256");
	if (*out == NULL)
		kp_fatal("out of memory building a JWK");
	return KP_KEY_OK;
}

/* A string member of obj, or NULL when absent; *bad is set when present but not a string. */
static const char *member_string(const json_t *obj, const char *name, bool *bad)
{
	json_t *v = json_object_get(obj, name);
	if (v == NULL)
		return NULL;
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

/* A public P-256 key from the uncompressed point 04||x||y; the point is fully checked. */
static EVP_PKEY *pkey_from_point(const unsigned char x[32], const unsigned char y[32])
{
	unsigned char point[65];
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *ctx = NULL, *check = NULL;
	point[0] = 0x04;
	memcpy(point + 1, x, 32);
	memcpy(point + 33, y, 32);
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, p256_group, 0),
	    OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)),
	    OSSL_PARAM_construct_end(),
	};
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto fail;
	check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (check == NULL || EVP_PKEY_public_check(check) != 1)
		goto fail;
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
fail:
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return NULL;
}

int kp_key_from_jwk(const json_t *jwk, kp_key_t **out)
{
	bool bad = false;
	unsigned char x[32], y[32];
	if (out == NULL)
		return KP_KEY_EINVAL;
	*out = NULL;
	if (!json_is_object(jwk))
		return KP_KEY_EINVAL;
	const char *kty = member_string(jwk, "kty", &bad);
	const char *crv = member_string(jwk, "crv", &bad);
	const char *xs = member_string(jwk, "x", &bad);
	const char *ys = member_string(jwk, "y", &bad);
	const char *use = member_string(jwk, "use", &bad);
	const char *alg = member_string(jwk, "alg", &bad);
	const char *kid = member_string(jwk, "kid", &bad);
	if (bad || kty == NULL || crv == NULL || xs == NULL || ys == NULL)
		return KP_KEY_EINVAL;
	if (strcmp(kty, "EC") != 0 || strcmp(crv, "P-256") != 0)
		return KP_KEY_EINVAL;
	if ((use != NULL && strcmp(use, "sig") != 0) || (alg != NULL && strcmp(alg, "ES256") != 0))
		return KP_KEY_EINVAL;
	if (!kid_valid(kid ? kid : "", true))
		return KP_KEY_EINVAL;
	if (kp_b64url_decode(xs, strlen(xs), x, sizeof(x)) != 32 || kp_b64url_decode(ys, strlen(ys), y, sizeof(y)) != 32)
		return KP_KEY_EINVAL;
	EVP_PKEY *pkey = pkey_from_point(x, y);
	if (pkey == NULL)
		return KP_KEY_EINVAL;
	*out = wrap_key(pkey, kid ? kid : "");
	return KP_KEY_OK;
}

static bool passphrase_ok(const char *pass)
{
	if (pass == NULL)
		return false;
	size_t n = strlen(pass);
	return n >= KP_KEY_PASS_MIN && n <= INT_MAX / 2;
}

int kp_key_pem_encode(const kp_key_t *key, const char *passphrase, char **out, size_t *outlen)
{
	int rc = KP_KEY_ECRYPTO;
	unsigned char salt[16];
	PKCS8_PRIV_KEY_INFO *p8inf = NULL;
	X509_ALGOR *pbe = NULL;
	X509_SIG *p8 = NULL;
	BIO *bio = NULL;
	char *data = NULL;
	if (out == NULL || outlen == NULL)
		return KP_KEY_EINVAL;
	*out = NULL;
	*outlen = 0;
	if (key == NULL || !key->is_private || !passphrase_ok(passphrase))
		return KP_KEY_EINVAL;
	if (kp_random_bytes(salt, sizeof(salt)) != 0)
		goto fail;
	if ((p8inf = EVP_PKEY2PKCS8(key->pkey)) == NULL)
		goto fail;
	pbe = PKCS5_pbe2_set_iv(EVP_aes_256_cbc(), KP_KEY_PBKDF2_ITER, salt, sizeof(salt), NULL, NID_hmacWithSHA256);
	if (pbe == NULL)
		goto fail;
	if ((p8 = PKCS8_set0_pbe(passphrase, (int)strlen(passphrase), p8inf, pbe)) == NULL)
		goto fail;
	pbe = NULL; /* owned by p8 now */
	if ((bio = BIO_new(BIO_s_mem())) == NULL || PEM_write_bio_PKCS8(bio, p8) != 1)
		goto fail;
	long n = BIO_get_mem_data(bio, &data);
	if (n <= 0)
		goto fail;
	*out = kp_malloc((size_t)n + 1);
	memcpy(*out, data, (size_t)n);
	(*out)[n] = '\0';
	*outlen = (size_t)n;
	rc = KP_KEY_OK;
fail:
	X509_ALGOR_free(pbe);
	X509_SIG_free(p8);
	PKCS8_PRIV_KEY_INFO_free(p8inf);
	BIO_free(bio);
	if (rc != KP_KEY_OK)
		ERR_clear_error();
	return rc;
}

struct pass_ctx {
	const char *pass;
	size_t len;
	bool asked;
};

/* pem_password_cb: hands OpenSSL the caller's passphrase and notes that one was needed. */
static int pem_pass(char *buf, int size, int rwflag, void *u)
{
	struct pass_ctx *p = u;
	(void)rwflag;
	p->asked = true;
	if (size < 0 || p->len > (size_t)size)
		return -1;
	memcpy(buf, p->pass, p->len);
	return (int)p->len;
}

int kp_key_pem_decode(const char *pem, size_t len, const char *passphrase, const char *kid, kp_key_t **out)
{
	int rc = KP_KEY_EDECRYPT;
	BIO *bio = NULL;
	EVP_PKEY *pkey = NULL;
	if (out == NULL)
		return KP_KEY_EINVAL;
	*out = NULL;
	if (pem == NULL || len > INT_MAX || !passphrase_ok(passphrase) || !kid_valid(kid, false))
		return KP_KEY_EINVAL;
	struct pass_ctx pc = {passphrase, strlen(passphrase), false};
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL) {
		rc = KP_KEY_ECRYPTO;
		goto fail;
	}
	pkey = PEM_read_bio_PrivateKey(bio, NULL, pem_pass, &pc);
	if (pkey == NULL || !pc.asked)
		goto fail;
	if (!is_p256(pkey) || !has_private(pkey)) {
		rc = KP_KEY_EINVAL;
		goto fail;
	}
	*out = wrap_key(pkey, kid);
	pkey = NULL;
	rc = KP_KEY_OK;
fail:
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int kp_key_save(const kp_key_t *key, const char *path, const char *passphrase)
{
	char *pem = NULL, *tmp = NULL;
	size_t len = 0;
	int fd = -1, rc;
	if (path == NULL)
		return KP_KEY_EINVAL;
	if ((rc = kp_key_pem_encode(key, passphrase, &pem, &len)) != KP_KEY_OK)
		return rc;
	rc = KP_KEY_EIO;
	size_t plen = strlen(path);
	tmp = kp_malloc(plen + 8);
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".XXXXXX", 8);
	if ((fd = mkstemp(tmp)) < 0) /* mode 0600 */
		goto fail;
	if (write_all(fd, pem, len) != 0 || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	rc = KP_KEY_OK;
fail:
	if (fd >= 0)
		close(fd);
	if (rc != KP_KEY_OK && tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(pem);
	return rc;
}

int kp_key_load(const char *path, const char *passphrase, const char *kid, kp_key_t **out)
{
	char buf[KP_KEY_PEM_MAX];
	size_t len = 0;
	int rc = KP_KEY_EIO;
	if (out == NULL)
		return KP_KEY_EINVAL;
	*out = NULL;
	if (path == NULL)
		return KP_KEY_EINVAL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return KP_KEY_EIO;
	for (;;) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == sizeof(buf)) /* too large to be a P-256 key */
			goto fail;
	}
	rc = kp_key_pem_decode(buf, len, passphrase, kid, out);
fail:
	close(fd);
	kp_wipe(buf, len);
	return rc;
}

/* The private key as unencrypted PKCS#8 DER, sealed with libsodium's secretbox (XSalsa20-
 * Poly1305) under secret; out: base64url(nonce || box). */
int kp_key_wrap(const kp_key_t *key, const unsigned char secret[32], char **out)
{
	if (!key || !key->is_private || !out)
		return KP_KEY_EINVAL;
	unsigned char *der = NULL;
	int len = i2d_PrivateKey(key->pkey, &der);
	if (len <= 0)
		return KP_KEY_ECRYPTO;
	size_t boxlen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + (size_t)len;
	unsigned char *box = kp_malloc(boxlen);
	int rc = KP_KEY_ECRYPTO;
	if (kp_random_bytes(box, crypto_secretbox_NONCEBYTES) == 0 &&
	    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, der, (unsigned long long)len, box, secret) == 0) {
		*out = kp_malloc(boxlen * 4 / 3 + 4);
		kp_b64url_encode(box, boxlen, *out);
		rc = KP_KEY_OK;
	}
	OPENSSL_clear_free(der, (size_t)len);
	free(box);
	return rc;
}

int kp_key_unwrap(const char *wrapped, const unsigned char secret[32], const char *kid, kp_key_t **out)
{
	if (!wrapped || !out || !kid_valid(kid, false))
		return KP_KEY_EINVAL;
	size_t n = strlen(wrapped);
	if (n > 4096)
		return KP_KEY_EINVAL;
	unsigned char box[4096], der[4096];
	long boxlen = kp_b64url_decode(wrapped, n, box, sizeof(box));
	if (boxlen < (long)(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES))
		return KP_KEY_EINVAL;
	size_t derlen = (size_t)boxlen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	if (crypto_secretbox_open_easy(der, box + crypto_secretbox_NONCEBYTES,
	                               (unsigned long long)boxlen - crypto_secretbox_NONCEBYTES, box, secret) != 0)
		return KP_KEY_EDECRYPT;
	const unsigned char *p = der;
	EVP_PKEY *pkey = d2i_AutoPrivateKey(NULL, &p, (long)derlen);
	kp_wipe(der, sizeof(der));
	if (!pkey)
		return KP_KEY_EDECRYPT;
	if (!is_p256(pkey)) {
		EVP_PKEY_free(pkey);
		return KP_KEY_EINVAL;
	}
	*out = wrap_key(pkey, kid);
	return KP_KEY_OK;
}
