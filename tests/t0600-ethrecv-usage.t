#!/bin/sh
test_description='ethrecv: usage errors, bad sockets, missing privilege'
. "$(dirname "$0")/test-lib.sh"

usage_fails() {
	test_expect_code 100 ethrecv "$@" 2>err &&
	test_grep -q "usage: ethrecv" err
}

# one_line CODE MESSAGE ARGS...: exit CODE, MESSAGE as the only line.
one_line() {
	_c=$1 _m=$2; shift 2
	test_expect_code $_c ethrecv "$@" 2>err &&
	echo "ethrecv: $_m" >want &&
	test_cmp want err
}

test_expect_success 'an unknown option prints the synopsis, exit 100' '
	usage_fails -X
'

test_expect_success 'operands of the wrong shape: one line naming the problem, exit 100' '
	one_line 100 "lo: an interface needs an ethertype" lo &&
	one_line 100 "extra: one interface and one ethertype at most" lo all extra &&
	one_line 100 "missing -- before the program" -e lo 0x88b5 &&
	one_line 100 "-- prog: a program runs only under -e" lo 0x88b5 -- cat &&
	one_line 100 "missing program after --" -e lo all --
'

test_expect_success 'bad option values are named, exit 100' '
	test_expect_code 100 ethrecv -w pdf lo all 2>err &&
	test_grep "ethrecv: -w pdf: pcap, text, hex or payload" err &&
	test_expect_code 100 ethrecv -Q sideways lo all 2>err &&
	test_grep "ethrecv: -Q sideways: in, out or inout" err &&
	test_expect_code 100 ethrecv -c 0 lo all 2>err &&
	test_grep "ethrecv: -c 0: too small" err &&
	test_expect_code 100 ethrecv -B 4k lo all 2>err &&
	test_grep "ethrecv: -B 4k: too small" err &&
	test_expect_code 100 ethrecv -B 2t lo all 2>err &&
	test_grep "ethrecv: -B 2t: not a number (k, M or G may follow)" err &&
	test_expect_code 100 ethrecv -B 2g lo all 2>err &&
	test_grep "ethrecv: -B 2g: too large (at most 1G)" err &&
	test_expect_code 100 ethrecv -B 1048577k lo all 2>err &&
	test_grep "ethrecv: -B 1048577k: too large" err &&
	test_expect_code 100 ethrecv lo 0x1ffff 2>err &&
	test_grep "^ethrecv: 0x1ffff: bad ethertype$" err
'

test_expect_success '-T needs -e, even at its default; -w, -U, -Q do not go with it' '
	test_expect_code 100 ethrecv -T 10 lo all 2>err &&
	test_grep "ethrecv: -T needs -e" err &&
	test_expect_code 100 ethrecv -e -w hex lo all -- cat 2>err &&
	test_grep "do not go with -e" err
'

test_expect_success '-e needs -- and a program' '
	one_line 100 "missing -- before the program" -e lo all cat &&
	one_line 100 "missing program after --" -e --
'

test_expect_success '-e with a program that is not there: exit 127 at start, one line' '
	one_line 127 "nosuchprog-fdcap: No such file or directory" -e lo all -- nosuchprog-fdcap &&
	one_line 127 "/nonexistent/prog: No such file or directory" -e lo all -- /nonexistent/prog &&
	one_line 126 "/etc/passwd: Permission denied" -e lo all -- /etc/passwd
'

test_expect_success 'no socket at all: exit 100, pointing at rawopen' '
	test_expect_code 100 ethrecv 2>err &&
	test_grep "no socket: give iface ethertype, or run it under rawopen(1)" err
'

test_expect_success 'a handed-over fd that is a pipe: exit 100' '
	echo hi | test_expect_code 100 ethrecv --fd 0 2>err &&
	test_grep "ethrecv: fd 0: not an AF_PACKET socket" err &&
	echo hi | test_expect_code 100 ethrecv -S 0 2>err &&
	test_grep "ethrecv: fd 0: not an AF_PACKET socket" err &&
	: | LISTEN_FDS=1 test_expect_code 100 ethrecv 3<&0 2>err &&
	test_grep "ethrecv: fd 3: not an AF_PACKET socket" err
'

test_expect_success 'a handed-over fd that is not open: exit 111' '
	test_expect_code 111 ethrecv --fd 9 9<&- 2>err &&
	test_grep "^ethrecv: --fd 9: fd 9 is not open$" err
'

test_expect_success '-p on a handed-over socket is refused' '
	test_expect_code 100 ethrecv -p --fd 0 2>err &&
	test_grep "ethrecv: -p: fd 0 was handed over (rawopen -p for a handed-over socket)" err
'

test_have_prereq NETNS && test_netns N

test_expect_success NETNS 'no such interface: exit 111' '
	test_expect_code 111 nsrun $N ethrecv nosuch0 all 2>err &&
	test_grep "ethrecv: nosuch0: no such interface" err
'

test_expect_success NETNS 'a filter that does not compile: exit 100' '
	test_expect_code 100 nsrun $N ethrecv -F "ether nonsense" lo all 2>err &&
	test_grep "ethrecv: -F: " err
'

test_expect_success NETNS,SETPRIV 'without CAP_NET_RAW: one line naming rawopen, exit 111' '
	test_expect_code 111 nsrun $N setpriv --reuid=65534 --regid=65534 \
	    --clear-groups --inh-caps=-all "$FDCAP_BUILD/ethrecv" lo all 2>err &&
	test_grep "cannot open a packet socket without CAP_NET_RAW: run it under rawopen(1)" err &&
	test_line_count = 1 err
'

test_done
