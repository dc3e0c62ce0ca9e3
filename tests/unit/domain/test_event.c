/* test_event.c: reading e-permit events as the reference's classes define them
 * (src/domain/event.c): each type's fields and bean validation, the @AssertTrue rules,
 * the 400 details named by Java property, and the 422 rules checked without a database. */
#include "kp_test.h"

#include "domain/dates.h"
#include "domain/event.h"

static int64_t today(void)
{
	return kp_days_from_civil(2026, 12, 6);
}

static json_t *event(const char *producer, const char *consumer, const char *fields)
{
	char text[4096];
	snprintf(text, sizeof(text),
	         "{\"event_producer\":\"%s\",\"event_consumer\":\"%s\",\"event_timestamp\":1796000000,"
	         "\"event_id\":\"6f1c2d3e-0a1b-4c5d-8e9f-001122334455\",\"previous_event_id\":\"0\",%s}",
	         producer, consumer, fields);
	json_t *o = json_loads(text, 0, NULL);
	assert_non_null(o);
	return o;
}

/* Read; on refusal check status, code and (for 400) the one detail named. */
static void expect(json_t *o, kp_event_type_t t, int status, const char *code, const char *field, const char *msg)
{
	kp_event_t ev;
	kp_event_error_t err;
	int rc = kp_event_read(o, t, today(), &ev, &err);
	if (status == 0) {
		if (rc != 0)
			fail_msg("refused: %d %s %s", err.status, err.code ? err.code : "",
			         err.details ? json_dumps(err.details, 0) : err.message);
	} else {
		assert_int_equal(rc, -1);
		assert_int_equal(err.status, status);
		if (code)
			assert_string_equal(err.code, code);
		if (field) {
			const char *m = json_string_value(json_object_get(err.details, field));
			if (m == NULL)
				fail_msg("no detail for %s in %s", field, json_dumps(err.details, 0));
			if (msg)
				assert_string_equal(m, msg);
		}
	}
	kp_event_error_cleanup(&err);
	kp_event_cleanup(&ev);
	json_decref(o);
}

#define PERMIT(id, type, iat, exp) \
	"\"permit_id\":\"" id "\",\"permit_type\":" type ",\"permit_issuer\":\"KG\",\"permit_issued_for\":\"UZ\"," \
	"\"permit_year\":2026,\"issued_at\":\"" iat "\",\"expires_at\":\"" exp "\",\"plate_number\":\"01KG123ABC\"," \
	"\"company_name\":\"A&B\",\"company_id\":\"1\",\"departure_country\":\"KG\",\"arrival_country\":\"UZ\"," \
	"\"qr_code\":\"q\""

static void permit_created(void **state)
{
	(void)state;
	expect(event("KG", "UZ", PERMIT("KG-UZ-2026-1-7", "1", "06/12/2026", "31/01/2027")), KP_EV_PERMIT_CREATED, 0, NULL,
	       NULL, NULL);
	/* issued after today's UTC date; not before expiry */
	expect(event("KG", "UZ", PERMIT("KG-UZ-2026-1-7", "1", "07/12/2026", "31/01/2027")), KP_EV_PERMIT_CREATED, 400,
	       NULL, "validIssuedAt", "Invalid issued_at");
	expect(event("KG", "UZ", PERMIT("KG-UZ-2026-1-7", "1", "06/12/2026", "06/12/2026")), KP_EV_PERMIT_CREATED, 400,
	       NULL, "validExpiresAt", "Invalid expires_at");
	/* the id pattern, and canonical ids only */
	expect(event("KG", "UZ", PERMIT("kg-UZ-2026-1-7", "1", "06/12/2026", "31/01/2027")), KP_EV_PERMIT_CREATED, 400,
	       NULL, "permitId", "must match \"^[A-Z]+-[A-Z]+-\\d{4}-[0-9]+-[0-9]+$\"");
	expect(event("KG", "UZ", PERMIT("KG-UZ-2026-1-07", "1", "06/12/2026", "31/01/2027")), KP_EV_PERMIT_CREATED, 400,
	       NULL, "permitId", NULL);
	/* the id must agree with the event */
	expect(event("KG", "UZ", PERMIT("KG-UZ-2026-2-7", "1", "06/12/2026", "31/01/2027")), KP_EV_PERMIT_CREATED, 422,
	       "INVALID_PERMITID", NULL, NULL);
	/* producer must be the permit's issuer */
	expect(event("TR", "UZ", PERMIT("KG-UZ-2026-1-7", "1", "06/12/2026", "31/01/2027")), KP_EV_PERMIT_CREATED, 400,
	       NULL, "valid", "Invalid permit issuer or issued_for");
	/* a missing @NotNull field; a number where a string belongs */
	json_t *o = event("KG", "UZ", PERMIT("KG-UZ-2026-1-7", "1", "06/12/2026", "31/01/2027"));
	json_object_del(o, "qr_code");
	expect(o, KP_EV_PERMIT_CREATED, 400, NULL, "qrCode", "must not be null");
	o = event("KG", "UZ", PERMIT("KG-UZ-2026-1-7", "1", "06/12/2026", "31/01/2027"));
	json_object_set_new(o, "company_name", json_integer(5));
	expect(o, KP_EV_PERMIT_CREATED, 400, NULL, "companyName", NULL);
	/* organisation authorities are codes too */
	expect(event("KG", "TRACECA",
	             "\"permit_id\":\"KG-TRACECA-2026-1-3\",\"permit_type\":1,\"permit_issuer\":\"KG\","
	             "\"permit_issued_for\":\"TRACECA\",\"permit_year\":2026,\"issued_at\":\"06/12/2026\","
	             "\"expires_at\":\"31/01/2027\",\"company_name\":\"c\",\"company_id\":\"1\","
	             "\"departure_country\":\"KG\",\"arrival_country\":\"GE\",\"qr_code\":\"q\""),
	       KP_EV_PERMIT_CREATED, 0, NULL, NULL, NULL);
}

static void quota_created(void **state)
{
	(void)state;
	const char *ok = "\"permit_issuer\":\"KG\",\"permit_issued_for\":\"UZ\",\"permit_year\":2026,\"permit_type\":1,"
	                 "\"quantity\":50";
	expect(event("UZ", "KG", ok), KP_EV_QUOTA_CREATED, 0, NULL, NULL, NULL);
	/* the producer grants: it must be permit_issued_for */
	expect(event("KG", "UZ", ok), KP_EV_QUOTA_CREATED, 400, NULL, "valid", "Invalid permit issuer or issued_for");
	expect(event("UZ", "KG",
	             "\"permit_issuer\":\"KG\",\"permit_issued_for\":\"UZ\",\"permit_year\":2026,"
	             "\"permit_type\":1,\"quantity\":0"),
	       KP_EV_QUOTA_CREATED, 400, NULL, "quantity", "must be greater than or equal to 1");
	/* a primitive int left out is 0, below @Min(2021) */
	expect(event("UZ", "KG", "\"permit_issuer\":\"KG\",\"permit_issued_for\":\"UZ\",\"permit_type\":1,\"quantity\":5"),
	       KP_EV_QUOTA_CREATED, 400, NULL, "permitYear", "must be greater than or equal to 2021");
	expect(event("UZ", "KG",
	             "\"permit_issuer\":\"KG\",\"permit_issued_for\":\"UZ\",\"permit_year\":2026,"
	             "\"permit_type\":\"BILATERAL\",\"quantity\":5"),
	       KP_EV_QUOTA_CREATED, 400, NULL, "permitType", NULL);
}

static void permit_used_and_revoked(void **state)
{
	(void)state;
	expect(event("UZ", "KG",
	             "\"permit_id\":\"KG-UZ-2026-1-7\",\"activity_type\":\"ENTRANCE\","
	             "\"activity_timestamp\":1796000000,\"activity_details\":\"Dostyk\""),
	       KP_EV_PERMIT_USED, 0, NULL, NULL, NULL);
	expect(event("UZ", "KG",
	             "\"permit_id\":\"KG-UZ-2026-1-7\",\"activity_type\":\"ENTERANCE\","
	             "\"activity_timestamp\":1796000000"),
	       KP_EV_PERMIT_USED, 400, NULL, "activityType", NULL);
	expect(event("UZ", "KG", "\"permit_id\":\"KG-UZ-2026-1-7\",\"activity_type\":\"EXIT\",\"activity_timestamp\":5"),
	       KP_EV_PERMIT_USED, 400, NULL, "activityTimestamp", "must be greater than or equal to 1609459200");
	/* PERMIT_USED goes from the permit's verifier to its issuer */
	expect(event("KG", "UZ",
	             "\"permit_id\":\"KG-UZ-2026-1-7\",\"activity_type\":\"EXIT\","
	             "\"activity_timestamp\":1796000000"),
	       KP_EV_PERMIT_USED, 422, "INVALID_PERMITID", NULL, NULL);
	expect(event("KG", "UZ", "\"permit_id\":\"KG-UZ-2026-1-7\",\"revoked_at\":1796000000"), KP_EV_PERMIT_REVOKED, 0,
	       NULL, NULL, NULL);
	expect(event("KG", "UZ", "\"permit_id\":\"KG-UZ-2026-1-7\""), KP_EV_PERMIT_REVOKED, 400, NULL, "revokedAt",
	       "must not be null");
}

static void keys_and_envelope(void **state)
{
	(void)state;
	expect(event("KG", "UZ",
	             "\"authority\":\"KG\",\"kid\":\"k2\",\"jwk\":\"{\\\"kty\\\":\\\"EC\\\",\\\"crv\\\":"
	             "\\\"P-256\\\",\\\"x\\\":\\\"a\\\",\\\"y\\\":\\\"b\\\",\\\"kid\\\":\\\"k2\\\"}\""),
	       KP_EV_KEY_CREATED, 0, NULL, NULL, NULL);
	/* an authority announces only its own keys */
	expect(event("KG", "UZ", "\"authority\":\"TR\",\"key_id\":\"k1\",\"revoked_at\":1796000000"), KP_EV_KEY_REVOKED,
	       400, NULL, "authority", NULL);
	expect(event("KG", "UZ", "\"authority\":\"KG\",\"kid\":\"k2\",\"jwk\":\"not json\""), KP_EV_KEY_CREATED, 400, NULL,
	       "jwk", NULL);
	/* event ids of 16..100 characters; the endpoint decides the type */
	json_t *o = event("KG", "UZ", "\"authority\":\"KG\",\"key_id\":\"k1\",\"revoked_at\":1796000000");
	json_object_set_new(o, "event_id", json_string("short"));
	expect(o, KP_EV_KEY_REVOKED, 400, NULL, "eventId", "size must be between 16 and 100");
	o = event("KG", "UZ", "\"authority\":\"KG\",\"key_id\":\"k1\",\"revoked_at\":1796000000");
	json_object_set_new(o, "event_type", json_string("KEY_CREATED"));
	expect(o, KP_EV_KEY_REVOKED, 400, NULL, "eventType", NULL);
	o = event("KG", "UZ", "\"authority\":\"KG\",\"key_id\":\"k1\",\"revoked_at\":1796000000");
	kp_event_t ev;
	kp_event_error_t err;
	assert_int_equal(kp_event_read(o, KP_EV_KEY_REVOKED, today(), &ev, &err), 0);
	/* absent event_type: the endpoint's, as the reference's constructor sets it */
	assert_string_equal(json_string_value(json_object_get(o, "event_type")), "KEY_REVOKED");
	json_decref(o);
	json_t *x = json_string("x");
	assert_int_equal(kp_event_read(x, KP_EV_KEY_REVOKED, today(), &ev, &err), -1);
	json_decref(x);
	assert_int_equal(err.status, 400);
	kp_event_error_cleanup(&err);
	assert_int_equal(kp_event_type_from_path("permit-created"), KP_EV_PERMIT_CREATED);
	assert_string_equal(kp_event_type_path(KP_EV_QUOTA_CREATED), "quota-created");
	assert_int_equal(kp_event_type_from_path("events"), KP_EV_UNKNOWN);
}

static void permit_ids(void **state)
{
	(void)state;
	char a[KP_AUTHORITY_CODE_MAX + 1], b[KP_AUTHORITY_CODE_MAX + 1];
	int y, t;
	int64_t n;
	assert_true(kp_event_permit_id_ok("TRACECA-KG-2026-1-12", a, b, &y, &t, &n));
	assert_string_equal(a, "TRACECA");
	assert_int_equal(n, 12);
	assert_false(kp_event_permit_id_ok("KG-UZ-2026-1-0", NULL, NULL, NULL, NULL, NULL));
	assert_false(kp_event_permit_id_ok("KG-UZ-2026-01-1", NULL, NULL, NULL, NULL, NULL));
	assert_false(kp_event_permit_id_ok("KG-UZ-26-1-1", NULL, NULL, NULL, NULL, NULL));
	assert_false(kp_event_permit_id_ok("KG-UZ-2026-1-1-", NULL, NULL, NULL, NULL, NULL));
	assert_false(kp_event_permit_id_ok("KG--2026-1-1", NULL, NULL, NULL, NULL, NULL));
}

static void event_ids_are_uuids(void **state)
{
	(void)state;
	unsigned char rnd[16] = {0};
	char id[37];
	kp_event_id_format(rnd, id);
	assert_string_equal(id, "00000000-0000-4000-8000-000000000000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(permit_created),    cmocka_unit_test(quota_created), cmocka_unit_test(permit_used_and_revoked),
	    cmocka_unit_test(keys_and_envelope), cmocka_unit_test(permit_ids),    cmocka_unit_test(event_ids_are_uuids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
