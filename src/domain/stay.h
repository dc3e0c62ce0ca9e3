/* stay.h: the stay calculator: how many days a traveller has used, how many are left,
 * the last legal day of a planned stay, the earliest visa-free entry, and when an e-visa
 * is needed instead, under one of the rules a nationality is given. Pure: no I/O.
 * Days are civil days (days since 1970-01-01, dates.h); the entry day and the exit day
 * of a stay are both days of stay. */
#ifndef KP_STAY_H
#define KP_STAY_H

#include <stdbool.h>
#include <stdint.h>

/* How a rule counts. */
typedef enum kp_stay_kind {
	/* Kyrgyzstan's visa-free rule as seed 001 states it: up to `days` in a period; after
	 * using X days (X < days) wait at least X days outside, then up to days - X more; after
	 * using all of them, wait `days` days outside; `days` days outside start a new period. */
	KP_STAY_REENTRY,
	/* `days` in any `window` days (the EU's 90/180): on every day of a stay, the days of
	 * stay within the window ending that day may not exceed `days`. */
	KP_STAY_ROLLING,
	KP_STAY_VISA_REQUIRED, /* no visa-free stay: an e-visa or visa is needed */
	KP_STAY_UNLIMITED,     /* no limit (citizens, or treaties without one) */
	/* up to `days` from each entry, with no condition on re-entry (resolution No. 855's
	 * 60 days for holders of a UN laissez-passer) */
	KP_STAY_PER_ENTRY,
} kp_stay_kind_t;

typedef struct kp_stay_rule {
	kp_stay_kind_t kind;
	int days;   /* 1..3660 for REENTRY and ROLLING */
	int window; /* ROLLING: > days, at most 3660; else 0 */
} kp_stay_rule_t;

/* Parse / name a kind: "reentry", "rolling", "visa_required", "unlimited", "per_entry". */
int kp_stay_kind_parse(const char *s, kp_stay_kind_t *out);
const char *kp_stay_kind_name(kp_stay_kind_t k);
/* NULL when the rule's numbers fit its kind, else why not. */
const char *kp_stay_rule_check(const kp_stay_rule_t *r);

#define KP_STAY_OPEN INT64_MAX /* exit of a stay still going on */
#define KP_STAY_MAX 400        /* past stays accepted */

typedef struct kp_stay {
	int64_t entry, exit; /* exit KP_STAY_OPEN: still in the country */
} kp_stay_t;

typedef struct kp_stay_result {
	/* Which part of the rule decided: FIRST_ENTRY, NEW_PERIOD_AFTER_REST, WAIT_FULL_USED,
	 * WAIT_DAYS_USED, CURRENT_PERIOD, ROLLING_WINDOW, VISA_REQUIRED, UNLIMITED. */
	const char *rule_applied;
	const char *explanation; /* one English sentence, for logs and the API */
	int64_t stay_entry;      /* the stay evaluated: the planned one, or the open one */
	int64_t days_used;       /* counted against the allowance on the stay's entry day, before it */
	int64_t days_left;       /* visa-free days available from the entry day */
	bool entry_allowed;      /* visa-free entry on stay_entry is allowed */
	int64_t last_legal_day;  /* last day of the stay that is legal; -1 when entry is not allowed,
	                            INT64_MAX when unlimited */
	int64_t overstay_days;   /* days of the planned stay (when its exit is known) past the limit */
	int64_t earliest_entry;  /* earliest day >= the day after the last exit allowing a visa-free
	                            entry; -1 when never (visa required) */
	bool evisa_needed;       /* the planned stay needs an e-visa (entry too early or overstay) */
	int64_t window_start;    /* ROLLING: the window ending on the last legal day (or entry);
	                            REENTRY: the start of the current period; else -1 */
	int64_t earliest_full_entry; /* dated calculation only: earliest day >= the day after the
	                                last exit on which a stay of the full allowance of the rule
	                                then in force may begin; -1 when none within ~2 years */
	int rule_index;          /* dated calculation: the period in force on the entry day */
	int last_rule;           /* dated calculation: the later period whose rule decided the last
	                            legal day (ending the stay sooner or allowing it longer than the
	                            entry day's rule), else -1 */
} kp_stay_result_t;

enum kp_stay_status {
	KP_STAY_OK = 0,
	KP_STAY_EORDER = -1,   /* a stay ends before it starts, or begins before the one before ended */
	KP_STAY_EOPEN = -2,    /* an open stay that is not the last, or an open stay and a planned one */
	KP_STAY_ENONE = -3,    /* no planned stay and no open stay: nothing to evaluate */
	KP_STAY_ETOOMANY = -4, /* more than KP_STAY_MAX past stays */
	KP_STAY_ERULE = -5,    /* the rule's numbers do not fit its kind */
	KP_STAY_EPLAN = -6,    /* the planned stay starts before the last past exit or ends before it starts */
	KP_STAY_ENORULE = -7,  /* no rule period covers the entry day */
};

/* What is wrong with the stays, and where: index is the past stay (-1: the planned one or
 * none), part "entry" or "exit", code a stable word for pages, text the English sentence. */
typedef struct kp_stay_problem {
	int index;
	const char *part, *code, *text;
} kp_stay_problem_t;

/* The order checks kp_stay_calculate makes before any rule: KP_STAY_OK, or a kp_stay_status
 * with *p filled. */
int kp_stay_check(const kp_stay_t *past, int n, const kp_stay_t *planned, kp_stay_problem_t *p);

/* Evaluate a stay under rule. past: n stays in time order (n <= KP_STAY_MAX); only the
 * last may be open. planned: the stay to evaluate (exit may be KP_STAY_OPEN: "how long may
 * I stay"), or NULL to evaluate the open last past stay. Fills *out; returns KP_STAY_OK or
 * a kp_stay_status, and then *err (when not NULL) says which input is wrong. */
int kp_stay_calculate(const kp_stay_rule_t *rule, const kp_stay_t *past, int n, const kp_stay_t *planned,
                      kp_stay_result_t *out, const char **err);

#define KP_STAY_MAX_PERIODS 64

/* A rule with the days it is in force: [from, to], to KP_STAY_OPEN while not ended. */
typedef struct kp_stay_period {
	int64_t from, to;
	kp_stay_rule_t rule;
} kp_stay_period_t;

/* The stay judged day by day by the rule in force on each day. periods: np periods in
 * time order, not overlapping (gaps mean no rule). A day of the stay is legal when the rule
 * in force that day would allow it had that rule governed the whole stay; the stay's legal
 * part ends at the first day that is not. Fills *out as kp_stay_calculate (rule_applied
 * and explanation from the entry day's rule) plus earliest_full_entry, rule_index, last_rule.
 * KP_STAY_ENORULE when no period covers the entry day. */
int kp_stay_calculate_dated(const kp_stay_period_t *periods, int np, const kp_stay_t *past, int n,
                            const kp_stay_t *planned, kp_stay_result_t *out, const char **err);
/* One dated rule of a destination's table: for one nationality, or for any ('*'), in force
 * on [from, to] (to KP_STAY_OPEN while not ended). */
typedef struct kp_stay_dated {
	bool any_nationality;
	int64_t from, to;
	kp_stay_rule_t rule;
} kp_stay_dated_t;

/* The periods a traveller's rules are in force: the nationality's own dated rules, with the
 * '*' rules filling the days it has none for (a '*' rule is cut into the pieces no rule of
 * the nationality covers). rows: n rules, the nationality's before the '*' ones. Writes at
 * most KP_STAY_MAX_PERIODS periods in time order into out, and into from_row[k] the index in
 * rows that out[k] came from; returns how many. */
int kp_stay_overlay(const kp_stay_dated_t *rows, int n, kp_stay_period_t *out, int *from_row);
/* Index of the period in force on day, -1 when none. */
int kp_stay_period_at(const kp_stay_period_t *periods, int np, int64_t day);

#endif
