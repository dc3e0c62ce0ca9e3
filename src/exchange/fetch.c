/* fetch.c: one plain HTTP request with libcurl. */
#include "exchange/fetch.h"
#include "core/util.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sink {
	char *buf;
	size_t len, cap, max;
	bool too_big;
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t add = size * n;
	if (s->len + add > s->max) {
		s->too_big = true;
		return 0;
	}
	if (s->len + add + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		while (cap < s->len + add + 1)
			cap *= 2;
		s->buf = realloc(s->buf, cap);
		if (s->buf == NULL)
			kp_fatal("out of memory reading an HTTP answer");
		s->cap = cap;
	}
	memcpy(s->buf + s->len, data, add);
	s->len += add;
	s->buf[s->len] = '\0';
	return add;
}

int kp_fetch(const char *url, const char *body, size_t body_len, const char *content_type, long timeout_ms,
             size_t max_bytes, kp_fetch_result_t *out)
{
	memset(out, 0, sizeof(*out));
	CURL *h = curl_easy_init();
	if (h == NULL) {
		snprintf(out->error, sizeof(out->error), "cannot start an HTTP client");
		return -1;
	}
	struct sink s = {.max = max_bytes};
	struct curl_slist *headers = NULL;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	if (body) {
		char ct[128];
		snprintf(ct, sizeof(ct), "Content-Type: %s", content_type ? content_type : "text/plain");
		headers = curl_slist_append(headers, ct);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	} else {
		snprintf(out->error, sizeof(out->error), "%s", s.too_big ? "the answer is too large" : curl_easy_strerror(rc));
		free(s.buf);
		s.buf = NULL;
		s.len = 0;
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	out->body = s.buf ? s.buf : kp_strdup("");
	out->len = s.len;
	return rc == CURLE_OK ? 0 : -1;
}
