/* test_util.c: number parsing, UTF-8 checks, time formatting and the checked
 * allocation helpers of src/core/util.c. */
#include "kp_test.h"

#include "core/util.h"

#include <limits.h>

/* ---- kp_parse_int ---- */

static const struct {
	const char *in;
	long long min, max;
	int rc;
	long long want;
} parse_cases[] = {
    {"0", 0, 10, 0, 0},
    {"10", 0, 10, 0, 10},
    {"11", 0, 10, -1, 0},
    {"-1", 0, 10, -1, 0},
    {"-1", -5, 5, 0, -1},
    {"-6", -5, 5, -1, 0},
    {"010", 0, 100, 0, 10},  /* base 10, not octal */
    {"0x10", 0, 100, -1, 0}, /* not hexadecimal */
    {"", 0, 10, -1, 0},
    {"-", -10, 10, -1, 0},
    {"12a", 0, 100, -1, 0},
    {"a12", 0, 100, -1, 0},
    {"1 ", 0, 100, -1, 0}, /* trailing junk */
    {"1.5", 0, 100, -1, 0},
    {"1e3", 0, 10000, -1, 0},
    {"9223372036854775807", LLONG_MIN, LLONG_MAX, 0, LLONG_MAX},
    {"9223372036854775808", LLONG_MIN, LLONG_MAX, -1, 0}, /* overflow */
    {"-9223372036854775808", LLONG_MIN, LLONG_MAX, 0, LLONG_MIN},
    {"-9223372036854775809", LLONG_MIN, LLONG_MAX, -1, 0}, /* underflow */
    {"99999999999999999999999", LLONG_MIN, LLONG_MAX, -1, 0},
    {"65535", 0, 65535, 0, 65535},
    {"65536", 0, 65535, -1, 0},
    {"+1", 0, 10, -1, 0}, /* ids like +1 were taken as 1 */
    {"-+1", -10, 10, -1, 0},
    {"- 1", -10, 10, -1, 0},
    {"--1", -10, 10, -1, 0},
};

static void parse_int_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(parse_cases); i++) {
		long long out = 4242;
		int rc = kp_parse_int(parse_cases[i].in, parse_cases[i].min, parse_cases[i].max, &out);
		if (rc != parse_cases[i].rc)
			fail_msg("kp_parse_int(\"%s\", %lld, %lld) returned %d, want %d", parse_cases[i].in, parse_cases[i].min,
			         parse_cases[i].max, rc, parse_cases[i].rc);
		if (rc == 0)
			assert_int_equal(out, parse_cases[i].want);
		else
			assert_int_equal(out, 4242); /* untouched on failure */
	}
}

static void parse_int_null(void **state)
{
	(void)state;
	long long out = 7;
	assert_int_equal(kp_parse_int(NULL, 0, 10, &out), -1);
	assert_int_equal(out, 7);
}

/* The contract (util.h) says the whole string must be the number; strtoll skips
 * leading white space, so " 42" and "\n42" are accepted. */
static void parse_int_leading_space(void **state)
{
	(void)state;
	long long out;
	assert_int_equal(kp_parse_int(" 42", 0, 100, &out), -1);
	assert_int_equal(kp_parse_int("\t7", 0, 100, &out), -1);
	assert_int_equal(kp_parse_int("\n7", 0, 100, &out), -1);
}

/* ---- kp_utf8_valid ---- */

static const struct {
	const char *what;
	const char *s;
	size_t len; /* 0: strlen */
	bool newlines, want;
} utf8_cases[] = {
    {"empty", "", 0, false, true},
    {"ascii", "hello, world", 0, false, true},
    {"tab", "a\tb", 0, false, true},
    {"newline refused", "a\nb", 0, false, false},
    {"newline allowed", "a\nb", 0, true, true},
    {"carriage return refused", "a\rb", 0, false, false},
    {"carriage return allowed", "a\r\nb", 0, true, true},
    {"SOH", "a\x01", 0, true, false},
    {"ESC", "\x1b[31m", 0, true, false},
    {"DEL", "a\x7f", 0, false, false},
    {"embedded NUL", "a\0b", 3, true, false},
    {"cyrillic", "Кыргызстан", 0, false, true},
    {"kyrgyz letters", "Өңүү", 0, false, true},
    {"euro sign (3 bytes)", "\xe2\x82\xac", 0, false, true},
    {"gothic letter (4 bytes)", "\xf0\x90\x8d\x88", 0, false, true},
    {"U+00A0 no-break space", "\xc2\xa0", 0, false, true},
    {"U+07FF last 2-byte", "\xdf\xbf", 0, false, true},
    {"U+0800 first 3-byte", "\xe0\xa0\x80", 0, false, true},
    {"U+FFFD", "\xef\xbf\xbd", 0, false, true},
    {"U+10FFFF last code point", "\xf4\x8f\xbf\xbf", 0, false, true},
    {"overlong NUL C0 80", "\xc0\x80", 0, false, false},
    {"overlong C1 BF", "\xc1\xbf", 0, false, false},
    {"overlong 3-byte slash", "\xe0\x80\xaf", 0, false, false},
    {"overlong 3-byte U+07FF", "\xe0\x9f\xbf", 0, false, false},
    {"overlong 4-byte slash", "\xf0\x80\x80\xaf", 0, false, false},
    {"overlong 4-byte U+FFFF", "\xf0\x8f\xbf\xbf", 0, false, false},
    {"surrogate U+D800", "\xed\xa0\x80", 0, false, false},
    {"surrogate U+DBFF", "\xed\xaf\xbf", 0, false, false},
    {"surrogate U+DC00", "\xed\xb0\x80", 0, false, false},
    {"surrogate U+DFFF", "\xed\xbf\xbf", 0, false, false},
    {"U+D7FF before surrogates", "\xed\x9f\xbf", 0, false, true},
    {"U+E000 after surrogates", "\xee\x80\x80", 0, false, true},
    {"beyond U+10FFFF", "\xf4\x90\x80\x80", 0, false, false},
    {"lead byte F5", "\xf5\x80\x80\x80", 0, false, false},
    {"5-byte form", "\xf8\x88\x80\x80\x80", 0, false, false},
    {"FE", "\xfe", 0, false, false},
    {"FF", "\xff", 0, false, false},
    {"lone continuation", "\x80", 0, false, false},
    {"continuation after ascii", "a\xbf", 0, false, false},
    {"truncated 2-byte", "\xc3", 0, false, false},
    {"truncated 3-byte", "\xe2\x82", 0, false, false},
    {"truncated 4-byte", "a\xf0\x90\x8d", 0, false, false},
    {"bad continuation", "\xc3\x28", 0, false, false},
    {"bad second continuation", "\xe2\x82\x28", 0, false, false},
    {"sequence cut by len", "\xe2\x82\xac", 2, false, false},
};

static void utf8_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(utf8_cases); i++) {
		size_t len = utf8_cases[i].len ? utf8_cases[i].len : strlen(utf8_cases[i].s);
		bool got = kp_utf8_valid(utf8_cases[i].s, len, utf8_cases[i].newlines);
		if (got != utf8_cases[i].want)
			fail_msg("kp_utf8_valid(%s) = %d, want %d", utf8_cases[i].what, got, utf8_cases[i].want);
	}
}

/* util.h: "no control characters other than tab". U+0080..U+009F are control
 * characters (Unicode category Cc) too; U+009B is CSI, which terminals act on. */
static void utf8_c1_controls(void **state)
{
	(void)state;
	assert_false(kp_utf8_valid("\xc2\x85", 2, true));
	assert_false(kp_utf8_valid("a\xc2\x9b"
	                           "31m",
	                           6, true));
	assert_false(kp_utf8_valid("\xc2\x80", 2, true));
	assert_true(kp_utf8_valid("\xc2\xa0", 2, false)); /* U+00A0 no-break space is fine */
}

static void utf8_len(void **state)
{
	(void)state;
	assert_int_equal(kp_utf8_len(""), 0);
	assert_int_equal(kp_utf8_len("abc"), 3);
	assert_int_equal(kp_utf8_len("Кыргыз"), 6);
	assert_int_equal(kp_utf8_len("a\xe2\x82\xac"
	                             "b"),
	                 3);
	assert_int_equal(kp_utf8_len("\xf0\x90\x8d\x88"), 1);
}

/* ---- time ---- */

static const struct {
	int64_t t;
	const char *want;
} iso_cases[] = {
    {0, "1970-01-01T00:00:00Z"},         {1769853600, "2026-01-31T10:00:00Z"},
    {951782400, "2000-02-29T00:00:00Z"}, {951868799, "2000-02-29T23:59:59Z"},
    {-1, "1969-12-31T23:59:59Z"},        {2147483648LL, "2038-01-19T03:14:08Z"}, /* past 32-bit time_t */
};

static void iso8601_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(iso_cases); i++) {
		char buf[21];
		kp_iso8601(iso_cases[i].t, buf, sizeof(buf)); /* util.h: 21 bytes are enough */
		assert_string_equal(buf, iso_cases[i].want);
	}
}

static void clocks(void **state)
{
	(void)state;
	int64_t s = kp_now(), ms = kp_now_ms();
	assert_true(s > 1700000000);
	assert_true(ms / 1000 >= s && ms / 1000 <= s + 1);
	int64_t a = kp_mono_us(), b = kp_mono_us();
	assert_true(b >= a);
	usleep(2000);
	assert_true(kp_mono_us() - a >= 2000);
}

/* ---- memory helpers ---- */

static void wipe_and_alloc(void **state)
{
	(void)state;
	char secret[16] = "hunter2-hunter2";
	kp_wipe(secret, sizeof(secret));
	for (size_t i = 0; i < sizeof(secret); i++)
		assert_int_equal(secret[i], 0);

	unsigned char *z = kp_calloc(100, 3);
	for (size_t i = 0; i < 300; i++)
		assert_int_equal(z[i], 0);
	z = kp_realloc(z, 1000);
	z[999] = 1;
	free(z);
	free(kp_malloc(0)); /* zero bytes still gives a pointer that free accepts */
	free(kp_calloc(0, 0));

	char *d = kp_strdup("kapka");
	assert_string_equal(d, "kapka");
	free(d);
}

static void calloc_overflow(void)
{
	volatile size_t n = SIZE_MAX / 2;
	void *p = kp_calloc(n, 4);
	free(p);
}

static void fatal_message(void)
{
	kp_fatal("invariant %d broken", 1);
}

static void fatal_aborts(void **state)
{
	(void)state;
	assert_true(kp_test_aborts(calloc_overflow));
	assert_true(kp_test_aborts(fatal_message));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_int_table),         cmocka_unit_test(parse_int_null),
	    cmocka_unit_test(parse_int_leading_space), cmocka_unit_test(utf8_table),
	    cmocka_unit_test(utf8_c1_controls),        cmocka_unit_test(utf8_len),
	    cmocka_unit_test(iso8601_table),           cmocka_unit_test(clocks),
	    cmocka_unit_test(wipe_and_alloc),          cmocka_unit_test(fatal_aborts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
