#!/bin/sh
test_description='rawopen: the program runs with no privilege left, verified'
. "$(dirname "$0")/test-lib.sh"

if test_have_prereq SETPRIV,NETNS,RAWOPEN_BUILD && test_rawopen; then
	test_set_prereq RAWOPEN
	test_netns ns1 ns2
	test_veth $ns1 vA $ns2 vB
	printf '%s\n' "user:nobody packet iface=vA ethertype=0x88b5" >"$POLICY"
	chmod 0644 "$POLICY"
fi
chmod 0755 "$TRASH"

# What the program reports of itself: its capability sets, no_new_privs,
# its open fds (probed with fstat, which opens none), its ids.
cat >report.py <<\EOF
import os
fds = []
for fd in range(1024):
    try:
        os.fstat(fd)
        fds.append(str(fd))
    except OSError:
        pass
with open("/proc/self/status") as f:
    for line in f:
        if line.startswith(("Cap", "NoNewPrivs")):
            print(line, end="")
print("fds", " ".join(fds))
print("uid", os.getuid(), "groups", " ".join(str(g) for g in sorted(os.getgroups())))
EOF
chmod 0644 report.py
REPORT="/usr/bin/python3 $TRASH/report.py"

# as65534 RAWOPEN ARGS...: run as uid 65534 in $ns1.
as65534() {
	nsrun $ns1 setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$@"
}

# unprivileged OUT: the report shows nothing left, and fd 3 only.
unprivileged() {
	for s in CapInh CapPrm CapEff CapAmb; do
		test_grep -x "$s:	0000000000000000" "$1" || return 1
	done
	test_grep -x "NoNewPrivs:	1" "$1" &&
	test_grep -x "fds 0 1 2 3" "$1"
}

for copy in caps suid; do
	test_expect_success RAWOPEN "$copy copy, as uid 65534: no capability left, fd 3 only" '
		bin=$RAWOPEN && { [ $copy = caps ] || bin=$RAWOPEN_SUID; } &&
		as65534 "$bin" vA 0x88b5 -- $REPORT >out &&
		unprivileged out &&
		test_grep -x "uid 65534 groups " out
	'
done

test_expect_success RAWOPEN 'setuid copy: the bounding set is dropped too' '
	as65534 "$RAWOPEN_SUID" vA 0x88b5 -- $REPORT >out &&
	test_grep -x "CapBnd:	0000000000000000" out
'

test_expect_success RAWOPEN,PYTHON '200 inherited fds are all closed' '
	as65534 /usr/bin/python3 -c "if 1:
		import os, sys
		for i in range(200):
			os.set_inheritable(os.open(\"/dev/null\", os.O_RDONLY), True)
		os.execv(sys.argv[1], sys.argv[1:])" \
		"$RAWOPEN" vA 0x88b5 -- $REPORT >out &&
	unprivileged out
'

# Kernels differ: some grant file capabilities under no_new_privs, some do
# not.  Either rawopen says why it cannot, or it works and drops as always.
test_expect_success RAWOPEN 'already no_new_privs: it works, or a clear error' '
	rc=0 &&
	nsrun $ns1 setpriv --reuid=65534 --regid=65534 --clear-groups --nnp \
		"$RAWOPEN" vA 0x88b5 -- $REPORT >out 2>err || rc=$? &&
	if [ $rc = 0 ]; then
		unprivileged out
	else
		test $rc = 111 && test_line_count = 0 out &&
		test_grep "^rawopen: vA: no cap_net_raw: no_new_privs is set" err
	fi
'

test_expect_success RAWOPEN 'no capabilities at all: a clear error, no exec' '
	cp "$RAWOPEN" "$PRIVDIR/bin/rawopen-plain" &&
	test_expect_code 111 as65534 "$PRIVDIR/bin/rawopen-plain" vA 0x88b5 \
		-- touch "$TRASH/ran" 2>err &&
	! test -e ran &&
	test_grep "^rawopen: vA: no cap_net_raw: rawopen is not installed with it" err &&
	test_expect_code 111 nsrun $ns1 setpriv --reuid=65534 --regid=65534 \
		--clear-groups --nnp "$PRIVDIR/bin/rawopen-plain" vA 0x88b5 \
		-- true 2>err &&
	test_line_count = 1 err &&
	test_grep "^rawopen: vA: no cap_net_raw: no_new_privs is set" err
'

test_expect_success RAWOPEN,NOSANITIZE 'LD_PRELOAD is not honoured, GLIBC_TUNABLES harmless' '
	mkdir -m 1777 mark &&
	cat >pre.c <<-\EOC &&
	#include <fcntl.h>
	#include <unistd.h>
	__attribute__((constructor)) static void
	pre(void)
	{
		char comm[32];
		int in, out;
		ssize_t n;

		in = open("/proc/self/comm", O_RDONLY);
		out = open(MARK, O_WRONLY | O_APPEND | O_CREAT, 0666);
		if (in >= 0 && out >= 0 && (n = read(in, comm, sizeof(comm))) > 0)
			write(out, comm, (size_t)n);
	}
	EOC
	${FDCAP_CC:-cc} -shared -fPIC -DMARK="\"$TRASH/mark/log\"" -o mark/pre.so pre.c &&
	chmod 0755 mark/pre.so &&
	test_expect_code 111 as65534 env LD_PRELOAD=$TRASH/mark/pre.so \
		"$PRIVDIR/bin/rawopen-plain" vA 0x88b5 -- true 2>/dev/null &&
	test_grep -x rawopen-plain mark/log &&
	rm mark/log &&
	as65534 env LD_PRELOAD=$TRASH/mark/pre.so \
		GLIBC_TUNABLES=glibc.malloc.check=3:glibc.malloc.mmap_threshold=1 \
		"$RAWOPEN" vA 0x88b5 -- $REPORT >out &&
	unprivileged out &&
	! grep -x rawopen mark/log
'

test_expect_success RAWOPEN 'root, no -u, no SUDO_UID: uid 0 with no capability, no bounding set' '
	nsrun $ns1 env -u SUDO_UID -u SUDO_GID "$RAWOPEN" vA 0x88b5 -- \
		$REPORT >out &&
	unprivileged out &&
	test_grep -x "CapBnd:	0000000000000000" out &&
	test_grep "^uid 0 " out
'

test_expect_success RAWOPEN 'root with -u nobody becomes nobody with its groups' '
	nsrun $ns1 "$RAWOPEN" -u nobody vA 0x88b5 -- $REPORT >out &&
	unprivileged out &&
	test_grep -x "uid 65534 groups $(id -G nobody)" out &&
	test_expect_code 100 nsrun $ns1 "$RAWOPEN" -u fdcap-no-such-user vA 0x88b5 -- true 2>err &&
	test_grep "^rawopen: -u fdcap-no-such-user: " err
'

test_expect_success RAWOPEN 'root honours SUDO_UID and SUDO_GID' '
	SUDO_UID=65534 SUDO_GID=65534 nsrun $ns1 "$RAWOPEN" vA 0x88b5 -- \
		$REPORT >out &&
	unprivileged out &&
	test_grep -x "uid 65534 groups $(id -G nobody)" out &&
	SUDO_UID=abc test_expect_code 100 nsrun $ns1 "$RAWOPEN" vA 0x88b5 -- true 2>err &&
	test_grep "^rawopen: SUDO_UID=abc: invalid" err
'

test_expect_success RAWOPEN 'root -N opens in another namespace, runs in its own' '
	nsrun $ns1 readlink /proc/self/ns/net >expect &&
	nsrun $ns1 "$RAWOPEN" -N "$ns2" vB 0x88b5 -- \
		sh -c "readlink /proc/self/ns/net; exec $REPORT" >out &&
	head -n 1 out >got && test_cmp expect got &&
	unprivileged out &&
	test_expect_code 111 nsrun $ns1 "$RAWOPEN" -N fdcap-no-such-ns vB 0x88b5 -- true 2>err &&
	test_grep "^rawopen: -N /run/netns/fdcap-no-such-ns: No such file" err &&
	test_expect_code 111 nsrun $ns1 "$RAWOPEN" vB 0x88b5 -- true 2>err &&
	test_grep "^rawopen: vB: no such interface" err
'

# vB is not in the program's namespace ($ns1, where vA is): ethsend must
# find the socket's interface (name, MAC, MTU) where the socket lives.
test_expect_success RAWOPEN 'a socket from -N: ethsend finds its interface where it lives' '
	macB=$(nsrun $ns2 cat /sys/class/net/vB/address | tr -d :) &&
	test_bg cap nsrun $ns1 "$FDCAP_BUILD/ethrecv" -c 1 -w hex vA 0x88b5 >got 2>/dev/null &&
	wait_for sh -c "ip netns exec $ns1 cat /proc/net/packet | grep -q \" 88b5 \"" &&
	echo hello | nsrun $ns1 "$RAWOPEN" -N "$ns2" vB 0x88b5 -- \
		"$FDCAP_BUILD/ethsend" vB 0x88b5 2>err &&
	test_grep "^ethsend: 1 frame sent" err &&
	wait $cap &&
	cut -c 13-24 got >src && echo "$macB" >expect && test_cmp expect src
'

test_expect_success RAWOPEN 'the program inherits signal dispositions' '
	nsrun $ns1 sh -c "trap \"\" HUP; exec \"$RAWOPEN\" vA 0x88b5 -- grep SigIgn /proc/self/status" >out &&
	grep SigIgn out | grep -v "0000000000000000$" >/dev/null
'

test_done
