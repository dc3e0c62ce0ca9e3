/* test_dates.c: the civil-date arithmetic of src/domain/dates.c: days since the epoch
 * and back over a wide range, leap years, the dd/MM/yyyy and ISO text forms with bad
 * inputs, and the local day of an instant at UTC offsets (both signs, at the day
 * boundary). */
#include "kp_test.h"

#include "domain/dates.h"

#include <time.h>

/* The reference: the C library's own proleptic Gregorian arithmetic (timegm). */
static int64_t libc_days(int y, int m, int d)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
	time_t t = timegm(&tm);
	return ((int64_t)t - 12 * 3600) / 86400;
}

/* Also right for years before 1 (proleptic: year 0 is a leap year, -4 too): C's %
 * keeps the sign, and only a zero remainder matters. */
static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_len(int y, int m)
{
	static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return len[m - 1] + (m == 2 && leap(y));
}

/* ---- days_from_civil / civil_from_days ---- */

static void known_days(void **state)
{
	(void)state;
	static const struct {
		int y, m, d;
		int64_t days;
	} rows[] = {
	    {1970, 1, 1, 0},         {1970, 1, 2, 1},       {1969, 12, 31, -1},    {2000, 1, 1, 10957},
	    {2000, 2, 29, 11016},    {2000, 3, 1, 11017},   {1900, 2, 28, -25509}, {1900, 3, 1, -25508},
	    {2024, 2, 29, 19782},    {2026, 1, 31, 20484},  {2027, 1, 31, 20849},  {2100, 2, 28, 47540},
	    {2100, 3, 1, 47541},     {1600, 1, 1, -135140}, {0, 3, 1, -719468},    {-1, 12, 31, -719529},
	    {9999, 12, 31, 2932896}, {2038, 1, 19, 24855},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		int64_t got = kp_days_from_civil(rows[i].y, rows[i].m, rows[i].d);
		if (got != rows[i].days)
			fail_msg("days_from_civil(%d-%02d-%02d) = %lld, want %lld", rows[i].y, rows[i].m, rows[i].d, (long long)got,
			         (long long)rows[i].days);
		int y, m, d;
		kp_civil_from_days(rows[i].days, &y, &m, &d);
		if (y != rows[i].y || m != rows[i].m || d != rows[i].d)
			fail_msg("civil_from_days(%lld) = %d-%02d-%02d, want %d-%02d-%02d", (long long)rows[i].days, y, m, d,
			         rows[i].y, rows[i].m, rows[i].d);
	}
}

/* Every day from year -1000 to 11000: civil_from_days(days_from_civil(x)) == x, the
 * days are consecutive, and (for the years the C library handles) agree with timegm. */
static void round_trip_wide_range(void **state)
{
	(void)state;
	int64_t expect = kp_days_from_civil(-1000, 1, 1);
	long checked = 0;
	for (int y = -1000; y <= 11000; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= month_len(y, m); d++) {
				int64_t days = kp_days_from_civil(y, m, d);
				if (days != expect)
					fail_msg("%d-%02d-%02d is day %lld, want %lld (one after the day before)", y, m, d, (long long)days,
					         (long long)expect);
				expect++;
				int yy, mm, dd;
				kp_civil_from_days(days, &yy, &mm, &dd);
				if (yy != y || mm != m || dd != d)
					fail_msg("round trip of %d-%02d-%02d gave %d-%02d-%02d", y, m, d, yy, mm, dd);
				if (y >= 1 && y <= 9999 && d == 1 && libc_days(y, m, d) != days)
					fail_msg("%d-%02d-01: %lld, timegm says %lld", y, m, (long long)days,
					         (long long)libc_days(y, m, d));
				checked++;
			}
	assert_true(checked > 4000000);
	/* and from the days side, both signs, large values */
	for (int64_t z = -5000000; z <= 5000000; z += 997) {
		int y, m, d;
		kp_civil_from_days(z, &y, &m, &d);
		assert_true(m >= 1 && m <= 12 && d >= 1 && d <= 31);
		assert_int_equal(kp_days_from_civil(y, m, d), z);
	}
}

/* ---- leap years ---- */

static void leap_years(void **state)
{
	(void)state;
	static const struct {
		int year;
		bool leap;
	} rows[] = {
	    {2000, true},  {1900, false}, {2024, true}, {2100, false}, {2023, false}, {2096, true},
	    {2200, false}, {1904, true},  {2004, true}, {2400, true},  {1600, true},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		int y = rows[i].year;
		/* the day after 28 February is 29 February exactly in leap years */
		int yy, mm, dd;
		kp_civil_from_days(kp_days_from_civil(y, 2, 28) + 1, &yy, &mm, &dd);
		if ((mm == 2 && dd == 29) != rows[i].leap)
			fail_msg("%d: the day after 28 February is %02d-%02d", y, mm, dd);
		/* the year has 366 days exactly in leap years */
		int64_t len = kp_days_from_civil(y + 1, 1, 1) - kp_days_from_civil(y, 1, 1);
		assert_int_equal(len, rows[i].leap ? 366 : 365);
		/* kp_date_valid agrees where it applies (1900-2200) */
		if (y >= 1900 && y <= 2200) {
			if (kp_date_valid(y, 2, 29) != rows[i].leap)
				fail_msg("kp_date_valid(%d, 2, 29) = %d", y, kp_date_valid(y, 2, 29));
			assert_true(kp_date_valid(y, 2, 28));
			assert_false(kp_date_valid(y, 2, 30));
		}
	}
}

static void date_valid(void **state)
{
	(void)state;
	static const struct {
		int y, m, d;
		bool ok;
	} rows[] = {
	    {2026, 1, 31, true},   {2026, 4, 30, true},  {2026, 4, 31, false}, {2026, 6, 31, false}, {2026, 9, 31, false},
	    {2026, 11, 31, false}, {2026, 12, 31, true}, {2026, 0, 1, false},  {2026, 13, 1, false}, {2026, 1, 0, false},
	    {2026, 1, 32, false},  {2026, -1, 1, false}, {2026, 1, -5, false}, {1900, 1, 1, true},   {1899, 12, 31, false},
	    {2200, 12, 31, true},  {2201, 1, 1, false},  {0, 1, 1, false},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++)
		if (kp_date_valid(rows[i].y, rows[i].m, rows[i].d) != rows[i].ok)
			fail_msg("kp_date_valid(%d, %d, %d) = %d, want %d", rows[i].y, rows[i].m, rows[i].d, !rows[i].ok,
			         rows[i].ok);
}

/* ---- text forms ---- */

struct parse_case {
	const char *in;
	int y, m, d; /* y 0: refused */
};

static void run_parse(const char *name, int (*parse)(const char *, int64_t *), const struct parse_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int64_t days = 424242;
		int rc = parse(c[i].in, &days);
		if (c[i].y == 0) {
			if (rc != -1)
				fail_msg("%s(\"%s\") accepted it (day %lld)", name, c[i].in ? c[i].in : "(null)", (long long)days);
			if (days != 424242)
				fail_msg("%s(\"%s\") wrote *days although it refused", name, c[i].in ? c[i].in : "(null)");
		} else {
			if (rc != 0)
				fail_msg("%s(\"%s\") refused it", name, c[i].in);
			if (days != kp_days_from_civil(c[i].y, c[i].m, c[i].d))
				fail_msg("%s(\"%s\") = day %lld, want %d-%02d-%02d", name, c[i].in, (long long)days, c[i].y, c[i].m,
				         c[i].d);
		}
	}
}

static void parse_dmy(void **state)
{
	(void)state;
	static const struct parse_case cases[] = {
	    {"31/01/2027", 2027, 1, 31},
	    {"01/01/1900", 1900, 1, 1},
	    {"31/12/2200", 2200, 12, 31},
	    {"29/02/2024", 2024, 2, 29},
	    {"29/02/2000", 2000, 2, 29},
	    {"29/02/1900", 0, 0, 0}, /* not a leap year */
	    {"29/02/2100", 0, 0, 0},
	    {"29/02/2026", 0, 0, 0},
	    {"31/04/2026", 0, 0, 0},
	    {"00/01/2026", 0, 0, 0},
	    {"01/00/2026", 0, 0, 0},
	    {"01/13/2026", 0, 0, 0},
	    {"32/01/2026", 0, 0, 0},
	    {"31/12/1899", 0, 0, 0}, /* outside 1900-2200 */
	    {"01/01/2201", 0, 0, 0},
	    {"1/1/2026", 0, 0, 0},    /* no padding */
	    {"01-01-2026", 0, 0, 0},  /* wrong separators */
	    {"2026-01-31", 0, 0, 0},  /* ISO is not dd/MM/yyyy */
	    {"01/01/2026 ", 0, 0, 0}, /* trailing space */
	    {" 01/01/2026", 0, 0, 0},
	    {"01/01/20260", 0, 0, 0},
	    {"01/01/202", 0, 0, 0},
	    {"+1/01/2026", 0, 0, 0},
	    {"-1/01/2026", 0, 0, 0},
	    {"0a/01/2026", 0, 0, 0},
	    {"01/01/2O26", 0, 0, 0}, /* letter O */
	    {"", 0, 0, 0},
	    {NULL, 0, 0, 0},
	};
	run_parse("kp_date_parse_dmy", kp_date_parse_dmy, cases, KP_ROWS(cases));
}

static void parse_iso(void **state)
{
	(void)state;
	static const struct parse_case cases[] = {
	    {"2026-01-31", 2026, 1, 31},
	    {"1900-01-01", 1900, 1, 1},
	    {"2200-12-31", 2200, 12, 31},
	    {"2024-02-29", 2024, 2, 29},
	    {"2000-02-29", 2000, 2, 29},
	    {"1900-02-29", 0, 0, 0},
	    {"2100-02-29", 0, 0, 0},
	    {"2026-02-29", 0, 0, 0},
	    {"2026-06-31", 0, 0, 0},
	    {"2026-00-10", 0, 0, 0},
	    {"2026-13-10", 0, 0, 0},
	    {"2026-01-00", 0, 0, 0},
	    {"1899-12-31", 0, 0, 0},
	    {"2201-01-01", 0, 0, 0},
	    {"2026-1-31", 0, 0, 0},
	    {"2026/01/31", 0, 0, 0},
	    {"31/01/2026", 0, 0, 0},
	    {"2026-01-31T00:00:00Z", 0, 0, 0},
	    {"2026-01-3", 0, 0, 0},
	    {"+026-01-31", 0, 0, 0},
	    {"2026-01-+1", 0, 0, 0},
	    {"2026-0x-01", 0, 0, 0},
	    {"", 0, 0, 0},
	    {NULL, 0, 0, 0},
	};
	run_parse("kp_date_parse_iso", kp_date_parse_iso, cases, KP_ROWS(cases));
}

static void format_round_trip(void **state)
{
	(void)state;
	char out[11];
	kp_date_format_dmy(kp_days_from_civil(2027, 1, 31), out);
	assert_string_equal(out, "31/01/2027");
	kp_date_format_iso(kp_days_from_civil(2027, 1, 31), out);
	assert_string_equal(out, "2027-01-31");
	kp_date_format_dmy(0, out);
	assert_string_equal(out, "01/01/1970");
	kp_date_format_iso(kp_days_from_civil(1900, 3, 1), out);
	assert_string_equal(out, "1900-03-01");
	kp_date_format_dmy(kp_days_from_civil(2024, 2, 29), out);
	assert_string_equal(out, "29/02/2024");
	/* every day the parsers accept formats back to the same text */
	for (int64_t day = kp_days_from_civil(1900, 1, 1); day <= kp_days_from_civil(2200, 12, 31); day++) {
		char dmy[11], iso[11];
		int64_t back = -1;
		kp_date_format_dmy(day, dmy);
		kp_date_format_iso(day, iso);
		assert_int_equal(strlen(dmy), 10);
		assert_int_equal(strlen(iso), 10);
		if (kp_date_parse_dmy(dmy, &back) != 0 || back != day)
			fail_msg("dd/MM/yyyy round trip of day %lld (%s) failed", (long long)day, dmy);
		back = -1;
		if (kp_date_parse_iso(iso, &back) != 0 || back != day)
			fail_msg("ISO round trip of day %lld (%s) failed", (long long)day, iso);
	}
}

/* ---- local days at a UTC offset ---- */

static void local_day(void **state)
{
	(void)state;
	const int64_t d2026 = kp_days_from_civil(2026, 1, 1); /* 2026-01-01 */
	const int64_t midnight = d2026 * 86400;               /* 2026-01-01T00:00:00Z */
	static const struct {
		int64_t at_from_midnight; /* seconds after 2026-01-01T00:00:00Z */
		int offset;
		int64_t want_from_d2026; /* local day, relative to 2026-01-01 */
	} rows[] = {
	    {0, 0, 0},
	    {-1, 0, -1}, /* 2025-12-31T23:59:59Z */
	    {86399, 0, 0},
	    {86400, 0, 1},
	    /* UTC+6 (Bishkek): the local day starts at 18:00Z the day before */
	    {-6 * 3600, 360, 0},      /* 2025-12-31T18:00:00Z is 00:00 on 1 January in Bishkek */
	    {-6 * 3600 - 1, 360, -1}, /* 17:59:59Z is still 31 December there */
	    {18 * 3600 - 1, 360, 0},  /* 2026-01-01T17:59:59Z: 23:59:59 local */
	    {18 * 3600, 360, 1},
	    /* UTC-5: the local day starts at 05:00Z */
	    {5 * 3600, -300, 0},
	    {5 * 3600 - 1, -300, -1},
	    {0, -300, -1},
	    /* the extremes the setting allows: UTC-12 and UTC+14 */
	    {12 * 3600, -720, 0},
	    {12 * 3600 - 1, -720, -1},
	    {-14 * 3600, 840, 0},
	    {-14 * 3600 - 1, 840, -1},
	    /* half-hour and 45-minute offsets */
	    {-5 * 3600 - 45 * 60, 345, 0},
	    {-5 * 3600 - 45 * 60 - 1, 345, -1},
	    {3 * 3600 + 30 * 60 - 1, -210, -1},
	    {3 * 3600 + 30 * 60, -210, 0},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		int64_t got = kp_local_day(midnight + rows[i].at_from_midnight, rows[i].offset);
		if (got != d2026 + rows[i].want_from_d2026)
			fail_msg("row %zu: local day of %+lld s at offset %d is %+lld, want %+lld", i,
			         (long long)rows[i].at_from_midnight, rows[i].offset, (long long)(got - d2026),
			         (long long)rows[i].want_from_d2026);
	}
	/* before the epoch the division still rounds down */
	assert_int_equal(kp_local_day(-1, 0), -1);
	assert_int_equal(kp_local_day(-86400, 0), -1);
	assert_int_equal(kp_local_day(-86401, 0), -2);
	assert_int_equal(kp_local_day(0, -1), -1);
	assert_int_equal(kp_local_day(-60, 1), 0);
}

static void local_day_end(void **state)
{
	(void)state;
	/* 31 January 2027 ends at 17:59:59Z in Bishkek (UTC+6) */
	int64_t d = kp_days_from_civil(2027, 1, 31);
	assert_int_equal(kp_local_day_end(d, 360), d * 86400 + 17 * 3600 + 59 * 60 + 59);
	assert_int_equal(kp_local_day_end(d, 0), d * 86400 + 86399);
	assert_int_equal(kp_local_day_end(d, -300), d * 86400 + 86399 + 5 * 3600);
	/* the end is the last second of the local day, the next second is the next day */
	static const int offsets[] = {-720, -300, -210, 0, 1, 345, 360, 840};
	for (size_t i = 0; i < KP_ROWS(offsets); i++)
		for (int64_t day = kp_days_from_civil(2020, 1, 1); day < kp_days_from_civil(2031, 1, 1); day += 7) {
			int64_t end = kp_local_day_end(day, offsets[i]);
			assert_int_equal(kp_local_day(end, offsets[i]), day);
			assert_int_equal(kp_local_day(end + 1, offsets[i]), day + 1);
		}
}

/* ---- a reported time in the future, allowing for a fast clock ---- */

static void instant_in_future(void **state)
{
	(void)state;
	const int64_t now = 1798739999; /* 31 December 2026 23:59:59 in Bishkek */
	assert_false(kp_instant_in_future(now - 86400, now));
	assert_false(kp_instant_in_future(now, now));
	assert_false(kp_instant_in_future(now + KP_CLOCK_SKEW_S, now));
	assert_true(kp_instant_in_future(now + KP_CLOCK_SKEW_S + 1, now));
	assert_int_equal(KP_CLOCK_SKEW_S, 300);
}

/* The local day's first and last second and the local year, at Bishkek's +6 and at -5:
 * 1 January 2027 in Bishkek begins at 18:00 UTC on 31 December 2026. */
static void local_day_bounds_and_year(void **state)
{
	(void)state;
	int64_t jan1 = kp_days_from_civil(2027, 1, 1);
	int64_t start = kp_local_day_start(jan1, 360);
	assert_int_equal(start, 1798740000); /* 2026-12-31T18:00:00Z */
	assert_int_equal(kp_local_day(start, 360), jan1);
	assert_int_equal(kp_local_day(start - 1, 360), jan1 - 1);
	assert_int_equal(kp_local_day_end(jan1 - 1, 360), start - 1);
	assert_int_equal(kp_local_day_end(jan1, 360) - start, 86399);
	assert_int_equal(kp_local_year(start - 1, 360), 2026);
	assert_int_equal(kp_local_year(start, 360), 2027);
	assert_int_equal(kp_local_year(start, 0), 2026); /* still 31 December in UTC */
	assert_int_equal(kp_local_day_start(jan1, -300), jan1 * 86400 + 300 * 60);
	assert_int_equal(kp_local_year(kp_local_day_start(jan1, -300) - 1, -300), 2026);
	assert_int_equal(kp_local_year(-1, 0), 1969);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(local_day_bounds_and_year),
	    cmocka_unit_test(known_days),
	    cmocka_unit_test(round_trip_wide_range),
	    cmocka_unit_test(leap_years),
	    cmocka_unit_test(date_valid),
	    cmocka_unit_test(parse_dmy),
	    cmocka_unit_test(parse_iso),
	    cmocka_unit_test(format_round_trip),
	    cmocka_unit_test(local_day),
	    cmocka_unit_test(local_day_end),
	    cmocka_unit_test(instant_in_future),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
