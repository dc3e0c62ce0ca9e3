/* rules.c: rule data the ministry keeps, over HTTP: public holidays (with their sources), a
 * checkpoint's open season and weekly hours changed from a date (now or later; a later one
 * waits in rule_changes and is applied when due), the history of those changes, and the
 * notices left to drivers whose bookings a closure cancelled. Every change is audited. */
#include "api/rules.h"
#include "api/travel.h"
#include "core/util.h"
#include "domain/dates.h"
#include "domain/schedule.h"
#include "store/checkpoints.h"
#include "store/registry.h"
#include "store/rules.h"

#include <string.h>

static void reload_registry(kp_req_t *req)
{
	if (kp_api_app(req)->registry && kp_registry_reload(kp_api_app(req)->registry) != 0)
		kp_reply_error(req, 500, "internal", "the change was stored but the registry could not be reloaded; it was"
		                                     " logged as %s", req->request_id);
}

static const char *check_country(const char *c)
{
	return strlen(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
	           ? NULL
	           : "must be a two-letter upper-case country code like KG";
}

static json_t *holiday_json(const kp_holiday_row_t *h)
{
	char date[11] = "";
	if (h->year)
		kp_date_format_iso(kp_days_from_civil(h->year, h->month, h->day), date);
	return json_pack("{s:I, s:s, s:o, s:i, s:i, s:s?, s:s, s:{s:s, s:s?, s:s?}, s:s?}", "id", (json_int_t)h->id,
	                 "country", h->country, "year", h->year ? json_integer(h->year) : json_null(), "month", h->month,
	                 "day", h->day, "date", h->year ? date : NULL, "name", h->name, "names", "en", h->name, "ky",
	                 h->name_ky, "ru", h->name_ru, "source", h->source);
}

void kp_api_holidays_get(kp_req_t *req)
{
	const char *country = kp_req_query(req, "country");
	long long year;
	if (kp_req_query_int(req, "year", 1900, 2200, 0, &year) != 0)
		return;
	if (country && check_country(country)) {
		kp_reply_error(req, 400, "bad_query", "country must be a two-letter code like CN");
		return;
	}
	kp_holiday_row_t *rows;
	int n;
	int rc = kp_store_holidays(kp_api_db(req), &req->arena, country, (int)year, &rows, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "holidays");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, holiday_json(&rows[i]));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* Body: country, name, source and either date (that year only) or month and day (every year). */
void kp_api_holiday_add(kp_req_t *req)
{
	kp_holiday_row_t h = {0};
	h.country = kp_body_str_checked(req, "country", 2, true, check_country);
	h.name = kp_body_str(req, "name", 100, true);
	h.name_ky = kp_body_str(req, "name_ky", 100, false);
	h.name_ru = kp_body_str(req, "name_ru", 100, false);
	h.source = kp_body_str(req, "source", 300, true);
	const char *date = kp_body_str(req, "date", 10, false);
	long long month = 0, day = 0;
	bool m = kp_body_int(req, "month", 1, 12, false, &month), d = kp_body_int(req, "day", 1, 31, false, &day);
	if (date) {
		int64_t dn;
		if (kp_date_parse_iso(date, &dn) != 0)
			kp_field_error(req, "date", "must be a date YYYY-MM-DD between 1900 and 2200");
		else
			kp_civil_from_days(dn, &h.year, &h.month, &h.day);
	} else if (m && d && kp_date_valid(2024, (int)month, (int)day)) {
		h.month = (int)month;
		h.day = (int)day;
	} else {
		kp_field_error(req, "date", "give a date (that year) or a valid month and day (every year)");
	}
	if (kp_body_check(req) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_holiday_add(kp_api_db(req), &who, &h);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "conflict", "that country already has a holiday on that day");
		return;
	}
	if (rc == KP_DB_REF) {
		kp_field_error(req, "country", "is not a country of the registry's crossings");
		kp_body_check(req);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "holiday");
		return;
	}
	reload_registry(req);
	if (req->status == 0)
		kp_reply_json(req, 201, holiday_json(&h));
}

void kp_api_holiday_delete(kp_req_t *req)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_holiday_delete(kp_api_db(req), &who, id);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "holiday");
		return;
	}
	reload_registry(req);
	if (req->status == 0)
		kp_reply_json(req, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
}

/* The path's checkpoint, when it is in the registry. */
static bool known_checkpoint(kp_req_t *req, const char *code)
{
	kp_registry_t *reg = kp_api_app(req)->registry;
	if (reg == NULL) {
		kp_reply_error(req, 503, "busy", "the checkpoint registry is not loaded; try again in a moment");
		return false;
	}
	bool found = kp_cp_set_find(kp_registry_acquire(reg), code) != NULL;
	kp_registry_release(reg);
	if (!found)
		kp_reply_error(req, 404, "not_found", "no such checkpoint; GET /api/v1/checkpoints lists them");
	return found;
}

static json_t *change_json(const kp_rule_change_t *ch)
{
	char eff[32], at[32], applied[32];
	kp_iso8601(ch->effective_from, eff, sizeof(eff));
	kp_iso8601(ch->created_at, at, sizeof(at));
	if (ch->applied_at)
		kp_iso8601(ch->applied_at, applied, sizeof(applied));
	return json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:s?}", "id", (json_int_t)ch->id, "kind", ch->kind,
	                 "checkpoint", ch->checkpoint, "change", json_loads(ch->payload, 0, NULL), "source", ch->source,
	                 "effective_from", eff, "created_at", at, "applied_at", ch->applied_at ? applied : NULL);
}

/* effective_from (an instant or a date, local) and source, common to the changes. */
static void read_when(kp_req_t *req, kp_rule_change_t *ch)
{
	ch->source = kp_body_str(req, "source", 300, true);
	const char *eff = kp_body_str(req, "effective_from", 30, false);
	int offset = (int)kp_api_app(req)->cfg->utc_offset_minutes;
	ch->effective_from = kp_now();
	int64_t day;
	if (eff && strlen(eff) == 10 && kp_date_parse_iso(eff, &day) == 0)
		ch->effective_from = kp_local_day_start(day, offset);
	else if (eff && kp_parse_instant(eff, offset, &ch->effective_from) != 0)
		kp_field_problem(req, "effective_from", "date", NULL, "must be a date like 2027-05-25 or a time like 2027-05-25T08:00");
}

static void reply_change(kp_req_t *req, kp_rule_change_t *ch)
{
	if (kp_body_check(req) != 0 || !known_checkpoint(req, ch->checkpoint))
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_rule_change_add(kp_api_db(req), &who, ch, kp_now());
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "rule change");
		return;
	}
	if (ch->applied_at)
		reload_registry(req);
	json_t *j = change_json(ch);
	if (ch->applied_at) /* bookings at hours the crossing no longer serves, as a closure's */
		json_object_set_new(j, "bookings_cancelled", json_integer(ch->bookings_cancelled));
	if (req->status == 0)
		kp_reply_json(req, ch->applied_at ? 200 : 202, j);
	else
		json_decref(j);
}

/* Body: from, to ('MM-DD', both or neither: all year), source, effective_from. */
void kp_api_season_put(kp_req_t *req)
{
	kp_rule_change_t ch = {.kind = "season", .checkpoint = kp_req_param(req, "code")};
	json_t *from = json_object_get(req->json, "from"), *to = json_object_get(req->json, "to");
	signed char m, d;
	const char *f = json_string_value(from), *t = json_string_value(to);
	if ((from && !json_is_null(from) && (!f || kp_cp_parse_mmdd(f, &m, &d) != 0)))
		kp_field_problem(req, "from", "day_of_year", NULL, "must be a day of the year like 05-25, or null (all year)");
	if ((to && !json_is_null(to) && (!t || kp_cp_parse_mmdd(t, &m, &d) != 0)))
		kp_field_problem(req, "to", "day_of_year", NULL, "must be a day of the year like 09-30, or null (all year)");
	if ((f == NULL) != (t == NULL))
		kp_field_problem(req, "to", "season_both", NULL, "give both from and to, or neither (open all year)");
	read_when(req, &ch);
	ch.payload = kp_arena_strdup(&req->arena, kp_travel_dump(req, json_pack("{s:s?, s:s?}", "from", f, "to", t)));
	reply_change(req, &ch);
}

/* The two countries of checkpoint code (its own, then its neighbour's) into sides; false
 * when the registry does not know it (reply_change then answers 404 or 503). */
static bool checkpoint_sides(kp_req_t *req, const char *code, char sides[2][3])
{
	kp_registry_t *reg = kp_api_app(req)->registry;
	if (reg == NULL)
		return false;
	const kp_checkpoint_t *cp = kp_cp_set_find(kp_registry_acquire(reg), code);
	if (cp) {
		snprintf(sides[0], 3, "%s", cp->country);
		snprintf(sides[1], 3, "%s", cp->neighbour);
	}
	kp_registry_release(reg);
	return cp != NULL;
}

/* Body: hours [{side, kind (open|break), days ('12345'), opens, closes ('HH:MM')}], source,
 * effective_from. Each side is the checkpoint's country or its neighbour, with at most
 * KP_CP_MAX_WINDOWS windows: the registry keeps no others, so a window for another country
 * would leave the checkpoint with no hours at all (open round the clock). */
void kp_api_hours_put(kp_req_t *req)
{
	kp_rule_change_t ch = {.kind = "hours", .checkpoint = kp_req_param(req, "code")};
	char sides[2][3];
	bool known = checkpoint_sides(req, ch.checkpoint, sides);
	int per_side[2] = {0, 0};
	json_t *hours = json_object_get(req->json, "hours");
	if (!json_is_array(hours) || json_array_size(hours) > 2 * KP_CP_MAX_WINDOWS)
		kp_field_error(req, "hours", "must be an array of at most 16 windows {side, kind, days, opens, closes}");
	json_t *clean = json_array(), *w;
	size_t i;
	json_array_foreach(json_is_array(hours) ? hours : NULL, i, w)
	{
		const char *side = json_string_value(json_object_get(w, "side")), *kind = json_string_value(json_object_get(w, "kind"));
		const char *days = json_string_value(json_object_get(w, "days"));
		const char *o = json_string_value(json_object_get(w, "opens")), *c = json_string_value(json_object_get(w, "closes"));
		int from = kp_cp_parse_hhmm(o), to = kp_cp_parse_hhmm(c);
		if (!side || check_country(side) || !kind || (strcmp(kind, "open") && strcmp(kind, "break")) ||
		    kp_cp_parse_days(days) < 0 || from < 0 || to <= from)
			kp_field_error(req, kp_arena_printf(&req->arena, "hours[%zu]", i),
			               "needs side (two letters), kind open or break, days like 12345, opens and closes HH:MM"
			               " with closes after opens");
		else if (known && strcmp(side, sides[0]) != 0 && strcmp(side, sides[1]) != 0)
			kp_field_error(req, kp_arena_printf(&req->arena, "hours[%zu].side", i),
			               kp_arena_printf(&req->arena, "must be %s or %s, the two countries of this checkpoint",
			                               sides[0], sides[1]));
		else if (known && ++per_side[strcmp(side, sides[0]) == 0 ? 0 : 1] > KP_CP_MAX_WINDOWS)
			kp_field_error(req, kp_arena_printf(&req->arena, "hours[%zu]", i),
			               kp_arena_printf(&req->arena, "a side keeps at most %d windows", KP_CP_MAX_WINDOWS));
		else
			json_array_append_new(clean, json_pack("{s:s, s:s, s:s, s:s, s:s}", "side", side, "kind", kind, "days",
			                                       days, "opens", o, "closes", c));
	}
	read_when(req, &ch);
	ch.payload = kp_arena_strdup(&req->arena, kp_travel_dump(req, json_pack("{s:o}", "hours", clean)));
	reply_change(req, &ch);
}

void kp_api_rule_changes_get(kp_req_t *req)
{
	const char *cp = kp_req_query(req, "checkpoint");
	kp_rule_change_t *rows;
	int n;
	int rc = kp_store_rule_changes(kp_api_db(req), &req->arena, cp, 200, &rows, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "rule changes");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, change_json(&rows[i]));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void kp_api_booking_notices_get(kp_req_t *req)
{
	kp_booking_notice_t *rows;
	int n;
	int rc = kp_store_booking_notices(kp_api_db(req), &req->arena, req->auth.user_id, 50, &rows, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "notices");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		char at[32], slot[32];
		kp_iso8601(rows[i].created_at, at, sizeof(at));
		if (rows[i].slot_starts_at)
			kp_iso8601(rows[i].slot_starts_at, slot, sizeof(slot));
		json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s?, s:s, s:s}", "id",
		                                       (json_int_t)rows[i].id, "booking_id", (json_int_t)rows[i].booking_id,
		                                       "kind", rows[i].kind, "checkpoint", rows[i].checkpoint, "plate",
		                                       rows[i].plate, "slot_starts_at", rows[i].slot_starts_at ? slot : NULL,
		                                       "reason", rows[i].reason, "created_at", at));
	}
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}
