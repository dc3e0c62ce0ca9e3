/* notices.c: the notification routes (see notices.h). Handlers translate HTTP to the
 * store; every notice is read through its owner's id, so nobody sees another's. */
#include "api/notices.h"
#include "api/context.h"
#include "api/reply.h"
#include "core/clock.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "domain/account.h"
#include "notify/notify.h"
#include "store/notify.h"

#include <string.h>

static json_t *time_or_null(int64_t ms)
{
	if (ms <= 0)
		return json_null();
	char at[32];
	kp_iso8601(ms / 1000, at, sizeof(at));
	return json_string(at);
}

/* What the SMSC last reported of an SMS, or null. */
static json_t *delivery_json(const kp_notification_t *m)
{
	if (m->dlr_state == NULL)
		return json_null();
	return json_pack("{s:s, s:o}", "state", m->dlr_state, "at", time_or_null(m->dlr_at));
}

static json_t *notice_json(const kp_notification_t *n)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:o, s:o}", "id", (json_int_t)n->id, "kind", n->kind,
	                      "lang", n->lang, "subject", n->subject, "text", n->body, "object_type", n->object_type,
	                      "object_id", n->object_id, "created_at", time_or_null(n->created_at), "read_at",
	                      time_or_null(n->read_at));
	json_object_set_new(o, "sms_delivery", delivery_json(n)); /* the SMS of the same act */
	return o;
}

void kp_api_notices_list(kp_req_t *req)
{
	long long limit, before;
	if (kp_req_query_int(req, "limit", 1, 200, 50, &limit) != 0 ||
	    kp_req_query_int(req, "before", 0, INT64_MAX, 0, &before) != 0)
		return;
	kp_notification_t *rows;
	int n;
	int64_t unread = 0;
	int rc = kp_store_notify_inbox(kp_api_db(req), &req->arena, req->auth.user_id, before, (int)limit, &rows, &n);
	if (rc == KP_DB_OK)
		rc = kp_store_notify_unread(kp_api_db(req), req->auth.user_id, &unread);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "notices");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, notice_json(&rows[i]));
	kp_reply_json(req, 200, json_pack("{s:I, s:o}", "unread", (json_int_t)unread, "items", items));
}

void kp_api_notice_read(kp_req_t *req)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return;
	int rc = kp_store_notify_mark_read(kp_api_db(req), req->auth.user_id, id, kp_now_ms());
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "notice");
		return;
	}
	int64_t unread = 0;
	kp_store_notify_unread(kp_api_db(req), req->auth.user_id, &unread);
	kp_reply_json(req, 200, json_pack("{s:I}", "unread", (json_int_t)unread));
}

void kp_api_notices_read_all(kp_req_t *req)
{
	int rc = kp_store_notify_mark_read(kp_api_db(req), req->auth.user_id, 0, kp_now_ms());
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "notices");
		return;
	}
	kp_reply_json(req, 200, json_pack("{s:i}", "unread", 0));
}

static json_t *prefs_json(const kp_notify_prefs_t *p)
{
	unsigned ch = kp_store_notify_channels();
	return json_pack("{s:s?, s:s?, s:b, s:b, s:{s:b, s:b, s:b}}", "phone", p->phone, "email", p->email, "sms", p->sms,
	                 "email_on", p->email_on, "available", "sms", (ch & KP_CHANNEL_SMS) != 0, "email",
	                 (ch & KP_CHANNEL_EMAIL) != 0, "inapp", 1);
}

void kp_api_notify_prefs_get(kp_req_t *req)
{
	kp_notify_prefs_t p;
	int rc = kp_store_notify_prefs(kp_api_db(req), &req->arena, req->auth.user_id, &p);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "user");
		return;
	}
	kp_reply_json(req, 200, prefs_json(&p));
}

/* A boolean body field: *out unchanged when absent; a problem noted when not a boolean. */
static void body_bool(kp_req_t *req, const char *name, bool *out)
{
	json_t *v = req->json ? json_object_get(req->json, name) : NULL;
	if (v == NULL)
		return;
	if (!json_is_boolean(v))
		kp_field_error(req, name, "must be true or false");
	else
		*out = json_is_true(v);
}

void kp_api_notify_prefs_put(kp_req_t *req)
{
	kp_notify_prefs_t p;
	int rc = kp_store_notify_prefs(kp_api_db(req), &req->arena, req->auth.user_id, &p);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "user");
		return;
	}
	json_t *j = req->json;
	/* absent: kept; null or "": removed */
	if (json_object_get(j, "phone")) {
		const char *v = json_is_null(json_object_get(j, "phone")) ? NULL : kp_body_str(req, "phone", 32, false);
		p.phone = v && v[0] ? v : NULL;
		if (p.phone && kp_check_phone(p.phone))
			kp_field_error(req, "phone", kp_check_phone(p.phone));
	}
	if (json_object_get(j, "email")) {
		const char *v = json_is_null(json_object_get(j, "email")) ? NULL : kp_body_str(req, "email", 254, false);
		p.email = v && v[0] ? v : NULL;
		if (p.email && kp_check_email(p.email))
			kp_field_error(req, "email", kp_check_email(p.email));
	}
	body_bool(req, "sms", &p.sms);
	body_bool(req, "email_on", &p.email_on);
	if (kp_body_check(req) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	rc = kp_store_notify_set_prefs(kp_api_db(req), &who, req->auth.user_id, &p);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "user");
		return;
	}
	kp_reply_json(req, 200, prefs_json(&p));
}

static const char *check_state(const char *s)
{
	static const char *const states[] = {"pending", "sent", "failed", "given_up"};
	for (size_t i = 0; i < KP_ARRAY_LEN(states); i++)
		if (strcmp(s, states[i]) == 0)
			return NULL;
	return "must be pending, sent, failed or given_up";
}

void kp_api_notify_outbox(kp_req_t *req)
{
	long long limit, before;
	const char *state = kp_req_query(req, "state");
	if (state && !state[0])
		state = NULL;
	if (state && check_state(state)) {
		kp_reply_error(req, 400, "bad_query", "state must be pending, sent, failed or given_up");
		return;
	}
	if (kp_req_query_int(req, "limit", 1, 500, 100, &limit) != 0 ||
	    kp_req_query_int(req, "before", 0, INT64_MAX, 0, &before) != 0)
		return;
	kp_notification_t *rows;
	int n;
	int rc = kp_store_notify_outbox(kp_api_db(req), &req->arena, state, before, (int)limit, &rows, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "outbox");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		const kp_notification_t *m = &rows[i];
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s?, s:s, s:s, s:I, s:s?, s:o, s:o, s:o, s:o}", "id",
		                                       (json_int_t)m->id, "channel", m->channel, "kind", m->kind, "recipient",
		                                       m->recipient, "lang", m->lang, "state", m->state, "attempts",
		                                       (json_int_t)m->attempts, "last_error", m->last_error, "created_at",
		                                       time_or_null(m->created_at), "next_attempt_at",
		                                       strcmp(m->state, "sent") && strcmp(m->state, "given_up")
		                                           ? time_or_null(m->next_attempt_at)
		                                           : json_null(),
		                                       "sent_at", time_or_null(m->sent_at), "delivery", delivery_json(m)));
	}
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void kp_api_notify_retry(kp_req_t *req)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_notify_retry(kp_api_db(req), &who, id, kp_now_ms());
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "not_failed", "only a failed or given-up SMS or email can be sent again");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "message");
		return;
	}
	kp_reply_json(req, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", "pending"));
}

/* A token as the worker makes them: base64url of KP_NOTIFY_DLR_TOKEN_BYTES bytes. */
static bool token_shaped(const char *t)
{
	unsigned char raw[KP_NOTIFY_DLR_TOKEN_BYTES];
	return t && kp_b64url_decode(t, strlen(t), raw, sizeof(raw)) == KP_NOTIFY_DLR_TOKEN_BYTES;
}

void kp_api_sms_delivery(kp_req_t *req)
{
	const char *type = kp_req_query(req, "type");
	long long t = 0;
	const char *state = type && kp_parse_int(type, 1, 16, &t) == 0 ? kp_notify_dlr_state((long)t) : NULL;
	if (state == NULL) {
		kp_reply_error(req, 400, "bad_query", "type must be a Kannel delivery report type: 1, 2, 4, 8 or 16");
		return;
	}
	const char *token = kp_req_param(req, "token");
	int64_t id = 0;
	int rc = KP_DB_NOTFOUND;
	if (token_shaped(token)) {
		char hash[65];
		kp_sha256_hex(token, strlen(token), hash);
		rc = kp_store_notify_dlr(kp_api_db(req), hash, state, kp_now_ms(), &id);
	}
	if (rc == KP_DB_NOTFOUND) {
		kp_reply_error(req, 404, "not_found", "no SMS awaits a delivery report with this token");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "delivery report");
		return;
	}
	kp_reply_json(req, 200, json_pack("{s:s}", "state", state));
}
