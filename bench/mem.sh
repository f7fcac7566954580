#!/bin/sh
# mem.sh [BUILD]: peak resident memory (VmHWM of /proc/PID/status, sampled
# every 50 ms while the tool runs).
#
#   recv: the capture tool during a recv-style run (1514 B frames at
#         MEM_RATE pps for MEM_SECS): ethrecv, against tcpdump and
#         netsniff-ng.
#   send: the sender fed a large pcap through a pipe (MEM_FRAMES frames of
#         1514 B, made on the fly, so nothing can be mapped or seeked):
#         ethsend, against tcpreplay reading the same from stdin.
# Ratio: to tcpdump (recv) and to tcpreplay (send); lower is better.

. "$(dirname "$0")/lib.sh"

MEM_RATE=${MEM_RATE:-300000}
MEM_SECS=${MEM_SECS:-2}
MEM_FRAMES=${MEM_FRAMES:-500000}
# Peaks hardly move from run to run: one run unless asked.
MEM_RUNS=${MEM_RUNS:-1}

bench_deps
bench_build
bench_wmem_raise
bench_ns tx rx
bench_veth "$tx" s0 "$rx" r0
bench_rps "$rx" r0 1

# hwm_watch PIDFILE: prints the last VmHWM (KiB) of the process named in
# PIDFILE, sampled until it exits or hwm_stop is created.
hwm_watch() {
	_pid=
	_i=0
	while [ -z "$_pid" ] && [ $_i -lt 100 ]; do
		_pid=$(cat "$1" 2>/dev/null)
		[ -n "$_pid" ] || sleep 0.02
		_i=$((_i + 1))
	done
	_hwm=0
	while [ -n "$_pid" ] && [ ! -e "$BENCH_TMP/hwm_stop" ]; do
		_v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$_pid/status" 2>/dev/null) || break
		[ -n "$_v" ] || break
		_hwm=$_v
		sleep 0.05
	done
	echo "$_hwm"
}

# mem_recv TOOL
mem_recv() {
	case $1 in
	tcpdump) bench_capture_start "$rx" r0 tcpdump -i r0 -w - ;;
	netsniff-ng) bench_capture_start "$rx" r0 netsniff-ng --no-sock-mem -Q -s --in r0 --out - ;;
	ethrecv) have ethrecv || return 0
		bench_capture_start "$rx" r0 "$B/ethrecv" r0 all ;;
	esac || return 0
	rm -f "$BENCH_TMP/hwm_stop"
	hwm_watch "$BENCH_TMP/cap.pid" >"$BENCH_TMP/hwm" &
	_w=$!
	bench_measure "$rx" r0 $((MEM_SECS + 3)) "$tx" \
	    "$BENCH_TMP/sendmmsg" -r "$MEM_RATE" s0 1514 $((MEM_RATE * MEM_SECS))
	touch "$BENCH_TMP/hwm_stop"
	wait "$_w"
	bench_capture_stop
	bench_record "memrecv-$1" "$(cat "$BENCH_TMP/hwm")"
}

# mem_send TOOL
mem_send() {
	case $1 in
	tcpreplay) set -- tcpreplay -q --topspeed -i s0 - ;;
	ethsend) have ethsend || return 0
		set -- "$B/ethsend" -q s0 "$BENCH_TYPE" ;;
	esac
	rm -f "$BENCH_TMP/send.pid" "$BENCH_TMP/hwm_stop"
	hwm_watch "$BENCH_TMP/send.pid" >"$BENCH_TMP/hwm" &
	_w=$!
	BENCH_FAIL=
	"$BENCH_TMP/pcapgen" 1514 "$MEM_FRAMES" |
	    timeout -k 2 60 taskset -c 0 ip netns exec "$tx" \
	    sh -c 'echo $$ >"$0"; exec "$@"' "$BENCH_TMP/send.pid" "$@" \
	    >/dev/null 2>"$BENCH_TMP/send.err" ||
		BENCH_FAIL="$(grep -v '^ *$' "$BENCH_TMP/send.err" | tail -n 1 | cut -c 1-80)"
	touch "$BENCH_TMP/hwm_stop"
	wait "$_w"
	bench_record "memsend-$(basename "$1")" "$(cat "$BENCH_TMP/hwm")"
}

_r=0
while [ $_r -lt "$MEM_RUNS" ]; do
	for tool in tcpdump netsniff-ng ethrecv; do
		mem_recv "$tool"
	done
	for tool in tcpreplay ethsend; do
		mem_send "$tool"
	done
	_r=$((_r + 1))
done

mib() {
	case $1 in n/a) echo n/a ;; *) awk -v k="$1" 'BEGIN { printf "%.1fMiB\n", k / 1024 }' ;; esac
}
base=$(bench_median memrecv-tcpdump)
for tool in tcpdump netsniff-ng ethrecv; do
	v=$(bench_median "memrecv-$tool")
	note="VmHWM while capturing $MEM_RATE pps"
	[ "$tool" = ethrecv ] && ! have ethrecv && note="not built in $B"
	runs=$(bench_runs "memrecv-$tool")
	bench_row mem 1514 "$tool" "$(mib "$v")" "$(ratio "$v" "$base")" \
	    "$note${runs:+; $runs KiB}"
done
base=$(bench_median memsend-tcpreplay)
for tool in tcpreplay ethsend; do
	v=$(bench_median "memsend-$tool")
	note="VmHWM sending $MEM_FRAMES frames from a pipe"
	[ "$tool" = ethsend ] && ! have ethsend && note="not built in $B"
	runs=$(bench_runs "memsend-$tool")
	bench_row mem 1514 "$tool" "$(mib "$v")" "$(ratio "$v" "$base")" \
	    "$note${runs:+; $runs KiB}"
done
bench_done
