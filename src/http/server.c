/* server.c: libmicrohttpd glue. Reads a request in three steps (headers, body chunks,
 * end), enforces the limits, parses the JSON body, routes, checks the role, runs the
 * handler, sends the answer and writes one access-log line. */
#include "http/http.h"
#include "http/conns.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/util.h"
#include "crypto/hash.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

struct kp_http {
	struct MHD_Daemon *daemon;
	kp_http_options_t opt;
	atomic_int in_flight;
	atomic_bool stopping;
	atomic_uint_fast64_t next_id;
	char id_prefix[12];
	int port;
	kp_proxies_t proxies;
	kp_conns_t conns;
	char *tls_cert, *tls_key; /* copies MHD reads while it runs */
	char *web_root;           /* opt.web_dir resolved once (realpath); NULL: no web folder */
};

/* What begin_request needs from the headers, read in one pass: their total size, how many
 * framing headers there are, and the X-Forwarded-For lines' length. */
struct header_scan {
	size_t bytes;
	int content_length, transfer_encoding, xff_lines;
	size_t xff_bytes; /* the lines' lengths, 2 more each for the ", " that joins them */
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct header_scan *s = cls;
	size_t vlen = value ? strlen(value) : 0;
	s->bytes += strlen(key) + vlen + 4;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		s->content_length++;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		s->transfer_encoding++;
	} else if (value && strcasecmp(key, "X-Forwarded-For") == 0) {
		s->xff_lines++;
		s->xff_bytes += vlen + 2;
	}
	return MHD_YES;
}

static bool token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	       c == '.';
}

/* Use the caller's X-Request-Id when it is short and plain, else make one. */
static void assign_request_id(struct kp_http *h, kp_req_t *req)
{
	const char *given = kp_req_header(req, "X-Request-Id");
	size_t n = given ? strlen(given) : 0;
	bool ok = n > 0 && n < sizeof(req->request_id);
	for (size_t i = 0; ok && i < n; i++)
		ok = token_char(given[i]);
	if (ok)
		memcpy(req->request_id, given, n + 1);
	else
		snprintf(req->request_id, sizeof(req->request_id), "%s-%llu", h->id_prefix,
		         (unsigned long long)atomic_fetch_add(&h->next_id, 1));
}

static void sockaddr_text(const struct sockaddr *sa, char *out, size_t outlen)
{
	snprintf(out, outlen, "unknown");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)outlen);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)outlen);
}

static void peer_address(struct MHD_Connection *conn, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	sockaddr_text(ci ? ci->client_addr : NULL, out, outlen);
}

struct xff_join {
	char *w; /* the next byte to write; the buffer holds header_scan.xff_bytes + 1 */
	bool first;
};

static enum MHD_Result join_xff(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct xff_join *j = cls;
	if (value == NULL || strcasecmp(key, "X-Forwarded-For") != 0)
		return MHD_YES;
	if (!j->first) {
		memcpy(j->w, ", ", 2);
		j->w += 2;
	}
	size_t n = strlen(value);
	memcpy(j->w, value, n);
	j->w += n;
	j->first = false;
	return MHD_YES;
}

/* req->addr: the client, behind trusted proxies (trusted_proxies) the address they forward.
 * Several X-Forwarded-For lines count as one list in their order (HAProxy's forwardfor adds
 * its own line after the client's): reading only the first would believe the client. The
 * lines are joined only when the peer is a trusted proxy, in one buffer sized by the scan
 * (anyone else's lines are never read). */
static void client_address(struct kp_http *h, kp_req_t *req, const struct header_scan *scan)
{
	char peer[64];
	peer_address(req->mhd, peer, sizeof(peer));
	char *xff = NULL;
	if (scan->xff_lines > 0 && h->proxies.n > 0 && kp_http_proxy_trusted(&h->proxies, peer)) {
		xff = kp_arena_alloc(&req->arena, scan->xff_bytes + 1);
		struct xff_join j = {xff, true};
		MHD_get_connection_values(req->mhd, MHD_HEADER_KIND, join_xff, &j);
		*j.w = '\0';
	}
	kp_http_client_addr(&h->proxies, peer, xff, req->addr, sizeof(req->addr));
}

/* Accept policy: at most max_per_address open connections per client address (trusted
 * proxies carry many clients and are exempt), and past max - reserve only addresses with
 * no connection yet (a health check, a new client) get one. */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *sa, socklen_t len)
{
	(void)len;
	struct kp_http *h = cls;
	char addr[48];
	sockaddr_text(sa, addr, sizeof(addr));
	int mine, total;
	kp_conns_count(&h->conns, addr, &mine, &total);
	bool proxy = kp_http_proxy_trusted(&h->proxies, addr);
	if (!proxy && mine >= h->opt.max_conns_per_address) {
		kp_debug("refused a connection from %s: %d open", addr, mine);
		return MHD_NO;
	}
	if (total >= h->opt.max_conns - h->opt.reserved_conns && mine > 0 && !proxy) {
		kp_debug("refused a connection from %s: %d open in all", addr, total);
		return MHD_NO;
	}
	return MHD_YES;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	struct kp_http *h = cls;
	char addr[48];
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		sockaddr_text(ci ? ci->client_addr : NULL, addr, sizeof(addr));
		*socket_context = kp_strdup(addr);
	} else if (*socket_context) {
		snprintf(addr, sizeof(addr), "%s", (const char *)*socket_context);
		free(*socket_context);
		*socket_context = NULL;
	} else {
		return;
	}
	kp_conns_note(&h->conns, addr, code == MHD_CONNECTION_NOTIFY_STARTED);
}

/* A marker for a request whose query string had too many parameters (see uri_seen). */
static char too_many_params;

/* Called with the raw request target before libmicrohttpd splits its query: with more
 * than KP_MAX_QUERY_PARAMS parameters the query is blanked in place (libmicrohttpd would
 * otherwise fill the connection's memory with them and never answer), and the request is
 * marked to be answered 414. */
static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	char *q = strchr(uri, '?');
	if (q == NULL)
		return NULL;
	int n = 1;
	for (const char *p = q; *p; p++)
		n += *p == '&' || *p == ';';
	if (n <= KP_MAX_QUERY_PARAMS)
		return NULL;
	memset(q, 0, strlen(q)); /* the buffer is libmicrohttpd's own read buffer */
	return &too_many_params;
}

/* Framing a proxy in front could read differently (request smuggling): answered 400 and
 * the connection closed. */
static int check_framing(kp_req_t *req, const struct header_scan *scan)
{
	int cl = scan->content_length, te = scan->transfer_encoding;
	const char *why = cl > 1     ? "more than one Content-Length header"
	                  : te > 1   ? "more than one Transfer-Encoding header"
	                  : cl && te ? "both Content-Length and Transfer-Encoding"
	                             : NULL;
	if (why == NULL)
		return 0;
	req->close = true;
	kp_reply_error(req, 400, "bad_framing", "the request has %s", why);
	return -1;
}

static void route_and_authorise(struct kp_http *h, kp_req_t *req);

static kp_req_t *begin_request(struct kp_http *h, struct MHD_Connection *conn, const char *url, const char *method)
{
	kp_req_t *req = kp_calloc(1, sizeof(*req));
	kp_arena_init(&req->arena);
	req->defer_lock = kp_malloc(sizeof(pthread_mutex_t));
	pthread_mutex_init(req->defer_lock, NULL);
	req->mhd = conn;
	req->app = h->opt.app;
	req->started_us = kp_mono_us();
	req->method = kp_arena_strdup(&req->arena, method);
	req->path = kp_arena_strdup(&req->arena, url);
	assign_request_id(h, req);
	struct header_scan scan = {0};
	MHD_get_connection_values(conn, MHD_HEADER_KIND, scan_header, &scan);
	client_address(h, req, &scan);
	atomic_fetch_add(&h->in_flight, 1);

	if (scan.bytes > h->opt.max_header) {
		kp_reply_error(req, 431, "headers_too_large", "request headers exceed %zu bytes", h->opt.max_header);
		return req;
	}
	if (check_framing(req, &scan) != 0)
		return req;
	const char *cl = kp_req_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
	long long len;
	if (cl && kp_parse_int(cl, 0, INT64_MAX, &len) == 0 && (unsigned long long)len > h->opt.max_body) {
		req->body_too_large = true;
		kp_reply_error(req, 413, "body_too_large", "request body exceeds %zu bytes", h->opt.max_body);
		return req;
	}
	/* Route, token and role before any body is read: the body of a request refused for
	 * them is never kept (take_body drops it). */
	route_and_authorise(h, req);
	if (h->opt.finish)
		h->opt.finish(req); /* no database connection is held while the body arrives */
	return req;
}

static void take_body(struct kp_http *h, kp_req_t *req, const char *data, size_t n)
{
	if (req->body_too_large || req->status)
		return; /* already answered: drain without keeping */
	if (req->body_len + n > h->opt.max_body) {
		req->body_too_large = true;
		kp_reply_error(req, 413, "body_too_large", "request body exceeds %zu bytes", h->opt.max_body);
		return;
	}
	if (req->body_len + n + 1 > req->body_cap) {
		size_t cap = req->body_cap ? req->body_cap : 1024;
		while (cap < req->body_len + n + 1)
			cap *= 2;
		req->body = kp_realloc(req->body, cap);
		req->body_cap = cap;
	}
	memcpy(req->body + req->body_len, data, n);
	req->body_len += n;
	req->body[req->body_len] = '\0';
}

static bool is_json_type(const char *ct)
{
	if (ct == NULL)
		return false;
	while (*ct == ' ')
		ct++;
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Parse the body as JSON when one came. Answers 4xx and returns -1 when it is bad. */
static int parse_body(kp_req_t *req)
{
	bool need = req->route && (req->route->flags & KP_ROUTE_JSON_BODY);
	if (req->route && (req->route->flags & KP_ROUTE_RAW_BODY))
		return 0;
	if (req->body_len == 0) {
		if (need) {
			kp_reply_error(req, 400, "missing_body", "this request needs a JSON object body");
			return -1;
		}
		return 0;
	}
	if (!is_json_type(kp_req_header(req, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		kp_reply_error(req, 415, "unsupported_media_type", "the body must be sent as Content-Type: application/json");
		return -1;
	}
	json_error_t e;
	req->json = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &e);
	if (req->json == NULL) {
		/* The position only: jansson's text may quote the body, which is never echoed. */
		kp_reply_error(req, 400, "malformed_json", "the body is not valid JSON (line %d, column %d)", e.line, e.column);
		return -1;
	}
	if (need && !json_is_object(req->json)) {
		kp_reply_error(req, 400, "malformed_json", "the body must be a JSON object");
		return -1;
	}
	return 0;
}

static bool safe_path(const char *p)
{
	size_t n = strlen(p);
	return p[0] == '/' && n < 2048 && kp_utf8_valid(p, n, false);
}

static bool state_changing(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "OPTIONS") != 0;
}

/* Authentication, role and CSRF checks; answers and returns -1 when refused. */
static int authorise(struct kp_http *h, kp_req_t *req)
{
	if (h->opt.authenticate)
		h->opt.authenticate(req);
	if (req->status)
		return -1;
	const kp_route_t *r = req->route;
	if (r->flags & KP_ROUTE_PUBLIC)
		return 0;
	if (req->auth.role == 0) {
		kp_reply_header(req, "WWW-Authenticate", "Bearer realm=\"kapka\"");
		kp_reply_error(req, 401, "unauthenticated", "sign in first: send a bearer token or the session cookie");
		return -1;
	}
	if ((req->auth.role & r->roles) == 0) {
		kp_reply_error(req, 403, "forbidden", "your role may not %s %s", req->method, r->pattern);
		return -1;
	}
	if (req->auth.via_cookie && state_changing(req->method)) {
		const char *sent = kp_req_header(req, "X-CSRF-Token");
		if (sent == NULL || req->auth.csrf == NULL || !kp_str_ct_equal(sent, req->auth.csrf)) {
			kp_reply_error(req, 403, "csrf", "missing or wrong X-CSRF-Token header for a cookie session");
			return -1;
		}
	}
	return 0;
}

/* Cross-origin reads, as Spring's @CrossOrigin allows them on the e-permit reference's
 * index and verify endpoints (the universal verifier calls them from a browser): any
 * origin, GET and HEAD only, no credentials. A preflight for such a route is answered
 * here (403 for another method, as Spring does); true when it was one. */
static bool cors_preflight(struct kp_http *h, kp_req_t *req)
{
	const char *want = kp_req_header(req, "Access-Control-Request-Method");
	if (strcmp(req->method, "OPTIONS") != 0 || want == NULL || kp_req_header(req, "Origin") == NULL)
		return false;
	bool known;
	const kp_route_t *r = kp_route_match(h->opt.routes, h->opt.nroutes, NULL, "GET", req->path, &known);
	if (r == NULL || !(r->flags & KP_ROUTE_CORS))
		return false;
	kp_reply_header(req, "Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
	if (strcmp(want, "GET") != 0 && strcmp(want, "HEAD") != 0) {
		kp_reply_error(req, 403, "cors_refused", "only GET and HEAD may be called from another origin here");
		return true;
	}
	const char *headers = kp_req_header(req, "Access-Control-Request-Headers");
	kp_reply_header(req, "Access-Control-Allow-Origin", "*");
	kp_reply_header(req, "Access-Control-Allow-Methods", "GET,HEAD");
	if (headers && strlen(headers) < 512)
		kp_reply_header(req, "Access-Control-Allow-Headers", kp_arena_strdup(&req->arena, headers));
	kp_reply_header(req, "Access-Control-Max-Age", "1800");
	kp_reply_bytes(req, 200, "text/plain", "", 0);
	return true;
}

static void route_and_authorise(struct kp_http *h, kp_req_t *req)
{
	if (!safe_path(req->path)) {
		kp_reply_error(req, 400, "bad_path", "the request path is not acceptable");
		return;
	}
	if (cors_preflight(h, req))
		return;
	bool path_known = false;
	req->route = kp_route_match(h->opt.routes, h->opt.nroutes, req, req->method, req->path, &path_known);
	if (req->route && (req->route->flags & KP_ROUTE_CORS)) { /* errors included, so the page reads a 404 */
		kp_reply_header(req, "Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
		if (kp_req_header(req, "Origin"))
			kp_reply_header(req, "Access-Control-Allow-Origin", "*");
	}
	if (req->route == NULL) {
		if (path_known) {
			kp_reply_error(req, 405, "method_not_allowed", "%s is not allowed on this path", req->method);
			return;
		}
		bool api = strncmp(req->path, "/api/", 5) == 0;
		if (!api && (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) && h->web_root)
			kp_static_serve(req, h->web_root, req->path);
		else
			kp_reply_error(req, 404, "not_found", "no such resource");
		return;
	}
	authorise(h, req);
}

/* The whole request is in: parse the body and run the handler of the route found. */
static void dispatch(kp_req_t *req)
{
	if (kp_req_query_check(req) != 0 || parse_body(req) != 0)
		return;
	req->route->handler(req);
	if (req->status == 0 && !req->deferred) {
		kp_error("handler for %s %s gave no answer", req->route->method, req->route->pattern);
		kp_reply_error(req, 500, "internal", "no answer was produced");
	}
}

/* One JSON line per request, at info level (quiet with --log-level warn or error). */
/* The path as the log can hold it: bytes that are not valid UTF-8, and control
 * characters, written as %XX, so that every request has its line. */
static const char *loggable(kp_req_t *req, const char *s)
{
	size_t n = strlen(s);
	if (kp_utf8_valid(s, n, false))
		return s;
	char *out = kp_arena_alloc(&req->arena, n * 3 + 1), *w = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80 || *p < 0x20 || *p == 0x7f)
			w += sprintf(w, "%%%02X", *p);
		else
			*w++ = (char)*p;
	}
	*w = '\0';
	return out;
}

static void access_log(kp_req_t *req, size_t bytes)
{
	if (!kp_log_enabled(KP_LOG_INFO))
		return;
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:I, s:I, s:s}", "type", "access", "id", req->request_id,
	                      "method", loggable(req, req->method), "path", loggable(req, req->path), "addr", req->addr,
	                      "status", req->status, "bytes", (json_int_t)bytes, "us",
	                      (json_int_t)(kp_mono_us() - req->started_us), "user",
	                      req->auth.username ? req->auth.username : "-");
	if (j == NULL)
		return;
	char ts[32];
	kp_iso8601(kp_now(), ts, sizeof(ts));
	json_object_set_new(j, "ts", json_string(ts));
	if (req->error_code)
		json_object_set_new(j, "error", json_string(req->error_code));
	char *line = json_dumps(j, JSON_COMPACT);
	kp_log_line(line);
	free(line);
	json_decref(j);
}

static enum MHD_Result send_reply(struct kp_http *h, kp_req_t *req)
{
	char *body = req->reply_body;
	size_t len = req->reply_len;
	if (req->reply_json) {
		body = json_dumps(req->reply_json, JSON_COMPACT);
		len = body ? strlen(body) : 0;
	} else {
		req->reply_body = NULL; /* ownership passes to the response */
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, req->content_type ? req->content_type : "text/plain");
	MHD_add_response_header(resp, "X-Request-Id", req->request_id);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	bool has_cache = false;
	for (int i = 0; i < req->nheaders; i++) {
		MHD_add_response_header(resp, req->headers[i].name, req->headers[i].value);
		has_cache |= strcasecmp(req->headers[i].name, "Cache-Control") == 0;
	}
	if (!has_cache)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (atomic_load(&h->stopping) || req->close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result r = MHD_queue_response(req->mhd, (unsigned)req->status, resp);
	MHD_destroy_response(resp);
	access_log(req, len);
	kp_metrics_request(req->route ? req->route->method : NULL, req->route ? req->route->pattern : NULL, req->status,
	                   kp_mono_us() - req->started_us);
	return r;
}

void kp_req_defer(kp_req_t *req)
{
	req->deferred = true;
}

/* Suspend the connection unless the deferred answer is already there. True when parked. */
static bool park(kp_req_t *req)
{
	pthread_mutex_lock(req->defer_lock);
	bool wait = !req->completed;
	if (wait && !req->suspended) {
		req->suspended = true;
		MHD_suspend_connection(req->mhd);
	}
	pthread_mutex_unlock(req->defer_lock);
	return wait;
}

/* Resume outside the lock: once resumed, libmicrohttpd may find the client gone and free the
 * request (on_completed) at once, lock included. A suspended connection cannot end before
 * this resume, so req is still alive until then; it is not touched after. */
void kp_req_complete(kp_req_t *req)
{
	pthread_mutex_lock(req->defer_lock);
	req->completed = true;
	bool resume = req->suspended;
	struct MHD_Connection *conn = req->mhd;
	pthread_mutex_unlock(req->defer_lock);
	if (resume)
		MHD_resume_connection(conn);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)version;
	struct kp_http *h = cls;
	kp_req_t *req = *con_cls;
	if (req == NULL || req == (void *)&too_many_params) {
		/* First call: headers only. The answer is queued on a later call (MHD 0.9.75
		 * closes the connection when a response is queued on the first). */
		bool query_refused = req != NULL;
		*con_cls = req = begin_request(h, conn, url, method);
		if (query_refused && req->status == 0)
			kp_reply_error(req, 414, "too_many_parameters", "the query has more than %d parameters",
			               KP_MAX_QUERY_PARAMS);
		return MHD_YES;
	}
	if (*upload_size) {
		/* A request already refused reads its body without keeping it (take_body), and is
		 * answered once it is in: clients read no answer sent while they are still sending. */
		take_body(h, req, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (req->status == 0 && !req->deferred)
		dispatch(req);
	if (req->deferred && park(req))
		return MHD_YES;
	return send_reply(h, req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	(void)toe;
	struct kp_http *h = cls;
	kp_req_t *req = *con_cls;
	if (req == NULL)
		return;
	if (h->opt.finish)
		h->opt.finish(req);
	json_decref(req->json);
	json_decref(req->reply_json);
	json_decref(req->field_errors);
	free(req->reply_body);
	free(req->body);
	kp_arena_cleanup(&req->arena);
	pthread_mutex_destroy(req->defer_lock);
	free(req->defer_lock);
	free(req);
	*con_cls = NULL;
	atomic_fetch_sub(&h->in_flight, 1);
}

/* libmicrohttpd's unescaping, with kp_http_unescape (request.c). */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return kp_http_unescape(s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	kp_debug("microhttpd: %s", msg);
}

static void free_tls(struct kp_http *h)
{
	if (h->tls_key)
		kp_wipe(h->tls_key, strlen(h->tls_key));
	free(h->tls_key);
	free(h->tls_cert);
	h->tls_key = h->tls_cert = NULL;
}

/* What a failed start leaves: the server before its daemon ran. */
static void free_server(struct kp_http *h)
{
	free_tls(h);
	free(h->web_root);
	kp_conns_cleanup(&h->conns);
	free(h);
}

/* The address to listen on as a socket address (IPv6 adds MHD_USE_IPv6 to *flags); 0, or
 * -1 with err set when it is not an IP address. */
static int listen_address(const kp_http_options_t *o, struct sockaddr_storage *ss, unsigned *flags, char *err,
                          size_t errlen)
{
	struct sockaddr_in *sa4 = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6 *sa6 = (struct sockaddr_in6 *)(void *)ss;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, o->listen, &sa4->sin_addr) == 1) {
		sa4->sin_family = AF_INET;
		sa4->sin_port = htons((uint16_t)o->port);
		return 0;
	}
	if (inet_pton(AF_INET6, o->listen, &sa6->sin6_addr) == 1) {
		sa6->sin6_family = AF_INET6;
		sa6->sin6_port = htons((uint16_t)o->port);
		*flags |= MHD_USE_IPv6;
		return 0;
	}
	snprintf(err, errlen, "listen address '%s' is not an IPv4 or IPv6 address", o->listen);
	return -1;
}

/* The connection limits and idle timeout, with their defaults when unset or out of range. */
static void apply_limits(struct kp_http *h)
{
	if (h->opt.max_conns <= 0)
		h->opt.max_conns = 4096;
	if (h->opt.max_conns_per_address <= 0)
		h->opt.max_conns_per_address = h->opt.max_conns;
	if (h->opt.reserved_conns < 0 || h->opt.reserved_conns >= h->opt.max_conns)
		h->opt.reserved_conns = h->opt.max_conns / 4; /* the headroom can never be all of it */
	if (h->opt.idle_timeout <= 0)
		h->opt.idle_timeout = 60;
}

/* The daemon's TLS options when a certificate is given (copies kept in h until it stops),
 * TLS 1.2 and 1.3 only; 0, or -1 with err set when this libmicrohttpd has no TLS. */
static int tls_options(struct kp_http *h, const kp_http_options_t *o, struct MHD_OptionItem tls[4], unsigned *flags,
                       char *err, size_t errlen)
{
	tls[0] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	if (o->tls_cert_pem == NULL || o->tls_cert_pem[0] == '\0')
		return 0;
	if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
		snprintf(err, errlen, "this libmicrohttpd has no TLS: terminate HTTPS at a proxy instead");
		return -1;
	}
	h->tls_cert = kp_strdup(o->tls_cert_pem);
	h->tls_key = kp_strdup(o->tls_key_pem ? o->tls_key_pem : "");
	*flags |= MHD_USE_TLS;
	tls[0] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, h->tls_cert};
	tls[1] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, h->tls_key};
	tls[2] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0,
	                                 (void *)(uintptr_t) "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"};
	tls[3] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	return 0;
}

/* Start libmicrohttpd with h's options and callbacks; the daemon, or NULL. */
static struct MHD_Daemon *start_daemon(struct kp_http *h, unsigned flags, const struct sockaddr *sa,
                                       struct MHD_OptionItem *tls)
{
	int threads = h->opt.threads > 0 ? h->opt.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	size_t pool = h->opt.max_header * 2 + 65536;
	return MHD_start_daemon(flags, (uint16_t)h->opt.port, accept_policy, h, on_request, h, MHD_OPTION_ARRAY, tls,
	                        MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
	                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)h->opt.idle_timeout,
	                        MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool, MHD_OPTION_CONNECTION_LIMIT,
	                        (unsigned)h->opt.max_conns, MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
	                        MHD_OPTION_URI_LOG_CALLBACK, uri_seen, NULL, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
	                        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	                        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
}

kp_http_t *kp_http_start(const kp_http_options_t *o, char *err, size_t errlen)
{
	struct kp_http *h = kp_calloc(1, sizeof(*h));
	h->opt = *o;
	unsigned char rnd[4];
	kp_random_bytes(rnd, sizeof(rnd));
	snprintf(h->id_prefix, sizeof(h->id_prefix), "%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3]);
	kp_conns_init(&h->conns);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
	                 MHD_ALLOW_SUSPEND_RESUME;
	struct sockaddr_storage sa;
	struct MHD_OptionItem tls[4];
	if (kp_http_proxies_parse(o->trusted_proxies, &h->proxies, err, errlen) != 0 ||
	    listen_address(o, &sa, &flags, err, errlen) != 0 || tls_options(h, o, tls, &flags, err, errlen) != 0) {
		free_server(h);
		return NULL;
	}
	apply_limits(h);
	/* Resolved once: static.c compares each file's real path with it. */
	if (o->web_dir && (h->web_root = realpath(o->web_dir, NULL)) == NULL)
		kp_warn("web_dir %s cannot be opened: no pages will be served", o->web_dir);
	h->daemon = start_daemon(h, flags, (const struct sockaddr *)&sa, tls);
	if (h->daemon == NULL) {
		if (h->tls_cert)
			snprintf(err, errlen,
			         "cannot serve HTTPS on %s port %d: the port is in use, or tls_cert and tls_key "
			         "are not a PEM certificate and its private key",
			         o->listen, o->port);
		else
			snprintf(err, errlen, "cannot listen on %s port %d (in use, or not allowed)", o->listen, o->port);
		free_server(h);
		return NULL;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	h->port = di ? di->port : o->port;
	return h;
}

int kp_http_port(const kp_http_t *h)
{
	return h->port;
}

/* Hand connections still waiting in the listen queue to the server, so that they are
 * answered (with Connection: close) instead of being reset when the socket closes. */
static void drain_backlog(kp_http_t *h, MHD_socket s)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	int fd;
	while ((fd = accept4(s, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (MHD_add_connection(h->daemon, fd, (struct sockaddr *)&sa, len) != MHD_YES)
			close(fd);
		len = sizeof(sa);
	}
}

void kp_http_stop(kp_http_t *h, int grace_seconds)
{
	atomic_store(&h->stopping, true);
	MHD_socket s = MHD_quiesce_daemon(h->daemon);
	if (s != MHD_INVALID_SOCKET)
		fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
	int64_t deadline = kp_mono_us() + (int64_t)grace_seconds * 1000000;
	/* A request whose bytes have arrived but that no worker has started yet is not in
	 * flight, and between two requests the count can touch zero: stop only after it has
	 * stayed at zero for SETTLE_TICKS ticks in a row. */
	enum { SETTLE_TICKS = 10 };
	int idle_ticks = 0;
	do {
		if (s != MHD_INVALID_SOCKET)
			drain_backlog(h, s);
		usleep(10000);
		idle_ticks = atomic_load(&h->in_flight) > 0 ? 0 : idle_ticks + 1;
	} while (idle_ticks < SETTLE_TICKS && kp_mono_us() < deadline);
	if (s != MHD_INVALID_SOCKET) {
		drain_backlog(h, s);
		close(s);
	}
	while (atomic_load(&h->in_flight) > 0 && kp_mono_us() < deadline)
		usleep(10000);
	if (atomic_load(&h->in_flight) > 0)
		kp_warn("stopping with %d requests still in flight", atomic_load(&h->in_flight));
	MHD_stop_daemon(h->daemon);
	free_server(h);
}
