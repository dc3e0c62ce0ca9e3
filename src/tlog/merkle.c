/* merkle.c: RFC 6962 Merkle tree hashing, proofs and their verification. */
#include "tlog/merkle.h"

#include <sodium.h>
#include <string.h>

void kp_merkle_leaf_hash(const void *data, size_t len, kp_hash_t out)
{
	crypto_hash_sha256_state st;
	const uint8_t prefix = 0x00;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, out);
}

void kp_merkle_node_hash(const kp_hash_t left, const kp_hash_t right, kp_hash_t out)
{
	uint8_t buf[1 + 2 * KP_HASH_SIZE];
	buf[0] = 0x01;
	memcpy(buf + 1, left, KP_HASH_SIZE);
	memcpy(buf + 1 + KP_HASH_SIZE, right, KP_HASH_SIZE);
	crypto_hash_sha256(out, buf, sizeof(buf));
}

void kp_merkle_empty_root(kp_hash_t out)
{
	crypto_hash_sha256(out, (const uint8_t *)"", 0);
}

/* The largest power of two strictly below n (n >= 2). */
static int64_t split_point(int64_t n)
{
	return (int64_t)1 << (63 - __builtin_clzll((unsigned long long)(n - 1)));
}

static bool power_of_two(int64_t n)
{
	return n > 0 && (n & (n - 1)) == 0;
}

int kp_merkle_range_root(kp_merkle_get_fn get, void *ctx, int64_t start, int64_t n, kp_hash_t out)
{
	if (n < 1 || start < 0)
		return -1;
	if (power_of_two(n)) {
		int level = __builtin_ctzll((unsigned long long)n);
		if (start & (n - 1))
			return -1;
		return get(ctx, level, start >> level, out);
	}
	int64_t k = split_point(n);
	kp_hash_t left, right;
	if (kp_merkle_range_root(get, ctx, start, k, left) != 0 ||
	    kp_merkle_range_root(get, ctx, start + k, n - k, right) != 0)
		return -1;
	kp_merkle_node_hash(left, right, out);
	return 0;
}

int kp_merkle_root(kp_merkle_get_fn get, void *ctx, int64_t size, kp_hash_t out)
{
	if (size == 0) {
		kp_merkle_empty_root(out);
		return 0;
	}
	return kp_merkle_range_root(get, ctx, 0, size, out);
}

/* PATH(m, D[start : start + n]) appended to proof. */
static int path(kp_merkle_get_fn get, void *ctx, int64_t m, int64_t start, int64_t n, kp_hash_t *proof, int *len)
{
	if (n == 1)
		return 0;
	int64_t k = split_point(n);
	int rc;
	if (m < k)
		rc = path(get, ctx, m, start, k, proof, len);
	else
		rc = path(get, ctx, m - k, start + k, n - k, proof, len);
	if (rc != 0 || *len >= KP_MERKLE_MAX_PROOF)
		return -1;
	if (m < k)
		rc = kp_merkle_range_root(get, ctx, start + k, n - k, proof[*len]);
	else
		rc = kp_merkle_range_root(get, ctx, start, k, proof[*len]);
	(*len)++;
	return rc;
}

int kp_merkle_inclusion_proof(kp_merkle_get_fn get, void *ctx, int64_t index, int64_t size, kp_hash_t *proof, int *n)
{
	*n = 0;
	if (index < 0 || index >= size)
		return -1;
	return path(get, ctx, index, 0, size, proof, n);
}

/* SUBPROOF(m, D[start : start + n], b) appended to proof. */
static int subproof(kp_merkle_get_fn get, void *ctx, int64_t m, int64_t start, int64_t n, bool b, kp_hash_t *proof,
                    int *len)
{
	if (*len >= KP_MERKLE_MAX_PROOF)
		return -1;
	if (m == n) {
		if (b)
			return 0;
		return kp_merkle_range_root(get, ctx, start, n, proof[(*len)++]);
	}
	int64_t k = split_point(n);
	int rc;
	if (m <= k) {
		rc = subproof(get, ctx, m, start, k, b, proof, len);
		if (rc == 0 && *len < KP_MERKLE_MAX_PROOF)
			return kp_merkle_range_root(get, ctx, start + k, n - k, proof[(*len)++]);
	} else {
		rc = subproof(get, ctx, m - k, start + k, n - k, false, proof, len);
		if (rc == 0 && *len < KP_MERKLE_MAX_PROOF)
			return kp_merkle_range_root(get, ctx, start, k, proof[(*len)++]);
	}
	return -1;
}

int kp_merkle_consistency_proof(kp_merkle_get_fn get, void *ctx, int64_t m, int64_t size, kp_hash_t *proof, int *n)
{
	*n = 0;
	if (m <= 0 || m > size)
		return -1;
	return subproof(get, ctx, m, 0, size, true, proof, n);
}

bool kp_merkle_verify_inclusion(const kp_hash_t leaf, int64_t index, int64_t size, const kp_hash_t *proof, int n,
                                const kp_hash_t root)
{
	if (index < 0 || index >= size)
		return false;
	uint64_t fn = (uint64_t)index, sn = (uint64_t)(size - 1);
	kp_hash_t r;
	memcpy(r, leaf, KP_HASH_SIZE);
	for (int i = 0; i < n; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			kp_merkle_node_hash(proof[i], r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			kp_merkle_node_hash(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(r, root, KP_HASH_SIZE) == 0;
}

bool kp_merkle_verify_consistency(int64_t m, const kp_hash_t root_m, int64_t size, const kp_hash_t root,
                                  const kp_hash_t *proof, int n)
{
	if (m < 0 || m > size)
		return false;
	if (m == 0)
		return n == 0;
	if (m == size)
		return n == 0 && memcmp(root_m, root, KP_HASH_SIZE) == 0;
	/* When m is a power of two the proof leaves out root_m, which starts the walk. */
	const uint8_t *first;
	int i = 0;
	if (power_of_two(m)) {
		first = root_m;
	} else {
		if (n < 1)
			return false;
		first = proof[0];
		i = 1;
	}
	uint64_t fn = (uint64_t)(m - 1), sn = (uint64_t)(size - 1);
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	kp_hash_t fr, sr;
	memcpy(fr, first, KP_HASH_SIZE);
	memcpy(sr, first, KP_HASH_SIZE);
	for (; i < n; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			kp_merkle_node_hash(proof[i], fr, fr);
			kp_merkle_node_hash(proof[i], sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			kp_merkle_node_hash(sr, proof[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(fr, root_m, KP_HASH_SIZE) == 0 && memcmp(sr, root, KP_HASH_SIZE) == 0;
}
