/*
 * ids: user and group names or numbers, as given on a command line.
 */
#ifndef LIB_IDS_H
#define LIB_IDS_H

#include <sys/types.h>

/*
 * The largest uid or gid a number may give: 2^32 - 2, as (uid_t)-1 means
 * "no change" to setresuid(2) and its kin.
 */
#define IDS_MAX	4294967294LL

/*
 * Parses s, a user name or a decimal uid, into *uid.  A name is looked up
 * in the user database first, so a user named "123" is found as a name.
 * Returns 0, or -1 with errno ENOENT (no such user), EINVAL (empty or bad
 * number), or the error of the lookup.
 */
int	ids_uid(const char *s, uid_t *uid);

/* The same for a group name or a decimal gid. */
int	ids_gid(const char *s, gid_t *gid);

#endif /* LIB_IDS_H */
