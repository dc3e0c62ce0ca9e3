/* paging.h: the one way list routes read a page (?q=&limit=&offset=) and answer it
 * ({items, total, limit, offset, next_offset}); the store side is store/page.h. */
#ifndef KP_API_PAGING_H
#define KP_API_PAGING_H

#include <jansson.h>

#include "http/http.h"
#include "store/page.h"

#define KP_PAGE_Q_MAX 100 /* characters of a search */

/* q (trimmed; at most KP_PAGE_Q_MAX characters, no control characters), limit (1 to
 * max_limit, def when absent) and offset (0 to 10^9). Answers 400 bad_query naming the
 * parameter and returns -1 when one is bad. */
int kp_api_page_read(kp_req_t *req, int max_limit, int def_limit, kp_page_t *p);

/* A list's text filter ?name=: *out is NULL when absent, else the value as given. Answers
 * 400 bad_query naming the parameter and returns -1 when it is not UTF-8 text without
 * controls of at most max_chars characters (it would otherwise reach the database raw). */
int kp_api_page_filter(kp_req_t *req, const char *name, size_t max_chars, const char **out);

/* Answer 200 {items, total, limit, offset, next_offset (when more rows follow)}; takes
 * items. */
void kp_api_page_reply(kp_req_t *req, json_t *items, int64_t total, const kp_page_t *p);

#endif
