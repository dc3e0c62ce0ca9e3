/* util.h: allocation that aborts on failure, small string and time helpers. */
#ifndef KP_UTIL_H
#define KP_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define KP_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Abort with file and line; used when memory runs out or an invariant breaks. */
_Noreturn void kp_fatal_at(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define kp_fatal(...) kp_fatal_at(__FILE__, __LINE__, __VA_ARGS__)

void *kp_malloc_at(size_t n, const char *file, int line);
void *kp_calloc_at(size_t nmemb, size_t size, const char *file, int line);
void *kp_realloc_at(void *p, size_t n, const char *file, int line);
char *kp_strdup_at(const char *s, const char *file, int line);
#define kp_malloc(n) kp_malloc_at((n), __FILE__, __LINE__)
#define kp_calloc(m, n) kp_calloc_at((m), (n), __FILE__, __LINE__)
#define kp_realloc(p, n) kp_realloc_at((p), (n), __FILE__, __LINE__)
#define kp_strdup(s) kp_strdup_at((s), __FILE__, __LINE__)

/* Parse a base-10 integer in [min, max]; the whole string must be the number.
 * Returns 0 and sets *out, or -1 when empty, not a number or out of range. */
int kp_parse_int(const char *s, long long min, long long max, long long *out);

/* kp_now(), kp_now_ms(), kp_mono_us(): core/clock.h, the one clock. */
#include "core/clock.h"

/* Format epoch seconds as ISO 8601 UTC ("2026-01-31T10:00:00Z") into buf (>= 21 bytes). */
void kp_iso8601(int64_t t, char *buf, size_t len);

/* mkdir -p for the folder that holds path (mode 0750). 0, or -1 with errno. */
int kp_mkdir_parent(const char *path);

/* Wipe memory that held a secret; the compiler may not elide it. */
void kp_wipe(void *p, size_t n);

/* True when s is valid UTF-8 with no control characters other than tab. */
bool kp_utf8_valid(const char *s, size_t len, bool allow_newlines);
/* Number of code points in a valid UTF-8 string. */
size_t kp_utf8_len(const char *s);

#endif
