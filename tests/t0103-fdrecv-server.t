#!/bin/sh
test_description='fdrecv -l: an fd server, one handler per message, at most N at once'
. "$(dirname "$0")/test-lib.sh"

# fdsend runs as uid 65534 too: from copies it can reach.
test_have_prereq SETPRIV && test_tools

abs=fdcap-t0103-$test_tag

# lsfd [PID]: what a handler sees: its open fds (less those above 2 that
# this script itself inherited, in ./base), LISTEN_FDS, whether LISTEN_PID
# is PID (the handler that runs lsfd; by default lsfd itself),
# LISTEN_FDNAMES, then what each handed fd is (the last part of its /proc
# link).
cat >lsfd <<'EOF'
#!/usr/bin/python3
import os, sys
def isopen(fd):
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False
base = set(int(f) for f in open("base").read().split()) - {0, 1, 2}
fds = sorted(int(f) for f in os.listdir("/proc/self/fd"))
print(" ".join(str(f) for f in fds if isopen(f) and f not in base))
print(os.environ.get("LISTEN_FDS"),
      os.environ.get("LISTEN_PID") == (sys.argv[1:] or [str(os.getpid())])[0],
      os.environ.get("LISTEN_FDNAMES"))
for fd in range(3, 3 + int(os.environ.get("LISTEN_FDS", "0"))):
    print(fd, os.path.basename(os.readlink("/proc/self/fd/%d" % fd)))
EOF
chmod +x lsfd
test_have_prereq PYTHON && ./lsfd >base && sed -i 1q base

# hold: a handler that takes its client's name from fd 3, records what it
# was given (fds.NAME) and whether another handler ran when it started
# (seen.NAME), runs (running.NAME) until fd 4, a FIFO, has no writer left,
# then says it is done (done.NAME).
cat >hold <<'EOF'
#!/bin/sh
id=$(cat <&3)
if test -e lsfd && test -e base; then ./lsfd $$ >"fds.$id"; fi
ls running.* >"seen.$id" 2>/dev/null || :
: >"running.$id"
cat <&4 >/dev/null
rm "running.$id"
: >"done.$id"
EOF
chmod +x hold
for c in a b c; do echo $c >$c; mkfifo rel.$c; done

# bg CMD...: CMD in the background, $pid; killed when the test ends.
bg() {
	test_bg pid "$@"
}

# holder NAME: a process that keeps rel.NAME open for writing, its pid in
# $w_NAME; the handlers that read rel.NAME run until release NAME.  The
# test's own shell never holds a writer: when a test fails, its server,
# told to stop, must not wait for a handler that waits for the very shell
# that waits for the server.
holder() {
	test_bg w_$1 sleep infinity 8<>rel.$1
}
release() {
	eval "kill \$w_$1 && wait \$w_$1" || :
}

# queued NAME N: N connections wait in the queue of the socket listening
# on the abstract NAME (a path is bound under a temporary name, which ss
# shows).
queued() {
	test "$(ss -xlH | awk -v n="$1" '$5 == n { print $3 }')" = "$2"
}

test_expect_success 'usage: both forms of the synopsis; -j, -C, -t only with -l, each said, in range' '
	test_expect_code 100 fdrecv 2>err &&
	cat >expect <<-\EOF &&
	usage: fdrecv [-c] [-u user] [-g group] socket -- prog [arg ...]
	       fdrecv -l [-C max] [-j N] [-t timeout] [-u user] [-g group] socket
	              -- prog [arg ...]
	EOF
	test_cmp expect err &&
	test_expect_code 100 fdrecv -j 2 ./s -- true 2>err &&
	echo "fdrecv: -j goes with -l" >expect && test_cmp expect err &&
	test_expect_code 100 fdrecv -C 2 ./s -- true 2>err &&
	echo "fdrecv: -C goes with -l" >expect && test_cmp expect err &&
	test_expect_code 100 fdrecv -c -t 5 ./s -- true 2>err &&
	echo "fdrecv: -t goes with -l" >expect && test_cmp expect err &&
	test_expect_code 100 fdrecv -t 5 -j 2 -C 3 ./s -- true 2>err &&
	echo "fdrecv: -C goes with -l" >expect && test_cmp expect err &&
	test_expect_code 100 fdrecv -l -c ./s -- true 2>err &&
	echo "fdrecv: -l and -c exclude each other" >expect &&
	test_cmp expect err &&
	test_expect_code 100 fdrecv -l -j 0 ./s -- true 2>err &&
	echo "fdrecv: -j 0: too small (at least 1)" >expect &&
	test_cmp expect err &&
	test_expect_code 100 fdrecv -l -j x ./s -- true 2>err &&
	echo "fdrecv: -j x: not a number" >expect &&
	test_cmp expect err &&
	while read -r opt val msg; do
		test_expect_code 100 fdrecv -l $opt $val ./s -- true 2>err &&
		echo "fdrecv: $opt $val: $msg" >expect &&
		test_cmp expect err || exit 1
	done <<-\EOF &&
	-C 0 too small (at least 1)
	-C 1001 too large (at most 1000)
	-C x not a number
	-t 0 too short (at least 1ms)
	-t 3601 too long (at most 3600s)
	-t 1h not a duration (seconds, or milliseconds as 250ms)
	EOF
	! test -e s
'

test_expect_success PYTHON 'three clients at once, each handler with its own fds only' '
	holder a &&
	bg fdrecv -l ./s -- ./hold 2>err &&
	wait_for test -S s &&
	for c in a b c; do
		fdsend ./s 3=id 4=hold 3<$c 4<rel.a || exit 1
	done &&
	# All three run at once: each waits for the release.
	wait_for test -e running.a -a -e running.b -a -e running.c &&
	release a &&
	wait_for test -e done.a -a -e done.b -a -e done.c &&
	for c in a b c; do
		printf "%s\n" "0 1 2 3 4" "2 True id:hold" "3 $c" "4 rel.a" \
			>expect &&
		test_cmp expect fds.$c || exit 1
	done &&
	! test -s err &&
	kill -0 $pid
'

test_expect_success 'handlers stack after the fds handed to the server' '
	rm -f done.* &&
	bg env LISTEN_FDS=1 LISTEN_FDNAMES=first fdrecv -l ./s -- \
		sh -c "./lsfd \$\$ >fds.\$(cat <&4); : >done" 3<base &&
	wait_for test -S s &&
	fdsend ./s 0=id <a &&
	wait_for test -e done &&
	printf "%s\n" "0 1 2 3 4" "2 True first:id" "3 base" "4 a" >expect &&
	test_cmp expect fds.a
'

test_expect_success PYTHON '-j 1: the second handler starts once the first has ended' '
	rm -f done.* seen.* running.* &&
	holder a &&
	holder b &&
	bg fdrecv -l -j 1 @$abs -- ./hold 2>err &&
	wait_for queued @$abs 0 &&
	fdsend @$abs 3=id 4=hold 3<a 4<rel.a &&
	wait_for test -e running.a &&
	fdsend @$abs 3=id 4=hold 3<b 4<rel.b &&
	# b is sent, and waits in the queue while a runs.
	wait_for queued @$abs 1 &&
	! test -e seen.b &&
	release a &&
	wait_for test -e running.b &&
	test_cmp /dev/null seen.a &&
	test_cmp /dev/null seen.b &&
	test -e done.a &&
	release b &&
	wait_for test -e done.b &&
	! test -s err
'

# idle SOCK NAME: a client that connects to SOCK, writes its pid into NAME
# (whole, once connected), sends nothing, and, when the server closes the
# connection, makes NAME.closed and exits.
cat >idle <<'EOF'
#!/usr/bin/python3
import os, socket, sys
a, name = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect("\0" + a[1:] if a.startswith("@") else a)
with open(name + ".tmp", "w") as f:
    f.write("%d\n" % os.getpid())
os.rename(name + ".tmp", name)
if s.recv(1) == b"":
    open(name + ".closed", "w").close()
EOF
chmod +x idle

# timed_out NAME T: err holds the line that says idle client NAME sent
# nothing within T.
timed_out() {
	test_grep -x "fdrecv: @$abs: peer pid=$(cat $1) uid=$(id -u) gid=$(id -g): no message within $2: closed" err
}

test_expect_success PYTHON 'two idle clients with -j 2 hold their places for -t only: the third is served then' '
	rm -f out idle.* &&
	bg fdrecv -l -j 2 -t 1 @$abs -- \
		sh -c "grep -c \"no message within\" err >&3" 2>err &&
	wait_for queued @$abs 0 &&
	test_bg i1 ./idle @$abs idle.1 &&
	test_bg i2 ./idle @$abs idle.2 &&
	wait_for test -s idle.1 -a -s idle.2 &&
	# Queued behind them, it returns at once; its handler can only run
	# once a place is free, and says how many had timed out by then.
	fdsend @$abs 3 3>out &&
	wait_for test -s out &&
	test "$(cat out)" -ge 1 &&
	wait_for test -e idle.1.closed -a -e idle.2.closed &&
	timed_out idle.1 1s &&
	timed_out idle.2 1s &&
	test_line_count = 2 err &&
	kill -0 $pid
'

test_expect_success PYTHON 'without -t, an idle client is closed after 10s' '
	rm -f idle.* &&
	bg fdrecv -l @$abs -- true 2>err &&
	wait_for queued @$abs 0 &&
	test_bg i1 ./idle @$abs idle.1 &&
	wait_for test -s idle.1 &&
	wait_for -t 30 test -e idle.1.closed &&
	timed_out idle.1 10s &&
	test_line_count = 1 err
'

test_expect_success SETPRIV '-C 1: a second connection of a uid is refused while another uid is served' '
	rm -f done.* running.* seen.* &&
	holder a &&
	bg fdrecv -l -C 1 @$abs -- ./hold 2>err &&
	wait_for queued @$abs 0 &&
	fdsend @$abs 3=id 4=hold 3<a 4<rel.a &&
	wait_for test -e running.a &&
	# Refused at once: fdsend may see the close first (Broken pipe, 111).
	{ fdsend @$abs 3=id 4=hold 3<b 4<rel.a 2>/dev/null || test $? = 111; } &&
	wait_for grep -q refused err &&
	as_nobody fdsend @$abs 3=id 4=hold 3<c 4<rel.a &&
	wait_for test -e running.c &&
	release a &&
	wait_for test -e done.a -a -e done.c &&
	! test -e seen.b &&
	test_grep -x "fdrecv: peer pid=[0-9]* uid=$(id -u) gid=$(id -g) refused: uid $(id -u) has 1 connection in hand (-C 1)" err &&
	test_line_count = 1 err &&
	kill -0 $pid
'

test_expect_success SETPRIV 'a refused peer is one line; the next is served' '
	rm -f out &&
	bg fdrecv -l -u root @$abs -- sh -c "echo ran >&3" 2>err &&
	wait_for grep -q "@$abs\$" /proc/net/unix &&
	# fdsend may or may not see the server close first (Broken pipe, 111)
	{ as_nobody fdsend @$abs 1 >>out 2>/dev/null || test $? = 111; } &&
	fdsend @$abs 1 >>out &&
	wait_for test -s out &&
	echo ran >expect &&
	test_cmp expect out &&
	test_grep "^fdrecv: peer pid=[0-9]* uid=65534 gid=65534 refused: uid not allowed$" err &&
	test_line_count = 1 err &&
	kill -0 $pid
'

test_expect_success PYTHON 'silent, garbage and hostile clients are one line each; the server goes on' '
	rm -f out &&
	bg fdrecv -l -j 2 ./s -- sh -c "echo ran >&3" 2>err &&
	wait_for test -S s &&
	/usr/bin/python3 -c "
import os, socket
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(\"s\")
    return s
conn().close()                           # connects, sends nothing
conn().send(b\"garbage\")                  # no fds
r, w = os.pipe()
socket.send_fds(conn(), [b\"a:b\"], [w])   # one fd, two names
s = conn()                               # a name with a NUL in it
socket.send_fds(s, [b\"x\\0y\"], [w])
socket.send_fds(conn(), [b\"x\" * 70000], [w])  # too long for names
" &&
	wait_for grep -q "too long" err &&
	fdsend ./s 1 >>out &&
	wait_for test -s out &&
	echo ran >expect &&
	test_cmp expect out &&
	sed "s/pid=[0-9]*/pid=N/; s/ uid=$(id -u) gid=$(id -g):/ uid=U gid=G:/" err | sort >got &&
	sort >expect <<-\EOF &&
	fdrecv: ./s: peer pid=N uid=U gid=G: the peer closed the connection without sending fds
	fdrecv: ./s: peer pid=N uid=U gid=G: the message carried no fds
	fdrecv: ./s: peer pid=N uid=U gid=G: bad fd names (not one valid name per fd): fds closed
	fdrecv: ./s: peer pid=N uid=U gid=G: bad fd names (not one valid name per fd): fds closed
	fdrecv: ./s: peer pid=N uid=U gid=G: message too long: fds closed
	EOF
	test_cmp expect got &&
	kill -0 $pid
'

test_expect_success 'handlers that fail are named, one line each' '
	bg fdrecv -l ./s -- sh -c "exit \$(cat <&3)" 2>err &&
	wait_for test -S s &&
	echo 3 | fdsend ./s 0 &&
	wait_for grep -q "exited 3" err &&
	echo 0 | fdsend ./s 0 &&
	echo 4 | fdsend ./s 0 &&
	wait_for grep -q "exited 4" err &&
	test_line_count = 2 err &&
	bg fdrecv -l ./s2 -- sh -c "kill -9 \$\$" 2>err2 &&
	wait_for test -S s2 &&
	fdsend ./s2 0 </dev/null &&
	wait_for test -s err2 &&
	bg fdrecv -l ./s3 -- ./no-such-prog 2>err3 &&
	wait_for test -S s3 &&
	fdsend ./s3 0 </dev/null &&
	wait_for grep -q "exited 127" err3 &&
	test_grep -x "fdrecv: handler [0-9]* exited 3" err &&
	test_grep -x "fdrecv: handler [0-9]* exited 4" err &&
	test_grep -x "fdrecv: handler [0-9]* killed by signal 9" err2 &&
	test_grep -x "fdrecv: ./no-such-prog: No such file or directory" err3 &&
	test_grep -x "fdrecv: handler [0-9]* exited 127" err3
'

test_expect_success 'SIGTERM: no more connections, the running handler is waited for, exit 0' '
	rm -f done.* running.* &&
	holder a &&
	bg fdrecv -l ./s -- ./hold 2>err &&
	wait_for test -S s &&
	fdsend ./s 3=id 4=hold 3<a 4<rel.a &&
	wait_for test -e running.a &&
	kill -TERM $pid &&
	wait_for test ! -e s &&
	test_expect_code 111 fdsend ./s 1 2>err.send &&
	test_grep "^fdsend: connect ./s: No such file or directory$" err.send &&
	kill -0 $pid &&
	! test -e done.a &&
	release a &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 0 &&
	test -e done.a &&
	! test -s err
'

test_expect_success 'SIGTERM on an abstract name: nobody can connect any more' '
	rm -f done.* running.* &&
	holder b &&
	bg fdrecv -l @$abs -- ./hold 2>err &&
	wait_for queued @$abs 0 &&
	fdsend @$abs 3=id 4=hold 3<b 4<rel.b &&
	wait_for test -e running.b &&
	kill -TERM $pid &&
	wait_for eval "! queued @$abs 0" &&
	test_expect_code 111 fdsend @$abs 1 2>err.send &&
	test_grep "^fdsend: connect @$abs: Connection refused$" err.send &&
	kill -0 $pid &&
	release b &&
	rc=0 && wait $pid || rc=$? &&
	test $rc = 0
'

# clients N: N clients one after the other, each sending a pipe's write end
# and waiting for its end of file: the handler (true) has ended and the
# server has closed its copy.
cat >clients <<'EOF'
#!/usr/bin/python3
import os, select, socket, sys
for i in range(int(sys.argv[1])):
    r, w = os.pipe()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect("s")
    socket.send_fds(s, [b"w"], [w])
    s.close()
    os.close(w)
    if not select.select([r], [], [], 30)[0]:
        sys.exit("client %d: the pipe is still open somewhere" % i)
    os.read(r, 1)
    os.close(r)
EOF
chmod +x clients

test_expect_success PYTHON 'no fd leaks: as many fds after 1000 clients as after 10' '
	bg fdrecv -l ./s -- true 2>err &&
	wait_for test -S s &&
	./clients 10 &&
	ls /proc/$pid/fd >fds.10 &&
	./clients 1000 &&
	ls /proc/$pid/fd >fds.1000 &&
	test_cmp fds.10 fds.1000 &&
	! test -s err
'

test_expect_success 'IPCREMOTE* are the sender'"'"'s, whatever the environment said' '
	rm -f out &&
	bg env IPCREMOTEEUID=4242 IPCREMOTEEGID=4242 IPCREMOTEPID=1 \
		fdrecv -l ./s -- sh -c \
		"echo \$IPCREMOTEEUID \$IPCREMOTEEGID \$IPCREMOTEPID >&3" &&
	wait_for test -S s &&
	sh -c "echo \$\$ >pid; exec fdsend ./s 3" 3>out &&
	wait_for test -s out &&
	echo "0 0 $(cat pid)" >expect &&
	test_cmp expect out
'

test_expect_success SETPRIV 'IPCREMOTE* of a sender running as nobody' '
	rm -f out &&
	bg env IPCREMOTEEUID=0 IPCREMOTEEGID=0 fdrecv -l @$abs -- sh -c \
		"echo \$IPCREMOTEEUID \$IPCREMOTEEGID \$IPCREMOTEPID >&3" &&
	wait_for grep -q "@$abs\$" /proc/net/unix &&
	as_nobody sh -c "echo \$\$; exec fdsend @$abs 3" 3>out >pid &&
	wait_for test -s out &&
	echo "65534 65534 $(cat pid)" >expect &&
	test_cmp expect out
'

# The meta-server: socat accepts TCP connections and fdsend passes each to
# the running fd server, whose handler talks to the client.  In a network
# namespace of our own when we may make one, so that the port is ours;
# else on the host's loopback, on a port that was free a moment ago.
cat >app <<'EOF'
#!/bin/sh
read -r line <&3
echo "hello $line, from handler $$" >&3
EOF
chmod +x app
cat >tcpclient <<'EOF'
#!/usr/bin/python3
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
s.sendall(sys.argv[2].encode() + b"\n")
data = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    data += b
print(data.decode(), end="")
EOF
chmod +x tcpclient
if test_have_prereq SOCAT,PYTHON; then
	if test_have_prereq NETNS; then
		test_netns n
		run="nsrun $n"
		port=8080
	else
		run=
		port=$(/usr/bin/python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	fi
fi

test_expect_success SOCAT,PYTHON 'the meta-server: socat in front, fdrecv -l behind' '
	bg fdrecv -l ./app.sock -- ./app 2>err &&
	wait_for test -S app.sock &&
	test_bg sp $run socat TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr \
		EXEC:"fdsend $PWD/app.sock 0",nofork &&
	wait_for $run socat -u /dev/null TCP:127.0.0.1:$port &&
	$run ./tcpclient $port world >got.1 &&
	$run ./tcpclient $port again >got.2 &&
	test_grep -x "hello world, from handler [0-9]*" got.1 &&
	test_grep -x "hello again, from handler [0-9]*" got.2 &&
	! test -s err
'

test_done
