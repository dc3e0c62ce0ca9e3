/* kp_store_test.h: the two database backends the store tests run on, shared by
 * tests/unit/store/test_*.c: a SQLite file in a mkdtemp folder, and a fresh PostgreSQL
 * database on the server named by KAPKA_TEST_PG; and the migrated store each test opens
 * on it. Define KP_TEST_DB_PREFIX (the PostgreSQL database name prefix) before including it. */
#ifndef KP_STORE_TEST_H
#define KP_STORE_TEST_H

#include "kp_test.h"

#include "core/log.h"
#include "core/util.h"
#include "store/store.h"

#include <libpq-fe.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct backend {
	const char *name;
	bool pg;
	char dir[PATH_MAX];   /* SQLite: the folder of the database files */
	char admin_url[1024]; /* PostgreSQL: KAPKA_TEST_PG */
	char db_url[1200];    /* PostgreSQL: the test database */
	char db_name[64];
	int serial;
};

static struct backend sqlite_be = {.name = "sqlite"};
static struct backend pg_be = {.name = "postgres", .pg = true};
static struct backend *B; /* the backend of the group that is running */

/* The URL with its database name replaced by name. */
static inline void url_with_db(const char *url, const char *name, char *out, size_t len)
{
	const char *hosts = strstr(url, "://");
	hosts = hosts ? hosts + 3 : url;
	const char *path = strchr(hosts, '/');
	const char *query = strchr(hosts, '?');
	if (path == NULL || (query && query < path))
		path = query ? query : hosts + strlen(hosts);
	snprintf(out, len, "%.*s/%s%s", (int)(path - url), url, name, query ? query : "");
}

/* Run one statement on a fresh connection to url; fails the test when it fails. */
static inline void pg_run(const char *url, const char *sql)
{
	PGconn *conn = PQconnectdb(url);
	if (PQstatus(conn) != CONNECTION_OK)
		fail_msg("cannot connect to %s: %s", url, PQerrorMessage(conn));
	PQclear(PQexec(conn, "SET client_min_messages = warning"));
	PGresult *r = PQexec(conn, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(conn);
}

static int group_setup_sqlite(void **state)
{
	(void)state;
	B = &sqlite_be;
	kp_test_mkdtemp(B->dir, sizeof(B->dir));
	return 0;
}

static int group_teardown_sqlite(void **state)
{
	(void)state;
	kp_test_rmtree(sqlite_be.dir);
	return 0;
}

static int group_setup_pg(void **state)
{
	(void)state;
	B = &pg_be;
	snprintf(B->admin_url, sizeof(B->admin_url), "%s", getenv("KAPKA_TEST_PG"));
	snprintf(B->db_name, sizeof(B->db_name), KP_TEST_DB_PREFIX "_%ld_%lld", (long)getpid(), (long long)kp_now_ms());
	url_with_db(B->admin_url, B->db_name, B->db_url, sizeof(B->db_url));
	char sql[256];
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", B->db_name);
	pg_run(B->admin_url, sql);
	return 0;
}

static int group_teardown_pg(void **state)
{
	(void)state;
	char sql[256];
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", pg_be.db_name);
	pg_run(pg_be.admin_url, sql);
	return 0;
}

/* A fresh database of the running backend: a new SQLite file named after file_prefix, or
 * the PostgreSQL test database emptied. */
static inline void kp_store_fx_dsn(char *dsn, size_t len, const char *file_prefix)
{
	if (B->pg) {
		pg_run(B->db_url, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
		snprintf(dsn, len, "%s", B->db_url);
	} else {
		snprintf(dsn, len, "%s/%s-%d.db", B->dir, file_prefix, ++B->serial);
	}
}

/* The common fields of a store test fixture: KP_STORE_FX_FIELDS inside its struct. */
#define KP_STORE_FX_FIELDS \
	char dsn[PATH_MAX + 64]; \
	kp_store_t *s; \
	kp_conn_t *c; \
	kp_arena_t a

/* Open a migrated store with pool connections on a fresh database and hold one
 * connection: KP_STORE_FX_OPEN(f, "prefix", pool) on a fixture with KP_STORE_FX_FIELDS.
 * 0, or -1 with the problem printed. */
static inline int kp_store_fx_open(char *dsn, size_t len, kp_store_t **s, kp_conn_t **c, kp_arena_t *a,
                                   const char *file_prefix, int pool)
{
	kp_arena_init(a);
	kp_store_fx_dsn(dsn, len, file_prefix);
	char err[512];
	int applied;
	if (kp_store_open(dsn, pool, 0, s, err, sizeof(err)) != 0) {
		print_error("kp_store_open(%s): %s\n", dsn, err);
		return -1;
	}
	if (kp_store_migrate(*s, &applied) != 0)
		return -1;
	*c = kp_store_acquire(*s);
	return 0;
}
#define KP_STORE_FX_OPEN(f, prefix, pool) \
	kp_store_fx_open((f)->dsn, sizeof((f)->dsn), &(f)->s, &(f)->c, &(f)->a, (prefix), (pool))

/* Give back the connection, close the store, free the arena (a fixture half set up too). */
#define KP_STORE_FX_CLOSE(f) \
	do { \
		if ((f)->c) \
			kp_store_release((f)->s, (f)->c); \
		kp_store_close((f)->s); \
		kp_arena_cleanup(&(f)->a); \
	} while (0)

/* The plain fixture: a migrated store on a fresh database and one held connection. */
typedef struct kp_store_fx {
	KP_STORE_FX_FIELDS;
} kp_store_fx_t;

/* Connections in the plain fixture's pool; define it before including this to change it. */
#ifndef KP_STORE_FX_POOL
#define KP_STORE_FX_POOL 2
#endif

/* cmocka setup: *state is a kp_store_fx_t on a fresh database of the running backend. */
static inline int kp_store_fx_setup(void **state)
{
	kp_store_fx_t *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	*state = f;
	return KP_STORE_FX_OPEN(f, KP_TEST_DB_PREFIX, KP_STORE_FX_POOL);
}

/* cmocka teardown of kp_store_fx_setup's fixture. */
static inline int kp_store_fx_teardown(void **state)
{
	kp_store_fx_t *f = *state;
	if (f == NULL)
		return 0;
	KP_STORE_FX_CLOSE(f);
	free(f);
	return 0;
}

/* A test of the TESTS list on the plain fixture. */
#define KP_STORE_FX_TEST(test) cmocka_unit_test_setup_teardown(test, kp_store_fx_setup, kp_store_fx_teardown)

/* The single number a SELECT COUNT(*) ... answers; fails the test when it fails. */
static inline long long kp_store_count(kp_conn_t *c, const char *sql)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	if (kp_db_exec_dynamic(c, &a, &r, sql, NULL, 0) != KP_DB_OK)
		fail_msg("%s failed", sql);
	long long n = kp_rows_int(&r, 0, 0);
	kp_arena_cleanup(&a);
	return n;
}

/* n instances open dsn and migrate it at once, each on its own thread, as instances
 * starting together would; every one must succeed. Answers how many migrations they
 * applied between them. */
struct kp_store_racer {
	const char *dsn;
	int rc, applied;
};

static inline void *kp_store_race_one(void *p)
{
	struct kp_store_racer *r = p;
	char err[256];
	kp_store_t *s;
	r->rc = kp_store_open(r->dsn, 1, 0, &s, err, sizeof(err));
	if (r->rc == 0) {
		r->rc = kp_store_migrate(s, &r->applied);
		kp_store_close(s);
	}
	return NULL;
}

static inline int kp_store_race_migrate(const char *dsn, int n)
{
	pthread_t t[8];
	struct kp_store_racer r[8];
	assert_true(n > 0 && n <= 8);
	for (int i = 0; i < n; i++) {
		r[i] = (struct kp_store_racer){dsn, -9, 0};
		assert_int_equal(pthread_create(&t[i], NULL, kp_store_race_one, &r[i]), 0);
	}
	int total = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(r[i].rc, 0);
		total += r[i].applied;
	}
	return total;
}

/* main() for a store test program: the tests on SQLite, then on PostgreSQL when
 * KAPKA_TEST_PG is set. The store logs what it refuses (conflicts, injected faults);
 * those are expected here, and KAPKA_TEST_VERBOSE=1 shows them. */
#define KP_STORE_TEST_MAIN(what, ...) \
	int main(void) \
	{ \
		if (getenv("KAPKA_TEST_VERBOSE") == NULL) \
			kp_log_set_level((enum kp_log_level)(KP_LOG_ERROR + 1)); \
		const struct CMUnitTest tests[] = {__VA_ARGS__}; \
		int failed = cmocka_run_group_tests_name(what " on SQLite", tests, group_setup_sqlite, group_teardown_sqlite); \
		const char *pg = getenv("KAPKA_TEST_PG"); \
		if (pg && *pg) \
			failed += cmocka_run_group_tests_name(what " on PostgreSQL", tests, group_setup_pg, group_teardown_pg); \
		else \
			print_message("[  SKIPPED ] " what " on PostgreSQL: set KAPKA_TEST_PG=postgres://... to run it " \
			              "(sh tests/pg.sh starts a throwaway server)\n"); \
		return failed; \
	}

#endif
