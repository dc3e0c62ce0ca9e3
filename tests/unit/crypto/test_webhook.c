/* test_webhook.c: Standard Webhooks signatures (src/crypto/webhook.c) against the
 * specification's own test vector, and the v1a Ed25519 signature beside it. */
#include "kp_test.h"

#include "crypto/hash.h"
#include "crypto/webhook.h"

#include <sodium.h>

/* From the standard-webhooks reference libraries' tests. */
#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define MSG_ID "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define TS 1614265330
#define BODY "{\"test\": 2432232314}"
#define V1 "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

static void v1_matches_the_spec_vector(void **state)
{
	(void)state;
	char sig[300], digest[65];
	assert_int_equal(kp_webhook_sign(SECRET, MSG_ID, TS, BODY, NULL, sig, sizeof(sig), digest), 0);
	assert_string_equal(sig, V1);
	char want[65];
	const char *content = MSG_ID ".1614265330." BODY;
	kp_sha256_hex(content, strlen(content), want);
	assert_string_equal(digest, want);
}

static void v1a_verifies_with_the_public_key(void **state)
{
	(void)state;
	unsigned char seed[32] = {7}, pk[32], sk[64];
	kp_webhook_keypair(seed, pk, sk);
	char sig[300];
	assert_int_equal(kp_webhook_sign(SECRET, MSG_ID, TS, BODY, sk, sig, sizeof(sig), NULL), 0);
	assert_true(strncmp(sig, V1 " v1a,", strlen(V1) + 5) == 0);
	unsigned char raw[64];
	size_t len;
	const char *b64 = sig + strlen(V1) + 5;
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), b64, strlen(b64), NULL, &len, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL),
	                 0);
	assert_int_equal(len, 64);
	const char *content = MSG_ID ".1614265330." BODY;
	assert_int_equal(crypto_sign_verify_detached(raw, (const unsigned char *)content, strlen(content), pk), 0);
	char text[80];
	kp_webhook_public_text(pk, text, sizeof(text));
	assert_true(strncmp(text, "whpk_", 5) == 0);
}

static void bad_secrets_are_refused(void **state)
{
	(void)state;
	char sig[300];
	assert_int_equal(kp_webhook_sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", MSG_ID, TS, BODY, NULL, sig, sizeof(sig),
	                                 NULL),
	                 -1);
	assert_int_equal(kp_webhook_sign("whsec_***", MSG_ID, TS, BODY, NULL, sig, sizeof(sig), NULL), -1);
	assert_int_equal(kp_webhook_sign("whsec_", MSG_ID, TS, BODY, NULL, sig, sizeof(sig), NULL), -1);
	char secret[64];
	assert_int_equal(kp_webhook_secret_new(secret, sizeof(secret)), 0);
	assert_true(strncmp(secret, "whsec_", 6) == 0);
	assert_int_equal(kp_webhook_sign(secret, MSG_ID, TS, BODY, NULL, sig, sizeof(sig), NULL), 0);
}

/* The signed content is the whole "msg_id.timestamp.body", however long the id. */
static void a_long_message_id_is_signed_whole(void **state)
{
	(void)state;
	char id[401], content[600], want[65], digest[65], sig[300];
	memset(id, 'x', 400);
	id[400] = '\0';
	snprintf(content, sizeof(content), "%s.1614265330." BODY, id);
	kp_sha256_hex(content, strlen(content), want);
	assert_int_equal(kp_webhook_sign(SECRET, id, TS, BODY, NULL, sig, sizeof(sig), digest), 0);
	assert_string_equal(digest, want);
}

int main(void)
{
	if (kp_crypto_init() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(v1_matches_the_spec_vector),
	    cmocka_unit_test(v1a_verifies_with_the_public_key),
	    cmocka_unit_test(bad_secrets_are_refused),
	    cmocka_unit_test(a_long_message_id_is_signed_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
