/* window_docs.c: documents applicants upload to the single window (PDF, JPEG, PNG:
 * size and magic-byte checks, SHA-256, served back only as an attachment of its checked
 * type), and fees: payment through a gateway (the seam) and the receipt PDF with a
 * signed QR. */
#include "api/window.h"

#include "api/travel.h"

#include "app/keyring.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "doc/receipt.h"
#include "domain/account.h"

#include <stdlib.h>
#include <string.h>

#define KP_SW_RECEIPT_TYP "kapka-sw"

/* The type the first bytes say, or NULL when none of the three. */
static const char *sniff(const unsigned char *b, size_t n)
{
	if (n >= 5 && memcmp(b, "%PDF-", 5) == 0)
		return "application/pdf";
	if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
		return "image/jpeg";
	if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	return NULL;
}

/* A file name safe to echo in a header: letters, digits, '.', '-', '_' (others become
 * '_'), at most 100 characters. */
static const char *safe_name(kp_req_t *req, const char *s)
{
	const char *base = s ? strrchr(s, '/') : NULL;
	s = base ? base + 1 : s;
	if (s == NULL || *s == '\0')
		return "document";
	size_t n = strlen(s) > 100 ? 100 : strlen(s);
	char *out = kp_arena_strndup(&req->arena, s, n);
	for (char *p = out; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '-' || *p == '_'))
			*p = '_';
	return out;
}

void kp_api_sw_document_upload(kp_req_t *req)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	const char *declared = kp_req_header(req, "Content-Type");
	const char *kind = kp_req_query(req, "kind");
	size_t kl = kind ? strlen(kind) : 0;
	if (kl < 2 || kl > 40 || strspn(kind, "abcdefghijklmnopqrstuvwxyz0123456789-_") != kl) {
		kp_reply_error(req, 400, "bad_query",
		               "kind must name the document kind (2 to 40 lower-case letters, digits, '-', '_')");
		return;
	}
	if (req->body_len == 0) {
		kp_reply_error(req, 400, "empty_body", "send the document's bytes as the body");
		return;
	}
	if ((long long)req->body_len > cfg->document_max_bytes) {
		kp_reply_error(req, 413, "too_large", "a document may have at most %lld bytes", cfg->document_max_bytes);
		return;
	}
	const char *type = sniff((const unsigned char *)req->body, req->body_len);
	char decl[40] = "";
	if (declared)
		snprintf(decl, sizeof(decl), "%.*s", (int)strcspn(declared, "; "), declared);
	if (type == NULL) {
		kp_reply_error(req, 415, "unsupported_media_type", "a document must be a PDF, JPEG or PNG file");
		return;
	}
	if (strcmp(decl, type) != 0) {
		kp_reply_error(req, 415, "type_mismatch", "the content is %s but Content-Type says otherwise", type);
		return;
	}
	kp_sw_document_t d = {.user_id = req->auth.user_id,
	                      .size = (int64_t)req->body_len,
	                      .uploaded_at = kp_window_now(),
	                      .kind = kind,
	                      .filename = safe_name(req, kp_req_query(req, "filename")),
	                      .content_type = type};
	char hex[65];
	kp_sha256_hex(req->body, req->body_len, hex);
	d.sha256 = kp_arena_strdup(&req->arena, hex);
	char *b64 = kp_arena_alloc(&req->arena, req->body_len / 3 * 4 + 8);
	kp_b64url_encode((const unsigned char *)req->body, req->body_len, b64);
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_sw_document_add(kp_api_db(req), &who, &d, b64, cfg->document_max_per_user);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "too_many_documents", "you keep %lld documents already, the most one applicant may",
		               cfg->document_max_per_user);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "document");
		return;
	}
	kp_reply_json(req, 201, kp_window_document_json(&d));
}

void kp_api_sw_documents_mine(kp_req_t *req)
{
	kp_sw_document_t *docs;
	int n;
	int rc = kp_store_sw_documents_of_user(kp_api_db(req), &req->arena, req->auth.user_id, &docs, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "documents");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, kp_window_document_json(&docs[i]));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* The bytes of a document: to its owner, oversight, or an agency whose open or decided
 * step needs its kind. Always an attachment, never rendered or sniffed by the browser. */
void kp_api_sw_document_get(kp_req_t *req)
{
	int64_t id;
	kp_sw_document_t d;
	const char *b64;
	if (kp_req_param_id(req, "id", &id) != 0)
		return;
	kp_conn_t *c = kp_api_db(req);
	int rc = kp_store_sw_document_get(c, &req->arena, id, &d);
	bool may = rc == KP_DB_OK &&
	           (d.user_id == req->auth.user_id || (req->auth.role & (KP_ROLE_ADMIN | KP_ROLE_AUDITOR)) ||
	            kp_store_sw_document_visible_to(c, &req->arena, id, kp_role_name(req->auth.role) ?: "",
	                                            req->auth.org_id));
	if (rc == KP_DB_OK && !may)
		rc = KP_DB_NOTFOUND;
	if (rc == KP_DB_OK)
		rc = kp_store_sw_document_data(c, &req->arena, d.sha256, &b64);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "document");
		return;
	}
	size_t n = strlen(b64);
	unsigned char *bytes = kp_malloc(n / 4 * 3 + 4);
	long len = kp_b64url_decode(b64, n, bytes, n / 4 * 3 + 4);
	if (len < 0) {
		free(bytes);
		kp_reply_error(req, 500, "internal", "the stored document could not be read; it was logged as %s",
		               req->request_id);
		return;
	}
	kp_reply_take(req, 200, d.content_type, bytes, (size_t)len);
	kp_reply_header(req, "Content-Disposition",
	                kp_arena_printf(&req->arena, "attachment; filename=\"%s\"", d.filename));
	kp_reply_header(req, "Content-Security-Policy", "sandbox; default-src 'none'");
	kp_reply_header(req, "X-SHA256", d.sha256);
}

/* ---- fees ---- */

/* The built-in gateway: the applicant paid at a bank or cash desk and gives its reference. */
static int manual_charge(kp_req_t *req, const kp_sw_fee_t *fee, const char *given, const char **reference,
                         const char **why)
{
	(void)req;
	(void)fee;
	if (given == NULL || *given == '\0') {
		*why = "the reference of the payment (the bank's or cash desk's receipt number) is required";
		return -1;
	}
	*reference = given;
	return 0;
}

static const kp_sw_gateway_t gateways[] = {{"manual", manual_charge}};

const kp_sw_gateway_t *kp_window_gateway(const char *name)
{
	for (size_t i = 0; i < KP_ARRAY_LEN(gateways); i++)
		if (strcmp(gateways[i].name, name ? name : "manual") == 0)
			return &gateways[i];
	return NULL;
}

struct fee_signer {
	kp_keyring_t *keys;
	const char *issuer;
};

/* The receipt's credential: {"k":"sw","id":number,"ap":application,"st":step,"co":collector,
 * "sm":som,"pd":paid at}, ES256 with typ kapka-sw. */
static int sign_fee(void *ctx, kp_arena_t *a, const kp_sw_fee_t *f, const char **credential, const char **kid)
{
	struct fee_signer *s = ctx;
	char at[32];
	kp_iso8601(f->paid_at, at, sizeof(at));
	json_t *claims = json_pack("{s:s, s:s, s:I, s:s, s:s, s:I, s:s}", "k", "sw", "id",
	                           kp_window_receipt_number(a, s->issuer, f->id), "ap", (json_int_t)f->application_id, "st",
	                           f->step_code, "co", f->collector, "sm", (json_int_t)f->amount_som, "pd", at);
	return kp_travel_sign_claims(s->keys, a, claims, KP_SW_RECEIPT_TYP, credential, kid);
}

static int load_fee(kp_req_t *req, kp_sw_fee_t *f, kp_sw_app_t *app, bool collector_may)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return -1;
	kp_conn_t *c = kp_api_db(req);
	int rc = kp_store_sw_fee_get(c, &req->arena, id, f);
	if (rc == KP_DB_OK)
		rc = kp_store_sw_app_get(c, &req->arena, f->application_id, app);
	bool may = rc == KP_DB_OK &&
	           (app->user_id == req->auth.user_id || (req->auth.role & (KP_ROLE_ADMIN | KP_ROLE_AUDITOR)) ||
	            (collector_may && kp_store_sw_org_staffs(c, &req->arena, req->auth.org_id, f->collector)));
	if (rc == KP_DB_OK && !may)
		rc = KP_DB_NOTFOUND;
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "fee");
		return -1;
	}
	return 0;
}

void kp_api_sw_fee_pay(kp_req_t *req)
{
	kp_sw_fee_t f;
	kp_sw_app_t app;
	const char *given = kp_body_str(req, "reference", 100, false);
	const char *gname = kp_body_str(req, "gateway", 40, false);
	const kp_sw_gateway_t *g = kp_window_gateway(gname);
	if (g == NULL)
		kp_field_error(req, "gateway", "is not a payment gateway kapka knows (manual)");
	if (kp_body_check(req) != 0 || load_fee(req, &f, &app, false) != 0)
		return;
	if (app.user_id != req->auth.user_id) {
		kp_reply_error(req, 403, "forbidden", "only the applicant pays a fee");
		return;
	}
	const char *reference = NULL, *why = NULL;
	if (g->charge(req, &f, given, &reference, &why) != 0) {
		kp_reply_error(req, 422, "payment_refused", "%s", why);
		return;
	}
	struct fee_signer ctx = {kp_api_app(req)->keys, kp_api_app(req)->cfg->authority_code};
	kp_sw_fee_signer_t signer = {&ctx, sign_fee};
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_sw_fee_pay(kp_api_db(req), &req->arena, &who, f.id, g->name, reference, kp_window_now(), &signer);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "not_due", "fee %lld is %s, not due", (long long)f.id, f.status);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "fee");
		return;
	}
	kp_store_sw_fee_get(kp_api_db(req), &req->arena, f.id, &f);
	kp_reply_json(req, 200, kp_window_fee_json(req, &f));
}

static const kp_pdf_label_t L_NO = {"Квитанция номери", "Номер квитанции", "Receipt number"};
static const kp_pdf_label_t L_APP = {"Арыз", "Заявление", "Application"};
static const kp_pdf_label_t L_STEP = {"Кадам", "Этап", "Step"};
static const kp_pdf_label_t L_COLL = {"Алуучу мекеме", "Получатель", "Collected by"};
static const kp_pdf_label_t L_SUM = {"Сумма, сом", "Сумма, сом", "Amount, som"};
static const kp_pdf_label_t L_PAID = {"Төлөнгөн", "Оплачено", "Paid"};

void kp_api_sw_fee_receipt(kp_req_t *req)
{
	kp_sw_fee_t f;
	kp_sw_app_t app;
	kp_agency_t ag;
	if (load_fee(req, &f, &app, true) != 0)
		return;
	if (strcmp(f.status, "paid") != 0 || f.credential == NULL) {
		kp_reply_error(req, 409, "not_paid", "fee %lld is %s: a receipt exists once it is paid", (long long)f.id,
		               f.status);
		return;
	}
	if (kp_store_agency_by_code(kp_api_db(req), &req->arena, f.collector, &ag) != KP_DB_OK)
		ag.name = ag.name_ru = ag.name_ky = f.collector;
	ag.name_ru = ag.name_ru ? ag.name_ru : ag.name;
	ag.name_ky = ag.name_ky ? ag.name_ky : ag.name;
	const char *no = kp_window_receipt_number(&req->arena, kp_api_app(req)->cfg->authority_code, f.id);
	char paid[32];
	kp_iso8601(f.paid_at, paid, sizeof(paid));
	unsigned char *out = NULL;
	size_t len = 0;
	const kp_receipt_row_t rows[] =
	    {{&L_NO, no},
	     {&L_APP, kp_arena_printf(&req->arena, "%lld (%s)", (long long)app.id, app.procedure)},
	     {&L_STEP, f.step_code},
	     {&L_COLL, kp_arena_printf(&req->arena, "%s / %s / %s", ag.name_ky, ag.name_ru, ag.name)},
	     {&L_SUM, kp_arena_printf(&req->arena, "%lld", (long long)f.amount_som)},
	     {&L_PAID,
	      kp_arena_printf(&req->arena, "%s, %s %s", paid, f.gateway ? f.gateway : "", f.reference ? f.reference : "")}};
	if (kp_receipt_pdf("Жыйым төлөнгөнү тууралуу квитанция\nКвитанция об оплате сбора\nFee receipt", no, rows,
	                   KP_ARRAY_LEN(rows), f.credential, &out, &len) != 0) {
		kp_reply_error(req, 500, "internal", "the receipt could not be made");
		return;
	}
	kp_api_reply_pdf(req, out, len, no);
}
