/* client.h: kapka's outbound HTTP calls (libcurl): kp_client_request is the one place the
 * options are set (protocols, timeouts, size cap, the private-address guard, user agent,
 * compression); the partners' e-permit calls below, the agency webhooks, the X-Road calls,
 * and the transparency log's monitor and witnesses (fetch.h) all go through it. */
#ifndef KP_EXCHANGE_CLIENT_H
#define KP_EXCHANGE_CLIENT_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Call once before any thread starts (curl_global_init), and its pair at exit. */
void kp_client_init(void);
void kp_client_cleanup(void);
/* Partner addresses that may be on loopback or private networks (hosts, IPs or CIDRs,
 * comma-separated; exchange_allow_private). Every other call to such an address is
 * refused before it connects, whatever name led there. Set before threads start. */
void kp_client_allow_private(const char *list);
/* Whether url's host resolves, and only to public addresses or ones exchange_allow_private
 * names: 0 when so; else err names the problem and the result says which it is. For
 * addresses kapka will call later (each connection is checked again). */
enum { KP_CLIENT_PRIVATE = -1, KP_CLIENT_UNRESOLVED = -2 };
int kp_client_check_address(const char *url, char *err, size_t errlen);
/* Whether err (as a call filled it) says the address was refused as internal. */
bool kp_client_refused_private(const char *err);

/* One outbound request. */
typedef struct kp_client_request {
	const char *url;
	const char *body;           /* POST body_len bytes of it; NULL: GET */
	size_t body_len;
	struct curl_slist *headers; /* NULL: none */
	long timeout_ms;            /* for the connection and for the whole call */
	size_t max_bytes;           /* cap on the answer's body (larger: no answer); 0: body dropped */
	bool public_only;           /* refuse loopback and private addresses not in exchange_allow_private */
} kp_client_request_t;

typedef struct kp_client_answer {
	long status;      /* HTTP status; 0 when no answer came */
	char *body;       /* malloc'd, NUL-terminated, "" when none (the caller frees it) */
	size_t len;
	bool refused;     /* the address was refused as internal (error says which) */
	char error[512];  /* why no answer came: the refusal, "the answer is too large" or libcurl's */
} kp_client_answer_t;

/* Make the request; 0 when an answer came (any status), -1 otherwise (out->error says why). */
int kp_client_request(const kp_client_request_t *r, kp_client_answer_t *out);

/* GET {base} exactly as configured (then {base}/ when that is not found); *out gets the
 * JSON object. -1 with err filled when unreachable or not a JSON object. */
int kp_client_fetch_config(const char *base, long timeout_ms, json_t **out, char *err, size_t errlen);

/* POST the event to {base}/events/{path} as the reference does (LedgerEventUtil,
 * EventService.sendEvent): the JSON body and "Authorization: Bearer <proof>", the proof
 * being the JWS header and signature without the payload. *status gets the HTTP status
 * (0: no answer); code the answer's details.errorCode, if any; err a short account of a
 * refusal. Returns 0 when the partner answered at all. */
int kp_client_post_event(const char *base, const char *path, const char *body, const char *proof, long timeout_ms,
                         long *status, char *code, size_t codelen, char *err, size_t errlen);

/* POST body to url with headers, the answer's body dropped; *status gets the HTTP status
 * (0: no answer, err says why, an internal address refused among the reasons). */
int kp_client_post(const char *url, struct curl_slist *headers, const char *body, long timeout_ms, long *status,
                   char *err, size_t errlen);

/* GET {base}/healthcheck with "Authorization: Bearer <jwt>"; *out gets the JSON object
 * answered with 200. -1 with err filled otherwise (*status: the HTTP status, 0 none). */
int kp_client_healthcheck(const char *base, const char *jwt, long timeout_ms, long *status, json_t **out, char *err,
                          size_t errlen);

#endif
