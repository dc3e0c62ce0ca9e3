/* tlog.h: the transparency log's storage. kp_tlog_append is the one call every act that
 * grants or takes away a right makes, inside the transaction that records the act (see
 * docs/architecture.md, "The transparency log"). The rest reads leaves and checkpoints
 * for the tree, the tiles, the proofs and the monitors. */
#ifndef KP_STORE_TLOG_H
#define KP_STORE_TLOG_H

#include <stdbool.h>

#include "store/store.h"
#include "tlog/leaf.h"
#include "tlog/merkle.h"

/* Append leaf to the log inside the caller's open transaction (never begins or commits):
 * numbers it (no gaps; concurrent appenders wait for each other's commit), salts its
 * commitment and stores the leaf bytes. *index (may be NULL) gets the leaf index, or -1
 * when the log is switched off. A KP_DB_* code; on error the caller's transaction must
 * roll back, so no act is ever recorded without its leaf. */
int kp_tlog_append(kp_conn_t *c, const kp_tlog_leaf_t *leaf, int64_t *index);
/* The same for an act the log should have carried, appended late at an upgrade
 * (kp_tlog_backfill): at is when it happened, backfilled_at now (kp_tlog_leaf_encode_late). */
int kp_tlog_append_late(kp_conn_t *c, const kp_tlog_leaf_t *leaf, int64_t at, int64_t backfilled_at, int64_t *index);

/* The log is on by default; `make bench` switches it off to compare issuance rates. */
void kp_tlog_set_enabled(bool on);
bool kp_tlog_enabled(void);

/* fn(arg, c) runs on the committing connection, outside any transaction, after each
 * commit that appended leaves (the server signs a checkpoint there). Set before threads
 * start; NULL to remove. kp_tlog_committed is what kp_store_commit calls. */
void kp_tlog_set_commit_hook(void (*fn)(void *arg, kp_conn_t *c), void *arg);
void kp_tlog_committed(kp_conn_t *c);

typedef struct kp_tlog_row {
	int64_t idx, at;
	const char *kind, *object, *entry, *hash, *salt;
} kp_tlog_row_t;

/* The Merkle leaf hash of row's entry into h: 0, or -1 when it is not the hash stored with
 * the row (the entry was edited after it was appended). */
int kp_tlog_row_hash(const kp_tlog_row_t *row, kp_hash_t h);

/* The committed tree size. */
int kp_store_tlog_size(kp_conn_t *c, int64_t *size);
/* Leaves [from, from + limit) in index order, into the arena. */
int kp_store_tlog_leaves(kp_conn_t *c, kp_arena_t *a, int64_t from, int limit, kp_tlog_row_t **out, int *n);
/* Leaves about object (newest first). */
int kp_store_tlog_by_object(kp_conn_t *c, kp_arena_t *a, const char *object, kp_tlog_row_t **out, int *n);
/* The oldest leaf about object among the first below leaves (what a checkpoint of size
 * below covers), into the arena: KP_DB_NOTFOUND when there is none. */
int kp_store_tlog_first_of_object(kp_conn_t *c, kp_arena_t *a, const char *object, int64_t below, kp_tlog_row_t *out);

typedef struct kp_tlog_checkpoint {
	int64_t size, signed_at;
	const char *root, *note; /* hex root; the signed note */
} kp_tlog_checkpoint_t;

/* Store a signed checkpoint (its own transaction); a second one for a size already
 * signed is ignored. */
int kp_store_tlog_checkpoint_put(kp_conn_t *c, const kp_tlog_checkpoint_t *cp);
/* The largest signed checkpoint of at most at_most leaves (an instance's tree size: another
 * instance may have signed further than this one has caught up): KP_DB_NOTFOUND when none. */
int kp_store_tlog_checkpoint_latest(kp_conn_t *c, kp_arena_t *a, int64_t at_most, kp_tlog_checkpoint_t *out);
/* Every signed checkpoint, smallest first, at most limit from size >= from. */
int kp_store_tlog_checkpoint_list(kp_conn_t *c, kp_arena_t *a, int64_t from, int limit, kp_tlog_checkpoint_t **out,
                                  int *n);

/* Store a witness's cosignature line for the checkpoint of size (replacing an older one
 * of the same witness), and read the lines of one size. */
int kp_store_tlog_cosignature_put(kp_conn_t *c, int64_t size, const char *witness, const char *line, int64_t at);
int kp_store_tlog_cosignatures(kp_conn_t *c, kp_arena_t *a, int64_t size, const char ***lines, int *n);
/* The largest checkpoint size witness has cosigned (0: none). */
int kp_store_tlog_cosigned_size(kp_conn_t *c, const char *witness, int64_t *size);

typedef struct kp_tlog_key_row {
	const char *origin, *vkey, *salt, *nonce, *sealed; /* hex salt, nonce and sealed seed */
	int64_t created_at;
} kp_tlog_key_row_t;
/* The log key's row: KP_DB_NOTFOUND before the first start. */
int kp_store_tlog_key_get(kp_conn_t *c, kp_arena_t *a, kp_tlog_key_row_t *out);
/* Store the log key (its own transaction): KP_DB_CONFLICT when another instance made one. */
int kp_store_tlog_key_put(kp_conn_t *c, const kp_tlog_key_row_t *k);

#endif
