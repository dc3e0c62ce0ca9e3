/* test_tlog_backfill_permits.c: a database older than the transparency log itself: our
 * quota, a permit issued and one revoked with the log off, as before it existed. The upgrade
 * (migration 125, src/store/tlog_backfill.c) appends their quota.create, permit.issue and
 * permit.revoke, oldest first, marked backfilled_at, and each permit's issue leaf commits to
 * its plate and company with the salt it keeps, as `kapka log verify` checks; a partner's
 * permit (org 0) is its issuer's to log and gets no leaf. SQLite and PostgreSQL. */
#define KP_TEST_DB_PREFIX "kapka_tlog_bfp"
#include "permits_fixture.h"

#include "store/tlog_acts.h"

#include <sodium.h>

static void check_commitment(fx_t *f, const kp_tlog_row_t *row)
{
	kp_permit_t p;
	assert_int_equal(kp_store_permit_get(f->c, &f->a, row->object, &p), KP_DB_OK);
	uint8_t salt[KP_TLOG_SALT_SIZE];
	size_t n;
	char commitment[48];
	assert_non_null(row->salt);
	assert_int_equal(sodium_hex2bin(salt, sizeof(salt), row->salt, strlen(row->salt), NULL, &n, NULL), 0);
	json_t *personal = kp_tlog_permit_personal(&p);
	assert_int_equal(kp_tlog_commitment(personal, salt, commitment), 0);
	json_decref(personal);
	json_t *leaf = json_loads(row->entry, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(leaf, "commitment")), commitment);
	assert_int_equal(json_integer_value(json_object_get(leaf, "at")), p.issued_at);
	assert_true(json_integer_value(json_object_get(leaf, "backfilled_at")) > 0);
	json_decref(leaf);
}

static void permits_from_before_the_log(void **state)
{
	fx_t *f = *state;
	NEEDS_APPLY(f);
	kp_tlog_set_enabled(false);
	add_quota(f, "UZ", 1, 1, 10);
	const char *p1 = issue(f, f->carrier, f->truck, "UZ", 1);
	const char *p2 = issue(f, f->carrier, add_vehicle(f, f->c, f->carrier, 2, "truck", 5), "UZ", 1);
	const char *why = NULL;
	assert_int_equal(kp_store_permit_withdraw(f->c, &f->a, &tester, p2, "revoked", "forged papers", &why), KP_DB_OK);
	kp_tlog_set_enabled(true);
	exec_sql(f->c, "DROP TABLE tlog_backfills");
	exec_sql(f->c, "DELETE FROM schema_migrations WHERE version = 125");
	int64_t size = -1;
	assert_int_equal(kp_store_tlog_size(f->c, &size), KP_DB_OK);
	assert_int_equal(size, 0);

	int applied;
	assert_int_equal(kp_store_migrate(f->s, &applied), KP_DB_OK);
	assert_int_equal(applied, 1);
	kp_tlog_row_t *rows;
	int n;
	assert_int_equal(kp_store_tlog_leaves(f->c, &f->a, 0, 10, &rows, &n), KP_DB_OK);
	assert_int_equal(n, 4);
	assert_string_equal(rows[0].kind, "quota.create");
	int issues = 0;
	for (int i = 1; i < n; i++)
		if (strcmp(rows[i].kind, "permit.issue") == 0) {
			check_commitment(f, &rows[i]);
			issues++;
		}
	assert_int_equal(issues, 2);
	assert_string_equal(rows[3].kind, "permit.revoke"); /* revoked after both were issued */
	assert_string_equal(rows[3].object, p2);
	assert_null(strstr(rows[3].entry, "forged papers")); /* the reason is committed to, not shown */
	kp_tlog_row_t first;
	assert_int_equal(kp_store_tlog_first_of_object(f->c, &f->a, p1, INT64_MAX, &first), KP_DB_OK);
	assert_string_equal(first.kind, "permit.issue");
}

KP_STORE_TEST_MAIN("transparency log backfill of permits",
                   cmocka_unit_test_setup_teardown(permits_from_before_the_log, setup, teardown))
