#!/bin/sh
test_description='rawopen: a grant is exactly as wide as the rule reads'
. "$(dirname "$0")/test-lib.sh"

# The review's findings, each shown closed (the relay's own, finding 1,
# are in t0440): sockets of a setuid start are the caller's (3), a UDP
# grant cannot take over a service's port (4) and port rules can name the
# address, -L needs outgoing=yes (5), libpcap never runs beside a packet
# socket (6); pinned sockets keep out of another program's fanout group
# (2); and an admin can check the policy (-c, -x -u), every decision
# logged.

if test_have_prereq SETPRIV,NETNS,PYTHON,RAWOPEN_BUILD && test_rawopen; then
	test_set_prereq RAWOPEN
	test_netns ns1 ns2
	test_veth $ns1 vA $ns2 vB
fi
chmod 0755 "$TRASH"
command -v strace >/dev/null && test_set_prereq STRACE

# policy LINE...: the policy file, root-owned 0644.
policy() {
	printf '%s\n' "$@" >"$POLICY" && chmod 0644 "$POLICY"
}

# nobody RAWOPEN ARGS...: run as uid 65534 in $ns1.
nobody() {
	nsrun $ns1 setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$@"
}

# udp.py serve PORT COUNT | send PORT COUNT: a root UDP service on
# 127.0.0.1 that holds its port with SO_REUSEADDR, prints "ready", then
# the number of datagrams it got once COUNT came or 5 s passed; and a
# client that sends COUNT datagrams.
cat >udp.py <<\EOF
import socket, sys
cmd, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if cmd == "send":
    for i in range(count):
        s.sendto(b"d%d" % i, ("127.0.0.1", port))
    sys.exit(0)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
print("ready", flush=True)
s.settimeout(5)
n = 0
try:
    while n < count:
        s.recv(100)
        n += 1
except socket.timeout:
    pass
print("got", n, flush=True)
EOF

# fanout.py: a root capture in fanout group 42 on vA (an IDS, say): prints
# "ready", then how many of COUNT frames of 0x88b5 it got.
cat >fanout.py <<\EOF
import socket, sys
count = int(sys.argv[1])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
s.bind(("vA", 0x88b5))
s.setsockopt(263, 18, 42)                           # PACKET_FANOUT, hash
print("ready", flush=True)
s.settimeout(5)
n = 0
try:
    while n < count:
        s.recv(2048)
        n += 1
except socket.timeout:
    pass
print("victim got", n, flush=True)
EOF

# thief.py: rebinds fd 3 to ETH_P_ALL and joins group 42, as the
# reviewer's program did; says how each went.
cat >thief.py <<\EOF
import ctypes, errno, socket, struct
s = socket.socket(fileno=3)
sll = struct.pack("=HHiHBB8s", socket.AF_PACKET, socket.htons(3),
                  socket.if_nametoindex("vA"), 0, 0, 0, b"")
libc = ctypes.CDLL(None, use_errno=True)
print("rebind", "ok" if libc.bind(3, sll, len(sll)) == 0 else
      errno.errorcode[ctypes.get_errno()])
try:
    s.setsockopt(263, 18, 42)
    print("join ok")
except OSError as e:
    print("join", errno.errorcode[e.errno])
EOF

# send.py IFACE COUNT: COUNT broadcast frames of 0x88b5 on IFACE.
cat >send.py <<\EOF
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
for i in range(int(sys.argv[2])):
    s.send(b"\xff" * 6 + b"\x02\0\0\0\0\x01\x88\xb5" + b"%-46d" % i)
EOF
chmod 0644 udp.py fanout.py thief.py send.py

test_expect_success RAWOPEN 'a pinned socket cannot join a root fanout group: the victim keeps every frame' '
	policy "user:nobody packet iface=vA ethertype=0x88b5 send=any" &&
	test_bg victim nsrun $ns1 /usr/bin/python3 fanout.py 40 >victim.out &&
	wait_for grep -q ready victim.out &&
	nobody "$RAWOPEN" vA 0x88b5 -- /usr/bin/python3 "$TRASH/thief.py" >thief.out &&
	printf "rebind EINVAL\njoin EALREADY\n" >expect &&
	test_cmp expect thief.out &&
	nsrun $ns2 /usr/bin/python3 send.py vB 40 &&
	wait "$victim" &&
	test_grep -x "victim got 40" victim.out
'

# The User column of /proc/net/packet (the 8th) and the uid of a UDP
# socket (the 8th of /proc/net/udp) say whose the socket is.
test_expect_success RAWOPEN 'a setuid start: the packet socket is the caller'"'"'s' '
	policy "user:nobody packet iface=vA ethertype=0x88b5 send=any" &&
	ifindex=$(nsrun $ns1 cat /sys/class/net/vA/ifindex) &&
	for r in "$RAWOPEN" "$RAWOPEN_SUID"; do
		nobody "$r" vA 0x88b5 -- cat /proc/net/packet >packet.out &&
		awk -v i="$ifindex" "NR > 1 && \$5 == i { print \$8 }" packet.out >users &&
		echo 65534 >expect && test_cmp expect users || return 1
	done
'

test_expect_success RAWOPEN 'a setuid start: the UDP socket is the caller'"'"'s' '
	policy "user:nobody port proto=udp port=853" &&
	nobody "$RAWOPEN_SUID" --udp 853 -- cat /proc/net/udp >udp.out &&
	awk "\$2 ~ /:0355\$/ { print \$8 }" udp.out >uids &&
	echo 65534 >expect && test_cmp expect uids
'

test_expect_success RAWOPEN 'a UDP grant on a port a service holds fails; the service keeps its traffic' '
	policy "user:nobody port proto=udp port=853" &&
	test_bg svc nsrun $ns1 /usr/bin/python3 udp.py serve 853 20 >svc.out &&
	wait_for grep -q ready svc.out &&
	test_expect_code 111 nobody "$RAWOPEN" --udp 127.0.0.1:853 -- \
		touch "$TRASH/ran" 2>err &&
	test_grep "^rawopen: udp-853: bind: Address already in use" err &&
	! test -e ran &&
	nsrun $ns1 /usr/bin/python3 udp.py send 853 20 &&
	wait "$svc" &&
	test_grep -x "got 20" svc.out
'

test_expect_success RAWOPEN 'addr= grants the addresses it lists, the wildcard only when listed' '
	policy "user:nobody port proto=udp port=853 addr=127.0.0.1,::1" &&
	nobody "$RAWOPEN" --udp 127.0.0.1:853 -- true &&
	nobody "$RAWOPEN" --udp "[::1]:853" -- true &&
	test_expect_code 1 nobody "$RAWOPEN" --udp 853 -- true 2>err &&
	test_grep -F "(rule needed in $POLICY: user:nobody port proto=udp port=853)" err &&
	test_expect_code 1 nobody "$RAWOPEN" --udp 127.0.0.2:853 -- true 2>err &&
	test_grep -F "user:nobody port proto=udp port=853 addr=127.0.0.2)" err &&
	policy "user:nobody port proto=udp port=853 addr=0.0.0.0" &&
	nobody "$RAWOPEN" --udp 853 -- true &&
	test_expect_code 1 nobody "$RAWOPEN" --udp 127.0.0.1:853 -- true
'

test_expect_success RAWOPEN '-L needs outgoing=yes in the rule' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	test_expect_code 1 nobody "$RAWOPEN" -L vA 0x88b5 -- touch "$TRASH/ran" 2>err &&
	! test -e ran &&
	test_grep -F "may not open vA 0x88b5 (rule needed in $POLICY: user:nobody packet iface=vA ethertype=0x88b5 outgoing=yes)" err &&
	policy "user:nobody packet iface=vA ethertype=0x88b5 outgoing=yes" &&
	nobody "$RAWOPEN" -L vA 0x88b5 -- true
'

# Every syscall of rawopen and its children, in order: the process that
# loaded libpcap exited before the first packet socket was made.
test_expect_success RAWOPEN,STRACE 'libpcap is loaded only by a child that never held a packet socket' '
	nsrun $ns1 strace -f -qq -o trace -e trace=socket,openat,execve,exit_group \
		"$FDCAP_BUILD/rawopen" -F "ether[14] = 1" vA 0x88b5 -- true &&
	grep -n "libpcap" trace >pcap.lines &&
	test_line_count = 1 pcap.lines &&
	pid=$(sed "s/^[0-9]*: *\([0-9]*\) .*/\1/" pcap.lines) &&
	pcap=$(cut -d: -f1 pcap.lines) &&
	grep -n "^$pid  *exit_group" trace | cut -d: -f1 >exit.line &&
	grep -n "socket(AF_PACKET" trace | cut -d: -f1 >socket.lines &&
	test -s exit.line && test -s socket.lines &&
	test "$pcap" -lt "$(cat exit.line)" &&
	test "$(cat exit.line)" -lt "$(head -n 1 socket.lines)" &&
	! grep "^$pid .*socket(AF_PACKET" trace
'

test_expect_success RAWOPEN 'rawopen -c: a good file is OK, exit 0' '
	policy "# lab" "user:nobody packet iface=vA ethertype=0x88b5 filter=\"ether[14] = 1\"" \
		"group:nogroup port proto=udp port=853 addr=127.0.0.1" &&
	nobody "$RAWOPEN" -c >out 2>err &&
	echo "$POLICY: 2 rules, OK" >expect && test_cmp expect out &&
	! test -s err
'

test_expect_success RAWOPEN 'rawopen -c: every bad line and every bad filter, with file:line, exit 1' '
	policy "user:nobody packet iface=vA ethertype=0x88b5 send=maybe" \
		"user:nobody packet iface=vA ethertype=0x88b5 filter=\"ether src\"" \
		"user:nobody packet iface=vA ethertype=0x88b5 colour=red" \
		"user:nobody packet iface=vA ethertype=0x88b5" \
		"user:nobody port proto=udp port=853 addr=300.1.1.1" &&
	test_expect_code 1 nobody "$RAWOPEN" -c >out 2>err &&
	test_line_count = 3 err &&
	test_grep "^rawopen: $POLICY:1: " err &&
	test_grep "^rawopen: $POLICY:3: " err &&
	test_grep "^rawopen: $POLICY:5: " err &&
	policy "user:nobody packet iface=vA ethertype=0x88b5 filter=\"ether src\"" \
		"user:nobody packet iface=vA ethertype=0x88b6 filter=\"ether[14] = 1\"" \
		"user:nobody packet iface=vA ethertype=0x88b7 filter=\"no such((\"" &&
	test_expect_code 1 nobody "$RAWOPEN" -c >out 2>err &&
	test_line_count = 2 err &&
	test_grep "^rawopen: $POLICY:1: filter: " err &&
	test_grep "^rawopen: $POLICY:3: filter: " err &&
	rm "$POLICY" &&
	test_expect_code 1 nobody "$RAWOPEN" -c 2>err &&
	test_grep "^rawopen: $POLICY: No such file or directory" err &&
	test_expect_code 100 nobody "$RAWOPEN" -c vA 0x88b5 -- true
'

test_expect_success RAWOPEN 'a bad rule filter is a policy error at run time and under -x too' '
	policy "user:nobody packet iface=vA ethertype=0x88b5 filter=\"ether src\"" &&
	test_expect_code 1 nobody "$RAWOPEN" vA 0x88b5 -- true 2>err &&
	test_grep "^rawopen: refused: $POLICY:1: filter of the rule for vA: " err &&
	test_expect_code 1 nobody "$RAWOPEN" -x vA 0x88b5 -- true >out 2>err &&
	test_grep "^rawopen: refused: $POLICY:1: filter of the rule for vA: " err
'

test_expect_success RAWOPEN 'root: -x -u USER explains what USER would get' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	nsrun $ns1 "$RAWOPEN" -x vA 0x88b5 -- true >out &&
	test_grep "^policy: not consulted: the caller is root" out &&
	nsrun $ns1 "$RAWOPEN" -x -u nobody vA 0x88b5 -- true >out &&
	test_grep -F "policy: vA 0x88b5: granted by $POLICY:1" out &&
	test_grep "^run as: uid 65534 " out &&
	test_grep "^open: fd 3: vA 0x88b5, filter locked; relayed" out &&
	test_expect_code 1 nsrun $ns1 "$RAWOPEN" -x -u nobody vA 0x88b6 -- true >out 2>err &&
	test_grep -F "refused: uid 65534 may not open vA 0x88b6" err
'

test_expect_success RAWOPEN,SYSLOG 'one syslog line for a grant, one for a refusal' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	test_syslog ip netns exec $ns1 setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all "$RAWOPEN" vA 0x88b5 -- true &&
	test_expect_code 1 test_syslog ip netns exec $ns1 setpriv --reuid=65534 \
		--regid=65534 --clear-groups --inh-caps=-all "$RAWOPEN" vA 0x88b6 -- \
		echo "x$(printf "\033")y" 2>err &&
	test_line_count = 2 syslog &&
	head -n 1 syslog >grant &&
	tail -n 1 syslog >refusal &&
	test_grep "^<85>.* rawopen\[[0-9]*\]: nobody : uid=65534 ; OPEN=vA 0x88b5 ; GRANTED=$POLICY:1 send=iface ; COMMAND=true$" grant &&
	test_grep "^<84>.* rawopen\[[0-9]*\]: nobody : uid=65534 ; OPEN=vA 0x88b6 ; REFUSED=uid 65534 may not open vA 0x88b6 (rule needed in .*) ; COMMAND=echo x\\\\x1by$" refusal
'

test_done
