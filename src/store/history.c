/* history.c: an object's status history from the audit log (one row per change, written in
 * the change's transaction), with each actor's role. */
#include "store/history.h"
#include "store/db.h"

int kp_store_history(kp_conn_t *c, kp_arena_t *a, const char *object_type, const char *object_id, int limit,
                     kp_history_entry_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT l.at_ms, l.actor_id, u.role, l.action, l.before_json, l.after_json"
	                    " FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id"
	                    " WHERE l.object_type = ? AND l.object_id = ? ORDER BY l.id LIMIT ?",
	                    KP_PARAMS(KV_TEXT(object_type), KV_TEXT(object_id), KV_INT(limit)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_history_entry_t) * (size_t)(r.nrows ? r.nrows : 1));
	for (int i = 0; i < r.nrows; i++) {
		kp_history_entry_t *e = &(*out)[i];
		e->at_ms = kp_rows_int(&r, i, 0);
		e->actor_id = kp_rows_int(&r, i, 1);
		e->actor_role = kp_rows_text(&r, i, 2);
		e->action = kp_rows_text(&r, i, 3);
		e->before_json = kp_rows_text(&r, i, 4);
		e->after_json = kp_rows_text(&r, i, 5);
	}
	return KP_DB_OK;
}
