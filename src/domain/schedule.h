/* schedule.h: whether a border crossing is open at an instant, and why not: weekly hours
 * per side in each side's own time (fixed UTC offsets, which are data), lunch breaks,
 * an open season, closures, public holidays of either side, the kinds of traffic and
 * whether foreigners may cross, and when it next opens. Pure: no I/O, no clock. */
#ifndef KP_SCHEDULE_H
#define KP_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

/* Kinds of traffic a crossing may allow (a bit each). */
enum kp_mode {
	KP_MODE_PEDESTRIAN = 1 << 0,
	KP_MODE_BICYCLE = 1 << 1,
	KP_MODE_CAR = 1 << 2,
	KP_MODE_MOTORCYCLE = 1 << 3,
	KP_MODE_BUS = 1 << 4,
	KP_MODE_TRUCK = 1 << 5,
};
#define KP_MODE_COUNT 6

/* "truck" → KP_MODE_TRUCK; 0 when unknown. */
unsigned kp_mode_parse(const char *name);
/* Name of one mode bit; NULL when not exactly one known bit. */
const char *kp_mode_name(unsigned mode);
/* "pedestrian,car" → mask; -1 when a name is unknown or the list is empty. */
int kp_modes_parse(const char *list, unsigned *out);
/* The flow (lane) a mode uses: pedestrian (also bicycles), car (also motorcycles), bus, truck. */
const char *kp_mode_flow(unsigned mode);

/* One window of a side's week, in that side's local minutes [from, to). */
typedef struct kp_cp_window {
	unsigned char days; /* bit 0 Monday ... bit 6 Sunday */
	short from, to;     /* 0..1440 */
	bool is_break;      /* a break (lunch) closes the side inside an open window */
} kp_cp_window_t;

#define KP_CP_MAX_WINDOWS 8
typedef struct kp_cp_side {
	char country[3];
	int offset_minutes;
	int nwindows; /* 0 open windows: the side keeps no hours (always open) */
	kp_cp_window_t windows[KP_CP_MAX_WINDOWS];
	int64_t offset_changed_at; /* before this instant (0: never changed) the side's clocks ... */
	int offset_before;         /* ... were this many minutes from UTC (Kazakhstan: +6 until 1 March 2024) */
} kp_cp_side_t;

typedef struct kp_cp_closure {
	int64_t id, from, to; /* to 0: until further notice */
	const char *reason;
	const char *reason_ky, *reason_ru; /* the reason in Kyrgyz and Russian, NULL when not given */
} kp_cp_closure_t;

typedef struct kp_holiday {
	char country[3];
	short year; /* 0: every year */
	signed char month, day;
	const char *name;
	const char *name_ky, *name_ru; /* NULL when not given */
} kp_holiday_t;

enum kp_holiday_rule { KP_HOLIDAYS_NONE, KP_HOLIDAYS_OWN, KP_HOLIDAYS_BOTH };

typedef struct kp_cp_schedule {
	kp_cp_side_t sides[2]; /* [0] the country running the post, [1] the neighbour */
	unsigned modes;
	bool foreigners;
	int holiday_rule;
	signed char season_from_m, season_from_d, season_to_m, season_to_d; /* 0: all year */
	const kp_cp_closure_t *closures;
	int nclosures;
	const kp_holiday_t *holidays; /* of every country; the rule picks the sides' */
	int nholidays;
} kp_cp_schedule_t;

typedef struct kp_cp_reason {
	/* CLOSED (a closure), CLOSED_SEASON, CLOSED_HOLIDAY, CLOSED_HOURS, CLOSED_LUNCH,
	 * MODE_NOT_ALLOWED, FOREIGNERS_NOT_ALLOWED */
	const char *code;
	const char *side;   /* the country whose side is closed; NULL: the crossing as a whole */
	const char *detail; /* the closure's reason or the holiday's name, else NULL */
	int64_t since;      /* closures: when it began; else 0 */
	int64_t until;      /* when this reason ends; 0: not known (until further notice, never) */
	const char *detail_ky, *detail_ru; /* detail in Kyrgyz and Russian, NULL when not given */
} kp_cp_reason_t;

#define KP_CP_MAX_REASONS 8
typedef struct kp_cp_status {
	bool open;
	int nreasons;
	kp_cp_reason_t reasons[KP_CP_MAX_REASONS];
	int64_t next_open; /* when closed: the instant it next opens; 0 when not known */
} kp_cp_status_t;

/* The crossing's status at `at` for traffic of one mode (0: any) by a foreigner or not.
 * next_open is searched over the reasons' ends, up to a year ahead. */
void kp_cp_status(const kp_cp_schedule_t *s, int64_t at, unsigned mode, bool foreigner, kp_cp_status_t *out);

/* "12345" (ISO weekdays) → bit mask; -1 when malformed. */
int kp_cp_parse_days(const char *s);
/* True when the crossing is open for mode (0: any) at some instant of [from, to). */
bool kp_cp_open_during(const kp_cp_schedule_t *s, int64_t from, int64_t to, unsigned mode, bool foreigner);
/* True when the crossing is open for mode throughout the hour starting at hour_start
 * (checked at each quarter hour and at its last second): the one rule that says whether a
 * booking slot may be offered for that hour, so the status and the booking pages agree. */
bool kp_cp_hour_open(const kp_cp_schedule_t *s, int64_t hour_start, unsigned mode);
/* The mode a queue flow (car, bus, truck) books for; 0 when unknown. */
unsigned kp_cp_flow_mode(const char *flow);
/* [*from, *to) of the civil day `day` in the post's own local time. */
void kp_cp_local_day(const kp_cp_schedule_t *s, int64_t day, int64_t *from, int64_t *to);
/* "09:30" → 570 minutes, "24:00" → 1440; -1 when malformed. */
int kp_cp_parse_hhmm(const char *s);
/* "05-25" → month and day; -1 when malformed or impossible. */
int kp_cp_parse_mmdd(const char *s, signed char *month, signed char *day);

/* An instant "2026-11-24T12:00" (seconds optional) followed by Z, +06:00 / -05:00, or
 * nothing, in which case it is local time at default_offset minutes. 0 and *out, or -1
 * when malformed. */
int kp_parse_instant(const char *s, int default_offset, int64_t *out);
/* The side's UTC offset in force at instant t. */
int kp_cp_side_offset(const kp_cp_side_t *side, int64_t t);
/* "2026-11-24T12:00" local time of t at offset (17 bytes). */
void kp_format_local(int64_t t, int offset, char out[17]);

/* Great-circle distance in kilometres. */
double kp_geo_km(double lat1, double lon1, double lat2, double lon2);

#endif
