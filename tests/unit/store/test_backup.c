/* test_backup.c: the PostgreSQL address reaches pg_dump and pg_restore through libpq's
 * environment variables, so no password is on their command line. */
#include "kp_test.h"

#include "store/backup.h"

static void address_split_into_libpq_environment(void **state)
{
	(void)state;
	unsetenv("PGPASSWORD");
	assert_int_equal(kp_backup_pg_environ("postgres://kapka:s3cret@db.internal:5433/permits?sslmode=require"), 0);
	assert_string_equal(getenv("PGUSER"), "kapka");
	assert_string_equal(getenv("PGPASSWORD"), "s3cret");
	assert_string_equal(getenv("PGHOST"), "db.internal");
	assert_string_equal(getenv("PGPORT"), "5433");
	assert_string_equal(getenv("PGDATABASE"), "permits");
	assert_string_equal(getenv("PGSSLMODE"), "require");
	assert_int_equal(kp_backup_pg_environ("postgres://kapka@[::1"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(address_split_into_libpq_environment),
	};
	return cmocka_run_group_tests_name("backup", tests, NULL, NULL);
}
