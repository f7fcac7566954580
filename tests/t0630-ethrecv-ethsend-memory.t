#!/bin/sh
test_description='ethrecv and ethsend: memory bounded by the ring and the batch'
. "$(dirname "$0")/test-lib.sh"

# A capture of COUNT frames of 1514 bytes: mkpcap COUNT >FILE
cat >mkpcap.py <<'PY'
import struct, sys
n = int(sys.argv[1])
out = sys.stdout.buffer
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
head = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x88\xb5"
for i in range(n):
    f = head + struct.pack("!I", i) + bytes([i & 0xff]) * (1514 - 18)
    out.write(struct.pack("<IIII", i, 0, len(f), len(f)) + f)
PY

# hwm PID: the peak resident memory of PID, in KiB.
hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

# rx NS IF: the frames IF has received.
rx() { nsrun "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }

# bound NS: a packet socket for 0x88b5 is bound in NS (ethrecv binds once
# its ring is set up).
bound() {
	nsrun "$1" cat /proc/net/packet | awk '$4 == "88b5" { f = 1 } END { exit !f }'
}

# at_least N CMD...: the number CMD prints is at least N.
at_least() { _want=$1; shift; [ "$("$@")" -ge "$_want" ]; }

# A sanitizer's shadow memory would be counted too.
if test_have_prereq NETNS,PYTHON,NOSANITIZE; then
	test_netns A B && test_veth $A va $B vb && test_set_prereq VETH &&
	/usr/bin/python3 mkpcap.py 20000 >big.pcap
fi

# capture_hwm KIB [OPTION...]: ethrecv with OPTIONs takes 20000 frames of
# 1514 bytes; its peak RSS must stay below KIB and hold the ring (> MIN).
capture_hwm() {
	_max=$1 _min=$2
	shift 2
	# Not nsrun: $cap must be ethrecv itself (ip netns exec execs it).
	test_bg cap ip netns exec $B ethrecv "$@" vb 0x88b5 >cap.pcap 2>caperr &&
	wait_for -t 20 bound $B &&
	_before=$(rx $B vb) &&
	nsrun $A ethsend -q va 0x88b5 <big.pcap &&
	wait_for -t 20 at_least $((_before + 20000)) rx $B vb &&
	_kib=$(hwm $cap) &&
	diag "ethrecv${*:+ $*}: VmHWM $_kib KiB" &&
	kill -INT $cap && wait $cap &&
	test "$_kib" -lt "$_max" &&
	test "$_kib" -gt "$_min"
}

test_expect_success VETH 'ethrecv with its default ring stays under 17 MiB: its 14 MiB ring and the fixed cost' '
	capture_hwm 17408 14336
'

# Beside its ring, ethrecv holds its 1 MiB output buffer and its code:
# about 2 MiB that do not grow with the capture.
test_expect_success VETH 'ethrecv -B 2m stays under 4.5 MiB: the ring is what grows' '
	capture_hwm 4608 2048 -B 2m
'

test_expect_success VETH 'ethrecv -B 64m holds its ring: -B sizes it' '
	capture_hwm 69632 65536 -B 64m
'

# ethsend reads 30 MB from a pipe that stays open after the capture, so its
# peak can be read while it waits for more (at most 60 s: a test that fails
# before releasing it leaves nothing behind for long).
test_expect_success VETH 'ethsend from a pipe: memory bounded by its batch, not the input' '
	mkfifo hold &&
	_before=$(rx $B vb) &&
	{ { cat big.pcap; timeout 60 cat hold; } | nsrun $A ethsend -q va 0x88b5 & } &&
	wait_for -t 30 at_least $((_before + 20000)) rx $B vb &&
	_pid=$(ip netns pids $A) &&
	_kib=$(hwm $_pid) &&
	diag "ethsend: VmHWM $_kib KiB after 30 MB" &&
	: >hold &&
	wait &&
	test "$_kib" -lt 4096
'

test_done
