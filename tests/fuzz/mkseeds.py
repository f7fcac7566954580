#!/usr/bin/python3
"""mkseeds.py: writes the seed corpora of the fuzz harnesses.

    /usr/bin/python3 tests/fuzz/mkseeds.py [DIR]

DIR defaults to tests/fuzz/corpus next to this script; each harness NAME
gets DIR/NAME/, emptied first.  The seeds are small and each one shows the
fuzzer a different corner: every byte order and magic of pcap and pcapng,
every text format, every kind of policy rule.  Everything is built here
with struct.pack, so that no tool's quirks end up in the corpus and the
files can be regenerated at will.
"""

import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def write(base, name, files):
    d = os.path.join(base, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for fname, data in files.items():
        if isinstance(data, str):
            data = data.encode()
        with open(os.path.join(d, fname), "wb") as f:
            f.write(data)


# --- policy: rawopen.conf(5) -------------------------------------------

# The examples of the man page, with principals that exist on Debian's
# base system (alice, netlab... would only be unknown names), and lines
# that sit on the edges of the grammar.
POLICY = {
    'tap': b'* tap name=fdtap*,vm[0-9] mode=tap,tun bridge=br0,lab*\nuser:nobody tap name=t%d mode=tip\n',
    'part2-addr': b'* port proto=tcp,udp port=80,443 addr=127.0.0.1,::1,0.0.0.0,::,::ffff:10.0.0.1\nuser:www-data port proto=udp port=53 addr=2001:db8::53\n',
    'part2-bad': b'* packet iface=eth0 ethertype=1 send=maybe\n* packet iface=eth0 ethertype=1 send=no spoof=yes\n* packet iface=eth0 ethertype=1 send=any spoof=no\n* port proto=tcp port=80 addr=300.1.1.1,[::1]\n* packet iface=eth0 ethertype=1 outgoing=1 addr=::1\n* port proto=tcp port=80 addr=::1 addr=::2\n',
    'part2-send': b'* packet iface=eth0 ethertype=0x88b5 send=iface spoof=no outgoing=yes\nuser:nobody packet iface=veth* ethertype=0x88b5,0x9000-0x90ff,4 send=any spoof=yes\ngroup:staff packet iface=eth1 ethertype=all send=no outgoing=no filter="not port 22"\n* packet iface=eth2 ethertype=none,0x88b5 spoof=yes\n',
    "manpage": """# principal    kind    key=value...
user:daemon    packet  iface=eth0 ethertype=0x88b5
group:adm      packet  iface=veth* ethertype=0x88b5,0x88b6 promisc=yes
group:staff    packet  iface=eth0 ethertype=all filter="not port 22"
group:staff    packet  iface=eth0 ethertype=0x88b5-0x88bf filter=required
user:nobody    ip      proto=icmp,icmpv6
group:www-data port    proto=tcp port=80,443
*              packet  iface=lo ethertype=0x88b5
""",
    "empty": "",
    "comments": "# only a comment\n\n   \t\n  # indented\n",
    "no-newline": "user:root packet iface=eth0 ethertype=0x88b5",
    "trailing-comment": "user:0 packet iface=eth0 ethertype=ipv4 # why\n",
    "tabs": "group:4\tpacket\tiface=eth[0-3],wlan?\tethertype=arp,lldp\n",
    "low-types": "* packet iface=eth0 ethertype=all,none,0x0001,4,0x05ff\n",
    "range-full": "* packet iface=* ethertype=0x0600-0xffff promisc=no\n",
    "range-low": "* packet iface=eth0 ethertype=0x0500-0x0700\n",
    "range-empty": "* packet iface=eth0 ethertype=0x88bf-0x88b5\n",
    "escapes": '* packet filter="a \\"b\\" \\\\ c" ethertype=qinq iface=eth0\n',
    "bad-escape": '* packet iface=eth0 ethertype=1 filter="a \\n"\n',
    "unterminated": '* packet iface=eth0 ethertype=1 filter="vlan\n',
    "empty-filter": '* packet iface=eth0 ethertype=1 filter=""\n',
    "ip": "* ip proto=icmp,icmpv6,0,255,47 family=ipv4,ipv6\n"
          "user:65534 ip proto=256\n",
    "port": "* port proto=tcp,udp port=1-1023,65535\n"
            "* port proto=udp port=0\n",
    "unknown-key": "* packet iface=eth0 ethertype=1 colour=red\n",
    "duplicate-key": "* packet iface=eth0 iface=eth1 ethertype=1\n",
    "missing": "user:root packet iface=eth0\n",
    "bad-principal": "nobody packet iface=eth0 ethertype=1\n",
    "unknown-user": "user:no-such-user-x packet iface=eth0 ethertype=1\n",
    "numeric-ids": "user:4294967295 ip proto=1\ngroup:-1 ip proto=1\n",
    "bad-iface": "* packet iface=../x,a;b,eth0:1 ethertype=1\n",
    "long-pattern": "* packet iface=" + "a" * 63 + "* ethertype=1\n",
    "types-edge": "* packet iface=eth0 ethertype=0x10000,-1,abc,0xffff,65535\n",
    "nul": "user:root packet iface=eth0\0 ethertype=1\n",
    "crlf": "user:root packet iface=eth0 ethertype=1\r\n",
    "high-byte": "user:root packet iface=eth\xe9 ethertype=1\n",
    "many-rules": "".join("user:%d port proto=tcp port=%d\n" % (i, 1000 + i)
                          for i in range(40)),
}


# --- eth: MAC, ethertype, VLAN, interface names, frame headers ----------

def frame(dst, src, *words, payload=b"hi"):
    return dst + src + b"".join(struct.pack(">H", w) for w in words) + payload


BCAST = b"\xff" * 6
SRC = bytes.fromhex("020000000001")
ETH = {
    "mac": "02:00:00:00:00:01",
    "mac-dash": "02-00-00-0a-0B-FF",
    "mac-short-digits": "2:0:0:a:b:f",
    "mac-mixed": "02:00-00:00:00:01",
    "mac-trailing": "02:00:00:00:00:01:",
    "mac-seven": "02:00:00:00:00:01:02",
    "mac-three-digits": "002:00:00:00:00:01",
    "type-hex": "0x88b5",
    "type-HEX": "0X88B5",
    "type-dec": "35061",
    "type-name": "IPv6",
    "type-all": "all",
    "type-range": "0x10000",
    "type-neg": "-1",
    "type-long": "0x000000000000000000000000000088b5",
    "type-overflow": "99999999999999999999999999",
    "vlan": "5",
    "vlan-prio": "4095:7",
    "vlan-range": "4096:8",
    "vlan-long": "00000000000000000001:0",
    "ifname": "eth0",
    "ifname-15": "abcdefghijklmno",
    "ifname-16": "abcdefghijklmnop",
    "ifname-dots": "..",
    "ifname-bad": "eth0;x",
    "frame": frame(BCAST, SRC, 0x88B5),
    "frame-8021q": frame(BCAST, SRC, 0x8100, 0xA005, 0x0800),
    "frame-qinq": frame(BCAST, SRC, 0x88A8, 0x0064, 0x8100, 0x0005, 0x86DD),
    "frame-short-tag": frame(BCAST, SRC, 0x8100, payload=b"\x00"),
    "frame-13": BCAST + SRC + b"\x88",
}


# --- pcapio: pcap and pcapng -------------------------------------------

F1 = frame(BCAST, SRC, 0x88B5, payload=b"hello")
F2 = frame(SRC, BCAST, 0x8100, 0x0005, 0x0800, payload=bytes(range(20)))


def pcap(bo, magic, recs, snaplen=65535, linktype=1, major=2):
    out = struct.pack(bo + "IHHiIII", magic, major, 4, 0, 0, snaplen,
                      linktype)
    for sec, frac, data, *orig in recs:
        out += struct.pack(bo + "IIII", sec, frac, len(data),
                           orig[0] if orig else len(data)) + data
    return out


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def block(bo, btype, body):
    body = pad4(body)
    n = 12 + len(body)
    return struct.pack(bo + "II", btype, n) + body + struct.pack(bo + "I", n)


def opt(bo, code, value):
    return struct.pack(bo + "HH", code, len(value)) + pad4(value)


def shb(bo, major=1):
    return block(bo, 0x0A0D0D0A,
                 struct.pack(bo + "IHHq", 0x1A2B3C4D, major, 0, -1))


def idb(bo, linktype=1, snaplen=0, opts=b""):
    if opts:
        opts += opt(bo, 0, b"")
    return block(bo, 1, struct.pack(bo + "HHI", linktype, 0, snaplen) + opts)


def epb(bo, ifid, ts, data, orig=None):
    return block(bo, 6, struct.pack(bo + "IIIII", ifid, ts >> 32,
                                    ts & 0xFFFFFFFF, len(data),
                                    orig if orig is not None else len(data))
                 + data)


def spb(bo, data, orig=None):
    return block(bo, 3, struct.pack(bo + "I", orig if orig else len(data))
                 + data)


def opb(bo, ifid, ts, data):
    return block(bo, 2, struct.pack(bo + "HHIIII", ifid, 0, ts >> 32,
                                    ts & 0xFFFFFFFF, len(data), len(data))
                 + data)


def pcapio_seeds():
    seeds = {}
    for bo, e in (("<", "le"), (">", "be")):
        seeds["pcap-us-" + e] = pcap(bo, 0xA1B2C3D4,
                                     [(1, 999999, F1), (2, 0, F2)])
        seeds["pcap-ns-" + e] = pcap(bo, 0xA1B23C4D,
                                     [(1, 999999999, F1), (3, 1, F2, 1500)])
        ts = 1700000000 * 10**6
        seeds["pcapng-" + e] = (shb(bo) + idb(bo, snaplen=65535)
                                + epb(bo, 0, ts, F1) + spb(bo, F2))
        seeds["pcapng-opts-" + e] = (
            shb(bo)
            + idb(bo, opts=opt(bo, 9, b"\x09") + opt(bo, 14, struct.pack(bo + "q", -5)))
            + idb(bo, opts=opt(bo, 9, b"\x8a") + opt(bo, 2, b"eth0"))
            + epb(bo, 1, 12345678, F1, 1514) + epb(bo, 0, 1, F2)
            + block(bo, 5, b"\0" * 8) + opb(bo, 1, 7, F1))
    le = "<"
    seeds["pcapng-two-sections"] = (shb("<") + idb("<") + epb("<", 0, 1, F1)
                                    + shb(">") + idb(">") + spb(">", F2))
    seeds["pcap-empty"] = pcap(le, 0xA1B2C3D4, [])
    seeds["pcap-zero-caplen"] = pcap(le, 0xA1B2C3D4, [(0, 0, b"", 60)])
    seeds["pcap-caplen-gt-len"] = pcap(le, 0xA1B2C3D4, [(0, 0, F1, 10)])
    seeds["pcap-snaplen"] = pcap(le, 0xA1B2C3D4, [(0, 0, F1)], snaplen=16)
    seeds["pcap-fcs"] = pcap(le, 0xA1B2C3D4, [], linktype=0x10000001)
    seeds["pcap-linktype"] = pcap(le, 0xA1B2C3D4, [], linktype=105)
    seeds["pcap-version"] = pcap(le, 0xA1B2C3D4, [], major=1)
    seeds["pcap-truncated"] = pcap(le, 0xA1B2C3D4, [(0, 0, F1)])[:-3]
    seeds["pcap-huge-caplen"] = (pcap(le, 0xA1B2C3D4, [])
                                 + struct.pack("<IIII", 0, 0, 0xFFFFFFFF, 0xFFFFFFFF))
    seeds["pcapng-no-idb"] = shb(le) + epb(le, 0, 0, F1)
    seeds["pcapng-spb-snaplen"] = shb(le) + idb(le, snaplen=20) + spb(le, F2)
    seeds["pcapng-bad-trailer"] = (shb(le) + idb(le)
                                   + epb(le, 0, 0, F1)[:-4] + b"\xff" * 4)
    seeds["pcapng-bad-option"] = (shb(le) + block(le, 1, struct.pack(
        "<HHI", 1, 0, 0) + struct.pack("<HH", 9, 200)) + epb(le, 0, 0, F1))
    seeds["pcapng-linktype"] = shb(le) + idb(le, linktype=113) + epb(le, 0, 0, F1)
    seeds["pcapng-truncated"] = (shb(le) + idb(le) + epb(le, 0, 0, F1))[:-1]
    seeds["short"] = b"\xd4\xc3\xb2"
    return seeds


# --- textio: hex lines, text lines, raw bytes ---------------------------

TEXTIO = {
    "hex": F1.hex() + "\n" + F2.hex().upper() + "\n",
    "hex-blanks": "ff ff ff ff ff ff\t02 00 00 00 00 01 88b5 68 69\r\n",
    "hex-comments": "# frames\n\n   \n\t# indented\n" + F1.hex() + "\n\r\n",
    "hex-no-newline": F1.hex(),
    "hex-odd": F1.hex() + "0\n",
    "hex-blank-in-byte": "ff f f\n",
    "hex-bad-digit": "ffffffffffff02000000000188b5zz\n",
    "hex-crcr": "0011\r\r\n",
    "hex-high-byte": "00\xff11\n",
    "lines": "hello\nworld\n\nlast without newline",
    "lines-crlf": "a\r\nb\r\n",
    "empty": "",
    "newlines": "\n\n\n",
    "raw-binary": bytes(range(256)),
    "frame-8021q": F2,
    "frame-short": F1[:13],
}


# --- fdpass: a message and its fds, as fdpass.c's harness reads them ----

def fdmsg(nsend, accept, flags, payload=b""):
    return bytes([nsend, accept, flags]) + payload


FDPASS = {
    "one": fdmsg(1, 1, 0x10, b"sock"),
    "three-names": fdmsg(3, 8, 0x10, b"eth0:eth1:ctl"),
    "no-names": fdmsg(2, 2, 0x10, b"a"),
    "refusal": fdmsg(0, 4, 0x10, b"\0"),
    "no-fds": fdmsg(0, 4, 0x10, b"x"),
    "empty-name": fdmsg(2, 2, 0x10, b"a::"),
    "long-name": fdmsg(1, 1, 0x10, b"n" * 256),
    "bad-byte": fdmsg(1, 1, 0x10, b"a\x01"),
    "max": fdmsg(253, 253, 0x10, b":".join(b"f%d" % i for i in range(253))),
    "too-many": fdmsg(40, 8, 0, b"x"),
    "too-many-split": fdmsg(253, 3, 0x08, b"x"),
    "split": fdmsg(6, 6, 0x08, b"a:b:c:d:e:f"),
    "invalid-count": fdmsg(1, 255, 0, b"x"),
    "credentials": fdmsg(0, 4, 0x01, b"x"),
    "credentials-and-fds": fdmsg(3, 3, 0x01, b"x"),
    "pidfd": fdmsg(2, 2, 0x02, b"x"),
    "stream": fdmsg(2, 2, 0x04, b"a:b"),
    "stream-empty": fdmsg(2, 2, 0x04),
    "peer-closes": fdmsg(0, 1, 0x20),
    "truncated": fdmsg(1, 1, 0x40, b"0123456789"),
    "empty-message": fdmsg(0, 1, 0),
}


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    write(base, "policy", POLICY)
    write(base, "eth", ETH)
    write(base, "pcapio", pcapio_seeds())
    write(base, "textio", TEXTIO)
    write(base, "fdpass", FDPASS)


if __name__ == "__main__":
    main()
