#!/bin/sh
test_description='fdsend and fdrecv: bad input and failures, each with its own message'
. "$(dirname "$0")/test-lib.sh"

# fdsend and fdrecv run as uid 65534 too: from copies it can reach.
test_have_prereq SETPRIV && test_tools

# bg CMD...: CMD in the background, $pid; killed when the test ends.
bg() {
	test_bg pid "$@"
}

test_expect_success 'usage: exit 100 and the synopsis' '
	test_expect_code 100 fdsend 2>err &&
	test_grep "^usage: fdsend \[-l\] \[-u user\] \[-g group\] socket fd\[=name\] \.\.\.$" err &&
	test_expect_code 100 fdsend ./s 2>err &&
	test_expect_code 100 fdsend -x ./s 1 2>err &&
	test_grep "^usage: fdsend" err &&
	test_expect_code 100 fdrecv 2>err &&
	test_grep "^usage: fdrecv \[-c\] \[-u user\] \[-g group\] socket -- prog \[arg \.\.\.\]$" err &&
	test_expect_code 100 fdrecv ./s true 2>err &&
	echo "fdrecv: missing -- before the program" >expect && test_cmp expect err &&
	test_expect_code 100 fdrecv ./s -- 2>err &&
	echo "fdrecv: missing program after --" >expect && test_cmp expect err &&
	test_expect_code 100 fdrecv ./s ./t -- true 2>err &&
	test_grep "^usage: fdrecv" err &&
	! test -e s
'

test_expect_success 'an fd that is not a number' '
	test_expect_code 100 fdsend ./s abc 2>err &&
	echo "fdsend: abc: not an fd (0 to 1023)" >expect && test_cmp expect err &&
	test_expect_code 100 fdsend ./s -1 2>err &&
	echo "fdsend: -1: not an fd (0 to 1023)" >expect && test_cmp expect err &&
	test_expect_code 100 fdsend ./s 1024 2>err &&
	echo "fdsend: 1024: not an fd (0 to 1023)" >expect && test_cmp expect err &&
	test_expect_code 100 fdsend ./s =x 2>err &&
	echo "fdsend: : not an fd (0 to 1023)" >expect && test_cmp expect err
'

test_expect_success 'an fd that is not open' '
	test_expect_code 111 fdsend ./s 1 7 2>err &&
	echo "fdsend: fd 7 is not open" >expect && test_cmp expect err
'

test_expect_success 'bad names' '
	test_expect_code 100 fdsend ./s 1=a:b 2>err &&
	echo "fdsend: fd 1: name a:b contains '"':'"'" >expect && test_cmp expect err &&
	test_expect_code 100 fdsend ./s 1= 2>err &&
	echo "fdsend: fd 1: empty name" >expect && test_cmp expect err &&
	test_expect_code 100 fdsend ./s "1=a b	c" 2>err &&
	echo "fdsend: fd 1: name contains a byte that is not printable ASCII" >expect &&
	test_cmp expect err &&
	test_expect_code 100 fdsend ./s 1=$(printf "%0256d" 0) 2>err &&
	echo "fdsend: fd 1: name longer than 255 bytes" >expect && test_cmp expect err
'

test_expect_success 'too many fds for one message' '
	test_expect_code 100 fdsend ./s $(seq 254 | sed "s/.*/1/") 2>err &&
	echo "fdsend: 254 fds: at most 253 go in one message" >expect &&
	test_cmp expect err
'

test_expect_success 'unknown user or group' '
	test_expect_code 100 fdsend -u nosuchuser-fdcap ./s 1 2>err &&
	echo "fdsend: -u nosuchuser-fdcap: no such user" >expect && test_cmp expect err &&
	test_expect_code 100 fdrecv -g nosuchgroup-fdcap ./s -- true 2>err &&
	echo "fdrecv: -g nosuchgroup-fdcap: no such group" >expect && test_cmp expect err
'

test_expect_success 'no socket there' '
	test_expect_code 111 fdsend ./nosock 1 2>err &&
	echo "fdsend: connect ./nosock: No such file or directory" >expect &&
	test_cmp expect err &&
	test_expect_code 111 fdrecv -c ./nosock -- true 2>err &&
	echo "fdrecv: connect ./nosock: No such file or directory" >expect &&
	test_cmp expect err &&
	test_expect_code 111 fdsend @fdcap-none-$test_tag 1 2>err &&
	echo "fdsend: connect @fdcap-none-$test_tag: Connection refused" >expect &&
	test_cmp expect err
'

test_expect_success 'a path that is no socket is named so, not refused' '
	: >plain &&
	test_expect_code 111 fdsend ./plain 1 2>err &&
	echo "fdsend: connect ./plain: not a socket" >expect &&
	test_cmp expect err &&
	test_expect_code 111 fdrecv -c . -- true 2>err &&
	echo "fdrecv: connect .: not a socket" >expect &&
	test_cmp expect err
'

test_expect_success PYTHON 'a stale socket: nobody listens' '
	/usr/bin/python3 -c "import socket; socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET).bind(\"stale\")" &&
	test_expect_code 111 fdsend ./stale 1 2>err &&
	echo "fdsend: connect ./stale: Connection refused" >expect &&
	test_cmp expect err
'

test_expect_success PYTHON 'a socket of another type' '
	bg /usr/bin/python3 -c "
import socket, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(\"stream\"); s.listen(1); time.sleep(20)" &&
	wait_for test -S stream &&
	test_expect_code 111 fdsend ./stream 1 2>err &&
	echo "fdsend: connect ./stream: not a SOCK_SEQPACKET socket" >expect &&
	test_cmp expect err &&
	test_expect_code 111 fdrecv ./stream -- true 2>err &&
	echo "fdrecv: listen ./stream: a socket in use (somebody listens on it)" >expect &&
	test_cmp expect err &&
	test -S stream
'

test_expect_success 'a path that is a file, a directory or a link is never replaced' '
	echo precious >file &&
	test_expect_code 111 fdrecv ./file -- true 2>err &&
	echo "fdrecv: listen ./file: exists and is not a socket" >expect &&
	test_cmp expect err &&
	test_expect_code 111 fdsend -l ./file 1 2>err &&
	echo "fdsend: listen ./file: exists and is not a socket" >expect &&
	test_cmp expect err &&
	echo precious >expect && test_cmp expect file &&
	mkdir dir && ln -s file link &&
	test_expect_code 111 fdrecv ./dir -- true 2>err &&
	test_grep "exists and is not a socket" err &&
	test_expect_code 111 fdrecv ./link -- true 2>err &&
	test_grep "exists and is not a socket" err &&
	test -d dir && test -L link
'

test_expect_success 'a live socket is never replaced' '
	bg fdsend -l ./h 1 &&
	wait_for test -S h &&
	test_expect_code 111 fdrecv ./h -- true 2>err &&
	echo "fdrecv: listen ./h: a socket in use (somebody listens on it)" >expect &&
	test_cmp expect err &&
	test_expect_code 111 fdsend -l ./h 1 2>err &&
	echo "fdsend: listen ./h: a socket in use (somebody listens on it)" >expect &&
	test_cmp expect err &&
	fdrecv -c ./h -- true
'

test_expect_success 'an @abstract name in use' '
	bg fdsend -l @fdcap-t0101-$test_tag 1 &&
	wait_for grep -q "@fdcap-t0101-$test_tag\$" /proc/net/unix &&
	test_expect_code 111 fdrecv @fdcap-t0101-$test_tag -- true 2>err &&
	echo "fdrecv: listen @fdcap-t0101-$test_tag: a socket in use (somebody listens on it)" >expect &&
	test_cmp expect err
'

test_expect_success 'a path too long, an empty name' '
	long=$(printf "%0108d" 0) &&
	test_expect_code 111 fdsend ./$long 1 2>err &&
	echo "fdsend: connect ./$long: File name too long" >expect &&
	test_cmp expect err &&
	test_expect_code 111 fdrecv "" -- true 2>err &&
	echo "fdrecv: listen : Invalid argument" >expect &&
	test_cmp expect err &&
	test_expect_code 111 fdsend @ 1 2>err &&
	echo "fdsend: connect @: Invalid argument" >expect &&
	test_cmp expect err
'

test_expect_success 'a missing directory two levels up is not created' '
	test_expect_code 111 fdrecv ./a/b/s -- true 2>err &&
	echo "fdrecv: listen ./a/b/s: No such file or directory" >expect &&
	test_cmp expect err &&
	! test -e a
'

test_expect_success SETPRIV 'permission denied on the path' '
	mkdir -m 0700 private &&
	bg fdrecv ./private/s -- true &&
	wait_for test -S private/s &&
	test_expect_code 111 as_nobody fdsend $TRASH/private/s 1 2>err &&
	echo "fdsend: connect $TRASH/private/s: Permission denied" >expect &&
	test_cmp expect err &&
	fdsend ./private/s 1 && wait $pid
'

test_expect_success 'exec failures: 127 not found, 126 not executable' '
	bg fdrecv ./s -- ./nonexistent &&
	wait_for test -S s &&
	fdsend ./s 1 &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 127 &&
	echo "#!/bin/sh" >noexec &&
	bg fdrecv ./s -- ./noexec 2>err &&
	wait_for test -S s &&
	fdsend ./s 1 &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 126 &&
	echo "fdrecv: ./noexec: Permission denied" >expect &&
	test_cmp expect err
'

test_expect_success 'malformed LISTEN_FDS' '
	LISTEN_FDS=abc test_expect_code 111 fdrecv ./s -- true 2>err &&
	echo "fdrecv: LISTEN_FDS: Bad message" >expect && test_cmp expect err &&
	LISTEN_FDS=2 test_expect_code 111 fdrecv ./s -- true 2>err 3</dev/null &&
	echo "fdrecv: LISTEN_FDS: Bad file descriptor" >expect && test_cmp expect err &&
	! test -e s
'

# A peer written in Python that misbehaves on purpose: PEER CODE runs with
# s connected to ./s, which fdrecv listens on.
peer() {
	/usr/bin/python3 -c "
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect('s')
$1"
}

# A connection that sends nothing is no sender (a client that gave up, or
# the probe of another fdrecv that found the socket in use): one line,
# and fdrecv goes on listening for a sender.
test_expect_success PYTHON 'a peer that closes without sending does not end fdrecv' '
	bg fdrecv ./s -- sh -c "echo ran >out" 2>err &&
	wait_for test -S s &&
	peer "s.close()" &&
	wait_for test -s err &&
	echo "fdrecv: ./s: a peer connected and closed without sending fds: still listening" >expect &&
	test_cmp expect err &&
	test -S s && kill -0 $pid &&
	fdsend ./s 1 &&
	wait $pid &&
	echo ran >expect && test_cmp expect out
'

test_expect_success 'a second fdrecv on the same socket fails and leaves the first listening' '
	bg fdrecv ./s -- sh -c "echo first >out" 2>err &&
	wait_for test -S s &&
	test_expect_code 111 fdrecv ./s -- sh -c "echo second >out" 2>err2 &&
	echo "fdrecv: listen ./s: a socket in use (somebody listens on it)" >expect &&
	test_cmp expect err2 &&
	wait_for test -s err &&
	kill -0 $pid &&
	fdsend ./s 1 &&
	wait $pid &&
	echo first >expect && test_cmp expect out
'

test_expect_success PYTHON 'a message without fds' '
	bg fdrecv ./s -- true 2>err &&
	wait_for test -S s &&
	peer "s.send(b\"a\")" &&
	rc=0 && wait $pid || rc=$? && test $rc = 111 &&
	echo "fdrecv: ./s: the message carried no fds" >expect &&
	test_cmp expect err
'

test_expect_success PYTHON 'fewer names than fds' '
	bg fdrecv ./s -- true 2>err &&
	wait_for test -S s &&
	peer "socket.send_fds(s, [b\"a\"], [0, 1])" &&
	rc=0 && wait $pid || rc=$? && test $rc = 111 &&
	echo "fdrecv: ./s: bad fd names (not one valid name per fd): fds closed" >expect &&
	test_cmp expect err
'

# fdrecv can take 253 fds less those already handed over: hand it 250
# (opened by Python) so that it accepts 3.
fdrecv250() {
	/usr/bin/python3 -c "
import os, sys
null = os.open('/dev/null', os.O_RDONLY)
for fd in range(3, 253):
    if fd != null:
        os.dup2(null, fd)
os.set_inheritable(null, True)
os.environ['LISTEN_FDS'] = '250'
os.execvp('fdrecv', ['fdrecv', './s', '--', 'true'])"
}

test_expect_success PYTHON 'more fds than fdrecv takes' '
	bg fdrecv250 2>err &&
	wait_for test -S s &&
	peer "socket.send_fds(s, [b\"a:b:c:d:e\"], [0, 1, 2, 0, 1])" &&
	rc=0 && wait $pid || rc=$? && test $rc = 111 &&
	echo "fdrecv: ./s: more than 3 fds: all closed" >expect &&
	test_cmp expect err
'

test_expect_success PYTHON 'far more fds than fdrecv takes: control data truncated' '
	bg fdrecv250 2>err &&
	wait_for test -S s &&
	peer "socket.send_fds(s, [b\"a\"], [1] * 253)" &&
	rc=0 && wait $pid || rc=$? && test $rc = 111 &&
	echo "fdrecv: ./s: control data truncated (more than 3 fds?): all closed" >expect &&
	test_cmp expect err
'

test_expect_success PYTHON 'the EMFILE guard: no room for the fds' '
	bg sh -c "ulimit -n 40 && exec fdrecv ./s -- true" 2>err &&
	wait_for test -S s &&
	peer "
try:
    socket.send_fds(s, [b\"a\"], [1])
except (BrokenPipeError, ConnectionResetError):
    pass" &&
	rc=0 && wait $pid || rc=$? && test $rc = 111 &&
	echo "fdrecv: ./s: no room for 253 more fds: Too many open files" >expect &&
	test_cmp expect err
'

test_done
