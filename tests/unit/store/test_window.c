/* test_window.c: the single window's store (src/store/window.c, evquota.c) on SQLite
 * always and PostgreSQL when KAPKA_TEST_PG is set: 16 threads, each with its own
 * connection, approving customs steps for the last 10 places of a year (first come,
 * first served: exactly 10 reserved); the same race under the pro-rata day rule (the day
 * is oversubscribed, then split once it ends: exactly 10 granted, the rest refused and
 * their VINs freed); a VIN claimed twice naming the first application. */
#define KP_TEST_DB_PREFIX "kapka_window"
#include "kp_store_test.h"

#include "core/log.h"
#include "core/util.h"
#include "domain/dates.h"
#include "domain/window.h"
#include "store/db.h"
#include "store/window.h"

#include <pthread.h>

#define RACERS 16

typedef struct fixture {
	KP_STORE_FX_FIELDS;
	int64_t user;
	kp_actor_t who;
	json_t *def;
} fx_t;

/* 15 June 2026, noon in Bishkek. */
static int64_t T0(void)
{
	return kp_days_from_civil(2026, 6, 15) * 86400 + 6 * 3600;
}

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	*state = f;
	if (KP_STORE_FX_OPEN(f, "window", RACERS + 1) != 0)
		return -1;
	kp_user_t u = {.username = "importer", .role = "traveller", .full_name = "Importer", .pw_hash = "x"};
	kp_actor_t who = {0, "tester", "req-1", "192.0.2.7"};
	if (kp_store_account_create(f->c, &who, NULL, &u) != KP_DB_OK)
		return -1;
	f->user = u.id;
	f->who = (kp_actor_t){u.id, "importer", "req-2", "192.0.2.7"};
	kp_sw_procedure_t p;
	if (kp_store_sw_procedure_get(f->c, &f->a, "ev-duty-free", &p) != KP_DB_OK)
		return -1;
	f->def = json_loads(p.definition, 0, NULL);
	return f->def ? 0 : -1;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	if (f == NULL)
		return 0;
	json_decref(f->def);
	KP_STORE_FX_CLOSE(f);
	free(f);
	return 0;
}

static void set_year(fx_t *f, int64_t total, const char *rule)
{
	kp_ev_year_t y = {.year = 2026,
	                  .total = total,
	                  .kinds = "[\"bev\"]",
	                  .day_rule = rule,
	                  .critical_percent = 10,
	                  .reservation_days = 30,
	                  .source = "test"};
	assert_int_equal(kp_store_ev_year_put(f->c, &f->who, &y), KP_DB_OK);
}

/* Submit an EV application for vin; returns its customs step id (*app its id). */
static int64_t submit(fx_t *f, const char *vin, int64_t now, int64_t *app_id, kp_sw_conflict_t *why, int *rc)
{
	char data[256];
	snprintf(data, sizeof(data),
	         "{\"applicant_kind\":\"person\",\"tax_id\":\"21234567890123\",\"permanent_resident\":true,"
	         "\"no_transfer_undertaking\":true,\"vehicles\":[{\"vin\":\"%s\",\"kind\":\"bev\",\"make_model\":\"BYD\"}]"
	         "}",
	         vin);
	kp_sw_app_t app = {.procedure = "ev-duty-free", .user_id = f->user, .data = data};
	*rc = kp_store_sw_submit(f->c, &f->a, &f->who, &app, f->def, NULL, NULL, 0, now, why);
	if (*rc != KP_DB_OK)
		return 0;
	*app_id = app.id;
	kp_sw_step_t *steps;
	int n;
	assert_int_equal(kp_store_sw_steps(f->c, &f->a, app.id, &steps, &n), KP_DB_OK);
	assert_string_equal(steps[0].code, "customs");
	return steps[0].id;
}

static void vin_of(int i, char out[18])
{
	snprintf(out, 18, "WVWZZZ1KZTW%06d", i);
}

struct racer {
	fx_t *f;
	int64_t step, now;
	const char *effect;
	int rc;
	pthread_barrier_t *start;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	kp_conn_t *c = kp_store_acquire(r->f->s);
	kp_arena_t a;
	kp_arena_init(&a);
	kp_sw_act_t act = {.action = KP_SW_APPROVE, .now = r->now, .utc_offset = 360};
	kp_sw_act_result_t res;
	pthread_barrier_wait(r->start);
	do
		r->rc = kp_store_sw_act(c, &a, &r->f->who, r->step, &act, &res);
	while (r->rc == KP_DB_BUSY);
	r->effect = res.effect ? (strcmp(res.effect, "reserved") == 0  ? "reserved"
	                          : strcmp(res.effect, "pending") == 0 ? "pending"
	                                                               : "refused")
	                       : "none";
	kp_arena_cleanup(&a);
	kp_store_release(r->f->s, c);
	return NULL;
}

/* RACERS approvals at once at now; counts of each effect. */
static void run_race(fx_t *f, int64_t now, int *reserved, int *pending, int *refused, int64_t apps[RACERS])
{
	struct racer r[RACERS];
	pthread_t t[RACERS];
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		char vin[18];
		kp_sw_conflict_t why;
		int rc;
		vin_of(i + 1, vin);
		r[i] = (struct racer){.f = f, .now = now, .start = &start};
		r[i].step = submit(f, vin, now - 60, &apps[i], &why, &rc);
		assert_int_equal(rc, KP_DB_OK);
	}
	kp_store_release(f->s, f->c); /* every connection to the racers */
	f->c = NULL;
	for (int i = 0; i < RACERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	*reserved = *pending = *refused = 0;
	for (int i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(r[i].rc, KP_DB_OK);
		*reserved += strcmp(r[i].effect, "reserved") == 0;
		*pending += strcmp(r[i].effect, "pending") == 0;
		*refused += strcmp(r[i].effect, "refused") == 0;
	}
	pthread_barrier_destroy(&start);
	f->c = kp_store_acquire(f->s);
}

static void race_fcfs(void **state)
{
	fx_t *f = *state;
	set_year(f, 10, "fcfs");
	int reserved, pending, refused;
	int64_t apps[RACERS];
	run_race(f, T0(), &reserved, &pending, &refused, apps);
	assert_int_equal(reserved, 10);
	assert_int_equal(refused, 6);
	assert_int_equal(pending, 0);
	kp_ev_year_t y;
	assert_int_equal(kp_store_ev_year_get(f->c, &f->a, 2026, &y), KP_DB_OK);
	assert_int_equal(y.reserved, 10);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM ev_vins WHERE state = 'reserved'"), 10);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM sw_applications WHERE status = 'refused'"), 6);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM ev_vins"), 10); /* the refused gave their VINs back */
}

static void race_pro_rata(void **state)
{
	fx_t *f = *state;
	set_year(f, 10, "pro_rata");
	int reserved, pending, refused;
	int64_t apps[RACERS];
	run_race(f, T0(), &reserved, &pending, &refused, apps);
	/* the first ten fit, the eleventh oversubscribes the day: everyone of the day waits */
	assert_int_equal(refused, 0);
	assert_int_equal(reserved + pending, RACERS);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM ev_claims WHERE state = 'pending'"), RACERS);
	/* the same day nothing is settled */
	kp_actor_t sys = {0, "system", NULL, NULL};
	assert_int_equal(kp_store_ev_settle(f->c, &f->a, &sys, T0() + 3600, 360), KP_DB_OK);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM ev_claims WHERE state = 'pending'"), RACERS);
	/* the next day the ten places are split among the sixteen claims of one */
	assert_int_equal(kp_store_ev_settle(f->c, &f->a, &sys, T0() + 86400, 360), KP_DB_OK);
	assert_int_equal(kp_store_count(f->c, "SELECT COALESCE(SUM(granted), 0) FROM ev_claims WHERE state = 'reserved'"),
	                 10);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM ev_claims WHERE state = 'released'"), 6);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM sw_applications WHERE status = 'refused'"), 6);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM ev_vins"), 10);
	/* a later claim finds nothing left */
	char vin[18];
	int64_t app;
	kp_sw_conflict_t why;
	int rc;
	vin_of(99, vin);
	int64_t step = submit(f, vin, T0() + 86400, &app, &why, &rc);
	kp_sw_act_t act = {.action = KP_SW_APPROVE, .now = T0() + 86400 + 60, .utc_offset = 360};
	kp_sw_act_result_t res;
	assert_int_equal(kp_store_sw_act(f->c, &f->a, &f->who, step, &act, &res), KP_DB_OK);
	assert_string_equal(res.effect, "refused");
	assert_string_equal(res.step_state, KP_SW_REFUSED);
}

static void vin_twice(void **state)
{
	fx_t *f = *state;
	int64_t first, second = 0;
	kp_sw_conflict_t why;
	int rc;
	submit(f, "WVWZZZ1KZTW000777", T0(), &first, &why, &rc);
	assert_int_equal(rc, KP_DB_OK);
	submit(f, "WVWZZZ1KZTW000777", T0() + 5, &second, &why, &rc);
	assert_int_equal(rc, KP_DB_CONFLICT);
	assert_string_equal(why.code, "vin_claimed");
	assert_int_equal(why.other_application, first);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM sw_applications"), 1);
}

#define TESTS \
	cmocka_unit_test_setup_teardown(race_fcfs, setup, teardown), \
	    cmocka_unit_test_setup_teardown(race_pro_rata, setup, teardown), \
	    cmocka_unit_test_setup_teardown(vin_twice, setup, teardown)

KP_STORE_TEST_MAIN("single window's store", TESTS)
