/* witness.c: the log's witness client (C2SP tlog-witness add-checkpoint). */
#include "exchange/witness.h"
#include "core/log.h"
#include "core/util.h"
#include "exchange/fetch.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMEOUT_MS 5000

int kp_witness_parse(const char *setting, kp_witness_t **out, int *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	char *copy = kp_strdup(setting), *save = NULL;
	int rc = 0;
	for (char *tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strstr(tok, "=http://");
		if (eq == NULL)
			eq = strstr(tok, "=https://");
		kp_witness_t w;
		if (eq)
			*eq = '\0';
		if (eq == NULL || kp_note_vkey_parse(tok, &w.key) != 0 || w.key.type != KP_NOTE_COSIG ||
		    strlen(eq + 1) >= sizeof(w.url)) {
			snprintf(err, errlen, "log_witnesses: \"%s\" is not VKEY=URL with a cosignature (type 4) vkey", tok);
			rc = -1;
			break;
		}
		snprintf(w.url, sizeof(w.url), "%s", eq + 1);
		*out = realloc(*out, sizeof(kp_witness_t) * (size_t)(*n + 1));
		if (*out == NULL)
			kp_fatal("out of memory");
		(*out)[(*n)++] = w;
	}
	free(copy);
	if (rc != 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* POST the add-checkpoint body; 200 → *answer (malloc'd); 409 → *their_size. */
static long post(const kp_witness_t *w, int64_t old, const kp_hash_t *proof, int np, const char *note, char **answer,
                 int64_t *their_size)
{
	size_t cap = 32 + (size_t)np * 48 + strlen(note) + 2;
	char *body = kp_malloc(cap), *p = body;
	p += sprintf(p, "old %lld\n", (long long)old);
	for (int i = 0; i < np; i++) {
		sodium_bin2base64(p, 48, proof[i], KP_HASH_SIZE, sodium_base64_VARIANT_ORIGINAL);
		p += strlen(p);
		*p++ = '\n';
	}
	*p++ = '\n';
	p = stpcpy(p, note);
	char url[600];
	size_t ul = strlen(w->url);
	snprintf(url, sizeof(url), "%.*s/add-checkpoint", (int)(ul && w->url[ul - 1] == '/' ? ul - 1 : ul), w->url);
	kp_fetch_result_t res;
	int rc = kp_fetch(url, body, (size_t)(p - body), "text/plain", TIMEOUT_MS, 1 << 16, &res);
	free(body);
	if (rc != 0) {
		kp_warn("witness %s: %s", w->key.name, res.error);
		free(res.body);
		return 0;
	}
	if (res.status == 200)
		*answer = res.body;
	else {
		long long v;
		size_t bl = strcspn(res.body, "\n");
		res.body[bl] = '\0';
		if (res.status == 409 && kp_parse_int(res.body, 0, INT64_MAX / 2, &v) == 0)
			*their_size = v;
		free(res.body);
	}
	return res.status;
}

/* Check and store the witness's cosignature lines for the checkpoint of size. */
static int keep(kp_witnesses_t *ws, const kp_witness_t *w, kp_conn_t *c, int64_t size, const char *text,
                const char *answer)
{
	int kept = 0;
	for (const char *s = answer; *s;) {
		size_t ll = strcspn(s, "\n");
		char *line = kp_malloc(ll + 2);
		memcpy(line, s, ll);
		line[ll] = '\n';
		line[ll + 1] = '\0';
		size_t nl = strlen(text) + 1 + ll + 1;
		char *note = kp_malloc(nl + 1);
		snprintf(note, nl + 1, "%s\n%s", text, line);
		uint64_t t;
		if (kp_note_verify(note, nl, &w->key, &t) == 0 &&
		    kp_store_tlog_cosignature_put(c, size, w->key.name, line, (int64_t)t) == KP_DB_OK)
			kept++;
		free(note);
		free(line);
		s += ll + (s[ll] == '\n');
	}
	if (kept == 0)
		kp_warn("witness %s answered without a valid cosignature from its key", w->key.name);
	else
		kp_tlog_reload_cosignatures(ws->log, c);
	return kept;
}

static void ask(kp_witnesses_t *ws, const kp_witness_t *w, kp_conn_t *c)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_tlog_checkpoint_t cp;
	int64_t old = 0;
	if (kp_store_tlog_checkpoint_latest(c, &a, kp_tlog_tree_size(kp_tlog_tree(ws->log)), &cp) != KP_DB_OK ||
	    kp_store_tlog_cosigned_size(c, w->key.name, &old) != KP_DB_OK || old >= cp.size)
		goto done;
	size_t text_len;
	const char *sigs;
	if (kp_note_split(cp.note, strlen(cp.note), &text_len, &sigs) != 0)
		goto done;
	char *text = kp_arena_strndup(&a, cp.note, text_len);
	for (int attempt = 0; attempt < 2; attempt++) {
		kp_hash_t proof[KP_MERKLE_MAX_PROOF];
		int np = 0;
		if (old > cp.size)
			break;
		if (old > 0) {
			kp_tlog_tree_t *t = kp_tlog_tree(ws->log);
			kp_tlog_tree_rdlock(t);
			int rc = kp_merkle_consistency_proof(kp_tlog_tree_get, t, old, cp.size, proof, &np);
			kp_tlog_tree_unlock(t);
			if (rc != 0)
				break;
		}
		char *answer = NULL;
		int64_t theirs = -1;
		long status = post(w, old, proof, np, cp.note, &answer, &theirs);
		if (status == 200) {
			keep(ws, w, c, cp.size, text, answer);
			free(answer);
			break;
		}
		if (status == 409 && theirs >= 0 && theirs != old) {
			old = theirs; /* the witness saw another size last: prove from there */
			continue;
		}
		if (status)
			kp_warn("witness %s refused checkpoint %lld (HTTP %ld)", w->key.name, (long long)cp.size, status);
		break;
	}
done:
	kp_arena_cleanup(&a);
}

void kp_witness_ask_all(void *arg)
{
	kp_witnesses_t *ws = arg;
	if (ws->n == 0)
		return;
	kp_conn_t *c = kp_store_acquire(ws->store);
	for (int i = 0; i < ws->n; i++)
		ask(ws, &ws->list[i], c);
	kp_store_release(ws->store, c);
}
