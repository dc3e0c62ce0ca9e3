/* sms.c: SMS through Kannel's HTTP sendsms interface (smsbox, docs/notifications.md):
 * GET sms_url?username=&password=&from=&to=&text=&charset=UTF-8&coding=; Kannel answers
 * "0: Accepted for delivery" or "3: Queued for later delivery" when it took the message. */
#include "notify/notify.h"
#include "domain/notice.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANSWER_MAX 512

struct answer {
	char text[ANSWER_MAX];
	size_t len;
};

static size_t collect(char *p, size_t size, size_t n, void *ctx)
{
	struct answer *a = ctx;
	size_t got = size * n, room = sizeof(a->text) - 1 - a->len;
	size_t take = got < room ? got : room;
	memcpy(a->text + a->len, p, take);
	a->len += take;
	a->text[a->len] = '\0';
	return got;
}

/* Append &name=value (escaped) to url. */
static char *add_param(CURL *curl, char *url, const char *name, const char *value)
{
	char *esc = curl_easy_escape(curl, value, 0);
	size_t n = strlen(url) + strlen(name) + (esc ? strlen(esc) : 0) + 3;
	char *out = malloc(n);
	if (out == NULL || esc == NULL) {
		free(out);
		curl_free(esc);
		free(url);
		return NULL;
	}
	snprintf(out, n, "%s%c%s=%s", url, strchr(url, '?') ? '&' : '?', name, esc);
	curl_free(esc);
	free(url);
	return out;
}

/* Kannel's first line, made printable, for the error. */
static void first_line(const char *text, char *out, size_t outlen)
{
	size_t i = 0;
	for (; text[i] && text[i] != '\n' && i + 1 < outlen && i < 120; i++)
		out[i] = (text[i] >= 0x20 && text[i] < 0x7f) ? text[i] : '?';
	out[i] = '\0';
}

int kp_notify_send_sms(const kp_config_t *cfg, const char *to, const char *text, char *err, size_t errlen)
{
	bool ucs2 = false;
	if (kp_sms_parts(text, &ucs2) < 0) {
		snprintf(err, errlen, "the text is not UTF-8");
		return -1;
	}
	CURL *curl = curl_easy_init();
	if (curl == NULL) {
		snprintf(err, errlen, "cannot start libcurl");
		return -1;
	}
	char *url = strdup(cfg->sms_url);
	url = url ? add_param(curl, url, "username", cfg->sms_user) : NULL;
	url = url ? add_param(curl, url, "password", cfg->sms_password) : NULL;
	if (url && cfg->sms_from[0])
		url = add_param(curl, url, "from", cfg->sms_from);
	url = url ? add_param(curl, url, "to", to) : NULL;
	url = url ? add_param(curl, url, "text", text) : NULL;
	url = url ? add_param(curl, url, "charset", "UTF-8") : NULL;
	url = url ? add_param(curl, url, "coding", ucs2 ? "2" : "0") : NULL;
	struct answer ans = {.len = 0};
	ans.text[0] = '\0';
	long status = 0;
	CURLcode cc = CURLE_OUT_OF_MEMORY;
	if (url) {
		curl_easy_setopt(curl, CURLOPT_URL, url);
		curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)cfg->notify_timeout_ms);
		curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ans);
		cc = curl_easy_perform(curl);
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	}
	if (url)
		memset(url, 0, strlen(url)); /* it holds the password */
	free(url);
	curl_easy_cleanup(curl);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "Kannel did not answer: %s", curl_easy_strerror(cc));
		return -1;
	}
	if (strncmp(ans.text, "0:", 2) == 0 || strncmp(ans.text, "3:", 2) == 0)
		return 0;
	char line[128];
	first_line(ans.text, line, sizeof(line));
	snprintf(err, errlen, "Kannel answered %ld: %s", status, line[0] ? line : "(nothing)");
	return -1;
}
