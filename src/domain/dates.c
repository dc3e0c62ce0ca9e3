/* dates.c: Howard Hinnant's days-from-civil algorithms and date text forms. */
#include "domain/dates.h"

#include <stdio.h>
#include <string.h>

int64_t kp_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void kp_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

bool kp_date_valid(int y, int m, int d)
{
	static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= len[m - 1] + (m == 2 && leap);
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int kp_date_parse_iso(const char *s, int64_t *days)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0 || !kp_date_valid(y, m, d))
		return -1;
	*days = kp_days_from_civil(y, m, d);
	return 0;
}

int kp_date_parse_dmy(const char *s, int64_t *days)
{
	if (s == NULL || strlen(s) != 10 || s[2] != '/' || s[5] != '/')
		return -1;
	int d = digits(s, 2), m = digits(s + 3, 2), y = digits(s + 6, 4);
	if (y < 0 || m < 0 || d < 0 || !kp_date_valid(y, m, d))
		return -1;
	*days = kp_days_from_civil(y, m, d);
	return 0;
}

void kp_date_format_dmy(int64_t days, char out[11])
{
	int y, m, d;
	kp_civil_from_days(days, &y, &m, &d);
	snprintf(out, 11, "%02u/%02u/%04u", (unsigned)d % 100u, (unsigned)m % 100u, (unsigned)y % 10000u);
}

void kp_date_format_iso(int64_t days, char out[11])
{
	int y, m, d;
	kp_civil_from_days(days, &y, &m, &d);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

int64_t kp_local_day(int64_t epoch, int offset_minutes)
{
	int64_t t = epoch + (int64_t)offset_minutes * 60;
	return t >= 0 ? t / 86400 : (t - 86399) / 86400;
}

int64_t kp_local_day_start(int64_t day, int offset_minutes)
{
	return day * 86400 - (int64_t)offset_minutes * 60;
}

int64_t kp_local_day_end(int64_t day, int offset_minutes)
{
	return kp_local_day_start(day + 1, offset_minutes) - 1;
}

int kp_local_year(int64_t epoch, int offset_minutes)
{
	int y, m, d;
	kp_civil_from_days(kp_local_day(epoch, offset_minutes), &y, &m, &d);
	return y;
}

bool kp_instant_in_future(int64_t at, int64_t now)
{
	return at > now + KP_CLOCK_SKEW_S;
}
