/* money.c: exact currency conversion (money.h). A rate is read as an integer count of
 * 10^-12 dollars, so a conversion is one multiplication and one division in 128 bits. */
#include "domain/money.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define RATE_DECIMALS 12

const char *kp_money_check_rate(const char *s)
{
	size_t whole = s ? strspn(s, "0123456789") : 0;
	if (whole == 0 || whole > 9)
		return "must be a positive decimal like 0.00207";
	if (s[whole] == '.') {
		size_t frac = strlen(s + whole + 1);
		if (frac < 1 || frac > RATE_DECIMALS || strspn(s + whole + 1, "0123456789") != frac)
			return "must be a positive decimal with at most 12 digits after the point";
	} else if (s[whole] != '\0') {
		return "must be a positive decimal like 0.00207";
	}
	for (const char *p = s; *p; p++)
		if (*p >= '1' && *p <= '9')
			return NULL;
	return "must be more than zero";
}

/* The rate in units of 10^-12. */
static unsigned __int128 rate_units(const char *s)
{
	unsigned __int128 v = 0;
	int decimals = -1;
	for (const char *p = s; *p; p++) {
		if (*p == '.') {
			decimals = 0;
			continue;
		}
		v = v * 10 + (unsigned)(*p - '0');
		if (decimals >= 0)
			decimals++;
	}
	for (int d = decimals < 0 ? 0 : decimals; d < RATE_DECIMALS; d++)
		v *= 10;
	return v;
}

int kp_money_convert(int64_t amount, const char *rate_from, const char *rate_to, char out[32])
{
	if (kp_money_check_rate(rate_from) || kp_money_check_rate(rate_to))
		return KP_MONEY_EBADRATE;
	if (amount < 0 || amount > 1000000000000LL) /* 10^12 units: 10^12 * 10^21 * 100 * 2 < 2^128 */
		return KP_MONEY_ERANGE;
	unsigned __int128 a = rate_units(rate_from), b = rate_units(rate_to);
	unsigned __int128 n = (unsigned __int128)amount * a * 100u; /* cents, times b */
	unsigned __int128 cents = (2 * n + b) / (2 * b);            /* half away from zero */
	unsigned __int128 units = cents / 100u;
	if (units > (unsigned __int128)INT64_MAX)
		return KP_MONEY_ERANGE;
	snprintf(out, 32, "%lld.%02u", (long long)units, (unsigned)(cents % 100u));
	return KP_MONEY_OK;
}
