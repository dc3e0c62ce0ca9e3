#!/bin/sh
# layers.sh: fail when an #include crosses kapka's layers the wrong way. The table below is
# docs/architecture.md's layer table; a folder may include its own headers and those of
# the folders listed for it, nothing else. `make layers` runs it, and `make unit` too.
#
#   sh tools/layers.sh [SRC_DIR]     (default: src)
set -u
src=${1:-src}

allowed() {
	case $1 in
	core) echo "" ;;
	crypto) echo "core" ;;
	doc) echo "core" ;;
	domain) echo "core crypto" ;;
	tlog) echo "core crypto" ;;
	store) echo "core crypto domain tlog" ;;
	http) echo "core crypto" ;;
	app) echo "core crypto doc domain tlog store" ;;
	exchange) echo "core crypto domain tlog store app" ;;
	notify) echo "core crypto domain tlog store app exchange" ;;
	api) echo "core crypto doc domain tlog store app http exchange notify" ;;
	cli) echo "core crypto doc domain tlog store app http exchange notify api" ;;
	main) echo "core crypto doc domain tlog store app http exchange notify api cli" ;;
	*) echo "?" ;;
	esac
}

bad=0
for f in "$src"/main.c "$src"/*/*.c "$src"/*/*.h; do
	[ -e "$f" ] || continue
	rel=${f#"$src"/}
	case $rel in
	*/*) layer=${rel%%/*} ;;
	*) layer=main ;;
	esac
	ok=$(allowed "$layer")
	if [ "$ok" = "?" ]; then
		echo "layers: $rel: the folder $layer is not in the layer table (tools/layers.sh, docs/architecture.md)"
		bad=1
		continue
	fi
	# every #include "folder/file.h"
	for target in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z_]*\)\/[^"]*".*/\1/p' "$f" | sort -u); do
		[ "$target" = "$layer" ] && continue
		case " $ok " in
		*" $target "*) ;;
		*)
			line=$(grep -n "#[[:space:]]*include[[:space:]]*\"$target/" "$f" | head -n 1 | cut -d: -f1)
			echo "layers: $rel:$line: $layer may not include $target/ (allowed: ${ok:-nothing})"
			bad=1
			;;
		esac
	done
done
[ "$bad" -eq 0 ] || { echo "layers: see the layer table in docs/architecture.md"; exit 1; }
