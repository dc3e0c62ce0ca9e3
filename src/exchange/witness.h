/* witness.h: asking witnesses to cosign the log's checkpoints (C2SP tlog-witness
 * add-checkpoint): each gets the latest checkpoint with a consistency proof from the last
 * one it cosigned; the cosignatures it returns (C2SP tlog-cosignature, Ed25519) are checked
 * against its key, stored and published under /log/checkpoint. */
#ifndef KP_WITNESS_H
#define KP_WITNESS_H

#include "store/tlog_log.h"

typedef struct kp_witness {
	kp_note_key_t key; /* type 0x04 (cosignature) */
	char url[512];     /* submission prefix: URL/add-checkpoint is posted to */
} kp_witness_t;

typedef struct kp_witnesses {
	kp_store_t *store;
	kp_tlog_t *log;
	kp_witness_t *list;
	int n;
} kp_witnesses_t;

/* The log_witnesses setting: "VKEY=URL" entries separated by spaces (URL starting with
 * http:// or https://). 0, or -1 with the problem in err. *out is malloc'd (free it). */
int kp_witness_parse(const char *setting, kp_witness_t **out, int *n, char *err, size_t errlen);
/* Ask every witness to cosign the latest checkpoint (what the log's signer calls after
 * signing; arg is a kp_witnesses_t). Failures are logged and retried at the next checkpoint. */
void kp_witness_ask_all(void *arg);

#endif
