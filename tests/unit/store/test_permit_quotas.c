/* test_permit_quotas.c: the freight-permit store (src/store/) against real databases (a SQLite file
 * always, a fresh PostgreSQL database too when KAPKA_TEST_PG is set): quotas: ranges refused when they overlap, moving the end, usage counts.
 * Every test starts from an empty, freshly migrated database (permits_fixture.h). */
#define KP_TEST_DB_PREFIX "kapka_pquotas"
#include "permits_fixture.h"

/* ---- quotas ---- */

static void quota_create_and_overlaps(void **state)
{
	fx_t *f = *state;
	long long audit0 = audit_count(f->c, "quota.create");
	int64_t id;
	assert_int_equal(create_quota(f, SELF, "UZ", f->year, 1, 1, 100, &id), KP_DB_OK);
	kp_quota_t q = quota(f, id);
	assert_string_equal(q.issuer, SELF);
	assert_string_equal(q.verifier, "UZ");
	assert_int_equal(q.start_number, 1);
	assert_int_equal(q.end_number, 100);
	assert_int_equal(q.next_serial, 1);
	assert_int_equal(q.remaining, 100);
	assert_int_equal(q.issued, 0);

	static const struct {
		const char *issuer, *verifier;
		int dyear, type;
		int64_t start, end;
		int want;
	} rows[] = {
	    {SELF, "UZ", 0, 1, 50, 150, KP_DB_CONFLICT},  /* overlaps the end */
	    {SELF, "UZ", 0, 1, 1, 1, KP_DB_CONFLICT},     /* inside */
	    {SELF, "UZ", 0, 1, 100, 100, KP_DB_CONFLICT}, /* the last serial */
	    {SELF, "UZ", 0, 1, 101, 200, KP_DB_OK},       /* adjacent */
	    {SELF, "UZ", 0, 1, 1, 300, KP_DB_CONFLICT},   /* around both */
	    {SELF, "UZ", 0, 2, 1, 100, KP_DB_OK},         /* another type */
	    {SELF, "UZ", 1, 1, 1, 100, KP_DB_OK},         /* another year */
	    {"UZ", SELF, 0, 1, 1, 100, KP_DB_OK},         /* the other direction */
	    {SELF, "TR", 0, 1, 1, 100, KP_DB_OK},         /* another partner */
	    {"UZ", SELF, 0, 1, 90, 110, KP_DB_CONFLICT},
	};
	long long created = 1;
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		int rc = create_quota(f, rows[i].issuer, rows[i].verifier, f->year + rows[i].dyear, rows[i].type, rows[i].start,
		                      rows[i].end, NULL);
		if (rc != rows[i].want)
			fail_msg("row %zu: %s->%s %d type %d [%lld, %lld]: rc %d, want %d", i, rows[i].issuer, rows[i].verifier,
			         f->year + rows[i].dyear, rows[i].type, (long long)rows[i].start, (long long)rows[i].end, rc,
			         rows[i].want);
		created += rc == KP_DB_OK;
		assert_false(f->c->in_tx);
	}
	assert_int_equal(count_rows(f->c, "quotas"), created);
	/* one audit row per quota created, none for the refused */
	assert_int_equal(audit_count(f->c, "quota.create") - audit0, created);

	/* the schema refuses what the API never sends: an unknown authority, an empty range */
	assert_int_equal(create_quota(f, SELF, "ZZ", f->year, 1, 1, 10, NULL), KP_DB_REF);
	assert_int_not_equal(create_quota(f, SELF, "AM", f->year, 1, 10, 9, NULL), KP_DB_OK);
	assert_int_equal(count_rows(f->c, "quotas"), created);
}

static void quota_adjust(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t id = add_quota(f, "UZ", 1, 1, 10);
	add_quota(f, "UZ", 1, 11, 20);
	int64_t v2 = add_vehicle(f, f->c, f->carrier, 2, "truck", 6);
	int64_t v3 = add_vehicle(f, f->c, f->carrier, 3, "truck", 6);
	issue(f, f->carrier, f->truck, "UZ", 1);
	issue(f, f->carrier, v2, "UZ", 1);
	issue(f, f->carrier, v3, "UZ", 1);
	assert_int_equal(quota(f, id).next_serial, 4);
	long long audit0 = audit_count(f->c, "quota.adjust");

	static const struct {
		int64_t end;
		int want;
	} rows[] = {
	    {2, KP_DB_CONFLICT},                 /* below what was issued */
	    {0, KP_DB_CONFLICT},                 /* below the start */
	    {15, KP_DB_CONFLICT},                /* into the next range */
	    {11, KP_DB_CONFLICT}, {3, KP_DB_OK}, /* exactly what was issued */
	    {10, KP_DB_OK},                      /* back */
	    {5, KP_DB_OK},
	};
	long long ok = 0;
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		int rc = kp_store_quota_set_end(f->c, &tester, id, rows[i].end);
		if (rc != rows[i].want)
			fail_msg("set_end(%lld): rc %d, want %d", (long long)rows[i].end, rc, rows[i].want);
		ok += rc == KP_DB_OK;
		assert_false(f->c->in_tx);
	}
	kp_quota_t q = quota(f, id);
	assert_int_equal(q.end_number, 5);
	assert_int_equal(q.remaining, 2);
	assert_int_equal(audit_count(f->c, "quota.adjust") - audit0, ok);
	assert_int_equal(kp_store_quota_set_end(f->c, &tester, 99999, 10), KP_DB_NOTFOUND);

	/* a returned permit's serial stays spent: the end cannot go below it */
	const char *why;
	kp_permit_t *list;
	int n;
	kp_permit_filter_t all = {.limit = 10};
	assert_int_equal(kp_store_permit_list(f->c, &f->a, &all, &list, &n), KP_DB_OK);
	assert_int_equal(n, 3);
	for (int i = 0; i < n; i++)
		assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, list[i].id, "returned", "unused", &why),
		                 KP_DB_OK);
	assert_int_equal(kp_store_quota_set_end(f->c, &tester, id, 2), KP_DB_CONFLICT);
	assert_int_equal(kp_store_quota_set_end(f->c, &tester, id, 3), KP_DB_OK);
	/* the serials do not come back: the next permit comes from the next range */
	const char *next = issue(f, f->carrier, f->truck, "UZ", 1);
	char want[40];
	snprintf(want, sizeof(want), "KG-UZ-%d-1-11", f->year);
	assert_string_equal(next, want);
}

/* Usage: drawn from the range, and what became of the permits. */
static void quota_usage(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t id = add_quota(f, "UZ", 1, 1, 10);
	add_quota(f, "TR", 1, 1, 5);
	const char *p[4];
	for (int i = 0; i < 4; i++)
		p[i] = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 10 + i, "truck", 5), "UZ", 1);
	const char *why;
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, p[0], "returned", "not needed", &why), KP_DB_OK);
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, p[1], "revoked", "fraud", &why), KP_DB_OK);
	kp_activity_row_t act = {.permit_id = p[2], .type = "ENTRANCE", .country = "UZ", .at = kp_now() - 60};
	assert_int_equal(kp_store_permit_activity_add(f->c, &f->a, &tester, &act, &why), KP_DB_OK);

	kp_quota_t q = quota(f, id);
	assert_int_equal(q.issued, 4);
	assert_int_equal(q.used, 1);
	assert_int_equal(q.returned, 1);
	assert_int_equal(q.revoked, 1);
	assert_int_equal(q.expired, 0);
	assert_int_equal(q.remaining, 6);
	assert_int_equal(q.next_serial, 5);

	/* listed at a time after the expiry, the unused permit counts as expired */
	kp_permit_t rec;
	assert_int_equal(kp_store_permit_get(f->c, &f->a, p[3], &rec), KP_DB_OK);
	kp_quota_t *list;
	int n;
	assert_int_equal(kp_store_quota_list(f->c, &f->a, "UZ", f->year, rec.expires_at + 1, &list, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, id);
	assert_int_equal(list[0].expired, 1);
	/* filters */
	assert_int_equal(kp_store_quota_list(f->c, &f->a, NULL, 0, kp_now(), &list, &n), KP_DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(kp_store_quota_list(f->c, &f->a, "TR", 0, kp_now(), &list, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].issued, 0);
	assert_int_equal(kp_store_quota_list(f->c, &f->a, NULL, f->year + 1, kp_now(), &list, &n), KP_DB_OK);
	assert_int_equal(n, 0);

	/* per carrier */
	kp_carrier_usage_t *u;
	assert_int_equal(kp_store_usage_by_carrier(f->c, &f->a, f->year, &u, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(u[0].org_id, f->carrier);
	assert_string_equal(u[0].verifier, "UZ");
	assert_int_equal(u[0].issued, 4);
	assert_int_equal(u[0].used, 1);
	assert_int_equal(u[0].returned, 1);
	assert_int_equal(u[0].revoked, 1);
}

KP_STORE_TEST_MAIN("quota store", cmocka_unit_test_setup_teardown(quota_create_and_overlaps, setup, teardown),
                   cmocka_unit_test_setup_teardown(quota_adjust, setup, teardown),
                   cmocka_unit_test_setup_teardown(quota_usage, setup, teardown))
