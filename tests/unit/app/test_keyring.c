/* test_keyring.c: the keyring's cache of public keys holds every authority's code whole
 * (organisations such as TRACECA), so a key is found again and never answers for another
 * authority whose code is its prefix. */
#include "kp_api_test.h"

#include "app/keyring.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(long_authority_codes_cached_whole),
	};
	return cmocka_run_group_tests_name("keyring", tests, kp_t_group_setup, kp_t_group_teardown);
}
