/* router.c: match a path against route patterns with {name} segments. */
#include "http/http.h"

#include <string.h>

/* Longest path parameter: a permit QR text (GET {epermit}/verify/{qr}) is a few hundred bytes. */
#define KP_SEGMENT_MAX 4096

/* Compare one pattern to path; on a match fill params into req. */
static bool match_pattern(const char *pattern, const char *path, kp_req_t *req)
{
	int np = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *seg_end = strchr(s, '/');
			size_t seglen = seg_end ? (size_t)(seg_end - s) : strlen(s);
			if (close == NULL || seglen == 0 || seglen > KP_SEGMENT_MAX || np == KP_MAX_PARAMS)
				return false;
			if (req) {
				req->param_names[np] = kp_arena_strndup(&req->arena, p + 1, (size_t)(close - p - 1));
				req->param_values[np] = kp_arena_strndup(&req->arena, s, seglen);
			}
			np++;
			p = close + 1;
			s += seglen;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p || *s)
		return false;
	if (req)
		req->nparams = np;
	return true;
}

const kp_route_t *kp_route_match(const kp_route_t *routes, size_t n, kp_req_t *req, const char *method,
                                 const char *path, bool *path_known)
{
	*path_known = false;
	bool head = strcmp(method, "HEAD") == 0;
	/* for KP_ROUTE_SLASHES routes "a//b" is "a/b" */
	char squeezed[2048];
	const char *alt = NULL;
	if (strstr(path, "//") && strlen(path) < sizeof(squeezed)) {
		size_t len = 0;
		for (const char *p = path; *p; p++)
			if (!(*p == '/' && len > 0 && squeezed[len - 1] == '/'))
				squeezed[len++] = *p;
		squeezed[len] = '\0';
		alt = squeezed;
	}
	for (size_t i = 0; i < n; i++) {
		const char *p = path;
		if (!match_pattern(routes[i].pattern, p, NULL)) {
			if (alt == NULL || !(routes[i].flags & KP_ROUTE_SLASHES) || !match_pattern(routes[i].pattern, alt, NULL))
				continue;
			p = alt;
		}
		if (strcmp(routes[i].method, method) == 0 || (head && strcmp(routes[i].method, "GET") == 0)) {
			match_pattern(routes[i].pattern, p, req);
			return &routes[i];
		}
		*path_known = true;
	}
	return NULL;
}
