/* cli.h: the subcommands of the kapka binary. */
#ifndef KP_CLI_H
#define KP_CLI_H

#include "core/config.h"
#include "store/store.h"

/* Each takes the settings (already loaded) and the arguments that were not settings. */
int kp_cli_serve(kp_config_t *cfg, int argc, char **argv);
int kp_cli_migrate(kp_config_t *cfg, int argc, char **argv);
int kp_cli_user(kp_config_t *cfg, int argc, char **argv);
int kp_cli_demo(kp_config_t *cfg, int argc, char **argv);
int kp_cli_keygen(kp_config_t *cfg, int argc, char **argv);
int kp_cli_trustlist(kp_config_t *cfg, int argc, char **argv);
int kp_cli_verify(kp_config_t *cfg, int argc, char **argv);
int kp_cli_log(kp_config_t *cfg, int argc, char **argv);

struct kp_tlog;
/* The transparency log on store, named by log_origin (else HOST/log from public_url,
 * else kapka/CODE/log) when its key is made; passphrase NULL: read-only. Switches the
 * log on or off as transparency_log says. Prints the problem and returns NULL on failure. */
struct kp_tlog *kp_cli_tlog_open(const kp_config_t *cfg, kp_store_t *store, const char *passphrase);

/* Open the configured database (creating a SQLite file's folder) and migrate it.
 * Prints the problem and returns NULL on failure. */
kp_store_t *kp_cli_open_store(const kp_config_t *cfg, int pool);

/* Create the admin account when the database has none; prints how to sign in.
 * url is where the server can be reached. 0 or -1. */
int kp_cli_ensure_admin(kp_store_t *store, const kp_config_t *cfg, const char *url);

/* True when argv holds -h or --help. */
int kp_cli_wants_help(int argc, char **argv);

#endif
