/* money.h: converting amounts between currencies in exact decimal arithmetic. Rates are
 * decimal texts (US dollars per unit, as the ministry keeps them); the result is rounded
 * to the cent half away from zero (40.005 becomes 40.01). Pure: no I/O. */
#ifndef KP_MONEY_H
#define KP_MONEY_H

#include <stdint.h>

/* NULL when s is a positive decimal rate with 1..9 digits before an optional point and
 * 1..12 after it, else why not. */
const char *kp_money_check_rate(const char *s);

enum kp_money_status {
	KP_MONEY_OK = 0,
	KP_MONEY_EBADRATE = -1, /* a rate is not a positive decimal kp_money_check_rate accepts */
	KP_MONEY_ERANGE = -2,   /* the amount is negative or too large to convert exactly */
};

/* amount (whole units of the currency whose rate is rate_from) in the currency whose rate
 * is rate_to, as "123.45" into out (at least 32 bytes). */
int kp_money_convert(int64_t amount, const char *rate_from, const char *rate_to, char out[32]);

#endif
