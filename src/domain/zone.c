/* zone.c: border-zone permit rules (zone.h). */
#include "domain/zone.h"
#include "domain/dates.h"
#include "domain/number.h"
#include "core/util.h"

#include <ctype.h>
#include <stdint.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

int64_t kp_zone_fee(const kp_zone_fee_t *table, int n, int nzones)
{
	const kp_zone_fee_t *best = NULL;
	for (int i = 0; i < n; i++)
		if (table[i].max_zones >= nzones && (best == NULL || table[i].max_zones < best->max_zones))
			best = &table[i];
	return best && nzones > 0 ? best->fee_som : -1;
}

static int month_days(int y, int m)
{
	static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return len[m - 1] + (m == 2 && leap);
}

int64_t kp_zone_validity_end(int64_t from, int months)
{
	int y, m, d;
	kp_civil_from_days(from, &y, &m, &d);
	int total = y * 12 + (m - 1) + months;
	int ty = total / 12, tm = total % 12 + 1;
	if (d <= month_days(ty, tm))
		return kp_days_from_civil(ty, tm, d) - 1;
	return kp_days_from_civil(ty, tm, month_days(ty, tm));
}

const char *kp_zone_name_normalise(const char *in, char *out, int outlen)
{
	int o = 0;
	bool space = false;
	for (const char *p = in; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ') {
			space = o > 0;
			continue;
		}
		if (!isalpha(c) && c != '-' && c != '\'')
			return "must be written in latin letters as in the passport (A-Z, spaces, - and ')";
		if (o + 3 >= outlen)
			return "is longer than 60 characters";
		if (space)
			out[o++] = ' ';
		space = false;
		out[o++] = (char)toupper(c);
	}
	out[o] = '\0';
	return o == 0 ? "must not be empty" : NULL;
}

const char *kp_zone_passport_normalise(const char *in, char *out, int outlen)
{
	int o = 0;
	for (const char *p = in; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ')
			continue;
		if (!isalnum(c))
			return "must have only latin letters and digits";
		if (o + 1 >= outlen || o >= 20)
			return "must have 5 to 20 letters and digits";
		out[o++] = (char)toupper(c);
	}
	out[o] = '\0';
	return o < 5 ? "must have 5 to 20 letters and digits" : NULL;
}

const char *kp_zone_passport_check(const char *number, const char *pattern)
{
	regex_t re;
	if (pattern == NULL || regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return "cannot be checked: the passport format on file for this nationality is broken";
	int rc = regexec(&re, number, 0, NULL, 0);
	regfree(&re);
	return rc == 0 ? NULL : "does not have the form of this nationality's passport numbers";
}

struct problems {
	kp_zone_problem_t *out;
	int n;
};

static void add(struct problems *p, const char *field, const char *fmt, const char *a, const char *b)
{
	if (p->n >= KP_ZONE_PROBLEMS_MAX)
		return;
	kp_zone_problem_t *x = &p->out[p->n++];
	snprintf(x->field, sizeof(x->field), "%s", field);
	snprintf(x->problem, sizeof(x->problem), fmt, a ? a : "", b ? b : "");
}

static void check_dates(const kp_zone_rules_t *r, const kp_zone_trip_t *t, struct problems *p)
{
	char until[11], from[11];
	if (t->from < r->today)
		add(p, "date_from", "is in the past%s%s", NULL, NULL);
	else if (t->from > r->today + r->max_lead_days)
		add(p, "date_from", "is too far ahead: apply at most a year before the trip%s%s", NULL, NULL);
	if (t->to < t->from) {
		add(p, "date_to", "is before date_from%s%s", NULL, NULL);
		return;
	}
	int64_t end = kp_zone_validity_end(t->from, r->validity_months);
	if (t->to > end) {
		kp_date_format_dmy(end, until);
		kp_date_format_dmy(t->from, from);
		add(p, "date_to", "is after the end of validity: a permit from %s is valid until %s; extend it later", from,
		    until);
	}
}

static void check_zones(const kp_zone_rules_t *r, const kp_zone_trip_t *t, struct problems *p)
{
	bool seen[KP_ZONE_MAX + 1] = {false};
	char field[48], num[12];
	if (t->nzones == 0)
		add(p, "zones", "must name at least one zone%s%s", NULL, NULL);
	for (int i = 0; i < t->nzones; i++) {
		int z = t->zones[i];
		snprintf(field, sizeof(field), "zones[%d]", i);
		snprintf(num, sizeof(num), "%d", z);
		if (z < 1 || z > KP_ZONE_MAX || !r->zone_known[z])
			add(p, field, "names zone %s, which does not exist%s", num, NULL);
		else if (seen[z])
			add(p, field, "names zone %s twice%s", num, NULL);
		else
			seen[z] = true;
	}
	for (int i = 0; i < t->nroute; i++) {
		snprintf(field, sizeof(field), "route[%d]", i);
		const kp_zone_place_t *pl = t->route[i];
		if (pl == NULL) {
			add(p, field, "is not a known place in a border zone%s%s", NULL, NULL);
			continue;
		}
		snprintf(num, sizeof(num), "%d", pl->zone);
		if (pl->zone < 1 || pl->zone > KP_ZONE_MAX || !seen[pl->zone])
			add(p, field, "passes %s in zone %s, which the permit does not name", pl->code, num);
	}
}

static void check_person(const kp_zone_trip_t *t, const kp_zone_person_t *x, int i, struct problems *p)
{
	char field[48], exp[11], end[11];
	const char *why = kp_zone_passport_check(x->passport, x->passport_pattern);
	if (why) {
		snprintf(field, sizeof(field), "travellers[%d].passport_number", i);
		add(p, field, "%s (%s)", why, x->nationality);
	}
	if (x->passport_expiry <= t->to) {
		snprintf(field, sizeof(field), "travellers[%d].passport_expiry", i);
		kp_date_format_dmy(x->passport_expiry, exp);
		kp_date_format_dmy(t->to, end);
		add(p, field, "is %s, not after the trip ends on %s: the passport must be valid for the whole trip", exp, end);
	}
}

int kp_zone_check(const kp_zone_rules_t *rules, const kp_zone_trip_t *trip, const kp_zone_person_t *people, int npeople,
                  kp_zone_problem_t *out)
{
	struct problems p = {out, 0};
	check_dates(rules, trip, &p);
	check_zones(rules, trip, &p);
	for (int i = 0; i < npeople; i++)
		check_person(trip, &people[i], i, &p);
	return p.n;
}

int kp_zone_extension_check(int64_t valid_from, int64_t valid_until, bool extended, int64_t new_until, int64_t today,
                            int max_months)
{
	if (extended)
		return KP_ZONE_EXT_USED;
	if (today > valid_until)
		return KP_ZONE_EXT_EXPIRED;
	if (new_until <= valid_until)
		return KP_ZONE_EXT_NOT_LATER;
	if (new_until > kp_zone_validity_end(valid_from, max_months))
		return KP_ZONE_EXT_TOO_LONG;
	return KP_ZONE_EXT_OK;
}

int64_t kp_zone_permit_number_parse(const char *issuer, const char *number)
{
	return kp_number_parse(issuer, KP_NUMBER_ZONE, number);
}

/* ---- states and moves ---- */

static const char *const app_names[KP_ZONE_APP_STATUS_COUNT] = {
    [KP_ZONE_APP_AWAITING_PAYMENT] = KP_ZONE_APP_S_AWAITING_PAYMENT,
    [KP_ZONE_APP_PAID] = KP_ZONE_APP_S_PAID,
    [KP_ZONE_APP_CANCELLED] = KP_ZONE_APP_S_CANCELLED,
};
static const char *const permit_names[KP_ZONE_PERMIT_STATUS_COUNT] = {
    [KP_ZONE_PERMIT_AWAITING_PAYMENT] = KP_ZONE_PERMIT_S_AWAITING_PAYMENT,
    [KP_ZONE_PERMIT_ACTIVE] = KP_ZONE_PERMIT_S_ACTIVE,
    [KP_ZONE_PERMIT_REVOKED] = KP_ZONE_PERMIT_S_REVOKED,
    [KP_ZONE_PERMIT_CANCELLED] = KP_ZONE_PERMIT_S_CANCELLED,
};

#define NO (-1)
/* For each action, where it takes an application / a permit from each state. */
static const int app_moves[][KP_ZONE_APP_STATUS_COUNT] = {
    /*                awaiting_payment       paid              cancelled */
    [KP_ZONE_PAY] = {KP_ZONE_APP_PAID, NO, NO},
    [KP_ZONE_EXTEND] = {NO, KP_ZONE_APP_PAID, NO},
    [KP_ZONE_CANCEL] = {KP_ZONE_APP_CANCELLED, NO, NO},
    [KP_ZONE_REVOKE] = {NO, NO, NO},
};
static const int permit_moves[][KP_ZONE_PERMIT_STATUS_COUNT] = {
    /*                awaiting_payment          active                  revoked cancelled */
    [KP_ZONE_PAY] = {KP_ZONE_PERMIT_ACTIVE, KP_ZONE_PERMIT_ACTIVE, NO, NO},
    [KP_ZONE_EXTEND] = {KP_ZONE_PERMIT_ACTIVE, KP_ZONE_PERMIT_ACTIVE, NO, NO},
    [KP_ZONE_CANCEL] = {KP_ZONE_PERMIT_CANCELLED, NO, NO, NO},
    [KP_ZONE_REVOKE] = {NO, KP_ZONE_PERMIT_REVOKED, NO, NO},
};

static int find_name(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *kp_zone_app_status_name(enum kp_zone_app_status st)
{
	return (unsigned)st < KP_ZONE_APP_STATUS_COUNT ? app_names[st] : NULL;
}

int kp_zone_app_status_parse(const char *s)
{
	return find_name(app_names, KP_ZONE_APP_STATUS_COUNT, s);
}

const char *kp_zone_permit_status_name(enum kp_zone_permit_status st)
{
	return (unsigned)st < KP_ZONE_PERMIT_STATUS_COUNT ? permit_names[st] : NULL;
}

int kp_zone_permit_status_parse(const char *s)
{
	return find_name(permit_names, KP_ZONE_PERMIT_STATUS_COUNT, s);
}

int kp_zone_app_next(const char *s, enum kp_zone_action action)
{
	int st = kp_zone_app_status_parse(s);
	return st < 0 || (unsigned)action > KP_ZONE_REVOKE ? NO : app_moves[action][st];
}

int kp_zone_permit_next(const char *s, enum kp_zone_action action)
{
	int st = kp_zone_permit_status_parse(s);
	return st < 0 || (unsigned)action > KP_ZONE_REVOKE ? NO : permit_moves[action][st];
}

bool kp_zone_permit_active(const char *s)
{
	return kp_zone_permit_status_parse(s) == KP_ZONE_PERMIT_ACTIVE;
}
