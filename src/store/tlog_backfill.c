/* tlog_backfill.c: appending, once at an upgrade, the acts the transparency log should have
 * carried but an older version did not write (docs/transparency.md, "Upgrades"). Exactly
 * what `kapka log verify` would call missing: a permit of ours without its permit.issue (or
 * its withdrawal), a quota without quota.create, a key without key.add (or key.revoke).
 * Each becomes a new leaf at the end of the log, with the act's own time as "at" and the
 * upgrade's as "backfilled_at", oldest act first; no existing leaf changes. */
#include "store/tlog_acts.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

/* In the order acts of one second happened: a quota and a key before the permits they make. */
enum late_kind { QUOTA_CREATE, KEY_ADD, PERMIT_ISSUE, PERMIT_WITHDRAW, KEY_REVOKE };

typedef struct late_act {
	int64_t at;
	enum late_kind kind;
	int i; /* index into the permits, quotas or keys */
} late_act_t;

typedef struct backfill {
	kp_permit_t *permits;
	kp_quota_t *quotas;
	kp_authority_key_t *keys;
	int npermits, nquotas, nkeys;
	late_act_t *acts;
	int n, cap;
} backfill_t;

static void add(backfill_t *b, int64_t at, enum late_kind kind, int i)
{
	if (b->n == b->cap)
		b->acts = kp_realloc(b->acts, sizeof(late_act_t) * (size_t)(b->cap = b->cap ? b->cap * 2 : 64));
	b->acts[b->n++] = (late_act_t){at, kind, i};
}

/* Whether object's first leaf is of kind (as `kapka log verify` checks: the act that made it). */
static int first_is(kp_conn_t *c, kp_arena_t *a, const char *object, const char *kind, bool *out)
{
	kp_tlog_row_t first;
	int rc = kp_store_tlog_first_of_object(c, a, object, INT64_MAX, &first);
	*out = rc == KP_DB_OK && strcmp(first.kind, kind) == 0;
	return rc == KP_DB_NOTFOUND ? KP_DB_OK : rc;
}

/* Whether rows hold a leaf of kind (for partner: NULL, any). */
static bool has_leaf(const kp_tlog_row_t *rows, int n, const char *kind, const char *partner)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(rows[i].kind, kind) != 0)
			continue;
		if (partner == NULL)
			return true;
		json_t *leaf = json_loads(rows[i].entry, 0, NULL);
		const char *p = json_string_value(json_object_get(leaf, "partner"));
		bool match = p && strcmp(p, partner) == 0;
		json_decref(leaf);
		if (match)
			return true;
	}
	return false;
}

static const char *withdrawal(const kp_permit_t *p)
{
	return kp_permit_withdrawal_act(p->status);
}

/* The acts of our own permits (a partner's, org 0, are in its issuer's log) without leaves. */
static int find_permits(kp_conn_t *c, kp_arena_t *a, backfill_t *b)
{
	kp_permit_filter_t f = {.limit = 1 << 30};
	int rc = kp_store_permit_list(c, a, &f, &b->permits, &b->npermits);
	for (int i = 0; rc == KP_DB_OK && i < b->npermits; i++) {
		const kp_permit_t *p = &b->permits[i];
		if (p->org_id == 0)
			continue;
		kp_tlog_row_t *rows;
		int n = 0;
		bool issued;
		if ((rc = first_is(c, a, p->id, "permit.issue", &issued)) != KP_DB_OK)
			break;
		if (!issued)
			add(b, p->issued_at, PERMIT_ISSUE, i);
		if (withdrawal(p) == NULL)
			continue;
		if ((rc = kp_store_tlog_by_object(c, a, p->id, &rows, &n)) != KP_DB_OK)
			break;
		if (!issued || !has_leaf(rows, n, withdrawal(p), NULL))
			add(b, p->status_at ? p->status_at : p->issued_at, PERMIT_WITHDRAW, i);
	}
	return rc;
}

static int find_quotas_and_keys(kp_conn_t *c, kp_arena_t *a, backfill_t *b, int64_t now)
{
	int rc = kp_store_quota_list(c, a, NULL, 0, now, &b->quotas, &b->nquotas);
	for (int i = 0; rc == KP_DB_OK && i < b->nquotas; i++) {
		char object[32];
		snprintf(object, sizeof(object), "quota/%lld", (long long)b->quotas[i].id);
		bool created;
		if ((rc = first_is(c, a, object, "quota.create", &created)) == KP_DB_OK && !created)
			add(b, b->quotas[i].created_at, QUOTA_CREATE, i);
	}
	if (rc == KP_DB_OK)
		rc = kp_store_key_list(c, a, NULL, &b->keys, &b->nkeys);
	for (int i = 0; rc == KP_DB_OK && i < b->nkeys; i++) {
		const kp_authority_key_t *k = &b->keys[i];
		kp_tlog_row_t *rows;
		int n = 0;
		if ((rc = kp_store_tlog_by_object(c, a, k->kid, &rows, &n)) != KP_DB_OK)
			break;
		bool added = has_leaf(rows, n, "key.add", k->authority);
		if (!added)
			add(b, k->created_at, KEY_ADD, i);
		if (k->revoked_at && (!added || !has_leaf(rows, n, "key.revoke", k->authority)))
			add(b, k->revoked_at, KEY_REVOKE, i);
	}
	return rc;
}

/* Oldest act first; in one second, in late_kind order. */
static int by_time(const void *x, const void *y)
{
	const late_act_t *p = x, *q = y;
	if (p->at != q->at)
		return p->at < q->at ? -1 : 1;
	if (p->kind != q->kind)
		return p->kind < q->kind ? -1 : 1;
	return p->i < q->i ? -1 : p->i > q->i;
}

static int append_one(kp_conn_t *c, const backfill_t *b, const late_act_t *act, int64_t now)
{
	kp_tlog_late_t late = {act->at ? act->at : now, now};
	switch (act->kind) {
	case PERMIT_ISSUE:
		return kp_tlog_permit_late(c, "permit.issue", &b->permits[act->i], NULL, &late);
	case PERMIT_WITHDRAW:
		return kp_tlog_permit_late(c, withdrawal(&b->permits[act->i]), &b->permits[act->i],
		                           b->permits[act->i].status_reason, &late);
	case QUOTA_CREATE:
		return kp_tlog_quota_late(c, "quota.create", &b->quotas[act->i], &late);
	case KEY_ADD:
		return kp_tlog_key_change_late(c, "key.add", b->keys[act->i].authority, b->keys[act->i].kid,
		                               b->keys[act->i].jwk, &late);
	case KEY_REVOKE:
		return kp_tlog_key_change_late(c, "key.revoke", b->keys[act->i].authority, b->keys[act->i].kid, NULL, &late);
	}
	return KP_DB_ERR;
}

int kp_tlog_backfill(kp_conn_t *c, int version, int64_t now, int *added)
{
	kp_arena_t a;
	kp_arena_init(&a);
	backfill_t b = {0};
	int64_t first = 0;
	*added = 0;
	int rc = kp_store_tlog_size(c, &first);
	if (rc == KP_DB_OK)
		rc = find_permits(c, &a, &b);
	if (rc == KP_DB_OK)
		rc = find_quotas_and_keys(c, &a, &b, now);
	if (rc == KP_DB_OK && b.n > 0)
		qsort(b.acts, (size_t)b.n, sizeof(late_act_t), by_time);
	for (int i = 0; rc == KP_DB_OK && i < b.n && kp_tlog_enabled(); i++)
		if ((rc = append_one(c, &b, &b.acts[i], now)) == KP_DB_OK)
			(*added)++;
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "INSERT INTO tlog_backfills (version, at, first_idx, leaves) VALUES (?, ?, ?, ?)",
		               KP_PARAMS(KV_INT(version), KV_INT(now), KV_INT(first), KV_INT(*added)), NULL);
	free(b.acts);
	kp_arena_cleanup(&a);
	return rc;
}
