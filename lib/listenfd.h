/*
 * listenfd: the fd handover protocol of sd_listen_fds(3).
 *
 * A program is handed n fds at 3, 4, ..., 3+n-1 with LISTEN_FDS=n,
 * LISTEN_PID=its pid and, optionally, LISTEN_FDNAMES=name:name:...
 * Tools that hand fds over exec the program in the same process, so
 * LISTEN_PID is always getpid() at the time of the exec.
 */
#ifndef LIB_LISTENFD_H
#define LIB_LISTENFD_H

#include <stddef.h>

#define LISTENFD_START	3	/* SD_LISTEN_FDS_START */
#define LISTENFD_MAX	253	/* SCM_MAX_FD: what one message can carry */

/*
 * The number of fds this process was handed: LISTEN_FDS when it is set and
 * LISTEN_PID is unset or equal to getpid(), else 0.  Returns -1 with errno
 * EBADMSG when either variable is malformed or LISTEN_FDS exceeds
 * LISTENFD_MAX, and EBADF when one of the claimed fds is not open.  The
 * environment is left as it is.
 */
int	listenfd_count(void);

/*
 * Copies the name of handed fd i (0 for fd 3) from LISTEN_FDNAMES into buf
 * of size len.  Returns 0, or -1 with errno ENOENT when there is no such
 * name (unset, or fewer names than i+1, or an empty field) and ENAMETOOLONG
 * when it does not fit.
 */
int	listenfd_name(size_t i, char *buf, size_t len);

/*
 * Moves fds[0..n-1] to first, first+1, ..., first+n-1, in that order.
 * Takes ownership: every original is closed unless it is its own target,
 * and fds[] is updated to the new numbers.  The placed fds have FD_CLOEXEC
 * cleared; any other fd already at a target number is replaced (close it,
 * or move it above the range, before).  first must be >= 3.  Returns 0, or
 * -1 with errno EINVAL (first < 3, or the range overflows), EMFILE (no
 * room, under RLIMIT_NOFILE, for the copies made on the way), EBADF.
 * On failure every fd in fds[] is closed.
 */
int	listenfd_place(int *fds, size_t n, int first);

/*
 * Sets LISTEN_FDS=n and LISTEN_PID=getpid(), and LISTEN_FDNAMES=names, or
 * unsets LISTEN_FDNAMES when names is NULL.  Returns 0 or -1 with errno.
 */
int	listenfd_setenv(size_t n, const char *names);

/*
 * Checks names as LISTEN_FDNAMES for n fds: n names separated by ':',
 * each not empty, printable, without spaces (sd_listen_fds_with_names(3)
 * wants one for each fd).  Returns 0, or -1 with errno EINVAL and why
 * filled: "names are printable, without spaces", "an empty name", or "3
 * names for 2 sockets" ("1 name", "1 socket" in the singular).
 */
int	listenfd_names_check(const char *names, size_t n, char *why,
	    size_t whylen);

/* Unsets LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES. */
void	listenfd_unsetenv(void);

/*
 * Closes every fd >= first: close_range(2), or closefrom(3) on kernels
 * without it.  Returns 0.
 */
int	listenfd_closefrom(int first);

#endif /* LIB_LISTENFD_H */
