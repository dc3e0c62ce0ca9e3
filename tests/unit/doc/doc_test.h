/* doc_test.h: helpers the document tests share: find an external tool (zbarimg,
 * pdftotext, pdftoppm), write a buffer to a file, run a command and keep its output. */
#ifndef KP_DOC_TEST_H
#define KP_DOC_TEST_H

#include "kp_test.h"

#include <sys/stat.h>
#include <sys/wait.h>

/* Fails the test when tool is not an executable on PATH: the decode checks must run, and
 * tools/deps.sh installs the tools (zbar-tools, poppler-utils). */
static inline void doc_require_tool(const char *tool)
{
	const char *path = getenv("PATH");
	char dir[4096], file[4200];
	snprintf(dir, sizeof(dir), "%s", path && *path ? path : "/usr/bin:/bin");
	for (char *save = NULL, *d = strtok_r(dir, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(file, sizeof(file), "%s/%s", d, tool);
		if (access(file, X_OK) == 0)
			return;
	}
	fail_msg("%s is not installed; run `make deps` (tools/deps.sh)", tool);
}

static inline void doc_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Runs a shell command line and returns its standard output, NUL-terminated (malloc'd),
 * with *status set to its exit status. */
static inline char *doc_run(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t len = 0, cap = 4096;
	char *out = malloc(cap);
	assert_non_null(out);
	for (;;) {
		if (cap - len < 2048) {
			cap *= 2;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		size_t n = fread(out + len, 1, cap - len - 1, p);
		if (n == 0)
			break;
		len += n;
	}
	out[len] = '\0';
	int st = pclose(p);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return out;
}

#endif
