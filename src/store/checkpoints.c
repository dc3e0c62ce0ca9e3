/* checkpoints.c: reading the whole checkpoint registry, ministry changes to a
 * checkpoint, and closures. */
#include "store/checkpoints.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

const char *const kp_flows[KP_FLOW_COUNT] = {"pedestrian", "car", "bus", "truck"};

int kp_flow_index(const char *flow)
{
	for (int i = 0; flow && i < KP_FLOW_COUNT; i++)
		if (strcmp(flow, kp_flows[i]) == 0)
			return i;
	return -1;
}

const kp_checkpoint_t *kp_cp_set_find(const kp_cp_set_t *set, const char *code)
{
	for (int i = 0; code && i < set->n; i++)
		if (strcmp(set->items[i].code, code) == 0)
			return &set->items[i];
	return NULL;
}

static kp_checkpoint_t *find_mut(kp_cp_set_t *set, const char *code)
{
	return (kp_checkpoint_t *)(uintptr_t)kp_cp_set_find(set, code);
}

static void checkpoint_from_row(const kp_rows_t *r, int i, kp_checkpoint_t *cp)
{
	const char **t[] = {&cp->code, &cp->country, &cp->neighbour, &cp->name_en, &cp->name_ru, &cp->name_ky,
	                    &cp->post_name, &cp->neighbour_post_name};
	for (size_t k = 0; k < KP_ARRAY_LEN(t); k++)
		*t[k] = kp_rows_text(r, i, (int)k);
	cp->lat = strtod(kp_rows_text(r, i, 8), NULL);
	cp->lon = strtod(kp_rows_text(r, i, 9), NULL);
	cp->modes_text = kp_rows_text(r, i, 10);
	cp->schedule.foreigners = kp_rows_int(r, i, 11) != 0;
	cp->permission = kp_rows_text(r, i, 12);
	cp->border_zone = kp_rows_text(r, i, 13);
	cp->holiday_rule = kp_rows_text(r, i, 14);
	cp->season_from = kp_rows_text(r, i, 15);
	cp->season_to = kp_rows_text(r, i, 16);
	cp->notes = kp_rows_text(r, i, 17);
	cp->updated_at = kp_rows_int(r, i, 18);
	cp->sources = kp_rows_text(r, i, 19);
	cp->permission_ky = kp_rows_text(r, i, 20);
	cp->permission_ru = kp_rows_text(r, i, 21);
	cp->post_name_ky = kp_rows_text(r, i, 22);
	cp->post_name_ru = kp_rows_text(r, i, 23);
	cp->neighbour_post_name_ky = kp_rows_text(r, i, 24);
	cp->neighbour_post_name_ru = kp_rows_text(r, i, 25);
	cp->notes_ky = kp_rows_text(r, i, 26);
	cp->notes_ru = kp_rows_text(r, i, 27);
	cp->border_zone_ky = kp_rows_text(r, i, 28);
	cp->border_zone_ru = kp_rows_text(r, i, 29);
	if (kp_modes_parse(cp->modes_text, &cp->schedule.modes) != 0)
		cp->schedule.modes = 0;
	cp->schedule.holiday_rule = strcmp(cp->holiday_rule, "both") == 0  ? KP_HOLIDAYS_BOTH
	                            : strcmp(cp->holiday_rule, "own") == 0 ? KP_HOLIDAYS_OWN
	                                                                   : KP_HOLIDAYS_NONE;
	if (cp->season_from && cp->season_to &&
	    (kp_cp_parse_mmdd(cp->season_from, &cp->schedule.season_from_m, &cp->schedule.season_from_d) != 0 ||
	     kp_cp_parse_mmdd(cp->season_to, &cp->schedule.season_to_m, &cp->schedule.season_to_d) != 0))
		cp->schedule.season_from_m = 0;
	for (int f = 0; f < KP_FLOW_COUNT; f++)
		cp->capacity[f] = -1;
}

static int load_checkpoints(kp_conn_t *c, kp_cp_set_t *set)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, &set->arena, &r,
	                    "SELECT code, country, neighbour, name_en, name_ru, name_ky, post_name, neighbour_post_name,"
	                    " lat, lon, modes, foreigners, permission, border_zone, holiday_rule, season_from, season_to,"
	                    " notes, updated_at, sources, permission_ky, permission_ru, post_name_ky, post_name_ru,"
	                    " neighbour_post_name_ky, neighbour_post_name_ru, notes_ky, notes_ru, border_zone_ky, border_zone_ru"
	                    " FROM checkpoints ORDER BY country, name_en",
	                    NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	set->n = r.nrows;
	set->items = kp_arena_zalloc(&set->arena, sizeof(kp_checkpoint_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		checkpoint_from_row(&r, i, &set->items[i]);
	/* each side's country and fixed UTC offset */
	rc = kp_db_exec(c, &set->arena, &r, "SELECT code, utc_offset_minutes FROM border_countries", NULL, 0);
	for (int i = 0; rc == KP_DB_OK && i < set->n; i++) {
		kp_checkpoint_t *cp = &set->items[i];
		const char *side[2] = {cp->country, cp->neighbour};
		for (int s = 0; s < 2; s++) {
			snprintf(cp->schedule.sides[s].country, 3, "%s", side[s]);
			for (int k = 0; k < r.nrows; k++)
				if (strcmp(kp_rows_text(&r, k, 0), side[s]) == 0)
					cp->schedule.sides[s].offset_minutes = (int)kp_rows_int(&r, k, 1);
		}
	}
	/* the offsets a country used before its current one (one change kept: the latest) */
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, &set->arena, &r,
		                "SELECT country, valid_until, offset_minutes FROM utc_offset_history ORDER BY valid_until", NULL, 0);
	for (int k = 0; rc == KP_DB_OK && k < r.nrows; k++)
		for (int i = 0; i < set->n; i++)
			for (int s = 0; s < 2; s++) {
				kp_cp_side_t *side = &set->items[i].schedule.sides[s];
				if (strcmp(side->country, kp_rows_text(&r, k, 0)) == 0) {
					side->offset_changed_at = kp_rows_int(&r, k, 1);
					side->offset_before = (int)kp_rows_int(&r, k, 2);
				}
			}
	return rc;
}

static int load_hours(kp_conn_t *c, kp_cp_set_t *set)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, &set->arena, &r,
	                    "SELECT checkpoint, side, kind, days, opens, closes FROM checkpoint_hours ORDER BY id", NULL, 0);
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		kp_checkpoint_t *cp = find_mut(set, kp_rows_text(&r, i, 0));
		if (cp == NULL)
			continue;
		kp_cp_side_t *side = strcmp(kp_rows_text(&r, i, 1), cp->country) == 0     ? &cp->schedule.sides[0]
		                     : strcmp(kp_rows_text(&r, i, 1), cp->neighbour) == 0 ? &cp->schedule.sides[1]
		                                                                           : NULL;
		int days = kp_cp_parse_days(kp_rows_text(&r, i, 3));
		int from = kp_cp_parse_hhmm(kp_rows_text(&r, i, 4)), to = kp_cp_parse_hhmm(kp_rows_text(&r, i, 5));
		if (side == NULL || days < 0 || from < 0 || to <= from || side->nwindows == KP_CP_MAX_WINDOWS)
			continue; /* the API never stores such rows */
		side->windows[side->nwindows++] =
		    (kp_cp_window_t){(unsigned char)days, (short)from, (short)to, strcmp(kp_rows_text(&r, i, 2), "break") == 0};
	}
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, &set->arena, &r, "SELECT checkpoint, flow, per_day FROM checkpoint_capacity", NULL, 0);
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		kp_checkpoint_t *cp = find_mut(set, kp_rows_text(&r, i, 0));
		int f = kp_flow_index(kp_rows_text(&r, i, 1));
		if (cp && f >= 0)
			cp->capacity[f] = kp_rows_int(&r, i, 2);
	}
	return rc;
}

static int load_calendar(kp_conn_t *c, kp_cp_set_t *set)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, &set->arena, &r,
	                    "SELECT id, checkpoint, starts_at, ends_at, reason, reason_ky, reason_ru FROM checkpoint_closures"
	                    " ORDER BY checkpoint, starts_at",
	                    NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	set->nclosures = r.nrows;
	set->closures = kp_arena_zalloc(&set->arena, sizeof(kp_cp_closure_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		set->closures[i] = (kp_cp_closure_t){kp_rows_int(&r, i, 0), kp_rows_int(&r, i, 2), kp_rows_int(&r, i, 3),
		                                     kp_rows_text(&r, i, 4), kp_rows_text(&r, i, 5), kp_rows_text(&r, i, 6)};
		kp_checkpoint_t *cp = find_mut(set, kp_rows_text(&r, i, 1));
		if (cp && cp->schedule.nclosures++ == 0)
			cp->schedule.closures = &set->closures[i];
	}
	rc = kp_db_exec(c, &set->arena, &r,
	                "SELECT country, year, month, day, name, name_ky, name_ru FROM public_holidays ORDER BY id", NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	set->nholidays = r.nrows;
	set->holidays = kp_arena_zalloc(&set->arena, sizeof(kp_holiday_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		kp_holiday_t *h = &set->holidays[i];
		snprintf(h->country, sizeof(h->country), "%s", kp_rows_text(&r, i, 0));
		h->year = (short)kp_rows_int(&r, i, 1);
		h->month = (signed char)kp_rows_int(&r, i, 2);
		h->day = (signed char)kp_rows_int(&r, i, 3);
		h->name = kp_rows_text(&r, i, 4);
		h->name_ky = kp_rows_text(&r, i, 5);
		h->name_ru = kp_rows_text(&r, i, 6);
	}
	for (int i = 0; i < set->n; i++) {
		set->items[i].schedule.holidays = set->holidays;
		set->items[i].schedule.nholidays = set->nholidays;
	}
	return KP_DB_OK;
}

int kp_store_checkpoints_load(kp_conn_t *c, kp_cp_set_t *set)
{
	int rc = load_checkpoints(c, set);
	if (rc == KP_DB_OK)
		rc = load_hours(c, set);
	if (rc == KP_DB_OK)
		rc = load_calendar(c, set);
	return rc;
}

static json_t *checkpoint_snapshot(kp_conn_t *c, kp_arena_t *a, const char *code, int *rc)
{
	kp_rows_t r;
	*rc = kp_db_one(c, a, &r,
	                "SELECT modes, foreigners, permission, notes, notes_ky, notes_ru FROM checkpoints WHERE code = ?",
	                KP_PARAMS(KV_TEXT(code)));
	if (*rc != KP_DB_OK)
		return NULL;
	json_t *j = json_pack("{s:s, s:b, s:s?, s:s?, s:s?, s:s?, s:{}}", "modes", kp_rows_text(&r, 0, 0), "foreigners",
	                      (int)kp_rows_int(&r, 0, 1), "permission", kp_rows_text(&r, 0, 2), "notes",
	                      kp_rows_text(&r, 0, 3), "notes_ky", kp_rows_text(&r, 0, 4), "notes_ru",
	                      kp_rows_text(&r, 0, 5), "capacity");
	*rc = kp_db_exec(c, a, &r, "SELECT flow, per_day FROM checkpoint_capacity WHERE checkpoint = ? ORDER BY flow",
	                 KP_PARAMS(KV_TEXT(code)));
	for (int i = 0; *rc == KP_DB_OK && i < r.nrows; i++)
		json_object_set_new(json_object_get(j, "capacity"), kp_rows_text(&r, i, 0), json_integer(kp_rows_int(&r, i, 1)));
	return j;
}

static int apply_change(kp_conn_t *c, const char *code, const kp_checkpoint_change_t *ch)
{
	int rc = kp_db_run(c,
	                   "UPDATE checkpoints SET modes = COALESCE(?, modes), notes = COALESCE(?, notes),"
	                   " permission = CASE WHEN ? = 1 THEN NULL ELSE COALESCE(?, permission) END,"
	                   " permission_ky = CASE WHEN ? = 1 OR ? = 1 THEN ? ELSE permission_ky END,"
	                   " permission_ru = CASE WHEN ? = 1 OR ? = 1 THEN ? ELSE permission_ru END,"
	                   " notes_ky = CASE WHEN ? = 1 THEN ? ELSE notes_ky END,"
	                   " notes_ru = CASE WHEN ? = 1 THEN ? ELSE notes_ru END,"
	                   " foreigners = CASE WHEN ? < 0 THEN foreigners ELSE ? END, updated_at = ? WHERE code = ?",
	                   KP_PARAMS(KV_TEXT(ch->modes), KV_TEXT(ch->notes), KV_INT(ch->clear_permission),
	                             KV_TEXT(ch->permission), KV_INT(ch->clear_permission), KV_INT(ch->permission != NULL),
	                             KV_TEXT(ch->clear_permission ? NULL : ch->permission_ky), KV_INT(ch->clear_permission),
	                             KV_INT(ch->permission != NULL), KV_TEXT(ch->clear_permission ? NULL : ch->permission_ru),
	                             KV_INT(ch->notes != NULL), KV_TEXT(ch->notes_ky), KV_INT(ch->notes != NULL),
	                             KV_TEXT(ch->notes_ru), KV_INT(ch->foreigners), KV_INT(ch->foreigners), KV_INT(kp_now()),
	                             KV_TEXT(code)),
	                   NULL);
	for (int f = 0; rc == KP_DB_OK && f < KP_FLOW_COUNT; f++) {
		if (ch->capacity[f] < 0)
			continue;
		rc = kp_db_run(c,
		               "INSERT INTO checkpoint_capacity (checkpoint, flow, per_day) VALUES (?, ?, ?)"
		               " ON CONFLICT (checkpoint, flow) DO UPDATE SET per_day = excluded.per_day",
		               KP_PARAMS(KV_TEXT(code), KV_TEXT(kp_flows[f]), KV_INT(ch->capacity[f])), NULL);
	}
	return rc;
}

int kp_store_checkpoint_update(kp_conn_t *c, const kp_actor_t *who, const char *code, const kp_checkpoint_change_t *ch)
{
	kp_arena_t a;
	kp_arena_init(&a);
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	/* Lock the row first: two changes at once are applied one after the other. */
	int64_t changed = 0;
	rc = kp_db_run(c, "UPDATE checkpoints SET code = code WHERE code = ?", KP_PARAMS(KV_TEXT(code)), &changed);
	if (rc == KP_DB_OK && changed == 0)
		rc = KP_DB_NOTFOUND;
	json_t *before = rc == KP_DB_OK ? checkpoint_snapshot(c, &a, code, &rc) : NULL;
	if (rc == KP_DB_OK)
		rc = apply_change(c, code, ch);
	json_t *after = rc == KP_DB_OK ? checkpoint_snapshot(c, &a, code, &rc) : NULL;
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, "checkpoint.update", "checkpoint", code, before, after);
	else {
		json_decref(before);
		json_decref(after);
	}
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_closure_add(kp_conn_t *c, const kp_actor_t *who, const char *code, int64_t from, int64_t to,
                         const char *reason, const char *reason_ky, const char *reason_ru, int64_t *id,
                         int *cancelled)
{
	int ncancelled = 0;
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	rc = kp_db_exec(c, &a, &r,
	                "INSERT INTO checkpoint_closures (checkpoint, starts_at, ends_at, reason, reason_ky, reason_ru,"
	                " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                KP_PARAMS(KV_TEXT(code), KV_INT(from), to ? KV_INT(to) : KV_NULL, KV_TEXT(reason), KV_TEXT(reason_ky),
	                          KV_TEXT(reason_ru), who && who->user_id ? KV_INT(who->user_id) : KV_NULL, KV_INT(kp_now())));
	if (rc == KP_DB_OK) {
		*id = kp_rows_int(&r, 0, 0);
		rc = kp_store_audit_json(c, who, "checkpoint.close", "checkpoint", code, NULL,
		                         json_pack("{s:I, s:I, s:I, s:s, s:s?, s:s?}", "closure_id", (json_int_t)*id, "from",
		                                   (json_int_t)from, "to", (json_int_t)to, "reason", reason, "reason_ky",
		                                   reason_ky, "reason_ru", reason_ru));
	}
	if (rc == KP_DB_OK)
		rc = kp_store_closure_cancel_bookings_tx(c, &a, who, code, from, to, *id, reason, kp_now(), &ncancelled);
	if (cancelled)
		*cancelled = rc == KP_DB_OK ? ncancelled : 0;
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_closure_lift(kp_conn_t *c, const kp_actor_t *who, const char *code, int64_t id, int64_t now)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	int64_t changed = 0;
	rc = kp_db_run(c,
	               "UPDATE checkpoint_closures SET ends_at = CASE WHEN ends_at IS NOT NULL AND ends_at < ? THEN ends_at"
	               " WHEN starts_at > ? THEN starts_at ELSE ? END WHERE id = ? AND checkpoint = ?",
	               KP_PARAMS(KV_INT(now), KV_INT(now), KV_INT(now), KV_INT(id), KV_TEXT(code)), &changed);
	if (rc == KP_DB_OK && changed == 0)
		rc = KP_DB_NOTFOUND;
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, "checkpoint.reopen", "checkpoint", code, NULL,
		                         json_pack("{s:I, s:I}", "closure_id", (json_int_t)id, "at", (json_int_t)now));
	return kp_store_end(c, rc);
}
