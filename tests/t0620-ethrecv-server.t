#!/bin/sh
test_description='ethrecv -e: a frame server answering a peer on a veth'
. "$(dirname "$0")/test-lib.sh"
# What ends every summary: its time and rates.
RATES=' in [0-9.]* s ([0-9.]* frames/s, [0-9.]* Mbit/s)$'

# ask.py IFACE PAYLOAD [WAIT]: sends PAYLOAD as one 0x88b5 frame from IFACE
# to the broadcast address, then prints the first reply (hex) and our MAC,
# or "none" when none comes within WAIT seconds (default 10); WAIT 0:
# prints "sent" and our MAC at once (the server's count says the rest).
cat >ask.py <<'PY'
import socket, sys
ifc, payload = sys.argv[1], sys.argv[2].encode()
wait = float(sys.argv[3]) if len(sys.argv) > 3 else 10
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
s.bind((ifc, 0x88b5))
s.settimeout(wait)
me = s.getsockname()[4][:6]
s.send(b"\xff" * 6 + me + b"\x88\xb5" + payload)
if wait == 0:
    print("sent")
    print(me.hex())
    sys.exit(0)
try:
    while True:
        f, a = s.recvfrom(65535)
        if a[2] != socket.PACKET_OUTGOING:
            break
    print(f.hex())
except socket.timeout:
    print("none")
print(me.hex())
PY

ask() { nsrun $A /usr/bin/python3 "$TRASH/ask.py" va "$@"; }

# tagged.py IFACE PAYLOAD: sends PAYLOAD as one 0x88b5 frame tagged VLAN 5
# from IFACE to the broadcast address.
cat >tagged.py <<'PY'
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
me = s.getsockname()[4][:6]
s.send(b"\xff" * 6 + me + b"\x81\x00\x00\x05\x88\xb5" + sys.argv[2].encode())
PY
bound() {
	ip netns exec "$1" cat /proc/net/packet | awk -v p="$2" '$4 == p { f = 1 } END { exit !f }'
}

if test_have_prereq NETNS,PYTHON; then
	test_netns A B && test_veth $A va $B vb && test_set_prereq VETH
fi

test_expect_success VETH 'an echo server answers: src and dst swapped, same ethertype' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -e -c 1 vb 0x88b5 -- tr a-z A-Z 2>err &&
	wait_for bound $B 88b5 &&
	ask hello >reply &&
	wait &&
	peer=$(sed -n 2p reply) &&
	ours=$(ip -n $B -br link show vb | awk "{ print \$3 }" | tr -d :) &&
	got=$(sed -n 1p reply) &&
	test "$(echo "$got" | cut -c1-12)" = "$peer" &&
	test "$(echo "$got" | cut -c13-24)" = "$ours" &&
	test "$(echo "$got" | cut -c25-28)" = 88b5 &&
	test "$(echo "$got" | cut -c29-38)" = "$(printf HELLO | od -An -tx1 | tr -d " \n")" &&
	test ${#got} = 120 &&
	test_grep "^ethrecv: 1 frame received, 0 dropped by kernel, 1 reply sent, 0 handlers failed$RATES" err
'

test_expect_success VETH '--stats-format=kv with -e: written=0, then replies= and failed=' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -e -c 1 --stats-format=kv vb 0x88b5 -- cat 2>err &&
	wait_for bound $B 88b5 &&
	ask hello >reply &&
	wait $pid &&
	test_grep "^ethrecv: received=1 dropped=0 bytes=[0-9]* written=0 truncated=0 elapsed=[0-9.]* fps=[0-9.]* mbps=[0-9.]* replies=1 failed=0$" err
'

test_expect_success VETH 'the handler sees ETH_* and only fds 0, 1 and 2' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -e -c 1 vb 0x88b5 -- sh -c "env | grep ^ETH_ | sort >env; (ls /proc/\$\$/fd) >fdlist; cat >payload" 2>err &&
	wait_for bound $B 88b5 &&
	ask ping 0 >reply &&
	wait $pid &&
	peer=$(sed -n 2p reply | sed "s/../&:/g; s/:\$//") &&
	printf "ETH_DST=ff:ff:ff:ff:ff:ff\nETH_IFACE=vb\nETH_SRC=%s\nETH_TYPE=0x88b5\n" "$peer" >want &&
	test_cmp want env &&
	test "$(sort -n fdlist | tr "\n" " ")" = "0 1 2 " &&
	test "$(head -c 4 payload)" = ping &&
	test_grep "^ethrecv: 1 frame received, 0 dropped by kernel, 0 replies sent, 0 handlers failed$RATES" err
'

test_expect_success VETH 'a failing handler and a slow one are reported; the server goes on' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -e -c 3 -T 1 vb 0x88b5 -- sh -c "read x; case \$x in fail*) exit 3;; slow*) sleep 30;; esac; echo ok" 2>err &&
	wait_for bound $B 88b5 &&
	ask fail 0 >r1 &&
	ask slow 0 >r2 &&
	ask good >r3 &&
	wait $pid &&
	test "$(sed -n 1p r3 | cut -c29-34)" = 6f6b0a &&
	test_grep "^ethrecv: sh: frame 1 from .*: exited with status 3$" err &&
	test_grep "^ethrecv: sh: frame 2 from .*: killed after 1 s$" err &&
	test_grep "^ethrecv: 3 frames received, 0 dropped by kernel, 1 reply sent, 2 handlers failed$RATES" err
'

# On a socket bound to all, the server's own replies pass it too: they are
# never served (else the first reply would be frame 2, and -c 2 would end
# the server before the second request).
test_expect_success VETH 'on all, the server never serves its own replies' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -e -c 2 -F "ether proto 0x88b5" vb all -- tr a-z A-Z 2>err &&
	wait_for bound $B 0003 &&
	ask first >r1 &&
	ask second >r2 &&
	wait $pid &&
	test "$(sed -n 1p r1 | cut -c29-38)" = "$(printf FIRST | od -An -tx1 | tr -d " \n")" &&
	test "$(sed -n 1p r2 | cut -c29-40)" = "$(printf SECOND | od -An -tx1 | tr -d " \n")" &&
	test_grep "^ethrecv: 2 frames received, 0 dropped by kernel, 2 replies sent, 0 handlers failed$RATES" err
'

# -T kills the handler's process group: what it started in the background
# goes too.
gone() { ! kill -0 "$1" 2>/dev/null; }
test_expect_success VETH '-T: the handler and what it started are killed' '
	rm -f err child &&
	test_bg pid ip netns exec $B ethrecv -e -c 1 -T 1 vb 0x88b5 -- sh -c "sleep 300 & echo \$! >child; wait" 2>err &&
	wait_for bound $B 88b5 &&
	ask slow 0 >/dev/null &&
	wait $pid &&
	test_grep "^ethrecv: sh: frame 1 from .*: killed after 1 s$" err &&
	wait_for test -s child &&
	wait_for gone "$(cat child)"
'

# SIGTERM: the running handlers get it too, are waited for, and the
# server ends with 0.
test_expect_success VETH 'SIGTERM reaches the running handlers, which are waited for' '
	rm -f err termed &&
	test_bg pid ip netns exec $B ethrecv -e vb 0x88b5 -- sh -c "trap \"echo term >termed; exit 0\" TERM; echo up >up; while :; do sleep 1; done" 2>err &&
	wait_for bound $B 88b5 &&
	ask slow 0 >/dev/null &&
	wait_for test -s up &&
	kill -TERM $pid &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 0 &&
	test "$(cat termed)" = term &&
	test_grep "^ethrecv: 1 frame received, 0 dropped by kernel, 0 replies sent, 0 handlers failed$RATES" err
'

test_expect_success VETH 'a reply longer than the MTU is reported, not sent' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -e -c 1 vb 0x88b5 -- head -c 2000 /dev/zero 2>err &&
	wait_for bound $B 88b5 &&
	ask big 0 >reply &&
	wait $pid &&
	test_grep "frame 1 from .*: reply longer than 1500 bytes, not sent" err &&
	test_grep "^ethrecv: 1 frame received, 0 dropped by kernel, 0 replies sent, 1 handler failed$RATES" err
'

# -j 3: three handlers at once.  Each waits until all three have started,
# which they can only do together (one at a time, the first would wait
# until -T killed it).
test_expect_success VETH '-j 3 runs three handlers at once' '
	rm -f err ran3 &&
	test_bg pid ip netns exec $B ethrecv -e -j 3 -c 3 -T 20 vb 0x88b5 -- sh -c "echo x >>\"$TRASH/ran3\"; while [ \$(wc -l <\"$TRASH/ran3\") -lt 3 ]; do sleep 0.05; done" 2>err &&
	wait_for bound $B 88b5 &&
	ask a 0 >/dev/null && ask b 0 >/dev/null && ask c 0 >/dev/null &&
	wait $pid &&
	test_line_count = 3 ran3 &&
	test_grep "^ethrecv: 3 frames received, 0 dropped by kernel, 0 replies sent, 0 handlers failed$RATES" err
'

test_expect_success VETH 'several handlers at once leave no zombies behind' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -e -j 3 vb 0x88b5 -- sh -c "echo x >>ran" 2>err &&
	wait_for bound $B 88b5 &&
	ask a 0 >/dev/null && ask b 0 >/dev/null && ask c 0 >/dev/null &&
	wait_for test_line_count = 3 ran &&
	wait_for sh -c "! ps -o stat= --ppid $pid | grep -q ." &&
	kill -TERM $pid &&
	wait $pid &&
	test_grep "^ethrecv: 3 frames received, 0 dropped by kernel, 0 replies sent, 0 handlers failed$RATES" err
'

test_expect_success VETH 'a program that cannot be found: 127 at start, one line' '
	test_expect_code 127 ip netns exec $B ethrecv -e -c 1 vb 0x88b5 -- /nonexistent/prog 2>err &&
	echo "ethrecv: /nonexistent/prog: No such file or directory" >want &&
	test_cmp want err
'

test_expect_success VETH 'a program that goes away later: each frame says why, the server goes on' '
	cp /bin/true ./handler &&
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -e -c 1 vb 0x88b5 -- "$TRASH/handler" 2>err &&
	wait_for bound $B 88b5 &&
	rm handler &&
	ask x 0 >/dev/null &&
	wait $pid &&
	test_grep "^ethrecv: $TRASH/handler: frame 1 from .*: No such file or directory$" err &&
	test_grep "^ethrecv: 1 frame received, 0 dropped by kernel, 0 replies sent, 1 handler failed$RATES" err
'

# A socket bound to one ethertype gets a tagged frame of a VLAN this host
# has no interface for with its tag gone, without a trace: a reply would
# leave untagged, on another network.  It is not served, and said.
test_expect_success VETH 'a tagged request on a socket bound to one ethertype: not served, said' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -e -c 1 vb 0x88b5 -- cat 2>err &&
	wait_for bound $B 88b5 &&
	nsrun $A /usr/bin/python3 "$TRASH/tagged.py" va tagged &&
	wait $pid &&
	test_grep "^ethrecv: frame 1: it came with a VLAN tag, which the kernel took off: not served (bind to all to serve tagged frames)$" err &&
	test_grep "^ethrecv: 1 frame received, 0 dropped by kernel, 0 replies sent, 0 handlers failed$RATES" err
'

test_expect_success VETH 'a tagged request on a socket bound to all: the reply has its tag' '
	rm -f err rerr &&
	test_bg pid ip netns exec $B ethrecv -e -c 1 -F "vlan 5" vb all -- cat 2>err &&
	test_bg cap ip netns exec $A ethrecv -w hex -c 1 -F "vlan 5" va all >got 2>rerr &&
	wait_for grep -q listening rerr &&
	wait_for bound $B 0003 &&
	nsrun $A /usr/bin/python3 "$TRASH/tagged.py" va tagged &&
	wait $cap &&
	wait $pid &&
	test "$(cut -c25-36 got)" = 8100000588b5 &&
	test "$(cut -c37-48 got)" = "$(printf tagged | od -An -tx1 | tr -d " \n")" &&
	test_grep "^ethrecv: 1 frame received, 0 dropped by kernel, 1 reply sent, 0 handlers failed$RATES" err
'

test_done
