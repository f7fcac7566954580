#!/bin/sh
# scale.sh [BUILD]: capture scaling.  Senders in one namespace flood a veth
# at full rate (bench/sendmmsg.c -p, one process per sender CPU, each
# looping over a pcap of IPv4/UDP frames of SCALE_FLOWS flows, made here
# with python3); in the other namespace the receive softirq is spread by
# RPS over the capture CPUs, and a capture tool writes pcap to a pipe
# counted by bench/pcapcount, as in recv.sh.  Tools: ethrecv -j N -P CPUS
# (N workers, one thread, socket and ring each, in one hash fanout group,
# one output stream) for N = 1, 2, 4, ... up to the capture CPUs;
# tcpdump -w - (no fanout); netsniff-ng, one process and N processes in
# one hash fanout group (--fanout-group/--fanout-type hash), each into its
# own pcapcount (their counts added).  Reported: frames delivered per
# second and the share of the arrivals (the receiving veth's rx_packets),
# ratio to ethrecv -j 1, note: ratio of N netsniff-ng processes to one.
#
# CPUs: those this script may run on (taskset), or BENCH_CPUS (a list, as
# 0-3,8).  With C of them, the first SCALE_SENDERS (default C/4, at least
# 1) send and the rest capture, softirq included (RPS over all of them, so
# only the capture side changes from row to row); on 2 CPUs the sender has
# CPU 0, one worker CPU 1, and two workers both CPUs, RPS over both.  Each
# capture pipeline runs on the first N capture CPUs; ethrecv -P gets them.
# (bench_measure starts the senders through taskset -c 0: CPU 0 must be
# one we may use, which it is unless a cpuset forbids it.)
#
# Knobs: SCALE_SIZES (1514 60), SCALE_SECS (2), SCALE_FLOWS (256),
# SCALE_TOOLS (tcpdump netsniff-ng ethrecv), SCALE_WORKERS (the counts,
# default 1 2 4 ... and the most), SCALE_NETSNIFF_RING (netsniff-ng's -S
# per process, 64MiB: by default it sizes its ring from memory, GiBs a
# process).

. "$(dirname "$0")/lib.sh"

SCALE_SIZES=${SCALE_SIZES:-1514 60}
SCALE_SECS=${SCALE_SECS:-2}
SCALE_FLOWS=${SCALE_FLOWS:-256}
SCALE_TOOLS=${SCALE_TOOLS:-tcpdump netsniff-ng ethrecv}
SCALE_NETSNIFF_RING=${SCALE_NETSNIFF_RING:-64MiB}

# cpulist LIST: the CPUs of a list such as 0-3,8, one a line.
cpulist() {
	printf '%s\n' "$1" | tr ',' '\n' | awk -F- 'NF {
		if (NF == 1) print $1; else for (i = $1; i <= $2; i++) print i }'
}
if [ -n "${BENCH_CPUS:-}" ]; then
	cpus=$(cpulist "$BENCH_CPUS")
else
	cpus=$(cpulist "$(taskset -cp $$ | sed 's/.*: *//')")
fi
cpus=$(printf '%s\n' $cpus | tr '\n' ' ')
ncpu=$(printf '%s\n' $cpus | wc -l)
[ "$ncpu" -ge 2 ] || {
	say "bench: scale needs 2 CPUs or more (has: $cpus); skipped"
	bench_row scale - skipped n/a n/a "needs 2 CPUs, has $ncpu"
	bench_done
	exit 0
}
# nth N: the Nth (from 1) of $cpus.
nth() { printf '%s\n' $cpus | sed -n "$1p"; }
if [ "$ncpu" = 2 ]; then
	nsend=1
	send_cpus=$(nth 1)
	cap_cpus="$(nth 2) $(nth 1)"
else
	nsend=${SCALE_SENDERS:-$((ncpu / 4))}
	[ "$nsend" -ge 1 ] || nsend=1
	[ "$nsend" -lt "$ncpu" ] || nsend=$((ncpu - 1))
	send_cpus=$(printf '%s\n' $cpus | head -n "$nsend" | tr '\n' ' ')
	cap_cpus=$(printf '%s\n' $cpus | tail -n +"$((nsend + 1))" | tr '\n' ' ')
fi
maxw=$(printf '%s\n' $cap_cpus | wc -l)
if [ -z "${SCALE_WORKERS:-}" ]; then
	SCALE_WORKERS=
	_w=1
	while [ $_w -lt "$maxw" ]; do SCALE_WORKERS="$SCALE_WORKERS $_w"; _w=$((_w * 2)); done
	SCALE_WORKERS="$SCALE_WORKERS $maxw"
fi
# capcpus N: the first N capture CPUs, comma-separated.
capcpus() { printf '%s\n' $cap_cpus | head -n "$1" | paste -sd, -; }
rpsmask=0
for _c in $cap_cpus; do rpsmask=$((rpsmask | (1 << _c))); done
say "bench: scale: senders on CPU $send_cpus, capture on $cap_cpus, workers:$SCALE_WORKERS"

bench_deps
bench_build
bench_wmem_raise
bench_ns tx rx
bench_veth "$tx" s0 "$rx" r0
nsrun "$rx" sh -c "printf '%x' $rpsmask >/sys/class/net/r0/queues/rx-0/rps_cpus" ||
	die "rps on $rx:r0"
command -v netsniff-ng >/dev/null 2>&1 || {
	say "bench: scale: no netsniff-ng; its rows skipped"
	SCALE_TOOLS=$(printf '%s\n' $SCALE_TOOLS | grep -vx netsniff-ng | tr '\n' ' ')
}
command -v python3 >/dev/null 2>&1 || die "scale needs python3 (for its pcap)"

# scale_pcap SIZE: a pcap of SCALE_FLOWS IPv4/UDP frames of SIZE bytes, one
# a flow (10.0.x.y:port -> 10.1.0.1:9, ports and addresses differing),
# broadcast destination as recv.sh's frames; prints its path.
scale_pcap() {
	_f=$BENCH_TMP/flows$1.pcap
	[ -s "$_f" ] || python3 - "$1" "$SCALE_FLOWS" >"$_f" <<'EOF' || die "python3: flows pcap"
import struct, sys
size, flows = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
for i in range(flows):
    udp_len = size - 14 - 20
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, size - 14, i, 0, 64, 17, 0,
                     bytes([10, 0, i >> 8 & 255, i & 255]), bytes([10, 1, 0, 1]))
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    udp = struct.pack('!HHHH', 1024 + i, 9, udp_len, 0)
    eth = b'\xff' * 6 + b'\x02\xfd\xb0\x00\x00\x01' + b'\x08\x00'
    frame = eth + ip + udp + bytes(udp_len - 8)
    out.write(struct.pack('<IIII', 0, i, len(frame), len(frame)) + frame)
EOF
	printf '%s\n' "$_f"
}

# scale_start K CMD...: K capture pipelines of CMD (each pinned to the next
# capture CPU, into its own pcapcount), or with K = 0 one pipeline on the
# first SCALE_W capture CPUs; waits for SOCKS new sockets on r0.
scale_start() {
	_k=$1
	shift
	_before=$(bench_sockets "$rx" r0)
	rm -f "$BENCH_TMP"/cap.*
	SCALE_JOBS=
	_i=1
	_n=$_k
	[ "$_k" = 0 ] && _n=1
	while [ $_i -le "$_n" ]; do
		if [ "$_k" = 0 ]; then _pin=$(capcpus "$SCALE_W"); else _pin=$(printf '%s\n' $cap_cpus | sed -n "${_i}p"); fi
		taskset -c "$_pin" ip netns exec "$rx" sh -c 'echo $$ >"$0"; exec "$@"' \
		    "$BENCH_TMP/cap.pid.$_i" "$@" 2>"$BENCH_TMP/cap.err.$_i" |
		    taskset -c "$_pin" "$BENCH_TMP/pcapcount" >"$BENCH_TMP/cap.count.$_i" \
		    2>>"$BENCH_TMP/cap.err.$_i" &
		SCALE_JOBS="$SCALE_JOBS $!"
		BENCH_PIDS="$BENCH_PIDS $!"
		_i=$((_i + 1))
	done
	bench_wait_socket "$rx" r0 $((_before + SOCKS - 1))
}

# scale_stop: bench_capture_stop for all of them: waits for their output
# to stand still, SIGINT, adds up the counts.  Sets CAPTURED, CAPEND (the
# latest) and SCALE_ERR (an error a tool printed).
scale_stop() {
	_last='' _still=0 _i=0
	while [ $_still -lt 6 ] && [ $_i -lt 600 ]; do
		_now=
		for _j in $SCALE_JOBS; do
			_now="$_now $(awk '/^rchar:/ { print $2 }' "/proc/$_j/io" 2>/dev/null)"
		done
		if [ "$_now" = "$_last" ]; then _still=$((_still + 1)); else _still=0; fi
		_last=$_now
		sleep 0.05
		_i=$((_i + 1))
	done
	for _p in "$BENCH_TMP"/cap.pid.*; do
		[ -s "$_p" ] && kill -INT "$(cat "$_p")" 2>/dev/null
	done
	for _j in $SCALE_JOBS; do
		_i=0
		while kill -0 "$_j" 2>/dev/null && [ $_i -lt 200 ]; do
			sleep 0.05
			_i=$((_i + 1))
		done
		kill -0 "$_j" 2>/dev/null && {
			say "bench: capture did not stop on SIGINT; killed"
			for _p in "$BENCH_TMP"/cap.pid.*; do kill -KILL "$(cat "$_p")" 2>/dev/null; done
		}
		wait "$_j" 2>/dev/null
		BENCH_PIDS=$(printf '%s\n' $BENCH_PIDS | grep -vx "$_j")
	done
	CAPTURED=$(cat "$BENCH_TMP"/cap.count.* 2>/dev/null | awk '{ c += $1 } END { print c + 0 }')
	CAPEND=$(cat "$BENCH_TMP"/cap.count.* 2>/dev/null | awk '$3 > e { e = $3 } END { print e + 0 }')
	SCALE_ERR=$(cat "$BENCH_TMP"/cap.err.* | grep -v -e '^tcpdump: listening' \
	    -e 'packets captured' -e 'packets received by filter' \
	    -e 'packets dropped by kernel' -e 'frames\{0,1\} received, .* dropped by kernel' \
	    -e '^ethrecv: worker [0-9]*: ' \
	    -e '^ethrecv: listening on ' -e '^$' | tail -n 1 | cut -c 1-80)
}

# scale_one SIZE TOOL N: one run, recorded as scale-SIZE-TOOL-N (pps),
# scalepct-... (per cent of arrivals) and scaleoff-... (arrivals a second).
scale_one() {
	SCALE_W=$3
	SOCKS=$3
	case $2 in
	tcpdump)
		scale_start 0 tcpdump -i r0 -w - ;;
	netsniff-ng)
		if [ "$3" = 1 ]; then
			scale_start 1 netsniff-ng --no-sock-mem -Q -s -S "$SCALE_NETSNIFF_RING" --in r0 --out -
		else
			scale_start "$3" netsniff-ng --no-sock-mem -Q -s -S "$SCALE_NETSNIFF_RING" \
			    --fanout-group $(($$ % 65536)) --fanout-type hash --in r0 --out -
		fi ;;
	ethrecv)
		have ethrecv || return 0
		scale_start 0 "$B/ethrecv" -j "$3" -P "$(capcpus "$3")" r0 all ;;
	esac || { say "bench: $2 did not start: $(cat "$BENCH_TMP"/cap.err.*)"; return 0; }
	# One sender a sender CPU, each looping over the pcap until stopped.
	bench_measure "$rx" r0 "$SCALE_SECS" "$tx" sh -c '
		f=$1 s=$2; shift 2; p=
		for c; do taskset -c "$c" "$s" -p 1000000000 s0 <"$f" & p="$p $!"; done
		trap "kill \$p 2>/dev/null" INT TERM
		wait; wait; exit 0' sh "$(scale_pcap "$1")" "$BENCH_TMP/sendmmsg" $send_cpus
	scale_stop
	[ -n "$SCALE_ERR" ] && [ -z "$BENCH_FAIL" ] && BENCH_FAIL="$2: $SCALE_ERR"
	_pps= _pct=
	if [ "$ARRIVED" -gt 0 ] && [ "$SECS" != 0 ]; then
		_pps=$(awk -v c="$CAPTURED" -v s="$SECS" -v t0="$BENCH_T0" -v e="$CAPEND" \
		    'BEGIN { d = e - t0; if (d < s) d = s; printf "%d", c / d }')
		_pct=$(awk -v c="$CAPTURED" -v a="$ARRIVED" 'BEGIN { printf "%.1f", 100 * c / a }')
	else
		BENCH_FAIL=${BENCH_FAIL:-"nothing arrived"}
	fi
	bench_record "scale-$1-$2-$3" "${_pps:-0}"
	bench_record "scalepct-$1-$2-$3" "${_pct:-0}"
	bench_record "scaleoff-$1-$2-$3" "$PPS"
}

# The runs of SIZE, every tool and worker count taking turns in each round.
scale_size() {
	_r=0
	while [ $_r -lt "$BENCH_RUNS" ]; do
		for tool in $SCALE_TOOLS; do
			case $tool in
			tcpdump) scale_one "$1" tcpdump 1 ;;
			*) for w in $SCALE_WORKERS; do scale_one "$1" "$tool" "$w"; done ;;
			esac
		done
		_r=$((_r + 1))
	done
	base=$(bench_median "scale-$1-ethrecv-1")
	ns1=$(bench_median "scale-$1-netsniff-ng-1")
	for tool in $SCALE_TOOLS; do
		_ws=$SCALE_WORKERS
		[ "$tool" = tcpdump ] && _ws=1
		for w in $_ws; do
			k=$1-$tool-$w
			pps=$(bench_median "scale-$k")
			case $tool in
			tcpdump) name=tcpdump ;;
			netsniff-ng) name="netsniff-ng x$w" ;;
			ethrecv) name="ethrecv -j $w" ;;
			esac
			note="$(bench_median "scalepct-$k")% of arrivals ($(bench_median "scaleoff-$k") pps arrived)"
			[ "$tool" = netsniff-ng ] && [ "$w" != 1 ] &&
				note="$note, $(ratio "$pps" "$ns1")x netsniff-ng x1"
			[ "$tool" = ethrecv ] && ! have ethrecv && note="not built in $B"
			runs=$(bench_runs "scale-$k")
			bench_row scale "$1" "$name" "$pps" "$(ratio "$pps" "$base")" \
			    "$note${runs:+; $runs}"
		done
	done
}

for size in $SCALE_SIZES; do
	scale_size "$size"
done
bench_done
