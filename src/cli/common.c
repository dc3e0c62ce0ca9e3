/* common.c: what several subcommands share: opening the store, the first admin. */
#include "cli/cli.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/hash.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int kp_cli_wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

kp_store_t *kp_cli_open_store(const kp_config_t *cfg, int pool)
{
	char err[512];
	kp_store_t *s = NULL;
	bool pg = strncmp(cfg->db, "postgres://", 11) == 0 || strncmp(cfg->db, "postgresql://", 13) == 0;
	if (!pg && kp_mkdir_parent(cfg->db) != 0) {
		fprintf(stderr, "kapka: cannot create the folder for %s: %s\n", cfg->db, strerror(errno));
		return NULL;
	}
	if (kp_store_open(cfg->db, pool, (int)cfg->sqlite_sync_full, &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "kapka: %s\n", err);
		return NULL;
	}
	int applied;
	if (kp_store_migrate(s, &applied) != 0) {
		fprintf(stderr, "kapka: the database could not be migrated (see the log above)\n");
		kp_store_close(s);
		return NULL;
	}
	return s;
}

static int admin_exists(kp_conn_t *c)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_user_t *users;
	int n, found = 0;
	if (kp_store_user_list(c, &a, 0, &users, &n) != KP_DB_OK)
		found = -1;
	for (int i = 0; found == 0 && i < n; i++)
		found = strcmp(users[i].role, "admin") == 0;
	kp_arena_cleanup(&a);
	return found;
}

int kp_cli_ensure_admin(kp_store_t *store, const kp_config_t *cfg, const char *url)
{
	kp_conn_t *c = kp_store_acquire(store);
	int exists = admin_exists(c), rc = 0;
	if (exists != 0) {
		kp_store_release(store, c);
		return exists < 0 ? -1 : 0;
	}
	char password[sizeof(cfg->admin_password)], hash[KP_PWHASH_LEN];
	if (cfg->admin_password[0])
		snprintf(password, sizeof(password), "%s", cfg->admin_password);
	else if (kp_random_token(15, password, sizeof(password)) != 0)
		kp_fatal("no randomness available");
	if (kp_password_hash(password, hash) != 0)
		kp_fatal("password hashing failed");
	kp_user_t u = {.username = "admin",
	               .role = "admin",
	               .full_name = "Administrator",
	               .language = "en",
	               .pw_hash = hash};
	kp_actor_t who = {0, "kapka", NULL, NULL};
	rc = kp_store_account_create(c, &who, NULL, &u);
	kp_store_release(store, c);
	if (rc == KP_DB_CONFLICT) {
		fprintf(stderr, "kapka: a user named 'admin' exists but is not an administrator; create one with"
		                " 'kapka user add --role admin'\n");
		return 0;
	}
	if (rc != KP_DB_OK)
		return -1;
	fprintf(stderr,
	        "\nkapka: created the administrator account.\n"
	        "  Sign in at %s with username: admin  password: %s\n"
	        "  (set KAPKA_ADMIN_PASSWORD before the first start to choose it; change it after signing in)\n\n",
	        url, cfg->admin_password[0] ? "(the one in KAPKA_ADMIN_PASSWORD / admin_password)" : password);
	kp_wipe(password, sizeof(password));
	return 0;
}
