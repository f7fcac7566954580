#!/bin/sh
test_description='rawopen: send=iface and send=no grants hand over a relayed fd'
. "$(dirname "$0")/test-lib.sh"

# vA (ns1) <-> vB (ns2) is the granted link; vC (ns1) <-> vD (ns3) is
# another interface of the program's namespace, never granted.
if test_have_prereq SETPRIV,NETNS,PYTHON,RAWOPEN_BUILD && test_rawopen; then
	test_set_prereq RAWOPEN
	test_netns ns1 ns2 ns3
	test_veth $ns1 vA $ns2 vB
	test_veth $ns1 vC $ns3 vD
fi
chmod 0755 "$TRASH"
NB="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"

# peer.py count IFACE MARK: a root peer that prints, in hex, every frame of
# any type that arrives on IFACE, until one holds MARK (exit 0) or for 10
# seconds (exit 1).  peer.py send IFACE SRC TYPE TEXT: sends a broadcast
# frame as prog.py's send builds it, and prints it in hex.
cat >peer.py <<\EOF
import socket, sys
cmd, iface = sys.argv[1], sys.argv[2]
if cmd == "send":
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    f = (b"\xff" * 6 + bytes.fromhex(sys.argv[3]) + bytes.fromhex(sys.argv[4]) +
         sys.argv[5].encode().ljust(46, b"\0"))
    s.send(f)
    print(f.hex())
    sys.exit(0)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((iface, 3))
s.settimeout(10)
print("ready", flush=True)
while True:
    f, a = s.recvfrom(65536)
    if a[2] == socket.PACKET_OUTGOING:
        continue
    print(f.hex(), flush=True)
    if sys.argv[3].encode() in f:
        break
EOF

# prog.py ACTION...: the program rawopen runs, doing each action in turn.
#   info             pid, LISTEN_FDS, LISTEN_PID, the family and type of fd 3
#   send N SRC TYPE TEXT  writes ff:ff:ff:ff:ff:ff, SRC ("me": vA's own
#                    address), TYPE (hex, a tag included), TEXT padded to 46
#                    bytes, or "size:K" for K bytes of payload; "sent N HEX"
#   raw N HEX        writes HEX as it is
#   sendto N IFACE SRC TYPE TEXT  the same frame by sendto(2), addressed
#                    with a sockaddr_ll naming IFACE; "sendto N ok|ERRNO"
#   recv             waits (10 s at most) for one message: "got HEX"
#   hold             forks: the child goes on, with fd 3; the parent exits
#   exit N
cat >prog.py <<\EOF
import ctypes, errno, os, select, socket, struct, sys
def mac(i):
    return bytes.fromhex(open("/sys/class/net/%s/address" % i).read().strip().replace(":", ""))
def frame(src, typ, text):
    src = mac("vA") if src == "me" else bytes.fromhex(src)
    if text.startswith("size:"):
        pay = b"x" * int(text[5:])
    else:
        pay = text.encode().ljust(46, b"\0")
    return b"\xff" * 6 + src + bytes.fromhex(typ) + pay
a = sys.argv[1:]
while a:
    c = a.pop(0)
    if c == "info":
        s = socket.socket(fileno=3)
        print("pid", os.getpid(), "fds", os.environ.get("LISTEN_FDS"),
              "lpid", os.environ.get("LISTEN_PID"), s.family.name, s.type.name)
        s.detach()
    elif c == "send":
        f = frame(a[1], a[2], a[3])
        os.write(3, f)
        print("sent", a[0], f.hex())
        del a[:4]
    elif c == "raw":
        os.write(3, bytes.fromhex(a[1]))
        del a[:2]
    elif c == "sendto":
        f = frame(a[2], a[3], a[4])
        sll = struct.pack("=HHiHBB8s", socket.AF_PACKET, socket.htons(0x88b5),
                          socket.if_nametoindex(a[1]), 0, 0, 6, b"\xff" * 6)
        libc = ctypes.CDLL(None, use_errno=True)
        n = libc.sendto(3, f, len(f), 0, sll, len(sll))
        print("sendto", a[0], "ok" if n == len(f) else errno.errorcode[ctypes.get_errno()])
        del a[:5]
    elif c == "recv":
        sys.stdout.flush()
        if not select.select([3], [], [], 10)[0]:
            sys.exit("prog: nothing received")
        print("got", os.read(3, 65536).hex())
    elif c == "hold":
        if os.fork() != 0:
            os._exit(0)
        print("child", os.getpid())
    elif c == "exit":
        sys.stdout.flush()
        sys.exit(int(a.pop(0)))
    sys.stdout.flush()
EOF
chmod 0644 peer.py prog.py
P="/usr/bin/python3 $TRASH/prog.py"

policy() { printf '%s\n' "$@" >"$POLICY" && chmod 0644 "$POLICY"; }

# relays: the pids of the relays in ns1, processes of uid 65534 named like
# rawopen (once the program runs, rawopen itself is the program).
relays() {
	for _p in $(ip netns pids $ns1); do
		case $(cat /proc/$_p/comm 2>/dev/null) in rawopen*) ;; *) continue ;; esac
		grep -q "^Uid:	65534	" /proc/$_p/status 2>/dev/null && echo $_p
	done
	return 0
}
no_relay() { [ -z "$(relays)" ]; }
one_relay() { [ "$(relays | wc -l)" = 1 ]; }
# gone PID: exited (PID 1 here may leave zombies unreaped).
gone() { ! [ -e /proc/$1 ] || grep -q "^State:	Z" /proc/$1/status; }
# sent_hex N FILE: the hex of the frame prog.py reported as sent under N.
sent_hex() { sed -n "s/^sent $1 //p" "$2"; }

test_expect_success RAWOPEN 'the fd is AF_UNIX SOCK_SEQPACKET; the program has rawopen pid and status' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	test_bg rp ip netns exec $ns1 $NB "$RAWOPEN" vA 0x88b5 -- \
		sh -c "echo \$\$; exec $P info exit 7" >out &&
	rc=0 && wait $rp || rc=$? &&
	test $rc = 7 &&
	echo "$rp" >expect &&
	echo "pid $rp fds 1 lpid $rp AF_UNIX SOCK_SEQPACKET" >>expect &&
	test_cmp expect out
'

# A relay that cannot start (8 MiB of address space: no ring, no buffers)
# ends before its hello: the program is not run on a dead relay.
test_expect_success RAWOPEN,NOSANITIZE 'a relay that ends before it is ready ends the run: 111, said' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	test_expect_code 111 ip netns exec $ns1 $NB prlimit --as=$((8 << 20)) \
		"$RAWOPEN" vA 0x88b5 -- sh -c "echo ran" >out 2>err &&
	test_line_count = 0 out &&
	test_grep "^rawopen: vA: the relay ended before it was ready$" err
'

test_expect_success RAWOPEN 'good frames go both ways, byte for byte; nothing dropped, nothing said' '
	test_bg peer nsrun $ns2 /usr/bin/python3 peer.py count vB good >peer.out &&
	wait_for grep -q ready peer.out &&
	test_bg rp ip netns exec $ns1 $NB "$RAWOPEN" vA 0x88b5 -- \
		$P send good me 88b5 good recv >out 2>err &&
	wait_for grep -q "^sent" out &&
	wait $peer &&
	sent_hex good out >expect && sed 1d peer.out >got && test_cmp expect got &&
	nsrun $ns2 /usr/bin/python3 peer.py send vB 020000000001 88b5 from-wire >expect &&
	wait $rp &&
	sed -n "s/^got //p" out >got && test_cmp expect got &&
	wait_for no_relay && test_line_count = 0 err
'

# The relay's end is named for what was granted, so ethsend needs no -t
# and no -s for payload input: rawopen(1)'s first example, as nobody.
test_expect_success RAWOPEN 'echo | rawopen IFACE TYPE -- ethsend: type and source from the relay' '
	test_bg peer nsrun $ns2 /usr/bin/python3 peer.py count vB hello-relay >peer.out &&
	wait_for grep -q ready peer.out &&
	echo hello-relay | ip netns exec $ns1 $NB "$RAWOPEN" vA 0x88b5 -- \
		ethsend 2>err &&
	wait $peer &&
	own=$(nsrun $ns1 cat /sys/class/net/vA/address | tr -d :) &&
	test_grep "^ffffffffffff${own}88b568656c6c6f2d72656c61790a" peer.out &&
	test_grep "^ethsend: 1 frame sent" err
'

test_expect_success RAWOPEN 'bad frames are dropped, counted, and never reach the wire' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	nsrun $ns1 cat /sys/class/net/vA/mtu >mtu && mtu=$(cat mtu) &&
	test_bg peer nsrun $ns2 /usr/bin/python3 peer.py count vB end >peer.out &&
	wait_for grep -q ready peer.out &&
	ip netns exec $ns1 $NB "$RAWOPEN" vA 0x88b5 -- $P \
		send type me 88b6 wrong-type \
		send tagged me 8100000588b6 tagged-wrong-type \
		send foreign 020000000099 88b5 foreign \
		send long me 88b5 size:$((mtu + 1)) \
		raw short ffffffffffff0200000000 \
		send mtu me 88b5 size:$mtu \
		send end me 88b5 end >out 2>err &&
	wait $peer &&
	{ sent_hex mtu out && sent_hex end out; } >expect &&
	sed 1d peer.out >got && test_cmp expect got &&
	wait_for grep -q "relay" err &&
	echo "rawopen: relay vA: 5 frames dropped: 2 wrong ethertype, 1 foreign source address, 2 wrong length" >expect &&
	test_cmp expect err
'

test_expect_success RAWOPEN 'spoof=yes lets a foreign source address out' '
	policy "user:nobody packet iface=vA ethertype=0x88b5 spoof=yes" &&
	test_bg peer nsrun $ns2 /usr/bin/python3 peer.py count vB end >peer.out &&
	wait_for grep -q ready peer.out &&
	ip netns exec $ns1 $NB "$RAWOPEN" vA 0x88b5 -- $P \
		send foreign 020000000099 88b5 foreign \
		send end me 88b5 end >out 2>err &&
	wait $peer &&
	{ sent_hex foreign out && sent_hex end out; } >expect &&
	sed 1d peer.out >got && test_cmp expect got &&
	wait_for no_relay && test_line_count = 0 err
'

# The summary line shows the relay has handled every frame written: only
# then does a marker from root go out on vA.
test_expect_success RAWOPEN 'send=no: nothing written goes out, frames still come in' '
	policy "user:nobody packet iface=vA ethertype=0x88b5 send=no" &&
	test_bg peer nsrun $ns2 /usr/bin/python3 peer.py count vB end >peer.out &&
	wait_for grep -q ready peer.out &&
	test_bg rp ip netns exec $ns1 $NB "$RAWOPEN" vA 0x88b5 -- \
		$P send good me 88b5 good recv >out 2>err &&
	wait_for grep -q "^sent" out &&
	nsrun $ns2 /usr/bin/python3 peer.py send vB 020000000001 88b5 from-wire >expect &&
	wait $rp &&
	sed -n "s/^got //p" out >got && test_cmp expect got &&
	wait_for grep -q relay err &&
	echo "rawopen: relay vA: 1 frame dropped: 1 under send=no" >expect &&
	test_cmp expect err &&
	nsrun $ns1 /usr/bin/python3 peer.py send vA 020000000001 88b5 end >expect &&
	wait $peer &&
	sed 1d peer.out >got && test_cmp expect got
'

# On a connected SOCK_SEQPACKET socket the kernel either refuses the
# address or (Linux, unix_seqpacket_sendmsg) ignores it: either way the
# frame may only leave by vA.
# On a tun device bytes 6-13 are IP header, not a source address and an
# ethertype: the relay could not check what it sends (review F2).
test_expect_success RAWOPEN 'send=iface on an interface that is not Ethernet: refused' '
	policy "user:nobody packet iface=fdrt* ethertype=0x88b5 spoof=yes" \
		"user:nobody packet iface=fdrn* ethertype=0x88b5 send=no" &&
	nsrun $ns1 ip tuntap add mode tun name fdrt0 &&
	nsrun $ns1 ip tuntap add mode tun name fdrn0 &&
	test_expect_code 1 ip netns exec $ns1 $NB "$RAWOPEN" fdrt0 0x88b5 -- \
		touch "$TRASH/ran" 2>err &&
	test_grep "^rawopen: refused: fdrt0: not an Ethernet interface" err &&
	test_expect_code 1 ip netns exec $ns1 $NB "$RAWOPEN" -x fdrt0 0x88b5 -- \
		true >out 2>err &&
	! test -e ran &&
	ip netns exec $ns1 $NB "$RAWOPEN" fdrn0 0x88b5 -- true &&
	nsrun $ns1 ip tuntap del mode tun name fdrt0 &&
	nsrun $ns1 ip tuntap del mode tun name fdrn0
'

test_expect_success RAWOPEN 'sendto(2) naming another interface cannot reach it' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	test_bg peerB nsrun $ns2 /usr/bin/python3 peer.py count vB good >peerB.out &&
	test_bg peerD nsrun $ns3 /usr/bin/python3 peer.py count vD end >peerD.out &&
	wait_for grep -q ready peerB.out && wait_for grep -q ready peerD.out &&
	ip netns exec $ns1 $NB "$RAWOPEN" vA 0x88b5 -- $P \
		sendto escape vC me 88b5 escape send good me 88b5 good >out 2>err &&
	wait $peerB &&
	if grep -qx "sendto escape ok" out; then
		test_line_count = 3 peerB.out && test_grep 657363617065 peerB.out
	else
		test_grep -E "^sendto escape E(ISCONN|INVAL|OPNOTSUPP)$" out &&
		test_line_count = 2 peerB.out
	fi &&
	wait_for no_relay &&
	nsrun $ns1 /usr/bin/python3 peer.py send vC 020000000001 88b5 end >expect &&
	wait $peerD &&
	sed 1d peerD.out >got && test_cmp expect got
'

# relay_setup FILE: waits for the one relay, puts its pid in $relay and
# the program's (from prog.py's "pid" line in FILE) in $prog.
relay_setup() {
	wait_for grep -q "^pid" "$1" && prog=$(awk "/^pid/ { print \$2 }" "$1") &&
	wait_for one_relay && relay=$(relays)
}

test_expect_success RAWOPEN 'the relay: no capability, no_new_privs, not dumpable, not the child, five fds' '
	rm -f err &&
	test_bg rp ip netns exec $ns1 $NB "$RAWOPEN" vA 0x88b5 -- $P info recv >out 2>err &&
	relay_setup out &&
	st=/proc/$relay/status &&
	test_grep -x "Uid:	65534	65534	65534	65534" $st &&
	for c in CapInh CapPrm CapEff CapAmb; do
		test_grep -x "$c:	0000000000000000" $st || return 1
	done &&
	test_grep -x "NoNewPrivs:	1" $st &&
	test_grep "^PPid:" $st && ! grep -qx "PPid:	$prog" $st &&
	# A process that is not dumpable has its /proc files owned by root.
	test "$(stat -c %u /proc/$relay/fd)" = 0 &&
	test "$(stat -c %u /proc/$prog/fd)" = 65534 &&
	ls /proc/$relay/fd >fds && printf "0\n1\n2\n3\n4\n" >expect &&
	test_cmp expect fds &&
	readlink /proc/$relay/fd/0 /proc/$relay/fd/1 >got &&
	printf "/dev/null\n/dev/null\n" >expect && test_cmp expect got &&
	readlink /proc/$relay/fd/3 /proc/$relay/fd/4 | grep -c "^socket:" >got &&
	echo 2 >expect && test_cmp expect got &&
	cat >grab.py <<-\EOF &&
	import ctypes, errno, os, sys
	libc = ctypes.CDLL(None, use_errno=True)
	for pid in map(int, sys.argv[1:]):
	    pfd = os.pidfd_open(pid)
	    r = libc.syscall(438, pfd, 3, 0)        # pidfd_getfd
	    e1 = "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]
	    r = libc.ptrace(16, pid, 0, 0)          # PTRACE_ATTACH
	    e2 = "ok" if r == 0 else errno.errorcode[ctypes.get_errno()]
	    print(pid, e1, e2)
	EOF
	chmod 0644 grab.py &&
	$NB /usr/bin/python3 grab.py $relay >got &&
	echo "$relay EPERM EPERM" >expect && test_cmp expect got &&
	nsrun $ns2 /usr/bin/python3 peer.py send vB 020000000001 88b5 bye >/dev/null &&
	wait $rp
'

test_expect_success RAWOPEN 'the relay lives while any holder keeps the fd, and ends after the last' '
	rm -f err &&
	test_bg rp ip netns exec $ns1 $NB "$RAWOPEN" vA 0x88b5 -- $P info hold recv >out 2>err &&
	relay_setup out &&
	wait $rp &&
	child=$(awk "/^child/ { print \$2 }" out) && test -n "$child" &&
	test_kill_at_end $child &&
	! gone $relay &&
	nsrun $ns2 /usr/bin/python3 peer.py send vB 020000000001 88b5 to-child >expect &&
	wait_for gone $child && wait_for gone $relay &&
	sed -n "s/^got //p" out >got && test_cmp expect got &&
	test_line_count = 0 err
'

# A signal the relay does not ignore would kill it before it handled the
# frame sent after it.
test_expect_success RAWOPEN 'the relay ignores SIGINT, SIGQUIT, SIGHUP, SIGPIPE' '
	rm -f err &&
	test_bg rp ip netns exec $ns1 $NB "$RAWOPEN" vA 0x88b5 -- $P info recv >out 2>err &&
	relay_setup out &&
	ign=$(sed -n "s/^SigIgn:	//p" /proc/$relay/status) &&
	test $(( 0x$ign & 0x1007 )) = $(( 0x1007 )) &&
	kill -INT $relay && kill -QUIT $relay && kill -HUP $relay &&
	nsrun $ns2 /usr/bin/python3 peer.py send vB 020000000001 88b5 after-int >expect &&
	wait $rp &&
	sed -n "s/^got //p" out >got && test_cmp expect got &&
	wait_for gone $relay
'

test_expect_success RAWOPEN 'root gets the AF_PACKET socket itself, with a rule or without' '
	policy "user:root packet iface=vA ethertype=0x88b5 send=no" &&
	for r in "$RAWOPEN" "$RAWOPEN_SUID"; do
		nsrun $ns1 "$r" vA 0x88b5 -- $P info >out &&
		test_grep " AF_PACKET SOCK_RAW$" out || return 1
	done &&
	policy "user:root packet iface=vB ethertype=0x1234" &&
	nsrun $ns1 "$RAWOPEN" vA 0x88b5 -- $P info >out &&
	test_grep " AF_PACKET SOCK_RAW$" out
'

test_expect_success RAWOPEN '-x says which kind of fd each send= gives' '
	for s in iface no any; do
		policy "user:nobody packet iface=vA ethertype=0x88b5 send=$s" &&
		ip netns exec $ns1 $NB "$RAWOPEN" -x vA 0x88b5 -- true >x.$s || return 1
	done &&
	test_grep -F "relayed (AF_UNIX SOCK_SEQPACKET" x.iface &&
	test_grep -F "send=iface): frames go out on this interface only" x.iface &&
	test_grep -F "relayed (AF_UNIX SOCK_SEQPACKET" x.no &&
	test_grep -F "send=no): receive only" x.no &&
	test_grep -F "the AF_PACKET socket itself (send=any): it can send any frame on every interface" x.any &&
	! grep -F "relayed" x.any
'

test_expect_success RAWOPEN 'the setuid copy relays the same way, as the caller' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	test_bg peer nsrun $ns2 /usr/bin/python3 peer.py count vB good >peer.out &&
	wait_for grep -q ready peer.out &&
	test_bg rp ip netns exec $ns1 $NB "$RAWOPEN_SUID" vA 0x88b5 -- \
		$P info send good me 88b5 good recv >out 2>err &&
	relay_setup out &&
	test_grep " AF_UNIX SOCK_SEQPACKET$" out &&
	test_grep -x "Uid:	65534	65534	65534	65534" /proc/$relay/status &&
	test_grep -x "CapEff:	0000000000000000" /proc/$relay/status &&
	wait $peer &&
	sent_hex good out >expect && sed 1d peer.out >got && test_cmp expect got &&
	nsrun $ns2 /usr/bin/python3 peer.py send vB 020000000001 88b5 from-wire >expect &&
	wait $rp &&
	sed -n "s/^got //p" out >got && test_cmp expect got &&
	wait_for no_relay && test_line_count = 0 err
'

test_done
