/* organisations.c: reading and (for admins) creating organisations. */
#include "api/api.h"
#include "api/paging.h"
#include "domain/account.h"

#include <string.h>

/* Carriers and importers see their own organisation. Border officers read any, as they list
 * them (a truck's carrier is looked up at the crossing); ministry, auditors and admins all. */
static bool may_read_org(const kp_req_t *req, int64_t id)
{
	if (req->auth.role & (KP_ROLE_OFFICER | KP_ROLE_MINISTRY | KP_ROLE_AUDITOR | KP_ROLE_ADMIN))
		return true;
	return req->auth.org_id == id;
}

static void reply_org(kp_req_t *req, int64_t id)
{
	kp_org_t o;
	int rc = kp_store_org_get(kp_api_db(req), &req->arena, id, &o);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "organisation");
		return;
	}
	kp_reply_json(req, 200, kp_api_org_json(&o));
}

void kp_api_org_get(kp_req_t *req)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return;
	if (!may_read_org(req, id)) {
		kp_reply_error(req, 403, "forbidden", "you may read only your own organisation");
		return;
	}
	reply_org(req, id);
}

void kp_api_org_mine(kp_req_t *req)
{
	if (req->auth.org_id == 0) {
		kp_reply_error(req, 404, "not_found", "your account belongs to no organisation");
		return;
	}
	reply_org(req, req->auth.org_id);
}

void kp_api_org_list(kp_req_t *req)
{
	const char *kind = kp_req_query(req, "kind");
	if (kind && !kp_org_kind_valid(kind)) {
		kp_reply_error(req, 400, "bad_query",
		               "kind must be one of carrier, importer, ministry, border_service,"
		               " customs, partner_authority");
		return;
	}
	const char *status = kp_req_query(req, "status");
	if (status && !kp_account_status_known(status)) {
		kp_reply_error(req, 400, "bad_query", "query parameter 'status' must be active or suspended");
		return;
	}
	kp_page_t page;
	if (kp_api_page_read(req, 500, 100, &page) != 0)
		return;
	kp_org_t *orgs;
	int n;
	int64_t total;
	int rc = kp_store_org_page(kp_api_db(req), &req->arena, kind, status, &page, &orgs, &n, &total);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "organisations");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, kp_api_org_json(&orgs[i]));
	kp_api_page_reply(req, items, total, &page);
}

void kp_api_org_create(kp_req_t *req)
{
	kp_org_t o = {0};
	o.kind = kp_body_str(req, "kind", 32, true);
	if (o.kind && !kp_org_kind_valid(o.kind))
		kp_field_error(req, "kind",
		               "must be one of carrier, importer, ministry, border_service, customs,"
		               " partner_authority");
	o.name = kp_body_str(req, "name", 200, true);
	o.inn = kp_body_str_checked(req, "inn", 14, false, kp_check_inn);
	o.address = kp_body_str(req, "address", 500, false);
	o.contact_name = kp_body_str(req, "contact_name", 200, false);
	o.contact_phone = kp_body_str_checked(req, "contact_phone", 32, false, kp_check_phone);
	o.contact_email = kp_body_str_checked(req, "contact_email", 254, false, kp_check_email);
	o.licence_number = kp_body_str_checked(req, "licence_number", 32, false, kp_check_licence);
	o.country = kp_body_str_checked(req, "country", 2, false, kp_check_country);
	if (kp_body_check(req) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_org_create(kp_api_db(req), &who, &o);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "inn_taken", "an organisation with this tax id already exists");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "organisation");
		return;
	}
	kp_reply_json(req, 201, kp_api_org_json(&o));
}

void kp_api_org_set_status(kp_req_t *req)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return;
	const char *status = kp_body_str(req, "status", 16, true);
	if (status && !kp_account_status_known(status))
		kp_field_error(req, "status", "must be active or suspended");
	const char *reason = kp_body_str(req, "reason", 500, true);
	if (kp_body_check(req) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_org_set_status(kp_api_db(req), &who, id, status, reason);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "organisation");
		return;
	}
	reply_org(req, id);
}
