/* permit.h: freight permits: identifiers, types and their rules, the checks an
 * application must pass, validity, activities at the border. Pure: no I/O. */
#ifndef KP_PERMIT_H
#define KP_PERMIT_H

#include <stdbool.h>
#include <stdint.h>

/* The largest serial a permit is numbered with: quota ranges and partners' grants stop here. */
#define KP_PERMIT_SERIAL_MAX 999999999999LL

#define KP_PERMIT_TYPE_MAX 7

typedef struct kp_permit_type {
	int code;
	const char *name;
	int valid_until_month, valid_until_day; /* permits of year Y expire on this day of Y+1 */
	int min_euro_class;
	int64_t fee_som;
	int holding_limit;
	const char *review; /* never, always, first_permit */
	int entries_per_country;
	bool multilateral;
} kp_permit_type_t;

typedef struct kp_vehicle {
	int64_t id, org_id, created_at;
	const char *plate, *vin, *kind, *make, *model, *status;
	int euro_class;
} kp_vehicle_t;

/* Protocol type name (BILATERAL ...) for a code, NULL when unknown. */
const char *kp_permit_type_name(int code);

/* Id ISSUER-VERIFIER-YEAR-TYPE-SERIAL (the reference's ^[A-Z]+-[A-Z]+-\d{4}-[0-9]+-[0-9]+$):
 * authorities are countries (two letters) or organisations such as TRACECA and BSEC. */
#ifndef KP_AUTHORITY_CODE_MAX /* the same in domain/event.h */
#define KP_AUTHORITY_CODE_MAX 16
#endif
typedef struct kp_permit_id {
	char issuer[KP_AUTHORITY_CODE_MAX + 1], verifier[KP_AUTHORITY_CODE_MAX + 1];
	int year, type;
	int64_t serial;
} kp_permit_id_t;
/* Writes at most 64 bytes. */
#define KP_PERMIT_ID_MAX 64
void kp_permit_id_format(const kp_permit_id_t *id, char out[KP_PERMIT_ID_MAX]);
/* NULL when code is an authority code: 2 to 16 upper-case latin letters (KG, TRACECA). */
const char *kp_check_authority_code(const char *code);
/* 0 when s is a well-formed id (type 1-7), filling *out. */
int kp_permit_id_parse(const char *s, kp_permit_id_t *out);

/* The trip a permit covers, between issuer (our carrier's country) and verifier (whose
 * border it opens). NULL when departure and arrival (country codes) fit the permit type:
 * bilateral types go between issuer and verifier; transit types cross the verifier, so
 * neither end is the verifier; third-country types carry between the verifier and a
 * third country; multilateral ones go between any two countries. Else a sentence, and
 * *code (when code is not NULL) its stable code: trip_same_country, trip_bilateral,
 * trip_transit or trip_third_country. */
const char *kp_permit_trip_check(int type, const char *issuer, const char *verifier, const char *departure,
                                 const char *arrival, const char **code);

/* Plates are stored normalised: upper case latin letters and digits only. Returns NULL
 * and fills out (>= 16 bytes), or a sentence saying why the plate is not acceptable. */
const char *kp_plate_normalise(const char *plate, char *out, int outlen);
/* ISO 3779 VIN: 17 characters, digits and letters except I, O and Q. */
const char *kp_check_vin(const char *vin);
const char *kp_check_vehicle_kind(const char *kind);

/* Facts gathered (by the store, in one transaction) about an application. */
typedef struct kp_application_facts {
	const char *carrier_status;  /* active / suspended */
	const char *carrier_licence; /* NULL: none on file */
	const char *carrier_check;   /* the ministry's verification: pending, rejected, or verified (NULL: verified) */
	int64_t carrier_org_id;
	const kp_vehicle_t *vehicle; /* NULL: no such vehicle */
	const kp_permit_type_t *type;
	int64_t unused_held; /* unused permits for this verifier and type */
	bool duplicate;      /* an unused permit for this vehicle, verifier, type, year */
	int64_t quota_left;
	bool year_over;            /* permits of this year would already have expired */
	bool year_not_open;        /* a later year than carriers may apply for yet */
	bool partner_organisation; /* the verifier is an organisation (TRACECA): the quota authority */
	bool self_member;          /* ... and our country takes part in its permit system today */
	/* The trip's departure against the permit's validity, as local days; departure_day 0:
	 * no departure date given (nothing checked). */
	int64_t departure_day, today, valid_from_day, expires_day;
} kp_application_facts_t;

typedef struct kp_check_failure {
	const char *code;    /* stable, upper case: INSUFFICIENT_PERMIT_QUOTA ... */
	const char *message; /* for people */
} kp_check_failure_t;

#define KP_MAX_FAILURES 14
/* Run every check; returns how many failed, each written to out (KP_MAX_FAILURES). */
int kp_permit_decide(const kp_application_facts_t *f, kp_check_failure_t out[KP_MAX_FAILURES]);

/* Whether carriers may apply now (local date today_y-today_m) for permits of year: the
 * current year, and from 1 December also the next one (once its quota is open). */
bool kp_permit_year_open(int year, int today_y, int today_m);

/* The instant a permit of year issued under type expires (end of the configured day
 * of year+1, at the authority's UTC offset in minutes). */
int64_t kp_permit_expiry(const kp_permit_type_t *type, int year, int offset_minutes);

/* NULL when a permit of year may be given its own last day of validity expires_day
 * (days since 1970, local) when issued on today: not before today nor before its year
 * begins, and not after the end of the year after it. Else a sentence, and *code (when
 * code is not NULL) its stable code: expiry_past, expiry_before_year or expiry_too_late. */
const char *kp_permit_expiry_check(int year, int64_t expires_day, int64_t today, const char **code);

/* True when a permit with this status is no longer valid for anything: revoked, returned,
 * used up, or past expires_at while unused. Its document prints VOID and no live QR. */
bool kp_permit_void(const char *status, bool used_up, int64_t expires_at, int64_t now);
/* The status a permit is shown with: the stored one, or "expired" for an issued permit past
 * expires_at (not a stored state: nothing writes it, the clock makes it). */
const char *kp_permit_status_shown(const char *status, int64_t expires_at, int64_t now);

/* The first instant a permit of year is valid: the start of 1 January of year at the
 * authority's UTC offset. A permit issued in December for the next year waits for it. */
int64_t kp_permit_valid_from(int year, int offset_minutes);

/* Activity at a border. */
typedef struct kp_activity {
	const char *type; /* ENTRANCE or EXIT */
	const char *country;
	int64_t at;
} kp_activity_t;
/* NULL when the next activity may be recorded after the earlier ones (in time order),
 * else the protocol code that forbids it. *used_up tells whether, after it, the permit
 * has no trip left. home: the issuer's country. A bilateral permit is used up on its EXIT
 * from the verifier's country; a multilateral one (TRACECA) is controlled in each member
 * country, at most entries_per_country ENTRANCEs in each, and is used up when the vehicle
 * enters home again: its one round trip. */
const char *kp_permit_activity_check(const kp_permit_type_t *type, const char *home, const kp_activity_t *earlier,
                                     int n, const kp_activity_t *next, bool *used_up);

/* The states of a freight permit, as stored ("issued" ...), and what each allows. */
enum kp_permit_status {
	KP_PERMIT_ISSUED,   /* unused: may be used, returned or revoked */
	KP_PERMIT_USED,     /* seen at a border: more trips may follow; never withdrawn */
	KP_PERMIT_REVOKED,  /* withdrawn by the ministry (or its issuer) */
	KP_PERMIT_RETURNED, /* given back unused by the carrier */
	KP_PERMIT_STATUS_COUNT
};
/* The stored names, spelt once: permit.c's table and the SQL lists below are made of them,
 * and store/ splices them into literal SQL where a read compares a status (a statement must
 * stay a literal, db.h). A status written is bound as a parameter. */
#define KP_PERMIT_S_ISSUED "issued"
#define KP_PERMIT_S_USED "used"
#define KP_PERMIT_S_REVOKED "revoked"
#define KP_PERMIT_S_RETURNED "returned"
/* Quoted for the store's SQL IN lists: the withdrawn permits (kp_permit_withdrawn), and the
 * ones not withdrawn, which a crossing may still be recorded on (kp_permit_activity_refusal). */
#define KP_PERMIT_WITHDRAWN_SQL "('" KP_PERMIT_S_REVOKED "', '" KP_PERMIT_S_RETURNED "')"
#define KP_PERMIT_LIVE_SQL "('" KP_PERMIT_S_ISSUED "', '" KP_PERMIT_S_USED "')"
/* The status for its stored name; -1 when s is none. */
int kp_permit_status_parse(const char *s);
/* The stored name; NULL out of range. */
const char *kp_permit_status_name(enum kp_permit_status st);
/* Why a permit in stored status s may not be withdrawn (revoked or returned): the code
 * PERMIT_USED for a used one, else the status itself; NULL when it may. */
const char *kp_permit_withdraw_refusal(const char *s);
/* Why no crossing may be recorded on a permit in stored status s (PERMIT_REVOKED,
 * PERMIT_RETURNED); NULL when one may. */
const char *kp_permit_activity_refusal(const char *s);
/* True when the permit is withdrawn: revoked or returned. */
bool kp_permit_withdrawn(const char *s);
/* The act that withdrew a permit in stored status s, as the audit trail and the
 * transparency log name it: "permit.revoke" or "permit.return"; NULL when not withdrawn. */
const char *kp_permit_withdrawal_act(const char *s);

/* A permit application's states, as stored: decided at once (issued, refused), or held for
 * the ministry's review (pending_review), which issues it or rejects it (rejected). */
#define KP_PERMIT_APP_ISSUED "issued"
#define KP_PERMIT_APP_REFUSED "refused"
#define KP_PERMIT_APP_PENDING_REVIEW "pending_review"
#define KP_PERMIT_APP_REJECTED "rejected"
/* True when s names an application state. */
bool kp_permit_app_status_known(const char *s);
/* True when an application in stored status s waits for the ministry's decision. */
bool kp_permit_app_in_review(const char *s);

/* A registered vehicle's status: active, or retired by its carrier (no permit is issued
 * for it, no booking made with it); the carrier sets either at any time. */
#define KP_VEHICLE_S_ACTIVE "active"
#define KP_VEHICLE_S_RETIRED "retired"
bool kp_vehicle_status_known(const char *s);
/* True when a vehicle in stored status s is in service (active). */
bool kp_vehicle_in_service(const char *s);

/* The ministry's check of a carrier that registered itself: pending from registration until
 * the ministry decides; it may decide again later (a rejected carrier that sends papers, a
 * verified one found wanting). A carrier without a check counts as verified. */
#define KP_CARRIER_CHECK_S_PENDING "pending"
#define KP_CARRIER_CHECK_S_VERIFIED "verified"
#define KP_CARRIER_CHECK_S_REJECTED "rejected"
typedef enum kp_carrier_decision {
	KP_CARRIER_VERIFY,
	KP_CARRIER_REJECT,
} kp_carrier_decision_t;
bool kp_carrier_check_status_known(const char *s);
/* The decision a wire name (verified, rejected) stands for; false when it names none. */
bool kp_carrier_decision_parse(const char *s, kp_carrier_decision_t *d);
/* The status a check in status moves to by decision; NULL when it may not. Static. */
const char *kp_carrier_check_next(const char *status, kp_carrier_decision_t d);

/* A permit type's review policy, as stored: whether an application that passes every
 * check is issued at once (never), held for the ministry (always), or held only when it is
 * the organisation's first permit of that type (first_permit). */
enum kp_review_policy { KP_REVIEW_NEVER, KP_REVIEW_ALWAYS, KP_REVIEW_FIRST_PERMIT };
/* The policy for its stored name; -1 when s is none. */
int kp_review_policy_parse(const char *s);
/* True when the policy needs to know whether it is the organisation's first of the type. */
bool kp_review_needs_history(const char *policy);
/* True when an application under policy is held for review (first_of_type: the
 * organisation has no permit of the type yet). An unknown policy holds it: the safe side. */
bool kp_review_required(const char *policy, bool first_of_type);

#endif
