/* audit.c: reading the audit log. */
#include "api/api.h"
#include "core/util.h"

/* Stored snapshots are JSON text; show them as JSON values. */
static json_t *snapshot(const char *text)
{
	if (text == NULL)
		return json_null();
	json_t *j = json_loads(text, 0, NULL);
	return j ? j : json_string(text);
}

void kp_api_audit_list(kp_req_t *req)
{
	long long before, limit;
	if (kp_req_query_int(req, "before", 1, INT64_MAX, 0, &before) != 0 ||
	    kp_req_query_int(req, "limit", 1, 1000, 100, &limit) != 0)
		return;
	kp_audit_entry_t *e;
	int n;
	int rc = kp_store_audit_list(kp_api_db(req), &req->arena, kp_req_query(req, "object_type"),
	                             kp_req_query(req, "object_id"), before, (int)limit, &e, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "audit log");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		char at[32];
		kp_iso8601(e[i].at_ms / 1000, at, sizeof(at));
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:o, s:o, s:s?}", "id",
		                                       (json_int_t)e[i].id, "at", at, "actor", e[i].actor, "action",
		                                       e[i].action, "object_type", e[i].object_type, "object_id",
		                                       e[i].object_id, "before", snapshot(e[i].before_json), "after",
		                                       snapshot(e[i].after_json), "request_id", e[i].request_id));
	}
	json_t *j = json_pack("{s:o}", "items", items);
	if (n == limit)
		json_object_set_new(j, "next_before", json_integer(e[n - 1].id));
	kp_reply_json(req, 200, j);
}
