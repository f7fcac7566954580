#!/bin/sh
# exec.sh [BUILD]: what rawopen adds to the start of a program.
#
# bench/execloop.c starts a command EXEC_N times, one after the other
# (pinned to CPU 0, inside a fresh namespace whose lo is the interface);
# each command ends by exec'ing bench/stamp (static), which prints when it
# started.  Commands: stamp alone (fork + exec), under bench/wrapper.c
# (static: socket + bind + exec, nothing else), the same wrapper linked
# against the shared libc as rawopen is (what dynamic linking alone costs),
# under rawopen (as root: no
# policy file needed), and under rawopen -F 'ether proto 0x88b5' (libpcap
# loaded to compile the filter).  Reported: the median time from fork to
# the program's start, for stamp alone, and for the others what they add
# to it; ratio to the wrapper's addition.  The note gives the whole run,
# exit included: a program that exits holding a packet socket waits for an
# RCU grace period (synchronize_net in packet_release), whoever opened it.

. "$(dirname "$0")/lib.sh"

EXEC_N=${EXEC_N:-200}
EXEC_TOOLS=${EXEC_TOOLS:-stamp wrapper wrapper-dyn rawopen rawopen-F}

bench_deps
for _c in wrapper stamp; do
	cc -O2 -static -o "$BENCH_TMP/$_c" "$BENCH_DIR/$_c.c" ||
		die "cannot build bench/$_c.c statically"
done
cc -O2 -o "$BENCH_TMP/wrapper-dyn" "$BENCH_DIR/wrapper.c" ||
	die "cannot build bench/wrapper.c"
cc -O2 -o "$BENCH_TMP/execloop" "$BENCH_DIR/execloop.c" ||
	die "cannot build bench/execloop.c"
bench_ns x

# exec_one TOOL: one execloop of EXEC_N runs; records exec-TOOL (start, in
# microseconds) and exectotal-TOOL (the whole run).
exec_one() {
	_s=$BENCH_TMP/stamp _t=$1
	case $1 in
	stamp) set -- "$_s" ;;
	wrapper) set -- "$BENCH_TMP/wrapper" lo "$_s" ;;
	wrapper-dyn) set -- "$BENCH_TMP/wrapper-dyn" lo "$_s" ;;
	rawopen) have rawopen || return 0
		set -- "$B/rawopen" lo "$BENCH_TYPE" -- "$_s" ;;
	rawopen-F) have rawopen || return 0
		set -- "$B/rawopen" -F "ether proto $BENCH_TYPE" lo "$BENCH_TYPE" -- "$_s" ;;
	esac
	BENCH_FAIL=
	_start=0 _total=0
	bench_perf_start
	taskset -c 0 ip netns exec "$x" "$BENCH_TMP/execloop" "$EXEC_N" "$@" \
	    >"$BENCH_TMP/exec.out" 2>"$BENCH_TMP/exec.err"
	_rc=$?
	bench_perf_stop
	if [ $_rc != 0 ]; then
		BENCH_FAIL="$(grep -v '^ *$' "$BENCH_TMP/exec.err" | head -n 1 | cut -c 1-80)"
	else
		read -r _start _total <"$BENCH_TMP/exec.out"
	fi
	bench_record "exec-$_t" "$_start"
	bench_record "exectotal-$_t" "$_total"
}

_r=0
while [ $_r -lt "$BENCH_RUNS" ]; do
	for tool in $EXEC_TOOLS; do
		exec_one "$tool"
	done
	_r=$((_r + 1))
done

# ms N: microseconds as milliseconds for the table.
ms() {
	case $1 in n/a) echo n/a ;; *) awk -v u="$1" 'BEGIN { printf "%.2fms\n", u / 1000 }' ;; esac
}
base=$(bench_median exec-stamp)
wrap=$(bench_median exec-wrapper)
added() {
	case "$1$base" in *n/a*) echo n/a; return ;; esac
	echo $(($1 - base))
}
wadd=$(added "$wrap")
for tool in $EXEC_TOOLS; do
	t=$(bench_median "exec-$tool")
	tot=$(ms "$(bench_median "exectotal-$tool")")
	runs=$(bench_runs "exec-$tool")
	case $tool in
	stamp)
		bench_row exec - "fork+exec (static)" "$(ms "$t")" - \
		    "fork to main, median of $EXEC_N; whole run $tot; ${runs:+$runs us}" ;;
	*)
		a=$(added "$t")
		note="added to the start; whole run $tot"
		case $tool in
		wrapper) note="$note; static socket+bind+exec, base" ;;
		wrapper-dyn) note="$note; the same wrapper, shared libc" ;;
		rawopen-F) note="$note; -F 'ether proto $BENCH_TYPE' (libpcap)" ;;
		esac
		case $tool in rawopen*) have rawopen || note="not built in $B" ;; esac
		bench_row exec - "$tool" "+$(ms "$a")" "$(ratio "$a" "$wadd")" \
		    "$note${runs:+; $runs us}" ;;
	esac
done
bench_done
