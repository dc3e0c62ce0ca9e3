/* test_booking.c: the queue booking's states and moves (src/domain/booking.c): every
 * action from every state, table-driven, against the life of a booking the queue pages
 * show (book, check in, be called, cross; or cancel, or miss the slot or the call). */
#include "kp_test.h"

#include "domain/booking.h"

static void names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < KP_BOOKING_STATUS_COUNT; i++)
		assert_int_equal(kp_booking_status_parse(kp_booking_status_name((enum kp_booking_status)i)), i);
	assert_string_equal(kp_booking_status_name(KP_BOOKING_CHECKED_IN), "checked_in");
	assert_null(kp_booking_status_name(KP_BOOKING_STATUS_COUNT));
	assert_int_equal(kp_booking_status_parse("Booked"), -1);
	assert_int_equal(kp_booking_status_parse(""), -1);
	assert_int_equal(kp_booking_status_parse(NULL), -1);
}

static void every_move(void **state)
{
	(void)state;
	static const char *const from[] = {"booked", "checked_in", "called", "crossed", "cancelled", "no_show", "bogus"};
	static const struct {
		enum kp_booking_action action;
		const char *to[7];
	} rows[] = {
	    {KP_BOOKING_CHECK_IN, {"checked_in", NULL, NULL, NULL, NULL, NULL, NULL}},
	    {KP_BOOKING_CALL, {NULL, "called", NULL, NULL, NULL, NULL, NULL}},
	    {KP_BOOKING_CROSS, {"crossed", "crossed", "crossed", NULL, NULL, NULL, NULL}},
	    {KP_BOOKING_CANCEL, {"cancelled", "cancelled", "cancelled", NULL, NULL, NULL, NULL}},
	    {KP_BOOKING_EXPIRE, {"no_show", NULL, "no_show", NULL, NULL, NULL, NULL}},
	    {KP_BOOKING_PRIORITY, {"booked", "checked_in", "called", NULL, NULL, NULL, NULL}},
	    {KP_BOOKING_MOVE, {"booked", NULL, NULL, NULL, NULL, NULL, NULL}},
	};
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
		for (int i = 0; i < 7; i++) {
			int to = kp_booking_next(from[i], rows[r].action);
			if (rows[r].to[i] == NULL)
				assert_int_equal(to, -1);
			else
				assert_string_equal(kp_booking_status_name((enum kp_booking_status)to), rows[r].to[i]);
		}
	assert_int_equal(kp_booking_next("booked", (enum kp_booking_action)99), -1);
}

static void open_and_waiting(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool open, waiting;
	} rows[] = {
	    {"booked", true, false},     {"checked_in", true, true}, {"called", true, true}, {"crossed", false, false},
	    {"cancelled", false, false}, {"no_show", false, false},  {"", false, false},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(kp_booking_open(rows[i].s), rows[i].open);
		assert_int_equal(kp_booking_waiting(rows[i].s), rows[i].waiting);
	}
	/* the SQL lists name exactly the open and the waiting states */
	for (int i = 0; i < KP_BOOKING_STATUS_COUNT; i++) {
		char quoted[32];
		snprintf(quoted, sizeof(quoted), "'%s'", kp_booking_status_name((enum kp_booking_status)i));
		assert_int_equal(strstr(KP_BOOKING_OPEN_SQL, quoted) != NULL,
		                 kp_booking_open(kp_booking_status_name((enum kp_booking_status)i)));
		assert_int_equal(strstr(KP_BOOKING_WAITING_SQL, quoted) != NULL,
		                 kp_booking_waiting(kp_booking_status_name((enum kp_booking_status)i)));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names_round_trip),
	    cmocka_unit_test(every_move),
	    cmocka_unit_test(open_and_waiting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
