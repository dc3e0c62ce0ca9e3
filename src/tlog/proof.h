/* proof.h: C2SP tlog-proof@v1, the offline proof that an entry is in the log: the entry
 * (as the base64 "extra" line), its index, its inclusion proof and the signed checkpoint
 * with its cosignatures. A permit's holder carries it; anyone with the log's key checks it
 * without asking kapka. */
#ifndef KP_TLOG_PROOF_H
#define KP_TLOG_PROOF_H

#include "tlog/merkle.h"
#include "tlog/note.h"

/* The proof text (malloc'd, the caller frees it). entry may be NULL (no extra line). */
char *kp_tlog_proof_format(const char *entry, size_t entry_len, int64_t index, const kp_hash_t *proof, int n,
                           const char *checkpoint);

typedef struct kp_tlog_proof {
	uint8_t *entry; /* malloc'd (NULL when absent); the caller frees it */
	size_t entry_len;
	int64_t index, size;
	kp_hash_t proof[KP_MERKLE_MAX_PROOF];
	int n;
	kp_hash_t root;
	char origin[KP_NOTE_NAME_MAX + 1];
	const char *checkpoint; /* points into the text given to parse */
	size_t checkpoint_len;
} kp_tlog_proof_t;

/* Parse a proof text. 0 or -1 (malformed). */
int kp_tlog_proof_parse(const char *text, size_t len, kp_tlog_proof_t *out);
/* Check a parsed proof: the checkpoint is signed by log (origin = its name) and the entry
 * (or leaf_hash when entry is absent; may be NULL) is at index under its root. NULL when
 * it holds, else what is wrong. */
const char *kp_tlog_proof_check(const kp_tlog_proof_t *p, const kp_note_key_t *log, const kp_hash_t leaf_hash);

#endif
