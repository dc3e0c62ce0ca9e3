/* metrics.c: the gauges /metrics reads from the database: outbox backlog per partner,
 * quota left, crossings per checkpoint, queue lengths, transparency-log size. One query
 * per family; its first columns are the label values, its last the value. */
#include "store/store.h"
#include "domain/booking.h"
#include "domain/outbox.h"
#include "core/metrics.h"

#include <stdlib.h>

struct gauge {
	const char *name, *type, *help;
	const char *labels[KP_METRIC_LABELS]; /* NULL-terminated when fewer */
	double scale;
	const char *sql;
};

static const struct gauge gauges[] = {
    {"kapka_outbox_pending",
     "gauge",
     "Events queued for a partner and not yet delivered.",
     {"partner"},
     1,
     "SELECT c.partner, (SELECT COUNT(*) FROM outbox o WHERE o.partner = c.partner AND o.state = '" KP_OUTBOX_S_PENDING
     "') "
     "FROM exchange_chains c ORDER BY c.partner"},
    {"kapka_outbox_oldest_pending_timestamp_seconds",
     "gauge",
     "When the oldest undelivered event for a partner was queued (alert on time() minus this).",
     {"partner"},
     0.001,
     "SELECT partner, MIN(created_at) FROM outbox WHERE state = '" KP_OUTBOX_S_PENDING
     "' GROUP BY partner ORDER BY partner"},
    {"kapka_outbox_attempts_max",
     "gauge",
     "Most delivery attempts of one pending event, per partner.",
     {"partner"},
     1,
     "SELECT partner, MAX(attempts) FROM outbox WHERE state = '" KP_OUTBOX_S_PENDING
     "' GROUP BY partner ORDER BY partner"},
    {"kapka_quota_remaining",
     "gauge",
     "Permit numbers left to issue, per issuer, verifier, type and year.",
     {"issuer", "verifier", "type", "year"},
     1,
     "SELECT issuer, verifier, type, year, SUM(end_number + 1 - next_serial) FROM quotas "
     "GROUP BY issuer, verifier, type, year ORDER BY issuer, verifier, type, year"},
    {"kapka_crossings_total",
     "counter",
     "Border crossings registered, per checkpoint and direction.",
     {"checkpoint", "direction"},
     1,
     "SELECT checkpoint, direction, COUNT(*) FROM crossings GROUP BY checkpoint, direction "
     "ORDER BY checkpoint, direction"},
    {"kapka_queue_length",
     "gauge",
     "Vehicles in a checkpoint's queue, per flow and state.",
     {"checkpoint", "flow", "state"},
     1,
     "SELECT checkpoint, flow, status, COUNT(*) FROM queue_bookings "
     "WHERE status IN " KP_BOOKING_OPEN_SQL " GROUP BY checkpoint, flow, status "
     "ORDER BY checkpoint, flow, status"},
    {"kapka_notifications",
     "gauge",
     "SMS, email and in-app notices, per channel and state.",
     {"channel", "state"},
     1,
     "SELECT channel, state, COUNT(*) FROM notifications GROUP BY channel, state ORDER BY channel, state"},
    {"kapka_notifications_oldest_due_timestamp_seconds",
     "gauge",
     "When the oldest SMS or email still to send was queued (alert on time() minus this).",
     {"channel"},
     0.001,
     "SELECT channel, MIN(created_at) FROM notifications WHERE state IN ('pending', 'failed') GROUP BY channel"
     " ORDER BY channel"},
    {"kapka_sms_delivery",
     "gauge",
     "SMS by the latest delivery report Kannel sent (accepted, buffered, delivered, failed, rejected).",
     {"state"},
     1,
     "SELECT dlr_state, COUNT(*) FROM notifications WHERE dlr_state IS NOT NULL GROUP BY dlr_state"
     " ORDER BY dlr_state"},
    {"kapka_transparency_log_size",
     "gauge",
     "Leaves in the transparency log.",
     {NULL},
     1,
     "SELECT size FROM tlog_state WHERE id = 1"},
};

static int emit_gauge(kp_conn_t *c, kp_arena_t *a, const struct gauge *g, kp_gauge_emit_fn emit, void *ctx)
{
	kp_rows_t r;
	int rc = kp_db_exec(c, a, &r, g->sql, NULL, 0);
	if (rc != KP_DB_OK)
		return rc;
	kp_sample_t *s = kp_arena_zalloc(a, sizeof(*s) * (size_t)(r.nrows ? r.nrows : 1));
	int nl = 0;
	while (nl < KP_METRIC_LABELS && g->labels[nl])
		nl++;
	for (int i = 0; i < r.nrows; i++) {
		for (int l = 0; l < nl; l++) {
			s[i].labels[l][0] = g->labels[l];
			s[i].labels[l][1] = kp_rows_text(&r, i, l);
		}
		const char *v = kp_rows_text(&r, i, nl);
		s[i].value = v ? strtod(v, NULL) * g->scale : 0;
	}
	emit(ctx, g->name, g->type, g->help, s, r.nrows);
	return KP_DB_OK;
}

int kp_store_gauges(kp_conn_t *c, kp_arena_t *a, kp_gauge_emit_fn emit, void *ctx)
{
	for (size_t i = 0; i < sizeof(gauges) / sizeof(gauges[0]); i++) {
		int rc = emit_gauge(c, a, &gauges[i], emit, ctx);
		if (rc != KP_DB_OK)
			return rc;
	}
	return KP_DB_OK;
}
