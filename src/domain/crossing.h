/* crossing.h: rules for a registered border crossing (which vehicles need a freight
 * permit, what raises an inspection flag), the booked queue's priority lane, and the
 * percentiles the throughput report uses. Pure: no I/O. */
#ifndef KP_CROSSING_H
#define KP_CROSSING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kp_crossing_flag {
	KP_FLAG_NO_PERMIT = 1 << 0,  /* a freight vehicle without a permit that matched */
	KP_FLAG_OVERWEIGHT = 1 << 1, /* the scale read more than the limit */
	KP_FLAG_SCAN_ALARM = 1 << 2, /* the scanner */
	KP_FLAG_XRAY_ALARM = 1 << 3,
	KP_FLAG_RADIATION_ALARM = 1 << 4,
};
#define KP_FLAG_COUNT 5

typedef struct kp_crossing_facts {
	bool needs_permit, permit_ok;
	int64_t weight_kg, max_weight_kg;    /* weight 0: not weighed */
	const char *scan, *xray, *radiation; /* "clear", "alarm" or NULL (not run) */
} kp_crossing_facts_t;

/* Flags the facts raise; any flag means the vehicle goes to inspection. */
unsigned kp_crossing_flags(const kp_crossing_facts_t *f);
/* "NO_PERMIT,OVERWEIGHT" (empty when none) into buf of len bytes (>= 96 is enough). */
void kp_crossing_flags_text(unsigned flags, char *buf, size_t len);
/* The name of one flag bit; NULL when not exactly one. */
const char *kp_crossing_flag_name(unsigned flag);

/* Vehicle kinds kapka registers, and whether a kind carries freight (needs a permit). */
const char *kp_check_crossing_kind(const char *kind);
bool kp_kind_is_freight(const char *kind);
/* The flow (lane) a vehicle kind uses; "pedestrian" for NULL (on foot). */
const char *kp_kind_flow(const char *kind);

/* Priority cargo of the booked queue (perishable, dangerous, humanitarian, postal). */
const char *kp_check_priority(const char *priority);
/* Most priority bookings a slot of capacity takes: share_percent of it, rounded down,
 * but at least one when both are positive. */
int kp_queue_priority_cap(int capacity, int share_percent);

/* Nearest-rank percentile p (1-100) of n sorted values; 0 when n is 0. */
int64_t kp_percentile(const int64_t *sorted, int n, int p);

#endif
