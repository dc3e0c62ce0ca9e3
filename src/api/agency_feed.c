/* agency_feed.c: what agencies pull and what equipment pushes: the event feed with a
 * cursor (for agencies that poll rather than receive webhooks), kapka's webhook keys,
 * equipment readings with their crossing and thresholds, and inspection tasks. */
#include "api/agencies.h"
#include "api/agency_access.h"
#include "core/util.h"
#include "domain/account.h"
#include "domain/agency.h"
#include "domain/permit.h"
#include "exchange/webhooks.h"
#include "crypto/webhook.h"
#include "store/agencies.h"

#include <math.h>
#include <string.h>

/* Readings look for their crossing this far back. */
#define READING_CROSSING_WINDOW (2 * 3600)

json_t *kp_agency_events_json(const kp_agency_event_t *e, int n, int64_t after)
{
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *body = json_loads(e[i].payload, 0, NULL);
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o}", "cursor", (json_int_t)e[i].id,
		                                       "webhook_id", e[i].event_id, "type", e[i].type, "service", e[i].service,
		                                       "subject", e[i].subject, "digest", e[i].digest, "body",
		                                       body ? body : json_null()));
	}
	return json_pack("{s:o, s:I}", "items", items, "cursor", (json_int_t)(n ? e[n - 1].id : after));
}

/* GET /api/v1/agency-feed?after=&service=&limit=: a member's agency's events. */
void kp_api_agency_feed(kp_req_t *req)
{
	const char *service = kp_req_query(req, "service");
	long long after, limit;
	if (kp_req_query_int(req, "after", 0, INT64_MAX, 0, &after) != 0 ||
	    kp_req_query_int(req, "limit", 1, 1000, 100, &limit) != 0)
		return;
	if (service && !kp_agency_service_valid(service)) {
		kp_reply_error(req, 400, "bad_query", "service must be ecmr, permits, crossings, equipment or inspections");
		return;
	}
	int64_t agency = kp_agency_of_user(req);
	if (!agency) {
		kp_reply_error(req, 403, "not_agency_member", "the feed is for members of an agency");
		return;
	}
	bool granted = false;
	if (service)
		kp_store_agency_may(kp_api_db(req), agency, 0, service, &granted);
	else {
		static const char *const all[] = {"ecmr", "permits", "crossings", "equipment", "inspections"};
		for (size_t i = 0; i < KP_ARRAY_LEN(all) && !granted; i++)
			kp_store_agency_may(kp_api_db(req), agency, 0, all[i], &granted);
	}
	if (!granted) {
		kp_reply_error(req, 403, "not_granted", "your agency has no grant for %s", service ? service : "any service");
		return;
	}
	kp_agency_event_t *e;
	int n;
	int rc = kp_store_agency_feed(kp_api_db(req), &req->arena, agency, 0, service, after, (int)limit, &e, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "events");
		return;
	}
	kp_reply_json(req, 200, kp_agency_events_json(e, n, after));
}

/* GET /api/v1/agency-exchange/keys: how to check kapka's webhooks. */
void kp_api_agency_keys(kp_req_t *req)
{
	unsigned char pk[32], sk[64];
	kp_webhooks_keypair(kp_api_app(req), pk, sk);
	kp_wipe(sk, sizeof(sk));
	char text[80];
	kp_webhook_public_text(pk, text, sizeof(text));
	kp_reply_json(req, 200,
	              json_pack("{s:s, s:[s, s], s:[i, i, i, i, i, i, i, i]}", "v1a", text, "signatures", "v1", "v1a",
	                        "retry_schedule_seconds", 0, 5, 300, 1800, 7200, 18000, 36000, 36000));
}

/* POST /api/v1/equipment-readings: a weighbridge, scanner, radiation portal or plate
 * camera reports; the reading goes to customs with its crossing, and one over its threshold
 * opens an inspection task for the agency that inspects it. */
void kp_api_equipment_reading(kp_req_t *req)
{
	kp_equipment_reading_t r = {0};
	r.kind = kp_body_str(req, "kind", 20, true);
	if (r.kind && strcmp(r.kind, "weighbridge") && strcmp(r.kind, "scanner") && strcmp(r.kind, "radiation") &&
	    strcmp(r.kind, "plate_camera"))
		kp_field_error(req, "kind", "must be weighbridge, scanner, radiation or plate_camera");
	r.checkpoint = kp_body_str(req, "checkpoint", 40, req->auth.device_id == 0);
	const char *plate = kp_body_str(req, "plate", 20, false);
	char norm[16];
	if (plate && kp_plate_normalise(plate, norm, sizeof(norm)))
		kp_field_error(req, "plate", "is not a vehicle registration number");
	r.result = kp_body_str(req, "result", 10, false);
	if (r.result && strcmp(r.result, "clear") && strcmp(r.result, "alarm"))
		kp_field_error(req, "result", "must be clear or alarm");
	json_t *v = json_object_get(req->json, "value");
	if (v && !json_is_null(v)) {
		if (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) < 0 ||
		    json_number_value(v) > 1e7)
			kp_field_error(req, "value", "must be a number from 0 to 10000000");
		else
			r.value = json_number_value(v), r.has_value = true;
	}
	if (r.kind && !r.has_value && !r.result && !plate)
		kp_field_error(req, "value", "a reading needs a value, a result or a plate");
	if (kp_body_check(req) != 0)
		return;
	if (req->auth.device_id) {
		if (r.checkpoint && strcmp(r.checkpoint, req->auth.device_checkpoint)) {
			kp_reply_error(req, 403, "forbidden", "this device reports for checkpoint %s only",
			               req->auth.device_checkpoint);
			return;
		}
		r.checkpoint = req->auth.device_checkpoint;
		r.device_id = req->auth.device_id;
	}
	r.plate = plate ? kp_arena_strdup(&req->arena, norm) : NULL;
	kp_conn_t *c = kp_api_db(req);
	bool known = false;
	if (kp_store_checkpoint_known(c, r.checkpoint, &known) != KP_DB_OK || !known) {
		kp_field_error(req, "checkpoint", "is not a known checkpoint");
		kp_body_check(req);
		return;
	}
	if (r.plate)
		kp_store_crossing_recent(c, r.checkpoint, r.plate, kp_now() - READING_CROSSING_WINDOW, &r.crossing_id);
	const char *flag = NULL;
	kp_agency_reading_trips(r.kind, r.value, r.has_value, r.result, kp_api_app(req)->cfg->crossing_max_weight_kg,
	                        &flag);
	const char *agency = kp_agency_for_flag(flag);
	int64_t task = 0;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_equipment_reading_add(c, &who, &r, flag, agency, &task);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "reading");
		return;
	}
	json_t *o = json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s?}", "id", (json_int_t)r.id, "kind", r.kind, "checkpoint",
	                      r.checkpoint, "plate", r.plate, "flag", flag, "inspection_agency", agency);
	json_object_set_new(o, "crossing_id", r.crossing_id ? json_integer(r.crossing_id) : json_null());
	json_object_set_new(o, "inspection_task_id", task ? json_integer(task) : json_null());
	kp_reply_json(req, 201, o);
}

/* GET /api/v1/inspection-tasks?agency=&status=: officers and staff see all; a member of an
 * agency sees its agency's kind. */
void kp_api_inspection_list(kp_req_t *req)
{
	const char *kind = kp_req_query(req, "agency"), *status = kp_req_query(req, "status");
	if (kind && !kp_agency_kind_valid(kind)) {
		kp_reply_error(req, 400, "bad_query", "agency is not an agency kind");
		return;
	}
	if (status && !kp_agency_task_status_known(status)) {
		kp_reply_error(req, 400, "bad_query", "status must be open or closed");
		return;
	}
	long long limit;
	if (kp_req_query_int(req, "limit", 1, 500, 100, &limit) != 0)
		return;
	int64_t agency = kp_agency_of_user(req);
	if (agency) {
		kp_agency_t ag;
		if (kp_store_agency_get(kp_api_db(req), &req->arena, agency, &ag) != KP_DB_OK) {
			kp_reply_error(req, 403, "not_agency_member", "your agency is not known");
			return;
		}
		kind = ag.kind;
	}
	kp_inspection_task_t *t;
	int n;
	int rc = kp_store_inspection_list(kp_api_db(req), &req->arena, kind, status, (int)limit, &t, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "inspection tasks");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		char at[32];
		kp_iso8601(t[i].created_at, at, sizeof(at));
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)t[i].id, "agency", t[i].agency_kind,
		                      "reason", t[i].reason, "status", t[i].status, "created_at", at);
		json_object_set_new(o, "crossing_id", t[i].crossing_id ? json_integer(t[i].crossing_id) : json_null());
		json_object_set_new(o, "reading_id", t[i].reading_id ? json_integer(t[i].reading_id) : json_null());
		json_array_append_new(items, o);
	}
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* POST /api/v1/inspection-tasks/{id}/close {note}: the inspection is done. An agency member
 * closes only its agency's tasks. */
void kp_api_inspection_close(kp_req_t *req)
{
	const char *note = kp_body_str(req, "note", 2000, true);
	int64_t id;
	if (kp_body_check(req) != 0 || kp_req_param_id(req, "id", &id) != 0)
		return;
	const char *kind = NULL;
	int64_t agency = kp_agency_of_user(req);
	kp_agency_t ag;
	if (agency && kp_store_agency_get(kp_api_db(req), &req->arena, agency, &ag) == KP_DB_OK)
		kind = ag.kind;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_inspection_close(kp_api_db(req), &who, id, kind, note);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "open inspection task");
		return;
	}
	kp_reply_json(req, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "closed"));
}

/* GET /api/v1/xroad-log?before=&limit=: the X-Road calls served or refused, with their ids. */
void kp_api_xroad_log(kp_req_t *req)
{
	long long before, limit;
	if (kp_req_query_int(req, "before", 0, INT64_MAX, 0, &before) != 0 ||
	    kp_req_query_int(req, "limit", 1, 500, 100, &limit) != 0)
		return;
	kp_xroad_call_t *x;
	int n;
	int rc = kp_store_xroad_log_list(kp_api_db(req), &req->arena, before, (int)limit, &x, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "X-Road log");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		char at[32];
		kp_iso8601(x[i].at, at, sizeof(at));
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s?, s:s, s:i, s:s?}", "id",
		                                       (json_int_t)x[i].id, "at", at, "client", x[i].client, "xroad_id",
		                                       x[i].xroad_id, "user_id", x[i].user_id, "issue", x[i].issue, "service",
		                                       x[i].service, "status", x[i].status, "request_id", x[i].request_id));
	}
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}
