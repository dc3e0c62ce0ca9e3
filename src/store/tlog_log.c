/* tlog_log.c: the log key, the tree caught up with the database, checkpoint signing. */
#include "store/tlog_log.h"
#include "core/log.h"
#include "core/util.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SYNC_BATCH 4096
#define SIGN_EVERY_MS 100

struct kp_tlog {
	kp_store_t *store;
	kp_note_key_t key;
	char vkey[KP_NOTE_VKEY_MAX];
	kp_tlog_tree_t *tree;
	pthread_mutex_t lock; /* sync and the checkpoint below */
	char *note;           /* latest checkpoint with cosignatures; NULL before the first */
	int64_t note_size;
	kp_hash_t note_root;
	/* the signer thread, woken after each commit that appended leaves */
	pthread_t signer;
	pthread_mutex_t sig_lock; /* the fields below, apart from the sync itself */
	pthread_cond_t wake;
	bool running, stopping, pending;
	pthread_mutex_t note_lock; /* readers of note, note_size, note_root */
	void (*after_sign)(void *arg);
	void *after_sign_arg;
};

/* The key that seals the log key's seed, from the passphrase. */
static int seal_key(const char *passphrase, const uint8_t salt[crypto_pwhash_SALTBYTES],
                    uint8_t out[crypto_secretbox_KEYBYTES])
{
	return crypto_pwhash(out, crypto_secretbox_KEYBYTES, passphrase, strlen(passphrase), salt,
	                     crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
	                     crypto_pwhash_ALG_ARGON2ID13);
}

static int hex_to(const char *hex, uint8_t *out, size_t n)
{
	size_t got;
	return hex && sodium_hex2bin(out, n, hex, strlen(hex), NULL, &got, NULL) == 0 && got == n ? 0 : -1;
}

/* Make and store a new log key; another instance may win the race (then load theirs). */
static int create_key(kp_conn_t *c, const char *origin, const char *passphrase)
{
	kp_note_key_t k;
	if (kp_note_key_generate(origin, KP_NOTE_ED25519, &k) != 0)
		return KP_DB_ERR;
	uint8_t salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES], box[32 + crypto_secretbox_MACBYTES],
	    sk[crypto_secretbox_KEYBYTES];
	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(nonce, sizeof(nonce));
	int rc = KP_DB_ERR;
	if (seal_key(passphrase, salt, sk) == 0) {
		crypto_secretbox_easy(box, k.sec, 32, nonce, sk);
		char vkey[KP_NOTE_VKEY_MAX], salt_hex[2 * sizeof(salt) + 1], nonce_hex[2 * sizeof(nonce) + 1],
		    box_hex[2 * sizeof(box) + 1];
		kp_note_vkey(&k, vkey, sizeof(vkey));
		sodium_bin2hex(salt_hex, sizeof(salt_hex), salt, sizeof(salt));
		sodium_bin2hex(nonce_hex, sizeof(nonce_hex), nonce, sizeof(nonce));
		sodium_bin2hex(box_hex, sizeof(box_hex), box, sizeof(box));
		kp_tlog_key_row_t row = {origin, vkey, salt_hex, nonce_hex, box_hex, kp_now()};
		rc = kp_store_tlog_key_put(c, &row);
		if (rc == KP_DB_CONFLICT)
			rc = KP_DB_OK;
		else if (rc == KP_DB_OK)
			kp_info("transparency log: made the log key %s", vkey);
	}
	sodium_memzero(&k, sizeof(k));
	sodium_memzero(sk, sizeof(sk));
	return rc;
}

/* Load the key row into l: the verifier always, the signer when passphrase is given. */
static int load_key(kp_tlog_t *l, kp_conn_t *c, const char *passphrase, const char *origin, char *err, size_t errlen)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_tlog_key_row_t row;
	int rc = kp_store_tlog_key_get(c, &a, &row);
	if (rc == KP_DB_NOTFOUND && passphrase) {
		if (!kp_note_name_ok(origin)) {
			snprintf(err, errlen, "the log origin \"%s\" is not a valid key name (no spaces or '+')", origin);
			goto done;
		}
		if ((rc = create_key(c, origin, passphrase)) == KP_DB_OK)
			rc = kp_store_tlog_key_get(c, &a, &row);
	}
	if (rc == KP_DB_NOTFOUND) {
		snprintf(err, errlen, "this database has no transparency log key yet (start kapka serve once)");
		goto done;
	}
	if (rc != KP_DB_OK || kp_note_vkey_parse(row.vkey, &l->key) != 0) {
		snprintf(err, errlen, "cannot read the transparency log key");
		rc = KP_DB_ERR;
		goto done;
	}
	snprintf(l->vkey, sizeof(l->vkey), "%s", row.vkey);
	if (passphrase) {
		char name[KP_NOTE_NAME_MAX + 1];
		snprintf(name, sizeof(name), "%s", l->key.name);
		uint8_t salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES], box[32 + crypto_secretbox_MACBYTES],
		    sk[crypto_secretbox_KEYBYTES], seed[32];
		rc = KP_DB_ERR;
		if (hex_to(row.salt, salt, sizeof(salt)) == 0 && hex_to(row.nonce, nonce, sizeof(nonce)) == 0 &&
		    hex_to(row.sealed, box, sizeof(box)) == 0 && seal_key(passphrase, salt, sk) == 0 &&
		    crypto_secretbox_open_easy(seed, box, sizeof(box), nonce, sk) == 0 &&
		    kp_note_key_from_seed(name, KP_NOTE_ED25519, seed, &l->key) == 0 &&
		    strcmp(row.vkey, (kp_note_vkey(&l->key, l->vkey, sizeof(l->vkey)), l->vkey)) == 0)
			rc = KP_DB_OK;
		else
			snprintf(err, errlen, "cannot unseal the transparency log key (wrong key passphrase?)");
		sodium_memzero(sk, sizeof(sk));
		sodium_memzero(seed, sizeof(seed));
	}
done:
	kp_arena_cleanup(&a);
	return rc;
}

/* Rebuild the cached checkpoint text from the store (under l->lock): the latest one the
 * tree holds, so that every tile and proof up to it can be served. */
static int load_checkpoint(kp_tlog_t *l, kp_conn_t *c)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_tlog_checkpoint_t cp;
	const char **lines;
	int n;
	int rc = kp_store_tlog_checkpoint_latest(c, &a, kp_tlog_tree_size(l->tree), &cp);
	if (rc == KP_DB_NOTFOUND) {
		rc = KP_DB_OK;
		goto done;
	}
	if (rc == KP_DB_OK)
		rc = kp_store_tlog_cosignatures(c, &a, cp.size, &lines, &n);
	kp_hash_t root;
	if (rc != KP_DB_OK || hex_to(cp.root, root, KP_HASH_SIZE) != 0)
		goto done;
	size_t len = strlen(cp.note);
	for (int i = 0; i < n; i++)
		len += strlen(lines[i]);
	char *note = kp_malloc(len + 1), *p = note;
	p = stpcpy(p, cp.note);
	for (int i = 0; i < n; i++)
		p = stpcpy(p, lines[i]);
	pthread_mutex_lock(&l->note_lock);
	free(l->note);
	l->note = note;
	l->note_size = cp.size;
	memcpy(l->note_root, root, KP_HASH_SIZE);
	pthread_mutex_unlock(&l->note_lock);
done:
	kp_arena_cleanup(&a);
	return rc;
}

/* Sign and store the checkpoint of the whole tree (under l->lock). */
static int sign_checkpoint(kp_tlog_t *l, kp_conn_t *c)
{
	int64_t size = kp_tlog_tree_size(l->tree);
	kp_hash_t root;
	kp_tlog_tree_rdlock(l->tree);
	int rc = kp_merkle_root(kp_tlog_tree_get, l->tree, size, root);
	kp_tlog_tree_unlock(l->tree);
	char text[KP_NOTE_NAME_MAX + 128], line[256], note[sizeof(text) + sizeof(line) + 2], root_hex[65];
	size_t len = kp_checkpoint_text(l->key.name, size, root, text, sizeof(text));
	if (rc != 0 || len == 0 || kp_note_sign(&l->key, text, len, line, sizeof(line)) != 0)
		return KP_DB_ERR;
	snprintf(note, sizeof(note), "%s\n%s", text, line);
	sodium_bin2hex(root_hex, sizeof(root_hex), root, sizeof(root));
	kp_tlog_checkpoint_t cp = {size, kp_now(), root_hex, note};
	rc = kp_store_tlog_checkpoint_put(c, &cp);
	return rc == KP_DB_OK ? load_checkpoint(l, c) : rc;
}

/* Append the committed leaves past the tree's size (under l->lock). A leaf whose stored
 * hash is not the hash of its bytes stops the catch-up: the log never signs over it. */
static int catch_up(kp_tlog_t *l, kp_conn_t *c)
{
	int rc = KP_DB_OK;
	kp_hash_t *batch = kp_calloc(SYNC_BATCH, sizeof(kp_hash_t));
	for (;;) {
		kp_arena_t a;
		kp_arena_init(&a);
		kp_tlog_row_t *rows;
		int n = 0, ok = 0;
		int64_t size = kp_tlog_tree_size(l->tree);
		rc = kp_store_tlog_leaves(c, &a, size, SYNC_BATCH, &rows, &n);
		for (int i = 0; rc == KP_DB_OK && i < n && rows[i].idx == size + i; i++) {
			if (kp_tlog_row_hash(&rows[i], batch[i]) != 0) {
				kp_error("transparency log: leaf %lld does not match its stored hash; not signing past it",
				         (long long)rows[i].idx);
				rc = KP_DB_ERR;
				break;
			}
			ok++;
		}
		kp_arena_cleanup(&a);
		if (ok > 0)
			kp_tlog_tree_append(l->tree, batch, ok);
		if (rc != KP_DB_OK || ok < SYNC_BATCH)
			break;
	}
	free(batch);
	return rc;
}

int kp_tlog_sync(kp_tlog_t *l, kp_conn_t *c)
{
	pthread_mutex_lock(&l->lock);
	int rc = catch_up(l, c);
	if (l->key.can_sign && kp_tlog_tree_size(l->tree) > 0 &&
	    (l->note == NULL || kp_tlog_tree_size(l->tree) > l->note_size))
		rc = sign_checkpoint(l, c) == KP_DB_OK ? rc : KP_DB_ERR;
	else if (!l->key.can_sign)
		rc = load_checkpoint(l, c) == KP_DB_OK ? rc : KP_DB_ERR;
	pthread_mutex_unlock(&l->lock);
	return rc;
}

static void on_commit(void *arg, kp_conn_t *c)
{
	(void)c;
	kp_tlog_t *l = arg;
	pthread_mutex_lock(&l->sig_lock);
	l->pending = true;
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->sig_lock);
}

/* Commits only flag the work: the signer catches up and signs once for however many
 * batches committed meanwhile, on a pooled connection, off the writer's path. */
static void *signer_main(void *arg)
{
	kp_tlog_t *l = arg;
	pthread_mutex_lock(&l->sig_lock);
	for (;;) {
		while (!l->pending && !l->stopping)
			pthread_cond_wait(&l->wake, &l->sig_lock);
		if (!l->pending && l->stopping)
			break;
		l->pending = false;
		pthread_mutex_unlock(&l->sig_lock);
		kp_conn_t *c = kp_store_acquire(l->store);
		if (kp_tlog_sync(l, c) != KP_DB_OK)
			kp_error("transparency log: signing a checkpoint failed; the next commit tries again");
		kp_store_release(l->store, c);
		if (l->after_sign)
			l->after_sign(l->after_sign_arg);
		pthread_mutex_lock(&l->sig_lock);
		/* At most one checkpoint per SIGN_EVERY_MS: under load the batches that commit
		 * meanwhile are signed together, and the checkpoint's own commit does not compete
		 * with the writer's for the disk after every batch. */
		if (!l->stopping) {
			struct timespec until;
			kp_deadline_after_ms(&until, SIGN_EVERY_MS);
			while (!l->stopping && pthread_cond_timedwait(&l->wake, &l->sig_lock, &until) == 0)
				;
		}
	}
	pthread_mutex_unlock(&l->sig_lock);
	return NULL;
}

void kp_tlog_after_sign(kp_tlog_t *l, void (*fn)(void *arg), void *arg)
{
	l->after_sign_arg = arg;
	l->after_sign = fn;
}

void kp_tlog_hook(kp_tlog_t *l)
{
	kp_tlog_set_commit_hook(on_commit, l);
	pthread_mutex_lock(&l->sig_lock);
	l->running = true;
	l->pending = true; /* one round at start: catch up, and ask the witnesses */
	pthread_mutex_unlock(&l->sig_lock);
	if (pthread_create(&l->signer, NULL, signer_main, l) != 0)
		kp_fatal("cannot start the transparency log's signer thread");
}

kp_tlog_t *kp_tlog_open(kp_store_t *s, const char *passphrase, const char *origin_default, char *err, size_t errlen)
{
	kp_tlog_t *l = kp_calloc(1, sizeof(*l));
	l->store = s;
	l->tree = kp_tlog_tree_new();
	pthread_mutex_init(&l->lock, NULL);
	pthread_mutex_init(&l->sig_lock, NULL);
	pthread_mutex_init(&l->note_lock, NULL);
	pthread_cond_init(&l->wake, NULL);
	kp_conn_t *c = kp_store_acquire(s);
	int rc = load_key(l, c, passphrase, origin_default, err, errlen);
	if (rc == KP_DB_OK) {
		pthread_mutex_lock(&l->lock);
		rc = load_checkpoint(l, c);
		pthread_mutex_unlock(&l->lock);
	}
	/* A leaf that fails its hash stops the tree before it (logged); the log still opens so
	 * that `kapka log verify` can say what is wrong and the server keeps serving what it
	 * signed. */
	if (rc == KP_DB_OK && kp_tlog_sync(l, c) != KP_DB_OK)
		kp_warn("transparency log: the tree stops at %lld leaves (see the error above)",
		        (long long)kp_tlog_tree_size(l->tree));
	kp_store_release(s, c);
	if (rc != KP_DB_OK) {
		kp_tlog_free(l);
		return NULL;
	}
	return l;
}

void kp_tlog_free(kp_tlog_t *l)
{
	if (l == NULL)
		return;
	if (l->running) {
		kp_tlog_set_commit_hook(NULL, NULL);
		pthread_mutex_lock(&l->sig_lock);
		l->stopping = true;
		pthread_cond_signal(&l->wake);
		pthread_mutex_unlock(&l->sig_lock);
		pthread_join(l->signer, NULL);
	}
	kp_tlog_tree_free(l->tree);
	free(l->note);
	pthread_cond_destroy(&l->wake);
	sodium_memzero(&l->key, sizeof(l->key));
	pthread_mutex_destroy(&l->lock);
	pthread_mutex_destroy(&l->sig_lock);
	pthread_mutex_destroy(&l->note_lock);
	free(l);
}

const char *kp_tlog_origin(const kp_tlog_t *l)
{
	return l->key.name;
}

const char *kp_tlog_vkey(const kp_tlog_t *l)
{
	return l->vkey;
}

const kp_note_key_t *kp_tlog_key(const kp_tlog_t *l)
{
	return &l->key;
}

kp_tlog_tree_t *kp_tlog_tree(kp_tlog_t *l)
{
	return l->tree;
}

char *kp_tlog_checkpoint(kp_tlog_t *l, int64_t *size, kp_hash_t root)
{
	pthread_mutex_lock(&l->note_lock);
	char *out = l->note ? kp_strdup(l->note) : NULL;
	*size = l->note_size;
	if (root)
		memcpy(root, l->note_root, KP_HASH_SIZE);
	pthread_mutex_unlock(&l->note_lock);
	return out;
}

int kp_tlog_reload_cosignatures(kp_tlog_t *l, kp_conn_t *c)
{
	pthread_mutex_lock(&l->lock);
	int rc = load_checkpoint(l, c);
	pthread_mutex_unlock(&l->lock);
	return rc;
}
