/* zone_verify.c: POST /api/v1/zone-permit-checks: an officer at a military post checks a
 * border-zone permit's QR against the passport in hand (name, passport number, dates, the
 * zone of this post); every check is recorded, valid or not. */
#include "api/travel.h"
#include "app/keyring.h"
#include "core/util.h"
#include "domain/verdict.h"

#include <string.h>

#define QR_MAX 4096

/* The verifier online: our zone permits in the store, our keys in the keyring. */
struct online {
	kp_req_t *req;
	kp_zone_permit_t rec;
	kp_zone_app_t app;
	bool have;
};

static const kp_key_t *issuer_key(void *ctx, const char *issuer, const char *kid, bool *revoked)
{
	struct online *o = ctx;
	return kp_keyring_lookup(kp_api_app(o->req)->keys, kp_api_db(o->req), issuer, kid, revoked);
}

static bool zone_record(void *ctx, int64_t number, kp_zone_record_t *out)
{
	struct online *o = ctx;
	o->have = kp_store_zone_permit_get(kp_api_db(o->req), &o->req->arena, number, &o->rec, &o->app) == KP_DB_OK;
	if (o->have)
		*out = (kp_zone_record_t){o->rec.status,      o->rec.status_reason,   o->rec.surname,
		                          o->rec.given_names, o->rec.passport_number, o->app.valid_until};
	return o->have;
}

struct inputs {
	kp_zone_presented_t p;
	const char *place;
};

/* The body: qr, passport_number, the post as a place code or a zone, optional surname. */
static int read_inputs(kp_req_t *req, const char **qr, struct inputs *in)
{
	char norm[64];
	*qr = kp_body_str(req, "qr", QR_MAX, true);
	const char *pp = kp_body_str(req, "passport_number", 30, true), *why = NULL;
	if (pp && (why = kp_zone_passport_normalise(pp, norm, 21)) != NULL)
		kp_field_error(req, "passport_number", why);
	in->p.passport = pp && !why ? kp_arena_strdup(&req->arena, norm) : NULL;
	const char *sn = kp_body_str(req, "surname", 60, false);
	if (sn && (why = kp_zone_name_normalise(sn, norm, 61)) != NULL)
		kp_field_error(req, "surname", why);
	in->p.surname = sn && !why ? kp_arena_strdup(&req->arena, norm) : NULL;
	in->place = kp_body_str(req, "place", 40, false);
	long long zone = 0;
	kp_body_int(req, "zone", 1, KP_ZONE_MAX, false, &zone);
	in->p.zone = (int)zone;
	if (in->place) {
		/* The place is recorded with the check: it must be known, and agree with a zone given. */
		kp_border_zone_t *zs;
		kp_place_row_t *ps;
		int nz, np, place_zone = 0;
		if (kp_store_zones(kp_api_db(req), &req->arena, &zs, &nz, &ps, &np) != KP_DB_OK)
			return kp_reply_error(req, 503, "database_unavailable", "the places could not be read"), -1;
		for (int i = 0; i < np && !place_zone; i++)
			if (strcmp(ps[i].code, in->place) == 0)
				place_zone = ps[i].zone;
		if (!place_zone)
			kp_field_error(req, "place", "is not a known place in a border zone");
		else if (in->p.zone && in->p.zone != place_zone)
			kp_field_error(req, "zone", "is not the zone of the place given");
		else
			in->p.zone = place_zone;
	} else if (!in->p.zone && !json_object_get(req->json, "zone")) {
		kp_field_error(req, "place", "or zone is required: the post's place code or zone number");
	}
	return kp_body_check(req);
}

void kp_api_zone_check(kp_req_t *req)
{
	const char *qr;
	struct inputs in = {0};
	if (read_inputs(req, &qr, &in) != 0)
		return;
	struct online o = {.req = req};
	kp_zone_verifier_t vf = {&o, kp_api_app(req)->cfg->authority_code, kp_travel_today(req), issuer_key, zone_record};
	kp_verdict_t v = {0};
	int64_t number = 0;
	json_t *claims = kp_api_own(req, kp_verdict_zone(qr, &vf, &in.p, &v, &number));
	json_t *reasons = kp_api_own(req, kp_verdict_reasons_json(&v));
	bool valid = v.n == 0;
	json_t *codes = json_array();
	for (int i = 0; i < v.n; i++)
		json_array_append_new(codes, json_string(kp_why_code(v.why[i])));
	kp_zone_check_row_t row = {.permit_id = o.have ? o.rec.id : 0,
	                           .place = in.place,
	                           .passport_number = in.p.passport,
	                           .reasons = kp_travel_dump(req, codes),
	                           .zone = in.p.zone,
	                           .valid = valid};
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_zone_check_add(kp_api_db(req), &who, &row);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "check");
		return;
	}
	char now[32];
	kp_iso8601(row.checked_at, now, sizeof(now));
	json_t *out = json_pack("{s:b, s:O, s:s, s:I, s:i}", "valid", valid, "reasons", reasons, "checked_at", now,
	                        "check_id", (json_int_t)row.id, "zone", in.p.zone);
	json_object_set(out, "claims", claims ? claims : json_null());
	json_object_set_new(out, "permit", o.have ? kp_travel_permit_json(req, &o.app, &o.rec) : json_null());
	json_object_del(json_object_get(out, "permit"), "qr");
	kp_reply_json(req, 200, out);
}
