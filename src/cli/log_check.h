/* log_check.h: the transparency log's monitors, shared by the `kapka log` subcommands. */
#ifndef KP_CLI_LOG_CHECK_H
#define KP_CLI_LOG_CHECK_H

#include "store/tlog_log.h"

/* `kapka log verify`: 0 when the log, its checkpoints and the acts agree, 1 otherwise
 * (every difference printed). tiles_url: also compare with that kapka's public tiles. */
int kp_cli_log_verify(kp_store_t *store, kp_tlog_t *l, const char *tiles_url);
/* `kapka log monitor URL [--state FILE] [--key VKEY] [--interval S] [--once]`. */
int kp_cli_log_monitor(const char *url, int argc, char **argv);
/* The value of --name in argv, or NULL. */
const char *kp_cli_log_opt(int argc, char **argv, const char *name);

/* A log read from its public tiles: the checkpoint (signature checked against key), then
 * every entry bundle, hashed into tree (which must be empty), and the root compared with
 * the checkpoint's; the level-0 tiles are compared with the entries' hashes.
 * 0, or -1 with what is wrong in err. entries (may be NULL) gets each entry (malloc'd
 * array of malloc'd strings, size of them). */
int kp_cli_log_fetch(const char *base, const kp_note_key_t *key, kp_tlog_tree_t *tree, int64_t *size, kp_hash_t root,
                     char ***entries, char *err, size_t errlen);

#endif
