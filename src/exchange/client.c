/* client.c: outbound calls to partners (see client.h). */
#include "exchange/client.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANSWER_MAX (256 * 1024) /* a partner's answer */

struct sink {
	char *data;
	size_t len, max;
	bool too_big;
};

static size_t take(char *ptr, size_t size, size_t n, void *userdata)
{
	struct sink *a = userdata;
	size_t got = size * n;
	if (a->max == 0)
		return got; /* the answer is not wanted */
	if (a->len + got > a->max) {
		a->too_big = true;
		return 0;
	}
	a->data = kp_realloc(a->data, a->len + got + 1);
	memcpy(a->data + a->len, ptr, got);
	a->len += got;
	a->data[a->len] = '\0';
	return got;
}

/* Partner addresses allowed on loopback or private networks (exchange_allow_private). */
static char allow_private[512];

void kp_client_allow_private(const char *list)
{
	snprintf(allow_private, sizeof(allow_private), "%s", list ? list : "");
}

/* Loopback, private, link-local, shared (CGNAT), unspecified, multicast or reserved. */
static bool private_ip(const char *ip)
{
	unsigned char a[16];
	if (inet_pton(AF_INET, ip, a) == 1) {
	v4:
		return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 100 && (a[1] & 0xC0) == 64) ||
		       (a[0] == 169 && a[1] == 254) || (a[0] == 172 && (a[1] & 0xF0) == 16) || (a[0] == 192 && a[1] == 168) ||
		       a[0] >= 224;
	}
	if (inet_pton(AF_INET6, ip, a) != 1)
		return true; /* not an address we can judge: refuse */
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(a, mapped, 12) == 0) {
		memmove(a, a + 12, 4);
		goto v4;
	}
	bool zero = true;
	for (int i = 0; i < 15; i++)
		zero = zero && a[i] == 0;
	return (zero && (a[15] == 0 || a[15] == 1)) || (a[0] & 0xFE) == 0xFC || (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) ||
	       a[0] == 0xFF;
}

/* ip within the CIDR "net/bits" (same family). */
static bool in_cidr(const char *ip, const char *cidr)
{
	char net[64];
	const char *slash = strchr(cidr, '/');
	if (slash == NULL || (size_t)(slash - cidr) >= sizeof(net))
		return false;
	memcpy(net, cidr, (size_t)(slash - cidr));
	net[slash - cidr] = '\0';
	long long bits;
	unsigned char x[16], n[16];
	int fam = strchr(net, ':') ? AF_INET6 : AF_INET, len = fam == AF_INET6 ? 16 : 4;
	if (kp_parse_int(slash + 1, 0, len * 8, &bits) != 0 || inet_pton(fam, ip, x) != 1 || inet_pton(fam, net, n) != 1)
		return false;
	for (int i = 0; i < len && bits > 0; i++, bits -= 8) {
		unsigned char m = bits >= 8 ? 0xFF : (unsigned char)(0xFF << (8 - bits));
		if ((x[i] & m) != (n[i] & m))
			return false;
	}
	return true;
}

static bool allowed(const char *host, const char *ip)
{
	char list[512];
	snprintf(list, sizeof(list), "%s", allow_private);
	char *save = NULL;
	for (char *e = strtok_r(list, ", ", &save); e; e = strtok_r(NULL, ", ", &save))
		if (strcasecmp(e, host) == 0 || strcmp(e, ip) == 0 || in_cidr(ip, e))
			return true;
	return false;
}

/* url's host without IPv6 brackets into out ("" when url has none). */
static void host_of(const char *url, char *out, size_t len)
{
	CURLU *u = curl_url();
	char *host = NULL;
	out[0] = '\0';
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK && curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		snprintf(out, len, "%s", host[0] == '[' ? host + 1 : host);
	char *rb = strchr(out, ']');
	if (rb)
		*rb = '\0';
	curl_free(host);
	curl_url_cleanup(u);
}

/* The text of an IPv4 or IPv6 socket address ("" for another family). */
static void ip_text(int family, const struct sockaddr *sa, char *ip, size_t len)
{
	ip[0] = '\0';
	if (family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, ip, (socklen_t)len);
	else if (family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, ip, (socklen_t)len);
}

static void refusal(const char *host, const char *ip, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s is on a loopback or private network (%s); name it in exchange_allow_private to allow it",
	         host, ip);
}

int kp_client_check_address(const char *url, char *err, size_t errlen)
{
	char host[256];
	host_of(url, host, sizeof(host));
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
	int gai = host[0] ? getaddrinfo(host, NULL, &hints, &res) : EAI_NONAME;
	if (gai != 0) {
		if (host[0])
			snprintf(err, errlen, "%s does not resolve to an address (%s)", host, gai_strerror(gai));
		else
			snprintf(err, errlen, "names no host");
		return KP_CLIENT_UNRESOLVED;
	}
	int rc = 0;
	for (struct addrinfo *ai = res; ai && rc == 0; ai = ai->ai_next) {
		char ip[64];
		ip_text(ai->ai_family, ai->ai_addr, ip, sizeof(ip));
		if (ip[0] && private_ip(ip) && !allowed(host, ip)) {
			refusal(host, ip, err, errlen);
			rc = KP_CLIENT_PRIVATE;
		}
	}
	freeaddrinfo(res);
	return rc;
}

struct guard {
	char host[256];
	bool refused;
	char ip[64];
};

/* Before each connection: refuse an internal address not allowed by name, so nothing
 * internal is even probed (whatever name or redirect led there). */
static curl_socket_t open_checked(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
	(void)purpose;
	struct guard *g = clientp;
	char ip[64];
	ip_text(addr->family, &addr->addr, ip, sizeof(ip));
	if (!ip[0] || (private_ip(ip) && !allowed(g->host, ip))) {
		g->refused = true;
		snprintf(g->ip, sizeof(g->ip), "%s", ip);
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype, addr->protocol);
}

void kp_client_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void kp_client_cleanup(void)
{
	curl_global_cleanup();
}

/* libcurl's options for r, the same for every call kapka makes. */
static void set_options(CURL *h, const kp_client_request_t *r, struct sink *sink, struct guard *g, char *cerr)
{
	curl_easy_setopt(h, CURLOPT_URL, r->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, r->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, r->timeout_ms);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, take);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, sink);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "kapka");
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	if (r->public_only) {
		host_of(r->url, g->host, sizeof(g->host));
		curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_checked);
		curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, g);
	}
	if (r->headers)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, r->headers);
	if (r->body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
	}
}

int kp_client_request(const kp_client_request_t *r, kp_client_answer_t *out)
{
	memset(out, 0, sizeof(*out));
	CURL *h = curl_easy_init();
	if (h == NULL) {
		snprintf(out->error, sizeof(out->error), "cannot start an HTTP client");
		out->body = kp_strdup("");
		return -1;
	}
	char cerr[CURL_ERROR_SIZE] = "";
	struct sink sink = {.max = r->max_bytes};
	struct guard g = {.refused = false};
	set_options(h, r, &sink, &g, cerr);
	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	} else {
		if ((out->refused = g.refused))
			refusal(g.host, g.ip, out->error, sizeof(out->error));
		else
			snprintf(out->error, sizeof(out->error), "%s",
			         sink.too_big ? "the answer is too large" : cerr[0] ? cerr : curl_easy_strerror(rc));
		free(sink.data);
		sink.data = NULL;
		sink.len = 0;
	}
	curl_easy_cleanup(h);
	out->body = sink.data ? sink.data : kp_strdup("");
	out->len = sink.len;
	return rc == CURLE_OK ? 0 : -1;
}

/* A partner call: the body kept when ans_max > 0; *status 0 when no answer came (err says
 * why: the refusal, or the URL and libcurl's reason). */
static void call(const char *url, const char *post, struct curl_slist *headers, long timeout_ms, size_t ans_max,
                 kp_client_answer_t *ans, char *err, size_t errlen)
{
	kp_client_request_t r = {url, post, post ? strlen(post) : 0, headers, timeout_ms, ans_max, true};
	if (kp_client_request(&r, ans) != 0) {
		if (ans->refused)
			snprintf(err, errlen, "%s", ans->error);
		else
			snprintf(err, errlen, "%s: %s", url, ans->error);
	}
}

/* base without a trailing slash, then path. */
static void join(char *out, size_t len, const char *base, const char *path)
{
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	snprintf(out, len, "%.*s%s", (int)n, base, path);
}

/* The answer's body as a JSON object, or NULL with err saying so. */
static json_t *answer_object(const kp_client_answer_t *ans, const char *url, char *err, size_t errlen)
{
	json_t *j = json_loadb(ans->body, ans->len, 0, NULL);
	if (json_is_object(j))
		return j;
	json_decref(j);
	snprintf(err, errlen, "%s did not answer a JSON object", url);
	return NULL;
}

/* "Authorization: Bearer <token>" as a new header list the caller frees. */
static struct curl_slist *bearer(const char *token)
{
	size_t hlen = strlen(token) + 32;
	char *auth = kp_malloc(hlen);
	snprintf(auth, hlen, "Authorization: Bearer %s", token);
	struct curl_slist *h = curl_slist_append(NULL, auth);
	free(auth);
	return h;
}

int kp_client_fetch_config(const char *base, long timeout_ms, json_t **out, char *err, size_t errlen)
{
	/* the address exactly as configured (the reference's handshake does so), then with "/" */
	*out = NULL;
	for (size_t i = 0; i < 2; i++) {
		char url[1200];
		if (i == 0)
			snprintf(url, sizeof(url), "%s", base);
		else
			join(url, sizeof(url), base, "/");
		kp_client_answer_t ans;
		call(url, NULL, NULL, timeout_ms, ANSWER_MAX, &ans, err, errlen);
		long status = ans.status;
		if (status == 200)
			*out = answer_object(&ans, url, err, errlen);
		else if (status)
			snprintf(err, errlen, "%s answered HTTP %ld", url, status);
		free(ans.body);
		if (*out || (status != 404 && (status < 300 || status > 399) && status != 0))
			break;
		if (status == 0)
			break; /* unreachable: the second path would not answer either */
	}
	return *out ? 0 : -1;
}

/* A refused event's account: ApiErrorResponse (422: details.errorCode; 400: details per
 * field), or plain text (401). */
static void event_refusal(const kp_client_answer_t *ans, char *code, size_t codelen, char *err, size_t errlen)
{
	json_t *j = json_loadb(ans->body, ans->len, 0, NULL);
	json_t *details = json_object_get(j, "details");
	const char *c = json_string_value(json_object_get(details, "errorCode"));
	if (c)
		snprintf(code, codelen, "%s", c);
	char *d = details && !c ? json_dumps(details, JSON_COMPACT) : NULL;
	if (j)
		snprintf(err, errlen, "HTTP %ld %s", ans->status, c ? c : d ? d : "");
	else
		snprintf(err, errlen, "HTTP %ld %.200s", ans->status, ans->body);
	free(d);
	json_decref(j);
}

int kp_client_post_event(const char *base, const char *path, const char *body, const char *proof, long timeout_ms,
                         long *status, char *code, size_t codelen, char *err, size_t errlen)
{
	char url[1200], suffix[64];
	snprintf(suffix, sizeof(suffix), "/events/%s", path);
	join(url, sizeof(url), base, suffix);
	struct curl_slist *h = curl_slist_append(bearer(proof), "Content-Type: application/json");
	kp_client_answer_t ans;
	code[0] = '\0';
	call(url, body, h, timeout_ms, ANSWER_MAX, &ans, err, errlen);
	*status = ans.status;
	if (*status && *status != 200)
		event_refusal(&ans, code, codelen, err, errlen);
	free(ans.body);
	curl_slist_free_all(h);
	return *status ? 0 : -1;
}

int kp_client_healthcheck(const char *base, const char *jwt, long timeout_ms, long *status, json_t **out, char *err,
                          size_t errlen)
{
	char url[1200];
	join(url, sizeof(url), base, "/healthcheck");
	struct curl_slist *h = bearer(jwt);
	kp_client_answer_t ans;
	*out = NULL;
	call(url, NULL, h, timeout_ms, ANSWER_MAX, &ans, err, errlen);
	*status = ans.status;
	if (*status == 200)
		*out = answer_object(&ans, url, err, errlen);
	else if (*status)
		snprintf(err, errlen, "%s answered HTTP %ld %.200s", url, *status, ans.body);
	free(ans.body);
	curl_slist_free_all(h);
	return *out ? 0 : -1;
}

int kp_client_post(const char *url, struct curl_slist *headers, const char *body, long timeout_ms, long *status,
                   char *err, size_t errlen)
{
	kp_client_answer_t ans;
	call(url, body, headers, timeout_ms, 0, &ans, err, errlen);
	free(ans.body);
	*status = ans.status;
	return *status ? 0 : -1;
}

bool kp_client_refused_private(const char *err)
{
	return err && strstr(err, "exchange_allow_private") != NULL;
}
