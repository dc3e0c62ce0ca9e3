/* test_gson.c: the bytes kapka signs and checks (src/exchange/gson.c) against what the
 * reference's Gson writes for the same event object, byte for byte. The expected texts
 * are written out by hand from Gson's rules (ReflectiveTypeAdapterFactory: a class's own
 * fields, then its superclass's; JsonWriter: HTML-safe escapes, nulls left out) and the
 * reference's classes (R/ledgerevents/…); they are not produced by the code under test. */
#include "kp_test.h"

#include "exchange/gson.h"

#include <math.h>

static char *gson_of(const char *json, kp_event_type_t t)
{
	json_error_t e;
	json_t *o = json_loads(json, 0, &e);
	if (o == NULL)
		fail_msg("bad test JSON: %s", e.text);
	char *out = kp_gson_event(o, t, NULL);
	json_decref(o);
	return out;
}

static const char *const base_in = "\"previous_event_id\":\"0\",\"event_id\":\"6f1c2d3e-0a1b-4c5d-8e9f-001122334455\","
                                   "\"event_type\":\"%s\",\"event_timestamp\":1796000000,\"event_consumer\":\"%s\","
                                   "\"event_producer\":\"%s\"";
static const char
    *const base_out = "\"event_producer\":\"%s\",\"event_consumer\":\"%s\",\"event_timestamp\":1796000000,"
                      "\"event_type\":\"%s\",\"event_id\":\"6f1c2d3e-0a1b-4c5d-8e9f-001122334455\","
                      "\"previous_event_id\":\"0\"";

struct row {
	kp_event_type_t type;
	const char *producer, *consumer;
	const char *own_in;  /* the class's own fields, in any order, as a sender may send them */
	const char *own_out; /* what Gson writes for them */
};

static const struct row rows[] = {
    /* company names with the HTML-safe set, Cyrillic and Chinese; plate_number2 and
	 * other_claims absent (null: left out); fields reordered to the class's order */
    {KP_EV_PERMIT_CREATED, "KG", "UZ",
     "\"qr_code\":\"1.eyJhbGciOiJFUzI1NiJ9.e30.sig\",\"company_name\":\"A&B <Trans> 'Ltd' =1\",\"permit_year\":2026,"
     "\"permit_id\":\"KG-UZ-2026-1-7\",\"permit_type\":1,\"permit_issuer\":\"KG\",\"permit_issued_for\":\"UZ\","
     "\"issued_at\":\"05/12/2026\",\"expires_at\":\"31/01/2027\",\"plate_number\":\"01KG123ABC\","
     "\"company_id\":\"0123\",\"departure_country\":\"KG\",\"arrival_country\":\"UZ\",\"plate_number2\":null",
     "\"permit_id\":\"KG-UZ-2026-1-7\",\"permit_type\":1,\"permit_issuer\":\"KG\",\"permit_issued_for\":\"UZ\","
     "\"permit_year\":2026,\"issued_at\":\"05/12/2026\",\"expires_at\":\"31/01/2027\",\"plate_number\":\"01KG123ABC\","
     "\"company_name\":\"A\\u0026B \\u003cTrans\\u003e \\u0027Ltd\\u0027 \\u003d1\",\"company_id\":\"0123\","
     "\"departure_country\":\"KG\",\"arrival_country\":\"UZ\",\"qr_code\":\"1.eyJhbGciOiJFUzI1NiJ9.e30.sig\""},
    {KP_EV_PERMIT_CREATED, "KG", "TR",
     "\"permit_id\":\"KG-TR-2026-2-12\",\"permit_type\":2,\"permit_issuer\":\"KG\",\"permit_issued_for\":\"TR\","
     "\"permit_year\":2026,\"issued_at\":\"01/03/2026\",\"expires_at\":\"31/01/2027\",\"plate_number\":\"01KG001AAA\","
     "\"plate_number2\":\"01KG002BBB\",\"company_name\":\"ОсОО «Кыргыз Транс» 新疆运输公司\",\"company_id\":\"ИНН "
     "123\","
     "\"departure_country\":\"KG\",\"arrival_country\":\"TR\",\"qr_code\":\"q\","
     "\"other_claims\":{\"res\":\"not for third-country\",\"n\":5,\"f\":1.5,\"big\":1e2,\"gone\":null,"
     "\"nested\":{\"a\":null,\"b\":[1,null,true,\"<\"]}}",
     "\"permit_id\":\"KG-TR-2026-2-12\",\"permit_type\":2,\"permit_issuer\":\"KG\",\"permit_issued_for\":\"TR\","
     "\"permit_year\":2026,\"issued_at\":\"01/03/2026\",\"expires_at\":\"31/01/2027\",\"plate_number\":\"01KG001AAA\","
     "\"plate_number2\":\"01KG002BBB\",\"company_name\":\"ОсОО «Кыргыз Транс» 新疆运输公司\",\"company_id\":\"ИНН "
     "123\","
     "\"departure_country\":\"KG\",\"arrival_country\":\"TR\",\"qr_code\":\"q\","
     "\"other_claims\":{\"res\":\"not for third-country\",\"n\":5,\"f\":1.5,\"big\":100.0,"
     "\"nested\":{\"b\":[1,null,true,\"\\u003c\"]}}"},
    /* a primitive int absent is written as 0 */
    {KP_EV_QUOTA_CREATED, "UZ", "KG",
     "\"quantity\":50,\"permit_type\":1,\"permit_issued_for\":\"UZ\",\"permit_issuer\":\"KG\"",
     "\"permit_issuer\":\"KG\",\"permit_issued_for\":\"UZ\",\"permit_year\":0,\"permit_type\":1,\"quantity\":50"},
    {KP_EV_QUOTA_CREATED, "UZ", "KG",
     "\"permit_issuer\":\"KG\",\"permit_issued_for\":\"UZ\",\"permit_year\":2026,\"permit_type\":1,\"quantity\":50",
     "\"permit_issuer\":\"KG\",\"permit_issued_for\":\"UZ\",\"permit_year\":2026,\"permit_type\":1,\"quantity\":50"},
    {KP_EV_PERMIT_REVOKED, "KG", "UZ", "\"revoked_at\":1796000100,\"permit_id\":\"KG-UZ-2026-1-7\"",
     "\"permit_id\":\"KG-UZ-2026-1-7\",\"revoked_at\":1796000100"},
    /* control characters, quotes, backslash, '/' (not escaped), U+2028 */
    {KP_EV_PERMIT_USED, "UZ", "KG",
     "\"activity_details\":\"Dostyk\\t\\\"gate\\\" 2\\n\\u0001\\\\/\\u2028\\u007f\",\"activity_type\":\"ENTRANCE\","
     "\"activity_timestamp\":1796000200,\"permit_id\":\"KG-UZ-2026-1-7\"",
     "\"permit_id\":\"KG-UZ-2026-1-7\",\"activity_type\":\"ENTRANCE\",\"activity_timestamp\":1796000200,"
     "\"activity_details\":\"Dostyk\\t\\\"gate\\\" 2\\n\\u0001\\\\/\\u2028\x7f\""},
    {KP_EV_PERMIT_USED, "UZ", "KG",
     "\"permit_id\":\"KG-UZ-2026-1-7\",\"activity_type\":\"EXIT\",\"activity_timestamp\":1796000300",
     "\"permit_id\":\"KG-UZ-2026-1-7\",\"activity_type\":\"EXIT\",\"activity_timestamp\":1796000300"},
    /* jwk is a string: its quotes escaped */
    {KP_EV_KEY_CREATED, "KG", "UZ",
     "\"jwk\":\"{\\\"kty\\\":\\\"EC\\\",\\\"kid\\\":\\\"k2\\\"}\",\"kid\":\"k2\",\"authority\":\"KG\"",
     "\"authority\":\"KG\",\"kid\":\"k2\",\"jwk\":\"{\\\"kty\\\":\\\"EC\\\",\\\"kid\\\":\\\"k2\\\"}\""},
    {KP_EV_KEY_REVOKED, "KG", "UZ", "\"revoked_at\":1796000400,\"key_id\":\"k1\",\"authority\":\"KG\"",
     "\"authority\":\"KG\",\"key_id\":\"k1\",\"revoked_at\":1796000400"},
};

static void events_byte_exact(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		const char *type = kp_event_type_name(r->type);
		char in[4096], out[4096], b[512];
		snprintf(b, sizeof(b), base_in, type, r->consumer, r->producer);
		snprintf(in, sizeof(in), "{%s,%s}", b, r->own_in);
		snprintf(b, sizeof(b), base_out, r->producer, r->consumer, type);
		snprintf(out, sizeof(out), "{%s,%s}", r->own_out, b);
		char *got = gson_of(in, r->type);
		if (strcmp(got, out) != 0)
			fail_msg("row %zu:\n got  %s\n want %s", i, got, out);
		free(got);
	}
}

static void doubles_as_java_prints_them(void **state)
{
	(void)state;
	static const struct {
		double d;
		const char *java;
	} t[] = {
	    {1.0, "1.0"},
	    {100.0, "100.0"},
	    {1.5, "1.5"},
	    {0.1, "0.1"},
	    {0.001, "0.001"},
	    {0.0001, "1.0E-4"},
	    {9999999.0, "9999999.0"},
	    {10000000.0, "1.0E7"},
	    {123456789.0, "1.23456789E8"},
	    {2e22, "2.0E22"},
	    {-0.0, "-0.0"},
	    {0.0, "0.0"},
	    {-1.25, "-1.25"},
	    {1.0 / 3.0, "0.3333333333333333"},
	    {4.9e-324, "4.9E-324"},
	    {1.7976931348623157e308, "1.7976931348623157E308"},
	    {1234.5678, "1234.5678"},
	    {0.5e-3, "5.0E-4"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char got[32];
		kp_gson_double(t[i].d, got);
		if (strcmp(got, t[i].java) != 0)
			fail_msg("%.17g: got %s, Java prints %s", t[i].d, got, t[i].java);
	}
}

static void any_value(void **state)
{
	(void)state;
	json_t *v = json_loads("[{\"a\":null,\"b\":\"x=y\"},null,false,-7,2.5]", 0, NULL);
	char *got = kp_gson_value(v, NULL);
	assert_string_equal(got, "[{\"b\":\"x\\u003dy\"},null,false,-7,2.5]");
	free(got);
	json_decref(v);
}

/* The detached proof and the compact JWS it stands for, both ways. */
static void detached_proof(void **state)
{
	(void)state;
	char *proof = kp_gson_detach("aGVhZA.eyJhIjoxfQ.c2ln");
	assert_string_equal(proof, "aGVhZA.c2ln");
	char *jws = kp_gson_attach(proof, "{\"a\":1}", 7);
	assert_string_equal(jws, "aGVhZA.eyJhIjoxfQ.c2ln");
	free(jws);
	free(proof);
	assert_null(kp_gson_detach("aGVhZA.c2ln"));
	assert_null(kp_gson_attach("aGVhZA", "x", 1));
	assert_null(kp_gson_attach("a.b.c", "x", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(events_byte_exact),
	    cmocka_unit_test(doubles_as_java_prints_them),
	    cmocka_unit_test(any_value),
	    cmocka_unit_test(detached_proof),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
