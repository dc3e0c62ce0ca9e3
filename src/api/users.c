/* users.c: user accounts as administrators manage them. */
#include "api/api.h"
#include "api/paging.h"
#include "crypto/hash.h"
#include "domain/account.h"

#include <string.h>

/* GET /api/v1/users: a page by username; ?q= searches username, name and e-mail;
 * ?role= and ?status= filter. */
void kp_api_user_list(kp_req_t *req)
{
	long long org;
	kp_page_t page;
	if (kp_req_query_int(req, "organisation_id", 1, INT64_MAX, 0, &org) != 0 ||
	    kp_api_page_read(req, 500, 100, &page) != 0)
		return;
	const char *role = kp_req_query(req, "role");
	const char *status = kp_req_query(req, "status");
	if (role && kp_role_parse(role) == 0) {
		kp_reply_error(req, 400, "bad_query", "query parameter 'role' must be a role like carrier or officer");
		return;
	}
	if (status && !kp_account_status_known(status)) {
		kp_reply_error(req, 400, "bad_query", "query parameter 'status' must be active or suspended");
		return;
	}
	kp_user_t *users;
	int n;
	int64_t total;
	int rc = kp_store_user_page(kp_api_db(req), &req->arena, org, role, status, &page, &users, &n, &total);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "users");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, kp_api_user_json(&users[i]));
	kp_api_page_reply(req, items, total, &page);
}

void kp_api_user_get(kp_req_t *req)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return;
	if (id != req->auth.user_id && !(req->auth.role & (KP_ROLE_ADMIN | KP_ROLE_AUDITOR))) {
		kp_reply_error(req, 403, "forbidden", "you may read only your own account");
		return;
	}
	kp_user_t u;
	int rc = kp_store_user_get(kp_api_db(req), &req->arena, id, &u);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "user");
		return;
	}
	kp_reply_json(req, 200, kp_api_user_json(&u));
}

void kp_api_user_create(kp_req_t *req)
{
	kp_user_t u = {0};
	u.username = kp_body_str_checked(req, "username", 32, true, kp_check_username);
	const char *password = kp_body_str_checked(req, "password", 256, true, kp_check_password);
	u.role = kp_body_str(req, "role", 16, true);
	unsigned role = u.role ? kp_role_parse(u.role) : 0;
	if (u.role && (role & KP_ROLES_ALL) == 0)
		kp_field_error(req, "role", "must be one of carrier, traveller, officer, ministry, auditor, admin");
	long long org_id = 0;
	kp_body_int(req, "organisation_id", 1, INT64_MAX, false, &org_id);
	u.full_name = kp_body_str(req, "full_name", 200, false);
	u.email = kp_body_str_checked(req, "email", 254, false, kp_check_email);
	u.phone = kp_body_str_checked(req, "phone", 32, false, kp_check_phone);
	u.language = kp_body_str_checked(req, "language", 2, false, kp_check_language);
	if (kp_body_check(req) != 0)
		return;

	kp_conn_t *c = kp_api_db(req);
	kp_org_t org;
	const char *kind = NULL;
	if (org_id) {
		int rc = kp_store_org_get(c, &req->arena, org_id, &org);
		if (rc == KP_DB_NOTFOUND) {
			kp_field_problem(req, "organisation_id", "no_organisation", NULL, "names no organisation");
			kp_body_check(req);
			return;
		}
		if (rc != KP_DB_OK) {
			kp_reply_db_error(req, rc, "organisation");
			return;
		}
		kind = org.kind;
	}
	if (!kp_role_fits_org(role, kind)) {
		kp_field_error(req, "role", kind ? "does not fit the organisation's kind" : "needs an organisation_id");
		kp_body_check(req);
		return;
	}
	kp_user_t existing;
	if (kp_store_user_by_name(c, &req->arena, u.username, &existing) == KP_DB_OK) {
		kp_reply_error(req, 409, "username_taken", "this username is already taken; choose another");
		return;
	}
	if (kp_api_password_hash(req, password, &u.pw_hash) != 0)
		return;
	u.org_id = org_id;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_account_create(c, &who, NULL, &u);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "user");
		return;
	}
	kp_reply_json(req, 201, kp_api_user_json(&u));
}

void kp_api_user_set_status(kp_req_t *req)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return;
	const char *status = kp_body_str(req, "status", 16, true);
	if (status && !kp_account_status_known(status))
		kp_field_error(req, "status", "must be active or suspended");
	if (kp_body_check(req) != 0)
		return;
	if (id == req->auth.user_id) {
		kp_reply_error(req, 409, "self_suspend", "you cannot change the status of your own account");
		return;
	}
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_user_set_status(kp_api_db(req), &who, id, status);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "user");
		return;
	}
	kp_user_t u;
	if (kp_store_user_get(kp_api_db(req), &req->arena, id, &u) != KP_DB_OK) {
		kp_reply_db_error(req, KP_DB_ERR, "user");
		return;
	}
	kp_reply_json(req, 200, kp_api_user_json(&u));
}
