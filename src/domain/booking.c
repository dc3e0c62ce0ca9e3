/* booking.c: the queue booking's states and moves (booking.h), as one table. */
#include "domain/booking.h"

#include <stddef.h>
#include <string.h>

static const char *const names[KP_BOOKING_STATUS_COUNT] =
    {[KP_BOOKING_BOOKED] = KP_BOOKING_S_BOOKED,       [KP_BOOKING_CHECKED_IN] = KP_BOOKING_S_CHECKED_IN,
     [KP_BOOKING_CALLED] = KP_BOOKING_S_CALLED,       [KP_BOOKING_CROSSED] = KP_BOOKING_S_CROSSED,
     [KP_BOOKING_CANCELLED] = KP_BOOKING_S_CANCELLED, [KP_BOOKING_NO_SHOW] = KP_BOOKING_S_NO_SHOW};

/* For each action, the status it leads to from each status (-1: not allowed). */
#define NO (-1)
#define SAME (-2)
static const int moves[][KP_BOOKING_STATUS_COUNT] = {
    /*                      booked                 checked_in             called                 crossed cancelled no_show */
    [KP_BOOKING_CHECK_IN] = {KP_BOOKING_CHECKED_IN, NO, NO, NO, NO, NO},
    [KP_BOOKING_CALL] = {NO, KP_BOOKING_CALLED, NO, NO, NO, NO},
    [KP_BOOKING_CROSS] = {KP_BOOKING_CROSSED, KP_BOOKING_CROSSED, KP_BOOKING_CROSSED, NO, NO, NO},
    [KP_BOOKING_CANCEL] = {KP_BOOKING_CANCELLED, KP_BOOKING_CANCELLED, KP_BOOKING_CANCELLED, NO, NO, NO},
    [KP_BOOKING_EXPIRE] = {KP_BOOKING_NO_SHOW, NO, KP_BOOKING_NO_SHOW, NO, NO, NO},
    [KP_BOOKING_PRIORITY] = {SAME, SAME, SAME, NO, NO, NO},
    [KP_BOOKING_MOVE] = {SAME, NO, NO, NO, NO, NO},
};

int kp_booking_status_parse(const char *s)
{
	for (int i = 0; s && i < KP_BOOKING_STATUS_COUNT; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *kp_booking_status_name(enum kp_booking_status st)
{
	return (unsigned)st < KP_BOOKING_STATUS_COUNT ? names[st] : NULL;
}

int kp_booking_next(const char *s, enum kp_booking_action action)
{
	int st = kp_booking_status_parse(s);
	if (st < 0 || (unsigned)action >= sizeof(moves) / sizeof(moves[0]))
		return -1;
	int to = moves[action][st];
	return to == SAME ? st : to;
}

bool kp_booking_open(const char *s)
{
	return kp_booking_next(s, KP_BOOKING_CANCEL) >= 0;
}

bool kp_booking_waiting(const char *s)
{
	int st = kp_booking_status_parse(s);
	return st == KP_BOOKING_CHECKED_IN || st == KP_BOOKING_CALLED;
}
