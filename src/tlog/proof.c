/* proof.c: C2SP tlog-proof@v1 texts. */
#include "tlog/proof.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "c2sp.org/tlog-proof@v1\n"

char *kp_tlog_proof_format(const char *entry, size_t entry_len, int64_t index, const kp_hash_t *proof, int n,
                           const char *checkpoint)
{
	size_t extra = entry ? sodium_base64_ENCODED_LEN(entry_len, sodium_base64_VARIANT_ORIGINAL) : 0;
	size_t cap = strlen(HEADER) + extra + 8 + 32 + (size_t)n * 48 + 2 + strlen(checkpoint) + 1;
	char *out = malloc(cap), *p = out;
	if (out == NULL)
		return NULL;
	p = stpcpy(p, HEADER);
	if (entry) {
		p = stpcpy(p, "extra ");
		sodium_bin2base64(p, extra, (const uint8_t *)entry, entry_len, sodium_base64_VARIANT_ORIGINAL);
		p += strlen(p);
		*p++ = '\n';
	}
	p += sprintf(p, "index %lld\n", (long long)index);
	for (int i = 0; i < n; i++) {
		sodium_bin2base64(p, 48, proof[i], KP_HASH_SIZE, sodium_base64_VARIANT_ORIGINAL);
		p += strlen(p);
		*p++ = '\n';
	}
	*p++ = '\n';
	strcpy(p, checkpoint);
	return out;
}

/* The next line of [*s, end) without its newline into [*ls, *le); -1 when none. */
static int next_line(const char **s, const char *end, const char **ls, const char **le)
{
	if (*s >= end)
		return -1;
	const char *nl = memchr(*s, '\n', (size_t)(end - *s));
	if (nl == NULL)
		return -1;
	*ls = *s;
	*le = nl;
	*s = nl + 1;
	return 0;
}

static int parse_index(const char *s, const char *e, int64_t *out)
{
	size_t n = (size_t)(e - s);
	if (n == 0 || n > 18 || (n > 1 && s[0] == '0'))
		return -1;
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int kp_tlog_proof_parse(const char *text, size_t len, kp_tlog_proof_t *out)
{
	memset(out, 0, sizeof(*out));
	const char *s = text, *end = text + len, *ls, *le;
	if (next_line(&s, end, &ls, &le) != 0 || (size_t)(le - ls + 1) != strlen(HEADER) ||
	    memcmp(ls, HEADER, strlen(HEADER) - 1) != 0 || next_line(&s, end, &ls, &le) != 0)
		return -1;
	if ((size_t)(le - ls) > 6 && memcmp(ls, "extra ", 6) == 0) {
		size_t cap = (size_t)(le - ls);
		out->entry = malloc(cap);
		if (out->entry == NULL || sodium_base642bin(out->entry, cap, ls + 6, (size_t)(le - ls - 6), NULL,
		                                            &out->entry_len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
			goto fail;
		if (next_line(&s, end, &ls, &le) != 0)
			goto fail;
	}
	if ((size_t)(le - ls) < 7 || memcmp(ls, "index ", 6) != 0 || parse_index(ls + 6, le, &out->index) != 0)
		goto fail;
	for (;;) {
		if (next_line(&s, end, &ls, &le) != 0)
			goto fail;
		if (ls == le)
			break; /* the blank line before the checkpoint */
		size_t n;
		if (out->n == KP_MERKLE_MAX_PROOF ||
		    sodium_base642bin(out->proof[out->n], KP_HASH_SIZE, ls, (size_t)(le - ls), NULL, &n, NULL,
		                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    n != KP_HASH_SIZE)
			goto fail;
		out->n++;
	}
	out->checkpoint = s;
	out->checkpoint_len = (size_t)(end - s);
	size_t text_len;
	const char *sigs;
	if (kp_note_split(s, out->checkpoint_len, &text_len, &sigs) != 0 ||
	    kp_checkpoint_parse(s, text_len, out->origin, &out->size, out->root) != 0)
		goto fail;
	return 0;
fail:
	free(out->entry);
	out->entry = NULL;
	return -1;
}

const char *kp_tlog_proof_check(const kp_tlog_proof_t *p, const kp_note_key_t *log, const kp_hash_t leaf_hash)
{
	if (strcmp(p->origin, log->name) != 0)
		return "the checkpoint is of another log";
	if (kp_note_verify(p->checkpoint, p->checkpoint_len, log, NULL) != 0)
		return "the checkpoint is not signed by the log's key";
	kp_hash_t leaf;
	if (p->entry)
		kp_merkle_leaf_hash(p->entry, p->entry_len, leaf);
	else if (leaf_hash)
		memcpy(leaf, leaf_hash, KP_HASH_SIZE);
	else
		return "the proof names no entry";
	if (p->entry && leaf_hash && memcmp(leaf, leaf_hash, KP_HASH_SIZE) != 0)
		return "the entry is not the one expected";
	if (!kp_merkle_verify_inclusion(leaf, p->index, p->size, p->proof, p->n, p->root))
		return "the entry is not in the tree the checkpoint signs";
	return NULL;
}
