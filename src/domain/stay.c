/* stay.c: the stay calculator (stay.h): the seed-001 re-entry rule and the rolling
 * "N days in any M" rule over civil days. */
#include "domain/stay.h"

#include <string.h>

static const char *const kind_names[] = {"reentry", "rolling", "visa_required", "unlimited", "per_entry"};
#define KIND_COUNT 5

int kp_stay_kind_parse(const char *s, kp_stay_kind_t *out)
{
	for (int i = 0; s && i < KIND_COUNT; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (kp_stay_kind_t)i;
			return 0;
		}
	return -1;
}

const char *kp_stay_kind_name(kp_stay_kind_t k)
{
	return (unsigned)k < KIND_COUNT ? kind_names[k] : "unknown";
}

const char *kp_stay_rule_check(const kp_stay_rule_t *r)
{
	switch (r->kind) {
	case KP_STAY_REENTRY:
		return r->days >= 1 && r->days <= 3660 && r->window == 0 ? NULL
		                                                          : "a reentry rule needs days 1..3660 and no window";
	case KP_STAY_PER_ENTRY:
		return r->days >= 1 && r->days <= 3660 && r->window == 0 ? NULL
		                                                          : "a per_entry rule needs days 1..3660 and no window";
	case KP_STAY_ROLLING:
		return r->days >= 1 && r->window > r->days && r->window <= 3660
		           ? NULL
		           : "a rolling rule needs days >= 1 and a window longer than days, at most 3660";
	case KP_STAY_VISA_REQUIRED:
	case KP_STAY_UNLIMITED: return r->days == 0 && r->window == 0 ? NULL : "this kind takes no days or window";
	}
	return "unknown kind";
}

/* Past stays merged so that a day is counted once (an exit and an entry on the same day
 * make one continuous presence). */
struct presence {
	kp_stay_t s[KP_STAY_MAX];
	int n;
};

static void merge(const kp_stay_t *past, int n, struct presence *p)
{
	p->n = 0;
	for (int i = 0; i < n; i++) {
		if (p->n > 0 && past[i].entry <= p->s[p->n - 1].exit) {
			if (past[i].exit > p->s[p->n - 1].exit)
				p->s[p->n - 1].exit = past[i].exit;
			continue;
		}
		p->s[p->n++] = past[i];
	}
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Days of presence in [from, to]. */
static int64_t count_in(const struct presence *p, int64_t from, int64_t to)
{
	int64_t total = 0;
	for (int i = 0; i < p->n; i++) {
		int64_t a = max64(p->s[i].entry, from), b = min64(p->s[i].exit, to);
		if (b >= a)
			total += b - a + 1;
	}
	return total;
}

static int problem(kp_stay_problem_t *p, int rc, int index, const char *part, const char *code, const char *text)
{
	p->index = index;
	p->part = part;
	p->code = code;
	p->text = text;
	return rc;
}

int kp_stay_check(const kp_stay_t *past, int n, const kp_stay_t *planned, kp_stay_problem_t *p)
{
	if (n < 0 || n > KP_STAY_MAX)
		return problem(p, KP_STAY_ETOOMANY, -1, NULL, "too_many_stays", "too many past stays");
	for (int i = 0; i < n; i++) {
		if (past[i].exit < past[i].entry)
			return problem(p, KP_STAY_EORDER, i, "exit", "stay_exit_before_entry", "a past stay ends before it starts");
		if (i > 0 && past[i].entry < past[i - 1].exit)
			return problem(p, KP_STAY_EORDER, i, "entry", "stay_overlap",
			               "a past stay begins before the one before it ended");
		if (past[i].exit == KP_STAY_OPEN && (i != n - 1 || planned))
			return problem(p, KP_STAY_EOPEN, i, "exit", "stay_open_not_last",
			               "only the last stay may be still going on, and then no planned stay is asked");
	}
	if (planned == NULL && (n == 0 || past[n - 1].exit != KP_STAY_OPEN))
		return problem(p, KP_STAY_ENONE, -1, "entry", "plan_missing", "give a planned stay, or a last stay still going on");
	if (planned && planned->exit < planned->entry)
		return problem(p, KP_STAY_EPLAN, -1, "exit", "plan_exit_before_entry", "the planned stay ends before it starts");
	if (planned && n > 0 && planned->entry < past[n - 1].exit)
		return problem(p, KP_STAY_EPLAN, -1, "entry", "plan_before_last_exit",
		               "the planned stay begins before the last past stay ended");
	return KP_STAY_OK;
}

static int validate(const kp_stay_t *past, int n, const kp_stay_t *planned, const char **err)
{
	kp_stay_problem_t p;
	int rc = kp_stay_check(past, n, planned, &p);
	if (rc != KP_STAY_OK && err)
		*err = p.text;
	return rc;
}

static void finish(kp_stay_result_t *o, const kp_stay_t *s, int64_t allowed_days)
{
	o->last_legal_day = o->entry_allowed ? s->entry + allowed_days - 1 : -1;
	o->days_left = o->entry_allowed ? allowed_days : 0;
	if (s->exit != KP_STAY_OPEN)
		o->overstay_days = o->entry_allowed ? max64(0, s->exit - o->last_legal_day) : s->exit - s->entry + 1;
	o->evisa_needed = !o->entry_allowed || o->overstay_days > 0;
}

/* Seed 001's rule. p: earlier stays (merged); s: the stay evaluated. */
static void reentry(const kp_stay_rule_t *r, const struct presence *p, const kp_stay_t *s, kp_stay_result_t *o)
{
	int64_t n = r->days;
	if (p->n == 0) {
		o->rule_applied = "FIRST_ENTRY";
		o->explanation = "first entry: the whole visa-free allowance is available";
		o->entry_allowed = true;
		o->earliest_entry = s->entry;
		o->window_start = s->entry;
		finish(o, s, n);
		return;
	}
	int64_t start = p->s[0].entry, used = p->s[0].exit - p->s[0].entry + 1;
	for (int i = 1; i < p->n; i++) {
		int64_t len = p->s[i].exit - p->s[i].entry + 1;
		if (p->s[i].entry - p->s[i - 1].exit - 1 >= n) {
			start = p->s[i].entry; /* a full allowance spent outside starts a new period */
			used = len;
		} else {
			used += len;
		}
	}
	int64_t last_exit = p->s[p->n - 1].exit, outside = s->entry - last_exit - 1;
	int64_t wait = used >= n ? n : used;
	o->earliest_entry = last_exit + wait + 1;
	if (outside >= n && used < n) {
		o->rule_applied = "NEW_PERIOD_AFTER_REST";
		o->explanation = "a full allowance of days spent outside: a new visa-free period starts";
		o->entry_allowed = true;
		o->window_start = s->entry;
		finish(o, s, n);
		return;
	}
	o->days_used = used;
	o->window_start = start;
	if (used >= n) {
		o->rule_applied = "WAIT_FULL_USED";
		o->explanation = "all visa-free days used: as many days must be spent outside, then a new period starts";
		o->entry_allowed = outside >= n;
		if (o->entry_allowed) {
			o->days_used = 0;
			o->window_start = s->entry;
		}
		finish(o, s, n);
		return;
	}
	o->rule_applied = "WAIT_DAYS_USED";
	o->explanation = "X days used: after at least X days outside, the remaining days of the allowance are allowed";
	o->entry_allowed = outside >= used;
	finish(o, s, n - used);
}

/* Days of presence in the window ending on day t, the stay s counted from its entry up to
 * t (days before s.entry already present are counted once). */
static int64_t window_count(const kp_stay_rule_t *r, const struct presence *p, int64_t s_from, int64_t t)
{
	int64_t from = t - r->window + 1;
	return count_in(p, from, t) + (t >= s_from ? t - max64(s_from, from) + 1 : 0);
}

static void rolling(const kp_stay_rule_t *r, const struct presence *p, const kp_stay_t *s, kp_stay_result_t *o)
{
	int64_t last_exit = p->n ? p->s[p->n - 1].exit : s->entry - 1;
	int64_t s_from = max64(s->entry, last_exit + 1); /* a shared day is counted once */
	o->rule_applied = "ROLLING_WINDOW";
	o->explanation = "on every day of a stay, the days of stay within the window ending that day may not exceed the limit";
	o->days_used = count_in(p, s->entry - r->window + 1, s->entry - 1);
	o->entry_allowed = window_count(r, p, s_from, s->entry) <= r->days;
	int64_t last = s->entry - 1;
	if (o->entry_allowed)
		while (window_count(r, p, s_from, last + 1) <= r->days)
			last++; /* ends within days + 1 steps: the stay alone soon exceeds the limit */
	o->last_legal_day = o->entry_allowed ? last : -1;
	o->days_left = o->entry_allowed ? last - s->entry + 1 : 0;
	o->window_start = (o->entry_allowed ? last : s->entry) - r->window + 1;
	if (s->exit != KP_STAY_OPEN)
		for (int64_t t = s->entry; t <= s->exit; t++)
			o->overstay_days += window_count(r, p, s_from, t) > r->days;
	int64_t e = p->n ? last_exit + 1 : s->entry;
	while (count_in(p, e - r->window + 1, e - 1) + 1 > r->days)
		e++; /* at most window steps: by then every earlier day has left the window */
	o->earliest_entry = e;
	o->evisa_needed = !o->entry_allowed || o->overstay_days > 0;
}

int kp_stay_calculate(const kp_stay_rule_t *rule, const kp_stay_t *past, int n, const kp_stay_t *planned,
                      kp_stay_result_t *out, const char **err)
{
	const char *why = NULL;
	memset(out, 0, sizeof(*out));
	if (err == NULL)
		err = &why;
	const char *bad = kp_stay_rule_check(rule);
	if (bad)
		return *err = bad, KP_STAY_ERULE;
	int rc = validate(past, n, planned, err);
	if (rc != KP_STAY_OK)
		return rc;
	const kp_stay_t *s = planned ? planned : &past[n - 1];
	struct presence p;
	merge(past, planned ? n : n - 1, &p);
	out->stay_entry = s->entry;
	out->window_start = -1;
	switch (rule->kind) {
	case KP_STAY_REENTRY: reentry(rule, &p, s, out); break;
	case KP_STAY_ROLLING: rolling(rule, &p, s, out); break;
	case KP_STAY_VISA_REQUIRED:
		out->rule_applied = "VISA_REQUIRED";
		out->explanation = "this nationality has no visa-free stay: an e-visa is needed";
		out->last_legal_day = out->earliest_entry = -1;
		out->evisa_needed = true;
		if (s->exit != KP_STAY_OPEN)
			out->overstay_days = s->exit - s->entry + 1;
		break;
	case KP_STAY_PER_ENTRY:
		out->rule_applied = "PER_ENTRY";
		out->explanation = "each entry allows the rule's days, whatever the earlier stays";
		out->entry_allowed = true;
		out->earliest_entry = p.n ? p.s[p.n - 1].exit + 1 : s->entry;
		if (out->earliest_entry > s->entry)
			out->earliest_entry = s->entry;
		finish(out, s, rule->days);
		break;
	case KP_STAY_UNLIMITED:
		out->rule_applied = "UNLIMITED";
		out->explanation = "no limit on the length of stay";
		out->entry_allowed = true;
		out->last_legal_day = out->days_left = INT64_MAX;
		out->earliest_entry = p.n ? p.s[p.n - 1].exit + 1 : s->entry;
		break;
	}
	return KP_STAY_OK;
}

/* ---- rules in force by date ---- */

int kp_stay_period_at(const kp_stay_period_t *periods, int np, int64_t day)
{
	for (int i = 0; i < np; i++)
		if (periods[i].from <= day && day <= periods[i].to)
			return i;
	return -1;
}

static const char *check_periods(const kp_stay_period_t *periods, int np)
{
	for (int i = 0; i < np; i++) {
		const char *bad = kp_stay_rule_check(&periods[i].rule);
		if (bad)
			return bad;
		if (periods[i].to < periods[i].from || (i > 0 && periods[i].from <= periods[i - 1].to))
			return "rule periods must be in time order and not overlap";
	}
	return NULL;
}

/* Last legal day of stay s had rule r governed all of it: -1 when its entry is refused. */
static int64_t last_under(const kp_stay_rule_t *r, const kp_stay_t *past, int n, int64_t entry)
{
	kp_stay_t open = {entry, KP_STAY_OPEN};
	kp_stay_result_t o;
	if (kp_stay_calculate(r, past, n, &open, &o, NULL) != KP_STAY_OK || !o.entry_allowed)
		return -1;
	return o.last_legal_day;
}

/* s judged by the rule of period k (in force on its entry day), then day by day by each
 * later period's rule: out as kp_stay_calculate, with the legal part cut where a later
 * rule ends it. */
static int judge(const kp_stay_period_t *pr, int np, int k, const kp_stay_t *past, int n, const kp_stay_t *s,
                 kp_stay_result_t *out, const char **err)
{
	int rc = kp_stay_calculate(&pr[k].rule, past, n, s, out, err);
	if (rc != KP_STAY_OK)
		return rc;
	out->rule_index = k;
	out->last_rule = -1;
	out->earliest_full_entry = -1;
	int64_t base = out->entry_allowed ? out->last_legal_day : -1, last = base;
	int decided = -1;
	/* legal through the last day of the entry day's rule: each later day is judged by the
	 * rule then in force, which may end the stay sooner or allow it longer */
	for (int j = k + 1; base >= 0 && pr[k].to != KP_STAY_OPEN && base >= pr[k].to; j++) {
		if (j == np || pr[j].from != pr[j - 1].to + 1) {
			last = pr[j - 1].to; /* no rule after this one: nothing says a day more is legal */
			decided = j - 1;
			break;
		}
		int64_t lj = last_under(&pr[j].rule, past, n, s->entry);
		if (lj < pr[j].from || lj <= pr[j].to) {
			last = lj < pr[j].from ? pr[j].from - 1 : lj;
			decided = j;
			break;
		}
	}
	if (last == base)
		return KP_STAY_OK;
	out->last_rule = decided;
	out->last_legal_day = last;
	out->days_left = last == INT64_MAX ? INT64_MAX : last - s->entry + 1;
	if (s->exit != KP_STAY_OPEN)
		out->overstay_days = s->exit > last ? s->exit - last : 0;
	out->evisa_needed = out->overstay_days > 0;
	return KP_STAY_OK;
}

/* Under rule r alone, the earliest day >= from on which a stay of r's full allowance may
 * begin after the presence p; -1 when never. */
static int64_t full_from(const kp_stay_rule_t *r, const kp_stay_t *past, int n, int64_t from)
{
	int64_t last = n ? past[n - 1].exit : INT64_MIN;
	switch (r->kind) {
	case KP_STAY_ROLLING: return n ? max64(from, last + r->window - r->days + 1) : from;
	case KP_STAY_REENTRY: return n ? max64(from, last + r->days + 1) : from;
	case KP_STAY_PER_ENTRY:
	case KP_STAY_UNLIMITED: return from;
	case KP_STAY_VISA_REQUIRED: return -1;
	}
	return -1;
}

#define SEARCH_STEPS 64

/* The earliest day >= from on which an entry is allowed (full: with the whole allowance of
 * the rule then in force), checked by judge() so that a later rule cutting it counts. */
static int64_t earliest(const kp_stay_period_t *pr, int np, const kp_stay_t *past, int n, int64_t from, bool full)
{
	int64_t c = from;
	for (int step = 0; step < SEARCH_STEPS; step++) {
		int j = kp_stay_period_at(pr, np, c);
		if (j < 0) {
			int next = -1;
			for (int i = 0; i < np && next < 0; i++)
				if (pr[i].from > c)
					next = i;
			if (next < 0)
				return -1;
			c = pr[next].from;
			continue;
		}
		kp_stay_t open = {c, KP_STAY_OPEN};
		kp_stay_result_t o;
		int64_t cand;
		if (full) {
			cand = full_from(&pr[j].rule, past, n, c);
		} else {
			kp_stay_calculate(&pr[j].rule, past, n, &open, &o, NULL);
			cand = o.earliest_entry < 0 ? -1 : max64(c, o.earliest_entry);
		}
		if (cand < 0 || cand > pr[j].to) {
			if (pr[j].to == KP_STAY_OPEN)
				return -1;
			c = pr[j].to + 1;
			continue;
		}
		open.entry = cand;
		if (judge(pr, np, j, past, n, &open, &o, NULL) == KP_STAY_OK && o.entry_allowed &&
		    (!full || o.days_left == INT64_MAX || o.days_left >= pr[j].rule.days))
			return cand;
		c = cand + 1;
	}
	return -1;
}

int kp_stay_calculate_dated(const kp_stay_period_t *periods, int np, const kp_stay_t *past, int n,
                            const kp_stay_t *planned, kp_stay_result_t *out, const char **err)
{
	const char *why = NULL;
	memset(out, 0, sizeof(*out));
	if (err == NULL)
		err = &why;
	const char *bad = check_periods(periods, np);
	if (bad)
		return *err = bad, KP_STAY_ERULE;
	int rc = validate(past, n, planned, err);
	if (rc != KP_STAY_OK)
		return rc;
	const kp_stay_t *s = planned ? planned : &past[n - 1];
	int npast = planned ? n : n - 1;
	int k = kp_stay_period_at(periods, np, s->entry);
	if (k < 0)
		return *err = "no stay rule is in force on the entry day", KP_STAY_ENORULE;
	rc = judge(periods, np, k, past, npast, s, out, err);
	if (rc != KP_STAY_OK)
		return rc;
	int64_t from = npast ? past[npast - 1].exit + 1 : s->entry;
	/* searched across the periods: the day after the last exit may fall under an earlier,
	 * more lenient rule than the planned entry's */
	out->earliest_entry = earliest(periods, np, past, npast, from, false);
	out->earliest_full_entry = earliest(periods, np, past, npast, from, true);
	return KP_STAY_OK;
}

/* Where the '*' piece starting on from ends (*piece_to), given the nationality's periods
 * in out[0..np); true when one of them covers from itself (then *piece_to is its end). */
static bool piece_covered(const kp_stay_dated_t *rows, const kp_stay_period_t *out, const int *from_row, int np,
                          int64_t from, int64_t *piece_to)
{
	for (int k = 0; k < np; k++) {
		if (rows[from_row[k]].any_nationality)
			continue;
		if (out[k].from <= from && from <= out[k].to) {
			*piece_to = out[k].to; /* skip what the nationality's period covers */
			return true;
		}
		if (out[k].from > from && out[k].from - 1 < *piece_to)
			*piece_to = out[k].from - 1;
	}
	return false;
}

/* Time order, carrying from_row along (a few dozen periods at most). */
static void sort_periods(kp_stay_period_t *out, int *from_row, int np)
{
	for (int i = 1; i < np; i++)
		for (int k = i; k > 0 && out[k].from < out[k - 1].from; k--) {
			kp_stay_period_t t = out[k];
			out[k] = out[k - 1];
			out[k - 1] = t;
			int tr = from_row[k];
			from_row[k] = from_row[k - 1];
			from_row[k - 1] = tr;
		}
}

int kp_stay_overlay(const kp_stay_dated_t *rows, int n, kp_stay_period_t *out, int *from_row)
{
	int np = 0;
	for (int i = 0; i < n; i++) {
		int64_t from = rows[i].from, to = rows[i].to;
		while (from <= to && np < KP_STAY_MAX_PERIODS) {
			int64_t piece_to = to;
			bool covered = rows[i].any_nationality && piece_covered(rows, out, from_row, np, from, &piece_to);
			if (!covered) {
				out[np] = (kp_stay_period_t){from, piece_to, rows[i].rule};
				from_row[np++] = i;
			}
			if (piece_to >= to || piece_to == KP_STAY_OPEN)
				break;
			from = piece_to + 1;
		}
	}
	sort_periods(out, from_row, np);
	return np;
}
