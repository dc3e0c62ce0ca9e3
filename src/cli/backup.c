/* backup.c: `kapka backup DEST` and `kapka restore SRC`: a whole-database copy taken while
 * kapka serves, and putting one back (docs/operations.md). SQLite through its online backup
 * API (store/backup.c); PostgreSQL through pg_dump's custom format and pg_restore. */
#include "cli/cli.h"
#include "store/backup.h"
#include "core/clock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run the PostgreSQL tool argv (PATH search) connected to dsn through libpq's environment
 * variables (never on its command line, which ps shows) and wait; its exit status, or -1
 * when it could not run. */
static int run_tool(char *const argv[], const char *dsn)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (kp_backup_pg_environ(dsn) != 0) {
			fprintf(stderr, "kapka: the database address does not parse\n");
			_exit(127);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "kapka: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* pg_dump's custom format: one consistent snapshot (a repeatable-read transaction) that
 * does not block writers; written to DEST.partial, then renamed. */
static int backup_pg(const char *dsn, const char *dest)
{
	char part[1100];
	snprintf(part, sizeof(part), "%s.partial", dest);
	unlink(part);
	char *argv[] = {"pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", part, NULL};
	int rc = run_tool(argv, dsn);
	if (rc != 0) {
		fprintf(stderr, "kapka backup: pg_dump failed (%d); nothing was written to %s\n", rc, dest);
		unlink(part);
		return 1;
	}
	chmod(part, 0600);
	if (rename(part, dest) != 0) {
		fprintf(stderr, "kapka backup: cannot rename %s: %s\n", part, strerror(errno));
		return 1;
	}
	return 0;
}

static int restore_pg(const char *src, const char *dsn)
{
	char file[1100];
	snprintf(file, sizeof(file), "%s", src);
	/* --dbname names the database libpq's PGDATABASE holds: restore into it, not a file */
	char *argv[] = {"pg_restore",
	                "--clean",
	                "--if-exists",
	                "--no-owner",
	                "--no-privileges",
	                "--single-transaction",
	                "--exit-on-error",
	                "--dbname",
	                "",
	                file,
	                NULL};
	int rc = run_tool(argv, dsn);
	if (rc != 0) {
		fprintf(stderr, "kapka restore: pg_restore failed (%d); the transaction was rolled back\n", rc);
		return 1;
	}
	return 0;
}

int kp_cli_backup(kp_config_t *cfg, int argc, char **argv)
{
	if (kp_cli_wants_help(argc, argv) || argc != 1) {
		printf("usage: kapka backup DEST [--db PATH_OR_URL]\n\n"
		       "Copies the whole database to the new file DEST while kapka serves: the state of one\n"
		       "commit. SQLite: the online backup API, checked with SQLite's integrity check.\n"
		       "PostgreSQL: pg_dump --format=custom (restore it with kapka restore).\n"
		       "The key passphrase file (key_passphrase_file) is not in it: keep it apart.\n");
		return argc == 1 ? 0 : 2;
	}
	int64_t t0 = kp_mono_us();
	if (access(argv[0], F_OK) == 0) {
		fprintf(stderr, "kapka backup: %s exists; kapka backup never overwrites a file\n", argv[0]);
		return 1;
	}
	if (kp_backup_is_pg(cfg->db)) {
		if (backup_pg(cfg->db, argv[0]) != 0)
			return 1;
		printf("backed up PostgreSQL to %s in %.3f s\n", argv[0], (double)(kp_mono_us() - t0) / 1e6);
		return 0;
	}
	char err[512];
	int schema;
	if (kp_backup_sqlite(cfg->db, argv[0], &schema, err, sizeof(err)) != 0) {
		fprintf(stderr, "kapka backup: %s\n", err);
		return 1;
	}
	printf("backed up %s (schema %d) to %s in %.3f s\n", cfg->db, schema, argv[0], (double)(kp_mono_us() - t0) / 1e6);
	return 0;
}

int kp_cli_restore(kp_config_t *cfg, int argc, char **argv)
{
	bool force = argc == 2 && strcmp(argv[1], "--force") == 0;
	if (kp_cli_wants_help(argc, argv) || argc < 1 || (argc == 2 && !force) || argc > 2) {
		printf("usage: kapka restore SRC [--force] [--db PATH_OR_URL]\n\n"
		       "Replaces the database with a copy kapka backup made. Stop every kapka serving it\n"
		       "first. An existing SQLite database is replaced only with --force; PostgreSQL is\n"
		       "restored with pg_restore --clean in one transaction. kapka serve then applies any\n"
		       "newer migrations.\n");
		return kp_cli_wants_help(argc, argv) ? 0 : 2;
	}
	int64_t t0 = kp_mono_us();
	if (access(argv[0], R_OK) != 0) {
		fprintf(stderr, "kapka restore: cannot read %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	if (kp_backup_is_pg(cfg->db)) {
		if (restore_pg(argv[0], cfg->db) != 0)
			return 1;
		printf("restored %s into PostgreSQL in %.3f s\n", argv[0], (double)(kp_mono_us() - t0) / 1e6);
		return 0;
	}
	struct stat st;
	const char *path = strncmp(cfg->db, "sqlite:", 7) == 0 ? cfg->db + 7 : cfg->db;
	if (stat(path, &st) == 0 && st.st_size > 0 && !force) {
		fprintf(stderr, "kapka restore: %s exists; give --force to replace it (stop kapka first)\n", path);
		return 1;
	}
	char err[512];
	int schema;
	if (kp_restore_sqlite(argv[0], cfg->db, &schema, err, sizeof(err)) != 0) {
		fprintf(stderr, "kapka restore: %s\n", err);
		return 1;
	}
	printf("restored %s (schema %d) into %s in %.3f s\n", argv[0], schema, path, (double)(kp_mono_us() - t0) / 1e6);
	return 0;
}
