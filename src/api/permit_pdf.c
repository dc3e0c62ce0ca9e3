/* permit_pdf.c: GET /api/v1/permits/{id}/pdf: the printable permit in Kyrgyz, Russian and
 * English: names in words (types, countries, statuses from the web UI's catalogues), the
 * issuing authority, the trip, and the QR code; a permit that is no longer valid (revoked,
 * returned, expired, used up) prints VOID instead of a QR code that could still be scanned. */
#include "api/api.h"
#include "api/catalogue.h"
#include "api/transparency.h"
#include "core/util.h"
#include "doc/pdf.h"
#include "doc/qr.h"
#include "domain/dates.h"
#include "domain/permit.h"
#include "store/permits.h"
#include "store/tlog_log.h"

#include <ctype.h>
#include <jansson.h>
#include <string.h>

static const kp_pdf_label_t L_ID = {"Уруксат номери", "Номер разрешения", "Permit number"};
static const kp_pdf_label_t L_TYPE = {"Уруксат түрү", "Вид разрешения", "Permit type"};
static const kp_pdf_label_t L_VERIFIER = {"Жарактуу өлкө", "Страна действия", "Valid for country"};
static const kp_pdf_label_t L_TRIP = {"Сапар", "Поездка", "Trip"};
static const kp_pdf_label_t L_JOURNEY = {"Маршрут, жөнөө күнү, жүк", "Маршрут, дата выезда, груз",
                                         "Route, departure, cargo"};
static const kp_pdf_label_t L_CARRIER = {"Ташуучу (ИСН)", "Перевозчик (ИНН)", "Carrier (tax id)"};
static const kp_pdf_label_t L_PLATES = {"Унаа / чиркегич", "ТС / прицеп", "Vehicle / trailer plate"};
static const kp_pdf_label_t L_VALIDITY = {"Берилген – жарактуу", "Выдано – действует до", "Issued – valid until"};
static const kp_pdf_label_t L_STATUS = {"Абалы", "Статус", "Status"};
/* The offline proof's QR code: smaller than the credential's, so the permit stays one page. */
#define TLOG_QR_MM KP_PDF_QR_MIN_MM
static const kp_pdf_label_t L_TLOG = {"Ачык журналдагы жазуу", "Запись в публичном журнале", "Public log entry"};

static const char *lower(kp_arena_t *a, const char *prefix, const char *s)
{
	char *out = kp_arena_printf(a, "%s%s", prefix, s ? s : "");
	for (char *c = out + strlen(prefix); *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return out;
}

static const char *country(kp_req_t *req, const char *code)
{
	return kp_catalogue_three(kp_api_app(req)->cfg, &req->arena, lower(&req->arena, "country.", code), code);
}

/* What the document states, in words; void_reason NULL while the permit is valid. */
struct doc {
	const char *type, *authority, *verifier, *trip, *journey, *status;
	char iat[11], exp[11];
	bool void_;
};

static void describe(kp_req_t *req, const kp_permit_t *p, struct doc *d)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	kp_arena_t *a = &req->arena;
	int off = (int)cfg->utc_offset_minutes;
	kp_date_format_dmy(kp_local_day(p->issued_at, off), d->iat);
	kp_date_format_dmy(kp_local_day(p->expires_at, off), d->exp);
	const char *name = kp_permit_type_name(p->type);
	d->type = kp_catalogue_three(cfg, a, lower(a, "permit_type.", name), name);
	d->authority = kp_catalogue_three(cfg, a, lower(a, "pm.authority_", p->issuer), cfg->authority_name);
	d->verifier = country(req, p->verifier);
	if (p->departure_country && p->arrival_country)
		d->trip = kp_arena_printf(a, "%s → %s", country(req, p->departure_country), country(req, p->arrival_country));
	const char *effective = kp_permit_status_shown(p->status, p->expires_at, kp_now());
	d->void_ = kp_permit_void(p->status, p->used_up, p->expires_at, kp_now());
	d->status = kp_catalogue_three(cfg, a, lower(a, "permit_status.", effective), effective);
	if (p->used_up)
		d->status = kp_arena_printf(a, "%s (%s)", d->status, kp_catalogue_three(cfg, a, "reason.used_up", "used up"));
	/* the carrier's trip as it applied: route, departure date, cargo */
	kp_application_t ap;
	if (p->application_id && kp_store_application_get(kp_api_db(req), a, p->application_id, &ap) == KP_DB_OK &&
	    ap.trip) {
		json_t *t = json_loads(ap.trip, 0, NULL);
		const char *parts[3] = {json_string_value(json_object_get(t, "route")), NULL,
		                        json_string_value(json_object_get(t, "cargo"))};
		const char *dep = json_string_value(json_object_get(t, "departure_date"));
		int64_t day;
		char dmy[11];
		if (dep && kp_date_parse_iso(dep, &day) == 0) {
			kp_date_format_dmy(day, dmy);
			parts[1] = dmy;
		}
		for (int i = 0; i < 3; i++)
			if (parts[i] && *parts[i])
				d->journey = d->journey ? kp_arena_printf(a, "%s · %s", d->journey, parts[i])
				                        : kp_arena_strdup(a, parts[i]);
		json_decref(t);
	}
}

/* One row, on the next page when the rest of this one is too short. NULL values are left out. */
static int row(kp_pdf_t *pdf, const kp_pdf_label_t *label, const char *value)
{
	int rc = value ? kp_pdf_row(pdf, label, value) : 0;
	if (rc == KP_PDF_EFULL && (rc = kp_pdf_page(pdf)) == 0)
		rc = kp_pdf_row(pdf, label, value);
	return rc;
}

/* The QR code, or VOID with the reason when the permit is no longer valid. */
static int credential_block(kp_pdf_t *pdf, const kp_permit_t *p, const struct doc *d)
{
	int rc = kp_pdf_space(pdf, 6);
	if (rc == KP_PDF_EFULL)
		rc = kp_pdf_page(pdf);
	if (rc != 0)
		return rc;
	if (d->void_) {
		rc = kp_pdf_text(pdf, "ЖАРАКСЫЗ · НЕДЕЙСТВИТЕЛЬНО · VOID", 24);
		return rc != 0 ? rc
		               : kp_pdf_text(pdf,
		                             "Бул уруксат мындан ары жарактуу эмес. Это разрешение больше не действует. "
		                             "This permit is no longer valid.",
		                             10);
	}
	kp_qr_t qr;
	memset(&qr, 0, sizeof(qr));
	rc = kp_qr_encode(p->credential, strlen(p->credential), KP_QR_ECC_DEFAULT, &qr);
	const char *caption = "QR кодун текшериңиз · Проверьте QR-код · Scan to verify (e-permit, ES256)";
	if (rc == 0 && (rc = kp_pdf_qr(pdf, &qr, KP_PDF_QR_DEFAULT_MM, caption)) == KP_PDF_EFULL &&
	    (rc = kp_pdf_page(pdf)) == 0)
		rc = kp_pdf_qr(pdf, &qr, KP_PDF_QR_DEFAULT_MM, caption);
	kp_qr_cleanup(&qr);
	return rc;
}

/* The permit's leaf in the transparency log and its offline proof as a QR code (C2SP
 * tlog-proof: checkable with the log's key alone, `kapka log check`), when signed. A void
 * permit keeps the row but shows no code at all, so nothing on it can be scanned. */
static int tlog_block(kp_req_t *req, kp_pdf_t *pdf, const kp_permit_t *p, bool void_)
{
	kp_tlog_t *l = kp_api_app(req)->tlog;
	int64_t index;
	char *proof = l ? kp_api_tlog_object_proof(l, kp_api_db(req), p->id, &index) : NULL;
	if (proof == NULL)
		return 0;
	int rc = row(pdf, &L_TLOG, kp_arena_printf(&req->arena, "%lld · %s", (long long)index, kp_tlog_origin(l)));
	kp_qr_t qr;
	memset(&qr, 0, sizeof(qr));
	const char
	    *caption = "Ачык журналдагы далил · Доказательство в публичном журнале · Offline proof (c2sp.org/tlog-proof)";
	if (rc == 0 && !void_ && kp_qr_encode(proof, strlen(proof), KP_QR_ECC_L, &qr) == 0) {
		if ((rc = kp_pdf_qr(pdf, &qr, TLOG_QR_MM, caption)) == KP_PDF_EFULL && (rc = kp_pdf_page(pdf)) == 0)
			rc = kp_pdf_qr(pdf, &qr, TLOG_QR_MM, caption);
		kp_qr_cleanup(&qr);
	}
	free(proof);
	return rc;
}

static int render_pdf(kp_req_t *req, const kp_permit_t *p, unsigned char **out, size_t *len)
{
	struct doc d;
	memset(&d, 0, sizeof(d));
	describe(req, p, &d);
	kp_pdf_t *pdf = NULL;
	int rc = kp_pdf_new(NULL, &pdf);
	if (rc == 0)
		rc = kp_pdf_title(pdf,
		                  "Эл аралык жүк ташуу уруксаты\nРазрешение на международную перевозку грузов\n"
		                  "International road freight permit",
		                  kp_arena_printf(&req->arena, "e-permit %s · %s", p->id,
		                                  d.authority)); /* the issuing authority */
	kp_arena_t *a = &req->arena;
	const struct {
		const kp_pdf_label_t *label;
		const char *value;
	} rows[] = {
	    {&L_ID, p->id},
	    {&L_TYPE, d.type},
	    {&L_VERIFIER, d.verifier},
	    {&L_TRIP, d.trip},
	    {&L_JOURNEY, d.journey},
	    {&L_CARRIER, p->company_id && *p->company_id ? kp_arena_printf(a, "%s (%s)", p->company_name, p->company_id)
	                                                 : p->company_name},
	    {&L_PLATES, p->trailer_plate ? kp_arena_printf(a, "%s / %s", p->plate, p->trailer_plate) : p->plate},
	    {&L_VALIDITY, kp_arena_printf(a, "%s – %s", d.iat, d.exp)},
	    {&L_STATUS, d.status},
	};
	for (size_t i = 0; rc == 0 && i < KP_ARRAY_LEN(rows); i++)
		rc = row(pdf, rows[i].label, rows[i].value);
	if (rc == 0)
		rc = credential_block(pdf, p, &d);
	if (rc == 0)
		rc = tlog_block(req, pdf, p, d.void_);
	if (rc == 0)
		rc = kp_pdf_finish(pdf, out, len);
	kp_pdf_free(pdf);
	return rc;
}

void kp_api_permit_pdf(kp_req_t *req)
{
	kp_permit_t p;
	const char *id = kp_req_param(req, "id");
	kp_permit_id_t pid;
	int rc = kp_permit_id_parse(id, &pid) != 0 ? KP_DB_NOTFOUND
	                                           : kp_store_permit_get(kp_api_db(req), &req->arena, id, &p);
	if (rc == KP_DB_OK && !kp_api_may_see_org(req, p.org_id))
		rc = KP_DB_NOTFOUND;
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "permit");
		return;
	}
	if (p.credential == NULL || p.kid == NULL) { /* signed here: the partner's own document is theirs */
		kp_reply_error(req, 404, "not_found", "this permit was not issued here; ask its issuer for the document");
		return;
	}
	unsigned char *pdf = NULL;
	size_t len = 0;
	if (render_pdf(req, &p, &pdf, &len) != 0) {
		kp_reply_error(req, 500, "internal", "the PDF could not be made");
		return;
	}
	kp_api_reply_pdf(req, pdf, len, p.id);
}
