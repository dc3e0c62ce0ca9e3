/* test_config.c: settings (src/core/config.c): defaults, the file < environment < flags
 * precedence, --flag value and --flag=value, range and length errors, unknown keys. */
#include "kp_test.h"

#include "core/config.h"
#include "core/util.h"

#include <limits.h>

static char tmpdir[PATH_MAX];

/* No KAPKA_* variable from the caller's environment may leak into a test. */
static void clear_env(void)
{
	for (size_t i = 0; kp_config_name(i); i++) {
		char var[96];
		size_t j = (size_t)snprintf(var, sizeof(var), "KAPKA_");
		for (const char *p = kp_config_name(i); *p && j + 1 < sizeof(var); p++)
			var[j++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
		var[j] = '\0';
		unsetenv(var);
	}
	unsetenv("KAPKA_CONFIG");
}

static int setup(void **state)
{
	(void)state;
	clear_env();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	clear_env();
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	kp_test_mkdtemp(tmpdir, sizeof(tmpdir));
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	kp_test_rmtree(tmpdir);
	return 0;
}

/* Write a config file in the test folder; returns its path (static buffer). */
static const char *write_file(const char *name, const char *text)
{
	static char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* kp_config_load with argv built from a NULL-terminated list; the error text goes to
 * errbuf. argv[0..1] are "kapka" and "serve" as in main.c (first = 2). */
struct load_result {
	int rc, nrest;
	char *rest[16];
	char err[1024];
};

static void load(kp_config_t *cfg, struct load_result *r, const char *const *args)
{
	char *argv[20] = {"kapka", "serve"};
	int argc = 2;
	for (; args && args[argc - 2]; argc++)
		argv[argc] = (char *)(uintptr_t)args[argc - 2];
	char *buf = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&buf, &len);
	assert_non_null(err);
	r->nrest = -1;
	r->rc = kp_config_load(cfg, argc, argv, 2, r->rest, &r->nrest, err);
	fclose(err);
	snprintf(r->err, sizeof(r->err), "%s", buf ? buf : "");
	free(buf);
}

static void defaults(void **state)
{
	(void)state;
	kp_config_t c;
	memset(&c, 0x5a, sizeof(c));
	kp_config_defaults(&c);
	assert_string_equal(c.listen, "127.0.0.1");
	assert_int_equal(c.port, 8080);
	assert_string_equal(c.db, "var/kapka.db");
	assert_string_equal(c.web_dir, "web");
	assert_int_equal(c.threads, 0);
	assert_int_equal(c.db_pool, 0);
	assert_string_equal(c.log_level, "info");
	assert_int_equal(c.max_body, 1048576);
	assert_int_equal(c.max_header, 16384);
	assert_int_equal(c.session_ttl, 43200);
	assert_int_equal(c.cookie_secure, 0);
	assert_int_equal(c.login_max_failures, 5);
	assert_int_equal(c.login_lock_seconds, 300);
	assert_int_equal(c.ip_max_failures, 20);
	assert_int_equal(c.ip_window_seconds, 900);
	assert_int_equal(c.shutdown_grace, 10);
	assert_string_equal(c.admin_password, "");
	assert_int_equal(c.sqlite_sync_full, 1);
	assert_string_equal(c.public_url, "");
}

static void names_are_unique_and_terminated(void **state)
{
	(void)state;
	size_t n = 0;
	while (kp_config_name(n))
		n++;
	assert_true(n >= 19);
	assert_null(kp_config_name(n));
	assert_null(kp_config_name(n + 100));
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(kp_config_name(i), kp_config_name(j));
}

static const struct {
	const char *name, *value;
	int rc;
	const char *err_has; /* when rc != 0 */
} set_cases[] = {
    {"port", "0", 0, NULL},
    {"port", "65535", 0, NULL},
    {"port", "65536", -1, "port must be a whole number from 0 to 65535"},
    {"port", "-1", -1, "from 0 to 65535"},
    {"port", "80x", -1, "whole number"},
    {"port", "", -1, "whole number"},
    {"port", "8.5", -1, "whole number"},
    {"threads", "256", 0, NULL},
    {"threads", "257", -1, "from 0 to 256"},
    {"max_body", "1023", -1, "from 1024 to 1073741824"},
    {"max_body", "1024", 0, NULL},
    {"max_body", "1073741824", 0, NULL},
    {"max_body", "1073741825", -1, "max_body"},
    {"max_header", "1048577", -1, "max_header"},
    {"session_ttl", "59", -1, "from 60 to 31536000"},
    {"cookie_secure", "1", 0, NULL},
    {"cookie_secure", "2", -1, "from 0 to 1"},
    {"login_max_failures", "0", -1, "from 1 to 1000"},
    {"ip_window_seconds", "86401", -1, "from 1 to 86400"},
    {"sqlite_sync_full", "0", 0, NULL},
    {"listen", "0.0.0.0", 0, NULL},
    {"listen", "", 0, NULL},
    {"log_level", "debug", 0, NULL},
    {"log_level", "0123456789abcdef", -1, "log_level is too long (at most 15 bytes)"},
    {"nope", "1", -1, "unknown setting 'nope'"},
    {"Port", "1", -1, "unknown setting"},
    {"", "1", -1, "unknown setting"},
};

static void set_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(set_cases); i++) {
		kp_config_t c;
		kp_config_defaults(&c);
		char err[256] = "";
		int rc = kp_config_set(&c, set_cases[i].name, set_cases[i].value, err, sizeof(err));
		if (rc != set_cases[i].rc)
			fail_msg("kp_config_set(%s, \"%s\") = %d, want %d (%s)", set_cases[i].name, set_cases[i].value, rc,
			         set_cases[i].rc, err);
		if (rc != 0 && strstr(err, set_cases[i].err_has) == NULL)
			fail_msg("kp_config_set(%s, \"%s\") said \"%s\", want it to say \"%s\"", set_cases[i].name,
			         set_cases[i].value, err, set_cases[i].err_has);
	}
}

/* String settings take exactly size - 1 bytes; one more is refused and leaves the old value. */
static void string_lengths(void **state)
{
	(void)state;
	kp_config_t c;
	kp_config_defaults(&c);
	char v[2048], err[256];
	memset(v, 'a', sizeof(c.listen) - 1);
	v[sizeof(c.listen) - 1] = '\0';
	assert_int_equal(kp_config_set(&c, "listen", v, err, sizeof(err)), 0);
	assert_int_equal(strlen(c.listen), sizeof(c.listen) - 1);
	memset(v, 'b', sizeof(c.db));
	v[sizeof(c.db)] = '\0';
	assert_int_equal(kp_config_set(&c, "db", v, err, sizeof(err)), -1);
	assert_string_equal(c.db, "var/kapka.db");
	assert_non_null(strstr(err, "db is too long (at most 1023 bytes)"));
	/* A failed integer leaves the old value too. */
	assert_int_equal(kp_config_set(&c, "port", "70000", err, sizeof(err)), -1);
	assert_int_equal(c.port, 8080);
}

/* file < environment < flags, each setting independently. */
static void precedence(void **state)
{
	(void)state;
	const char *path = write_file("prec.conf", "# kapka settings\n"
	                                           "\n"
	                                           "port = 1000\n"
	                                           "  db=file.db  \n"
	                                           "threads = 3\n"
	                                           "log_level = debug\n"
	                                           "public_url = https://kapka.example.kg/a=b\n");
	setenv("KAPKA_CONFIG", path, 1);
	setenv("KAPKA_PORT", "2000", 1);
	setenv("KAPKA_DB", "env.db", 1);
	setenv("KAPKA_SESSION_TTL", "600", 1);
	kp_config_t c;
	kp_config_defaults(&c);
	struct load_result r;
	load(&c, &r, (const char *const[]){"--port", "3000", "--session-ttl=900", NULL});
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.nrest, 0);
	assert_int_equal(c.port, 3000);       /* flag beats environment and file */
	assert_string_equal(c.db, "env.db");  /* environment beats file */
	assert_int_equal(c.session_ttl, 900); /* --flag=value */
	assert_int_equal(c.threads, 3);       /* file beats default */
	assert_string_equal(c.log_level, "debug");
	assert_string_equal(c.public_url, "https://kapka.example.kg/a=b"); /* split at the first '=' */
	assert_string_equal(c.listen, "127.0.0.1");                        /* untouched default */
}

/* --config on the command line wins over KAPKA_CONFIG; both forms are understood and
 * neither is passed on. */
static void config_flag_forms(void **state)
{
	(void)state;
	const char *a = write_file("a.conf", "port = 1111\n");
	char apath[PATH_MAX + 64];
	snprintf(apath, sizeof(apath), "%s", a);
	const char *b = write_file("b.conf", "port = 2222\n");
	setenv("KAPKA_CONFIG", apath, 1);

	kp_config_t c;
	struct load_result r;
	kp_config_defaults(&c);
	load(&c, &r, NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(c.port, 1111);

	kp_config_defaults(&c);
	load(&c, &r, (const char *const[]){"--config", b, NULL});
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.nrest, 0);
	assert_int_equal(c.port, 2222);

	char eq[PATH_MAX + 80];
	snprintf(eq, sizeof(eq), "--config=%s", b);
	kp_config_defaults(&c);
	load(&c, &r, (const char *const[]){"list", eq, NULL});
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.nrest, 1);
	assert_string_equal(r.rest[0], "list");
	assert_int_equal(c.port, 2222);
}

/* Arguments that are not settings stay, in order, for the subcommand. */
static void rest_arguments(void **state)
{
	(void)state;
	kp_config_t c;
	kp_config_defaults(&c);
	struct load_result r;
	load(&c, &r,
	     (const char *const[]){"add", "--role", "admin", "--db=x.db", "--username", "aibek", "--web-dir", "/srv/web",
	                           "-h", NULL});
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.nrest, 6);
	const char *want[] = {"add", "--role", "admin", "--username", "aibek", "-h"};
	for (int i = 0; i < 6; i++)
		assert_string_equal(r.rest[i], want[i]);
	assert_string_equal(c.db, "x.db");
	assert_string_equal(c.web_dir, "/srv/web");
}

static const struct {
	const char *what;
	const char *args[4];
	const char *env_name, *env_value;
	const char *err_has;
} load_errors[] = {
    {"flag without value", {"--port", NULL}, NULL, NULL, "--port needs a value"},
    {"flag out of range", {"--port", "99999", NULL}, NULL, NULL, "--port: port must be a whole number"},
    {"flag=value out of range", {"--max-body=5", NULL}, NULL, NULL, "--max_body: max_body must be"},
    {"flag=value not a number", {"--threads=many", NULL}, NULL, NULL, "threads must be a whole number"},
    {"flag string too long", {"--log-level=0123456789abcdefXYZ", NULL}, NULL, NULL, "log_level is too long"},
    {"environment out of range", {NULL}, "KAPKA_PORT", "-5", "KAPKA_PORT: port must be"},
    {"environment not a number", {NULL}, "KAPKA_COOKIE_SECURE", "yes", "KAPKA_COOKIE_SECURE"},
    {"missing config file",
     {"--config", "/nonexistent/kapka.conf", NULL},
     NULL,
     NULL,
     "cannot read config file /nonexistent/kapka.conf"},
};

static void load_error_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(load_errors); i++) {
		clear_env();
		if (load_errors[i].env_name)
			setenv(load_errors[i].env_name, load_errors[i].env_value, 1);
		kp_config_t c;
		kp_config_defaults(&c);
		struct load_result r;
		load(&c, &r, load_errors[i].args);
		if (r.rc != -1)
			fail_msg("%s: kp_config_load returned %d, want -1", load_errors[i].what, r.rc);
		if (strstr(r.err, load_errors[i].err_has) == NULL)
			fail_msg("%s: error \"%s\" does not say \"%s\"", load_errors[i].what, r.err, load_errors[i].err_has);
	}
}

static const struct {
	const char *what, *text, *err_has;
} file_errors[] = {
    {"unknown key", "port = 80\nportt = 81\n", "bad.conf:2: unknown setting 'portt'"},
    {"no equals sign", "# ok\n\nport 80\n", "bad.conf:3: expected name = value"},
    {"value out of range", "max_body = 10\n", "bad.conf:1: max_body must be a whole number from 1024"},
    {"empty integer", "port =\n", "bad.conf:1: port must be a whole number"},
};

static void file_error_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < KP_ROWS(file_errors); i++) {
		const char *path = write_file("bad.conf", file_errors[i].text);
		kp_config_t c;
		kp_config_defaults(&c);
		struct load_result r;
		load(&c, &r, (const char *const[]){"--config", path, NULL});
		if (r.rc != -1)
			fail_msg("%s: kp_config_load returned %d, want -1", file_errors[i].what, r.rc);
		if (strstr(r.err, file_errors[i].err_has) == NULL)
			fail_msg("%s: error \"%s\" does not say \"%s\"", file_errors[i].what, r.err, file_errors[i].err_has);
	}
}

/* A comment line longer than load_file's 2048-byte buffer is read in pieces, and the
 * pieces after the first are parsed as settings. */
static void long_comment_line(void **state)
{
	(void)state;
	char *text = malloc(4000);
	assert_non_null(text);
	text[0] = '#';
	memset(text + 1, ' ', 2100);
	snprintf(text + 2101, 4000 - 2101, "port = 1\n");
	const char *path = write_file("long.conf", text);
	free(text);
	kp_config_t c;
	kp_config_defaults(&c);
	struct load_result r;
	load(&c, &r, (const char *const[]){"--config", path, NULL});
	assert_true(r.rc == -1 || c.port == 8080);
}

static void usage_lists_every_setting(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	kp_config_usage(f);
	fclose(f);
	for (size_t i = 0; kp_config_name(i); i++) {
		char flag[80], var[96];
		size_t j = (size_t)snprintf(flag, sizeof(flag), "--");
		size_t k = (size_t)snprintf(var, sizeof(var), "KAPKA_");
		for (const char *p = kp_config_name(i); *p; p++) {
			flag[j++] = *p == '_' ? '-' : *p;
			var[k++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
		}
		flag[j] = var[k] = '\0';
		if (strstr(buf, flag) == NULL || strstr(buf, var) == NULL)
			fail_msg("usage does not mention %s / %s", flag, var);
	}
	free(buf);
}

/* docs/configuration.md has a row for every setting: "| name | `--flag` | `KAPKA_VAR` |".
 * Run from the top of the tree (as tests/run.sh does). */
static void docs_list_every_setting(void **state)
{
	(void)state;
	FILE *f = fopen("docs/configuration.md", "rb");
	if (f == NULL)
		fail_msg("cannot read docs/configuration.md (run the test from the top of the tree)");
	static char doc[256 * 1024];
	size_t n = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	assert_true(n < sizeof(doc) - 1);
	doc[n] = '\0';
	for (size_t i = 0; kp_config_name(i); i++) {
		char row[256];
		size_t j = (size_t)snprintf(row, sizeof(row), "| %s | `--", kp_config_name(i));
		for (const char *p = kp_config_name(i); *p; p++)
			row[j++] = *p == '_' ? '-' : *p;
		j += (size_t)snprintf(row + j, sizeof(row) - j, "` | `KAPKA_");
		for (const char *p = kp_config_name(i); *p; p++)
			row[j++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
		snprintf(row + j, sizeof(row) - j, "` |");
		if (strstr(doc, row) == NULL)
			fail_msg("docs/configuration.md has no row \"%s\" for the setting %s", row, kp_config_name(i));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(defaults, setup, teardown),
	    cmocka_unit_test_setup_teardown(names_are_unique_and_terminated, setup, teardown),
	    cmocka_unit_test_setup_teardown(set_table, setup, teardown),
	    cmocka_unit_test_setup_teardown(string_lengths, setup, teardown),
	    cmocka_unit_test_setup_teardown(precedence, setup, teardown),
	    cmocka_unit_test_setup_teardown(config_flag_forms, setup, teardown),
	    cmocka_unit_test_setup_teardown(rest_arguments, setup, teardown),
	    cmocka_unit_test_setup_teardown(load_error_table, setup, teardown),
	    cmocka_unit_test_setup_teardown(file_error_table, setup, teardown),
	    cmocka_unit_test_setup_teardown(long_comment_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(usage_lists_every_setting, setup, teardown),
	    cmocka_unit_test_setup_teardown(docs_list_every_setting, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
