/* keys.h: ES256 (ECDSA on P-256) key pairs: generation, JWK export/import, and the private
 * key at rest as a passphrase-encrypted PKCS#8 PEM. Signing and verifying live in jws.h. */
#ifndef KP_KEYS_H
#define KP_KEYS_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>

/* A P-256 key (public, or private with its public half) and its key id. Opaque; one owner,
 * released with kp_key_free. Immutable once made, so it may be shared between threads. */
typedef struct kp_key kp_key_t;

/* Longest kid accepted, in bytes. A kid is 1..KP_KID_MAX printable ASCII characters
 * (0x21..0x7e); a JWK without "kid" imports with the empty kid. */
#define KP_KID_MAX 128
/* Shortest passphrase accepted for encrypting a private key, in bytes. */
#define KP_KEY_PASS_MIN 8
/* PBKDF2-HMAC-SHA256 iterations used by kp_key_pem_encode (OWASP 2023 figure). */
#define KP_KEY_PBKDF2_ITER 600000
/* Largest PEM file kp_key_load reads. */
#define KP_KEY_PEM_MAX 16384

enum kp_key_status {
	KP_KEY_OK = 0,
	KP_KEY_EINVAL = -1,   /* bad argument, kid, JWK, passphrase, or not a P-256 key */
	KP_KEY_EIO = -2,      /* file could not be read or written */
	KP_KEY_EDECRYPT = -3, /* wrong passphrase, or the PEM is damaged or not encrypted */
	KP_KEY_ECRYPTO = -4,  /* OpenSSL failed (out of memory, no randomness) */
};

/* A new random P-256 private key with the given kid into *out. */
int kp_key_generate(const char *kid, kp_key_t **out);
/* Frees the key; the private scalar is cleared by OpenSSL. NULL is allowed. */
void kp_key_free(kp_key_t *key);

/* The key id; lives as long as the key. */
const char *kp_key_kid(const kp_key_t *key);
/* True when the key can sign. */
bool kp_key_is_private(const kp_key_t *key);
/* The OpenSSL key, borrowed (for jws.c); do not free or modify it. */
EVP_PKEY *kp_key_evp(const kp_key_t *key);

/* The public half as a new JWK object, members in this order:
 * {"kty":"EC","crv":"P-256","x":…,"y":…,"use":"sig","kid":…,"alg":"ES256"}, x and y the
 * 32-byte big-endian coordinates (left-padded with zeros) in base64url without padding.
 * The caller owns *out (json_decref). Never includes the private scalar. */
int kp_key_to_jwk(const kp_key_t *key, json_t **out);

/* A public key from a JWK object: kty "EC", crv "P-256", x and y decoding to exactly 32
 * bytes and naming a point on the curve (checked, with the point at infinity refused);
 * "alg", when present, must be "ES256" and "use", when present, "sig"; "kid" is optional.
 * A private "d" member is ignored: the result can only verify. */
int kp_key_from_jwk(const json_t *jwk, kp_key_t **out);

/* The private key as PEM "ENCRYPTED PRIVATE KEY": PKCS#8 EncryptedPrivateKeyInfo with
 * PBES2, PBKDF2-HMAC-SHA256 (KP_KEY_PBKDF2_ITER iterations, 16-byte random salt) and
 * AES-256-CBC, readable by `openssl pkey -in file`. The passphrase (NUL-terminated, at least
 * KP_KEY_PASS_MIN bytes) is not kept. *out is malloc'd and NUL-terminated, *outlen its
 * length without the NUL; the caller frees it. The kid is not stored in the PEM. */
int kp_key_pem_encode(const kp_key_t *key, const char *passphrase, char **out, size_t *outlen);

/* Reads an encrypted PEM made by kp_key_pem_encode (or any encrypted PKCS#8 P-256 key) and
 * gives it the kid. Unencrypted PEM is refused (KP_KEY_EDECRYPT), so is any curve but
 * P-256 (KP_KEY_EINVAL). */
int kp_key_pem_decode(const char *pem, size_t len, const char *passphrase, const char *kid, kp_key_t **out);

/* kp_key_pem_encode written to path (mode 0600, through a temporary file renamed into
 * place so a crash never leaves half a key), and the matching loader. */
int kp_key_save(const kp_key_t *key, const char *path, const char *passphrase);
int kp_key_load(const char *path, const char *passphrase, const char *kid, kp_key_t **out);

/* A private key sealed for storage with a 32-byte secret (libsodium secretbox over its
 * PKCS#8 DER), as text: for keys kapka holds on a party's behalf, which must be cheap to
 * open for each act. *out is malloc'd; unwrap gives the key the kid. KP_KEY_EDECRYPT when
 * the secret is wrong or the text damaged. */
int kp_key_wrap(const kp_key_t *key, const unsigned char secret[32], char **out);
int kp_key_unwrap(const char *wrapped, const unsigned char secret[32], const char *kid, kp_key_t **out);

#endif
