#!/bin/sh
test_description='rawopen: the handed sockets work, are found, and are confined'
. "$(dirname "$0")/test-lib.sh"

if test_have_prereq SETPRIV,NETNS,PYTHON,RAWOPEN_BUILD && test_rawopen; then
	test_set_prereq RAWOPEN
	test_netns ns1 ns2
	test_veth $ns1 vA $ns2 vB
	printf '%s\n' "user:nobody packet iface=vA ethertype=0x88b5,0x88b6 send=any" \
		>"$POLICY"
	chmod 0644 "$POLICY"
fi
chmod 0755 "$TRASH"

# peer.py send IFACE TYPE PAYLOAD [DSTBYTE] | recv IFACE TYPE: a root peer
# (broadcast, or to 02:00:00:00:00:DSTBYTE, a host that is not there;
# 802.1Q-tagged with VLAN $VLAN when set).
cat >peer.py <<\EOF
import os, socket, sys
cmd, iface, etype = sys.argv[1], sys.argv[2], int(sys.argv[3], 0)
if cmd == "send":
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    dst = b"\xff" * 6
    if len(sys.argv) > 5:
        dst = b"\x02\0\0\0\0" + bytes([int(sys.argv[5], 0)])
    tag = b""
    if os.environ.get("VLAN"):
        tag = b"\x81\x00" + int(os.environ["VLAN"]).to_bytes(2, "big")
    s.send(dst + b"\x02\0\0\0\0\x01" + tag + etype.to_bytes(2, "big") +
           sys.argv[4].encode().ljust(46, b"\0"))
else:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(etype))
    s.bind((iface, etype))
    s.settimeout(10)
    print("ready", flush=True)
    f = s.recv(2048)
    print("peer got", f[14:].rstrip(b"\0").decode(), flush=True)
EOF

# child.py: an sd_listen_fds()-style program, run by rawopen as nobody.
# With "confine" it sends a frame, tries to escape its socket (detach the
# filter, a second socket, see outgoing frames, promiscuous mode, rebind it
# to every interface and ETH_P_ALL, join a fanout group), and prints the
# first frame it gets.
cat >child.py <<\EOF
import ctypes, errno, os, select, socket, struct, sys
n = 0
if os.environ.get("LISTEN_PID") == str(os.getpid()):
    n = int(os.environ.get("LISTEN_FDS", "0"))
names = os.environ.get("LISTEN_FDNAMES", "").split(":")
print("fds", n, "names", ":".join(names[:n]), flush=True)
if sys.argv[1:] != ["confine"]:
    sys.exit(0)
os.write(3, b"\xff" * 6 + b"\x02\0\0\0\0\x02\x88\xb5" +
         b"from-child".ljust(46, b"\0"))
s = socket.socket(fileno=3)
try:
    s.setsockopt(socket.SOL_SOCKET, 27, 0)          # SO_DETACH_FILTER
    print("detach ok")
except OSError as e:
    print("detach", errno.errorcode[e.errno])
try:
    socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    print("second socket ok")
except OSError as e:
    print("second socket", errno.errorcode[e.errno])
s.setsockopt(263, 23, 0)                            # PACKET_IGNORE_OUTGOING off
mreq = struct.pack("=iHH8s", socket.if_nametoindex("vA"), 1, 0, b"")
s.setsockopt(263, 1, mreq)                          # PACKET_MR_PROMISC
# bind(2) to ifindex 0 (every interface) and ETH_P_ALL, which Python's
# bind() cannot say: the socket is pinned, the kernel refuses.
sll = struct.pack("=HHiHBB8s", socket.AF_PACKET, socket.htons(3), 0, 0, 0, 0, b"")
if ctypes.CDLL(None, use_errno=True).bind(3, sll, len(sll)) != 0:
    print("rebind", errno.errorcode[ctypes.get_errno()])
else:
    print("rebind ok")
# Joining a fanout group (id 77, hash): refused, it has a group of its own.
try:
    s.setsockopt(263, 18, 77)                       # PACKET_FANOUT
    print("fanout ok")
except OSError as e:
    print("fanout", errno.errorcode[e.errno])
print("ready", flush=True)
if select.select([s], [], [], 10)[0]:
    f = s.recv(2048)
    print("got %04x" % int.from_bytes(f[12:14], "big"),
          f[14:].rstrip(b"\0").decode(), flush=True)
EOF
chmod 0644 peer.py child.py

as65534() {
	nsrun $ns1 setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$@"
}

test_expect_success RAWOPEN 'sd_listen_fds discovery: one pair, fd 3, its name' '
	as65534 "$RAWOPEN" vA 0x88b5 -- /usr/bin/python3 "$TRASH/child.py" >out &&
	echo "fds 1 names vA" >expect && test_cmp expect out
'

test_expect_success RAWOPEN 'two pairs: fds 3 and 4, LISTEN_FDS=2; -n names them' '
	as65534 "$RAWOPEN" vA 0x88b5 vA 0x88b6 -- sh -c \
		"echo \$LISTEN_FDS \$LISTEN_FDNAMES; ls -l /proc/\$\$/fd/3 /proc/\$\$/fd/4 | grep -c socket:" >out &&
	printf "2 vA:vA\n2\n" >expect && test_cmp expect out &&
	as65534 "$RAWOPEN" -n in:out vA 0x88b5 vA 0x88b6 -- \
		/usr/bin/python3 "$TRASH/child.py" >out &&
	echo "fds 2 names in:out" >expect && test_cmp expect out
'

test_expect_success RAWOPEN '-o 7 puts the one socket on fd 7 and unsets LISTEN_*' '
	LISTEN_FDS=5 LISTEN_PID=1 as65534 "$RAWOPEN" -o 7 vA 0x88b5 -- sh -c \
		"echo \${LISTEN_FDS-unset}; readlink /proc/\$\$/fd/7; ls /proc/\$\$/fd/3" >out 2>&1 || : &&
	head -n 1 out >got && echo unset >expect && test_cmp expect got &&
	test_grep "^socket:" out &&
	test_grep "No such file" out
'

test_expect_success RAWOPEN 'the socket sends and receives; nothing else arrives, even with promiscuous mode or outgoing frames; no rebind, no other group' '
	test_bg peer nsrun $ns2 /usr/bin/python3 peer.py recv vB 0x88b5 >peer.out &&
	wait_for grep -q ready peer.out &&
	test_bg child as65534 "$RAWOPEN" vA 0x88b5 -- \
		/usr/bin/python3 "$TRASH/child.py" confine >child.out &&
	wait_for grep -q "peer got" peer.out &&
	test_grep -x "peer got from-child" peer.out &&
	wait_for grep -q ready child.out &&
	test_grep -x "detach EPERM" child.out &&
	test_grep -x "second socket EPERM" child.out &&
	test_grep -x "rebind EINVAL" child.out &&
	test_grep -x "fanout EALREADY" child.out &&
	nsrun $ns2 /usr/bin/python3 peer.py send vB 0x88b6 other-type &&
	nsrun $ns1 /usr/bin/python3 peer.py send lo 0x88b5 other-iface &&
	nsrun $ns1 /usr/bin/python3 peer.py send vA 0x88b5 outgoing &&
	nsrun $ns2 /usr/bin/python3 peer.py send vB 0x88b5 other-host 0x99 &&
	nsrun $ns2 env VLAN=5 /usr/bin/python3 peer.py send vB 0x88b5 tagged &&
	nsrun $ns2 /usr/bin/python3 peer.py send vB 0x88b5 wanted &&
	wait_for grep -q "^got" child.out &&
	test_grep -x "got 88b5 wanted" child.out
'

# The kernel copies outgoing frames only to sockets bound to all: with -L
# the socket is, and the locked filter still keeps it to its ethertype.
test_expect_success RAWOPEN '-L on one ethertype: our outgoing frames of that type, no other' '
	printf "%s\n" "user:nobody packet iface=vA ethertype=0x88b5 send=any outgoing=yes" >"$POLICY" &&
	test_bg child as65534 "$RAWOPEN" -L vA 0x88b5 -- \
		ethrecv -Q out -w hex -c 1 -t 10 >lout 2>err &&
	wait_for ringed $ns1 &&
	nsrun $ns1 /usr/bin/python3 peer.py send vA 0x88b6 other-type &&
	nsrun $ns1 env VLAN=5 /usr/bin/python3 peer.py send vA 0x88b5 tagged &&
	nsrun $ns2 /usr/bin/python3 peer.py send vB 0x88b5 incoming &&
	nsrun $ns1 /usr/bin/python3 peer.py send vA 0x88b5 outgoing &&
	wait "$child" &&
	# ff.. broadcast, 02:00:00:00:00:01, 88b5, "outgoing", 38 zero bytes
	{ printf ffffffffffff02000000000188b56f7574676f696e67 && printf "%076d\n" 0; } >expect &&
	test_cmp expect lout
'

test_expect_success RAWOPEN 'a rule filter and -F are both locked in' '
	printf "%s\n" "user:nobody packet iface=vA ethertype=0x88b5 send=any filter=\"ether[14] = 0x61\"" >"$POLICY" &&
	test_bg child as65534 "$RAWOPEN" -F "ether[15] = 0x62" vA 0x88b5 -- \
		/usr/bin/python3 "$TRASH/child.py" confine >child.out &&
	wait_for grep -q ready child.out &&
	nsrun $ns2 /usr/bin/python3 peer.py send vB 0x88b5 xb-rule-only &&
	nsrun $ns2 /usr/bin/python3 peer.py send vB 0x88b5 ax-caller-only &&
	nsrun $ns2 /usr/bin/python3 peer.py send vB 0x88b5 ab-both &&
	wait_for grep -q "^got" child.out &&
	test_grep -x "got 88b5 ab-both" child.out
'

# Compiled apart and chained: pasted into one expression, this -F made
# "(rule) and (ether[15] = 0x62) or (ether[15] = 0x62)", which the rule
# no longer held.
test_expect_success RAWOPEN 'no -F can reach past the rule filter; its errors are its own' '
	printf "%s\n" "user:nobody packet iface=vA ethertype=0x88b5 send=any filter=\"ether[14] = 0x61\"" >"$POLICY" &&
	test_expect_code 100 as65534 "$RAWOPEN" \
		-F "ether[15] = 0x62) or (ether[15] = 0x62" vA 0x88b5 -- true 2>err &&
	test_grep "^rawopen: -F: .*syntax error" err &&
	test_expect_code 100 as65534 "$RAWOPEN" -F "no such syntax((" vA 0x88b5 -- true 2>err &&
	test_grep "^rawopen: -F: " err &&
	printf "%s\n" "user:nobody packet iface=vA ethertype=0x88b5 send=any filter=\"ether[14] = 0x61) or (ether[14] = 0x61\"" >"$POLICY" &&
	test_expect_code 1 as65534 "$RAWOPEN" -F "ether[15] = 0x62" vA 0x88b5 -- true 2>err &&
	test_grep "^rawopen: refused: $POLICY:1: filter of the rule for vA: .*syntax error" err
'

# About 4090 instructions (libpcap 1.10 makes 4089 of this): too long for
# the confining prefix to be put before it, alone or after the rule's.
# Whatever another libpcap makes of it, never a late EINVAL from the kernel.
test_expect_success RAWOPEN 'a -F too long to be confined is a usage error' '
	long="ether[14:2] = 0" &&
	for i in $(seq 2170); do long="$long or ether[14:2] = $i"; done &&
	for rule in "" " filter=\"ether[16] = 1\""; do
		printf "%s\n" "user:nobody packet iface=vA ethertype=0x88b5 send=any$rule" >"$POLICY" &&
		rc=0 &&
		as65534 "$RAWOPEN" -F "$long" vA 0x88b5 -- true 2>err || rc=$? &&
		case $rc in
		0) ;;
		100) test_grep "^rawopen: -F: .*too long" err ;;
		*) cat err >&2; false ;;
		esac || return 1
	done
'

test_done
