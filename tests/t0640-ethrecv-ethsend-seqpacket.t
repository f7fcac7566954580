#!/bin/sh
test_description='ethsend and ethrecv on a relayed fd (a SOCK_SEQPACKET end)'
. "$(dirname "$0")/test-lib.sh"
# What ends every summary: its time and rates.
RATES=' in [0-9.]* s ([0-9.]* frames/s, [0-9.]* Mbit/s)$'

# relay.py MODE FILE PROG [ARG]...: PROG runs with one end of a
# SOCK_SEQPACKET pair on fd 3 (LISTEN_FDS=1, LISTEN_PID its pid), as
# rawopen hands it over under send=iface; this process plays the relay on
# the other end, and exits with PROG's status.
#   recv FILE  every message PROG writes, as one hex line, into FILE,
#              until PROG closes its end
#   send FILE  each hex line of FILE as one message to PROG (until PROG
#              reads no more), then the end of file
#   ask FILE   each hex line of FILE as one message to PROG, then its
#              writing side shut down; every message PROG writes back, as
#              one hex line, into FILE.out, until PROG closes its end
#   hold -     nothing sent; the end is held open until PROG exits
#   gone -     the end is closed before PROG starts
# With RELAY_NAME=IFACE/0xTYPE/MAC/MTU in the environment, this end is
# named as rawopen names its relay's (relay_bind() in lib/relay.h), so
# that PROG learns what was granted; without it, the end has no name.
cat >relay.py <<'PY'
import os, socket, sys
mode, path, prog = sys.argv[1], sys.argv[2], sys.argv[3:]
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
if os.environ.get("RELAY_NAME"):
    a.bind("\0fdcap-relay/%s/%s" % (os.environ.pop("RELAY_NAME"),
                                   os.urandom(8).hex()))
if mode == "gone":
    a.close()
pid = os.fork()
if pid == 0:
    if mode != "gone":
        a.close()
    os.dup2(b.fileno(), 3)
    os.environ["LISTEN_FDS"] = "1"
    os.environ["LISTEN_PID"] = str(os.getpid())
    os.execvp(prog[0], prog)
b.close()
if mode == "recv":
    with open(path, "w") as out:
        while True:
            m = a.recv(1 << 20)
            if not m:
                break
            out.write(m.hex() + "\n")
elif mode == "ask":
    with open(path) as f:
        for line in f:
            a.send(bytes.fromhex(line.strip()))
    a.shutdown(socket.SHUT_WR)
    with open(path + ".out", "w") as out:
        while True:
            m = a.recv(1 << 20)
            if not m:
                break
            out.write(m.hex() + "\n")
elif mode == "send":
    try:
        with open(path) as f:
            for line in f:
                a.send(bytes.fromhex(line.strip()))
    # PROG closed its end: EPIPE, or ECONNRESET when it left messages unread
    except (BrokenPipeError, ConnectionResetError):
        pass
    a.close()
_, st = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(st))
PY
relay() { /usr/bin/python3 "$TRASH/relay.py" "$@"; }
# named IFACE/0xTYPE/MAC/MTU MODE FILE PROG [ARG]...: relay.py, its end
# named.
named() { _name=$1; shift; env RELAY_NAME="$_name" /usr/bin/python3 "$TRASH/relay.py" "$@"; }

# frames.py N: N numbered frames of assorted sizes (ethertype 0x88b5, one
# 802.1Q-tagged, one of 9000 bytes), one hex line each.
# frames.py N pcap FILE: the same frames, also written as a pcap to FILE.
cat >frames.py <<'PY'
import struct, sys
n = int(sys.argv[1])
fs = []
for i in range(n):
    f = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01"
    if i == 3:
        f += struct.pack("!HH", 0x8100, 7)
    ln = 9000 if i == 5 else 60 + 37 * i
    f += struct.pack("!HI", 0x88b5, i)
    f += bytes([i & 0xff]) * (ln - len(f))
    fs.append(f)
    print(f.hex())
if len(sys.argv) > 3:
    with open(sys.argv[3], "wb") as p:
        p.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, f in enumerate(fs):
            p.write(struct.pack("<IIII", 1000 + i, 0, len(f), len(f)) + f)
PY

tcpdump_hex() {
	awk '/^\t0x/ { sub(/^\t0x[0-9a-f]+:  /, ""); gsub(/ /, ""); h = h $0; next }
	     { if (h != "") print h; h = "" } END { if (h != "") print h }'
}

test_expect_success PYTHON 'setup: frames, as hex lines and as a pcap' '
	/usr/bin/python3 frames.py 8 pcap frames.pcap >frames.hex &&
	test_line_count = 8 frames.hex &&
	test $(sed -n 6p frames.hex | wc -c) = 18001
'

test_expect_success PYTHON 'ethsend: a pcap arrives one message per frame, byte-identical' '
	relay recv got ethsend <frames.pcap 2>err &&
	test_cmp frames.hex got &&
	test_grep "^ethsend: 8 frames sent, 10271 bytes, 0 errors$RATES" err
'

test_expect_success PYTHON 'ethsend -f hex: one message per line, byte-identical' '
	relay recv got ethsend -f hex <frames.hex 2>err &&
	test_cmp frames.hex got &&
	test_grep "^ethsend: 8 frames sent" err
'

test_expect_success PYTHON 'ethsend -S 3: the fd named, LISTEN_FDS or not' '
	relay recv got sh -c "unset LISTEN_FDS LISTEN_PID; exec ethsend -S 3" \
		<frames.pcap &&
	test_cmp frames.hex got
'

test_expect_success PYTHON 'ethsend IFACE ETHERTYPE: payloads from the interface named' '
	echo hello | relay recv got ethsend lo 0x88b6 &&
	echo ffffffffffff00000000000088b668656c6c6f0a | \
		sed "s/\$/$(printf "%0*d" 80 0)/" >want &&
	test_cmp want got
'

# A relay rawopen named for vX9 (no interface here): IFACE must be it,
# and payloads leave from its address, as the relay checks them.
NAMED=vX9/0x88b5/02:00:00:00:00:09/1400
test_expect_success PYTHON 'ethsend IFACE ETHERTYPE: a named relay is IFACE, its address the source' '
	echo hello | named $NAMED recv got ethsend vX9 0x88b5 2>err &&
	test "$(cut -c 1-40 got)" = ffffffffffff02000000000988b568656c6c6f0a &&
	test_grep "^ethsend: 1 frame sent" err
'

test_expect_success PYTHON 'ethsend IFACE ETHERTYPE: another interface than the relayed one is a usage error' '
	echo hello | test_expect_code 100 named $NAMED recv got ethsend lo 0x88b5 2>err &&
	test_grep -x "ethsend: fd 3 is relayed to vX9, not lo" err &&
	test_line_count = 1 err &&
	test_line_count = 0 got
'

# The name says the ethertype asked for, not all the rule grants
# (ethertype=none,0x88b5; 0x88b5,0x88b6): another one is the relay's to judge.
test_expect_success PYTHON 'ethsend IFACE ETHERTYPE: an ethertype other than the one asked is passed on' '
	echo hi | named vX9/0x0000/02:00:00:00:00:09/1400 \
		recv got ethsend vX9 0x88b6 2>err &&
	test "$(cut -c 1-34 got)" = ffffffffffff02000000000988b668690a &&
	test_grep "^ethsend: 1 frame sent" err
'

test_expect_success PYTHON 'ethsend -s: payloads without an interface' '
	echo hi | relay recv got ethsend -t 0x88b5 -s 02:00:00:00:00:07 &&
	test "$(cut -c 1-36 got)" = ffffffffffff02000000000788b568690a00 &&
	test $(wc -c <got) = 121
'

test_expect_success PYTHON 'ethsend: payloads with no source address are a usage error' '
	echo hello | test_expect_code 100 relay hold - ethsend -t 0x88b5 2>err &&
	test_grep "relayed fd" err
'

test_expect_success PYTHON 'ethsend: a relay that has gone is an error, not a signal' '
	test_expect_code 111 relay gone - ethsend <frames.pcap 2>err &&
	test_grep "^ethsend: send on fd 3: Broken pipe$" err
'

test_expect_success PYTHON 'ethrecv -w hex: every message, byte-identical; the end of file ends it' '
	relay send frames.hex ethrecv -w hex >got 2>err &&
	test_cmp frames.hex got &&
	test_grep "^ethrecv: 8 frames received (kernel drops are counted by rawopen.s relay)$RATES" err
'

test_expect_success PYTHON 'ethrecv --stats-format=kv on a relayed fd: dropped=0, every byte written' '
	relay send frames.hex ethrecv -w pcap --stats-format=kv >got.pcap 2>err &&
	test_grep "^ethrecv: received=8 dropped=0 bytes=[0-9]* written=8 truncated=0 elapsed=" err
'

test_expect_success PYTHON,TCPDUMP 'ethrecv: a pcap that tcpdump reads, byte for byte' '
	relay send frames.hex ethrecv >got.pcap 2>err &&
	tcpdump -r got.pcap -nn -xx >td 2>tderr &&
	tcpdump_hex <td >got &&
	test_cmp frames.hex got &&
	test_line_count = 8 got &&
	test_grep "link-type EN10MB" tderr &&
	pcap_hex got.pcap >got2 &&
	test_cmp frames.hex got2
'

test_expect_success PYTHON 'ethrecv: a 9000-byte message is whole in every format' '
	sed -n 6p frames.hex >big.hex &&
	relay send big.hex ethrecv -w hex >got 2>err &&
	test_cmp big.hex got &&
	relay send big.hex ethrecv -w pcap >got.pcap 2>err &&
	pcap_hex got.pcap >got &&
	test_cmp big.hex got &&
	relay send big.hex ethrecv -w payload >got 2>err &&
	test $(wc -c <got) = 8986
'

test_expect_success PYTHON 'ethrecv: a message longer than its buffer is counted, never cut silently' '
	/usr/bin/python3 -c "print((b\"\\xff\" * 12 + b\"\\x88\\xb5\" + b\"x\" * 99986).hex())" >huge.hex &&
	relay send huge.hex ethrecv -w pcap >got.pcap 2>err &&
	test_grep "only [0-9]* captured" err &&
	test_grep "^ethrecv: 1 frame received .*, 1 truncated to [0-9]* bytes$RATES" err
'

test_expect_success PYTHON 'ethrecv -c: the count ends it before the end of file' '
	relay send frames.hex ethrecv -w hex -c 3 >got 2>err &&
	head -n 3 frames.hex >want &&
	test_cmp want got &&
	test_grep "^ethrecv: 3 frames received" err
'

test_expect_success PYTHON 'ethrecv: no frame, then the end of file: an empty capture' '
	: >none.hex &&
	relay send none.hex ethrecv >got.pcap 2>err &&
	test $(wc -c <got.pcap) = 24 &&
	test_grep "^ethrecv: 0 frames received" err
'

test_expect_success PYTHON 'ethrecv: what needs a packet socket is a usage error' '
	for o in "-Q out" "-Q inout" "-F ether" "-B 1m" "-p"; do
		test_expect_code 100 relay hold - ethrecv $o 2>err &&
		test_line_count = 1 err || return 1
	done &&
	test_expect_code 100 relay hold - ethrecv -Q out 2>err &&
	test_grep "^ethrecv: -Q needs a packet socket, and fd 3 is relayed" err
'

test_expect_success PYTHON 'ethrecv -e: a relayed fd is served, each reply one message' '
	head -n 3 frames.hex >three.hex &&
	relay ask three.hex ethrecv -e -- cat 2>err &&
	test_line_count = 3 three.hex.out &&
	echo "020000000001000000000000$(sed -n 1p three.hex | cut -c25-)" >want &&
	sed -n 1p three.hex.out >got &&
	test_cmp want got &&
	test_grep "^ethrecv: 3 frames received (kernel drops are counted by rawopen.s relay), 3 replies sent, 0 handlers failed$RATES" err
'

test_done
