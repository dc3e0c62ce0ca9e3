/* event.h: the events of the e-permit protocol (docs/e-permit.md): their claim sets as
 * data, read and checked before anything is stored, and the protocol's error codes.
 * Pure: no I/O. */
#ifndef KP_EVENT_H
#define KP_EVENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define KP_EVENT_ID_MAX 100

typedef enum kp_event_type {
	KP_EV_UNKNOWN = 0,
	KP_EV_KEY_CREATED,
	KP_EV_KEY_REVOKED,
	KP_EV_QUOTA_CREATED,
	KP_EV_PERMIT_CREATED,
	KP_EV_PERMIT_REVOKED,
	KP_EV_PERMIT_USED,
} kp_event_type_t;

/* One received event, read from its claims. Strings point into the claims object. */
typedef struct kp_event {
	kp_event_type_t type;
	const char *type_name, *event_id, *previous_event_id, *issuer, *issued_for;
	int64_t timestamp;
	/* QUOTA_CREATED, PERMIT_CREATED */
	int permit_year, permit_type;
	int64_t start_number, end_number, serial_number;
	/* PERMIT_* */
	const char *permit_id, *issued_at, *expire_at, *company_name, *company_id, *plate_number;
	json_t *props;
	const char *activity_type, *activity_details;
	int64_t activity_timestamp;
	/* KEY_* */
	const char *key_id;
	json_t *jwk; /* KEY_CREATED: {kty,crv,x,y,use,alg,kid}, a new reference */
	int64_t revoked_at;
} kp_event_t;

/* An error the protocol names: HTTP status, error_code, error_message. */
typedef struct kp_event_error {
	int status;
	const char *code;
	const char *message;
} kp_event_error_t;

const char *kp_event_type_name(kp_event_type_t t);
kp_event_type_t kp_event_type_parse(const char *name);

/* Permit type on the wire: the published enum names (BILITERAL, as the reference
 * implementation spells it, TRANSIT, THIRDCOUNTRY and the _FEE forms). We read those,
 * the spelling BILATERAL and the numeric codes 1-6; we write the published name.
 * Returns 0 for anything else. */
int kp_event_permit_type_parse(json_t *v);
const char *kp_event_permit_type_wire(int code);

/* Read claims into *ev and check every field the type needs. 0 when well formed; else
 * -1 with *err set (400 for a missing or malformed field, 422 INVALID_PERMITID or
 * INVALID_QUOTA_INTERVAL for the rules that can be checked without the database).
 * ev->jwk, when set, must be released with kp_event_cleanup. */
int kp_event_read(json_t *claims, kp_event_t *ev, kp_event_error_t *err);
void kp_event_cleanup(kp_event_t *ev);

/* A fresh event id (UUID v4 text, 37 bytes with the NUL) from 16 random bytes. */
void kp_event_id_format(const unsigned char rnd[16], char out[37]);

#endif
