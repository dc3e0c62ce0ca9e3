/* test_agency.c: the agency exchange's rules (src/domain/agency.c): the retry schedule,
 * thresholds and which agency inspects what. */
#include "kp_test.h"

#include "domain/agency.h"

static void retry_schedule(void **state)
{
	(void)state;
	const char *spec = "5,300,1800,7200,18000,36000,36000";
	long long want[] = {5, 300, 1800, 7200, 18000, 36000, 36000};
	for (int i = 0; i < 7; i++)
		assert_int_equal(kp_agency_retry_after(spec, i + 1), want[i]);
	assert_int_equal(kp_agency_retry_after(spec, 8), -1);
	assert_int_equal(kp_agency_retry_after(spec, 0), -1);
	assert_int_equal(kp_agency_retry_after("5,x", 2), -1);
	assert_int_equal(kp_agency_retry_after("", 1), -1);
	assert_int_equal(kp_agency_retry_after("1", 1), 1);
}

static void thresholds(void **state)
{
	(void)state;
	const char *flag;
	assert_true(kp_agency_reading_trips("weighbridge", 44001, true, NULL, 44000, &flag));
	assert_string_equal(flag, "OVERWEIGHT");
	assert_false(kp_agency_reading_trips("weighbridge", 44000, true, NULL, 44000, &flag));
	assert_false(kp_agency_reading_trips("weighbridge", 90000, true, NULL, 0, &flag));
	assert_true(kp_agency_reading_trips("radiation", 0.31, true, NULL, 0, &flag));
	assert_string_equal(flag, "RADIATION_ALARM");
	assert_false(kp_agency_reading_trips("radiation", 0.1, true, "clear", 0, &flag));
	assert_true(kp_agency_reading_trips("radiation", 0, false, "alarm", 0, &flag));
	assert_true(kp_agency_reading_trips("scanner", 0, false, "alarm", 0, &flag));
	assert_string_equal(flag, "SCAN_ALARM");
	assert_false(kp_agency_reading_trips("plate_camera", 0, false, "alarm", 0, &flag));
	assert_null(flag);
}

static void agencies_for_flags(void **state)
{
	(void)state;
	assert_string_equal(kp_agency_for_flag("OVERWEIGHT"), "transport_inspection");
	assert_string_equal(kp_agency_for_flag("SCAN_ALARM"), "customs");
	assert_string_equal(kp_agency_for_flag("RADIATION_ALARM"), "sanitary_epidemiological");
	assert_null(kp_agency_for_flag("FLAG_UNKNOWN"));
	assert_null(kp_agency_for_flag(NULL));
	assert_true(kp_agency_service_valid("ecmr"));
	assert_false(kp_agency_service_valid("ECMR"));
	assert_true(kp_agency_kind_valid("veterinary"));
	assert_false(kp_agency_kind_valid("navy"));
}

/* Every action from every status of a delivery and of an inspection task; the replay's SQL
 * list is exactly the statuses a replay moves from. */
static void states_and_moves(void **state)
{
	(void)state;
	static const char *const deliveries[] = {KP_AGENCY_DELIVERY_S_PENDING, KP_AGENCY_DELIVERY_S_DELIVERED,
	                                         KP_AGENCY_DELIVERY_S_DEAD, "sent"};
	/* want[status][action]: OK, RETRY, GIVE_UP, REPLAY */
	static const char *const want[][4] = {
	    {KP_AGENCY_DELIVERY_S_DELIVERED, KP_AGENCY_DELIVERY_S_PENDING, KP_AGENCY_DELIVERY_S_DEAD,
	     KP_AGENCY_DELIVERY_S_PENDING},
	    {NULL, NULL, NULL, NULL},
	    {NULL, NULL, NULL, KP_AGENCY_DELIVERY_S_PENDING},
	    {NULL, NULL, NULL, NULL},
	};
	for (size_t i = 0; i < KP_ROWS(deliveries); i++) {
		assert_int_equal(kp_agency_delivery_status_known(deliveries[i]), i < 3);
		for (int act = KP_AGENCY_DELIVERY_OK; act <= KP_AGENCY_DELIVERY_REPLAY; act++) {
			const char *to = kp_agency_delivery_next(deliveries[i], (kp_agency_delivery_action_t)act);
			if ((to == NULL) != (want[i][act] == NULL) || (to && strcmp(to, want[i][act])))
				fail_msg("delivery %s, action %d: got %s", deliveries[i], act, to ? to : "refused");
		}
		char quoted[32];
		snprintf(quoted, sizeof(quoted), "'%s'", deliveries[i]);
		assert_int_equal(strstr(KP_AGENCY_DELIVERY_REPLAYABLE_SQL, quoted) != NULL,
		                 kp_agency_delivery_next(deliveries[i], KP_AGENCY_DELIVERY_REPLAY) != NULL);
	}
	assert_null(kp_agency_delivery_next(NULL, KP_AGENCY_DELIVERY_OK));

	assert_string_equal(kp_agency_task_next(KP_AGENCY_TASK_S_OPEN, KP_AGENCY_TASK_CLOSE), KP_AGENCY_TASK_S_CLOSED);
	assert_null(kp_agency_task_next(KP_AGENCY_TASK_S_CLOSED, KP_AGENCY_TASK_CLOSE));
	assert_null(kp_agency_task_next("done", KP_AGENCY_TASK_CLOSE));
	assert_true(kp_agency_task_status_known(KP_AGENCY_TASK_S_OPEN));
	assert_true(kp_agency_task_status_known(KP_AGENCY_TASK_S_CLOSED));
	assert_false(kp_agency_task_status_known("done"));

	assert_true(kp_agency_endpoint_status_known(KP_AGENCY_ENDPOINT_S_ACTIVE));
	assert_true(kp_agency_endpoint_status_known(KP_AGENCY_ENDPOINT_S_DISABLED));
	assert_false(kp_agency_endpoint_status_known("gone"));
	assert_false(kp_agency_endpoint_status_known(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(retry_schedule),
	    cmocka_unit_test(thresholds),
	    cmocka_unit_test(agencies_for_flags),
	    cmocka_unit_test(states_and_moves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
