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
	cat scapy.hex scapy.hex scapy.hex >want && test_cmp want got &&
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

# ng.py FILE [N]: a pcapng with interfaces 0 and 1, frames 0 to 5 on
# interface i % 2, then, with N, a section of N interfaces and no record;
# prints the frames of interface 1 in hex.
cat >ng.py <<\EOF_PY
import struct, sys
def blk(t, body):
    body += b"\0" * (-len(body) % 4)
    return struct.pack("<II", t, len(body) + 12) + body + struct.pack("<I", len(body) + 12)
shb = blk(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1))
idb = blk(1, struct.pack("<HHI", 1, 0, 0))
out = shb + idb + idb
for i in range(6):
    f = bytes.fromhex("02000000000b02000000000a88b5") + struct.pack("!I", i) + bytes([i]) * 50
    out += blk(6, struct.pack("<IIIII", i % 2, 0, 0, len(f), len(f)) + f)
    if i % 2:
        print(f.hex())
if len(sys.argv) > 2:
    out += shb + idb * int(sys.argv[2])
open(sys.argv[1], "wb").write(out)
EOF_PY

test_expect_success NET '-i 1 sends interface 1 only; -i 5, which no section has, is said (exit 100)' '
	/usr/bin/python3 ng.py two.pcapng >want &&
	capture 3 ether src 02:00:00:00:00:0a &&
	send -i 1 va 0x88b5 <two.pcapng 2>err &&
	capture_wait &&
	test_cmp want got &&
	test_grep "^ethsend: 3 frames sent" err &&
	test_line_count = 1 err &&
	test_expect_code 100 send -i 5 va 0x88b5 <two.pcapng 2>err &&
	test_grep -x "ethsend: -i 5: the input has no interface 5 (its interfaces are 0 to 1)" err &&
	test_grep "^ethsend: 0 frames sent" err &&
	test_expect_code 100 send -q -i 2 -l 0 va 0x88b5 <two.pcapng 2>err &&
	test_grep -x "ethsend: -i 2: the input has no interface 2 (its interfaces are 0 to 1)" err &&
	test_line_count = 1 err
'

test_expect_success NET '-i: an interface of a section without records is no error' '
	/usr/bin/python3 ng.py three.pcapng 3 >/dev/null &&
	send -i 2 va 0x88b5 <three.pcapng 2>err &&
	test_grep "^ethsend: 0 frames sent" err &&
	test_line_count = 1 err &&
	test_expect_code 100 send -q -i 3 va 0x88b5 <three.pcapng 2>err &&
	test_grep -x "ethsend: -i 3: the input has no interface 3 (its interfaces are 0 to 2)" err &&
	/usr/bin/python3 -c "
import struct
b = struct.pack(\"<IHHq\", 0x1a2b3c4d, 1, 0, -1)
open(\"none.pcapng\", \"wb\").write(struct.pack(\"<II\", 0x0a0d0d0a, 28) + b + struct.pack(\"<I\", 28))
" &&
	test_expect_code 100 send -q -i 0 va 0x88b5 <none.pcapng 2>err &&
	test_grep -x "ethsend: -i 0: the input has no interface 0 (it describes no interface)" err
'

# sections.py FILE: a pcapng of two sections, the first little-endian, the
# second big-endian, each with interfaces 0 and 1 and four records on
# interface i % 2; prints "IFID HEX" for each record, in order.
cat >sections.py <<\EOF_PY
import struct, sys
def blk(e, t, body):
    body += b"\0" * (-len(body) % 4)
    return struct.pack(e + "II", t, len(body) + 12) + body + struct.pack(e + "I", len(body) + 12)
out = b""
for s, e in ((0, "<"), (1, ">")):
    out += blk(e, 0x0a0d0d0a, struct.pack(e + "IHHq", 0x1a2b3c4d, 1, 0, -1))
    out += blk(e, 1, struct.pack(e + "HHI", 1, 0, 0)) * 2
    for i in range(4):
        f = bytes.fromhex("02000000000b02000000000a88b5") + bytes([s, i]) * 25
        out += blk(e, 6, struct.pack(e + "IIIII", i % 2, 0, 0, len(f), len(f)) + f)
        print(i % 2, f.hex())
open(sys.argv[1], "wb").write(out)
EOF_PY

# The page: "-i ifid ... (0 for the first interface description of each
# section)": each section numbers its interfaces from 0.
test_expect_success NET '-i 1 and -i 0: that interface of each section' '
	/usr/bin/python3 sections.py sections.pcapng >sections.all &&
	for i in 1 0
	do
		sed -n "s/^$i //p" sections.all >want &&
		test_line_count = 4 want &&
		capture 4 ether src 02:00:00:00:00:0a &&
		send -i $i va 0x88b5 <sections.pcapng 2>err &&
		capture_wait &&
		test_cmp want got &&
		test_grep "^ethsend: 4 frames sent, 256 bytes, 0 errors" err ||
		return 1
	done
'

# ... "as tshark -T fields -e frame.interface_id numbers them".
test_expect_success NET,TSHARK '-i numbers interfaces as tshark frame.interface_id does' '
	tshark -r sections.pcapng -T fields -e frame.interface_id >ids 2>/dev/null &&
	cut -d " " -f 1 sections.all >want &&
	test_cmp want ids
'

test_expect_success NET '-l 2 loops a pcapng of two sections, from a file and from a pipe' '
	cut -d " " -f 2 sections.all >once &&
	cat once once >want &&
	capture 16 ether src 02:00:00:00:00:0a &&
	send -l 2 va 0x88b5 <sections.pcapng 2>err &&
	capture_wait &&
	test_cmp want got &&
	test_grep "^ethsend: 16 frames sent" err &&
	capture 16 ether src 02:00:00:00:00:0a &&
	cat sections.pcapng | send -l 2 va 0x88b5 2>err &&
	capture_wait &&
	test_cmp want got &&
	test_grep "^ethsend: 16 frames sent" err
'

# big.py SIZE: a pcapng of exactly SIZE bytes (a multiple of 4) on stdout:
# interfaces 0 and 1, one frame of interface 1 first, then records of
# interface 0 (which -i 1 passes by, unsent) up to SIZE.
cat >big.py <<\EOF_PY
import struct, sys
def blk(t, body):
    body += b"\0" * (-len(body) % 4)
    return struct.pack("<II", t, len(body) + 12) + body + struct.pack("<I", len(body) + 12)
def epb(ifid, d):
    return blk(6, struct.pack("<IIIII", ifid, 0, 0, len(d), len(d)) + d)
size = int(sys.argv[1])
f = bytes.fromhex("02000000000b02000000000a88b5") + b"big" + bytes(43)
head = blk(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1))
head += blk(1, struct.pack("<HHI", 1, 0, 0)) * 2 + epb(1, f)
out = sys.stdout.buffer
out.write(head)
left = size - len(head)
big = epb(0, bytes(65536 - 32))
while left >= 65536 + 32:
    out.write(big)
    left -= 65536
out.write(epb(0, bytes(left - 32)))
EOF_PY
MiB256=268435456

# The page: "A regular file is read again from its start; from a pipe the
# capture is kept in memory, up to 256 MiB."  The same capture of 256 MiB
# and 4 bytes: looped from a file, refused from a pipe; 4 bytes less loops
# from a pipe.
test_expect_success NET '-l: a file over 256 MiB is read again, a pipe is kept up to 256 MiB' '
	/usr/bin/python3 big.py $((MiB256 + 4)) >big.pcapng &&
	send -l 2 -i 1 va 0x88b5 <big.pcapng 2>err &&
	test_grep "^ethsend: 2 frames sent, 120 bytes, 0 errors" err &&
	test_line_count = 1 err &&
	rm big.pcapng &&
	# Cut short, the writer may die of the closed pipe: not our concern.
	{ /usr/bin/python3 big.py $((MiB256 + 4)) 2>/dev/null || :; } |
		test_expect_code 111 send -l 2 -i 1 va 0x88b5 2>err &&
	test_grep -x "ethsend: stdin: more than $MiB256 bytes to keep" err &&
	test_grep "^ethsend: 1 frame sent, 60 bytes, 0 errors" err &&
	test_line_count = 2 err &&
	/usr/bin/python3 big.py $((MiB256 - 4)) |
		send -l 2 -i 1 va 0x88b5 2>err &&
	test_grep "^ethsend: 2 frames sent, 120 bytes, 0 errors" err &&
	test_line_count = 1 err
'

# Exactly the limit is kept: pcapio_refill() looks for one byte more
# before it refuses a stream that fills its buffer.
test_expect_success NET '-l: a capture of exactly 256 MiB from a pipe is kept' '
	/usr/bin/python3 big.py $MiB256 | send -l 2 -i 1 va 0x88b5 2>err &&
	test_grep "^ethsend: 2 frames sent, 120 bytes, 0 errors" err
'

test_done
