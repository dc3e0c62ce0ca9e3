/* static.c: the web UI's files from the web folder; no listing, no path escapes. Each answer
 * carries an ETag made from the bytes (the same on every instance), answers 304 to a
 * matching If-None-Match, and text goes gzip-compressed to a browser that accepts it. */
#include "http/http.h"
#include "core/util.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zlib.h>

#define MAX_STATIC_FILE (8 * 1024 * 1024)
/* Smaller files gain less from compression than the header costs. */
#define MIN_GZIP_SIZE 512

static const struct {
	const char *ext, *type;
} types[] = {
	{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
	{".json", "application/json; charset=utf-8"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
	{".ico", "image/x-icon"}, {".webmanifest", "application/manifest+json"}, {".txt", "text/plain; charset=utf-8"},
	{".woff2", "font/woff2"},
};

static const char *content_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < KP_ARRAY_LEN(types); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

/* Text compresses; images other than SVG and fonts already are. */
static bool compressible(const char *type)
{
	return strncmp(type, "text/", 5) == 0 || strncmp(type, "application/", 12) == 0 ||
	       strcmp(type, "image/svg+xml") == 0;
}

/* FNV-1a over the bytes: an ETag that changes with the content and with nothing else. */
static uint64_t content_hash(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

/* Does the comma-separated list in header name token (case-insensitive), without ";q=0"? */
static bool header_lists(const char *header, const char *token)
{
	size_t tn = strlen(token);
	for (const char *p = header; p && *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *end = p + strcspn(p, ",");
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *word_end = semi ? semi : end;
		while (word_end > p && (word_end[-1] == ' ' || word_end[-1] == '\t'))
			word_end--;
		if ((size_t)(word_end - p) == tn && strncasecmp(p, token, tn) == 0) {
			if (semi == NULL)
				return true;
			const char *q = strstr(semi, "q=");
			return q == NULL || q >= end || strtod(q + 2, NULL) > 0;
		}
		p = end;
	}
	return false;
}

/* Does If-None-Match name etag ("*", a list, weak or strong)? */
static bool etag_matches(const char *if_none_match, const char *etag)
{
	if (if_none_match == NULL)
		return false;
	if (strcmp(if_none_match, "*") == 0)
		return true;
	size_t en = strlen(etag);
	for (const char *p = if_none_match; (p = strstr(p, etag)) != NULL; p += en)
		if (p[en] == '\0' || p[en] == ',' || p[en] == ' ')
			return true;
	return false;
}

/* buf gzip-compressed (malloc'd, *out_len set), or NULL when that would not be smaller. */
static unsigned char *gzip_bytes(const unsigned char *buf, size_t len, size_t *out_len)
{
	z_stream z = {0};
	if (len > UINT_MAX || deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	size_t cap = deflateBound(&z, (uLong)len);
	unsigned char *out = kp_malloc(cap);
	z.next_in = (Bytef *)(uintptr_t)buf;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	*out_len = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || *out_len >= len) {
		free(out);
		return NULL;
	}
	return out;
}

/* Only plain segments: letters, digits, '-', '_', '.', no "..", no hidden files. */
static bool acceptable(const char *path)
{
	if (strstr(path, "..") || strstr(path, "//"))
		return false;
	for (const char *p = path; *p; p++) {
		char c = *p;
		if (c == '/' && p[1] == '.')
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '-' ||
		      c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* What a file version costs to work out is worked out once: its content hash and, for text
 * worth it, its gzip bytes. One slot per resolved path (by hash of the path; a collision only
 * means working it out again); a file whose inode, size or mtime changed is a new version. */
struct file_memo {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	uint64_t hash;
	unsigned char *gz; /* NULL: sent as is */
	size_t gz_len;
};
#define MEMO_SLOTS 256
static struct file_memo memo[MEMO_SLOTS];
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;

static struct file_memo *memo_slot(const char *path)
{
	return &memo[content_hash((const unsigned char *)path, strlen(path)) % MEMO_SLOTS];
}

static bool memo_same(const struct file_memo *m, const char *path, const struct stat *st)
{
	return m->path && strcmp(m->path, path) == 0 && m->dev == st->st_dev && m->ino == st->st_ino &&
	       m->size == st->st_size && m->mtime.tv_sec == st->st_mtim.tv_sec &&
	       m->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* The memo of this file version: true with *hash set and, when want_gz and the file has gzip
 * bytes, *gz a malloc'd copy of them (the caller frees it); false when it is not known yet. */
static bool memo_get(const char *path, const struct stat *st, bool want_gz, uint64_t *hash, unsigned char **gz,
                     size_t *gz_len)
{
	pthread_mutex_lock(&memo_lock);
	struct file_memo *m = memo_slot(path);
	bool hit = memo_same(m, path, st);
	if (hit) {
		*hash = m->hash;
		if (want_gz && m->gz) {
			*gz = kp_malloc(m->gz_len);
			memcpy(*gz, m->gz, m->gz_len);
			*gz_len = m->gz_len;
		}
	}
	pthread_mutex_unlock(&memo_lock);
	return hit;
}

/* Remember hash and a copy of gz (may be NULL) for this file version. */
static void memo_put(const char *path, const struct stat *st, uint64_t hash, const unsigned char *gz, size_t gz_len)
{
	unsigned char *copy = NULL;
	if (gz) {
		copy = kp_malloc(gz_len);
		memcpy(copy, gz, gz_len);
	}
	char *name = kp_strdup(path);
	pthread_mutex_lock(&memo_lock);
	struct file_memo *m = memo_slot(path);
	free(m->path);
	free(m->gz);
	*m = (struct file_memo){.path = name, .dev = st->st_dev, .ino = st->st_ino, .size = st->st_size,
	                        .mtime = st->st_mtim, .hash = hash, .gz = copy, .gz_len = gz_len};
	pthread_mutex_unlock(&memo_lock);
}

/* The whole file (malloc'd, *got set) from its start. */
static char *read_file(FILE *f, off_t size, size_t *got)
{
	char *buf = kp_malloc(size > 0 ? (size_t)size : 1);
	rewind(f);
	*got = fread(buf, 1, (size_t)size, f);
	return buf;
}

/* The regular file at path inside web_root, opened, with *st; NULL (404 answered) when path
 * is not a servable name, not inside web_root once links are resolved, or not a small file.
 * real receives the resolved path. */
static FILE *open_inside(kp_req_t *req, const char *web_root, const char *path, char real[PATH_MAX],
                         struct stat *st)
{
	char *full = kp_arena_printf(&req->arena, "%s%s", web_root, path);
	/* A symbolic link may point anywhere: serve only what really lies inside web_root. */
	size_t rn = strlen(web_root);
	FILE *f = NULL;
	if (acceptable(path) && realpath(full, real) != NULL && strncmp(real, web_root, rn) == 0 && real[rn] == '/')
		f = fopen(real, "rb");
	if (f && (fstat(fileno(f), st) != 0 || !S_ISREG(st->st_mode) || st->st_size > MAX_STATIC_FILE)) {
		fclose(f);
		f = NULL;
	}
	if (f == NULL)
		kp_reply_error(req, 404, "not_found", "no such page");
	return f;
}

void kp_static_serve(kp_req_t *req, const char *web_root, const char *path)
{
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	const char *type = content_type(path);
	if (type == NULL) {
		kp_reply_error(req, 404, "not_found", "no such page");
		return;
	}
	char real[PATH_MAX];
	struct stat st;
	FILE *f = open_inside(req, web_root, path, real, &st);
	if (f == NULL)
		return;
	bool accepts_gzip = compressible(type) && header_lists(kp_req_header(req, "Accept-Encoding"), "gzip");
	uint64_t hash = 0;
	char *buf = NULL;
	size_t got = 0, zlen = 0;
	unsigned char *z = NULL;
	if (!memo_get(real, &st, accepts_gzip, &hash, &z, &zlen)) {
		buf = read_file(f, st.st_size, &got);
		hash = content_hash((unsigned char *)buf, got);
		if (compressible(type) && got >= MIN_GZIP_SIZE)
			z = gzip_bytes((unsigned char *)buf, got, &zlen);
		memo_put(real, &st, hash, z, zlen);
		if (!accepts_gzip) {
			free(z);
			z = NULL;
		}
	}
	/* Each encoding is its own representation, with its own tag. */
	const char *etag = kp_arena_printf(&req->arena, "\"%016llx%s\"", (unsigned long long)hash, z ? "-gz" : "");
	kp_reply_header(req, "ETag", etag);
	kp_reply_header(req, "Cache-Control", strstr(type, "text/html") ? "no-cache" : "public, max-age=300");
	if (compressible(type))
		kp_reply_header(req, "Vary", "Accept-Encoding");
	if (etag_matches(kp_req_header(req, "If-None-Match"), etag)) {
		free(buf);
		free(z);
		kp_reply_bytes(req, 304, type, "", 0);
	} else if (z) {
		free(buf);
		kp_reply_take(req, 200, type, z, zlen);
		kp_reply_header(req, "Content-Encoding", "gzip");
	} else {
		if (buf == NULL)
			buf = read_file(f, st.st_size, &got);
		kp_reply_take(req, 200, type, buf, got);
	}
	fclose(f);
	/* Map tiles of the checkpoint map are the one outside source (web/js/checkpoint-map.js;
	 * offline it draws its own outline instead). */
	if (strstr(type, "text/html"))
		kp_reply_header(req, "Content-Security-Policy",
		                "default-src 'self'; img-src 'self' data: blob: https://tile.openstreetmap.org; style-src 'self' 'unsafe-inline';"
		                " connect-src 'self'; media-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'");
}
