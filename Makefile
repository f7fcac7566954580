# fdcap: small Unix tools for raw Ethernet and file-descriptor passing.
#
#   make                 build the tools into $(B)/
#   sudo make check      install what is missing (Debian), build, run every test
#   make check SANITIZE=1  the same, built with ASan and UBSan into build/san/
#   sudo make demo       an unprivileged user speaks raw Ethernet, end to end
#   make lint            mandoc -T lint and cppcheck
#   make install         PREFIX, DESTDIR, BINDIR, MANDIR, SYSCONFDIR
#   sudo make install-caps  give the installed rawopen its file capabilities
#
# Nothing below needs editing to add a module or a tool: lib/*.c, cmd/*.c,
# tests/unit/*.c and tests/t*.t are found by wildcard.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= $(PREFIX)/etc
DESTDIR ?=
# The group whose members may run the installed rawopen (install-caps).
RAWOPEN_GROUP ?= netraw

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS = libbsd-overlay libcap libpcap
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes
ifeq ($(CI),true)
WARN += -Werror
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif

# B: the build directory (several builds can live side by side).
ifeq ($(SANITIZE),1)
B ?= build/san
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
B ?= build
SAN =
endif

# Hardening, as Debian builds a privileged binary (dpkg-buildflags
# hardening=+all): stack protector and clash protection, control-flow
# protection where the target has it, _FORTIFY_SOURCE (not under the
# sanitizers, which it would blind; nor over a level CPPFLAGS or CFLAGS
# already set, as dpkg-buildflags does), and full RELRO: the GOT is
# read-only before main.  A flag the compiler cannot build with is left out.
cc_has = $(shell $(CC) $(1) -Werror -c -x c /dev/null -o /dev/null >/dev/null 2>&1 && echo $(1))
HARDEN_CFLAGS := $(call cc_has,-fstack-protector-strong) \
	$(call cc_has,-fstack-clash-protection) $(call cc_has,-fcf-protection)
ifneq ($(SANITIZE),1)
ifeq ($(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)),)
HARDEN_CPPFLAGS = -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3
endif
endif
HARDEN_LDFLAGS = -Wl,-z,relro -Wl,-z,now

# Evaluated lazily: on a fresh machine the .pc files appear only after deps.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS))
POLICY = $(SYSCONFDIR)/fdcap/rawopen.conf
ALL_CPPFLAGS = -D_GNU_SOURCE -Ilib -DRAWOPEN_POLICY='"$(POLICY)"' \
	$(HARDEN_CPPFLAGS) $(CPPFLAGS)
ALL_CFLAGS = -std=gnu11 $(WARN) $(SAN) $(HARDEN_CFLAGS) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN) -Wl,--as-needed $(HARDEN_LDFLAGS) $(LDFLAGS)
LDLIBS_ALL = $(PKG_LIBS) $(LDLIBS)

LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
LIBA = $(B)/libfdcap.a
CMDS = $(basename $(notdir $(wildcard cmd/*.c)))
BINS = $(CMDS:%=$(B)/%)
UNIT_SRC = $(wildcard tests/unit/*.c)
UNITS = $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%.t)
MANS = $(wildcard man/*.[1-8])
SHELL_TESTS = $(sort $(wildcard tests/t[0-9]*.t))

.PHONY: all check unit lint deps install install-caps uninstall clean demo bench fuzz
.SUFFIXES:

all: $(BINS)

$(B)/lib/%.o: lib/%.c lib/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(B)/cmd/%.o: cmd/%.c lib/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(B)/%: $(B)/cmd/%.o $(LIBA)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBA) $(LDLIBS_ALL)

# rawopen, the privileged one, carries libcap and libbsd inside: nothing
# but libc is resolved at its start, and the start is faster (bench/exec.sh).
# Where the static archives are missing, it links as the others do.
RAWOPEN_STATIC = $(shell for l in cap bsd md; do \
	$(CC) -print-file-name=lib$$l.a | grep -q / || exit 0; done; \
	echo -Wl,-Bstatic -lcap -lbsd -lmd -Wl,-Bdynamic)
$(B)/rawopen: $(B)/cmd/rawopen.o $(LIBA)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBA) $(or $(RAWOPEN_STATIC),$(LDLIBS_ALL))

$(B)/unit/%.t: tests/unit/%.c tests/tap.h lib/*.h $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Itests $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBA) $(LDLIBS_ALL)

.PRECIOUS: $(B)/cmd/%.o $(B)/lib/%.o

# Fuzz harnesses (tests/fuzz/NAME.c defines LLVMFuzzerTestOneInput) are
# built twice: with libFuzzer by `make fuzz`, and with a plain main() that
# replays their corpus and regression inputs for `make check`.
FUZZ_SRC = $(filter-out tests/fuzz/replay.c,$(wildcard tests/fuzz/*.c))
REPLAYS = $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%.replay)

$(B)/fuzz/%.replay: tests/fuzz/%.c tests/fuzz/replay.c lib/*.h $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(LIBA) $(LDLIBS_ALL)

unit: $(UNITS) $(REPLAYS)

# The tests read these to find what they test, and to build test-only
# variants (a rawopen whose policy path lies in a scratch directory).
export FDCAP_BUILD = $(CURDIR)/$(B)
export FDCAP_SANITIZE = $(SANITIZE)
export FDCAP_SRC = $(CURDIR)
export FDCAP_CC = $(CC)
export FDCAP_CFLAGS = $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS)
export FDCAP_LIBS = $(CURDIR)/$(LIBA) $(LDLIBS_ALL)

PROVE ?= prove
PROVE_FLAGS ?= --timer
T ?= $(UNITS) $(SHELL_TESTS)

check: deps
	$(MAKE) all unit
	$(PROVE) --exec '' $(PROVE_FLAGS) $(T)

# Debian packages, as "what-to-look-for:package".  Libraries are looked up
# with pkg-config, commands on PATH, Python modules in /usr/bin/python3.
DEPS_PC = libbsd-overlay:libbsd-dev libcap:libcap-dev libpcap:libpcap-dev
DEPS_CMD = pkg-config:pkg-config cc:gcc prove:perl mandoc:mandoc \
	tcpdump:tcpdump tshark:tshark s6-ipcserver:s6 socat:socat \
	setcap:libcap2-bin setpriv:util-linux ip:iproute2 \
	/usr/bin/python3:python3 cppcheck:cppcheck clang:clang
DEPS_PY = scapy:python3-scapy

deps:
	@missing=; \
	for d in $(DEPS_PC); do \
		$(PKG_CONFIG) --exists "$${d%%:*}" 2>/dev/null || missing="$$missing $${d#*:}"; \
	done; \
	for d in $(DEPS_CMD); do \
		command -v "$${d%%:*}" >/dev/null 2>&1 || missing="$$missing $${d#*:}"; \
	done; \
	for d in $(DEPS_PY); do \
		/usr/bin/python3 -c "import $${d%%:*}" >/dev/null 2>&1 || missing="$$missing $${d#*:}"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "deps: installing:$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -q && \
		apt-get install -y -q --no-install-recommends $$missing; \
	else \
		echo "deps: missing, install them (Debian package names):$$missing" >&2; \
		exit 1; \
	fi

# mandoc -W style also checks every .Xr against the pages installed on
# this machine; ours are indexed first, and a reference to a page that this
# machine lacks (fnmatch(3) without manpages-dev) is not held against us.
lint: deps
	rm -rf $(B)/man
	for m in $(MANS); do mkdir -p $(B)/man/man$${m##*.} && \
		cp $$m $(B)/man/man$${m##*.}/ || exit 1; done
	makewhatis $(B)/man
	MANPATH=$(CURDIR)/$(B)/man:$$(manpath 2>/dev/null) \
		mandoc -T lint -W style $(MANS) 2>&1 | \
		grep -v 'referenced manual not found\|outdated mandoc.db' | \
		{ ! grep .; }
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr -D_GNU_SOURCE -Ilib lib cmd

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	for c in $(CMDS); do install -m 0755 $(B)/$$c $(DESTDIR)$(BINDIR)/$$c || exit 1; done
	for m in man/*.1; do install -m 0644 $$m $(DESTDIR)$(MANDIR)/man1/ || exit 1; done
	for m in man/*.5; do [ -e "$$m" ] || continue; install -m 0644 $$m $(DESTDIR)$(MANDIR)/man5/ || exit 1; done

# After install, as root: rawopen runnable by root and $(RAWOPEN_GROUP) only,
# with the two capabilities it raises around socket() and bind() permitted
# (never effective), and an empty policy when there is none.
install-caps:
	getent group $(RAWOPEN_GROUP) >/dev/null || groupadd --system $(RAWOPEN_GROUP)
	chown root:$(RAWOPEN_GROUP) $(DESTDIR)$(BINDIR)/rawopen
	chmod 0750 $(DESTDIR)$(BINDIR)/rawopen
	setcap cap_net_raw,cap_net_bind_service=p $(DESTDIR)$(BINDIR)/rawopen
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/fdcap
	[ -e $(DESTDIR)$(POLICY) ] || { umask 022 && printf '%s\n' \
		'# rawopen.conf(5): who may open what with rawopen(1).  Nothing yet.' \
		'# principal      kind    key=value...' \
		'# user:alice     packet  iface=eth0 ethertype=0x88b5' \
		'# group:netlab   packet  iface=veth* ethertype=0x88b5,0x88b6' \
		>$(DESTDIR)$(POLICY); }

uninstall:
	for c in $(CMDS); do rm -f $(DESTDIR)$(BINDIR)/$$c; done
	for m in man/*.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$${m#man/}; done
	for m in man/*.5; do rm -f $(DESTDIR)$(MANDIR)/man5/$${m#man/}; done

clean:
	rm -rf build

# Each of these is a script, so that it can be read and run on its own.
demo: deps all
	sh examples/demo.sh $(B)

bench: deps all
	sh bench/run.sh $(B)

# make fuzz [FUZZ_TIME=seconds per target] [FUZZ=name]: libFuzzer with ASan
# and UBSan, each target from its seed corpus in tests/fuzz/corpus/NAME; new
# inputs go to build/fuzz/corpus/NAME, crashes to build/fuzz/crash-NAME-*.
FUZZ_TIME ?= 30
FUZZ ?= $(FUZZ_SRC:tests/fuzz/%.c=%)
FUZZ_CC ?= clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

build/fuzz/%: tests/fuzz/%.c $(LIB_SRC) lib/*.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(filter-out $(HARDEN_CPPFLAGS),$(ALL_CPPFLAGS)) $(PKG_CFLAGS) -o $@ $< $(LIB_SRC) $(PKG_LIBS)

fuzz: deps
	@command -v $(FUZZ_CC) >/dev/null || { echo "fuzz: $(FUZZ_CC) not found (apt-get install clang)" >&2; exit 1; }
	$(MAKE) $(FUZZ:%=build/fuzz/%)
	for f in $(FUZZ); do \
		mkdir -p build/fuzz/corpus/$$f tests/fuzz/corpus/$$f; \
		build/fuzz/$$f -max_total_time=$(FUZZ_TIME) -timeout=10 \
		    -artifact_prefix=build/fuzz/crash-$$f- \
		    build/fuzz/corpus/$$f tests/fuzz/corpus/$$f || exit 1; \
	done
