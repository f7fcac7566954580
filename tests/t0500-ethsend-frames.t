#!/bin/sh
test_description='ethsend: lines, hex and raw input arrive as the exact frames'
. "$(dirname "$0")/test-lib.sh"

# ethsend runs in namespace A on va; tcpdump captures in B on vb.
command -v strace >/dev/null && test_set_prereq STRACE
if test_have_prereq NETNS,TCPDUMP,PYTHON; then
	test_netns A B && test_veth "$A" va "$B" vb && test_set_prereq NET
	MAC_A=$(nsrun "$A" cat /sys/class/net/va/address)
fi

# capture N [FILTER...]: tcpdump on vb until N frames (10 s at most) into
# cap.pcap; returns once it listens.  capture_wait then waits for it.
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

test_expect_success NET 'echo hello: one frame, "hello\n" padded to 60' '
	capture 1 ether proto 0x88b5 &&
	echo hello | send va 0x88b5 2>err &&
	capture_wait &&
	pad=$(printf "%0*d" 80 0) &&
	echo "ffffffffffff$(echo $MAC_A | tr -d :)88b568656c6c6f0a$pad" >want &&
	test_cmp want got &&
	test_grep "^ethsend: 1 frame sent, 60 bytes, 0 errors in [0-9.]* s ([0-9.]* frames/s, [0-9.]* Mbit/s)$" err &&
	test_line_count = 1 err
'

test_expect_success NET 'lines: one frame per line, -d -s -t set the header' '
	capture 3 ether proto 0x0801 &&
	printf "a\n\nlast" |
		send -q -d 02:00:00:00:00:0b -s 02:00:00:00:00:0a -t 0x0801 \
		va 0x88b5 2>err &&
	capture_wait &&
	hdr=02000000000b02000000000a0801 &&
	printf "%s\n" "${hdr}610a$(printf "%0*d" 88 0)" \
		"${hdr}0a$(printf "%0*d" 90 0)" \
		"${hdr}6c617374$(printf "%0*d" 84 0)" >want &&
	test_cmp want got &&
	! test -s err
'

test_expect_success NET '-v VLAN:PRIO adds an 802.1Q tag' '
	capture 1 vlan 42 &&
	echo tagged | send -v 42:5 -s 02:00:00:00:00:0a va 0x88b5 2>err &&
	capture_wait &&
	# TCI: PCP 5, VID 42 = 0xa02a; 18 + 7 bytes "tagged\n", padded to 60.
	echo "ffffffffffff02000000000a8100a02a88b57461676765640a$(printf "%0*d" 70 0)" >want &&
	test_cmp want got
'

test_expect_success NET 'hex: frames sent verbatim, not padded' '
	capture 2 ether proto 0x88b5 &&
	printf "%s\n" "# two frames" \
		"ffffffffffff 020000000001 88b5 0102" "" \
		"020000000002020000000001 88B5 FFFF" >frames.hex &&
	send -f hex va 0x88b5 <frames.hex 2>err &&
	capture_wait &&
	printf "%s\n" ffffffffffff02000000000188b50102 \
		02000000000202000000000188b5ffff >want &&
	test_cmp want got &&
	test_grep "^ethsend: 2 frames sent, 32 bytes, 0 errors" err
'

test_expect_success NET 'hex round trip: what tcpdump saw, sent again, arrives the same' '
	capture 2 ether proto 0x88b5 &&
	printf "hello\nworld\n" | send -q va 0x88b5 &&
	capture_wait &&
	mv got sent.hex &&
	test_line_count = 2 sent.hex &&
	capture 2 ether proto 0x88b5 &&
	send -q -f hex va 0x88b5 <sent.hex &&
	capture_wait &&
	test_cmp sent.hex got
'

test_expect_success NET 'raw: the input cut at the MTU' '
	nsrun "$A" ip link set va mtu 100 &&
	capture 3 ether proto 0x88b5 &&
	/usr/bin/python3 -c "import sys; sys.stdout.buffer.write(bytes(range(250)))" >in.bin &&
	send -f raw va 0x88b5 <in.bin 2>err &&
	capture_wait &&
	nsrun "$A" ip link set va mtu 1500 &&
	awk "{ print length(\$0) / 2 }" got >lens &&
	printf "114\n114\n64\n" >want &&
	test_cmp want lens &&
	test_grep "^ethsend: 3 frames sent, 292 bytes, 0 errors" err
'

test_expect_success NET '-c COUNT stops after COUNT frames' '
	capture 3 ether proto 0x88b5 &&
	seq 1 10 | send -c 3 va 0x88b5 2>err &&
	capture_wait &&
	test_line_count = 3 got &&
	test_grep "^ethsend: 3 frames sent" err
'

test_expect_success NET '-r RATE and -R FACTOR still send everything' '
	capture 20 ether proto 0x88b5 &&
	seq 1 20 | send -q -r 2000 va 0x88b5 &&
	capture_wait &&
	test_line_count = 20 got &&
	cp cap.pcap paced.pcap &&
	capture 20 ether proto 0x88b5 &&
	send -q -R 100 va 0x88b5 <paced.pcap &&
	capture_wait &&
	test_line_count = 20 got
'

test_expect_success NET 'empty input: 0 frames, exit 0' '
	send va 0x88b5 </dev/null 2>err &&
	test_grep "^ethsend: 0 frames sent, 0 bytes, 0 errors in " err &&
	test_line_count = 1 err
'

# The summary's time runs from the first frame read, not from the start:
# a frame that comes 2 s after ethsend starts is sent, and the time said
# is under 1 s, where from the start it would be 2 s (less ethsend's own
# start-up).  Not a race: the 2 s are the input's, a slow machine only
# adds to them, and the 1 s margin is more than one frame takes.
test_expect_success NET 'the time and rates count from the first frame read, not the wait for it' '
	echo ffffffffffff02000000000188b50102 >frame.hex &&
	capture 1 ether proto 0x88b5 &&
	{ sleep 2; cat frame.hex; } | send -f hex va 0x88b5 2>err &&
	capture_wait &&
	test_cmp frame.hex got &&
	test_grep "^ethsend: 1 frame sent, 16 bytes, 0 errors in 0\.[0-9]* s (" err &&
	{ sleep 2; cat frame.hex; } |
		send -f hex --stats-format=kv va 0x88b5 2>err &&
	test_grep "^ethsend: sent=1 bytes=16 errors=0 skipped=0 elapsed=0\.[0-9]* " err
'

test_expect_success NET 'no frame at all: a time of 0, not the wait for the end' '
	sleep 1 | send va 0x88b5 2>err &&
	echo "ethsend: 0 frames sent, 0 bytes, 0 errors in 0.000 s (0.0 frames/s, 0.000 Mbit/s)" >want &&
	test_cmp want err
'

# LISTEN_PID is left unset, so that both ethsends under sh take fd 3.
test_expect_success NET 'an inherited socket (LISTEN_FDS) is used, unbound type needs -t' '
	capture 1 ether proto 0x88b6 &&
	nsrun "$A" /usr/bin/python3 -c "
import os, socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
s.bind((\"va\", 0))
os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ[\"LISTEN_FDS\"] = \"1\"
os.execvp(sys.argv[1], sys.argv[1:])
" sh -c "echo x | ethsend 2>err1; echo \$? >rc1; echo x | ethsend -t 0x88b6 -q" &&
	capture_wait &&
	echo 100 >want && test_cmp want rc1 &&
	test_grep "ethsend: the input is payload, not frames: give its ethertype with -t" err1 &&
	test_line_count = 1 got
'

test_expect_success NET 'an inherited fd that is a pipe: exit 100' '
	echo x | nsrun "$A" sh -c "ethsend --fd 0" 2>err ||
	echo $? >rc &&
	echo 100 >want && test_cmp want rc &&
	test_grep "ethsend: fd 0: not a raw AF_PACKET socket" err &&
	: | nsrun "$A" sh -c "LISTEN_FDS=1 ethsend 3</dev/null" 2>err ||
	echo $? >rc &&
	test_cmp want rc &&
	test_grep "ethsend: fd 3: not a raw AF_PACKET socket" err
'

test_expect_success NET,STRACE '--tx-ring: the frames, whole and in order, through a PACKET_TX_RING' '
	capture 3 ether proto 0x88b5 &&
	# LeakSanitizer cannot run under ptrace: off for this one run.
	printf "a\nbb\n%01400d\n" 7 |
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		nsrun "$A" strace -f -o trace -e trace=setsockopt,sendmmsg,sendto \
		ethsend -q --tx-ring -s 02:00:00:00:00:0a va 0x88b5 2>err &&
	capture_wait &&
	hdr=ffffffffffff02000000000a88b5 &&
	printf "%s\n" "${hdr}610a$(printf "%0*d" 88 0)" \
		"${hdr}62620a$(printf "%0*d" 86 0)" \
		"${hdr}$(printf "%01400d\n" 7 | od -An -tx1 -v | tr -d " \n")" >want &&
	test_cmp want got &&
	! test -s err &&
	test_grep "PACKET_TX_RING" trace &&
	! grep -q "sendmmsg(" trace &&
	# The page: 512 slots, 1 MiB at an MTU of 1500, as va has.
	sed -n "s/.*PACKET_TX_RING, {tp_block_size=\([0-9]*\), tp_block_nr=\([0-9]*\), tp_frame_size=\([0-9]*\), tp_frame_nr=\([0-9]*\)}.*/\1 \2 \3 \4/p" \
		trace >ring &&
	test_line_count = 1 ring &&
	read bsize bnr fsize fnr <ring &&
	test "$fnr" = 512 &&
	test $((fsize * fnr)) = 1048576 &&
	test $((bsize * bnr)) = 1048576
'

test_expect_success NET '--tx-ring on a handed-over socket: exit 100, nothing sent' '
	echo x | nsrun "$A" /usr/bin/python3 -c "
import os, socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
s.bind((\"va\", 0))
os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ[\"LISTEN_FDS\"] = \"1\"
os.execvp(sys.argv[1], sys.argv[1:])
" ethsend --tx-ring -t 0x88b5 2>err ||
	echo $? >rc &&
	echo 100 >want && test_cmp want rc &&
	test_grep "^ethsend: --tx-ring: fd 3 was handed over, and may be shared" err
'

test_done
