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
/* "YYYY-MM-DDTHH:MM:SSZ", or with "+HH:MM"/"-HH:MM" for Z → epoch seconds; -1 when
 * malformed or impossible. */
int kp_instant_parse(const char *s, int64_t *epoch);
/* Local civil day of an instant at a UTC offset in minutes. */
int64_t kp_local_day(int64_t epoch, int offset_minutes);
/* The instant a local day ends (last second), at a UTC offset. */
int64_t kp_local_day_end(int64_t day, int offset_minutes);

#endif
