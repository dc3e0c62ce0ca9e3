/* agencies.c: agencies, grants, events and deliveries (see agencies.h). */
#include "store/agencies.h"
#include "crypto/hash.h"
#include "core/util.h"

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
		               " SELECT e.id, ?, ?, 'pending', ? FROM agency_endpoints e WHERE e.status = 'active'"
		               " AND EXISTS (SELECT 1 FROM agency_grants g WHERE g.agency_id = e.agency_id"
		               " AND g.service = ? AND g.revoked_at IS NULL)",
		               KP_PARAMS(KV_INT(kp_rows_int(&r, 0, 0)), KV_TEXT(subject), KV_INT(now), KV_TEXT(service)),
		               NULL);
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_agency_member_may(kp_conn_t *c, int64_t user_id, const char *service, int64_t *agency_id, bool *granted)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	*agency_id = 0;
	*granted = false;
	int rc = kp_db_exec(c, &a, &r,
	                    "SELECT m.agency_id, (SELECT COUNT(*) FROM agency_grants g WHERE g.agency_id = m.agency_id"
	                    " AND g.subsystem_id IS NULL AND g.service = ? AND g.revoked_at IS NULL)"
	                    " FROM agency_members m WHERE m.user_id = ?",
	                    KP_PARAMS(KV_TEXT(service), KV_INT(user_id)));
	if (rc == KP_DB_OK && r.nrows) {
		*agency_id = kp_rows_int(&r, 0, 0);
		*granted = kp_rows_int(&r, 0, 1) > 0;
	}
	kp_arena_cleanup(&a);
	return rc;
}
