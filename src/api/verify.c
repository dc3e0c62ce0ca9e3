/* verify.c: POST /api/v1/verify: is this permit QR valid here, and if not, every reason. */
#include "api/api.h"
#include "app/keyring.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "crypto/jws.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "store/permits.h"

#include <stdlib.h>
#include <string.h>

#define QR_MAX 4096

struct verdict {
	json_t *reasons;
};

static void reason(struct verdict *v, const char *code, const char *message)
{
	json_array_append_new(v->reasons, json_pack("{s:s, s:s}", "code", code, "message", message));
}

struct lookup_ctx {
	kp_keyring_t *keys;
	kp_conn_t *conn;
	const char *issuer;
	bool revoked;
};

static const kp_key_t *lookup_key(void *ctx, const char *kid)
{
	struct lookup_ctx *l = ctx;
	return kp_keyring_lookup(l->keys, l->conn, l->issuer, kid, &l->revoked);
}

static const char *claim(json_t *claims, const char *name)
{
	return json_string_value(json_object_get(claims, name));
}

/* Signature and claim form. Returns 0 when the rest of the checks make sense. */
static int check_signature(kp_req_t *req, const char *qr, json_t *claims, struct verdict *v, kp_permit_id_t *pid)
{
	const char *id = claim(claims, "id");
	if (id == NULL || kp_permit_id_parse(id, pid) != 0 || !claim(claims, "iat") || !claim(claims, "exp") ||
	    !claim(claims, "pn") || !claim(claims, "cn")) {
		reason(v, "MALFORMED", "the credential lacks the id, iat, exp, pn or cn claim, or they are not well formed");
		return -1;
	}
	kp_authority_t au;
	if (kp_store_authority_get(kp_api_db(req), &req->arena, pid->issuer, &au) != KP_DB_OK) {
		reason(v, "UNKNOWN_ISSUER", "the issuing authority is not known here");
		return -1;
	}
	struct lookup_ctx l = {kp_api_app(req)->keys, kp_api_db(req), pid->issuer, false};
	kp_jws_t jws;
	int rc = kp_jws_verify(qr, strlen(qr), lookup_key, &l, &jws);
	kp_jws_cleanup(&jws);
	if (rc == KP_JWS_OK)
		return 0;
	const char *code, *message;
	kp_jws_reason(rc, l.revoked, &code, &message);
	reason(v, code, message);
	return -1;
}

/* Checks that need the claims (validity, country) and our record of the permit. */
static void check_state(kp_req_t *req, json_t *claims, const kp_permit_id_t *pid, const char *here,
                        struct verdict *v, kp_permit_t *rec, bool *have)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	const char *self = cfg->authority_code;
	if (strcmp(pid->verifier, here) != 0 && strcmp(pid->issuer, here) != 0)
		reason(v, "NOT_FOR_THIS_COUNTRY", "the permit opens another country's border");
	int64_t exp, today = kp_local_day(kp_now(), (int)cfg->utc_offset_minutes);
	if (kp_date_parse_dmy(claim(claims, "exp"), &exp) != 0)
		reason(v, "MALFORMED", "exp is not a dd/MM/yyyy date");
	else if (exp < today)
		reason(v, "EXPIRED", "the permit has expired");
	*have = kp_store_permit_get(kp_api_db(req), &req->arena, claim(claims, "id"), rec) == KP_DB_OK;
	if (!*have) {
		if (strcmp(pid->issuer, self) == 0)
			reason(v, "NOT_FOUND", "this authority never issued a permit with this id");
		return;
	}
	if (strcmp(rec->status, "revoked") == 0)
		reason(v, "REVOKED", rec->status_reason ? rec->status_reason : "the permit was revoked");
	else if (strcmp(rec->status, "returned") == 0)
		reason(v, "RETURNED", "the carrier returned the permit unused");
	if (rec->used_up)
		reason(v, "USED_UP", "the permit's trips have all been used");
	if (strcmp(rec->plate, claim(claims, "pn")) != 0 || strcmp(rec->company_name, claim(claims, "cn")) != 0)
		reason(v, "CLAIMS_INCONSISTENT", "the credential's plate or company differs from the permit on record");
}

json_t *kp_api_verdict(kp_req_t *req, const char *qr, const char *here)
{
	struct verdict v = {json_array()};
	json_t *claims = kp_jws_peek(qr);
	kp_permit_id_t pid;
	kp_permit_t rec;
	bool have = false, signature_held = false;
	if (claims == NULL)
		reason(&v, "MALFORMED", "the text is not a signed e-permit credential");
	else if (check_signature(req, qr, claims, &v, &pid) == 0) {
		signature_held = true;
		check_state(req, claims, &pid, here, &v, &rec, &have);
	}
	char now[32];
	kp_iso8601(kp_now(), now, sizeof(now));
	bool valid = json_array_size(v.reasons) == 0;
	json_t *out = json_pack("{s:b, s:o, s:s, s:s}", "valid", valid, "reasons", v.reasons, "checked_at", now,
	                        "checked_for", here);
	/* Show the claims only once the signature held: never echo unverified text as fact. */
	json_object_set_new(out, "claims", signature_held ? json_incref(claims) : json_null());
	json_t *permit = have ? kp_api_permit_json(req, &rec) : json_null();
	static const char *const internal[] = {"organisation_id", "vehicle_id", "application_id", "qr", "kid"};
	for (size_t i = 0; have && i < KP_ARRAY_LEN(internal); i++)
		json_object_del(permit, internal[i]); /* the verdict is public; our row ids are not */
	json_object_set_new(out, "permit", permit);
	json_decref(claims);
	return out;
}

void kp_api_verify(kp_req_t *req)
{
	const char *qr = kp_body_str(req, "qr", QR_MAX, true);
	const char *here = kp_body_str_checked(req, "country", 2, false, kp_check_country);
	if (kp_body_check(req) != 0)
		return;
	kp_reply_json(req, 200, kp_api_verdict(req, qr, here ? here : kp_api_app(req)->cfg->authority_code));
}
