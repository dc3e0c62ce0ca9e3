#!/bin/sh
# format-check.sh: every C file under src/ and tests/unit/ is as clang-format makes it
# with .clang-format, except those in tools/format-pending.txt, and none of those is
# already formatted (the list only shrinks). `make format-check` runs it.
set -u
command -v clang-format >/dev/null || { echo "format-check: clang-format is not installed (make deps)"; exit 1; }
pending=tools/format-pending.txt
bad=0
for f in $(find src tests/unit -name '*.[ch]' | sort); do
	if grep -qx -F "$f" "$pending"; then
		if clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
			echo "format-check: $f is formatted now: take it off $pending"
			bad=1
		fi
	elif ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "format-check: $f differs from clang-format (clang-format -i $f, or git clang-format)"
		bad=1
	fi
done
for f in $(grep -v '^#' "$pending"); do
	[ -e "$f" ] || { echo "format-check: $pending names $f, which is gone"; bad=1; }
done
exit $bad
