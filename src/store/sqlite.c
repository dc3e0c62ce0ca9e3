/* sqlite.c: the SQLite backend (WAL, busy timeout, foreign keys, prepared-statement cache). */
#include "store/db.h"
#include "core/log.h"
#include "core/fold.h"
#include "core/util.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define STMT_CACHE 64

struct cached_stmt {
	const char *sql; /* pointer identity: store SQL is string literals */
	sqlite3_stmt *stmt;
};

struct sqlite_handle {
	sqlite3 *db;
	struct cached_stmt cache[STMT_CACHE];
	int ncache;
};

static int map_rc(struct sqlite_handle *h, int rc)
{
	switch (rc) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return KP_DB_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return KP_DB_BUSY;
	}
	int ext = sqlite3_extended_errcode(h->db);
	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return KP_DB_CONFLICT;
	if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
		return KP_DB_REF;
	return KP_DB_ERR;
}

/* kp_fold(text): the search folding of core/fold.h (SQLite's own LOWER folds ASCII only);
 * NULL stays NULL. PostgreSQL has the same function (store.c). */
static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	if (s == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	size_t len;
	char *out = kp_fold_utf8(s, (size_t)sqlite3_value_bytes(argv[0]), &len);
	if (out == NULL)
		sqlite3_result_error_nomem(ctx);
	else
		sqlite3_result_text64(ctx, out, len, free, SQLITE_UTF8);
}

static int sq_open(const char *dsn, int sync_full, void **out, char *err, size_t errlen)
{
	struct sqlite_handle *h = kp_calloc(1, sizeof(*h));
	const char *path = strncmp(dsn, "sqlite:", 7) == 0 ? dsn + 7 : dsn;
	/* Create the file readable by its owner only (SQLite would follow the umask, often
	 * world-readable); its -wal and -shm files take the same mode. */
	if (strcmp(path, ":memory:") != 0 && path[0] != '\0') {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
	}
	int rc = sqlite3_open_v2(path, &h->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open SQLite database %s: %s", path,
		         h->db ? sqlite3_errmsg(h->db) : "out of memory");
		sqlite3_close(h->db);
		free(h);
		return KP_DB_ERR;
	}
	sqlite3_busy_timeout(h->db, 10000);
	sqlite3_extended_result_codes(h->db, 1);
	char pragmas[256];
	snprintf(pragmas, sizeof(pragmas), "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;",
	         sync_full ? "FULL" : "NORMAL");
	char *msg = NULL;
	if (sqlite3_create_function_v2(h->db, "kp_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	                               sql_fold, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(h->db, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "cannot set up SQLite database %s: %s", path, msg ? msg : "unknown error");
		sqlite3_free(msg);
		sqlite3_close(h->db);
		free(h);
		return KP_DB_ERR;
	}
	*out = h;
	return KP_DB_OK;
}

static void sq_close(void *p)
{
	struct sqlite_handle *h = p;
	if (h == NULL)
		return;
	for (int i = 0; i < h->ncache; i++)
		sqlite3_finalize(h->cache[i].stmt);
	sqlite3_close(h->db);
	free(h);
}

static sqlite3_stmt *prepare(struct sqlite_handle *h, const char *sql, int cacheable, int *cached)
{
	*cached = 0;
	for (int i = 0; cacheable && i < h->ncache; i++)
		if (h->cache[i].sql == sql) {
			*cached = 1;
			return h->cache[i].stmt;
		}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	if (cacheable && h->ncache < STMT_CACHE) {
		h->cache[h->ncache].sql = sql;
		h->cache[h->ncache++].stmt = st;
		*cached = 1;
	} else {
		*cached = 0;
	}
	return st;
}

static int sq_exec(void *p, const char *sql, int cacheable, const kp_val_t *params, int n, kp_arena_t *arena,
                   kp_rows_t *out, int64_t *changes)
{
	struct sqlite_handle *h = p;
	int cached = 0;
	sqlite3_stmt *st = prepare(h, sql, cacheable, &cached);
	if (st == NULL) {
		kp_error("sqlite prepare failed: %s", sqlite3_errmsg(h->db));
		return map_rc(h, sqlite3_errcode(h->db));
	}
	for (int i = 0; i < n; i++) {
		switch (params[i].type) {
		case KP_VAL_NULL:
			sqlite3_bind_null(st, i + 1);
			break;
		case KP_VAL_INT:
			sqlite3_bind_int64(st, i + 1, params[i].i);
			break;
		case KP_VAL_TEXT:
			sqlite3_bind_text(st, i + 1, params[i].s, -1, SQLITE_STATIC);
			break;
		}
	}
	int ncols = sqlite3_column_count(st), cap = 0, rc;
	if (out) {
		memset(out, 0, sizeof(*out));
		out->ncols = ncols;
		out->cols = kp_arena_alloc(arena, sizeof(char *) * (size_t)(ncols ? ncols : 1));
		for (int c = 0; c < ncols; c++)
			out->cols[c] = kp_arena_strdup(arena, sqlite3_column_name(st, c));
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out == NULL)
			continue;
		if (out->nrows == cap) {
			int ncap = cap ? cap * 2 : 8;
			const char **nv = kp_arena_alloc(arena, sizeof(char *) * (size_t)ncap * (size_t)ncols);
			if (cap)
				memcpy(nv, out->vals, sizeof(char *) * (size_t)cap * (size_t)ncols);
			out->vals = nv;
			cap = ncap;
		}
		for (int c = 0; c < ncols; c++) {
			const unsigned char *t = sqlite3_column_text(st, c);
			out->vals[out->nrows * ncols + c] = t ? kp_arena_strndup(arena, (const char *)t,
			                                                         (size_t)sqlite3_column_bytes(st, c))
			                                      : NULL;
		}
		out->nrows++;
	}
	int result = rc == SQLITE_DONE ? KP_DB_OK : map_rc(h, rc);
	if (result == KP_DB_ERR)
		kp_error("sqlite step failed: %s", sqlite3_errmsg(h->db));
	if (changes)
		*changes = sqlite3_changes64(h->db);
	if (cached) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else {
		sqlite3_finalize(st);
	}
	return result;
}

static int sq_script(void *p, const char *sql)
{
	struct sqlite_handle *h = p;
	char *msg = NULL;
	int rc = sqlite3_exec(h->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		kp_error("sqlite script failed: %s", msg ? msg : "unknown error");
		sqlite3_free(msg);
		return map_rc(h, rc);
	}
	return KP_DB_OK;
}

static int simple(void *p, const char *sql)
{
	struct sqlite_handle *h = p;
	int rc = sqlite3_exec(h->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? KP_DB_OK : map_rc(h, rc);
}

/* IMMEDIATE: take the write lock at BEGIN so concurrent writers queue on the busy
 * timeout instead of failing when a read transaction tries to upgrade. */
static int sq_begin(void *p)
{
	return simple(p, "BEGIN IMMEDIATE");
}
static int sq_commit(void *p)
{
	return simple(p, "COMMIT");
}
static int sq_rollback(void *p)
{
	return simple(p, "ROLLBACK");
}
static int sq_ping(void *p)
{
	return simple(p, "SELECT 1");
}
static const char *sq_errmsg(void *p)
{
	return sqlite3_errmsg(((struct sqlite_handle *)p)->db);
}

const struct kp_backend kp_sqlite_backend = {
    .dialect = KP_DIALECT_SQLITE,
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .script = sq_script,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .ping = sq_ping,
    .errmsg = sq_errmsg,
};
