#!/bin/sh
test_description='rawopen -j: a fanout group of sockets for one pair, under policy'
. "$(dirname "$0")/test-lib.sh"

if test_have_prereq SETPRIV,NETNS,PYTHON,RAWOPEN_BUILD && test_rawopen; then
	test_set_prereq RAWOPEN
	test_netns ns1 ns2
	test_veth $ns1 vA $ns2 vB
fi
chmod 0755 "$TRASH"

policy() {
	printf '%s\n' "$@" >"$POLICY" && chmod 0644 "$POLICY"
}

nobody() {
	nsrun $ns1 setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$RAWOPEN" "$@"
}

# prog.py N COUNT: reads frames of ours from fds 3..3+N-1 until COUNT have
# come (10 s at most), then prints, for each fd, its group (getsockopt
# PACKET_FANOUT, or "relayed"), and the sequence numbers it got; and
# "ready" once it reads.  With "escape", tries to rebind and regroup fd 3.
cat >prog.py <<\EOF
import ctypes, errno, os, select, socket, struct, sys, time
n, count = int(sys.argv[1]), int(sys.argv[2])
fds = list(range(3, 3 + n))
socks = [socket.socket(fileno=fd) for fd in fds]
if sys.argv[3:] == ["escape"]:
    sll = struct.pack("=HHiHBB8s", socket.AF_PACKET, socket.htons(3), 0, 0, 0, 0, b"")
    r = ctypes.CDLL(None, use_errno=True).bind(3, sll, len(sll))
    print("rebind", "ok" if r == 0 else errno.errorcode[ctypes.get_errno()])
    try:
        socks[0].setsockopt(263, 18, 4242)
        print("join ok")
    except OSError as e:
        print("join", errno.errorcode[e.errno])
groups = []
for s in socks:
    if s.family == socket.AF_PACKET:
        v = s.getsockopt(263, 18)
        groups.append("group %d mode %d" % (v & 0xffff, (v >> 16) & 0xff))
    else:
        groups.append("relayed")
got = {fd: [] for fd in fds}
print("ready", flush=True)
total, end = 0, time.time() + 10
while total < count:
    r = select.select(socks, [], [], max(0, end - time.time()))[0]
    if not r:
        break
    for s in r:
        f = s.recv(65536)
        if f[14:20] == b"fdcap-":
            got[s.fileno()].append(int(f[20:30]))
            total += 1
for fd, g in zip(fds, groups):
    print("fd", fd, g, "got", " ".join(map(str, got[fd])))
EOF

# send.py IFACE COUNT: COUNT frames of 0x88b5, numbered, different flows.
cat >send.py <<\EOF
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
for i in range(int(sys.argv[2])):
    s.send(b"\xff" * 6 + b"\x02\0\0\0\0" + bytes([i % 250 + 1]) + b"\x88\xb5" +
           b"fdcap-%010d" % i + b"\0" * 30)
EOF
chmod 0644 prog.py send.py
P="/usr/bin/python3 $TRASH/prog.py"

# every_once N FILE: the sequence numbers 0..N-1 each once across the fds.
every_once() {
	sed -n "s/^fd [0-9]* .* got//p" "$2" | tr " " "\n" | sed "/^$/d" |
		sort -n >seen &&
	seq 0 $(($1 - 1)) >want && test_cmp want seen
}

test_expect_success RAWOPEN '-j 3:lb: three sockets in one group, each frame to exactly one' '
	policy "user:nobody packet iface=vA ethertype=0x88b5 send=any fanout=4" &&
	test_bg rp nobody -j 3:lb vA 0x88b5 -- $P 3 30 >out &&
	wait_for grep -q ready out &&
	nsrun $ns2 /usr/bin/python3 send.py vB 30 &&
	wait $rp &&
	test "$(grep -c "^fd [345] group [0-9]* mode 1 got [0-9]" out)" = 3 &&
	test "$(sed -n "s/^fd . group \([0-9]*\) .*/\1/p" out | sort -u | wc -l)" = 1 &&
	every_once 30 out
'

test_expect_success RAWOPEN 'the members are pinned: no rebind, no other group' '
	policy "user:nobody packet iface=vA ethertype=0x88b5 send=any fanout=2" &&
	nobody -j 2 vA 0x88b5 -- $P 2 0 escape >out &&
	test_grep -x "rebind EINVAL" out &&
	test_grep -x "join EALREADY" out &&
	test "$(grep -c "^fd [34] group [0-9]* mode 0 got" out)" = 2
'

test_expect_success RAWOPEN 'relayed (send=iface): a relay for each member, every frame once' '
	policy "user:nobody packet iface=vA ethertype=0x88b5 fanout=2" &&
	test_bg rp nobody -j 2:lb vA 0x88b5 -- $P 2 20 >out &&
	wait_for grep -q ready out &&
	nsrun $ns2 /usr/bin/python3 send.py vB 20 &&
	wait $rp &&
	test "$(grep -c "^fd [34] relayed got [0-9]" out)" = 2 &&
	every_once 20 out
'

test_expect_success RAWOPEN 'fanout= is the most a rule grants; without it, one' '
	policy "user:nobody packet iface=vA ethertype=0x88b5 fanout=2" &&
	test_expect_code 1 nobody -j 3 vA 0x88b5 -- true 2>err &&
	test_grep -F "may not open vA 0x88b5, fanout of 3 (rule needed in $POLICY: user:nobody packet iface=vA ethertype=0x88b5 fanout=3)" err &&
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	test_expect_code 1 nobody -j 2 vA 0x88b5 -- true 2>err &&
	test_grep -F "fanout=2)" err &&
	nobody -j 1 vA 0x88b5 -- true
'

test_expect_success RAWOPEN 'usage: a count and a mode it knows; -o places one socket' '
	test_expect_code 100 nobody -j 0 vA 0x88b5 -- true 2>err &&
	test_grep "^rawopen: -j 0: " err &&
	test_expect_code 100 nobody -j 2:fast vA 0x88b5 -- true 2>err &&
	test_grep "^rawopen: -j 2:fast: the mode is hash, lb, cpu, qm or rollover" err &&
	test_expect_code 100 nobody -j 2 -o 5 vA 0x88b5 -- true 2>err &&
	test_grep "^rawopen: -o places one socket, not 2" err &&
	# The count is read whole: 0...065 is 65, and 0...02 is 2.
	test_expect_code 100 nobody -j 00000000000000000000000000000000065:lb vA 0x88b5 -- true 2>err &&
	test_grep "^rawopen: -j 00000000000000000000000000000000065:lb: sockets per pair is too large (1 to 64)$" err &&
	"$RAWOPEN" -x -j 00000000000000000000000000000000002:lb lo 0x88b5 -- >out &&
	test_grep "^open: fd 4: " out
'

# holder.py N DONE: prints each of fds 3..3+N-1's fanout group and mode,
# then holds them until the file DONE exists (20 s at most).
cat >holder.py <<\EOF
import os, socket, sys, time
socks = [socket.socket(fileno=fd) for fd in range(3, 3 + int(sys.argv[1]))]
for s in socks:
    fd, v = s.fileno(), s.getsockopt(263, 18)
    print("fd", fd, "group", v & 0xffff, "mode", (v >> 16) & 0xffff, flush=True)
end = time.time() + 20
while not os.path.exists(sys.argv[2]) and time.time() < end:
    time.sleep(0.05)
EOF

# join.py IFACE TYPE ID MODE: a root socket on IFACE for TYPE asks to join
# fanout group ID of MODE (the guessable id, the group's own mode); prints
# "joined" or the errno's name.
cat >join.py <<\EOF
import errno, socket, struct, sys
t = int(sys.argv[2], 0)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(t))
s.bind((sys.argv[1], t))
try:
    s.setsockopt(263, 18, struct.pack("=I", int(sys.argv[3]) | (int(sys.argv[4]) << 16)))
    print("joined")
except OSError as e:
    print(errno.errorcode[e.errno])
EOF
chmod 0644 holder.py join.py

# squat N ARGS...: rawopen ARGS as nobody holds N sockets; a root socket
# then asks to join the group of fd 3 by its id, as a capture daemon with
# a fixed cluster id would after guessing it: the answer is in join.out.
squat() {
	_n=$1 && shift &&
	rm -f done hold.out &&
	test_bg hpid nobody "$@" -- /usr/bin/python3 "$TRASH/holder.py" \
		"$_n" "$TRASH/done" >hold.out &&
	wait_for grep -q "^fd $((_n + 2)) " hold.out &&
	_g=$(sed -n "s/^fd 3 group \([0-9]*\) mode [0-9]*$/\1/p" hold.out) &&
	_m=$(sed -n "s/^fd 3 group [0-9]* mode \([0-9]*\)$/\1/p" hold.out) &&
	nsrun $ns1 /usr/bin/python3 join.py vA 0x88b5 "$_g" "$_m" >join.out &&
	touch done && wait $hpid
}

test_expect_success RAWOPEN 'a pinned socket: a root socket asking for its group id is refused' '
	policy "user:nobody packet iface=vA ethertype=0x88b5 send=any" &&
	squat 1 vA 0x88b5 &&
	echo ENOSPC >want && test_cmp want join.out
'

test_expect_success RAWOPEN '-j 2: the full group refuses a third socket asking for its id' '
	policy "user:nobody packet iface=vA ethertype=0x88b5 send=any fanout=2" &&
	squat 2 -j 2 vA 0x88b5 &&
	echo ENOSPC >want && test_cmp want join.out
'

test_done
