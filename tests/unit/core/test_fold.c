/* test_fold.c: the case folding of searches (src/core/fold.c): Cyrillic with the Kyrgyz
 * letters, Latin with marks, Turkish I/ı/İ, other scripts, and text that is not UTF-8
 * passing through. That PostgreSQL folds the same: tests/unit/store/test_page.c. */
#include "kp_test.h"

#include "core/fold.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *in, *want;
} cases[] = {
    {"Ысык-Көл Транс", "ысык-көл транс"},
    {"ЫСЫК-КӨЛ", "ысык-көл"},
    {"ҢӨҮ ңөү", "ңөү ңөү"},         /* Kyrgyz letters (U+04A2, U+04E8, U+04AE) */
    {"ЁЛКА ІЇЄЎЂЈ", "елка іїєўђј"}, /* U+0400-U+040F; Ё is е to a search */
    {"ҚҒҰҺӘӀ", "қғұһәӏ"},           /* Kazakh, and the palochka */
    {"ÇAĞRI İLETİŞİM", "çağri iletişim"},
    {"ı I İ i", "i i i i"}, /* a search cannot know Turkish: all four are i */
    {"ƏĞŞ", "əğş"},         /* Azerbaijani */
    {"OʻZBEKISTON", "oʻzbekiston"},
    {"ŸÀÞ×ß", "ÿàþ×ß"},
    {"ΑΘΉΝΑ Ա", "αθήνα ա"},
    {"Ⱥ", "ⱥ"}, /* the small letter is longer in UTF-8 than the capital */
    {"100%_!", "100%_!"},
    {"", ""},
};

static void folds_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(cases); i++) {
		size_t n;
		char *out = kp_fold_utf8(cases[i].in, strlen(cases[i].in), &n);
		assert_non_null(out);
		assert_string_equal(out, cases[i].want);
		assert_int_equal(n, strlen(cases[i].want));
		free(out);
	}
}

static void not_utf8_passes_through(void **state)
{
	(void)state;
	/* a lone continuation byte, an overlong 'A', a truncated Ы, a surrogate, then A */
	const char in[] = "\x80\xC1\x81\xD0\xED\xA0\x80"
	                  "A";
	size_t n;
	char *out = kp_fold_utf8(in, sizeof(in) - 1, &n);
	assert_int_equal(n, sizeof(in) - 1);
	assert_memory_equal(out, in, n);
	free(out);
}

/* Only the n bytes count, not what follows them. */
static void length_bounds_the_input(void **state)
{
	(void)state;
	size_t n;
	char *out = kp_fold_utf8("ӨМҮР and more", strlen("ӨМҮР"), &n);
	assert_string_equal(out, "өмүр");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(folds_table),
	    cmocka_unit_test(not_utf8_passes_through),
	    cmocka_unit_test(length_bounds_the_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
