/* test_proxy.c: the client's address behind trusted proxies (src/http/proxy.c): only a
 * trusted peer's X-Forwarded-For is read, from the right, skipping trusted hops; malformed
 * lists and untrusted peers keep the peer's own address. */
#include "kp_test.h"

#include "http/http.h"

static const char *client(const char *spec, const char *peer, const char *xff)
{
	static char out[64];
	kp_proxies_t l;
	char err[128];
	assert_int_equal(kp_http_proxies_parse(spec, &l, err, sizeof(err)), 0);
	kp_http_client_addr(&l, peer, xff, out, sizeof(out));
	return out;
}

static void parse(void **state)
{
	(void)state;
	kp_proxies_t l;
	char err[128];
	assert_int_equal(kp_http_proxies_parse("", &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(kp_http_proxies_parse("10.0.0.0/8, 192.168.1.1 ::1,fd00::/8", &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 4);
	const char *bad[] = {"10.0.0.0/33", "fd00::/129", "10.0.0/8", "example.org", "10.0.0.1/", "1.2.3.4/x"};
	for (size_t i = 0; i < KP_ROWS(bad); i++)
		assert_int_equal(kp_http_proxies_parse(bad[i], &l, err, sizeof(err)), -1);
	assert_true(kp_http_proxies_parse("10.1.2.3/12", &l, err, sizeof(err)) == 0);
	assert_true(kp_http_proxy_trusted(&l, "10.15.255.255"));
	assert_false(kp_http_proxy_trusted(&l, "10.16.0.0"));
	assert_true(kp_http_proxy_trusted(&l, "::ffff:10.1.2.3")); /* an IPv4 peer on an IPv6 socket */
	assert_false(kp_http_proxy_trusted(&l, "::ffff:10.16.0.1"));
	assert_false(kp_http_proxy_trusted(&l, "::10.1.2.3"));
}

static void client_address(void **state)
{
	(void)state;
	/* no proxies: the header is ignored */
	assert_string_equal(client("", "127.0.0.1", "203.0.113.7"), "127.0.0.1");
	/* an untrusted peer's header is ignored */
	assert_string_equal(client("10.0.0.0/8", "198.51.100.1", "203.0.113.7"), "198.51.100.1");
	assert_string_equal(client("10.0.0.0/8", "10.0.0.5", "203.0.113.7"), "203.0.113.7");
	assert_string_equal(client("10.0.0.0/8", "10.0.0.5", NULL), "10.0.0.5");
	/* the client's own left-hand entries are not believed */
	assert_string_equal(client("10.0.0.0/8", "10.0.0.5", "1.1.1.1, 203.0.113.7"), "203.0.113.7");
	/* trusted hops are skipped */
	assert_string_equal(client("10.0.0.0/8", "10.0.0.5", "203.0.113.7, 10.0.0.9 , 10.1.1.1"), "203.0.113.7");
	assert_string_equal(client("10.0.0.0/8, 2001:db8::/32", "2001:db8::1", "2001:db8:ffff::2,2001:0db8::3"),
	                    "2001:db8:ffff::2");
	assert_string_equal(client("10.0.0.0/8", "10.0.0.5", "2001:db8::7"), "2001:db8::7");
	/* malformed: stop at the last good hop (here the proxy itself) */
	assert_string_equal(client("10.0.0.0/8", "10.0.0.5", "203.0.113.7, nonsense"), "10.0.0.5");
	assert_string_equal(client("10.0.0.0/8", "10.0.0.5", "nonsense, 203.0.113.7"), "203.0.113.7");
	assert_string_equal(client("10.0.0.0/8", "10.0.0.5", ",,,"), "10.0.0.5");
	assert_string_equal(client("10.0.0.0/8", "10.0.0.5", ""), "10.0.0.5");
	/* every hop trusted: the left-most */
	assert_string_equal(client("10.0.0.0/8", "10.0.0.5", "10.0.0.1, 10.0.0.2"), "10.0.0.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse),
	    cmocka_unit_test(client_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
