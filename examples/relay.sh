#!/bin/sh
# relay.sh [BUILD_DIR]: a two-interface frame relay in one line of shell.
#
#	ns1 [v1] <-> [r1] relay [r3] <-> [v3] ns3
#
# In the middle namespace two pipelines relay ethertype 0x88b5 both ways:
#	ethrecv r1 0x88b5 | ethsend r3 0x88b5
#	ethrecv r3 0x88b5 | ethsend r1 0x88b5
# ethrecv leaves out the frames its host sends (-Q in, the default), so
# what one pipeline sends out is never picked up by the other: no loop.
# Three frames go from ns1 to ns3 and one from ns3 back to ns1; then each
# relay must have carried exactly those.  Run as root; the tools are taken
# from BUILD_DIR, else from PATH.  Exits 0 when every frame arrived once.
set -eu

if [ $# -gt 0 ]; then PATH=$(cd "$1" && pwd):$PATH; fi
[ "$(id -u)" = 0 ] || { echo "relay.sh: run as root" >&2; exit 100; }
for t in ethsend ethrecv; do
	command -v $t >/dev/null ||
		{ echo "relay.sh: $t not found: give the build dir" >&2; exit 100; }
done

NS1=fdcrelay1.$$ NS2=fdcrelay2.$$ NS3=fdcrelay3.$$
DIR=$(mktemp -d /tmp/fdcap-relay.XXXXXX)
cleanup() {
	for ns in "$NS1" "$NS2" "$NS3"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null || :; done
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

fail() { echo "relay.sh: $*" >&2; exit 1; }
# until_true SECONDS CMD...: poll CMD every 50 ms, give up after SECONDS.
until_true() {
	n=$(($1 * 20)); shift
	until "$@" 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || return 1
		sleep 0.05
	done
}
# bound NS N: N packet sockets in NS are bound to 0x88b5.
bound() { [ "$(ip netns exec "$1" awk '$4 == "88b5"' /proc/net/packet | wc -l)" = "$2" ]; }

for ns in "$NS1" "$NS2" "$NS3"; do ip netns add "$ns"; done
ip -n "$NS1" link add v1 type veth peer name r1 netns "$NS2"
ip -n "$NS3" link add v3 type veth peer name r3 netns "$NS2"
ip -n "$NS1" link set v1 up
ip -n "$NS2" link set r1 up
ip -n "$NS2" link set r3 up
ip -n "$NS3" link set v3 up

echo "== the relay in $NS2: r1 -> r3 and r3 -> r1"
ip netns exec "$NS2" ethrecv r1 0x88b5 2>"$DIR/fwd" | ip netns exec "$NS2" ethsend -q r3 0x88b5 &
FWD=$!
ip netns exec "$NS2" ethrecv r3 0x88b5 2>"$DIR/rev" | ip netns exec "$NS2" ethsend -q r1 0x88b5 &
REV=$!
# Each half says when its socket is ready: wait for that, not for a time.
until_true 10 grep -q "^ethrecv: listening on r1 " "$DIR/fwd" &&
	until_true 10 grep -q "^ethrecv: listening on r3 " "$DIR/rev" ||
	fail "the relay did not start"

echo "== receivers on v3 (3 frames) and v1 (1 frame)"
ip netns exec "$NS3" ethrecv -c 3 -t 10 -w text v3 0x88b5 >"$DIR/at3" 2>/dev/null &
AT3=$!
ip netns exec "$NS1" ethrecv -c 1 -t 10 -w text v1 0x88b5 >"$DIR/at1" 2>/dev/null &
AT1=$!
until_true 10 bound "$NS1" 1 && until_true 10 bound "$NS3" 1 || fail "no receivers"

echo "== ns1 sends three frames, ns3 answers with one"
printf 'one\ntwo\nthree\n' | ip netns exec "$NS1" ethsend -q v1 0x88b5
wait "$AT3"
echo 'back from ns3' | ip netns exec "$NS3" ethsend -q v3 0x88b5
wait "$AT1"
echo "arrived on v3 in $NS3:"; cat "$DIR/at3"
echo "arrived on v1 in $NS1:"; cat "$DIR/at1"

# Stop the relay's receivers: each says how many frames it took, and the
# ethsend behind it ends at the end of its input.
for p in $(ip netns pids "$NS2"); do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" != ethrecv ] || kill "$p"
done
wait "$FWD" "$REV" || :
echo "relay r1 -> r3: $(tail -n 1 "$DIR/fwd")"
echo "relay r3 -> r1: $(tail -n 1 "$DIR/rev")"

[ "$(wc -l <"$DIR/at3")" = 3 ] || fail "ns3 did not get the three frames"
[ "$(wc -l <"$DIR/at1")" = 1 ] || fail "ns1 did not get the answer"
grep -q '^ethrecv: 3 frames received' "$DIR/fwd" &&
	grep -q '^ethrecv: 1 frame received' "$DIR/rev" || fail "the relay did not carry each frame once"
echo "every frame crossed once, none came back"
