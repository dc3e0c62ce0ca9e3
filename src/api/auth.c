/* auth.c: who is asking: a bearer token, a session cookie or a device key (devices.c). */
#include "api/api.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "domain/account.h"

#include <string.h>
#include <strings.h>

/* A token is 43 base64url characters (256 random bits). */
static bool plausible_token(const char *t)
{
	size_t n = strlen(t);
	if (n < 32 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

void kp_api_authenticate(kp_req_t *req)
{
	const char *token = NULL;
	bool cookie = false;
	const char *h = kp_req_header(req, "Authorization");
	if (h && strncasecmp(h, "Bearer ", 7) == 0) {
		token = h + 7;
	} else if ((token = kp_req_cookie(req, "kapka_session")) != NULL) {
		cookie = true;
	}
	if (token == NULL || !plausible_token(token))
		return;
	if (!cookie && kp_api_device_authenticate(req, token))
		return; /* checkpoint equipment (devices.c) */
	char hash[65];
	kp_sha256_hex(token, strlen(token), hash);
	kp_session_t s;
	int rc = kp_store_session_lookup(kp_api_db(req), &req->arena, hash, kp_now(), &s);
	if (rc == KP_DB_NOTFOUND)
		return; /* anonymous; routes that need a user answer 401 */
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "session");
		return;
	}
	if (strcmp(s.status, KP_ACCOUNT_ACTIVE) != 0)
		return; /* suspended: signed out */
	req->auth.user_id = s.user_id;
	req->auth.org_id = s.org_id;
	req->auth.role = kp_role_parse(s.role);
	req->auth.username = s.username;
	req->auth.language = s.language;
	req->auth.csrf = s.csrf;
	req->auth.token_hash = kp_arena_strdup(&req->arena, hash);
	req->auth.via_cookie = cookie;
}
