/* window_public.c: what the single window publishes and how it is configured: the
 * procedures (data) and agencies, each procedure's and agency's decision times against
 * the rule, and the duty-free EV quota's public register (remaining per year with a
 * critical flag, allocations by month, a VIN lookup without the owner), with the ledger
 * the Ministry of Economy keeps. */
#include "api/window.h"

#include "core/util.h"
#include "domain/account.h"
#include "domain/evquota.h"
#include "domain/vin.h"
#include "domain/window.h"

#include <stdlib.h>
#include <string.h>

static json_t *procedure_json(const kp_sw_procedure_t *p)
{
	json_t *def = json_loads(p->definition, 0, NULL);
	if (def == NULL)
		def = json_object();
	json_object_set_new(def, "active", json_boolean(p->active));
	json_object_set_new(def, "updated_at", kp_window_time(p->updated_at));
	return def;
}

void kp_api_sw_procedures(kp_req_t *req)
{
	kp_sw_procedure_t *ps;
	int n;
	int rc = kp_store_sw_procedures(kp_api_db(req), &req->arena, true, &ps, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "procedures");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, procedure_json(&ps[i]));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void kp_api_sw_procedure_get(kp_req_t *req)
{
	kp_sw_procedure_t p;
	int rc = kp_store_sw_procedure_get(kp_api_db(req), &req->arena, kp_req_param(req, "code"), &p);
	if (rc != KP_DB_OK)
		kp_reply_db_error(req, rc, "procedure");
	else
		kp_reply_json(req, 200, procedure_json(&p));
}

static void problem(void *ctx, const char *field, const char *why)
{
	kp_field_error(ctx, field, why);
}

void kp_api_sw_procedure_put(kp_req_t *req)
{
	const char *code = kp_req_param(req, "code");
	json_t *def = json_deep_copy(req->json);
	json_t *active = json_object_get(def, "active");
	bool on = active == NULL || json_is_true(active);
	if (active && !json_is_boolean(active))
		kp_field_error(req, "active", "must be true or false");
	json_object_del(def, "active");
	json_object_del(def, "updated_at");
	kp_sw_definition_check(&req->arena, def, problem, req);
	if (strcmp(json_string_value(json_object_get(def, "code")) ?: "", code) != 0)
		kp_field_error(req, "code", "must be the code in the path");
	/* every agency a step names must exist */
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(def, "steps"), i, s)
	{
		kp_agency_t ag;
		const char *codes[] = {json_string_value(json_object_get(s, "agency")),
		                       json_string_value(json_object_get(json_object_get(s, "fee"), "collector"))};
		for (int k = 0; k < 2; k++)
			if (codes[k] && (kp_store_agency_by_code(kp_api_db(req), &req->arena, codes[k], &ag) != KP_DB_OK ||
			                 !ag.decides_steps))
				kp_field_error(req, kp_arena_printf(&req->arena, "steps[%zu].%s", i, k ? "fee.collector" : "agency"),
				               "names no agency (add it with PUT /api/v1/window/agencies/{code})");
	}
	if (kp_body_check(req) != 0) {
		json_decref(def);
		return;
	}
	kp_sw_procedure_t p = {.code = code, .definition = kp_window_dump(req, def), .active = on};
	json_decref(def);
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_sw_procedure_put(kp_api_db(req), &who, &p);
	if (rc == KP_DB_OK)
		rc = kp_store_sw_procedure_get(kp_api_db(req), &req->arena, code, &p);
	if (rc != KP_DB_OK)
		kp_reply_db_error(req, rc, "procedure");
	else
		kp_reply_json(req, 200, procedure_json(&p));
}

static json_t *agency_json(const kp_agency_t *a)
{
	return json_pack("{s:s, s:o, s:o}", "code", a->code, "org_id", a->org_id ? json_integer(a->org_id) : json_null(),
	                 "name", kp_window_agency_names(a));
}

/* The single window's view of the one register: the agencies that decide steps. */
void kp_api_sw_agencies(kp_req_t *req)
{
	kp_agency_t *as;
	int n;
	int rc = kp_store_agency_list(kp_api_db(req), &req->arena, KP_AGENCIES_WINDOW, &as, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "agencies");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, agency_json(&as[i]));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void kp_api_sw_agency_put(kp_req_t *req)
{
	const char *code = kp_req_param(req, "code");
	size_t cl = strlen(code);
	if (cl < 2 || cl > 40 || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-_") != cl) {
		kp_reply_error(req, 404, "not_found", "an agency code is 2 to 40 lower-case letters, digits, '-' or '_'");
		return;
	}
	kp_agency_t ag = {.code = code};
	long long org = 0;
	kp_body_int(req, "org_id", 1, INT64_MAX, false, &org);
	ag.org_id = org;
	ag.name = kp_body_str(req, "name_en", 200, true);
	ag.name_ru = kp_body_str(req, "name_ru", 200, true);
	ag.name_ky = kp_body_str(req, "name_ky", 200, true);
	kp_org_t o;
	int orc = org ? kp_store_org_get(kp_api_db(req), &req->arena, org, &o) : KP_DB_OK;
	if (orc == KP_DB_NOTFOUND)
		kp_field_error(req, "org_id", "names no organisation");
	else if (org && orc == KP_DB_OK && strcmp(o.kind, "ministry") != 0 && strcmp(o.kind, "customs") != 0 &&
	         strcmp(o.kind, "border_service") != 0)
		kp_field_error(req, "org_id", "must be a government organisation (ministry, customs or border_service)");
	if (kp_body_check(req) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_agency_window_put(kp_api_db(req), &who, &ag);
	if (rc != KP_DB_OK)
		kp_reply_db_error(req, rc, "agency");
	else
		kp_reply_json(req, 200, agency_json(&ag));
}

/* Median and 90th percentile of decision times per procedure, agency and step, against
 * the rule's time: public, no personal data. */
void kp_api_sw_performance(kp_req_t *req)
{
	long long days;
	if (kp_req_query_int(req, "days", 1, 3660, 365, &days) != 0)
		return;
	kp_sw_timing_t *t;
	int n;
	int rc = kp_store_sw_timings(kp_api_db(req), &req->arena, kp_window_now() - days * 86400, &t, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "performance");
		return;
	}
	json_t *items = json_array();
	int64_t *v = kp_arena_zalloc(&req->arena, sizeof(int64_t) * (size_t)(n + 1));
	for (int i = 0; i < n;) {
		int k = 0, within = 0;
		int j = i;
		for (; j < n && strcmp(t[j].procedure, t[i].procedure) == 0 && strcmp(t[j].agency, t[i].agency) == 0 &&
		       strcmp(t[j].step, t[i].step) == 0;
		     j++) {
			v[k++] = t[j].seconds;
			within += t[j].seconds <= t[j].sla_seconds;
		}
		int64_t med, p90;
		kp_sw_percentiles(v, k, &med, &p90);
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:i, s:I, s:I, s:I, s:i}", "procedure", t[i].procedure,
		                                       "agency", t[i].agency, "step", t[i].step, "decided", k,
		                                       "median_seconds", (json_int_t)med, "p90_seconds", (json_int_t)p90,
		                                       "rule_seconds", (json_int_t)t[i].sla_seconds, "within_rule", within));
		i = j;
	}
	kp_reply_json(req, 200, json_pack("{s:I, s:o}", "days", (json_int_t)days, "items", items));
}

/* ---- the EV quota's public register ---- */

static json_t *year_json(kp_req_t *req, const kp_ev_year_t *y)
{
	int64_t remaining = y->total - y->reserved - y->allocated;
	json_t *j = json_pack("{s:i, s:I, s:I, s:I, s:I, s:I, s:b, s:i, s:o, s:s, s:i, s:s}", "year", y->year, "total",
	                      (json_int_t)y->total, "allocated", (json_int_t)y->allocated, "reserved",
	                      (json_int_t)y->reserved, "pending_demand", (json_int_t)y->pending, "remaining",
	                      (json_int_t)remaining, "critical", kp_ev_critical(y->total, remaining, y->critical_percent),
	                      "critical_percent", y->critical_percent, "kinds", json_loads(y->kinds, 0, NULL), "day_rule",
	                      y->day_rule, "reservation_days", y->reservation_days, "source", y->source);
	kp_ev_month_t *m;
	int n;
	json_t *months = json_array();
	if (kp_store_ev_months(kp_api_db(req), &req->arena, y->year, &m, &n) == KP_DB_OK)
		for (int i = 0; i < n; i++)
			json_array_append_new(months, json_pack("{s:i, s:I, s:I}", "month", m[i].month, "allocated",
			                                        (json_int_t)m[i].allocated, "reserved", (json_int_t)m[i].reserved));
	json_object_set_new(j, "months", months);
	return j;
}

void kp_api_ev_register(kp_req_t *req)
{
	kp_ev_year_t *ys; /* this year's row is made by the background (kp_store_sw_settle), not here */
	kp_ev_rule_t *rs;
	int n, nr;
	int rc = kp_store_ev_years(kp_api_db(req), &req->arena, &ys, &n);
	if (rc == KP_DB_OK)
		rc = kp_store_ev_rules(kp_api_db(req), &req->arena, &rs, &nr);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "quota register");
		return;
	}
	json_t *years = json_array(), *rules = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(years, year_json(req, &ys[i]));
	for (int i = 0; i < nr; i++)
		json_array_append_new(rules, json_pack("{s:s, s:{s:s, s:s, s:s}, s:s, s:o}", "code", rs[i].code, "text", "ky",
		                                       rs[i].text_ky, "ru", rs[i].text_ru, "en", rs[i].text_en, "source",
		                                       rs[i].source, "params", json_loads(rs[i].params, 0, NULL)));
	kp_reply_json(req, 200, json_pack("{s:o, s:o, s:o}", "years", years, "rules", rules, "as_of",
	                                  kp_window_time(kp_window_now())));
}

void kp_api_ev_vin(kp_req_t *req)
{
	const char *vin = kp_req_param(req, "vin");
	kp_vin_info_t info;
	const char *why = kp_vin_check(vin, &info);
	if (why) {
		kp_reply_error(req, 400, "bad_vin", "the VIN %s", why);
		return;
	}
	kp_ev_vin_t v;
	int rc = kp_store_ev_vin(kp_api_db(req), &req->arena, vin, &v);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "VIN");
		return;
	}
	json_t *j = json_pack("{s:s, s:b, s:s, s:s}", "vin", vin, "allocated", v.found && strcmp(v.state, "allocated") == 0,
	                      "state", v.found ? v.state : "none", "region", info.region);
	if (v.found) {
		json_object_set_new(j, "year", v.year ? json_integer(v.year) : json_null());
		json_object_set_new(j, "kind", json_string(v.kind));
		json_object_set_new(j, "allocated_at", kp_window_time(v.allocated_at));
	}
	kp_reply_json(req, 200, j);
}

void kp_api_ev_year_put(kp_req_t *req)
{
	long long year = 0, total = 0, critical = 10, hold = 30;
	const char *ys = kp_req_param(req, "year");
	if (kp_parse_int(ys, 2000, 2100, &year) != 0) {
		kp_reply_error(req, 404, "not_found", "a quota year is a year from 2000 to 2100");
		return;
	}
	if (!(req->auth.role & KP_ROLE_ADMIN) &&
	    !kp_store_sw_org_staffs(kp_api_db(req), &req->arena, req->auth.org_id, "economy")) {
		kp_reply_error(req, 403, "forbidden", "the quota ledger is kept by the Ministry of Economy");
		return;
	}
	kp_ev_year_t y = {.year = (int)year};
	kp_body_int(req, "total", 0, 10000000, true, &total);
	kp_body_int(req, "critical_percent", 0, 100, false, &critical);
	kp_body_int(req, "reservation_days", 1, 366, false, &hold);
	y.day_rule = kp_body_str(req, "day_rule", 10, true);
	if (y.day_rule && strcmp(y.day_rule, "fcfs") != 0 && strcmp(y.day_rule, "pro_rata") != 0)
		kp_field_error(req, "day_rule", "must be fcfs or pro_rata");
	y.source = kp_body_str(req, "source", 500, true);
	json_t *kinds = json_object_get(req->json, "kinds"), *k;
	size_t i;
	if (!json_is_array(kinds) || json_array_size(kinds) == 0 || json_array_size(kinds) > 10)
		kp_field_error(req, "kinds", "must list the vehicle kinds admitted (bev, series_hybrid)");
	json_array_foreach(kinds, i, k)
	{
		const char *s = json_string_value(k);
		if (s == NULL || (strcmp(s, "bev") != 0 && strcmp(s, "series_hybrid") != 0))
			kp_field_error(req, kp_arena_printf(&req->arena, "kinds[%zu]", i), "must be bev or series_hybrid");
	}
	if (kp_body_check(req) != 0)
		return;
	y.total = total;
	y.critical_percent = (int)critical;
	y.reservation_days = (int)hold;
	y.kinds = kp_window_dump(req, kinds);
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_ev_year_put(kp_api_db(req), &who, &y);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "below_held", "the total is below what is already reserved and allocated for %lld", year);
		return;
	}
	if (rc == KP_DB_OK)
		rc = kp_store_ev_year_get(kp_api_db(req), &req->arena, (int)year, &y);
	if (rc != KP_DB_OK)
		kp_reply_db_error(req, rc, "quota year");
	else
		kp_reply_json(req, 200, year_json(req, &y));
}
