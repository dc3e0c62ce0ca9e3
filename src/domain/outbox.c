/* outbox.c: an outbox event's states and moves (see outbox.h). */
#include "domain/outbox.h"

#include <stddef.h>
#include <string.h>

const char *kp_outbox_shown(const char *stored, bool dead, bool skipped)
{
	if (skipped)
		return KP_OUTBOX_S_SKIPPED;
	if (dead && stored && strcmp(stored, KP_OUTBOX_S_PENDING) == 0)
		return KP_OUTBOX_S_DEAD;
	return stored;
}

/* Each move: from which shown state, by which action, to which. */
static const struct outbox_move {
	const char *from;
	kp_outbox_action_t action;
	const char *to;
} moves[] = {
    {KP_OUTBOX_S_PENDING, KP_OUTBOX_DELIVER, KP_OUTBOX_S_DELIVERED},
    {KP_OUTBOX_S_PENDING, KP_OUTBOX_SET_ASIDE, KP_OUTBOX_S_DEAD},
    {KP_OUTBOX_S_DEAD, KP_OUTBOX_RETRY, KP_OUTBOX_S_PENDING},
    {KP_OUTBOX_S_PENDING, KP_OUTBOX_SKIP, KP_OUTBOX_S_SKIPPED},
    {KP_OUTBOX_S_DEAD, KP_OUTBOX_SKIP, KP_OUTBOX_S_SKIPPED},
};

const char *kp_outbox_next(const char *shown, kp_outbox_action_t action)
{
	for (size_t i = 0; shown && i < sizeof(moves) / sizeof(moves[0]); i++)
		if (moves[i].action == action && strcmp(moves[i].from, shown) == 0)
			return moves[i].to;
	return NULL;
}

bool kp_outbox_state_known(const char *s)
{
	return s && (!strcmp(s, KP_OUTBOX_S_PENDING) || !strcmp(s, KP_OUTBOX_S_DELIVERED) || !strcmp(s, KP_OUTBOX_S_DEAD) ||
	             !strcmp(s, KP_OUTBOX_S_SKIPPED));
}
