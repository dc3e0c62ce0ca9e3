/* test_outbox.c: an outbox event's states and moves (src/domain/outbox.c): every action
 * from every state, and the shown state for each stored state and set-aside mark. */
#include "kp_test.h"

#include "domain/outbox.h"

static void every_action_from_every_state(void **state)
{
	(void)state;
	static const char *const states[] = {KP_OUTBOX_S_PENDING, KP_OUTBOX_S_DELIVERED, KP_OUTBOX_S_DEAD,
	                                     KP_OUTBOX_S_SKIPPED, "sent"};
	/* want[state][action]: DELIVER, SET_ASIDE, RETRY, SKIP */
	static const char *const want[][4] = {
	    {KP_OUTBOX_S_DELIVERED, KP_OUTBOX_S_DEAD, NULL, KP_OUTBOX_S_SKIPPED},
	    {NULL, NULL, NULL, NULL},
	    {NULL, NULL, KP_OUTBOX_S_PENDING, KP_OUTBOX_S_SKIPPED},
	    {NULL, NULL, NULL, NULL},
	    {NULL, NULL, NULL, NULL},
	};
	for (size_t i = 0; i < KP_ROWS(states); i++) {
		assert_int_equal(kp_outbox_state_known(states[i]), i < 4);
		for (int act = KP_OUTBOX_DELIVER; act <= KP_OUTBOX_SKIP; act++) {
			const char *to = kp_outbox_next(states[i], (kp_outbox_action_t)act);
			if ((to == NULL) != (want[i][act] == NULL) || (to && strcmp(to, want[i][act]) != 0))
				fail_msg("%s, action %d: got %s", states[i], act, to ? to : "refused");
		}
	}
	assert_null(kp_outbox_next(NULL, KP_OUTBOX_DELIVER));
	assert_false(kp_outbox_state_known(NULL));
}

static void shown_states(void **state)
{
	(void)state;
	assert_string_equal(kp_outbox_shown(KP_OUTBOX_S_PENDING, false, false), KP_OUTBOX_S_PENDING);
	assert_string_equal(kp_outbox_shown(KP_OUTBOX_S_PENDING, true, false), KP_OUTBOX_S_DEAD);
	assert_string_equal(kp_outbox_shown(KP_OUTBOX_S_PENDING, true, true), KP_OUTBOX_S_SKIPPED);
	assert_string_equal(kp_outbox_shown(KP_OUTBOX_S_PENDING, false, true), KP_OUTBOX_S_SKIPPED);
	/* a delivered event keeps its state whatever the marks say, unless skipped */
	assert_string_equal(kp_outbox_shown(KP_OUTBOX_S_DELIVERED, true, false), KP_OUTBOX_S_DELIVERED);
	assert_string_equal(kp_outbox_shown(KP_OUTBOX_S_DELIVERED, false, false), KP_OUTBOX_S_DELIVERED);
	assert_string_equal(kp_outbox_shown(KP_OUTBOX_S_DELIVERED, false, true), KP_OUTBOX_S_SKIPPED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_action_from_every_state),
	    cmocka_unit_test(shown_states),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
