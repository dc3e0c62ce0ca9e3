/* kp_test.h: what every unit-test program shares: the cmocka includes in the order
 * cmocka needs, temporary folders, and the switch for tests that reproduce known bugs. */
#ifndef KP_TEST_H
#define KP_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/clock.h"
#include "domain/schedule.h"

/* The suite's clock (tests/run.sh, KAPKA_TEST_CLOCK=2026-12-31T23:59:59+06:00 or epoch
 * seconds): every unit-test program starts its clock there, before main. */
__attribute__((constructor)) static void kp_test_clock_from_env(void)
{
	const char *when = getenv("KAPKA_TEST_CLOCK");
	int64_t t;
	char *end = NULL;
	if (when == NULL || *when == '\0')
		return;
	long long secs = strtoll(when, &end, 10);
	if (end != when && *end == '\0')
		t = (int64_t)secs;
	else if (kp_parse_instant(when, 360, &t) != 0) {
		fprintf(stderr, "KAPKA_TEST_CLOCK: not an instant: %s\n", when);
		exit(2);
	}
	kp_clock_start_at(t);
}

/* A test that reproduces a bug not fixed yet: skipped, with the description printed,
 * unless KAPKA_TEST_KNOWN_BUGS=1 is set, in which case it runs (and fails until the
 * bug is fixed). Call it first in the test, before anything is allocated. */
#define KP_KNOWN_BUG(description) \
	do { \
		const char *run_ = getenv("KAPKA_TEST_KNOWN_BUGS"); \
		if (run_ == NULL || strcmp(run_, "1") != 0) { \
			print_message("[ KNOWN BUG] %s:%d: %s\n", __FILE__, __LINE__, description); \
			skip(); \
		} \
	} while (0)

/* Rows of a table-driven test. */
#define KP_ROWS(a) (sizeof(a) / sizeof((a)[0]))

static inline int kp_test_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Make a fresh folder under TMPDIR (or /tmp) into buf; fails the test when it cannot. */
static inline void kp_test_mkdtemp(char *buf, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(buf, len, "%s/kapka-unit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(buf));
}

/* Remove a folder made by kp_test_mkdtemp and everything in it. */
static inline void kp_test_rmtree(const char *dir)
{
	if (dir && *dir)
		nftw(dir, kp_test_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Run fn in a child with stderr silenced; true when it died of SIGABRT (the contract of
 * kp_fatal: allocation failure and broken invariants abort). */
static inline bool kp_test_aborts(void (*fn)(void))
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(3);
		fn();
		_exit(0);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}

#endif
