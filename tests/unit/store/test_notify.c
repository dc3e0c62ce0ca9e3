/* test_notify.c: the notifications store (src/store/notify.c) against real databases: a
 * SQLite file always, and a fresh PostgreSQL database as well when KAPKA_TEST_PG is set
 * (tests/pg.sh).
 *
 * Covered: one row per channel the person can be reached on and has not switched off, none
 * for a channel without a gateway, a repeated act adding nothing; two instances racing to
 * claim the same due rows each get a different half and never the same row, a leased row
 * waits for its lease; failed, given up and sent recorded only by the lease holder; an
 * operator's retry; in-app notices only for their owner; the expiry sweep once per mark, for
 * temporary imports and carriers' permits, a later sweep at a reminded mark queueing nothing;
 * SMS delivery reports: recorded only for a kept token, a final one standing against later
 * reports, a reported failure listed and sent again with a fresh token. */
#define KP_TEST_DB_PREFIX "kapka_notify"
#define KP_STORE_FX_POOL 4
#include "kp_store_test.h"

#include "core/log.h"
#include "domain/dates.h"
#include "store/notify.h"

#include <pthread.h>

typedef kp_store_fx_t fx_t;

static const kp_actor_t tester = {0, "tester", "req-1", "192.0.2.7"};
static int user_seq;

static int64_t new_user(fx_t *f, const char *lang, const char *phone, const char *email)
{
	kp_user_t u = {.username = kp_arena_printf(&f->a, "notify%d_%lld", ++user_seq, (long long)kp_now_ms()),
	               .role = "traveller",
	               .language = lang,
	               .phone = phone,
	               .email = email,
	               .status = "active",
	               .pw_hash = "x",
	               .created_at = kp_now()};
	assert_int_equal(kp_store_account_create(f->c, &tester, NULL, &u), KP_DB_OK);
	return u.id;
}

static int enqueue(fx_t *f, const char *key, int64_t user, const char *phone, const char *lang)
{
	const char *args[] = {"checkpoint", "dostyk", "plate", "01KG001AAA", "minutes", "20", NULL};
	kp_notify_t n = {.idem_key = key,
	                 .kind = KP_NOTICE_QUEUE_CALL,
	                 .user_id = user,
	                 .phone = phone,
	                 .lang = lang,
	                 .object_type = "booking",
	                 .object_id = "1",
	                 .args = args};
	int rc = kp_store_begin(f->c);
	return rc == KP_DB_OK ? kp_store_end(f->c, kp_store_notify_enqueue(f->c, &n, kp_now_ms())) : rc;
}

static long long rows_of(fx_t *f, const char *key)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM notifications WHERE idem_key = '%s'", key);
	return kp_store_count(f->c, sql);
}

static void channels_and_idempotency(void **state)
{
	fx_t *f = *state;
	kp_store_notify_set_channels(KP_CHANNEL_SMS | KP_CHANNEL_EMAIL);
	int64_t u = new_user(f, "ky", "+996 555 100 200", "a@example.kg");
	assert_int_equal(enqueue(f, "t:1", u, NULL, NULL), KP_DB_OK);
	assert_int_equal(rows_of(f, "t:1"), 3);
	assert_int_equal(enqueue(f, "t:1", u, NULL, "en"), KP_DB_OK); /* the same act again: nothing */
	assert_int_equal(rows_of(f, "t:1"), 3);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM notifications WHERE idem_key = 't:1' AND lang = 'ky'"
	                                      " AND recipient IS NOT NULL AND (recipient = '+996555100200'"
	                                      " OR recipient = 'a@example.kg')"),
	                 2);
	/* SMS switched off: no SMS row; no email gateway: no email row */
	kp_notify_prefs_t p = {.phone = "+996 555 100 200", .email = "a@example.kg", .sms = false, .email_on = true};
	assert_int_equal(kp_store_notify_set_prefs(f->c, &tester, u, &p), KP_DB_OK);
	kp_store_notify_set_channels(KP_CHANNEL_SMS);
	assert_int_equal(enqueue(f, "t:2", u, NULL, NULL), KP_DB_OK);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM notifications WHERE idem_key = 't:2'"), 1);
	assert_int_equal(kp_store_count(f->c,
	                                "SELECT COUNT(*) FROM notifications WHERE idem_key = 't:2' AND channel = 'inapp'"),
	                 1);
	/* no account: only the phone given with the act, no in-app notice */
	assert_int_equal(enqueue(f, "t:3", 0, "+996 700 000 001", "ru"), KP_DB_OK);
	assert_int_equal(kp_store_count(f->c,
	                                "SELECT COUNT(*) FROM notifications WHERE idem_key = 't:3' AND channel = 'sms'"),
	                 1);
	assert_int_equal(rows_of(f, "t:3"), 1);
	kp_store_notify_set_channels(0);
}

struct racer {
	fx_t *f;
	char owner[16];
	int64_t ids[64];
	int n;
};

static void *claim_all(void *arg)
{
	struct racer *r = arg;
	kp_conn_t *c = kp_store_acquire(r->f->s);
	for (int round = 0; round < 40; round++) {
		kp_arena_t a;
		kp_arena_init(&a);
		kp_notification_t *got;
		int n = 0;
		if (kp_store_notify_claim(c, &a, r->owner, kp_now_ms(), 60000, 3, &got, &n) == KP_DB_OK)
			for (int i = 0; i < n && r->n < 64; i++)
				r->ids[r->n++] = got[i].id;
		kp_arena_cleanup(&a);
	}
	kp_store_release(r->f->s, c);
	return NULL;
}

static void two_instances_never_claim_one_row(void **state)
{
	fx_t *f = *state;
	kp_store_notify_set_channels(KP_CHANNEL_SMS);
	for (int i = 0; i < 30; i++) {
		char key[32];
		snprintf(key, sizeof(key), "race:%d", i);
		assert_int_equal(enqueue(f, key, 0, "+996 700 000 002", "en"), KP_DB_OK);
	}
	struct racer r[2] = {{.f = f, .owner = "one"}, {.f = f, .owner = "two"}};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, claim_all, &r[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(r[0].n + r[1].n, 30);
	for (int i = 0; i < r[0].n; i++)
		for (int j = 0; j < r[1].n; j++)
			if (r[0].ids[i] == r[1].ids[j])
				fail_msg("row %lld claimed by both instances", (long long)r[0].ids[i]);
	/* leased: nobody else takes them until the lease runs out */
	kp_notification_t *got;
	int n;
	assert_int_equal(kp_store_notify_claim(f->c, &f->a, "three", kp_now_ms(), 60000, 50, &got, &n), KP_DB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(kp_store_notify_claim(f->c, &f->a, "three", kp_now_ms() + 61000, 60000, 50, &got, &n), KP_DB_OK);
	assert_int_equal(n, 30);
	kp_store_notify_set_channels(0);
}

static void attempts_and_retry(void **state)
{
	fx_t *f = *state;
	kp_store_notify_set_channels(KP_CHANNEL_SMS);
	assert_int_equal(enqueue(f, "try:1", 0, "+996 700 000 003", "en"), KP_DB_OK);
	kp_notification_t *got;
	int n;
	int64_t now = kp_now_ms();
	assert_int_equal(kp_store_notify_claim(f->c, &f->a, "w", now, 60000, 5, &got, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	int64_t id = got[0].id;
	/* only the holder of the lease records */
	assert_int_equal(kp_store_notify_attempt(f->c, id, "intruder", NULL, now, 0), KP_DB_OK);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM notifications WHERE idem_key = 'try:1' AND state = "
	                                      "'pending'"),
	                 1);
	assert_int_equal(kp_store_notify_attempt(f->c, id, "w", "Kannel did not answer", now, now + 5000), KP_DB_OK);
	assert_int_equal(kp_store_notify_claim(f->c, &f->a, "w", now + 1000, 60000, 5, &got, &n), KP_DB_OK);
	assert_int_equal(n, 0); /* not due before its next attempt */
	assert_int_equal(kp_store_notify_claim(f->c, &f->a, "w", now + 5000, 60000, 5, &got, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].attempts, 1);
	assert_string_equal(got[0].state, "failed");
	assert_string_equal(got[0].last_error, "Kannel did not answer");
	assert_int_equal(kp_store_notify_attempt(f->c, id, "w", "still down", now + 5000, -1), KP_DB_OK);
	kp_notification_t *out;
	assert_int_equal(kp_store_notify_outbox(f->c, &f->a, "given_up", 0, 10, &out, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].attempts, 2);
	assert_int_equal(kp_store_notify_claim(f->c, &f->a, "w", now + 999999, 60000, 5, &got, &n), KP_DB_OK);
	assert_int_equal(n, 0); /* given up: never again by itself */
	assert_int_equal(kp_store_notify_retry(f->c, &tester, id, now + 10000), KP_DB_OK);
	assert_int_equal(kp_store_notify_claim(f->c, &f->a, "w", now + 10000, 60000, 5, &got, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(got[0].attempts, 0);
	assert_int_equal(kp_store_notify_attempt(f->c, id, "w", NULL, now + 10000, 0), KP_DB_OK);
	assert_int_equal(kp_store_notify_retry(f->c, &tester, id, now), KP_DB_CONFLICT); /* sent */
	assert_int_equal(kp_store_notify_retry(f->c, &tester, 99999999, now), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM audit_log WHERE action = 'notification.retry'"), 1);
	kp_store_notify_set_channels(0);
}

static void notices_are_their_owners(void **state)
{
	fx_t *f = *state;
	int64_t a = new_user(f, "en", NULL, NULL), b = new_user(f, "ru", NULL, NULL);
	assert_int_equal(enqueue(f, "own:1", a, NULL, NULL), KP_DB_OK);
	assert_int_equal(enqueue(f, "own:2", a, NULL, NULL), KP_DB_OK);
	kp_notification_t *mine;
	int n;
	int64_t unread;
	assert_int_equal(kp_store_notify_inbox(f->c, &f->a, a, 0, 10, &mine, &n), KP_DB_OK);
	assert_int_equal(n, 2);
	assert_true(mine[0].id > mine[1].id);
	assert_string_equal(mine[0].lang, "en");
	assert_int_equal(kp_store_notify_inbox(f->c, &f->a, b, 0, 10, &mine, &n), KP_DB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(kp_store_notify_inbox(f->c, &f->a, a, 0, 10, &mine, &n), KP_DB_OK);
	assert_int_equal(kp_store_notify_mark_read(f->c, b, mine[0].id, kp_now_ms()), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_notify_unread(f->c, a, &unread), KP_DB_OK);
	assert_int_equal(unread, 2);
	assert_int_equal(kp_store_notify_mark_read(f->c, a, mine[0].id, kp_now_ms()), KP_DB_OK);
	assert_int_equal(kp_store_notify_unread(f->c, a, &unread), KP_DB_OK);
	assert_int_equal(unread, 1);
	assert_int_equal(kp_store_notify_mark_read(f->c, a, 0, kp_now_ms()), KP_DB_OK);
	assert_int_equal(kp_store_notify_unread(f->c, a, &unread), KP_DB_OK);
	assert_int_equal(unread, 0);
}

static void sweep_once_per_mark(void **state)
{
	fx_t *f = *state;
	int64_t u = new_user(f, "en", NULL, NULL);
	/* noon today (Bishkek): the marks are days apart, and now + 60 stays on the same day
	 * when the clock is set to a day's last second */
	int64_t today = kp_local_day(kp_now(), 360), now = kp_local_day_start(today, 360) + 12 * 3600;
	char sql[768];
	snprintf(sql, sizeof(sql),
	         "INSERT INTO tips (user_id, plate, plate_country, kind, owner_name, owner_passport, entry_checkpoint,"
	         " entered_from, entry_date, term_months, expiry_date, status, ecotax_reason, created_at)"
	         " VALUES (%lld, 'AB123CD', 'FR', 'car', 'Marie Dupont', '12AB34567', 'dostyk', 'UZ', %lld, 6, %lld,"
	         " 'open', 'FIRST_UNION_ENTRY', %lld)",
	         (long long)u, (long long)(today - 180), (long long)(today + 2), (long long)now);
	assert_int_equal(kp_db_run(f->c, sql, NULL, 0, NULL), KP_DB_OK);
	int due;
	const char *count = "SELECT COUNT(*) FROM notifications WHERE kind = 'TIP_EXPIRING' AND channel = 'inapp'";
	assert_int_equal(kp_store_notify_sweep(f->c, now - 5 * 86400, 360, &due), KP_DB_OK);
	assert_int_equal(kp_store_count(f->c, count), 0); /* a week out: nothing yet */
	assert_int_equal(kp_store_notify_sweep(f->c, now, 360, &due), KP_DB_OK);
	assert_int_equal(due, 1);
	assert_int_equal(kp_store_notify_sweep(f->c, now + 60, 360, &due), KP_DB_OK);
	assert_int_equal(due, 0); /* reminded at this mark already: not looked at again */
	assert_int_equal(kp_store_count(f->c, count), 1);
	assert_int_equal(kp_store_notify_sweep(f->c, now + 86400, 360, &due), KP_DB_OK);
	assert_int_equal(kp_store_notify_sweep(f->c, now + 86400 + 60, 360, &due), KP_DB_OK);
	assert_int_equal(kp_store_count(f->c, count), 2);
	assert_int_equal(kp_store_notify_sweep(f->c, now + 4 * 86400, 360, &due), KP_DB_OK);
	assert_int_equal(kp_store_count(f->c, count), 2); /* over: nothing more */
}

/* A carrier's permit ending in two days reminds the organisation's people once per mark,
 * and a sweep at a mark already reminded queues nothing. */
static void permit_sweep_once_per_mark(void **state)
{
	fx_t *f = *state;
	kp_org_t o = {.kind = "carrier", .name = "Ala-Too Trans", .inn = "01507201910123", .licence_number = "KG-1"};
	assert_int_equal(kp_store_org_create(f->c, &tester, &o), KP_DB_OK);
	int64_t u = new_user(f, "ru", NULL, NULL), now = kp_now();
	char sql[128], ins[512]; /* two buffers: statements are cached by their text's address */
	snprintf(sql, sizeof(sql), "UPDATE users SET org_id = %lld WHERE id = %lld", (long long)o.id, (long long)u);
	assert_int_equal(kp_db_run(f->c, sql, NULL, 0, NULL), KP_DB_OK);
	snprintf(ins, sizeof(ins),
	         "INSERT INTO permits (id, issuer, verifier, year, type, serial, org_id, plate, company_name, company_id,"
	         " issued_at, expires_at, status) VALUES ('KG-UZ-2026-1-7', 'KG', 'UZ', 2026, 1, 7, %lld, '01KG123ABC',"
	         " 'Ala-Too Trans', '01507201910123', %lld, %lld, 'issued')",
	         (long long)o.id, (long long)(now - 86400), (long long)(now + 2 * 86400));
	assert_int_equal(kp_db_run(f->c, ins, NULL, 0, NULL), KP_DB_OK);
	int due;
	const char *count = "SELECT COUNT(*) FROM notifications WHERE kind = 'PERMIT_EXPIRING' AND channel = 'inapp'";
	assert_int_equal(kp_store_notify_sweep(f->c, now, 360, &due), KP_DB_OK);
	assert_int_equal(due, 1);
	assert_int_equal(kp_store_count(f->c, count), 1);
	assert_int_equal(kp_store_notify_sweep(f->c, now + 60, 360, &due), KP_DB_OK);
	assert_int_equal(due, 0);
	assert_int_equal(kp_store_notify_sweep(f->c, now + 86400 + 60, 360, &due), KP_DB_OK);
	assert_int_equal(due, 1);
	assert_int_equal(kp_store_notify_sweep(f->c, now + 86400 + 120, 360, &due), KP_DB_OK);
	assert_int_equal(due, 0);
	assert_int_equal(kp_store_count(f->c, count), 2);
}

static const char *dlr_state_of(fx_t *f, int64_t id)
{
	kp_rows_t r;
	assert_int_equal(kp_db_one(f->c, &f->a, &r, "SELECT dlr_state FROM notifications WHERE id = ?",
	                           KP_PARAMS(KV_INT(id))),
	                 KP_DB_OK);
	return kp_rows_text(&r, 0, 0);
}

static void delivery_reports(void **state)
{
	fx_t *f = *state;
	kp_store_notify_set_channels(KP_CHANNEL_SMS);
	assert_int_equal(enqueue(f, "dlr:1", 0, "+996 700 000 009", "en"), KP_DB_OK);
	kp_notification_t *got;
	int n;
	int64_t now = kp_now_ms(), id = 0;
	assert_int_equal(kp_store_notify_claim(f->c, &f->a, "w", now, 60000, 5, &got, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	int64_t row = got[0].id;
	const char *h1 = "1111111111111111111111111111111111111111111111111111111111111111";
	const char *h2 = "2222222222222222222222222222222222222222222222222222222222222222";
	assert_int_equal(kp_store_notify_dlr_token(f->c, row, "intruder", h1), KP_DB_OK); /* not the holder */
	assert_int_equal(kp_store_notify_dlr(f->c, h1, "delivered", now, &id), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_notify_dlr_token(f->c, row, "w", h1), KP_DB_OK);
	assert_int_equal(kp_store_notify_attempt(f->c, row, "w", NULL, now, 0), KP_DB_OK);
	assert_int_equal(kp_store_notify_dlr(f->c, h2, "delivered", now, &id), KP_DB_NOTFOUND);
	assert_null(dlr_state_of(f, row));
	assert_int_equal(kp_store_notify_dlr(f->c, h1, "buffered", now + 1, &id), KP_DB_OK);
	assert_int_equal(id, row);
	assert_string_equal(dlr_state_of(f, row), "buffered");
	assert_int_equal(kp_store_notify_dlr(f->c, h1, "failed", now + 2, &id), KP_DB_OK);
	/* out of order: reports after the phone's failure change nothing */
	assert_int_equal(kp_store_notify_dlr(f->c, h1, "accepted", now + 3, &id), KP_DB_OK);
	assert_int_equal(kp_store_notify_dlr(f->c, h1, "delivered", now + 4, &id), KP_DB_OK);
	assert_string_equal(dlr_state_of(f, row), "failed");
	/* listed with the failures, sent again: the old token is forgotten */
	kp_notification_t *out;
	assert_int_equal(kp_store_notify_outbox(f->c, &f->a, NULL, 0, 10, &out, &n), KP_DB_OK);
	bool listed = false;
	for (int i = 0; i < n; i++)
		if (out[i].id == row) {
			listed = true;
			assert_string_equal(out[i].dlr_state, "failed");
			assert_int_equal(out[i].dlr_at, now + 2);
		}
	assert_true(listed);
	assert_int_equal(kp_store_notify_retry(f->c, &tester, row, now + 10), KP_DB_OK);
	assert_int_equal(kp_store_notify_dlr(f->c, h1, "delivered", now + 11, &id), KP_DB_NOTFOUND);
	assert_null(dlr_state_of(f, row));
	/* Kannel's answer lost (recorded failed) but the SMSC took it: sent, never sent twice */
	assert_int_equal(kp_store_notify_claim(f->c, &f->a, "w", now + 20, 60000, 5, &got, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(kp_store_notify_dlr_token(f->c, row, "w", h2), KP_DB_OK);
	assert_int_equal(kp_store_notify_dlr(f->c, h2, "accepted", now + 21, &id), KP_DB_OK); /* held: stays */
	assert_int_equal(kp_store_notify_attempt(f->c, row, "w", "Kannel did not answer", now + 22, now + 5000), KP_DB_OK);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM notifications WHERE idem_key = 'dlr:1' AND state = "
	                                      "'failed' AND dlr_state = 'accepted'"),
	                 1);
	assert_int_equal(kp_store_notify_dlr(f->c, h2, "delivered", now + 24, &id), KP_DB_OK);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM notifications WHERE idem_key = 'dlr:1' AND state = "
	                                      "'sent' AND dlr_state = 'delivered'"),
	                 1);
	assert_int_equal(kp_store_notify_claim(f->c, &f->a, "w", now + 999999, 60000, 5, &got, &n), KP_DB_OK);
	assert_int_equal(n, 0);
	kp_store_notify_set_channels(0);
}

#define TESTS \
	KP_STORE_FX_TEST(channels_and_idempotency), KP_STORE_FX_TEST(two_instances_never_claim_one_row), \
	    KP_STORE_FX_TEST(attempts_and_retry), KP_STORE_FX_TEST(notices_are_their_owners), \
	    KP_STORE_FX_TEST(sweep_once_per_mark), KP_STORE_FX_TEST(permit_sweep_once_per_mark), \
	    KP_STORE_FX_TEST(delivery_reports)

KP_STORE_TEST_MAIN("notification store", TESTS)
