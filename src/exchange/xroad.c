/* xroad.c: calling another agency's service through our X-Road security server. */
#include "exchange/xroad.h"
#include "core/util.h"
#include "crypto/hash.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANSWER_MAX (4u << 20)

struct answer {
	char *data;
	size_t len;
};

static size_t take(char *ptr, size_t size, size_t n, void *userdata)
{
	struct answer *a = userdata;
	size_t got = size * n;
	if (a->len + got > ANSWER_MAX)
		return 0;
	a->data = kp_realloc(a->data, a->len + got + 1);
	memcpy(a->data + a->len, ptr, got);
	a->len += got;
	a->data[a->len] = '\0';
	return got;
}

static int count_parts(const char *s)
{
	int n = 1;
	for (; *s; s++)
		if (*s == '/')
			n++;
	return n;
}

int kp_xroad_call(const kp_config_t *cfg, const char *service_id, const char *path, const char *user,
                  const char *issue, long *status, char **body, char *err, size_t errlen)
{
	*status = 0;
	*body = NULL;
	if (!cfg->xroad_consumer_url[0] || !cfg->xroad_client[0]) {
		snprintf(err, errlen, "set xroad_consumer_url and xroad_client first");
		return -1;
	}
	if (!service_id || count_parts(service_id) != 5 || strchr(service_id, ' ') || (path && *path && *path != '/')) {
		snprintf(err, errlen, "the service id must be INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE and the path start with /");
		return -1;
	}
	char id[40], url[1200], hclient[200], hid[80], huser[240], hissue[340];
	kp_random_token(16, id, sizeof(id));
	size_t blen = strlen(cfg->xroad_consumer_url);
	while (blen && cfg->xroad_consumer_url[blen - 1] == '/')
		blen--;
	snprintf(url, sizeof(url), "%.*s/r1/%s%s", (int)blen, cfg->xroad_consumer_url, service_id, path ? path : "");
	snprintf(hclient, sizeof(hclient), "X-Road-Client: %s", cfg->xroad_client);
	snprintf(hid, sizeof(hid), "X-Road-Id: kapka-%s", id);
	struct curl_slist *hs = curl_slist_append(NULL, hclient);
	hs = curl_slist_append(hs, hid);
	hs = curl_slist_append(hs, "Accept: application/json");
	if (user) {
		snprintf(huser, sizeof(huser), "X-Road-UserId: %s", user);
		hs = curl_slist_append(hs, huser);
	}
	if (issue) {
		snprintf(hissue, sizeof(hissue), "X-Road-Issue: %s", issue);
		hs = curl_slist_append(hs, hissue);
	}
	struct answer ans = {0};
	char cerr[CURL_ERROR_SIZE] = "";
	CURL *h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, take);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &ans);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	else
		snprintf(err, errlen, "%s: %s", url, cerr[0] ? cerr : curl_easy_strerror(rc));
	curl_slist_free_all(hs);
	curl_easy_cleanup(h);
	*body = ans.data ? ans.data : kp_strdup("");
	return 0;
}
