#!/bin/sh
test_description='ethsend: pcap and pcapng from other tools arrive byte-identical'
. "$(dirname "$0")/test-lib.sh"

if test_have_prereq NETNS,TCPDUMP,PYTHON; then
	test_netns A B && test_veth "$A" va "$B" vb && test_set_prereq NET
fi

capture() {
	_n=$1; shift
	rm -f cap.pcap cap.err
	test_bg cap_pid timeout 10 ip netns exec "$B" tcpdump -U -c "$_n" -i vb \
		-w cap.pcap "$@" 2>cap.err
	wait_for grep -q "listening on" cap.err
}
capture_wait() {
	wait "$cap_pid" && pcap_hex cap.pcap >got
}
send() { nsrun "$A" ethsend "$@"; }

# Five frames of assorted sizes, one tagged, written by scapy.
test_expect_success NET,SCAPY 'scapy wrpcap: every frame arrives byte-identical' '
	/usr/bin/python3 -c "
from scapy.all import wrpcap, Ether, Dot1Q, Raw
f = [Ether(dst=\"02:00:00:00:00:0b\", src=\"02:00:00:00:00:0a\", type=0x88b5) / Raw(bytes([i]) * n)
     for i, n in enumerate((46, 100, 1000, 1500))]
f.append(Ether(dst=\"02:00:00:00:00:0b\", src=\"02:00:00:00:00:0a\") / Dot1Q(vlan=7, type=0x88b5) / Raw(b\"v\" * 50))
wrpcap(\"scapy.pcap\", f)
" &&
	pcap_hex scapy.pcap >scapy.hex &&
	test_line_count = 5 scapy.hex &&
	capture 5 ether src 02:00:00:00:00:0a &&
	send va 0x88b5 <scapy.pcap 2>err &&
	capture_wait &&
	test_cmp scapy.hex got &&
	test_grep "^ethsend: 5 frames sent, 2770 bytes, 0 errors" err
'

test_expect_success NET,SCAPY 'scapy big-endian nanosecond pcap' '
	/usr/bin/python3 -c "
import struct
from scapy.all import Ether, Raw
fr = bytes(Ether(dst=\"02:00:00:00:00:0b\", src=\"02:00:00:00:00:0a\", type=0x88b5) / Raw(b\"be\" * 30))
with open(\"be.pcap\", \"wb\") as f:
    f.write(struct.pack(\">IHHiIII\", 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
    for i in range(3):
        f.write(struct.pack(\">IIII\", 1, i, len(fr), len(fr)) + fr)
" &&
	capture 3 ether src 02:00:00:00:00:0a &&
	send -q va 0x88b5 <be.pcap &&
	capture_wait &&
	pcap_hex be.pcap >want &&
	test_cmp want got
'

test_expect_success NET,SCAPY,TSHARK 'a pcapng written by editcap arrives byte-identical' '
	editcap -F pcapng scapy.pcap scapy.pcapng &&
	head -c 4 scapy.pcapng | od -An -tx1 | grep -q "0a 0d 0d 0a" &&
	capture 5 ether src 02:00:00:00:00:0a &&
	send -q va 0x88b5 <scapy.pcapng &&
	capture_wait &&
	test_cmp scapy.hex got
'

# Two interfaces, the second with nanosecond resolution, big-endian,
# an unknown block and a simple packet block, written by hand.
test_expect_success NET 'a hand-made big-endian pcapng with two interfaces' '
	/usr/bin/python3 -c "
import struct
def blk(t, body):
    body += bytes(-len(body) % 4)
    n = len(body) + 12
    return struct.pack(\">II\", t, n) + body + struct.pack(\">I\", n)
fr = bytes.fromhex(\"02000000000b02000000000a88b5\") + b\"ng\" * 23
out = blk(0x0a0d0d0a, struct.pack(\">IHHq\", 0x1a2b3c4d, 1, 0, -1))
out += blk(1, struct.pack(\">HHI\", 1, 0, 0))
out += blk(1, struct.pack(\">HHI\", 1, 0, 0) + struct.pack(\">HHB3x\", 9, 1, 9) + bytes(4))
out += blk(0x1234, b\"skip me\")
out += blk(6, struct.pack(\">IIIII\", 1, 0, 5, len(fr), len(fr)) + fr)
out += blk(6, struct.pack(\">IIIII\", 0, 0, 6, len(fr), len(fr)) + fr[:-1] + b\"x\")
out += blk(3, struct.pack(\">I\", len(fr)) + fr[:-1] + b\"y\")
open(\"two.pcapng\", \"wb\").write(out)
print(fr.hex()); print((fr[:-1] + b\"x\").hex()); print((fr[:-1] + b\"y\").hex())
" >want &&
	capture 3 ether src 02:00:00:00:00:0a &&
	send -q va 0x88b5 <two.pcapng &&
	capture_wait &&
	test_cmp want got
'

test_expect_success NET,SCAPY '-l 3 loops a capture read from a file and from a pipe' '
	capture 15 ether src 02:00:00:00:00:0a &&
	send -l 3 va 0x88b5 <scapy.pcap 2>err &&
	capture_wait &&
	test_grep "^ethsend: 15 frames sent" err &&
	capture 10 ether src 02:00:00:00:00:0a &&
	cat scapy.pcap | send -l 2 va 0x88b5 2>err &&
	capture_wait &&
	cat scapy.hex scapy.hex >want && test_cmp want got &&
	test_grep "^ethsend: 10 frames sent" err
'

test_expect_success NET,SCAPY '-l 0 loops until -c' '
	capture 12 ether src 02:00:00:00:00:0a &&
	send -l 0 -c 12 va 0x88b5 <scapy.pcap 2>err &&
	capture_wait &&
	test_grep "^ethsend: 12 frames sent" err
'

test_done
