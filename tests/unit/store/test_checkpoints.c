/* test_checkpoints.c: the checkpoint store (src/store/checkpoints.c, crossings.c, queue.c,
 * devices.c, registry.c) against real databases: a SQLite file always, and a fresh
 * PostgreSQL database as well when KAPKA_TEST_PG is set (tests/pg.sh).
 *
 * Covered: the seeded registry read whole (and reloaded after a change), a partner's
 * permit matched at the border with its ENTRANCE and EXIT recorded in the crossing's
 * transaction (the permits are fixture rows, as the partner exchange stores them), a
 * truck without a permit flagged but recorded, overweight and alarms, our own carrier's
 * permit linked on exit, a person's crossings by passport, 100 threads racing for a slot
 * of 20, one booking per vehicle, the priority lane, check-in, call-forward, no-shows
 * that give the place back, the throughput report adding up, and equipment keys. */
#define KP_TEST_DB_PREFIX "kapka_checkpoints"
#define KP_STORE_FX_POOL 16
#include "kp_store_test.h"

#include "core/log.h"
#include "core/util.h"
#include "domain/dates.h"
#include "store/checkpoints.h"
#include "store/permits.h"
#include "store/registry.h"

#include <pthread.h>

#define RACERS 100

typedef kp_store_fx_t fx_t;

static const kp_actor_t tester = {0, "tester", "req-1", "192.0.2.7"};

static void run_sql(kp_conn_t *c, const char *sql)
{
	if (kp_db_run(c, sql, NULL, 0, NULL) != KP_DB_OK)
		fail_msg("%s failed", sql);
}

/* A partner's permit as the partner exchange stores it (issuer the partner, verifier us,
 * no org or vehicle), with a quota from the partner so the regime exists. */
static void partner_permit(fx_t *f, const char *id, const char *issuer, const char *plate, int type)
{
	char sql[1024];
	snprintf(sql, sizeof(sql),
	         "INSERT INTO permits (id, issuer, verifier, year, type, serial, plate, company_name, company_id,"
	         " issued_at, expires_at, status) VALUES ('%s', '%s', 'KG', 2026, %d, %lld, '%s', 'Andijan Trans',"
	         " 'UZ-305', %lld, %lld, 'issued')",
	         id, issuer, type, (long long)(kp_now() % 100000 + strlen(plate) * 7 + (unsigned char)id[strlen(id) - 1]),
	         plate, (long long)(kp_now() - 86400), (long long)(kp_now() + 86400 * 60));
	run_sql(f->c, sql);
	if (kp_store_count(f->c, "SELECT COUNT(*) FROM quotas WHERE issuer = 'UZ' AND verifier = 'KG'") == 0) {
		kp_quota_t q = {.issuer = "UZ",
		                .verifier = "KG",
		                .year = 2026,
		                .type = 1,
		                .start_number = 1,
		                .end_number = 1000,
		                .note = "fixture"};
		assert_int_equal(kp_store_quota_create(f->c, &tester, &q), KP_DB_OK);
	}
}

static int register_crossing(fx_t *f, kp_crossing_t *x, const char *neighbour)
{
	kp_crossing_request_t rq = {"KG", neighbour, 44000};
	int rc = kp_store_begin(f->c);
	if (rc == KP_DB_OK)
		rc = kp_store_end(f->c, kp_store_crossing_register_tx(f->c, &f->a, &tester, &rq, x));
	return rc;
}

static kp_crossing_t truck(const char *direction, const char *plate, const char *country)
{
	kp_crossing_t x = {0};
	x.checkpoint = "dostyk";
	x.direction = direction;
	x.flow = "truck";
	x.vehicle_kind = "truck";
	x.plate = plate;
	x.vehicle_country = country;
	x.at = kp_now() - 60;
	return x;
}

/* ---- the registry ---- */

static void registry_reads_the_seed(void **state)
{
	fx_t *f = *state;
	kp_registry_t *r = kp_registry_open(f->s);
	assert_non_null(r);
	const kp_cp_set_t *set = kp_registry_acquire(r);
	assert_int_equal(set->n, 23); /* with Kyzyl-Bel, reopened on 13 March 2025 (24.kg) */
	assert_non_null(kp_cp_set_find(set, "kyzyl-bel"));
	const kp_checkpoint_t *irk = kp_cp_set_find(set, "irkeshtam");
	assert_non_null(irk);
	assert_string_equal(irk->neighbour, "CN");
	assert_int_equal(irk->schedule.sides[0].offset_minutes, 360);
	assert_int_equal(irk->schedule.sides[1].offset_minutes, 480);
	assert_int_equal(irk->schedule.sides[0].nwindows, 2);
	assert_int_equal(irk->schedule.holiday_rule, KP_HOLIDAYS_BOTH);
	assert_true(irk->schedule.nholidays > 40);
	const kp_checkpoint_t *tor = kp_cp_set_find(set, "torugart");
	assert_int_equal(tor->schedule.season_from_m, 5);
	assert_int_equal(tor->schedule.season_to_d, 30);
	assert_non_null(tor->permission);
	assert_int_equal(kp_cp_set_find(set, "kairagach")->schedule.nclosures, 1);
	assert_int_equal(kp_cp_set_find(set, "kairagach")->schedule.closures[0].to, 1741802400); /* 13 March 2025 */
	assert_int_equal(kp_cp_set_find(set, "ak-tilek")->schedule.modes, KP_MODE_TRUCK);
	assert_int_equal(kp_cp_set_find(set, "zhibek-zholy")->capacity[0], 70000);
	assert_string_equal(kp_cp_set_find(set, "kazygurt")->country, "KZ");
	assert_null(kp_cp_set_find(set, "nowhere"));
	kp_registry_release(r);

	/* a change and a closure show after a reload, with their audit rows */
	kp_checkpoint_change_t ch = {.modes = "truck,car", .foreigners = -1, .capacity = {-1, 500, -1, 1200}};
	assert_int_equal(kp_store_checkpoint_update(f->c, &tester, "ak-tilek", &ch), KP_DB_OK);
	assert_int_equal(kp_store_checkpoint_update(f->c, &tester, "nowhere", &ch), KP_DB_NOTFOUND);
	int64_t id;
	assert_int_equal(kp_store_closure_add(f->c, &tester, "irkeshtam", kp_now() - 10, 0, "snow", "кар", NULL, &id, NULL), KP_DB_OK);
	assert_int_equal(kp_registry_reload(r), 0);
	set = kp_registry_acquire(r);
	const kp_checkpoint_t *ak = kp_cp_set_find(set, "ak-tilek");
	assert_int_equal(ak->schedule.modes, KP_MODE_TRUCK | KP_MODE_CAR);
	assert_int_equal(ak->capacity[1], 500);
	assert_int_equal(ak->capacity[3], 1200);
	kp_cp_status_t st;
	kp_cp_status(&kp_cp_set_find(set, "irkeshtam")->schedule, kp_now(), 0, false, &st);
	assert_false(st.open);
	kp_registry_release(r);
	assert_int_equal(kp_store_closure_lift(f->c, &tester, "irkeshtam", id, kp_now()), KP_DB_OK);
	assert_int_equal(kp_store_closure_lift(f->c, &tester, "torugart", id, kp_now()), KP_DB_NOTFOUND);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM audit_log WHERE action IN ('checkpoint.update',"
	                                      " 'checkpoint.close', 'checkpoint.reopen')"),
	                 3);
	kp_registry_free(r);
}

/* ---- crossings ---- */

static void partner_permit_entrance_and_exit(void **state)
{
	fx_t *f = *state;
	partner_permit(f, "UZ-KG-2026-1-7", "UZ", "50A123BC", 1);
	kp_person_t driver = {"Rustam Karimov", "UZ", "FA1234567", true};
	kp_crossing_t in = truck("entry", "50A123BC", "UZ");
	in.persons = &driver;
	in.npersons = 1;
	assert_int_equal(register_crossing(f, &in, "UZ"), KP_DB_OK);
	assert_true(in.id > 0);
	assert_string_equal(in.permit_match, "recorded");
	assert_string_equal(in.permit_id, "UZ-KG-2026-1-7");
	assert_string_equal(in.flags, "");
	assert_false(in.inspection);
	assert_int_equal(kp_store_count(f->c,
	                                "SELECT COUNT(*) FROM permit_activities WHERE permit_id = 'UZ-KG-2026-1-7'"
	                                " AND activity_type = 'ENTRANCE' AND country = 'KG' AND checkpoint = 'dostyk'"),
	                 1);
	assert_int_equal(kp_store_count(f->c,
	                                "SELECT COUNT(*) FROM permits WHERE id = 'UZ-KG-2026-1-7' AND status = 'used'"),
	                 1);

	kp_crossing_t out = truck("exit", "50A123BC", "UZ");
	out.at = kp_now() - 30;
	assert_int_equal(register_crossing(f, &out, "UZ"), KP_DB_OK);
	assert_string_equal(out.permit_match, "recorded");
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM permits WHERE id = 'UZ-KG-2026-1-7' AND used_up = 1"),
	                 1);

	/* the bilateral permit is used up: a third crossing finds no permit and is flagged */
	kp_crossing_t again = truck("entry", "50A123BC", "UZ");
	assert_int_equal(register_crossing(f, &again, "UZ"), KP_DB_OK);
	assert_string_equal(again.permit_match, "none");
	assert_string_equal(again.flags, "NO_PERMIT");
	assert_true(again.inspection);
	kp_crossing_t back;
	assert_int_equal(kp_store_crossing_get(f->c, &f->a, in.id, &back), KP_DB_OK);
	assert_int_equal(back.npersons, 1);
	assert_string_equal(back.persons[0].passport, "FA1234567");
	assert_true(back.persons[0].driver);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM audit_log WHERE action = 'crossing.register'"), 3);
}

static void truck_without_permit_is_flagged(void **state)
{
	fx_t *f = *state;
	partner_permit(f, "UZ-KG-2026-1-8", "UZ", "50B777AA", 1); /* another truck's */
	kp_crossing_t x = truck("entry", "50Z999ZZ", "UZ");
	x.weight_kg = 52000;
	x.radiation_result = "alarm";
	x.scan_result = "clear";
	assert_int_equal(register_crossing(f, &x, "UZ"), KP_DB_OK);
	assert_string_equal(x.permit_match, "none");
	assert_string_equal(x.permit_problem, "NO_PERMIT");
	assert_string_equal(x.flags, "NO_PERMIT,OVERWEIGHT,RADIATION_ALARM");
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM crossings WHERE plate = '50Z999ZZ' AND inspection = 1"),
	                 1);
	/* an unknown country counts as foreign too */
	kp_crossing_t y = truck("entry", "ZZ1234", NULL);
	assert_int_equal(register_crossing(f, &y, "UZ"), KP_DB_OK);
	assert_string_equal(y.flags, "NO_PERMIT");
	/* a car needs no permit */
	kp_crossing_t car = truck("entry", "01KG001AAA", "KG");
	car.vehicle_kind = "car";
	car.flow = "car";
	assert_int_equal(register_crossing(f, &car, "UZ"), KP_DB_OK);
	assert_string_equal(car.permit_match, "not_required");
	assert_string_equal(car.flags, "");
}

static void own_permit_on_exit(void **state)
{
	fx_t *f = *state;
	kp_org_t o = {.kind = "carrier", .name = "Ala-Too Trans", .inn = "01507201910123", .licence_number = "KG-1"};
	assert_int_equal(kp_store_org_create(f->c, &tester, &o), KP_DB_OK);
	kp_vehicle_t v = {.org_id = o.id,
	                  .plate = "01KG123ABC",
	                  .vin = "XTC65115R71234567",
	                  .kind = "tractor",
	                  .euro_class = 5};
	assert_int_equal(kp_store_vehicle_create(f->c, &tester, &v), KP_DB_OK);
	run_sql(f->c,
	        "INSERT INTO permits (id, issuer, verifier, year, type, serial, org_id, vehicle_id, plate, company_name,"
	        " company_id, issued_at, expires_at, status) VALUES ('KG-UZ-2026-1-1', 'KG', 'UZ', 2026, 1, 1, 1, 1,"
	        " '01KG123ABC', 'Ala-Too Trans', '01507201910123', 0, 4102444800, 'issued')");
	partner_permit(f, "UZ-KG-2026-1-9", "UZ", "50C1AA", 1); /* the regime with UZ */
	kp_crossing_t out = truck("exit", "01KG123ABC", NULL);
	out.vehicle_kind = "tractor";
	assert_int_equal(register_crossing(f, &out, "UZ"), KP_DB_OK);
	assert_string_equal(out.vehicle_country, "KG"); /* from the vehicle register */
	assert_string_equal(out.permit_match, "own_permit");
	assert_string_equal(out.permit_id, "KG-UZ-2026-1-1");
	assert_string_equal(out.flags, "");
	kp_crossing_t in = truck("entry", "01KG123ABC", NULL);
	assert_int_equal(register_crossing(f, &in, "UZ"), KP_DB_OK);
	assert_string_equal(in.permit_match, "not_required"); /* coming home */
}

static void person_crossings(void **state)
{
	fx_t *f = *state;
	kp_person_t anna = {"Anna Schmidt", "DE", "C01X00T47", false};
	kp_person_t other = {"Anna Schmidt", "AT", "C01X00T47", false}; /* same number, other country */
	int64_t t0 = kp_now() - 3 * 86400;
	const char *dirs[] = {"entry", "exit", "entry"};
	for (int i = 0; i < 3; i++) {
		kp_crossing_t x = {.checkpoint = i == 1 ? "irkeshtam" : "korday",
		                   .direction = dirs[i],
		                   .flow = "pedestrian",
		                   .at = t0 + i * 86400,
		                   .persons = &anna,
		                   .npersons = 1};
		assert_int_equal(register_crossing(f, &x, i == 1 ? "CN" : "KZ"), KP_DB_OK);
	}
	kp_crossing_t x = {.checkpoint = "korday",
	                   .direction = "entry",
	                   .flow = "pedestrian",
	                   .at = t0,
	                   .persons = &other,
	                   .npersons = 1};
	assert_int_equal(register_crossing(f, &x, "KZ"), KP_DB_OK);
	kp_person_crossing_t *pc;
	int n;
	assert_int_equal(kp_store_person_crossings(f->c, &f->a, "C01X00T47", "DE", &pc, &n), KP_DB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(pc[0].direction, "entry");
	assert_string_equal(pc[0].checkpoint, "korday");
	assert_string_equal(pc[1].checkpoint, "irkeshtam");
	assert_string_equal(pc[1].country, "KG");
	assert_string_equal(pc[1].neighbour, "CN");
	assert_int_equal(pc[2].at, t0 + 2 * 86400);
	assert_int_equal(kp_store_person_crossings(f->c, &f->a, "C01X00T47", NULL, &pc, &n), KP_DB_OK);
	assert_int_equal(n, 4);
	assert_int_equal(kp_store_person_crossings(f->c, &f->a, "NOPE", "DE", &pc, &n), KP_DB_OK);
	assert_int_equal(n, 0);
}

/* ---- the booked queue ---- */

static int64_t one_slot(fx_t *f, const char *cp, int64_t start, int capacity, int pcap)
{
	int created;
	assert_int_equal(kp_store_slots_create(f->c, &tester, cp, "truck", start, 1, capacity, pcap, &created), KP_DB_OK);
	kp_slot_t *s;
	int n;
	assert_int_equal(kp_store_slot_list(f->c, &f->a, cp, "truck", start, start + 1, &s, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	return s[0].id;
}

/* Opening a day's hours around a break writes both runs or neither: a failure on the
 * afternoon run (injected by a trigger) leaves no morning slots behind. */
static void slot_runs_all_or_none(void **state)
{
	fx_t *f = *state;
	int64_t start = (kp_now() / 3600 + 48) * 3600;
	char sql[512];
	if (B->pg) {
		snprintf(sql, sizeof(sql),
		         "CREATE FUNCTION kp_test_fail_slot() RETURNS trigger AS $$ BEGIN IF NEW.starts_at = %lld THEN"
		         " RAISE EXCEPTION 'injected'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
		         (long long)start + 7 * 3600);
		run_sql(f->c, sql);
		run_sql(f->c, "CREATE TRIGGER kp_test_fail_slot BEFORE INSERT ON queue_slots FOR EACH ROW"
		              " EXECUTE FUNCTION kp_test_fail_slot()");
	} else {
		snprintf(sql, sizeof(sql),
		         "CREATE TRIGGER kp_test_fail_slot BEFORE INSERT ON queue_slots WHEN NEW.starts_at = %lld"
		         " BEGIN SELECT RAISE(ABORT, 'injected'); END",
		         (long long)start + 7 * 3600);
		run_sql(f->c, sql);
	}
	kp_slot_run_t runs[] = {{start, 3}, {start + 6 * 3600, 2}};
	int created = -1;
	assert_int_not_equal(kp_store_slot_runs_create(f->c, &tester, "torugart", "truck", runs, 2, 5, 1, &created),
	                     KP_DB_OK);
	assert_int_equal(created, 0);
	kp_slot_t *sl;
	int n = -1;
	assert_int_equal(kp_store_slot_list(f->c, &f->a, "torugart", "truck", start, start + 86400, &sl, &n), KP_DB_OK);
	assert_int_equal(n, 0);
	run_sql(f->c, B->pg ? "DROP TRIGGER kp_test_fail_slot ON queue_slots" : "DROP TRIGGER kp_test_fail_slot");
	if (B->pg)
		run_sql(f->c, "DROP FUNCTION kp_test_fail_slot()");
	assert_int_equal(kp_store_slot_runs_create(f->c, &tester, "torugart", "truck", runs, 2, 5, 1, &created), KP_DB_OK);
	assert_int_equal(created, 5);
}

struct racer {
	kp_store_t *s;
	int64_t slot;
	int n;
	pthread_barrier_t *go;
	int rc;
	const char *why;
};

static void *book_thread(void *p)
{
	struct racer *x = p;
	pthread_barrier_wait(x->go); /* all start together; the pool (16) makes them take turns */
	kp_conn_t *c = kp_store_acquire(x->s);
	kp_arena_t a;
	kp_arena_init(&a);
	char plate[16];
	snprintf(plate, sizeof(plate), "R%05dKG", x->n);
	kp_booking_t b = {.checkpoint = "torugart", .slot_id = x->slot, .flow = "truck", .plate = plate};
	x->rc = kp_store_booking_create(c, &a, &tester, &b, &x->why);
	kp_arena_cleanup(&a);
	kp_store_release(x->s, c);
	return NULL;
}

static void hundred_racers_for_twenty_places(void **state)
{
	fx_t *f = *state;
	int64_t slot = one_slot(f, "torugart", (kp_now() / 3600 + 2) * 3600, 20, 1);
	kp_store_release(f->s, f->c); /* the racers need every connection */
	f->c = NULL;
	pthread_t t[RACERS];
	struct racer r[RACERS];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		r[i] = (struct racer){f->s, slot, i, &go, 0, NULL};
		assert_int_equal(pthread_create(&t[i], NULL, book_thread, &r[i]), 0);
	}
	int ok = 0, full = 0, busy = 0;
	for (int i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		ok += r[i].rc == KP_DB_OK;
		full += r[i].rc == KP_DB_CONFLICT && r[i].why && strcmp(r[i].why, "SLOT_FULL") == 0;
		busy += r[i].rc == KP_DB_BUSY;
	}
	pthread_barrier_destroy(&go);
	f->c = kp_store_acquire(f->s);
	if (ok != 20 || full + busy != RACERS - 20)
		fail_msg("%d booked, %d refused as full, %d busy; want 20 and 80", ok, full, busy);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM queue_bookings"), 20);
	assert_int_equal(kp_store_count(f->c, "SELECT booked FROM queue_slots"), 20);
}

static void one_booking_per_vehicle_and_priority_lane(void **state)
{
	fx_t *f = *state;
	int64_t start = (kp_now() / 3600 + 1) * 3600;
	int64_t slot = one_slot(f, "torugart", start, 3, 1), other = one_slot(f, "torugart", start + 3600, 3, 1);
	const char *why;
	kp_booking_t a = {.checkpoint = "torugart",
	                  .slot_id = slot,
	                  .flow = "truck",
	                  .plate = "01KG1AAA",
	                  .priority = "perishable"};
	assert_int_equal(kp_store_booking_create(f->c, &f->a, &tester, &a, &why), KP_DB_OK);
	kp_booking_t b = {.checkpoint = "torugart",
	                  .slot_id = slot,
	                  .flow = "truck",
	                  .plate = "01KG2BBB",
	                  .priority = "postal"};
	assert_int_equal(kp_store_booking_create(f->c, &f->a, &tester, &b, &why), KP_DB_CONFLICT);
	assert_string_equal(why, "PRIORITY_LANE_FULL");
	b.priority = NULL;
	assert_int_equal(kp_store_booking_create(f->c, &f->a, &tester, &b, &why), KP_DB_OK);
	/* the same vehicle again, even in another slot: refused, and the counter rolled back */
	kp_booking_t again = {.checkpoint = "torugart", .slot_id = other, .flow = "truck", .plate = "01KG1AAA"};
	assert_int_equal(kp_store_booking_create(f->c, &f->a, &tester, &again, &why), KP_DB_CONFLICT);
	assert_string_equal(why, "VEHICLE_ALREADY_BOOKED");
	kp_slot_t s;
	assert_int_equal(kp_store_slot_get(f->c, &f->a, other, &s), KP_DB_OK);
	assert_int_equal(s.booked, 0);
	/* a slot of another flow or checkpoint is refused */
	kp_booking_t wrong = {.checkpoint = "dostyk", .slot_id = other, .flow = "truck", .plate = "01KG3CCC"};
	assert_int_equal(kp_store_booking_create(f->c, &f->a, &tester, &wrong, &why), KP_DB_CONFLICT);
	assert_string_equal(why, "SLOT_MISMATCH");
	/* cancelling frees the place and the vehicle */
	assert_int_equal(kp_store_booking_cancel(f->c, &f->a, &tester, a.id, kp_now()), KP_DB_OK);
	assert_int_equal(kp_store_booking_cancel(f->c, &f->a, &tester, a.id, kp_now()), KP_DB_CONFLICT);
	assert_int_equal(kp_store_slot_get(f->c, &f->a, slot, &s), KP_DB_OK);
	assert_int_equal(s.booked, 1);
	assert_int_equal(s.priority_booked, 0);
	assert_int_equal(kp_store_booking_create(f->c, &f->a, &tester, &again, &why), KP_DB_OK);
}

static void check_in_call_and_no_show(void **state)
{
	fx_t *f = *state;
	/* the slot running now; "now" at most two minutes before its end, so that now + 1 is
	 * still in it when the clock is set to an hour's last second */
	int64_t start = (kp_now() / 3600) * 3600, now = kp_now() < start + 3480 ? kp_now() : start + 3480;
	int64_t slot = one_slot(f, "torugart", start, 5, 1);
	const char *why;
	kp_booking_t b[3];
	const char *plates[] = {"01KG1AAA", "01KG2BBB", "01KG3CCC"};
	for (int i = 0; i < 3; i++) {
		b[i] = (kp_booking_t){.checkpoint = "torugart",
		                      .slot_id = slot,
		                      .flow = "truck",
		                      .plate = plates[i],
		                      .priority = i == 2 ? "humanitarian" : NULL};
		assert_int_equal(kp_store_booking_create(f->c, &f->a, &tester, &b[i], &why), KP_DB_OK);
	}
	assert_int_equal(kp_store_booking_check_in(f->c, &f->a, &tester, b[0].id, now, 0, &why), KP_DB_OK);
	assert_int_equal(kp_store_booking_check_in(f->c, &f->a, &tester, b[0].id, now, 0, &why), KP_DB_CONFLICT);
	assert_string_equal(why, "NOT_BOOKED");
	assert_int_equal(kp_store_booking_check_in(f->c, &f->a, &tester, b[2].id, now + 1, 0, &why), KP_DB_OK);
	assert_int_equal(kp_store_booking_check_in(f->c, &f->a, &tester, b[1].id, start + 3600, 0, &why), KP_DB_CONFLICT);
	assert_string_equal(why, "SLOT_OVER");
	assert_int_equal(kp_store_booking_check_in(f->c, &f->a, &tester, b[1].id, start - 7200, 3600, &why),
	                 KP_DB_CONFLICT);
	assert_string_equal(why, "TOO_EARLY");
	/* a vehicle without a booking joins the live queue */
	kp_booking_t live = {.checkpoint = "torugart", .flow = "truck", .plate = "01KG9LIVE"};
	assert_int_equal(kp_store_live_join(f->c, &f->a, &tester, &live, &why), KP_DB_OK);
	kp_booking_t *q;
	int n;
	assert_int_equal(kp_store_queue_list(f->c, &f->a, "torugart", "truck", &q, &n), KP_DB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(q[0].id, b[2].id); /* priority cargo first */
	/* call two: the humanitarian cargo, then the earlier check-in */
	kp_booking_t *called;
	assert_int_equal(kp_store_queue_call(f->c, &f->a, &tester, "torugart", "truck", 2, now, 1200, &called, &n),
	                 KP_DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(called[0].id, b[2].id);
	assert_int_equal(called[1].id, b[0].id);
	assert_int_equal(called[0].call_deadline, now + 1200);
	/* b[2] crosses; b[0] does not come: after its deadline it is a no-show and frees the place;
	 * b[1], never checked in, becomes one after its slot and the grace */
	kp_crossing_t x = truck("exit", "01KG3CCC", "KG");
	x.checkpoint = "torugart";
	x.at = now;
	assert_int_equal(register_crossing(f, &x, "CN"), KP_DB_OK);
	assert_int_equal(x.booking_id, b[2].id);
	assert_int_equal(x.checked_in_at, now + 1);
	int64_t expired;
	/* a grace of an hour keeps b[1] (its slot ends within the hour) out of the first round,
	 * whatever the minute the test runs at */
	assert_int_equal(kp_store_queue_expire(f->c, &tester, now + 1201, 3600, &expired), KP_DB_OK);
	assert_int_equal(expired, 1);
	assert_int_equal(kp_store_queue_expire(f->c, &tester, start + 3600 + 601, 600, &expired), KP_DB_OK);
	assert_int_equal(expired, 1);
	kp_slot_t s;
	assert_int_equal(kp_store_slot_get(f->c, &f->a, slot, &s), KP_DB_OK);
	assert_int_equal(s.booked, 1); /* the one that crossed */
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM queue_bookings WHERE status = 'no_show'"), 2);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM queue_bookings WHERE status = 'crossed'"), 1);
}

/* ---- throughput ---- */

static void throughput_adds_up(void **state)
{
	fx_t *f = *state;
	kp_registry_t *r = kp_registry_open(f->s);
	const kp_cp_set_t *set = kp_registry_acquire(r);
	kp_checkpoint_t dostyk = *kp_cp_set_find(set, "dostyk");
	kp_registry_release(r);
	int64_t day = kp_days_from_civil(2026, 11, 10);
	int64_t t0 = day * 86400 - 360 * 60; /* 00:00 in Bishkek */
	/* 4 trucks (waits 10, 20, 30, 60 min), 2 cars (one without a check-in), 1 pedestrian;
	 * one the day before and one the day after, which must not count */
	int64_t waits[] = {600, 1200, 1800, 3600};
	for (int i = 0; i < 4; i++) {
		kp_crossing_t x = truck("exit", "ZZ0001", "KG");
		x.plate = kp_arena_printf(&f->a, "ZZ%04d", i);
		x.at = t0 + 8 * 3600 + i * 600;
		x.checked_in_at = x.at - waits[i];
		x.weight_kg = i == 3 ? 50000 : 0;
		run_sql(f->c, kp_arena_printf(&f->a,
		                              "INSERT INTO crossings (checkpoint, direction, flow, plate, permit_match, flags,"
		                              " inspection, checked_in_at, at) VALUES ('dostyk', 'exit', 'truck', '%s',"
		                              " 'not_required', '%s', %d, %lld, %lld)",
		                              x.plate, i == 3 ? "OVERWEIGHT" : "", i == 3, (long long)x.checked_in_at,
		                              (long long)x.at));
	}
	const char *more[] = {"'car', 'A1', %lld, %lld", "'car', 'A2', NULL, %lld", "'pedestrian', NULL, NULL, %lld"};
	for (int i = 0; i < 3; i++) {
		char vals[128];
		if (i == 0)
			snprintf(vals, sizeof(vals), more[i], (long long)(t0 + 3600), (long long)(t0 + 3900));
		else
			snprintf(vals, sizeof(vals), more[i], (long long)(t0 + 5000 + i));
		run_sql(f->c, kp_arena_printf(&f->a,
		                              "INSERT INTO crossings (checkpoint, direction, flow, plate, checked_in_at, at,"
		                              " permit_match) VALUES ('dostyk', 'entry', %s, 'not_required')",
		                              vals));
	}
	run_sql(f->c, kp_arena_printf(&f->a,
	                              "INSERT INTO crossings (checkpoint, direction, flow, at, permit_match) VALUES"
	                              " ('dostyk', 'entry', 'car', %lld, 'not_required'), ('dostyk', 'entry', 'car',"
	                              " %lld, 'not_required')",
	                              (long long)(t0 - 1), (long long)(t0 + 86400)));
	kp_throughput_t t;
	assert_int_equal(kp_store_throughput(f->c, &f->a, &dostyk, day, &t), KP_DB_OK);
	assert_int_equal(t.total, 7);
	assert_int_equal(t.flagged, 1);
	assert_int_equal(t.flows[3].vehicles, 4);
	assert_int_equal(t.flows[1].vehicles, 2);
	assert_int_equal(t.flows[0].vehicles, 1);
	assert_int_equal(t.flows[2].vehicles, 0);
	assert_int_equal(t.flows[0].vehicles + t.flows[1].vehicles + t.flows[2].vehicles + t.flows[3].vehicles, t.total);
	assert_int_equal(t.flows[3].waited, 4);
	assert_int_equal(t.flows[3].median_s, 1200); /* nearest rank: 2nd of 4 */
	assert_int_equal(t.flows[3].p90_s, 3600);
	assert_int_equal(t.flows[1].waited, 1);
	assert_int_equal(t.flows[1].median_s, 300);
	assert_int_equal(t.flows[3].capacity, 1000);
	kp_registry_free(r);
}

/* ---- equipment keys ---- */

static void devices(void **state)
{
	fx_t *f = *state;
	kp_device_t d = {.checkpoint = "dostyk",
	                 .name = "lane 1 camera",
	                 .kind = "plate_camera",
	                 .key_prefix = "kpd_abcdefgh"};
	assert_int_equal(kp_store_device_create(f->c, &tester, &d, "hash-1"), KP_DB_OK);
	kp_device_t got;
	assert_int_equal(kp_store_device_by_key(f->c, &f->a, "hash-1", &got), KP_DB_OK);
	assert_string_equal(got.checkpoint, "dostyk");
	assert_int_equal(kp_store_device_by_key(f->c, &f->a, "hash-2", &got), KP_DB_NOTFOUND);
	kp_device_t *list;
	int n;
	assert_int_equal(kp_store_device_list(f->c, &f->a, "dostyk", &list, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(kp_store_device_revoke(f->c, &tester, d.id), KP_DB_OK);
	assert_int_equal(kp_store_device_revoke(f->c, &tester, d.id), KP_DB_CONFLICT);
	assert_int_equal(kp_store_device_by_key(f->c, &f->a, "hash-1", &got), KP_DB_NOTFOUND);
	kp_device_t dup = d;
	assert_int_equal(kp_store_device_create(f->c, &tester, &dup, "hash-1"), KP_DB_CONFLICT);
}

#define TESTS \
	KP_STORE_FX_TEST(registry_reads_the_seed), KP_STORE_FX_TEST(partner_permit_entrance_and_exit), \
	    KP_STORE_FX_TEST(truck_without_permit_is_flagged), KP_STORE_FX_TEST(own_permit_on_exit), \
	    KP_STORE_FX_TEST(person_crossings), KP_STORE_FX_TEST(hundred_racers_for_twenty_places), \
	    KP_STORE_FX_TEST(one_booking_per_vehicle_and_priority_lane), KP_STORE_FX_TEST(slot_runs_all_or_none), \
	    KP_STORE_FX_TEST(check_in_call_and_no_show), KP_STORE_FX_TEST(throughput_adds_up), KP_STORE_FX_TEST(devices)

KP_STORE_TEST_MAIN("checkpoint store", TESTS)
