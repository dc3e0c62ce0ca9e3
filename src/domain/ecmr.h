/* ecmr.h: the electronic consignment note (e-CMR): which acts exist, who may seal each and
 * when (status moves only by seals, in order, each role once per act), the note's boxes as
 * a checked JSON document, and the claims a seal signs. Pure: no I/O. docs/ecmr.md maps
 * the document's fields to the CMR boxes and the eFTI / UN/CEFACT names. */
#ifndef KP_DOMAIN_ECMR_H
#define KP_DOMAIN_ECMR_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* A consignment's statuses, as stored: a draft until the sender issues it, in transit once the
 * carrier takes the goods over, delivered when the consignee seals delivery. Only seals move
 * it (kp_ecmr_act_apply). */
#define KP_ECMR_S_DRAFT "draft"
#define KP_ECMR_S_ISSUED "issued"
#define KP_ECMR_S_IN_TRANSIT "in_transit"
#define KP_ECMR_S_DELIVERED "delivered"

/* Quoted for the store's SQL IN list (a statement stays a literal, db.h): the notes under way,
 * issued or in transit, which a crossing of their vehicle is linked to (kp_ecmr_under_way). */
#define KP_ECMR_UNDER_WAY_SQL "('" KP_ECMR_S_ISSUED "', '" KP_ECMR_S_IN_TRANSIT "')"

/* True when s names a status; true when it is issued or in transit, where the holder of the
 * right of disposal may transfer it or give instructions. */
bool kp_ecmr_status_known(const char *s);
bool kp_ecmr_under_way(const char *status);

/* What a consignment is at, as far as sealing goes. */
typedef struct kp_ecmr_state {
	const char *status;          /* draft, issued, in_transit, delivered */
	const char *disposal_holder; /* sender or consignee */
	bool carrier_reservations;   /* the carrier made reservations at taking over */
	/* (act, role) pairs already sealed */
	const char *const *done_acts, *const *done_roles;
	int ndone;
} kp_ecmr_state_t;

/* The acts: "issue" (sender: the final form), "take_over" (carrier, with reservations),
 * "accept_reservations" (sender), "transfer_disposal" (the holder of the right of disposal,
 * once), "instructions" (the holder), "deliver" (consignee, with reservations). */
bool kp_ecmr_act_valid(const char *act);
bool kp_ecmr_role_valid(const char *role);

/* Whether role may seal act now. NULL when it may, else a stable code: UNKNOWN_ACT,
 * ROLE_NOT_ALLOWED (this role never seals this act), ALREADY_SEALED (this role sealed this act),
 * OUT_OF_ORDER (not at this status), NO_RESERVATIONS (nothing to accept), NOT_DISPOSAL_HOLDER,
 * DISPOSAL_ALREADY_TRANSFERRED. */
const char *kp_ecmr_act_check(const kp_ecmr_state_t *st, const char *act, const char *role);

/* What sealing act does to the state: the new status and disposal holder (static strings). */
void kp_ecmr_act_apply(const char *act, const char *status, const char *holder, const char **new_status,
                       const char **new_holder);

/* Check the consignment note submitted by a carrier (an object) and build the document kept:
 * only known members, trimmed, with the carrier's name filled in. Problems go to err(ctx,
 * field, problem), every one of them; returns NULL when there was any, else a new object. */
typedef void (*kp_ecmr_err_fn)(void *ctx, const char *field, const char *problem);
json_t *kp_ecmr_document(const json_t *in, const char *carrier_name, const char *carrier_country, kp_ecmr_err_fn err,
                         void *ctx);

/* The document's canonical text (compact, keys sorted); malloc'd. */
char *kp_ecmr_canonical(const json_t *doc);

/* The claims a seal signs, members in this order: ecmr, seq, act, role, party, doc, prev (null
 * for the first), at, reservations/instructions (when given), custody ("kapka" when kapka holds
 * the party's key on its behalf). New object. */
typedef struct kp_ecmr_seal_claims {
	const char *ref, *act, *role, *party, *doc_digest, *prev, *text, *custody;
	int seq;
	int64_t at;
} kp_ecmr_seal_claims_t;
json_t *kp_ecmr_seal_payload(const kp_ecmr_seal_claims_t *c);

#endif
