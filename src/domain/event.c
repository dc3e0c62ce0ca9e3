/* event.c: reading and checking e-permit protocol events (see event.h). */
#include "domain/event.h"
#include "domain/dates.h"
#include "domain/permit.h"

#include <stdio.h>
#include <string.h>

static const char *const type_names[] = {
	[KP_EV_UNKNOWN] = NULL,
	[KP_EV_KEY_CREATED] = "KEY_CREATED",
	[KP_EV_KEY_REVOKED] = "KEY_REVOKED",
	[KP_EV_QUOTA_CREATED] = "QUOTA_CREATED",
	[KP_EV_PERMIT_CREATED] = "PERMIT_CREATED",
	[KP_EV_PERMIT_REVOKED] = "PERMIT_REVOKED",
	[KP_EV_PERMIT_USED] = "PERMIT_USED",
};

const char *kp_event_type_name(kp_event_type_t t)
{
	return (unsigned)t < sizeof(type_names) / sizeof(type_names[0]) ? type_names[t] : NULL;
}

kp_event_type_t kp_event_type_parse(const char *name)
{
	for (unsigned i = 1; name && i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(name, type_names[i]) == 0)
			return (kp_event_type_t)i;
	return KP_EV_UNKNOWN;
}

static const struct {
	int code;
	const char *wire, *alias;
} permit_types[] = {
	{1, "BILITERAL", "BILATERAL"},
	{2, "TRANSIT", NULL},
	{3, "THIRDCOUNTRY", "THIRD_COUNTRY"},
	{4, "BILITERAL_FEE", "BILATERAL_FEE"},
	{5, "TRANSIT_FEE", NULL},
	{6, "THIRDCOUNTRY_FEE", "THIRD_COUNTRY_FEE"},
};

int kp_event_permit_type_parse(json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v) >= 1 && json_integer_value(v) <= 6 ? (int)json_integer_value(v) : 0;
	const char *s = json_string_value(v);
	if (s == NULL)
		return 0;
	if (s[0] >= '1' && s[0] <= '6' && s[1] == '\0')
		return s[0] - '0';
	for (size_t i = 0; i < sizeof(permit_types) / sizeof(permit_types[0]); i++)
		if (strcmp(s, permit_types[i].wire) == 0 || (permit_types[i].alias && strcmp(s, permit_types[i].alias) == 0))
			return permit_types[i].code;
	return 0;
}

const char *kp_event_permit_type_wire(int code)
{
	return code >= 1 && code <= 6 ? permit_types[code - 1].wire : NULL;
}

static int fail(kp_event_error_t *err, int status, const char *code, const char *message)
{
	err->status = status;
	err->code = code;
	err->message = message;
	return -1;
}

/* A non-empty string of at most max bytes, or NULL. */
static const char *text(json_t *claims, const char *name, size_t max)
{
	const char *s = json_string_value(json_object_get(claims, name));
	return s && s[0] && strlen(s) <= max ? s : NULL;
}

/* An integer given as a JSON number or as a string of digits (the published samples use
 * both); -1 when absent or not one. */
static int64_t number(json_t *claims, const char *name)
{
	json_t *v = json_object_get(claims, name);
	if (json_is_integer(v))
		return json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
	const char *s = json_string_value(v);
	if (s == NULL || !s[0] || strlen(s) > 18)
		return -1;
	int64_t n = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n;
}

/* Seconds since 1970; milliseconds are accepted and scaled down (some senders use them). */
static int64_t seconds(json_t *claims, const char *name)
{
	int64_t t = number(claims, name);
	return t > 100000000000LL ? t / 1000 : t;
}

static int read_quota(json_t *claims, kp_event_t *ev, kp_event_error_t *err)
{
	ev->permit_year = (int)number(claims, "permit_year");
	ev->permit_type = kp_event_permit_type_parse(json_object_get(claims, "permit_type"));
	ev->start_number = number(claims, "start_number");
	ev->end_number = number(claims, "end_number");
	if (ev->permit_year < 2000 || ev->permit_year > 2100)
		return fail(err, 400, "BAD_REQUEST", "permit_year must be a year");
	if (ev->permit_type == 0)
		return fail(err, 400, "BAD_REQUEST", "permit_type must be one of the protocol's six types");
	if (ev->start_number < 1 || ev->end_number < ev->start_number)
		return fail(err, 422, "INVALID_QUOTA_INTERVAL", "start_number must be at least 1 and not above end_number");
	return 0;
}

static int read_permit_created(json_t *claims, kp_event_t *ev, kp_event_error_t *err)
{
	ev->permit_id = text(claims, "permit_id", 40);
	ev->permit_year = (int)number(claims, "permit_year");
	ev->permit_type = kp_event_permit_type_parse(json_object_get(claims, "permit_type"));
	ev->serial_number = number(claims, "serial_number");
	ev->issued_at = text(claims, "issued_at", 10);
	ev->expire_at = text(claims, "expire_at", 10);
	ev->company_name = text(claims, "company_name", 200);
	ev->company_id = text(claims, "company_id", 100);
	ev->plate_number = text(claims, "plate_number", 100);
	ev->props = json_object_get(claims, "props");
	int64_t d;
	if (!ev->permit_id || !ev->issued_at || !ev->expire_at || !ev->company_name || !ev->plate_number)
		return fail(err, 400, "BAD_REQUEST",
		            "PERMIT_CREATED needs permit_id, issued_at, expire_at, company_name and plate_number");
	if (kp_date_parse_dmy(ev->issued_at, &d) != 0 || kp_date_parse_dmy(ev->expire_at, &d) != 0)
		return fail(err, 400, "BAD_REQUEST", "issued_at and expire_at must be dd/MM/yyyy dates");
	if (ev->props && !json_is_object(ev->props))
		return fail(err, 400, "BAD_REQUEST", "props must be an object");
	kp_permit_id_t pid;
	if (kp_permit_id_parse(ev->permit_id, &pid) != 0 || pid.type > 6 || strcmp(pid.issuer, ev->issuer) != 0 ||
	    strcmp(pid.verifier, ev->issued_for) != 0 || pid.year != ev->permit_year || pid.type != ev->permit_type ||
	    pid.serial != ev->serial_number)
		return fail(err, 422, "INVALID_PERMITID",
		            "permit_id must be ISSUER-VERIFIER-YEAR-TYPE-SERIAL and agree with the event's other fields");
	return 0;
}

static int read_permit_ref(json_t *claims, kp_event_t *ev, kp_event_error_t *err)
{
	ev->permit_id = text(claims, "permit_id", 40);
	kp_permit_id_t pid;
	if (ev->permit_id == NULL)
		return fail(err, 400, "BAD_REQUEST", "permit_id is required");
	if (kp_permit_id_parse(ev->permit_id, &pid) != 0)
		return fail(err, 422, "INVALID_PERMITID", "permit_id is not ISSUER-VERIFIER-YEAR-TYPE-SERIAL");
	if (ev->type == KP_EV_PERMIT_REVOKED && strcmp(pid.issuer, ev->issuer) != 0)
		return fail(err, 422, "INVALID_PERMITID", "only the permit's issuer can revoke it");
	if (ev->type != KP_EV_PERMIT_USED)
		return 0;
	if (strcmp(pid.verifier, ev->issuer) != 0 || strcmp(pid.issuer, ev->issued_for) != 0)
		return fail(err, 422, "INVALID_PERMITID", "PERMIT_USED comes from the permit's verifier to its issuer");
	const char *a = text(claims, "activity_type", 16);
	/* "ENTERANCE" is how the published tables spell it */
	ev->activity_type = a && (strcmp(a, "ENTRANCE") == 0 || strcmp(a, "ENTERANCE") == 0) ? "ENTRANCE"
	                    : a && strcmp(a, "EXIT") == 0                                     ? "EXIT"
	                                                                                      : NULL;
	ev->activity_timestamp = seconds(claims, "activity_timestamp");
	json_t *details = json_object_get(claims, "activity_details");
	ev->activity_details = json_string_value(details);
	if (ev->activity_type == NULL)
		return fail(err, 400, "BAD_REQUEST", "activity_type must be ENTRANCE or EXIT");
	if (ev->activity_timestamp <= 0)
		return fail(err, 400, "BAD_REQUEST", "activity_timestamp must be UTC seconds");
	if (details && !json_is_null(details) && (!ev->activity_details || strlen(ev->activity_details) > 1000))
		return fail(err, 400, "BAD_REQUEST", "activity_details must be text of at most 1,000 characters");
	return 0;
}

static int read_key(json_t *claims, kp_event_t *ev, kp_event_error_t *err)
{
	if (ev->type == KP_EV_KEY_REVOKED) {
		ev->key_id = text(claims, "key_id", 64);
		ev->revoked_at = seconds(claims, "revoked_at");
		if (ev->key_id == NULL || ev->revoked_at <= 0)
			return fail(err, 400, "BAD_REQUEST", "KEY_REVOKED needs key_id and revoked_at");
		return 0;
	}
	static const char *const fields[] = {"kid", "kty", "crv", "x", "y"};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (text(claims, fields[i], 200) == NULL)
			return fail(err, 400, "BAD_REQUEST", "KEY_CREATED needs kid, kty, crv, x and y");
	ev->key_id = text(claims, "kid", 64);
	if (ev->key_id == NULL)
		return fail(err, 400, "BAD_REQUEST", "kid is longer than 64 characters");
	ev->jwk = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kty", text(claims, "kty", 200), "crv",
	                    text(claims, "crv", 200), "x", text(claims, "x", 200), "y", text(claims, "y", 200), "use",
	                    "sig", "kid", ev->key_id, "alg", "ES256");
	return 0;
}

int kp_event_read(json_t *claims, kp_event_t *ev, kp_event_error_t *err)
{
	memset(ev, 0, sizeof(*ev));
	if (!json_is_object(claims))
		return fail(err, 400, "BAD_REQUEST", "the event's payload must be a JSON object");
	ev->type_name = text(claims, "event_type", 32);
	ev->type = kp_event_type_parse(ev->type_name);
	ev->event_id = text(claims, "event_id", KP_EVENT_ID_MAX);
	ev->previous_event_id = text(claims, "previous_event_id", KP_EVENT_ID_MAX);
	ev->issuer = text(claims, "issuer", 2);
	ev->issued_for = text(claims, "issued_for", 2);
	ev->timestamp = seconds(claims, "event_timestamp");
	if (!ev->event_id || !ev->previous_event_id || !ev->issuer || !ev->issued_for || strlen(ev->issuer) != 2 ||
	    strlen(ev->issued_for) != 2)
		return fail(err, 400, "BAD_REQUEST", "event_id, previous_event_id, issuer and issued_for are required");
	if (ev->type == KP_EV_UNKNOWN)
		return fail(err, 400, "BAD_REQUEST", "event_type is not one the protocol defines");
	if (ev->timestamp <= 0)
		return fail(err, 400, "BAD_REQUEST", "event_timestamp must be UTC seconds");
	switch (ev->type) {
	case KP_EV_QUOTA_CREATED: return read_quota(claims, ev, err);
	case KP_EV_PERMIT_CREATED: return read_permit_created(claims, ev, err);
	case KP_EV_PERMIT_REVOKED:
	case KP_EV_PERMIT_USED: return read_permit_ref(claims, ev, err);
	default: return read_key(claims, ev, err);
	}
}

void kp_event_cleanup(kp_event_t *ev)
{
	json_decref(ev->jwk);
	ev->jwk = NULL;
}

void kp_event_id_format(const unsigned char rnd[16], char out[37])
{
	unsigned char b[16];
	memcpy(b, rnd, 16);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
	         b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}
