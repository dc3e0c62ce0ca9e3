/* rawtx.c: the machine's raw durable-transaction rate through kapka's own store layer:
 * single-row INSERT transactions on a fresh database with the same sync settings as the
 * server. Usage: rawtx DSN SECONDS [THREADS]. Prints "rawtx: N tx/s". */
#include "core/util.h"
#include "store/store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static kp_store_t *store;
static atomic_long done;
static int64_t until_us;

static void *worker(void *arg)
{
	(void)arg;
	kp_conn_t *c = kp_store_acquire(store);
	while (kp_mono_us() < until_us) {
		if (kp_store_begin(c) != KP_DB_OK)
			continue;
		if (kp_db_run(c, "INSERT INTO rawtx (at, payload) VALUES (?, ?)",
		              KP_PARAMS(KV_INT(kp_now_ms()), KV_TEXT("KG-UZ-2026-1-123456 01KG123ABC Ala-Too Trans LLC")),
		              NULL) != KP_DB_OK) {
			kp_store_rollback(c);
			continue;
		}
		if (kp_store_commit(c) == KP_DB_OK)
			atomic_fetch_add(&done, 1);
	}
	kp_store_release(store, c);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: rawtx DSN SECONDS [THREADS]\n");
		return 2;
	}
	int seconds = atoi(argv[2]), threads = argc > 3 ? atoi(argv[3]) : 1;
	char err[256];
	if (threads < 1 || threads > 64 || kp_store_open(argv[1], threads, 1, &store, err, sizeof(err)) != 0) {
		fprintf(stderr, "rawtx: %s\n", err);
		return 1;
	}
	kp_conn_t *c = kp_store_acquire(store);
	kp_db_run(c, "CREATE TABLE IF NOT EXISTS rawtx (id BIGINT, at BIGINT, payload TEXT)", NULL, 0, NULL);
	kp_store_release(store, c);
	pthread_t t[64];
	int64_t start = kp_mono_us();
	until_us = start + (int64_t)seconds * 1000000;
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	double secs = (double)(kp_mono_us() - start) / 1e6;
	printf("rawtx: %.0f tx/s (%ld transactions, %d threads, %.1f s)\n", (double)atomic_load(&done) / secs,
	       atomic_load(&done), threads, secs);
	kp_store_close(store);
	return 0;
}
