/* epermit.c: the public e-permit protocol API partners call (docs/e-permit.md): our
 * configuration, their signed events, and verifying our permits' QR text. Errors here are
 * the protocol's {"error_code","error_message"}, not kapka's own shape. */
#include "api/api.h"
#include "app/keyring.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/jws.h"
#include "exchange/exchange.h"
#include "store/exchange.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void kp_api_epermit_config(kp_req_t *req)
{
	kp_app_t *app = kp_api_app(req);
	kp_authority_key_t *keys;
	int n;
	if (kp_store_key_list(kp_api_db(req), &req->arena, app->cfg->authority_code, &keys, &n) != KP_DB_OK) {
		kp_reply_db_error(req, KP_DB_ERR, "keys");
		return;
	}
	json_t *list = json_array();
	for (int i = 0; i < n; i++) {
		json_t *jwk = keys[i].revoked_at ? NULL : json_loads(keys[i].jwk, 0, NULL);
		if (jwk)
			json_array_append_new(list, jwk);
	}
	kp_reply_json(req, 200, json_pack("{s:s, s:s, s:o}", "code", app->cfg->authority_code, "name",
	                                  app->cfg->authority_name, "keys", list));
}

/* Answer with the protocol's error shape; the event is recorded as refused. */
static void refuse(kp_req_t *req, kp_inbound_t *rec, int status, const char *code, const char *message)
{
	rec->status = status;
	rec->error_code = code;
	rec->error_message = message;
	if (kp_store_inbound_refused(kp_api_db(req), rec) != KP_DB_OK)
		kp_warn("could not record a refused event from %s", rec->partner ? rec->partner : "?");
	kp_reply_json(req, status, json_pack("{s:s, s:s}", "error_code", code, "error_message", message));
}

/* The JWS: "Authorization: Bearer <jws>" (or the bare JWS), else a {"jws": ...} body. */
static const char *event_jws(kp_req_t *req, json_t **body)
{
	const char *auth = kp_req_header(req, "Authorization");
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
		auth += 7;
	if (auth && strchr(auth, '.'))
		return auth;
	*body = req->body_len ? json_loadb(req->body, req->body_len, 0, NULL) : NULL;
	return json_string_value(json_object_get(*body, "jws"));
}

struct key_ctx {
	kp_req_t *req;
	const char *issuer;
	bool revoked, unknown;
};

static const kp_key_t *partner_key(void *arg, const char *kid)
{
	struct key_ctx *k = arg;
	const kp_key_t *key =
		kp_keyring_lookup(kp_api_app(k->req)->keys, kp_api_db(k->req), k->issuer, kid, &k->revoked);
	k->unknown = key == NULL && !k->revoked;
	return key;
}

/* Check the signature with the sender's key. 0 when it holds; else answers. */
static int check_signature(kp_req_t *req, kp_inbound_t *rec, const char *jws)
{
	struct key_ctx k = {req, rec->partner, false, false};
	kp_jws_t out;
	int rc = kp_jws_verify(jws, strlen(jws), partner_key, &k, &out);
	kp_jws_cleanup(&out);
	if (rc == KP_JWS_OK)
		return 0;
	if (rc == KP_JWS_EKID && k.unknown)
		refuse(req, rec, 401, "KEY_NOTFOUND", "no key of the sender has this kid; fetch of our keys may be due");
	else
		refuse(req, rec, 401, "INVALID_JWS",
		       rc == KP_JWS_EKID ? "the signing key has been revoked" : "the signature does not verify");
	return -1;
}

/* A claim as recorded with a refusal: a string of reasonable length, else NULL. */
static const char *short_claim(json_t *claims, const char *name)
{
	const char *v = json_string_value(json_object_get(claims, name));
	return v && strlen(v) <= KP_EVENT_ID_MAX ? v : NULL;
}

void kp_api_epermit_event(kp_req_t *req)
{
	kp_app_t *app = kp_api_app(req);
	json_t *body = NULL, *claims = NULL;
	kp_inbound_t rec = {.received_at = kp_now(), .addr = req->addr};
	const char *jws = event_jws(req, &body);
	if (jws == NULL || strlen(jws) > KP_JWS_MAX_LEN) {
		refuse(req, &rec, 400, "BAD_REQUEST", "send the event's JWS as Authorization: Bearer, or as {\"jws\": ...}");
		goto done;
	}
	claims = kp_jws_peek(jws);
	if (claims == NULL) {
		refuse(req, &rec, 401, "INVALID_JWS", "not a compact JWS with a JSON object payload");
		goto done;
	}
	rec.partner = short_claim(claims, "issuer");
	rec.event_id = short_claim(claims, "event_id");
	rec.previous_event_id = short_claim(claims, "previous_event_id");
	rec.event_type = short_claim(claims, "event_type");
	const char *api_url;
	if (rec.partner == NULL ||
	    kp_store_partner_link(kp_api_db(req), &req->arena, rec.partner, &api_url) != KP_DB_OK) {
		refuse(req, &rec, 422, "AUTHORITY_NOT_FOUND", "the issuer is not a partner of this authority");
		goto done;
	}
	/* from a partner: what it sent is kept with the verdict (not from strangers) */
	rec.jws = jws;
	char *text = json_dumps(claims, JSON_COMPACT | JSON_PRESERVE_ORDER);
	rec.claims = kp_arena_strdup(&req->arena, text);
	free(text);
	if (check_signature(req, &rec, jws) != 0)
		goto done;
	kp_event_t ev;
	kp_event_error_t err = {0};
	kp_actor_t who = kp_api_actor(req);
	char actor[16];
	snprintf(actor, sizeof(actor), "partner:%s", rec.partner);
	who.username = actor;
	if (kp_event_read(claims, &ev, &err) != 0) {
		refuse(req, &rec, err.status, err.code, err.message);
	} else {
		int rc = kp_store_event_apply(kp_api_db(req), &req->arena, &who, &ev, &rec, app->cfg->authority_code,
		                              (int)app->cfg->utc_offset_minutes, &err);
		if (rc == KP_DB_OK) {
			if (ev.type == KP_EV_KEY_CREATED || ev.type == KP_EV_KEY_REVOKED)
				kp_keyring_forget(app->keys, rec.partner);
			kp_info("event %s (%s) from %s applied", ev.event_id, ev.type_name, rec.partner);
			kp_reply_json(req, 200, json_pack("{s:s}", "event_id", ev.event_id));
		} else if (rc == KP_DB_CONFLICT && err.code)
			refuse(req, &rec, err.status, err.code, err.message);
		else
			kp_reply_json(req, 503, json_pack("{s:s, s:s}", "error_code", "SERVICE_UNAVAILABLE", "error_message",
			                                  "the event could not be stored; send it again"));
		kp_event_cleanup(&ev);
	}
done:
	json_decref(claims);
	json_decref(body);
}
