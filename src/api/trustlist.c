/* trustlist.c: the signed offline trust list (see trustlist.h). */
#include "api/trustlist.h"
#include "api/api.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "crypto/jws.h"
#include "domain/dates.h"
#include "domain/trustlist.h"
#include "store/exchange.h"
#include "store/travellers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *kp_trustlist_authorities(kp_conn_t *c, kp_arena_t *a, bool with_revoked)
{
	kp_authority_t *au;
	kp_authority_key_t *k;
	int na, nk;
	if (kp_store_authority_list(c, a, &au, &na) != KP_DB_OK || kp_store_key_list(c, a, NULL, &k, &nk) != KP_DB_OK)
		return NULL;
	json_t *list = json_array();
	for (int i = 0; i < na; i++) {
		json_t *keys = json_array();
		for (int j = 0; j < nk; j++) {
			json_t *jwk = strcmp(k[j].authority, au[i].code) == 0 && (with_revoked || !k[j].revoked_at)
			                  ? json_loads(k[j].jwk, 0, NULL)
			                  : NULL;
			if (jwk == NULL)
				continue;
			if (k[j].revoked_at)
				json_object_set_new(jwk, "revoked_at", json_integer(k[j].revoked_at));
			json_array_append_new(keys, jwk);
		}
		if (json_array_size(keys))
			json_array_append_new(list,
			                      json_pack("{s:s, s:s, s:o}", "code", au[i].code, "name", au[i].name, "keys", keys));
		else
			json_decref(keys);
	}
	return list;
}

/* {"TRACECA": [{"member", "from", "to"|null}, ...]}: who takes part in each organisation's
 * permit system, so a device checks a multilateral permit at a member's border offline. */
static json_t *members_json(kp_conn_t *c, kp_arena_t *a)
{
	kp_authority_t *au;
	int na;
	if (kp_store_authority_list(c, a, &au, &na) != KP_DB_OK)
		return NULL;
	json_t *out = json_object();
	for (int i = 0; i < na; i++) {
		kp_authority_member_t *m;
		int nm;
		if (!au[i].kind || strcmp(au[i].kind, "organisation") != 0 ||
		    kp_store_authority_members(c, a, au[i].code, &m, &nm) != KP_DB_OK || nm == 0)
			continue;
		json_t *list = json_array();
		for (int j = 0; j < nm; j++) {
			char from[11], to[11];
			kp_date_format_iso(m[j].from_day, from);
			kp_date_format_iso(m[j].to_day, to);
			json_array_append_new(list, json_pack("{s:s, s:s, s:s?}", "member", m[j].member, "from", from, "to",
			                                      m[j].to_day ? to : NULL));
		}
		json_object_set_new(out, au[i].code, list);
	}
	return out;
}

char *kp_trustlist_build(const kp_config_t *cfg, kp_keyring_t *keys, kp_conn_t *c, int64_t now)
{
	kp_arena_t a;
	kp_arena_init(&a);
	char *out = NULL, *body_text = NULL, *head_text = NULL, *jws = NULL;
	const char **ids;
	int n;
	json_t *authorities = kp_trustlist_authorities(c, &a, true), *other = NULL, *body = NULL, *head = NULL;
	const char **zone;
	int nz;
	if (authorities == NULL || kp_store_revoked_permit_ids(c, &a, &ids, &n) != KP_DB_OK ||
	    kp_store_zone_permit_revoked_ids(c, &a, cfg->authority_code, &zone, &nz) != KP_DB_OK)
		goto done;
	/* border-zone permits' numbers are of another form: they go to revoked_other */
	const char **all = kp_arena_zalloc(&a, sizeof(char *) * (size_t)(n + nz + 1));
	memcpy(all, ids, sizeof(char *) * (size_t)n);
	memcpy(all + n, zone, sizeof(char *) * (size_t)nz);
	ids = all;
	n += nz;
	json_t *revoked = kp_trustlist_encode(ids, n, &other);
	json_t *members = members_json(c, &a);
	body = json_pack("{s:s, s:I, s:o, s:o, s:i, s:o, s:o}", "issuer", cfg->authority_code, "issued_at", (json_int_t)now,
	                 "authorities", authorities, "members", members ? members : json_object(), "revoked_count", n,
	                 "revoked", revoked, "revoked_other", other);
	authorities = NULL;
	body_text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char digest[65];
	kp_sha256_hex(body_text, strlen(body_text), digest);
	head = json_pack("{s:s, s:s, s:I, s:s}", "typ", "kapka-trustlist", "issuer", cfg->authority_code, "issued_at",
	                 (json_int_t)now, "sha256", digest);
	head_text = json_dumps(head, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (kp_keyring_sign(keys, c, NULL, head_text, &jws) != 0)
		goto done;
	size_t len = strlen(KP_TRUSTLIST_MAGIC) + strlen(jws) + strlen(body_text) + 4;
	out = kp_malloc(len);
	snprintf(out, len, "%s\n%s\n%s\n", KP_TRUSTLIST_MAGIC, jws, body_text);
done:
	json_decref(authorities);
	json_decref(body);
	json_decref(head);
	free(body_text);
	free(head_text);
	free(jws);
	kp_arena_cleanup(&a);
	return out;
}

void kp_api_trustlist(kp_req_t *req)
{
	kp_app_t *app = kp_api_app(req);
	char *text = kp_trustlist_build(app->cfg, app->keys, kp_api_db(req), kp_now());
	if (text == NULL) {
		kp_reply_db_error(req, KP_DB_ERR, "trust list");
		return;
	}
	kp_reply_take(req, 200, "text/plain; charset=utf-8", text, strlen(text));
	kp_reply_header(req, "Content-Disposition", "attachment; filename=\"kapka-trustlist.txt\"");
}
