/* test_stay_dated.c: the stay calculator under rules in force by date (src/domain/stay.c,
 * kp_stay_calculate_dated), table-driven. Sources: seed 001 (the re-entry rule of October
 * 2023 to December 2025 and its two worked examples, here on dates of 2024 when it was in
 * force) and Cabinet resolution No. 855 of 31 December 2025 (30/60 for the annex states,
 * 90/180 for the EAEU, 60/120 for Uzbekistan, 180/360 for the Gulf states, 60 days for a UN
 * laissez-passer). A stay crossing 31 December 2025 is judged day by day. */
#include "kp_test.h"

#include "core/util.h"
#include "domain/dates.h"
#include "domain/stay.h"

static int64_t day(const char *iso)
{
	if (iso == NULL)
		return KP_STAY_OPEN;
	int64_t d;
	if (kp_date_parse_iso(iso, &d) != 0)
		fail_msg("bad date in the table: %s", iso);
	return d;
}

#define OPEN_END NULL
/* The rule groups as periods: [from, to] and the rule. */
struct group {
	const char *name;
	struct {
		const char *from, *to;
		kp_stay_rule_t rule;
	} p[3];
	int n;
};

static const struct group ANNEX = {"annex state (e.g. FR)",
                                   {{"2023-10-01", "2025-12-30", {KP_STAY_REENTRY, 60, 0}},
                                    {"2025-12-31", OPEN_END, {KP_STAY_ROLLING, 30, 60}}},
                                   2};
static const struct group EAEU = {"EAEU (e.g. KZ)",
                                  {{"1970-01-01", "2025-12-30", {KP_STAY_ROLLING, 90, 180}},
                                   {"2025-12-31", OPEN_END, {KP_STAY_ROLLING, 90, 180}}},
                                  2};
static const struct group GULF = {"Gulf state (e.g. SA)",
                                  {{"2023-10-01", "2025-12-30", {KP_STAY_REENTRY, 60, 0}},
                                   {"2025-12-31", OPEN_END, {KP_STAY_ROLLING, 180, 360}}},
                                  2};
static const struct group UZ = {"Uzbekistan", {{"2025-12-31", OPEN_END, {KP_STAY_ROLLING, 60, 120}}}, 1};
static const struct group UN = {"UN laissez-passer", {{"2025-12-31", OPEN_END, {KP_STAY_PER_ENTRY, 60, 0}}}, 1};
static const struct group VISA = {"not listed", {{"1970-01-01", OPEN_END, {KP_STAY_VISA_REQUIRED, 0, 0}}}, 1};

struct row {
	const char *name;
	const struct group *g;
	const char *past[3][2];
	const char *plan[2];
	bool allowed;
	const char *last, *earliest, *full; /* NULL: none */
	int64_t over;
	int entry_rule, last_rule;
};

static void fmt(int64_t d, char out[11])
{
	if (d < 0 || d == INT64_MAX)
		snprintf(out, 11, "-");
	else
		kp_date_format_iso(d, out);
}

static void check(const struct row *r)
{
	kp_stay_period_t pr[3];
	for (int i = 0; i < r->g->n; i++)
		pr[i] = (kp_stay_period_t){day(r->g->p[i].from), day(r->g->p[i].to), r->g->p[i].rule};
	kp_stay_t past[3];
	int n = 0;
	for (; n < 3 && r->past[n][0]; n++)
		past[n] = (kp_stay_t){day(r->past[n][0]), day(r->past[n][1])};
	kp_stay_t plan = {day(r->plan[0]), day(r->plan[1])};
	kp_stay_result_t o;
	const char *err = NULL;
	int rc = kp_stay_calculate_dated(pr, r->g->n, past, n, &plan, &o, &err);
	if (rc != KP_STAY_OK)
		fail_msg("%s: refused (%d): %s", r->name, rc, err);
	char got[3][11];
	fmt(o.last_legal_day, got[0]);
	fmt(o.earliest_entry, got[1]);
	fmt(o.earliest_full_entry, got[2]);
	const char *want[3] = {r->last ? r->last : "-", r->earliest ? r->earliest : "-", r->full ? r->full : "-"};
	static const char *const what[3] = {"last legal day", "earliest entry", "earliest full entry"};
	for (int i = 0; i < 3; i++)
		if (strcmp(got[i], want[i]) != 0)
			fail_msg("%s [%s]: %s %s, want %s", r->name, r->g->name, what[i], got[i], want[i]);
	if (o.entry_allowed != r->allowed || o.overstay_days != r->over)
		fail_msg("%s: allowed %d overstay %lld, want %d %lld", r->name, o.entry_allowed, (long long)o.overstay_days,
		         r->allowed, (long long)r->over);
	if (o.rule_index != r->entry_rule || o.last_rule != r->last_rule)
		fail_msg("%s: entry rule %d, last-day rule %d; want %d, %d", r->name, o.rule_index, o.last_rule, r->entry_rule,
		         r->last_rule);
	assert_int_equal(o.evisa_needed, !r->allowed || r->over > 0);
}

static void seed_examples_in_force(void **state)
{
	(void)state;
	static const struct row rows[] = {
	    /* seed 001, example 1: all 60 days used, 60 days outside, then a new period */
	    {"example 1",
	     &ANNEX,
	     {{"2024-03-01", "2024-04-29"}},
	     {"2024-06-29", NULL},
	     true,
	     "2024-08-27",
	     "2024-06-29",
	     "2024-06-29",
	     0,
	     0,
	     -1},
	    {"example 1 a day early",
	     &ANNEX,
	     {{"2024-03-01", "2024-04-29"}},
	     {"2024-06-28", NULL},
	     false,
	     NULL,
	     "2024-06-29",
	     "2024-06-29",
	     0,
	     0,
	     -1},
	    /* seed 001, example 2: X = 20 days used, 20 days outside, 40 more */
	    {"example 2",
	     &ANNEX,
	     {{"2024-03-01", "2024-03-20"}},
	     {"2024-04-10", NULL},
	     true,
	     "2024-05-19",
	     "2024-04-10",
	     "2024-05-20",
	     0,
	     0,
	     -1},
	    {"example 2 a day early",
	     &ANNEX,
	     {{"2024-03-01", "2024-03-20"}},
	     {"2024-04-09", NULL},
	     false,
	     NULL,
	     "2024-04-10",
	     "2024-05-20",
	     0,
	     0,
	     -1},
	};
	for (size_t i = 0; i < KP_ARRAY_LEN(rows); i++)
		check(&rows[i]);
}

static void resolution_855(void **state)
{
	(void)state;
	static const struct row rows[] = {
	    /* a stay crossing the change: the 60 days of the old rule are cut at 30 by the new */
	    {"crossing 31 Dec 2025",
	     &ANNEX,
	     {{NULL}},
	     {"2025-12-20", NULL},
	     true,
	     "2026-01-18",
	     "2025-12-20",
	     "2025-12-31",
	     0,
	     0,
	     1},
	    {"crossing, overstaying the new rule",
	     &ANNEX,
	     {{NULL}},
	     {"2025-12-20", "2026-01-25"},
	     true,
	     "2026-01-18",
	     "2025-12-20",
	     "2025-12-31",
	     7,
	     0,
	     1},
	    {"inside the old rule only",
	     &ANNEX,
	     {{NULL}},
	     {"2025-10-01", "2025-11-29"},
	     true,
	     "2025-11-29",
	     "2025-10-01",
	     "2025-10-01",
	     0,
	     0,
	     -1},
	    {"30/60 after 10 days",
	     &ANNEX,
	     {{"2026-01-01", "2026-01-10"}},
	     {"2026-01-20", NULL},
	     true,
	     "2026-02-08",
	     "2026-01-11",
	     "2026-02-10",
	     0,
	     0 + 1,
	     -1},
	    {"30/60 full used",
	     &ANNEX,
	     {{"2026-01-01", "2026-01-30"}},
	     {"2026-02-15", NULL},
	     false,
	     NULL,
	     "2026-03-02",
	     "2026-03-02",
	     0,
	     1,
	     -1},
	    {"EAEU 90/180 across the change",
	     &EAEU,
	     {{NULL}},
	     {"2025-11-01", NULL},
	     true,
	     "2026-01-29",
	     "2025-11-01",
	     "2025-11-01",
	     0,
	     0,
	     -1},
	    {"Gulf: 180/360 lets the stay go on",
	     &GULF,
	     {{NULL}},
	     {"2025-12-01", NULL},
	     true,
	     "2026-05-29",
	     "2025-12-01",
	     "2025-12-01",
	     0,
	     0,
	     1},
	    {"Uzbekistan 60/120",
	     &UZ,
	     {{NULL}},
	     {"2026-03-01", NULL},
	     true,
	     "2026-04-29",
	     "2026-03-01",
	     "2026-03-01",
	     0,
	     0,
	     -1},
	    {"UN laissez-passer: 60 per entry",
	     &UN,
	     {{"2026-01-01", "2026-02-01"}},
	     {"2026-02-02", NULL},
	     true,
	     "2026-04-02",
	     "2026-02-02",
	     "2026-02-02",
	     0,
	     0,
	     -1},
	    {"not listed: visa", &VISA, {{NULL}}, {"2026-02-02", "2026-02-05"}, false, NULL, NULL, NULL, 4, 0, -1},
	};
	for (size_t i = 0; i < KP_ARRAY_LEN(rows); i++)
		check(&rows[i]);
}

static void refusals(void **state)
{
	(void)state;
	kp_stay_period_t pr[2] = {{day("2023-10-01"), day("2025-12-30"), {KP_STAY_REENTRY, 60, 0}},
	                          {day("2025-12-31"), KP_STAY_OPEN, {KP_STAY_ROLLING, 30, 60}}};
	kp_stay_t plan = {day("2023-05-01"), KP_STAY_OPEN};
	kp_stay_result_t o;
	const char *err = NULL;
	assert_int_equal(kp_stay_calculate_dated(pr, 2, NULL, 0, &plan, &o, &err), KP_STAY_ENORULE);
	assert_non_null(err);
	kp_stay_period_t overlap[2] = {pr[0], pr[1]};
	overlap[1].from = day("2025-12-01");
	plan.entry = day("2026-01-01");
	assert_int_equal(kp_stay_calculate_dated(overlap, 2, NULL, 0, &plan, &o, &err), KP_STAY_ERULE);
	assert_int_equal(kp_stay_period_at(pr, 2, day("2025-12-31")), 1);
	assert_int_equal(kp_stay_period_at(pr, 2, day("2020-01-01")), -1);
}

/* kp_stay_overlay: the nationality's rules win; the '*' rules fill the days between, cut
 * into pieces; the result is in time order and says which row each period came from. */
static void overlay_fills_gaps_with_any_nationality(void **state)
{
	(void)state;
	kp_stay_rule_t uz = {KP_STAY_ROLLING, 60, 120}, any = {KP_STAY_ROLLING, 30, 60}, old = {KP_STAY_REENTRY, 60, 0};
	const kp_stay_dated_t rows[] = {
	    {false, day("2026-03-01"), day("2026-05-31"), uz}, /* the nationality's, in spring */
	    {false, day("2026-09-01"), KP_STAY_OPEN, uz},      /* and from September on */
	    {true, day("2023-10-01"), day("2025-12-30"), old}, /* anyone, before the resolution */
	    {true, day("2025-12-31"), KP_STAY_OPEN, any},      /* anyone, since */
	};
	kp_stay_period_t p[KP_STAY_MAX_PERIODS];
	int from[KP_STAY_MAX_PERIODS];
	int np = kp_stay_overlay(rows, 4, p, from);
	const struct {
		const char *from, *to;
		int row;
	} want[] = {
	    {"2023-10-01", "2025-12-30", 2}, {"2025-12-31", "2026-02-28", 3}, {"2026-03-01", "2026-05-31", 0},
	    {"2026-06-01", "2026-08-31", 3}, {"2026-09-01", OPEN_END, 1},
	};
	assert_int_equal(np, 5);
	for (int k = 0; k < np; k++) {
		assert_int_equal(p[k].from, day(want[k].from));
		assert_int_equal(p[k].to, day(want[k].to));
		assert_int_equal(from[k], want[k].row);
		assert_int_equal(p[k].rule.days, rows[want[k].row].rule.days);
	}
	/* only '*' rules: taken as they are; none at all: no period */
	assert_int_equal(kp_stay_overlay(rows + 2, 2, p, from), 2);
	assert_int_equal(from[1], 1);
	assert_int_equal(kp_stay_overlay(rows, 0, p, from), 0);
	/* a '*' rule wholly under the nationality's leaves nothing */
	const kp_stay_dated_t under[] = {{false, day("2026-01-01"), KP_STAY_OPEN, uz},
	                                 {true, day("2026-02-01"), day("2026-03-01"), any}};
	assert_int_equal(kp_stay_overlay(under, 2, p, from), 1);
	assert_int_equal(p[0].to, KP_STAY_OPEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(seed_examples_in_force),
	    cmocka_unit_test(resolution_855),
	    cmocka_unit_test(refusals),
	    cmocka_unit_test(overlay_fills_gaps_with_any_nationality),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
