#!/bin/sh
test_description='ethrecv -o, -C, -G, -W, -z: a capture into a set of files'
. "$(dirname "$0")/test-lib.sh"

# peer.py IFACE FIRST COUNT LEN: sends frames FIRST..FIRST+COUNT-1 of LEN
# bytes (ethertype 0x88b5, the number in the payload) and prints each
# as hex.
cat >peer.py <<'PY'
import socket, struct, sys
ifc, first, n, ln = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
s.bind((ifc, 0))
for i in range(first, first + n):
    f = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + struct.pack("!HI", 0x88b5, i)
    f += bytes([i & 0xff]) * (ln - len(f))
    s.send(f)
    print(f.hex())
PY

send() { nsrun $A /usr/bin/python3 "$TRASH/peer.py" va "$@"; }

bound() {
	ip netns exec "$1" cat /proc/net/packet | awk -v p="$2" '$4 == p { f = 1 } END { exit !f }'
}

# numbered PREFIX: the files PREFIX.N, in the order of N.
numbered() {
	ls "$1".* 2>/dev/null | awk -F. '{ print $NF "\t" $0 }' | sort -n | cut -f2-
}

# count_at_least N GLOB: at least N files match GLOB.
# (Its own variable: wait_for counts in _n.)
count_at_least() {
	_least=$1; shift
	set -- $1
	[ -e "$1" ] && [ $# -ge "$_least" ]
}

# alive NS NAME: a process named NAME runs in NS (a zombie does not count).
alive() {
	for _p in $(ip netns pids "$1"); do
		[ "$(cat /proc/$_p/comm 2>/dev/null)" = "$2" ] &&
			! grep -q "^State:[[:space:]]*Z" /proc/$_p/status 2>/dev/null &&
			return 0
	done
	return 1
}

# valid FILE...: capinfos and tcpdump read each one, whole.
valid() {
	for _f; do
		capinfos -c "$_f" >/dev/null 2>&1 &&
			tcpdump -r "$_f" -nn >/dev/null 2>&1 || {
			echo "valid: $_f is not a whole capture" >&2
			return 1
		}
	done
}

# frames FILE...: the frames of the files, in that order, one hex line each.
frames() {
	for _f; do pcap_hex "$_f" || return 1; done
}

if test_have_prereq NETNS,PYTHON; then
	test_netns A B && test_veth $A va $B vb && test_set_prereq VETH
fi
command -v capinfos >/dev/null && test_have_prereq TCPDUMP &&
	test_set_prereq CAPINFOS

test_expect_success 'usage: -C, -G, -W, -z need -o; -W needs -C or -G, not -z; -o not with -e' '
	for o in "-C 1k" "-G 60" "-W 2" "-z gzip"; do
		test_expect_code 100 ethrecv $o vb 0x88b5 2>err &&
		test_grep "^ethrecv: -C, -G, -W and -z need -o$" err || return 1
	done &&
	test_expect_code 100 ethrecv -o x.pcap -W 3 vb 0x88b5 2>err &&
	test_grep "^ethrecv: -W needs -C or -G$" err &&
	test_expect_code 100 ethrecv -o x.pcap -C 0 vb 0x88b5 2>err &&
	test_grep "^ethrecv: -C 0: too small (at least 1)$" err &&
	test_expect_code 100 ethrecv -o x.pcap -C 5q vb 0x88b5 2>err &&
	test_expect_code 100 ethrecv -o x.pcap -G 0 vb 0x88b5 2>err &&
	test_expect_code 100 ethrecv -e -o x.pcap vb 0x88b5 -- cat 2>err &&
	test_grep "^ethrecv: -o does not go with -e$" err &&
	test_expect_code 127 ethrecv -o x.pcap -z fdcap-no-such-prog vb 0x88b5 2>err &&
	test_grep "^ethrecv: -z fdcap-no-such-prog: No such file or directory$" err &&
	printf "#!/bin/sh\n" >noexec && chmod 0644 noexec &&
	test_expect_code 126 ethrecv -o x.pcap -z ./noexec vb 0x88b5 2>err &&
	test_grep "^ethrecv: -z ./noexec: Permission denied$" err &&
	test_expect_code 100 ethrecv -o x.pcap -C 1k -W 2 -z gzip vb 0x88b5 2>err &&
	test_grep "^ethrecv: -W and -z: -W could remove a file before -z.s program reads it; let the program keep the count$" err &&
	test ! -e x.pcap
'

test_expect_success 'usage() is the SYNOPSIS: -o and its options are in both' '
	test_expect_code 100 ethrecv -Z 2>err;
	test_grep -- "-o file \[-C size\] \[-G seconds\] \[-W count\] \[-z prog\]" err &&
	grep -A4 "^\.Fl o Ar file" "$FDCAP_SRC/man/ethrecv.1" >syn &&
	test_grep "Fl C Ar size" syn
'

test_expect_success VETH,CAPINFOS '-C: every file valid, none past the size, the frames contiguous across them' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -o c.pcap -C 2k -c 60 vb 0x88b5 2>err &&
	wait_for bound $B 88b5 &&
	send 0 60 200 >sent &&
	wait $pid &&
	numbered c.pcap >files &&
	test_line_count -ge 6 files &&
	valid $(cat files) &&
	for f in $(cat files); do
		test $(wc -c <"$f") -le 2048 || { echo "$f: too large" >&2; return 1; }
	done &&
	frames $(cat files) >got &&
	test_cmp sent got &&
	test ! -e c.pcap &&
	test_grep "^ethrecv: 60 frames received, 0 dropped by kernel" err
'

# The text formats are counted at the most a frame can take: every file
# stays under -C, and together they hold every frame once, in order.
test_expect_success VETH '-C with -w hex, text and payload: every file under the size' '
	for w in hex text payload; do
		rm -f err $w.out.* &&
		test_bg pid nsrun $B ethrecv -w $w -o $w.out -C 1k -c 30 vb 0x88b5 2>err &&
		wait_for bound $B 88b5 &&
		send 0 30 200 >sent &&
		wait $pid &&
		numbered $w.out >files &&
		test_line_count -ge 3 files &&
		for f in $(cat files); do
			test $(wc -c <"$f") -le 1024 || { echo "$f: too large" >&2; return 1; }
		done &&
		test_grep "^ethrecv: 30 frames received" err || return 1
	done &&
	cat $(numbered hex.out) >got &&
	test_cmp sent got
'

# blocks FILE: the pcapng block types of FILE, in hex, one a line; an
# ISB's type followed by its isb_ifrecv ("5 N").
blocks() {
	/usr/bin/python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
o = 0
while o + 12 <= len(d):
    t, n = struct.unpack("<II", d[o:o + 8])
    recv = ""
    p = o + 20
    while t == 5 and p + 4 <= o + n - 4:
        c, l = struct.unpack("<HH", d[p:p + 4])
        if c == 0:
            break
        if c == 4:
            recv = " %d" % struct.unpack("<Q", d[p + 4:p + 12])[0]
        p += 4 + (l + 3) // 4 * 4
    print("%x%s" % (t, recv))
    o += n
' "$1"
}

test_expect_success VETH,CAPINFOS '-w pcapng -C: every file its own SHB, IDB and statistics block, within the size' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -w pcapng -o n.pcapng -C 2k -c 40 vb 0x88b5 2>err &&
	wait_for bound $B 88b5 &&
	send 0 40 200 >sent &&
	wait $pid &&
	numbered n.pcapng >files &&
	test_line_count -ge 3 files &&
	valid $(cat files) &&
	for f in $(cat files); do
		blocks "$f" >b &&
		test "$(sed -n 1p b) $(sed -n 2p b) $(tail -n 1 b | cut -d" " -f1)" = "a0d0d0a 1 5" &&
		test "$(grep -c "^5 " b)" = 1 &&
		test $(wc -c <"$f") -le 2048 || { echo "$f:" >&2; cat b >&2; return 1; }
	done &&
	# Each file its own ISB: the 40 frames counted once over them all.
	for f in $(cat files); do blocks "$f"; done | sed -n "s/^5 //p" >recv &&
	test "$(awk "{ s += \$1 } END { print s }" recv)" = 40
'

test_expect_success VETH,CAPINFOS '-C: a file is full at the first frame that would pass it' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -o b.pcap -C 456 -c 6 vb 0x88b5 2>err &&
	wait_for bound $B 88b5 &&
	send 0 6 200 >sent &&
	wait $pid &&
	numbered b.pcap >files &&
	# 24 + 2 * 216 = 456: two frames fit exactly, a third would not.
	test_line_count = 3 files &&
	for f in $(cat files); do
		test $(wc -c <"$f") = 456 || return 1
	done &&
	frames $(cat files) >got &&
	test_cmp sent got
'

test_expect_success VETH,CAPINFOS '-C smaller than a frame: each frame gets a file to itself' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -o s.pcap -C 100 -c 4 vb 0x88b5 2>err &&
	wait_for bound $B 88b5 &&
	send 0 4 300 >sent &&
	wait $pid &&
	numbered s.pcap >files &&
	test_line_count = 4 files &&
	valid $(cat files) &&
	for f in $(cat files); do
		test "$(capinfos -c -M "$f" | awk "/Number of packets/ { print \$NF }")" = 1 || return 1
	done &&
	frames $(cat files) >got &&
	test_cmp sent got
'

test_expect_success VETH,CAPINFOS '-W: only the newest files remain, the oldest removed, their frames the last sent' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -o w.pcap -C 1k -W 3 -c 60 vb 0x88b5 2>err &&
	wait_for bound $B 88b5 &&
	send 0 60 200 >sent &&
	wait $pid &&
	numbered w.pcap >files &&
	test_line_count = 3 files &&
	test ! -e w.pcap.0 &&
	valid $(cat files) &&
	frames $(cat files) >got &&
	n=$(wc -l <got) &&
	tail -n "$n" sent >want &&
	test_cmp want got &&
	# The three are the last three made: numbers N-2, N-1, N.
	last=$(tail -n 1 files) && last=${last##*.} &&
	printf "w.pcap.%s\n" $((last - 2)) $((last - 1)) $last >want &&
	test_cmp want files
'

test_expect_success VETH,CAPINFOS '-G with no traffic at all: the timer makes new files, each valid, aligned' '
	rm -f err &&
	test_bg pid ip netns exec $B ethrecv -o "g-%s.pcap" -G 2 vb 0x88b5 2>err &&
	wait_for bound $B 88b5 &&
	wait_for count_at_least 3 "g-*.pcap" &&
	kill -TERM $pid &&
	wait $pid &&
	ls g-*.pcap >files &&
	valid $(cat files) &&
	# Not numbered (%s makes names unique); each starts on an even second.
	for f in $(cat files); do
		s=${f#g-} && s=${s%.pcap} &&
		test $((s % 2)) = 0 || { echo "$f: not aligned" >&2; return 1; }
	done &&
	# All but the last were closed by the timer: a header and nothing else.
	for f in $(sed \$d files); do
		test $(wc -c <"$f") = 24 || return 1
	done
'

test_expect_success VETH,CAPINFOS '-G: no frame lost or doubled across a rotation' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -o "r-%s.pcap" -G 1 -c 40 vb 0x88b5 2>err &&
	wait_for bound $B 88b5 &&
	send 0 20 100 >sent &&
	wait_for count_at_least 2 "r-*.pcap" &&
	send 20 20 100 >>sent &&
	wait $pid &&
	ls r-*.pcap >files &&
	test_line_count -ge 2 files &&
	valid $(cat files) &&
	frames $(cat files) >got &&
	test_cmp sent got
'

test_expect_success VETH,CAPINFOS '-z: run once for every file, with its name, the capture going on' '
	printf "#!/bin/sh\necho \"\$1\" >>zlog\n" >log.sh && chmod +x log.sh &&
	rm -f err &&
	test_bg pid nsrun $B ethrecv -o z.pcap -C 1k -z ./log.sh -c 40 vb 0x88b5 2>err &&
	wait_for bound $B 88b5 &&
	send 0 40 200 >sent &&
	wait $pid &&
	numbered z.pcap >files &&
	test_line_count -ge 5 files &&
	sort zlog >ran &&
	sort files >want &&
	test_cmp want ran &&
	frames $(cat files) >got &&
	test_cmp sent got &&
	test_grep "^ethrecv: 40 frames received" err
'

test_expect_success VETH,CAPINFOS '-z gzip: every file compressed, each a whole capture' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -o gz.pcap -C 2k -z gzip -c 40 vb 0x88b5 2>err &&
	wait_for bound $B 88b5 &&
	send 0 40 200 >sent &&
	wait $pid &&
	test -z "$(ls gz.pcap.* | grep -v "\.gz$")" &&
	ls gz.pcap.*.gz | awk -F. "{ print \$3 \"\t\" \$0 }" | sort -n | cut -f2- >files &&
	test_line_count -ge 3 files &&
	for f in $(cat files); do
		gzip -dc "$f" >"${f%.gz}" || return 1
	done &&
	valid $(sed "s/\.gz$//" files) &&
	frames $(sed "s/\.gz$//" files) >got &&
	test_cmp sent got
'

test_expect_success VETH 'at the end ethrecv waits for -z on the last file' '
	mkfifo go &&
	printf "#!/bin/sh\necho \"\$1\" >started\nread x <go\necho \"\$1\" >>done\n" >slow.sh &&
	chmod +x slow.sh &&
	rm -f err &&
	test_bg pid nsrun $B ethrecv -o one.pcap -z ./slow.sh -c 1 vb 0x88b5 2>err &&
	wait_for bound $B 88b5 &&
	send 0 1 64 >sent &&
	wait_for test -e started &&
	# The summary comes after the wait: not yet.
	alive $B ethrecv &&
	test_must_fail grep "received" err &&
	echo go >go &&
	wait $pid &&
	echo one.pcap >want &&
	test_cmp want done &&
	test_grep "^ethrecv: 1 frame received" err &&
	test "$(pcap_hex one.pcap)" = "$(cat sent)"
'

test_expect_success VETH '-z that fails: said, and the capture goes on' '
	rm -f err &&
	test_bg pid nsrun $B ethrecv -o f.pcap -C 1k -z false -c 20 vb 0x88b5 2>err &&
	wait_for bound $B 88b5 &&
	send 0 20 200 >sent &&
	wait $pid &&
	test_grep "^ethrecv: -z false f.pcap.0: exited with status 1$" err &&
	test_grep "^ethrecv: 20 frames received" err &&
	frames $(numbered f.pcap) >got &&
	test_cmp sent got
'

# The summary times the capture, not the wait for the last -z program:
# a 4 s program after a 250 ms capture.  Under 3 s, then: a slow machine
# only adds to the 4 s it would show if the wait were counted, and it
# would have to stall the end of the capture by 2.75 s to fail it.
test_expect_success VETH 'the summary does not count the wait for -z' '
	printf "#!/bin/sh\nsleep 4\n" >slowz && chmod 0755 slowz &&
	nsrun $B ethrecv -o z.pcap -t 250ms -z "$TRASH/slowz" vb 0x88b5 2>err &&
	test_grep "^ethrecv: 0 frames received, 0 dropped by kernel in [0-2]\.[0-9]* s" err
'

test_expect_success VETH '-z killed by a signal: said with the signal' '
	printf "#!/bin/sh\nkill -KILL \$\$\n" >killed && chmod 0755 killed &&
	rm -f err &&
	test_bg pid nsrun $B ethrecv -o k.pcap -C 1k -z "$TRASH/killed" -c 20 vb 0x88b5 2>err &&
	wait_for bound $B 88b5 &&
	send 0 20 200 >sent &&
	wait $pid &&
	test_grep "^ethrecv: -z $TRASH/killed k.pcap.0: killed by signal 9$" err &&
	test_grep "^ethrecv: 20 frames received" err
'

test_expect_success VETH 'a symbolic link at the name is not followed: exit 111, its target untouched' '
	echo keep >target &&
	ln -s target l.pcap &&
	test_expect_code 111 nsrun $B ethrecv -o l.pcap -c 1 vb 0x88b5 2>err &&
	test_grep "^ethrecv: l.pcap: Too many levels of symbolic links$" err &&
	test "$(cat target)" = keep
'

test_expect_success VETH 'files are mode 0644 less the umask, and a -w format is honoured' '
	rm -f err &&
	test_bg pid sh -c "umask 027 && exec ip netns exec $B ethrecv -o m.hex -w hex -c 2 vb 0x88b5" 2>err &&
	wait_for bound $B 88b5 &&
	send 0 2 64 >sent &&
	wait $pid &&
	test "$(stat -c %a m.hex)" = 640 &&
	test_cmp sent m.hex
'

if test_have_prereq VETH,SETPRIV,RAWOPEN_BUILD && test_rawopen; then
	test_set_prereq RAWOPEN
	printf '%s\n' "user:nobody packet iface=vb ethertype=0x88b5 send=any" >"$POLICY"
	chmod 0644 "$POLICY"
	test_shared_dir OUTDIR && chown 65534:65534 "$OUTDIR"
fi

test_expect_success RAWOPEN,CAPINFOS 'as uid 65534 through rawopen: the files are the caller'"'"'s' '
	test_bg pid nsrun $B setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all sh -c "umask 022 && cd $OUTDIR && exec $RAWOPEN vb 0x88b5 -- ethrecv -o n.pcap -C 1k -W 2 -c 30" 2>err &&
	wait_for ringed $B &&
	send 0 30 200 >sent &&
	wait $pid &&
	(cd "$OUTDIR" && numbered n.pcap) >files &&
	test_line_count = 2 files &&
	for f in $(cat files); do
		test "$(stat -c %u:%g:%a "$OUTDIR/$f")" = 65534:65534:644 || return 1
	done &&
	(cd "$OUTDIR" && valid $(cat "$TRASH/files") && frames $(cat "$TRASH/files")) >got &&
	n=$(wc -l <got) &&
	tail -n "$n" sent >want &&
	test_cmp want got
'

test_done
