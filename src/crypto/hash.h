/* hash.h: password hashing (argon2id), SHA-256, random tokens, base64url. */
#ifndef KP_HASH_H
#define KP_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Must be called once before threads start (libsodium init). 0 or -1. */
int kp_crypto_init(void);

#define KP_PWHASH_LEN 128
/* argon2id hash of password into out (KP_PWHASH_LEN bytes). 0 or -1. */
int kp_password_hash(const char *password, char out[KP_PWHASH_LEN]);
/* 0 when password matches hash. */
int kp_password_verify(const char *hash, const char *password);
/* Spend the same time as a verification, for unknown users. */
void kp_password_dummy_verify(const char *password);
/* Make the hash kp_password_dummy_verify checks against now (64 MiB of argon2id), so the
 * first unknown user's sign-in takes no longer than the others'. 0 or -1. */
int kp_password_prepare(void);

/* Lower-case hex SHA-256 of data into out (65 bytes). */
void kp_sha256_hex(const void *data, size_t len, char out[65]);
void kp_sha256(const void *data, size_t len, unsigned char out[32]);

/* nbytes of cryptographic randomness, base64url without padding, into out
 * (at least 4*nbytes/3 + 2 bytes). 0 or -1. */
int kp_random_token(size_t nbytes, char *out, size_t outlen);
int kp_random_bytes(void *buf, size_t n);

/* base64url without padding. encode returns the length written (out must hold
 * 4*n/3 + 2 bytes); decode returns the decoded length or -1 on bad input. */
size_t kp_b64url_encode(const unsigned char *in, size_t n, char *out);
long kp_b64url_decode(const char *in, size_t n, unsigned char *out, size_t outcap);

/* Constant-time string equality. */
int kp_str_ct_equal(const char *a, const char *b);

#endif
