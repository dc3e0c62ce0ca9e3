/* booking.h: the states of a queue booking at a checkpoint, their stored names and the
 * moves between them (the one place that names them; store/ and api/ ask here). Pure. */
#ifndef KP_BOOKING_H
#define KP_BOOKING_H

#include <stdbool.h>

enum kp_booking_status {
	KP_BOOKING_BOOKED,     /* a place in a slot, not yet at the checkpoint */
	KP_BOOKING_CHECKED_IN, /* in the waiting zone */
	KP_BOOKING_CALLED,     /* called to the gate, until its deadline */
	KP_BOOKING_CROSSED,    /* the crossing was recorded */
	KP_BOOKING_CANCELLED,  /* by the holder, an officer, or a closure of the crossing */
	KP_BOOKING_NO_SHOW,    /* the slot (or the call) passed without the vehicle */
	KP_BOOKING_STATUS_COUNT
};

enum kp_booking_action {
	KP_BOOKING_CHECK_IN, /* booked -> checked_in */
	KP_BOOKING_CALL,     /* checked_in -> called */
	KP_BOOKING_CROSS,    /* open -> crossed */
	KP_BOOKING_CANCEL,   /* open -> cancelled */
	KP_BOOKING_EXPIRE,   /* booked or called -> no_show */
	KP_BOOKING_PRIORITY, /* open -> the same status, with a priority lane granted or taken */
	KP_BOOKING_MOVE,     /* booked -> booked, in another hour of the same checkpoint and flow */
};

/* The status for its stored name; -1 when s is none. */
int kp_booking_status_parse(const char *s);
/* The stored name; NULL out of range. */
const char *kp_booking_status_name(enum kp_booking_status st);
/* The status action moves a booking in stored status s to; -1 when not allowed there. */
int kp_booking_next(const char *s, enum kp_booking_action action);
/* True while the booking holds its place: booked, checked in or called. */
bool kp_booking_open(const char *s);
/* True while the vehicle waits at the checkpoint: checked in or called. */
bool kp_booking_waiting(const char *s);

/* The stored names, spelt once: booking.c's table and the SQL lists below are made of them,
 * and store/ splices them into literal SQL where a read compares a status (a statement must
 * stay a literal, db.h). A status written is bound, from the move table. */
#define KP_BOOKING_S_BOOKED "booked"
#define KP_BOOKING_S_CHECKED_IN "checked_in"
#define KP_BOOKING_S_CALLED "called"
#define KP_BOOKING_S_CROSSED "crossed"
#define KP_BOOKING_S_CANCELLED "cancelled"
#define KP_BOOKING_S_NO_SHOW "no_show"

/* The open states (kp_booking_open) and the waiting ones (kp_booking_waiting), quoted for the
 * store's SQL IN lists; the open list is also the partial index queue_bookings_one_active. */
#define KP_BOOKING_OPEN_SQL "('" KP_BOOKING_S_BOOKED "', '" KP_BOOKING_S_CHECKED_IN "', '" KP_BOOKING_S_CALLED "')"
#define KP_BOOKING_WAITING_SQL "('" KP_BOOKING_S_CHECKED_IN "', '" KP_BOOKING_S_CALLED "')"

#endif
