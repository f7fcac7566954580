#!/bin/sh
test_description='ethrecv on a socket an fd holder shares: a killed client leaves no ring behind'
. "$(dirname "$0")/test-lib.sh"

# The holder (fdsend -l) keeps one packet socket (send=any: the socket
# itself) and hands it to every client; a client's ethrecv maps a ring on
# it.  The kernel lets a ring be taken down only when nobody maps it.
if test_have_prereq ROOT,NETNS,PYTHON; then
	test_set_prereq SHARED
	test_netns a b
	test_veth $a ra $b rb
fi

# peer.py send IFACE COUNT: COUNT numbered frames of ethertype 0x88b5.
# peer.py hold IFACE PROG...: PROG with a socket bound to 0x88b5 on fd 3.
cat >peer.py <<'PY'
import os, socket, struct, sys
cmd, ifc = sys.argv[1], sys.argv[2]
if cmd == "send":
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    s.bind((ifc, 0))
    for i in range(int(sys.argv[3])):
        s.send(b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" +
               struct.pack("!HI", 0x88b5, i) + bytes(42))
else:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
    s.bind((ifc, 0x88b5))
    os.dup2(s.fileno(), 3)
    os.set_inheritable(3, True)
    os.execvp(sys.argv[3], sys.argv[3:])
PY
abs=fdcap-t0680-$test_tag

# frames FILE: how many records a pcap file holds.
frames() {
	/usr/bin/python3 -c '
import struct, sys
d, o, n = open(sys.argv[1], "rb").read(), 24, 0
while o + 16 <= len(d):
    o += 16 + struct.unpack("<I", d[o + 8:o + 12])[0]
    n += 1
print(n)' "$1"
}

test_expect_success SHARED 'a client killed with SIGKILL: the next one gets its own ring' '
	test_bg holder nsrun $a /usr/bin/python3 peer.py hold ra fdsend -l -u root @$abs 3 &&
	wait_for nsrun $a fdrecv -c @$abs -- true &&
	test_bg c1 nsrun $a fdrecv -c @$abs -- ethrecv -w pcap >c1.pcap &&
	wait_for ringed $a &&
	for p in $(ip netns pids $a); do
		test "$(cat /proc/$p/comm)" != ethrecv || kill -KILL $p || return 1
	done &&
	{ wait $c1 || :; } &&
	! ringed $a &&
	rm -f err &&
	test_bg c2 nsrun $a fdrecv -c @$abs -- ethrecv -c 3 -w pcap >c2.pcap 2>err &&
	wait_for ringed $a &&
	nsrun $b /usr/bin/python3 peer.py send rb 3 &&
	wait $c2 &&
	test "$(frames c2.pcap)" = 3 &&
	test_grep "^ethrecv: 3 frames received, 0 dropped by kernel" err
'

test_expect_success SHARED 'two live clients: the second is told, in one line' '
	test_bg holder nsrun $a /usr/bin/python3 peer.py hold ra fdsend -l -u root @$abs 3 &&
	wait_for nsrun $a fdrecv -c @$abs -- true &&
	test_bg c1 nsrun $a fdrecv -c @$abs -- ethrecv -c 2 -w pcap >c1.pcap &&
	wait_for ringed $a &&
	test_expect_code 111 nsrun $a fdrecv -c @$abs -- ethrecv -w pcap >c2.pcap 2>err &&
	echo "ethrecv: fd 3: another program is reading this socket through a ring" >expect &&
	test_cmp expect err &&
	nsrun $b /usr/bin/python3 peer.py send rb 2 &&
	wait $c1 &&
	test "$(frames c1.pcap)" = 2
'

test_done
