/* verdict.c: the checks of freight and border-zone permit credentials, and their reasons. */
#include "domain/verdict.h"
#include "core/util.h"
#include "crypto/jws.h"
#include "domain/dates.h"
#include "domain/zone.h"

#include <string.h>

static const struct {
	const char *code, *message;
} reasons[] = {
#define KP_WHY_ROW(name, code, message) {code, message},
    KP_VERDICT_REASONS(KP_WHY_ROW)
#undef KP_WHY_ROW
};

const char *kp_why_code(enum kp_why why)
{
	return (unsigned)why < KP_WHY_COUNT ? reasons[why].code : NULL;
}

const char *kp_why_message(enum kp_why why)
{
	return (unsigned)why < KP_WHY_COUNT ? reasons[why].message : NULL;
}

void kp_verdict_add(kp_verdict_t *v, enum kp_why why, const char *note)
{
	if (v->n >= KP_VERDICT_MAX)
		kp_fatal("more than %d reasons in one verdict", KP_VERDICT_MAX);
	v->why[v->n] = why;
	v->note[v->n++] = note;
}

bool kp_verdict_has(const kp_verdict_t *v, enum kp_why why)
{
	for (int i = 0; i < v->n; i++)
		if (v->why[i] == why)
			return true;
	return false;
}

json_t *kp_verdict_reasons_json(const kp_verdict_t *v)
{
	json_t *a = json_array();
	for (int i = 0; i < v->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "code", kp_why_code(v->why[i]), "message",
		                                   v->note[i] ? v->note[i] : kp_why_message(v->why[i])));
	return a;
}

enum kp_why kp_verdict_signature_why(int jws_status, bool key_revoked)
{
	switch (jws_status) {
	case KP_JWS_EKID:
		return key_revoked ? KP_WHY_KEY_REVOKED : KP_WHY_UNKNOWN_KEY;
	case KP_JWS_ESIG:
		return KP_WHY_BAD_SIGNATURE;
	case KP_JWS_EALG:
		return KP_WHY_UNSUPPORTED_ALGORITHM;
	case KP_JWS_EVERSION:
		return KP_WHY_UNSUPPORTED_VERSION;
	default:
		return KP_WHY_JWS_MALFORMED;
	}
}

static const char *claim(json_t *claims, const char *name)
{
	return json_string_value(json_object_get(claims, name));
}

/* kp_jws_verify's key callback over a verifier's key(issuer, kid). */
struct key_ctx {
	void *ctx;
	const kp_key_t *(*key)(void *ctx, const char *issuer, const char *kid, bool *revoked);
	const char *issuer;
	bool revoked;
};

static const kp_key_t *lookup_key(void *ctx, const char *kid)
{
	struct key_ctx *k = ctx;
	return k->key ? k->key(k->ctx, k->issuer, kid, &k->revoked) : NULL;
}

/* The signature; its header is handed to header_ok (may be NULL) when it holds. Returns
 * the kp_jws status, with *revoked for a revoked key. */
static int check_signature(const char *qr, struct key_ctx *k, const char *typ, bool *typ_ok, int *version)
{
	kp_jws_t jws;
	int rc = kp_jws_verify(qr, strlen(qr), lookup_key, k, &jws);
	if (rc == KP_JWS_OK && typ) {
		const char *t = json_string_value(json_object_get(jws.header, "typ"));
		*typ_ok = t && strcmp(t, typ) == 0;
	}
	if (version)
		*version = jws.version;
	kp_jws_cleanup(&jws);
	return rc;
}

/* ---- freight permits ---- */

/* id, iat, exp, pn and cn: strings, the id well formed. */
static bool freight_claims_complete(json_t *claims, kp_permit_id_t *pid)
{
	const char *id = claim(claims, "id");
	return id && kp_permit_id_parse(id, pid) == 0 && claim(claims, "iat") && claim(claims, "exp") &&
	       claim(claims, "pn") && claim(claims, "cn");
}

/* The country it opens and its expiry, once the signature held. */
static void freight_validity(json_t *claims, const kp_permit_id_t *pid, const kp_verifier_t *vf, kp_verdict_t *v)
{
	if (strcmp(pid->verifier, vf->here) != 0 && strcmp(pid->issuer, vf->here) != 0 &&
	    !(vf->member && vf->member(vf->ctx, pid->verifier, vf->here, vf->today)))
		kp_verdict_add(v, KP_WHY_NOT_FOR_THIS_COUNTRY, NULL);
	int64_t exp;
	if (kp_date_parse_dmy(claim(claims, "exp"), &exp) != 0)
		kp_verdict_add(v, KP_WHY_EXP_MALFORMED, NULL);
	else if (exp < vf->today)
		kp_verdict_add(v, KP_WHY_EXPIRED, NULL);
	/* a permit for next year, issued in December, waits for 1 January */
	if (vf->today < kp_days_from_civil(pid->year, 1, 1))
		kp_verdict_add(v, KP_WHY_YEAR_NOT_BEGUN, NULL);
}

/* What our record (online) or the revocation list (offline) says. */
static void freight_state(json_t *claims, const kp_permit_id_t *pid, const kp_verifier_t *vf, kp_verdict_t *v)
{
	kp_freight_record_t rec;
	const char *id = claim(claims, "id");
	if (vf->record && vf->record(vf->ctx, id, &rec)) {
		int st = kp_permit_status_parse(rec.status);
		if (st == KP_PERMIT_REVOKED)
			kp_verdict_add(v, KP_WHY_REVOKED, rec.status_reason);
		else if (st == KP_PERMIT_RETURNED)
			kp_verdict_add(v, KP_WHY_RETURNED, NULL);
		if (rec.used_up)
			kp_verdict_add(v, KP_WHY_USED_UP, NULL);
		if (strcmp(rec.plate, claim(claims, "pn")) != 0 || strcmp(rec.company_name, claim(claims, "cn")) != 0)
			kp_verdict_add(v, KP_WHY_CLAIMS_INCONSISTENT, NULL);
	} else if (vf->self && strcmp(pid->issuer, vf->self) == 0) {
		kp_verdict_add(v, KP_WHY_NOT_FOUND, NULL);
	}
	int listed = vf->listed ? vf->listed(vf->ctx, id) : 0;
	if (listed != 0)
		kp_verdict_add(v, listed < 0 ? KP_WHY_REVOCATIONS_CORRUPT : KP_WHY_REVOKED_LISTED, NULL);
}

json_t *kp_verdict_freight(const char *qr, const kp_verifier_t *vf, kp_verdict_t *v, kp_permit_id_t *pid)
{
	json_t *claims = kp_jws_peek(qr);
	if (claims == NULL) {
		kp_verdict_add(v, KP_WHY_NOT_A_CREDENTIAL, NULL);
		return NULL;
	}
	if (!freight_claims_complete(claims, pid)) {
		kp_verdict_add(v, KP_WHY_CLAIMS_MISSING, NULL);
		goto refused;
	}
	if (vf->issuer_known && !vf->issuer_known(vf->ctx, pid->issuer)) {
		kp_verdict_add(v, vf->unknown_issuer, NULL);
		goto refused;
	}
	struct key_ctx k = {vf->ctx, vf->key, pid->issuer, false};
	int version = -1;
	int rc = check_signature(qr, &k, NULL, NULL, &version);
	if (rc != KP_JWS_OK) {
		kp_verdict_add(v, kp_verdict_signature_why(rc, k.revoked), NULL);
		goto refused;
	}
	if (version == 0) /* "0.header.payload.signature": the demonstration form */
		kp_verdict_add(v, KP_WHY_DEMO_CREDENTIAL, NULL);
	freight_validity(claims, pid, vf, v);
	freight_state(claims, pid, vf, v);
	return claims;
refused:
	json_decref(claims);
	return NULL;
}

/* ---- border-zone permits ---- */

/* The kind claim, then every claim the checks read. */
static int zone_claims_complete(json_t *c, kp_verdict_t *v)
{
	if (!claim(c, "k") || strcmp(claim(c, "k"), KP_ZONE_CRED_KIND) != 0) {
		kp_verdict_add(v, KP_WHY_NOT_A_ZONE_PERMIT, NULL);
		return -1;
	}
	static const char *const need[] = {"id", "nm", "pp", "nt", "vf", "vu"};
	for (size_t i = 0; i < KP_ARRAY_LEN(need); i++)
		if (!claim(c, need[i]) || !json_is_array(json_object_get(c, "z"))) {
			kp_verdict_add(v, KP_WHY_ZONE_CLAIMS_MISSING, NULL);
			return -1;
		}
	return 0;
}

static bool zone_listed(json_t *zones, int zone)
{
	size_t i;
	json_t *z;
	json_array_foreach(zones, i, z)
		if (json_integer_value(z) == zone)
			return true;
	return false;
}

/* The dates (our record wins for the end: an extension), the zone and the person. */
static void zone_presented(json_t *c, const kp_zone_verifier_t *vf, const kp_zone_presented_t *in,
                           const kp_zone_record_t *rec, kp_verdict_t *v)
{
	int64_t from, until;
	if (kp_date_parse_dmy(claim(c, "vf"), &from) != 0 || kp_date_parse_dmy(claim(c, "vu"), &until) != 0)
		kp_verdict_add(v, KP_WHY_ZONE_DATES_MALFORMED, NULL);
	else {
		if (rec && rec->valid_until > until)
			until = rec->valid_until;
		if (vf->today < from)
			kp_verdict_add(v, KP_WHY_NOT_YET_VALID, NULL);
		if (vf->today > until)
			kp_verdict_add(v, KP_WHY_EXPIRED, NULL);
	}
	if (!zone_listed(json_object_get(c, "z"), in->zone))
		kp_verdict_add(v, KP_WHY_ZONE_NOT_COVERED, NULL);
	if (strcmp(claim(c, "pp"), in->passport) != 0)
		kp_verdict_add(v, KP_WHY_PASSPORT_MISMATCH, NULL);
	size_t sl = in->surname ? strlen(in->surname) : 0;
	if (sl && (strncmp(claim(c, "nm"), in->surname, sl) != 0 || claim(c, "nm")[sl] != ' '))
		kp_verdict_add(v, KP_WHY_NAME_MISMATCH, NULL);
}

static void zone_state(json_t *c, const kp_zone_record_t *rec, kp_verdict_t *v)
{
	if (rec == NULL) {
		kp_verdict_add(v, KP_WHY_ZONE_NOT_FOUND, NULL);
		return;
	}
	if (kp_zone_permit_status_parse(rec->status) == KP_ZONE_PERMIT_REVOKED)
		kp_verdict_add(v, KP_WHY_REVOKED, rec->status_reason);
	else if (!kp_zone_permit_active(rec->status))
		kp_verdict_add(v, KP_WHY_NOT_ACTIVE, NULL);
	size_t sl = strlen(rec->surname);
	const char *nm = claim(c, "nm");
	bool same_name = strncmp(nm, rec->surname, sl) == 0 && nm[sl] == ' ' && strcmp(nm + sl + 1, rec->given_names) == 0;
	if (!same_name || strcmp(rec->passport_number, claim(c, "pp")) != 0)
		kp_verdict_add(v, KP_WHY_ZONE_CLAIMS_INCONSISTENT, NULL);
}

json_t *kp_verdict_zone(const char *qr, const kp_zone_verifier_t *vf, const kp_zone_presented_t *in, kp_verdict_t *v,
                        int64_t *number)
{
	json_t *c = kp_jws_peek(qr);
	if (c == NULL) {
		kp_verdict_add(v, KP_WHY_ZONE_NOT_A_CREDENTIAL, NULL);
		return NULL;
	}
	if (zone_claims_complete(c, v) != 0)
		goto refused;
	if ((*number = kp_zone_permit_number_parse(vf->self, claim(c, "id"))) == 0) {
		kp_verdict_add(v, KP_WHY_ZONE_FOREIGN_ISSUER, NULL);
		goto refused;
	}
	struct key_ctx k = {vf->ctx, vf->key, vf->self, false};
	bool typ_ok = false;
	int rc = check_signature(qr, &k, KP_ZONE_CRED_TYP, &typ_ok, NULL);
	if (rc == KP_JWS_OK && !typ_ok) {
		kp_verdict_add(v, KP_WHY_ZONE_TYP, NULL);
		goto refused;
	}
	if (rc != KP_JWS_OK) {
		kp_verdict_add(v, kp_verdict_signature_why(rc, k.revoked), NULL);
		goto refused;
	}
	kp_zone_record_t rec;
	bool have = vf->record && vf->record(vf->ctx, *number, &rec);
	zone_presented(c, vf, in, have ? &rec : NULL, v);
	zone_state(c, have ? &rec : NULL, v);
	return c;
refused:
	json_decref(c);
	return NULL;
}
