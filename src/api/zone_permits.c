/* zone_permits.c: border-zone permit applications after applying: reading them, the
 * record of payment (no payment gateway), the one extension, cancelling, and each
 * person's permit with its QR, its printable PDF (a page per post on the route), its
 * checks at posts and revocation by the ministry. */
#include "api/history.h"
#include "api/paging.h"
#include "api/travel.h"
#include "domain/zone.h"
#include "core/util.h"
#include "doc/pdf.h"
#include "doc/qr.h"
#include "domain/account.h"
#include "domain/dates.h"

#include <string.h>

#define STAFF_ROLES (KP_ROLE_OFFICER | KP_ROLE_MINISTRY | KP_ROLE_AUDITOR | KP_ROLE_ADMIN)

void kp_api_zone_app_list(kp_req_t *req)
{
	kp_page_t page;
	if (kp_api_page_read(req, 1000, 100, &page) != 0)
		return;
	int64_t user = req->auth.role == KP_ROLE_TRAVELLER ? req->auth.user_id : 0;
	kp_zone_app_t *apps;
	int n;
	int64_t total;
	int rc = kp_store_zone_app_list(kp_api_db(req), &req->arena, user, &page, &apps, &n, &total);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "zone permit applications");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		kp_zone_app_t x;
		kp_zone_permit_t *ps;
		int np = 0;
		if (kp_store_zone_app_get(kp_api_db(req), &req->arena, apps[i].id, &x, &ps, &np) == KP_DB_OK)
			json_array_append_new(items, kp_travel_app_json(req, &x, ps, np));
	}
	kp_api_page_reply(req, items, total, &page);
}

/* The application in the path when the user may see it; answers otherwise. */
static int load_app(kp_req_t *req, kp_zone_app_t *x, kp_zone_permit_t **ps, int *n)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return -1;
	int rc = kp_store_zone_app_get(kp_api_db(req), &req->arena, id, x, ps, n);
	if (rc == KP_DB_OK && !kp_travel_may_see(req, x->user_id))
		rc = KP_DB_NOTFOUND;
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "zone permit application");
		return -1;
	}
	return 0;
}

static void reply_app(kp_req_t *req, int64_t id)
{
	kp_zone_app_t x;
	kp_zone_permit_t *ps;
	int n;
	int rc = kp_store_zone_app_get(kp_api_db(req), &req->arena, id, &x, &ps, &n);
	if (rc != KP_DB_OK)
		kp_reply_db_error(req, rc, "zone permit application");
	else
		kp_reply_json(req, 200, kp_travel_app_json(req, &x, ps, n));
}

void kp_api_zone_app_get(kp_req_t *req)
{
	kp_zone_app_t x;
	kp_zone_permit_t *ps;
	int n;
	if (load_app(req, &x, &ps, &n) == 0)
		kp_reply_json(req, 200, kp_travel_app_json(req, &x, ps, n));
}

void kp_api_zone_pay(kp_req_t *req)
{
	kp_zone_app_t x;
	kp_zone_permit_t *ps;
	int n;
	const char *reference = kp_body_str(req, "reference", 100, true);
	const char *currency = kp_body_str(req, "currency", 3, false);
	if (kp_body_check(req) != 0 || load_app(req, &x, &ps, &n) != 0)
		return;
	kp_zone_payment_t pay = {x.fee_total, "KGS", NULL, reference};
	char amount[40];
	snprintf(amount, sizeof(amount), "%lld.00", (long long)x.fee_total);
	pay.amount = amount;
	if (currency && strcmp(currency, "KGS") != 0) {
		if (kp_travel_convert(req, x.fee_total, currency, amount) == NULL) {
			kp_field_problem(req, "currency", "no_rate", NULL, "has no exchange rate on file; see GET /api/v1/currency-rates");
			kp_body_check(req);
			return;
		}
		pay.currency = currency;
	}
	kp_actor_t who = kp_api_actor(req);
	kp_zone_signer_t signer = kp_travel_zone_signer(req);
	const char *status = NULL;
	int rc = kp_store_zone_pay(kp_api_db(req), &req->arena, &who, x.id, &pay, &signer, &status);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "conflict", "application %lld is %s, not awaiting payment", (long long)x.id,
		               status ? status : "changed");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "payment");
		return;
	}
	reply_app(req, x.id);
}

void kp_api_zone_extend(kp_req_t *req)
{
	kp_zone_app_t x;
	kp_zone_permit_t *ps;
	int n;
	int64_t until = 0;
	kp_travel_date(req, req->json, "valid_until", "valid_until", true, &until);
	if (kp_body_check(req) != 0 || load_app(req, &x, &ps, &n) != 0)
		return;
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	int max = (int)cfg->zone_extension_max_months, ext = 0;
	kp_actor_t who = kp_api_actor(req);
	kp_zone_signer_t signer = kp_travel_zone_signer(req);
	const char *status = NULL;
	int rc = kp_store_zone_extend(kp_api_db(req), &req->arena, &who, x.id, until, kp_travel_today(req), max, &signer,
	                              &ext, &status);
	char end[11], limit[11];
	kp_date_format_iso(x.valid_until, end);
	kp_date_format_iso(kp_zone_validity_end(x.valid_from, max), limit);
	if (rc == KP_DB_CONFLICT && ext == KP_ZONE_EXT_NOT_LATER)
		kp_field_problem(req, "valid_until", "extend_not_later", json_pack("{s:s}", "end", end),
		                 kp_arena_printf(&req->arena, "must be after the current end, %s", end));
	else if (rc == KP_DB_CONFLICT && ext == KP_ZONE_EXT_TOO_LONG)
		kp_field_problem(req, "valid_until", "extend_too_long", json_pack("{s:s, s:i}", "limit", limit, "months", max),
		                 kp_arena_printf(&req->arena, "must be on or before %s: %d months from the first day", limit,
		                                 max));
	if (kp_body_check(req) != 0)
		return;
	if (rc == KP_DB_CONFLICT) {
		if (ext == KP_ZONE_EXT_USED)
			kp_reply_error(req, 409, "conflict", "this permit was already extended once; apply for a new one");
		else if (ext == KP_ZONE_EXT_EXPIRED)
			kp_reply_error(req, 409, "conflict", "the permit expired on %s; an extension cannot start after expiry",
			               end);
		else
			kp_reply_error(req, 409, "conflict", "application %lld is %s: only paid permits are extended",
			               (long long)x.id, status ? status : "changed");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "extension");
		return;
	}
	reply_app(req, x.id);
}

void kp_api_zone_cancel(kp_req_t *req)
{
	kp_zone_app_t x;
	kp_zone_permit_t *ps;
	int n;
	if (load_app(req, &x, &ps, &n) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_zone_cancel(kp_api_db(req), &who, x.id);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "conflict", "application %lld is %s; only one awaiting payment can be cancelled",
		               (long long)x.id, x.status);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "zone permit application");
		return;
	}
	reply_app(req, x.id);
}

/* The permit named in the path (ISSUER-BZ-000042) when the user may see it. */
static int load_permit(kp_req_t *req, kp_zone_permit_t *p, kp_zone_app_t *x)
{
	int64_t id = kp_zone_permit_number_parse(kp_api_app(req)->cfg->authority_code, kp_req_param(req, "id"));
	int rc = id ? kp_store_zone_permit_get(kp_api_db(req), &req->arena, id, p, x) : KP_DB_NOTFOUND;
	if (rc == KP_DB_OK && !kp_travel_may_see(req, x->user_id))
		rc = KP_DB_NOTFOUND;
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "zone permit");
		return -1;
	}
	return 0;
}

void kp_api_zone_permit_get(kp_req_t *req)
{
	kp_zone_permit_t p;
	kp_zone_app_t x;
	if (load_permit(req, &p, &x) == 0)
		kp_reply_json(req, 200, kp_travel_permit_json(req, &x, &p));
}

static int load_active(kp_req_t *req, kp_zone_permit_t *p, kp_zone_app_t *x)
{
	if (load_permit(req, p, x) != 0)
		return -1;
	if (p->credential == NULL || !kp_zone_permit_active(p->status)) {
		kp_reply_error(req, 409, "conflict", "the permit is %s: it has a QR code only once paid and while active",
		               p->status);
		return -1;
	}
	return 0;
}

void kp_api_zone_permit_qr(kp_req_t *req)
{
	kp_zone_permit_t p;
	kp_zone_app_t x;
	if (load_active(req, &p, &x) == 0)
		kp_api_reply_qr(req, p.credential, kp_req_param(req, "id"));
}

void kp_api_zone_permit_revoke(kp_req_t *req)
{
	kp_zone_permit_t p;
	kp_zone_app_t x;
	const char *reason = kp_body_str(req, "reason", 500, true);
	if (kp_body_check(req) != 0 || load_permit(req, &p, &x) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_zone_permit_revoke(kp_api_db(req), &who, p.id, reason);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "conflict", "the permit is %s; only an active one can be revoked", p.status);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "zone permit");
		return;
	}
	kp_store_zone_permit_get(kp_api_db(req), &req->arena, p.id, &p, &x);
	kp_reply_json(req, 200, kp_travel_permit_json(req, &x, &p));
}

void kp_api_zone_permit_checks(kp_req_t *req)
{
	kp_zone_permit_t p;
	kp_zone_app_t x;
	if (load_permit(req, &p, &x) != 0)
		return;
	kp_zone_check_row_t *rows;
	int n;
	int rc = kp_store_zone_checks(kp_api_db(req), &req->arena, p.id, &rows, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "checks");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		char at[32];
		kp_iso8601(rows[i].checked_at, at, sizeof(at));
		json_t *reasons = json_loads(rows[i].reasons, 0, NULL);
		json_array_append_new(items, json_pack("{s:I, s:s, s:s?, s:s?, s:b, s:o, s:s?}", "id", (json_int_t)rows[i].id,
		                                       "checked_at", at, "place", rows[i].place, "officer", rows[i].officer,
		                                       "valid", rows[i].valid, "reasons", reasons ? reasons : json_array(),
		                                       "passport_number", rows[i].passport_number));
	}
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void kp_api_zone_app_history(kp_req_t *req)
{
	kp_zone_app_t x;
	kp_zone_permit_t *ps;
	int n;
	if (load_app(req, &x, &ps, &n) == 0)
		kp_api_history_reply(req, "zone_application", kp_arena_printf(&req->arena, "%lld", (long long)x.id));
}
