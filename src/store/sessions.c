/* sessions.c: sign-in sessions (token hashes only) and failed-sign-in throttling. */
#include "store/store.h"
#include "core/util.h"
#include "domain/account.h"

#include <stdio.h>

/* Insert one session and audit it, inside the caller's transaction. */
static int insert_session(kp_conn_t *c, const kp_actor_t *who, const char *token_hash, int64_t user_id,
                          const char *csrf, int64_t expires_at)
{
	int rc = kp_db_run(c, "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
	                   KP_PARAMS(KV_TEXT(token_hash), KV_INT(user_id), KV_TEXT(csrf), KV_INT(kp_now()),
	                             KV_INT(expires_at)),
	                   NULL);
	return rc == KP_DB_OK ? kp_store_audit_id(c, who, "session.create", "user", user_id, NULL, NULL) : rc;
}

int kp_store_session_lookup(kp_conn_t *c, kp_arena_t *a, const char *token_hash, int64_t now, kp_session_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r,
	                   "SELECT s.user_id, u.org_id, s.expires_at, u.username, u.role, u.status, u.language, s.csrf"
	                   " FROM sessions s JOIN users u ON u.id = s.user_id"
	                   " WHERE s.token_hash = ? AND s.expires_at > ?",
	                   KP_PARAMS(KV_TEXT(token_hash), KV_INT(now)));
	if (rc != KP_DB_OK)
		return rc;
	out->user_id = kp_rows_int(&r, 0, 0);
	out->org_id = kp_rows_int(&r, 0, 1);
	out->expires_at = kp_rows_int(&r, 0, 2);
	out->username = kp_rows_text(&r, 0, 3);
	out->role = kp_rows_text(&r, 0, 4);
	out->status = kp_rows_text(&r, 0, 5);
	out->language = kp_rows_text(&r, 0, 6);
	out->csrf = kp_rows_text(&r, 0, 7);
	return KP_DB_OK;
}

int kp_store_session_delete(kp_conn_t *c, const kp_actor_t *who, const char *token_hash)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	int64_t n = 0;
	rc = kp_db_run(c, "DELETE FROM sessions WHERE token_hash = ?", KP_PARAMS(KV_TEXT(token_hash)), &n);
	if (rc == KP_DB_OK && n > 0)
		rc = kp_store_audit_id(c, who, "session.delete", "user", who ? who->user_id : 0, NULL, NULL);
	return kp_store_end(c, rc);
}

int kp_store_password_change(kp_conn_t *c, const kp_actor_t *who, int64_t user_id, const char *pw_hash,
                             const char *keep_token_hash, int64_t *signed_out)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	int64_t changed = 0;
	*signed_out = 0;
	rc = kp_db_run(c, "UPDATE users SET pw_hash = ? WHERE id = ?", KP_PARAMS(KV_TEXT(pw_hash), KV_INT(user_id)),
	               &changed);
	if (rc == KP_DB_OK && changed == 0)
		rc = KP_DB_NOTFOUND;
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
		               KP_PARAMS(KV_INT(user_id), KV_TEXT(keep_token_hash ? keep_token_hash : "")), signed_out);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "user.password", "user", user_id, NULL,
		                       json_pack("{s:I}", "other_sessions_ended", (json_int_t)*signed_out));
	return kp_store_end(c, rc);
}

int kp_store_session_purge(kp_conn_t *c, int64_t now, int64_t *removed)
{
	return kp_db_run(c, "DELETE FROM sessions WHERE expires_at <= ?", KP_PARAMS(KV_INT(now)), removed);
}

int kp_store_throttle_take(kp_conn_t *c, const char *key, int64_t now, const kp_throttle_rule_t *rule, bool *allowed,
                           int64_t *until)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	*allowed = false;
	*until = 0;
	int rc = kp_store_begin(c);
	/* The no-op upsert creates the row or locks it (PostgreSQL) for the transaction;
	 * SQLite's writer lock, taken at BEGIN, already orders racing attempts. */
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "INSERT INTO login_throttle (key, failures, first_at, locked_until) VALUES (?, 0, ?, 0)"
		               " ON CONFLICT (key) DO UPDATE SET failures = login_throttle.failures",
		               KP_PARAMS(KV_TEXT(key), KV_INT(now)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_db_one(c, &a, &r, "SELECT failures, first_at, locked_until FROM login_throttle WHERE key = ?",
		               KP_PARAMS(KV_TEXT(key)));
	if (rc != KP_DB_OK) {
		kp_arena_cleanup(&a);
		return c->in_tx ? kp_store_end(c, rc) : rc;
	}
	int64_t failures = kp_rows_int(&r, 0, 0), first = kp_rows_int(&r, 0, 1), locked = kp_rows_int(&r, 0, 2);
	kp_arena_cleanup(&a);
	if (locked > now) {
		*until = locked;
		return kp_store_end(c, KP_DB_OK);
	}
	if (first < now - rule->window || failures == 0) {
		failures = 0;
		first = now;
	}
	failures++;
	int64_t wait = kp_login_delay(failures, rule->max, rule->base, rule->cap);
	*allowed = true;
	*until = wait ? now + wait : 0;
	rc = kp_db_run(c, "UPDATE login_throttle SET failures = ?, first_at = ?, locked_until = ? WHERE key = ?",
	               KP_PARAMS(KV_INT(failures), KV_INT(first), KV_INT(*until), KV_TEXT(key)), NULL);
	return kp_store_end(c, rc);
}

static int give_back(kp_conn_t *c, const char *key, int64_t max)
{
	return kp_db_run(c,
	                 "UPDATE login_throttle SET failures = failures - 1,"
	                 " locked_until = CASE WHEN failures - 1 < ? THEN 0 ELSE locked_until END"
	                 " WHERE key = ? AND failures > 0",
	                 KP_PARAMS(KV_INT(max), KV_TEXT(key)), NULL);
}

int kp_store_throttle_give_back(kp_conn_t *c, const char *key, int64_t max)
{
	return give_back(c, key, max);
}

static int mark(kp_conn_t *c, const char *key, int64_t now)
{
	return kp_db_run(c,
	                 "INSERT INTO login_throttle (key, failures, first_at, locked_until) VALUES (?, 0, ?, 0)"
	                 " ON CONFLICT (key) DO UPDATE SET first_at = excluded.first_at",
	                 KP_PARAMS(KV_TEXT(key), KV_INT(now)), NULL);
}

int kp_store_throttle_seen(kp_conn_t *c, const char *key, int64_t since, bool *seen)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_db_exec(c, &a, &r, "SELECT 1 FROM login_throttle WHERE key = ? AND first_at >= ?",
	                    KP_PARAMS(KV_TEXT(key), KV_INT(since)));
	*seen = rc == KP_DB_OK && r.nrows > 0;
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_throttle_reset(kp_conn_t *c, const char *key)
{
	return kp_db_run(c, "DELETE FROM login_throttle WHERE key = ?", KP_PARAMS(KV_TEXT(key)), NULL);
}

int kp_store_throttle_purge(kp_conn_t *c, int64_t now, int64_t older_than, int64_t *removed)
{
	/* Markers of pairs that signed in ("seen:") are kept for 30 days. */
	return kp_db_run(c,
	                 "DELETE FROM login_throttle WHERE locked_until < ? AND first_at < ?"
	                 " AND (key NOT LIKE 'seen:%' OR first_at < ?)",
	                 KP_PARAMS(KV_INT(now), KV_INT(older_than), KV_INT(now - 30 * 86400)), removed);
}

int kp_store_signin(kp_conn_t *c, const kp_actor_t *who, const kp_signin_t *s)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	if (s->pair)
		rc = kp_store_throttle_reset(c, s->pair);
	if (rc == KP_DB_OK && s->seen)
		rc = mark(c, s->seen, s->now);
	if (rc == KP_DB_OK && s->addr)
		rc = give_back(c, s->addr, s->addr_max);
	if (rc == KP_DB_OK && s->token_hash)
		rc = insert_session(c, who, s->token_hash, s->user_id, s->csrf, s->expires_at);
	return kp_store_end(c, rc);
}
