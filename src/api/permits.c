/* permits.c: reading permits and their QR code, border activities, returning and
 * revoking (the printable PDF: permit_pdf.c). */
#include "api/api.h"
#include "api/history.h"
#include "api/paging.h"
#include "api/transparency.h"
#include "core/util.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "domain/schedule.h"
#include "store/permits.h"

#include <stdlib.h>
#include <string.h>

void kp_api_permit_list(kp_req_t *req)
{
	kp_permit_filter_t f = {0};
	long long year;
	kp_page_t page;
	if (kp_req_query_int(req, "year", 2000, 2200, 0, &year) != 0 || kp_api_page_read(req, 1000, 100, &page) != 0)
		return;
	f.year = (int)year;
	f.status = kp_req_query(req, "status");
	f.verifier = kp_req_query(req, "partner");
	if (f.status && kp_permit_status_parse(f.status) < 0) {
		kp_reply_error(req, 400, "bad_query", "status must be issued, used, revoked or returned");
		return;
	}
	if (f.verifier && kp_check_authority_code(f.verifier)) {
		kp_reply_error(req, 400, "bad_query", "partner must be an authority code like UZ or TRACECA");
		return;
	}
	const char *plate = kp_req_query(req, "plate");
	char norm[16];
	if (plate) {
		if (kp_plate_normalise(plate, norm, sizeof(norm))) {
			kp_reply_error(req, 400, "bad_query", "plate must have 4 to 12 latin letters and digits");
			return;
		}
		f.plate = norm;
	}
	if (req->auth.role == KP_ROLE_CARRIER)
		f.org_id = req->auth.org_id;
	kp_permit_t *p;
	int n;
	int64_t total;
	int rc = kp_store_permit_page(kp_api_db(req), &req->arena, &f, &page, &p, &n, &total);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "permits");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, kp_api_permit_json(req, &p[i]));
	kp_api_page_reply(req, items, total, &page);
}

/* The permit in the path, when it exists and the user may see it; answers otherwise. */
static int load_permit(kp_req_t *req, kp_permit_t *p)
{
	const char *id = kp_req_param(req, "id");
	kp_permit_id_t pid;
	int rc = kp_permit_id_parse(id, &pid) != 0 ? KP_DB_NOTFOUND : kp_store_permit_get(kp_api_db(req), &req->arena, id, p);
	if (rc == KP_DB_OK && !kp_api_may_see_org(req, p->org_id))
		rc = KP_DB_NOTFOUND;
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "permit");
		return -1;
	}
	return 0;
}

void kp_api_permit_get(kp_req_t *req)
{
	kp_permit_t p;
	if (load_permit(req, &p) != 0)
		return;
	json_t *o = kp_api_permit_json(req, &p);
	kp_api_tlog_attach(req, o, p.id); /* its leaf and offline proof (docs/transparency.md) */
	kp_reply_json(req, 200, o);
}

void kp_api_permit_qr(kp_req_t *req)
{
	kp_permit_t p;
	if (load_permit(req, &p) != 0 || kp_api_qr_format(req) == NULL)
		return;
	if (p.credential == NULL) {
		kp_reply_error(req, 404, "not_found", "this permit has no credential issued here");
		return;
	}
	if (kp_permit_void(p.status, p.used_up, p.expires_at, kp_now())) { /* no live code for a void permit */
		kp_reply_error(req, 410, "permit_void", "permit %s is no longer valid (%s); its PDF says VOID", p.id,
		               p.used_up ? "used up" : p.status);
		return;
	}
	kp_api_reply_qr(req, p.credential, p.id);
}

static json_t *activity_json(const kp_activity_row_t *a)
{
	char at[32];
	kp_iso8601(a->at, at, sizeof(at));
	return json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?}", "id", (json_int_t)a->id, "activity_type", a->type, "country",
	                 a->country, "at", at, "checkpoint", a->checkpoint, "details", a->details);
}

void kp_api_permit_activities(kp_req_t *req)
{
	kp_permit_t p;
	if (load_permit(req, &p) != 0)
		return;
	kp_activity_row_t *rows;
	int n;
	int rc = kp_store_permit_activities(kp_api_db(req), &req->arena, p.id, &rows, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "activities");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, activity_json(&rows[i]));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* "2026-05-01T10:00:00Z" → epoch seconds; -1 when malformed. */
/* The protocol's form only: "2026-05-01T10:00:00Z". */
static int64_t parse_instant(const char *s)
{
	int64_t t;
	if (s == NULL || strlen(s) != 20 || s[19] != 'Z' || kp_parse_instant(s, 0, &t) != 0)
		return -1;
	return t;
}

/* The activity's fields from the body into *act; problems are noted on req. */
static void read_activity(kp_req_t *req, kp_activity_row_t *act)
{
	act->type = kp_body_str(req, "activity_type", 10, true);
	if (act->type && strcmp(act->type, "ENTRANCE") && strcmp(act->type, "EXIT"))
		kp_field_error(req, "activity_type", "must be ENTRANCE or EXIT");
	act->country = kp_body_str_checked(req, "country", 2, false, kp_check_country);
	act->checkpoint = kp_body_str(req, "checkpoint", 80, false);
	act->details = kp_body_str(req, "details", 500, false);
	const char *at = kp_body_str(req, "at", 20, false);
	act->at = at ? parse_instant(at) : kp_now();
	if (act->at < 0)
		kp_field_problem(req, "at", "time", NULL, "must be a UTC time like 2026-05-01T10:00:00Z");
	else if (kp_instant_in_future(act->at, kp_now()))
		kp_field_error(req, "at", "must not be in the future");
}

/* Whether permit p opens the border act->country names (the verifier's when none; for an
 * organisation's permit a member's on that day, or home) at act->at; answers and returns -1
 * when not. */
static int check_crossing(kp_req_t *req, const kp_permit_t *p, kp_activity_row_t *act)
{
	int offset = (int)kp_api_app(req)->cfg->utc_offset_minutes;
	bool member = false;
	if (strlen(p->verifier) > 2) { /* an organisation's permit: controlled at each member's border, and home */
		if (act->country == NULL) {
			kp_field_problem(req, "country", "country_crossed", NULL, "is required for a multilateral permit: whose border was crossed");
			kp_body_check(req);
			return -1;
		}
		if (kp_store_authority_is_member(kp_api_db(req), &req->arena, p->verifier, act->country,
		                                 kp_local_day(act->at, offset), &member) != KP_DB_OK) {
			kp_reply_db_error(req, KP_DB_ERR, "authority");
			return -1;
		}
		member |= strcmp(act->country, p->issuer) == 0;
	}
	if (act->country == NULL)
		act->country = p->verifier; /* the protocol's activities are the verifier's border */
	if (!member && strcmp(act->country, p->verifier) != 0) {
		kp_reply_error(req, 422, "NOT_FOR_THIS_COUNTRY", "permit %s opens the border of %s, not %s", p->id,
		               p->verifier, act->country); /* for an organisation: not a member on that day */
		return -1;
	}
	if (act->at < kp_permit_valid_from(p->year, offset)) {
		kp_reply_error(req, 422, "NOT_YET_VALID", "permit %s is for %d, which had not begun at that crossing", p->id,
		               p->year);
		return -1;
	}
	if (p->expires_at < act->at) {
		kp_reply_error(req, 422, "PERMIT_EXPIRED", "permit %s expired before that crossing", p->id);
		return -1;
	}
	return 0;
}

void kp_api_permit_activity_add(kp_req_t *req)
{
	kp_activity_row_t act = {0};
	read_activity(req, &act);
	if (kp_body_check(req) != 0)
		return;
	kp_permit_t p;
	if (load_permit(req, &p) != 0 || check_crossing(req, &p, &act) != 0)
		return;
	act.permit_id = p.id;
	const char *why = NULL;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_permit_activity_add(kp_api_db(req), &req->arena, &who, &act, &why);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 422, why, "the %s cannot be recorded on permit %s (%s)", act.type, p.id, why);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "activity");
		return;
	}
	kp_reply_json(req, 201, activity_json(&act));
}

static void withdraw(kp_req_t *req, const char *status, const char *reason)
{
	kp_permit_t p;
	if (load_permit(req, &p) != 0)
		return;
	const char *why = NULL;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_permit_withdraw(kp_api_db(req), &req->arena, &who, p.id, status, reason, &why);
	if (rc == KP_DB_CONFLICT) {
		if (strcmp(why, "PERMIT_USED") == 0)
			kp_reply_error(req, 422, "PERMIT_USED", "permit %s has been used at a border and cannot be %s", p.id, status);
		else if (strcmp(why, "revoked") == 0) /* the protocol's code (R/services/PermitService.revokePermit) */
			kp_reply_error(req, 422, "PERMIT_ALREADY_REVOKED", "permit %s is already revoked", p.id);
		else
			kp_reply_error(req, 409, "not_unused", "permit %s is already %s", p.id, why);
		return;
	}
	if (rc == KP_DB_OK)
		rc = kp_store_permit_get(kp_api_db(req), &req->arena, p.id, &p);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "permit");
		return;
	}
	kp_reply_json(req, 200, kp_api_permit_json(req, &p));
}

void kp_api_permit_return(kp_req_t *req)
{
	const char *reason = kp_body_str(req, "reason", 500, false);
	if (kp_body_check(req) != 0)
		return;
	withdraw(req, "returned", reason ? reason : "returned unused by the carrier");
}

void kp_api_permit_revoke(kp_req_t *req)
{
	const char *reason = kp_body_str(req, "reason", 500, true);
	if (kp_body_check(req) != 0)
		return;
	withdraw(req, "revoked", reason);
}

void kp_api_permit_history(kp_req_t *req)
{
	kp_permit_t p;
	if (load_permit(req, &p) == 0)
		kp_api_history_reply(req, "permit", p.id);
}
