/* exchange.c: the outbox, the event chains and the partners of the e-permit exchange. */
#include "store/exchange.h"
#include "store/tlog_acts.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "domain/dates.h"
#include "domain/outbox.h"

#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

/* Number the event in the partner's chain (the UPDATE locks the chain row until commit)
 * and insert it. claims is borrowed (completed with the common fields). */
static int queue(kp_conn_t *c, const char *partner, const char *self, const char *type, json_t *claims,
                 const char *signing_kid)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_db_exec(c, &a, &r,
	                    "UPDATE exchange_chains SET seq = seq + 1 WHERE partner = ? RETURNING seq, last_event_id",
	                    KP_PARAMS(KV_TEXT(partner)));
	if (rc != KP_DB_OK || r.nrows != 1)
		goto done;
	int64_t seq = kp_rows_int(&r, 0, 0);
	const char *previous = kp_rows_text(&r, 0, 1);
	unsigned char rnd[16];
	char id[37];
	if (kp_random_bytes(rnd, sizeof(rnd)) != 0) {
		rc = KP_DB_ERR;
		goto done;
	}
	kp_event_id_format(rnd, id);
	int64_t now = kp_now();
	/* LedgerEventBase's fields; the order on the wire is Gson's (exchange/gson.c) */
	json_object_set_new(claims, "event_producer", json_string(self));
	json_object_set_new(claims, "event_consumer", json_string(partner));
	json_object_set_new(claims, "event_timestamp", json_integer(now));
	json_object_set_new(claims, "event_type", json_string(type));
	json_object_set_new(claims, "event_id", json_string(id));
	json_object_set_new(claims, "previous_event_id", json_string(previous));
	char *text = json_dumps(claims, JSON_COMPACT);
	rc = kp_db_run(c,
	               "INSERT INTO outbox (partner, seq, event_id, previous_event_id, event_type, claims, signing_kid,"
	               " state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	               KP_PARAMS(KV_TEXT(partner), KV_INT(seq), KV_TEXT(id), KV_TEXT(previous), KV_TEXT(type),
	                         KV_TEXT(text), KV_TEXT(signing_kid), KV_TEXT(KP_OUTBOX_S_PENDING), KV_INT(now)),
	               NULL);
	free(text);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE exchange_chains SET last_event_id = ? WHERE partner = ?",
		               KP_PARAMS(KV_TEXT(id), KV_TEXT(partner)), NULL);
done:
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_outbox_add(kp_conn_t *c, const char *partner, const char *sender, const char *type, json_t *claims)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_db_exec(c, &a, &r, "SELECT 1 FROM exchange_chains WHERE partner = ? AND self = ?",
	                    KP_PARAMS(KV_TEXT(partner), KV_TEXT(sender)));
	if (rc == KP_DB_OK && r.nrows == 1)
		rc = queue(c, partner, sender, type, claims, NULL);
	json_decref(claims);
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_outbox_add_all(kp_conn_t *c, const char *type, json_t *claims, const char *signing_kid)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_db_exec(c, &a, &r, "SELECT partner, self FROM exchange_chains ORDER BY partner", NULL, 0);
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		json_t *copy = json_deep_copy(claims);
		rc = queue(c, kp_rows_text(&r, i, 0), kp_rows_text(&r, i, 1), type, copy, signing_kid);
		json_decref(copy);
	}
	json_decref(claims);
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_outbox_pin_kid(kp_conn_t *c, const char *kid)
{
	return kp_db_run(c,
	                 "UPDATE outbox SET signing_kid = ? WHERE state = '" KP_OUTBOX_S_PENDING
	                 "' AND signing_kid IS NULL",
	                 KP_PARAMS(KV_TEXT(kid)), NULL);
}

#define OUTBOX_COLUMNS \
	"id, seq, attempts, next_attempt_at, last_attempt_at, delivered_at, created_at, partner, event_id," \
	" previous_event_id, event_type, claims, signing_kid, state, last_error, jws, dead_at, skipped_at"
/* Waiting for delivery: neither delivered, set aside nor skipped. */
#define ACTIVE "state = '" KP_OUTBOX_S_PENDING "' AND dead_at IS NULL AND skipped_at IS NULL"

static void outbox_from_row(const kp_rows_t *r, int i, kp_outbox_event_t *e)
{
	e->id = kp_rows_int(r, i, 0);
	e->seq = kp_rows_int(r, i, 1);
	e->attempts = kp_rows_int(r, i, 2);
	e->next_attempt_at = kp_rows_int(r, i, 3);
	e->last_attempt_at = kp_rows_int(r, i, 4);
	e->delivered_at = kp_rows_int(r, i, 5);
	e->created_at = kp_rows_int(r, i, 6);
	e->partner = kp_rows_text(r, i, 7);
	e->event_id = kp_rows_text(r, i, 8);
	e->previous_event_id = kp_rows_text(r, i, 9);
	e->event_type = kp_rows_text(r, i, 10);
	e->claims = kp_rows_text(r, i, 11);
	e->signing_kid = kp_rows_text(r, i, 12);
	e->state = kp_rows_text(r, i, 13);
	e->last_error = kp_rows_text(r, i, 14);
	e->jws = kp_rows_text(r, i, 15);
	e->dead_at = kp_rows_int(r, i, 16);
	e->skipped_at = kp_rows_int(r, i, 17);
	e->state = kp_outbox_shown(e->state, e->dead_at != 0, e->skipped_at != 0);
}

int kp_store_outbox_next(kp_conn_t *c, kp_arena_t *a, const char *partner, kp_outbox_event_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r,
	                   "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE partner = ? AND " ACTIVE " ORDER BY seq LIMIT 1",
	                   KP_PARAMS(KV_TEXT(partner)));
	if (rc == KP_DB_OK)
		outbox_from_row(&r, 0, out);
	return rc;
}

int kp_store_outbox_due(kp_conn_t *c, kp_arena_t *a, int64_t now_ms, const char ***partners, int *n)
{
	kp_rows_t r;
	/* Only the head of each chain counts: a later event waits for the one before it. */
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT o.partner FROM outbox o WHERE o.state = '" KP_OUTBOX_S_PENDING "' AND o.dead_at IS NULL"
	                    " AND o.skipped_at IS NULL AND o.next_attempt_at <= ?"
	                    " AND o.seq = (SELECT MIN(seq) FROM outbox WHERE partner = o.partner AND " ACTIVE ")",
	                    KP_PARAMS(KV_INT(now_ms)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*partners = kp_arena_zalloc(a, sizeof(char *) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*partners)[i] = kp_rows_text(&r, i, 0);
	return KP_DB_OK;
}

int kp_store_outbox_delivered(kp_conn_t *c, int64_t id, const char *jws, int64_t now_ms)
{
	return kp_db_run(c,
	                 "UPDATE outbox SET state = ?, attempts = attempts + 1, last_attempt_at = ?,"
	                 " delivered_at = ?, last_error = NULL, jws = ? WHERE id = ?",
	                 KP_PARAMS(KV_TEXT(kp_outbox_next(KP_OUTBOX_S_PENDING, KP_OUTBOX_DELIVER)), KV_INT(now_ms),
	                           KV_INT(now_ms), KV_TEXT(jws), KV_INT(id)),
	                 NULL);
}

int kp_store_outbox_failed(kp_conn_t *c, int64_t id, const char *jws, const char *error, int64_t now_ms,
                           int64_t next_attempt_ms, bool refused, int max_refusals)
{
	int r = refused ? 1 : 0;
	return kp_db_run(c,
	                 "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, next_attempt_at = ?,"
	                 " last_error = ?, jws = ?, refusals = refusals + CAST(? AS INTEGER),"
	                 " dead_at = CASE WHEN refusals + CAST(? AS INTEGER) >= CAST(? AS INTEGER) THEN CAST(? AS BIGINT)"
	                 " ELSE NULL END WHERE id = ?",
	                 KP_PARAMS(KV_INT(now_ms), KV_INT(next_attempt_ms), KV_TEXT(error), KV_TEXT(jws), KV_INT(r),
	                           KV_INT(r), KV_INT(max_refusals), KV_INT(now_ms), KV_INT(id)),
	                 NULL);
}

int kp_store_outbox_last_delivered(kp_conn_t *c, kp_arena_t *a, const char *partner, const char **event_id)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT event_id FROM outbox WHERE partner = ? AND state = '" KP_OUTBOX_S_DELIVERED
	                    "' AND skipped_at IS NULL"
	                    " ORDER BY delivered_at DESC, seq DESC LIMIT 1",
	                    KP_PARAMS(KV_TEXT(partner)));
	if (rc == KP_DB_OK)
		*event_id = r.nrows ? kp_rows_text(&r, 0, 0) : "0";
	return rc;
}

int kp_store_outbox_rechain(kp_conn_t *c, int64_t id, const char *previous, const char *claims)
{
	return kp_db_run(c, "UPDATE outbox SET previous_event_id = ?, claims = ? WHERE id = ?",
	                 KP_PARAMS(KV_TEXT(previous), KV_TEXT(claims), KV_INT(id)), NULL);
}

bool kp_store_key_revocation_delivered(kp_conn_t *c, const char *partner, const char *kid)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	char like[160];
	snprintf(like, sizeof(like), "%%\"key_id\":\"%s\"%%", kid);
	int rc = kp_db_exec(c, &a, &r,
	                    "SELECT 1 FROM outbox WHERE partner = ? AND event_type = 'KEY_REVOKED' AND state = "
	                    "'" KP_OUTBOX_S_DELIVERED "'"
	                    " AND claims LIKE ? LIMIT 1",
	                    KP_PARAMS(KV_TEXT(partner), KV_TEXT(like)));
	bool yes = rc == KP_DB_OK && r.nrows > 0;
	kp_arena_cleanup(&a);
	return yes;
}

static int settle_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const char *partner, int64_t id, bool retry)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT state, dead_at, skipped_at, event_id FROM outbox WHERE id = ? AND partner = ?",
	                   KP_PARAMS(KV_INT(id), KV_TEXT(partner)));
	if (rc != KP_DB_OK)
		return rc;
	const char *shown = kp_outbox_shown(kp_rows_text(&r, 0, 0), !kp_rows_isnull(&r, 0, 1), !kp_rows_isnull(&r, 0, 2));
	if (!kp_outbox_next(shown, retry ? KP_OUTBOX_RETRY : KP_OUTBOX_SKIP))
		return KP_DB_CONFLICT;
	int64_t now = kp_now_ms();
	rc = retry
	         ? kp_db_run(c, "UPDATE outbox SET dead_at = NULL, refusals = 0, next_attempt_at = 0 WHERE id = ?",
	                     KP_PARAMS(KV_INT(id)), NULL)
	         : kp_db_run(c, "UPDATE outbox SET skipped_at = ? WHERE id = ?", KP_PARAMS(KV_INT(now), KV_INT(id)), NULL);
	if (rc != KP_DB_OK)
		return rc;
	return kp_store_audit_json(c, who, retry ? "outbox.retry" : "outbox.skip", "authority", partner, NULL,
	                           json_pack("{s:I, s:s}", "outbox_id", (json_int_t)id, "event_id",
	                                     kp_rows_text(&r, 0, 3)));
}

int kp_store_outbox_settle(kp_conn_t *c, const kp_actor_t *who, const char *partner, int64_t id, bool retry)
{
	kp_arena_t a;
	kp_arena_init(&a);
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_store_end(c, settle_tx(c, &a, who, partner, id, retry));
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_outbox_list(kp_conn_t *c, kp_arena_t *a, const char *partner, const char *state, int64_t before_id,
                         int limit, kp_outbox_event_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE (CAST(? AS TEXT) IS NULL OR partner = ?)"
	                    " AND (CAST(? AS TEXT) IS NULL OR (CASE WHEN skipped_at IS NOT NULL THEN '" KP_OUTBOX_S_SKIPPED
	                    "' WHEN dead_at IS NOT NULL AND state = '" KP_OUTBOX_S_PENDING "' THEN '" KP_OUTBOX_S_DEAD
	                    "' ELSE state END) = ?)"
	                    " AND (CAST(? AS BIGINT) = 0 OR id < ?)"
	                    " ORDER BY id DESC LIMIT ?",
	                    KP_PARAMS(KV_TEXT(partner), KV_TEXT(partner), KV_TEXT(state), KV_TEXT(state), KV_INT(before_id),
	                              KV_INT(before_id), KV_INT(limit)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_outbox_event_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		outbox_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_chain_lease(kp_conn_t *c, const char *partner, const char *owner, int64_t now_ms, int64_t lease_ms)
{
	int64_t changed = 0;
	int rc = kp_db_run(c,
	                   "UPDATE exchange_chains SET lease_owner = ?, lease_until = ? WHERE partner = ?"
	                   " AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)",
	                   KP_PARAMS(KV_TEXT(owner), KV_INT(now_ms + lease_ms), KV_TEXT(partner), KV_TEXT(owner),
	                             KV_INT(now_ms)),
	                   &changed);
	return rc != KP_DB_OK ? rc : changed == 1 ? KP_DB_OK : KP_DB_CONFLICT;
}

int kp_store_chain_release(kp_conn_t *c, const char *owner)
{
	return kp_db_run(c, "UPDATE exchange_chains SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = ?",
	                 KP_PARAMS(KV_TEXT(owner)), NULL);
}

#define PARTNER_SELECT \
	"SELECT a.code, a.name, a.api_url, a.handshake_state, a.handshake_error, a.handshake_at, a.refetch_due," \
	" (SELECT COUNT(*) FROM outbox o WHERE o.partner = a.code AND o." ACTIVE ")," \
	" (SELECT COUNT(*) FROM outbox o WHERE o.partner = a.code AND o.state = '" KP_OUTBOX_S_PENDING "'" \
	"  AND o.dead_at IS NOT NULL" \
	"  AND o.skipped_at IS NULL)," \
	" (SELECT COUNT(*) FROM outbox o WHERE o.partner = a.code AND o.state = '" KP_OUTBOX_S_DELIVERED "')," \
	" (SELECT MIN(created_at) FROM outbox o WHERE o.partner = a.code AND o." ACTIVE ")," \
	" (SELECT MAX(delivered_at) FROM outbox o WHERE o.partner = a.code)," \
	" (SELECT last_error FROM outbox o WHERE o.partner = a.code AND o." ACTIVE " ORDER BY seq LIMIT 1)," \
	" ch.last_event_id," \
	" (SELECT COUNT(*) FROM inbound_events i WHERE i.partner = a.code AND i.verdict = '" KP_INBOUND_APPLIED "')," \
	" (SELECT COUNT(*) FROM inbound_events i WHERE i.partner = a.code AND i.verdict = '" KP_INBOUND_REFUSED "')," \
	" (SELECT event_id FROM inbound_events i WHERE i.partner = a.code AND i.verdict = '" KP_INBOUND_APPLIED "'" \
	"  ORDER BY id DESC LIMIT 1)" \
	" FROM authorities a LEFT JOIN exchange_chains ch ON ch.partner = a.code"

static void partner_from_row(const kp_rows_t *r, int i, kp_partner_t *p)
{
	p->code = kp_rows_text(r, i, 0);
	p->name = kp_rows_text(r, i, 1);
	p->api_url = kp_rows_text(r, i, 2);
	p->handshake_state = kp_rows_text(r, i, 3);
	p->handshake_error = kp_rows_text(r, i, 4);
	p->handshake_at = kp_rows_int(r, i, 5);
	p->refetch_due = kp_rows_int(r, i, 6) != 0;
	p->pending = kp_rows_int(r, i, 7);
	p->dead = kp_rows_int(r, i, 8);
	p->delivered = kp_rows_int(r, i, 9);
	p->oldest_pending_at = kp_rows_int(r, i, 10);
	p->last_delivered_at = kp_rows_int(r, i, 11);
	p->last_error = kp_rows_text(r, i, 12);
	p->last_sent_event_id = kp_rows_text(r, i, 13);
	p->received = kp_rows_int(r, i, 14);
	p->refused = kp_rows_int(r, i, 15);
	p->last_received_event_id = kp_rows_text(r, i, 16);
}

int kp_store_partner_list(kp_conn_t *c, kp_arena_t *a, kp_partner_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    PARTNER_SELECT " WHERE ch.partner IS NOT NULL OR a.handshake_state <> '" KP_HANDSHAKE_S_NONE "'"
	                                   " ORDER BY a.code",
	                    NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_partner_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		partner_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_partner_get(kp_conn_t *c, kp_arena_t *a, const char *code, kp_partner_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, PARTNER_SELECT " WHERE a.code = ?", KP_PARAMS(KV_TEXT(code)));
	if (rc == KP_DB_OK)
		partner_from_row(&r, 0, out);
	return rc;
}

int kp_store_partner_link(kp_conn_t *c, kp_arena_t *a, const char *code, const char **api_url)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r,
	                   "SELECT a.api_url FROM exchange_chains ch JOIN authorities a ON a.code = ch.partner"
	                   " WHERE ch.partner = ?",
	                   KP_PARAMS(KV_TEXT(code)));
	if (rc == KP_DB_OK)
		*api_url = kp_rows_text(&r, 0, 0);
	return rc;
}

/* Add the keys we lack; a kid already held with different key material is a conflict. */
static int add_partner_keys(kp_conn_t *c, kp_arena_t *a, const char *code, const kp_authority_key_t *keys, int nkeys,
                            const char **why)
{
	for (int i = 0; i < nkeys; i++) {
		kp_rows_t r;
		int rc = kp_db_exec(c, a, &r, "SELECT jwk FROM authority_keys WHERE authority = ? AND kid = ?",
		                    KP_PARAMS(KV_TEXT(code), KV_TEXT(keys[i].kid)));
		if (rc != KP_DB_OK)
			return rc;
		if (r.nrows == 1) {
			json_t *old = json_loads(kp_rows_text(&r, 0, 0), 0, NULL), *new = json_loads(keys[i].jwk, 0, NULL);
			bool same = old && new &&json_equal(json_object_get(old, "x"), json_object_get(new, "x")) &&
			            json_equal(json_object_get(old, "y"), json_object_get(new, "y"));
			json_decref(old);
			json_decref(new);
			if (!same) {
				*why = "KEYID_ALREADY_EXISTS";
				return KP_DB_CONFLICT;
			}
			continue;
		}
		rc = kp_db_run(c, "INSERT INTO authority_keys (kid, authority, jwk, created_at) VALUES (?, ?, ?, ?)",
		               KP_PARAMS(KV_TEXT(keys[i].kid), KV_TEXT(code), KV_TEXT(keys[i].jwk), KV_INT(kp_now())), NULL);
		if (rc == KP_DB_OK) /* a partner's key we now trust: on the public record (issue 14) */
			rc = kp_tlog_key_change(c, "key.add", code, keys[i].kid, keys[i].jwk);
		if (rc != KP_DB_OK)
			return rc;
	}
	return KP_DB_OK;
}

static int handshake_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const char *self, const char *code,
                        const char *name, const char *api_url, const kp_authority_key_t *keys, int nkeys,
                        const char **why)
{
	int64_t now = kp_now(), changed = 0;
	int rc = kp_db_run(c,
	                   "UPDATE authorities SET name = ?, api_url = ?, handshake_state = ?, handshake_at = ?,"
	                   " handshake_error = NULL, refetch_due = 0 WHERE code = ?",
	                   KP_PARAMS(KV_TEXT(name), KV_TEXT(api_url), KV_TEXT(KP_HANDSHAKE_S_OK), KV_INT(now),
	                             KV_TEXT(code)),
	                   &changed);
	if (rc == KP_DB_OK && changed == 0)
		rc = kp_db_run(c,
		               "INSERT INTO authorities (code, name, api_url, handshake_state, handshake_at, created_at)"
		               " VALUES (?, ?, ?, ?, ?, ?)",
		               KP_PARAMS(KV_TEXT(code), KV_TEXT(name), KV_TEXT(api_url), KV_TEXT(KP_HANDSHAKE_S_OK),
		                         KV_INT(now), KV_INT(now)),
		               NULL);
	if (rc == KP_DB_OK)
		rc = add_partner_keys(c, a, code, keys, nkeys, why);
	if (rc != KP_DB_OK)
		return rc;
	kp_rows_t r;
	rc = kp_db_exec(c, a, &r, "SELECT 1 FROM exchange_chains WHERE partner = ?", KP_PARAMS(KV_TEXT(code)));
	if (rc == KP_DB_OK && r.nrows == 0)
		rc = kp_db_run(c, "INSERT INTO exchange_chains (partner, self) VALUES (?, ?)",
		               KP_PARAMS(KV_TEXT(code), KV_TEXT(self)), NULL);
	if (rc != KP_DB_OK)
		return rc;
	return kp_store_audit_json(c, who, "partner.handshake", "authority", code, NULL,
	                           json_pack("{s:s, s:s, s:i}", "name", name, "api_url", api_url, "keys", nkeys));
}

int kp_store_partner_handshake(kp_conn_t *c, const kp_actor_t *who, const char *self, const char *code,
                               const char *name, const char *api_url, const kp_authority_key_t *keys, int nkeys,
                               const char **why)
{
	kp_arena_t a;
	kp_arena_init(&a);
	*why = NULL;
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_store_end(c, handshake_tx(c, &a, who, self, code, name, api_url, keys, nkeys, why));
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_partner_handshake_failed(kp_conn_t *c, const kp_actor_t *who, const char *code, const char *error)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c,
	               "UPDATE authorities SET handshake_state = ?, handshake_at = ?, handshake_error = ?"
	               " WHERE code = ?",
	               KP_PARAMS(KV_TEXT(KP_HANDSHAKE_S_FAILED), KV_INT(kp_now()), KV_TEXT(error), KV_TEXT(code)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, "partner.handshake_failed", "authority", code, NULL,
		                         json_pack("{s:s}", "error", error));
	return kp_store_end(c, rc);
}

int kp_store_partner_refetch_due(kp_conn_t *c, kp_arena_t *a, const char ***codes, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT code FROM authorities WHERE refetch_due = 1 AND api_url IS NOT NULL", NULL,
	                    0);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*codes = kp_arena_zalloc(a, sizeof(char *) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*codes)[i] = kp_rows_text(&r, i, 0);
	return KP_DB_OK;
}

int kp_store_inbound_purge(kp_conn_t *c, int64_t now, int64_t *removed)
{
	int64_t aged = 0, over = 0;
	int rc = kp_db_run(c, "DELETE FROM inbound_events WHERE verdict = '" KP_INBOUND_REFUSED "' AND received_at < ?",
	                   KP_PARAMS(KV_INT(now - KP_INBOUND_REFUSED_DAYS * 86400)), &aged);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "DELETE FROM inbound_events WHERE verdict = '" KP_INBOUND_REFUSED "' AND id < (SELECT id FROM"
		               " inbound_events WHERE verdict = '" KP_INBOUND_REFUSED "' ORDER BY id DESC LIMIT 1 OFFSET ?)",
		               KP_PARAMS(KV_INT(KP_INBOUND_REFUSED_ROWS - 1)), &over);
	if (removed)
		*removed = aged + over;
	return rc;
}

int kp_store_inbound_refused(kp_conn_t *c, const kp_inbound_t *rec)
{
	/* What strangers send is bounded: every so often the oldest refusals past the cap go. */
	static atomic_uint refusals;
	if (atomic_fetch_add(&refusals, 1) % 256 == 255)
		kp_store_inbound_purge(c, kp_now(), NULL);
	return kp_db_run(c,
	                 "INSERT INTO inbound_events (partner, event_id, previous_event_id, event_type, claims, jws,"
	                 " verdict, status, error_code, error_message, addr, received_at)"
	                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                 KP_PARAMS(KV_TEXT(rec->partner), KV_TEXT(rec->event_id), KV_TEXT(rec->previous_event_id),
	                           KV_TEXT(rec->event_type), KV_TEXT(rec->claims), KV_TEXT(rec->jws),
	                           KV_TEXT(KP_INBOUND_REFUSED), KV_INT(rec->status), KV_TEXT(rec->error_code),
	                           KV_TEXT(rec->error_message), KV_TEXT(rec->addr), KV_INT(rec->received_at)),
	                 NULL);
}

int kp_store_inbound_list(kp_conn_t *c, kp_arena_t *a, const char *partner, int64_t before_id, int limit,
                          kp_inbound_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id, received_at, status, partner, event_id, previous_event_id, event_type, claims,"
	                    " jws, verdict, error_code, error_message, addr FROM inbound_events"
	                    " WHERE (CAST(? AS TEXT) IS NULL OR partner = ?) AND (CAST(? AS BIGINT) = 0 OR id < ?)"
	                    " ORDER BY id DESC LIMIT ?",
	                    KP_PARAMS(KV_TEXT(partner), KV_TEXT(partner), KV_INT(before_id), KV_INT(before_id),
	                              KV_INT(limit)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_inbound_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		kp_inbound_t *e = &(*out)[i];
		e->id = kp_rows_int(&r, i, 0);
		e->received_at = kp_rows_int(&r, i, 1);
		e->status = (int)kp_rows_int(&r, i, 2);
		e->partner = kp_rows_text(&r, i, 3);
		e->event_id = kp_rows_text(&r, i, 4);
		e->previous_event_id = kp_rows_text(&r, i, 5);
		e->event_type = kp_rows_text(&r, i, 6);
		e->claims = kp_rows_text(&r, i, 7);
		e->jws = kp_rows_text(&r, i, 8);
		e->verdict = kp_rows_text(&r, i, 9);
		e->error_code = kp_rows_text(&r, i, 10);
		e->error_message = kp_rows_text(&r, i, 11);
		e->addr = kp_rows_text(&r, i, 12);
	}
	return KP_DB_OK;
}

int kp_store_revoked_permit_ids(kp_conn_t *c, kp_arena_t *a, const char ***ids, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT id FROM permits WHERE status IN " KP_PERMIT_WITHDRAWN_SQL " ORDER BY id",
	                    NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*ids = kp_arena_zalloc(a, sizeof(char *) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*ids)[i] = kp_rows_text(&r, i, 0);
	return KP_DB_OK;
}

int kp_store_outbox_permit_created(kp_conn_t *c, const kp_permit_t *p, int utc_offset)
{
	if (!kp_event_permit_type_ok(p->type))
		return KP_DB_OK;
	/* issued_at is the UTC date (the reference refuses one after its own UTC today);
	 * expires_at the last local day of validity, after it */
	char iat[11], exp[11];
	int64_t iday = kp_local_day(p->issued_at, 0), eday = kp_local_day(p->expires_at, utc_offset);
	kp_date_format_dmy(iday, iat);
	kp_date_format_dmy(eday > iday ? eday : iday + 1, exp);
	json_t *claims = json_pack("{s:s, s:i, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "permit_id", p->id,
	                           "permit_type", p->type, "permit_issuer", p->issuer, "permit_issued_for", p->verifier,
	                           "permit_year", p->year, "issued_at", iat, "expires_at", exp, "plate_number", p->plate,
	                           "company_name", p->company_name, "company_id", p->company_id ? p->company_id : "",
	                           "departure_country", p->departure_country ? p->departure_country : p->issuer,
	                           "arrival_country", p->arrival_country ? p->arrival_country : p->verifier, "qr_code",
	                           p->credential ? p->credential : "");
	if (p->trailer_plate) /* null fields are left out, as Gson does */
		json_object_set_new(claims, "plate_number2", json_string(p->trailer_plate));
	json_t *other = p->other_claims ? json_loads(p->other_claims, 0, NULL) : NULL;
	if (json_is_object(other) && json_object_size(other) > 0)
		json_object_set(claims, "other_claims", other);
	json_decref(other);
	return kp_store_outbox_add(c, p->verifier, p->issuer, "PERMIT_CREATED", claims);
}

int kp_store_outbox_permit_revoked(kp_conn_t *c, const kp_permit_t *p)
{
	if (!kp_event_permit_type_ok(p->type))
		return KP_DB_OK;
	return kp_store_outbox_add(c, p->verifier, p->issuer, "PERMIT_REVOKED",
	                           json_pack("{s:s, s:I}", "permit_id", p->id, "revoked_at",
	                                     (json_int_t)(p->status_at ? p->status_at : kp_now())));
}

int kp_store_outbox_permit_used(kp_conn_t *c, const kp_permit_t *p, const kp_activity_row_t *act)
{
	if (!kp_event_permit_type_ok(p->type))
		return KP_DB_OK;
	/* the checkpoint always, and the officer's note after it */
	char details[1000];
	if (act->checkpoint && act->details && act->details[0])
		snprintf(details, sizeof(details), "%s: %s", act->checkpoint, act->details);
	else
		snprintf(details, sizeof(details), "%s", act->checkpoint ? act->checkpoint : act->details ? act->details : "");
	return kp_store_outbox_add(c, p->issuer, act->country, "PERMIT_USED",
	                           json_pack("{s:s, s:s, s:I, s:s?}", "permit_id", p->id, "activity_type", act->type,
	                                     "activity_timestamp", (json_int_t)act->at, "activity_details",
	                                     details[0] ? details : NULL));
}

int kp_store_outbox_quota_created(kp_conn_t *c, const kp_quota_t *q)
{
	if (!kp_event_permit_type_ok(q->type))
		return KP_DB_OK;
	/* the protocol exchanges quantities: the issuer numbers its permits 1…total */
	return kp_store_outbox_add(c, q->issuer, q->verifier, "QUOTA_CREATED",
	                           json_pack("{s:s, s:s, s:i, s:i, s:I}", "permit_issuer", q->issuer, "permit_issued_for",
	                                     q->verifier, "permit_year", q->year, "permit_type", q->type, "quantity",
	                                     (json_int_t)(q->end_number - q->start_number + 1)));
}

/* The public JWK as the reference's PublicJwk carries it, as text (KEY_CREATED.jwk). */
static char *public_jwk_text(json_t *jwk)
{
	json_t *pub = kp_event_public_jwk(jwk);
	char *text = pub ? json_dumps(pub, JSON_COMPACT) : NULL;
	json_decref(pub);
	return text;
}

static int rotate_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_authority_key_t *key, const char *old_kid,
                     json_t *jwk)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT COALESCE(MAX(created_at), 0) FROM authority_keys WHERE authority = ?",
	                    KP_PARAMS(KV_TEXT(key->authority)));
	if (rc != KP_DB_OK)
		return rc;
	int64_t newest = kp_rows_int(&r, 0, 0);
	key->created_at = kp_now() > newest ? kp_now() : newest + 1;
	rc = kp_db_run(c,
	               "INSERT INTO authority_keys (kid, authority, jwk, private_pem, created_at) VALUES (?, ?, ?, ?, ?)",
	               KP_PARAMS(KV_TEXT(key->kid), KV_TEXT(key->authority), KV_TEXT(key->jwk), KV_TEXT(key->private_pem),
	                         KV_INT(key->created_at)),
	               NULL);
	char *text = public_jwk_text(jwk);
	if (rc == KP_DB_OK) /* our new key, as kp_store_key_add records the first */
		rc = text ? kp_tlog_key_change(c, "key.add", key->authority, key->kid, text) : KP_DB_ERR;
	if (rc == KP_DB_OK && old_kid)
		rc = kp_store_outbox_pin_kid(c, old_kid);
	if (rc == KP_DB_OK)
		rc = text ? kp_store_outbox_add_all(c, "KEY_CREATED",
		                                    json_pack("{s:s, s:s, s:s}", "authority", key->authority, "kid", key->kid,
		                                              "jwk", text),
		                                    old_kid)
		          : KP_DB_ERR;
	free(text);
	if (rc != KP_DB_OK)
		return rc;
	return kp_store_audit_json(c, who, "key.create", "authority", key->authority, NULL,
	                           json_pack("{s:s, s:s?}", "kid", key->kid, "previous_kid", old_kid));
}

int kp_store_key_rotate(kp_conn_t *c, const kp_actor_t *who, kp_authority_key_t *key, const char *old_kid, json_t *jwk)
{
	kp_arena_t a;
	kp_arena_init(&a);
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_store_end(c, rotate_tx(c, &a, who, key, old_kid, jwk));
	kp_arena_cleanup(&a);
	return rc;
}

static int revoke_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const char *self, const char *kid)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT revoked_at FROM authority_keys WHERE authority = ? AND kid = ?",
	                   KP_PARAMS(KV_TEXT(self), KV_TEXT(kid)));
	if (rc != KP_DB_OK)
		return rc;
	if (!kp_rows_isnull(&r, 0, 0))
		return KP_DB_CONFLICT;
	int64_t now = kp_now();
	rc = kp_db_run(c, "UPDATE authority_keys SET revoked_at = ? WHERE authority = ? AND kid = ?",
	               KP_PARAMS(KV_INT(now), KV_TEXT(self), KV_TEXT(kid)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_outbox_add_all(c, "KEY_REVOKED",
		                             json_pack("{s:s, s:s, s:I}", "authority", self, "key_id", kid, "revoked_at",
		                                       (json_int_t)now),
		                             NULL);
	if (rc == KP_DB_OK)
		rc = kp_tlog_key_change(c, "key.revoke", self, kid, NULL);
	if (rc != KP_DB_OK)
		return rc;
	return kp_store_audit_json(c, who, "key.revoke", "authority", self, NULL, json_pack("{s:s}", "kid", kid));
}

int kp_store_key_revoke(kp_conn_t *c, const kp_actor_t *who, const char *self, const char *kid)
{
	kp_arena_t a;
	kp_arena_init(&a);
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_store_end(c, revoke_tx(c, &a, who, self, kid));
	kp_arena_cleanup(&a);
	return rc;
}
