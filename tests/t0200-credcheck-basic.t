#!/bin/sh

test_description='credcheck: rules, print mode, environment, bad fds, usage'

. "$(dirname "$0")/test-lib.sh"

# peer.py [-s FD] [-P] [--exited] [--pair] -- CMD...: runs CMD with a
# connection accepted from a listening Unix socket on fd 0 (or FD), whose
# client is this python process, so that the peer is this process.
# --pair: one end of a socketpair instead, which credcheck refuses.
# -P appends the python pid to CMD's arguments.  --exited: the peer is a
# child that connected to a listening socket and has been reaped, and
# CMD's -P argument is that child's pid.
cat >peer.py <<'EOF'
import os, socket, subprocess, sys
args = sys.argv[1:]
fd, addpid, exited, pair = 0, False, False, False
while args[0] != '--':
    if args[0] == '-s':
        fd = int(args[1]); args = args[2:]
    elif args[0] == '-P':
        addpid = True; args = args[1:]
    elif args[0] == '--exited':
        exited = True; args = args[1:]
    elif args[0] == '--pair':
        pair = True; args = args[1:]
args = args[1:]
if exited:
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind('')                     # autobind: an abstract name
    ls.listen(1)
    pid = os.fork()
    if pid == 0:
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(ls.getsockname())
        os._exit(0)
    mine, _ = ls.accept()
    os.waitpid(pid, 0)
    peerpid = pid
elif pair:
    mine, theirs = socket.socketpair()
    peerpid = os.getpid()
else:
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind('')
    ls.listen(1)
    theirs = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    theirs.connect(ls.getsockname())
    mine, _ = ls.accept()
    peerpid = os.getpid()
if addpid:
    args = args + [str(peerpid)]
os.dup2(mine.fileno(), fd, inheritable=True)
r = subprocess.run(args, stdin=None if fd != 0 else fd,
                   pass_fds=() if fd == 0 else (fd,))
sys.exit(r.returncode)
EOF

peer() { /usr/bin/python3 "$TRASH/peer.py" "$@"; }

me="uid=$(id -u) gid=$(id -g)"

test_expect_success PYTHON 'print mode: the kernel says who the peer is' '
	peer -- sh -c "credcheck; echo rc=\$?; echo ppid=\$PPID" >out &&
	sed -n 3p out | sed "s/ppid=//" >want.pid &&
	echo "pid=$(cat want.pid) $me" >expect &&
	sed -n 1p out >actual &&
	test_cmp expect actual &&
	test_grep "^rc=0$" out
'

test_expect_success PYTHON 'print mode: -u matching, refused by -u and -g' '
	peer -- credcheck -u "$(id -un)" >out &&
	test_grep "^pid=[0-9]* $me$" out &&
	test_expect_code 1 peer -- credcheck -u 65534 >out 2>err &&
	test_grep "^pid=[0-9]* $me$" out &&
	test_grep "^credcheck: refused: peer pid=[0-9]* $me: uid not in 65534$" err &&
	test_line_count = 1 err &&
	test_expect_code 1 peer -- credcheck -g 65534 -g 4242 2>err &&
	test_grep "^credcheck: refused: peer pid=[0-9]* $me: gid not in 65534,4242" err
'

test_expect_success PYTHON 'every class given must match' '
	peer -- credcheck -u 0 -u 65534 -g 0 >out &&
	test_expect_code 1 peer -- credcheck -u 0 -g 65534 2>err &&
	test_grep ": gid not in 65534" err &&
	test_expect_code 1 peer -- credcheck -u 65534 -g 0 2>err &&
	test_grep ": uid not in 65534$" err
'

test_expect_success PYTHON 'names and numbers alike' '
	peer -- credcheck -u root -g root &&
	peer -- credcheck -u 0 -g 0 &&
	test_expect_code 1 peer -- credcheck -u nobody 2>err &&
	test_grep "uid not in 65534$" err
'

test_expect_success PYTHON 'exec mode: IPCREMOTE* from the kernel, lies overwritten' '
	IPCREMOTEEUID=4242 IPCREMOTEEGID=4242 IPCREMOTEPID=1 \
	peer -- credcheck -u 0 -- sh -c "echo \$IPCREMOTEEUID \$IPCREMOTEEGID \$IPCREMOTEPID \$PPID" >out &&
	read euid egid pid ppid <out &&
	test "$euid" = "$(id -u)" &&
	test "$egid" = "$(id -g)" &&
	test "$pid" = "$ppid"
'

test_expect_success PYTHON 'exec mode: refused runs nothing' '
	test_expect_code 1 peer -- credcheck -u 65534 -- touch ran 2>err &&
	test ! -e ran &&
	test_grep "^credcheck: refused: peer pid=[0-9]* $me: uid not in 65534$" err
'

test_expect_success PYTHON 'exec mode: arguments and fds pass through, without --' '
	peer -- credcheck -g 0 sh -c "test -S /dev/stdin && echo \"\$@\"" sh a -b "c d" >out &&
	echo "a -b c d" >expect &&
	test_cmp expect out
'

test_expect_success PYTHON 'without --, a -- among the arguments is the program'"'"'s' '
	peer -- credcheck -g 0 sh -c "echo \"\$@\"" sh a -- b >out &&
	echo "a -- b" >expect && test_cmp expect out &&
	peer -- credcheck echo a -- >out &&
	echo "a --" >expect && test_cmp expect out &&
	peer -- credcheck -g 0 -- echo a -- b >out &&
	echo "a -- b" >expect && test_cmp expect out
'

test_expect_success PYTHON 'exec failures: 127 not found, 126 not executable' '
	test_expect_code 127 peer -- credcheck -- ./no-such-prog 2>err &&
	test_grep "^credcheck: exec ./no-such-prog: No such file or directory$" err &&
	echo "echo hi" >noexec &&
	chmod 0644 noexec &&
	test_expect_code 126 peer -- credcheck -- ./noexec 2>err &&
	test_grep "^credcheck: exec ./noexec: Permission denied$" err
'

test_expect_success PYTHON '-s reads another fd' '
	peer -s 5 -- credcheck -s 5 -u 0 >out </dev/null &&
	test_grep "^pid=[0-9]* $me$" out &&
	test_expect_code 111 peer -s 5 -- credcheck -u 0 </dev/null 2>err &&
	test_grep "^credcheck: fd 0: not a socket$" err
'

test_expect_success PYTHON '-P: the peer pid is allowed, another is refused' '
	peer -P -- credcheck -P 1 -P >out &&
	test_grep "^pid=[0-9]* $me$" out &&
	test_expect_code 1 peer -- credcheck -P 1 2>err &&
	test_grep "^credcheck: refused: peer pid=[0-9]* $me: pid not in 1$" err
'

test_expect_success PYTHON '-P: a peer that has exited is refused (pid reuse)' '
	# Without -P the same peer is still allowed: only a pid check needs
	# the process to be the one that connected.
	peer --exited -- credcheck >out &&
	test_grep "^pid=[0-9]* $me$" out &&
	test_expect_code 1 peer --exited -P -- credcheck -P 2>err >out &&
	pid=$(sed "s/pid=\([0-9]*\) .*/\1/" out) &&
	test_grep "^credcheck: refused: peer pid=$pid $me: pid $pid has exited, it may have been reused$" err
'

test_expect_success 'fd 0 a regular file: 111' '
	echo data >file &&
	test_expect_code 111 credcheck -u 0 -- true <file 2>err &&
	test_grep "^credcheck: fd 0: not a socket$" err
'

test_expect_success 'fd 0 a pipe: 111' '
	echo data | test_expect_code 111 credcheck 2>err &&
	test_grep "^credcheck: fd 0: not a socket$" err
'

test_expect_success 'fd 0 closed: 111' '
	test_expect_code 111 credcheck <&- 2>err &&
	test_grep -x "credcheck: fd 0 is not open" err &&
	test_expect_code 111 credcheck -s 42 2>err &&
	test_grep -x "credcheck: -s 42: fd 42 is not open" err
'

test_expect_success PYTHON 'fd 0 a connected TCP socket: 111' '
	test_expect_code 111 /usr/bin/python3 -c "
import socket, subprocess, sys
ls = socket.create_server((\"127.0.0.1\", 0))
c = socket.create_connection(ls.getsockname())
s, _ = ls.accept()
sys.exit(subprocess.run([\"credcheck\", \"--\", \"true\"], stdin=s).returncode)
" 2>err &&
	test_grep "^credcheck: fd 0: not a Unix socket$" err
'

test_expect_success PYTHON 'fd 0 an unconnected or listening Unix socket: 111' '
	/usr/bin/python3 -c "
import socket, subprocess, sys
u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
r1 = subprocess.run([\"credcheck\"], stdin=u).returncode
u.bind(\"\")
u.listen(1)
r2 = subprocess.run([\"credcheck\"], stdin=u).returncode
print(r1, r2)
" >out 2>err &&
	echo "111 111" >expect &&
	test_cmp expect out &&
	test_grep "^credcheck: fd 0: Unix socket not connected$" err &&
	test_line_count = 2 err
'

# socat hands its child the TCP connection itself on fds 0 and 1 (nofork),
# in a namespace of our own so that the port is ours.
if test_have_prereq SOCAT,NETNS; then
	test_netns n
	cat >tcp.sh <<EOF
#!/bin/sh
credcheck -u 0 -- true 2>"$TRASH/tcp.err"
echo \$? >"$TRASH/tcp.rc"
EOF
	chmod +x tcp.sh
	test_bg socat nsrun "$n" socat TCP-LISTEN:7777,bind=127.0.0.1 \
		EXEC:"$TRASH/tcp.sh",nofork
fi

test_expect_success SOCAT,NETNS 'fd 0 a TCP socket from socat: 111' '
	wait_for nsrun "$n" socat -u /dev/null TCP:127.0.0.1:7777 &&
	wait_for test -s tcp.rc &&
	echo 111 >expect &&
	test_cmp expect tcp.rc &&
	test_grep "^credcheck: fd 0: not a Unix socket$" tcp.err
'

# The peer of a socketpair is whoever made it: under socat's EXEC without
# nofork, socat itself, not the client.  credcheck refuses such an fd.
test_expect_success PYTHON 'one end of a socketpair: refused, 1, one line' '
	test_expect_code 1 peer --pair -- credcheck -- touch ran 2>err &&
	echo "credcheck: refused: fd 0 is a socketpair, not a connection: its peer is the program that made the pair (socat: add nofork to EXEC)" >expect &&
	test_cmp expect err &&
	! test -e ran &&
	test_expect_code 1 peer --pair -s 5 -- credcheck -s 5 >out 2>err &&
	test_grep -x "credcheck: refused: fd 5 is a socketpair, .*" err &&
	! test -s out
'

# socat's EXEC hands its program a socketpair, unless nofork; the client
# is socat -u /dev/null, whose pid IPCREMOTEPID must give.
if test_have_prereq SOCAT; then
	for m in fork nofork; do
		cat >$m.sh <<SH
#!/bin/sh
credcheck -- sh -c 'echo \$IPCREMOTEPID' >"$TRASH/$m.out" 2>"$TRASH/$m.err"
echo \$? >"$TRASH/$m.rc"
SH
		chmod +x $m.sh
	done
	test_bg socat1 socat UNIX-LISTEN:"$TRASH/fork.sock" EXEC:"$TRASH/fork.sh"
	test_bg socat2 socat UNIX-LISTEN:"$TRASH/nofork.sock" \
		EXEC:"$TRASH/nofork.sh",nofork
fi

test_expect_success SOCAT 'under socat: a socketpair (no nofork) refused, the client itself (nofork) allowed' '
	wait_for test -S fork.sock &&
	socat -u /dev/null UNIX-CONNECT:fork.sock &&
	wait_for test -s fork.rc &&
	echo 1 >expect && test_cmp expect fork.rc &&
	test_grep "^credcheck: refused: fd 0 is a socketpair" fork.err &&
	! test -s fork.out &&
	wait_for test -S nofork.sock &&
	test_bg client socat -u /dev/null UNIX-CONNECT:nofork.sock &&
	wait_for test -s nofork.rc &&
	wait $client &&
	echo 0 >expect && test_cmp expect nofork.rc &&
	echo $client >expect && test_cmp expect nofork.out
'

test_expect_success 'usage errors: 100 with a message' '
	test_expect_code 100 credcheck -x 2>err &&
	test_grep "^usage: credcheck \[-u user\]\.\.\. \[-g group\]\.\.\. \[-P pid\]\.\.\. \[-s fd\] \[\[--\] prog \[arg \.\.\.\]\]$" err &&
	test_expect_code 100 credcheck -u 2>err &&
	test_grep "^usage: credcheck" err &&
	test_expect_code 100 credcheck -u no-such-user-fdcap -- true 2>err &&
	test_grep -x "credcheck: -u no-such-user-fdcap: no such user" err &&
	test_expect_code 100 credcheck -g no-such-group-fdcap 2>err &&
	test_grep -x "credcheck: -g no-such-group-fdcap: no such group" err &&
	test_expect_code 100 credcheck -u 12x 2>err &&
	test_grep -x "credcheck: -u 12x: no such user" err &&
	test_expect_code 100 credcheck -u 4294967295 2>err &&
	test_grep -x "credcheck: -u 4294967295: bad uid (at most 4294967294)" err &&
	test_expect_code 100 credcheck -P 0 2>err &&
	test_grep -x "credcheck: -P 0: too small (at least 1)" err &&
	test_expect_code 100 credcheck -P abc 2>err &&
	test_grep -x "credcheck: -P abc: not a number" err &&
	test_expect_code 100 credcheck -s -1 2>err &&
	test_grep -x "credcheck: -s -1: not an fd (0 to 1023)" err &&
	test_expect_code 100 credcheck -s 3x 2>err &&
	test_grep -x "credcheck: -s 3x: not an fd (0 to 1023)" err &&
	test_expect_code 100 credcheck -u 0 -- 2>err &&
	test_grep -x "credcheck: missing program after --" err
'

test_expect_success 'usage errors come before the socket is looked at' '
	test_expect_code 100 credcheck -u no-such-user-fdcap </dev/null 2>err &&
	test_line_count = 1 err
'

test_done
