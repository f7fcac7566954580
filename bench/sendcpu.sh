#!/bin/sh
# sendcpu.sh [BUILD]: what each sender spends, in CPU time per frame, to
# put a pcap's frames on a veth: the cost that send.sh's rates cannot show
# when the receiving side, not the sender, sets the rate (as it does on a
# small VM, for every tool alike).  The sender is pinned to CPU 0 and runs
# to the end of SENDCPU_LOOPS passes over a pcap of SEND_PCAP frames; its
# user and system time (getrusage of the child) over the frames it sent is
# the figure.  The peer's softirq goes to CPU 1 (RPS); nothing listens for
# the frames there, so the receiving side costs the sender nothing more
# than the enqueue.  Senders: the plain sendmmsg(2) one (bench/sendmmsg.c
# -p), the same through a TX_RING (-T -p), ethsend, and ethsend --tx-ring;
# and trafgen, sending as many copies of one frame from its TX_RING (it
# needs BENCH_HOST_WMEM=1, see lib.sh).
# Median of BENCH_RUNS runs, interleaved; ratio: the sendmmsg sender's
# time over the tool's (above 1: cheaper per frame).

. "$(dirname "$0")/lib.sh"

SEND_PCAP=${SEND_PCAP:-100000}
SENDCPU_LOOPS=${SENDCPU_LOOPS:-10}
SENDCPU_TOOLS=${SENDCPU_TOOLS:-trafgen sendmmsg-pcap ring-pcap ethsend ethsend-ring}

bench_deps
bench_build
bench_wmem_raise
bench_ns tx rx
bench_veth "$tx" s0 "$rx" r0
bench_rps "$rx" r0 1

# cpu_ns CMD...: runs CMD, pinned to CPU 0 in $tx, and prints the CPU
# time it took (user and system, its children's included) in ns, or fails;
# what CMD prints goes to standard error.
cpu_ns() {
	nsrun "$tx" taskset -c 0 /usr/bin/python3 -c '
import resource, subprocess, sys
if subprocess.run(sys.argv[1:], stdout=sys.stderr).returncode != 0:
    sys.exit(1)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(int((r.ru_utime + r.ru_stime) * 1e9))' "$@"
}

# one SIZE TOOL: one run, recorded as sendcpu-SIZE-TOOL (ns a frame).
one() {
	_pcap=$(bench_pcap "$1" "$SEND_PCAP")
	_n=$((SEND_PCAP * SENDCPU_LOOPS))
	BENCH_FAIL=
	case $2 in
	trafgen)
		_t=$(cpu_ns trafgen -Q -C -P 1 -i "$(bench_trafgen_conf "$1")" \
		    -o s0 -n "$_n") ;;
	sendmmsg-pcap)
		_t=$(cpu_ns sh -c 'exec "$0" -p "$1" s0 <"$2"' \
		    "$BENCH_TMP/sendmmsg" "$SENDCPU_LOOPS" "$_pcap") ;;
	ring-pcap)
		_t=$(cpu_ns sh -c 'exec "$0" -T -p "$1" s0 <"$2"' \
		    "$BENCH_TMP/sendmmsg" "$SENDCPU_LOOPS" "$_pcap") ;;
	ethsend)
		have ethsend || return 0
		_t=$(cpu_ns sh -c 'exec "$0" -q -l "$1" s0 0x88b5 <"$2"' \
		    "$B/ethsend" "$SENDCPU_LOOPS" "$_pcap") ;;
	ethsend-ring)
		have ethsend || return 0
		_t=$(cpu_ns sh -c 'exec "$0" -q --tx-ring -l "$1" s0 0x88b5 <"$2"' \
		    "$B/ethsend" "$SENDCPU_LOOPS" "$_pcap") ;;
	esac || BENCH_FAIL="exit $?"
	bench_record "sendcpu-$1-$2" "$(awk -v t="${_t:-0}" -v n="$_n" \
	    'BEGIN { printf "%.0f\n", t / n }')"
}

for size in 60 1514; do
	_r=0
	while [ $_r -lt "$BENCH_RUNS" ]; do
		for tool in $SENDCPU_TOOLS; do
			one "$size" "$tool"
		done
		_r=$((_r + 1))
	done
	base=$(bench_median "sendcpu-$size-sendmmsg-pcap")
	for tool in $SENDCPU_TOOLS; do
		case $tool in
		trafgen) note="ns CPU/frame; TX_RING, one frame" ;;
		sendmmsg-pcap) note="ns CPU/frame; bench/sendmmsg.c -p, base" ;;
		ring-pcap) note="ns CPU/frame; bench/sendmmsg.c -T -p: TX_RING" ;;
		ethsend) note="ns CPU/frame; -l, pcap on stdin" ;;
		ethsend-ring) note="ns CPU/frame; --tx-ring -l, pcap on stdin" ;;
		esac
		v=$(bench_median "sendcpu-$size-$tool")
		bench_row sendcpu "$size" "$tool" "$v" "$(ratio "$base" "$v")" \
		    "$note; $(bench_runs "sendcpu-$size-$tool")"
	done
done
bench_done
