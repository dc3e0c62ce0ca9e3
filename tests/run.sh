#!/bin/sh
# run.sh: kapka's whole test suite, as `make test` runs it after building both variants.
#
#   1. unit       every cmocka program in build/tests/ (TAP)
#      fuzz       every libFuzzer target for KAPKA_FUZZ_SECONDS (5) on its corpus (fuzz/run.sh)
#   2. e2e-sqlite node --test tests/e2e/ against bin/kapka on SQLite
#   3. e2e-pg     the same on PostgreSQL
#   4. browser    node --test tests/browser/ (skipped when there are no *.test.mjs files)
#   5. san-unit, san-e2e-sqlite, san-e2e-pg: the same against the ASan+UBSan build in
#      build/san/ (a sanitizer report aborts kapka, and the tests check its exit code)
#
# Without KAPKA_TEST_PG it starts a throwaway PostgreSQL 15 cluster (tests/pg.sh) and stops
# it at the end. Output of every stage goes to build/test-logs/; failures are printed. The
# last line is "N passed, M failed"; the exit status is non-zero when M > 0 (a stage that
# crashed or hung counts as a failure).
#
# Stages run in two lanes at once (see "the stages, in lanes" below); the time of each is
# printed at the end and kept in build/test-logs/times.txt.
#
# Knobs: KAPKA_TEST_ONLY="unit e2e-sqlite ..." runs only those stages (a binary that only
# other stages need is not required: KAPKA_TEST_ONLY=unit needs no sanitizer build);
# KAPKA_TEST_JOBS=1 runs the stages one after the other;
# KAPKA_TEST_KNOWN_BUGS=1 also runs the tests that reproduce known, unfixed bugs;
# KAPKA_TEST_VERBOSE=1 prints every stage's whole output;
# KAPKA_TEST_CLOCK=2026-12-31T23:59:59+06:00 (or epoch seconds) runs every stage with the
# clock set: each unit-test program and each server an e2e test starts begins at that
# instant (docs/configuration.md, "Test-only settings").
set -u
cd "$(dirname "$0")/.." || exit 1

# ---- a PostgreSQL cluster for the run, unless one is given ----
if [ -z "${KAPKA_TEST_PG:-}" ] && [ -z "${KAPKA_RUN_INNER:-}" ]; then
	markdir=$(mktemp -d "${TMPDIR:-/tmp}/kapka-run.XXXXXX")
	KAPKA_RUN_INNER=1 KAPKA_RUN_MARK="$markdir/started" sh tests/pg.sh sh tests/run.sh "$@"
	status=$?
	if [ -e "$markdir/started" ]; then
		rm -rf "$markdir"
		exit "$status"
	fi
	rm -rf "$markdir"
	echo "run.sh: could not start a PostgreSQL cluster (see above); the PostgreSQL stages will fail" >&2
	KAPKA_RUN_INNER=1 KAPKA_PG_UNAVAILABLE=1 exec sh tests/run.sh "$@"
fi
[ -n "${KAPKA_RUN_MARK:-}" ] && : >"$KAPKA_RUN_MARK"

# ---- settings for every stage ----
# The signing-key passphrase, so that no test reads or writes var/kapka-key.secret.
KAPKA_KEY_PASSPHRASE=${KAPKA_KEY_PASSPHRASE:-kapka-test-key-passphrase}
export KAPKA_KEY_PASSPHRASE
export CMOCKA_MESSAGE_OUTPUT=TAP
if [ -n "${KAPKA_TEST_CLOCK:-}" ]; then
	export KAPKA_TEST_CLOCK KAPKA_TEST_MODE=1
	echo "clock set: every stage starts at $KAPKA_TEST_CLOCK"
fi
# A test (or a whole test file) that takes longer than this has hung.
NODE_TEST="node --test --test-reporter=tap --test-timeout=300000"
STAGE_TIMEOUT=1200

LOGS=build/test-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"

PASSED=0
FAILED=0
SKIPPED=0
FAILURES=""     # one line per failed stage or program, for the recap
START=$(date +%s)

if [ -t 1 ]; then RED=$(printf '\033[31m'); GREEN=$(printf '\033[32m'); BOLD=$(printf '\033[1m'); OFF=$(printf '\033[0m')
else RED=; GREEN=; BOLD=; OFF=; fi

wanted() {
	[ -z "${KAPKA_TEST_ONLY:-}" ] && return 0
	case " $KAPKA_TEST_ONLY " in *" $1 "*) return 0 ;; esac
	return 1
}

note_failure() {
	FAILURES="$FAILURES
  $1"
}

# Print the "not ok" blocks of a TAP file: the line and its indented YAML diagnostics.
show_tap_failures() {
	awk '
		function spaces(k,  s) { s = ""; while (k-- > 0) s = s " "; return s }
		/^ *not ok / && !/# (SKIP|skip|TODO|todo)/ {
			match($0, /^ */); end = spaces(RLENGTH + 2) "..."; on = 1; n = 0; print; next
		}
		on {
			print; n++
			if ($0 == end || n > 80) { on = 0; print "" }
		}
	' "$1"
}

show_tail() {
	echo "    --- last lines of $1 ---"
	tail -n "${2:-40}" "$1" | sed 's/^/    /'
}

# ---- unit tests: every cmocka program under $1 ----
run_unit_stage() {
	name=$1 dir=$2
	echo "${BOLD}== $name: cmocka programs in $dir ==${OFF}"
	if [ ! -d "$dir" ]; then
		echo "  ${RED}no $dir: the unit tests were not built (make unit)${OFF}"
		FAILED=$((FAILED + 1))
		note_failure "$name: $dir missing"
		return
	fi
	progs=$(find "$dir" -type f -name 'test_*' ! -name '*.*' -perm -u+x | sort)
	if [ -z "$progs" ]; then
		echo "  (no unit test programs in $dir)"
		return
	fi
	stage_start=$(date +%s)
	s_pass=0 s_fail=0 s_skip=0
	for prog in $progs; do
		rel=${prog#"$dir"/}
		log="$LOGS/$name-$(echo "$rel" | tr / -)"
		timeout "$STAGE_TIMEOUT" "$prog" >"$log.tap" 2>"$log.err"
		rc=$?
		p=$(grep -c '^ok ' "$log.tap")
		sk=$(grep -ci '^\(not \)\{0,1\}ok [0-9]* *# *skip' "$log.tap")
		f=$(grep -c '^not ok ' "$log.tap")
		# cmocka 1.1 writes skipped tests as "not ok N # SKIP".
		f=$((f - $(grep -ci '^not ok [0-9]* *# *skip' "$log.tap")))
		p=$((p - $(grep -ci '^ok [0-9]* *# *skip' "$log.tap")))
		crashed=0
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then crashed=1; f=1; fi
		s_pass=$((s_pass + p)) s_fail=$((s_fail + f)) s_skip=$((s_skip + sk))
		if [ "$f" -gt 0 ]; then
			if [ "$crashed" -eq 1 ]; then
				why="exited with status $rc without a failed test (crash, sanitizer report or timeout)"
			else
				why="$f failed"
			fi
			printf '  %s%-28s %s%s\n' "$RED" "$rel" "$why" "$OFF"
			note_failure "$name: $rel: $why"
			grep -v '^ok ' "$log.tap" | sed 's/^/    /'
			[ -s "$log.err" ] && show_tail "$log.err" 60
		else
			printf '  %-28s %d passed%s\n' "$rel" "$p" "$([ "$sk" -gt 0 ] && echo ", $sk skipped")"
		fi
		grep -h 'SKIPPED' "$log.tap" "$log.err" 2>/dev/null | sed 's/^/    /'
		grep -h 'KNOWN BUG' "$log.tap" "$log.err" 2>/dev/null | sed 's/^.*KNOWN BUG\] *//' >>"$LOGS/skipped.txt"
		[ -n "${KAPKA_TEST_VERBOSE:-}" ] && cat "$log.tap" "$log.err"
	done
	PASSED=$((PASSED + s_pass)) FAILED=$((FAILED + s_fail)) SKIPPED=$((SKIPPED + s_skip))
	echo "  $name: $s_pass passed, $s_fail failed, $s_skip skipped ($(($(date +%s) - stage_start)) s)"
}

# ---- node --test stages ----
# run_node_stage NAME DIR [VAR=value ...]: the variables are set for that stage only.
run_node_stage() {
	name=$1 dir=$2
	shift 2
	echo "${BOLD}== $name: node --test $dir $* ==${OFF}"
	log="$LOGS/$name"
	stage_start=$(date +%s)
	# shellcheck disable=SC2086
	env "$@" timeout -k 10 "$STAGE_TIMEOUT" $NODE_TEST "$dir" >"$log.tap" 2>"$log.err"
	rc=$?
	[ -n "${KAPKA_TEST_VERBOSE:-}" ] && cat "$log.tap" "$log.err"
	count() { grep "^# $1 [0-9]*$" "$log.tap" | tail -n 1 | awk '{print $3}'; }
	p=$(count pass) f=$(count fail) c=$(count cancelled) sk=$(count skipped) td=$(count todo)
	if [ -z "$p" ]; then
		echo "  ${RED}$name did not finish (exit status $rc; 124 means it ran over ${STAGE_TIMEOUT} s)${OFF}"
		show_tap_failures "$log.tap"
		show_tail "$log.tap"
		[ -s "$log.err" ] && show_tail "$log.err"
		FAILED=$((FAILED + 1))
		note_failure "$name: did not finish (exit status $rc)"
		return
	fi
	f=$((f + c))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "  ${RED}node exited with status $rc although no test failed${OFF}"
		[ -s "$log.err" ] && show_tail "$log.err"
		f=1
	fi
	# A sanitizer report anywhere in the output is a failure even if no test noticed it.
	if [ "$f" -eq 0 ] && grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$log.tap" "$log.err"; then
		echo "  ${RED}a sanitizer report appears in the output:${OFF}"
		grep -n -A30 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$log.tap" "$log.err" | head -80 | sed 's/^/    /'
		f=1
	fi
	if [ "$f" -gt 0 ]; then
		echo "  ${RED}failures:${OFF}"
		show_tap_failures "$log.tap" | sed 's/^/    /'
		note_failure "$name: $f failed (log: $log.tap)"
	fi
	grep -h '# SKIP' "$log.tap" | sed 's/^ *\(not \)\{0,1\}ok [0-9]* - //' >>"$LOGS/skipped.txt"
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + sk + td))
	echo "  $name: ${p} passed, ${f} failed, $((sk + td)) skipped ($(($(date +%s) - stage_start)) s)"
}

has_tests() {
	for f in "$1"/*.test.mjs; do [ -e "$f" ] && return 0; done
	return 1
}

pg_stage() {
	name=$1
	shift
	if [ -n "${KAPKA_PG_UNAVAILABLE:-}" ]; then
		echo "${BOLD}== $name ==${OFF}"
		echo "  ${RED}no PostgreSQL cluster: not run${OFF}"
		FAILED=$((FAILED + 1))
		note_failure "$name: no PostgreSQL cluster"
		return
	fi
	run_node_stage "$name" "$@"
}

need_bin() {
	if [ ! -x "$1" ]; then
		echo "${RED}run.sh: $1 is missing; build it first (make test builds both variants)${OFF}"
		FAILED=$((FAILED + 1))
		note_failure "$1 missing"
		return 1
	fi
}

SAN_ENV="KAPKA_BIN=build/san/bin/kapka"

# ---- fuzz: every libFuzzer target for a bounded time on its corpus (fuzz/run.sh) ----
run_fuzz_stage() {
	echo "${BOLD}== fuzz: fuzz/run.sh, ${KAPKA_FUZZ_SECONDS:-5} s per target ==${OFF}"
	stage_start=$(date +%s)
	FUZZ_SECONDS=${KAPKA_FUZZ_SECONDS:-5} timeout "$STAGE_TIMEOUT" sh fuzz/run.sh >"$LOGS/fuzz.log" 2>&1
	rc=$?
	p=$(grep -c '^  fuzz_.*exit 0$' "$LOGS/fuzz.log")
	f=$(grep -c '^fuzz_.*\(FAILED\|does not build\)' "$LOGS/fuzz.log")
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	sed -n '/^fuzzing,/,$p' "$LOGS/fuzz.log"
	if [ "$f" -gt 0 ]; then
		show_tail "$LOGS/fuzz.log" 60
		note_failure "fuzz: $f failed (log: $LOGS/fuzz.log)"
	fi
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f))
	echo "  fuzz: $p passed, $f failed ($(($(date +%s) - stage_start)) s)"
}

# ---- the stages, in lanes ----
# One stage at a time within a lane; the lanes run side by side (KAPKA_TEST_JOBS=1: one
# lane, everything in order). The PostgreSQL stages have a lane of their own, so the
# SQLite and PostgreSQL runs overlap; the sanitizer stages come after the plain ones in
# each lane. Each stage writes its output to $LOGS/STAGE.out, its counts to .count and its
# failures to .failures; they are printed in the usual order once every lane is done.
STAGES="unit fuzz e2e-sqlite e2e-pg browser san-unit san-e2e-sqlite san-e2e-pg"
LANE1="unit fuzz e2e-sqlite browser san-unit san-e2e-sqlite"
LANE2="e2e-pg san-e2e-pg"

run_stage() {
	case $1 in
	unit) run_unit_stage unit build/tests ;;
	fuzz) run_fuzz_stage ;;
	e2e-sqlite) need_bin bin/kapka && run_node_stage e2e-sqlite tests/e2e/ KAPKA_E2E_BACKEND=sqlite ;;
	e2e-pg) need_bin bin/kapka && pg_stage e2e-pg tests/e2e/ KAPKA_E2E_BACKEND=pg ;;
	browser)
		if ! need_bin bin/kapka; then return; fi
		if has_tests tests/browser; then
			run_node_stage browser tests/browser/
		else
			echo "${BOLD}== browser ==${OFF}"
			echo "  (no tests/browser/*.test.mjs yet: skipped)"
		fi
		;;
	san-*)
		# every program is the sanitizer build: any report aborts it
		export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
		export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
		case $1 in
		san-unit) run_unit_stage san-unit build/san/tests ;;
		# shellcheck disable=SC2086
		san-e2e-sqlite) need_bin build/san/bin/kapka && run_node_stage san-e2e-sqlite tests/e2e/ KAPKA_E2E_BACKEND=sqlite $SAN_ENV ;;
		# shellcheck disable=SC2086
		san-e2e-pg) need_bin build/san/bin/kapka && pg_stage san-e2e-pg tests/e2e/ KAPKA_E2E_BACKEND=pg $SAN_ENV ;;
		esac
		;;
	esac
}

# run_lane STAGE...: the wanted ones, one after the other, each recorded on its own.
run_lane() {
	for stage in "$@"; do
		wanted "$stage" || continue
		PASSED=0 FAILED=0 SKIPPED=0 FAILURES=""
		t0=$(date +%s)
		run_stage "$stage" >"$LOGS/$stage.out" 2>&1
		echo "$PASSED $FAILED $SKIPPED $(($(date +%s) - t0))" >"$LOGS/$stage.count"
		printf '%s' "$FAILURES" >"$LOGS/$stage.failures"
	done
}

if [ "${KAPKA_TEST_JOBS:-2}" -gt 1 ]; then
	echo "(stages in two lanes at once: $LANE1 | $LANE2; KAPKA_TEST_JOBS=1 runs them in order)"
	# shellcheck disable=SC2086
	run_lane $LANE1 &
	lane1=$!
	# shellcheck disable=SC2086
	run_lane $LANE2 &
	lane2=$!
	wait "$lane1" "$lane2"
else
	# shellcheck disable=SC2086
	run_lane $STAGES
fi

PASSED=0 FAILED=0 SKIPPED=0 FAILURES=""
: >"$LOGS/times.txt"
for stage in $STAGES; do
	[ -e "$LOGS/$stage.count" ] || continue
	cat "$LOGS/$stage.out"
	read -r p f sk secs <"$LOGS/$stage.count"
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + sk))
	FAILURES="$FAILURES$(cat "$LOGS/$stage.failures")"
	printf '%-16s %5d s\n' "$stage" "$secs" >>"$LOGS/times.txt"
done
echo
echo "stage times (build/test-logs/times.txt):"
sed 's/^/  /' "$LOGS/times.txt"

# ---- recap ----
elapsed=$(($(date +%s) - START))
echo
if [ -n "$FAILURES" ]; then
	echo "${RED}${BOLD}Failed:${OFF}${FAILURES}"
	echo "(logs in $LOGS/)"
fi
if [ -s "$LOGS/skipped.txt" ]; then
	# A skip names its reason: a check that belongs to the other backend's run, or
	# "KNOWN BUG: ..." for a test that reproduces a bug not fixed yet
	# (KAPKA_TEST_KNOWN_BUGS=1 runs those).
	echo "Skipped, each with its reason:"
	sort -u "$LOGS/skipped.txt" | sed 's/^/  - /'
fi
[ "$SKIPPED" -gt 0 ] && echo "$SKIPPED skipped in all"
echo "time: $((elapsed / 60)) min $((elapsed % 60)) s"
if [ "$FAILED" -gt 0 ]; then
	echo "${RED}${BOLD}$PASSED passed, $FAILED failed${OFF}"
	exit 1
fi
echo "${GREEN}${BOLD}$PASSED passed, $FAILED failed${OFF}"
