/* permit_input.c: the trip fields of a freight permit as a request gives them. */
#include "api/permit_input.h"
#include "core/util.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "domain/permit.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define OTHER_CLAIMS_MAX_BYTES 2000
#define OTHER_CLAIMS_MAX_KEYS 20

/* other_claims: an object of at most 20 claims, 2000 bytes as compact JSON. */
static const char *read_other_claims(kp_req_t *req)
{
	json_t *v = json_object_get(req->json, "other_claims");
	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_object(v) || json_object_size(v) > OTHER_CLAIMS_MAX_KEYS) {
		kp_field_error(req, "other_claims", "must be an object of at most 20 claims, such as {\"cargo\": \"fruit\"}");
		return NULL;
	}
	if (json_object_size(v) == 0)
		return NULL;
	const char *key;
	json_t *val;
	json_object_foreach(v, key, val) {
		if (strlen(key) == 0 || strlen(key) > 64) {
			kp_field_error(req, "other_claims", "each claim's name must have 1 to 64 characters");
			return NULL;
		}
	}
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s == NULL || strlen(s) > OTHER_CLAIMS_MAX_BYTES) {
		kp_field_error(req, "other_claims", "is too long (at most 2000 bytes)");
		free(s);
		return NULL;
	}
	const char *copy = kp_arena_strdup(&req->arena, s);
	free(s);
	return copy;
}

static const char *read_trailer(kp_req_t *req)
{
	const char *plate = kp_body_str(req, "trailer_plate", 20, false);
	if (plate == NULL || plate[0] == '\0')
		return NULL;
	char norm[16];
	const char *why = kp_plate_normalise(plate, norm, sizeof(norm));
	if (why) {
		kp_field_error(req, "trailer_plate", why);
		return NULL;
	}
	return kp_arena_strdup(&req->arena, norm);
}

void kp_api_read_permit_trip(kp_req_t *req, int type, const char *issuer, const char *verifier,
                             kp_permit_trip_in_t *out)
{
	memset(out, 0, sizeof(*out));
	bool has_dep = json_object_get(req->json, "departure_country") != NULL &&
	               !json_is_null(json_object_get(req->json, "departure_country"));
	bool has_arr = json_object_get(req->json, "arrival_country") != NULL &&
	               !json_is_null(json_object_get(req->json, "arrival_country"));
	/* Neither given: the trip goes from the issuer to the verifier. One given: both needed. */
	out->departure_country = kp_body_str_checked(req, "departure_country", 2, has_arr, kp_check_country);
	out->arrival_country = kp_body_str_checked(req, "arrival_country", 2, has_dep, kp_check_country);
	if (out->departure_country && out->arrival_country && type > 0 && issuer && verifier) {
		const char *code = NULL;
		const char *why = kp_permit_trip_check(type, issuer, verifier, out->departure_country, out->arrival_country,
		                                       &code);
		if (why)
			kp_field_problem(req, "arrival_country", code, NULL, why);
	}
	out->trailer_plate = read_trailer(req);
	out->other_claims = read_other_claims(req);
}

int kp_api_read_permit_type(kp_req_t *req)
{
	json_t *t = json_object_get(req->json, "type");
	if (json_is_integer(t) && json_integer_value(t) >= 1 && json_integer_value(t) <= KP_PERMIT_TYPE_MAX)
		return (int)json_integer_value(t);
	for (int i = 1; json_is_string(t) && i <= KP_PERMIT_TYPE_MAX; i++)
		if (strcmp(json_string_value(t), kp_permit_type_name(i)) == 0)
			return i;
	kp_field_error(req, "type", t ? "must be a permit type code 1-7 or a name such as BILATERAL" : "is required");
	return 0;
}

int kp_api_permit_year_now(const kp_config_t *cfg)
{
	return kp_local_year(kp_now(), (int)cfg->utc_offset_minutes);
}
