/* conns.h: open connections per client address, for the server's per-address limit and
 * the headroom kept under the global cap (server.c's accept policy). Internal to http/. */
#ifndef KP_HTTP_CONNS_H
#define KP_HTTP_CONNS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct kp_conn_slot kp_conn_slot_t;

typedef struct kp_conns {
	pthread_mutex_t lock;
	kp_conn_slot_t *slots;
	int total;
} kp_conns_t;

void kp_conns_init(kp_conns_t *t);
void kp_conns_cleanup(kp_conns_t *t);
/* How many connections addr has open (*mine) and how many are open in all (*total). */
void kp_conns_count(kp_conns_t *t, const char *addr, int *mine, int *total);
/* A connection from addr opened (opened true) or closed. Thread-safe. */
void kp_conns_note(kp_conns_t *t, const char *addr, bool opened);

#endif
