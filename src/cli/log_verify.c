/* log_verify.c: `kapka log verify` (the database against its own log, checkpoints and
 * acts, and against the public tiles) and `kapka log monitor` (another kapka's log from
 * its tiles alone, over time). */
#include "cli/log_check.h"
#include "core/util.h"
#include "exchange/fetch.h"
#include "store/permits.h"
#include "store/tlog_acts.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BATCH 4096
#define FETCH_TIMEOUT_MS 20000

struct report {
	int problems;
	int64_t late, late_first, late_last; /* leaves appended late, at an upgrade (backfilled_at) */
};

static void problem(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("PROBLEM: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	r->problems++;
}

/* Whether row is an act appended late, at an upgrade (a top-level "backfilled_at"). */
static bool backfilled(const kp_tlog_row_t *row)
{
	if (strstr(row->entry, "\"backfilled_at\":") == NULL)
		return false;
	json_t *leaf = json_loads(row->entry, 0, NULL);
	bool late = json_integer_value(json_object_get(leaf, "backfilled_at")) > 0;
	json_decref(leaf);
	return late;
}

/* Leaves from the database into tree, each checked against its stored hash. */
static void rebuild_from_db(kp_conn_t *c, kp_tlog_tree_t *tree, struct report *r)
{
	kp_hash_t *batch = kp_calloc(BATCH, sizeof(kp_hash_t));
	int64_t next = 0;
	for (;;) {
		kp_arena_t a;
		kp_arena_init(&a);
		kp_tlog_row_t *rows;
		int n = 0;
		if (kp_store_tlog_leaves(c, &a, next, BATCH, &rows, &n) != KP_DB_OK) {
			problem(r, "the leaves could not be read");
			n = 0;
		}
		for (int i = 0; i < n; i++) {
			if (rows[i].idx != next + i)
				problem(r, "leaf %lld is missing (the next stored one is %lld): leaves were deleted",
				        (long long)(next + i), (long long)rows[i].idx);
			if (kp_tlog_row_hash(&rows[i], batch[i]) != 0)
				problem(r, "leaf %lld: its bytes do not hash to its recorded hash: it was edited",
				        (long long)rows[i].idx);
			if (backfilled(&rows[i])) {
				if (r->late++ == 0)
					r->late_first = rows[i].idx;
				r->late_last = rows[i].idx;
			}
		}
		kp_tlog_tree_append(tree, batch, n);
		next += n;
		kp_arena_cleanup(&a);
		if (n < BATCH)
			break;
	}
	free(batch);
	int64_t size = 0;
	if (kp_store_tlog_size(c, &size) == KP_DB_OK && size != next)
		problem(r, "the log says it holds %lld leaves but %lld are stored: leaves were deleted", (long long)size,
		        (long long)next);
}

static int64_t root_at(kp_tlog_tree_t *t, int64_t size, kp_hash_t root)
{
	kp_tlog_tree_rdlock(t);
	int rc = kp_merkle_root(kp_tlog_tree_get, t, size, root);
	kp_tlog_tree_unlock(t);
	return rc;
}

/* Every stored checkpoint: signed by the log's key, and the root of the rebuilt tree. */
static void check_checkpoints(kp_conn_t *c, const kp_note_key_t *key, kp_tlog_tree_t *tree, struct report *r,
                              int64_t *checked)
{
	int64_t from = 0;
	*checked = 0;
	for (;;) {
		kp_arena_t a;
		kp_arena_init(&a);
		kp_tlog_checkpoint_t *cps;
		int n = 0;
		if (kp_store_tlog_checkpoint_list(c, &a, from, 1000, &cps, &n) != KP_DB_OK)
			problem(r, "the checkpoints could not be read");
		for (int i = 0; i < n; i++) {
			const char *note = cps[i].note;
			size_t text_len;
			const char *sigs;
			char origin[KP_NOTE_NAME_MAX + 1];
			int64_t size;
			kp_hash_t root, mine;
			if (kp_note_verify(note, strlen(note), key, NULL) != 0 ||
			    kp_note_split(note, strlen(note), &text_len, &sigs) != 0 ||
			    kp_checkpoint_parse(note, text_len, origin, &size, root) != 0) {
				problem(r, "checkpoint %lld is not signed by the log's key", (long long)cps[i].size);
			} else if (size > kp_tlog_tree_size(tree)) {
				problem(r, "checkpoint %lld covers more leaves than are stored (%lld): leaves were deleted",
				        (long long)size, (long long)kp_tlog_tree_size(tree));
			} else if (root_at(tree, size, mine) != 0 || memcmp(root, mine, KP_HASH_SIZE) != 0) {
				problem(r, "checkpoint %lld does not match the stored leaves: the log was rewritten or forked",
				        (long long)size);
			}
			(*checked)++;
			from = cps[i].size + 1;
		}
		kp_arena_cleanup(&a);
		if (n < 1000)
			break;
	}
}

/* The leaf of kind about object (oldest first), its parsed JSON into *leaf. */
static const kp_tlog_row_t *find_leaf(const kp_tlog_row_t *rows, int n, const char *kind, json_t **leaf)
{
	for (int i = n - 1; i >= 0; i--)
		if (strcmp(rows[i].kind, kind) == 0) {
			*leaf = json_loads(rows[i].entry, 0, NULL);
			return &rows[i];
		}
	*leaf = NULL;
	return NULL;
}

/* One permit against its leaves: issued (same public facts, same commitment) and, when
 * withdrawn, the withdrawal. */
static void check_permit(kp_conn_t *c, const kp_permit_t *p, struct report *r)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_tlog_row_t *rows;
	int n = 0;
	json_t *leaf = NULL;
	if (kp_store_tlog_by_object(c, &a, p->id, &rows, &n) != KP_DB_OK)
		n = 0;
	/* The issue is the permit's first leaf; the list above holds only the newest ones, and a
	 * much-used permit's issue is not among them. A withdrawal is among its last. */
	kp_tlog_row_t first;
	const kp_tlog_row_t *issue = NULL;
	if (kp_store_tlog_first_of_object(c, &a, p->id, INT64_MAX, &first) == KP_DB_OK &&
	    strcmp(first.kind, "permit.issue") == 0) {
		issue = &first;
		leaf = json_loads(first.entry, 0, NULL);
	}
	if (issue == NULL) {
		if (p->org_id) /* a partner's permit (org 0) is recorded by its issuer's log */
			problem(r, "permit %s has no leaf in the log", p->id);
		goto done;
	}
	json_t *facts = json_object_get(leaf, "facts");
	const char *partner = json_string_value(json_object_get(leaf, "partner"));
	if (json_integer_value(json_object_get(facts, "serial")) != p->serial ||
	    json_integer_value(json_object_get(facts, "year")) != p->year ||
	    json_integer_value(json_object_get(facts, "type")) != p->type || partner == NULL ||
	    strcmp(partner, p->verifier) != 0)
		problem(r, "permit %s differs from its leaf %lld (serial, year, type or partner)", p->id,
		        (long long)issue->idx);
	uint8_t salt[KP_TLOG_SALT_SIZE];
	size_t sn;
	char commitment[48];
	json_t *personal = kp_tlog_permit_personal(p);
	const char *logged = json_string_value(json_object_get(leaf, "commitment"));
	if (issue->salt == NULL ||
	    sodium_hex2bin(salt, sizeof(salt), issue->salt, strlen(issue->salt), NULL, &sn, NULL) != 0 ||
	    sn != sizeof(salt) || kp_tlog_commitment(personal, salt, commitment) != 0 || logged == NULL ||
	    strcmp(commitment, logged) != 0)
		problem(r, "permit %s: its plate or company is not what leaf %lld committed to (edited)", p->id,
		        (long long)issue->idx);
	json_decref(personal);
	const char *withdrawn = kp_permit_withdrawal_act(p->status);
	json_t *other = NULL;
	if (withdrawn && find_leaf(rows, n, withdrawn, &other) == NULL)
		problem(r, "permit %s is %s but the log has no %s leaf", p->id, p->status, withdrawn);
	json_decref(other);
done:
	json_decref(leaf);
	kp_arena_cleanup(&a);
}

/* Every permit against the log, and every issue leaf against the permits. */
static void check_acts(kp_conn_t *c, struct report *r, int64_t *npermits)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_permit_filter_t f = {.limit = 1 << 30};
	kp_permit_t *permits;
	int n = 0;
	if (kp_store_permit_list(c, &a, &f, &permits, &n) != KP_DB_OK)
		problem(r, "the permits could not be read");
	for (int i = 0; i < n; i++)
		check_permit(c, &permits[i], r);
	*npermits = n;
	kp_arena_cleanup(&a);
	for (int64_t next = 0;;) {
		kp_arena_init(&a);
		kp_tlog_row_t *rows;
		int m = 0;
		if (kp_store_tlog_leaves(c, &a, next, BATCH, &rows, &m) != KP_DB_OK)
			m = 0;
		for (int i = 0; i < m; i++) {
			kp_permit_t p;
			if (strcmp(rows[i].kind, "permit.issue") == 0 && rows[i].object &&
			    kp_store_permit_get(c, &a, rows[i].object, &p) == KP_DB_NOTFOUND)
				problem(r, "leaf %lld records permit %s, which the database no longer has (deleted)",
				        (long long)rows[i].idx, rows[i].object);
		}
		next += m;
		kp_arena_cleanup(&a);
		if (m < BATCH)
			break;
	}
}

/* Whether rows (leaves about one object) hold one of kind for partner (NULL: any). */
static bool has_leaf(const kp_tlog_row_t *rows, int n, const char *kind, const char *partner)
{
	for (int i = 0; i < n; i++) {
		json_t *leaf = json_loads(rows[i].entry, 0, NULL);
		const char *p = json_string_value(json_object_get(leaf, "partner"));
		bool match = strcmp(rows[i].kind, kind) == 0 && (partner == NULL || (p && strcmp(p, partner) == 0));
		json_decref(leaf);
		if (match)
			return true;
	}
	return false;
}

/* Every quota (ours and those partners granted us) has its quota.create leaf, and every
 * signing key (ours and the partners' we trust) its key.add, and key.revoke when revoked. */
static void check_quotas_and_keys(kp_conn_t *c, struct report *r, int64_t *nquotas, int64_t *nkeys)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_quota_t *q;
	kp_authority_key_t *k;
	int n = 0, m = 0;
	if (kp_store_quota_list(c, &a, NULL, 0, kp_now(), &q, &n) != KP_DB_OK)
		problem(r, "the quotas could not be read");
	for (int i = 0; i < n; i++) {
		char object[32];
		snprintf(object, sizeof(object), "quota/%lld", (long long)q[i].id);
		kp_tlog_row_t first;
		if (kp_store_tlog_first_of_object(c, &a, object, INT64_MAX, &first) != KP_DB_OK ||
		    strcmp(first.kind, "quota.create") != 0)
			problem(r, "quota %lld (%s for %s, %d) has no quota.create leaf in the log", (long long)q[i].id,
			        q[i].issuer, q[i].verifier, q[i].year);
	}
	if (kp_store_key_list(c, &a, NULL, &k, &m) != KP_DB_OK)
		problem(r, "the signing keys could not be read");
	for (int i = 0; i < m; i++) {
		kp_tlog_row_t *rows;
		int nr = 0;
		if (kp_store_tlog_by_object(c, &a, k[i].kid, &rows, &nr) != KP_DB_OK)
			nr = 0;
		if (!has_leaf(rows, nr, "key.add", k[i].authority))
			problem(r, "key %s of %s has no key.add leaf in the log", k[i].kid, k[i].authority);
		if (k[i].revoked_at && !has_leaf(rows, nr, "key.revoke", k[i].authority))
			problem(r, "key %s of %s is revoked but the log has no key.revoke leaf", k[i].kid, k[i].authority);
	}
	*nquotas = n;
	*nkeys = m;
	kp_arena_cleanup(&a);
}

int kp_cli_log_verify(kp_store_t *store, kp_tlog_t *l, const char *tiles_url)
{
	struct report r = {0};
	kp_conn_t *c = kp_store_acquire(store);
	kp_tlog_tree_t *tree = kp_tlog_tree_new();
	rebuild_from_db(c, tree, &r);
	int64_t checkpoints, permits;
	check_checkpoints(c, kp_tlog_key(l), tree, &r, &checkpoints);
	check_acts(c, &r, &permits);
	int64_t quotas, keys;
	check_quotas_and_keys(c, &r, &quotas, &keys);
	kp_store_release(store, c);
	kp_hash_t root;
	root_at(tree, kp_tlog_tree_size(tree), root);
	char b64[64];
	sodium_bin2base64(b64, sizeof(b64), root, sizeof(root), sodium_base64_VARIANT_ORIGINAL);
	printf("log %s: %lld leaves, root %s; %lld checkpoints, %lld permits, %lld quotas and %lld keys checked\n",
	       kp_tlog_origin(l), (long long)kp_tlog_tree_size(tree), b64, (long long)checkpoints, (long long)permits,
	       (long long)quotas, (long long)keys);
	if (r.late)
		printf("%lld leaves (%lld to %lld) record older acts appended late, at an upgrade (backfilled_at)\n",
		       (long long)r.late, (long long)r.late_first, (long long)r.late_last);
	if (tiles_url) {
		kp_tlog_tree_t *remote = kp_tlog_tree_new();
		int64_t size;
		kp_hash_t rroot, mine;
		char err[256];
		if (kp_cli_log_fetch(tiles_url, kp_tlog_key(l), remote, &size, rroot, NULL, err, sizeof(err)) != 0)
			problem(&r, "the public tiles at %s: %s", tiles_url, err);
		else if (size > kp_tlog_tree_size(tree))
			problem(&r, "the public log at %s has %lld leaves, the database only %lld: leaves were deleted", tiles_url,
			        (long long)size, (long long)kp_tlog_tree_size(tree));
		else if (root_at(tree, size, mine) != 0 || memcmp(mine, rroot, KP_HASH_SIZE) != 0)
			problem(&r, "the public log at %s (size %lld) differs from the database's: a fork", tiles_url,
			        (long long)size);
		else
			printf("the public tiles at %s (size %lld) match the database\n", tiles_url, (long long)size);
		kp_tlog_tree_free(remote);
	}
	kp_tlog_tree_free(tree);
	printf(r.problems ? "FAILED: %d problems\n" : "OK\n", r.problems);
	return r.problems ? 1 : 0;
}
