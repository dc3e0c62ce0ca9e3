/* carrier_checks.h: the ministry's verification of carriers that registered themselves:
 * their carrier licence and tax number (INN) checked before their first permit. */
#ifndef KP_STORE_CARRIER_CHECKS_H
#define KP_STORE_CARRIER_CHECKS_H

#include "domain/permit.h"
#include "store/store.h"

typedef struct kp_carrier_check {
	int64_t org_id, requested_at, decided_by, decided_at;
	const char *status; /* pending, verified, rejected; "verified" with requested_at 0: no check was needed */
	const char *org_name, *inn, *licence_number, *note;
	bool licence_checked, inn_checked;
} kp_carrier_check_t;

/* A check waiting for the ministry, for a carrier that registered itself (inside the
 * caller's transaction). */
int kp_store_carrier_check_open(kp_conn_t *c, const kp_actor_t *who, int64_t org_id);
/* The check of one carrier; a carrier without one is verified (registered by staff or
 * before verification began). KP_DB_NOTFOUND when org_id is no carrier. */
int kp_store_carrier_check_get(kp_conn_t *c, kp_arena_t *a, int64_t org_id, kp_carrier_check_t *out);
/* A page of the checks with status (NULL: all), oldest request first; page->q searches
 * the carrier's name, INN and licence number. *total: all that match. */
int kp_store_carrier_check_page(kp_conn_t *c, kp_arena_t *a, const char *status, const kp_page_t *page,
                                kp_carrier_check_t **out, int *n, int64_t *total);
/* The ministry's decision: verify needs both checks true; reject needs a note. The check
 * takes the status kp_carrier_check_next() gives. Audited. KP_DB_NOTFOUND when the carrier
 * has no check to decide. */
int kp_store_carrier_check_decide(kp_conn_t *c, const kp_actor_t *who, int64_t org_id, kp_carrier_decision_t decision,
                                  bool licence_checked, bool inn_checked, const char *note);

#endif
