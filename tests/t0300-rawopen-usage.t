#!/bin/sh
test_description='rawopen: usage errors exit 100 before anything is opened'
. "$(dirname "$0")/test-lib.sh"

# usage_error MESSAGE ARGS...: exit 100 and MESSAGE on one line of stderr.
usage_error() {
	_msg=$1; shift
	test_expect_code 100 rawopen "$@" 2>err &&
	test_grep -F "rawopen: $_msg" err &&
	test_line_count = 1 err
}

test_expect_success 'no arguments prints the synopsis' '
	test_expect_code 100 rawopen 2>err &&
	test_grep "^usage: rawopen \[-Lpx\]" err
'

test_expect_success 'an unknown option prints the synopsis' '
	test_expect_code 100 rawopen -z lo 0x88b5 -- true 2>err &&
	test_grep "^usage: rawopen" err
'

test_expect_success '-- is required' '
	usage_error "missing -- before the program" lo 0x88b5 true &&
	usage_error "missing -- before the program" lo 0x88b5
'

test_expect_success 'a program is required after --' '
	usage_error "missing program after --" lo 0x88b5 --
'

test_expect_success 'something to open is required' '
	usage_error "nothing to open" -- true
'

test_expect_success 'an interface needs an ethertype' '
	usage_error "lo: interface without an ethertype" lo -- true
'

test_expect_success 'bad interface names' '
	usage_error ": bad interface name" "" 0x88b5 -- true &&
	usage_error "abcdefghijklmnop: bad interface name" abcdefghijklmnop 0x88b5 -- true &&
	usage_error "../x: bad interface name" ../x 0x88b5 -- true &&
	usage_error "eth0;x: bad interface name" "eth0;x" 0x88b5 -- true &&
	usage_error "..: bad interface name" .. 0x88b5 -- true &&
	usage_error "a b: bad interface name" "a b" 0x88b5 -- true
'

test_expect_success 'bad ethertypes' '
	usage_error "0x10000: bad ethertype" lo 0x10000 -- true &&
	usage_error "-1: bad ethertype" lo -1 -- true &&
	usage_error "abc: bad ethertype" lo abc -- true &&
	usage_error ": bad ethertype" lo "" -- true
'

test_expect_success 'at most 64 sockets' '
	args= &&
	for i in $(seq 250); do args="$args lo 0x88b5"; done &&
	usage_error "too many sockets (at most 64)" $args -- true
'

test_expect_success '-o takes one fd from 3 to 1023' '
	usage_error "-o 0: too small (at least 3)" -o 0 lo 0x88b5 -- true &&
	usage_error "-o 1: too small (at least 3)" -o 1 lo 0x88b5 -- true &&
	usage_error "-o 2: too small (at least 3)" -o 2 lo 0x88b5 -- true &&
	usage_error "-o 99999: too large (at most 1023)" -o 99999 lo 0x88b5 -- true &&
	usage_error "-o x: not a number" -o x lo 0x88b5 -- true &&
	usage_error "-o places one socket, not 2" -o 5 lo 0x88b5 lo arp -- true
'

test_expect_success '-n names each socket, one name each, none empty' '
	usage_error "-n: 2 names for 1 socket" -n a:b lo 0x88b5 -- true &&
	usage_error "-n: 1 name for 2 sockets" -n a lo 0x88b5 lo 0x88b6 -- true &&
	usage_error "-n: an empty name" -n a: lo 0x88b5 lo 0x88b6 -- true &&
	usage_error "-n: an empty name" -n :a lo 0x88b5 lo 0x88b6 -- true &&
	usage_error "-n: an empty name" -n "" lo 0x88b5 -- true &&
	usage_error "-n: names are printable" -n "a b" lo 0x88b5 -- true
'

test_expect_success 'bad --ip, --tcp, --udp' '
	usage_error "bogus: bad IP protocol" --ip bogus -- true &&
	usage_error "0: bad IP protocol" --ip6 0 -- true &&
	usage_error "99999: bad [address:]port" --tcp 99999 -- true &&
	usage_error "1.2.3:80: bad [address:]port" --udp 1.2.3:80 -- true &&
	usage_error ":80: bad [address:]port" --tcp :80 -- true &&
	usage_error "[::1]80: bad [address:]port" --tcp "[::1]80" -- true
'

test_expect_success '-N needs a name' '
	usage_error "-N ..: bad namespace name" -N .. lo 0x88b5 -- true
'

test_expect_success 'an option argument "--" is not the end of options' '
	usage_error "missing -- before the program" -n -- lo 0x88b5 true
'

test_expect_success 'argc == 0 is refused' '
	cat >noargv.c <<-\EOC &&
	#include <unistd.h>
	int main(int argc, char **argv, char **envp)
	{
		char *none[] = { NULL };
		(void)argc;
		execve(argv[1], none, envp);
		return 99;
	}
	EOC
	${FDCAP_CC:-cc} -o noargv noargv.c &&
	test_expect_code 100 ./noargv "$(command -v rawopen)" 2>err &&
	test_grep "^rawopen: refused: empty argument vector" err
'

test_have_prereq NETNS && test_netns ns

test_expect_success NETNS 'closed fds 0 and 2 are /dev/null for the program' '
	nsrun $ns rawopen lo 0x88b5 -- sh -c \
		"readlink /proc/self/fd/0 /proc/self/fd/2; ls /proc/self/fd" \
		<&- 2>&- >out &&
	printf "/dev/null\n/dev/null\n" >expect &&
	head -n 2 out >got && test_cmp expect got &&
	test_grep -x 3 out
'

test_expect_success NETNS,PYTHON 'a closed fd 1 is /dev/null, not the socket' '
	nsrun $ns rawopen lo 0x88b5 -- /usr/bin/python3 -c "if 1:
		import os, stat, sys
		s = os.fstat(1)
		print(\"character special file:%d:%d\" % (os.major(s.st_rdev),
		    os.minor(s.st_rdev)) if stat.S_ISCHR(s.st_mode) else \"other\",
		    file=sys.stderr)" >&- 2>out &&
	echo "character special file:1:3" >expect && test_cmp expect out
'

test_expect_success NETNS 'a missing program exits 127, a non-executable one 126' '
	test_expect_code 127 nsrun $ns rawopen lo 0x88b5 -- ./no-such-prog 2>err &&
	test_grep "^rawopen: ./no-such-prog: No such file" err &&
	echo "echo hi" >noexec && chmod 0644 noexec &&
	test_expect_code 126 nsrun $ns rawopen lo 0x88b5 -- ./noexec 2>err &&
	test_grep "^rawopen: ./noexec: Permission denied" err
'

test_expect_success NETNS 'a missing interface exits 111 with its name' '
	test_expect_code 111 nsrun $ns rawopen eth9 0x88b5 -- true 2>err &&
	echo "rawopen: eth9: no such interface" >expect && test_cmp expect err
'

test_expect_success ROOT '-u names a user that exists' '
	usage_error "-u fdcap-no-such-user: no such user" \
		-u fdcap-no-such-user lo 0x88b5 -- true
'

test_expect_success '-n with -o is a usage error: -o unsets LISTEN_FDNAMES' '
	usage_error "-n names sockets in LISTEN_FDNAMES, which -o unsets" \
		-o 5 -n x lo 0x88b5 -- true
'

command -v readelf >/dev/null && command -v nm >/dev/null && test_set_prereq BINUTILS

# The Makefile builds every tool as Debian builds a privileged binary.
test_expect_success BINUTILS 'every tool is built PIE with full RELRO and a stack protector' '
	for t in rawopen ethsend ethrecv fdsend fdrecv credcheck; do
		readelf -dW "$FDCAP_BUILD/$t" >dyn &&
		readelf -lW "$FDCAP_BUILD/$t" >seg &&
		nm "$FDCAP_BUILD/cmd/$t.o" >sym &&
		test_grep "(FLAGS_1).*NOW.*PIE" dyn &&
		test_grep GNU_RELRO seg &&
		test_grep __stack_chk_fail sym || return 1
	done
'

# The privileged binary carries only what it runs: no module of the
# unprivileged tools is linked in through a shared one (lib/cli once pulled
# lib/cred in).
test_expect_success BINUTILS 'rawopen links no module that only the other tools use' '
	nm "$FDCAP_BUILD/rawopen" >sym &&
	for m in capout capsock cred fdpass fileset fsrv ipcsrv outq pace \
	    pcapio recfmt rxpool rxsrc textio txpool txq txring usock; do
		! grep " T ${m}_" sym || return 1
	done &&
	test_grep " T priv_drop$" sym
'

test_expect_success BINUTILS,NOSANITIZE 'rawopen is built with _FORTIFY_SOURCE' '
	nm "$FDCAP_BUILD/cmd/rawopen.o" >sym &&
	test_grep "U __[a-z]*printf_chk" sym
'

test_done
