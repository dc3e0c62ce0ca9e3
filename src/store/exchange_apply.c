/* exchange_apply.c: applying an event a partner sent us, in one transaction with its
 * record: the chain and idempotency checks first, then the change the event carries. */
#include "store/exchange.h"
#include "core/util.h"
#include "domain/dates.h"

#include <stdlib.h>
#include <string.h>

static int refuse(kp_event_error_t *err, const char *code, const char *message)
{
	err->status = 422;
	err->code = code;
	err->message = message;
	return KP_DB_CONFLICT;
}

/* The chain: the event is new, and follows the last one applied from this partner ("0"
 * for the first). Locks the partner's inbound chain until commit. */
static int check_chain(kp_conn_t *c, kp_arena_t *a, const kp_event_t *ev, kp_event_error_t *err)
{
	int64_t changed = 0;
	int rc = kp_db_run(c, "UPDATE exchange_chains SET in_seq = in_seq + 1 WHERE partner = ?",
	                   KP_PARAMS(KV_TEXT(ev->issuer)), &changed);
	if (rc != KP_DB_OK)
		return rc;
	if (changed == 0)
		return refuse(err, "AUTHORITY_NOT_FOUND", "the sender is not a partner of this authority");
	kp_rows_t r;
	rc = kp_db_exec(c, a, &r, "SELECT 1 FROM inbound_events WHERE partner = ? AND event_id = ? AND verdict = 'applied'",
	                KP_PARAMS(KV_TEXT(ev->issuer), KV_TEXT(ev->event_id)));
	if (rc != KP_DB_OK)
		return rc;
	if (r.nrows > 0)
		return refuse(err, "EVENT_ALREADY_EXISTS", "this event was already received");
	rc = kp_db_exec(c, a, &r,
	                "SELECT event_id FROM inbound_events WHERE partner = ? AND verdict = 'applied' ORDER BY id DESC"
	                " LIMIT 1",
	                KP_PARAMS(KV_TEXT(ev->issuer)));
	if (rc != KP_DB_OK)
		return rc;
	const char *last = r.nrows ? kp_rows_text(&r, 0, 0) : NULL;
	if (strcmp(ev->previous_event_id, "0") == 0)
		return last ? refuse(err, "GENESIS_EVENT_ALREADY_EXISTS", "the chain from this partner has already begun")
		            : KP_DB_OK;
	if (last == NULL || strcmp(last, ev->previous_event_id) != 0)
		return refuse(err, "PREVIOUS_EVENT_NOTFOUND", "previous_event_id is not the last event received from you");
	return KP_DB_OK;
}

/* QUOTA_CREATED: the sender (the verifier) grants us serials for our carriers. */
static int apply_quota(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_event_t *ev,
                       kp_event_error_t *err)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT COUNT(*) FROM quotas WHERE issuer = ? AND verifier = ? AND year = ? AND type = ?"
	                    " AND start_number <= ? AND end_number >= ?",
	                    KP_PARAMS(KV_TEXT(ev->issued_for), KV_TEXT(ev->issuer), KV_INT(ev->permit_year),
	                              KV_INT(ev->permit_type), KV_INT(ev->end_number), KV_INT(ev->start_number)));
	if (rc != KP_DB_OK)
		return rc;
	if (kp_rows_int(&r, 0, 0) > 0)
		return refuse(err, "INVALID_QUOTA_INTERVAL", "the range overlaps a quota already granted");
	rc = kp_db_exec(c, a, &r,
	                "INSERT INTO quotas (issuer, verifier, year, type, start_number, end_number, next_serial, note,"
	                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                KP_PARAMS(KV_TEXT(ev->issued_for), KV_TEXT(ev->issuer), KV_INT(ev->permit_year),
	                          KV_INT(ev->permit_type), KV_INT(ev->start_number), KV_INT(ev->end_number),
	                          KV_INT(ev->start_number), KV_TEXT("granted by QUOTA_CREATED"), KV_INT(kp_now())));
	if (rc != KP_DB_OK)
		return rc;
	return kp_store_audit_id(c, who, "quota.create", "quota", kp_rows_int(&r, 0, 0), NULL,
	                         json_pack("{s:s, s:s, s:i, s:i, s:I, s:I, s:s}", "issuer", ev->issued_for, "verifier",
	                                   ev->issuer, "year", ev->permit_year, "type", ev->permit_type, "start_number",
	                                   (json_int_t)ev->start_number, "end_number", (json_int_t)ev->end_number,
	                                   "event_id", ev->event_id));
}

/* PERMIT_CREATED: the sender issued a permit to one of its carriers against a quota we
 * granted it. */
static int apply_permit_created(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_event_t *ev,
                                int offset, kp_event_error_t *err)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id FROM quotas WHERE issuer = ? AND verifier = ? AND year = ? AND type = ?"
	                    " AND start_number <= ? AND end_number >= ?",
	                    KP_PARAMS(KV_TEXT(ev->issuer), KV_TEXT(ev->issued_for), KV_INT(ev->permit_year),
	                              KV_INT(ev->permit_type), KV_INT(ev->serial_number), KV_INT(ev->serial_number)));
	if (rc != KP_DB_OK)
		return rc;
	if (r.nrows == 0)
		return refuse(err, "INSUFFICIENT_PERMIT_QUOTA", "no quota we granted covers this serial number");
	int64_t quota_id = kp_rows_int(&r, 0, 0);
	rc = kp_db_exec(c, a, &r, "SELECT 1 FROM permits WHERE id = ?", KP_PARAMS(KV_TEXT(ev->permit_id)));
	if (rc != KP_DB_OK)
		return rc;
	if (r.nrows > 0)
		return refuse(err, "PERMITID_ALREADY_EXISTS", "a permit with this id is already known");
	int64_t issued, expires;
	kp_date_parse_dmy(ev->issued_at, &issued);
	kp_date_parse_dmy(ev->expire_at, &expires);
	char plate[128];
	if (kp_plate_normalise(ev->plate_number, plate, sizeof(plate)) != NULL)
		snprintf(plate, sizeof(plate), "%s", ev->plate_number); /* several plates: kept as sent */
	rc = kp_db_run(c,
	               "INSERT INTO permits (id, issuer, verifier, year, type, serial, quota_id, plate, company_name,"
	               " company_id, issued_at, expires_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'issued')",
	               KP_PARAMS(KV_TEXT(ev->permit_id), KV_TEXT(ev->issuer), KV_TEXT(ev->issued_for),
	                         KV_INT(ev->permit_year), KV_INT(ev->permit_type), KV_INT(ev->serial_number),
	                         KV_INT(quota_id), KV_TEXT(plate), KV_TEXT(ev->company_name),
	                         KV_TEXT(ev->company_id ? ev->company_id : ""), KV_INT(issued * 86400 - offset * 60),
	                         KV_INT(kp_local_day_end(expires, offset))),
	               NULL);
	if (rc != KP_DB_OK)
		return rc;
	return kp_store_audit_json(c, who, "permit.received", "permit", ev->permit_id, NULL,
	                           json_pack("{s:s, s:s, s:s, s:s, s:s}", "plate", plate, "company_name",
	                                     ev->company_name, "issued_at", ev->issued_at, "expire_at", ev->expire_at,
	                                     "event_id", ev->event_id));
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
	int rc = find_permit(c, a, ev->permit_id, ev->issuer, ev->issued_for, &p, err);
	if (rc != KP_DB_OK)
		return rc;
	if (strcmp(p.status, "used") == 0)
		return refuse(err, "PERMIT_USED", "the permit has been used at the border and cannot be revoked");
	if (strcmp(p.status, "issued") != 0)
		return KP_DB_OK; /* already withdrawn: nothing changes */
	rc = kp_db_run(c, "UPDATE permits SET status = 'revoked', status_reason = ?, status_at = ? WHERE id = ?",
	               KP_PARAMS(KV_TEXT("revoked by the issuing authority"), KV_INT(kp_now()), KV_TEXT(p.id)), NULL);
	if (rc != KP_DB_OK)
		return rc;
	return kp_store_audit_json(c, who, "permit.revoke", "permit", p.id, json_pack("{s:s}", "status", p.status),
	                           json_pack("{s:s, s:s}", "status", "revoked", "event_id", ev->event_id));
}

/* PERMIT_USED: the sender's border saw one of our permits. The partner's border is the
 * authority on what happened there, so the activity is recorded as reported. */
static int apply_permit_used(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_event_t *ev,
                             kp_event_error_t *err)
{
	kp_permit_t p;
	int rc = find_permit(c, a, ev->permit_id, ev->issued_for, ev->issuer, &p, err);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c,
	               "INSERT INTO permit_activities (permit_id, activity_type, country, at, details) VALUES (?, ?, ?, ?, ?)",
	               KP_PARAMS(KV_TEXT(p.id), KV_TEXT(ev->activity_type), KV_TEXT(ev->issuer),
	                         KV_INT(ev->activity_timestamp), KV_TEXT(ev->activity_details)),
	               NULL);
	if (rc == KP_DB_OK && strcmp(p.status, "issued") == 0)
		rc = kp_db_run(c, "UPDATE permits SET status = 'used', status_at = ? WHERE id = ?",
		               KP_PARAMS(KV_INT(kp_now()), KV_TEXT(p.id)), NULL);
	if (rc != KP_DB_OK)
		return rc;
	return kp_store_audit_json(c, who, "permit.activity", "permit", p.id, NULL,
	                           json_pack("{s:s, s:s, s:I, s:s}", "activity_type", ev->activity_type, "country",
	                                     ev->issuer, "at", (json_int_t)ev->activity_timestamp, "event_id",
	                                     ev->event_id));
}

static int apply_key(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_event_t *ev, kp_event_error_t *err)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT revoked_at FROM authority_keys WHERE authority = ? AND kid = ?",
	                    KP_PARAMS(KV_TEXT(ev->issuer), KV_TEXT(ev->key_id)));
	if (rc != KP_DB_OK)
		return rc;
	if (ev->type == KP_EV_KEY_CREATED) {
		if (r.nrows > 0)
			return refuse(err, "KEYID_ALREADY_EXISTS", "a key with this kid is already known");
		char *jwk = json_dumps(ev->jwk, JSON_COMPACT);
		rc = kp_db_run(c, "INSERT INTO authority_keys (kid, authority, jwk, created_at) VALUES (?, ?, ?, ?)",
		               KP_PARAMS(KV_TEXT(ev->key_id), KV_TEXT(ev->issuer), KV_TEXT(jwk), KV_INT(kp_now())), NULL);
		free(jwk);
		if (rc == KP_DB_OK) /* and fetch the configuration again to confirm (docs/e-permit.md) */
			rc = kp_db_run(c, "UPDATE authorities SET refetch_due = 1 WHERE code = ?", KP_PARAMS(KV_TEXT(ev->issuer)),
			               NULL);
	} else {
		if (r.nrows == 0)
			return refuse(err, "KEY_NOTFOUND", "no key with this kid is known");
		rc = kp_db_exec(c, a, &r,
		                "SELECT COUNT(*) FROM authority_keys WHERE authority = ? AND kid <> ? AND revoked_at IS NULL",
		                KP_PARAMS(KV_TEXT(ev->issuer), KV_TEXT(ev->key_id)));
		if (rc == KP_DB_OK && kp_rows_int(&r, 0, 0) == 0)
			return refuse(err, "INSUFFICIENT_KEY", "revoking it would leave no key to check your signatures");
		if (rc == KP_DB_OK)
			rc = kp_db_run(c, "UPDATE authority_keys SET revoked_at = ? WHERE authority = ? AND kid = ?",
			               KP_PARAMS(KV_INT(ev->revoked_at), KV_TEXT(ev->issuer), KV_TEXT(ev->key_id)), NULL);
	}
	if (rc != KP_DB_OK)
		return rc;
	return kp_store_audit_json(c, who, ev->type == KP_EV_KEY_CREATED ? "key.received" : "key.revoked", "authority",
	                           ev->issuer, NULL, json_pack("{s:s, s:s}", "kid", ev->key_id, "event_id", ev->event_id));
}

static int apply_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_event_t *ev,
                    const kp_inbound_t *rec, int offset, kp_event_error_t *err)
{
	int rc = check_chain(c, a, ev, err);
	if (rc != KP_DB_OK)
		return rc;
	switch (ev->type) {
	case KP_EV_QUOTA_CREATED: rc = apply_quota(c, a, who, ev, err); break;
	case KP_EV_PERMIT_CREATED: rc = apply_permit_created(c, a, who, ev, offset, err); break;
	case KP_EV_PERMIT_REVOKED: rc = apply_permit_revoked(c, a, who, ev, err); break;
	case KP_EV_PERMIT_USED: rc = apply_permit_used(c, a, who, ev, err); break;
	default: rc = apply_key(c, a, who, ev, err); break;
	}
	if (rc != KP_DB_OK)
		return rc;
	return kp_db_run(c,
	                 "INSERT INTO inbound_events (partner, event_id, previous_event_id, event_type, claims, jws,"
	                 " verdict, status, addr, received_at) VALUES (?, ?, ?, ?, ?, ?, 'applied', 200, ?, ?)",
	                 KP_PARAMS(KV_TEXT(ev->issuer), KV_TEXT(ev->event_id), KV_TEXT(ev->previous_event_id),
	                           KV_TEXT(ev->type_name), KV_TEXT(rec->claims), KV_TEXT(rec->jws), KV_TEXT(rec->addr),
	                           KV_INT(rec->received_at)),
	                 NULL);
}

int kp_store_event_apply(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_event_t *ev,
                         const kp_inbound_t *rec, const char *self, int offset_minutes, kp_event_error_t *err)
{
	if (strcmp(ev->issued_for, self) != 0)
		return refuse(err, "AUTHORITY_NOT_FOUND", "the event is issued for another authority");
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_store_end(c, apply_tx(c, a, who, ev, rec, offset_minutes, err));
	/* two deliveries of one event racing: the unique index decides, the loser is a replay */
	if (rc == KP_DB_CONFLICT && err->code == NULL)
		return refuse(err, "EVENT_ALREADY_EXISTS", "this event was already received");
	return rc;
}
