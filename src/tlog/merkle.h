/* merkle.h: RFC 6962 (section 2.1) Merkle tree hashing with SHA-256: leaf and node hashes,
 * the root of any range, inclusion and consistency proofs, and their verification
 * (RFC 9162 sections 2.1.3.2 and 2.1.4.2). Pure: the tree's stored hashes are read
 * through a callback, so the same code serves the in-memory tree, tiles and tests. */
#ifndef KP_MERKLE_H
#define KP_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KP_HASH_SIZE 32
/* Longest proof for a tree of up to 2^63 leaves. */
#define KP_MERKLE_MAX_PROOF 64

typedef uint8_t kp_hash_t[KP_HASH_SIZE];

/* SHA-256(0x00 || data). */
void kp_merkle_leaf_hash(const void *data, size_t len, kp_hash_t out);
/* SHA-256(0x01 || left || right). */
void kp_merkle_node_hash(const kp_hash_t left, const kp_hash_t right, kp_hash_t out);
/* SHA-256 of the empty string: the root of the empty tree. */
void kp_merkle_empty_root(kp_hash_t out);

/* The hash of the complete subtree of 2^level leaves starting at leaf index << level.
 * Returns 0, or -1 when it is not available. */
typedef int (*kp_merkle_get_fn)(void *ctx, int level, int64_t index, kp_hash_t out);

/* MTH(D[start : start + n]) for n >= 1, start a multiple of the largest power of two
 * below n (every range the RFC 6962 recursion asks for is). 0 or -1. */
int kp_merkle_range_root(kp_merkle_get_fn get, void *ctx, int64_t start, int64_t n, kp_hash_t out);
/* The root of a tree of size leaves (the empty root when size is 0). 0 or -1. */
int kp_merkle_root(kp_merkle_get_fn get, void *ctx, int64_t size, kp_hash_t out);

/* PATH(index, D[0:size]), deepest hash first, into proof (KP_MERKLE_MAX_PROOF slots);
 * *n gets its length. -1 when index >= size or a hash is missing. */
int kp_merkle_inclusion_proof(kp_merkle_get_fn get, void *ctx, int64_t index, int64_t size, kp_hash_t *proof, int *n);
/* PROOF(m, D[0:size]) for 0 < m <= size, into proof; *n gets its length. 0 or -1. */
int kp_merkle_consistency_proof(kp_merkle_get_fn get, void *ctx, int64_t m, int64_t size, kp_hash_t *proof, int *n);

/* True when proof shows leaf at index is in the tree of size with root. */
bool kp_merkle_verify_inclusion(const kp_hash_t leaf, int64_t index, int64_t size, const kp_hash_t *proof, int n,
                                const kp_hash_t root);
/* True when proof shows the tree (m, root_m) is a prefix of (size, root). m == 0 is
 * consistent with anything given an empty proof. */
bool kp_merkle_verify_consistency(int64_t m, const kp_hash_t root_m, int64_t size, const kp_hash_t root,
                                  const kp_hash_t *proof, int n);

#endif
