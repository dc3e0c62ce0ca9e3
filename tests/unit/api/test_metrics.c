/* test_metrics.c: who may read GET /metrics (src/api/metrics.c): the addresses of the
 * setting metrics_allow as kapka parsed them once at start (kp_app_t.metrics_allow), not
 * the setting's text read again on every scrape. */
#include "kp_api_test.h"

#include "api/operations.h"
#include "http/http.h"

static int group_setup(void **state)
{
	return kp_t_group_setup(state);
}

static int scrape(void)
{
	kp_req_t *req = kp_t_req("GET", NULL); /* from 192.0.2.1 */
	kp_api_metrics(req);
	int status = req->status;
	if (status == 200)
		assert_non_null(strstr(req->reply_body, "\nkapka_up 1\n"));
	else
		assert_string_equal(kp_t_error_code(req), "metrics_forbidden");
	kp_t_free(req);
	return status;
}

static void allow_list_parsed_at_start(void **state)
{
	(void)state;
	kp_proxies_t docs, ten;
	char err[128];
	assert_int_equal(kp_http_proxies_parse("192.0.2.0/24", &docs, err, sizeof(err)), 0);
	assert_int_equal(kp_http_proxies_parse("10.0.0.0/8, ::1", &ten, err, sizeof(err)), 0);

	kp_t_app.metrics_allow = NULL; /* no list: nobody without the token */
	assert_int_equal(scrape(), 403);
	kp_t_app.metrics_allow = &docs;
	snprintf(kp_t_cfg.metrics_allow, sizeof(kp_t_cfg.metrics_allow), "%s", "");
	assert_int_equal(scrape(), 200); /* the parsed list decides, not the text */
	kp_t_app.metrics_allow = &ten;
	snprintf(kp_t_cfg.metrics_allow, sizeof(kp_t_cfg.metrics_allow), "%s", "192.0.2.1");
	assert_int_equal(scrape(), 403);
	kp_t_app.metrics_allow = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(allow_list_parsed_at_start)};
	return cmocka_run_group_tests(tests, group_setup, kp_t_group_teardown);
}
