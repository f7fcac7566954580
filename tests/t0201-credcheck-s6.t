#!/bin/sh

test_description='credcheck under s6-ipcserver, with clients of different uids'

. "$(dirname "$0")/test-lib.sh"

# Clients run as uid 65534 and must reach the sockets in here.
chmod 0711 "$TRASH"

# The handler every allowed client talks to: what credcheck exported.
cat >handler <<'EOF'
#!/bin/sh
echo "euid=$IPCREMOTEEUID egid=$IPCREMOTEEGID pid=$IPCREMOTEPID"
EOF
chmod 0755 handler

# serve NAME CMD...: an s6-ipcserver on $TRASH/NAME.sock running CMD for
# each client, its log (and credcheck's stderr) in NAME.err.
serve() {
	_name=$1; shift
	test_bg _pid s6-ipcserver -v "$TRASH/$_name.sock" "$@" 2>"$TRASH/$_name.err"
}

# ask NAME CLIENT-PREFIX...: connects to NAME.sock through s6-ipcclient run
# under the prefix (setpriv ...), printing "me=PID" (the client's pid, the
# one the server sees) and then what the server said.
ask() {
	_name=$1; shift
	"$@" s6-ipcclient "$TRASH/$_name.sock" sh -c 'echo "me=$$"; cat <&6'
}

# the client's pid, from ask's output in file $1
client_pid() { sed -n 's/^me=//p' "$1"; }

if test_have_prereq S6; then
	serve root credcheck -u root -- "$TRASH/handler"
	serve group credcheck -g 4242 -- "$TRASH/handler"
	serve lie env IPCREMOTEEUID=0 IPCREMOTEEGID=0 IPCREMOTEPID=1 \
		credcheck -- "$TRASH/handler"
	serve print credcheck
	serve nobody credcheck -u nobody -g nogroup -- "$TRASH/handler"
fi

test_expect_success S6 'the servers are up' '
	for s in root group lie print nobody; do
		wait_for test -S $s.sock && chmod 0777 $s.sock || exit 1
	done
'

test_expect_success S6 'root is allowed, and the handler sees its credentials' '
	ask root >out &&
	me=$(client_pid out) &&
	test -n "$me" &&
	echo "euid=0 egid=0 pid=$me" >expect &&
	sed 1d out >actual &&
	test_cmp expect actual
'

test_expect_success S6,SETPRIV 'uid 65534 is refused: one line on the server, exit 1' '
	ask root as_nobody >out &&
	me=$(client_pid out) &&
	test_line_count = 1 out &&
	test_grep "^credcheck: refused: peer pid=$me uid=65534 gid=65534: uid not in 0$" root.err &&
	wait_for grep "end pid [0-9]* uid 65534 .*exitcode 1$" root.err &&
	test $(grep -c "^credcheck: refused" root.err) = 1
'

test_expect_success S6,SETPRIV,PYTHON 'a python client of uid 65534 is refused too' '
	as_nobody /usr/bin/python3 -c "
import os, socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(\"$TRASH/root.sock\")
print(\"me=%d\" % os.getpid())
print(s.makefile().read(), end=\"\")
" >out &&
	me=$(client_pid out) &&
	test_line_count = 1 out &&
	test_grep "^credcheck: refused: peer pid=$me uid=65534 gid=65534: uid not in 0$" root.err
'

test_expect_success S6,SETPRIV,SOCAT 'socat as uid 65534 is refused, as root allowed' '
	refusals() {
		grep -c "^credcheck: refused: peer pid=[0-9]* uid=65534 gid=65534: uid not in 0$" root.err
	} &&
	before=$(refusals) &&
	as_nobody socat -u UNIX-CONNECT:root.sock - >out &&
	test_line_count = 0 out &&
	test $(refusals) = $((before + 1)) &&
	socat -u UNIX-CONNECT:root.sock - >out &&
	test_grep "^euid=0 egid=0 pid=[1-9][0-9]*$" out
'

test_expect_success S6,SETPRIV '-u nobody -g nogroup: uid 65534 allowed, root refused' '
	ask nobody as_nobody >out &&
	me=$(client_pid out) &&
	echo "euid=65534 egid=65534 pid=$me" >expect &&
	sed 1d out >actual &&
	test_cmp expect actual &&
	ask nobody >out &&
	me=$(client_pid out) &&
	test_line_count = 1 out &&
	test_grep "^credcheck: refused: peer pid=$me uid=0 gid=0: uid not in 65534$" nobody.err
'

test_expect_success S6,SETPRIV '-g matches a supplementary group' '
	ask group setpriv --reuid=65534 --regid=65534 --groups=4343,4242 >out &&
	me=$(client_pid out) &&
	echo "euid=65534 egid=65534 pid=$me" >expect &&
	sed 1d out >actual &&
	test_cmp expect actual
'

test_expect_success S6,SETPRIV '-g matches the primary gid' '
	ask group setpriv --reuid=65534 --regid=4242 --clear-groups >out &&
	me=$(client_pid out) &&
	echo "euid=65534 egid=4242 pid=$me" >expect &&
	sed 1d out >actual &&
	test_cmp expect actual
'

test_expect_success S6,SETPRIV '-g refuses other groups, and names them' '
	ask group setpriv --reuid=65534 --regid=65534 --groups=4343,4344 >out &&
	me=$(client_pid out) &&
	test_line_count = 1 out &&
	test_grep "^credcheck: refused: peer pid=$me uid=65534 gid=65534: gid not in 4242 (nor groups 4343,4344)$" group.err &&
	ask group as_nobody >out &&
	me=$(client_pid out) &&
	test_grep "^credcheck: refused: peer pid=$me uid=65534 gid=65534: gid not in 4242$" group.err
'

test_expect_success S6,SETPRIV 'IPCREMOTE* lies in the environment are overwritten' '
	ask lie as_nobody >out &&
	me=$(client_pid out) &&
	echo "euid=65534 egid=65534 pid=$me" >expect &&
	sed 1d out >actual &&
	test_cmp expect actual
'

test_expect_success S6,SETPRIV 'print mode: the client reads its own credentials' '
	ask print as_nobody >out &&
	me=$(client_pid out) &&
	echo "pid=$me uid=65534 gid=65534" >expect &&
	sed 1d out >actual &&
	test_cmp expect actual &&
	ask print setpriv --reuid=65534 --regid=4242 --clear-groups >out &&
	me=$(client_pid out) &&
	echo "pid=$me uid=65534 gid=4242" >expect &&
	sed 1d out >actual &&
	test_cmp expect actual
'

test_done
