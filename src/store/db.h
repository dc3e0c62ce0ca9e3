/* db.h: the narrow interface the two database backends (sqlite.c, pg.c) implement.
 * SQL is written once with '?' placeholders; the PostgreSQL backend numbers them.
 * Only files in src/store/ include this header. */
#ifndef KP_DB_H
#define KP_DB_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

enum kp_db_rc {
	KP_DB_OK = 0,
	KP_DB_ERR = -1,       /* anything unexpected; logged by the backend */
	KP_DB_CONFLICT = -2,  /* unique or primary key violation */
	KP_DB_REF = -3,       /* foreign key violation */
	KP_DB_BUSY = -4,      /* lock not obtained in time / serialization failure */
	KP_DB_NOTFOUND = -5,  /* the row asked for does not exist */
	KP_DB_FORBIDDEN = -6, /* the row exists but belongs to someone else (nothing of it is told) */
};

enum kp_dialect { KP_DIALECT_SQLITE, KP_DIALECT_PG };

enum kp_val_type { KP_VAL_NULL, KP_VAL_INT, KP_VAL_TEXT };
typedef struct kp_val {
	enum kp_val_type type;
	int64_t i;
	const char *s;
} kp_val_t;

#define KV_INT(x) ((kp_val_t){KP_VAL_INT, (int64_t)(x), NULL})
#define KV_TEXT(x) kp_val_text(x)
#define KV_NULL ((kp_val_t){KP_VAL_NULL, 0, NULL})
static inline kp_val_t kp_val_text(const char *s)
{
	kp_val_t v = {s ? KP_VAL_TEXT : KP_VAL_NULL, 0, s};
	return v;
}

/* A materialised result: every value as text (NULL when SQL NULL), in the caller's arena. */
typedef struct kp_rows {
	int nrows, ncols;
	const char **cols;
	const char **vals; /* nrows * ncols */
} kp_rows_t;

const char *kp_rows_text(const kp_rows_t *r, int row, int col);
int64_t kp_rows_int(const kp_rows_t *r, int row, int col);
int kp_rows_isnull(const kp_rows_t *r, int row, int col);

typedef struct kp_conn kp_conn_t;

struct kp_backend {
	enum kp_dialect dialect;
	const char *name;
	int (*open)(const char *dsn, int sync_full, void **handle, char *err, size_t errlen);
	void (*close)(void *h);
	/* Run one statement with params; when out is non-NULL, collect rows into arena.
	 * cacheable: sql is a string literal whose address identifies it (prepared once). */
	int (*exec)(void *h, const char *sql, int cacheable, const kp_val_t *params, int nparams, kp_arena_t *arena,
	            kp_rows_t *out, int64_t *changes);
	/* Run several statements with no parameters (migrations). */
	int (*script)(void *h, const char *sql);
	int (*begin)(void *h);
	int (*commit)(void *h);
	int (*rollback)(void *h);
	int (*ping)(void *h);
	/* Most recent error text, for logs. */
	const char *(*errmsg)(void *h);
};

extern const struct kp_backend kp_sqlite_backend;
extern const struct kp_backend kp_pg_backend;

/* A pooled connection: what store functions receive. */
struct kp_conn {
	const struct kp_backend *be;
	void *h;
	int in_tx;
	int broken;
	int tlog_appended; /* a transparency-log leaf was appended since the last commit */
};

/* Run sql with params; rows (if out) live in arena. kp_db_exec, kp_db_one and kp_db_run
 * prepare sql once per connection and find it again by its address: sql must be a string
 * literal (or a macro of literals). A buffer filled at run time would, on its second use,
 * run the statement first prepared from it: use kp_db_exec_dynamic for those. */
int kp_db_exec(kp_conn_t *c, kp_arena_t *a, kp_rows_t *out, const char *sql, const kp_val_t *params, int n);
/* The same for SQL built at run time (never cached by address). */
int kp_db_exec_dynamic(kp_conn_t *c, kp_arena_t *a, kp_rows_t *out, const char *sql, const kp_val_t *params, int n);
/* kp_db_exec for a statement that must find exactly one row: KP_DB_NOTFOUND when none. */
int kp_db_one(kp_conn_t *c, kp_arena_t *a, kp_rows_t *out, const char *sql, const kp_val_t *params, int n);
/* Convenience for statements that return nothing; *changes (optional) gets affected rows. */
int kp_db_run(kp_conn_t *c, const char *sql, const kp_val_t *params, int n, int64_t *changes);

#define KP_PARAMS(...) \
	((const kp_val_t[]){__VA_ARGS__}), (int)(sizeof((const kp_val_t[]){__VA_ARGS__}) / sizeof(kp_val_t))

#endif
