/* test_zone.c: border-zone permit rules and temporary import rules (src/domain/zone.c,
 * tip.c): the fee table with the facts sheet's defaults (one zone, two, all five),
 * validity of one month and its one extension up to two, the checks that stop people at
 * military posts (passport number form per nationality, a passport expiring mid-trip,
 * dates outside validity, zones and route), and ecotax and TIP decisions at entry. */
#include "kp_test.h"

#include "domain/dates.h"
#include "domain/tip.h"
#include "domain/zone.h"

static int64_t day(const char *iso)
{
	int64_t d;
	if (kp_date_parse_iso(iso, &d) != 0)
		fail_msg("bad date %s", iso);
	return d;
}

/* Defaults from the facts sheet: about 2,500 som one zone, 3,500 two, 5,000 all (4-5). */
static const kp_zone_fee_t FEES[] = {{1, 2500}, {2, 3500}, {5, 5000}};

static void fees(void **state)
{
	(void)state;
	assert_int_equal(kp_zone_fee(FEES, 3, 1), 2500);
	assert_int_equal(kp_zone_fee(FEES, 3, 2), 3500);
	assert_int_equal(kp_zone_fee(FEES, 3, 3), 5000);
	assert_int_equal(kp_zone_fee(FEES, 3, 5), 5000);
	assert_int_equal(kp_zone_fee(FEES, 3, 6), -1);
	assert_int_equal(kp_zone_fee(FEES, 3, 0), -1);
	/* the table's order does not matter */
	static const kp_zone_fee_t shuffled[] = {{5, 5000}, {1, 2500}, {2, 3500}};
	assert_int_equal(kp_zone_fee(shuffled, 3, 1), 2500);
	assert_int_equal(kp_zone_fee(shuffled, 3, 4), 5000);
	assert_int_equal(kp_zone_fee(NULL, 0, 1), -1);
}

static void validity(void **state)
{
	(void)state;
	static const struct {
		const char *from;
		int months;
		const char *end;
	} rows[] = {
	    {"2026-12-01", 1, "2026-12-31"}, {"2026-01-15", 1, "2026-02-14"},  {"2026-01-31", 1, "2026-02-28"},
	    {"2028-01-31", 1, "2028-02-29"}, {"2026-12-15", 1, "2027-01-14"},  {"2026-03-31", 1, "2026-04-30"},
	    {"2026-12-01", 2, "2027-01-31"}, {"2026-12-31", 2, "2027-02-28"},  {"2028-02-29", 1, "2028-03-28"},
	    {"2026-06-10", 6, "2026-12-09"}, {"2026-06-10", 12, "2027-06-09"}, {"2027-08-31", 6, "2028-02-29"},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		char got[11];
		kp_date_format_iso(kp_zone_validity_end(day(rows[i].from), rows[i].months), got);
		if (strcmp(got, rows[i].end) != 0)
			fail_msg("%s + %d months ends %s, want %s", rows[i].from, rows[i].months, got, rows[i].end);
	}
}

static void extension(void **state)
{
	(void)state;
	int64_t from = day("2026-12-01"), until = day("2026-12-31");
	/* once, up to two months from the start */
	assert_int_equal(kp_zone_extension_check(from, until, false, day("2027-01-31"), day("2026-12-20"), 2),
	                 KP_ZONE_EXT_OK);
	assert_int_equal(kp_zone_extension_check(from, day("2027-01-31"), true, day("2027-01-31"), day("2027-01-02"), 2),
	                 KP_ZONE_EXT_USED);
	assert_int_equal(kp_zone_extension_check(from, until, false, day("2027-02-01"), day("2026-12-20"), 2),
	                 KP_ZONE_EXT_TOO_LONG);
	assert_int_equal(kp_zone_extension_check(from, until, false, day("2026-12-31"), day("2026-12-20"), 2),
	                 KP_ZONE_EXT_NOT_LATER);
	/* an extension cannot start after expiry; on the last day it still can */
	assert_int_equal(kp_zone_extension_check(from, until, false, day("2027-01-15"), day("2027-01-01"), 2),
	                 KP_ZONE_EXT_EXPIRED);
	assert_int_equal(kp_zone_extension_check(from, until, false, day("2027-01-15"), day("2026-12-31"), 2),
	                 KP_ZONE_EXT_OK);
}

static void names_and_passports(void **state)
{
	(void)state;
	char out[64];
	assert_null(kp_zone_name_normalise("  dupont  marie-claire ", out, sizeof(out)));
	assert_string_equal(out, "DUPONT MARIE-CLAIRE");
	assert_null(kp_zone_name_normalise("O'Brien", out, sizeof(out)));
	assert_string_equal(out, "O'BRIEN");
	assert_non_null(kp_zone_name_normalise("Дюпон", out, sizeof(out)));
	assert_non_null(kp_zone_name_normalise("   ", out, sizeof(out)));
	assert_non_null(kp_zone_name_normalise("A1", out, sizeof(out)));
	char big[80];
	memset(big, 'A', 70);
	big[70] = '\0';
	assert_non_null(kp_zone_name_normalise(big, out, 61));
	char pp[32];
	assert_null(kp_zone_passport_normalise("12ab 34567", pp, sizeof(pp)));
	assert_string_equal(pp, "12AB34567");
	assert_non_null(kp_zone_passport_normalise("12-AB", pp, sizeof(pp)));
	assert_non_null(kp_zone_passport_normalise("1234", pp, sizeof(pp)));
	assert_non_null(kp_zone_passport_normalise("123456789012345678901", pp, sizeof(pp)));
	static const struct {
		const char *number, *pattern;
		bool ok;
	} rows[] = {
	    {"12AB34567", "^[0-9]{2}[A-Z]{2}[0-9]{5}$", true}, /* France */
	    {"12AB3456", "^[0-9]{2}[A-Z]{2}[0-9]{5}$", false},
	    {"X1234567", "^[A-Z][0-9]{7}$", true}, /* Switzerland */
	    {"N12345678", "^N[0-9]{8}$", true},    /* Kazakhstan */
	    {"12345678", "^N[0-9]{8}$", false},
	    {"AB1234567", "^[A-Z0-9]{6,9}$", true}, /* the default */
	    {"AB1234567", "^[A-Z", false},          /* a broken pattern on file */
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++)
		if ((kp_zone_passport_check(rows[i].number, rows[i].pattern) == NULL) != rows[i].ok)
			fail_msg("%s against %s: want %s", rows[i].number, rows[i].pattern, rows[i].ok ? "match" : "refusal");
}

struct fixture {
	bool known[KP_ZONE_MAX + 1];
	kp_zone_rules_t rules;
	kp_zone_trip_t trip;
	kp_zone_person_t person;
	kp_zone_place_t karkyra, chong_kemin;
};

static void base(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	for (int z = 1; z <= 5; z++)
		f->known[z] = true;
	f->rules = (kp_zone_rules_t){day("2026-11-21"), 1, 366, f->known};
	f->trip.from = day("2026-12-01");
	f->trip.to = day("2026-12-20");
	f->trip.zones[0] = 2;
	f->trip.nzones = 1;
	f->karkyra = (kp_zone_place_t){"karkyra", 2};
	f->chong_kemin = (kp_zone_place_t){"chong-kemin", 1};
	f->trip.route[0] = &f->karkyra;
	f->trip.route_codes[0] = "karkyra";
	f->trip.nroute = 1;
	f->person = (kp_zone_person_t){"DUPONT",    "MARIE",           "FR",
	                               "12AB34567", day("2030-01-01"), "^[0-9]{2}[A-Z]{2}[0-9]{5}$"};
}

static void expect_problem(const struct fixture *f, const char *field, const char *words)
{
	kp_zone_problem_t out[KP_ZONE_PROBLEMS_MAX];
	int n = kp_zone_check(&f->rules, &f->trip, &f->person, 1, out);
	for (int i = 0; i < n; i++)
		if (strcmp(out[i].field, field) == 0) {
			if (words && strstr(out[i].problem, words) == NULL)
				fail_msg("%s: problem '%s' lacks '%s'", field, out[i].problem, words);
			return;
		}
	fail_msg("no problem with %s among %d", field, n);
}

static void checks(void **state)
{
	(void)state;
	struct fixture f;
	kp_zone_problem_t out[KP_ZONE_PROBLEMS_MAX];
	base(&f);
	assert_int_equal(kp_zone_check(&f.rules, &f.trip, &f.person, 1, out), 0);

	base(&f); /* the passport expires mid-trip: refused with the reason */
	f.person.passport_expiry = day("2026-12-10");
	expect_problem(&f, "travellers[0].passport_expiry", "10/12/2026, not after the trip ends on 20/12/2026");
	base(&f); /* expiring on the last day of the trip is not enough */
	f.person.passport_expiry = day("2026-12-20");
	expect_problem(&f, "travellers[0].passport_expiry", NULL);
	base(&f);
	f.person.passport = "1234567";
	expect_problem(&f, "travellers[0].passport_number", "(FR)");
	base(&f); /* dates outside validity */
	f.trip.to = day("2027-01-01");
	expect_problem(&f, "date_to", "valid until 31/12/2026");
	base(&f);
	f.trip.to = day("2026-11-30");
	expect_problem(&f, "date_to", "before date_from");
	base(&f);
	f.trip.from = day("2026-11-20");
	expect_problem(&f, "date_from", "past");
	base(&f);
	f.trip.from = day("2027-12-01");
	f.trip.to = day("2027-12-02");
	expect_problem(&f, "date_from", "too far ahead");
	base(&f); /* zones named */
	f.trip.nzones = 0;
	expect_problem(&f, "zones", "at least one");
	base(&f);
	f.trip.zones[1] = 2;
	f.trip.nzones = 2;
	expect_problem(&f, "zones[1]", "twice");
	base(&f);
	f.trip.zones[0] = 7;
	expect_problem(&f, "zones[0]", "does not exist");
	base(&f); /* a route through a zone the permit does not name */
	f.trip.route[1] = &f.chong_kemin;
	f.trip.nroute = 2;
	expect_problem(&f, "route[1]", "chong-kemin in zone 1");
	base(&f);
	f.trip.route[0] = NULL;
	expect_problem(&f, "route[0]", "not a known place");
	/* every problem at once */
	base(&f);
	f.person.passport_expiry = day("2026-12-10");
	f.person.passport = "1";
	f.trip.nzones = 0;
	assert_int_equal(kp_zone_check(&f.rules, &f.trip, &f.person, 1, out), 4);
}

static void ecotax_and_tip(void **state)
{
	(void)state;
	static const char *const eaeu[] = {"AM", "BY", "KG", "KZ", "RU", NULL};
	assert_true(kp_union_member(eaeu, "KZ"));
	assert_false(kp_union_member(eaeu, "CN"));
	assert_false(kp_union_member(eaeu, NULL));
	/* a car entering from Kazakhstan pays nothing; from China the car fee */
	kp_tip_entry_decision_t d = kp_tip_entry(kp_union_member(eaeu, "KZ"), false, false, false, 1000);
	assert_int_equal(d.ecotax_som, 0);
	assert_string_equal(d.ecotax_reason, "FROM_UNION_MEMBER");
	assert_int_equal(d.action, KP_TIP_CARRY_IN);
	d = kp_tip_entry(kp_union_member(eaeu, "CN"), false, false, false, 1000);
	assert_int_equal(d.ecotax_som, 1000);
	assert_string_equal(d.ecotax_reason, "FIRST_UNION_ENTRY");
	assert_int_equal(d.action, KP_TIP_OPEN_NEW);
	/* moving between members keeps the TIP */
	d = kp_tip_entry(true, true, true, true, 1000);
	assert_int_equal(d.action, KP_TIP_KEEP);
	/* back from outside: a new TIP; the ecotax was paid on the first entry */
	d = kp_tip_entry(false, true, true, true, 1000);
	assert_int_equal(d.action, KP_TIP_REPLACE);
	assert_int_equal(d.ecotax_som, 0);
	assert_string_equal(d.ecotax_reason, "ALREADY_PAID");
	d = kp_tip_entry(false, false, false, false, -1);
	assert_string_equal(d.ecotax_reason, "NO_FEE_FOR_KIND");
	assert_true(kp_tip_exit_ends(false));
	assert_false(kp_tip_exit_ends(true));
	assert_null(kp_check_tip_vehicle_kind("motorcycle"));
	assert_non_null(kp_check_tip_vehicle_kind("bus"));
	assert_non_null(kp_check_tip_vehicle_kind(NULL));
	assert_null(kp_tip_term_check(6, 6, 12));
	assert_null(kp_tip_term_check(12, 6, 12));
	assert_string_equal(kp_tip_term_check(13, 6, 12), "must be from 6 to 12 months");
	assert_non_null(kp_tip_term_check(5, 6, 12));
	char got[11];
	kp_date_format_iso(kp_tip_expiry(day("2026-11-21"), 6), got);
	assert_string_equal(got, "2027-05-20");
	assert_int_equal(kp_tip_days_left(day("2026-12-01"), day("2026-11-21")), 10);
}

/* A temporary import's statuses and moves: every move from every status; only an open TIP
 * moves, closed by a replacing TIP or by leaving the union, kept open leaving for a member. */
static void tip_states_and_moves(void **state)
{
	(void)state;
	static const char *const statuses[] = {KP_TIP_S_OPEN, KP_TIP_S_CLOSED, "expired", NULL};
	static const struct {
		kp_tip_move_t move;
		const char *from_open; /* where it leads from open */
	} moves[] = {
	    {KP_TIP_REPLACED, KP_TIP_S_CLOSED},
	    {KP_TIP_EXIT_UNION, KP_TIP_S_CLOSED},
	    {KP_TIP_EXIT_TO_MEMBER, KP_TIP_S_OPEN},
	};
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		assert_int_equal(kp_tip_status_known(statuses[i]), i < 2);
		for (size_t m = 0; m < sizeof(moves) / sizeof(moves[0]); m++) {
			const char *to = kp_tip_next(statuses[i], moves[m].move);
			if (i == 0)
				assert_string_equal(to, moves[m].from_open);
			else
				assert_null(to);
		}
	}
	/* leaving the union is the move that ends it */
	assert_string_equal(kp_tip_next(KP_TIP_S_OPEN, kp_tip_exit_ends(false) ? KP_TIP_EXIT_UNION : KP_TIP_EXIT_TO_MEMBER),
	                    KP_TIP_S_CLOSED);
}

/* The application's and the permit's states and moves: every action from every state. */
static void states_and_moves(void **state)
{
	(void)state;
	static const char *const apps[] = {"awaiting_payment", "paid", "cancelled", "active"};
	static const char *const permits[] = {"awaiting_payment", "active", "revoked", "cancelled", "paid"};
	static const struct {
		enum kp_zone_action action;
		const char *app[4], *permit[5];
	} rows[] = {
	    {KP_ZONE_PAY, {"paid", NULL, NULL, NULL}, {"active", "active", NULL, NULL, NULL}},
	    {KP_ZONE_EXTEND, {NULL, "paid", NULL, NULL}, {"active", "active", NULL, NULL, NULL}},
	    {KP_ZONE_CANCEL, {"cancelled", NULL, NULL, NULL}, {"cancelled", NULL, NULL, NULL, NULL}},
	    {KP_ZONE_REVOKE, {NULL, NULL, NULL, NULL}, {NULL, "revoked", NULL, NULL, NULL}},
	};
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		for (int i = 0; i < 4; i++) {
			int to = kp_zone_app_next(apps[i], rows[r].action);
			if (rows[r].app[i] == NULL)
				assert_int_equal(to, -1);
			else
				assert_string_equal(kp_zone_app_status_name((enum kp_zone_app_status)to), rows[r].app[i]);
		}
		for (int i = 0; i < 5; i++) {
			int to = kp_zone_permit_next(permits[i], rows[r].action);
			if (rows[r].permit[i] == NULL)
				assert_int_equal(to, -1);
			else
				assert_string_equal(kp_zone_permit_status_name((enum kp_zone_permit_status)to), rows[r].permit[i]);
		}
	}
	for (int i = 0; i < KP_ZONE_PERMIT_STATUS_COUNT; i++) {
		const char *name = kp_zone_permit_status_name((enum kp_zone_permit_status)i);
		assert_int_equal(kp_zone_permit_status_parse(name), i);
		assert_int_equal(kp_zone_permit_active(name), i == KP_ZONE_PERMIT_ACTIVE);
		/* the revocation list's SQL names exactly the states no action leads out of */
		bool stuck = true;
		for (int act = KP_ZONE_PAY; act <= KP_ZONE_REVOKE; act++)
			stuck = stuck && kp_zone_permit_next(name, (enum kp_zone_action)act) < 0;
		char quoted[32];
		snprintf(quoted, sizeof(quoted), "'%s'", name);
		assert_int_equal(strstr(KP_ZONE_PERMIT_VOID_SQL, quoted) != NULL, stuck);
	}
	for (int i = 0; i < KP_ZONE_APP_STATUS_COUNT; i++)
		assert_int_equal(kp_zone_app_status_parse(kp_zone_app_status_name((enum kp_zone_app_status)i)), i);
	assert_null(kp_zone_app_status_name(KP_ZONE_APP_STATUS_COUNT));
	assert_int_equal(kp_zone_permit_status_parse(NULL), -1);
	assert_int_equal(kp_zone_app_next("paid", (enum kp_zone_action)42), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fees),
	    cmocka_unit_test(validity),
	    cmocka_unit_test(extension),
	    cmocka_unit_test(names_and_passports),
	    cmocka_unit_test(checks),
	    cmocka_unit_test(ecotax_and_tip),
	    cmocka_unit_test(tip_states_and_moves),
	    cmocka_unit_test(states_and_moves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
