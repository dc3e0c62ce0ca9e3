/* vin.h: vehicle identification numbers as ISO 3779 defines them: 17 characters without
 * I, O or Q, the world manufacturer identifier (WMI) and its region, the model-year
 * character, and the check digit in position 9 where the region requires it (North
 * America, China). Pure: no I/O. */
#ifndef KP_VIN_H
#define KP_VIN_H

#include <stdbool.h>

typedef struct kp_vin_info {
	char wmi[4];               /* positions 1-3 */
	const char *region;        /* "Africa", "Asia", "Europe", "North America", "Oceania", "South America" */
	bool check_digit_required; /* the region uses position 9 as a check digit */
	bool check_digit_ok;       /* position 9 equals the computed digit (meaningful when required) */
	char computed_check;       /* '0'..'9' or 'X' */
	int model_years[2];        /* the two years position 10 can mean (30-year cycle) */
} kp_vin_info_t;

/* Check vin; NULL when it is valid, else a sentence naming the first problem. info (may
 * be NULL) is filled as far as the VIN could be read. */
const char *kp_vin_check(const char *vin, kp_vin_info_t *info);

/* The ISO 3779 / 49 CFR 565 check digit of a 17-character VIN ('0'..'9' or 'X'); 0 when
 * a character has no transliteration value. */
char kp_vin_check_digit(const char *vin);

#endif
