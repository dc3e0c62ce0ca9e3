/* fold.c: the case folding of searches (fold.h): one table of ranges of capitals. */
#include "core/fold.h"
#include <pthread.h>
#include <string.h>

/* Capitals lo, lo + step, … up to hi fold to capital + delta. */
static const struct fold_range {
	uint32_t lo, hi;
	int32_t delta;
	uint32_t step;
} ranges[] = {
    {0x0041, 0x005A, 0x20, 1},            /* A-Z */
    {0x00C0, 0x00D6, 0x20, 1},            /* À-Ö */
    {0x00D8, 0x00DE, 0x20, 1},            /* Ø-Þ (not ×) */
    {0x0100, 0x012E, 1, 2},               /* Ā-Į */
    {0x0130, 0x0130, 0x0069 - 0x0130, 1}, /* Turkish İ → i */
    {0x0131, 0x0131, 0x0069 - 0x0131, 1}, /* and dotless ı → i too (fold.h) */
    {0x0132, 0x0136, 1, 2},               /* Ĳ-Ķ */
    {0x0139, 0x0147, 1, 2},               /* Ĺ-Ň */
    {0x014A, 0x0176, 1, 2},               /* Ŋ-Ŷ: Ş, Ū, Ž… */
    {0x0178, 0x0178, 0x00FF - 0x0178, 1}, /* Ÿ */
    {0x0179, 0x017D, 1, 2},               /* Ź-Ž */
    {0x018F, 0x018F, 0x0259 - 0x018F, 1}, /* Ə (schwa) */
    {0x0400, 0x040F, 0x50, 1},            /* Ѐ-Џ: Ё, Є, І, Ї, Ў… */
    {0x0410, 0x042F, 0x20, 1},            /* А-Я */
    {0x0460, 0x0480, 1, 2},               /* Ѡ-Ҁ */
    {0x048A, 0x04BE, 1, 2},               /* Ҋ-Ҿ: Ғ, Қ, Ң, Ү, Ұ, Һ… */
    {0x04C0, 0x04C0, 0x04CF - 0x04C0, 1}, /* Ӏ (palochka) */
    {0x04C1, 0x04CD, 1, 2},               /* Ӂ-Ӎ */
    {0x04D0, 0x04FE, 1, 2},               /* Ӑ-Ӿ: Ә, Ө… */
    {0x0500, 0x052E, 1, 2},               /* Ԁ-Ԯ */
};

#define NRANGES (sizeof(ranges) / sizeof(ranges[0]))

uint32_t kp_fold_rune(uint32_t cp)
{
	for (size_t i = 0; i < NRANGES && cp >= ranges[i].lo; i++)
		if (cp <= ranges[i].hi && (cp - ranges[i].lo) % ranges[i].step == 0)
			return (uint32_t)((int32_t)cp + ranges[i].delta);
	return cp;
}

/* The code point of the well-formed UTF-8 sequence at s (at most n bytes) and its length,
 * or 0 when it is not one. */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
	if (len == 0 || len > n || s[0] > 0xF4)
		return 0;
	uint32_t c = s[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3F);
	}
	static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
	if (c < least[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

static size_t encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t kp_fold_utf8(const char *s, size_t n, char *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0;
	while (i < n) {
		uint32_t cp;
		size_t len = decode(u + i, n - i, &cp);
		if (len == 0) {
			out[o++] = s[i++]; /* not UTF-8: the byte as it is */
			continue;
		}
		uint32_t f = kp_fold_rune(cp);
		if (f == cp) {
			memcpy(out + o, s + i, len);
			o += len;
		} else {
			o += encode(f, out + o); /* never longer than the capital (fold.h) */
		}
		i += len;
	}
	out[o] = '\0';
	return o;
}

static char pair_capitals[1024], pair_smalls[1024];
static pthread_once_t pairs_once = PTHREAD_ONCE_INIT;

static void build_pairs(void)
{
	size_t c = 0, s = 0;
	for (size_t i = 0; i < NRANGES; i++)
		for (uint32_t cp = ranges[i].lo; cp <= ranges[i].hi; cp += ranges[i].step) {
			c += encode(cp, pair_capitals + c);
			s += encode(kp_fold_rune(cp), pair_smalls + s);
		}
	pair_capitals[c] = pair_smalls[s] = '\0';
}

void kp_fold_pairs(const char **capitals, const char **smalls)
{
	pthread_once(&pairs_once, build_pairs);
	*capitals = pair_capitals;
	*smalls = pair_smalls;
}
