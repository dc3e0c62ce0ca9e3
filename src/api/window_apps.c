/* window_apps.c: the applicant's side of the single window: submitting an application
 * to a procedure, the list of one's applications, the one status page showing every
 * agency's step, and answering an agency's request for more. Also the helpers the other
 * window resources share (window.h). */
#include "api/paging.h"
#include "api/window.h"
#include "domain/number.h"

#include "core/util.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "domain/evquota.h"
#include "domain/vin.h"
#include "domain/window.h"

#include <stdlib.h>
#include <string.h>

const char *kp_window_dump(kp_req_t *req, const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	const char *out = kp_arena_strdup(&req->arena, s ? s : "null");
	free(s);
	return out;
}

int64_t kp_window_now(void)
{
	return kp_now();
}

int kp_window_offset(kp_req_t *req)
{
	return (int)kp_api_app(req)->cfg->utc_offset_minutes;
}

int kp_window_ev_year(kp_req_t *req)
{
	int y = kp_local_year(kp_window_now(), kp_window_offset(req));
	kp_store_ev_year_ensure(kp_api_db(req), y);
	return y;
}

void kp_window_tick(kp_req_t *req)
{
	int expired = 0;
	kp_actor_t sys = {0, "system", req->request_id, NULL};
	kp_store_sw_settle(kp_api_db(req), &req->arena, &sys, kp_window_now(), kp_window_offset(req), &expired);
}

json_t *kp_window_time(int64_t t)
{
	if (t == 0)
		return json_null();
	char buf[32];
	kp_iso8601(t, buf, sizeof(buf));
	return json_string(buf);
}

json_t *kp_window_definition(kp_req_t *req, const char *code, kp_sw_procedure_t *p)
{
	int rc = kp_store_sw_procedure_get(kp_api_db(req), &req->arena, code, p);
	json_t *def = rc == KP_DB_OK ? json_loads(p->definition, 0, NULL) : NULL;
	if (def == NULL)
		kp_reply_db_error(req, rc == KP_DB_OK ? KP_DB_ERR : rc, "procedure");
	return def;
}

bool kp_window_staffs(kp_req_t *req, const kp_sw_step_t *s)
{
	const char *role = kp_role_name(req->auth.role);
	return role && strcmp(role, s->role) == 0 &&
	       kp_store_sw_org_staffs(kp_api_db(req), &req->arena, req->auth.org_id, s->agency);
}

json_t *kp_window_step_label(const json_t *def, const char *code)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(def, "steps"), i, s)
	{
		if (strcmp(json_string_value(json_object_get(s, "code")) ?: "", code) == 0)
			return json_object_get(s, "label");
	}
	return NULL;
}

json_t *kp_window_agency_names(const kp_agency_t *ag)
{
	return json_pack("{s:s, s:s, s:s}", "ky", ag->name_ky ? ag->name_ky : ag->name, "ru",
	                 ag->name_ru ? ag->name_ru : ag->name, "en", ag->name);
}

static json_t *agency_json(kp_req_t *req, const char *code)
{
	kp_agency_t ag;
	if (kp_store_agency_by_code(kp_api_db(req), &req->arena, code, &ag) != KP_DB_OK)
		return json_pack("{s:s}", "code", code);
	return json_pack("{s:s, s:o}", "code", ag.code, "name", kp_window_agency_names(&ag));
}

json_t *kp_window_step_json(kp_req_t *req, const kp_sw_step_t *s, const json_t *def)
{
	int64_t now = kp_window_now();
	bool open = kp_sw_state_open(s->state);
	json_t *label = def ? kp_window_step_label(def, s->code) : NULL;
	json_t *reasons = s->reasons ? json_loads(s->reasons, 0, NULL) : NULL;
	json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:O?, s:o, s:s, s:s, s:o, s:o, s:o, s:I}", "id", (json_int_t)s->id,
	                      "application_id", (json_int_t)s->application_id, "procedure", s->procedure, "code", s->code,
	                      "label", label, "agency", agency_json(req, s->agency), "role", s->role, "state", s->state,
	                      "since", kp_window_time(s->state_since), "ready_at", kp_window_time(s->ready_at), "due_at",
	                      kp_window_time(s->due_at), "sla_hours", (json_int_t)(s->sla_seconds / 3600));
	json_object_set_new(j, "seconds_left", open && s->due_at ? json_integer(s->due_at - now) : json_null());
	json_object_set_new(j, "overdue", json_boolean(open && s->due_at && now > s->due_at));
	json_object_set_new(j, "decided_at", kp_window_time(s->decided_at));
	json_object_set_new(j, "reasons", reasons ? reasons : json_array());
	json_object_set_new(j, "request", s->request && strcmp(s->state, KP_SW_MORE_INFO) == 0 ? json_string(s->request)
	                                                                                         : json_null());
	json_object_set_new(j, "documents", json_loads(s->documents, 0, NULL));
	return j;
}

json_t *kp_window_document_json(const kp_sw_document_t *d)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:o}", "id", (json_int_t)d->id, "kind", d->kind, "filename",
	                 d->filename, "content_type", d->content_type, "sha256", d->sha256, "size", (json_int_t)d->size,
	                 "uploaded_at", kp_window_time(d->uploaded_at));
}

const char *kp_window_receipt_number(kp_arena_t *a, const char *authority, int64_t fee_id)
{
	char *out = kp_arena_alloc(a, KP_NUMBER_MAX);
	kp_number_format(authority, KP_NUMBER_WINDOW, fee_id, out);
	return out;
}

json_t *kp_window_fee_json(kp_req_t *req, const kp_sw_fee_t *f)
{
	json_t *j = json_pack("{s:I, s:I, s:s, s:o, s:I, s:s}", "id", (json_int_t)f->id, "application_id",
	                      (json_int_t)f->application_id, "step", f->step_code, "collector",
	                      agency_json(req, f->collector), "amount_som", (json_int_t)f->amount_som, "status", f->status);
	if (strcmp(f->status, "paid") == 0)
		json_object_set_new(j, "receipt",
		                    json_pack("{s:s, s:o, s:s?, s:s?, s:s?}", "number",
		                              kp_window_receipt_number(&req->arena, kp_api_app(req)->cfg->authority_code, f->id),
		                              "paid_at", kp_window_time(f->paid_at), "gateway", f->gateway, "reference",
		                              f->reference, "qr", f->credential));
	return j;
}

/* The whole status page of an application, as its applicant (and oversight) sees it. */
static json_t *status_json(kp_req_t *req, const kp_sw_app_t *app)
{
	kp_conn_t *c = kp_api_db(req);
	kp_sw_procedure_t p;
	kp_sw_step_t *steps = NULL;
	kp_sw_event_t *ev = NULL;
	kp_sw_document_t *docs = NULL;
	kp_sw_fee_t *fees = NULL;
	int ns = 0, ne = 0, nd = 0, nf = 0;
	json_t *def = kp_store_sw_procedure_get(c, &req->arena, app->procedure, &p) == KP_DB_OK
	                  ? json_loads(p.definition, 0, NULL)
	                  : NULL;
	kp_store_sw_steps(c, &req->arena, app->id, &steps, &ns);
	kp_store_sw_events(c, &req->arena, app->id, &ev, &ne);
	kp_store_sw_app_documents(c, &req->arena, app->id, &docs, &nd);
	kp_store_sw_fees(c, &req->arena, app->id, &fees, &nf);
	json_t *js = json_array(), *je = json_array(), *jd = json_array(), *jf = json_array();
	for (int i = 0; i < ns; i++)
		json_array_append_new(js, kp_window_step_json(req, &steps[i], def));
	for (int i = 0; i < ne; i++) {
		json_t *detail = ev[i].detail ? json_loads(ev[i].detail, 0, NULL) : NULL;
		json_array_append_new(je, json_pack("{s:s?, s:s, s:o, s:o}", "step", ev[i].step_code, "action", ev[i].action,
		                                    "at", kp_window_time(ev[i].at), "detail",
		                                    detail ? detail : ev[i].detail ? json_string(ev[i].detail) : json_null()));
	}
	for (int i = 0; i < nd; i++)
		json_array_append_new(jd, kp_window_document_json(&docs[i]));
	for (int i = 0; i < nf; i++)
		json_array_append_new(jf, kp_window_fee_json(req, &fees[i]));
	json_t *j = json_pack("{s:I, s:{s:s, s:O?}, s:s, s:s?, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
	                      (json_int_t)app->id, "procedure", "code", app->procedure, "name",
	                      json_object_get(def, "name"), "status", app->status, "outcome", app->outcome,
	                      "submitted_at", kp_window_time(app->submitted_at), "expires_at",
	                      kp_window_time(app->expires_at), "decided_at", kp_window_time(app->decided_at), "data",
	                      json_loads(app->data, 0, NULL), "steps", js, "events", je, "documents", jd, "fees", jf);
	kp_ev_claim_t cl;
	if (app->effect && kp_store_ev_claim_of(c, &req->arena, app->id, &cl) == KP_DB_OK)
		json_object_set_new(j, "quota",
		                    json_pack("{s:i, s:s, s:I, s:I, s:o, s:o, s:s?}", "year", cl.year, "state", cl.state,
		                              "requested", (json_int_t)cl.requested, "granted", (json_int_t)cl.granted,
		                              "claimed_at", kp_window_time(cl.claimed_at), "allocated_at",
		                              kp_window_time(cl.allocated_at), "reason", cl.reason));
	json_decref(def);
	return j;
}

static const char *vin_ok(const char *vin)
{
	return kp_vin_check(vin, NULL);
}

static void problem(void *ctx, const char *field, const char *why)
{
	kp_field_error(ctx, field, why);
}

/* The documents of a body: [{"kind": k, "id": n}], each kind one the definition names. */
static int read_documents(kp_req_t *req, const json_t *def, const json_t *arr, int64_t **ids, const char ***kinds)
{
	size_t n = json_array_size(arr), i;
	json_t *d;
	if (arr && (!json_is_array(arr) || n > 40)) {
		kp_field_error(req, "documents", "must be an array of at most 40 {kind, id} objects");
		return 0;
	}
	*ids = kp_arena_zalloc(&req->arena, sizeof(int64_t) * (n + 1));
	*kinds = kp_arena_zalloc(&req->arena, sizeof(char *) * (n + 1));
	json_array_foreach(arr, i, d)
	{
		const char *kind = json_string_value(json_object_get(d, "kind"));
		json_int_t id = json_integer_value(json_object_get(d, "id"));
		bool known = false;
		size_t k;
		json_t *dk;
		json_array_foreach(json_object_get(def, "documents"), k, dk) known |=
		    kind && strcmp(json_string_value(json_object_get(dk, "kind")) ?: "", kind) == 0;
		if (!known || id <= 0)
			kp_field_error(req, kp_arena_printf(&req->arena, "documents[%zu]", i),
			               "must name a document kind of this procedure and the id of an uploaded document");
		(*ids)[i] = id;
		(*kinds)[i] = kind;
	}
	return (int)n;
}

/* The EV procedure's vehicles must be of kinds this year's ledger admits. */
static void check_ledger_kinds(kp_req_t *req, const json_t *def, const json_t *data)
{
	const char *effect = json_string_value(json_object_get(def, "effect"));
	if (effect == NULL || strcmp(effect, "ev_quota") != 0)
		return;
	kp_ev_year_t y;
	int year = kp_window_ev_year(req);
	if (kp_store_ev_year_get(kp_api_db(req), &req->arena, year, &y) != KP_DB_OK) {
		kp_field_error(req, "procedure", kp_arena_printf(&req->arena, "no duty-free quota is set for %d", year));
		return;
	}
	json_t *kinds = json_loads(y.kinds, 0, NULL), *v;
	size_t i;
	json_array_foreach(json_object_get(data, "vehicles"), i, v)
	{
		const char *kind = json_string_value(json_object_get(v, "kind"));
		if (kind && !kp_ev_kind_admitted(kinds, kind))
			kp_field_error(req, kp_arena_printf(&req->arena, "data.vehicles[%zu].kind", i),
			               kp_arena_printf(&req->arena, "is not admitted by the %d quota (it admits %s)", year, y.kinds));
	}
	json_decref(kinds);
}

static bool may_apply(kp_req_t *req, const json_t *def)
{
	const char *role = kp_role_name(req->auth.role);
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(def, "applicants"), i, r) if (role && strcmp(json_string_value(r) ?: "", role) == 0) return true;
	return false;
}

void kp_api_sw_apply(kp_req_t *req)
{
	const char *code = kp_body_str(req, "procedure", 40, true);
	json_t *data = json_object_get(req->json, "data");
	if (data == NULL)
		kp_field_error(req, "data", "is required: the form's fields");
	if (kp_body_check(req) != 0)
		return;
	kp_sw_procedure_t p;
	json_t *def = kp_window_definition(req, code, &p);
	if (def == NULL)
		return;
	if (!p.active || !may_apply(req, def)) {
		json_decref(def);
		kp_reply_error(req, 403, "forbidden", "procedure %s does not take applications from you", code);
		return;
	}
	int64_t *ids = NULL;
	const char **kinds = NULL;
	kp_sw_form_check(&req->arena, def, data, vin_ok, problem, req);
	int nd = read_documents(req, def, json_object_get(req->json, "documents"), &ids, &kinds);
	if (json_is_object(data) && json_array_size(req->field_errors) == 0) /* kinds the form admits, against the year */
		check_ledger_kinds(req, def, data);
	if (kp_body_check(req) != 0) {
		json_decref(def);
		return;
	}
	char *text = json_dumps(data, JSON_COMPACT);
	kp_sw_app_t app = {.procedure = p.code, .user_id = req->auth.user_id, .org_id = req->auth.org_id,
	                   .data = kp_arena_strdup(&req->arena, text)};
	free(text);
	kp_actor_t who = kp_api_actor(req);
	kp_sw_conflict_t why;
	int rc = kp_store_sw_submit(kp_api_db(req), &req->arena, &who, &app, def, ids, kinds, nd, kp_window_now(), &why);
	json_decref(def);
	if (rc == KP_DB_CONFLICT && why.code) {
		json_t *body = json_pack("{s:{s:s, s:s, s:s, s:[{s:s, s:s}]}}", "error", "code", why.code, "message", why.message,
		                         "request_id", req->request_id, "fields", "field", why.field ? why.field : "data",
		                         "problem", why.message);
		if (why.other_application)
			json_object_set_new(json_object_get(body, "error"), "first_application", json_integer(why.other_application));
		req->error_code = why.code;
		kp_reply_json(req, 409, body);
		return;
	}
	if (rc == KP_DB_REF) {
		kp_reply_error(req, 422, "invalid_reference", "a document given is not one of yours, or an agency of the procedure is unknown");
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "application");
		return;
	}
	kp_store_sw_app_get(kp_api_db(req), &req->arena, app.id, &app);
	kp_reply_json(req, 201, status_json(req, &app));
}

/* The application named by the path, if the user is its applicant or oversight. */
static int load_own(kp_req_t *req, kp_sw_app_t *app)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return -1;
	int rc = kp_store_sw_app_get(kp_api_db(req), &req->arena, id, app);
	bool oversight = req->auth.role & (KP_ROLE_ADMIN | KP_ROLE_AUDITOR);
	if (rc == KP_DB_OK && !oversight && app->user_id != req->auth.user_id)
		rc = KP_DB_NOTFOUND;
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "application");
		return -1;
	}
	return 0;
}

void kp_api_sw_app_get(kp_req_t *req)
{
	kp_sw_app_t app;
	if (load_own(req, &app) == 0)
		kp_reply_json(req, 200, status_json(req, &app));
}

void kp_api_sw_app_list(kp_req_t *req)
{
	kp_page_t page;
	if (kp_api_page_read(req, 500, 100, &page) != 0)
		return;
	const char *status = kp_req_query(req, "status");
	if (status && !kp_sw_app_status_known(status)) {
		kp_reply_error(req, 400, "bad_query", "status must be in_progress, approved, refused, expired or withdrawn");
		return;
	}
	int64_t user = req->auth.role & (KP_ROLE_ADMIN | KP_ROLE_AUDITOR) ? 0 : req->auth.user_id;
	kp_sw_app_t *apps;
	int n;
	int64_t total;
	int rc = kp_store_sw_app_list(kp_api_db(req), &req->arena, user, status, &page, &apps, &n, &total);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "applications");
		return;
	}
	kp_sw_step_t *steps;
	int ns = 0;
	rc = kp_store_sw_steps_of(kp_api_db(req), &req->arena, apps, n, &steps, &ns);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "applications");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *js = json_array();
		for (int k = 0; k < ns; k++)
			if (steps[k].application_id == apps[i].id)
				json_array_append_new(js, json_pack("{s:s, s:s, s:s}", "code", steps[k].code, "agency",
				                                    steps[k].agency, "state", steps[k].state));
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)apps[i].id,
		                                       "procedure", apps[i].procedure, "status", apps[i].status,
		                                       "submitted_at", kp_window_time(apps[i].submitted_at), "expires_at",
		                                       kp_window_time(apps[i].expires_at), "steps", js));
	}
	kp_api_page_reply(req, items, total, &page);
}

void kp_api_sw_answer(kp_req_t *req)
{
	kp_sw_app_t app;
	const char *step = kp_body_str(req, "step", 40, true);
	const char *text = kp_body_str(req, "text", 2000, true);
	if (kp_body_check(req) != 0 || load_own(req, &app) != 0)
		return;
	if (app.user_id != req->auth.user_id) {
		kp_reply_error(req, 403, "forbidden", "only the applicant answers");
		return;
	}
	kp_sw_procedure_t p;
	json_t *def = kp_window_definition(req, app.procedure, &p);
	if (def == NULL)
		return;
	int64_t *ids = NULL;
	const char **kinds = NULL;
	int nd = read_documents(req, def, json_object_get(req->json, "documents"), &ids, &kinds);
	json_decref(def);
	if (kp_body_check(req) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	kp_sw_conflict_t why;
	int rc = kp_store_sw_answer(kp_api_db(req), &req->arena, &who, app.id, step, text, ids, kinds, nd, kp_window_now(),
	                            &why);
	if (rc == KP_DB_CONFLICT && why.code) {
		kp_reply_error(req, 409, why.code, "%s", why.message);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, rc == KP_DB_REF ? "a document" : "step");
		return;
	}
	kp_store_sw_app_get(kp_api_db(req), &req->arena, app.id, &app);
	kp_reply_json(req, 200, status_json(req, &app));
}

void kp_api_sw_withdraw(kp_req_t *req)
{
	kp_sw_app_t app;
	if (load_own(req, &app) != 0)
		return;
	if (app.user_id != req->auth.user_id) {
		kp_reply_error(req, 403, "forbidden", "only the applicant withdraws an application");
		return;
	}
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_sw_withdraw(kp_api_db(req), &req->arena, &who, app.id, kp_window_now());
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "step_state", "application %lld is %s: only one in progress can be withdrawn",
		               (long long)app.id, app.status);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "application");
		return;
	}
	kp_store_sw_app_get(kp_api_db(req), &req->arena, app.id, &app);
	kp_reply_json(req, 200, status_json(req, &app));
}
