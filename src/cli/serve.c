/* serve.c: `kapka serve`: open and migrate the database, make sure an admin exists,
 * serve HTTP until SIGTERM/SIGINT, then finish requests in flight and stop. */
#include "api/api.h"
#include "app/keyring.h"
#include "exchange/client.h"
#include "exchange/exchange.h"
#include "exchange/webhooks.h"
#include "notify/notify.h"
#include "store/exchange.h"
#include "store/registry.h"
#include "store/window.h"
#include "store/tlog_log.h"
#include "exchange/witness.h"
#include "store/writer.h"
#include "cli/cli.h"
#include "crypto/hash.h"
#include "core/log.h"
#include "core/util.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What time made due in the single window (expired applications, ended days' EV claims
 * split): at start and every minute, so that reading the window never writes. */
static void settle_window(kp_store_t *store, const kp_config_t *cfg)
{
	kp_conn_t *c = kp_store_acquire(store);
	kp_arena_t a;
	kp_arena_init(&a);
	kp_actor_t system = {0, "system", NULL, NULL};
	int expired = 0;
	if (kp_store_sw_settle(c, &a, &system, kp_now(), (int)cfg->utc_offset_minutes, &expired) == KP_DB_OK &&
	    expired > 0)
		kp_info("%d single-window applications ran out of time", expired);
	kp_arena_cleanup(&a);
	kp_store_release(store, c);
}

/* Every minute: expired sessions and throttles, queue no-shows, the single window's due
 * work, and the checkpoint registry read again (another instance on the same PostgreSQL
 * database may have changed it). */
static void housekeeping(kp_store_t *store, const kp_config_t *cfg, kp_registry_t *registry)
{
	settle_window(store, cfg);
	kp_conn_t *c = kp_store_acquire(store);
	int64_t removed = 0;
	kp_actor_t system = {0, "kapka", NULL, NULL};
	if (kp_store_queue_expire(c, &system, kp_now(), cfg->queue_no_show_grace_minutes * 60, &removed) == KP_DB_OK &&
	    removed > 0)
		kp_info("released %lld queue places of vehicles that did not show up", (long long)removed);
	if (kp_store_session_purge(c, kp_now(), &removed) == KP_DB_OK && removed > 0)
		kp_info("removed %lld expired sessions", (long long)removed);
	if (kp_store_throttle_purge(c, kp_now(), kp_now() - 86400, &removed) == KP_DB_OK && removed > 0)
		kp_info("forgot %lld stale sign-in throttle entries", (long long)removed);
	if (kp_store_inbound_purge(c, kp_now(), &removed) == KP_DB_OK && removed > 0)
		kp_info("forgot %lld refused partner events (old, or past the cap)", (long long)removed);
	kp_store_release(store, c);
	if (kp_registry_reload(registry) != 0)
		kp_warn("the checkpoint registry could not be reloaded; answering from the last one read");
}

/* SIGHUP (systemctl reload): read the config file (KAPKA_CONFIG) and the environment again
 * and apply what can change while serving: log_level. The checkpoint registry is read again
 * by the housekeeping that follows. Other settings need a restart; a bad file changes nothing. */
static void reload_settings(void)
{
	kp_config_t fresh;
	char *rest[1];
	int nrest;
	kp_config_defaults(&fresh);
	enum kp_log_level level;
	if (kp_config_load(&fresh, 0, NULL, 0, rest, &nrest, stderr) != 0 ||
	    kp_log_parse_level(fresh.log_level, &level) != 0) {
		kp_warn("reload: the settings could not be read again; nothing changed");
		return;
	}
	kp_log_set_level(level);
	kp_info("reload: log_level is %s; the checkpoint registry is read again", fresh.log_level);
	kp_wipe(&fresh, sizeof(fresh));
}

/* A PEM file for tls_cert / tls_key, malloc'd and NUL-terminated; NULL (said why) when it
 * cannot be read or is not PEM. */
static char *read_pem(const char *setting, const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "kapka: %s: cannot read %s: %s\n", setting, path, strerror(errno));
		return NULL;
	}
	char *buf = kp_malloc(1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	bool whole = feof(f);
	fclose(f);
	buf[n] = '\0';
	if (!whole || strstr(buf, "-----BEGIN ") == NULL) {
		fprintf(stderr, "kapka: %s: %s is not a PEM file (or larger than 1 MiB)\n", setting, path);
		kp_wipe(buf, n);
		free(buf);
		return NULL;
	}
	return buf;
}

/* Read tls_cert and tls_key when HTTPS is configured; 0, or -1 after saying why. */
static int load_tls(const kp_config_t *cfg, char **cert, char **key)
{
	*cert = *key = NULL;
	if (cfg->tls_cert[0] == '\0' && cfg->tls_key[0] == '\0')
		return 0;
	if (cfg->tls_cert[0] == '\0' || cfg->tls_key[0] == '\0') {
		fprintf(stderr, "kapka: HTTPS needs both tls_cert and tls_key\n");
		return -1;
	}
	if ((*cert = read_pem("tls_cert", cfg->tls_cert)) == NULL || (*key = read_pem("tls_key", cfg->tls_key)) == NULL) {
		free(*cert);
		*cert = NULL;
		return -1;
	}
	return 0;
}

static void free_pem(char *p)
{
	if (p)
		kp_wipe(p, strlen(p));
	free(p);
}

/* What `kapka serve` opens, in the order it opens them; close_parts closes whatever is set,
 * in reverse, so every early return goes through one place (the TLS PEM buffers included). */
struct serve_parts {
	char *tls_cert, *tls_key;
	kp_store_t *store;
	kp_keyring_t *keys;
	kp_tlog_t *tlog;
	kp_witnesses_t witnesses;
	kp_writer_t *writer;
	kp_registry_t *registry;
	kp_route_t *routes;
	kp_http_t *http;
	kp_proxies_t metrics_allow, xroad_servers; /* parsed once here, matched by the handlers */
};

static void close_parts(struct serve_parts *p)
{
	if (p->http)
		kp_http_stop(p->http, 0);
	kp_writer_stop(p->writer);
	free(p->routes);
	kp_registry_free(p->registry);
	kp_tlog_free(p->tlog);
	free(p->witnesses.list);
	kp_keyring_free(p->keys);
	kp_store_close(p->store);
	free_pem(p->tls_cert);
	free_pem(p->tls_key);
	memset(p, 0, sizeof(*p));
}

/* The settings checked before anything is opened (the address lists parsed into p); 0, or 2
 * after saying why. */
static int check_settings(const kp_config_t *cfg, struct serve_parts *p)
{
	char err[160];
	if (kp_http_proxies_parse(cfg->metrics_allow, &p->metrics_allow, err, sizeof(err)) != 0) {
		fprintf(stderr, "kapka: metrics_allow: %s\n", err);
		return 2;
	}
	if (kp_http_proxies_parse(cfg->xroad_security_servers, &p->xroad_servers, err, sizeof(err)) != 0) {
		fprintf(stderr, "kapka: xroad_security_servers: %s\n", err);
		return 2;
	}
	const char *base = cfg->epermit_base;
	if (base[0] != '/' || base[strspn(base, "/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")]) {
		fprintf(stderr, "kapka: epermit_base must be a path like /e-permit (letters, digits, - _ . and /)\n");
		return 2;
	}
	const char *dlr = cfg->sms_dlr_base; /* Kannel's dlr-url is built on it (docs/notifications.md) */
	if (dlr[0] && ((strncmp(dlr, "http://", 7) && strncmp(dlr, "https://", 8)) || strpbrk(dlr, "?#% \t\r\n"))) {
		fprintf(stderr, "kapka: sms_dlr_base must be an http:// or https:// address without a query, like "
		                "http://10.0.0.5:8080\n");
		return 2;
	}
	return 0;
}

/* Block the stop signals before any thread starts, so only sigtimedwait sees them. */
static void block_stop_signals(sigset_t *stop)
{
	sigemptyset(stop);
	sigaddset(stop, SIGTERM);
	sigaddset(stop, SIGINT);
	sigaddset(stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, stop, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Open the database, the signing keys, the transparency log (with its witnesses), the
 * writer and the checkpoint registry into *p; 0, or the exit code after saying why (what was
 * opened stays in *p for close_parts). */
static int open_parts(kp_config_t *cfg, int pool, struct serve_parts *p)
{
	char err[256];
	if ((p->store = kp_cli_open_store(cfg, pool)) == NULL)
		return 1;
	if ((p->keys = kp_keyring_open(p->store, cfg)) == NULL)
		return 1;
	if ((p->tlog = kp_cli_tlog_open(cfg, p->store, kp_keyring_passphrase(p->keys))) == NULL)
		return 1;
	p->witnesses = (kp_witnesses_t){p->store, p->tlog, NULL, 0};
	if (kp_witness_parse(cfg->log_witnesses, &p->witnesses.list, &p->witnesses.n, err, sizeof(err)) != 0) {
		fprintf(stderr, "kapka: %s\n", err);
		return 2;
	}
	kp_tlog_after_sign(p->tlog, kp_witness_ask_all, &p->witnesses);
	kp_tlog_hook(p->tlog);
	p->writer = kp_writer_start(cfg->db, (int)cfg->sqlite_sync_full, (int)cfg->group_commit_max, err, sizeof(err));
	if (p->writer == NULL) {
		fprintf(stderr, "kapka: %s\n", err);
		return 1;
	}
	if ((p->registry = kp_registry_open(p->store)) == NULL) {
		fprintf(stderr, "kapka: the checkpoint registry could not be read (see the log)\n");
		return 1;
	}
	return 0;
}

/* Start the HTTP(S) server for app; the PEM buffers are wiped and freed either way (the
 * server keeps its own copies). 0, or 1 after saying why. */
static int start_http(kp_config_t *cfg, kp_app_t *app, int threads, struct serve_parts *p)
{
	char err[256];
	p->routes = kp_api_routes_at(cfg->epermit_base);
	kp_http_options_t o = {
		.listen = cfg->listen, .port = (int)cfg->port, .threads = threads,
		.max_body = (size_t)cfg->max_body, .max_header = (size_t)cfg->max_header,
		.routes = p->routes, .nroutes = kp_api_nroutes, .web_dir = cfg->web_dir, .app = app,
		.trusted_proxies = cfg->trusted_proxies, .max_conns = (int)cfg->max_connections,
		.max_conns_per_address = (int)cfg->max_connections_per_address, .reserved_conns = (int)cfg->reserved_connections,
		.idle_timeout = (int)cfg->idle_timeout,
		.authenticate = kp_api_authenticate, .finish = kp_api_finish,
		.tls_cert_pem = p->tls_cert, .tls_key_pem = p->tls_key,
	};
	p->http = kp_http_start(&o, err, sizeof(err));
	free_pem(p->tls_cert);
	free_pem(p->tls_key);
	p->tls_cert = p->tls_key = NULL;
	if (p->http == NULL) {
		fprintf(stderr, "kapka: %s\n", err);
		return 1;
	}
	return 0;
}

/* The address people reach this instance at: public_url, or the one listened on. */
static void own_url(const kp_config_t *cfg, kp_http_t *http, char *url, size_t size)
{
	if (cfg->public_url[0])
		snprintf(url, size, "%s", cfg->public_url);
	else
		snprintf(url, size, "%s://%s:%d/", cfg->tls_cert[0] ? "https" : "http",
		         strcmp(cfg->listen, "0.0.0.0") == 0 ? "127.0.0.1" : cfg->listen, kp_http_port(http));
}

/* Say where and how this instance serves (the "serving" line is what scripts wait for). */
static void announce(const kp_config_t *cfg, kp_http_t *http, kp_store_t *store, int threads, const char *url)
{
	kp_log(KP_LOG_INFO, "listening on %s:%d (port %d) with %d threads, database %s", cfg->listen,
	       kp_http_port(http), kp_http_port(http), threads, kp_store_backend_name(store));
	if (kp_clock_is_set()) {
		char now[24];
		kp_iso8601(kp_now(), now, sizeof(now));
		kp_log(KP_LOG_WARN, "test mode: the clock was set (test_clock); it reads %s", now);
	}
	fprintf(stderr, "kapka: serving %s (port %d); stop with Ctrl-C\n", url, kp_http_port(http));
}

/* Wait for SIGTERM/SIGINT, reloading on SIGHUP and keeping house every minute. */
static void wait_for_stop(const sigset_t *stop, kp_store_t *store, const kp_config_t *cfg, kp_registry_t *registry)
{
	struct timespec tick = {60, 0};
	for (;;) {
		int sig = sigtimedwait(stop, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		if (sig == SIGHUP)
			reload_settings();
		housekeeping(store, cfg, registry);
	}
}

static int serve_usage(int argc, char **argv)
{
	if (kp_cli_wants_help(argc, argv)) {
		printf("usage: kapka serve [--listen ADDR] [--port N] [--db PATH_OR_URL] [other settings]\n\n"
		       "Serves the API and the web UI. Migrates the database first; on an empty one it creates\n"
		       "the administrator account and prints how to sign in. Stops cleanly on SIGTERM.\n\n");
		kp_config_usage(stdout);
		return 0;
	}
	fprintf(stderr, "kapka serve: unknown argument '%s' (see kapka serve --help)\n", argv[0]);
	return 2;
}

int kp_cli_serve(kp_config_t *cfg, int argc, char **argv)
{
	if (argc > 0)
		return serve_usage(argc, argv);
	struct serve_parts p = {0};
	int rc = check_settings(cfg, &p);
	if (rc != 0)
		return rc;
	if (load_tls(cfg, &p.tls_cert, &p.tls_key) != 0)
		return 2;
	if (kp_password_prepare() != 0) { /* before the first sign-in (the other commands skip it) */
		fprintf(stderr, "kapka: the password hashing could not start\n");
		close_parts(&p);
		return 1;
	}
	int threads = cfg->threads > 0 ? (int)cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	sigset_t stop;
	block_stop_signals(&stop);
	if ((rc = open_parts(cfg, cfg->db_pool > 0 ? (int)cfg->db_pool : threads + 2, &p)) != 0) {
		close_parts(&p);
		return rc;
	}
	kp_app_t app = {cfg, p.store, p.keys, p.writer, NULL, p.registry, p.tlog, &p.metrics_allow, &p.xroad_servers};
	kp_client_allow_private(cfg->exchange_allow_private); /* before any thread calls a partner */
	kp_store_notify_set_channels(kp_notify_channels(cfg)); /* before any request queues a message */
	if (start_http(cfg, &app, threads, &p) != 0) {
		close_parts(&p);
		return 1;
	}
	char url[320];
	own_url(cfg, p.http, url, sizeof(url));
	if (kp_cli_ensure_admin(p.store, cfg, url) != 0) {
		fprintf(stderr, "kapka: could not create the administrator account\n");
		close_parts(&p);
		return 1;
	}
	app.exchange = kp_exchange_start(&app);
	kp_webhooks_t *webhooks = kp_webhooks_start(&app); /* agency deliveries (docs/agencies.md) */
	kp_notifier_t *notifier = kp_notify_start(&app); /* SMS and email (docs/notifications.md) */
	settle_window(p.store, cfg); /* what came due while kapka was stopped */
	announce(cfg, p.http, p.store, threads, url);
	wait_for_stop(&stop, p.store, cfg, p.registry);
	kp_info("stopping: letting requests in flight finish (up to %lld s)", cfg->shutdown_grace);
	kp_http_stop(p.http, (int)cfg->shutdown_grace);
	p.http = NULL;
	kp_exchange_stop(app.exchange);
	kp_webhooks_stop(webhooks);
	kp_notify_stop(notifier);
	close_parts(&p);
	kp_info("stopped");
	return 0;
}
