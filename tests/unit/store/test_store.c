/* test_store.c: the store (src/store/) against real databases: a SQLite file in a
 * mkdtemp folder always, and a fresh PostgreSQL database as well when KAPKA_TEST_PG
 * holds a postgres:// URL of a server where we may CREATE DATABASE (tests/pg.sh starts
 * a throwaway one). Every test starts from an empty, freshly migrated database.
 *
 * Covered: migrations (idempotent, racing), accounts with their audit rows in one
 * transaction, conflicts and injected faults that must leave nothing half-written,
 * sessions, sign-in throttling, audit paging, cached and dynamic statements, the pool. */
#define KP_TEST_DB_PREFIX "kapka_unit"
#include "kp_store_test.h"

#include "core/embed.h"
#include "core/log.h"
#include "core/util.h"
#include "store/db.h"
#include "store/store.h"

#include <libpq-fe.h>
#include <limits.h>

/* ---- backends and fixtures ---- */

typedef struct fixture {
	KP_STORE_FX_FIELDS;
	int applied; /* migrations applied by setup */
} fx_t;

/* A session made as a sign-in makes it (kp_store_signin, no throttle keys). */
static int session_create(kp_conn_t *c, const kp_actor_t *who, const char *hash, int64_t user_id, const char *csrf,
                          int64_t expires_at)
{
	kp_signin_t s = {.token_hash = hash, .csrf = csrf, .user_id = user_id, .expires_at = expires_at};
	return kp_store_signin(c, who, &s);
}

static const kp_actor_t tester = {0, "tester", "req-1", "192.0.2.7"};

/* A fresh empty database: a new SQLite file, or an emptied PostgreSQL schema. */
static void fresh_database(fx_t *f)
{
	kp_store_fx_dsn(f->dsn, sizeof(f->dsn), "test");
}

static int open_store(fx_t *f)
{
	char err[512];
	if (kp_store_open(f->dsn, 2, 0, &f->s, err, sizeof(err)) != 0) {
		print_error("kp_store_open(%s): %s\n", f->dsn, err);
		return -1;
	}
	return 0;
}

static int setup_unmigrated(void **state)
{
	fx_t *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	*state = f;
	kp_arena_init(&f->a);
	fresh_database(f);
	return open_store(f);
}

static int setup(void **state)
{
	if (setup_unmigrated(state) != 0)
		return -1;
	fx_t *f = *state;
	if (kp_store_migrate(f->s, &f->applied) != 0)
		return -1;
	f->c = kp_store_acquire(f->s);
	return 0;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	if (f == NULL)
		return 0;
	KP_STORE_FX_CLOSE(f);
	free(f);
	return 0;
}

/* ---- helpers ---- */

static long long count_rows(kp_conn_t *c, const char *table)
{
	static const char *const tables[] = {"organisations", "users", "sessions", "login_throttle", "audit_log"};
	bool known = false;
	for (size_t i = 0; i < KP_ROWS(tables); i++)
		known |= strcmp(tables[i], table) == 0;
	assert_true(known);
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", table);
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	assert_int_equal(kp_db_exec_dynamic(c, &a, &r, sql, NULL, 0), KP_DB_OK);
	long long n = kp_rows_int(&r, 0, 0);
	kp_arena_cleanup(&a);
	return n;
}

struct counts {
	long long orgs, users, sessions, throttle, audit;
};

static struct counts all_counts(kp_conn_t *c)
{
	struct counts n = {count_rows(c, "organisations"), count_rows(c, "users"), count_rows(c, "sessions"),
	                   count_rows(c, "login_throttle"), count_rows(c, "audit_log")};
	return n;
}

static void assert_counts(kp_conn_t *c, struct counts want)
{
	struct counts got = all_counts(c);
	if (memcmp(&got, &want, sizeof(got)) != 0)
		fail_msg("rows (orgs, users, sessions, throttle, audit): have (%lld, %lld, %lld, %lld, %lld), "
		         "want (%lld, %lld, %lld, %lld, %lld)",
		         got.orgs, got.users, got.sessions, got.throttle, got.audit, want.orgs, want.users, want.sessions,
		         want.throttle, want.audit);
}

static kp_org_t carrier_org(const char *inn)
{
	kp_org_t o = {.kind = "carrier",
	              .name = "Ala-Too Trans LLC",
	              .inn = inn,
	              .address = "Bishkek",
	              .contact_name = "Nurlan Asanov",
	              .contact_phone = "+996 555 123 456",
	              .contact_email = "office@alatoo-trans.kg",
	              .licence_number = "KG-AT-2024-0417"};
	return o;
}

static kp_user_t user_named(const char *username, const char *role)
{
	kp_user_t u = {.username = username,
	               .role = role,
	               .full_name = "Test Person",
	               .email = "t@example.kg",
	               .pw_hash = "$argon2id$not-a-real-hash"};
	return u;
}

static int64_t add_user(fx_t *f, const char *username, const char *role, int64_t org_id)
{
	kp_user_t u = user_named(username, role);
	u.org_id = org_id;
	assert_int_equal(kp_store_account_create(f->c, &tester, NULL, &u), KP_DB_OK);
	return u.id;
}

/* Run SQL with no parameters as a script (triggers for fault injection). */
static void script(kp_conn_t *c, const char *sql)
{
	if (c->be->script(c->h, sql) != KP_DB_OK)
		fail_msg("script failed: %s", c->be->errmsg(c->h));
}

/* ---- migrations ---- */

static int migration_count(void)
{
	int n = 0;
	while (kp_migrations[n].name)
		n++;
	return n;
}

static int newest_migration(void)
{
	int v = -1;
	for (int i = 0; kp_migrations[i].name; i++)
		if (atoi(kp_migrations[i].name) > v)
			v = atoi(kp_migrations[i].name);
	return v;
}

static void migrate_is_idempotent(void **state)
{
	fx_t *f = *state;
	assert_true(migration_count() >= 1);
	assert_int_equal(kp_store_schema_version(f->s), -1); /* nothing yet: no schema_migrations table */
	int applied = -1;
	assert_int_equal(kp_store_migrate(f->s, &applied), 0);
	assert_int_equal(applied, migration_count());
	assert_int_equal(kp_store_schema_version(f->s), newest_migration());
	for (int round = 0; round < 2; round++) {
		applied = -1;
		assert_int_equal(kp_store_migrate(f->s, &applied), 0);
		assert_int_equal(applied, 0);
		assert_int_equal(kp_store_schema_version(f->s), newest_migration());
	}
	/* and again from a new store on the same database */
	kp_store_close(f->s);
	assert_int_equal(open_store(f), 0);
	assert_int_equal(kp_store_migrate(f->s, &applied), 0);
	assert_int_equal(applied, 0);
	kp_conn_t *c = kp_store_acquire(f->s);
	assert_int_equal(count_rows(c, "users"), 0);
	kp_store_release(f->s, c);
}

/* store.h: migrations are safe to race from several instances. */
static void migrate_race(void **state)
{
	fx_t *f = *state;
	assert_int_equal(kp_store_race_migrate(f->dsn, 4), migration_count());
	assert_int_equal(kp_store_schema_version(f->s), newest_migration());
}

/* ---- accounts ---- */

static void account_create_writes_audit(void **state)
{
	fx_t *f = *state;
	assert_int_equal(f->applied, migration_count());
	kp_org_t o = carrier_org("01507201910123");
	kp_user_t u = user_named("nurlan", "carrier");
	assert_int_equal(kp_store_account_create(f->c, &tester, &o, &u), KP_DB_OK);
	assert_false(f->c->in_tx);
	assert_true(o.id > 0);
	assert_true(u.id > 0);
	assert_int_equal(u.org_id, o.id);
	assert_string_equal(o.status, "active"); /* defaults filled in */
	assert_string_equal(o.country, "KG");
	assert_string_equal(u.language, "ru");
	assert_true(llabs(o.created_at - kp_now()) <= 2);
	/* audit: the organisation, the ministry's check it waits for, the user */
	assert_counts(f->c, (struct counts){1, 1, 0, 0, 3});

	kp_org_t og;
	assert_int_equal(kp_store_org_get(f->c, &f->a, o.id, &og), KP_DB_OK);
	assert_string_equal(og.name, "Ala-Too Trans LLC");
	assert_string_equal(og.inn, "01507201910123");
	assert_string_equal(og.contact_email, "office@alatoo-trans.kg");
	assert_int_equal(og.created_at, o.created_at);
	assert_int_equal(kp_store_org_by_inn(f->c, &f->a, "01507201910123", &og), KP_DB_OK);
	assert_int_equal(og.id, o.id);
	kp_user_t ug;
	assert_int_equal(kp_store_user_by_name(f->c, &f->a, "nurlan", &ug), KP_DB_OK);
	assert_int_equal(ug.id, u.id);
	assert_int_equal(ug.org_id, o.id);
	assert_string_equal(ug.pw_hash, "$argon2id$not-a-real-hash");
	assert_string_equal(ug.status, "active");
	assert_int_equal(kp_store_user_get(f->c, &f->a, u.id, &ug), KP_DB_OK);
	assert_string_equal(ug.username, "nurlan");
	assert_int_equal(kp_store_user_count(f->c), 1);

	kp_audit_entry_t *e;
	int n;
	assert_int_equal(kp_store_audit_list(f->c, &f->a, NULL, NULL, 0, 10, &e, &n), KP_DB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(e[0].action, "user.create"); /* newest first */
	assert_string_equal(e[1].action, "carrier.verification_requested");
	assert_string_equal(e[2].action, "organisation.create");
	assert_true(e[0].id > e[1].id && e[1].id > e[2].id);
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)u.id);
	assert_string_equal(e[0].object_type, "user");
	assert_string_equal(e[0].object_id, id);
	assert_string_equal(e[0].actor, "tester");
	assert_string_equal(e[0].request_id, "req-1");
	assert_null(e[0].before_json);
	assert_non_null(e[0].after_json);
	assert_null(strstr(e[0].after_json, "pw_hash")); /* never the password hash */
	assert_null(strstr(e[0].after_json, "argon2"));
	assert_non_null(strstr(e[0].after_json, "\"username\":\"nurlan\""));
	assert_non_null(strstr(e[2].after_json, "\"inn\":\"01507201910123\""));
	assert_true(llabs(e[0].at_ms - kp_now_ms()) < 5000);
}

/* A conflict anywhere in kp_store_account_create leaves no row of it behind: not the
 * organisation, not the user, not an audit row. */
static const struct {
	const char *what;
	bool with_org;
	const char *inn, *username;
} conflict_cases[] = {
    {"new company, taken username", true, "02222222222222", "alpha"},
    {"taken INN, new username", true, "01111111111111", "beta"},
    {"taken INN and username", true, "01111111111111", "alpha"},
    {"user alone, taken username", false, NULL, "alpha"},
};

static void account_conflicts_leave_nothing(void **state)
{
	fx_t *f = *state;
	kp_org_t o = carrier_org("01111111111111");
	kp_user_t u = user_named("alpha", "carrier");
	assert_int_equal(kp_store_account_create(f->c, &tester, &o, &u), KP_DB_OK);
	struct counts before = all_counts(f->c);
	for (size_t i = 0; i < KP_ROWS(conflict_cases); i++) {
		kp_org_t o2 = carrier_org(conflict_cases[i].inn);
		kp_user_t u2 = user_named(conflict_cases[i].username, conflict_cases[i].with_org ? "carrier" : "traveller");
		int rc = kp_store_account_create(f->c, &tester, conflict_cases[i].with_org ? &o2 : NULL, &u2);
		if (rc != KP_DB_CONFLICT)
			fail_msg("%s: rc %d, want KP_DB_CONFLICT", conflict_cases[i].what, rc);
		assert_false(f->c->in_tx);
		assert_counts(f->c, before);
		kp_org_t got;
		if (conflict_cases[i].inn && strcmp(conflict_cases[i].inn, "01111111111111") != 0)
			assert_int_equal(kp_store_org_by_inn(f->c, &f->a, conflict_cases[i].inn, &got), KP_DB_NOTFOUND);
	}
	/* organisations without an INN do not conflict with each other */
	kp_org_t n1 = {.kind = "ministry", .name = "Ministry"}, n2 = {.kind = "customs", .name = "Customs"};
	assert_int_equal(kp_store_org_create(f->c, &tester, &n1), KP_DB_OK);
	assert_int_equal(kp_store_org_create(f->c, &tester, &n2), KP_DB_OK);
	kp_org_t dup = carrier_org("01111111111111");
	assert_int_equal(kp_store_org_create(f->c, &tester, &dup), KP_DB_CONFLICT);
	assert_counts(f->c, (struct counts){before.orgs + 2, before.users, 0, 0, before.audit + 2});
	/* the connection is still fine after all that */
	assert_int_equal(add_user(f, "gamma", "traveller", 0) > 0, 1);
}

/* A user in an organisation that does not exist is refused by the foreign key. */
static void account_bad_reference(void **state)
{
	fx_t *f = *state;
	kp_user_t u = user_named("orphan", "carrier");
	u.org_id = 999;
	assert_int_equal(kp_store_account_create(f->c, &tester, NULL, &u), KP_DB_REF);
	assert_counts(f->c, (struct counts){0, 0, 0, 0, 0});
}

/* Fault injection: a trigger makes one audit insert fail. The change it belonged to
 * must be rolled back with it. */
static void inject_audit_fault(fx_t *f, const char *action)
{
	char sql[1024];
	if (B->pg)
		snprintf(sql, sizeof(sql),
		         "CREATE FUNCTION kp_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
		         " IF NEW.action = '%s' THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$;"
		         " CREATE TRIGGER kp_fault BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION kp_fault()",
		         action);
	else
		snprintf(sql, sizeof(sql),
		         "CREATE TRIGGER kp_fault BEFORE INSERT ON audit_log WHEN NEW.action = '%s'"
		         " BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
		         action);
	script(f->c, sql);
}

static void audit_fault_rolls_back_account(void **state)
{
	fx_t *f = *state;
	inject_audit_fault(f, "user.create");
	kp_org_t o = carrier_org("01507201910123");
	kp_user_t u = user_named("nurlan", "carrier");
	int rc = kp_store_account_create(f->c, &tester, &o, &u);
	assert_int_not_equal(rc, KP_DB_OK);
	assert_false(f->c->in_tx);
	assert_counts(f->c, (struct counts){0, 0, 0, 0, 0}); /* the organisation went too */
	/* an organisation alone still works (its audit action is not the faulty one) */
	kp_org_t o2 = carrier_org("01507201910123");
	assert_int_equal(kp_store_org_create(f->c, &tester, &o2), KP_DB_OK);
	assert_counts(f->c, (struct counts){1, 0, 0, 0, 1});
}

static void audit_fault_rolls_back_update(void **state)
{
	fx_t *f = *state;
	int64_t id = add_user(f, "aibek", "officer", 0);
	inject_audit_fault(f, "user.status");
	assert_int_not_equal(kp_store_user_set_status(f->c, &tester, id, "suspended"), KP_DB_OK);
	kp_user_t u;
	assert_int_equal(kp_store_user_get(f->c, &f->a, id, &u), KP_DB_OK);
	assert_string_equal(u.status, "active");
	/* the password change is audited under another action and goes through */
	assert_int_equal(kp_store_user_set_password(f->c, &tester, id, "$argon2id$new"), KP_DB_OK);
	assert_int_equal(kp_store_user_get(f->c, &f->a, id, &u), KP_DB_OK);
	assert_string_equal(u.pw_hash, "$argon2id$new");
}

static void audit_fault_rolls_back_session(void **state)
{
	fx_t *f = *state;
	int64_t id = add_user(f, "aibek", "officer", 0);
	inject_audit_fault(f, "session.create");
	assert_int_not_equal(session_create(f->c, &tester, "hash-1", id, "csrf", kp_now() + 60), KP_DB_OK);
	assert_int_equal(count_rows(f->c, "sessions"), 0);
}

static void user_updates_are_audited(void **state)
{
	fx_t *f = *state;
	int64_t id = add_user(f, "aibek", "officer", 0);
	assert_int_equal(kp_store_user_set_status(f->c, &tester, id, "suspended"), KP_DB_OK);
	kp_user_t u;
	assert_int_equal(kp_store_user_get(f->c, &f->a, id, &u), KP_DB_OK);
	assert_string_equal(u.status, "suspended");
	assert_int_equal(kp_store_user_set_password(f->c, &tester, id, "$argon2id$second"), KP_DB_OK);

	kp_audit_entry_t *e;
	int n;
	char sid[24];
	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	assert_int_equal(kp_store_audit_list(f->c, &f->a, "user", sid, 0, 10, &e, &n), KP_DB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(e[0].action, "user.password");
	assert_string_equal(e[1].action, "user.status");
	assert_non_null(strstr(e[1].before_json, "\"status\":\"active\""));
	assert_non_null(strstr(e[1].after_json, "\"status\":\"suspended\""));
	for (int i = 0; i < n; i++) {
		assert_null(e[i].before_json ? strstr(e[i].before_json, "argon2") : NULL);
		assert_null(e[i].after_json ? strstr(e[i].after_json, "argon2") : NULL);
	}

	/* no such user: nothing changes, nothing is audited */
	long long audit = count_rows(f->c, "audit_log");
	assert_int_equal(kp_store_user_set_status(f->c, &tester, id + 100, "active"), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_user_set_password(f->c, &tester, id + 100, "x"), KP_DB_NOTFOUND);
	/* a status the schema does not know is refused */
	assert_int_not_equal(kp_store_user_set_status(f->c, &tester, id, "deleted"), KP_DB_OK);
	assert_false(f->c->in_tx);
	assert_int_equal(count_rows(f->c, "audit_log"), audit);
	assert_int_equal(kp_store_user_get(f->c, &f->a, id, &u), KP_DB_OK);
	assert_string_equal(u.status, "suspended");
}

static void lists_and_lookups(void **state)
{
	fx_t *f = *state;
	kp_org_t m = {.kind = "ministry", .name = "Ministry of Transport"};
	kp_org_t c1 = carrier_org("01000000000001"), c2 = carrier_org("01000000000002");
	c1.name = "Zhol Trans";
	c2.name = "Ak-Zhol";
	assert_int_equal(kp_store_org_create(f->c, &tester, &m), KP_DB_OK);
	assert_int_equal(kp_store_org_create(f->c, &tester, &c1), KP_DB_OK);
	assert_int_equal(kp_store_org_create(f->c, &tester, &c2), KP_DB_OK);
	add_user(f, "zarina", "carrier", c1.id);
	add_user(f, "bolot", "carrier", c1.id);
	add_user(f, "asel", "ministry", m.id);
	add_user(f, "anna", "traveller", 0);

	kp_org_t *orgs;
	int n;
	assert_int_equal(kp_store_org_list(f->c, &f->a, NULL, &orgs, &n), KP_DB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(orgs[0].name, "Ak-Zhol"); /* by name */
	assert_string_equal(orgs[1].name, "Ministry of Transport");
	assert_string_equal(orgs[2].name, "Zhol Trans");
	assert_null(orgs[1].inn);
	assert_int_equal(kp_store_org_list(f->c, &f->a, "carrier", &orgs, &n), KP_DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(kp_store_org_list(f->c, &f->a, "customs", &orgs, &n), KP_DB_OK);
	assert_int_equal(n, 0);

	kp_user_t *users;
	assert_int_equal(kp_store_user_list(f->c, &f->a, 0, &users, &n), KP_DB_OK);
	assert_int_equal(n, 4);
	assert_string_equal(users[0].username, "anna"); /* by username */
	assert_int_equal(users[0].org_id, 0);
	assert_string_equal(users[3].username, "zarina");
	assert_int_equal(kp_store_user_list(f->c, &f->a, c1.id, &users, &n), KP_DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(users[0].username, "bolot");
	assert_int_equal(kp_store_user_count(f->c), 4);

	kp_org_t o;
	kp_user_t u;
	assert_int_equal(kp_store_org_get(f->c, &f->a, 12345, &o), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_org_by_inn(f->c, &f->a, "09999999999999", &o), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_user_get(f->c, &f->a, 12345, &u), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_user_by_name(f->c, &f->a, "nobody", &u), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_user_by_name(f->c, &f->a, "ANNA", &u), KP_DB_NOTFOUND); /* exact match */
	assert_int_equal(kp_store_user_by_name(f->c, &f->a, "anna' OR '1'='1", &u), KP_DB_NOTFOUND);
}

/* ---- sessions ---- */

static void sessions(void **state)
{
	fx_t *f = *state;
	kp_org_t o = carrier_org("01507201910123");
	kp_user_t u = user_named("nurlan", "carrier");
	u.language = "ky";
	assert_int_equal(kp_store_account_create(f->c, &tester, &o, &u), KP_DB_OK);
	int64_t now = kp_now();
	kp_actor_t who = {u.id, "nurlan", "req-2", "192.0.2.8"};
	assert_int_equal(session_create(f->c, &who, "hash-a", u.id, "csrf-a", now + 100), KP_DB_OK);

	kp_session_t s;
	assert_int_equal(kp_store_session_lookup(f->c, &f->a, "hash-a", now, &s), KP_DB_OK);
	assert_int_equal(s.user_id, u.id);
	assert_int_equal(s.org_id, o.id);
	assert_int_equal(s.expires_at, now + 100);
	assert_string_equal(s.username, "nurlan");
	assert_string_equal(s.role, "carrier");
	assert_string_equal(s.status, "active");
	assert_string_equal(s.language, "ky");
	assert_string_equal(s.csrf, "csrf-a");
	/* expiry is exclusive: at expires_at the session is gone */
	assert_int_equal(kp_store_session_lookup(f->c, &f->a, "hash-a", now + 99, &s), KP_DB_OK);
	assert_int_equal(kp_store_session_lookup(f->c, &f->a, "hash-a", now + 100, &s), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_session_lookup(f->c, &f->a, "hash-b", now, &s), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_session_lookup(f->c, &f->a, "", now, &s), KP_DB_NOTFOUND);

	/* the same token hash twice, and a session for nobody */
	assert_int_equal(session_create(f->c, &who, "hash-a", u.id, "csrf-x", now + 100), KP_DB_CONFLICT);
	assert_int_equal(session_create(f->c, &who, "hash-z", u.id + 50, "csrf-z", now + 100), KP_DB_REF);
	assert_false(f->c->in_tx);
	assert_int_equal(count_rows(f->c, "sessions"), 1);

	/* a suspended user's session still resolves, showing the status (auth refuses it) */
	assert_int_equal(kp_store_user_set_status(f->c, &tester, u.id, "suspended"), KP_DB_OK);
	assert_int_equal(kp_store_session_lookup(f->c, &f->a, "hash-a", now, &s), KP_DB_OK);
	assert_string_equal(s.status, "suspended");

	/* sign out; a second sign-out of the same token changes nothing and audits nothing */
	long long audit = count_rows(f->c, "audit_log");
	assert_int_equal(kp_store_session_delete(f->c, &who, "hash-a"), KP_DB_OK);
	assert_int_equal(kp_store_session_lookup(f->c, &f->a, "hash-a", now, &s), KP_DB_NOTFOUND);
	assert_int_equal(count_rows(f->c, "audit_log"), audit + 1);
	assert_int_equal(kp_store_session_delete(f->c, &who, "hash-a"), KP_DB_OK);
	assert_int_equal(count_rows(f->c, "audit_log"), audit + 1);

	kp_audit_entry_t *e;
	int n;
	char sid[24];
	snprintf(sid, sizeof(sid), "%lld", (long long)u.id);
	assert_int_equal(kp_store_audit_list(f->c, &f->a, "user", sid, 0, 10, &e, &n), KP_DB_OK);
	assert_string_equal(e[0].action, "session.delete");
	assert_string_equal(e[0].actor, "nurlan");
	assert_int_equal(e[0].actor_id, u.id);
	assert_string_equal(e[2].action, "session.create");
}

static void session_purge(void **state)
{
	fx_t *f = *state;
	int64_t id = add_user(f, "anna", "traveller", 0), now = kp_now();
	const struct {
		const char *hash;
		int64_t expires;
		bool survives;
	} rows[] = {
	    {"old", now - 1000, false}, {"just", now - 1, false},    {"edge", now, false},
	    {"soon", now + 1, true},    {"later", now + 5000, true},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++)
		assert_int_equal(session_create(f->c, &tester, rows[i].hash, id, "c", rows[i].expires), KP_DB_OK);
	int64_t removed = -1;
	assert_int_equal(kp_store_session_purge(f->c, now, &removed), KP_DB_OK);
	assert_int_equal(removed, 3);
	kp_session_t s;
	for (size_t i = 0; i < KP_ROWS(rows); i++)
		if (rows[i].survives)
			assert_int_equal(kp_store_session_lookup(f->c, &f->a, rows[i].hash, now, &s), KP_DB_OK);
	assert_int_equal(count_rows(f->c, "sessions"), 2);
	assert_int_equal(kp_store_session_purge(f->c, now, &removed), KP_DB_OK);
	assert_int_equal(removed, 0);
}

/* ---- audit ---- */

static void audit_paging(void **state)
{
	fx_t *f = *state;
	for (int i = 1; i <= 25; i++) {
		char id[8], after[32];
		snprintf(id, sizeof(id), "%d", i);
		snprintf(after, sizeof(after), "{\"n\":%d}", i);
		assert_int_equal(kp_store_audit(f->c, i % 2 ? &tester : NULL, "thing.touch", i <= 20 ? "thing" : "other", id,
		                                NULL, after),
		                 KP_DB_OK);
	}
	kp_audit_entry_t *e;
	int n, total = 0;
	int64_t before = 0, last = INT64_MAX;
	int sizes[4] = {10, 10, 5, 0};
	for (int page = 0; page < 4; page++) {
		assert_int_equal(kp_store_audit_list(f->c, &f->a, NULL, NULL, before, 10, &e, &n), KP_DB_OK);
		assert_int_equal(n, sizes[page]);
		for (int i = 0; i < n; i++) {
			assert_true(e[i].id < last); /* strictly newest first, no repeats across pages */
			last = e[i].id;
		}
		total += n;
		if (n)
			before = e[n - 1].id;
	}
	assert_int_equal(total, 25);

	assert_int_equal(kp_store_audit_list(f->c, &f->a, NULL, NULL, 0, 1, &e, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].object_id, "25");
	assert_string_equal(e[0].after_json, "{\"n\":25}");
	assert_string_equal(e[0].actor, "tester");
	assert_string_equal(e[0].request_id, "req-1");
	assert_int_equal(kp_store_audit_list(f->c, &f->a, NULL, NULL, 0, 1000, &e, &n), KP_DB_OK);
	assert_string_equal(e[1].actor, "system"); /* no actor */
	assert_int_equal(e[1].actor_id, 0);
	assert_null(e[1].request_id);

	assert_int_equal(kp_store_audit_list(f->c, &f->a, "thing", NULL, 0, 100, &e, &n), KP_DB_OK);
	assert_int_equal(n, 20);
	assert_int_equal(kp_store_audit_list(f->c, &f->a, "other", NULL, 0, 100, &e, &n), KP_DB_OK);
	assert_int_equal(n, 5);
	assert_int_equal(kp_store_audit_list(f->c, &f->a, "thing", "7", 0, 100, &e, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].after_json, "{\"n\":7}");
	assert_int_equal(kp_store_audit_list(f->c, &f->a, "other", "7", 0, 100, &e, &n), KP_DB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(kp_store_audit_list(f->c, &f->a, NULL, "22", 0, 100, &e, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].object_type, "other");
	/* paging inside a filter */
	assert_int_equal(kp_store_audit_list(f->c, &f->a, "thing", NULL, 0, 15, &e, &n), KP_DB_OK);
	assert_int_equal(n, 15);
	assert_int_equal(kp_store_audit_list(f->c, &f->a, "thing", NULL, e[14].id, 15, &e, &n), KP_DB_OK);
	assert_int_equal(n, 5);
	assert_string_equal(e[4].object_id, "1");
}

/* ---- statements ---- */

/* Dynamic SQL is never cached by address: the same buffer with new text runs the new text. */
static void dynamic_statements(void **state)
{
	fx_t *f = *state;
	char sql[64];
	kp_rows_t r;
	for (int i = 1; i <= 3; i++) {
		snprintf(sql, sizeof(sql), "SELECT %d AS v", i);
		assert_int_equal(kp_db_exec_dynamic(f->c, &f->a, &r, sql, NULL, 0), KP_DB_OK);
		assert_int_equal(r.nrows, 1);
		assert_int_equal(kp_rows_int(&r, 0, 0), i);
	}
	/* '?' inside quotes is text, not a parameter */
	assert_int_equal(kp_db_exec_dynamic(f->c, &f->a, &r, "SELECT '?' AS q, CAST(? AS TEXT) AS p, 'it''s?' AS s",
	                                    KP_PARAMS(KV_TEXT("v"))),
	                 KP_DB_OK);
	assert_string_equal(kp_rows_text(&r, 0, 0), "?");
	assert_string_equal(kp_rows_text(&r, 0, 1), "v");
	assert_string_equal(kp_rows_text(&r, 0, 2), "it's?");
	assert_string_equal(r.cols[1], "p");
	/* a broken statement fails and the connection stays usable */
	assert_int_equal(kp_db_exec_dynamic(f->c, &f->a, &r, "SELEC 1", NULL, 0), KP_DB_ERR);
	assert_int_equal(kp_db_exec_dynamic(f->c, &f->a, &r, "SELECT 1", NULL, 0), KP_DB_OK);
}

/* Cached statements are reused with fresh parameters each time. */
static void cached_statements(void **state)
{
	fx_t *f = *state;
	kp_rows_t r;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(kp_db_exec(f->c, &f->a, &r, "SELECT CAST(? AS BIGINT) + 1 AS n, CAST(? AS TEXT) AS t",
		                            KP_PARAMS(KV_INT(i * 10), KV_TEXT(i % 2 ? "odd" : NULL))),
		                 KP_DB_OK);
		assert_int_equal(kp_rows_int(&r, 0, 0), i * 10 + 1);
		if (i % 2)
			assert_string_equal(kp_rows_text(&r, 0, 1), "odd");
		else
			assert_true(kp_rows_isnull(&r, 0, 1));
	}
	/* rows, columns, NULLs, and changes counted by kp_db_run */
	assert_int_equal(kp_db_exec(f->c, &f->a, &r, "SELECT NULL AS a, 'x' AS b, 5 AS c", NULL, 0), KP_DB_OK);
	assert_int_equal(r.ncols, 3);
	assert_string_equal(r.cols[2], "c");
	assert_true(kp_rows_isnull(&r, 0, 0));
	assert_int_equal(kp_rows_int(&r, 0, 0), 0);
	assert_string_equal(kp_rows_text(&r, 0, 1), "x");
	for (int i = 0; i < 3; i++) {
		char key[8];
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(kp_db_run(f->c,
		                           "INSERT INTO login_throttle (key, failures, first_at, locked_until)"
		                           " VALUES (?, 1, 100, 0)",
		                           KP_PARAMS(KV_TEXT(key)), NULL),
		                 KP_DB_OK);
	}
	int64_t changes = -1;
	assert_int_equal(kp_db_run(f->c, "UPDATE login_throttle SET failures = failures + 1 WHERE key <> ?",
	                           KP_PARAMS(KV_TEXT("k0")), &changes),
	                 KP_DB_OK);
	assert_int_equal(changes, 2);
	assert_int_equal(kp_db_exec(f->c, &f->a, &r, "SELECT key FROM login_throttle ORDER BY key", NULL, 0), KP_DB_OK);
	assert_int_equal(r.nrows, 3);
	assert_string_equal(kp_rows_text(&r, 2, 0), "k2");
	assert_int_equal(kp_db_exec(f->c, &f->a, &r, "SELECT key FROM login_throttle WHERE key = 'none'", NULL, 0),
	                 KP_DB_OK);
	assert_int_equal(r.nrows, 0);
}

/* SQLite only: a cached statement's bindings are cleared between uses, so a parameter
 * left out is NULL, not the previous call's value. (PostgreSQL refuses a prepared
 * statement given too few parameters.) */
static void cached_bindings_cleared(void **state)
{
	fx_t *f = *state;
	kp_rows_t r;
	static const char sql[] = "SELECT ? AS a";
	assert_int_equal(kp_db_exec(f->c, &f->a, &r, sql, KP_PARAMS(KV_TEXT("secret"))), KP_DB_OK);
	assert_string_equal(kp_rows_text(&r, 0, 0), "secret");
	assert_int_equal(kp_db_exec(f->c, &f->a, &r, sql, NULL, 0), KP_DB_OK);
	assert_true(kp_rows_isnull(&r, 0, 0));
}

/* More distinct cached statements than the cache holds (64): the rest run uncached,
 * and all give the right answers on every use. */
static void statement_cache_overflow(void **state)
{
	fx_t *f = *state;
	enum { N = 80 };
	static char sqls[N][32]; /* fixed addresses, like literals */
	for (int i = 0; i < N; i++)
		snprintf(sqls[i], sizeof(sqls[i]), "SELECT %d + CAST(? AS BIGINT)", i);
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < N; i++) {
			kp_rows_t r;
			assert_int_equal(kp_db_exec(f->c, &f->a, &r, sqls[i], KP_PARAMS(KV_INT(round * 1000))), KP_DB_OK);
			assert_int_equal(kp_rows_int(&r, 0, 0), i + round * 1000);
		}
}

/* ---- the pool ---- */

static void pool(void **state)
{
	fx_t *f = *state;
	assert_string_equal(kp_store_backend_name(f->s), B->pg ? "postgres" : "sqlite");
	assert_int_equal(kp_store_ping(f->s), 0);
	kp_conn_t *c2 = kp_store_acquire(f->s); /* the second of two */
	assert_ptr_not_equal(c2, f->c);

	/* a connection given back inside a transaction is rolled back */
	assert_int_equal(kp_store_begin(c2), KP_DB_OK);
	assert_int_equal(kp_db_run(c2,
	                           "INSERT INTO login_throttle (key, failures, first_at, locked_until) VALUES ('t', 1, 0, "
	                           "0)",
	                           NULL, 0, NULL),
	                 KP_DB_OK);
	kp_store_release(f->s, c2);
	assert_false(c2->in_tx);
	assert_int_equal(count_rows(f->c, "login_throttle"), 0);

	/* commit and rollback do what they say */
	c2 = kp_store_acquire(f->s);
	assert_int_equal(kp_store_begin(c2), KP_DB_OK);
	assert_int_equal(kp_db_run(c2,
	                           "INSERT INTO login_throttle (key, failures, first_at, locked_until) VALUES ('t', 1, 0, "
	                           "0)",
	                           NULL, 0, NULL),
	                 KP_DB_OK);
	assert_int_equal(kp_store_rollback(c2), KP_DB_OK);
	assert_int_equal(count_rows(c2, "login_throttle"), 0);
	assert_int_equal(kp_store_begin(c2), KP_DB_OK);
	assert_int_equal(kp_db_run(c2,
	                           "INSERT INTO login_throttle (key, failures, first_at, locked_until) VALUES ('t', 1, 0, "
	                           "0)",
	                           NULL, 0, NULL),
	                 KP_DB_OK);
	assert_int_equal(kp_store_commit(c2), KP_DB_OK);
	kp_store_release(f->s, c2);
	assert_int_equal(count_rows(f->c, "login_throttle"), 1);
	kp_store_release(f->s, NULL); /* harmless */
}

static void open_failures(void **state)
{
	(void)state;
	char err[512] = "";
	kp_store_t *s = NULL;
	if (B->pg) {
		char url[1300];
		url_with_db(B->admin_url, "kapka_no_such_database_x", url, sizeof(url));
		assert_int_equal(kp_store_open(url, 1, 0, &s, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "cannot connect to PostgreSQL"));
	} else {
		assert_int_equal(kp_store_open("/nonexistent-folder/kapka/x.db", 1, 0, &s, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "cannot open SQLite database"));
	}
	assert_null(s);
}

static void url_rewriting(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"postgres://u@h:5432/postgres", "postgres://u@h:5432/t"},
	    {"postgres://u:p@h/postgres?sslmode=disable", "postgres://u:p@h/t?sslmode=disable"},
	    {"postgresql://h", "postgresql://h/t"},
	    {"postgres://h?sslmode=disable", "postgres://h/t?sslmode=disable"},
	};
	for (size_t i = 0; i < KP_ROWS(cases); i++) {
		char out[256];
		url_with_db(cases[i].in, "t", out, sizeof(out));
		assert_string_equal(out, cases[i].want);
	}
}

#define STORE_TESTS \
	cmocka_unit_test_setup_teardown(migrate_is_idempotent, setup_unmigrated, teardown), \
	    cmocka_unit_test_setup_teardown(migrate_race, setup_unmigrated, teardown), \
	    cmocka_unit_test_setup_teardown(account_create_writes_audit, setup, teardown), \
	    cmocka_unit_test_setup_teardown(account_conflicts_leave_nothing, setup, teardown), \
	    cmocka_unit_test_setup_teardown(account_bad_reference, setup, teardown), \
	    cmocka_unit_test_setup_teardown(audit_fault_rolls_back_account, setup, teardown), \
	    cmocka_unit_test_setup_teardown(audit_fault_rolls_back_update, setup, teardown), \
	    cmocka_unit_test_setup_teardown(audit_fault_rolls_back_session, setup, teardown), \
	    cmocka_unit_test_setup_teardown(user_updates_are_audited, setup, teardown), \
	    cmocka_unit_test_setup_teardown(lists_and_lookups, setup, teardown), \
	    cmocka_unit_test_setup_teardown(sessions, setup, teardown), \
	    cmocka_unit_test_setup_teardown(session_purge, setup, teardown), \
	    cmocka_unit_test_setup_teardown(audit_paging, setup, teardown), \
	    cmocka_unit_test_setup_teardown(dynamic_statements, setup, teardown), \
	    cmocka_unit_test_setup_teardown(cached_statements, setup, teardown), \
	    cmocka_unit_test_setup_teardown(statement_cache_overflow, setup, teardown), \
	    cmocka_unit_test_setup_teardown(pool, setup, teardown), cmocka_unit_test(open_failures)

int main(void)
{
	/* The store logs what it refuses (injected faults, broken SQL); those are expected
	 * here. KAPKA_TEST_VERBOSE=1 shows them. */
	if (getenv("KAPKA_TEST_VERBOSE") == NULL)
		kp_log_set_level((enum kp_log_level)(KP_LOG_ERROR + 1));
	const struct CMUnitTest sqlite_tests[] = {
	    STORE_TESTS,
	    cmocka_unit_test_setup_teardown(cached_bindings_cleared, setup, teardown),
	    cmocka_unit_test(url_rewriting),
	};
	const struct CMUnitTest pg_tests[] = {STORE_TESTS};
	int failed = cmocka_run_group_tests_name("store on SQLite", sqlite_tests, group_setup_sqlite,
	                                         group_teardown_sqlite);
	const char *pg = getenv("KAPKA_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("store on PostgreSQL", pg_tests, group_setup_pg, group_teardown_pg);
	else
		print_message("[  SKIPPED ] store on PostgreSQL: set KAPKA_TEST_PG=postgres://... to run it "
		              "(sh tests/pg.sh starts a throwaway server)\n");
	return failed;
}
