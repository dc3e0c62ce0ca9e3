/* notify.h: storage of notifications (docs/notifications.md): queuing one act's messages
 * inside the act's own transaction, the worker's claims with a lease, the outcome of each
 * attempt, the in-app notices a person reads, and the operators' view of failures. */
#ifndef KP_STORE_NOTIFY_H
#define KP_STORE_NOTIFY_H

#include "domain/notice.h"
#include "store/store.h"

#include <stdbool.h>

enum kp_channel {
	KP_CHANNEL_SMS = 1 << 0,
	KP_CHANNEL_EMAIL = 1 << 1,
	KP_CHANNEL_INAPP = 1 << 2,
};

/* Which channels have a gateway (in-app always has): rows for the others are never made,
 * so nothing promises a message that cannot go. Set once before threads start. */
void kp_store_notify_set_channels(unsigned channels);
unsigned kp_store_notify_channels(void);

/* One act to tell someone about. */
typedef struct kp_notify {
	const char *idem_key; /* the act ("queue-call:booking:12"): queued once per channel, ever */
	kp_notice_kind_t kind;
	int64_t user_id;   /* 0: no account (only the phone or email given with the act) */
	const char *phone; /* given with the act (a booking's phone), else the user's */
	const char *email; /* else the user's */
	const char *lang;  /* given with the act, else the user's language, else ru */
	const char *object_type, *object_id;
	const char *const *args; /* name, value pairs, NULL-terminated (kp_notice_render) */
} kp_notify_t;

/* Inside the caller's open transaction: render n's texts and queue one row per channel
 * the person can be reached on and has not switched off (in-app: when there is a user).
 * A repeated idem_key adds nothing. Returns KP_DB_OK or the error (the caller rolls back). */
int kp_store_notify_enqueue(kp_conn_t *c, const kp_notify_t *n, int64_t now_ms);

/* The same for a permit's holder: the user who applied (application app_id), or when there is
 * none each active user of organisation org_id (at most 20). Inside the caller's transaction. */
int kp_store_notify_holder(kp_conn_t *c, const kp_notify_t *n, int64_t app_id, int64_t org_id, int64_t now_ms);

/* A permit's decision (PERMIT_ISSUED, _REFUSED, _REVOKED, _RETURNED) to its holder, inside the
 * decision's transaction: number the permit's (or application's) number, reason or NULL. */
int kp_store_notify_permit(kp_conn_t *c, kp_notice_kind_t kind, const char *number, int64_t app_id, int64_t org_id,
                           const char *reason, int64_t now_ms);

/* The expiry sweep: open temporary imports and issued permits that end within 3 days get a
 * notice 3 days before and 1 day before, once each (idempotency keys). One transaction;
 * *queued gets how many were due (those queued by an earlier sweep included). */
int kp_store_notify_sweep(kp_conn_t *c, int64_t now, int utc_offset_minutes, int *queued);

typedef struct kp_notification {
	int64_t id, user_id, attempts, next_attempt_at, created_at, sent_at, read_at;
	const char *channel, *kind, *recipient, *lang, *subject, *body, *object_type, *object_id, *state, *last_error;
	int64_t dlr_at;        /* ms of the latest delivery report (SMS), 0: none */
	const char *dlr_state; /* accepted, buffered, delivered, failed, rejected; NULL: no report */
} kp_notification_t;

/* Claim up to limit SMS and email rows due at now_ms for owner, for lease_ms (another
 * instance takes them only once the lease has run out). */
int kp_store_notify_claim(kp_conn_t *c, kp_arena_t *a, const char *owner, int64_t now_ms, int64_t lease_ms, int limit,
                          kp_notification_t **out, int *n);
/* Record an attempt of a claimed row: sent (error NULL), or failed with error and the
 * next attempt at next_ms, or given up when next_ms < 0. Only while owner holds it. */
int kp_store_notify_attempt(kp_conn_t *c, int64_t id, const char *owner, const char *error, int64_t now_ms,
                            int64_t next_ms);

/* SMS delivery reports (docs/notifications.md). Before an attempt of a claimed row: keep
 * token_hash (hex SHA-256 of the token in the attempt's dlr-url), forgetting any earlier
 * attempt's token and report. Only while owner holds it. */
int kp_store_notify_dlr_token(kp_conn_t *c, int64_t id, const char *owner, const char *token_hash);
/* A report for the SMS whose token hashes to token_hash: record state at now_ms unless a
 * final one (delivered, failed, rejected) came before. A row recorded failed or given up
 * that is reported accepted, buffered or delivered becomes sent (the SMSC has it: it is not
 * sent again), unless a worker holds it. *id gets the row's id.
 * KP_DB_NOTFOUND when no SMS has that token (nothing changes). */
int kp_store_notify_dlr(kp_conn_t *c, const char *token_hash, const char *state, int64_t now_ms, int64_t *id);

/* A person's in-app notices, newest first, before before_id (0: from the newest); dlr_state
 * and dlr_at are those of the SMS sent for the same act, if any. */
int kp_store_notify_inbox(kp_conn_t *c, kp_arena_t *a, int64_t user_id, int64_t before_id, int limit,
                          kp_notification_t **out, int *n);
int kp_store_notify_unread(kp_conn_t *c, int64_t user_id, int64_t *count);
/* Mark one of user_id's notices read (id 0: all of them). KP_DB_NOTFOUND when id is not
 * a notice of theirs. */
int kp_store_notify_mark_read(kp_conn_t *c, int64_t user_id, int64_t id, int64_t now_ms);

/* Operators: SMS and email rows in state (failed, given_up, pending or sent; NULL: failed,
 * given_up, and sent SMS the SMSC reported failed or rejected), newest first. */
int kp_store_notify_outbox(kp_conn_t *c, kp_arena_t *a, const char *state, int64_t before_id, int limit,
                           kp_notification_t **out, int *n);
/* Try a failed or given-up row (or a sent SMS reported failed or rejected) again now, from
 * attempt one. Audited. KP_DB_NOTFOUND when there is no such row; KP_DB_CONFLICT when it is
 * pending, in-app, or sent without such a report. */
int kp_store_notify_retry(kp_conn_t *c, const kp_actor_t *who, int64_t id, int64_t now_ms);

/* A person's channels: the phone and email on their profile and whether each is on. */
typedef struct kp_notify_prefs {
	const char *phone, *email, *language;
	bool sms, email_on;
} kp_notify_prefs_t;
int kp_store_notify_prefs(kp_conn_t *c, kp_arena_t *a, int64_t user_id, kp_notify_prefs_t *out);
/* Set them (phone/email NULL: removed). Audited. */
int kp_store_notify_set_prefs(kp_conn_t *c, const kp_actor_t *who, int64_t user_id, const kp_notify_prefs_t *p);

#endif
