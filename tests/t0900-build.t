#!/bin/sh
# shellcheck disable=SC2016
test_description='the build: the policy path follows PREFIX, SYSCONFDIR and POLICY, headers are tracked'
. "$(dirname "$0")/test-lib.sh"

# A copy of the sources, built here with its own make: nothing of the
# outer make (its B, SANITIZE, T, jobserver) may leak into it.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
CC=${FDCAP_CC:-cc}
SRC=$TRASH/src
mkdir "$SRC" &&
	cp -R "$FDCAP_SRC/Makefile" "$FDCAP_SRC/lib" "$FDCAP_SRC/cmd" \
		"$FDCAP_SRC/man" "$SRC/" || exit 1
BIN=$SRC/build
OLD=/usr/local/etc/fdcap/rawopen.conf

mk() { make -C "$SRC" --no-print-directory B=build SANITIZE= CC="$CC" \
	CFLAGS=-O0 "$@"; }

# rebuilt: the files of the build newer than the marker, one a line,
# relative to the build directory.
mark() { touch "$TRASH/marker"; }
rebuilt() {
	(cd "$BIN" && find . -type f -newer "$TRASH/marker" ! -name '*.d' |
		sed 's|^\./||' | sort)
}

# has_path BINARY PATH: PATH is among BINARY's strings, as a whole line.
has_path() { strings "$1" | grep -qxF "$2"; }

test_expect_success 'make builds rawopen with the default policy path' '
	mk >out 2>&1 &&
	has_path "$BIN/rawopen" "$OLD" &&
	test_grep -F "#define RAWOPEN_POLICY \"$OLD\"" \
		"$BIN/gen/fdcap-config.h"
'

test_expect_success 'a second make rebuilds nothing' '
	mark &&
	mk >out 2>&1 &&
	rebuilt >got && test_cmp /dev/null got &&
	! grep -q "^$CC" out
'

test_expect_success 'make POLICY= rebuilds rawopen only, with the new path' '
	mark &&
	mk POLICY=/x/y.conf >out 2>&1 &&
	rebuilt >got &&
	printf "%s\n" cmd/rawopen.o gen/fdcap-config.h rawopen >want &&
	test_cmp want got &&
	has_path "$BIN/rawopen" /x/y.conf &&
	! strings "$BIN/rawopen" | grep -F "$OLD"
'

test_expect_success 'the same make POLICY= again rebuilds nothing' '
	mark &&
	mk POLICY=/x/y.conf >out 2>&1 &&
	rebuilt >got && test_cmp /dev/null got
'

test_expect_success 'make PREFIX= and SYSCONFDIR= move the path' '
	mk PREFIX=/opt/x >out 2>&1 &&
	has_path "$BIN/rawopen" /opt/x/etc/fdcap/rawopen.conf &&
	! strings "$BIN/rawopen" | grep -F /x/y.conf &&
	mk PREFIX=/opt/x SYSCONFDIR=/etc >out 2>&1 &&
	has_path "$BIN/rawopen" /etc/fdcap/rawopen.conf &&
	! strings "$BIN/rawopen" | grep -F /opt/x/etc &&
	mark &&
	mk PREFIX=/opt/x SYSCONFDIR=/etc >out 2>&1 &&
	rebuilt >got && test_cmp /dev/null got
'

test_expect_success 'quotes and backslashes in POLICY reach the binary intact' '
	mk POLICY="/a b/c\"d\\e'\''f" >out 2>&1 &&
	has_path "$BIN/rawopen" "/a b/c\"d\\e'\''f"
'

# includes FILE NAME...: FILE includes one of the headers NAME (by its
# base name: "ethsend/ethsend.h" is ethsend.h).
includes() {
	_file=$1 && shift
	for _n; do
		grep -q "#include \"\([^\"]*/\)\{0,1\}$_n\"" "$_file" && return 0
	done
	return 1
}

# users H: the objects (relative to the build directory) of the .c files
# that include H, directly or through other headers (of lib/, or a tool's
# own in cmd/TOOL/), however many.
users() {
	_set=$(basename "$1")
	_more=1
	while [ -n "$_more" ]; do
		_more=
		for _g in $(cd "$SRC" && find lib cmd -name "*.h" | sort); do
			_b=$(basename "$_g")
			case " $_set " in *" $_b "*) continue ;; esac
			if includes "$SRC/$_g" $_set; then
				_set="$_set $_b"
				_more=1
			fi
		done
	done
	for _f in $(cd "$SRC" && find lib cmd -name "*.c" | sort); do
		includes "$SRC/$_f" $_set && echo "${_f%.c}.o"
	done
	return 0
}

for h in lib/pcapio.h lib/ids.h; do
	test_expect_success "touching $h rebuilds exactly its users" '
		mk >out 2>&1 &&
		users '"$h"' >users && test -s users &&
		mark && touch "$SRC/'"$h"'" &&
		mk >out 2>&1 &&
		rebuilt | grep "\.o\$" >got &&
		sort users >want &&
		test_cmp want got &&
		test "$(wc -l <want)" -lt "$(find "$SRC"/lib "$SRC"/cmd -name "*.c" | wc -l)"
	'
done

test_expect_success 'make install PREFIX= installs a rawopen reading its policy' '
	mk >out 2>&1 &&
	mk install PREFIX=/opt/x DESTDIR="$TRASH/dest" >out 2>&1 &&
	has_path "$TRASH/dest/opt/x/bin/rawopen" /opt/x/etc/fdcap/rawopen.conf &&
	! strings "$TRASH/dest/opt/x/bin/rawopen" | grep -F "$OLD" &&
	test -f "$TRASH/dest/opt/x/share/man/man1/rawopen.1"
'

test_expect_success RAWOPEN_BUILD 'a RAWOPEN_POLICY given with -D wins, as test_rawopen gives it' '
	(cd "$SRC" && eval "\"\$FDCAP_CC\" $FDCAP_CFLAGS -URAWOPEN_POLICY \
		-DRAWOPEN_POLICY='\''\"/z/w.conf\"'\'' -o \"$TRASH/ro\" \
		cmd/rawopen.c cmd/rawopen/*.c $FDCAP_LIBS") &&
	has_path "$TRASH/ro" /z/w.conf &&
	mk CPPFLAGS="-DRAWOPEN_POLICY='\''\"/c/l.conf\"'\''" \
		POLICY=/not/this.conf >out 2>&1 &&
	has_path "$BIN/rawopen" /c/l.conf &&
	! strings "$BIN/rawopen" | grep -F /not/this.conf
'

test_done
