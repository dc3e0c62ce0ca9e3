/* static.c: the web UI's files from the web folder; no listing, no path escapes. */
#include "http/http.h"
#include "core/util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_STATIC_FILE (8 * 1024 * 1024)

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
	kp_reply_take(req, 200, type, buf, got);
	kp_reply_header(req, "Cache-Control", strstr(type, "text/html") ? "no-cache" : "public, max-age=300");
	/* Map tiles of the checkpoint map are the one outside source (web/js/checkpoint-map.js;
	 * offline it draws its own outline instead). */
	if (strstr(type, "text/html"))
		kp_reply_header(req, "Content-Security-Policy",
		                "default-src 'self'; img-src 'self' data: blob: https://tile.openstreetmap.org; style-src 'self' 'unsafe-inline';"
		                " connect-src 'self'; media-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'");
}
