/* demo.c: `kapka demo`: demonstration data for a fresh database, so that a newcomer
 * sees a working system at once. Each capability adds a step to the table below. */
#include "cli/cli.h"
#include "core/util.h"
#include "crypto/hash.h"

#include <stdio.h>
#include <string.h>

#define DEMO_PASSWORD "kapka-demo-2026"

struct demo_ctx {
	kp_conn_t *c;
	kp_arena_t *a;
	const char *pw_hash;
	kp_actor_t who;
};

static int add_user(struct demo_ctx *d, int64_t org_id, const char *username, const char *role, const char *name,
                    const char *lang)
{
	kp_user_t u = {.org_id = org_id, .username = username, .role = role, .full_name = name, .language = lang,
	               .pw_hash = d->pw_hash};
	int rc = kp_store_account_create(d->c, &d->who, NULL, &u);
	if (rc == KP_DB_OK)
		printf("  %-10s %-12s password %s\n", role, username, DEMO_PASSWORD);
	return rc;
}

static int add_org(struct demo_ctx *d, kp_org_t *o)
{
	return kp_store_org_create(d->c, &d->who, o);
}

static int demo_accounts(struct demo_ctx *d)
{
	kp_org_t ministry = {.kind = "ministry", .name = "Ministry of Transport and Communications", .address = "Bishkek, 42 Isanov St",
	                     .contact_phone = "+996 312 314 312"};
	kp_org_t border = {.kind = "border_service", .name = "Border Service of the Kyrgyz Republic", .address = "Bishkek"};
	kp_org_t customs = {.kind = "customs", .name = "State Customs Service", .address = "Bishkek"};
	kp_org_t carrier = {.kind = "carrier", .name = "Ala-Too Trans LLC", .inn = "01507201910123",
	                    .address = "Bishkek, 7 Jibek Jolu Ave", .contact_name = "Nurlan Asanov",
	                    .contact_phone = "+996 555 123 456", .contact_email = "office@alatoo-trans.kg",
	                    .licence_number = "KG-AT-2024-0417"};
	if (add_org(d, &ministry) || add_org(d, &border) || add_org(d, &customs) || add_org(d, &carrier))
		return -1;
	if (add_user(d, ministry.id, "ministry", "ministry", "Aida Bekova", "ru") ||
	    add_user(d, ministry.id, "auditor", "auditor", "Timur Osmonov", "ru") ||
	    add_user(d, border.id, "officer", "officer", "Bakyt Usenov", "ky") ||
	    add_user(d, carrier.id, "carrier", "carrier", "Nurlan Asanov", "ru") ||
	    add_user(d, 0, "traveller", "traveller", "Anna Schmidt", "en"))
		return -1;
	return 0;
}

static const struct {
	const char *name;
	int (*load)(struct demo_ctx *);
} steps[] = {
	{"accounts", demo_accounts},
};

static int already_loaded(kp_conn_t *c, kp_arena_t *a)
{
	kp_user_t u;
	return kp_store_user_by_name(c, a, "ministry", &u) == KP_DB_OK;
}

int kp_cli_demo(kp_config_t *cfg, int argc, char **argv)
{
	if (kp_cli_wants_help(argc, argv)) {
		printf("usage: kapka demo [--db PATH_OR_URL]\n\n"
		       "Loads demonstration data (organisations, one user per role, and the data of every\n"
		       "capability) into the database, and creates the administrator if there is none.\n"
		       "Does nothing when the demonstration data is already there.\n"
		       "Every demonstration user's password is " DEMO_PASSWORD ".\n");
		return 0;
	}
	kp_store_t *s = kp_cli_open_store(cfg, 1);
	if (s == NULL)
		return 1;
	kp_arena_t a;
	kp_arena_init(&a);
	kp_conn_t *c = kp_store_acquire(s);
	int rc = 0;
	if (already_loaded(c, &a)) {
		printf("kapka demo: the demonstration data is already loaded\n");
		goto done;
	}
	char hash[KP_PWHASH_LEN];
	if (kp_password_hash(DEMO_PASSWORD, hash) != 0)
		kp_fatal("password hashing failed");
	struct demo_ctx d = {c, &a, hash, {0, "kapka-demo", NULL, NULL}};
	printf("kapka demo: loading demonstration data; users:\n");
	for (size_t i = 0; i < KP_ARRAY_LEN(steps); i++)
		if (steps[i].load(&d) != 0) {
			fprintf(stderr, "kapka demo: step '%s' failed (is this a fresh database?)\n", steps[i].name);
			rc = 1;
			goto done;
		}
done:
	kp_store_release(s, c);
	kp_arena_cleanup(&a);
	if (rc == 0) {
		char url[128];
		snprintf(url, sizeof(url), "http://%s:%lld/", cfg->listen, cfg->port);
		rc = kp_cli_ensure_admin(s, cfg, url) == 0 ? 0 : 1;
	}
	kp_store_close(s);
	return rc;
}
