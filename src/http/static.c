/* static.c: the web UI's files from the web folder; no listing, no path escapes. Each answer
 * carries an ETag made from the bytes (the same on every instance), answers 304 to a
 * matching If-None-Match, and text goes gzip-compressed to a browser that accepts it. */
#include "http/http.h"
#include "core/util.h"

#include <limits.h>
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

void kp_static_serve(kp_req_t *req, const char *web_root, const char *path)
{
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	const char *type = content_type(path);
	if (!acceptable(path) || type == NULL) {
		kp_reply_error(req, 404, "not_found", "no such page");
		return;
	}
	char *full = kp_arena_printf(&req->arena, "%s%s", web_root, path);
	/* A symbolic link may point anywhere: serve only what really lies inside web_root. */
	char real[PATH_MAX];
	size_t rn = strlen(web_root);
	if (realpath(full, real) == NULL || strncmp(real, web_root, rn) != 0 || real[rn] != '/') {
		kp_reply_error(req, 404, "not_found", "no such page");
		return;
	}
	FILE *f = fopen(real, "rb");
	struct stat st;
	if (f == NULL || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_STATIC_FILE) {
		if (f)
			fclose(f);
		kp_reply_error(req, 404, "not_found", "no such page");
		return;
	}
	char *buf = kp_malloc((size_t)st.st_size);
	size_t got = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	bool zip = compressible(type) && got >= MIN_GZIP_SIZE &&
	           header_lists(kp_req_header(req, "Accept-Encoding"), "gzip");
	/* Each encoding is its own representation, with its own tag. */
	const char *etag =
	    kp_arena_printf(&req->arena, "\"%016llx%s\"", (unsigned long long)content_hash((unsigned char *)buf, got),
	                    zip ? "-gz" : "");
	kp_reply_header(req, "ETag", etag);
	kp_reply_header(req, "Cache-Control", strstr(type, "text/html") ? "no-cache" : "public, max-age=300");
	if (compressible(type))
		kp_reply_header(req, "Vary", "Accept-Encoding");
	if (etag_matches(kp_req_header(req, "If-None-Match"), etag)) {
		free(buf);
		kp_reply_bytes(req, 304, type, "", 0);
	} else {
		size_t zlen = 0;
		unsigned char *z = zip ? gzip_bytes((unsigned char *)buf, got, &zlen) : NULL;
		if (z) {
			free(buf);
			kp_reply_take(req, 200, type, z, zlen);
			kp_reply_header(req, "Content-Encoding", "gzip");
		} else {
			kp_reply_take(req, 200, type, buf, got);
		}
	}
	/* Map tiles of the checkpoint map are the one outside source (web/js/checkpoint-map.js;
	 * offline it draws its own outline instead). */
	if (strstr(type, "text/html"))
		kp_reply_header(req, "Content-Security-Policy",
		                "default-src 'self'; img-src 'self' data: blob: https://tile.openstreetmap.org; style-src 'self' 'unsafe-inline';"
		                " connect-src 'self'; media-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'");
}
