/* test_verdict.c: the verification rules of src/domain/verdict.c. The freight permit's
 * cases are the shared table tests/verdict/freight-cases.json, which the browser's offline
 * checker is held to as well (tests/e2e/offline_verify.test.mjs); here they run as
 * `kapka verify` runs them, against the table's keys and revocation list. Then the online
 * checks (our record: revoked, returned, used up, claims that differ, a permit of ours we
 * never issued), the border-zone permit's checks (the shared table
 * tests/verdict/zone-cases.json, which the post's offline checker is held to as well:
 * tests/e2e/zone_offline_verify.test.mjs), and the reason table itself. */
#include "kp_test.h"

#include "crypto/jws.h"
#include "crypto/keys.h"
#include "domain/dates.h"
#include "domain/trustlist.h"
#include "domain/verdict.h"
#include "domain/zone.h"

static json_t *table;

static int load_table(void **state)
{
	(void)state;
	json_error_t err;
	table = json_load_file("tests/verdict/freight-cases.json", 0, &err);
	if (table == NULL)
		fprintf(stderr, "tests/verdict/freight-cases.json: %s (run from the top of the tree)\n", err.text);
	return table ? 0 : -1;
}

static int free_table(void **state)
{
	(void)state;
	json_decref(table);
	return 0;
}

/* The verifier over the table: its authorities, keys (with "revoked") and revocations. */
struct listed {
	kp_key_t *key;
	const struct kp_freight_record *rec; /* for the online cases */
};

static bool table_issuer(void *ctx, const char *issuer)
{
	(void)ctx;
	return json_object_get(json_object_get(json_object_get(table, "keys"), "authorities"), issuer) != NULL;
}

/* The key issuer+kid among keys {"authorities": {CODE: [jwk + "revoked"]}}, made into *slot. */
static const kp_key_t *jwk_key(json_t *keys, kp_key_t **slot, const char *issuer, const char *kid, bool *revoked)
{
	size_t i;
	json_t *jwk;
	*revoked = false;
	json_array_foreach(json_object_get(json_object_get(keys, "authorities"), issuer), i, jwk) {
		if (!kid || strcmp(json_string_value(json_object_get(jwk, "kid")), kid) != 0)
			continue;
		if (json_is_true(json_object_get(jwk, "revoked"))) {
			*revoked = true;
			return NULL;
		}
		json_t *copy = json_deep_copy(jwk);
		json_object_del(copy, "revoked");
		kp_key_free(*slot);
		*slot = NULL;
		assert_int_equal(kp_key_from_jwk(copy, slot), 0);
		json_decref(copy);
		return *slot;
	}
	return NULL;
}

static const kp_key_t *table_key(void *ctx, const char *issuer, const char *kid, bool *revoked)
{
	struct listed *l = ctx;
	return jwk_key(json_object_get(table, "keys"), &l->key, issuer, kid, revoked);
}

static int table_listed(void *ctx, const char *id)
{
	(void)ctx;
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(table, "revoked"), i, r)
		if (strcmp(json_string_value(r), id) == 0)
			return 1;
	return 0;
}

static bool table_member(void *ctx, const char *organisation, const char *country, int64_t day)
{
	(void)ctx;
	return kp_trustlist_member(json_object_get(json_object_get(table, "keys"), "members"), organisation, country, day);
}

static json_t *check(const char *qr, const char *here, int64_t now, int offset, kp_verdict_t *v)
{
	struct listed l = {0};
	kp_verifier_t vf = {
	    .ctx = &l,
	    .here = here,
	    .today = kp_local_day(now, offset),
	    .unknown_issuer = KP_WHY_ISSUER_NOT_LISTED,
	    .issuer_known = table_issuer,
	    .key = table_key,
	    .listed = table_listed,
	    .member = table_member,
	};
	kp_permit_id_t pid;
	memset(v, 0, sizeof(*v));
	json_t *claims = kp_verdict_freight(qr, &vf, v, &pid);
	kp_key_free(l.key);
	return claims;
}

static void shared_freight_cases(void **state)
{
	(void)state;
	assert_int_equal(json_integer_value(json_object_get(table, "utc_offset_minutes")), 360);
	size_t i;
	json_t *c;
	assert_true(json_array_size(json_object_get(table, "cases")) >= 20);
	json_array_foreach(json_object_get(table, "cases"), i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		json_t *now = json_object_get(c, "now") ?: json_object_get(table, "now");
		json_t *offset = json_object_get(c, "utc_offset_minutes") ?: json_object_get(table, "utc_offset_minutes");
		kp_verdict_t v;
		json_t *claims = check(json_string_value(json_object_get(c, "qr")),
		                       json_string_value(json_object_get(c, "here")), json_integer_value(now),
		                       (int)json_integer_value(offset), &v);
		json_t *want = json_object_get(c, "expect");
		char got[256] = "", exp[256] = "";
		for (int k = 0; k < v.n; k++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s ", kp_why_code(v.why[k]));
		size_t j;
		json_t *w;
		json_array_foreach(want, j, w)
			snprintf(exp + strlen(exp), sizeof(exp) - strlen(exp), "%s ", json_string_value(w));
		if (strcmp(got, exp) != 0)
			fail_msg("case \"%s\": reasons [%s], expected [%s]", name, got, exp);
		if ((claims != NULL) != json_is_true(json_object_get(c, "held")))
			fail_msg("case \"%s\": claims %s, expected the opposite", name, claims ? "shown" : "withheld");
		json_decref(claims);
	}
}

/* ---- online: our record of the permit ---- */

struct online {
	kp_key_t *key;
	const kp_freight_record_t *rec;
};

static const kp_key_t *online_key(void *ctx, const char *issuer, const char *kid, bool *revoked)
{
	struct online *o = ctx;
	struct listed l = {0};
	const kp_key_t *k = table_key(&l, issuer, kid, revoked);
	kp_key_free(o->key);
	o->key = l.key;
	return k;
}

static bool online_record(void *ctx, const char *id, kp_freight_record_t *out)
{
	(void)id;
	struct online *o = ctx;
	if (o->rec == NULL)
		return false;
	*out = *o->rec;
	return true;
}

/* The first valid case's QR (issued by KG for UZ). */
static const char *valid_qr(void)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(table, "cases"), i, c)
		if (json_array_size(json_object_get(c, "expect")) == 0 && !json_object_get(c, "now"))
			return json_string_value(json_object_get(c, "qr"));
	fail_msg("no valid case in the table");
	return NULL;
}

static void online_record_checks(void **state)
{
	(void)state;
	static const struct {
		kp_freight_record_t rec;
		bool have;
		const char *self, *codes, *first_message;
	} rows[] = {
	    {{"issued", NULL, "01KG123ABC", "Ala-Too Trans", false}, true, "KG", "", NULL},
	    {{"revoked", "stolen truck", "01KG123ABC", "Ala-Too Trans", false}, true, "KG", "REVOKED ", "stolen truck"},
	    {{"revoked", NULL, "01KG123ABC", "Ala-Too Trans", false}, true, "KG", "REVOKED ", "the permit was revoked"},
	    {{"returned", NULL, "01KG123ABC", "Ala-Too Trans", false}, true, "KG", "RETURNED ", NULL},
	    {{"issued", NULL, "01KG123ABC", "Ala-Too Trans", true}, true, "KG", "USED_UP ", NULL},
	    {{"issued", NULL, "01KG999ZZZ", "Ala-Too Trans", false}, true, "KG", "CLAIMS_INCONSISTENT ", NULL},
	    {{"revoked", NULL, "01KG123ABC", "Other", true}, true, "KG", "REVOKED USED_UP CLAIMS_INCONSISTENT ", NULL},
	    {{0}, false, "KG", "NOT_FOUND ", "this authority never issued a permit with this id"},
	    {{0}, false, "UZ", "", NULL}, /* a partner's permit we hold no record of */
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		struct online o = {NULL, rows[i].have ? &rows[i].rec : NULL};
		kp_verifier_t vf = {
		    .ctx = &o,
		    .here = "KG",
		    .today = kp_local_day(json_integer_value(json_object_get(table, "now")), 360),
		    .self = rows[i].self,
		    .unknown_issuer = KP_WHY_UNKNOWN_ISSUER,
		    .issuer_known = table_issuer,
		    .key = online_key,
		    .record = online_record,
		};
		kp_verdict_t v = {0};
		kp_permit_id_t pid;
		json_t *claims = kp_verdict_freight(valid_qr(), &vf, &v, &pid);
		kp_key_free(o.key);
		assert_non_null(claims);
		assert_string_equal(pid.issuer, "KG");
		char got[256] = "";
		for (int k = 0; k < v.n; k++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s ", kp_why_code(v.why[k]));
		if (strcmp(got, rows[i].codes) != 0)
			fail_msg("row %zu: reasons [%s], expected [%s]", i, got, rows[i].codes);
		if (rows[i].first_message) {
			json_t *r = kp_verdict_reasons_json(&v);
			assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "message")),
			                    rows[i].first_message);
			json_decref(r);
		}
		json_decref(claims);
	}
}

/* ---- border-zone permits: the shared table tests/verdict/zone-cases.json ---- */

static json_t *zones;

struct zone_ctx {
	kp_key_t *key;
	json_t *rec; /* the case's record, or NULL */
};

static const kp_key_t *zone_key(void *ctx, const char *issuer, const char *kid, bool *revoked)
{
	struct zone_ctx *z = ctx;
	return jwk_key(json_object_get(zones, "keys"), &z->key, issuer, kid, revoked);
}

static const char *str(json_t *o, const char *name)
{
	return json_string_value(json_object_get(o, name));
}

static bool zone_record(void *ctx, int64_t number, kp_zone_record_t *out)
{
	struct zone_ctx *z = ctx;
	if (z->rec == NULL || number != 42)
		return false;
	*out = (kp_zone_record_t){str(z->rec, "status"),      str(z->rec, "status_reason"),   str(z->rec, "surname"),
	                          str(z->rec, "given_names"), str(z->rec, "passport_number"), 0};
	if (str(z->rec, "valid_until"))
		assert_int_equal(kp_date_parse_dmy(str(z->rec, "valid_until"), &out->valid_until), 0);
	return true;
}

/* Each case as POST /api/v1/zone-permit-checks runs it: what is presented normalised as
 * the API does, the case's record on the server. */
static void shared_zone_cases(void **state)
{
	(void)state;
	json_error_t err;
	zones = json_load_file("tests/verdict/zone-cases.json", 0, &err);
	if (zones == NULL)
		fail_msg("tests/verdict/zone-cases.json: %s (run from the top of the tree)", err.text);
	int offset = (int)json_integer_value(json_object_get(zones, "utc_offset_minutes"));
	const char *self = str(json_object_get(zones, "keys"), "self");
	assert_true(json_array_size(json_object_get(zones, "cases")) >= 20);
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(zones, "cases"), i, c) {
		json_t *in = json_object_get(c, "presented"), *now = json_object_get(c, "now") ?: json_object_get(zones, "now");
		char pp[64], sn[64];
		assert_null(kp_zone_passport_normalise(str(in, "passport"), pp, 21));
		const char *surname = str(in, "surname");
		if (surname && *surname)
			assert_null(kp_zone_name_normalise(surname, sn, 61));
		kp_zone_presented_t p = {pp, surname && *surname ? sn : NULL,
		                         (int)json_integer_value(json_object_get(in, "zone"))};
		const char *rec = str(c, "record");
		struct zone_ctx z = {NULL, rec ? json_object_get(json_object_get(zones, "records"), rec) : NULL};
		kp_zone_verifier_t vf = {&z, self, kp_local_day(json_integer_value(now), offset), zone_key, zone_record};
		kp_verdict_t v = {0};
		int64_t number = 0;
		json_t *claims = kp_verdict_zone(str(c, "qr"), &vf, &p, &v, &number);
		char got[256] = "", exp[256] = "";
		for (int k = 0; k < v.n; k++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s ", kp_why_code(v.why[k]));
		size_t j;
		json_t *w;
		json_array_foreach(json_object_get(c, "expect"), j, w)
			snprintf(exp + strlen(exp), sizeof(exp) - strlen(exp), "%s ", json_string_value(w));
		if (strcmp(got, exp) != 0)
			fail_msg("zone case \"%s\": reasons [%s], expected [%s]", str(c, "name"), got, exp);
		json_decref(claims);
		kp_key_free(z.key);
	}
	json_decref(zones);
}

/* Every reason has a code in capitals and a sentence; out of range is NULL. */
static void reason_table(void **state)
{
	(void)state;
	for (int i = 0; i < KP_WHY_COUNT; i++) {
		const char *code = kp_why_code((enum kp_why)i), *message = kp_why_message((enum kp_why)i);
		assert_non_null(code);
		assert_non_null(message);
		for (const char *p = code; *p; p++)
			assert_true((*p >= 'A' && *p <= 'Z') || *p == '_');
		assert_true(strlen(message) > 10);
	}
	assert_null(kp_why_code(KP_WHY_COUNT));
	assert_null(kp_why_message((enum kp_why) - 1));
	assert_int_equal(kp_verdict_signature_why(KP_JWS_EKID, true), KP_WHY_KEY_REVOKED);
	assert_int_equal(kp_verdict_signature_why(KP_JWS_EKID, false), KP_WHY_UNKNOWN_KEY);
	assert_int_equal(kp_verdict_signature_why(KP_JWS_EBASE64, false), KP_WHY_JWS_MALFORMED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(shared_freight_cases),
	    cmocka_unit_test(online_record_checks),
	    cmocka_unit_test(shared_zone_cases),
	    cmocka_unit_test(reason_table),
	};
	return cmocka_run_group_tests(tests, load_table, free_table);
}
