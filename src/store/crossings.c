/* crossings.c: registering a crossing (plate look-up, permit match and its border
 * activity, flags, the vehicle's booking) in the caller's transaction, reading crossings,
 * a person's crossings, and the throughput report. */
#include "store/checkpoints.h"
#include "domain/booking.h"
#include "store/permits.h"
#include "core/util.h"
#include "domain/crossing.h"
#include "domain/dates.h"
#include "domain/tip.h"
#include "store/travellers.h"

#include <stdlib.h>
#include <string.h>

static bool exists(kp_conn_t *c, kp_arena_t *a, const char *sql, const kp_val_t *params, int n, int *rc)
{
	kp_rows_t r;
	*rc = kp_db_exec(c, a, &r, sql, params, n);
	return *rc == KP_DB_OK && r.nrows > 0;
}

/* A partner's permit verified by us: record ENTRANCE/EXIT on the first candidate the
 * activity rules accept. Without one, x->permit_problem says why. */
static int match_partner_permit(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_crossing_request_t *rq,
                                kp_crossing_t *x)
{
	kp_rows_t r;
	bool entering = strcmp(x->direction, "entry") == 0;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id FROM permits WHERE plate = ? AND verifier = ? AND issuer <> ?"
	                    " AND status IN " KP_PERMIT_LIVE_SQL " AND used_up = 0 AND expires_at >= ?"
	                    " ORDER BY CASE WHEN status = '" KP_PERMIT_S_USED "' THEN 0 ELSE 1 END, expires_at, id LIMIT 5",
	                    KP_PARAMS(KV_TEXT(x->plate), KV_TEXT(rq->self), KV_TEXT(rq->self), KV_INT(x->at)));
	x->permit_problem = "NO_PERMIT";
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		kp_activity_row_t act = {.permit_id = kp_rows_text(&r, i, 0),
		                         .type = entering ? "ENTRANCE" : "EXIT",
		                         .country = rq->self,
		                         .at = x->at,
		                         .checkpoint = x->checkpoint,
		                         .details = kp_arena_printf(a, "crossing at %s", x->checkpoint)};
		const char *why = NULL;
		rc = kp_store_permit_activity_add_tx(c, a, who, &act, &why);
		if (rc == KP_DB_OK) {
			x->permit_id = act.permit_id;
			x->permit_match = "recorded";
			x->permit_problem = NULL;
			return KP_DB_OK;
		}
		if (rc == KP_DB_CONFLICT) {
			if (i == 0)
				x->permit_problem = why; /* the best candidate's refusal is the one to show */
			rc = KP_DB_OK;
		}
	}
	return rc;
}

/* Our own carrier's permit for the neighbour, linked on exit for the statistics. */
static int match_own_permit(kp_conn_t *c, kp_arena_t *a, const kp_crossing_request_t *rq, kp_crossing_t *x)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id FROM permits WHERE plate = ? AND issuer = ? AND verifier = ?"
	                    " AND status IN " KP_PERMIT_LIVE_SQL " AND used_up = 0 AND expires_at >= ?"
	                    " ORDER BY issued_at LIMIT 1",
	                    KP_PARAMS(KV_TEXT(x->plate), KV_TEXT(rq->self), KV_TEXT(rq->neighbour), KV_INT(x->at)));
	if (rc == KP_DB_OK && r.nrows == 1) {
		x->permit_id = kp_rows_text(&r, 0, 0);
		x->permit_match = "own_permit";
	} else {
		x->permit_problem = "NO_PERMIT";
	}
	return rc;
}

/* Road freight between member states of the Eurasian Economic Union by a carrier of a
 * member state needs no permit (EAEU Treaty of 29 May 2014, Annex 24, Protocol on
 * coordinated transport policy, section on road transport): true when we, the neighbour
 * across this checkpoint and the vehicle's country are all members. */
static int eaeu_internal(kp_conn_t *c, kp_arena_t *a, const kp_crossing_request_t *rq, const kp_crossing_t *x,
                         bool *internal)
{
	const char **members;
	int rc = kp_store_union_members(c, a, &members);
	*internal = rc == KP_DB_OK && x->vehicle_country && kp_union_member(members, rq->self) &&
	            kp_union_member(members, rq->neighbour) && kp_union_member(members, x->vehicle_country);
	return rc;
}

/* Decide whether a freight permit is needed and match one. Sets *needs. A permit is
 * needed where a permit regime exists: some quota between the two countries. */
static int match_permit(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_crossing_request_t *rq,
                        kp_crossing_t *x, bool *needs)
{
	int rc = KP_DB_OK;
	x->permit_match = "not_required";
	*needs = false;
	if (!kp_kind_is_freight(x->vehicle_kind) || x->plate == NULL)
		return KP_DB_OK;
	if (x->vehicle_country == NULL) {
		kp_vehicle_t v;
		rc = kp_store_vehicle_by_plate(c, a, x->plate, &v);
		if (rc == KP_DB_OK)
			x->vehicle_country = rq->self;
		else if (rc != KP_DB_NOTFOUND)
			return rc;
		rc = KP_DB_OK; /* not ours: a foreign vehicle of unknown country */
	}
	bool own = x->vehicle_country && strcmp(x->vehicle_country, rq->self) == 0;
	const char *other = own ? rq->neighbour : x->vehicle_country;
	if (own && strcmp(x->direction, "entry") == 0)
		return KP_DB_OK; /* coming home needs no permit of ours */
	bool internal = false;
	rc = eaeu_internal(c, a, rq, x, &internal);
	if (rc != KP_DB_OK || internal)
		return rc;
	x->permit_match = "none";
	rc = own ? match_own_permit(c, a, rq, x) : match_partner_permit(c, a, who, rq, x);
	if (rc != KP_DB_OK || x->permit_id) {
		*needs = true;
		return rc;
	}
	/* No permit matched: was one needed? Only where the countries exchange permits. */
	*needs = other == NULL ||
	         exists(c, a,
	                "SELECT 1 FROM quotas WHERE (issuer = ? AND verifier = ?) OR (issuer = ? AND verifier = ?) LIMIT 1",
	                KP_PARAMS(KV_TEXT(rq->self), KV_TEXT(other), KV_TEXT(other), KV_TEXT(rq->self)), &rc);
	if (rc == KP_DB_OK && !*needs) {
		x->permit_match = "not_required";
		x->permit_problem = NULL;
	}
	return rc;
}

/* The vehicle's open booking at this checkpoint, closed as crossed. */
static int close_booking(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_crossing_t *x)
{
	if (x->plate == NULL)
		return KP_DB_OK;
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT id, checkpoint, checked_in_at FROM queue_bookings WHERE plate = ?"
	                    " AND status IN " KP_BOOKING_OPEN_SQL,
	                    KP_PARAMS(KV_TEXT(x->plate)));
	if (rc != KP_DB_OK || r.nrows == 0 || strcmp(kp_rows_text(&r, 0, 1), x->checkpoint) != 0)
		return rc;
	x->booking_id = kp_rows_int(&r, 0, 0);
	x->checked_in_at = kp_rows_int(&r, 0, 2);
	const char *to = kp_booking_status_name(KP_BOOKING_CROSSED); /* from any open state */
	rc = kp_db_run(c, "UPDATE queue_bookings SET status = ?, closed_at = ? WHERE id = ?",
	               KP_PARAMS(KV_TEXT(to), KV_INT(x->at), KV_INT(x->booking_id)), NULL);
	if (rc == KP_DB_OK) /* the booking's history (GET /api/v1/bookings/{id}/history) */
		rc = kp_store_audit_id(c, who, "booking.cross", "booking", x->booking_id, NULL,
		                       json_pack("{s:s}", "status", to));
	return rc;
}

static int insert_crossing(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, kp_crossing_t *x)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "INSERT INTO crossings (checkpoint, direction, flow, vehicle_kind, plate, plate_source, "
	                    "vehicle_country,"
	                    " weight_kg, scan_result, xray_result, radiation_result, people, permit_id, permit_match, "
	                    "permit_problem,"
	                    " flags, inspection, booking_id, checked_in_at, at, recorded_by, device_id, note)"
	                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                    KP_PARAMS(KV_TEXT(x->checkpoint), KV_TEXT(x->direction), KV_TEXT(x->flow),
	                              KV_TEXT(x->vehicle_kind), KV_TEXT(x->plate), KV_TEXT(x->plate_source),
	                              KV_TEXT(x->vehicle_country), x->weight_kg ? KV_INT(x->weight_kg) : KV_NULL,
	                              KV_TEXT(x->scan_result), KV_TEXT(x->xray_result), KV_TEXT(x->radiation_result),
	                              KV_INT(x->people), KV_TEXT(x->permit_id), KV_TEXT(x->permit_match),
	                              KV_TEXT(x->permit_problem), KV_TEXT(x->flags), KV_INT(x->inspection),
	                              x->booking_id ? KV_INT(x->booking_id) : KV_NULL,
	                              x->checked_in_at ? KV_INT(x->checked_in_at) : KV_NULL, KV_INT(x->at),
	                              who && who->user_id ? KV_INT(who->user_id) : KV_NULL,
	                              x->device_id ? KV_INT(x->device_id) : KV_NULL, KV_TEXT(x->note)));
	if (rc != KP_DB_OK)
		return rc;
	x->id = kp_rows_int(&r, 0, 0);
	for (int i = 0; rc == KP_DB_OK && i < x->npersons; i++) {
		const kp_person_t *p = &x->persons[i];
		rc = kp_db_run(c,
		               "INSERT INTO crossing_persons (crossing_id, name, nationality, passport, is_driver)"
		               " VALUES (?, ?, ?, ?, ?)",
		               KP_PARAMS(KV_INT(x->id), KV_TEXT(p->name), KV_TEXT(p->nationality), KV_TEXT(p->passport),
		                         KV_INT(p->driver)),
		               NULL);
	}
	if (rc == KP_DB_OK && x->booking_id)
		rc = kp_db_run(c, "UPDATE queue_bookings SET crossing_id = ? WHERE id = ?",
		               KP_PARAMS(KV_INT(x->id), KV_INT(x->booking_id)), NULL);
	return rc;
}

int kp_store_crossing_register_tx(kp_conn_t *c, kp_arena_t *a, const kp_actor_t *who, const kp_crossing_request_t *rq,
                                  kp_crossing_t *x)
{
	bool needs = false;
	int rc = match_permit(c, a, who, rq, x, &needs);
	if (rc != KP_DB_OK)
		return rc;
	kp_crossing_facts_t facts = {needs,          x->permit_id != NULL, x->weight_kg,       rq->max_weight_kg,
	                             x->scan_result, x->xray_result,       x->radiation_result};
	unsigned flags = kp_crossing_flags(&facts);
	char text[128];
	kp_crossing_flags_text(flags, text, sizeof(text));
	x->flags = kp_arena_strdup(a, text);
	x->inspection = flags != 0;
	x->people = x->npersons;
	if ((rc = close_booking(c, a, who, x)) != KP_DB_OK || (rc = insert_crossing(c, a, who, x)) != KP_DB_OK)
		return rc;
	return kp_store_audit_id(c, who, "crossing.register", "crossing", x->id, NULL,
	                         json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s, s:s, s:i, s:I}", "checkpoint", x->checkpoint,
	                                   "direction", x->direction, "flow", x->flow, "plate", x->plate, "permit_id",
	                                   x->permit_id, "permit_match", x->permit_match, "flags", x->flags, "people",
	                                   x->people, "device_id", (json_int_t)x->device_id));
}

#define CROSSING_COLUMNS \
	"id, checkpoint, direction, flow, vehicle_kind, plate, plate_source, vehicle_country," \
	" weight_kg, scan_result, xray_result, radiation_result, people, permit_id, permit_match," \
	" permit_problem, flags, inspection, booking_id, checked_in_at, at, recorded_by, device_id, note"

static void crossing_from_row(const kp_rows_t *r, int i, kp_crossing_t *x)
{
	memset(x, 0, sizeof(*x));
	x->id = kp_rows_int(r, i, 0);
	const char **t[] = {&x->checkpoint, &x->direction,    &x->flow,           &x->vehicle_kind,
	                    &x->plate,      &x->plate_source, &x->vehicle_country};
	for (size_t k = 0; k < KP_ARRAY_LEN(t); k++)
		*t[k] = kp_rows_text(r, i, (int)k + 1);
	x->weight_kg = kp_rows_int(r, i, 8);
	x->scan_result = kp_rows_text(r, i, 9);
	x->xray_result = kp_rows_text(r, i, 10);
	x->radiation_result = kp_rows_text(r, i, 11);
	x->people = (int)kp_rows_int(r, i, 12);
	x->permit_id = kp_rows_text(r, i, 13);
	x->permit_match = kp_rows_text(r, i, 14);
	x->permit_problem = kp_rows_text(r, i, 15);
	x->flags = kp_rows_text(r, i, 16);
	x->inspection = kp_rows_int(r, i, 17) != 0;
	x->booking_id = kp_rows_int(r, i, 18);
	x->checked_in_at = kp_rows_int(r, i, 19);
	x->at = kp_rows_int(r, i, 20);
	x->recorded_by = kp_rows_int(r, i, 21);
	x->device_id = kp_rows_int(r, i, 22);
	x->note = kp_rows_text(r, i, 23);
}

int kp_store_crossing_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_crossing_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " CROSSING_COLUMNS " FROM crossings WHERE id = ?", KP_PARAMS(KV_INT(id)));
	if (rc != KP_DB_OK)
		return rc;
	crossing_from_row(&r, 0, out);
	rc = kp_db_exec(c, a, &r,
	                "SELECT name, nationality, passport, is_driver FROM crossing_persons WHERE crossing_id = ? ORDER "
	                "BY id",
	                KP_PARAMS(KV_INT(id)));
	if (rc != KP_DB_OK)
		return rc;
	out->npersons = r.nrows;
	out->persons = kp_arena_zalloc(a, sizeof(kp_person_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		out->persons[i] = (kp_person_t){kp_rows_text(&r, i, 0), kp_rows_text(&r, i, 1), kp_rows_text(&r, i, 2),
		                                kp_rows_int(&r, i, 3) != 0};
	return KP_DB_OK;
}

/* Kept by hand: clang-format would split the literals around KP_LIKE mid-word. */
/* clang-format off */
#define CROSSING_WHERE                                                                                             \
	" FROM crossings WHERE (CAST(? AS TEXT) IS NULL OR checkpoint = ?)"                                              \
	" AND (CAST(? AS TEXT) IS NULL OR plate = ?) AND (CAST(? AS BIGINT) = 0 OR at >= ?)"                            \
	" AND (CAST(? AS BIGINT) = 0 OR at < ?) AND (CAST(? AS BIGINT) = 0 OR flags <> '')"                            \
	" AND (CAST(? AS TEXT) IS NULL OR" KP_LIKE("COALESCE(plate, '')") " OR" KP_LIKE("COALESCE(permit_id, '')")    \
	" OR" KP_LIKE("flags") ")"
/* clang-format on */

int kp_store_crossing_list(kp_conn_t *c, kp_arena_t *a, const kp_crossing_filter_t *f, const kp_page_t *page,
                           kp_crossing_t **out, int *n, int64_t *total)
{
	const char *like = kp_page_pattern(a, page);
	kp_rows_t r;
	int rc = kp_page_query(c, a, "SELECT COUNT(*)" CROSSING_WHERE,
	                       "SELECT " CROSSING_COLUMNS CROSSING_WHERE " ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
	                       KP_PARAMS(KV_TEXT(f->checkpoint), KV_TEXT(f->checkpoint), KV_TEXT(f->plate),
	                                 KV_TEXT(f->plate), KV_INT(f->from), KV_INT(f->from), KV_INT(f->to), KV_INT(f->to),
	                                 KV_INT(f->flagged_only), KV_TEXT(like), KV_TEXT(like), KV_TEXT(like),
	                                 KV_TEXT(like)),
	                       page, &r, total);
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_crossing_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		crossing_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_person_crossings(kp_conn_t *c, kp_arena_t *a, const char *passport, const char *nationality,
                              kp_person_crossing_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT x.id, x.at, x.checkpoint, cp.country, cp.neighbour, x.direction, p.name"
	                    " FROM crossing_persons p JOIN crossings x ON x.id = p.crossing_id"
	                    " JOIN checkpoints cp ON cp.code = x.checkpoint"
	                    " WHERE p.passport = ? AND (CAST(? AS TEXT) IS NULL OR p.nationality = ?) ORDER BY x.at, x.id",
	                    KP_PARAMS(KV_TEXT(passport), KV_TEXT(nationality), KV_TEXT(nationality)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_person_crossing_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		(*out)[i] = (kp_person_crossing_t){kp_rows_int(&r, i, 0),  kp_rows_int(&r, i, 1),  kp_rows_text(&r, i, 2),
		                                   kp_rows_text(&r, i, 3), kp_rows_text(&r, i, 4), kp_rows_text(&r, i, 5),
		                                   kp_rows_text(&r, i, 6)};
	return KP_DB_OK;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

int kp_store_throughput(kp_conn_t *c, kp_arena_t *a, const kp_checkpoint_t *cp, int64_t day, kp_throughput_t *out)
{
	memset(out, 0, sizeof(*out));
	out->checkpoint = cp->code;
	out->day = day;
	int offset = cp->schedule.sides[0].offset_minutes;
	int64_t from = kp_local_day_start(day, offset), to = from + 86400;
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT flow, COUNT(*), SUM(CASE WHEN flags <> '' THEN 1 ELSE 0 END) FROM crossings"
	                    " WHERE checkpoint = ? AND at >= ? AND at < ? GROUP BY flow",
	                    KP_PARAMS(KV_TEXT(cp->code), KV_INT(from), KV_INT(to)));
	for (int f = 0; f < KP_FLOW_COUNT; f++)
		out->flows[f].capacity = cp->capacity[f];
	for (int i = 0; rc == KP_DB_OK && i < r.nrows; i++) {
		int f = kp_flow_index(kp_rows_text(&r, i, 0));
		if (f < 0)
			continue;
		out->flows[f].vehicles = kp_rows_int(&r, i, 1);
		out->total += kp_rows_int(&r, i, 1);
		out->flagged += kp_rows_int(&r, i, 2);
	}
	if (rc == KP_DB_OK)
		rc = kp_db_exec(c, a, &r,
		                "SELECT flow, at - checked_in_at FROM crossings WHERE checkpoint = ? AND at >= ? AND at < ?"
		                " AND checked_in_at IS NOT NULL ORDER BY flow",
		                KP_PARAMS(KV_TEXT(cp->code), KV_INT(from), KV_INT(to)));
	if (rc != KP_DB_OK)
		return rc;
	int64_t *waits = kp_arena_zalloc(a, sizeof(int64_t) * (size_t)(r.nrows + 1));
	for (int f = 0; f < KP_FLOW_COUNT; f++) {
		int n = 0;
		for (int i = 0; i < r.nrows; i++)
			if (strcmp(kp_rows_text(&r, i, 0), kp_flows[f]) == 0)
				waits[n++] = kp_rows_int(&r, i, 1);
		qsort(waits, (size_t)n, sizeof(int64_t), cmp_i64);
		out->flows[f].waited = n;
		out->flows[f].median_s = kp_percentile(waits, n, 50);
		out->flows[f].p90_s = kp_percentile(waits, n, 90);
	}
	return KP_DB_OK;
}
