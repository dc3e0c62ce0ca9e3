/* permit_views.c: JSON and CSV shapes shared by the permit resources. */
#include "api/api.h"
#include "api/permit_input.h"
#include "core/util.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "store/permits.h"

#include <stdlib.h>
#include <string.h>

bool kp_api_may_see_org(const kp_req_t *req, int64_t org_id)
{
	if (req->auth.role & (KP_ROLE_OFFICER | KP_ROLE_MINISTRY | KP_ROLE_AUDITOR | KP_ROLE_ADMIN))
		return true;
	return req->auth.org_id != 0 && req->auth.org_id == org_id;
}

void kp_api_permit_trip_json(json_t *j, const char *departure, const char *arrival, const char *trailer,
                             const char *other_claims)
{
	json_object_set_new(j, "departure_country", departure ? json_string(departure) : json_null());
	json_object_set_new(j, "arrival_country", arrival ? json_string(arrival) : json_null());
	json_object_set_new(j, "trailer_plate", trailer ? json_string(trailer) : json_null());
	json_t *claims = other_claims ? json_loads(other_claims, 0, NULL) : NULL;
	json_object_set_new(j, "other_claims", claims ? claims : json_object());
}

json_t *kp_api_permit_json(kp_req_t *req, const kp_permit_t *p)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	int off = (int)cfg->utc_offset_minutes;
	char issued[32], expires[32], valid_until[11], iat[11];
	kp_iso8601(p->issued_at, issued, sizeof(issued));
	kp_iso8601(p->expires_at, expires, sizeof(expires));
	kp_date_format_dmy(kp_local_day(p->expires_at, off), valid_until);
	kp_date_format_dmy(kp_local_day(p->issued_at, off), iat);
	const char *effective = kp_permit_status_shown(p->status, p->expires_at, kp_now());
	json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s?, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}",
	                      "id", p->id, "issuer", p->issuer, "verifier", p->verifier, "year", p->year, "type", p->type,
	                      "type_name", kp_permit_type_name(p->type), "serial", (json_int_t)p->serial, "plate", p->plate,
	                      "company_name", p->company_name, "company_id", p->company_id, "issued_at", issued,
	                      "expires_at", expires, "issued_on", iat, "valid_until", valid_until, "status", p->status,
	                      "effective_status", effective, "used_up", p->used_up);
	json_object_set_new(j, "status_reason", p->status_reason ? json_string(p->status_reason) : json_null());
	json_object_set_new(j, "organisation_id", p->org_id ? json_integer(p->org_id) : json_null());
	json_object_set_new(j, "vehicle_id", p->vehicle_id ? json_integer(p->vehicle_id) : json_null());
	json_object_set_new(j, "application_id", p->application_id ? json_integer(p->application_id) : json_null());
	kp_api_permit_trip_json(j, p->departure_country, p->arrival_country, p->trailer_plate, p->other_claims);
	if (p->credential) {
		json_object_set_new(j, "qr", json_string(p->credential));
		json_object_set_new(j, "kid", json_string(p->kid));
	}
	return j;
}
