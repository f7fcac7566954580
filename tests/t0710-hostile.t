#!/bin/sh
test_description='hostile callers, environments, policies and peers: a clear no, never a crash or a leak'
. "$(dirname "$0")/test-lib.sh"

# The 33 cases of issue 7, and where each is tested.  Every one must end
# with a clear message, an exit status below 128, no fd leaked, nothing
# malformed sent and no privilege kept.
#
# rawopen
#  case 1  argc == 0: t0300 'argc == 0 is refused' (root); below for the
#          capability and setuid copies run by uid 65534.
#  case 2  fds 0, 1, 2 closed: t0300 'closed fds 0 and 2 are /dev/null',
#          'a closed fd 1 is /dev/null'; below, all three at once for the
#          capability copy run by uid 65534.
#  case 3  LD_PRELOAD, GLIBC_TUNABLES: t0400 'LD_PRELOAD is not honoured,
#          GLIBC_TUNABLES harmless'; LISTEN_* with -o: t0410 '-o 7 ...';
#          below: LD_LIBRARY_PATH, and LISTEN_* lies without -o.
#  case 4  RLIMIT_NOFILE at 4, RLIMIT_CORE unlimited: below.
#  case 5  signals ignored or blocked: t0400 'the program inherits signal
#          dispositions' (SIGHUP ignored); below, ignored and blocked sets
#          compared with and without rawopen in between.
#  case 6  already no_new_privs: t0400 'already no_new_privs: it works, or
#          a clear error', 'no capabilities at all: a clear error, no exec'.
#  case 7  no policy, no rule, another's rule: t0310 'no policy file:
#          refused, with the rule needed', 'a rule for someone else does
#          not', 'wrong interface, ethertype, promiscuity: refused'.
#  case 8  interface names: t0300 'bad interface names' (empty, 16 chars,
#          ../x, a b, eth0;x), 'a missing interface exits 111 with its
#          name'; below, the same for a caller the policy grants iface=*.
#  case 9  ethertypes 0x10000, -1, abc: t0300 'bad ethertypes'; low ones:
#          t0310 '"all" and low ethertypes need a rule naming them';
#          below, 0x05ff under a range rule and listed alone.
#  case 10 detach the locked filter: t0410 'the socket sends and receives;
#          nothing else arrives...' (detach EPERM).
#  case 11 a new AF_PACKET socket in the child: t0410, same test (second
#          socket EPERM).
#  case 12 policy writable by others, owned by a user, a symlink, in a
#          writable dir: t0310 'a policy anyone else may write refuses
#          everything', 'an unreadable or symlinked policy refuses
#          everything'; below, group-writable and a sticky 1777 directory.
#  case 13 garbage line: t0310 'a garbage line refuses everything, naming
#          file:line'; below, an unknown key, a 2 MB line, NUL bytes.
#  case 14 caller "root" in a user namespace: below (refused).
#  case 15 200 inherited fds: t0400 '200 inherited fds are all closed'.
#  case 16 250 pairs: t0300 'at most 64 sockets'; below, 64 pairs work.
#  case 17 -o 0, 1, 2, huge: t0300 '-o takes one fd from 3 to 1023';
#          below, -o above RLIMIT_NOFILE.
# fdsend, fdrecv, credcheck
#  case 18 SOCKET a file: t0101 'a path that is a file, a directory or a
#          link is never replaced'; live socket: t0101 'a live socket is
#          never replaced'; below, of another user and in a directory
#          others may write.
#  case 19 253 fds: t0100 '253 fds in one message'; t0101 'far more fds
#          than fdrecv takes' (253 from Python); below, no fd leaked.
#  case 20 MSG_CTRUNC: t0101 'far more fds than fdrecv takes: control
#          data truncated'.
#  case 21 SCM_CREDENTIALS instead of fds: below; beside fds, with
#          SO_PASSCRED set: unit/fdpass.c (the fds are closed).
#  case 22 peer disconnects mid-message: t0101 'the peer closes without
#          sending'; below, a listener that goes away before fdsend sends,
#          a holder's client that goes away, a sender gone before fdrecv
#          reads.
#  case 23 fd table nearly full: t0101 'the EMFILE guard: no room for the
#          fds', 'more fds than fdrecv takes'.
#  case 24 credcheck fd 0 not a socket, TCP: t0200 'fd 0 a regular file',
#          'fd 0 a pipe', 'fd 0 closed', 'fd 0 a connected TCP socket',
#          'fd 0 a TCP socket from socat'.
#  case 25 peer exited (pid reuse): t0200 '-P: a peer that has exited is
#          refused (pid reuse)'.
# ethsend, ethrecv: see t0720-hostile-eth.t for cases 26 to 33.
#
# Always on: fd leaks.  Below, the error paths of fdsend, fdrecv and
# credcheck run under valgrind --track-fds=yes and must end with only
# 0, 1 and 2 open; programs exec'd by rawopen and fdrecv are checked
# through /proc/self/fd.

if test_have_prereq SETPRIV,NETNS,PYTHON,RAWOPEN_BUILD && test_rawopen; then
	test_set_prereq RAWOPEN
	test_netns ns
	test_veth $ns vA $ns vB
fi
# fdsend and fdrecv run as uid 65534 even without rawopen (cases 17, 18).
test_have_prereq SETPRIV && test_tools
command -v valgrind >/dev/null && test_have_prereq NOSANITIZE &&
	test_set_prereq VALGRIND
command -v unshare >/dev/null && test_set_prereq UNSHARE
chmod 0755 "$TRASH"
mkdir -m 1777 w

# policy LINE...: the policy file, root-owned 0644.
policy() {
	printf '%s\n' "$@" >"$POLICY" && chmod 0644 "$POLICY"
}

# nobody CMD...: CMD as uid 65534 in $ns.
nobody() {
	nsrun $ns setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$@"
}

# refused CODE ARGS...: the capability copy, as uid 65534, exits CODE
# with one line on stderr, and the program never ran.
refused() {
	_code=$1; shift
	rm -f w/ran &&
	test_expect_code "$_code" nobody "$RAWOPEN" "$@" -- touch "$TRASH/w/ran" 2>err &&
	test_line_count = 1 err &&
	! test -e w/ran
}

# What the program reports of itself: capability sets, no_new_privs, fds
# (probed with fstat, which opens none), signal sets, limits, LISTEN_*.
cat >report.py <<\EOF
import os, resource
fds = []
for fd in range(1024):
    try:
        os.fstat(fd)
        fds.append(str(fd))
    except OSError:
        pass
with open("/proc/self/status") as f:
    for line in f:
        if line.startswith(("Cap", "NoNewPrivs", "SigBlk", "SigIgn")):
            print(line, end="")
print("fds", " ".join(fds))
for fd in fds[:3]:
    print("fd", fd, os.readlink("/proc/self/fd/" + fd))
print("nofile", resource.getrlimit(resource.RLIMIT_NOFILE))
print("core", resource.getrlimit(resource.RLIMIT_CORE))
print("uid", os.getuid())
for k in ("LISTEN_FDS", "LISTEN_FDNAMES"):
    print(k, os.environ.get(k, "unset"))
print("LISTEN_PID", "mine" if os.environ.get("LISTEN_PID") == str(os.getpid())
      else os.environ.get("LISTEN_PID", "unset"))
EOF
chmod 0644 report.py
REPORT="/usr/bin/python3 $TRASH/report.py"

# The same, for a table too small for Python or a script file: sh -c,
# one grep, one ls that shows its own fds (the socket on 3, its directory
# on 4).  nofile N CMD...: runs CMD with RLIMIT_NOFILE at N.
SH_REPORT='grep "^\(Cap\|NoNewPrivs\)" /proc/$$/status; ls /proc/self/fd; printf "nofile "; ulimit -n'
cat >nofile.sh <<\EOF
ulimit -n "$1" && shift && exec "$@"
EOF
chmod 0644 nofile.sh

# unprivileged OUT FDS: no capability left, no_new_privs, exactly FDS open.
unprivileged() {
	for s in CapInh CapPrm CapEff CapAmb; do
		test_grep -x "$s:	0000000000000000" "$1" || return 1
	done
	test_grep -x "NoNewPrivs:	1" "$1" &&
	test_grep -x "fds $2" "$1"
}

test_have_prereq RAWOPEN &&
	policy "user:nobody packet iface=vA ethertype=0x88b5"

# case 1
test_expect_success RAWOPEN 'case 1: argc == 0 is refused by the privileged copies' '
	cat >noargv.c <<-\EOC &&
	#include <unistd.h>
	int main(int argc, char **argv, char **envp)
	{
		char *none[] = { NULL };
		(void)argc;
		execve(argv[1], none, envp);
		return 99;
	}
	EOC
	${FDCAP_CC:-cc} -o noargv noargv.c && chmod 0755 noargv &&
	for bin in "$RAWOPEN" "$RAWOPEN_SUID"; do
		test_expect_code 100 nobody ./noargv "$bin" 2>err &&
		echo "rawopen: refused: empty argument vector" >expect &&
		test_cmp expect err || return 1
	done
'

# case 2
# glibc opens them for a privileged start (fd 0 on /dev/full, write-only,
# so that reads fail), rawopen for root: the socket never lands on them.
test_expect_success RAWOPEN 'case 2: fds 0, 1 and 2 all closed: opened on /dev/null or /dev/full, the socket on 3' '
	nobody "$RAWOPEN" vA 0x88b5 -- sh -c "exec $REPORT >$TRASH/w/out" <&- >&- 2>&- &&
	unprivileged w/out "0 1 2 3" &&
	test_grep -x "fd 0 /dev/\(null\|full\)" w/out &&
	test_grep -x "fd 2 /dev/\(null\|full\)" w/out &&
	nobody "$RAWOPEN_SUID" vA 0x88b5 -- sh -c "exec $REPORT >$TRASH/w/out" <&- >&- 2>&- &&
	unprivileged w/out "0 1 2 3"
'

# case 3
test_expect_success RAWOPEN 'case 3: LD_LIBRARY_PATH is not honoured by the privileged copies' '
	mkdir -m 0755 lib &&
	cat >fake.c <<-\EOC &&
	#include <fcntl.h>
	#include <unistd.h>
	__attribute__((constructor)) static void
	fake(void)
	{
		int fd = open(MARK, O_WRONLY | O_APPEND | O_CREAT, 0666);
		if (fd >= 0)
			write(fd, "loaded\n", 7);
	}
	EOC
	libbsd=$(ldd "$RAWOPEN" | sed -n "s/^[[:space:]]*\(libbsd[^ ]*\) =>.*/\1/p") &&
	test -n "$libbsd" &&
	# rawopen binds every symbol at start (-z now): the fake defines
	# those it takes from libbsd, so that it loads and its constructor runs.
	nm -D --undefined-only "$RAWOPEN" |
		sed -n "s/^ *U \([A-Za-z_][A-Za-z0-9_]*\)@LIBBSD.*/\1/p" >syms &&
	test -s syms &&
	n=0 &&
	for s in $(cat syms); do
		n=$((n + 1)) &&
		echo "void f$n(void) __asm__(\"$s\"); void f$n(void) { _exit(99); }" ||
		return 1
	done >>fake.c &&
	${FDCAP_CC:-cc} -shared -fPIC -Wl,-soname,$libbsd -DMARK="\"$TRASH/w/mark\"" \
		-o "lib/$libbsd" fake.c &&
	chmod 0755 "lib/$libbsd" &&
	cp "$RAWOPEN" w/rawopen-plain && chmod 0755 w/rawopen-plain &&
	test_must_fail nobody env LD_LIBRARY_PATH=$TRASH/lib w/rawopen-plain \
		vA 0x88b5 -- true 2>/dev/null &&
	test_grep -x loaded w/mark &&
	rm w/mark &&
	for bin in "$RAWOPEN" "$RAWOPEN_SUID"; do
		nobody env LD_LIBRARY_PATH=$TRASH/lib "$bin" vA 0x88b5 -- \
			$REPORT >out &&
		unprivileged out "0 1 2 3" &&
		! test -e w/mark || return 1
	done
'

test_expect_success RAWOPEN 'case 3: LISTEN_* lies of the caller are replaced' '
	nobody env LISTEN_FDS=7 LISTEN_PID=1 LISTEN_FDNAMES=a:b:c:d:e:f:g \
		"$RAWOPEN" vA 0x88b5 -- $REPORT >out &&
	unprivileged out "0 1 2 3" &&
	test_grep -x "LISTEN_FDS 1" out &&
	test_grep -x "LISTEN_FDNAMES vA" out &&
	test_grep -x "LISTEN_PID mine" out
'

# case 4.  With RLIMIT_NOFILE at 4 even the dynamic loader of the program
# finds no fd free, so the program is static: it lists its open fds, "s"
# for a socket.  One socket on fd 3 fits under a limit of 4 fds.
cat >fds.c <<\EOF
#include <stdio.h>
#include <sys/stat.h>
int
main(void)
{
	struct stat st;
	int fd;

	for (fd = 0; fd < 64; fd++)
		if (fstat(fd, &st) == 0)
			printf("%d%s ", fd, S_ISSOCK(st.st_mode) ? "s" : "");
	printf("\n");
	return 0;
}
EOF
${FDCAP_CC:-cc} -static -o fds fds.c 2>/dev/null && chmod 0755 fds &&
	test_set_prereq STATIC

# A packet socket itself (send=any) takes one fd; a relayed one (the
# default) takes three while rawopen forks its relay, one after.
test_expect_success RAWOPEN,STATIC,NOSANITIZE 'case 4: RLIMIT_NOFILE at 4 to 6: the sockets fit, or the limit is named' '
	policy "user:nobody packet iface=vA ethertype=0x88b5 send=any" &&
	nobody sh nofile.sh 4 "$RAWOPEN" vA 0x88b5 -- "$TRASH/fds" >out &&
	echo "0 1 2 3s " >expect && test_cmp expect out &&
	nobody sh nofile.sh 5 "$RAWOPEN" vA 0x88b5 vA 0x88b5 -- "$TRASH/fds" >out &&
	echo "0 1 2 3s 4s " >expect && test_cmp expect out &&
	test_expect_code 111 nobody sh nofile.sh 4 "$RAWOPEN" vA 0x88b5 vA 0x88b5 \
		-- "$TRASH/fds" >out 2>err &&
	test_line_count = 0 out && test_line_count = 1 err &&
	test_grep "^rawopen: .*Too many open files" err &&
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	nobody sh nofile.sh 6 "$RAWOPEN" vA 0x88b5 -- "$TRASH/fds" >out &&
	echo "0 1 2 3s " >expect && test_cmp expect out &&
	test_expect_code 111 nobody sh nofile.sh 5 "$RAWOPEN" vA 0x88b5 \
		-- "$TRASH/fds" >out 2>err &&
	test_line_count = 0 out && test_line_count = 1 err &&
	test_grep "^rawopen: vA: socketpair: Too many open files" err
'

test_expect_success RAWOPEN,NOSANITIZE 'case 4: RLIMIT_NOFILE at 6: no capability, the limit passed on' '
	nobody sh nofile.sh 6 "$RAWOPEN" vA 0x88b5 -- sh -c "$SH_REPORT" >out &&
	for s in CapInh CapPrm CapEff CapAmb; do
		test_grep -x "$s:	0000000000000000" out || return 1
	done &&
	test_grep -x "NoNewPrivs:	1" out &&
	grep -x "[0-9]*" out | tr "\n" " " >got &&
	test "$(cat got)" = "0 1 2 3 4 " &&
	test_grep -x "nofile 6" out
'

test_expect_success RAWOPEN 'case 4: RLIMIT_CORE unlimited: passed on, nothing else changes' '
	nobody sh -c "ulimit -c unlimited && exec \"$RAWOPEN\" vA 0x88b5 -- $REPORT" >out &&
	unprivileged out "0 1 2 3" &&
	test_grep -x "core (-1, -1)" out &&
	nobody sh -c "ulimit -c unlimited && exec \"$RAWOPEN_SUID\" vA 0x88b5 -- $REPORT" >out &&
	unprivileged out "0 1 2 3"
'

# case 5
test_expect_success RAWOPEN 'case 5: ignored and blocked signals reach the program unchanged' '
	cat >sigs.py <<-\EOF &&
	import os, signal, sys
	for s in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE,
	          signal.SIGCHLD, signal.SIGTSTP, signal.SIGTTOU, signal.SIGUSR2):
	    signal.signal(s, signal.SIG_IGN)
	signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGSEGV, signal.SIGBUS,
	    signal.SIGUSR1, signal.SIGALRM, signal.SIGTERM, signal.SIGRTMIN + 3])
	os.execv(sys.argv[1], sys.argv[1:])
	EOF
	nobody /usr/bin/python3 sigs.py /usr/bin/python3 report.py >direct &&
	for bin in "$RAWOPEN" "$RAWOPEN_SUID"; do
		nobody /usr/bin/python3 sigs.py "$bin" vA 0x88b5 -- $REPORT >out &&
		unprivileged out "0 1 2 3" &&
		grep "^Sig" direct >expect && grep "^Sig" out >got &&
		test_cmp expect got || return 1
	done &&
	test_grep -v "SigIgn:	0000000000000000" expect &&
	test_grep -v "SigBlk:	0000000000000000" expect
'

# case 8
test_expect_success RAWOPEN 'case 8: bad interface names under a policy of iface=*' '
	policy "user:nobody packet iface=* ethertype=0x88b5" &&
	for i in "" abcdefghijklmnop ../x "a b" "eth0;x" "vA/x" "*"; do
		refused 100 "$i" 0x88b5 &&
		test_grep -F "rawopen: $i: bad interface name" err || return 1
	done &&
	refused 111 nosuch0 0x88b5 &&
	echo "rawopen: nosuch0: no such interface" >expect && test_cmp expect err
'

# case 9
test_expect_success RAWOPEN 'case 9: 0x05ff only when listed, never from a range' '
	policy "user:nobody packet iface=vA ethertype=0x0000-0xffff" &&
	refused 1 vA 0x05ff &&
	test_grep -F "$POLICY:1: ethertype range" err &&
	test_grep -F "starts below 0x0600" err &&
	policy "user:nobody packet iface=vA ethertype=0x0600-0xffff" &&
	refused 1 vA 0x05ff &&
	test_grep -F "may not open vA 0x05ff" err &&
	refused 1 vA 0 &&
	refused 100 vA 0x10000 &&
	policy "user:nobody packet iface=vA ethertype=0x05ff" &&
	nobody "$RAWOPEN" vA 0x05ff -- true
'

# case 12
test_expect_success RAWOPEN 'case 12: a group-writable policy, a sticky world-writable directory' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	chmod 0664 "$POLICY" &&
	refused 1 vA 0x88b5 && test_grep -F "$POLICY" err &&
	chmod 0646 "$POLICY" &&
	refused 1 vA 0x88b5 && test_grep -F "$POLICY" err &&
	chmod 0644 "$POLICY" && chmod 1777 "$PRIVDIR/etc" &&
	refused 1 vA 0x88b5 && test_grep -F "$PRIVDIR/etc" err &&
	chmod 0755 "$PRIVDIR/etc" && chown 65534 "$PRIVDIR/etc" &&
	refused 1 vA 0x88b5 && test_grep -F "$PRIVDIR/etc" err &&
	chown 0 "$PRIVDIR/etc" &&
	nobody "$RAWOPEN" vA 0x88b5 -- true
'

# case 13
test_expect_success RAWOPEN 'case 13: an unknown key refuses everything, naming file:line' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" \
		"user:nobody packet iface=vB ethertype=0x88b5 colour=red" &&
	refused 1 vA 0x88b5 &&
	test_grep "^rawopen: refused: $POLICY:2: unknown key .colour." err
'

test_expect_success RAWOPEN 'case 13: a 2 MB line, in a rule or a comment, refuses everything' '
	{ printf "user:nobody packet iface=vA ethertype=0x88b5 filter=\"" &&
	  head -c 2000000 /dev/zero | tr "\0" x && echo "\""; } >"$POLICY" &&
	refused 1 vA 0x88b5 &&
	test_grep "^rawopen: refused: $POLICY: larger than" err &&
	{ printf "# " && head -c 2000000 /dev/zero | tr "\0" x && echo &&
	  echo "user:nobody packet iface=vA ethertype=0x88b5"; } >"$POLICY" &&
	refused 1 vA 0x88b5 &&
	test_grep "^rawopen: refused: $POLICY" err
'

test_expect_success RAWOPEN 'case 13: NUL bytes refuse everything, naming the line' '
	printf "user:nobody packet iface=vA\0 ethertype=0x88b5\n" >"$POLICY" &&
	refused 1 vA 0x88b5 &&
	test_grep "^rawopen: refused: $POLICY:1: NUL byte" err &&
	printf "user:nobody packet iface=vA ethertype=0x88b5\n# \0\n" >"$POLICY" &&
	refused 1 vA 0x88b5 &&
	test_grep "^rawopen: refused: $POLICY:2: NUL byte" err &&
	printf "user:nobody packet iface=vA ethertype=0x88b5\n\0" >"$POLICY" &&
	refused 1 vA 0x88b5 &&
	test_grep "^rawopen: refused: $POLICY:2: NUL byte" err
'

# case 14.  Root inside a user namespace is not root outside: rawopen
# treats uid 0 as root only in the initial user namespace, so the policy
# applies, and it cannot even be read as safe there (root's files belong
# to the overflow uid): refused.  File capabilities and setuid root grant
# nothing in such a namespace anyway.
test_expect_success RAWOPEN,UNSHARE 'case 14: root in a user namespace is refused, with the reason' '
	policy "user:root packet iface=vB ethertype=0x88b5" &&
	for bin in "$RAWOPEN" "$RAWOPEN_SUID"; do
		rm -f w/ran &&
		for args in "vA 0x88b5" "-N /proc/1/ns/net vA 0x88b5" "--tcp 80"; do
			test_expect_code 1 nobody unshare --user --map-root-user \
				"$bin" $args -- touch "$TRASH/w/ran" 2>err &&
			test_line_count = 1 err &&
			test_grep "^rawopen: refused: " err &&
			! test -e w/ran || return 1
		done &&
		test_grep "^rawopen: refused: uid 0 of a user namespace is not root, and " err &&
		nobody unshare --user --map-root-user "$bin" -N /proc/1/ns/net \
			vA 0x88b5 -- true 2>err || :
		test_grep "^rawopen: refused: -N: only root" err || return 1
	done
'

test_expect_success RAWOPEN,UNSHARE 'case 14: -x in a user namespace does not claim root' '
	test_expect_code 1 nobody unshare --user --map-root-user --net \
		"$RAWOPEN" -x lo 0x88b5 -- true >out 2>err &&
	! grep "not consulted" out &&
	test_grep "^rawopen: refused: uid 0 of a user namespace is not root" err
'

# case 16
test_expect_success RAWOPEN 'case 16: 64 pairs work, on fds 3 to 66; 65 are refused' '
	args= &&
	for i in $(seq 64); do args="$args vA 0x88b5"; done &&
	nsrun $ns "$RAWOPEN" $args -- $REPORT >out &&
	unprivileged out "$(seq -s " " 0 66)" &&
	test_grep -x "LISTEN_FDS 64" out &&
	test_expect_code 100 nsrun $ns "$RAWOPEN" $args vA 0x88b5 -- true 2>err &&
	test_grep "^rawopen: too many sockets (at most 64)" err
'

# case 17
test_expect_success RAWOPEN 'case 17: -o 1023 works; -o above RLIMIT_NOFILE is a clear error' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	# No pipeline in the shell that lists its fds: its pipe ends would
	# show up while ls runs.
	nobody "$RAWOPEN" -o 1023 vA 0x88b5 -- sh -c \
		"readlink /proc/\$\$/fd/1023; ls /proc/\$\$/fd" >out &&
	test_grep "^socket:" out &&
	sed 1d out | sort -n | tr "\n" " " >fds &&
	test_grep "^0 1 2 1023 $" fds &&
	rm -f w/ran &&
	test_expect_code 111 nobody sh -c "ulimit -n 100 && exec \"$RAWOPEN\" -o 500 vA 0x88b5 -- touch $TRASH/w/ran" 2>err &&
	test_line_count = 1 err && test_grep "^rawopen: " err &&
	! test -e w/ran
'

# fdsend, fdrecv, credcheck.

# bg CMD...: CMD in the background, its pid in $pid, killed at exit.
# bg CMD...: CMD in the background, $pid; killed when the test ends.
bg() {
	test_bg pid "$@"
}

# A holder run as nobody: its pid is the holder's.
bg_nobody() {
	bg setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
}

# peer CODE: a Python peer with s connected to ./s (SOCK_SEQPACKET).
peer() {
	/usr/bin/python3 -c "
import os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect('s')
$1"
}

# case 18
test_expect_success SETPRIV 'case 18: a live socket of another user is neither replaced nor trusted' '
	bg_nobody fdsend -l "$TRASH/w/h" 1 &&
	wait_for test -S w/h &&
	test_expect_code 111 fdrecv ./w/h -- true 2>err &&
	echo "fdrecv: listen ./w/h: a socket in use (somebody listens on it)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 fdrecv -c -u root ./w/h -- touch ran 2>err &&
	test_grep "^fdrecv: holder pid=[0-9]* uid=65534 gid=65534 refused: uid not allowed$" err &&
	! test -e ran && test -S w/h
'

test_expect_success SETPRIV 'case 18: in a sticky directory others may write, nobody takes our path' '
	bg fdrecv ./w/s -- true &&
	wait_for test -S w/s &&
	test_expect_code 111 as_nobody fdrecv "$TRASH/w/s" -- true 2>err &&
	test_line_count = 1 err &&
	test_grep "^fdrecv: listen $TRASH/w/s: \(a socket in use\|Permission denied\)" err &&
	test_must_fail as_nobody rm -f "$TRASH/w/s" 2>/dev/null &&
	fdsend -u root ./w/s 1 && wait $pid &&
	! test -e w/s &&
	/usr/bin/python3 -c "import socket; socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET).bind(\"w/stale\")" &&
	test_expect_code 111 as_nobody fdrecv "$TRASH/w/stale" -- true 2>err &&
	test_line_count = 1 err &&
	test_grep "^fdrecv: listen $TRASH/w/stale: \(Permission denied\|Operation not permitted\)$" err &&
	test -S w/stale
'

test_expect_success SETPRIV 'case 18: in a directory anyone may write, -u refuses an impostor' '
	mkdir -m 0777 open &&
	bg_nobody fdrecv "$TRASH/open/s" -- touch "$TRASH/w/ran" &&
	wait_for test -S open/s &&
	test_expect_code 1 fdsend -u root ./open/s 1 2>err &&
	test_grep "^fdsend: peer pid=[0-9]* uid=65534 gid=65534 refused: uid not allowed$" err &&
	rc=0 && wait $pid || rc=$? && test $rc = 1 &&
	! test -e w/ran
'

# case 19: nothing more than the 253 fds reaches the program.
test_expect_success PYTHON 'case 19: 253 fds from Python: the program holds exactly them' '
	bg fdrecv ./s -- sh -c "(ls /proc/\$\$/fd) >fdlist; echo \$LISTEN_FDS" >out &&
	wait_for test -S s &&
	peer "socket.send_fds(s, [b\":\".join(b\"n%d\" % i for i in range(253))], [1] * 253)" &&
	wait $pid &&
	awk "\$1 <= 255" fdlist | wc -l >count &&
	printf "%s\n" 256 253 >expect && cat count out >got && test_cmp expect got
'

# case 21
test_expect_success PYTHON 'case 21: SCM_CREDENTIALS instead of fds' '
	bg fdrecv ./s -- touch ran 2>err &&
	wait_for test -S s &&
	peer "
cred = struct.pack(\"iII\", os.getpid(), os.getuid(), os.getgid())
s.sendmsg([b\"a\"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, cred)])" &&
	rc=0 && wait $pid || rc=$? && test $rc = 111 &&
	test_line_count = 1 err &&
	test_grep "^fdrecv: ./s: " err &&
	! test -e ran
'

# fdrecv never sets SO_PASSCRED, so the kernel does not deliver the
# credentials a peer sends: the message is an ordinary one, and its fds
# reach the program.  Where they are delivered (SO_PASSCRED set),
# fdpass_recv refuses the message and closes its fds: unit/fdpass.c,
# "SCM_CREDENTIALS beside them: EPROTO", "the fds are closed".
test_expect_success PYTHON 'case 21: SCM_CREDENTIALS beside fds: never delivered, the fds reach the program' '
	bg fdrecv ./s -- sh -c "echo \$LISTEN_FDS \$LISTEN_FDNAMES; echo to-a >&3; echo to-b >&4" \
		>out 2>err &&
	wait_for test -S s &&
	peer "
cred = struct.pack(\"iII\", os.getpid(), os.getuid(), os.getgid())
a = os.open(\"a\", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
b = os.open(\"b\", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
s.sendmsg([b\"a:b\"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, cred),
    (socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack(\"ii\", a, b))])" &&
	wait $pid &&
	echo "2 a:b" >expect && test_cmp expect out &&
	test_line_count = 0 err &&
	echo to-a >expect && test_cmp expect a &&
	echo to-b >expect && test_cmp expect b
'

# case 22
# Whether fdsend sends before or after the close is a race: it either
# succeeds (the message was queued) or fails with one line, never SIGPIPE.
test_expect_success PYTHON 'case 22: the receiver goes away before fdsend sends: no SIGPIPE' '
	test_bg pypid /usr/bin/python3 -c "
import socket, sys
l = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
l.bind(\"s\"); l.listen(1)
print(\"ready\", flush=True)
for i in range(20):
    c, _ = l.accept()
    c.close()
" >ready &&
	wait_for grep -q ready ready &&
	for i in $(seq 20); do
		rc=0 && fdsend ./s 1 2 2>err || rc=$? &&
		case $rc in
		0) test_line_count = 0 err ;;
		111) test_line_count = 1 err && test_grep "^fdsend: " err ;;
		*) echo "fdsend exited $rc" >&2; false ;;
		esac || return 1
	done &&
	wait $pypid
'

test_expect_success PYTHON 'case 22: a holder outlives clients that go away at once' '
	bg fdsend -l ./h 1 2>err &&
	wait_for test -S h &&
	/usr/bin/python3 -c "
import socket
for i in range(20):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    c.connect(\"h\")
    c.close()
" &&
	fdrecv -c ./h -- sh -c "echo \$LISTEN_FDS" >out &&
	echo 1 >expect && test_cmp expect out &&
	kill -0 $pid
'

test_expect_success PYTHON 'case 22: a sender gone before fdrecv reads: the message still arrives' '
	bg fdrecv ./s -- sh -c "echo \$LISTEN_FDNAMES" >out &&
	wait_for test -S s &&
	peer "socket.send_fds(s, [b\"x\"], [1]); os._exit(0)" &&
	wait $pid &&
	echo x >expect && test_cmp expect out
'

# Always on: the error paths close what they opened.  valgrind lists the
# fds open at exit, beyond 0, 1 and 2: each must be one the tool inherited
# (the shell's, valgrind's log), none one it opened.
vg() {
	valgrind -q --track-fds=yes --log-file=vg.log "$@"
}
no_leak() {
	test_grep -q "FILE DESCRIPTORS: " vg.log &&
	test "$(grep -c "Open file descriptor" vg.log)" = \
	    "$(grep -c "<inherited from parent>" vg.log)" || {
		cat vg.log >&2; return 1; }
}

test_expect_success VALGRIND 'fd leaks: fdsend error paths under valgrind' '
	test_expect_code 111 vg fdsend ./nosock 1 2>err && no_leak &&
	test_expect_code 111 vg fdsend ./s 1 7 2>err && no_leak &&
	echo x >file &&
	test_expect_code 111 vg fdsend -l ./file 1 2>err && no_leak &&
	bg fdsend -l ./h 1 &&
	wait_for test -S h &&
	test_expect_code 111 vg fdsend -l ./h 1 2>err && no_leak &&
	bg_nobody fdrecv "$TRASH/w/r" -- true &&
	wait_for test -S w/r &&
	test_expect_code 1 vg fdsend -u root ./w/r 1 2>err && no_leak
'

test_expect_success VALGRIND,PYTHON 'fd leaks: fdrecv error paths under valgrind' '
	test_expect_code 111 vg fdrecv -c ./nosock -- true 2>err && no_leak &&
	test_expect_code 111 vg fdrecv ./file -- true 2>err && no_leak &&
	# A peer that closes without a word is logged and waited past: the
	# bad message after it ends fdrecv.
	for code in "s.close(); s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.connect(\"s\"); s.send(b\"a\")" "s.send(b\"a\")" \
	    "socket.send_fds(s, [b\"a\"], [0, 1])" \
	    "socket.send_fds(s, [b\"a\"], [1] * 253)"; do
		bg vg fdrecv ./s -- true 2>err &&
		wait_for test -S s &&
		peer "$code" &&
		rc=0 && wait $pid || rc=$? &&
		test $rc = 111 && no_leak || return 1
	done &&
	bg fdsend -l ./h2 1 &&
	wait_for test -S h2 &&
	test_expect_code 1 vg fdrecv -c -u nobody ./h2 -- true 2>err && no_leak
'

test_expect_success VALGRIND,PYTHON 'fd leaks: credcheck error paths under valgrind' '
	echo x >file &&
	test_expect_code 111 vg credcheck <file 2>err && no_leak &&
	test_expect_code 111 vg credcheck -s 42 2>err && no_leak &&
	/usr/bin/python3 -c "
import socket, subprocess, sys
a, b = socket.socketpair()
sys.exit(subprocess.run(sys.argv[1:], stdin=a).returncode)
" valgrind -q --track-fds=yes --log-file=vg.log credcheck -u 12345 -- true 2>err ||
	test $? = 1 && no_leak
'

test_done
