#!/bin/sh
test_description='ethrecv and ethsend: readiness, SIGUSR1, progress, kv summaries, input detection, exit status, VLAN filters'
. "$(dirname "$0")/test-lib.sh"
# What ends every summary: its time and rates.
RATES=' in [0-9.]* s ([0-9.]* frames/s, [0-9.]* Mbit/s)$'
# The key=value summaries, numbers aside.
KV_RECV='^ethrecv: received=[0-9]* dropped=[0-9]* bytes=[0-9]* written=[0-9]* truncated=[0-9]* elapsed=[0-9.]* fps=[0-9.]* mbps=[0-9.]*$'
KV_SEND='^ethsend: sent=[0-9]* bytes=[0-9]* errors=[0-9]* skipped=[0-9]* elapsed=[0-9.]* fps=[0-9.]* mbps=[0-9.]*$'

# peer.py send IFACE COUNT LEN [VLAN]: sends COUNT numbered frames of LEN
# bytes (ethertype 0x88b5, optionally 802.1Q-tagged, in the frame's bytes)
# and prints each as hex.
# peer.py pcap FILE HEX...: a microsecond pcap, one Ethernet record each.
cat >peer.py <<'PY'
import socket, struct, sys
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
        f += struct.pack("!HI", 0x88b5, i)
        f += bytes([(tag or 0) + i & 0xff]) * (ln - len(f))
        s.send(f)
        print(f.hex())
elif cmd == "pcap":
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
    for h in sys.argv[3:]:
        d = bytes.fromhex(h)
        out += struct.pack("<IIII", 0, 0, len(d), len(d)) + d
    open(sys.argv[2], "wb").write(out)
PY

# A process to be signalled runs under ip netns exec itself, which execs
# it: nsrun, a shell function, would put a subshell in between.
send() { nsrun $A /usr/bin/python3 "$TRASH/peer.py" send va "$@"; }
ethsend_a() { nsrun $A ethsend "$@"; }

# loop OPTION...: a command for sh -c that runs ethsend -l 0 va 0x88b5
# <one.pcap in A, with OPTIONs, as one process to signal (test_bg's pid:
# no shell function in between).  The input is redirected inside sh -c:
# the shell gives a background command /dev/null for stdin before any
# redirection that test_bg's caller could make.
loop() { echo "exec ip netns exec $A ethsend $* -l 0 va 0x88b5 <one.pcap"; }
# ready [FILE]: ethrecv said it listens (on stderr, in FILE, default err).
ready() { grep -q "^ethrecv: listening on " "${1:-err}"; }
# has_lines N FILE: FILE holds at least N lines.
has_lines() { test "$(wc -l <"$2")" -ge "$1"; }
# bound NS PROTO: a packet socket for PROTO (hex, as /proc shows it) is bound.
bound() {
	ip netns exec "$1" cat /proc/net/packet | awk -v p="$2" '$4 == p { f = 1 } END { exit !f }'
}
# said [FILE]: what ethrecv said, less its readiness line.
said() { grep -v "^ethrecv: listening on " "${1:-err}" || :; }

FRAME=ffffffffffff02000000000188b5$(printf '%092d' 0)

if test_have_prereq NETNS,PYTHON; then
	test_netns A B && test_veth $A va $B vb && test_set_prereq VETH
fi
command -v ethtool >/dev/null && test_set_prereq ETHTOOL

# ---- ethrecv: the readiness line, -q, SIGUSR1, -v, kv ----

test_expect_success VETH 'readiness line: pcap to stdout, exact, before any frame' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -c 1 vb 0x88b5 >one.pcap 2>err &&
	wait_for ready &&
	send 1 64 >sent &&
	wait $pid &&
	echo "ethrecv: listening on vb (0x88b5), pcap to stdout" >want &&
	head -n 1 err >first &&
	test_cmp want first &&
	test "$(pcap_hex one.pcap)" = "$(cat sent)"
'

test_expect_success VETH 'readiness line: -w hex on all' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -w hex -c 1 vb all >got 2>err &&
	wait_for ready &&
	send 1 64 >sent &&
	wait $pid &&
	echo "ethrecv: listening on vb (all), hex to stdout" >want &&
	head -n 1 err >first &&
	test_cmp want first &&
	test_cmp sent got
'

test_expect_success VETH 'readiness line: -e says the program it serves with' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -e -c 1 vb 0x88b5 -- cat >out 2>err &&
	wait_for ready &&
	send 1 64 >/dev/null &&
	wait $pid &&
	echo "ethrecv: listening on vb (0x88b5), serving cat" >want &&
	head -n 1 err >first &&
	test_cmp want first
'

test_expect_success VETH '-q: no readiness line' '
	nsrun $B ethrecv -q -t 1 vb 0x88b5 >q.pcap 2>err &&
	test "$(wc -c <q.pcap)" = 24 &&
	! grep "listening" err
'

test_expect_success VETH '-q: SIGUSR1 still says the counts, and only that' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -q -w hex vb 0x88b5 >got 2>err &&
	wait_for bound $B 88b5 &&
	send 2 64 >sent &&
	wait_for has_lines 2 got &&
	kill -USR1 $pid &&
	wait_for grep -q "^ethrecv: 2 frames received, 0 dropped by kernel$RATES" err &&
	kill -TERM $pid &&
	wait $pid &&
	test_line_count = 1 err
'

test_expect_success VETH '-q: no summary either, as ethsend -q' '
	nsrun $B ethrecv -q -t 1 vb 0x88b5 >q.pcap 2>err &&
	test_line_count = 0 err
'

test_expect_success VETH 'SIGUSR1: the counts so far, and the capture goes on' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -w hex vb 0x88b5 >got 2>err &&
	wait_for ready &&
	send 2 64 >sent &&
	wait_for has_lines 2 got &&
	kill -USR1 $pid &&
	wait_for grep -q "^ethrecv: 2 frames received, 0 dropped by kernel" err &&
	kill -0 $pid &&
	send 3 64 >>sent &&
	wait_for has_lines 5 got &&
	kill -TERM $pid &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 0 &&
	test_cmp sent got &&
	said >s && test_line_count = 2 s &&
	sed -n 1p s >first && sed -n 2p s >last &&
	test_grep "^ethrecv: 2 frames received, 0 dropped by kernel$RATES" first &&
	test_grep "^ethrecv: 5 frames received, 0 dropped by kernel$RATES" last
'

# A rate line a second: waited for as a condition, its shape checked,
# never its numbers.
test_expect_success VETH '-v and --progress: rate lines of the right shape' '
	line="^ethrecv: [0-9]* frames/s, [0-9]* bytes/s, [0-9]* received, [0-9]* dropped$" &&
	for opt in -v --progress
	do
		rm -f err &&
		test_bg pid ip netns exec $B ethrecv $opt -w hex vb 0x88b5 >got 2>err &&
		wait_for ready &&
		send 2 64 >/dev/null &&
		wait_for has_lines 2 got &&
		wait_for grep -q "$line" err &&
		wait_for grep -q "^ethrecv: [0-9]* frames/s, [0-9]* bytes/s, 2 received, 0 dropped$" err &&
		kill -TERM $pid &&
		wait $pid || return 1
		said >s &&
		grep -v "$line" s >rest &&
		test_line_count = 1 rest &&
		test_grep "^ethrecv: 2 frames received, 0 dropped by kernel$RATES" rest ||
		return 1
	done
'

test_expect_success VETH 'ethrecv --stats-format=kv: the keys, in order' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv --stats-format=kv -c 2 vb 0x88b5 >kv.pcap 2>err &&
	wait_for ready &&
	send 2 64 >/dev/null &&
	wait $pid &&
	said >s && test_line_count = 1 s &&
	test_grep "$KV_RECV" s &&
	test_grep "^ethrecv: received=2 dropped=0 bytes=128 written=2 truncated=0 " s
'

test_expect_success VETH 'ethrecv --stats-format=kv answers SIGUSR1 in kind' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv --stats-format=kv -w hex vb 0x88b5 >got 2>err &&
	wait_for ready &&
	send 1 64 >/dev/null &&
	wait_for has_lines 1 got &&
	kill -USR1 $pid &&
	wait_for grep -q "^ethrecv: received=1 " err &&
	kill -TERM $pid &&
	wait $pid &&
	said >s && test_line_count = 2 s &&
	test_grep -c "$KV_RECV" s
'

test_expect_success VETH 'stdout on /dev/full with frames: the summary says what was written' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -w hex vb 0x88b5 >/dev/full 2>err &&
	wait_for ready &&
	send 1 64 >/dev/null &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 111 &&
	test_grep "^ethrecv: write to stdout: No space left on device$" err &&
	test_grep "^ethrecv: 1 frame received, 0 dropped by kernel, 0 written$RATES" err
'

# ---- ethsend: SIGUSR1, -P, kv, -r, input detection, exit status ----

test_expect_success VETH 'setup: a one-frame pcap' '
	/usr/bin/python3 peer.py pcap one.pcap "$FRAME"
'

# looping OPTION...: a capture on vb into got ($rpid), and `ethsend
# OPTION... -l 0` sending into it ($pid, its stderr in err), once the
# first frame has come.  test_bg's, so run it in the test's own shell.
looping() {
	rm -f rerr err &&
	test_bg rpid nsrun $B ethrecv -q -w hex vb 0x88b5 >got 2>rerr &&
	wait_for bound $B 88b5 &&
	test_bg pid sh -c "$(loop "$@")" 2>err &&
	wait_for has_lines 1 got
}

test_expect_success VETH 'SIGUSR1 to a looping ethsend: a line, and it goes on' '
	looping -r 50 &&
	kill -USR1 $pid &&
	wait_for grep -q "^ethsend: [0-9]* frames\{0,1\} sent, [0-9]* bytes, 0 errors$RATES" err &&
	n=$(wc -l <got) &&
	wait_for has_lines $((n + 2)) got &&
	kill -0 $pid &&
	kill -TERM $pid &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 0 &&
	test_line_count = 2 err &&
	test_grep -c "^ethsend: [0-9]* frames\{0,1\} sent, [0-9]* bytes, 0 errors$RATES" err
'

test_expect_success VETH 'SIGUSR1 to ethsend -q: the line all the same, and no summary' '
	looping -q -r 50 &&
	kill -USR1 $pid &&
	wait_for grep -q "^ethsend: [0-9]* frames\{0,1\} sent, [0-9]* bytes, 0 errors$RATES" err &&
	kill -TERM $pid &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 0 &&
	test_line_count = 1 err
'

test_expect_success VETH 'ethsend -P and --progress: rate lines of the right shape' '
	line="^ethsend: [0-9]* frames/s, [0-9]* bytes/s, [0-9]* sent, 0 errors$" &&
	for opt in -P --progress
	do
		rm -f err &&
		test_bg pid sh -c "$(loop $opt -r 50)" 2>err &&
		wait_for grep -q "$line" err &&
		kill -TERM $pid &&
		wait $pid &&
		grep -v "$line" err >rest &&
		test_line_count = 1 rest &&
		test_grep "^ethsend: [0-9]* frames\{0,1\} sent, [0-9]* bytes, 0 errors$RATES" rest ||
		return 1
	done
'

test_expect_success VETH 'ethsend --stats-format=kv: the keys, in order' '
	printf "%s\n" "$FRAME" "$FRAME" "$FRAME" |
		ethsend_a --stats-format=kv -f hex va 0x88b5 2>err &&
	test_line_count = 1 err &&
	test_grep "$KV_SEND" err &&
	test_grep "^ethsend: sent=3 bytes=180 errors=0 skipped=0 " err
'

test_expect_success VETH 'ethsend -r 10pps and -r 1Mbps are rates; -r 10xyz is a usage error' '
	printf "%s\n" "$FRAME" "$FRAME" | ethsend_a -r 10pps -f hex va 0x88b5 2>err &&
	test_grep "^ethsend: 2 frames sent, 120 bytes, 0 errors$RATES" err &&
	printf "%s\n" "$FRAME" "$FRAME" | ethsend_a -r 1Mbps -f hex va 0x88b5 2>err &&
	test_grep "^ethsend: 2 frames sent, 120 bytes, 0 errors$RATES" err &&
	test_expect_code 100 ethsend -r 10xyz </dev/null 2>err &&
	echo "ethsend: -r 10xyz: not a number (k, M or G may follow)" >want &&
	test_cmp want err
'

test_expect_success VETH 'a gzipped pcap is refused: decompress it first' '
	gzip -c one.pcap >one.pcap.gz &&
	test_expect_code 111 ethsend_a va 0x88b5 <one.pcap.gz 2>err &&
	echo "ethsend: stdin: gzip-compressed: decompress it first" >want &&
	test_cmp want err &&
	gzip -dc one.pcap.gz | ethsend_a va 0x88b5 2>err &&
	test_grep "^ethsend: 1 frame sent, 60 bytes, 0 errors$RATES" err
'

test_expect_success VETH 'binary input is refused as not text; -f raw sends it' '
	/usr/bin/python3 -c "import sys; sys.stdout.buffer.write(bytes(range(256))[:200])" >bin &&
	test_expect_code 111 ethsend_a va 0x88b5 <bin 2>err &&
	echo "ethsend: stdin: not text: give -f raw to send it as payloads" >want &&
	test_cmp want err &&
	rm -f rerr &&
	test_bg pid nsrun $B ethrecv -w payload -c 1 vb 0x88b5 >got 2>rerr &&
	wait_for ready rerr &&
	ethsend_a -f raw va 0x88b5 <bin 2>err &&
	wait $pid &&
	cmp bin got
'

test_expect_success VETH 'hex with colons is sent byte-identical' '
	hex=ffffffffffff02000000000188b5$(printf "%092d" 7) &&
	echo "$hex" | sed "s/../&:/g; s/:$//" >colons &&
	test_grep -c "^ff:ff:ff:" colons &&
	rm -f rerr &&
	test_bg pid nsrun $B ethrecv -w hex -c 1 vb 0x88b5 >got 2>rerr &&
	wait_for ready rerr &&
	ethsend_a -f hex va 0x88b5 <colons 2>err &&
	wait $pid &&
	echo "$hex" >want &&
	test_cmp want got
'

test_expect_success VETH,SCAPY 'cooked captures (SLL, SLL2): sent as Ethernet, -d the destination' '
	/usr/bin/python3 -c "
from scapy.all import wrpcap, CookedLinux, CookedLinuxV2, Raw
src = bytes.fromhex(\"020000000009\")
wrpcap(\"sll.pcap\", [CookedLinux(pkttype=4, lladdrtype=1, lladdrlen=6,
    src=src + b\"\\0\\0\", proto=0x88b5) / Raw(b\"s\" * 50)])
wrpcap(\"sll2.pcap\", [CookedLinuxV2(proto=0x88b5, ifindex=1, lladdrtype=1,
    pkttype=4, lladdrlen=6, src=src + b\"\\0\\0\") / Raw(b\"t\" * 50)])
" &&
	test "$(od -An -tu4 -j20 -N4 sll.pcap | tr -d " ")" = 113 &&
	test "$(od -An -tu4 -j20 -N4 sll2.pcap | tr -d " ")" = 276 &&
	rm -f rerr &&
	test_bg pid nsrun $B ethrecv -w hex -c 3 vb 0x88b5 >got 2>rerr &&
	wait_for ready rerr &&
	ethsend_a -d 02:00:00:00:00:0b va 0x88b5 <sll.pcap 2>err &&
	ethsend_a -d 02:00:00:00:00:0b va 0x88b5 <sll2.pcap 2>>err &&
	ethsend_a va 0x88b5 <sll.pcap 2>>err &&
	wait $pid &&
	s=$(printf "73%.0s" $(seq 50)) && t=$(printf "74%.0s" $(seq 50)) &&
	printf "%s\n" "02000000000b02000000000988b5$s" \
		"02000000000b02000000000988b5$t" \
		"ffffffffffff02000000000988b5$s" >want &&
	test_cmp want got &&
	test_grep -c "^ethsend: 1 frame sent, 64 bytes, 0 errors$RATES" err
'

test_expect_success VETH 'ethsend exit status: 0 when every frame was sent, 111 when one was skipped' '
	printf "%s\n" "$FRAME" "$FRAME" | ethsend_a -k -f hex va 0x88b5 2>err &&
	test_grep "^ethsend: 2 frames sent, 120 bytes, 0 errors, 0 skipped$RATES" err &&
	printf "%s\n" "$FRAME" 0102 "$FRAME" >short.hex &&
	test_expect_code 111 ethsend_a -k -f hex va 0x88b5 <short.hex 2>err &&
	test_grep "^ethsend: 2 frames sent, 120 bytes, 0 errors, 1 skipped$RATES" err &&
	test_expect_code 111 ethsend_a -k -f hex --stats-format=kv va 0x88b5 <short.hex 2>err &&
	test_grep "^ethsend: sent=2 bytes=120 errors=0 skipped=1 " err &&
	test_expect_code 111 ethsend_a -f hex va 0x88b5 <short.hex 2>err &&
	test_grep "^ethsend: 1 frame sent, 60 bytes, 0 errors$RATES" err
'

# ---- -F 'vlan N': the tagged frames of VLAN N, whoever took the tag off ----

# vlan_case PROG...: PROG (an ethrecv -w hex -c 2, or one under rawopen)
# in B gets exactly the two frames tagged 5 of a mix sent through the veth:
# untagged, tagged 7, tagged 5, sent in that order.
vlan_case() {
	rm -f rerr &&
	test_bg pid nsrun $B "$@" >got 2>rerr &&
	wait_for ready rerr &&
	send 2 70 >/dev/null &&
	send 2 70 7 >/dev/null &&
	send 2 70 5 >sent &&
	wait $pid &&
	test_cmp sent got
}

test_expect_success VETH "ethrecv -F 'vlan 5' on all: the frames tagged 5, tag and all" '
	vlan_case ethrecv -F "vlan 5" -w hex -c 2 -t 20 vb all
'

test_expect_success VETH "ethrecv -F 'vlan 5 and greater 70': both tests apply" '
	rm -f rerr &&
	test_bg pid nsrun $B ethrecv -F "vlan 5 and greater 80" -w hex -c 1 -t 20 vb all >got 2>rerr &&
	wait_for ready rerr &&
	send 1 100 >/dev/null &&
	send 1 70 5 >/dev/null &&
	send 1 100 7 >/dev/null &&
	send 1 100 5 >sent &&
	wait $pid &&
	test_cmp sent got
'

test_expect_success VETH,ETHTOOL "-F 'vlan 5' with the veth's rx-vlan offload off" '
	nsrun $B ethtool -K vb rxvlan off &&
	nsrun $B ethtool -k vb | test_grep "^rx-vlan-offload: off" &&
	vlan_case ethrecv -F "vlan 5" -w hex -c 2 -t 20 vb all
'

test_expect_success VETH,ETHTOOL "-F 'vlan 5' with the veth's rx-vlan offload on" '
	nsrun $B ethtool -K vb rxvlan on &&
	nsrun $B ethtool -k vb | test_grep "^rx-vlan-offload: on" &&
	vlan_case ethrecv -F "vlan 5" -w hex -c 2 -t 20 vb all
'

# rawopen as root needs no policy: its socket is send=any, a packet
# socket, to which it attaches the filter before the handover.
test_expect_success VETH "rawopen -F 'vlan 5' as root: the same frames reach ethrecv" '
	vlan_case rawopen -F "vlan 5" vb all -- ethrecv -w hex -c 2 -t 20
'

test_done
