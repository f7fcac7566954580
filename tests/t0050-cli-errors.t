#!/bin/sh
test_description='one voice: every tool, the same bad input, the same exit code and words (lib/cli)'
. "$(dirname "$0")/test-lib.sh"

# The table: each row runs one tool on one bad input, and wants exactly
# one line on stderr, the tool's name first, and the exit code of that
# kind of input (lib/cli.h lists them):
#
#	row KIND CODE 'LINE' 'COMMAND'
#
# KIND is success, or failure for a tool that does not yet speak through
# lib/cli (a known breakage, TODO to prove: the lead turns it into
# success when the tool adopts lib/cli).  COMMAND is evaluated, with
# stdin from /dev/null; fd 9 is never open.  A tool appears only for the
# kinds of input it takes.
row() {
	row_code=$2 row_msg=$3 row_cmd=$4
	test_expect_$1 "$row_cmd: $row_code, $row_msg" 'check_row'
}

check_row() {
	eval "$row_cmd" 9>&- >out 2>err && rc=0 || rc=$?
	printf "%s\n" "$row_msg" >expect &&
	test_cmp expect err &&
	{ test "$rc" = "$row_code" || { echo "exit $rc, want $row_code"; return 1; }; }
}

# A closed fd: 111, "fd N is not open" (after the option that named it).
row success 111 'fdsend: fd 9 is not open' 'fdsend ./s 9'
row success 111 'credcheck: -s 9: fd 9 is not open' 'credcheck -s 9'
row success 111 'ethsend: -S 9: fd 9 is not open' 'ethsend -S 9'
row success 111 'ethrecv: -S 9: fd 9 is not open' 'ethrecv -S 9'
row success 111 'ethsend: --fd 9: fd 9 is not open' 'ethsend --fd 9'

# An fd that is no fd number: 100.
row success 100 'fdsend: x: not an fd (0 to 1023)' 'fdsend ./s x'
row success 100 'credcheck: -s x: not an fd (0 to 1023)' 'credcheck -s x'
row success 100 'ethsend: -S x: not an fd (0 to 1023)' 'ethsend -S x'
row success 100 'ethrecv: -S x: not an fd (0 to 1023)' 'ethrecv -S x'

# An interface name no interface can have: 100.
row success 100 'rawopen: a;b: bad interface name' "rawopen 'a;b' 0x88b5 -- true"
row success 100 'ethsend: a;b: bad interface name' "ethsend 'a;b' 0x88b5"
row success 100 'ethrecv: a;b: bad interface name' "ethrecv 'a;b' 0x88b5"

# No such interface: 111.
row success 111 'ethsend: fdcapnosuch0: no such interface' 'ethsend fdcapnosuch0 0x88b5'
row success 111 'ethrecv: fdcapnosuch0: no such interface' 'ethrecv fdcapnosuch0 0x88b5'
test_have_prereq ROOT &&
row success 111 'rawopen: fdcapnosuch0: no such interface' 'rawopen fdcapnosuch0 0x88b5 -- true'

# A bad ethertype: 100.
row success 100 'rawopen: 0x1ffff: bad ethertype' 'rawopen lo 0x1ffff -- true'
row success 100 'ethsend: 0x1ffff: bad ethertype' 'ethsend lo 0x1ffff'
row success 100 'ethrecv: 0x1ffff: bad ethertype' 'ethrecv lo 0x1ffff'

# An unknown user or group: 100, "-u NAME: no such user".
row success 100 'fdsend: -u no-such-user-fdcap: no such user' 'fdsend -u no-such-user-fdcap ./s 1'
row success 100 'fdrecv: -u no-such-user-fdcap: no such user' 'fdrecv -u no-such-user-fdcap ./s -- true'
row success 100 'credcheck: -u no-such-user-fdcap: no such user' 'credcheck -u no-such-user-fdcap'
row success 100 'fdsend: -g no-such-group-fdcap: no such group' 'fdsend -g no-such-group-fdcap ./s 1'
row success 100 'fdrecv: -g no-such-group-fdcap: no such group' 'fdrecv -g no-such-group-fdcap ./s -- true'
row success 100 'credcheck: -g no-such-group-fdcap: no such group' 'credcheck -g no-such-group-fdcap'
row success 100 'rawopen: -u no-such-user-fdcap: no such user' 'rawopen -u no-such-user-fdcap lo 0x88b5 -- true'
# A uid no uid can be.
row success 100 'credcheck: -u 4294967295: bad uid (at most 4294967294)' 'credcheck -u 4294967295'
row success 100 'fdsend: -u 4294967295: bad uid (at most 4294967294)' 'fdsend -u 4294967295 ./s 1'

# Bad numbers: 100, "not a number", "too small (at least N)", "too large
# (at most N)"; sizes and counts may take k, M, G; durations s or ms.
row success 100 'fdrecv: -j x: not a number' 'fdrecv -l -j x ./s -- true'
row success 100 'fdrecv: -j 0: too small (at least 1)' 'fdrecv -l -j 0 ./s -- true'
row success 100 'fdrecv: -j 1001: too large (at most 1000)' 'fdrecv -l -j 1001 ./s -- true'
row success 100 'fdrecv: -C 0: too small (at least 1)' 'fdrecv -l -C 0 ./s -- true'
row success 100 'fdrecv: -t 0: too short (at least 1ms)' 'fdrecv -l -t 0 ./s -- true'
row success 100 'fdrecv: -t x: not a duration (seconds, or milliseconds as 250ms)' 'fdrecv -l -t x ./s -- true'
row success 100 'credcheck: -P x: not a number' 'credcheck -P x'
row success 100 'credcheck: -P 0: too small (at least 1)' 'credcheck -P 0'
row success 100 'rawopen: -o 1: too small (at least 3)' 'rawopen -o 1 lo 0x88b5 -- true'
row success 100 'ethsend: -c 0: too small (at least 1)' 'ethsend -c 0'
row success 100 'ethrecv: -c 0: too small (at least 1)' 'ethrecv -c 0'
row success 100 'ethrecv: -B 1x: not a number (k, M or G may follow)' 'ethrecv -B 1x'
row success 100 'ethrecv: -t x: not a duration (seconds, or milliseconds as 250ms)' 'ethrecv -t x'

# The program after --: 100.
row success 100 'fdrecv: missing -- before the program' 'fdrecv ./s true'
row success 100 'fdrecv: missing program after --' 'fdrecv ./s --'
row success 100 'credcheck: missing program after --' 'credcheck --'
row success 100 'rawopen: missing -- before the program' 'rawopen lo 0x88b5 true'
row success 100 'rawopen: missing program after --' 'rawopen lo 0x88b5 --'
row success 100 'ethrecv: missing program after --' 'ethrecv -e lo 0x88b5 --'

test_expect_success 'no row left a socket file behind' '
	! test -e s
'

# --help: the usage on stdout, nothing on stderr, exit 0.  --version:
# "TOOL (fdcap) VERSION" on stdout, exit 0.
for t in fdsend fdrecv credcheck ethsend ethrecv rawopen; do
	test_expect_success "$t --help: usage on stdout, exit 0" "
		$t --help >out 2>err &&
		test_grep '^usage: $t ' out &&
		! test -s err &&
		$t --help -u x >out2 2>err && test_cmp out out2
	"
	test_expect_success "$t --version: one line on stdout, exit 0" "
		$t --version >out 2>err &&
		test_grep -x '$t (fdcap) [^ ][^ ]*' out &&
		test_line_count = 1 out &&
		! test -s err
	"
done

# usage() prints exactly the man page's SYNOPSIS: both rendered, the
# "usage:" dropped, every run of white space one space, and none around
# the | of a choice (mdoc sets "in | out" where usage writes "in|out").  What a tool
# prints for an unknown option (getopt's own line first, then the usage)
# is compared, from the usage line on.
command -v mandoc >/dev/null && test_set_prereq MANDOC
synopsis() {
	mandoc -T ascii -O width=500 "$FDCAP_SRC/man/$1.1" | col -b |
		awk '/^SYNOPSIS/ { f = 1; next } /^[A-Z]/ { f = 0 } f' |
		tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//; s/ | /|/g'
	echo
}
usage_of() {
	test_expect_code 100 "$1" -Z 2>err.$1 >/dev/null
	sed -n '/^usage: /,$p' err.$1 | sed '1s/^usage: //' |
		tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//; s/ | /|/g'
	echo
}
for t in fdsend fdrecv credcheck ethsend ethrecv rawopen; do
	test_expect_success MANDOC "$t: usage is exactly the SYNOPSIS of $t(1)" "
		synopsis $t >expect &&
		test -s expect &&
		usage_of $t >got &&
		test_cmp expect got
	"
done

test_done
