# lib.sh: what the bench scripts share.  Sourced, never run.
#
# A script sets nothing before sourcing it; its first argument is the build
# directory that holds our tools (default: build).  It gets:
#
#   bench_ns NAME...          network namespaces fdb<pid>NAME, in $NAME
#   bench_veth NS1 IF1 NS2 IF2  a veth pair between them, both up
#   bench_rps NS IF CPU       receive softirq of IF steered to CPU (RPS)
#   bench_measure NS IF SECS TXNS CMD...  run CMD in TXNS, pinned to CPU 0,
#                             metering what arrives on IF in NS; sets FRAMES,
#                             SECS, PPS; BENCH_FAIL says why CMD failed
#                             (and ARRIVED, BENCH_T0: see below)
#   bench_capture_start NS IF CMD...  a capture tool writing pcap to a pipe
#                             (pinned to CPU $BENCH_CAPTURE_CPU, default 1)
#   bench_capture_stop        stop it; sets CAPTURED, CAPEND
#   bench_pcap SIZE COUNT, bench_trafgen_conf SIZE  test input files
#   bench_wmem_raise          BENCH_HOST_WMEM=1: see below
#   bench_row TEST SIZE TOOL VALUE RATIO NOTE   one line of the table
#   bench_record KEY VALUE    one run's result (or BENCH_FAIL's reason)
#   bench_median KEY, bench_runs KEY  the median of KEY's runs; the runs
#   median N...               the median of its arguments
#   have TOOL                 our TOOL is built
#   bench_perf_start, bench_perf_stop  BENCH_PROFILE=DIR: see below
#
# Everything it creates (namespaces, temporary files, background processes)
# is removed by a trap at exit, and only that.  Nothing is sent outside the
# namespaces: every interface used is a veth made here.

set -u

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
B=${1:-${B:-build}}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_TAG=fdb$$
BENCH_CAPTURE_CPU=${BENCH_CAPTURE_CPU-1}
BENCH_NS=
BENCH_PIDS=
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/fdbench.XXXXXX") || exit 111
# run.sh collects every script's rows in one file; alone, a script has its own.
BENCH_STANDALONE=0
if [ -z "${BENCH_RESULTS:-}" ]; then
	BENCH_RESULTS=$BENCH_TMP/results
	BENCH_STANDALONE=1
	: >"$BENCH_RESULTS"
fi
# The frame every test uses: ethertype 0x88b5 (IEEE local experimental).
BENCH_TYPE=0x88b5

bench_cleanup() {
	trap - EXIT INT TERM HUP
	bench_wmem_restore
	for _p in $BENCH_PIDS; do
		kill "$_p" 2>/dev/null
	done
	for _p in $BENCH_PIDS; do
		wait "$_p" 2>/dev/null
	done
	for _n in $BENCH_NS; do
		# Anything still inside (a tool that ignored SIGTERM) goes too.
		for _p in $(ip netns pids "$_n" 2>/dev/null); do
			kill -KILL "$_p" 2>/dev/null
		done
		ip netns del "$_n" 2>/dev/null
	done
	rm -rf "$BENCH_TMP"
}
trap 'bench_cleanup' EXIT
trap 'exit 130' INT TERM HUP

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 111; }

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, raw sockets)"

have() { [ -x "$B/$1" ]; }

# Installs the peers we measure against, when missing (Debian only).
bench_deps() {
	_missing=
	for _d in trafgen:netsniff-ng netsniff-ng:netsniff-ng \
	    tcpreplay:tcpreplay tcpdump:tcpdump bridge:iproute2 ip:iproute2 \
	    taskset:util-linux timeout:coreutils cc:gcc \
	    ${BENCH_PROFILE:+perf:linux-perf}; do
		command -v "${_d%%:*}" >/dev/null 2>&1 || _missing="$_missing ${_d#*:}"
	done
	# The static wrapper needs libc.a (cc prints the bare name when it has
	# none).
	case $(cc -print-file-name=libc.a 2>/dev/null) in
	/*) ;;
	*) _missing="$_missing libc6-dev" ;;
	esac
	[ -z "$_missing" ] && return 0
	_missing=$(printf '%s\n' $_missing | sort -u | tr '\n' ' ')
	command -v apt-get >/dev/null 2>&1 || die "missing:$_missing (install them)"
	say "bench: installing:$_missing"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends $_missing >&2 ||
	{ DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends $_missing >&2; } ||
		die "could not install:$_missing"
}

# Builds the C helpers of bench/ into $BENCH_TMP.
bench_build() {
	for _c in meter pcapgen pcapcount sendmmsg; do
		cc -O2 -o "$BENCH_TMP/$_c" "$BENCH_DIR/$_c.c" ||
			die "cannot build bench/$_c.c"
	done
}

# bench_ns NAME...: a fresh namespace fdb<pid>NAME for each NAME, its name
# in the variable NAME; lo up, IPv6 off so that nothing but our frames
# moves.
bench_ns() {
	for _n; do
		_full=$BENCH_TAG$_n
		ip netns add "$_full" || die "ip netns add $_full"
		BENCH_NS="$BENCH_NS $_full"
		ip -n "$_full" link set lo up
		ip netns exec "$_full" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		    net.ipv6.conf.default.disable_ipv6=1 >/dev/null
		eval "$_n=\$_full"
	done
}

# bench_veth NS1 IF1 NS2 IF2
bench_veth() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" ||
		die "veth $1:$2 $3:$4"
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up ||
		die "link up $2 $4"
}

# bench_rps NS IF CPU: the receive softirq of IF runs on CPU.
bench_rps() {
	_mask=$(printf '%x' $((1 << $3)))
	ip netns exec "$1" sh -c "echo $_mask >/sys/class/net/$2/queues/rx-0/rps_cpus" ||
		die "rps on $1:$2"
}

# nsrun NS CMD...: CMD inside NS.
nsrun() { _ns=$1; shift; ip netns exec "$_ns" "$@"; }

# A pcap file of COUNT frames of SIZE bytes, made once: bench_pcap SIZE COUNT
# prints its path.
bench_pcap() {
	_f=$BENCH_TMP/f$1-$2.pcap
	[ -s "$_f" ] || "$BENCH_TMP/pcapgen" "$1" "$2" >"$_f" || die "pcapgen"
	printf '%s\n' "$_f"
}

# trafgen's TX_RING treats EAGAIN from a full socket send buffer as fatal,
# and the buffer (net.core.wmem_default) can only be set for the whole host:
# in a namespace it is read-only.  With BENCH_HOST_WMEM=1 the default is
# raised to 4 MiB for the whole script (every tool gets it), and restored at
# exit.  Off by default: it changes every new socket's buffer on the host
# while it lasts, which other programs might notice.
BENCH_WMEM_SAVED=
bench_wmem_raise() {
	[ "${BENCH_HOST_WMEM:-0}" = 1 ] || return 0
	BENCH_WMEM_SAVED=$(cat /proc/sys/net/core/wmem_default) || return 0
	echo 4194304 >/proc/sys/net/core/wmem_default
}
bench_wmem_restore() {
	[ -n "$BENCH_WMEM_SAVED" ] || return 0
	echo "$BENCH_WMEM_SAVED" >/proc/sys/net/core/wmem_default
	BENCH_WMEM_SAVED=
}

# A trafgen configuration for one frame of SIZE bytes: bench_trafgen_conf SIZE
bench_trafgen_conf() {
	_f=$BENCH_TMP/trafgen-$1.cfg
	printf '{ fill(0xff, 6), 0x02, 0xfd, 0xb0, 0x00, 0x00, 0x03, c16(0x88b5), fill(0x00, %d) }\n' \
	    $(($1 - 14)) >"$_f"
	printf '%s\n' "$_f"
}

# Packet sockets in NS bound to interface IF (/proc/net/packet: the fifth
# column is the ifindex): bench_sockets NS IF.  A capture tool binds after
# it has set up its ring (netsniff-ng locks GiBs of it, which takes a
# second), so a new bound socket means it is about to read.
bench_sockets() {
	nsrun "$1" sh -c 'i=$(cat /sys/class/net/$0/ifindex) &&
		awk -v i="$i" "NR > 1 && \$5 == i" /proc/net/packet | wc -l' "$2"
}

# bench_wait_socket NS IF BEFORE: waits (at most 10 s) until NS has more
# than BEFORE sockets bound to IF.
bench_wait_socket() {
	_i=0
	while [ "$(bench_sockets "$1" "$2")" -le "$3" ]; do
		_i=$((_i + 1))
		[ $_i -gt 200 ] && { say "bench: no packet socket on $1:$2 after 10s"; return 1; }
		sleep 0.05
	done
	# Give it the moment it takes to enter its loop.
	sleep 0.3
}

# bench_measure NS IF MAXSECS TXNS CMD...: starts the meter on IF in NS,
# then runs CMD in TXNS pinned to CPU 0 (killed after MAXSECS), and waits for
# the meter to see the traffic stop.  Sets FRAMES, SECS and PPS (0 when
# nothing came) for the window in which frames arrived, ARRIVED, every
# frame that arrived, and BENCH_T0, when the window opened (monotonic).
bench_measure() {
	_ns=$1 _if=$2 _max=$3 _txns=$4
	shift 4
	rm -f "$BENCH_TMP/meter.out"
	nsrun "$_ns" "$BENCH_TMP/meter" -t $((_max + 5)) -r "$BENCH_TMP/meter.ready" \
	    "$_if" >"$BENCH_TMP/meter.out" &
	_mpid=$!
	BENCH_PIDS="$BENCH_PIDS $_mpid"
	_i=0
	while [ ! -e "$BENCH_TMP/meter.ready" ] && [ $_i -lt 100 ]; do
		sleep 0.02
		_i=$((_i + 1))
	done
	rm -f "$BENCH_TMP/meter.ready"
	bench_perf_start
	timeout -s INT -k 2 "$_max" taskset -c 0 ip netns exec "$_txns" "$@" \
	    >"$BENCH_TMP/cmd.out" 2>"$BENCH_TMP/cmd.err" </dev/null
	_rc=$?
	bench_perf_stop
	# 124: stopped by timeout, which is how long runs end.
	BENCH_FAIL=
	[ $_rc = 0 ] || [ $_rc = 124 ] || [ $_rc = 130 ] ||
		BENCH_FAIL="exit $_rc: $(grep -v '^ *$' "$BENCH_TMP/cmd.err" | tail -n 1 | cut -c 1-80)"
	[ -z "$BENCH_FAIL" ] || [ -z "${BENCH_VERBOSE:-}" ] ||
		say "bench: '$*': $BENCH_FAIL"
	wait "$_mpid"
	BENCH_PIDS=$(printf '%s\n' $BENCH_PIDS | grep -vx "$_mpid")
	read -r FRAMES SECS ARRIVED BENCH_T0 <"$BENCH_TMP/meter.out" ||
		{ FRAMES=0 SECS=0 ARRIVED=0 BENCH_T0=0; }
	PPS=$(awk -v f="$FRAMES" -v s="$SECS" 'BEGIN { printf "%d", (s > 0 ? f / s : 0) }')
}

# bench_capture_start NS IF CMD...: runs CMD in NS with its stdout counted by
# pcapcount, both pinned to CPU $BENCH_CAPTURE_CPU (default 1, with the
# receive softirq: the sender has CPU 0 to itself, so it offers the same
# rate whatever the capture tool; empty: not pinned); returns when CMD has
# its packet socket.
bench_capture_start() {
	_ns=$1 _cif=$2
	shift 2
	_before=$(bench_sockets "$_ns" "$_cif")
	rm -f "$BENCH_TMP/cap.pid" "$BENCH_TMP/cap.count"
	_pin="taskset -c $BENCH_CAPTURE_CPU"
	[ -n "$BENCH_CAPTURE_CPU" ] || _pin=
	$_pin ip netns exec "$_ns" sh -c 'echo $$ >"$0"; exec "$@"' \
	    "$BENCH_TMP/cap.pid" "$@" 2>"$BENCH_TMP/cap.err" |
	    $_pin "$BENCH_TMP/pcapcount" >"$BENCH_TMP/cap.count" \
	    2>>"$BENCH_TMP/cap.err" &
	BENCH_CAPJOB=$!
	BENCH_PIDS="$BENCH_PIDS $BENCH_CAPJOB"
	bench_wait_socket "$_ns" "$_cif" "$_before"
}

# bench_capture_stop: waits (at most 30 s) for the capture tool's output to
# stand still for 300 ms (a tool with a large ring drains it after the
# sender is done), sends it SIGINT (each flushes and exits on it), then
# waits for the count.  Sets CAPTURED (frames in its pcap output) and
# CAPEND (when its output stopped flowing, monotonic seconds).
bench_capture_stop() {
	_last='' _still=0 _i=0
	while [ $_still -lt 6 ] && [ $_i -lt 600 ]; do
		_now=$(awk '/^rchar:/ { print $2 }' "/proc/$BENCH_CAPJOB/io" 2>/dev/null) || break
		[ -n "$_now" ] || break
		if [ "$_now" = "$_last" ]; then _still=$((_still + 1)); else _still=0; fi
		_last=$_now
		sleep 0.05
		_i=$((_i + 1))
	done
	[ -s "$BENCH_TMP/cap.pid" ] && kill -INT "$(cat "$BENCH_TMP/cap.pid")" 2>/dev/null
	_i=0
	while kill -0 "$BENCH_CAPJOB" 2>/dev/null && [ $_i -lt 200 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	kill -0 "$BENCH_CAPJOB" 2>/dev/null && {
		say "bench: capture did not stop on SIGINT; killed"
		kill -KILL "$(cat "$BENCH_TMP/cap.pid")" 2>/dev/null
	}
	wait "$BENCH_CAPJOB" 2>/dev/null
	BENCH_PIDS=$(printf '%s\n' $BENCH_PIDS | grep -vx "$BENCH_CAPJOB")
	read -r CAPTURED _bytes CAPEND 2>/dev/null <"$BENCH_TMP/cap.count" ||
		{ CAPTURED=0 CAPEND=0; }
	# What is left of its stderr past the usual summaries is an error.
	grep -v -e '^tcpdump: listening' -e '^ethrecv: listening on ' \
	    -e 'packets captured' -e 'packets received by filter' \
	    -e 'packets dropped by kernel' -e 'frames\{0,1\} received, .* dropped by kernel' \
	    -e '^$' "$BENCH_TMP/cap.err" >"$BENCH_TMP/cap.err2"
}

# BENCH_PROFILE=DIR: where the time goes.  Each measured command runs
# under perf record, sampling both CPUs (cpu-clock, BENCH_PROFILE_HZ times a
# second, default 999), and bench_record writes perf's report of the run to
# DIR/KEY.N.txt (see bench_perf_report).  Off by default: it costs the
# tools a few percent.
BENCH_PERF=
bench_perf_start() {
	[ -n "${BENCH_PROFILE:-}" ] || return 0
	rm -f "$BENCH_TMP/perf.data"
	_g=
	[ "${BENCH_PROFILE_CALLERS:-0}" = 1 ] && _g=-g
	# -N: no copies of the binaries in ~/.debug, which would outlive us.
	perf record -q -N -a -e cpu-clock -F "${BENCH_PROFILE_HZ:-999}" \
	    $_g -o "$BENCH_TMP/perf.data" \
	    >/dev/null 2>"$BENCH_TMP/perf.err" &
	BENCH_PERF=$!
	BENCH_PIDS="$BENCH_PIDS $BENCH_PERF"
	# It writes the file's header when its counters are on.
	_i=0
	while [ ! -s "$BENCH_TMP/perf.data" ] && [ $_i -lt 250 ]; do
		kill -0 "$BENCH_PERF" 2>/dev/null || die "perf record: $(cat "$BENCH_TMP/perf.err")"
		sleep 0.02
		_i=$((_i + 1))
	done
	BENCH_PERF_T0=$(cut -d ' ' -f 1 /proc/uptime)
}
bench_perf_stop() {
	[ -n "$BENCH_PERF" ] || return 0
	BENCH_PERF_SECS=$(awk -v t0="$BENCH_PERF_T0" '{ print $1 - t0 }' /proc/uptime)
	kill -INT "$BENCH_PERF" 2>/dev/null
	wait "$BENCH_PERF"
	BENCH_PIDS=$(printf '%s\n' $BENCH_PIDS | grep -vx "$BENCH_PERF")
	BENCH_PERF=
}
# bench_perf_report KEY VALUE: the report of the run just profiled.  A
# halted idle vCPU is sampled little or not at all here, so each CPU's
# samples are also given as a share of the rate (a low one: mostly idle);
# the shares below are of all samples, down to BENCH_PROFILE_LIMIT %
# (default 0.5).  BENCH_PROFILE_CALLERS=1: perf record -g, and the data is
# kept as DIR/KEY.N.data for perf report.
bench_perf_report() {
	[ -n "${BENCH_PROFILE:-}" ] && [ -s "$BENCH_TMP/perf.data" ] || return 0
	mkdir -p "$BENCH_PROFILE" || die "mkdir $BENCH_PROFILE"
	_n=$(cat "$BENCH_TMP/$1.val" "$BENCH_TMP/$1.fail" 2>/dev/null | wc -l)
	_rep="perf report -i $BENCH_TMP/perf.data --stdio --no-children -g none"
	_lim=${BENCH_PROFILE_LIMIT:-0.5}
	{
		printf '# %s, run %d: %s\n' "$1" "$_n" "${BENCH_FAIL:-$2}"
		$_rep --sort cpu -F cpu,sample 2>/dev/null | grep -v -e '^#' -e '^$' |
		    awk -v s="$BENCH_PERF_SECS" -v hz="${BENCH_PROFILE_HZ:-999}" '{
			printf "# cpu %s: %d samples in %.1f s, %.0f %% of the rate\n",
			    $1, $2, s, (s > 0 ? 100 * $2 / (s * hz) : 0) }'
		printf '# by CPU, command and object\n'
		$_rep --sort cpu,comm,dso --percent-limit "$_lim" 2>/dev/null |
		    grep -v -e '^#' -e '^$'
		printf '# by symbol ([k]: kernel)\n'
		$_rep --sort cpu,comm,dso,sym --percent-limit "$_lim" 2>/dev/null |
		    grep -v -e '^#' -e '^$'
	} >"$BENCH_PROFILE/$1.$_n.txt"
	if [ "${BENCH_PROFILE_CALLERS:-0}" = 1 ]; then
		mv "$BENCH_TMP/perf.data" "$BENCH_PROFILE/$1.$_n.data"
	else
		rm -f "$BENCH_TMP/perf.data"
	fi
}

# bench_record KEY VALUE: keeps VALUE as one run of KEY, or, when the run
# failed (BENCH_FAIL set), the reason; and its profile (BENCH_PROFILE).
bench_record() {
	if [ -n "${BENCH_FAIL:-}" ]; then
		printf '%s\n' "$BENCH_FAIL" >>"$BENCH_TMP/$1.fail"
	else
		printf '%s\n' "$2" >>"$BENCH_TMP/$1.val"
	fi
	bench_perf_report "$1" "$2"
}

# bench_median KEY: the median of KEY's runs, or n/a.
bench_median() { median $(cat "$BENCH_TMP/$1.val" 2>/dev/null); }

# bench_runs KEY: "runs: A B C", and how many failed and why.
bench_runs() {
	_v=$(tr '\n' ' ' 2>/dev/null <"$BENCH_TMP/$1.val")
	_s=
	[ -n "$_v" ] && _s="runs: ${_v% }"
	if [ -s "$BENCH_TMP/$1.fail" ]; then
		[ -n "$_s" ] && _s="$_s; "
		_s="${_s}failed $(wc -l <"$BENCH_TMP/$1.fail")x: $(tail -n 1 "$BENCH_TMP/$1.fail")"
	fi
	printf '%s\n' "$_s"
}

# median N...: the median of its arguments ("n/a" when none).
median() {
	[ $# = 0 ] && { echo n/a; return; }
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A/B with two decimals, or n/a.
ratio() {
	case "$1$2" in *n/a*) echo n/a; return ;; esac
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "n/a" }'
}

# bench_row TEST SIZE TOOL VALUE RATIO [NOTE]
bench_row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "${6:-}" >>"$BENCH_RESULTS"
}

# Prints the rows collected so far as a table.
bench_table() { awk -f "$BENCH_DIR/table.awk" "$BENCH_RESULTS"; }

# Called at the end of each script: alone, it prints its own table.
bench_done() {
	[ "$BENCH_STANDALONE" = 1 ] && bench_table
	return 0
}
