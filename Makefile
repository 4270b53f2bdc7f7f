# mfbuild — build, test and install-what-is-missing.
#
#   make            build/mfbuild (installs Debian and npm inputs when missing)
#   make test       everything above, then the whole test suite
#   make asan       the suite under AddressSanitizer + UBSan (build/asan/mfbuild)
#   make example    build the bundled example in fixtures/example
#   make clean
#
# Third-party C (tree-sitter runtime and grammars) comes from npm packages
# pinned in package-lock.json, fetched by `npm ci --ignore-scripts`, and is
# compiled with its own (quiet) flags.  Nothing third-party is committed.

SHELL := /bin/bash
CC ?= cc
BUILD ?= build
OPT ?= -O2

APT_PACKAGES := libcjson-dev libdeflate-dev libxxhash-dev
# Test-only Debian packages (browser tests drive Debian's chromium).
APT_TEST_PACKAGES := chromium

TS_RT := node_modules/tree-sitter/vendor/tree-sitter/lib
TS_JS := node_modules/tree-sitter-javascript/src
TS_TS := node_modules/tree-sitter-typescript/typescript/src
TS_TSX := node_modules/tree-sitter-typescript/tsx/src

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wno-unused-parameter -Wformat=2 -Wvla
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -g $(OPT) -pthread
MF_CFLAGS := $(CFLAGS_BASE) $(WARN) -Iinclude -I$(TS_RT)/include $(EXTRA_CFLAGS)
# Third-party code: its own flags, no warnings (we do not maintain it).
TP_CFLAGS := -std=c11 -D_GNU_SOURCE -g $(OPT) -w $(EXTRA_TP_CFLAGS)
LDLIBS := -lcjson -ldeflate -lxxhash -lpthread -lm
LDFLAGS ?=

SRCS := $(wildcard src/*.c)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
OBJS := $(SRCS:src/%.c=$(BUILD)/obj/%.o)
LIB_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o)
TS_OBJS := $(BUILD)/ts/runtime.o \
           $(BUILD)/ts/js-parser.o $(BUILD)/ts/js-scanner.o \
           $(BUILD)/ts/ts-parser.o $(BUILD)/ts/ts-scanner.o \
           $(BUILD)/ts/tsx-parser.o $(BUILD)/ts/tsx-scanner.o
UNIT_SRCS := $(wildcard tests/unit/*.c)
HEADERS := $(wildcard include/*.h include/*.def)

DEPS_STAMP := $(BUILD)/.apt-deps
NPM_STAMP := node_modules/.package-lock.json

.PHONY: all test asan example clean deps test-deps unit
all: $(BUILD)/mfbuild

# ---- inputs -------------------------------------------------------------
# Debian packages: installed with apt-get when missing (root), otherwise a
# clear message naming what to install.
$(DEPS_STAMP):
	@mkdir -p $(BUILD)
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "mfbuild needs these Debian packages:$$missing"; \
	    echo "run as root: apt-get install -y$$missing"; exit 1; \
	  fi; \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@touch $@

test-deps: $(DEPS_STAMP)
	@missing=""; for p in $(APT_TEST_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "the tests need these Debian packages:$$missing (apt-get install -y$$missing as root)"; exit 1; \
	  fi; \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# npm inputs, pinned with integrity hashes by package-lock.json.
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "mfbuild needs Node >= 20.19 with npm (see README)"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

deps: $(DEPS_STAMP) $(NPM_STAMP)

# ---- third-party C ------------------------------------------------------
$(BUILD)/ts/runtime.o: $(NPM_STAMP)
	@mkdir -p $(@D)
	$(CC) $(TP_CFLAGS) -I$(TS_RT)/include -I$(TS_RT)/src -c $(TS_RT)/src/lib.c -o $@
$(BUILD)/ts/js-%.o: $(NPM_STAMP)
	@mkdir -p $(@D)
	$(CC) $(TP_CFLAGS) -I$(TS_JS) -c $(TS_JS)/$*.c -o $@
$(BUILD)/ts/ts-%.o: $(NPM_STAMP)
	@mkdir -p $(@D)
	$(CC) $(TP_CFLAGS) -I$(TS_TS) -c $(TS_TS)/$*.c -o $@
$(BUILD)/ts/tsx-%.o: $(NPM_STAMP)
	@mkdir -p $(@D)
	$(CC) $(TP_CFLAGS) -I$(TS_TSX) -c $(TS_TSX)/$*.c -o $@

# ---- mfbuild ------------------------------------------------------------
$(BUILD)/obj/%.o: src/%.c $(HEADERS) $(DEPS_STAMP) $(NPM_STAMP)
	@mkdir -p $(@D)
	$(CC) $(MF_CFLAGS) -c $< -o $@

$(BUILD)/mfbuild: $(OBJS) $(TS_OBJS)
	$(CC) $(MF_CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS)

# C unit tests: one binary linking every phase but main.c.
$(BUILD)/unit-tests: $(UNIT_SRCS) tests/unit/unit.h $(LIB_OBJS) $(TS_OBJS)
	$(CC) $(MF_CFLAGS) -Itests/unit $(LDFLAGS) $(UNIT_SRCS) $(LIB_OBJS) $(TS_OBJS) -o $@ $(LDLIBS)

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

# ---- tests --------------------------------------------------------------
# tests/run.mjs runs the C unit tests and the Node suites and prints the
# closing `N passed, N failed` line.
test: $(BUILD)/mfbuild $(BUILD)/unit-tests test-deps
	MFBUILD=$(abspath $(BUILD)/mfbuild) UNIT_TESTS=$(abspath $(BUILD)/unit-tests) node tests/run.mjs

ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
asan:
	$(MAKE) BUILD=build/asan OPT=-O1 \
	  EXTRA_CFLAGS="$(ASAN_FLAGS) -DMF_ARENA_MALLOC" EXTRA_TP_CFLAGS="$(ASAN_FLAGS)" \
	  LDFLAGS="$(ASAN_FLAGS)" test

example: $(BUILD)/mfbuild
	@bash fixtures/example/build.sh $(abspath $(BUILD)/mfbuild)

clean:
	rm -rf build
