/* event.h: the events of the e-permit protocol as the reference implementation
 * (e-permit-java, R/ledgerevents/ * /…LedgerEvent.java) defines them on the wire: each
 * class's fields as data (the order Gson writes them, their Java types, their bean
 * validation), read and checked before anything is stored, and the protocol's error
 * codes. Pure: no I/O. docs/e-permit.md names the reference file behind every rule. */
#ifndef KP_EVENT_H
#define KP_EVENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KP_EVENT_ID_MAX 100
/* Authority codes: [A-Z]+ (countries and organisations such as TRACECA), at most this long. */
#define KP_AUTHORITY_CODE_MAX 16

typedef enum kp_event_type {
	KP_EV_UNKNOWN = 0,
	KP_EV_KEY_CREATED,
	KP_EV_KEY_REVOKED,
	KP_EV_QUOTA_CREATED,
	KP_EV_PERMIT_CREATED,
	KP_EV_PERMIT_REVOKED,
	KP_EV_PERMIT_USED,
} kp_event_type_t;

/* How the reference's Java field is typed, which decides how Gson writes it. */
typedef enum kp_wire_kind {
	KP_WIRE_STRING,  /* String, or an enum (written by name) */
	KP_WIRE_INT,     /* primitive int: always written, 0 when absent */
	KP_WIRE_INTEGER, /* Integer: 32 bits, left out when null */
	KP_WIRE_LONG,    /* Long: 64 bits, left out when null */
	KP_WIRE_MAP,     /* Map<String, Object> */
} kp_wire_kind_t;

/* One field of an event class, with the bean validation the reference declares on it. */
typedef struct kp_wire_field {
	const char *name; /* on the wire (Gson's LOWER_CASE_WITH_UNDERSCORES) */
	const char *java; /* the Java property, as the reference names it in a 400's details */
	kp_wire_kind_t kind;
	bool not_null;          /* @NotNull */
	int64_t min;            /* @Min, 0 for none */
	int size_min, size_max; /* @Size, 0 for none */
	const char *pattern;    /* @Pattern: "permit_id" or "date" (Constants.java), NULL for none */
	size_t max_len;         /* kapka's own bound on a string's length (bytes) */
} kp_wire_field_t;

/* The fields Gson writes for an event class, in order: the class's own, then
 * LedgerEventBase's (Gson walks a class before its superclass). NULL for KP_EV_UNKNOWN. */
const kp_wire_field_t *kp_event_fields(kp_event_type_t t, size_t *n);

/* One event, read from its JSON. Strings point into the JSON object it was read from. */
typedef struct kp_event {
	kp_event_type_t type;
	const char *type_name, *event_id, *previous_event_id, *producer, *consumer;
	int64_t timestamp;
	/* QUOTA_CREATED, PERMIT_CREATED */
	const char *permit_issuer, *permit_issued_for;
	int permit_year, permit_type;
	int64_t quantity, serial_number; /* serial_number: from permit_id */
	/* PERMIT_* */
	const char *permit_id, *issued_at, *expires_at, *company_name, *company_id, *plate_number, *plate_number2,
	    *departure_country, *arrival_country, *qr_code;
	json_t *other_claims; /* borrowed; NULL when absent */
	const char *activity_type, *activity_details;
	int64_t activity_timestamp;
	/* KEY_*: authority, kid (KEY_CREATED) or key_id (KEY_REVOKED) in key_id */
	const char *authority, *key_id, *jwk_text;
	json_t *jwk; /* KEY_CREATED: the parsed jwk, a new reference */
	int64_t revoked_at;
} kp_event_t;

/* Why an event is refused: HTTP status, the protocol's error code (NULL for a 400, whose
 * details name the fields), a sentence, and for a 400 the details {javaField: message}. */
typedef struct kp_event_error {
	int status;
	const char *code;
	const char *message;
	json_t *details; /* a new reference or NULL; kp_event_error_cleanup releases it */
} kp_event_error_t;
void kp_event_error_cleanup(kp_event_error_t *err);

const char *kp_event_type_name(kp_event_type_t t);
kp_event_type_t kp_event_type_parse(const char *name);
/* The path segment of POST {base}/events/{segment}: quota-created, permit-created, … */
const char *kp_event_type_path(kp_event_type_t t);
kp_event_type_t kp_event_type_from_path(const char *segment);

/* Read the JSON body of an event posted to the endpoint of type t and check it as the
 * reference does (bean validation, @AssertTrue rules) plus kapka's own bounds. An absent
 * event_type is the endpoint's (the reference's constructor sets it); it is added to obj,
 * so obj then holds what the sender signed. today_utc: days since 1970 (UTC), for
 * issued_at. 0 when acceptable; else -1 with *err (400 with details, or 422 with a
 * code for a rule checked without the database). kp_event_cleanup releases ev. */
int kp_event_read(json_t *obj, kp_event_type_t t, int64_t today_utc, kp_event_t *ev, kp_event_error_t *err);
void kp_event_cleanup(kp_event_t *ev);

/* Whether type is one of the protocol's permit types (1-6; the multilateral permit is
 * not part of the bilateral exchange). */
bool kp_event_permit_type_ok(int type);

/* The public half of a P-256 JWK as the reference's PublicJwk carries it (kty, use, crv,
 * kid, x, y, alg): a new object the caller owns, NULL when jwk lacks kid, x or y. */
json_t *kp_event_public_jwk(const json_t *jwk);

/* A fresh event id (UUID v4 text, 37 bytes with the NUL) from 16 random bytes. */
void kp_event_id_format(const unsigned char rnd[16], char out[37]);

/* Whether s is a permit id as the reference's Constants.PERMIT_ID_FORMAT allows,
 * ^[A-Z]+-[A-Z]+-\d{4}-[0-9]+-[0-9]+$, and canonical (no leading zero in type or serial).
 * Fills the parts when the pointers are not NULL. */
bool kp_event_permit_id_ok(const char *s, char issuer[KP_AUTHORITY_CODE_MAX + 1],
                           char issued_for[KP_AUTHORITY_CODE_MAX + 1], int *year, int *type, int64_t *serial);

#endif
