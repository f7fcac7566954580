#!/bin/sh
test_description='every fuzz seed and every input that once crashed a
parser goes through its harness again, without a crash or a sanitizer report'
. "$(dirname "$0")/test-lib.sh"

found=
for r in "$FDCAP_BUILD"/fuzz/*.replay; do
	[ -x "$r" ] || continue
	found=1
	name=$(basename "$r" .replay)
	dirs=
	for d in "$FDCAP_SRC/tests/fuzz/corpus/$name" "$FDCAP_SRC/tests/fuzz/regress/$name"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	test_expect_success "fuzz harness $name replays its corpus cleanly" "
		test -n '$dirs' &&
		'$r' $dirs >out 2>err &&
		grep -q '^1\.\.[1-9]' out &&
		! grep -q 'not ok' out &&
		! grep -q 'runtime error\|AddressSanitizer' err
	"
done
test_expect_success 'the fuzz harnesses were built' 'test -n "$found"'
test_done
