/* ecmr_docs.c: what a consignment note looks like outside kapka: its QR (a compact JWS
 * signed with the authority key partners and devices pin, typ kapka-ecmr, carrying the
 * goods and the seal history, checked offline by `kapka ecmr-verify`) and its PDF. */
#include "api/ecmr.h"
#include "app/keyring.h"
#include "core/util.h"
#include "crypto/jws.h"
#include "doc/qr.h"
#include "crypto/seals.h"
#include "domain/verdict.h"

#include <stdlib.h>
#include <string.h>

#define QR_GOODS_MAX 6

char *kp_ecmr_qr_text(kp_req_t *req, const kp_ecmr_t *e)
{
	json_t *doc = json_loads(e->document, 0, NULL);
	json_t *goods = json_array(), *seals = json_array();
	size_t i;
	json_t *g;
	json_array_foreach(json_object_get(doc, "goods"), i, g) {
		if (i >= QR_GOODS_MAX)
			break;
		json_array_append_new(goods, json_pack("[O, O, O]", json_object_get(g, "nature"),
		                                       json_object_get(g, "packages"), json_object_get(g, "gross_weight_kg")));
	}
	kp_ecmr_seal_t *s;
	int n;
	if (kp_store_ecmr_seals(kp_api_db(req), &req->arena, e->id, &s, &n) == KP_DB_OK)
		for (int k = 0; k < n; k++)
			json_array_append_new(seals, json_pack("[i, s, s, s, I]", s[k].seq, s[k].act, s[k].role, s[k].party_name,
			                                       (json_int_t)s[k].at));
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	json_t *claims = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s, s:s, s:s?, s:o, s:o, s:I, s:I}", "id", e->ref,
	                           "iss", cfg->authority_code, "st", e->status, "head", e->head, "v", e->plate, "vc",
	                           e->plate_country, "from", e->sender_name, "to", e->consignee_name, "dest",
	                           e->destination_country, "g", goods, "s", seals, "n", (json_int_t)e->seals, "iat",
	                           (json_int_t)kp_now());
	json_object_set_new(claims, "doc", json_string(e->doc_digest));
	json_decref(doc);
	char *text = json_dumps(claims, JSON_COMPACT), *jws = NULL;
	json_decref(claims);
	json_t *hdr = json_pack("{s:s}", "typ", "kapka-ecmr");
	kp_jws_sign(kp_keyring_signing_key(kp_api_app(req)->keys), hdr, text, strlen(text), &jws);
	json_decref(hdr);
	free(text);
	return jws;
}

/* GET /api/v1/ecmr/{ref}/qr?format=svg|png|text */
void kp_api_ecmr_qr(kp_req_t *req)
{
	kp_ecmr_t e;
	if (kp_ecmr_load(req, &e) != 0)
		return;
	const char *format = kp_req_query(req, "format");
	if (!format)
		format = "svg";
	if (strcmp(format, "svg") && strcmp(format, "png") && strcmp(format, "text")) {
		kp_reply_error(req, 400, "bad_query", "format must be svg, png or text");
		return;
	}
	char *jws = kp_ecmr_qr_text(req, &e);
	if (!jws) {
		kp_reply_error(req, 500, "internal", "the QR could not be signed");
		return;
	}
	if (!strcmp(format, "text")) {
		kp_reply_json(req, 200, json_pack("{s:s, s:s}", "ref", e.ref, "qr", jws));
		free(jws);
		return;
	}
	kp_qr_t qr;
	char *out = NULL;
	size_t len = 0;
	int rc = kp_qr_encode(jws, strlen(jws), KP_QR_ECC_DEFAULT, &qr);
	free(jws);
	if (rc == 0)
		rc = !strcmp(format, "svg") ? kp_qr_svg(&qr, KP_QR_QUIET, &out, &len)
		                            : kp_qr_png(&qr, 6, KP_QR_QUIET, (unsigned char **)&out, &len);
	kp_qr_cleanup(&qr);
	if (rc != 0) {
		kp_reply_error(req, 500, "internal", "the QR code could not be drawn");
		return;
	}
	kp_reply_take(req, 200, !strcmp(format, "svg") ? "image/svg+xml" : "image/png", out, len);
}

struct qr_ctx {
	kp_req_t *req;
	const char *iss;
	bool revoked;
};

static const kp_key_t *qr_key(void *ctx, const char *kid)
{
	struct qr_ctx *q = ctx;
	return q->iss ? kp_keyring_lookup(kp_api_app(q->req)->keys, kp_api_db(q->req), q->iss, kid, &q->revoked) : NULL;
}

/* POST /api/v1/ecmr-checks {qr}: the officer's one scan: the QR's signature (ours or a
 * partner's pinned key) and, for a note kept here, the note itself with its permit, seals and
 * crossings, and whether the QR still tells its present state. */
void kp_api_ecmr_check(kp_req_t *req)
{
	const char *qr = kp_body_str(req, "qr", 8192, true);
	if (kp_body_check(req) != 0)
		return;
	json_t *peek = kp_jws_peek(qr), *hdr = kp_jws_header_peek(qr);
	struct qr_ctx q = {req, kp_arena_strdup(&req->arena, json_string_value(json_object_get(peek, "iss"))), false};
	bool typ = json_is_string(json_object_get(hdr, "typ")) &&
	           !strcmp(json_string_value(json_object_get(hdr, "typ")), "kapka-ecmr");
	json_decref(peek);
	json_decref(hdr);
	kp_jws_t v = {0};
	int rc = typ ? kp_jws_verify(qr, strlen(qr), qr_key, &q, &v) : KP_JWS_EMALFORMED;
	json_t *claims = rc == KP_JWS_OK ? json_loadb((const char *)v.payload, v.payload_len, 0, NULL) : NULL;
	kp_jws_cleanup(&v);
	if (!claims) {
		const char *code = !typ ? "NOT_AN_ECMR" : kp_why_code(kp_verdict_signature_why(rc, q.revoked));
		kp_reply_json(req, 200, json_pack("{s:b, s:s}", "valid", 0, "reason", code));
		return;
	}
	json_t *out = json_pack("{s:b, s:o}", "valid", 1, "claims", claims);
	const char *ref = json_string_value(json_object_get(claims, "id"));
	kp_ecmr_t e;
	if (ref && q.iss && !strcmp(q.iss, kp_api_app(req)->cfg->authority_code) &&
	    kp_store_ecmr_by_ref(kp_api_db(req), &req->arena, ref, &e) == KP_DB_OK) {
		json_object_set_new(out, "consignment", kp_ecmr_json(req, &e));
		const char *head = json_string_value(json_object_get(claims, "head"));
		json_object_set_new(out, "current",
		                    json_boolean((head && e.head && !strcmp(head, e.head)) || (!head && !e.head)));
	}
	kp_reply_json(req, 200, out);
}
