/* leaf.h: what one leaf of the transparency log says. A leaf is the public record of one
 * act that grants or takes away a right: its kind, the public id of its object, the
 * partner concerned, further public facts, and a salted commitment to the personal data
 * (plate, company, person) so that the holder can prove "this is my permit" while nobody
 * can enumerate plates or passports from the log. The leaf bytes are compact JSON with
 * sorted keys; docs/transparency.md describes them for people writing their own checker. */
#ifndef KP_TLOG_LEAF_H
#define KP_TLOG_LEAF_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Entries are served in bundles with a 16-bit length prefix (C2SP tlog-tiles). */
#define KP_TLOG_ENTRY_MAX 65535
#define KP_TLOG_SALT_SIZE 16

typedef struct kp_tlog_leaf {
	const char *kind;    /* what happened, e.g. "permit.issue" (docs/transparency.md lists them) */
	const char *object;  /* public id of what it happened to (permit id, application number) or NULL */
	const char *partner; /* the other authority concerned, two letters, or NULL */
	json_t *facts;       /* further public facts: an object, borrowed, or NULL. Never personal data. */
	json_t *personal;    /* personal data committed to, borrowed, or NULL; never written into the leaf */
} kp_tlog_leaf_t;

/* The leaf bytes for leaf at time at (seconds) with the commitment's salt, into *out
 * (malloc'd, NUL-terminated; the caller frees it) and *len. -1 when kind is missing,
 * facts or personal is not an object, or the result exceeds KP_TLOG_ENTRY_MAX. */
int kp_tlog_leaf_encode(const kp_tlog_leaf_t *leaf, int64_t at, const uint8_t salt[KP_TLOG_SALT_SIZE], char **out,
                        size_t *len);
/* The same for an act appended late, at an upgrade: at is when it happened, backfilled_at
 * (not 0) when it was appended, written as "backfilled_at" next to "at". */
int kp_tlog_leaf_encode_late(const kp_tlog_leaf_t *leaf, int64_t at, int64_t backfilled_at,
                             const uint8_t salt[KP_TLOG_SALT_SIZE], char **out, size_t *len);

/* The commitment to personal with salt: base64 (standard, padded) of
 * SHA-256("kapka/tlog/commitment/v1\n" || salt || compact sorted JSON of personal),
 * into out (at least 45 bytes). 0 or -1. */
int kp_tlog_commitment(json_t *personal, const uint8_t salt[KP_TLOG_SALT_SIZE], char out[48]);

#endif
