/* fetch.h: one plain HTTP request with libcurl, the body kept in memory: what the
 * transparency log's monitor (`kapka log monitor`) and its witness client need. */
#ifndef KP_FETCH_H
#define KP_FETCH_H

#include <stddef.h>

typedef struct kp_fetch_result {
	long status; /* HTTP status; 0 when no answer came */
	char *body;  /* malloc'd, NUL-terminated (the caller frees it) */
	size_t len;
	char error[512]; /* why there was no answer */
} kp_fetch_result_t;

/* GET url (body NULL) or POST body with content_type. max_bytes caps the answer (larger:
 * status 0 and an error). 0 when an answer came (any status), -1 otherwise. */
int kp_fetch(const char *url, const char *body, size_t body_len, const char *content_type, long timeout_ms,
             size_t max_bytes, kp_fetch_result_t *out);

#endif
