/* event.c: the e-permit protocol's events as the reference defines them (see event.h). */
#include "domain/event.h"
#include "domain/dates.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name, *path;
} types[] = {
    [KP_EV_UNKNOWN] = {NULL, NULL},
    [KP_EV_KEY_CREATED] = {"KEY_CREATED", "key-created"},
    [KP_EV_KEY_REVOKED] = {"KEY_REVOKED", "key-revoked"},
    [KP_EV_QUOTA_CREATED] = {"QUOTA_CREATED", "quota-created"},
    [KP_EV_PERMIT_CREATED] = {"PERMIT_CREATED", "permit-created"},
    [KP_EV_PERMIT_REVOKED] = {"PERMIT_REVOKED", "permit-revoked"},
    [KP_EV_PERMIT_USED] = {"PERMIT_USED", "permit-used"},
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

const char *kp_event_type_name(kp_event_type_t t)
{
	return (unsigned)t < NTYPES ? types[t].name : NULL;
}

const char *kp_event_type_path(kp_event_type_t t)
{
	return (unsigned)t < NTYPES ? types[t].path : NULL;
}

kp_event_type_t kp_event_type_parse(const char *name)
{
	for (unsigned i = 1; name && i < NTYPES; i++)
		if (strcmp(name, types[i].name) == 0)
			return (kp_event_type_t)i;
	return KP_EV_UNKNOWN;
}

kp_event_type_t kp_event_type_from_path(const char *segment)
{
	for (unsigned i = 1; segment && i < NTYPES; i++)
		if (strcmp(segment, types[i].path) == 0)
			return (kp_event_type_t)i;
	return KP_EV_UNKNOWN;
}

/* The classes' fields (R/ledgerevents/…): own fields in declaration order, then the base's. */
#define S(n, j, nn, mx) \
	{ \
		n, j, KP_WIRE_STRING, nn, 0, 0, 0, NULL, mx \
	}
#define PERMIT_ID \
	{ \
		"permit_id", "permitId", KP_WIRE_STRING, true, 0, 0, 0, "permit_id", 60 \
	}
#define DATE(n, j) \
	{ \
		n, j, KP_WIRE_STRING, true, 0, 0, 0, "date", 10 \
	}
#define BASE \
	S("event_producer", "eventProducer", true, KP_AUTHORITY_CODE_MAX), \
	    S("event_consumer", "eventConsumer", true, KP_AUTHORITY_CODE_MAX), \
	    {"event_timestamp", "eventTimestamp", KP_WIRE_LONG, true, 1609459200, 0, 0, NULL, 0}, \
	    S("event_type", "eventType", true, 32), {"event_id", "eventId", KP_WIRE_STRING, true, 0, 16, 100, NULL, 100}, \
	{ \
		"previous_event_id", "previousEventId", KP_WIRE_STRING, true, 0, 1, 100, NULL, 100 \
	}

static const kp_wire_field_t quota_created[] = {
    S("permit_issuer", "permitIssuer", true, KP_AUTHORITY_CODE_MAX),
    S("permit_issued_for", "permitIssuedFor", true, KP_AUTHORITY_CODE_MAX),
    {"permit_year", "permitYear", KP_WIRE_INT, true, 2021, 0, 0, NULL, 0},
    {"permit_type", "permitType", KP_WIRE_INTEGER, true, 0, 0, 0, NULL, 0},
    {"quantity", "quantity", KP_WIRE_LONG, true, 1, 0, 0, NULL, 0},
    BASE,
};

static const kp_wire_field_t permit_created[] = {
    PERMIT_ID,
    {"permit_type", "permitType", KP_WIRE_INTEGER, true, 0, 0, 0, NULL, 0},
    S("permit_issuer", "permitIssuer", true, KP_AUTHORITY_CODE_MAX),
    S("permit_issued_for", "permitIssuedFor", true, KP_AUTHORITY_CODE_MAX),
    {"permit_year", "permitYear", KP_WIRE_INT, true, 2021, 0, 0, NULL, 0},
    DATE("issued_at", "issuedAt"),
    DATE("expires_at", "expiresAt"),
    S("plate_number", "plateNumber", false, 100),
    S("plate_number2", "plateNumber2", false, 100),
    S("company_name", "companyName", true, 500),
    S("company_id", "companyId", true, 100),
    S("departure_country", "departureCountry", true, KP_AUTHORITY_CODE_MAX),
    S("arrival_country", "arrivalCountry", true, KP_AUTHORITY_CODE_MAX),
    S("qr_code", "qrCode", true, 4096),
    {"other_claims", "otherClaims", KP_WIRE_MAP, false, 0, 0, 0, NULL, 0},
    BASE,
};

static const kp_wire_field_t permit_revoked[] = {
    PERMIT_ID,
    {"revoked_at", "revokedAt", KP_WIRE_LONG, true, 0, 0, 0, NULL, 0},
    BASE,
};

static const kp_wire_field_t permit_used[] = {
    PERMIT_ID,
    S("activity_type", "activityType", true, 16),
    {"activity_timestamp", "activityTimestamp", KP_WIRE_LONG, true, 1609459200, 0, 0, NULL, 0},
    S("activity_details", "activityDetails", false, 1000),
    BASE,
};

static const kp_wire_field_t key_created[] = {
    S("authority", "authority", true, KP_AUTHORITY_CODE_MAX),
    S("kid", "kid", true, 64),
    S("jwk", "jwk", true, 2000),
    BASE,
};

static const kp_wire_field_t key_revoked[] = {
    S("authority", "authority", true, KP_AUTHORITY_CODE_MAX),
    S("key_id", "keyId", true, 64),
    {"revoked_at", "revokedAt", KP_WIRE_LONG, true, 0, 0, 0, NULL, 0},
    BASE,
};

#define TABLE(t) \
	{ \
		t, sizeof(t) / sizeof(t[0]) \
	}
static const struct {
	const kp_wire_field_t *f;
	size_t n;
} tables[] = {
    [KP_EV_UNKNOWN] = {NULL, 0},
    [KP_EV_KEY_CREATED] = TABLE(key_created),
    [KP_EV_KEY_REVOKED] = TABLE(key_revoked),
    [KP_EV_QUOTA_CREATED] = TABLE(quota_created),
    [KP_EV_PERMIT_CREATED] = TABLE(permit_created),
    [KP_EV_PERMIT_REVOKED] = TABLE(permit_revoked),
    [KP_EV_PERMIT_USED] = TABLE(permit_used),
};

const kp_wire_field_t *kp_event_fields(kp_event_type_t t, size_t *n)
{
	*n = (unsigned)t < NTYPES ? tables[t].n : 0;
	return *n ? tables[t].f : NULL;
}

void kp_event_error_cleanup(kp_event_error_t *err)
{
	json_decref(err->details);
	err->details = NULL;
}

/* A 400 detail for a Java property: the reference's HashMap keeps one message per field. */
static void detail(kp_event_error_t *err, const char *java, const char *message)
{
	if (err->details == NULL)
		err->details = json_object();
	json_object_set_new(err->details, java, json_string(message));
}

bool kp_event_permit_type_ok(int type)
{
	return type >= 1 && type <= 6;
}

json_t *kp_event_public_jwk(const json_t *jwk)
{
	return json_pack("{s:s, s:s, s:s, s:O, s:O, s:O, s:s}", "kty", "EC", "use", "sig", "crv", "P-256", "kid",
	                 json_object_get(jwk, "kid"), "x", json_object_get(jwk, "x"), "y", json_object_get(jwk, "y"), "alg",
	                 "ES256");
}

static int refuse(kp_event_error_t *err, int status, const char *code, const char *message)
{
	err->status = status;
	err->code = code;
	err->message = message;
	return -1;
}

static bool upper_code(const char *s)
{
	if (s == NULL || !s[0] || strlen(s) > KP_AUTHORITY_CODE_MAX)
		return false;
	for (; *s; s++)
		if (*s < 'A' || *s > 'Z')
			return false;
	return true;
}

/* [A-Z]+ then '-', copied into out (at most KP_AUTHORITY_CODE_MAX letters). */
static const char *code_part(const char *s, char *out)
{
	size_t n = 0;
	while (s[n] >= 'A' && s[n] <= 'Z')
		n++;
	if (n == 0 || n > KP_AUTHORITY_CODE_MAX || s[n] != '-')
		return NULL;
	if (out) {
		memcpy(out, s, n);
		out[n] = '\0';
	}
	return s + n + 1;
}

/* Digits then end (or '-' when dash); no leading zero unless allow_zero; at most max digits. */
static const char *number_part(const char *s, bool dash, int max, bool canonical, int64_t *v)
{
	int n = 0;
	int64_t x = 0;
	while (isdigit((unsigned char)s[n])) {
		if (n >= max)
			return NULL;
		x = x * 10 + (s[n] - '0');
		n++;
	}
	if (n == 0 || (dash ? s[n] != '-' : s[n] != '\0') || (canonical && s[0] == '0'))
		return NULL;
	*v = x;
	return s + n + (dash ? 1 : 0);
}

bool kp_event_permit_id_ok(const char *s, char issuer[KP_AUTHORITY_CODE_MAX + 1],
                           char issued_for[KP_AUTHORITY_CODE_MAX + 1], int *year, int *type, int64_t *serial)
{
	int64_t y, t, n;
	if (s == NULL || (s = code_part(s, issuer)) == NULL || (s = code_part(s, issued_for)) == NULL)
		return false;
	if (strlen(s) < 5 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[2]) || !isdigit((unsigned char)s[3]) || s[4] != '-')
		return false;
	y = atoi(s);
	s += 5;
	if ((s = number_part(s, true, 9, true, &t)) == NULL || number_part(s, false, 15, true, &n) == NULL || n < 1)
		return false;
	if (year)
		*year = (int)y;
	if (type)
		*type = (int)t;
	if (serial)
		*serial = n;
	return true;
}

/* A string field's size, length, NUL and pattern (permit_id, date) checks. */
static bool check_string(const kp_wire_field_t *f, json_t *v, kp_event_error_t *err)
{
	char msg[160];
	if (!json_is_string(v)) {
		detail(err, f->java, "must be a string");
		return false;
	}
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (f->size_max && (len < (size_t)f->size_min || len > (size_t)f->size_max)) {
		snprintf(msg, sizeof(msg), "size must be between %d and %d", f->size_min, f->size_max);
		detail(err, f->java, msg);
		return false;
	}
	if (f->max_len && len > f->max_len) {
		snprintf(msg, sizeof(msg), "must be at most %zu bytes long", f->max_len);
		detail(err, f->java, msg);
		return false;
	}
	if (strlen(s) != len) {
		detail(err, f->java, "must not contain NUL");
		return false;
	}
	if (f->pattern && strcmp(f->pattern, "permit_id") == 0 && !kp_event_permit_id_ok(s, NULL, NULL, NULL, NULL, NULL)) {
		detail(err, f->java, "must match \"^[A-Z]+-[A-Z]+-\\d{4}-[0-9]+-[0-9]+$\"");
		return false;
	}
	int64_t d;
	if (f->pattern && strcmp(f->pattern, "date") == 0 && kp_date_parse_dmy(s, &d) != 0) {
		detail(err, f->java, "must be a date dd/MM/yyyy");
		return false;
	}
	return true;
}

/* A number field (Java int or long): in range and at least its @Min. */
static bool check_number(const kp_wire_field_t *f, json_t *v, kp_event_error_t *err)
{
	char msg[160];
	int64_t lo = f->kind == KP_WIRE_LONG ? INT64_MIN : INT32_MIN;
	int64_t hi = f->kind == KP_WIRE_LONG ? INT64_MAX : INT32_MAX;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		detail(err, f->java, f->kind == KP_WIRE_LONG ? "must be a whole number" : "must be a 32-bit whole number");
		return false;
	}
	if (f->min && json_integer_value(v) < f->min) {
		snprintf(msg, sizeof(msg), "must be greater than or equal to %lld", (long long)f->min);
		detail(err, f->java, msg);
		return false;
	}
	return true;
}

/* The value of one field checked against its Java type and bean validation; a detail is
 * added for each failure. Returns false when the field is not acceptable. */
static bool check_field(const kp_wire_field_t *f, json_t *v, kp_event_error_t *err)
{
	char msg[160];
	if (v == NULL || json_is_null(v)) {
		if (f->kind == KP_WIRE_INT) { /* a primitive int is 0 when absent */
			if (f->min > 0) {
				snprintf(msg, sizeof(msg), "must be greater than or equal to %lld", (long long)f->min);
				detail(err, f->java, msg);
				return false;
			}
			return true;
		}
		if (f->not_null)
			detail(err, f->java, "must not be null");
		return !f->not_null;
	}
	switch (f->kind) {
	case KP_WIRE_STRING:
		return check_string(f, v, err);
	case KP_WIRE_MAP:
		if (!json_is_object(v)) {
			detail(err, f->java, "must be an object");
			return false;
		}
		return true;
	default:
		return check_number(f, v, err);
	}
}

static const char *str(json_t *obj, const char *name)
{
	return json_string_value(json_object_get(obj, name));
}

static int64_t num(json_t *obj, const char *name)
{
	return json_integer_value(json_object_get(obj, name));
}

/* The @AssertTrue rules of PermitCreatedLedgerEvent and QuotaCreatedLedgerEvent. */
static void assert_rules(kp_event_t *ev, int64_t today, kp_event_error_t *err)
{
	if (ev->type == KP_EV_QUOTA_CREATED && ev->permit_issuer && ev->permit_issued_for &&
	    (strcmp(ev->producer, ev->permit_issued_for) != 0 || strcmp(ev->consumer, ev->permit_issuer) != 0))
		detail(err, "valid", "Invalid permit issuer or issued_for");
	if (ev->type != KP_EV_PERMIT_CREATED)
		return;
	int64_t iat, exp;
	bool dates = ev->issued_at && ev->expires_at && kp_date_parse_dmy(ev->issued_at, &iat) == 0 &&
	             kp_date_parse_dmy(ev->expires_at, &exp) == 0;
	if (dates && iat > today)
		detail(err, "validIssuedAt", "Invalid issued_at");
	if (dates && iat >= exp)
		detail(err, "validExpiresAt", "Invalid expires_at");
	if (ev->permit_issuer && ev->permit_issued_for &&
	    (strcmp(ev->producer, ev->permit_issuer) != 0 || strcmp(ev->consumer, ev->permit_issued_for) != 0))
		detail(err, "valid", "Invalid permit issuer or issued_for");
}

/* kapka's own checks, beyond the reference's: codes, enum values, one type per endpoint. */
static void kapka_rules(kp_event_t *ev, kp_event_type_t t, kp_event_error_t *err)
{
	if (ev->type_name && kp_event_type_parse(ev->type_name) != t)
		detail(err, "eventType", "must be the event type of the endpoint it is posted to");
	if (ev->producer && !upper_code(ev->producer))
		detail(err, "eventProducer", "must be an authority code [A-Z]+");
	if (ev->consumer && !upper_code(ev->consumer))
		detail(err, "eventConsumer", "must be an authority code [A-Z]+");
	if (ev->activity_type && strcmp(ev->activity_type, "ENTRANCE") != 0 && strcmp(ev->activity_type, "EXIT") != 0)
		detail(err, "activityType", "must be ENTRANCE or EXIT");
	if ((t == KP_EV_QUOTA_CREATED || t == KP_EV_PERMIT_CREATED) &&
	    json_object_get(err->details, "permitType") == NULL && !kp_event_permit_type_ok(ev->permit_type))
		detail(err, "permitType", "must be one of the protocol's permit types 1-6");
	if (ev->authority && ev->producer && strcmp(ev->authority, ev->producer) != 0)
		detail(err, "authority", "must be the event's producer: an authority announces only its own keys");
}

static void fill(kp_event_t *ev, json_t *o)
{
	ev->type_name = str(o, "event_type");
	ev->event_id = str(o, "event_id");
	ev->previous_event_id = str(o, "previous_event_id");
	ev->producer = str(o, "event_producer");
	ev->consumer = str(o, "event_consumer");
	ev->timestamp = num(o, "event_timestamp");
	ev->permit_issuer = str(o, "permit_issuer");
	ev->permit_issued_for = str(o, "permit_issued_for");
	ev->permit_year = (int)num(o, "permit_year");
	ev->permit_type = (int)num(o, "permit_type");
	ev->quantity = num(o, "quantity");
	ev->permit_id = str(o, "permit_id");
	ev->issued_at = str(o, "issued_at");
	ev->expires_at = str(o, "expires_at");
	ev->company_name = str(o, "company_name");
	ev->company_id = str(o, "company_id");
	ev->plate_number = str(o, "plate_number");
	ev->plate_number2 = str(o, "plate_number2");
	ev->departure_country = str(o, "departure_country");
	ev->arrival_country = str(o, "arrival_country");
	ev->qr_code = str(o, "qr_code");
	ev->other_claims = json_is_object(json_object_get(o, "other_claims")) ? json_object_get(o, "other_claims") : NULL;
	ev->activity_type = str(o, "activity_type");
	ev->activity_details = str(o, "activity_details");
	ev->activity_timestamp = num(o, "activity_timestamp");
	ev->authority = str(o, "authority");
	ev->key_id = ev->type == KP_EV_KEY_CREATED ? str(o, "kid") : str(o, "key_id");
	ev->jwk_text = str(o, "jwk");
	ev->revoked_at = num(o, "revoked_at");
}

/* Rules that need the fields to agree with each other; 422 as the reference's codes. */
static int consistency(kp_event_t *ev, kp_event_error_t *err)
{
	if (ev->permit_id) {
		char issuer[KP_AUTHORITY_CODE_MAX + 1], issued_for[KP_AUTHORITY_CODE_MAX + 1];
		int year, type;
		kp_event_permit_id_ok(ev->permit_id, issuer, issued_for, &year, &type, &ev->serial_number);
		bool ok = true;
		if (ev->type == KP_EV_PERMIT_CREATED)
			ok = strcmp(issuer, ev->producer) == 0 && strcmp(issued_for, ev->consumer) == 0 &&
			     year == ev->permit_year && type == ev->permit_type;
		else if (ev->type == KP_EV_PERMIT_REVOKED)
			ok = strcmp(issuer, ev->producer) == 0 && strcmp(issued_for, ev->consumer) == 0;
		else if (ev->type == KP_EV_PERMIT_USED)
			ok = strcmp(issuer, ev->consumer) == 0 && strcmp(issued_for, ev->producer) == 0;
		if (!ok)
			return refuse(err, 422, "INVALID_PERMITID",
			              "permit_id must be ISSUER-ISSUEDFOR-YEAR-TYPE-SERIAL agreeing with the event");
	}
	if (ev->type == KP_EV_KEY_CREATED) {
		ev->jwk = json_loads(ev->jwk_text, 0, NULL);
		const char *kid = str(ev->jwk, "kid");
		if (!json_is_object(ev->jwk) || !str(ev->jwk, "x") || !str(ev->jwk, "y") ||
		    (kid && strcmp(kid, ev->key_id) != 0)) {
			detail(err, "jwk", "must be a JSON text of an EC P-256 public key with the event's kid");
			return refuse(err, 400, NULL, "Following validation errors occured");
		}
	}
	return 0;
}

int kp_event_read(json_t *obj, kp_event_type_t t, int64_t today_utc, kp_event_t *ev, kp_event_error_t *err)
{
	memset(ev, 0, sizeof(*ev));
	memset(err, 0, sizeof(*err));
	size_t n;
	const kp_wire_field_t *fields = kp_event_fields(t, &n);
	if (fields == NULL)
		return refuse(err, 404, NULL, "no such event type");
	if (!json_is_object(obj)) {
		detail(err, "body", "must be a JSON object");
		return refuse(err, 400, NULL, "Following validation errors occured");
	}
	ev->type = t;
	if (json_object_get(obj, "event_type") == NULL)
		json_object_set_new(obj, "event_type", json_string(kp_event_type_name(t)));
	bool ok = true;
	for (size_t i = 0; i < n; i++)
		ok = check_field(&fields[i], json_object_get(obj, fields[i].name), err) && ok;
	fill(ev, obj);
	if (ok)
		assert_rules(ev, today_utc, err);
	kapka_rules(ev, t, err);
	if (err->details)
		return refuse(err, 400, NULL, "Following validation errors occured");
	return consistency(ev, err);
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
