/* config.h: every setting of kapka, read from defaults, a config file, KAPKA_* variables
 * and command-line flags, later sources winning. The table in config.c is the one place
 * a setting is declared; docs/configuration.md lists the same table. */
#ifndef KP_CONFIG_H
#define KP_CONFIG_H

#include <stdio.h>

typedef struct kp_config {
	char listen[64];
	long long port;
	char db[1024];
	char web_dir[512];
	long long threads;
	long long db_pool;
	char log_level[16];
	long long max_body;
	long long max_header;
	long long session_ttl;
	long long cookie_secure;
	long long login_max_failures;
	long long login_lock_seconds;
	long long login_delay_seconds;
	long long max_connections, max_connections_per_address, reserved_connections, idle_timeout;
	long long register_per_address, register_window_seconds, register_per_minute, password_hash_concurrency;
	long long ip_max_failures;
	long long ip_window_seconds;
	long long shutdown_grace;
	char admin_password[128];
	long long sqlite_sync_full;
	char public_url[256];
	char trusted_proxies[512];
	char metrics_allow[512];
	char metrics_token[128];
	char tls_cert[512];
	char tls_key[512];
	char authority_code[3];
	char authority_name[128];
	long long utc_offset_minutes;
	char key_passphrase[256];
	char key_passphrase_file[512];
	long long group_commit_max;
	char epermit_base[128];
	long long exchange_poll_ms;
	long long exchange_retry_min_ms;
	long long exchange_retry_max_ms;
	long long exchange_max_refusals;
	char exchange_allow_private[512];
	long long exchange_timeout_ms;
	long long trustlist_max_age_hours;
	char trust_anchors[512]; /* pinned keys for kapka verify (kapka trustlist anchors) */
	long long zone_validity_months;
	long long zone_extension_max_months;
	long long tip_min_months;
	long long tip_max_months;
	long long tip_reminder_days;
	char log_origin[129];
	char log_witnesses[2048];
	long long transparency_log;
	long long crossing_max_weight_kg;
	long long queue_priority_percent;
	long long crossing_backdate_hours;
	long long queue_call_minutes;
	long long queue_checkin_early_minutes;
	long long queue_no_show_grace_minutes;
	long long document_max_bytes;
	long long document_max_per_user;
	long long queue_traveller_bookings, queue_carrier_bookings;
	/* tests only */
	long long test_mode;
	char test_clock[40];
	/* e-CMR and the agency exchange (docs/ecmr.md, docs/agencies.md) */
	char message_dir[512];
	long long webhook_poll_ms;
	long long webhook_timeout_ms;
	char webhook_retry_schedule[128];
	char xroad_security_servers[512];
	char xroad_consumer_url[256];
	char xroad_client[128];
	/* notifications (docs/notifications.md) */
	char sms_url[512], sms_user[128], sms_password[256], sms_from[64], sms_dlr_base[512];
	char smtp_url[512], smtp_from[256], smtp_user[256], smtp_password[256], smtp_ca_file[512];
	long long smtp_starttls, notify_poll_ms, notify_timeout_ms, notify_retry_min_ms, notify_retry_max_ms;
	long long notify_max_attempts, notify_sweep_seconds;
} kp_config_t;

/* Fill cfg with defaults. */
void kp_config_defaults(kp_config_t *cfg);

/* Apply the config file (if --config/KAPKA_CONFIG names one), the environment and the
 * flags in argv[first..argc). Flags that are not settings are left in place and their
 * positions returned in rest[] (at most argc entries), count in *nrest.
 * Returns 0, or -1 after printing the problem to err. */
int kp_config_load(kp_config_t *cfg, int argc, char **argv, int first, char **rest, int *nrest, FILE *err);

/* Print the settings table (flag, variable, default, meaning). */
void kp_config_usage(FILE *out);

/* Set one setting by its name ("port", "db", ...). Returns 0 or -1 with a message in err. */
int kp_config_set(kp_config_t *cfg, const char *name, const char *value, char *err, size_t errlen);

/* Names of all settings, NULL-terminated (for the docs test). */
const char *kp_config_name(size_t i);

#endif
