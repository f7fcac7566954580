#!/bin/sh
# send.sh [BUILD]: how fast each sender puts 60 B and 1514 B frames on a
# veth, measured where they arrive (the peer's rx_packets, in its own
# namespace).  The sender is pinned to CPU 0, the receive softirq steered to
# CPU 1.  Senders: trafgen (TX_RING, from a config), tcpreplay --topspeed
# (of a pcap), a plain C sendmmsg x 64 sender (bench/sendmmsg.c) of one
# frame over and over, the same reading the pcap file on stdin (-p), the
# same sending it through a TX_RING (-T -p: ring-pcap), and our ethsend
# reading that pcap on stdin, plain and --tx-ring.  Where every sender
# meets the same rate, the receiving side sets it: sendcpu.sh tells what
# each sender spends.  Median of BENCH_RUNS runs, the
# tools interleaved in each round; ratio to trafgen (to sendmmsg when
# trafgen failed every run).

. "$(dirname "$0")/lib.sh"

# A run sends SEND_LOOPS<size> times a pcap of SEND_PCAP frames (trafgen
# and sendmmsg: the same number of frames), about 3 s at full speed, and is
# stopped after SEND_SECS anyway: the meter times only the window in which
# frames arrive.
SEND_PCAP=${SEND_PCAP:-100000}
SEND_LOOPS60=${SEND_LOOPS60:-20}
SEND_LOOPS1514=${SEND_LOOPS1514:-15}
SEND_SECS=${SEND_SECS:-4}
SEND_TOOLS=${SEND_TOOLS:-trafgen tcpreplay sendmmsg sendmmsg-pcap ring-pcap ethsend ethsend-ring}

bench_deps
bench_build
bench_wmem_raise
bench_ns tx rx
bench_veth "$tx" s0 "$rx" r0
bench_rps "$rx" r0 1

# send_one SIZE TOOL: one run, recorded as send-SIZE-TOOL.
send_one() {
	eval "_loops=\$SEND_LOOPS$1"
	_n=$((SEND_PCAP * _loops))
	_pcap=$(bench_pcap "$1" "$SEND_PCAP")
	case $2 in
	trafgen)
		bench_measure "$rx" r0 "$SEND_SECS" "$tx" trafgen -Q -C -P 1 \
		    -i "$(bench_trafgen_conf "$1")" -o s0 -n "$_n" ;;
	tcpreplay)
		bench_measure "$rx" r0 "$SEND_SECS" "$tx" tcpreplay -q \
		    --topspeed --loop="$_loops" -i s0 "$_pcap" ;;
	sendmmsg)
		bench_measure "$rx" r0 "$SEND_SECS" "$tx" \
		    "$BENCH_TMP/sendmmsg" s0 "$1" "$_n" ;;
	sendmmsg-pcap)
		bench_measure "$rx" r0 "$SEND_SECS" "$tx" sh -c \
		    'exec "$0" -p "$1" s0 <"$2"' "$BENCH_TMP/sendmmsg" \
		    "$_loops" "$_pcap" ;;
	ring-pcap)
		bench_measure "$rx" r0 "$SEND_SECS" "$tx" sh -c \
		    'exec "$0" -T -p "$1" s0 <"$2"' "$BENCH_TMP/sendmmsg" \
		    "$_loops" "$_pcap" ;;
	ethsend)
		have ethsend || return 0
		bench_measure "$rx" r0 "$SEND_SECS" "$tx" sh -c \
		    'exec "$0" -q -l "$1" s0 0x88b5 <"$2"' "$B/ethsend" \
		    "$_loops" "$_pcap" ;;
	ethsend-ring)
		have ethsend || return 0
		bench_measure "$rx" r0 "$SEND_SECS" "$tx" sh -c \
		    'exec "$0" -q --tx-ring -l "$1" s0 0x88b5 <"$2"' \
		    "$B/ethsend" "$_loops" "$_pcap" ;;
	esac
	bench_record "send-$1-$2" "$PPS"
}

for size in 60 1514; do
	_r=0
	while [ $_r -lt "$BENCH_RUNS" ]; do
		for tool in $SEND_TOOLS; do
			send_one "$size" "$tool"
		done
		_r=$((_r + 1))
	done
	base=$(bench_median "send-$size-trafgen")
	basename=trafgen
	if [ "$base" = n/a ]; then
		base=$(bench_median "send-$size-sendmmsg")
		basename=sendmmsg
	fi
	for tool in $SEND_TOOLS; do
		case $tool in
		trafgen) note="TX_RING" ;;
		tcpreplay) note="--topspeed --loop, pcap file" ;;
		sendmmsg) note="bench/sendmmsg.c, one frame" ;;
		sendmmsg-pcap) note="bench/sendmmsg.c -p, pcap file on stdin" ;;
		ring-pcap) note="bench/sendmmsg.c -T -p: TX_RING, the same" ;;
		ethsend)
			_p=$(bench_median "send-$size-ethsend")
			note="-l, pcap file on stdin; $(ratio "$_p" \
			    "$(bench_median "send-$size-sendmmsg-pcap")")x sendmmsg -p, $(ratio "$_p" \
			    "$(bench_median "send-$size-sendmmsg")")x sendmmsg"
			have ethsend || note="not built in $B" ;;
		ethsend-ring) note="--tx-ring -l, pcap file on stdin" ;;
		*) note= ;;
		esac
		[ "$tool" = "$basename" ] && note="$note, base"
		pps=$(bench_median "send-$size-$tool")
		runs=$(bench_runs "send-$size-$tool")
		bench_row send "$size" "$tool" "$pps" "$(ratio "$pps" "$base")" \
		    "$note${runs:+; $runs}"
	done
done
bench_done
