/* queue_rules.c: the booked queue follows the crossing's hours (issue 13, finding 6; issue
 * 17, item 15): booking hours are opened only for hours the crossing is open for that
 * traffic and not yet over, a slot is booked and a vehicle joins the live queue only while
 * the crossing is open for it, and crossings are registered only at an open crossing. The
 * rule is kp_cp_hour_open / kp_cp_status on the registry; this applies it. */
#include "api/api.h"
#include "api/queue_rules.h"
#include "core/util.h"
#include "domain/schedule.h"
#include "store/checkpoints.h"
#include "store/registry.h"

#include <string.h>

/* Answer 422 CHECKPOINT_CLOSED with the reasons of st. */
static void reply_closed(kp_req_t *req, const char *name, const kp_cp_status_t *st, const char *what)
{
	json_t *reasons = json_array();
	for (int i = 0; st && i < st->nreasons; i++)
		json_array_append_new(reasons, json_string(st->reasons[i].code));
	kp_reply_error(req, 422, "CHECKPOINT_CLOSED", "%s is not open for %s then", name, what);
	json_t *err = req->reply_json ? json_object_get(req->reply_json, "error") : NULL;
	if (err)
		json_object_set_new(err, "reasons", reasons);
	else
		json_decref(reasons);
}

int kp_api_slots_open(kp_req_t *req, const char *code, const char *flow, int64_t day, int from_hour, int to_hour,
                      int capacity, int priority_cap, int *created)
{
	kp_registry_t *reg = kp_api_app(req)->registry;
	if (reg == NULL) {
		kp_reply_error(req, 503, "busy", "the checkpoint registry is not loaded; try again in a moment");
		return -1;
	}
	const kp_cp_set_t *set = kp_registry_acquire(reg);
	const kp_checkpoint_t *cp = kp_cp_set_find(set, code);
	bool open[24] = {false}, any_future = false, any_open = false;
	int64_t start[24];
	int64_t now = kp_now();
	for (int h = from_hour; cp && h < to_hour; h++) {
		int64_t from, to;
		kp_cp_local_day(&cp->schedule, day, &from, &to);
		start[h] = from + (int64_t)h * 3600;
		bool future = start[h] + 3600 > now;
		any_future |= future;
		open[h] = future && kp_cp_hour_open(&cp->schedule, start[h], kp_cp_flow_mode(flow));
		any_open |= open[h];
	}
	kp_cp_status_t st = {0};
	if (cp && any_future && !any_open)
		kp_cp_status(&cp->schedule, start[from_hour] > now ? start[from_hour] : now, kp_cp_flow_mode(flow), false, &st);
	const char *name = cp ? kp_arena_strdup(&req->arena, cp->name_en) : code;
	kp_registry_release(reg);
	if (!any_future) {
		kp_field_problem(req, "date", "IN_THE_PAST", NULL, "those hours are over");
		kp_reply_error(req, 422, "IN_THE_PAST", "those hours are over; booking hours are opened for hours to come");
		return -1;
	}
	if (!any_open) {
		kp_field_problem(req, "from_hour", "CHECKPOINT_CLOSED", NULL, "the crossing is not open in any of those hours");
		reply_closed(req, name, &st, kp_arena_printf(&req->arena, "%s traffic in any of those hours", flow));
		return -1;
	}
	/* the open hours in runs, stored together: a failure leaves none of them */
	kp_slot_run_t runs[24];
	int nruns = 0;
	for (int h = from_hour; h < to_hour;) {
		if (!open[h]) {
			h++;
			continue;
		}
		int run = 0;
		while (h + run < to_hour && open[h + run])
			run++;
		runs[nruns++] = (kp_slot_run_t){start[h], run};
		h += run;
	}
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_slot_runs_create(kp_api_db(req), &who, code, flow, runs, nruns, capacity, priority_cap, created);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "slots");
		return -1;
	}
	return 0;
}

/* The checkpoint's status for mode at t; false with *name set when there is no such one. */
static bool status_at(kp_req_t *req, const char *code, int64_t t, unsigned mode, kp_cp_status_t *st, const char **name,
                      bool whole_hour)
{
	kp_registry_t *reg = kp_api_app(req)->registry;
	if (reg == NULL)
		return false;
	const kp_cp_set_t *set = kp_registry_acquire(reg);
	const kp_checkpoint_t *cp = kp_cp_set_find(set, code);
	bool found = cp != NULL;
	if (cp) {
		kp_cp_status(&cp->schedule, t, mode, false, st);
		if (whole_hour && st->open && !kp_cp_hour_open(&cp->schedule, t, mode))
			st->open = false;
		*name = kp_arena_strdup(&req->arena, cp->name_en);
	}
	kp_registry_release(reg);
	return found;
}

bool kp_api_slot_open(kp_req_t *req, const kp_slot_t *s)
{
	kp_cp_status_t st = {0};
	const char *name = s->checkpoint;
	return !status_at(req, s->checkpoint, s->starts_at, kp_cp_flow_mode(s->flow), &st, &name, true) || st.open;
}

int kp_api_slot_bookable(kp_req_t *req, const kp_slot_t *s)
{
	kp_cp_status_t st = {0};
	const char *name = s->checkpoint;
	if (status_at(req, s->checkpoint, s->starts_at, kp_cp_flow_mode(s->flow), &st, &name, true) && !st.open) {
		reply_closed(req, name, &st, kp_arena_printf(&req->arena, "%s traffic in that hour", s->flow));
		return -1;
	}
	return 0;
}

int kp_api_open_now(kp_req_t *req, const char *code, unsigned mode, int64_t at)
{
	kp_cp_status_t st = {0};
	const char *name = code;
	if (status_at(req, code, at, mode, &st, &name, false) && !st.open) {
		reply_closed(req, name, &st, mode ? kp_mode_name(mode) : "traffic");
		return -1;
	}
	return 0;
}
