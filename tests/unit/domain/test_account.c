/* test_account.c: the account field rules and role/organisation rules of
 * src/domain/account.c, each as a table of values and the expected verdict. */
#include "kp_test.h"

#include "domain/account.h"

/* A field check case: want_ok, or the phrase the refusal must contain. */
struct check_case {
	const char *in;
	const char *refusal; /* NULL: accepted */
};

static void run_checks(const char *name, const char *(*check)(const char *), const struct check_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *why = check(cases[i].in);
		if (cases[i].refusal == NULL && why != NULL)
			fail_msg("%s(\"%s\") refused: %s", name, cases[i].in ? cases[i].in : "(null)", why);
		if (cases[i].refusal != NULL && (why == NULL || strstr(why, cases[i].refusal) == NULL))
			fail_msg("%s(\"%s\") said \"%s\", want a refusal saying \"%s\"", name, cases[i].in ? cases[i].in : "(null)",
			         why ? why : "(accepted)", cases[i].refusal);
	}
}

#define RUN_CHECKS(fn, cases) run_checks(#fn, fn, cases, KP_ROWS(cases))

/* ---- INN ---- */

static const struct check_case inn_cases[] = {
    /* organisations: 0 then any 13 digits */
    {"01507201910123", NULL},
    {"00000000000000", NULL},
    {"09999999999999", NULL},
    /* individuals: 1 or 2, then the date of birth DDMMYYYY, then 5 digits */
    {"13112199012345", NULL},            /* 31.12.1990 */
    {"20101190012345", NULL},            /* 01.01.1900, the first year allowed */
    {"20101210012345", NULL},            /* 01.01.2100, the last year allowed */
    {"13101189912345", "date of birth"}, /* 1899 */
    {"13101210112345", "date of birth"}, /* 2101 */
    {"10001199012345", "date of birth"}, /* day 00 */
    {"13201199012345", "date of birth"}, /* day 32 */
    {"10100199012345", "date of birth"}, /* month 00 */
    {"10113199012345", "date of birth"}, /* month 13 */
    {"13104199012345", "date of birth"}, /* 31 April */
    {"13004199012345", NULL},            /* 30 April */
    {"13106199012345", "date of birth"}, /* 31 June */
    {"13109199012345", "date of birth"}, /* 31 September */
    {"13111199012345", "date of birth"}, /* 31 November */
    {"13107199012345", NULL},            /* 31 July */
    {"13108199012345", NULL},            /* 31 August */
    /* leap years: divisible by 4, except centuries, except every 400 years */
    {"12902200012345", NULL},            /* 29.02.2000: divisible by 400 */
    {"12902190012345", "date of birth"}, /* 29.02.1900: a century */
    {"22902202412345", NULL},            /* 29.02.2024 */
    {"22902202312345", "date of birth"}, /* 29.02.2023 */
    {"22902209612345", NULL},            /* 29.02.2096 */
    {"22902210012345", "date of birth"}, /* 29.02.2100: a century */
    {"22802202312345", NULL},            /* 28.02.2023 */
    {"13002202412345", "date of birth"}, /* 30.02 in a leap year */
    /* other first digits */
    {"31501199012345", "must start with 0"},
    {"91501199012345", "must start with 0"},
    /* shape */
    {"0150720191012", "14 digits"},   /* 13 */
    {"015072019101234", "14 digits"}, /* 15 */
    {"0150720191012a", "14 digits"},
    {"0150720191012 ", "14 digits"},
    {" 01507201910123", "14 digits"},
    {"-1507201910123", "14 digits"},
    {"０1507201910123", "14 digits"}, /* a full-width zero */
    {"", "14 digits"},
    {NULL, "14 digits"},
};

static void inn(void **state)
{
	(void)state;
	RUN_CHECKS(kp_check_inn, inn_cases);
}

/* ---- usernames ---- */

static const struct check_case username_cases[] = {
    {"abc", NULL},
    {"aibek.usenov", NULL},
    {"a_b-c.d", NULL},
    {"1abc", NULL},
    {"007", NULL},
    {"abcdefghijklmnopqrstuvwxyz012345", NULL}, /* 32 */
    {"abcdefghijklmnopqrstuvwxyz0123456", "3 to 32"},
    {"ab", "3 to 32"},
    {"", "3 to 32"},
    {NULL, "3 to 32"},
    {"Aibek", "lower-case"},
    {"aibek usenov", "lower-case"},
    {"aibek@kg", "lower-case"},
    {"айбек", "lower-case"},
    {"aibek\t", "lower-case"},
    {"_abc", "must start with a letter or digit"},
    {".abc", "must start with a letter or digit"},
    {"-abc", "must start with a letter or digit"},
    {"abc_", NULL},
};

static void usernames(void **state)
{
	(void)state;
	RUN_CHECKS(kp_check_username, username_cases);
}

/* ---- passwords ---- */

static char pw_256[257], pw_257[258];

static void passwords(void **state)
{
	(void)state;
	memset(pw_256, 'p', 256);
	pw_256[0] = 'q'; /* not one character repeated, which counts as common */
	memset(pw_257, 'p', 257);
	const struct check_case cases[] = {
	    {"123456789", "at least 10"},
	    {"1234567890", "most common"},
	    {"1234567809", NULL},
	    {"correct horse battery staple", NULL},
	    {pw_256, NULL},
	    {pw_257, "at most 256"},
	    {"", "at least 10"},
	    {NULL, "at least 10"},
	    {"пароль-пароль", NULL},
	};
	RUN_CHECKS(kp_check_password, cases);
}

/* The limits are stated in characters, and kp_body_str counts characters (code
 * points), but kp_check_password counts bytes: six Cyrillic letters (12 bytes) pass
 * "at least 10 characters", and 200 Cyrillic letters (400 bytes) are refused as "more
 * than 256 characters". Kyrgyz and Russian speakers type Cyrillic passwords. */
static void password_counts_characters(void **state)
{
	(void)state;
	assert_non_null(kp_check_password("пароль")); /* 6 characters, 12 bytes */
	static char cyr[401];
	for (int i = 0; i < 200; i++)
		memcpy(cyr + 2 * i, "ж", 2);
	assert_null(kp_check_password(cyr)); /* 200 characters, 400 bytes */
}

/* ---- e-mail ---- */

static char email_254[255], email_255[256];

static void emails(void **state)
{
	(void)state;
	/* local part of 'a's, then "@example.kg" */
	memset(email_254, 'a', 254 - 11);
	memcpy(email_254 + 254 - 11, "@example.kg", 11);
	memset(email_255, 'a', 255 - 11);
	memcpy(email_255 + 255 - 11, "@example.kg", 11);
	const struct check_case cases[] = {
	    {"name@example.kg", NULL},
	    {"office@alatoo-trans.kg", NULL},
	    {"a@b.c", NULL},
	    {"first.last+tag@mail.gov.kg", NULL},
	    {email_254, NULL},
	    {email_255, "e-mail address"},
	    {"a@b", "e-mail address"},
	    {"@example.kg", "e-mail address"},
	    {"name@", "e-mail address"},
	    {"name@.kg", "e-mail address"},
	    {"name@example.", "e-mail address"},
	    {"name@@example.kg", "e-mail address"},
	    {"na@me@example.kg", "e-mail address"},
	    {"nameexample.kg", "e-mail address"},
	    {"", "e-mail address"},
	    {NULL, "e-mail address"},
	    {"na me@example.kg", "spaces"},
	    {"name@exa mple.kg", "spaces"},
	    {"name@example.kg\t", "spaces"},
	};
	RUN_CHECKS(kp_check_email, cases);
}

/* ---- phone ---- */

static const struct check_case phone_cases[] = {
    {"+996 555 123456", NULL},
    {"+996555123456", NULL},
    {"+996-555-123-456", NULL},
    {"+996 312 314 312", NULL},
    {"+12345678", NULL},        /* 8 digits */
    {"+123456789012345", NULL}, /* 15 digits */
    {"+1234567", "8 to 15 digits"},
    {"+1234567890123456", "8 to 15 digits"},
    {"+", "8 to 15 digits"},
    {"+ - - -", "8 to 15 digits"},
    {"996555123456", "must start with +"},
    {"0555 123 456", "must start with +"},
    {" +996555123456", "must start with +"},
    {"", "must start with +"},
    {NULL, "must start with +"},
    {"+996 (555) 123456", "only digits, spaces and dashes"},
    {"+996.555.123456", "only digits, spaces and dashes"},
    {"+996555123456 ext 2", "only digits, spaces and dashes"},
    {"++996555123456", "only digits, spaces and dashes"},
};

static void phones(void **state)
{
	(void)state;
	RUN_CHECKS(kp_check_phone, phone_cases);
}

/* ---- language, licence, country ---- */

static const struct check_case language_cases[] = {
    {"ky", NULL},           {"ru", NULL},
    {"en", NULL},           {"KY", "ky, ru or en"},
    {"kz", "ky, ru or en"}, {"rus", "ky, ru or en"},
    {"k", "ky, ru or en"},  {"", "ky, ru or en"},
    {NULL, "ky, ru or en"}, {"en ", "ky, ru or en"},
};

static const struct check_case licence_cases[] = {
    {"KG-AT-2024-0417", NULL},
    {"AB1", NULL},
    {"ab/12-x", NULL},
    {"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", NULL},       /* 32 */
    {"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "3 to 32"}, /* 33 */
    {"AB", "3 to 32"},
    {"", "3 to 32"},
    {NULL, "3 to 32"},
    {"AB 12", "only latin letters"},
    {"AB_12", "only latin letters"},
    {"АБ-12", "only latin letters"},
};

static const struct check_case country_cases[] = {
    {"KG", NULL},          {"KZ", NULL},        {"UZ", NULL},         {"kg", "two-letter"}, {"Kg", "two-letter"},
    {"KGZ", "two-letter"}, {"K", "two-letter"}, {"K1", "two-letter"}, {"", "two-letter"},   {NULL, "two-letter"},
};

static void language_licence_country(void **state)
{
	(void)state;
	RUN_CHECKS(kp_check_language, language_cases);
	RUN_CHECKS(kp_check_licence, licence_cases);
	RUN_CHECKS(kp_check_country, country_cases);
}

/* ---- roles and organisation kinds ---- */

static const struct {
	unsigned bit;
	const char *name;
} roles[] = {
    {KP_ROLE_CARRIER, "carrier"},   {KP_ROLE_TRAVELLER, "traveller"}, {KP_ROLE_OFFICER, "officer"},
    {KP_ROLE_MINISTRY, "ministry"}, {KP_ROLE_AUDITOR, "auditor"},     {KP_ROLE_ADMIN, "admin"},
};

static void role_names(void **state)
{
	(void)state;
	unsigned all = 0;
	for (size_t i = 0; i < KP_ROWS(roles); i++) {
		assert_string_equal(kp_role_name(roles[i].bit), roles[i].name);
		assert_int_equal(kp_role_parse(roles[i].name), roles[i].bit);
		all |= roles[i].bit;
	}
	assert_int_equal(all, KP_ROLES_ALL);
	assert_null(kp_role_name(0));
	assert_null(kp_role_name(KP_ROLE_CARRIER | KP_ROLE_ADMIN));
	/* checkpoint equipment signs in as a role of its own, never one of the users' */
	assert_string_equal(kp_role_name(KP_ROLE_DEVICE), "device");
	assert_int_equal(kp_role_parse("device"), KP_ROLE_DEVICE);
	assert_int_equal(KP_ROLE_DEVICE & KP_ROLES_ALL, 0);
	assert_false(kp_role_fits_org(KP_ROLE_DEVICE, NULL));
	assert_false(kp_role_fits_org(KP_ROLE_DEVICE, "border_service"));
	assert_null(kp_role_name(1u << 7));
	assert_null(kp_role_name(~0u));
	assert_int_equal(kp_role_parse(NULL), 0);
	assert_int_equal(kp_role_parse(""), 0);
	assert_int_equal(kp_role_parse("Admin"), 0);
	assert_int_equal(kp_role_parse("admins"), 0);
	assert_int_equal(kp_role_parse("administrator"), 0);
}

static const char *const kinds[] = {"carrier",        "importer", "ministry",
                                    "border_service", "customs",  "partner_authority"};

static void org_kinds(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(kinds); i++)
		assert_true(kp_org_kind_valid(kinds[i]));
	const char *bad[] = {NULL, "", "Carrier", "government", "border", "customs ", "traveller"};
	for (size_t i = 0; i < KP_ROWS(bad); i++)
		if (kp_org_kind_valid(bad[i]))
			fail_msg("kp_org_kind_valid(\"%s\") accepted", bad[i] ? bad[i] : "(null)");
}

/* Which role may belong to which kind of organisation; column 0 is "no organisation",
 * the last column a kind that does not exist. */
static const char *const fit_kinds[] = {NULL,      "carrier",           "importer", "ministry", "border_service",
                                        "customs", "partner_authority", "unknown"};
static const struct {
	unsigned role;
	bool fits[8];
} fit_cases[] = {
    /*                       none   carr   impo   mini   bord   cust   part   unkn */
    {KP_ROLE_CARRIER, {false, true, true, false, false, false, false, false}},
    {KP_ROLE_TRAVELLER, {true, false, false, false, false, false, false, false}},
    {KP_ROLE_OFFICER, {false, false, false, false, true, true, true, false}},
    {KP_ROLE_MINISTRY, {false, false, false, true, false, false, false, false}},
    {KP_ROLE_AUDITOR, {true, true, true, true, true, true, true, false}},
    {KP_ROLE_ADMIN, {true, false, false, true, false, false, false, false}},
    {0, {false, false, false, false, false, false, false, false}},
    {KP_ROLE_ADMIN | KP_ROLE_AUDITOR, {false, false, false, false, false, false, false, false}},
    {1u << 6, {false, false, false, false, false, false, false, false}},
};

static void role_fits_org(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(fit_cases); i++)
		for (size_t k = 0; k < KP_ROWS(fit_kinds); k++) {
			bool got = kp_role_fits_org(fit_cases[i].role, fit_kinds[k]);
			if (got != fit_cases[i].fits[k])
				fail_msg("kp_role_fits_org(%s, %s) = %d, want %d",
				         kp_role_name(fit_cases[i].role) ? kp_role_name(fit_cases[i].role) : "(not one role)",
				         fit_kinds[k] ? fit_kinds[k] : "(none)", got, fit_cases[i].fits[k]);
		}
}

/* The common-password list and the doubling sign-in delay (issue: lockout as a weapon). */
static void common_passwords_and_delay(void **state)
{
	(void)state;
	const char *common[] = {"1234567890", "qwertyuiop", "QwErTyUiOp", "password123", "1q2w3e4r5t", "zzzzzzzzzzzz"};
	for (size_t i = 0; i < KP_ROWS(common); i++) {
		assert_true(kp_password_common(common[i]));
		assert_non_null(kp_check_password(common[i]));
	}
	assert_false(kp_password_common("correct-horse-1"));
	assert_null(kp_check_password("correct-horse-1"));
	assert_null(kp_check_password("kapka-demo-2026"));
	assert_null(kp_check_password("admin-password-1"));
	assert_int_equal(kp_login_delay(4, 5, 30, 300), 0);
	assert_int_equal(kp_login_delay(5, 5, 30, 300), 30);
	assert_int_equal(kp_login_delay(6, 5, 30, 300), 60);
	assert_int_equal(kp_login_delay(8, 5, 30, 300), 240);
	assert_int_equal(kp_login_delay(9, 5, 30, 300), 300);
	assert_int_equal(kp_login_delay(1000000, 5, 30, 300), 300);
}

static void account_states(void **state)
{
	(void)state;
	assert_true(kp_account_status_known("active"));
	assert_true(kp_account_status_known("suspended"));
	assert_false(kp_account_status_known("Active"));
	assert_false(kp_account_status_known("deleted"));
	assert_false(kp_account_status_known(""));
	assert_false(kp_account_status_known(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(inn),
	    cmocka_unit_test(account_states),
	    cmocka_unit_test(usernames),
	    cmocka_unit_test(passwords),
	    cmocka_unit_test(password_counts_characters),
	    cmocka_unit_test(emails),
	    cmocka_unit_test(phones),
	    cmocka_unit_test(language_licence_country),
	    cmocka_unit_test(role_names),
	    cmocka_unit_test(org_kinds),
	    cmocka_unit_test(role_fits_org),
	    cmocka_unit_test(common_passwords_and_delay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
