/* util.c: fatal errors, checked allocation, number parsing, UTF-8 checks. */
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

void kp_fatal_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "kapka: fatal at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *kp_malloc_at(size_t n, const char *file, int line)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		kp_fatal_at(file, line, "out of memory (%zu bytes)", n);
	return p;
}

void *kp_calloc_at(size_t nmemb, size_t size, const char *file, int line)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		kp_fatal_at(file, line, "allocation overflow (%zu x %zu)", nmemb, size);
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		kp_fatal_at(file, line, "out of memory (%zu x %zu bytes)", nmemb, size);
	return p;
}

void *kp_realloc_at(void *p, size_t n, const char *file, int line)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		kp_fatal_at(file, line, "out of memory (%zu bytes)", n);
	return q;
}

char *kp_strdup_at(const char *s, const char *file, int line)
{
	size_t n = strlen(s) + 1;
	char *d = kp_malloc_at(n, file, line);
	memcpy(d, s, n);
	return d;
}

int kp_parse_int(const char *s, long long min, long long max, long long *out)
{
	/* Plain decimal digits with an optional '-': strtoll alone also takes "+1", " 1", "0x". */
	const char *d = s && *s == '-' ? s + 1 : s;
	if (s == NULL || !isdigit((unsigned char)*d))
		return -1;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

void kp_iso8601(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void kp_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

bool kp_utf8_valid(const char *s, size_t len, bool allow_newlines)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	while (p < end) {
		unsigned c = *p;
		if (c < 0x80) {
			if (c == 0 || c == 0x7f)
				return false;
			if (c < 0x20 && c != '\t' && !(allow_newlines && (c == '\n' || c == '\r')))
				return false;
			p++;
			continue;
		}
		int n;
		unsigned cp;
		if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else
			return false;
		if (end - p <= n)
			return false;
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (n == 1 && cp >= 0x80 && cp <= 0x9f)
			return false; /* C1 control characters */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += n + 1;
	}
	return true;
}

size_t kp_utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int kp_mkdir_parent(const char *path)
{
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0750) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(dir, 0750) != 0 && errno != EEXIST ? -1 : 0;
}
