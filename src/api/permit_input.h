/* permit_input.h: reading the trip fields a freight permit carries from a request body,
 * shared by the carrier's application and the ministry's direct issue. */
#ifndef KP_API_PERMIT_INPUT_H
#define KP_API_PERMIT_INPUT_H

#include "core/config.h"
#include "http/http.h"

typedef struct kp_permit_trip_in {
	const char *departure_country, *arrival_country; /* both NULL: issuer to verifier */
	const char *trailer_plate;                       /* normalised; NULL: none */
	const char *other_claims;                        /* compact JSON object text; NULL: none */
} kp_permit_trip_in_t;

/* The body's "type": a permit type code (1-7) or its protocol name ("BILATERAL"); 0 after
 * recording a field problem. */
int kp_api_read_permit_type(kp_req_t *req);
/* The calendar year now at the authority's UTC offset: the default permit year. */
int kp_api_permit_year_now(const kp_config_t *cfg);

/* Reads departure_country, arrival_country, trailer_plate and other_claims into out
 * (strings in the request's arena). Each problem is recorded with kp_field_error, so the
 * caller's kp_body_check answers them all. type 0 (unknown) skips the type's trip rule. */
void kp_api_read_permit_trip(kp_req_t *req, int type, const char *issuer, const char *verifier,
                             kp_permit_trip_in_t *out);

/* Sets departure_country, arrival_country, trailer_plate (null when absent) and
 * other_claims (an object, empty when absent) on a permit or application object j. */
void kp_api_permit_trip_json(json_t *j, const char *departure, const char *arrival, const char *trailer,
                             const char *other_claims);

#endif
