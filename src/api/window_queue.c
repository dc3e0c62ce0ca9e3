/* window_queue.c: each agency's side of the single window: its queue (filters, time
 * left), one step with only the fields and documents that step needs, taking a step,
 * deciding it with reasons or asking for more, and the agency's private notes. */
#include "api/paging.h"
#include "api/window.h"
#include "api/transparency.h"

#include "core/util.h"
#include "domain/account.h"
#include "domain/window.h"

#include <string.h>

void kp_api_sw_queue(kp_req_t *req)
{
	long long due_within;
	kp_page_t page;
	if (kp_api_page_read(req, 500, 100, &page) != 0 ||
	    kp_req_query_int(req, "due_within_hours", 0, 24 * 366, -1, &due_within) != 0)
		return;
	kp_sw_queue_filter_t f = {.org_id = req->auth.org_id,
	                          .role = kp_role_name(req->auth.role),
	                          .state = kp_req_query(req, "state")};
	if (kp_api_page_filter(req, "procedure", 64, &f.procedure) != 0 ||
	    kp_api_page_filter(req, "agency", 64, &f.agency) != 0)
		return;
	if (f.state && !kp_sw_step_state_known(f.state)) {
		kp_reply_error(req, 400, "bad_query", "state must be one of a step's states (ready, in_progress, more_info, ...)");
		return;
	}
	if (due_within >= 0)
		f.due_before = kp_window_now() + due_within * 3600;
	kp_sw_step_t *steps;
	int n;
	int64_t total;
	int rc = kp_store_sw_queue(kp_api_db(req), &req->arena, &f, &page, &steps, &n, &total);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "queue");
		return;
	}
	json_t *items = json_array(), *defs = json_object(); /* procedure code -> definition, each read once */
	for (int i = 0; i < n; i++) {
		json_t *def = json_object_get(defs, steps[i].procedure);
		if (def == NULL) {
			kp_sw_procedure_t p;
			def = kp_store_sw_procedure_get(kp_api_db(req), &req->arena, steps[i].procedure, &p) == KP_DB_OK
			          ? json_loads(p.definition, 0, NULL)
			          : NULL;
			json_object_set_new(defs, steps[i].procedure, def ? def : json_null());
		}
		def = json_is_object(def) ? def : NULL;
		json_t *j = kp_window_step_json(req, &steps[i], def);
		json_object_set(j, "procedure_name", json_object_get(def, "name"));
		json_array_append_new(items, j);
	}
	json_decref(defs);
	kp_api_page_reply(req, items, total, &page);
}

/* The step of the path, when the user acts for its agency. */
static int load_step(kp_req_t *req, kp_sw_step_t *s)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return -1;
	int rc = kp_store_sw_step_get(kp_api_db(req), &req->arena, id, s);
	if (rc == KP_DB_OK && (!kp_window_staffs(req, s) || strcmp(s->state, KP_SW_WAITING) == 0 ||
	                       strcmp(s->state, KP_SW_SKIPPED) == 0))
		rc = KP_DB_NOTFOUND; /* another agency's step, or not yet (or never) this agency's */
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "step");
		return -1;
	}
	return 0;
}

static json_t *notes_json(kp_req_t *req, const kp_sw_step_t *s)
{
	kp_sw_note_t *notes = NULL;
	int nn = 0;
	json_t *jn = json_array();
	kp_store_sw_notes(kp_api_db(req), &req->arena, s->id, s->agency, &notes, &nn);
	for (int i = 0; i < nn; i++)
		json_array_append_new(jn, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)notes[i].id, "author",
		                                    notes[i].author, "text", notes[i].text, "at", kp_window_time(notes[i].at)));
	return jn;
}

/* Into j: "attached", the application's documents of the kinds the step needs, and
 * "missing_documents", the kinds it needs that nobody gave (the agency may ask for them). */
static void documents_json(json_t *j, const json_t *kinds, const kp_sw_document_t *docs, int nd)
{
	json_t *attached = json_array(), *missing = json_array(), *kind;
	size_t k;
	for (int i = 0; i < nd; i++) {
		bool needed = false;
		json_array_foreach(kinds, k, kind) needed |= strcmp(json_string_value(kind) ?: "", docs[i].kind) == 0;
		if (needed)
			json_array_append_new(attached, kp_window_document_json(&docs[i]));
	}
	json_array_foreach(kinds, k, kind)
	{
		bool given = false;
		for (int i = 0; i < nd; i++)
			given |= strcmp(json_string_value(kind) ?: "", docs[i].kind) == 0;
		if (!given)
			json_array_append(missing, kind);
	}
	json_object_set_new(j, "attached", attached);
	json_object_set_new(j, "missing_documents", missing);
}

/* One step as its agency sees it: the step, only the form fields and documents it needs,
 * where the other steps stand (no one's notes), the agency's own notes. */
static json_t *agency_view(kp_req_t *req, const kp_sw_step_t *s)
{
	kp_conn_t *c = kp_api_db(req);
	kp_sw_app_t app;
	kp_sw_procedure_t p;
	kp_sw_step_t *steps = NULL;
	kp_sw_document_t *docs = NULL;
	kp_sw_fee_t *fees = NULL;
	int ns = 0, nd = 0, nf = 0;
	kp_store_sw_app_get(c, &req->arena, s->application_id, &app);
	json_t *def = kp_store_sw_procedure_get(c, &req->arena, s->procedure, &p) == KP_DB_OK
	                  ? json_loads(p.definition, 0, NULL)
	                  : NULL;
	json_t *data = json_loads(app.data, 0, NULL), *fields = json_loads(s->fields, 0, NULL),
	       *kinds = json_loads(s->documents, 0, NULL);
	json_t *j = kp_window_step_json(req, s, def);
	json_object_set_new(j, "application", json_pack("{s:I, s:s, s:o, s:o, s:o}", "id", (json_int_t)app.id, "status",
	                                                app.status, "submitted_at", kp_window_time(app.submitted_at),
	                                                "expires_at", kp_window_time(app.expires_at), "data",
	                                                kp_sw_form_view(data, fields)));
	json_object_set(j, "procedure_name", json_object_get(def, "name"));
	kp_store_sw_steps(c, &req->arena, app.id, &steps, &ns);
	json_t *others = json_array();
	for (int i = 0; i < ns; i++)
		if (steps[i].id != s->id)
			json_array_append_new(others, json_pack("{s:s, s:s, s:s, s:O?}", "code", steps[i].code, "agency",
			                                        steps[i].agency, "state", steps[i].state, "label",
			                                        kp_window_step_label(def, steps[i].code)));
	json_object_set_new(j, "other_steps", others);
	kp_store_sw_app_documents(c, &req->arena, app.id, &docs, &nd);
	documents_json(j, kinds, docs, nd);
	json_object_set_new(j, "notes", notes_json(req, s));
	kp_store_sw_fees(c, &req->arena, app.id, &fees, &nf);
	for (int i = 0; i < nf; i++)
		if (strcmp(fees[i].step_code, s->code) == 0)
			json_object_set_new(j, "fee", kp_window_fee_json(req, &fees[i]));
	kp_ev_claim_t cl;
	if (app.effect && kp_store_ev_claim_of(c, &req->arena, app.id, &cl) == KP_DB_OK)
		json_object_set_new(j, "quota", json_pack("{s:i, s:s, s:I, s:I}", "year", cl.year, "state", cl.state,
		                                          "requested", (json_int_t)cl.requested, "granted",
		                                          (json_int_t)cl.granted));
	json_decref(def);
	json_decref(data);
	json_decref(fields);
	json_decref(kinds);
	return j;
}

void kp_api_sw_step_get(kp_req_t *req)
{
	kp_sw_step_t s;
	if (load_step(req, &s) == 0)
		kp_reply_json(req, 200, agency_view(req, &s));
}

/* Reasons: a JSON array of 1..10 non-empty strings of at most 500 characters. */
static const char *read_reasons(kp_req_t *req, bool required)
{
	json_t *r = json_object_get(req->json, "reasons"), *v;
	size_t i;
	if (r == NULL || json_array_size(r) == 0) {
		if (required)
			kp_field_problem(req, "reasons", "required", NULL, "at least one reason is required");
		return NULL;
	}
	if (!json_is_array(r) || json_array_size(r) > 10) {
		kp_field_error(req, "reasons", "must be an array of 1 to 10 reasons");
		return NULL;
	}
	json_array_foreach(r, i, v)
	{
		const char *s = json_string_value(v);
		if (s == NULL || *s == '\0' || strlen(s) > 2000 || !kp_utf8_valid(s, strlen(s), true) || kp_utf8_len(s) > 500)
			kp_field_error(req, kp_arena_printf(&req->arena, "reasons[%zu]", i), "must be text of 1 to 500 characters");
	}
	return kp_window_dump(req, r);
}

static void act(kp_req_t *req, const kp_sw_step_t *s, kp_sw_act_t *a)
{
	kp_actor_t who = kp_api_actor(req);
	kp_sw_act_result_t res;
	if (a->action == KP_SW_APPROVE)
		kp_window_tick(req); /* settle ended days first, so an approval rarely settles one itself */
	a->now = kp_window_now();
	a->utc_offset = kp_window_offset(req);
	int rc = kp_store_sw_act(kp_api_db(req), &req->arena, &who, s->id, a, &res);
	if (rc == KP_DB_CONFLICT && res.why.code) {
		kp_reply_error(req, 409, res.why.code, "%s", res.why.message);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "step");
		return;
	}
	kp_sw_step_t now;
	kp_store_sw_step_get(kp_api_db(req), &req->arena, s->id, &now);
	json_t *j = agency_view(req, &now);
	json_object_set_new(j, "effect", res.effect ? json_string(res.effect) : json_null());
	if (a->action != KP_SW_TAKE) /* the decision's public leaf (window.<decision>) */
		kp_api_tlog_attach_act(req, j, kp_arena_printf(&req->arena, "SW-%lld", (long long)s->application_id), "step",
		                       s->code);
	kp_reply_json(req, 200, j);
}

void kp_api_sw_step_take(kp_req_t *req)
{
	kp_sw_step_t s;
	if (load_step(req, &s) != 0)
		return;
	kp_sw_act_t a = {.action = KP_SW_TAKE};
	act(req, &s, &a);
}

void kp_api_sw_step_decide(kp_req_t *req)
{
	kp_sw_step_t s;
	const char *decision = kp_body_str(req, "decision", 10, true);
	int action = kp_sw_decision_parse(decision);
	if (decision && action < 0)
		kp_field_error(req, "decision", "must be approve, refuse or ask");
	const char *reasons = read_reasons(req, action == KP_SW_REFUSE);
	const char *request = kp_body_str(req, "request", 2000, action == KP_SW_ASK);
	if (kp_body_check(req) != 0 || load_step(req, &s) != 0)
		return;
	kp_sw_act_t a = {.action = action, .reasons = reasons, .request = request};
	act(req, &s, &a);
}

void kp_api_sw_notes(kp_req_t *req)
{
	kp_sw_step_t s;
	if (load_step(req, &s) == 0)
		kp_reply_json(req, 200, json_pack("{s:o}", "items", notes_json(req, &s)));
}

void kp_api_sw_note_add(kp_req_t *req)
{
	kp_sw_step_t s;
	const char *text = kp_body_str(req, "text", 2000, true);
	if (kp_body_check(req) != 0 || load_step(req, &s) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_sw_note_add(kp_api_db(req), &who, s.id, s.agency, text, kp_window_now());
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "note");
		return;
	}
	kp_reply_json(req, 201, json_pack("{s:o}", "items", notes_json(req, &s)));
}
