/* agencies.c: the border agencies as the data owner (the ministry, the admin) manages them:
 * agencies, members, X-Road subsystems and grants per service; and what an agency manages
 * itself: its webhook endpoints, its deliveries (with the dead letters) and their replay. */
#include "api/agencies.h"
#include "api/agency_access.h"
#include "core/util.h"
#include "crypto/webhook.h"
#include "exchange/client.h"
#include "domain/account.h"
#include "domain/agency.h"
#include "store/agencies.h"

#include <stdio.h>
#include <string.h>

static bool is_owner(const kp_req_t *req)
{
	return req->auth.role & (KP_ROLE_MINISTRY | KP_ROLE_ADMIN);
}

static json_t *agency_json(const kp_agency_t *ag)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s?}", "id", (json_int_t)ag->id, "code", ag->code, "kind", ag->kind,
	                      "name", ag->name, "xroad_member", ag->xroad_member);
	json_object_set_new(o, "organisation_id", ag->org_id ? json_integer(ag->org_id) : json_null());
	json_object_set_new(o, "decides_steps", json_boolean(ag->decides_steps)); /* one register with the window's */
	return o;
}

/* The agency in the path, when the caller is the data owner or one of its members. */
static int load_agency(kp_req_t *req, kp_agency_t *ag)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return -1;
	int rc = kp_store_agency_get(kp_api_db(req), &req->arena, id, ag);
	if (rc == KP_DB_OK && (!ag->exchange || (!is_owner(req) && kp_agency_of_user(req) != id)))
		rc = KP_DB_NOTFOUND; /* a window-only agency is not a border agency (yet) */
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "agency");
		return -1;
	}
	return 0;
}

static const char *check_code(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return "must be lower-case letters, digits, - and _";
	return NULL;
}

/* An X-Road identifier of parts INSTANCE/CLASS/CODE[/SUBSYSTEM]: nparts parts of printable
 * characters without spaces or '/'. */
static bool xroad_id_valid(const char *s, int nparts)
{
	int parts = 1;
	size_t len = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '/') {
			if (len == 0)
				return false;
			parts++, len = 0;
		} else if (*p <= ' ' || *p > '~') {
			return false;
		} else {
			len++;
		}
	}
	return len > 0 && parts == nparts;
}

static const char *check_member(const char *s)
{
	return xroad_id_valid(s, 3) ? NULL : "must be an X-Road member id INSTANCE/CLASS/CODE, like KG/GOV/70000001";
}

static const char *check_client(const char *s)
{
	return xroad_id_valid(s, 4)
	           ? NULL
	           : "must be an X-Road subsystem id INSTANCE/CLASS/CODE/SUBSYSTEM, like KG/GOV/70000001/uas";
}

void kp_api_agency_create(kp_req_t *req)
{
	kp_agency_t ag = {0};
	ag.code = kp_body_str_checked(req, "code", 40, true, check_code);
	ag.kind = kp_body_str(req, "kind", 40, true);
	if (ag.kind && !kp_agency_kind_valid(ag.kind))
		kp_field_error(req, "kind",
		               "must be customs, border_service, phytosanitary, veterinary, transport_inspection or "
		               "sanitary_epidemiological");
	ag.name = kp_body_str(req, "name", 200, true);
	ag.xroad_member = kp_body_str_checked(req, "xroad_member", 120, false, check_member);
	long long org = 0;
	kp_body_int(req, "organisation_id", 1, INT64_MAX, false, &org);
	kp_org_t o;
	if (org &&
	    (kp_store_org_get(kp_api_db(req), &req->arena, org, &o) != KP_DB_OK ||
	     !(strcmp(o.kind, "customs") == 0 || strcmp(o.kind, "border_service") == 0 || strcmp(o.kind, "ministry") == 0)))
		kp_field_error(req, "organisation_id", "must be a customs, border service or ministry organisation");
	if (kp_body_check(req) != 0)
		return;
	ag.org_id = org;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_agency_create(kp_api_db(req), &who, &ag);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "agency_exists", "an agency with code %s exists", ag.code);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "agency");
		return;
	}
	kp_reply_json(req, 201, agency_json(&ag));
}

void kp_api_agency_list(kp_req_t *req)
{
	kp_agency_t *ag;
	int n;
	int rc = kp_store_agency_list(kp_api_db(req), &req->arena, KP_AGENCIES_EXCHANGE, &ag, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "agencies");
		return;
	}
	json_t *items = json_array();
	int64_t mine = is_owner(req) ? 0 : kp_agency_of_user(req);
	for (int i = 0; i < n; i++)
		if (is_owner(req) || ag[i].id == mine)
			json_array_append_new(items, agency_json(&ag[i]));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void kp_api_agency_get(kp_req_t *req)
{
	kp_agency_t ag;
	if (load_agency(req, &ag) != 0)
		return;
	kp_conn_t *c = kp_api_db(req);
	json_t *o = agency_json(&ag);
	kp_agency_grant_t *g;
	kp_agency_subsystem_t *s;
	kp_agency_endpoint_t *e;
	int64_t *members;
	int n;
	json_t *arr = json_array();
	if (kp_store_agency_grants(c, &req->arena, ag.id, &g, &n) == KP_DB_OK)
		for (int i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)g[i].id, "service", g[i].service,
			                                     "subsystem", g[i].subsystem_code));
	json_object_set_new(o, "grants", arr);
	arr = json_array();
	if (kp_store_agency_subsystems(c, &req->arena, ag.id, &s, &n) == KP_DB_OK)
		for (int i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)s[i].id, "code", s[i].code,
			                                     "xroad_client", s[i].xroad_client));
	json_object_set_new(o, "subsystems", arr);
	arr = json_array();
	if (kp_store_agency_endpoints(c, &req->arena, ag.id, &e, &n) == KP_DB_OK)
		for (int i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s?}", "id", (json_int_t)e[i].id, "url", e[i].url,
			                                     "status", e[i].status, "disabled_reason", e[i].disabled_reason));
	json_object_set_new(o, "endpoints", arr);
	arr = json_array();
	if (kp_store_agency_members(c, &req->arena, ag.id, &members, &n) == KP_DB_OK)
		for (int i = 0; i < n; i++)
			json_array_append_new(arr, json_integer(members[i]));
	json_object_set_new(o, "members", arr);
	kp_reply_json(req, 200, o);
}

void kp_api_agency_member_add(kp_req_t *req)
{
	long long uid = 0;
	kp_body_int(req, "user_id", 1, INT64_MAX, true, &uid);
	kp_agency_t ag;
	if (kp_body_check(req) != 0 || load_agency(req, &ag) != 0)
		return;
	kp_user_t u;
	if (kp_store_user_get(kp_api_db(req), &req->arena, uid, &u) != KP_DB_OK) {
		kp_field_error(req, "user_id", "is not a user");
		kp_body_check(req);
		return;
	}
	if (ag.org_id && u.org_id != ag.org_id) {
		kp_field_error(req, "user_id", "must belong to the agency's organisation");
		kp_body_check(req);
		return;
	}
	if (strcmp(u.role, "officer") && strcmp(u.role, "auditor")) {
		kp_field_error(req, "user_id", "must be an officer or an auditor: agency staff");
		kp_body_check(req);
		return;
	}
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_agency_member_add(kp_api_db(req), &who, ag.id, uid);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "already_member", "this user already belongs to an agency");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "member");
		return;
	}
	kp_reply_json(req, 201, json_pack("{s:I, s:I}", "agency_id", (json_int_t)ag.id, "user_id", (json_int_t)uid));
}

void kp_api_agency_subsystem_add(kp_req_t *req)
{
	kp_agency_subsystem_t s = {0};
	s.code = kp_body_str_checked(req, "code", 60, true, check_code);
	s.xroad_client = kp_body_str_checked(req, "xroad_client", 200, true, check_client);
	kp_agency_t ag;
	if (kp_body_check(req) != 0 || load_agency(req, &ag) != 0)
		return;
	s.agency_id = ag.id;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_agency_subsystem_add(kp_api_db(req), &who, &s);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "subsystem_exists", "this subsystem code or X-Road client is taken");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "subsystem");
		return;
	}
	kp_reply_json(req, 201,
	              json_pack("{s:I, s:s, s:s}", "id", (json_int_t)s.id, "code", s.code, "xroad_client", s.xroad_client));
}

void kp_api_agency_grant(kp_req_t *req)
{
	const char *service = kp_body_str(req, "service", 20, true);
	if (service && !kp_agency_service_valid(service))
		kp_field_error(req, "service", "must be ecmr, permits, crossings, equipment or inspections");
	long long sub = 0;
	kp_body_int(req, "subsystem_id", 1, INT64_MAX, false, &sub);
	kp_agency_t ag;
	if (kp_body_check(req) != 0 || load_agency(req, &ag) != 0)
		return;
	if (sub) {
		kp_agency_subsystem_t *s;
		int n;
		bool found = false;
		if (kp_store_agency_subsystems(kp_api_db(req), &req->arena, ag.id, &s, &n) == KP_DB_OK)
			for (int i = 0; i < n; i++)
				found |= s[i].id == sub;
		if (!found) {
			kp_field_error(req, "subsystem_id", "is not a subsystem of this agency");
			kp_body_check(req);
			return;
		}
	}
	int64_t id = 0;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_agency_grant(kp_api_db(req), &who, ag.id, sub, service, &id);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "already_granted", "this service is already granted");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "grant");
		return;
	}
	kp_reply_json(req, 201,
	              json_pack("{s:I, s:s, s:I}", "id", (json_int_t)id, "service", service, "subsystem_id",
	                        (json_int_t)sub));
}

void kp_api_agency_revoke(kp_req_t *req)
{
	int64_t gid;
	kp_agency_t ag;
	if (load_agency(req, &ag) != 0 || kp_req_param_id(req, "grant", &gid) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_agency_revoke(kp_api_db(req), &who, ag.id, gid);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "grant");
		return;
	}
	kp_reply_json(req, 200, json_pack("{s:I, s:b}", "id", (json_int_t)gid, "revoked", 1));
}

/* POST /api/v1/agencies/{id}/endpoints {url}: the secret is shown once, here. */
void kp_api_agency_endpoint_add(kp_req_t *req)
{
	const char *url = kp_body_str(req, "url", 500, true);
	if (url && strncmp(url, "https://", 8) && strncmp(url, "http://", 7))
		kp_field_error(req, "url", "must be an http or https address");
	kp_agency_t ag;
	if (kp_body_check(req) != 0 || load_agency(req, &ag) != 0)
		return;
	char why[400]; /* resolved only for those who may add an endpoint */
	int checked = kp_client_check_address(url, why, sizeof(why));
	if (checked == KP_CLIENT_UNRESOLVED) {
		kp_reply_error(req, 400, "endpoint_host_unknown", "url: %s", why);
		return;
	}
	if (checked != 0) {
		kp_reply_error(req, 422, "endpoint_address_private", "url %s", why);
		return;
	}
	char secret[64];
	if (kp_webhook_secret_new(secret, sizeof(secret)) != 0) {
		kp_reply_error(req, 500, "internal", "no secret could be made");
		return;
	}
	kp_agency_endpoint_t e = {.agency_id = ag.id, .url = url, .secret = secret};
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_agency_endpoint_add(kp_api_db(req), &who, &e);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "endpoint");
		return;
	}
	kp_reply_json(req, 201,
	              json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)e.id, "url", url, "secret", secret, "status",
	                        e.status));
}

/* PUT /api/v1/agencies/{id}/endpoints/{endpoint} {status}: enable again after a 410, or
 * disable. */
void kp_api_agency_endpoint_set(kp_req_t *req)
{
	const char *status = kp_body_str(req, "status", 10, true);
	if (status && !kp_agency_endpoint_status_known(status))
		kp_field_error(req, "status", "must be active or disabled");
	int64_t eid;
	kp_agency_t ag;
	if (kp_body_check(req) != 0 || load_agency(req, &ag) != 0 || kp_req_param_id(req, "endpoint", &eid) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_agency_endpoint_set(kp_api_db(req), &who, ag.id, eid, status,
	                                      strcmp(status, KP_AGENCY_ENDPOINT_S_DISABLED) ? NULL
	                                                                                    : "disabled by the agency");
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "endpoint");
		return;
	}
	kp_reply_json(req, 200, json_pack("{s:I, s:s}", "id", (json_int_t)eid, "status", status));
}

/* GET /api/v1/agencies/{id}/deliveries?status=dead: the dead letters (or any status). */
void kp_api_agency_deliveries(kp_req_t *req)
{
	const char *status = kp_req_query(req, "status");
	if (status && !kp_agency_delivery_status_known(status)) {
		kp_reply_error(req, 400, "bad_query", "status must be pending, delivered or dead");
		return;
	}
	long long limit;
	kp_agency_t ag;
	if (kp_req_query_int(req, "limit", 1, 500, 100, &limit) != 0 || load_agency(req, &ag) != 0)
		return;
	kp_agency_delivery_t *d;
	int n;
	int rc = kp_store_agency_deliveries(kp_api_db(req), &req->arena, ag.id, status, (int)limit, &d, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "deliveries");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:i, s:s?}", "id", (json_int_t)d[i].id, "endpoint_id",
		                      (json_int_t)d[i].endpoint_id, "webhook_id", d[i].event.event_id, "type", d[i].event.type,
		                      "subject", d[i].subject, "status", d[i].status, "attempts", d[i].attempts, "last_error",
		                      d[i].last_error);
		json_object_set_new(o, "last_status", d[i].last_status ? json_integer(d[i].last_status) : json_null());
		json_array_append_new(items, o);
	}
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void kp_api_agency_replay(kp_req_t *req)
{
	int64_t did;
	kp_agency_t ag;
	if (load_agency(req, &ag) != 0 || kp_req_param_id(req, "delivery", &did) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_delivery_replay(kp_api_db(req), &who, ag.id, did);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "delivery");
		return;
	}
	kp_reply_json(req, 200,
	              json_pack("{s:I, s:s}", "id", (json_int_t)did, "status",
	                        kp_agency_delivery_next(KP_AGENCY_DELIVERY_S_DEAD, KP_AGENCY_DELIVERY_REPLAY)));
}
