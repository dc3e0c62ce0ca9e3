/* test_page.c: one page of a list (store/page.h) on SQLite and PostgreSQL: the LIKE pattern
 * with its own characters escaped, the count and the page from the same WHERE clause,
 * offsets past the end, and the search case-insensitive for Latin and Cyrillic letters
 * (kp_fold, the same on both databases), through the users' list (kp_store_user_page). */
#define KP_TEST_DB_PREFIX "kapka_page"
#include "kp_store_test.h"

#include "core/fold.h"
#include "core/log.h"
#include "store/page.h"

#include <stdlib.h>

static const kp_actor_t tester = {0, "tester", "req-1", "192.0.2.7"};

static void add(kp_store_fx_t *f, const char *username, const char *role, const char *full_name)
{
	kp_user_t u = {.username = username,
	               .role = role,
	               .full_name = full_name,
	               .email = "t@example.kg",
	               .pw_hash = "$argon2id$not-a-real-hash"};
	assert_int_equal(kp_store_account_create(f->c, &tester, NULL, &u), KP_DB_OK);
}

static void pattern_escapes(void **state)
{
	kp_store_fx_t *f = *state;
	kp_page_t p = {NULL, 10, 0};
	assert_null(kp_page_pattern(&f->a, &p));
	p.q = "";
	assert_null(kp_page_pattern(&f->a, &p));
	p.q = "01KG";
	assert_string_equal(kp_page_pattern(&f->a, &p), "%01KG%");
	p.q = "50%_off!";
	assert_string_equal(kp_page_pattern(&f->a, &p), "%50!%!_off!!%");
}

/* The usernames of a page, joined with spaces. */
static const char *names(kp_store_fx_t *f, const char *role, const char *q, int limit, int64_t offset, int64_t *total)
{
	kp_page_t p = {q, limit, offset};
	kp_user_t *u;
	int n;
	assert_int_equal(kp_store_user_page(f->c, &f->a, 0, role, NULL, &p, &u, &n, total), KP_DB_OK);
	char *out = kp_arena_zalloc(&f->a, 512);
	for (int i = 0; i < n; i++)
		snprintf(out + strlen(out), 512 - strlen(out), "%s%s", i ? " " : "", u[i].username);
	return out;
}

static void pages_and_search(void **state)
{
	kp_store_fx_t *f = *state;
	add(f, "zarina", "carrier", "Zarina Ali");
	add(f, "bolot", "carrier", "Bolot 100% Trans");
	add(f, "asel", "ministry", "Asel_Ministry");
	add(f, "anna", "traveller", "Anna Schmidt");
	int64_t total;
	assert_string_equal(names(f, NULL, NULL, 2, 0, &total), "anna asel");
	assert_int_equal(total, 4);
	assert_string_equal(names(f, NULL, NULL, 2, 2, &total), "bolot zarina");
	assert_string_equal(names(f, NULL, NULL, 2, 4, &total), "");
	assert_int_equal(total, 4);
	/* case-insensitive on the username and the full name */
	assert_string_equal(names(f, NULL, "AR", 10, 0, &total), "zarina");
	assert_int_equal(total, 1);
	assert_string_equal(names(f, NULL, "schmidt", 10, 0, &total), "anna");
	/* LIKE's own characters match only themselves */
	assert_string_equal(names(f, NULL, "%", 10, 0, &total), "bolot");
	assert_string_equal(names(f, NULL, "_", 10, 0, &total), "asel");
	assert_string_equal(names(f, NULL, "a_e", 10, 0, &total), "");
	assert_int_equal(total, 0);
	/* the search and a filter together: the count follows both */
	assert_string_equal(names(f, "carrier", "o", 1, 0, &total), "bolot");
	assert_int_equal(total, 1);
	assert_string_equal(names(f, "carrier", NULL, 1, 1, &total), "zarina");
	assert_int_equal(total, 2);
}

/* kp_fold in SQL: Kyrgyz and Russian capitals, Ё, Turkish İ/ı, whatever the database's locale */
static void search_folds_cyrillic(void **state)
{
	kp_store_fx_t *f = *state;
	add(f, "ysyk", "carrier", "Ысык-Көл Транс");
	add(f, "naryn", "carrier", "НАРЫН ҢӨҮ");
	add(f, "yolka", "carrier", "Ёлка Çağrı İletişim");
	int64_t total;
	assert_string_equal(names(f, NULL, "ысык-көл", 10, 0, &total), "ysyk");
	assert_string_equal(names(f, NULL, "ЫСЫК-КӨЛ ТРАНС", 10, 0, &total), "ysyk");
	assert_string_equal(names(f, NULL, "нарын ңөү", 10, 0, &total), "naryn");
	assert_string_equal(names(f, NULL, "ёлка", 10, 0, &total), "yolka");
	assert_string_equal(names(f, NULL, "ÇAĞRI ILETIŞIM", 10, 0, &total), "yolka");
	assert_string_equal(names(f, NULL, "елка", 10, 0, &total), "yolka"); /* е finds ё */
	assert_string_equal(names(f, NULL, "елкі", 10, 0, &total), "");
	assert_string_equal(names(f, NULL, "Н", 10, 0, &total), "naryn ysyk");
	assert_int_equal(total, 2);
	/* the SQL function itself: NULL stays NULL */
	kp_rows_t r;
	assert_int_equal(kp_db_exec(f->c, &f->a, &r, "SELECT kp_fold('ҢӨҮ Ё İı ABC'), kp_fold(NULL)", NULL, 0), KP_DB_OK);
	assert_string_equal(kp_rows_text(&r, 0, 0), "ңөү е ii abc");
	assert_true(kp_rows_isnull(&r, 0, 1));
	/* the database folds every character of the BMP as core/fold.c does */
	size_t cap = 0x10000 * 4, len = 0;
	char *all = kp_arena_alloc(&f->a, cap);
	for (uint32_t cp = 0x20; cp <= 0xFFFD; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		if (cp < 0x80) {
			all[len++] = (char)cp;
		} else if (cp < 0x800) {
			all[len++] = (char)(0xC0 | cp >> 6);
			all[len++] = (char)(0x80 | (cp & 0x3F));
		} else {
			all[len++] = (char)(0xE0 | cp >> 12);
			all[len++] = (char)(0x80 | (cp >> 6 & 0x3F));
			all[len++] = (char)(0x80 | (cp & 0x3F));
		}
	}
	all[len] = '\0';
	size_t n;
	char *want = kp_fold_utf8(all, len, &n);
	assert_int_equal(kp_db_exec(f->c, &f->a, &r, "SELECT kp_fold(?)", KP_PARAMS(KV_TEXT(all))), KP_DB_OK);
	const char *got = kp_rows_text(&r, 0, 0);
	size_t at = 0;
	while (want[at] && want[at] == got[at])
		at++;
	if (want[at] != got[at])
		fail_msg("kp_fold differs from core/fold.c at byte %zu: %.12s vs %.12s", at, got + at, want + at);
	free(want);
	/* PostgreSQL: a start with the same rule leaves the function as it is (no rewrite) */
	if (strncmp(f->dsn, "postgres", 8) == 0) {
		static const char *sql = "SELECT CAST(xmin AS TEXT) FROM pg_proc WHERE proname = 'kp_fold'";
		assert_int_equal(kp_db_exec(f->c, &f->a, &r, sql, NULL, 0), KP_DB_OK);
		assert_int_equal(r.nrows, 1);
		const char *before = kp_rows_text(&r, 0, 0);
		int applied;
		kp_store_release(f->s, f->c);
		assert_int_equal(kp_store_migrate(f->s, &applied), KP_DB_OK);
		assert_int_equal(applied, 0);
		f->c = kp_store_acquire(f->s);
		assert_int_equal(kp_db_exec(f->c, &f->a, &r, sql, NULL, 0), KP_DB_OK);
		assert_string_equal(kp_rows_text(&r, 0, 0), before);
	}
}

#define TESTS \
	KP_STORE_FX_TEST(pattern_escapes), KP_STORE_FX_TEST(pages_and_search), KP_STORE_FX_TEST(search_folds_cyrillic)

KP_STORE_TEST_MAIN("list pages", TESTS)
