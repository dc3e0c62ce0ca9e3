/* tip_rules.c: whether a recorded entry may open a temporary import at all: a foreign
 * vehicle (not registered in a customs-union member), entering from the country the
 * checkpoint borders, on a day the crossing is open to that kind of vehicle (issue 13,
 * finding 2). The rule is kp_tip_entry_refusal; this gathers its facts. */
#include "api/travel.h"
#include "domain/schedule.h"
#include "domain/tip.h"
#include "store/registry.h"

#include <string.h>

static unsigned mode_of_kind(const char *kind)
{
	return kp_mode_parse(kind); /* motorcycle, car, truck are modes of the same names */
}

int kp_api_tip_entry_check(kp_req_t *req, const kp_tip_t *t)
{
	const char **members;
	int rc = kp_store_union_members(kp_api_db(req), &req->arena, &members);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "customs union");
		return -1;
	}
	kp_registry_t *reg = kp_api_app(req)->registry;
	if (reg == NULL) {
		kp_reply_error(req, 503, "busy", "the checkpoint registry is not loaded; try again in a moment");
		return -1;
	}
	const kp_cp_set_t *set = kp_registry_acquire(reg);
	const kp_checkpoint_t *cp = kp_cp_set_find(set, t->entry_checkpoint);
	bool ours = cp && strcmp(cp->country, kp_api_app(req)->cfg->authority_code) == 0;
	bool open = false;
	if (ours) {
		int64_t from, to;
		kp_cp_local_day(&cp->schedule, t->entry_date, &from, &to);
		open = kp_cp_open_during(&cp->schedule, from, to, mode_of_kind(t->kind), true);
	}
	const char *why = ours ? kp_tip_entry_refusal(kp_union_member(members, t->plate_country), cp->neighbour,
	                                              t->entered_from, open)
	                       : NULL;
	kp_registry_release(reg);
	if (!ours) {
		kp_field_problem(req, "entry_checkpoint", "checkpoint_not_ours", NULL,
		                 "is not one of our checkpoints; see GET /api/v1/checkpoints");
		kp_body_check(req);
		return -1;
	}
	if (why == NULL)
		return 0;
	static const struct {
		const char *code, *field, *message;
	} texts[] = {
	    {"NOT_FOREIGN_VEHICLE", "plate_country",
	     "a vehicle registered in a customs-union member state needs no temporary import"},
	    {"NOT_THIS_BORDER", "entered_from", "that checkpoint does not border the country the vehicle came from"},
	    {"CROSSING_CLOSED", "entry_date", "that crossing was not open to this kind of vehicle on the entry date"},
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (strcmp(texts[i].code, why) == 0) {
			kp_field_problem(req, texts[i].field, kp_arena_strdup(&req->arena, why), NULL, texts[i].message);
			kp_reply_error(req, 422, why, "%s", texts[i].message);
		}
	return -1;
}
