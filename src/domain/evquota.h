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

#endif
