/* config.c: the settings table and its three sources (file, environment, flags). */
#include "core/config.h"
#include "core/util.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum setting_type { SET_INT, SET_STR };

struct setting {
	const char *name;       /* file key; flag is --name with '_' as '-'; env KAPKA_NAME */
	enum setting_type type;
	size_t offset;
	size_t size;            /* buffer size for strings */
	long long min, max;
	const char *def;
	const char *help;
	bool secret; /* never as a flag's value, which ps shows to every user: '-' reads stdin */
};

#define INT_SETTING(n, lo, hi, d, h) \
	{ #n, SET_INT, offsetof(kp_config_t, n), 0, lo, hi, d, h, false }
#define STR_SETTING(n, d, h) \
	{ #n, SET_STR, offsetof(kp_config_t, n), sizeof(((kp_config_t *)0)->n), 0, 0, d, h, false }
#define SECRET_SETTING(n, d, h) \
	{ #n, SET_STR, offsetof(kp_config_t, n), sizeof(((kp_config_t *)0)->n), 0, 0, d, h, true }

static const struct setting settings[] = {
	STR_SETTING(listen, "127.0.0.1", "address to listen on (0.0.0.0 for all)"),
	INT_SETTING(port, 0, 65535, "8080", "TCP port (0: any free port, printed at start)"),
	STR_SETTING(db, "var/kapka.db", "SQLite file path, or postgres://user@host:port/dbname"),
	STR_SETTING(web_dir, "web", "folder of the static web UI"),
	INT_SETTING(threads, 0, 256, "0", "HTTP worker threads; 0 means one per CPU core"),
	INT_SETTING(db_pool, 0, 256, "0", "database connections; 0 means threads + 2"),
	STR_SETTING(log_level, "info", "debug, info, warn or error"),
	INT_SETTING(max_body, 1024, 1073741824, "1048576", "largest request body in bytes (larger: 413)"),
	INT_SETTING(max_header, 1024, 1048576, "16384", "largest total request header size in bytes (larger: 431)"),
	INT_SETTING(max_connections, 16, 1000000, "4096", "open connections in all; past max_connections - reserved_connections only addresses with none open get one"),
	INT_SETTING(max_connections_per_address, 1, 1000000, "256", "open connections from one client address (trusted_proxies are exempt)"),
	INT_SETTING(reserved_connections, 0, 100000, "64", "connections kept for addresses with no connection open (health checks, new clients)"),
	INT_SETTING(idle_timeout, 1, 3600, "30", "seconds a connection may stay silent before it is closed"),
	INT_SETTING(session_ttl, 60, 31536000, "43200", "seconds a sign-in stays valid"),
	INT_SETTING(cookie_secure, 0, 1, "0", "1 to mark session cookies Secure (behind HTTPS)"),
	INT_SETTING(login_max_failures, 1, 1000, "5", "wrong passwords in a row for one account from one address before its attempts from there are delayed"),
	INT_SETTING(login_lock_seconds, 1, 86400, "300", "longest wait, in seconds, between sign-in attempts of a throttled account and address pair, or address"),
	INT_SETTING(login_delay_seconds, 1, 86400, "30", "first wait once throttled; it doubles with each further failed attempt up to login_lock_seconds"),
	INT_SETTING(ip_max_failures, 1, 100000, "20", "failed sign-ins from one address within the window before it is throttled"),
	INT_SETTING(ip_window_seconds, 1, 86400, "900", "window for counting failed sign-ins per address"),
	INT_SETTING(register_per_address, 1, 1000000, "10", "accounts one address may register within register_window_seconds"),
	INT_SETTING(register_window_seconds, 1, 604800, "3600", "window for counting registrations per address"),
	INT_SETTING(register_per_minute, 1, 1000000, "30", "accounts that may be registered per minute from all addresses together"),
	INT_SETTING(password_hash_concurrency, 1, 64, "2", "password hashes (64 MiB of memory each) computed at once for new passwords; more wait with 503"),
	STR_SETTING(trusted_proxies, "", "addresses or networks of reverse proxies whose X-Forwarded-For names the client (e.g. 10.0.0.0/8); empty: none"),
	STR_SETTING(metrics_allow, "", "addresses or networks that may read GET /metrics (e.g. 127.0.0.1, ::1); empty: only with metrics_token"),
	STR_SETTING(tls_cert, "", "PEM certificate chain: serve HTTPS (TLS 1.2 and 1.3) instead of HTTP; empty: plain HTTP (terminate TLS at a proxy)"),
	STR_SETTING(tls_key, "", "PEM private key of tls_cert (readable by kapka only)"),
	SECRET_SETTING(metrics_token, "", "bearer token that reads GET /metrics from any address; empty: none; as a flag only '-', read from standard input"),
	INT_SETTING(shutdown_grace, 0, 3600, "10", "seconds to let requests in flight finish on SIGTERM"),
	SECRET_SETTING(admin_password, "", "password of the admin account created on first start (random when empty); as a flag only '-', read from standard input"),
	INT_SETTING(sqlite_sync_full, 0, 1, "1", "1: fsync the SQLite WAL on every commit (durable); 0: on checkpoints only"),
	STR_SETTING(public_url, "", "address users reach kapka at, shown in messages (default http://LISTEN:PORT)"),
	STR_SETTING(authority_code, "KG", "two-letter code of the country this kapka speaks for"),
	STR_SETTING(authority_name, "Kyrgyzstan", "that country's name as partners see it"),
	INT_SETTING(utc_offset_minutes, -720, 840, "360", "the authority's UTC offset in minutes, for dates on permits"),
	SECRET_SETTING(key_passphrase, "", "passphrase that encrypts the signing keys at rest (else read from key_passphrase_file); as a flag only '-', read from standard input"),
	INT_SETTING(group_commit_max, 1, 4096, "256", "most permit issues the writer commits together in one durable transaction"),
	INT_SETTING(crossing_max_weight_kg, 0, 1000000, "44000", "gross vehicle weight in kg above which a crossing is flagged OVERWEIGHT (0: no limit)"),
	INT_SETTING(crossing_backdate_hours, 1, 876000, "72", "how far back a crossing may be registered (equipment that was offline), in hours"),
	INT_SETTING(queue_priority_percent, 0, 100, "5", "share of a slot's capacity that priority cargo (perishable, dangerous, humanitarian, postal) may take"),
	INT_SETTING(queue_call_minutes, 1, 1440, "20", "minutes a called vehicle has to reach the gate before its place is given away"),
	INT_SETTING(queue_checkin_early_minutes, 0, 2880, "240", "how long before its slot a booked vehicle may check in at the waiting zone"),
	INT_SETTING(queue_no_show_grace_minutes, 0, 1440, "30", "minutes after its slot ends that a booking never checked in is released as a no-show"),
	INT_SETTING(queue_traveller_bookings, 1, 1000, "2", "active bookings (booked, checked in, called) a traveller's account may hold at once"),
	INT_SETTING(queue_carrier_bookings, 1, 100000, "200", "active bookings a carrier's account may hold at once (each for one of its own vehicles)"),
	/* e-CMR and the agency exchange (docs/ecmr.md, docs/agencies.md) */
	STR_SETTING(message_dir, "", "folder where messages to e-CMR parties (links and codes) are written, one file each, for a mail or SMS relay (empty: none written)"),
	INT_SETTING(webhook_poll_ms, 50, 60000, "500", "how often due webhook deliveries to agencies are looked for (ms)"),
	INT_SETTING(webhook_timeout_ms, 100, 120000, "15000", "how long an agency endpoint may take to answer a webhook (ms)"),
	STR_SETTING(webhook_retry_schedule, "5,300,1800,7200,18000,36000,36000", "seconds between webhook attempts after a failure (Standard Webhooks' schedule); after the last, the delivery is dead-lettered"),
	STR_SETTING(xroad_security_servers, "", "addresses or networks (comma-separated) of the X-Road security servers whose X-Road-* headers are trusted (empty: provider mode off)"),
	STR_SETTING(xroad_consumer_url, "", "base URL of our own X-Road security server, for calling other agencies' services"),
	STR_SETTING(xroad_client, "", "our subsystem as an X-Road client (INSTANCE/CLASS/MEMBER/SUBSYSTEM)"),
	STR_SETTING(key_passphrase_file, "var/kapka-key.secret", "file holding that passphrase; created (mode 0600) when missing"),
	/* partner exchange (docs/e-permit.md) */
	STR_SETTING(epermit_base, "/e-permit", "path under which the public e-permit protocol API is served"),
	INT_SETTING(exchange_poll_ms, 50, 60000, "500", "how often the outbox worker looks for events to deliver (ms)"),
	INT_SETTING(exchange_retry_min_ms, 100, 3600000, "1000", "first wait before retrying a failed delivery (ms); doubles each time"),
	INT_SETTING(exchange_retry_max_ms, 100, 86400000, "300000", "longest wait between delivery attempts (ms)"),
	INT_SETTING(exchange_timeout_ms, 100, 120000, "5000", "timeout of one call to a partner's API (ms)"),
	INT_SETTING(exchange_max_refusals, 1, 1000, "5", "a partner's refusals of one event before it is set aside (dead letter)"),
	STR_SETTING(exchange_allow_private, "", "partner and webhook addresses allowed on loopback or private networks (hosts or CIDRs, comma-separated)"),
	INT_SETTING(trustlist_max_age_hours, 1, 8760, "24", "kapka verify warns when the offline trust list is older than this"),
	STR_SETTING(trust_anchors, "", "file of pinned keys kapka verify and ecmr-verify trust a trust list by (kapka trustlist anchors)"),
	INT_SETTING(zone_validity_months, 1, 12, "1", "months a border-zone permit is valid from its first day"),
	INT_SETTING(zone_extension_max_months, 1, 24, "2", "months from its first day a border-zone permit may be extended to, once"),
	INT_SETTING(tip_min_months, 1, 60, "6", "shortest term of a vehicle's temporary import, in months"),
	INT_SETTING(tip_max_months, 1, 60, "12", "longest term of a vehicle's temporary import, in months"),
	INT_SETTING(tip_reminder_days, 0, 365, "30", "days before a temporary import expires that it is listed as due for a reminder"),
	/* single window */
	INT_SETTING(document_max_bytes, 1024, 1073741824, "1048576", "largest document (PDF, JPEG, PNG) an applicant may upload to the single window, in bytes (max_body caps it too)"),
	INT_SETTING(document_max_per_user, 1, 1000000, "500", "documents one applicant may keep in the single window (more: 409 too_many_documents)"),
	/* transparency log (docs/transparency.md) */
	STR_SETTING(log_origin, "", "the transparency log's name (checkpoint origin), fixed on the first start (default HOST/log from public_url, else kapka/CODE/log)"),
	STR_SETTING(log_witnesses, "", "witnesses asked to cosign each checkpoint: VKEY=URL entries separated by spaces (C2SP tlog-witness)"),
	INT_SETTING(transparency_log, 0, 1, "1", "1: every act is appended to the transparency log; 0 only to measure its cost (make bench)"),
	/* notifications (docs/notifications.md) */
	STR_SETTING(sms_url, "", "Kannel's sendsms address (http://HOST:13013/cgi-bin/sendsms); empty: no SMS are sent or promised"),
	STR_SETTING(sms_user, "", "username of Kannel's sendsms-user group"),
	SECRET_SETTING(sms_password, "", "password of that sendsms-user; as a flag only '-', read from standard input"),
	STR_SETTING(sms_from, "", "sender shown on SMS (Kannel's from=); empty: Kannel's default"),
	STR_SETTING(sms_dlr_base, "", "kapka's address as Kannel's smsbox reaches it (http://HOST:PORT), for SMS delivery reports; empty: none are asked for"),
	STR_SETTING(smtp_url, "", "mail server for notifications (smtp://HOST:587 or smtps://HOST:465); empty: no email is sent or promised"),
	STR_SETTING(smtp_from, "", "From of notification email (kapka <noreply@example.kg>)"),
	STR_SETTING(smtp_user, "", "SMTP AUTH username (empty: no AUTH)"),
	SECRET_SETTING(smtp_password, "", "SMTP AUTH password; as a flag only '-', read from standard input"),
	INT_SETTING(smtp_starttls, 0, 1, "1", "1: an smtp:// server must take STARTTLS before anything is sent; 0: plain (a relay on this host)"),
	STR_SETTING(smtp_ca_file, "", "PEM file of the certificate authorities the mail server's certificate is checked against (empty: the system's)"),
	INT_SETTING(notify_poll_ms, 50, 60000, "1000", "how often due SMS and email are looked for (ms)"),
	INT_SETTING(notify_timeout_ms, 100, 120000, "10000", "how long Kannel or the mail server may take to answer (ms)"),
	INT_SETTING(notify_retry_min_ms, 100, 3600000, "30000", "first wait before sending a failed SMS or email again (ms); doubles each time"),
	INT_SETTING(notify_retry_max_ms, 100, 86400000, "3600000", "longest wait between attempts (ms)"),
	INT_SETTING(notify_max_attempts, 1, 100, "8", "attempts of one SMS or email before it is given up (operators can retry it)"),
	INT_SETTING(notify_sweep_seconds, 1, 86400, "60", "how often permits and temporary imports about to expire are looked for, to remind their holders 3 days and 1 day before"),
	/* tests only (docs/configuration.md, "Test-only settings") */
	INT_SETTING(test_mode, 0, 1, "0", "1 only in tests: allows the test-only settings; never in production"),
	STR_SETTING(test_clock, "", "tests only (needs test_mode 1): the clock starts at this instant (2026-12-31T23:59:59+06:00 or epoch seconds) and runs on"),
};

const char *kp_config_name(size_t i)
{
	return i < KP_ARRAY_LEN(settings) ? settings[i].name : NULL;
}

static const struct setting *find_setting(const char *name)
{
	for (size_t i = 0; i < KP_ARRAY_LEN(settings); i++)
		if (strcmp(settings[i].name, name) == 0)
			return &settings[i];
	return NULL;
}

static int apply(kp_config_t *cfg, const struct setting *s, const char *value, char *err, size_t errlen)
{
	char *field = (char *)cfg + s->offset;
	if (s->type == SET_INT) {
		long long v;
		if (kp_parse_int(value, s->min, s->max, &v) != 0) {
			snprintf(err, errlen, "%s must be a whole number from %lld to %lld", s->name, s->min, s->max);
			return -1;
		}
		*(long long *)(void *)field = v;
		return 0;
	}
	size_t n = strlen(value);
	if (n >= s->size) {
		snprintf(err, errlen, "%s is too long (at most %zu bytes)", s->name, s->size - 1);
		return -1;
	}
	memcpy(field, value, n + 1);
	return 0;
}

int kp_config_set(kp_config_t *cfg, const char *name, const char *value, char *err, size_t errlen)
{
	const struct setting *s = find_setting(name);
	if (s == NULL) {
		snprintf(err, errlen, "unknown setting '%s'", name);
		return -1;
	}
	return apply(cfg, s, value, err, errlen);
}

void kp_config_defaults(kp_config_t *cfg)
{
	char err[128];
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < KP_ARRAY_LEN(settings); i++)
		if (apply(cfg, &settings[i], settings[i].def, err, sizeof(err)) != 0)
			kp_fatal("bad default: %s", err);
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Read "name = value" lines; '#' starts a comment line. */
static int load_file(kp_config_t *cfg, const char *path, FILE *errf)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(errf, "kapka: cannot read config file %s\n", path);
		return -1;
	}
	char line[2048], err[256];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			fprintf(errf, "kapka: %s:%d: line longer than %zu bytes\n", path, lineno, sizeof(line) - 2);
			rc = -1;
			break;
		}
		char *l = trim(line);
		if (*l == '\0' || *l == '#')
			continue;
		char *eq = strchr(l, '=');
		if (eq == NULL) {
			fprintf(errf, "kapka: %s:%d: expected name = value\n", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *name = trim(l), *value = trim(eq + 1);
		if (kp_config_set(cfg, name, value, err, sizeof(err)) != 0) {
			fprintf(errf, "kapka: %s:%d: %s\n", path, lineno, err);
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

static void env_name(const char *name, char *buf, size_t len)
{
	size_t i = (size_t)snprintf(buf, len, "KAPKA_");
	for (; *name && i + 1 < len; name++)
		buf[i++] = (char)toupper((unsigned char)*name);
	buf[i] = '\0';
}

/* Match "--some-flag" against a setting name "some_flag". */
static const struct setting *flag_setting(const char *arg)
{
	if (strncmp(arg, "--", 2) != 0)
		return NULL;
	char name[64];
	size_t i = 0;
	for (arg += 2; *arg && *arg != '=' && i + 1 < sizeof(name); arg++)
		name[i++] = *arg == '-' ? '_' : *arg;
	name[i] = '\0';
	return find_setting(name);
}

/* A setting's flag name: log_level -> log-level. */
static void flag_name(const char *name, char *flag, size_t size)
{
	size_t j = 0;
	for (const char *p = name; *p && j + 1 < size; p++)
		flag[j++] = *p == '_' ? '-' : *p;
	flag[j] = '\0';
}

/* The KAPKA_* environment variables over cfg; 0, or -1 after saying why on errf. */
static int load_env(kp_config_t *cfg, FILE *errf)
{
	char err[256];
	for (size_t i = 0; i < KP_ARRAY_LEN(settings); i++) {
		char var[80];
		env_name(settings[i].name, var, sizeof(var));
		const char *v = getenv(var);
		if (v && apply(cfg, &settings[i], v, err, sizeof(err)) != 0) {
			fprintf(errf, "kapka: %s: %s\n", var, err);
			return -1;
		}
	}
	return 0;
}

/* A secret's flag takes '-' only, and the value from one line of standard input (never from
 * the command line, where ps shows it); 0, or -1 after saying why. */
static int apply_secret_flag(kp_config_t *cfg, const struct setting *s, const char *value, FILE *errf)
{
	char line[512], err[256];
	if (strcmp(value, "-") != 0) {
		char var[80], flag[64];
		env_name(s->name, var, sizeof(var));
		flag_name(s->name, flag, sizeof(flag));
		fprintf(errf,
		        "kapka: --%s with a value would show the secret to every user of this machine (ps); give '-'"
		        " and type it on standard input, or set %s, or %s in the config file\n",
		        flag, var, s->name);
		return -1;
	}
	if (fgets(line, sizeof(line), stdin) == NULL) {
		fprintf(errf, "kapka: --%s -: nothing on standard input\n", s->name);
		return -1;
	}
	line[strcspn(line, "\r\n")] = '\0';
	int rc = apply(cfg, s, line, err, sizeof(err));
	kp_wipe(line, sizeof(line));
	if (rc != 0)
		fprintf(errf, "kapka: --%s: %s\n", s->name, err);
	return rc != 0 ? -1 : 0;
}

/* The flags of argv[first..argc) over cfg; what is not a setting goes to rest. 0, or -1. */
static int load_flags(kp_config_t *cfg, int argc, char **argv, int first, char **rest, int *nrest, FILE *errf)
{
	char err[256];
	*nrest = 0;
	for (int i = first; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0) {
			i++;
			continue;
		}
		if (strncmp(argv[i], "--config=", 9) == 0)
			continue;
		const struct setting *s = flag_setting(argv[i]);
		if (s == NULL) {
			rest[(*nrest)++] = argv[i];
			continue;
		}
		const char *eq = strchr(argv[i], '=');
		const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (value == NULL) {
			fprintf(errf, "kapka: %s needs a value\n", argv[i]);
			return -1;
		}
		if (s->secret) {
			if (apply_secret_flag(cfg, s, value, errf) != 0)
				return -1;
		} else if (apply(cfg, s, value, err, sizeof(err)) != 0) {
			fprintf(errf, "kapka: --%s: %s\n", s->name, err);
			return -1;
		}
	}
	return 0;
}

int kp_config_load(kp_config_t *cfg, int argc, char **argv, int first, char **rest, int *nrest, FILE *errf)
{
	const char *file = getenv("KAPKA_CONFIG");
	for (int i = first; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			file = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			file = argv[i] + 9;
	}
	if (file && *file && load_file(cfg, file, errf) != 0)
		return -1;
	if (load_env(cfg, errf) != 0)
		return -1;
	return load_flags(cfg, argc, argv, first, rest, nrest, errf);
}

void kp_config_usage(FILE *out)
{
	fprintf(out, "Settings (flag, environment variable, config-file key; flags win over the\n"
	             "environment, which wins over the file named by --config or KAPKA_CONFIG):\n");
	for (size_t i = 0; i < KP_ARRAY_LEN(settings); i++) {
		char flag[64], var[80];
		flag_name(settings[i].name, flag, sizeof(flag));
		env_name(settings[i].name, var, sizeof(var));
		fprintf(out, "  --%-20s %-26s %s (default: %s)\n", flag, var, settings[i].help,
		        *settings[i].def ? settings[i].def : "none");
	}
}
