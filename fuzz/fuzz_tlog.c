/* fuzz_tlog.c: libFuzzer target for what the transparency log reads from outside: an
 * offline proof (c2sp.org/tlog-proof, `kapka log check`), a signed note (a checkpoint a
 * monitor fetched, a witness's answer) and a vkey. A proof that parses is checked against a
 * fixed log key; it must never be accepted unless its inclusion proof really holds. */
#include "tlog/note.h"
#include "tlog/proof.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kp_note_key_t log_key, witness;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	uint8_t seed[32] = {1};
	kp_note_key_from_seed("kapka/KG/log", KP_NOTE_ED25519, seed, &log_key);
	seed[0] = 2;
	kp_note_key_from_seed("witness.test/w1", KP_NOTE_COSIG, seed, &witness);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	kp_tlog_proof_t p;
	if (kp_tlog_proof_parse(text, size, &p) == 0) {
		const char *why = kp_tlog_proof_check(&p, &log_key, NULL);
		if (why == NULL) {
			kp_hash_t leaf;
			if (p.entry == NULL)
				abort();
			kp_merkle_leaf_hash(p.entry, p.entry_len, leaf);
			if (!kp_merkle_verify_inclusion(leaf, p.index, p.size, p.proof, p.n, p.root))
				abort();
		}
		free(p.entry);
	}
	uint64_t t;
	(void)kp_note_verify(text, size, &log_key, NULL);
	(void)kp_note_verify(text, size, &witness, &t);
	char origin[KP_NOTE_NAME_MAX + 1];
	int64_t n;
	kp_hash_t root;
	(void)kp_checkpoint_parse(text, size, origin, &n, root);
	kp_note_key_t k;
	(void)kp_note_vkey_parse(text, &k);
	free(text);
	return 0;
}
