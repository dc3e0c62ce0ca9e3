/* verify.c: POST /api/v1/verify: is this permit QR valid here, and if not, every reason. */
#include "api/api.h"
#include "app/keyring.h"
#include "core/util.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "domain/verdict.h"
#include "store/permits.h"

#include <stdlib.h>
#include <string.h>

#define QR_MAX 4096

/* The verifier online: the store's authorities and permits, the keyring's keys. */
struct online {
	kp_req_t *req;
	kp_permit_t rec;
	bool have;
};

static bool issuer_known(void *ctx, const char *issuer)
{
	struct online *o = ctx;
	kp_authority_t au;
	return kp_store_authority_get(kp_api_db(o->req), &o->req->arena, issuer, &au) == KP_DB_OK;
}

static const kp_key_t *issuer_key(void *ctx, const char *issuer, const char *kid, bool *revoked)
{
	struct online *o = ctx;
	return kp_keyring_lookup(kp_api_app(o->req)->keys, kp_api_db(o->req), issuer, kid, revoked);
}

static bool permit_record(void *ctx, const char *id, kp_freight_record_t *out)
{
	struct online *o = ctx;
	o->have = kp_store_permit_get(kp_api_db(o->req), &o->req->arena, id, &o->rec) == KP_DB_OK;
	if (o->have)
		*out = (kp_freight_record_t){o->rec.status, o->rec.status_reason, o->rec.plate, o->rec.company_name,
		                             o->rec.used_up};
	return o->have;
}

static bool member_on(void *ctx, const char *organisation, const char *country, int64_t day)
{
	struct online *o = ctx;
	bool m = false;
	return kp_store_authority_is_member(kp_api_db(o->req), &o->req->arena, organisation, country, day, &m) ==
	           KP_DB_OK &&
	       m;
}

json_t *kp_api_verdict(kp_req_t *req, const char *qr, const char *here)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	struct online o = {req, {0}, false};
	kp_verifier_t vf = {
	    .ctx = &o,
	    .here = here,
	    .today = kp_local_day(kp_now(), (int)cfg->utc_offset_minutes),
	    .self = cfg->authority_code,
	    .unknown_issuer = KP_WHY_UNKNOWN_ISSUER,
	    .issuer_known = issuer_known,
	    .key = issuer_key,
	    .record = permit_record,
	    .member = member_on,
	};
	kp_verdict_t v = {0};
	kp_permit_id_t pid;
	json_t *claims = kp_verdict_freight(qr, &vf, &v, &pid);
	char now[32];
	kp_iso8601(kp_now(), now, sizeof(now));
	json_t *out = json_pack("{s:b, s:o, s:s, s:s}", "valid", v.n == 0, "reasons", kp_verdict_reasons_json(&v),
	                        "checked_at", now, "checked_for", here);
	/* Show the claims only once the signature held: never echo unverified text as fact. */
	json_object_set_new(out, "claims", claims ? claims : json_null());
	json_t *permit = o.have ? kp_api_permit_json(req, &o.rec) : json_null();
	static const char *const internal[] = {"organisation_id", "vehicle_id", "application_id", "qr", "kid"};
	for (size_t i = 0; o.have && i < KP_ARRAY_LEN(internal); i++)
		json_object_del(permit, internal[i]); /* the verdict is public; our row ids are not */
	json_object_set_new(out, "permit", permit);
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
