/* sms.c: SMS through Kannel's HTTP sendsms interface (smsbox, docs/notifications.md):
 * GET sms_url?username=&password=&from=&to=&text=&charset=UTF-8&coding=; Kannel answers
 * "0: Accepted for delivery" or "3: Queued for later delivery" when it took the message.
 * With dlr-mask and dlr-url smsbox later GETs dlr-url with %d replaced by the report's type. */
#include "notify/notify.h"
#include "domain/notice.h"
#include "exchange/client.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANSWER_MAX 4096

/* Append &name=value (escaped) to url. */
static char *add_param(char *url, const char *name, const char *value)
{
	char *esc = curl_easy_escape(NULL, value, 0);
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

const char *kp_notify_dlr_state(long type)
{
	switch (type) {
	case 1:
		return "delivered";
	case 2:
		return "failed";
	case 4:
		return "buffered";
	case 8:
		return "accepted";
	case 16:
		return "rejected";
	default:
		return NULL;
	}
}

int kp_notify_send_sms(const kp_config_t *cfg, const char *to, const char *text, const char *dlr_url, char *err,
                       size_t errlen)
{
	bool ucs2 = false;
	if (kp_sms_parts(text, &ucs2) < 0) {
		snprintf(err, errlen, "the text is not UTF-8");
		return -1;
	}
	char *url = strdup(cfg->sms_url);
	url = url ? add_param(url, "username", cfg->sms_user) : NULL;
	url = url ? add_param(url, "password", cfg->sms_password) : NULL;
	if (url && cfg->sms_from[0])
		url = add_param(url, "from", cfg->sms_from);
	url = url ? add_param(url, "to", to) : NULL;
	url = url ? add_param(url, "text", text) : NULL;
	url = url ? add_param(url, "charset", "UTF-8") : NULL;
	url = url ? add_param(url, "coding", ucs2 ? "2" : "0") : NULL;
	if (url && dlr_url) { /* every report: 1 delivered, 2 failed, 4 buffered, 8 accepted, 16 rejected */
		url = add_param(url, "dlr-mask", "31");
		url = url ? add_param(url, "dlr-url", dlr_url) : NULL;
	}
	if (url == NULL) {
		snprintf(err, errlen, "Kannel did not answer: %s", curl_easy_strerror(CURLE_OUT_OF_MEMORY));
		return -1;
	}
	/* the operator's own gateway, usually on loopback or a private network: no address guard */
	kp_client_request_t r = {url, NULL, 0, NULL, (long)cfg->notify_timeout_ms, ANSWER_MAX, false};
	kp_client_answer_t ans;
	int rc = kp_client_request(&r, &ans);
	memset(url, 0, strlen(url)); /* it holds the password */
	free(url);
	if (rc != 0) {
		snprintf(err, errlen, "Kannel did not answer: %s", ans.error);
		free(ans.body);
		return -1;
	}
	if (strncmp(ans.body, "0:", 2) == 0 || strncmp(ans.body, "3:", 2) == 0) {
		free(ans.body);
		return 0;
	}
	char line[128];
	first_line(ans.body, line, sizeof(line));
	snprintf(err, errlen, "Kannel answered %ld: %s", ans.status, line[0] ? line : "(nothing)");
	free(ans.body);
	return -1;
}
