/* dates.h: civil-date arithmetic without time zones databases: days since the epoch,
 * dd/MM/yyyy and ISO dates, a fixed UTC offset per authority. Pure. */
#ifndef KP_DATES_H
#define KP_DATES_H

#include <stdbool.h>
#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (no validation). */
int64_t kp_days_from_civil(int y, int m, int d);
void kp_civil_from_days(int64_t days, int *y, int *m, int *d);
bool kp_date_valid(int y, int m, int d);
/* "YYYY-MM-DD" → days; -1 when malformed or impossible. */
int kp_date_parse_iso(const char *s, int64_t *days);
/* "dd/MM/yyyy" → days; -1 when malformed or impossible. */
int kp_date_parse_dmy(const char *s, int64_t *days);
/* Format days as "dd/MM/yyyy" (11 bytes) or "YYYY-MM-DD" (11 bytes). */
void kp_date_format_dmy(int64_t days, char out[11]);
void kp_date_format_iso(int64_t days, char out[11]);
/* How far ahead of our clock a reported time may be (another device's clock runs fast)
 * before it counts as in the future: 5 minutes. */
#define KP_CLOCK_SKEW_S 300
/* True when at (a time a client reports something happened) is in the future. */
bool kp_instant_in_future(int64_t at, int64_t now);
/* Local civil day of an instant at a UTC offset in minutes. */
int64_t kp_local_day(int64_t epoch, int offset_minutes);
/* The instant a local day begins (its first second) and ends (its last), at a UTC offset. */
int64_t kp_local_day_start(int64_t day, int offset_minutes);
int64_t kp_local_day_end(int64_t day, int offset_minutes);
/* The local calendar year of an instant at a UTC offset. */
int kp_local_year(int64_t epoch, int offset_minutes);

#endif
