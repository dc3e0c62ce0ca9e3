/* keyring.c: signing key bootstrap (encrypted at rest), permit signing, key lookup. */
#include "app/keyring.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "crypto/jws.h"
#include "domain/dates.h"
#include "domain/event.h"
#include "store/exchange.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Keys once read stay until the keyring is freed (there are few: a handful per partner),
 * so pointers handed out by lookup stay valid. */
struct cached_key {
	struct cached_key *next;
	char authority[KP_AUTHORITY_CODE_MAX + 1];
	char kid[KP_KID_MAX + 1];
	kp_key_t *key;
	bool revoked;
};

/* Our own private keys, decrypted once; kept until the keyring is freed. */
struct own_key {
	struct own_key *next;
	kp_key_t *key;
};

struct kp_keyring {
	kp_store_t *store;
	const kp_config_t *cfg;
	kp_key_t *signing; /* read without the lock (atomically): always one of own */
	pthread_mutex_t lock;
	struct cached_key *cache, *stale; /* stale: forgotten, still owned (pointers were handed out) */
	struct own_key *own;
	char pass[300];
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

/* Make a key for our authority and store it: the first one plainly, a later one as a
 * rotation (old_kid non-NULL) that also tells every partner (KEY_CREATED). */
static int create_key(kp_conn_t *c, const kp_config_t *cfg, const char *pass, const kp_actor_t *who,
                      const char *old_kid, char kid[64])
{
	char rnd[16];
	if (kp_random_token(6, rnd, sizeof(rnd)) != 0)
		return -1;
	snprintf(kid, 64, "%s-%lld-%s", cfg->authority_code, (long long)kp_now() / 86400, rnd);
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
	rc = (old_kid ? kp_store_key_rotate(c, who, &k, old_kid, jwk) : kp_store_key_add(c, who, &k)) == KP_DB_OK ? 0
	                                                                                                          : -1;
	if (rc == 0)
		kp_info("created signing key %s", kid);
done:
	free(jwk_text);
	free(pem);
	json_decref(jwk);
	kp_key_free(key);
	return rc;
}

/* Our private key kid, decrypted once and kept; the caller holds the lock or is alone. */
static kp_key_t *own_key(kp_keyring_t *k, const kp_authority_key_t *row)
{
	for (struct own_key *o = k->own; o; o = o->next)
		if (strcmp(kp_key_kid(o->key), row->kid) == 0)
			return o->key;
	kp_key_t *key = NULL;
	if (kp_key_pem_decode(row->private_pem, strlen(row->private_pem), k->pass, row->kid, &key) != 0) {
		kp_error("cannot decrypt signing key %s: wrong key passphrase?", row->kid);
		return NULL;
	}
	struct own_key *o = kp_calloc(1, sizeof(*o));
	o->key = key;
	o->next = k->own;
	k->own = o;
	return key;
}

/* Make the newest unrevoked private key of our authority the signing key. */
static int load_signing(kp_keyring_t *k, kp_conn_t *c, bool *none)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_authority_key_t *keys;
	int n, rc = -1;
	*none = true;
	if (kp_store_key_list(c, &a, k->cfg->authority_code, &keys, &n) == KP_DB_OK) {
		rc = 0;
		for (int i = 0; i < n; i++) {
			if (keys[i].private_pem == NULL || keys[i].revoked_at)
				continue;
			*none = false;
			kp_key_t *key = own_key(k, &keys[i]);
			if (key == NULL)
				rc = -1;
			else
				__atomic_store_n(&k->signing, key, __ATOMIC_RELEASE);
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
	k->cfg = cfg;
	pthread_mutex_init(&k->lock, NULL);
	kp_conn_t *c = kp_store_acquire(store);
	bool none = true;
	int rc = passphrase(cfg, k->pass, sizeof(k->pass));
	if (rc != 0)
		fprintf(stderr, "kapka: no usable key passphrase (set KAPKA_KEY_PASSPHRASE, at least %d bytes)\n",
		        KP_KEY_PASS_MIN);
	if (rc == 0)
		rc = load_signing(k, c, &none);
	if (rc == 0 && none) {
		kp_actor_t who = {0, "kapka", NULL, NULL};
		char kid[64];
		rc = create_key(c, cfg, k->pass, &who, NULL, kid);
		if (rc == 0)
			rc = load_signing(k, c, &none);
	}
	kp_store_release(store, c);
	if (rc != 0 || k->signing == NULL) {
		fprintf(stderr, "kapka: cannot load the signing key (wrong key passphrase?)\n");
		kp_keyring_free(k);
		return NULL;
	}
	return k;
}

const char *kp_keyring_passphrase(const kp_keyring_t *k)
{
	return k->pass;
}

static void free_cache(struct cached_key *c)
{
	for (struct cached_key *next; c; c = next) {
		next = c->next;
		kp_key_free(c->key);
		free(c);
	}
}

void kp_keyring_free(kp_keyring_t *k)
{
	if (k == NULL)
		return;
	for (struct own_key *o = k->own, *next; o; o = next) {
		next = o->next;
		kp_key_free(o->key);
		free(o);
	}
	free_cache(k->cache);
	free_cache(k->stale);
	kp_wipe(k->pass, sizeof(k->pass));
	pthread_mutex_destroy(&k->lock);
	free(k);
}

const kp_key_t *kp_keyring_signing_key(kp_keyring_t *k)
{
	return __atomic_load_n(&k->signing, __ATOMIC_ACQUIRE);
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
	const kp_key_t *key = kp_keyring_signing_key(k);
	int rc = payload ? kp_jws_sign(key, NULL, payload, strlen(payload), &jws) : -1;
	free(payload);
	if (rc != 0)
		return -1;
	*credential = kp_arena_strdup(a, jws);
	*kid = kp_key_kid(key);
	free(jws);
	return 0;
}

kp_signer_t kp_keyring_permit_signer(kp_keyring_t *k)
{
	kp_signer_t s = {k, sign_permit};
	return s;
}

/* The cached entry for authority and kid, or NULL; the caller holds the lock. */
static struct cached_key *find_cached(kp_keyring_t *k, const char *authority, const char *kid)
{
	for (struct cached_key *x = k->cache; x; x = x->next)
		if (strcmp(x->authority, authority) == 0 && strcmp(x->kid, kid) == 0)
			return x;
	return NULL;
}

static void free_cached(struct cached_key *x)
{
	kp_key_free(x->key);
	free(x);
}

/* Read the key from the store into a new entry, not yet in the cache (NULL when it is
 * not there or unreadable). Called without the lock: the database is not read under it. */
static struct cached_key *read_key(kp_conn_t *c, const char *authority, const char *kid)
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

/* Entries never change once cached, so the one found is read after the lock is let go.
 * A miss reads the database without the lock and then adds the entry under it, unless
 * another thread added the same key meanwhile (then that one is kept). */
const kp_key_t *kp_keyring_lookup(kp_keyring_t *k, kp_conn_t *c, const char *authority, const char *kid,
                                  bool *revoked)
{
	*revoked = false;
	if (authority == NULL || kid == NULL || strlen(authority) > KP_AUTHORITY_CODE_MAX || strlen(kid) > KP_KID_MAX)
		return NULL;
	pthread_mutex_lock(&k->lock);
	struct cached_key *hit = find_cached(k, authority, kid);
	pthread_mutex_unlock(&k->lock);
	if (hit == NULL) {
		struct cached_key *slot = read_key(c, authority, kid);
		if (slot == NULL)
			return NULL;
		pthread_mutex_lock(&k->lock);
		if ((hit = find_cached(k, authority, kid)) == NULL) {
			slot->next = k->cache;
			k->cache = hit = slot;
			slot = NULL;
		}
		pthread_mutex_unlock(&k->lock);
		if (slot)
			free_cached(slot);
	}
	*revoked = hit->revoked;
	return hit->revoked ? NULL : hit->key;
}

int kp_keyring_reload(kp_keyring_t *k, kp_conn_t *c)
{
	bool none;
	pthread_mutex_lock(&k->lock);
	int rc = load_signing(k, c, &none);
	pthread_mutex_unlock(&k->lock);
	return rc == 0 && !none ? 0 : -1;
}

int kp_keyring_sign(kp_keyring_t *k, kp_conn_t *c, const char *kid, const char *payload, char **jws)
{
	const kp_key_t *key = NULL;
	if (kid == NULL)
		key = kp_keyring_signing_key(k);
	else {
		kp_arena_t a;
		kp_arena_init(&a);
		kp_authority_key_t row;
		if (kp_store_key_get(c, &a, k->cfg->authority_code, kid, &row) == KP_DB_OK && row.private_pem) {
			pthread_mutex_lock(&k->lock); /* the row was read without it */
			key = own_key(k, &row);
			pthread_mutex_unlock(&k->lock);
		}
		kp_arena_cleanup(&a);
	}
	return key ? kp_jws_sign(key, NULL, payload, strlen(payload), jws) : -1;
}

void kp_keyring_forget(kp_keyring_t *k, const char *authority)
{
	pthread_mutex_lock(&k->lock);
	for (struct cached_key **p = &k->cache; *p;) {
		struct cached_key *x = *p;
		if (strcmp(x->authority, authority) == 0) {
			*p = x->next;
			x->next = k->stale;
			k->stale = x;
		} else
			p = &x->next;
	}
	pthread_mutex_unlock(&k->lock);
}

int kp_keyring_rotate(kp_keyring_t *k, kp_conn_t *c, const kp_actor_t *who, char kid[64])
{
	const char *old = kp_key_kid(kp_keyring_signing_key(k));
	if (create_key(c, k->cfg, k->pass, who, old, kid) != 0)
		return -1;
	return kp_keyring_reload(k, c);
}

int kp_keyring_revoke(kp_keyring_t *k, kp_conn_t *c, const kp_actor_t *who, const char *kid, const char **why)
{
	kp_keyring_reload(k, c); /* another process may have rotated */
	if (strcmp(kid, kp_key_kid(kp_keyring_signing_key(k))) == 0) {
		*why = "KEY_IN_USE";
		return KP_DB_CONFLICT;
	}
	int rc = kp_store_key_revoke(c, who, k->cfg->authority_code, kid);
	*why = rc == KP_DB_NOTFOUND ? "KEY_NOTFOUND" : rc == KP_DB_CONFLICT ? "KEY_ALREADY_REVOKED" : NULL;
	return rc;
}

void kp_keyring_secret(kp_keyring_t *k, const char *purpose, unsigned char out[32])
{
	unsigned char key[32];
	kp_sha256(k->pass, strlen(k->pass), key);
	crypto_auth_hmacsha256(out, (const unsigned char *)purpose, strlen(purpose), key);
	kp_wipe(key, sizeof(key));
}
