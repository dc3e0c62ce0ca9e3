/* ecmr.c: electronic consignment notes: a carrier drafts one (the CMR boxes), parties are
 * sent one-time links, officers and agencies look them up by plate (the eFTI identifier
 * query), and a unique link lets a foreign authority read one. Sealing is in ecmr_seal.c. */
#include "api/ecmr.h"
#include "api/agency_access.h"
#include "api/paging.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "domain/account.h"
#include "domain/ecmr.h"
#include "domain/permit.h"
#include "store/checkpoints.h"
#include "store/permits.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINK_TTL (7 * 86400)
#define LINK_MAX_FAILURES 5

/* Officers and staff see every note, unless they are members of an agency: then the
 * agency's grant of the ecmr service decides. */
static bool is_staff(kp_req_t *req)
{
	if (!(req->auth.role & (KP_ROLE_OFFICER | KP_ROLE_MINISTRY | KP_ROLE_AUDITOR | KP_ROLE_ADMIN)))
		return false;
	return kp_agency_user_may(req, "ecmr") != 0;
}

int kp_ecmr_load(kp_req_t *req, kp_ecmr_t *e)
{
	const char *ref = kp_req_param(req, "ref");
	int rc = ref && strlen(ref) <= 40 ? kp_store_ecmr_by_ref(kp_api_db(req), &req->arena, ref, e) : KP_DB_NOTFOUND;
	if (rc == KP_DB_OK && !is_staff(req) && !(req->auth.org_id && req->auth.org_id == e->carrier_org_id))
		rc = KP_DB_NOTFOUND; /* never reveal another carrier's notes */
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "consignment note");
		return -1;
	}
	return 0;
}

const char *kp_ecmr_party_name(kp_req_t *req, const kp_ecmr_t *e, const char *role)
{
	if (!strcmp(role, "sender"))
		return e->sender_name;
	if (!strcmp(role, "consignee"))
		return e->consignee_name;
	json_t *doc = json_loads(e->document, 0, NULL);
	const char *name = kp_arena_strdup(&req->arena,
	                                   json_string_value(json_object_get(json_object_get(doc, "carrier"), "name")));
	json_decref(doc);
	return name ? name : "";
}

static json_t *seal_json(const kp_ecmr_seal_t *s)
{
	char at[32];
	kp_iso8601(s->at, at, sizeof(at));
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:s?, s:s, s:s?}", "seq", s->seq, "act", s->act, "role",
	                 s->role, "party", s->party_name, "custody", s->custody, "issuer", s->issuer, "kid", s->kid,
	                 "digest", s->digest, "prev", s->prev, "at", at, "reservations", s->reservations);
}

json_t *kp_ecmr_json(kp_req_t *req, const kp_ecmr_t *e)
{
	char created[32];
	kp_iso8601(e->created_at, created, sizeof(created));
	json_t *doc = json_loads(e->document, 0, NULL);
	json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:s, s:b, s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:s}", "ref", e->ref,
	                      "status", e->status, "document", doc ? doc : json_null(), "doc_digest", e->doc_digest,
	                      "disposal_holder", e->disposal_holder, "carrier_reservations", e->carrier_reservations,
	                      "carrier_organisation_id", (json_int_t)e->carrier_org_id, "plate", e->plate, "plate_country",
	                      e->plate_country, "trailer_plate", e->trailer_plate, "permit_id", e->permit_id, "head",
	                      e->head, "created_at", created);
	json_object_set_new(o, "booking_id", e->booking_id ? json_integer(e->booking_id) : json_null());
	kp_conn_t *c = kp_api_db(req);
	kp_ecmr_seal_t *s;
	int n;
	json_t *seals = json_array();
	if (kp_store_ecmr_seals(c, &req->arena, e->id, &s, &n) == KP_DB_OK)
		for (int i = 0; i < n; i++)
			json_array_append_new(seals, seal_json(&s[i]));
	json_object_set_new(o, "seals", seals);
	int64_t *ids;
	json_t *crossings = json_array();
	if (kp_store_ecmr_crossings(c, &req->arena, e->id, &ids, &n) == KP_DB_OK)
		for (int i = 0; i < n; i++)
			json_array_append_new(crossings, json_integer(ids[i]));
	json_object_set_new(o, "crossings", crossings);
	kp_permit_t p;
	if (e->permit_id && is_staff(req) && kp_store_permit_get(c, &req->arena, e->permit_id, &p) == KP_DB_OK)
		json_object_set_new(o, "permit", kp_api_permit_json(req, &p));
	return o;
}

static void doc_error(void *ctx, const char *field, const char *problem)
{
	kp_field_error(ctx, field, problem);
}

/* A new reference: ECMR-<authority>-<10 characters of Crockford base32>. */
static const char *new_ref(kp_req_t *req)
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char rnd[10];
	char tail[11];
	if (kp_random_bytes(rnd, sizeof(rnd)) != 0)
		return NULL;
	for (int i = 0; i < 10; i++)
		tail[i] = alphabet[rnd[i] & 31];
	tail[10] = '\0';
	return kp_arena_printf(&req->arena, "ECMR-%s-%s", kp_api_app(req)->cfg->authority_code, tail);
}

/* The note's columns drawn from the body: the document and its links. 0, or -1 answered. */
static int fill_from_body(kp_req_t *req, kp_ecmr_t *e)
{
	kp_org_t org;
	int rc = kp_store_org_get(kp_api_db(req), &req->arena, req->auth.org_id, &org);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "organisation");
		return -1;
	}
	json_t *doc = kp_ecmr_document(req->json, org.name, org.country, doc_error, req);
	const char *permit_id = kp_body_str(req, "permit_id", 40, false);
	long long booking = 0;
	kp_body_int(req, "booking_id", 1, INT64_MAX, false, &booking);
	kp_conn_t *c = kp_api_db(req);
	kp_permit_t p;
	if (permit_id && (kp_store_permit_get(c, &req->arena, permit_id, &p) != KP_DB_OK || p.org_id != org.id))
		kp_field_problem(req, "permit_id", "not_your_permit", NULL, "is not a permit of your company");
	kp_booking_t b;
	kp_user_t u;
	if (booking && (kp_store_booking_get(c, &req->arena, booking, &b) != KP_DB_OK ||
	                kp_store_user_get(c, &req->arena, b.user_id, &u) != KP_DB_OK || u.org_id != org.id))
		kp_field_problem(req, "booking_id", "not_your_booking", NULL, "is not a booking of your company");
	if (kp_body_check(req) != 0) {
		json_decref(doc);
		return -1;
	}
	char *text = kp_ecmr_canonical(doc);
	char digest[65];
	kp_sha256_hex(text, strlen(text), digest);
	e->document = kp_arena_strdup(&req->arena, text);
	free(text);
	e->doc_digest = kp_arena_strdup(&req->arena, digest);
	json_t *t = json_object_get(doc, "transport");
	e->plate = kp_arena_strdup(&req->arena, json_string_value(json_object_get(t, "plate")));
	e->plate_country = kp_arena_strdup(&req->arena, json_string_value(json_object_get(t, "plate_country")));
	e->trailer_plate = kp_arena_strdup(&req->arena, json_string_value(json_object_get(t, "trailer_plate")));
	e->destination_country = kp_arena_strdup(&req->arena,
	                                         json_string_value(
	                                             json_object_get(json_object_get(json_object_get(doc, "delivery"),
	                                                                             "location"),
	                                                             "country")));
	e->sender_name = kp_arena_strdup(&req->arena,
	                                 json_string_value(json_object_get(json_object_get(doc, "consignor"), "name")));
	e->consignee_name = kp_arena_strdup(&req->arena,
	                                    json_string_value(json_object_get(json_object_get(doc, "consignee"), "name")));
	e->permit_id = permit_id;
	e->booking_id = booking;
	json_decref(doc);
	return 0;
}

void kp_api_ecmr_create(kp_req_t *req)
{
	kp_ecmr_t e = {0};
	if (fill_from_body(req, &e) != 0)
		return;
	e.carrier_org_id = req->auth.org_id;
	e.created_by = req->auth.user_id;
	kp_actor_t who = kp_api_actor(req);
	int rc = KP_DB_CONFLICT;
	for (int tries = 0; tries < 3 && rc == KP_DB_CONFLICT; tries++) {
		e.ref = new_ref(req);
		rc = e.ref ? kp_store_ecmr_create(kp_api_db(req), &who, &e) : KP_DB_ERR;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "consignment note");
		return;
	}
	kp_reply_json(req, 201, kp_ecmr_json(req, &e));
}

void kp_api_ecmr_update(kp_req_t *req)
{
	kp_ecmr_t e;
	if (kp_ecmr_load(req, &e) != 0)
		return;
	if (e.carrier_org_id != req->auth.org_id) {
		kp_reply_error(req, 403, "forbidden", "only the carrier that drew up the note may change it");
		return;
	}
	kp_ecmr_t upd = e;
	if (fill_from_body(req, &upd) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_ecmr_update_draft(kp_api_db(req), &who, &upd);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "ecmr_sealed", "the note has been sealed; it can no longer change");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "consignment note");
		return;
	}
	kp_reply_json(req, 200, kp_ecmr_json(req, &upd));
}

void kp_api_ecmr_get(kp_req_t *req)
{
	kp_ecmr_t e;
	if (kp_ecmr_load(req, &e) == 0)
		kp_reply_json(req, 200, kp_ecmr_json(req, &e));
}

/* GET /api/v1/ecmr: a carrier's own notes; officers, staff and entitled agencies query by
 * vehicle or trailer plate and registration country (the eFTI identifier query). */
void kp_api_ecmr_list(kp_req_t *req)
{
	int64_t org = 0;
	if (req->auth.role == KP_ROLE_CARRIER)
		org = req->auth.org_id;
	else if (!is_staff(req)) {
		kp_reply_error(req, 403, "not_granted", "your agency has no grant for the e-CMR service");
		return;
	}
	const char *plate = kp_req_query(req, "plate"), *country = kp_req_query(req, "country");
	const char *status = kp_req_query(req, "status");
	char norm[16];
	if (plate && kp_plate_normalise(plate, norm, sizeof(norm))) {
		kp_reply_error(req, 400, "bad_query", "plate is not a vehicle registration number");
		return;
	}
	if (country && kp_check_country(country)) {
		kp_reply_error(req, 400, "bad_query", "country must be a two-letter country code like KG");
		return;
	}
	if (status && !kp_ecmr_status_known(status)) {
		kp_reply_error(req, 400, "bad_query", "status must be draft, issued, in_transit or delivered");
		return;
	}
	kp_page_t page;
	if (kp_api_page_read(req, 500, 100, &page) != 0)
		return;
	kp_ecmr_t *e;
	int n;
	int64_t total;
	int rc = kp_store_ecmr_page(kp_api_db(req), &req->arena, org, plate ? norm : NULL, country, status, &page, &e, &n,
	                            &total);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "consignment notes");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		char at[32];
		kp_iso8601(e[i].created_at, at, sizeof(at));
		json_array_append_new(items,
		                      json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s, s:s, s:I, s:s?, s:s}", "ref", e[i].ref,
		                                "status", e[i].status, "plate", e[i].plate, "plate_country", e[i].plate_country,
		                                "trailer_plate", e[i].trailer_plate, "sender", e[i].sender_name, "consignee",
		                                e[i].consignee_name, "seals", (json_int_t)e[i].seals, "destination_country",
		                                e[i].destination_country, "created_at", at));
	}
	kp_api_page_reply(req, items, total, &page);
}

/* The address users reach kapka at. */
static const char *base_url(kp_req_t *req)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	if (cfg->public_url[0])
		return cfg->public_url;
	return kp_arena_printf(&req->arena, "http://%s:%lld", cfg->listen, cfg->port);
}

/* Write a message for the relay into message_dir (one JSON file each); logged otherwise. */
static void spool_message(kp_req_t *req, const char *to, const char *subject, const char *body)
{
	const char *dir = kp_api_app(req)->cfg->message_dir;
	if (!dir[0]) {
		kp_info("e-CMR message to %s not written: no message_dir", to);
		return;
	}
	char rnd[16];
	kp_random_token(6, rnd, sizeof(rnd));
	const char *path = kp_arena_printf(&req->arena, "%s/%lld-%s.json", dir, (long long)kp_now_ms(), rnd);
	json_t *m = json_pack("{s:s, s:s, s:s}", "to", to, "subject", subject, "body", body);
	char *text = json_dumps(m, JSON_INDENT(1));
	json_decref(m);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		kp_error("cannot write the e-CMR message %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(text);
}

/* POST /api/v1/ecmr/{ref}/links {role}: send the sender or consignee a one-time link and a
 * code (to the email or phone in the note). Neither is shown to the carrier. */
void kp_api_ecmr_link_create(kp_req_t *req)
{
	const char *role = kp_body_str(req, "role", 12, true);
	if (role && strcmp(role, "sender") && strcmp(role, "consignee"))
		kp_field_error(req, "role", "must be sender or consignee");
	kp_ecmr_t e;
	if (kp_body_check(req) != 0 || kp_ecmr_load(req, &e) != 0)
		return;
	if (e.carrier_org_id != req->auth.org_id) {
		kp_reply_error(req, 403, "forbidden", "only the note's carrier sends links to its parties");
		return;
	}
	json_t *doc = json_loads(e.document, 0, NULL);
	json_t *party = json_object_get(doc, !strcmp(role, "sender") ? "consignor" : "consignee");
	const char *to = json_string_value(json_object_get(party, "email"));
	if (!to)
		to = json_string_value(json_object_get(party, "phone"));
	to = kp_arena_strdup(&req->arena, to);
	json_decref(doc);
	char token[48], code[8], token_hash[65], code_hash[65], body_digest[65];
	unsigned char rnd[4];
	if (!to || kp_random_token(24, token, sizeof(token)) != 0 || kp_random_bytes(rnd, sizeof(rnd)) != 0) {
		kp_reply_error(req, 500, "internal", "no link could be made");
		return;
	}
	uint32_t r32 = (uint32_t)rnd[0] << 24 | (uint32_t)rnd[1] << 16 | (uint32_t)rnd[2] << 8 | (uint32_t)rnd[3];
	snprintf(code, sizeof(code), "%06u", (unsigned)(r32 % 1000000u));
	kp_sha256_hex(token, strlen(token), token_hash);
	kp_sha256_hex(code, strlen(code), code_hash);
	const char *subject = kp_arena_printf(&req->arena, "Consignment note %s: your seal is asked for", e.ref);
	const char *body = kp_arena_printf(&req->arena,
	                                   "%s asks you, as %s, to seal consignment note %s.\nOpen %s/#/ecmr-seal/%s\n"
	                                   "and enter the code %s. The link works once and for 7 days.",
	                                   kp_ecmr_party_name(req, &e, "carrier"), role, e.ref, base_url(req), token, code);
	kp_sha256_hex(body, strlen(body), body_digest);
	int64_t expires = kp_now() + LINK_TTL;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_ecmr_link_create(kp_api_db(req), &who, e.id, role, token_hash, code_hash, to, expires, subject,
	                                   body_digest);
	kp_wipe(code, sizeof(code));
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "link");
		return;
	}
	spool_message(req, to, subject, body);
	char exp[32];
	kp_iso8601(expires, exp, sizeof(exp));
	kp_reply_json(req, 201, json_pack("{s:s, s:s, s:s}", "role", role, "sent_to", to, "expires_at", exp));
}

/* The link named by {token}: usable (not expired, used or locked), else answered. */
static int load_link(kp_req_t *req, kp_ecmr_link_t *l, kp_ecmr_t *e)
{
	const char *token = kp_req_param(req, "token");
	char hash[65];
	kp_sha256_hex(token, strlen(token), hash);
	int rc = kp_store_ecmr_link_get(kp_api_db(req), &req->arena, hash, l);
	if (rc == KP_DB_OK)
		rc = kp_store_ecmr_get(kp_api_db(req), &req->arena, l->consignment_id, e);
	if (rc != KP_DB_OK) {
		kp_reply_error(req, 404, "link_unknown", "this link is not known");
		return -1;
	}
	if (l->used_at) {
		kp_reply_error(req, 410, "link_used", "this link has been used; ask the carrier for a new one");
		return -1;
	}
	if (l->expires_at < kp_now()) {
		kp_reply_error(req, 410, "link_expired", "this link has expired; ask the carrier for a new one");
		return -1;
	}
	if (l->failures >= LINK_MAX_FAILURES) {
		kp_reply_error(req, 429, "link_locked", "too many wrong codes; ask the carrier for a new link");
		return -1;
	}
	return 0;
}

void kp_api_ecmr_link_get(kp_req_t *req)
{
	kp_ecmr_link_t l;
	kp_ecmr_t e;
	if (load_link(req, &l, &e) != 0)
		return;
	json_t *o = kp_ecmr_json(req, &e);
	json_object_set_new(o, "your_role", json_string(l.role));
	kp_reply_json(req, 200, o);
}

/* POST /api/v1/ecmr-links/{token}/seals {code, act, reservations?, instructions?} */
void kp_api_ecmr_link_seal(kp_req_t *req)
{
	const char *code = kp_body_str(req, "code", 6, true);
	const char *act = kp_body_str(req, "act", 24, true);
	const char *text = kp_body_str(req, "reservations", 2000, false);
	const char *instr = kp_body_str(req, "instructions", 2000, false);
	if (act && !kp_ecmr_act_valid(act))
		kp_field_error(req, "act", "is not an act of a consignment note");
	kp_ecmr_link_t l;
	kp_ecmr_t e;
	if (kp_body_check(req) != 0 || load_link(req, &l, &e) != 0)
		return;
	char hash[65];
	kp_sha256_hex(code, strlen(code), hash);
	if (!kp_str_ct_equal(hash, l.code_hash)) {
		kp_store_ecmr_link_fail(kp_api_db(req), l.id);
		kp_reply_error(req, 403, "wrong_code", "the code is not the one sent with this link");
		return;
	}
	kp_ecmr_seal_held(req, &e, act, l.role, kp_ecmr_party_name(req, &e, l.role), instr ? instr : text, l.id);
}

/* POST /api/v1/ecmr/{ref}/authority-link: a unique link through which an authority (a
 * foreign one's gateway) reads the note without an account. A new one replaces the old. */
void kp_api_ecmr_authority_link(kp_req_t *req)
{
	kp_ecmr_t e;
	if (kp_ecmr_load(req, &e) != 0)
		return;
	char token[48], hash[65];
	if (kp_random_token(24, token, sizeof(token)) != 0) {
		kp_reply_error(req, 500, "internal", "no link could be made");
		return;
	}
	kp_sha256_hex(token, strlen(token), hash);
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_ecmr_set_authority_token(kp_api_db(req), &who, e.id, hash);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "consignment note");
		return;
	}
	kp_reply_json(req, 201,
	              json_pack("{s:s, s:s}", "ref", e.ref, "url",
	                        kp_arena_printf(&req->arena, "%s/api/v1/ecmr-shared/%s", base_url(req), token)));
}

void kp_api_ecmr_shared(kp_req_t *req)
{
	const char *token = kp_req_param(req, "token");
	char hash[65];
	kp_sha256_hex(token, strlen(token), hash);
	kp_ecmr_t e;
	int rc = kp_store_ecmr_by_authority_token(kp_api_db(req), &req->arena, hash, &e);
	if (rc != KP_DB_OK) {
		kp_reply_error(req, 404, "link_unknown", "this link is not known");
		return;
	}
	kp_reply_json(req, 200, kp_ecmr_json(req, &e));
}
