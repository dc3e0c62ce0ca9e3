#!/bin/sh
# run.sh: build every libFuzzer target with clang (ASan + UBSan) and run each on its seed
# corpus for FUZZ_SECONDS seconds (default 60; tests/run.sh uses 5). What a run finds is
# kept in build/fuzz/corpus/<target>/; a crash leaves build/fuzz/crash-<target>-* and
# makes the run fail (add the input to fuzz/corpus/<target>/ once the bug is fixed).
# The last lines give the executions per target. FUZZ_TARGETS="body qr" runs only those.
set -u
cd "$(dirname "$0")/.." || exit 1
SECONDS_EACH=${FUZZ_SECONDS:-60}
OUT=build/fuzz
CC=${FUZZ_CC:-clang}
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=c17 -D_GNU_SOURCE -Isrc $(pkg-config --cflags jansson libsodium 2>/dev/null)"
LIBS="-ljansson -lcrypto -lsodium -lmicrohttpd -lm -lpthread"
mkdir -p "$OUT"

# The whole domain layer with what it stands on: a target that reaches domain/ links all
# of it, so a rule that starts to call another domain module does not break the build.
DOMAIN="$(echo src/domain/*.c) src/crypto/jws.c src/crypto/keys.c src/crypto/hash.c src/core/util.c src/core/clock.c \
	src/core/log.c src/core/arena.c"

# target: the sources it needs besides fuzz/fuzz_<target>.c
sources() {
	case $1 in
	jws) echo src/crypto/jws.c src/crypto/keys.c src/crypto/hash.c src/core/util.c ;;
	jwk) echo src/crypto/keys.c src/crypto/hash.c src/core/util.c ;;
	schedule) echo $DOMAIN ;;
	body) echo src/http/request.c src/http/response.c $DOMAIN ;;
	query) echo src/http/request.c src/http/response.c src/http/router.c src/http/proxy.c src/core/arena.c \
		src/core/util.c src/core/log.c src/core/clock.c ;;
	config) echo src/core/config.c src/core/util.c src/core/log.c src/core/clock.c ;;
	trustlist) echo $DOMAIN ;;
	event) echo $DOMAIN src/exchange/gson.c ;;
	qr) echo $DOMAIN ;;
	window) echo $DOMAIN ;;
	rules) echo $DOMAIN ;;
	ecmr) echo $DOMAIN src/crypto/seals.c ;;
	tlog) echo src/tlog/proof.c src/tlog/note.c src/tlog/merkle.c ;;
	esac
}

TARGETS=${FUZZ_TARGETS:-"jws jwk schedule body query config trustlist event qr window rules ecmr tlog"}
status=0
summary=""
for t in $TARGETS; do
	bin=$OUT/fuzz_$t
	# shellcheck disable=SC2046,SC2086
	if ! $CC $CFLAGS -o "$bin" "fuzz/fuzz_$t.c" $(sources "$t") $LIBS 2>"$OUT/build-$t.log"; then
		echo "fuzz_$t: does not build (see $OUT/build-$t.log)"
		tail -n 20 "$OUT/build-$t.log"
		status=1
		continue
	fi
	mkdir -p "$OUT/corpus/$t" "fuzz/corpus/$t"
	log=$OUT/run-$t.log
	"$bin" -max_total_time="$SECONDS_EACH" -max_len=8192 -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
		-artifact_prefix="$OUT/crash-$t-" "$OUT/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
	if [ "$rc" -ne 0 ]; then
		echo "fuzz_$t: FAILED (exit $rc) after ${runs:-?} executions; see $log"
		grep -m 1 -A 25 'ERROR:\|runtime error\|deadly signal' "$log" | head -n 40
		status=1
	fi
	summary="$summary
  fuzz_$t: ${runs:-0} executions in $SECONDS_EACH s, $(ls "fuzz/corpus/$t" | wc -l) seeds, exit $rc"
done
echo "fuzzing, $SECONDS_EACH s per target:$summary"
exit $status
