# test-lib.sh: the shell side of fdcap's tests, in the style of git's.
#
# A test script sets test_description, sources this file, then runs
#
#	test_expect_success [PREREQ,...] 'what it shows' '
#		cmd && cmd
#	'
#
# and ends with test_done.  Output is TAP, for prove(1).  Each script runs in
# its own scratch directory ($TRASH), removed at exit with everything
# registered by test_at_exit (network namespaces, background processes).
# The tools under test are first on PATH.  Set TEST_VERBOSE=1 to see the
# output of passing tests too; failing ones always show theirs.

set -u

TEST_SRC=$(cd "$(dirname "$0")/.." && pwd)
FDCAP_SRC=${FDCAP_SRC:-$TEST_SRC}
FDCAP_BUILD=${FDCAP_BUILD:-$FDCAP_SRC/build}
PATH=$FDCAP_BUILD:$PATH
export PATH FDCAP_SRC FDCAP_BUILD
unset LISTEN_FDS LISTEN_PID LISTEN_FDNAMES IPCREMOTEEUID IPCREMOTEEGID \
	IPCREMOTEPID 2>/dev/null

test_name=$(basename "$0" .t)
test_count=0
test_failures=0
test_cleanups=
# A unique short tag for names that share a global namespace (netns,
# interfaces: at most 15 characters), so that scripts may run in parallel.
test_tag=$(printf '%x' $$ | tail -c 5)

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/fdcap-$test_name.XXXXXX") || exit 1
cd "$TRASH" || exit 1

# Run at exit, last registered first.
test_at_exit() {
	test_cleanups="$1
$test_cleanups"
}

test_run_cleanups() {
	trap - EXIT INT TERM HUP
	set +e
	printf '%s\n' "$test_cleanups" | while IFS= read -r c; do
		[ -n "$c" ] && eval "$c" >/dev/null 2>&1
	done
	# Killing its sleep ends the watchdog quietly (the && chain stops).
	[ -n "${test_watchdog:-}" ] && pkill -P "$test_watchdog" sleep 2>/dev/null
	cd / && rm -rf "$TRASH"
}
trap 'test_run_cleanups' EXIT
trap 'exit 130' INT TERM HUP

# A watchdog: a script that hangs past $TEST_TIMEOUT seconds has every
# process under it killed, says so, and fails, instead of hanging the whole
# run.  Individual waits are bounded by wait_for's own timeout.  Its stdout
# is not prove's pipe, or prove would wait for it; its shell's own notices
# (a killed sleep) go to /dev/null.
test_timeout=${TEST_TIMEOUT:-300}
sh -c '
	exec 3>&2 2>/dev/null
	sleep "$1" || exit 0
	echo "# $2: timed out after $1 s" >&3
	kill_tree() {
		for c in $(pgrep -P "$1"); do kill_tree "$c"; done
		kill -TERM "$1"
	}
	for c in $(pgrep -P "$3"); do [ "$c" = "$$" ] || kill_tree "$c"; done
	kill -TERM "$3"
' fdcap-watchdog "$test_timeout" "$test_name" $$ >/dev/null &
test_watchdog=$!

say() { printf '%s\n' "$*"; }
diag() { printf '# %s\n' "$*" >&2; }

# Prerequisites: test_have_prereq NAME[,NAME...]
test_prereqs=" "
test_set_prereq() { test_prereqs="$test_prereqs$1 "; }
test_have_prereq() {
	_ifs=$IFS; IFS=,
	for _p in $1; do
		case "$test_prereqs" in *" $_p "*) ;; *) IFS=$_ifs; test_missing=$_p; return 1 ;; esac
	done
	IFS=$_ifs
	return 0
}
[ "$(id -u)" = 0 ] && test_set_prereq ROOT
[ "$(id -u)" = 0 ] && command -v ip >/dev/null && test_set_prereq NETNS
command -v setpriv >/dev/null && command -v setcap >/dev/null && [ "$(id -u)" = 0 ] &&
	test_set_prereq SETPRIV
[ -x /usr/bin/python3 ] && test_set_prereq PYTHON
/usr/bin/python3 -c 'import scapy' 2>/dev/null && test_set_prereq SCAPY
command -v tcpdump >/dev/null && test_set_prereq TCPDUMP
command -v tshark >/dev/null && test_set_prereq TSHARK
command -v s6-ipcserver >/dev/null && test_set_prereq S6
command -v socat >/dev/null && test_set_prereq SOCAT
# Built with ASan and UBSan (make check SANITIZE=1): their runtime needs
# fds of its own, must come first among preloaded libraries, and cannot
# run under valgrind; the few tests that depend on none of that say so.
[ "${FDCAP_SANITIZE:-}" = 1 ] || test_set_prereq NOSANITIZE

test_ok() {
	test_count=$((test_count + 1))
	say "ok $test_count - $1"
}

test_not_ok() {
	test_count=$((test_count + 1))
	test_failures=$((test_failures + 1))
	say "not ok $test_count - $1"
}

# test_expect_success [PREREQ] DESCRIPTION BODY
test_expect_success() {
	if [ $# = 3 ]; then
		if ! test_have_prereq "$1"; then
			test_count=$((test_count + 1))
			say "ok $test_count # skip $2 (missing $test_missing)"
			return 0
		fi
		shift
	fi
	_desc=$1 _body=$2
	_log="$TRASH/.test-$((test_count + 1)).log"
	( test_in_body=1 test_body_pids=
	  trap 'test_kill $test_body_pids' EXIT
	  set -e; eval "$_body" ) >"$_log" 2>&1 </dev/null
	_rc=$?
	if [ $_rc = 0 ]; then
		test_ok "$_desc"
		[ -n "${TEST_VERBOSE:-}" ] && sed 's/^/#   /' "$_log" >&2
	else
		test_not_ok "$_desc"
		diag "  failed with status $_rc:"
		printf '%s\n' "$_body" | sed 's/^/#  | /' >&2
		sed 's/^/#   /' "$_log" >&2
		# What the tools said, by the names the tests give it.
		for _f in err rerr serr; do
			[ -s "$TRASH/$_f" ] || continue
			diag "  $_f:"
			tail -n 20 "$TRASH/$_f" | sed 's/^/#   | /' >&2
		done
	fi
	return 0
}

test_done() {
	say "1..$test_count"
	[ $test_failures = 0 ]
	exit $?
}

# The command must fail, but not by a signal (a crash is never a pass).
# Test bodies run under set -e: the command is run inside an && || list,
# so that its failure is looked at here, not taken as the test's.
test_must_fail() {
	"$@" && _rc=0 || _rc=$?
	if [ $_rc = 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	elif [ $_rc -gt 128 ] && [ $_rc -ne 255 ]; then
		echo "test_must_fail: '$*' died of signal $((_rc - 128))" >&2
		return 1
	fi
	return 0
}

# test_expect_code CODE CMD...
test_expect_code() {
	_want=$1; shift
	"$@" && _rc=0 || _rc=$?
	[ $_rc = "$_want" ] && return 0
	echo "test_expect_code: '$*' exited $_rc, want $_want" >&2
	return 1
}

test_cmp() { diff -u "$1" "$2"; }

# test_grep PATTERN FILE: grep that says what it looked for when it fails.
test_grep() {
	grep "$@" && return 0
	eval "_f=\${$#}"
	echo "test_grep: no match for '$1' in $_f:" >&2
	sed 's/^/    /' "$_f" >&2 2>/dev/null
	return 1
}

# test_line_count OP N FILE
test_line_count() {
	_lines=$(wc -l <"$3")
	[ "$_lines" "$1" "$2" ] && return 0
	echo "test_line_count: $3 has $_lines lines, want $1 $2" >&2
	return 1
}

# wait_for [-t SECONDS] CMD...: poll until CMD succeeds, at most SECONDS
# (default 10).  The only sleep the tests use, and it waits for a condition.
wait_for() {
	_t=10
	if [ "$1" = -t ]; then _t=$2; shift 2; fi
	_n=$((_t * 20))
	while [ $_n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
		_n=$((_n - 1))
	done
	echo "wait_for: '$*' still false after ${_t}s" >&2
	return 1
}

# test_bg NAME CMD...: start CMD in the background, its pid in $NAME
# (when CMD is a shell function, as nsrun, the pid is a subshell's: a
# test that signals the tool starts it with `ip netns exec`, which execs);
# it is killed (with all under it) if still running when the test that
# started it ends, or, outside a test, when the script exits.  A test body
# runs in a subshell, so what it registers with test_at_exit would be lost.
test_bg() {
	_var=$1; shift
	"$@" &
	eval "$_var=\$!"
	if [ -n "${test_in_body:-}" ]; then
		test_body_pids="$test_body_pids $!"
	else
		test_at_exit "test_kill $!"
	fi
}

# test_kill_at_end PID...: processes started some other way than test_bg,
# killed as test_bg's are.
test_kill_at_end() {
	if [ -n "${test_in_body:-}" ]; then
		test_body_pids="$test_body_pids $*"
	else
		test_at_exit "test_kill $*"
	fi
}

# test_kill PID...: TERM to each and to every process under it (a shell
# function's pipeline, ip netns exec's child), all found before any is
# killed, so that none is reparented out of reach; then reaped.  Runs
# from a body's EXIT trap, under set -e: nothing here may fail.
test_kill() {
	_tree=
	for _p; do test_kill_tree "$_p"; done
	[ -z "$_tree" ] || kill -TERM $_tree 2>/dev/null || :
	for _p; do wait "$_p" 2>/dev/null || :; done
}

# test_kill_tree PID: PID and its descendants, added to $_tree.
test_kill_tree() {
	_tree="$_tree $1"
	for _c in $(pgrep -P "$1" 2>/dev/null); do test_kill_tree "$_c"; done
}

# Network namespaces and veth pairs, always created here and removed at
# exit; names carry $test_tag so that parallel scripts never collide.
# test_netns NAME...: creates namespace fdc$test_tag$NAME for each NAME and
# sets the variable NAME to its full name.
test_netns() {
	for _n; do
		_full="fdc$test_tag$_n"
		ip netns add "$_full" || return 1
		test_at_exit "ip netns del $_full"
		ip -n "$_full" link set lo up || return 1
		eval "$_n=\$_full"
	done
}

# test_veth NS1 IF1 NS2 IF2: a veth pair between two namespaces, both up.
# Interface names are used as given (choose them short and distinct).
test_veth() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up || return 1
	# Keep IPv6 autoconfiguration quiet, so captures hold only our frames.
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	ip netns exec "$3" sysctl -qw "net.ipv6.conf.$4.disable_ipv6=1"
	return 0
}

# nsrun NS CMD...
nsrun() { _ns=$1; shift; ip netns exec "$_ns" "$@"; }

# ringed NS: a process in NS has mapped a packet ring.  A handed-over
# socket is bound before ethrecv runs, and what arrives before its ring is
# set up is not read from the ring: wait for the ring, not the bind.
ringed() {
	for _p in $(ip netns pids "$1"); do
		grep -q "socket:\[" /proc/$_p/maps 2>/dev/null && return 0
	done
	return 1
}

# A directory for privileged binaries and policy files: on a filesystem that
# honours setuid and file capabilities, reached only through root-owned
# directories nobody else may write, and traversable by uid 65534.
test_privdir() {
	test_shared_dir PRIVDIR
}

# test_shared_dir VAR: a fresh 0755 directory in VAR, as test_privdir's,
# removed at exit.  Call it outside a test body.
test_shared_dir() {
	for _base in /var/lib /run /opt; do
		[ -d "$_base" ] || continue
		findmnt -no OPTIONS --target "$_base" 2>/dev/null | grep -q nosuid && continue
		_d=$(mktemp -d "$_base/fdcap-test.XXXXXX") || continue
		test_at_exit "rm -rf $_d"
		chmod 0755 "$_d" || return 1
		eval "$1=\$_d"
		return 0
	done
	echo "test_shared_dir: no suitable directory" >&2
	return 1
}

# test_tools: the tools, copied from $FDCAP_BUILD into $TOOLS, a 0755
# directory that uid 65534 can reach, which goes first on PATH.  Call it,
# outside a test body, in a script where uid 65534 runs a tool: the build
# directory may lie where uid 65534 cannot go (a checkout in root's home,
# or under mktemp -d), and a tool that rawopen, fdrecv or a shell runs
# after dropping to uid 65534 would fail there with EACCES.  (A program
# that setpriv itself runs is reached even so, as setpriv keeps its
# capabilities up to the exec; the tests do not count on that.)  The
# copies are the build's, byte for byte, and the plain rawopen is one of
# them, with no capability.  test_rawopen calls it.  To check a change
# here, run the suite from a clone no other uid can enter:
#
#	git clone . /root/x0700 && chmod 0700 /root/x0700 &&
#	cd /root/x0700 && make check    # or make check T="tests/t04*.t"
test_tools() {
	[ -n "${TOOLS:-}" ] && return 0
	test_shared_dir TOOLS || return 1
	for _c in "$FDCAP_SRC"/cmd/*.c; do
		_c=${_c##*/} && _c=${_c%.c}
		cp "$FDCAP_BUILD/$_c" "$TOOLS/$_c" && chmod 0755 "$TOOLS/$_c" ||
			return 1
	done
	PATH=$TOOLS:$PATH
	export PATH
}

# as_nobody CMD...: run CMD as uid/gid 65534 with no groups and no
# inheritable capabilities.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
}

# test_rawopen: builds, in a fresh test_privdir, a rawopen that reads its
# policy from $POLICY ($PRIVDIR/etc/rawopen.conf, not created), installed
# twice: $RAWOPEN with cap_net_raw,cap_net_bind_service,cap_net_admin=p, and
# $RAWOPEN_SUID setuid root; and calls test_tools, as what rawopen runs
# after its drop to uid 65534 must be reachable.  Needs the FDCAP_*
# variables of make check.
[ -n "${FDCAP_CFLAGS:-}" ] && [ -n "${FDCAP_LIBS:-}" ] && test_set_prereq RAWOPEN_BUILD
test_rawopen() {
	test_privdir || return 1
	mkdir -m 0755 "$PRIVDIR/etc" "$PRIVDIR/bin" || return 1
	POLICY=$PRIVDIR/etc/rawopen.conf
	RAWOPEN=$PRIVDIR/bin/rawopen
	RAWOPEN_SUID=$PRIVDIR/bin/rawopen-suid
	(cd "$FDCAP_SRC" && eval "\"\$FDCAP_CC\" $FDCAP_CFLAGS -URAWOPEN_POLICY \
		-DRAWOPEN_POLICY='\"$POLICY\"' -o \"\$RAWOPEN\" cmd/rawopen.c \
		cmd/rawopen/*.c $FDCAP_LIBS") || return 1
	cp "$RAWOPEN" "$RAWOPEN_SUID" && chmod 4755 "$RAWOPEN_SUID" &&
		setcap cap_net_raw,cap_net_bind_service,cap_net_admin=p "$RAWOPEN" &&
		test_tools
}

# pcap_hex FILE: the frames of a pcap file (either byte order, us or ns),
# one line of lowercase hex each, as ethsend -f hex reads them.
pcap_hex() {
	/usr/bin/python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
e = "<" if struct.unpack("<I", d[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
o = 24
while o + 16 <= len(d):
    cl = struct.unpack(e + "I", d[o + 8:o + 12])[0]
    print(d[o + 16:o + 16 + cl].hex())
    o += 16 + cl
' "$1"
}

# test_expect_failure [PREREQ] DESCRIPTION BODY: a known breakage, reported
# to TAP as a TODO (prove does not count it as a failure, and says so when
# it starts passing).  Fix the code, then turn it into test_expect_success.
test_expect_failure() {
	if [ $# = 3 ]; then
		if ! test_have_prereq "$1"; then
			test_count=$((test_count + 1))
			say "ok $test_count # skip $2 (missing $test_missing)"
			return 0
		fi
		shift
	fi
	_log="$TRASH/.test-$((test_count + 1)).log"
	( test_in_body=1 test_body_pids=
	  trap 'test_kill $test_body_pids' EXIT
	  set -e; eval "$2" ) >"$_log" 2>&1 </dev/null
	_rc=$?
	test_count=$((test_count + 1))
	if [ $_rc = 0 ]; then
		say "ok $test_count - $1 # TODO known breakage vanished"
	else
		say "not ok $test_count - $1 # TODO known breakage"
		sed 's/^/#   /' "$_log" >&2
	fi
	return 0
}

# test_syslog CMD...: runs CMD (its status is test_syslog's) where
# /dev/log is a datagram socket of this script's own, and appends what
# reaches it to $TRASH/syslog, one line per datagram as sent ("<PRI>TIME
# IDENT[PID]: MESSAGE", a newline within written as \n), before it returns.
# CMD runs in a private mount namespace, over a tmpfs on /dev in which
# every entry of the real /dev but log is bound (devices, pts, shm) or
# copied (symbolic links): the host's /dev and /dev/log are not touched,
# and /dev/log need not exist.  The listener (/usr/bin/python3) starts on
# the first call and is killed as test_bg's are; its socket takes
# datagrams from any uid.  CMD is a program, not a shell function, but
# for as_nobody: "test_syslog as_nobody "$RAWOPEN" ..." works.  Needs
# root, unshare(1) and python3: SYSLOG.
[ "$(id -u)" = 0 ] && command -v unshare >/dev/null && [ -x /usr/bin/python3 ] &&
	test_set_prereq SYSLOG
test_syslog() {
	test_syslog_listen || return 1
	if [ "$1" = as_nobody ]; then
		shift
		set -- setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=-all "$@"
	fi
	unshare -m --propagation private /bin/sh -c '
		t=$1; shift
		mkdir -p "$t/dev.real" && mount --rbind /dev "$t/dev.real" &&
			mount -t tmpfs -o mode=0755 fdcap-test-dev /dev || exit 125
		for e in "$t"/dev.real/* "$t"/dev.real/.[!.]*; do
			n=${e##*/}
			if [ "$n" = log ] || { [ ! -e "$e" ] && [ ! -L "$e" ]; }; then
				continue
			elif [ -L "$e" ]; then
				cp -P "$e" "/dev/$n"
			elif [ -d "$e" ]; then
				mkdir "/dev/$n" && mount --rbind "$e" "/dev/$n"
			else
				touch "/dev/$n" && mount --bind "$e" "/dev/$n"
			fi || { echo "test_syslog: cannot bind /dev/$n" >&2; exit 125; }
		done
		touch /dev/log && mount --bind "$t/syslog.sock" /dev/log || exit 125
		exec "$@"
	' test_syslog "$TRASH" "$@" && _rc=0 || _rc=$?
	# Datagrams arrive in order: once a mark sent now is seen, every
	# line CMD logged is in $TRASH/syslog.
	rm -f "$TRASH/syslog.sync"
	(cd "$TRASH" && /usr/bin/python3 -c '
import socket
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(
    b"fdcap-test-syslog-sync", "syslog.sock")') &&
		wait_for test -e "$TRASH/syslog.sync" || return 1
	return $_rc
}

# The listener of test_syslog, started when none of this shell's runs.
# The socket's path is relative: $TRASH's may be longer than sun_path.
test_syslog_listen() {
	[ -n "${test_syslog_pid:-}" ] && kill -0 "$test_syslog_pid" 2>/dev/null &&
		return 0
	rm -f "$TRASH/syslog.sock"
	: >>"$TRASH/syslog"
	cat >"$TRASH/syslog.py" <<'EOP' || return 1
import os, socket, sys
os.chdir(sys.argv[1])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
os.umask(0)		# any uid may send, from the moment it exists
s.bind("syslog.sock")
out = open("syslog", "ab", buffering=0)
while True:
    d = s.recv(65536)
    if d == b"fdcap-test-syslog-sync":
        open("syslog.sync", "w").close()
        continue
    out.write(d.rstrip(b"\0\n").replace(b"\n", b"\\n") + b"\n")
EOP
	test_bg test_syslog_pid /usr/bin/python3 "$TRASH/syslog.py" "$TRASH"
	wait_for test -S "$TRASH/syslog.sock"
}
