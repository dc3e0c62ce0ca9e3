/* travel_refs.c: the reference data for travellers, public to read and kept by the
 * ministry: border zones and their places, the zone-permit fee table, currency rates,
 * passport number formats, ecotax fees with the customs union's members. */
#include "api/travel.h"
#include "core/util.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "domain/money.h"
#include "store/rules.h"
#include "domain/tip.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

static json_t *names(const char *en, const char *ru, const char *ky)
{
	return json_pack("{s:s, s:s, s:s}", "en", en, "ru", ru, "ky", ky);
}

void kp_api_border_zones(kp_req_t *req)
{
	kp_border_zone_t *zones;
	kp_place_row_t *places;
	int nz, np;
	int rc = kp_store_zones(kp_api_db(req), &req->arena, &zones, &nz, &places, &np);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "border zones");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < nz; i++) {
		json_t *pl = json_array();
		for (int k = 0; k < np; k++)
			if (places[k].zone == zones[i].code)
				json_array_append_new(pl, json_pack("{s:s, s:o, s:b}", "code", places[k].code, "name",
				                                    names(places[k].name_en, places[k].name_ru, places[k].name_ky),
				                                    "post", places[k].post));
		json_array_append_new(items, json_pack("{s:i, s:o, s:o}", "code", zones[i].code, "region",
		                                       names(zones[i].region_en, zones[i].region_ru, zones[i].region_ky),
		                                       "places", pl));
	}
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

static const char *check_place_code(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
			return "must be lower-case latin letters, digits and '-'";
	return strlen(s) <= 40 ? NULL : "must be at most 40 characters";
}

void kp_api_zone_place_put(kp_req_t *req)
{
	kp_place_row_t p = {0};
	p.code = kp_req_param(req, "code");
	if (check_place_code(p.code) != NULL) {
		kp_reply_error(req, 404, "not_found", "a place code is lower-case latin letters, digits and '-'");
		return;
	}
	long long zone = 0, post = 1;
	kp_body_int(req, "zone", 1, KP_ZONE_MAX, true, &zone);
	p.name_en = kp_body_str(req, "name_en", 100, true);
	p.name_ru = kp_body_str(req, "name_ru", 100, true);
	p.name_ky = kp_body_str(req, "name_ky", 100, true);
	json_t *pv = json_object_get(req->json, "post");
	if (pv && !json_is_boolean(pv))
		kp_field_error(req, "post", "must be true or false");
	post = pv ? json_is_true(pv) : 1;
	if (kp_body_check(req) != 0)
		return;
	p.zone = (int)zone;
	p.post = post;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_place_put(kp_api_db(req), &who, &p);
	if (rc == KP_DB_REF) {
		kp_field_error(req, "zone", "is not a border zone");
		kp_body_check(req);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "place");
		return;
	}
	kp_reply_json(req, 200,
	              json_pack("{s:s, s:i, s:o, s:b}", "code", p.code, "zone", p.zone, "name",
	                        names(p.name_en, p.name_ru, p.name_ky), "post", p.post));
}

static void reply_fees(kp_req_t *req)
{
	kp_zone_fee_t *fees;
	int n;
	int rc = kp_store_zone_fees(kp_api_db(req), &req->arena, &fees, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "fees");
		return;
	}
	const char *cur = kp_req_query(req, "currency"), *som_rate = NULL, *rate = NULL;
	if (cur && !kp_travel_rates(req, cur, &som_rate, &rate)) {
		kp_reply_error(req, 422, "no_rate",
		               "there is no exchange rate for the currency asked; see GET /api/v1/currency-rates");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *row = json_pack("{s:i, s:I}", "max_zones", fees[i].max_zones, "fee_som", (json_int_t)fees[i].fee_som);
		char amount[40];
		if (cur && kp_money_convert(fees[i].fee_som, som_rate, rate, amount) == KP_MONEY_OK)
			json_object_set_new(row, "in_currency", json_pack("{s:s, s:s}", "currency", cur, "amount", amount));
		json_array_append_new(items, row);
	}
	const char *source = NULL;
	if ((rc = kp_store_zone_fee_source(kp_api_db(req), &req->arena, &source)) != KP_DB_OK) {
		json_decref(items);
		kp_reply_db_error(req, rc, "fees");
		return;
	}
	kp_reply_json(req, 200,
	              json_pack("{s:o, s:s?, s:s}", "items", items, "source", source, "rounding",
	                        "exact decimal conversion, rounded to the cent half away from zero"));
}

/* source and effective_from (a date, midnight in Bishkek; default now) of a fee change;
 * true when the body gives either, so the change goes through fee_changes. */
static bool read_fee_when(kp_req_t *req, kp_rule_change_t *ch)
{
	ch->source = kp_body_str(req, "source", 300, false);
	ch->effective_from = kp_now();
	int64_t day;
	bool dated = kp_travel_date(req, req->json, "effective_from", "effective_from", false, &day);
	if (dated)
		ch->effective_from = kp_local_day_start(day, (int)kp_api_app(req)->cfg->utc_offset_minutes);
	if (dated && ch->source == NULL)
		kp_field_error(req, "source", "is required with effective_from: say where the new fee comes from");
	return dated || ch->source != NULL;
}

/* Answer a fee change: 200 applied (then the current table), 202 waiting for its date. */
static int fee_change(kp_req_t *req, kp_rule_change_t *ch)
{
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_fee_change_add(kp_api_db(req), &who, ch, kp_now());
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "fee change");
		return -1;
	}
	if (ch->applied_at)
		return 0;
	char eff[32];
	kp_iso8601(ch->effective_from, eff, sizeof(eff));
	kp_reply_json(req, 202,
	              json_pack("{s:I, s:s, s:o, s:s, s:s, s:n}", "id", (json_int_t)ch->id, "kind", ch->kind, "change",
	                        json_loads(ch->payload, 0, NULL), "source", ch->source, "effective_from", eff,
	                        "applied_at"));
	return 1;
}

void kp_api_zone_fees_get(kp_req_t *req)
{
	reply_fees(req);
}

void kp_api_zone_fees_put(kp_req_t *req)
{
	json_t *items = json_object_get(req->json, "items");
	kp_zone_fee_t rows[KP_ZONE_MAX];
	bool seen[KP_ZONE_MAX + 1] = {false};
	int n = 0;
	if (!json_is_array(items) || json_array_size(items) == 0 || json_array_size(items) > KP_ZONE_MAX)
		kp_field_error(req, "items", "must be an array of 1 to 16 rows {max_zones, fee_som}");
	for (size_t i = 0; json_is_array(items) && i < json_array_size(items) && i < KP_ZONE_MAX; i++) {
		json_t *o = json_array_get(items, i);
		json_t *mz = json_object_get(o, "max_zones"), *fee = json_object_get(o, "fee_som");
		const char *label = kp_arena_printf(&req->arena, "items[%zu]", i);
		if (!json_is_integer(mz) || json_integer_value(mz) < 1 || json_integer_value(mz) > KP_ZONE_MAX ||
		    !json_is_integer(fee) || json_integer_value(fee) < 0 || json_integer_value(fee) > 100000000) {
			kp_field_error(req, label, "must be {max_zones: 1..16, fee_som: 0..100000000}");
			continue;
		}
		if (seen[json_integer_value(mz)]) {
			kp_field_error(req, label, "repeats a max_zones of an earlier row");
			continue;
		}
		seen[json_integer_value(mz)] = true;
		rows[n++] = (kp_zone_fee_t){(int)json_integer_value(mz), json_integer_value(fee)};
	}
	kp_rule_change_t ch = {.kind = "zone_fees"};
	bool dated = read_fee_when(req, &ch);
	if (kp_body_check(req) != 0)
		return;
	if (dated) {
		json_t *list = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(list, json_pack("{s:i, s:I}", "max_zones", rows[i].max_zones, "fee_som",
			                                      (json_int_t)rows[i].fee_som));
		ch.payload = kp_travel_dump(req, json_pack("{s:o}", "items", list));
		if (fee_change(req, &ch) == 0)
			reply_fees(req);
		return;
	}
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_zone_fees_set(kp_api_db(req), &who, rows, n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "fees");
		return;
	}
	reply_fees(req);
}

void kp_api_rates_get(kp_req_t *req)
{
	kp_rate_t *rates;
	int n;
	int rc = kp_store_rates(kp_api_db(req), &req->arena, &rates, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "rates");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		char at[32] = "";
		if (rates[i].updated_at)
			kp_iso8601(rates[i].updated_at, at, sizeof(at));
		json_array_append_new(items, json_pack("{s:s, s:s, s:s?, s:o, s:s?}", "code", rates[i].code, "usd_per_unit",
		                                       rates[i].usd_per_unit, "updated_at", *at ? at : NULL, "rate_date",
		                                       kp_travel_date_json(rates[i].rate_date), "source", rates[i].source));
	}
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

static const char *check_currency(const char *c)
{
	return strlen(c) == 3 && isupper((unsigned char)c[0]) && isupper((unsigned char)c[1]) &&
	               isupper((unsigned char)c[2])
	           ? NULL
	           : "must be a three-letter ISO 4217 code like KZT";
}

void kp_api_rate_put(kp_req_t *req)
{
	const char *code = kp_req_param(req, "code");
	if (check_currency(code)) {
		kp_reply_error(req, 404, "not_found", "a currency is a three-letter upper-case code like KZT");
		return;
	}
	kp_rate_t r = {.code = code, .rate_date = kp_travel_today(req)};
	const char *rate = r.usd_per_unit = kp_body_str_checked(req, "usd_per_unit", 24, true, kp_money_check_rate);
	r.source = kp_body_str(req, "source", 200, true);
	kp_travel_date(req, req->json, "rate_date", "rate_date", false, &r.rate_date);
	if (kp_body_check(req) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_rate_put(kp_api_db(req), &who, &r);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "rate");
		return;
	}
	char at[32];
	kp_iso8601(kp_now(), at, sizeof(at));
	kp_reply_json(req, 200,
	              json_pack("{s:s, s:s, s:s, s:o, s:s}", "code", code, "usd_per_unit", rate, "updated_at", at,
	                        "rate_date", kp_travel_date_json(r.rate_date), "source", r.source));
}

void kp_api_passport_formats_get(kp_req_t *req)
{
	kp_passport_format_t *f;
	int n;
	int rc = kp_store_passport_formats(kp_api_db(req), &req->arena, &f, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "passport formats");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "nationality", f[i].nationality, "pattern",
		                                       f[i].pattern, "example", f[i].example));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void kp_api_passport_format_put(kp_req_t *req)
{
	kp_passport_format_t f;
	f.nationality = kp_req_param(req, "nationality");
	if (strcmp(f.nationality, "*") != 0 && kp_check_country(f.nationality)) {
		kp_reply_error(req, 404, "not_found", "a nationality is a two-letter upper-case code like FR, or *");
		return;
	}
	f.pattern = kp_body_str(req, "pattern", 200, true);
	f.example = kp_body_str(req, "example", 20, true);
	regex_t re;
	if (f.pattern && (f.pattern[0] != '^' || f.pattern[strlen(f.pattern) - 1] != '$'))
		kp_field_error(req, "pattern", "must be anchored: start with ^ and end with $");
	else if (f.pattern && regcomp(&re, f.pattern, REG_EXTENDED | REG_NOSUB) != 0)
		kp_field_error(req, "pattern", "is not a valid POSIX extended regular expression");
	else if (f.pattern) {
		regfree(&re);
		if (f.example && kp_zone_passport_check(f.example, f.pattern))
			kp_field_error(req, "example", "does not match the pattern");
	}
	if (kp_body_check(req) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_passport_format_put(kp_api_db(req), &who, &f);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "passport format");
		return;
	}
	kp_reply_json(req, 200,
	              json_pack("{s:s, s:s, s:s}", "nationality", f.nationality, "pattern", f.pattern, "example",
	                        f.example));
}

void kp_api_ecotax_fees_get(kp_req_t *req)
{
	kp_ecotax_fee_t *fees;
	const char **members;
	int n;
	int rc = kp_store_ecotax_fees(kp_api_db(req), &req->arena, &fees, &n);
	if (rc == KP_DB_OK)
		rc = kp_store_union_members(kp_api_db(req), &req->arena, &members);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "ecotax fees");
		return;
	}
	json_t *items = json_array(), *union_ = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s, s:I, s:s?}", "kind", fees[i].kind, "fee_som",
		                                       (json_int_t)fees[i].fee_som, "source", fees[i].source));
	for (const char **m = members; *m; m++)
		json_array_append_new(union_, json_string(*m));
	kp_reply_json(req, 200, json_pack("{s:o, s:o}", "items", items, "customs_union", union_));
}

void kp_api_ecotax_fee_put(kp_req_t *req)
{
	const char *kind = kp_req_param(req, "kind");
	if (kp_check_tip_vehicle_kind(kind)) {
		kp_reply_error(req, 404, "not_found", "a vehicle kind is motorcycle, car or truck");
		return;
	}
	long long fee = 0;
	kp_body_int(req, "fee_som", 0, 100000000, true, &fee);
	kp_rule_change_t ch = {.kind = "ecotax_fee"};
	bool dated = read_fee_when(req, &ch);
	if (kp_body_check(req) != 0)
		return;
	if (dated) {
		ch.payload = kp_travel_dump(req, json_pack("{s:s, s:I}", "kind", kind, "fee_som", (json_int_t)fee));
		if (fee_change(req, &ch) == 0)
			kp_reply_json(req, 200,
			              json_pack("{s:s, s:I, s:s}", "kind", kind, "fee_som", (json_int_t)fee, "source", ch.source));
		return;
	}
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_ecotax_fee_put(kp_api_db(req), &who, kind, fee);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "ecotax fee");
		return;
	}
	kp_reply_json(req, 200, json_pack("{s:s, s:I}", "kind", kind, "fee_som", (json_int_t)fee));
}
