/* test_metrics.c: the Prometheus text the metrics module writes: label values escaped,
 * cumulative histogram buckets, one series per route and status. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"

static char *render(void (*fn)(FILE *, void *), void *ctx)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fn(f, ctx);
	fclose(f);
	return buf;
}

static void write_family(FILE *f, void *ctx)
{
	kp_metrics_family(f, "kapka_test", "gauge", "A test.", ctx, 2);
}

static void family_escapes_label_values(void **state)
{
	(void)state;
	kp_sample_t s[2] = {
	    {.labels = {{"partner", "U\"Z\\\n"}, {NULL, NULL}}, .value = 3},
	    {.labels = {{"a", "x"}, {"b", "y"}}, .value = 0.25},
	};
	char *out = render(write_family, s);
	assert_string_equal(out, "# HELP kapka_test A test.\n# TYPE kapka_test gauge\n"
	                         "kapka_test{partner=\"U\\\"Z\\\\\\n\"} 3\n"
	                         "kapka_test{a=\"x\",b=\"y\"} 0.25\n");
	free(out);
}

static void write_process(FILE *f, void *ctx)
{
	(void)ctx;
	kp_metrics_write_process(f);
}

static void requests_counted_per_route_and_status_with_cumulative_buckets(void **state)
{
	(void)state;
	static const char method[] = "GET", route[] = "/api/v1/things/{id}";
	kp_metrics_request(method, route, 200, 500);     /* 0.5 ms */
	kp_metrics_request(method, route, 200, 30000);   /* 30 ms */
	kp_metrics_request(method, route, 404, 2000000); /* 2 s */
	kp_metrics_request(NULL, NULL, 404, 100);
	kp_metrics_batch(3, 100, 2000);
	char *out = render(write_process, NULL);
	assert_non_null(
	    strstr(out, "kapka_http_requests_total{method=\"GET\",route=\"/api/v1/things/{id}\",status=\"200\"} 2\n"));
	assert_non_null(
	    strstr(out, "kapka_http_requests_total{method=\"GET\",route=\"/api/v1/things/{id}\",status=\"404\"} 1\n"));
	assert_non_null(strstr(out, "kapka_http_requests_total{method=\"-\",route=\"(none)\",status=\"404\"} 1\n"));
	const char *p = "kapka_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/things/{id}\",le=\"";
	char want[256];
	snprintf(want, sizeof(want), "%s0.001\"} 1\n", p);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "%s0.05\"} 2\n", p);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "%s2.5\"} 3\n", p);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "%s+Inf\"} 3\n", p);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "kapka_group_commit_batch_jobs_bucket{le=\"2\"} 0\n"));
	assert_non_null(strstr(out, "kapka_group_commit_batch_jobs_bucket{le=\"4\"} 1\n"));
	assert_non_null(strstr(out, "kapka_group_commit_batch_jobs_sum 3\n"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(family_escapes_label_values),
	    cmocka_unit_test(requests_counted_per_route_and_status_with_cumulative_buckets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
