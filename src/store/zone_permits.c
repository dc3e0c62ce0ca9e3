/* zone_permits.c: border-zone permit applications, their permits (one per person),
 * payment records, extension, cancellation and revocation, and checks at posts. */
#include "store/tlog_acts.h"
#include "domain/zone.h"
#include "domain/number.h"
#include "store/travellers.h"
#include "core/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define APP_COLUMNS \
	"a.id, a.user_id, a.date_from, a.date_to, a.valid_from, a.valid_until, a.fee_per_person, a.fee_total," \
	" a.created_at, a.zones, a.route, a.purpose, a.status, a.extended, p.currency, p.amount, p.reference," \
	" p.amount_som, p.paid_at, p.payer_id"
#define APP_FROM " FROM zone_applications a LEFT JOIN zone_payments p ON p.application_id = a.id"

static void app_from_row(const kp_rows_t *r, int i, kp_zone_app_t *o)
{
	memset(o, 0, sizeof(*o));
	o->id = kp_rows_int(r, i, 0);
	o->user_id = kp_rows_int(r, i, 1);
	o->date_from = kp_rows_int(r, i, 2);
	o->date_to = kp_rows_int(r, i, 3);
	o->valid_from = kp_rows_int(r, i, 4);
	o->valid_until = kp_rows_int(r, i, 5);
	o->fee_per_person = kp_rows_int(r, i, 6);
	o->fee_total = kp_rows_int(r, i, 7);
	o->created_at = kp_rows_int(r, i, 8);
	o->zones = kp_rows_text(r, i, 9);
	o->route = kp_rows_text(r, i, 10);
	o->purpose = kp_rows_text(r, i, 11);
	o->status = kp_rows_text(r, i, 12);
	o->extended = kp_rows_int(r, i, 13) != 0;
	o->pay_currency = kp_rows_text(r, i, 14);
	o->pay_amount = kp_rows_text(r, i, 15);
	o->pay_reference = kp_rows_text(r, i, 16);
	o->pay_amount_som = kp_rows_int(r, i, 17);
	o->paid_at = kp_rows_int(r, i, 18);
	o->payer_id = kp_rows_int(r, i, 19);
}

#define PERMIT_COLUMNS \
	"id, application_id, passport_expiry, created_at, surname, given_names, nationality, passport_number, status," \
	" status_reason, credential, kid"

static void permit_from_row(const kp_rows_t *r, int i, kp_zone_permit_t *o)
{
	o->id = kp_rows_int(r, i, 0);
	o->application_id = kp_rows_int(r, i, 1);
	o->passport_expiry = kp_rows_int(r, i, 2);
	o->created_at = kp_rows_int(r, i, 3);
	o->surname = kp_rows_text(r, i, 4);
	o->given_names = kp_rows_text(r, i, 5);
	o->nationality = kp_rows_text(r, i, 6);
	o->passport_number = kp_rows_text(r, i, 7);
	o->status = kp_rows_text(r, i, 8);
	o->status_reason = kp_rows_text(r, i, 9);
	o->credential = kp_rows_text(r, i, 10);
	o->kid = kp_rows_text(r, i, 11);
}

static json_t *app_snapshot(const kp_zone_app_t *x)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:I, s:s, s:b}", "id", (json_int_t)x->id, "date_from",
	                 (json_int_t)x->date_from, "date_to", (json_int_t)x->date_to, "valid_from",
	                 (json_int_t)x->valid_from, "valid_until", (json_int_t)x->valid_until, "zones", x->zones, "route",
	                 x->route, "fee_total", (json_int_t)x->fee_total, "status", x->status, "extended", x->extended);
}

static json_t *person_snapshot(const kp_zone_permit_t *p)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)p->id, "surname", p->surname,
	                 "given_names", p->given_names, "nationality", p->nationality, "passport_number",
	                 p->passport_number, "passport_expiry", (json_int_t)p->passport_expiry, "status", p->status);
}

static int insert_app(kp_conn_t *c, kp_arena_t *a, kp_zone_app_t *x)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "INSERT INTO zone_applications (user_id, date_from, date_to, valid_from, valid_until, zones,"
	                    " route, purpose, fee_per_person, fee_total, status, extended, created_at)"
	                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) RETURNING id",
	                    KP_PARAMS(KV_INT(x->user_id), KV_INT(x->date_from), KV_INT(x->date_to), KV_INT(x->valid_from),
	                              KV_INT(x->valid_until), KV_TEXT(x->zones), KV_TEXT(x->route), KV_TEXT(x->purpose),
	                              KV_INT(x->fee_per_person), KV_INT(x->fee_total), KV_TEXT(x->status),
	                              KV_INT(x->created_at)));
	if (rc == KP_DB_OK)
		x->id = kp_rows_int(&r, 0, 0);
	return rc;
}

int kp_store_zone_apply(kp_conn_t *c, const kp_actor_t *who, kp_zone_app_t *x, kp_zone_permit_t *people, int n)
{
	kp_arena_t a;
	kp_arena_init(&a);
	x->status = kp_zone_app_status_name(KP_ZONE_APP_AWAITING_PAYMENT);
	x->extended = false;
	x->created_at = kp_now();
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	rc = insert_app(c, &a, x);
	json_t *snap = json_array();
	for (int i = 0; rc == KP_DB_OK && i < n; i++) {
		kp_zone_permit_t *p = &people[i];
		kp_rows_t r;
		p->application_id = x->id;
		p->status = kp_zone_permit_status_name(KP_ZONE_PERMIT_AWAITING_PAYMENT);
		p->created_at = x->created_at;
		rc = kp_db_exec(c, &a, &r,
		                "INSERT INTO zone_permits (application_id, surname, given_names, nationality, passport_number,"
		                " passport_expiry, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		                KP_PARAMS(KV_INT(x->id), KV_TEXT(p->surname), KV_TEXT(p->given_names), KV_TEXT(p->nationality),
		                          KV_TEXT(p->passport_number), KV_INT(p->passport_expiry), KV_TEXT(p->status),
		                          KV_INT(p->created_at)));
		if (rc == KP_DB_OK) {
			p->id = kp_rows_int(&r, 0, 0);
			json_array_append_new(snap, person_snapshot(p));
		}
	}
	json_t *after = app_snapshot(x);
	json_object_set_new(after, "travellers", snap);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "zone_application.create", "zone_application", x->id, NULL, after);
	else
		json_decref(after);
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}

static int permits_of(kp_conn_t *c, kp_arena_t *a, int64_t app_id, kp_zone_permit_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT " PERMIT_COLUMNS " FROM zone_permits WHERE application_id = ? ORDER BY id",
	                    KP_PARAMS(KV_INT(app_id)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_zone_permit_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		permit_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_zone_app_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_zone_app_t *out, kp_zone_permit_t **permits,
                          int *n)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " APP_COLUMNS APP_FROM " WHERE a.id = ?", KP_PARAMS(KV_INT(id)));
	if (rc != KP_DB_OK)
		return rc;
	app_from_row(&r, 0, out);
	return permits ? permits_of(c, a, id, permits, n) : KP_DB_OK;
}

/* Kept by hand: clang-format would split the literals around KP_LIKE mid-word. */
/* clang-format off */
#define APP_WHERE                                                                                                  \
	" WHERE (CAST(? AS BIGINT) = 0 OR a.user_id = ?) AND (CAST(? AS TEXT) IS NULL OR"                               \
	KP_LIKE("CAST(a.id AS TEXT)") " OR" KP_LIKE("a.purpose") " OR" KP_LIKE("a.zones")                              \
	" OR a.id IN (SELECT application_id FROM zone_permits WHERE" KP_LIKE("surname") " OR" KP_LIKE("given_names")  \
	" OR" KP_LIKE("passport_number") "))"
/* clang-format on */

int kp_store_zone_app_list(kp_conn_t *c, kp_arena_t *a, int64_t user_id, const kp_page_t *page, kp_zone_app_t **out,
                           int *n, int64_t *total)
{
	const char *like = kp_page_pattern(a, page);
	kp_rows_t r;
	int rc = kp_page_query(c, a, "SELECT COUNT(*) FROM zone_applications a" APP_WHERE,
	                       "SELECT " APP_COLUMNS APP_FROM APP_WHERE " ORDER BY a.id DESC LIMIT ? OFFSET ?",
	                       KP_PARAMS(KV_INT(user_id), KV_INT(user_id), KV_TEXT(like), KV_TEXT(like), KV_TEXT(like),
	                                 KV_TEXT(like), KV_TEXT(like), KV_TEXT(like), KV_TEXT(like)),
	                       page, &r, total);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_zone_app_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		app_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_zone_permit_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_zone_permit_t *out, kp_zone_app_t *app)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " PERMIT_COLUMNS " FROM zone_permits WHERE id = ?", KP_PARAMS(KV_INT(id)));
	if (rc != KP_DB_OK)
		return rc;
	permit_from_row(&r, 0, out);
	return app ? kp_store_zone_app_get(c, a, out->application_id, app, NULL, NULL) : KP_DB_OK;
}

/* Take the application's row lock (PostgreSQL; SQLite's BEGIN IMMEDIATE already
 * serialises writers) and read it. */
static int lock_app(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_zone_app_t *out, kp_zone_permit_t **permits, int *n)
{
	int rc = kp_db_run(c, "UPDATE zone_applications SET status = status WHERE id = ?", KP_PARAMS(KV_INT(id)), NULL);
	return rc == KP_DB_OK ? kp_store_zone_app_get(c, a, id, out, permits, n) : rc;
}

/* lock_app, then whether action may move the application: KP_DB_CONFLICT with *status its
 * state when not. */
static int lock_app_for(kp_conn_t *c, kp_arena_t *a, int64_t id, enum kp_zone_action action, kp_zone_app_t *out,
                        kp_zone_permit_t **permits, int *n, const char **status)
{
	int rc = lock_app(c, a, id, out, permits, n);
	if (rc == KP_DB_OK && kp_zone_app_next(out->status, action) < 0) {
		*status = out->status;
		rc = KP_DB_CONFLICT;
	}
	return rc;
}

/* Sign every permit of the application that action (pay, extend) makes active and store it
 * with the status the move table gives. */
static int sign_all(kp_conn_t *c, kp_arena_t *a, const kp_zone_app_t *x, kp_zone_permit_t *ps, int n,
                    enum kp_zone_action action, const kp_zone_signer_t *signer)
{
	int rc = KP_DB_OK;
	for (int i = 0; rc == KP_DB_OK && i < n; i++) {
		const char *to = kp_zone_permit_status_name(kp_zone_permit_next(ps[i].status, action));
		if (to == NULL)
			continue; /* revoked or cancelled: not signed again */
		ps[i].status = to;
		const char *cred, *kid;
		if (signer->sign(signer->ctx, a, x, &ps[i], &cred, &kid) != 0)
			return KP_DB_ERR;
		rc = kp_db_run(c, "UPDATE zone_permits SET status = ?, credential = ?, kid = ? WHERE id = ?",
		               KP_PARAMS(KV_TEXT(to), KV_TEXT(cred), KV_TEXT(kid), KV_INT(ps[i].id)), NULL);
	}
	return rc;
}

int kp_store_zone_pay(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t app_id, const kp_zone_payment_t *pay,
                      const kp_zone_signer_t *signer, const char **status)
{
	kp_zone_app_t x;
	kp_zone_permit_t *ps;
	int n;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = lock_app_for(c, a, app_id, KP_ZONE_PAY, &x, &ps, &n, status);
	int64_t now = kp_now();
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "INSERT INTO zone_payments (application_id, payer_id, amount_som, currency, amount, reference,"
		               " paid_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		               KP_PARAMS(KV_INT(app_id), who->user_id ? KV_INT(who->user_id) : KV_NULL, KV_INT(pay->amount_som),
		                         KV_TEXT(pay->currency), KV_TEXT(pay->amount), KV_TEXT(pay->reference), KV_INT(now)),
		               NULL);
	const char *paid = rc == KP_DB_OK ? kp_zone_app_status_name(kp_zone_app_next(x.status, KP_ZONE_PAY)) : NULL;
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE zone_applications SET status = ? WHERE id = ?",
		               KP_PARAMS(KV_TEXT(paid), KV_INT(app_id)), NULL);
	if (rc == KP_DB_OK)
		rc = sign_all(c, a, &x, ps, n, KP_ZONE_PAY, signer);
	for (int i = 0; rc == KP_DB_OK && i < n; i++)
		rc = kp_tlog_zone_permit(c, "zone_permit.issue", &x, &ps[i], NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "zone_application.pay", "zone_application", app_id,
		                       json_pack("{s:s}", "status", x.status),
		                       json_pack("{s:s, s:I, s:s, s:s, s:s, s:I}", "status", paid, "amount_som",
		                                 (json_int_t)pay->amount_som, "currency", pay->currency, "amount", pay->amount,
		                                 "reference", pay->reference, "paid_at", (json_int_t)now));
	return kp_store_end(c, rc);
}

int kp_store_zone_extend(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, int64_t app_id, int64_t new_until,
                         int64_t today, int max_months, const kp_zone_signer_t *signer, int *ext, const char **status)
{
	kp_zone_app_t x;
	kp_zone_permit_t *ps;
	int n;
	*ext = KP_ZONE_EXT_OK;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = lock_app_for(c, a, app_id, KP_ZONE_EXTEND, &x, &ps, &n, status);
	if (rc == KP_DB_OK &&
	    (*ext = kp_zone_extension_check(x.valid_from, x.valid_until, x.extended, new_until, today, max_months)) != 0)
		rc = KP_DB_CONFLICT;
	int64_t before = x.valid_until;
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE zone_applications SET valid_until = ?, extended = 1 WHERE id = ? AND extended = 0",
		               KP_PARAMS(KV_INT(new_until), KV_INT(app_id)), NULL);
	x.valid_until = new_until;
	x.extended = true;
	if (rc == KP_DB_OK)
		rc = sign_all(c, a, &x, ps, n, KP_ZONE_EXTEND, signer);
	for (int i = 0; rc == KP_DB_OK && i < n; i++)
		rc = kp_tlog_zone_permit(c, "zone_permit.extend", &x, &ps[i], NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "zone_application.extend", "zone_application", app_id,
		                       json_pack("{s:I, s:b}", "valid_until", (json_int_t)before, "extended", false),
		                       json_pack("{s:I, s:b}", "valid_until", (json_int_t)new_until, "extended", true));
	return kp_store_end(c, rc);
}

int kp_store_zone_cancel(kp_conn_t *c, const kp_actor_t *who, int64_t app_id)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_zone_app_t x;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	rc = lock_app(c, &a, app_id, &x, NULL, NULL);
	const char *to = NULL;
	if (rc == KP_DB_OK && (to = kp_zone_app_status_name(kp_zone_app_next(x.status, KP_ZONE_CANCEL))) == NULL)
		rc = KP_DB_CONFLICT;
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE zone_applications SET status = ? WHERE id = ?",
		               KP_PARAMS(KV_TEXT(to), KV_INT(app_id)), NULL);
	/* An application awaiting payment has only permits awaiting payment: cancelled with it. */
	const char *p_from = kp_zone_permit_status_name(KP_ZONE_PERMIT_AWAITING_PAYMENT);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "UPDATE zone_permits SET status = ? WHERE application_id = ? AND status = ?",
		               KP_PARAMS(KV_TEXT(kp_zone_permit_status_name(kp_zone_permit_next(p_from, KP_ZONE_CANCEL))),
		                         KV_INT(app_id), KV_TEXT(p_from)),
		               NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "zone_application.cancel", "zone_application", app_id,
		                       json_pack("{s:s}", "status", x.status), json_pack("{s:s}", "status", to));
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_zone_permit_revoke(kp_conn_t *c, const kp_actor_t *who, int64_t permit_id, const char *reason)
{
	int64_t changes = 0;
	/* Only an active permit is revoked (kp_zone_permit_next): the row is moved only from there. */
	const char *from = kp_zone_permit_status_name(KP_ZONE_PERMIT_ACTIVE);
	const char *to = kp_zone_permit_status_name(kp_zone_permit_next(from, KP_ZONE_REVOKE));
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c, "UPDATE zone_permits SET status = ?, status_reason = ? WHERE id = ? AND status = ?",
	               KP_PARAMS(KV_TEXT(to), KV_TEXT(reason), KV_INT(permit_id), KV_TEXT(from)), &changes);
	if (rc == KP_DB_OK && changes == 0)
		rc = KP_DB_CONFLICT;
	if (rc == KP_DB_OK) {
		kp_zone_permit_t p = {.id = permit_id};
		rc = kp_tlog_zone_permit(c, "zone_permit.revoke", NULL, &p, reason);
	}
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "zone_permit.revoke", "zone_permit", permit_id,
		                       json_pack("{s:s}", "status", from),
		                       json_pack("{s:s, s:s}", "status", to, "reason", reason));
	return kp_store_end(c, rc);
}

int kp_store_zone_permit_revoked_ids(kp_conn_t *c, kp_arena_t *a, const char *issuer, const char ***ids, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT id FROM zone_permits WHERE status IN " KP_ZONE_PERMIT_VOID_SQL " ORDER BY id",
	                    NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	const char **list = kp_arena_zalloc(a, sizeof(char *) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		char num[KP_NUMBER_MAX];
		kp_number_format(issuer, KP_NUMBER_ZONE, kp_rows_int(&r, i, 0), num);
		list[i] = kp_arena_strdup(a, num);
	}
	*ids = list;
	*n = r.nrows;
	return KP_DB_OK;
}

int kp_store_zone_check_add(kp_conn_t *c, const kp_actor_t *who, kp_zone_check_row_t *x)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	x->checked_at = kp_now();
	x->officer_id = who->user_id;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	rc = kp_db_exec(c, &a, &r,
	                "INSERT INTO zone_checks (permit_id, officer_id, place, zone, passport_number, valid, reasons,"
	                " checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                KP_PARAMS(x->permit_id ? KV_INT(x->permit_id) : KV_NULL,
	                          x->officer_id ? KV_INT(x->officer_id) : KV_NULL, KV_TEXT(x->place),
	                          x->zone ? KV_INT(x->zone) : KV_NULL, KV_TEXT(x->passport_number), KV_INT(x->valid),
	                          KV_TEXT(x->reasons), KV_INT(x->checked_at)));
	if (rc == KP_DB_OK) {
		x->id = kp_rows_int(&r, 0, 0);
		json_t *reasons = json_loads(x->reasons, 0, NULL);
		rc = kp_store_audit_id(c, who, "zone_permit.check", "zone_permit", x->permit_id, NULL,
		                       json_pack("{s:I, s:s?, s:i, s:b, s:o}", "check_id", (json_int_t)x->id, "place", x->place,
		                                 "zone", x->zone, "valid", x->valid, "reasons",
		                                 reasons ? reasons : json_array()));
	}
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_zone_checks(kp_conn_t *c, kp_arena_t *a, int64_t permit_id, kp_zone_check_row_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT k.id, k.permit_id, k.officer_id, k.checked_at, k.place, k.passport_number, k.reasons,"
	                    " u.username, k.zone, k.valid FROM zone_checks k LEFT JOIN users u ON u.id = k.officer_id"
	                    " WHERE k.permit_id = ? ORDER BY k.id",
	                    KP_PARAMS(KV_INT(permit_id)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_zone_check_row_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*out)[i] = (kp_zone_check_row_t){kp_rows_int(&r, i, 0),     kp_rows_int(&r, i, 1),  kp_rows_int(&r, i, 2),
		                                  kp_rows_int(&r, i, 3),     kp_rows_text(&r, i, 4), kp_rows_text(&r, i, 5),
		                                  kp_rows_text(&r, i, 6),    kp_rows_text(&r, i, 7), (int)kp_rows_int(&r, i, 8),
		                                  kp_rows_int(&r, i, 9) != 0};
	return KP_DB_OK;
}
