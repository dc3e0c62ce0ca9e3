/* log_monitor.c: reading a kapka's log from its public tiles (C2SP tlog-tiles) and
 * `kapka log monitor`, which remembers the last checkpoint it saw and raises an alarm
 * when a later one does not extend it (a rollback or a fork). */
#include "cli/log_check.h"
#include "core/util.h"
#include "exchange/fetch.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TIMEOUT_MS 20000
#define MAX_BUNDLE (256 * (65535 + 2))

/* base + "/log/" + rest, base's trailing slashes dropped. */
static void log_url(const char *base, const char *rest, char *out, size_t len)
{
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	snprintf(out, len, "%.*s/log/%s", (int)n, base, rest);
}

static int get(const char *url, size_t max, kp_fetch_result_t *res, char *err, size_t errlen)
{
	if (kp_fetch(url, NULL, 0, NULL, TIMEOUT_MS, max, res) != 0) {
		snprintf(err, errlen, "%s: %s", url, res->error);
		free(res->body);
		return -1;
	}
	if (res->status != 200) {
		snprintf(err, errlen, "%s answered %ld", url, res->status);
		free(res->body);
		return -1;
	}
	return 0;
}

/* The entries of one bundle of width w, hashed into hashes; each kept in entries (may be NULL). */
static int read_bundle(const char *body, size_t len, int w, kp_hash_t *hashes, char **entries)
{
	size_t o = 0;
	for (int i = 0; i < w; i++) {
		if (o + 2 > len)
			return -1;
		size_t el = (size_t)(uint8_t)body[o] << 8 | (uint8_t)body[o + 1];
		o += 2;
		if (o + el > len)
			return -1;
		kp_merkle_leaf_hash(body + o, el, hashes[i]);
		if (entries) {
			entries[i] = kp_malloc(el + 1);
			memcpy(entries[i], body + o, el);
			entries[i][el] = '\0';
		}
		o += el;
	}
	return o == len ? 0 : -1;
}

/* The log's checkpoint, verified with key and of its log: *size and root; 0, or -1 with err. */
static int fetch_checkpoint(const char *base, const kp_note_key_t *key, int64_t *size, kp_hash_t root, char *err,
                            size_t errlen)
{
	char url[1024];
	kp_fetch_result_t res;
	log_url(base, "checkpoint", url, sizeof(url));
	if (get(url, KP_NOTE_MAX, &res, err, errlen) != 0)
		return -1;
	size_t text_len;
	const char *sigs;
	char origin[KP_NOTE_NAME_MAX + 1];
	int vr = kp_note_verify(res.body, res.len, key, NULL);
	int rc = vr == 0 && kp_note_split(res.body, res.len, &text_len, &sigs) == 0 &&
	                 kp_checkpoint_parse(res.body, text_len, origin, size, root) == 0
	             ? 0
	             : -1;
	free(res.body);
	if (rc != 0) {
		snprintf(err, errlen, "the checkpoint is %s",
		         vr == -2 ? "forged (its signature does not verify)" : "not signed by the expected log key");
		return -1;
	}
	if (strcmp(origin, key->name) != 0) {
		snprintf(err, errlen, "the checkpoint is of log %s, not %s", origin, key->name);
		return -1;
	}
	return 0;
}

/* Tile n (w entries wide) of the entry bundles: the entries' hashes into hashes (and their
 * text into entries when not NULL), held to the level-0 tile of the same hashes; 0, or -1. */
static int fetch_tile(const char *base, int64_t n, int w, kp_hash_t *hashes, char **entries, char *err, size_t errlen)
{
	char url[1024], path[64], rest[96];
	kp_fetch_result_t res;
	kp_tlog_tile_path(n, w, path, sizeof(path));
	snprintf(rest, sizeof(rest), "tile/entries/%s", path);
	log_url(base, rest, url, sizeof(url));
	if (get(url, MAX_BUNDLE, &res, err, errlen) != 0)
		return -1;
	int rc = read_bundle(res.body, res.len, w, hashes, entries);
	free(res.body);
	if (rc != 0) {
		snprintf(err, errlen, "%s is not a bundle of %d entries", url, w);
		return -1;
	}
	snprintf(rest, sizeof(rest), "tile/0/%s", path);
	log_url(base, rest, url, sizeof(url));
	if (get(url, KP_TILE_WIDTH * KP_HASH_SIZE, &res, err, errlen) != 0)
		return -1;
	if (res.len != (size_t)w * KP_HASH_SIZE || memcmp(res.body, hashes, res.len) != 0) {
		snprintf(err, errlen, "%s does not hold the hashes of its entries", url);
		rc = -1;
	}
	free(res.body);
	return rc;
}

int kp_cli_log_fetch(const char *base, const kp_note_key_t *key, kp_tlog_tree_t *tree, int64_t *size, kp_hash_t root,
                     char ***entries, char *err, size_t errlen)
{
	if (fetch_checkpoint(base, key, size, root, err, errlen) != 0)
		return -1;
	if (entries)
		*entries = kp_calloc((size_t)*size + 1, sizeof(char *));
	kp_hash_t *hashes = kp_calloc(KP_TILE_WIDTH, sizeof(kp_hash_t));
	int rc = 0;
	for (int64_t n = 0; rc == 0 && n * KP_TILE_WIDTH < *size; n++) {
		int w = kp_tlog_tile_width(*size, 0, n);
		rc = fetch_tile(base, n, w, hashes, entries ? *entries + n * KP_TILE_WIDTH : NULL, err, errlen);
		if (rc == 0)
			kp_tlog_tree_append(tree, hashes, w);
	}
	free(hashes);
	kp_hash_t mine;
	if (rc == 0) {
		kp_tlog_tree_rdlock(tree);
		rc = kp_merkle_root(kp_tlog_tree_get, tree, *size, mine);
		kp_tlog_tree_unlock(tree);
		if (rc != 0 || memcmp(mine, root, KP_HASH_SIZE) != 0) {
			snprintf(err, errlen,
			         "the entries do not hash to the checkpoint's root: the log serves other entries "
			         "than it signed");
			rc = -1;
		}
	}
	return rc;
}

struct state {
	char vkey[KP_NOTE_VKEY_MAX];
	int64_t size;
	kp_hash_t root;
	bool have;
};

_Static_assert(KP_NOTE_VKEY_MAX == 192, "the %191s below reads at most KP_NOTE_VKEY_MAX - 1 bytes");

static void load_state(const char *path, struct state *st)
{
	memset(st, 0, sizeof(*st));
	FILE *f = path ? fopen(path, "r") : NULL;
	if (f == NULL)
		return;
	char line[512], b64[128];
	long long size;
	size_t n;
	if (fgets(line, sizeof(line), f) && sscanf(line, "%191s", st->vkey) == 1 && fgets(line, sizeof(line), f) &&
	    sscanf(line, "%lld %100s", &size, b64) == 2 &&
	    sodium_base642bin(st->root, KP_HASH_SIZE, b64, strlen(b64), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) ==
	        0 &&
	    n == KP_HASH_SIZE) {
		st->size = size;
		st->have = true;
	}
	fclose(f);
}

static int save_state(const char *path, const struct state *st)
{
	if (path == NULL)
		return 0;
	char tmp[1100], b64[64];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	sodium_bin2base64(b64, sizeof(b64), st->root, KP_HASH_SIZE, sodium_base64_VARIANT_ORIGINAL);
	fprintf(f, "%s\n%lld %s\n", st->vkey, (long long)st->size, b64);
	return fclose(f) == 0 && rename(tmp, path) == 0 ? 0 : -1;
}

/* The log's key: --key, the state's, or (trust on first use) what the log says it is. */
static int log_key(const char *base, const char *opt, struct state *st, kp_note_key_t *key)
{
	if (opt)
		snprintf(st->vkey, sizeof(st->vkey), "%s", opt);
	if (st->vkey[0] == '\0') {
		char url[1024];
		size_t n = strlen(base);
		while (n > 0 && base[n - 1] == '/')
			n--;
		snprintf(url, sizeof(url), "%.*s/api/v1/transparency", (int)n, base);
		kp_fetch_result_t res;
		json_t *info = NULL;
		if (kp_fetch(url, NULL, 0, NULL, TIMEOUT_MS, 1 << 16, &res) == 0 && res.status == 200)
			info = json_loads(res.body, 0, NULL);
		free(res.body);
		const char *v = json_string_value(json_object_get(info, "vkey"));
		if (v)
			snprintf(st->vkey, sizeof(st->vkey), "%s", v);
		json_decref(info);
		if (v)
			printf("trusting the log key %s on first use (pass --key to pin it)\n", st->vkey);
	}
	return kp_note_vkey_parse(st->vkey, key) == 0 && key->type == KP_NOTE_ED25519 ? 0 : -1;
}

/* One look at the log: 0 when it extends what was seen before, 1 on an alarm, 2 when it
 * could not be read. */
static int look(const char *base, const kp_note_key_t *key, struct state *st)
{
	kp_tlog_tree_t *tree = kp_tlog_tree_new();
	int64_t size;
	kp_hash_t root, old;
	char err[512];
	int rc = 0;
	if (kp_cli_log_fetch(base, key, tree, &size, root, NULL, err, sizeof(err)) != 0) {
		printf("ALARM: %s\n", err);
		rc = strstr(err, "answered") || strstr(err, "Could") || strstr(err, "Timeout") ? 2 : 1;
	} else if (st->have && size < st->size) {
		printf("ALARM: the log shrank from %lld to %lld leaves: it was rolled back or forked\n", (long long)st->size,
		       (long long)size);
		rc = 1;
	} else if (st->have && (kp_merkle_root(kp_tlog_tree_get, tree, st->size, old) != 0 ||
	                        memcmp(old, st->root, KP_HASH_SIZE) != 0)) {
		printf("ALARM: the log's first %lld leaves are not the ones seen before: it was rewritten or forked\n",
		       (long long)st->size);
		rc = 1;
	} else {
		char b64[64];
		sodium_bin2base64(b64, sizeof(b64), root, KP_HASH_SIZE, sodium_base64_VARIANT_ORIGINAL);
		printf("OK %s: %lld leaves, root %s%s\n", key->name, (long long)size, b64,
		       st->have ? ", consistent with what was seen before" : "");
		st->size = size;
		memcpy(st->root, root, KP_HASH_SIZE);
		st->have = true;
	}
	fflush(stdout);
	kp_tlog_tree_free(tree);
	return rc;
}

int kp_cli_log_monitor(const char *url, int argc, char **argv)
{
	const char *state_path = kp_cli_log_opt(argc, argv, "--state");
	const char *interval_s = kp_cli_log_opt(argc, argv, "--interval");
	bool once = false;
	for (int i = 0; i < argc; i++)
		once |= strcmp(argv[i], "--once") == 0;
	long long interval = 60;
	if (interval_s && kp_parse_int(interval_s, 1, 86400, &interval) != 0) {
		fprintf(stderr, "kapka log monitor: --interval must be 1 to 86400 seconds\n");
		return 2;
	}
	struct state st;
	load_state(state_path, &st);
	kp_note_key_t key;
	if (log_key(url, kp_cli_log_opt(argc, argv, "--key"), &st, &key) != 0) {
		fprintf(stderr, "kapka log monitor: no usable log key (pass --key NAME+HASH+BASE64)\n");
		return 2;
	}
	for (;;) {
		int rc = look(url, &key, &st);
		if (rc == 0 && save_state(state_path, &st) != 0)
			fprintf(stderr, "kapka log monitor: cannot write %s\n", state_path);
		if (once || rc == 1)
			return rc;
		sleep((unsigned)interval);
	}
}
