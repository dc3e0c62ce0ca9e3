/* test_permit_races.c: the freight-permit store (src/store/) against real databases (a SQLite file
 * always, a fresh PostgreSQL database too when KAPKA_TEST_PG is set): threads racing for the last serials of a quota, for one review decision and for one quota range.
 * Every test starts from an empty, freshly migrated database (permits_fixture.h). */
#define KP_TEST_DB_PREFIX "kapka_praces"
#include "permits_fixture.h"

/* ---- races ---- */

struct applicant {
	kp_store_t *s;
	pthread_barrier_t *go;
	int year;
	int64_t org, vehicle;
	int rc;
	bool issued;
	int64_t serial;
	char codes[256];
};

static void *apply_thread(void *p)
{
	struct applicant *x = p;
	kp_conn_t *c = kp_store_acquire(x->s);
	kp_arena_t a;
	kp_arena_init(&a);
	kp_application_t ap;
	kp_issue_result_t res;
	pthread_barrier_wait(x->go);
	x->rc = apply_on(c, &a, x->year, x->org, x->vehicle, "UZ", 1, &test_signer, &ap, &res);
	x->issued = x->rc == KP_DB_OK && res.permit.id != NULL;
	x->serial = x->issued ? res.permit.serial : 0;
	codes_of(&res, x->codes, sizeof(x->codes));
	kp_arena_cleanup(&a);
	kp_store_release(x->s, c);
	return NULL;
}

/* RACERS carriers, each with its own connection, apply at once for the last 10 serials
 * of a quota: exactly 10 get one, each a different serial, the others are refused for
 * the quota alone, and the quota's next serial is right after the last one drawn. */
static void race_for_the_last_serials(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t qid = add_quota(f, "UZ", 1, 1, 100);
	/* 90 already drawn */
	exec_sql(f->c, "UPDATE quotas SET next_serial = 91");
	struct applicant x[RACERS];
	pthread_t t[RACERS];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		int64_t org = add_carrier(f, f->c, 100 + i, "KG-RC-2026-0001");
		x[i] = (struct applicant){.s = f->s,
		                          .go = &go,
		                          .year = f->year,
		                          .org = org,
		                          .vehicle = add_vehicle(f, f->c, org, 100 + i, i % 2 ? "truck" : "tractor", 5),
		                          .rc = -99};
	}
	kp_store_release(f->s, f->c); /* the pool is RACERS connections: one each */
	f->c = NULL;
	for (int i = 0; i < RACERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, apply_thread, &x[i]), 0);
	for (int i = 0; i < RACERS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);
	f->c = kp_store_acquire(f->s);

	int issued = 0;
	bool seen[11] = {false};
	for (int i = 0; i < RACERS; i++) {
		if (x[i].rc != KP_DB_OK)
			fail_msg("applicant %d: rc %d", i, x[i].rc);
		if (x[i].issued) {
			issued++;
			if (x[i].serial < 91 || x[i].serial > 100)
				fail_msg("applicant %d got serial %lld, outside 91-100", i, (long long)x[i].serial);
			if (seen[x[i].serial - 90])
				fail_msg("serial %lld was issued twice", (long long)x[i].serial);
			seen[x[i].serial - 90] = true;
			assert_string_equal(x[i].codes, "");
		} else if (strcmp(x[i].codes, "INSUFFICIENT_PERMIT_QUOTA") != 0) {
			fail_msg("applicant %d refused for [%s], want [INSUFFICIENT_PERMIT_QUOTA]", i, x[i].codes);
		}
	}
	assert_int_equal(issued, 10);
	kp_quota_t q = quota(f, qid);
	assert_int_equal(q.next_serial, 101);
	assert_int_equal(q.issued, 10);
	assert_int_equal(q.remaining, 0);
	assert_int_equal(count_rows(f->c, "permits"), 10);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(DISTINCT serial) FROM permits"), 10);
	assert_int_equal(count_rows(f->c, "permit_applications"), RACERS);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM permit_applications WHERE status = 'refused'"),
	                 RACERS - 10);
	assert_int_equal(audit_count(f->c, "permit.issue"), 10);
	assert_int_equal(audit_count(f->c, "permit_application.create"), RACERS);
	/* every decision has its leaf, numbered without gaps under the race */
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves WHERE kind = 'permit.issue'"), 10);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves WHERE kind = 'application.refuse'"
	                                      " AND entry LIKE '%INSUFFICIENT_PERMIT_QUOTA%'"),
	                 RACERS - 10);
	assert_int_equal(kp_store_count(f->c, "SELECT MAX(idx) + 1 - COUNT(*) FROM tlog_leaves"), 0);
	assert_int_equal(kp_store_count(f->c, "SELECT size FROM tlog_state"), RACERS + 1); /* and the quota's */
}

struct decider {
	kp_store_t *s;
	pthread_barrier_t *go;
	int64_t app_id;
	int rc;
	bool issued;
};

static void *decide_thread(void *p)
{
	struct decider *x = p;
	kp_conn_t *c = kp_store_acquire(x->s);
	kp_arena_t a;
	kp_arena_init(&a);
	kp_application_t ap = {0};
	kp_issue_result_t res;
	kp_issue_request_t rq = {SELF, OFFSET, 0, 0, &ap, &test_signer};
	pthread_barrier_wait(x->go);
	x->rc = kp_store_application_decide(c, &a, &tester, x->app_id, true, "approved", &rq, &res);
	x->issued = x->rc == KP_DB_OK && res.permit.id != NULL;
	kp_arena_cleanup(&a);
	kp_store_release(x->s, c);
	return NULL;
}

/* Several ministry officials approve the same queued application at once: one permit. */
static void race_to_approve(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t qid = add_quota(f, "UZ", 1, 1, 100);
	set_review(f, 1, "always");
	kp_application_t ap;
	kp_issue_result_t res;
	assert_int_equal(apply(f, f->carrier, f->truck, "UZ", 1, &ap, &res), KP_DB_OK);
	assert_true(res.review);
	enum { N = 8 };
	struct decider x[N];
	pthread_t t[N];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, N);
	kp_store_release(f->s, f->c);
	f->c = NULL;
	for (int i = 0; i < N; i++) {
		x[i] = (struct decider){f->s, &go, ap.id, -99, false};
		assert_int_equal(pthread_create(&t[i], NULL, decide_thread, &x[i]), 0);
	}
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);
	f->c = kp_store_acquire(f->s);
	int ok = 0, issued = 0;
	for (int i = 0; i < N; i++) {
		if (x[i].rc != KP_DB_OK && x[i].rc != KP_DB_CONFLICT)
			fail_msg("decider %d: rc %d", i, x[i].rc);
		ok += x[i].rc == KP_DB_OK;
		issued += x[i].issued;
	}
	assert_int_equal(count_rows(f->c, "permits"), 1);
	assert_int_equal(issued, 1);
	assert_int_equal(ok, 1);
	assert_int_equal(quota(f, qid).next_serial, 2);
	assert_int_equal(audit_count(f->c, "permit_application.decide"), 1);
}

struct quota_maker {
	kp_store_t *s;
	pthread_barrier_t *go;
	int year;
	int64_t start, end;
	int rc;
};

static void *quota_thread(void *p)
{
	struct quota_maker *x = p;
	kp_conn_t *c = kp_store_acquire(x->s);
	kp_quota_t q =
	    {.issuer = SELF, .verifier = "KZ", .year = x->year, .type = 1, .start_number = x->start, .end_number = x->end};
	pthread_barrier_wait(x->go);
	x->rc = kp_store_quota_create(c, &tester, &q);
	kp_store_release(x->s, c);
	return NULL;
}

/* Ministry officials enter overlapping ranges at once: one is kept. */
static void race_overlapping_quotas(void **state)
{
	fx_t *f = *state;
	enum { N = 8 };
	struct quota_maker x[N];
	pthread_t t[N];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, N);
	kp_store_release(f->s, f->c);
	f->c = NULL;
	for (int i = 0; i < N; i++) {
		x[i] = (struct quota_maker){f->s, &go, f->year, 1 + i * 10, 100 + i * 10, -99};
		assert_int_equal(pthread_create(&t[i], NULL, quota_thread, &x[i]), 0);
	}
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);
	f->c = kp_store_acquire(f->s);
	int ok = 0;
	for (int i = 0; i < N; i++) {
		if (x[i].rc != KP_DB_OK && x[i].rc != KP_DB_CONFLICT)
			fail_msg("creator %d: rc %d", i, x[i].rc);
		ok += x[i].rc == KP_DB_OK;
	}
	assert_int_equal(ok, 1);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM quotas WHERE verifier = 'KZ'"), 1);
}

KP_STORE_TEST_MAIN("permit races", cmocka_unit_test_setup_teardown(race_for_the_last_serials, setup_racers, teardown),
                   cmocka_unit_test_setup_teardown(race_to_approve, setup_racers, teardown),
                   cmocka_unit_test_setup_teardown(race_overlapping_quotas, setup_racers, teardown))
