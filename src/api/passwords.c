/* passwords.c: what a password costs the server, bounded: password hashing (64 MiB of
 * memory each) runs a few at a time, registrations are throttled per address and overall,
 * and a signed-in user changes their own password. */
#include "api/api.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "domain/account.h"

#include <stdatomic.h>
#include <string.h>

static atomic_int hashing;

int kp_api_password_hash(kp_req_t *req, const char *password, const char **out)
{
	int limit = (int)kp_api_app(req)->cfg->password_hash_concurrency;
	if (atomic_fetch_add(&hashing, 1) >= limit) {
		atomic_fetch_sub(&hashing, 1);
		/* Refused at once: a waiting request would hold a worker thread that sign-ins need. */
		kp_reply_header(req, "Retry-After", "1");
		kp_reply_error(req, 503, "busy", "the server is busy creating other accounts; try again in a moment");
		return -1;
	}
	char *hash = kp_arena_alloc(&req->arena, KP_PWHASH_LEN);
	int rc = kp_password_hash(password, hash);
	atomic_fetch_sub(&hashing, 1);
	if (rc != 0) {
		kp_reply_error(req, 500, "internal", "could not hash the password");
		return -1;
	}
	*out = hash;
	return 0;
}

static void reply_registration_throttled(kp_req_t *req, int64_t until, const char *scope)
{
	int64_t wait = until - kp_now();
	if (wait < 1)
		wait = 1;
	kp_reply_header(req, "Retry-After", kp_arena_printf(&req->arena, "%lld", (long long)wait));
	kp_reply_error(req, 429, "too_many_registrations", "too many accounts were created %s; try again in %lld seconds",
	               scope, (long long)wait);
}

int kp_api_registration_allowed(kp_req_t *req)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	kp_conn_t *c = kp_api_db(req);
	int64_t now = kp_now(), until;
	bool allowed;
	/* Once the limit is reached the key waits out the rest of its window. */
	kp_throttle_rule_t per_addr = {cfg->register_window_seconds, cfg->register_per_address,
	                               cfg->register_window_seconds, cfg->register_window_seconds};
	kp_throttle_rule_t all = {60, cfg->register_per_minute, 60, 60};
	int rc = kp_store_throttle_take(c, kp_arena_printf(&req->arena, "register:%s", req->addr), now, &per_addr, &allowed,
	                                &until);
	if (rc == KP_DB_OK && !allowed) {
		reply_registration_throttled(req, until, "from your address");
		return -1;
	}
	if (rc == KP_DB_OK)
		rc = kp_store_throttle_take(c, "register:*", now, &all, &allowed, &until);
	if (rc == KP_DB_OK && !allowed) {
		reply_registration_throttled(req, until, "in the last minute");
		return -1;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "throttle");
		return -1;
	}
	return 0;
}

/* Body: current_password, new_password. The current password is checked as a sign-in
 * would be (same throttle key); every other session of the user ends. */
void kp_api_password_change(kp_req_t *req)
{
	const char *current = kp_body_str(req, "current_password", 256, true);
	const char *next = kp_body_str_checked(req, "new_password", 256, true, kp_check_password);
	if (current && next && strcmp(current, next) == 0)
		kp_field_problem(req, "new_password", "same_password", NULL, "is the same as the current password");
	if (kp_body_check(req) != 0)
		return;
	if (req->auth.user_id == 0) {
		kp_reply_error(req, 403, "forbidden", "only a signed-in user has a password to change");
		return;
	}
	kp_conn_t *c = kp_api_db(req);
	kp_user_t u;
	int rc = kp_store_user_get(c, &req->arena, req->auth.user_id, &u);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "user");
		return;
	}
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	kp_throttle_rule_t rule = {86400, cfg->login_max_failures, cfg->login_delay_seconds, cfg->login_lock_seconds};
	const char *key = kp_arena_printf(&req->arena, "pair:%s|%s", u.username, req->addr);
	bool allowed;
	int64_t until;
	rc = kp_store_throttle_take(c, key, kp_now(), &rule, &allowed, &until);
	if (rc == KP_DB_OK && !allowed) {
		kp_reply_header(req, "Retry-After", kp_arena_printf(&req->arena, "%lld", (long long)(until - kp_now())));
		kp_reply_error(req, 429, "too_many_attempts", "too many wrong passwords; try again later");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "throttle");
		return;
	}
	if (kp_password_verify(u.pw_hash, current) != 0) {
		kp_field_problem(req, "current_password", "wrong_password", NULL, "is not your current password");
		kp_body_check(req);
		return;
	}
	kp_store_throttle_reset(c, key);
	const char *hash;
	if (kp_api_password_hash(req, next, &hash) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int64_t ended = 0;
	rc = kp_store_password_change(c, &who, u.id, hash, req->auth.token_hash, &ended);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "user");
		return;
	}
	kp_reply_json(req, 200, json_pack("{s:b, s:I}", "changed", 1, "other_sessions_ended", (json_int_t)ended));
}
