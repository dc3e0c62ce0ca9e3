/* anchors.c: pinned trust anchors for the offline checks: `kapka trustlist anchors` writes
 * the keys this authority signs with and those learnt from partners at the handshake; a
 * border device ships with that file, and `kapka verify` trusts a trust list only when one
 * of those keys signed it (a list that carries its own key proves nothing by itself). */
#include "api/trustlist.h"
#include "cli/cli.h"
#include "core/util.h"
#include "crypto/keys.h"
#include "store/permits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANCHORS_MAGIC "kapka-anchors 1"

int kp_cli_anchors_export(kp_config_t *cfg, const char *path)
{
	kp_store_t *s = kp_cli_open_store(cfg, 1);
	if (s == NULL)
		return 1;
	kp_arena_t a;
	kp_arena_init(&a);
	kp_conn_t *c = kp_store_acquire(s);
	json_t *list = kp_trustlist_authorities(c, &a, false); /* ours and the partners' from the handshake */
	json_t *doc = list ? json_pack("{s:s, s:o}", "format", ANCHORS_MAGIC, "authorities", list) : NULL;
	kp_store_release(s, c);
	int rc = 1;
	if (doc && json_dump_file(doc, path ? path : "/dev/stdout", JSON_INDENT(1)) == 0)
		rc = 0;
	else
		fprintf(stderr, "kapka trustlist: could not write the anchors%s%s\n", path ? " to " : "", path ? path : "");
	json_decref(doc);
	kp_arena_cleanup(&a);
	kp_store_close(s);
	return rc;
}

json_t *kp_cli_anchors_load(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);
	json_t *out = NULL;
	if (json_is_array(json_object_get(j, "authorities"))) /* kapka trustlist anchors */
		out = json_incref(j);
	else if (json_is_string(json_object_get(j, "code")) && json_is_array(json_object_get(j, "keys")))
		out = json_pack("{s:[{s:O, s:O}]}", "authorities", "code", json_object_get(j, "code"), "keys",
		                json_object_get(j, "keys")); /* an epermit-configuration */
	else if (json_is_string(json_object_get(j, "kty")))
		out = json_pack("{s:[{s:n, s:[O]}]}", "authorities", "code", "keys", j); /* one JWK, for any issuer */
	json_decref(j);
	if (out == NULL)
		fprintf(stderr,
		        "kapka: %s holds no trust anchors (kapka trustlist anchors, an epermit-configuration or a JWK)\n",
		        path);
	return out;
}

kp_key_t *kp_cli_anchor_key(json_t *anchors, const char *authority, const char *kid)
{
	size_t i, j;
	json_t *au, *jwk;
	json_array_foreach(json_object_get(anchors, "authorities"), i, au) {
		const char *code = json_string_value(json_object_get(au, "code"));
		if (authority && code && strcmp(code, authority) != 0)
			continue;
		json_array_foreach(json_object_get(au, "keys"), j, jwk) {
			/* a lone JWK (no authority) and a lookup without kid take the key as it is */
			const char *k = json_string_value(json_object_get(jwk, "kid"));
			bool match = code == NULL || kid == NULL || (k && strcmp(k, kid) == 0);
			kp_key_t *key = NULL;
			if (match && kp_key_from_jwk(jwk, &key) == 0)
				return key;
		}
	}
	return NULL;
}
