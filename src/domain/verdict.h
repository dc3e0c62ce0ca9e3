/* verdict.h: the one set of verification rules for kapka's credentials: the freight permit
 * (the e-permit QR) and the border-zone permit. The claims a credential must carry, its
 * signature, dates, the country it opens, revocation and what our record says, with every
 * reason for refusing it in one enum table. Pure: keys, records and revocation lists come
 * from the caller through a kp_verifier_t (the store and keyring online, POST /api/v1/verify
 * and /api/v1/zone-permit-checks; the trust list offline, kapka verify). The browser's
 * offline checker (web/js/offline-verify.js) is tested against the same cases
 * (tests/verdict/freight-cases.json). */
#ifndef KP_VERDICT_H
#define KP_VERDICT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "crypto/keys.h"
#include "domain/permit.h"

/* X(name, code, message): the reason table. Several names may share a code (the code is
 * what clients act on; the message says which check failed). */
#define KP_VERDICT_REASONS(X) \
	X(NOT_A_CREDENTIAL, "MALFORMED", "the text is not a signed e-permit credential") \
	X(CLAIMS_MISSING, "MALFORMED", \
	  "the credential lacks the id, iat, exp, pn or cn claim, or they are not well formed") \
	X(JWS_MALFORMED, "MALFORMED", "the text is not a well-formed signed credential") \
	X(UNSUPPORTED_VERSION, "UNSUPPORTED_VERSION", "the credential's format version is not supported") \
	X(UNSUPPORTED_ALGORITHM, "UNSUPPORTED_ALGORITHM", "only ES256 signatures are accepted") \
	X(UNKNOWN_ISSUER, "UNKNOWN_ISSUER", "the issuing authority is not known here") \
	X(ISSUER_NOT_LISTED, "UNKNOWN_ISSUER", "the issuing authority is not in the trust list") \
	X(UNKNOWN_KEY, "UNKNOWN_KEY", "the issuer has no key with this kid") \
	X(KEY_REVOKED, "KEY_REVOKED", "the key that signed it has been revoked") \
	X(BAD_SIGNATURE, "BAD_SIGNATURE", "the signature does not match the content") \
	X(NOT_FOR_THIS_COUNTRY, "NOT_FOR_THIS_COUNTRY", "the permit opens another country's border") \
	X(EXP_MALFORMED, "MALFORMED", "exp is not a dd/MM/yyyy date") \
	X(EXPIRED, "EXPIRED", "the permit has expired") \
	X(NOT_FOUND, "NOT_FOUND", "this authority never issued a permit with this id") \
	X(REVOKED, "REVOKED", "the permit was revoked") \
	X(REVOKED_LISTED, "REVOKED", "the permit was revoked or returned") \
	X(REVOCATIONS_CORRUPT, "REVOKED", "the trust list's revocations are corrupt; treat it as revoked") \
	X(RETURNED, "RETURNED", "the carrier returned the permit unused") \
	X(USED_UP, "USED_UP", "the permit's trips have all been used") \
	X(CLAIMS_INCONSISTENT, "CLAIMS_INCONSISTENT", \
	  "the credential's plate or company differs from the permit on record") \
	X(ZONE_NOT_A_CREDENTIAL, "MALFORMED", "the text is not a signed credential") \
	X(NOT_A_ZONE_PERMIT, "NOT_A_ZONE_PERMIT", \
	  "this credential is not a border-zone permit (a freight permit or receipt?)") \
	X(ZONE_TYP, "NOT_A_ZONE_PERMIT", "the credential's header does not say it is a border-zone permit") \
	X(ZONE_CLAIMS_MISSING, "MALFORMED", "the credential lacks a claim or a claim is not well formed") \
	X(ZONE_FOREIGN_ISSUER, "UNKNOWN_ISSUER", "border-zone permits are issued by this authority only") \
	X(ZONE_DATES_MALFORMED, "MALFORMED", "vf or vu is not a dd/MM/yyyy date") \
	X(NOT_YET_VALID, "NOT_YET_VALID", "the permit's validity has not started") \
	X(YEAR_NOT_BEGUN, "NOT_YET_VALID", "the permit is for a year that has not begun") \
	X(DEMO_CREDENTIAL, "DEMO_CREDENTIAL", "a demonstration credential (format version 0) is not valid for real use") \
	X(ZONE_NOT_COVERED, "ZONE_NOT_COVERED", "the permit does not name the zone of this post") \
	X(PASSPORT_MISMATCH, "PASSPORT_MISMATCH", "the passport number differs from the permit's") \
	X(NAME_MISMATCH, "NAME_MISMATCH", "the surname differs from the permit's") \
	X(ZONE_NOT_FOUND, "NOT_FOUND", "this authority has no permit with this number") \
	X(NOT_ACTIVE, "NOT_ACTIVE", "the permit is not active (cancelled or unpaid)") \
	X(ZONE_CLAIMS_INCONSISTENT, "CLAIMS_INCONSISTENT", \
	  "the credential's name or passport differs from the permit on record")

enum kp_why {
#define KP_WHY_ENUM(name, code, message) KP_WHY_##name,
	KP_VERDICT_REASONS(KP_WHY_ENUM)
#undef KP_WHY_ENUM
	    KP_WHY_COUNT
};

/* The code ("EXPIRED") and the sentence of a reason; NULL for a value out of range. */
const char *kp_why_code(enum kp_why why);
const char *kp_why_message(enum kp_why why);

#define KP_VERDICT_MAX 16

/* The reasons found, in the order the checks ran; valid when n == 0. */
typedef struct kp_verdict {
	enum kp_why why[KP_VERDICT_MAX];
	const char *note[KP_VERDICT_MAX]; /* replaces the table's sentence when set (borrowed) */
	int n;
} kp_verdict_t;

void kp_verdict_add(kp_verdict_t *v, enum kp_why why, const char *note);
bool kp_verdict_has(const kp_verdict_t *v, enum kp_why why);
/* [{"code","message"}, ...]. Caller decrefs. */
json_t *kp_verdict_reasons_json(const kp_verdict_t *v);

/* The reason for a kp_jws_verify status other than KP_JWS_OK; key_revoked: the lookup
 * found the kid, revoked. */
enum kp_why kp_verdict_signature_why(int jws_status, bool key_revoked);

/* What the verifier knows of a freight permit. */
typedef struct kp_freight_record {
	const char *status;        /* "issued", "revoked", "returned" */
	const char *status_reason; /* why it was revoked, or NULL */
	const char *plate, *company_name;
	bool used_up;
} kp_freight_record_t;

/* Where the keys and records come from. Callbacks may be NULL: no record / no list. */
typedef struct kp_verifier {
	void *ctx;
	const char *here;           /* the country the credential is checked at */
	int64_t today;              /* the local civil day (kp_local_day) at the authority */
	const char *self;           /* our authority: a permit of ours without a record is NOT_FOUND
	                       (online); NULL when the verifier holds no records (offline) */
	enum kp_why unknown_issuer; /* UNKNOWN_ISSUER online, ISSUER_NOT_LISTED offline */
	bool (*issuer_known)(void *ctx, const char *issuer);
	/* The public key issuer+kid (borrowed until the verdict is made), or NULL with
	 * *revoked set when it exists but was revoked. */
	const kp_key_t *(*key)(void *ctx, const char *issuer, const char *kid, bool *revoked);
	/* Our record of permit id: true with *out filled, false when there is none. */
	bool (*record)(void *ctx, const char *id, kp_freight_record_t *out);
	/* A revocation list (offline): 1 listed, 0 not, -1 the list is corrupt. */
	int (*listed)(void *ctx, const char *id);
	/* Whether country takes part in organisation's permit system on day (a TRACECA permit is
	 * controlled at each member's border); NULL: no membership known, only the issuer's and
	 * the verifier's own borders count. */
	bool (*member)(void *ctx, const char *organisation, const char *country, int64_t day);
} kp_verifier_t;

/* Check a freight permit's QR text. Fills v with every reason (none: valid) and returns
 * the claims once the signature held (caller decrefs), else NULL; *pid gets the parsed id
 * then. */
json_t *kp_verdict_freight(const char *qr, const kp_verifier_t *vf, kp_verdict_t *v, kp_permit_id_t *pid);

/* The credential kind of border-zone permits: header "typ" and claim "k". */
#define KP_ZONE_CRED_TYP "kapka-bz"
#define KP_ZONE_CRED_KIND "bz"

/* What the officer at the post has in hand. */
typedef struct kp_zone_presented {
	const char *passport; /* normalised */
	const char *surname;  /* normalised, or NULL when not given */
	int zone;             /* the post's zone */
} kp_zone_presented_t;

/* What the verifier knows of a border-zone permit. */
typedef struct kp_zone_record {
	const char *status, *status_reason; /* "active", "revoked", ... */
	const char *surname, *given_names, *passport_number;
	int64_t valid_until; /* the application's, after an extension */
} kp_zone_record_t;

typedef struct kp_zone_verifier {
	void *ctx;
	const char *self; /* border-zone permits are issued by this authority only */
	int64_t today;
	const kp_key_t *(*key)(void *ctx, const char *issuer, const char *kid, bool *revoked);
	/* Our record of permit number (its serial): true with *out filled. */
	bool (*record)(void *ctx, int64_t number, kp_zone_record_t *out);
} kp_zone_verifier_t;

/* Check a border-zone permit's QR against what is presented. Returns the claims once the
 * signature held (caller decrefs), else NULL; *number gets the permit's serial then. */
json_t *kp_verdict_zone(const char *qr, const kp_zone_verifier_t *vf, const kp_zone_presented_t *in, kp_verdict_t *v,
                        int64_t *number);

#endif
