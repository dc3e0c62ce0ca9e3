/* keyring.c: signing key bootstrap (encrypted at rest), permit signing, key lookup. */
#include "api/keyring.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "crypto/jws.h"
#include "domain/dates.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Keys once read stay until the keyring is freed (there are few: a handful per partner),
 * so pointers handed out by lookup stay valid. */
struct cached_key {
	struct cached_key *next;
	char authority[3];
	char kid[KP_KID_MAX + 1];
	kp_key_t *key;
	bool revoked;
};

struct kp_keyring {
	kp_store_t *store;
	kp_key_t *signing;
	pthread_mutex_t lock;
	struct cached_key *cache;
};

/* The passphrase from the setting, else from its file, creating the file when missing. */
static int passphrase(const kp_config_t *cfg, char *out, size_t len)
{
	if (cfg->key_passphrase[0]) {
		snprintf(out, len, "%s", cfg->key_passphrase);
		return strlen(out) >= KP_KEY_PASS_MIN ? 0 : -1;
	}
	FILE *f = fopen(cfg->key_passphrase_file, "r");
	if (f) {
		bool ok = fgets(out, (int)len, f) != NULL;
		fclose(f);
		out[strcspn(out, "\r\n")] = '\0';
		return ok && strlen(out) >= KP_KEY_PASS_MIN ? 0 : -1;
	}
	if (kp_random_token(32, out, len) != 0)
		return -1;
	if (kp_mkdir_parent(cfg->key_passphrase_file) != 0) {
		fprintf(stderr, "kapka: cannot create the folder of %s: %s\n", cfg->key_passphrase_file, strerror(errno));
		return -1;
	}
	int fd = open(cfg->key_passphrase_file, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		fprintf(stderr, "kapka: cannot create %s: %s\n", cfg->key_passphrase_file, strerror(errno));
		return -1;
	}
	bool ok = write(fd, out, strlen(out)) == (ssize_t)strlen(out) && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
	close(fd);
	if (ok)
		kp_warn("created %s holding the key passphrase; keep it safe, or set KAPKA_KEY_PASSPHRASE",
		        cfg->key_passphrase_file);
	return ok ? 0 : -1;
}

static int create_key(kp_conn_t *c, const kp_config_t *cfg, const char *pass)
{
	char rnd[16], kid[64];
	if (kp_random_token(6, rnd, sizeof(rnd)) != 0)
		return -1;
	snprintf(kid, sizeof(kid), "%s-%lld-%s", cfg->authority_code, (long long)kp_now() / 86400, rnd);
	kp_key_t *key = NULL;
	json_t *jwk = NULL;
	char *pem = NULL, *jwk_text = NULL;
	size_t pemlen;
	int rc = -1;
	if (kp_key_generate(kid, &key) != 0 || kp_key_to_jwk(key, &jwk) != 0 ||
	    kp_key_pem_encode(key, pass, &pem, &pemlen) != 0)
		goto done;
	jwk_text = json_dumps(jwk, JSON_COMPACT);
	kp_authority_key_t k = {cfg->authority_code, kid, jwk_text, pem, 0, 0};
	kp_actor_t who = {0, "kapka", NULL, NULL};
	rc = kp_store_key_add(c, &who, &k) == KP_DB_OK ? 0 : -1;
	if (rc == 0)
		kp_info("created signing key %s", kid);
done:
	free(jwk_text);
	free(pem);
	json_decref(jwk);
	kp_key_free(key);
	return rc;
}

/* The newest unrevoked private key of our authority, decrypted. */
static int load_signing(kp_keyring_t *k, kp_conn_t *c, const kp_config_t *cfg, const char *pass, bool *none)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_authority_key_t *keys;
	int n, rc = -1;
	*none = true;
	if (kp_store_key_list(c, &a, cfg->authority_code, &keys, &n) == KP_DB_OK) {
		rc = 0;
		for (int i = 0; i < n; i++) {
			if (keys[i].private_pem == NULL || keys[i].revoked_at)
				continue;
			*none = false;
			rc = kp_key_pem_decode(keys[i].private_pem, strlen(keys[i].private_pem), pass, keys[i].kid, &k->signing);
			if (rc != 0)
				fprintf(stderr, "kapka: cannot decrypt signing key %s: wrong key passphrase?\n", keys[i].kid);
			break;
		}
	}
	kp_arena_cleanup(&a);
	return rc;
}

kp_keyring_t *kp_keyring_open(kp_store_t *store, const kp_config_t *cfg)
{
	kp_keyring_t *k = kp_calloc(1, sizeof(*k));
	k->store = store;
	pthread_mutex_init(&k->lock, NULL);
	char pass[300];
	kp_conn_t *c = kp_store_acquire(store);
	bool none = true;
	int rc = passphrase(cfg, pass, sizeof(pass));
	if (rc != 0)
		fprintf(stderr, "kapka: no usable key passphrase (set KAPKA_KEY_PASSPHRASE, at least %d bytes)\n",
		        KP_KEY_PASS_MIN);
	if (rc == 0)
		rc = load_signing(k, c, cfg, pass, &none);
	if (rc == 0 && none) {
		rc = create_key(c, cfg, pass);
		if (rc == 0)
			rc = load_signing(k, c, cfg, pass, &none);
	}
	kp_store_release(store, c);
	kp_wipe(pass, sizeof(pass));
	if (rc != 0 || k->signing == NULL) {
		kp_keyring_free(k);
		return NULL;
	}
	return k;
}

void kp_keyring_free(kp_keyring_t *k)
{
	if (k == NULL)
		return;
	kp_key_free(k->signing);
	for (struct cached_key *c = k->cache, *next; c; c = next) {
		next = c->next;
		kp_key_free(c->key);
		free(c);
	}
	pthread_mutex_destroy(&k->lock);
	free(k);
}

const kp_key_t *kp_keyring_signing_key(kp_keyring_t *k)
{
	return k->signing;
}

json_t *kp_permit_claims(const kp_permit_t *p, int utc_offset)
{
	char iat[11], exp[11];
	kp_date_format_dmy(kp_local_day(p->issued_at, utc_offset), iat);
	kp_date_format_dmy(kp_local_day(p->expires_at, utc_offset), exp);
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", p->id, "iat", iat, "exp", exp, "pn", p->plate, "cn",
	                 p->company_name);
}

static int sign_permit(void *ctx, kp_arena_t *a, const kp_permit_t *p, int utc_offset, const char **credential,
                       const char **kid)
{
	kp_keyring_t *k = ctx;
	json_t *claims = kp_permit_claims(p, utc_offset);
	char *payload = claims ? json_dumps(claims, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(claims);
	char *jws = NULL;
	int rc = payload ? kp_jws_sign(k->signing, NULL, payload, strlen(payload), &jws) : -1;
	free(payload);
	if (rc != 0)
		return -1;
	*credential = kp_arena_strdup(a, jws);
	*kid = kp_key_kid(k->signing);
	free(jws);
	return 0;
}

kp_signer_t kp_keyring_permit_signer(kp_keyring_t *k)
{
	kp_signer_t s = {k, sign_permit};
	return s;
}

/* Read the key from the store and keep it; the caller holds the lock. */
static struct cached_key *fetch(kp_keyring_t *k, kp_conn_t *c, const char *authority, const char *kid)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_authority_key_t row;
	struct cached_key *slot = NULL;
	json_t *jwk = NULL;
	kp_key_t *key = NULL;
	if (kp_store_key_get(c, &a, authority, kid, &row) != KP_DB_OK || (jwk = json_loads(row.jwk, 0, NULL)) == NULL ||
	    kp_key_from_jwk(jwk, &key) != 0)
		goto done;
	slot = kp_calloc(1, sizeof(*slot));
	slot->next = k->cache;
	k->cache = slot;
	snprintf(slot->authority, sizeof(slot->authority), "%s", authority);
	snprintf(slot->kid, sizeof(slot->kid), "%s", kid);
	slot->key = key;
	slot->revoked = row.revoked_at != 0;
	key = NULL;
done:
	kp_key_free(key);
	json_decref(jwk);
	kp_arena_cleanup(&a);
	return slot;
}

const kp_key_t *kp_keyring_lookup(kp_keyring_t *k, kp_conn_t *c, const char *authority, const char *kid,
                                  bool *revoked)
{
	*revoked = false;
	if (authority == NULL || kid == NULL || strlen(kid) > KP_KID_MAX)
		return NULL;
	pthread_mutex_lock(&k->lock);
	struct cached_key *hit = NULL;
	for (struct cached_key *x = k->cache; x && hit == NULL; x = x->next)
		if (strcmp(x->authority, authority) == 0 && strcmp(x->kid, kid) == 0)
			hit = x;
	if (hit == NULL)
		hit = fetch(k, c, authority, kid);
	const kp_key_t *key = NULL;
	if (hit) {
		*revoked = hit->revoked;
		key = hit->revoked ? NULL : hit->key;
	}
	pthread_mutex_unlock(&k->lock);
	return key;
}
