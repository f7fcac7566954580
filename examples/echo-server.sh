#!/bin/sh
# echo-server.sh [BUILD_DIR]: a frame server on ethertype 0x88b5.
#
# Two network namespaces joined by a veth pair va <-> vb.  On vb, rawopen
# opens the socket as root, drops to uid nobody and hands it to
#	ethrecv -e -- tr a-z A-Z
# which answers every frame with its payload in capital letters.  On va a
# client sends one line with ethsend and prints the answer that
# ethrecv -c 1 gets back.  Run as root; the tools are taken from BUILD_DIR,
# else from PATH.  Exits 0 when the answer came, 1 when it did not.
set -eu

if [ $# -gt 0 ]; then PATH=$(cd "$1" && pwd):$PATH; fi
[ "$(id -u)" = 0 ] || { echo "echo-server.sh: run as root" >&2; exit 100; }
for t in rawopen ethsend ethrecv; do
	command -v $t >/dev/null ||
		{ echo "echo-server.sh: $t not found: give the build dir" >&2; exit 100; }
done

CLIENT=fdcecho-c.$$ SERVER=fdcecho-s.$$
# The server runs as nobody, who must be able to execute ethrecv: a copy
# in a directory anybody may traverse (the build dir may be under /root).
BIN=$(mktemp -d /tmp/fdcap-echo.XXXXXX)
cleanup() {
	[ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	ip netns del "$CLIENT" 2>/dev/null
	ip netns del "$SERVER" 2>/dev/null
	rm -rf "$BIN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
chmod 0755 "$BIN"
cp "$(command -v ethrecv)" "$BIN/"

# until SECONDS CMD...: poll CMD every 50 ms, give up after SECONDS.
until_true() {
	n=$(($1 * 20)); shift
	until "$@" 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || return 1
		sleep 0.05
	done
}
# bound NS PROTO: a packet socket in NS is bound to PROTO (hex, 4 digits).
bound() { ip netns exec "$1" awk -v p="$2" '$4 == p { f = 1 } END { exit !f }' /proc/net/packet; }
# ring PID: PID has mapped its receive ring (ethrecv is ready).
ring() { grep -q 'socket:\[' "/proc/$1/maps"; }

ip netns add "$CLIENT"
ip netns add "$SERVER"
ip -n "$CLIENT" link add va type veth peer name vb netns "$SERVER"
ip -n "$CLIENT" link set va up
ip -n "$SERVER" link set vb up

echo "== server on vb: rawopen -u nobody vb 0x88b5 -- ethrecv -e -- tr a-z A-Z"
ip netns exec "$SERVER" rawopen -u nobody vb 0x88b5 -- \
	"$BIN/ethrecv" -e -j 4 -T 2 -- tr a-z A-Z &
SRV=$!
until_true 10 ring "$SRV" || { echo "echo-server.sh: the server did not start" >&2; exit 1; }
echo "server pid $SRV runs as $(stat -c %U "/proc/$SRV")"

echo "== client on va: echo 'hello, frames' | ethsend va 0x88b5"
ip netns exec "$CLIENT" ethrecv -c 1 -t 10 -w payload va 0x88b5 >"$BIN/reply" 2>/dev/null &
CLI=$!
until_true 10 bound "$CLIENT" 88b5 || { echo "echo-server.sh: no client socket" >&2; exit 1; }
echo 'hello, frames' | ip netns exec "$CLIENT" ethsend -q va 0x88b5
wait "$CLI"

# The answer is padded to the 60-byte minimum: the zeros are not text.
reply=$(tr -d '\0' <"$BIN/reply")
echo "the server answered: $reply"
[ "$reply" = "HELLO, FRAMES" ] || { echo "echo-server.sh: no answer" >&2; exit 1; }
