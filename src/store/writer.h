/* writer.h: group commit. One writer thread with its own connection runs queued write
 * jobs in batches: one transaction per batch, a savepoint per job, one durable commit
 * (one fsync) for all of them. A job's failure rolls back only that job. */
#ifndef KP_WRITER_H
#define KP_WRITER_H

#include "store/store.h"

typedef struct kp_write_job {
	/* Runs inside the batch transaction on the writer's connection; must not begin or
	 * commit. Returns a KP_DB_* code. */
	int (*run)(kp_conn_t *c, void *ctx);
	/* Called on the writer thread after the batch committed (rc = run's result) or failed
	 * (rc = the commit's error). */
	void (*done)(void *ctx, int rc);
	void *ctx;
	int rc;
	struct kp_write_job *next;
} kp_write_job_t;

typedef struct kp_writer kp_writer_t;

/* Start the writer on a new connection to dsn. NULL with a message in err on failure. */
kp_writer_t *kp_writer_start(const char *dsn, int sync_full, int max_batch, char *err, size_t errlen);
/* Queue a job; it is owned by the caller and must live until done is called. */
void kp_writer_submit(kp_writer_t *w, kp_write_job_t *job);
/* Finish the queued jobs, then stop the thread and close the connection. */
void kp_writer_stop(kp_writer_t *w);

#endif
