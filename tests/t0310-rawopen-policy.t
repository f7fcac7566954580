#!/bin/sh
test_description='rawopen: the policy decides, for a caller who is not root'
. "$(dirname "$0")/test-lib.sh"

if test_have_prereq SETPRIV,NETNS,RAWOPEN_BUILD && test_rawopen; then
	test_set_prereq RAWOPEN
	test_netns ns
	test_veth $ns vA $ns vB
fi
chmod 0755 "$TRASH"

# nobody ARGS...: the capability copy of rawopen, run as uid 65534 in $ns.
nobody() {
	nsrun $ns setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$RAWOPEN" "$@"
}

# policy LINE...: the policy file, root-owned 0644.
policy() {
	printf '%s\n' "$@" >"$POLICY" && chmod 0644 "$POLICY"
}

# refused ARGS...: exit 1, one line on stderr, the program never ran.
refused() {
	rm -f ran &&
	test_expect_code 1 nobody "$@" -- touch "$TRASH/ran" 2>err &&
	test_line_count = 1 err &&
	! test -e ran
}

test_expect_success RAWOPEN 'no policy file: refused, with the rule needed' '
	rm -f "$POLICY" &&
	refused vA 0x88b5 &&
	test_grep "^rawopen: refused: $POLICY: No such file or directory" err &&
	test_grep -F "(policy $POLICY unusable; rule needed: user:nobody packet iface=vA ethertype=0x88b5)" err
'

test_expect_success RAWOPEN 'a rule for the user grants it' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	nobody vA 0x88b5 -- sh -c "echo ran \$(id -u)" >out &&
	echo "ran 65534" >expect && test_cmp expect out
'

# The kernel finds an interface by an alternative name too, which the
# policy never named: the policy sees the interface's own name.
test_expect_success RAWOPEN 'an alternative name is matched as the name it stands for' '
	nsrun $ns ip link property add dev vB altname lab0 &&
	policy "user:nobody packet iface=lab* ethertype=0x88b5" &&
	refused lab0 0x88b5 &&
	test_grep -F "may not open vB 0x88b5 (rule needed in $POLICY: user:nobody packet iface=vB ethertype=0x88b5)" err &&
	policy "user:nobody packet iface=vB ethertype=0x88b5" &&
	nobody -x lab0 0x88b5 -- true >out &&
	test_grep -F "policy: vB 0x88b5: granted by $POLICY:1" out &&
	nobody lab0 0x88b5 -- cat /proc/net/packet >out &&
	ifindex=$(nsrun $ns cat /sys/class/net/vB/ifindex) &&
	awk -v i="$ifindex" "NR > 1 && \$5 == i { n++ } END { exit n != 1 }" out &&
	nsrun $ns ip link property del dev vB altname lab0
'

test_expect_success RAWOPEN 'a rule for the group grants it' '
	policy "group:$(id -gn 65534) packet iface=v* ethertype=0x88b5-0x88b6" &&
	nobody vA 0x88b6 -- true
'

test_expect_success RAWOPEN 'a rule for someone else does not' '
	policy "user:root packet iface=vA ethertype=0x88b5" &&
	refused vA 0x88b5 &&
	echo "rawopen: refused: uid 65534 may not open vA 0x88b5 (rule needed in $POLICY: user:nobody packet iface=vA ethertype=0x88b5)" >expect &&
	test_cmp expect err
'

test_expect_success RAWOPEN 'wrong interface, ethertype, promiscuity: refused' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	refused vB 0x88b5 &&
	test_grep -F "may not open vB 0x88b5" err &&
	refused vA 0x88b6 &&
	test_grep -F "may not open vA 0x88b6" err &&
	refused -p vA 0x88b5 &&
	test_grep -F "may not open vA 0x88b5 promiscuous" err &&
	test_grep -F "ethertype=0x88b5 promisc=yes)" err
'

test_expect_success RAWOPEN '"all" and low ethertypes need a rule naming them' '
	policy "user:nobody packet iface=vA ethertype=0x0600-0xffff" &&
	refused vA all &&
	test_grep -F "may not open vA all (rule needed" err &&
	nobody vA 0x0800 -- true &&
	refused vA 0x0004 &&
	policy "user:nobody packet iface=vA ethertype=all,ipv4" &&
	nobody vA all -- true &&
	nobody vA 0x0800 -- true
'

test_expect_success RAWOPEN 'all or nothing: one socket refused refuses all' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	refused vA 0x88b5 vB 0x88b5 &&
	test_grep -F "may not open vB 0x88b5" err
'

test_expect_success RAWOPEN 'a garbage line refuses everything, naming file:line' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" "garbage here" &&
	refused vA 0x88b5 &&
	test_grep "^rawopen: refused: $POLICY:2: " err
'

test_expect_success RAWOPEN 'a policy anyone else may write refuses everything' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	chmod 0666 "$POLICY" &&
	refused vA 0x88b5 && test_grep -F "$POLICY" err &&
	chmod 0644 "$POLICY" && chown 65534 "$POLICY" &&
	refused vA 0x88b5 && test_grep -F "$POLICY" err &&
	chown 0 "$POLICY" && chmod 0775 "$PRIVDIR/etc" &&
	refused vA 0x88b5 && test_grep -F "$PRIVDIR/etc" err &&
	chmod 0755 "$PRIVDIR/etc" &&
	nobody vA 0x88b5 -- true
'

test_expect_success RAWOPEN 'an unreadable or symlinked policy refuses everything' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	chmod 0600 "$POLICY" &&
	refused vA 0x88b5 && test_grep -F "$POLICY" err &&
	chmod 0644 "$POLICY" && mv "$POLICY" "$POLICY.real" &&
	ln -s "$POLICY.real" "$POLICY" &&
	refused vA 0x88b5 && test_grep -F "$POLICY" err &&
	rm "$POLICY" && mv "$POLICY.real" "$POLICY"
'

test_expect_success RAWOPEN 'filter=required wants a -F, not an empty one; a bad -F is a usage error' '
	policy "# a comment" "user:nobody packet iface=vA ethertype=all filter=required" &&
	refused vA all &&
	test_grep -F "may not open vA all without a filter ($POLICY:2 has filter=required: give one with -F)" err &&
	refused -F "" vA all &&
	test_grep -F "without a filter" err &&
	refused -F " " vA all &&
	refused -F "$(printf "\r\t")" vA all &&
	nobody -F "ether proto 0x88b5" vA all -- true &&
	test_expect_code 100 nobody -F "no such syntax((" vA all -- true 2>err &&
	test_grep "^rawopen: -F: " err
'

test_expect_success RAWOPEN 'raw IP and privileged ports by policy' '
	policy "user:nobody ip proto=icmp" "user:nobody port proto=tcp port=80" &&
	nobody --ip icmp -- true &&
	nobody --tcp 127.0.0.1:80 -- true &&
	refused --tcp 81 &&
	test_grep -F "(rule needed in $POLICY: user:nobody port proto=tcp port=81)" err &&
	refused --ip 47 &&
	test_grep -F "user:nobody ip proto=gre)" err &&
	refused --ip 200 &&
	test_grep -F "user:nobody ip proto=200)" err
'

test_expect_success RAWOPEN 'proto= knows the IP protocol names that --ip knows' '
	policy "user:nobody ip proto=gre,sctp" &&
	nobody --ip 47 -- true &&
	nobody --ip gre -- true &&
	nobody --ip6 sctp -- true &&
	refused --ip udplite
'

test_expect_success RAWOPEN '-N and -u are for root only' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	refused -N "$ns" vA 0x88b5 &&
	test_grep "^rawopen: refused: -N: only root" err &&
	refused -u nobody vA 0x88b5 &&
	test_grep "^rawopen: refused: -u: only root" err
'

test_expect_success RAWOPEN '-x explains a grant, opens nothing, exits 0' '
	policy "# comment" "user:nobody packet iface=vA ethertype=0x88b5" &&
	nobody -x vA 0x88b5 -- touch "$TRASH/ran" >out &&
	! test -e ran &&
	test_grep -F "policy: vA 0x88b5: granted by $POLICY:2" out &&
	test_grep -F "open: fd 3: vA 0x88b5, filter locked" out &&
	test_grep -F "capabilities before: sets \"cap_net_bind_service,cap_net_admin,cap_net_raw=p\"" out &&
	test_grep -F "capabilities after: sets \"=\", ambient none" out &&
	test_grep "no_new_privs 1" out
'

test_expect_success RAWOPEN '-x fails as the run would: a bad -F, a bad filter=, no interface' '
	policy "user:nobody packet iface=v* ethertype=0x88b5" &&
	nobody -x -F "ether proto 0x88b5" vA 0x88b5 -- true >out &&
	test_grep "^filter: fd 3: [0-9]* instructions" out &&
	test_expect_code 100 nobody -x -F "ether src" vA 0x88b5 -- true >out 2>err &&
	test_grep "^rawopen: -F: " err &&
	test_expect_code 111 nobody -x vZ 0x88b5 -- true >out 2>err &&
	test_grep "^rawopen: vZ: no such interface" err &&
	policy "user:nobody packet iface=vA ethertype=0x88b5 filter=\"ether src\"" &&
	test_expect_code 1 nobody -x vA 0x88b5 -- true >out 2>err &&
	test_grep "^rawopen: refused: $POLICY:1: filter of the rule for vA" err
'

test_expect_success RAWOPEN '-x explains a refusal, exits 1' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	test_expect_code 1 nobody -x vA 0x88b6 -- true 2>err &&
	test_grep -F "rule needed in $POLICY: user:nobody packet iface=vA ethertype=0x88b6" err
'

test_expect_success RAWOPEN 'the setuid copy follows the same policy, and reads no more of it' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	RAWOPEN=$RAWOPEN_SUID &&
	refused vA 0x88b6 && test_grep -F "may not open vA 0x88b6" err &&
	nobody vA 0x88b5 -- true &&
	policy "user:nobody packet iface=vA ethertype=0x88b5" "user:nbdy packet" &&
	chmod 0600 "$POLICY" &&
	refused vA 0x88b5 &&
	test_grep -F "$POLICY: cannot read it (it must be readable by all" err &&
	! grep nbdy err
'

test_expect_success RAWOPEN '-c: bad lines first; the filters once every line is good' '
	policy "user:nobody packet iface=vA ethertype=0x88b5 colour=red" \
		"user:nobody packet iface=vA ethertype=0x88b6" \
		"user:nobody packet iface=vA ethertype=0x88b7 filter=\"ether src\"" &&
	test_expect_code 1 nobody -c >out 2>err &&
	test_grep -x "rawopen: $POLICY:1: unknown key .colour." err &&
	test_line_count = 1 err && ! test -s out &&
	policy "user:nobody packet iface=vA ethertype=0x88b5" \
		"user:nobody packet iface=vA ethertype=0x88b6" \
		"user:nobody packet iface=vA ethertype=0x88b7 filter=\"ether src\"" &&
	test_expect_code 1 nobody -c >out 2>err &&
	test_grep "^rawopen: $POLICY:3: filter: " err &&
	test_line_count = 1 err && ! test -s out
'

test_expect_success RAWOPEN 'the environment changes nothing' '
	policy "user:nobody packet iface=vA ethertype=0x88b5" &&
	SUDO_UID=0 SUDO_GID=0 USER=root LOGNAME=root HOME=/root \
		nobody vA 0x88b5 -- sh -c "id -u" >out &&
	echo 65534 >expect && test_cmp expect out &&
	SUDO_UID=0 refused vA 0x88b6
'

test_done
