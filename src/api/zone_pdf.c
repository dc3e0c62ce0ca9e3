/* zone_pdf.c: the printable border-zone permit: the original for the traveller, then one
 * copy (a page) for each military post on the route (no route: each post of its zones),
 * each with the signed QR, rows in
 * Kyrgyz, Russian and English. */
#include "api/travel.h"
#include "domain/zone.h"
#include "domain/number.h"
#include "core/log.h"
#include "core/util.h"
#include "doc/pdf.h"
#include "doc/qr.h"
#include "domain/dates.h"

#include <stdlib.h>
#include <string.h>

static const kp_pdf_label_t L_NUMBER = {"Уруксат номери", "Номер разрешения", "Permit number"};
static const kp_pdf_label_t L_NAME = {"Фамилиясы, аты", "Фамилия, имя", "Surname, given names"};
static const kp_pdf_label_t L_NAT = {"Жарандыгы", "Гражданство", "Nationality"};
static const kp_pdf_label_t L_PASSPORT = {"Паспорт номери (мөөнөтү)", "Номер паспорта (срок)", "Passport number (valid until)"};
static const kp_pdf_label_t L_VALID = {"Жарактуулук мөөнөтү", "Срок действия", "Valid"};
static const kp_pdf_label_t L_ZONES = {"Чек ара зоналары", "Пограничные зоны", "Border zones"};
static const kp_pdf_label_t L_ROUTE = {"Каттам", "Маршрут", "Route"};
static const kp_pdf_label_t L_PURPOSE = {"Максаты", "Цель поездки", "Purpose"};

struct refs {
	kp_border_zone_t *zones;
	kp_place_row_t *places;
	int nz, np;
};

static const kp_place_row_t *place(const struct refs *r, const char *code)
{
	for (int i = 0; i < r->np; i++)
		if (strcmp(r->places[i].code, code) == 0)
			return &r->places[i];
	return NULL;
}

/* "2 Issyk-Kul region / Иссык-Кульская область, ..." */
static const char *zones_text(kp_req_t *req, const struct refs *r, json_t *zones)
{
	const char *out = "";
	size_t i;
	json_t *z;
	json_array_foreach(zones, i, z) {
		const char *name = "?";
		for (int k = 0; k < r->nz; k++)
			if (r->zones[k].code == json_integer_value(z))
				name = kp_arena_printf(&req->arena, "%s / %s", r->zones[k].region_ru, r->zones[k].region_en);
		out = kp_arena_printf(&req->arena, "%s%s%lld. %s", out, i ? "; " : "", (long long)json_integer_value(z), name);
	}
	return out;
}

static const char *route_text(kp_req_t *req, const struct refs *r, json_t *route)
{
	const char *out = "";
	size_t i;
	json_t *v;
	json_array_foreach(route, i, v) {
		const kp_place_row_t *p = place(r, json_string_value(v));
		out = kp_arena_printf(&req->arena, "%s%s%s", out, i ? " → " : "", p ? p->name_ru : json_string_value(v));
	}
	return *out ? out : "—";
}

static int page(kp_req_t *req, kp_pdf_t *pdf, const char *copy, const kp_zone_app_t *x, const kp_zone_permit_t *p,
                const struct refs *r, const kp_qr_t *qr)
{
	char num[KP_NUMBER_MAX], pexp[11], vf[11], vu[11];
	kp_number_format(kp_api_app(req)->cfg->authority_code, KP_NUMBER_ZONE, p->id, num);
	kp_date_format_dmy(p->passport_expiry, pexp);
	kp_date_format_dmy(x->valid_from, vf);
	kp_date_format_dmy(x->valid_until, vu);
	json_t *zones = json_loads(x->zones, 0, NULL), *route = json_loads(x->route, 0, NULL);
	int rc = kp_pdf_title(pdf, "Чек ара зонасына кирүүгө уруксат\nРазрешение на въезд в пограничную зону\n"
	                           "Border-zone permit",
	                      kp_arena_printf(&req->arena, "%s · %s\n%s", num, kp_api_app(req)->cfg->authority_name, copy));
	const struct {
		const kp_pdf_label_t *label;
		const char *value;
	} rows[] = {{&L_NUMBER, num},
	            {&L_NAME, kp_arena_printf(&req->arena, "%s, %s", p->surname, p->given_names)},
	            {&L_NAT, p->nationality},
	            {&L_PASSPORT, kp_arena_printf(&req->arena, "%s (%s)", p->passport_number, pexp)},
	            {&L_VALID, kp_arena_printf(&req->arena, "%s – %s", vf, vu)},
	            {&L_ZONES, zones_text(req, r, zones)}, {&L_ROUTE, route_text(req, r, route)},
	            {&L_PURPOSE, x->purpose}};
	json_decref(zones);
	json_decref(route);
	/* a long route or purpose may not fit: the copy goes on over the next page */
	for (size_t i = 0; rc == 0 && i < KP_ARRAY_LEN(rows); i++)
		if ((rc = kp_pdf_row(pdf, rows[i].label, rows[i].value)) == KP_PDF_EFULL && (rc = kp_pdf_page(pdf)) == 0)
			rc = kp_pdf_row(pdf, rows[i].label, rows[i].value);
	if (rc == 0)
		rc = kp_pdf_space(pdf, 4);
	static const char caption[] = "Паспорт менен салыштырыңыз · Сверьте с паспортом · Check against the passport";
	if (rc == 0 && (rc = kp_pdf_qr(pdf, qr, KP_PDF_QR_MIN_MM, caption)) == KP_PDF_EFULL && (rc = kp_pdf_page(pdf)) == 0)
		rc = kp_pdf_qr(pdf, qr, KP_PDF_QR_MIN_MM, caption);
	return rc;
}

static int render(kp_req_t *req, const kp_zone_app_t *x, const kp_zone_permit_t *p, const struct refs *r,
                  unsigned char **out, size_t *len)
{
	kp_pdf_t *pdf = NULL;
	kp_qr_t qr;
	memset(&qr, 0, sizeof(qr));
	int rc = kp_qr_encode(p->credential, strlen(p->credential), KP_QR_ECC_DEFAULT, &qr);
	if (rc == 0)
		rc = kp_pdf_new(NULL, &pdf);
	if (rc == 0)
		rc = page(req, pdf, "Түп нуска · Оригинал · Original: keep it with your passport", x, p, r, &qr);
	/* the posts on the route; without a route, every post of the permit's zones (the
	 * traveller leaves a copy at each post met, and any of them may be met) */
	json_t *route = json_loads(x->route, 0, NULL), *zones = json_loads(x->zones, 0, NULL);
	const kp_place_row_t **posts = kp_arena_zalloc(&req->arena, sizeof(*posts) * (size_t)(r->np + 1));
	int nposts = 0;
	size_t i;
	json_t *v;
	json_array_foreach(route, i, v) {
		const kp_place_row_t *pl = place(r, json_string_value(v));
		if (pl && pl->post && nposts < r->np)
			posts[nposts++] = pl;
	}
	for (int k = 0; json_array_size(route) == 0 && k < r->np; k++)
		json_array_foreach(zones, i, v) if (r->places[k].post && r->places[k].zone == json_integer_value(v))
			posts[nposts++] = &r->places[k];
	for (int k = 0; rc == 0 && k < nposts; k++) {
		const char *copy = kp_arena_printf(&req->arena, "Посттун нускасы · Копия для поста · Copy for the post: %s / %s",
		                                   posts[k]->name_ru, posts[k]->name_en);
		rc = kp_pdf_page(pdf);
		if (rc == 0)
			rc = page(req, pdf, copy, x, p, r, &qr);
	}
	json_decref(route);
	json_decref(zones);
	if (rc == 0)
		rc = kp_pdf_finish(pdf, out, len);
	kp_qr_cleanup(&qr);
	kp_pdf_free(pdf);
	return rc;
}

void kp_api_zone_permit_pdf(kp_req_t *req)
{
	kp_zone_app_t x;
	kp_zone_permit_t p;
	int64_t id = kp_zone_permit_number_parse(kp_api_app(req)->cfg->authority_code, kp_req_param(req, "id"));
	int rc = id ? kp_store_zone_permit_get(kp_api_db(req), &req->arena, id, &p, &x) : KP_DB_NOTFOUND;
	if (rc == KP_DB_OK && !kp_travel_may_see(req, x.user_id))
		rc = KP_DB_NOTFOUND;
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "zone permit");
		return;
	}
	if (p.credential == NULL || !kp_zone_permit_active(p.status)) {
		kp_reply_error(req, 409, "conflict", "the permit is %s: it can be printed once paid and while active", p.status);
		return;
	}
	struct refs r;
	rc = kp_store_zones(kp_api_db(req), &req->arena, &r.zones, &r.nz, &r.places, &r.np);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "border zones");
		return;
	}
	unsigned char *pdf = NULL;
	size_t len = 0;
	if ((rc = render(req, &x, &p, &r, &pdf, &len)) != 0) {
		kp_error("zone permit PDF: kp_pdf status %d", rc);
		kp_reply_error(req, 500, "internal", "the PDF could not be made");
		return;
	}
	kp_api_reply_pdf(req, pdf, len, kp_req_param(req, "id"));
}
