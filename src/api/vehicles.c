/* vehicles.c: a carrier's vehicles (plate, VIN, kind, Euro class). */
#include "api/api.h"
#include "domain/account.h"
#include "store/permits.h"

#include <string.h>

static json_t *vehicle_json(const kp_vehicle_t *v)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:i, s:s?, s:s?, s:s}", "id", (json_int_t)v->id, "organisation_id",
	                 (json_int_t)v->org_id, "plate", v->plate, "vin", v->vin, "kind", v->kind, "euro_class",
	                 v->euro_class, "make", v->make, "model", v->model, "status", v->status);
}

void kp_api_vehicle_list(kp_req_t *req)
{
	long long org = 0;
	if (req->auth.role == KP_ROLE_CARRIER)
		org = req->auth.org_id;
	else if (kp_req_query_int(req, "organisation_id", 1, INT64_MAX, 0, &org) != 0)
		return;
	kp_vehicle_t *v;
	int n;
	int rc = kp_store_vehicle_list(kp_api_db(req), &req->arena, org, &v, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "vehicles");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, vehicle_json(&v[i]));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void kp_api_vehicle_create(kp_req_t *req)
{
	kp_vehicle_t v = {0};
	const char *plate = kp_body_str(req, "plate", 20, true);
	char norm[16];
	const char *why = plate ? kp_plate_normalise(plate, norm, sizeof(norm)) : NULL;
	if (why)
		kp_field_error(req, "plate", why);
	v.vin = kp_body_str_checked(req, "vin", 17, true, kp_check_vin);
	v.kind = kp_body_str_checked(req, "kind", 10, true, kp_check_vehicle_kind);
	long long euro = 0;
	kp_body_int(req, "euro_class", 0, 6, true, &euro);
	v.make = kp_body_str(req, "make", 60, false);
	v.model = kp_body_str(req, "model", 60, false);
	if (kp_body_check(req) != 0)
		return;
	v.plate = kp_arena_strdup(&req->arena, norm);
	v.euro_class = (int)euro;
	v.org_id = req->auth.org_id;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_vehicle_create(kp_api_db(req), &who, &v);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "vehicle_exists", "a vehicle with this plate or VIN is already registered");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "vehicle");
		return;
	}
	kp_reply_json(req, 201, vehicle_json(&v));
}

/* The vehicle named in the path, if the user may see it; answers otherwise. */
static int load_vehicle(kp_req_t *req, kp_vehicle_t *v)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return -1;
	int rc = kp_store_vehicle_get(kp_api_db(req), &req->arena, id, v);
	if (rc == KP_DB_OK && !kp_api_may_see_org(req, v->org_id))
		rc = KP_DB_NOTFOUND; /* do not reveal other carriers' fleets */
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "vehicle");
		return -1;
	}
	return 0;
}

void kp_api_vehicle_get(kp_req_t *req)
{
	kp_vehicle_t v;
	if (load_vehicle(req, &v) == 0)
		kp_reply_json(req, 200, vehicle_json(&v));
}

void kp_api_vehicle_set_status(kp_req_t *req)
{
	kp_vehicle_t v;
	const char *status = kp_body_str(req, "status", 10, true);
	if (status && !kp_vehicle_status_known(status))
		kp_field_error(req, "status", "must be active or retired");
	if (kp_body_check(req) != 0 || load_vehicle(req, &v) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_vehicle_set_status(kp_api_db(req), &who, v.id, status);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "vehicle");
		return;
	}
	v.status = status;
	kp_reply_json(req, 200, vehicle_json(&v));
}
