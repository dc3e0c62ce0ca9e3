#!/bin/sh
# deps.sh: install what kapka's build and tests need on Debian 12, when missing.
# Called by `make deps` (and so by `make run` and `make test`). Idempotent.
set -eu

PACKAGES="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libpq-dev
postgresql-15 postgresql-client-15 libssl-dev libsodium-dev libqrencode-dev libhpdf-dev libcurl4-openssl-dev
libcmocka-dev chromium wrk clang clang-format curl ca-certificates nodejs npm
zlib1g-dev fonts-dejavu-core zbar-tools poppler-utils prometheus haproxy debhelper lintian groff-base
golang-go golang-golang-x-mod-dev kannel kannel-extras libicu-dev"
# clang-format: `make format-check` holds the C to .clang-format.
# libicu-dev: searches fold case with ICU's lowercase, the one PostgreSQL uses (core/fold.c).
# golang-go and golang-golang-x-mod-dev: the transparency-log test checks kapka's checkpoints
# and proofs with Go's own golang.org/x/mod/sumdb/note and sumdb/tlog, built offline.

missing=""
for p in $PACKAGES; do
	case "$p" in
	nodejs|npm)
		# A newer Node from elsewhere (for example /usr/local) is fine.
		command -v "${p%js}" >/dev/null 2>&1 && continue
		[ "$p" = nodejs ] && command -v node >/dev/null 2>&1 && continue ;;
	esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

if [ -n "$missing" ]; then
	echo "deps: installing Debian packages:$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# npm packages for the browser tests and the web UI's vendored libraries.
if [ -f package.json ]; then
	if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
		echo "deps: installing npm packages"
		npm ci --no-audit --no-fund --loglevel=error
	fi
fi
