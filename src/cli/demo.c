/* demo.c: `kapka demo`: demonstration data for a fresh database, so that a newcomer
 * sees a working system at once. Each capability adds a step to the table below. */
#include "app/keyring.h"
#include "domain/number.h"
#include "api/travel.h"
#include "cli/cli.h"
#include "store/agencies.h"
#include "store/checkpoints.h"
#include "store/permits.h"
#include "store/travellers.h"
#include "store/window.h"
#include "domain/dates.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "domain/crossing.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DEMO_PASSWORD "kapka-demo-2026"

struct demo_ctx {
	kp_conn_t *c;
	kp_arena_t *a;
	const char *pw_hash;
	kp_actor_t who;
	const kp_config_t *cfg;
	kp_keyring_t *keys;
	int year;
};

static int add_user(struct demo_ctx *d, int64_t org_id, const char *username, const char *role, const char *name,
                    const char *lang)
{
	kp_user_t u = {.org_id = org_id, .username = username, .role = role, .full_name = name, .language = lang,
	               .pw_hash = d->pw_hash};
	int rc = kp_store_account_create(d->c, &d->who, NULL, &u);
	if (rc == KP_DB_OK)
		printf("  %-10s %-12s password %s\n", role, username, DEMO_PASSWORD);
	return rc;
}

static int add_org(struct demo_ctx *d, kp_org_t *o)
{
	return kp_store_org_create(d->c, &d->who, o);
}

static int demo_accounts(struct demo_ctx *d)
{
	kp_org_t ministry = {.kind = "ministry", .name = "Ministry of Transport and Communications", .address = "Bishkek, 42 Isanov St",
	                     .contact_phone = "+996 312 314 312"};
	kp_org_t border = {.kind = "border_service", .name = "Border Service of the Kyrgyz Republic", .address = "Bishkek"};
	kp_org_t customs = {.kind = "customs", .name = "State Customs Service", .address = "Bishkek"};
	kp_org_t carrier = {.kind = "carrier", .name = "Ala-Too Trans LLC", .inn = "01507201910123",
	                    .address = "Bishkek, 7 Jibek Jolu Ave", .contact_name = "Nurlan Asanov",
	                    .contact_phone = "+996 555 123 456", .contact_email = "office@alatoo-trans.kg",
	                    .licence_number = "KG-AT-2024-0417"};
	if (add_org(d, &ministry) || add_org(d, &border) || add_org(d, &customs) || add_org(d, &carrier))
		return -1;
	if (add_user(d, ministry.id, "ministry", "ministry", "Aida Bekova", "ru") ||
	    add_user(d, ministry.id, "auditor", "auditor", "Timur Osmonov", "ru") ||
	    add_user(d, border.id, "officer", "officer", "Bakyt Usenov", "ky") ||
	    add_user(d, carrier.id, "carrier", "carrier", "Nurlan Asanov", "ru") ||
	    add_user(d, 0, "traveller", "traveller", "Anna Schmidt", "en"))
		return -1;
	return 0;
}

/* Parity quotas with the freight partners for this year (both directions), two trucks
 * for the demo carrier and one permit issued to it. */
static int demo_permits(struct demo_ctx *d)
{
	static const struct {
		const char *partner;
		int type;
		int64_t size;
	} quotas[] = {{"CN", 1, 2000}, {"UZ", 1, 1000}, {"UZ", 2, 300}, {"TR", 1, 500}, {"AZ", 1, 300}, {"KZ", 1, 1500},
	              {"TJ", 1, 400}, {"TRACECA", 7, 200}};
	const char *self = d->cfg->authority_code;
	for (size_t i = 0; i < KP_ARRAY_LEN(quotas); i++) {
		kp_quota_t out = {.issuer = self, .verifier = quotas[i].partner, .year = d->year, .type = quotas[i].type,
		                  .start_number = 1, .end_number = quotas[i].size, .note = "demonstration quota"};
		if (kp_store_quota_create(d->c, &d->who, &out) != KP_DB_OK)
			return -1;
		if (strcmp(quotas[i].partner, "TRACECA") == 0)
			continue; /* the TRACECA secretariat allots the multilateral quota; none flows back */
		kp_quota_t in = {.issuer = quotas[i].partner, .verifier = self, .year = d->year, .type = quotas[i].type,
		                 .start_number = 1, .end_number = quotas[i].size, .note = "demonstration quota"};
		if (kp_store_quota_create(d->c, &d->who, &in) != KP_DB_OK)
			return -1;
	}
	kp_user_t carrier;
	if (kp_store_user_by_name(d->c, d->a, "carrier", &carrier) != KP_DB_OK)
		return -1;
	kp_vehicle_t trucks[] = {
		{.org_id = carrier.org_id, .plate = "01KG123ABC", .vin = "XTC65115R71234567", .kind = "tractor",
		 .euro_class = 5, .make = "KAMAZ", .model = "5490"},
		{.org_id = carrier.org_id, .plate = "01KG456DEF", .vin = "WDB9634031L738291", .kind = "truck",
		 .euro_class = 6, .make = "Mercedes-Benz", .model = "Actros"},
	};
	for (size_t i = 0; i < KP_ARRAY_LEN(trucks); i++)
		if (kp_store_vehicle_create(d->c, &d->who, &trucks[i]) != KP_DB_OK)
			return -1;
	kp_application_t ap = {.verifier = "UZ", .year = d->year, .type = 1, .vehicle_id = trucks[0].id,
	                       .trip = "{\"route\":\"Osh - Dostyk - Andijan\",\"cargo\":\"dried fruit\"}"};
	kp_signer_t signer = kp_keyring_permit_signer(d->keys);
	kp_issue_request_t rq = {self, (int)d->cfg->utc_offset_minutes, carrier.org_id, carrier.id, &ap, &signer};
	kp_issue_result_t res;
	if (kp_store_permit_apply(d->c, d->a, &d->who, &rq, &res) != KP_DB_OK || res.permit.id == NULL)
		return -1;
	printf("  permit %s issued to the demo carrier\n", res.permit.id);
	return 0;
}

/* The demo traveller's paid border-zone permit (Issyk-Kul and Naryn, via Karkyra and
 * Kol-Suu) and her car's temporary import from China with the ecotax due. */
static int demo_travellers(struct demo_ctx *d)
{
	kp_user_t anna;
	if (kp_store_user_by_name(d->c, d->a, "traveller", &anna) != KP_DB_OK)
		return -1;
	int64_t today = kp_local_day(kp_now(), (int)d->cfg->utc_offset_minutes);
	kp_zone_app_t app = {.user_id = anna.id, .date_from = today + 7, .valid_from = today + 7, .date_to = today + 20,
	                     .zones = "[2,3]", .route = "[\"karkyra\",\"kol-suu\"]",
	                     .purpose = "trekking to Kol-Suu lake", .fee_per_person = 3500, .fee_total = 3500};
	app.valid_until = kp_zone_validity_end(app.date_from, (int)d->cfg->zone_validity_months);
	kp_zone_permit_t person = {.surname = "SCHMIDT", .given_names = "ANNA", .nationality = "DE",
	                           .passport_number = "C01X00T47", .passport_expiry = today + 3000};
	kp_actor_t who = d->who;
	who.user_id = anna.id;
	who.username = "traveller";
	if (kp_store_zone_apply(d->c, &who, &app, &person, 1) != KP_DB_OK)
		return -1;
	kp_zone_payment_t pay = {app.fee_total, "KGS", "3500.00", "DEMO-PAYMENT-1"};
	kp_zone_signer_t signer = kp_travel_zone_signer_with(d->a, d->keys, d->cfg);
	const char *status = NULL;
	if (kp_store_zone_pay(d->c, d->a, &who, app.id, &pay, &signer, &status) != KP_DB_OK)
		return -1;
	char num[KP_NUMBER_MAX];
	kp_number_format(d->cfg->authority_code, KP_NUMBER_ZONE, person.id, num);
	printf("  border-zone permit %s for the demo traveller (zones 2 and 3)\n", num);
	kp_tip_t tip = {.user_id = anna.id, .plate = "B12345", .plate_country = "DE", .kind = "car",
	                .make_model = "Toyota Land Cruiser", .owner_name = "Anna Schmidt", .owner_passport = "C01X00T47",
	                .entry_checkpoint = "torugart", .entered_from = "CN", .entry_date = today - 3, .term_months = 6};
	tip.expiry_date = kp_zone_validity_end(tip.entry_date, tip.term_months);
	kp_tip_entry_result_t res;
	return kp_store_tip_enter(d->c, d->a, &who, &tip, &res) == KP_DB_OK ? 0 : -1;
}

/* One crossing registered the way an officer's does (plate look-up, permit match, flags). */
static int demo_crossing(struct demo_ctx *d, kp_crossing_t x, const char *neighbour, kp_person_t *people, int n)
{
	kp_crossing_request_t rq = {d->cfg->authority_code, neighbour, d->cfg->crossing_max_weight_kg};
	x.persons = people;
	x.npersons = n;
	int rc = kp_store_begin(d->c);
	if (rc == KP_DB_OK)
		rc = kp_store_end(d->c, kp_store_crossing_register_tx(d->c, d->a, &d->who, &rq, &x));
	if (rc == KP_DB_OK)
		printf("  crossing at %s: %s %s%s%s\n", x.checkpoint, x.direction, x.plate ? x.plate : "on foot",
		       *x.flags ? ", flagged " : "", x.flags);
	return rc;
}

/* Today's slots at Korday and Dostyk, a booking for the demo carrier's second truck, a
 * plate camera at Dostyk, and crossings of the last hours (one flagged). */
static int demo_checkpoints(struct demo_ctx *d)
{
	int64_t now = kp_now(), hour = now / 3600 * 3600;
	int share = (int)d->cfg->queue_priority_percent, created;
	const struct {
		const char *cp, *flow;
		int capacity;
	} slots[] = {{"korday", "truck", 42}, {"korday", "car", 84}, {"dostyk", "truck", 42}}; /* open round the clock:
	                                                                                     no hour of these is closed */
	for (size_t i = 0; i < KP_ARRAY_LEN(slots); i++)
		if (kp_store_slots_create(d->c, &d->who, slots[i].cp, slots[i].flow, hour, 12, slots[i].capacity,
		                          kp_queue_priority_cap(slots[i].capacity, share), &created) != KP_DB_OK)
			return -1;
	kp_user_t carrier;
	kp_slot_t *s;
	int n;
	const char *why;
	if (kp_store_user_by_name(d->c, d->a, "carrier", &carrier) != KP_DB_OK ||
	    kp_store_slot_list(d->c, d->a, "korday", "truck", hour + 3600, hour + 7200, &s, &n) != KP_DB_OK || n != 1)
		return -1;
	kp_booking_t b = {.checkpoint = "korday", .slot_id = s[0].id, .flow = "truck", .plate = "01KG456DEF",
	                  .user_id = carrier.id, .phone = "+996 555 123 456"};
	if (kp_store_booking_create(d->c, d->a, &d->who, &b, &why) != KP_DB_OK)
		return -1;
	printf("  truck 01KG456DEF booked at Korday for the next hour\n");
	char secret[64], key[72], hash[65];
	if (kp_random_token(32, secret, sizeof(secret)) != 0)
		return -1;
	snprintf(key, sizeof(key), "kpd_%s", secret);
	kp_sha256_hex(key, strlen(key), hash);
	kp_device_t cam = {.checkpoint = "dostyk", .name = "lane 1 plate camera", .kind = "plate_camera",
	                   .key_prefix = kp_arena_printf(d->a, "%.12s", key)};
	if (kp_store_device_create(d->c, &d->who, &cam, hash) != KP_DB_OK)
		return -1;
	printf("  plate camera at Dostyk: Authorization: Bearer %s\n", key);
	kp_person_t driver = {"Nurlan Asanov", "KG", "AC1234567", true};
	kp_person_t uz_driver = {"Rustam Karimov", "UZ", "FA1234567", true};
	kp_person_t family[] = {{"Anna Schmidt", "DE", "C01X00T47", false}, {"Jonas Schmidt", "DE", "C01X00T48", false}};
	kp_crossing_t exit_truck = {.checkpoint = "dostyk", .direction = "exit", .flow = "truck", .vehicle_kind = "tractor",
	                            .plate = "01KG123ABC", .plate_source = "camera", .weight_kg = 36500,
	                            .scan_result = "clear", .radiation_result = "clear", .at = now - 3 * 3600};
	kp_crossing_t uz_truck = {.checkpoint = "dostyk", .direction = "entry", .flow = "truck", .vehicle_kind = "truck",
	                          .plate = "50A777UZ", .plate_source = "camera", .vehicle_country = "UZ", .weight_kg = 46200,
	                          .scan_result = "clear", .radiation_result = "clear", .at = now - 2 * 3600};
	kp_crossing_t car = {.checkpoint = "korday", .direction = "entry", .flow = "car", .vehicle_kind = "car",
	                     .plate = "B123DE", .plate_source = "typed", .vehicle_country = "DE", .at = now - 3600};
	return demo_crossing(d, exit_truck, "UZ", &driver, 1) || demo_crossing(d, uz_truck, "UZ", &uz_driver, 1) ||
	               demo_crossing(d, car, "KZ", family, 2)
	           ? -1
	           : 0;
}

/* The single window's agencies staffed (one user each, linked to its organisation) and
 * one EV duty-free application of the demo carrier waiting at customs. */
static int demo_window(struct demo_ctx *d)
{
	static const struct {
		const char *agency, *kind, *org, *user, *role, *name, *lang;
	} staff[] = {
	    {"customs", "customs", NULL, "customs", "officer", "Azamat Jumabaev", "ky"},
	    {"economy", "ministry", "Ministry of Economy and Commerce", "economy", "ministry", "Gulnara Sydykova", "ru"},
	    {"registration", "ministry", "Vehicle registration service", "registration", "ministry", "Ermek Tokoev", "ru"},
	    {"environment", "ministry", "Environmental inspection", "ecology", "ministry", "Saltanat Imanalieva", "ky"},
	    {"tourism", "ministry", "Tourism department", "tourism", "ministry", "Meerim Kasymova", "en"},
	    {"border", "border_service", NULL, NULL, NULL, NULL, NULL},
	};
	for (size_t i = 0; i < KP_ARRAY_LEN(staff); i++) {
		kp_org_t org = {.kind = staff[i].kind, .name = staff[i].org, .address = "Bishkek"};
		kp_org_t *found;
		int n;
		if (staff[i].org == NULL) { /* the demo's own customs and border service */
			if (kp_store_org_list(d->c, d->a, staff[i].kind, &found, &n) != KP_DB_OK || n == 0)
				return -1;
			org = found[0];
		} else if (add_org(d, &org) != KP_DB_OK) {
			return -1;
		}
		if (staff[i].user && add_user(d, org.id, staff[i].user, staff[i].role, staff[i].name, staff[i].lang) != KP_DB_OK)
			return -1;
		kp_agency_t ag;
		if (kp_store_agency_by_code(d->c, d->a, staff[i].agency, &ag) != KP_DB_OK)
			return -1;
		ag.org_id = org.id;
		if (kp_store_agency_window_put(d->c, &d->who, &ag) != KP_DB_OK)
			return -1;
	}
	kp_user_t carrier;
	kp_sw_procedure_t p;
	if (kp_store_user_by_name(d->c, d->a, "carrier", &carrier) != KP_DB_OK ||
	    kp_store_sw_procedure_get(d->c, d->a, "ev-duty-free", &p) != KP_DB_OK)
		return -1;
	json_t *def = json_loads(p.definition, 0, NULL);
	kp_sw_app_t app = {.procedure = p.code, .user_id = carrier.id, .org_id = carrier.org_id,
	                   .data = "{\"applicant_kind\":\"company\",\"tax_id\":\"01507201910123\",\"permanent_resident\":true,"
	                           "\"no_transfer_undertaking\":true,\"vehicles\":[{\"vin\":\"LGXCE4CB6T0000417\",\"kind\":\"bev\","
	                           "\"make_model\":\"BYD Song Plus EV\"}]}"};
	kp_actor_t who = {carrier.id, "carrier", NULL, NULL};
	kp_sw_conflict_t why;
	int rc = def ? kp_store_sw_submit(d->c, d->a, &who, &app, def, NULL, NULL, 0, kp_now(), &why) : -1;
	json_decref(def);
	if (rc == KP_DB_OK)
		printf("  single-window application %lld (EV duty-free quota) waiting at customs\n", (long long)app.id);
	return rc == KP_DB_OK ? 0 : -1;
}

static const struct {
	const char *name;
	int (*load)(struct demo_ctx *);
} steps[] = {
	{"accounts", demo_accounts},
	{"permits", demo_permits},
	{"travellers", demo_travellers},
	{"checkpoints", demo_checkpoints},
	{"window", demo_window},
};

static int already_loaded(kp_conn_t *c, kp_arena_t *a)
{
	kp_user_t u;
	return kp_store_user_by_name(c, a, "ministry", &u) == KP_DB_OK;
}

int kp_cli_demo(kp_config_t *cfg, int argc, char **argv)
{
	if (kp_cli_wants_help(argc, argv)) {
		printf("usage: kapka demo [--db PATH_OR_URL]\n\n"
		       "Loads demonstration data (organisations, one user per role, and the data of every\n"
		       "capability) into the database, and creates the administrator if there is none.\n"
		       "Does nothing when the demonstration data is already there.\n"
		       "Every demonstration user's password is " DEMO_PASSWORD ".\n");
		return 0;
	}
	kp_store_t *s = kp_cli_open_store(cfg, 1);
	if (s == NULL)
		return 1;
	kp_keyring_t *keys = kp_keyring_open(s, cfg); /* before borrowing the pool's one connection */
	if (keys == NULL) {
		kp_store_close(s);
		return 1;
	}
	kp_arena_t a;
	kp_arena_init(&a);
	kp_conn_t *c = kp_store_acquire(s);
	int rc = 0;
	if (already_loaded(c, &a)) {
		printf("kapka demo: the demonstration data is already loaded\n");
		goto done;
	}
	char hash[KP_PWHASH_LEN];
	if (kp_password_hash(DEMO_PASSWORD, hash) != 0)
		kp_fatal("password hashing failed");
	time_t now = (time_t)(kp_now() + cfg->utc_offset_minutes * 60);
	struct tm tm;
	gmtime_r(&now, &tm);
	struct demo_ctx d = {c, &a, hash, {0, "kapka-demo", NULL, NULL}, cfg, keys, tm.tm_year + 1900};
	printf("kapka demo: loading demonstration data; users:\n");
	for (size_t i = 0; i < KP_ARRAY_LEN(steps); i++)
		if (steps[i].load(&d) != 0) {
			fprintf(stderr, "kapka demo: step '%s' failed (is this a fresh database?)\n", steps[i].name);
			rc = 1;
			break;
		}
done:
	kp_store_release(s, c);
	kp_keyring_free(keys);
	kp_arena_cleanup(&a);
	if (rc == 0) {
		char url[128];
		snprintf(url, sizeof(url), "http://%s:%lld/", cfg->listen, cfg->port);
		rc = kp_cli_ensure_admin(s, cfg, url) == 0 ? 0 : 1;
	}
	kp_store_close(s);
	return rc;
}
