/* partners.c: the ministry's side of the exchange: partners (handshake, backlog, the
 * events sent and received) and our own signing keys. */
#include "api/api.h"
#include "app/keyring.h"
#include "core/util.h"
#include "domain/outbox.h"
#include "exchange/exchange.h"
#include "store/exchange.h"

#include <stdlib.h>
#include <string.h>

/* ISO 8601 time, or null for 0. seconds_or_ms: values above 1e11 are milliseconds. */
static json_t *time_json(int64_t t)
{
	if (t <= 0)
		return json_null();
	char buf[32];
	kp_iso8601(t > 100000000000LL ? t / 1000 : t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *text_json(const char *text)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	return j ? j : json_null();
}

static json_t *partner_json(kp_req_t *req, const kp_partner_t *p)
{
	json_t *keys = json_array();
	kp_authority_key_t *k;
	int n;
	if (kp_store_key_list(kp_api_db(req), &req->arena, p->code, &k, &n) == KP_DB_OK)
		for (int i = 0; i < n; i++)
			json_array_append_new(keys,
			                      json_pack("{s:s, s:o, s:o}", "kid", k[i].kid, "created_at",
			                                time_json(k[i].created_at), "revoked_at", time_json(k[i].revoked_at)));
	return json_pack("{s:s, s:s, s:s?, s:{s:s, s:o, s:s?}, s:o, s:{s:I, s:I, s:I, s:o, s:o, s:s?, s:s?},"
	                 " s:{s:I, s:I, s:s?}}",
	                 "code", p->code, "name", p->name, "api_url", p->api_url, "handshake", "state", p->handshake_state,
	                 "at", time_json(p->handshake_at), "error", p->handshake_error, "keys", keys, "outbox", "pending",
	                 (json_int_t)p->pending, "dead", (json_int_t)p->dead, "delivered", (json_int_t)p->delivered,
	                 "oldest_pending_at", time_json(p->oldest_pending_at), "last_delivered_at",
	                 time_json(p->last_delivered_at), "last_error", p->last_error, "last_event_id",
	                 p->last_sent_event_id, "inbound", "applied", (json_int_t)p->received, "refused",
	                 (json_int_t)p->refused, "last_event_id", p->last_received_event_id);
}

void kp_api_partner_list(kp_req_t *req)
{
	kp_partner_t *p;
	int n;
	int rc = kp_store_partner_list(kp_api_db(req), &req->arena, &p, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "partners");
		return;
	}
	json_t *list = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(list, partner_json(req, &p[i]));
	kp_reply_json(req, 200, json_pack("{s:o}", "partners", list));
}

/* The partner named by {code}; answers 404 and returns -1 when we have none. */
static int find_partner(kp_req_t *req, kp_partner_t *p)
{
	const char *code = kp_req_param(req, "code");
	int rc = kp_check_authority_code(code) ? KP_DB_NOTFOUND
	                                       : kp_store_partner_get(kp_api_db(req), &req->arena, code, p);
	if (rc == KP_DB_OK && strcmp(p->handshake_state, KP_HANDSHAKE_S_NONE) == 0 && p->last_sent_event_id == NULL)
		rc = KP_DB_NOTFOUND;
	if (rc != KP_DB_OK)
		kp_reply_db_error(req, rc, "partner");
	return rc == KP_DB_OK ? 0 : -1;
}

static void answer_handshake(kp_req_t *req, int status, const char *url, const char *expect)
{
	kp_actor_t who = kp_api_actor(req);
	char code[KP_AUTHORITY_CODE_MAX + 1], err[512];
	const char *why;
	if (kp_exchange_handshake(kp_api_app(req), kp_api_db(req), &who, url, expect, code, &why, err, sizeof(err)) != 0) {
		if (strcmp(why, "database_error") == 0)
			kp_reply_db_error(req, KP_DB_ERR, "partner");
		else
			kp_reply_error(req, 422, why, "%s", err);
		return;
	}
	kp_partner_t p;
	if (kp_store_partner_get(kp_api_db(req), &req->arena, code, &p) != KP_DB_OK) {
		kp_reply_db_error(req, KP_DB_ERR, "partner");
		return;
	}
	kp_reply_json(req, status, json_pack("{s:o}", "partner", partner_json(req, &p)));
}

static const char *check_url(const char *v)
{
	if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
		return "must be an http:// or https:// address";
	for (const char *s = v; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '"' || *s == '<' || *s == '>' || *s == '\\')
			return "must not contain spaces or quotes";
	return NULL;
}

void kp_api_partner_add(kp_req_t *req)
{
	const char *url = kp_body_str_checked(req, "api_url", 1000, true, check_url);
	if (kp_body_check(req) != 0)
		return;
	answer_handshake(req, 201, url, NULL);
}

void kp_api_partner_get(kp_req_t *req)
{
	kp_partner_t p;
	if (find_partner(req, &p) == 0)
		kp_reply_json(req, 200, json_pack("{s:o}", "partner", partner_json(req, &p)));
}

void kp_api_partner_refresh(kp_req_t *req)
{
	kp_partner_t p;
	if (find_partner(req, &p) != 0)
		return;
	if (p.api_url == NULL) {
		kp_reply_error(req, 422, "partner_unreachable", "no API address is known for %s", p.code);
		return;
	}
	answer_handshake(req, 200, p.api_url, p.code);
}

void kp_api_partner_outbox(kp_req_t *req)
{
	kp_partner_t p;
	long long before, limit;
	const char *state = kp_req_query(req, "state");
	if (find_partner(req, &p) != 0 || kp_req_query_int(req, "before", 1, INT64_MAX, 0, &before) != 0 ||
	    kp_req_query_int(req, "limit", 1, 1000, 100, &limit) != 0)
		return;
	if (state && !kp_outbox_state_known(state)) {
		kp_reply_error(req, 400, "bad_query", "state must be pending, delivered, dead or skipped");
		return;
	}
	kp_outbox_event_t *e;
	int n;
	int rc = kp_store_outbox_list(kp_api_db(req), &req->arena, p.code, state, before, (int)limit, &e, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "outbox");
		return;
	}
	json_t *list = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(list,
		                      json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:s?, s:o, s:o, s:o, s:s?}",
		                                "id", (json_int_t)e[i].id, "seq", (json_int_t)e[i].seq, "event_id",
		                                e[i].event_id, "previous_event_id", e[i].previous_event_id, "event_type",
		                                e[i].event_type, "state", e[i].state, "attempts", (json_int_t)e[i].attempts,
		                                "next_attempt_at",
		                                strcmp(e[i].state, KP_OUTBOX_S_PENDING) == 0 ? time_json(e[i].next_attempt_at)
		                                                                             : json_null(),
		                                "last_attempt_at", time_json(e[i].last_attempt_at), "last_error",
		                                e[i].last_error, "delivered_at", time_json(e[i].delivered_at), "created_at",
		                                time_json(e[i].created_at), "claims", text_json(e[i].claims), "jws", e[i].jws));
	json_t *j = json_pack("{s:o}", "events", list);
	if (n == limit) /* maybe more: the next page is ?before=<the last id> */
		json_object_set_new(j, "next_before", json_integer(e[n - 1].id));
	kp_reply_json(req, 200, j);
}

void kp_api_partner_inbox(kp_req_t *req)
{
	kp_partner_t p;
	long long before, limit;
	if (find_partner(req, &p) != 0 || kp_req_query_int(req, "before", 1, INT64_MAX, 0, &before) != 0 ||
	    kp_req_query_int(req, "limit", 1, 1000, 100, &limit) != 0)
		return;
	kp_inbound_t *e;
	int n;
	int rc = kp_store_inbound_list(kp_api_db(req), &req->arena, p.code, before, (int)limit, &e, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "inbound events");
		return;
	}
	json_t *list = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:I, s:s?, s:s?, s:s?, s:s, s:i, s:s?, s:s?, s:o, s:o}", "id",
		                                      (json_int_t)e[i].id, "event_id", e[i].event_id, "previous_event_id",
		                                      e[i].previous_event_id, "event_type", e[i].event_type, "verdict",
		                                      e[i].verdict, "status", e[i].status, "error_code", e[i].error_code,
		                                      "error_message", e[i].error_message, "received_at",
		                                      time_json(e[i].received_at), "claims", text_json(e[i].claims)));
	json_t *j = json_pack("{s:o}", "events", list);
	if (n == limit) /* maybe more: the next page is ?before=<the last id> */
		json_object_set_new(j, "next_before", json_integer(e[n - 1].id));
	kp_reply_json(req, 200, j);
}

static json_t *own_key_json(const kp_authority_key_t *k, const char *current)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:b}", "kid", k->kid, "jwk", text_json(k->jwk), "created_at",
	                 time_json(k->created_at), "revoked_at", time_json(k->revoked_at), "current",
	                 strcmp(k->kid, current) == 0);
}

/* Our keys as JSON; with only the one named kid when kid is non-NULL (NULL when absent). */
static json_t *own_keys(kp_req_t *req, const char *kid)
{
	kp_app_t *app = kp_api_app(req);
	kp_keyring_reload(app->keys, kp_api_db(req));
	const char *current = kp_key_kid(kp_keyring_signing_key(app->keys));
	kp_authority_key_t *k;
	int n;
	if (kp_store_key_list(kp_api_db(req), &req->arena, app->cfg->authority_code, &k, &n) != KP_DB_OK)
		return NULL;
	json_t *list = json_array();
	for (int i = 0; i < n; i++) {
		if (kid && strcmp(kid, k[i].kid) == 0) {
			json_decref(list);
			return own_key_json(&k[i], current);
		}
		json_array_append_new(list, own_key_json(&k[i], current));
	}
	if (kid) {
		json_decref(list);
		return NULL;
	}
	return list;
}

void kp_api_key_list(kp_req_t *req)
{
	json_t *list = own_keys(req, NULL);
	if (list == NULL)
		kp_reply_db_error(req, KP_DB_ERR, "keys");
	else
		kp_reply_json(req, 200, json_pack("{s:o}", "keys", list));
}

void kp_api_key_rotate(kp_req_t *req)
{
	kp_app_t *app = kp_api_app(req);
	kp_actor_t who = kp_api_actor(req);
	char kid[64];
	if (kp_keyring_rotate(app->keys, kp_api_db(req), &who, kid) != 0) {
		kp_reply_db_error(req, KP_DB_ERR, "key");
		return;
	}
	kp_exchange_kick(app->exchange);
	json_t *key = own_keys(req, kid);
	kp_reply_json(req, 201, json_pack("{s:o}", "key", key ? key : json_null()));
}

void kp_api_key_revoke(kp_req_t *req)
{
	kp_app_t *app = kp_api_app(req);
	kp_actor_t who = kp_api_actor(req);
	const char *kid = kp_req_param(req, "kid"), *why = NULL;
	int rc = kid ? kp_keyring_revoke(app->keys, kp_api_db(req), &who, kid, &why) : KP_DB_NOTFOUND;
	if (rc == KP_DB_NOTFOUND)
		kp_reply_error(req, 404, "not_found", "we hold no key with this kid");
	else if (rc == KP_DB_CONFLICT && why && strcmp(why, "KEY_IN_USE") == 0)
		kp_reply_error(req, 409, "key_in_use", "this is the current signing key: make a new key first");
	else if (rc == KP_DB_CONFLICT)
		kp_reply_error(req, 409, "key_already_revoked", "this key is already revoked");
	else if (rc != KP_DB_OK)
		kp_reply_db_error(req, rc, "key");
	else {
		kp_exchange_kick(app->exchange);
		json_t *key = own_keys(req, kid);
		kp_reply_json(req, 200, json_pack("{s:o}", "key", key ? key : json_null()));
	}
}

/* POST …/outbox/{id}/retry and …/skip: the ministry's decision on an event set aside. */
static void settle(kp_req_t *req, bool retry)
{
	kp_partner_t p;
	long long id;
	if (find_partner(req, &p) != 0)
		return;
	if (kp_parse_int(kp_req_param(req, "id"), 1, INT64_MAX, &id) != 0) {
		kp_reply_error(req, 404, "not_found", "no such event");
		return;
	}
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_outbox_settle(kp_api_db(req), &who, p.code, (int64_t)id, retry);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, retry ? "not_dead" : "not_pending",
		               retry ? "only an event set aside can be retried" : "only an undelivered event can be skipped");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "event");
		return;
	}
	kp_exchange_kick(kp_api_app(req)->exchange);
	kp_outbox_event_t *e;
	int n;
	rc = kp_store_outbox_list(kp_api_db(req), &req->arena, p.code, NULL, (int64_t)id + 1, 1, &e, &n);
	kp_reply_json(req, 200,
	              json_pack("{s:I, s:s}", "id", (json_int_t)id, "state",
	                        rc == KP_DB_OK && n == 1 ? e[0].state
	                        : retry                  ? kp_outbox_next(KP_OUTBOX_S_DEAD, KP_OUTBOX_RETRY)
	                                                 : KP_OUTBOX_S_SKIPPED));
}

void kp_api_partner_outbox_retry(kp_req_t *req)
{
	settle(req, true);
}

void kp_api_partner_outbox_skip(kp_req_t *req)
{
	settle(req, false);
}

/* GET /api/v1/partners/{code}/healthcheck: ask the partner, as the reference does. */
void kp_api_partner_healthcheck(kp_req_t *req)
{
	kp_partner_t p;
	if (find_partner(req, &p) != 0)
		return;
	json_t *r = kp_exchange_healthcheck(kp_api_app(req), kp_api_db(req), p.code);
	kp_reply_json(req, 200, json_pack("{s:o}", "healthcheck", r));
}
