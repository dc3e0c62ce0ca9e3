/* schedule.c: a crossing's status at an instant and its next opening (see schedule.h). */
#include "domain/schedule.h"
#include "domain/dates.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const mode_names[KP_MODE_COUNT] = {"pedestrian", "bicycle", "car", "motorcycle", "bus", "truck"};

unsigned kp_mode_parse(const char *name)
{
	for (int i = 0; name && i < KP_MODE_COUNT; i++)
		if (strcmp(name, mode_names[i]) == 0)
			return 1u << i;
	return 0;
}

const char *kp_mode_name(unsigned mode)
{
	for (int i = 0; i < KP_MODE_COUNT; i++)
		if (mode == 1u << i)
			return mode_names[i];
	return NULL;
}

int kp_modes_parse(const char *list, unsigned *out)
{
	unsigned mask = 0;
	char name[16];
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(name))
			return -1;
		memcpy(name, p, n);
		name[n] = '\0';
		unsigned bit = kp_mode_parse(name);
		if (bit == 0)
			return -1;
		mask |= bit;
		p += n + (p[n] == ',');
	}
	if (mask == 0)
		return -1;
	*out = mask;
	return 0;
}

const char *kp_mode_flow(unsigned mode)
{
	switch (mode) {
	case KP_MODE_PEDESTRIAN:
	case KP_MODE_BICYCLE:
		return "pedestrian";
	case KP_MODE_CAR:
	case KP_MODE_MOTORCYCLE:
		return "car";
	case KP_MODE_BUS:
		return "bus";
	case KP_MODE_TRUCK:
		return "truck";
	}
	return NULL;
}

/* ---- local time of a side ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Local day number and minute of the day of instant t at offset. */
static void local_of(int64_t t, int offset, int64_t *day, int *minute)
{
	int64_t local = t + (int64_t)offset * 60;
	*day = floor_div(local, 86400);
	*minute = (int)((local - *day * 86400) / 60);
}

static int weekday_bit(int64_t day)
{
	return 1 << (int)(((day % 7) + 7 + 3) % 7); /* day 0 was a Thursday; bit 0 is Monday */
}

static int64_t instant_of(int64_t day, int minute, int offset)
{
	return day * 86400 + (int64_t)minute * 60 - (int64_t)offset * 60;
}

static void add_reason(kp_cp_status_t *st, const char *code, const char *side, const char *detail, int64_t since,
                       int64_t until)
{
	if (st->nreasons < KP_CP_MAX_REASONS)
		st->reasons[st->nreasons++] = (kp_cp_reason_t){code, side, detail, since, until, NULL, NULL};
}

/* The last reason's detail in Kyrgyz and Russian (when that reason was added). */
static void name_last(kp_cp_status_t *st, const char *detail, const char *ky, const char *ru)
{
	if (st->nreasons > 0 && st->reasons[st->nreasons - 1].detail == detail) {
		st->reasons[st->nreasons - 1].detail_ky = ky;
		st->reasons[st->nreasons - 1].detail_ru = ru;
	}
}

int kp_cp_side_offset(const kp_cp_side_t *side, int64_t t)
{
	return side->offset_changed_at && t < side->offset_changed_at ? side->offset_before : side->offset_minutes;
}

/* The first open-window start after t on this side, searching a week ahead; 0 when none. */
static int64_t next_window_start(const kp_cp_side_t *side, int64_t t)
{
	int64_t day;
	int minute, off = kp_cp_side_offset(side, t);
	local_of(t, off, &day, &minute);
	int64_t best = 0;
	for (int d = 0; d <= 7; d++)
		for (int i = 0; i < side->nwindows; i++) {
			const kp_cp_window_t *w = &side->windows[i];
			if (w->is_break || !(w->days & weekday_bit(day + d)))
				continue;
			int64_t start = instant_of(day + d, w->from, off);
			if (start > t && (best == 0 || start < best))
				best = start;
		}
	return best;
}

/* Hours and lunch of one side at t. */
static void side_hours(const kp_cp_side_t *side, int64_t t, kp_cp_status_t *st)
{
	int64_t day;
	int minute, nopen = 0, off = kp_cp_side_offset(side, t);
	bool open = false;
	local_of(t, off, &day, &minute);
	const kp_cp_window_t *brk = NULL;
	for (int i = 0; i < side->nwindows; i++) {
		const kp_cp_window_t *w = &side->windows[i];
		bool inside = (w->days & weekday_bit(day)) && minute >= w->from && minute < w->to;
		if (w->is_break) {
			if (inside)
				brk = w;
			continue;
		}
		nopen++;
		open |= inside;
	}
	if (nopen > 0 && !open)
		add_reason(st, "CLOSED_HOURS", side->country, NULL, 0, next_window_start(side, t));
	else if (brk)
		add_reason(st, "CLOSED_LUNCH", side->country, NULL, 0, instant_of(day, brk->to, off));
}

static const kp_holiday_t *holiday_on(const kp_cp_schedule_t *s, const char *country, int64_t day)
{
	int y, m, d;
	kp_civil_from_days(day, &y, &m, &d);
	for (int i = 0; i < s->nholidays; i++) {
		const kp_holiday_t *h = &s->holidays[i];
		if (strcmp(h->country, country) == 0 && (h->year == 0 || h->year == y) && h->month == m && h->day == d)
			return h;
	}
	return NULL;
}

static void side_holiday(const kp_cp_schedule_t *s, const kp_cp_side_t *side, int64_t t, kp_cp_status_t *st)
{
	int64_t day;
	int minute, off = kp_cp_side_offset(side, t);
	local_of(t, off, &day, &minute);
	const kp_holiday_t *h = holiday_on(s, side->country, day);
	if (h) {
		add_reason(st, "CLOSED_HOLIDAY", side->country, h->name, 0, instant_of(day + 1, 0, off));
		name_last(st, h->name, h->name_ky, h->name_ru);
	}
}

/* Outside the open season (in the post's own local calendar): closed until it starts. */
static void season(const kp_cp_schedule_t *s, int64_t t, kp_cp_status_t *st)
{
	if (s->season_from_m == 0)
		return;
	int64_t day;
	int minute, y, m, d;
	int off = kp_cp_side_offset(&s->sides[0], t);
	local_of(t, off, &day, &minute);
	kp_civil_from_days(day, &y, &m, &d);
	int md = m * 100 + d, from = s->season_from_m * 100 + s->season_from_d, to = s->season_to_m * 100 + s->season_to_d;
	bool in = from <= to ? (md >= from && md <= to) : (md >= from || md <= to);
	if (in)
		return;
	int year = md < from ? y : y + 1;
	int64_t start = kp_days_from_civil(year, s->season_from_m, s->season_from_d);
	add_reason(st, "CLOSED_SEASON", NULL, NULL, 0, instant_of(start, 0, off));
}

/* Every time-bound reason the crossing is closed at t. */
static void evaluate(const kp_cp_schedule_t *s, int64_t t, kp_cp_status_t *st)
{
	st->nreasons = 0;
	for (int i = 0; i < s->nclosures; i++) {
		const kp_cp_closure_t *c = &s->closures[i];
		if (c->from <= t && (c->to == 0 || t < c->to)) {
			add_reason(st, "CLOSED", NULL, c->reason, c->from, c->to);
			name_last(st, c->reason, c->reason_ky, c->reason_ru);
		}
	}
	season(s, t, st);
	for (int i = 0; i < 2; i++) {
		if (s->holiday_rule == KP_HOLIDAYS_BOTH || (s->holiday_rule == KP_HOLIDAYS_OWN && i == 0))
			side_holiday(s, &s->sides[i], t, st);
		side_hours(&s->sides[i], t, st);
	}
}

#define SEARCH_STEPS 400

void kp_cp_status(const kp_cp_schedule_t *s, int64_t at, unsigned mode, bool foreigner, kp_cp_status_t *out)
{
	memset(out, 0, sizeof(*out));
	evaluate(s, at, out);
	bool barred = false;
	if (mode && !(s->modes & mode)) {
		add_reason(out, "MODE_NOT_ALLOWED", NULL, kp_mode_name(mode), 0, 0);
		barred = true;
	}
	if (foreigner && !s->foreigners) {
		add_reason(out, "FOREIGNERS_NOT_ALLOWED", NULL, NULL, 0, 0);
		barred = true;
	}
	out->open = out->nreasons == 0;
	if (out->open || barred)
		return;
	/* Every reason holds until its own end, so the crossing cannot open before the
	 * latest of them; look again from there until nothing is in the way. */
	kp_cp_status_t probe = *out;
	int64_t t = at;
	for (int step = 0; step < SEARCH_STEPS && probe.nreasons > 0; step++) {
		int64_t latest = 0;
		for (int i = 0; i < probe.nreasons; i++) {
			if (probe.reasons[i].until == 0)
				return; /* until further notice */
			if (probe.reasons[i].until > latest)
				latest = probe.reasons[i].until;
		}
		if (latest <= t || latest - at > 400LL * 86400)
			return;
		t = latest;
		evaluate(s, t, &probe);
	}
	if (probe.nreasons == 0)
		out->next_open = t;
}

bool kp_cp_open_during(const kp_cp_schedule_t *s, int64_t from, int64_t to, unsigned mode, bool foreigner)
{
	kp_cp_status_t st;
	kp_cp_status(s, from, mode, foreigner, &st);
	return st.open || (st.next_open && st.next_open < to);
}

bool kp_cp_hour_open(const kp_cp_schedule_t *s, int64_t hour_start, unsigned mode)
{
	static const int probes[] = {0, 900, 1800, 2700, 3599};
	if (mode && !(s->modes & mode))
		return false;
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		kp_cp_status_t st = {0};
		evaluate(s, hour_start + probes[i], &st); /* the time-bound reasons, without the next-opening search */
		if (st.nreasons > 0)
			return false;
	}
	return true;
}

unsigned kp_cp_flow_mode(const char *flow)
{
	return flow && (strcmp(flow, "car") == 0 || strcmp(flow, "bus") == 0 || strcmp(flow, "truck") == 0)
	           ? kp_mode_parse(flow)
	           : 0;
}

void kp_cp_local_day(const kp_cp_schedule_t *s, int64_t day, int64_t *from, int64_t *to)
{
	int off = kp_cp_side_offset(&s->sides[0], day * 86400);
	*from = instant_of(day, 0, off);
	*to = instant_of(day + 1, 0, off);
}

int kp_cp_parse_days(const char *s)
{
	int mask = 0;
	if (s == NULL || *s == '\0' || strlen(s) > 7)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '1' || *p > '7' || (mask & (1 << (*p - '1'))))
			return -1;
		mask |= 1 << (*p - '1');
	}
	return mask;
}

int kp_cp_parse_hhmm(const char *s)
{
	if (s == NULL || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

int kp_cp_parse_mmdd(const char *s, signed char *month, signed char *day)
{
	if (s == NULL || strlen(s) != 5 || s[2] != '-')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int m = (s[0] - '0') * 10 + (s[1] - '0'), d = (s[3] - '0') * 10 + (s[4] - '0');
	if (!kp_date_valid(2024, m, d)) /* a leap year: 29 February is a day */
		return -1;
	*month = (signed char)m;
	*day = (signed char)d;
	return 0;
}

static int two_digits(const char *s)
{
	return s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' ? (s[0] - '0') * 10 + (s[1] - '0') : -1;
}

int kp_parse_instant(const char *s, int default_offset, int64_t *out)
{
	char date[11];
	int64_t day;
	if (s == NULL || strlen(s) < 16 || s[10] != 'T' || s[13] != ':')
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	int h = two_digits(s + 11), m = two_digits(s + 14), sec = 0;
	const char *rest = s + 16;
	if (*rest == ':') {
		sec = two_digits(rest + 1);
		rest += 3;
	}
	if (kp_date_parse_iso(date, &day) != 0 || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59)
		return -1;
	int offset = default_offset;
	if (strcmp(rest, "Z") == 0) {
		offset = 0;
	} else if ((rest[0] == '+' || rest[0] == '-') && strlen(rest) == 6 && rest[3] == ':') {
		int oh = two_digits(rest + 1), om = two_digits(rest + 4);
		if (oh < 0 || oh > 14 || om < 0 || om > 59)
			return -1;
		offset = (rest[0] == '-' ? -1 : 1) * (oh * 60 + om);
	} else if (*rest != '\0') {
		return -1;
	}
	*out = instant_of(day, h * 60 + m, offset) + sec;
	return 0;
}

void kp_format_local(int64_t t, int offset, char out[17])
{
	int64_t day;
	int minute;
	local_of(t, offset, &day, &minute);
	char date[11];
	kp_date_format_iso(day, date);
	snprintf(out, 17, "%.10sT%02u:%02u", date, ((unsigned)minute / 60u) % 24u, (unsigned)minute % 60u);
}

double kp_geo_km(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 6371.0, rad = M_PI / 180.0;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * r * atan2(sqrt(a), sqrt(1 - a));
}
