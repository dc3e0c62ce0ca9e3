/* http.h: the HTTP server (libmicrohttpd underneath), the route table type, the request
 * each handler receives and the ways a handler answers. Handlers never see a request
 * that broke a limit, had malformed JSON or lacked the role the route asks for. */
#ifndef KP_HTTP_H
#define KP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

#define KP_MAX_PARAMS 6
#define KP_MAX_HEADERS 8
#define KP_MAX_QUERY_PARAMS 64 /* more: 414 too_many_parameters */

typedef struct kp_auth {
	int64_t user_id, org_id;
	unsigned role; /* one kp_role bit; 0 when anonymous */
	const char *username, *language, *token_hash, *csrf;
	bool via_cookie;
	int64_t device_id;             /* checkpoint equipment (role device): its id ... */
	const char *device_checkpoint; /* ... and the one checkpoint it may register crossings at */
} kp_auth_t;

typedef struct kp_req kp_req_t;
typedef void (*kp_handler_fn)(kp_req_t *req);

enum kp_route_flags {
	KP_ROUTE_PUBLIC = 1 << 0,   /* no sign-in needed (a token is still read if present) */
	KP_ROUTE_JSON_BODY = 1 << 1, /* a JSON object body is required */
	KP_ROUTE_RAW_BODY = 1 << 2,  /* the handler reads the body itself (req->body), whatever its type */
	KP_ROUTE_CORS = 1 << 3,      /* a public GET readable from any web origin (Access-Control-Allow-Origin: *) */
	KP_ROUTE_SLASHES = 1 << 4    /* "a//b" matches as "a/b" (partners join their base and a path) */
};

typedef struct kp_route {
	const char *method;
	const char *pattern; /* "/api/v1/organisations/{id}" */
	kp_handler_fn handler;
	unsigned roles;      /* kp_role bits allowed; ignored for public routes */
	unsigned flags;
	const char *summary;
} kp_route_t;

struct kp_header {
	const char *name, *value;
};

struct kp_req {
	kp_arena_t arena;
	void *mhd; /* struct MHD_Connection */
	void *app;
	const char *method, *path;
	char request_id[40];
	char addr[64];
	int64_t started_us;

	char *body;
	size_t body_len, body_cap;
	bool body_too_large;
	bool close; /* answer with Connection: close (refused before its body was read, bad framing) */
	json_t *json; /* parsed body, when there was one */

	const kp_route_t *route;
	const char *param_names[KP_MAX_PARAMS], *param_values[KP_MAX_PARAMS];
	int nparams;
	kp_auth_t auth;
	void *db; /* the api layer's lazily borrowed connection */

	/* Answer. */
	int status;
	json_t *reply_json;
	char *reply_body; /* malloc'd; freed by the server */
	size_t reply_len;
	const char *content_type;
	struct kp_header headers[KP_MAX_HEADERS];
	int nheaders;
	const char *error_code;
	json_t *field_errors; /* collected by the kp_body_* helpers */

	/* Deferred answers (kp_req_defer / kp_req_complete). */
	void *defer_lock;      /* pthread_mutex_t */
	bool deferred, completed, suspended;
};

/* ---- answering (response.c) ---- */
/* Answer with JSON; takes the reference to body. */
void kp_reply_json(kp_req_t *req, int status, json_t *body);
/* Answer {"error":{"code":code,"message":...}} with status. */
void kp_reply_error(kp_req_t *req, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Answer raw bytes (copied). */
void kp_reply_bytes(kp_req_t *req, int status, const char *content_type, const void *data, size_t len);
/* Answer with a malloc'd buffer, whose ownership passes to the server (no copy). */
void kp_reply_take(kp_req_t *req, int status, const char *content_type, void *data, size_t len);
/* Add a response header (strings must outlive the request: literals or arena). */
void kp_reply_header(kp_req_t *req, const char *name, const char *value);

/* ---- answering later ---- */
/* The handler returns without an answer; another thread will set the answer and call
 * kp_req_complete. The connection is parked meanwhile, holding no worker thread. */
void kp_req_defer(kp_req_t *req);
/* Called (from any thread) once the deferred answer is set. */
void kp_req_complete(kp_req_t *req);

/* ---- reading the request (request.c) ---- */
/* Percent-decode s in place (an encoded NUL becomes 0x7f); returns the new length. */
size_t kp_http_unescape(char *s);
const char *kp_req_param(const kp_req_t *req, const char *name);
/* Path parameter as a positive id; answers 404 and returns -1 when not one. */
int kp_req_param_id(kp_req_t *req, const char *name, int64_t *out);
const char *kp_req_query(const kp_req_t *req, const char *name);
/* Query integer in [min,max] or def when absent; answers 400 and returns -1 when bad. */
/* Every query parameter is UTF-8 text: else a 400 bad_query naming the first that is not,
 * and -1. Run once for each request before its handler, so no handler or store call ever
 * sees other bytes (PostgreSQL refuses them with an error that would be a 500). */
int kp_req_query_check(kp_req_t *req);
int kp_req_query_int(kp_req_t *req, const char *name, long long min, long long max, long long def, long long *out);
const char *kp_req_header(const kp_req_t *req, const char *name);
const char *kp_req_cookie(const kp_req_t *req, const char *name);

/* Body fields. Each records a problem in req->field_errors instead of answering;
 * kp_body_check() then answers 422 naming every problem and returns -1.
 * Strings are trimmed copies in the request arena, NULL when absent and optional. */
const char *kp_body_str(kp_req_t *req, const char *name, size_t max_chars, bool required);
/* check returns NULL when valid, else why not. */
const char *kp_body_str_checked(kp_req_t *req, const char *name, size_t max_chars, bool required,
                                const char *(*check)(const char *));
bool kp_body_int(kp_req_t *req, const char *name, long long min, long long max, bool required, long long *out);
/* A field problem with a stable code (the page's catalogue key is form.problem.<code>),
 * args for the translated text (stolen, may be NULL) and the English problem for API users. */
void kp_field_problem(kp_req_t *req, const char *field, const char *code, json_t *args, const char *problem);
/* A field problem without a more precise code: code "invalid", the page shows the English. */
void kp_field_error(kp_req_t *req, const char *field, const char *problem);
int kp_body_check(kp_req_t *req);

/* ---- routing (router.c) ---- */
/* Find the route for method+path. Returns it and fills req params; *path_known is set
 * when some route matched the path with another method (for 405). */
const kp_route_t *kp_route_match(const kp_route_t *routes, size_t n, kp_req_t *req, const char *method,
                                 const char *path, bool *path_known);

/* ---- the client's address behind trusted proxies (proxy.c) ---- */
#define KP_MAX_PROXIES 32
struct kp_net {
	int family; /* AF_INET or AF_INET6 */
	int bits;
	unsigned char addr[16];
};
typedef struct kp_proxies {
	struct kp_net nets[KP_MAX_PROXIES];
	int n;
} kp_proxies_t;
/* Parse a comma- or space-separated list of addresses and networks ("10.0.0.0/8, ::1").
 * Returns -1 with the problem in err. */
int kp_http_proxies_parse(const char *spec, kp_proxies_t *out, char *err, size_t errlen);
bool kp_http_proxy_trusted(const kp_proxies_t *l, const char *addr);
/* The client's address: peer, unless peer is trusted and sent X-Forwarded-For (xff), then
 * the right-most hop that is not a trusted proxy. Malformed hops stop the walk. */
void kp_http_client_addr(const kp_proxies_t *l, const char *peer, const char *xff, char *out, size_t outlen);

/* ---- the server (server.c) ---- */
typedef struct kp_http kp_http_t;

typedef struct kp_http_options {
	const char *listen;
	int port;
	int threads;
	size_t max_body, max_header;
	const kp_route_t *routes;
	size_t nroutes;
	const char *web_dir;
	const char *trusted_proxies; /* see kp_http_proxies_parse; NULL or "": none */
	int max_conns;               /* open connections in all (0: 4096) */
	int max_conns_per_address;   /* per client address, trusted proxies exempt (0: max_conns) */
	int reserved_conns;          /* of max_conns, kept for addresses with no connection open */
	int idle_timeout;            /* seconds a connection may stay silent (0: 60) */
	const char *tls_cert_pem;    /* HTTPS (GnuTLS under libmicrohttpd) when set: the certificate chain ... */
	const char *tls_key_pem;     /* ... and its private key, PEM; copied (the key wiped at stop) */
	void *app;
	/* Fill req->auth from the request's token, if any. */
	void (*authenticate)(kp_req_t *req);
	/* Release what the api layer took for this request. */
	void (*finish)(kp_req_t *req);
} kp_http_options_t;

kp_http_t *kp_http_start(const kp_http_options_t *o, char *err, size_t errlen);
/* The port actually bound (useful with port 0). */
int kp_http_port(const kp_http_t *h);
/* Stop accepting, let requests in flight finish for up to grace seconds, then stop. */
void kp_http_stop(kp_http_t *h, int grace_seconds);

/* Serve a file from the web folder (static.c); answers 404 JSON when missing or when it
 * resolves outside web_root, which must be the folder's own resolved path (realpath). */
void kp_static_serve(kp_req_t *req, const char *web_root, const char *path);

#endif
