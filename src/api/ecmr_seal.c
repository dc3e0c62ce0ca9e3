/* ecmr_seal.c: sealing e-CMR acts (with keys kapka holds for the parties, or seals made on
 * a partner platform and verified against its pinned keys) and checking a chain of seals,
 * stored or handed in as a bundle. */
#include "api/ecmr.h"
#include "api/transparency.h"
#include "app/keyring.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "crypto/jws.h"
#include "crypto/seals.h"
#include "domain/account.h"
#include "domain/ecmr.h"

#include <stdlib.h>
#include <string.h>

#define CUSTODY_PURPOSE "kapka e-CMR held keys v1"
#define BUNDLE_FORMAT "kapka-ecmr-bundle 1"
#define MAX_SEALS 64

/* Make a key for owner, certify it (kapka's signed statement) and store it. */
static int make_key(kp_req_t *req, const char *owner, const char *role, const char *party, const char *ref)
{
	kp_app_t *app = kp_api_app(req);
	char rnd[16], kid[40];
	if (kp_random_token(9, rnd, sizeof(rnd)) != 0)
		return -1;
	snprintf(kid, sizeof(kid), "held-%s", rnd);
	kp_key_t *key = NULL;
	json_t *jwk = NULL, *cert_claims = NULL, *hdr = NULL;
	char *wrapped = NULL, *cert = NULL, *jwk_text = NULL, *claims_text = NULL;
	unsigned char secret[32];
	kp_keyring_secret(app->keys, CUSTODY_PURPOSE, secret);
	int rc = -1;
	if (kp_key_generate(kid, &key) != 0 || kp_key_to_jwk(key, &jwk) != 0 || kp_key_wrap(key, secret, &wrapped) != 0)
		goto done;
	cert_claims = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "iss", app->cfg->authority_code, "holder", owner,
	                        "role", role, "name", party, "custody", "kapka", "jwk", jwk);
	json_object_set_new(cert_claims, "iat", json_integer(kp_now()));
	if (ref)
		json_object_set_new(cert_claims, "ecmr", json_string(ref));
	claims_text = json_dumps(cert_claims, JSON_COMPACT);
	hdr = json_pack("{s:s}", "typ", "kapka-ecmr-key");
	if (kp_jws_sign(kp_keyring_signing_key(app->keys), hdr, claims_text, strlen(claims_text), &cert) != 0)
		goto done;
	jwk_text = json_dumps(jwk, JSON_COMPACT);
	kp_ecmr_key_t row = {owner, kid, jwk_text, wrapped, cert};
	int db = kp_store_ecmr_key_add(kp_api_db(req), &row);
	rc = db == KP_DB_OK || db == KP_DB_CONFLICT ? 0 : -1; /* CONFLICT: another request made it first */
done:
	kp_wipe(secret, sizeof(secret));
	kp_key_free(key);
	json_decref(jwk);
	json_decref(cert_claims);
	json_decref(hdr);
	free(wrapped);
	free(cert);
	free(jwk_text);
	free(claims_text);
	return rc;
}

/* The key kapka holds for owner (made on first use) and its certificate (arena). */
static kp_key_t *held_key(kp_req_t *req, const char *owner, const char *role, const char *party, const char *ref,
                          const char **cert)
{
	kp_ecmr_key_t row;
	kp_conn_t *c = kp_api_db(req);
	int rc = kp_store_ecmr_key_get(c, &req->arena, owner, &row);
	if (rc == KP_DB_NOTFOUND && make_key(req, owner, role, party, ref) == 0)
		rc = kp_store_ecmr_key_get(c, &req->arena, owner, &row);
	if (rc != KP_DB_OK)
		return NULL;
	unsigned char secret[32];
	kp_keyring_secret(kp_api_app(req)->keys, CUSTODY_PURPOSE, secret);
	kp_key_t *key = NULL;
	if (kp_key_unwrap(row.wrapped, secret, row.kid, &key) != 0)
		kp_error("cannot open the held e-CMR key %s: wrong key passphrase?", row.kid);
	kp_wipe(secret, sizeof(secret));
	*cert = row.cert;
	return key;
}

/* The sealing state of e from its seals. */
static int load_state(kp_req_t *req, const kp_ecmr_t *e, kp_ecmr_state_t *st)
{
	kp_ecmr_seal_t *s;
	int n;
	int rc = kp_store_ecmr_seals(kp_api_db(req), &req->arena, e->id, &s, &n);
	if (rc != KP_DB_OK)
		return rc;
	const char **acts = kp_arena_zalloc(&req->arena, sizeof(char *) * (size_t)(n + 1));
	const char **roles = kp_arena_zalloc(&req->arena, sizeof(char *) * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		acts[i] = s[i].act;
		roles[i] = s[i].role;
	}
	*st = (kp_ecmr_state_t){e->status, e->disposal_holder, e->carrier_reservations, acts, roles, n};
	return KP_DB_OK;
}

static const char *refusal_message(const char *code)
{
	static const struct {
		const char *code, *msg;
	} m[] = {
	    {"UNKNOWN_ACT", "this is not an act of a consignment note"},
	    {"ROLE_NOT_ALLOWED", "this party does not seal this act"},
	    {"ALREADY_SEALED", "this party has already sealed this act"},
	    {"OUT_OF_ORDER", "this act cannot be sealed at the note's present status"},
	    {"NO_RESERVATIONS", "the carrier made no reservations to accept"},
	    {"NOT_DISPOSAL_HOLDER", "only the holder of the right of disposal may do this"},
	    {"DISPOSAL_ALREADY_TRANSFERRED", "the right of disposal has already been transferred"},
	};
	for (size_t i = 0; i < KP_ARRAY_LEN(m); i++)
		if (!strcmp(m[i].code, code))
			return m[i].msg;
	return "the act is refused";
}

/* Answer 409 when role may not seal act now; 0 when it may. */
static int check_act(kp_req_t *req, const kp_ecmr_t *e, const char *act, const char *role)
{
	kp_ecmr_state_t st;
	int rc = load_state(req, e, &st);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "seals");
		return -1;
	}
	const char *why = kp_ecmr_act_check(&st, act, role);
	if (why) {
		kp_reply_error(req, 409, "seal_refused", "%s (%s)", refusal_message(why), why);
		json_object_set_new(json_object_get(req->reply_json, "error"), "reason", json_string(why));
		return -1;
	}
	return 0;
}

json_t *kp_ecmr_seal_event(const kp_ecmr_t *e, const kp_ecmr_seal_t *s, const char *status)
{
	json_t *data = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "ref", e->ref, "seq", s->seq,
	                         "act", s->act, "role", s->role, "status", status, "digest", s->digest, "plate", e->plate,
	                         "plate_country", e->plate_country, "permit_id", e->permit_id, "destination_country",
	                         e->destination_country);
	char subject[64];
	snprintf(subject, sizeof(subject), "ecmr:%s", e->ref);
	json_t *events = json_array();
	json_array_append_new(events, json_pack("{s:s, s:s, s:s, s:O}", "type", "ecmr.sealed", "service", "ecmr",
	                                        "subject", subject, "data", data));
	if (!strcmp(s->act, "take_over")) /* the goods are on their way: customs learn before arrival */
		json_array_append_new(events, json_pack("{s:s, s:s, s:s, s:O}", "type", "consignment.pre_arrival",
		                                        "service", "ecmr", "subject", subject, "data", data));
	json_decref(data);
	return events;
}

/* Store seal s (claims already signed); answers. */
static void record_seal(kp_req_t *req, const kp_ecmr_t *e, kp_ecmr_seal_t *s, int64_t link_id)
{
	const char *status, *holder;
	kp_ecmr_act_apply(s->act, e->status, e->disposal_holder, &status, &holder);
	bool reservations = e->carrier_reservations || (!strcmp(s->act, "take_over") && s->reservations);
	json_t *events = kp_ecmr_seal_event(e, s, status);
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_ecmr_seal_add(kp_api_db(req), &who, e, s, status, holder, reservations, link_id, events);
	json_decref(events);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "seal_conflict", "another seal was recorded at the same moment; try again");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "seal");
		return;
	}
	kp_ecmr_t after;
	if (kp_store_ecmr_get(kp_api_db(req), &req->arena, e->id, &after) != KP_DB_OK)
		after = *e;
	json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:o}", "seq", s->seq, "act", s->act, "digest", s->digest, "jws", s->jws,
	                      "consignment", kp_ecmr_json(req, &after));
	kp_api_tlog_attach_act(req, o, e->ref, "digest", s->digest); /* the seal's leaf (ecmr.seal) */
	kp_reply_json(req, 201, o);
}

void kp_ecmr_seal_held(kp_req_t *req, const kp_ecmr_t *e, const char *act, const char *role, const char *party,
                       const char *text, int64_t link_id)
{
	if (check_act(req, e, act, role) != 0)
		return;
	const char *owner = !strcmp(role, "carrier")
	                        ? kp_arena_printf(&req->arena, "org:%lld", (long long)e->carrier_org_id)
	                        : kp_arena_printf(&req->arena, "ecmr:%s:%s", e->ref, role);
	const char *cert = NULL;
	kp_key_t *key = held_key(req, owner, role, party, strcmp(role, "carrier") ? e->ref : NULL, &cert);
	if (!key) {
		kp_reply_error(req, 500, "internal", "the party's key could not be opened");
		return;
	}
	kp_ecmr_seal_claims_t cl = {e->ref, act, role, party, e->doc_digest, e->head, text, "kapka", (int)e->seals + 1,
	                            kp_now()};
	json_t *payload = kp_ecmr_seal_payload(&cl);
	char *ptext = json_dumps(payload, JSON_COMPACT), *jws = NULL;
	json_t *hdr = json_pack("{s:s, s:s}", "typ", "kapka-ecmr-seal", "cert", cert);
	int rc = kp_jws_sign(key, hdr, ptext, strlen(ptext), &jws);
	json_decref(hdr);
	json_decref(payload);
	free(ptext);
	kp_ecmr_seal_t s = {0};
	char digest[65];
	if (rc == 0) {
		kp_seal_digest(jws, digest);
		s = (kp_ecmr_seal_t){.seq = cl.seq, .act = act, .role = role, .party_name = party, .custody = "kapka",
		                     .kid = kp_key_kid(key), .jws = kp_arena_strdup(&req->arena, jws), .digest = digest,
		                     .prev = e->head, .reservations = text, .at = cl.at,
		                     .recorded_by = req->auth.user_id};
		record_seal(req, e, &s, link_id);
	} else {
		kp_reply_error(req, 500, "internal", "the seal could not be made");
	}
	free(jws);
	kp_key_free(key);
}

/* POST /api/v1/ecmr/{ref}/seals {act, reservations?, instructions?}: the carrier seals. */
void kp_api_ecmr_seal(kp_req_t *req)
{
	const char *act = kp_body_str(req, "act", 24, true);
	const char *text = kp_body_str(req, "reservations", 2000, false);
	const char *instr = kp_body_str(req, "instructions", 2000, false);
	if (act && !kp_ecmr_act_valid(act))
		kp_field_error(req, "act", "is not an act of a consignment note");
	kp_ecmr_t e;
	if (kp_body_check(req) != 0 || kp_ecmr_load(req, &e) != 0)
		return;
	if (e.carrier_org_id != req->auth.org_id) {
		kp_reply_error(req, 403, "forbidden", "only the note's carrier seals as carrier");
		return;
	}
	kp_ecmr_seal_held(req, &e, act, "carrier", kp_ecmr_party_name(req, &e, "carrier"), instr ? instr : text, 0);
}

/* Pinned keys for chain checks: the keyring (our key and partners'). */
struct pin_ctx {
	kp_req_t *req;
};

static const kp_key_t *pinned_key(void *ctx, const char *authority, const char *kid)
{
	struct pin_ctx *p = ctx;
	bool revoked = false;
	return kp_keyring_lookup(kp_api_app(p->req)->keys, kp_api_db(p->req), authority, kid, &revoked);
}

/* The stored seals of e as JWS texts (arena), in order, with room for extra more; answers
 * and returns -1 when they cannot be read. */
static int stored_chain(kp_req_t *req, const kp_ecmr_t *e, const char ***jws, int *n, int extra)
{
	kp_ecmr_seal_t *s;
	int rc = kp_store_ecmr_seals(kp_api_db(req), &req->arena, e->id, &s, n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "seals");
		return -1;
	}
	*jws = kp_arena_zalloc(&req->arena, sizeof(char *) * (size_t)(*n + extra + 1));
	for (int i = 0; i < *n; i++)
		(*jws)[i] = s[i].jws;
	return 0;
}

/* POST /api/v1/ecmr/{ref}/seals/external {jws}: a seal made on a partner platform with its
 * own key ("iss" names the platform, "kid" its pinned key), checked as the next link of the
 * stored chain. */
void kp_api_ecmr_seal_external(kp_req_t *req)
{
	const char *jws = kp_body_str(req, "jws", 16384, true);
	if (kp_body_check(req) != 0)
		return;
	const char *ref = kp_req_param(req, "ref");
	kp_ecmr_t e;
	int rc = ref && strlen(ref) <= 40 ? kp_store_ecmr_by_ref(kp_api_db(req), &req->arena, ref, &e) : KP_DB_NOTFOUND;
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "consignment note");
		return;
	}
	json_t *hdr = kp_jws_header_peek(jws);
	const char *iss = kp_arena_strdup(&req->arena, json_string_value(json_object_get(hdr, "iss")));
	bool has_cert = json_object_get(hdr, "cert") != NULL;
	json_decref(hdr);
	if (!iss || has_cert || !strcmp(iss, kp_api_app(req)->cfg->authority_code)) {
		kp_reply_error(req, 403, "untrusted_seal", "the seal is not made with a pinned key of a partner platform");
		return;
	}
	const char **chain;
	int n;
	if (stored_chain(req, &e, &chain, &n, 1) != 0)
		return;
	chain[n] = jws;
	struct pin_ctx pc = {req};
	kp_chain_result_t res;
	if (kp_chain_verify(e.ref, e.doc_digest, chain, n + 1, pinned_key, &pc, &res) != 0) {
		int status = !strcmp(res.code, "UNKNOWN_KEY") || !strcmp(res.code, "BAD_SIGNATURE") ? 403 : 409;
		kp_reply_error(req, status, "seal_rejected", "%s (%s)", res.message, res.code);
		json_object_set_new(json_object_get(req->reply_json, "error"), "reason", json_string(res.code));
		return;
	}
	json_t *p = kp_jws_peek(jws);
	const char *act = kp_arena_strdup(&req->arena, json_string_value(json_object_get(p, "act")));
	const char *role = kp_arena_strdup(&req->arena, json_string_value(json_object_get(p, "role")));
	const char *party = kp_arena_strdup(&req->arena, json_string_value(json_object_get(p, "party")));
	const char *text = kp_arena_strdup(&req->arena, json_string_value(json_object_get(p, "reservations")));
	if (!text)
		text = kp_arena_strdup(&req->arena, json_string_value(json_object_get(p, "instructions")));
	int64_t at = json_integer_value(json_object_get(p, "at"));
	hdr = kp_jws_header_peek(jws);
	const char *kid = kp_arena_strdup(&req->arena, json_string_value(json_object_get(hdr, "kid")));
	json_decref(hdr);
	json_decref(p);
	if (!act || !role || !party || !*party) {
		kp_reply_error(req, 422, "bad_seal", "the seal lacks its act, role or party");
		return;
	}
	if (check_act(req, &e, act, role) != 0)
		return;
	char digest[65];
	kp_seal_digest(jws, digest);
	kp_ecmr_seal_t s = {.seq = (int)e.seals + 1, .act = act, .role = role, .party_name = party, .custody = "partner",
	                    .issuer = iss, .kid = kid, .jws = jws, .digest = digest, .prev = e.head,
	                    .reservations = text, .at = at > 0 ? at : kp_now(), .recorded_by = req->auth.user_id};
	record_seal(req, &e, &s, 0);
}

/* The chain check of e as JSON: {valid, seals, broken_at?, reason?, message?}. */
static json_t *chain_report(kp_req_t *req, const char *ref, const char *document, const char *const *jws, int n)
{
	char digest[65];
	kp_sha256_hex(document, strlen(document), digest);
	struct pin_ctx pc = {req};
	kp_chain_result_t res;
	int rc = kp_chain_verify(ref, digest, jws, n, pinned_key, &pc, &res);
	json_t *o = json_pack("{s:s, s:b, s:i, s:s}", "ref", ref, "valid", rc == 0, "seals", n, "doc_digest", digest);
	if (rc != 0) {
		json_object_set_new(o, "broken_at", json_integer(res.broken_at + 1));
		json_object_set_new(o, "reason", json_string(res.code));
		json_object_set_new(o, "message", json_string(res.message));
	}
	return o;
}

/* GET /api/v1/ecmr/{ref}/verification: the stored note and seals checked again. */
void kp_api_ecmr_verification(kp_req_t *req)
{
	kp_ecmr_t e;
	if (kp_ecmr_load(req, &e) != 0)
		return;
	const char **chain;
	int n;
	if (stored_chain(req, &e, &chain, &n, 0) != 0)
		return;
	json_t *o = chain_report(req, e.ref, e.document, chain, n);
	char digest[65];
	kp_sha256_hex(e.document, strlen(e.document), digest);
	char head[65] = "";
	if (n)
		kp_seal_digest(chain[n - 1], head);
	if (json_is_true(json_object_get(o, "valid")) &&
	    (strcmp(digest, e.doc_digest) != 0 || strcmp(head, e.head ? e.head : "") != 0)) {
		json_object_set_new(o, "valid", json_false());
		json_object_set_new(o, "reason", json_string(strcmp(digest, e.doc_digest) ? "DOCUMENT_CHANGED" : "CHAIN_BROKEN"));
	}
	kp_reply_json(req, 200, o);
}

/* The bundle of a note: its document text, seals and kapka's attestation of both, which
 * `kapka ecmr-verify` checks offline. New object. */
static json_t *bundle_json(const kp_ecmr_t *e, const char *const *chain, int n)
{
	json_t *seals = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(seals, json_string(chain[i]));
	return json_pack("{s:s, s:s, s:s, s:o}", "format", BUNDLE_FORMAT, "ref", e->ref, "document", e->document, "seals",
	                 seals);
}

void kp_api_ecmr_bundle(kp_req_t *req)
{
	kp_ecmr_t e;
	if (kp_ecmr_load(req, &e) != 0)
		return;
	const char **chain;
	int n;
	if (stored_chain(req, &e, &chain, &n, 0) != 0)
		return;
	json_t *b = bundle_json(&e, chain, n);
	kp_reply_json(req, 200, b);
	kp_reply_header(req, "Content-Disposition", kp_arena_printf(&req->arena, "attachment; filename=\"%s.json\"", e.ref));
}

/* POST /api/v1/ecmr-verifications {bundle}: check a bundle someone holds (no sign-in). */
void kp_api_ecmr_bundle_verify(kp_req_t *req)
{
	json_t *b = json_object_get(req->json, "bundle");
	const char *format = json_string_value(json_object_get(b, "format"));
	const char *ref = json_string_value(json_object_get(b, "ref"));
	const char *doc = json_string_value(json_object_get(b, "document"));
	json_t *seals = json_object_get(b, "seals");
	if (!json_is_object(b))
		kp_field_error(req, "bundle", "is required: the object GET /api/v1/ecmr/{ref}/bundle gives");
	else if (!format || strcmp(format, BUNDLE_FORMAT))
		kp_field_error(req, "bundle.format", "must be \"" BUNDLE_FORMAT "\"");
	if (json_is_object(b) && (!ref || strlen(ref) > 40))
		kp_field_error(req, "bundle.ref", "is required");
	if (json_is_object(b) && !doc)
		kp_field_error(req, "bundle.document", "is required (the document text)");
	if (json_is_object(b) && (!json_is_array(seals) || json_array_size(seals) > MAX_SEALS))
		kp_field_error(req, "bundle.seals", "must be a list of at most 64 seals");
	if (kp_body_check(req) != 0)
		return;
	int n = (int)json_array_size(seals);
	const char **chain = kp_arena_zalloc(&req->arena, sizeof(char *) * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		chain[i] = json_string_value(json_array_get(seals, (size_t)i));
		if (!chain[i] || strlen(chain[i]) > 16384) {
			kp_reply_error(req, 422, "validation", "bundle.seals must hold seal texts");
			return;
		}
	}
	kp_reply_json(req, 200, chain_report(req, ref, doc, chain, n));
}
