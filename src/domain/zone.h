/* zone.h: border-zone permits: the fee for a number of zones, validity and its one
 * extension, and the checks that catch what stops travellers at military posts (names,
 * passport number and expiry, dates, zones, route). Zones, places, fees and passport
 * formats are data the store loads; these functions only apply them. Pure: no I/O. */
#ifndef KP_ZONE_H
#define KP_ZONE_H

#include <stdbool.h>
#include <stdint.h>

#define KP_ZONE_MAX 16       /* zone codes are 1..KP_ZONE_MAX */
#define KP_ZONE_ROUTE_MAX 24 /* places on one route */

/* One row of the fee table: permits naming up to max_zones zones cost fee_som (the first
 * row, by max_zones, that covers the count applies). */
typedef struct kp_zone_fee {
	int max_zones;
	int64_t fee_som;
} kp_zone_fee_t;

/* Fee for a permit naming nzones zones; -1 when no row covers that many. */
int64_t kp_zone_fee(const kp_zone_fee_t *table, int n, int nzones);

/* The last day of a validity of `months` calendar months starting on day `from`: the day
 * before the same day of the month `months` later, or the last day of that month when it
 * is shorter (1 Jan -> 31 Jan; 31 Jan -> 28/29 Feb; 15 Dec -> 14 Jan). */
int64_t kp_zone_validity_end(int64_t from, int months);

/* A place on a route and the zone it is in. */
typedef struct kp_zone_place {
	const char *code;
	int zone;
} kp_zone_place_t;

/* One person on an application, as in their passport. */
typedef struct kp_zone_person {
	const char *surname, *given_names; /* normalised to upper case by kp_zone_name_normalise */
	const char *nationality;           /* ISO 3166 alpha-2 */
	const char *passport;              /* normalised: upper case, no spaces */
	int64_t passport_expiry;           /* civil day */
	const char *passport_pattern;      /* POSIX extended regex for the nationality (anchored) */
} kp_zone_person_t;

/* The trip an application asks for. */
typedef struct kp_zone_trip {
	int64_t from, to; /* civil days, both inside the validity */
	int zones[KP_ZONE_MAX];
	int nzones;
	const kp_zone_place_t *route[KP_ZONE_ROUTE_MAX]; /* places, in order; NULL: unknown code */
	const char *route_codes[KP_ZONE_ROUTE_MAX];
	int nroute;
} kp_zone_trip_t;

/* What the checks need besides the trip. */
typedef struct kp_zone_rules {
	int64_t today;
	int validity_months;    /* 1 */
	int max_lead_days;      /* how far ahead a trip may start */
	const bool *zone_known; /* indexed by zone code, KP_ZONE_MAX + 1 entries */
} kp_zone_rules_t;

/* A problem found, named by the field it is about (field is in the caller's arena or
 * static); for 422 answers. */
typedef struct kp_zone_problem {
	char field[48];
	char problem[200];
} kp_zone_problem_t;

#define KP_ZONE_PROBLEMS_MAX 32

/* Upper-case a name as printed in the passport's latin line: letters A-Z, spaces, '-' and
 * '\''; runs of spaces become one. Returns NULL and fills out (>= 61 bytes), or why not. */
const char *kp_zone_name_normalise(const char *in, char *out, int outlen);
/* Passport number with spaces removed and letters upper-cased into out (>= 21 bytes);
 * NULL, or why not (only letters and digits, 5 to 20 of them). */
const char *kp_zone_passport_normalise(const char *in, char *out, int outlen);
/* NULL when number matches pattern (an anchored POSIX ERE), else why not; a pattern that
 * does not compile is a problem too. */
const char *kp_zone_passport_check(const char *number, const char *pattern);

/* Check the trip and the people; problems go to out (at most KP_ZONE_PROBLEMS_MAX),
 * fields named "date_from", "zones", "route[2]", "travellers[1].passport_expiry" ...
 * Returns how many. */
int kp_zone_check(const kp_zone_rules_t *rules, const kp_zone_trip_t *trip, const kp_zone_person_t *people, int npeople,
                  kp_zone_problem_t *out);

/* An extension moves the end of validity to new_until. */
enum kp_zone_extension {
	KP_ZONE_EXT_OK = 0,
	KP_ZONE_EXT_USED = -1,      /* already extended once */
	KP_ZONE_EXT_EXPIRED = -2,   /* today is after the end of validity: apply anew */
	KP_ZONE_EXT_NOT_LATER = -3, /* new_until is not after the current end */
	KP_ZONE_EXT_TOO_LONG = -4,  /* beyond max_months from the start of validity */
};
int kp_zone_extension_check(int64_t valid_from, int64_t valid_until, bool extended, int64_t new_until, int64_t today,
                            int max_months);

/* The id in a number of issuer; 0 when it is not one. */
int64_t kp_zone_permit_number_parse(const char *issuer, const char *number);

/* The states of a border-zone application and of each person's permit in it, as stored,
 * and the moves between them: the one place that names them (store/ and api/ ask here). */
enum kp_zone_app_status {
	KP_ZONE_APP_AWAITING_PAYMENT, /* submitted; may be paid or cancelled */
	KP_ZONE_APP_PAID,             /* its permits are signed; may be extended once */
	KP_ZONE_APP_CANCELLED,        /* by the applicant before paying */
	KP_ZONE_APP_STATUS_COUNT
};
enum kp_zone_permit_status {
	KP_ZONE_PERMIT_AWAITING_PAYMENT, /* its application is not paid yet */
	KP_ZONE_PERMIT_ACTIVE,           /* signed: the credential is shown and checked */
	KP_ZONE_PERMIT_REVOKED,          /* withdrawn by the ministry, with a reason */
	KP_ZONE_PERMIT_CANCELLED,        /* its application was cancelled */
	KP_ZONE_PERMIT_STATUS_COUNT
};
enum kp_zone_action {
	KP_ZONE_PAY,    /* application awaiting_payment -> paid; its permits -> active */
	KP_ZONE_EXTEND, /* application paid -> paid; its active permits signed again */
	KP_ZONE_CANCEL, /* application awaiting_payment -> cancelled; its permits -> cancelled */
	KP_ZONE_REVOKE, /* a permit active -> revoked */
};
/* The stored names, spelt once: zone.c's tables are made of them, and store/ splices them into
 * literal SQL where a read compares a status (a statement must stay a literal, db.h). A
 * status written is bound, from the move tables. */
#define KP_ZONE_APP_S_AWAITING_PAYMENT "awaiting_payment"
#define KP_ZONE_APP_S_PAID "paid"
#define KP_ZONE_APP_S_CANCELLED "cancelled"
#define KP_ZONE_PERMIT_S_AWAITING_PAYMENT "awaiting_payment"
#define KP_ZONE_PERMIT_S_ACTIVE "active"
#define KP_ZONE_PERMIT_S_REVOKED "revoked"
#define KP_ZONE_PERMIT_S_CANCELLED "cancelled"
/* The permits that will never be in force again (revoked or cancelled: no move leads out of
 * them), quoted for the store's SQL IN list of the revocation list. */
#define KP_ZONE_PERMIT_VOID_SQL "('" KP_ZONE_PERMIT_S_REVOKED "', '" KP_ZONE_PERMIT_S_CANCELLED "')"
/* Stored names; NULL out of range. Parse: -1 when s is none. */
const char *kp_zone_app_status_name(enum kp_zone_app_status st);
int kp_zone_app_status_parse(const char *s);
const char *kp_zone_permit_status_name(enum kp_zone_permit_status st);
int kp_zone_permit_status_parse(const char *s);
/* The status action moves an application in stored status s to; -1 when not allowed. */
int kp_zone_app_next(const char *s, enum kp_zone_action action);
/* The status action moves a permit in stored status s to; -1 when not allowed (or when the
 * action leaves the permit as it is: a cancelled or revoked one is not signed again). */
int kp_zone_permit_next(const char *s, enum kp_zone_action action);
/* True when a permit in stored status s is in force: its credential is shown and checks pass. */
bool kp_zone_permit_active(const char *s);

#endif
