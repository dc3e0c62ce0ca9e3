/* evquota.h: the duty-free electric-vehicle import quota's rules: what a year's ledger
 * admits, the pro-rata share of a day on which demand exceeds what is left, and when the
 * remainder is critical. Pure: no I/O. */
#ifndef KP_EVQUOTA_H
#define KP_EVQUOTA_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* One claim of a day: units requested; granted is the answer. key orders ties in the
 * largest-remainder step (a hash of the claim, never its arrival). */
typedef struct kp_ev_share {
	int64_t requested, granted;
	uint64_t key;
} kp_ev_share_t;

/* Split left units among n claims pro rata to what each requested (floor of the exact
 * share, then one more unit each by largest remainder, ties by key). When the day's
 * demand fits, everyone gets what they asked. Never grants more than left in total nor
 * more than a claim requested. */
void kp_ev_pro_rata(int64_t left, kp_ev_share_t *claims, int n);

/* True when what remains of a year's total is at or below critical_percent of it (the
 * EU shows a tariff quota as critical from 10% left). */
bool kp_ev_critical(int64_t total, int64_t remaining, int critical_percent);

/* True when kind is one of the year's admitted kinds (a JSON array of strings, as the
 * ledger keeps them); false for a NULL kind. */
bool kp_ev_kind_admitted(const json_t *kinds, const char *kind);

/* A stable tie-break key for a claim: FNV-1a of its application id and day. */
uint64_t kp_ev_tie_key(int64_t application_id, int64_t day);

/* An application's claim on a year's quota, as stored: reserved when customs approves and
 * the day's demand fits, else pending until the day has ended and the pro-rata split gives
 * it a share (reserved) or none (released); allocated when every step has approved;
 * released when the application is refused or expires first. Also the wire effect a
 * reservation reports (reserved or pending). */
#define KP_EV_CLAIM_S_PENDING "pending"
#define KP_EV_CLAIM_S_RESERVED "reserved"
#define KP_EV_CLAIM_S_ALLOCATED "allocated"
#define KP_EV_CLAIM_S_RELEASED "released"

typedef enum kp_ev_claim_action {
	KP_EV_OVERSUBSCRIBED, /* its day's demand exceeds what is left: wait for the split */
	KP_EV_SHARE_GRANTED,  /* the split gave it a share */
	KP_EV_SHARE_NONE,     /* the split gave it nothing */
	KP_EV_ALLOCATE,       /* every step approved, the claim's day over (pro rata) */
	KP_EV_RELEASE,        /* the application was refused or expired */
} kp_ev_claim_action_t;

/* A new claim's state: reserved when the day's demand fits what is left, else pending. */
const char *kp_ev_claim_first(bool fits);
/* The state action leads to from state; NULL when it is not allowed there. Static. */
const char *kp_ev_claim_next(const char *state, kp_ev_claim_action_t action);

/* Quoted for the store's SQL IN lists (a statement stays a literal, db.h): the claims that
 * hold places of the year (kp_ev_claim_holds), and the ones a release moves, which are also
 * a day's demand. */
#define KP_EV_CLAIM_HELD_SQL "('" KP_EV_CLAIM_S_RESERVED "', '" KP_EV_CLAIM_S_ALLOCATED "')"
#define KP_EV_CLAIM_OPEN_SQL "('" KP_EV_CLAIM_S_RESERVED "', '" KP_EV_CLAIM_S_PENDING "')"
/* True when a claim in state holds places of the year's total. */
bool kp_ev_claim_holds(const char *state);

/* A VIN in the register: claimed at submission, reserved with its application's claim (the
 * VINs past a pro-rata share are given back: deleted), allocated with it. A VIN not
 * allocated is deleted when its application is released; one allocated stays, forever. */
#define KP_EV_VIN_S_CLAIMED "claimed"
#define KP_EV_VIN_S_RESERVED "reserved"
#define KP_EV_VIN_S_ALLOCATED "allocated"

#endif
