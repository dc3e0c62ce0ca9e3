/* quotas.c: authorities, permit types (rules as data), quotas and their usage, the
 * parity view, CSV exports. */
#include "api/api.h"
#include "app/keyring.h"
#include "core/util.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "store/permits.h"

#include <string.h>

void kp_api_authority_list(kp_req_t *req)
{
	kp_authority_t *au;
	int n;
	int rc = kp_store_authority_list(kp_api_db(req), &req->arena, &au, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "authorities");
		return;
	}
	const char *self = kp_api_app(req)->cfg->authority_code;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s?, s:b, s:b}", "code", au[i].code, "name", au[i].name,
		                                       "api_url", au[i].api_url, "traceca", au[i].traceca, "self",
		                                       strcmp(au[i].code, self) == 0));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void kp_api_authority_get(kp_req_t *req)
{
	const char *code = kp_req_param(req, "code");
	kp_authority_t au;
	kp_authority_key_t *keys;
	int n;
	int rc = kp_check_authority_code(code) ? KP_DB_NOTFOUND
	                                       : kp_store_authority_get(kp_api_db(req), &req->arena, code, &au);
	if (rc == KP_DB_OK)
		rc = kp_store_key_list(kp_api_db(req), &req->arena, code, &keys, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "authority");
		return;
	}
	json_t *jwks = json_array();
	for (int i = 0; i < n; i++) {
		json_t *k = json_loads(keys[i].jwk, 0, NULL);
		if (k == NULL)
			continue;
		json_object_set_new(k, "revoked", json_boolean(keys[i].revoked_at != 0));
		json_array_append_new(jwks, k);
	}
	json_t *out = json_pack("{s:s, s:s, s:s?, s:b, s:s, s:o}", "code", au.code, "name", au.name, "api_url", au.api_url,
	                        "traceca", au.traceca, "kind", au.kind ? au.kind : "country", "keys", jwks);
	kp_authority_member_t *m;
	int nm = 0;
	if (au.kind && strcmp(au.kind, "organisation") == 0 &&
	    kp_store_authority_members(kp_api_db(req), &req->arena, au.code, &m, &nm) == KP_DB_OK) {
		json_t *members = json_array();
		for (int i = 0; i < nm; i++) {
			char from[11], to[11];
			kp_date_format_iso(m[i].from_day, from);
			kp_date_format_iso(m[i].to_day, to);
			json_array_append_new(members, json_pack("{s:s, s:s, s:s?, s:s}", "member", m[i].member, "from", from, "to",
			                                         m[i].to_day ? to : NULL, "source", m[i].source));
		}
		json_object_set_new(out, "members", members);
	}
	kp_reply_json(req, 200, out);
}

void kp_api_authority_put(kp_req_t *req)
{
	kp_authority_t au = {0};
	au.code = kp_body_str_checked(req, "code", KP_AUTHORITY_CODE_MAX, true, kp_check_authority_code);
	au.kind = au.code && strlen(au.code) == 2 ? "country" : "organisation";
	au.name = kp_body_str(req, "name", 120, true);
	au.api_url = kp_body_str(req, "api_url", 500, false);
	if (au.api_url && strncmp(au.api_url, "http://", 7) != 0 && strncmp(au.api_url, "https://", 8) != 0)
		kp_field_problem(req, "api_url", "url", NULL, "must start with http:// or https://");
	json_t *t = json_object_get(req->json, "traceca");
	if (t && !json_is_boolean(t))
		kp_field_error(req, "traceca", "must be true or false");
	au.traceca = json_is_true(t);
	if (kp_body_check(req) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_authority_put(kp_api_db(req), &who, &au);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "authority");
		return;
	}
	kp_reply_json(req, 200,
	              json_pack("{s:s, s:s, s:s?, s:b, s:s}", "code", au.code, "name", au.name, "api_url", au.api_url,
	                        "traceca", au.traceca, "kind", au.kind));
}

static json_t *type_view(kp_req_t *req, const kp_permit_type_t *t)
{
	return json_pack("{s:i, s:s, s:s, s:i, s:i, s:i, s:I, s:i, s:s, s:i, s:b}", "code", t->code, "name", t->name,
	                 "valid_until",
	                 kp_arena_printf(&req->arena, "%02d-%02d of the next year", t->valid_until_month,
	                                 t->valid_until_day),
	                 "valid_until_month", t->valid_until_month, "valid_until_day", t->valid_until_day, "min_euro_class",
	                 t->min_euro_class, "fee_som", (json_int_t)t->fee_som, "holding_limit", t->holding_limit, "review",
	                 t->review, "entries_per_country", t->entries_per_country, "multilateral", t->multilateral);
}

void kp_api_permit_type_list(kp_req_t *req)
{
	kp_permit_type_t types[KP_PERMIT_TYPE_MAX + 1];
	int rc = kp_store_permit_types(kp_api_db(req), &req->arena, types);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "permit types");
		return;
	}
	json_t *items = json_array();
	for (int i = 1; i <= KP_PERMIT_TYPE_MAX; i++)
		if (types[i].code)
			json_array_append_new(items, type_view(req, &types[i]));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void kp_api_permit_type_update(kp_req_t *req)
{
	long long code;
	if (kp_parse_int(kp_req_param(req, "code"), 1, KP_PERMIT_TYPE_MAX, &code) != 0) {
		kp_reply_error(req, 404, "not_found", "no such permit type");
		return;
	}
	kp_permit_type_t t;
	int rc = kp_store_permit_type_get(kp_api_db(req), &req->arena, (int)code, &t);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "permit type");
		return;
	}
	long long v;
	if (kp_body_int(req, "valid_until_month", 1, 12, false, &v))
		t.valid_until_month = (int)v;
	if (kp_body_int(req, "valid_until_day", 1, 31, false, &v))
		t.valid_until_day = (int)v;
	if (kp_body_int(req, "min_euro_class", 0, 6, false, &v))
		t.min_euro_class = (int)v;
	if (kp_body_int(req, "fee_som", 0, 100000000, false, &v))
		t.fee_som = v;
	if (kp_body_int(req, "holding_limit", 0, 100000, false, &v))
		t.holding_limit = (int)v;
	if (kp_body_int(req, "entries_per_country", 1, 100, false, &v))
		t.entries_per_country = (int)v;
	const char *review = kp_body_str(req, "review", 16, false);
	if (review && kp_review_policy_parse(review) < 0)
		kp_field_error(req, "review", "must be never, always or first_permit");
	else if (review)
		t.review = review;
	if (kp_body_check(req) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	if ((rc = kp_store_permit_type_update(kp_api_db(req), &who, &t)) != KP_DB_OK) {
		kp_reply_db_error(req, rc, "permit type");
		return;
	}
	kp_reply_json(req, 200, type_view(req, &t));
}

static json_t *quota_json(const kp_quota_t *q, const char *self)
{
	bool outbound = strcmp(q->issuer, self) == 0;
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:s?, s:I, s:I, s:I, s:s?, s:{s:I, s:I, s:I, s:I, s:I, s:I}}",
	                 "id", (json_int_t)q->id, "direction", outbound ? "outbound" : "inbound", "partner",
	                 outbound ? q->verifier : q->issuer, "issuer", q->issuer, "verifier", q->verifier, "year", q->year,
	                 "type", q->type, "type_name", kp_permit_type_name(q->type), "start_number",
	                 (json_int_t)q->start_number, "end_number", (json_int_t)q->end_number, "size",
	                 (json_int_t)(q->end_number - q->start_number + 1), "note", q->note, "usage", "issued",
	                 (json_int_t)q->issued, "used", (json_int_t)q->used, "returned", (json_int_t)q->returned, "revoked",
	                 (json_int_t)q->revoked, "expired", (json_int_t)q->expired, "remaining", (json_int_t)q->remaining);
}

/* Quotas filtered by ?partner= and ?year=; answers and returns -1 when the query is bad. */
static int load_quotas(kp_req_t *req, kp_quota_t **q, int *n, long long *year)
{
	const char *partner = kp_req_query(req, "partner");
	if (partner && kp_check_authority_code(partner)) {
		kp_reply_error(req, 400, "bad_query", "partner must be an authority code like UZ or TRACECA");
		return -1;
	}
	if (kp_req_query_int(req, "year", 2000, 2200, 0, year) != 0)
		return -1;
	int rc = kp_store_quota_list(kp_api_db(req), &req->arena, partner, (int)*year, kp_now(), q, n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "quotas");
		return -1;
	}
	return 0;
}

void kp_api_quota_list(kp_req_t *req)
{
	kp_quota_t *q;
	int n;
	long long year;
	if (load_quotas(req, &q, &n, &year) != 0)
		return;
	const char *self = kp_api_app(req)->cfg->authority_code;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, quota_json(&q[i], self));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void kp_api_quota_create(kp_req_t *req)
{
	const char *self = kp_api_app(req)->cfg->authority_code;
	const char *direction = kp_body_str(req, "direction", 16, true);
	if (direction && strcmp(direction, "outbound") && strcmp(direction, "inbound"))
		kp_field_error(req, "direction", "must be outbound (the partner grants us) or inbound (we grant the partner)");
	const char *partner = kp_body_str_checked(req, "partner", KP_AUTHORITY_CODE_MAX, true, kp_check_authority_code);
	if (partner && strcmp(partner, self) == 0)
		kp_field_error(req, "partner", "must be another country than this authority");
	long long year = 0, type = 0, start = 0, end = 0;
	kp_body_int(req, "year", 2000, 2200, true, &year);
	kp_body_int(req, "type", 1, KP_PERMIT_TYPE_MAX, true, &type);
	kp_body_int(req, "start_number", 1, KP_PERMIT_SERIAL_MAX, true, &start);
	kp_body_int(req, "end_number", 1, KP_PERMIT_SERIAL_MAX, true, &end);
	if (start && end && end < start)
		kp_field_error(req, "end_number", "must not be below start_number");
	const char *note = kp_body_str(req, "note", 500, false);
	if (kp_body_check(req) != 0)
		return;
	kp_authority_t au;
	int rc = kp_store_authority_get(kp_api_db(req), &req->arena, partner, &au);
	if (rc == KP_DB_NOTFOUND) {
		kp_reply_error(req, 422, "AUTHORITY_NOT_FOUND", "no partner authority %s; add it first", partner);
		return;
	}
	bool outbound = strcmp(direction, "outbound") == 0;
	kp_quota_t q = {.issuer = outbound ? self : partner,
	                .verifier = outbound ? partner : self,
	                .year = (int)year,
	                .type = (int)type,
	                .start_number = start,
	                .end_number = end,
	                .note = note};
	kp_actor_t who = kp_api_actor(req);
	rc = kp_store_quota_create(kp_api_db(req), &who, &q);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 422, "INVALID_QUOTA_INTERVAL",
		               "serials %lld-%lld overlap another quota of %s for %lld,"
		               " type %lld",
		               start, end, partner, year, type);
		return;
	}
	if (rc == KP_DB_OK)
		rc = kp_store_quota_get(kp_api_db(req), &req->arena, q.id, &q);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "quota");
		return;
	}
	kp_reply_json(req, 201, quota_json(&q, self));
}

void kp_api_quota_adjust(kp_req_t *req)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return;
	long long end = 0;
	kp_body_int(req, "end_number", 1, KP_PERMIT_SERIAL_MAX, true, &end);
	if (kp_body_check(req) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_quota_set_end(kp_api_db(req), &who, id, end);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 422, "INVALID_QUOTA_INTERVAL",
		               "end_number %lld is below the serials already issued or overlaps another range", end);
		return;
	}
	kp_quota_t q;
	if (rc == KP_DB_OK)
		rc = kp_store_quota_get(kp_api_db(req), &req->arena, id, &q);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "quota");
		return;
	}
	kp_reply_json(req, 200, quota_json(&q, kp_api_app(req)->cfg->authority_code));
}

/* Totals per partner, year, type and direction. */
struct total {
	const char *partner;
	int year, type;
	bool outbound;
	int64_t size, issued, used, returned, revoked, expired, remaining;
};

static int totals(kp_quota_t *q, int n, const char *self, struct total *t)
{
	int nt = 0;
	for (int i = 0; i < n; i++) {
		bool out = strcmp(q[i].issuer, self) == 0;
		const char *partner = out ? q[i].verifier : q[i].issuer;
		int j = 0;
		while (j < nt && !(t[j].outbound == out && t[j].year == q[i].year && t[j].type == q[i].type &&
		                   strcmp(t[j].partner, partner) == 0))
			j++;
		if (j == nt)
			t[nt++] = (struct total){.partner = partner, .year = q[i].year, .type = q[i].type, .outbound = out};
		t[j].size += q[i].end_number - q[i].start_number + 1;
		t[j].issued += q[i].issued;
		t[j].used += q[i].used;
		t[j].returned += q[i].returned;
		t[j].revoked += q[i].revoked;
		t[j].expired += q[i].expired;
		t[j].remaining += q[i].remaining;
	}
	return nt;
}

void kp_api_quota_usage(kp_req_t *req)
{
	kp_quota_t *q;
	int n;
	long long year;
	if (load_quotas(req, &q, &n, &year) != 0)
		return;
	struct total *t = kp_arena_zalloc(&req->arena, sizeof(*t) * (size_t)(n + 1));
	int nt = totals(q, n, kp_api_app(req)->cfg->authority_code, t);
	if (kp_api_wants_csv(req)) {
		static const char *const head[] = {"partner", "direction", "year",    "type",    "size",     "issued",
		                                   "used",    "returned",  "revoked", "expired", "remaining"};
		const char **cells = kp_arena_alloc(&req->arena, sizeof(char *) * 11 * (size_t)(nt + 1));
		for (int i = 0; i < nt; i++) {
			const char **r = cells + i * 11;
			r[0] = t[i].partner;
			r[1] = t[i].outbound ? "outbound" : "inbound";
			r[2] = kp_arena_printf(&req->arena, "%d", t[i].year);
			r[3] = kp_permit_type_name(t[i].type);
			int64_t v[] = {t[i].size,    t[i].issued,  t[i].used,     t[i].returned,
			               t[i].revoked, t[i].expired, t[i].remaining};
			for (int k = 0; k < 7; k++)
				r[4 + k] = kp_arena_printf(&req->arena, "%lld", (long long)v[k]);
		}
		kp_api_reply_csv(req, "quota-usage.csv", head, 11, cells, nt);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < nt; i++)
		json_array_append_new(items,
		                      json_pack("{s:s, s:s, s:i, s:i, s:s?, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "partner",
		                                t[i].partner, "direction", t[i].outbound ? "outbound" : "inbound", "year",
		                                t[i].year, "type", t[i].type, "type_name", kp_permit_type_name(t[i].type),
		                                "size", (json_int_t)t[i].size, "issued", (json_int_t)t[i].issued, "used",
		                                (json_int_t)t[i].used, "returned", (json_int_t)t[i].returned, "revoked",
		                                (json_int_t)t[i].revoked, "expired", (json_int_t)t[i].expired, "remaining",
		                                (json_int_t)t[i].remaining));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* Both directions per partner and year side by side: what they grant us, what we grant them. */
void kp_api_quota_parity(kp_req_t *req)
{
	kp_quota_t *q;
	int n;
	long long year;
	if (load_quotas(req, &q, &n, &year) != 0)
		return;
	const char *self = kp_api_app(req)->cfg->authority_code;
	json_t *byp = json_object();
	for (int i = 0; i < n; i++) {
		bool out = strcmp(q[i].issuer, self) == 0;
		const char *partner = out ? q[i].verifier : q[i].issuer;
		const char *key = kp_arena_printf(&req->arena, "%s/%d", partner, q[i].year);
		json_t *row = json_object_get(byp, key);
		if (row == NULL) {
			row = json_pack("{s:s, s:i, s:{s:I, s:I, s:I}, s:{s:I, s:I, s:I}}", "partner", partner, "year", q[i].year,
			                "granted_to_us", "size", (json_int_t)0, "issued", (json_int_t)0, "used", (json_int_t)0,
			                "granted_by_us", "size", (json_int_t)0, "issued", (json_int_t)0, "used", (json_int_t)0);
			json_object_set_new(byp, key, row);
		}
		json_t *side = json_object_get(row, out ? "granted_to_us" : "granted_by_us");
		json_int_t size = json_integer_value(json_object_get(side, "size"));
		json_object_set_new(side, "size", json_integer(size + q[i].end_number - q[i].start_number + 1));
		json_object_set_new(side, "issued",
		                    json_integer(json_integer_value(json_object_get(side, "issued")) + q[i].issued));
		json_object_set_new(side, "used", json_integer(json_integer_value(json_object_get(side, "used")) + q[i].used));
	}
	json_t *items = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(byp, k, v) {
		json_int_t a = json_integer_value(json_object_get(json_object_get(v, "granted_to_us"), "size"));
		json_int_t b = json_integer_value(json_object_get(json_object_get(v, "granted_by_us"), "size"));
		json_object_set_new(v, "balanced", json_boolean(a == b));
		json_object_set_new(v, "difference", json_integer(a - b));
		json_array_append(items, v);
	}
	json_decref(byp);
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void kp_api_usage_carriers(kp_req_t *req)
{
	long long year;
	if (kp_req_query_int(req, "year", 2000, 2200, 0, &year) != 0)
		return;
	kp_carrier_usage_t *u;
	int n;
	int rc = kp_store_usage_by_carrier(kp_api_db(req), &req->arena, (int)year, &u, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "usage");
		return;
	}
	if (kp_api_wants_csv(req)) {
		static const char *const head[] = {"organisation_id", "company", "partner",  "year",   "type",
		                                   "issued",          "used",    "returned", "revoked"};
		const char **cells = kp_arena_alloc(&req->arena, sizeof(char *) * 9 * (size_t)(n + 1));
		for (int i = 0; i < n; i++) {
			const char **r = cells + i * 9;
			r[0] = kp_arena_printf(&req->arena, "%lld", (long long)u[i].org_id);
			r[1] = u[i].company_name;
			r[2] = u[i].verifier;
			r[3] = kp_arena_printf(&req->arena, "%d", u[i].year);
			r[4] = kp_permit_type_name(u[i].type);
			r[5] = kp_arena_printf(&req->arena, "%lld", (long long)u[i].issued);
			r[6] = kp_arena_printf(&req->arena, "%lld", (long long)u[i].used);
			r[7] = kp_arena_printf(&req->arena, "%lld", (long long)u[i].returned);
			r[8] = kp_arena_printf(&req->arena, "%lld", (long long)u[i].revoked);
		}
		kp_api_reply_csv(req, "carrier-usage.csv", head, 9, cells, n);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:i, s:i, s:s?, s:I, s:I, s:I, s:I}", "organisation_id",
		                                       (json_int_t)u[i].org_id, "company", u[i].company_name, "partner",
		                                       u[i].verifier, "year", u[i].year, "type", u[i].type, "type_name",
		                                       kp_permit_type_name(u[i].type), "issued", (json_int_t)u[i].issued,
		                                       "used", (json_int_t)u[i].used, "returned", (json_int_t)u[i].returned,
		                                       "revoked", (json_int_t)u[i].revoked));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}
