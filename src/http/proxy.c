/* proxy.c: the client's address behind trusted reverse proxies and load balancers. Only
 * when the peer is one of the trusted_proxies is X-Forwarded-For read, from its right end,
 * skipping the trusted hops: what a client writes at its left end is never believed. */
#include "http/http.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse "a.b.c.d", "a.b.c.d/n", "x::y" or "x::y/n" into n (bits kept). */
static int parse_net(const char *s, size_t len, struct kp_net *out)
{
	char buf[64];
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = AF_INET;
		out->bits = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = AF_INET6;
		out->bits = 128;
	} else {
		return -1;
	}
	if (slash) {
		char *end;
		long b = strtol(slash + 1, &end, 10);
		if (*end || end == slash + 1 || b < 0 || b > out->bits)
			return -1;
		out->bits = (int)b;
	}
	return 0;
}

int kp_http_proxies_parse(const char *spec, kp_proxies_t *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	const char *p = spec ? spec : "";
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t n = strcspn(p, ", ");
		if (n == 0)
			break;
		if (out->n == KP_MAX_PROXIES) {
			snprintf(err, errlen, "trusted_proxies: at most %d entries", KP_MAX_PROXIES);
			return -1;
		}
		if (parse_net(p, n, &out->nets[out->n]) != 0) {
			snprintf(err, errlen, "trusted_proxies: '%.*s' is not an IP address or network like 10.0.0.0/8",
			         (int)(n > 60 ? 60 : n), p);
			return -1;
		}
		out->n++;
		p += n;
	}
	return 0;
}

static bool in_net(const struct kp_net *net, int family, const unsigned char *addr)
{
	if (net->family != family)
		return false;
	int full = net->bits / 8, rest = net->bits % 8;
	if (memcmp(net->addr, addr, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (net->addr[full] & mask) == (addr[full] & mask);
}

bool kp_http_proxy_trusted(const kp_proxies_t *l, const char *addr)
{
	static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (l->n == 0)
		return false; /* no proxies (the usual case): the address is not even parsed */
	unsigned char a[16];
	int family = inet_pton(AF_INET, addr, a) == 1 ? AF_INET : inet_pton(AF_INET6, addr, a) == 1 ? AF_INET6 : 0;
	for (int i = 0; family && i < l->n; i++) {
		if (in_net(&l->nets[i], family, a))
			return true;
		/* listening on "::", an IPv4 peer reads ::ffff:a.b.c.d */
		if (family == AF_INET6 && memcmp(a, v4_mapped, 12) == 0 && in_net(&l->nets[i], AF_INET, a + 12))
			return true;
	}
	return false;
}

void kp_http_client_addr(const kp_proxies_t *l, const char *peer, const char *xff, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s", peer);
	if (l->n == 0 || xff == NULL || !kp_http_proxy_trusted(l, peer))
		return;
	/* From the right: the first hop that is not a trusted proxy is the client. */
	size_t end = strlen(xff);
	while (end > 0) {
		size_t start = end;
		while (start > 0 && xff[start - 1] != ',')
			start--;
		size_t a = start, b = end;
		while (a < b && (xff[a] == ' ' || xff[a] == '\t'))
			a++;
		while (b > a && (xff[b - 1] == ' ' || xff[b - 1] == '\t'))
			b--;
		char hop[64];
		unsigned char tmp[16];
		if (b - a == 0 || b - a >= sizeof(hop))
			return; /* malformed: keep the proxy's own address */
		memcpy(hop, xff + a, b - a);
		hop[b - a] = '\0';
		if (inet_pton(AF_INET, hop, tmp) != 1 && inet_pton(AF_INET6, hop, tmp) != 1)
			return;
		snprintf(out, outlen, "%s", hop);
		if (!kp_http_proxy_trusted(l, hop))
			return;
		end = start > 0 ? start - 1 : 0;
	}
}
