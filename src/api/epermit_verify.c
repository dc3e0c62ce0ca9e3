/* epermit_verify.c: GET {base}/verify/{qr}, what the universal e-permit verifier asks a
 * permit's issuer: the permit as the reference's PermitDto (snake_case, as its Jackson
 * settings write it) or 404 when the QR text is not one we hold or the permit is revoked
 * (P/controllers/VerifyController, R/services/PermitService.getByQrCode). Readable from any
 * web origin (KP_ROUTE_CORS in the route table). */
#include "api/api.h"
#include "core/util.h"
#include "crypto/jws.h"
#include "domain/permit.h"
#include "store/permits.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define QR_MAX 4096

/* An instant as Java's LocalDateTime.toString() writes it in UTC: seconds are left out when
 * they are zero ("2026-12-06T09:30"), as PermitService.mapPermit gives activity times. */
static const char *java_local_datetime(kp_arena_t *a, int64_t at)
{
	time_t t = (time_t)at;
	struct tm tm;
	gmtime_r(&t, &tm);
	char buf[32];
	strftime(buf, sizeof(buf), tm.tm_sec ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%dT%H:%M", &tm);
	return kp_arena_strdup(a, buf);
}

static json_t *nullable(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* PermitDto, its fields in the class's order. Dates are the QR's own (dd/MM/yyyy). */
static json_t *permit_dto(kp_req_t *req, const kp_permit_t *p, json_t *claims, const kp_activity_row_t *acts, int n)
{
	json_t *j = json_object();
	json_object_set_new(j, "issuer", json_string(p->issuer));
	json_object_set_new(j, "issued_for", json_string(p->verifier));
	json_object_set_new(j, "permit_id", json_string(p->id));
	json_object_set_new(j, "qr_code", json_string(p->credential));
	json_object_set_new(j, "permit_type", json_integer(p->type));
	json_object_set_new(j, "permit_year", json_integer(p->year));
	json_object_set_new(j, "issued_at", json_incref(json_object_get(claims, "iat")));
	json_object_set_new(j, "expires_at", json_incref(json_object_get(claims, "exp")));
	json_object_set_new(j, "plate_number", json_string(p->plate));
	json_object_set_new(j, "plate_number2", nullable(p->trailer_plate));
	json_object_set_new(j, "company_name", json_string(p->company_name));
	json_object_set_new(j, "company_id", json_string(p->company_id));
	json_object_set_new(j, "departure_country", nullable(p->departure_country));
	json_object_set_new(j, "arrival_country", nullable(p->arrival_country));
	json_object_set_new(j, "claims", nullable(p->other_claims));
	json_object_set_new(j, "used", json_boolean(n > 0 || kp_permit_status_parse(p->status) == KP_PERMIT_USED));
	json_object_set_new(j, "revoked", json_false());
	json_object_set_new(j, "revoked_at", json_null());
	json_t *list = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:o}", "activity_type", acts[i].type, "activity_timestamp",
		                                      java_local_datetime(&req->arena, acts[i].at), "activity_details",
		                                      nullable(acts[i].details ? acts[i].details : acts[i].checkpoint)));
	json_object_set_new(j, "activities", list);
	return j;
}

static void not_found(kp_req_t *req)
{
	kp_reply_error(req, 404, "not_found", "no valid permit with this QR code is known here");
}

void kp_api_epermit_verify(kp_req_t *req)
{
	const char *qr = kp_req_param(req, "qr");
	if (qr == NULL || strlen(qr) > QR_MAX) {
		kp_reply_error(req, 400, "bad_path", "the QR text is missing or longer than %d characters", QR_MAX);
		return;
	}
	/* The QR names its permit; the answer is only for the exact text we issued or received. */
	json_t *claims = kp_jws_peek(qr);
	const char *id = json_string_value(json_object_get(claims, "id"));
	kp_permit_t p;
	int rc = id && strlen(id) <= 100 ? kp_store_permit_get(kp_api_db(req), &req->arena, id, &p) : KP_DB_NOTFOUND;
	if (rc == KP_DB_OK && (p.credential == NULL || strcmp(p.credential, qr) != 0 || kp_permit_withdrawn(p.status)))
		rc = KP_DB_NOTFOUND; /* a returned permit went to the partner as revoked */
	kp_activity_row_t *acts = NULL;
	int n = 0;
	if (rc == KP_DB_OK)
		rc = kp_store_permit_activities(kp_api_db(req), &req->arena, p.id, &acts, &n);
	if (rc == KP_DB_NOTFOUND)
		not_found(req);
	else if (rc != KP_DB_OK)
		kp_reply_db_error(req, rc, "permit");
	else
		kp_reply_json(req, 200, permit_dto(req, &p, claims, acts, n));
	json_decref(claims);
}
