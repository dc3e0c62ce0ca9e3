/* devices.c: equipment keys of a checkpoint (plate cameras, scales, scanners, gates,
 * kiosks): only the key's SHA-256 is stored; a key can be revoked. */
#include "store/checkpoints.h"
#include "core/util.h"

#define DEVICE_COLUMNS "id, checkpoint, name, kind, key_prefix, created_by, created_at, revoked_at"

static void device_from_row(const kp_rows_t *r, int i, kp_device_t *d)
{
	d->id = kp_rows_int(r, i, 0);
	d->checkpoint = kp_rows_text(r, i, 1);
	d->name = kp_rows_text(r, i, 2);
	d->kind = kp_rows_text(r, i, 3);
	d->key_prefix = kp_rows_text(r, i, 4);
	d->created_by = kp_rows_int(r, i, 5);
	d->created_at = kp_rows_int(r, i, 6);
	d->revoked_at = kp_rows_int(r, i, 7);
}

int kp_store_device_create(kp_conn_t *c, const kp_actor_t *who, kp_device_t *d, const char *key_hash)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_rows_t r;
	d->created_at = kp_now();
	d->created_by = who ? who->user_id : 0;
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		goto done;
	rc = kp_db_exec(c, &a, &r,
	                "INSERT INTO checkpoint_devices (checkpoint, name, kind, key_hash, key_prefix, created_by, "
	                "created_at)"
	                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                KP_PARAMS(KV_TEXT(d->checkpoint), KV_TEXT(d->name), KV_TEXT(d->kind), KV_TEXT(key_hash),
	                          KV_TEXT(d->key_prefix), d->created_by ? KV_INT(d->created_by) : KV_NULL,
	                          KV_INT(d->created_at)));
	if (rc == KP_DB_OK) {
		d->id = kp_rows_int(&r, 0, 0);
		rc = kp_store_audit_id(c, who, "device.create", "device", d->id, NULL,
		                       json_pack("{s:s, s:s, s:s, s:s}", "checkpoint", d->checkpoint, "name", d->name, "kind",
		                                 d->kind, "key_prefix", d->key_prefix));
	}
	rc = kp_store_end(c, rc);
done:
	kp_arena_cleanup(&a);
	return rc;
}

int kp_store_device_list(kp_conn_t *c, kp_arena_t *a, const char *checkpoint, kp_device_t **out, int *n)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, "SELECT " DEVICE_COLUMNS " FROM checkpoint_devices WHERE checkpoint = ? ORDER BY id",
	                    KP_PARAMS(KV_TEXT(checkpoint)));
	if (rc != KP_DB_OK)
		return rc;
	*n = r.nrows;
	*out = kp_arena_zalloc(a, sizeof(kp_device_t) * (size_t)(r.nrows + 1));
	for (int i = 0; i < r.nrows; i++)
		device_from_row(&r, i, &(*out)[i]);
	return KP_DB_OK;
}

int kp_store_device_get(kp_conn_t *c, kp_arena_t *a, int64_t id, kp_device_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r, "SELECT " DEVICE_COLUMNS " FROM checkpoint_devices WHERE id = ?",
	                   KP_PARAMS(KV_INT(id)));
	if (rc == KP_DB_OK)
		device_from_row(&r, 0, out);
	return rc;
}

int kp_store_device_revoke(kp_conn_t *c, const kp_actor_t *who, int64_t id)
{
	int rc = kp_store_begin(c);
	if (rc != KP_DB_OK)
		return rc;
	int64_t changed = 0;
	rc = kp_db_run(c, "UPDATE checkpoint_devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
	               KP_PARAMS(KV_INT(kp_now()), KV_INT(id)), &changed);
	if (rc == KP_DB_OK && changed == 0)
		rc = KP_DB_CONFLICT;
	if (rc == KP_DB_OK)
		rc = kp_store_audit_id(c, who, "device.revoke", "device", id, NULL, NULL);
	return kp_store_end(c, rc);
}

int kp_store_device_by_key(kp_conn_t *c, kp_arena_t *a, const char *key_hash, kp_device_t *out)
{
	kp_rows_t r;
	int rc = kp_db_one(c, a, &r,
	                   "SELECT " DEVICE_COLUMNS " FROM checkpoint_devices WHERE key_hash = ? AND revoked_at IS NULL",
	                   KP_PARAMS(KV_TEXT(key_hash)));
	if (rc == KP_DB_OK)
		device_from_row(&r, 0, out);
	return rc;
}
