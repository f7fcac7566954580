/*
 * ids: user and group names or numbers.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>

#include "ids.h"

/* A decimal id in [0, IDS_MAX]. */
static int
ids_number(const char *s, unsigned long *v)
{
	const char *errstr;
	long long n;

	n = strtonum(s, 0, IDS_MAX, &errstr);
	if (errstr != NULL) {
		errno = EINVAL;
		return -1;
	}
	*v = (unsigned long)n;
	return 0;
}

int
ids_uid(const char *s, uid_t *uid)
{
	struct passwd *pw;
	unsigned long v;

	if (s == NULL || *s == '\0') {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	if ((pw = getpwnam(s)) != NULL) {
		*uid = pw->pw_uid;
		return 0;
	}
	if (errno != 0 && errno != ENOENT && errno != ESRCH)
		return -1;
	if (s[0] >= '0' && s[0] <= '9') {
		if (ids_number(s, &v) == -1)
			return -1;
		*uid = (uid_t)v;
		return 0;
	}
	errno = ENOENT;
	return -1;
}

int
ids_gid(const char *s, gid_t *gid)
{
	struct group *gr;
	unsigned long v;

	if (s == NULL || *s == '\0') {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	if ((gr = getgrnam(s)) != NULL) {
		*gid = gr->gr_gid;
		return 0;
	}
	if (errno != 0 && errno != ENOENT && errno != ESRCH)
		return -1;
	if (s[0] >= '0' && s[0] <= '9') {
		if (ids_number(s, &v) == -1)
			return -1;
		*gid = (gid_t)v;
		return 0;
	}
	errno = ENOENT;
	return -1;
}
