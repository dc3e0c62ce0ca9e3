/* handshake.c: fetching a partner's configuration and storing its keys. */
#include "exchange/exchange.h"
#include "app/keyring.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/permit.h"
#include "exchange/client.h"
#include "store/exchange.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The keys of a configuration as rows to store; -1 when one is not a usable ES256 key. */
static int read_keys(json_t *cfg, kp_arena_t *a, kp_authority_key_t **out, int *n, char *err, size_t errlen)
{
	json_t *keys = json_object_get(cfg, "keys");
	if (!json_is_array(keys) || json_array_size(keys) == 0 || json_array_size(keys) > 100) {
		snprintf(err, errlen, "the configuration has no \"keys\" array");
		return -1;
	}
	*out = kp_arena_zalloc(a, sizeof(kp_authority_key_t) * json_array_size(keys));
	*n = 0;
	for (int i = 0; i < (int)json_array_size(keys); i++) {
		json_t *jwk = json_array_get(keys, (size_t)i);
		const char *state = json_string_value(json_object_get(jwk, "state"));
		if (state && strcmp(state, "active") != 0)
			continue; /* a kapka partner lists revoked keys apart; never trust one */
		kp_key_t *key = NULL;
		const char *alg = json_string_value(json_object_get(jwk, "alg"));
		if (kp_key_from_jwk(jwk, &key) != 0 || (alg && strcmp(alg, "ES256") != 0)) {
			snprintf(err, errlen, "key %d is not an ES256 P-256 JWK with a kid", i + 1);
			return -1;
		}
		(*out)[*n].kid = kp_arena_strdup(a, kp_key_kid(key));
		kp_key_free(key);
		char *text = json_dumps(jwk, JSON_COMPACT | JSON_SORT_KEYS);
		(*out)[*n].jwk = kp_arena_strdup(a, text);
		(*n)++;
		free(text);
	}
	if (*n == 0) {
		snprintf(err, errlen, "the configuration lists no active key");
		return -1;
	}
	return 0;
}

int kp_exchange_handshake(kp_app_t *app, kp_conn_t *c, const kp_actor_t *who, const char *url, const char *expect_code,
                          char code[KP_AUTHORITY_CODE_MAX + 1], const char **errcode, char *err, size_t errlen)
{
	json_t *cfg = NULL;
	kp_arena_t a;
	kp_arena_init(&a);
	int rc = -1;
	code[0] = '\0';
	if (expect_code)
		snprintf(code, KP_AUTHORITY_CODE_MAX + 1, "%s", expect_code);
	*errcode = "partner_unreachable";
	if (kp_client_fetch_config(url, (long)app->cfg->exchange_timeout_ms, &cfg, err, errlen) != 0) {
		if (kp_client_refused_private(err))
			*errcode = "partner_address_private";
		goto done;
	}
	*errcode = "partner_configuration_invalid";
	const char *got = json_string_value(json_object_get(cfg, "code"));
	const char *name = json_string_value(json_object_get(cfg, "name"));
	if (kp_check_authority_code(got) != NULL) {
		snprintf(err, errlen, "the configuration's \"code\" is not an authority code ([A-Z]+)");
		goto done;
	}
	if (strcmp(got, app->cfg->authority_code) == 0) {
		snprintf(err, errlen, "that address is this authority's own (%s)", got);
		goto done;
	}
	if (expect_code && strcmp(got, expect_code) != 0) {
		snprintf(err, errlen, "the partner at that address now says it is %s, not %s", got, expect_code);
		goto done;
	}
	snprintf(code, KP_AUTHORITY_CODE_MAX + 1, "%s", got);
	kp_authority_key_t *keys;
	int n;
	if (read_keys(cfg, &a, &keys, &n, err, errlen) != 0)
		goto done;
	for (int i = 0; i < n; i++)
		keys[i].authority = code;
	const char *why = NULL;
	int st = kp_store_partner_handshake(c, who, app->cfg->authority_code, code,
	                                    name && name[0] && strlen(name) <= 100 ? name : code, url, keys, n, &why);
	if (st == KP_DB_CONFLICT && why) {
		*errcode = why;
		snprintf(err, errlen, "the partner publishes a key whose kid we hold with other key material");
		goto done;
	}
	if (st != KP_DB_OK) {
		*errcode = "database_error";
		snprintf(err, errlen, "the handshake could not be stored");
		goto done;
	}
	kp_keyring_forget(app->keys, code);
	kp_info("handshake with %s at %s: %d key(s)", code, url, n);
	rc = 0;
done:
	if (rc != 0 && code[0] && strcmp(*errcode, "database_error") != 0)
		kp_store_partner_handshake_failed(c, who, code, err);
	json_decref(cfg);
	kp_arena_cleanup(&a);
	return rc;
}
