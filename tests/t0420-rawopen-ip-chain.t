#!/bin/sh
test_description='rawopen: raw IP and privileged-port sockets handed over
and used by an unprivileged program; rawopen chained with fdrecv'
. "$(dirname "$0")/test-lib.sh"

if test_have_prereq SETPRIV,NETNS,PYTHON,RAWOPEN_BUILD && test_rawopen; then
	test_set_prereq RAWOPEN
	test_netns ns
	ip -n "$ns" -6 addr add ::1/128 dev lo 2>/dev/null
	test_veth $ns vA $ns vB
	printf '%s\n' \
		"user:nobody ip proto=icmp,icmpv6" \
		"user:nobody port proto=tcp,udp port=80,53" \
		"user:nobody packet iface=vA ethertype=0x88b5" >"$POLICY"
	chmod 0644 "$POLICY"
fi
chmod 0755 "$TRASH"

# sock.py: what each handed fd is, as the kernel says (family, type,
# protocol, bound port), and, with "ping", whether a raw ICMP echo request
# sent through fd 3 gets its reply.
cat >sock.py <<\EOF
import os, socket, sys
n = int(os.environ["LISTEN_FDS"]) if os.environ.get("LISTEN_PID") == str(os.getpid()) else 0
names = os.environ.get("LISTEN_FDNAMES", "").split(":")
print("uid", os.getuid(), "fds", n, "names", ":".join(names[:n]))
for i in range(n):
    s = socket.socket(fileno=3 + i)
    kind = {socket.SOCK_RAW: "raw", socket.SOCK_STREAM: "stream",
            socket.SOCK_DGRAM: "dgram"}[s.type]
    fam = {socket.AF_INET: "inet", socket.AF_INET6: "inet6",
           socket.AF_PACKET: "packet"}[s.family]
    line = "fd %d %s %s proto %d" % (3 + i, fam, kind, s.proto)
    if kind != "raw":
        line += " port %d" % s.getsockname()[1]
    print(line, flush=True)
    if fam == "inet" and kind == "raw" and sys.argv[1:] == ["ping"]:
        pkt = bytearray(b"\x08\x00\x00\x00\x00\x07\x00\x01fdcap!")
        c = sum(int.from_bytes(pkt[j:j + 2], "big") for j in range(0, len(pkt), 2))
        c = (c >> 16) + (c & 0xffff)
        c += c >> 16
        pkt[2:4] = (~c & 0xffff).to_bytes(2, "big")
        s.sendto(bytes(pkt), ("127.0.0.1", 0))
        s.settimeout(5)
        while True:
            d = s.recv(2048)
            if d[20] == 0 and d[24:26] == b"\x00\x07":
                print("echo reply", d[28:].decode(), flush=True)
                break
    s.detach()
EOF
chmod 0644 sock.py

nobody() {
	nsrun $ns setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$@"
}

test_expect_success RAWOPEN 'an unprivileged program pings through a raw ICMP socket' '
	nobody "$RAWOPEN" --ip icmp -- /usr/bin/python3 "$TRASH/sock.py" ping >out &&
	printf "%s\n" "uid 65534 fds 1 names icmp" "fd 3 inet raw proto 1" \
		"echo reply fdcap!" >expect &&
	test_cmp expect out
'

test_expect_success RAWOPEN '--ip6, --udp and --tcp on privileged ports, in order, on 3 to 6' '
	nobody "$RAWOPEN" --ip icmp --ip6 icmpv6 --udp 53 --tcp "[::1]:80" -- \
		/usr/bin/python3 "$TRASH/sock.py" >out &&
	printf "%s\n" "uid 65534 fds 4 names icmp:icmpv6:udp-53:tcp-80" \
		"fd 3 inet raw proto 1" "fd 4 inet6 raw proto 58" \
		"fd 5 inet dgram proto 17 port 53" \
		"fd 6 inet6 stream proto 6 port 80" >expect &&
	test_cmp expect out
'

test_expect_success RAWOPEN 'the tcp socket listens: a client connects to port 80' '
	cat >srv.py <<-\EOF &&
	import socket
	c, _ = socket.socket(fileno=3).accept()
	c.sendall(b"hello from port 80\n")
	EOF
	chmod 0644 srv.py &&
	test_bg srv nobody "$RAWOPEN" --tcp 127.0.0.1:80 -- /usr/bin/python3 "$TRASH/srv.py" &&
	wait_for nsrun $ns sh -c "grep -q \"0100007F:0050 .* 0A \" /proc/net/tcp" &&
	nsrun $ns /usr/bin/python3 -c "import socket; print(socket.create_connection((\"127.0.0.1\", 80), timeout=5).recv(100).decode(), end=\"\")" >out &&
	echo "hello from port 80" >expect && test_cmp expect out
'

test_expect_success RAWOPEN 'rawopen -- fdrecv: the socket on 3, the received fds from 4' '
	touch log && chmod 0666 log &&
	test_bg chain nobody "$RAWOPEN" vA 0x88b5 -- fdrecv "@fdc$test_tag" -- \
		sh -c "echo \$LISTEN_FDS \$LISTEN_FDNAMES; readlink /proc/\$\$/fd/3 /proc/\$\$/fd/4; echo via-fd-4 >&4" >out &&
	wait_for nsrun $ns grep -q "@fdc$test_tag" /proc/net/unix &&
	nsrun $ns fdsend "@fdc$test_tag" 5=log 5>>"$TRASH/log" &&
	wait $chain &&
	head -n 1 out >got && echo "2 vA:log" >expect && test_cmp expect got &&
	sed -n 2p out | grep -q "^socket:" &&
	sed -n 3p out >got && echo "$TRASH/log" >expect && test_cmp expect got &&
	echo via-fd-4 >expect && test_cmp expect log
'

test_done
