#!/bin/sh
# manpages.sh: write a man page for kapka and one per subcommand (kapka-serve.1, ...) from
# the binary's own --help, so the pages say what the binary does. `make deb` runs it.
#
#   sh tools/manpages.sh BIN OUTDIR
set -eu
bin=$1
out=$2
mkdir -p "$out"
version=$("$bin" version | awk '{print $2}')
date=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%d)

# roff-escape: backslashes, and lines starting with . or '
esc() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }

page() { # NAME SUMMARY TEXTFILE
	{
		printf '.TH "%s" 1 "%s" "kapka %s" "kapka manual"\n' "$(echo "$1" | tr a-z A-Z)" "$date" "$version"
		printf '.SH NAME\n%s \\- %s\n' "$1" "$2"
		printf '.SH DESCRIPTION\n.nf\n'
		esc < "$3"
		printf '.fi\n.SH FILES\n/etc/kapka/kapka.conf \\- the settings (see kapka serve \\-\\-help)\n.br\n/var/lib/kapka \\- the database and the key passphrase\n'
		printf '.SH SEE ALSO\nkapka(1), /usr/share/doc/kapka/operations.md\n'
	} > "$out/$1.1"
}

tmp=$(mktemp)
"$bin" help > "$tmp"
page kapka "the digital border platform" "$tmp"
"$bin" help | awk '/^commands:/ {on=1; next} on && /^  [a-z]/ {print $1}' | while read -r cmd; do
	summary=$("$bin" help | awk -v c="$cmd" '$1 == c {sub(/^  [^ ]+ +/, ""); print; exit}')
	"$bin" "$cmd" --help > "$tmp" 2>&1 || true
	page "kapka-$cmd" "$summary" "$tmp"
done
rm -f "$tmp"
