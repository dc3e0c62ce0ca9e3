/* test_event.c: reading e-permit protocol events (src/domain/event.c): each type's
 * fields, the spellings other implementations use, and every malformed input refused with
 * the protocol's status and code. */
#include "kp_test.h"

#include "domain/event.h"

/* Add the members of more (taken) to c. */
static void merge(json_t *c, json_t *more)
{
	json_object_update(c, more);
	json_decref(more);
}

static json_t *base(const char *type)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "event_id", "e-2", "previous_event_id", "e-1", "event_type",
	                 type, "event_timestamp", (json_int_t)1795241535, "issuer", "UZ", "issued_for", "KG");
}

static void quota_created(void **state)
{
	(void)state;
	json_t *c = base("QUOTA_CREATED");
	merge(c, json_pack("{s:i, s:s, s:i, s:s}", "permit_year", 2026, "permit_type", "BILITERAL",
	                                "start_number", 1, "end_number", "50"));
	kp_event_t ev;
	kp_event_error_t err;
	assert_int_equal(kp_event_read(c, &ev, &err), 0);
	assert_int_equal(ev.type, KP_EV_QUOTA_CREATED);
	assert_int_equal(ev.permit_type, 1);
	assert_int_equal(ev.end_number, 50); /* numbers also come as strings */
	json_object_set_new(c, "start_number", json_integer(60));
	assert_int_equal(kp_event_read(c, &ev, &err), -1);
	assert_int_equal(err.status, 422);
	assert_string_equal(err.code, "INVALID_QUOTA_INTERVAL");
	json_decref(c);
}

static void permit_types_on_the_wire(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int code;
	} rows[] = {{"BILITERAL", 1}, {"BILATERAL", 1}, {"TRANSIT", 2}, {"THIRDCOUNTRY", 3}, {"THIRD_COUNTRY", 3},
	            {"BILITERAL_FEE", 4}, {"TRANSIT_FEE", 5}, {"THIRDCOUNTRY_FEE", 6}, {"1", 1}, {"6", 6},
	            {"7", 0}, {"MULTILATERAL", 0}, {"", 0}, {"transit", 0}};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		json_t *v = json_string(rows[i].in);
		if (kp_event_permit_type_parse(v) != rows[i].code)
			fail_msg("permit_type %s read as %d", rows[i].in, kp_event_permit_type_parse(v));
		json_decref(v);
	}
	json_t *n = json_integer(3);
	assert_int_equal(kp_event_permit_type_parse(n), 3);
	json_decref(n);
	assert_string_equal(kp_event_permit_type_wire(1), "BILITERAL");
	assert_null(kp_event_permit_type_wire(7));
}

static json_t *permit_created(void)
{
	json_t *c = base("PERMIT_CREATED");
	merge(c, json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "permit_id", "UZ-KG-2026-2-7",
	                                "permit_year", 2026, "permit_type", "TRANSIT", "serial_number", "7", "issued_at",
	                                "01/03/2026", "expire_at", "31/01/2027", "company_name", "Silk Road LLC",
	                                "company_id", "123", "plate_number", "01A123BC"));
	return c;
}

static void permit_created_checks(void **state)
{
	(void)state;
	kp_event_t ev;
	kp_event_error_t err;
	json_t *c = permit_created();
	assert_int_equal(kp_event_read(c, &ev, &err), 0);
	assert_int_equal(ev.serial_number, 7);
	/* the id must agree with issuer, verifier, year, type and serial */
	static const char *const bad_ids[] = {"UZ-KG-2026-2-8", "KG-UZ-2026-2-7", "UZ-KG-2025-2-7", "UZ-KG-2026-1-7",
	                                      "UZ-TR-2026-2-7", "nonsense"};
	for (size_t i = 0; i < KP_ROWS(bad_ids); i++) {
		json_object_set_new(c, "permit_id", json_string(bad_ids[i]));
		assert_int_equal(kp_event_read(c, &ev, &err), -1);
		assert_string_equal(err.code, "INVALID_PERMITID");
	}
	json_decref(c);
	static const char *const fields[] = {"permit_id", "issued_at", "expire_at", "company_name", "plate_number"};
	for (size_t i = 0; i < KP_ROWS(fields); i++) {
		c = permit_created();
		json_object_del(c, fields[i]);
		assert_int_equal(kp_event_read(c, &ev, &err), -1);
		assert_int_equal(err.status, 400);
		json_decref(c);
	}
	c = permit_created();
	json_object_set_new(c, "expire_at", json_string("2027-01-31"));
	assert_int_equal(kp_event_read(c, &ev, &err), -1);
	assert_int_equal(err.status, 400);
	json_decref(c);
}

static void permit_used(void **state)
{
	(void)state;
	kp_event_t ev;
	kp_event_error_t err;
	json_t *c = base("PERMIT_USED");
	/* sent by the verifier (UZ) about the issuer's (KG's) permit */
	merge(c, json_pack("{s:s, s:s, s:I}", "permit_id", "KG-UZ-2026-1-1", "activity_type", "ENTERANCE",
	                                "activity_timestamp", (json_int_t)1795241535000));
	assert_int_equal(kp_event_read(c, &ev, &err), 0);
	assert_string_equal(ev.activity_type, "ENTRANCE"); /* the published tables' spelling */
	assert_int_equal(ev.activity_timestamp, 1795241535); /* milliseconds scaled */
	json_object_set_new(c, "permit_id", json_string("UZ-KG-2026-1-1"));
	assert_int_equal(kp_event_read(c, &ev, &err), -1);
	assert_string_equal(err.code, "INVALID_PERMITID");
	json_object_set_new(c, "permit_id", json_string("KG-UZ-2026-1-1"));
	json_object_set_new(c, "activity_type", json_string("LEFT"));
	assert_int_equal(kp_event_read(c, &ev, &err), -1);
	assert_int_equal(err.status, 400);
	json_decref(c);
}

static void keys_and_common_fields(void **state)
{
	(void)state;
	kp_event_t ev;
	kp_event_error_t err;
	json_t *c = base("KEY_CREATED");
	merge(c, json_pack("{s:s, s:s, s:s, s:s, s:s}", "kid", "2", "kty", "EC", "crv", "P-256", "x", "AAA",
	                                "y", "BBB"));
	assert_int_equal(kp_event_read(c, &ev, &err), 0);
	assert_string_equal(json_string_value(json_object_get(ev.jwk, "kid")), "2");
	kp_event_cleanup(&ev);
	json_decref(c);
	c = base("KEY_REVOKED");
	assert_int_equal(kp_event_read(c, &ev, &err), -1);
	assert_int_equal(err.status, 400);
	json_decref(c);
	static const char *const common[] = {"event_id", "previous_event_id", "issuer", "issued_for", "event_type",
	                                     "event_timestamp"};
	for (size_t i = 0; i < KP_ROWS(common); i++) {
		c = base("PERMIT_REVOKED");
		json_object_set_new(c, "permit_id", json_string("UZ-KG-2026-1-1"));
		assert_int_equal(kp_event_read(c, &ev, &err), 0);
		json_object_del(c, common[i]);
		if (kp_event_read(c, &ev, &err) != -1 || err.status != 400)
			fail_msg("an event without %s was not refused with 400", common[i]);
		json_decref(c);
	}
	json_t *arr = json_array();
	assert_int_equal(kp_event_read(arr, &ev, &err), -1);
	json_decref(arr);
}

static void event_ids_are_uuids(void **state)
{
	(void)state;
	unsigned char rnd[16];
	memset(rnd, 0xff, sizeof(rnd));
	char id[37];
	kp_event_id_format(rnd, id);
	assert_string_equal(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quota_created),   cmocka_unit_test(permit_types_on_the_wire),
		cmocka_unit_test(permit_created_checks), cmocka_unit_test(permit_used),
		cmocka_unit_test(keys_and_common_fields), cmocka_unit_test(event_ids_are_uuids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
