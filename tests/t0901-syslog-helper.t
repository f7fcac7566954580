#!/bin/sh
test_description='test_syslog: what a command sends to /dev/log, caught without touching the host'
. "$(dirname "$0")/test-lib.sh"

ls -a /dev >"$TRASH/dev.before"
findmnt -n -o TARGET,FSTYPE -R /dev >"$TRASH/mounts.before"

test_expect_success SYSLOG 'logger reaches the listener' '
	test_syslog logger -t fdcap-test -p authpriv.notice "hello from logger" &&
	test_grep "fdcap-test.*: hello from logger\$" "$TRASH/syslog"
'

test_expect_success SYSLOG,PYTHON 'python syslog: facility, severity, ident and pid' '
	test_syslog /usr/bin/python3 -c "
import syslog
syslog.openlog(\"fdcap-py\", syslog.LOG_PID, syslog.LOG_AUTHPRIV)
syslog.syslog(syslog.LOG_WARNING, \"one\")
syslog.syslog(syslog.LOG_WARNING, \"two\")
" &&
	test_grep "^<84>.*fdcap-py\[[0-9]*\]: one\$" "$TRASH/syslog" &&
	test_grep "^<84>.*fdcap-py\[[0-9]*\]: two\$" "$TRASH/syslog" &&
	grep -A1 "fdcap-py.*: one" "$TRASH/syslog" | tail -1 | grep -q ": two\$"
'

test_expect_success SYSLOG 'authlog_send: one line, LOG_AUTHPRIV, whatever facility was asked' '
	line="nobody : uid=65534 ; OPEN=vA 0x88b5 ; REFUSED=no rule grants it ; COMMAND=true" &&
	test_syslog "$FDCAP_BUILD/unit/authlog.t" send rawopen 5 "$line" &&
	test_syslog "$FDCAP_BUILD/unit/authlog.t" send rawopen 12 "user facility asked" &&
	test_grep -F "rawopen[" "$TRASH/syslog" >got &&
	test_line_count = 2 got &&
	grep -q "^<85>.*rawopen\[[0-9]*\]: $line\$" got &&
	grep -q "^<84>.*rawopen\[[0-9]*\]: user facility asked\$" got
'

test_expect_success SYSLOG,SETPRIV 'an unprivileged sender reaches it too' '
	test_syslog as_nobody logger -t fdcap-nobody "from nobody" &&
	test_grep "fdcap-nobody.*: from nobody\$" "$TRASH/syslog"
'

test_expect_success SYSLOG 'the status of the command is test_syslog'"'"'s' '
	test_expect_code 3 test_syslog sh -c "exit 3" &&
	test_expect_code 0 test_syslog true
'

test_expect_success SYSLOG 'the devices the command needs are there' '
	test_syslog sh -c "echo x >/dev/null && test -c /dev/null &&
		test -c /dev/urandom && test -c /dev/zero &&
		test -d /dev/pts && test -d /dev/shm &&
		test -L /dev/fd && test -S /dev/log &&
		head -c 4 /dev/zero | od -An -tx1 | grep -q \"00 00 00 00\""
'

test_expect_success SYSLOG 'the host'"'"'s /dev is as it was' '
	ls -a /dev >dev.after &&
	test_cmp "$TRASH/dev.before" dev.after &&
	findmnt -n -o TARGET,FSTYPE -R /dev >mounts.after &&
	test_cmp "$TRASH/mounts.before" mounts.after
'

test_done
