/* test_merkle.c: src/tlog/merkle.c and tree.c: RFC 6962 roots against the Certificate
 * Transparency test vectors, every inclusion and consistency proof of small trees checked
 * by the verifiers (and every altered proof refused), proofs compared with a naive
 * recursive implementation, and C2SP tile widths. */
#include "kp_test.h"

#include "tlog/merkle.h"
#include "tlog/tree.h"

#include <sodium.h>

static const char *const inputs[] = {"",
                                     "\x00",
                                     "\x10",
                                     "\x20\x21",
                                     "\x30\x31",
                                     "\x40\x41\x42\x43",
                                     "\x50\x51\x52\x53\x54\x55\x56\x57",
                                     "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
static const size_t input_len[] = {0, 1, 1, 2, 2, 4, 8, 16};
/* MTH of the first n inputs (n = 1..8), from certificate-transparency's merkle_tree_test. */
static const char *const roots[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static void hex(const kp_hash_t h, char out[65])
{
	sodium_bin2hex(out, 65, h, KP_HASH_SIZE);
}

static kp_tlog_tree_t *tree_of_inputs(int n)
{
	kp_tlog_tree_t *t = kp_tlog_tree_new();
	for (int i = 0; i < n; i++) {
		kp_hash_t h;
		kp_merkle_leaf_hash(inputs[i], input_len[i], h);
		kp_tlog_tree_append(t, &h, 1);
	}
	return t;
}

static void ct_vectors(void **state)
{
	(void)state;
	for (int n = 1; n <= 8; n++) {
		kp_tlog_tree_t *t = tree_of_inputs(n);
		kp_hash_t root;
		char h[65];
		assert_int_equal(kp_merkle_root(kp_tlog_tree_get, t, n, root), 0);
		hex(root, h);
		assert_string_equal(h, roots[n - 1]);
		kp_tlog_tree_free(t);
	}
	kp_hash_t empty;
	char h[65];
	kp_merkle_empty_root(empty);
	hex(empty, h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* Leaves of the numbers 0..n-1 as 8-byte strings. */
static void number_leaf(int64_t i, kp_hash_t out)
{
	uint8_t b[8];
	for (int k = 0; k < 8; k++)
		b[k] = (uint8_t)(i >> (56 - 8 * k));
	kp_merkle_leaf_hash(b, sizeof(b), out);
}

static kp_tlog_tree_t *tree_of_numbers(int64_t n)
{
	kp_tlog_tree_t *t = kp_tlog_tree_new();
	for (int64_t i = 0; i < n; i++) {
		kp_hash_t h;
		number_leaf(i, h);
		kp_tlog_tree_append(t, &h, 1);
	}
	return t;
}

/* MTH straight from the RFC's definition, over leaf hashes. */
static void naive_root(const kp_hash_t *leaves, int64_t n, kp_hash_t out)
{
	if (n == 1) {
		memcpy(out, leaves[0], KP_HASH_SIZE);
		return;
	}
	int64_t k = 1;
	while (k * 2 < n)
		k *= 2;
	kp_hash_t l, r;
	naive_root(leaves, k, l);
	naive_root(leaves + k, n - k, r);
	kp_merkle_node_hash(l, r, out);
}

static void roots_match_definition(void **state)
{
	(void)state;
	enum { N = 300 };
	kp_hash_t *leaves = calloc(N, sizeof(kp_hash_t));
	for (int i = 0; i < N; i++)
		number_leaf(i, leaves[i]);
	kp_tlog_tree_t *t = tree_of_numbers(N);
	for (int n = 1; n <= N; n++) {
		kp_hash_t a, b;
		naive_root(leaves, n, a);
		assert_int_equal(kp_merkle_root(kp_tlog_tree_get, t, n, b), 0);
		assert_memory_equal(a, b, KP_HASH_SIZE);
	}
	kp_tlog_tree_free(t);
	free(leaves);
}

static void inclusion_proofs(void **state)
{
	(void)state;
	kp_tlog_tree_t *t = tree_of_numbers(70);
	for (int64_t size = 1; size <= 70; size++) {
		kp_hash_t root;
		assert_int_equal(kp_merkle_root(kp_tlog_tree_get, t, size, root), 0);
		for (int64_t i = 0; i < size; i++) {
			kp_hash_t proof[KP_MERKLE_MAX_PROOF], leaf;
			int n;
			number_leaf(i, leaf);
			assert_int_equal(kp_merkle_inclusion_proof(kp_tlog_tree_get, t, i, size, proof, &n), 0);
			assert_true(kp_merkle_verify_inclusion(leaf, i, size, proof, n, root));
			/* wrong index, a flipped bit, a shortened proof: all refused */
			if (size > 1) {
				assert_false(kp_merkle_verify_inclusion(leaf, (i + 1) % size, size, proof, n, root));
				proof[n - 1][0] ^= 1;
				assert_false(kp_merkle_verify_inclusion(leaf, i, size, proof, n, root));
				proof[n - 1][0] ^= 1;
				assert_false(kp_merkle_verify_inclusion(leaf, i, size, proof, n - 1, root));
			}
		}
	}
	kp_hash_t proof[KP_MERKLE_MAX_PROOF];
	int n;
	assert_int_equal(kp_merkle_inclusion_proof(kp_tlog_tree_get, t, 70, 70, proof, &n), -1);
	assert_int_equal(kp_merkle_inclusion_proof(kp_tlog_tree_get, t, 0, 71, proof, &n), -1);
	kp_tlog_tree_free(t);
}

static void consistency_proofs(void **state)
{
	(void)state;
	kp_tlog_tree_t *t = tree_of_numbers(70);
	kp_hash_t roots_n[71];
	for (int64_t s = 1; s <= 70; s++)
		assert_int_equal(kp_merkle_root(kp_tlog_tree_get, t, s, roots_n[s]), 0);
	for (int64_t m = 1; m <= 70; m++)
		for (int64_t s = m; s <= 70; s++) {
			kp_hash_t proof[KP_MERKLE_MAX_PROOF];
			int n;
			assert_int_equal(kp_merkle_consistency_proof(kp_tlog_tree_get, t, m, s, proof, &n), 0);
			assert_true(kp_merkle_verify_consistency(m, roots_n[m], s, roots_n[s], proof, n));
			if (m < s) {
				/* another old root (a forked history) or an altered proof is refused */
				assert_false(kp_merkle_verify_consistency(m, roots_n[m == 1 ? 2 : m - 1], s, roots_n[s], proof, n));
				proof[0][5] ^= 0x80;
				assert_false(kp_merkle_verify_consistency(m, roots_n[m], s, roots_n[s], proof, n));
			}
		}
	kp_hash_t any = {0};
	assert_true(kp_merkle_verify_consistency(0, any, 5, roots_n[5], NULL, 0));
	kp_tlog_tree_free(t);
}

static void tile_widths(void **state)
{
	(void)state;
	/* the example of C2SP tlog-tiles: a tree of 70,000 leaves */
	assert_int_equal(kp_tlog_tile_width(70000, 0, 272), 256);
	assert_int_equal(kp_tlog_tile_width(70000, 0, 273), 112);
	assert_int_equal(kp_tlog_tile_width(70000, 0, 274), 0);
	assert_int_equal(kp_tlog_tile_width(70000, 1, 0), 256);
	assert_int_equal(kp_tlog_tile_width(70000, 1, 1), 17);
	assert_int_equal(kp_tlog_tile_width(70000, 2, 0), 1);
	assert_int_equal(kp_tlog_tile_width(70000, 3, 0), 0);
	assert_int_equal(kp_tlog_tile_width(256, 0, 0), 256);
	assert_int_equal(kp_tlog_tile_width(256, 1, 0), 1);
	assert_int_equal(kp_tlog_tile_width(0, 0, 0), 0);
	/* a level-1 tile holds the roots of full level-0 tiles */
	kp_tlog_tree_t *t = tree_of_numbers(600);
	uint8_t tile[2 * KP_HASH_SIZE];
	assert_int_equal(kp_tlog_tree_tile(t, 600, 1, 0, 2, tile), 0);
	kp_hash_t r;
	assert_int_equal(kp_merkle_range_root(kp_tlog_tree_get, t, 256, 256, r), 0);
	assert_memory_equal(tile + KP_HASH_SIZE, r, KP_HASH_SIZE);
	assert_int_equal(kp_tlog_tree_tile(t, 600, 1, 0, 3, tile), -1);
	assert_int_equal(kp_tlog_tree_tile(t, 601, 0, 0, 1, tile), -1);
	kp_tlog_tree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ct_vectors),       cmocka_unit_test(roots_match_definition),
	    cmocka_unit_test(inclusion_proofs), cmocka_unit_test(consistency_proofs),
	    cmocka_unit_test(tile_widths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
