/* kp_api_test.h: what the handler tests in tests/unit/api/ share: an application on a
 * migrated SQLite store in a mkdtemp folder, requests built around an already parsed
 * JSON body (handlers never see the HTTP layer), and reading their answers. */
#ifndef KP_API_TEST_H
#define KP_API_TEST_H

#include "kp_req_test.h"

#include "api/api.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/hash.h"

#include <limits.h>

static char kp_t_dir[PATH_MAX];
static kp_config_t kp_t_cfg;
static kp_app_t kp_t_app;

/* cmocka group setup: crypto, default settings, a fresh store. The store logs what it
 * refuses; KAPKA_TEST_VERBOSE=1 shows it. */
static inline int kp_t_group_setup(void **state)
{
	(void)state;
	if (getenv("KAPKA_TEST_VERBOSE") == NULL)
		kp_log_set_level((enum kp_log_level)(KP_LOG_ERROR + 1));
	if (kp_crypto_init() != 0)
		return -1;
	kp_config_defaults(&kp_t_cfg);
	kp_test_mkdtemp(kp_t_dir, sizeof(kp_t_dir));
	char dsn[PATH_MAX + 16], err[256] = "";
	snprintf(dsn, sizeof(dsn), "%s/api.db", kp_t_dir);
	int applied;
	if (kp_store_open(dsn, 2, 0, &kp_t_app.store, err, sizeof(err)) != 0 ||
	    kp_store_migrate(kp_t_app.store, &applied) != 0) {
		print_error("store: %s\n", err);
		return -1;
	}
	kp_t_app.cfg = &kp_t_cfg;
	return 0;
}

static inline int kp_t_group_teardown(void **state)
{
	(void)state;
	kp_store_close(kp_t_app.store);
	kp_test_rmtree(kp_t_dir);
	return 0;
}

/* A request as the HTTP layer hands it to a handler; body NULL for none. */
static inline kp_req_t *kp_t_req(const char *method, const char *body)
{
	kp_req_t *req = kp_calloc(1, sizeof(*req));
	kp_arena_init(&req->arena);
	req->app = &kp_t_app;
	req->method = method;
	snprintf(req->request_id, sizeof(req->request_id), "unit-1");
	snprintf(req->addr, sizeof(req->addr), "192.0.2.1");
	if (body) {
		json_error_t e;
		req->json = json_loads(body, 0, &e);
		if (req->json == NULL)
			fail_msg("bad test JSON: %s", e.text);
	}
	return req;
}

/* Sign the request in as user u (as kp_api_authenticate would). */
static inline void kp_t_as(kp_req_t *req, const kp_user_t *u)
{
	req->auth.user_id = u->id;
	req->auth.org_id = u->org_id;
	req->auth.role = kp_role_parse(u->role);
	req->auth.username = u->username;
}

/* One {name} parameter of the route, as the router would fill it. */
static inline void kp_t_param(kp_req_t *req, const char *name, const char *value)
{
	req->param_names[req->nparams] = name;
	req->param_values[req->nparams++] = value;
}

/* Finish the request as the server does, then free it as kp_req_test.h's teardown does. */
static inline void kp_t_free(kp_req_t *req)
{
	kp_api_finish(req);
	void *state = req;
	kp_t_bare_teardown(&state);
}

static inline const char *kp_t_error_code(const kp_req_t *req)
{
	const char *c = json_string_value(json_object_get(json_object_get(req->reply_json, "error"), "code"));
	return c ? c : "(none)";
}

/* The names in error.fields, sorted and joined by spaces, into out. */
static inline void kp_t_error_fields(const kp_req_t *req, char *out, size_t len)
{
	json_t *fields = json_object_get(json_object_get(req->reply_json, "error"), "fields");
	const char *names[32];
	size_t n = 0, i;
	json_t *f;
	json_array_foreach(fields, i, f)
		if (n < 32)
			names[n++] = json_string_value(json_object_get(f, "field"));
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++)
			if (strcmp(names[b], names[a]) < 0) {
				const char *t = names[a];
				names[a] = names[b];
				names[b] = t;
			}
	out[0] = '\0';
	for (size_t k = 0; k < n; k++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s", k ? " " : "", names[k]);
}

/* Store an organisation directly (fields the test does not care about left empty). */
static inline kp_org_t kp_t_add_org(const char *kind, const char *name, const char *inn)
{
	kp_org_t o = {.kind = kind, .name = name, .inn = inn};
	kp_conn_t *c = kp_store_acquire(kp_t_app.store);
	kp_actor_t who = {0, "unit", NULL, NULL};
	assert_int_equal(kp_store_org_create(c, &who, &o), KP_DB_OK);
	kp_store_release(kp_t_app.store, c);
	return o;
}

/* Store a user directly with a placeholder hash (no argon2id cost). */
static inline kp_user_t kp_t_add_user(const char *username, const char *role, int64_t org_id)
{
	kp_user_t u = {.username = username, .role = role, .org_id = org_id, .pw_hash = "$argon2id$placeholder"};
	kp_conn_t *c = kp_store_acquire(kp_t_app.store);
	kp_actor_t who = {0, "unit", NULL, NULL};
	assert_int_equal(kp_store_account_create(c, &who, NULL, &u), KP_DB_OK);
	kp_store_release(kp_t_app.store, c);
	return u;
}

#endif
