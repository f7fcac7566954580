#!/bin/sh
test_description='ethrecv: frames off a veth into pcap, text, hex and payload'
. "$(dirname "$0")/test-lib.sh"
# What ends every summary: its time and rates.
RATES=' in [0-9.]* s ([0-9.]* frames/s, [0-9.]* Mbit/s)$'
# said [FILE]: what ethrecv said on stderr (err), less its readiness line.
said() { grep -v "^ethrecv: listening on " "${1:-err}" || :; }

# peer.py send IFACE COUNT LEN [VLAN]: sends COUNT numbered frames of LEN
# bytes (ethertype 0x88b5, or $TYPE, optionally 802.1Q-tagged) and prints
# each as hex.
# peer.py hold IFACE TYPE LOCK PROG...: runs PROG with a packet socket on
# fd 3 and LISTEN_FDS=1, its filter locked when LOCK is 1.
cat >peer.py <<'PY'
import os, socket, struct, sys
cmd = sys.argv[1]
if cmd == "send":
    ifc, n, ln = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    tag = int(sys.argv[5]) if len(sys.argv) > 5 else None
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    s.bind((ifc, 0))
    for i in range(n):
        f = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01"
        if tag is not None:
            f += struct.pack("!HH", 0x8100, tag)
        f += struct.pack("!HI", int(os.environ.get("TYPE", "0x88b5"), 0), i)
        f += bytes([i & 0xff]) * (ln - len(f))
        s.send(f)
        print(f.hex())
elif cmd == "hold":
    ifc, typ, lock = sys.argv[2], int(sys.argv[3], 0), sys.argv[4] == "1"
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(typ))
    s.bind((ifc, typ))
    if lock:
        import ctypes
        ins = ctypes.create_string_buffer(struct.pack("HBBI", 6, 0, 0, 0x40000))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_ATTACH_FILTER if hasattr(socket, "SO_ATTACH_FILTER") else 26,
            struct.pack("HL", 1, ctypes.addressof(ins)))
        s.setsockopt(socket.SOL_SOCKET, 44, 1)          # SO_LOCK_FILTER
    os.dup2(s.fileno(), 3)
    os.set_inheritable(3, True)
    os.environ["LISTEN_FDS"] = "1"
    os.environ.pop("LISTEN_PID", None)
    os.execvp(sys.argv[5], sys.argv[5:])
PY

send() { nsrun $A /usr/bin/python3 "$TRASH/peer.py" send va "$@"; }

# bound NS PROTO: a packet socket for PROTO (hex, as /proc shows it) is bound.
bound() {
	ip netns exec "$1" cat /proc/net/packet | awk -v p="$2" '$4 == p { f = 1 } END { exit !f }'
}

# The frames of tcpdump -xx / tshark -x output as one hex line each.
# has_lines N FILE: FILE holds N lines (for wait_for, which must run the
# count each time, not once as "$(wc -l <FILE)" in its arguments would).
has_lines() { test "$(wc -l <"$2")" = "$1"; }

# bound2 NS PROTO: two sockets are bound to PROTO in NS.
bound2() {
	ip netns exec "$1" cat /proc/net/packet | awk -v p="$2" '$4 == p { n++ } END { exit n < 2 }'
}

tcpdump_hex() {
	awk '/^\t0x/ { sub(/^\t0x[0-9a-f]+:  /, ""); gsub(/ /, ""); h = h $0; next }
	     { if (h != "") print h; h = "" } END { if (h != "") print h }'
}
tshark_hex() {
	awk '/^[0-9a-f][0-9a-f][0-9a-f][0-9a-f]  / { s = substr($0, 7, 48); gsub(/ /, "", s); h = h s; next }
	     { if (h != "") print h; h = "" } END { if (h != "") print h }'
}

# The writer's waits on a stalled reader (signals, deadlines, partial
# writes) are unit tests of lib/outq: tests/unit/outq.c.

if test_have_prereq NETNS,PYTHON; then
	test_netns A B && test_veth $A va $B vb && test_set_prereq VETH
fi

test_expect_success VETH,TCPDUMP 'ethrecv | tcpdump -r - reads every frame, byte for byte' '
	rm -f err &&
	test_bg pid eval "nsrun $B ethrecv -c 5 vb 0x88b5 2>err | tcpdump -r - -nn -xx >td 2>tderr" &&
	wait_for bound $B 88b5 &&
	send 5 100 >sent &&
	wait $pid &&
	tcpdump_hex <td >got &&
	test_cmp sent got &&
	test_grep "^ethrecv: 5 frames received, 0 dropped by kernel$RATES" err &&
	test_grep "link-type EN10MB" tderr
'

test_expect_success VETH,TSHARK 'ethrecv | tshark -r - reads every frame, byte for byte' '
	rm -f err &&
	test_bg pid eval "nsrun $B ethrecv -c 4 vb all 2>err | tshark -r - -x >ts 2>/dev/null" &&
	wait_for bound $B 0003 &&
	send 4 1514 >sent &&
	wait $pid &&
	tshark_hex <ts >got &&
	test_cmp sent got
'

test_expect_success VETH 'the pcap is nanosecond, Ethernet, snaplen 262144' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -c 1 vb all >one.pcap 2>err &&
	wait_for bound $B 0003 &&
	send 1 60 >sent &&
	wait $pid &&
	od -An -tx1 -N24 one.pcap | tr -d " \n" >hdr &&
	echo "4d3cb2a1020004000000000000000000000004000100000000" | cut -c1-48 >want &&
	test "$(cut -c1-48 hdr)" = "$(cat want)" &&
	test "$(pcap_hex one.pcap)" = "$(cat sent)"
'

test_expect_success VETH '-w hex: the frames as sent, 802.1Q tag restored on all' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -w hex -c 3 vb all >got 2>err &&
	wait_for bound $B 0003 &&
	send 3 64 5 >sent &&
	wait $pid &&
	test_cmp sent got
'

# A ring block holds frames of up to about 1 MiB, whose hex line is twice
# that: the output buffer must hold it whole.
test_expect_success VETH '-w hex and -w payload: a frame of 600000 bytes, whole' '
	ip -n $A link set lo up mtu 600000 &&
	rm -f err &&
	test_bg pid nsrun $A ethrecv -w hex -c 1 lo 0x88b5 >got 2>err &&
	wait_for bound $A 88b5 &&
	nsrun $A /usr/bin/python3 "$TRASH/peer.py" send lo 1 600000 >sent &&
	wait $pid &&
	test_cmp sent got &&
	rm -f err &&
	test_bg pid nsrun $A ethrecv -w payload -c 1 lo 0x88b5 >got 2>err &&
	wait_for bound $A 88b5 &&
	nsrun $A /usr/bin/python3 "$TRASH/peer.py" send lo 1 600000 >sent &&
	wait $pid &&
	test $(wc -c <got) = 599986
'

test_expect_success VETH 'bound to one ethertype, a tagged frame arrives without its tag' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -w hex -c 1 vb 0x88b5 >got 2>err &&
	wait_for bound $B 88b5 &&
	send 1 64 7 >sent &&
	wait $pid &&
	sed "s/^\(.\{24\}\)81000007/\1/" sent >want &&
	test_cmp want got
'

test_expect_success VETH '-w text: time, addresses, type, length, preview' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -w text -c 2 vb 0x88b5 >got 2>err &&
	wait_for bound $B 88b5 &&
	send 2 64 >/dev/null &&
	wait $pid &&
	test_line_count = 2 got &&
	test_grep -c "^[0-9:.]* 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff 0x88b5 len 64: " got
'

test_expect_success VETH '-w payload: the bytes after the header only' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -w payload -c 2 vb 0x88b5 >got 2>err &&
	wait_for bound $B 88b5 &&
	send 2 64 >sent &&
	wait $pid &&
	cut -c29- sent | tr -d "\n" >want &&
	od -An -tx1 -v got | tr -d " \n" >gothex &&
	test "$(cat want)" = "$(cat gothex)"
'

test_expect_success VETH '-t ends the run by itself with the summary' '
	nsrun $B ethrecv -t 1 vb 0x88b5 >t.pcap 2>err &&
	test_grep "^ethrecv: listening on vb (0x88b5), pcap to stdout$" err &&
	said >s && test_line_count = 1 s &&
	test_grep "^ethrecv: 0 frames received, 0 dropped by kernel$RATES" s &&
	test "$(wc -c <t.pcap)" = 24
'

test_expect_success VETH 'SIGTERM: flush, summary, exit 0' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv vb 0x88b5 >term.pcap 2>err &&
	wait_for bound $B 88b5 &&
	send 3 80 >sent &&
	wait_for sh -c "test \$(wc -c <term.pcap) -ge $((24 + 3 * 96))" &&
	kill -TERM $pid &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 0 &&
	said >s && test_line_count = 1 s &&
	test_grep "^ethrecv: 3 frames received, 0 dropped by kernel$RATES" s &&
	test "$(pcap_hex term.pcap)" = "$(cat sent)"
'

test_expect_success VETH 'a reader that goes away ends it at once: exit 0, nothing said' '
	timeout 20 sh -c "{ ip netns exec $B ethrecv vb all 2>err; echo \$? >rc; } | head -c 1 >/dev/null" &&
	test "$(cat rc)" = 0 &&
	said >s && test ! -s s
'

test_expect_success VETH 'stdout an unconnected socket: said at once, exit 111' '
	nsrun $B /usr/bin/python3 -c "
import socket, subprocess, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sys.exit(subprocess.call([\"ethrecv\", \"vb\", \"0x88b5\"], stdout=s))" 2>err ||
	rc=$? && test "$rc" = 111 &&
	test_grep "^ethrecv: stdout: Transport endpoint is not connected$" err
'

test_expect_success VETH 'stdout closed: nothing of ours goes out on the socket' '
	test_bg peer nsrun $A ethrecv -c 1 -w hex va all >peer.hex 2>/dev/null &&
	wait_for bound $A 0003 &&
	rm -f err &&
	test_bg pid nsrun $B ethrecv -c 1 vb 0x88b5 >&- 2>err &&
	wait_for bound $B 88b5 &&
	send 1 64 >/dev/null &&
	wait $pid &&
	test_grep "^ethrecv: 1 frame received" err &&
	nsrun $B /usr/bin/python3 "$TRASH/peer.py" send vb 1 70 >marker &&
	wait $peer &&
	test_cmp marker peer.hex
'

test_expect_success VETH 'stdout a socket whose reader goes away, nothing flowing: exit 0 at once' '
	cat >sockout.py <<-\EOF &&
	import socket, subprocess, sys
	a, b = socket.socketpair()
	p = subprocess.Popen(sys.argv[1:], stdout=a, stderr=open("err", "w"))
	a.close()
	got = b""
	while len(got) < 24:
	    got += b.recv(24 - len(got))
	b.close()
	try:
	    print("exit", p.wait(timeout=20))
	except subprocess.TimeoutExpired:
	    p.kill()
	    print("still running")
	EOF
	nsrun $B /usr/bin/python3 sockout.py ethrecv vb 0x88b5 >out &&
	echo "exit 0" >expect &&
	test_cmp expect out &&
	said >s && test ! -s s
'

test_expect_success VETH 'the reader goes away while frames flow: exit 0, nothing said' '
	rm -f err &&
	test_bg pid eval "{ nsrun $B ethrecv vb 0x88b5 2>err; echo \$? >rc; } | head -c 30 >/dev/null" &&
	wait_for bound $B 88b5 &&
	send 20 200 >/dev/null &&
	wait $pid &&
	test "$(cat rc)" = 0 &&
	said >s && test ! -s s
'

test_expect_success VETH 'stdout on /dev/full: message, summary, exit 111' '
	test_expect_code 111 nsrun $B ethrecv vb all >/dev/full 2>err &&
	test_grep "^ethrecv: write to stdout: No space left on device$" err &&
	test_grep "^ethrecv: 0 frames received, 0 dropped by kernel, 0 written$RATES" err
'

test_expect_success VETH 'by default our own outgoing frames are not captured' '
	rm -f err &&
	test_bg pid nsrun $A ethrecv -w hex -c 2 va all >got 2>err &&
	wait_for bound $A 0003 &&
	send 3 70 >/dev/null &&
	nsrun $B /usr/bin/python3 "$TRASH/peer.py" send vb 2 90 >sent &&
	wait $pid &&
	test_cmp sent got
'

test_expect_success VETH '-Q out captures only our own outgoing frames' '
	rm -f err &&
	test_bg pid ip netns exec $A ethrecv -Q out -w hex -c 3 va all >out 2>err &&
	wait_for bound $A 0003 &&
	nsrun $B /usr/bin/python3 "$TRASH/peer.py" send vb 2 90 >/dev/null &&
	send 3 70 >sent &&
	wait $pid &&
	test_cmp sent out
'

test_expect_success VETH '-Q out and inout on one ethertype: our frames of that type only' '
	rm -f err &&
	test_bg out nsrun $A ethrecv -Q out -w hex -c 3 va 0x88b5 >qout 2>err &&
	wait_for bound $A 0003 &&
	nsrun $A env TYPE=0x88b6 /usr/bin/python3 "$TRASH/peer.py" send va 2 80 >/dev/null &&
	nsrun $B /usr/bin/python3 "$TRASH/peer.py" send vb 2 90 >/dev/null &&
	send 3 70 >sent &&
	wait_for has_lines 3 qout &&
	wait "$out" &&
	test_cmp sent qout &&
	rm -f err &&
	test_bg inout nsrun $A ethrecv -Q inout -w hex -c 4 -F "greater 85" va 0x88b5 >qboth 2>err &&
	wait_for bound $A 0003 &&
	nsrun $A env TYPE=0x88b6 /usr/bin/python3 "$TRASH/peer.py" send va 2 100 >/dev/null &&
	nsrun $B /usr/bin/python3 "$TRASH/peer.py" send vb 2 95 5 >/dev/null &&
	send 2 70 >/dev/null &&
	send 2 100 >sent &&
	nsrun $B /usr/bin/python3 "$TRASH/peer.py" send vb 2 90 >>sent &&
	wait_for has_lines 4 qboth &&
	wait "$inout" &&
	test_cmp sent qboth
'

test_expect_success VETH '-Q out on a handed-over socket of one ethertype: exit 100' '
	test_expect_code 100 nsrun $B /usr/bin/python3 "$TRASH/peer.py" hold vb 0x88b5 0 \
		ethrecv -Q out -c 1 -t 3 2>err &&
	test_grep "^ethrecv: -Q: vb: the socket is bound to ethertype 0x88b5, and the kernel" err
'

test_expect_success VETH '-Q inout captures both directions' '
	rm -f err &&
	test_bg pid ip netns exec $A ethrecv -Q inout -w hex -c 4 va all >both 2>err &&
	wait_for bound $A 0003 &&
	send 2 70 >sent &&
	nsrun $B /usr/bin/python3 "$TRASH/peer.py" send vb 2 90 >>sent &&
	wait $pid &&
	test_cmp sent both
'

test_expect_success VETH '-F: only what the filter accepts' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -F "greater 100" -w hex -c 2 vb 0x88b5 >got 2>err &&
	wait_for bound $B 88b5 &&
	send 3 64 >/dev/null &&
	send 2 120 >sent &&
	wait $pid &&
	test_cmp sent got
'

test_expect_success VETH 'a handed-over socket (LISTEN_FDS, --fd) gets a ring too' '
	rm -f err &&
	test_bg pid nsrun $B /usr/bin/python3 "$TRASH/peer.py" hold vb 0x88b5 0 ethrecv -w hex -c 2 >got 2>err &&
	wait_for ringed $B &&
	send 2 64 >sent &&
	wait $pid &&
	test_cmp sent got
'

test_expect_success VETH,SETPRIV 'a socket handed over for the iface and ethertype named is the one used' '
	test_bg pid nsrun $B /usr/bin/python3 "$TRASH/peer.py" hold vb 0x88b5 0 \
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		ethrecv -w hex -c 1 vb 0x88b5 >got 2>err &&
	wait_for ringed $B &&
	send 1 64 >sent &&
	wait $pid &&
	test_cmp sent got
'

test_expect_success VETH '--fd names the handed-over socket' '
	rm -f err &&
	test_bg pid nsrun $B /usr/bin/python3 "$TRASH/peer.py" hold vb 0x88b5 0 env -u LISTEN_FDS ethrecv --fd 3 -w hex -c 1 >got 2>err &&
	wait_for ringed $B &&
	send 1 64 >sent &&
	wait $pid &&
	test_cmp sent got
'

test_expect_success VETH '-F on a handed-over socket with a locked filter fails clearly' '
	test_expect_code 111 nsrun $B /usr/bin/python3 "$TRASH/peer.py" hold vb 0x88b5 1 ethrecv -F "greater 100" -c 1 >got 2>err &&
	test_grep "ethrecv: -F: vb: the socket.s filter is locked" err
'

test_expect_success VETH 'short, long and tagged frames mixed, through a small ring, to a pipe and a file' '
	rm -f err &&
	test_bg pid eval "nsrun $B ethrecv -B 64k -c 35 vb all 2>err | cat >mixed.pcap" &&
	test_bg pid2 nsrun $B ethrecv -B 64k -c 35 vb all >mixed2.pcap 2>err2 &&
	wait_for bound2 $B 0003 &&
	for i in 1 2 3 4 5
	do
		send 2 60 && send 1 512 && send 1 513 && send 2 1514 &&
		send 1 1514 7 || return 1
	done >sent &&
	wait $pid && wait $pid2 &&
	pcap_hex mixed.pcap >got &&
	test_cmp sent got &&
	pcap_hex mixed2.pcap >got2 &&
	test_cmp sent got2 &&
	test_grep "^ethrecv: 35 frames received, 0 dropped by kernel$RATES" err
'

test_expect_success VETH '-t takes milliseconds: 250ms ends a capture, 0 is refused' '
	nsrun $B ethrecv -t 250ms vb 0x88b5 >t.pcap 2>err &&
	test "$(wc -c <t.pcap)" = 24 &&
	test_grep "^ethrecv: 0 frames received" err &&
	test_expect_code 100 ethrecv -t 0 vb 0x88b5 2>err &&
	test_grep -x "ethrecv: -t 0: too short (at least 1ms)" err
'

# counted N: after a SIGUSR1, the last counts ethrecv said (received and
# dropped by kernel, of $pid into err) add up to N.
counted() {
	kill -USR1 $pid &&
	awk -v n="$1" '/^ethrecv: [0-9]+ frames? received, [0-9]+ dropped by kernel/ { r = $2; d = $5 }
	    END { exit !(r + d == n) }' err
}

test_expect_success VETH 'a stalled reader: what the ring cannot hold is counted dropped, the rest kept once' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -B 16k -w hex vb 0x88b5 >got 2>err &&
	wait_for grep -q listening err &&
	kill -STOP $pid &&
	send 500 200 >sent &&
	kill -CONT $pid &&
	wait_for counted 500 &&
	kill -TERM $pid &&
	wait $pid &&
	said | tail -n 1 >last &&
	recv=$(cut -d" " -f2 last) && drop=$(cut -d" " -f5 last) &&
	test $((recv + drop)) = 500 &&
	test "$drop" -gt 0 &&
	test_line_count = "$recv" got &&
	grep -Fxf sent got >kept &&
	test_cmp got kept &&
	sort -u got >once &&
	test_line_count = "$recv" once
'

test_expect_success VETH 'the interface goes away: message, summary, exit 111, a valid pcap' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv vb 0x88b5 >gone.pcap 2>err &&
	wait_for bound $B 88b5 &&
	send 4 64 >sent &&
	wait_for sh -c "test \$(wc -c <gone.pcap) -ge $((24 + 4 * 80))" &&
	ip -n $A link del va &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 111 &&
	test_grep "^ethrecv: vb: Network is down$" err &&
	test_grep "^ethrecv: 4 frames received, 0 dropped by kernel$RATES" err &&
	test "$(pcap_hex gone.pcap)" = "$(cat sent)"
'

test_done
