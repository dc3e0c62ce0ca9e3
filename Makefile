# kapka: a plain GNU Makefile. `make run` and `make test` are the whole set-up (README.md).
.DEFAULT_GOAL := all
.SUFFIXES:

CC ?= cc
CFLAGS ?= -O2 -g
PKGS := libmicrohttpd jansson sqlite3 libpq libcrypto libsodium libqrencode zlib libcurl icu-uc
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wcast-qual

# Switches, not forks: SANITIZER=address,undefined builds into build/san/ so the normal
# build stays as it is.
SANITIZER ?=
ifeq ($(SANITIZER),)
BUILD := build
BIN := bin/kapka
SAN_FLAGS :=
else
BUILD := build/san
BIN := build/san/bin/kapka
SAN_FLAGS := -fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE $(WARN) -Isrc $(PKG_CFLAGS) $(CFLAGS) $(SAN_FLAGS) -MMD -MP
LIBS = $(PKG_LIBS) -lhpdf -lpthread -lm

SRC := $(filter-out src/main.c,$(wildcard src/*/*.c))
OBJ := $(SRC:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/embedded.o
LIB := $(BUILD)/libkapka.a
MIGRATIONS := $(sort $(wildcard sql/*.sql))
OPENAPI := $(sort $(wildcard docs/openapi/*.json))

UNIT_SRC := $(wildcard tests/unit/*/*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps run test unit layers sizes format-check bench fuzz clean
all: $(BIN)

$(BIN): $(BUILD)/obj/main.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(LIBS)

$(LIB): $(OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/gen/embedded.c: tools/embed.sh $(MIGRATIONS) $(OPENAPI)
	@mkdir -p $(dir $@)
	{ sh tools/embed.sh kp_migrations $(MIGRATIONS); sh tools/embed.sh kp_openapi $(OPENAPI) | tail -n +3; } > $@.tmp
	mv $@.tmp $@

$(BUILD)/obj/gen/embedded.o: $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

# Unit tests: one cmocka program per file in tests/unit/<layer>/.
$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB) $(LIBS) -lcmocka

unit: $(UNIT_BIN) layers sizes

# The layer table (docs/architecture.md): an #include that crosses it the wrong way fails
# the build of the tests; the checker must also refuse a fixture tree that breaks it.
layers:
	@sh tools/layers.sh src
	@if sh tools/layers.sh tests/layers >/dev/null; then echo "layers: tools/layers.sh accepted tests/layers/, which breaks the table"; exit 1; fi

# Files under 800 lines and functions under 60 (STYLE.md); the checker must also refuse its
# fixture (a function one line too long).
sizes:
	@sh tools/size-check.sh src
	@if sh tools/size-check.sh tests/size >/dev/null; then echo "sizes: tools/size-check.sh accepted tests/size/, which breaks the limit"; exit 1; fi

# C as .clang-format describes it (tools/format-pending.txt: files not reformatted yet).
format-check:
	@sh tools/format-check.sh

# Debian packages (and npm packages for the browser tests) the build and the tests need.
deps:
	@sh tools/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	./$(BIN) demo $(if $(PORT),--port $(PORT))
	exec ./$(BIN) serve $(if $(PORT),--port $(PORT))

test: deps
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory SANITIZER=address,undefined all unit
	sh tests/run.sh

$(BUILD)/bench/rawtx: bench/rawtx.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LIBS)

$(BUILD)/bench/tlog: bench/tlog.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LIBS)

bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/rawtx $(BUILD)/bench/tlog
	sh bench/run.sh
	node bench/permits.mjs
	node bench/checkpoints.mjs
	node bench/window.mjs
	node bench/transparency.mjs

# libFuzzer targets for every parser that takes outside bytes (fuzz/README.md), each on
# its seed corpus in fuzz/corpus/ for FUZZ_SECONDS seconds (default 60; make test: 5).
fuzz:
	sh fuzz/run.sh

# The Debian package (docs/operations.md): dpkg-buildpackage on a copy of the tree, so this
# checkout's build/ stays as it is; build/deb/kapka_<version>_amd64.deb, checked by lintian.
.PHONY: deb
deb:
	rm -rf build/deb && mkdir -p build/deb/kapka
	git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t build/deb/kapka
	cd build/deb/kapka && dpkg-buildpackage -us -uc -b
	lintian --fail-on error build/deb/kapka_*_amd64.deb

clean:
	rm -rf build bin tests/browser/out

-include $(OBJ:.o=.d) $(BUILD)/obj/main.d
