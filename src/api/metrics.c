/* metrics.c: GET /metrics, the Prometheus text exposition of the process's counters
 * (core/metrics.c), the connection pool and the database's gauges (store/metrics.c). */
#include "api/operations.h"
#include "api/api.h"
#include "core/metrics.h"
#include "core/util.h"
#include "crypto/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* May this request read the metrics? Token first (any address), then the allow-list,
 * matched against the client's address as trusted_proxies resolve it. */
static bool metrics_allowed(kp_req_t *req, const kp_app_t *app)
{
	const char *token = app->cfg->metrics_token, *h = kp_req_header(req, "Authorization");
	if (token[0] && h && strncasecmp(h, "Bearer ", 7) == 0 && kp_str_ct_equal(h + 7, token))
		return true;
	return app->metrics_allow && kp_http_proxy_trusted(app->metrics_allow, req->addr);
}

static void emit(void *ctx, const char *name, const char *type, const char *help, const kp_sample_t *s, int n)
{
	kp_metrics_family(ctx, name, type, help, s, n);
}

static void write_pool(FILE *f, kp_app_t *app)
{
	int size, in_use;
	kp_store_pool_use(app->store, &size, &in_use);
	kp_metrics_family(f, "kapka_db_pool_connections", "gauge", "Database connections in this process's pool.",
	                  &(kp_sample_t){.value = size}, 1);
	kp_metrics_family(f, "kapka_db_pool_in_use", "gauge", "Pool connections borrowed at this moment.",
	                  &(kp_sample_t){.value = in_use}, 1);
}

void kp_api_metrics(kp_req_t *req)
{
	kp_app_t *app = kp_api_app(req);
	if (!metrics_allowed(req, app)) {
		kp_reply_error(req, 403, "metrics_forbidden",
		               "this address may not read the metrics (settings metrics_allow, metrics_token)");
		return;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL)
		kp_fatal("open_memstream failed");
	write_pool(f, app); /* before this request borrows its own connection */
	int rc = kp_store_gauges(kp_api_db(req), &req->arena, emit, f);
	kp_metrics_write_process(f);
	kp_metrics_family(f, "kapka_up", "gauge", "1 while this process serves; database gauges answered when "
	                  "kapka_db_up is 1.", &(kp_sample_t){.value = 1}, 1);
	kp_metrics_family(f, "kapka_db_up", "gauge", "1 when the database gauges could be read.",
	                  &(kp_sample_t){.value = rc == KP_DB_OK}, 1);
	fclose(f);
	kp_reply_take(req, 200, "text/plain; version=0.0.4; charset=utf-8", buf, len);
}
