/* history.c: who did what and when to one object, as its detail pages show it (issue 17:
 * status history on every application, permit and booking). */
#include "api/history.h"
#include "core/util.h"
#include "store/history.h"

#include <string.h>

#define HISTORY_MAX 500

/* Only what the object's own people read from a snapshot: no account ids, addresses or
 * credentials of anyone else. */
static json_t *readable(const char *text)
{
	static const char *const keep[] = {"status", "slot_id", "starts_at", "ends_at", "checkpoint", "priority",
	                                   "reason", "activity_type", "approve", "decision", "used_up", "trips_used"};
	json_t *all = text ? json_loads(text, 0, NULL) : NULL;
	if (!json_is_object(all)) {
		json_decref(all);
		return json_null();
	}
	json_t *out = json_object();
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		json_t *v = json_object_get(all, keep[i]);
		if (v && (json_is_string(v) || json_is_integer(v) || json_is_boolean(v)))
			json_object_set(out, keep[i], v);
	}
	json_decref(all);
	return out;
}

void kp_api_history_reply(kp_req_t *req, const char *object_type, const char *object_id)
{
	kp_history_entry_t *e;
	int n;
	int rc = kp_store_history(kp_api_db(req), &req->arena, object_type, object_id, HISTORY_MAX, &e, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "history");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		char at[32];
		kp_iso8601(e[i].at_ms / 1000, at, sizeof(at));
		json_t *after = readable(e[i].after_json);
		json_t *status = json_object_get(after, "status");
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:b, s:O, s:o, s:o}", "at", at, "action", e[i].action,
		                                       "by", e[i].actor_role ? e[i].actor_role : "system", "you",
		                                       e[i].actor_id != 0 && e[i].actor_id == req->auth.user_id, "status",
		                                       status ? status : json_null(), "before", readable(e[i].before_json),
		                                       "after", after));
	}
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}
