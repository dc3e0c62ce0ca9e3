/* test_permits.c: the freight-permit store (src/store/permits.c, permit_reads.c,
 * quotas.c, vehicles.c, authorities.c) against real databases: a SQLite file in a
 * mkdtemp folder always, and a fresh PostgreSQL database as well when KAPKA_TEST_PG
 * holds a postgres:// URL of a server where we may CREATE DATABASE (tests/pg.sh starts
 * a throwaway one). Every test starts from an empty, freshly migrated database.
 *
 * Covered: quotas (overlaps refused, moving the end, usage counts), vehicles and their
 * conflicts, deciding applications (issued, refused with reasons, the review queue),
 * audit rows written in the same transaction (and rolled back with it), threads racing
 * for the last serials of a quota (and for one review decision, and for one quota
 * range), withdrawing permits, and border activities.
 *
 * Permits are signed by a test double of the kp_signer_t callback that writes a fixed
 * text; real signatures are test_jws.c's business.
 */
#define KP_TEST_DB_PREFIX "kapka_permits"
#include "kp_store_test.h"

#include "core/log.h"
#include "core/util.h"
#include "domain/dates.h"
#include "store/db.h"
#include "store/permits.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <limits.h>
#include <pthread.h>
#include <time.h>

/* ---- fixtures (the backends are in kp_store_test.h) ---- */

#define SELF "KG"
#define OFFSET 360 /* UTC+6 */
#define RACERS 16

typedef struct fixture {
	KP_STORE_FX_FIELDS;
	int year;         /* the current permit year at UTC+6 */
	int64_t carrier;  /* an active carrier with a licence */
	int64_t truck;    /* its Euro 5 tractor */
} fx_t;

static const kp_actor_t tester = {0, "tester", "req-1", "192.0.2.7"};

static int this_year(void)
{
	time_t t = (time_t)(kp_now() + OFFSET * 60);
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

static int64_t add_carrier(fx_t *f, kp_conn_t *c, int n, const char *licence);
static int64_t add_vehicle(fx_t *f, kp_conn_t *c, int64_t org, int n, const char *kind, int euro);

static int setup_pool(void **state, int pool)
{
	fx_t *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	*state = f;
	if (KP_STORE_FX_OPEN(f, "permits", pool) != 0)
		return -1;
	f->year = this_year();
	f->carrier = add_carrier(f, f->c, 1, "KG-AT-2024-0417");
	f->truck = add_vehicle(f, f->c, f->carrier, 1, "tractor", 5);
	return 0;
}

static int setup(void **state)
{
	return setup_pool(state, 2);
}

static int setup_racers(void **state)
{
	return setup_pool(state, RACERS);
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
	static const char *const tables[] = {"audit_log", "permits", "permit_applications", "permit_activities",
	                                     "quotas", "vehicles"};
	bool known = false;
	for (size_t i = 0; i < KP_ROWS(tables); i++)
		known |= strcmp(tables[i], table) == 0;
	assert_true(known);
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", table);
	return kp_store_count(c, sql);
}

static long long audit_count(kp_conn_t *c, const char *action)
{
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM audit_log WHERE action = '%s'", action);
	return kp_store_count(c, sql);
}

static void exec_sql(kp_conn_t *c, const char *sql)
{
	if (c->be->script(c->h, sql) != KP_DB_OK)
		fail_msg("script failed: %s: %s", sql, c->be->errmsg(c->h));
}

/* The numbered test carrier: INN 0150720191%04d, a licence or none. */
static int64_t add_carrier(fx_t *f, kp_conn_t *c, int n, const char *licence)
{
	char inn[32], name[64];
	snprintf(inn, sizeof(inn), "0150720191%04d", n);
	snprintf(name, sizeof(name), "Carrier %d LLC", n);
	kp_org_t o = {.kind = "carrier", .name = kp_arena_strdup(&f->a, name), .inn = kp_arena_strdup(&f->a, inn),
	              .licence_number = licence};
	assert_int_equal(kp_store_org_create(c, &tester, &o), KP_DB_OK);
	return o.id;
}

/* The numbered test vehicle: plate T%04dKG, VIN XTC6511500000%04d. */
static int64_t add_vehicle(fx_t *f, kp_conn_t *c, int64_t org, int n, const char *kind, int euro)
{
	char plate[32], vin[32];
	snprintf(plate, sizeof(plate), "T%04dKG", n);
	snprintf(vin, sizeof(vin), "XTC6511500000%04d", n);
	kp_vehicle_t v = {.org_id = org, .plate = kp_arena_strdup(&f->a, plate), .vin = kp_arena_strdup(&f->a, vin),
	                  .kind = kind, .euro_class = euro, .make = "KAMAZ", .model = "5490"};
	assert_int_equal(kp_store_vehicle_create(c, &tester, &v), KP_DB_OK);
	return v.id;
}

static int create_quota(fx_t *f, const char *issuer, const char *verifier, int year, int type, int64_t start,
                        int64_t end, int64_t *id)
{
	kp_quota_t q = {.issuer = issuer, .verifier = verifier, .year = year, .type = type, .start_number = start,
	                .end_number = end, .note = "test"};
	int rc = kp_store_quota_create(f->c, &tester, &q);
	if (id)
		*id = q.id;
	return rc;
}

static int64_t add_quota(fx_t *f, const char *verifier, int type, int64_t start, int64_t end)
{
	int64_t id = 0;
	assert_int_equal(create_quota(f, SELF, verifier, f->year, type, start, end, &id), KP_DB_OK);
	return id;
}

/* The test double of the signing callback: a fixed text naming the permit. */
static int fixed_sign(void *ctx, kp_arena_t *a, const kp_permit_t *p, int utc_offset, const char **credential,
                      const char **kid)
{
	(void)ctx;
	(void)utc_offset;
	*credential = kp_arena_printf(a, "test-header.%s.test-signature", p->id);
	*kid = "test-kid";
	return 0;
}

static int failing_sign(void *ctx, kp_arena_t *a, const kp_permit_t *p, int utc_offset, const char **credential,
                        const char **kid)
{
	(void)ctx, (void)a, (void)p, (void)utc_offset, (void)credential, (void)kid;
	return -1;
}

static const kp_signer_t test_signer = {NULL, fixed_sign};
static const kp_signer_t broken_signer = {NULL, failing_sign};

/* Apply on connection c for org's vehicle; ap and res are filled. */
static int apply_on(kp_conn_t *c, kp_arena_t *a, int year, int64_t org, int64_t vehicle, const char *verifier,
                    int type, const kp_signer_t *signer, kp_application_t *ap, kp_issue_result_t *res)
{
	memset(ap, 0, sizeof(*ap));
	ap->verifier = verifier;
	ap->year = year;
	ap->type = type;
	ap->vehicle_id = vehicle;
	ap->trip = "{\"route\":\"Osh - Andijan\"}";
	kp_issue_request_t rq = {SELF, OFFSET, org, 0, ap, signer};
	return kp_store_permit_apply(c, a, &tester, &rq, res);
}

static int apply(fx_t *f, int64_t org, int64_t vehicle, const char *verifier, int type, kp_application_t *ap,
                 kp_issue_result_t *res)
{
	return apply_on(f->c, &f->a, f->year, org, vehicle, verifier, type, &test_signer, ap, res);
}

/* The failure codes of a result, space-separated, in buf. */
static const char *codes_of(const kp_issue_result_t *res, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < res->nfailures; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? " " : "", res->failures[i].code);
	return buf;
}

/* Apply and expect the permit to be issued; returns its id (fixture arena). */
static const char *issue(fx_t *f, int64_t org, int64_t vehicle, const char *verifier, int type)
{
	kp_application_t ap;
	kp_issue_result_t res;
	assert_int_equal(apply(f, org, vehicle, verifier, type, &ap, &res), KP_DB_OK);
	char buf[256];
	if (res.nfailures || res.permit.id == NULL)
		fail_msg("application refused: [%s]%s", codes_of(&res, buf, sizeof(buf)), res.review ? " (review)" : "");
	return res.permit.id;
}

static kp_quota_t quota(fx_t *f, int64_t id)
{
	kp_quota_t q;
	assert_int_equal(kp_store_quota_get(f->c, &f->a, id, &q), KP_DB_OK);
	return q;
}

/* Inject a failure into one kind of audit insert (see test_store.c). */
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
	exec_sql(f->c, sql);
}

static void remove_audit_fault(fx_t *f)
{
	exec_sql(f->c, B->pg ? "DROP TRIGGER kp_fault ON audit_log; DROP FUNCTION kp_fault()" : "DROP TRIGGER kp_fault");
}

/* Whether deciding an application works at all on this backend: gather the facts inside
 * a transaction that is then rolled back (no quota, so nothing would be issued anyway). */
static bool apply_works(fx_t *f)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_application_t ap = {.verifier = "UZ", .year = f->year, .type = 1, .vehicle_id = f->truck};
	kp_issue_request_t rq = {SELF, OFFSET, f->carrier, 0, &ap, &test_signer};
	kp_issue_result_t res;
	int rc = kp_store_begin(f->c);
	if (rc == KP_DB_OK) {
		rc = kp_store_permit_apply_tx(f->c, &a, &tester, &rq, &res);
		kp_store_rollback(f->c);
	}
	kp_arena_cleanup(&a);
	return rc == KP_DB_OK;
}

/* First thing in a test that issues permits. */
#define NEEDS_APPLY(f)                                                                                    \
	do {                                                                                                  \
		if (B->pg && !apply_works(f))                                                                     \
			fail_msg("PostgreSQL refuses applications (see the log above)");                              \
	} while (0)

/* ---- quotas ---- */

static void quota_create_and_overlaps(void **state)
{
	fx_t *f = *state;
	long long audit0 = audit_count(f->c, "quota.create");
	int64_t id;
	assert_int_equal(create_quota(f, SELF, "UZ", f->year, 1, 1, 100, &id), KP_DB_OK);
	kp_quota_t q = quota(f, id);
	assert_string_equal(q.issuer, SELF);
	assert_string_equal(q.verifier, "UZ");
	assert_int_equal(q.start_number, 1);
	assert_int_equal(q.end_number, 100);
	assert_int_equal(q.next_serial, 1);
	assert_int_equal(q.remaining, 100);
	assert_int_equal(q.issued, 0);

	static const struct {
		const char *issuer, *verifier;
		int dyear, type;
		int64_t start, end;
		int want;
	} rows[] = {
		{SELF, "UZ", 0, 1, 50, 150, KP_DB_CONFLICT},  /* overlaps the end */
		{SELF, "UZ", 0, 1, 1, 1, KP_DB_CONFLICT},     /* inside */
		{SELF, "UZ", 0, 1, 100, 100, KP_DB_CONFLICT}, /* the last serial */
		{SELF, "UZ", 0, 1, 101, 200, KP_DB_OK},       /* adjacent */
		{SELF, "UZ", 0, 1, 1, 300, KP_DB_CONFLICT},   /* around both */
		{SELF, "UZ", 0, 2, 1, 100, KP_DB_OK},         /* another type */
		{SELF, "UZ", 1, 1, 1, 100, KP_DB_OK},         /* another year */
		{"UZ", SELF, 0, 1, 1, 100, KP_DB_OK},         /* the other direction */
		{SELF, "TR", 0, 1, 1, 100, KP_DB_OK},         /* another partner */
		{"UZ", SELF, 0, 1, 90, 110, KP_DB_CONFLICT},
	};
	long long created = 1;
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		int rc = create_quota(f, rows[i].issuer, rows[i].verifier, f->year + rows[i].dyear, rows[i].type,
		                      rows[i].start, rows[i].end, NULL);
		if (rc != rows[i].want)
			fail_msg("row %zu: %s->%s %d type %d [%lld, %lld]: rc %d, want %d", i, rows[i].issuer, rows[i].verifier,
			         f->year + rows[i].dyear, rows[i].type, (long long)rows[i].start, (long long)rows[i].end, rc,
			         rows[i].want);
		created += rc == KP_DB_OK;
		assert_false(f->c->in_tx);
	}
	assert_int_equal(count_rows(f->c, "quotas"), created);
	/* one audit row per quota created, none for the refused */
	assert_int_equal(audit_count(f->c, "quota.create") - audit0, created);

	/* the schema refuses what the API never sends: an unknown authority, an empty range */
	assert_int_equal(create_quota(f, SELF, "ZZ", f->year, 1, 1, 10, NULL), KP_DB_REF);
	assert_int_not_equal(create_quota(f, SELF, "AM", f->year, 1, 10, 9, NULL), KP_DB_OK);
	assert_int_equal(count_rows(f->c, "quotas"), created);
}

static void quota_adjust(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t id = add_quota(f, "UZ", 1, 1, 10);
	add_quota(f, "UZ", 1, 11, 20);
	int64_t v2 = add_vehicle(f, f->c, f->carrier, 2, "truck", 6);
	int64_t v3 = add_vehicle(f, f->c, f->carrier, 3, "truck", 6);
	issue(f, f->carrier, f->truck, "UZ", 1);
	issue(f, f->carrier, v2, "UZ", 1);
	issue(f, f->carrier, v3, "UZ", 1);
	assert_int_equal(quota(f, id).next_serial, 4);
	long long audit0 = audit_count(f->c, "quota.adjust");

	static const struct {
		int64_t end;
		int want;
	} rows[] = {
		{2, KP_DB_CONFLICT},   /* below what was issued */
		{0, KP_DB_CONFLICT},   /* below the start */
		{15, KP_DB_CONFLICT},  /* into the next range */
		{11, KP_DB_CONFLICT},
		{3, KP_DB_OK},         /* exactly what was issued */
		{10, KP_DB_OK},        /* back */
		{5, KP_DB_OK},
	};
	long long ok = 0;
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		int rc = kp_store_quota_set_end(f->c, &tester, id, rows[i].end);
		if (rc != rows[i].want)
			fail_msg("set_end(%lld): rc %d, want %d", (long long)rows[i].end, rc, rows[i].want);
		ok += rc == KP_DB_OK;
		assert_false(f->c->in_tx);
	}
	kp_quota_t q = quota(f, id);
	assert_int_equal(q.end_number, 5);
	assert_int_equal(q.remaining, 2);
	assert_int_equal(audit_count(f->c, "quota.adjust") - audit0, ok);
	assert_int_equal(kp_store_quota_set_end(f->c, &tester, 99999, 10), KP_DB_NOTFOUND);

	/* a returned permit's serial stays spent: the end cannot go below it */
	const char *why;
	kp_permit_t *list;
	int n;
	kp_permit_filter_t all = {.limit = 10};
	assert_int_equal(kp_store_permit_list(f->c, &f->a, &all, &list, &n), KP_DB_OK);
	assert_int_equal(n, 3);
	for (int i = 0; i < n; i++)
		assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, list[i].id, "returned", "unused", &why),
		                 KP_DB_OK);
	assert_int_equal(kp_store_quota_set_end(f->c, &tester, id, 2), KP_DB_CONFLICT);
	assert_int_equal(kp_store_quota_set_end(f->c, &tester, id, 3), KP_DB_OK);
	/* the serials do not come back: the next permit comes from the next range */
	const char *next = issue(f, f->carrier, f->truck, "UZ", 1);
	char want[40];
	snprintf(want, sizeof(want), "KG-UZ-%d-1-11", f->year);
	assert_string_equal(next, want);
}

/* Usage: drawn from the range, and what became of the permits. */
static void quota_usage(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t id = add_quota(f, "UZ", 1, 1, 10);
	add_quota(f, "TR", 1, 1, 5);
	const char *p[4];
	for (int i = 0; i < 4; i++)
		p[i] = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 10 + i, "truck", 5), "UZ", 1);
	const char *why;
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, p[0], "returned", "not needed", &why), KP_DB_OK);
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, p[1], "revoked", "fraud", &why), KP_DB_OK);
	kp_activity_row_t act = {.permit_id = p[2], .type = "ENTRANCE", .country = "UZ", .at = kp_now() - 60};
	assert_int_equal(kp_store_permit_activity_add(f->c, &f->a, &tester, &act, &why), KP_DB_OK);

	kp_quota_t q = quota(f, id);
	assert_int_equal(q.issued, 4);
	assert_int_equal(q.used, 1);
	assert_int_equal(q.returned, 1);
	assert_int_equal(q.revoked, 1);
	assert_int_equal(q.expired, 0);
	assert_int_equal(q.remaining, 6);
	assert_int_equal(q.next_serial, 5);

	/* listed at a time after the expiry, the unused permit counts as expired */
	kp_permit_t rec;
	assert_int_equal(kp_store_permit_get(f->c, &f->a, p[3], &rec), KP_DB_OK);
	kp_quota_t *list;
	int n;
	assert_int_equal(kp_store_quota_list(f->c, &f->a, "UZ", f->year, rec.expires_at + 1, &list, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, id);
	assert_int_equal(list[0].expired, 1);
	/* filters */
	assert_int_equal(kp_store_quota_list(f->c, &f->a, NULL, 0, kp_now(), &list, &n), KP_DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(kp_store_quota_list(f->c, &f->a, "TR", 0, kp_now(), &list, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].issued, 0);
	assert_int_equal(kp_store_quota_list(f->c, &f->a, NULL, f->year + 1, kp_now(), &list, &n), KP_DB_OK);
	assert_int_equal(n, 0);

	/* per carrier */
	kp_carrier_usage_t *u;
	assert_int_equal(kp_store_usage_by_carrier(f->c, &f->a, f->year, &u, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(u[0].org_id, f->carrier);
	assert_string_equal(u[0].verifier, "UZ");
	assert_int_equal(u[0].issued, 4);
	assert_int_equal(u[0].used, 1);
	assert_int_equal(u[0].returned, 1);
	assert_int_equal(u[0].revoked, 1);
}

/* ---- vehicles ---- */

static void vehicles(void **state)
{
	fx_t *f = *state;
	long long audit0 = audit_count(f->c, "vehicle.create");
	int64_t other = add_carrier(f, f->c, 2, "KG-XX-2020-0001");
	kp_vehicle_t v = {.org_id = f->carrier, .plate = "01KG777XYZ", .vin = "1HGCM82633A004352", .kind = "truck",
	                  .euro_class = 6};
	assert_int_equal(kp_store_vehicle_create(f->c, &tester, &v), KP_DB_OK);
	assert_true(v.id > 0);
	assert_string_equal(v.status, "active");

	static const struct {
		int64_t org; /* 0: the carrier, 1: the other, -1: none */
		const char *plate, *vin;
		int want;
	} rows[] = {
		{0, "01KG777XYZ", "1HGCM82633A004353", KP_DB_CONFLICT}, /* same plate */
		{1, "01KG777XYZ", "1HGCM82633A004353", KP_DB_CONFLICT}, /* same plate, another carrier */
		{1, "02KG777XYZ", "1HGCM82633A004352", KP_DB_CONFLICT}, /* same VIN */
		{-1, "03KG777XYZ", "1HGCM82633A004354", KP_DB_REF},     /* no such organisation */
		{1, "02KG777XYZ", "1HGCM82633A004353", KP_DB_OK},
	};
	long long created = 1;
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		kp_vehicle_t w = {.org_id = rows[i].org == 0 ? f->carrier : rows[i].org == 1 ? other : 99999,
		                  .plate = rows[i].plate, .vin = rows[i].vin, .kind = "tractor", .euro_class = 5};
		int rc = kp_store_vehicle_create(f->c, &tester, &w);
		if (rc != rows[i].want)
			fail_msg("row %zu: rc %d, want %d", i, rc, rows[i].want);
		created += rc == KP_DB_OK;
		assert_false(f->c->in_tx);
	}
	assert_int_equal(count_rows(f->c, "vehicles"), created + 1); /* and the fixture's truck */
	assert_int_equal(audit_count(f->c, "vehicle.create") - audit0, created);

	kp_vehicle_t got;
	assert_int_equal(kp_store_vehicle_get(f->c, &f->a, v.id, &got), KP_DB_OK);
	assert_string_equal(got.plate, "01KG777XYZ");
	assert_string_equal(got.vin, "1HGCM82633A004352");
	assert_int_equal(got.euro_class, 6);
	assert_null(got.make);
	assert_int_equal(kp_store_vehicle_by_plate(f->c, &f->a, "02KG777XYZ", &got), KP_DB_OK);
	assert_int_equal(got.org_id, other);
	assert_int_equal(kp_store_vehicle_by_plate(f->c, &f->a, "02kg777xyz", &got), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_vehicle_get(f->c, &f->a, 99999, &got), KP_DB_NOTFOUND);

	kp_vehicle_t *list;
	int n;
	assert_int_equal(kp_store_vehicle_list(f->c, &f->a, f->carrier, &list, &n), KP_DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].plate, "01KG777XYZ"); /* by plate */
	assert_int_equal(kp_store_vehicle_list(f->c, &f->a, 0, &list, &n), KP_DB_OK);
	assert_int_equal(n, 3);

	assert_int_equal(kp_store_vehicle_set_status(f->c, &tester, v.id, "retired"), KP_DB_OK);
	assert_int_equal(kp_store_vehicle_get(f->c, &f->a, v.id, &got), KP_DB_OK);
	assert_string_equal(got.status, "retired");
	assert_int_equal(audit_count(f->c, "vehicle.status"), 1);
	assert_int_equal(kp_store_vehicle_set_status(f->c, &tester, 99999, "retired"), KP_DB_NOTFOUND);
	assert_int_equal(audit_count(f->c, "vehicle.status"), 1);
}

/* ---- applications ---- */

static void apply_issues(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t qid = add_quota(f, "UZ", 1, 1, 100);
	long long audit0 = count_rows(f->c, "audit_log");
	kp_application_t ap;
	kp_issue_result_t res;
	assert_int_equal(apply(f, f->carrier, f->truck, "UZ", 1, &ap, &res), KP_DB_OK);
	assert_false(f->c->in_tx);
	assert_int_equal(res.nfailures, 0);
	assert_false(res.review);
	char want[40];
	snprintf(want, sizeof(want), "KG-UZ-%d-1-1", f->year);
	assert_string_equal(res.permit.id, want);
	assert_int_equal(res.permit.serial, 1);
	assert_int_equal(res.permit.quota_id, qid);
	assert_string_equal(ap.status, "issued");
	assert_string_equal(ap.permit_id, want);
	assert_true(ap.id > 0);
	/* two audit rows, written with the rest: the permit and the application */
	assert_int_equal(count_rows(f->c, "audit_log") - audit0, 2);
	assert_int_equal(audit_count(f->c, "permit.issue"), 1);
	assert_int_equal(audit_count(f->c, "permit_application.create"), 1);
	/* and one transparency-log leaf, which names the permit but neither plate nor company */
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves WHERE kind = 'permit.issue'"), 1);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves WHERE entry LIKE '%T0001KG%'"
	                                      " OR entry LIKE '%Carrier 1%' OR entry LIKE '%01507201910001%'"), 0);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves WHERE entry LIKE '%\"commitment\":%'"
	                                      " AND entry LIKE '%KG-UZ-%' AND salt IS NOT NULL"), 1);

	kp_permit_t p;
	assert_int_equal(kp_store_permit_get(f->c, &f->a, want, &p), KP_DB_OK);
	assert_string_equal(p.issuer, SELF);
	assert_string_equal(p.verifier, "UZ");
	assert_int_equal(p.year, f->year);
	assert_int_equal(p.type, 1);
	assert_string_equal(p.status, "issued");
	assert_false(p.used_up);
	assert_int_equal(p.org_id, f->carrier);
	assert_int_equal(p.vehicle_id, f->truck);
	assert_int_equal(p.application_id, ap.id);
	assert_string_equal(p.plate, "T0001KG");
	assert_string_equal(p.company_name, "Carrier 1 LLC");
	assert_string_equal(p.company_id, "01507201910001");
	assert_string_equal(p.kid, "test-kid");
	/* nothing asked: from us to the partner, no trailer, no other claims */
	assert_string_equal(p.departure_country, SELF);
	assert_string_equal(p.arrival_country, "UZ");
	assert_null(p.trailer_plate);
	assert_null(p.other_claims);
	char cred[80];
	snprintf(cred, sizeof(cred), "test-header.%s.test-signature", want);
	assert_string_equal(p.credential, cred);
	/* 31 January of the next year, end of the day at UTC+6 */
	int64_t exp_day = kp_days_from_civil(f->year + 1, 1, 31);
	assert_int_equal(p.expires_at, exp_day * 86400 + 86399 - OFFSET * 60);
	assert_true(p.issued_at >= kp_now() - 5 && p.issued_at <= kp_now());

	kp_application_t stored;
	assert_int_equal(kp_store_application_get(f->c, &f->a, ap.id, &stored), KP_DB_OK);
	assert_string_equal(stored.status, "issued");
	assert_string_equal(stored.permit_id, want);
	assert_string_equal(stored.reasons, "[]");
	assert_string_equal(stored.trip, "{\"route\":\"Osh - Andijan\"}");
	assert_int_equal(stored.org_id, f->carrier);
	assert_true(stored.decided_at > 0);

	/* serials follow each other */
	for (int i = 2; i <= 5; i++) {
		const char *id = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 100 + i, "truck", 5), "UZ", 1);
		snprintf(want, sizeof(want), "KG-UZ-%d-1-%d", f->year, i);
		assert_string_equal(id, want);
	}
	assert_int_equal(quota(f, qid).next_serial, 6);
	/* another type draws from its own quota */
	add_quota(f, "UZ", 2, 500, 600);
	const char *transit = issue(f, f->carrier, f->truck, "UZ", 2);
	snprintf(want, sizeof(want), "KG-UZ-%d-2-500", f->year);
	assert_string_equal(transit, want);
}

/* The trip the carrier gives (countries, trailer, other claims) is kept on the
 * application and carried by the permit, and read back on both backends. */
static void apply_trip_fields(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "TR", 2, 1, 10);
	kp_application_t ap;
	memset(&ap, 0, sizeof(ap));
	ap.verifier = "TR";
	ap.year = f->year;
	ap.type = 2;
	ap.vehicle_id = f->truck;
	ap.departure_country = "KG";
	ap.arrival_country = "GE";
	ap.trailer_plate = "01KG123ABC";
	ap.other_claims = "{\"cargo\":\"dried apricots\",\"tonnes\":20}";
	kp_issue_request_t rq = {SELF, OFFSET, f->carrier, 0, &ap, &test_signer};
	kp_issue_result_t res;
	assert_int_equal(kp_store_permit_apply(f->c, &f->a, &tester, &rq, &res), KP_DB_OK);
	assert_int_equal(res.nfailures, 0);
	kp_permit_t p;
	assert_int_equal(kp_store_permit_get(f->c, &f->a, res.permit.id, &p), KP_DB_OK);
	assert_string_equal(p.departure_country, "KG");
	assert_string_equal(p.arrival_country, "GE");
	assert_string_equal(p.trailer_plate, "01KG123ABC");
	assert_string_equal(p.other_claims, "{\"cargo\":\"dried apricots\",\"tonnes\":20}");
	kp_application_t stored;
	assert_int_equal(kp_store_application_get(f->c, &f->a, ap.id, &stored), KP_DB_OK);
	assert_string_equal(stored.departure_country, "KG");
	assert_string_equal(stored.arrival_country, "GE");
	assert_string_equal(stored.trailer_plate, "01KG123ABC");
	assert_string_equal(stored.other_claims, p.other_claims);
	/* found by the trailer's plate among the list's filters */
	kp_permit_t *list;
	int n;
	kp_permit_filter_t flt = {.plate = NULL};
	assert_int_equal(kp_store_permit_list(f->c, &f->a, &flt, &list, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].trailer_plate, "01KG123ABC");
}

/* Ranges are drawn lowest first; when one is spent the next one continues. */
static void apply_draws_ranges_in_order(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "TR", 1, 50, 51);
	add_quota(f, "TR", 1, 7, 7);
	static const char *const serials[] = {"7", "50", "51"};
	for (size_t i = 0; i < KP_ROWS(serials); i++) {
		const char *id = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 200 + (int)i, "truck", 5), "TR", 1);
		char want[40];
		snprintf(want, sizeof(want), "KG-TR-%d-1-%s", f->year, serials[i]);
		assert_string_equal(id, want);
	}
	kp_application_t ap;
	kp_issue_result_t res;
	assert_int_equal(apply(f, f->carrier, add_vehicle(f, f->c, f->carrier, 299, "truck", 5), "TR", 1, &ap, &res),
	                 KP_DB_OK);
	char buf[256];
	assert_string_equal(codes_of(&res, buf, sizeof(buf)), "INSUFFICIENT_PERMIT_QUOTA");
	assert_string_equal(ap.status, "refused");
}

static void apply_refused_is_stored(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t qid = add_quota(f, "UZ", 1, 1, 10);
	int64_t nolicence = add_carrier(f, f->c, 2, NULL);
	int64_t trailer = add_vehicle(f, f->c, nolicence, 2, "trailer", 2);
	assert_int_equal(kp_store_vehicle_set_status(f->c, &tester, trailer, "retired"), KP_DB_OK);
	long long audit0 = count_rows(f->c, "audit_log");
	kp_application_t ap;
	kp_issue_result_t res;
	assert_int_equal(apply(f, nolicence, trailer, "UZ", 1, &ap, &res), KP_DB_OK);
	char buf[256];
	assert_string_equal(codes_of(&res, buf, sizeof(buf)),
	                    "CARRIER_NO_LICENCE VEHICLE_RETIRED VEHICLE_KIND VEHICLE_EMISSION_CLASS");
	assert_null(res.permit.id);
	assert_string_equal(ap.status, "refused");
	assert_null(ap.permit_id);
	assert_int_equal(count_rows(f->c, "permits"), 0);
	assert_int_equal(quota(f, qid).next_serial, 1);
	/* one audit row: the application */
	assert_int_equal(count_rows(f->c, "audit_log") - audit0, 1);
	assert_int_equal(audit_count(f->c, "permit_application.create"), 1);

	/* the stored reasons are the failures, as JSON */
	kp_application_t stored;
	assert_int_equal(kp_store_application_get(f->c, &f->a, ap.id, &stored), KP_DB_OK);
	assert_string_equal(stored.status, "refused");
	json_error_t e;
	json_t *reasons = json_loads(stored.reasons, 0, &e);
	assert_non_null(reasons);
	assert_int_equal(json_array_size(reasons), 4);
	for (int i = 0; i < 4; i++) {
		json_t *r = json_array_get(reasons, (size_t)i);
		assert_string_equal(json_string_value(json_object_get(r, "code")), res.failures[i].code);
		assert_string_equal(json_string_value(json_object_get(r, "message")), res.failures[i].message);
	}
	json_decref(reasons);

	/* someone else's vehicle, a suspended carrier, and no quota at all */
	assert_int_equal(kp_store_org_set_status(f->c, &tester, nolicence, "suspended", "test"), KP_DB_OK);
	assert_int_equal(apply(f, nolicence, f->truck, "TR", 1, &ap, &res), KP_DB_OK);
	assert_string_equal(codes_of(&res, buf, sizeof(buf)),
	                    "CARRIER_SUSPENDED CARRIER_NO_LICENCE VEHICLE_NOT_OWNED INSUFFICIENT_PERMIT_QUOTA");
	/* a vehicle that does not exist (or is someone else's) cannot be referenced: the
	 * refusal names every reason and is audited, but no application row is stored */
	long long apps = count_rows(f->c, "permit_applications"), audit1 = count_rows(f->c, "audit_log");
	assert_int_equal(apply(f, f->carrier, 99999, "UZ", 1, &ap, &res), KP_DB_OK);
	assert_string_equal(codes_of(&res, buf, sizeof(buf)), "VEHICLE_NOT_OWNED");
	assert_false(f->c->in_tx);
	assert_int_equal(count_rows(f->c, "permit_applications"), apps);
	assert_int_equal(count_rows(f->c, "audit_log"), audit1 + 1);
	assert_int_equal(audit_count(f->c, "permit_application.refuse"), 2);

	kp_application_t *list;
	int n;
	assert_int_equal(kp_store_application_list(f->c, &f->a, nolicence, "refused", 10, &list, &n), KP_DB_OK);
	assert_int_equal(n, 1); /* the application naming someone else's truck was not stored */
	assert_int_equal(kp_store_application_list(f->c, &f->a, f->carrier, NULL, 10, &list, &n), KP_DB_OK);
	assert_int_equal(n, 0);
}

/* The holding limit and duplicates count unused permits only. */
static void apply_holding_limit_and_duplicates(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "CN", 3, 1, 100); /* THIRDCOUNTRY: holding limit 3 */
	const char *held[3];
	for (int i = 0; i < 3; i++)
		held[i] = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 300 + i, "truck", 5), "CN", 3);
	kp_application_t ap;
	kp_issue_result_t res;
	char buf[256];
	int64_t v4 = add_vehicle(f, f->c, f->carrier, 304, "truck", 5);
	assert_int_equal(apply(f, f->carrier, v4, "CN", 3, &ap, &res), KP_DB_OK);
	assert_string_equal(codes_of(&res, buf, sizeof(buf)), "HOLDING_LIMIT");
	/* another carrier is not affected */
	int64_t other = add_carrier(f, f->c, 2, "KG-XX-2020-0002");
	issue(f, other, add_vehicle(f, f->c, other, 310, "truck", 5), "CN", 3);
	/* a returned permit no longer counts; a used one neither */
	const char *why;
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, held[0], "returned", "unused", &why), KP_DB_OK);
	issue(f, f->carrier, v4, "CN", 3);
	kp_activity_row_t act = {.permit_id = held[1], .type = "ENTRANCE", .country = "CN", .at = kp_now() - 60};
	assert_int_equal(kp_store_permit_activity_add(f->c, &f->a, &tester, &act, &why), KP_DB_OK);
	issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 305, "truck", 5), "CN", 3);

	/* the same vehicle twice for the same partner, type and year */
	add_quota(f, "UZ", 1, 1, 10);
	issue(f, f->carrier, f->truck, "UZ", 1);
	assert_int_equal(apply(f, f->carrier, f->truck, "UZ", 1, &ap, &res), KP_DB_OK);
	assert_string_equal(codes_of(&res, buf, sizeof(buf)), "DUPLICATE_PERMIT");
	/* another type or partner is no duplicate */
	add_quota(f, "UZ", 2, 1, 10);
	issue(f, f->carrier, f->truck, "UZ", 2);
}

/* The signature or an audit insert failing leaves nothing behind: the application, the
 * permit, the serial and the audit rows are one transaction. */
static void apply_faults_leave_nothing(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t qid = add_quota(f, "UZ", 1, 1, 10);
	static const char *const faulty_actions[] = {"permit.issue", "permit_application.create"};
	for (size_t i = 0; i <= KP_ROWS(faulty_actions); i++) {
		bool signer_fault = i == KP_ROWS(faulty_actions);
		if (!signer_fault)
			inject_audit_fault(f, faulty_actions[i]);
		long long audit0 = count_rows(f->c, "audit_log");
		kp_application_t ap;
		kp_issue_result_t res;
		int rc = apply_on(f->c, &f->a, f->year, f->carrier, f->truck, "UZ", 1,
		                  signer_fault ? &broken_signer : &test_signer, &ap, &res);
		if (rc == KP_DB_OK)
			fail_msg("%s: the application went through", signer_fault ? "signer" : faulty_actions[i]);
		assert_false(f->c->in_tx);
		assert_int_equal(count_rows(f->c, "permits"), 0);
		assert_int_equal(count_rows(f->c, "permit_applications"), 0);
		assert_int_equal(count_rows(f->c, "audit_log"), audit0);
		/* only the quota's leaf */
		assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves"), 1);
		assert_int_equal(kp_store_count(f->c, "SELECT size FROM tlog_state"), 1);
		assert_int_equal(quota(f, qid).next_serial, 1);
		if (!signer_fault)
			remove_audit_fault(f);
	}
	/* and afterwards the first serial is still there */
	const char *id = issue(f, f->carrier, f->truck, "UZ", 1);
	char want[40];
	snprintf(want, sizeof(want), "KG-UZ-%d-1-1", f->year);
	assert_string_equal(id, want);
}

static void set_review(fx_t *f, int type, const char *review)
{
	kp_permit_type_t t;
	assert_int_equal(kp_store_permit_type_get(f->c, &f->a, type, &t), KP_DB_OK);
	t.review = review;
	assert_int_equal(kp_store_permit_type_update(f->c, &tester, &t), KP_DB_OK);
}

static int decide_on(fx_t *f, int64_t app_id, bool approve, const char *reason, kp_application_t *ap,
                     kp_issue_result_t *res)
{
	memset(ap, 0, sizeof(*ap));
	kp_issue_request_t rq = {SELF, OFFSET, 0, 0, ap, &test_signer};
	kp_actor_t ministry = {0, "ministry", "req-2", "192.0.2.8"};
	return kp_store_application_decide(f->c, &f->a, &ministry, app_id, approve, reason, &rq, res);
}

static void review_queue(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t qid = add_quota(f, "UZ", 1, 1, 10);
	set_review(f, 1, "always");
	int64_t v2 = add_vehicle(f, f->c, f->carrier, 2, "truck", 5);
	int64_t v3 = add_vehicle(f, f->c, f->carrier, 3, "truck", 5);
	kp_application_t a1, a2, a3, d;
	kp_issue_result_t res;
	assert_int_equal(apply(f, f->carrier, f->truck, "UZ", 1, &a1, &res), KP_DB_OK);
	assert_true(res.review);
	assert_int_equal(res.nfailures, 0);
	assert_null(res.permit.id);
	assert_string_equal(a1.status, "pending_review");
	assert_int_equal(apply(f, f->carrier, v2, "UZ", 1, &a2, &res), KP_DB_OK);
	assert_int_equal(apply(f, f->carrier, v3, "UZ", 1, &a3, &res), KP_DB_OK);
	assert_int_equal(count_rows(f->c, "permits"), 0);
	assert_int_equal(quota(f, qid).next_serial, 1);
	kp_application_t *list;
	int n;
	assert_int_equal(kp_store_application_list(f->c, &f->a, 0, "pending_review", 100, &list, &n), KP_DB_OK);
	assert_int_equal(n, 3);
	kp_application_t stored;
	assert_int_equal(kp_store_application_get(f->c, &f->a, a1.id, &stored), KP_DB_OK);
	assert_int_equal(stored.decided_at, 0);

	/* approve: issued, decision recorded */
	long long audit0 = audit_count(f->c, "permit_application.decide");
	assert_int_equal(decide_on(f, a1.id, true, "papers checked", &d, &res), KP_DB_OK);
	assert_false(f->c->in_tx);
	assert_int_equal(res.nfailures, 0);
	assert_non_null(res.permit.id);
	assert_int_equal(res.permit.application_id, a1.id);
	assert_string_equal(d.status, "issued");
	assert_int_equal(kp_store_application_get(f->c, &f->a, a1.id, &stored), KP_DB_OK);
	assert_string_equal(stored.status, "issued");
	assert_string_equal(stored.permit_id, res.permit.id);
	assert_string_equal(stored.decision_reason, "papers checked");
	assert_true(stored.decided_at > 0);
	kp_permit_t p;
	assert_int_equal(kp_store_permit_get(f->c, &f->a, res.permit.id, &p), KP_DB_OK);
	assert_int_equal(p.application_id, a1.id);
	assert_int_equal(quota(f, qid).next_serial, 2);
	assert_int_equal(audit_count(f->c, "permit_application.decide") - audit0, 1);
	/* only once */
	assert_int_equal(decide_on(f, a1.id, true, "again", &d, &res), KP_DB_CONFLICT);
	assert_int_equal(decide_on(f, a1.id, false, "again", &d, &res), KP_DB_CONFLICT);
	assert_false(f->c->in_tx);

	/* reject: no permit */
	assert_int_equal(decide_on(f, a2.id, false, "incomplete papers", &d, &res), KP_DB_OK);
	assert_string_equal(d.status, "rejected");
	assert_null(res.permit.id);
	assert_int_equal(kp_store_application_get(f->c, &f->a, a2.id, &stored), KP_DB_OK);
	assert_string_equal(stored.status, "rejected");
	assert_string_equal(stored.decision_reason, "incomplete papers");
	assert_null(stored.permit_id);
	assert_int_equal(count_rows(f->c, "permits"), 1);

	/* approve after the carrier was suspended: the checks run again and refuse */
	assert_int_equal(kp_store_org_set_status(f->c, &tester, f->carrier, "suspended", "fines"), KP_DB_OK);
	assert_int_equal(decide_on(f, a3.id, true, "ok", &d, &res), KP_DB_OK);
	char buf[256];
	assert_string_equal(codes_of(&res, buf, sizeof(buf)), "CARRIER_SUSPENDED");
	assert_null(res.permit.id);
	assert_int_equal(kp_store_application_get(f->c, &f->a, a3.id, &stored), KP_DB_OK);
	assert_string_equal(stored.status, "refused");
	assert_non_null(strstr(stored.reasons, "CARRIER_SUSPENDED"));
	assert_int_equal(count_rows(f->c, "permits"), 1);

	assert_int_equal(decide_on(f, 99999, true, "ok", &d, &res), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_application_list(f->c, &f->a, 0, "pending_review", 100, &list, &n), KP_DB_OK);
	assert_int_equal(n, 0);
}

/* review = first_permit: the carrier's first permit of the type waits, the next does not. */
static void review_first_permit(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "UZ", 1, 1, 10);
	set_review(f, 1, "first_permit");
	kp_application_t a1, a2, d;
	kp_issue_result_t res;
	assert_int_equal(apply(f, f->carrier, f->truck, "UZ", 1, &a1, &res), KP_DB_OK);
	assert_true(res.review);
	assert_int_equal(decide_on(f, a1.id, true, "first one", &d, &res), KP_DB_OK);
	assert_non_null(res.permit.id);
	assert_int_equal(apply(f, f->carrier, add_vehicle(f, f->c, f->carrier, 2, "truck", 5), "UZ", 1, &a2, &res),
	                 KP_DB_OK);
	assert_false(res.review);
	assert_non_null(res.permit.id);
	/* a refused application is refused at once, never queued */
	set_review(f, 1, "always");
	assert_int_equal(apply(f, f->carrier, f->truck, "UZ", 1, &a2, &res), KP_DB_OK);
	assert_false(res.review);
	assert_string_equal(a2.status, "refused");
}

/* ---- races ---- */

struct applicant {
	kp_store_t *s;
	pthread_barrier_t *go;
	int year;
	int64_t org, vehicle;
	int rc;
	bool issued;
	int64_t serial;
	char codes[256];
};

static void *apply_thread(void *p)
{
	struct applicant *x = p;
	kp_conn_t *c = kp_store_acquire(x->s);
	kp_arena_t a;
	kp_arena_init(&a);
	kp_application_t ap;
	kp_issue_result_t res;
	pthread_barrier_wait(x->go);
	x->rc = apply_on(c, &a, x->year, x->org, x->vehicle, "UZ", 1, &test_signer, &ap, &res);
	x->issued = x->rc == KP_DB_OK && res.permit.id != NULL;
	x->serial = x->issued ? res.permit.serial : 0;
	codes_of(&res, x->codes, sizeof(x->codes));
	kp_arena_cleanup(&a);
	kp_store_release(x->s, c);
	return NULL;
}

/* RACERS carriers, each with its own connection, apply at once for the last 10 serials
 * of a quota: exactly 10 get one, each a different serial, the others are refused for
 * the quota alone, and the quota's next serial is right after the last one drawn. */
static void race_for_the_last_serials(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t qid = add_quota(f, "UZ", 1, 1, 100);
	/* 90 already drawn */
	exec_sql(f->c, "UPDATE quotas SET next_serial = 91");
	struct applicant x[RACERS];
	pthread_t t[RACERS];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		int64_t org = add_carrier(f, f->c, 100 + i, "KG-RC-2026-0001");
		x[i] = (struct applicant){.s = f->s, .go = &go, .year = f->year, .org = org,
		                          .vehicle = add_vehicle(f, f->c, org, 100 + i, i % 2 ? "truck" : "tractor", 5),
		                          .rc = -99};
	}
	kp_store_release(f->s, f->c); /* the pool is RACERS connections: one each */
	f->c = NULL;
	for (int i = 0; i < RACERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, apply_thread, &x[i]), 0);
	for (int i = 0; i < RACERS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);
	f->c = kp_store_acquire(f->s);

	int issued = 0;
	bool seen[11] = {false};
	for (int i = 0; i < RACERS; i++) {
		if (x[i].rc != KP_DB_OK)
			fail_msg("applicant %d: rc %d", i, x[i].rc);
		if (x[i].issued) {
			issued++;
			if (x[i].serial < 91 || x[i].serial > 100)
				fail_msg("applicant %d got serial %lld, outside 91-100", i, (long long)x[i].serial);
			if (seen[x[i].serial - 90])
				fail_msg("serial %lld was issued twice", (long long)x[i].serial);
			seen[x[i].serial - 90] = true;
			assert_string_equal(x[i].codes, "");
		} else if (strcmp(x[i].codes, "INSUFFICIENT_PERMIT_QUOTA") != 0) {
			fail_msg("applicant %d refused for [%s], want [INSUFFICIENT_PERMIT_QUOTA]", i, x[i].codes);
		}
	}
	assert_int_equal(issued, 10);
	kp_quota_t q = quota(f, qid);
	assert_int_equal(q.next_serial, 101);
	assert_int_equal(q.issued, 10);
	assert_int_equal(q.remaining, 0);
	assert_int_equal(count_rows(f->c, "permits"), 10);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(DISTINCT serial) FROM permits"), 10);
	assert_int_equal(count_rows(f->c, "permit_applications"), RACERS);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM permit_applications WHERE status = 'refused'"),
	                 RACERS - 10);
	assert_int_equal(audit_count(f->c, "permit.issue"), 10);
	assert_int_equal(audit_count(f->c, "permit_application.create"), RACERS);
	/* every decision has its leaf, numbered without gaps under the race */
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves WHERE kind = 'permit.issue'"), 10);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves WHERE kind = 'application.refuse'"
	                                      " AND entry LIKE '%INSUFFICIENT_PERMIT_QUOTA%'"), RACERS - 10);
	assert_int_equal(kp_store_count(f->c, "SELECT MAX(idx) + 1 - COUNT(*) FROM tlog_leaves"), 0);
	assert_int_equal(kp_store_count(f->c, "SELECT size FROM tlog_state"), RACERS + 1); /* and the quota's */
}

struct decider {
	kp_store_t *s;
	pthread_barrier_t *go;
	int64_t app_id;
	int rc;
	bool issued;
};

static void *decide_thread(void *p)
{
	struct decider *x = p;
	kp_conn_t *c = kp_store_acquire(x->s);
	kp_arena_t a;
	kp_arena_init(&a);
	kp_application_t ap = {0};
	kp_issue_result_t res;
	kp_issue_request_t rq = {SELF, OFFSET, 0, 0, &ap, &test_signer};
	pthread_barrier_wait(x->go);
	x->rc = kp_store_application_decide(c, &a, &tester, x->app_id, true, "approved", &rq, &res);
	x->issued = x->rc == KP_DB_OK && res.permit.id != NULL;
	kp_arena_cleanup(&a);
	kp_store_release(x->s, c);
	return NULL;
}

/* Several ministry officials approve the same queued application at once: one permit. */
static void race_to_approve(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	int64_t qid = add_quota(f, "UZ", 1, 1, 100);
	set_review(f, 1, "always");
	kp_application_t ap;
	kp_issue_result_t res;
	assert_int_equal(apply(f, f->carrier, f->truck, "UZ", 1, &ap, &res), KP_DB_OK);
	assert_true(res.review);
	enum { N = 8 };
	struct decider x[N];
	pthread_t t[N];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, N);
	kp_store_release(f->s, f->c);
	f->c = NULL;
	for (int i = 0; i < N; i++) {
		x[i] = (struct decider){f->s, &go, ap.id, -99, false};
		assert_int_equal(pthread_create(&t[i], NULL, decide_thread, &x[i]), 0);
	}
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);
	f->c = kp_store_acquire(f->s);
	int ok = 0, issued = 0;
	for (int i = 0; i < N; i++) {
		if (x[i].rc != KP_DB_OK && x[i].rc != KP_DB_CONFLICT)
			fail_msg("decider %d: rc %d", i, x[i].rc);
		ok += x[i].rc == KP_DB_OK;
		issued += x[i].issued;
	}
	assert_int_equal(count_rows(f->c, "permits"), 1);
	assert_int_equal(issued, 1);
	assert_int_equal(ok, 1);
	assert_int_equal(quota(f, qid).next_serial, 2);
	assert_int_equal(audit_count(f->c, "permit_application.decide"), 1);
}

struct quota_maker {
	kp_store_t *s;
	pthread_barrier_t *go;
	int year;
	int64_t start, end;
	int rc;
};

static void *quota_thread(void *p)
{
	struct quota_maker *x = p;
	kp_conn_t *c = kp_store_acquire(x->s);
	kp_quota_t q = {.issuer = SELF, .verifier = "KZ", .year = x->year, .type = 1, .start_number = x->start,
	                .end_number = x->end};
	pthread_barrier_wait(x->go);
	x->rc = kp_store_quota_create(c, &tester, &q);
	kp_store_release(x->s, c);
	return NULL;
}

/* Ministry officials enter overlapping ranges at once: one is kept. */
static void race_overlapping_quotas(void **state)
{
	fx_t *f = *state;
	enum { N = 8 };
	struct quota_maker x[N];
	pthread_t t[N];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, N);
	kp_store_release(f->s, f->c);
	f->c = NULL;
	for (int i = 0; i < N; i++) {
		x[i] = (struct quota_maker){f->s, &go, f->year, 1 + i * 10, 100 + i * 10, -99};
		assert_int_equal(pthread_create(&t[i], NULL, quota_thread, &x[i]), 0);
	}
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);
	f->c = kp_store_acquire(f->s);
	int ok = 0;
	for (int i = 0; i < N; i++) {
		if (x[i].rc != KP_DB_OK && x[i].rc != KP_DB_CONFLICT)
			fail_msg("creator %d: rc %d", i, x[i].rc);
		ok += x[i].rc == KP_DB_OK;
	}
	assert_int_equal(ok, 1);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM quotas WHERE verifier = 'KZ'"), 1);
}

/* ---- withdrawing ---- */

static void withdraw(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "UZ", 1, 1, 10);
	const char *p1 = issue(f, f->carrier, f->truck, "UZ", 1);
	const char *p2 = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 2, "truck", 5), "UZ", 1);
	const char *p3 = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 3, "truck", 5), "UZ", 1);
	const char *why = "untouched";

	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, p1, "returned", "trip cancelled", &why),
	                 KP_DB_OK);
	assert_null(why);
	kp_permit_t p;
	assert_int_equal(kp_store_permit_get(f->c, &f->a, p1, &p), KP_DB_OK);
	assert_string_equal(p.status, "returned");
	assert_string_equal(p.status_reason, "trip cancelled");
	assert_true(p.status_at > 0);
	assert_int_equal(audit_count(f->c, "permit.return"), 1);

	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, p2, "revoked", "forged papers", &why), KP_DB_OK);
	assert_int_equal(audit_count(f->c, "permit.revoke"), 1);

	/* from issued only */
	static const struct {
		int which;
		const char *status;
		const char *why;
	} rows[] = {
		{1, "returned", "returned"}, {1, "revoked", "returned"}, {2, "revoked", "revoked"}, {2, "returned", "revoked"},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		why = NULL;
		assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, rows[i].which == 1 ? p1 : p2, rows[i].status,
		                                          "again", &why),
		                 KP_DB_CONFLICT);
		assert_string_equal(why, rows[i].why);
		assert_false(f->c->in_tx);
	}
	/* a used permit cannot be withdrawn */
	kp_activity_row_t act = {.permit_id = p3, .type = "ENTRANCE", .country = "UZ", .at = kp_now() - 60};
	assert_int_equal(kp_store_permit_activity_add(f->c, &f->a, &tester, &act, &why), KP_DB_OK);
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, p3, "revoked", "x", &why), KP_DB_CONFLICT);
	assert_string_equal(why, "PERMIT_USED");
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, p3, "returned", "x", &why), KP_DB_CONFLICT);
	assert_string_equal(why, "PERMIT_USED");
	assert_int_equal(kp_store_permit_get(f->c, &f->a, p3, &p), KP_DB_OK);
	assert_string_equal(p.status, "used");

	char missing[40];
	snprintf(missing, sizeof(missing), "KG-UZ-%d-1-999", f->year);
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, missing, "revoked", "x", &why), KP_DB_NOTFOUND);
	assert_int_equal(audit_count(f->c, "permit.return") + audit_count(f->c, "permit.revoke"), 2);

	/* a failing audit insert undoes the withdrawal */
	const char *p4 = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 4, "truck", 5), "UZ", 1);
	inject_audit_fault(f, "permit.revoke");
	assert_int_not_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, p4, "revoked", "x", &why), KP_DB_OK);
	assert_false(f->c->in_tx);
	assert_int_equal(kp_store_permit_get(f->c, &f->a, p4, &p), KP_DB_OK);
	assert_string_equal(p.status, "issued");
}

/* ---- activities ---- */

static int add_activity(fx_t *f, const char *permit, const char *type, const char *country, int64_t at,
                        const char **why)
{
	kp_activity_row_t act = {.permit_id = permit, .type = type, .country = country, .at = at,
	                         .checkpoint = "Dostyk", .details = NULL};
	*why = NULL;
	return kp_store_permit_activity_add(f->c, &f->a, &tester, &act, why);
}

static void activities(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "UZ", 1, 1, 10);
	add_quota(f, "TRACECA", 7, 1, 10);
	const char *bi = issue(f, f->carrier, f->truck, "UZ", 1);
	const char *multi = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 2, "tractor", 6), "TRACECA", 7);
	int64_t t0 = kp_now(); /* crossings come after the permit was issued */

	static const struct {
		int permit; /* 0 bilateral, 1 multilateral */
		const char *type, *country;
		const char *why; /* NULL: recorded */
		const char *status;
		bool used_up;
	} rows[] = {
		{0, "EXIT", "UZ", "NOT_ENTERED", "issued", false},
		{0, "ENTRANCE", "UZ", NULL, "used", false},
		{0, "ENTRANCE", "UZ", "ALREADY_ENTERED", "used", false},
		{0, "EXIT", "UZ", NULL, "used", true},
		{0, "ENTRANCE", "UZ", "PERMIT_USED", "used", true},
		{0, "EXIT", "UZ", "PERMIT_USED", "used", true}, /* used up: no more activities */
		{1, "EXIT", SELF, NULL, "used", false}, /* out of Kyrgyzstan */
		{1, "ENTRANCE", "TR", NULL, "used", false},
		{1, "EXIT", "TR", NULL, "used", false},
		{1, "ENTRANCE", "TR", NULL, "used", false},
		{1, "EXIT", "TR", NULL, "used", false},
		{1, "ENTRANCE", "TR", "PERMIT_USED", "used", false}, /* at most two entries per member country */
		{1, "ENTRANCE", "GE", NULL, "used", false},
		{1, "EXIT", "GE", NULL, "used", false},
		{1, "ENTRANCE", SELF, NULL, "used", true},          /* home again: the round trip is made */
		{1, "ENTRANCE", "GE", "PERMIT_USED", "used", true},
	};
	long long audit0 = audit_count(f->c, "permit.activity");
	long long recorded = 0;
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		const char *id = rows[i].permit ? multi : bi;
		const char *why;
		int rc = add_activity(f, id, rows[i].type, rows[i].country, t0 + (int64_t)i * 60, &why);
		if (rows[i].why == NULL && (rc != KP_DB_OK || why))
			fail_msg("row %zu (%s %s): rc %d, %s", i, rows[i].type, rows[i].country, rc, why ? why : "");
		if (rows[i].why && (rc != KP_DB_CONFLICT || why == NULL || strcmp(why, rows[i].why) != 0))
			fail_msg("row %zu (%s %s): rc %d, %s; want %s", i, rows[i].type, rows[i].country, rc, why ? why : "(none)",
			         rows[i].why);
		assert_false(f->c->in_tx);
		recorded += rc == KP_DB_OK;
		kp_permit_t p;
		assert_int_equal(kp_store_permit_get(f->c, &f->a, id, &p), KP_DB_OK);
		assert_string_equal(p.status, rows[i].status);
		if (p.used_up != rows[i].used_up)
			fail_msg("row %zu: used_up %d, want %d", i, p.used_up, rows[i].used_up);
	}
	assert_int_equal(audit_count(f->c, "permit.activity") - audit0, recorded);
	assert_int_equal(count_rows(f->c, "permit_activities"), recorded);

	kp_activity_row_t *list;
	int n;
	assert_int_equal(kp_store_permit_activities(f->c, &f->a, bi, &list, &n), KP_DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].type, "ENTRANCE");
	assert_string_equal(list[1].type, "EXIT");
	assert_string_equal(list[0].checkpoint, "Dostyk");
	assert_string_equal(list[0].permit_id, bi);
	assert_true(list[0].at < list[1].at);

	/* revoked and returned permits take no activity */
	const char *r1 = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 3, "truck", 5), "UZ", 1);
	const char *r2 = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 4, "truck", 5), "UZ", 1);
	const char *why;
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, r1, "revoked", "x", &why), KP_DB_OK);
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, r2, "returned", "x", &why), KP_DB_OK);
	assert_int_equal(add_activity(f, r1, "ENTRANCE", "UZ", t0, &why), KP_DB_CONFLICT);
	assert_string_equal(why, "PERMIT_REVOKED");
	assert_int_equal(add_activity(f, r2, "ENTRANCE", "UZ", t0, &why), KP_DB_CONFLICT);
	assert_string_equal(why, "PERMIT_RETURNED");
	char missing[40];
	snprintf(missing, sizeof(missing), "KG-UZ-%d-1-999", f->year);
	assert_int_equal(add_activity(f, missing, "ENTRANCE", "UZ", t0, &why), KP_DB_NOTFOUND);
	assert_false(f->c->in_tx);

	/* a failing audit insert undoes the activity and the status change */
	const char *r3 = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 5, "truck", 5), "UZ", 1);
	long long acts = count_rows(f->c, "permit_activities");
	inject_audit_fault(f, "permit.activity");
	assert_int_not_equal(add_activity(f, r3, "ENTRANCE", "UZ", t0, &why), KP_DB_OK);
	assert_false(f->c->in_tx);
	assert_int_equal(count_rows(f->c, "permit_activities"), acts);
	kp_permit_t p;
	assert_int_equal(kp_store_permit_get(f->c, &f->a, r3, &p), KP_DB_OK);
	assert_string_equal(p.status, "issued");
}

/* An activity dated before an earlier one, or long before the permit was issued, is
 * refused: the history must read in time order. */
static void activity_out_of_time_order(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "UZ", 1, 1, 10);
	const char *id = issue(f, f->carrier, f->truck, "UZ", 1);
	int64_t t = kp_now() + 3600;
	const char *why;
	assert_int_equal(add_activity(f, id, "ENTRANCE", "UZ", t, &why), KP_DB_OK);
	assert_int_equal(add_activity(f, id, "EXIT", "UZ", t - 1800, &why), KP_DB_CONFLICT);
	assert_string_equal(why, "ACTIVITY_OUT_OF_ORDER");
	assert_int_equal(add_activity(f, id, "EXIT", "UZ", kp_now() - 3600, &why), KP_DB_CONFLICT);
}

/* ---- reading permits ---- */

static void permit_lists(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	add_quota(f, "UZ", 1, 1, 10);
	add_quota(f, "TR", 1, 1, 10);
	int64_t other = add_carrier(f, f->c, 2, "KG-XX-2020-0003");
	issue(f, f->carrier, f->truck, "UZ", 1);
	issue(f, f->carrier, f->truck, "TR", 1);
	const char *theirs = issue(f, other, add_vehicle(f, f->c, other, 2, "truck", 5), "UZ", 1);
	const char *why;
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, theirs, "revoked", "x", &why), KP_DB_OK);
	static const struct {
		kp_permit_filter_t filter;
		int want;
	} rows[] = {
		{{.limit = 100}, 3},
		{{.limit = 2}, 2},
		{{.limit = 0}, 3}, /* 0: the default */
		{{.org_id = 1}, 2},
		{{.plate = "T0001KG"}, 2},
		{{.plate = "T0002KG"}, 1},
		{{.plate = "t0001kg"}, 0},
		{{.verifier = "UZ"}, 2},
		{{.verifier = "TR", .plate = "T0001KG"}, 1},
		{{.issuer = "KG"}, 3},
		{{.issuer = "UZ"}, 0},
		{{.status = "revoked"}, 1},
		{{.status = "issued"}, 2},
		{{.year = 2001}, 0},
	};
	for (size_t i = 0; i < KP_ROWS(rows); i++) {
		kp_permit_filter_t flt = rows[i].filter;
		if (flt.org_id == 1)
			flt.org_id = f->carrier;
		kp_permit_t *list;
		int n;
		assert_int_equal(kp_store_permit_list(f->c, &f->a, &flt, &list, &n), KP_DB_OK);
		if (n != rows[i].want)
			fail_msg("filter row %zu: %d permits, want %d", i, n, rows[i].want);
	}
	kp_permit_filter_t year = {.year = f->year};
	kp_permit_t *list;
	int n;
	assert_int_equal(kp_store_permit_list(f->c, &f->a, &year, &list, &n), KP_DB_OK);
	assert_int_equal(n, 3);
	kp_permit_t p;
	assert_int_equal(kp_store_permit_get(f->c, &f->a, "KG-UZ-2001-1-1", &p), KP_DB_NOTFOUND);
}

#define PERMIT_TESTS                                                                           \
	cmocka_unit_test_setup_teardown(quota_create_and_overlaps, setup, teardown),                 \
	cmocka_unit_test_setup_teardown(quota_adjust, setup, teardown),                              \
	cmocka_unit_test_setup_teardown(quota_usage, setup, teardown),                               \
	cmocka_unit_test_setup_teardown(vehicles, setup, teardown),                                  \
	cmocka_unit_test_setup_teardown(apply_issues, setup, teardown),                              \
	cmocka_unit_test_setup_teardown(apply_trip_fields, setup, teardown),                         \
	cmocka_unit_test_setup_teardown(apply_draws_ranges_in_order, setup, teardown),               \
	cmocka_unit_test_setup_teardown(apply_refused_is_stored, setup, teardown),                   \
	cmocka_unit_test_setup_teardown(apply_holding_limit_and_duplicates, setup, teardown),        \
	cmocka_unit_test_setup_teardown(apply_faults_leave_nothing, setup, teardown),                \
	cmocka_unit_test_setup_teardown(review_queue, setup, teardown),                              \
	cmocka_unit_test_setup_teardown(review_first_permit, setup, teardown),                       \
	cmocka_unit_test_setup_teardown(race_for_the_last_serials, setup_racers, teardown),          \
	cmocka_unit_test_setup_teardown(race_to_approve, setup_racers, teardown),                    \
	cmocka_unit_test_setup_teardown(race_overlapping_quotas, setup_racers, teardown),            \
	cmocka_unit_test_setup_teardown(withdraw, setup, teardown),                                  \
	cmocka_unit_test_setup_teardown(activities, setup, teardown),                                \
	cmocka_unit_test_setup_teardown(activity_out_of_time_order, setup, teardown),                \
	cmocka_unit_test_setup_teardown(permit_lists, setup, teardown)

int main(void)
{
	/* The store logs what it refuses (conflicts, injected faults); those are expected
	 * here. KAPKA_TEST_VERBOSE=1 shows them. */
	if (getenv("KAPKA_TEST_VERBOSE") == NULL)
		kp_log_set_level((enum kp_log_level)(KP_LOG_ERROR + 1));
	const struct CMUnitTest tests[] = {PERMIT_TESTS};
	int failed = cmocka_run_group_tests_name("permit store on SQLite", tests, group_setup_sqlite, group_teardown_sqlite);
	const char *pg = getenv("KAPKA_TEST_PG");
	if (pg && *pg)
		failed += cmocka_run_group_tests_name("permit store on PostgreSQL", tests, group_setup_pg, group_teardown_pg);
	else
		print_message("[  SKIPPED ] permit store on PostgreSQL: set KAPKA_TEST_PG=postgres://... to run it "
		              "(sh tests/pg.sh starts a throwaway server)\n");
	return failed;
}
