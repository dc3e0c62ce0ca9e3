/* devices.c: equipment keys (plate cameras, scales, scanners, gates, kiosks): created for
 * one checkpoint by an administrator or officer, shown once, stored hashed, revocable.
 * A device signs in with "Authorization: Bearer kpd_..." and may only register crossings
 * at its own checkpoint. */
#include "api/api.h"
#include "api/checkpoint_views.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "store/registry.h"

#include <string.h>

#define DEVICE_KEY_PREFIX "kpd_"

bool kp_api_device_authenticate(kp_req_t *req, const char *token)
{
	if (strncmp(token, DEVICE_KEY_PREFIX, strlen(DEVICE_KEY_PREFIX)) != 0)
		return false;
	char hash[65];
	kp_sha256_hex(token, strlen(token), hash);
	kp_device_t d;
	int rc = kp_store_device_by_key(kp_api_db(req), &req->arena, hash, &d);
	if (rc == KP_DB_NOTFOUND)
		return false; /* perhaps a session token that happens to start so */
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "device");
		return true;
	}
	req->auth.role = KP_ROLE_DEVICE;
	req->auth.device_id = d.id;
	req->auth.device_checkpoint = d.checkpoint;
	req->auth.username = kp_arena_printf(&req->arena, "device:%s:%s", d.checkpoint, d.name);
	req->auth.language = "en";
	return true;
}

static json_t *device_json(const kp_device_t *d)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:b}", "id", (json_int_t)d->id, "checkpoint", d->checkpoint,
	                 "name", d->name, "kind", d->kind, "key_prefix", d->key_prefix, "created_at",
	                 kp_api_time_or_null(d->created_at), "revoked_at", kp_api_time_or_null(d->revoked_at), "active",
	                 d->revoked_at == 0);
}

static bool known_checkpoint(kp_req_t *req, const char *code)
{
	kp_registry_t *r = kp_api_app(req)->registry;
	bool found = r && kp_cp_set_find(kp_registry_acquire(r), code) != NULL;
	if (r)
		kp_registry_release(r);
	if (!found)
		kp_reply_error(req, 404, "not_found", "no such checkpoint; GET /api/v1/checkpoints lists them");
	return found;
}

static const char *check_device_kind(const char *kind)
{
	static const char *const kinds[] = {"plate_camera", "scale", "scanner", "gate", "kiosk"};
	for (size_t i = 0; i < KP_ARRAY_LEN(kinds); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return NULL;
	return "must be plate_camera, scale, scanner, gate or kiosk";
}

void kp_api_device_list(kp_req_t *req)
{
	const char *code = kp_req_param(req, "code");
	if (!known_checkpoint(req, code))
		return;
	kp_device_t *d;
	int n;
	int rc = kp_store_device_list(kp_api_db(req), &req->arena, code, &d, &n);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "devices");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, device_json(&d[i]));
	kp_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void kp_api_device_create(kp_req_t *req)
{
	kp_device_t d = {0};
	d.name = kp_body_str(req, "name", 80, true);
	d.kind = kp_body_str_checked(req, "kind", 20, true, check_device_kind);
	if (kp_body_check(req) != 0)
		return;
	d.checkpoint = kp_req_param(req, "code");
	if (!known_checkpoint(req, d.checkpoint))
		return;
	char secret[64], key[72], hash[65];
	if (kp_random_token(32, secret, sizeof(secret)) != 0) {
		kp_reply_error(req, 500, "internal", "no randomness for a key; logged as %s", req->request_id);
		return;
	}
	snprintf(key, sizeof(key), DEVICE_KEY_PREFIX "%s", secret);
	kp_sha256_hex(key, strlen(key), hash);
	d.key_prefix = kp_arena_printf(&req->arena, "%.12s", key);
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_device_create(kp_api_db(req), &who, &d, hash);
	if (rc != KP_DB_OK) {
		kp_wipe(key, sizeof(key));
		kp_reply_db_error(req, rc, "device");
		return;
	}
	json_t *j = device_json(&d);
	json_object_set_new(j, "key", json_string(key)); /* shown this once only */
	kp_wipe(key, sizeof(key));
	kp_wipe(secret, sizeof(secret));
	kp_reply_json(req, 201, j);
}

void kp_api_device_revoke(kp_req_t *req)
{
	int64_t id;
	if (kp_req_param_id(req, "id", &id) != 0)
		return;
	kp_actor_t who = kp_api_actor(req);
	int rc = kp_store_device_revoke(kp_api_db(req), &who, id);
	kp_device_t d;
	if (rc == KP_DB_OK || rc == KP_DB_CONFLICT) {
		int got = kp_store_device_get(kp_api_db(req), &req->arena, id, &d);
		if (got != KP_DB_OK)
			rc = got;
	}
	if (rc == KP_DB_CONFLICT) {
		kp_reply_error(req, 409, "conflict", "device %lld is already revoked", (long long)id);
		return;
	}
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "device");
		return;
	}
	kp_reply_json(req, 200, device_json(&d));
}
