/* keys.c: `kapka keygen` (our signing keys), `kapka trustlist export` (the signed offline
 * trust list) and `kapka verify` (a permit QR checked against a trust list, no network). */
#include "app/keyring.h"
#include "api/trustlist.h"
#include "cli/cli.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "crypto/jws.h"
#include "domain/dates.h"
#include "domain/permit.h"
#include "domain/trustlist.h"
#include "domain/verdict.h"
#include "store/exchange.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* `kapka keygen --list`: our keys, one a line with current, valid or revoked. */
static int list_keys(const kp_config_t *cfg, kp_keyring_t *k, kp_conn_t *c)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_authority_key_t *keys;
	int n, rc = 1;
	const char *current = kp_key_kid(kp_keyring_signing_key(k));
	if (kp_store_key_list(c, &a, cfg->authority_code, &keys, &n) == KP_DB_OK) {
		for (int i = 0; i < n; i++)
			printf("%s\t%s\n", keys[i].kid,
			       keys[i].revoked_at                  ? "revoked"
			       : strcmp(keys[i].kid, current) == 0 ? "current"
			                                           : "valid");
		rc = 0;
	}
	kp_arena_cleanup(&a);
	return rc;
}

/* `kapka keygen --revoke KID` (revoke set) or `kapka keygen`: 0, or 1 after saying why. */
static int revoke_or_rotate(kp_keyring_t *k, kp_conn_t *c, const char *revoke)
{
	kp_actor_t who = {0, "kapka keygen", NULL, NULL};
	const char *why = NULL;
	char kid[64];
	if (revoke) {
		if (kp_keyring_revoke(k, c, &who, revoke, &why) == KP_DB_OK) {
			printf("revoked %s; partners are told KEY_REVOKED\n", revoke);
			return 0;
		}
		fprintf(stderr, "kapka keygen: cannot revoke %s: %s\n", revoke,
		        why && strcmp(why, "KEY_IN_USE") == 0 ? "it is the current key; make a new one first"
		        : why                                 ? why
		                                              : "database error");
		return 1;
	}
	if (kp_keyring_rotate(k, c, &who, kid) != 0) {
		fprintf(stderr, "kapka keygen: could not make a new key\n");
		return 1;
	}
	printf("%s\n", kid);
	fprintf(stderr, "kapka keygen: %s is now the signing key; partners are told KEY_CREATED\n", kid);
	return 0;
}

int kp_cli_keygen(kp_config_t *cfg, int argc, char **argv)
{
	if (kp_cli_wants_help(argc, argv)) {
		printf("usage: kapka keygen [--revoke KID | --list]\n\n"
		       "Makes a new ES256 signing key for this authority (%s), stored encrypted with the key\n"
		       "passphrase (KAPKA_KEY_PASSPHRASE or key_passphrase_file). It becomes the current key;\n"
		       "every partner is sent KEY_CREATED, signed with the previous key. Permits signed with\n"
		       "an older key keep verifying until that key is revoked: --revoke KID revokes one (not\n"
		       "the current key) and sends KEY_REVOKED. --list prints our keys. A running kapka\n"
		       "picks the change up within seconds.\n",
		       cfg->authority_code);
		return 0;
	}
	const char *revoke = argc == 2 && strcmp(argv[0], "--revoke") == 0 ? argv[1] : NULL;
	bool list = argc == 1 && strcmp(argv[0], "--list") == 0;
	if (argc > 0 && !revoke && !list) {
		fprintf(stderr, "kapka keygen: unknown arguments (see kapka keygen --help)\n");
		return 2;
	}
	kp_store_t *s = kp_cli_open_store(cfg, 1);
	if (s == NULL)
		return 1;
	kp_keyring_t *k = kp_keyring_open(s, cfg);
	int rc = 1;
	if (k != NULL) {
		kp_conn_t *c = kp_store_acquire(s);
		rc = list ? list_keys(cfg, k, c) : revoke_or_rotate(k, c, revoke);
		kp_store_release(s, c);
	}
	kp_keyring_free(k);
	kp_store_close(s);
	return rc;
}

int kp_cli_trustlist(kp_config_t *cfg, int argc, char **argv)
{
	if (kp_cli_wants_help(argc, argv) || argc < 1 ||
	    (strcmp(argv[0], "export") != 0 && strcmp(argv[0], "anchors") != 0)) {
		printf("usage: kapka trustlist export [--output FILE]\n"
		       "       kapka trustlist anchors [--output FILE]\n\n"
		       "export writes the signed offline trust list: every known authority's keys (revoked ones\n"
		       "marked) and the ids of every revoked or returned permit, with the time it was made.\n"
		       "anchors writes the keys to pin on border devices: ours and the partners' learnt at the\n"
		       "handshake (unrevoked). Devices check permits with\n"
		       "`kapka verify QR --trustlist FILE --anchors ANCHORS`.\n");
		return kp_cli_wants_help(argc, argv) ? 0 : 2;
	}
	const char *path = argc == 3 && strcmp(argv[1], "--output") == 0 ? argv[2] : NULL;
	if (argc != 1 && path == NULL) {
		fprintf(stderr, "kapka trustlist: unknown arguments (see kapka trustlist --help)\n");
		return 2;
	}
	if (strcmp(argv[0], "anchors") == 0)
		return kp_cli_anchors_export(cfg, path);
	kp_store_t *s = kp_cli_open_store(cfg, 1);
	if (s == NULL)
		return 1;
	kp_keyring_t *k = kp_keyring_open(s, cfg);
	char *text = NULL;
	if (k) {
		kp_conn_t *c = kp_store_acquire(s);
		text = kp_trustlist_build(cfg, k, c, kp_now());
		kp_store_release(s, c);
	}
	int rc = 1;
	FILE *f = text == NULL ? NULL : path ? fopen(path, "w") : stdout;
	if (f && fputs(text, f) >= 0 && (f == stdout || fclose(f) == 0))
		rc = 0;
	else
		fprintf(stderr, "kapka trustlist: could not write the trust list%s%s\n", path ? " to " : "", path ? path : "");
	free(text);
	kp_keyring_free(k);
	kp_store_close(s);
	return rc;
}

/* ---- kapka verify ---- */

/* The key kid of authority in the trust list (NULL when absent); *revoked when it is
 * marked revoked. The key is made anew: the caller frees it. */
kp_key_t *kp_cli_trust_key(json_t *body, const char *authority, const char *kid, bool *revoked)
{
	size_t i, j;
	json_t *au, *jwk;
	*revoked = false;
	json_array_foreach(json_object_get(body, "authorities"), i, au) {
		if (!authority || strcmp(json_string_value(json_object_get(au, "code")) ?: "", authority) != 0)
			continue;
		json_array_foreach(json_object_get(au, "keys"), j, jwk) {
			const char *k = json_string_value(json_object_get(jwk, "kid"));
			if (!kid || !k || strcmp(k, kid) != 0)
				continue;
			*revoked = json_object_get(jwk, "revoked_at") != NULL;
			kp_key_t *key = NULL;
			json_t *copy = json_deep_copy(jwk);
			json_object_del(copy, "revoked_at");
			kp_key_from_jwk(copy, &key);
			json_decref(copy);
			return key;
		}
	}
	return NULL;
}

static char *read_file(const char *path, size_t max)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t len = 0, cap = 65536;
	char *buf = kp_malloc(cap);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (len + 1 == cap) {
			if (cap >= max)
				break;
			cap *= 2;
			buf = kp_realloc(buf, cap);
		}
	}
	buf[len] = '\0';
	if (f != stdin)
		fclose(f);
	return buf;
}

/* Read the trust list into t and split it: *jws and *body point into t->text. Prints the
 * problem and returns -1 when it is no trust list. */
static int read_trust(const char *path, struct trust *t, char **jws, char **body)
{
	memset(t, 0, sizeof(*t));
	t->text = read_file(path, (size_t)1 << 30);
	*jws = t->text ? strchr(t->text, '\n') : NULL;
	*body = *jws ? strchr(*jws + 1, '\n') : NULL;
	if (!t->text || strncmp(t->text, KP_TRUSTLIST_MAGIC "\n", strlen(KP_TRUSTLIST_MAGIC) + 1) != 0 || !*body) {
		fprintf(stderr, "kapka verify: %s is not a kapka trust list\n", path);
		return -1;
	}
	*(*jws)++ = '\0';
	*(*body)++ = '\0';
	(*body)[strcspn(*body, "\n")] = '\0';
	t->body = json_loads(*body, 0, NULL);
	t->issuer = json_string_value(json_object_get(t->body, "issuer"));
	t->issued_at = json_integer_value(json_object_get(t->body, "issued_at"));
	return 0;
}

/* The list's signature (keys from lookup) and digest, and that it names its issuer. */
static int check_trust(const struct trust *t, const char *jws, const char *body, kp_jws_key_fn lookup_fn, void *ctx)
{
	json_t *head = kp_jws_peek(jws);
	char digest[65];
	kp_sha256_hex(body, strlen(body), digest);
	kp_jws_t out;
	int rc = kp_jws_verify(jws, strlen(jws), lookup_fn, ctx, &out);
	kp_jws_cleanup(&out);
	bool ok = rc == KP_JWS_OK && t->body && t->issuer &&
	          strcmp(json_string_value(json_object_get(head, "sha256")) ?: "", digest) == 0 &&
	          strcmp(json_string_value(json_object_get(head, "issuer")) ?: "", t->issuer) == 0;
	json_decref(head);
	if (!ok)
		fprintf(stderr, "kapka verify: the trust list's signature or digest does not hold; do not use it\n");
	return ok ? 0 : -1;
}

/* kp_jws_verify's key callback over the pinned anchors of the trust list's issuer. */
struct pinned {
	json_t *anchors;
	const char *issuer;
	kp_key_t *key;
};

static const kp_key_t *lookup_pinned(void *ctx, const char *kid)
{
	struct pinned *p = ctx;
	kp_key_free(p->key);
	p->key = kp_cli_anchor_key(p->anchors, p->issuer, kid);
	return p->key;
}

int kp_cli_load_trust_pinned(const char *path, json_t *anchors, struct trust *t)
{
	char *jws, *body;
	if (read_trust(path, t, &jws, &body) != 0)
		return -1;
	struct pinned p = {anchors, t->issuer, NULL};
	int rc = check_trust(t, jws, body, lookup_pinned, &p);
	kp_key_free(p.key);
	if (rc != 0)
		fprintf(stderr, "kapka verify: no pinned key of %s signed it: it may be forged\n",
		        t->issuer ? t->issuer : "its issuer");
	return rc;
}

/* The one rule of every offline check: a trust list is believed only when a pinned anchor
 * of its issuer signed it; with no anchor nothing is judged. */
int kp_cli_load_trust(const char *path, const char *anchor_path, struct trust *t)
{
	memset(t, 0, sizeof(*t));
	if (anchor_path == NULL) {
		fprintf(stderr, "kapka: no trust anchor given: a trust list that carries its own key proves nothing.\n"
		                "Give --anchors FILE (the keys shipped with this device: `kapka trustlist anchors` on the\n"
		                "issuing server) or set trust_anchors.\n");
		printf("NOT CHECKED: no trust anchor\n");
		return -1;
	}
	json_t *anchors = kp_cli_anchors_load(anchor_path);
	int rc = anchors ? kp_cli_load_trust_pinned(path, anchors, t) : -1;
	json_decref(anchors);
	return rc;
}

static const char *claim(json_t *claims, const char *name)
{
	return json_string_value(json_object_get(claims, name));
}

/* The verifier offline: the trust list stands in for the database (its authorities, keys
 * and revoked or returned permits). */
struct offline {
	const struct trust *t;
	kp_key_t *key; /* the last key handed out; freed after the verdict */
};

static bool listed_issuer(void *ctx, const char *issuer)
{
	struct offline *o = ctx;
	size_t i;
	json_t *au;
	json_array_foreach(json_object_get(o->t->body, "authorities"), i, au)
		if (strcmp(json_string_value(json_object_get(au, "code")) ?: "", issuer) == 0)
			return true;
	return false;
}

static const kp_key_t *listed_key(void *ctx, const char *issuer, const char *kid, bool *revoked)
{
	struct offline *o = ctx;
	kp_key_free(o->key);
	o->key = kp_cli_trust_key(o->t->body, issuer, kid, revoked);
	return *revoked ? NULL : o->key;
}

static int listed_revoked(void *ctx, const char *id)
{
	struct offline *o = ctx;
	return kp_trustlist_contains(json_object_get(o->t->body, "revoked"), json_object_get(o->t->body, "revoked_other"),
	                             id);
}

static bool listed_member(void *ctx, const char *organisation, const char *country, int64_t day)
{
	struct offline *o = ctx;
	return kp_trustlist_member(json_object_get(o->t->body, "members"), organisation, country, day);
}

/* The checks of POST /api/v1/verify (domain/verdict.c), against the trust list. */
static json_t *check_offline(const kp_config_t *cfg, const struct trust *t, const char *qr, const char *here,
                             kp_verdict_t *v)
{
	struct offline o = {t, NULL};
	kp_verifier_t vf = {
	    .ctx = &o,
	    .here = here,
	    .today = kp_local_day(kp_now(), (int)cfg->utc_offset_minutes),
	    .unknown_issuer = KP_WHY_ISSUER_NOT_LISTED,
	    .issuer_known = listed_issuer,
	    .key = listed_key,
	    .listed = listed_revoked,
	    .member = listed_member,
	};
	kp_permit_id_t pid;
	json_t *claims = kp_verdict_freight(qr, &vf, v, &pid);
	kp_key_free(o.key);
	return claims;
}

int kp_cli_verify(kp_config_t *cfg, int argc, char **argv)
{
	const char *qr = NULL, *path = NULL, *here = NULL, *anchor = cfg->trust_anchors[0] ? cfg->trust_anchors : NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--trustlist") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--country") == 0 && i + 1 < argc)
			here = argv[++i];
		else if ((strcmp(argv[i], "--anchors") == 0 || strcmp(argv[i], "--anchor") == 0) && i + 1 < argc)
			anchor = argv[++i];
		else if (qr == NULL && argv[i][0] != '-')
			qr = argv[i];
		else if (qr == NULL && strcmp(argv[i], "-") == 0)
			qr = argv[i];
	}
	if (kp_cli_wants_help(argc, argv) || qr == NULL || path == NULL) {
		printf("usage: kapka verify QR|- --trustlist FILE --anchors FILE [--country CC]\n\n"
		       "Checks a permit's QR text (or - to read it from standard input) with no network, against\n"
		       "a trust list from `kapka trustlist export`. The trust list is believed only when a pinned\n"
		       "key of its issuer signed it: --anchors names the keys shipped with this device (`kapka\n"
		       "trustlist anchors` on the issuing server, an epermit-configuration or a JWK; default: the\n"
		       "trust_anchors setting); without one nothing is judged, since a list carrying its own key\n"
		       "proves nothing. Prints VALID or INVALID with every reason (the codes of POST\n"
		       "/api/v1/verify), and how old the trust list is; warns when it is older than\n"
		       "trustlist_max_age_hours (%lld). --country: the border it is checked at (default: the\n"
		       "trust list's issuer). Exit status 0 VALID, 1 INVALID, 2 cannot check.\n",
		       cfg->trustlist_max_age_hours);
		return kp_cli_wants_help(argc, argv) ? 0 : 2;
	}
	char *qr_text = strcmp(qr, "-") == 0 ? read_file("-", 65536) : kp_strdup(qr);
	qr_text[strcspn(qr_text, "\r\n")] = '\0';
	struct trust t;
	if (kp_cli_load_trust(path, anchor, &t) != 0) {
		free(qr_text);
		free(t.text);
		json_decref(t.body);
		return 2;
	}
	kp_verdict_t v = {0};
	json_t *claims = check_offline(cfg, &t, qr_text, here ? here : t.issuer, &v);
	bool valid = v.n == 0;
	printf("%s", valid ? "VALID" : "INVALID");
	if (claims)
		printf("  %s  plate %s  company %s  valid until %s", claim(claims, "id"), claim(claims, "pn"),
		       claim(claims, "cn"), claim(claims, "exp"));
	printf("\n");
	for (int i = 0; i < v.n; i++)
		printf("  %s: %s\n", kp_why_code(v.why[i]), v.note[i] ? v.note[i] : kp_why_message(v.why[i]));
	char when[32];
	kp_iso8601(t.issued_at, when, sizeof(when));
	double hours = (double)(kp_now() - t.issued_at) / 3600.0;
	printf("trust list of %s, issued %s (%.1f h ago), %ld revoked permits\n", t.issuer, when, hours,
	       kp_trustlist_count(json_object_get(t.body, "revoked")));
	if (hours > (double)cfg->trustlist_max_age_hours)
		printf("WARNING: the trust list is older than %lld h: revocations since then are not known; refresh it\n",
		       cfg->trustlist_max_age_hours);
	json_decref(claims);
	json_decref(t.body);
	free(t.text);
	free(qr_text);
	return valid ? 0 : 1;
}
