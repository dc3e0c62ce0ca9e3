/* test_routes.c: the route table (src/api/routes.c) against the OpenAPI document
 * (the files in docs/openapi/, merged as the server serves it). Every
 * route must be documented under the same path template and lower-case method, with
 * the roles the table allows, and nothing may be documented that the table lacks.
 * Run from the repository root (make unit does; the path is relative). */
#include "kp_test.h"

#include "api/api.h"
#include "core/embed.h"
#include "domain/account.h"

#include <ctype.h>
#include <glob.h>

#define OPENAPI_PATH "docs/openapi/"

static json_t *doc;

static int group_setup(void **state)
{
	(void)state;
	doc = kp_api_openapi_merge(kp_openapi);
	if (doc == NULL) {
		print_error("cannot merge %s*.json (see the log above)\n", OPENAPI_PATH);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	json_decref(doc);
	return 0;
}

static const char *str_or_empty(json_t *v)
{
	const char *s = json_string_value(v);
	return s ? s : "";
}

static bool is_public(const kp_route_t *r)
{
	return (r->flags & KP_ROUTE_PUBLIC) != 0;
}

static void lower(const char *in, char *out, size_t len)
{
	size_t i = 0;
	for (; in[i] && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

static json_t *operation(const kp_route_t *r)
{
	char m[16];
	lower(r->method, m, sizeof(m));
	return json_object_get(json_object_get(json_object_get(doc, "paths"), r->pattern), m);
}

/* Follow a local "$ref" ("#/components/x/y") once; other values are returned as they are. */
static json_t *deref(json_t *v)
{
	const char *ref = json_string_value(json_object_get(v, "$ref"));
	if (ref == NULL)
		return v;
	if (strncmp(ref, "#/", 2) != 0)
		fail_msg("non-local $ref %s", ref);
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", ref + 2);
	json_t *node = doc;
	for (char *save = NULL, *part = strtok_r(buf, "/", &save); part; part = strtok_r(NULL, "/", &save))
		node = json_object_get(node, part);
	if (node == NULL)
		fail_msg("$ref %s points nowhere", ref);
	return node;
}

static void document_basics(void **state)
{
	(void)state;
	const char *v = json_string_value(json_object_get(doc, "openapi"));
	assert_non_null(v);
	assert_int_equal(strncmp(v, "3.1.", 4), 0);
	assert_non_null(json_string_value(json_object_get(json_object_get(doc, "info"), "title")));
	assert_non_null(json_string_value(json_object_get(json_object_get(doc, "info"), "version")));
	assert_true(json_is_object(json_object_get(doc, "paths")));
	json_t *schemes = json_object_get(json_object_get(doc, "components"), "securitySchemes");
	json_t *bearer = json_object_get(schemes, "bearerToken");
	json_t *cookie = json_object_get(schemes, "sessionCookie");
	json_t *csrf = json_object_get(schemes, "csrfHeader");
	assert_string_equal(json_string_value(json_object_get(bearer, "scheme")), "bearer");
	assert_string_equal(json_string_value(json_object_get(cookie, "in")), "cookie");
	assert_string_equal(json_string_value(json_object_get(cookie, "name")), "kapka_session");
	assert_string_equal(json_string_value(json_object_get(csrf, "in")), "header");
	assert_string_equal(json_string_value(json_object_get(csrf, "name")), "X-CSRF-Token");
	/* the error shape every handler answers */
	json_t *err = json_object_get(json_object_get(json_object_get(json_object_get(json_object_get(doc, "components"),
	                                                                              "schemas"),
	                                                              "Error"),
	                                              "properties"),
	                              "error");
	json_t *props = json_object_get(err, "properties");
	const char *keys[] = {"code", "message", "fields", "request_id"};
	for (size_t i = 0; i < KP_ROWS(keys); i++)
		if (json_object_get(props, keys[i]) == NULL)
			fail_msg("components.schemas.Error.error lacks %s", keys[i]);
}

/* The check the route table's comment promises: every route is documented. */
static void every_route_documented(void **state)
{
	(void)state;
	assert_true(kp_api_nroutes > 0);
	int missing = 0;
	for (size_t i = 0; i < kp_api_nroutes; i++) {
		const kp_route_t *r = &kp_api_routes[i];
		if (operation(r) == NULL) {
			print_error("%s %s is not in %s (paths.\"%s\".%s)\n", r->method, r->pattern, OPENAPI_PATH, r->pattern,
			            r->method);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

static void routes_unique(void **state)
{
	(void)state;
	for (size_t i = 0; i < kp_api_nroutes; i++)
		for (size_t j = i + 1; j < kp_api_nroutes; j++)
			if (strcmp(kp_api_routes[i].method, kp_api_routes[j].method) == 0 &&
			    strcmp(kp_api_routes[i].pattern, kp_api_routes[j].pattern) == 0)
				fail_msg("routes %zu and %zu are both %s %s", i, j, kp_api_routes[i].method, kp_api_routes[i].pattern);
}

/* Every route can be reached: a path built from its pattern routes to it (so no route
 * is shadowed by one listed before it). */
static void routes_reachable(void **state)
{
	(void)state;
	for (size_t i = 0; i < kp_api_nroutes; i++) {
		const kp_route_t *r = &kp_api_routes[i];
		char path[512];
		size_t o = 0;
		for (const char *p = r->pattern; *p && o + 8 < sizeof(path);) {
			if (*p == '{') {
				o += (size_t)snprintf(path + o, sizeof(path) - o, "%d", 424242);
				p = strchr(p, '}') + 1;
			} else {
				path[o++] = *p++;
			}
		}
		path[o] = '\0';
		kp_req_t req;
		memset(&req, 0, sizeof(req));
		kp_arena_init(&req.arena);
		bool known;
		const kp_route_t *got = kp_route_match(kp_api_routes, kp_api_nroutes, &req, r->method, path, &known);
		if (got != r)
			fail_msg("%s %s is answered by %s %s", r->method, path, got ? got->method : "nothing",
			         got ? got->pattern : "");
		kp_arena_cleanup(&req.arena);
	}
}

/* Nothing is documented that the server does not route. */
static void nothing_documented_beyond_table(void **state)
{
	(void)state;
	static const char *const methods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
	static const char *const fixed[] = {"summary", "description", "servers", "parameters", "$ref"};
	const char *path;
	json_t *item;
	json_object_foreach(json_object_get(doc, "paths"), path, item) {
		const char *key;
		json_t *op;
		json_object_foreach(item, key, op) {
			bool is_method = false, is_fixed = false;
			for (size_t i = 0; i < KP_ROWS(methods); i++)
				is_method |= strcmp(key, methods[i]) == 0;
			for (size_t i = 0; i < KP_ROWS(fixed); i++)
				is_fixed |= strcmp(key, fixed[i]) == 0;
			if (!is_method) {
				if (!is_fixed)
					fail_msg("paths.\"%s\" has unknown key %s", path, key);
				continue;
			}
			bool routed = false;
			for (size_t i = 0; i < kp_api_nroutes; i++) {
				char m[16];
				lower(kp_api_routes[i].method, m, sizeof(m));
				routed |= strcmp(kp_api_routes[i].pattern, path) == 0 && strcmp(m, key) == 0;
			}
			if (!routed)
				fail_msg("%s documents %s %s, which src/api/routes.c does not route", OPENAPI_PATH, key, path);
		}
	}
}

static bool has_string(json_t *array, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(array, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return true;
	return false;
}

/* operationId, tags, summary and a success response on every operation; operationIds
 * unique; tags declared at the top. */
static void operations_complete(void **state)
{
	(void)state;
	json_t *ids = json_object();
	json_t *toptags = json_array();
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(doc, "tags"), i, t)
		json_array_append(toptags, json_object_get(t, "name"));
	for (i = 0; i < kp_api_nroutes; i++) {
		const kp_route_t *r = &kp_api_routes[i];
		json_t *op = operation(r);
		if (op == NULL)
			continue; /* every_route_documented reports it */
		const char *id = json_string_value(json_object_get(op, "operationId"));
		if (id == NULL || *id == '\0')
			fail_msg("%s %s has no operationId", r->method, r->pattern);
		if (json_object_get(ids, id))
			fail_msg("operationId %s is used twice", id);
		json_object_set_new(ids, id, json_true());
		json_t *tags = json_object_get(op, "tags");
		if (json_array_size(tags) == 0)
			fail_msg("%s %s has no tags", r->method, r->pattern);
		size_t k;
		json_t *tag;
		json_array_foreach(tags, k, tag)
			if (!has_string(toptags, json_string_value(tag)))
				fail_msg("%s %s: tag %s is not declared in tags", r->method, r->pattern, json_string_value(tag));
		if (json_string_value(json_object_get(op, "summary")) == NULL)
			fail_msg("%s %s has no summary", r->method, r->pattern);
		bool success = false;
		const char *code;
		json_t *resp;
		json_object_foreach(json_object_get(op, "responses"), code, resp)
			success |= code[0] == '2';
		if (!success)
			fail_msg("%s %s documents no 2xx response", r->method, r->pattern);
	}
	json_decref(ids);
	json_decref(toptags);
}

static const char *const role_names[] = {"carrier", "traveller", "officer", "ministry", "auditor", "admin"};

/* x-kapka-roles lists exactly the table's roles; public routes list none and need no
 * security; the others may be reached by bearer token or cookie, and cookie requests
 * that change state need the CSRF header too. 401 and (when a role can be refused)
 * 403 are documented. */
static void roles_and_security(void **state)
{
	(void)state;
	for (size_t i = 0; i < kp_api_nroutes; i++) {
		const kp_route_t *r = &kp_api_routes[i];
		json_t *op = operation(r);
		if (op == NULL)
			continue;
		json_t *roles = json_object_get(op, "x-kapka-roles");
		if (!json_is_array(roles))
			fail_msg("%s %s has no x-kapka-roles array", r->method, r->pattern);
		unsigned want = is_public(r) ? 0 : r->roles, got = 0;
		size_t k;
		json_t *v;
		json_array_foreach(roles, k, v) {
			unsigned bit = kp_role_parse(json_string_value(v));
			if (bit == 0)
				fail_msg("%s %s: x-kapka-roles has unknown role %s", r->method, r->pattern,
				         json_string_value(v) ? json_string_value(v) : "(not a string)");
			got |= bit;
		}
		if (got != want)
			fail_msg("%s %s: x-kapka-roles is 0x%x, the route table says 0x%x", r->method, r->pattern, got, want);
		for (size_t b = 0; b < KP_ROWS(role_names); b++) {
			bool named = strstr(str_or_empty(json_object_get(op, "description")), role_names[b]) != NULL;
			if ((want & (1u << b)) && !named)
				fail_msg("%s %s: description does not name the role %s", r->method, r->pattern, role_names[b]);
		}

		json_t *sec = json_object_get(op, "security");
		json_t *responses = json_object_get(op, "responses");
		if (is_public(r)) {
			if (!json_is_array(sec) || json_array_size(sec) != 0)
				fail_msg("%s %s is public but does not say security: []", r->method, r->pattern);
			continue;
		}
		if (sec == NULL)
			sec = json_object_get(doc, "security");
		if (json_array_size(sec) == 0)
			fail_msg("%s %s needs a sign-in but documents no security", r->method, r->pattern);
		bool state_changing = strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
		bool bearer = false, cookie = false;
		json_array_foreach(sec, k, v) {
			bool has_cookie = json_object_get(v, "sessionCookie") != NULL;
			bool has_csrf = json_object_get(v, "csrfHeader") != NULL;
			bearer |= json_object_get(v, "bearerToken") != NULL;
			cookie |= has_cookie;
			if (state_changing && has_cookie && !has_csrf)
				fail_msg("%s %s allows the cookie without X-CSRF-Token", r->method, r->pattern);
		}
		if (!bearer || !cookie)
			fail_msg("%s %s must allow both the bearer token and the session cookie", r->method, r->pattern);
		if (json_object_get(responses, "401") == NULL)
			fail_msg("%s %s does not document 401", r->method, r->pattern);
		if ((state_changing || (r->roles & KP_ROLES_ALL) != KP_ROLES_ALL) && json_object_get(responses, "403") == NULL)
			fail_msg("%s %s does not document 403", r->method, r->pattern);
	}
}

/* Routes that need a JSON body say so, with the errors a body can cause. A route that
 * needs none may still read an optional one (POST /api/v1/permits/{id}/return takes an
 * optional reason): it may document a body only as not required, with 400, 413 and 415. */
static void request_bodies(void **state)
{
	(void)state;
	for (size_t i = 0; i < kp_api_nroutes; i++) {
		const kp_route_t *r = &kp_api_routes[i];
		json_t *op = operation(r);
		if (op == NULL)
			continue;
		json_t *body = json_object_get(op, "requestBody");
		if (r->flags & KP_ROUTE_RAW_BODY)
			continue; /* the handler reads the body itself (POST {epermit}/events: a JWS) */
		if (!(r->flags & KP_ROUTE_JSON_BODY)) {
			if (body == NULL)
				continue;
			if (!json_is_false(json_object_get(body, "required")))
				fail_msg("%s %s documents a required body the route does not take", r->method, r->pattern);
			if (json_object_get(json_object_get(body, "content"), "application/json") == NULL)
				fail_msg("%s %s: the optional body must be application/json", r->method, r->pattern);
			static const char *const optional_codes[] = {"400", "413", "415"};
			for (size_t k = 0; k < KP_ROWS(optional_codes); k++)
				if (json_object_get(json_object_get(op, "responses"), optional_codes[k]) == NULL)
					fail_msg("%s %s does not document %s", r->method, r->pattern, optional_codes[k]);
			continue;
		}
		if (body == NULL || !json_is_true(json_object_get(body, "required")))
			fail_msg("%s %s needs a required requestBody", r->method, r->pattern);
		if (json_object_get(json_object_get(body, "content"), "application/json") == NULL)
			fail_msg("%s %s: the body must be application/json", r->method, r->pattern);
		static const char *const codes[] = {"400", "413", "415", "422"};
		for (size_t k = 0; k < KP_ROWS(codes); k++)
			if (json_object_get(json_object_get(op, "responses"), codes[k]) == NULL)
				fail_msg("%s %s does not document %s", r->method, r->pattern, codes[k]);
	}
}

/* Every {name} in a pattern is a required path parameter of the operation. */
static void path_parameters(void **state)
{
	(void)state;
	for (size_t i = 0; i < kp_api_nroutes; i++) {
		const kp_route_t *r = &kp_api_routes[i];
		json_t *op = operation(r);
		if (op == NULL)
			continue;
		int declared = 0;
		size_t k;
		json_t *p;
		json_array_foreach(json_object_get(op, "parameters"), k, p) {
			p = deref(p);
			if (strcmp(str_or_empty(json_object_get(p, "in")), "path") != 0)
				continue;
			declared++;
			const char *name = json_string_value(json_object_get(p, "name"));
			char brace[80];
			snprintf(brace, sizeof(brace), "{%s}", name ? name : "");
			if (strstr(r->pattern, brace) == NULL)
				fail_msg("%s %s declares path parameter %s it does not have", r->method, r->pattern, brace);
			if (!json_is_true(json_object_get(p, "required")))
				fail_msg("%s %s: path parameter %s must be required", r->method, r->pattern, brace);
		}
		int in_pattern = 0;
		for (const char *s = r->pattern; (s = strchr(s, '{')) != NULL; s++)
			in_pattern++;
		if (declared != in_pattern)
			fail_msg("%s %s has %d {parameters} but documents %d", r->method, r->pattern, in_pattern, declared);
	}
}

static void check_refs(json_t *v, int *count)
{
	if (json_is_object(v)) {
		const char *key;
		json_t *child;
		json_object_foreach(v, key, child) {
			if (strcmp(key, "$ref") == 0 && json_is_string(child)) {
				deref(v); /* fails the test when it points nowhere */
				(*count)++;
			} else {
				check_refs(child, count);
			}
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *child;
		json_array_foreach(v, i, child)
			check_refs(child, count);
	}
}

static void refs_resolve(void **state)
{
	(void)state;
	int n = 0;
	check_refs(doc, &n);
	assert_true(n > 0);
}

/* Collect into codes every error code a response schema names (an "error" object's
 * code enum, also inside allOf/oneOf/anyOf and behind $ref). */
static void error_codes_in(json_t *schema, json_t *codes, int depth)
{
	if (!json_is_object(schema) || depth > 8)
		return;
	schema = deref(schema);
	json_t *e = json_object_get(json_object_get(schema, "properties"), "error");
	json_t *en = json_object_get(json_object_get(json_object_get(deref(e ? e : json_null()), "properties"), "code"),
	                             "enum");
	size_t i;
	json_t *v;
	json_array_foreach(en, i, v)
		json_array_append(codes, v);
	static const char *const combos[] = {"allOf", "oneOf", "anyOf"};
	for (size_t k = 0; k < KP_ROWS(combos); k++)
		json_array_foreach(json_object_get(schema, combos[k]), i, v)
			error_codes_in(v, codes, depth + 1);
}

/* Every error code an operation documents is one the Error schema declares, so a
 * client that switches on components.schemas.Error's enum sees them all. */
static void error_codes_declared(void **state)
{
	(void)state;
	json_t *declared =
	    json_object_get(json_object_get(json_object_get(json_object_get(json_object_get(json_object_get(doc,
	                                                                                                    "components"),
	                                                                                    "schemas"),
	                                                                    "Error"),
	                                                    "properties"),
	                                    "error"),
	                    "properties");
	declared = json_object_get(json_object_get(declared, "code"), "enum");
	assert_true(json_array_size(declared) > 0);
	int checked = 0;
	for (size_t i = 0; i < kp_api_nroutes; i++) {
		json_t *op = operation(&kp_api_routes[i]);
		const char *status;
		json_t *resp;
		json_object_foreach(json_object_get(op, "responses"), status, resp) {
			json_t *media = json_object_get(json_object_get(deref(resp), "content"), "application/json");
			json_t *codes = json_array();
			error_codes_in(json_object_get(media, "schema"), codes, 0);
			size_t k;
			json_t *c;
			json_array_foreach(codes, k, c) {
				checked++;
				if (!has_string(declared, json_string_value(c)))
					fail_msg("%s %s answers %s with code %s, which components.schemas.Error does not declare",
					         kp_api_routes[i].method, kp_api_routes[i].pattern, status, json_string_value(c));
			}
			/* the example, when there is one, uses a documented code */
			const char *ex = json_string_value(
			    json_object_get(json_object_get(json_object_get(media, "example"), "error"), "code"));
			if (ex && json_array_size(codes) > 0 && !has_string(codes, ex))
				fail_msg("%s %s: the %s example's code %s is not among the codes documented for it",
				         kp_api_routes[i].method, kp_api_routes[i].pattern, status, ex);
			json_decref(codes);
		}
	}
	assert_true(checked > 0);
}

/* A route with a {parameter} in its path documents 404 (no such object). */
static void path_objects_document_404(void **state)
{
	(void)state;
	for (size_t i = 0; i < kp_api_nroutes; i++) {
		const kp_route_t *r = &kp_api_routes[i];
		json_t *op = operation(r);
		if (op && strchr(r->pattern, '{') && json_object_get(json_object_get(op, "responses"), "404") == NULL)
			fail_msg("%s %s does not document 404", r->method, r->pattern);
	}
}

/* The binary serves the document it was built with: each embedded file must be the one
 * in docs/openapi/, and no file there may be missing from the build. */
static void embedded_copy_is_current(void **state)
{
	(void)state;
	size_t n = 0;
	for (const struct kp_embed *e = kp_openapi; e->name; e++, n++) {
		char path[256];
		snprintf(path, sizeof(path), "%s%s", OPENAPI_PATH, e->name);
		FILE *f = fopen(path, "rb");
		if (f == NULL)
			fail_msg("%s is compiled in but missing; rebuild with make", path);
		fseek(f, 0, SEEK_END);
		long len = ftell(f);
		rewind(f);
		char *buf = malloc((size_t)len + 1);
		assert_non_null(buf);
		assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		if (e->len != (size_t)len || memcmp(e->data, buf, (size_t)len) != 0)
			fail_msg("%s compiled into libkapka.a differs from the file; rebuild with make", path);
		free(buf);
	}
	glob_t g;
	assert_int_equal(glob(OPENAPI_PATH "*.json", 0, NULL, &g), 0);
	if (g.gl_pathc != n)
		fail_msg("%zu files in %s but %zu compiled in; rebuild with make", g.gl_pathc, OPENAPI_PATH, n);
	globfree(&g);
}

/* Two area files defining the same path is refused, not silently overwritten. */
static void merge_refuses_duplicates(void **state)
{
	(void)state;
	static const char base[] = "{\"openapi\":\"3.1.0\"}";
	static const char a[] = "{\"paths\":{\"/x\":{}},\"components\":{\"schemas\":{\"X\":{}}}}";
	static const char b[] = "{\"paths\":{\"/x\":{}}}";
	static const char c[] = "{\"components\":{\"schemas\":{\"X\":{}}}}";
	const struct kp_embed ok[] = {{"00", base, sizeof(base) - 1}, {"10", a, sizeof(a) - 1}, {0, 0, 0}};
	const struct kp_embed dup_path[] = {{"00", base, sizeof(base) - 1},
	                                    {"10", a, sizeof(a) - 1},
	                                    {"11", b, sizeof(b) - 1},
	                                    {0, 0, 0}};
	const struct kp_embed dup_schema[] = {{"00", base, sizeof(base) - 1},
	                                      {"10", a, sizeof(a) - 1},
	                                      {"11", c, sizeof(c) - 1},
	                                      {0, 0, 0}};
	json_t *d = kp_api_openapi_merge(ok);
	assert_non_null(json_object_get(json_object_get(d, "paths"), "/x"));
	json_decref(d);
	assert_null(kp_api_openapi_merge(dup_path));
	assert_null(kp_api_openapi_merge(dup_schema));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(document_basics),
	    cmocka_unit_test(every_route_documented),
	    cmocka_unit_test(routes_unique),
	    cmocka_unit_test(routes_reachable),
	    cmocka_unit_test(nothing_documented_beyond_table),
	    cmocka_unit_test(operations_complete),
	    cmocka_unit_test(roles_and_security),
	    cmocka_unit_test(request_bodies),
	    cmocka_unit_test(path_parameters),
	    cmocka_unit_test(refs_resolve),
	    cmocka_unit_test(error_codes_declared),
	    cmocka_unit_test(path_objects_document_404),
	    cmocka_unit_test(embedded_copy_is_current),
	    cmocka_unit_test(merge_refuses_duplicates),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
