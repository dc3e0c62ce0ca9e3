/* smtp.c: email over SMTP through libcurl (smtp:// with STARTTLS, or smtps://, with or
 * without AUTH): a plain-text UTF-8 message with the headers mail servers expect. */
#include "notify/notify.h"
#include "core/clock.h"
#include "core/util.h"
#include "crypto/hash.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Base64 of n bytes of s, in a malloc'd string. */
static char *b64(const char *s, size_t n)
{
	size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *out = kp_malloc(len);
	sodium_bin2base64(out, len, (const unsigned char *)s, n, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

/* The address inside "Name <a@b>", or the whole text. */
static void bare_address(const char *from, char *out, size_t outlen)
{
	const char *lt = strchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt)
		snprintf(out, outlen, "%.*s", (int)(gt - lt - 1), lt + 1);
	else
		snprintf(out, outlen, "%s", from);
}

/* A header value may not break the header: CR and LF become spaces. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\r' || *s == '\n')
			*s = ' ';
}

char *kp_notify_email_message(const char *from, const char *to, int64_t id, int64_t now, const char *subject,
                              const char *text)
{
	char date[64], domain[256], addr[256];
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	bare_address(from, addr, sizeof(addr));
	const char *at = strrchr(addr, '@');
	snprintf(domain, sizeof(domain), "%s", at ? at + 1 : "kapka.invalid");
	char *subj = b64(subject, strlen(subject)), *body = b64(text, strlen(text));
	size_t blen = strlen(body), lines = blen / 76 + 1;
	size_t cap = strlen(from) + strlen(to) + strlen(subj) + blen + lines * 2 + 1024;
	char *msg = kp_malloc(cap);
	char token[24];
	kp_random_token(8, token, sizeof(token));
	int off = snprintf(msg, cap,
	                   "Date: %s\r\nMessage-ID: <notification-%lld.%s@%s>\r\nFrom: %s\r\nTo: <%s>\r\n"
	                   "Subject: =?UTF-8?B?%s?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	                   "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n",
	                   date, (long long)id, token, domain, from, to, subj);
	for (size_t i = 0; i < blen; i += 76)
		off += snprintf(msg + off, cap - (size_t)off, "%.*s\r\n", (int)(blen - i < 76 ? blen - i : 76), body + i);
	free(subj);
	free(body);
	return msg;
}

struct upload {
	const char *data;
	size_t len, off;
};

static size_t feed(char *buf, size_t size, size_t n, void *ctx)
{
	struct upload *u = ctx;
	size_t room = size * n, left = u->len - u->off;
	size_t take = left < room ? left : room;
	memcpy(buf, u->data + u->off, take);
	u->off += take;
	return take;
}

int kp_notify_send_email(const kp_config_t *cfg, int64_t id, const char *to, const char *subject, const char *text,
                         char *err, size_t errlen)
{
	char from[256], rcpt[300], subj[512];
	bare_address(cfg->smtp_from, from, sizeof(from));
	snprintf(rcpt, sizeof(rcpt), "<%s>", to);
	snprintf(subj, sizeof(subj), "%s", subject);
	one_line(subj);
	char mail_from[300];
	snprintf(mail_from, sizeof(mail_from), "<%s>", from);
	char *msg = kp_notify_email_message(cfg->smtp_from, to, id, kp_now(), subj, text);
	CURL *curl = curl_easy_init();
	if (curl == NULL) {
		free(msg);
		snprintf(err, errlen, "cannot start libcurl");
		return -1;
	}
	struct upload u = {msg, strlen(msg), 0};
	struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
	char curl_err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(curl, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)cfg->notify_timeout_ms);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
	if (strncmp(cfg->smtp_url, "smtp://", 7) == 0)
		curl_easy_setopt(curl, CURLOPT_USE_SSL, cfg->smtp_starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	if (cfg->smtp_ca_file[0])
		curl_easy_setopt(curl, CURLOPT_CAINFO, cfg->smtp_ca_file);
	if (cfg->smtp_user[0]) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->smtp_password);
	}
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, feed);
	curl_easy_setopt(curl, CURLOPT_READDATA, &u);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	CURLcode cc = curl_easy_perform(curl);
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(curl);
	free(msg);
	if (cc == CURLE_OK)
		return 0;
	snprintf(err, errlen, "the mail server did not take it: %s", curl_err[0] ? curl_err : curl_easy_strerror(cc));
	return -1;
}
