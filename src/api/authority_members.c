/* authority_members.c: POST /api/v1/authorities/{code}/members: the ministry records who
 * takes part in an organisation's permit system (TRACECA) and from and to which day, with
 * the publication it comes from; membership is dated data, never code. */
#include "api/api.h"
#include "core/util.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "domain/permit.h"
#include "store/permits.h"

#include <string.h>

static int64_t read_day(kp_req_t *req, const char *name, bool required)
{
	const char *s = kp_body_str(req, name, 10, required);
	int64_t day = 0;
	if (s && kp_date_parse_iso(s, &day) != 0) {
		kp_field_error(req, name, "must be a date like 2025-12-16");
		return 0;
	}
	return day;
}

void kp_api_authority_member_add(kp_req_t *req)
{
	const char *code = kp_req_param(req, "code");
	kp_authority_member_t m = {0};
	m.member = kp_body_str_checked(req, "member", 2, true, kp_check_country);
	m.from_day = read_day(req, "from", true);
	m.to_day = read_day(req, "to", false);
	m.source = kp_body_str(req, "source", 500, true);
	if (m.from_day && m.to_day && m.to_day < m.from_day)
		kp_field_error(req, "to", "must not be before from");
	if (kp_body_check(req) != 0)
		return;
	kp_authority_t org, member;
	int rc = kp_check_authority_code(code) ? KP_DB_NOTFOUND
	                                       : kp_store_authority_get(kp_api_db(req), &req->arena, code, &org);
	if (rc == KP_DB_OK && (!org.kind || strcmp(org.kind, "organisation") != 0)) {
		kp_reply_error(req, 422, "not_an_organisation", "%s is a country: only organisations have members", code);
		return;
	}
	if (rc == KP_DB_OK && kp_store_authority_get(kp_api_db(req), &req->arena, m.member, &member) != KP_DB_OK) {
		kp_reply_error(req, 422, "AUTHORITY_NOT_FOUND", "%s is not a known authority", m.member);
		return;
	}
	kp_actor_t who = kp_api_actor(req);
	if (rc == KP_DB_OK)
		rc = kp_store_authority_member_add(kp_api_db(req), &who, code, &m);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "conflict", "%s is already a member of %s for part of that period", m.member, code);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "authority");
		return;
	}
	char from[11], to[11];
	kp_date_format_iso(m.from_day, from);
	kp_date_format_iso(m.to_day, to);
	kp_reply_json(req, 201,
	              json_pack("{s:s, s:s, s:s?, s:s}", "member", m.member, "from", from, "to", m.to_day ? to : NULL,
	                        "source", m.source));
}
