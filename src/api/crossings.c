/* crossings.c: officers and checkpoint equipment register a crossing (plate, weight,
 * scanner results, the people on board) and get the permit match at once; crossings are
 * listed and read back. Registration goes through the group-commit writer. */
#include "api/api.h"
#include "api/checkpoint_views.h"
#include "api/paging.h"
#include "core/util.h"
#include "domain/crossing.h"
#include "domain/dates.h"
#include "domain/permit.h"
#include "store/registry.h"
#include "store/writer.h"

#include <string.h>

#define MAX_PERSONS 100

static const char *check_direction(const char *d)
{
	return strcmp(d, "entry") == 0 || strcmp(d, "exit") == 0 ? NULL : "must be entry or exit";
}

static const char *check_result(const char *r)
{
	return strcmp(r, "clear") == 0 || strcmp(r, "alarm") == 0 ? NULL : "must be clear or alarm";
}

static const char *check_source(const char *s)
{
	return strcmp(s, "camera") == 0 || strcmp(s, "typed") == 0 ? NULL : "must be camera or typed";
}

/* persons: [{name, nationality, passport, driver}], each field optional. */
static void read_persons(kp_req_t *req, kp_crossing_t *x)
{
	json_t *arr = json_object_get(req->json, "persons");
	if (arr == NULL || json_is_null(arr))
		return;
	if (!json_is_array(arr) || json_array_size(arr) > MAX_PERSONS) {
		kp_field_error(req, "persons",
		               "must be a list of at most 100 people like {\"name\": \"...\", \"nationality\":"
		               " \"KG\", \"passport\": \"AC1234567\"}");
		return;
	}
	x->npersons = (int)json_array_size(arr);
	x->persons = kp_arena_zalloc(&req->arena, sizeof(kp_person_t) * (size_t)(x->npersons + 1));
	json_t *saved = req->json;
	for (int i = 0; i < x->npersons; i++) {
		json_t *p = json_array_get(arr, (size_t)i);
		if (!json_is_object(p)) {
			kp_field_error(req, "persons", "each person must be an object");
			break;
		}
		req->json = p; /* the body helpers read fields of this person */
		x->persons[i].name = kp_body_str(req, "name", 200, false);
		x->persons[i].nationality = kp_body_str_checked(req, "nationality", 2, false, kp_check_country);
		x->persons[i].passport = kp_body_str(req, "passport", 20, false);
		json_t *drv = json_object_get(p, "driver");
		x->persons[i].driver = json_is_true(drv);
		if (drv && !json_is_boolean(drv) && !json_is_null(drv))
			kp_field_error(req, "driver", "must be true or false");
	}
	req->json = saved;
}

static void read_body(kp_req_t *req, kp_crossing_t *x)
{
	x->checkpoint = kp_body_str(req, "checkpoint", 40, req->auth.device_id == 0);
	x->direction = kp_body_str_checked(req, "direction", 5, true, check_direction);
	x->vehicle_kind = kp_body_str_checked(req, "vehicle_kind", 12, false, kp_check_crossing_kind);
	const char *plate = kp_body_str(req, "plate", 20, false);
	char norm[16];
	const char *why = plate ? kp_plate_normalise(plate, norm, sizeof(norm)) : NULL;
	if (why)
		kp_field_error(req, "plate", why);
	else if (plate)
		x->plate = kp_arena_strdup(&req->arena, norm);
	else if (x->vehicle_kind && strcmp(x->vehicle_kind, "bicycle") != 0)
		kp_field_error(req, "plate", "is required for a motor vehicle");
	x->plate_source = kp_body_str_checked(req, "plate_source", 6, false, check_source);
	x->vehicle_country = kp_body_str_checked(req, "vehicle_country", 2, false, kp_check_country);
	long long weight = 0;
	kp_body_int(req, "weight_kg", 1, 1000000, false, &weight);
	x->weight_kg = weight;
	x->scan_result = kp_body_str_checked(req, "scan_result", 5, false, check_result);
	x->xray_result = kp_body_str_checked(req, "xray_result", 5, false, check_result);
	x->radiation_result = kp_body_str_checked(req, "radiation_result", 5, false, check_result);
	x->note = kp_body_str(req, "note", 500, false);
	read_persons(req, x);
	const char *at = kp_body_str(req, "at", 30, false);
	x->at = kp_now();
	if (at && kp_parse_instant(at, (int)kp_api_app(req)->cfg->utc_offset_minutes, &x->at) != 0)
		kp_field_error(req, "at", "must be a time like 2026-11-24T12:00:00Z or 2026-11-24T18:00+06:00");
	else if (kp_instant_in_future(x->at, kp_now()))
		kp_field_error(req, "at", "must not be in the future");
	else if (x->at < kp_now() - kp_api_app(req)->cfg->crossing_backdate_hours * 3600)
		kp_field_error(req, "at",
		               kp_arena_printf(&req->arena, "must be within the last %lld hours (crossing_backdate_hours)",
		                               kp_api_app(req)->cfg->crossing_backdate_hours));
	x->flow = kp_kind_flow(x->vehicle_kind);
}

/* The checkpoint's checks against the registry: ours, the device's own, mode allowed, open.
 * Fills rq->neighbour. Answers and returns -1 when refused. */
static int check_checkpoint(kp_req_t *req, kp_crossing_t *x, kp_crossing_request_t *rq)
{
	if (req->auth.device_id && x->checkpoint && strcmp(x->checkpoint, req->auth.device_checkpoint) != 0) {
		kp_reply_error(req, 403, "forbidden", "this device belongs to checkpoint %s and registers crossings there only",
		               req->auth.device_checkpoint);
		return -1;
	}
	if (req->auth.device_id)
		x->checkpoint = req->auth.device_checkpoint;
	kp_registry_t *reg = kp_api_app(req)->registry;
	const kp_checkpoint_t *cp = reg ? kp_cp_set_find(kp_registry_acquire(reg), x->checkpoint) : NULL;
	int rc = 0;
	if (cp == NULL) {
		kp_field_error(req, "checkpoint", "names no checkpoint (GET /api/v1/checkpoints lists them)");
		rc = kp_body_check(req);
	} else if (strcmp(cp->country, rq->self) != 0) {
		kp_reply_error(req, 422, "CHECKPOINT_NOT_OURS", "%s is run by %s; kapka registers crossings at %s's posts",
		               cp->name_en, cp->country, rq->self);
		rc = -1;
	} else {
		unsigned mode = x->vehicle_kind
		                    ? kp_mode_parse(strcmp(x->vehicle_kind, "tractor") == 0 ? "truck" : x->vehicle_kind)
		                    : KP_MODE_PEDESTRIAN;
		kp_cp_status_t st;
		kp_cp_status(&cp->schedule, x->at, mode, false, &st);
		if (!(cp->schedule.modes & mode)) {
			kp_reply_error(req, 422, "MODE_NOT_ALLOWED", "%s does not handle %s traffic (allowed: %s)", cp->name_en,
			               kp_mode_name(mode), cp->modes_text);
			rc = -1;
		} else if (!st.open) { /* a closed crossing records no crossings (issue 13, finding 6) */
			kp_reply_error(req, 422, "CHECKPOINT_CLOSED", "%s is closed at that time (%s)", cp->name_en,
			               st.reasons[0].code);
			rc = -1;
		}
		x->checkpoint = kp_arena_strdup(&req->arena, cp->code);
		rq->neighbour = kp_arena_strdup(&req->arena, cp->neighbour);
	}
	if (reg)
		kp_registry_release(reg);
	return rc;
}

struct crossing_job {
	kp_write_job_t job;
	kp_req_t *req;
	kp_crossing_t x;
	kp_actor_t who;
	kp_crossing_request_t rq;
};

static void answer_crossing(struct crossing_job *j, int rc)
{
	if (rc != KP_DB_OK) {
		kp_reply_db_error(j->req, rc, "crossing");
		return;
	}
	kp_reply_header(j->req, "Location", kp_arena_printf(&j->req->arena, "/api/v1/crossings/%lld", (long long)j->x.id));
	kp_reply_json(j->req, 201, kp_api_crossing_json(&j->x));
}

static int run_crossing(kp_conn_t *c, void *ctx)
{
	struct crossing_job *j = ctx;
	return kp_store_crossing_register_tx(c, &j->req->arena, &j->who, &j->rq, &j->x);
}

static void done_crossing(void *ctx, int rc)
{
	struct crossing_job *j = ctx;
	answer_crossing(j, rc);
	kp_req_complete(j->req);
}

void kp_api_crossing_register(kp_req_t *req)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	struct crossing_job *j = kp_arena_zalloc(&req->arena, sizeof(*j));
	j->req = req;
	read_body(req, &j->x);
	if (kp_body_check(req) != 0)
		return;
	j->rq.self = cfg->authority_code;
	j->rq.max_weight_kg = cfg->crossing_max_weight_kg;
	if (check_checkpoint(req, &j->x, &j->rq) != 0)
		return;
	j->x.device_id = req->auth.device_id;
	j->who = kp_api_actor(req);
	kp_writer_t *w = kp_api_app(req)->writer;
	if (w == NULL) {
		kp_conn_t *c = kp_api_db(req);
		int rc = kp_store_begin(c);
		if (rc == KP_DB_OK)
			rc = kp_store_end(c, run_crossing(c, j));
		answer_crossing(j, rc);
		return;
	}
	/* Group commit, as for permit issuing: this crossing is committed with others. */
	kp_api_finish(req);
	j->job = (kp_write_job_t){run_crossing, done_crossing, j, 0, NULL};
	kp_req_defer(req);
	kp_writer_submit(w, &j->job);
}

/* ?date=YYYY-MM-DD as a local day at offset into [from, to); answers 400 when bad. */
static int read_day(kp_req_t *req, int offset, int64_t *day)
{
	const char *d = kp_req_query(req, "date");
	*day = kp_local_day(kp_now(), offset);
	if (d && *d && kp_date_parse_iso(d, day) != 0) {
		kp_reply_error(req, 400, "bad_query", "date must be a day like 2026-11-24");
		return -1;
	}
	return 0;
}

void kp_api_crossing_list(kp_req_t *req)
{
	kp_crossing_filter_t f = {0};
	kp_page_t page;
	if (kp_api_page_read(req, 1000, 100, &page) != 0)
		return;
	if (kp_api_page_filter(req, "checkpoint", 64, &f.checkpoint) != 0 ||
	    kp_api_query_bool(req, "flagged", &f.flagged_only) != 0)
		return;
	const char *plate = kp_req_query(req, "plate");
	char norm[16];
	if (plate && kp_plate_normalise(plate, norm, sizeof(norm))) {
		kp_reply_error(req, 400, "bad_query", "plate must have 4 to 12 latin letters and digits");
		return;
	}
	f.plate = plate ? norm : NULL;
	if (kp_req_query(req, "date")) {
		int64_t day;
		int offset = (int)kp_api_app(req)->cfg->utc_offset_minutes;
		if (read_day(req, offset, &day) != 0)
			return;
		f.from = kp_local_day_start(day, offset);
		f.to = f.from + 86400;
	}
	kp_crossing_t *x;
	int n;
	int64_t total;
	int rc = kp_store_crossing_list(kp_api_db(req), &req->arena, &f, &page, &x, &n, &total);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "crossings");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, kp_api_crossing_json(&x[i]));
	kp_api_page_reply(req, items, total, &page);
}

void kp_api_crossing_get(kp_req_t *req)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return;
	kp_crossing_t x;
	int rc = kp_store_crossing_get(kp_api_db(req), &req->arena, id, &x);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "crossing");
		return;
	}
	kp_reply_json(req, 200, kp_api_crossing_json(&x));
}

/* ---- throughput ---- */

static json_t *throughput_json(const kp_checkpoint_t *cp, const kp_throughput_t *t)
{
	char date[11];
	kp_date_format_iso(t->day, date);
	json_t *flows = json_object();
	for (int f = 0; f < KP_FLOW_COUNT; f++) {
		const kp_flow_stats_t *s = &t->flows[f];
		if (s->capacity < 0 && s->vehicles == 0)
			continue;
		json_object_set_new(flows, kp_flows[f],
		                    json_pack("{s:I, s:o, s:o, s:I, s:o, s:o}", "vehicles", (json_int_t)s->vehicles, "capacity",
		                              s->capacity >= 0 ? json_integer(s->capacity) : json_null(), "capacity_share",
		                              s->capacity > 0 ? json_real((double)s->vehicles / (double)s->capacity)
		                                              : json_null(),
		                              "waited", (json_int_t)s->waited, "median_wait_s",
		                              s->waited ? json_integer(s->median_s) : json_null(), "p90_wait_s",
		                              s->waited ? json_integer(s->p90_s) : json_null()));
	}
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "checkpoint", cp->code, "name", cp->name_en, "date", date,
	                 "total", (json_int_t)t->total, "flagged", (json_int_t)t->flagged, "flows", flows);
}

static void reply_throughput_csv(kp_req_t *req, json_t *items, const char *date)
{
	static const char *const header[] = {"checkpoint",     "date",   "flow",          "vehicles",  "capacity",
	                                     "capacity_share", "waited", "median_wait_s", "p90_wait_s"};
	enum { NCOLS = 9 };
	size_t rows = 0, i;
	json_t *it;
	json_array_foreach(items, i, it)
		rows += json_object_size(json_object_get(it, "flows"));
	const char **cells = kp_arena_zalloc(&req->arena, sizeof(char *) * (rows * NCOLS + 1));
	size_t r = 0;
	json_array_foreach(items, i, it) {
		const char *flow;
		json_t *s;
		json_object_foreach(json_object_get(it, "flows"), flow, s) {
			const char **row = &cells[r++ * NCOLS];
			row[0] = json_string_value(json_object_get(it, "checkpoint"));
			row[1] = json_string_value(json_object_get(it, "date"));
			row[2] = flow;
			const char *keys[] = {"vehicles", "capacity", "capacity_share", "waited", "median_wait_s", "p90_wait_s"};
			for (int k = 0; k < 6; k++) {
				json_t *v = json_object_get(s, keys[k]);
				row[3 + k] = json_is_integer(v) ? kp_arena_printf(&req->arena, "%lld", (long long)json_integer_value(v))
				             : json_is_real(v)  ? kp_arena_printf(&req->arena, "%.4f", json_real_value(v))
				                                : "";
			}
		}
	}
	kp_api_reply_csv(req, kp_arena_printf(&req->arena, "throughput-%s.csv", date), header, NCOLS, cells, (int)rows);
}

void kp_api_throughput(kp_req_t *req)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	const char *only = kp_req_query(req, "checkpoint");
	int64_t day;
	if (read_day(req, (int)cfg->utc_offset_minutes, &day) != 0)
		return;
	kp_registry_t *reg = kp_api_app(req)->registry;
	if (reg == NULL) {
		kp_reply_error(req, 503, "busy", "the checkpoint registry is not loaded; try again in a moment");
		return;
	}
	/* A copy of the checkpoints asked for, so the registry is not held during queries. */
	const kp_cp_set_t *set = kp_registry_acquire(reg);
	kp_checkpoint_t *cps = kp_arena_zalloc(&req->arena, sizeof(kp_checkpoint_t) * (size_t)(set->n + 1));
	int n = 0;
	for (int i = 0; i < set->n; i++)
		if (strcmp(set->items[i].country, cfg->authority_code) == 0 &&
		    (!only || strcmp(set->items[i].code, only) == 0)) {
			cps[n] = set->items[i];
			cps[n].code = kp_arena_strdup(&req->arena, cps[n].code);
			cps[n++].name_en = kp_arena_strdup(&req->arena, set->items[i].name_en);
		}
	kp_registry_release(reg);
	if (only && n == 0) {
		kp_reply_error(req, 404, "not_found", "no checkpoint %s of ours", only);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		kp_throughput_t t;
		int rc = kp_store_throughput(kp_api_db(req), &req->arena, &cps[i], day, &t);
		if (rc != KP_DB_OK) {
			json_decref(items);
			kp_reply_db_error(req, rc, "throughput");
			return;
		}
		json_array_append_new(items, throughput_json(&cps[i], &t));
	}
	char date[11];
	kp_date_format_iso(day, date);
	if (kp_api_wants_csv(req)) {
		reply_throughput_csv(req, items, date);
		json_decref(items);
		return;
	}
	kp_reply_json(req, 200, json_pack("{s:s, s:o}", "date", date, "items", items));
}
