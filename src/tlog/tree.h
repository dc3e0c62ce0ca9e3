/* tree.h: the Merkle tree of the log in memory: every complete subtree's hash, level by
 * level (32 bytes a leaf, about 64 MB for a million leaves), so that roots, proofs and
 * tiles cost no database round trip. Appends come from the leaves committed in the
 * database; readers hold the read lock while they compute. */
#ifndef KP_TLOG_TREE_H
#define KP_TLOG_TREE_H

#include "tlog/merkle.h"

#define KP_TILE_HEIGHT 8
#define KP_TILE_WIDTH 256

typedef struct kp_tlog_tree kp_tlog_tree_t;

kp_tlog_tree_t *kp_tlog_tree_new(void);
void kp_tlog_tree_free(kp_tlog_tree_t *t);

/* Readers bracket their work with these; kp_tlog_tree_append takes the write lock itself. */
void kp_tlog_tree_rdlock(kp_tlog_tree_t *t);
void kp_tlog_tree_unlock(kp_tlog_tree_t *t);

/* Leaves in the tree (under the read lock, or by the only writer). */
int64_t kp_tlog_tree_size(kp_tlog_tree_t *t);
/* Append n leaf hashes (takes the write lock). */
void kp_tlog_tree_append(kp_tlog_tree_t *t, const kp_hash_t *leaves, int64_t n);
/* A kp_merkle_get_fn over the tree (ctx is the tree; read lock held). */
int kp_tlog_tree_get(void *ctx, int level, int64_t index, kp_hash_t out);

/* The C2SP tile at level L, index N, width w (1..256) for a tree of size (<= the tree's
 * size) into out (w * 32 bytes). -1 when the tree of that size has no such tile. */
int kp_tlog_tree_tile(kp_tlog_tree_t *t, int64_t size, int L, int64_t N, int w, uint8_t *out);
/* The width of tile (L, N) in a tree of size: 256 for a full tile, 1..255 for the partial
 * one, 0 when there is none. */
int kp_tlog_tile_width(int64_t size, int L, int64_t N);

/* The C2SP path of tile index n of width w: "x001/x234/067" or "067.p/17", into out. */
void kp_tlog_tile_path(int64_t n, int w, char *out, size_t len);

#endif
