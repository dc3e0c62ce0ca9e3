/* log.c: JSON log lines on stderr, one write(2) per line so threads do not interleave. */
#include "core/log.h"
#include "core/util.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static enum kp_log_level min_level = KP_LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void kp_log_set_level(enum kp_log_level level)
{
	min_level = level;
}

int kp_log_parse_level(const char *s, enum kp_log_level *out)
{
	for (size_t i = 0; i < KP_ARRAY_LEN(level_names); i++)
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum kp_log_level)i;
			return 0;
		}
	return -1;
}

bool kp_log_enabled(enum kp_log_level level)
{
	return level >= min_level;
}

void kp_log_line(const char *json)
{
	size_t n = strlen(json);
	char buf[4096];
	if (n + 1 <= sizeof(buf)) {
		memcpy(buf, json, n);
		buf[n] = '\n';
		ssize_t w = write(STDERR_FILENO, buf, n + 1);
		(void)w;
	} else {
		fprintf(stderr, "%s\n", json);
	}
}

void kp_log(enum kp_log_level level, const char *fmt, ...)
{
	if (level < min_level)
		return;
	char msg[1024], ts[32];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kp_iso8601(kp_now(), ts, sizeof(ts));
	json_t *o = json_pack("{s:s, s:s, s:s}", "ts", ts, "level", level_names[level], "msg", msg);
	if (o == NULL) /* invalid UTF-8 in msg */
		o = json_pack("{s:s, s:s, s:s}", "ts", ts, "level", level_names[level], "msg", "(unprintable message)");
	char *line = json_dumps(o, JSON_COMPACT);
	kp_log_line(line);
	free(line);
	json_decref(o);
}
