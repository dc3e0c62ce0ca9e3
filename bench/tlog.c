/* tlog.c: `make bench` for the transparency log's own costs: appending N leaves through
 * kp_tlog_append in transactions of 1,000 (as the group-commit writer batches them),
 * rebuilding the tree from the database, signing, and the size of proofs.
 * Usage: tlog DB_FILE N PASSPHRASE. Leaves the database for the HTTP part (transparency.mjs). */
#include "core/util.h"
#include "store/store.h"
#include "store/tlog_log.h"
#include "tlog/proof.h"
#include "crypto/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 1000

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	long long n = atoll(argv[2]);
	kp_crypto_init();
	kp_store_t *s;
	char err[256];
	int applied;
	if (kp_store_open(argv[1], 2, 1, &s, err, sizeof(err)) != 0 || kp_store_migrate(s, &applied) != 0) {
		fprintf(stderr, "tlog bench: %s\n", err);
		return 1;
	}
	kp_conn_t *c = kp_store_acquire(s);
	json_t *personal = json_pack("{s:s, s:s, s:s}", "plate", "01KG123ABC", "company_name", "Ala-Too Trans LLC",
	                             "company_id", "01507201910001");
	int64_t t0 = kp_mono_us();
	for (long long i = 0; i < n;) {
		if (kp_store_begin(c) != KP_DB_OK)
			return 1;
		for (int j = 0; j < BATCH && i < n; j++, i++) {
			char object[48];
			snprintf(object, sizeof(object), "KG-UZ-2026-1-%lld", i + 1);
			json_t *facts = json_pack("{s:s, s:i, s:i, s:I, s:I}", "issuer", "KG", "year", 2026, "type", 1, "serial",
			                          (json_int_t)(i + 1), "expires_at", (json_int_t)1801418399);
			kp_tlog_leaf_t leaf = {"permit.issue", object, "UZ", facts, personal};
			int rc = kp_tlog_append(c, &leaf, NULL);
			json_decref(facts);
			if (rc != KP_DB_OK)
				return 1;
		}
		if (kp_store_commit(c) != KP_DB_OK)
			return 1;
	}
	double append_s = (double)(kp_mono_us() - t0) / 1e6;
	kp_store_release(s, c);
	json_decref(personal);
	printf("bench: transparency log: %lld leaves appended in %.1f s = %.0f leaves/s (transactions of %d, synchronous=FULL)\n",
	       n, append_s, (double)n / append_s, BATCH);

	t0 = kp_mono_us();
	kp_tlog_t *l = kp_tlog_open(s, argv[3], "bench.kapka.example/log", err, sizeof(err));
	if (l == NULL) {
		fprintf(stderr, "tlog bench: %s\n", err);
		return 1;
	}
	double open_s = (double)(kp_mono_us() - t0) / 1e6;
	int64_t size;
	kp_hash_t root;
	char *note = kp_tlog_checkpoint(l, &size, root);
	printf("bench: transparency log: tree of %lld leaves rebuilt from the database, checked and signed in %.2f s\n",
	       (long long)size, open_s);

	kp_tlog_tree_t *t = kp_tlog_tree(l);
	kp_hash_t proof[KP_MERKLE_MAX_PROOF];
	int np = 0, total = 0, rounds = 100000;
	t0 = kp_mono_us();
	kp_tlog_tree_rdlock(t);
	for (int i = 0; i < rounds; i++) {
		int64_t idx = (int64_t)(((uint64_t)i * 2654435761u) % (uint64_t)size);
		kp_merkle_inclusion_proof(kp_tlog_tree_get, t, idx, size, proof, &np);
		total += np;
	}
	kp_tlog_tree_unlock(t);
	double proof_us = (double)(kp_mono_us() - t0) / rounds;
	char *text = kp_tlog_proof_format("{\"kind\":\"permit.issue\"}", 23, size / 2, proof, np, note);
	printf("bench: inclusion proof in a tree of %lld: %.1f hashes (%.0f bytes) on average, %.1f us to compute;"
	       " a permit's offline proof (tlog-proof with its checkpoint) is about %zu bytes\n",
	       (long long)size, (double)total / rounds, 32.0 * total / rounds, proof_us, strlen(text) + 250);
	int nc;
	kp_tlog_tree_rdlock(t);
	kp_merkle_consistency_proof(kp_tlog_tree_get, t, size / 3, size, proof, &nc);
	kp_tlog_tree_unlock(t);
	printf("bench: consistency proof from %lld to %lld leaves: %d hashes (%d bytes)\n", (long long)(size / 3),
	       (long long)size, nc, nc * 32);
	free(text);
	free(note);
	kp_tlog_free(l);
	kp_store_close(s);
	return 0;
}
