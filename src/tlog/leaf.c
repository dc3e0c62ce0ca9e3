/* leaf.c: the leaf bytes and the salted commitment to personal data. */
#include "tlog/leaf.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define COMMIT_LABEL "kapka/tlog/commitment/v1\n"

int kp_tlog_commitment(json_t *personal, const uint8_t salt[KP_TLOG_SALT_SIZE], char out[48])
{
	if (!json_is_object(personal))
		return -1;
	char *text = json_dumps(personal, JSON_COMPACT | JSON_SORT_KEYS);
	if (text == NULL)
		return -1;
	crypto_hash_sha256_state st;
	uint8_t digest[32];
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)COMMIT_LABEL, strlen(COMMIT_LABEL));
	crypto_hash_sha256_update(&st, salt, KP_TLOG_SALT_SIZE);
	crypto_hash_sha256_update(&st, (const uint8_t *)text, strlen(text));
	crypto_hash_sha256_final(&st, digest);
	free(text);
	sodium_bin2base64(out, 48, digest, sizeof(digest), sodium_base64_VARIANT_ORIGINAL);
	return 0;
}

int kp_tlog_leaf_encode(const kp_tlog_leaf_t *leaf, int64_t at, const uint8_t salt[KP_TLOG_SALT_SIZE], char **out,
                        size_t *len)
{
	return kp_tlog_leaf_encode_late(leaf, at, 0, salt, out, len);
}

int kp_tlog_leaf_encode_late(const kp_tlog_leaf_t *leaf, int64_t at, int64_t backfilled_at,
                             const uint8_t salt[KP_TLOG_SALT_SIZE], char **out, size_t *len)
{
	*out = NULL;
	if (leaf->kind == NULL || leaf->kind[0] == '\0' || (leaf->facts && !json_is_object(leaf->facts)) ||
	    (leaf->personal && !json_is_object(leaf->personal)))
		return -1;
	json_t *o = json_pack("{s:i, s:s, s:I}", "v", 1, "kind", leaf->kind, "at", (json_int_t)at);
	if (leaf->object)
		json_object_set_new(o, "object", json_string(leaf->object));
	if (leaf->partner)
		json_object_set_new(o, "partner", json_string(leaf->partner));
	if (leaf->facts)
		json_object_set(o, "facts", leaf->facts);
	if (backfilled_at)
		json_object_set_new(o, "backfilled_at", json_integer((json_int_t)backfilled_at));
	char commitment[48];
	if (leaf->personal) {
		if (kp_tlog_commitment(leaf->personal, salt, commitment) != 0) {
			json_decref(o);
			return -1;
		}
		json_object_set_new(o, "commitment", json_string(commitment));
	}
	*out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (*out == NULL)
		return -1;
	*len = strlen(*out);
	if (*len > KP_TLOG_ENTRY_MAX) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}
