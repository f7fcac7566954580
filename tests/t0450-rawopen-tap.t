#!/bin/sh
test_description='rawopen --tap and --tun: a new device, handed over as an fd'
. "$(dirname "$0")/test-lib.sh"

# Everything happens in $ns, a namespace of the test's own: the devices,
# the bridge, and the peer that talks to the device from the kernel's side.
if test_have_prereq SETPRIV,NETNS,PYTHON,RAWOPEN_BUILD && [ -c /dev/net/tun ] &&
	test_rawopen; then
	test_set_prereq RAWOPEN
	test_netns ns
	# A bridge whose address is set by hand, as rawopen wants it.
	ip -n $ns link add fdtbr type bridge &&
	ip -n $ns link set fdtbr address 02:00:00:00:0b:01 &&
	ip -n $ns link set fdtbr up
	ip -n $ns link add fdtbr2 type bridge
fi
chmod 0755 "$TRASH"

policy() {
	printf '%s\n' "$@" >"$POLICY" && chmod 0644 "$POLICY"
}

# nobody ARGS...: the capability copy of rawopen, as uid 65534, in $ns.
# rawopen opens /dev/net/tun as its caller: udev makes it 0666, some
# containers 0600; in a mount namespace of its own, the caller finds a
# node of the same device there, root's, 0666 (or MODE, with tun_as and
# nobody_tun).
mkdir -m 0755 tundev
tun_as() {
	nsrun $ns unshare -m --propagation private /bin/sh -c '
		mount -t tmpfs -o mode=0755 fdcap-tun "$1" &&
		mknod -m "$2" "$1/tun" c 10 200 &&
		mount --bind "$1/tun" /dev/net/tun || exit 125
		_u=$3 && shift 3
		exec setpriv --reuid=$_u --regid=$_u --clear-groups \
			--inh-caps=-all "$@"' tun_as "$TRASH/tundev" "$@"
}
as_uid() { tun_as 0666 "$@"; }
nobody() { tun_as 0666 65534 "$RAWOPEN" "$@"; }
nobody_tun() { _m=$1 && shift && tun_as "$_m" 65534 "$RAWOPEN" "$@"; }

# prog.py ACTION...: the program rawopen runs.
#   info      LISTEN_FDS, LISTEN_FDNAMES, and what TUNGETIFF says of fd 3
#   up        whether the device is up (its flags, through sysfs of $ns)
#   write HEX writes one frame on fd 3
#   read MARK waits (10 s at most) for a frame on fd 3 that holds MARK (the
#             kernel sends its own, IPv6 neighbour discovery): "got HEX"
#   wait FILE waits until FILE exists
#   persist   makes the device persistent (TUNSETPERSIST: no privilege)
cat >prog.py <<\EOF
import fcntl, os, select, struct, sys, time
args = sys.argv[1:]
while args:
    a = args.pop(0)
    if a == "info":
        ifr = fcntl.ioctl(3, 0x800454d2, b"\0" * 40)      # TUNGETIFF
        name = ifr[:16].rstrip(b"\0").decode()
        flags = struct.unpack("H", ifr[16:18])[0]
        print("fds", os.environ.get("LISTEN_FDS"), "names",
              os.environ.get("LISTEN_FDNAMES"), "dev", name,
              "tap" if flags & 2 else "tun", "nopi" if flags & 0x1000 else "pi",
              flush=True)
    elif a == "up":
        ifr = fcntl.ioctl(3, 0x800454d2, b"\0" * 40)
        name = ifr[:16].rstrip(b"\0").decode()
        f = int(open("/sys/class/net/%s/flags" % name).read(), 0)
        print("up" if f & 1 else "down", flush=True)
    elif a == "write":
        os.write(3, bytes.fromhex(args.pop(0)))
        print("wrote", flush=True)
    elif a == "read":
        mark, end = args.pop(0).encode(), time.time() + 10
        while select.select([3], [], [], max(0, end - time.time()))[0]:
            f = os.read(3, 65536)
            if mark in f:
                print("got", f.hex(), flush=True)
                break
    elif a == "persist":
        fcntl.ioctl(3, 0x400454cb, 1)
        print("persistent", flush=True)
    elif a == "wait":
        f = args.pop(0)
        for i in range(200):
            if os.path.exists(f):
                break
            time.sleep(0.05)
EOF

# peer.py recv IFACE MARK | send IFACE HEX: root, in $ns, on the device
# (IFACE any: every device of $ns, even one not made yet).
cat >peer.py <<\EOF
import socket, sys
cmd, iface = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
if iface != "any":
    s.bind((iface, 3))
if cmd == "send":
    s.send(bytes.fromhex(sys.argv[3]))
    sys.exit(0)
s.settimeout(10)
print("ready", flush=True)
while True:
    f = s.recv(65536)
    if sys.argv[3].encode() in f:
        print("peer got", f.hex(), flush=True)
        break
EOF
# attach.py NAME: attaches a new fd to the existing tap device NAME
# (TUNSETIFF): prints "attached" or the errno's name.
cat >attach.py <<\EOF
import errno, fcntl, os, struct, sys
fd = os.open("/dev/net/tun", os.O_RDWR)
try:
    fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH22x", sys.argv[1].encode(), 0x1002))
    print("attached")
except OSError as e:
    print(errno.errorcode[e.errno])
EOF
chmod 0644 prog.py peer.py attach.py
P="/usr/bin/python3 $TRASH/prog.py"
FRAME=ffffffffffff02000000000188b5$(printf 'tap-frame' | od -An -tx1 | tr -d ' \n')00000000000000000000000000000000000000

# gone NAME: no device of that name in $ns.
gone() { ! ip -n $ns link show dev "$1" >/dev/null 2>&1; }

test_expect_success RAWOPEN 'a tap device by a %d name: fd 3, its real name, up; gone after' '
	policy "user:nobody tap name=fdtap* mode=tap" &&
	nobody --tap "fdtap%d" -- $P info up >out &&
	printf "fds 1 names fdtap0 dev fdtap0 tap nopi\nup\n" >expect &&
	test_cmp expect out &&
	gone fdtap0
'

# What the holder writes into the device must not configure the host: a
# router advertisement would add a default route through it (the
# kernel's defaults take them).  rawopen turns them off before it is up.
test_expect_success RAWOPEN 'the host takes no router advertisement or redirect from the holder' '
	policy "user:nobody tap name=fdtap* mode=tap" "user:nobody tap name=fdtun* mode=tun" &&
	for dev in "--tap fdtap%d" "--tun fdtun%d"; do
		nobody $dev -- sh -c "cd /proc/sys/net && n=\$LISTEN_FDNAMES &&
			cat ipv4/conf/\$n/accept_redirects ipv4/conf/\$n/rp_filter &&
			if test -d ipv6; then cat ipv6/conf/\$n/accept_ra ipv6/conf/\$n/accept_redirects; else echo 0; echo 0; fi" >out &&
		printf "0\n1\n0\n0\n" >expect &&
		test_cmp expect out || return 1
	done
'

test_expect_success RAWOPEN 'frames written on the fd come out of the device, and back' '
	policy "user:nobody tap name=fdtap* mode=tap" &&
	test_bg rp nobody --tap fdtap7 -- $P wait "$TRASH/go" write $FRAME read into-tap >out &&
	wait_for nsrun $ns ip link show dev fdtap7 up &&
	test_bg peer nsrun $ns /usr/bin/python3 peer.py recv fdtap7 tap-frame >peer.out &&
	wait_for grep -q ready peer.out &&
	touch go &&
	wait $peer &&
	echo "peer got $FRAME" >expect && grep "^peer got" peer.out >got &&
	test_cmp expect got &&
	back=ffffffffffff02000000000288b5$(printf "into-tap" | od -An -tx1 | tr -d " \n")0000000000000000000000000000000000000000 &&
	nsrun $ns /usr/bin/python3 peer.py send fdtap7 $back &&
	wait $rp &&
	test_grep -x "got $back" out
'

test_expect_success RAWOPEN 'a tun device, and a device on a granted bridge' '
	policy "user:nobody tap name=fdtun* mode=tun" \
		"user:nobody tap name=fdtb* mode=tap bridge=fdtbr" &&
	nobody --tun fdtun1 -- $P info >out &&
	echo "fds 1 names fdtun1 dev fdtun1 tun nopi" >expect && test_cmp expect out &&
	nobody --tap fdtb1 --bridge fdtbr -- \
		sh -c "ip -o link show dev fdtb1" >out &&
	test_grep " master fdtbr " out &&
	gone fdtb1
'

test_expect_success RAWOPEN 'refused: another name, the wrong mode, another bridge, no bridge= at all' '
	policy "user:nobody tap name=fdtap* mode=tap" \
		"user:nobody tap name=fdtb* mode=tap bridge=fdtbr" &&
	test_expect_code 1 nobody --tap other0 -- touch "$TRASH/ran" 2>err &&
	test_grep -F "may not open tap device other0 (rule needed in $POLICY: user:nobody tap name=other0 mode=tap)" err &&
	test_expect_code 1 nobody --tun fdtap1 -- touch "$TRASH/ran" 2>err &&
	test_grep -F "user:nobody tap name=fdtap1 mode=tun)" err &&
	test_expect_code 1 nobody --tap fdtb2 --bridge fdtbr2 -- touch "$TRASH/ran" 2>err &&
	test_grep -F "bridge=fdtbr2)" err &&
	test_expect_code 1 nobody --tap fdtap2 --bridge fdtbr -- touch "$TRASH/ran" 2>err &&
	! test -e ran && gone other0 && gone fdtap1 && gone fdtb2 && gone fdtap2
'

test_expect_success RAWOPEN 'an existing device is never taken over' '
	policy "user:nobody tap name=fdtap* mode=tap" &&
	ip -n $ns tuntap add fdtapx mode tap &&
	test_expect_code 111 nobody --tap fdtapx -- touch "$TRASH/ran" 2>err &&
	test_grep "^rawopen: fdtapx: a device of that name exists" err &&
	! test -e ran &&
	ip -n $ns tuntap del fdtapx mode tap
'

test_expect_success RAWOPEN 'a device and a packet socket in one rawopen; no capability left' '
	policy "user:nobody tap name=fdtap* mode=tap" \
		"user:nobody packet iface=fdtbr ethertype=0x88b5" &&
	nobody --tap fdtap3 fdtbr 0x88b5 -- sh -c "echo \$LISTEN_FDS \$LISTEN_FDNAMES; grep \"^Cap\(Inh\|Prm\|Eff\|Amb\)\" /proc/\$\$/status" >out &&
	test_grep -x "2 fdtap3:fdtbr" out &&
	test "$(grep -c "	0000000000000000$" out)" = 4
'

test_expect_success RAWOPEN '-x says what a device is, and opens none' '
	policy "user:nobody tap name=fdtap* mode=tap" &&
	nobody -x --tap "fdtap%d" -- true >out &&
	test_grep -F "policy: tap device fdtap%d: granted by $POLICY:1" out &&
	test_grep "^open: fd 3: tap device fdtap%d; a new device, up, owned by the caller, gone when the last holder closes the fd unless a holder makes it persistent" out &&
	gone fdtap0
'

test_expect_success RAWOPEN 'a /dev/net/tun the caller may not open: -x fails as the run does' '
	policy "user:nobody tap name=fdtap* mode=tap" &&
	test_expect_code 111 nobody_tun 0600 -x --tap "fdtap%d" -- true >out 2>err &&
	test_grep -x "rawopen: fdtap%d: /dev/net/tun: Permission denied" err &&
	! grep "^open:" out &&
	test_expect_code 111 nobody_tun 0600 --tap "fdtap%d" -- touch "$TRASH/ran" 2>err &&
	test_grep -x "rawopen: fdtap%d: /dev/net/tun: Permission denied" err &&
	! test -e ran && gone fdtap0
'

# The frames of tcpdump -xx output as one hex line each.
tcpdump_hex() {
	awk '/^\t0x/ { sub(/^\t0x[0-9a-f]+:  /, ""); gsub(/ /, ""); h = h $0; next }
	     { if (h != "") print h; h = "" } END { if (h != "") print h }'
}
command -v tcpdump >/dev/null && test_set_prereq TCPDUMP
# mark TEXT N: a frame to broadcast from 02:00:00:00:00:0N, of type 0x88b5,
# holding TEXT, 60 bytes long.
mark() {
	printf 'ffffffffffff02000000000%s88b5%s' "$2" "$(printf "%s" "$1" | od -An -tx1 | tr -d ' \n')" |
		awk '{ while (length($0) < 120) $0 = $0 "0"; print }'
}

test_expect_success RAWOPEN,TCPDUMP 'ethrecv on a tap fd: what the kernel sends into the device, as pcap' '
	policy "user:nobody tap name=fdtap* mode=tap" &&
	# No IPv6 on new devices: the kernel sends nothing of its own.
	nsrun $ns sysctl -qw net.ipv6.conf.default.disable_ipv6=1 &&
	rm -f err &&
	test_bg rp eval "nobody --tap fdtap5 -- ethrecv -c 3 -w pcap 2>err | tcpdump -r - -nn -xx >td 2>tderr" &&
	wait_for nsrun $ns ip link show dev fdtap5 up &&
	for i in 1 2 3; do
		mark "into-tap-$i" $i >>sent &&
		nsrun $ns /usr/bin/python3 peer.py send fdtap5 $(mark "into-tap-$i" $i) || return 1
	done &&
	wait $rp &&
	tcpdump_hex <td >got &&
	test_cmp sent got &&
	test_grep "link-type EN10MB" tderr &&
	test_grep "^ethrecv: 3 frames received (a tap device'"'"'s fd has no kernel drop counts)" err
'

test_expect_success RAWOPEN 'ethrecv on a tap fd: a frame longer than the snaplen it began with is cut and counted' '
	policy "user:nobody tap name=fdtap* mode=tap" &&
	nsrun $ns sysctl -qw net.ipv6.conf.default.disable_ipv6=1 &&
	rm -f err &&
	test_bg rp eval "nobody --tap fdtap9 -- ethrecv -c 1 -w pcap >cap.pcap 2>err" &&
	wait_for grep -q "listening on fdtap9" err &&
	nsrun $ns ip link set dev fdtap9 mtu 4000 &&
	long=$(mark long 1 | awk "{ while (length(\$0) < 6000) \$0 = \$0 \"ab\"; print }") &&
	nsrun $ns /usr/bin/python3 peer.py send fdtap9 $long &&
	wait $rp &&
	test_grep "^ethrecv: frame 1: 3000 bytes, only 1518 captured" err &&
	test_grep "^ethrecv: 1 frame received.*, 1 truncated to 1518 bytes" err &&
	echo "$long" | cut -c1-3036 >expect &&
	pcap_hex cap.pcap >got &&
	test_cmp expect got
'

test_expect_success RAWOPEN 'ethsend on a tap fd: frames, and payloads from the device'"'"'s address' '
	policy "user:nobody tap name=fdtap* mode=tap" &&
	test_bg peer nsrun $ns /usr/bin/python3 peer.py recv any out-of-tap >peer.out &&
	wait_for grep -q ready peer.out &&
	mark out-of-tap 7 >frames &&
	nobody --tap fdtap6 -- ethsend -f hex <frames 2>err &&
	wait $peer &&
	echo "peer got $(mark out-of-tap 7)" >expect &&
	grep "^peer got" peer.out >got && test_cmp expect got &&
	test_grep "^ethsend: 1 frame sent, 60 bytes, 0 errors" err &&
	test_bg peer nsrun $ns /usr/bin/python3 peer.py recv any a-payload >peer.out &&
	wait_for grep -q ready peer.out &&
	printf a-payload >payload &&
	nobody --tap fdtap6 -- sh -c "tr -d : </sys/class/net/fdtap6/address && exec ethsend -t 0x88b5 <$TRASH/payload" >mac 2>err &&
	wait $peer &&
	test_grep -x "peer got $(mark a-payload 1 | sed "s/^\(.\{12\}\).\{12\}/\1$(cat mac)/")" peer.out
'

test_expect_success RAWOPEN 'a tun fd carries IP packets: ethrecv and ethsend refuse it; -F needs a socket' '
	policy "user:nobody tap name=fdtun* mode=tun" "user:nobody tap name=fdtap* mode=tap" &&
	test_expect_code 100 nobody --tun fdtun2 -- ethrecv -w pcap >out 2>err &&
	test_grep -x "ethrecv: fd 3: fdtun2 is a tun device, which carries IP packets, not Ethernet frames (rawopen --tap makes a tap device)" err &&
	test_expect_code 100 nobody --tun fdtun2 -- ethsend -f hex </dev/null 2>err &&
	test_grep -x "ethsend: fd 3: fdtun2 is a tun device, which carries IP packets, not Ethernet frames (rawopen --tap makes a tap device)" err &&
	test_expect_code 100 nobody --tap fdtap8 -- ethrecv -F "ether proto 0x88b5" -w pcap >out 2>err &&
	test_grep -x "ethrecv: -F needs a packet socket, and fd 3 is the tap device fdtap8'"'"'s" err &&
	test_expect_code 100 nobody --tap fdtap8 -- ethsend </dev/null 2>err &&
	test_grep "give its ethertype with -t" err
'

# QEMU boots nothing (no machine, stopped) but opens the netdev on fd 3,
# as it would with qemu-bridge-helper's fd.
command -v qemu-system-x86_64 >/dev/null && test_set_prereq QEMU
test_expect_success RAWOPEN,QEMU 'QEMU takes the fd: -netdev tap,id=n0,fd=3' '
	policy "user:nobody tap name=fdvm* mode=tap" &&
	printf "info network\nquit\n" | nobody --tap "fdvm%d" -- \
		qemu-system-x86_64 -machine none -nodefaults -display none -S \
		-netdev tap,id=n0,fd=3 -monitor stdio >out 2>err &&
	test_grep "^n0: index=0,type=tap,fd=3" out
'

test_expect_success RAWOPEN 'a holder makes its device persistent: only the caller may attach again' '
	policy "user:nobody tap name=fdtp* mode=tap bridge=fdtbr" &&
	nobody --tap fdtp1 --bridge fdtbr -- $P persist >out &&
	{ nsrun $ns ip -o link show dev fdtp1 >link;
	  as_uid 12345 /usr/bin/python3 "$TRASH/attach.py" fdtp1 >other;
	  as_uid 65534 /usr/bin/python3 "$TRASH/attach.py" fdtp1 >caller;
	  ip -n $ns link del fdtp1; } &&
	echo persistent >expect && test_cmp expect out &&
	test_grep " master fdtbr " link &&
	echo EPERM >expect && test_cmp expect other &&
	echo attached >expect && test_cmp expect caller
'

test_expect_success RAWOPEN 'a bridge by another of its names: the policy sees its own' '
	policy "user:nobody tap name=fdtb* mode=tap bridge=fdtbr*" &&
	ip -n $ns link add fdtsec type bridge &&
	ip -n $ns link set fdtsec address 02:00:00:00:0b:02 &&
	ip -n $ns link property add dev fdtsec altname fdtbr-lab &&
	test_expect_code 1 nobody --tap fdtb4 --bridge fdtbr-lab -- touch "$TRASH/ran" 2>err &&
	test_grep -F "may not open tap device fdtb4 on bridge fdtsec" err &&
	! test -e ran && gone fdtb4
'

test_expect_success RAWOPEN 'a bridge whose address a port could change is refused' '
	policy "user:nobody tap name=fdtb* mode=tap bridge=fdtbr*" &&
	ip -n $ns link add fdtbr3 type bridge &&
	test_expect_code 1 nobody --tap fdtb5 --bridge fdtbr3 -- touch "$TRASH/ran" 2>err &&
	test_grep "^rawopen: refused: --bridge fdtbr3: the bridge.s address is not fixed, so a port.s holder could change it (ip link set fdtbr3 address ... fixes it)$" err &&
	! test -e ran && gone fdtb5
'

test_expect_success RAWOPEN 'a granted bridge name that is no bridge here is refused, not tried' '
	policy "user:nobody tap name=fdtb* mode=tap bridge=fdtbr*" &&
	test_expect_code 1 nobody --tap fdtb6 --bridge fdtbrnone -- touch "$TRASH/ran" 2>err &&
	test_grep "^rawopen: refused: --bridge fdtbrnone: no bridge of that name$" err &&
	! test -e ran && gone fdtb6
'

test_expect_success RAWOPEN 'usage: --bridge needs a device before it, once' '
	test_expect_code 100 nobody --bridge fdtbr --tap fdtap1 -- true 2>err &&
	test_grep "^rawopen: --bridge fdtbr: give it after --tap or --tun" err &&
	test_expect_code 100 nobody --tap "fd/x" -- true 2>err &&
	test_grep "^rawopen: fd/x: bad device name" err &&
	test_expect_code 100 nobody --tap "$(printf "fd\033%%d")" -- true 2>err &&
	test_grep ": bad device name$" err &&
	test_expect_code 100 nobody --tap "fd*%d" -- true 2>err &&
	test_grep "^rawopen: fd\*%d: bad device name$" err
'

test_done
