/* cli.h: the subcommands of the kapka binary. */
#ifndef KP_CLI_H
#define KP_CLI_H

#include "core/config.h"
#include "store/store.h"
#include "crypto/keys.h"

#include <jansson.h>
#include <stdbool.h>

/* Each takes the settings (already loaded) and the arguments that were not settings. */
int kp_cli_serve(kp_config_t *cfg, int argc, char **argv);
int kp_cli_migrate(kp_config_t *cfg, int argc, char **argv);
int kp_cli_user(kp_config_t *cfg, int argc, char **argv);
int kp_cli_demo(kp_config_t *cfg, int argc, char **argv);
int kp_cli_keygen(kp_config_t *cfg, int argc, char **argv);
int kp_cli_trustlist(kp_config_t *cfg, int argc, char **argv);
int kp_cli_verify(kp_config_t *cfg, int argc, char **argv);
int kp_cli_log(kp_config_t *cfg, int argc, char **argv);
int kp_cli_backup(kp_config_t *cfg, int argc, char **argv);
int kp_cli_restore(kp_config_t *cfg, int argc, char **argv);

struct kp_tlog;
/* The transparency log on store, named by log_origin (else HOST/log from public_url,
 * else kapka/CODE/log) when its key is made; passphrase NULL: read-only. Switches the
 * log on or off as transparency_log says. Prints the problem and returns NULL on failure. */
struct kp_tlog *kp_cli_tlog_open(const kp_config_t *cfg, kp_store_t *store, const char *passphrase);

/* A trust list as `kapka trustlist export` writes it, read and checked (keys.c): its digest
 * and its signature by a pinned anchor of its issuer, from the anchors file anchor_path
 * (kp_cli_anchors_load). The rule of every offline check (kapka verify, ecmr-verify): with
 * no anchor_path nothing is believed: prints "NOT CHECKED: no trust anchor" and returns -1.
 * Prints the problem and returns -1 when it cannot be trusted. */
struct trust {
	char *text; /* malloc'd; free it and json_decref body when done */
	json_t *body;
	const char *issuer;
	int64_t issued_at;
};
int kp_cli_load_trust(const char *path, const char *anchor_path, struct trust *t);
/* Pinned trust anchors (anchors.c). `kapka trustlist anchors`: the keys this database
 * trusts (ours and partners' from the handshake) written to path (NULL: stdout). */
int kp_cli_anchors_export(kp_config_t *cfg, const char *path);
/* An anchors file, an epermit-configuration or a single JWK (then an anchor for any
 * issuer), as {"authorities": [{"code"|null, "keys"}]}; NULL (and a message) when none. */
json_t *kp_cli_anchors_load(const char *path);
/* The anchor key kid of authority (made anew: the caller frees it), NULL when not pinned;
 * authority NULL: any; kid NULL: the first. */
kp_key_t *kp_cli_anchor_key(json_t *anchors, const char *authority, const char *kid);
/* A trust list read and checked against pinned anchors: it must be signed by one of its
 * issuer's anchor keys. Prints the problem and returns -1 when it cannot be trusted. */
int kp_cli_load_trust_pinned(const char *path, json_t *anchors, struct trust *t);

/* The key kid of authority in a loaded trust list's body (made anew: the caller frees it),
 * NULL when absent; *revoked when marked revoked. */
kp_key_t *kp_cli_trust_key(json_t *body, const char *authority, const char *kid, bool *revoked);
int kp_cli_ecmr_verify(kp_config_t *cfg, int argc, char **argv);
int kp_cli_xroad_call(kp_config_t *cfg, int argc, char **argv);

/* Open the configured database (creating a SQLite file's folder) and migrate it.
 * Prints the problem and returns NULL on failure. */
kp_store_t *kp_cli_open_store(const kp_config_t *cfg, int pool);

/* Create the admin account when the database has none; prints how to sign in.
 * url is where the server can be reached. 0 or -1. */
int kp_cli_ensure_admin(kp_store_t *store, const kp_config_t *cfg, const char *url);

/* True when argv holds -h or --help. */
int kp_cli_wants_help(int argc, char **argv);

#endif
