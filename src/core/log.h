/* log.h: structured (one JSON object per line) logging to stderr. */
#ifndef KP_LOG_H
#define KP_LOG_H

#include <stdbool.h>

enum kp_log_level { KP_LOG_DEBUG, KP_LOG_INFO, KP_LOG_WARN, KP_LOG_ERROR };

void kp_log_set_level(enum kp_log_level level);
int kp_log_parse_level(const char *s, enum kp_log_level *out);
/* msg is a human sentence; it is JSON-escaped. */
void kp_log(enum kp_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Write one already-formed JSON line (the access log); adds the newline. */
void kp_log_line(const char *json);
/* True when messages of this level are written. */
bool kp_log_enabled(enum kp_log_level level);

#define kp_info(...) kp_log(KP_LOG_INFO, __VA_ARGS__)
#define kp_warn(...) kp_log(KP_LOG_WARN, __VA_ARGS__)
#define kp_error(...) kp_log(KP_LOG_ERROR, __VA_ARGS__)
#define kp_debug(...) kp_log(KP_LOG_DEBUG, __VA_ARGS__)

#endif
