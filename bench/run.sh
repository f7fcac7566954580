#!/bin/sh
# run.sh [BUILD]: every benchmark, one table (what `make bench` runs).
#
# BUILD is the directory that holds our tools (default: build); a tool not
# built there shows as n/a and the peers are measured anyway.  Each script
# can also be run alone, with the same argument.  Environment: BENCH_RUNS
# (runs per measurement, default 3; the median is shown), BENCH_ONLY (a
# subset, e.g. "send relay"), and the knobs each script documents.

set -u
dir=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
BENCH_RESULTS=$(mktemp "${TMPDIR:-/tmp}/fdbench-results.XXXXXX") || exit 111
export BENCH_RESULTS
trap 'rm -f "$BENCH_RESULTS"' EXIT
trap 'exit 130' INT TERM HUP

[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces, raw sockets)" >&2; exit 111; }

start=$(date +%s)
load=$(cut -d ' ' -f 1-3 /proc/loadavg)
rc=0
for t in ${BENCH_ONLY:-send sendcpu recv scale relay grant exec mem}; do
	[ -f "$dir/$t.sh" ] || { echo "bench: no bench/$t.sh" >&2; rc=100; continue; }
	echo "bench: $t ..." >&2
	sh "$dir/$t.sh" "$build" || { echo "bench: $t.sh failed" >&2; rc=111; }
done

printf '# fdcap bench, %s, kernel %s, %s CPUs, load before %s, %s runs each, %ss\n' \
    "$(date -u +%Y-%m-%dT%H:%MZ)" "$(uname -r)" "$(nproc)" \
    "$load" "${BENCH_RUNS:-3}" \
    $(($(date +%s) - start))
printf '# %s, tools from %s\n' \
    "$(git -C "$dir/.." describe --always --dirty 2>/dev/null || echo 'no git')" "$build"
awk -f "$dir/table.awk" "$BENCH_RESULTS"
exit $rc
