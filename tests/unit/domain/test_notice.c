/* test_notice.c: the notification catalogue (src/domain/notice.c): every kind renders in
 * every language with its values filled, queue-call SMS in Kyrgyz and Russian stay in one
 * UCS-2 part with ordinary values, and SMS parts are counted as GSM 03.38 or UCS-2. */
#include "kp_test.h"

#include "domain/notice.h"

static const char *const langs[] = {"ky", "ru", "en"};

static void every_kind_in_every_language(void **state)
{
	(void)state;
	kp_arena_t a;
	kp_arena_init(&a);
	const char *args[] = {"checkpoint", "torugart", "plate",          "01KG123ABC", "minutes",
	                      "20",         "number",   "KG-2026-000123", "reason",     "quota exhausted",
	                      "decision",   "approved", "date",           "2026-12-31", "days",
	                      "3",          NULL};
	for (int k = 0; k < KP_NOTICE_KIND_COUNT; k++) {
		const char *name = kp_notice_kind_name((kp_notice_kind_t)k);
		assert_non_null(name);
		assert_int_equal(kp_notice_kind_parse(name), k);
		for (size_t l = 0; l < KP_ROWS(langs); l++) {
			kp_notice_text_t t;
			assert_int_equal(kp_notice_render(&a, (kp_notice_kind_t)k, langs[l], args, &t), 0);
			const char *texts[] = {t.subject, t.sms, t.text};
			for (size_t i = 0; i < KP_ROWS(texts); i++) {
				if (strchr(texts[i], '{') || strchr(texts[i], '}'))
					fail_msg("%s/%s: a placeholder is left in \"%s\"", name, langs[l], texts[i]);
				if (strlen(texts[i]) < 5)
					fail_msg("%s/%s: text too short", name, langs[l]);
			}
			bool ucs2;
			int parts = kp_sms_parts(t.sms, &ucs2);
			if (parts != 1)
				fail_msg("%s/%s: the SMS takes %d parts: %s", name, langs[l], parts, t.sms);
			assert_int_equal(ucs2, strcmp(langs[l], "en") != 0);
		}
	}
	assert_int_equal(kp_notice_kind_parse("NOPE"), KP_NOTICE_UNKNOWN);
	assert_int_equal(kp_notice_kind_parse(NULL), KP_NOTICE_UNKNOWN);
	kp_notice_text_t t;
	assert_int_equal(kp_notice_render(&a, KP_NOTICE_KIND_COUNT, "en", args, &t), -1);
	kp_arena_cleanup(&a);
}

static void values_and_languages(void **state)
{
	(void)state;
	kp_arena_t a;
	kp_arena_init(&a);
	kp_notice_text_t t;
	const char *args[] = {"checkpoint", "dostyk", "plate", "01KG777AAA", "minutes", "20", NULL};
	assert_int_equal(kp_notice_render(&a, KP_NOTICE_QUEUE_CALL, "ru", args, &t), 0);
	assert_string_equal(t.sms, "Ваша очередь: dostyk, 01KG777AAA. К воротам за 20 мин");
	assert_string_equal(t.subject, "Ваша очередь: dostyk");
	/* unknown language: Russian; a missing value: "-" */
	assert_int_equal(kp_notice_render(&a, KP_NOTICE_QUEUE_CALL, "de", (const char *[]){NULL}, &t), 0);
	assert_string_equal(t.sms, "Ваша очередь: -, -. К воротам за - мин");
	assert_string_equal(kp_notice_lang("en", "ky"), "en");
	assert_string_equal(kp_notice_lang(NULL, "ky"), "ky");
	assert_string_equal(kp_notice_lang("xx", "yy"), "ru");
	/* a long value is cut at 200 bytes, on a character boundary */
	char longv[512] = "";
	for (int i = 0; i < 150; i++)
		strcat(longv, "ж");
	const char *args2[] = {"checkpoint", longv, NULL};
	assert_int_equal(kp_notice_render(&a, KP_NOTICE_QUEUE_CALL, "en", args2, &t), 0);
	assert_non_null(strstr(t.subject, "жжж"));
	assert_true(strlen(t.subject) <= strlen("Your turn at ") + 200);
	bool ucs2;
	assert_true(kp_sms_parts(t.subject, &ucs2) > 0); /* still valid UTF-8 */
	assert_string_equal(kp_notice_msisdn(&a, "+996 555-123 456"), "+996555123456");
	kp_arena_cleanup(&a);
}

static void sms_parts(void **state)
{
	(void)state;
	bool ucs2;
	char buf[400];
	assert_int_equal(kp_sms_parts("", &ucs2), 0);
	memset(buf, 'a', 160);
	buf[160] = '\0';
	assert_int_equal(kp_sms_parts(buf, &ucs2), 1);
	assert_false(ucs2);
	buf[160] = 'a';
	buf[161] = '\0';
	assert_int_equal(kp_sms_parts(buf, &ucs2), 2); /* 161 septets: 153 + 8 */
	memset(buf, 'a', 306);
	buf[306] = '\0';
	assert_int_equal(kp_sms_parts(buf, &ucs2), 2);
	buf[306] = 'a';
	buf[307] = '\0';
	assert_int_equal(kp_sms_parts(buf, &ucs2), 3);
	/* the extension table: two septets each */
	memset(buf, 'a', 158);
	strcpy(buf + 158, "{");
	assert_int_equal(kp_sms_parts(buf, &ucs2), 1); /* 160 */
	strcpy(buf + 158, "€a");
	assert_int_equal(kp_sms_parts(buf, &ucs2), 2); /* 161 */
	assert_false(ucs2);
	/* Cyrillic: UCS-2, 70 in one part, 67 per part */
	buf[0] = '\0';
	for (int i = 0; i < 70; i++)
		strcat(buf, "д");
	assert_int_equal(kp_sms_parts(buf, &ucs2), 1);
	assert_true(ucs2);
	strcat(buf, "д");
	assert_int_equal(kp_sms_parts(buf, &ucs2), 2);
	/* one non-GSM character makes the whole text UCS-2 */
	assert_int_equal(kp_sms_parts("hello ө", &ucs2), 1);
	assert_true(ucs2);
	assert_int_equal(kp_sms_parts("café è à", &ucs2), 1);
	assert_false(ucs2);
	/* not UTF-8 */
	assert_int_equal(kp_sms_parts("\xff\xfe", &ucs2), -1);
	assert_int_equal(kp_sms_parts("\xd0", &ucs2), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_kind_in_every_language),
	    cmocka_unit_test(values_and_languages),
	    cmocka_unit_test(sms_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
