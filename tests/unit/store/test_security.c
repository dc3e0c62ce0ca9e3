/* test_security.c: the store's defences against abuse, on SQLite always and PostgreSQL
 * when KAPKA_TEST_PG is set: a throttle key counts every attempt and waits exactly from
 * the max-th on, doubling; a success gives one attempt back; pair markers; a password
 * change ends the other sessions in the same transaction; refused partner events are
 * bounded (the cap) and expire. */
#define KP_TEST_DB_PREFIX "kapka_security"
#include "kp_store_test.h"

#include "core/log.h"
#include "core/util.h"
#include "store/db.h"
#include "store/exchange.h"

typedef kp_store_fx_t fx_t;

/* A session made as a sign-in makes it (kp_store_signin, no throttle keys). */
static int session_create(kp_conn_t *c, const kp_actor_t *who, const char *hash, int64_t user_id, const char *csrf,
                          int64_t expires_at)
{
	kp_signin_t s = {.token_hash = hash, .csrf = csrf, .user_id = user_id, .expires_at = expires_at};
	return kp_store_signin(c, who, &s);
}

static void throttle_counts_every_attempt(void **state)
{
	fx_t *f = *state;
	kp_throttle_rule_t rule = {86400, 3, 30, 100};
	bool allowed;
	int64_t until, now = 1000000;
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(kp_store_throttle_take(f->c, "pair:a|x", now, &rule, &allowed, &until), KP_DB_OK);
		assert_true(allowed);
		assert_int_equal(until, i < 3 ? 0 : now + 30); /* the third sets the wait */
	}
	assert_int_equal(kp_store_throttle_take(f->c, "pair:a|x", now + 29, &rule, &allowed, &until), KP_DB_OK);
	assert_false(allowed);
	assert_int_equal(until, now + 30);
	/* after the wait, one more attempt, and the next wait is twice as long, then capped */
	assert_int_equal(kp_store_throttle_take(f->c, "pair:a|x", now + 30, &rule, &allowed, &until), KP_DB_OK);
	assert_true(allowed);
	assert_int_equal(until, now + 30 + 60);
	assert_int_equal(kp_store_throttle_take(f->c, "pair:a|x", now + 90, &rule, &allowed, &until), KP_DB_OK);
	assert_int_equal(until, now + 90 + 100);
	/* another key is untouched; a reset starts again */
	assert_int_equal(kp_store_throttle_take(f->c, "pair:a|y", now + 91, &rule, &allowed, &until), KP_DB_OK);
	assert_true(allowed);
	assert_int_equal(kp_store_throttle_reset(f->c, "pair:a|x"), KP_DB_OK);
	assert_int_equal(kp_store_throttle_take(f->c, "pair:a|x", now + 92, &rule, &allowed, &until), KP_DB_OK);
	assert_true(allowed);
	assert_int_equal(until, 0);
}

static void throttle_give_back_and_marks(void **state)
{
	fx_t *f = *state;
	kp_throttle_rule_t rule = {900, 2, 30, 300};
	bool allowed, seen;
	int64_t until, now = 2000000;
	kp_store_throttle_take(f->c, "addr:1", now, &rule, &allowed, &until);
	kp_store_throttle_take(f->c, "addr:1", now, &rule, &allowed, &until);
	assert_int_equal(until, now + 30);
	/* the second attempt succeeded: given back, the wait goes */
	assert_int_equal(kp_store_throttle_give_back(f->c, "addr:1", rule.max), KP_DB_OK);
	assert_int_equal(kp_store_throttle_take(f->c, "addr:1", now + 1, &rule, &allowed, &until), KP_DB_OK);
	assert_true(allowed);
	/* the window passed: counting starts again */
	assert_int_equal(kp_store_throttle_take(f->c, "addr:1", now + 2000, &rule, &allowed, &until), KP_DB_OK);
	assert_true(allowed);
	assert_int_equal(until, 0);
	assert_int_equal(kp_store_throttle_seen(f->c, "seen:a|x", now - 10, &seen), KP_DB_OK);
	assert_false(seen);
	kp_signin_t marker = {.seen = "seen:a|x", .now = now};
	assert_int_equal(kp_store_signin(f->c, NULL, &marker), KP_DB_OK);
	assert_int_equal(kp_store_throttle_seen(f->c, "seen:a|x", now - 10, &seen), KP_DB_OK);
	assert_true(seen);
	assert_int_equal(kp_store_throttle_seen(f->c, "seen:a|x", now + 10, &seen), KP_DB_OK);
	assert_false(seen);
}

static void password_change_ends_other_sessions(void **state)
{
	fx_t *f = *state;
	kp_user_t u = {.username = "olga", .role = "traveller", .full_name = "Olga", .pw_hash = "old"};
	kp_actor_t who = {0, "tester", "req-1", "192.0.2.7"};
	assert_int_equal(kp_store_account_create(f->c, &who, NULL, &u), KP_DB_OK);
	for (int i = 0; i < 3; i++) {
		char hash[16];
		snprintf(hash, sizeof(hash), "token-%d", i);
		assert_int_equal(session_create(f->c, &who, hash, u.id, "csrf", 4000000000LL), KP_DB_OK);
	}
	int64_t ended = -1;
	assert_int_equal(kp_store_password_change(f->c, &who, u.id, "new-hash", "token-1", &ended), KP_DB_OK);
	assert_int_equal(ended, 2);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM sessions"), 1);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM sessions WHERE token_hash = 'token-1'"), 1);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM users WHERE username = 'olga' AND pw_hash = 'new-hash'"),
	                 1);
	assert_int_equal(kp_store_password_change(f->c, &who, 999999, "x", NULL, &ended), KP_DB_NOTFOUND);
}

static long long failures(kp_conn_t *c, const char *key)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT COALESCE(SUM(failures), -1) FROM login_throttle WHERE key = '%s'", key);
	return kp_store_count(c, sql);
}

/* A sign-in's writes (pair reset, marker, address given back, session) are one
 * transaction: when the session cannot be made, the throttle keys are as they were. */
static void signin_is_one_transaction(void **state)
{
	fx_t *f = *state;
	kp_user_t u = {.username = "olga", .role = "traveller", .full_name = "Olga", .pw_hash = "h"};
	kp_actor_t who = {0, "tester", "req-1", "192.0.2.7"};
	assert_int_equal(kp_store_account_create(f->c, &who, NULL, &u), KP_DB_OK);
	kp_throttle_rule_t rule = {86400, 5, 30, 100};
	bool allowed;
	int64_t until, now = 1000000;
	for (int i = 0; i < 3; i++)
		assert_int_equal(kp_store_throttle_take(f->c, "pair:olga|x", now, &rule, &allowed, &until), KP_DB_OK);
	assert_int_equal(kp_store_throttle_take(f->c, "addr:x", now, &rule, &allowed, &until), KP_DB_OK);
	assert_int_equal(session_create(f->c, &who, "taken", u.id, "csrf", now + 100), KP_DB_OK);

	kp_signin_t s = {"pair:olga|x", "seen:olga|x", "addr:x", rule.max, now, "taken", "csrf", u.id, now + 100};
	assert_int_equal(kp_store_signin(f->c, &who, &s), KP_DB_CONFLICT); /* the session's hash is taken */
	assert_int_equal(failures(f->c, "pair:olga|x"), 3);
	assert_int_equal(failures(f->c, "addr:x"), 1);
	assert_int_equal(failures(f->c, "seen:olga|x"), -1);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM sessions"), 1);

	s.token_hash = "fresh";
	assert_int_equal(kp_store_signin(f->c, &who, &s), KP_DB_OK);
	assert_int_equal(failures(f->c, "pair:olga|x"), -1);
	assert_int_equal(failures(f->c, "addr:x"), 0);
	assert_int_equal(failures(f->c, "seen:olga|x"), 0);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM sessions WHERE token_hash = 'fresh'"), 1);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM audit_log WHERE action = 'session.create'"), 2);
	/* a suspended account's right password: the keys, no session */
	s.token_hash = NULL;
	assert_int_equal(kp_store_signin(f->c, &who, &s), KP_DB_OK);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM sessions"), 2);
}

static void refused_events_bounded_and_expired(void **state)
{
	fx_t *f = *state;
	int64_t now = 3000000000LL;
	kp_inbound_t rec = {.partner = "ZZ", .status = 401, .error_code = "UNAUTHORIZED", .addr = "192.0.2.9"};
	rec.received_at = now - (KP_INBOUND_REFUSED_DAYS + 1) * 86400;
	for (int i = 0; i < 5; i++)
		assert_int_equal(kp_store_inbound_refused(f->c, &rec), KP_DB_OK);
	rec.received_at = now;
	for (int i = 0; i < KP_INBOUND_REFUSED_ROWS + 20; i++)
		assert_int_equal(kp_store_inbound_refused(f->c, &rec), KP_DB_OK);
	int64_t removed = 0;
	assert_int_equal(kp_store_inbound_purge(f->c, now, &removed), KP_DB_OK);
	assert_true(removed >= 5);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM inbound_events WHERE verdict = 'refused'"),
	                 KP_INBOUND_REFUSED_ROWS);
}

#define TESTS                                              \
	KP_STORE_FX_TEST(throttle_counts_every_attempt),       \
	KP_STORE_FX_TEST(throttle_give_back_and_marks),        \
	KP_STORE_FX_TEST(password_change_ends_other_sessions), \
	KP_STORE_FX_TEST(signin_is_one_transaction),           \
	KP_STORE_FX_TEST(refused_events_bounded_and_expired)

KP_STORE_TEST_MAIN("security store", TESTS)
