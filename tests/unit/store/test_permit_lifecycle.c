/* test_permit_lifecycle.c: the freight-permit store (src/store/) against real databases (a SQLite file
 * always, a fresh PostgreSQL database too when KAPKA_TEST_PG is set): what happens to an issued permit: withdrawing (returned, revoked), border activities in time order, and the lists that read permits.
 * Every test starts from an empty, freshly migrated database (permits_fixture.h). */
#define KP_TEST_DB_PREFIX "kapka_plife"
#include "permits_fixture.h"

/* ---- withdrawing ---- */

static void withdraw(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "UZ", 1, 1, 10);
	const char *p1 = issue(f, f->carrier, f->truck, "UZ", 1);
	const char *p2 = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 2, "truck", 5), "UZ", 1);
	const char *p3 = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 3, "truck", 5), "UZ", 1);
	const char *why = "untouched";

	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, p1, "returned", "trip cancelled", &why), KP_DB_OK);
	assert_null(why);
	kp_permit_t p;
	assert_int_equal(kp_store_permit_get(f->c, &f->a, p1, &p), KP_DB_OK);
	assert_string_equal(p.status, "returned");
	assert_string_equal(p.status_reason, "trip cancelled");
	assert_true(p.status_at > 0);
	assert_int_equal(audit_count(f->c, "permit.return"), 1);

	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, p2, "revoked", "forged papers", &why), KP_DB_OK);
	assert_int_equal(audit_count(f->c, "permit.revoke"), 1);

	/* from issued only */
	static const struct {
		int which;
		const char *status;
		const char *why;
	} rows[] = {
	    {1, "returned", "returned"},
	    {1, "revoked", "returned"},
	    {2, "revoked", "revoked"},
	    {2, "returned", "revoked"},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		why = NULL;
		assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, rows[i].which == 1 ? p1 : p2, rows[i].status,
		                                          "again", &why),
		                 KP_DB_CONFLICT);
		assert_string_equal(why, rows[i].why);
		assert_false(f->c->in_tx);
	}
	/* a used permit cannot be withdrawn */
	kp_activity_row_t act = {.permit_id = p3, .type = "ENTRANCE", .country = "UZ", .at = kp_now() - 60};
	assert_int_equal(kp_store_permit_activity_add(f->c, &f->a, &tester, &act, &why), KP_DB_OK);
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, p3, "revoked", "x", &why), KP_DB_CONFLICT);
	assert_string_equal(why, "PERMIT_USED");
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, p3, "returned", "x", &why), KP_DB_CONFLICT);
	assert_string_equal(why, "PERMIT_USED");
	assert_int_equal(kp_store_permit_get(f->c, &f->a, p3, &p), KP_DB_OK);
	assert_string_equal(p.status, "used");

	char missing[40];
	snprintf(missing, sizeof(missing), "KG-UZ-%d-1-999", f->year);
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, missing, "revoked", "x", &why), KP_DB_NOTFOUND);
	assert_int_equal(audit_count(f->c, "permit.return") + audit_count(f->c, "permit.revoke"), 2);

	/* a failing audit insert undoes the withdrawal */
	const char *p4 = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 4, "truck", 5), "UZ", 1);
	inject_audit_fault(f, "permit.revoke");
	assert_int_not_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, p4, "revoked", "x", &why), KP_DB_OK);
	assert_false(f->c->in_tx);
	assert_int_equal(kp_store_permit_get(f->c, &f->a, p4, &p), KP_DB_OK);
	assert_string_equal(p.status, "issued");
}

/* ---- activities ---- */

static int add_activity(fx_t *f, const char *permit, const char *type, const char *country, int64_t at,
                        const char **why)
{
	kp_activity_row_t act =
	    {.permit_id = permit, .type = type, .country = country, .at = at, .checkpoint = "Dostyk", .details = NULL};
	*why = NULL;
	return kp_store_permit_activity_add(f->c, &f->a, &tester, &act, why);
}

static void activities(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "UZ", 1, 1, 10);
	add_quota(f, "TRACECA", 7, 1, 10);
	const char *bi = issue(f, f->carrier, f->truck, "UZ", 1);
	const char *multi = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 2, "tractor", 6), "TRACECA", 7);
	int64_t t0 = kp_now(); /* crossings come after the permit was issued */

	static const struct {
		int permit; /* 0 bilateral, 1 multilateral */
		const char *type, *country;
		const char *why; /* NULL: recorded */
		const char *status;
		bool used_up;
	} rows[] = {
	    {0, "EXIT", "UZ", "NOT_ENTERED", "issued", false},
	    {0, "ENTRANCE", "UZ", NULL, "used", false},
	    {0, "ENTRANCE", "UZ", "ALREADY_ENTERED", "used", false},
	    {0, "EXIT", "UZ", NULL, "used", true},
	    {0, "ENTRANCE", "UZ", "PERMIT_USED", "used", true},
	    {0, "EXIT", "UZ", "PERMIT_USED", "used", true}, /* used up: no more activities */
	    {1, "EXIT", SELF, NULL, "used", false},         /* out of Kyrgyzstan */
	    {1, "ENTRANCE", "TR", NULL, "used", false},
	    {1, "EXIT", "TR", NULL, "used", false},
	    {1, "ENTRANCE", "TR", NULL, "used", false},
	    {1, "EXIT", "TR", NULL, "used", false},
	    {1, "ENTRANCE", "TR", "PERMIT_USED", "used", false}, /* at most two entries per member country */
	    {1, "ENTRANCE", "GE", NULL, "used", false},
	    {1, "EXIT", "GE", NULL, "used", false},
	    {1, "ENTRANCE", SELF, NULL, "used", true}, /* home again: the round trip is made */
	    {1, "ENTRANCE", "GE", "PERMIT_USED", "used", true},
	};
	long long audit0 = audit_count(f->c, "permit.activity");
	long long recorded = 0;
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		const char *id = rows[i].permit ? multi : bi;
		const char *why;
		int rc = add_activity(f, id, rows[i].type, rows[i].country, t0 + (int64_t)i * 60, &why);
		if (rows[i].why == NULL && (rc != KP_DB_OK || why))
			fail_msg("row %zu (%s %s): rc %d, %s", i, rows[i].type, rows[i].country, rc, why ? why : "");
		if (rows[i].why && (rc != KP_DB_CONFLICT || why == NULL || strcmp(why, rows[i].why) != 0))
			fail_msg("row %zu (%s %s): rc %d, %s; want %s", i, rows[i].type, rows[i].country, rc, why ? why : "(none)",
			         rows[i].why);
		assert_false(f->c->in_tx);
		recorded += rc == KP_DB_OK;
		kp_permit_t p;
		assert_int_equal(kp_store_permit_get(f->c, &f->a, id, &p), KP_DB_OK);
		assert_string_equal(p.status, rows[i].status);
		if (p.used_up != rows[i].used_up)
			fail_msg("row %zu: used_up %d, want %d", i, p.used_up, rows[i].used_up);
	}
	assert_int_equal(audit_count(f->c, "permit.activity") - audit0, recorded);
	assert_int_equal(count_rows(f->c, "permit_activities"), recorded);

	kp_activity_row_t *list;
	int n;
	assert_int_equal(kp_store_permit_activities(f->c, &f->a, bi, &list, &n), KP_DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].type, "ENTRANCE");
	assert_string_equal(list[1].type, "EXIT");
	assert_string_equal(list[0].checkpoint, "Dostyk");
	assert_string_equal(list[0].permit_id, bi);
	assert_true(list[0].at < list[1].at);

	/* revoked and returned permits take no activity */
	const char *r1 = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 3, "truck", 5), "UZ", 1);
	const char *r2 = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 4, "truck", 5), "UZ", 1);
	const char *why;
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, r1, "revoked", "x", &why), KP_DB_OK);
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, r2, "returned", "x", &why), KP_DB_OK);
	assert_int_equal(add_activity(f, r1, "ENTRANCE", "UZ", t0, &why), KP_DB_CONFLICT);
	assert_string_equal(why, "PERMIT_REVOKED");
	assert_int_equal(add_activity(f, r2, "ENTRANCE", "UZ", t0, &why), KP_DB_CONFLICT);
	assert_string_equal(why, "PERMIT_RETURNED");
	char missing[40];
	snprintf(missing, sizeof(missing), "KG-UZ-%d-1-999", f->year);
	assert_int_equal(add_activity(f, missing, "ENTRANCE", "UZ", t0, &why), KP_DB_NOTFOUND);
	assert_false(f->c->in_tx);

	/* a failing audit insert undoes the activity and the status change */
	const char *r3 = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 5, "truck", 5), "UZ", 1);
	long long acts = count_rows(f->c, "permit_activities");
	inject_audit_fault(f, "permit.activity");
	assert_int_not_equal(add_activity(f, r3, "ENTRANCE", "UZ", t0, &why), KP_DB_OK);
	assert_false(f->c->in_tx);
	assert_int_equal(count_rows(f->c, "permit_activities"), acts);
	kp_permit_t p;
	assert_int_equal(kp_store_permit_get(f->c, &f->a, r3, &p), KP_DB_OK);
	assert_string_equal(p.status, "issued");
}

/* An activity dated before an earlier one, or long before the permit was issued, is
 * refused: the history must read in time order. */
static void activity_out_of_time_order(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "UZ", 1, 1, 10);
	const char *id = issue(f, f->carrier, f->truck, "UZ", 1);
	int64_t t = kp_now() + 3600;
	const char *why;
	assert_int_equal(add_activity(f, id, "ENTRANCE", "UZ", t, &why), KP_DB_OK);
	assert_int_equal(add_activity(f, id, "EXIT", "UZ", t - 1800, &why), KP_DB_CONFLICT);
	assert_string_equal(why, "ACTIVITY_OUT_OF_ORDER");
	assert_int_equal(add_activity(f, id, "EXIT", "UZ", kp_now() - 3600, &why), KP_DB_CONFLICT);
}

/* ---- reading permits ---- */

static void permit_lists(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "UZ", 1, 1, 10);
	add_quota(f, "TR", 1, 1, 10);
	int64_t other = add_carrier(f, f->c, 2, "KG-XX-2020-0003");
	issue(f, f->carrier, f->truck, "UZ", 1);
	issue(f, f->carrier, f->truck, "TR", 1);
	const char *theirs = issue(f, other, add_vehicle(f, f->c, other, 2, "truck", 5), "UZ", 1);
	const char *why;
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, theirs, "revoked", "x", &why), KP_DB_OK);
	static const struct {
		kp_permit_filter_t filter;
		int want;
	} rows[] = {
	    {{.limit = 100}, 3},       {{.limit = 2}, 2},         {{.limit = 0}, 3}, /* 0: the default */
	    {{.org_id = 1}, 2},        {{.plate = "T0001KG"}, 2}, {{.plate = "T0002KG"}, 1},
	    {{.plate = "t0001kg"}, 0}, {{.verifier = "UZ"}, 2},   {{.verifier = "TR", .plate = "T0001KG"}, 1},
	    {{.issuer = "KG"}, 3},     {{.issuer = "UZ"}, 0},     {{.status = "revoked"}, 1},
	    {{.status = "issued"}, 2}, {{.year = 2001}, 0},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		kp_permit_filter_t flt = rows[i].filter;
		if (flt.org_id == 1)
			flt.org_id = f->carrier;
		kp_permit_t *list;
		int n;
		assert_int_equal(kp_store_permit_list(f->c, &f->a, &flt, &list, &n), KP_DB_OK);
		if (n != rows[i].want)
			fail_msg("filter row %zu: %d permits, want %d", i, n, rows[i].want);
	}
	kp_permit_filter_t year = {.year = f->year};
	kp_permit_t *list;
	int n;
	assert_int_equal(kp_store_permit_list(f->c, &f->a, &year, &list, &n), KP_DB_OK);
	assert_int_equal(n, 3);
	kp_permit_t p;
	assert_int_equal(kp_store_permit_get(f->c, &f->a, "KG-UZ-2001-1-1", &p), KP_DB_NOTFOUND);
}

KP_STORE_TEST_MAIN("permit lifecycle", cmocka_unit_test_setup_teardown(withdraw, setup, teardown),
                   cmocka_unit_test_setup_teardown(activities, setup, teardown),
                   cmocka_unit_test_setup_teardown(activity_out_of_time_order, setup, teardown),
                   cmocka_unit_test_setup_teardown(permit_lists, setup, teardown))
