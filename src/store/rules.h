/* rules.h: rule data the ministry changes from a date (store/rules.c): a checkpoint's open
 * season and weekly hours through rule_changes (applied when due), public holidays with
 * their sources, and the notices left to drivers. Every change is audited. */
#ifndef KP_STORE_RULES_H
#define KP_STORE_RULES_H

#include "store/store.h"

typedef struct kp_rule_change {
	int64_t id, effective_from, created_at, applied_at; /* applied_at 0: pending */
	const char *kind, *checkpoint, *payload, *source;
	int bookings_cancelled; /* set when applied: bookings at hours the crossing no longer serves */
} kp_rule_change_t;

/* Record a change (kind season or hours, payload JSON as validated by the API); applied at
 * once when effective_from <= now. Sets ch->id and ch->applied_at. Applying it cancels the
 * active bookings at hours the crossing no longer serves, with a notice to each driver, as a
 * closure does (kp_store_schedule_cancel_bookings_tx; ch->bookings_cancelled). */
int kp_store_rule_change_add(kp_conn_t *c, const kp_actor_t *who, kp_rule_change_t *ch, int64_t now);
/* A fee change (kind zone_fees, payload {items: [{max_zones, fee_som}]}; or ecotax_fee,
 * payload {kind, fee_som}), with its source, applied at once when due by now, else kept
 * until then; audited. Sets ch->id and ch->applied_at. */
int kp_store_fee_change_add(kp_conn_t *c, const kp_actor_t *who, kp_rule_change_t *ch, int64_t now);
/* The source of the zone-fee table; NULL when none. (An ecotax fee's comes with
 * kp_store_ecotax_fees.) */
int kp_store_zone_fee_source(kp_conn_t *c, kp_arena_t *a, const char **source);
/* Apply every rule and fee change due by now, oldest first, each in its own transaction. */
int kp_store_rule_changes_apply_due(kp_conn_t *c, int64_t now);
/* The earliest pending rule or fee change's instant, 0 when none. */
int kp_store_rule_changes_next_due(kp_conn_t *c, int64_t *at);
/* checkpoint NULL: all; newest first. */
int kp_store_rule_changes(kp_conn_t *c, kp_arena_t *a, const char *checkpoint, int limit, kp_rule_change_t **out,
                          int *n);

typedef struct kp_holiday_row {
	int64_t id;
	const char *country, *name, *source;
	int year, month, day;          /* year 0: every year */
	const char *name_ky, *name_ru; /* the name in Kyrgyz and Russian, NULL when not given */
} kp_holiday_row_t;
/* country NULL: all; year > 0: that year's and the every-year ones. */
int kp_store_holidays(kp_conn_t *c, kp_arena_t *a, const char *country, int year, kp_holiday_row_t **out, int *n);
/* KP_DB_CONFLICT when the country already has a holiday that day (same year or every year). */
int kp_store_holiday_add(kp_conn_t *c, const kp_actor_t *who, kp_holiday_row_t *h);
int kp_store_holiday_delete(kp_conn_t *c, const kp_actor_t *who, int64_t id);

#endif
