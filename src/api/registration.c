/* registration.c: self-registration of carriers (a company and its first user) and of
 * travellers (a user without an organisation). */
#include "api/api.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "domain/account.h"

#include <string.h>

/* Username, password, name and language shared by both forms. The password is hashed
 * into the arena; NULL fields mean a problem was recorded. */
static void read_user_fields(kp_req_t *req, kp_user_t *u, const char **password, bool name_required)
{
	u->full_name = kp_body_str(req, "full_name", 200, name_required);
	u->username = kp_body_str_checked(req, "username", 32, true, kp_check_username);
	*password = kp_body_str_checked(req, "password", 256, true, kp_check_password);
	u->email = kp_body_str_checked(req, "email", 254, false, kp_check_email);
	u->phone = kp_body_str_checked(req, "phone", 32, false, kp_check_phone);
	u->language = kp_body_str_checked(req, "language", 2, false, kp_check_language);
}

/* Usernames are unique: say so by name before spending time on the hash. */
static int username_free(kp_req_t *req, const char *username)
{
	kp_user_t existing;
	int rc = kp_store_user_by_name(kp_api_db(req), &req->arena, username, &existing);
	if (rc == KP_DB_OK) {
		kp_reply_error(req, 409, "username_taken", "this username is already taken; choose another");
		return -1;
	}
	if (rc != KP_DB_NOTFOUND) {
		kp_reply_db_error(req, rc, "user");
		return -1;
	}
	return 0;
}

/* Throttled per address and overall before the costly hash (passwords.c). */
static int hash_password(kp_req_t *req, kp_user_t *u, const char *password)
{
	return kp_api_registration_allowed(req) != 0 ? -1 : kp_api_password_hash(req, password, &u->pw_hash);
}

static void reply_created(kp_req_t *req, int rc, kp_org_t *org, kp_user_t *u)
{
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "conflict", "the username or tax id was registered at the same moment");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "account");
		return;
	}
	json_t *j = json_pack("{s:o}", "user", kp_api_user_json(u));
	if (org)
		json_object_set_new(j, "organisation", kp_api_org_json(org));
	kp_reply_header(req, "Location", kp_arena_printf(&req->arena, "/api/v1/users/%lld", (long long)u->id));
	kp_reply_json(req, 201, j);
}

void kp_api_carrier_register(kp_req_t *req)
{
	kp_org_t org = {0};
	kp_user_t u = {0};
	const char *password;
	org.kind = "carrier";
	org.name = kp_body_str(req, "company_name", 200, true);
	org.inn = kp_body_str_checked(req, "inn", 14, true, kp_check_inn);
	org.address = kp_body_str(req, "address", 500, true);
	org.contact_name = kp_body_str(req, "contact_name", 200, true);
	org.contact_phone = kp_body_str_checked(req, "contact_phone", 32, true, kp_check_phone);
	org.contact_email = kp_body_str_checked(req, "contact_email", 254, false, kp_check_email);
	org.licence_number = kp_body_str_checked(req, "licence_number", 32, true, kp_check_licence);
	read_user_fields(req, &u, &password, false);
	if (kp_body_check(req) != 0)
		return;
	u.role = "carrier";
	if (u.full_name == NULL)
		u.full_name = org.contact_name;
	if (u.phone == NULL)
		u.phone = org.contact_phone;
	if (u.email == NULL)
		u.email = org.contact_email;

	kp_org_t existing;
	int rc = kp_store_org_by_inn(kp_api_db(req), &req->arena, org.inn, &existing);
	if (rc == KP_DB_OK) {
		kp_reply_error(req, 409, "inn_taken", "a company with this tax id is already registered; sign in to it");
		return;
	}
	if (rc != KP_DB_NOTFOUND) {
		kp_reply_db_error(req, rc, "organisation");
		return;
	}
	if (username_free(req, u.username) != 0 || hash_password(req, &u, password) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	who.username = u.username; /* the registrant acts for themselves */
	rc = kp_store_account_create(kp_api_db(req), &who, &org, &u);
	reply_created(req, rc, &org, &u);
}

void kp_api_traveller_register(kp_req_t *req)
{
	kp_user_t u = {0};
	const char *password;
	read_user_fields(req, &u, &password, true);
	if (kp_body_check(req) != 0)
		return;
	u.role = "traveller";
	if (username_free(req, u.username) != 0 || hash_password(req, &u, password) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	who.username = u.username;
	int rc = kp_store_account_create(kp_api_db(req), &who, NULL, &u);
	reply_created(req, rc, NULL, &u);
}
