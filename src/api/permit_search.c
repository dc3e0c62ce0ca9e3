/* permit_search.c: GET /api/v1/permit-search: the paged permit search with the e-permit
 * reference's filters (R/models/dtos/PermitListPageParams): issuer, issued_for, type, year,
 * used, revoked, company id, plate, trailer plate, permit id and dates of issue. Carriers
 * search their own permits only. */
#include "api/api.h"
#include "core/util.h"
#include "domain/account.h"
#include "domain/dates.h"
#include "domain/permit.h"
#include "store/permits.h"

#include <string.h>

#define PAGE_SIZE_MAX 100
#define PAGE_MAX 100000

/* An optional true/false parameter: -1 when absent. */
static int tri_state(kp_req_t *req, const char *name, int *out)
{
	const char *v = kp_req_query(req, name);
	*out = -1;
	if (v == NULL || *v == '\0')
		return 0;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = 0;
	else {
		kp_reply_error(req, 400, "bad_query", "query parameter '%s' must be true or false", name);
		return -1;
	}
	return 0;
}

/* An authority code filter (countries and organisations), as kp_check_authority_code. */
static int code_param(kp_req_t *req, const char *name, const char **out)
{
	const char *v = kp_req_query(req, name);
	*out = NULL;
	if (v == NULL || *v == '\0')
		return 0;
	if (kp_check_authority_code(v)) {
		kp_reply_error(req, 400, "bad_query", "query parameter '%s' must be an authority code like UZ", name);
		return -1;
	}
	*out = v;
	return 0;
}

static int plate_param(kp_req_t *req, const char *name, const char **out)
{
	const char *v = kp_req_query(req, name);
	*out = NULL;
	if (v == NULL || *v == '\0')
		return 0;
	char norm[16];
	if (kp_plate_normalise(v, norm, sizeof(norm))) {
		kp_reply_error(req, 400, "bad_query", "query parameter '%s' must have 4 to 12 latin letters and digits", name);
		return -1;
	}
	*out = kp_arena_strdup(&req->arena, norm);
	return 0;
}

/* issued_from / issued_to: YYYY-MM-DD, the whole local day included. */
static int day_param(kp_req_t *req, const char *name, bool end, int64_t *out)
{
	const char *v = kp_req_query(req, name);
	int off = (int)kp_api_app(req)->cfg->utc_offset_minutes;
	int64_t day;
	*out = 0;
	if (v == NULL || *v == '\0')
		return 0;
	if (kp_date_parse_iso(v, &day) != 0) {
		kp_reply_error(req, 400, "bad_query", "query parameter '%s' must be a date like 2026-12-01", name);
		return -1;
	}
	*out = end ? kp_local_day_end(day, off) : kp_local_day_end(day - 1, off) + 1;
	return 0;
}

static int read_query(kp_req_t *req, kp_permit_query_t *q)
{
	long long year, type, page, size;
	memset(q, 0, sizeof(*q));
	if (code_param(req, "issuer", &q->issuer) || code_param(req, "issued_for", &q->verifier) ||
	    plate_param(req, "plate", &q->plate) || plate_param(req, "trailer_plate", &q->trailer_plate) ||
	    tri_state(req, "used", &q->used) || tri_state(req, "revoked", &q->revoked) ||
	    kp_req_query_int(req, "year", 2000, 2200, 0, &year) ||
	    kp_req_query_int(req, "type", 1, KP_PERMIT_TYPE_MAX, 0, &type) ||
	    kp_req_query_int(req, "page", 0, PAGE_MAX, 0, &page) ||
	    kp_req_query_int(req, "size", 1, PAGE_SIZE_MAX, 20, &size) ||
	    day_param(req, "issued_from", false, &q->issued_from) || day_param(req, "issued_to", true, &q->issued_to))
		return -1;
	q->year = (int)year;
	q->type = (int)type;
	q->page = (int)page;
	q->size = (int)size;
	q->company_id = kp_req_query(req, "company_id");
	q->permit_id = kp_req_query(req, "permit_id");
	if ((q->company_id && strlen(q->company_id) > 255) || (q->permit_id && strlen(q->permit_id) > 100)) {
		kp_reply_error(req, 400, "bad_query", "company_id or permit_id is too long");
		return -1;
	}
	if (q->issued_from && q->issued_to && q->issued_from > q->issued_to) {
		kp_reply_error(req, 400, "bad_query", "issued_from is after issued_to");
		return -1;
	}
	if (req->auth.role == KP_ROLE_CARRIER)
		q->org_id = req->auth.org_id;
	return 0;
}

void kp_api_permit_search(kp_req_t *req)
{
	kp_permit_query_t q;
	if (read_query(req, &q) != 0)
		return;
	kp_permit_t *p;
	int n;
	int64_t total;
	int rc = kp_store_permit_search(kp_api_db(req), &req->arena, &q, &p, &n, &total);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "permits");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, kp_api_permit_json(req, &p[i]));
	kp_reply_json(req, 200,
	              json_pack("{s:o, s:i, s:i, s:I, s:I}", "items", items, "page", q.page, "size", q.size, "total",
	                        (json_int_t)total, "pages", (json_int_t)((total + q.size - 1) / q.size)));
}
