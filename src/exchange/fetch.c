/* fetch.c: one plain HTTP request, the body kept in memory (fetch.h), made by the one
 * outbound client (client.h): no address guard, the log's and witnesses' addresses being
 * the operator's own choice. */
#include "exchange/fetch.h"
#include "exchange/client.h"

#include <stdio.h>

int kp_fetch(const char *url, const char *body, size_t body_len, const char *content_type, long timeout_ms,
             size_t max_bytes, kp_fetch_result_t *out)
{
	char ct[128];
	struct curl_slist *headers = NULL;
	if (body) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", content_type ? content_type : "text/plain");
		headers = curl_slist_append(headers, ct);
	}
	kp_client_request_t r = {url, body, body_len, headers, timeout_ms, max_bytes, false};
	kp_client_answer_t ans;
	int rc = kp_client_request(&r, &ans);
	curl_slist_free_all(headers);
	out->status = ans.status;
	out->body = ans.body;
	out->len = ans.len;
	snprintf(out->error, sizeof(out->error), "%s", ans.error);
	return rc;
}
