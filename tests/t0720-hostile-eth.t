#!/bin/sh
test_description='ethsend and ethrecv: hostile input and faults (issue 7, cases 26 to 33)'
. "$(dirname "$0")/test-lib.sh"

# Where cases 26 to 33 are tested (the others: t0710-hostile.t).
#  case 26 /dev/urandom as input: below, in every input format, and after
#          a pcap magic number.
#  case 27 truncated pcap and pcapng: tests/unit/pcapio.c 'every other cut
#          is a truncation error' (the parser, every cut point);
#          t0502 'truncated pcap: offset named; a clean end is fine';
#          below, ethsend itself at every cut point of both.
#  case 28 caplen 0, 70000, 0xffffffff: t0502 'pcap: caplen 70000 and
#          0xffffffff refused', 'pcap: caplen 0 and a partly captured
#          frame'; caplen 13: below.
#  case 29 odd hex, non-hex: t0502 'odd hex digits', 'not hex: the column
#          is named'; a 100 KB line: below.
#  case 30 an inherited fd that is not AF_PACKET or is closed: t0500 'an
#          inherited fd that is a pipe', t0600 'a handed-over fd that is a
#          pipe', 'a handed-over fd that is not open'; below, UDP and Unix
#          sockets and closed fds for both tools.
#  case 31 ethrecv | head -c 1: t0610 'a reader that goes away ends it at
#          once', 'the reader goes away while frames flow'; below, -w hex.
#  case 32 interface deleted mid-run: t0610 'the interface goes away:
#          message, summary, exit 111, a valid pcap' (ethrecv); below,
#          ethsend, and the pcap checked by tcpdump.
#  case 33 stdout is /dev/full: t0610 'stdout on /dev/full: message,
#          summary, exit 111'.

if test_have_prereq NETNS,PYTHON; then
	test_netns A B && test_veth "$A" va "$B" vb && test_set_prereq NET
fi

send() { nsrun "$A" ethsend "$@"; }

# bound NS PROTO: a packet socket for PROTO (hex, as /proc shows it).
bound() {
	ip netns exec "$1" cat /proc/net/packet |
		awk -v p="$2" '$4 == p { f = 1 } END { exit !f }'
}

# lines_ge FILE N, bytes_ge FILE N: FILE has at least N lines, bytes (for
# wait_for, which must evaluate them each time).
lines_ge() { [ "$(wc -l <"$1")" -ge "$2" ]; }
bytes_ge() { [ "$(wc -c <"$1")" -ge "$2" ]; }

# listen: ethrecv -w hex on vb into got.hex until stop; stop N waits for
# N frames, then ends it with SIGTERM and checks its summary.
listen() {
	rm -f got.hex recv.err
	test_bg recv_pid ip netns exec "$B" ethrecv -w hex vb 0x88b5 \
		>got.hex 2>recv.err &&
	wait_for bound "$B" 88b5
}
stop() {
	wait_for lines_ge got.hex "$1" &&
	kill -TERM $recv_pid && wait $recv_pid &&
	test_grep "^ethrecv: $1 frames\{0,1\} received, 0 dropped by kernel in " recv.err &&
	test_line_count = "$1" got.hex
}

# well_formed: every frame captured is a whole Ethernet frame of our type,
# at least 60 and at most 1514 bytes.
well_formed() {
	awk 'length($0) < 120 || length($0) > 3028 || substr($0, 25, 4) != "88b5" {
		print "malformed: " NR ": " length($0) / 2 " bytes"; bad = 1 }
	     END { exit bad }' got.hex
}

# sent ERRFILE: the frame count of ethsend's summary.
sent() {
	sed -n 's/^ethsend: \([0-9]*\) frames\{0,1\} sent.*/\1/p' "$1"
}

# case 26
head -c 100000 /dev/urandom >random
for fmt in lines hex raw; do
	test_expect_success NET "case 26: /dev/urandom as -f $fmt: frames or one error, all counted" '
		listen &&
		rc=0 && send -f $fmt va 0x88b5 <random 2>err || rc=$? &&
		test $rc = 0 || test $rc = 111 &&
		n=$(sent err) && test -n "$n" &&
		grep -v -e "^ethsend: [0-9]* frames\{0,1\} sent" -e "^ethsend: frame [0-9]* has ethertype" err >msg || : &&
		test_line_count -le 1 msg &&
		{ test $rc = 0 || test_grep "^ethsend: stdin: " msg; } &&
		stop "$n" && well_formed
	'
done

test_expect_success NET 'case 26: /dev/urandom after a pcap or pcapng magic number' '
	for magic in "\324\303\262\241" "\241\262\303\324" "\115\074\262\241" \
	    "\012\015\015\012\115\074\053\032"; do
		{ printf "$magic" && cat random; } >bad.pcap &&
		rc=0 && send va 0x88b5 <bad.pcap 2>err || rc=$? &&
		test $rc = 0 || test $rc = 111 || return 1
		grep -v -e "^ethsend: [0-9]* frames\{0,1\} sent" -e "^ethsend: frame [0-9]* has ethertype" err >msg || :
		test_line_count -le 1 msg || return 1
	done
'

# case 27: every cut point of a pcap and a pcapng of three frames; a cut
# at a record boundary is a clean end, any other an error; ethsend sends
# exactly the records before the cut.
cat >cuts.py <<\EOF
import struct, sys
frames = [b"\xff" * 6 + b"\x02\0\0\0\0\x01\x88\xb5" + bytes([i]) * (46 + 10 * i)
          for i in range(3)]
pcap = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
bounds = [len(pcap)]
for f in frames:
    pcap += struct.pack("<IIII", 0, 0, len(f), len(f)) + f
    bounds.append(len(pcap))
def block(t, body):
    n = 12 + len(body)
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)
ng = block(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1))
shb = len(ng)
ng += block(1, struct.pack("<HHI", 1, 0, 65535))
ngbounds = [len(ng)]
for f in frames:
    pad = f + bytes(-len(f) % 4)
    ng += block(6, struct.pack("<IIIII", 0, 0, 0, len(f), len(f)) + pad)
    ngbounds.append(len(ng))
open("three.pcap", "wb").write(pcap)
open("three.pcapng", "wb").write(ng)
# CUT FRAMES CLEAN for every cut
with open("cuts", "w") as out:
    for name, data, b in (("three.pcap", pcap, bounds),
                          ("three.pcapng", ng, ngbounds)):
        for cut in range(len(data) + 1):
            whole = sum(1 for x in b[1:] if x <= cut)
            clean = cut == 0 or cut in b or (b is ngbounds and cut == shb)
            print(name, cut, whole, int(clean), file=out)
EOF

test_expect_success NET,PYTHON 'case 27: ethsend at every cut point of a pcap and a pcapng' '
	/usr/bin/python3 cuts.py &&
	total=0 &&
	while read -r file cut whole clean; do
		# Before the magic number (and a pcapng byte-order magic)
		# is whole, the input is not a capture but lines (t0502).
		case $file in
		*.pcap) [ $cut -ge 4 ] || continue ;;
		*) [ $cut -ge 12 ] || continue ;;
		esac
		head -c $cut $file >cut.bin &&
		rc=0 && send va 0x88b5 <cut.bin 2>err || rc=$? &&
		if [ $clean = 1 ]; then want=0; else want=111; fi &&
		if [ $rc != $want ] || [ "$(sent err)" != $whole ]; then
			echo "$file cut at $cut: exit $rc, want $want; $(sent err) sent, want $whole" >&2
			cat err >&2
			return 1
		fi &&
		if [ $rc = 111 ]; then
			test_line_count = 2 err &&
			test_grep -q "^ethsend: stdin: .*\(truncated\|bad block\|pcap\)" err || return 1
		fi
		total=$((total + 1))
	done <cuts &&
	test $total -gt 500
'

# case 28
test_expect_success NET 'case 28: pcap caplen 13: refused by frame number, nothing sent' '
	/usr/bin/python3 -c "
import struct
f = bytes(13)
open(\"c13.pcap\", \"wb\").write(struct.pack(\"<IHHiIII\", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
    + struct.pack(\"<IIII\", 0, 0, 13, 13) + f)" &&
	test_expect_code 111 send va 0x88b5 <c13.pcap 2>err &&
	test_grep "^ethsend: stdin: frame 1: 13 bytes is shorter than an Ethernet header$" err &&
	test_grep "^ethsend: 0 frames sent" err
'

# case 29
test_expect_success NET 'case 29: a 100 KB line, in hex and as a payload: refused, nothing sent' '
	listen &&
	head -c 50000 /dev/zero | od -An -tx1 -v | tr -d " \n" >long.hex && echo >>long.hex &&
	test_expect_code 111 send -f hex va 0x88b5 <long.hex 2>err &&
	test_grep "^ethsend: stdin: frame 1: 50000 bytes exceeds the MTU of va" err &&
	test_grep "^ethsend: 0 frames sent" err &&
	head -c 100000 /dev/zero | tr "\0" x >long.txt && echo >>long.txt &&
	test_expect_code 111 send va 0x88b5 <long.txt 2>err &&
	test_grep "^ethsend: stdin: frame 1: a payload of 100001 bytes exceeds the MTU of va" err &&
	test_grep "^ethsend: 0 frames sent" err &&
	echo "short line" | send va 0x88b5 2>/dev/null &&
	stop 1
'

# case 30
cat >hold.py <<\EOF
import os, socket, sys
kind = sys.argv[1]
if kind == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
elif kind == "unix":
    # A stream: a SOCK_SEQPACKET one is a relayed fd (rawopen(1)).
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
elif kind == "dgram":
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM)
os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.execvp(sys.argv[2], sys.argv[2:])
EOF

test_expect_success NET 'case 30: ethsend and ethrecv on UDP, Unix, SOCK_DGRAM packet sockets and closed fds' '
	for tool in ethsend ethrecv; do
		for kind in udp unix dgram; do
			test_expect_code 100 nsrun "$A" /usr/bin/python3 hold.py $kind \
				$tool --fd 3 </dev/null 2>err &&
			test_line_count = 1 err &&
			test_grep "^$tool: fd 3: not a\(n\| raw\) AF_PACKET socket" err &&
			test_expect_code 100 nsrun "$A" env LISTEN_FDS=1 \
				/usr/bin/python3 hold.py $kind $tool </dev/null 2>err &&
			test_grep "^$tool: fd 3: not a\(n\| raw\) AF_PACKET socket" err || return 1
		done &&
		test_expect_code 111 $tool --fd 9 9<&- </dev/null 2>err &&
		test_grep "^$tool: --fd 9: fd 9 is not open$" err &&
		test_expect_code 100 env LISTEN_FDS=1 $tool 3<&- </dev/null 2>err &&
		test_grep "^$tool: \(fd 3\|LISTEN_FDS\)" err || return 1
	done
'

# case 31
# head1: ethrecv -w hex on vb into a reader that takes one byte and goes;
# ethrecv's status in rc, its stderr in err.
head1() {
	{ nsrun "$B" ethrecv -w hex vb all 2>err; echo $? >rc; } |
		head -c 1 >/dev/null
}
test_expect_success NET 'case 31: ethrecv -w hex | head -c 1: quiet, exit 0' '
	test_bg pipe head1 &&
	wait_for bound "$B" 0003 &&
	echo x | send va 0x88b5 2>/dev/null &&
	wait $pipe &&
	echo 0 >expect && test_cmp expect rc &&
	{ grep -v "^ethrecv: listening on " err >said || :; } &&
	test_line_count = 0 said
'

# case 32: ethsend pumps frames from A, ethrecv captures them in B, and
# the veth pair goes away under both.
test_expect_success NET,TCPDUMP 'case 32: the interface goes away under ethsend and ethrecv' '
	test_bg recv_pid ip netns exec "$B" ethrecv vb 0x88b5 >gone.pcap 2>recv.err &&
	wait_for bound "$B" 88b5 &&
	test_bg pump sh -c "yes hello | ip netns exec $A ethsend -r 2000 va 0x88b5 2>$TRASH/pump.err; echo \$? >$TRASH/pump.rc" &&
	wait_for bytes_ge gone.pcap 1000 &&
	ip -n "$A" link del va &&
	wait_for test -s pump.rc &&
	echo 111 >expect && test_cmp expect pump.rc &&
	test_grep "^ethsend: send on va: " pump.err &&
	test_grep "^ethsend: [0-9]* frames\{0,1\} sent" pump.err &&
	test_line_count = 2 pump.err &&
	rc=0 && wait $recv_pid || rc=$? &&
	test $rc = 111 &&
	test_grep "^ethrecv: vb: " recv.err &&
	n=$(sed -n "s/^ethrecv: \([0-9]*\) frames\{0,1\} received.*/\1/p" recv.err) &&
	test "$n" -gt 0 &&
	grep -v "^ethrecv: listening on " recv.err >said &&
	test_line_count = 2 said &&
	tcpdump -q -r gone.pcap 2>/dev/null | grep -c "length 60" >count &&
	echo "$n" >expect && test_cmp expect count
'

test_done
