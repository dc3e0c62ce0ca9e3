/* writer.c: the group-commit writer thread. */
#include "store/writer.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct kp_writer {
	kp_conn_t conn;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	kp_write_job_t *head, *tail;
	int max_batch;
	bool stopping;
	/* statistics, written by the writer thread only */
	int64_t jobs, batches, run_us, commit_us;
};

/* Take up to max_batch queued jobs (in arrival order); NULL when stopping and empty. */
static kp_write_job_t *take_batch(kp_writer_t *w)
{
	pthread_mutex_lock(&w->lock);
	while (w->head == NULL && !w->stopping)
		pthread_cond_wait(&w->wake, &w->lock);
	kp_write_job_t *first = w->head, *last = w->head;
	for (int n = 1; last && last->next && n < w->max_batch; n++)
		last = last->next;
	if (last) {
		w->head = last->next;
		if (w->head == NULL)
			w->tail = NULL;
		last->next = NULL;
	}
	pthread_mutex_unlock(&w->lock);
	return first;
}

static void run_job(kp_conn_t *c, kp_write_job_t *j)
{
	j->rc = kp_db_run(c, "SAVEPOINT kp_job", NULL, 0, NULL);
	if (j->rc != KP_DB_OK)
		return;
	j->rc = j->run(c, j->ctx);
	if (j->rc != KP_DB_OK)
		kp_db_run(c, "ROLLBACK TO SAVEPOINT kp_job", NULL, 0, NULL);
	kp_db_run(c, "RELEASE SAVEPOINT kp_job", NULL, 0, NULL);
}

static void run_batch(kp_writer_t *w, kp_write_job_t *batch)
{
	int64_t t0 = kp_mono_us();
	int rc = kp_store_begin(&w->conn), njobs = 0;
	for (kp_write_job_t *j = batch; rc == KP_DB_OK && j; j = j->next, w->jobs++, njobs++)
		run_job(&w->conn, j);
	int64_t t1 = kp_mono_us();
	if (rc == KP_DB_OK)
		rc = kp_store_commit(&w->conn);
	int64_t t2 = kp_mono_us();
	w->run_us += t1 - t0;
	w->commit_us += t2 - t1;
	w->batches++;
	kp_metrics_batch(njobs, t1 - t0, t2 - t1);
	if (rc != KP_DB_OK)
		kp_error("a group commit failed; its %s jobs are answered with an error", batch->next ? "batch's" : "one");
	for (kp_write_job_t *j = batch, *next; j; j = next) {
		next = j->next; /* done() may free the job */
		j->done(j->ctx, rc == KP_DB_OK ? j->rc : rc);
	}
}

static void *writer_main(void *arg)
{
	kp_writer_t *w = arg;
	kp_write_job_t *batch;
	while ((batch = take_batch(w)) != NULL)
		run_batch(w, batch);
	return NULL;
}

kp_writer_t *kp_writer_start(const char *dsn, int sync_full, int max_batch, char *err, size_t errlen)
{
	kp_writer_t *w = kp_calloc(1, sizeof(*w));
	bool pg = strncmp(dsn, "postgres://", 11) == 0 || strncmp(dsn, "postgresql://", 13) == 0;
	w->conn.be = pg ? &kp_pg_backend : &kp_sqlite_backend;
	if (w->conn.be->open(dsn, sync_full, &w->conn.h, err, errlen) != KP_DB_OK) {
		free(w);
		return NULL;
	}
	w->max_batch = max_batch > 0 ? max_batch : 256;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0)
		kp_fatal("cannot start the writer thread");
	return w;
}

void kp_writer_submit(kp_writer_t *w, kp_write_job_t *job)
{
	job->next = NULL;
	pthread_mutex_lock(&w->lock);
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

void kp_writer_stop(kp_writer_t *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	if (w->batches)
		kp_warn("group commit: %lld jobs in %lld batches (%.1f a batch); %.0f us running a job, %.0f us a commit",
		        (long long)w->jobs, (long long)w->batches, (double)w->jobs / (double)w->batches,
		        (double)w->run_us / (double)(w->jobs ? w->jobs : 1), (double)w->commit_us / (double)w->batches);
	w->conn.be->close(w->conn.h);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	free(w);
}
