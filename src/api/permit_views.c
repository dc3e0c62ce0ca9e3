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
	const char *effective = p->status;
	if (strcmp(p->status, "issued") == 0 && p->expires_at < kp_now())
		effective = "expired";
	json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s?, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}",
	                      "id", p->id, "issuer", p->issuer, "verifier", p->verifier, "year", p->year, "type", p->type,
	                      "type_name", kp_permit_type_name(p->type), "serial", (json_int_t)p->serial, "plate",
	                      p->plate, "company_name", p->company_name, "company_id", p->company_id, "issued_at", issued,
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

bool kp_api_wants_csv(const kp_req_t *req)
{
	const char *f = kp_req_query(req, "format");
	const char *accept = kp_req_header(req, "Accept");
	return (f && strcmp(f, "csv") == 0) || (accept && strstr(accept, "text/csv"));
}

/* Append one cell; afterwards at least 5 bytes stay free for a separator or line end.
 * Quote a cell when it holds a separator, quote or line break (RFC 4180); a leading
 * =, +, - or @ is prefixed with ' so spreadsheets do not run it as a formula. */
static void csv_cell(kp_arena_t *a, char **buf, size_t *len, size_t *cap, const char *v)
{
	if (v == NULL)
		v = "";
	size_t n = strlen(v);
	if (*len + 2 * n + 8 > *cap) {
		size_t ncap = (*cap + 2 * n + 8) * 2;
		char *nb = kp_arena_alloc(a, ncap);
		memcpy(nb, *buf, *len);
		*buf = nb;
		*cap = ncap;
	}
	bool quote = strpbrk(v, ",\"\r\n") != NULL || strchr("=+-@", v[0] ? v[0] : 'x') != NULL;
	char *o = *buf + *len;
	if (quote)
		*o++ = '"';
	if (v[0] && strchr("=+-@", v[0]))
		*o++ = '\'';
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			*o++ = '"';
		*o++ = *p;
	}
	if (quote)
		*o++ = '"';
	*len = (size_t)(o - *buf);
}

void kp_api_reply_csv(kp_req_t *req, const char *filename, const char *const *header, int ncols,
                      const char *const *cells, int nrows)
{
	size_t cap = 4096, len = 0;
	char *buf = kp_arena_alloc(&req->arena, cap);
	for (int r = -1; r < nrows; r++) {
		for (int c = 0; c < ncols; c++) {
			if (c)
				buf[len++] = ',';
			csv_cell(&req->arena, &buf, &len, &cap, r < 0 ? header[c] : cells[r * ncols + c]);
		}
		buf[len++] = '\r';
		buf[len++] = '\n';
	}
	kp_reply_bytes(req, 200, "text/csv; charset=utf-8", buf, len);
	kp_reply_header(req, "Content-Disposition",
	                kp_arena_printf(&req->arena, "attachment; filename=\"%s\"", filename));
}
