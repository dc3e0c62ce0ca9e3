/* fuzz_rules.c: libFuzzer target for the rules work's parsers and engines: a currency rate
 * as the ministry types it (kp_money_check_rate) and an exact conversion with it
 * (kp_money_convert), then the dated stay calculator (kp_stay_calculate_dated) on rule
 * periods and stays made of the input. The input is two rate texts, each ended by a NUL,
 * then bytes. An accepted conversion prints as digits, a point and two digits, and is within
 * a cent of the floating-point product; the calculator answers or refuses with a known
 * status, never reads past its arrays, and an allowed entry has a last legal day not before
 * it and an earliest full entry not before the earliest entry. */
#include "domain/money.h"
#include "domain/stay.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t take(const uint8_t **p, const uint8_t *end)
{
	return *p < end ? *(*p)++ : 0;
}

static void money(const char *a, const char *b, int64_t amount)
{
	char out[32];
	int rc = kp_money_convert(amount, a, b, out);
	bool ok = kp_money_check_rate(a) == NULL && kp_money_check_rate(b) == NULL;
	if (!ok && rc != KP_MONEY_EBADRATE)
		abort();
	if (rc != KP_MONEY_OK)
		return;
	size_t n = strlen(out), digits = strspn(out, "0123456789");
	if (digits == 0 || n != digits + 3 || out[digits] != '.' || strspn(out + digits + 1, "0123456789") != 2)
		abort();
	long double want = (long double)amount * strtold(a, NULL) / strtold(b, NULL), got = strtold(out, NULL);
	if (want < 1e15L && (got - want > 0.0051L || want - got > 0.0051L))
		abort();
}

static void stay(const uint8_t *p, const uint8_t *end)
{
	kp_stay_period_t pr[4];
	int np = take(&p, end) % 5;
	int64_t day = 19000 + take(&p, end) * 4;
	for (int i = 0; i < np; i++) {
		int64_t len = 1 + take(&p, end) * 8;
		int kind = take(&p, end) % 5, days = 1 + take(&p, end) % 200, window = days + 1 + take(&p, end) % 200;
		pr[i] = (kp_stay_period_t){day, i == np - 1 && (take(&p, end) & 1) ? KP_STAY_OPEN : day + len - 1,
		                           {(kp_stay_kind_t)kind, kind == KP_STAY_VISA_REQUIRED || kind == KP_STAY_UNLIMITED ? 0 : days,
		                            kind == KP_STAY_ROLLING ? window : 0}};
		day += len + (take(&p, end) % 4 == 0 ? take(&p, end) % 30 : 0); /* now and then a gap */
	}
	kp_stay_t past[6], plan;
	int n = take(&p, end) % 7;
	int64_t t = 19000 + take(&p, end) * 3;
	for (int i = 0; i < n; i++) {
		past[i].entry = t;
		past[i].exit = t + take(&p, end) % 120;
		t = past[i].exit + take(&p, end) % 90;
	}
	plan.entry = t + take(&p, end) % 200;
	plan.exit = take(&p, end) & 1 ? KP_STAY_OPEN : plan.entry + take(&p, end) % 300;
	kp_stay_result_t o;
	const char *err = NULL;
	int rc = kp_stay_calculate_dated(pr, np, past, n, &plan, &o, &err);
	if (rc < KP_STAY_ENORULE || rc > KP_STAY_OK || (rc != KP_STAY_OK && err == NULL))
		abort();
	if (rc != KP_STAY_OK)
		return;
	if (o.entry_allowed && o.last_legal_day < plan.entry)
		abort();
	if (o.earliest_full_entry >= 0 && o.earliest_entry >= 0 && o.earliest_full_entry < o.earliest_entry)
		abort();
	if (o.rule_index < 0 || o.rule_index >= np || o.last_rule >= np)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 2);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = copy[size + 1] = '\0';
	const char *a = copy, *b = a + strlen(a) + (strlen(a) < size ? 1 : 0);
	size_t used = (size_t)(b - a) + strlen(b) + 1;
	const uint8_t *p = data + (used < size ? used : size), *end = data + size;
	int64_t amount = ((int64_t)take(&p, end) << 16 | (int64_t)take(&p, end) << 8 | take(&p, end)) * (take(&p, end) + 1);
	money(a, b, amount);
	stay(p, end);
	free(copy);
	return 0;
}
