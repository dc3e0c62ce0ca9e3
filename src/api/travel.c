/* travel.c: helpers shared by the travellers' resources (travel.h). */
#include "api/travel.h"
#include "domain/number.h"
#include "app/keyring.h"
#include "core/util.h"
#include "crypto/jws.h"
#include "doc/qr.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "domain/money.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool kp_travel_may_see(const kp_req_t *req, int64_t user_id)
{
	if (req->auth.role & (KP_ROLE_OFFICER | KP_ROLE_MINISTRY | KP_ROLE_AUDITOR | KP_ROLE_ADMIN))
		return true;
	return req->auth.user_id != 0 && req->auth.user_id == user_id;
}

json_t *kp_travel_date_json(int64_t day)
{
	if (day < 0)
		return json_null();
	char s[11];
	kp_date_format_iso(day, s);
	return json_string(s);
}

int64_t kp_travel_today(kp_req_t *req)
{
	return kp_local_day(kp_now(), (int)kp_api_app(req)->cfg->utc_offset_minutes);
}

bool kp_travel_rates(kp_req_t *req, const char *currency, const char **som_rate, const char **rate)
{
	kp_rate_t kgs, cur;
	kp_conn_t *c = kp_api_db(req);
	if (currency == NULL || strlen(currency) != 3 || kp_store_rate_get(c, &req->arena, "KGS", &kgs) != KP_DB_OK ||
	    kp_store_rate_get(c, &req->arena, currency, &cur) != KP_DB_OK)
		return false;
	*som_rate = kgs.usd_per_unit;
	*rate = cur.usd_per_unit;
	return true;
}

const char *kp_travel_convert(kp_req_t *req, int64_t som, const char *currency, char out[40])
{
	const char *from, *to;
	if (!kp_travel_rates(req, currency, &from, &to))
		return NULL;
	return kp_money_convert(som, from, to, out) == KP_MONEY_OK ? out : NULL;
}

const char *kp_travel_str(kp_req_t *req, json_t *obj, const char *label, const char *name, size_t max, bool required)
{
	json_t *saved = req->json;
	size_t before = req->field_errors ? json_array_size(req->field_errors) : 0;
	req->json = json_is_object(obj) ? obj : NULL;
	const char *s = kp_body_str(req, name, max, required);
	req->json = saved;
	for (size_t i = before; req->field_errors && i < json_array_size(req->field_errors); i++)
		json_object_set_new(json_array_get(req->field_errors, i), "field", json_string(label));
	return s;
}

bool kp_travel_date(kp_req_t *req, json_t *obj, const char *label, const char *name, bool required, int64_t *out)
{
	const char *s = kp_travel_str(req, obj, label, name, 10, required);
	if (s == NULL)
		return false;
	if (kp_date_parse_iso(s, out) != 0) {
		kp_field_problem(req, label, "date", NULL, "must be a date YYYY-MM-DD between 1900 and 2200");
		return false;
	}
	return true;
}

json_t *kp_travel_zone_claims(const char *issuer, const kp_zone_app_t *app, const kp_zone_permit_t *p, int utc_offset)
{
	(void)utc_offset;
	char num[KP_NUMBER_MAX], vf[11], vu[11];
	kp_number_format(issuer, KP_NUMBER_ZONE, p->id, num);
	kp_date_format_dmy(app->valid_from, vf);
	kp_date_format_dmy(app->valid_until, vu);
	json_t *zones = json_loads(app->zones, 0, NULL);
	char name[200];
	snprintf(name, sizeof(name), "%s %s", p->surname, p->given_names);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "k", KP_ZONE_CRED_KIND, "id", num, "nm", name, "pp",
	                 p->passport_number, "nt", p->nationality, "vf", vf, "vu", vu, "z", zones ? zones : json_array());
}

/* Sign claims with the authority's key under a typ header; the JWS into the arena. */
int kp_travel_sign_claims(kp_keyring_t *keys, kp_arena_t *a, json_t *claims, const char *typ, const char **credential,
                          const char **kid)
{
	char *payload = claims ? json_dumps(claims, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(claims);
	json_t *hdr = json_pack("{s:s}", "typ", typ);
	char *jws = NULL;
	const kp_key_t *key = kp_keyring_signing_key(keys);
	int rc = payload ? kp_jws_sign(key, hdr, payload, strlen(payload), &jws) : -1;
	free(payload);
	json_decref(hdr);
	if (rc != 0)
		return -1;
	*credential = kp_arena_strdup(a, jws);
	*kid = kp_key_kid(key);
	free(jws);
	return 0;
}

struct sign_ctx {
	kp_keyring_t *keys;
	const char *issuer;
	int offset;
};

static int sign_zone(void *ctx, kp_arena_t *a, const kp_zone_app_t *app, const kp_zone_permit_t *p,
                     const char **credential, const char **kid)
{
	struct sign_ctx *s = ctx;
	return kp_travel_sign_claims(s->keys, a, kp_travel_zone_claims(s->issuer, app, p, s->offset), KP_ZONE_CRED_TYP,
	                             credential, kid);
}

static int sign_receipt(void *ctx, kp_arena_t *a, const kp_tip_t *t, int64_t payment_id, int64_t paid_at,
                        const char **credential, const char **kid)
{
	struct sign_ctx *s = ctx;
	char id[KP_NUMBER_MAX], dt[11];
	kp_number_format(s->issuer, KP_NUMBER_ECOTAX, payment_id, id);
	kp_date_format_dmy(kp_local_day(paid_at, s->offset), dt);
	json_t *claims = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "k", KP_RECEIPT_CRED_KIND, "id", id, "pl", t->plate,
	                           "pc", t->plate_country, "kd", t->kind, "sm", (json_int_t)t->ecotax_som, "dt", dt);
	return kp_travel_sign_claims(s->keys, a, claims, KP_RECEIPT_CRED_TYP, credential, kid);
}

static struct sign_ctx *sign_ctx(kp_arena_t *a, kp_keyring_t *keys, const kp_config_t *cfg)
{
	struct sign_ctx *s = kp_arena_zalloc(a, sizeof(*s));
	s->keys = keys;
	s->issuer = cfg->authority_code;
	s->offset = (int)cfg->utc_offset_minutes;
	return s;
}

kp_zone_signer_t kp_travel_zone_signer_with(kp_arena_t *a, struct kp_keyring *keys, const kp_config_t *cfg)
{
	kp_zone_signer_t s = {sign_ctx(a, keys, cfg), sign_zone};
	return s;
}

kp_receipt_signer_t kp_travel_receipt_signer_with(kp_arena_t *a, struct kp_keyring *keys, const kp_config_t *cfg)
{
	kp_receipt_signer_t s = {sign_ctx(a, keys, cfg), sign_receipt};
	return s;
}

kp_zone_signer_t kp_travel_zone_signer(kp_req_t *req)
{
	return kp_travel_zone_signer_with(&req->arena, kp_api_app(req)->keys, kp_api_app(req)->cfg);
}

kp_receipt_signer_t kp_travel_receipt_signer(kp_req_t *req)
{
	return kp_travel_receipt_signer_with(&req->arena, kp_api_app(req)->keys, kp_api_app(req)->cfg);
}

const char *kp_travel_dump(kp_req_t *req, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	const char *out = kp_arena_strdup(&req->arena, s ? s : "null");
	free(s);
	return out;
}
