/* window.c: single-window applications: submission with steps copied from the
 * procedure, each agency's acts on its step and what they move on, answers to requests
 * for more, expiry, private notes, the history and the public entry of each decision. */
#include "store/window_effects.h"

#include "core/util.h"
#include "domain/dates.h"
#include "domain/window.h"
#include "store/notify.h"
#include "store/tlog.h"

#include <jansson.h>
#include <pthread.h>
#include <string.h>

static pthread_mutex_t sqlite_writer = PTHREAD_MUTEX_INITIALIZER;

int kp_sw_begin(kp_conn_t *c)
{
	bool queue = c->be->dialect == KP_DIALECT_SQLITE;
	if (queue)
		pthread_mutex_lock(&sqlite_writer);
	return kp_store_begin(c); /* held even when BEGIN fails: kp_sw_end releases it */
}

int kp_sw_end(kp_conn_t *c, int rc)
{
	rc = kp_store_end(c, rc);
	if (c->be->dialect == KP_DIALECT_SQLITE)
		pthread_mutex_unlock(&sqlite_writer);
	return rc;
}

#define APP_COLUMNS \
	"id, user_id, org_id, submitted_at, expires_at, decided_at, procedure_code, data, status, outcome, effect"
#define STEP_COLUMNS \
	"id, application_id, ready_at, due_at, state_since, paused_seconds, assignee_id, decided_at, decided_by," \
	" sla_seconds, seq, procedure_code, code, agency, role, after_codes, fields, documents, effect, state, reasons," \
	" request"

static void app_from_row(const kp_rows_t *r, int i, kp_sw_app_t *o)
{
	o->id = kp_rows_int(r, i, 0);
	o->user_id = kp_rows_int(r, i, 1);
	o->org_id = kp_rows_int(r, i, 2);
	o->submitted_at = kp_rows_int(r, i, 3);
	o->expires_at = kp_rows_int(r, i, 4);
	o->decided_at = kp_rows_int(r, i, 5);
	o->procedure = kp_rows_text(r, i, 6);
	o->data = kp_rows_text(r, i, 7);
	o->status = kp_rows_text(r, i, 8);
	o->outcome = kp_rows_text(r, i, 9);
	o->effect = kp_rows_text(r, i, 10);
}

static void step_from_row(const kp_rows_t *r, int i, kp_sw_step_t *o)
{
	int64_t *ints[] = {&o->id,          &o->application_id, &o->ready_at,    &o->due_at,
	                   &o->state_since, &o->paused_seconds, &o->assignee_id, &o->decided_at,
	                   &o->decided_by,  &o->sla_seconds};
	for (int k = 0; k < 10; k++)
		*ints[k] = kp_rows_int(r, i, k);
	o->seq = (int)kp_rows_int(r, i, 10);
	const char **s[] = {&o->procedure, &o->code,   &o->agency, &o->role,    &o->after,  &o->fields,
	                    &o->documents, &o->effect, &o->state,  &o->reasons, &o->request};
	for (int k = 0; k < 11; k++)
		*s[k] = kp_rows_text(r, i, 11 + k);
}

int kp_sw_event(kp_conn_t *c, int64_t app_id, const char *step, int64_t actor, const char *action, const char *detail,
                int64_t at)
{
	return kp_db_run(c,
	                 "INSERT INTO sw_events (application_id, step_code, actor_id, action, detail, at) VALUES (?, ?, ?, "
	                 "?, ?, ?)",
	                 KP_PARAMS(KV_INT(app_id), KV_TEXT(step), actor ? KV_INT(actor) : KV_NULL, KV_TEXT(action),
	                           KV_TEXT(detail), KV_INT(at)),
	                 NULL);
}

/* The one place a decision becomes public: a leaf of the transparency log (kind
 * window.<decision>, object SW-<application>), with the audit row, in the decision's
 * transaction. Procedure, step, agency and decision are public; the applicant and the
 * reasons (free text that may name people) are committed to, not published. */
int kp_store_sw_publish(kp_conn_t *c, const kp_actor_t *who, const kp_sw_app_t *app, const char *step_code,
                        const char *agency, const char *action, const char *reasons, int64_t at)
{
	char kind[48], object[32];
	snprintf(kind, sizeof(kind), "window.%s", action);
	snprintf(object, sizeof(object), "SW-%lld", (long long)app->id);
	json_t *r = reasons ? json_loads(reasons, 0, NULL) : NULL;
	json_t *facts = json_pack("{s:s, s:s?, s:s?}", "procedure", app->procedure, "step", step_code, "agency", agency);
	json_t *personal = json_pack("{s:s, s:I, s:O?}", "application", object, "applicant", (json_int_t)app->user_id,
	                             "reasons", r);
	kp_tlog_leaf_t leaf = {.kind = kind, .object = object, .facts = facts, .personal = personal};
	int rc = kp_tlog_append(c, &leaf, NULL);
	json_decref(facts);
	json_decref(personal);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "window.decision", "sw_application", app->id, NULL,
		                       json_pack("{s:s, s:s?, s:s?, s:s, s:o, s:I}", "procedure", app->procedure, "step",
		                                 step_code, "agency", agency, "decision", action, "reasons",
		                                 r ? json_incref(r) : json_array(), "at", (json_int_t)at));
	json_decref(r);
	return rc;
}

int kp_store_sw_app_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_sw_app_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " APP_COLUMNS " FROM sw_applications WHERE id = ?", KP_PARAMS(KV_INT(id)));
	if (rc == KP_DB_OK)
		app_from_row(&r, 0, out);
	return rc;
}

#define APP_WHERE \
	" FROM sw_applications WHERE (CAST(? AS BIGINT) = 0 OR user_id = ?) AND (CAST(? AS TEXT) IS NULL OR status = ?)" \
	" AND (CAST(? AS TEXT) IS NULL OR" KP_LIKE("CAST(id AS TEXT)") " OR" KP_LIKE("procedure_code") " OR" KP_LIKE( \
	    "data") ")"

int kp_store_sw_app_list(kp_conn_t *c, kp_arena_t *a, int64_t user_id, const char *status, const kp_page_t *page,
                         kp_sw_app_t **out, int *n, int64_t *total)
{
	const char *like = kp_page_pattern(a, page);
	kp_rows_t r;
	int rc = kp_page_query(c, a, "SELECT COUNT(*)" APP_WHERE,
	                       "SELECT " APP_COLUMNS APP_WHERE " ORDER BY id DESC LIMIT ? OFFSET ?",
	                       KP_PARAMS(KV_INT(user_id), KV_INT(user_id), KV_TEXT(status), KV_TEXT(status), KV_TEXT(like),
	                                 KV_TEXT(like), KV_TEXT(like), KV_TEXT(like)),
	                       page, &r, total);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_sw_app_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		app_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_sw_steps(kp_conn_t *c, kp_arena_t *a, int64_t app_id, kp_sw_step_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT " STEP_COLUMNS " FROM sw_steps WHERE application_id = ? ORDER BY seq",
	                    KP_PARAMS(KV_INT(app_id)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_sw_step_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		step_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_sw_steps_of(kp_conn_t *c, kp_arena_t *a, const kp_sw_app_t *apps, int napps, kp_sw_step_t **out, int *n)
{
	*n = 0;
	*out = kp_arena_zalloc(a, sizeof(kp_sw_step_t));
	if (napps <= 0)
		return KP_DB_OK;
	kp_val_t *params = kp_arena_zalloc(a, sizeof(kp_val_t) * (size_t)napps);
	char *marks = kp_arena_zalloc(a, (size_t)napps * 2); /* "?,?,...,?" and its NUL */
	for (int i = 0; i < napps; i++) {
		params[i] = KV_INT(apps[i].id);
		marks[2 * i] = '?';
		if (i + 1 < napps)
			marks[2 * i + 1] = ',';
	}
	kp_rows_t r;
	int rc = kp_db_exec_dynamic(c, a, &r,
	                            kp_arena_printf(a,
	                                            "SELECT " STEP_COLUMNS " FROM sw_steps WHERE application_id IN (%s)"
	                                            " ORDER BY application_id, seq",
	                                            marks),
	                            params, napps);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_sw_step_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		step_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_sw_step_get(kp_conn_t *c, kp_arena_t *a, int64_t step_id, kp_sw_step_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " STEP_COLUMNS " FROM sw_steps WHERE id = ?", KP_PARAMS(KV_INT(step_id)));
	if (rc == KP_DB_OK)
		step_from_row(&r, 0, out);
	return rc;
}

int kp_store_sw_events(kp_conn_t *c, kp_arena_t *a, int64_t app_id, kp_sw_event_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id, actor_id, at, step_code, action, detail FROM sw_events WHERE application_id = ?"
	                    " ORDER BY id",
	                    KP_PARAMS(KV_INT(app_id)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_sw_event_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		kp_sw_event_t *e = &(*out)[i];
		e->id = kp_rows_int(&r, i, 0);
		e->actor_id = kp_rows_int(&r, i, 1);
		e->at = kp_rows_int(&r, i, 2);
		e->step_code = kp_rows_text(&r, i, 3);
		e->action = kp_rows_text(&r, i, 4);
		e->detail = kp_rows_text(&r, i, 5);
	}
	return KP_DB_OK;
}

static char *dump(const json_t *j, kp_arena_t *a)
{
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	char *out = kp_arena_strdup(a, s ? s : "[]");
	free(s);
	return out;
}

/* Attach documents to an application; each must be the applicant's. */
static int attach(kp_conn_t *c, kp_arena_t *a, int64_t app_id, int64_t user_id, const int64_t *ids,
                  const char *const *kinds, int n)
{
	for (int i = 0; i < n; i++) {
		kp_rows_t r;
		int rc = kp_db_exec(c, a, &r, "SELECT 1 FROM sw_documents WHERE id = ? AND user_id = ?",
		                    KP_PARAMS(KV_INT(ids[i]), KV_INT(user_id)));
		if (rc != KP_DB_OK)
			return rc;
		if (r.nrows == 0)
			return KP_DB_REF;
		/* given twice: once is enough (no error, which would abort a PostgreSQL transaction) */
		rc = kp_db_run(c,
		               "INSERT INTO sw_app_documents (application_id, document_id, kind) VALUES (?, ?, ?)"
		               " ON CONFLICT DO NOTHING",
		               KP_PARAMS(KV_INT(app_id), KV_INT(ids[i]), KV_TEXT(kinds[i])), NULL);
		if (rc != KP_DB_OK)
			return rc;
	}
	return KP_DB_OK;
}

static int insert_step(kp_conn_t *c, kp_arena_t *a, const kp_sw_app_t *app, const json_t *s, int seq,
                       const json_t *data, int64_t now)
{
	const json_t *after = json_object_get(s, "after");
	bool skip = !kp_sw_when(json_object_get(s, "when"), data);
	bool ready = !skip && json_array_size(after) == 0;
	int64_t sla = (int64_t)json_integer_value(json_object_get(s, "sla_hours")) * 3600;
	const char *state = skip ? KP_SW_SKIPPED : ready ? KP_SW_READY : KP_SW_WAITING;
	const char *code = json_string_value(json_object_get(s, "code"));
	int rc = kp_db_run(c,
	                   "INSERT INTO sw_steps (application_id, procedure_code, code, seq, agency, role, after_codes, "
	                   "fields,"
	                   " documents, effect, sla_seconds, state, ready_at, due_at, state_since)"
	                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                   KP_PARAMS(KV_INT(app->id), KV_TEXT(app->procedure), KV_TEXT(code), KV_INT(seq),
	                             KV_TEXT(json_string_value(json_object_get(s, "agency"))),
	                             KV_TEXT(json_string_value(json_object_get(s, "role"))), KV_TEXT(dump(after, a)),
	                             KV_TEXT(dump(json_object_get(s, "fields"), a)),
	                             KV_TEXT(dump(json_object_get(s, "documents"), a)),
	                             KV_TEXT(json_string_value(json_object_get(s, "effect"))), KV_INT(sla), KV_TEXT(state),
	                             ready ? KV_INT(now) : KV_NULL, ready ? KV_INT(now + sla) : KV_NULL, KV_INT(now)),
	                   NULL);
	const json_t *fee = json_object_get(s, "fee");
	json_int_t amount = json_integer_value(json_object_get(fee, "amount_som"));
	if (rc == KP_DB_OK && !skip && amount > 0)
		rc = kp_db_run(c,
		               "INSERT INTO sw_fees (application_id, step_code, collector, amount_som, status) VALUES (?, ?, "
		               "?, ?, ?)",
		               KP_PARAMS(KV_INT(app->id), KV_TEXT(code),
		                         KV_TEXT(json_string_value(json_object_get(fee, "collector"))), KV_INT(amount),
		                         KV_TEXT(KP_SW_FEE_DUE)),
		               NULL);
	if (rc == KP_DB_OK)
		rc = kp_sw_event(c, app->id, code, 0, state, NULL, now);
	return rc;
}

int kp_store_sw_submit(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_sw_app_t *app, const json_t *def,
                       const int64_t *doc_ids, const char *const *doc_kinds, int ndocs, int64_t now,
                       kp_sw_conflict_t *why)
{
	memset(why, 0, sizeof(*why));
	json_t *data = json_loads(app->data, 0, NULL);
	kp_rows_t r;
	app->submitted_at = now;
	app->expires_at = now + (int64_t)json_integer_value(json_object_get(def, "expires_days")) * 86400;
	app->status = KP_SW_APP_IN_PROGRESS;
	app->effect = json_string_value(json_object_get(def, "effect"));
	if (app->effect)
		app->effect = kp_arena_strdup(a, app->effect);
	int rc = kp_sw_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, a, &r,
		                "INSERT INTO sw_applications (procedure_code, user_id, org_id, data, effect, status, "
		                "submitted_at,"
		                " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		                KP_PARAMS(KV_TEXT(app->procedure), KV_INT(app->user_id),
		                          app->org_id ? KV_INT(app->org_id) : KV_NULL, KV_TEXT(app->data), KV_TEXT(app->effect),
		                          KV_TEXT(app->status), KV_INT(now), KV_INT(app->expires_at)));
	if (rc == KP_DB_OK) {
		app->id = kp_rows_int(&r, 0, 0);
		rc = kp_sw_event(c, app->id, NULL, who->user_id, "submitted", NULL, now);
	}
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(def, "steps"), i, s) {
		if (rc == KP_DB_OK)
			rc = insert_step(c, a, app, s, (int)i, data, now);
	}
	if (rc == KP_DB_OK)
		rc = attach(c, a, app->id, app->user_id, doc_ids, doc_kinds, ndocs);
	if (rc == KP_DB_OK && app->effect && strcmp(app->effect, "ev_quota") == 0)
		rc = kp_ev_effect_submit(c, a, app, now, why);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "window.submit", "sw_application", app->id, NULL,
		                       json_pack("{s:s, s:I}", "procedure", app->procedure, "expires_at",
		                                 (json_int_t)app->expires_at));
	json_decref(data);
	return kp_sw_end(c, rc);
}

/* Kept by hand: clang-format would split the literals around KP_LIKE mid-word. */
/* clang-format off */
#define QUEUE_WHERE                                                                                                \
	" FROM sw_steps WHERE agency IN (SELECT code FROM agencies WHERE org_id = ?)"                               \
	" AND role = ? AND (CAST(? AS TEXT) IS NULL OR agency = ?) AND (CAST(? AS TEXT) IS NULL OR procedure_code = ?)" \
	" AND ((CAST(? AS TEXT) IS NULL AND state IN " KP_SW_WORKLIST_SQL ") OR state = ?)"                        \
	" AND (CAST(? AS BIGINT) = 0 OR due_at <= ?) AND (CAST(? AS TEXT) IS NULL OR"                                 \
	KP_LIKE("CAST(application_id AS TEXT)") " OR" KP_LIKE("procedure_code") " OR" KP_LIKE("code") ")"
/* clang-format on */

int kp_store_sw_queue(kp_conn_t *c, kp_arena_t *a, const kp_sw_queue_filter_t *f, const kp_page_t *page,
                      kp_sw_step_t **out, int *n, int64_t *total)
{
	const char *like = kp_page_pattern(a, page);
	kp_rows_t r;
	int rc = kp_page_query(c, a, "SELECT COUNT(*)" QUEUE_WHERE,
	                       "SELECT " STEP_COLUMNS QUEUE_WHERE " ORDER BY due_at, id LIMIT ? OFFSET ?",
	                       KP_PARAMS(KV_INT(f->org_id), KV_TEXT(f->role), KV_TEXT(f->agency), KV_TEXT(f->agency),
	                                 KV_TEXT(f->procedure), KV_TEXT(f->procedure), KV_TEXT(f->state), KV_TEXT(f->state),
	                                 KV_INT(f->due_before), KV_INT(f->due_before), KV_TEXT(like), KV_TEXT(like),
	                                 KV_TEXT(like), KV_TEXT(like)),
	                       page, &r, total);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_sw_step_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		step_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

bool kp_store_sw_org_staffs(kp_conn_t *c, kp_arena_t *a, int64_t org_id, const char *agency)
{
	kp_rows_t r;
	return org_id &&
	       kp_db_exec(c, a, &r, "SELECT 1 FROM agencies WHERE code = ? AND org_id = ?",
	                  KP_PARAMS(KV_TEXT(agency), KV_INT(org_id))) == KP_DB_OK &&
	       r.nrows > 0;
}

/* The engine's view of the steps (codes, states, what each waits for). */
static kp_sw_step_state_t *graph_of(kp_arena_t *a, const kp_sw_step_t *steps, int n)
{
	kp_sw_step_state_t *g = kp_arena_zalloc(a, sizeof(*g) * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		g[i].code = steps[i].code;
		g[i].state = steps[i].state;
		json_t *after = json_loads(steps[i].after, 0, NULL);
		g[i].nafter = (int)json_array_size(after);
		g[i].after = kp_arena_zalloc(a, sizeof(char *) * (size_t)(g[i].nafter + 1));
		for (int k = 0; k < g[i].nafter; k++)
			g[i].after[k] = kp_arena_strdup(a, json_string_value(json_array_get(after, (size_t)k)) ?: "");
		json_decref(after);
	}
	return g;
}

/* Tell the applicant (docs/notifications.md), in the act's transaction; `tag` tells acts of
 * one kind apart in the idempotency key. */
static int notify_applicant(kp_conn_t *c, kp_arena_t *a, const kp_sw_app_t *app, kp_notice_kind_t kind, const char *tag,
                            const char *reason, int64_t now)
{
	const char *number = kp_arena_printf(a, "SW-%lld", (long long)app->id);
	const char *args[] = {"number", number, "reason", reason ? reason : "-", NULL};
	kp_notify_t n = {.idem_key = kp_arena_printf(a, "window:%lld:%s", (long long)app->id, tag),
	                 .kind = kind,
	                 .user_id = app->user_id,
	                 .object_type = "sw_application",
	                 .object_id = kp_arena_printf(a, "%lld", (long long)app->id),
	                 .args = args};
	return kp_store_notify_enqueue(c, &n, now * 1000);
}

int kp_sw_finish_app(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_sw_app_t *app, const char *status,
                     const char *outcome, int64_t now)
{
	static const kp_actor_t sys = {0, "system", NULL, NULL};
	if (who == NULL)
		who = &sys;
	int rc = kp_db_run(c, "UPDATE sw_applications SET status = ?, outcome = ?, decided_at = ? WHERE id = ?",
	                   KP_PARAMS(KV_TEXT(status), KV_TEXT(outcome), KV_INT(now), KV_INT(app->id)), NULL);
	app->status = status;
	app->outcome = outcome;
	bool approved = strcmp(status, KP_SW_APP_APPROVED) == 0;
	if (rc == KP_DB_OK && !approved) {
		rc = kp_db_run(c,
		               "UPDATE sw_steps SET state = ?, state_since = ? WHERE application_id = ?"
		               " AND state IN " KP_SW_UNDECIDED_SQL,
		               KP_PARAMS(KV_TEXT(KP_SW_CLOSED), KV_INT(now), KV_INT(app->id)), NULL);
		if (rc == KP_DB_OK)
			rc = kp_db_run(c, "UPDATE sw_fees SET status = ? WHERE application_id = ? AND status = ?",
			               KP_PARAMS(KV_TEXT(KP_SW_FEE_CANCELLED), KV_INT(app->id), KV_TEXT(KP_SW_FEE_DUE)), NULL);
		if (rc == KP_DB_OK && app->effect && strcmp(app->effect, "ev_quota") == 0)
			rc = kp_ev_effect_release(c, app, now, outcome);
	}
	if (rc == KP_DB_OK)
		rc = kp_sw_event(c, app->id, NULL, who->user_id, status, outcome, now);
	if (rc == KP_DB_OK)
		rc = kp_store_sw_publish(c, who, app, NULL, NULL, status, NULL, now);
	if (rc == KP_DB_OK && (approved || strcmp(status, KP_SW_APP_REFUSED) == 0))
		rc = notify_applicant(c, a, app, approved ? KP_NOTICE_WINDOW_APPROVED : KP_NOTICE_WINDOW_REFUSED, status, NULL,
		                      now);
	return rc;
}

/* After a step moved: start the steps that no longer wait, and end the application
 * when its steps say so. */
static int advance(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_sw_app_t *app, kp_sw_step_t *steps, int n,
                   const kp_sw_act_t *act)
{
	kp_sw_step_state_t *g = graph_of(a, steps, n);
	int rc = KP_DB_OK;
	for (int i = 0; rc == KP_DB_OK && i < n; i++) {
		if (strcmp(steps[i].state, KP_SW_WAITING) != 0 || !kp_sw_step_unblocked(g, n, i))
			continue;
		g[i].state = KP_SW_READY;
		steps[i].state = KP_SW_READY;
		rc = kp_db_run(c, "UPDATE sw_steps SET state = ?, state_since = ?, ready_at = ?, due_at = ? WHERE id = ?",
		               KP_PARAMS(KV_TEXT(KP_SW_READY), KV_INT(act->now), KV_INT(act->now),
		                         KV_INT(act->now + steps[i].sla_seconds), KV_INT(steps[i].id)),
		               NULL);
		if (rc == KP_DB_OK)
			rc = kp_sw_event(c, app->id, steps[i].code, 0, KP_SW_READY, NULL, act->now);
	}
	const char *outcome = kp_sw_outcome(g, n);
	if (rc != KP_DB_OK || strcmp(outcome, KP_SW_APP_IN_PROGRESS) == 0)
		return rc;
	if (strcmp(outcome, KP_SW_APP_REFUSED) == 0)
		return kp_sw_finish_app(c, a, who, app, KP_SW_APP_REFUSED, "refused by an agency; see the step's reasons",
		                        act->now);
	bool final = true;
	if (app->effect && strcmp(app->effect, "ev_quota") == 0)
		rc = kp_ev_effect_complete(c, a, app, act->now, act->utc_offset, &final);
	if (rc == KP_DB_OK && final)
		rc = kp_sw_finish_app(c, a, who, app, KP_SW_APP_APPROVED, "approved by every agency", act->now);
	return rc;
}

static void conflict(kp_sw_conflict_t *why, const char *code, const char *message)
{
	why->code = code;
	why->message = message;
}

/* The step's effect on approval; may turn the approval into a refusal. */
static int run_effect(kp_conn_t *c, kp_arena_t *a, kp_sw_app_t *app, kp_sw_step_t *s, const kp_sw_act_t *act,
                      kp_sw_act_result_t *res, const char **reasons)
{
	if (s->effect == NULL || strcmp(s->effect, "ev_quota.reserve") != 0)
		return KP_DB_OK;
	int rc = kp_ev_effect_reserve(c, a, app, act->now, act->utc_offset, &res->effect, &res->why);
	if (rc != KP_DB_CONFLICT)
		return rc;
	/* the ledger cannot take it: the step is refused with the ledger's reason */
	json_t *r = json_pack("[s]", res->why.message);
	*reasons = dump(r, a);
	json_decref(r);
	res->effect = "refused";
	memset(&res->why, 0, sizeof(res->why));
	return KP_DB_OK;
}

/* Lock the application of step_id and read it with its steps; *k is the step's index. */
static int load_for_act(kp_conn_t *c, kp_arena_t *a, int64_t step_id, kp_sw_app_t *app, kp_sw_step_t **steps, int *n,
                        int *k)
{
	kp_sw_step_t s;
	/* one act at a time per application, on both databases */
	int rc = kp_db_run(c,
	                   "UPDATE sw_applications SET status = status WHERE id = (SELECT application_id FROM sw_steps "
	                   "WHERE id = ?)",
	                   KP_PARAMS(KV_INT(step_id)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_sw_step_get(c, a, step_id, &s);
	if (rc == KP_DB_OK)
		rc = kp_store_sw_app_get(c, a, s.application_id, app);
	if (rc == KP_DB_OK)
		rc = kp_store_sw_steps(c, a, app->id, steps, n);
	*k = -1;
	for (int i = 0; rc == KP_DB_OK && i < *n; i++)
		if ((*steps)[i].id == step_id)
			*k = i;
	return rc == KP_DB_OK && *k < 0 ? KP_DB_NOTFOUND : rc;
}

/* What an approval needs: the step's fee paid (else KP_DB_CONFLICT with res->why), and its
 * effect, which may turn it into a refusal (*next, *reasons changed). */
static int approve_gate(kp_conn_t *c, kp_arena_t *a, kp_sw_app_t *app, kp_sw_step_t *s, const kp_sw_act_t *act,
                        kp_sw_act_result_t *res, const char **reasons, const char **next)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT amount_som FROM sw_fees WHERE application_id = ? AND step_code = ? AND status = "
	                    "'" KP_SW_FEE_DUE "'",
	                    KP_PARAMS(KV_INT(app->id), KV_TEXT(s->code)));
	if (rc == KP_DB_OK && r.nrows > 0) {
		conflict(&res->why, "fee_unpaid",
		         kp_arena_printf(a, "the fee of %lld som for step %s is not paid yet", (long long)kp_rows_int(&r, 0, 0),
		                         s->code));
		return KP_DB_CONFLICT;
	}
	if (rc == KP_DB_OK)
		rc = run_effect(c, a, app, s, act, res, reasons);
	if (rc == KP_DB_OK && res->effect && strcmp(res->effect, "refused") == 0)
		*next = KP_SW_REFUSED;
	return rc;
}

/* Write the step's new state, its history entry and, for anything but taking it, the
 * public entry of the decision. */
static int record_act(kp_conn_t *c, const kp_actor_t *who, const kp_sw_app_t *app, kp_sw_step_t *s,
                      const kp_sw_act_t *act, const char *next, const char *reasons, const char *effect)
{
	const char *action = act->action == KP_SW_TAKE          ? "taken"
	                     : act->action == KP_SW_ASK         ? "asked"
	                     : strcmp(next, KP_SW_REFUSED) == 0 ? "refused"
	                                                        : "approved";
	bool decided = strcmp(next, KP_SW_APPROVED) == 0 || strcmp(next, KP_SW_REFUSED) == 0;
	const char *request = act->action == KP_SW_ASK ? act->request : NULL;
	int rc = kp_db_run(c,
	                   "UPDATE sw_steps SET state = ?, state_since = ?, assignee_id = COALESCE(assignee_id, ?),"
	                   " decided_at = ?, decided_by = ?, reasons = COALESCE(?, reasons), request = COALESCE(?, request)"
	                   " WHERE id = ?",
	                   KP_PARAMS(KV_TEXT(next), KV_INT(act->now), who->user_id ? KV_INT(who->user_id) : KV_NULL,
	                             decided ? KV_INT(act->now) : KV_NULL,
	                             decided && who->user_id ? KV_INT(who->user_id) : KV_NULL, KV_TEXT(reasons),
	                             KV_TEXT(request), KV_INT(s->id)),
	                   NULL);
	s->state = next;
	json_t *detail = json_pack("{s:s?, s:s?, s:s?}", "reasons", reasons, "request", request, "effect", effect);
	char *dj = json_dumps(detail, JSON_COMPACT);
	json_decref(detail);
	if (rc == KP_DB_OK)
		rc = kp_sw_event(c, app->id, s->code, who->user_id, action, dj, act->now);
	free(dj);
	if (rc == KP_DB_OK && act->action != KP_SW_TAKE)
		rc = kp_store_sw_publish(c, who, app, s->code, s->agency, action, reasons, act->now);
	return rc;
}

int kp_store_sw_act(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t step_id, const kp_sw_act_t *act,
                    kp_sw_act_result_t *res)
{
	memset(res, 0, sizeof(*res));
	kp_sw_app_t app;
	kp_sw_step_t *steps = NULL;
	int n = 0, k = -1;
	int rc = kp_sw_begin(c);
	if (rc == KP_DB_OK)
		rc = load_for_act(c, a, step_id, &app, &steps, &n, &k);
	if (rc != KP_DB_OK)
		return kp_sw_end(c, rc);
	const char *next = kp_sw_transition(steps[k].state, (enum kp_sw_action)act->action);
	if (!kp_sw_app_open(app.status) || next == NULL) {
		conflict(&res->why, "step_state",
		         kp_arena_printf(a, "step %s is %s and application %lld is %s: this act is not possible now",
		                         steps[k].code, steps[k].state, (long long)app.id, app.status));
		return kp_sw_end(c, KP_DB_CONFLICT);
	}
	const char *reasons = act->reasons;
	if (act->action == KP_SW_APPROVE)
		rc = approve_gate(c, a, &app, &steps[k], act, res, &reasons, &next);
	if (rc == KP_DB_OK)
		rc = record_act(c, who, &app, &steps[k], act, next, reasons, res->effect);
	if (rc == KP_DB_OK && act->action == KP_SW_ASK)
		rc = notify_applicant(c, a, &app, KP_NOTICE_WINDOW_MORE_INFO,
		                      kp_arena_printf(a, "ask:%lld:%lld", (long long)step_id, (long long)act->now),
		                      act->request, act->now);
	if (rc == KP_DB_OK && (strcmp(next, KP_SW_APPROVED) == 0 || strcmp(next, KP_SW_REFUSED) == 0))
		rc = advance(c, a, who, &app, steps, n, act);
	res->step_state = next;
	res->app_status = app.status;
	return kp_sw_end(c, rc);
}

int kp_store_sw_answer(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t app_id, const char *step_code,
                       const char *text, const int64_t *doc_ids, const char *const *doc_kinds, int ndocs, int64_t now,
                       kp_sw_conflict_t *why)
{
	memset(why, 0, sizeof(*why));
	kp_sw_app_t app;
	kp_rows_t r;
	int rc = kp_sw_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE sw_applications SET status = status WHERE id = ?", KP_PARAMS(KV_INT(app_id)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_sw_app_get(c, a, app_id, &app);
	if (rc == KP_DB_OK)
		rc = kp_db_one(c, a, &r, "SELECT id, state, state_since FROM sw_steps WHERE application_id = ? AND code = ?",
		               KP_PARAMS(KV_INT(app_id), KV_TEXT(step_code)));
	if (rc != KP_DB_OK)
		return kp_sw_end(c, rc);
	const char *state = kp_rows_text(&r, 0, 1), *to = kp_sw_transition(state, KP_SW_ANSWER);
	if (!kp_sw_app_open(app.status) || to == NULL) {
		conflict(why, "step_state", kp_arena_printf(a, "step %s is %s: it asked for nothing", step_code, state));
		return kp_sw_end(c, KP_DB_CONFLICT);
	}
	int64_t waited = now - kp_rows_int(&r, 0, 2);
	if (waited < 0)
		waited = 0;
	rc = kp_db_run(c,
	               "UPDATE sw_steps SET state = ?, state_since = ?, paused_seconds = paused_seconds + ?,"
	               " due_at = due_at + ? WHERE id = ?",
	               KP_PARAMS(KV_TEXT(to), KV_INT(now), KV_INT(waited), KV_INT(waited), KV_INT(kp_rows_int(&r, 0, 0))),
	               NULL);
	if (rc == KP_DB_OK)
		rc = attach(c, a, app_id, app.user_id, doc_ids, doc_kinds, ndocs);
	json_t *d = json_pack("{s:s?}", "answer", text);
	char *dj = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	if (rc == KP_DB_OK)
		rc = kp_sw_event(c, app_id, step_code, who->user_id, "answered", dj, now);
	free(dj);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "window.answer", "sw_application", app_id, NULL,
		                       json_pack("{s:s, s:i}", "step", step_code, "documents", ndocs));
	return kp_sw_end(c, rc);
}

int kp_store_sw_withdraw(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t app_id, int64_t now)
{
	kp_sw_app_t app;
	int rc = kp_sw_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE sw_applications SET status = status WHERE id = ?", KP_PARAMS(KV_INT(app_id)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_sw_app_get(c, a, app_id, &app);
	if (rc == KP_DB_OK && !kp_sw_app_open(app.status))
		rc = KP_DB_CONFLICT;
	if (rc == KP_DB_OK)
		rc = kp_sw_finish_app(c, a, who, &app, KP_SW_APP_WITHDRAWN, "withdrawn by the applicant", now);
	return kp_sw_end(c, rc);
}

/* Applications in progress past their time expire, each in its own transaction; what they
 * hold is released. */
static int expire_apps(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t now, int *expired)
{
	kp_rows_t r;
	*expired = 0;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id FROM sw_applications WHERE status = '" KP_SW_APP_IN_PROGRESS
	                    "' AND expires_at < ? LIMIT 100",
	                    KP_PARAMS(KV_INT(now)));
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		kp_sw_app_t app;
		rc = kp_sw_begin(c);
		if (rc == KP_DB_OK)
			rc = kp_db_run(c, "UPDATE sw_applications SET status = status WHERE id = ?",
			               KP_PARAMS(KV_INT(kp_rows_int(&r, i, 0))), NULL);
		if (rc == KP_DB_OK)
			rc = kp_store_sw_app_get(c, a, kp_rows_int(&r, i, 0), &app);
		if (rc == KP_DB_OK && kp_sw_app_open(app.status) && app.expires_at < now) {
			rc = kp_sw_finish_app(c, a, who, &app, KP_SW_APP_EXPIRED, "the time the procedure allows ran out", now);
			if (rc == KP_DB_OK)
				++*expired;
		}
		rc = kp_sw_end(c, rc);
	}
	return rc;
}

int kp_store_sw_settle(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t now, int utc_offset, int *expired)
{
	/* a new year's ledger row, listed before its first claim */
	int rc = kp_store_ev_year_ensure(c, kp_local_year(now, utc_offset));
	if (rc == KP_DB_OK)
		rc = expire_apps(c, a, who, now, expired);
	int settled = kp_store_ev_settle(c, a, who, now, utc_offset);
	return rc != KP_DB_OK ? rc : settled;
}

int kp_store_sw_note_add(kp_conn_t *c, const kp_actor_t *who, int64_t step_id, const char *agency, const char *text,
                         int64_t now)
{
	int rc = kp_sw_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "INSERT INTO sw_notes (step_id, agency, author_id, text, at) VALUES (?, ?, ?, ?, ?)",
		               KP_PARAMS(KV_INT(step_id), KV_TEXT(agency), KV_INT(who->user_id), KV_TEXT(text), KV_INT(now)),
		               NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "window.note", "sw_step", step_id, NULL, json_pack("{s:s}", "agency", agency));
	return kp_sw_end(c, rc);
}

int kp_store_sw_notes(kp_conn_t *c, kp_arena_t *a, int64_t step_id, const char *agency, kp_sw_note_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT n.id, n.author_id, n.at, n.agency, u.username, n.text FROM sw_notes n"
	                    " JOIN users u ON u.id = n.author_id WHERE n.step_id = ? AND n.agency = ? ORDER BY n.id",
	                    KP_PARAMS(KV_INT(step_id), KV_TEXT(agency)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_sw_note_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		kp_sw_note_t *o = &(*out)[i];
		o->id = kp_rows_int(&r, i, 0);
		o->author_id = kp_rows_int(&r, i, 1);
		o->at = kp_rows_int(&r, i, 2);
		o->agency = kp_rows_text(&r, i, 3);
		o->author = kp_rows_text(&r, i, 4);
		o->text = kp_rows_text(&r, i, 5);
	}
	return KP_DB_OK;
}

int kp_store_sw_timings(kp_conn_t *c, kp_arena_t *a, int64_t since, kp_sw_timing_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT procedure_code, agency, code, decided_at - ready_at - paused_seconds, sla_seconds"
	                    " FROM sw_steps WHERE decided_at IS NOT NULL AND ready_at IS NOT NULL AND decided_at >= ?"
	                    " ORDER BY procedure_code, agency, code",
	                    KP_PARAMS(KV_INT(since)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_sw_timing_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		kp_sw_timing_t *t = &(*out)[i];
		t->procedure = kp_rows_text(&r, i, 0);
		t->agency = kp_rows_text(&r, i, 1);
		t->step = kp_rows_text(&r, i, 2);
		t->seconds = kp_rows_int(&r, i, 3);
		t->sla_seconds = kp_rows_int(&r, i, 4);
	}
	return KP_DB_OK;
}
