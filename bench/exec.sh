#!/bin/sh
# exec.sh [BUILD]: what rawopen adds to the start of a program.
#
# A shell loop runs a command EXEC_N times (pinned to CPU 0, inside a fresh
# namespace whose lo is the interface): /bin/true alone (fork + exec from a
# shell), then the same under bench/wrapper.c (static: socket + bind +
# exec, nothing else), under rawopen (as root: no policy file needed), and
# under rawopen -F 'ether proto 0x88b5' (libpcap loaded to compile the
# filter).  Reported: the time per exec of the loop with /bin/true, and
# for the others what they add to it; ratio to the wrapper's addition.

. "$(dirname "$0")/lib.sh"

EXEC_N=${EXEC_N:-500}
EXEC_TOOLS=${EXEC_TOOLS:-true wrapper rawopen rawopen-F}

bench_deps
cc -O2 -static -o "$BENCH_TMP/wrapper" "$BENCH_DIR/wrapper.c" ||
	die "cannot build bench/wrapper.c statically"
bench_ns x

# exec_one TOOL: one loop of EXEC_N runs; records exec-TOOL in microseconds
# per run.
exec_one() {
	case $1 in
	true) _cmd=/bin/true ;;
	wrapper) _cmd="'$BENCH_TMP/wrapper' lo /bin/true" ;;
	rawopen) have rawopen || return 0
		_cmd="'$B/rawopen' lo $BENCH_TYPE -- /bin/true" ;;
	rawopen-F) have rawopen || return 0
		_cmd="'$B/rawopen' -F 'ether proto $BENCH_TYPE' lo $BENCH_TYPE -- /bin/true" ;;
	esac
	# One run first, to see that it works at all.
	BENCH_FAIL=
	if ! nsrun "$x" sh -c "$_cmd" >/dev/null 2>"$BENCH_TMP/exec.err"; then
		BENCH_FAIL="$(head -n 1 "$BENCH_TMP/exec.err" | cut -c 1-80)"
		bench_record "exec-$1" 0
		return 0
	fi
	_t0=$(date +%s%N)
	taskset -c 0 ip netns exec "$x" sh -c "i=0
		while [ \$i -lt $EXEC_N ]; do
			$_cmd || exit 1
			i=\$((i + 1))
		done" >/dev/null 2>"$BENCH_TMP/exec.err" ||
		BENCH_FAIL="$(head -n 1 "$BENCH_TMP/exec.err" | cut -c 1-80)"
	_t1=$(date +%s%N)
	bench_record "exec-$1" $(((_t1 - _t0) / 1000 / EXEC_N))
}

_r=0
while [ $_r -lt "$BENCH_RUNS" ]; do
	for tool in $EXEC_TOOLS; do
		exec_one "$tool"
	done
	_r=$((_r + 1))
done

# us N: microseconds as milliseconds for the table.
ms() {
	case $1 in n/a) echo n/a ;; *) awk -v u="$1" 'BEGIN { printf "%.2fms\n", u / 1000 }' ;; esac
}
base=$(bench_median exec-true)
wrap=$(bench_median exec-wrapper)
added() {
	case "$1$base" in *n/a*) echo n/a; return ;; esac
	echo $(($1 - base))
}
wadd=$(added "$wrap")
for tool in $EXEC_TOOLS; do
	t=$(bench_median "exec-$tool")
	runs=$(bench_runs "exec-$tool")
	case $tool in
	true)
		bench_row exec - "fork+exec /bin/true" "$(ms "$t")" - \
		    "per exec, from sh; ${runs:+$runs us}" ;;
	*)
		a=$(added "$t")
		note="added per exec"
		case $tool in
		wrapper) note="$note; static socket+bind+exec, base" ;;
		rawopen-F) note="$note; -F 'ether proto $BENCH_TYPE' (libpcap)" ;;
		esac
		case $tool in rawopen*) have rawopen || note="not built in $B" ;; esac
		bench_row exec - "$tool" "+$(ms "$a")" "$(ratio "$a" "$wadd")" \
		    "$note${runs:+; $runs us}" ;;
	esac
done
bench_done
