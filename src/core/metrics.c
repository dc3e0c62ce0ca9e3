/* metrics.c: request and group-commit statistics kept in memory, and their rendering in
 * the Prometheus text exposition format. */
#include "core/metrics.h"

#include <pthread.h>
#include <string.h>

/* Latency buckets (seconds) and batch-size buckets (jobs). */
static const double lat_le[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NLAT (sizeof(lat_le) / sizeof(lat_le[0]))
static const double batch_le[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
#define NBATCH (sizeof(batch_le) / sizeof(batch_le[0]))

#define MAX_ROUTES 1024
#define MAX_STATUSES 12
/* Open-addressed index of the route slots, twice their number so a probe always ends. */
#define INDEX_BITS 11
#define NINDEX (1u << INDEX_BITS)

struct route_stats {
	const char *method, *route;
	uint64_t lat_buckets[NLAT], count;
	double sum;
	int statuses[MAX_STATUSES];
	uint64_t by_status[MAX_STATUSES];
};

static struct {
	pthread_mutex_t lock;
	struct route_stats routes[MAX_ROUTES];
	uint16_t index[NINDEX]; /* slot + 1; 0 is empty */
	int nroutes;
	uint64_t dropped;
	uint64_t batch_buckets[NBATCH], batches, jobs;
	uint64_t commit_buckets[NLAT];
	double run_s, commit_s;
} M = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Slot of (method, route), found by the strings' addresses (they are the route table's),
 * so every request costs one hash and a probe or two, not a walk of the table. */
static struct route_stats *route_slot(const char *method, const char *route)
{
	uint64_t key = ((uint64_t)(uintptr_t)route * 31 + (uint64_t)(uintptr_t)method) * 0x9E3779B97F4A7C15ull;
	for (uint32_t i = (uint32_t)(key >> (64 - INDEX_BITS));; i = (i + 1) & (NINDEX - 1)) {
		if (M.index[i] == 0) {
			if (M.nroutes == MAX_ROUTES)
				return NULL;
			struct route_stats *r = &M.routes[M.nroutes++];
			r->method = method;
			r->route = route;
			M.index[i] = (uint16_t)M.nroutes;
			return r;
		}
		struct route_stats *r = &M.routes[M.index[i] - 1];
		if (r->method == method && r->route == route)
			return r;
	}
}

/* Count v in the first bucket it fits (none: only in +Inf, the count); the buckets are
 * made cumulative when written. */
static void observe(uint64_t *buckets, const double *le, size_t n, double v)
{
	for (size_t i = 0; i < n; i++)
		if (v <= le[i]) {
			buckets[i]++;
			return;
		}
}

void kp_metrics_request(const char *method, const char *route, int status, int64_t us)
{
	if (route == NULL) {
		method = "-";
		route = "(none)";
	}
	double s = (double)us / 1e6;
	pthread_mutex_lock(&M.lock);
	struct route_stats *r = route_slot(method, route);
	if (r == NULL) {
		M.dropped++;
		goto done;
	}
	observe(r->lat_buckets, lat_le, NLAT, s);
	r->count++;
	r->sum += s;
	for (int i = 0; i < MAX_STATUSES; i++) {
		if (r->statuses[i] == status || r->statuses[i] == 0) {
			r->statuses[i] = status;
			r->by_status[i]++;
			goto done;
		}
	}
	M.dropped++;
done:
	pthread_mutex_unlock(&M.lock);
}

void kp_metrics_batch(int jobs, int64_t run_us, int64_t commit_us)
{
	pthread_mutex_lock(&M.lock);
	observe(M.batch_buckets, batch_le, NBATCH, (double)jobs);
	observe(M.commit_buckets, lat_le, NLAT, (double)commit_us / 1e6);
	M.batches++;
	M.jobs += (uint64_t)jobs;
	M.run_s += (double)run_us / 1e6;
	M.commit_s += (double)commit_us / 1e6;
	pthread_mutex_unlock(&M.lock);
}

/* A label value as the exposition format wants it: \\, \" and \n escaped. */
static void write_label_value(FILE *f, const char *v)
{
	for (const char *p = v ? v : ""; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '"')
			fputs("\\\"", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
}

static void write_value(FILE *f, double v)
{
	if (v == (double)(int64_t)v && v < 9e15 && v > -9e15)
		fprintf(f, "%lld", (long long)v);
	else
		fprintf(f, "%.17g", v);
}

/* name{labels[,extra="x"]} value */
static void write_sample(FILE *f, const char *name, const char *const (*labels)[2], const char *extra_name,
                         const char *extra_value, double v)
{
	fputs(name, f);
	int n = 0;
	for (int i = 0; labels && i < KP_METRIC_LABELS && labels[i][0]; i++, n++) {
		fprintf(f, "%s%s=\"", n ? "," : "{", labels[i][0]);
		write_label_value(f, labels[i][1]);
		fputc('"', f);
	}
	if (extra_name) {
		fprintf(f, "%s%s=\"%s\"", n ? "," : "{", extra_name, extra_value);
		n++;
	}
	fputs(n ? "} " : " ", f);
	write_value(f, v);
	fputc('\n', f);
}

void kp_metrics_family(FILE *f, const char *name, const char *type, const char *help, const kp_sample_t *s, int n)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
	for (int i = 0; i < n; i++)
		write_sample(f, name, (const char *const(*)[2])s[i].labels, NULL, NULL, s[i].value);
}

static void write_histogram(FILE *f, const char *name, const char *const (*labels)[2], const uint64_t *buckets,
                            const double *le, size_t n, uint64_t count, double sum)
{
	char b[32], nm[128];
	uint64_t below = 0;
	snprintf(nm, sizeof(nm), "%s_bucket", name);
	for (size_t i = 0; i < n; i++) {
		below += buckets[i];
		snprintf(b, sizeof(b), "%g", le[i]);
		write_sample(f, nm, labels, "le", b, (double)below);
	}
	write_sample(f, nm, labels, "le", "+Inf", (double)count);
	snprintf(nm, sizeof(nm), "%s_sum", name);
	write_sample(f, nm, labels, NULL, NULL, sum);
	snprintf(nm, sizeof(nm), "%s_count", name);
	write_sample(f, nm, labels, NULL, NULL, (double)count);
}

static void write_requests(FILE *f)
{
	fputs("# HELP kapka_http_requests_total Requests answered, by route pattern, method and status.\n"
	      "# TYPE kapka_http_requests_total counter\n",
	      f);
	for (int i = 0; i < M.nroutes; i++) {
		struct route_stats *r = &M.routes[i];
		for (int j = 0; j < MAX_STATUSES && r->statuses[j]; j++) {
			char code[8];
			snprintf(code, sizeof(code), "%d", r->statuses[j]);
			const char *labels[3][2] = {{"method", r->method}, {"route", r->route}, {NULL, NULL}};
			write_sample(f, "kapka_http_requests_total", (const char *const(*)[2])labels, "status", code,
			             (double)r->by_status[j]);
		}
	}
	fputs("# HELP kapka_http_request_duration_seconds Time from the request's first byte to its answer.\n"
	      "# TYPE kapka_http_request_duration_seconds histogram\n",
	      f);
	for (int i = 0; i < M.nroutes; i++) {
		struct route_stats *r = &M.routes[i];
		const char *labels[3][2] = {{"method", r->method}, {"route", r->route}, {NULL, NULL}};
		write_histogram(f, "kapka_http_request_duration_seconds", (const char *const(*)[2])labels, r->lat_buckets,
		                lat_le, NLAT, r->count, r->sum);
	}
	kp_metrics_family(f, "kapka_metrics_dropped_total", "counter",
	                  "Requests not counted by route because the table of routes and statuses was full.",
	                  &(kp_sample_t){.value = (double)M.dropped}, 1);
}

static void write_writer(FILE *f)
{
	fputs("# HELP kapka_group_commit_batch_jobs Jobs per group-commit batch (permit issuing).\n"
	      "# TYPE kapka_group_commit_batch_jobs histogram\n",
	      f);
	write_histogram(f, "kapka_group_commit_batch_jobs", NULL, M.batch_buckets, batch_le, NBATCH, M.batches,
	                (double)M.jobs);
	fputs("# HELP kapka_group_commit_commit_seconds Time of each batch's durable commit.\n"
	      "# TYPE kapka_group_commit_commit_seconds histogram\n",
	      f);
	write_histogram(f, "kapka_group_commit_commit_seconds", NULL, M.commit_buckets, lat_le, NLAT, M.batches,
	                M.commit_s);
	kp_metrics_family(f, "kapka_group_commit_run_seconds_total", "counter",
	                  "Writer time spent running the batches' jobs, before their commit.",
	                  &(kp_sample_t){.value = M.run_s}, 1);
}

void kp_metrics_write_process(FILE *f)
{
	pthread_mutex_lock(&M.lock);
	write_requests(f);
	write_writer(f);
	pthread_mutex_unlock(&M.lock);
}
