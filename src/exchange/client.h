/* client.h: kapka's outbound HTTP calls to partners' public e-permit APIs (libcurl). */
#ifndef KP_EXCHANGE_CLIENT_H
#define KP_EXCHANGE_CLIENT_H

#include <jansson.h>
#include <stddef.h>

/* Call once before any thread starts (curl_global_init), and its pair at exit. */
void kp_client_init(void);
void kp_client_cleanup(void);

/* GET {base}/epermit-configuration (then {base}/ when that is not found); *out gets the
 * JSON object. -1 with err filled when unreachable or not a JSON object. */
int kp_client_fetch_config(const char *base, long timeout_ms, json_t **out, char *err, size_t errlen);

/* POST the signed event to {base}/events, the JWS both in "Authorization: Bearer" and in a
 * {"jws": ...} body. *status gets the HTTP status (0: no answer); code gets the answer's
 * error_code, if any. Returns 0 when the partner answered at all. */
int kp_client_post_event(const char *base, const char *jws, long timeout_ms, long *status, char *code,
                         size_t codelen, char *err, size_t errlen);

#endif
