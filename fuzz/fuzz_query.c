/* fuzz_query.c: libFuzzer target for what the server reads from a request line and its
 * headers before any handler: percent-decoding (kp_http_unescape: no NUL ever comes out),
 * integers in the query (kp_parse_int: plain digits only), route matching with {params},
 * and the client's address from X-Forwarded-For behind trusted proxies. The input is split
 * at the first two NULs: path?query, X-Forwarded-For, trusted_proxies. */
#include "core/util.h"
#include "http/http.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void h(kp_req_t *req)
{
	(void)req;
}

static const kp_route_t routes[] = {
    {"GET", "/healthz", h, 0, KP_ROUTE_PUBLIC, ""},
    {"GET", "/api/v1/permits/{id}", h, 0, 0, ""},
    {"GET", "/api/v1/permits/{id}/pdf", h, 0, 0, ""},
    {"PUT", "/api/v1/bookings/{id}/priority", h, 0, 0, ""},
    {"GET", "/api/v1/a/{x}/b/{y}/c/{z}", h, 0, 0, ""},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 3);
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = buf[size + 2] = '\0';
	char *xff = buf + strlen(buf) + 1;
	char *spec = xff <= buf + size ? xff + strlen(xff) + 1 : buf + size + 2;
	if (spec > buf + size + 2)
		spec = buf + size + 2;

	char *q = strchr(buf, '?');
	if (q)
		*q++ = '\0';
	size_t n = kp_http_unescape(buf);
	if (n != strlen(buf) || memchr(buf, '\0', n))
		abort();
	kp_req_t req;
	memset(&req, 0, sizeof(req));
	kp_arena_init(&req.arena);
	bool known;
	const kp_route_t *r = kp_route_match(routes, sizeof(routes) / sizeof(routes[0]), &req, "GET", buf, &known);
	for (int i = 0; r && i < req.nparams; i++)
		if (req.param_values[i] == NULL || strchr(req.param_values[i], '/'))
			abort();
	for (char *p = q; p && *p;) {
		char *amp = strchr(p, '&');
		if (amp)
			*amp = '\0';
		char *eq = strchr(p, '=');
		if (eq) {
			kp_http_unescape(eq + 1);
			long long v;
			if (kp_parse_int(eq + 1, -1000000, 1000000, &v) == 0 && !isdigit((unsigned char)eq[1]) && eq[1] != '-')
				abort();
		}
		p = amp ? amp + 1 : NULL;
	}
	kp_proxies_t l;
	char err[128], out[64];
	if (kp_http_proxies_parse(spec, &l, err, sizeof(err)) == 0) {
		kp_http_client_addr(&l, "10.0.0.1", xff, out, sizeof(out));
		if (memchr(out, '\0', sizeof(out)) == NULL)
			abort();
	}
	kp_arena_cleanup(&req.arena);
	free(buf);
	return 0;
}
