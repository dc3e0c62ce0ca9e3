/* user.c: `kapka user add|passwd|list`: accounts from the command line; passwords
 * are read from standard input, never from arguments. */
#include "cli/cli.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "domain/account.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out, "usage: kapka user add --role ROLE --username NAME [--org NAME_OR_ID [--org-kind KIND]]\n"
	             "                      [--full-name TEXT] [--email ADDR] [--language ky|ru|en]\n"
	             "       kapka user passwd --username NAME\n"
	             "       kapka user list\n\n"
	             "The password is read from the first line of standard input, e.g.\n"
	             "  printf '%%s\\n' 'a long password' | kapka user add --role officer --username aibek \\\n"
	             "      --org 'Border Service' --org-kind border_service\n"
	             "ROLE: carrier, traveller, officer, ministry, auditor, admin. --org names an existing\n"
	             "organisation by id or exact name; with --org-kind a missing one is created.\n");
}

static int read_password(char *buf, size_t len)
{
	if (fgets(buf, (int)len, stdin) == NULL) {
		fprintf(stderr, "kapka user: no password on standard input\n");
		return -1;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	const char *why = kp_check_password(buf);
	if (why) {
		fprintf(stderr, "kapka user: the password %s\n", why);
		return -1;
	}
	return 0;
}

struct opts {
	const char *role, *username, *org, *org_kind, *full_name, *email, *language;
};

static int parse(int argc, char **argv, struct opts *o)
{
	for (int i = 0; i < argc; i++) {
		const char **dst = NULL;
		if (strcmp(argv[i], "--role") == 0)
			dst = &o->role;
		else if (strcmp(argv[i], "--username") == 0)
			dst = &o->username;
		else if (strcmp(argv[i], "--org") == 0)
			dst = &o->org;
		else if (strcmp(argv[i], "--org-kind") == 0)
			dst = &o->org_kind;
		else if (strcmp(argv[i], "--full-name") == 0)
			dst = &o->full_name;
		else if (strcmp(argv[i], "--email") == 0)
			dst = &o->email;
		else if (strcmp(argv[i], "--language") == 0)
			dst = &o->language;
		if (dst == NULL || i + 1 >= argc) {
			fprintf(stderr, "kapka user: unknown or incomplete argument '%s'\n", argv[i]);
			return -1;
		}
		*dst = argv[++i];
	}
	return 0;
}

/* Find the organisation by id or exact name, creating it when a kind is given. */
static int resolve_org(kp_conn_t *c, kp_arena_t *a, const struct opts *o, kp_org_t *org)
{
	long long id;
	if (kp_parse_int(o->org, 1, INT64_MAX, &id) == 0)
		return kp_store_org_get(c, a, id, org) == KP_DB_OK ? 0 : -1;
	kp_org_t *all;
	int n;
	if (kp_store_org_list(c, a, NULL, &all, &n) != KP_DB_OK)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(all[i].name, o->org) == 0) {
			*org = all[i];
			return 0;
		}
	if (o->org_kind == NULL || !kp_org_kind_valid(o->org_kind))
		return -1;
	memset(org, 0, sizeof(*org));
	org->kind = o->org_kind;
	org->name = o->org;
	kp_actor_t who = {0, "kapka", NULL, NULL};
	return kp_store_org_create(c, &who, org) == KP_DB_OK ? 0 : -1;
}

static int user_add(kp_store_t *s, const struct opts *o)
{
	unsigned role = o->role ? kp_role_parse(o->role) : 0;
	const char *why = o->username ? kp_check_username(o->username) : "is required";
	if ((role & KP_ROLES_ALL) == 0 || why) {
		fprintf(stderr, "kapka user add: %s\n",
		        (role & KP_ROLES_ALL) == 0 ? "--role must be one of carrier, traveller, officer,"
		                                     " ministry, auditor, admin"
		                                   : why);
		return 2;
	}
	char password[300], hash[KP_PWHASH_LEN];
	if (read_password(password, sizeof(password)) != 0)
		return 2;
	int rc = 1;
	kp_arena_t a;
	kp_arena_init(&a);
	kp_conn_t *c = kp_store_acquire(s);
	kp_org_t org = {0};
	if (o->org && resolve_org(c, &a, o, &org) != 0) {
		fprintf(stderr, "kapka user add: no organisation '%s' (give --org-kind to create it)\n", o->org);
		goto done;
	}
	if (!kp_role_fits_org(role, o->org ? org.kind : NULL)) {
		fprintf(stderr, "kapka user add: a %s %s\n", o->role,
		        o->org ? "cannot belong to that kind of organisation" : "needs --org");
		goto done;
	}
	if (kp_password_hash(password, hash) != 0)
		kp_fatal("password hashing failed");
	kp_user_t u = {.org_id = org.id,
	               .username = o->username,
	               .role = o->role,
	               .full_name = o->full_name,
	               .email = o->email,
	               .language = o->language,
	               .pw_hash = hash};
	kp_actor_t who = {0, "kapka", NULL, NULL};
	int r = kp_store_account_create(c, &who, NULL, &u);
	if (r == KP_DB_CONFLICT)
		fprintf(stderr, "kapka user add: the username '%s' is taken\n", o->username);
	else if (r != KP_DB_OK)
		fprintf(stderr, "kapka user add: the database refused (see the log above)\n");
	else {
		printf("created %s '%s' (id %lld)\n", o->role, o->username, (long long)u.id);
		rc = 0;
	}
done:
	kp_wipe(password, sizeof(password));
	kp_store_release(s, c);
	kp_arena_cleanup(&a);
	return rc;
}

static int user_passwd(kp_store_t *s, const struct opts *o)
{
	char password[300], hash[KP_PWHASH_LEN];
	if (o->username == NULL) {
		fprintf(stderr, "kapka user passwd: --username is required\n");
		return 2;
	}
	if (read_password(password, sizeof(password)) != 0)
		return 2;
	kp_arena_t a;
	kp_arena_init(&a);
	kp_conn_t *c = kp_store_acquire(s);
	kp_user_t u;
	int rc = 1;
	if (kp_store_user_by_name(c, &a, o->username, &u) != KP_DB_OK) {
		fprintf(stderr, "kapka user passwd: no user '%s'\n", o->username);
	} else {
		if (kp_password_hash(password, hash) != 0)
			kp_fatal("password hashing failed");
		kp_actor_t who = {0, "kapka", NULL, NULL};
		if (kp_store_user_set_password(c, &who, u.id, hash) == KP_DB_OK) {
			printf("password of '%s' changed\n", o->username);
			rc = 0;
		}
	}
	kp_wipe(password, sizeof(password));
	kp_store_release(s, c);
	kp_arena_cleanup(&a);
	return rc;
}

static int user_list(kp_store_t *s)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_conn_t *c = kp_store_acquire(s);
	kp_user_t *users;
	int n, rc = 1;
	if (kp_store_user_list(c, &a, 0, &users, &n) == KP_DB_OK) {
		for (int i = 0; i < n; i++)
			printf("%-6lld %-24s %-10s %-10s org %lld\n", (long long)users[i].id, users[i].username, users[i].role,
			       users[i].status, (long long)users[i].org_id);
		rc = 0;
	}
	kp_store_release(s, c);
	kp_arena_cleanup(&a);
	return rc;
}

int kp_cli_user(kp_config_t *cfg, int argc, char **argv)
{
	if (argc == 0 || kp_cli_wants_help(argc, argv)) {
		usage(argc == 0 ? stderr : stdout);
		return argc == 0 ? 2 : 0;
	}
	struct opts o = {0};
	if (parse(argc - 1, argv + 1, &o) != 0)
		return 2;
	const char *verb = argv[0];
	if (strcmp(verb, "add") != 0 && strcmp(verb, "passwd") != 0 && strcmp(verb, "list") != 0) {
		fprintf(stderr, "kapka user: unknown command '%s'\n", verb);
		usage(stderr);
		return 2;
	}
	kp_store_t *s = kp_cli_open_store(cfg, 1);
	if (s == NULL)
		return 1;
	int rc = strcmp(verb, "add") == 0      ? user_add(s, &o)
	         : strcmp(verb, "passwd") == 0 ? user_passwd(s, &o)
	                                       : user_list(s);
	kp_store_close(s);
	return rc;
}
