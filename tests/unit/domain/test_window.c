/* test_window.c: the single window's rules (src/domain/window.c, vin.c, evquota.c):
 * ISO 3779 VINs (known-good VINs from makers' documents, I/O/Q, region, model-year code,
 * check digit where the region requires it), pro-rata shares of an oversubscribed day
 * (never over what is left, ties by key rather than arrival), the critical flag, forms
 * against a definition, conditions, the step graph and transitions, percentiles. */
#include "kp_test.h"

#include "domain/evquota.h"
#include "domain/vin.h"
#include "domain/window.h"

static void vins(void **state)
{
	(void)state;
	kp_vin_info_t info;
	/* the worked example of 49 CFR 565 (check digit X) and a North American VIN */
	assert_int_equal(kp_vin_check_digit("1M8GDM9AXKP042788"), 'X');
	assert_null(kp_vin_check("1M8GDM9AXKP042788", &info));
	assert_string_equal(info.region, "North America");
	assert_true(info.check_digit_required);
	assert_int_equal(info.model_years[0], 1989);
	assert_int_equal(info.model_years[1], 2019);
	assert_string_equal(kp_vin_check("1M8GDM9A1KP042788", NULL),
	                    "has a wrong check digit in position 9 (the manufacturer's region requires one)");
	/* Europe does not use the check digit: a European VIN with any position 9 passes */
	assert_null(kp_vin_check("WVWZZZ1KZAW000001", &info));
	assert_string_equal(info.region, "Europe");
	assert_false(info.check_digit_required);
	assert_string_equal(info.wmi, "WVW");
	assert_non_null(kp_vin_check("WVWZZZ1KZAW00000O", NULL)); /* O */
	assert_non_null(kp_vin_check("WVWZZZ1KZIW000001", NULL)); /* I */
	assert_non_null(kp_vin_check("WVWZZZ1KZQW000001", NULL)); /* Q */
	assert_non_null(kp_vin_check("WVWZZZ1KZ0W00000", NULL));  /* 16 characters */
	assert_non_null(kp_vin_check("wvwzzz1kzaw000001", NULL)); /* lower case */
	assert_non_null(kp_vin_check("WVWZZZ1KZ0W000001", NULL)); /* 0 is no model year */
	assert_non_null(kp_vin_check("WVWZZZ1KZUW000001", NULL)); /* nor is U */
	assert_non_null(kp_vin_check("000ZZZ1KZAW000001", NULL)); /* no region starts with 0 */
	assert_non_null(kp_vin_check(NULL, NULL));
	/* China (L) requires the check digit, as GB 16735 does */
	char v[18] = "LRW3E7EK0TC000001";
	v[8] = kp_vin_check_digit(v);
	assert_null(kp_vin_check(v, &info));
	assert_int_equal(info.model_years[1], 2026);
	v[8] = v[8] == '1' ? '2' : '1';
	assert_non_null(kp_vin_check(v, NULL));
}

static void pro_rata(void **state)
{
	(void)state;
	/* demand fits: everyone gets what they asked */
	kp_ev_share_t a[] = {{3, 0, 1}, {2, 0, 2}};
	kp_ev_pro_rata(10, a, 2);
	assert_int_equal(a[0].granted, 3);
	assert_int_equal(a[1].granted, 2);
	/* 10 left, 16 claims of one: exactly 10 get one, chosen by key, not position */
	kp_ev_share_t b[16];
	for (int i = 0; i < 16; i++)
		b[i] = (kp_ev_share_t){1, 0, kp_ev_tie_key(i + 1, 20000)};
	kp_ev_pro_rata(10, b, 16);
	int64_t sum = 0;
	for (int i = 0; i < 16; i++) {
		assert_true(b[i].granted == 0 || b[i].granted == 1);
		sum += b[i].granted;
	}
	assert_int_equal(sum, 10);
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 16; j++)
			if (b[i].key < b[j].key)
				assert_true(b[i].granted >= b[j].granted);
	/* 100 left, 150 and 50 asked: 75 and 25 */
	kp_ev_share_t c[] = {{150, 0, 9}, {50, 0, 1}};
	kp_ev_pro_rata(100, c, 2);
	assert_int_equal(c[0].granted, 75);
	assert_int_equal(c[1].granted, 25);
	/* 7 left, 3 x 3 asked: 2 each (6), the last unit by key */
	kp_ev_share_t d[] = {{3, 0, 30}, {3, 0, 10}, {3, 0, 20}};
	kp_ev_pro_rata(7, d, 3);
	assert_int_equal(d[0].granted + d[1].granted + d[2].granted, 7);
	assert_int_equal(d[1].granted, 3);
	/* nothing left */
	kp_ev_share_t e[] = {{5, 0, 1}};
	kp_ev_pro_rata(0, e, 1);
	assert_int_equal(e[0].granted, 0);
	assert_true(kp_ev_critical(15000, 1500, 10));
	assert_false(kp_ev_critical(15000, 1501, 10));
	assert_true(kp_ev_critical(0, 0, 10));
}

static int problems;
static char last_field[64];
static void count(void *ctx, const char *field, const char *why)
{
	(void)ctx;
	(void)why;
	problems++;
	snprintf(last_field, sizeof(last_field), "%s", field);
}

static const char *DEF =
    "{\"code\":\"p1\",\"name\":{\"ky\":\"a\",\"ru\":\"b\",\"en\":\"c\"},\"applicants\":[\"traveller\"],\"expires_"
    "days\":5,"
    "\"fields\":[{\"name\":\"who\",\"type\":\"text\",\"max\":5,\"required\":true,\"label\":{\"ky\":\"a\",\"ru\":\"b\","
    "\"en\":\"c\"}},"
    "{\"name\":\"ok\",\"type\":\"bool\",\"must_be_true\":true,\"label\":{\"ky\":\"a\",\"ru\":\"b\",\"en\":\"c\"}},"
    "{\"name\":\"vehicles\",\"type\":\"vehicles\",\"options\":[\"bev\",\"series_hybrid\"],\"label\":{\"ky\":\"a\","
    "\"ru\":\"b\",\"en\":\"c\"}}],"
    "\"documents\":[{\"kind\":\"inv\",\"label\":{\"ky\":\"a\",\"ru\":\"b\",\"en\":\"c\"}}],"
    "\"steps\":[{\"code\":\"s1\",\"agency\":\"customs\",\"role\":\"officer\",\"sla_hours\":2,\"documents\":[\"inv\"],"
    "\"label\":{\"ky\":\"a\",\"ru\":\"b\",\"en\":\"c\"}},"
    "{\"code\":\"s2\",\"agency\":\"env\",\"role\":\"ministry\",\"after\":[\"s1\"],\"sla_hours\":2,"
    "\"when\":{\"field\":\"vehicles[].kind\",\"any_of\":[\"series_hybrid\"]},\"label\":{\"ky\":\"a\",\"ru\":\"b\","
    "\"en\":\"c\"}}]}";

static const char *vin_ok(const char *v)
{
	return kp_vin_check(v, NULL);
}

static void definitions_and_forms(void **state)
{
	(void)state;
	kp_arena_t a;
	kp_arena_init(&a);
	json_t *def = json_loads(DEF, 0, NULL);
	assert_non_null(def);
	problems = 0;
	assert_int_equal(kp_sw_definition_check(&a, def, count, NULL), 0);
	/* a step may wait only for an earlier one */
	json_t *bad = json_deep_copy(def);
	json_object_set_new(json_array_get(json_object_get(bad, "steps"), 0), "after", json_pack("[s]", "s2"));
	assert_int_equal(kp_sw_definition_check(&a, bad, count, NULL), 1);
	assert_string_equal(last_field, "steps[0].after");
	json_decref(bad);

	json_t
	    *form = json_loads("{\"who\":\"Ann\",\"ok\":true,\"vehicles\":[{\"vin\":\"WVWZZZ1KZAW000001\",\"kind\":\"bev\","
	                       "\"make_model\":\"ID.4\"}]}",
	                       0, NULL);
	problems = 0;
	assert_int_equal(kp_sw_form_check(&a, def, form, vin_ok, count, NULL), 0);
	assert_false(kp_sw_when(json_object_get(json_array_get(json_object_get(def, "steps"), 1), "when"), form));
	json_object_set_new(json_array_get(json_object_get(form, "vehicles"), 0), "kind", json_string("series_hybrid"));
	assert_true(kp_sw_when(json_object_get(json_array_get(json_object_get(def, "steps"), 1), "when"), form));
	json_object_set_new(form, "who", json_string("Annabel"));
	json_object_set_new(form, "ok", json_false());
	json_object_set_new(form, "extra", json_string("x"));
	assert_int_equal(kp_sw_form_check(&a, def, form, vin_ok, count, NULL), 3);
	json_t *fields = json_loads("[\"who\"]", 0, NULL);
	json_t *view = kp_sw_form_view(form, fields);
	assert_int_equal(json_object_size(view), 1);
	json_decref(view);
	json_decref(fields);
	json_decref(form);
	json_decref(def);
	kp_arena_cleanup(&a);
}

static char last_why[200];
static void keep(void *ctx, const char *field, const char *why)
{
	(void)ctx;
	problems++;
	snprintf(last_field, sizeof(last_field), "%s", field);
	snprintf(last_why, sizeof(last_why), "%s", why);
}

/* A field's pattern hint: text, or names in ky, ru and en (the pages show it in their
 * language); the server's problem is the English either way; anything else is refused. */
static void pattern_hints(void **state)
{
	(void)state;
	kp_arena_t a;
	kp_arena_init(&a);
	json_t *def = json_loads(DEF, 0, NULL);
	json_t *who = json_array_get(json_object_get(def, "fields"), 0);
	json_object_set_new(who, "pattern", json_string("^[A-Z]+$"));
	json_t *form = json_pack("{s:s, s:b}", "who", "ann", "ok", 1);
	const char *hints[] = {NULL, "[\"capitals\"]", "\"capitals\"",
	                       "{\"ky\":\"баш тамга\",\"ru\":\"заглавные\",\"en\":\"capitals\"}",
	                       "{\"ru\":\"заглавные\",\"en\":\"capitals\"}"};
	const char *want[] = {"has the wrong form", NULL, "capitals", "capitals", NULL};
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		if (hints[i])
			json_object_set_new(who, "pattern_hint", json_loads(hints[i], JSON_DECODE_ANY, NULL));
		problems = 0;
		if (want[i] == NULL) { /* not text, not all three languages */
			assert_int_equal(kp_sw_definition_check(&a, def, keep, NULL), 1);
			assert_string_equal(last_field, "fields[0]");
			continue;
		}
		assert_int_equal(kp_sw_definition_check(&a, def, keep, NULL), 0);
		assert_int_equal(kp_sw_form_check(&a, def, form, vin_ok, keep, NULL), 1);
		assert_string_equal(last_field, "data.who");
		assert_string_equal(last_why, want[i]);
	}
	json_decref(form);
	json_decref(def);
	kp_arena_cleanup(&a);
}

static void graph_and_transitions(void **state)
{
	(void)state;
	const char *after_s1[] = {"s1"};
	kp_sw_step_state_t g[] = {{"s1", KP_SW_READY, NULL, 0},
	                          {"s2", KP_SW_WAITING, after_s1, 1},
	                          {"s3", KP_SW_SKIPPED, NULL, 0}};
	assert_false(kp_sw_step_unblocked(g, 3, 1));
	assert_string_equal(kp_sw_outcome(g, 3), "in_progress");
	g[0].state = KP_SW_APPROVED;
	assert_true(kp_sw_step_unblocked(g, 3, 1));
	g[1].state = KP_SW_APPROVED;
	assert_string_equal(kp_sw_outcome(g, 3), "approved");
	g[1].state = KP_SW_REFUSED;
	assert_string_equal(kp_sw_outcome(g, 3), "refused");
	assert_string_equal(kp_sw_transition(KP_SW_READY, KP_SW_TAKE), KP_SW_IN_PROGRESS);
	assert_null(kp_sw_transition(KP_SW_IN_PROGRESS, KP_SW_TAKE));
	assert_string_equal(kp_sw_transition(KP_SW_IN_PROGRESS, KP_SW_ASK), KP_SW_MORE_INFO);
	assert_null(kp_sw_transition(KP_SW_MORE_INFO, KP_SW_APPROVE));
	assert_string_equal(kp_sw_transition(KP_SW_MORE_INFO, KP_SW_ANSWER), KP_SW_IN_PROGRESS);
	assert_null(kp_sw_transition(KP_SW_WAITING, KP_SW_APPROVE));
	assert_null(kp_sw_transition(KP_SW_APPROVED, KP_SW_REFUSE));
	assert_int_equal(kp_sw_decision_parse("refuse"), KP_SW_REFUSE);
	assert_int_equal(kp_sw_decision_parse("maybe"), -1);
	int64_t v[] = {50, 10, 40, 20, 30, 60, 70, 80, 90, 100};
	int64_t med, p90;
	kp_sw_percentiles(v, 10, &med, &p90);
	assert_int_equal(med, 55);
	assert_int_equal(p90, 90);
	kp_sw_percentiles(v, 1, &med, &p90);
	assert_int_equal(med, 10);
}

/* The application's states: which are known, and only one in progress moves; a step's
 * states are known by the same names the transitions use. */
static void application_states(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool app, open, step;
	} rows[] = {
	    {"in_progress", true, true, true}, {"approved", true, false, true},      {"refused", true, false, true},
	    {"expired", true, false, false},   {"withdrawn", true, false, false},    {"waiting", false, false, true},
	    {"ready", false, false, true},     {"more_info", false, false, true},    {"skipped", false, false, true},
	    {"closed", false, false, true},    {"IN_PROGRESS", false, false, false}, {"", false, false, false},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(kp_sw_app_status_known(rows[i].s), rows[i].app);
		assert_int_equal(kp_sw_app_open(rows[i].s), rows[i].open);
		assert_int_equal(kp_sw_step_state_known(rows[i].s), rows[i].step);
	}
	assert_false(kp_sw_app_status_known(NULL));
	assert_false(kp_sw_app_open(NULL));
	/* what kp_sw_outcome answers is an application state */
	kp_sw_step_state_t steps[] = {{"a", KP_SW_APPROVED, NULL, 0}, {"b", KP_SW_REFUSED, NULL, 0}};
	assert_true(kp_sw_app_status_known(kp_sw_outcome(steps, 2)));
	assert_string_equal(kp_sw_outcome(steps, 1), KP_SW_APP_APPROVED);
}

/* The store's SQL lists of step states: the work list is exactly the states some action
 * moves; the undecided ones are those and the steps still waiting. */
static void step_state_lists(void **state)
{
	(void)state;
	static const char *const states[] = {KP_SW_WAITING, KP_SW_READY,     KP_SW_IN_PROGRESS, KP_SW_APPROVED,
	                                     KP_SW_REFUSED, KP_SW_MORE_INFO, KP_SW_SKIPPED,     KP_SW_CLOSED};
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		bool moves = false;
		for (int act = KP_SW_TAKE; act <= KP_SW_ANSWER; act++)
			moves = moves || kp_sw_transition(states[i], (enum kp_sw_action)act) != NULL;
		char quoted[32];
		snprintf(quoted, sizeof(quoted), "'%s'", states[i]);
		assert_int_equal(strstr(KP_SW_WORKLIST_SQL, quoted) != NULL, moves);
		assert_int_equal(strstr(KP_SW_UNDECIDED_SQL, quoted) != NULL, moves || strcmp(states[i], KP_SW_WAITING) == 0);
		assert_true(kp_sw_step_state_known(states[i]));
		/* done: a step waiting only for this one may start */
		const char *after[] = {"a"};
		kp_sw_step_state_t g[] = {{"a", states[i], NULL, 0}, {"b", KP_SW_WAITING, after, 1}};
		assert_int_equal(strstr(KP_SW_DONE_SQL, quoted) != NULL, kp_sw_step_unblocked(g, 2, 1));
	}
}

/* An EV quota claim: every action from every state, the first state, and the store's SQL
 * lists: held = the states kp_ev_claim_holds says, open = the states a release moves. */
static void ev_claim_states(void **state)
{
	(void)state;
	static const char *const states[] = {KP_EV_CLAIM_S_PENDING, KP_EV_CLAIM_S_RESERVED, KP_EV_CLAIM_S_ALLOCATED,
	                                     KP_EV_CLAIM_S_RELEASED, "claimed"};
	/* want[state][action]: OVERSUBSCRIBED, SHARE_GRANTED, SHARE_NONE, ALLOCATE, RELEASE */
	static const char *const want[][5] = {
	    {NULL, KP_EV_CLAIM_S_RESERVED, KP_EV_CLAIM_S_RELEASED, NULL, KP_EV_CLAIM_S_RELEASED},
	    {KP_EV_CLAIM_S_PENDING, NULL, NULL, KP_EV_CLAIM_S_ALLOCATED, KP_EV_CLAIM_S_RELEASED},
	    {NULL, NULL, NULL, NULL, NULL},
	    {NULL, NULL, NULL, NULL, NULL},
	    {NULL, NULL, NULL, NULL, NULL},
	};
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		for (int act = KP_EV_OVERSUBSCRIBED; act <= KP_EV_RELEASE; act++) {
			const char *to = kp_ev_claim_next(states[i], (kp_ev_claim_action_t)act);
			if ((to == NULL) != (want[i][act] == NULL) || (to && strcmp(to, want[i][act]) != 0))
				fail_msg("claim %s, action %d: got %s", states[i], act, to ? to : "refused");
		}
		char quoted[32];
		snprintf(quoted, sizeof(quoted), "'%s'", states[i]);
		assert_int_equal(strstr(KP_EV_CLAIM_HELD_SQL, quoted) != NULL, kp_ev_claim_holds(states[i]));
		assert_int_equal(strstr(KP_EV_CLAIM_OPEN_SQL, quoted) != NULL,
		                 kp_ev_claim_next(states[i], KP_EV_RELEASE) != NULL);
	}
	assert_null(kp_ev_claim_next(NULL, KP_EV_RELEASE));
	assert_false(kp_ev_claim_holds(NULL));
	assert_string_equal(kp_ev_claim_first(true), KP_EV_CLAIM_S_RESERVED);
	assert_string_equal(kp_ev_claim_first(false), KP_EV_CLAIM_S_PENDING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(vins),
	    cmocka_unit_test(pro_rata),
	    cmocka_unit_test(definitions_and_forms),
	    cmocka_unit_test(pattern_hints),
	    cmocka_unit_test(graph_and_transitions),
	    cmocka_unit_test(application_states),
	    cmocka_unit_test(step_state_lists),
	    cmocka_unit_test(ev_claim_states),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
