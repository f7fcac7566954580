#!/bin/sh
test_description='examples/*.sh and make demo do what they print, and fail when frames do not arrive'
. "$(dirname "$0")/test-lib.sh"
# What ends every summary: its time and rates.
RATES=' in [0-9.]* s ([0-9.]* frames/s, [0-9.]* Mbit/s)$'

EX=$FDCAP_SRC/examples
# uid 65534 runs the examples too: the tools from copies it can reach,
# the scripts on its stdin (the clone may sit under a 0700 directory).
test_have_prereq SETPRIV && test_tools

# run_example NAME [ARG]...: runs examples/NAME.sh with ARGs, output in
# NAME.out, status in NAME.rc; then no namespace of its pid may be left.
run_example() {
	_n=$1; shift
	test_bg _p sh "$EX/$_n.sh" "$@" >"$_n.out" 2>&1
	wait $_p && echo 0 >"$_n.rc" || echo $? >"$_n.rc"
	cat "$_n.out"
	if ip netns list | grep "\.$_p\b"; then
		echo "$_n.sh left namespaces behind" >&2
		return 1
	fi
}

test_expect_success NETNS 'echo-server.sh: a server run by nobody answers in capitals' '
	run_example echo-server "$FDCAP_BUILD" &&
	test "$(cat echo-server.rc)" = 0 &&
	test_grep "^server pid [0-9]* runs as nobody$" echo-server.out &&
	test_grep "^the server answered: HELLO, FRAMES$" echo-server.out &&
	test_grep "^ethrecv: 1 frame received, 0 dropped by kernel, 1 reply sent, 0 handlers failed$RATES" echo-server.out
'

test_expect_success NETNS 'relay.sh: three frames one way, one back, each carried once' '
	run_example relay "$FDCAP_BUILD" &&
	test "$(cat relay.rc)" = 0 &&
	sed -n "/^arrived on v3/,/^arrived on v1/p" relay.out | grep " 0x88b5 len 60: " |
		sed "s/.*: //; s/\.*\$//" >got &&
	printf "one\ntwo\nthree\n" >want &&
	test_cmp want got &&
	sed -n "/^arrived on v1/,\$p" relay.out | test_grep -c "len 60: back from ns3" &&
	test_grep "^relay r1 -> r3: ethrecv: 3 frames received, 0 dropped by kernel$RATES" relay.out &&
	test_grep "^relay r3 -> r1: ethrecv: 1 frame received, 0 dropped by kernel$RATES" relay.out &&
	test_grep "^every frame crossed once, none came back$" relay.out
'

test_expect_success NETNS,TCPDUMP 'capture.sh: tcpdump decodes the text, VLAN and ARP frames' '
	run_example capture "$FDCAP_BUILD" &&
	test "$(cat capture.rc)" = 0 &&
	test "$(grep -c "^[0-9][0-9]:.* > ff:ff:ff:ff:ff:ff, " capture.out)" = 3 &&
	test_grep "ethertype Unknown (0x88b5), length 60:" capture.out &&
	test_grep "hello,.tcpdump" capture.out &&
	test_grep "vlan 5, p 0, ethertype Unknown (0x88b5)" capture.out &&
	test_grep "hello,.VLAN.5" capture.out &&
	test_grep "02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 10.0.0.2 tell 10.0.0.1" capture.out
'

test_expect_success NETNS,SETPRIV,TCPDUMP,RAWOPEN_BUILD 'demo.sh: nobody sends with rawopen, nobody captures, tcpdump reads' '
	run_example demo "$FDCAP_BUILD" &&
	test "$(cat demo.rc)" = 0 &&
	test_grep "^policy: vdemoA 0x88b5: granted by .*/rawopen.conf:1$" demo.out &&
	test_grep "^capabilities after: sets \"=\", ambient none, .*no_new_privs 1$" demo.out &&
	test_grep "^rawopen: refused: uid 65534 may not open vdemoA 0x88b6 (rule needed in .*: user:nobody packet iface=vdemoA ethertype=0x88b6)$" demo.out &&
	test_grep "^(exit status 1)$" demo.out &&
	test_grep "^ethsend: 3 frames sent, 180 bytes, 0 errors$RATES" demo.out &&
	test_grep "^ethrecv: 3 frames received (kernel drops are counted by rawopen.s relay)$RATES" demo.out &&
	! test_grep "relay .*dropped" demo.out &&
	test "$(grep -c "ethertype Unknown (0x88b5), length 60:" demo.out)" = 3 &&
	test_grep "hello\.\.\." demo.out &&
	test_grep "from\.\.\." demo.out &&
	test_grep "nobody\.\.\." demo.out
'

# An ethsend that sends nothing: every example must notice, say so, and
# exit 1 (after its bounded waits; the three run side by side).
test_expect_success NETNS,TCPDUMP 'each example fails when the frames do not arrive' '
	mkdir fake &&
	printf "#!/bin/sh\ncat >/dev/null\n" >fake/ethsend &&
	chmod +x fake/ethsend &&
	PATH=$TRASH/fake:$PATH &&
	{ run_example echo-server & run_example relay & run_example capture & wait; } &&
	test "$(cat echo-server.rc)" = 1 &&
	test_grep "^echo-server.sh: no answer$" echo-server.out &&
	test "$(cat relay.rc)" = 1 &&
	test_grep "^relay.sh: ns3 did not get the three frames$" relay.out &&
	test "$(cat capture.rc)" = 1 &&
	test_grep "^capture.sh: tcpdump did not see the three frames$" capture.out
'

test_expect_success SETPRIV 'the examples refuse to run without root, and say why' '
	for n in echo-server relay capture; do
		test_expect_code 100 as_nobody sh -s "$TOOLS" <"$EX/$n.sh" 2>err &&
		test_grep "^$n.sh: run as root$" err || return 1
	done &&
	test_expect_code 100 as_nobody sh -s "$TOOLS" <"$EX/demo.sh" 2>err &&
	test_grep "^demo.sh: run as root (sudo make demo)$" err
'

test_expect_success ROOT 'a tool missing from PATH is named' '
	test_expect_code 100 env PATH=/usr/bin:/bin sh "$EX/relay.sh" 2>err &&
	test_grep "^relay.sh: ethsend not found: give the build dir$" err
'

test_done
