/* client.c: outbound calls to partners (see client.h). */
#include "exchange/client.h"
#include "core/util.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANSWER_MAX (256 * 1024)

struct answer {
	char *data;
	size_t len;
	bool too_big;
};

static size_t take(char *ptr, size_t size, size_t n, void *userdata)
{
	struct answer *a = userdata;
	size_t got = size * n;
	if (a->len + got > ANSWER_MAX) {
		a->too_big = true;
		return 0;
	}
	a->data = kp_realloc(a->data, a->len + got + 1);
	memcpy(a->data + a->len, ptr, got);
	a->len += got;
	a->data[a->len] = '\0';
	return got;
}

void kp_client_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void kp_client_cleanup(void)
{
	curl_global_cleanup();
}

/* One request; *status 0 when no answer came (err says why). */
static void call(const char *url, const char *post, struct curl_slist *headers, long timeout_ms, long *status,
                 struct answer *ans, char *err, size_t errlen)
{
	CURL *h = curl_easy_init();
	char cerr[CURL_ERROR_SIZE] = "";
	*status = 0;
	if (h == NULL) {
		snprintf(err, errlen, "cannot start an HTTP client");
		return;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, take);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, ans);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "kapka");
	if (headers)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	if (post)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	else
		snprintf(err, errlen, "%s: %s", url, ans->too_big ? "answer too large" : cerr[0] ? cerr : curl_easy_strerror(rc));
	curl_easy_cleanup(h);
}

/* base without a trailing slash, then path. */
static void join(char *out, size_t len, const char *base, const char *path)
{
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	snprintf(out, len, "%.*s%s", (int)n, base, path);
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
		struct answer ans = {0};
		long status;
		call(url, NULL, NULL, timeout_ms, &status, &ans, err, errlen);
		if (status == 200 && ans.data) {
			*out = json_loadb(ans.data, ans.len, 0, NULL);
			if (!json_is_object(*out)) {
				json_decref(*out);
				*out = NULL;
				snprintf(err, errlen, "%s did not answer a JSON object", url);
			}
		} else if (status)
			snprintf(err, errlen, "%s answered HTTP %ld", url, status);
		free(ans.data);
		if (*out || (status != 404 && (status < 300 || status > 399) && status != 0))
			break;
		if (status == 0)
			break; /* unreachable: the second path would not answer either */
	}
	return *out ? 0 : -1;
}

int kp_client_post_event(const char *base, const char *path, const char *body, const char *proof, long timeout_ms,
                         long *status, char *code, size_t codelen, char *err, size_t errlen)
{
	char url[1200], suffix[64];
	snprintf(suffix, sizeof(suffix), "/events/%s", path);
	join(url, sizeof(url), base, suffix);
	size_t hlen = strlen(proof) + 32;
	char *auth = kp_malloc(hlen);
	snprintf(auth, hlen, "Authorization: Bearer %s", proof);
	struct curl_slist *h = curl_slist_append(NULL, auth);
	h = curl_slist_append(h, "Content-Type: application/json");
	struct answer ans = {0};
	code[0] = '\0';
	call(url, body, h, timeout_ms, status, &ans, err, errlen);
	if (*status && *status != 200) {
		/* ApiErrorResponse (422: details.errorCode; 400: details per field), or plain text (401) */
		json_t *j = ans.data ? json_loadb(ans.data, ans.len, 0, NULL) : NULL;
		json_t *details = json_object_get(j, "details");
		const char *c = json_string_value(json_object_get(details, "errorCode"));
		if (c)
			snprintf(code, codelen, "%s", c);
		char *d = details && !c ? json_dumps(details, JSON_COMPACT) : NULL;
		if (j)
			snprintf(err, errlen, "HTTP %ld %s", *status, c ? c : d ? d : "");
		else
			snprintf(err, errlen, "HTTP %ld %.200s", *status, ans.data ? ans.data : "");
		free(d);
		json_decref(j);
	}
	free(ans.data);
	curl_slist_free_all(h);
	free(auth);
	return *status ? 0 : -1;
}

int kp_client_healthcheck(const char *base, const char *jwt, long timeout_ms, long *status, json_t **out, char *err,
                          size_t errlen)
{
	char url[1200];
	join(url, sizeof(url), base, "/healthcheck");
	size_t hlen = strlen(jwt) + 32;
	char *auth = kp_malloc(hlen);
	snprintf(auth, hlen, "Authorization: Bearer %s", jwt);
	struct curl_slist *h = curl_slist_append(NULL, auth);
	struct answer ans = {0};
	*out = NULL;
	call(url, NULL, h, timeout_ms, status, &ans, err, errlen);
	if (*status == 200 && ans.data) {
		*out = json_loadb(ans.data, ans.len, 0, NULL);
		if (!json_is_object(*out)) {
			json_decref(*out);
			*out = NULL;
			snprintf(err, errlen, "%s did not answer a JSON object", url);
		}
	} else if (*status)
		snprintf(err, errlen, "%s answered HTTP %ld %.200s", url, *status, ans.data ? ans.data : "");
	free(ans.data);
	curl_slist_free_all(h);
	free(auth);
	return *out ? 0 : -1;
}
