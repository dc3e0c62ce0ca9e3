/* checkpoint_views.c: JSON views of checkpoints, their status, crossings, slots and bookings. */
#include "api/checkpoint_views.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

json_t *kp_api_time_or_null(int64_t t)
{
	if (t == 0)
		return json_null();
	char buf[32];
	kp_iso8601(t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *modes_json(unsigned modes)
{
	json_t *a = json_array();
	for (int i = 0; i < KP_MODE_COUNT; i++)
		if (modes & (1u << i))
			json_array_append_new(a, json_string(kp_mode_name(1u << i)));
	return a;
}

static json_t *hours_json(const kp_checkpoint_t *cp)
{
	json_t *a = json_array();
	for (int s = 0; s < 2; s++) {
		const kp_cp_side_t *side = &cp->schedule.sides[s];
		for (int i = 0; i < side->nwindows; i++) {
			const kp_cp_window_t *w = &side->windows[i];
			char days[8], opens[8], closes[8];
			int n = 0;
			for (int d = 0; d < 7; d++)
				if (w->days & (1 << d))
					days[n++] = (char)('1' + d);
			days[n] = '\0';
			snprintf(opens, sizeof(opens), "%02u:%02u", (unsigned)(w->from / 60) % 100u, (unsigned)w->from % 60u);
			snprintf(closes, sizeof(closes), "%02u:%02u", (unsigned)(w->to / 60) % 100u, (unsigned)w->to % 60u);
			json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s}", "side", side->country, "kind",
			                                   w->is_break ? "break" : "open", "days", days, "opens", opens,
			                                   "closes", closes));
		}
	}
	return a;
}

json_t *kp_api_names_json(const char *en, const char *ky, const char *ru)
{
	return en ? json_pack("{s:s, s:s?, s:s?}", "en", en, "ky", ky, "ru", ru) : json_null();
}

static json_t *closures_json(const kp_checkpoint_t *cp)
{
	json_t *a = json_array();
	for (int i = 0; i < cp->schedule.nclosures; i++) {
		const kp_cp_closure_t *c = &cp->schedule.closures[i];
		json_array_append_new(a, json_pack("{s:I, s:o, s:o, s:s, s:o}", "id", (json_int_t)c->id, "from",
		                                   kp_api_time_or_null(c->from), "to", kp_api_time_or_null(c->to), "reason",
		                                   c->reason, "reason_names",
		                                   kp_api_names_json(c->reason, c->reason_ky, c->reason_ru)));
	}
	return a;
}

json_t *kp_api_checkpoint_json(const kp_checkpoint_t *cp, bool detailed)
{
	json_t *cap = json_object();
	for (int f = 0; f < KP_FLOW_COUNT; f++)
		if (cp->capacity[f] >= 0)
			json_object_set_new(cap, kp_flows[f], json_integer(cp->capacity[f]));
	json_t *j = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:{s:s, s:s}, s:f, s:f, s:o, s:b, s:s?, s:s?, s:o, s:s?}",
	                      "code", cp->code, "country", cp->country, "neighbour", cp->neighbour, "name", "en",
	                      cp->name_en, "ru", cp->name_ru, "ky", cp->name_ky, "posts", cp->country, cp->post_name,
	                      cp->neighbour, cp->neighbour_post_name, "lat", cp->lat, "lon", cp->lon, "modes",
	                      modes_json(cp->schedule.modes), "foreigners", cp->schedule.foreigners, "permission",
	                      cp->permission, "border_zone", cp->border_zone, "capacity", cap, "notes", cp->notes);
	json_object_set_new(j, "permission_names", kp_api_names_json(cp->permission, cp->permission_ky, cp->permission_ru));
	json_object_set_new(j, "notes_names", kp_api_names_json(cp->notes, cp->notes_ky, cp->notes_ru));
	json_object_set_new(j, "border_zone_names",
	                    kp_api_names_json(cp->border_zone, cp->border_zone_ky, cp->border_zone_ru));
	json_object_set_new(j, "post_names",
	                    json_pack("{s:o, s:o}", cp->country,
	                              kp_api_names_json(cp->post_name, cp->post_name_ky, cp->post_name_ru), cp->neighbour,
	                              kp_api_names_json(cp->neighbour_post_name, cp->neighbour_post_name_ky,
	                                                cp->neighbour_post_name_ru)));
	json_object_set_new(j, "utc_offsets", json_pack("{s:i, s:i}", cp->country, cp->schedule.sides[0].offset_minutes,
	                                                cp->neighbour, cp->schedule.sides[1].offset_minutes));
	if (!detailed)
		return j;
	json_object_set_new(j, "hours", hours_json(cp));
	json_object_set_new(j, "closures", closures_json(cp));
	json_object_set_new(j, "holiday_rule", json_string(cp->holiday_rule));
	json_object_set_new(j, "sources", cp->sources ? json_string(cp->sources) : json_null());
	json_object_set_new(j, "season", cp->season_from && cp->season_to
	                                     ? json_pack("{s:s, s:s}", "from", cp->season_from, "to", cp->season_to)
	                                     : json_null());
	return j;
}

/* A sentence for a reason, in English (the web UI translates by code). */
static const char *reason_message(kp_arena_t *a, const kp_checkpoint_t *cp, const kp_cp_reason_t *r, unsigned mode)
{
	int offset = cp->schedule.sides[0].offset_minutes;
	char until[17] = "";
	if (r->until)
		kp_format_local(r->until, offset, until);
	const char *side = r->side ? r->side : "";
	if (strcmp(r->code, "CLOSED_LUNCH") == 0)
		return kp_arena_printf(a, "the %s side is closed for lunch until %s (%s local time)", side, until, cp->country);
	if (strcmp(r->code, "CLOSED_HOURS") == 0)
		return kp_arena_printf(a, "the %s side is outside its working hours; it opens %s (%s local time)", side,
		                       until, cp->country);
	if (strcmp(r->code, "CLOSED_HOLIDAY") == 0)
		return kp_arena_printf(a, "the %s side is closed for a public holiday (%s)", side, r->detail);
	if (strcmp(r->code, "CLOSED_SEASON") == 0)
		return kp_arena_printf(a, "closed for the season (open %s to %s); it reopens %s", cp->season_from,
		                       cp->season_to, until);
	if (strcmp(r->code, "CLOSED") == 0) {
		char since[17];
		kp_format_local(r->since, offset, since);
		return kp_arena_printf(a, "closed since %s (%s)%s%s", since, r->detail, r->until ? "; until " : "",
		                       r->until ? until : "");
	}
	if (strcmp(r->code, "MODE_NOT_ALLOWED") == 0)
		return kp_arena_printf(a, "%s traffic is not allowed here; allowed: %s", mode ? kp_mode_name(mode) : "this",
		                       cp->modes_text);
	if (strcmp(r->code, "FOREIGNERS_NOT_ALLOWED") == 0)
		return "foreigners may not use this crossing";
	return r->code;
}

json_t *kp_api_cp_status_json(const kp_checkpoint_t *cp, const kp_cp_status_t *st, int64_t at, unsigned mode)
{
	kp_arena_t a;
	kp_arena_init(&a);
	json_t *reasons = json_array();
	for (int i = 0; i < st->nreasons; i++) {
		const kp_cp_reason_t *r = &st->reasons[i];
		json_array_append_new(reasons, json_pack("{s:s, s:s?, s:s?, s:o, s:s, s:o, s:o}", "code", r->code, "side",
		                                         r->side, "detail", r->detail, "detail_names",
		                                         kp_api_names_json(r->detail, r->detail_ky, r->detail_ru), "message",
		                                         reason_message(&a, cp, r, mode), "since",
		                                         kp_api_time_or_null(r->since), "until",
		                                         kp_api_time_or_null(r->until)));
	}
	kp_arena_cleanup(&a);
	char local0[17], local1[17], at_text[32];
	kp_format_local(at, cp->schedule.sides[0].offset_minutes, local0);
	kp_format_local(at, cp->schedule.sides[1].offset_minutes, local1);
	kp_iso8601(at, at_text, sizeof(at_text));
	return json_pack("{s:s, s:{s:s, s:s}, s:s?, s:b, s:o, s:o, s:b, s:s?, s:o}", "at", at_text, "local_time",
	                 cp->country, local0, cp->neighbour, local1, "mode", mode ? kp_mode_name(mode) : NULL, "open",
	                 st->open, "reasons", reasons, "next_open", kp_api_time_or_null(st->next_open),
	                 "permission_needed", cp->permission != NULL, "permission", cp->permission, "permission_names",
	                 kp_api_names_json(cp->permission, cp->permission_ky, cp->permission_ru));
}

json_t *kp_api_crossing_json(const kp_crossing_t *x)
{
	json_t *persons = json_array();
	for (int i = 0; i < x->npersons; i++)
		json_array_append_new(persons, json_pack("{s:s?, s:s?, s:s?, s:b}", "name", x->persons[i].name, "nationality",
		                                         x->persons[i].nationality, "passport", x->persons[i].passport,
		                                         "driver", x->persons[i].driver));
	json_t *flags = json_array();
	for (const char *p = x->flags; p && *p;) {
		size_t n = strcspn(p, ",");
		json_array_append_new(flags, json_stringn(p, n));
		p += n + (p[n] == ',');
	}
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:o, s:s?, s:s?, s:s?, s:i, s:o}", "id",
	                      (json_int_t)x->id, "checkpoint", x->checkpoint, "direction", x->direction, "flow", x->flow,
	                      "vehicle_kind", x->vehicle_kind, "plate", x->plate, "plate_source", x->plate_source,
	                      "vehicle_country", x->vehicle_country,
	                      "weight_kg", x->weight_kg ? json_integer(x->weight_kg) : json_null(), "scan_result",
	                      x->scan_result, "xray_result", x->xray_result, "radiation_result", x->radiation_result,
	                      "people", x->people, "persons", persons);
	json_t *more = json_pack("{s:{s:s, s:s?, s:s?}, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:s?}", "permit", "match",
	                         x->permit_match, "id", x->permit_id, "problem", x->permit_problem, "flags", flags,
	                         "inspection", x->inspection, "booking_id",
	                         x->booking_id ? json_integer(x->booking_id) : json_null(), "checked_in_at",
	                         kp_api_time_or_null(x->checked_in_at), "at", kp_api_time_or_null(x->at), "recorded_by",
	                         x->recorded_by ? json_integer(x->recorded_by) : json_null(), "device_id",
	                         x->device_id ? json_integer(x->device_id) : json_null(), "note", x->note);
	json_object_update(j, more);
	json_decref(more);
	return j;
}

json_t *kp_api_slot_json(const kp_slot_t *s)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:i, s:i, s:i, s:i, s:i}", "id", (json_int_t)s->id, "checkpoint",
	                 s->checkpoint, "flow", s->flow, "starts_at", kp_api_time_or_null(s->starts_at), "ends_at",
	                 kp_api_time_or_null(s->ends_at), "capacity", s->capacity, "booked", s->booked, "left",
	                 s->capacity - s->booked, "priority_cap", s->priority_cap, "priority_booked", s->priority_booked);
}

json_t *kp_api_booking_json(const kp_booking_t *b)
{
	json_t *j = json_pack("{s:I, s:s, s:o, s:s, s:s, s:s?, s:s, s:b, s:o, s:o}", "id", (json_int_t)b->id, "checkpoint",
	                      b->checkpoint, "slot_id", b->slot_id ? json_integer(b->slot_id) : json_null(), "flow",
	                      b->flow, "plate", b->plate, "priority", b->priority, "status", b->status, "live",
	                      b->slot_id == 0, "slot_starts_at", kp_api_time_or_null(b->slot_starts_at), "slot_ends_at",
	                      kp_api_time_or_null(b->slot_ends_at));
	json_t *more = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "created_at", kp_api_time_or_null(b->created_at),
	                         "checked_in_at", kp_api_time_or_null(b->checked_in_at), "called_at",
	                         kp_api_time_or_null(b->called_at), "call_deadline", kp_api_time_or_null(b->call_deadline),
	                         "closed_at", kp_api_time_or_null(b->closed_at), "crossing_id",
	                         b->crossing_id ? json_integer(b->crossing_id) : json_null());
	json_object_update(j, more);
	json_decref(more);
	if (b->position)
		json_object_set_new(j, "position", json_integer(b->position));
	if (b->lang)
		json_object_set_new(j, "lang", json_string(b->lang)); /* the queue call's language */
	return j;
}

int kp_api_status_query(kp_req_t *req, int offset, int64_t *at, unsigned *mode, bool *foreign)
{
	const char *q = kp_req_query(req, "at");
	*at = kp_now();
	if (q && *q && kp_parse_instant(q, offset, at) != 0) {
		kp_reply_error(req, 400, "bad_query",
		               "at must be a time like 2026-11-24T12:00 (local time at the checkpoint), 2026-11-24T06:00:00Z"
		               " or 2026-11-24T12:00+06:00");
		return -1;
	}
	q = kp_req_query(req, "mode");
	*mode = 0;
	if (q && *q && (*mode = kp_mode_parse(q)) == 0) {
		kp_reply_error(req, 400, "bad_query", "mode must be pedestrian, bicycle, car, motorcycle, bus or truck");
		return -1;
	}
	return kp_api_query_bool(req, "foreign", foreign);
}

int kp_api_query_bool(kp_req_t *req, const char *name, bool *out)
{
	const char *q = kp_req_query(req, name);
	*out = false;
	if (q == NULL || *q == '\0')
		return 0;
	if (strcmp(q, "true") && strcmp(q, "false") && strcmp(q, "1") && strcmp(q, "0")) {
		kp_reply_error(req, 400, "bad_query", "query parameter '%s' must be true or false", name);
		return -1;
	}
	*out = strcmp(q, "true") == 0 || strcmp(q, "1") == 0;
	return 0;
}
