/* test_schedule.c: the pure rules of src/domain/schedule.c and crossing.c: hours per side
 * in each side's own time zone, lunch breaks on either side (Irkeshtam), the open season
 * (Torugart), closures with and without an end, public holidays of either side, modes and
 * foreigners, the next opening found over several blockers, instants with and without a
 * zone; crossing flags, the priority lane's cap and nearest-rank percentiles. */
#include "kp_test.h"

#include "domain/crossing.h"
#include "domain/dates.h"
#include "domain/schedule.h"

#define KG 360
#define CN 480

/* UTC instant of a local time at offset (minutes). */
static int64_t at_local(int y, int m, int d, int hh, int mm, int offset)
{
	return kp_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 - (int64_t)offset * 60;
}

static kp_cp_window_t win(const char *days, const char *from, const char *to, bool brk)
{
	return (kp_cp_window_t){(unsigned char)kp_cp_parse_days(days), (short)kp_cp_parse_hhmm(from),
	                        (short)kp_cp_parse_hhmm(to), brk};
}

static const kp_holiday_t holidays[] = {
	{"KG", 0, 1, 1, "New Year", "Жаңы жыл", "Новый год"}, {"KG", 0, 8, 31, "Independence Day", NULL, NULL},
	{"CN", 0, 10, 1, "National Day", NULL, NULL}, {"CN", 2026, 2, 17, "Spring Festival", NULL, NULL},
};

/* Irkeshtam as sql/005 seeds it: Monday-Friday, lunch 11-14 KG time on the Kyrgyz side and
 * 15-18 China time (13-16 KG time) on the Chinese side, closed on either side's holidays. */
static kp_cp_schedule_t irkeshtam(void)
{
	kp_cp_schedule_t s = {0};
	s.sides[0] = (kp_cp_side_t){"KG", KG, 2, {win("12345", "09:00", "18:00", false), win("12345", "11:00", "14:00", true)}, 0, 0};
	s.sides[1] = (kp_cp_side_t){"CN", CN, 2, {win("12345", "11:00", "20:00", false), win("12345", "15:00", "18:00", true)}, 0, 0};
	s.modes = KP_MODE_CAR | KP_MODE_BUS | KP_MODE_TRUCK | KP_MODE_BICYCLE | KP_MODE_MOTORCYCLE;
	s.foreigners = true;
	s.holiday_rule = KP_HOLIDAYS_BOTH;
	s.holidays = holidays;
	s.nholidays = (int)KP_ROWS(holidays);
	return s;
}

static void assert_reason(const kp_cp_status_t *st, int i, const char *code, const char *side)
{
	if (i >= st->nreasons)
		fail_msg("reason %d missing (%d reasons)", i, st->nreasons);
	assert_string_equal(st->reasons[i].code, code);
	if (side)
		assert_string_equal(st->reasons[i].side, side);
	else
		assert_null(st->reasons[i].side);
}

static void irkeshtam_lunch_on_each_side(void **state)
{
	(void)state;
	kp_cp_schedule_t s = irkeshtam();
	kp_cp_status_t st;
	/* Tuesday 24 November 2026 */
	kp_cp_status(&s, at_local(2026, 11, 24, 12, 0, KG), KP_MODE_TRUCK, false, &st);
	assert_false(st.open);
	assert_int_equal(st.nreasons, 1);
	assert_reason(&st, 0, "CLOSED_LUNCH", "KG");
	assert_int_equal(st.reasons[0].until, at_local(2026, 11, 24, 14, 0, KG));
	/* the Chinese side lunches 13-16 KG time, so the crossing opens at 16:00 KG time */
	assert_int_equal(st.next_open, at_local(2026, 11, 24, 16, 0, KG));

	kp_cp_status(&s, at_local(2026, 11, 24, 15, 0, KG), 0, false, &st);
	assert_false(st.open);
	assert_int_equal(st.nreasons, 1);
	assert_reason(&st, 0, "CLOSED_LUNCH", "CN");
	assert_int_equal(st.reasons[0].until, at_local(2026, 11, 24, 18, 0, CN));

	kp_cp_status(&s, at_local(2026, 11, 24, 10, 0, KG), 0, false, &st);
	assert_true(st.open);
	assert_int_equal(st.nreasons, 0);
	kp_cp_status(&s, at_local(2026, 11, 24, 13, 30, KG), 0, false, &st); /* both at lunch */
	assert_int_equal(st.nreasons, 2);
	kp_cp_status(&s, at_local(2026, 11, 24, 16, 0, KG), 0, false, &st);
	assert_true(st.open);
}

static void irkeshtam_hours_weekend_and_holidays(void **state)
{
	(void)state;
	kp_cp_schedule_t s = irkeshtam();
	kp_cp_status_t st;
	/* Friday 18:30 KG time: the Kyrgyz side has closed (the Chinese side too, 20:30 CN).
	 * Next: Monday 23 November 09:00 KG; the Chinese side opened at 11:00 CN = 09:00 KG. */
	kp_cp_status(&s, at_local(2026, 11, 20, 18, 30, KG), 0, false, &st);
	assert_false(st.open);
	assert_reason(&st, 0, "CLOSED_HOURS", "KG");
	assert_int_equal(st.next_open, at_local(2026, 11, 23, 9, 0, KG));
	/* 08:30 KG on a weekday: Kyrgyz side not yet open; the Chinese side (10:30 CN) neither */
	kp_cp_status(&s, at_local(2026, 11, 24, 8, 30, KG), 0, false, &st);
	assert_int_equal(st.nreasons, 2);
	assert_int_equal(st.next_open, at_local(2026, 11, 24, 9, 0, KG));
	/* 1 October 2026 (Thursday) is China's National Day: closed, on the Chinese side */
	kp_cp_status(&s, at_local(2026, 10, 1, 10, 0, KG), 0, false, &st);
	assert_false(st.open);
	assert_reason(&st, 0, "CLOSED_HOLIDAY", "CN");
	assert_string_equal(st.reasons[0].detail, "National Day");
	assert_null(st.reasons[0].detail_ky); /* no Kyrgyz name given: the page shows the English */
	assert_int_equal(st.next_open, at_local(2026, 10, 2, 9, 0, KG));
	/* 31 August 2026 (Monday), Kyrgyz Independence Day */
	kp_cp_status(&s, at_local(2026, 8, 31, 10, 0, KG), 0, false, &st);
	assert_reason(&st, 0, "CLOSED_HOLIDAY", "KG");
	/* a holiday of a given year only: 17 February 2026 yes, 2027 no (a Wednesday) */
	kp_cp_status(&s, at_local(2026, 2, 17, 10, 0, KG), 0, false, &st);
	assert_reason(&st, 0, "CLOSED_HOLIDAY", "CN");
	kp_cp_status(&s, at_local(2027, 2, 17, 10, 0, KG), 0, false, &st);
	assert_true(st.open);
	/* the rule "own" ignores the neighbour's holidays */
	s.holiday_rule = KP_HOLIDAYS_OWN;
	kp_cp_status(&s, at_local(2026, 10, 1, 10, 0, KG), 0, false, &st);
	assert_true(st.open);
}

static void torugart_season(void **state)
{
	(void)state;
	kp_cp_schedule_t s = irkeshtam();
	s.season_from_m = 5, s.season_from_d = 25, s.season_to_m = 9, s.season_to_d = 30;
	kp_cp_status_t st;
	kp_cp_status(&s, at_local(2027, 1, 15, 10, 0, KG), KP_MODE_TRUCK, false, &st);
	assert_false(st.open);
	assert_reason(&st, 0, "CLOSED_SEASON", NULL);
	assert_int_equal(st.reasons[0].until, at_local(2027, 5, 25, 0, 0, KG));
	assert_int_equal(st.next_open, at_local(2027, 5, 25, 9, 0, KG)); /* a Tuesday */
	/* October: the season starts next year */
	kp_cp_status(&s, at_local(2026, 10, 5, 10, 0, KG), 0, false, &st);
	assert_int_equal(st.reasons[0].until, at_local(2027, 5, 25, 0, 0, KG));
	kp_cp_status(&s, at_local(2026, 6, 9, 10, 0, KG), 0, false, &st);
	assert_true(st.open);
	kp_cp_status(&s, at_local(2026, 9, 30, 10, 0, KG), 0, false, &st);
	assert_true(st.open);
	/* a winter season wrapping the new year */
	s.season_from_m = 11, s.season_from_d = 1, s.season_to_m = 3, s.season_to_d = 31;
	kp_cp_status(&s, at_local(2027, 1, 15, 10, 0, KG), 0, false, &st);
	assert_true(st.open);
	kp_cp_status(&s, at_local(2026, 6, 9, 10, 0, KG), 0, false, &st);
	assert_reason(&st, 0, "CLOSED_SEASON", NULL);
}

static kp_cp_schedule_t round_the_clock(unsigned modes, bool foreigners)
{
	kp_cp_schedule_t s = {0};
	s.sides[0] = (kp_cp_side_t){"KG", KG, 1, {win("1234567", "00:00", "24:00", false)}, 0, 0};
	s.sides[1] = (kp_cp_side_t){"UZ", 300, 1, {win("1234567", "00:00", "24:00", false)}, 0, 0};
	s.modes = modes;
	s.foreigners = foreigners;
	return s;
}

static void modes_and_foreigners(void **state)
{
	(void)state;
	kp_cp_status_t st;
	int64_t t = at_local(2026, 11, 24, 3, 0, KG);
	kp_cp_schedule_t ak_tilek = round_the_clock(KP_MODE_TRUCK, true);
	kp_cp_status(&ak_tilek, t, KP_MODE_CAR, false, &st);
	assert_false(st.open);
	assert_reason(&st, 0, "MODE_NOT_ALLOWED", NULL);
	assert_string_equal(st.reasons[0].detail, "car");
	assert_int_equal(st.next_open, 0);
	kp_cp_status(&ak_tilek, t, KP_MODE_TRUCK, false, &st);
	assert_true(st.open);
	kp_cp_schedule_t izboskan = round_the_clock(KP_MODE_PEDESTRIAN | KP_MODE_BICYCLE, true);
	kp_cp_status(&izboskan, t, KP_MODE_CAR, true, &st);
	assert_reason(&st, 0, "MODE_NOT_ALLOWED", NULL);
	kp_cp_status(&izboskan, t, KP_MODE_MOTORCYCLE, true, &st);
	assert_false(st.open);
	kp_cp_status(&izboskan, t, KP_MODE_BICYCLE, true, &st);
	assert_true(st.open);
	kp_cp_schedule_t karamyk = round_the_clock(KP_MODE_CAR, false);
	kp_cp_status(&karamyk, t, KP_MODE_CAR, true, &st);
	assert_reason(&st, 0, "FOREIGNERS_NOT_ALLOWED", NULL);
	kp_cp_status(&karamyk, t, KP_MODE_CAR, false, &st);
	assert_true(st.open);
	kp_cp_status(&karamyk, t, 0, false, &st); /* no mode: any */
	assert_true(st.open);
}

static void closures(void **state)
{
	(void)state;
	kp_cp_schedule_t s = round_the_clock(KP_MODE_CAR, true);
	kp_cp_closure_t c[] = {{1, at_local(2026, 12, 1, 8, 0, KG), at_local(2026, 12, 3, 8, 0, KG), "snow", "кар", "снег"},
	                       {2, at_local(2022, 9, 14, 0, 0, KG), 0, "border conflict", NULL, NULL}};
	s.closures = c;
	s.nclosures = 1;
	kp_cp_status_t st;
	kp_cp_status(&s, at_local(2026, 12, 2, 12, 0, KG), 0, false, &st);
	assert_false(st.open);
	assert_reason(&st, 0, "CLOSED", NULL);
	assert_string_equal(st.reasons[0].detail, "snow");
	assert_string_equal(st.reasons[0].detail_ky, "кар"); /* the closure's reason in each language */
	assert_string_equal(st.reasons[0].detail_ru, "снег");
	assert_int_equal(st.reasons[0].since, c[0].from);
	assert_int_equal(st.next_open, c[0].to);
	kp_cp_status(&s, c[0].to, 0, false, &st); /* the end is exclusive */
	assert_true(st.open);
	kp_cp_status(&s, c[0].from - 1, 0, false, &st);
	assert_true(st.open);
	s.closures = &c[1];
	kp_cp_status(&s, at_local(2026, 12, 2, 12, 0, KG), 0, false, &st);
	assert_false(st.open);
	assert_int_equal(st.reasons[0].until, 0);
	assert_int_equal(st.next_open, 0); /* until further notice */
}

static void side_without_hours_is_open(void **state)
{
	(void)state;
	kp_cp_schedule_t s = {0};
	snprintf(s.sides[0].country, 3, "KG");
	snprintf(s.sides[1].country, 3, "KZ");
	s.modes = KP_MODE_CAR;
	kp_cp_status_t st;
	kp_cp_status(&s, 1800000000, KP_MODE_CAR, false, &st);
	assert_true(st.open);
}

static void parsing(void **state)
{
	(void)state;
	assert_int_equal(kp_cp_parse_days("12345"), 0x1f);
	assert_int_equal(kp_cp_parse_days("7"), 0x40);
	assert_int_equal(kp_cp_parse_days("118"), -1);
	assert_int_equal(kp_cp_parse_days(""), -1);
	assert_int_equal(kp_cp_parse_days("0"), -1);
	assert_int_equal(kp_cp_parse_hhmm("09:30"), 570);
	assert_int_equal(kp_cp_parse_hhmm("24:00"), 1440);
	assert_int_equal(kp_cp_parse_hhmm("24:01"), -1);
	assert_int_equal(kp_cp_parse_hhmm("9:30"), -1);
	assert_int_equal(kp_cp_parse_hhmm("12:60"), -1);
	signed char m, d;
	assert_int_equal(kp_cp_parse_mmdd("02-29", &m, &d), 0);
	assert_int_equal(kp_cp_parse_mmdd("02-30", &m, &d), -1);
	assert_int_equal(kp_cp_parse_mmdd("13-01", &m, &d), -1);
	unsigned mask;
	assert_int_equal(kp_modes_parse("pedestrian,bicycle", &mask), 0);
	assert_int_equal(mask, KP_MODE_PEDESTRIAN | KP_MODE_BICYCLE);
	assert_int_equal(kp_modes_parse("car,,bus", &mask), -1);
	assert_int_equal(kp_modes_parse("tank", &mask), -1);
	assert_int_equal(kp_modes_parse("", &mask), -1);
	assert_string_equal(kp_mode_flow(KP_MODE_BICYCLE), "pedestrian");
	assert_string_equal(kp_mode_flow(KP_MODE_MOTORCYCLE), "car");
	int64_t t;
	assert_int_equal(kp_parse_instant("2026-11-24T12:00", KG, &t), 0);
	assert_int_equal(t, at_local(2026, 11, 24, 12, 0, KG));
	assert_int_equal(kp_parse_instant("2026-11-24T06:00:00Z", KG, &t), 0);
	assert_int_equal(t, at_local(2026, 11, 24, 12, 0, KG));
	assert_int_equal(kp_parse_instant("2026-11-24T14:00+08:00", KG, &t), 0);
	assert_int_equal(t, at_local(2026, 11, 24, 12, 0, KG));
	assert_int_equal(kp_parse_instant("2026-11-24T01:00-05:00", 0, &t), 0);
	assert_int_equal(t, at_local(2026, 11, 24, 6, 0, 0));
	const char *bad[] = {"2026-11-24", "2026-11-24T25:00", "2026-02-30T10:00", "2026-11-24T12:00+6", "2026-11-24T12:00Zx",
	                     "2026-11-24 12:00", "2026-11-24T12:0a"};
	for (size_t i = 0; i < KP_ROWS(bad); i++)
		if (kp_parse_instant(bad[i], KG, &t) == 0)
			fail_msg("%s was accepted", bad[i]);
	char out[17];
	kp_format_local(at_local(2026, 11, 24, 12, 5, KG), CN, out);
	assert_string_equal(out, "2026-11-24T14:05");
	double km = kp_geo_km(42.87, 74.59, 43.24, 76.89); /* Bishkek - Almaty, about 190 km */
	assert_true(km > 180 && km < 200);
}

static void crossing_flags(void **state)
{
	(void)state;
	kp_crossing_facts_t f = {true, false, 0, 44000, NULL, NULL, NULL};
	assert_int_equal(kp_crossing_flags(&f), KP_FLAG_NO_PERMIT);
	f.permit_ok = true;
	assert_int_equal(kp_crossing_flags(&f), 0);
	f.weight_kg = 44001;
	assert_int_equal(kp_crossing_flags(&f), KP_FLAG_OVERWEIGHT);
	f.weight_kg = 44000;
	assert_int_equal(kp_crossing_flags(&f), 0);
	f.max_weight_kg = 0; /* no limit */
	f.weight_kg = 90000;
	assert_int_equal(kp_crossing_flags(&f), 0);
	f.scan = "alarm", f.xray = "clear", f.radiation = "alarm";
	assert_int_equal(kp_crossing_flags(&f), KP_FLAG_SCAN_ALARM | KP_FLAG_RADIATION_ALARM);
	char buf[96];
	kp_crossing_flags_text(KP_FLAG_NO_PERMIT | KP_FLAG_OVERWEIGHT | KP_FLAG_RADIATION_ALARM, buf, sizeof(buf));
	assert_string_equal(buf, "NO_PERMIT,OVERWEIGHT,RADIATION_ALARM");
	kp_crossing_flags_text(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	kp_crossing_facts_t car = {false, false, 2000, 44000, NULL, NULL, NULL};
	assert_int_equal(kp_crossing_flags(&car), 0);
	assert_true(kp_kind_is_freight("tractor"));
	assert_false(kp_kind_is_freight("bus"));
	assert_string_equal(kp_kind_flow(NULL), "pedestrian");
	assert_string_equal(kp_kind_flow("tractor"), "truck");
	assert_string_equal(kp_kind_flow("motorcycle"), "car");
	assert_null(kp_check_crossing_kind("bicycle"));
	assert_non_null(kp_check_crossing_kind("tank"));
	assert_null(kp_check_priority("postal"));
	assert_non_null(kp_check_priority("vip"));
}

static void priority_cap_and_percentiles(void **state)
{
	(void)state;
	assert_int_equal(kp_queue_priority_cap(20, 5), 1);
	assert_int_equal(kp_queue_priority_cap(100, 5), 5);
	assert_int_equal(kp_queue_priority_cap(10, 0), 0);
	assert_int_equal(kp_queue_priority_cap(0, 5), 0);
	assert_int_equal(kp_queue_priority_cap(1000, 1), 10);
	int64_t v[] = {60, 120, 300, 600, 900, 1200, 1800, 2400, 3000, 3600};
	assert_int_equal(kp_percentile(v, 10, 50), 900);
	assert_int_equal(kp_percentile(v, 10, 90), 3000);
	assert_int_equal(kp_percentile(v, 1, 90), 60);
	assert_int_equal(kp_percentile(v, 0, 50), 0);
	assert_int_equal(kp_percentile(v, 3, 50), 120);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(irkeshtam_lunch_on_each_side),
		cmocka_unit_test(irkeshtam_hours_weekend_and_holidays),
		cmocka_unit_test(torugart_season),
		cmocka_unit_test(modes_and_foreigners),
		cmocka_unit_test(closures),
		cmocka_unit_test(side_without_hours_is_open),
		cmocka_unit_test(parsing),
		cmocka_unit_test(crossing_flags),
		cmocka_unit_test(priority_cap_and_percentiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
