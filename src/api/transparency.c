/* transparency.c: the transparency log's public resources: C2SP tlog-tiles under /log/
 * and the JSON proof API. Everything here is public: the log holds no personal data. */
#include "api/transparency.h"
#include "api/api.h"
#include "core/util.h"
#include "store/permits.h"
#include "store/tlog_acts.h"
#include "store/tlog_log.h"
#include "tlog/proof.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define IMMUTABLE "public, max-age=31536000, immutable"

static kp_tlog_t *the_log(kp_req_t *req)
{
	kp_tlog_t *l = kp_api_app(req)->tlog;
	if (l == NULL)
		kp_reply_error(req, 503, "log_unavailable", "the transparency log is not running on this instance");
	return l;
}

static json_t *b64_json(const uint8_t *h, size_t n)
{
	char out[128];
	sodium_bin2base64(out, sizeof(out), h, n, sodium_base64_VARIANT_ORIGINAL);
	return json_string(out);
}

static json_t *proof_json(const kp_hash_t *proof, int n)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, b64_json(proof[i], KP_HASH_SIZE));
	return arr;
}

void kp_api_log_checkpoint(kp_req_t *req)
{
	kp_tlog_t *l = the_log(req);
	if (l == NULL)
		return;
	int64_t size;
	char *note = kp_tlog_checkpoint(l, &size, NULL);
	if (note == NULL) {
		kp_reply_error(req, 404, "no_checkpoint", "the log has no signed checkpoint yet");
		return;
	}
	kp_reply_header(req, "Cache-Control", "public, max-age=5");
	kp_reply_take(req, 200, "text/plain; charset=utf-8", note, strlen(note));
}

/* Three decimal digits at s. */
static int three_digits(const char *s, int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9')
		return -1;
	*out = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	return 0;
}

/* "<N>[.p/<W>]" as C2SP encodes it (x001/x234/067): 0 with *width 256 for a full tile. */
static int parse_tile_index(const char *s, int64_t *n, int *width)
{
	int64_t v = 0;
	int groups = 0, d;
	while (s[0] == 'x') {
		if (three_digits(s + 1, &d) != 0 || s[4] != '/' || ++groups > 5)
			return -1;
		v = v * 1000 + d;
		s += 5;
	}
	if (three_digits(s, &d) != 0)
		return -1;
	v = v * 1000 + d;
	s += 3;
	*n = v;
	*width = KP_TILE_WIDTH;
	if (*s == '\0')
		return 0;
	long long w;
	if (strncmp(s, ".p/", 3) != 0 || s[3] == '0' || kp_parse_int(s + 3, 1, KP_TILE_WIDTH - 1, &w) != 0)
		return -1;
	*width = (int)w;
	return 0;
}

/* An entry bundle: each entry as a big-endian 16-bit length and its bytes. */
static void reply_entries(kp_req_t *req, int64_t n, int width)
{
	kp_tlog_row_t *rows;
	int got;
	int rc = kp_store_tlog_leaves(kp_api_db(req), &req->arena, n * KP_TILE_WIDTH, width, &rows, &got);
	if (rc != KP_DB_OK) {
		kp_reply_db_error(req, rc, "log entries");
		return;
	}
	if (got != width) {
		kp_reply_error(req, 404, "not_found", "no such entry bundle");
		return;
	}
	size_t len = 0;
	for (int i = 0; i < got; i++)
		len += 2 + strlen(rows[i].entry);
	uint8_t *out = kp_malloc(len ? len : 1), *p = out;
	for (int i = 0; i < got; i++) {
		size_t el = strlen(rows[i].entry);
		*p++ = (uint8_t)(el >> 8);
		*p++ = (uint8_t)el;
		memcpy(p, rows[i].entry, el);
		p += el;
	}
	kp_reply_header(req, "Cache-Control", IMMUTABLE);
	kp_reply_take(req, 200, "application/octet-stream", out, len);
}

void kp_api_log_tile(kp_req_t *req)
{
	kp_tlog_t *l = the_log(req);
	if (l == NULL)
		return;
	const char *s = req->path + strlen("/log/tile/");
	int level = -1, width;
	int64_t n;
	if (strncmp(s, "entries/", 8) == 0) {
		s += 8;
	} else {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s || *end != '/' || v < 0 || v > 63 || (s[0] == '0' && end - s > 1)) {
			kp_reply_error(req, 404, "not_found", "no such tile");
			return;
		}
		level = (int)v;
		s = end + 1;
	}
	if (parse_tile_index(s, &n, &width) != 0) {
		kp_reply_error(req, 404, "not_found", "no such tile: the path is not <L>/<N>[.p/<W>] as in C2SP tlog-tiles");
		return;
	}
	int64_t size;
	free(kp_tlog_checkpoint(l, &size, NULL));
	/* Only what a signed checkpoint covers is served. */
	int have = kp_tlog_tile_width(size, level < 0 ? 0 : level, n);
	if (have == 0 || width > have) {
		kp_reply_error(req, 404, "not_found", "no such tile in the log's latest checkpoint");
		return;
	}
	if (level < 0) {
		reply_entries(req, n, width);
		return;
	}
	uint8_t *out = kp_malloc((size_t)width * KP_HASH_SIZE);
	kp_tlog_tree_t *t = kp_tlog_tree(l);
	kp_tlog_tree_rdlock(t);
	int rc = kp_tlog_tree_tile(t, size, level, n, width, out);
	kp_tlog_tree_unlock(t);
	if (rc != 0) {
		free(out);
		kp_reply_error(req, 404, "not_found", "no such tile");
		return;
	}
	kp_reply_header(req, "Cache-Control", IMMUTABLE);
	kp_reply_take(req, 200, "application/octet-stream", out, (size_t)width * KP_HASH_SIZE);
}

void kp_api_transparency_info(kp_req_t *req)
{
	kp_tlog_t *l = the_log(req);
	if (l == NULL)
		return;
	int64_t size;
	kp_hash_t root;
	char *note = kp_tlog_checkpoint(l, &size, root);
	json_t *o = json_pack("{s:s, s:s, s:s, s:I}", "origin", kp_tlog_origin(l), "vkey", kp_tlog_vkey(l), "tiles",
	                      "/log/", "size", (json_int_t)size);
	json_object_set_new(o, "root", note ? b64_json(root, KP_HASH_SIZE) : json_null());
	json_object_set_new(o, "checkpoint", note ? json_string(note) : json_null());
	free(note);
	kp_reply_json(req, 200, o);
}

/* The tree size a proof is asked against: ?size= or the latest checkpoint's; answers and
 * returns -1 when it is absent but required, or not one the log has signed up to. */
static int proof_size(kp_req_t *req, kp_tlog_t *l, const char *name, bool required, int64_t *out)
{
	int64_t signed_size;
	free(kp_tlog_checkpoint(l, &signed_size, NULL));
	long long v;
	if (required && kp_req_query(req, name) == NULL) {
		kp_reply_error(req, 400, "bad_query", "%s is required", name);
		return -1;
	}
	if (kp_req_query_int(req, name, 1, INT64_MAX / 2, signed_size, &v) != 0)
		return -1;
	if (v < 1 || v > signed_size) {
		kp_reply_error(req, 422, "size_not_signed", "%s must be from 1 to %lld, the latest checkpoint's size", name,
		               (long long)signed_size);
		return -1;
	}
	*out = v;
	return 0;
}

void kp_api_transparency_inclusion(kp_req_t *req)
{
	kp_tlog_t *l = the_log(req);
	long long index;
	int64_t size;
	if (l == NULL || proof_size(req, l, "size", false, &size) != 0 ||
	    kp_req_query_int(req, "index", 0, INT64_MAX / 2, -1, &index) != 0)
		return;
	if (index < 0 || index >= size) {
		kp_reply_error(req, 422, "bad_index", "index must be from 0 to %lld (below size)", (long long)size - 1);
		return;
	}
	kp_hash_t proof[KP_MERKLE_MAX_PROOF], root, leaf;
	int n;
	kp_tlog_tree_t *t = kp_tlog_tree(l);
	kp_tlog_tree_rdlock(t);
	int rc = kp_merkle_inclusion_proof(kp_tlog_tree_get, t, index, size, proof, &n);
	rc |= kp_merkle_root(kp_tlog_tree_get, t, size, root);
	rc |= kp_tlog_tree_get(t, 0, index, leaf);
	kp_tlog_tree_unlock(t);
	if (rc != 0) {
		kp_reply_error(req, 500, "internal", "the proof could not be computed");
		return;
	}
	kp_reply_json(req, 200,
	              json_pack("{s:I, s:I, s:o, s:o, s:o}", "index", (json_int_t)index, "size", (json_int_t)size,
	                        "leaf_hash", b64_json(leaf, KP_HASH_SIZE), "root", b64_json(root, KP_HASH_SIZE), "proof",
	                        proof_json(proof, n)));
}

void kp_api_transparency_consistency(kp_req_t *req)
{
	kp_tlog_t *l = the_log(req);
	int64_t from, to;
	if (l == NULL || proof_size(req, l, "to", false, &to) != 0 || proof_size(req, l, "from", true, &from) != 0)
		return;
	if (from > to) {
		kp_reply_error(req, 422, "bad_range", "from must not exceed to");
		return;
	}
	kp_hash_t proof[KP_MERKLE_MAX_PROOF], r1, r2;
	int n;
	kp_tlog_tree_t *t = kp_tlog_tree(l);
	kp_tlog_tree_rdlock(t);
	int rc = kp_merkle_consistency_proof(kp_tlog_tree_get, t, from, to, proof, &n);
	rc |= kp_merkle_root(kp_tlog_tree_get, t, from, r1);
	rc |= kp_merkle_root(kp_tlog_tree_get, t, to, r2);
	kp_tlog_tree_unlock(t);
	if (rc != 0) {
		kp_reply_error(req, 500, "internal", "the proof could not be computed");
		return;
	}
	kp_reply_json(req, 200,
	              json_pack("{s:I, s:I, s:o, s:o, s:o}", "from", (json_int_t)from, "to", (json_int_t)to, "from_root",
	                        b64_json(r1, KP_HASH_SIZE), "to_root", b64_json(r2, KP_HASH_SIZE), "proof",
	                        proof_json(proof, n)));
}

void kp_api_transparency_leaf(kp_req_t *req)
{
	kp_tlog_t *l = the_log(req);
	long long index;
	if (l == NULL)
		return;
	int64_t size;
	free(kp_tlog_checkpoint(l, &size, NULL));
	if (kp_parse_int(kp_req_param(req, "index"), 0, INT64_MAX / 2, &index) != 0 || index >= size) {
		kp_reply_error(req, 404, "not_found", "no leaf with this index in the latest checkpoint");
		return;
	}
	kp_tlog_row_t *rows;
	int n;
	int rc = kp_store_tlog_leaves(kp_api_db(req), &req->arena, index, 1, &rows, &n);
	if (rc != KP_DB_OK || n != 1 || rows[0].idx != index) {
		kp_reply_db_error(req, rc != KP_DB_OK ? rc : KP_DB_NOTFOUND, "leaf");
		return;
	}
	json_t *leaf = json_loads(rows[0].entry, 0, NULL);
	kp_reply_json(req, 200,
	              json_pack("{s:I, s:s, s:s, s:o?}", "index", (json_int_t)index, "hash", rows[0].hash, "entry",
	                        rows[0].entry, "leaf", leaf));
}

/* The tlog-proof text of leaf against the signed checkpoint note of size leaves (which
 * covers it); NULL when the proof cannot be made. malloc'd. */
static char *leaf_proof(kp_tlog_t *l, const kp_tlog_row_t *leaf, const char *note, int64_t size)
{
	kp_hash_t proof[KP_MERKLE_MAX_PROOF];
	int np;
	kp_tlog_tree_t *t = kp_tlog_tree(l);
	kp_tlog_tree_rdlock(t);
	int rc = kp_merkle_inclusion_proof(kp_tlog_tree_get, t, leaf->idx, size, proof, &np);
	kp_tlog_tree_unlock(t);
	return rc == 0 ? kp_tlog_proof_format(leaf->entry, strlen(leaf->entry), leaf->idx, proof, np, note) : NULL;
}

/* The tlog-proof text of the oldest leaf about object that the latest checkpoint covers
 * (a permit's: its issue), that leaf into *leaf (arena a); NULL when there is none yet. */
static char *object_proof(kp_tlog_t *l, kp_conn_t *c, kp_arena_t *a, const char *object, kp_tlog_row_t *leaf)
{
	int64_t size;
	char *note = kp_tlog_checkpoint(l, &size, NULL), *out = NULL;
	if (note && kp_store_tlog_first_of_object(c, a, object, size, leaf) == KP_DB_OK)
		out = leaf_proof(l, leaf, note, size);
	free(note);
	return out;
}

/* What an answer says of the leaf an act wrote: {"leaf_index", "leaf_hash" (base64 of its
 * RFC 6962 leaf hash), "proof" (tlog-proof text once a signed checkpoint covers it, else
 * null: GET /api/v1/transparency/proofs/inclusion later), "log_key"}. */
static json_t *leaf_json(kp_tlog_t *l, const kp_tlog_row_t *leaf)
{
	int64_t size;
	char *note = kp_tlog_checkpoint(l, &size, NULL), *proof = NULL;
	if (note && leaf->idx < size)
		proof = leaf_proof(l, leaf, note, size);
	free(note);
	kp_hash_t h;
	json_t *j = json_pack("{s:I, s:o, s:s?, s:s}", "leaf_index", (json_int_t)leaf->idx, "leaf_hash",
	                      kp_tlog_row_hash(leaf, h) == 0 ? b64_json(h, KP_HASH_SIZE) : json_null(), "proof", proof,
	                      "log_key", kp_tlog_vkey(l));
	free(proof);
	return j;
}

char *kp_api_tlog_object_proof(kp_tlog_t *l, kp_conn_t *c, const char *object, int64_t *index)
{
	kp_arena_t a;
	kp_arena_init(&a);
	kp_tlog_row_t leaf;
	char *out = object_proof(l, c, &a, object, &leaf);
	*index = out ? leaf.idx : -1;
	kp_arena_cleanup(&a);
	return out;
}

/* May the requester see what the commitment hides (the holder, or staff)? */
static bool may_open(const kp_req_t *req, const kp_permit_t *p)
{
	unsigned staff = KP_ROLE_MINISTRY | KP_ROLE_AUDITOR | KP_ROLE_ADMIN | KP_ROLE_OFFICER;
	return (req->auth.role & staff) || (req->auth.role == KP_ROLE_CARRIER && req->auth.org_id == p->org_id);
}

void kp_api_transparency_permit(kp_req_t *req)
{
	kp_tlog_t *l = the_log(req);
	if (l == NULL)
		return;
	const char *id = kp_req_param(req, "id");
	kp_tlog_row_t leaf;
	char *proof = object_proof(l, kp_api_db(req), &req->arena, id, &leaf);
	if (proof == NULL) {
		kp_reply_error(req, 404, "not_found", "no leaf about this permit under a signed checkpoint (yet)");
		return;
	}
	json_t *o = json_pack("{s:s, s:I, s:s, s:s}", "permit", id, "index", (json_int_t)leaf.idx, "proof", proof, "vkey",
	                      kp_tlog_vkey(l));
	free(proof);
	kp_permit_t p; /* the opening is that of the proof's leaf, the permit's issue */
	if (leaf.salt && kp_store_permit_get(kp_api_db(req), &req->arena, id, &p) == KP_DB_OK && may_open(req, &p))
		json_object_set_new(o, "opening",
		                    json_pack("{s:s, s:o}", "salt", leaf.salt, "personal", kp_tlog_permit_personal(&p)));
	kp_reply_json(req, 200, o);
}

void kp_api_tlog_attach(kp_req_t *req, json_t *o, const char *object)
{
	kp_tlog_t *l = kp_api_app(req)->tlog;
	if (l == NULL || o == NULL)
		return;
	kp_tlog_row_t leaf;
	bool found = kp_store_tlog_first_of_object(kp_api_db(req), &req->arena, object, INT64_MAX, &leaf) == KP_DB_OK;
	json_object_set_new(o, "transparency", found ? leaf_json(l, &leaf) : json_pack("{s:n}", "leaf_index"));
}

void kp_api_tlog_attach_act(kp_req_t *req, json_t *o, const char *object, const char *fact, const char *value)
{
	kp_tlog_t *l = kp_api_app(req)->tlog;
	if (l == NULL || o == NULL)
		return;
	kp_tlog_row_t *rows;
	int n = 0;
	if (kp_store_tlog_by_object(kp_api_db(req), &req->arena, object, &rows, &n) != KP_DB_OK)
		n = 0;
	const kp_tlog_row_t *hit = NULL;
	for (int i = 0; i < n && hit == NULL; i++) {
		json_t *entry = json_loads(rows[i].entry, 0, NULL);
		const char *v = json_string_value(json_object_get(json_object_get(entry, "facts"), fact));
		if (v && strcmp(v, value) == 0)
			hit = &rows[i];
		json_decref(entry);
	}
	json_object_set_new(o, "transparency", hit ? leaf_json(l, hit) : json_pack("{s:n}", "leaf_index"));
}
