/* trends.c: GET /api/v1/trends/{permits,crossings,window}: the counts over time the
 * ministry's charts draw (web/js/pages/trends.js). Months and days are local (the
 * configured UTC offset); every month or day of the span is present, zeros included. */
#include "api/api.h"
#include "core/clock.h"
#include "core/util.h"
#include "domain/dates.h"
#include "store/registry.h"
#include "store/trends.h"

#include <string.h>

#define MAX_KEYS 64

/* First local day of month m (1..12, may overflow into the next years) of year y. */
static int64_t month_start(int y, int m)
{
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	return kp_days_from_civil(y, m, 1);
}

/* The instant a local day starts. */
static int64_t day_start(int64_t day, int offset_minutes)
{
	return day * 86400 - (int64_t)offset_minutes * 60;
}

/* Series {key, counts[nmonths], total} per key, months from (y, m0). */
static json_t *month_series(const kp_trend_row_t *rows, int n, int y, int m0, int nmonths)
{
	json_t *series = json_array();
	for (int i = 0; i < n; i++) {
		const char *key = rows[i].key ? rows[i].key : "";
		json_t *s = NULL;
		for (size_t j = 0; j < json_array_size(series); j++)
			if (strcmp(json_string_value(json_object_get(json_array_get(series, j), "key")), key) == 0)
				s = json_array_get(series, j);
		if (s == NULL) {
			if (json_array_size(series) >= MAX_KEYS)
				continue;
			json_t *counts = json_array();
			for (int k = 0; k < nmonths; k++)
				json_array_append_new(counts, json_integer(0));
			s = json_pack("{s:s, s:o, s:I}", "key", key, "counts", counts, "total", (json_int_t)0);
			json_array_append_new(series, s);
		}
		int yy, mm, dd;
		kp_civil_from_days(rows[i].day, &yy, &mm, &dd);
		int k = (yy - y) * 12 + (mm - m0);
		if (k < 0 || k >= nmonths)
			continue;
		json_t *counts = json_object_get(s, "counts");
		json_array_set_new(counts, (size_t)k,
		                   json_integer(json_integer_value(json_array_get(counts, (size_t)k)) + rows[i].n));
		json_object_set_new(s, "total", json_integer(json_integer_value(json_object_get(s, "total")) + rows[i].n));
	}
	return series;
}

static json_t *month_labels(int y, int m0, int nmonths)
{
	json_t *months = json_array();
	for (int k = 0; k < nmonths; k++) {
		int yy = y + (m0 - 1 + k) / 12, mm = (m0 - 1 + k) % 12 + 1;
		char label[16];
		snprintf(label, sizeof(label), "%04d-%02d", yy, mm);
		json_array_append_new(months, json_string(label));
	}
	return months;
}

/* Each partner's quota capacity on its series; a partner with a quota for the year but no
 * permit yet gets a series of zeros: the ministry sees every partner it has a quota with. */
static void with_quotas(json_t *series, const kp_trend_row_t *q, int nq, int nmonths)
{
	for (int i = 0; i < nq; i++) {
		bool found = false;
		for (size_t j = 0; j < json_array_size(series) && !found; j++)
			found = strcmp(q[i].key, json_string_value(json_object_get(json_array_get(series, j), "key"))) == 0;
		if (found || json_array_size(series) >= MAX_KEYS)
			continue;
		json_t *counts = json_array();
		for (int k = 0; k < nmonths; k++)
			json_array_append_new(counts, json_integer(0));
		json_array_append_new(series,
		                      json_pack("{s:s, s:o, s:I}", "key", q[i].key, "counts", counts, "total", (json_int_t)0));
	}
	for (size_t j = 0; j < json_array_size(series); j++) {
		json_t *s = json_array_get(series, j);
		int64_t cap = 0;
		for (int i = 0; i < nq; i++)
			if (strcmp(q[i].key, json_string_value(json_object_get(s, "key"))) == 0)
				cap = q[i].n;
		json_object_set_new(s, "quota", json_integer(cap));
	}
}

/* GET /api/v1/trends/permits?year=&by=type|partner: permits we issued per month; by
 * partner also each partner's quota capacity for the year. */
void kp_api_trend_permits(kp_req_t *req)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	int off = (int)cfg->utc_offset_minutes;
	int y0, m, d;
	kp_civil_from_days(kp_local_day(kp_now(), off), &y0, &m, &d);
	long long year;
	if (kp_req_query_int(req, "year", 2000, 2200, y0, &year) != 0)
		return;
	const char *by = kp_req_query(req, "by");
	if (by == NULL || *by == '\0')
		by = "type";
	if (strcmp(by, "type") != 0 && strcmp(by, "partner") != 0) {
		kp_reply_error(req, 400, "bad_query", "query parameter 'by' must be type or partner");
		return;
	}
	bool partner = strcmp(by, "partner") == 0;
	int64_t from = day_start(month_start((int)year, 1), off), to = day_start(month_start((int)year, 13), off);
	kp_trend_row_t *rows;
	int n;
	int rc = kp_store_trend_permits(kp_api_db(req), &req->arena, cfg->authority_code, from, to, off, partner, &rows,
	                                &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "permits");
		return;
	}
	json_t *series = month_series(rows, n, (int)year, 1, 12);
	if (partner) {
		kp_trend_row_t *q;
		int nq;
		rc = kp_store_trend_quotas(kp_api_db(req), &req->arena, cfg->authority_code, (int)year, &q, &nq);
		if (rc != KP_DB_OK) {
			json_decref(series);
			kp_reply_db_error(req, rc, "quotas");
			return;
		}
		with_quotas(series, q, nq, 12);
	}
	kp_reply_json(req, 200,
	              json_pack("{s:I, s:s, s:o, s:o}", "year", (json_int_t)year, "by", by, "months",
	                        month_labels((int)year, 1, 12), "series", series));
}

/* Is code one of our own checkpoints? */
static bool our_checkpoint(kp_req_t *req, const char *code)
{
	kp_registry_t *reg = kp_api_app(req)->registry;
	if (reg == NULL)
		return false;
	const kp_checkpoint_t *cp = kp_cp_set_find(kp_registry_acquire(reg), code);
	bool found = cp && strcmp(cp->country, kp_api_app(req)->cfg->authority_code) == 0;
	kp_registry_release(reg);
	return found;
}

/* GET /api/v1/trends/crossings?checkpoint=&days=: crossings and waiting-zone waits per
 * day for the last days (today included). */
void kp_api_trend_crossings(kp_req_t *req)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	int off = (int)cfg->utc_offset_minutes;
	long long days;
	if (kp_req_query_int(req, "days", 7, 366, 30, &days) != 0)
		return;
	const char *cp = kp_req_query(req, "checkpoint");
	if (cp == NULL || *cp == '\0') {
		kp_reply_error(req, 400, "bad_query", "query parameter 'checkpoint' is required");
		return;
	}
	if (strlen(cp) > 64 || !our_checkpoint(req, cp)) {
		kp_reply_error(req, 404, "not_found", "no checkpoint of ours has that code");
		return;
	}
	int64_t today = kp_local_day(kp_now(), off), first = today - days + 1;
	kp_trend_row_t *rows;
	int n;
	int rc = kp_store_trend_crossings(kp_api_db(req), &req->arena, cp, day_start(first, off), day_start(today + 1, off),
	                                  off, &rows, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "crossings");
		return;
	}
	json_t *items = json_array();
	int i = 0;
	for (int64_t day = first; day <= today; day++) {
		while (i < n && rows[i].day < day)
			i++;
		const kp_trend_row_t *r = i < n && rows[i].day == day ? &rows[i] : NULL;
		char date[11];
		kp_date_format_iso(day, date);
		json_array_append_new(items, json_pack("{s:s, s:I, s:I, s:I, s:I}", "date", date, "crossings",
		                                       (json_int_t)(r ? r->n : 0), "waited", (json_int_t)(r ? r->waited : 0),
		                                       "avg_wait_s", (json_int_t)(r && r->waited ? r->wait_sum / r->waited : 0),
		                                       "max_wait_s", (json_int_t)(r ? r->wait_max : 0)));
	}
	kp_reply_json(req, 200, json_pack("{s:s, s:o}", "checkpoint", cp, "items", items));
}

/* GET /api/v1/trends/window?months=: single-window applications submitted per month,
 * by the state they are in now, for the last months (this one included). */
void kp_api_trend_window(kp_req_t *req)
{
	const kp_config_t *cfg = kp_api_app(req)->cfg;
	int off = (int)cfg->utc_offset_minutes;
	long long months;
	if (kp_req_query_int(req, "months", 1, 36, 12, &months) != 0)
		return;
	int y, m, d;
	kp_civil_from_days(kp_local_day(kp_now(), off), &y, &m, &d);
	/* The first month shown: months - 1 before this one. */
	int idx = y * 12 + (m - 1) - (int)(months - 1);
	int y0 = idx / 12, m0 = idx % 12 + 1;
	int64_t from = day_start(month_start(y0, m0), off), to = day_start(month_start(y, m + 1), off);
	kp_trend_row_t *rows;
	int n;
	int rc = kp_store_trend_window(kp_api_db(req), &req->arena, from, to, off, &rows, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "applications");
		return;
	}
	kp_reply_json(req, 200,
	              json_pack("{s:o, s:o}", "months", month_labels(y0, m0, (int)months), "series",
	                        month_series(rows, n, y0, m0, (int)months)));
}
