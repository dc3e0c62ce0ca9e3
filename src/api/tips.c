/* tips.c: vehicles entering the customs union: recording an entry (a temporary import
 * opened, kept or replaced, and the ecotax due), leaving, the list with reminders before
 * expiry, the record of the ecotax payment and its receipt with a signed QR. */
#include "api/paging.h"
#include "api/travel.h"
#include "domain/number.h"
#include "core/util.h"
#include "doc/receipt.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "domain/permit.h"
#include "domain/tip.h"

#include <string.h>

static json_t *tip_json(kp_req_t *req, const kp_tip_t *t)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	int64_t left = kp_tip_days_left(t->expiry_date, kp_travel_today(req));
	bool open = strcmp(t->status, KP_TIP_S_OPEN) == 0;
	json_t *j = json_pack("{s:I, s:s, s:s, s:s?, s:s, s:s?, s:{s:s, s:s}, s:s, s:s, s:o, s:i, s:o, s:s, s:s?}", "id",
	                      (json_int_t)t->id, "plate", t->plate, "plate_country", t->plate_country, "vin", t->vin,
	                      "kind", t->kind, "make_model", t->make_model, "owner", "name", t->owner_name,
	                      "passport_number", t->owner_passport, "entry_checkpoint", t->entry_checkpoint, "entered_from",
	                      t->entered_from, "entry_date", kp_travel_date_json(t->entry_date), "term_months",
	                      t->term_months, "expiry_date", kp_travel_date_json(t->expiry_date), "status", t->status,
	                      "closed_reason", t->closed_reason);
	json_object_set_new(j, "days_left", open ? json_integer(left) : json_null());
	json_object_set_new(j, "reminder_due", json_boolean(open && left <= cfg->tip_reminder_days));
	json_object_set_new(j, "exit",
	                    t->exit_date >= 0 ? json_pack("{s:o, s:s?, s:s?}", "date", kp_travel_date_json(t->exit_date),
	                                                  "checkpoint", t->exit_checkpoint, "to", t->exit_to)
	                                      : json_null());
	json_t *eco = json_pack("{s:I, s:s, s:b}", "amount_som", (json_int_t)t->ecotax_som, "reason", t->ecotax_reason,
	                        "paid", t->ecotax_payment_id != 0);
	if (t->ecotax_payment_id) {
		char at[32], id[KP_NUMBER_MAX];
		kp_iso8601(t->ecotax_paid_at, at, sizeof(at));
		kp_number_format(cfg->authority_code, KP_NUMBER_ECOTAX, t->ecotax_payment_id, id);
		json_object_set_new(eco, "receipt",
		                    json_pack("{s:s, s:s, s:s, s:s?}", "number", id, "paid_at", at, "reference",
		                              t->ecotax_reference, "qr", t->ecotax_credential));
	}
	json_object_set_new(j, "ecotax", eco);
	return j;
}

/* A checkpoint code as the registry will name it: 2..40 letters, digits, '-' (stored as
 * given until the checkpoint registry of the crossings work is on main). */
static const char *check_checkpoint(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 40 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") != n)
		return "must be a checkpoint code: 2 to 40 latin letters, digits and '-'";
	return NULL;
}

/* The body's checkpoint code called name, or NULL with the problem recorded. */
static const char *read_checkpoint(kp_req_t *req, const char *name)
{
	const char *s = kp_body_str(req, name, 40, true), *why = s ? check_checkpoint(s) : NULL;
	if (why)
		kp_field_problem(req, name, "checkpoint_code", NULL, why);
	return why ? NULL : s;
}

void kp_api_tip_enter(kp_req_t *req)
{
	kp_tip_t t = {0};
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	char plate[16];
	const char *p = kp_body_str(req, "plate", 20, true), *why = NULL;
	if (p && (why = kp_plate_normalise(p, plate, sizeof(plate))) != NULL)
		kp_field_error(req, "plate", why);
	t.plate = p && !why ? kp_arena_strdup(&req->arena, plate) : NULL;
	t.plate_country = kp_body_str_checked(req, "plate_country", 2, true, kp_check_country);
	t.vin = kp_body_str_checked(req, "vin", 17, false, kp_check_vin);
	t.kind = kp_body_str_checked(req, "kind", 12, true, kp_check_tip_vehicle_kind);
	t.make_model = kp_body_str(req, "make_model", 80, false);
	t.owner_name = kp_body_str(req, "owner_name", 120, true);
	char pp[32];
	const char *op = kp_body_str(req, "owner_passport", 30, true);
	if (op && (why = kp_zone_passport_normalise(op, pp, 21)) != NULL)
		kp_field_error(req, "owner_passport", why);
	t.owner_passport = op && !why ? kp_arena_strdup(&req->arena, pp) : NULL;
	t.entry_checkpoint = read_checkpoint(req, "entry_checkpoint");
	t.entered_from = kp_body_str_checked(req, "entered_from", 2, true, kp_check_country);
	if (t.entered_from && strcmp(t.entered_from, cfg->authority_code) == 0)
		kp_field_problem(req, "entered_from", "entered_from_self", NULL,
		                 "is the country being entered; give the country the vehicle came from");
	kp_travel_date(req, req->json, "entry_date", "entry_date", true, &t.entry_date);
	long long term = 0;
	if (kp_body_int(req, "term_months", 1, 60, true, &term) &&
	    (why = kp_tip_term_check((int)term, (int)cfg->tip_min_months, (int)cfg->tip_max_months)) != NULL)
		kp_field_problem(req, "term_months", "term_range",
		                 json_pack("{s:i, s:i}", "min", (int)cfg->tip_min_months, "max", (int)cfg->tip_max_months),
		                 why);
	if (t.entry_date > kp_travel_today(req) + 1)
		kp_field_problem(req, "entry_date", "entry_in_future", NULL,
		                 "is in the future; record an entry when it happens");
	if (kp_body_check(req) != 0)
		return;
	if (kp_api_tip_entry_check(req, &t) != 0)
		return;
	t.term_months = (int)term;
	t.expiry_date = kp_tip_expiry(t.entry_date, t.term_months);
	t.user_id = req->auth.user_id;
	t.own_only = req->auth.role == KP_ROLE_TRAVELLER;
	kp_actor_t who = kp_api_actor(req);
	kp_tip_entry_result_t res;
	int rc = kp_store_tip_enter(kp_api_db(req), &req->arena, &who, &t, &res);
	if (rc == KP_DB_FORBIDDEN) {
		/* Says nothing of the other record: its owner, passport and payment stay theirs. */
		kp_field_problem(req, "plate", "tip_held", NULL, "has a temporary import recorded by another account");
		kp_reply_error(req, 409, "TIP_HELD_BY_ANOTHER_ACCOUNT",
		               "this vehicle's temporary import was recorded by another account; an officer at the "
		               "checkpoint records the entry");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "temporary import");
		return;
	}
	json_t *j = json_pack("{s:s, s:o}", "action", res.action, "tip", tip_json(req, &t));
	if (res.replaced_id)
		json_object_set_new(j, "replaced_tip_id", json_integer(res.replaced_id));
	kp_reply_json(req, strcmp(res.action, "kept") == 0 ? 200 : 201, j);
}

void kp_api_tip_list(kp_req_t *req)
{
	long long within;
	kp_page_t page;
	if (kp_api_page_read(req, 1000, 100, &page) != 0 ||
	    kp_req_query_int(req, "expiring_within", 0, 3660, -1, &within) != 0)
		return;
	const char *status = kp_req_query(req, "status");
	if (status && !kp_tip_status_known(status)) {
		kp_reply_error(req, 400, "bad_query", "status must be open or closed");
		return;
	}
	int64_t user = req->auth.role == KP_ROLE_TRAVELLER ? req->auth.user_id : 0;
	int64_t before = within >= 0 ? kp_travel_today(req) + within : 0;
	kp_tip_t *tips;
	int n;
	int64_t total;
	int rc = kp_store_tip_page(kp_api_db(req), &req->arena, user, status, before, &page, &tips, &n, &total);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "temporary imports");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, tip_json(req, &tips[i]));
	kp_api_page_reply(req, items, total, &page);
}

static int load_tip(kp_req_t *req, kp_tip_t *t)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return -1;
	int rc = kp_store_tip_get(kp_api_db(req), &req->arena, id, t);
	if (rc == KP_DB_OK && !kp_travel_may_see(req, t->user_id))
		rc = KP_DB_NOTFOUND;
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "temporary import");
		return -1;
	}
	return 0;
}

void kp_api_tip_get(kp_req_t *req)
{
	kp_tip_t t;
	if (load_tip(req, &t) == 0)
		kp_reply_json(req, 200, tip_json(req, &t));
}

void kp_api_tip_exit(kp_req_t *req)
{
	kp_tip_t t;
	int64_t day = 0;
	kp_travel_date(req, req->json, "exit_date", "exit_date", true, &day);
	const char *cp = read_checkpoint(req, "exit_checkpoint");
	const char *to = kp_body_str_checked(req, "to_country", 2, true, kp_check_country);
	if (kp_body_check(req) != 0 || load_tip(req, &t) != 0)
		return;
	bool ended = false;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_tip_exit(kp_api_db(req), &req->arena, &who, t.id, day, cp, to, &ended);
	if (rc == KP_DB_CONFLICT) {
		if (strcmp(t.status, KP_TIP_S_OPEN) == 0)
			kp_field_problem(req, "exit_date", "exit_before_entry", NULL, "is before the vehicle entered");
		kp_reply_error(req, 409, "conflict", "temporary import %lld is %s or began after that exit date",
		               (long long)t.id, t.status);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "temporary import");
		return;
	}
	kp_store_tip_get(kp_api_db(req), &req->arena, t.id, &t);
	kp_reply_json(req, 200, json_pack("{s:b, s:o}", "ended", ended, "tip", tip_json(req, &t)));
}

void kp_api_ecotax_pay(kp_req_t *req)
{
	kp_tip_t t;
	const char *reference = kp_body_str(req, "reference", 100, true);
	if (kp_body_check(req) != 0 || load_tip(req, &t) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	kp_receipt_signer_t signer = kp_travel_receipt_signer(req);
	int rc = kp_store_ecotax_pay(kp_api_db(req), &req->arena, &who, t.id, reference, &signer);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "conflict", "no ecotax is due on temporary import %lld (%s)", (long long)t.id,
		               t.ecotax_payment_id ? "already paid" : t.ecotax_reason);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "ecotax payment");
		return;
	}
	kp_store_tip_get(kp_api_db(req), &req->arena, t.id, &t);
	kp_reply_json(req, 200, tip_json(req, &t));
}

static const kp_pdf_label_t L_NO = {"Квитанция номери", "Номер квитанции", "Receipt number"};
static const kp_pdf_label_t L_VEH = {"Унаа", "Транспортное средство", "Vehicle"};
static const kp_pdf_label_t L_OWNER = {"Ээси", "Владелец", "Owner"};
static const kp_pdf_label_t L_ENTRY = {"Кирүү", "Въезд", "Entry"};
static const kp_pdf_label_t L_SUM = {"Экосалык, сом", "Экосбор, сом", "Ecotax, som"};
static const kp_pdf_label_t L_PAID = {"Төлөнгөн", "Оплачено", "Paid"};

void kp_api_ecotax_receipt(kp_req_t *req)
{
	kp_tip_t t;
	if (load_tip(req, &t) != 0)
		return;
	if (t.ecotax_payment_id == 0 || t.ecotax_credential == NULL) {
		kp_reply_error(req, 409, "conflict", "no ecotax payment is recorded for temporary import %lld",
		               (long long)t.id);
		return;
	}
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	char no[KP_NUMBER_MAX], entry[11], paid[11];
	kp_number_format(cfg->authority_code, KP_NUMBER_ECOTAX, t.ecotax_payment_id, no);
	kp_date_format_dmy(t.entry_date, entry);
	kp_date_format_dmy(kp_local_day(t.ecotax_paid_at, (int)cfg->utc_offset_minutes), paid);
	unsigned char *out = NULL;
	size_t len = 0;
	const kp_receipt_row_t rows[] = {{&L_NO, no},
	                                 {&L_VEH,
	                                  kp_arena_printf(&req->arena, "%s (%s), %s", t.plate, t.plate_country, t.kind)},
	                                 {&L_OWNER, kp_arena_printf(&req->arena, "%s, %s", t.owner_name, t.owner_passport)},
	                                 {&L_ENTRY, kp_arena_printf(&req->arena, "%s, %s ← %s", entry, t.entry_checkpoint,
	                                                            t.entered_from)},
	                                 {&L_SUM, kp_arena_printf(&req->arena, "%lld", (long long)t.ecotax_som)},
	                                 {&L_PAID, kp_arena_printf(&req->arena, "%s, %s", paid, t.ecotax_reference)}};
	if (kp_receipt_pdf("Экосалык төлөнгөнү тууралуу квитанция\nКвитанция об оплате экосбора\nEcotax receipt", no, rows,
	                   KP_ARRAY_LEN(rows), t.ecotax_credential, &out, &len) != 0) {
		kp_reply_error(req, 500, "internal", "the receipt could not be made");
		return;
	}
	kp_api_reply_pdf(req, out, len, no);
}
