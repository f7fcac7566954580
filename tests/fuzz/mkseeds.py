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


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    write(base, "policy", POLICY)
    write(base, "eth", ETH)


if __name__ == "__main__":
    main()
