/* epermit.c: the public e-permit API partners call, wire-exact with the reference
 * implementation e-permit-java (docs/e-permit.md names the file behind each rule): our
 * configuration, their events with a detached proof, the healthcheck. Errors have the
 * reference's shapes: ApiErrorResponse JSON for 400/404/422, a plain-text 401. */
#include "api/api.h"
#include "app/keyring.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "crypto/jws.h"
#include "exchange/exchange.h"
#include "exchange/gson.h"
#include "store/exchange.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The version of the reference's wire that kapka speaks (e-permit-java's pom.xml). */
#define EPERMIT_WIRE_VERSION "1.1.2"

void kp_api_epermit_config(kp_req_t *req)
{
	kp_app_t *app = kp_api_app(req);
	kp_authority_key_t *keys;
	int n;
	if (kp_store_key_list(kp_api_db(req), &req->arena, app->cfg->authority_code, &keys, &n) != KP_DB_OK) {
		kp_reply_db_error(req, KP_DB_ERR, "keys");
		return;
	}
	/* keys: what a partner may trust (the reference stores every listed key as valid);
	 * revoked_keys: the others, with when. */
	json_t *list = json_array(), *revoked = json_array();
	for (int i = 0; i < n; i++) {
		json_t *jwk = json_loads(keys[i].jwk, 0, NULL);
		if (jwk == NULL)
			continue;
		json_t *pub = kp_event_public_jwk(jwk);
		json_decref(jwk);
		if (pub == NULL)
			continue;
		json_object_set_new(pub, "state", json_string(keys[i].revoked_at ? "revoked" : "active"));
		if (keys[i].revoked_at) {
			json_object_set_new(pub, "revoked_at", json_integer(keys[i].revoked_at));
			json_array_append_new(revoked, pub);
		} else
			json_array_append_new(list, pub);
	}
	kp_reply_json(req, 200,
	              json_pack("{s:s, s:s, s:s, s:o, s:o}", "code", app->cfg->authority_code, "name",
	                        app->cfg->authority_name, "version", EPERMIT_WIRE_VERSION, "keys", list, "revoked_keys",
	                        revoked));
}

/* R/commons/ApiErrorResponse.java: {status, timestamp, error_id, error_message, details}
 * (details left out when empty). */
static void reply_api_error(kp_req_t *req, int status, const char *code, const char *message, json_t *details)
{
	const char *name = status == 400   ? "BAD_REQUEST"
	                   : status == 404 ? "NOT_FOUND"
	                   : status == 422 ? "UNPROCESSABLE_ENTITY"
	                   : status == 503 ? "SERVICE_UNAVAILABLE"
	                                   : "INTERNAL_SERVER_ERROR";
	unsigned char rnd[16];
	char id[37], ts[32];
	kp_random_bytes(rnd, sizeof(rnd));
	kp_event_id_format(rnd, id);
	int64_t ms = kp_now_ms();
	kp_iso8601(ms / 1000, ts, sizeof(ts));
	ts[19] = '\0'; /* LocalDateTime: no zone */
	char stamp[40];
	snprintf(stamp, sizeof(stamp), "%s.%03d", ts, (int)(ms % 1000));
	json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "status", name, "timestamp", stamp, "error_id", id,
	                         "error_message", message);
	if (code)
		json_object_set_new(body, "details", json_pack("{s:s}", "errorCode", code));
	else if (json_object_size(details) > 0)
		json_object_set(body, "details", details);
	kp_reply_json(req, status, body);
}

/* Spring's ResponseStatusException as the reference answers it: plain text. */
static void reply_unauthorized(kp_req_t *req, const char *reason)
{
	char text[160];
	int n = snprintf(text, sizeof(text), "401 UNAUTHORIZED \"%s\"", reason);
	kp_reply_bytes(req, 401, "text/plain;charset=UTF-8", text, (size_t)n);
}

/* Answer a refusal and record it (not its content when the sender is not a partner). */
static void refuse(kp_req_t *req, kp_inbound_t *rec, int status, const char *code, const char *message, json_t *details)
{
	rec->status = status;
	rec->error_code = code ? code : status == 401 ? "UNAUTHORIZED" : "BAD_REQUEST";
	rec->error_message = message;
	if (status == 400 && details) {
		char *d = json_dumps(details, JSON_COMPACT);
		rec->error_message = kp_arena_strdup(&req->arena, d);
		free(d);
	}
	if (kp_store_inbound_refused(kp_api_db(req), rec) != KP_DB_OK)
		kp_warn("could not record a refused event from %s", rec->partner ? rec->partner : "?");
	if (status == 401)
		reply_unauthorized(req, message);
	else
		reply_api_error(req, status, code, message, details);
}

struct key_ctx {
	kp_req_t *req;
	const char *issuer;
	bool revoked, unknown;
};

static const kp_key_t *partner_key(void *arg, const char *kid)
{
	struct key_ctx *k = arg;
	const kp_key_t *key = kid ? kp_keyring_lookup(kp_api_app(k->req)->keys, kp_api_db(k->req), k->issuer, kid,
	                                              &k->revoked)
	                          : NULL;
	k->unknown = key == NULL;
	return key;
}

/* R/ledgerevents/LedgerEventUtil.verifyProof and R/utils/JwsUtil.validateJws: the
 * detached proof `header.signature` over Gson's bytes of the event. 0 when it holds;
 * else answers and returns -1. */
static int check_proof(kp_req_t *req, kp_inbound_t *rec, json_t *obj, const kp_event_t *ev)
{
	kp_app_t *app = kp_api_app(req);
	const char *auth = kp_req_header(req, "Authorization");
	if (auth == NULL) {
		refuse(req, rec, 401, NULL, "Authorization header not found", NULL);
		return -1;
	}
	if (strncasecmp(auth, "bearer ", 7) != 0) {
		refuse(req, rec, 401, NULL, "Invalid authorization type", NULL);
		return -1;
	}
	const char *api_url;
	if (kp_store_partner_link(kp_api_db(req), &req->arena, ev->producer, &api_url) != KP_DB_OK) {
		rec->claims = NULL; /* not a partner: its content is not kept */
		refuse(req, rec, 401, NULL, "Invalid authority", NULL);
		return -1;
	}
	const char *proof = auth + 7;
	char *jws = NULL;
	if (strcmp(ev->consumer, app->cfg->authority_code) == 0 && strlen(proof) <= 4096) {
		size_t glen;
		char *gson = kp_gson_event(obj, ev->type, &glen);
		jws = kp_gson_attach(proof, gson, glen); /* NULL unless proof is header.signature */
		free(gson);
	}
	if (jws == NULL) {
		refuse(req, rec, 401, NULL, "Invalid jws", NULL);
		return -1;
	}
	rec->jws = proof;
	struct key_ctx k = {req, ev->producer, false, false};
	kp_jws_t out;
	int rc = kp_jws_verify(jws, strlen(jws), partner_key, &k, &out);
	kp_jws_cleanup(&out);
	free(jws);
	if (rc == KP_JWS_OK)
		return 0;
	if (rc == KP_JWS_EKID) /* getValidKeyById: unknown or revoked */
		refuse(req, rec, 422, "KEY_NOTFOUND", "no valid key of the producer has this kid", NULL);
	else
		refuse(req, rec, 401, NULL, "Invalid jws", NULL);
	return -1;
}

void kp_api_epermit_event(kp_req_t *req)
{
	kp_app_t *app = kp_api_app(req);
	kp_inbound_t rec = {.received_at = kp_now(), .addr = req->addr};
	kp_event_type_t type = kp_event_type_from_path(kp_req_param(req, "type"));
	if (type == KP_EV_UNKNOWN) {
		reply_api_error(req, 404, NULL, "No static resource", NULL);
		return;
	}
	rec.event_type = kp_event_type_name(type);
	json_error_t jerr;
	json_t *obj = req->body_len ? json_loadb(req->body, req->body_len, 0, &jerr) : NULL;
	kp_event_t ev;
	kp_event_error_t err;
	if (kp_event_read(obj, type, kp_now() / 86400, &ev, &err) != 0) {
		rec.partner = ev.producer && strlen(ev.producer) <= KP_AUTHORITY_CODE_MAX ? ev.producer : NULL;
		rec.event_id = ev.event_id && strlen(ev.event_id) <= KP_EVENT_ID_MAX ? ev.event_id : NULL;
		refuse(req, &rec, err.status, err.code, err.message, err.details);
		goto done;
	}
	rec.partner = ev.producer;
	rec.event_id = ev.event_id;
	rec.previous_event_id = ev.previous_event_id;
	char *text = json_dumps(obj, JSON_COMPACT);
	rec.claims = kp_arena_strdup(&req->arena, text);
	free(text);
	if (check_proof(req, &rec, obj, &ev) != 0)
		goto done;
	kp_actor_t who = kp_api_actor(req);
	char actor[32];
	snprintf(actor, sizeof(actor), "partner:%s", ev.producer);
	who.username = actor;
	kp_event_error_t aerr = {0};
	int rc = kp_store_event_apply(kp_api_db(req), &req->arena, &who, &ev, &rec, app->cfg->authority_code,
	                              (int)app->cfg->utc_offset_minutes, &aerr);
	if (rc == KP_DB_OK) {
		if (type == KP_EV_KEY_CREATED || type == KP_EV_KEY_REVOKED)
			kp_keyring_forget(app->keys, ev.producer);
		kp_info("event %s (%s) from %s applied", ev.event_id, rec.event_type, ev.producer);
		kp_reply_bytes(req, 200, "text/plain", "", 0); /* the reference answers 200 with no body */
	} else if (rc == KP_DB_CONFLICT && aerr.code)
		refuse(req, &rec, aerr.status, aerr.code, aerr.message, NULL);
	else
		reply_api_error(req, 503, NULL, "the event could not be stored; send it again", NULL);
done:
	kp_event_error_cleanup(&err);
	kp_event_cleanup(&ev);
	json_decref(obj);
}

/* P/controllers/IndexController.healthcheck: a bearer JWT {iss, aud, exp} signed by the
 * caller with a valid key of its; answers the last event ids both ways. */
void kp_api_epermit_healthcheck(kp_req_t *req)
{
	kp_app_t *app = kp_api_app(req);
	const char *auth = kp_req_header(req, "Authorization");
	if (auth == NULL || strncasecmp(auth, "bearer ", 7) != 0) {
		reply_unauthorized(req, auth ? "Invalid authorization type" : "Authorization header not found");
		return;
	}
	const char *jwt = auth + 7;
	json_t *claims = strlen(jwt) < 4096 ? kp_jws_peek(jwt) : NULL;
	const char *iss = json_string_value(json_object_get(claims, "iss"));
	json_t *audv = json_object_get(claims, "aud");
	const char *aud = json_is_array(audv) ? json_string_value(json_array_get(audv, 0)) : json_string_value(audv);
	json_int_t exp = json_integer_value(json_object_get(claims, "exp"));
	const char *url;
	if (iss == NULL || aud == NULL || strcmp(aud, app->cfg->authority_code) != 0) {
		reply_unauthorized(req, "Authorization failed");
		goto done;
	}
	if (strlen(iss) > KP_AUTHORITY_CODE_MAX ||
	    kp_store_partner_link(kp_api_db(req), &req->arena, iss, &url) != KP_DB_OK) {
		reply_api_error(req, 422, "AUTHORITY_NOT_FOUND", "Error, please contact system manager with error id", NULL);
		goto done;
	}
	struct key_ctx k = {req, iss, false, false};
	kp_jws_t out;
	int rc = kp_jws_verify(jwt, strlen(jwt), partner_key, &k, &out);
	kp_jws_cleanup(&out);
	if (rc == KP_JWS_EKID) {
		reply_api_error(req, 422, "KEY_NOTFOUND", "Error, please contact system manager with error id", NULL);
		goto done;
	}
	if (rc != KP_JWS_OK || exp <= kp_now()) {
		reply_unauthorized(req, "Authorization failed");
		goto done;
	}
	kp_partner_t p;
	if (kp_store_partner_get(kp_api_db(req), &req->arena, iss, &p) != KP_DB_OK) {
		reply_api_error(req, 503, NULL, "try again", NULL);
		goto done;
	}
	kp_reply_json(req, 200,
	              json_pack("{s:s, s:s}", "to_last_event_id", p.last_received_event_id ? p.last_received_event_id : "0",
	                        "from_last_event_id", p.last_sent_event_id ? p.last_sent_event_id : "0"));
done:
	json_decref(claims);
}
