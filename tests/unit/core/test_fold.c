/* test_fold.c: the case folding of searches (src/core/fold.c): every pair of the table
 * folds, capitals only change, and text that is not UTF-8 passes through. */
#include "kp_test.h"

#include "core/fold.h"
#include "core/util.h"

#include <string.h>

static const struct {
	const char *in, *want;
} cases[] = {
    {"Ысык-Көл Транс", "ысык-көл транс"},
    {"ЫСЫК-КӨЛ", "ысык-көл"},
    {"ҢӨҮ ңөү", "ңөү ңөү"},         /* Kyrgyz letters */
    {"ЁЛКА ІЇЄЎЂЈ", "ёлка іїєўђј"}, /* U+0400-U+040F */
    {"ҚҒҰҺӘ", "қғұһә"},             /* Kazakh */
    {"ÇĞİÖŞÜ", "çğiöşü"},           /* Turkish: İ → i */
    {"ı I İ i", "i i i i"},         /* a search cannot know Turkish: all four are i */
    {"ƏĞŞ", "əğş"},                 /* Azerbaijani */
    {"OʻZBEKISTON", "oʻzbekiston"}, /* Uzbek: the ʻ is not a letter with a case */
    {"ŸÀÞ×ß", "ÿàþ×ß"},             /* × is no letter; ß has no single capital */
    {"ΑΒΓ Ա", "ΑΒΓ Ա"},             /* Greek and Armenian are not folded */
    {"100%_!", "100%_!"},
    {"", ""},
};

static void folds_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(cases); i++) {
		char out[64];
		size_t n = kp_fold_utf8(cases[i].in, strlen(cases[i].in), out);
		assert_string_equal(out, cases[i].want);
		assert_int_equal(n, strlen(cases[i].want));
	}
}

static void not_utf8_passes_through(void **state)
{
	(void)state;
	/* a lone continuation byte, an overlong 'A', a truncated Ы, a surrogate, then A */
	const char in[] = "\x80\xC1\x81\xD0\xED\xA0\x80"
	                  "A";
	char out[sizeof(in)];
	size_t n = kp_fold_utf8(in, sizeof(in) - 1, out);
	assert_int_equal(n, sizeof(in) - 1);
	assert_memory_equal(out,
	                    "\x80\xC1\x81\xD0\xED\xA0\x80"
	                    "a",
	                    n);
}

/* Each character of the pairs folds to its partner, which folds to itself; the two strings
 * have the same number of characters (what translate() needs). */
static void pairs_agree_with_runes(void **state)
{
	(void)state;
	const char *caps, *smalls;
	kp_fold_pairs(&caps, &smalls);
	assert_int_equal(kp_utf8_len(caps), kp_utf8_len(smalls));
	char out[2048];
	kp_fold_utf8(caps, strlen(caps), out);
	assert_string_equal(out, smalls);
	kp_fold_utf8(smalls, strlen(smalls), out);
	assert_string_equal(out, smalls);
	/* every code point below U+0600 that folds is in the pairs, once */
	int folded = 0;
	for (uint32_t cp = 0; cp < 0x600; cp++) {
		uint32_t f = kp_fold_rune(cp);
		if (f != cp) {
			folded++;
			assert_int_equal(kp_fold_rune(f), f);
			assert_true((cp < 0x80) == (f < 0x80) || cp == 0x130 || cp == 0x131);
		}
	}
	assert_int_equal(folded, (int)kp_utf8_len(caps));
	assert_true(folded > 250);
	assert_int_equal(kp_fold_rune(0x04A2), 0x04A3); /* Ң */
	assert_int_equal(kp_fold_rune(0x04E8), 0x04E9); /* Ө */
	assert_int_equal(kp_fold_rune(0x04AE), 0x04AF); /* Ү */
	assert_int_equal(kp_fold_rune(0x0401), 0x0451); /* Ё */
	assert_int_equal(kp_fold_rune(0x04C0), 0x04CF); /* Ӏ */
	assert_int_equal(kp_fold_rune(0x0131), 0x0069); /* ı */
	assert_int_equal(kp_fold_rune(0x00D7), 0x00D7); /* × */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(folds_table),
	    cmocka_unit_test(not_utf8_passes_through),
	    cmocka_unit_test(pairs_agree_with_runes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
