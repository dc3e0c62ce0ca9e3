/* kp_store_test.h: the two database backends the store tests run on, shared by
 * tests/unit/store/test_store.c and test_permits.c: a SQLite file in a mkdtemp folder,
 * and a fresh PostgreSQL database on the server named by KAPKA_TEST_PG. Define
 * KP_TEST_DB_PREFIX (the PostgreSQL database name prefix) before including it. */
#ifndef KP_STORE_TEST_H
#define KP_STORE_TEST_H

#include "kp_test.h"

#include "core/util.h"

#include <libpq-fe.h>
#include <limits.h>
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

#endif
