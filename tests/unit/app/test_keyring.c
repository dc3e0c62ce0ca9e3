/* test_keyring.c: the keyring's cache of public keys holds every authority's code whole
 * (organisations such as TRACECA), so a key is found again and never answers for another
 * authority whose code is its prefix; a cache miss reads the database without the
 * keyring's lock, so a slow read never holds up lookups of keys already cached. */
#include "kp_api_test.h"

#include "app/keyring.h"
#include "store/db.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

/* Add a fresh public key kid of authority (created when missing) to the store. */
static void add_key(kp_conn_t *c, const char *authority, const char *kind, const char *kid)
{
	kp_actor_t who = {0, "unit", NULL, NULL};
	kp_authority_t au = {.code = authority, .name = authority, .kind = kind};
	assert_int_equal(kp_store_authority_put(c, &who, &au), KP_DB_OK);
	kp_key_t *key;
	json_t *jwk;
	assert_int_equal(kp_key_generate(kid, &key), 0);
	assert_int_equal(kp_key_to_jwk(key, &jwk), 0);
	char *text = json_dumps(jwk, JSON_COMPACT);
	kp_authority_key_t row = {.authority = authority, .kid = kid, .jwk = text, .created_at = kp_now()};
	assert_int_equal(kp_store_key_add(c, &who, &row), KP_DB_OK);
	free(text);
	json_decref(jwk);
	kp_key_free(key);
}

static void long_authority_codes_cached_whole(void **state)
{
	(void)state;
	snprintf(kp_t_cfg.key_passphrase, sizeof(kp_t_cfg.key_passphrase), "unit-test passphrase");
	kp_keyring_t *keys = kp_keyring_open(kp_t_app.store, &kp_t_cfg);
	assert_non_null(keys);
	kp_conn_t *c = kp_store_acquire(kp_t_app.store);
	kp_actor_t who = {0, "unit", NULL, NULL};
	kp_authority_t org = {.code = "TRACECA", .name = "TRACECA", .kind = "organisation"};
	assert_int_equal(kp_store_authority_put(c, &who, &org), KP_DB_OK);
	kp_key_t *key;
	json_t *jwk;
	assert_int_equal(kp_key_generate("TRACECA-1", &key), 0);
	assert_int_equal(kp_key_to_jwk(key, &jwk), 0);
	char *text = json_dumps(jwk, JSON_COMPACT);
	kp_authority_key_t row = {.authority = "TRACECA", .kid = "TRACECA-1", .jwk = text, .created_at = kp_now()};
	assert_int_equal(kp_store_key_add(c, &who, &row), KP_DB_OK);
	bool revoked;
	const kp_key_t *first = kp_keyring_lookup(keys, c, "TRACECA", "TRACECA-1", &revoked);
	assert_non_null(first);
	assert_ptr_equal(kp_keyring_lookup(keys, c, "TRACECA", "TRACECA-1", &revoked), first); /* the cached one */
	assert_null(kp_keyring_lookup(keys, c, "TR", "TRACECA-1", &revoked)); /* not TRACECA's */
	free(text);
	json_decref(jwk);
	kp_key_free(key);
	kp_store_release(kp_t_app.store, c);
	kp_keyring_free(keys);
}

/* A database whose statements wait, once, until the test lets them go. */
static struct {
	pthread_mutex_t m;
	pthread_cond_t cv;
	bool reading, released, cached_done;
	const struct kp_backend *real;
} gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false, false, NULL};

static int gated_exec(void *h, const char *sql, int cacheable, const kp_val_t *params, int nparams, kp_arena_t *arena,
                      kp_rows_t *out, int64_t *changes)
{
	pthread_mutex_lock(&gate.m);
	gate.reading = true;
	pthread_cond_broadcast(&gate.cv);
	while (!gate.released)
		pthread_cond_wait(&gate.cv, &gate.m);
	pthread_mutex_unlock(&gate.m);
	return gate.real->exec(h, sql, cacheable, params, nparams, arena, out, changes);
}

struct lookup_job {
	kp_keyring_t *keys;
	kp_conn_t *c;
	const char *authority, *kid;
	const kp_key_t *found;
	bool signal_done;
};

static void *lookup_thread(void *arg)
{
	struct lookup_job *j = arg;
	bool revoked;
	j->found = kp_keyring_lookup(j->keys, j->c, j->authority, j->kid, &revoked);
	if (j->signal_done) {
		pthread_mutex_lock(&gate.m);
		gate.cached_done = true;
		pthread_cond_broadcast(&gate.cv);
		pthread_mutex_unlock(&gate.m);
	}
	return NULL;
}

static void miss_reads_outside_the_lock(void **state)
{
	(void)state;
	snprintf(kp_t_cfg.key_passphrase, sizeof(kp_t_cfg.key_passphrase), "unit-test passphrase");
	kp_keyring_t *keys = kp_keyring_open(kp_t_app.store, &kp_t_cfg);
	assert_non_null(keys);
	kp_conn_t *c = kp_store_acquire(kp_t_app.store);
	add_key(c, "KZ", "country", "KZ-1");
	add_key(c, "UZ", "country", "UZ-1");
	bool revoked;
	const kp_key_t *kz = kp_keyring_lookup(keys, c, "KZ", "KZ-1", &revoked);
	assert_non_null(kz);

	/* one thread misses UZ-1 and its database read stalls */
	struct kp_backend slow = *c->be;
	gate.real = c->be;
	slow.exec = gated_exec;
	kp_conn_t stalled = *c;
	stalled.be = &slow;
	struct lookup_job miss = {keys, &stalled, "UZ", "UZ-1", NULL, false};
	pthread_t tm, th;
	assert_int_equal(pthread_create(&tm, NULL, lookup_thread, &miss), 0);
	pthread_mutex_lock(&gate.m);
	while (!gate.reading)
		pthread_cond_wait(&gate.cv, &gate.m);
	pthread_mutex_unlock(&gate.m);

	/* meanwhile another finds the cached KZ-1 (before the fix it waited for the stalled read
	 * forever: a liveness check with a generous bound, not a measure of speed) */
	struct lookup_job hit = {keys, c, "KZ", "KZ-1", NULL, true};
	assert_int_equal(pthread_create(&th, NULL, lookup_thread, &hit), 0);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 30;
	pthread_mutex_lock(&gate.m);
	int rc = 0;
	while (!gate.cached_done && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&gate.cv, &gate.m, &until);
	bool hit_done = gate.cached_done;
	gate.released = true;
	pthread_cond_broadcast(&gate.cv);
	pthread_mutex_unlock(&gate.m);
	pthread_join(th, NULL);
	pthread_join(tm, NULL);
	if (!hit_done)
		fail_msg("a lookup of a cached key waited for another thread's database read");
	assert_ptr_equal(hit.found, kz);
	assert_non_null(miss.found);
	assert_ptr_equal(kp_keyring_lookup(keys, c, "UZ", "UZ-1", &revoked), miss.found); /* cached once */
	assert_null(kp_keyring_lookup(keys, c, "UZ", "UZ-2", &revoked));
	kp_store_release(kp_t_app.store, c);
	kp_keyring_free(keys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(long_authority_codes_cached_whole),
	    cmocka_unit_test(miss_reads_outside_the_lock),
	};
	return cmocka_run_group_tests_name("keyring", tests, kp_t_group_setup, kp_t_group_teardown);
}
