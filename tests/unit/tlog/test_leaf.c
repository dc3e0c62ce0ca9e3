/* test_leaf.c: src/tlog/leaf.c: the leaf bytes are compact JSON with sorted keys, carry
 * the public facts and a commitment, never the personal data; the commitment depends on
 * the salt and on every byte of the personal data; bad leaves are refused. */
#include "kp_test.h"

#include "tlog/leaf.h"

#include <sodium.h>

static const uint8_t salt[KP_TLOG_SALT_SIZE] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static void encodes_sorted_compact(void **state)
{
	(void)state;
	json_t *facts = json_pack("{s:i, s:s}", "year", 2026, "issuer", "KG");
	json_t *personal = json_pack("{s:s}", "plate", "01KG123ABC");
	kp_tlog_leaf_t leaf = {"permit.issue", "KG-UZ-2026-1-7", "UZ", facts, personal};
	char *out;
	size_t len;
	assert_int_equal(kp_tlog_leaf_encode(&leaf, 1767225600, salt, &out, &len), 0);
	char commitment[48];
	assert_int_equal(kp_tlog_commitment(personal, salt, commitment), 0);
	char want[512];
	snprintf(want, sizeof(want),
	         "{\"at\":1767225600,\"commitment\":\"%s\",\"facts\":{\"issuer\":\"KG\",\"year\":2026},"
	         "\"kind\":\"permit.issue\",\"object\":\"KG-UZ-2026-1-7\",\"partner\":\"UZ\",\"v\":1}",
	         commitment);
	assert_string_equal(out, want);
	assert_int_equal(len, strlen(want));
	assert_null(strstr(out, "01KG123ABC"));
	free(out);
	json_decref(facts);
	json_decref(personal);
}

static void commitment_binds_salt_and_data(void **state)
{
	(void)state;
	json_t *p1 = json_pack("{s:s, s:s}", "plate", "01KG123ABC", "company_id", "0150");
	json_t *p2 = json_pack("{s:s, s:s}", "company_id", "0150", "plate", "01KG123ABC"); /* same, other order */
	json_t *p3 = json_pack("{s:s, s:s}", "plate", "01KG123ABD", "company_id", "0150");
	char c1[48], c2[48], c3[48], c4[48];
	assert_int_equal(kp_tlog_commitment(p1, salt, c1), 0);
	assert_int_equal(kp_tlog_commitment(p2, salt, c2), 0);
	assert_int_equal(kp_tlog_commitment(p3, salt, c3), 0);
	uint8_t salt2[KP_TLOG_SALT_SIZE];
	memcpy(salt2, salt, sizeof(salt2));
	salt2[15] ^= 1;
	assert_int_equal(kp_tlog_commitment(p1, salt2, c4), 0);
	assert_string_equal(c1, c2);
	assert_string_not_equal(c1, c3);
	assert_string_not_equal(c1, c4);
	/* the definition: SHA-256 of the label, the salt and the sorted compact JSON */
	const char *text = "{\"company_id\":\"0150\",\"plate\":\"01KG123ABC\"}";
	const char *label = "kapka/tlog/commitment/v1\n";
	uint8_t buf[256], digest[32];
	size_t n = 0;
	memcpy(buf, label, strlen(label));
	n += strlen(label);
	memcpy(buf + n, salt, sizeof(salt));
	n += sizeof(salt);
	memcpy(buf + n, text, strlen(text));
	n += strlen(text);
	crypto_hash_sha256(digest, buf, n);
	char b64[48];
	sodium_bin2base64(b64, sizeof(b64), digest, sizeof(digest), sodium_base64_VARIANT_ORIGINAL);
	assert_string_equal(c1, b64);
	json_decref(p1);
	json_decref(p2);
	json_decref(p3);
}

static void refuses_bad_leaves(void **state)
{
	(void)state;
	char *out;
	size_t len;
	json_t *arr = json_array();
	kp_tlog_leaf_t no_kind = {NULL, "x", NULL, NULL, NULL};
	kp_tlog_leaf_t empty_kind = {"", "x", NULL, NULL, NULL};
	kp_tlog_leaf_t facts_not_object = {"k", NULL, NULL, arr, NULL};
	kp_tlog_leaf_t personal_not_object = {"k", NULL, NULL, NULL, arr};
	assert_int_equal(kp_tlog_leaf_encode(&no_kind, 1, salt, &out, &len), -1);
	assert_int_equal(kp_tlog_leaf_encode(&empty_kind, 1, salt, &out, &len), -1);
	assert_int_equal(kp_tlog_leaf_encode(&facts_not_object, 1, salt, &out, &len), -1);
	assert_int_equal(kp_tlog_leaf_encode(&personal_not_object, 1, salt, &out, &len), -1);
	/* too big for a 16-bit length prefix */
	char *big = malloc(70000);
	memset(big, 'a', 69999);
	big[69999] = '\0';
	json_t *facts = json_pack("{s:s}", "text", big);
	kp_tlog_leaf_t too_big = {"k", NULL, NULL, facts, NULL};
	assert_int_equal(kp_tlog_leaf_encode(&too_big, 1, salt, &out, &len), -1);
	assert_null(out);
	json_decref(facts);
	free(big);
	json_decref(arr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(encodes_sorted_compact),
	    cmocka_unit_test(commitment_binds_salt_and_data),
	    cmocka_unit_test(refuses_bad_leaves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
