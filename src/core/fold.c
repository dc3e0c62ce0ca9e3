/* fold.c: the case folding of searches (fold.h), with ICU's root-locale lowercase. */
#include "core/fold.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>

static char *copy(const char *s, size_t n, size_t *len)
{
	char *out = malloc(n + 1);
	if (out) {
		memcpy(out, s, n);
		out[n] = '\0';
		*len = n;
	}
	return out;
}

char *kp_fold_utf8(const char *s, size_t n, size_t *len)
{
	if (n > INT32_MAX / 4)
		return copy(s, n, len);
	UErrorCode e = U_ZERO_ERROR;
	int32_t n16 = 0;
	u_strFromUTF8(NULL, 0, &n16, s, (int32_t)n, &e);
	if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
		return copy(s, n, len); /* not UTF-8 */
	/* lowercase in UTF-16 is at most 3 units per unit (SpecialCasing), UTF-8 3 bytes a unit */
	UChar *in = malloc(sizeof(UChar) * ((size_t)n16 + 1)), *low = malloc(sizeof(UChar) * ((size_t)n16 * 3 + 1));
	char *out = malloc((size_t)n16 * 9 + 1);
	char *result = NULL;
	if (in == NULL || low == NULL || out == NULL)
		goto done;
	e = U_ZERO_ERROR;
	u_strFromUTF8(in, n16 + 1, NULL, s, (int32_t)n, &e);
	for (int32_t i = 0; i < n16; i++)
		if (in[i] == 0x0130 || in[i] == 0x0131) /* İ and ı: i, as in KP_FOLD_PG_SQL */
			in[i] = 'i';
		else if (in[i] == 0x0401 || in[i] == 0x0451) /* Ё and ё: е */
			in[i] = 0x0435;
	int32_t nlow = U_SUCCESS(e) ? u_strToLower(low, n16 * 3 + 1, in, n16, "und", &e) : 0;
	int32_t n8 = 0;
	if (U_SUCCESS(e))
		u_strToUTF8(out, n16 * 9 + 1, &n8, low, nlow, &e);
	if (U_FAILURE(e)) {
		result = copy(s, n, len);
		goto done;
	}
	out[n8] = '\0';
	*len = (size_t)n8;
	result = out;
	out = NULL;
done:
	free(in);
	free(low);
	free(out);
	return result;
}
