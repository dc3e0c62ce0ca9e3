/* carrier_checks.c: the ministry verifies carriers that registered themselves before their
 * first permit (their carrier licence and INN, checked against the registers), and the
 * carrier sees what is still pending. */
#include "api/api.h"
#include "api/paging.h"
#include "core/util.h"
#include "store/carrier_checks.h"

#include <string.h>

static json_t *check_json(const kp_carrier_check_t *x)
{
	char req[32], dec[32];
	kp_iso8601(x->requested_at, req, sizeof(req));
	kp_iso8601(x->decided_at, dec, sizeof(dec));
	json_t *pending = json_array();
	if (strcmp(x->status, KP_CARRIER_CHECK_S_VERIFIED) != 0) {
		if (!x->licence_checked)
			json_array_append_new(pending, json_string("licence"));
		if (!x->inn_checked)
			json_array_append_new(pending, json_string("inn"));
	}
	json_t *j = json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:s, s:b, s:b, s:o}", "organisation_id", (json_int_t)x->org_id,
	                      "organisation_name", x->org_name, "inn", x->inn, "licence_number", x->licence_number, "note",
	                      x->note, "status", x->status, "licence_checked", x->licence_checked || !x->requested_at,
	                      "inn_checked", x->inn_checked || !x->requested_at, "pending", pending);
	json_object_set_new(j, "requested_at", x->requested_at ? json_string(req) : json_null());
	json_object_set_new(j, "decided_at", x->decided_at ? json_string(dec) : json_null());
	return j;
}

void kp_api_carrier_check_mine(kp_req_t *req)
{
	kp_carrier_check_t x;
	int rc = kp_store_carrier_check_get(kp_api_db(req), &req->arena, req->auth.org_id, &x);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "carrier");
		return;
	}
	kp_reply_json(req, 200, check_json(&x));
}

void kp_api_carrier_check_list(kp_req_t *req)
{
	const char *status = kp_req_query(req, "status");
	if (status && !kp_carrier_check_status_known(status)) {
		kp_reply_error(req, 400, "bad_query", "status must be pending, verified or rejected");
		return;
	}
	kp_page_t page;
	if (kp_api_page_read(req, 1000, 100, &page) != 0)
		return;
	kp_carrier_check_t *x;
	int n;
	int64_t total;
	int rc = kp_store_carrier_check_page(kp_api_db(req), &req->arena, status, &page, &x, &n, &total);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "carriers");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, check_json(&x[i]));
	kp_api_page_reply(req, items, total, &page);
}

static bool body_bool(kp_req_t *req, const char *name)
{
	json_t *v = json_object_get(req->json, name);
	if (v && !json_is_boolean(v))
		kp_field_error(req, name, "must be true or false");
	return json_is_true(v);
}

void kp_api_carrier_check_decide(kp_req_t *req)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return;
	const char *status = kp_body_str(req, "status", 10, true);
	kp_carrier_decision_t decision = KP_CARRIER_REJECT;
	bool decided = kp_carrier_decision_parse(status, &decision);
	if (status && !decided)
		kp_field_error(req, "status", "must be verified or rejected");
	bool licence = body_bool(req, "licence_checked"), inn = body_bool(req, "inn_checked");
	const char *note = kp_body_str(req, "note", 1000, decided && decision == KP_CARRIER_REJECT);
	if (decided && decision == KP_CARRIER_VERIFY) {
		if (!licence)
			kp_field_error(req, "licence_checked", "must be true: check the licence in the register first");
		if (!inn)
			kp_field_error(req, "inn_checked", "must be true: check the INN in the tax register first");
	}
	if (kp_body_check(req) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_carrier_check_decide(kp_api_db(req), &who, id, decision, licence, inn, note);
	kp_carrier_check_t x;
	if (rc == KP_DB_OK)
		rc = kp_store_carrier_check_get(kp_api_db(req), &req->arena, id, &x);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "carrier verification");
		return;
	}
	kp_reply_json(req, 200, check_json(&x));
}
