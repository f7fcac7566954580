#!/bin/sh
test_description='fdsend and fdrecv hand fds to each other, both ways'
. "$(dirname "$0")/test-lib.sh"

# lsfd: what the exec'd program sees: its open fds (less the one that lists
# them, and less those above 2 that this script itself inherited from
# whatever runs it, kept in ./base), then LISTEN_FDS, whether LISTEN_PID is
# its own pid, and LISTEN_FDNAMES, then what each handed fd is (the last
# part of its /proc link).
cat >lsfd <<'EOF'
#!/usr/bin/python3
import os
def isopen(fd):
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False
base = set()
if os.path.exists("base"):
    base = set(int(f) for f in open("base").read().split()) - {0, 1, 2}
fds = sorted(int(f) for f in os.listdir("/proc/self/fd"))
print(" ".join(str(f) for f in fds if isopen(f) and f not in base))
print(os.environ.get("LISTEN_FDS"),
      os.environ.get("LISTEN_PID") == str(os.getpid()),
      os.environ.get("LISTEN_FDNAMES"))
for fd in range(3, 3 + int(os.environ.get("LISTEN_FDS", "0"))):
    print(fd, os.path.basename(os.readlink("/proc/self/fd/%d" % fd)))
EOF
chmod +x lsfd
./lsfd >base && sed -i 1q base
abs=fdcap-t0100-$test_tag

# bg CMD...: CMD in the background, its pid in $pid, killed when the test
# ends (each test body runs in a subshell of its own).
# bg CMD...: CMD in the background, $pid; killed when the test ends.
bg() {
	test_bg pid "$@"
}

test_expect_success 'a pipe end passes and is written through' '
	bg fdrecv ./s -- sh -c "echo through the pipe >&3" &&
	wait_for test -S s &&
	{ fdsend ./s 3 3>&1 >/dev/null; } | cat >got &&
	wait $pid &&
	echo through the pipe >expect &&
	test_cmp expect got
'

test_expect_success 'a read end passes and is read from' '
	bg fdrecv ./s -- sh -c "cat <&3 >got" &&
	wait_for test -S s &&
	echo some data | fdsend ./s 0 &&
	wait $pid &&
	echo some data >expect &&
	test_cmp expect got
'

test_expect_success PYTHON 'the program sees exactly 0, 1, 2 and the fds, with LISTEN_*' '
	bg fdrecv ./s -- ./lsfd >out &&
	wait_for test -S s &&
	fdsend ./s 0=in 1 2=err 0<lsfd 1>>expect 2>>base &&
	wait $pid &&
	printf "%s\n" "0 1 2 3 4 5" "3 True in:fd1:err" \
		"3 lsfd" "4 expect" "5 base" >expect.2 &&
	test_cmp expect.2 out
'

test_expect_success 'fdrecv removes the socket file it made' '
	bg fdrecv ./s -- true &&
	wait_for test -S s &&
	fdsend ./s 1 &&
	wait $pid &&
	! test -e s
'

test_expect_success PYTHON 'names: NAME, else the handed-over name, else fdN' '
	bg fdrecv ./s -- ./lsfd >out &&
	wait_for test -S s &&
	LISTEN_FDS=2 LISTEN_FDNAMES=eth0:ctl fdsend ./s 4 3 5=x 1 \
		3</dev/null 4<lsfd 5<lsfd >/dev/null &&
	wait $pid &&
	printf "%s\n" "0 1 2 3 4 5 6" "4 True ctl:eth0:x:fd1" \
		"3 lsfd" "4 null" "5 lsfd" "6 null" >expect &&
	test_cmp expect out
'

test_expect_success PYTHON 'stacking: received fds go after those handed over' '
	bg env LISTEN_FDS=1 LISTEN_FDNAMES=first fdrecv ./s -- ./lsfd \
		3<base >out &&
	wait_for test -S s &&
	fdsend ./s 0=a 1=b <lsfd >/dev/null &&
	wait $pid &&
	printf "%s\n" "0 1 2 3 4 5" "3 True first:a:b" "3 base" "4 lsfd" \
		"5 null" >expect &&
	test_cmp expect out
'

test_expect_success PYTHON 'stacking: handed fds without names are "unknown"' '
	bg env LISTEN_FDS=2 fdrecv ./s -- ./lsfd 3<base 4<base >out &&
	wait_for test -S s &&
	fdsend ./s 0=a <lsfd &&
	wait $pid &&
	printf "%s\n" "0 1 2 3 4 5" "3 True unknown:unknown:a" "3 base" \
		"4 base" "5 lsfd" >expect &&
	test_cmp expect out
'

test_expect_success PYTHON 'LISTEN_FDS of another pid is not stacked on' '
	bg env LISTEN_FDS=1 LISTEN_PID=1 LISTEN_FDNAMES=old fdrecv ./s -- \
		./lsfd >out &&
	wait_for test -S s &&
	fdsend ./s 0=a <lsfd &&
	wait $pid &&
	printf "%s\n" "0 1 2 3" "1 True a" "3 lsfd" >expect &&
	test_cmp expect out
'

test_expect_success 'an fd inherited at a target number is replaced, with a warning' '
	bg fdrecv ./s -- sh -c "readlink /proc/\$\$/fd/3" 3<lsfd >out 2>err &&
	wait_for test -S s &&
	fdsend ./s 0 </dev/null &&
	wait $pid &&
	echo "fdrecv: fd 3 was open and is replaced by a received fd" >expect &&
	test_cmp expect err &&
	echo /dev/null >expect &&
	test_cmp expect out
'

test_expect_success 'fdsend -l holds, fdrecv -c fetches; two clients get the same fd' '
	: >log &&
	bg fdsend -l ./h 3=log 3>>log &&
	wait_for test -S h &&
	fdrecv -c ./h -- sh -c "test \"\$LISTEN_FDNAMES\" = log && echo one >&3" &&
	fdrecv -c ./h -- sh -c "echo two >&3" &&
	printf "%s\n" one two >expect &&
	test_cmp expect log &&
	kill $pid &&
	{ rc=0; wait $pid || rc=$?; test $rc = 143; } &&
	! test -e h
'

test_expect_success 'fdrecv passes an ignored SIGHUP on to PROG, connecting or listening' '
	bg fdsend -l ./h 1 &&
	wait_for test -S h &&
	sh -c "trap \"\" HUP && exec fdrecv -c ./h -- cat /proc/self/status" >st &&
	sed -n "s/^SigIgn:.*\(.\)$/\1/p" st >last &&
	grep -q "[13579bdf]" last &&
	test_bg listener sh -c "trap \"\" HUP && exec fdrecv ./r -- cat /proc/self/status" >st2 &&
	wait_for test -S r &&
	fdsend ./r 1 &&
	wait $listener &&
	sed -n "s/^SigIgn:.*\(.\)$/\1/p" st2 >last &&
	grep -q "[13579bdf]" last
'

# A peer that connects (or is connected to) and never sends: fdrecv waits,
# and a signal ends it, by that signal, as it would end any program.
test_expect_success PYTHON 'SIGTERM ends fdrecv waiting on a silent peer, either way' '
	cat >silent.py <<-\EOF &&
	import os, socket, sys, time
	s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
	if sys.argv[1] == "listen":
	    s.bind("q"); s.listen(1)
	    c, _ = s.accept()
	else:
	    while True:
	        try:
	            s.connect("r2"); break
	        except OSError:
	            time.sleep(0.05)
	open("connected", "w").close()
	time.sleep(30)
	EOF
	bg /usr/bin/python3 silent.py listen &&
	wait_for test -S q &&
	test_bg fr fdrecv -c ./q -- true &&
	wait_for test -e connected &&
	kill $fr &&
	{ rc=0; wait $fr || rc=$?; test $rc = 143; } &&
	rm connected &&
	test_bg fr fdrecv ./r2 -- true &&
	bg /usr/bin/python3 silent.py connect &&
	wait_for test -e connected &&
	kill $fr &&
	{ rc=0; wait $fr || rc=$?; test $rc = 143; } &&
	! test -e r2
'

test_expect_success 'the holder keeps an ignored SIGHUP ignored and serves on' '
	bg nohup fdsend -l ./h 1 >/dev/null 2>&1 &&
	wait_for test -S h &&
	kill -HUP $pid &&
	fdrecv -c ./h -- true &&
	kill $pid &&
	{ rc=0; wait $pid || rc=$?; test $rc = 143; }
'

test_expect_success PYTHON '@abstract names, both ways' '
	bg fdrecv @$abs -- ./lsfd >out &&
	wait_for grep -q "@$abs\$" /proc/net/unix &&
	fdsend @$abs 0=a <lsfd &&
	wait $pid &&
	printf "%s\n" "0 1 2 3" "1 True a" "3 lsfd" >expect &&
	test_cmp expect out &&
	bg fdsend -l @$abs 3=b 3<lsfd &&
	wait_for grep -q "@$abs\$" /proc/net/unix &&
	fdrecv -c @$abs -- ./lsfd >out &&
	printf "%s\n" "0 1 2 3" "1 True b" "3 lsfd" >expect &&
	test_cmp expect out &&
	kill $pid && { rc=0; wait $pid || rc=$?; test $rc = 143; }
'

test_expect_success PYTHON 'fdrecv replaces a stale socket nobody listens on' '
	/usr/bin/python3 -c "import socket; socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET).bind(\"stale\")" &&
	test -S stale &&
	bg fdrecv ./stale -- true &&
	# refused until fdrecv has replaced it; then sent once
	wait_for fdsend ./stale 1 &&
	wait $pid
'

test_expect_success 'a missing socket directory is created 0700' '
	bg fdrecv ./dir/s -- true &&
	wait_for test -S dir/s &&
	test "$(stat -c %a dir)" = 700 &&
	fdsend ./dir/s 1 &&
	wait $pid
'

# Only fds up to 255 are counted: a SANITIZE=1 build's runtime keeps a
# pipe of its own above them.
test_expect_success '253 fds in one message' '
	# ls alone: a pipeline would add pipe ends of the shell to the list.
	bg fdrecv ./s -- sh -c "echo \$LISTEN_FDS; (ls /proc/\$\$/fd) >fdlist" >out &&
	wait_for test -S s &&
	fdsend ./s $(for i in $(seq 253); do echo 1=n$i; done) &&
	wait $pid &&
	awk "\$1 <= 255" fdlist | wc -l >>out &&
	printf "%s\n" 253 256 >expect &&
	test_cmp expect out
'

test_done
