/* travel.h: helpers the travellers' resources share (zone permits, stay calculator,
 * temporary imports): who may see a traveller's records, civil dates in JSON, money in
 * the traveller's currency, nested body fields, and the signers of zone-permit and
 * ecotax-receipt credentials. */
#ifndef KP_API_TRAVEL_H
#define KP_API_TRAVEL_H

#include "api/api.h"
#include "domain/verdict.h"
#include "store/travellers.h"

/* The "typ" header and "k" claim of each credential kind: a verifier of one kind refuses
 * the others (freight permits carry neither). */
/* KP_ZONE_CRED_TYP and KP_ZONE_CRED_KIND: domain/verdict.h, with the checks. */
#define KP_RECEIPT_CRED_TYP "kapka-eco"
#define KP_RECEIPT_CRED_KIND "eco"

/* The signed-in traveller owns user_id's records, or the user is an officer or official. */
bool kp_travel_may_see(const kp_req_t *req, int64_t user_id);
/* A civil day as "YYYY-MM-DD", or JSON null when day < 0. */
json_t *kp_travel_date_json(int64_t day);
/* Today at the authority's UTC offset. */
int64_t kp_travel_today(kp_req_t *req);
/* tip_rules.c: 0 when the entry t may open a temporary import, else -1 and answered
 * (422 NOT_FOREIGN_VEHICLE, NOT_THIS_BORDER, CROSSING_CLOSED; an unknown checkpoint). */
int kp_api_tip_entry_check(kp_req_t *req, const kp_tip_t *t);
/* The ministry's rates (US dollars per unit, in the arena) of the som and of currency, for
 * kp_money_convert; false when either has none. Read them once to convert several sums. */
bool kp_travel_rates(kp_req_t *req, const char *currency, const char **som_rate, const char **rate);
/* som in currency (ministry's rates) as a decimal text with 2 places into out; NULL when
 * the currency has no rate. */
const char *kp_travel_convert(kp_req_t *req, int64_t som, const char *currency, char out[40]);

/* A string member of obj (a nested body object), checked like kp_body_str; problems are
 * recorded under the field name label. */
const char *kp_travel_str(kp_req_t *req, json_t *obj, const char *label, const char *name, size_t max, bool required);
/* An ISO date member of obj ("YYYY-MM-DD"), recorded as problem under label. false when
 * absent or bad. */
bool kp_travel_date(kp_req_t *req, json_t *obj, const char *label, const char *name, bool required, int64_t *out);

/* Sign claims (taken) with the authority's current key under header typ; the JWS and the
 * key's id into the arena. 0 or -1. Every signed receipt and zone permit goes through it. */
int kp_travel_sign_claims(struct kp_keyring *keys, kp_arena_t *a, json_t *claims, const char *typ,
                          const char **credential, const char **kid);
kp_zone_signer_t kp_travel_zone_signer(kp_req_t *req);
/* The same outside a request (kapka demo): the context lives in arena a. */
struct kp_keyring;
kp_zone_signer_t kp_travel_zone_signer_with(kp_arena_t *a, struct kp_keyring *keys, const kp_config_t *cfg);
kp_receipt_signer_t kp_travel_receipt_signer_with(kp_arena_t *a, struct kp_keyring *keys, const kp_config_t *cfg);
kp_receipt_signer_t kp_travel_receipt_signer(kp_req_t *req);
/* The claims of a zone permit's credential (also what the verifier compares). Caller decrefs. */
json_t *kp_travel_zone_claims(const char *issuer, const kp_zone_app_t *app, const kp_zone_permit_t *p, int utc_offset);

/* Compact JSON text of j in the request arena; takes the reference. */
const char *kp_travel_dump(kp_req_t *req, json_t *j);

/* Views (zone_apply.c): an application with its permits, and one permit (app may be NULL
 * to leave out validity, zones and route). */
json_t *kp_travel_app_json(kp_req_t *req, const kp_zone_app_t *app, const kp_zone_permit_t *ps, int n);
json_t *kp_travel_permit_json(kp_req_t *req, const kp_zone_app_t *app, const kp_zone_permit_t *p);

#endif
