# virtmig: an ncurses console for live-migrating libvirt/KVM guests.
#
# Every build product goes under $(BUILD) so parallel work trees (or helpers
# building side by side) can use BUILD=/tmp/elsewhere without racing.

BUILD   ?= build
PREFIX  ?= /usr/local
CC      ?= cc
# V=1 shows every command.
Q        = $(if $(V),,@)
PKGS     = libvirt ncursesw libxml-2.0
VERSION  = 0.1.0

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN     = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DVIRTMIG_VERSION='"$(VERSION)"' $(WARN) \
             -DVIRTMIG_THEMES_DIR='"$(PREFIX)/share/virtmig/themes"' \
             -Icore -Itui $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
LDLIBS   = $(PKG_LIBS) -lpthread -lm

# Unit and integration tests are built with AddressSanitizer and UBSan.
SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
SAN_CFLAGS = -std=c11 -D_GNU_SOURCE -DVIRTMIG_VERSION='"$(VERSION)"' $(WARN) \
             -Icore -Itui -Itests $(PKG_CFLAGS) -O1 -g $(SAN) -MMD -MP

CORE_SRC  := $(wildcard core/*.c)
# tui/main.c holds main(); everything else in tui/ is a library the tests link.
TUI_SRC   := $(filter-out tui/main.c,$(wildcard tui/*.c))
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
INTEG_SRC := $(wildcard tests/integration/test_*.c)
# Shared helpers for tests (lab discovery, polling): tests/support/*.c
SUPPORT_SRC := $(wildcard tests/support/*.c)

CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
TUI_OBJ   := $(TUI_SRC:%.c=$(BUILD)/obj/%.o)
SCORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/san/%.o)
STUI_OBJ  := $(TUI_SRC:%.c=$(BUILD)/san/%.o)
SSUP_OBJ  := $(SUPPORT_SRC:%.c=$(BUILD)/san/%.o)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
INTEG_BIN := $(INTEG_SRC:tests/integration/%.c=$(BUILD)/tests/integration/%)

# Object files are intermediate in the pattern chains above; keep them so a
# second build (make all, then make tests) does not compile everything again.
.SECONDARY:

.PHONY: all deps check unit integration e2e demo lab-up lab-down lab-status lab-reset \
        install clean screenshots tests

all: $(BUILD)/virtmig

$(BUILD)/virtmig: $(BUILD)/obj/tui/main.o $(TUI_OBJ) $(CORE_OBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	$(Q)$(CC) $(SAN_CFLAGS) -c -o $@ $<

# The sanitized core, front end and test support as one archive: each test
# links only the objects it needs.
$(BUILD)/san/libvirtmig-test.a: $(SCORE_OBJ) $(STUI_OBJ) $(SSUP_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/tests/unit/%: $(BUILD)/san/tests/unit/%.o $(BUILD)/san/libvirtmig-test.a
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(SAN) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)

$(BUILD)/tests/integration/%: $(BUILD)/san/tests/integration/%.o $(BUILD)/san/libvirtmig-test.a
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(SAN) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)

tests: $(UNIT_BIN) $(INTEG_BIN)

deps:
	@tests/lab/deps.sh

# The README's test command. Runs everything, lab included, and always takes
# the lab down again; see tests/run-check.sh for the order and why.
check:
	@BUILD=$(BUILD) tests/run-check.sh

unit: $(UNIT_BIN)
	@BUILD=$(BUILD) tests/run-unit.sh $(UNIT_BIN)

integration: $(INTEG_BIN) $(BUILD)/virtmig
	@BUILD=$(BUILD) tests/run-integration.sh $(INTEG_BIN)

e2e: $(BUILD)/virtmig
	@BUILD=$(BUILD) tests/e2e/run.sh

lab-up:
	@tests/lab/lab.sh up
lab-down:
	@tests/lab/lab.sh down
lab-status:
	@tests/lab/lab.sh status
# Every guest back on labhost1 in its starting state (after manual experiments).
lab-reset:
	@tests/lab/lab.sh reset

demo: deps all
	@tests/lab/lab.sh up
	@BUILD=$(BUILD) tests/lab/demo.sh

screenshots: all
	@BUILD=$(BUILD) screenshots/make-screenshots.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/virtmig/themes \
	           $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BUILD)/virtmig $(DESTDIR)$(PREFIX)/bin/virtmig
	install -m 0644 themes/*.theme $(DESTDIR)$(PREFIX)/share/virtmig/themes/
	install -m 0644 virtmig.1 $(DESTDIR)$(PREFIX)/share/man/man1/virtmig.1

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
