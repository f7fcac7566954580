/*
 * Unit tests for lib/ids: user and group names or numbers.
 */
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>

#include "ids.h"
#include "tap.h"

/* ids_uid(s) fails with want and leaves *uid alone. */
static void
uid_fails(const char *s, int want, const char *name)
{
	uid_t uid = 4242;
	int r;

	errno = 0;
	r = ids_uid(s, &uid);
	if (!ok(r == -1 && errno == want && uid == 4242, name))
		diag("  got %d, errno %s, uid %u", r, strerror(errno),
		    (unsigned)uid);
}

static void
gid_fails(const char *s, int want, const char *name)
{
	gid_t gid = 4242;
	int r;

	errno = 0;
	r = ids_gid(s, &gid);
	if (!ok(r == -1 && errno == want && gid == 4242, name))
		diag("  got %d, errno %s, gid %u", r, strerror(errno),
		    (unsigned)gid);
}

static void
test_uid(void)
{
	struct passwd *pw;
	uid_t uid;

	ok(ids_uid("root", &uid) == 0 && uid == 0, "root is uid 0");
	pw = getpwuid(65534);
	if (pw != NULL)
		ok(ids_uid(pw->pw_name, &uid) == 0 && uid == 65534,
		    "the name of uid 65534");
	else
		skip(1, "no user 65534");
	ok(ids_uid("0", &uid) == 0 && uid == 0, "number 0");
	ok(ids_uid("65534", &uid) == 0 && uid == 65534, "number 65534");
	ok(ids_uid("123456", &uid) == 0 && uid == 123456,
	    "a number nobody has is still a uid");
	ok(ids_uid("007", &uid) == 0 && uid == 7, "leading zeros are decimal");
	ok(ids_uid("4294967294", &uid) == 0 && uid == 4294967294U,
	    "the largest uid");
	uid_fails("4294967295", EINVAL, "(uid_t)-1 refused: EINVAL");
	uid_fails("99999999999999999999", EINVAL, "far too large: EINVAL");
	uid_fails("", EINVAL, "empty: EINVAL");
	uid_fails(NULL, EINVAL, "NULL: EINVAL");
	uid_fails("12abc", EINVAL, "digits then letters: EINVAL");
	uid_fails("0x10", EINVAL, "hexadecimal: EINVAL");
	uid_fails("no-such-user-fdcap", ENOENT, "unknown name: ENOENT");
	uid_fails("-1", ENOENT, "-1 is no number, and no user: ENOENT");
	uid_fails(" 1", ENOENT, "a leading blank is no number: ENOENT");
	uid_fails("+1", ENOENT, "a sign is no number: ENOENT");
}

static void
test_gid(void)
{
	struct group *gr;
	gid_t gid;

	ok(ids_gid("root", &gid) == 0 && gid == 0, "group root is gid 0");
	gr = getgrgid(65534);
	if (gr != NULL)
		ok(ids_gid(gr->gr_name, &gid) == 0 && gid == 65534,
		    "the name of gid 65534");
	else
		skip(1, "no group 65534");
	ok(ids_gid("0", &gid) == 0 && gid == 0, "gid number 0");
	ok(ids_gid("5000", &gid) == 0 && gid == 5000, "gid number 5000");
	ok(ids_gid("4294967294", &gid) == 0 && gid == 4294967294U,
	    "the largest gid");
	gid_fails("4294967295", EINVAL, "(gid_t)-1 refused: EINVAL");
	gid_fails("", EINVAL, "empty group: EINVAL");
	gid_fails(NULL, EINVAL, "NULL group: EINVAL");
	gid_fails("5x", EINVAL, "group 5x: EINVAL");
	gid_fails("no-such-group-fdcap", ENOENT, "unknown group: ENOENT");
	gid_fails("-5", ENOENT, "group -5: ENOENT");
}

int
main(void)
{
	test_uid();
	test_gid();
	return done();
}
