#!/bin/sh
# demo.sh BUILD_DIR: an unprivileged user speaks raw Ethernet, end to end.
#
# Two network namespaces joined by a veth pair vdemoA <-> vdemoB; a
# rawopen with file capabilities, and a policy granting uid 65534 (nobody)
# ethertype 0x88b5 on both ends.  As nobody, on one side
#	rawopen vdemoB 0x88b5 -- ethrecv | tcpdump -enr -
# and on the other
#	printf ... | rawopen vdemoA 0x88b5 -- ethsend
# so that three lines typed as nobody arrive as frames and tcpdump decodes
# them.  Run by `sudo make demo`, which builds the tools and sets the
# FDCAP_* variables used to build this rawopen; everything it makes is
# removed at exit.  Exits 0 when tcpdump saw the three frames.
set -eu

B=${1:?usage: demo.sh BUILD_DIR}
B=$(cd "$B" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (sudo make demo)" >&2; exit 100; }
: "${FDCAP_CFLAGS:?run through make demo, which sets FDCAP_CFLAGS}"
command -v tcpdump >/dev/null || { echo "demo.sh: no tcpdump (make deps)" >&2; exit 100; }

NS1=fdcdemo1.$$ NS2=fdcdemo2.$$
# rawopen's policy must lie in root-owned directories only root may write,
# on a filesystem that honours file capabilities; nobody must be able to
# run what is in it (the build dir may be under /root).
DIR=$(mktemp -d /var/lib/fdcap-demo.XXXXXX)
cleanup() {
	for ns in "$NS1" "$NS2"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null || :; done
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
chmod 0755 "$DIR"

say() { printf '\n== %s\n' "$*"; }
fail() { echo "demo.sh: $*" >&2; exit 1; }
as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"
# until_true SECONDS CMD...: poll CMD every 50 ms, give up after SECONDS.
until_true() {
	n=$(($1 * 20)); shift
	until "$@" 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || return 1
		sleep 0.05
	done
}
# ready NS: an ethrecv runs in NS.  Its fd is relayed (send=iface): the
# packet socket was bound, and its relay reading, before ethrecv started,
# so no frame that comes from now on is lost.
ready() {
	for p in $(ip netns pids "$1"); do
		[ "$(cat "/proc/$p/comm")" = ethrecv ] && return 0
	done
	return 1
}

say "a rawopen whose policy is $DIR/rawopen.conf, with cap_net_raw=p"
(cd "$SRC" && eval "\"\$FDCAP_CC\" $FDCAP_CFLAGS -URAWOPEN_POLICY \
	-DRAWOPEN_POLICY='\"$DIR/rawopen.conf\"' -o \"$DIR/rawopen\" \
	cmd/rawopen.c cmd/rawopen/*.c $FDCAP_LIBS")
setcap cap_net_raw,cap_net_bind_service=p "$DIR/rawopen"
cp "$B/ethsend" "$B/ethrecv" "$DIR/"
printf '%s\n' 'user:nobody packet iface=vdemoA ethertype=0x88b5' \
	'user:nobody packet iface=vdemoB ethertype=0x88b5' >"$DIR/rawopen.conf"
chmod 0644 "$DIR/rawopen.conf"
getcap "$DIR/rawopen"
cat "$DIR/rawopen.conf"

say "two namespaces, a veth pair vdemoA <-> vdemoB"
ip netns add "$NS1"
ip netns add "$NS2"
ip -n "$NS1" link add vdemoA type veth peer name vdemoB netns "$NS2"
ip -n "$NS1" link set vdemoA up
ip -n "$NS2" link set vdemoB up

say "uid 65534 asks what it may do: rawopen -x"
ip netns exec "$NS1" $as_nobody "$DIR/rawopen" -x vdemoA 0x88b5 -- "$DIR/ethsend"

say "uid 65534 is refused what the policy does not grant"
ip netns exec "$NS1" $as_nobody "$DIR/rawopen" vdemoA 0x88b6 -- "$DIR/ethsend" &&
	fail "rawopen granted 0x88b6" || echo "(exit status $?)"

say "uid 65534 on vdemoB: rawopen vdemoB 0x88b5 -- ethrecv -U -c 3 | tcpdump -enr -"
ip netns exec "$NS2" $as_nobody "$DIR/rawopen" vdemoB 0x88b5 -- \
	"$DIR/ethrecv" -U -c 3 -t 10 2>"$DIR/recv.err" |
	$as_nobody tcpdump -enr - >"$DIR/tcpdump.out" 2>&1 &
RECV=$!
until_true 10 ready "$NS2" || fail "ethrecv did not start on vdemoB"

say "uid 65534 on vdemoA: printf 'hello\\nfrom\\nnobody\\n' | rawopen vdemoA 0x88b5 -- ethsend"
printf 'hello\nfrom\nnobody\n' |
	ip netns exec "$NS1" $as_nobody "$DIR/rawopen" vdemoA 0x88b5 -- "$DIR/ethsend"
wait "$RECV" || :
cat "$DIR/recv.err" "$DIR/tcpdump.out"
[ "$(grep -c 'ethertype Unknown (0x88b5)' "$DIR/tcpdump.out")" = 3 ] ||
	fail "the frames did not arrive"
say "done: no process here ever held a capability it did not need"
