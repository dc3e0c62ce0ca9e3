/* agencies.c: agencies, their members, subsystems, grants and webhook endpoints, the pull
 * feed and the X-Road request log (see agencies.h). Events and deliveries: deliveries.c. */
#include "store/agencies.h"
#include "core/util.h"
#include "domain/agency.h"

#include <string.h>

int kp_store_agency_member_may(kp_conn_t *c, int64_t user_id, const char *service, int64_t *agency_id, bool *granted)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	*agency_id = 0;
	*granted = false;
	int rc = kp_db_exec(c, &a, &r,
	                    "SELECT m.agency_id, (SELECT COUNT(*) FROM agency_grants g WHERE g.agency_id = m.agency_id"
	                    " AND g.subsystem_id IS NULL AND g.service = ? AND g.revoked_at IS NULL)"
	                    " FROM agency_members m WHERE m.user_id = ?",
	                    KP_PARAMS(KV_TEXT(service), KV_INT(user_id)));
	if (rc == KP_DB_OK && r.nrows) {
		*agency_id = kp_rows_int(&r, 0, 0);
		*granted = kp_rows_int(&r, 0, 1) > 0;
	}
	kp_arena_cleanup(&a);
	return rc;
}

static json_t *agency_snapshot(const kp_agency_t *ag)
{
	return json_pack("{s:s, s:s, s:s, s:s?, s:I}", "code", ag->code, "kind", ag->kind, "name", ag->name, "xroad_member",
	                 ag->xroad_member, "org_id", (json_int_t)ag->org_id);
}

int kp_store_agency_create(kp_conn_t *c, const kp_actor_t *who, kp_agency_t *ag)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	ag->created_at = kp_now();
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, &a, &r,
		                "INSERT INTO agencies (code, kind, name, xroad_member, org_id, created_at, exchange)"
		                " VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (code) DO UPDATE SET kind = excluded.kind,"
		                " name = excluded.name, xroad_member = excluded.xroad_member,"
		                " org_id = COALESCE(excluded.org_id, agencies.org_id), exchange = 1"
		                " WHERE agencies.exchange = 0 RETURNING id",
		                KP_PARAMS(KV_TEXT(ag->code), KV_TEXT(ag->kind), KV_TEXT(ag->name), KV_TEXT(ag->xroad_member),
		                          ag->org_id ? KV_INT(ag->org_id) : KV_NULL, KV_INT(ag->created_at)));
	if (rc == KP_DB_OK && r.nrows == 0)
		rc = KP_DB_CONFLICT; /* a border agency already has this code */
	if (rc == KP_DB_OK) {
		ag->id = kp_rows_int(&r, 0, 0);
		ag->exchange = true;
		rc = kp_store_audit_id(c, who, "agency.create", "agency", ag->id, NULL, agency_snapshot(ag));
	}
	rc = kp_store_end(c, rc);
	kp_arena_cleanup(&a);
	return rc;
}

#define AGENCY_COLUMNS \
	"id, code, kind, name, xroad_member, created_at, org_id, name_ru, name_ky, decides_steps, exchange"

static void agency_from_row(const kp_rows_t *r, int i, kp_agency_t *ag)
{
	ag->id = kp_rows_int(r, i, 0);
	ag->code = kp_rows_text(r, i, 1);
	ag->kind = kp_rows_text(r, i, 2);
	ag->name = kp_rows_text(r, i, 3);
	ag->xroad_member = kp_rows_text(r, i, 4);
	ag->created_at = kp_rows_int(r, i, 5);
	ag->org_id = kp_rows_int(r, i, 6);
	ag->name_ru = kp_rows_text(r, i, 7);
	ag->name_ky = kp_rows_text(r, i, 8);
	ag->decides_steps = kp_rows_int(r, i, 9) != 0;
	ag->exchange = kp_rows_int(r, i, 10) != 0;
}

int kp_store_agency_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_agency_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " AGENCY_COLUMNS " FROM agencies WHERE id = ?", KP_PARAMS(KV_INT(id)));
	if (rc == KP_DB_OK)
		agency_from_row(&r, 0, out);
	return rc;
}

int kp_store_agency_by_code(kp_conn_t *c, kp_arena_t *a, const char *code, kp_agency_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " AGENCY_COLUMNS " FROM agencies WHERE code = ?", KP_PARAMS(KV_TEXT(code)));
	if (rc == KP_DB_OK)
		agency_from_row(&r, 0, out);
	return rc;
}

int kp_store_agency_list(kp_conn_t *c, kp_arena_t *a, enum kp_agency_view view, kp_agency_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " AGENCY_COLUMNS " FROM agencies WHERE (? = 0 OR (? = 1 AND exchange = 1)"
	                    " OR (? = 2 AND decides_steps = 1)) ORDER BY code",
	                    KP_PARAMS(KV_INT(view), KV_INT(view), KV_INT(view)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_agency_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		agency_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_agency_window_put(kp_conn_t *c, const kp_actor_t *who, const kp_agency_t *ag)
{
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_db_run(c,
		               "INSERT INTO agencies (code, kind, name, name_ru, name_ky, org_id, created_at, decides_steps,"
		               " exchange) VALUES (?, 'service', ?, ?, ?, ?, ?, 1, 0) ON CONFLICT (code) DO UPDATE SET"
		               " name = excluded.name, name_ru = excluded.name_ru, name_ky = excluded.name_ky,"
		               " org_id = excluded.org_id, decides_steps = 1",
		               KP_PARAMS(KV_TEXT(ag->code), KV_TEXT(ag->name), KV_TEXT(ag->name_ru), KV_TEXT(ag->name_ky),
		                         ag->org_id ? KV_INT(ag->org_id) : KV_NULL, KV_INT(kp_now())),
		               NULL);
	if (rc == KP_DB_OK)
		rc = kp_store_audit_json(c, who, "window.agency", "agency", ag->code, NULL,
		                         json_pack("{s:I, s:s}", "org_id", (json_int_t)ag->org_id, "name_en", ag->name));
	return kp_store_end(c, rc);
}

/* One statement and its audit row as a transaction. */
static int run_audited(kp_conn_t *c, const kp_actor_t *who, const char *action, int64_t agency_id, json_t *detail,
                       const char *sql, const kp_val_t *params, int n, int64_t *changed)
{
	int64_t ch = 0;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK) {
		json_decref(detail);
		return rc;
	}
	rc = kp_db_run(c, sql, params, n, &ch);
	if (rc == KP_DB_OK && changed && ch == 0)
		rc = KP_DB_NOTFOUND;
	if (changed)
		*changed = ch;
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, action, "agency", agency_id, NULL, detail);
	else
		json_decref(detail);
	return kp_store_end(c, rc);
}

int kp_store_agency_member_add(kp_conn_t *c, const kp_actor_t *who, int64_t agency_id, int64_t user_id)
{
	return run_audited(c, who, "agency.member_add", agency_id, json_pack("{s:I}", "user_id", (json_int_t)user_id),
	                   "INSERT INTO agency_members (agency_id, user_id, added_at) VALUES (?, ?, ?)",
	                   KP_PARAMS(KV_INT(agency_id), KV_INT(user_id), KV_INT(kp_now())), NULL);
}

int kp_store_agency_members(kp_conn_t *c, kp_arena_t *a, int64_t agency_id, int64_t **user_ids, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT user_id FROM agency_members WHERE agency_id = ? ORDER BY user_id",
	                    KP_PARAMS(KV_INT(agency_id)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*user_ids = kp_arena_zalloc(a, sizeof(int64_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*user_ids)[i] = kp_rows_int(&r, i, 0);
	return KP_DB_OK;
}

int kp_store_agency_subsystem_add(kp_conn_t *c, const kp_actor_t *who, kp_agency_subsystem_t *s)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, &a, &r,
		                "INSERT INTO agency_subsystems (agency_id, code, xroad_client, created_at) VALUES (?, ?, ?, ?)"
		                " RETURNING id",
		                KP_PARAMS(KV_INT(s->agency_id), KV_TEXT(s->code), KV_TEXT(s->xroad_client), KV_INT(kp_now())));
	if (rc == KP_DB_OK) {
		s->id = kp_rows_int(&r, 0, 0);
		rc = kp_store_audit_id(c, who, "agency.subsystem_add", "agency", s->agency_id, NULL,
		                       json_pack("{s:s, s:s}", "code", s->code, "xroad_client", s->xroad_client));
	}
	rc = kp_store_end(c, rc);
	kp_arena_cleanup(&a);
	return rc;
}

static void subsystem_from_row(const kp_rows_t *r, int i, kp_agency_subsystem_t *s)
{
	s->id = kp_rows_int(r, i, 0);
	s->agency_id = kp_rows_int(r, i, 1);
	s->code = kp_rows_text(r, i, 2);
	s->xroad_client = kp_rows_text(r, i, 3);
}

int kp_store_agency_subsystems(kp_conn_t *c, kp_arena_t *a, int64_t agency_id, kp_agency_subsystem_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id, agency_id, code, xroad_client FROM agency_subsystems WHERE agency_id = ?"
	                    " ORDER BY code",
	                    KP_PARAMS(KV_INT(agency_id)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_agency_subsystem_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		subsystem_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_agency_subsystem_by_client(kp_conn_t *c, kp_arena_t *a, const char *client, kp_agency_subsystem_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r,
	                   "SELECT id, agency_id, code, xroad_client FROM agency_subsystems WHERE xroad_client = ?",
	                   KP_PARAMS(KV_TEXT(client)));
	if (rc == KP_DB_OK)
		subsystem_from_row(&r, 0, out);
	return rc;
}

int kp_store_agency_grant(kp_conn_t *c, const kp_actor_t *who, int64_t agency_id, int64_t subsystem_id,
                          const char *service, int64_t *id)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	rc = kp_db_exec(c, &a, &r,
	                "SELECT COUNT(*) FROM agency_grants WHERE agency_id = ? AND COALESCE(subsystem_id, 0) = ?"
	                " AND service = ? AND revoked_at IS NULL",
	                KP_PARAMS(KV_INT(agency_id), KV_INT(subsystem_id), KV_TEXT(service)));
	if (rc == KP_DB_OK && kp_rows_int(&r, 0, 0) > 0)
		rc = KP_DB_CONFLICT;
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, &a, &r,
		                "INSERT INTO agency_grants (agency_id, subsystem_id, service, granted_by, granted_at)"
		                " VALUES (?, ?, ?, ?, ?) RETURNING id",
		                KP_PARAMS(KV_INT(agency_id), subsystem_id ? KV_INT(subsystem_id) : KV_NULL, KV_TEXT(service),
		                          who->user_id ? KV_INT(who->user_id) : KV_NULL, KV_INT(kp_now())));
	if (rc == KP_DB_OK) {
		*id = kp_rows_int(&r, 0, 0);
		rc = kp_store_audit_id(c, who, "agency.grant", "agency", agency_id, NULL,
		                       json_pack("{s:s, s:I, s:I}", "service", service, "subsystem_id",
		                                 (json_int_t)subsystem_id, "grant_id", (json_int_t)*id));
	}
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_agency_revoke(kp_conn_t *c, const kp_actor_t *who, int64_t agency_id, int64_t grant_id)
{
	int64_t changed;
	return run_audited(c, who, "agency.revoke", agency_id, json_pack("{s:I}", "grant_id", (json_int_t)grant_id),
	                   "UPDATE agency_grants SET revoked_at = ? WHERE id = ? AND agency_id = ? AND revoked_at IS NULL",
	                   KP_PARAMS(KV_INT(kp_now()), KV_INT(grant_id), KV_INT(agency_id)), &changed);
}

int kp_store_agency_grants(kp_conn_t *c, kp_arena_t *a, int64_t agency_id, kp_agency_grant_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT g.id, g.agency_id, COALESCE(g.subsystem_id, 0), g.service, s.code, g.granted_at"
	                    " FROM agency_grants g LEFT JOIN agency_subsystems s ON s.id = g.subsystem_id"
	                    " WHERE g.agency_id = ? AND g.revoked_at IS NULL ORDER BY g.service, g.id",
	                    KP_PARAMS(KV_INT(agency_id)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_agency_grant_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		kp_agency_grant_t *g = &(*out)[i];
		g->id = kp_rows_int(&r, i, 0);
		g->agency_id = kp_rows_int(&r, i, 1);
		g->subsystem_id = kp_rows_int(&r, i, 2);
		g->service = kp_rows_text(&r, i, 3);
		g->subsystem_code = kp_rows_text(&r, i, 4);
		g->granted_at = kp_rows_int(&r, i, 5);
	}
	return KP_DB_OK;
}

int kp_store_agency_may(kp_conn_t *c, int64_t agency_id, int64_t subsystem_id, const char *service, bool *granted)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	int rc = kp_db_exec(c, &a, &r,
	                    "SELECT COUNT(*) FROM agency_grants WHERE agency_id = ? AND service = ? AND revoked_at IS NULL"
	                    " AND (subsystem_id IS NULL OR subsystem_id = ?)",
	                    KP_PARAMS(KV_INT(agency_id), KV_TEXT(service), KV_INT(subsystem_id)));
	*granted = rc == KP_DB_OK && kp_rows_int(&r, 0, 0) > 0;
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_agency_endpoint_add(kp_conn_t *c, const kp_actor_t *who, kp_agency_endpoint_t *e)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	e->status = KP_AGENCY_ENDPOINT_S_ACTIVE;
	e->created_at = kp_now();
	int rc = kp_store_begin(c);
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, &a, &r,
		                "INSERT INTO agency_endpoints (agency_id, url, secret, status, created_at)"
		                " VALUES (?, ?, ?, ?, ?) RETURNING id",
		                KP_PARAMS(KV_INT(e->agency_id), KV_TEXT(e->url), KV_TEXT(e->secret), KV_TEXT(e->status),
		                          KV_INT(e->created_at)));
	if (rc == KP_DB_OK) {
		e->id = kp_rows_int(&r, 0, 0);
		rc = kp_store_audit_id(c, who, "agency.endpoint_add", "agency", e->agency_id, NULL,
		                       json_pack("{s:I, s:s}", "endpoint_id", (json_int_t)e->id, "url", e->url));
	}
	rc = kp_store_end(c, rc);
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_agency_endpoints(kp_conn_t *c, kp_arena_t *a, int64_t agency_id, kp_agency_endpoint_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id, agency_id, url, secret, status, disabled_reason, created_at FROM agency_endpoints"
	                    " WHERE agency_id = ? ORDER BY id",
	                    KP_PARAMS(KV_INT(agency_id)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_agency_endpoint_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		kp_agency_endpoint_t *e = &(*out)[i];
		e->id = kp_rows_int(&r, i, 0);
		e->agency_id = kp_rows_int(&r, i, 1);
		e->url = kp_rows_text(&r, i, 2);
		e->secret = kp_rows_text(&r, i, 3);
		e->status = kp_rows_text(&r, i, 4);
		e->disabled_reason = kp_rows_text(&r, i, 5);
		e->created_at = kp_rows_int(&r, i, 6);
	}
	return KP_DB_OK;
}

int kp_store_agency_endpoint_set(kp_conn_t *c, const kp_actor_t *who, int64_t agency_id, int64_t id, const char *status,
                                 const char *reason)
{
	int64_t changed;
	return run_audited(c, who, "agency.endpoint_status", agency_id,
	                   json_pack("{s:I, s:s}", "endpoint_id", (json_int_t)id, "status", status),
	                   "UPDATE agency_endpoints SET status = ?, disabled_reason = ? WHERE id = ? AND agency_id = ?",
	                   KP_PARAMS(KV_TEXT(status), KV_TEXT(reason), KV_INT(id), KV_INT(agency_id)), &changed);
}

int kp_store_agency_feed(kp_conn_t *c, kp_arena_t *a, int64_t agency_id, int64_t subsystem_id, const char *service,
                         int64_t after, int limit, kp_agency_event_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT e.id, e.event_id, e.type, e.service, e.subject, e.payload, e.digest, e.created_at"
	                    " FROM agency_events e WHERE e.id > ? AND (CAST(? AS TEXT) IS NULL OR e.service = ?)"
	                    " AND EXISTS (SELECT 1 FROM agency_grants g WHERE g.agency_id = ? AND g.service = e.service"
	                    " AND g.revoked_at IS NULL AND (g.subsystem_id IS NULL OR g.subsystem_id = ?))"
	                    " ORDER BY e.id LIMIT ?",
	                    KP_PARAMS(KV_INT(after), KV_TEXT(service), KV_TEXT(service), KV_INT(agency_id),
	                              KV_INT(subsystem_id), KV_INT(limit)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_agency_event_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++) {
		kp_agency_event_t *e = &(*out)[i];
		e->id = kp_rows_int(&r, i, 0);
		e->event_id = kp_rows_text(&r, i, 1);
		e->type = kp_rows_text(&r, i, 2);
		e->service = kp_rows_text(&r, i, 3);
		e->subject = kp_rows_text(&r, i, 4);
		e->payload = kp_rows_text(&r, i, 5);
		e->digest = kp_rows_text(&r, i, 6);
		e->created_at = kp_rows_int(&r, i, 7);
	}
	return KP_DB_OK;
}

int kp_store_xroad_log(kp_conn_t *c, const char *client, const char *xroad_id, const char *user_id, const char *issue,
                       const char *service, int64_t subsystem_id, int status, const char *request_id)
{
	return kp_db_run(c,
	                 "INSERT INTO xroad_log (at, client, xroad_id, user_id, issue, service, subsystem_id, status,"
	                 " request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                 KP_PARAMS(KV_INT(kp_now()), KV_TEXT(client), KV_TEXT(xroad_id), KV_TEXT(user_id), KV_TEXT(issue),
	                           KV_TEXT(service), subsystem_id ? KV_INT(subsystem_id) : KV_NULL, KV_INT(status),
	                           KV_TEXT(request_id)),
	                 NULL);
}
