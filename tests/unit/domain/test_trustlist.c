/* test_trustlist.c: the compact encoding of revoked permit ids (src/domain/trustlist.c):
 * membership is exact (no false positives or negatives) for small and large sets, gaps of
 * every size, duplicates and ids of other forms; a corrupt group is reported, not trusted. */
#include "kp_test.h"

#include "domain/trustlist.h"

#include <stdio.h>
#include <stdlib.h>

static void small_sets(void **state)
{
	(void)state;
	const char *ids[] = {"KG-UZ-2026-1-5",      "KG-UZ-2026-1-1", "KG-UZ-2026-1-5",
	                     "KG-UZ-2026-1-200000", "UZ-KG-2026-2-3", "ZP-2026-000123"};
	json_t *other;
	json_t *set = kp_trustlist_encode(ids, (int)KP_ROWS(ids), &other);
	assert_int_equal(json_object_size(set), 2);
	assert_int_equal(kp_trustlist_count(set), 4); /* the duplicate counted once */
	static const struct {
		const char *id;
		int in;
	} rows[] = {{"KG-UZ-2026-1-1", 1}, {"KG-UZ-2026-1-5", 1},      {"KG-UZ-2026-1-200000", 1},
	            {"UZ-KG-2026-2-3", 1}, {"ZP-2026-000123", 1},      {"KG-UZ-2026-1-2", 0},
	            {"KG-UZ-2026-1-6", 0}, {"KG-UZ-2026-1-199999", 0}, {"KG-UZ-2026-1-300000", 0},
	            {"KG-UZ-2026-2-5", 0}, {"KG-UZ-2025-1-5", 0},      {"UZ-KG-2026-2-4", 0},
	            {"ZP-2026-000124", 0}};
	for (size_t i = 0; i < KP_ROWS(rows); i++)
		if (kp_trustlist_contains(set, other, rows[i].id) != rows[i].in)
			fail_msg("%s: expected %d", rows[i].id, rows[i].in);
	json_decref(set);
	json_decref(other);
}

/* A million revocations stay small and exact. */
static void a_million(void **state)
{
	(void)state;
	enum { N = 1000000 };
	char(*buf)[32] = malloc((size_t)N * 32);
	const char **ids = malloc(sizeof(char *) * N);
	assert_non_null(buf);
	assert_non_null(ids);
	for (int i = 0; i < N; i++) { /* every third serial of two groups */
		snprintf(buf[i], 32, "KG-%s-2026-1-%d", i % 2 ? "UZ" : "TR", 3 * (i / 2) + 1);
		ids[i] = buf[i];
	}
	json_t *other;
	json_t *set = kp_trustlist_encode(ids, N, &other);
	size_t bytes = 0;
	const char *k;
	json_t *v;
	json_object_foreach(set, k, v)
		bytes += strlen(json_string_value(v));
	print_message("1,000,000 revocations take %zu bytes (base64url)\n", bytes);
	assert_true(bytes < (size_t)N * 2); /* one byte of gap each, base64 makes it 4/3 */
	assert_int_equal(kp_trustlist_count(set), N);
	assert_int_equal(kp_trustlist_contains(set, other, "KG-UZ-2026-1-1"), 1);
	assert_int_equal(kp_trustlist_contains(set, other, "KG-UZ-2026-1-1499998"), 1);
	assert_int_equal(kp_trustlist_contains(set, other, "KG-UZ-2026-1-1499999"), 0);
	assert_int_equal(kp_trustlist_contains(set, other, "KG-TR-2026-1-3"), 0);
	json_decref(set);
	json_decref(other);
	free(buf);
	free(ids);
}

static void corrupt_group(void **state)
{
	(void)state;
	json_t *set = json_pack("{s:s}", "KG-UZ-2026-1", "gA"); /* 0x80: a varint that never ends */
	json_t *other = json_array();
	assert_int_equal(kp_trustlist_contains(set, other, "KG-UZ-2026-1-9"), -1);
	assert_int_equal(kp_trustlist_count(set), -1);
	json_decref(set);
	/* two gaps of 2^62: their sum would pass INT64_MAX (signed overflow, found by fuzz_trustlist) */
	set = json_pack("{s:s}", "KG-UZ-2026-1", "gICAgICAgIBAgICAgICAgIBA");
	assert_int_equal(kp_trustlist_count(set), -1);
	json_decref(set);
	json_decref(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(small_sets),
	    cmocka_unit_test(a_million),
	    cmocka_unit_test(corrupt_group),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
