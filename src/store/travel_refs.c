/* travel_refs.c: reference data for travellers that the ministry keeps: zones and places,
 * zone-permit fees, currency rates, passport formats, stay rules, the customs union and
 * ecotax fees. */
#include "store/travellers.h"
#include "core/util.h"

#include <jansson.h>
#include <string.h>

int kp_store_zones(kp_conn_t *c, kp_arena_t *a, kp_border_zone_t **zones, int *nz, kp_place_row_t **places, int *np)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT code, region_en, region_ru, region_ky FROM border_zones ORDER BY code", NULL,
	                    0);
	if (rc != KP_DB_OK)
		return rc;
	*nz = r.nrows;
	*zones = kp_arena_zalloc(a, sizeof(kp_border_zone_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*zones)[i] = (kp_border_zone_t){(int)kp_rows_int(&r, i, 0), kp_rows_text(&r, i, 1), kp_rows_text(&r, i, 2),
		                                 kp_rows_text(&r, i, 3)};
	rc = kp_db_exec(c, a, &r,
	                "SELECT code, name_en, name_ru, name_ky, zone, post FROM zone_places ORDER BY zone, name_en", NULL,
	                0);
	if (rc != KP_DB_OK)
		return rc;
	*np = r.nrows;
	*places = kp_arena_zalloc(a, sizeof(kp_place_row_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*places)[i] = (kp_place_row_t){kp_rows_text(&r, i, 0), kp_rows_text(&r, i, 1),     kp_rows_text(&r, i, 2),
		                                kp_rows_text(&r, i, 3), (int)kp_rows_int(&r, i, 4), kp_rows_int(&r, i, 5) != 0};
	return KP_DB_OK;
}

int kp_store_place_put(kp_conn_t *c, const kp_actor_t *who, const kp_place_row_t *p)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c,
	               "INSERT INTO zone_places (code, zone, name_en, name_ru, name_ky, post) VALUES (?, ?, ?, ?, ?, ?)"
	               " ON CONFLICT (code) DO UPDATE SET zone = excluded.zone, name_en = excluded.name_en,"
	               " name_ru = excluded.name_ru, name_ky = excluded.name_ky, post = excluded.post",
	               KP_PARAMS(KV_TEXT(p->code), KV_INT(p->zone), KV_TEXT(p->name_en), KV_TEXT(p->name_ru),
	                         KV_TEXT(p->name_ky), KV_INT(p->post)),
	               NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, "zone_place.put", "zone_place", p->code, NULL,
		                         json_pack("{s:s, s:i, s:s, s:s, s:s, s:b}", "code", p->code, "zone", p->zone,
		                                   "name_en", p->name_en, "name_ru", p->name_ru, "name_ky", p->name_ky, "post",
		                                   p->post));
	return kp_store_end(c, rc);
}

int kp_store_zone_fees(kp_conn_t *c, kp_arena_t *a, kp_zone_fee_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT max_zones, fee_som FROM zone_fees ORDER BY max_zones", NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_zone_fee_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*out)[i] = (kp_zone_fee_t){(int)kp_rows_int(&r, i, 0), kp_rows_int(&r, i, 1)};
	return KP_DB_OK;
}

static json_t *fees_json(const kp_zone_fee_t *rows, int n)
{
	json_t *j = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(j, json_pack("{s:i, s:I}", "max_zones", rows[i].max_zones, "fee_som",
		                                   (json_int_t)rows[i].fee_som));
	return j;
}

int kp_store_zone_fees_set(kp_conn_t *c, const kp_actor_t *who, const kp_zone_fee_t *rows, int n)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_zone_fee_t *before;
	int nb;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	rc = kp_store_zone_fees(c, &a, &before, &nb);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "DELETE FROM zone_fees", NULL, 0, NULL);
	for (int i = 0; rc == KP_DB_OK && i < n; i++)
		rc = kp_db_run(c, "INSERT INTO zone_fees (max_zones, fee_som) VALUES (?, ?)",
		               KP_PARAMS(KV_INT(rows[i].max_zones), KV_INT(rows[i].fee_som)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, "zone_fees.set", "zone_fees", NULL, fees_json(before, nb), fees_json(rows, n));
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}

static void rate_from_row(const kp_rows_t *r, int i, kp_rate_t *o)
{
	*o = (kp_rate_t){kp_rows_text(r, i, 0), kp_rows_text(r, i, 1), kp_rows_int(r, i, 2),
	                 kp_rows_isnull(r, i, 3) ? -1 : kp_rows_int(r, i, 3), kp_rows_text(r, i, 4)};
}

int kp_store_rates(kp_conn_t *c, kp_arena_t *a, kp_rate_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT code, usd_per_unit, updated_at, rate_date, source FROM currency_rates ORDER BY code",
	                    NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_rate_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		rate_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_rate_get(kp_conn_t *c, kp_arena_t *a, const char *code, kp_rate_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r,
	                   "SELECT code, usd_per_unit, updated_at, rate_date, source FROM currency_rates WHERE code = ?",
	                   KP_PARAMS(KV_TEXT(code)));
	if (rc == KP_DB_OK)
		rate_from_row(&r, 0, out);
	return rc;
}

int kp_store_rate_put(kp_conn_t *c, const kp_actor_t *who, const kp_rate_t *rate)
{
	const char *code = rate->code, *usd_per_unit = rate->usd_per_unit;
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rate_t before;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	int had = kp_store_rate_get(c, &a, code, &before);
	rc = had == KP_DB_NOTFOUND ? KP_DB_OK : had;
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "INSERT INTO currency_rates (code, usd_per_unit, updated_at, rate_date, source) VALUES (?, ?, "
		               "?, ?, ?)"
		               " ON CONFLICT (code) DO UPDATE SET usd_per_unit = excluded.usd_per_unit,"
		               " updated_at = excluded.updated_at, rate_date = excluded.rate_date, source = excluded.source",
		               KP_PARAMS(KV_TEXT(code), KV_TEXT(usd_per_unit), KV_INT(kp_now()),
		                         rate->rate_date >= 0 ? KV_INT(rate->rate_date) : KV_NULL, KV_TEXT(rate->source)),
		               NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, "currency_rate.put", "currency_rate", code,
		                         had == KP_DB_OK ? json_pack("{s:s, s:s?}", "usd_per_unit", before.usd_per_unit,
		                                                     "source", before.source)
		                                         : NULL,
		                         json_pack("{s:s, s:I, s:s?}", "usd_per_unit", usd_per_unit, "rate_date",
		                                   (json_int_t)rate->rate_date, "source", rate->source));
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_passport_formats(kp_conn_t *c, kp_arena_t *a, kp_passport_format_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT nationality, pattern, example FROM passport_formats ORDER BY nationality",
	                    NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_passport_format_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*out)[i] = (kp_passport_format_t){kp_rows_text(&r, i, 0), kp_rows_text(&r, i, 1), kp_rows_text(&r, i, 2)};
	return KP_DB_OK;
}

int kp_store_passport_format_for(kp_conn_t *c, kp_arena_t *a, const char *nationality, kp_passport_format_t *out)
{
	kp_rows_t r;
	/* the nationality's own row sorts before '*' */
	int rc = kp_db_one(c, a, &r,
	                   "SELECT nationality, pattern, example FROM passport_formats WHERE nationality IN (?, '*')"
	                   " ORDER BY CASE WHEN nationality = '*' THEN 1 ELSE 0 END LIMIT 1",
	                   KP_PARAMS(KV_TEXT(nationality)));
	if (rc == KP_DB_OK)
		*out = (kp_passport_format_t){kp_rows_text(&r, 0, 0), kp_rows_text(&r, 0, 1), kp_rows_text(&r, 0, 2)};
	return rc;
}

int kp_store_passport_format_put(kp_conn_t *c, const kp_actor_t *who, const kp_passport_format_t *f)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c,
	               "INSERT INTO passport_formats (nationality, pattern, example) VALUES (?, ?, ?)"
	               " ON CONFLICT (nationality) DO UPDATE SET pattern = excluded.pattern, example = excluded.example",
	               KP_PARAMS(KV_TEXT(f->nationality), KV_TEXT(f->pattern), KV_TEXT(f->example)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, "passport_format.put", "passport_format", f->nationality, NULL,
		                         json_pack("{s:s, s:s}", "pattern", f->pattern, "example", f->example));
	return kp_store_end(c, rc);
}

#define STAY_COLUMNS \
	"id, destination, nationality, kind, days, window_days, note, valid_from, valid_to, rule_group, source"

static void stay_from_row(const kp_rows_t *r, int i, kp_stay_rule_row_t *o)
{
	*o = (kp_stay_rule_row_t){.id = kp_rows_int(r, i, 0),
	                          .destination = kp_rows_text(r, i, 1),
	                          .nationality = kp_rows_text(r, i, 2),
	                          .kind = kp_rows_text(r, i, 3),
	                          .days = (int)kp_rows_int(r, i, 4),
	                          .window = (int)kp_rows_int(r, i, 5),
	                          .note = kp_rows_text(r, i, 6),
	                          .valid_from = kp_rows_int(r, i, 7),
	                          .valid_to = kp_rows_isnull(r, i, 8) ? -1 : kp_rows_int(r, i, 8),
	                          .rule_group = kp_rows_text(r, i, 9),
	                          .source = kp_rows_text(r, i, 10)};
}

static int stay_rows(kp_rows_t *r, kp_arena_t *a, kp_stay_rule_row_t **out, int *n)
{
	*n = r->nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_stay_rule_row_t) * (size_t)(r->nrows + 1));
	for (int i = 0; i < r->nrows; i++)
		stay_from_row(r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_stay_rules(kp_conn_t *c, kp_arena_t *a, const char *destination, const char *nationality, int64_t on,
                        kp_stay_rule_row_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " STAY_COLUMNS
	                    " FROM stay_rule_periods WHERE (CAST(? AS TEXT) IS NULL OR destination = ?)"
	                    " AND (CAST(? AS TEXT) IS NULL OR nationality = ?)"
	                    " AND (CAST(? AS BIGINT) < 0 OR (valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)))"
	                    " ORDER BY destination, nationality, valid_from",
	                    KP_PARAMS(KV_TEXT(destination), KV_TEXT(destination), KV_TEXT(nationality),
	                              KV_TEXT(nationality), KV_INT(on), KV_INT(on), KV_INT(on)));
	return rc == KP_DB_OK ? stay_rows(&r, a, out, n) : rc;
}

int kp_store_stay_rule_periods(kp_conn_t *c, kp_arena_t *a, const char *destination, const char *nationality,
                               kp_stay_rule_row_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " STAY_COLUMNS
	                    " FROM stay_rule_periods WHERE destination = ? AND nationality IN (?, '*')"
	                    " ORDER BY CASE WHEN nationality = '*' THEN 1 ELSE 0 END, valid_from",
	                    KP_PARAMS(KV_TEXT(destination), KV_TEXT(nationality)));
	return rc == KP_DB_OK ? stay_rows(&r, a, out, n) : rc;
}

static json_t *stay_snapshot(const kp_stay_rule_row_t *s)
{
	return json_pack("{s:s, s:i, s:i, s:I, s:I, s:s?, s:s?, s:s?}", "kind", s->kind, "days", s->days, "window_days",
	                 s->window, "valid_from", (json_int_t)s->valid_from, "valid_to", (json_int_t)s->valid_to,
	                 "rule_group", s->rule_group, "source", s->source, "note", s->note);
}

int kp_store_stay_rule_put(kp_conn_t *c, const kp_actor_t *who, kp_stay_rule_row_t *s)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	kp_stay_rule_row_t *before = NULL;
	int nbefore = 0;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK) {
		kp_arena_cleanup(&a);
		return rc;
	}
	rc = kp_db_exec(c, &a, &r,
	                "SELECT " STAY_COLUMNS " FROM stay_rule_periods WHERE destination = ? AND nationality = ?"
	                " AND valid_from < ? AND (valid_to IS NULL OR valid_to >= ?)",
	                KP_PARAMS(KV_TEXT(s->destination), KV_TEXT(s->nationality), KV_INT(s->valid_from),
	                          KV_INT(s->valid_from)));
	if (rc == KP_DB_OK)
		stay_rows(&r, &a, &before, &nbefore);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c, "DELETE FROM stay_rule_periods WHERE destination = ? AND nationality = ? AND valid_from >= ?",
		               KP_PARAMS(KV_TEXT(s->destination), KV_TEXT(s->nationality), KV_INT(s->valid_from)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "UPDATE stay_rule_periods SET valid_to = ? WHERE destination = ? AND nationality = ?"
		               " AND valid_from < ? AND (valid_to IS NULL OR valid_to >= ?)",
		               KP_PARAMS(KV_INT(s->valid_from - 1), KV_TEXT(s->destination), KV_TEXT(s->nationality),
		                         KV_INT(s->valid_from), KV_INT(s->valid_from)),
		               NULL);
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, &a, &r,
		                "INSERT INTO stay_rule_periods (destination, nationality, valid_from, valid_to, kind, days,"
		                " window_days, rule_group, source, note, created_by, created_at)"
		                " VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		                KP_PARAMS(KV_TEXT(s->destination), KV_TEXT(s->nationality), KV_INT(s->valid_from),
		                          KV_TEXT(s->kind), KV_INT(s->days), KV_INT(s->window), KV_TEXT(s->rule_group),
		                          KV_TEXT(s->source), KV_TEXT(s->note),
		                          who && who->user_id ? KV_INT(who->user_id) : KV_NULL, KV_INT(kp_now())));
	if (rc == KP_DB_OK) {
		s->id = kp_rows_int(&r, 0, 0);
		s->valid_to = -1;
		char id[16];
		snprintf(id, sizeof(id), "%s/%s", s->destination, s->nationality);
		rc = kp_store_audit_json(c, who, "stay_rule.put", "stay_rule", id, nbefore ? stay_snapshot(&before[0]) : NULL,
		                         stay_snapshot(s));
	}
	rc = kp_store_end(c, rc);
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_union_members(kp_conn_t *c, kp_arena_t *a, const char ***out)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT country FROM customs_union ORDER BY country", NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	const char **list = kp_arena_zalloc(a, sizeof(char *) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		list[i] = kp_rows_text(&r, i, 0);
	*out = list;
	return KP_DB_OK;
}

int kp_store_ecotax_fee(kp_conn_t *c, kp_arena_t *a, const char *kind, int64_t *fee)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT fee_som FROM ecotax_fees WHERE kind = ?", KP_PARAMS(KV_TEXT(kind)));
	if (rc == KP_DB_OK)
		*fee = r.nrows ? kp_rows_int(&r, 0, 0) : -1;
	return rc;
}

int kp_store_ecotax_fees(kp_conn_t *c, kp_arena_t *a, kp_ecotax_fee_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT kind, fee_som, source FROM ecotax_fees ORDER BY fee_som", NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_ecotax_fee_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*out)[i] = (kp_ecotax_fee_t){kp_rows_text(&r, i, 0), kp_rows_int(&r, i, 1), kp_rows_text(&r, i, 2)};
	return KP_DB_OK;
}

int kp_store_ecotax_fee_put(kp_conn_t *c, const kp_actor_t *who, const char *kind, int64_t fee)
{
	kp_arena_t a;
	kp_arena_init(&a);
	int64_t before = -1;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	rc = kp_store_ecotax_fee(c, &a, kind, &before);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "INSERT INTO ecotax_fees (kind, fee_som) VALUES (?, ?)"
		               " ON CONFLICT (kind) DO UPDATE SET fee_som = excluded.fee_som, source = NULL",
		               KP_PARAMS(KV_TEXT(kind), KV_INT(fee)), NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, "ecotax_fee.put", "ecotax_fee", kind,
		                         before >= 0 ? json_pack("{s:I}", "fee_som", (json_int_t)before) : NULL,
		                         json_pack("{s:I}", "fee_som", (json_int_t)fee));
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}
