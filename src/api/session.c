/* session.c: sign in (with throttling per account and per address), who am I, sign out. */
#include "api/api.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "domain/account.h"

#include <stdio.h>
#include <string.h>

/* 429 with Retry-After. */
static void reply_throttled(kp_req_t *req, int64_t until)
{
	int64_t wait = until - kp_now();
	if (wait < 1)
		wait = 1;
	kp_reply_header(req, "Retry-After", kp_arena_printf(&req->arena, "%lld", (long long)wait));
	kp_reply_error(req, 429, "too_many_attempts", "too many failed sign-ins; try again in %lld seconds",
	               (long long)wait);
}

/* The keys of one sign-in attempt: the account and address pair (guesses at one account
 * from one address wait longer and longer, and no one elsewhere can make its owner wait),
 * the address (many accounts guessed from one address), and the pair's marker of a past
 * success, which lets an owner in past its address's wait (a shared NAT or office). */
struct signin_keys {
	const char *pair, *addr, *seen;
	kp_throttle_rule_t pair_rule, addr_rule;
	bool addr_taken;
};

/* Take the attempt on each key; answers 429 and returns -1 when one is waiting. Every
 * attempt counts until it succeeds, so racing guesses cannot pass the limit. */
static int take_attempt(kp_req_t *req, const char *lower, struct signin_keys *k)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	kp_conn_t *c = kp_api_db(req);
	int64_t now = kp_now(), until;
	k->pair = kp_arena_printf(&req->arena, "pair:%s|%s", lower, req->addr);
	k->addr = kp_arena_printf(&req->arena, "addr:%s", req->addr);
	k->seen = kp_arena_printf(&req->arena, "seen:%s|%s", lower, req->addr);
	/* An account's failures count "in a row": they reset only on success (window: a day). */
	k->pair_rule = (kp_throttle_rule_t){86400, cfg->login_max_failures, cfg->login_delay_seconds,
	                                    cfg->login_lock_seconds};
	k->addr_rule = (kp_throttle_rule_t){cfg->ip_window_seconds, cfg->ip_max_failures, cfg->login_delay_seconds,
	                                    cfg->login_lock_seconds};
	bool allowed, seen = false;
	int rc = kp_store_throttle_take(c, k->pair, now, &k->pair_rule, &allowed, &until);
	if (rc == KP_DB_OK && !allowed) {
		reply_throttled(req, until);
		return -1;
	}
	if (rc == KP_DB_OK)
		rc = kp_store_throttle_seen(c, k->seen, now - 30 * 86400, &seen);
	if (rc == KP_DB_OK && !seen) {
		rc = kp_store_throttle_take(c, k->addr, now, &k->addr_rule, &allowed, &until);
		k->addr_taken = rc == KP_DB_OK && allowed;
		if (rc == KP_DB_OK && !allowed) {
			kp_store_throttle_give_back(c, k->pair, k->pair_rule.max);
			reply_throttled(req, until);
			return -1;
		}
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "throttle");
		return -1;
	}
	return 0;
}

/* The right password: the pair starts again and is remembered; the address gets its
 * attempt back (a success does not wipe what other accounts' guesses from it counted).
 * With token_hash, the session is made in the same transaction (kp_store_signin). */
static int attempt_succeeded(kp_req_t *req, const struct signin_keys *k, const kp_user_t *u, const char *token_hash,
                             const char *csrf, int64_t expires)
{
	kp_actor_t who = {u->id, u->username, req->request_id, req->addr};
	kp_signin_t s = {k->pair, k->seen, k->addr_taken ? k->addr : NULL, k->addr_rule.max, kp_now(), token_hash, csrf,
	                 u->id,   expires};
	int rc = kp_store_signin(kp_api_db(req), &who, &s);
	if (rc != KP_DB_OK)
		kp_reply_db_error(req, rc, "session");
	return rc;
}

static void set_cookies(kp_req_t *req, const char *token, const char *csrf)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	const char *secure = cfg->cookie_secure ? "; Secure" : "";
	kp_reply_header(req, "Set-Cookie",
	                kp_arena_printf(&req->arena, "kapka_session=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
	                                token, cfg->session_ttl, secure));
	kp_reply_header(req, "Set-Cookie",
	                kp_arena_printf(&req->arena, "kapka_csrf=%s; Path=/; Max-Age=%lld; SameSite=Strict%s", csrf,
	                                cfg->session_ttl, secure));
}

void kp_api_session_create(kp_req_t *req)
{
	const char *username = kp_body_str(req, "username", 64, true);
	const char *password = kp_body_str(req, "password", 256, true);
	if (kp_body_check(req) != 0)
		return;
	kp_conn_t *c = kp_api_db(req);
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	char *lower = kp_arena_strdup(&req->arena, username);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	struct signin_keys keys = {0};
	if (take_attempt(req, lower, &keys) != 0)
		return;
	int64_t now = kp_now();
	int rc;

	kp_user_t u;
	rc = kp_store_user_by_name(c, &req->arena, lower, &u);
	if (rc != KP_DB_OK && rc != KP_DB_NOTFOUND) {
		kp_reply_db_error(req, rc, "user");
		return;
	}
	bool ok;
	if (rc == KP_DB_NOTFOUND) {
		kp_password_dummy_verify(password);
		ok = false;
	} else {
		ok = kp_password_verify(u.pw_hash, password) == 0;
	}
	if (!ok) {
		kp_reply_error(req, 401, "invalid_credentials", "wrong username or password");
		return;
	}
	if (strcmp(u.status, KP_ACCOUNT_ACTIVE) != 0) {
		if (attempt_succeeded(req, &keys, &u, NULL, NULL, 0) == KP_DB_OK)
			kp_reply_error(req, 403, "account_suspended", "this account is suspended; ask your administrator");
		return;
	}

	char token[64], csrf[64], hash[65];
	if (kp_random_token(32, token, sizeof(token)) != 0 || kp_random_token(24, csrf, sizeof(csrf)) != 0) {
		kp_reply_error(req, 500, "internal", "no randomness available");
		return;
	}
	kp_sha256_hex(token, strlen(token), hash);
	int64_t expires = now + cfg->session_ttl;
	if (attempt_succeeded(req, &keys, &u, hash, csrf, expires) != KP_DB_OK) {
		kp_wipe(token, sizeof(token));
		return;
	}
	char exp[32];
	kp_iso8601(expires, exp, sizeof(exp));
	set_cookies(req, token, csrf);
	kp_reply_json(req, 201,
	              json_pack("{s:s, s:s, s:s, s:o}", "token", token, "csrf_token", csrf, "expires_at", exp, "user",
	                        kp_api_user_json(&u)));
	kp_wipe(token, sizeof(token));
}

void kp_api_session_get(kp_req_t *req)
{
	kp_user_t u;
	int rc = kp_store_user_get(kp_api_db(req), &req->arena, req->auth.user_id, &u);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "user");
		return;
	}
	json_t *j = json_pack("{s:o, s:s}", "user", kp_api_user_json(&u), "csrf_token", req->auth.csrf);
	if (u.org_id) {
		kp_org_t o;
		if (kp_store_org_get(kp_api_db(req), &req->arena, u.org_id, &o) == KP_DB_OK)
			json_object_set_new(j, "organisation", kp_api_org_json(&o));
	}
	kp_reply_json(req, 200, j);
}

void kp_api_session_delete(kp_req_t *req)
{
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_session_delete(kp_api_db(req), &who, req->auth.token_hash);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "session");
		return;
	}
	kp_reply_header(req, "Set-Cookie", "kapka_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
	kp_reply_header(req, "Set-Cookie", "kapka_csrf=; Path=/; Max-Age=0; SameSite=Strict");
	kp_reply_json(req, 200, json_pack("{s:b}", "signed_out", 1));
}
