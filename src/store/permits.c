/* permits.c: deciding applications and issuing permits without ever over-issuing,
 * withdrawing (revoke, return) and reading permits. */
#include "store/permits.h"
#include "store/notify.h"
#include "store/carrier_checks.h"
#include "store/exchange.h"
#include "store/tlog_acts.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/dates.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

json_t *kp_store_permit_snapshot(const kp_permit_t *p)
{
	json_t *j = json_pack("{s:s, s:i, s:i, s:I, s:s, s:s, s:s, s:I, s:s, s:b, s:s?}", "id", p->id, "year", p->year,
	                      "type", p->type, "serial", (json_int_t)p->serial, "plate", p->plate, "company_name",
	                      p->company_name, "company_id", p->company_id, "expires_at", (json_int_t)p->expires_at,
	                      "status", p->status, "used_up", p->used_up, "status_reason", p->status_reason);
	if (p->departure_country)
		json_object_set_new(j, "departure_country", json_string(p->departure_country));
	if (p->arrival_country)
		json_object_set_new(j, "arrival_country", json_string(p->arrival_country));
	if (p->trailer_plate)
		json_object_set_new(j, "trailer_plate", json_string(p->trailer_plate));
	if (p->other_claims)
		json_object_set_new(j, "other_claims", json_string(p->other_claims));
	return j;
}

static int64_t count_of(kp_conn_t *c, kp_arena_t *a, const char *sql, const kp_val_t *params, int n, int *rc)
{
	kp_rows_t r;
	*rc = kp_db_exec(c, a, &r, sql, params, n);
	return *rc == KP_DB_OK && r.nrows == 1 ? kp_rows_int(&r, 0, 0) : 0;
}

/* The local day of the trip's departure_date ("YYYY-MM-DD" in the trip JSON), 0 when none. */
static int64_t trip_departure(const char *trip)
{
	json_t *t = trip ? json_loads(trip, 0, NULL) : NULL;
	int64_t day = 0;
	const char *d = json_string_value(json_object_get(t, "departure_date"));
	if (d == NULL || kp_date_parse_iso(d, &day) != 0)
		day = 0;
	json_decref(t);
	return day;
}

/* Everything kp_permit_decide needs, read inside the caller's transaction. */
struct gathered {
	kp_org_t org;
	kp_vehicle_t vehicle;
	kp_permit_type_t type;
	kp_application_facts_t facts;
	bool first_of_type;
};

/* The facts of when and for whom: the permit's year against today, its validity against
 * the trip's departure, whether the partner is an organisation we take part in, and the
 * ministry's verification of the carrier. */
static int gather_when_and_whom(kp_conn_t *c, kp_arena_t *a, const kp_issue_request_t *rq, int64_t now,
                                struct gathered *g)
{
	const kp_application_t *ap = rq->app;
	int rc;
	g->facts.year_over = kp_permit_expiry(&g->type, ap->year, rq->utc_offset) < now;
	int ty, tm, td;
	g->facts.today = kp_local_day(now, rq->utc_offset);
	kp_civil_from_days(g->facts.today, &ty, &tm, &td);
	g->facts.year_not_open = !kp_permit_year_open(ap->year, ty, tm);
	g->facts.valid_from_day = kp_days_from_civil(ap->year, 1, 1);
	g->facts.expires_day = kp_local_day(kp_permit_expiry(&g->type, ap->year, rq->utc_offset), rq->utc_offset);
	g->facts.departure_day = trip_departure(ap->trip);
	kp_authority_t partner;
	if (kp_store_authority_get(c, a, ap->verifier, &partner) == KP_DB_OK && partner.kind &&
	    strcmp(partner.kind, "organisation") == 0) {
		g->facts.partner_organisation = true;
		if ((rc = kp_store_authority_is_member(c, a, ap->verifier, rq->self, g->facts.today, &g->facts.self_member)) !=
		    KP_DB_OK)
			return rc;
	}
	g->facts.carrier_status = g->org.status;
	kp_carrier_check_t check;
	if ((rc = kp_store_carrier_check_get(c, a, rq->org_id, &check)) != KP_DB_OK && rc != KP_DB_NOTFOUND)
		return rc;
	g->facts.carrier_check = rc == KP_DB_OK ? check.status : NULL;
	return KP_DB_OK;
}

static int gather(kp_conn_t *c, kp_arena_t *a, const kp_issue_request_t *rq, int64_t now, struct gathered *g)
{
	const kp_application_t *ap = rq->app;
	int rc = kp_store_org_get(c, a, rq->org_id, &g->org);
	if (rc != KP_DB_OK)
		return rc;
	if ((rc = kp_store_permit_type_get(c, a, ap->type, &g->type)) != KP_DB_OK)
		return rc;
	rc = ap->vehicle_id > 0 ? kp_store_vehicle_get(c, a, ap->vehicle_id, &g->vehicle) : KP_DB_NOTFOUND;
	if (rc != KP_DB_OK && rc != KP_DB_NOTFOUND)
		return rc;
	/* Another carrier's vehicle is treated as unknown: nothing about it may show. */
	g->facts.vehicle = rc == KP_DB_OK && g->vehicle.org_id == rq->org_id ? &g->vehicle : NULL;
	if ((rc = gather_when_and_whom(c, a, rq, now, g)) != KP_DB_OK)
		return rc;
	g->facts.carrier_licence = g->org.licence_number;
	g->facts.carrier_org_id = g->org.id;
	g->facts.type = &g->type;
	/* Counting stops at the limit: the check only needs to know whether it is reached. */
	g->facts.unused_held = count_of(c, a,
	                                "SELECT COUNT(*) FROM (SELECT 1 FROM permits WHERE org_id = ? AND verifier = ? AND "
	                                "type = ?"
	                                " AND status = '" KP_PERMIT_S_ISSUED "' AND expires_at >= ? LIMIT ?) AS held",
	                                KP_PARAMS(KV_INT(rq->org_id), KV_TEXT(ap->verifier), KV_INT(ap->type), KV_INT(now),
	                                          KV_INT(g->type.holding_limit)),
	                                &rc);
	if (rc == KP_DB_OK && g->facts.vehicle)
		g->facts
		    .duplicate = count_of(c, a,
		                          "SELECT COUNT(*) FROM (SELECT 1 FROM permits WHERE vehicle_id = ? AND verifier = ?"
		                          " AND type = ? AND year = ? AND status = '" KP_PERMIT_S_ISSUED
		                          "' AND expires_at >= ? LIMIT 1) AS dup",
		                          KP_PARAMS(KV_INT(ap->vehicle_id), KV_TEXT(ap->verifier), KV_INT(ap->type),
		                                    KV_INT(ap->year), KV_INT(now)),
		                          &rc) > 0;
	if (rc == KP_DB_OK)
		g->facts.quota_left = count_of(c, a,
		                               "SELECT COALESCE(SUM(end_number - next_serial + 1), 0) FROM quotas"
		                               " WHERE issuer = ? AND verifier = ? AND year = ? AND type = ?",
		                               KP_PARAMS(KV_TEXT(rq->self), KV_TEXT(ap->verifier), KV_INT(ap->year),
		                                         KV_INT(ap->type)),
		                               &rc);
	if (rc == KP_DB_OK && kp_review_needs_history(g->type.review))
		g->first_of_type = count_of(c, a,
		                            "SELECT COUNT(*) FROM (SELECT 1 FROM permits WHERE org_id = ? AND type = ? LIMIT "
		                            "1) AS first",
		                            KP_PARAMS(KV_INT(rq->org_id), KV_INT(ap->type)), &rc) == 0;
	return rc;
}

/* Draw the next serial from the first range with one left. The UPDATE is the guard:
 * two transactions can never draw the same serial, on either backend. Returns
 * KP_DB_NOTFOUND when every range is spent. */
static int draw_serial(kp_conn_t *c, kp_arena_t *a, const char *issuer, const char *verifier, int year, int type,
                       int64_t *quota_id, int64_t *serial)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		kp_rows_t r;
		int rc = kp_db_exec(c, a, &r,
		                    "UPDATE quotas SET next_serial = next_serial + 1 WHERE id = (SELECT id FROM quotas"
		                    " WHERE issuer = ? AND verifier = ? AND year = ? AND type = ? AND next_serial <= end_number"
		                    " ORDER BY start_number LIMIT 1) AND next_serial <= end_number"
		                    " RETURNING id, next_serial - 1",
		                    KP_PARAMS(KV_TEXT(issuer), KV_TEXT(verifier), KV_INT(year), KV_INT(type)));
		if (rc != KP_DB_OK)
			return rc;
		if (r.nrows == 1) {
			*quota_id = kp_rows_int(&r, 0, 0);
			*serial = kp_rows_int(&r, 0, 1);
			return KP_DB_OK;
		}
		/* PostgreSQL: the range picked was spent by a concurrent transaction; look again. */
	}
	return KP_DB_NOTFOUND;
}

static json_t *failures_json(const kp_issue_result_t *res)
{
	json_t *arr = json_array();
	for (int i = 0; i < res->nfailures; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s}", "code", res->failures[i].code, "message",
		                                     res->failures[i].message));
	return arr;
}

/* Insert the application row (any outcome) with its audit row; sets ap->id. */
static int store_application(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_application_t *ap,
                             const kp_issue_result_t *res)
{
	json_t *reasons = failures_json(res);
	char *reasons_text = json_dumps(reasons, JSON_COMPACT);
	ap->reasons = kp_arena_strdup(a, reasons_text);
	free(reasons_text);
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "INSERT INTO permit_applications (org_id, user_id, verifier, year, type, vehicle_id, trip,"
	                    " status, reasons, permit_id, created_at, decided_at, departure_country, arrival_country,"
	                    " trailer_plate, other_claims) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	                    " RETURNING id",
	                    KP_PARAMS(KV_INT(ap->org_id), ap->user_id ? KV_INT(ap->user_id) : KV_NULL,
	                              KV_TEXT(ap->verifier), KV_INT(ap->year), KV_INT(ap->type), KV_INT(ap->vehicle_id),
	                              KV_TEXT(ap->trip), KV_TEXT(ap->status), KV_TEXT(ap->reasons), KV_TEXT(ap->permit_id),
	                              KV_INT(ap->created_at), ap->decided_at ? KV_INT(ap->decided_at) : KV_NULL,
	                              KV_TEXT(ap->departure_country), KV_TEXT(ap->arrival_country),
	                              KV_TEXT(ap->trailer_plate), KV_TEXT(ap->other_claims)));
	if (rc != KP_DB_OK) {
		json_decref(reasons);
		return rc;
	}
	ap->id = kp_rows_int(&r, 0, 0);
	return kp_store_audit_id(c, who, "permit_application.create", "permit_application", ap->id, NULL,
	                         json_pack("{s:I, s:s, s:i, s:i, s:I, s:s, s:s?, s:o}", "id", (json_int_t)ap->id,
	                                   "verifier", ap->verifier, "year", ap->year, "type", ap->type, "vehicle_id",
	                                   (json_int_t)ap->vehicle_id, "status", ap->status, "permit_id", ap->permit_id,
	                                   "reasons", reasons));
}

/* Build and sign the permit for serial into p; it is stored by insert_permit once its
 * application has an id. */
static int prepare_permit(kp_arena_t *a, const kp_issue_request_t *rq, const struct gathered *g, int64_t quota_id,
                          int64_t serial, int64_t now, kp_permit_t *p)
{
	const kp_application_t *ap = rq->app;
	kp_permit_id_t pid = {.year = ap->year, .type = ap->type, .serial = serial};
	snprintf(pid.issuer, sizeof(pid.issuer), "%s", rq->self);
	snprintf(pid.verifier, sizeof(pid.verifier), "%s", ap->verifier);
	char id[KP_PERMIT_ID_MAX];
	kp_permit_id_format(&pid, id);
	memset(p, 0, sizeof(*p));
	p->id = kp_arena_strdup(a, id);
	p->issuer = rq->self;
	p->verifier = ap->verifier;
	p->year = ap->year;
	p->type = ap->type;
	p->serial = serial;
	p->quota_id = quota_id;
	p->org_id = rq->org_id;
	p->vehicle_id = ap->vehicle_id;
	p->plate = g->vehicle.plate;
	p->company_name = g->org.name;
	p->company_id = g->org.inn ? g->org.inn : "";
	p->issued_at = now;
	p->expires_at = kp_permit_expiry(&g->type, ap->year, rq->utc_offset);
	p->departure_country = ap->departure_country ? ap->departure_country : rq->self;
	p->arrival_country = ap->arrival_country ? ap->arrival_country : ap->verifier;
	p->trailer_plate = ap->trailer_plate;
	p->other_claims = ap->other_claims;
	p->status = kp_permit_status_name(KP_PERMIT_ISSUED);
	if (rq->signer->sign(rq->signer->ctx, a, p, rq->utc_offset, &p->credential, &p->kid) != 0) {
		kp_error("signing permit %s failed", p->id);
		return KP_DB_ERR;
	}
	return KP_DB_OK;
}

/* Store a prepared permit (when there is one) for application app_id, with its audit row. */
static int insert_permit(kp_conn_t *c, const kp_actor_t *who, kp_permit_t *p, int64_t app_id, int utc_offset)
{
	if (p->id == NULL)
		return KP_DB_OK;
	p->application_id = app_id;
	int rc =
	    kp_db_run(c,
	              "INSERT INTO permits (id, issuer, verifier, year, type, serial, quota_id, application_id, org_id,"
	              " vehicle_id, plate, company_name, company_id, issued_at, expires_at, status, kid, credential,"
	              " departure_country, arrival_country, trailer_plate, other_claims)"
	              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	              KP_PARAMS(KV_TEXT(p->id), KV_TEXT(p->issuer), KV_TEXT(p->verifier), KV_INT(p->year), KV_INT(p->type),
	                        KV_INT(p->serial), KV_INT(p->quota_id), app_id ? KV_INT(app_id) : KV_NULL,
	                        p->org_id ? KV_INT(p->org_id) : KV_NULL, p->vehicle_id ? KV_INT(p->vehicle_id) : KV_NULL,
	                        KV_TEXT(p->plate), KV_TEXT(p->company_name), KV_TEXT(p->company_id), KV_INT(p->issued_at),
	                        KV_INT(p->expires_at), KV_TEXT(kp_permit_status_name(KP_PERMIT_ISSUED)), KV_TEXT(p->kid),
	                        KV_TEXT(p->credential), KV_TEXT(p->departure_country), KV_TEXT(p->arrival_country),
	                        KV_TEXT(p->trailer_plate), KV_TEXT(p->other_claims)),
	              NULL);
	if (rc == KP_DB_OK) /* the verifier learns of it by PERMIT_CREATED */
		rc = kp_store_outbox_permit_created(c, p, utc_offset);
	if (rc == KP_DB_OK)
		rc = kp_tlog_permit(c, "permit.issue", p, NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, "permit.issue", "permit", p->id, NULL, kp_store_permit_snapshot(p));
	if (rc == KP_DB_OK && p->org_id) /* the holder hears of it (docs/notifications.md) */
		rc = kp_store_notify_permit(c, KP_NOTICE_PERMIT_ISSUED, p->id, app_id, p->org_id, NULL, kp_now_ms());
	return rc;
}

/* The decision proper, inside an open transaction. */
static int decide(kp_conn_t *c, kp_arena_t *a, kp_issue_request_t *rq, kp_issue_result_t *res, bool review_allowed)
{
	int64_t now = kp_now();
	kp_application_t *ap = rq->app;
	/* Serialise decisions per carrier (holding limit, duplicates). SQLite's BEGIN IMMEDIATE
	 * already serialises every writer; on PostgreSQL a no-op write takes the row lock. */
	int rc = KP_DB_OK;
	if (c->be->dialect == KP_DIALECT_PG)
		rc = kp_db_run(c, "UPDATE organisations SET status = status WHERE id = ?", KP_PARAMS(KV_INT(rq->org_id)), NULL);
	struct gathered g;
	memset(&g, 0, sizeof(g));
	if (rc == KP_DB_OK)
		rc = gather(c, a, rq, now, &g);
	if (rc != KP_DB_OK)
		return rc;
	res->nfailures = kp_permit_decide(&g.facts, res->failures);
	ap->org_id = rq->org_id;
	ap->created_at = ap->created_at ? ap->created_at : now;
	ap->decided_at = now;
	if (res->nfailures > 0) {
		ap->status = KP_PERMIT_APP_REFUSED;
		return KP_DB_OK;
	}
	if (review_allowed && kp_review_required(g.type.review, g.first_of_type)) {
		ap->status = KP_PERMIT_APP_PENDING_REVIEW;
		ap->decided_at = 0;
		res->review = true;
		return KP_DB_OK;
	}
	int64_t quota_id, serial;
	rc = draw_serial(c, a, rq->self, ap->verifier, ap->year, ap->type, &quota_id, &serial);
	if (rc == KP_DB_NOTFOUND) {
		res->failures[res->nfailures].code = "INSUFFICIENT_PERMIT_QUOTA";
		res->failures[res->nfailures++].message = "no permits of this type are left in the partner's quota";
		ap->status = KP_PERMIT_APP_REFUSED;
		return KP_DB_OK;
	}
	if (rc != KP_DB_OK)
		return rc;
	if ((rc = prepare_permit(a, rq, &g, quota_id, serial, now, &res->permit)) != KP_DB_OK)
		return rc;
	ap->status = KP_PERMIT_APP_ISSUED;
	ap->permit_id = res->permit.id;
	return KP_DB_OK;
}

static bool vehicle_not_owned(const kp_issue_result_t *res)
{
	for (int i = 0; i < res->nfailures; i++)
		if (strcmp(res->failures[i].code, "VEHICLE_NOT_OWNED") == 0)
			return true;
	return false;
}

int kp_store_permit_apply_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_issue_request_t *rq,
                             kp_issue_result_t *res)
{
	memset(res, 0, sizeof(*res));
	rq->app->user_id = rq->user_id;
	int rc = decide(c, a, rq, res, true);
	if (rc != KP_DB_OK)
		return rc;
	/* An application naming no vehicle of this carrier is refused without a row (the
	 * application must reference a real vehicle); the answer still lists every reason. */
	if (vehicle_not_owned(res) &&
	    (rc = kp_tlog_application(c, "application.refuse", rq->app, res->failures, res->nfailures, NULL)) != KP_DB_OK)
		return rc;
	if (vehicle_not_owned(res))
		return kp_store_audit_json(c, who, "permit_application.refuse", "permit_application", NULL, NULL,
		                           json_pack("{s:s, s:i, s:i, s:I, s:o}", "verifier", rq->app->verifier, "year",
		                                     rq->app->year, "type", rq->app->type, "vehicle_id",
		                                     (json_int_t)rq->app->vehicle_id, "reasons", failures_json(res)));
	if ((rc = store_application(c, a, who, rq->app, res)) != KP_DB_OK)
		return rc;
	if (strcmp(rq->app->status, KP_PERMIT_APP_REFUSED) == 0 &&
	    (rc = kp_tlog_application(c, "application.refuse", rq->app, res->failures, res->nfailures, NULL)) != KP_DB_OK)
		return rc;
	return insert_permit(c, who, &res->permit, rq->app->id, rq->utc_offset);
}

int kp_store_permit_apply(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_issue_request_t *rq,
                          kp_issue_result_t *res)
{
	int rc = kp_store_begin(c);
	return rc != KP_DB_OK ? rc : kp_store_end(c, kp_store_permit_apply_tx(c, a, who, rq, res));
}

#define APP_COLUMNS \
	"id, org_id, user_id, verifier, year, type, vehicle_id, trip, status, reasons, permit_id," \
	" decided_by, decision_reason, created_at, decided_at, departure_country, arrival_country," \
	" trailer_plate, other_claims"

static void application_from_row(const kp_rows_t *r, int i, kp_application_t *ap)
{
	ap->id = kp_rows_int(r, i, 0);
	ap->org_id = kp_rows_int(r, i, 1);
	ap->user_id = kp_rows_int(r, i, 2);
	ap->verifier = kp_rows_text(r, i, 3);
	ap->year = (int)kp_rows_int(r, i, 4);
	ap->type = (int)kp_rows_int(r, i, 5);
	ap->vehicle_id = kp_rows_int(r, i, 6);
	ap->trip = kp_rows_text(r, i, 7);
	ap->status = kp_rows_text(r, i, 8);
	ap->reasons = kp_rows_text(r, i, 9);
	ap->permit_id = kp_rows_text(r, i, 10);
	ap->decided_by = kp_rows_int(r, i, 11);
	ap->decision_reason = kp_rows_text(r, i, 12);
	ap->created_at = kp_rows_int(r, i, 13);
	ap->decided_at = kp_rows_int(r, i, 14);
	ap->departure_country = kp_rows_text(r, i, 15);
	ap->arrival_country = kp_rows_text(r, i, 16);
	ap->trailer_plate = kp_rows_text(r, i, 17);
	ap->other_claims = kp_rows_text(r, i, 18);
}

int kp_store_application_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_application_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " APP_COLUMNS " FROM permit_applications WHERE id = ?", KP_PARAMS(KV_INT(id)));
	if (rc == KP_DB_OK)
		application_from_row(&r, 0, out);
	return rc;
}

int kp_store_application_list(kp_conn_t *c, kp_arena_t *a, int64_t org_id, const char *status, int limit,
                              kp_application_t **out, int *n)
{
	kp_page_t page = {NULL, limit, 0};
	int64_t total;
	return kp_store_application_page(c, a, org_id, status, &page, out, n, &total);
}

/* Kept by hand: clang-format would split the literals around KP_LIKE mid-word. */
/* clang-format off */
#define APP_WHERE                                                                                                  \
	" FROM permit_applications WHERE (CAST(? AS BIGINT) = 0 OR org_id = ?)"                                         \
	" AND (CAST(? AS TEXT) IS NULL OR status = ?) AND (CAST(? AS TEXT) IS NULL OR" KP_LIKE("CAST(id AS TEXT)")     \
	" OR" KP_LIKE("verifier") " OR" KP_LIKE("COALESCE(permit_id, '')")                                              \
	" OR vehicle_id IN (SELECT id FROM vehicles WHERE" KP_LIKE("plate") "))"
/* clang-format on */

int kp_store_application_page(kp_conn_t *c, kp_arena_t *a, int64_t org_id, const char *status, const kp_page_t *page,
                              kp_application_t **out, int *n, int64_t *total)
{
	const char *like = kp_page_pattern(a, page);
	kp_rows_t r;
	int rc = kp_page_query(c, a, "SELECT COUNT(*)" APP_WHERE,
	                       "SELECT " APP_COLUMNS APP_WHERE " ORDER BY id DESC LIMIT ? OFFSET ?",
	                       KP_PARAMS(KV_INT(org_id), KV_INT(org_id), KV_TEXT(status), KV_TEXT(status), KV_TEXT(like),
	                                 KV_TEXT(like), KV_TEXT(like), KV_TEXT(like), KV_TEXT(like)),
	                       page, &r, total);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_application_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		application_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

/* Record the ministry's decision on the stored row, with before/after in the audit.
 * KP_DB_CONFLICT when it was decided meanwhile. */
static int update_decided(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_application_t *before,
                          kp_application_t *ap, const kp_issue_result_t *res, const char *reason)
{
	json_t *reasons = failures_json(res);
	char *reasons_text = json_dumps(reasons, JSON_COMPACT);
	ap->reasons = kp_arena_strdup(a, reasons_text);
	free(reasons_text);
	int64_t changed = 0;
	int rc = kp_db_run(c,
	                   "UPDATE permit_applications SET status = ?, reasons = ?, permit_id = ?, decided_by = ?,"
	                   " decision_reason = ?, decided_at = ? WHERE id = ? AND status = ?",
	                   KP_PARAMS(KV_TEXT(ap->status), KV_TEXT(ap->reasons), KV_TEXT(ap->permit_id),
	                             who->user_id ? KV_INT(who->user_id) : KV_NULL, KV_TEXT(reason), KV_INT(kp_now()),
	                             KV_INT(ap->id), KV_TEXT(KP_PERMIT_APP_PENDING_REVIEW)),
	                   &changed);
	if (rc == KP_DB_OK && changed != 1)
		rc = KP_DB_CONFLICT;
	if (rc == KP_DB_OK && strcmp(ap->status, KP_PERMIT_APP_REJECTED) == 0)
		rc = kp_tlog_application(c, "application.reject", ap, res->failures, res->nfailures, reason);
	else if (rc == KP_DB_OK && strcmp(ap->status, KP_PERMIT_APP_REFUSED) == 0)
		rc = kp_tlog_application(c, "application.refuse", ap, res->failures, res->nfailures, NULL);
	if (rc == KP_DB_OK && strcmp(ap->status, KP_PERMIT_APP_REJECTED) == 0)
		rc = kp_store_notify_permit(c, KP_NOTICE_PERMIT_REFUSED, kp_arena_printf(a, "%lld", (long long)ap->id), ap->id,
		                            ap->org_id, reason, kp_now_ms());
	if (rc != KP_DB_OK) {
		json_decref(reasons);
		return rc;
	}
	return kp_store_audit_id(c, who, "permit_application.decide", "permit_application", ap->id,
	                         json_pack("{s:s}", "status", before->status),
	                         json_pack("{s:s, s:s, s:s?, s:o}", "status", ap->status, "reason", reason, "permit_id",
	                                   ap->permit_id, "reasons", reasons));
}

int kp_store_application_decide(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t app_id, bool approve,
                                const char *reason, kp_issue_request_t *rq, kp_issue_result_t *res)
{
	memset(res, 0, sizeof(*res));
	kp_application_t before;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	/* Lock the row first so that two decisions on one application cannot both pass. */
	if ((rc = kp_db_run(c, "UPDATE permit_applications SET status = status WHERE id = ?", KP_PARAMS(KV_INT(app_id)),
	                    NULL)) == KP_DB_OK &&
	    (rc = kp_store_application_get(c, a, app_id, &before)) == KP_DB_OK && !kp_permit_app_in_review(before.status))
		rc = KP_DB_CONFLICT;
	if (rc == KP_DB_OK) {
		*rq->app = before;
		rq->org_id = before.org_id;
		if (approve)
			rc = decide(c, a, rq, res, false);
		else
			rq->app->status = KP_PERMIT_APP_REJECTED;
		rq->app->id = app_id;
	}
	if (rc == KP_DB_OK)
		rc = update_decided(c, a, who, &before, rq->app, res, reason);
	if (rc == KP_DB_OK)
		rc = insert_permit(c, who, &res->permit, app_id, rq->utc_offset);
	return kp_store_end(c, rc);
}

/* The body of kp_store_permit_issue_direct, inside its transaction. */
static int issue_direct_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_direct_issue_t *rq, const char **why)
{
	kp_permit_t *p = rq->permit;
	kp_permit_type_t type;
	int rc = kp_store_permit_type_get(c, a, p->type, &type);
	if (rc != KP_DB_OK)
		return rc;
	int64_t now = kp_now();
	if (kp_permit_expiry(&type, p->year, rq->utc_offset) < now && p->expires_at == 0) {
		*why = "PERMIT_YEAR_OVER";
		return KP_DB_CONFLICT;
	}
	/* a multilateral permit is for an organisation whose permit system we take part in */
	kp_authority_t partner;
	bool organisation = kp_store_authority_get(c, a, p->verifier, &partner) == KP_DB_OK && partner.kind &&
	                    strcmp(partner.kind, "organisation") == 0,
	     member = false;
	if (organisation != type.multilateral) {
		*why = "TYPE_NOT_FOR_PARTNER";
		return KP_DB_CONFLICT;
	}
	if (organisation && (rc = kp_store_authority_is_member(c, a, p->verifier, rq->self,
	                                                       kp_local_day(now, rq->utc_offset), &member)) != KP_DB_OK)
		return rc;
	if (organisation && !member) {
		*why = "NOT_A_MEMBER";
		return KP_DB_CONFLICT;
	}
	int64_t quota_id, serial;
	rc = draw_serial(c, a, rq->self, p->verifier, p->year, p->type, &quota_id, &serial);
	if (rc == KP_DB_NOTFOUND) {
		*why = "INSUFFICIENT_PERMIT_QUOTA";
		return KP_DB_CONFLICT;
	}
	if (rc != KP_DB_OK)
		return rc;
	kp_permit_id_t pid = {.year = p->year, .type = p->type, .serial = serial};
	snprintf(pid.issuer, sizeof(pid.issuer), "%s", rq->self);
	snprintf(pid.verifier, sizeof(pid.verifier), "%s", p->verifier);
	char id[KP_PERMIT_ID_MAX];
	kp_permit_id_format(&pid, id);
	p->id = kp_arena_strdup(a, id);
	p->issuer = rq->self;
	p->serial = serial;
	p->quota_id = quota_id;
	p->issued_at = now;
	if (p->expires_at == 0)
		p->expires_at = kp_permit_expiry(&type, p->year, rq->utc_offset);
	if (p->departure_country == NULL)
		p->departure_country = rq->self;
	if (p->arrival_country == NULL)
		p->arrival_country = p->verifier;
	p->status = kp_permit_status_name(KP_PERMIT_ISSUED);
	if (rq->signer->sign(rq->signer->ctx, a, p, rq->utc_offset, &p->credential, &p->kid) != 0) {
		kp_error("signing permit %s failed", p->id);
		return KP_DB_ERR;
	}
	return insert_permit(c, who, p, 0, rq->utc_offset);
}

int kp_store_permit_issue_direct(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_direct_issue_t *rq,
                                 const char **why)
{
	*why = NULL;
	int rc = kp_store_begin(c);
	return rc != KP_DB_OK ? rc : kp_store_end(c, issue_direct_tx(c, a, who, rq, why));
}
