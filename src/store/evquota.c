/* evquota.c: the duty-free EV quota's ledger per year, its register of VINs, and the
 * effect the single window's EV procedure has on them: VINs claimed at submission, a
 * place reserved when customs approves (first come, first served by that moment; a day
 * whose demand exceeds what is left is split pro rata once it has ended), allocation made
 * final when every step has approved, release on refusal or expiry. The year's row is
 * locked for every change of its ledger, so neither database over-allocates. */
#include "store/window_effects.h"

#include "core/util.h"
#include "domain/dates.h"
#include "domain/evquota.h"
#include "domain/window.h"
#include "store/tlog_acts.h"

#include <jansson.h>
#include <string.h>

#define YEAR_COLUMNS \
	"y.year, y.critical_percent, y.reservation_days, y.total, y.updated_at, y.kinds, y.day_rule, y.source," \
	" (SELECT COALESCE(SUM(granted), 0) FROM ev_claims c WHERE c.year = y.year AND c.state = '" KP_EV_CLAIM_S_RESERVED \
	"')," \
	" (SELECT COALESCE(SUM(requested), 0) FROM ev_claims c WHERE c.year = y.year AND c.state = " \
	"'" KP_EV_CLAIM_S_PENDING "')," \
	" (SELECT COALESCE(SUM(granted), 0) FROM ev_claims c WHERE c.year = y.year AND c.state = " \
	"'" KP_EV_CLAIM_S_ALLOCATED "')"

static void year_from_row(const kp_rows_t *r, int i, kp_ev_year_t *y)
{
	y->year = (int)kp_rows_int(r, i, 0);
	y->critical_percent = (int)kp_rows_int(r, i, 1);
	y->reservation_days = (int)kp_rows_int(r, i, 2);
	y->total = kp_rows_int(r, i, 3);
	y->updated_at = kp_rows_int(r, i, 4);
	y->kinds = kp_rows_text(r, i, 5);
	y->day_rule = kp_rows_text(r, i, 6);
	y->source = kp_rows_text(r, i, 7);
	y->reserved = kp_rows_int(r, i, 8);
	y->pending = kp_rows_int(r, i, 9);
	y->allocated = kp_rows_int(r, i, 10);
}

int kp_store_ev_years(kp_conn_t *c, kp_arena_t *a, kp_ev_year_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT " YEAR_COLUMNS " FROM ev_quota_years y ORDER BY y.year", NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_ev_year_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		year_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_ev_year_get(kp_conn_t *c, kp_arena_t *a, int year, kp_ev_year_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " YEAR_COLUMNS " FROM ev_quota_years y WHERE y.year = ?",
	                   KP_PARAMS(KV_INT(year)));
	if (rc == KP_DB_OK)
		year_from_row(&r, 0, out);
	return rc;
}

int kp_store_ev_year_put(kp_conn_t *c, const kp_actor_t *who, const kp_ev_year_t *y)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_ev_year_t before = {0};
	int rc = kp_sw_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE ev_quota_years SET total = total WHERE year = ?", KP_PARAMS(KV_INT(y->year)), NULL);
	int got = rc == KP_DB_OK ? kp_store_ev_year_get(c, &a, y->year, &before) : rc;
	if (got == KP_DB_OK && y->total < before.reserved + before.allocated)
		rc = KP_DB_CONFLICT;
	else if (got == KP_DB_OK)
		rc = kp_db_run(c,
		               "UPDATE ev_quota_years SET total = ?, kinds = ?, day_rule = ?, critical_percent = ?,"
		               " reservation_days = ?, source = ?, updated_at = ? WHERE year = ?",
		               KP_PARAMS(KV_INT(y->total), KV_TEXT(y->kinds), KV_TEXT(y->day_rule), KV_INT(y->critical_percent),
		                         KV_INT(y->reservation_days), KV_TEXT(y->source), KV_INT(kp_now()), KV_INT(y->year)),
		               NULL);
	else if (got == KP_DB_NOTFOUND)
		rc = kp_db_run(c,
		               "INSERT INTO ev_quota_years (year, total, kinds, day_rule, critical_percent, reservation_days,"
		               " source, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		               KP_PARAMS(KV_INT(y->year), KV_INT(y->total), KV_TEXT(y->kinds), KV_TEXT(y->day_rule),
		                         KV_INT(y->critical_percent), KV_INT(y->reservation_days), KV_TEXT(y->source),
		                         KV_INT(kp_now())),
		               NULL);
	else
		rc = got;
	char id[16];
	snprintf(id, sizeof(id), "%d", y->year);
	json_t *after = json_pack("{s:i, s:I, s:s, s:s, s:i, s:s}", "year", y->year, "total", (json_int_t)y->total, "kinds",
	                          y->kinds, "day_rule", y->day_rule, "critical_percent", y->critical_percent, "source",
	                          y->source);
	if (rc == KP_DB_OK) /* the ledger is rule data: its changes are public */
		rc = kp_tlog_rules(c, "ev_quota_years", id, after);
	json_decref(after);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, "ev_quota.year", "ev_quota_year", id,
		                         got == KP_DB_OK ? json_pack("{s:I, s:s, s:s}", "total", (json_int_t)before.total,
		                                                     "kinds", before.kinds, "day_rule", before.day_rule)
		                                         : NULL,
		                         json_pack("{s:I, s:s, s:s}", "total", (json_int_t)y->total, "kinds", y->kinds,
		                                   "day_rule", y->day_rule));
	kp_arena_cleanup(&a);
	return kp_sw_end(c, rc);
}

int kp_store_ev_rules(kp_conn_t *c, kp_arena_t *a, kp_ev_rule_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT code, text_en, text_ru, text_ky, source, params FROM ev_rules ORDER BY code",
	                    NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_ev_rule_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		const char **s[] = {&(*out)[i].code,    &(*out)[i].text_en, &(*out)[i].text_ru,
		                    &(*out)[i].text_ky, &(*out)[i].source,  &(*out)[i].params};
		for (int k = 0; k < 6; k++)
			*s[k] = kp_rows_text(&r, i, k);
	}
	return KP_DB_OK;
}

int kp_store_ev_months(kp_conn_t *c, kp_arena_t *a, int year, kp_ev_month_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT day, state, SUM(granted) FROM ev_claims WHERE year = ? AND state "
	                    "IN " KP_EV_CLAIM_HELD_SQL " GROUP BY day, state ORDER BY day",
	                    KP_PARAMS(KV_INT(year)));
	if (rc != KP_DB_OK)
		return rc;
	*out = kp_arena_zalloc(a, sizeof(kp_ev_month_t) * 12);
	*n = 12;
	for (int m = 0; m < 12; m++) {
		(*out)[m].year = year;
		(*out)[m].month = m + 1;
	}
	for (int i = 0; i < r.nrows; i++) {
		int y, m, d;
		kp_civil_from_days(kp_rows_int(&r, i, 0), &y, &m, &d);
		if (m < 1 || m > 12)
			continue;
		if (strcmp(kp_rows_text(&r, i, 1), KP_EV_CLAIM_S_ALLOCATED) == 0)
			(*out)[m - 1].allocated += kp_rows_int(&r, i, 2);
		else
			(*out)[m - 1].reserved += kp_rows_int(&r, i, 2);
	}
	return KP_DB_OK;
}

int kp_store_ev_vin(kp_conn_t *c, kp_arena_t *a, const char *vin, kp_ev_vin_t *out)
{
	kp_rows_t r;
	memset(out, 0, sizeof(*out));
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT state, kind, year, application_id, claimed_at, allocated_at FROM ev_vins WHERE vin = ?",
	                    KP_PARAMS(KV_TEXT(vin)));
	if (rc != KP_DB_OK || r.nrows == 0)
		return rc;
	out->found = true;
	out->state = kp_rows_text(&r, 0, 0);
	out->kind = kp_rows_text(&r, 0, 1);
	out->year = (int)kp_rows_int(&r, 0, 2);
	out->application_id = kp_rows_int(&r, 0, 3);
	out->claimed_at = kp_rows_int(&r, 0, 4);
	out->allocated_at = kp_rows_int(&r, 0, 5);
	return KP_DB_OK;
}

#define CLAIM_COLUMNS \
	"id, application_id, day, requested, granted, claimed_at, expires_at, allocated_at, released_at, year, state, " \
	"reason"

static void claim_from_row(const kp_rows_t *r, int i, kp_ev_claim_t *o)
{
	int64_t *v[] = {&o->id,         &o->application_id, &o->day,          &o->requested,  &o->granted,
	                &o->claimed_at, &o->expires_at,     &o->allocated_at, &o->released_at};
	for (int k = 0; k < 9; k++)
		*v[k] = kp_rows_int(r, i, k);
	o->year = (int)kp_rows_int(r, i, 9);
	o->state = kp_rows_text(r, i, 10);
	o->reason = kp_rows_text(r, i, 11);
}

int kp_store_ev_claim_of(kp_conn_t *c, kp_arena_t *a, int64_t app_id, kp_ev_claim_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " CLAIM_COLUMNS " FROM ev_claims WHERE application_id = ?",
	                   KP_PARAMS(KV_INT(app_id)));
	if (rc == KP_DB_OK)
		claim_from_row(&r, 0, out);
	return rc;
}

/* The vehicles of an application's form. Caller decrefs. */
static json_t *vehicles_of(const kp_sw_app_t *app)
{
	json_t *data = json_loads(app->data, 0, NULL);
	json_t *v = json_incref(json_object_get(data, "vehicles"));
	json_decref(data);
	return v ? v : json_array();
}

int kp_ev_effect_submit(kp_conn_t *c, kp_arena_t *a, const kp_sw_app_t *app, int64_t now, kp_sw_conflict_t *why)
{
	json_t *vs = vehicles_of(app), *v;
	size_t i;
	int rc = KP_DB_OK;
	json_array_foreach(vs, i, v) {
		const char *vin = json_string_value(json_object_get(v, "vin"));
		kp_ev_vin_t first;
		rc = kp_store_ev_vin(c, a, vin, &first);
		if (rc == KP_DB_OK && first.found) {
			why->code = "vin_claimed";
			why->field = kp_arena_printf(a, "data.vehicles[%zu].vin", i);
			why->other_application = first.application_id;
			why->message =
			    kp_arena_printf(a, "VIN %s is already claimed by application %lld (%s%s): one claim per VIN, ever", vin,
			                    (long long)first.application_id, first.state,
			                    first.year ? kp_arena_printf(a, ", quota %d", first.year) : "");
			rc = KP_DB_CONFLICT;
		}
		if (rc == KP_DB_OK)
			rc = kp_db_run(c,
			               "INSERT INTO ev_vins (vin, application_id, kind, state, claimed_at) VALUES (?, ?, ?, ?, ?)",
			               KP_PARAMS(KV_TEXT(vin), KV_INT(app->id),
			                         KV_TEXT(json_string_value(json_object_get(v, "kind"))),
			                         KV_TEXT(KP_EV_VIN_S_CLAIMED), KV_INT(now)),
			               NULL);
		if (rc == KP_DB_CONFLICT && why->code == NULL) {
			why->code = "vin_claimed";
			why->field = kp_arena_printf(a, "data.vehicles[%zu].vin", i);
			why->message = kp_arena_printf(a, "VIN %s was claimed by another application a moment ago", vin);
		}
		if (rc != KP_DB_OK)
			break;
	}
	json_decref(vs);
	return rc;
}

int kp_ev_effect_release(kp_conn_t *c, const kp_sw_app_t *app, int64_t now, const char *reason)
{
	int rc = kp_db_run(c,
	                   "UPDATE ev_claims SET state = ?, released_at = ?, reason = ? WHERE application_id = ?"
	                   " AND state IN " KP_EV_CLAIM_OPEN_SQL,
	                   KP_PARAMS(KV_TEXT(kp_ev_claim_next(KP_EV_CLAIM_S_RESERVED, KP_EV_RELEASE)), KV_INT(now),
	                             KV_TEXT(reason), KV_INT(app->id)),
	                   NULL);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "DELETE FROM ev_vins WHERE application_id = ? AND state <> '" KP_EV_VIN_S_ALLOCATED "'",
		               KP_PARAMS(KV_INT(app->id)), NULL);
	return rc;
}

static int64_t sum_of(kp_conn_t *c, kp_arena_t *a, const char *sql, const kp_val_t *p, int n, int *rc)
{
	kp_rows_t r;
	if (*rc != KP_DB_OK)
		return 0;
	*rc = kp_db_exec(c, a, &r, sql, p, n);
	return *rc == KP_DB_OK && r.nrows ? kp_rows_int(&r, 0, 0) : 0;
}

/* Keep the first `granted` VINs of the application reserved; give the rest back. */
static int keep_vins(kp_conn_t *c, const kp_sw_app_t *app, int64_t granted, int year)
{
	json_t *vs = vehicles_of(app), *v;
	size_t i;
	int rc = KP_DB_OK;
	json_array_foreach(vs, i, v) {
		const char *vin = json_string_value(json_object_get(v, "vin"));
		if ((int64_t)i < granted)
			rc = kp_db_run(c, "UPDATE ev_vins SET state = ?, year = ? WHERE vin = ? AND application_id = ?",
			               KP_PARAMS(KV_TEXT(KP_EV_VIN_S_RESERVED), KV_INT(year), KV_TEXT(vin), KV_INT(app->id)), NULL);
		else
			rc = kp_db_run(c, "DELETE FROM ev_vins WHERE vin = ? AND application_id = ?",
			               KP_PARAMS(KV_TEXT(vin), KV_INT(app->id)), NULL);
		if (rc != KP_DB_OK)
			break;
	}
	json_decref(vs);
	return rc;
}

/* Settle the pending claims of one (year, day), the year's row already locked. */
static int settle_day(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int year, int64_t day, int64_t now)
{
	kp_rows_t r;
	int rc = KP_DB_OK;
	int64_t total = sum_of(c, a, "SELECT total FROM ev_quota_years WHERE year = ?", KP_PARAMS(KV_INT(year)), &rc);
	int64_t held = sum_of(c, a,
	                      "SELECT COALESCE(SUM(granted), 0) FROM ev_claims WHERE year = ? AND state "
	                      "IN " KP_EV_CLAIM_HELD_SQL,
	                      KP_PARAMS(KV_INT(year)), &rc);
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, a, &r,
		                "SELECT " CLAIM_COLUMNS
		                " FROM ev_claims WHERE year = ? AND day = ? AND state = '" KP_EV_CLAIM_S_PENDING
		                "' ORDER BY id",
		                KP_PARAMS(KV_INT(year), KV_INT(day)));
	if (rc != KP_DB_OK)
		return rc;
	kp_ev_share_t *sh = kp_arena_zalloc(a, sizeof(*sh) * (size_t)(r.nrows + 1));
	kp_ev_claim_t *cl = kp_arena_zalloc(a, sizeof(*cl) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		claim_from_row(&r, i, &cl[i]);
		sh[i].requested = cl[i].requested;
		sh[i].key = kp_ev_tie_key(cl[i].application_id, day);
	}
	int64_t left = total - held;
	kp_ev_pro_rata(left, sh, r.nrows);
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		kp_sw_app_t app;
		rc = kp_store_sw_app_get(c, a, cl[i].application_id, &app);
		const char
		    *why = kp_arena_printf(a, "pro rata share of day %lld: %lld of %lld asked (%lld left for the day's demand)",
		                           (long long)day, (long long)sh[i].granted, (long long)sh[i].requested,
		                           (long long)left);
		if (rc == KP_DB_OK)
			rc = kp_db_run(c, "UPDATE ev_claims SET state = ?, granted = ?, reason = ? WHERE id = ?",
			               KP_PARAMS(KV_TEXT(kp_ev_claim_next(cl[i].state,
			                                                  sh[i].granted ? KP_EV_SHARE_GRANTED : KP_EV_SHARE_NONE)),
			                         KV_INT(sh[i].granted), KV_TEXT(why), KV_INT(cl[i].id)),
			               NULL);
		if (rc == KP_DB_OK)
			rc = kp_sw_event(c, app.id, "customs", 0, "quota_settled", why, now);
		if (rc == KP_DB_OK && sh[i].granted == 0 && kp_sw_app_open(app.status))
			rc = kp_sw_finish_app(c, a, who, &app, KP_SW_APP_REFUSED, why, now);
		else if (rc == KP_DB_OK)
			rc = keep_vins(c, &app, sh[i].granted, year);
	}
	return rc;
}

/* Settle every pending day of year before today; the year's row already locked. */
static int settle_year(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int year, int64_t today, int64_t now)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT DISTINCT day FROM ev_claims WHERE year = ? AND state = '" KP_EV_CLAIM_S_PENDING
	                    "' AND day < ? ORDER BY day",
	                    KP_PARAMS(KV_INT(year), KV_INT(today)));
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++)
		rc = settle_day(c, a, who, year, kp_rows_int(&r, i, 0), now);
	return rc;
}

/* The ledger is dated: a year without a row of its own takes the latest earlier year's
 * (15,000 from 2026 on, until the ministry sets otherwise). Inside the caller's transaction;
 * KP_DB_NOTFOUND when no earlier year exists either. */
static int carry_year(kp_conn_t *c, int year)
{
	int64_t added = 0;
	int rc = kp_db_run(c,
	                   "INSERT INTO ev_quota_years (year, total, kinds, day_rule, critical_percent, reservation_days, "
	                   "source,"
	                   " updated_at) SELECT ?, total, kinds, day_rule, critical_percent, reservation_days,"
	                   " 'carried forward from ' || year || ': ' || source, ? FROM ev_quota_years WHERE year < ?"
	                   " ORDER BY year DESC LIMIT 1 ON CONFLICT DO NOTHING",
	                   KP_PARAMS(KV_INT(year), KV_INT(kp_now()), KV_INT(year)), &added);
	if (rc == KP_DB_OK && added > 0) {
		char id[16];
		snprintf(id, sizeof(id), "%d", year);
		kp_actor_t sys = {0, "system", NULL, NULL};
		rc = kp_store_audit_json(c, &sys, "ev_quota.carry", "ev_quota_year", id, NULL, NULL);
	}
	return rc;
}

static int lock_year(kp_conn_t *c, int year)
{
	int64_t changed = 0;
	int rc = kp_db_run(c, "UPDATE ev_quota_years SET total = total WHERE year = ?", KP_PARAMS(KV_INT(year)), &changed);
	if (rc == KP_DB_OK && changed == 0) {
		rc = carry_year(c, year);
		if (rc == KP_DB_OK)
			rc = kp_db_run(c, "UPDATE ev_quota_years SET total = total WHERE year = ?", KP_PARAMS(KV_INT(year)),
			               &changed);
	}
	return rc == KP_DB_OK && changed == 0 ? KP_DB_NOTFOUND : rc;
}

int kp_store_ev_year_ensure(kp_conn_t *c, int year)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_db_exec(c, &a, &r, "SELECT 1 FROM ev_quota_years WHERE year = ?", KP_PARAMS(KV_INT(year)));
	kp_arena_cleanup(&a);
	if (rc != KP_DB_OK || r.nrows > 0)
		return rc;
	rc = kp_sw_begin(c);
	if (rc == KP_DB_OK)
		rc = carry_year(c, year);
	return kp_sw_end(c, rc);
}

/* The first vehicle kind the year does not admit, or NULL. */
static const char *kind_refused(const kp_sw_app_t *app, const char *kinds_json, kp_arena_t *a)
{
	json_t *kinds = json_loads(kinds_json, 0, NULL), *vs = vehicles_of(app), *v;
	const char *bad = NULL;
	size_t i;
	json_array_foreach(vs, i, v) {
		const char *kind = json_string_value(json_object_get(v, "kind"));
		if (!kp_ev_kind_admitted(kinds, kind) && bad == NULL)
			bad = kp_arena_strdup(a, kind ? kind : "?");
	}
	json_decref(kinds);
	json_decref(vs);
	return bad;
}

/* What a claim of today may take: *left, the year's total less what earlier days hold
 * (first come, first served: less everything held), and *day_demand, what today's claims
 * ask for (pro rata only). The year's row is locked. */
static int capacity(kp_conn_t *c, kp_arena_t *a, const kp_ev_year_t *year, int64_t today, bool pro_rata, int64_t *left,
                    int64_t *day_demand)
{
	int rc = KP_DB_OK;
	int64_t held = sum_of(c, a,
	                      "SELECT COALESCE(SUM(granted), 0) FROM ev_claims WHERE year = ?"
	                      " AND state IN " KP_EV_CLAIM_HELD_SQL " AND (CAST(? AS BIGINT) = 0 OR day < ?)",
	                      KP_PARAMS(KV_INT(year->year), KV_INT(pro_rata), KV_INT(today)), &rc);
	*day_demand = !pro_rata ? 0
	                        : sum_of(c, a,
	                                 "SELECT COALESCE(SUM(requested), 0) FROM ev_claims WHERE year = ? AND day = ?"
	                                 " AND state IN " KP_EV_CLAIM_OPEN_SQL,
	                                 KP_PARAMS(KV_INT(year->year), KV_INT(today)), &rc);
	*left = year->total - held;
	return rc;
}

int kp_ev_effect_reserve(kp_conn_t *c, kp_arena_t *a, const kp_sw_app_t *app, int64_t now, int utc_offset,
                         const char **effect, kp_sw_conflict_t *why)
{
	int64_t today = kp_local_day(now, utc_offset);
	int y, m, d;
	kp_civil_from_days(today, &y, &m, &d);
	kp_ev_year_t year;
	int rc = lock_year(c, y);
	if (rc == KP_DB_NOTFOUND) {
		why->code = "no_quota";
		why->message = kp_arena_printf(a, "no duty-free quota is set for %d", y);
		return KP_DB_CONFLICT;
	}
	kp_actor_t sys = {0, "system", NULL, NULL};
	if (rc == KP_DB_OK)
		rc = settle_year(c, a, &sys, y, today, now);
	if (rc == KP_DB_OK)
		rc = kp_store_ev_year_get(c, a, y, &year);
	if (rc != KP_DB_OK)
		return rc;
	const char *bad = kind_refused(app, year.kinds, a);
	if (bad) {
		why->code = "kind_not_admitted";
		why->message = kp_arena_printf(a, "vehicle kind %s is not admitted by the %d quota (it admits %s)", bad, y,
		                               year.kinds);
		return KP_DB_CONFLICT;
	}
	json_t *vs = vehicles_of(app);
	int64_t requested = (int64_t)json_array_size(vs);
	json_decref(vs);
	bool pro_rata = strcmp(year.day_rule, "pro_rata") == 0;
	int64_t left, day_demand;
	rc = capacity(c, a, &year, today, pro_rata, &left, &day_demand);
	if (rc != KP_DB_OK)
		return rc;
	if (left <= 0 || (!pro_rata && requested > left)) {
		why->code = "quota_exhausted";
		why->message = kp_arena_printf(a, "the %d duty-free quota has %lld places left; this application asks for %lld",
		                               y, (long long)(left > 0 ? left : 0), (long long)requested);
		return KP_DB_CONFLICT;
	}
	bool fits = day_demand + requested <= left;
	if (!fits) /* the day is oversubscribed: everyone's claim of the day waits for the pro-rata split */
		rc = kp_db_run(c,
		               "UPDATE ev_claims SET state = ?, granted = 0 WHERE year = ? AND day = ? AND state = "
		               "'" KP_EV_CLAIM_S_RESERVED "'",
		               KP_PARAMS(KV_TEXT(kp_ev_claim_next(KP_EV_CLAIM_S_RESERVED, KP_EV_OVERSUBSCRIBED)), KV_INT(y),
		                         KV_INT(today)),
		               NULL);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "INSERT INTO ev_claims (application_id, year, day, requested, granted, state, claimed_at, "
		               "expires_at)"
		               " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		               KP_PARAMS(KV_INT(app->id), KV_INT(y), KV_INT(today), KV_INT(requested),
		                         KV_INT(fits ? requested : 0), KV_TEXT(kp_ev_claim_first(fits)), KV_INT(now),
		                         KV_INT(app->expires_at)),
		               NULL);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE ev_vins SET state = ?, year = ? WHERE application_id = ?",
		               KP_PARAMS(KV_TEXT(KP_EV_VIN_S_RESERVED), KV_INT(y), KV_INT(app->id)), NULL);
	*effect = kp_ev_claim_first(fits);
	return rc;
}

int kp_ev_effect_complete(kp_conn_t *c, kp_arena_t *a, const kp_sw_app_t *app, int64_t now, int utc_offset, bool *final)
{
	kp_ev_claim_t cl;
	kp_ev_year_t year;
	*final = false;
	int rc = kp_store_ev_claim_of(c, a, app->id, &cl);
	if (rc == KP_DB_NOTFOUND)
		return KP_DB_OK; /* nothing reserved: customs has not approved */
	if (rc == KP_DB_OK)
		rc = kp_store_ev_year_get(c, a, cl.year, &year);
	const char *allocated = rc == KP_DB_OK ? kp_ev_claim_next(cl.state, KP_EV_ALLOCATE) : NULL;
	if (rc != KP_DB_OK || !allocated)
		return rc;
	if (strcmp(year.day_rule, "pro_rata") == 0 && cl.day >= kp_local_day(now, utc_offset))
		return kp_sw_event(c, app->id, NULL, 0, "awaiting_day_end",
		                   "the allocation becomes final when the day of the claim has ended (pro-rata rule)", now);
	rc = kp_db_run(c, "UPDATE ev_claims SET state = ?, allocated_at = ? WHERE id = ?",
	               KP_PARAMS(KV_TEXT(allocated), KV_INT(now), KV_INT(cl.id)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE ev_vins SET state = ?, allocated_at = ? WHERE application_id = ?",
		               KP_PARAMS(KV_TEXT(KP_EV_VIN_S_ALLOCATED), KV_INT(now), KV_INT(app->id)), NULL);
	*final = rc == KP_DB_OK;
	return rc;
}

/* Applications whose every step approved and whose claim of an ended day is reserved. */
static int finalize_ready(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t today, int64_t now,
                          int utc_offset)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT c.application_id FROM ev_claims c JOIN sw_applications p ON p.id = c.application_id"
	                    " WHERE c.state = '" KP_EV_CLAIM_S_RESERVED
	                    "' AND c.day < ? AND p.status = '" KP_SW_APP_IN_PROGRESS "'"
	                    " AND NOT EXISTS (SELECT 1 FROM sw_steps s WHERE s.application_id = p.id"
	                    " AND s.state NOT IN " KP_SW_DONE_SQL ")",
	                    KP_PARAMS(KV_INT(today)));
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		kp_sw_app_t app;
		bool final = false;
		rc = kp_store_sw_app_get(c, a, kp_rows_int(&r, i, 0), &app);
		if (rc == KP_DB_OK)
			rc = kp_ev_effect_complete(c, a, &app, now, utc_offset, &final);
		if (rc == KP_DB_OK && final)
			rc = kp_sw_finish_app(c, a, who, &app, KP_SW_APP_APPROVED, "approved by every agency", now);
	}
	return rc;
}

int kp_store_ev_settle(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t now, int utc_offset)
{
	int64_t today = kp_local_day(now, utc_offset);
	int rc = KP_DB_OK;
	int64_t work = sum_of(c, a,
	                      "SELECT COUNT(*) FROM ev_claims c JOIN sw_applications p ON p.id = c.application_id"
	                      " WHERE c.day < ? AND p.status = '" KP_SW_APP_IN_PROGRESS
	                      "' AND (c.state = '" KP_EV_CLAIM_S_PENDING "' OR (c.state = '" KP_EV_CLAIM_S_RESERVED
	                      "' AND NOT EXISTS (SELECT 1 FROM sw_steps s WHERE s.application_id = p.id"
	                      " AND s.state NOT IN " KP_SW_DONE_SQL ")))",
	                      KP_PARAMS(KV_INT(today)), &rc);
	if (rc != KP_DB_OK || work == 0)
		return rc;
	kp_rows_t r;
	rc = kp_sw_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, a, &r,
		                "SELECT DISTINCT year FROM ev_claims WHERE state = '" KP_EV_CLAIM_S_PENDING
		                "' AND day < ? ORDER BY year",
		                KP_PARAMS(KV_INT(today)));
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		int year = (int)kp_rows_int(&r, i, 0);
		rc = lock_year(c, year);
		if (rc == KP_DB_OK)
			rc = settle_year(c, a, who, year, today, now);
	}
	if (rc == KP_DB_OK)
		rc = finalize_ready(c, a, who, today, now, utc_offset);
	return kp_sw_end(c, rc);
}
