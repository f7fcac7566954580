#!/bin/sh
# capture.sh [BUILD_DIR]: what crosses an interface, read by tcpdump.
#
# Two network namespaces joined by a veth pair va <-> vb.  On vb,
#	ethrecv -U vb all | tcpdump -nr -
# captures every frame and tcpdump decodes it as it comes (-U: ethrecv
# writes each frame at once, for a live reader), while ethsend on va sends
# a line of text on 0x88b5, the same on VLAN 5, and an ARP request written
# in hex.  Run as root; the tools are taken from BUILD_DIR, else from PATH.
# Exits 0 when tcpdump saw all three.
set -eu

if [ $# -gt 0 ]; then PATH=$(cd "$1" && pwd):$PATH; fi
[ "$(id -u)" = 0 ] || { echo "capture.sh: run as root" >&2; exit 100; }
for t in ethsend ethrecv tcpdump; do
	command -v $t >/dev/null ||
		{ echo "capture.sh: $t not found (the build dir? make deps?)" >&2; exit 100; }
done

NS1=fdccap1.$$ NS2=fdccap2.$$
OUT=$(mktemp /tmp/fdcap-capture.XXXXXX)
cleanup() {
	for ns in "$NS1" "$NS2"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null || :; done
		ip netns del "$ns" 2>/dev/null
	done
	rm -f "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

fail() { echo "capture.sh: $*" >&2; exit 1; }
# until_true SECONDS CMD...: poll CMD every 50 ms, give up after SECONDS.
until_true() {
	n=$(($1 * 20)); shift
	until "$@" 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || return 1
		sleep 0.05
	done
}
# bound NS PROTO: a packet socket in NS is bound to PROTO (0003 is all).
bound() { ip netns exec "$1" awk -v p="$2" '$4 == p { f = 1 } END { exit !f }' /proc/net/packet; }

ip netns add "$NS1"
ip netns add "$NS2"
ip -n "$NS1" link add va type veth peer name vb netns "$NS2"
# No IPv6 autoconfiguration: the capture holds only what we send.
ip netns exec "$NS1" sysctl -qw net.ipv6.conf.va.disable_ipv6=1
ip netns exec "$NS2" sysctl -qw net.ipv6.conf.vb.disable_ipv6=1
ip -n "$NS1" link set va up
ip -n "$NS2" link set vb up

echo "== on vb: ethrecv -U -c 3 vb all | tcpdump -enr -"
ip netns exec "$NS2" ethrecv -U -c 3 -t 10 vb all 2>/dev/null |
	tcpdump -enr - >"$OUT" 2>/dev/null &
CAP=$!
until_true 10 bound "$NS2" 0003 || fail "the capture did not start"

echo "== on va: a line, a line on VLAN 5, an ARP request"
echo 'hello, tcpdump' | ip netns exec "$NS1" ethsend -q va 0x88b5
echo 'hello, VLAN 5' | ip netns exec "$NS1" ethsend -q -v 5 va 0x88b5
#      to            from          ARP  Ethernet/IPv4 request  from ...            10.0.0.1  to ?          10.0.0.2
echo 'ffffffffffff 020000000001 0806 0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002' |
	ip netns exec "$NS1" ethsend -q -f hex va arp
wait "$CAP" || :
echo "tcpdump read:"
cat "$OUT"

# One line per frame starts with its time; unknown ethertypes add hex lines.
[ "$(grep -c '^[0-9][0-9]:' "$OUT")" = 3 ] || fail "tcpdump did not see the three frames"
grep -q 'ethertype Unknown (0x88b5)' "$OUT" &&
	grep -q 'vlan 5' "$OUT" &&
	grep -q 'Request who-has 10.0.0.2 tell 10.0.0.1' "$OUT" || fail "a frame is not what was sent"
