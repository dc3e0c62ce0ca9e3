/* deliveries.c: agency events, their webhook deliveries and attempts, the bridge from the
 * audit log, inspection tasks and equipment readings (see agencies.h). */
#include "store/agencies.h"
#include "store/checkpoints.h"
#include "store/ecmr.h"
#include "crypto/hash.h"
#include "domain/agency.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kp_store_agency_event_add(kp_conn_t *c, json_t *event)
{
	const char *type = json_string_value(json_object_get(event, "type"));
	const char *service = json_string_value(json_object_get(event, "service"));
	const char *subject = json_string_value(json_object_get(event, "subject"));
	json_t *data = json_object_get(event, "data");
	if (!type || !service || !subject || !json_is_object(data))
		return KP_DB_ERR;
	char rnd[40], id[48], ts[32], digest[65];
	if (kp_random_token(16, rnd, sizeof(rnd)) != 0)
		return KP_DB_ERR;
	snprintf(id, sizeof(id), "msg_%s", rnd);
	int64_t now = kp_now();
	kp_iso8601(now, ts, sizeof(ts));
	json_t *body = json_pack("{s:s, s:s, s:O}", "type", type, "timestamp", ts, "data", data);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		kp_fatal("out of memory");
	kp_sha256_hex(text, strlen(text), digest);
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_db_exec(c, &a, &r,
	                    "INSERT INTO agency_events (event_id, type, service, subject, payload, digest, created_at)"
	                    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                    KP_PARAMS(KV_TEXT(id), KV_TEXT(type), KV_TEXT(service), KV_TEXT(subject), KV_TEXT(text),
	                              KV_TEXT(digest), KV_INT(now)));
	free(text);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "INSERT INTO agency_deliveries (endpoint_id, event_id, subject, status, next_at)"
		               " SELECT e.id, ?, ?, ?, ? FROM agency_endpoints e WHERE e.status = '" KP_AGENCY_ENDPOINT_S_ACTIVE
		               "'"
		               " AND EXISTS (SELECT 1 FROM agency_grants g WHERE g.agency_id = e.agency_id"
		               " AND g.service = ? AND g.revoked_at IS NULL)",
		               KP_PARAMS(KV_INT(kp_rows_int(&r, 0, 0)), KV_TEXT(subject), KV_TEXT(KP_AGENCY_DELIVERY_S_PENDING),
		                         KV_INT(kp_now_ms()), KV_TEXT(service)),
		               NULL);
	kp_arena_cleanup(&a);
	return rc;
}

#define DELIVERY_COLUMNS \
	"d.id, d.endpoint_id, d.event_id, d.attempts, d.subject, d.status, d.next_at, d.last_status, d.last_error," \
	" d.delivered_at, e.url, e.secret, ev.event_id, ev.type, ev.service, ev.payload, ev.digest, ev.created_at"

static void delivery_from_row(const kp_rows_t *r, int i, kp_agency_delivery_t *d)
{
	d->id = kp_rows_int(r, i, 0);
	d->endpoint_id = kp_rows_int(r, i, 1);
	d->event_row = kp_rows_int(r, i, 2);
	d->attempts = (int)kp_rows_int(r, i, 3);
	d->subject = kp_rows_text(r, i, 4);
	d->status = kp_rows_text(r, i, 5);
	d->next_at = kp_rows_int(r, i, 6);
	d->last_status = (int)kp_rows_int(r, i, 7);
	d->last_error = kp_rows_text(r, i, 8);
	d->delivered_at = kp_rows_int(r, i, 9);
	d->url = kp_rows_text(r, i, 10);
	d->secret = kp_rows_text(r, i, 11);
	d->event.id = d->event_row;
	d->event.event_id = kp_rows_text(r, i, 12);
	d->event.type = kp_rows_text(r, i, 13);
	d->event.service = kp_rows_text(r, i, 14);
	d->event.payload = kp_rows_text(r, i, 15);
	d->event.digest = kp_rows_text(r, i, 16);
	d->event.created_at = kp_rows_int(r, i, 17);
	d->event.subject = d->subject;
}

int kp_store_delivery_claim(kp_conn_t *c, kp_arena_t *a, int64_t now_ms, int64_t lease_ms, int limit,
                            kp_agency_delivery_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " DELIVERY_COLUMNS " FROM agency_deliveries d"
	                    " JOIN agency_endpoints e ON e.id = d.endpoint_id JOIN agency_events ev ON ev.id = d.event_id"
	                    " WHERE d.status = '" KP_AGENCY_DELIVERY_S_PENDING "' AND d.next_at <= ? AND d.lease_until < ?"
	                    " AND e.status = '" KP_AGENCY_ENDPOINT_S_ACTIVE "'"
	                    " AND NOT EXISTS (SELECT 1 FROM agency_deliveries p WHERE p.endpoint_id = d.endpoint_id"
	                    " AND p.subject = d.subject AND p.status = '" KP_AGENCY_DELIVERY_S_PENDING
	                    "' AND p.event_id < d.event_id)"
	                    " ORDER BY d.event_id LIMIT ?",
	                    KP_PARAMS(KV_INT(now_ms), KV_INT(now_ms), KV_INT(limit)));
	if (rc != KP_DB_OK)
		return rc;
	*out = kp_arena_zalloc(a, sizeof(kp_agency_delivery_t) * (size_t)(r.nrows + 1));
	*n = 0;
	for (int i = 0; i < r.nrows; i++) {
		int64_t changed = 0;
		int64_t id = kp_rows_int(&r, i, 0);
		if (kp_db_run(c,
		              "UPDATE agency_deliveries SET lease_until = ? WHERE id = ? AND lease_until < ?"
		              " AND status = '" KP_AGENCY_DELIVERY_S_PENDING "'",
		              KP_PARAMS(KV_INT(now_ms + lease_ms), KV_INT(id), KV_INT(now_ms)), &changed) == KP_DB_OK &&
		    changed == 1)
			delivery_from_row(&r, i, &(*out)[(*n)++]);
	}
	return KP_DB_OK;
}

int kp_store_delivery_attempt(kp_conn_t *c, const kp_agency_delivery_t *d, int64_t now, long status_code,
                              const char *error, const char *signed_digest, const char *signature, bool delivered,
                              int64_t next_at, bool gone)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c,
	               "INSERT INTO agency_attempts (delivery_id, at, signed_digest, signature, status_code, error)"
	               " VALUES (?, ?, ?, ?, ?, ?)",
	               KP_PARAMS(KV_INT(d->id), KV_INT(now), KV_TEXT(signed_digest), KV_TEXT(signature),
	                         status_code ? KV_INT(status_code) : KV_NULL, KV_TEXT(error)),
	               NULL);
	const char *status = kp_agency_delivery_next(d->status, delivered     ? KP_AGENCY_DELIVERY_OK
	                                                        : next_at < 0 ? KP_AGENCY_DELIVERY_GIVE_UP
	                                                                      : KP_AGENCY_DELIVERY_RETRY);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "UPDATE agency_deliveries SET attempts = attempts + 1, status = ?, next_at = ?, lease_until = 0,"
		               " last_status = ?, last_error = ?, delivered_at = ? WHERE id = ?",
		               KP_PARAMS(KV_TEXT(status), KV_INT(next_at < 0 ? 0 : next_at),
		                         status_code ? KV_INT(status_code) : KV_NULL, KV_TEXT(error),
		                         delivered ? KV_INT(now) : KV_NULL, KV_INT(d->id)),
		               NULL);
	if (rc == KP_DB_OK && gone)
		rc = kp_db_run(c, "UPDATE agency_endpoints SET status = ?, disabled_reason = ? WHERE id = ?",
		               KP_PARAMS(KV_TEXT(KP_AGENCY_ENDPOINT_S_DISABLED), KV_TEXT("the endpoint answered 410 Gone"),
		                         KV_INT(d->endpoint_id)),
		               NULL);
	if (rc == KP_DB_OK && delivered)
		rc = kp_store_ecmr_evidence(c, "agency.delivery", d->event.event_id, signed_digest);
	return kp_store_end(c, rc);
}

int kp_store_agency_deliveries(kp_conn_t *c, kp_arena_t *a, int64_t agency_id, const char *status, int limit,
                               kp_agency_delivery_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " DELIVERY_COLUMNS " FROM agency_deliveries d"
	                    " JOIN agency_endpoints e ON e.id = d.endpoint_id JOIN agency_events ev ON ev.id = d.event_id"
	                    " WHERE e.agency_id = ? AND (CAST(? AS TEXT) IS NULL OR d.status = ?) ORDER BY d.id DESC LIMIT "
	                    "?",
	                    KP_PARAMS(KV_INT(agency_id), KV_TEXT(status), KV_TEXT(status), KV_INT(limit)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_agency_delivery_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		delivery_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_delivery_replay(kp_conn_t *c, const kp_actor_t *who, int64_t agency_id, int64_t id)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	int64_t changed = 0;
	rc = kp_db_run(c,
	               "UPDATE agency_deliveries SET status = ?, next_at = ?, lease_until = 0 WHERE id = ?"
	               " AND status IN " KP_AGENCY_DELIVERY_REPLAYABLE_SQL
	               " AND endpoint_id IN (SELECT id FROM agency_endpoints WHERE agency_id = ?)",
	               KP_PARAMS(KV_TEXT(kp_agency_delivery_next(KP_AGENCY_DELIVERY_S_DEAD, KP_AGENCY_DELIVERY_REPLAY)),
	                         KV_INT(kp_now_ms()), KV_INT(id), KV_INT(agency_id)),
	               &changed);
	if (rc == KP_DB_OK && changed == 0)
		rc = KP_DB_NOTFOUND;
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "agency.replay", "agency", agency_id, NULL,
		                       json_pack("{s:I}", "delivery_id", (json_int_t)id));
	return kp_store_end(c, rc);
}

/* --- inspections and equipment --- */

int kp_store_inspection_open(kp_conn_t *c, const char *agency_kind, int64_t crossing_id, int64_t reading_id,
                             const char *reason, json_t *detail)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_db_exec(c, &a, &r,
	                    "INSERT INTO inspection_tasks (agency_kind, crossing_id, reading_id, reason, status, "
	                    "created_at)"
	                    " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	                    KP_PARAMS(KV_TEXT(agency_kind), crossing_id ? KV_INT(crossing_id) : KV_NULL,
	                              reading_id ? KV_INT(reading_id) : KV_NULL, KV_TEXT(reason),
	                              KV_TEXT(KP_AGENCY_TASK_S_OPEN), KV_INT(kp_now())));
	if (rc == KP_DB_OK) {
		char subject[48];
		snprintf(subject, sizeof(subject), crossing_id ? "crossing:%lld" : "reading:%lld",
		         (long long)(crossing_id ? crossing_id : reading_id));
		json_t *data = json_pack("{s:I, s:s, s:s}", "task_id", (json_int_t)kp_rows_int(&r, 0, 0), "agency", agency_kind,
		                         "reason", reason);
		if (crossing_id)
			json_object_set_new(data, "crossing_id", json_integer(crossing_id));
		if (reading_id)
			json_object_set_new(data, "reading_id", json_integer(reading_id));
		if (detail)
			json_object_update(data, detail);
		json_t *ev = json_pack("{s:s, s:s, s:s, s:o}", "type", "inspection.flagged", "service", "inspections",
		                       "subject", subject, "data", data);
		rc = kp_store_agency_event_add(c, ev);
		json_decref(ev);
	}
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_inspection_list(kp_conn_t *c, kp_arena_t *a, const char *agency_kind, const char *status, int limit,
                             kp_inspection_task_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id, agency_kind, COALESCE(crossing_id, 0), COALESCE(reading_id, 0), reason, status,"
	                    " created_at FROM inspection_tasks WHERE (CAST(? AS TEXT) IS NULL OR agency_kind = ?)"
	                    " AND (CAST(? AS TEXT) IS NULL OR status = ?) ORDER BY id DESC LIMIT ?",
	                    KP_PARAMS(KV_TEXT(agency_kind), KV_TEXT(agency_kind), KV_TEXT(status), KV_TEXT(status),
	                              KV_INT(limit)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_inspection_task_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		kp_inspection_task_t *t = &(*out)[i];
		t->id = kp_rows_int(&r, i, 0);
		t->agency_kind = kp_rows_text(&r, i, 1);
		t->crossing_id = kp_rows_int(&r, i, 2);
		t->reading_id = kp_rows_int(&r, i, 3);
		t->reason = kp_rows_text(&r, i, 4);
		t->status = kp_rows_text(&r, i, 5);
		t->created_at = kp_rows_int(&r, i, 6);
	}
	return KP_DB_OK;
}

int kp_store_crossing_recent(kp_conn_t *c, const char *checkpoint, const char *plate, int64_t since, int64_t *id)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_db_exec(c, &a, &r,
	                    "SELECT id FROM crossings WHERE checkpoint = ? AND plate = ? AND at >= ? ORDER BY at DESC, id "
	                    "DESC"
	                    " LIMIT 1",
	                    KP_PARAMS(KV_TEXT(checkpoint), KV_TEXT(plate), KV_INT(since)));
	if (rc == KP_DB_OK && r.nrows == 0)
		rc = KP_DB_NOTFOUND;
	if (rc == KP_DB_OK)
		*id = kp_rows_int(&r, 0, 0);
	kp_arena_cleanup(&a);
	return rc;
}

static json_t *reading_json(const kp_equipment_reading_t *r)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s?, s:s?}", "reading_id", (json_int_t)r->id, "checkpoint", r->checkpoint,
	                      "kind", r->kind, "plate", r->plate, "result", r->result);
	json_object_set_new(o, "value", r->has_value ? json_real(r->value) : json_null());
	json_object_set_new(o, "crossing_id", r->crossing_id ? json_integer(r->crossing_id) : json_null());
	return o;
}

int kp_store_equipment_reading_add(kp_conn_t *c, const kp_actor_t *who, kp_equipment_reading_t *rd, const char *flag,
                                   const char *agency_kind, int64_t *task_id)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	*task_id = 0;
	rd->at = kp_now();
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, &a, &r,
		                "INSERT INTO equipment_readings (device_id, checkpoint, kind, plate, crossing_id, value, "
		                "result, at)"
		                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		                KP_PARAMS(rd->device_id ? KV_INT(rd->device_id) : KV_NULL, KV_TEXT(rd->checkpoint),
		                          KV_TEXT(rd->kind), KV_TEXT(rd->plate),
		                          rd->crossing_id ? KV_INT(rd->crossing_id) : KV_NULL,
		                          rd->has_value ? KV_TEXT(kp_arena_printf(&a, "%.6g", rd->value)) : KV_NULL,
		                          KV_TEXT(rd->result), KV_INT(rd->at)));
	if (rc == KP_DB_OK) {
		rd->id = kp_rows_int(&r, 0, 0);
		char subject[48];
		snprintf(subject, sizeof(subject), rd->crossing_id ? "crossing:%lld" : "reading:%lld",
		         (long long)(rd->crossing_id ? rd->crossing_id : rd->id));
		json_t *ev = json_pack("{s:s, s:s, s:s, s:o}", "type", "equipment.reading", "service", "equipment", "subject",
		                       subject, "data", reading_json(rd));
		rc = kp_store_agency_event_add(c, ev);
		json_decref(ev);
	}
	if (rc == KP_DB_OK && flag && agency_kind) {
		json_t *detail = reading_json(rd);
		rc = kp_store_inspection_open(c, agency_kind, rd->crossing_id, rd->id, flag, detail);
		json_decref(detail);
		if (rc == KP_DB_OK)
			rc = kp_db_one(c, &a, &r, "SELECT MAX(id) FROM inspection_tasks WHERE reading_id = ?",
			               KP_PARAMS(KV_INT(rd->id)));
		if (rc == KP_DB_OK)
			*task_id = kp_rows_int(&r, 0, 0);
	}
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "equipment.reading", "equipment_reading", rd->id, NULL, reading_json(rd));
	rc = kp_store_end(c, rc);
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_checkpoint_known(kp_conn_t *c, const char *code, bool *known)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_db_exec(c, &a, &r, "SELECT COUNT(*) FROM checkpoints WHERE code = ?", KP_PARAMS(KV_TEXT(code)));
	*known = rc == KP_DB_OK && kp_rows_int(&r, 0, 0) > 0;
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_inspection_close(kp_conn_t *c, const kp_actor_t *who, int64_t id, const char *agency_kind,
                              const char *note)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	int64_t changed = 0;
	rc = kp_db_run(c,
	               "UPDATE inspection_tasks SET status = ?, closed_at = ?, closed_by = ?, note = ?"
	               " WHERE id = ? AND status = ? AND (CAST(? AS TEXT) IS NULL OR agency_kind = ?)",
	               KP_PARAMS(KV_TEXT(kp_agency_task_next(KP_AGENCY_TASK_S_OPEN, KP_AGENCY_TASK_CLOSE)),
	                         KV_INT(kp_now()), who->user_id ? KV_INT(who->user_id) : KV_NULL, KV_TEXT(note), KV_INT(id),
	                         KV_TEXT(KP_AGENCY_TASK_S_OPEN), KV_TEXT(agency_kind), KV_TEXT(agency_kind)),
	               &changed);
	if (rc == KP_DB_OK && changed == 0)
		rc = KP_DB_NOTFOUND;
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "inspection.close", "inspection_task", id, NULL,
		                       json_pack("{s:s?}", "note", note));
	return kp_store_end(c, rc);
}

int kp_store_xroad_log_list(kp_conn_t *c, kp_arena_t *a, int64_t before_id, int limit, kp_xroad_call_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id, at, client, xroad_id, user_id, issue, service, status, request_id FROM xroad_log"
	                    " WHERE CAST(? AS BIGINT) = 0 OR id < ? ORDER BY id DESC LIMIT ?",
	                    KP_PARAMS(KV_INT(before_id), KV_INT(before_id), KV_INT(limit)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_xroad_call_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		kp_xroad_call_t *x = &(*out)[i];
		x->id = kp_rows_int(&r, i, 0);
		x->at = kp_rows_int(&r, i, 1);
		x->client = kp_rows_text(&r, i, 2);
		x->xroad_id = kp_rows_text(&r, i, 3);
		x->user_id = kp_rows_text(&r, i, 4);
		x->issue = kp_rows_text(&r, i, 5);
		x->service = kp_rows_text(&r, i, 6);
		x->status = (int)kp_rows_int(&r, i, 7);
		x->request_id = kp_rows_text(&r, i, 8);
	}
	return KP_DB_OK;
}
