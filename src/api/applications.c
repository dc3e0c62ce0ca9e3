/* applications.c: a carrier applies and gets the decision in the same request; the
 * ministry works the review queue. */
#include "api/api.h"
#include "api/transparency.h"
#include "api/history.h"
#include "api/paging.h"
#include "app/keyring.h"
#include "api/permit_input.h"
#include "core/util.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "store/permits.h"
#include "store/writer.h"

#include <string.h>
#include <time.h>

static json_t *application_json(const kp_application_t *ap)
{
	char created[32];
	kp_iso8601(ap->created_at, created, sizeof(created));
	json_t *reasons = ap->reasons ? json_loads(ap->reasons, 0, NULL) : NULL;
	json_t *trip = ap->trip ? json_loads(ap->trip, 0, NULL) : NULL;
	json_t *j = json_pack("{s:I, s:I, s:s, s:i, s:i, s:s?, s:I, s:s, s:s?, s:s?, s:s, s:o, s:o}", "id",
	                      (json_int_t)ap->id, "organisation_id", (json_int_t)ap->org_id, "partner", ap->verifier, "year",
	                      ap->year, "type", ap->type, "type_name", kp_permit_type_name(ap->type), "vehicle_id",
	                      (json_int_t)ap->vehicle_id, "status", ap->status, "permit_id", ap->permit_id,
	                      "decision_reason", ap->decision_reason, "created_at", created, "reasons",
	                      reasons ? reasons : json_array(), "trip", trip ? trip : json_null());
	kp_api_permit_trip_json(j, ap->departure_country, ap->arrival_country, ap->trailer_plate, ap->other_claims);
	return j;
}

/* The vehicle by id or by plate; 0 when absent (recorded as a field problem). */
static int64_t read_vehicle(kp_req_t *req)
{
	json_t *given = json_object_get(req->json, "vehicle_id");
	if (given && !json_is_null(given)) {
		long long id = 0;
		return kp_body_int(req, "vehicle_id", 1, INT64_MAX, true, &id) ? id : 0;
	}
	const char *plate = kp_body_str(req, "plate", 20, false);
	char norm[16];
	const char *why = plate ? kp_plate_normalise(plate, norm, sizeof(norm)) : NULL;
	if (why) {
		kp_field_error(req, "plate", why);
		return 0;
	}
	kp_vehicle_t v;
	if (plate && kp_store_vehicle_by_plate(kp_api_db(req), &req->arena, norm, &v) == KP_DB_OK &&
	    v.org_id == req->auth.org_id)
		return v.id;
	if (plate)
		return -1; /* not one of this carrier's vehicles: the VEHICLE_NOT_OWNED check says so */
	kp_field_error(req, "vehicle_id", "is required (or give the plate)");
	return 0;
}

/* The trip as stored JSON text: route, departure date, cargo (all optional). */
static const char *read_trip(kp_req_t *req)
{
	json_t *trip = json_object_get(req->json, "trip");
	if (trip == NULL || json_is_null(trip))
		return NULL;
	if (!json_is_object(trip) || json_object_size(trip) > 10) {
		kp_field_error(req, "trip", "must be an object such as {\"route\": \"Osh - Andijan\", \"departure_date\": \"2026-12-01\"}");
		return NULL;
	}
	json_t *dep = json_object_get(trip, "departure_date");
	int64_t day;
	if (dep && !json_is_null(dep) && (!json_is_string(dep) || kp_date_parse_iso(json_string_value(dep), &day) != 0)) {
		kp_field_problem(req, "trip.departure_date", "date", NULL, "must be a date like 2026-12-20");
		return NULL;
	}
	char *s = json_dumps(trip, JSON_COMPACT);
	if (s == NULL || strlen(s) > 2000) {
		kp_field_problem(req, "trip", "trip_too_long", NULL, "is too long (at most 2000 bytes)");
		free(s);
		return NULL;
	}
	const char *copy = kp_arena_strdup(&req->arena, s);
	free(s);
	return copy;
}

static void reply_decision(kp_req_t *req, kp_application_t *ap, kp_issue_result_t *res)
{
	if (res->nfailures > 0) {
		json_t *reasons = json_array();
		for (int i = 0; i < res->nfailures; i++)
			json_array_append_new(reasons, json_pack("{s:s, s:s}", "code", res->failures[i].code, "message",
			                                         res->failures[i].message));
		kp_reply_error(req, 422, res->failures[0].code, "the application was refused: %s%s",
		               res->failures[0].message, res->nfailures > 1 ? " (and more, see reasons)" : "");
		json_t *err = json_object_get(req->reply_json, "error");
		json_object_set_new(err, "reasons", reasons);
		json_object_set_new(req->reply_json, "application", ap->id ? application_json(ap) : json_null());
		return;
	}
	if (res->review) {
		kp_reply_json(req, 202, json_pack("{s:s, s:o}", "decision", "pending_review", "application",
		                                  application_json(ap)));
		return;
	}
	kp_reply_header(req, "Location", kp_arena_printf(&req->arena, "/api/v1/permits/%s", res->permit.id));
	json_t *permit = kp_api_permit_json(req, &res->permit);
	kp_api_tlog_attach(req, permit, res->permit.id); /* its issue leaf, as a direct issue's */
	kp_reply_json(req, 201, json_pack("{s:s, s:o, s:o}", "decision", "issued", "application", application_json(ap),
	                                  "permit", permit));
}

struct apply_job {
	kp_write_job_t job;
	kp_req_t *req;
	kp_application_t ap;
	kp_actor_t who;
	kp_signer_t signer;
	kp_issue_request_t rq;
	kp_issue_result_t res;
};

static void answer_apply(struct apply_job *j, int rc)
{
	if (rc == KP_DB_REF)
		kp_reply_error(j->req, 422, "VEHICLE_NOT_OWNED", "the vehicle is not registered to this carrier");
	else if (rc != KP_DB_OK)
		kp_reply_db_error(j->req, rc, "application");
	else
		reply_decision(j->req, &j->ap, &j->res);
}

static int run_apply(kp_conn_t *c, void *ctx)
{
	struct apply_job *j = ctx;
	return kp_store_permit_apply_tx(c, &j->req->arena, &j->who, &j->rq, &j->res);
}

static void done_apply(void *ctx, int rc)
{
	struct apply_job *j = ctx;
	answer_apply(j, rc);
	kp_req_complete(j->req);
}

void kp_api_application_create(kp_req_t *req)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	kp_application_t ap = {0};
	ap.verifier = kp_body_str_checked(req, "partner", KP_AUTHORITY_CODE_MAX, true, kp_check_authority_code);
	ap.type = kp_api_read_permit_type(req);
	long long year = kp_api_permit_year_now(cfg);
	kp_body_int(req, "year", 2000, 2200, false, &year);
	ap.year = (int)year;
	ap.vehicle_id = read_vehicle(req);
	ap.trip = read_trip(req);
	kp_permit_trip_in_t trip;
	kp_api_read_permit_trip(req, ap.type, cfg->authority_code, ap.verifier, &trip);
	ap.departure_country = trip.departure_country;
	ap.arrival_country = trip.arrival_country;
	ap.trailer_plate = trip.trailer_plate;
	ap.other_claims = trip.other_claims;
	if (kp_body_check(req) != 0)
		return;
	kp_authority_t au;
	int rc = kp_store_authority_get(kp_api_db(req), &req->arena, ap.verifier, &au);
	if (rc == KP_DB_NOTFOUND || strcmp(ap.verifier, cfg->authority_code) == 0) {
		kp_reply_error(req, 422, "AUTHORITY_NOT_FOUND", "%s is not a partner authority", ap.verifier);
		return;
	}
	if (ap.vehicle_id < 0)
		ap.vehicle_id = 0;
	struct apply_job *j = kp_arena_zalloc(&req->arena, sizeof(*j));
	j->req = req;
	j->ap = ap;
	j->who = kp_api_actor(req);
	j->signer = kp_keyring_permit_signer(kp_api_app(req)->keys);
	j->rq = (kp_issue_request_t){cfg->authority_code, (int)cfg->utc_offset_minutes, req->auth.org_id,
	                             req->auth.user_id, &j->ap, &j->signer};
	kp_writer_t *w = kp_api_app(req)->writer;
	if (w == NULL) {
		int r = kp_store_permit_apply(kp_api_db(req), &req->arena, &j->who, &j->rq, &j->res);
		answer_apply(j, r);
		return;
	}
	/* Group commit: the writer issues this with others in one durable transaction; the
	 * connection waits parked, and gives its database connection back meanwhile. */
	kp_api_finish(req);
	j->job = (kp_write_job_t){run_apply, done_apply, j, 0, NULL};
	kp_req_defer(req);
	kp_writer_submit(w, &j->job);
}

void kp_api_application_list(kp_req_t *req)
{
	const char *status = kp_req_query(req, "status");
	if (status && !kp_permit_app_status_known(status)) {
		kp_reply_error(req, 400, "bad_query", "status must be issued, refused, pending_review or rejected");
		return;
	}
	kp_page_t page;
	if (kp_api_page_read(req, 1000, 100, &page) != 0)
		return;
	int64_t org = req->auth.role == KP_ROLE_CARRIER ? req->auth.org_id : 0;
	kp_application_t *ap;
	int n;
	int64_t total;
	int rc = kp_store_application_page(kp_api_db(req), &req->arena, org, status, &page, &ap, &n, &total);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "applications");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, application_json(&ap[i]));
	kp_api_page_reply(req, items, total, &page);
}

/* The application {id} of the path, when the caller may see its organisation's (404 as if
 * it did not exist otherwise); answers and returns -1 when not. */
static int load_application(kp_req_t *req, int64_t *id, kp_application_t *ap)
{
	if (kp_req_param_id(req, "id", id) != 0)
		return -1;
	int rc = kp_store_application_get(kp_api_db(req), &req->arena, *id, ap);
	if (rc == KP_DB_OK && !kp_api_may_see_org(req, ap->org_id))
		rc = KP_DB_NOTFOUND;
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "application");
		return -1;
	}
	return 0;
}

void kp_api_application_get(kp_req_t *req)
{
	int64_t id;
	kp_application_t ap;
	if (load_application(req, &id, &ap) == 0)
		kp_reply_json(req, 200, application_json(&ap));
}

void kp_api_application_decide(kp_req_t *req)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return;
	json_t *approve = json_object_get(req->json, "approve");
	if (!json_is_boolean(approve))
		kp_field_error(req, "approve", "must be true or false");
	const char *reason = kp_body_str(req, "reason", 1000, true);
	if (kp_body_check(req) != 0)
		return;
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	kp_application_t ap = {0};
	kp_signer_t signer = kp_keyring_permit_signer(kp_api_app(req)->keys);
	kp_issue_request_t rq = {cfg->authority_code, (int)cfg->utc_offset_minutes, 0, 0, &ap, &signer};
	kp_issue_result_t res;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_application_decide(kp_api_db(req), &req->arena, &who, id, json_is_true(approve), reason, &rq, &res);
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "not_pending", "application %lld is not waiting for review", (long long)id);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "application");
		return;
	}
	ap.decision_reason = reason;
	if (!json_is_true(approve)) {
		kp_reply_json(req, 200, json_pack("{s:s, s:o}", "decision", "rejected", "application", application_json(&ap)));
		return;
	}
	reply_decision(req, &ap, &res);
}

/* GET /api/v1/permit-years: the years a carrier may apply for now: this one, and from
 * 1 December the next one once the ministry has opened a quota for it. */
void kp_api_permit_years(kp_req_t *req)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	int year = kp_api_permit_year_now(cfg);
	int64_t today = kp_local_day(kp_now(), (int)cfg->utc_offset_minutes);
	int y, m, d;
	kp_civil_from_days(today, &y, &m, &d);
	bool next_open = false;
	if (kp_permit_year_open(year + 1, y, m)) {
		kp_quota_t *q;
		int n;
		int rc = kp_store_quota_list(kp_api_db(req), &req->arena, NULL, year + 1, kp_now(), &q, &n);
		if (rc != KP_DB_OK) {
			kp_reply_db_error(req, rc, "quotas");
			return;
		}
		for (int i = 0; i < n && !next_open; i++)
			next_open = strcmp(q[i].issuer, cfg->authority_code) == 0 && q[i].remaining > 0;
	}
	json_t *years = json_array();
	json_array_append_new(years, json_integer(year));
	if (next_open)
		json_array_append_new(years, json_integer(year + 1));
	kp_reply_json(req, 200, json_pack("{s:o, s:i, s:b}", "years", years, "current", year, "next_year_open", next_open));
}

void kp_api_application_history(kp_req_t *req)
{
	int64_t id;
	kp_application_t ap;
	if (load_application(req, &id, &ap) != 0)
		return;
	kp_api_history_reply(req, "permit_application", kp_arena_printf(&req->arena, "%lld", (long long)id));
}
