#!/bin/sh
test_description='ethrecv: usage errors, bad sockets, missing privilege'
. "$(dirname "$0")/test-lib.sh"

usage_fails() {
	test_expect_code 100 ethrecv "$@" 2>err &&
	test_grep -q "usage: ethrecv" err
}

test_expect_success 'an unknown option prints the synopsis, exit 100' '
	usage_fails -X &&
	usage_fails lo &&
	usage_fails lo all extra
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
	test_grep "ethrecv: -B 2t: invalid" err &&
	test_expect_code 100 ethrecv -B 2g lo all 2>err &&
	test_grep "ethrecv: -B 2g: too large (at most 1g)" err &&
	test_expect_code 100 ethrecv -B 1048577k lo all 2>err &&
	test_grep "ethrecv: -B 1048577k: too large" err &&
	test_expect_code 100 ethrecv lo 0x1ffff 2>err &&
	test_grep "^ethrecv: 0x1ffff: not an ethertype$" err
'

test_expect_success '-j and -T need -e; -w, -U, -Q do not go with it' '
	test_expect_code 100 ethrecv -j 2 lo all 2>err &&
	test_grep "ethrecv: -j and -T need -e" err &&
	test_expect_code 100 ethrecv -e -w hex lo all -- cat 2>err &&
	test_grep "do not go with -e" err
'

test_expect_success '-e needs -- and a program' '
	usage_fails -e lo all cat &&
	usage_fails -e lo all -- &&
	usage_fails -e --
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

test_expect_success 'a handed-over fd that is not open: exit 100' '
	test_expect_code 100 ethrecv --fd 9 9<&- 2>err &&
	test_grep "ethrecv: fd 9" err
'

test_expect_success '-p on a handed-over socket is refused' '
	test_expect_code 100 ethrecv -p --fd 0 2>err &&
	test_grep "ethrecv: -p needs iface ethertype" err
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
