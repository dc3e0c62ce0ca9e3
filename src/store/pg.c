/* pg.c: the PostgreSQL backend over libpq; '?' placeholders become $1, $2, ... */
#include "store/db.h"
#include "core/log.h"
#include "core/util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE 64

struct pg_stmt {
	const char *sql; /* pointer identity of the store's literal */
	char name[16];
};

struct pg_handle {
	PGconn *conn;
	struct pg_stmt cache[STMT_CACHE];
	int ncache;
	char err[512];
};

static int map_state(struct pg_handle *h, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	snprintf(h->err, sizeof(h->err), "%s", res ? PQresultErrorMessage(res) : PQerrorMessage(h->conn));
	if (state == NULL)
		return KP_DB_ERR;
	if (strcmp(state, "23505") == 0)
		return KP_DB_CONFLICT;
	if (strcmp(state, "23503") == 0)
		return KP_DB_REF;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
		return KP_DB_BUSY;
	return KP_DB_ERR;
}

static int pg_open(const char *dsn, int sync_full, void **out, char *err, size_t errlen)
{
	(void)sync_full; /* PostgreSQL commits are durable by its own configuration */
	struct pg_handle *h = kp_calloc(1, sizeof(*h));
	h->conn = PQconnectdb(dsn);
	if (PQstatus(h->conn) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to PostgreSQL: %s", PQerrorMessage(h->conn));
		PQfinish(h->conn);
		free(h);
		return KP_DB_ERR;
	}
	PGresult *r = PQexec(h->conn, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
	PQclear(r);
	*out = h;
	return KP_DB_OK;
}

static void pg_close(void *p)
{
	struct pg_handle *h = p;
	if (h == NULL)
		return;
	PQfinish(h->conn);
	free(h);
}

/* Rewrite '?' outside quotes into $n. Returns a malloc'd string. */
static char *number_placeholders(const char *sql)
{
	size_t len = strlen(sql);
	char *out = kp_malloc(len * 4 + 1);
	char *o = out;
	int n = 0;
	char quote = 0;
	for (const char *s = sql; *s; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
			*o++ = *s;
		} else if (*s == '\'' || *s == '"') {
			quote = *s;
			*o++ = *s;
		} else if (*s == '?') {
			o += sprintf(o, "$%d", ++n);
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

static const char *prepared_name(struct pg_handle *h, const char *sql)
{
	for (int i = 0; i < h->ncache; i++)
		if (h->cache[i].sql == sql)
			return h->cache[i].name;
	if (h->ncache >= STMT_CACHE)
		return NULL;
	struct pg_stmt *s = &h->cache[h->ncache];
	snprintf(s->name, sizeof(s->name), "kp%d", h->ncache);
	char *text = number_placeholders(sql);
	PGresult *r = PQprepare(h->conn, s->name, text, 0, NULL);
	free(text);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		map_state(h, r);
	PQclear(r);
	if (!ok)
		return NULL;
	s->sql = sql;
	h->ncache++;
	return s->name;
}

static int pg_exec(void *p, const char *sql, int cacheable, const kp_val_t *params, int n, kp_arena_t *arena,
                   kp_rows_t *out, int64_t *changes)
{
	struct pg_handle *h = p;
	const char *values[64];
	char ints[64][24];
	if (n > 64)
		kp_fatal("too many SQL parameters (%d)", n);
	for (int i = 0; i < n; i++) {
		if (params[i].type == KP_VAL_NULL)
			values[i] = NULL;
		else if (params[i].type == KP_VAL_INT) {
			snprintf(ints[i], sizeof(ints[i]), "%lld", (long long)params[i].i);
			values[i] = ints[i];
		} else
			values[i] = params[i].s;
	}
	PGresult *r;
	const char *name = cacheable ? prepared_name(h, sql) : NULL;
	if (name) {
		r = PQexecPrepared(h->conn, name, n, values, NULL, NULL, 0);
	} else {
		if (cacheable && (PQstatus(h->conn) != CONNECTION_OK || PQtransactionStatus(h->conn) == PQTRANS_INERROR)) {
			kp_error("postgres prepare failed: %s", h->err);
			return KP_DB_ERR;
		}
		char *text = number_placeholders(sql);
		r = PQexecParams(h->conn, text, n, NULL, values, NULL, NULL, 0);
		free(text);
	}
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		int rc = map_state(h, r);
		if (rc == KP_DB_ERR)
			kp_error("postgres statement failed: %s", h->err);
		PQclear(r);
		return rc;
	}
	if (changes) {
		const char *t = PQcmdTuples(r);
		*changes = *t ? strtoll(t, NULL, 10) : 0;
	}
	if (out) {
		int nr = PQntuples(r), nc = PQnfields(r);
		out->nrows = nr;
		out->ncols = nc;
		out->cols = kp_arena_alloc(arena, sizeof(char *) * (size_t)(nc ? nc : 1));
		for (int c = 0; c < nc; c++)
			out->cols[c] = kp_arena_strdup(arena, PQfname(r, c));
		out->vals = kp_arena_alloc(arena, sizeof(char *) * (size_t)(nr * nc > 0 ? nr * nc : 1));
		for (int i = 0; i < nr; i++)
			for (int c = 0; c < nc; c++)
				out->vals[i * nc + c] = PQgetisnull(r, i, c) ? NULL
				                                             : kp_arena_strndup(arena, PQgetvalue(r, i, c),
				                                                                (size_t)PQgetlength(r, i, c));
	}
	PQclear(r);
	return KP_DB_OK;
}

static int simple(struct pg_handle *h, const char *sql)
{
	PGresult *r = PQexec(h->conn, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	int rc = ok ? KP_DB_OK : map_state(h, r);
	if (rc == KP_DB_ERR)
		kp_error("postgres: %s", h->err);
	PQclear(r);
	return rc;
}

static int pg_script(void *p, const char *sql)
{
	return simple(p, sql);
}
static int pg_begin(void *p)
{
	return simple(p, "BEGIN");
}
static int pg_commit(void *p)
{
	return simple(p, "COMMIT");
}
static int pg_rollback(void *p)
{
	return simple(p, "ROLLBACK");
}

static int pg_ping(void *p)
{
	struct pg_handle *h = p;
	if (PQstatus(h->conn) != CONNECTION_OK) {
		PQreset(h->conn);
		h->ncache = 0; /* prepared statements died with the old session */
		if (PQstatus(h->conn) != CONNECTION_OK)
			return KP_DB_ERR;
	}
	return simple(h, "SELECT 1");
}

static const char *pg_errmsg(void *p)
{
	return ((struct pg_handle *)p)->err;
}

const struct kp_backend kp_pg_backend = {
    .dialect = KP_DIALECT_PG,
    .name = "postgres",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .script = pg_script,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .ping = pg_ping,
    .errmsg = pg_errmsg,
};
