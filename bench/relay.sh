#!/bin/sh
# relay.sh [BUILD]: a frame relay through a middle namespace.
#
#   ns1 a0 --veth-- b0 ns2 b1 --veth-- c0 ns3
#
# A sender in ns1 (bench/sendmmsg.c at full speed, pinned to CPU 0) sends
# 60 B frames; ns2 relays them from b0 to b1 (receive softirq of b0 on
# CPU 1) with: the kernel bridge; `ethrecv b0 all | ethsend b1`; and
# `tcpdump -U -w - | tcpreplay --topspeed -`.  Each pipeline runs twice:
# both halves on CPU 1 with the softirq (the bridge's CPU), and split, the
# capture half on CPU 1 and the sending half on CPU 0 (`taskset` in the
# pipeline, as a user would place them; the sender then shares CPU 0, and
# offers less).  Reported: the rate at which frames arrive in ns3, and the
# ratio to the bridge.
#
# And two bounds, no relay at all: while the sender floods b0 as before,
# a plain sendmmsg sender in ns2 sends its own frames out of b1 (no input,
# nothing read), on CPU 1 beside b0's receive softirq (bound) or on CPU 0
# beside the sender (bound-split).  It pays nothing for a capture half (no
# socket on b0), so a relay whose sending half costs what a sendmmsg
# sender costs a frame cannot pass it.  A cheaper sending half could, by
# what it saves a frame (PACKET_QDISC_BYPASS: 1-3 %, measured by hand).

. "$(dirname "$0")/lib.sh"

RELAY_SIZE=${RELAY_SIZE:-60}
RELAY_N=${RELAY_N:-2000000}
RELAY_SECS=${RELAY_SECS:-4}
RELAY_TOOLS=${RELAY_TOOLS:-bridge bound bound-split ethrecv-ethsend ethrecv-ethsend-split tcpdump-tcpreplay tcpdump-tcpreplay-split}

bench_deps
bench_build
bench_wmem_raise
bench_ns n1 n2 n3
bench_veth "$n1" a0 "$n2" b0
bench_veth "$n2" b1 "$n3" c0
bench_rps "$n2" b0 1

# relay_stop: ends whatever runs in ns2 (SIGINT first, as a user would).
relay_stop() {
	_pids=$(ip netns pids "$n2")
	[ -n "$_pids" ] && kill -INT $_pids 2>/dev/null
	_i=0
	while [ -n "$(ip netns pids "$n2")" ] && [ $_i -lt 60 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	_pids=$(ip netns pids "$n2")
	[ -n "$_pids" ] && kill -KILL $_pids 2>/dev/null
	[ -n "${relay_job:-}" ] && wait "$relay_job" 2>/dev/null
	relay_job=
	BENCH_PIDS=
}

# relay_start PIPELINE: runs the shell pipeline in ns2, pinned like a
# capture tool to the CPU of the receive softirq (BENCH_CAPTURE_CPU; the
# bridge has that CPU alone too, and CPU 0 is the sender's), and waits for
# its packet socket on b0.
relay_start() {
	_before=$(bench_sockets "$n2" b0)
	_pin="taskset -c $BENCH_CAPTURE_CPU"
	[ -n "$BENCH_CAPTURE_CPU" ] || _pin=
	$_pin ip netns exec "$n2" sh -c "$1" >/dev/null 2>"$BENCH_TMP/relay.err" &
	relay_job=$!
	BENCH_PIDS="$BENCH_PIDS $relay_job"
	bench_wait_socket "$n2" b0 "$_before"
}

# relay_pin TOOL CPU: "taskset -c CPU " for a -split TOOL, else nothing.
relay_pin() {
	case $1 in *-split) printf 'taskset -c %s ' "$2" ;; esac
}

# relay_bound CPU: the sender on a0 (pinned to CPU 0 by bench_measure) and,
# while it runs, bench/sendmmsg in ns2 on b1 pinned to CPU; ends both.
relay_bound() {
	bench_measure "$n3" c0 "$RELAY_SECS" "$n1" sh -c '
		"$0" a0 "$1" "$2" & g=$!
		taskset -c "$3" ip netns exec "$4" "$0" b1 "$1" 4000000000 & s=$!
		trap "kill $g $s 2>/dev/null; exit 130" INT TERM
		wait $g
		rc=$?
		kill $s 2>/dev/null
		wait $s
		rs=$?
		# The sender in ns2 must still have been sending: ended by TERM.
		[ $rc = 0 ] || exit $rc
		[ $rs = 143 ] || exit $((rs == 0 ? 1 : rs))
		exit 0' "$BENCH_TMP/sendmmsg" "$RELAY_SIZE" "$RELAY_N" "$1" "$n2"
}

# relay_one TOOL: one run, recorded as relay-TOOL.
relay_one() {
	case $1 in
	bound*)
		case $1 in *-split) relay_bound 0 ;; *) relay_bound 1 ;; esac
		relay_stop
		bench_record "relay-$1" "$PPS"
		return 0
		;;
	bridge)
		ip -n "$n2" link add br0 type bridge &&
		ip -n "$n2" link set b0 master br0 &&
		ip -n "$n2" link set b1 master br0 &&
		ip -n "$n2" link set br0 up || die "bridge"
		;;
	ethrecv-ethsend*)
		have ethrecv && have ethsend || return 0
		relay_start "exec $(relay_pin "$1" 1)'$B/ethrecv' b0 all |
		    exec $(relay_pin "$1" 0)'$B/ethsend' -q b1 $BENCH_TYPE" ||
			{ relay_stop; return 0; }
		;;
	tcpdump-tcpreplay*)
		relay_start "exec $(relay_pin "$1" 1)tcpdump -U -i b0 -w - |
		    exec $(relay_pin "$1" 0)tcpreplay -q --topspeed -i b1 -" ||
			{ relay_stop; return 0; }
		;;
	esac
	bench_measure "$n3" c0 "$RELAY_SECS" "$n1" \
	    "$BENCH_TMP/sendmmsg" a0 "$RELAY_SIZE" "$RELAY_N"
	case $1 in
	bridge)
		ip -n "$n2" link del br0 ;;
	*)
		relay_stop
		_e=$(grep -v -e 'listening on' -e 'packets captured' \
		    -e 'packets received by filter' -e 'packets dropped by kernel' \
		    -e 'frames\{0,1\} received, .* dropped by kernel' -e 'frames\{0,1\} sent' \
		    -e '^ *$' -e 'User interrupt' -e '^Actual:' -e '^Rated:' -e '^Flows:' -e '^Statistics' \
		    -e '^[[:space:]]*\(Successful\|Failed\|Truncated\|Retried\)' \
		    "$BENCH_TMP/relay.err" | tail -n 1 | cut -c 1-80)
		[ -z "$BENCH_FAIL" ] && [ -n "$_e" ] && BENCH_FAIL="$_e"
		;;
	esac
	bench_record "relay-$1" "$PPS"
}

_r=0
while [ $_r -lt "$BENCH_RUNS" ]; do
	for tool in $RELAY_TOOLS; do
		relay_one "$tool"
	done
	_r=$((_r + 1))
done
base=$(bench_median relay-bridge)
for tool in $RELAY_TOOLS; do
	case $tool in
	bridge) note="kernel bridge, base" ;;
	bound) note="no relay: sendmmsg on b1 on CPU 1 beside b0's softirq, the most a sendmmsg sending half can send there" ;;
	bound-split) note="no relay: sendmmsg on b1 on CPU 0 beside the sender, the most a -split sendmmsg sending half can send" ;;
	ethrecv-ethsend) note="ethrecv b0 all | ethsend b1, both on CPU 1"
		have ethrecv && have ethsend || note="not built in $B" ;;
	ethrecv-ethsend-split) note="the same, ethsend on CPU 0 (with the sender)"
		have ethrecv && have ethsend || note="not built in $B" ;;
	tcpdump-tcpreplay) note="tcpdump -U -w - | tcpreplay --topspeed -, both on CPU 1" ;;
	tcpdump-tcpreplay-split) note="the same, tcpreplay on CPU 0 (with the sender)" ;;
	*) note= ;;
	esac
	pps=$(bench_median "relay-$tool")
	runs=$(bench_runs "relay-$tool")
	case $tool in
	bound*|bridge) ;;
	*-split) note="$note; $(ratio "$pps" "$(bench_median relay-bound-split)")x bound-split" ;;
	*) note="$note; $(ratio "$pps" "$(bench_median relay-bound)")x bound" ;;
	esac
	bench_row relay "$RELAY_SIZE" "$tool" "$pps" "$(ratio "$pps" "$base")" \
	    "$note${runs:+; $runs}"
done
bench_done
