#!/bin/sh
# recv.sh [BUILD]: capture into a pipe as pcap.  A fixed-rate sender in one
# namespace (bench/sendmmsg.c -r, pinned to CPU 0) sends 1514 B and 60 B
# frames over a veth; in the other namespace (receive softirq on CPU 1) a
# capture tool writes pcap to a pipe, and bench/pcapcount counts the frames
# that come out of it.  Tools: tcpdump -w -, netsniff-ng --out -, our
# ethrecv.  Reported: frames delivered per second (from the first arrival
# until the tool's output stopped flowing, or the last arrival when it kept
# up: a tool that buffers in a large ring is timed until it has drained
# it), the share of the frames that arrived on the interface
# (its rx_packets) that were delivered, and the ratio to tcpdump and to
# netsniff-ng.  Frames the receiving CPU had no time for are dropped before
# they count as arrived: a capture tool that burns CPU 1 lowers the arrival
# rate too, so compare pps first.  (trafgen -b does not keep its rate on
# veth, hence our own paced sender.)

. "$(dirname "$0")/lib.sh"

# Offered rates (pps) and how long a run sends.
RECV_RATE60=${RECV_RATE60:-650000}
RECV_RATE1514=${RECV_RATE1514:-500000}
RECV_SECS=${RECV_SECS:-3}
RECV_TOOLS=${RECV_TOOLS:-tcpdump netsniff-ng ethrecv}

bench_deps
bench_build
bench_wmem_raise
bench_ns tx rx
bench_veth "$tx" s0 "$rx" r0
bench_rps "$rx" r0 1

# recv_one SIZE TOOL: one run, recorded as recv-SIZE-TOOL (pps) and
# recvpct-SIZE-TOOL (per cent delivered).
recv_one() {
	eval "_rate=\$RECV_RATE$1"
	_n=$((_rate * RECV_SECS))
	case $2 in
	tcpdump)
		bench_capture_start "$rx" r0 tcpdump -i r0 -w - ;;
	netsniff-ng)
		bench_capture_start "$rx" r0 netsniff-ng --no-sock-mem -Q -s --in r0 --out - ;;
	ethrecv)
		have ethrecv || return 0
		bench_capture_start "$rx" r0 "$B/ethrecv" r0 all ;;
	esac || { say "bench: $2 did not start: $(cat "$BENCH_TMP/cap.err")"; return 0; }
	bench_measure "$rx" r0 $((RECV_SECS + 3)) "$tx" \
	    "$BENCH_TMP/sendmmsg" -r "$_rate" s0 "$1" "$_n"
	bench_capture_stop
	if [ -s "$BENCH_TMP/cap.err2" ] && [ -z "$BENCH_FAIL" ]; then
		BENCH_FAIL="$2: $(tail -n 1 "$BENCH_TMP/cap.err2" | cut -c 1-80)"
	fi
	if [ "$ARRIVED" -gt 0 ] && [ "$SECS" != 0 ]; then
		# Delivered over the time from the first arrival until the
		# output stopped (or the last arrival, when it kept up).
		_pps=$(awk -v c="$CAPTURED" -v s="$SECS" -v t0="$BENCH_T0" -v e="$CAPEND" \
		    'BEGIN { d = e - t0; if (d < s) d = s; printf "%d", c / d }')
		_pct=$(awk -v c="$CAPTURED" -v a="$ARRIVED" 'BEGIN { printf "%.1f", 100 * c / a }')
	else
		BENCH_FAIL=${BENCH_FAIL:-"nothing arrived"}
	fi
	bench_record "recv-$1-$2" "${_pps:-0}"
	bench_record "recvpct-$1-$2" "${_pct:-0}"
	bench_record "recvoff-$1-$2" "$PPS"
}

for size in 1514 60; do
	_r=0
	while [ $_r -lt "$BENCH_RUNS" ]; do
		for tool in $RECV_TOOLS; do
			recv_one "$size" "$tool"
		done
		_r=$((_r + 1))
	done
	td=$(bench_median "recv-$size-tcpdump")
	ns=$(bench_median "recv-$size-netsniff-ng")
	for tool in $RECV_TOOLS; do
		pps=$(bench_median "recv-$size-$tool")
		note="delivered $(bench_median "recvpct-$size-$tool")% of arrivals"
		note="$note ($(bench_median "recvoff-$size-$tool") pps arrived of $(eval echo \$RECV_RATE$size) sent)"
		[ "$tool" = ethrecv ] && ! have ethrecv && note="not built in $B"
		[ "$tool" != netsniff-ng ] && [ "$tool" != tcpdump ] &&
			note="$note, $(ratio "$pps" "$ns")x netsniff-ng"
		runs=$(bench_runs "recv-$size-$tool")
		bench_row recv "$size" "$tool" "$pps" "$(ratio "$pps" "$td")" \
		    "$note${runs:+; $runs}"
	done
done
bench_done
