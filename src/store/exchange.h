/* exchange.h: storage of the partner exchange (docs/e-permit.md): partners and their
 * handshake, the event chain per partner, the outbox of events we send and the record of
 * the events we receive. */
#ifndef KP_STORE_EXCHANGE_H
#define KP_STORE_EXCHANGE_H

#include "domain/event.h"
#include "store/permits.h"

/* Queue an event for partner inside the caller's transaction, chained after the last one
 * queued for it. claims (taken) holds the type's own fields; event_id, previous_event_id,
 * event_type, event_timestamp, issuer and issued_for are added here. Nothing is queued
 * (KP_DB_OK) unless partner is one we exchange with and sender is ourselves: so callers
 * may call it for any permit or quota. */
int kp_store_outbox_add(kp_conn_t *c, const char *partner, const char *sender, const char *type, json_t *claims);
/* The same to every partner, signed with signing_kid (NULL: the key current at delivery). */
int kp_store_outbox_add_all(kp_conn_t *c, const char *type, json_t *claims, const char *signing_kid);
/* Pending events without a signing key get kid: they precede a key change in their
 * chains, so the partner must be able to check them with the key it already has. */
int kp_store_outbox_pin_kid(kp_conn_t *c, const char *kid);

typedef struct kp_outbox_event {
	int64_t id, seq, attempts, next_attempt_at, last_attempt_at, delivered_at, created_at, dead_at, skipped_at;
	const char *partner, *event_id, *previous_event_id, *event_type, *claims, *signing_kid, *state, *last_error, *jws;
} kp_outbox_event_t;

/* The oldest undelivered event for partner; KP_DB_NOTFOUND when none. */
int kp_store_outbox_next(kp_conn_t *c, kp_arena_t *a, const char *partner, kp_outbox_event_t *out);
/* Partners with an undelivered event due at now_ms (ms). */
int kp_store_outbox_due(kp_conn_t *c, kp_arena_t *a, int64_t now_ms, const char ***partners, int *n);
int kp_store_outbox_delivered(kp_conn_t *c, int64_t id, const char *jws, int64_t now_ms);
/* A failed attempt. refused: the partner answered 4xx (other than EVENT_ALREADY_EXISTS);
 * after max_refusals of those the event is set aside (dead letter) and the chain goes on.
 * No answer or a 5xx is retried for ever (an outage must lose nothing). */
int kp_store_outbox_failed(kp_conn_t *c, int64_t id, const char *jws, const char *error, int64_t now_ms,
                           int64_t next_attempt_ms, bool refused, int max_refusals);
/* The id of the event last delivered to partner ("0" when none): what an event sent now
 * chains on, so an event set aside does not break the chain (the reference accepts any
 * event it holds as previous_event_id). */
int kp_store_outbox_last_delivered(kp_conn_t *c, kp_arena_t *a, const char *partner, const char **event_id);
/* Record the previous_event_id (and the claims with it) an event is sent with. */
int kp_store_outbox_rechain(kp_conn_t *c, int64_t id, const char *previous, const char *claims);
/* Whether partner already got our KEY_REVOKED for kid (events pinned to kid must then be
 * signed with the current key). */
bool kp_store_key_revocation_delivered(kp_conn_t *c, const char *partner, const char *kid);
/* The ministry's decision on one of partner's events, audited: retry (a dead letter goes
 * back into the queue) or skip (a dead or waiting event is given up). KP_DB_NOTFOUND,
 * or KP_DB_CONFLICT when the event is not in a state that allows it. */
int kp_store_outbox_settle(kp_conn_t *c, const kp_actor_t *who, const char *partner, int64_t id, bool retry);
/* Newest first; partner and state may be NULL; before_id 0 for the newest. */
int kp_store_outbox_list(kp_conn_t *c, kp_arena_t *a, const char *partner, const char *state, int64_t before_id,
                         int limit, kp_outbox_event_t **out, int *n);
/* Take (or keep) the right to deliver partner's events for lease_ms; KP_DB_CONFLICT when
 * another process holds it. Several kapka instances may share one PostgreSQL database. */
int kp_store_chain_lease(kp_conn_t *c, const char *partner, const char *owner, int64_t now_ms, int64_t lease_ms);
/* Give back every lease owner holds (a process stopping), so the next one need not wait. */
int kp_store_chain_release(kp_conn_t *c, const char *owner);

typedef struct kp_partner {
	const char *code, *name, *api_url, *handshake_state, *handshake_error, *last_error, *last_sent_event_id,
	    *last_received_event_id;
	int64_t handshake_at, pending, dead, delivered, oldest_pending_at, last_delivered_at, received, refused;
	bool refetch_due;
} kp_partner_t;
/* Authorities we exchange with (a chain exists) or tried to, with their backlog. */
int kp_store_partner_list(kp_conn_t *c, kp_arena_t *a, kp_partner_t **out, int *n);
int kp_store_partner_get(kp_conn_t *c, kp_arena_t *a, const char *code, kp_partner_t *out);
/* Only whether we exchange with code (a chain exists) and its API address (may be NULL):
 * the cheap check for each received event and each delivery. KP_DB_NOTFOUND otherwise. */
int kp_store_partner_link(kp_conn_t *c, kp_arena_t *a, const char *code, const char **api_url);

/* Record a successful handshake: the authority (created or updated with name and api_url),
 * the keys it publishes (kids we lack are added; a kid we hold with another key is
 * KP_DB_CONFLICT with *why = KEYID_ALREADY_EXISTS), and the chain, all in one transaction. */
int kp_store_partner_handshake(kp_conn_t *c, const kp_actor_t *who, const char *self, const char *code,
                               const char *name, const char *api_url, const kp_authority_key_t *keys, int nkeys,
                               const char **why);
int kp_store_partner_handshake_failed(kp_conn_t *c, const kp_actor_t *who, const char *code, const char *error);
/* Partners whose configuration must be fetched again (after KEY_CREATED). */
int kp_store_partner_refetch_due(kp_conn_t *c, kp_arena_t *a, const char ***codes, int *n);

/* One received event, as recorded. */
typedef struct kp_inbound {
	int64_t id, received_at;
	int status;
	const char *partner, *event_id, *previous_event_id, *event_type, *claims, *jws, *verdict, *error_code,
	    *error_message, *addr;
} kp_inbound_t;

/* Apply a received, signature-checked event in one transaction: chain, idempotency, then
 * the change it carries; the event is recorded as applied with it. self is our authority
 * code, offset_minutes its UTC offset (for dd/MM/yyyy dates). KP_DB_CONFLICT with *err
 * set when the protocol refuses it (nothing is changed then). */
int kp_store_event_apply(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_event_t *ev,
                         const kp_inbound_t *rec, const char *self, int offset_minutes, kp_event_error_t *err);
/* Record a refused event (its own transaction). */
/* Refused events are kept KP_INBOUND_REFUSED_DAYS days, and at most the last
 * KP_INBOUND_REFUSED_ROWS of them: a stranger posting events cannot fill the database. */
#define KP_INBOUND_REFUSED_DAYS 30
#define KP_INBOUND_REFUSED_ROWS 10000
int kp_store_inbound_purge(kp_conn_t *c, int64_t now, int64_t *removed);
int kp_store_inbound_refused(kp_conn_t *c, const kp_inbound_t *rec);
/* Newest first; partner NULL for all; before_id 0 for the newest. */
int kp_store_inbound_list(kp_conn_t *c, kp_arena_t *a, const char *partner, int64_t before_id, int limit,
                          kp_inbound_t **out, int *n);

/* Ids of every permit we know as revoked or returned (ours and partners'), sorted. */
int kp_store_revoked_permit_ids(kp_conn_t *c, kp_arena_t *a, const char ***ids, int *n);

/* The events our own changes cause, queued in the caller's transaction (no-ops unless the
 * other side is an exchange partner and the change is ours to report). */
int kp_store_outbox_permit_created(kp_conn_t *c, const kp_permit_t *p, int utc_offset);
int kp_store_outbox_permit_revoked(kp_conn_t *c, const kp_permit_t *p);
int kp_store_outbox_permit_used(kp_conn_t *c, const kp_permit_t *p, const kp_activity_row_t *act);
int kp_store_outbox_quota_created(kp_conn_t *c, const kp_quota_t *q);
/* Our own key changes, each in one transaction with the events partners must get:
 * a new key (created_at of key is set after the newest's, so it becomes the current one)
 * with KEY_CREATED signed by old_kid, the previous key, after pinning the events queued
 * before it to old_kid; or the revocation of kid with KEY_REVOKED. */
int kp_store_key_rotate(kp_conn_t *c, const kp_actor_t *who, kp_authority_key_t *key, const char *old_kid, json_t *jwk);
/* KP_DB_NOTFOUND when we hold no such key, KP_DB_CONFLICT when it is already revoked. */
int kp_store_key_revoke(kp_conn_t *c, const kp_actor_t *who, const char *self, const char *kid);

#endif
