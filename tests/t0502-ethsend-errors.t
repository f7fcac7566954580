#!/bin/sh
test_description='ethsend: bad input, bad usage: exit code and one clear line'
. "$(dirname "$0")/test-lib.sh"

if test_have_prereq NETNS,TCPDUMP,PYTHON; then
	test_netns A B && test_veth "$A" va "$B" vb && test_set_prereq NET
fi

send() { nsrun "$A" ethsend "$@"; }

# pcap FILE CAPLEN LEN BYTES...: a microsecond pcap with one record per
# BYTES (hex), each claiming CAPLEN (or its true length when "-") and LEN.
pcap() {
	/usr/bin/python3 -c '
import struct, sys
out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
for h in sys.argv[4:]:
    d = bytes.fromhex(h)
    cl = len(d) if sys.argv[2] == "-" else int(sys.argv[2], 0)
    ln = len(d) if sys.argv[3] == "-" else int(sys.argv[3], 0)
    out += struct.pack("<IIII", 0, 0, cl, ln) + d
open(sys.argv[1], "wb").write(out)
' "$@"
}

FRAME=ffffffffffff02000000000188b5$(printf '%092d' 0)

# fails CODE MESSAGE CMD...: exit CODE, MESSAGE in stderr.
fails() {
	_code=$1 _msg=$2; shift 2
	test_expect_code "$_code" "$@" 2>err &&
	test_grep -F "$_msg" err
}

test_expect_success 'usage: synopsis and exit 100' '
	fails 100 "usage: ethsend [-kPq]" ethsend -z &&
	fails 100 "ethsend: onlyiface: an interface needs an ethertype" ethsend onlyiface </dev/null &&
	test_line_count = 1 err &&
	fails 100 "ethsend: extra: one interface and one ethertype at most" ethsend lo all extra </dev/null &&
	test_line_count = 1 err &&
	fails 100 "ethsend: no socket: give iface ethertype, or run it under rawopen(1)" \
		env -u LISTEN_FDS ethsend </dev/null &&
	fails 100 "ethsend: -f pcap: not hex, lines or raw" ethsend -f pcap &&
	fails 100 "ethsend: -d nomac: not a MAC address" ethsend -d nomac &&
	fails 100 "ethsend: -t 0x10000: bad ethertype" ethsend -t 0x10000 &&
	fails 100 "ethsend: -v 4096: not VLAN[:PRIO]" ethsend -v 4096 &&
	fails 100 "ethsend: -c 0: too small" ethsend -c 0 &&
	fails 100 "ethsend: -r 0: too small (at least 1)" ethsend -r 0 &&
	fails 100 "ethsend: -r 5x: not a number" ethsend -r 5x &&
	fails 100 "ethsend: -r 1.5x: not a number (k, M or G may follow)" ethsend -r 1.5x &&
	fails 100 "ethsend: -r 1.5G: too large (at most 1G)" ethsend -r 1.5G &&
	# A fraction with k after it is a rate: what is missing is the socket.
	fails 100 "ethsend: no socket: give iface ethertype" \
		env -u LISTEN_FDS ethsend -r 0.5k </dev/null &&
	fails 100 "ethsend: no socket: give iface ethertype" \
		env -u LISTEN_FDS ethsend -r 1.5Mbps </dev/null &&
	fails 100 "ethsend: --stats-format json: text or kv" ethsend --stats-format json &&
	fails 100 "ethsend: -r and -R exclude each other" ethsend -r 5 -R 1 &&
	fails 100 "ethsend: --fd x: not an fd (0 to 1023)" ethsend --fd x &&
	fails 111 "ethsend: -S 9: fd 9 is not open" ethsend -S 9 9>&- &&
	fails 100 "ethsend: -R 0: too small (more than 0)" ethsend -R 0
'

test_expect_success NET 'no such interface: exit 111' '
	fails 111 "ethsend: nosuch0: no such interface" send nosuch0 0x88b5 </dev/null
'

test_expect_success NET 'without CAP_NET_RAW: exit 111, pointing at rawopen' '
	echo x | test_expect_code 111 nsrun "$A" setpriv --reuid=65534 \
		--regid=65534 --clear-groups --inh-caps=-all \
		"$FDCAP_BUILD/ethsend" va 0x88b5 2>err &&
	test_grep "needs CAP_NET_RAW; without it, run ethsend under rawopen(1)" err &&
	test_line_count = 1 err
'

test_expect_success NET 'a bound ethertype of all needs -t for payloads' '
	fails 100 "ethsend: the input is payload, not frames: give its ethertype with -t" sh -c "echo x | ip netns exec $A ethsend va all"
'

test_expect_success NET 'odd hex digits: exit 111, line named, nothing sent' '
	printf "%s\n" "$FRAME" "${FRAME}0" >odd.hex &&
	fails 111 "ethsend: stdin: line 2: odd number of hex digits" \
		send -f hex va 0x88b5 <odd.hex &&
	test_grep "^ethsend: 1 frame sent" err
'

test_expect_success NET 'not hex: the column is named' '
	echo ffffzz | fails 111 "stdin: line 1: column 5:" send -f hex va 0x88b5 &&
	test_grep "column 5: .z. is not a hex digit" err
'

test_expect_success NET 'a frame shorter than 14 bytes: exit 111, frame named' '
	printf "%s\n" "$FRAME" 0102030405060708090a0b0c0d >short.hex &&
	fails 111 "ethsend: stdin: frame 2: 13 bytes is shorter than an Ethernet header" \
		send -f hex va 0x88b5 <short.hex &&
	test_grep "^ethsend: 1 frame sent, 60 bytes, 0 errors" err
'

test_expect_success NET 'a frame longer than the MTU: exit 111, frame named' '
	pcap big.pcap - - "$FRAME" "ffffffffffff02000000000188b5$(printf "%03002d" 0)" &&
	fails 111 "ethsend: stdin: frame 2: 1515 bytes exceeds the MTU of va (1500 + 14)" \
		send va 0x88b5 <big.pcap
'

test_expect_success NET 'an 802.1Q tag may pass the MTU by 4 bytes, an 802.1ad tag may not' '
	pcap q.pcap - - "ffffffffffff0200000000018100000588b5$(printf "%03000d" 0)" &&
	send va 0x88b5 <q.pcap 2>err &&
	test_grep "^ethsend: 1 frame sent, 1518 bytes, 0 errors" err &&
	pcap ad.pcap - - "$FRAME" "ffffffffffff02000000000188a8000588b5$(printf "%03000d" 0)" &&
	fails 111 "ethsend: stdin: frame 2: 1518 bytes exceeds the MTU of va (1500 + 14)" \
		send va 0x88b5 <ad.pcap
'

test_expect_success NET 'SIGINT while paced: summary, exit 0, what was not sent is no error' '
	seq 50 >in &&
	tx() { nsrun "$A" cat /sys/class/net/va/statistics/tx_packets; } &&
	t0=$(tx) &&
	{ ip netns exec "$A" ethsend -r 10 va 0x88b5 <in 2>err & } && pid=$! &&
	wait_for sh -c "test \$(ip netns exec $A cat /sys/class/net/va/statistics/tx_packets) -ge $((t0 + 3))" &&
	kill -INT $pid &&
	{ rc=0; wait $pid || rc=$?; test $rc = 0; } &&
	test_grep "^ethsend: [0-9]* frames sent, [0-9]* bytes, 0 errors in " err &&
	test_line_count = 1 err &&
	n=$(sed -n "s/^ethsend: \([0-9]*\) frames* sent.*/\1/p" err) &&
	test "$n" -ge 3 && test "$n" -lt 50
'

# A looping, paced ethsend in A, run as one process to signal (no shell
# function in between), its stderr in err.  The input is redirected inside
# sh -c: a background command's stdin is /dev/null before any redirection.
loop_bg() {
	rm -f err &&
	test_bg pid sh -c "exec ip netns exec $A ethsend $*" 2>err
}

# The page: on SIGINT it "exits 0 (or 111, as below, when a frame was
# refused or skipped before)".
test_expect_success NET 'SIGINT after a frame skipped under -k: summary, exit 111' '
	pcap bad.pcap - - "$FRAME" 0102 &&
	loop_bg "-k -l 0 -r 50 va 0x88b5 <bad.pcap" &&
	wait_for grep -q "^ethsend: stdin: frame 2: 2 bytes is shorter than an Ethernet header$" err &&
	kill -INT $pid &&
	{ rc=0; wait $pid || rc=$?; test $rc = 111; } &&
	tail -n 1 err >last &&
	test_grep "^ethsend: [1-9][0-9]* frames\{0,1\} sent, [0-9]* bytes, 0 errors, [1-9][0-9]* skipped in " last
'

# A frame the kernel refuses: va's MTU lowered under a running ethsend,
# which checked its 200-byte frames against 1500.
test_expect_success NET 'SIGINT after a frame the kernel refused: summary, exit 111' '
	pcap f200.pcap - - "ffffffffffff02000000000188b5$(printf "%0372d" 0)" &&
	loop_bg "-l 0 -r 50 va 0x88b5 <f200.pcap" &&
	tx() { nsrun "$A" cat /sys/class/net/va/statistics/tx_packets; } &&
	wait_for sh -c "test \$(ip netns exec $A cat /sys/class/net/va/statistics/tx_packets) -ge $(($(tx) + 2))" &&
	nsrun "$A" ip link set va mtu 100 &&
	{ ok=0; wait_for grep -q "^ethsend: send on va: a frame of 200 bytes: Message too long$" err || ok=$?; } &&
	nsrun "$A" ip link set va mtu 1500 &&
	test $ok = 0 &&
	kill -INT $pid &&
	{ rc=0; wait $pid || rc=$?; test $rc = 111; } &&
	tail -n 1 err >last &&
	test_grep "^ethsend: [1-9][0-9]* frames\{0,1\} sent, [0-9]* bytes, [1-9][0-9]* errors\{0,1\} in " last
'

test_expect_success NET '-k skips bad frames, counts them, exits 111 for them' '
	printf "%s\n" "$FRAME" 0102 "$FRAME" >short.hex &&
	test_expect_code 111 send -k -f hex va 0x88b5 <short.hex 2>err &&
	test_grep "frame 2: 2 bytes is shorter" err &&
	test_grep "^ethsend: 2 frames sent, 120 bytes, 0 errors, 1 skipped" err
'

# recv N: ethrecv in B takes the next N frames of 0x88b5 on vb (10 s at
# most), as hex into got; returns once it listens.  recv_wait waits for it.
recv() {
	rm -f got rerr &&
	test_bg rpid nsrun "$B" ethrecv -t 10 -c "$1" -w hex vb 0x88b5 >got 2>rerr &&
	wait_for grep -q "^ethrecv: listening on " rerr
}
recv_wait() { wait "$rpid"; }

# The page: -k skips "bad frames with a warning and counts them, instead
# of stopping", and a bad frame is one too short, one over the MTU (an
# 802.1ad tag counting against it), one captured in part, a payload over
# the MTU, or a cooked record that cannot be Ethernet.
test_expect_success NET '-k: each kind of bad frame is skipped and said, the good ones around it sent' '
	/usr/bin/python3 -c "
import struct
hdr = bytes.fromhex(\"ffffffffffff02000000000188b5\")
good = [hdr + bytes([i]) * 46 for i in (1, 2, 3)]
recs = [(good[0], None), (bytes.fromhex(\"0102\"), None), (good[1], None),
        (hdr + bytes(1501), None),
        (bytes.fromhex(\"ffffffffffff02000000000188a8000588b5\") + bytes(1500), None),
        (hdr + bytes(46), 1514), (good[2], None)]
out = struct.pack(\"<IHHiIII\", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
for d, ln in recs:
    out += struct.pack(\"<IIII\", 0, 0, len(d), ln or len(d)) + d
open(\"bad.pcap\", \"wb\").write(out)
for g in good:
    print(g.hex())
" >want &&
	recv 3 &&
	# all: no word on the ethertype of the 802.1ad frame.
	test_expect_code 111 send -k va all <bad.pcap 2>err &&
	recv_wait &&
	test_cmp want got &&
	cat >want.err <<-\EOF &&
	ethsend: stdin: frame 2: 2 bytes is shorter than an Ethernet header
	ethsend: stdin: frame 4: 1515 bytes exceeds the MTU of va (1500 + 14)
	ethsend: stdin: frame 5: 1518 bytes exceeds the MTU of va (1500 + 14)
	ethsend: stdin: frame 6: only 60 of 1514 bytes were captured
	EOF
	sed "\$d" err >got.err &&
	test_cmp want.err got.err &&
	tail -n 1 err | test_grep "^ethsend: 3 frames sent, 180 bytes, 0 errors, 4 skipped in "
'

test_expect_success NET '-k: a payload over the MTU is skipped, the lines around it sent' '
	{ echo a; /usr/bin/python3 -c "print(\"x\" * 1500)"; echo b; } >long.txt &&
	recv 2 &&
	test_expect_code 111 send -k va 0x88b5 <long.txt 2>err &&
	recv_wait &&
	cut -c 29-32 got >payloads &&
	printf "%s\n" 610a 620a >want &&
	test_cmp want payloads &&
	test_grep -x "ethsend: stdin: frame 2: a payload of 1501 bytes exceeds the MTU of va (1500)" err &&
	test_grep "^ethsend: 2 frames sent, 120 bytes, 0 errors, 1 skipped in " err &&
	test_line_count = 2 err
'

test_expect_success NET '-k: a cooked record with no Ethernet address or no ethertype is skipped' '
	/usr/bin/python3 -c "
import struct
def sll(halen, proto, fill):
    return struct.pack(\"!HHH8sH\", 4, 1, halen, bytes.fromhex(\"020000000009\") + bytes(2), proto) + fill * 46
out = struct.pack(\"<IHHiIII\", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 113)
for d in (sll(6, 0x88b5, b\"a\"), sll(4, 0x88b5, b\"x\"), sll(6, 0x0100, b\"y\"), sll(6, 0x88b5, b\"b\")):
    out += struct.pack(\"<IIII\", 0, 0, len(d), len(d)) + d
open(\"sll.pcap\", \"wb\").write(out)
" &&
	recv 2 &&
	test_expect_code 111 send -k va 0x88b5 <sll.pcap 2>err &&
	recv_wait &&
	printf "ffffffffffff02000000000988b5%s\n" "$(printf "61%.0s" $(seq 46))" \
		"$(printf "62%.0s" $(seq 46))" >want &&
	test_cmp want got &&
	test_grep -x "ethsend: stdin: frame 2: a Linux cooked header with a 4-byte address, not an Ethernet one" err &&
	test_grep -x "ethsend: stdin: frame 3: a Linux cooked header with protocol 0x0100, not an ethertype" err &&
	test_grep "^ethsend: 2 frames sent, 120 bytes, 0 errors, 2 skipped in " err &&
	test_line_count = 3 err
'

test_expect_success NET 'pcap: caplen 70000 and 0xffffffff refused, record and byte named' '
	pcap huge.pcap 70000 70000 "$FRAME" &&
	fails 111 "ethsend: stdin: record 1 at byte 24: caplen 70000 exceeds the snaplen" \
		send va 0x88b5 <huge.pcap &&
	pcap huge.pcap 0xffffffff 0xffffffff "$FRAME" &&
	fails 111 "ethsend: stdin: record 1 at byte 24: caplen 4294967295 exceeds 262144" \
		send va 0x88b5 <huge.pcap
'

test_expect_success NET 'pcap: caplen 0 and a partly captured frame' '
	pcap zero.pcap - - "" &&
	fails 111 "frame 1: 0 bytes is shorter than an Ethernet header" \
		send va 0x88b5 <zero.pcap &&
	pcap cut.pcap - 1514 "$FRAME" &&
	fails 111 "frame 1: only 60 of 1514 bytes were captured" \
		send va 0x88b5 <cut.pcap
'

test_expect_success NET 'truncated pcap: offset named; a clean end is fine' '
	pcap two.pcap - - "$FRAME" "$FRAME" &&
	head -c 130 two.pcap >trunc.pcap &&
	fails 111 "ethsend: stdin: record 2 at byte 100: truncated (30 bytes left)" \
		send va 0x88b5 <trunc.pcap &&
	test_grep "^ethsend: 1 frame sent" err &&
	head -c 24 two.pcap | send va 0x88b5 2>err &&
	test_grep "^ethsend: 0 frames sent" err &&
	head -c 10 two.pcap >hdr.pcap &&
	fails 111 "ethsend: stdin: truncated file header (10 bytes)" \
		send va 0x88b5 <hdr.pcap
'

test_expect_success NET 'neither a capture nor text: refused without -f, by what it is' '
	printf "hi\n" | gzip >in.gz &&
	fails 111 "ethsend: stdin: gzip-compressed: decompress it first" send va 0x88b5 <in.gz &&
	printf "\001\002\000\003" >bin &&
	fails 111 "ethsend: stdin: not text: give -f raw to send it as payloads" send va 0x88b5 <bin &&
	send -f raw va 0x88b5 <bin 2>err &&
	test_grep "^ethsend: 1 frame sent" err
'

test_expect_success NET 'a non-Ethernet linktype is refused by name' '
	/usr/bin/python3 -c "
import struct
open(\"sll.pcap\", \"wb\").write(struct.pack(\"<IHHiIII\", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 105))
" &&
	fails 111 "ethsend: stdin: linktype 105 is not Ethernet (1) or Linux cooked (113, 276)" \
		send va 0x88b5 <sll.pcap
'

test_expect_success NET 'pcapng: a bad block length is refused with its offset' '
	/usr/bin/python3 -c "
import struct
shb = struct.pack(\"<IIIHHqI\", 0x0a0d0d0a, 28, 0x1a2b3c4d, 1, 0, -1, 28)
open(\"bad.pcapng\", \"wb\").write(shb + struct.pack(\"<II\", 1, 22) + bytes(14))
" &&
	fails 111 "ethsend: stdin: block at byte 28: bad block length 22" \
		send va 0x88b5 <bad.pcapng
'

test_expect_success NET '-l and -R need a capture: one rule for both' '
	echo x | fails 100 "ethsend: -l: the input is not pcap or pcapng" \
		send -l 2 va 0x88b5 &&
	echo 00 | fails 100 "ethsend: -l: the input is not pcap or pcapng" \
		send -f hex -l 0 va 0x88b5 &&
	echo x | fails 100 "ethsend: -l: the input is not pcap or pcapng" \
		send -f raw -l 2 va 0x88b5 &&
	test_line_count = 1 err &&
	echo x | fails 100 "ethsend: -R: the input is not pcap or pcapng" \
		send -R 1 va 0x88b5 &&
	echo 00 | fails 100 "ethsend: -R: the input is not pcap or pcapng" \
		send -f hex -R 2 va 0x88b5
'

test_expect_success NET,SCAPY 'a capture of another ethertype than ETHERTYPE: said once, sent as it is' '
	/usr/bin/python3 -c "
from scapy.all import Ether, wrpcap
wrpcap(\"b5.pcap\", [Ether(dst=\"ff:ff:ff:ff:ff:ff\", type=0x88b5) / (b\"x\" * 46)] * 2)
" &&
	send va 0x88b6 <b5.pcap 2>err &&
	test_grep "^ethsend: frame 1 has ethertype 0x88b5, not 0x88b6: frames are sent as they are" err &&
	test "$(grep -c "has ethertype" err)" = 1 &&
	test_grep "^ethsend: 2 frames sent" err &&
	send va 0x88b5 <b5.pcap 2>err &&
	! grep -q "has ethertype" err
'

test_expect_success NET 'a payload longer than the MTU' '
	/usr/bin/python3 -c "print(\"x\" * 1500)" |
	fails 111 "ethsend: stdin: frame 1: a payload of 1501 bytes exceeds the MTU of va (1500)" \
		send va 0x88b5
'

test_done
