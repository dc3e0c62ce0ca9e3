/* zone_apply.c: applying for border-zone permits (one person, or a group on an agency's
 * traveller account) and the JSON views of applications and permits. */
#include "api/travel.h"
#include "domain/zone.h"
#include "domain/number.h"
#include "core/util.h"
#include "domain/account.h"
#include "domain/dates.h"

#include <stdlib.h>
#include <string.h>

#define GROUP_MAX 50

json_t *kp_travel_permit_json(kp_req_t *req, const kp_zone_app_t *app, const kp_zone_permit_t *p)
{
	char num[KP_NUMBER_MAX];
	kp_number_format(kp_api_app(req)->cfg->authority_code, KP_NUMBER_ZONE, p->id, num);
	json_t *j = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:s?}", "number", num, "application_id",
	                      (json_int_t)p->application_id, "surname", p->surname, "given_names", p->given_names,
	                      "nationality", p->nationality, "passport_number", p->passport_number, "passport_expiry",
	                      kp_travel_date_json(p->passport_expiry), "status", p->status, "status_reason",
	                      p->status_reason);
	if (app) {
		json_object_set_new(j, "valid_from", kp_travel_date_json(app->valid_from));
		json_object_set_new(j, "valid_until", kp_travel_date_json(app->valid_until));
		json_t *zones = json_loads(app->zones, 0, NULL), *route = json_loads(app->route, 0, NULL);
		json_object_set_new(j, "zones", zones ? zones : json_array());
		json_object_set_new(j, "route", route ? route : json_array());
	}
	json_object_set_new(j, "qr", p->credential && kp_zone_permit_active(p->status) ? json_string(p->credential)
	                                                                               : json_null());
	return j;
}

json_t *kp_travel_app_json(kp_req_t *req, const kp_zone_app_t *app, const kp_zone_permit_t *ps, int n)
{
	char created[32];
	kp_iso8601(app->created_at, created, sizeof(created));
	json_t *zones = json_loads(app->zones, 0, NULL), *route = json_loads(app->route, 0, NULL);
	json_t *j = json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:s, s:s}", "id", (json_int_t)app->id, "status",
	                      app->status, "date_from", kp_travel_date_json(app->date_from), "date_to",
	                      kp_travel_date_json(app->date_to), "valid_from", kp_travel_date_json(app->valid_from),
	                      "valid_until", kp_travel_date_json(app->valid_until), "extended", app->extended, "zones",
	                      zones ? zones : json_array(), "route", route ? route : json_array(), "purpose", app->purpose,
	                      "created_at", created);
	json_t *fee = json_pack("{s:I, s:I, s:i}", "per_person_som", (json_int_t)app->fee_per_person, "total_som",
	                        (json_int_t)app->fee_total, "people", n);
	const char *cur = kp_req_query(req, "currency");
	char amount[40];
	if (cur && kp_travel_convert(req, app->fee_total, cur, amount))
		json_object_set_new(fee, "in_currency", json_pack("{s:s, s:s}", "currency", cur, "amount", amount));
	else if (cur)
		json_object_set_new(fee, "in_currency", json_pack("{s:n, s:s}", "amount", "problem", "NO_RATE"));
	json_object_set_new(j, "fee", fee);
	json_t *pay = json_null();
	if (app->paid_at) {
		char at[32];
		kp_iso8601(app->paid_at, at, sizeof(at));
		pay = json_pack("{s:I, s:s, s:s, s:s, s:s}", "amount_som", (json_int_t)app->pay_amount_som, "currency",
		                app->pay_currency, "amount", app->pay_amount, "reference", app->pay_reference, "paid_at", at);
	}
	json_object_set_new(j, "payment", pay);
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, kp_travel_permit_json(req, NULL, &ps[i]));
	json_object_set_new(j, "permits", items);
	return j;
}

/* Zones: an array of 1..KP_ZONE_MAX whole numbers (range checks are the domain's). */
static void read_zones(kp_req_t *req, kp_zone_trip_t *t)
{
	json_t *z = json_object_get(req->json, "zones");
	if (!json_is_array(z) || json_array_size(z) > KP_ZONE_MAX) {
		kp_field_error(req, "zones", z ? "must be an array of at most 16 zone numbers" : "is required");
		return;
	}
	size_t i;
	json_t *v;
	json_array_foreach(z, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000) {
			kp_field_error(req, kp_arena_printf(&req->arena, "zones[%zu]", i), "must be a zone number");
			return;
		}
		t->zones[t->nzones++] = (int)json_integer_value(v);
	}
}

/* Route: place codes, looked up among the zones' places (unknown: NULL for the domain). */
static void read_route(kp_req_t *req, kp_zone_trip_t *t, const kp_place_row_t *places, int np, kp_zone_place_t *buf)
{
	json_t *r = json_object_get(req->json, "route");
	if (r == NULL || json_is_null(r))
		return;
	if (!json_is_array(r) || json_array_size(r) > KP_ZONE_ROUTE_MAX) {
		kp_field_error(req, "route", "must be an array of at most 24 place codes");
		return;
	}
	size_t i;
	json_t *v;
	json_array_foreach(r, i, v) {
		const char *code = json_string_value(v);
		if (code == NULL || strlen(code) > 40) {
			kp_field_error(req, kp_arena_printf(&req->arena, "route[%zu]", i), "must be a place code");
			return;
		}
		t->route_codes[t->nroute] = kp_arena_strdup(&req->arena, code);
		t->route[t->nroute] = NULL;
		for (int k = 0; k < np; k++)
			if (strcmp(places[k].code, code) == 0) {
				buf[t->nroute] = (kp_zone_place_t){places[k].code, places[k].zone};
				t->route[t->nroute] = &buf[t->nroute];
			}
		t->nroute++;
	}
}

/* One person; NULL fields mean a problem was recorded. */
static void read_person(kp_req_t *req, json_t *o, int i, kp_zone_permit_t *p, kp_zone_person_t *d)
{
	char label[48], norm[64];
	const char *names[] = {"surname", "given_names"};
	const char **dest[] = {&p->surname, &p->given_names};
	for (int k = 0; k < 2; k++) {
		snprintf(label, sizeof(label), "travellers[%d].%s", i, names[k]);
		const char *s = kp_travel_str(req, o, label, names[k], 60, true), *why = NULL;
		if (s && (why = kp_zone_name_normalise(s, norm, 61)) != NULL)
			kp_field_error(req, kp_arena_strdup(&req->arena, label), why);
		*dest[k] = s && !why ? kp_arena_strdup(&req->arena, norm) : NULL;
	}
	snprintf(label, sizeof(label), "travellers[%d].nationality", i);
	const char *nat = kp_travel_str(req, o, label, "nationality", 2, true);
	if (nat && kp_check_country(nat)) {
		kp_field_error(req, kp_arena_strdup(&req->arena, label), kp_check_country(nat));
		nat = NULL;
	}
	p->nationality = nat;
	snprintf(label, sizeof(label), "travellers[%d].passport_number", i);
	const char *pp = kp_travel_str(req, o, label, "passport_number", 30, true), *why = NULL;
	if (pp && (why = kp_zone_passport_normalise(pp, norm, 21)) != NULL)
		kp_field_error(req, kp_arena_strdup(&req->arena, label), why);
	p->passport_number = pp && !why ? kp_arena_strdup(&req->arena, norm) : NULL;
	snprintf(label, sizeof(label), "travellers[%d].passport_expiry", i);
	kp_travel_date(req, o, kp_arena_strdup(&req->arena, label), "passport_expiry", true, &p->passport_expiry);
	*d = (kp_zone_person_t){p->surname, p->given_names, p->nationality, p->passport_number, p->passport_expiry, NULL};
}

struct apply_form {
	kp_zone_trip_t trip;
	kp_zone_place_t route_buf[KP_ZONE_ROUTE_MAX];
	kp_zone_permit_t people[GROUP_MAX];
	kp_zone_person_t persons[GROUP_MAX];
	int n;
	const char *purpose;
	bool known[KP_ZONE_MAX + 1];
};

static int read_form(kp_req_t *req, struct apply_form *f)
{
	kp_border_zone_t *zones;
	kp_place_row_t *places;
	int nz, np;
	int rc = kp_store_zones(kp_api_db(req), &req->arena, &zones, &nz, &places, &np);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "border zones");
		return -1;
	}
	for (int i = 0; i < nz; i++)
		if (zones[i].code >= 1 && zones[i].code <= KP_ZONE_MAX)
			f->known[zones[i].code] = true;
	bool dates = kp_travel_date(req, req->json, "date_from", "date_from", true, &f->trip.from);
	dates &= kp_travel_date(req, req->json, "date_to", "date_to", true, &f->trip.to);
	f->purpose = kp_body_str(req, "purpose", 300, true);
	read_zones(req, &f->trip);
	read_route(req, &f->trip, places, np, f->route_buf);
	json_t *tr = json_object_get(req->json, "travellers");
	if (!json_is_array(tr) || json_array_size(tr) == 0 || json_array_size(tr) > GROUP_MAX)
		kp_field_error(req, "travellers", "must be an array of 1 to 50 people");
	for (size_t i = 0; json_is_array(tr) && i < json_array_size(tr) && i < GROUP_MAX; i++, f->n++)
		read_person(req, json_array_get(tr, i), (int)i, &f->people[i], &f->persons[i]);
	return dates ? 0 : 1; /* 1: the dates are missing, so the domain checks cannot run */
}

/* Passport formats per person, then the domain's checks, as field problems. */
static int run_checks(kp_req_t *req, struct apply_form *f)
{
	for (int i = 0; i < f->n; i++) {
		kp_passport_format_t fmt;
		if (f->persons[i].nationality == NULL || f->persons[i].passport == NULL)
			continue;
		int rc = kp_store_passport_format_for(kp_api_db(req), &req->arena, f->persons[i].nationality, &fmt);
		if (rc != KP_DB_OK && rc != KP_DB_NOTFOUND) {
			kp_reply_db_error(req, rc, "passport formats");
			return -1;
		}
		f->persons[i].passport_pattern = rc == KP_DB_OK ? fmt.pattern : "^[A-Z0-9]{5,20}$";
	}
	/* people with missing fields were reported already; check the others */
	kp_zone_person_t ok[GROUP_MAX];
	int map[GROUP_MAX], k = 0;
	for (int i = 0; i < f->n; i++)
		if (f->persons[i].passport_pattern && f->persons[i].surname && f->persons[i].given_names)
			map[k] = i, ok[k++] = f->persons[i];
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	kp_zone_rules_t rules = {kp_travel_today(req), (int)cfg->zone_validity_months, 366, f->known};
	kp_zone_problem_t probs[KP_ZONE_PROBLEMS_MAX];
	int np = kp_zone_check(&rules, &f->trip, ok, k, probs);
	for (int i = 0; i < np; i++) {
		int who;
		char rest[48];
		/* renumber travellers[j] to the person's place in the request */
		if (sscanf(probs[i].field, "travellers[%d].%47s", &who, rest) == 2 && who >= 0 && who < k)
			kp_field_error(req, kp_arena_printf(&req->arena, "travellers[%d].%s", map[who], rest),
			               kp_arena_strdup(&req->arena, probs[i].problem));
		else
			kp_field_error(req, kp_arena_strdup(&req->arena, probs[i].field),
			               kp_arena_strdup(&req->arena, probs[i].problem));
	}
	return 0;
}

static json_t *int_array(const int *v, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

static int64_t fee_for(kp_req_t *req, int nzones)
{
	kp_zone_fee_t *fees;
	int n;
	if (kp_store_zone_fees(kp_api_db(req), &req->arena, &fees, &n) != KP_DB_OK)
		return -2;
	return kp_zone_fee(fees, n, nzones);
}

void kp_api_zone_apply(kp_req_t *req)
{
	struct apply_form *f = kp_arena_zalloc(&req->arena, sizeof(*f));
	int rd = read_form(req, f);
	if (rd < 0 || (rd == 0 && run_checks(req, f) != 0))
		return;
	int64_t fee = fee_for(req, f->trip.nzones);
	if (fee == -1 && f->trip.nzones > 0)
		kp_field_error(req, "zones", "names more zones than the fee table covers");
	if (kp_body_check(req) != 0)
		return;
	if (fee < 0) {
		kp_reply_error(req, 503, "database_unavailable", "the fee table could not be read");
		return;
	}
	kp_zone_app_t app = {0};
	app.user_id = req->auth.user_id;
	app.date_from = app.valid_from = f->trip.from;
	app.date_to = f->trip.to;
	app.valid_until = kp_zone_validity_end(f->trip.from, (int)kp_api_app(req)->cfg->zone_validity_months);
	json_t *zones = int_array(f->trip.zones, f->trip.nzones), *route = json_array();
	for (int i = 0; i < f->trip.nroute; i++)
		json_array_append_new(route, json_string(f->trip.route_codes[i]));
	app.zones = kp_travel_dump(req, zones);
	app.route = kp_travel_dump(req, route);
	app.purpose = f->purpose;
	app.fee_per_person = fee;
	app.fee_total = fee * f->n;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_zone_apply(kp_api_db(req), &who, &app, f->people, f->n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "zone permit application");
		return;
	}
	kp_reply_header(req, "Location", kp_arena_printf(&req->arena, "/api/v1/zone-permit-applications/%lld", (long long)app.id));
	kp_reply_json(req, 201, kp_travel_app_json(req, &app, f->people, f->n));
}
