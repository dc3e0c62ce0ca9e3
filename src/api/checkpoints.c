/* checkpoints.c: the checkpoint registry over HTTP: every crossing with its status now
 * or at a chosen time for a kind of traffic, "can I cross here, now, with this?", and the
 * ministry's changes (traffic allowed, permission, capacity, closures). Reads come from
 * the registry in memory; every change reloads it. */
#include "api/api.h"
#include "api/checkpoint_views.h"
#include "core/util.h"
#include "store/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The registry, or an answer (503) when it is not loaded. */
static const kp_cp_set_t *registry(kp_req_t *req)
{
	kp_registry_t *r = kp_api_app(req)->registry;
	if (r == NULL) {
		kp_reply_error(req, 503, "busy", "the checkpoint registry is not loaded; try again in a moment");
		return NULL;
	}
	return kp_registry_acquire(r);
}

static void done(kp_req_t *req)
{
	kp_registry_release(kp_api_app(req)->registry);
}

/* The nearest crossing open at `at` for mode among those matching the filters, other
 * than cp; NULL when none. */
static const kp_checkpoint_t *alternative(const kp_cp_set_t *set, const kp_checkpoint_t *cp, int64_t at, unsigned mode,
                                          bool foreign, double *km)
{
	const kp_checkpoint_t *best = NULL;
	for (int i = 0; i < set->n; i++) {
		const kp_checkpoint_t *o = &set->items[i];
		if (o == cp || strcmp(o->country, cp->country) || strcmp(o->neighbour, cp->neighbour))
			continue;
		kp_cp_status_t st;
		kp_cp_status(&o->schedule, at, mode, foreign, &st);
		double d = kp_geo_km(cp->lat, cp->lon, o->lat, o->lon);
		if (st.open && (best == NULL || d < *km)) {
			best = o;
			*km = d;
		}
	}
	return best;
}

void kp_api_checkpoint_list(kp_req_t *req)
{
	const char *neighbour = kp_req_query(req, "neighbour"), *country = kp_req_query(req, "country");
	if ((neighbour && kp_check_country(neighbour)) || (country && kp_check_country(country))) {
		kp_reply_error(req, 400, "bad_query", "neighbour and country must be two-letter country codes like CN");
		return;
	}
	int64_t at;
	unsigned mode;
	bool foreign;
	if (kp_api_status_query(req, kp_api_app(req)->cfg->utc_offset_minutes, &at, &mode, &foreign) != 0)
		return;
	const kp_cp_set_t *set = registry(req);
	if (set == NULL)
		return;
	json_t *items = json_array();
	for (int i = 0; i < set->n; i++) {
		const kp_checkpoint_t *cp = &set->items[i];
		if ((neighbour && strcmp(cp->neighbour, neighbour)) || (country && strcmp(cp->country, country)) ||
		    (mode && !(cp->schedule.modes & mode)))
			continue;
		kp_cp_status_t st;
		kp_cp_status(&cp->schedule, at, mode, foreign, &st);
		json_t *j = kp_api_checkpoint_json(cp, false);
		json_object_set_new(j, "status", kp_api_cp_status_json(cp, &st, at, mode));
		double km = 0;
		const kp_checkpoint_t *alt = st.open ? NULL : alternative(set, cp, at, mode, foreign, &km);
		json_object_set_new(j, "alternative",
		                    alt ? json_pack("{s:s, s:s, s:i}", "code", alt->code, "name", alt->name_en, "distance_km",
		                                    (int)(km + 0.5))
		                        : json_null());
		json_array_append_new(items, j);
	}
	done(req);
	char at_text[32];
	kp_iso8601(at, at_text, sizeof(at_text));
	kp_reply_json(req, 200, json_pack("{s:s, s:s?, s:o}", "at", at_text, "mode", mode ? kp_mode_name(mode) : NULL,
	                                  "items", items));
}

/* The checkpoint named in the path from set; answers 404 when there is none. */
static const kp_checkpoint_t *path_checkpoint(kp_req_t *req, const kp_cp_set_t *set)
{
	const kp_checkpoint_t *cp = kp_cp_set_find(set, kp_req_param(req, "code"));
	if (cp == NULL)
		kp_reply_error(req, 404, "not_found", "no such checkpoint; GET /api/v1/checkpoints lists them");
	return cp;
}

void kp_api_checkpoint_get(kp_req_t *req)
{
	const kp_cp_set_t *set = registry(req);
	if (set == NULL)
		return;
	const kp_checkpoint_t *cp = path_checkpoint(req, set);
	if (cp) {
		json_t *j = kp_api_checkpoint_json(cp, true);
		kp_cp_status_t st;
		int64_t now = kp_now();
		kp_cp_status(&cp->schedule, now, 0, false, &st);
		json_object_set_new(j, "status", kp_api_cp_status_json(cp, &st, now, 0));
		kp_reply_json(req, 200, j);
	}
	done(req);
}

void kp_api_checkpoint_status(kp_req_t *req)
{
	const kp_cp_set_t *set = registry(req);
	if (set == NULL)
		return;
	const kp_checkpoint_t *cp = path_checkpoint(req, set);
	int64_t at;
	unsigned mode;
	bool foreign;
	if (cp && kp_api_status_query(req, cp->schedule.sides[0].offset_minutes, &at, &mode, &foreign) == 0) {
		kp_cp_status_t st;
		kp_cp_status(&cp->schedule, at, mode, foreign, &st);
		json_t *j = kp_api_cp_status_json(cp, &st, at, mode);
		json_object_set_new(j, "checkpoint", json_string(cp->code));
		json_object_set_new(j, "name", json_string(cp->name_en));
		json_object_set_new(j, "foreign", json_boolean(foreign));
		kp_reply_json(req, 200, j);
	}
	done(req);
}

/* Whether the path's checkpoint exists (released before any store call). */
static bool checkpoint_exists(kp_req_t *req)
{
	const kp_cp_set_t *set = registry(req);
	if (set == NULL)
		return false;
	bool found = path_checkpoint(req, set) != NULL;
	done(req);
	return found;
}

static void reload(kp_req_t *req)
{
	if (kp_registry_reload(kp_api_app(req)->registry) != 0)
		kp_reply_error(req, 500, "internal", "the change was stored but the registry could not be reloaded; it was"
		                                     " logged as %s", req->request_id);
}

static void read_capacity(kp_req_t *req, kp_checkpoint_change_t *ch)
{
	json_t *cap = json_object_get(req->json, "capacity");
	for (int f = 0; f < KP_FLOW_COUNT; f++)
		ch->capacity[f] = -1;
	if (cap == NULL || json_is_null(cap))
		return;
	if (!json_is_object(cap)) {
		kp_field_problem(req, "capacity", "capacity_object", NULL, "must be an object such as {\"truck\": 1000, \"car\": 2000}");
		return;
	}
	const char *flow;
	json_t *v;
	json_object_foreach(cap, flow, v) {
		int f = kp_flow_index(flow);
		if (f < 0) {
			kp_field_problem(req, "capacity", "capacity_flow", NULL, "must map pedestrian, car, bus or truck to a number");
			return;
		}
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000000) {
			kp_field_problem(req, kp_arena_printf(&req->arena, "capacity.%s", flow), "number_range",
			                 json_pack("{s:i, s:i}", "min", 0, "max", 1000000), "must be a whole number from 0 to 1000000");
			continue;
		}
		ch->capacity[f] = json_integer_value(v);
	}
}

/* modes: a non-empty array of mode names, stored as a comma list in the arena. */
static const char *read_modes(kp_req_t *req)
{
	json_t *modes = json_object_get(req->json, "modes");
	if (modes == NULL || json_is_null(modes))
		return NULL;
	char buf[80] = "";
	size_t i, o = 0;
	json_t *m;
	unsigned mask;
	bool ok = json_is_array(modes) && json_array_size(modes) >= 1 && json_array_size(modes) <= KP_MODE_COUNT;
	json_array_foreach(modes, i, m) {
		if (!ok || !json_is_string(m) || kp_mode_parse(json_string_value(m)) == 0) {
			ok = false;
			break;
		}
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? "," : "", json_string_value(m));
	}
	if (!ok || kp_modes_parse(buf, &mask) != 0) {
		kp_field_problem(req, "modes", "modes", NULL,
		                 "must list one or more of pedestrian, bicycle, car, motorcycle, bus, truck");
		return NULL;
	}
	return kp_arena_strdup(&req->arena, buf);
}

void kp_api_checkpoint_update(kp_req_t *req)
{
	kp_checkpoint_change_t ch = {0};
	ch.modes = read_modes(req);
	json_t *foreigners = json_object_get(req->json, "foreigners");
	ch.foreigners = json_is_boolean(foreigners) ? json_is_true(foreigners) : -1;
	if (foreigners && !json_is_boolean(foreigners) && !json_is_null(foreigners))
		kp_field_problem(req, "foreigners", "boolean", NULL, "must be true or false");
	ch.clear_permission = json_is_null(json_object_get(req->json, "permission"));
	ch.permission = kp_body_str(req, "permission", 300, false);
	ch.permission_ky = kp_body_str(req, "permission_ky", 300, false);
	ch.permission_ru = kp_body_str(req, "permission_ru", 300, false);
	if ((ch.permission_ky || ch.permission_ru) && ch.permission == NULL)
		kp_field_problem(req, ch.permission_ky ? "permission_ky" : "permission_ru", "needs_english", NULL,
		                 "is given with permission (in English), which it translates");
	ch.notes = kp_body_str(req, "notes", 1000, false);
	ch.notes_ky = kp_body_str(req, "notes_ky", 1000, false);
	ch.notes_ru = kp_body_str(req, "notes_ru", 1000, false);
	if ((ch.notes_ky || ch.notes_ru) && ch.notes == NULL)
		kp_field_problem(req, ch.notes_ky ? "notes_ky" : "notes_ru", "needs_english", NULL,
		                 "is given with notes (in English), which it translates");
	read_capacity(req, &ch);
	if (kp_body_check(req) != 0 || !checkpoint_exists(req))
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_checkpoint_update(kp_api_db(req), &who, kp_req_param(req, "code"), &ch);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "checkpoint");
		return;
	}
	reload(req);
	if (req->status == 0)
		kp_api_checkpoint_get(req);
}

void kp_api_closure_add(kp_req_t *req)
{
	const char *from_s = kp_body_str(req, "from", 30, false), *to_s = kp_body_str(req, "to", 30, false);
	const char *reason = kp_body_str(req, "reason", 300, true);
	const char *reason_ky = kp_body_str(req, "reason_ky", 300, false), *reason_ru = kp_body_str(req, "reason_ru", 300, false);
	int64_t from = kp_now(), to = 0;
	int offset = (int)kp_api_app(req)->cfg->utc_offset_minutes;
	if (from_s && kp_parse_instant(from_s, offset, &from) != 0)
		kp_field_problem(req, "from", "time", NULL, "must be a time like 2026-12-01T08:00 or 2026-12-01T02:00:00Z");
	if (to_s && kp_parse_instant(to_s, offset, &to) != 0)
		kp_field_problem(req, "to", "time", NULL, "must be a time like 2026-12-05T18:00 or 2026-12-05T12:00:00Z");
	else if (to_s && to <= from)
		kp_field_problem(req, "to", "to_before_from", NULL, "must be after from");
	if (kp_body_check(req) != 0 || !checkpoint_exists(req))
		return;
	kp_actor_t who = kp_api_actor(req);
	int64_t id = 0;
	int cancelled = 0;
	int rc = kp_store_closure_add(kp_api_db(req), &who, kp_req_param(req, "code"), from, to, reason, reason_ky,
	                              reason_ru, &id, &cancelled);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "closure");
		return;
	}
	reload(req);
	if (req->status)
		return;
	char f[32], t[32];
	kp_iso8601(from, f, sizeof(f));
	kp_iso8601(to, t, sizeof(t));
	kp_reply_json(req, 201, json_pack("{s:I, s:s, s:s, s:s?, s:s, s:o, s:i}", "id", (json_int_t)id, "checkpoint",
	                                  kp_req_param(req, "code"), "from", f, "to", to ? t : NULL, "reason", reason,
	                                  "reason_names", kp_api_names_json(reason, reason_ky, reason_ru),
	                                  "bookings_cancelled", cancelled));
}

void kp_api_closure_lift(kp_req_t *req)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0 || !checkpoint_exists(req))
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_closure_lift(kp_api_db(req), &who, kp_req_param(req, "code"), id, kp_now());
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "closure");
		return;
	}
	reload(req);
	if (req->status == 0)
		kp_api_checkpoint_get(req);
}
