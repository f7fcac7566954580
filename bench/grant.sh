#!/bin/sh
# grant.sh [BUILD]: what rawopen's relay costs.  An unprivileged caller
# (uid 65534) runs ethsend and ethrecv under a test rawopen whose policy
# grants it the interface with send=any (the program gets the AF_PACKET
# socket itself: direct) or send=iface (it gets one end of an AF_UNIX
# SOCK_SEQPACKET pair served by the relay process: relayed), and the two
# are timed side by side:
#
#   send 60 B, 1514 B  rawopen s0 0x88b5 -- ethsend -q -l N <pcap, in one
#                      namespace pinned to CPU 0 (the relay, forked by
#                      rawopen, inherits the pinning), metered where the
#                      frames land, as send.sh does (receive softirq on
#                      CPU 1)
#   recv 1514 B, 60 B  rawopen r0 0x88b5 -- ethrecv into a pipe counted by
#                      pcapcount, on CPU 1 with the receive softirq (the
#                      relay too), while bench/sendmmsg.c -r offers
#                      RECV_RATE1514 / RECV_RATE60 pps, as recv.sh does
#
# The test rawopen is built as tests/test-lib.sh's test_rawopen() builds
# it: cmd/rawopen.c and cmd/rawopen/*.c with the build's flags, its policy
# path in a scratch root-owned directory under /var/lib, /run or /opt (one
# not mounted nosuid), cap_net_raw=p; copies of ethsend and ethrecv sit
# beside it so that uid 65534 can run them.  The interface s0 gets the
# source address of pcapgen's frames, so the relay's checks (ethertype,
# source MAC, MTU) pass and every frame is sent.  Median of BENCH_RUNS
# runs, direct and relayed taking turns in every round; the ratio is
# relayed / direct (the goal: at least 0.5).

. "$(dirname "$0")/lib.sh"

# GRANT_TESTS: which halves run ("send recv").  A send run sends GRANT_LOOPS<size> times a pcap of GRANT_PCAP frames,
# stopped after GRANT_SECS anyway (the meter times only the window in which
# frames arrive); a receive run offers RECV_RATE<size> pps (recv.sh's
# rates) for GRANT_RECV_SECS.
GRANT_PCAP=${GRANT_PCAP:-100000}
GRANT_LOOPS60=${GRANT_LOOPS60:-8}
GRANT_LOOPS1514=${GRANT_LOOPS1514:-5}
GRANT_SECS=${GRANT_SECS:-4}
RECV_RATE60=${RECV_RATE60:-650000}
RECV_RATE1514=${RECV_RATE1514:-500000}
GRANT_RECV_SECS=${GRANT_RECV_SECS:-2}
GRANT_TESTS=${GRANT_TESTS:-send recv}
GRANT_MODES="any iface"
GRANT_UID=65534

bench_deps
bench_build
bench_wmem_raise
for _d in setcap:libcap2-bin setpriv:util-linux; do
	command -v "${_d%%:*}" >/dev/null 2>&1 || die "missing ${_d%%:*} (${_d#*:})"
done

# grant_build: the test rawopen, in $GRANT_DIR (removed at exit).  Fails
# (and every row says n/a) when the tools are not built.
GRANT_DIR=
trap 'rm -rf "$GRANT_DIR"; bench_cleanup' EXIT
grant_build() {
	have rawopen && have ethsend && have ethrecv && [ -f "$B/libfdcap.a" ] ||
		return 1
	for _base in /var/lib /run /opt; do
		[ -d "$_base" ] || continue
		findmnt -no OPTIONS --target "$_base" 2>/dev/null | grep -q nosuid &&
			continue
		GRANT_DIR=$(mktemp -d "$_base/fdcap-bench.XXXXXX") && break
	done
	[ -n "$GRANT_DIR" ] || die "no root-owned directory without nosuid for the test rawopen"
	chmod 0755 "$GRANT_DIR" || die "chmod $GRANT_DIR"
	_root=$(cd "$BENCH_DIR/.." && pwd)
	# make bench exports these; alone, the Makefile says them (its own
	# libfdcap.a from $B, which may be absolute).
	_cflags=${FDCAP_CFLAGS:-$(cd "$_root" && make -s --no-print-directory \
	    B="$B" --eval 'pv: ; @echo $(FDCAP_CFLAGS)' pv)}
	_libs=${FDCAP_LIBS:-"$B/libfdcap.a $(cd "$_root" && make -s \
	    --no-print-directory B="$B" --eval 'pv: ; @echo $(LDLIBS_ALL)' pv)"}
	(cd "$_root" && eval "cc $_cflags -URAWOPEN_POLICY \
	    -DRAWOPEN_POLICY='\"$GRANT_DIR/rawopen.conf\"' \
	    -o \"\$GRANT_DIR/rawopen\" cmd/rawopen.c cmd/rawopen/*.c $_libs") ||
		die "cannot build the test rawopen"
	setcap cap_net_raw=p "$GRANT_DIR/rawopen" || die "setcap"
	cp "$B/ethsend" "$B/ethrecv" "$GRANT_DIR/" || die "cp"
	chmod 0755 "$GRANT_DIR/ethsend" "$GRANT_DIR/ethrecv"
}

# grant_policy MODE: the one rule, send=MODE.
grant_policy() {
	printf 'user:%s packet iface=s0,r0 ethertype=0x88b5 send=%s\n' \
	    "$GRANT_UID" "$1" >"$GRANT_DIR/rawopen.conf.tmp" &&
	chmod 0644 "$GRANT_DIR/rawopen.conf.tmp" &&
	mv -f "$GRANT_DIR/rawopen.conf.tmp" "$GRANT_DIR/rawopen.conf" ||
		die "cannot write the policy"
}

# grant_quiet NS...: waits (at most 5 s) until nothing runs in the
# namespaces: the relay outlives the program by the moment it takes to
# see its side close, and must not overlap the next run.
grant_quiet() {
	for _gq in "$@"; do
		_i=0
		while [ -n "$(ip netns pids "$_gq")" ] && [ $_i -lt 100 ]; do
			sleep 0.05
			_i=$((_i + 1))
		done
	done
}

bench_ns tx rx
bench_veth "$tx" s0 "$rx" r0
bench_rps "$rx" r0 1
# pcapgen's source address: the relay sends only frames from the
# interface's own.
ip -n "$tx" link set s0 address 02:fd:b0:00:00:01 || die "s0 address"

# The caller, as tests/test-lib.sh's as_nobody.
GRANT_AS="setpriv --reuid=$GRANT_UID --regid=$GRANT_UID --clear-groups --inh-caps=-all"

# send_one SIZE MODE: one run, recorded as grant-send-SIZE-MODE.
send_one() {
	eval "_loops=\$GRANT_LOOPS$1"
	_pcap=$(bench_pcap "$1" "$GRANT_PCAP")
	grant_policy "$2"
	bench_measure "$rx" r0 "$GRANT_SECS" "$tx" sh -c \
	    'exec $0 "$1/rawopen" s0 0x88b5 -- "$1/ethsend" -q -l "$2" <"$3"' \
	    "$GRANT_AS" "$GRANT_DIR" "$_loops" "$_pcap"
	grant_quiet "$tx"
	# A refused grant exits 1 and sends nothing.
	[ -z "$BENCH_FAIL" ] && [ "$FRAMES" = 0 ] &&
		BENCH_FAIL="nothing arrived: $(grep -v '^ *$' "$BENCH_TMP/cmd.err" | tail -n 1 | cut -c 1-80)"
	bench_record "grant-send-$1-$2" "$PPS"
}

# recv_one SIZE MODE: one run, recorded as grant-recv-SIZE-MODE (pps),
# grant-recvpct-SIZE-MODE (per cent of arrivals delivered), and
# grant-recvkd-SIZE-MODE (the drops the kernel counted on the packet
# socket: ethrecv's ring, or the relay's socket, as each reports it).
recv_one() {
	eval "_rate=\$RECV_RATE$1"
	_n=$((_rate * GRANT_RECV_SECS))
	grant_policy "$2"
	BENCH_FAIL=
	bench_capture_start "$rx" r0 $GRANT_AS "$GRANT_DIR/rawopen" r0 0x88b5 \
	    -- "$GRANT_DIR/ethrecv" ||
		BENCH_FAIL="ethrecv did not start: $(tail -n 1 "$BENCH_TMP/cap.err" | cut -c 1-80)"
	_pps= _pct= _kd=
	if [ -z "${BENCH_FAIL:-}" ]; then
		bench_measure "$rx" r0 $((GRANT_RECV_SECS + 3)) "$tx" \
		    "$BENCH_TMP/sendmmsg" -r "$_rate" s0 "$1" "$_n"
	fi
	bench_capture_stop
	grant_quiet "$rx"
	# Past the usual summaries: ethrecv's on a relayed fd, and the relay's
	# own line (it speaks only when it dropped something) say the drops.
	_kd=$(sed -n -e 's/^ethrecv: [0-9]* frames\{0,1\} received, \([0-9]*\) dropped by kernel.*/\1/p' \
	    -e 's/^rawopen: relay .*[^0-9]\([0-9][0-9]*\) frames\{0,1\} dropped by the kernel.*/\1/p' \
	    "$BENCH_TMP/cap.err" | tail -n 1)
	grep -v -e '^ethrecv: [0-9]* frames\{0,1\} received (kernel drops are counted' \
	    -e '^rawopen: relay ' "$BENCH_TMP/cap.err2" >"$BENCH_TMP/cap.err3"
	if [ -s "$BENCH_TMP/cap.err3" ] && [ -z "$BENCH_FAIL" ]; then
		BENCH_FAIL="$(tail -n 1 "$BENCH_TMP/cap.err3" | cut -c 1-80)"
	fi
	if [ "${ARRIVED:-0}" -gt 0 ] && [ "$SECS" != 0 ]; then
		_pps=$(awk -v c="$CAPTURED" -v s="$SECS" -v t0="$BENCH_T0" -v e="$CAPEND" \
		    'BEGIN { d = e - t0; if (d < s) d = s; printf "%d", c / d }')
		_pct=$(awk -v c="$CAPTURED" -v a="$ARRIVED" 'BEGIN { printf "%.1f", 100 * c / a }')
	else
		BENCH_FAIL=${BENCH_FAIL:-"nothing arrived"}
	fi
	bench_record "grant-recv-$1-$2" "${_pps:-0}"
	bench_record "grant-recvpct-$1-$2" "${_pct:-0}"
	bench_record "grant-recvoff-$1-$2" "${PPS:-0}"
	bench_record "grant-recvkd-$1-$2" "${_kd:-0}"
	BENCH_FAIL=
}

# grant_rows TEST SIZE TOOL: the direct and the relayed row of one
# measurement.
grant_rows() {
	_d=$(bench_median "grant-$1-$2-any")
	_r=$(bench_median "grant-$1-$2-iface")
	_ratio=$(ratio "$_r" "$_d")
	for _m in $GRANT_MODES; do
		_p=$(bench_median "grant-$1-$2-$_m")
		case $_m in
		any) _note="direct: the AF_PACKET socket, base" ;;
		iface) _note="relayed: SOCK_SEQPACKET through the relay, ${_ratio}x direct (goal 0.5x)" ;;
		esac
		if [ "$1" = recv ]; then
			_note="$_note; delivered $(bench_median "grant-recvpct-$2-$_m")% of arrivals"
			_note="$_note ($(bench_median "grant-recvoff-$2-$_m") pps arrived of $(eval echo \$RECV_RATE$2) sent)"
			_note="$_note, $(bench_median "grant-recvkd-$2-$_m") kernel drops"
		fi
		[ -n "$GRANT_DIR" ] || _note="rawopen, ethsend or ethrecv not built in $B"
		_runs=$(bench_runs "grant-$1-$2-$_m")
		bench_row grant "$2" "$3 send=$_m" "$_p" "$(ratio "$_p" "$_d")" \
		    "$_note${_runs:+; $_runs}"
	done
}

grant_wants() { case " $GRANT_TESTS " in *" $1 "*) return 0 ;; esac; return 1; }
if grant_build; then
	grant_wants send && for size in 60 1514; do
		_round=0
		while [ $_round -lt "$BENCH_RUNS" ]; do
			for mode in $GRANT_MODES; do
				send_one "$size" "$mode"
			done
			_round=$((_round + 1))
		done
	done
	grant_wants recv && for size in 1514 60; do
		_round=0
		while [ $_round -lt "$BENCH_RUNS" ]; do
			for mode in $GRANT_MODES; do
				recv_one "$size" "$mode"
			done
			_round=$((_round + 1))
		done
	done
fi
if grant_wants send; then
	grant_rows send 60 ethsend
	grant_rows send 1514 ethsend
fi
if grant_wants recv; then
	grant_rows recv 1514 ethrecv
	grant_rows recv 60 ethrecv
fi
bench_done
