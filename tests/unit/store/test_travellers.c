/* test_travellers.c: the travellers' store (src/store/zone_permits.c, tips.c,
 * travel_refs.c) on SQLite always and PostgreSQL when KAPKA_TEST_PG is set: the seeded
 * reference data, an application with a permit per person, payment signing every permit
 * (and nothing kept when signing fails), the one extension under a lock, revoked and
 * cancelled ids for the trust list, checks at posts, and temporary imports entering,
 * kept, replaced and paid for. Signatures come from a test signer that writes a fixed
 * text (or fails on demand); real ones are test_jws.c's and the e2e tests' business. */
#define KP_TEST_DB_PREFIX "kapka_travellers"
#include "kp_store_test.h"
#include "domain/number.h"

#include "core/log.h"
#include "core/util.h"
#include "domain/dates.h"
#include "store/db.h"
#include "store/travellers.h"

typedef struct fixture {
	KP_STORE_FX_FIELDS;
	int64_t user;
	kp_actor_t who;
} fx_t;

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	*state = f;
	if (KP_STORE_FX_OPEN(f, "trav", 2) != 0)
		return -1;
	kp_user_t u = {.username = "anna", .role = "traveller", .full_name = "Anna", .pw_hash = "x"};
	kp_actor_t who = {0, "tester", "req-1", "192.0.2.7"};
	if (kp_store_account_create(f->c, &who, NULL, &u) != KP_DB_OK)
		return -1;
	f->user = u.id;
	f->who = (kp_actor_t){u.id, "anna", "req-2", "192.0.2.7"};
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


static bool fail_signing;
static int test_sign(void *ctx, kp_arena_t *a, const kp_zone_app_t *app, const kp_zone_permit_t *p,
                     const char **credential, const char **kid)
{
	(void)ctx;
	if (fail_signing)
		return -1;
	*credential = kp_arena_printf(a, "cred-%lld-%lld", (long long)p->id, (long long)app->valid_until);
	*kid = "test-kid";
	return 0;
}

static const kp_zone_signer_t signer = {NULL, test_sign};

static int64_t apply_two(fx_t *f, kp_zone_permit_t people[2])
{
	kp_zone_app_t app = {.user_id = f->user, .date_from = 20600, .date_to = 20610, .valid_from = 20600,
	                     .valid_until = kp_zone_validity_end(20600, 1), .zones = "[2]", .route = "[\"karkyra\"]",
	                     .purpose = "trek", .fee_per_person = 2500, .fee_total = 5000};
	people[0] = (kp_zone_permit_t){.surname = "DUPONT", .given_names = "MARIE", .nationality = "FR",
	                               .passport_number = "12AB34567", .passport_expiry = 22000};
	people[1] = (kp_zone_permit_t){.surname = "MULLER", .given_names = "HANS", .nationality = "DE",
	                               .passport_number = "C01X00T47", .passport_expiry = 22000};
	assert_int_equal(kp_store_zone_apply(f->c, &f->who, &app, people, 2), KP_DB_OK);
	assert_true(app.id > 0 && people[0].id > 0 && people[1].id > people[0].id);
	return app.id;
}

static void reference_data(void **state)
{
	fx_t *f = *state;
	kp_border_zone_t *z;
	kp_place_row_t *p;
	int nz, np;
	assert_int_equal(kp_store_zones(f->c, &f->a, &z, &nz, &p, &np), KP_DB_OK);
	assert_int_equal(nz, 5);
	assert_int_equal(np, 17);
	kp_zone_fee_t *fees;
	int nf;
	assert_int_equal(kp_store_zone_fees(f->c, &f->a, &fees, &nf), KP_DB_OK);
	assert_int_equal(kp_zone_fee(fees, nf, 1), 2500);
	assert_int_equal(kp_zone_fee(fees, nf, 5), 5000);
	kp_passport_format_t fmt;
	assert_int_equal(kp_store_passport_format_for(f->c, &f->a, "FR", &fmt), KP_DB_OK);
	assert_string_equal(fmt.nationality, "FR");
	assert_int_equal(kp_store_passport_format_for(f->c, &f->a, "ZZ", &fmt), KP_DB_OK);
	assert_string_equal(fmt.nationality, "*");
	kp_stay_rule_row_t *rules;
	int nr;
	/* CH: the seed-001 re-entry rule until 30 December 2025, resolution No. 855 after, then '*' */
	assert_int_equal(kp_store_stay_rule_periods(f->c, &f->a, "KG", "CH", &rules, &nr), KP_DB_OK);
	assert_int_equal(nr, 3);
	assert_string_equal(rules[0].kind, "reentry");
	assert_int_equal(rules[0].days, 60);
	assert_int_equal(rules[0].valid_to, 20452);
	assert_string_equal(rules[1].kind, "rolling");
	assert_int_equal(rules[1].valid_from, 20453);
	assert_int_equal(rules[1].valid_to, -1);
	assert_non_null(strstr(rules[1].source, "No. 855"));
	assert_string_equal(rules[2].nationality, "*");
	assert_string_equal(rules[2].kind, "visa_required");
	assert_int_equal(kp_store_stay_rule_periods(f->c, &f->a, "XX", "FR", &rules, &nr), KP_DB_OK);
	assert_int_equal(nr, 0);
	/* a change effective from a day ends the period in force the day before */
	kp_stay_rule_row_t put = {.destination = "KG", .nationality = "CH", .kind = "rolling", .days = 45, .window = 90,
	                          .valid_from = 20600, .source = "test decree"};
	assert_int_equal(kp_store_stay_rule_put(f->c, NULL, &put), KP_DB_OK);
	assert_int_equal(kp_store_stay_rules(f->c, &f->a, "KG", "CH", -1, &rules, &nr), KP_DB_OK);
	assert_int_equal(nr, 3);
	assert_int_equal(rules[1].valid_to, 20599);
	assert_int_equal(rules[2].days, 45);
	assert_int_equal(kp_store_stay_rules(f->c, &f->a, "KG", "CH", 20500, &rules, &nr), KP_DB_OK);
	assert_int_equal(nr, 1);
	assert_int_equal(rules[0].days, 30);
	const char **members;
	assert_int_equal(kp_store_union_members(f->c, &f->a, &members), KP_DB_OK);
	assert_string_equal(members[3], "KZ");
	assert_null(members[5]);
	int64_t fee;
	assert_int_equal(kp_store_ecotax_fee(f->c, &f->a, "car", &fee), KP_DB_OK);
	assert_int_equal(fee, 1000);
	kp_zone_fee_t table[] = {{1, 3000}, {5, 6000}};
	assert_int_equal(kp_store_zone_fees_set(f->c, &f->who, table, 2), KP_DB_OK);
	assert_int_equal(kp_store_zone_fees(f->c, &f->a, &fees, &nf), KP_DB_OK);
	assert_int_equal(nf, 2);
	assert_int_equal(kp_zone_fee(fees, nf, 2), 6000);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM audit_log WHERE action = 'zone_fees.set'"), 1);
}

static void pay_signs_everyone_or_nothing(void **state)
{
	fx_t *f = *state;
	kp_zone_permit_t people[2];
	int64_t id = apply_two(f, people);
	kp_zone_payment_t pay = {5000, "KGS", "5000.00", "TX-1"};
	const char *status = NULL;
	fail_signing = true; /* a signing failure leaves no payment and no active permit */
	assert_int_not_equal(kp_store_zone_pay(f->c, &f->a, &f->who, id, &pay, &signer, &status), KP_DB_OK);
	fail_signing = false;
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM zone_payments"), 0);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM zone_permits WHERE status = 'active'"), 0);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM audit_log WHERE action = 'zone_application.pay'"), 0);
	assert_int_equal(kp_store_zone_pay(f->c, &f->a, &f->who, id, &pay, &signer, &status), KP_DB_OK);
	kp_zone_app_t app;
	kp_zone_permit_t *ps;
	int n;
	assert_int_equal(kp_store_zone_app_get(f->c, &f->a, id, &app, &ps, &n), KP_DB_OK);
	assert_string_equal(app.status, "paid");
	assert_string_equal(app.pay_reference, "TX-1");
	assert_int_equal(n, 2);
	assert_string_equal(ps[1].status, "active");
	assert_non_null(ps[1].credential);
	assert_int_equal(kp_store_zone_pay(f->c, &f->a, &f->who, id, &pay, &signer, &status), KP_DB_CONFLICT);
	assert_string_equal(status, "paid");
	assert_int_equal(kp_store_zone_cancel(f->c, &f->who, id), KP_DB_CONFLICT);
}

static void extension_once(void **state)
{
	fx_t *f = *state;
	kp_zone_permit_t people[2];
	int64_t id = apply_two(f, people);
	kp_zone_payment_t pay = {5000, "KGS", "5000.00", "TX-2"};
	const char *status = NULL;
	int ext;
	int64_t two = kp_zone_validity_end(20600, 2);
	assert_int_equal(kp_store_zone_extend(f->c, &f->a, &f->who, id, two, 20605, 2, &signer, &ext, &status),
	                 KP_DB_CONFLICT); /* not paid yet */
	assert_int_equal(ext, 0);
	assert_int_equal(kp_store_zone_pay(f->c, &f->a, &f->who, id, &pay, &signer, &status), KP_DB_OK);
	assert_int_equal(kp_store_zone_extend(f->c, &f->a, &f->who, id, two + 1, 20605, 2, &signer, &ext, &status),
	                 KP_DB_CONFLICT);
	assert_int_equal(ext, KP_ZONE_EXT_TOO_LONG);
	assert_int_equal(kp_store_zone_extend(f->c, &f->a, &f->who, id, two, 20605, 2, &signer, &ext, &status), KP_DB_OK);
	kp_zone_permit_t p;
	kp_zone_app_t app;
	assert_int_equal(kp_store_zone_permit_get(f->c, &f->a, people[0].id, &p, &app), KP_DB_OK);
	assert_int_equal(app.valid_until, two);
	assert_true(app.extended);
	assert_string_equal(p.credential, kp_arena_printf(&f->a, "cred-%lld-%lld", (long long)p.id, (long long)two));
	assert_int_equal(kp_store_zone_extend(f->c, &f->a, &f->who, id, two, 20606, 2, &signer, &ext, &status),
	                 KP_DB_CONFLICT);
	assert_int_equal(ext, KP_ZONE_EXT_USED);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM audit_log WHERE action = 'zone_application.extend'"), 1);
}

static void revoked_ids_and_checks(void **state)
{
	fx_t *f = *state;
	kp_zone_permit_t a[2], b[2];
	int64_t paid = apply_two(f, a), unpaid = apply_two(f, b);
	kp_zone_payment_t pay = {5000, "KGS", "5000.00", "TX-3"};
	const char *status = NULL, **ids;
	int n;
	assert_int_equal(kp_store_zone_pay(f->c, &f->a, &f->who, paid, &pay, &signer, &status), KP_DB_OK);
	assert_int_equal(kp_store_zone_permit_revoked_ids(f->c, &f->a, "KG", &ids, &n), KP_DB_OK);
	assert_int_equal(n, 0);
	assert_null(ids[0]);
	assert_int_equal(kp_store_zone_permit_revoke(f->c, &f->who, a[1].id, "forged"), KP_DB_OK);
	assert_int_equal(kp_store_zone_permit_revoke(f->c, &f->who, a[1].id, "again"), KP_DB_CONFLICT);
	assert_int_equal(kp_store_zone_permit_revoke(f->c, &f->who, b[0].id, "unpaid"), KP_DB_CONFLICT);
	/* the transparency log: both permits issued on payment, one revoked; no name or passport */
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves WHERE kind = 'zone_permit.issue'"), 2);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves WHERE kind = 'zone_permit.revoke'"), 1);
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tlog_leaves WHERE entry LIKE '%12AB34567%'"
	                                      " OR entry LIKE '%forged%'"), 0);
	assert_int_equal(kp_store_zone_cancel(f->c, &f->who, unpaid), KP_DB_OK);
	assert_int_equal(kp_store_zone_permit_revoked_ids(f->c, &f->a, "KG", &ids, &n), KP_DB_OK);
	assert_int_equal(n, 3);
	char num[KP_NUMBER_MAX];
	kp_number_format("KG", KP_NUMBER_ZONE, a[1].id, num);
	assert_string_equal(ids[0], num);
	assert_int_equal(kp_zone_permit_number_parse("KG", num), a[1].id);
	assert_int_equal(kp_zone_permit_number_parse("UZ", num), 0);
	assert_int_equal(kp_zone_permit_number_parse("KG", "KG-BZ-x"), 0);
	kp_zone_check_row_t row = {.permit_id = a[0].id, .place = "karkyra", .passport_number = "12AB34567",
	                           .reasons = "[]", .zone = 2, .valid = true};
	assert_int_equal(kp_store_zone_check_add(f->c, &f->who, &row), KP_DB_OK);
	kp_zone_check_row_t unknown = {.reasons = "[\"NOT_FOUND\"]", .zone = 1};
	assert_int_equal(kp_store_zone_check_add(f->c, &f->who, &unknown), KP_DB_OK);
	kp_zone_check_row_t *rows;
	assert_int_equal(kp_store_zone_checks(f->c, &f->a, a[0].id, &rows, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_true(rows[0].valid);
	assert_string_equal(rows[0].officer, "anna");
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM zone_checks"), 2);
}

static kp_tip_t car(fx_t *f, const char *from, int64_t day)
{
	return (kp_tip_t){.user_id = f->user, .plate = "AB123CD", .plate_country = "FR", .kind = "car",
	                  .owner_name = "Marie", .owner_passport = "12AB34567", .entry_checkpoint = "torugart",
	                  .entered_from = from, .entry_date = day, .term_months = 6,
	                  .expiry_date = kp_zone_validity_end(day, 6)};
}

static int receipt_sign(void *ctx, kp_arena_t *a, const kp_tip_t *t, int64_t pid, int64_t at, const char **cred,
                        const char **kid)
{
	(void)ctx;
	(void)at;
	*cred = kp_arena_printf(a, "receipt-%lld-%s", (long long)pid, t->plate);
	*kid = "test-kid";
	return 0;
}

static void tips(void **state)
{
	fx_t *f = *state;
	kp_tip_entry_result_t res;
	kp_tip_t t = car(f, "CN", 20600);
	assert_int_equal(kp_store_tip_enter(f->c, &f->a, &f->who, &t, &res), KP_DB_OK);
	assert_string_equal(res.action, "opened");
	assert_int_equal(t.ecotax_som, 1000);
	int64_t first = t.id;
	kp_receipt_signer_t rs = {NULL, receipt_sign};
	assert_int_equal(kp_store_ecotax_pay(f->c, &f->a, &f->who, first, "CASH-1", &rs), KP_DB_OK);
	assert_int_equal(kp_store_ecotax_pay(f->c, &f->a, &f->who, first, "CASH-2", &rs), KP_DB_CONFLICT);
	bool ended = true;
	assert_int_equal(kp_store_tip_exit(f->c, &f->a, &f->who, first, 20610, "ak-zhol", "KZ", &ended), KP_DB_OK);
	assert_false(ended);
	kp_tip_t back = car(f, "KZ", 20620);
	assert_int_equal(kp_store_tip_enter(f->c, &f->a, &f->who, &back, &res), KP_DB_OK);
	assert_string_equal(res.action, "kept");
	assert_int_equal(back.id, first);
	/* it left the union unseen and comes back from China: a new TIP, the ecotax paid before */
	kp_tip_t again = car(f, "CN", 20700);
	assert_int_equal(kp_store_tip_enter(f->c, &f->a, &f->who, &again, &res), KP_DB_OK);
	assert_string_equal(res.action, "replaced");
	assert_int_equal(res.replaced_id, first);
	assert_int_equal(again.ecotax_som, 0);
	assert_string_equal(again.ecotax_reason, "ALREADY_PAID");
	assert_int_equal(kp_store_count(f->c, "SELECT COUNT(*) FROM tips WHERE status = 'open'"), 1);
	kp_tip_t got;
	assert_int_equal(kp_store_tip_get(f->c, &f->a, first, &got), KP_DB_OK);
	assert_string_equal(got.status, "closed");
	assert_string_equal(got.ecotax_credential, kp_arena_printf(&f->a, "receipt-%lld-AB123CD", (long long)got.ecotax_payment_id));
	assert_int_equal(kp_store_tip_exit(f->c, &f->a, &f->who, again.id, 20699, "torugart", "CN", &ended), KP_DB_CONFLICT);
	kp_tip_t *list;
	int n;
	assert_int_equal(kp_store_tip_list(f->c, &f->a, f->user, "open", again.expiry_date, 10, &list, &n), KP_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(kp_store_tip_list(f->c, &f->a, f->user, NULL, again.expiry_date - 1, 10, &list, &n), KP_DB_OK);
	assert_int_equal(n, 0);
}

#define TESTS                                                                                                      \
	cmocka_unit_test_setup_teardown(reference_data, setup, teardown),                                          \
	    cmocka_unit_test_setup_teardown(pay_signs_everyone_or_nothing, setup, teardown),                       \
	    cmocka_unit_test_setup_teardown(extension_once, setup, teardown),                                      \
	    cmocka_unit_test_setup_teardown(revoked_ids_and_checks, setup, teardown),                              \
	    cmocka_unit_test_setup_teardown(tips, setup, teardown)

KP_STORE_TEST_MAIN("travellers' store", TESTS)
