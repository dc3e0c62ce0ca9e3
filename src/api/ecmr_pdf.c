/* ecmr_pdf.c: the consignment note printed in the CMR layout: its boxes, numbered as in the
 * convention, labelled in Kyrgyz, Russian and English plus the language of the destination
 * where kapka knows it (Kazakh, Uzbek, Tajik, Turkish, German), the seal history and the
 * signed QR that `kapka ecmr-verify` checks offline. */
#include "api/ecmr.h"
#include "core/util.h"
#include "doc/pdf.h"
#include "doc/qr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BOX_SENDER, BOX_CONSIGNEE, BOX_DELIVERY, BOX_TAKING_OVER, BOX_DOCUMENTS, BOX_GOODS, BOX_INSTRUCTIONS, BOX_PAYMENT,
       BOX_COD, BOX_CARRIER, BOX_SUCCESSIVE, BOX_AGREEMENTS, BOX_VEHICLE, BOX_SEALS, NBOX };

/* Box labels: number, ky, ru, en. */
static const struct {
	const char *num, *ky, *ru, *en;
} boxes[NBOX] = {
    {"1", "Жөнөтүүчү", "Отправитель", "Sender"},
    {"2", "Алуучу", "Получатель", "Consignee"},
    {"3", "Жеткирүү жери", "Место разгрузки", "Place of delivery"},
    {"4", "Жүктү кабыл алуу жери жана күнү", "Место и дата принятия груза", "Place and date of taking over"},
    {"5", "Тиркелген документтер", "Прилагаемые документы", "Documents attached"},
    {"6-12", "Жүк", "Груз", "Goods"},
    {"13", "Жөнөтүүчүнүн көрсөтмөлөрү", "Указания отправителя", "Sender's instructions"},
    {"14", "Төлөм", "Оплата", "Payment"},
    {"15", "Жеткиргенде төлөө", "Наложенный платёж", "Cash on delivery"},
    {"16", "Ташуучу", "Перевозчик", "Carrier"},
    {"17", "Кийинки ташуучулар", "Последующие перевозчики", "Successive carriers"},
    {"19", "Өзгөчө макулдашуулар", "Особые согласованные условия", "Special agreements"},
    {"", "Транспорт каражаты", "Транспортное средство", "Vehicle"},
    {"", "Электрондук мөөрлөр", "Электронные печати", "Electronic seals"},
};

/* The destination's language, by country: its code and the box labels in it. */
static const struct {
	const char *country, *lang;
	const char *label[NBOX];
} dest_langs[] = {
    {"KZ", "kk", {"Жөнелтуші", "Алушы", "Жеткізу орны", "Жүкті қабылдау орны мен күні", "Қоса берілген құжаттар", "Жүк",
                  "Жөнелтушінің нұсқаулары", "Төлем", "Жеткізгенде төлеу", "Тасымалдаушы", "Кейінгі тасымалдаушылар",
                  "Ерекше келісімдер", "Көлік құралы", "Электрондық мөрлер"}},
    {"UZ", "uz", {"Joʻnatuvchi", "Qabul qiluvchi", "Yetkazib berish joyi", "Yukni qabul qilish joyi va sanasi",
                  "Ilova qilingan hujjatlar", "Yuk", "Joʻnatuvchining koʻrsatmalari", "Toʻlov", "Yetkazishda toʻlov",
                  "Tashuvchi", "Keyingi tashuvchilar", "Maxsus kelishuvlar", "Transport vositasi", "Elektron muhrlar"}},
    {"TJ", "tg", {"Фиристанда", "Гиранда", "Ҷойи супоридан", "Ҷой ва санаи қабули бор", "Ҳуҷҷатҳои замима", "Бор",
                  "Дастурҳои фиристанда", "Пардохт", "Пардохт ҳангоми супоридан", "Интиқолдиҳанда",
                  "Интиқолдиҳандагони минбаъда", "Созишҳои махсус", "Воситаи нақлиёт", "Мӯҳрҳои электронӣ"}},
    {"TR", "tr", {"Gönderici", "Alıcı", "Teslim yeri", "Yükün teslim alındığı yer ve tarih", "Ekli belgeler", "Eşya",
                  "Göndericinin talimatı", "Ödeme", "Ödemeli", "Taşıyıcı", "Sonraki taşıyıcılar", "Özel anlaşmalar",
                  "Araç", "Elektronik mühürler"}},
    {"DE", "de", {"Absender", "Empfänger", "Auslieferungsort", "Ort und Tag der Übernahme", "Beigefügte Dokumente",
                  "Güter", "Anweisungen des Absenders", "Frachtzahlung", "Nachnahme", "Frachtführer",
                  "Nachfolgende Frachtführer", "Besondere Vereinbarungen", "Fahrzeug", "Elektronische Siegel"}},
};

/* label.en carries the English and, when known, the destination's label beside it. */
static int row(kp_pdf_t *pdf, kp_arena_t *a, int box, int dest, const char *value)
{
	const char *en = boxes[box].en;
	if (dest >= 0)
		en = kp_arena_printf(a, "%s · %s", boxes[box].en, dest_langs[dest].label[box]);
	const char *ky = boxes[box].num[0] ? kp_arena_printf(a, "%s. %s", boxes[box].num, boxes[box].ky) : boxes[box].ky;
	kp_pdf_label_t l = {ky, boxes[box].ru, en};
	return kp_pdf_row(pdf, &l, value ? value : "");
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static const char *party_text(kp_arena_t *a, json_t *p)
{
	json_t *ad = json_object_get(p, "address");
	return kp_arena_printf(a, "%s\n%s%s%s %s %s", str(p, "name"), str(ad, "street"), *str(ad, "street") ? ", " : "",
	                       str(ad, "postcode"), str(ad, "city"), str(ad, "country"));
}

static const char *place_text(kp_arena_t *a, json_t *loc)
{
	return kp_arena_printf(a, "%s %s", str(loc, "city"), str(loc, "country"));
}

static const char *goods_text(kp_arena_t *a, json_t *goods)
{
	const char *out = "";
	size_t i;
	json_t *g;
	json_array_foreach(goods, i, g) {
		json_t *dg = json_object_get(g, "dangerous_goods"), *vol = json_object_get(g, "volume_m3");
		out = kp_arena_printf(a, "%s%s%s%s%lld × %s — %s%s%s; %.10g kg%s%s", out, i ? "\n" : "", str(g, "marks"),
		                      *str(g, "marks") ? ": " : "", (long long)json_integer_value(json_object_get(g, "packages")),
		                      str(g, "packaging"), str(g, "nature"), *str(g, "hs_code") ? ", HS " : "", str(g, "hs_code"),
		                      json_number_value(json_object_get(g, "gross_weight_kg")),
		                      vol ? kp_arena_printf(a, "; %.10g m³", json_number_value(vol)) : "",
		                      dg ? kp_arena_printf(a, "; %s, class %s", str(dg, "un_number"), str(dg, "class")) : "");
	}
	return out;
}

static const char *seals_text(kp_req_t *req, const kp_ecmr_t *e)
{
	kp_ecmr_seal_t *s;
	int n;
	const char *out = "";
	if (kp_store_ecmr_seals(kp_api_db(req), &req->arena, e->id, &s, &n) != KP_DB_OK)
		return out;
	for (int i = 0; i < n; i++) {
		char at[32];
		kp_iso8601(s[i].at, at, sizeof(at));
		out = kp_arena_printf(&req->arena, "%s%s%d. %s — %s (%s), %s%s, %.12s…", out, i ? "\n" : "", s[i].seq, s[i].act,
		                      s[i].party_name, s[i].role, at, !strcmp(s[i].custody, "kapka") ? ", key held by kapka" : "",
		                      s[i].digest);
		if (s[i].reservations)
			out = kp_arena_printf(&req->arena, "%s\n   %s", out, s[i].reservations);
	}
	return n ? out : "—";
}

static int render(kp_req_t *req, const kp_ecmr_t *e, unsigned char **out, size_t *len)
{
	kp_arena_t *a = &req->arena;
	json_t *doc = json_loads(e->document, 0, NULL);
	int dest = -1;
	for (size_t i = 0; e->destination_country && i < KP_ARRAY_LEN(dest_langs); i++)
		if (!strcmp(dest_langs[i].country, e->destination_country))
			dest = (int)i;
	kp_pdf_t *pdf = NULL;
	char *qrtext = kp_ecmr_qr_text(req, e);
	kp_qr_t qr;
	bool have_qr = qrtext && kp_qr_encode(qrtext, strlen(qrtext), KP_QR_ECC_DEFAULT, &qr) == 0;
	free(qrtext);
	int rc = kp_pdf_new(NULL, &pdf);
	if (rc == 0)
		rc = kp_pdf_title(pdf,
		                  "CMR · Эл аралык товардык-транспорттук жүк кагаз\nМеждународная товарно-транспортная накладная\n"
		                  "International consignment note",
		                  kp_arena_printf(a, "%s · %s · e-CMR (UN/CEFACT, eFTI)", e->ref, e->status));
	json_t *cod = json_object_get(doc, "cash_on_delivery");
	json_t *t = json_object_get(doc, "transport");
	json_t *to = json_object_get(doc, "taking_over");
	json_t *docs = json_object_get(doc, "documents_attached"), *succ = json_object_get(doc, "successive_carriers");
	const char *docs_text = "", *succ_text = "";
	size_t i;
	json_t *x;
	json_array_foreach(docs, i, x) docs_text = kp_arena_printf(a, "%s%s%s %s", docs_text, i ? "; " : "", str(x, "type"), str(x, "id"));
	json_array_foreach(succ, i, x) succ_text = kp_arena_printf(a, "%s%s%s", succ_text, i ? "\n" : "", party_text(a, x));
	const char *values[NBOX] = {
	    party_text(a, json_object_get(doc, "consignor")),
	    party_text(a, json_object_get(doc, "consignee")),
	    place_text(a, json_object_get(json_object_get(doc, "delivery"), "location")),
	    kp_arena_printf(a, "%s, %s", place_text(a, json_object_get(to, "location")), str(to, "date")),
	    docs_text,
	    goods_text(a, json_object_get(doc, "goods")),
	    str(doc, "sender_instructions"),
	    kp_arena_printf(a, "%s %s", str(doc, "payment_terms"), str(doc, "charges")),
	    cod ? kp_arena_printf(a, "%.2f %s", json_number_value(json_object_get(cod, "amount")), str(cod, "currency")) : "",
	    party_text(a, json_object_get(doc, "carrier")),
	    succ_text,
	    str(doc, "special_agreements"),
	    kp_arena_printf(a, "%s (%s)%s%s", str(t, "plate"), str(t, "plate_country"), *str(t, "trailer_plate") ? ", " : "",
	                    str(t, "trailer_plate")),
	    seals_text(req, e),
	};
	for (int b = 0; rc == 0 && b < NBOX; b++) {
		rc = row(pdf, a, b, dest, values[b]);
		if (rc == KP_PDF_EFULL)
			rc = kp_pdf_page(pdf) == 0 ? row(pdf, a, b, dest, values[b]) : -1;
	}
	if (rc == 0 && have_qr) {
		rc = kp_pdf_qr(pdf, &qr, 0, kp_arena_printf(a, "%s · doc %.16s…", e->ref, e->doc_digest));
		if (rc == KP_PDF_EFULL)
			rc = kp_pdf_page(pdf) == 0 ? kp_pdf_qr(pdf, &qr, 0, e->ref) : -1;
	}
	if (rc == 0)
		rc = kp_pdf_finish(pdf, out, len);
	if (have_qr)
		kp_qr_cleanup(&qr);
	kp_pdf_free(pdf);
	json_decref(doc);
	return rc;
}

void kp_api_ecmr_pdf(kp_req_t *req)
{
	kp_ecmr_t e;
	if (kp_ecmr_load(req, &e) != 0)
		return;
	unsigned char *pdf = NULL;
	size_t len = 0;
	if (render(req, &e, &pdf, &len) != 0) {
		kp_reply_error(req, 500, "internal", "the PDF could not be made");
		return;
	}
	kp_api_reply_pdf(req, pdf, len, e.ref);
}
