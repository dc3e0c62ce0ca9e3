/* fuzz_body.c: libFuzzer target for the JSON body readers every handler uses
 * (src/http/request.c kp_body_*) and the field checks behind them (accounts, vehicles,
 * plates, crossings): the input is parsed as the server parses a body, then read field by
 * field as the registration, vehicle, booking and crossing handlers read theirs. A string
 * handed back is valid UTF-8 and within its length; a problem is recorded, never a crash. */
#include "core/util.h"
#include "domain/account.h"
#include "domain/crossing.h"
#include "domain/permit.h"
#include "http/http.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t max)
{
	if (s && (!kp_utf8_valid(s, strlen(s), true) || kp_utf8_len(s) > max))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t e;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
	if (j == NULL)
		return 0;
	kp_req_t req;
	memset(&req, 0, sizeof(req));
	kp_arena_init(&req.arena);
	req.json = j;
	static const struct {
		const char *name;
		size_t max;
		const char *(*check)(const char *);
	} fields[] = {
	    {"username", 32, kp_check_username}, {"password", 256, kp_check_password}, {"email", 254, kp_check_email},
	    {"phone", 32, kp_check_phone},       {"language", 2, kp_check_language},   {"inn", 14, kp_check_inn},
	    {"licence_number", 32, kp_check_licence}, {"country", 2, kp_check_country}, {"vin", 17, kp_check_vin},
	    {"kind", 12, kp_check_vehicle_kind},  {"priority", 12, kp_check_priority}, {"full_name", 200, NULL},
	    {"company_name", 200, NULL},          {"note", 500, NULL},
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *s = fields[i].check
		                    ? kp_body_str_checked(&req, fields[i].name, fields[i].max, i % 2 == 0, fields[i].check)
		                    : kp_body_str(&req, fields[i].name, fields[i].max, false);
		check_str(s, fields[i].max);
		if (s && fields[i].check && fields[i].check(s) != NULL)
			abort(); /* a value that passed must pass */
	}
	const char *plate = kp_body_str(&req, "plate", 20, false);
	char norm[16];
	if (plate && kp_plate_normalise(plate, norm, sizeof(norm)) == NULL && (strlen(norm) < 4 || strlen(norm) > 12))
		abort();
	long long v = 0;
	if (kp_body_int(&req, "slot_id", 1, INT64_MAX, false, &v) && v < 1)
		abort();
	if (kp_body_int(&req, "weight_kg", 1, 1000000, false, &v) && (v < 1 || v > 1000000))
		abort();
	kp_body_check(&req); /* answers 422 naming each problem, or nothing */
	json_decref(req.reply_json);
	json_decref(req.field_errors);
	free(req.reply_body);
	json_decref(j);
	kp_arena_cleanup(&req.arena);
	return 0;
}
