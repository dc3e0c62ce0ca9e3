/* authorities.c: partner authorities, their (and our) signing keys, permit types. */
#include "store/permits.h"
#include "store/tlog_acts.h"
#include "core/util.h"

#include <jansson.h>
#include <stdlib.h>

static void authority_from_row(const kp_rows_t *r, int i, kp_authority_t *o)
{
	o->code = kp_rows_text(r, i, 0);
	o->name = kp_rows_text(r, i, 1);
	o->api_url = kp_rows_text(r, i, 2);
	o->traceca = kp_rows_int(r, i, 3) != 0;
	o->kind = kp_rows_text(r, i, 4);
}

int kp_store_authority_list(kp_conn_t *c, kp_arena_t *a, kp_authority_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT code, name, api_url, traceca, kind FROM authorities ORDER BY code", NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_authority_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		authority_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_authority_get(kp_conn_t *c, kp_arena_t *a, const char *code, kp_authority_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT code, name, api_url, traceca, kind FROM authorities WHERE code = ?",
	                   KP_PARAMS(KV_TEXT(code)));
	if (rc == KP_DB_OK)
		authority_from_row(&r, 0, out);
	return rc;
}

int kp_store_authority_put(kp_conn_t *c, const kp_actor_t *who, const kp_authority_t *au)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c,
	               "INSERT INTO authorities (code, name, api_url, traceca, created_at, kind) VALUES (?, ?, ?, ?, ?, ?)"
	               " ON CONFLICT (code) DO UPDATE SET name = excluded.name, api_url = excluded.api_url,"
	               " traceca = excluded.traceca, kind = excluded.kind",
	               KP_PARAMS(KV_TEXT(au->code), KV_TEXT(au->name), KV_TEXT(au->api_url), KV_INT(au->traceca),
	                         KV_INT(kp_now()), KV_TEXT(au->kind ? au->kind : "country")),
	               NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, "authority.put", "authority", au->code, NULL,
		                         json_pack("{s:s, s:s, s:s?, s:b}", "code", au->code, "name", au->name, "api_url",
		                                   au->api_url, "traceca", au->traceca));
	return kp_store_end(c, rc);
}

int kp_store_key_add(kp_conn_t *c, const kp_actor_t *who, const kp_authority_key_t *k)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	rc = kp_db_run(c,
	               "INSERT INTO authority_keys (kid, authority, jwk, private_pem, created_at) VALUES (?, ?, ?, ?, ?)",
	               KP_PARAMS(KV_TEXT(k->kid), KV_TEXT(k->authority), KV_TEXT(k->jwk), KV_TEXT(k->private_pem),
	                         KV_INT(kp_now())),
	               NULL);
	if (rc == KP_DB_OK)
		rc = kp_tlog_key_change(c, "key.add", k->authority, k->kid, k->jwk);
	if (rc == KP_DB_OK)
		rc = kp_store_audit(c, who, "key.create", "authority_key", k->kid, NULL, k->jwk);
	return kp_store_end(c, rc);
}

#define KEY_COLUMNS "authority, kid, jwk, private_pem, created_at, revoked_at"

static void key_from_row(const kp_rows_t *r, int i, kp_authority_key_t *k)
{
	k->authority = kp_rows_text(r, i, 0);
	k->kid = kp_rows_text(r, i, 1);
	k->jwk = kp_rows_text(r, i, 2);
	k->private_pem = kp_rows_text(r, i, 3);
	k->created_at = kp_rows_int(r, i, 4);
	k->revoked_at = kp_rows_int(r, i, 5);
}

int kp_store_key_get(kp_conn_t *c, kp_arena_t *a, const char *authority, const char *kid, kp_authority_key_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " KEY_COLUMNS " FROM authority_keys WHERE authority = ? AND kid = ?",
	                   KP_PARAMS(KV_TEXT(authority), KV_TEXT(kid)));
	if (rc == KP_DB_OK)
		key_from_row(&r, 0, out);
	return rc;
}

int kp_store_key_list(kp_conn_t *c, kp_arena_t *a, const char *authority, kp_authority_key_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " KEY_COLUMNS " FROM authority_keys WHERE CAST(? AS TEXT) IS NULL OR authority = ?"
	                    " ORDER BY authority, created_at DESC, kid DESC",
	                    KP_PARAMS(KV_TEXT(authority), KV_TEXT(authority)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_authority_key_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		key_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

#define TYPE_COLUMNS \
	"code, name, valid_until_month, valid_until_day, min_euro_class, fee_som, holding_limit," \
	" review, entries_per_country, multilateral"

static void type_from_row(const kp_rows_t *r, int i, kp_permit_type_t *t)
{
	t->code = (int)kp_rows_int(r, i, 0);
	t->name = kp_rows_text(r, i, 1);
	t->valid_until_month = (int)kp_rows_int(r, i, 2);
	t->valid_until_day = (int)kp_rows_int(r, i, 3);
	t->min_euro_class = (int)kp_rows_int(r, i, 4);
	t->fee_som = kp_rows_int(r, i, 5);
	t->holding_limit = (int)kp_rows_int(r, i, 6);
	t->review = kp_rows_text(r, i, 7);
	t->entries_per_country = (int)kp_rows_int(r, i, 8);
	t->multilateral = kp_rows_int(r, i, 9) != 0;
}

int kp_store_permit_types(kp_conn_t *c, kp_arena_t *a, kp_permit_type_t out[KP_PERMIT_TYPE_MAX + 1])
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT " TYPE_COLUMNS " FROM permit_types ORDER BY code", NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	for (int i = 0; i <= KP_PERMIT_TYPE_MAX; i++)
		out[i].code = 0;
	for (int i = 0; i < r.nrows; i++) {
		kp_permit_type_t t;
		type_from_row(&r, i, &t);
		if (t.code >= 1 && t.code <= KP_PERMIT_TYPE_MAX)
			out[t.code] = t;
	}
	return KP_DB_OK;
}

int kp_store_permit_type_get(kp_conn_t *c, kp_arena_t *a, int code, kp_permit_type_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " TYPE_COLUMNS " FROM permit_types WHERE code = ?", KP_PARAMS(KV_INT(code)));
	if (rc == KP_DB_OK)
		type_from_row(&r, 0, out);
	return rc;
}

static json_t *type_snapshot(const kp_permit_type_t *t)
{
	return json_pack("{s:i, s:s, s:i, s:i, s:i, s:I, s:i, s:s, s:i, s:b}", "code", t->code, "name", t->name,
	                 "valid_until_month", t->valid_until_month, "valid_until_day", t->valid_until_day, "min_euro_class",
	                 t->min_euro_class, "fee_som", (json_int_t)t->fee_som, "holding_limit", t->holding_limit, "review",
	                 t->review, "entries_per_country", t->entries_per_country, "multilateral", t->multilateral);
}

int kp_store_permit_type_update(kp_conn_t *c, const kp_actor_t *who, const kp_permit_type_t *t)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_permit_type_t before;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	if ((rc = kp_store_permit_type_get(c, &a, t->code, &before)) == KP_DB_OK &&
	    (rc = kp_db_run(c,
	                    "UPDATE permit_types SET valid_until_month = ?, valid_until_day = ?, min_euro_class = ?,"
	                    " fee_som = ?, holding_limit = ?, review = ?, entries_per_country = ? WHERE code = ?",
	                    KP_PARAMS(KV_INT(t->valid_until_month), KV_INT(t->valid_until_day), KV_INT(t->min_euro_class),
	                              KV_INT(t->fee_som), KV_INT(t->holding_limit), KV_TEXT(t->review),
	                              KV_INT(t->entries_per_country), KV_INT(t->code)),
	                    NULL)) == KP_DB_OK) {
		char code[16];
		snprintf(code, sizeof(code), "%d", t->code);
		json_t *after = type_snapshot(t);
		rc = kp_tlog_rules(c, "permit_type", code, after);
		if (rc == KP_DB_OK)
			rc = kp_store_audit_id(c, who, "permit_type.update", "permit_type", t->code, type_snapshot(&before), after);
		else
			json_decref(after);
	}
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_authority_is_member(kp_conn_t *c, kp_arena_t *a, const char *organisation, const char *member, int64_t day,
                                 bool *out)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT 1 FROM authority_members WHERE organisation = ? AND member = ? AND from_day <= ?"
	                    " AND (to_day IS NULL OR to_day >= ?) LIMIT 1",
	                    KP_PARAMS(KV_TEXT(organisation), KV_TEXT(member), KV_INT(day), KV_INT(day)));
	*out = rc == KP_DB_OK && r.nrows == 1;
	return rc;
}

int kp_store_authority_members(kp_conn_t *c, kp_arena_t *a, const char *organisation, kp_authority_member_t **out,
                               int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT member, from_day, to_day, source FROM authority_members WHERE organisation = ?"
	                    " ORDER BY from_day, member",
	                    KP_PARAMS(KV_TEXT(organisation)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_authority_member_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		kp_authority_member_t *m = &(*out)[i];
		m->member = kp_rows_text(&r, i, 0);
		m->from_day = kp_rows_int(&r, i, 1);
		m->to_day = kp_rows_isnull(&r, i, 2) ? 0 : kp_rows_int(&r, i, 2);
		m->source = kp_rows_text(&r, i, 3);
	}
	return KP_DB_OK;
}

/* The body of kp_store_authority_member_add, inside its transaction. */
static int member_add_tx(kp_conn_t *c, const kp_actor_t *who, const char *organisation, const kp_authority_member_t *m)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	/* periods of one member never overlap: the rule in force on a day is one */
	int rc = kp_db_exec(c, &a, &r,
	                    "SELECT 1 FROM authority_members WHERE organisation = ? AND member = ?"
	                    " AND (to_day IS NULL OR to_day >= ?) AND (CAST(? AS BIGINT) = 0 OR from_day <= ?) LIMIT 1",
	                    KP_PARAMS(KV_TEXT(organisation), KV_TEXT(m->member), KV_INT(m->from_day), KV_INT(m->to_day),
	                              KV_INT(m->to_day)));
	if (rc == KP_DB_OK && r.nrows > 0)
		rc = KP_DB_CONFLICT;
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "INSERT INTO authority_members (organisation, member, from_day, to_day, source)"
		               " VALUES (?, ?, ?, ?, ?)",
		               KP_PARAMS(KV_TEXT(organisation), KV_TEXT(m->member), KV_INT(m->from_day),
		                         m->to_day ? KV_INT(m->to_day) : KV_NULL, KV_TEXT(m->source)),
		               NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, "authority.member_add", "authority", organisation, NULL,
		                         json_pack("{s:s, s:I, s:I, s:s}", "member", m->member, "from_day",
		                                   (json_int_t)m->from_day, "to_day", (json_int_t)m->to_day, "source",
		                                   m->source));
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_authority_member_add(kp_conn_t *c, const kp_actor_t *who, const char *organisation,
                                  const kp_authority_member_t *m)
{
	int rc = kp_store_begin(c);
	return rc != KP_DB_OK ? rc : kp_store_end(c, member_add_tx(c, who, organisation, m));
}
