/* metrics.h: the process's own counters and histograms (requests, group commits) and the
 * Prometheus text exposition format (version 0.0.4) they and the database gauges are
 * written in. Thread-safe; counters live as long as the process. */
#ifndef KP_METRICS_H
#define KP_METRICS_H

#include <stdint.h>
#include <stdio.h>

#define KP_METRIC_LABELS 4

/* One sample of a family: up to KP_METRIC_LABELS name/value pairs (NULL name ends). */
typedef struct kp_sample {
	const char *labels[KP_METRIC_LABELS][2];
	double value;
} kp_sample_t;

/* Count one answered request. method/route must be static strings (the route table's);
 * NULL route: no route matched (static files, 404). */
void kp_metrics_request(const char *method, const char *route, int status, int64_t us);
/* One group-commit batch: jobs in it, microseconds running them and committing. */
void kp_metrics_batch(int jobs, int64_t run_us, int64_t commit_us);

/* Write the counters and histograms kept in this process. */
void kp_metrics_write_process(FILE *f);
/* Write one family: # HELP, # TYPE, then its samples (label values escaped). */
void kp_metrics_family(FILE *f, const char *name, const char *type, const char *help, const kp_sample_t *s, int n);

#endif
