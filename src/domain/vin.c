/* vin.c: ISO 3779 vehicle identification numbers: structure, region, model year, check
 * digit. */
#include "domain/vin.h"
#include "domain/permit.h"

#include <string.h>

/* Transliteration of letters to values (49 CFR 565.15); I, O, Q have none. */
static int vin_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	static const char letters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
	static const int values[] = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9};
	const char *p = c ? strchr(letters, c) : NULL;
	return p ? values[p - letters] : -1;
}

char kp_vin_check_digit(const char *vin)
{
	static const int weights[17] = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int v = vin_value(vin[i]);
		if (v < 0)
			return 0;
		sum += v * weights[i];
	}
	int r = sum % 11;
	return r == 10 ? 'X' : (char)('0' + r);
}

/* The region of a WMI's first character (ISO 3780), NULL when unassigned. */
static const char *wmi_region(char c)
{
	if (c >= 'A' && c <= 'H')
		return "Africa";
	if (c >= 'J' && c <= 'R')
		return "Asia";
	if (c >= 'S' && c <= 'Z')
		return "Europe";
	if (c >= '1' && c <= '5')
		return "North America";
	if (c == '6' || c == '7')
		return "Oceania";
	if (c == '8' || c == '9')
		return "South America";
	return NULL;
}

/* The model-year code of position 10 and its two meanings in the 30-year cycle; -1 when
 * the character is not a year code (0, U, Z and the letters never used). */
static int model_year(char c, int years[2])
{
	static const char codes[] = "ABCDEFGHJKLMNPRSTVWXY123456789";
	const char *p = strchr(codes, c);
	if (c == 0 || p == NULL)
		return -1;
	years[0] = 1980 + (int)(p - codes);
	years[1] = years[0] + 30;
	return 0;
}

const char *kp_vin_check(const char *vin, kp_vin_info_t *info)
{
	kp_vin_info_t tmp;
	if (info == NULL)
		info = &tmp;
	memset(info, 0, sizeof(*info));
	const char *why = kp_check_vin(vin); /* the form every VIN the platform stores has */
	if (why)
		return why;
	memcpy(info->wmi, vin, 3);
	info->region = wmi_region(vin[0]);
	if (info->region == NULL)
		return "starts with a character no region's manufacturer identifier uses";
	if (vin[1] == '0' && vin[2] == '0')
		return "has a manufacturer identifier (first three characters) that is not assigned";
	if (model_year(vin[9], info->model_years) != 0)
		return "has no model-year code in position 10 (0, U and Z are never used there)";
	info->computed_check = kp_vin_check_digit(vin);
	info->check_digit_ok = info->computed_check == vin[8];
	info->check_digit_required = (vin[0] >= '1' && vin[0] <= '5') || vin[0] == 'L';
	if (info->check_digit_required && !info->check_digit_ok)
		return "has a wrong check digit in position 9 (the manufacturer's region requires one)";
	return NULL;
}
