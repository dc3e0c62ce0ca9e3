/* notify.c: the notifications table (see notify.h, sql/070_notifications.sql). */
#include "store/notify.h"
#include "core/util.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "domain/permit.h"
#include "domain/tip.h"

#include <string.h>

static unsigned channels_on = KP_CHANNEL_INAPP;

void kp_store_notify_set_channels(unsigned channels)
{
	channels_on = channels | KP_CHANNEL_INAPP;
}

unsigned kp_store_notify_channels(void)
{
	return channels_on;
}

static int insert(kp_conn_t *c, const kp_notify_t *n, const char *channel, const char *recipient, const char *lang,
                  const char *subject, const char *body, int64_t now_ms)
{
	bool inapp = strcmp(channel, "inapp") == 0;
	return kp_db_run(c,
	                 "INSERT INTO notifications (idem_key, channel, kind, user_id, recipient, lang, subject, body,"
	                 " object_type, object_id, state, next_attempt_at, created_at, sent_at)"
	                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idem_key, channel) DO NOTHING",
	                 KP_PARAMS(KV_TEXT(n->idem_key), KV_TEXT(channel), KV_TEXT(kp_notice_kind_name(n->kind)),
	                           n->user_id ? KV_INT(n->user_id) : KV_NULL, KV_TEXT(recipient), KV_TEXT(lang),
	                           KV_TEXT(subject), KV_TEXT(body), KV_TEXT(n->object_type), KV_TEXT(n->object_id),
	                           KV_TEXT(inapp ? "sent" : "pending"), KV_INT(now_ms), KV_INT(now_ms),
	                           inapp ? KV_INT(now_ms) : KV_NULL),
	                 NULL);
}

static bool given(const char *s)
{
	return s && s[0];
}

int kp_store_notify_enqueue(kp_conn_t *c, const kp_notify_t *n, int64_t now_ms)
{
	kp_arena_t a;
	kp_arena_init(&a);
	const char *phone = n->phone, *email = n->email, *user_lang = NULL;
	bool sms_on = true, email_on = true;
	int rc = KP_DB_OK;
	kp_notify_prefs_t p;
	if (n->user_id && (rc = kp_store_notify_prefs(c, &a, n->user_id, &p)) == KP_DB_OK) {
		if (!given(phone))
			phone = p.phone;
		if (!given(email))
			email = p.email;
		user_lang = p.language;
		sms_on = p.sms;
		email_on = p.email_on;
	}
	const char *lang = kp_notice_lang(n->lang, user_lang);
	kp_notice_text_t t;
	if (rc == KP_DB_OK && kp_notice_render(&a, n->kind, lang, n->args, &t) != 0)
		rc = KP_DB_ERR;
	if (rc == KP_DB_OK && n->user_id)
		rc = insert(c, n, "inapp", NULL, lang, t.subject, t.text, now_ms);
	if (rc == KP_DB_OK && (channels_on & KP_CHANNEL_SMS) && sms_on && given(phone))
		rc = insert(c, n, "sms", kp_notice_msisdn(&a, phone), lang, t.subject, t.sms, now_ms);
	if (rc == KP_DB_OK && (channels_on & KP_CHANNEL_EMAIL) && email_on && given(email))
		rc = insert(c, n, "email", email, lang, t.subject, t.text, now_ms);
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_notify_holder(kp_conn_t *c, const kp_notify_t *n, int64_t app_id, int64_t org_id, int64_t now_ms)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = KP_DB_OK;
	if (app_id) {
		rc = kp_db_exec(c, &a, &r, "SELECT user_id FROM permit_applications WHERE id = ? AND user_id IS NOT NULL",
		                KP_PARAMS(KV_INT(app_id)));
		if (rc == KP_DB_OK && r.nrows == 1) {
			kp_notify_t one = *n;
			one.user_id = kp_rows_int(&r, 0, 0);
			rc = kp_store_notify_enqueue(c, &one, now_ms);
			kp_arena_cleanup(&a);
			return rc;
		}
	}
	if (rc == KP_DB_OK && org_id)
		rc = kp_db_exec(c, &a, &r,
		                "SELECT id FROM users WHERE org_id = ? AND status = '" KP_ACCOUNT_ACTIVE
		                "' ORDER BY id LIMIT 20",
		                KP_PARAMS(KV_INT(org_id)));
	for (int i = 0; rc == KP_DB_OK && org_id && i < r.nrows; i++) {
		kp_notify_t one = *n;
		one.user_id = kp_rows_int(&r, i, 0);
		one.idem_key = kp_arena_printf(&a, "%s:user:%lld", n->idem_key, (long long)one.user_id);
		rc = kp_store_notify_enqueue(c, &one, now_ms);
	}
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_notify_permit(kp_conn_t *c, kp_notice_kind_t kind, const char *number, int64_t app_id, int64_t org_id,
                           const char *reason, int64_t now_ms)
{
	kp_arena_t a;
	kp_arena_init(&a);
	const char *args[] = {"number", number, "reason", reason ? reason : "-", NULL};
	kp_notify_t n = {.idem_key = kp_arena_printf(&a, "%s:%s", kp_notice_kind_name(kind), number),
	                 .kind = kind,
	                 .object_type = app_id && kind == KP_NOTICE_PERMIT_REFUSED ? "permit_application" : "permit",
	                 .object_id = app_id && kind == KP_NOTICE_PERMIT_REFUSED
	                                  ? kp_arena_printf(&a, "%lld", (long long)app_id)
	                                  : number,
	                 .args = args};
	int rc = kp_store_notify_holder(c, &n, app_id, org_id, now_ms);
	kp_arena_cleanup(&a);
	return rc;
}

/* Which notice of the two a thing ending in `left` units is due: 3 (3 days before), 1 (1
 * day before) or 0 (none yet, or already over). */
static int expiry_mark(int64_t left, int64_t day)
{
	return left < 0 ? 0 : left <= day ? 1 : left <= 3 * day ? 3 : 0;
}

/* The sweeps pass over things already reminded at their present mark, so a sweep every
 * notify_sweep_seconds looks only at what is newly due instead of queueing (and rendering,
 * and looking up the holders of) every expiring thing again. The keys below are the
 * idem_keys the loops build; the marks are expiry_mark's. */
static int sweep_tips(kp_conn_t *c, kp_arena_t *a, int64_t now, int64_t today, int *queued)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id, user_id, plate, expiry_date FROM tips t WHERE status = '" KP_TIP_S_OPEN "'"
	                    " AND expiry_date >= ? AND expiry_date <= ? AND NOT EXISTS (SELECT 1 FROM notifications n"
	                    " WHERE n.idem_key = 'tip-expiring:' || CAST(t.id AS TEXT) || ':'"
	                    " || CASE WHEN t.expiry_date - CAST(? AS BIGINT) <= 1 THEN '1' ELSE '3' END)"
	                    " ORDER BY id LIMIT 1000",
	                    KP_PARAMS(KV_INT(today), KV_INT(today + 3), KV_INT(today)));
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		int64_t left = kp_rows_int(&r, i, 3) - today;
		int mark = expiry_mark(left, 1);
		if (mark == 0)
			continue;
		char date[11];
		kp_date_format_dmy(kp_rows_int(&r, i, 3), date);
		const char *id = kp_rows_text(&r, i, 0);
		const char *args[] = {"number", kp_arena_printf(a, "TIP-%s", id),
		                      "plate",  kp_rows_text(&r, i, 2),
		                      "date",   kp_arena_strdup(a, date),
		                      "days",   kp_arena_printf(a, "%lld", (long long)left),
		                      NULL};
		kp_notify_t n = {.idem_key = kp_arena_printf(a, "tip-expiring:%s:%d", id, mark),
		                 .kind = KP_NOTICE_TIP_EXPIRING,
		                 .user_id = kp_rows_int(&r, i, 1),
		                 .object_type = "tip",
		                 .object_id = id,
		                 .args = args};
		rc = kp_store_notify_enqueue(c, &n, now * 1000);
		(*queued)++;
	}
	return rc;
}

/* permit p's idem_key at its present mark (the parameter: now); holder adds ":user:<id>"
 * when it writes to the organisation's people. */
#define PERMIT_MARK_KEY \
	"('permit-expiring:' || CAST(p.id AS TEXT) || ':'" \
	" || CASE WHEN p.expires_at - CAST(? AS BIGINT) <= 86400 THEN '1' ELSE '3' END)"

static int sweep_permits(kp_conn_t *c, kp_arena_t *a, int64_t now, int utc_offset, int *queued)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id, application_id, org_id, expires_at FROM permits p WHERE status = "
	                    "'" KP_PERMIT_S_ISSUED "'"
	                    " AND org_id IS NOT NULL AND expires_at > ? AND expires_at <= ?"
	                    " AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.idem_key = " PERMIT_MARK_KEY ")"
	                    " AND NOT EXISTS (SELECT 1 FROM users u JOIN notifications n ON n.idem_key = " PERMIT_MARK_KEY
	                    " || ':user:' || CAST(u.id AS TEXT) WHERE u.org_id = p.org_id)"
	                    " ORDER BY expires_at LIMIT 1000",
	                    KP_PARAMS(KV_INT(now), KV_INT(now + 3 * 86400), KV_INT(now), KV_INT(now)));
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		int64_t left = kp_rows_int(&r, i, 3) - now;
		int mark = expiry_mark(left, 86400);
		if (mark == 0)
			continue;
		char date[11];
		kp_date_format_dmy(kp_local_day(kp_rows_int(&r, i, 3), utc_offset), date);
		const char *id = kp_rows_text(&r, i, 0);
		const char *args[] = {"number", id,
		                      "date",   kp_arena_strdup(a, date),
		                      "days",   kp_arena_printf(a, "%lld", (long long)((left + 86399) / 86400)),
		                      NULL};
		kp_notify_t n = {.idem_key = kp_arena_printf(a, "permit-expiring:%s:%d", id, mark),
		                 .kind = KP_NOTICE_PERMIT_EXPIRING,
		                 .object_type = "permit",
		                 .object_id = id,
		                 .args = args};
		rc = kp_store_notify_holder(c, &n, kp_rows_int(&r, i, 1), kp_rows_int(&r, i, 2), now * 1000);
		(*queued)++;
	}
	return rc;
}

int kp_store_notify_sweep(kp_conn_t *c, int64_t now, int utc_offset_minutes, int *queued)
{
	*queued = 0;
	kp_arena_t a;
	kp_arena_init(&a);
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = sweep_tips(c, &a, now, kp_local_day(now, utc_offset_minutes), queued);
	if (rc == KP_DB_OK)
		rc = sweep_permits(c, &a, now, utc_offset_minutes, queued);
	rc = c->in_tx ? kp_store_end(c, rc) : rc;
	kp_arena_cleanup(&a);
	return rc;
}

/* an SMS the SMSC reported it could not deliver or refused (docs/notifications.md) */
#define DLR_FAILED "(state = 'sent' AND dlr_state IN ('failed', 'rejected'))"

#define COLUMNS \
	"id, user_id, attempts, next_attempt_at, created_at, sent_at, read_at, channel, kind, recipient," \
	" lang, subject, body, object_type, object_id, state, last_error, dlr_at, dlr_state"

/* An in-app notice, with the delivery report of the SMS sent for the same act (s) as its own. */
#define INBOX_COLUMNS \
	"n.id, n.user_id, n.attempts, n.next_attempt_at, n.created_at, n.sent_at, n.read_at, n.channel, n.kind," \
	" n.recipient, n.lang, n.subject, n.body, n.object_type, n.object_id, n.state, n.last_error, s.dlr_at," \
	" s.dlr_state"

static void from_row(const kp_rows_t *r, int i, kp_notification_t *o)
{
	int64_t *ints[] = {&o->id,         &o->user_id, &o->attempts, &o->next_attempt_at,
	                   &o->created_at, &o->sent_at, &o->read_at};
	for (size_t k = 0; k < KP_ARRAY_LEN(ints); k++)
		*ints[k] = kp_rows_int(r, i, (int)k);
	const char **texts[] = {&o->channel, &o->kind,        &o->recipient, &o->lang,  &o->subject,
	                        &o->body,    &o->object_type, &o->object_id, &o->state, &o->last_error};
	for (size_t k = 0; k < KP_ARRAY_LEN(texts); k++)
		*texts[k] = kp_rows_text(r, i, (int)(k + KP_ARRAY_LEN(ints)));
	o->dlr_at = kp_rows_int(r, i, (int)(KP_ARRAY_LEN(ints) + KP_ARRAY_LEN(texts)));
	o->dlr_state = kp_rows_text(r, i, (int)(KP_ARRAY_LEN(ints) + KP_ARRAY_LEN(texts) + 1));
}

static int rows_out(kp_arena_t *a, const kp_rows_t *r, kp_notification_t **out, int *n)
{
	*out = kp_arena_zalloc(a, sizeof(kp_notification_t) * (size_t)(r->nrows + 1));
	for (int i = 0; i < r->nrows; i++)
		from_row(r, i, &(*out)[i]);
	*n = r->nrows;
	return KP_DB_OK;
}

int kp_store_notify_claim(kp_conn_t *c, kp_arena_t *a, const char *owner, int64_t now_ms, int64_t lease_ms, int limit,
                          kp_notification_t **out, int *n)
{
	kp_rows_t r;
	*n = 0;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " COLUMNS " FROM notifications WHERE state IN ('pending', 'failed')"
	                    " AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)"
	                    " ORDER BY next_attempt_at, id LIMIT ?",
	                    KP_PARAMS(KV_INT(now_ms), KV_INT(now_ms), KV_INT(limit)));
	if (rc != KP_DB_OK)
		return rc;
	*out = kp_arena_zalloc(a, sizeof(kp_notification_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		int64_t changed = 0;
		/* the same conditions again: of two instances racing for a row, one changes it */
		if (kp_db_run(c,
		              "UPDATE notifications SET lease_owner = ?, lease_until = ? WHERE id = ?"
		              " AND state IN ('pending', 'failed') AND (lease_until IS NULL OR lease_until < ?)",
		              KP_PARAMS(KV_TEXT(owner), KV_INT(now_ms + lease_ms), KV_INT(kp_rows_int(&r, i, 0)),
		                        KV_INT(now_ms)),
		              &changed) == KP_DB_OK &&
		    changed == 1)
			from_row(&r, i, &(*out)[(*n)++]);
	}
	return KP_DB_OK;
}

int kp_store_notify_attempt(kp_conn_t *c, int64_t id, const char *owner, const char *error, int64_t now_ms,
                            int64_t next_ms)
{
	const char *state = error == NULL ? "sent" : next_ms < 0 ? "given_up" : "failed";
	return kp_db_run(c,
	                 "UPDATE notifications SET state = ?, attempts = attempts + 1, last_error = ?,"
	                 " next_attempt_at = ?, sent_at = ?, lease_owner = NULL, lease_until = NULL"
	                 " WHERE id = ? AND lease_owner = ?",
	                 KP_PARAMS(KV_TEXT(state), KV_TEXT(error), KV_INT(next_ms < 0 ? now_ms : next_ms),
	                           error == NULL ? KV_INT(now_ms) : KV_NULL, KV_INT(id), KV_TEXT(owner)),
	                 NULL);
}

int kp_store_notify_dlr_token(kp_conn_t *c, int64_t id, const char *owner, const char *token_hash)
{
	return kp_db_run(c,
	                 "UPDATE notifications SET dlr_token = ?, dlr_state = NULL, dlr_at = NULL"
	                 " WHERE id = ? AND lease_owner = ?",
	                 KP_PARAMS(KV_TEXT(token_hash), KV_INT(id), KV_TEXT(owner)), NULL);
}

int kp_store_notify_dlr(kp_conn_t *c, const char *token_hash, const char *state, int64_t now_ms, int64_t *id)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	/* one transaction: the report and the row it makes sent stand or fall together */
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_db_one(c, &a, &r, "SELECT id FROM notifications WHERE dlr_token = ? AND channel = 'sms'",
		               KP_PARAMS(KV_TEXT(token_hash)));
	*id = rc == KP_DB_OK ? kp_rows_int(&r, 0, 0) : 0;
	/* a final report (delivered, failed, rejected) stands; a later one changes nothing */
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "UPDATE notifications SET dlr_state = ?, dlr_at = ? WHERE id = ?"
		               " AND (dlr_state IS NULL OR dlr_state IN ('accepted', 'buffered'))",
		               KP_PARAMS(KV_TEXT(state), KV_INT(now_ms), KV_INT(*id)), NULL);
	/* an attempt recorded failed (Kannel's answer lost) that the SMSC took after all: sent,
	 * so it is not sent twice; unless a worker holds it now */
	if (rc == KP_DB_OK && strcmp(state, "failed") && strcmp(state, "rejected"))
		rc = kp_db_run(c,
		               "UPDATE notifications SET state = 'sent', sent_at = ?, next_attempt_at = ? WHERE id = ?"
		               " AND state IN ('failed', 'given_up') AND lease_owner IS NULL",
		               KP_PARAMS(KV_INT(now_ms), KV_INT(now_ms), KV_INT(*id)), NULL);
	rc = c->in_tx ? kp_store_end(c, rc) : rc;
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_notify_inbox(kp_conn_t *c, kp_arena_t *a, int64_t user_id, int64_t before_id, int limit,
                          kp_notification_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " INBOX_COLUMNS " FROM notifications n LEFT JOIN notifications s"
	                    " ON s.idem_key = n.idem_key AND s.channel = 'sms'"
	                    " WHERE n.user_id = ? AND n.channel = 'inapp'"
	                    " AND (CAST(? AS BIGINT) = 0 OR n.id < ?) ORDER BY n.id DESC LIMIT ?",
	                    KP_PARAMS(KV_INT(user_id), KV_INT(before_id), KV_INT(before_id), KV_INT(limit)));
	return rc == KP_DB_OK ? rows_out(a, &r, out, n) : rc;
}

int kp_store_notify_unread(kp_conn_t *c, int64_t user_id, int64_t *count)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_db_one(c, &a, &r,
	                   "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND channel = 'inapp' AND read_at IS NULL",
	                   KP_PARAMS(KV_INT(user_id)));
	*count = rc == KP_DB_OK ? kp_rows_int(&r, 0, 0) : 0;
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_notify_mark_read(kp_conn_t *c, int64_t user_id, int64_t id, int64_t now_ms)
{
	if (id == 0)
		return kp_db_run(c,
		                 "UPDATE notifications SET read_at = ? WHERE user_id = ? AND channel = 'inapp'"
		                 " AND read_at IS NULL",
		                 KP_PARAMS(KV_INT(now_ms), KV_INT(user_id)), NULL);
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	/* someone else's notice answers exactly as a missing one */
	int rc = kp_db_one(c, &a, &r, "SELECT id FROM notifications WHERE id = ? AND user_id = ? AND channel = 'inapp'",
	                   KP_PARAMS(KV_INT(id), KV_INT(user_id)));
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL",
		               KP_PARAMS(KV_INT(now_ms), KV_INT(id)), NULL);
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_notify_outbox(kp_conn_t *c, kp_arena_t *a, const char *state, int64_t before_id, int limit,
                           kp_notification_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " COLUMNS " FROM notifications WHERE channel <> 'inapp'"
	                    " AND ((CAST(? AS TEXT) IS NULL AND (state IN ('failed', 'given_up') OR " DLR_FAILED "))"
	                    " OR state = ?)"
	                    " AND (CAST(? AS BIGINT) = 0 OR id < ?) ORDER BY id DESC LIMIT ?",
	                    KP_PARAMS(KV_TEXT(state), KV_TEXT(state), KV_INT(before_id), KV_INT(before_id), KV_INT(limit)));
	return rc == KP_DB_OK ? rows_out(a, &r, out, n) : rc;
}

int kp_store_notify_retry(kp_conn_t *c, const kp_actor_t *who, int64_t id, int64_t now_ms)
{
	kp_arena_t a;
	kp_arena_init(&a);
	int rc = kp_store_begin(c);
	kp_rows_t r;
	if (rc == KP_DB_OK)
		rc = kp_db_one(c, &a, &r,
		               "SELECT channel, state, attempts, CASE WHEN " DLR_FAILED " THEN 1 ELSE 0 END"
		               " FROM notifications WHERE id = ?",
		               KP_PARAMS(KV_INT(id)));
	if (rc == KP_DB_OK && (strcmp(kp_rows_text(&r, 0, 0), "inapp") == 0 ||
	                       (strcmp(kp_rows_text(&r, 0, 1), "failed") && strcmp(kp_rows_text(&r, 0, 1), "given_up") &&
	                        kp_rows_int(&r, 0, 3) == 0)))
		rc = KP_DB_CONFLICT;
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "UPDATE notifications SET state = 'pending', attempts = 0, next_attempt_at = ?,"
		               " lease_owner = NULL, lease_until = NULL, dlr_token = NULL, dlr_state = NULL, dlr_at = NULL"
		               " WHERE id = ?",
		               KP_PARAMS(KV_INT(now_ms), KV_INT(id)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "notification.retry", "notification", id,
		                       json_pack("{s:s, s:I}", "state", kp_rows_text(&r, 0, 1), "attempts",
		                                 (json_int_t)kp_rows_int(&r, 0, 2)),
		                       json_pack("{s:s}", "state", "pending"));
	rc = c->in_tx ? kp_store_end(c, rc) : rc;
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_notify_prefs(kp_conn_t *c, kp_arena_t *a, int64_t user_id, kp_notify_prefs_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT phone, email, language, notify_sms, notify_email FROM users WHERE id = ?",
	                   KP_PARAMS(KV_INT(user_id)));
	if (rc != KP_DB_OK)
		return rc;
	out->phone = kp_rows_text(&r, 0, 0);
	out->email = kp_rows_text(&r, 0, 1);
	out->language = kp_rows_text(&r, 0, 2);
	out->sms = kp_rows_int(&r, 0, 3) != 0;
	out->email_on = kp_rows_int(&r, 0, 4) != 0;
	return KP_DB_OK;
}

int kp_store_notify_set_prefs(kp_conn_t *c, const kp_actor_t *who, int64_t user_id, const kp_notify_prefs_t *p)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_notify_prefs_t before;
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_store_notify_prefs(c, &a, user_id, &before);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE users SET phone = ?, email = ?, notify_sms = ?, notify_email = ? WHERE id = ?",
		               KP_PARAMS(KV_TEXT(p->phone), KV_TEXT(p->email), KV_INT(p->sms), KV_INT(p->email_on),
		                         KV_INT(user_id)),
		               NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "user.notify", "user", user_id,
		                       json_pack("{s:s?, s:s?, s:b, s:b}", "phone", before.phone, "email", before.email, "sms",
		                                 before.sms, "email_on", before.email_on),
		                       json_pack("{s:s?, s:s?, s:b, s:b}", "phone", p->phone, "email", p->email, "sms", p->sms,
		                                 "email_on", p->email_on));
	rc = c->in_tx ? kp_store_end(c, rc) : rc;
	kp_arena_cleanup(&a);
	return rc;
}
