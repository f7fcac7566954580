#!/bin/sh
test_description='ethrecv -w pcapng, -s and --tstamp-us, read by tshark,
capinfos and tcpdump; ethsend -i picks one pcapng interface'
. "$(dirname "$0")/test-lib.sh"

# peer.py send IFACE COUNT LEN: sends COUNT numbered frames of LEN bytes
# (ethertype 0x88b5; to the broadcast address, or to $DST, 12 hex digits)
# and prints each as hex.
# peer.py isb FILE: the last ISB of FILE as "ifid recv drop start end"
# (times in ns), or nothing; and checks every block's two lengths.
# peer.py epbs FILE: how many EPBs FILE holds, every block whole.
# peer.py ng FILE: a pcapng of two interfaces, frames A on 0 and B on 1.
cat >peer.py <<'PY'
import os, socket, struct, sys
cmd = sys.argv[1]
if cmd == "send":
    ifc, n, ln = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    s.bind((ifc, 0))
    for i in range(n):
        f = bytes.fromhex(os.environ.get("DST", "ff" * 6)) + b"\x02\x00\x00\x00\x00\x01" + struct.pack("!HI", 0x88b5, i)
        f += bytes([i & 0xff]) * (ln - len(f))
        s.send(f)
        print(f.hex())
elif cmd == "isb":
    d = open(sys.argv[2], "rb").read()
    o, out = 0, None
    while o < len(d):
        t, bl = struct.unpack("<II", d[o:o + 8])
        assert bl % 4 == 0 and struct.unpack("<I", d[o + bl - 4:o + bl])[0] == bl
        if t == 5:
            ifid, hi, lo = struct.unpack("<III", d[o + 8:o + 20])
            v, p = {}, o + 20
            while p < o + bl - 4:
                c, l = struct.unpack("<HH", d[p:p + 4])
                if c == 0:
                    break
                v[c] = d[p + 4:p + 4 + l]
                p += 4 + (l + 3) // 4 * 4
            ts = lambda b: (struct.unpack("<I", b[:4])[0] << 32) | struct.unpack("<I", b[4:])[0]
            out = "%d %d %d %d %d" % (ifid, struct.unpack("<Q", v[4])[0],
                struct.unpack("<Q", v[5])[0], ts(v[2]), ts(v[3]))
        o += bl
    assert o == len(d)
    if out:
        print(out)
elif cmd == "epbs":
    d = open(sys.argv[2], "rb").read()
    o = n = 0
    while o < len(d):
        t, bl = struct.unpack("<II", d[o:o + 8])
        assert bl % 4 == 0 and struct.unpack("<I", d[o + bl - 4:o + bl])[0] == bl
        n += t == 6
        o += bl
    print(n)
elif cmd == "ng":
    def blk(t, body):
        body += b"\0" * (-len(body) % 4)
        return struct.pack("<II", t, len(body) + 12) + body + struct.pack("<I", len(body) + 12)
    def epb(ifid, f):
        return blk(6, struct.pack("<IIIII", ifid, 0, 0, len(f), len(f)) + f)
    out = blk(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1))
    out += blk(1, struct.pack("<HHI", 1, 0, 0)) + blk(1, struct.pack("<HHI", 1, 0, 0))
    hexes = {0: [], 1: []}
    for i in range(6):
        f = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + struct.pack("!HI", 0x88b5, i) + bytes([i]) * 50
        out += epb(i % 2, f)
        hexes[i % 2].append(f.hex())
    open(sys.argv[2], "wb").write(out)
    print("\n".join(hexes[1]))
PY

send() { nsrun $A /usr/bin/python3 "$TRASH/peer.py" send va "$@"; }
isb() { /usr/bin/python3 "$TRASH/peer.py" isb "$1"; }

# bound NS PROTO: a packet socket for PROTO (hex, as /proc shows it) is bound.
bound() {
	ip netns exec "$1" cat /proc/net/packet | awk -v p="$2" '$4 == p { f = 1 } END { exit !f }'
}

tshark_hex() {
	awk '/^[0-9a-f][0-9a-f][0-9a-f][0-9a-f]  / { s = substr($0, 7, 48); gsub(/ /, "", s); h = h s; next }
	     { if (h != "") print h; h = "" } END { if (h != "") print h }'
}
tcpdump_hex() {
	awk '/^\t0x/ { sub(/^\t0x[0-9a-f]+:  /, ""); gsub(/ /, ""); h = h $0; next }
	     { if (h != "") print h; h = "" } END { if (h != "") print h }'
}

if test_have_prereq NETNS,PYTHON; then
	test_netns A B && test_veth $A va $B vb && test_set_prereq VETH
fi
command -v capinfos >/dev/null && test_set_prereq CAPINFOS

test_expect_success 'usage: --comment, --tstamp-us and -s go with their formats' '
	test_expect_code 100 ethrecv --comment x -w pcap lo all 2>err &&
	test_grep "^ethrecv: --comment goes with -w pcapng$" err &&
	test_expect_code 100 ethrecv --tstamp-us -w pcapng lo all 2>err &&
	test_grep "^ethrecv: --tstamp-us goes with -w pcap$" err &&
	test_expect_code 100 ethrecv -s 64 -w hex lo all 2>err &&
	test_grep "^ethrecv: -s goes with -w pcap or -w pcapng$" err &&
	test_expect_code 100 ethrecv -s 262145 lo all 2>err &&
	test_grep "^ethrecv: -s 262145: too large (at most 262144)$" err &&
	test_expect_code 100 ethrecv -w pcapng --comment "$(printf "%065536d" 0)" lo all 2>err &&
	test_grep -x "ethrecv: --comment: longer than 65535 bytes" err
'

test_expect_success VETH '--comment of 65535 bytes, the most an option holds, is taken whole' '
	nsrun $B ethrecv -w pcapng --comment "$(printf "%065535d" 7)" -t 1ms vb 0x88b5 >long.pcapng 2>err &&
	/usr/bin/python3 -c "
import struct, sys
d = open(\"long.pcapng\", \"rb\").read()
bl = struct.unpack(\"<I\", d[4:8])[0]
c, l = struct.unpack(\"<HH\", d[24:28])
assert c == 1 and l == 65535 and d[28:28 + l] == b\"0\" * 65534 + b\"7\", (c, l)
" &&
	test "$(/usr/bin/python3 peer.py epbs long.pcapng)" = 0
'

test_expect_success VETH,TSHARK 'tshark reads every frame of -w pcapng byte for byte, on interface vb' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -w pcapng -c 5 vb 0x88b5 >got.pcapng 2>err &&
	wait_for bound $B 88b5 &&
	send 3 60 >sent && send 2 1514 >>sent &&
	wait $pid &&
	tshark -r got.pcapng -x 2>/dev/null | tshark_hex >got &&
	test_cmp sent got &&
	tshark -r got.pcapng -T fields -e frame.interface_name -e frame.len 2>/dev/null >fields &&
	printf "vb\t60\nvb\t60\nvb\t60\nvb\t1514\nvb\t1514\n" >want &&
	test_cmp want fields &&
	test_grep "^ethrecv: 5 frames received, 0 dropped by kernel" err
'

test_expect_success VETH,TSHARK '-Q inout: each frame says which way it went' '
	rm -f err &&
	test_bg pid ip netns exec $A ethrecv -w pcapng -Q inout -c 6 va all >both.pcapng 2>err &&
	wait_for bound $A 0003 &&
	send 2 70 >sent &&
	nsrun $B /usr/bin/python3 "$TRASH/peer.py" send vb 2 90 >>sent &&
	va=$(ip -n $A -br link show va | awk "{ print \$3 }" | tr -d :) &&
	DST=$va nsrun $B /usr/bin/python3 "$TRASH/peer.py" send vb 1 90 >>sent &&
	DST=01005e000001 nsrun $B /usr/bin/python3 "$TRASH/peer.py" send vb 1 90 >>sent &&
	wait $pid &&
	tshark -r both.pcapng -x 2>/dev/null | tshark_hex >got &&
	test_cmp sent got &&
	tshark -r both.pcapng -T fields -e frame.packet_flags_direction -e frame.len 2>/dev/null >dirs &&
	printf "0x00000002\t70\n0x00000002\t70\n" >want &&
	printf "0x00000001\t90\n0x00000001\t90\n0x00000001\t90\n0x00000001\t90\n" >>want &&
	test_cmp want dirs &&
	# The reception type: none for ours; the peer'"'"'s broadcast (3),
	# unicast to us (1), multicast (2).
	tshark -r both.pcapng -T fields -e frame.packet_flags_reception_type 2>/dev/null >recv &&
	printf "0\n0\n3\n3\n1\n2\n" >want &&
	test_cmp want recv &&
	tshark -r both.pcapng -V 2>/dev/null >verbose &&
	test_grep -c "Direction: Outbound" verbose >n && test "$(cat n)" = 2 &&
	test_grep -c "Direction: Inbound" verbose >n && test "$(cat n)" = 4
'

test_expect_success VETH,CAPINFOS '--comment, the application, the system and the ISB, shown by capinfos' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -w pcapng --comment "lab run 3, with spaces" -c 3 vb 0x88b5 >c.pcapng 2>err &&
	wait_for bound $B 88b5 &&
	send 3 64 >/dev/null &&
	wait $pid &&
	capinfos c.pcapng >info &&
	test_grep "^Capture comment: *lab run 3, with spaces$" info &&
	test_grep "^Capture application: *fdcap ethrecv$" info &&
	test_grep "^Capture oper-sys: *$(uname -s) $(uname -r) $(uname -m)$" info &&
	test_grep "Name = vb$" info &&
	test_grep "Time precision = nanoseconds (9)" info &&
	test_grep "Number of stat entries = 1" info
'

test_expect_success VETH,TSHARK 'the ISB: frames received and dropped, start and end around the frames' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -w pcapng -c 3 vb 0x88b5 >s.pcapng 2>err &&
	wait_for bound $B 88b5 &&
	send 3 64 >/dev/null &&
	wait $pid &&
	isb s.pcapng >isb &&
	test_line_count = 1 isb &&
	read ifid recv drop start end <isb &&
	test "$ifid $recv $drop" = "0 3 0" &&
	tshark -r s.pcapng -T fields -e frame.time_epoch 2>/dev/null >times &&
	first=$(head -1 times | tr -d .) && last=$(tail -1 times | tr -d .) &&
	test "$start" -le "$first" && test "$first" -le "$last" && test "$last" -le "$end"
'

test_expect_success VETH 'SIGTERM ends a pcapng capture with its ISB, every block whole' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -w pcapng vb 0x88b5 >t.pcapng 2>err &&
	wait_for bound $B 88b5 &&
	send 2 80 >/dev/null &&
	wait_for sh -c "test \$(/usr/bin/python3 peer.py epbs t.pcapng) = 2" &&
	kill -TERM $pid &&
	wait $pid &&
	isb t.pcapng >isb &&
	test "$(cut -d" " -f1-3 isb)" = "0 2 0" &&
	test "$(/usr/bin/python3 peer.py epbs t.pcapng)" = 2 &&
	test_grep "^ethrecv: 2 frames received, 0 dropped by kernel" err
'

test_expect_success VETH,TSHARK '-s 64: tshark shows each frame cut to 64 of its bytes, pcapng and pcap' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -w pcapng -s 64 -c 2 vb 0x88b5 >cut.pcapng 2>err &&
	wait_for bound $B 88b5 &&
	send 2 100 >sent &&
	wait $pid &&
	tshark -r cut.pcapng -T fields -e frame.cap_len -e frame.len 2>/dev/null >lens &&
	printf "64\t100\n64\t100\n" >want &&
	test_cmp want lens &&
	cut -c1-128 sent >want &&
	tshark -r cut.pcapng -x 2>/dev/null | tshark_hex >got &&
	test_cmp want got &&
	test_grep "^ethrecv: 2 frames received, 0 dropped by kernel" err &&
	! grep -q truncated err &&
	rm -f err &&
	test_bg pid nsrun $B ethrecv -s 64 -c 2 vb 0x88b5 >cut.pcap 2>err &&
	wait_for bound $B 88b5 &&
	send 2 100 >/dev/null &&
	wait $pid &&
	tshark -r cut.pcap -T fields -e frame.cap_len -e frame.len 2>/dev/null >lens &&
	printf "64\t100\n64\t100\n" >want &&
	test_cmp want lens &&
	od -An -tu4 -j16 -N4 cut.pcap | tr -d " " >snap &&
	test "$(cat snap)" = 64 &&
	# The IDB says the snaplen too.
	/usr/bin/python3 -c "
import struct
d = open(\"cut.pcapng\", \"rb\").read()
o = struct.unpack(\"<I\", d[4:8])[0]
t, bl, lt, _, snap = struct.unpack(\"<IIHHI\", d[o:o + 16])
assert t == 1 and lt == 1 and snap == 64, (t, lt, snap)
"
'

test_expect_success VETH,TSHARK '-s 0: whole frames, as tcpdump -s 0' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -w pcapng -s 0 -c 1 vb 0x88b5 >whole.pcapng 2>err &&
	wait_for bound $B 88b5 &&
	send 1 1514 >sent &&
	wait $pid &&
	tshark -r whole.pcapng -x 2>/dev/null | tshark_hex >got &&
	test_cmp sent got &&
	! grep -q truncated err
'

test_expect_success VETH,TCPDUMP '--tstamp-us: microsecond magic, tcpdump reads every frame' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv --tstamp-us -c 3 vb 0x88b5 >us.pcap 2>err &&
	wait_for bound $B 88b5 &&
	send 3 100 >sent &&
	wait $pid &&
	test "$(od -An -tx4 -N4 us.pcap | tr -d " ")" = a1b2c3d4 &&
	tcpdump -r us.pcap -nn -xx 2>tderr | tcpdump_hex >got &&
	test_cmp sent got &&
	od -An -tu4 -j28 -N4 us.pcap | tr -d " " >usec &&
	test "$(cat usec)" -lt 1000000
'

test_expect_success VETH 'ethsend -i 1 sends only the records of pcapng interface 1' '
	/usr/bin/python3 "$TRASH/peer.py" ng two.pcapng >want &&
	rm -f err &&
	test_bg pid nsrun $B ethrecv -w hex -c 3 vb 0x88b5 >got 2>err &&
	wait_for bound $B 88b5 &&
	nsrun $A ethsend -i 1 va 0x88b5 <two.pcapng 2>serr &&
	wait $pid &&
	test_cmp want got &&
	test_grep "^ethsend: 3 frames sent" serr
'

test_expect_success 'ethsend -i: the input must be pcapng' '
	printf "\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\001\000\000\000" >empty.pcap &&
	test_expect_code 100 ethsend -i 0 lo all <empty.pcap 2>err &&
	test_grep "^ethsend: -i: the input is not pcapng$" err
'

test_expect_success VETH,TSHARK 'ethrecv -w pcapng | ethsend -i 0: a pcapng capture replayed' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -w pcapng -c 3 vb 0x88b5 >r.pcapng 2>err &&
	wait_for bound $B 88b5 &&
	send 3 70 >sent &&
	wait $pid &&
	rm -f err &&
	test_bg pid nsrun $B ethrecv -w hex -c 3 vb 0x88b5 >got 2>err &&
	wait_for bound $B 88b5 &&
	nsrun $A ethsend -i 0 va 0x88b5 <r.pcapng 2>serr &&
	wait $pid &&
	test_cmp sent got
'

test_done
