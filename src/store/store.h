/* store.h: the one storage interface of kapka. Every SQL statement lives behind it;
 * each state-changing call is one transaction that also writes the audit row. */
#ifndef KP_STORE_H
#define KP_STORE_H

#include <stdint.h>
#include <jansson.h>
#include <stdio.h>

#include "core/arena.h"
#include "domain/account.h"
#include "store/db.h"
#include "store/page.h"

typedef struct kp_store kp_store_t;

/* Who causes a change; written into the audit row. */
typedef struct kp_actor {
	int64_t user_id; /* 0: the system or a command */
	const char *username;
	const char *request_id;
	const char *addr;
} kp_actor_t;

/* dsn: a file path (SQLite) or postgres:// / postgresql:// URL. pool: connections. */
int kp_store_open(const char *dsn, int pool, int sync_full, kp_store_t **out, char *err, size_t errlen);
void kp_store_close(kp_store_t *s);
const char *kp_store_backend_name(const kp_store_t *s);

/* Borrow a connection (waits while all are busy) and give it back. */
kp_conn_t *kp_store_acquire(kp_store_t *s);
void kp_store_release(kp_store_t *s, kp_conn_t *c);
/* Connections in the pool and how many are borrowed now. */
void kp_store_pool_use(kp_store_t *s, int *size, int *in_use);
/* The database's gauges for /metrics (metrics.c): for each family, call emit with its
 * samples (in arena). Returns KP_DB_OK or the first query's error. */
struct kp_sample;
typedef void (*kp_gauge_emit_fn)(void *ctx, const char *name, const char *type, const char *help,
                                 const struct kp_sample *s, int n);
int kp_store_gauges(kp_conn_t *c, kp_arena_t *a, kp_gauge_emit_fn emit, void *ctx);
/* 0 when the database answers. */
int kp_store_ping(kp_store_t *s);

/* Apply migrations not yet applied; *applied gets how many. Safe to race from
 * several instances. */
int kp_store_migrate(kp_store_t *s, int *applied);
/* Highest applied migration version, or -1. */
int kp_store_schema_version(kp_store_t *s);

int kp_store_begin(kp_conn_t *c);
int kp_store_commit(kp_conn_t *c);
int kp_store_rollback(kp_conn_t *c);
/* End the open transaction: commit when rc is KP_DB_OK, else roll back. Returns rc, or
 * the commit's error. Every state-changing store call ends with it. */
int kp_store_end(kp_conn_t *c, int rc);

/* Append an audit row inside the caller's transaction. JSON texts may be NULL. */
int kp_store_audit(kp_conn_t *c, const kp_actor_t *who, const char *action, const char *object_type,
                   const char *object_id, const char *before_json, const char *after_json);

/* The same with JSON snapshots, whose references it takes (either may be NULL). */
int kp_store_audit_json(kp_conn_t *c, const kp_actor_t *who, const char *action, const char *object_type,
                        const char *object_id, json_t *before, json_t *after);
/* kp_store_audit_json for a numeric object id (0: none). */
int kp_store_audit_id(kp_conn_t *c, const kp_actor_t *who, const char *action, const char *object_type,
                      int64_t object_id, json_t *before, json_t *after);

typedef struct kp_audit_entry {
	int64_t id, at_ms, actor_id;
	const char *actor, *action, *object_type, *object_id, *before_json, *after_json, *request_id;
} kp_audit_entry_t;
/* Newest first; object_type/object_id NULL for any; before_id 0 for the newest. */
int kp_store_audit_list(kp_conn_t *c, kp_arena_t *a, const char *object_type, const char *object_id,
                        int64_t before_id, int limit, kp_audit_entry_t **out, int *n);

/* --- organisations and users (accounts.c) --- */

/* Insert org (if non-NULL) and user in one transaction; user->org_id is taken from the
 * new org. Sets ids. KP_DB_CONFLICT when the username or INN is taken. */
int kp_store_account_create(kp_conn_t *c, const kp_actor_t *who, kp_org_t *org, kp_user_t *user);
int kp_store_org_create(kp_conn_t *c, const kp_actor_t *who, kp_org_t *org);
/* Suspend or reactivate an organisation; the audit row holds before, after and reason. */
int kp_store_org_set_status(kp_conn_t *c, const kp_actor_t *who, int64_t id, const char *status,
                            const char *reason);
int kp_store_org_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_org_t *out);
int kp_store_org_by_inn(kp_conn_t *c, kp_arena_t *a, const char *inn, kp_org_t *out);
int kp_store_org_list(kp_conn_t *c, kp_arena_t *a, const char *kind, kp_org_t **out, int *n);
/* A page of organisations by name: kind NULL, status NULL: any; page->q searches the name,
 * INN, licence number and contact name. *total: all that match. */
int kp_store_org_page(kp_conn_t *c, kp_arena_t *a, const char *kind, const char *status, const kp_page_t *page,
                      kp_org_t **out, int *n, int64_t *total);
int kp_store_user_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_user_t *out);
int kp_store_user_by_name(kp_conn_t *c, kp_arena_t *a, const char *username, kp_user_t *out);
int kp_store_user_list(kp_conn_t *c, kp_arena_t *a, int64_t org_id, kp_user_t **out, int *n);
/* A page of users by username: org_id 0, role NULL, status NULL: any; page->q searches
 * the username, full name and e-mail. *total: all that match. */
int kp_store_user_page(kp_conn_t *c, kp_arena_t *a, int64_t org_id, const char *role, const char *status,
                       const kp_page_t *page, kp_user_t **out, int *n, int64_t *total);
int64_t kp_store_user_count(kp_conn_t *c);
int kp_store_user_set_password(kp_conn_t *c, const kp_actor_t *who, int64_t user_id, const char *pw_hash);
int kp_store_user_set_status(kp_conn_t *c, const kp_actor_t *who, int64_t user_id, const char *status);

/* --- sessions and sign-in throttling (sessions.c) --- */

typedef struct kp_session {
	int64_t user_id, org_id, expires_at;
	const char *username, *role, *status, *language, *csrf;
} kp_session_t;

/* KP_DB_NOTFOUND when missing or expired at now. */
int kp_store_session_lookup(kp_conn_t *c, kp_arena_t *a, const char *token_hash, int64_t now, kp_session_t *out);
int kp_store_session_delete(kp_conn_t *c, const kp_actor_t *who, const char *token_hash);
/* Set a user's password hash and end every other session of theirs (the one with
 * keep_token_hash stays), in one audited transaction. *signed_out: sessions ended. */
int kp_store_password_change(kp_conn_t *c, const kp_actor_t *who, int64_t user_id, const char *pw_hash,
                             const char *keep_token_hash, int64_t *signed_out);
/* Remove sessions that expired before now; *removed gets how many. */
int kp_store_session_purge(kp_conn_t *c, int64_t now, int64_t *removed);

int kp_store_throttle_reset(kp_conn_t *c, const char *key);

/* The rule of a throttle key: attempts counted within window seconds; from the max-th on,
 * each one makes the next wait kp_login_delay(count, max, base, cap) seconds. */
typedef struct kp_throttle_rule {
	int64_t window, max, base, cap;
} kp_throttle_rule_t;
/* Take one attempt on key, exactly under races (the row is locked while it is counted):
 * *allowed false with *until when the key is waiting; else the attempt is counted (it
 * counts as a failure until kp_store_throttle_reset or _give_back) and *until is the
 * wait this attempt set (0: none). */
int kp_store_throttle_take(kp_conn_t *c, const char *key, int64_t now, const kp_throttle_rule_t *rule, bool *allowed,
                           int64_t *until);
/* Undo one counted attempt (a success that must not count against a shared key); the
 * wait goes when the count falls below max. */
int kp_store_throttle_give_back(kp_conn_t *c, const char *key, int64_t max);
/* Whether the marker key (an account and address pair that signed in, see kp_store_signin)
 * was set since `since`. */
int kp_store_throttle_seen(kp_conn_t *c, const char *key, int64_t since, bool *seen);
/* A sign-in with the right password, all in one transaction: the account and address pair
 * starts again (its row goes), its marker seen is set at now, the address gets its attempt
 * back (NULL keys: none) and, when token_hash is set (not for a suspended account), the
 * session is made and audited. Nothing is written when any part fails. */
typedef struct kp_signin {
	const char *pair, *seen, *addr;
	int64_t addr_max, now;
	const char *token_hash, *csrf;
	int64_t user_id, expires_at;
} kp_signin_t;
int kp_store_signin(kp_conn_t *c, const kp_actor_t *who, const kp_signin_t *s);
/* Forget throttle rows neither locked nor counting since before `older_than`. */
int kp_store_throttle_purge(kp_conn_t *c, int64_t now, int64_t older_than, int64_t *removed);

#endif
