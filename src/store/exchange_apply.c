/* exchange_apply.c: applying an event a partner sent us, in one transaction with its
 * record: the chain and idempotency checks first, then the change the event carries. */
#include "store/exchange.h"
#include "store/tlog_acts.h"
#include "core/util.h"
#include "domain/dates.h"
#include "domain/outbox.h"
#include "domain/permit.h"

#include <stdlib.h>
#include <string.h>

static int refuse(kp_event_error_t *err, const char *code, const char *message)
{
	err->status = 422;
	err->code = code;
	err->message = message;
	return KP_DB_CONFLICT;
}

/* The chain, as R/ledgerevents/LedgerEventUtil.handleEvent checks it: the event is new;
 * previous_event_id is "0" for the first event of the producer, else ANY event of the
 * producer we hold (two events the reference sends at once share a previous id). An
 * event whose proof held but whose content we refused counts as held: the reference
 * chains its next events on it. Locks the partner's inbound chain until commit. */
static int check_chain(kp_conn_t *c, kp_arena_t *a, const kp_event_t *ev, kp_event_error_t *err)
{
	int64_t changed = 0;
	int rc = kp_db_run(c, "UPDATE exchange_chains SET in_seq = in_seq + 1 WHERE partner = ?",
	                   KP_PARAMS(KV_TEXT(ev->producer)), &changed);
	if (rc != KP_DB_OK)
		return rc;
	if (changed == 0)
		return refuse(err, "AUTHORITY_NOT_FOUND", "the producer is not a partner of this authority");
	kp_rows_t r;
	rc = kp_db_exec(c, a, &r,
	                "SELECT 1 FROM inbound_events WHERE partner = ? AND event_id = ? AND verdict = '" KP_INBOUND_APPLIED
	                "'",
	                KP_PARAMS(KV_TEXT(ev->producer), KV_TEXT(ev->event_id)));
	if (rc != KP_DB_OK)
		return rc;
	if (r.nrows > 0)
		return refuse(err, "EVENT_ALREADY_EXISTS", "this event was already received");
	if (strcmp(ev->previous_event_id, "0") == 0) {
		rc = kp_db_exec(c, a, &r,
		                "SELECT 1 FROM inbound_events WHERE partner = ? AND verdict = '" KP_INBOUND_APPLIED "' LIMIT 1",
		                KP_PARAMS(KV_TEXT(ev->producer)));
		if (rc == KP_DB_OK && r.nrows > 0)
			return refuse(err, "GENESIS_EVENT_ALREADY_EXISTS", "the chain from this partner has already begun");
		return rc;
	}
	rc = kp_db_exec(c, a, &r,
	                "SELECT 1 FROM inbound_events WHERE partner = ? AND event_id = ? AND (verdict = "
	                "'" KP_INBOUND_APPLIED "'"
	                " OR (status = 422 AND error_code NOT IN ('KEY_NOTFOUND', 'EVENT_ALREADY_EXISTS',"
	                " 'PREVIOUS_EVENT_NOTFOUND', 'GENESIS_EVENT_ALREADY_EXISTS'))) LIMIT 1",
	                KP_PARAMS(KV_TEXT(ev->producer), KV_TEXT(ev->previous_event_id)));
	if (rc == KP_DB_OK && r.nrows == 0)
		return refuse(err, "PREVIOUS_EVENT_NOTFOUND", "previous_event_id is no event we hold from you");
	return rc;
}

/* QUOTA_CREATED: the producer (the quota authority) grants us `quantity` more permits.
 * The reference keeps a total and accepts serials 1…total; kapka keeps ranges, so the
 * grant becomes the next range after those already granted. */
static int apply_quota(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_event_t *ev, kp_event_error_t *err)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT COALESCE(MAX(end_number), 0) FROM quotas WHERE issuer = ? AND verifier = ? AND year = ?"
	                    " AND type = ?",
	                    KP_PARAMS(KV_TEXT(ev->consumer), KV_TEXT(ev->producer), KV_INT(ev->permit_year),
	                              KV_INT(ev->permit_type)));
	if (rc != KP_DB_OK)
		return rc;
	/* the next range must stay within the serials kapka numbers (and never wrap around) */
	int64_t held = kp_rows_int(&r, 0, 0);
	if (held < 0 || held >= KP_PERMIT_SERIAL_MAX || ev->quantity > KP_PERMIT_SERIAL_MAX - held)
		return refuse(err, "INVALID_PERMIT_QUOTA_RANGE", "the grant would number permits past 999999999999");
	int64_t start = held + 1, end = held + ev->quantity;
	rc = kp_db_exec(c, a, &r,
	                "INSERT INTO quotas (issuer, verifier, year, type, start_number, end_number, next_serial, note,"
	                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                KP_PARAMS(KV_TEXT(ev->consumer), KV_TEXT(ev->producer), KV_INT(ev->permit_year),
	                          KV_INT(ev->permit_type), KV_INT(start), KV_INT(end), KV_INT(start),
	                          KV_TEXT("granted by QUOTA_CREATED"), KV_INT(kp_now())));
	if (rc != KP_DB_OK)
		return rc;
	/* a quota received is a right granted to us: on the public record as ours are (issue 14) */
	kp_quota_t q = {.id = kp_rows_int(&r, 0, 0),
	                .issuer = ev->consumer,
	                .verifier = ev->producer,
	                .year = ev->permit_year,
	                .type = ev->permit_type,
	                .start_number = start,
	                .end_number = end};
	if ((rc = kp_tlog_quota(c, "quota.create", &q)) != KP_DB_OK)
		return rc;
	return kp_store_audit_id(c, who, "quota.create", "quota", q.id, NULL,
	                         json_pack("{s:s, s:s, s:i, s:i, s:I, s:I, s:I, s:s}", "issuer", ev->consumer, "verifier",
	                                   ev->producer, "year", ev->permit_year, "type", ev->permit_type, "quantity",
	                                   (json_int_t)ev->quantity, "start_number", (json_int_t)start, "end_number",
	                                   (json_int_t)end, "event_id", ev->event_id));
}

/* PERMIT_CREATED: the producer issued a permit to one of its carriers against a quota we
 * granted it (PermitCreatedLedgerEventHandler). */
static int apply_permit_created(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_event_t *ev, int offset,
                                kp_event_error_t *err)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT 1 FROM permits WHERE id = ? OR (issuer = ? AND verifier = ? AND year = ?"
	                    " AND type = ? AND serial = ?)",
	                    KP_PARAMS(KV_TEXT(ev->permit_id), KV_TEXT(ev->producer), KV_TEXT(ev->consumer),
	                              KV_INT(ev->permit_year), KV_INT(ev->permit_type), KV_INT(ev->serial_number)));
	if (rc != KP_DB_OK)
		return rc;
	if (r.nrows > 0)
		return refuse(err, "PERMITID_ALREADY_EXISTS", "a permit with this id is already known");
	rc = kp_db_exec(c, a, &r,
	                "SELECT id FROM quotas WHERE issuer = ? AND verifier = ? AND year = ? AND type = ?"
	                " ORDER BY (CASE WHEN start_number <= ? AND end_number >= ? THEN 0 ELSE 1 END), id LIMIT 1",
	                KP_PARAMS(KV_TEXT(ev->producer), KV_TEXT(ev->consumer), KV_INT(ev->permit_year),
	                          KV_INT(ev->permit_type), KV_INT(ev->serial_number), KV_INT(ev->serial_number)));
	if (rc != KP_DB_OK)
		return rc;
	if (r.nrows == 0)
		return refuse(err, "INSUFFICIENT_PERMIT_QUOTA", "we granted no quota of this year and type");
	int64_t quota_id = kp_rows_int(&r, 0, 0);
	rc = kp_db_exec(c, a, &r, "SELECT 1 FROM quotas WHERE id = ? AND start_number <= ? AND end_number >= ?",
	                KP_PARAMS(KV_INT(quota_id), KV_INT(ev->serial_number), KV_INT(ev->serial_number)));
	if (rc != KP_DB_OK)
		return rc;
	if (r.nrows == 0)
		return refuse(err, "INVALID_PERMIT_QUOTA_RANGE", "the serial number is outside the quota we granted");
	int64_t issued, expires;
	kp_date_parse_dmy(ev->issued_at, &issued);
	kp_date_parse_dmy(ev->expires_at, &expires);
	char plate[128];
	const char *sent = ev->plate_number ? ev->plate_number : "";
	if (kp_plate_normalise(sent, plate, sizeof(plate)) != NULL)
		snprintf(plate, sizeof(plate), "%s", sent); /* several plates: kept as sent */
	char *other = ev->other_claims && json_object_size(ev->other_claims) ? json_dumps(ev->other_claims, JSON_COMPACT)
	                                                                     : NULL;
	rc = kp_db_run(c,
	               "INSERT INTO permits (id, issuer, verifier, year, type, serial, quota_id, plate, company_name,"
	               " company_id, issued_at, expires_at, status, credential, departure_country, arrival_country,"
	               " trailer_plate, other_claims) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	               KP_PARAMS(KV_TEXT(ev->permit_id), KV_TEXT(ev->producer), KV_TEXT(ev->consumer),
	                         KV_INT(ev->permit_year), KV_INT(ev->permit_type), KV_INT(ev->serial_number),
	                         KV_INT(quota_id), KV_TEXT(plate), KV_TEXT(ev->company_name), KV_TEXT(ev->company_id),
	                         KV_INT(issued * 86400), KV_INT(kp_local_day_end(expires, offset)),
	                         KV_TEXT(kp_permit_status_name(KP_PERMIT_ISSUED)), KV_TEXT(ev->qr_code),
	                         KV_TEXT(ev->departure_country), KV_TEXT(ev->arrival_country), KV_TEXT(ev->plate_number2),
	                         KV_TEXT(other)),
	               NULL);
	free(other);
	if (rc != KP_DB_OK)
		return rc;
	return kp_store_audit_json(c, who, "permit.received", "permit", ev->permit_id, NULL,
	                           json_pack("{s:s, s:s, s:s, s:s, s:s}", "plate", plate, "company_name", ev->company_name,
	                                     "issued_at", ev->issued_at, "expires_at", ev->expires_at, "event_id",
	                                     ev->event_id));
}

/* The permit the event names, which must be ours (PERMIT_USED) or the sender's
 * (PERMIT_REVOKED); locks it. */
static int find_permit(kp_conn_t *c, kp_arena_t *a, const char *id, const char *issuer, const char *verifier,
                       kp_permit_t *p, kp_event_error_t *err)
{
	int rc = kp_db_run(c, "UPDATE permits SET status = status WHERE id = ?", KP_PARAMS(KV_TEXT(id)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_permit_get(c, a, id, p);
	if (rc == KP_DB_NOTFOUND || (rc == KP_DB_OK && (strcmp(p->issuer, issuer) != 0 || strcmp(p->verifier, verifier))))
		return refuse(err, "PERMIT_NOTFOUND", "no such permit between these two authorities");
	return rc;
}

static int apply_permit_revoked(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_event_t *ev,
                                kp_event_error_t *err)
{
	kp_permit_t p;
	int rc = find_permit(c, a, ev->permit_id, ev->producer, ev->consumer, &p, err);
	if (rc != KP_DB_OK)
		return rc;
	if (kp_permit_withdrawn(p.status))
		return refuse(err, "PERMIT_ALREADY_REVOKED", "the permit is already revoked");
	if (kp_permit_status_parse(p.status) == KP_PERMIT_USED)
		return refuse(err, "PERMIT_USED", "the permit has been used at our border and cannot be revoked");
	if (kp_permit_withdraw_refusal(p.status) != NULL)
		return KP_DB_OK;
	const char *to = kp_permit_status_name(KP_PERMIT_REVOKED);
	rc = kp_db_run(c, "UPDATE permits SET status = ?, status_reason = ?, status_at = ? WHERE id = ?",
	               KP_PARAMS(KV_TEXT(to), KV_TEXT("revoked by the issuing authority"), KV_INT(kp_now()), KV_TEXT(p.id)),
	               NULL);
	if (rc != KP_DB_OK)
		return rc;
	return kp_store_audit_json(c, who, "permit.revoke", "permit", p.id, json_pack("{s:s}", "status", p.status),
	                           json_pack("{s:s, s:s}", "status", to, "event_id", ev->event_id));
}

/* PERMIT_USED: the sender's border saw one of our permits. The partner's border is the
 * authority on what happened there, so the activity is recorded as reported. */
static int apply_permit_used(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_event_t *ev,
                             kp_event_error_t *err)
{
	kp_permit_t p;
	int rc = find_permit(c, a, ev->permit_id, ev->consumer, ev->producer, &p, err);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c,
	               "INSERT INTO permit_activities (permit_id, activity_type, country, at, details) VALUES (?, ?, ?, ?, "
	               "?)",
	               KP_PARAMS(KV_TEXT(p.id), KV_TEXT(ev->activity_type), KV_TEXT(ev->producer),
	                         KV_INT(ev->activity_timestamp), KV_TEXT(ev->activity_details)),
	               NULL);
	if (rc == KP_DB_OK && kp_permit_status_parse(p.status) == KP_PERMIT_ISSUED)
		rc = kp_db_run(c, "UPDATE permits SET status = ?, status_at = ? WHERE id = ?",
		               KP_PARAMS(KV_TEXT(kp_permit_status_name(KP_PERMIT_USED)), KV_INT(kp_now()), KV_TEXT(p.id)),
		               NULL);
	if (rc != KP_DB_OK)
		return rc;
	return kp_store_audit_json(c, who, "permit.activity", "permit", p.id, NULL,
	                           json_pack("{s:s, s:s, s:I, s:s}", "activity_type", ev->activity_type, "country",
	                                     ev->producer, "at", (json_int_t)ev->activity_timestamp, "event_id",
	                                     ev->event_id));
}

static int apply_key(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_event_t *ev, kp_event_error_t *err)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT revoked_at FROM authority_keys WHERE authority = ? AND kid = ?",
	                    KP_PARAMS(KV_TEXT(ev->producer), KV_TEXT(ev->key_id)));
	if (rc != KP_DB_OK)
		return rc;
	if (ev->type == KP_EV_KEY_CREATED) {
		if (r.nrows > 0)
			return refuse(err, "KEYID_ALREADY_EXISTS", "a key with this kid is already known");
		json_t *pub = json_deep_copy(ev->jwk);
		json_object_set_new(pub, "kid", json_string(ev->key_id));
		char *jwk = json_dumps(pub, JSON_COMPACT);
		json_decref(pub);
		rc = kp_db_run(c, "INSERT INTO authority_keys (kid, authority, jwk, created_at) VALUES (?, ?, ?, ?)",
		               KP_PARAMS(KV_TEXT(ev->key_id), KV_TEXT(ev->producer), KV_TEXT(jwk), KV_INT(kp_now())), NULL);
		if (rc == KP_DB_OK) /* the keys we trust are on the public record, as our own are */
			rc = kp_tlog_key_change(c, "key.add", ev->producer, ev->key_id, jwk);
		free(jwk);
		if (rc == KP_DB_OK) /* and fetch the configuration again to confirm (docs/e-permit.md) */
			rc = kp_db_run(c, "UPDATE authorities SET refetch_due = 1 WHERE code = ?", KP_PARAMS(KV_TEXT(ev->producer)),
			               NULL);
	} else {
		if (r.nrows == 0)
			return refuse(err, "KEY_NOTFOUND", "no key with this kid is known");
		rc = kp_db_exec(c, a, &r,
		                "SELECT COUNT(*) FROM authority_keys WHERE authority = ? AND kid <> ? AND revoked_at IS NULL",
		                KP_PARAMS(KV_TEXT(ev->producer), KV_TEXT(ev->key_id)));
		if (rc == KP_DB_OK && kp_rows_int(&r, 0, 0) == 0)
			return refuse(err, "INSUFFICIENT_KEY", "revoking it would leave no key to check your signatures");
		if (rc == KP_DB_OK)
			rc = kp_db_run(c, "UPDATE authority_keys SET revoked_at = ? WHERE authority = ? AND kid = ?",
			               KP_PARAMS(KV_INT(ev->revoked_at), KV_TEXT(ev->producer), KV_TEXT(ev->key_id)), NULL);
		if (rc == KP_DB_OK)
			rc = kp_tlog_key_change(c, "key.revoke", ev->producer, ev->key_id, NULL);
	}
	if (rc != KP_DB_OK)
		return rc;
	return kp_store_audit_json(c, who, ev->type == KP_EV_KEY_CREATED ? "key.received" : "key.revoked", "authority",
	                           ev->producer, NULL,
	                           json_pack("{s:s, s:s}", "kid", ev->key_id, "event_id", ev->event_id));
}

static int apply_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_event_t *ev, const kp_inbound_t *rec,
                    int offset, kp_event_error_t *err)
{
	int rc = check_chain(c, a, ev, err);
	if (rc != KP_DB_OK)
		return rc;
	switch (ev->type) {
	case KP_EV_QUOTA_CREATED:
		rc = apply_quota(c, a, who, ev, err);
		break;
	case KP_EV_PERMIT_CREATED:
		rc = apply_permit_created(c, a, who, ev, offset, err);
		break;
	case KP_EV_PERMIT_REVOKED:
		rc = apply_permit_revoked(c, a, who, ev, err);
		break;
	case KP_EV_PERMIT_USED:
		rc = apply_permit_used(c, a, who, ev, err);
		break;
	default:
		rc = apply_key(c, a, who, ev, err);
		break;
	}
	if (rc != KP_DB_OK)
		return rc;
	return kp_db_run(c,
	                 "INSERT INTO inbound_events (partner, event_id, previous_event_id, event_type, claims, jws,"
	                 " verdict, status, addr, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, 200, ?, ?)",
	                 KP_PARAMS(KV_TEXT(ev->producer), KV_TEXT(ev->event_id), KV_TEXT(ev->previous_event_id),
	                           KV_TEXT(ev->type_name), KV_TEXT(rec->claims), KV_TEXT(rec->jws),
	                           KV_TEXT(KP_INBOUND_APPLIED), KV_TEXT(rec->addr), KV_INT(rec->received_at)),
	                 NULL);
}

int kp_store_event_apply(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_event_t *ev,
                         const kp_inbound_t *rec, const char *self, int offset_minutes, kp_event_error_t *err)
{
	if (strcmp(ev->consumer, self) != 0)
		return refuse(err, "AUTHORITY_NOT_FOUND", "the event is issued for another authority");
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_store_end(c, apply_tx(c, a, who, ev, rec, offset_minutes, err));
	if (rc != KP_DB_CONFLICT || err->code != NULL)
		return rc;
	/* A unique index refused the write. Two deliveries of one event racing: the loser is a
	 * replay, but only when the event really is there; any other conflict is a permit id
	 * or a key already held. */
	kp_rows_t r;
	int rc2 = kp_db_exec(c, a, &r,
	                     "SELECT 1 FROM inbound_events WHERE partner = ? AND event_id = ? AND verdict = "
	                     "'" KP_INBOUND_APPLIED "'",
	                     KP_PARAMS(KV_TEXT(ev->producer), KV_TEXT(ev->event_id)));
	if (rc2 == KP_DB_OK && r.nrows > 0)
		return refuse(err, "EVENT_ALREADY_EXISTS", "this event was already received");
	if (rc2 == KP_DB_OK && ev->type == KP_EV_PERMIT_CREATED)
		return refuse(err, "PERMITID_ALREADY_EXISTS", "a permit with this id is already known");
	if (rc2 == KP_DB_OK && ev->type == KP_EV_KEY_CREATED)
		return refuse(err, "KEYID_ALREADY_EXISTS", "a key with this kid is already known");
	return KP_DB_ERR;
}
