/* test_permit_applications.c: the freight-permit store (src/store/) against real databases (a SQLite file
 * always, a fresh PostgreSQL database too when KAPKA_TEST_PG is set): vehicles and their conflicts, deciding applications: issued, refused with every reason and stored, ranges drawn in order, holding limit and duplicates, audit rows rolled back with injected faults, the review queue.
 * Every test starts from an empty, freshly migrated database (permits_fixture.h). */
#define KP_TEST_DB_PREFIX "kapka_papps"
#include "permits_fixture.h"

/* ---- vehicles ---- */

static void vehicles(void **state)
{
	fx_t *f = *state;
	long long audit0 = audit_count(f->c, "vehicle.create");
	int64_t other = add_carrier(f, f->c, 2, "KG-XX-2020-0001");
	kp_vehicle_t v = {.org_id = f->carrier,
	                  .plate = "01KG777XYZ",
	                  .vin = "1HGCM82633A004352",
	                  .kind = "truck",
	                  .euro_class = 6};
	assert_int_equal(kp_store_vehicle_create(f->c, &tester, &v), KP_DB_OK);
	assert_true(v.id > 0);
	assert_string_equal(v.status, "active");

	static const struct {
		int64_t org; /* 0: the carrier, 1: the other, -1: none */
		const char *plate, *vin;
		int want;
	} rows[] = {
	    {0, "01KG777XYZ", "1HGCM82633A004353", KP_DB_CONFLICT}, /* same plate */
	    {1, "01KG777XYZ", "1HGCM82633A004353", KP_DB_CONFLICT}, /* same plate, another carrier */
	    {1, "02KG777XYZ", "1HGCM82633A004352", KP_DB_CONFLICT}, /* same VIN */
	    {-1, "03KG777XYZ", "1HGCM82633A004354", KP_DB_REF},     /* no such organisation */
	    {1, "02KG777XYZ", "1HGCM82633A004353", KP_DB_OK},
	};
	long long created = 1;
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		kp_vehicle_t w = {.org_id = rows[i].org == 0   ? f->carrier
		                            : rows[i].org == 1 ? other
		                                               : 99999,
		                  .plate = rows[i].plate,
		                  .vin = rows[i].vin,
		                  .kind = "tractor",
		                  .euro_class = 5};
		int rc = kp_store_vehicle_create(f->c, &tester, &w);
		if (rc != rows[i].want)
			fail_msg("row %zu: rc %d, want %d", i, rc, rows[i].want);
		created += rc == KP_DB_OK;
		assert_false(f->c->in_tx);
	}
	assert_int_equal(count_rows(f->c, "vehicles"), created + 1); /* and the fixture's truck */
	assert_int_equal(audit_count(f->c, "vehicle.create") - audit0, created);

	kp_vehicle_t got;
	assert_int_equal(kp_store_vehicle_get(f->c, &f->a, v.id, &got), KP_DB_OK);
	assert_string_equal(got.plate, "01KG777XYZ");
	assert_string_equal(got.vin, "1HGCM82633A004352");
	assert_int_equal(got.euro_class, 6);
	assert_null(got.make);
	assert_int_equal(kp_store_vehicle_by_plate(f->c, &f->a, "02KG777XYZ", &got), KP_DB_OK);
	assert_int_equal(got.org_id, other);
	assert_int_equal(kp_store_vehicle_by_plate(f->c, &f->a, "02kg777xyz", &got), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_vehicle_get(f->c, &f->a, 99999, &got), KP_DB_NOTFOUND);

	kp_vehicle_t *list;
	int n;
	assert_int_equal(kp_store_vehicle_list(f->c, &f->a, f->carrier, &list, &n), KP_DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].plate, "01KG777XYZ"); /* by plate */
	assert_int_equal(kp_store_vehicle_list(f->c, &f->a, 0, &list, &n), KP_DB_OK);
	assert_int_equal(n, 3);

	assert_int_equal(kp_store_vehicle_set_status(f->c, &tester, v.id, "retired"), KP_DB_OK);
	assert_int_equal(kp_store_vehicle_get(f->c, &f->a, v.id, &got), KP_DB_OK);
	assert_string_equal(got.status, "retired");
	assert_int_equal(audit_count(f->c, "vehicle.status"), 1);
	assert_int_equal(kp_store_vehicle_set_status(f->c, &tester, 99999, "retired"), KP_DB_NOTFOUND);
	assert_int_equal(audit_count(f->c, "vehicle.status"), 1);
}

/* ---- applications ---- */

static void apply_issues(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t qid = add_quota(f, "UZ", 1, 1, 100);
	long long audit0 = count_rows(f->c, "audit_log");
	kp_application_t ap;
	kp_issue_result_t res;
	assert_int_equal(apply(f, f->carrier, f->truck, "UZ", 1, &ap, &res), KP_DB_OK);
	assert_false(f->c->in_tx);
	assert_int_equal(res.nfailures, 0);
	assert_false(res.review);
	char want[40];
	snprintf(want, sizeof(want), "KG-UZ-%d-1-1", f->year);
	assert_string_equal(res.permit.id, want);
	assert_int_equal(res.permit.serial, 1);
	assert_int_equal(res.permit.quota_id, qid);
	assert_string_equal(ap.status, "issued");
	assert_string_equal(ap.permit_id, want);
	assert_true(ap.id > 0);
	/* two audit rows, written with the rest: the permit and the application */
	assert_int_equal(count_rows(f->c, "audit_log") - audit0, 2);
	assert_int_equal(audit_count(f->c, "permit.issue"), 1);
	assert_int_equal(audit_count(f->c, "permit_application.create"), 1);
	/* and one transparency-log leaf, which names the permit but neither plate nor company */
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves WHERE kind = 'permit.issue'"), 1);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves WHERE entry LIKE '%T0001KG%'"
	                                      " OR entry LIKE '%Carrier 1%' OR entry LIKE '%01507201910001%'"),
	                 0);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves WHERE entry LIKE '%\"commitment\":%'"
	                                      " AND entry LIKE '%KG-UZ-%' AND salt IS NOT NULL"),
	                 1);

	kp_permit_t p;
	assert_int_equal(kp_store_permit_get(f->c, &f->a, want, &p), KP_DB_OK);
	assert_string_equal(p.issuer, SELF);
	assert_string_equal(p.verifier, "UZ");
	assert_int_equal(p.year, f->year);
	assert_int_equal(p.type, 1);
	assert_string_equal(p.status, "issued");
	assert_false(p.used_up);
	assert_int_equal(p.org_id, f->carrier);
	assert_int_equal(p.vehicle_id, f->truck);
	assert_int_equal(p.application_id, ap.id);
	assert_string_equal(p.plate, "T0001KG");
	assert_string_equal(p.company_name, "Carrier 1 LLC");
	assert_string_equal(p.company_id, "01507201910001");
	assert_string_equal(p.kid, "test-kid");
	/* nothing asked: from us to the partner, no trailer, no other claims */
	assert_string_equal(p.departure_country, SELF);
	assert_string_equal(p.arrival_country, "UZ");
	assert_null(p.trailer_plate);
	assert_null(p.other_claims);
	char cred[80];
	snprintf(cred, sizeof(cred), "test-header.%s.test-signature", want);
	assert_string_equal(p.credential, cred);
	/* 31 January of the next year, end of the day at UTC+6 */
	int64_t exp_day = kp_days_from_civil(f->year + 1, 1, 31);
	assert_int_equal(p.expires_at, exp_day * 86400 + 86399 - OFFSET * 60);
	assert_true(p.issued_at >= kp_now() - 5 && p.issued_at <= kp_now());

	kp_application_t stored;
	assert_int_equal(kp_store_application_get(f->c, &f->a, ap.id, &stored), KP_DB_OK);
	assert_string_equal(stored.status, "issued");
	assert_string_equal(stored.permit_id, want);
	assert_string_equal(stored.reasons, "[]");
	assert_string_equal(stored.trip, "{\"route\":\"Osh - Andijan\"}");
	assert_int_equal(stored.org_id, f->carrier);
	assert_true(stored.decided_at > 0);

	/* serials follow each other */
	for (int i = 2; i <= 5; i++) {
		const char *id = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 100 + i, "truck", 5), "UZ", 1);
		snprintf(want, sizeof(want), "KG-UZ-%d-1-%d", f->year, i);
		assert_string_equal(id, want);
	}
	assert_int_equal(quota(f, qid).next_serial, 6);
	/* another type draws from its own quota */
	add_quota(f, "UZ", 2, 500, 600);
	const char *transit = issue(f, f->carrier, f->truck, "UZ", 2);
	snprintf(want, sizeof(want), "KG-UZ-%d-2-500", f->year);
	assert_string_equal(transit, want);
}

/* The trip the carrier gives (countries, trailer, other claims) is kept on the
 * application and carried by the permit, and read back on both backends. */
static void apply_trip_fields(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "TR", 2, 1, 10);
	kp_application_t ap;
	memset(&ap, 0, sizeof(ap));
	ap.verifier = "TR";
	ap.year = f->year;
	ap.type = 2;
	ap.vehicle_id = f->truck;
	ap.departure_country = "KG";
	ap.arrival_country = "GE";
	ap.trailer_plate = "01KG123ABC";
	ap.other_claims = "{\"cargo\":\"dried apricots\",\"tonnes\":20}";
	kp_issue_request_t rq = {SELF, OFFSET, f->carrier, 0, &ap, &test_signer};
	kp_issue_result_t res;
	assert_int_equal(kp_store_permit_apply(f->c, &f->a, &tester, &rq, &res), KP_DB_OK);
	assert_int_equal(res.nfailures, 0);
	kp_permit_t p;
	assert_int_equal(kp_store_permit_get(f->c, &f->a, res.permit.id, &p), KP_DB_OK);
	assert_string_equal(p.departure_country, "KG");
	assert_string_equal(p.arrival_country, "GE");
	assert_string_equal(p.trailer_plate, "01KG123ABC");
	assert_string_equal(p.other_claims, "{\"cargo\":\"dried apricots\",\"tonnes\":20}");
	kp_application_t stored;
	assert_int_equal(kp_store_application_get(f->c, &f->a, ap.id, &stored), KP_DB_OK);
	assert_string_equal(stored.departure_country, "KG");
	assert_string_equal(stored.arrival_country, "GE");
	assert_string_equal(stored.trailer_plate, "01KG123ABC");
	assert_string_equal(stored.other_claims, p.other_claims);
	/* found by the trailer's plate among the list's filters */
	kp_permit_t *list;
	int n;
	kp_permit_filter_t flt = {.plate = NULL};
	assert_int_equal(kp_store_permit_list(f->c, &f->a, &flt, &list, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].trailer_plate, "01KG123ABC");
}

/* Ranges are drawn lowest first; when one is spent the next one continues. */
static void apply_draws_ranges_in_order(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "TR", 1, 50, 51);
	add_quota(f, "TR", 1, 7, 7);
	static const char *const serials[] = {"7", "50", "51"};
	for (size_t i = 0; i < KP_ROWS(serials); i++) {
		const char *id = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 200 + (int)i, "truck", 5), "TR", 1);
		char want[40];
		snprintf(want, sizeof(want), "KG-TR-%d-1-%s", f->year, serials[i]);
		assert_string_equal(id, want);
	}
	kp_application_t ap;
	kp_issue_result_t res;
	assert_int_equal(apply(f, f->carrier, add_vehicle(f, f->c, f->carrier, 299, "truck", 5), "TR", 1, &ap, &res),
	                 KP_DB_OK);
	char buf[256];
	assert_string_equal(codes_of(&res, buf, sizeof(buf)), "INSUFFICIENT_PERMIT_QUOTA");
	assert_string_equal(ap.status, "refused");
}

static void apply_refused_is_stored(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t qid = add_quota(f, "UZ", 1, 1, 10);
	int64_t nolicence = add_carrier(f, f->c, 2, NULL);
	int64_t trailer = add_vehicle(f, f->c, nolicence, 2, "trailer", 2);
	assert_int_equal(kp_store_vehicle_set_status(f->c, &tester, trailer, "retired"), KP_DB_OK);
	long long audit0 = count_rows(f->c, "audit_log");
	kp_application_t ap;
	kp_issue_result_t res;
	assert_int_equal(apply(f, nolicence, trailer, "UZ", 1, &ap, &res), KP_DB_OK);
	char buf[256];
	assert_string_equal(codes_of(&res, buf, sizeof(buf)),
	                    "CARRIER_NO_LICENCE VEHICLE_RETIRED VEHICLE_KIND VEHICLE_EMISSION_CLASS");
	assert_null(res.permit.id);
	assert_string_equal(ap.status, "refused");
	assert_null(ap.permit_id);
	assert_int_equal(count_rows(f->c, "permits"), 0);
	assert_int_equal(quota(f, qid).next_serial, 1);
	/* one audit row: the application */
	assert_int_equal(count_rows(f->c, "audit_log") - audit0, 1);
	assert_int_equal(audit_count(f->c, "permit_application.create"), 1);

	/* the stored reasons are the failures, as JSON */
	kp_application_t stored;
	assert_int_equal(kp_store_application_get(f->c, &f->a, ap.id, &stored), KP_DB_OK);
	assert_string_equal(stored.status, "refused");
	json_error_t e;
	json_t *reasons = json_loads(stored.reasons, 0, &e);
	assert_non_null(reasons);
	assert_int_equal(json_array_size(reasons), 4);
	for (int i = 0; i < 4; i++) {
		json_t *r = json_array_get(reasons, (size_t)i);
		assert_string_equal(json_string_value(json_object_get(r, "code")), res.failures[i].code);
		assert_string_equal(json_string_value(json_object_get(r, "message")), res.failures[i].message);
	}
	json_decref(reasons);

	/* someone else's vehicle, a suspended carrier, and no quota at all */
	assert_int_equal(kp_store_org_set_status(f->c, &tester, nolicence, "suspended", "test"), KP_DB_OK);
	assert_int_equal(apply(f, nolicence, f->truck, "TR", 1, &ap, &res), KP_DB_OK);
	assert_string_equal(codes_of(&res, buf, sizeof(buf)),
	                    "CARRIER_SUSPENDED CARRIER_NO_LICENCE VEHICLE_NOT_OWNED INSUFFICIENT_PERMIT_QUOTA");
	/* a vehicle that does not exist (or is someone else's) cannot be referenced: the
	 * refusal names every reason and is audited, but no application row is stored */
	long long apps = count_rows(f->c, "permit_applications"), audit1 = count_rows(f->c, "audit_log");
	assert_int_equal(apply(f, f->carrier, 99999, "UZ", 1, &ap, &res), KP_DB_OK);
	assert_string_equal(codes_of(&res, buf, sizeof(buf)), "VEHICLE_NOT_OWNED");
	assert_false(f->c->in_tx);
	assert_int_equal(count_rows(f->c, "permit_applications"), apps);
	assert_int_equal(count_rows(f->c, "audit_log"), audit1 + 1);
	assert_int_equal(audit_count(f->c, "permit_application.refuse"), 2);

	kp_application_t *list;
	int n;
	assert_int_equal(kp_store_application_list(f->c, &f->a, nolicence, "refused", 10, &list, &n), KP_DB_OK);
	assert_int_equal(n, 1); /* the application naming someone else's truck was not stored */
	assert_int_equal(kp_store_application_list(f->c, &f->a, f->carrier, NULL, 10, &list, &n), KP_DB_OK);
	assert_int_equal(n, 0);
}

/* The holding limit and duplicates count unused permits only. */
static void apply_holding_limit_and_duplicates(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "CN", 3, 1, 100); /* THIRDCOUNTRY: holding limit 3 */
	const char *held[3];
	for (int i = 0; i < 3; i++)
		held[i] = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 300 + i, "truck", 5), "CN", 3);
	kp_application_t ap;
	kp_issue_result_t res;
	char buf[256];
	int64_t v4 = add_vehicle(f, f->c, f->carrier, 304, "truck", 5);
	assert_int_equal(apply(f, f->carrier, v4, "CN", 3, &ap, &res), KP_DB_OK);
	assert_string_equal(codes_of(&res, buf, sizeof(buf)), "HOLDING_LIMIT");
	/* another carrier is not affected */
	int64_t other = add_carrier(f, f->c, 2, "KG-XX-2020-0002");
	issue(f, other, add_vehicle(f, f->c, other, 310, "truck", 5), "CN", 3);
	/* a returned permit no longer counts; a used one neither */
	const char *why;
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, held[0], "returned", "unused", &why), KP_DB_OK);
	issue(f, f->carrier, v4, "CN", 3);
	kp_activity_row_t act = {.permit_id = held[1], .type = "ENTRANCE", .country = "CN", .at = kp_now() - 60};
	assert_int_equal(kp_store_permit_activity_add(f->c, &f->a, &tester, &act, &why), KP_DB_OK);
	issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 305, "truck", 5), "CN", 3);

	/* the same vehicle twice for the same partner, type and year */
	add_quota(f, "UZ", 1, 1, 10);
	issue(f, f->carrier, f->truck, "UZ", 1);
	assert_int_equal(apply(f, f->carrier, f->truck, "UZ", 1, &ap, &res), KP_DB_OK);
	assert_string_equal(codes_of(&res, buf, sizeof(buf)), "DUPLICATE_PERMIT");
	/* another type or partner is no duplicate */
	add_quota(f, "UZ", 2, 1, 10);
	issue(f, f->carrier, f->truck, "UZ", 2);
}

/* The signature or an audit insert failing leaves nothing behind: the application, the
 * permit, the serial and the audit rows are one transaction. */
static void apply_faults_leave_nothing(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t qid = add_quota(f, "UZ", 1, 1, 10);
	static const char *const faulty_actions[] = {"permit.issue", "permit_application.create"};
	for (size_t i = 0; i <= KP_ROWS(faulty_actions); i++) {
		bool signer_fault = i == KP_ROWS(faulty_actions);
		if (!signer_fault)
			inject_audit_fault(f, faulty_actions[i]);
		long long audit0 = count_rows(f->c, "audit_log");
		kp_application_t ap;
		kp_issue_result_t res;
		int rc = apply_on(f->c, &f->a, f->year, f->carrier, f->truck, "UZ", 1,
		                  signer_fault ? &broken_signer : &test_signer, &ap, &res);
		if (rc == KP_DB_OK)
			fail_msg("%s: the application went through", signer_fault ? "signer" : faulty_actions[i]);
		assert_false(f->c->in_tx);
		assert_int_equal(count_rows(f->c, "permits"), 0);
		assert_int_equal(count_rows(f->c, "permit_applications"), 0);
		assert_int_equal(count_rows(f->c, "audit_log"), audit0);
		/* only the quota's leaf */
		assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves"), 1);
		assert_int_equal(kp_store_count(f->c, "SELECT size FROM tlog_state"), 1);
		assert_int_equal(quota(f, qid).next_serial, 1);
		if (!signer_fault)
			remove_audit_fault(f);
	}
	/* and afterwards the first serial is still there */
	const char *id = issue(f, f->carrier, f->truck, "UZ", 1);
	char want[40];
	snprintf(want, sizeof(want), "KG-UZ-%d-1-1", f->year);
	assert_string_equal(id, want);
}

static int decide_on(fx_t *f, int64_t app_id, bool approve, const char *reason, kp_application_t *ap,
                     kp_issue_result_t *res)
{
	memset(ap, 0, sizeof(*ap));
	kp_issue_request_t rq = {SELF, OFFSET, 0, 0, ap, &test_signer};
	kp_actor_t ministry = {0, "ministry", "req-2", "192.0.2.8"};
	return kp_store_application_decide(f->c, &f->a, &ministry, app_id, approve, reason, &rq, res);
}

static void review_queue(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t qid = add_quota(f, "UZ", 1, 1, 10);
	set_review(f, 1, "always");
	int64_t v2 = add_vehicle(f, f->c, f->carrier, 2, "truck", 5);
	int64_t v3 = add_vehicle(f, f->c, f->carrier, 3, "truck", 5);
	kp_application_t a1, a2, a3, d;
	kp_issue_result_t res;
	assert_int_equal(apply(f, f->carrier, f->truck, "UZ", 1, &a1, &res), KP_DB_OK);
	assert_true(res.review);
	assert_int_equal(res.nfailures, 0);
	assert_null(res.permit.id);
	assert_string_equal(a1.status, "pending_review");
	assert_int_equal(apply(f, f->carrier, v2, "UZ", 1, &a2, &res), KP_DB_OK);
	assert_int_equal(apply(f, f->carrier, v3, "UZ", 1, &a3, &res), KP_DB_OK);
	assert_int_equal(count_rows(f->c, "permits"), 0);
	assert_int_equal(quota(f, qid).next_serial, 1);
	kp_application_t *list;
	int n;
	assert_int_equal(kp_store_application_list(f->c, &f->a, 0, "pending_review", 100, &list, &n), KP_DB_OK);
	assert_int_equal(n, 3);
	kp_application_t stored;
	assert_int_equal(kp_store_application_get(f->c, &f->a, a1.id, &stored), KP_DB_OK);
	assert_int_equal(stored.decided_at, 0);

	/* approve: issued, decision recorded */
	long long audit0 = audit_count(f->c, "permit_application.decide");
	assert_int_equal(decide_on(f, a1.id, true, "papers checked", &d, &res), KP_DB_OK);
	assert_false(f->c->in_tx);
	assert_int_equal(res.nfailures, 0);
	assert_non_null(res.permit.id);
	assert_int_equal(res.permit.application_id, a1.id);
	assert_string_equal(d.status, "issued");
	assert_int_equal(kp_store_application_get(f->c, &f->a, a1.id, &stored), KP_DB_OK);
	assert_string_equal(stored.status, "issued");
	assert_string_equal(stored.permit_id, res.permit.id);
	assert_string_equal(stored.decision_reason, "papers checked");
	assert_true(stored.decided_at > 0);
	kp_permit_t p;
	assert_int_equal(kp_store_permit_get(f->c, &f->a, res.permit.id, &p), KP_DB_OK);
	assert_int_equal(p.application_id, a1.id);
	assert_int_equal(quota(f, qid).next_serial, 2);
	assert_int_equal(audit_count(f->c, "permit_application.decide") - audit0, 1);
	/* only once */
	assert_int_equal(decide_on(f, a1.id, true, "again", &d, &res), KP_DB_CONFLICT);
	assert_int_equal(decide_on(f, a1.id, false, "again", &d, &res), KP_DB_CONFLICT);
	assert_false(f->c->in_tx);

	/* reject: no permit */
	assert_int_equal(decide_on(f, a2.id, false, "incomplete papers", &d, &res), KP_DB_OK);
	assert_string_equal(d.status, "rejected");
	assert_null(res.permit.id);
	assert_int_equal(kp_store_application_get(f->c, &f->a, a2.id, &stored), KP_DB_OK);
	assert_string_equal(stored.status, "rejected");
	assert_string_equal(stored.decision_reason, "incomplete papers");
	assert_null(stored.permit_id);
	assert_int_equal(count_rows(f->c, "permits"), 1);

	/* approve after the carrier was suspended: the checks run again and refuse */
	assert_int_equal(kp_store_org_set_status(f->c, &tester, f->carrier, "suspended", "fines"), KP_DB_OK);
	assert_int_equal(decide_on(f, a3.id, true, "ok", &d, &res), KP_DB_OK);
	char buf[256];
	assert_string_equal(codes_of(&res, buf, sizeof(buf)), "CARRIER_SUSPENDED");
	assert_null(res.permit.id);
	assert_int_equal(kp_store_application_get(f->c, &f->a, a3.id, &stored), KP_DB_OK);
	assert_string_equal(stored.status, "refused");
	assert_non_null(strstr(stored.reasons, "CARRIER_SUSPENDED"));
	assert_int_equal(count_rows(f->c, "permits"), 1);

	assert_int_equal(decide_on(f, 99999, true, "ok", &d, &res), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_application_list(f->c, &f->a, 0, "pending_review", 100, &list, &n), KP_DB_OK);
	assert_int_equal(n, 0);
}

/* review = first_permit: the carrier's first permit of the type waits, the next does not. */
static void review_first_permit(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "UZ", 1, 1, 10);
	set_review(f, 1, "first_permit");
	kp_application_t a1, a2, d;
	kp_issue_result_t res;
	assert_int_equal(apply(f, f->carrier, f->truck, "UZ", 1, &a1, &res), KP_DB_OK);
	assert_true(res.review);
	assert_int_equal(decide_on(f, a1.id, true, "first one", &d, &res), KP_DB_OK);
	assert_non_null(res.permit.id);
	assert_int_equal(apply(f, f->carrier, add_vehicle(f, f->c, f->carrier, 2, "truck", 5), "UZ", 1, &a2, &res),
	                 KP_DB_OK);
	assert_false(res.review);
	assert_non_null(res.permit.id);
	/* a refused application is refused at once, never queued */
	set_review(f, 1, "always");
	assert_int_equal(apply(f, f->carrier, f->truck, "UZ", 1, &a2, &res), KP_DB_OK);
	assert_false(res.review);
	assert_string_equal(a2.status, "refused");
}

KP_STORE_TEST_MAIN("application store", cmocka_unit_test_setup_teardown(vehicles, setup, teardown),
                   cmocka_unit_test_setup_teardown(apply_issues, setup, teardown),
                   cmocka_unit_test_setup_teardown(apply_trip_fields, setup, teardown),
                   cmocka_unit_test_setup_teardown(apply_draws_ranges_in_order, setup, teardown),
                   cmocka_unit_test_setup_teardown(apply_refused_is_stored, setup, teardown),
                   cmocka_unit_test_setup_teardown(apply_holding_limit_and_duplicates, setup, teardown),
                   cmocka_unit_test_setup_teardown(apply_faults_leave_nothing, setup, teardown),
                   cmocka_unit_test_setup_teardown(review_queue, setup, teardown),
                   cmocka_unit_test_setup_teardown(review_first_permit, setup, teardown))
