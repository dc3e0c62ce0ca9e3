/* permit_reads.c: reading permits, withdrawing unused ones, border activities, usage. */
#include "store/permits.h"
#include "store/notify.h"
#include "store/tlog_acts.h"
#include "store/exchange.h"
#include "core/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Border devices' clocks may run a little behind the server's (seconds). */
#define KP_CLOCK_SKEW 300

#define PERMIT_COLUMNS \
	"id, issuer, verifier, year, type, serial, quota_id, application_id, org_id, vehicle_id," \
	" plate, company_name, company_id, issued_at, expires_at, status, used_up, status_reason," \
	" status_at, kid, credential, departure_country, arrival_country, trailer_plate, other_claims"

static void permit_from_row(const kp_rows_t *r, int i, kp_permit_t *p)
{
	p->id = kp_rows_text(r, i, 0);
	p->issuer = kp_rows_text(r, i, 1);
	p->verifier = kp_rows_text(r, i, 2);
	p->year = (int)kp_rows_int(r, i, 3);
	p->type = (int)kp_rows_int(r, i, 4);
	p->serial = kp_rows_int(r, i, 5);
	p->quota_id = kp_rows_int(r, i, 6);
	p->application_id = kp_rows_int(r, i, 7);
	p->org_id = kp_rows_int(r, i, 8);
	p->vehicle_id = kp_rows_int(r, i, 9);
	p->plate = kp_rows_text(r, i, 10);
	p->company_name = kp_rows_text(r, i, 11);
	p->company_id = kp_rows_text(r, i, 12);
	p->issued_at = kp_rows_int(r, i, 13);
	p->expires_at = kp_rows_int(r, i, 14);
	p->status = kp_rows_text(r, i, 15);
	p->used_up = kp_rows_int(r, i, 16) != 0;
	p->status_reason = kp_rows_text(r, i, 17);
	p->status_at = kp_rows_int(r, i, 18);
	p->kid = kp_rows_text(r, i, 19);
	p->credential = kp_rows_text(r, i, 20);
	p->departure_country = kp_rows_text(r, i, 21);
	p->arrival_country = kp_rows_text(r, i, 22);
	p->trailer_plate = kp_rows_text(r, i, 23);
	p->other_claims = kp_rows_text(r, i, 24);
}

int kp_store_permit_get(kp_conn_t *c, kp_arena_t *a, const char *id, kp_permit_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " PERMIT_COLUMNS " FROM permits WHERE id = ?", KP_PARAMS(KV_TEXT(id)));
	if (rc == KP_DB_OK)
		permit_from_row(&r, 0, out);
	return rc;
}

int kp_store_permit_list(kp_conn_t *c, kp_arena_t *a, const kp_permit_filter_t *f, kp_permit_t **out, int *n)
{
	kp_page_t page = {NULL, f->limit > 0 ? f->limit : 100, 0};
	int64_t total;
	return kp_store_permit_page(c, a, f, &page, out, n, &total);
}

/* Kept by hand: clang-format would split the literals around KP_LIKE mid-word. */
/* clang-format off */
#define LIST_WHERE                                                                                                 \
	" FROM permits WHERE (CAST(? AS BIGINT) = 0 OR org_id = ?)"                                                     \
	" AND (CAST(? AS TEXT) IS NULL OR plate = ?) AND (CAST(? AS TEXT) IS NULL OR verifier = ?)"                     \
	" AND (CAST(? AS TEXT) IS NULL OR issuer = ?) AND (CAST(? AS TEXT) IS NULL OR status = ?)"                      \
	" AND (CAST(? AS BIGINT) = 0 OR year = ?) AND (CAST(? AS TEXT) IS NULL OR" KP_LIKE("id") " OR" KP_LIKE("plate") \
	" OR" KP_LIKE("COALESCE(trailer_plate, '')") " OR" KP_LIKE("company_name") " OR" KP_LIKE("company_id") ")"
/* clang-format on */

int kp_store_permit_page(kp_conn_t *c, kp_arena_t *a, const kp_permit_filter_t *f, const kp_page_t *page,
                         kp_permit_t **out, int *n, int64_t *total)
{
	const char *like = kp_page_pattern(a, page);
	kp_rows_t r;
	int rc = kp_page_query(c, a, "SELECT COUNT(*)" LIST_WHERE,
	                       "SELECT " PERMIT_COLUMNS LIST_WHERE " ORDER BY issued_at DESC, id LIMIT ? OFFSET ?",
	                       KP_PARAMS(KV_INT(f->org_id), KV_INT(f->org_id), KV_TEXT(f->plate), KV_TEXT(f->plate),
	                                 KV_TEXT(f->verifier), KV_TEXT(f->verifier), KV_TEXT(f->issuer), KV_TEXT(f->issuer),
	                                 KV_TEXT(f->status), KV_TEXT(f->status), KV_INT(f->year), KV_INT(f->year),
	                                 KV_TEXT(like), KV_TEXT(like), KV_TEXT(like), KV_TEXT(like), KV_TEXT(like),
	                                 KV_TEXT(like)),
	                       page, &r, total);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_permit_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		permit_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

#define SEARCH_WHERE \
	" FROM permits WHERE (CAST(? AS BIGINT) = 0 OR org_id = ?) AND (CAST(? AS TEXT) IS NULL OR issuer = ?)" \
	" AND (CAST(? AS TEXT) IS NULL OR verifier = ?) AND (CAST(? AS TEXT) IS NULL OR id = ?)" \
	" AND (CAST(? AS TEXT) IS NULL OR company_id = ?) AND (CAST(? AS TEXT) IS NULL OR plate = ?)" \
	" AND (CAST(? AS TEXT) IS NULL OR trailer_plate = ?) AND (CAST(? AS BIGINT) = 0 OR year = ?)" \
	" AND (CAST(? AS BIGINT) = 0 OR type = ?)" \
	" AND (CAST(? AS BIGINT) < 0 OR (CAST(? AS BIGINT) = 1) = (status = '" KP_PERMIT_S_USED "'))" \
	" AND (CAST(? AS BIGINT) < 0 OR (CAST(? AS BIGINT) = 1) = (status IN " KP_PERMIT_WITHDRAWN_SQL "))" \
	" AND (CAST(? AS BIGINT) = 0 OR issued_at >= ?) AND (CAST(? AS BIGINT) = 0 OR issued_at <= ?)"

#define SEARCH_PARAMS(q) \
	KV_INT(q->org_id), KV_INT(q->org_id), KV_TEXT(q->issuer), KV_TEXT(q->issuer), KV_TEXT(q->verifier), \
	    KV_TEXT(q->verifier), KV_TEXT(q->permit_id), KV_TEXT(q->permit_id), KV_TEXT(q->company_id), \
	    KV_TEXT(q->company_id), KV_TEXT(q->plate), KV_TEXT(q->plate), KV_TEXT(q->trailer_plate), \
	    KV_TEXT(q->trailer_plate), KV_INT(q->year), KV_INT(q->year), KV_INT(q->type), KV_INT(q->type), \
	    KV_INT(q->used), KV_INT(q->used), KV_INT(q->revoked), KV_INT(q->revoked), KV_INT(q->issued_from), \
	    KV_INT(q->issued_from), KV_INT(q->issued_to), KV_INT(q->issued_to)

int kp_store_permit_search(kp_conn_t *c, kp_arena_t *a, const kp_permit_query_t *q, kp_permit_t **out, int *n,
                           int64_t *total)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT COUNT(*)" SEARCH_WHERE, KP_PARAMS(SEARCH_PARAMS(q)));
	if (rc != KP_DB_OK)
		return rc;
	*total = kp_rows_int(&r, 0, 0);
	rc = kp_db_exec(c, a, &r,
	                "SELECT " PERMIT_COLUMNS SEARCH_WHERE " ORDER BY issued_at DESC, serial DESC, id LIMIT ? OFFSET ?",
	                KP_PARAMS(SEARCH_PARAMS(q), KV_INT(q->size), KV_INT((int64_t)q->page * q->size)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_permit_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		permit_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

/* The body of kp_store_permit_withdraw, inside its transaction. */
static int withdraw_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const char *id, const char *new_status,
                       const char *reason, const char **why)
{
	kp_permit_t before, after;
	int rc = kp_store_permit_get(c, a, id, &before);
	if (rc != KP_DB_OK)
		return rc;
	if ((*why = kp_permit_withdraw_refusal(before.status)) != NULL)
		return KP_DB_CONFLICT;
	int64_t changed = 0; /* only an issued permit may be withdrawn (kp_permit_withdraw_refusal) */
	rc = kp_db_run(c, "UPDATE permits SET status = ?, status_reason = ?, status_at = ? WHERE id = ? AND status = ?",
	               KP_PARAMS(KV_TEXT(new_status), KV_TEXT(reason), KV_INT(kp_now()), KV_TEXT(id),
	                         KV_TEXT(kp_permit_status_name(KP_PERMIT_ISSUED))),
	               &changed);
	if (rc != KP_DB_OK)
		return rc;
	if (changed != 1) { /* used at a border meanwhile */
		*why = "PERMIT_USED";
		return KP_DB_CONFLICT;
	}
	after = before;
	after.status = new_status;
	after.status_reason = reason;
	/* ours (signed here, whether applied for or issued by the ministry): tell the verifier */
	if (before.kid && (rc = kp_store_outbox_permit_revoked(c, &before)) != KP_DB_OK)
		return rc;
	bool revoked = kp_permit_status_parse(new_status) == KP_PERMIT_REVOKED;
	const char *act = kp_permit_withdrawal_act(new_status);
	if ((rc = kp_tlog_permit(c, act, &after, reason)) != KP_DB_OK)
		return rc;
	if (before.org_id &&
	    (rc = kp_store_notify_permit(c, revoked ? KP_NOTICE_PERMIT_REVOKED : KP_NOTICE_PERMIT_RETURNED, id,
	                                 before.application_id, before.org_id, reason, kp_now_ms())) != KP_DB_OK)
		return rc;
	return kp_store_audit_json(c, who, act, "permit", id, kp_store_permit_snapshot(&before),
	                           kp_store_permit_snapshot(&after));
}

int kp_store_permit_withdraw(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const char *id, const char *new_status,
                             const char *reason, const char **why)
{
	*why = NULL;
	int rc = kp_store_begin(c);
	return rc != KP_DB_OK ? rc : kp_store_end(c, withdraw_tx(c, a, who, id, new_status, reason, why));
}

static void activity_from_row(const kp_rows_t *r, int i, kp_activity_row_t *x)
{
	x->id = kp_rows_int(r, i, 0);
	x->permit_id = kp_rows_text(r, i, 1);
	x->type = kp_rows_text(r, i, 2);
	x->country = kp_rows_text(r, i, 3);
	x->at = kp_rows_int(r, i, 4);
	x->checkpoint = kp_rows_text(r, i, 5);
	x->details = kp_rows_text(r, i, 6);
	x->recorded_by = kp_rows_int(r, i, 7);
}

int kp_store_permit_activities(kp_conn_t *c, kp_arena_t *a, const char *permit_id, kp_activity_row_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id, permit_id, activity_type, country, at, checkpoint, details, recorded_by"
	                    " FROM permit_activities WHERE permit_id = ? ORDER BY at, id",
	                    KP_PARAMS(KV_TEXT(permit_id)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_activity_row_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		activity_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

/* Check the new activity against the earlier ones (domain rules) under the permit's lock. */
static int activity_allowed(kp_conn_t *c, kp_arena_t *a, const kp_permit_t *p, const kp_activity_row_t *act,
                            bool *used_up, const char **why)
{
	kp_permit_type_t type;
	kp_activity_row_t *rows;
	int n;
	int rc = kp_store_permit_type_get(c, a, p->type, &type);
	if (rc == KP_DB_OK)
		rc = kp_store_permit_activities(c, a, p->id, &rows, &n);
	if (rc != KP_DB_OK)
		return rc;
	kp_activity_t *earlier = kp_arena_zalloc(a, sizeof(kp_activity_t) * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		earlier[i] = (kp_activity_t){rows[i].type, rows[i].country, rows[i].at};
		if (act->at < rows[i].at) {
			*why = "ACTIVITY_OUT_OF_ORDER"; /* history must read in time order */
			return KP_DB_OK;
		}
	}
	if (act->at < p->issued_at - KP_CLOCK_SKEW) {
		*why = "ACTIVITY_BEFORE_ISSUE";
		return KP_DB_OK;
	}
	kp_activity_t next = {act->type, act->country, act->at};
	*why = kp_permit_activity_check(&type, p->issuer, earlier, n, &next, used_up);
	return KP_DB_OK;
}

int kp_store_permit_activity_add_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_activity_row_t *act,
                                    const char **why)
{
	kp_permit_t p;
	bool used_up = false;
	/* Lock the permit first: activities on one permit are decided one at a time. */
	int rc = kp_db_run(c, "UPDATE permits SET status = status WHERE id = ?", KP_PARAMS(KV_TEXT(act->permit_id)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_permit_get(c, a, act->permit_id, &p);
	if (rc != KP_DB_OK)
		return rc;
	if ((*why = kp_permit_activity_refusal(p.status)) != NULL)
		return KP_DB_CONFLICT;
	if (p.used_up) { /* its trips are all made (a multilateral permit after its round trip) */
		*why = "PERMIT_USED";
		return KP_DB_CONFLICT;
	}
	if ((rc = activity_allowed(c, a, &p, act, &used_up, why)) != KP_DB_OK)
		return rc;
	if (*why)
		return KP_DB_CONFLICT;
	kp_rows_t r;
	rc = kp_db_exec(c, a, &r,
	                "INSERT INTO permit_activities (permit_id, activity_type, country, at, checkpoint, details,"
	                " recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                KP_PARAMS(KV_TEXT(act->permit_id), KV_TEXT(act->type), KV_TEXT(act->country), KV_INT(act->at),
	                          KV_TEXT(act->checkpoint), KV_TEXT(act->details),
	                          who && who->user_id ? KV_INT(who->user_id) : KV_NULL));
	if (rc != KP_DB_OK)
		return rc;
	act->id = kp_rows_int(&r, 0, 0);
	rc = kp_db_run(c, "UPDATE permits SET status = ?, used_up = ?, status_at = ? WHERE id = ?",
	               KP_PARAMS(KV_TEXT(kp_permit_status_name(KP_PERMIT_USED)), KV_INT(used_up || p.used_up),
	                         KV_INT(kp_now()), KV_TEXT(p.id)),
	               NULL);
	if (rc == KP_DB_OK) /* a partner's permit used at our border: PERMIT_USED to its issuer */
		rc = kp_store_outbox_permit_used(c, &p, act);
	if (rc == KP_DB_OK)
		rc = kp_tlog_permit_use(c, &p, act, used_up);
	if (rc != KP_DB_OK)
		return rc;
	return kp_store_audit_json(c, who, "permit.activity", "permit", p.id, NULL,
	                           json_pack("{s:s, s:s, s:I, s:s?, s:b}", "activity_type", act->type, "country",
	                                     act->country, "at", (json_int_t)act->at, "checkpoint", act->checkpoint,
	                                     "used_up", used_up));
}

int kp_store_permit_activity_add(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_activity_row_t *act,
                                 const char **why)
{
	*why = NULL;
	int rc = kp_store_begin(c);
	return rc != KP_DB_OK ? rc : kp_store_end(c, kp_store_permit_activity_add_tx(c, a, who, act, why));
}

int kp_store_usage_by_carrier(kp_conn_t *c, kp_arena_t *a, int year, kp_carrier_usage_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT org_id, MAX(company_name), verifier, year, type, COUNT(*),"
	                    " SUM(CASE WHEN status = '" KP_PERMIT_S_USED "' THEN 1 ELSE 0 END),"
	                    " SUM(CASE WHEN status = '" KP_PERMIT_S_RETURNED "' THEN 1 ELSE 0 END),"
	                    " SUM(CASE WHEN status = '" KP_PERMIT_S_REVOKED "' THEN 1 ELSE 0 END)"
	                    " FROM permits WHERE org_id IS NOT NULL AND (CAST(? AS BIGINT) = 0 OR year = ?)"
	                    " GROUP BY org_id, verifier, year, type ORDER BY 2, verifier, year, type",
	                    KP_PARAMS(KV_INT(year), KV_INT(year)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_carrier_usage_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		kp_carrier_usage_t *u = &(*out)[i];
		u->org_id = kp_rows_int(&r, i, 0);
		u->company_name = kp_rows_text(&r, i, 1);
		u->verifier = kp_rows_text(&r, i, 2);
		u->year = (int)kp_rows_int(&r, i, 3);
		u->type = (int)kp_rows_int(&r, i, 4);
		u->issued = kp_rows_int(&r, i, 5);
		u->used = kp_rows_int(&r, i, 6);
		u->returned = kp_rows_int(&r, i, 7);
		u->revoked = kp_rows_int(&r, i, 8);
	}
	return KP_DB_OK;
}
