#!/bin/sh
test_description='ethrecv -j: capture workers, a socket and a ring each, one stream'
. "$(dirname "$0")/test-lib.sh"
said() { grep -v "^ethrecv: listening on " "${1:-err}" || :; }

# send.py IFACE KIND FIRST COUNT: frames numbered FIRST.. (b"fdcap-" and
# ten digits in the payload).  KIND eth: ethertype 0x88b5, 50 source MACs;
# udp: IPv4/UDP in 8 flows (source address and port), frame i in flow i % 8.
cat >send.py <<\EOF2
import socket, struct, sys
ifc, kind, first, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
s.bind((ifc, 0))
for i in range(first, first + n):
    body = b"fdcap-%010d" % i + b"\0" * 20
    if kind == "eth":
        f = b"\xff" * 6 + b"\x02\0\0\0\0" + bytes([i % 50 + 1]) + b"\x88\xb5" + body
    else:
        flow = i % 8
        udp = struct.pack("!HHHH", 1000 + flow, 53, 8 + len(body), 0) + body
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                         bytes([10, 0, 0, 1 + flow]), bytes([10, 0, 1, 1]))
        f = b"\xff" * 6 + b"\x02\0\0\0\0\x01" + b"\x08\x00" + ip + udp
    s.send(f)
EOF2

# check.py N [order] <HEX: every frame 0..N-1 exactly once; with order,
# the frames of each flow (source MAC, address, port) in sequence.
cat >check.py <<\EOF2
import sys
n, order = int(sys.argv[1]), sys.argv[2:] == ["order"]
seen, last, bad = {}, {}, 0
for line in sys.stdin:
    f = bytes.fromhex(line.strip())
    k = f.find(b"fdcap-")
    seq = int(f[k + 6:k + 16])
    seen[seq] = seen.get(seq, 0) + 1
    flow = f[6:12] + (f[26:30] + f[34:36] if f[12:14] == b"\x08\x00" else b"")
    if order and flow in last and last[flow] > seq:
        print("flow %s: %d after %d" % (flow.hex(), seq, last[flow])); bad = 1
    last[flow] = seq
for i in range(n):
    if seen.get(i, 0) != 1:
        print("frame %d seen %d times" % (i, seen.get(i, 0))); bad = 1
extra = set(seen) - set(range(n))
if extra:
    print("unexpected frames", sorted(extra)[:10]); bad = 1
sys.exit(bad)
EOF2
chmod 0644 send.py check.py

if test_have_prereq NETNS,PYTHON; then
	test_netns A B && test_veth $A va $B vb && test_set_prereq VETH
	if test_have_prereq SETPRIV,RAWOPEN_BUILD && test_rawopen; then
		test_set_prereq RAWOPEN
	fi
fi
chmod 0755 "$TRASH"

# nobody ARGS...: rawopen, as uid 65534 in B, under $POLICY.
nobody() {
	nsrun $B setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$RAWOPEN" "$@"
}

send() { nsrun $A /usr/bin/python3 "$TRASH/send.py" va "$@"; }
check() { /usr/bin/python3 "$TRASH/check.py" "$@"; }

# Every worker's socket is bound, with its ring, before the line
# "ethrecv: listening on" (in err): the tests wait for it.
# has_lines N FILE: FILE holds N lines.
has_lines() { test "$(wc -l <"$2")" = "$1"; }
# worker_sum FILE: the frames the worker lines of FILE add up to.
worker_sum() {
	sed -n "s/^ethrecv: worker [0-9]*: \([0-9]*\) received, [0-9]* dropped$/\1/p" "$1" |
		awk '{ s += $1 } END { print s + 0 }'
}

test_expect_success VETH '-j 2:lb: every frame once across the workers, a line for each' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -j 2:lb -c 200 -w hex vb 0x88b5 >got 2>err &&
	wait_for grep -q listening err &&
	send eth 0 200 &&
	wait $pid &&
	check 200 <got &&
	test_grep "^ethrecv: 200 frames received, 0 dropped by kernel" err &&
	test_grep "^ethrecv: worker 0: [1-9][0-9]* received, 0 dropped$" err &&
	test_grep "^ethrecv: worker 1: [1-9][0-9]* received, 0 dropped$" err &&
	test "$(worker_sum err)" = 200 &&
	test_grep "^ethrecv: listening on vb (0x88b5), hex to stdout, with workers$" err
'

test_expect_success VETH '-j 2 (hash): IPv4/UDP flows, each frame once, each flow in order' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -j 2 -c 400 -w hex vb 0x0800 >got 2>err &&
	wait_for grep -q listening err &&
	send udp 0 400 &&
	wait $pid &&
	check 400 order <got &&
	test "$(worker_sum err)" = 400
'

test_expect_success VETH,TCPDUMP '-j 2:lb pcap: tcpdump -r - reads every record, whole' '
	rm -f err &&
	test_bg pid eval "nsrun $B ethrecv -j 2:lb -c 300 vb 0x88b5 2>err | tee out.pcap | tcpdump -r - -nn >td 2>tderr" &&
	wait_for grep -q listening err &&
	send eth 0 300 &&
	wait $pid &&
	test "$(grep -c "^[0-9]" td)" = 300 &&
	pcap_hex out.pcap | check 300 &&
	test "$(od -An -tx1 -N4 out.pcap | tr -d " ")" = 4d3cb2a1
'

test_expect_success VETH,TCPDUMP '-j 2:lb -w pcapng: an IDB for each worker, every EPB read' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -j 2:lb -c 100 -w pcapng vb 0x88b5 >out.pcapng 2>err &&
	wait_for grep -q listening err &&
	send eth 0 100 &&
	wait $pid &&
	tcpdump -r out.pcapng -nn >td 2>tderr &&
	test "$(grep -c "^[0-9]" td)" = 100 &&
	/usr/bin/python3 -c "
import struct, sys
d = open(\"out.pcapng\", \"rb\").read()
i, kinds, ifs = 0, [], set()
while i < len(d):
    t, l = struct.unpack_from(\"<II\", d, i)
    kinds.append(t)
    if t == 6: ifs.add(struct.unpack_from(\"<I\", d, i + 8)[0])
    i += l
assert kinds.count(1) == 2 and kinds.count(5) == 2 and kinds.count(6) == 100, kinds
assert ifs == {0, 1}, ifs
"
'

test_expect_success VETH 'a small ring wraps in each worker: no frame lost or twice' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -j 2:lb -B 16k -c 2000 -w hex vb 0x88b5 >got 2>err &&
	wait_for grep -q listening err &&
	for r in $(seq 0 19); do
		send eth $((r * 100)) 100 &&
		wait_for has_lines $(((r + 1) * 100)) got || return 1
	done &&
	wait $pid &&
	check 2000 <got &&
	test_grep "^ethrecv: 2000 frames received, 0 dropped by kernel" err
'

test_expect_success VETH '--stats-format=kv: a worker= line for each' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -j 2:lb -c 10 -w hex --stats-format=kv vb 0x88b5 >got 2>err &&
	wait_for grep -q listening err &&
	send eth 0 10 &&
	wait $pid &&
	test_grep "^ethrecv: received=10 dropped=0 " err &&
	test_grep "^ethrecv: worker=0 received=[0-9]* dropped=0$" err &&
	test_grep "^ethrecv: worker=1 received=[0-9]* dropped=0$" err
'

test_expect_success VETH 'SIGUSR1 says the counts; SIGTERM ends the workers, exit 0' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -j 3:lb -w hex vb 0x88b5 >got 2>err &&
	wait_for grep -q listening err &&
	send eth 0 30 &&
	wait_for has_lines 30 got &&
	kill -USR1 $pid &&
	wait_for grep -q "^ethrecv: worker 2: 10 received" err &&
	kill -TERM $pid && wait $pid &&
	check 30 <got &&
	tail -n 4 err >last &&
	test_grep "^ethrecv: 30 frames received" last &&
	test "$(worker_sum last)" = 30
'

# affinities PID: the CPUs each thread of PID may run on, a line each.
affinities() {
	for _t in /proc/$1/task/*; do
		grep "^Cpus_allowed_list" $_t/status || return 1
	done
}

test_expect_success VETH '-P pins each worker to its CPU' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -j 2:lb -P 0 -w hex vb 0x88b5 >got 2>err &&
	wait_for grep -q listening err &&
	send eth 0 4 &&
	wait_for has_lines 4 got &&
	affinities $pid >aff &&
	kill -TERM $pid && wait $pid &&
	check 4 <got &&
	test_line_count = 3 aff &&
	test "$(grep -c "	0$" aff)" = 2
'

# -P 0,1 with three workers: the list in turn, 0, 1, 0 (the main thread
# keeps every CPU it may use).
taskset -pc $$ 2>/dev/null | grep -q "0-[1-9]\|0,1" && test_set_prereq CPU01
test_expect_success VETH,CPU01 '-P takes its CPUs in turn' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -j 3:lb -P 0,1 -w hex vb 0x88b5 >got 2>err &&
	wait_for grep -q listening err &&
	send eth 0 6 &&
	wait_for has_lines 6 got &&
	affinities $pid >aff &&
	kill -TERM $pid && wait $pid &&
	check 6 <got &&
	test_line_count = 4 aff &&
	test "$(grep -c "	0$" aff)" = 2 &&
	test "$(grep -c "	1$" aff)" = 1
'

test_expect_success VETH '-t ends the workers: exit 0, a line for each' '
	nsrun $B ethrecv -j 2:lb -t 250ms -w hex vb 0x88b5 >got 2>err &&
	test_grep "^ethrecv: 0 frames received, 0 dropped by kernel in " err &&
	test_grep "^ethrecv: worker 0: 0 received, 0 dropped$" err &&
	test_grep "^ethrecv: worker 1: 0 received, 0 dropped$" err
'

# sent_until FILE: one more frame, then whether FILE is there (for wait_for).
sent_until() { send eth 0 1 && test -s "$1"; }
test_expect_success VETH 'the reader goes away: the workers end quietly, exit 0' '
	rm -f err rc &&
	test_bg pid sh -c "(ip netns exec $B ethrecv -j 2:lb -w hex vb 0x88b5 2>err; echo \$? >rc) | head -n 3 >got" &&
	wait_for grep -q listening err &&
	wait_for sent_until rc &&
	wait $pid &&
	test "$(cat rc)" = 0 &&
	test_line_count = 3 got &&
	! grep -v "^ethrecv: listening on \|^ethrecv: .*received" err
'

test_expect_success VETH '-o -C: one set of files, each whole, every frame once' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -j 2:lb -c 300 -o cap -C 4k vb 0x88b5 2>err &&
	wait_for grep -q listening err &&
	send eth 0 300 &&
	wait $pid &&
	test -e cap.2 &&
	for f in cap.*; do pcap_hex $f || return 1; done | check 300
'

test_expect_success RAWOPEN 'a rawopen -j group handed over: a worker on each socket' '
	printf "%s\n" "user:nobody packet iface=vb ethertype=0x88b5 send=any fanout=2" >"$POLICY" &&
	chmod 0644 "$POLICY" &&
	rm -f err &&
	test_bg pid nobody -j 2:lb vb 0x88b5 -- ethrecv -j 2 -c 100 -w hex >got 2>err &&
	wait_for grep -q listening err &&
	send eth 0 100 &&
	wait $pid &&
	check 100 <got &&
	test_grep "^ethrecv: worker 0: 50 received, 0 dropped$" err &&
	test_grep "^ethrecv: worker 1: 50 received, 0 dropped$" err
'

test_expect_success RAWOPEN 'relayed (send=iface): a worker on each relayed fd' '
	printf "%s\n" "user:nobody packet iface=vb ethertype=0x88b5 fanout=2" >"$POLICY" &&
	rm -f err &&
	test_bg pid nobody -j 2:lb vb 0x88b5 -- ethrecv -j 2 -c 40 -w hex >got 2>err &&
	wait_for grep -q listening err &&
	send eth 0 40 &&
	wait $pid &&
	check 40 <got &&
	test "$(worker_sum err)" = 40
'

test_expect_success RAWOPEN 'handed over: -j is the number of sockets, the group mode comes from rawopen' '
	printf "%s\n" "user:nobody packet iface=vb ethertype=0x88b5 send=any fanout=2" >"$POLICY" &&
	test_expect_code 100 nobody -j 2 vb 0x88b5 -- ethrecv -j 3 2>err &&
	test_grep -x "ethrecv: -j 3: 2 sockets were handed over (rawopen -j 3 hands over 3)" err &&
	test_expect_code 100 nobody -j 2 vb 0x88b5 -- ethrecv -j 2:lb 2>err &&
	test_grep -x "ethrecv: -j 2:lb: the sockets handed over are in rawopen.s fanout group already" err
'

# One socket of a group read alone would lose the others' share of the
# frames, and say nothing: without -j (or with -j 1, or -e) it is refused.
test_expect_success RAWOPEN 'one socket of a handed-over group is not read alone' '
	printf "%s
" "user:nobody packet iface=vb ethertype=0x88b5 send=any fanout=2" >"$POLICY" &&
	for j in "" "-j 1"; do
		test_expect_code 100 nobody -j 2:lb vb 0x88b5 -- ethrecv $j -c 1 2>err &&
		test_grep -x "ethrecv: fd 3 is one of 2 sockets handed over that share its frames (rawopen -j 2): -j 2 reads them all" err || return 1
	done &&
	test_expect_code 100 nobody -j 2:lb vb 0x88b5 -- ethrecv -e -- cat 2>err &&
	test_grep -x "ethrecv: -e serves one socket, and fd 3 is one of 2 handed over that share its frames (rawopen -j 2)" err &&
	printf "%s\n" "user:nobody packet iface=vb ethertype=0x88b5 fanout=2" >"$POLICY" &&
	test_expect_code 100 nobody -j 2:lb vb 0x88b5 -- ethrecv -c 1 2>err &&
	test_grep "^ethrecv: fd 3 is one of 2 sockets handed over" err
'

# Operands that are not what was handed over: that is the mistake, and
# it is what ethrecv says (not that it lacks CAP_NET_RAW for its own).
test_expect_success RAWOPEN 'operands that do not match the socket handed over are named' '
	printf "%s\n" "user:nobody packet iface=vb ethertype=0x88b5 send=any" >"$POLICY" &&
	test_expect_code 100 nobody vb 0x88b5 -- ethrecv -c 1 vb 0x88b6 2>err &&
	test_grep -x "ethrecv: fd 3 is for vb 0x88b5, not vb 0x88b6 (a socket of its own needs CAP_NET_RAW)" err &&
	test_expect_code 100 nobody vb 0x88b5 -- ethrecv -j 2 -c 1 vb 0x88b6 2>err &&
	test_grep -x "ethrecv: fd 3 is for vb 0x88b5, not vb 0x88b6 (a socket of its own needs CAP_NET_RAW)" err
'

# Two sockets for one pair, each in its own group, each get every frame:
# one of them alone loses nothing, and is read.
test_expect_success RAWOPEN 'two sockets of one pair, not a group: the first is read' '
	printf "%s\n" "user:nobody packet iface=vb ethertype=0x88b5 send=any" >"$POLICY" &&
	rm -f err &&
	test_bg pid nobody vb 0x88b5 vb 0x88b5 -- ethrecv -c 10 -w hex >got 2>err &&
	wait_for grep -q listening err &&
	send eth 0 10 &&
	wait $pid &&
	check 10 <got
'

test_expect_success 'usage: -P needs -j, a CPU list, CPUs we may use; a mode goes without -e' '
	test_expect_code 100 ethrecv -P 0 lo all 2>err &&
	test_grep -x "ethrecv: -P goes with -j (capture workers, without -e)" err &&
	test_expect_code 100 ethrecv -j 2 -P 0-x lo all 2>err &&
	test_grep -x "ethrecv: -P 0-x: not a CPU list (as 0,2-3)" err &&
	test_expect_code 100 ethrecv -j 2 -P 3-1 lo all 2>err &&
	test_grep -x "ethrecv: -P 3-1: not a CPU list (as 0,2-3)" err &&
	test_expect_code 100 ethrecv -j 2 -P 1023 lo all 2>err &&
	test_grep -x "ethrecv: -P 1023: CPU 1023 is not one ethrecv may use" err &&
	test_expect_code 100 ethrecv -j 2:fast lo all 2>err &&
	test_grep -x "ethrecv: -j 2:fast: the mode is hash, lb, cpu, qm or rollover" err &&
	test_expect_code 100 ethrecv -j 0 lo all 2>err &&
	test_grep "^ethrecv: -j 0: too small" err &&
	# A fanout group holds 256 sockets at most; handlers of -e, more.
	test_expect_code 100 ethrecv -j 257 vb 0x88b5 2>err &&
	test_grep -x "ethrecv: -j 257: too large (at most 256 capture workers)" err &&
	# The count is read whole, never cut to a buffer: 0...02000 is 2000.
	test_expect_code 100 ethrecv -j 00000000000000000000000000000000000002000:lb lo all 2>err &&
	test_grep -x "ethrecv: -j 00000000000000000000000000000000000002000: too large (at most 1024)" err &&
	test_expect_code 100 ethrecv -e -j 2:lb lo all -- cat 2>err &&
	test_grep -x "ethrecv: -j 2:lb: a fanout mode goes with capture workers, not with -e" err &&
	test_expect_code 100 ethrecv -e -j 2 -P 0 lo all -- cat 2>err &&
	test_grep -x "ethrecv: -P goes with -j (capture workers, without -e)" err &&
	test_expect_code 100 ethrecv -j 2 -S 0 2>err &&
	test_grep -x "ethrecv: -j 2: -S gives one socket" err
'

test_done
