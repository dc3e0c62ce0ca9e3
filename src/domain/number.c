/* number.c: receipt and permit numbers, "<issuer>-<series>-<id>" (see number.h). */
#include "domain/number.h"

#include "core/util.h"

#include <stdio.h>
#include <string.h>

void kp_number_format(const char *issuer, const char *series, int64_t id, char out[KP_NUMBER_MAX])
{
	snprintf(out, KP_NUMBER_MAX, "%s-%s-%06lld", issuer, series, (long long)id);
}

int64_t kp_number_parse(const char *issuer, const char *series, const char *number)
{
	size_t il = strlen(issuer), sl = strlen(series);
	if (number == NULL || strlen(number) >= KP_NUMBER_MAX || strncmp(number, issuer, il) != 0 || number[il] != '-' ||
	    strncmp(number + il + 1, series, sl) != 0 || number[il + 1 + sl] != '-')
		return 0;
	long long id;
	return kp_parse_int(number + il + sl + 2, 1, INT64_MAX, &id) == 0 ? id : 0;
}
