#!/bin/sh
# size-check.sh: fail when a C file under DIR is longer than 800 lines or a function in it
# has a body longer than 60 lines (STYLE.md: split along a natural seam). A function is
# what kapka's style makes of one: its signature ending in ')' and its braces alone at
# column 0. `make unit` runs it on src/, and checks that it refuses a fixture that breaks it.
#
#   sh tools/size-check.sh [DIR] [MAX_FILE_LINES] [MAX_FUNCTION_LINES]
set -u
dir=${1:-src}
max_file=${2:-800}
max_fn=${3:-60}

files=$(find "$dir" -name '*.[ch]' | sort)
[ -n "$files" ] || { echo "size-check: no C files under $dir"; exit 1; }
# shellcheck disable=SC2086
awk -v max_file="$max_file" -v max_fn="$max_fn" '
FNR == 1 { if (NR > 1) close_file(); infn = 0 }
/^\{$/ && prev ~ /\)$/ { infn = 1; start = FNR; name = prev; prev = $0; next }
/^\}/ && infn {
	n = FNR - start - 1
	if (n > max_fn) { sub(/^[ \t]+/, "", name); printf "%s:%d: a function of %d lines (at most %d): %s\n", FILENAME, start, n, max_fn, name; bad = 1 }
	infn = 0
}
{ prev = $0; lines = FNR; file = FILENAME }
function close_file() { if (lines > max_file) { printf "%s: %d lines (at most %d)\n", file, lines, max_file; bad = 1 } }
END { close_file(); exit bad }
' $files
