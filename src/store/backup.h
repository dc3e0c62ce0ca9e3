/* backup.h: whole-database copies for `kapka backup` and `kapka restore`. */
#ifndef KP_BACKUP_H
#define KP_BACKUP_H

#include <stdbool.h>
#include <stddef.h>

/* A postgres:// or postgresql:// address (else a SQLite file). */
bool kp_backup_is_pg(const char *dsn);
/* Put the parts of the PostgreSQL address dsn into the environment variables libpq reads
 * (PGHOST, PGUSER, PGPASSWORD, PGDATABASE, ...), so pg_dump and pg_restore connect without
 * the address, and its password, on their command line, where ps shows it to every user.
 * 0, or -1 when dsn does not parse. */
int kp_backup_pg_environ(const char *dsn);
/* Copy the SQLite database dsn, live, to the new file dest (never overwritten): a snapshot
 * of one commit, checked by SQLite's integrity check, synced and renamed into place.
 * *schema gets its schema version. 0, or -1 with the reason in err. */
int kp_backup_sqlite(const char *dsn, const char *dest, int *schema, char *err, size_t errlen);
/* Replace the SQLite database dsn (created when missing) by the checked copy backup.
 * kapka must not be serving dsn meanwhile. 0, or -1 with the reason in err. */
int kp_restore_sqlite(const char *backup, const char *dsn, int *schema, char *err, size_t errlen);

#endif
