#!/bin/sh
test_description='ethsend -j: a capture spread over senders, each frame sent once'
. "$(dirname "$0")/test-lib.sh"

# ethsend runs in namespace A on va; tcpdump captures in B on vb.
if test_have_prereq NETNS,TCPDUMP,PYTHON; then
	test_netns A B && test_veth "$A" va "$B" vb && test_set_prereq NET
fi

# capture N: tcpdump on vb until N frames of 0x88b5 (10 s at most) into
# cap.pcap; returns once it listens.  capture_wait waits for it, then
# writes the sequence numbers that came, one a line, into got.
capture() {
	rm -f cap.pcap cap.err
	test_bg cap_pid timeout 10 ip netns exec "$B" tcpdump -U -c "$1" \
		-i vb -w cap.pcap ether proto 0x88b5 2>cap.err &&
	wait_for grep -q "listening on" cap.err
}
capture_wait() {
	wait "$cap_pid" && /usr/bin/python3 "$TRASH/seqs.py" cap.pcap >got
}

# seqs.py FILE: the sequence number of each frame of a pcap file.
cat >seqs.py <<\EOF_PY
import struct, sys
d = open(sys.argv[1], "rb").read()
o = 24
while o + 16 <= len(d):
    cl = struct.unpack("<I", d[o + 8:o + 12])[0]
    f = d[o + 16:o + 16 + cl]
    if f[14:20] == b"fdcap-":
        print(int(f[20:30]))
    o += 16 + cl
EOF_PY

# seq.pcap N SIZE: N frames of SIZE bytes, frame i carrying "fdcap-" and
# i in ten digits.
mkpcap() {
	/usr/bin/python3 -c '
import struct, sys
n, size = int(sys.argv[2]), int(sys.argv[3])
out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
for i in range(n):
    f = bytes.fromhex("02000000000b02000000000a88b5") + b"fdcap-%010d" % i
    f += bytes(size - len(f))
    out += struct.pack("<IIII", 0, 0, len(f), len(f)) + f
open(sys.argv[1], "wb").write(out)
' "$@"
}

# once N: got holds 0 .. N-1, each exactly once.
once() {
	seq 0 $(($1 - 1)) >want &&
	sort -n got >sorted &&
	test_cmp want sorted
}

# senders_add_up: the per-sender lines of err add up to its total line.
senders_add_up() {
	total=$(sed -n "s/^ethsend: \([0-9]*\) frames* sent.*/\1/p" err) &&
	sum=$(sed -n "s/^ethsend: sender [0-9]*: \([0-9]*\) sent, .*/\1/p" err |
		paste -sd+ | bc) &&
	test "$total" = "$sum"
}

send() { nsrun "$A" ethsend "$@"; }

test_expect_success NET '-j 3: every frame of the capture arrives exactly once' '
	mkpcap seq.pcap 900 60 &&
	capture 900 &&
	send -j 3 va 0x88b5 <seq.pcap 2>err &&
	capture_wait &&
	once 900 &&
	test_grep "^ethsend: 900 frames sent, 54000 bytes, 0 errors" err &&
	test_grep -x "ethsend: sender 0: 300 sent, 0 errors" err &&
	test_grep -x "ethsend: sender 1: 300 sent, 0 errors" err &&
	test_grep -x "ethsend: sender 2: 300 sent, 0 errors" err &&
	test_line_count = 4 err &&
	senders_add_up
'

test_expect_success NET '-j 3 from a pipe, more than one buffer, -l 2 and -c' '
	mkpcap big.pcap 2000 200 &&
	capture 3500 &&
	cat big.pcap | send -j 3 -l 2 -c 3500 va 0x88b5 2>err &&
	capture_wait &&
	sort -n got | uniq -c | awk "{ print \$1 }" | sort | uniq -c >counts &&
	printf "%7d %s\n" 500 1 1500 2 >want &&
	test_cmp want counts &&
	test_grep "^ethsend: 3500 frames sent" err &&
	senders_add_up
'

test_expect_success NET '--stats-format=kv: sender=K sent=N errors=M' '
	capture 10 &&
	mkpcap ten.pcap 10 60 &&
	send -j 4 --stats-format=kv va 0x88b5 <ten.pcap 2>err &&
	capture_wait &&
	once 10 &&
	test_grep "^ethsend: sent=10 bytes=600 errors=0 " err &&
	printf "ethsend: sender=%d sent=%d errors=0\n" 0 3 1 3 2 2 3 2 >want &&
	grep "sender=" err >got.kv &&
	test_cmp want got.kv
'

test_expect_success NET 'payload input: spread too' '
	capture 5 &&
	seq 0 4 | sed "s/^/fdcap-000000000/" | send -j 2 va 0x88b5 2>err &&
	capture_wait &&
	once 5 &&
	test_grep -x "ethsend: sender 0: 3 sent, 0 errors" err &&
	test_grep -x "ethsend: sender 1: 2 sent, 0 errors" err
'

test_expect_success NET 'rawopen -j 2:lb: each handed-over fd is one sender' '
	capture 900 &&
	nsrun "$A" rawopen -j 2:lb va 0x88b5 -- ethsend -j 2 <seq.pcap 2>err &&
	capture_wait &&
	once 900 &&
	test_grep -x "ethsend: sender 0: 450 sent, 0 errors" err &&
	test_grep -x "ethsend: sender 1: 450 sent, 0 errors" err &&
	senders_add_up &&
	test_expect_code 100 nsrun "$A" rawopen -j 2:lb va 0x88b5 -- \
		sh -c "exec ethsend -j 2 4</dev/null" <seq.pcap 2>err &&
	test_grep "^ethsend: fd 4: not a raw AF_PACKET socket" err &&
	test_expect_code 100 nsrun "$A" rawopen -j 2:lb va 0x88b5 -- \
		ethsend -j 3 <seq.pcap 2>err &&
	test_grep -x "ethsend: -j 3: 2 fds were handed over: one sender for each" err
'

# Sender 1's socket is bound to a dummy interface whose MTU its frames
# exceed: each of its frames is an error; sender 0's all arrive.
test_expect_success NET 'errors on one sender are counted, exit 111' '
	ip -n "$A" link add dm type veth peer name dn &&
	ip -n "$A" link set dm mtu 100 up &&
	mkpcap ten200.pcap 10 200 &&
	capture 5 &&
	test_expect_code 111 nsrun "$A" /usr/bin/python3 -c "
import os, socket, sys
socks = [socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0) for i in (0, 1)]
socks[0].bind((\"va\", 0))
socks[1].bind((\"dm\", 0))
high = [os.dup(s.fileno()) for s in socks]
for fd, h in ((3, high[0]), (4, high[1])):
    os.dup2(h, fd)
env = dict(os.environ, LISTEN_FDS=\"2\", LISTEN_PID=str(os.getpid()))
os.execvpe(\"ethsend\", [\"ethsend\", \"-j\", \"2\"], env)
" <ten200.pcap 2>err &&
	capture_wait &&
	printf "%s\n" 0 2 4 6 8 >want &&
	test_cmp want got &&
	test_grep "^ethsend: 5 frames sent, 1000 bytes, 5 errors" err &&
	test_grep -x "ethsend: sender 0: 5 sent, 0 errors" err &&
	test_grep -x "ethsend: sender 1: 0 sent, 5 errors" err &&
	test_grep "^ethsend: send on dm: a frame of 200 bytes" err
'

# adds_up FILE: FILE is one total line, then one line for each sender,
# in text or in kv, and the senders' counts add up to the total.
adds_up() {
	awk '/^ethsend: [0-9]+ frames? sent,/ { t = $2; n++; next }
	     /^ethsend: sent=/ { sub(/^sent=/, "", $2); t = $2; n++; next }
	     /^ethsend: sender [0-9]+: [0-9]+ sent, 0 errors$/ { s += $4; k++; next }
	     /^ethsend: sender=[0-9]+ sent=[0-9]+ errors=0$/ { sub(/^sent=/, "", $3); s += $3; k++; next }
	     { bad = 1 }
	     END { exit !(n == 1 && k == 2 && t == s && !bad) }' "$1"
}

# usr1 FORMAT: ethsend -j 2 -l 0, looping a capture on va until killed,
# gets SIGUSR1 once frames arrive on vb; then SIGTERM.  err holds what it
# said: the SIGUSR1 lines, then the summary.
usr1() {
	mkpcap four.pcap 4 60 &&
	capture 1 &&
	rm -f err &&
	test_bg pid sh -c "exec ip netns exec $A ethsend -j 2 -l 0 \
		--stats-format=$1 va 0x88b5 <four.pcap" 2>err &&
	wait "$cap_pid" &&
	kill -USR1 $pid &&
	wait_for has_lines 3 err &&
	kill -TERM $pid &&
	wait $pid &&
	test_line_count = 6 err &&
	sed -n 1,3p err >usr1.err && sed -n 4,6p err >end.err
}
has_lines() { test "$(wc -l <"$2")" -ge "$1"; }

test_expect_success NET 'SIGUSR1 under -j 2: the per-sender lines too, as the summary has them' '
	usr1 text &&
	adds_up usr1.err &&
	adds_up end.err &&
	test_grep "^ethsend: [0-9]* frames\{0,1\} sent, [0-9]* bytes, 0 errors in " usr1.err &&
	test_grep "^ethsend: sender 0: [0-9]* sent, 0 errors$" usr1.err &&
	test_grep "^ethsend: sender 1: [0-9]* sent, 0 errors$" usr1.err
'

test_expect_success NET 'SIGUSR1 under -j 2 --stats-format=kv: the sender=K lines too' '
	usr1 kv &&
	adds_up usr1.err &&
	adds_up end.err &&
	test_grep "^ethsend: sent=[0-9]* bytes=[0-9]* errors=0 skipped=0 " usr1.err &&
	test_grep -x "ethsend: sender=0 sent=[0-9]* errors=0" usr1.err &&
	test_grep -x "ethsend: sender=1 sent=[0-9]* errors=0" usr1.err
'

# The page: "A sender whose socket fails (its interface went down) ends
# the run, as for one sender": exit 111, said in one line (by each sender
# that met it: both may, as they share va).  ethrecv in B says when frames
# arrive; then va goes down under the looping senders.  A run that does
# not end is cut by timeout (exit 124), not left to the watchdog.
test_expect_success NET '-j 2: an interface gone down ends the run, exit 111, Network is down' '
	mkpcap four.pcap 4 60 &&
	rm -f got rerr err &&
	test_bg rpid nsrun "$B" ethrecv -q -c 4 -w hex vb 0x88b5 >got 2>rerr &&
	test_bg pid sh -c "exec timeout 30 ip netns exec $A ethsend -j 2 -l 0 \
		va 0x88b5 <four.pcap" 2>err &&
	wait_for has_lines 4 got &&
	ip -n "$A" link set va down &&
	{ rc=0; wait $pid || rc=$?; } &&
	ip -n "$A" link set va up &&
	test $rc = 111 &&
	grep -v "^ethsend: [0-9]* frames* sent, \|^ethsend: sender [01]: " err >said &&
	test_grep -x "ethsend: send on va: Network is down" said &&
	! grep -vx "ethsend: send on va: Network is down" said &&
	test_grep "^ethsend: [1-9][0-9]* frames sent, [0-9]* bytes, [1-9][0-9]* errors* in " err &&
	test_grep -x "ethsend: sender 0: [0-9]* sent, [0-9]* errors*" err &&
	test_grep -x "ethsend: sender 1: [0-9]* sent, [0-9]* errors*" err &&
	test "$(tail -n 3 err | grep -c "^ethsend: sender ")" = 2
'

test_expect_success 'usage: -j counts, and what it does not go with' '
	test_expect_code 100 ethsend -j 0 lo 0x88b5 </dev/null 2>err &&
	test_grep -x "ethsend: -j 0: too small (at least 1)" err &&
	test_expect_code 100 ethsend -j 257 lo 0x88b5 </dev/null 2>err &&
	test_grep "^ethsend: -j 257: too large" err &&
	test_expect_code 100 ethsend -j x lo 0x88b5 </dev/null 2>err &&
	test_grep "^ethsend: -j x: " err &&
	test_expect_code 100 ethsend -j 2 -r 100 lo 0x88b5 </dev/null 2>err &&
	test_grep -x "ethsend: -j 2: not with -r (pacing is one sender'"'"'s)" err &&
	test_expect_code 100 ethsend -j 2 -R 1 lo 0x88b5 </dev/null 2>err &&
	test_grep -x "ethsend: -j 2: not with -R (pacing is one sender'"'"'s)" err &&
	test_expect_code 100 ethsend -j 2 -S 0 </dev/null 2>err &&
	test_grep -x "ethsend: -j 2: not with -S (one fd is one sender)" err
'

test_done
