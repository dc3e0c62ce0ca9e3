/* xroad.c: calling another agency's service through our X-Road security server. */
#include "exchange/xroad.h"
#include "exchange/client.h"
#include "core/util.h"
#include "crypto/hash.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANSWER_MAX (4u << 20)

static int count_parts(const char *s)
{
	int n = 1;
	for (; *s; s++)
		if (*s == '/')
			n++;
	return n;
}

int kp_xroad_call(const kp_config_t *cfg, const char *service_id, const char *path, const char *user, const char *issue,
                  long *status, char **body, char *err, size_t errlen)
{
	*status = 0;
	*body = NULL;
	if (!cfg->xroad_consumer_url[0] || !cfg->xroad_client[0]) {
		snprintf(err, errlen, "set xroad_consumer_url and xroad_client first");
		return -1;
	}
	if (!service_id || count_parts(service_id) != 5 || strchr(service_id, ' ') || (path && *path && *path != '/')) {
		snprintf(err, errlen,
		         "the service id must be INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE and the path start with /");
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
	kp_client_request_t r = {url, NULL, 0, hs, 30000L, ANSWER_MAX, false}; /* our own security server */
	kp_client_answer_t ans;
	if (kp_client_request(&r, &ans) != 0)
		snprintf(err, errlen, "%s: %s", url, ans.error);
	curl_slist_free_all(hs);
	*status = ans.status;
	*body = ans.body;
	return 0;
}
