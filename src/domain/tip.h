/* tip.h: vehicles entering the customs union (EAEU): the temporary import (TIP) a
 * vehicle gets at its entry into the union, kept while it moves between members and
 * started anew after it leaves and comes back, and the ecotax charged on the first
 * entry into the union. Members, fees and terms are data; these are the rules. Pure. */
#ifndef KP_TIP_H
#define KP_TIP_H

#include <stdbool.h>
#include <stdint.h>

/* Vehicle kinds an ecotax is charged for. */
const char *kp_check_tip_vehicle_kind(const char *kind); /* motorcycle, car, truck */

/* True when country is in the NULL-terminated list of union members. */
bool kp_union_member(const char *const *members, const char *country);

/* What entering Kyrgyzstan does to a vehicle's temporary import. */
typedef enum kp_tip_action {
	KP_TIP_OPEN_NEW, /* entry into the union: a new TIP */
	KP_TIP_KEEP,     /* from a member with a TIP open: it stays, nothing new */
	KP_TIP_REPLACE,  /* from outside while a TIP is open (it left the union unseen): new TIP */
	KP_TIP_CARRY_IN, /* from a member, no TIP on file here: recorded from the TIP it holds */
} kp_tip_action_t;

typedef struct kp_tip_entry_decision {
	kp_tip_action_t action;
	int64_t ecotax_som;        /* 0 when not charged */
	const char *ecotax_reason; /* FIRST_UNION_ENTRY, FROM_UNION_MEMBER, ALREADY_PAID, ALREADY_CHARGED,
	                              NO_FEE_FOR_KIND */
} kp_tip_entry_decision_t;

/* entered_from_member: the country entered from is a union member; tip_open: the vehicle
 * has an open TIP on file; ecotax_paid: an ecotax was ever paid for it here;
 * ecotax_charged: one was charged on an earlier entry, paid or not (it stays owed there and
 * is not charged again); fee: the fee for its kind (-1 when none is set). */
kp_tip_entry_decision_t kp_tip_entry(bool entered_from_member, bool tip_open, bool ecotax_paid, bool ecotax_charged,
                                     int64_t fee);

/* Why an entry cannot open a temporary import, NULL when it can. A TIP is for a foreign
 * vehicle entering the customs union from outside it, at a crossing open to that vehicle:
 * NOT_FOREIGN_VEHICLE (registered in a union member), NOT_THIS_BORDER (the checkpoint does
 * not border the country it came from), CROSSING_CLOSED (not open to this vehicle that day). */
const char *kp_tip_entry_refusal(bool registered_in_member, const char *checkpoint_neighbour, const char *entered_from,
                                 bool crossing_open_for_vehicle);

/* Last day a TIP entered on entry_day for term months is valid (as kp_zone_validity_end). */
int64_t kp_tip_expiry(int64_t entry_day, int months);
/* NULL when term (months) is within [min, max], else why not. */
const char *kp_tip_term_check(int months, int min, int max);
/* Days from today until the TIP expires (negative once expired). */
int64_t kp_tip_days_left(int64_t expiry, int64_t today);
/* Leaving for country: true when the TIP ends (the union is left), false when it is kept. */
bool kp_tip_exit_ends(bool to_member);

/* A TIP's statuses, as stored: open from entry until the vehicle leaves the union (or is
 * found entering from outside with one open, when a new one replaces it), then closed. */
#define KP_TIP_S_OPEN "open"
#define KP_TIP_S_CLOSED "closed"

/* What happens to a TIP on file. */
typedef enum kp_tip_move {
	KP_TIP_REPLACED,       /* a new TIP replaces it (kp_tip_entry's KP_TIP_REPLACE) */
	KP_TIP_EXIT_UNION,     /* the vehicle leaves the union */
	KP_TIP_EXIT_TO_MEMBER, /* the vehicle leaves for a union member: it stays open */
} kp_tip_move_t;

/* The status move leads to from status, NULL when it is not allowed (only an open TIP
 * moves). A static string. */
const char *kp_tip_next(const char *status, kp_tip_move_t move);
/* True when s names a TIP status. */
bool kp_tip_status_known(const char *s);

#endif
