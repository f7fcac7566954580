#!/bin/sh
# soak.sh [SECONDS [BUILD]]: ethsend -> ethrecv at full rate between two
# network namespaces for SECONDS (default 60), then checks that nothing was
# lost without a count, and that memory and fds stayed flat.
#
#   sent by ethsend = received by ethrecv + dropped by the kernel (ethrecv's
#                     PACKET_STATISTICS) + dropped by the veth pair (ip -s)
#                     + send errors (ethsend's summary)
#
# VmRSS and the number of open fds of both processes are sampled every
# second; their max - min is reported.  Run as root; not part of make
# check (it takes SECONDS and loads a CPU).  Exit 0 when the counts balance
# and fds stayed flat, 1 otherwise.
set -u

secs=${1:-60}
build=$(cd "${2:-$(dirname "$0")/../build}" && pwd) || exit 1
[ "$(id -u)" = 0 ] || { echo "soak.sh: run as root" >&2; exit 1; }
for t in ethsend ethrecv; do
	[ -x "$build/$t" ] || { echo "soak.sh: no $build/$t" >&2; exit 1; }
done

tag=$(printf '%x' $$ | tail -c 5)
A=fdcsoak${tag}a
B=fdcsoak${tag}b
dir=$(mktemp -d "${TMPDIR:-/tmp}/fdcap-soak.XXXXXX") || exit 1
send_pid= recv_pid=

cleanup() {
	[ -n "$send_pid" ] && kill "$send_pid" 2>/dev/null
	[ -n "$recv_pid" ] && kill "$recv_pid" 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

ip netns add "$A" && ip netns add "$B" &&
ip -n "$A" link add va type veth peer name vb netns "$B" &&
ip -n "$A" link set va up && ip -n "$B" link set vb up &&
ip netns exec "$A" sysctl -qw net.ipv6.conf.va.disable_ipv6=1 &&
ip netns exec "$B" sysctl -qw net.ipv6.conf.vb.disable_ipv6=1 || exit 1

# A capture of 64 frames from 60 to 1514 bytes, looped forever by ethsend.
/usr/bin/python3 - "$dir/frames.pcap" <<\EOF || exit 1
import struct, sys
out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
for i in range(64):
    n = 60 + (1514 - 60) * i // 63
    f = b"\xff" * 6 + b"\x02\0\0\0\0\x01\x88\xb5" + struct.pack("!I", i)
    f += bytes(n - len(f))
    out += struct.pack("<IIII", 0, 0, n, n) + f
open(sys.argv[1], "wb").write(out)
EOF

# Both processes are the tools themselves: ip netns exec execs them.
ip netns exec "$B" "$build/ethrecv" vb 0x88b5 >/dev/null 2>"$dir/recv.err" &
recv_pid=$!
n=0
until ip netns exec "$B" cat /proc/net/packet | awk '$4 == "88b5" { f = 1 } END { exit !f }'; do
	n=$((n + 1))
	[ $n -lt 200 ] || { echo "soak.sh: ethrecv never bound" >&2; exit 1; }
	sleep 0.05
done
ip netns exec "$A" "$build/ethsend" -l 0 va 0x88b5 <"$dir/frames.pcap" \
	2>"$dir/send.err" &
send_pid=$!

# sample PID: "rss_kB fds" of a live process.
sample() {
	r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
	f=$(ls "/proc/$1/fd" 2>/dev/null | wc -l)
	[ -n "$r" ] && echo "$r $f"
}

: >"$dir/samples"
i=0
while [ $i -lt "$secs" ]; do
	sleep 1
	i=$((i + 1))
	s=$(sample $send_pid) && r=$(sample $recv_pid) || {
		echo "soak.sh: a process died after ${i}s" >&2
		cat "$dir/send.err" "$dir/recv.err" >&2
		exit 1
	}
	echo "$s $r" >>"$dir/samples"
done

kill -TERM $send_pid
wait $send_pid
send_rc=$?
send_pid=
# Let the last frames land (veth delivers within the softirq), then stop.
sleep 1
kill -TERM $recv_pid
wait $recv_pid
recv_rc=$?
recv_pid=

sent=$(sed -n 's/^\([0-9]*\) frames sent.*/\1/p' "$dir/send.err")
errs=$(sed -n 's/^[0-9]* frames sent, [0-9]* bytes, \([0-9]*\) errors.*/\1/p' "$dir/send.err")
recv=$(sed -n 's/^\([0-9]*\) frames received.*/\1/p' "$dir/recv.err")
kdrop=$(sed -n 's/^[0-9]* frames received, \([0-9]*\) dropped by kernel.*/\1/p' "$dir/recv.err")
txdrop=$(ip netns exec "$A" cat /sys/class/net/va/statistics/tx_dropped)
rxdrop=$(ip netns exec "$B" cat /sys/class/net/vb/statistics/rx_dropped)
if [ -z "$sent" ] || [ -z "$recv" ] || [ -z "$errs" ] || [ -z "$kdrop" ]; then
	echo "soak.sh: no summary (ethsend exit $send_rc, ethrecv exit $recv_rc)" >&2
	cat "$dir/send.err" "$dir/recv.err" >&2
	exit 1
fi

# max - min of each column: ethsend rss, fds; ethrecv rss, fds.
spread=$(awk '
	NR == 1 { for (c = 1; c <= 4; c++) { lo[c] = hi[c] = $c } }
	{ for (c = 1; c <= 4; c++) { if ($c < lo[c]) lo[c] = $c; if ($c > hi[c]) hi[c] = $c } }
	END { printf "%d %d %d %d %d %d", hi[1] - lo[1], hi[2] - lo[2], hi[3] - lo[3], hi[4] - lo[4], hi[1], hi[3] }
' "$dir/samples")
set -- $spread
accounted=$((recv + kdrop + txdrop + rxdrop + errs))
lost=$((sent - accounted))

printf 'soak: %ss, %s frames sent (%s errors), %s received, %s dropped by kernel, %s dropped by veth (tx %s, rx %s): %s lost without a count; ethsend RSS %s kB (+%s), fds +%s; ethrecv RSS %s kB (+%s), fds +%s; exits %s %s\n' \
	"$secs" "$sent" "$errs" "$recv" "$kdrop" $((txdrop + rxdrop)) \
	"$txdrop" "$rxdrop" "$lost" "$5" "$1" "$2" "$6" "$3" "$4" \
	"$send_rc" "$recv_rc"

[ "$lost" = 0 ] && [ "$2" = 0 ] && [ "$4" = 0 ] &&
	[ "$send_rc" = 0 ] && [ "$recv_rc" = 0 ]
