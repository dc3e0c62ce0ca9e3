/* tlog.c: appending leaves to the transparency log and reading leaves, checkpoints and
 * cosignatures back. */
#include "store/tlog.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "tlog/merkle.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_bool tlog_on = true;

void kp_tlog_set_enabled(bool on)
{
	atomic_store(&tlog_on, on);
}

bool kp_tlog_enabled(void)
{
	return atomic_load(&tlog_on);
}

int kp_tlog_append(kp_conn_t *c, const kp_tlog_leaf_t *leaf, int64_t *index)
{
	return kp_tlog_append_late(c, leaf, 0, 0, index);
}

int kp_tlog_append_late(kp_conn_t *c, const kp_tlog_leaf_t *leaf, int64_t at, int64_t backfilled_at, int64_t *index)
{
	if (index)
		*index = -1;
	if (!kp_tlog_enabled())
		return KP_DB_OK;
	uint8_t salt[KP_TLOG_SALT_SIZE];
	char salt_hex[2 * KP_TLOG_SALT_SIZE + 1], hash_hex[2 * KP_HASH_SIZE + 1];
	char *entry;
	size_t len;
	if (at == 0)
		at = kp_now();
	if (kp_random_bytes(salt, sizeof(salt)) != 0 ||
	    kp_tlog_leaf_encode_late(leaf, at, backfilled_at, salt, &entry, &len) != 0) {
		kp_error("transparency log: cannot encode a %s leaf", leaf->kind ? leaf->kind : "(no kind)");
		return KP_DB_ERR;
	}
	kp_hash_t h;
	kp_merkle_leaf_hash(entry, len, h);
	sodium_bin2hex(hash_hex, sizeof(hash_hex), h, sizeof(h));
	sodium_bin2hex(salt_hex, sizeof(salt_hex), salt, sizeof(salt));
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	/* The one-row update numbers the leaf and holds the row lock until commit, so leaf
	 * indexes have no gaps and follow commit order on PostgreSQL too. */
	int rc = kp_db_exec(c, &a, &r, "UPDATE tlog_state SET size = size + 1 WHERE id = 1 RETURNING size - 1", NULL, 0);
	if (rc == KP_DB_OK && r.nrows != 1)
		rc = KP_DB_ERR;
	int64_t idx = rc == KP_DB_OK ? kp_rows_int(&r, 0, 0) : -1;
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "INSERT INTO tlog_leaves (idx, kind, object, entry, hash, salt, at) VALUES (?, ?, ?, ?, ?, ?, "
		               "?)",
		               KP_PARAMS(KV_INT(idx), KV_TEXT(leaf->kind), KV_TEXT(leaf->object), KV_TEXT(entry),
		                         KV_TEXT(hash_hex), leaf->personal ? KV_TEXT(salt_hex) : KV_NULL, KV_INT(at)),
		               NULL);
	free(entry);
	kp_arena_cleanup(&a);
	if (rc != KP_DB_OK)
		return rc;
	c->tlog_appended = 1;
	if (index)
		*index = idx;
	return KP_DB_OK;
}

static void (*commit_hook)(void *arg, kp_conn_t *c);
static void *commit_hook_arg;

void kp_tlog_set_commit_hook(void (*fn)(void *arg, kp_conn_t *c), void *arg)
{
	commit_hook_arg = arg;
	commit_hook = fn;
}

void kp_tlog_committed(kp_conn_t *c)
{
	c->tlog_appended = 0;
	if (commit_hook)
		commit_hook(commit_hook_arg, c);
}

int kp_tlog_row_hash(const kp_tlog_row_t *row, kp_hash_t h)
{
	kp_hash_t stored;
	size_t n;
	kp_merkle_leaf_hash(row->entry, strlen(row->entry), h);
	return row->hash && sodium_hex2bin(stored, sizeof(stored), row->hash, strlen(row->hash), NULL, &n, NULL) == 0 &&
	               n == sizeof(stored) && memcmp(stored, h, KP_HASH_SIZE) == 0
	           ? 0
	           : -1;
}

int kp_store_tlog_size(kp_conn_t *c, int64_t *size)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_db_one(c, &a, &r, "SELECT size FROM tlog_state WHERE id = 1", NULL, 0);
	if (rc == KP_DB_OK)
		*size = kp_rows_int(&r, 0, 0);
	kp_arena_cleanup(&a);
	return rc;
}

#define LEAF_COLUMNS "idx, at, kind, object, entry, hash, salt"

static int leaves_from_rows(kp_arena_t *a, const kp_rows_t *r, kp_tlog_row_t **out, int *n)
{
	*n = r->nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_tlog_row_t) * (size_t)(r->nrows + 1));
	for (int i = 0; i < r->nrows; i++) {
		kp_tlog_row_t *l = &(*out)[i];
		l->idx = kp_rows_int(r, i, 0);
		l->at = kp_rows_int(r, i, 1);
		l->kind = kp_rows_text(r, i, 2);
		l->object = kp_rows_text(r, i, 3);
		l->entry = kp_rows_text(r, i, 4);
		l->hash = kp_rows_text(r, i, 5);
		l->salt = kp_rows_text(r, i, 6);
	}
	return KP_DB_OK;
}

int kp_store_tlog_leaves(kp_conn_t *c, kp_arena_t *a, int64_t from, int limit, kp_tlog_row_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT " LEAF_COLUMNS " FROM tlog_leaves WHERE idx >= ? ORDER BY idx LIMIT ?",
	                    KP_PARAMS(KV_INT(from), KV_INT(limit)));
	return rc != KP_DB_OK ? rc : leaves_from_rows(a, &r, out, n);
}

int kp_store_tlog_by_object(kp_conn_t *c, kp_arena_t *a, const char *object, kp_tlog_row_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " LEAF_COLUMNS " FROM tlog_leaves WHERE object = ? ORDER BY idx DESC LIMIT 100",
	                    KP_PARAMS(KV_TEXT(object)));
	return rc != KP_DB_OK ? rc : leaves_from_rows(a, &r, out, n);
}

int kp_store_tlog_first_of_object(kp_conn_t *c, kp_arena_t *a, const char *object, int64_t below, kp_tlog_row_t *out)
{
	kp_rows_t r;
	kp_tlog_row_t *rows;
	int n;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " LEAF_COLUMNS " FROM tlog_leaves WHERE object = ? AND idx < ? ORDER BY idx LIMIT 1",
	                    KP_PARAMS(KV_TEXT(object), KV_INT(below)));
	if (rc != KP_DB_OK)
		return rc;
	if (r.nrows == 0)
		return KP_DB_NOTFOUND;
	leaves_from_rows(a, &r, &rows, &n);
	*out = rows[0];
	return KP_DB_OK;
}

int kp_store_tlog_checkpoint_put(kp_conn_t *c, const kp_tlog_checkpoint_t *cp)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	rc = kp_db_exec(c, &a, &r, "SELECT root FROM tlog_checkpoints WHERE size = ?", KP_PARAMS(KV_INT(cp->size)));
	if (rc == KP_DB_OK && r.nrows == 0)
		rc = kp_db_run(c, "INSERT INTO tlog_checkpoints (size, root, note, signed_at) VALUES (?, ?, ?, ?)",
		               KP_PARAMS(KV_INT(cp->size), KV_TEXT(cp->root), KV_TEXT(cp->note), KV_INT(cp->signed_at)), NULL);
	kp_arena_cleanup(&a);
	rc = kp_store_end(c, rc);
	/* Another instance signed the same size first: theirs stands. */
	return rc == KP_DB_CONFLICT ? KP_DB_OK : rc;
}

static void checkpoint_from_row(const kp_rows_t *r, int i, kp_tlog_checkpoint_t *out)
{
	out->size = kp_rows_int(r, i, 0);
	out->root = kp_rows_text(r, i, 1);
	out->note = kp_rows_text(r, i, 2);
	out->signed_at = kp_rows_int(r, i, 3);
}

int kp_store_tlog_checkpoint_latest(kp_conn_t *c, kp_arena_t *a, int64_t at_most, kp_tlog_checkpoint_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r,
	                   "SELECT size, root, note, signed_at FROM tlog_checkpoints WHERE size <= ? ORDER BY size DESC "
	                   "LIMIT 1",
	                   KP_PARAMS(KV_INT(at_most)));
	if (rc == KP_DB_OK)
		checkpoint_from_row(&r, 0, out);
	return rc;
}

int kp_store_tlog_checkpoint_list(kp_conn_t *c, kp_arena_t *a, int64_t from, int limit, kp_tlog_checkpoint_t **out,
                                  int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT size, root, note, signed_at FROM tlog_checkpoints WHERE size >= ? ORDER BY size LIMIT "
	                    "?",
	                    KP_PARAMS(KV_INT(from), KV_INT(limit)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_tlog_checkpoint_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		checkpoint_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_tlog_cosignature_put(kp_conn_t *c, int64_t size, const char *witness, const char *line, int64_t at)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c, "DELETE FROM tlog_cosignatures WHERE size = ? AND witness = ?",
	               KP_PARAMS(KV_INT(size), KV_TEXT(witness)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "INSERT INTO tlog_cosignatures (size, witness, line, at) VALUES (?, ?, ?, ?)",
		               KP_PARAMS(KV_INT(size), KV_TEXT(witness), KV_TEXT(line), KV_INT(at)), NULL);
	return kp_store_end(c, rc);
}

int kp_store_tlog_cosignatures(kp_conn_t *c, kp_arena_t *a, int64_t size, const char ***lines, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT line FROM tlog_cosignatures WHERE size = ? ORDER BY witness",
	                    KP_PARAMS(KV_INT(size)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*lines = kp_arena_zalloc(a, sizeof(char *) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*lines)[i] = kp_rows_text(&r, i, 0);
	return KP_DB_OK;
}

int kp_store_tlog_key_get(kp_conn_t *c, kp_arena_t *a, kp_tlog_key_row_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT origin, vkey, salt, nonce, sealed, created_at FROM tlog_keys WHERE id = 1",
	                   NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	out->origin = kp_rows_text(&r, 0, 0);
	out->vkey = kp_rows_text(&r, 0, 1);
	out->salt = kp_rows_text(&r, 0, 2);
	out->nonce = kp_rows_text(&r, 0, 3);
	out->sealed = kp_rows_text(&r, 0, 4);
	out->created_at = kp_rows_int(&r, 0, 5);
	return KP_DB_OK;
}

int kp_store_tlog_key_put(kp_conn_t *c, const kp_tlog_key_row_t *k)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c,
	               "INSERT INTO tlog_keys (id, origin, vkey, salt, nonce, sealed, created_at) VALUES (1, ?, ?, ?, ?, "
	               "?, ?)",
	               KP_PARAMS(KV_TEXT(k->origin), KV_TEXT(k->vkey), KV_TEXT(k->salt), KV_TEXT(k->nonce),
	                         KV_TEXT(k->sealed), KV_INT(k->created_at)),
	               NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, &(kp_actor_t){0, "kapka", NULL, NULL}, "tlog.key_create", "tlog_key", "1", NULL,
		                         json_pack("{s:s, s:s}", "origin", k->origin, "vkey", k->vkey));
	return kp_store_end(c, rc);
}

int kp_store_tlog_cosigned_size(kp_conn_t *c, const char *witness, int64_t *size)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_db_exec(c, &a, &r, "SELECT COALESCE(MAX(size), 0) FROM tlog_cosignatures WHERE witness = ?",
	                    KP_PARAMS(KV_TEXT(witness)));
	*size = rc == KP_DB_OK && r.nrows == 1 ? kp_rows_int(&r, 0, 0) : 0;
	kp_arena_cleanup(&a);
	return rc;
}
