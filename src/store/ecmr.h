/* ecmr.h: storage of e-CMR consignment notes, their seals, one-time links, held keys, the
 * crossings they went through and the messages sent to their parties. */
#ifndef KP_STORE_ECMR_H
#define KP_STORE_ECMR_H

#include <stdbool.h>

#include "store/store.h"

typedef struct kp_ecmr {
	int64_t id, carrier_org_id, created_by, booking_id, seals, created_at, updated_at;
	const char *ref, *status, *document, *doc_digest, *plate, *plate_country, *trailer_plate;
	const char *destination_country, *sender_name, *consignee_name, *permit_id, *disposal_holder, *head;
	bool carrier_reservations;
} kp_ecmr_t;

typedef struct kp_ecmr_seal {
	int64_t id, consignment_id, at, recorded_by;
	int seq;
	const char *act, *role, *party_name, *custody, *issuer, *kid, *jws, *digest, *prev, *reservations;
} kp_ecmr_seal_t;

typedef struct kp_ecmr_link {
	int64_t id, consignment_id, expires_at, used_at;
	int failures;
	const char *role, *code_hash, *recipient;
} kp_ecmr_link_t;

/* A key kapka holds for a party (owner "org:ID" or "ecmr:REF:ROLE"). */
typedef struct kp_ecmr_key {
	const char *owner, *kid, *jwk, *wrapped, *cert;
} kp_ecmr_key_t;

/* Insert a draft; sets id and times. KP_DB_CONFLICT when the ref is taken. */
int kp_store_ecmr_create(kp_conn_t *c, const kp_actor_t *who, kp_ecmr_t *e);
/* Replace a draft's document (and the columns drawn from it) while it has no seal:
 * KP_DB_CONFLICT once sealed. */
int kp_store_ecmr_update_draft(kp_conn_t *c, const kp_actor_t *who, const kp_ecmr_t *e);
int kp_store_ecmr_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_ecmr_t *out);
int kp_store_ecmr_by_ref(kp_conn_t *c, kp_arena_t *a, const char *ref, kp_ecmr_t *out);
/* The note reached by an authority link (SHA-256 of its token). */
int kp_store_ecmr_by_authority_token(kp_conn_t *c, kp_arena_t *a, const char *token_hash, kp_ecmr_t *out);
/* Newest first. org_id 0: any; plate/country NULL: any (plate matches the vehicle or the
 * trailer); status NULL: any. */
int kp_store_ecmr_list(kp_conn_t *c, kp_arena_t *a, int64_t org_id, const char *plate, const char *country,
                       const char *status, int limit, kp_ecmr_t **out, int *n);
/* A page of the same; page->q searches the reference, plates, sender and consignee.
 * *total: all that match. */
int kp_store_ecmr_page(kp_conn_t *c, kp_arena_t *a, int64_t org_id, const char *plate, const char *country,
                       const char *status, const kp_page_t *page, kp_ecmr_t **out, int *n, int64_t *total);
int kp_store_ecmr_seals(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_ecmr_seal_t **out, int *n);

/* Record seal s on e (as read before signing: e->seals and e->head must still hold, else
 * KP_DB_CONFLICT) with the state it moves to, use up link_id (0: none; KP_DB_CONFLICT when
 * already used) and append the agency events (an array, borrowed) in the same transaction. */
int kp_store_ecmr_seal_add(kp_conn_t *c, const kp_actor_t *who, const kp_ecmr_t *e, const kp_ecmr_seal_t *s,
                           const char *new_status, const char *new_holder, bool carrier_reservations,
                           int64_t link_id, json_t *events);

/* Set (replace) the authority link's token hash. */
int kp_store_ecmr_set_authority_token(kp_conn_t *c, const kp_actor_t *who, int64_t id, const char *token_hash);

/* One-time links: a new one, with the message record (subject, digest of the body). */
int kp_store_ecmr_link_create(kp_conn_t *c, const kp_actor_t *who, int64_t consignment_id, const char *role,
                              const char *token_hash, const char *code_hash, const char *recipient,
                              int64_t expires_at, const char *subject, const char *body_digest);
int kp_store_ecmr_link_get(kp_conn_t *c, kp_arena_t *a, const char *token_hash, kp_ecmr_link_t *out);
/* Count a wrong code. */
int kp_store_ecmr_link_fail(kp_conn_t *c, int64_t id);

/* Held keys: the owner's key, or KP_DB_NOTFOUND; add (KP_DB_CONFLICT when the owner has one). */
int kp_store_ecmr_key_get(kp_conn_t *c, kp_arena_t *a, const char *owner, kp_ecmr_key_t *out);
int kp_store_ecmr_key_add(kp_conn_t *c, const kp_ecmr_key_t *k);

/* Link a crossing to the notes of its vehicle that are issued or in transit; *linked gets
 * how many. Inside the caller's transaction or its own. */
int kp_store_ecmr_link_crossing(kp_conn_t *c, int64_t crossing_id, const char *plate, int64_t at, int *linked);
/* The crossings of a note: ids, newest first. */
int kp_store_ecmr_crossings(kp_conn_t *c, kp_arena_t *a, int64_t id, int64_t **ids, int *n);

/* The refs of the notes linked to a crossing. */
int kp_store_ecmr_refs_for_crossing(kp_conn_t *c, kp_arena_t *a, int64_t crossing_id, const char ***refs, int *n);

/* The one place where e-CMR evidence (seal digests, delivery digests) goes to the public
 * log, inside the caller's transaction. */
int kp_store_ecmr_evidence(kp_conn_t *c, const char *kind, const char *object, const char *digest);

#endif
