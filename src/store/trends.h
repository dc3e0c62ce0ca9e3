/* trends.h: counts over time for the ministry's charts: permits issued per local day by
 * type or partner, quota capacity per partner, crossings and queue waits per day at a
 * checkpoint, single-window applications per day submitted by their state. The store
 * counts per local day; api/trends.c folds days into months and fills the gaps. */
#ifndef KP_STORE_TRENDS_H
#define KP_STORE_TRENDS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* One group: a local day (days since 1970-01-01 at the offset asked for; 0 for groups
 * with no day) and a key, with its count and, for crossings, the waits of those that
 * waited (seconds from check-in at the waiting zone to the crossing). */
typedef struct kp_trend_row {
	int64_t day;
	const char *key;
	int64_t n;
	int64_t waited, wait_sum, wait_max;
} kp_trend_row_t;

/* Permits issuer issued in [from, to) per local day and type (by_partner false) or
 * partner (true). Days ascending. */
int kp_store_trend_permits(kp_conn_t *c, kp_arena_t *a, const char *issuer, int64_t from, int64_t to,
                           int offset_minutes, bool by_partner, kp_trend_row_t **out, int *n);
/* Permits issuer's quotas for year hold, per partner (key): capacity in n (day 0). */
int kp_store_trend_quotas(kp_conn_t *c, kp_arena_t *a, const char *issuer, int year, kp_trend_row_t **out, int *n);
/* Crossings at checkpoint in [from, to) per local day (key NULL), with waits. */
int kp_store_trend_crossings(kp_conn_t *c, kp_arena_t *a, const char *checkpoint, int64_t from, int64_t to,
                             int offset_minutes, kp_trend_row_t **out, int *n);
/* Single-window applications submitted in [from, to) per local day and status (key). */
int kp_store_trend_window(kp_conn_t *c, kp_arena_t *a, int64_t from, int64_t to, int offset_minutes,
                          kp_trend_row_t **out, int *n);

#endif
