/* hash.c: argon2id via libsodium; SHA-256 and randomness via OpenSSL libcrypto. */
#include "crypto/hash.h"
#include "core/util.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

/* The hash unknown users are checked against: one argon2id run (64 MiB), made only by
 * commands that verify passwords (serve makes it at start), not by `kapka verify`. */
static void make_dummy(void)
{
	if (kp_password_hash("kapka-dummy-password", dummy_hash) != 0)
		dummy_hash[0] = '\0';
}

int kp_crypto_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int kp_password_prepare(void)
{
	pthread_once(&dummy_once, make_dummy);
	return dummy_hash[0] ? 0 : -1;
}

int kp_password_hash(const char *password, char out[KP_PWHASH_LEN])
{
	_Static_assert(KP_PWHASH_LEN >= crypto_pwhash_STRBYTES, "hash buffer too small");
	return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                         crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
	           ? 0
	           : -1;
}

int kp_password_verify(const char *hash, const char *password)
{
	if (hash == NULL || strlen(hash) >= crypto_pwhash_STRBYTES)
		return -1;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 0 : -1;
}

void kp_password_dummy_verify(const char *password)
{
	pthread_once(&dummy_once, make_dummy);
	volatile int r = crypto_pwhash_str_verify(dummy_hash, password, strlen(password));
	(void)r;
}

void kp_sha256(const void *data, size_t len, unsigned char out[32])
{
	unsigned int n = 32;
	if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1)
		kp_fatal("SHA-256 failed");
}

void kp_sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[32];
	kp_sha256(data, len, d);
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

int kp_random_bytes(void *buf, size_t n)
{
	return RAND_bytes(buf, (int)n) == 1 ? 0 : -1;
}

int kp_random_token(size_t nbytes, char *out, size_t outlen)
{
	unsigned char buf[128];
	if (nbytes > sizeof(buf) || outlen < 4 * nbytes / 3 + 2)
		return -1;
	if (kp_random_bytes(buf, nbytes) != 0)
		return -1;
	size_t n = kp_b64url_encode(buf, nbytes, out);
	out[n] = '\0';
	kp_wipe(buf, nbytes);
	return 0;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t kp_b64url_encode(const unsigned char *in, size_t n, char *out)
{
	size_t o = 0, i = 0;
	for (; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
		out[o++] = b64[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
	}
	out[o] = '\0';
	return o;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

long kp_b64url_decode(const char *in, size_t n, unsigned char *out, size_t outcap)
{
	if (n % 4 == 1)
		return -1;
	size_t need = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
	if (need > outcap)
		return -1;
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value(in[i]);
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	/* Leftover bits must be zero for a canonical encoding. */
	if (bits && (acc & ((1u << bits) - 1)))
		return -1;
	return (long)o;
}

int kp_str_ct_equal(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	if (na != nb)
		return 0;
	return CRYPTO_memcmp(a, b, na) == 0;
}
