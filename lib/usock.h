/*
 * usock: Unix sockets named as on a command line: a path, or "@name" for
 * Linux's abstract namespace.
 *
 * A path that already exists is never removed unless it is a stale socket
 * that nobody listens on.
 */
#ifndef LIB_USOCK_H
#define LIB_USOCK_H

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

/* What usock_listen() created, so that only that file is removed later. */
struct usock_file {
	int	path;		/* 1 when a file was created (not abstract) */
	dev_t	dev;
	ino_t	ino;
};

/*
 * Fills *sun and *len for spec: "@name" is the abstract name "name" (1 to
 * 106 bytes), anything else a path (1 to 107 bytes).  Returns 0, or -1
 * with errno EINVAL (empty, or "@" alone) or ENAMETOOLONG.
 */
int	usock_addr(const char *spec, struct sockaddr_un *sun, socklen_t *len);

/*
 * Connects a new socket of the given type (SOCK_SEQPACKET, SOCK_STREAM),
 * close-on-exec, to spec.  Returns the fd, or -1 with errno from
 * usock_addr() or connect(2): ENOENT (no such path), ECONNREFUSED (nobody
 * listens), ENOTSOCK (the path is not a socket), EACCES (permission denied
 * on the path), EPROTOTYPE (a socket of another type), ...
 */
int	usock_connect(const char *spec, int type);

/*
 * What a failed usock_connect() of the given type says, for a message:
 * "not a socket", "not a SOCK_SEQPACKET socket", or strerror(e).
 */
const char *usock_strerror(int e, int type);

/*
 * Binds a new close-on-exec socket of the given type to spec and listens
 * with the given backlog.  A path appears only once the socket listens
 * (bound under a temporary name beside it, then renamed with
 * RENAME_NOREPLACE), so a client never finds it refusing connections.
 * A missing parent directory of a path is created
 * with mode 0700 (only the last one).  When the path exists: a socket
 * nobody listens on (connect(2) says ECONNREFUSED) is stale and is
 * replaced; a socket in use is EADDRINUSE; anything else (a file, a
 * directory, a symbolic link) is EEXIST and is left alone.  The probe
 * is a non-blocking connect(2), closed at once without a word: a
 * listener must take a connection that ends without a message for no
 * client (fdrecv does).  An abstract
 * name in use is EADDRINUSE.  Fills *f, when not NULL, for usock_remove().
 * Returns the fd, or -1 with errno from usock_addr(), mkdir(2), bind(2),
 * listen(2) or the ones above.
 */
int	usock_listen(const char *spec, int type, int backlog,
	    struct usock_file *f);

/*
 * Removes the socket file usock_listen() created for spec, only when the
 * path still names that very file (another listener may have replaced
 * it).  Does nothing for an abstract name.  Returns 0 or -1 with errno.
 */
int	usock_remove(const char *spec, const struct usock_file *f);

#endif /* LIB_USOCK_H */
