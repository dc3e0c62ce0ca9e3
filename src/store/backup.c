/* backup.c: copying a SQLite database with SQLite's online backup API, for `kapka backup`
 * and `kapka restore`. (PostgreSQL is copied by pg_dump and pg_restore: cli/backup.c.) */
#include "store/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *strip_scheme(const char *dsn)
{
	return strncmp(dsn, "sqlite:", 7) == 0 ? dsn + 7 : dsn;
}

bool kp_backup_is_pg(const char *dsn)
{
	return strncmp(dsn, "postgres://", 11) == 0 || strncmp(dsn, "postgresql://", 13) == 0;
}

int kp_backup_pg_environ(const char *dsn)
{
	PQconninfoOption *opts = PQconninfoParse(dsn, NULL);
	if (opts == NULL)
		return -1;
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (o->val && o->envvar)
			setenv(o->envvar, o->val, 1);
	PQconninfoFree(opts);
	return 0;
}

/* fsync path (a file or a folder); 0 or -1. */
static int sync_path(const char *path, bool dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int sync_parent(const char *path)
{
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	return sync_path(dir, true);
}

/* Every page of from into to, in one read transaction of from (a snapshot: the state of
 * one commit; writers on other connections go on under WAL). */
static int copy_pages(sqlite3 *from, sqlite3 *to, char *err, size_t errlen)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	if (b == NULL) {
		snprintf(err, errlen, "the copy could not start: %s", sqlite3_errmsg(to));
		return -1;
	}
	int rc;
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
		sqlite3_sleep(50);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "the copy failed: %s", sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

/* PRAGMA integrity_check and the schema version of db; 0 when sound. */
static int check_copy(sqlite3 *db, int *schema, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int ok = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0)
			ok = 0;
		sqlite3_finalize(st);
	}
	if (ok != 0) {
		snprintf(err, errlen, "the copy fails SQLite's integrity check");
		return -1;
	}
	*schema = -1;
	if (sqlite3_prepare_v2(db, "SELECT MAX(version) FROM schema_migrations", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			*schema = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (*schema < 1) {
		snprintf(err, errlen, "it is not a kapka database (no applied migrations)");
		return -1;
	}
	return 0;
}

static sqlite3 *open_db(const char *path, int flags, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 10000);
	return db;
}

int kp_backup_sqlite(const char *dsn, const char *dest, int *schema, char *err, size_t errlen)
{
	const char *src = strip_scheme(dsn);
	if (access(dest, F_OK) == 0) {
		snprintf(err, errlen, "%s exists; kapka backup never overwrites a file", dest);
		return -1;
	}
	char part[1100];
	snprintf(part, sizeof(part), "%s.partial", dest);
	unlink(part);
	int fd = open(part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600); /* owner only, like the database */
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", part, strerror(errno));
		return -1;
	}
	close(fd);
	int rc = -1;
	sqlite3 *from = open_db(src, SQLITE_OPEN_READONLY, err, errlen), *to = NULL;
	if (from == NULL || (to = open_db(part, SQLITE_OPEN_READWRITE, err, errlen)) == NULL)
		goto done;
	if (copy_pages(from, to, err, errlen) != 0 || check_copy(to, schema, err, errlen) != 0)
		goto done;
	/* One self-contained file: no -wal beside it. */
	sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	rc = 0;
done:
	sqlite3_close(to);
	sqlite3_close(from);
	if (rc == 0 && (sync_path(part, false) != 0 || rename(part, dest) != 0 || sync_parent(dest) != 0)) {
		snprintf(err, errlen, "cannot write %s: %s", dest, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(part);
	return rc;
}

int kp_restore_sqlite(const char *backup, const char *dsn, int *schema, char *err, size_t errlen)
{
	const char *target = strip_scheme(dsn);
	int rc = -1;
	sqlite3 *from = open_db(backup, SQLITE_OPEN_READONLY, err, errlen), *to = NULL;
	if (from == NULL)
		return -1;
	if (check_copy(from, schema, err, errlen) != 0) {
		char why[256];
		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%s: %s", backup, why);
		goto done;
	}
	int fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	if ((to = open_db(target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err, errlen)) == NULL)
		goto done;
	/* The copy replaces every page of the target, its WAL included, under its locks. */
	if (copy_pages(from, to, err, errlen) != 0)
		goto done;
	if (sqlite3_exec(to, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK ||
	    check_copy(to, schema, err, errlen) != 0)
		goto done;
	rc = 0;
done:
	sqlite3_close(to);
	sqlite3_close(from);
	return rc;
}
