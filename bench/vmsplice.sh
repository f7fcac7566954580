#!/bin/sh
# vmsplice.sh [BUILD]: would vmsplice(2) of TPACKET_V3 ring blocks beat
# ethrecv's writev(2) into a pipe?  bench/vmsplice.c (its comment says
# how) fills ring-shaped blocks of 1514 B and 60 B frames itself, no socket,
# and moves them as pcap records into a pipe, pinned to CPU 0, the reader
# pinned to CPU 1 (VMSPLICE_CPUS, "W,R"; empty: unpinned):
#
#   writev      iovecs [header, frame...] into the block, writev: today
#   vmsplice    the same iovecs vmspliced; a block refilled only once the
#               pipe drained past it (bytes handed over - FIONREAD)
#   vmsplice-i  the same with each header written into the block before
#               its frame: one iovec, one pipe slot a record, not two
#   copy        the records memcpy'd into one buffer, one write a block
#   gift        the records memcpy'd into page-aligned staging pages,
#               whole pages vmspliced with SPLICE_F_GIFT, a page rewritten
#               only once the pipe drained past it
#   pages       gift without SPLICE_F_GIFT: what the flag itself adds
#
# with the pipe at 64 KiB and at 1 MiB (F_SETPIPE_SZ; ethrecv asks for
# 1 MiB), read by cat >/dev/null and by a reader that checksums every byte
# (sum).  Each run stops after VMSPLICE_SECS seconds or VMSPLICE_MB MiB.
# First, correctness: every way, through a ring of two 64 KiB blocks (so
# that blocks are reused while the 1 MiB pipe could still hold them), must
# deliver the exact bytes (the checksum of the sum reader against the
# stream made again); and vmsplice without the wait (-u) must be caught
# (bad) at 1514 B.  Then BENCH_RUNS rounds, the ways taking turns in each.
# Reported: frames a second (median), the ratio to writev with the same
# pipe and reader (above 1: faster); the note gives MB/s (pcap bytes,
# 10^6), the writer's and the reader's CPU time per frame (getrusage:
# user + system), and the runs.  fill: the writer's CPU for filling the
# blocks and walking them alone, to subtract.  About 100 s at 3 runs.

. "$(dirname "$0")/lib.sh"

VMSPLICE_SECS=${VMSPLICE_SECS:-0.5}
VMSPLICE_MB=${VMSPLICE_MB:-2048}
VMSPLICE_SIZES=${VMSPLICE_SIZES:-1514 60}
VMSPLICE_PIPES=${VMSPLICE_PIPES:-64k 1m}
VMSPLICE_READERS=${VMSPLICE_READERS:-cat sum}
VMSPLICE_TOOLS=${VMSPLICE_TOOLS:-writev vmsplice vmsplice-i copy gift pages}
VMSPLICE_CPUS=${VMSPLICE_CPUS-0,1}

command -v cc >/dev/null 2>&1 || die "needs cc"
cc -O2 -o "$BENCH_TMP/vmsplice" "$BENCH_DIR/vmsplice.c" ||
	die "cannot build bench/vmsplice.c"

# vm TOOL SIZE ARGS...: runs bench/vmsplice for TOOL, its line in VM.
vm() {
	_t=$1 _s=$2
	shift 2
	set -- ${VMSPLICE_CPUS:+-P "$VMSPLICE_CPUS"} "$@"
	case $_t in
	vmsplice-i) set -- -i "$@" vmsplice ;;
	pages) set -- -n "$@" gift ;;
	*) set -- "$@" "$_t" ;;
	esac
	VM=$("$BENCH_TMP/vmsplice" "$@" "$_s" "$VMSPLICE_MB" 2>"$BENCH_TMP/vm.err")
	_rc=$?
	BENCH_FAIL=
	[ $_rc = 0 ] || [ $_rc = 1 ] ||
		BENCH_FAIL="exit $_rc: $(tail -n 1 "$BENCH_TMP/vm.err" | cut -c 1-80)"
}

# div A B M: A / B * M, rounded.
div() { awk -v a="$1" -v b="$2" -v m="$3" 'BEGIN { printf "%.0f\n", a / b * m }'; }

# spread KEY: "min-max" of KEY's runs.
spread() {
	sort -n "$BENCH_TMP/$1.val" 2>/dev/null | awk 'NR == 1 { a = $1 } { b = $1 }
		END { if (NR) printf "%s-%s\n", a, b; else print "n/a" }'
}

pipebytes() {
	case $1 in
	*k) echo $((${1%k} * 1024)) ;;
	*m) echo $((${1%m} * 1048576)) ;;
	*) echo "$1" ;;
	esac
}

# Correctness: a small ring, reused while the pipe may still hold it.
for size in $VMSPLICE_SIZES; do
	for tool in $VMSPLICE_TOOLS; do
		vm "$tool" "$size" -b 65536 -k 2 -p 1048576 -s 0.2 -r sum
		set -- $VM
		bench_row check "$size" "$tool" "${BENCH_FAIL:-${9:-n/a}}" - \
		    "2 x 64 KiB blocks, 1 MiB pipe, sum: $((${3:-0} / 1048576)) MiB, ${8:-0} waits for the pipe to drain"
	done
done
vm vmsplice 1514 -u -b 65536 -k 2 -p 1048576 -s 0.2 -r sum
set -- $VM
bench_row check 1514 vmsplice-unsafe "${BENCH_FAIL:-${9:-n/a}}" - \
    "the same, blocks refilled without waiting: must be bad"

# one SIZE PIPE READER TOOL: one run, recorded as pipe-KEY (fps), mbs-,
# wns-, rns- (CPU ns a frame of the writer and the reader).
one() {
	_k=$1-$2-$3-$4
	vm "$4" "$1" -p "$(pipebytes "$2")" -s "$VMSPLICE_SECS" -r "$3"
	set -- $VM
	[ -n "$BENCH_FAIL" ] || [ "${9:-}" != bad ] ||
		BENCH_FAIL="checksum bad"
	[ -n "$BENCH_FAIL" ] || [ "${4:-0}" -gt 0 ] || BENCH_FAIL="no frames"
	if [ -n "$BENCH_FAIL" ]; then
		bench_record "pipe-$_k" 0
		return
	fi
	bench_record "pipe-$_k" "$(div "$4" "$5" 1)"
	bench_record "mbs-$_k" "$(div "$3" "$5" 1e-6)"
	bench_record "wns-$_k" "$(div "$6" "$4" 1e9)"
	bench_record "rns-$_k" "$(div "$7" "$4" 1e9)"
}

for size in $VMSPLICE_SIZES; do
	# The writer's own work: fill the blocks, walk them.
	_r=0
	while [ $_r -lt "$BENCH_RUNS" ]; do
		vm fill "$size" -s "$VMSPLICE_SECS"
		set -- $VM
		bench_record "fill-$size" "$(div "${6:-0}" "${4:-1}" 1e9)"
		_r=$((_r + 1))
	done
	bench_row pipe "$size" fill "$(bench_median "fill-$size")" - \
	    "ns CPU/frame: filling and walking the blocks, no output; $(bench_runs "fill-$size")"
	for pipe in $VMSPLICE_PIPES; do
		for rd in $VMSPLICE_READERS; do
			_r=0
			while [ $_r -lt "$BENCH_RUNS" ]; do
				for tool in $VMSPLICE_TOOLS; do
					one "$size" "$pipe" "$rd" "$tool"
				done
				_r=$((_r + 1))
			done
			base=$(bench_median "pipe-$size-$pipe-$rd-writev")
			for tool in $VMSPLICE_TOOLS; do
				k=$size-$pipe-$rd-$tool
				v=$(bench_median "pipe-$k")
				w="$(bench_median "wns-$k") ($(spread "wns-$k"))"
				r="$(bench_median "rns-$k") ($(spread "rns-$k"))"
				bench_row pipe "$size" "$tool/$pipe/$rd" "$v" \
				    "$(ratio "$v" "$base")" \
				    "$(bench_median "mbs-$k") MB/s; CPU ns/frame w $w r $r; fps $(bench_runs "pipe-$k")"
			done
		done
	done
done
bench_done
