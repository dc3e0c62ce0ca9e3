#!/bin/sh
# pg.sh: a throwaway PostgreSQL 15 cluster on loopback for the tests.
#
#   sh tests/pg.sh COMMAND [ARGS...]   start a cluster, run COMMAND with KAPKA_TEST_PG set
#                                      to its URL, then stop and delete the cluster (also on
#                                      failure or Ctrl-C); exits with COMMAND's status
#   sh tests/pg.sh                     start one, print the URL, keep it until Ctrl-C
#
# The cluster lives in a mktemp folder: data, unix socket and log. It listens on
# 127.0.0.1 only, on a free port, with trust authentication for 127.0.0.1 and the
# socket, and fsync off. initdb refuses to run as root, so as root the server runs as
# the `postgres` user. PG_BINDIR overrides where initdb and pg_ctl are looked for.
set -eu

find_bindir() {
	if [ -n "${PG_BINDIR:-}" ]; then
		echo "$PG_BINDIR"
		return
	fi
	for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return
		fi
	done
	d=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
	[ -x "$d/pg_ctl" ] && { echo "$d"; return; }
	echo "pg.sh: cannot find initdb and pg_ctl (install postgresql-15 or set PG_BINDIR)" >&2
	exit 1
}

# A port nobody listens on right now (the kernel picks it).
free_port() {
	node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

BINDIR=$(find_bindir)
PGTMP=$(mktemp -d "${TMPDIR:-/tmp}/kapka-pg.XXXXXX")
PGDATA_DIR="$PGTMP/data"
PGLOG="$PGTMP/postgres.log"
started=0
child=

# Run a PostgreSQL program as the user that owns the cluster.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

cleanup() {
	status=$?
	trap - EXIT INT TERM HUP
	if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
		kill -TERM "$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
	if [ "$started" -eq 1 ]; then
		as_pg "$BINDIR/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$PGTMP"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if [ "$(id -u)" -eq 0 ]; then
	chown postgres: "$PGTMP"
fi
chmod 700 "$PGTMP"

if ! as_pg "$BINDIR/initdb" -D "$PGDATA_DIR" -U postgres -A trust -E UTF8 --locale=C --no-sync \
	>"$PGTMP/initdb.log" 2>&1; then
	echo "pg.sh: initdb failed:" >&2
	cat "$PGTMP/initdb.log" >&2
	exit 1
fi

# Only loopback TCP and the private socket, both trusted; nothing else may connect.
cat >"$PGDATA_DIR/pg_hba.conf" <<EOF
local all all trust
host  all all 127.0.0.1/32 trust
EOF

tries=0
while :; do
	PORT=$(free_port)
	if as_pg "$BINDIR/pg_ctl" -D "$PGDATA_DIR" -l "$PGLOG" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$PGTMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB" \
		start >/dev/null 2>&1; then
		started=1
		break
	fi
	tries=$((tries + 1))
	if [ "$tries" -ge 3 ]; then
		echo "pg.sh: PostgreSQL did not start; its log:" >&2
		cat "$PGLOG" >&2 || true
		exit 1
	fi
done

KAPKA_TEST_PG="postgres://postgres@127.0.0.1:$PORT/postgres"
export KAPKA_TEST_PG
echo "pg.sh: PostgreSQL $("$BINDIR/postgres" -V | awk '{print $3}') at $KAPKA_TEST_PG (data in $PGTMP)" >&2

if [ "$#" -eq 0 ]; then
	echo "$KAPKA_TEST_PG"
	echo "pg.sh: running until Ctrl-C" >&2
	while :; do sleep 3600; done
fi

# Not exec, and in the background: a signal to this script interrupts the wait at once,
# and the trap stops the command and the cluster. Standard input is passed on.
exec 3<&0
"$@" <&3 3<&- &
child=$!
set +e
wait "$child"
status=$?
set -e
child=
exit "$status"
