/* permit.c: the rules of freight permits. */
#include "domain/permit.h"
#include "domain/dates.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] =
    {NULL, "BILATERAL", "TRANSIT", "THIRDCOUNTRY", "BILATERAL_FEE", "TRANSIT_FEE", "THIRDCOUNTRY_FEE", "MULTILATERAL"};

const char *kp_permit_type_name(int code)
{
	return code >= 1 && code <= KP_PERMIT_TYPE_MAX ? type_names[code] : NULL;
}

void kp_permit_id_format(const kp_permit_id_t *id, char out[KP_PERMIT_ID_MAX])
{
	snprintf(out, KP_PERMIT_ID_MAX, "%.16s-%.16s-%04u-%u-%lld", id->issuer, id->verifier, (unsigned)id->year % 10000u,
	         (unsigned)id->type % 10u, (long long)id->serial);
}

/* Upper-case latin letters from s up to the next '-': their count, or 0 when another
 * character comes first or there are more than KP_AUTHORITY_CODE_MAX. */
static size_t code_at(const char *s)
{
	size_t n = 0;
	while (s[n] >= 'A' && s[n] <= 'Z')
		n++;
	return n <= KP_AUTHORITY_CODE_MAX && s[n] == '-' ? n : 0;
}

const char *kp_check_authority_code(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	bool ok = n >= 2 && n <= KP_AUTHORITY_CODE_MAX;
	for (size_t i = 0; ok && i < n; i++)
		ok = code[i] >= 'A' && code[i] <= 'Z';
	return ok ? NULL : "must be an authority code: 2 to 16 upper-case latin letters, like UZ or TRACECA";
}

int kp_permit_id_parse(const char *s, kp_permit_id_t *out)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 14 || n > KP_PERMIT_ID_MAX - 1)
		return -1;
	size_t ni = code_at(s), nv = ni >= 2 ? code_at(s + ni + 1) : 0;
	if (ni < 2 || nv < 2)
		return -1;
	const char *y = s + ni + 1 + nv + 1; /* YYYY-T-SERIAL */
	size_t rest = n - (size_t)(y - s);
	if (rest < 8 || y[4] != '-' || y[6] != '-')
		return -1;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)y[i]))
			return -1;
	if (y[5] < '1' || y[5] > '0' + KP_PERMIT_TYPE_MAX)
		return -1;
	for (size_t i = 7; i < rest; i++)
		if (!isdigit((unsigned char)y[i]))
			return -1;
	if (rest - 7 > 15 || y[7] == '0') /* canonical: no leading zero */
		return -1;
	memcpy(out->issuer, s, ni);
	out->issuer[ni] = '\0';
	memcpy(out->verifier, s + ni + 1, nv);
	out->verifier[nv] = '\0';
	out->year = atoi(y);
	out->type = y[5] - '0';
	out->serial = strtoll(y + 7, NULL, 10);
	return out->serial >= 1 ? 0 : -1;
}

/* A refusal: its sentence, with its code in *code when code is not NULL. */
static const char *refusal(const char **code, const char *c, const char *sentence)
{
	if (code)
		*code = c;
	return sentence;
}

const char *kp_permit_trip_check(int type, const char *issuer, const char *verifier, const char *departure,
                                 const char *arrival, const char **code)
{
	if (strcmp(departure, arrival) == 0)
		return refusal(code, "trip_same_country", "departure and arrival must be different countries");
	bool dep_v = strcmp(departure, verifier) == 0, arr_v = strcmp(arrival, verifier) == 0;
	bool dep_i = strcmp(departure, issuer) == 0, arr_i = strcmp(arrival, issuer) == 0;
	switch (type) {
	case 1:
	case 4:
		return (dep_i && arr_v) || (dep_v && arr_i)
		           ? NULL
		           : refusal(code, "trip_bilateral", "a bilateral permit is for a trip between the two countries");
	case 2:
	case 5:
		return !dep_v && !arr_v
		           ? NULL
		           : refusal(code, "trip_transit",
		                     "a transit permit is for a trip across the partner country, not to or from it");
	case 3:
	case 6:
		return (dep_v || arr_v) && !dep_i && !arr_i
		           ? NULL
		           : refusal(code, "trip_third_country",
		                     "a third-country permit is for a trip between the partner country and a third country");
	default:
		return NULL;
	}
}

const char *kp_plate_normalise(const char *plate, char *out, int outlen)
{
	int n = 0;
	for (const char *p = plate; p && *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ' || c == '-')
			continue;
		if (!isalnum(c) || c >= 0x80)
			return "may hold only latin letters, digits, spaces and dashes";
		if (n + 1 >= outlen)
			return "is too long";
		out[n++] = (char)toupper(c);
	}
	out[n] = '\0';
	if (n < 4 || n > 12)
		return "must have 4 to 12 letters and digits";
	return NULL;
}

const char *kp_check_vin(const char *vin)
{
	if (vin == NULL || strlen(vin) != 17)
		return "must be exactly 17 characters";
	for (int i = 0; i < 17; i++) {
		unsigned char c = (unsigned char)vin[i];
		if (!(isdigit(c) || isupper(c)) || c >= 0x80)
			return "may hold only digits and upper-case latin letters";
		if (c == 'I' || c == 'O' || c == 'Q')
			return "must not contain the letters I, O or Q";
	}
	return NULL;
}

const char *kp_check_vehicle_kind(const char *kind)
{
	static const char *const kinds[] = {"tractor", "truck", "trailer", "bus"};
	for (size_t i = 0; kind && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return NULL;
	return "must be tractor, truck, trailer or bus";
}

static void fail(kp_check_failure_t *out, int *n, const char *code, const char *message)
{
	if (*n < KP_MAX_FAILURES) {
		out[*n].code = code;
		out[*n].message = message;
		(*n)++;
	}
}

/* Vehicle checks: owned, in service, a power unit, clean enough for the type. */
static void check_vehicle(const kp_application_facts_t *f, kp_check_failure_t *out, int *n)
{
	const kp_vehicle_t *v = f->vehicle;
	if (v == NULL || v->org_id != f->carrier_org_id) {
		fail(out, n, "VEHICLE_NOT_OWNED", "the vehicle is not registered to this carrier");
		return;
	}
	if (!kp_vehicle_in_service(v->status))
		fail(out, n, "VEHICLE_RETIRED", "the vehicle is retired");
	if (strcmp(v->kind, "tractor") != 0 && strcmp(v->kind, "truck") != 0)
		fail(out, n, "VEHICLE_KIND", "a freight permit needs a tractor unit or a truck, not a trailer or bus");
	if (f->type && v->euro_class < f->type->min_euro_class)
		fail(out, n, "VEHICLE_EMISSION_CLASS",
		     "the vehicle's Euro emission class is below what this permit type needs");
}

/* The trip's departure: not in the past, not before the permit's year begins, not after
 * its last day. */
static void check_departure(const kp_application_facts_t *f, kp_check_failure_t *out, int *n)
{
	if (f->departure_day == 0)
		return;
	if (f->departure_day < f->today)
		fail(out, n, "DEPARTURE_IN_PAST", "the departure date is in the past");
	if (f->valid_from_day && f->departure_day < f->valid_from_day)
		fail(out, n, "DEPARTURE_BEFORE_VALIDITY", "the departure date is before the permit's year begins");
	if (f->expires_day && f->departure_day > f->expires_day)
		fail(out, n, "DEPARTURE_AFTER_EXPIRY", "the departure date is after the permit expires");
}

bool kp_permit_year_open(int year, int today_y, int today_m)
{
	return year <= today_y || (year == today_y + 1 && today_m == 12);
}

int kp_permit_decide(const kp_application_facts_t *f, kp_check_failure_t out[KP_MAX_FAILURES])
{
	int n = 0;
	if (f->carrier_status == NULL || strcmp(f->carrier_status, "active") != 0)
		fail(out, &n, "CARRIER_SUSPENDED", "the carrier is suspended");
	if (f->carrier_licence == NULL || *f->carrier_licence == '\0')
		fail(out, &n, "CARRIER_NO_LICENCE", "the carrier has no carrier licence on file");
	if (f->carrier_check && strcmp(f->carrier_check, KP_CARRIER_CHECK_S_VERIFIED) != 0)
		fail(out, &n, "CARRIER_NOT_VERIFIED",
		     strcmp(f->carrier_check, KP_CARRIER_CHECK_S_REJECTED) == 0
		         ? "the ministry could not verify the carrier's licence and tax number"
		         : "the ministry has not yet verified the carrier's licence and tax number");
	if (f->year_over)
		fail(out, &n, "PERMIT_YEAR_OVER", "permits of this year have already expired and can no longer be issued");
	if (f->year_not_open)
		fail(out, &n, "PERMIT_YEAR_NOT_OPEN", "permits for next year can be applied for from 1 December");
	if (f->type && f->type->multilateral != f->partner_organisation)
		fail(out, &n, "TYPE_NOT_FOR_PARTNER",
		     f->partner_organisation ? "an organisation such as TRACECA issues multilateral permits only"
		                             : "a multilateral permit is issued for its organisation, such as TRACECA");
	else if (f->partner_organisation && !f->self_member)
		fail(out, &n, "NOT_A_MEMBER", "this country takes no part in the organisation's permit system");
	check_departure(f, out, &n);
	check_vehicle(f, out, &n);
	if (f->type && f->unused_held >= f->type->holding_limit)
		fail(out, &n, "HOLDING_LIMIT",
		     "the carrier already holds the most unused permits allowed for this partner and type");
	if (f->duplicate)
		fail(out, &n, "DUPLICATE_PERMIT",
		     "this vehicle already holds an unused permit of this type for this partner and year");
	if (f->quota_left <= 0)
		fail(out, &n, "INSUFFICIENT_PERMIT_QUOTA", "no permits of this type are left in the partner's quota");
	return n;
}

int64_t kp_permit_expiry(const kp_permit_type_t *type, int year, int offset_minutes)
{
	static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = year + 1, m = type->valid_until_month, d = type->valid_until_day;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	int last = len[(m - 1) % 12] + (m == 2 && leap);
	if (d > last)
		d = last; /* 29 February in a common year, 31 in a short month */
	return kp_local_day_end(kp_days_from_civil(y, m, d), offset_minutes);
}

/* A multilateral permit at its home border: out through an EXIT, back through an ENTRANCE
 * that ends the round trip (only after the vehicle has been abroad). */
static const char *home_activity(const char *home, const kp_activity_t *earlier, int n, const kp_activity_t *next,
                                 bool *used_up)
{
	bool abroad = false, out = false;
	for (int i = 0; i < n; i++) {
		if (strcmp(earlier[i].country, home) != 0)
			abroad = true;
		else
			out = strcmp(earlier[i].type, "EXIT") == 0;
	}
	if (strcmp(next->type, "EXIT") == 0)
		return out ? "ALREADY_EXITED" : NULL;
	if (!abroad)
		return "NOT_ENTERED";
	*used_up = true;
	return NULL;
}

const char *kp_permit_activity_check(const kp_permit_type_t *type, const char *home, const kp_activity_t *earlier,
                                     int n, const kp_activity_t *next, bool *used_up)
{
	*used_up = false;
	if (type->multilateral && home && strcmp(next->country, home) == 0)
		return home_activity(home, earlier, n, next, used_up);
	int entries = 0;
	const char *last = NULL;
	for (int i = 0; i < n; i++) {
		if (strcmp(earlier[i].country, next->country) != 0)
			continue;
		entries += strcmp(earlier[i].type, "ENTRANCE") == 0;
		last = earlier[i].type;
	}
	int limit = type->entries_per_country > 0 ? type->entries_per_country : 1;
	bool entering = strcmp(next->type, "ENTRANCE") == 0;
	*used_up = false;
	if (entering) {
		if (last && strcmp(last, "ENTRANCE") == 0)
			return "ALREADY_ENTERED";
		if (entries >= limit)
			return "PERMIT_USED";
	} else {
		if (last == NULL || strcmp(last, "EXIT") == 0)
			return "NOT_ENTERED";
		*used_up = !type->multilateral && entries >= limit;
	}
	return NULL;
}

const char *kp_permit_expiry_check(int year, int64_t expires_day, int64_t today, const char **code)
{
	if (expires_day < today)
		return refusal(code, "expiry_past", "must not be in the past");
	if (expires_day < kp_days_from_civil(year, 1, 1))
		return refusal(code, "expiry_before_year", "must not be before the permit's year begins");
	if (expires_day > kp_days_from_civil(year + 1, 12, 31))
		return refusal(code, "expiry_too_late", "must not be later than the end of the year after the permit's year");
	return NULL;
}

int64_t kp_permit_valid_from(int year, int offset_minutes)
{
	return kp_days_from_civil(year, 1, 1) * 86400 - (int64_t)offset_minutes * 60;
}

bool kp_permit_void(const char *status, bool used_up, int64_t expires_at, int64_t now)
{
	return used_up || kp_permit_withdrawn(status) ||
	       (kp_permit_status_parse(status) == KP_PERMIT_ISSUED && expires_at < now);
}

const char *kp_permit_status_shown(const char *status, int64_t expires_at, int64_t now)
{
	return kp_permit_status_parse(status) == KP_PERMIT_ISSUED && expires_at < now ? "expired" : status;
}

static const char *const status_names[KP_PERMIT_STATUS_COUNT] = {
    [KP_PERMIT_ISSUED] = KP_PERMIT_S_ISSUED,
    [KP_PERMIT_USED] = KP_PERMIT_S_USED,
    [KP_PERMIT_REVOKED] = KP_PERMIT_S_REVOKED,
    [KP_PERMIT_RETURNED] = KP_PERMIT_S_RETURNED,
};

int kp_permit_status_parse(const char *s)
{
	for (int i = 0; s && i < KP_PERMIT_STATUS_COUNT; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return -1;
}

const char *kp_permit_status_name(enum kp_permit_status st)
{
	return (unsigned)st < KP_PERMIT_STATUS_COUNT ? status_names[st] : NULL;
}

const char *kp_permit_withdraw_refusal(const char *s)
{
	switch (kp_permit_status_parse(s)) {
	case KP_PERMIT_ISSUED:
		return NULL;
	case KP_PERMIT_USED:
		return "PERMIT_USED";
	default:
		return s;
	}
}

const char *kp_permit_activity_refusal(const char *s)
{
	switch (kp_permit_status_parse(s)) {
	case KP_PERMIT_REVOKED:
		return "PERMIT_REVOKED";
	case KP_PERMIT_RETURNED:
		return "PERMIT_RETURNED";
	default:
		return NULL;
	}
}

bool kp_permit_withdrawn(const char *s)
{
	int st = kp_permit_status_parse(s);
	return st == KP_PERMIT_REVOKED || st == KP_PERMIT_RETURNED;
}

const char *kp_permit_withdrawal_act(const char *s)
{
	switch (kp_permit_status_parse(s)) {
	case KP_PERMIT_REVOKED:
		return "permit.revoke";
	case KP_PERMIT_RETURNED:
		return "permit.return";
	default:
		return NULL;
	}
}

bool kp_permit_app_status_known(const char *s)
{
	return s && (strcmp(s, KP_PERMIT_APP_ISSUED) == 0 || strcmp(s, KP_PERMIT_APP_REFUSED) == 0 ||
	             strcmp(s, KP_PERMIT_APP_PENDING_REVIEW) == 0 || strcmp(s, KP_PERMIT_APP_REJECTED) == 0);
}

bool kp_permit_app_in_review(const char *s)
{
	return s && strcmp(s, KP_PERMIT_APP_PENDING_REVIEW) == 0;
}

int kp_review_policy_parse(const char *s)
{
	static const char *const names[] = {"never", "always", "first_permit"};
	for (int i = 0; s && i < 3; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

bool kp_review_needs_history(const char *policy)
{
	return kp_review_policy_parse(policy) == KP_REVIEW_FIRST_PERMIT;
}

bool kp_review_required(const char *policy, bool first_of_type)
{
	switch (kp_review_policy_parse(policy)) {
	case KP_REVIEW_NEVER:
		return false;
	case KP_REVIEW_FIRST_PERMIT:
		return first_of_type;
	default:
		return true;
	}
}

bool kp_vehicle_status_known(const char *s)
{
	return s && (!strcmp(s, KP_VEHICLE_S_ACTIVE) || !strcmp(s, KP_VEHICLE_S_RETIRED));
}

bool kp_vehicle_in_service(const char *s)
{
	return s && !strcmp(s, KP_VEHICLE_S_ACTIVE);
}

bool kp_carrier_check_status_known(const char *s)
{
	return s && (!strcmp(s, KP_CARRIER_CHECK_S_PENDING) || !strcmp(s, KP_CARRIER_CHECK_S_VERIFIED) ||
	             !strcmp(s, KP_CARRIER_CHECK_S_REJECTED));
}

bool kp_carrier_decision_parse(const char *s, kp_carrier_decision_t *d)
{
	if (s && !strcmp(s, KP_CARRIER_CHECK_S_VERIFIED))
		*d = KP_CARRIER_VERIFY;
	else if (s && !strcmp(s, KP_CARRIER_CHECK_S_REJECTED))
		*d = KP_CARRIER_REJECT;
	else
		return false;
	return true;
}

const char *kp_carrier_check_next(const char *status, kp_carrier_decision_t d)
{
	if (!kp_carrier_check_status_known(status))
		return NULL;
	return d == KP_CARRIER_VERIFY ? KP_CARRIER_CHECK_S_VERIFIED : KP_CARRIER_CHECK_S_REJECTED;
}
