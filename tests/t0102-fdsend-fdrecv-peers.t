#!/bin/sh
test_description='fdsend and fdrecv: Python peers both ways, and peers refused by -u/-g'
. "$(dirname "$0")/test-lib.sh"

# fdsend and fdrecv run as uid 65534 too: from copies it can reach.
test_have_prereq SETPRIV && test_tools

# bg CMD...: CMD in the background, $pid; killed when the test ends.
bg() {
	test_bg pid "$@"
}
abs=fdcap-t0102-$test_tag

# A holder run as nobody: its pid is the holder's (as_nobody, a function,
# would fork in the background, and the kill at the end would miss it).
bg_nobody() {
	bg setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
}

test_expect_success PYTHON 'a Python sender (socket.send_fds) to fdrecv' '
	bg fdrecv ./s -- sh -c "echo \$LISTEN_FDNAMES; echo from prog >&3" >out &&
	wait_for test -S s &&
	/usr/bin/python3 -c "
import os, socket
r, w = os.pipe()
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(\"s\")
socket.send_fds(s, [b\"reply\"], [w])
os.close(w); s.close()
print(os.read(r, 100).decode(), end=\"\")" >got &&
	wait $pid &&
	echo reply >expect && test_cmp expect out &&
	echo from prog >expect && test_cmp expect got
'

test_expect_success PYTHON 'a Python receiver (socket.recv_fds) from fdsend' '
	bg /usr/bin/python3 -c "
import os, socket
l = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
l.bind(\"s\"); l.listen(1)
print(\"ready\", flush=True)
c, _ = l.accept()
msg, fds, flags, _ = socket.recv_fds(c, 65536, 253)
assert not flags & socket.MSG_CTRUNC
print(msg.decode(), len(fds))
print(os.read(fds[0], 100).decode(), end=\"\")" >got &&
	wait_for test -S s &&
	echo data | fdsend ./s 0=in 1=out &&
	wait $pid &&
	printf "%s\n" ready "in:out 2" data >expect &&
	test_cmp expect got
'

test_expect_success PYTHON 'a Python client of the holder' '
	echo held >file &&
	bg fdsend -l @$abs 3=file 3<file &&
	wait_for grep -q "@$abs\$" /proc/net/unix &&
	/usr/bin/python3 -c "
import os, socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(\"\\0$abs\")
msg, fds, flags, _ = socket.recv_fds(s, 65536, 253)
print(msg.decode(), len(fds), os.pread(fds[0], 100, 0).decode(), end=\"\")" >got &&
	echo "file 1 held" >expect &&
	test_cmp expect got
'

test_expect_success SETPRIV 'fdrecv -u refuses a peer of another uid' '
	bg fdrecv -u root @$abs -- echo ran 2>err >out &&
	wait_for grep -q "@$abs\$" /proc/net/unix &&
	# fdsend may or may not see fdrecv close first (Broken pipe, 111)
	{ as_nobody fdsend @$abs 1 2>/dev/null || test $? = 111; } &&
	rc=0 && wait $pid || rc=$? && test $rc = 1 &&
	test_grep "^fdrecv: peer pid=[0-9]* uid=65534 gid=65534 refused: uid not allowed$" err &&
	test_line_count = 1 err &&
	! test -s out
'

test_expect_success SETPRIV 'fdrecv -g refuses a peer outside the group, -u accepts a listed one' '
	bg fdrecv -g root @$abs -- echo ran 2>err >out &&
	wait_for grep -q "@$abs\$" /proc/net/unix &&
	# fdsend may or may not see fdrecv close first (Broken pipe, 111)
	{ as_nobody fdsend @$abs 1 2>/dev/null || test $? = 111; } &&
	rc=0 && wait $pid || rc=$? && test $rc = 1 &&
	test_grep "refused: gid not allowed$" err &&
	bg fdrecv -u nobody -u root @$abs -- echo ran >out &&
	wait_for grep -q "@$abs\$" /proc/net/unix &&
	as_nobody fdsend @$abs 1 &&
	wait $pid &&
	echo ran >expect && test_cmp expect out
'

test_expect_success SETPRIV 'the holder refuses one peer with one line and serves the next' '
	bg fdsend -l -u root @$abs 1 2>err &&
	wait_for grep -q "@$abs\$" /proc/net/unix &&
	test_expect_code 1 as_nobody fdrecv -c @$abs -- echo ran >out 2>err.client &&
	echo "fdrecv: @$abs: refused by the holder" >expect &&
	test_cmp expect err.client &&
	! test -s out &&
	test_grep "^fdsend: peer pid=[0-9]* uid=65534 gid=65534 refused: uid not allowed$" err &&
	test_line_count = 1 err &&
	fdrecv -c @$abs -- echo ran >out &&
	echo ran >expect && test_cmp expect out &&
	kill -0 $pid
'

test_expect_success SETPRIV,PYTHON 'a refused Python client gets one NUL byte and no fds' '
	bg fdsend -l -g root @$abs 1 2>err &&
	wait_for grep -q "@$abs\$" /proc/net/unix &&
	as_nobody /usr/bin/python3 -c "
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(\"\\0$abs\")
msg, fds, flags, _ = socket.recv_fds(s, 65536, 253)
print(repr(msg), fds)" >got &&
	echo "b'"'\\x00'"' []" >expect &&
	test_cmp expect got &&
	test_grep "refused: gid not allowed$" err
'

test_expect_success SETPRIV 'fdsend -u refuses a listener of another uid, and tells it so' '
	bg_nobody fdrecv @$abs -- echo ran >out 2>err.recv &&
	wait_for grep -q "@$abs\$" /proc/net/unix &&
	test_expect_code 1 fdsend -u root @$abs 1 2>err &&
	test_grep "^fdsend: peer pid=[0-9]* uid=65534 gid=65534 refused: uid not allowed$" err &&
	rc=0 && wait $pid || rc=$? && test $rc = 1 &&
	test_grep -x "fdrecv: @$abs: refused by the sender" err.recv &&
	! test -s out &&
	bg_nobody fdrecv @$abs -- echo ran >out &&
	wait_for grep -q "@$abs\$" /proc/net/unix &&
	fdsend -u nobody @$abs 1 &&
	wait $pid &&
	echo ran >expect && test_cmp expect out
'

test_expect_success SETPRIV 'fdrecv -c -u refuses a holder of another uid' '
	bg_nobody fdsend -l @$abs 1 &&
	wait_for grep -q "@$abs\$" /proc/net/unix &&
	test_expect_code 1 fdrecv -c -u root @$abs -- echo ran >out 2>err &&
	test_grep "^fdrecv: holder pid=[0-9]* uid=65534 gid=65534 refused: uid not allowed$" err &&
	! test -s out
'

test_done
