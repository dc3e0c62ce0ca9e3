/* stay.c: the stay calculator over HTTP (rules per nationality from the ministry's table,
 * or one given in the request) and the table itself. Anyone may ask: a traveller types
 * past entries and exits and a planned trip. */
#include "api/travel.h"
#include "core/util.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "domain/stay.h"

#include <string.h>

static json_t *rule_json(const kp_stay_rule_row_t *r)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s?, s:s?, s:s?}", "destination", r->destination, "nationality",
	                      r->nationality, "kind", r->kind, "days", r->days, "window_days", r->window, "note", r->note,
	                      "group", r->rule_group, "source", r->source);
	if (r->id) {
		json_object_set_new(j, "id", json_integer(r->id));
		json_object_set_new(j, "valid_from", kp_travel_date_json(r->valid_from));
		json_object_set_new(j, "valid_to", r->valid_to >= 0 ? kp_travel_date_json(r->valid_to) : json_null());
	}
	return j;
}

void kp_api_stay_rules_get(kp_req_t *req)
{
	const char *dest = kp_req_query(req, "destination"), *nat = kp_req_query(req, "nationality");
	const char *on = kp_req_query(req, "on");
	int64_t day = -1;
	if ((dest && kp_check_country(dest)) || (nat && strcmp(nat, "*") != 0 && kp_check_country(nat))) {
		kp_reply_error(req, 400, "bad_query", "destination and nationality must be two-letter codes like KG");
		return;
	}
	if (on && kp_date_parse_iso(on, &day) != 0) {
		kp_reply_error(req, 400, "bad_query", "on must be a date YYYY-MM-DD");
		return;
	}
	kp_stay_rule_row_t *rows;
	int n;
	int rc = kp_store_stay_rules(kp_api_db(req), &req->arena, dest, nat, day, &rows, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "stay rules");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, rule_json(&rows[i]));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* kind, days, window_days from obj into *r; problems under prefix. */
static void read_rule(kp_req_t *req, json_t *obj, const char *prefix, kp_stay_rule_t *r, const char **kind)
{
	*kind = kp_travel_str(req, obj, kp_arena_printf(&req->arena, "%skind", prefix), "kind", 20, true);
	if (*kind && kp_stay_kind_parse(*kind, &r->kind) != 0) {
		kp_field_error(req, kp_arena_printf(&req->arena, "%skind", prefix),
		               "must be reentry, rolling, per_entry, visa_required or unlimited");
		*kind = NULL;
	}
	static const char *const nums[] = {"days", "window_days"};
	int *dest[] = {&r->days, &r->window};
	for (int i = 0; i < 2; i++) {
		json_t *v = json_object_get(obj, nums[i]);
		if (v && (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 3660))
			kp_field_error(req, kp_arena_printf(&req->arena, "%s%s", prefix, nums[i]),
			               "must be a whole number from 0 to 3660");
		else
			*dest[i] = v ? (int)json_integer_value(v) : 0;
	}
	const char *why = *kind ? kp_stay_rule_check(r) : NULL;
	if (why)
		kp_field_error(req, kp_arena_printf(&req->arena, "%skind", prefix), why);
}

void kp_api_stay_rule_put(kp_req_t *req)
{
	kp_stay_rule_row_t row = {0};
	row.destination = kp_req_param(req, "destination");
	row.nationality = kp_req_param(req, "nationality");
	if (kp_check_country(row.destination) || (strcmp(row.nationality, "*") != 0 && kp_check_country(row.nationality))) {
		kp_reply_error(req, 404, "not_found", "destination is a two-letter code; nationality one too, or *");
		return;
	}
	kp_stay_rule_t r = {0};
	read_rule(req, req->json, "", &r, &row.kind);
	row.note = kp_body_str(req, "note", 300, false);
	row.source = kp_body_str(req, "source", 300, true);
	row.rule_group = kp_body_str(req, "group", 40, false);
	row.valid_from = kp_travel_today(req);
	kp_travel_date(req, req->json, "valid_from", "valid_from", false, &row.valid_from);
	if (kp_body_check(req) != 0)
		return;
	row.days = r.days;
	row.window = r.window;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_stay_rule_put(kp_api_db(req), &who, &row);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "stay rule");
		return;
	}
	kp_reply_json(req, 200, rule_json(&row));
}

/* {entry, exit} objects: the past stays and the planned one. */
static void read_stay(kp_req_t *req, json_t *o, const char *label, kp_stay_t *s, bool exit_required)
{
	if (!json_is_object(o)) {
		kp_field_error(req, label, "must be an object {entry, exit}");
		return;
	}
	kp_travel_date(req, o, kp_arena_printf(&req->arena, "%s.entry", label), "entry", true, &s->entry);
	s->exit = KP_STAY_OPEN;
	kp_travel_date(req, o, kp_arena_printf(&req->arena, "%s.exit", label), "exit", exit_required, &s->exit);
}

struct calc_form {
	kp_stay_t past[KP_STAY_MAX], planned;
	int n;
	bool has_plan;
	kp_stay_rule_t rule;
	kp_stay_rule_row_t row;
	bool rule_given;
	kp_stay_period_t periods[KP_STAY_MAX_PERIODS];
	const kp_stay_rule_row_t *period_rows[KP_STAY_MAX_PERIODS];
	int np;
};

static void read_form(kp_req_t *req, struct calc_form *f)
{
	f->row.nationality = kp_body_str_checked(req, "nationality", 2, true, kp_check_country);
	f->row.destination = kp_body_str_checked(req, "destination", 2, false, kp_check_country);
	if (f->row.destination == NULL)
		f->row.destination = kp_api_app(req)->cfg->authority_code;
	json_t *stays = json_object_get(req->json, "stays");
	if (stays && (!json_is_array(stays) || json_array_size(stays) > KP_STAY_MAX))
		kp_field_problem(req, "stays", "stays_list", NULL, "must be an array of at most 400 {entry, exit} objects");
	for (size_t i = 0; json_is_array(stays) && i < json_array_size(stays) && i < KP_STAY_MAX; i++, f->n++)
		read_stay(req, json_array_get(stays, i), kp_arena_printf(&req->arena, "stays[%zu]", i), &f->past[i],
		          i + 1 < json_array_size(stays));
	json_t *plan = json_object_get(req->json, "planned");
	if ((f->has_plan = plan && !json_is_null(plan)))
		read_stay(req, plan, "planned", &f->planned, false);
	json_t *rule = json_object_get(req->json, "rule");
	if ((f->rule_given = rule && !json_is_null(rule))) {
		if (!json_is_object(rule))
			kp_field_error(req, "rule", "must be an object {kind, days, window_days}");
		else
			read_rule(req, rule, "rule.", &f->rule, &f->row.kind);
		f->row.days = f->rule.days;
		f->row.window = f->rule.window;
	}
}

/* The table's rows as the domain's dated rules, laid over each other into f->periods. */
static void overlay(kp_req_t *req, struct calc_form *f, const kp_stay_rule_row_t *rows, int n)
{
	kp_stay_dated_t *dated = kp_arena_zalloc(&req->arena, (size_t)(n > 0 ? n : 1) * sizeof(*dated));
	int from_row[KP_STAY_MAX_PERIODS];
	for (int i = 0; i < n; i++) {
		const kp_stay_rule_row_t *r = &rows[i];
		dated[i] = (kp_stay_dated_t){strcmp(r->nationality, "*") == 0, r->valid_from,
		                             r->valid_to < 0 ? KP_STAY_OPEN : r->valid_to, {0, r->days, r->window}};
		kp_stay_kind_parse(r->kind, &dated[i].rule.kind);
	}
	f->np = kp_stay_overlay(dated, n, f->periods, from_row);
	for (int k = 0; k < f->np; k++)
		f->period_rows[k] = &rows[from_row[k]];
}

/* The dated rules from the table for the destination and nationality; answers when none. */
static int table_rules(kp_req_t *req, struct calc_form *f)
{
	kp_stay_rule_row_t *rows;
	int n;
	int rc = kp_store_stay_rule_periods(kp_api_db(req), &req->arena, f->row.destination, f->row.nationality, &rows, &n);
	if (rc == KP_DB_OK && n == 0)
		rc = KP_DB_NOTFOUND;
	if (rc == KP_DB_NOTFOUND) {
		kp_reply_error(req, 404, "not_found", "no stay rule for destination %s", f->row.destination);
		return -1;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "stay rules");
		return -1;
	}
	overlay(req, f, rows, n);
	return 0;
}

static json_t *day_or_null(int64_t d)
{
	return d < 0 || d == INT64_MAX ? json_null() : kp_travel_date_json(d);
}

static json_t *period_json(const struct calc_form *f, int k)
{
	if (k < 0)
		return json_null();
	kp_stay_rule_row_t row = *f->period_rows[k];
	row.valid_from = f->periods[k].from;
	row.valid_to = f->periods[k].to == KP_STAY_OPEN ? -1 : f->periods[k].to;
	row.nationality = f->row.nationality; /* the person's, also when the '*' row applied */
	return rule_json(&row);
}

static json_t *result_json(const struct calc_form *f, const kp_stay_result_t *o)
{
	json_t *rule;
	if (f->rule_given) {
		rule = rule_json(&f->row);
		json_object_set_new(rule, "source", json_string("request"));
	} else {
		rule = period_json(f, o->rule_index);
	}
	json_t *days_left = o->days_left == INT64_MAX ? json_null() : json_integer(o->days_left);
	int64_t wend = o->entry_allowed && o->last_legal_day != INT64_MAX ? o->last_legal_day : o->stay_entry;
	json_t *window = o->window_start >= 0 ? json_pack("{s:o, s:o}", "start", kp_travel_date_json(o->window_start),
	                                                  "end", kp_travel_date_json(wend))
	                                      : json_null();
	json_t *j = json_pack("{s:o, s:s, s:s, s:o, s:b, s:I, s:o, s:o, s:I, s:o, s:b, s:o}", "rule", rule, "rule_applied",
	                      o->rule_applied, "explanation", o->explanation, "stay_entry",
	                      kp_travel_date_json(o->stay_entry), "entry_allowed", o->entry_allowed, "days_used",
	                      (json_int_t)o->days_used, "days_left", days_left, "last_legal_day",
	                      day_or_null(o->last_legal_day), "overstay_days", (json_int_t)o->overstay_days,
	                      "earliest_entry", day_or_null(o->earliest_entry), "evisa_needed", o->evisa_needed, "window",
	                      window);
	json_object_set_new(j, "earliest_full_entry", f->rule_given ? json_null() : day_or_null(o->earliest_full_entry));
	json_object_set_new(j, "last_day_rule", f->rule_given ? json_null() : period_json(f, o->last_rule));
	return j;
}

/* The stays' problem on the date field it is about (stays[i].exit, planned.entry...). */
static void stay_problem(kp_req_t *req, const struct calc_form *f, int rc, const char *err)
{
	kp_stay_problem_t p;
	if (rc == KP_STAY_ERULE || kp_stay_check(f->past, f->n, f->has_plan ? &f->planned : NULL, &p) == KP_STAY_OK) {
		kp_field_problem(req, "rule", "rule_kind", NULL, err);
	} else {
		const char *field = p.index >= 0 ? kp_arena_printf(&req->arena, "stays[%d].%s", p.index, p.part)
		                    : p.part ? kp_arena_printf(&req->arena, "planned.%s", p.part)
		                             : "stays";
		kp_field_problem(req, field, p.code, NULL, p.text);
	}
	kp_body_check(req);
}

void kp_api_stay_calculate(kp_req_t *req)
{
	struct calc_form *f = kp_arena_zalloc(&req->arena, sizeof(*f));
	read_form(req, f);
	if (kp_body_check(req) != 0)
		return;
	if (!f->rule_given && table_rules(req, f) != 0)
		return;
	kp_stay_result_t o;
	const char *err = NULL;
	const kp_stay_t *plan = f->has_plan ? &f->planned : NULL;
	int rc = f->rule_given ? kp_stay_calculate(&f->rule, f->past, f->n, plan, &o, &err)
	                       : kp_stay_calculate_dated(f->periods, f->np, f->past, f->n, plan, &o, &err);
	if (rc == KP_STAY_ENORULE) {
		kp_field_problem(req, "planned.entry", "no_rule_in_force", NULL, "no stay rule is in force on the entry day");
		kp_reply_error(req, 422, "no_rule_in_force", "no stay rule of %s for nationality %s is in force on the entry day",
		               f->row.destination, f->row.nationality);
		return;
	}
	if (rc != KP_STAY_OK) {
		stay_problem(req, f, rc, err);
		return;
	}
	kp_reply_json(req, 200, result_json(f, &o));
}
