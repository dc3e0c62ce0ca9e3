/* zone_verify.c: POST /api/v1/zone-permit-checks: an officer at a military post checks a
 * border-zone permit's QR against the passport in hand (name, passport number, dates, the
 * zone of this post); every check is recorded, valid or not. */
#include "api/travel.h"
#include "app/keyring.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "crypto/jws.h"
#include "domain/dates.h"

#include <string.h>

#define QR_MAX 4096

struct verdict {
	json_t *reasons;
};

static void reason(struct verdict *v, const char *code, const char *message)
{
	json_array_append_new(v->reasons, json_pack("{s:s, s:s}", "code", code, "message", message));
}

/* The payload of a compact JWS as a JSON object, unverified; NULL when it is not one. */
static json_t *peek_claims(const char *qr)
{
	const char *dots[4];
	int n = 0;
	for (const char *p = qr; *p; p++)
		if (*p == '.' && n < 4)
			dots[n++] = p;
	if (n != 2 && n != 3)
		return NULL;
	const char *payload = dots[n - 2] + 1;
	size_t len = (size_t)(dots[n - 1] - payload);
	unsigned char buf[QR_MAX];
	long got = kp_b64url_decode(payload, len, buf, sizeof(buf) - 1);
	if (got < 0)
		return NULL;
	json_t *j = json_loadb((const char *)buf, (size_t)got, JSON_REJECT_DUPLICATES, NULL);
	if (j && !json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static const char *claim(json_t *c, const char *name)
{
	return json_string_value(json_object_get(c, name));
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

/* Kind, claim form and signature; 0 when the claims can be trusted. */
static int check_signature(kp_req_t *req, const char *qr, json_t *c, struct verdict *v)
{
	const char *self = kp_api_app(req)->cfg->authority_code;
	if (c == NULL) {
		reason(v, "MALFORMED", "the text is not a signed credential");
		return -1;
	}
	if (!claim(c, "k") || strcmp(claim(c, "k"), KP_ZONE_CRED_KIND) != 0) {
		reason(v, "NOT_A_ZONE_PERMIT", "this credential is not a border-zone permit (a freight permit or receipt?)");
		return -1;
	}
	static const char *const need[] = {"id", "nm", "pp", "nt", "vf", "vu"};
	for (size_t i = 0; i < KP_ARRAY_LEN(need); i++)
		if (!claim(c, need[i]) || !json_is_array(json_object_get(c, "z"))) {
			reason(v, "MALFORMED", "the credential lacks a claim or a claim is not well formed");
			return -1;
		}
	if (kp_zone_permit_number_parse(self, claim(c, "id")) == 0) {
		reason(v, "UNKNOWN_ISSUER", "border-zone permits are issued by this authority only");
		return -1;
	}
	struct lookup_ctx l = {kp_api_app(req)->keys, kp_api_db(req), self, false};
	kp_jws_t jws;
	int rc = kp_jws_verify(qr, strlen(qr), lookup_key, &l, &jws);
	const char *typ = rc == KP_JWS_OK ? json_string_value(json_object_get(jws.header, "typ")) : NULL;
	bool zone_typ = typ && strcmp(typ, KP_ZONE_CRED_TYP) == 0;
	kp_jws_cleanup(&jws);
	if (rc == KP_JWS_OK && !zone_typ) {
		reason(v, "NOT_A_ZONE_PERMIT", "the credential's header does not say it is a border-zone permit");
		return -1;
	}
	switch (rc) {
	case KP_JWS_OK: return 0;
	case KP_JWS_EKID:
		reason(v, l.revoked ? "KEY_REVOKED" : "UNKNOWN_KEY",
		       l.revoked ? "the key that signed it has been revoked" : "no key with this kid");
		return -1;
	case KP_JWS_ESIG: reason(v, "BAD_SIGNATURE", "the signature does not match the content"); return -1;
	default: reason(v, "MALFORMED", "the text is not a well-formed signed credential"); return -1;
	}
}

struct inputs {
	const char *passport, *surname, *place;
	int zone;
};

static bool zone_listed(json_t *zones, int zone)
{
	size_t i;
	json_t *z;
	json_array_foreach(zones, i, z) if (json_integer_value(z) == zone) return true;
	return false;
}

/* What the claims say against the passport in hand, the post and today; our record wins
 * for the dates (an extension) and the status. */
static void check_claims(kp_req_t *req, json_t *c, const struct inputs *in, struct verdict *v, kp_zone_permit_t *rec,
                         kp_zone_app_t *app, bool *have)
{
	int64_t id = kp_zone_permit_number_parse(kp_api_app(req)->cfg->authority_code, claim(c, "id"));
	*have = kp_store_zone_permit_get(kp_api_db(req), &req->arena, id, rec, app) == KP_DB_OK;
	int64_t vf, vu, today = kp_travel_today(req);
	if (kp_date_parse_dmy(claim(c, "vf"), &vf) != 0 || kp_date_parse_dmy(claim(c, "vu"), &vu) != 0)
		reason(v, "MALFORMED", "vf or vu is not a dd/MM/yyyy date");
	else {
		if (*have)
			vu = app->valid_until > vu ? app->valid_until : vu;
		if (today < vf)
			reason(v, "NOT_YET_VALID", "the permit's validity has not started");
		if (today > vu)
			reason(v, "EXPIRED", "the permit has expired");
	}
	if (!zone_listed(json_object_get(c, "z"), in->zone))
		reason(v, "ZONE_NOT_COVERED", "the permit does not name the zone of this post");
	if (strcmp(claim(c, "pp"), in->passport) != 0)
		reason(v, "PASSPORT_MISMATCH", "the passport number differs from the permit's");
	size_t sl = in->surname ? strlen(in->surname) : 0;
	if (sl && (strncmp(claim(c, "nm"), in->surname, sl) != 0 || claim(c, "nm")[sl] != ' '))
		reason(v, "NAME_MISMATCH", "the surname differs from the permit's");
	if (!*have) {
		reason(v, "NOT_FOUND", "this authority has no permit with this number");
		return;
	}
	if (strcmp(rec->status, "revoked") == 0)
		reason(v, "REVOKED", rec->status_reason ? rec->status_reason : "the permit was revoked");
	else if (strcmp(rec->status, "active") != 0)
		reason(v, "NOT_ACTIVE", "the permit is not active (cancelled or unpaid)");
	char nm[200];
	snprintf(nm, sizeof(nm), "%s %s", rec->surname, rec->given_names);
	if (strcmp(nm, claim(c, "nm")) != 0 || strcmp(rec->passport_number, claim(c, "pp")) != 0)
		reason(v, "CLAIMS_INCONSISTENT", "the credential's name or passport differs from the permit on record");
}

/* The body: qr, passport_number, the post as a place code or a zone, optional surname. */
static int read_inputs(kp_req_t *req, const char **qr, struct inputs *in)
{
	char norm[64];
	*qr = kp_body_str(req, "qr", QR_MAX, true);
	const char *pp = kp_body_str(req, "passport_number", 30, true), *why = NULL;
	if (pp && (why = kp_zone_passport_normalise(pp, norm, 21)) != NULL)
		kp_field_error(req, "passport_number", why);
	in->passport = pp && !why ? kp_arena_strdup(&req->arena, norm) : NULL;
	const char *sn = kp_body_str(req, "surname", 60, false);
	if (sn && (why = kp_zone_name_normalise(sn, norm, 61)) != NULL)
		kp_field_error(req, "surname", why);
	in->surname = sn && !why ? kp_arena_strdup(&req->arena, norm) : NULL;
	in->place = kp_body_str(req, "place", 40, false);
	long long zone = 0;
	kp_body_int(req, "zone", 1, KP_ZONE_MAX, false, &zone);
	in->zone = (int)zone;
	if (in->place) {
		kp_border_zone_t *zs;
		kp_place_row_t *ps;
		int nz, np;
		if (kp_store_zones(kp_api_db(req), &req->arena, &zs, &nz, &ps, &np) != KP_DB_OK)
			return kp_reply_error(req, 503, "database_unavailable", "the places could not be read"), -1;
		for (int i = 0; i < np && !in->zone; i++)
			if (strcmp(ps[i].code, in->place) == 0)
				in->zone = ps[i].zone;
		if (!in->zone)
			kp_field_error(req, "place", "is not a known place in a border zone");
	} else if (!in->zone && !json_object_get(req->json, "zone")) {
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
	struct verdict v = {json_array()};
	json_t *claims = peek_claims(qr);
	kp_zone_permit_t rec;
	kp_zone_app_t app;
	bool have = false, held = check_signature(req, qr, claims, &v) == 0;
	if (held)
		check_claims(req, claims, &in, &v, &rec, &app, &have);
	bool valid = json_array_size(v.reasons) == 0;
	json_t *codes = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(v.reasons, i, r) json_array_append(codes, json_object_get(r, "code"));
	kp_zone_check_row_t row = {.permit_id = have ? rec.id : 0, .place = in.place, .passport_number = in.passport,
	                           .reasons = kp_travel_dump(req, codes), .zone = in.zone, .valid = valid};
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_zone_check_add(kp_api_db(req), &who, &row);
	if (rc != KP_DB_OK) {
		json_decref(v.reasons);
		json_decref(claims);
		kp_reply_db_error(req, rc, "check");
		return;
	}
	char now[32];
	kp_iso8601(row.checked_at, now, sizeof(now));
	json_t *out = json_pack("{s:b, s:o, s:s, s:I, s:i}", "valid", valid, "reasons", v.reasons, "checked_at", now,
	                        "check_id", (json_int_t)row.id, "zone", in.zone);
	json_object_set_new(out, "claims", held ? json_incref(claims) : json_null());
	json_object_set_new(out, "permit", have ? kp_travel_permit_json(req, &app, &rec) : json_null());
	json_object_del(json_object_get(out, "permit"), "qr");
	json_decref(claims);
	kp_reply_json(req, 200, out);
}
