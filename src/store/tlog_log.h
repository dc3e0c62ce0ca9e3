/* tlog_log.h: the running transparency log of one kapka instance: its key, its Merkle tree
 * in memory (caught up with the leaves committed in the database) and its latest signed
 * checkpoint with the witnesses' cosignatures. Thread-safe. */
#ifndef KP_STORE_TLOG_LOG_H
#define KP_STORE_TLOG_LOG_H

#include "store/tlog.h"
#include "tlog/note.h"
#include "tlog/tree.h"

typedef struct kp_tlog kp_tlog_t;

/* Load the log key (made on the first start, named origin_default, sealed with
 * passphrase), rebuild the tree from the database and sign a checkpoint when the tree has
 * grown past the last one. passphrase NULL: a read-only log that cannot sign (monitors,
 * `kapka log`). NULL with a message in err on failure. */
kp_tlog_t *kp_tlog_open(kp_store_t *s, const char *passphrase, const char *origin_default, char *err, size_t errlen);
void kp_tlog_free(kp_tlog_t *l);

/* Catch up with the committed leaves on connection c (outside a transaction) and sign a
 * checkpoint when the tree grew. What the commit hook and housekeeping call. KP_DB_* code. */
int kp_tlog_sync(kp_tlog_t *l, kp_conn_t *c);
/* Start the signer thread and make it the store's commit hook: after each commit that
 * appended leaves it catches up and signs (once for all the batches committed meanwhile).
 * kp_tlog_free stops it. */
void kp_tlog_hook(kp_tlog_t *l);
/* fn(arg) runs on the signer thread after each checkpoint it signs, outside every lock
 * (the witness client). Set before kp_tlog_hook. */
void kp_tlog_after_sign(kp_tlog_t *l, void (*fn)(void *arg), void *arg);

const char *kp_tlog_origin(const kp_tlog_t *l);
/* The log's verifier key text (C2SP vkey). */
const char *kp_tlog_vkey(const kp_tlog_t *l);
const kp_note_key_t *kp_tlog_key(const kp_tlog_t *l);
kp_tlog_tree_t *kp_tlog_tree(kp_tlog_t *l);

/* The latest checkpoint: its size, its root and the signed note with every cosignature
 * (malloc'd; the caller frees it). NULL before the first checkpoint. */
char *kp_tlog_checkpoint(kp_tlog_t *l, int64_t *size, kp_hash_t root);
/* Re-read the cosignatures of the latest checkpoint (after a witness answered). */
int kp_tlog_reload_cosignatures(kp_tlog_t *l, kp_conn_t *c);

#endif
