/* permits_fixture.h: what the freight-permit store tests share (test_permit_*.c): a
 * migrated store per test with a licensed carrier and its truck, numbered carriers,
 * vehicles and quotas, a test double of the signing callback, applying and issuing,
 * injected audit faults, and the main() that runs a file's tests on SQLite and, when
 * KAPKA_TEST_PG is set, on PostgreSQL. Not a test program itself.
 *
 * Permits are signed by a test double of the kp_signer_t callback that writes a fixed
 * text; real signatures are test_jws.c's business. */
#ifndef KP_PERMITS_FIXTURE_H
#define KP_PERMITS_FIXTURE_H

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
	int year;        /* the current permit year at UTC+6 */
	int64_t carrier; /* an active carrier with a licence */
	int64_t truck;   /* its Euro 5 tractor */
} fx_t;

static const kp_actor_t tester = {0, "tester", "req-1", "192.0.2.7"};

static inline int this_year(void)
{
	time_t t = (time_t)(kp_now() + OFFSET * 60);
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

static inline int64_t add_carrier(fx_t *f, kp_conn_t *c, int n, const char *licence);
static inline int64_t add_vehicle(fx_t *f, kp_conn_t *c, int64_t org, int n, const char *kind, int euro);

static inline int setup_pool(void **state, int pool)
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

static inline int setup(void **state)
{
	return setup_pool(state, 2);
}

static inline int setup_racers(void **state)
{
	return setup_pool(state, RACERS);
}

static inline int teardown(void **state)
{
	fx_t *f = *state;
	if (f == NULL)
		return 0;
	KP_STORE_FX_CLOSE(f);
	free(f);
	return 0;
}

/* ---- helpers ---- */

static inline long long count_rows(kp_conn_t *c, const char *table)
{
	static const char *const tables[] = {"audit_log",         "permits", "permit_applications",
	                                     "permit_activities", "quotas",  "vehicles"};
	bool known = false;
	for (size_t i = 0; i < KP_ROWS(tables); i++)
		known |= strcmp(tables[i], table) == 0;
	assert_true(known);
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", table);
	return kp_store_count(c, sql);
}

static inline long long audit_count(kp_conn_t *c, const char *action)
{
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM audit_log WHERE action = '%s'", action);
	return kp_store_count(c, sql);
}

static inline void exec_sql(kp_conn_t *c, const char *sql)
{
	if (c->be->script(c->h, sql) != KP_DB_OK)
		fail_msg("script failed: %s: %s", sql, c->be->errmsg(c->h));
}

/* The numbered test carrier: INN 0150720191%04d, a licence or none. */
static inline int64_t add_carrier(fx_t *f, kp_conn_t *c, int n, const char *licence)
{
	char inn[32], name[64];
	snprintf(inn, sizeof(inn), "0150720191%04d", n);
	snprintf(name, sizeof(name), "Carrier %d LLC", n);
	kp_org_t o = {.kind = "carrier",
	              .name = kp_arena_strdup(&f->a, name),
	              .inn = kp_arena_strdup(&f->a, inn),
	              .licence_number = licence};
	assert_int_equal(kp_store_org_create(c, &tester, &o), KP_DB_OK);
	return o.id;
}

/* The numbered test vehicle: plate T%04dKG, VIN XTC6511500000%04d. */
static inline int64_t add_vehicle(fx_t *f, kp_conn_t *c, int64_t org, int n, const char *kind, int euro)
{
	char plate[32], vin[32];
	snprintf(plate, sizeof(plate), "T%04dKG", n);
	snprintf(vin, sizeof(vin), "XTC6511500000%04d", n);
	kp_vehicle_t v = {.org_id = org,
	                  .plate = kp_arena_strdup(&f->a, plate),
	                  .vin = kp_arena_strdup(&f->a, vin),
	                  .kind = kind,
	                  .euro_class = euro,
	                  .make = "KAMAZ",
	                  .model = "5490"};
	assert_int_equal(kp_store_vehicle_create(c, &tester, &v), KP_DB_OK);
	return v.id;
}

static inline int create_quota(fx_t *f, const char *issuer, const char *verifier, int year, int type, int64_t start,
                               int64_t end, int64_t *id)
{
	kp_quota_t q = {.issuer = issuer,
	                .verifier = verifier,
	                .year = year,
	                .type = type,
	                .start_number = start,
	                .end_number = end,
	                .note = "test"};
	int rc = kp_store_quota_create(f->c, &tester, &q);
	if (id)
		*id = q.id;
	return rc;
}

static inline int64_t add_quota(fx_t *f, const char *verifier, int type, int64_t start, int64_t end)
{
	int64_t id = 0;
	assert_int_equal(create_quota(f, SELF, verifier, f->year, type, start, end, &id), KP_DB_OK);
	return id;
}

/* The test double of the signing callback: a fixed text naming the permit. */
static inline int fixed_sign(void *ctx, kp_arena_t *a, const kp_permit_t *p, int utc_offset, const char **credential,
                             const char **kid)
{
	(void)ctx;
	(void)utc_offset;
	*credential = kp_arena_printf(a, "test-header.%s.test-signature", p->id);
	*kid = "test-kid";
	return 0;
}

static inline int failing_sign(void *ctx, kp_arena_t *a, const kp_permit_t *p, int utc_offset, const char **credential,
                               const char **kid)
{
	(void)ctx, (void)a, (void)p, (void)utc_offset, (void)credential, (void)kid;
	return -1;
}

static const kp_signer_t test_signer = {NULL, fixed_sign};
static const kp_signer_t broken_signer = {NULL, failing_sign};

/* Apply on connection c for org's vehicle; ap and res are filled. */
static inline int apply_on(kp_conn_t *c, kp_arena_t *a, int year, int64_t org, int64_t vehicle, const char *verifier,
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

static inline int apply(fx_t *f, int64_t org, int64_t vehicle, const char *verifier, int type, kp_application_t *ap,
                        kp_issue_result_t *res)
{
	return apply_on(f->c, &f->a, f->year, org, vehicle, verifier, type, &test_signer, ap, res);
}

/* The failure codes of a result, space-separated, in buf. */
static inline const char *codes_of(const kp_issue_result_t *res, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < res->nfailures; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? " " : "", res->failures[i].code);
	return buf;
}

/* Apply and expect the permit to be issued; returns its id (fixture arena). */
static inline const char *issue(fx_t *f, int64_t org, int64_t vehicle, const char *verifier, int type)
{
	kp_application_t ap;
	kp_issue_result_t res;
	assert_int_equal(apply(f, org, vehicle, verifier, type, &ap, &res), KP_DB_OK);
	char buf[256];
	if (res.nfailures || res.permit.id == NULL)
		fail_msg("application refused: [%s]%s", codes_of(&res, buf, sizeof(buf)), res.review ? " (review)" : "");
	return res.permit.id;
}

static inline kp_quota_t quota(fx_t *f, int64_t id)
{
	kp_quota_t q;
	assert_int_equal(kp_store_quota_get(f->c, &f->a, id, &q), KP_DB_OK);
	return q;
}

/* Inject a failure into one kind of audit insert (see test_store.c). */
static inline void inject_audit_fault(fx_t *f, const char *action)
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

static inline void remove_audit_fault(fx_t *f)
{
	exec_sql(f->c, B->pg ? "DROP TRIGGER kp_fault ON audit_log; DROP FUNCTION kp_fault()" : "DROP TRIGGER kp_fault");
}

/* Whether deciding an application works at all on this backend: gather the facts inside
 * a transaction that is then rolled back (no quota, so nothing would be issued anyway). */
static inline bool apply_works(fx_t *f)
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
#define NEEDS_APPLY(f) \
	do { \
		if (B->pg && !apply_works(f)) \
			fail_msg("PostgreSQL refuses applications (see the log above)"); \
	} while (0)

static inline void set_review(fx_t *f, int type, const char *review)
{
	kp_permit_type_t t;
	assert_int_equal(kp_store_permit_type_get(f->c, &f->a, type, &t), KP_DB_OK);
	t.review = review;
	assert_int_equal(kp_store_permit_type_update(f->c, &tester, &t), KP_DB_OK);
}

#endif
