/* main.c: the kapka binary: settings, then one subcommand. */
#include "cli/cli.h"
#include "core/config.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "domain/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange/client.h"

#define KAPKA_VERSION "0.1.0"

static const struct {
	const char *name;
	int (*run)(kp_config_t *, int, char **);
	const char *help;
} commands[] = {
    {"serve", kp_cli_serve, "serve the API and the web UI"},
    {"migrate", kp_cli_migrate, "apply database migrations"},
    {"user", kp_cli_user, "add users, set passwords, list users"},
    {"demo", kp_cli_demo, "load demonstration data into a fresh database"},
    {"keygen", kp_cli_keygen, "make a new signing key (partners are told), list or revoke keys"},
    {"trustlist", kp_cli_trustlist, "export the signed offline trust list"},
    {"verify", kp_cli_verify, "check a permit QR offline against a trust list"},
    {"ecmr-verify", kp_cli_ecmr_verify, "check an e-CMR's QR or bundle offline against a trust list"},
    {"xroad-call", kp_cli_xroad_call, "call another agency's service through our X-Road security server"},
    {"backup", kp_cli_backup, "copy the whole database to a file while kapka serves"},
    {"restore", kp_cli_restore, "replace the database with a copy kapka backup made"},
    {"log", kp_cli_log, "the transparency log: prove a permit, verify the log, monitor another kapka's log"},
};

/* The test-only clock: refused unless test_mode is on, so that a stray setting cannot move
 * a real server's clock. Returns 0, or -1 after saying why. */
static int apply_test_clock(const kp_config_t *cfg)
{
	if (cfg->test_clock[0] == '\0')
		return 0;
	if (cfg->test_mode != 1) {
		fprintf(stderr, "kapka: test_clock is a test-only setting; it needs test_mode = 1\n");
		return -1;
	}
	int64_t t;
	long long secs;
	if (kp_parse_int(cfg->test_clock, 0, 253402300799LL, &secs) == 0)
		t = (int64_t)secs;
	else if (kp_parse_instant(cfg->test_clock, (int)cfg->utc_offset_minutes, &t) != 0) {
		fprintf(stderr, "kapka: test_clock must be epoch seconds or a time like 2026-12-31T23:59:59+06:00\n");
		return -1;
	}
	kp_clock_start_at(t);
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out, "kapka %s: the digital border platform\n\nusage: kapka COMMAND [options]\n\ncommands:\n",
	        KAPKA_VERSION);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "  %-10s %s\n\n'kapka COMMAND --help' tells more.\n\n", "version", "print the version");
	kp_config_usage(out);
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("kapka %s\n", KAPKA_VERSION);
		return 0;
	}
	kp_client_init(); /* before any thread: libcurl's global state */
	atexit(kp_client_cleanup);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		kp_config_t cfg;
		kp_config_defaults(&cfg);
		char **rest = calloc((size_t)argc, sizeof(char *));
		int nrest = 0;
		if (rest == NULL || kp_config_load(&cfg, argc, argv, 2, rest, &nrest, stderr) != 0) {
			free(rest);
			return 2;
		}
		enum kp_log_level level;
		if (kp_log_parse_level(cfg.log_level, &level) != 0) {
			fprintf(stderr, "kapka: log_level must be debug, info, warn or error\n");
			free(rest);
			return 2;
		}
		kp_log_set_level(level);
		if (apply_test_clock(&cfg) != 0) {
			free(rest);
			return 2;
		}
		if (kp_crypto_init() != 0) {
			fprintf(stderr, "kapka: the crypto libraries could not start\n");
			free(rest);
			return 1;
		}
		int rc = commands[i].run(&cfg, nrest, rest);
		free(rest);
		return rc;
	}
	fprintf(stderr, "kapka: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
