/* window_procs.c: the single window's procedures, whose definitions are JSON data (its
 * agencies are rows of the one register, store/agencies.c). */
#include "store/window_effects.h"

#include "core/util.h"
#include "store/tlog_acts.h"

#include <jansson.h>
#include <string.h>

static void proc_from_row(const kp_rows_t *r, int i, kp_sw_procedure_t *o)
{
	o->code = kp_rows_text(r, i, 0);
	o->definition = kp_rows_text(r, i, 1);
	o->active = kp_rows_int(r, i, 2) != 0;
	o->updated_at = kp_rows_int(r, i, 3);
}

int kp_store_sw_procedures(kp_conn_t *c, kp_arena_t *a, bool active_only, kp_sw_procedure_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT code, definition, active, updated_at FROM sw_procedures WHERE (? = 0 OR active = 1)"
	                    " ORDER BY code",
	                    KP_PARAMS(KV_INT(active_only)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_sw_procedure_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		proc_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_sw_procedure_get(kp_conn_t *c, kp_arena_t *a, const char *code, kp_sw_procedure_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT code, definition, active, updated_at FROM sw_procedures WHERE code = ?",
	                   KP_PARAMS(KV_TEXT(code)));
	if (rc == KP_DB_OK)
		proc_from_row(&r, 0, out);
	return rc;
}

int kp_store_sw_procedure_put(kp_conn_t *c, const kp_actor_t *who, const kp_sw_procedure_t *p)
{
	int64_t changed = 0, now = kp_now();
	int rc = kp_sw_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE sw_procedures SET definition = ?, active = ?, updated_at = ? WHERE code = ?",
		               KP_PARAMS(KV_TEXT(p->definition), KV_INT(p->active), KV_INT(now), KV_TEXT(p->code)), &changed);
	if (rc == KP_DB_OK && changed == 0)
		rc = kp_db_run(c, "INSERT INTO sw_procedures (code, definition, active, updated_at) VALUES (?, ?, ?, ?)",
		               KP_PARAMS(KV_TEXT(p->code), KV_TEXT(p->definition), KV_INT(p->active), KV_INT(now)), NULL);
	json_t *after = json_pack("{s:s, s:b}", "definition", p->definition, "active", p->active);
	if (rc == KP_DB_OK) /* a procedure is rule data: its changes are public */
		rc = kp_tlog_rules(c, "sw_procedures", p->code, after);
	json_decref(after);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, changed ? "window.procedure.update" : "window.procedure.create",
		                         "sw_procedure", p->code, NULL,
		                         json_pack("{s:s, s:b}", "definition", p->definition, "active", p->active));
	return kp_sw_end(c, rc);
}
