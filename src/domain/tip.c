/* tip.c: temporary import and ecotax rules (tip.h). */
#include "domain/tip.h"
#include "domain/zone.h"

#include <stdio.h>
#include <string.h>

const char *kp_check_tip_vehicle_kind(const char *kind)
{
	static const char *const kinds[] = {"motorcycle", "car", "truck"};
	for (size_t i = 0; kind && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return NULL;
	return "must be motorcycle, car or truck";
}

bool kp_union_member(const char *const *members, const char *country)
{
	for (; country && members && *members; members++)
		if (strcmp(*members, country) == 0)
			return true;
	return false;
}

kp_tip_entry_decision_t kp_tip_entry(bool entered_from_member, bool tip_open, bool ecotax_paid, bool ecotax_charged,
                                     int64_t fee)
{
	kp_tip_entry_decision_t d = {KP_TIP_OPEN_NEW, 0, "FIRST_UNION_ENTRY"};
	if (entered_from_member) {
		d.action = tip_open ? KP_TIP_KEEP : KP_TIP_CARRY_IN;
		d.ecotax_reason = "FROM_UNION_MEMBER";
		return d;
	}
	d.action = tip_open ? KP_TIP_REPLACE : KP_TIP_OPEN_NEW;
	if (ecotax_paid)
		d.ecotax_reason = "ALREADY_PAID";
	else if (ecotax_charged)
		d.ecotax_reason = "ALREADY_CHARGED";
	else if (fee <= 0)
		d.ecotax_reason = "NO_FEE_FOR_KIND";
	else
		d.ecotax_som = fee;
	return d;
}

const char *kp_tip_entry_refusal(bool registered_in_member, const char *checkpoint_neighbour, const char *entered_from,
                                 bool crossing_open_for_vehicle)
{
	if (registered_in_member)
		return "NOT_FOREIGN_VEHICLE";
	if (checkpoint_neighbour == NULL || entered_from == NULL || strcmp(checkpoint_neighbour, entered_from) != 0)
		return "NOT_THIS_BORDER";
	if (!crossing_open_for_vehicle)
		return "CROSSING_CLOSED";
	return NULL;
}

int64_t kp_tip_expiry(int64_t entry_day, int months)
{
	return kp_zone_validity_end(entry_day, months);
}

const char *kp_tip_term_check(int months, int min, int max)
{
	static _Thread_local char why[80];
	if (months >= min && months <= max)
		return NULL;
	snprintf(why, sizeof(why), "must be from %d to %d months", min, max);
	return why;
}

int64_t kp_tip_days_left(int64_t expiry, int64_t today)
{
	return expiry - today;
}

bool kp_tip_exit_ends(bool to_member)
{
	return !to_member;
}

const char *kp_tip_next(const char *status, kp_tip_move_t move)
{
	if (!status || strcmp(status, KP_TIP_S_OPEN) != 0)
		return NULL;
	switch (move) {
	case KP_TIP_REPLACED:
	case KP_TIP_EXIT_UNION:
		return KP_TIP_S_CLOSED;
	case KP_TIP_EXIT_TO_MEMBER:
		return KP_TIP_S_OPEN;
	}
	return NULL;
}

bool kp_tip_status_known(const char *s)
{
	return s && (!strcmp(s, KP_TIP_S_OPEN) || !strcmp(s, KP_TIP_S_CLOSED));
}
