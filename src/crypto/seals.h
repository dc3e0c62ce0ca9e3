/* seals.h: chains of seals: compact ES256 JWS whose payloads each name the sealed document's
 * digest and the digest (SHA-256 of the JWS text) of the seal before, so that the chain is
 * the history and any change to the document or to a seal breaks it. A seal's key is either
 * held by the platform for a party (a "cert" header: the platform's signed statement binding
 * the key to its holder) or a partner platform's own pinned key ("iss" header). Used for
 * e-CMR online (the API) and offline (`kapka ecmr-verify`). */
#ifndef KP_SEALS_H
#define KP_SEALS_H

#include "crypto/keys.h"

#include <jansson.h>
#include <stdbool.h>

/* A pinned public key of authority (a country code) with kid, borrowed; NULL when unknown. */
typedef const kp_key_t *(*kp_pinned_fn)(void *ctx, const char *authority, const char *kid);

typedef struct kp_chain_result {
	int broken_at;       /* index of the first seal that fails, -1 when all hold */
	const char *code;    /* DOCUMENT_CHANGED, CHAIN_BROKEN, WRONG_SEQUENCE, UNKNOWN_KEY, BAD_CERT,
	                        BAD_SIGNATURE, MALFORMED, WRONG_PARTY (static) */
	const char *message; /* a sentence (static) */
} kp_chain_result_t;

/* Checks seals jws[0..n) over a document whose SHA-256 (lower-case hex) is doc_digest, for
 * consignment ref: each seal's signature with its key (cert checked with pinned), payload
 * "seq" i+1, "ecmr" ref, "doc" doc_digest and "prev" the digest of seal i-1 (null first), and
 * that a cert's holder is the sealing party. Returns 0 when every seal holds, else -1 with
 * res filled. */
int kp_chain_verify(const char *ref, const char *doc_digest, const char *const *jws, int n, kp_pinned_fn pinned,
                    void *ctx, kp_chain_result_t *res);

/* The digest of a seal (SHA-256 hex of its text) into out. */
void kp_seal_digest(const char *jws, char out[65]);

/* The protected header of a compact JWS, decoded without checking anything; NULL when it
 * is not one. Caller decrefs. */
json_t *kp_jws_header_peek(const char *jws);

#endif
