/* rules.c: rule changes effective from a date, public holidays, audited (rules.h). */
#include "store/tlog_acts.h"
#include "store/rules.h"
#include "store/checkpoints.h"
#include "core/util.h"

#include <jansson.h>
#include <string.h>

/* Make one change real: the season or the weekly hours of its checkpoint. */
static int apply_change(kp_conn_t *c, const char *kind, const char *code, const char *payload)
{
	json_t *p = json_loads(payload, 0, NULL);
	int rc = p ? KP_DB_OK : KP_DB_ERR;
	if (rc == KP_DB_OK && strcmp(kind, "season") == 0) {
		rc = kp_db_run(c, "UPDATE checkpoints SET season_from = ?, season_to = ?, updated_at = ? WHERE code = ?",
		               KP_PARAMS(KV_TEXT(json_string_value(json_object_get(p, "from"))),
		                         KV_TEXT(json_string_value(json_object_get(p, "to"))), KV_INT(kp_now()), KV_TEXT(code)),
		               NULL);
	} else if (rc == KP_DB_OK) {
		rc = kp_db_run(c, "DELETE FROM checkpoint_hours WHERE checkpoint = ?", KP_PARAMS(KV_TEXT(code)), NULL);
		json_t *w;
		size_t i;
		json_array_foreach(json_object_get(p, "hours"), i, w)
		{
			if (rc != KP_DB_OK)
				break;
			rc = kp_db_run(c,
			               "INSERT INTO checkpoint_hours (checkpoint, side, kind, days, opens, closes)"
			               " VALUES (?, ?, ?, ?, ?, ?)",
			               KP_PARAMS(KV_TEXT(code), KV_TEXT(json_string_value(json_object_get(w, "side"))),
			                         KV_TEXT(json_string_value(json_object_get(w, "kind"))),
			                         KV_TEXT(json_string_value(json_object_get(w, "days"))),
			                         KV_TEXT(json_string_value(json_object_get(w, "opens"))),
			                         KV_TEXT(json_string_value(json_object_get(w, "closes")))),
			               NULL);
		}
		if (rc == KP_DB_OK)
			rc = kp_db_run(c, "UPDATE checkpoints SET updated_at = ? WHERE code = ?",
			               KP_PARAMS(KV_INT(kp_now()), KV_TEXT(code)), NULL);
	}
	json_decref(p);
	return rc;
}

/* Make one fee change real: the whole zone-fee table, or one ecotax fee, with its source. */
static int apply_fee_change(kp_conn_t *c, const char *kind, const char *payload, const char *source)
{
	json_t *p = json_loads(payload, 0, NULL);
	int rc = p ? KP_DB_OK : KP_DB_ERR;
	if (rc == KP_DB_OK && strcmp(kind, "zone_fees") == 0) {
		rc = kp_db_run(c, "DELETE FROM zone_fees", NULL, 0, NULL);
		json_t *row;
		size_t i;
		json_array_foreach(json_object_get(p, "items"), i, row)
		{
			if (rc != KP_DB_OK)
				break;
			rc = kp_db_run(c, "INSERT INTO zone_fees (max_zones, fee_som, source) VALUES (?, ?, ?)",
			               KP_PARAMS(KV_INT(json_integer_value(json_object_get(row, "max_zones"))),
			                         KV_INT(json_integer_value(json_object_get(row, "fee_som"))), KV_TEXT(source)),
			               NULL);
		}
	} else if (rc == KP_DB_OK) {
		rc = kp_db_run(c,
		               "INSERT INTO ecotax_fees (kind, fee_som, source) VALUES (?, ?, ?) ON CONFLICT (kind)"
		               " DO UPDATE SET fee_som = excluded.fee_som, source = excluded.source",
		               KP_PARAMS(KV_TEXT(json_string_value(json_object_get(p, "kind"))),
		                         KV_INT(json_integer_value(json_object_get(p, "fee_som"))), KV_TEXT(source)),
		               NULL);
	}
	json_decref(p);
	return rc;
}

int kp_store_zone_fee_source(kp_conn_t *c, kp_arena_t *a, const char **source)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT source FROM zone_fees ORDER BY max_zones LIMIT 1", NULL, 0);
	*source = rc == KP_DB_OK && r.nrows > 0 ? kp_rows_text(&r, 0, 0) : NULL;
	return rc;
}

/* One change made real: a fee change (no checkpoint) or a season or hours change (change
 * id), which cancels the bookings at hours the crossing no longer serves, as a closure does;
 * *cancelled counts them. */
static int apply_any(kp_conn_t *c, const kp_actor_t *who, bool fee, int64_t id, const char *kind, const char *code,
                     const char *payload, const char *source, int64_t now, int *cancelled)
{
	*cancelled = 0;
	if (fee)
		return apply_fee_change(c, kind, payload, source);
	int rc = apply_change(c, kind, code, payload);
	if (rc != KP_DB_OK)
		return rc;
	kp_arena_t a;
	kp_arena_init(&a);
	const char *reason = kp_arena_printf(&a, "%s (%s)",
	                                     strcmp(kind, "season") == 0 ? "the crossing's open season changed"
	                                                                 : "the crossing's opening hours changed",
	                                     source ? source : "");
	rc = kp_store_schedule_cancel_bookings_tx(c, &a, who, code, id, reason, now, cancelled);
	kp_arena_cleanup(&a);
	return rc;
}

/* Record a change in fee_changes or rule_changes, applied at once when due by now; audited. */
static int change_add(kp_conn_t *c, const kp_actor_t *who, kp_rule_change_t *ch, int64_t now, bool fee)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	bool at_once = ch->effective_from <= now;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK) {
		kp_arena_cleanup(&a);
		return rc;
	}
	kp_val_t who_id = who && who->user_id ? KV_INT(who->user_id) : KV_NULL, applied = at_once ? KV_INT(now) : KV_NULL;
	if (fee)
		rc = kp_db_exec(c, &a, &r,
		                "INSERT INTO fee_changes (kind, payload, source, effective_from, created_by, created_at,"
		                " applied_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		                KP_PARAMS(KV_TEXT(ch->kind), KV_TEXT(ch->payload), KV_TEXT(ch->source),
		                          KV_INT(ch->effective_from), who_id, KV_INT(now), applied));
	else
		rc = kp_db_exec(c, &a, &r,
		                "INSERT INTO rule_changes (kind, checkpoint, payload, source, effective_from, created_by,"
		                " created_at, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		                KP_PARAMS(KV_TEXT(ch->kind), KV_TEXT(ch->checkpoint), KV_TEXT(ch->payload), KV_TEXT(ch->source),
		                          KV_INT(ch->effective_from), who_id, KV_INT(now), applied));
	if (rc == KP_DB_OK) {
		ch->id = kp_rows_int(&r, 0, 0);
		ch->applied_at = at_once ? now : 0;
		ch->created_at = now;
	}
	ch->bookings_cancelled = 0;
	if (rc == KP_DB_OK && at_once)
		rc = apply_any(c, who, fee, ch->id, ch->kind, ch->checkpoint, ch->payload, ch->source, now,
		               &ch->bookings_cancelled);
	if (rc == KP_DB_OK) { /* rule data is public: the change itself is the leaf */
		json_t *change = json_pack("{s:s, s:s?, s:o?, s:s?, s:I, s:b}", "kind", ch->kind, "checkpoint", ch->checkpoint,
		                           "payload", json_loads(ch->payload, 0, NULL), "source", ch->source, "effective_from",
		                           (json_int_t)ch->effective_from, "applied", at_once);
		rc = kp_tlog_rules(c, fee ? "fee_change" : "rule_change", fee ? ch->kind : ch->checkpoint, change);
		json_decref(change);
	}
	const char *action = fee ? (at_once ? "fee_change.apply" : "fee_change.schedule")
	                         : (at_once ? "rule_change.apply" : "rule_change.schedule");
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, action, fee ? "fee" : "checkpoint", fee ? ch->kind : ch->checkpoint, NULL,
		                         json_pack("{s:I, s:s, s:o, s:s, s:I}", "change_id", (json_int_t)ch->id, "kind",
		                                   ch->kind, "payload", json_loads(ch->payload, 0, NULL), "source", ch->source,
		                                   "effective_from", (json_int_t)ch->effective_from));
	rc = kp_store_end(c, rc);
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_fee_change_add(kp_conn_t *c, const kp_actor_t *who, kp_rule_change_t *ch, int64_t now)
{
	return change_add(c, who, ch, now, true);
}

int kp_store_rule_change_add(kp_conn_t *c, const kp_actor_t *who, kp_rule_change_t *ch, int64_t now)
{
	return change_add(c, who, ch, now, false);
}

/* Apply the due changes of one table, oldest first, each claimed and applied in its own
 * transaction (two instances loading at once apply it once). */
static int apply_due_in(kp_conn_t *c, int64_t now, bool fee)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = fee ? kp_db_exec(c, &a, &r,
	                          "SELECT id, kind, NULL, payload, source FROM fee_changes WHERE applied_at IS NULL"
	                          " AND effective_from <= ? ORDER BY effective_from, id",
	                          KP_PARAMS(KV_INT(now)))
	             : kp_db_exec(c, &a, &r,
	                          "SELECT id, kind, checkpoint, payload, source FROM rule_changes WHERE applied_at IS NULL"
	                          " AND effective_from <= ? ORDER BY effective_from, id",
	                          KP_PARAMS(KV_INT(now)));
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		int64_t id = kp_rows_int(&r, i, 0), changed = 0;
		rc = kp_store_begin(c);
		if (rc != KP_DB_OK)
			break;
		rc = fee ? kp_db_run(c, "UPDATE fee_changes SET applied_at = ? WHERE id = ? AND applied_at IS NULL",
		                     KP_PARAMS(KV_INT(now), KV_INT(id)), &changed)
		         : kp_db_run(c, "UPDATE rule_changes SET applied_at = ? WHERE id = ? AND applied_at IS NULL",
		                     KP_PARAMS(KV_INT(now), KV_INT(id)), &changed);
		const char *kind = kp_rows_text(&r, i, 1), *code = kp_rows_text(&r, i, 2);
		int cancelled = 0;
		if (rc == KP_DB_OK && changed == 1)
			rc = apply_any(c, NULL, fee, id, kind, code, kp_rows_text(&r, i, 3), kp_rows_text(&r, i, 4), now,
			               &cancelled);
		if (rc == KP_DB_OK && changed == 1)
			rc = kp_store_audit_json(c, NULL, fee ? "fee_change.apply" : "rule_change.apply",
			                         fee ? "fee" : "checkpoint", fee ? kind : code, NULL,
			                         json_pack("{s:I}", "change_id", (json_int_t)id));
		rc = kp_store_end(c, rc);
	}
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_rule_changes_apply_due(kp_conn_t *c, int64_t now)
{
	int rc = apply_due_in(c, now, false);
	return rc == KP_DB_OK ? apply_due_in(c, now, true) : rc;
}

int kp_store_rule_changes_next_due(kp_conn_t *c, int64_t *at)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_db_exec(c, &a, &r,
	                    "SELECT MIN(t) FROM (SELECT effective_from AS t FROM rule_changes WHERE applied_at IS NULL"
	                    " UNION ALL SELECT effective_from FROM fee_changes WHERE applied_at IS NULL) d",
	                    NULL, 0);
	*at = rc == KP_DB_OK && r.nrows == 1 && !kp_rows_isnull(&r, 0, 0) ? kp_rows_int(&r, 0, 0) : 0;
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_rule_changes(kp_conn_t *c, kp_arena_t *a, const char *checkpoint, int limit, kp_rule_change_t **out,
                          int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id, effective_from, created_at, applied_at, kind, checkpoint, payload, source"
	                    " FROM rule_changes WHERE CAST(? AS TEXT) IS NULL OR checkpoint = ?"
	                    " ORDER BY created_at DESC, id DESC LIMIT ?",
	                    KP_PARAMS(KV_TEXT(checkpoint), KV_TEXT(checkpoint), KV_INT(limit)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_rule_change_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*out)[i] = (kp_rule_change_t){kp_rows_int(&r, i, 0),
		                               kp_rows_int(&r, i, 1),
		                               kp_rows_int(&r, i, 2),
		                               kp_rows_isnull(&r, i, 3) ? 0 : kp_rows_int(&r, i, 3),
		                               kp_rows_text(&r, i, 4),
		                               kp_rows_text(&r, i, 5),
		                               kp_rows_text(&r, i, 6),
		                               kp_rows_text(&r, i, 7),
		                               0};
	return KP_DB_OK;
}

/* ---- public holidays ---- */

int kp_store_holidays(kp_conn_t *c, kp_arena_t *a, const char *country, int year, kp_holiday_row_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id, country, COALESCE(year, 0), month, day, name, source, name_ky, name_ru FROM public_holidays"
	                    " WHERE (CAST(? AS TEXT) IS NULL OR country = ?) AND (? = 0 OR year IS NULL OR year = ?)"
	                    " ORDER BY country, COALESCE(year, 0), month, day, id",
	                    KP_PARAMS(KV_TEXT(country), KV_TEXT(country), KV_INT(year), KV_INT(year)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_holiday_row_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*out)[i] = (kp_holiday_row_t){kp_rows_int(&r, i, 0),         kp_rows_text(&r, i, 1),
		                               kp_rows_text(&r, i, 5),        kp_rows_text(&r, i, 6),
		                               (int)kp_rows_int(&r, i, 2),    (int)kp_rows_int(&r, i, 3),
		                               (int)kp_rows_int(&r, i, 4),    kp_rows_text(&r, i, 7),
		                               kp_rows_text(&r, i, 8)};
	return KP_DB_OK;
}

int kp_store_holiday_add(kp_conn_t *c, const kp_actor_t *who, kp_holiday_row_t *h)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK) {
		kp_arena_cleanup(&a);
		return rc;
	}
	rc = kp_db_exec(c, &a, &r,
	                "SELECT id FROM public_holidays WHERE country = ? AND month = ? AND day = ?"
	                " AND (year IS NULL OR ? = 0 OR year = ?)",
	                KP_PARAMS(KV_TEXT(h->country), KV_INT(h->month), KV_INT(h->day), KV_INT(h->year), KV_INT(h->year)));
	if (rc == KP_DB_OK && r.nrows > 0)
		rc = KP_DB_CONFLICT;
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, &a, &r,
		                "INSERT INTO public_holidays (country, year, month, day, name, source, name_ky, name_ru)"
		                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		                KP_PARAMS(KV_TEXT(h->country), h->year ? KV_INT(h->year) : KV_NULL, KV_INT(h->month),
		                          KV_INT(h->day), KV_TEXT(h->name), KV_TEXT(h->source), KV_TEXT(h->name_ky),
		                          KV_TEXT(h->name_ru)));
	if (rc == KP_DB_OK) {
		h->id = kp_rows_int(&r, 0, 0);
		rc = kp_store_audit_id(c, who, "holiday.add", "public_holiday", h->id, NULL,
		                       json_pack("{s:s, s:i, s:i, s:i, s:s, s:s}", "country", h->country, "year", h->year,
		                                 "month", h->month, "day", h->day, "name", h->name, "source", h->source));
	}
	rc = kp_store_end(c, rc);
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_holiday_delete(kp_conn_t *c, const kp_actor_t *who, int64_t id)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK) {
		kp_arena_cleanup(&a);
		return rc;
	}
	rc = kp_db_one(c, &a, &r, "SELECT country, COALESCE(year, 0), month, day, name FROM public_holidays WHERE id = ?",
	               KP_PARAMS(KV_INT(id)));
	json_t *before = rc == KP_DB_OK ? json_pack("{s:s, s:I, s:I, s:I, s:s}", "country", kp_rows_text(&r, 0, 0), "year",
	                                            (json_int_t)kp_rows_int(&r, 0, 1), "month",
	                                            (json_int_t)kp_rows_int(&r, 0, 2), "day",
	                                            (json_int_t)kp_rows_int(&r, 0, 3), "name", kp_rows_text(&r, 0, 4))
	                                : NULL;
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "DELETE FROM public_holidays WHERE id = ?", KP_PARAMS(KV_INT(id)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "holiday.delete", "public_holiday", id, before, NULL);
	else
		json_decref(before);
	rc = kp_store_end(c, rc);
	kp_arena_cleanup(&a);
	return rc;
}
