/* test_permit.c: the freight-permit rules of src/domain/permit.c, as tables: permit ids
 * (format and parse), plates, VINs and vehicle kinds, the application checks alone and
 * together (in their order), expiry at the authority's UTC offset, and the ENTRANCE /
 * EXIT rules at the border. */
#include "kp_test.h"

#include "core/util.h"
#include "domain/dates.h"
#include "domain/permit.h"

/* ---- permit types ---- */

static void type_names(void **state)
{
	(void)state;
	static const char *const want[] =
	    {NULL,          "BILATERAL",        "TRANSIT",     "THIRDCOUNTRY", "BILATERAL_FEE",
	     "TRANSIT_FEE", "THIRDCOUNTRY_FEE", "MULTILATERAL"};
	for (int code = 0; code <= KP_PERMIT_TYPE_MAX; code++) {
		const char *got = kp_permit_type_name(code);
		if (want[code] == NULL)
			assert_null(got);
		else
			assert_string_equal(got, want[code]);
	}
	assert_null(kp_permit_type_name(-1));
	assert_null(kp_permit_type_name(KP_PERMIT_TYPE_MAX + 1));
	assert_null(kp_permit_type_name(100));
}

/* ---- permit ids ---- */

static void id_format(void **state)
{
	(void)state;
	static const struct {
		kp_permit_id_t id;
		const char *want;
	} rows[] = {
	    {{"KG", "UZ", 2026, 1, 1}, "KG-UZ-2026-1-1"},
	    {{"TR", "UZ", 2021, 1, 1}, "TR-UZ-2021-1-1"},
	    {{"KG", "TC", 2026, 7, 200}, "KG-TC-2026-7-200"},
	    {{"KG", "CN", 2026, 3, 999999999999999LL}, "KG-CN-2026-3-999999999999999"},
	    {{"KG", "KZ", 999, 2, 5}, "KG-KZ-0999-2-5"}, /* the year is always four digits */
	    {{"KG", "TRACECA", 2026, 7, 12}, "KG-TRACECA-2026-7-12"},
	    {{"BSEC", "TR", 2027, 1, 3}, "BSEC-TR-2027-1-3"},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		char out[KP_PERMIT_ID_MAX];
		kp_permit_id_format(&rows[i].id, out);
		assert_string_equal(out, rows[i].want);
	}
}

static void id_parse(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		bool ok;
		const char *issuer, *verifier;
		int year, type;
		long long serial;
	} rows[] = {
	    {"KG-UZ-2026-1-1", true, "KG", "UZ", 2026, 1, 1},
	    {"TR-UZ-2021-1-1", true, "TR", "UZ", 2021, 1, 1},
	    {"KG-TC-2026-7-200", true, "KG", "TC", 2026, 7, 200},
	    {"KG-CN-2026-6-123456", true, "KG", "CN", 2026, 6, 123456},
	    {"KG-CN-2026-3-999999999999999", true, "KG", "CN", 2026, 3, 999999999999999LL}, /* 15 digits */
	    /* organisations as authorities: the reference's [A-Z]+ (R/commons/Constants) */
	    {"KG-TRACECA-2026-7-12", true, "KG", "TRACECA", 2026, 7, 12},
	    {"BSEC-TR-2027-1-3", true, "BSEC", "TR", 2027, 1, 3},
	    {"KGZ-UZ-2026-1-1", true, "KGZ", "UZ", 2026, 1, 1},
	    {"KG-ABCDEFGHIJKLMNOP-2026-7-1", true, "KG", "ABCDEFGHIJKLMNOP", 2026, 7, 1}, /* 16 letters */
	    {"KG-ABCDEFGHIJKLMNOPQ-2026-7-1", false, NULL, NULL, 0, 0, 0},                /* 17 */
	    {"KG-UZ-2026-1-01", false, NULL, NULL, 0, 0, 0}, /* ids are canonical: no leading zero */
	    /* type outside 1-7 */
	    {"KG-UZ-2026-0-1", false, NULL, NULL, 0, 0, 0},
	    {"KG-UZ-2026-8-1", false, NULL, NULL, 0, 0, 0},
	    {"KG-UZ-2026-9-1", false, NULL, NULL, 0, 0, 0},
	    {"KG-UZ-2026-A-1", false, NULL, NULL, 0, 0, 0},
	    {"KG-UZ-2026-11-1", false, NULL, NULL, 0, 0, 0},
	    /* lower case */
	    {"kg-uz-2026-1-1", false, NULL, NULL, 0, 0, 0},
	    {"Kg-UZ-2026-1-1", false, NULL, NULL, 0, 0, 0},
	    {"KG-uZ-2026-1-1", false, NULL, NULL, 0, 0, 0},
	    /* too short, missing parts */
	    {"KG-UZ-2026-1-", false, NULL, NULL, 0, 0, 0},
	    {"KG-UZ-2026-1", false, NULL, NULL, 0, 0, 0},
	    {"KG-UZ-26-1-1", false, NULL, NULL, 0, 0, 0},
	    {"K-UZ-2026-1-1", false, NULL, NULL, 0, 0, 0},
	    {"", false, NULL, NULL, 0, 0, 0},
	    {NULL, false, NULL, NULL, 0, 0, 0},
	    /* huge serials: 16 digits and more */
	    {"KG-CN-2026-3-1000000000000000", false, NULL, NULL, 0, 0, 0},
	    {"KG-CN-2026-3-99999999999999999999", false, NULL, NULL, 0, 0, 0},
	    /* serial 0 */
	    {"KG-UZ-2026-1-0", false, NULL, NULL, 0, 0, 0},
	    {"KG-UZ-2026-1-000", false, NULL, NULL, 0, 0, 0},
	    /* other junk */
	    {"KG-UZ-2026-1--1", false, NULL, NULL, 0, 0, 0},
	    {"KG-UZ-2026-1-+1", false, NULL, NULL, 0, 0, 0},
	    {"KG-UZ-2026-1-1 ", false, NULL, NULL, 0, 0, 0},
	    {" KG-UZ-2026-1-1", false, NULL, NULL, 0, 0, 0},
	    {"KG-UZ-2026-1-1x", false, NULL, NULL, 0, 0, 0},
	    {"KG_UZ_2026_1_1", false, NULL, NULL, 0, 0, 0},
	    {"KG-UZ-20X6-1-1", false, NULL, NULL, 0, 0, 0},
	    {"KG-UZ-2026 1-1", false, NULL, NULL, 0, 0, 0},
	    {"\xd0\x9a\xd0\x93-UZ-2026-1-1", false, NULL, NULL, 0, 0, 0}, /* Cyrillic КГ */
	    {"12-UZ-2026-1-1", false, NULL, NULL, 0, 0, 0},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		kp_permit_id_t id;
		memset(&id, 0, sizeof(id));
		int rc = kp_permit_id_parse(rows[i].in, &id);
		const char *in = rows[i].in ? rows[i].in : "(null)";
		if (!rows[i].ok) {
			if (rc == 0)
				fail_msg("kp_permit_id_parse(\"%s\") accepted it", in);
			continue;
		}
		if (rc != 0)
			fail_msg("kp_permit_id_parse(\"%s\") refused it", in);
		assert_string_equal(id.issuer, rows[i].issuer);
		assert_string_equal(id.verifier, rows[i].verifier);
		assert_int_equal(id.year, rows[i].year);
		assert_int_equal(id.type, rows[i].type);
		assert_int_equal(id.serial, rows[i].serial);
		/* and the canonical text comes back */
		char out[KP_PERMIT_ID_MAX];
		kp_permit_id_format(&id, out);
		assert_string_equal(out, rows[i].in);
	}
}

/* ---- plates, VINs, kinds ---- */

static void plates(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *want;    /* normalised, when accepted */
		const char *refusal; /* part of the refusal otherwise */
	} rows[] = {
	    {"01KG123ABC", "01KG123ABC", NULL},
	    {"01 KG 123 ABC", "01KG123ABC", NULL},
	    {"01-kg-123-abc", "01KG123ABC", NULL},
	    {" 01 kg 123abc ", "01KG123ABC", NULL},
	    {"ABCD", "ABCD", NULL},                 /* 4: the shortest */
	    {"A1B2C3D4E5F6", "A1B2C3D4E5F6", NULL}, /* 12: the longest */
	    {"A-B-C-D", "ABCD", NULL},
	    {"ABC", NULL, "4 to 12"},
	    {"A B C", NULL, "4 to 12"},
	    {"A1B2C3D4E5F6G", NULL, "4 to 12"},     /* 13 */
	    {"A1B2C3D4E5F6G7H8", NULL, "too long"}, /* 16: does not fit the buffer */
	    {"", NULL, "4 to 12"},
	    {"   ", NULL, "4 to 12"},
	    {"- - -", NULL, "4 to 12"},
	    {NULL, NULL, "4 to 12"},
	    {"01KG_123", NULL, "latin letters"},
	    {"01KG.123", NULL, "latin letters"},
	    {"01KG\t123", NULL, "latin letters"},
	    {"01\xd0\x9a\xd0\x93"
	     "123",
	     NULL, "latin letters"}, /* Cyrillic КГ */
	    {"01KG123\xc3\x84", NULL, "latin letters"},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		char out[16] = "untouched";
		const char *why = kp_plate_normalise(rows[i].in, out, sizeof(out));
		const char *in = rows[i].in ? rows[i].in : "(null)";
		if (rows[i].want) {
			if (why)
				fail_msg("plate \"%s\" refused: %s", in, why);
			assert_string_equal(out, rows[i].want);
		} else if (why == NULL || strstr(why, rows[i].refusal) == NULL) {
			fail_msg("plate \"%s\": said \"%s\", want a refusal saying \"%s\"", in, why ? why : "(accepted)",
			         rows[i].refusal);
		}
	}
	/* a small buffer is never overrun */
	char small[6];
	memset(small, 'x', sizeof(small));
	assert_non_null(kp_plate_normalise("01KG123ABC", small, sizeof(small)));
	assert_null(kp_plate_normalise("01KG1", small, sizeof(small)));
	assert_string_equal(small, "01KG1");
}

static void vins(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *refusal; /* NULL: accepted */
	} rows[] = {
	    {"XTC65115R71234567", NULL},
	    {"WDB9634031L738291", NULL},
	    {"1HGCM82633A004352", NULL},
	    {"00000000000000000", NULL},
	    {"ZZZZZZZZZZZZZZZZZ", NULL},
	    {"XTC65115R7123456", "17"},   /* 16 */
	    {"XTC65115R712345678", "17"}, /* 18 */
	    {"", "17"},
	    {NULL, "17"},
	    {"xtc65115r71234567", "upper-case"},
	    {"XTC65115R7123456-", "upper-case"},
	    {"XTC65115R7123456 ", "upper-case"},
	    {"XTC65115R7123456\xc3\x84", "17"}, /* 18 bytes */
	    {"XTC65115R712345\xc3\x84", "upper-case"},
	    {"XTC65115R7123456I", "I, O or Q"},
	    {"OTC65115R71234567", "I, O or Q"},
	    {"XTC65115Q71234567", "I, O or Q"},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		const char *why = kp_check_vin(rows[i].in);
		const char *in = rows[i].in ? rows[i].in : "(null)";
		if (rows[i].refusal == NULL && why)
			fail_msg("VIN \"%s\" refused: %s", in, why);
		if (rows[i].refusal && (why == NULL || strstr(why, rows[i].refusal) == NULL))
			fail_msg("VIN \"%s\": said \"%s\", want a refusal saying \"%s\"", in, why ? why : "(accepted)",
			         rows[i].refusal);
	}
}

static void kinds(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		bool ok;
	} rows[] = {
	    {"tractor", true}, {"truck", true}, {"trailer", true}, {"bus", true},     {"Truck", false},  {"TRUCK", false},
	    {"van", false},    {"", false},     {NULL, false},     {"truck ", false}, {"trucks", false}, {"tru", false},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		const char *why = kp_check_vehicle_kind(rows[i].in);
		if ((why == NULL) != rows[i].ok)
			fail_msg("kind \"%s\": %s", rows[i].in ? rows[i].in : "(null)", why ? why : "accepted");
	}
}

/* ---- the application checks ---- */

static const kp_permit_type_t bilateral = {.code = 1,
                                           .name = "BILATERAL",
                                           .valid_until_month = 1,
                                           .valid_until_day = 31,
                                           .min_euro_class = 3,
                                           .holding_limit = 5,
                                           .review = "never",
                                           .entries_per_country = 1};
static const kp_permit_type_t multilateral = {.code = 7,
                                              .name = "MULTILATERAL",
                                              .valid_until_month = 1,
                                              .valid_until_day = 31,
                                              .min_euro_class = 4,
                                              .holding_limit = 2,
                                              .review = "never",
                                              .entries_per_country = 2,
                                              .multilateral = true};

struct app_world {
	kp_vehicle_t vehicle;
	kp_application_facts_t facts;
};

/* Facts of an application that passes every check. */
static void good_world(struct app_world *w)
{
	memset(w, 0, sizeof(*w));
	w->vehicle = (kp_vehicle_t){.id = 11,
	                            .org_id = 4,
	                            .plate = "01KG123ABC",
	                            .vin = "XTC65115R71234567",
	                            .kind = "tractor",
	                            .status = "active",
	                            .euro_class = 5};
	w->facts = (kp_application_facts_t){.carrier_status = "active",
	                                    .carrier_licence = "KG-AT-2024-0417",
	                                    .carrier_org_id = 4,
	                                    .vehicle = &w->vehicle,
	                                    .type = &bilateral,
	                                    .unused_held = 0,
	                                    .duplicate = false,
	                                    .quota_left = 100};
}

typedef void (*mutate_fn)(struct app_world *w);

static void m_none(struct app_world *w)
{
	(void)w;
}
static void m_suspended(struct app_world *w)
{
	w->facts.carrier_status = "suspended";
}
static void m_status_null(struct app_world *w)
{
	w->facts.carrier_status = NULL;
}
static void m_no_licence(struct app_world *w)
{
	w->facts.carrier_licence = NULL;
}
static void m_empty_licence(struct app_world *w)
{
	w->facts.carrier_licence = "";
}
static void m_no_vehicle(struct app_world *w)
{
	w->facts.vehicle = NULL;
}
static void m_other_org(struct app_world *w)
{
	w->vehicle.org_id = 5;
}
/* not owned and everything else wrong with the vehicle: only VEHICLE_NOT_OWNED counts */
static void m_other_org_bad(struct app_world *w)
{
	w->vehicle.org_id = 5;
	w->vehicle.status = "retired";
	w->vehicle.kind = "bus";
	w->vehicle.euro_class = 0;
}
static void m_retired(struct app_world *w)
{
	w->vehicle.status = "retired";
}
static void m_trailer(struct app_world *w)
{
	w->vehicle.kind = "trailer";
}
static void m_bus(struct app_world *w)
{
	w->vehicle.kind = "bus";
}
static void m_truck(struct app_world *w)
{
	w->vehicle.kind = "truck";
}
static void m_euro_below(struct app_world *w)
{
	w->vehicle.euro_class = 2;
}
static void m_euro_equal(struct app_world *w)
{
	w->vehicle.euro_class = 3;
}
static void m_euro_multilateral(struct app_world *w)
{
	w->facts.type = &multilateral; /* needs Euro 4 */
	w->facts.partner_organisation = w->facts.self_member = true;
	w->vehicle.euro_class = 3;
}
static void m_multilateral_for_country(struct app_world *w)
{
	w->facts.type = &multilateral;
}
static void m_bilateral_for_organisation(struct app_world *w)
{
	w->facts.partner_organisation = true;
}
static void m_not_a_member(struct app_world *w)
{
	w->facts.type = &multilateral;
	w->facts.partner_organisation = true;
}
static void m_member(struct app_world *w)
{
	m_not_a_member(w);
	w->facts.self_member = true;
}
static void m_held_at_limit(struct app_world *w)
{
	w->facts.unused_held = 5;
}
static void m_held_below(struct app_world *w)
{
	w->facts.unused_held = 4;
}
static void m_held_multilateral(struct app_world *w)
{
	w->facts.type = &multilateral;
	w->facts.partner_organisation = w->facts.self_member = true;
	w->facts.unused_held = 2;
}
static void m_duplicate(struct app_world *w)
{
	w->facts.duplicate = true;
}
static void m_quota_zero(struct app_world *w)
{
	w->facts.quota_left = 0;
}
static void m_quota_negative(struct app_world *w)
{
	w->facts.quota_left = -3;
}
static void m_quota_one(struct app_world *w)
{
	w->facts.quota_left = 1;
}
/* without a type the checks that need one are skipped */
static void m_no_type(struct app_world *w)
{
	w->facts.type = NULL;
	w->vehicle.euro_class = 0;
	w->facts.unused_held = 1000;
}
static void m_everything(struct app_world *w)
{
	w->facts.carrier_status = "suspended";
	w->facts.carrier_licence = "";
	w->vehicle.status = "retired";
	w->vehicle.kind = "trailer";
	w->vehicle.euro_class = 0;
	w->facts.unused_held = 99;
	w->facts.duplicate = true;
	w->facts.quota_left = 0;
}
static void m_some(struct app_world *w)
{
	w->facts.carrier_licence = NULL;
	w->vehicle.kind = "bus";
	w->facts.quota_left = 0;
}
static void m_not_owned_and_rest(struct app_world *w)
{
	w->facts.carrier_status = "suspended";
	w->facts.vehicle = NULL;
	w->facts.duplicate = true;
	w->facts.unused_held = 5;
}

static void decide(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		mutate_fn mutate;
		const char *want; /* failed codes in order, space-separated; "" for none */
	} rows[] = {
	    {"all good", m_none, ""},
	    {"carrier suspended", m_suspended, "CARRIER_SUSPENDED"},
	    {"carrier status unknown", m_status_null, "CARRIER_SUSPENDED"},
	    {"no licence", m_no_licence, "CARRIER_NO_LICENCE"},
	    {"empty licence", m_empty_licence, "CARRIER_NO_LICENCE"},
	    {"no such vehicle", m_no_vehicle, "VEHICLE_NOT_OWNED"},
	    {"another carrier's vehicle", m_other_org, "VEHICLE_NOT_OWNED"},
	    {"another carrier's bad vehicle", m_other_org_bad, "VEHICLE_NOT_OWNED"},
	    {"retired", m_retired, "VEHICLE_RETIRED"},
	    {"trailer", m_trailer, "VEHICLE_KIND"},
	    {"bus", m_bus, "VEHICLE_KIND"},
	    {"truck", m_truck, ""},
	    {"Euro class below", m_euro_below, "VEHICLE_EMISSION_CLASS"},
	    {"Euro class equal", m_euro_equal, ""},
	    {"Euro class below the multilateral's", m_euro_multilateral, "VEHICLE_EMISSION_CLASS"},
	    {"a multilateral permit for a country", m_multilateral_for_country, "TYPE_NOT_FOR_PARTNER"},
	    {"a bilateral permit for an organisation", m_bilateral_for_organisation, "TYPE_NOT_FOR_PARTNER"},
	    {"a multilateral permit, our country no member", m_not_a_member, "NOT_A_MEMBER"},
	    {"a multilateral permit, our country a member", m_member, ""},
	    {"holding limit reached", m_held_at_limit, "HOLDING_LIMIT"},
	    {"one below the holding limit", m_held_below, ""},
	    {"multilateral holding limit", m_held_multilateral, "HOLDING_LIMIT"},
	    {"duplicate", m_duplicate, "DUPLICATE_PERMIT"},
	    {"quota spent", m_quota_zero, "INSUFFICIENT_PERMIT_QUOTA"},
	    {"quota negative", m_quota_negative, "INSUFFICIENT_PERMIT_QUOTA"},
	    {"one left in the quota", m_quota_one, ""},
	    {"no type", m_no_type, ""},
	    {"everything", m_everything,
	     "CARRIER_SUSPENDED CARRIER_NO_LICENCE VEHICLE_RETIRED VEHICLE_KIND VEHICLE_EMISSION_CLASS HOLDING_LIMIT"
	     " DUPLICATE_PERMIT INSUFFICIENT_PERMIT_QUOTA"},
	    {"some", m_some, "CARRIER_NO_LICENCE VEHICLE_KIND INSUFFICIENT_PERMIT_QUOTA"},
	    {"not owned and the rest", m_not_owned_and_rest,
	     "CARRIER_SUSPENDED VEHICLE_NOT_OWNED HOLDING_LIMIT DUPLICATE_PERMIT"},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		struct app_world w;
		good_world(&w);
		rows[i].mutate(&w);
		kp_check_failure_t out[KP_MAX_FAILURES];
		memset(out, 0, sizeof(out));
		int n = kp_permit_decide(&w.facts, out);
		assert_true(n >= 0 && n <= KP_MAX_FAILURES);
		char got[512] = "";
		for (int k = 0; k < n; k++) {
			assert_non_null(out[k].code);
			assert_non_null(out[k].message);
			assert_true(strlen(out[k].message) > 5);
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", k ? " " : "", out[k].code);
		}
		if (strcmp(got, rows[i].want) != 0)
			fail_msg("%s: failed [%s], want [%s]", rows[i].name, got, rows[i].want);
	}
}

/* ---- expiry ---- */

static void expiry(void **state)
{
	(void)state;
	static const struct {
		int month, day, year, offset;
		int64_t want; /* epoch seconds */
		const char *what;
	} rows[] = {
	    {1, 31, 2026, 360, 1801418399, "2027-01-31T17:59:59Z: 31 January next year, end of day at UTC+6"},
	    {1, 31, 2026, 0, 1801439999, "2027-01-31T23:59:59Z at UTC"},
	    {1, 31, 2026, -300, 1801457999, "2027-02-01T04:59:59Z at UTC-5"},
	    {1, 31, 2026, 840, 1801389599, "2027-01-31T09:59:59Z at UTC+14"},
	    {2, 29, 2023, 360, 1709229599, "2024-02-29T17:59:59Z: 29 February in a leap year"},
	    {2, 29, 2024, 360, 1740765599, "2025-02-28T17:59:59Z: 29 February in a common year is the 28th"},
	    {2, 29, 2099, 360, 4107520799, "2100-02-28T17:59:59Z: 2100 is not a leap year"},
	    {2, 29, 1999, 360, 951847199, "2000-02-29T17:59:59Z: 2000 is a leap year"},
	    {2, 31, 2023, 360, 1709229599, "2024-02-29T17:59:59Z: 31 February is the month's last day"},
	    {4, 31, 2026, 360, 1809107999, "2027-04-30T17:59:59Z: 31 April is the 30th"},
	    {1, 31, 2199, 360, 7260775199, "2200-01-31T17:59:59Z"},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		kp_permit_type_t t = bilateral;
		t.valid_until_month = rows[i].month;
		t.valid_until_day = rows[i].day;
		int64_t got = kp_permit_expiry(&t, rows[i].year, rows[i].offset);
		if (got != rows[i].want) {
			char g[32];
			kp_iso8601(got, g, sizeof(g));
			fail_msg("expiry of %02d-%02d for %d at %+d min is %s, want %s", rows[i].month, rows[i].day, rows[i].year,
			         rows[i].offset, g, rows[i].what);
		}
		/* the last second of a local day: the next second is the next day there */
		assert_int_equal(kp_local_day(got + 1, rows[i].offset), kp_local_day(got, rows[i].offset) + 1);
	}
}

/* The API accepts permit years up to 2200, but kp_date_valid only knows 1900-2200, so
 * every day of 2201 looks invalid and kp_permit_expiry walks 31 January back to 28. */
static void expiry_of_year_2200(void **state)
{
	(void)state;
	int64_t got = kp_permit_expiry(&bilateral, 2200, 360);
	char g[32];
	kp_iso8601(got, g, sizeof(g));
	assert_string_equal(g, "2201-01-31T17:59:59Z");
}

/* ---- activities at the border ---- */

struct step {
	const char *type, *country;
	const char *want; /* NULL: allowed, else the code refusing it */
	bool used_up;     /* after it, when allowed */
};

#define MAX_STEPS 12
static const struct {
	const char *name;
	const kp_permit_type_t *type;
	int entries; /* override entries_per_country when > -1 */
	struct step steps[MAX_STEPS];
} scenarios[] = {
    {"bilateral trip",
     &bilateral,
     -1,
     {{"ENTRANCE", "UZ", NULL, false},
      {"EXIT", "UZ", NULL, true},
      {"ENTRANCE", "UZ", "PERMIT_USED", false},
      {"EXIT", "UZ", "NOT_ENTERED", false}}},
    {"exit first", &bilateral, -1, {{"EXIT", "UZ", "NOT_ENTERED", false}, {"ENTRANCE", "UZ", NULL, false}}},
    {"entered twice",
     &bilateral,
     -1,
     {{"ENTRANCE", "UZ", NULL, false}, {"ENTRANCE", "UZ", "ALREADY_ENTERED", false}, {"EXIT", "UZ", NULL, true}}},
    {"left twice",
     &bilateral,
     -1,
     {{"ENTRANCE", "UZ", NULL, false}, {"EXIT", "UZ", NULL, true}, {"EXIT", "UZ", "NOT_ENTERED", false}}},
    {"countries counted apart",
     &bilateral,
     -1,
     {{"ENTRANCE", "KG", NULL, false},
      {"ENTRANCE", "UZ", NULL, false},
      {"EXIT", "KG", NULL, true},
      {"ENTRANCE", "KG", "PERMIT_USED", false},
      {"ENTRANCE", "UZ", "ALREADY_ENTERED", false},
      {"EXIT", "UZ", NULL, true}}},
    {"multilateral: two entries per country, never used up",
     &multilateral,
     -1,
     {{"ENTRANCE", "AZ", NULL, false},
      {"EXIT", "AZ", NULL, false},
      {"ENTRANCE", "AZ", NULL, false},
      {"ENTRANCE", "AZ", "ALREADY_ENTERED", false},
      {"EXIT", "AZ", NULL, false},
      {"ENTRANCE", "AZ", "PERMIT_USED", false},
      {"EXIT", "AZ", "NOT_ENTERED", false},
      {"ENTRANCE", "GE", NULL, false},
      {"EXIT", "GE", NULL, false},
      {"ENTRANCE", "GE", NULL, false},
      {"EXIT", "GE", NULL, false},
      {"ENTRANCE", "GE", "PERMIT_USED", false}}},
    {"multilateral round trip from KG: two member countries, used up back home",
     &multilateral,
     -1,
     {{"ENTRANCE", "KG", "NOT_ENTERED", false},
      {"EXIT", "KG", NULL, false},
      {"EXIT", "KG", "ALREADY_EXITED", false},
      {"ENTRANCE", "GE", NULL, false},
      {"EXIT", "GE", NULL, false},
      {"ENTRANCE", "TR", NULL, false},
      {"EXIT", "TR", NULL, false},
      {"ENTRANCE", "GE", NULL, false},
      {"EXIT", "GE", NULL, false},
      {"ENTRANCE", "GE", "PERMIT_USED", false},
      {"ENTRANCE", "KG", NULL, true}}},
    {"bilateral with two entries: used up after the second exit",
     &bilateral,
     2,
     {{"ENTRANCE", "UZ", NULL, false},
      {"EXIT", "UZ", NULL, false},
      {"ENTRANCE", "UZ", NULL, false},
      {"EXIT", "UZ", NULL, true},
      {"ENTRANCE", "UZ", "PERMIT_USED", false}}},
    {"entries_per_country 0 counts as 1",
     &bilateral,
     0,
     {{"ENTRANCE", "UZ", NULL, false}, {"EXIT", "UZ", NULL, true}, {"ENTRANCE", "UZ", "PERMIT_USED", false}}},
    {"ALREADY_ENTERED before PERMIT_USED",
     &bilateral,
     -1,
     {{"ENTRANCE", "UZ", NULL, false}, {"ENTRANCE", "UZ", "ALREADY_ENTERED", false}}},
};

static void activities(void **state)
{
	(void)state;
	for (size_t s = 0; s < KP_ROWS(scenarios); s++) {
		kp_permit_type_t type = *scenarios[s].type;
		if (scenarios[s].entries > -1)
			type.entries_per_country = scenarios[s].entries;
		kp_activity_t done[MAX_STEPS];
		int n = 0;
		for (int k = 0; k < MAX_STEPS && scenarios[s].steps[k].type; k++) {
			const struct step *st = &scenarios[s].steps[k];
			kp_activity_t next = {st->type, st->country, 1800000000 + k * 3600};
			bool used_up = true;
			const char *why = kp_permit_activity_check(&type, "KG", done, n, &next, &used_up);
			if ((why == NULL) != (st->want == NULL) || (why && strcmp(why, st->want) != 0))
				fail_msg("%s, step %d (%s %s): got %s, want %s", scenarios[s].name, k + 1, st->type, st->country,
				         why ? why : "allowed", st->want ? st->want : "allowed");
			if (why == NULL) {
				if (used_up != st->used_up)
					fail_msg("%s, step %d (%s %s): used_up %d, want %d", scenarios[s].name, k + 1, st->type,
					         st->country, used_up, st->used_up);
				done[n++] = next; /* only what was allowed is recorded */
			}
		}
	}
}

/* ---- the trip's ends by permit type (issuer KG, verifier UZ) ---- */

static void trip_ends(void **state)
{
	(void)state;
	static const struct {
		int type;
		const char *dep, *arr;
		bool ok;
	} cases[] = {
	    {1, "KG", "UZ", true},  {1, "UZ", "KG", true},  {4, "KG", "UZ", true},  {1, "KG", "KZ", false},
	    {1, "TR", "UZ", false}, {1, "KG", "KG", false}, {2, "KG", "TR", true},  {2, "TR", "KG", true},
	    {5, "KZ", "TR", true},  {2, "KG", "UZ", false}, {2, "UZ", "TR", false}, {3, "UZ", "TR", true},
	    {3, "TR", "UZ", true},  {6, "UZ", "KZ", true},  {3, "KG", "UZ", false}, {3, "UZ", "KG", false},
	    {3, "TR", "KZ", false}, {7, "KG", "GE", true},  {7, "AZ", "TR", true},  {7, "GE", "GE", false},
	};
	for (size_t i = 0; i < KP_ROWS(cases); i++) {
		const char *why = kp_permit_trip_check(cases[i].type, "KG", "UZ", cases[i].dep, cases[i].arr, NULL);
		if ((why == NULL) != cases[i].ok)
			fail_msg("type %d %s->%s: got %s, want %s", cases[i].type, cases[i].dep, cases[i].arr,
			         why ? why : "allowed", cases[i].ok ? "allowed" : "refused");
	}
}

/* Each refusal of a trip or of a permit's own expiry day comes with its stable code. */
static void refusal_codes(void **state)
{
	(void)state;
	const char *code = NULL;
	assert_non_null(kp_permit_trip_check(1, "KG", "UZ", "KG", "KZ", &code));
	assert_string_equal(code, "trip_bilateral");
	assert_non_null(kp_permit_trip_check(2, "KG", "UZ", "KG", "UZ", &code));
	assert_string_equal(code, "trip_transit");
	assert_non_null(kp_permit_trip_check(3, "KG", "UZ", "KG", "UZ", &code));
	assert_string_equal(code, "trip_third_country");
	assert_non_null(kp_permit_trip_check(7, "KG", "UZ", "GE", "GE", &code));
	assert_string_equal(code, "trip_same_country");
	code = NULL;
	assert_null(kp_permit_trip_check(1, "KG", "UZ", "KG", "UZ", &code));
	assert_null(code);
	int64_t today = kp_days_from_civil(2026, 12, 6);
	assert_non_null(kp_permit_expiry_check(2026, today - 1, today, &code));
	assert_string_equal(code, "expiry_past");
	assert_non_null(kp_permit_expiry_check(2027, today, today, &code));
	assert_string_equal(code, "expiry_before_year");
	assert_non_null(kp_permit_expiry_check(2026, kp_days_from_civil(2028, 1, 1), today, &code));
	assert_string_equal(code, "expiry_too_late");
	assert_null(kp_permit_expiry_check(2026, kp_days_from_civil(2027, 12, 31), today, NULL));
}

/* The status table and what each status allows. */
static void status_rules(void **state)
{
	(void)state;
	static const struct {
		const char *status;
		int parsed;
		const char *withdraw, *activity;
		bool withdrawn;
		const char *act;
	} rows[] = {
	    {"issued", KP_PERMIT_ISSUED, NULL, NULL, false, NULL},
	    {"used", KP_PERMIT_USED, "PERMIT_USED", NULL, false, NULL},
	    {"revoked", KP_PERMIT_REVOKED, "revoked", "PERMIT_REVOKED", true, "permit.revoke"},
	    {"returned", KP_PERMIT_RETURNED, "returned", "PERMIT_RETURNED", true, "permit.return"},
	    {"Issued", -1, "Issued", NULL, false, NULL},
	    {"", -1, "", NULL, false, NULL},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		assert_int_equal(kp_permit_status_parse(rows[i].status), rows[i].parsed);
		const char *w = kp_permit_withdraw_refusal(rows[i].status), *a = kp_permit_activity_refusal(rows[i].status);
		if (rows[i].withdraw)
			assert_string_equal(w, rows[i].withdraw);
		else
			assert_null(w);
		if (rows[i].activity)
			assert_string_equal(a, rows[i].activity);
		else
			assert_null(a);
		assert_int_equal(kp_permit_withdrawn(rows[i].status), rows[i].withdrawn);
		if (rows[i].act)
			assert_string_equal(kp_permit_withdrawal_act(rows[i].status), rows[i].act);
		else
			assert_null(kp_permit_withdrawal_act(rows[i].status));
		if (rows[i].parsed >= 0)
			assert_string_equal(kp_permit_status_name((enum kp_permit_status)rows[i].parsed), rows[i].status);
		/* the store's SQL lists name exactly the withdrawn states and the others */
		char quoted[32];
		snprintf(quoted, sizeof(quoted), "'%s'", rows[i].status);
		assert_int_equal(strstr(KP_PERMIT_WITHDRAWN_SQL, quoted) != NULL, rows[i].withdrawn);
		assert_int_equal(strstr(KP_PERMIT_LIVE_SQL, quoted) != NULL, rows[i].parsed >= 0 && a == NULL);
	}
	assert_int_equal(kp_permit_status_parse(NULL), -1);
	assert_null(kp_permit_status_name(KP_PERMIT_STATUS_COUNT));
	/* shown: only an issued permit past its expiry reads "expired" */
	assert_string_equal(kp_permit_status_shown("issued", 99, 100), "expired");
	assert_string_equal(kp_permit_status_shown("issued", 100, 100), "issued");
	assert_string_equal(kp_permit_status_shown("used", 99, 100), "used");
	assert_string_equal(kp_permit_status_shown("revoked", 99, 100), "revoked");
}

/* The review policy (who decides, at once or after the ministry's review) and the
 * application's states, every policy against a first and a later permit of the type. */
static void review_policy(void **state)
{
	(void)state;
	static const struct {
		const char *policy;
		int parsed;
		bool history, first, later;
	} rows[] = {
	    {"never", KP_REVIEW_NEVER, false, false, false},
	    {"always", KP_REVIEW_ALWAYS, false, true, true},
	    {"first_permit", KP_REVIEW_FIRST_PERMIT, true, true, false},
	    {"sometimes", -1, false, true, true}, /* unknown (the database refuses it): held */
	    {NULL, -1, false, true, true},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(kp_review_policy_parse(rows[i].policy), rows[i].parsed);
		assert_int_equal(kp_review_needs_history(rows[i].policy), rows[i].history);
		assert_int_equal(kp_review_required(rows[i].policy, true), rows[i].first);
		assert_int_equal(kp_review_required(rows[i].policy, false), rows[i].later);
	}
	static const char *const known[] = {"issued", "refused", "pending_review", "rejected"};
	for (size_t i = 0; i < 4; i++) {
		assert_true(kp_permit_app_status_known(known[i]));
		assert_int_equal(kp_permit_app_in_review(known[i]), i == 2);
	}
	assert_false(kp_permit_app_status_known("approved"));
	assert_false(kp_permit_app_status_known(NULL));
	assert_false(kp_permit_app_in_review(NULL));
}

/* A vehicle's statuses, and the carrier check's: every decision from every status. */
static void vehicle_and_carrier_check_states(void **state)
{
	(void)state;
	assert_true(kp_vehicle_status_known(KP_VEHICLE_S_ACTIVE));
	assert_true(kp_vehicle_status_known(KP_VEHICLE_S_RETIRED));
	assert_false(kp_vehicle_status_known("scrapped"));
	assert_false(kp_vehicle_status_known(NULL));
	assert_true(kp_vehicle_in_service(KP_VEHICLE_S_ACTIVE));
	assert_false(kp_vehicle_in_service(KP_VEHICLE_S_RETIRED));
	assert_false(kp_vehicle_in_service(NULL));

	static const char *const checks[] = {KP_CARRIER_CHECK_S_PENDING, KP_CARRIER_CHECK_S_VERIFIED,
	                                     KP_CARRIER_CHECK_S_REJECTED, "approved", NULL};
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		bool known = i < 3;
		assert_int_equal(kp_carrier_check_status_known(checks[i]), known);
		const char *v = kp_carrier_check_next(checks[i], KP_CARRIER_VERIFY);
		const char *r = kp_carrier_check_next(checks[i], KP_CARRIER_REJECT);
		if (known) {
			assert_string_equal(v, KP_CARRIER_CHECK_S_VERIFIED);
			assert_string_equal(r, KP_CARRIER_CHECK_S_REJECTED);
		} else {
			assert_null(v);
			assert_null(r);
		}
	}
	kp_carrier_decision_t d;
	assert_true(kp_carrier_decision_parse(KP_CARRIER_CHECK_S_VERIFIED, &d));
	assert_int_equal(d, KP_CARRIER_VERIFY);
	assert_true(kp_carrier_decision_parse(KP_CARRIER_CHECK_S_REJECTED, &d));
	assert_int_equal(d, KP_CARRIER_REJECT);
	assert_false(kp_carrier_decision_parse(KP_CARRIER_CHECK_S_PENDING, &d));
	assert_false(kp_carrier_decision_parse(NULL, &d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(status_rules),  cmocka_unit_test(vehicle_and_carrier_check_states),
	    cmocka_unit_test(review_policy), cmocka_unit_test(type_names),
	    cmocka_unit_test(id_format),     cmocka_unit_test(id_parse),
	    cmocka_unit_test(plates),        cmocka_unit_test(vins),
	    cmocka_unit_test(kinds),         cmocka_unit_test(decide),
	    cmocka_unit_test(expiry),        cmocka_unit_test(expiry_of_year_2200),
	    cmocka_unit_test(activities),    cmocka_unit_test(trip_ends),
	    cmocka_unit_test(refusal_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
