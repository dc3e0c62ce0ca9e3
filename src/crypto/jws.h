/* jws.h: JWS compact serialisation with ES256 only (RFC 7515/7518), as the e-permit
 * protocol uses for events and for the carrier's QR code. Keys are in keys.h. */
#ifndef KP_JWS_H
#define KP_JWS_H

#include "crypto/keys.h"

#include <jansson.h>
#include <stddef.h>

/* Longest JWS (and so payload) accepted by sign and verify, in bytes. */
#define KP_JWS_MAX_LEN (1u << 20)
/* Highest leading version accepted in the 4-part QR form ("0" demo, "1"). */
#define KP_JWS_VERSION_MAX 1

enum kp_jws_status {
	KP_JWS_OK = 0,
	KP_JWS_EMALFORMED = -1, /* not 3 or 4 dot-separated parts, empty header, too long */
	KP_JWS_EBASE64 = -2,    /* a part is not canonical base64url without padding */
	KP_JWS_EHEADER = -3,    /* header not a JSON object, duplicate members, alg missing,
	                           alg or kid not a string, or a "crit" member */
	KP_JWS_EALG = -4,       /* alg is not "ES256" (this refuses "none" and HS256) */
	KP_JWS_EKID = -5,       /* the lookup callback knows no key for this kid */
	KP_JWS_ESIG = -6,       /* signature not 64 bytes, r or s out of [1, n-1], or invalid */
	KP_JWS_EVERSION = -7,   /* 4-part form whose version is not 0..KP_JWS_VERSION_MAX */
	KP_JWS_EINVAL = -8,     /* bad arguments to sign (no private key, alg/kid in extras) */
	KP_JWS_ECRYPTO = -9,    /* OpenSSL failed */
};

/* A short English description of a kp_jws_status, for logs; never NULL. */
const char *kp_jws_strerror(int status);

/* Signs payload (any bytes; normally compact JSON) with key, which must be private.
 * The protected header is {"alg":"ES256","kid":<kid of key>} followed by the members of
 * extra_header (an object, or NULL; read, not modified; it may not hold "alg" or "kid"),
 * serialised as compact JSON in that order. *out gets the malloc'd, NUL-terminated
 * `b64url(header).b64url(payload).b64url(r||s)`; the caller frees it. */
int kp_jws_sign(const kp_key_t *key, json_t *extra_header, const void *payload, size_t len, char **out);

/* Finds the public key for a kid, or NULL when there is none. kid is NULL when the header
 * has no "kid" (the callback decides whether that is acceptable). The returned key is
 * borrowed: it must stay valid until kp_jws_verify returns. */
typedef const kp_key_t *(*kp_jws_key_fn)(void *ctx, const char *kid);

/* What a verified JWS carried. Owned by the caller; release with kp_jws_cleanup. */
typedef struct kp_jws {
	int version;            /* the leading version of the 4-part form, or -1 for 3 parts */
	json_t *header;         /* the decoded protected header (an object) */
	const char *kid;        /* header "kid", inside header, or NULL when absent */
	unsigned char *payload; /* the decoded payload, with a NUL added after payload_len */
	size_t payload_len;
} kp_jws_t;

/* Verifies the compact JWS in jws[0..len) (no surrounding whitespace), either
 * `header.payload.signature` or `version.header.payload.signature`, where version is a
 * decimal number and the signature covers `header.payload` as in RFC 7515. Only ES256 is
 * accepted. lookup(ctx, kid) supplies the key. On success fills *out and returns 0; on
 * failure returns a kp_jws_status and leaves *out empty (safe to kp_jws_cleanup). The
 * payload is not interpreted: checking its claims is the caller's business. */
int kp_jws_verify(const char *jws, size_t len, kp_jws_key_fn lookup, void *ctx, kp_jws_t *out);

/* Frees what kp_jws_verify put in jws and empties it. */
void kp_jws_cleanup(kp_jws_t *jws);

/* Why a credential's signature does not hold, as verdicts show it: kp_verdict_signature_why
 * (domain/verdict.h). */

/* Longest payload kp_jws_peek decodes, in bytes. */
#define KP_JWS_PEEK_MAX 16384
/* The payload of a 3- or 4-part compact JWS as a JSON object, decoded WITHOUT checking
 * the signature: only to learn whose key checks it. NULL when it is not one. Caller decrefs. */
json_t *kp_jws_peek(const char *jws);

#endif
