#!/bin/sh
# bench/run.sh: `make bench`. Measures kapka beside the machine's own limits in the same
# run and prints ratios, never absolute pass/fail. Scenarios are added per capability.
set -eu
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: wrk is missing (make deps)"; exit 1; }
out=$(mktemp -d)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$out"' EXIT INT TERM
DUR=${BENCH_SECONDS:-5}
KAPKA_ADMIN_PASSWORD=bench-password-1 bin/kapka serve --port 0 --db "$out/bench.db" --log-level error \
	2>"$out/log" &
pid=$!
i=0
while ! port=$(sed -n 's/.*serving http:[^ ]*:\([0-9]*\)\/.*/\1/p' "$out/log" | head -n 1) || [ -z "$port" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && { cat "$out/log"; exit 1; }; sleep 0.1
done
rate() { wrk -t2 -c32 -d"${DUR}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
base=$(rate "http://127.0.0.1:$port/healthz")
echo "bench: bare endpoint GET /healthz: $base req/s (the machine's HTTP limit for kapka)"
ready=$(rate "http://127.0.0.1:$port/readyz")
echo "bench: GET /readyz (one database round trip): $ready req/s = $(echo "$ready $base" | awk '{printf "%.2f", $1/$2}') of the bare endpoint"
