#!/bin/sh
# demo.sh BUILD_DIR: an unprivileged user speaks raw Ethernet.
#
# Two network namespaces joined by a veth pair; a rawopen with file
# capabilities, and a policy granting uid 65534 ethertype 0x88b5 on one
# end; uid 65534 runs `rawopen vdemoA 0x88b5 -- PROG`, and the frames PROG
# sends arrive on the other end.  Run by `sudo make demo`; everything it
# makes is removed at exit.
set -eu

B=${1:?usage: demo.sh BUILD_DIR}
B=$(cd "$B" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (sudo make demo)" >&2; exit 1; }
: "${FDCAP_CFLAGS:?run through make demo, which sets FDCAP_CFLAGS}"

NS1=fdcdemo1.$$ NS2=fdcdemo2.$$
DIR=$(mktemp -d /var/lib/fdcap-demo.XXXXXX)
cleanup() {
	[ -n "${RECV:-}" ] && kill "$RECV" 2>/dev/null
	ip netns del "$NS1" 2>/dev/null
	ip netns del "$NS2" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
chmod 0755 "$DIR"

say() { printf '\n== %s\n' "$*"; }

say "a rawopen whose policy is $DIR/rawopen.conf, with cap_net_raw=p"
(cd "$SRC" && eval "\"\$FDCAP_CC\" $FDCAP_CFLAGS -URAWOPEN_POLICY \
	-DRAWOPEN_POLICY='\"$DIR/rawopen.conf\"' -o \"$DIR/rawopen\" \
	cmd/rawopen.c $FDCAP_LIBS")
setcap cap_net_raw,cap_net_bind_service=p "$DIR/rawopen"
echo "user:nobody packet iface=vdemoA ethertype=0x88b5" >"$DIR/rawopen.conf"
chmod 0644 "$DIR/rawopen.conf"
getcap "$DIR/rawopen"
cat "$DIR/rawopen.conf"

say "two namespaces, a veth pair vdemoA <-> vdemoB"
ip netns add "$NS1"
ip netns add "$NS2"
ip -n "$NS1" link add vdemoA type veth peer name vdemoB netns "$NS2"
ip -n "$NS1" link set vdemoA up
ip -n "$NS2" link set vdemoB up

say "a receiver on vdemoB (root, in the other namespace)"
cat >"$DIR/recv.py" <<\EOF
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
s.bind(("vdemoB", 0x88b5))
s.settimeout(10)
print("receiver ready", flush=True)
for i in range(3):
    f = s.recv(2048)
    print("vdemoB got:", f[14:].rstrip(b"\0").strip().decode(errors="replace"), flush=True)
EOF
cat >"$DIR/send.py" <<\EOF
import os, sys
print("I am uid", os.getuid(), "with LISTEN_FDS", os.environ["LISTEN_FDS"],
      "named", os.environ["LISTEN_FDNAMES"], flush=True)
for line in sys.stdin:
    os.write(3, b"\xff" * 6 + b"\x02\0\0\0\0\x01\x88\xb5" +
             line.strip().encode().ljust(46, b"\0"))
EOF
chmod 0644 "$DIR/recv.py" "$DIR/send.py"
ip netns exec "$NS2" /usr/bin/python3 "$DIR/recv.py" >"$DIR/recv.out" &
RECV=$!
n=0
until grep -q ready "$DIR/recv.out" 2>/dev/null; do
	n=$((n + 1)); [ $n -lt 200 ] || { echo "demo.sh: no receiver" >&2; exit 1; }
	sleep 0.05
done

as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"

say "uid 65534 asks what it may do: rawopen -x"
ip netns exec "$NS1" $as_nobody "$DIR/rawopen" -x vdemoA 0x88b5 -- true

say "uid 65534 is refused what the policy does not grant"
ip netns exec "$NS1" $as_nobody "$DIR/rawopen" vdemoA 0x88b6 -- true || :

say "uid 65534 sends three frames through the socket rawopen handed over"
if [ -x "$B/ethsend" ]; then
	printf 'hello\nfrom\nnobody\n' |
		ip netns exec "$NS1" $as_nobody "$DIR/rawopen" vdemoA 0x88b5 -- \
		"$B/ethsend"
else
	printf 'hello\nfrom\nnobody\n' |
		ip netns exec "$NS1" $as_nobody "$DIR/rawopen" vdemoA 0x88b5 -- \
		/usr/bin/python3 "$DIR/send.py"
fi
wait "$RECV" || { echo "demo.sh: the frames did not arrive" >&2; exit 1; }
RECV=
cat "$DIR/recv.out"
say "done: no process here ever held a capability it did not need"
