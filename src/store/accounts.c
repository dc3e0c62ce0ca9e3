/* accounts.c: organisations and users. */
#include "store/store.h"
#include "store/carrier_checks.h"
#include "core/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define ORG_COLUMNS \
	"id, kind, name, inn, address, contact_name, contact_phone, contact_email, licence_number," \
	" country, status, created_at"
#define USER_COLUMNS "id, org_id, username, role, full_name, email, phone, language, status, pw_hash, created_at"

static void org_from_row(const kp_rows_t *r, int i, kp_org_t *o)
{
	o->id = kp_rows_int(r, i, 0);
	o->kind = kp_rows_text(r, i, 1);
	o->name = kp_rows_text(r, i, 2);
	o->inn = kp_rows_text(r, i, 3);
	o->address = kp_rows_text(r, i, 4);
	o->contact_name = kp_rows_text(r, i, 5);
	o->contact_phone = kp_rows_text(r, i, 6);
	o->contact_email = kp_rows_text(r, i, 7);
	o->licence_number = kp_rows_text(r, i, 8);
	o->country = kp_rows_text(r, i, 9);
	o->status = kp_rows_text(r, i, 10);
	o->created_at = kp_rows_int(r, i, 11);
}

static void user_from_row(const kp_rows_t *r, int i, kp_user_t *u)
{
	u->id = kp_rows_int(r, i, 0);
	u->org_id = kp_rows_int(r, i, 1);
	u->username = kp_rows_text(r, i, 2);
	u->role = kp_rows_text(r, i, 3);
	u->full_name = kp_rows_text(r, i, 4);
	u->email = kp_rows_text(r, i, 5);
	u->phone = kp_rows_text(r, i, 6);
	u->language = kp_rows_text(r, i, 7);
	u->status = kp_rows_text(r, i, 8);
	u->pw_hash = kp_rows_text(r, i, 9);
	u->created_at = kp_rows_int(r, i, 10);
}

/* Audit snapshots: the stored fields, never the password hash. */
static json_t *org_snapshot(const kp_org_t *o)
{
	return json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "id", (json_int_t)o->id,
	                 "kind", o->kind, "name", o->name, "inn", o->inn, "address", o->address, "contact_name",
	                 o->contact_name, "contact_phone", o->contact_phone, "contact_email", o->contact_email,
	                 "licence_number", o->licence_number, "country", o->country, "status", o->status);
}

static json_t *user_snapshot(const kp_user_t *u)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?}", "id", (json_int_t)u->id, "org_id",
	                 (json_int_t)u->org_id, "username", u->username, "role", u->role, "full_name", u->full_name,
	                 "email", u->email, "phone", u->phone, "language", u->language, "status", u->status);
}

static int insert_org(kp_conn_t *c, const kp_actor_t *who, kp_org_t *o)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	if (o->created_at == 0)
		o->created_at = kp_now();
	if (o->status == NULL)
		o->status = KP_ACCOUNT_ACTIVE;
	if (o->country == NULL)
		o->country = "KG";
	int rc = kp_db_exec(c, &a, &r,
	                    "INSERT INTO organisations (kind, name, inn, address, contact_name, contact_phone,"
	                    " contact_email, licence_number, country, status, created_at)"
	                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                    KP_PARAMS(KV_TEXT(o->kind), KV_TEXT(o->name), KV_TEXT(o->inn), KV_TEXT(o->address),
	                              KV_TEXT(o->contact_name), KV_TEXT(o->contact_phone), KV_TEXT(o->contact_email),
	                              KV_TEXT(o->licence_number), KV_TEXT(o->country), KV_TEXT(o->status),
	                              KV_INT(o->created_at)));
	if (rc == KP_DB_OK) {
		o->id = kp_rows_int(&r, 0, 0);
		rc = kp_store_audit_id(c, who, "organisation.create", "organisation", o->id, NULL, org_snapshot(o));
	}
	kp_arena_cleanup(&a);
	return rc;
}

static int insert_user(kp_conn_t *c, const kp_actor_t *who, kp_user_t *u)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	if (u->created_at == 0)
		u->created_at = kp_now();
	if (u->status == NULL)
		u->status = KP_ACCOUNT_ACTIVE;
	if (u->language == NULL)
		u->language = "ru";
	int rc = kp_db_exec(c, &a, &r,
	                    "INSERT INTO users (org_id, username, role, full_name, email, phone, language, status,"
	                    " pw_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                    KP_PARAMS(u->org_id ? KV_INT(u->org_id) : KV_NULL, KV_TEXT(u->username), KV_TEXT(u->role),
	                              KV_TEXT(u->full_name), KV_TEXT(u->email), KV_TEXT(u->phone), KV_TEXT(u->language),
	                              KV_TEXT(u->status), KV_TEXT(u->pw_hash), KV_INT(u->created_at)));
	if (rc == KP_DB_OK) {
		u->id = kp_rows_int(&r, 0, 0);
		rc = kp_store_audit_id(c, who, "user.create", "user", u->id, NULL, user_snapshot(u));
	}
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_account_create(kp_conn_t *c, const kp_actor_t *who, kp_org_t *org, kp_user_t *user)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	if (org && (rc = insert_org(c, who, org)) == KP_DB_OK)
		user->org_id = org->id;
	/* a carrier that registers itself waits for the ministry's check before its first permit */
	if (rc == KP_DB_OK && org && strcmp(org->kind, "carrier") == 0)
		rc = kp_store_carrier_check_open(c, who, org->id);
	if (rc == KP_DB_OK)
		rc = insert_user(c, who, user);
	return kp_store_end(c, rc);
}

int kp_store_org_create(kp_conn_t *c, const kp_actor_t *who, kp_org_t *org)
{
	int rc = kp_store_begin(c);
	return rc != KP_DB_OK ? rc : kp_store_end(c, insert_org(c, who, org));
}

int kp_store_org_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_org_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " ORG_COLUMNS " FROM organisations WHERE id = ?", KP_PARAMS(KV_INT(id)));
	if (rc == KP_DB_OK)
		org_from_row(&r, 0, out);
	return rc;
}

int kp_store_org_by_inn(kp_conn_t *c, kp_arena_t *a, const char *inn, kp_org_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " ORG_COLUMNS " FROM organisations WHERE inn = ?", KP_PARAMS(KV_TEXT(inn)));
	if (rc == KP_DB_OK)
		org_from_row(&r, 0, out);
	return rc;
}

int kp_store_org_list(kp_conn_t *c, kp_arena_t *a, const char *kind, kp_org_t **out, int *n)
{
	kp_page_t all = {NULL, INT32_MAX, 0};
	int64_t total;
	return kp_store_org_page(c, a, kind, NULL, &all, out, n, &total);
}

/* Kept by hand: clang-format would split the literals around KP_LIKE mid-word. */
/* clang-format off */
#define ORG_WHERE                                                                                                  \
	" FROM organisations WHERE (CAST(? AS TEXT) IS NULL OR kind = ?) AND (CAST(? AS TEXT) IS NULL OR status = ?)" \
	" AND (CAST(? AS TEXT) IS NULL OR" KP_LIKE("name") " OR" KP_LIKE("COALESCE(inn, '')") " OR" KP_LIKE("COALESCE(licence_number, '')")               \
	" OR" KP_LIKE("COALESCE(contact_name, '')") ")"
/* clang-format on */

int kp_store_org_page(kp_conn_t *c, kp_arena_t *a, const char *kind, const char *status, const kp_page_t *page,
                      kp_org_t **out, int *n, int64_t *total)
{
	const char *like = kp_page_pattern(a, page);
	kp_rows_t r;
	int rc = kp_page_query(c, a, "SELECT COUNT(*)" ORG_WHERE,
	                       "SELECT " ORG_COLUMNS ORG_WHERE " ORDER BY name, id LIMIT ? OFFSET ?",
	                       KP_PARAMS(KV_TEXT(kind), KV_TEXT(kind), KV_TEXT(status), KV_TEXT(status), KV_TEXT(like),
	                                 KV_TEXT(like), KV_TEXT(like), KV_TEXT(like), KV_TEXT(like)),
	                       page, &r, total);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_org_t) * (size_t)(r.nrows ? r.nrows : 1));
	for (int i = 0; i < r.nrows; i++)
		org_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_user_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_user_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " USER_COLUMNS " FROM users WHERE id = ?", KP_PARAMS(KV_INT(id)));
	if (rc == KP_DB_OK)
		user_from_row(&r, 0, out);
	return rc;
}

int kp_store_user_by_name(kp_conn_t *c, kp_arena_t *a, const char *username, kp_user_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " USER_COLUMNS " FROM users WHERE username = ?", KP_PARAMS(KV_TEXT(username)));
	if (rc == KP_DB_OK)
		user_from_row(&r, 0, out);
	return rc;
}

int kp_store_user_list(kp_conn_t *c, kp_arena_t *a, int64_t org_id, kp_user_t **out, int *n)
{
	kp_page_t all = {NULL, INT32_MAX, 0};
	int64_t total;
	return kp_store_user_page(c, a, org_id, NULL, NULL, &all, out, n, &total);
}

/* Kept by hand: clang-format would split the literals around KP_LIKE mid-word. */
/* clang-format off */
#define USER_WHERE                                                                                                 \
	" FROM users WHERE (CAST(? AS BIGINT) = 0 OR org_id = ?) AND (CAST(? AS TEXT) IS NULL OR role = ?)"            \
	" AND (CAST(? AS TEXT) IS NULL OR status = ?) AND (CAST(? AS TEXT) IS NULL OR" KP_LIKE("username")            \
	" OR" KP_LIKE("COALESCE(full_name, '')") " OR" KP_LIKE("COALESCE(email, '')") ")"
/* clang-format on */

int kp_store_user_page(kp_conn_t *c, kp_arena_t *a, int64_t org_id, const char *role, const char *status,
                       const kp_page_t *page, kp_user_t **out, int *n, int64_t *total)
{
	const char *like = kp_page_pattern(a, page);
	kp_rows_t r;
	int rc = kp_page_query(c, a, "SELECT COUNT(*)" USER_WHERE,
	                       "SELECT " USER_COLUMNS USER_WHERE " ORDER BY username LIMIT ? OFFSET ?",
	                       KP_PARAMS(KV_INT(org_id), KV_INT(org_id), KV_TEXT(role), KV_TEXT(role), KV_TEXT(status),
	                                 KV_TEXT(status), KV_TEXT(like), KV_TEXT(like), KV_TEXT(like), KV_TEXT(like)),
	                       page, &r, total);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_user_t) * (size_t)(r.nrows ? r.nrows : 1));
	for (int i = 0; i < r.nrows; i++)
		user_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int64_t kp_store_user_count(kp_conn_t *c)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int64_t n = -1;
	if (kp_db_exec(c, &a, &r, "SELECT COUNT(*) FROM users", NULL, 0) == KP_DB_OK)
		n = kp_rows_int(&r, 0, 0);
	kp_arena_cleanup(&a);
	return n;
}

/* Update one column of a user with an audit row holding before and after. */
static int update_user(kp_conn_t *c, const kp_actor_t *who, int64_t user_id, const char *sql, const char *value,
                       const char *action)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_user_t before, after;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	if ((rc = kp_store_user_get(c, &a, user_id, &before)) == KP_DB_OK &&
	    (rc = kp_db_run(c, sql, KP_PARAMS(KV_TEXT(value), KV_INT(user_id)), NULL)) == KP_DB_OK &&
	    (rc = kp_store_user_get(c, &a, user_id, &after)) == KP_DB_OK)
		rc = kp_store_audit_id(c, who, action, "user", user_id, user_snapshot(&before), user_snapshot(&after));
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_user_set_password(kp_conn_t *c, const kp_actor_t *who, int64_t user_id, const char *pw_hash)
{
	return update_user(c, who, user_id, "UPDATE users SET pw_hash = ? WHERE id = ?", pw_hash, "user.password");
}

int kp_store_user_set_status(kp_conn_t *c, const kp_actor_t *who, int64_t user_id, const char *status)
{
	return update_user(c, who, user_id, "UPDATE users SET status = ? WHERE id = ?", status, "user.status");
}

int kp_store_org_set_status(kp_conn_t *c, const kp_actor_t *who, int64_t id, const char *status, const char *reason)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_org_t before, after;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	if ((rc = kp_store_org_get(c, &a, id, &before)) == KP_DB_OK &&
	    (rc = kp_db_run(c, "UPDATE organisations SET status = ? WHERE id = ?", KP_PARAMS(KV_TEXT(status), KV_INT(id)),
	                    NULL)) == KP_DB_OK) {
		after = before;
		after.status = status;
		json_t *snap = org_snapshot(&after);
		json_object_set_new(snap, "reason", json_string(reason));
		rc = kp_store_audit_id(c, who, "organisation.status", "organisation", id, org_snapshot(&before), snap);
	}
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}
