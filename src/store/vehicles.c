/* vehicles.c: carriers' vehicles. */
#include "store/permits.h"
#include "core/util.h"

#include <jansson.h>
#include <stdlib.h>

#define VEHICLE_COLUMNS "id, org_id, plate, vin, kind, euro_class, make, model, status, created_at"

static void vehicle_from_row(const kp_rows_t *r, int i, kp_vehicle_t *v)
{
	v->id = kp_rows_int(r, i, 0);
	v->org_id = kp_rows_int(r, i, 1);
	v->plate = kp_rows_text(r, i, 2);
	v->vin = kp_rows_text(r, i, 3);
	v->kind = kp_rows_text(r, i, 4);
	v->euro_class = (int)kp_rows_int(r, i, 5);
	v->make = kp_rows_text(r, i, 6);
	v->model = kp_rows_text(r, i, 7);
	v->status = kp_rows_text(r, i, 8);
	v->created_at = kp_rows_int(r, i, 9);
}

static json_t *vehicle_snapshot(const kp_vehicle_t *v)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:i, s:s?, s:s?, s:s}", "id", (json_int_t)v->id, "org_id",
	                 (json_int_t)v->org_id, "plate", v->plate, "vin", v->vin, "kind", v->kind, "euro_class",
	                 v->euro_class, "make", v->make, "model", v->model, "status", v->status);
}

int kp_store_vehicle_create(kp_conn_t *c, const kp_actor_t *who, kp_vehicle_t *v)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	v->status = KP_VEHICLE_S_ACTIVE;
	v->created_at = kp_now();
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	rc = kp_db_exec(c, &a, &r,
	                "INSERT INTO vehicles (org_id, plate, vin, kind, euro_class, make, model, status, created_at)"
	                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                KP_PARAMS(KV_INT(v->org_id), KV_TEXT(v->plate), KV_TEXT(v->vin), KV_TEXT(v->kind),
	                          KV_INT(v->euro_class), KV_TEXT(v->make), KV_TEXT(v->model), KV_TEXT(v->status),
	                          KV_INT(v->created_at)));
	if (rc == KP_DB_OK) {
		v->id = kp_rows_int(&r, 0, 0);
		rc = kp_store_audit_id(c, who, "vehicle.create", "vehicle", v->id, NULL, vehicle_snapshot(v));
	}
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}

static int vehicle_one(kp_conn_t *c, kp_arena_t *a, const char *sql, kp_val_t key, kp_vehicle_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, sql, &key, 1);
	if (rc == KP_DB_OK)
		vehicle_from_row(&r, 0, out);
	return rc;
}

int kp_store_vehicle_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_vehicle_t *out)
{
	return vehicle_one(c, a, "SELECT " VEHICLE_COLUMNS " FROM vehicles WHERE id = ?", KV_INT(id), out);
}

int kp_store_vehicle_by_plate(kp_conn_t *c, kp_arena_t *a, const char *plate, kp_vehicle_t *out)
{
	return vehicle_one(c, a, "SELECT " VEHICLE_COLUMNS " FROM vehicles WHERE plate = ?", KV_TEXT(plate), out);
}

int kp_store_vehicle_list(kp_conn_t *c, kp_arena_t *a, int64_t org_id, kp_vehicle_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r,
	                    "SELECT " VEHICLE_COLUMNS " FROM vehicles WHERE CAST(? AS BIGINT) = 0 OR org_id = ?"
	                    " ORDER BY plate",
	                    KP_PARAMS(KV_INT(org_id), KV_INT(org_id)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_vehicle_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		vehicle_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_vehicle_set_status(kp_conn_t *c, const kp_actor_t *who, int64_t id, const char *status)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_vehicle_t before, after;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	if ((rc = kp_store_vehicle_get(c, &a, id, &before)) == KP_DB_OK &&
	    (rc = kp_db_run(c, "UPDATE vehicles SET status = ? WHERE id = ?", KP_PARAMS(KV_TEXT(status), KV_INT(id)),
	                    NULL)) == KP_DB_OK) {
		after = before;
		after.status = status;
		rc = kp_store_audit_id(c, who, "vehicle.status", "vehicle", id, vehicle_snapshot(&before),
		                       vehicle_snapshot(&after));
	}
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}
