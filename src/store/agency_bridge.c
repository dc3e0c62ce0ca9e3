/* agency_bridge.c: acts recorded elsewhere (permits issued, used, revoked or received;
 * crossings) become agency events. The audit log already holds every act with its
 * snapshot, in one transaction with the act; the bridge reads it in id order and moves its
 * cursor in the same transaction as the events it appends, so each act becomes its events
 * exactly once. Rows younger than settle_ms are left for the next round, so that a
 * PostgreSQL transaction that took an id earlier but committed later is not skipped. */
#include "store/agencies.h"
#include "store/checkpoints.h"
#include "store/ecmr.h"
#include "domain/agency.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *action, *type;
} permit_events[] = {
    {"permit.issue", "permit.issued"},
    {"permit.activity", "permit.used"},
    {"permit.revoke", "permit.revoked"},
    {"permit.received", "permit.received"},
};

static int add_event(kp_conn_t *c, const char *type, const char *service, const char *subject, json_t *data)
{
	json_t *ev = json_pack("{s:s, s:s, s:s, s:O}", "type", type, "service", service, "subject", subject, "data", data);
	int rc = kp_store_agency_event_add(c, ev);
	json_decref(ev);
	return rc;
}

static int permit_row(kp_conn_t *c, const char *type, const char *permit_id, const char *after)
{
	json_t *data = after ? json_loads(after, 0, NULL) : NULL;
	if (!json_is_object(data)) {
		json_decref(data);
		data = json_object();
	}
	json_object_set_new(data, "permit_id", json_string(permit_id));
	char subject[80];
	snprintf(subject, sizeof(subject), "permit:%s", permit_id);
	int rc = add_event(c, type, "permits", subject, data);
	json_decref(data);
	return rc;
}

/* A crossing: its event, the e-CMR notes of its vehicle linked (and told), the equipment
 * results it carries and an inspection task per flag. */
static int crossing_row(kp_conn_t *c, kp_arena_t *a, int64_t id)
{
	kp_crossing_t x;
	int rc = kp_store_crossing_get(c, a, id, &x);
	if (rc == KP_DB_NOTFOUND)
		return KP_DB_OK;
	if (rc != KP_DB_OK)
		return rc;
	if (x.plate && (rc = kp_store_ecmr_link_crossing(c, id, x.plate, x.at, NULL)) != KP_DB_OK)
		return rc;
	const char **refs;
	int nrefs;
	if ((rc = kp_store_ecmr_refs_for_crossing(c, a, id, &refs, &nrefs)) != KP_DB_OK)
		return rc;
	json_t *ecmr = json_array();
	for (int i = 0; i < nrefs; i++)
		json_array_append_new(ecmr, json_string(refs[i]));
	char subject[48];
	snprintf(subject, sizeof(subject), "crossing:%lld", (long long)id);
	json_t *data = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s, s:s, s:I, s:O}", "crossing_id",
	                         (json_int_t)id, "checkpoint", x.checkpoint, "direction", x.direction, "flow", x.flow,
	                         "plate", x.plate, "vehicle_country", x.vehicle_country, "permit_id", x.permit_id,
	                         "permit_match", x.permit_match, "flags", x.flags ? x.flags : "", "at", (json_int_t)x.at,
	                         "ecmr", ecmr);
	rc = add_event(c, "crossing.registered", "crossings", subject, data);
	for (int i = 0; rc == KP_DB_OK && i < nrefs; i++) {
		char s2[64];
		snprintf(s2, sizeof(s2), "ecmr:%s", refs[i]);
		json_t *d2 = json_pack("{s:s, s:I, s:s, s:s}", "ref", refs[i], "crossing_id", (json_int_t)id, "checkpoint",
		                       x.checkpoint, "direction", x.direction);
		rc = add_event(c, "consignment.crossed", "ecmr", s2, d2);
		json_decref(d2);
	}
	if (rc == KP_DB_OK && (x.weight_kg || x.scan_result || x.xray_result || x.radiation_result)) {
		json_t *eq = json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:s?}", "crossing_id", (json_int_t)id, "checkpoint",
		                       x.checkpoint, "plate", x.plate, "scan_result", x.scan_result, "xray_result",
		                       x.xray_result, "radiation_result", x.radiation_result);
		json_object_set_new(eq, "weight_kg", x.weight_kg ? json_integer(x.weight_kg) : json_null());
		rc = add_event(c, "equipment.reading", "equipment", subject, eq);
		json_decref(eq);
	}
	char flags[160];
	snprintf(flags, sizeof(flags), "%s", x.flags ? x.flags : "");
	for (char *save = NULL, *f = strtok_r(flags, ",", &save); rc == KP_DB_OK && f; f = strtok_r(NULL, ",", &save)) {
		const char *kind = kp_agency_for_flag(f);
		if (kind)
			rc = kp_store_inspection_open(c, kind, id, 0, f, data);
	}
	json_decref(data);
	json_decref(ecmr);
	return rc;
}

static int bridge_row(kp_conn_t *c, kp_arena_t *a, const char *action, const char *object, const char *after)
{
	for (size_t i = 0; i < KP_ARRAY_LEN(permit_events); i++)
		if (!strcmp(action, permit_events[i].action))
			return object ? permit_row(c, permit_events[i].type, object, after) : KP_DB_OK;
	long long id;
	if (!strcmp(action, "crossing.register") && object && kp_parse_int(object, 1, INT64_MAX, &id) == 0)
		return crossing_row(c, a, id);
	return KP_DB_OK;
}

int kp_store_agency_bridge(kp_conn_t *c, int64_t settle_ms, int max, int *done)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t cur, r;
	*done = 0;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto out;
	rc = kp_db_one(c, &a, &cur, "SELECT last_audit_id FROM agency_bridge WHERE name = 'audit'", NULL, 0);
	int64_t from = rc == KP_DB_OK ? kp_rows_int(&cur, 0, 0) : 0, last = from;
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, &a, &r,
		                "SELECT id, action, object_id, after_json FROM audit_log WHERE id > ? AND at_ms < ?"
		                " AND action IN ('permit.issue', 'permit.activity', 'permit.revoke', 'permit.received',"
		                " 'crossing.register') ORDER BY id LIMIT ?",
		                KP_PARAMS(KV_INT(from), KV_INT(kp_now_ms() - settle_ms), KV_INT(max)));
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		rc = bridge_row(c, &a, kp_rows_text(&r, i, 1), kp_rows_text(&r, i, 2), kp_rows_text(&r, i, 3));
		last = kp_rows_int(&r, i, 0);
	}
	if (rc == KP_DB_OK && last != from) {
		int64_t changed = 0;
		rc = kp_db_run(c, "UPDATE agency_bridge SET last_audit_id = ? WHERE name = 'audit' AND last_audit_id = ?",
		               KP_PARAMS(KV_INT(last), KV_INT(from)), &changed);
		if (rc == KP_DB_OK && changed == 0)
			rc = KP_DB_CONFLICT; /* another instance bridged these rows */
		*done = rc == KP_DB_OK ? r.nrows : 0;
	}
	rc = kp_store_end(c, rc);
out:
	kp_arena_cleanup(&a);
	return rc;
}
