/* permit_issue.c: POST /api/v1/permits: the ministry issues a freight permit itself, for
 * a paper permit made digital or a carrier without an account, with the trailer, the
 * trip's countries, an explicit expiry and other claims (the reference's CreatePermitInput). */
#include "api/api.h"
#include "api/transparency.h"
#include "api/permit_input.h"
#include "app/keyring.h"
#include "core/util.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "store/permits.h"

#include <string.h>

/* expires_at: the permit's last day, YYYY-MM-DD (valid to its end at our offset); 0 when absent. */
static int64_t read_expiry(kp_req_t *req, int year, int offset)
{
	const char *s = kp_body_str(req, "expires_at", 10, false);
	int64_t day;
	if (s == NULL)
		return 0;
	if (kp_date_parse_iso(s, &day) != 0) {
		kp_field_problem(req, "expires_at", "date", NULL, "must be a date like 2027-01-31");
		return 0;
	}
	const char *code = NULL;
	const char *why = year ? kp_permit_expiry_check(year, day, kp_local_day(kp_now(), offset), &code) : NULL;
	if (why) {
		kp_field_problem(req, "expires_at", code, NULL, why);
		return 0;
	}
	return kp_local_day_end(day, offset);
}

/* The carrier: an organisation with an account (organisation_id), whose name and INN are
 * used unless given, or only a name and a company id. */
static void read_company(kp_req_t *req, kp_permit_t *p)
{
	long long org = 0;
	kp_body_int(req, "organisation_id", 1, INT64_MAX, false, &org);
	p->company_name = kp_body_str(req, "company_name", 500, org == 0);
	p->company_id = kp_body_str(req, "company_id", 255, org == 0);
	if (org == 0)
		return;
	kp_org_t o;
	int rc = kp_store_org_get(kp_api_db(req), &req->arena, org, &o);
	if (rc != KP_DB_OK || strcmp(o.kind, "carrier") != 0) {
		kp_field_problem(req, "organisation_id", "not_carrier", NULL, "is not a registered carrier");
		return;
	}
	p->org_id = o.id;
	if (p->company_name == NULL)
		p->company_name = o.name;
	if (p->company_id == NULL)
		p->company_id = o.inn ? o.inn : "";
}

void kp_api_permit_issue(kp_req_t *req)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	kp_permit_t p;
	memset(&p, 0, sizeof(p));
	p.verifier = kp_body_str_checked(req, "partner", KP_AUTHORITY_CODE_MAX, true, kp_check_authority_code);
	p.type = kp_api_read_permit_type(req);
	long long year = kp_api_permit_year_now(cfg);
	kp_body_int(req, "year", 2000, 2200, false, &year);
	p.year = (int)year;
	const char *plate = kp_body_str(req, "plate", 20, true);
	char norm[16];
	const char *why = plate ? kp_plate_normalise(plate, norm, sizeof(norm)) : NULL;
	if (why)
		kp_field_error(req, "plate", why);
	else if (plate)
		p.plate = kp_arena_strdup(&req->arena, norm);
	read_company(req, &p);
	kp_permit_trip_in_t trip;
	kp_api_read_permit_trip(req, p.type, cfg->authority_code, p.verifier, &trip);
	p.departure_country = trip.departure_country;
	p.arrival_country = trip.arrival_country;
	p.trailer_plate = trip.trailer_plate;
	p.other_claims = trip.other_claims;
	p.expires_at = read_expiry(req, p.year, (int)cfg->utc_offset_minutes);
	if (kp_body_check(req) != 0)
		return;
	kp_authority_t au;
	int rc = kp_store_authority_get(kp_api_db(req), &req->arena, p.verifier, &au);
	if (rc == KP_DB_NOTFOUND || strcmp(p.verifier, cfg->authority_code) == 0) {
		kp_reply_error(req, 422, "AUTHORITY_NOT_FOUND", "%s is not a partner authority", p.verifier);
		return;
	}
	kp_signer_t signer = kp_keyring_permit_signer(kp_api_app(req)->keys);
	kp_direct_issue_t rq = {cfg->authority_code, (int)cfg->utc_offset_minutes, &signer, &p};
	kp_actor_t who = kp_api_actor(req);
	rc = kp_store_permit_issue_direct(kp_api_db(req), &req->arena, &who, &rq, &why);
	if (rc == KP_DB_CONFLICT) {
		static const struct {
			const char *code, *message;
		} refusals[] = {
		    {"INSUFFICIENT_PERMIT_QUOTA", "no permits of this type and year are left in the quota for this partner"},
		    {"PERMIT_YEAR_OVER", "permits of this year have expired; give expires_at to issue one"},
		    {"TYPE_NOT_FOR_PARTNER",
		     "a multilateral permit is issued for its organisation (TRACECA), other types for a country"},
		    {"NOT_A_MEMBER", "this country takes no part in the organisation's permit system"},
		};
		for (size_t i = 0; i < KP_ARRAY_LEN(refusals); i++)
			if (strcmp(why, refusals[i].code) == 0)
				kp_reply_error(req, 422, why, "%s", refusals[i].message);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "permit");
		return;
	}
	kp_reply_header(req, "Location", kp_arena_printf(&req->arena, "/api/v1/permits/%s", p.id));
	json_t *o = kp_api_permit_json(req, &p);
	kp_api_tlog_attach(req, o, p.id); /* its issue leaf, for the carrier to keep the proof */
	kp_reply_json(req, 201, o);
}
