/*
 * authlog: one syslog line per decision, as sudo writes them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "authlog.h"

/*
 * Where the line goes: buf[0..lim) may be written; off counts what was
 * (or, with buf NULL, would have been) written; cut is set once a piece
 * did not fit, and nothing is written after it.
 */
struct authlog_out {
	char	*buf;
	size_t	 lim;
	size_t	 off;
	int	 cut;
};

/* Appends n bytes of s as one piece: all of it, or nothing and cut. */
static void
authlog_put(struct authlog_out *o, const char *s, size_t n)
{
	if (o->cut)
		return;
	if (o->buf != NULL) {
		if (n > o->lim - o->off) {
			o->cut = 1;
			return;
		}
		memcpy(o->buf + o->off, s, n);
	}
	o->off += n;
}

/* Appends our own text, which may be cut anywhere. */
static void
authlog_puts(struct authlog_out *o, const char *s)
{
	for (; *s != '\0'; s++)
		authlog_put(o, s, 1);
}

/* Appends s escaped: \xHH for controls, DEL and non-ASCII, \\ for \. */
static void
authlog_esc(struct authlog_out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	char e[4];

	for (p = (const unsigned char *)s; *p != '\0' && !o->cut; p++) {
		if (*p == '\\') {
			authlog_put(o, "\\\\", 2);
		} else if (*p < 0x20 || *p >= 0x7f) {
			e[0] = '\\';
			e[1] = 'x';
			e[2] = hex[*p >> 4];
			e[3] = hex[*p & 0xf];
			authlog_put(o, e, 4);
		} else {
			authlog_put(o, (const char *)p, 1);
		}
	}
}

/* The whole line, into o. */
static void
authlog_line(struct authlog_out *o, const char *user, uid_t uid,
    const char *what, const char *verdict, char *const *argv)
{
	char num[32];
	size_t i;

	if (user != NULL) {
		authlog_esc(o, user);
	} else {
		snprintf(num, sizeof(num), "#%lu", (unsigned long)uid);
		authlog_puts(o, num);
	}
	snprintf(num, sizeof(num), " : uid=%lu", (unsigned long)uid);
	authlog_puts(o, num);
	if (what != NULL) {
		authlog_puts(o, " ; ");
		authlog_esc(o, what);
	}
	if (verdict != NULL) {
		authlog_puts(o, " ; ");
		authlog_esc(o, verdict);
	}
	if (argv != NULL && argv[0] != NULL) {
		authlog_puts(o, " ; COMMAND=");
		for (i = 0; argv[i] != NULL; i++) {
			if (i > 0)
				authlog_puts(o, " ");
			authlog_esc(o, argv[i]);
		}
	}
}

/*
 * Measured first: a line that fits is written whole; one that does not
 * is written with room kept for "...".
 */
int
authlog_format(char *buf, size_t len, const char *user, uid_t uid,
    const char *what, const char *verdict, char *const *argv)
{
	struct authlog_out o = { NULL, 0, 0, 0 };

	if (buf == NULL || len < 4) {
		errno = EINVAL;
		return -1;
	}
	authlog_line(&o, user, uid, what, verdict, argv);
	o.buf = buf;
	o.lim = o.off <= len - 1 ? len - 1 : len - 4;
	o.off = 0;
	authlog_line(&o, user, uid, what, verdict, argv);
	if (o.cut) {
		memcpy(buf + o.off, "...", 3);
		o.off += 3;
	}
	buf[o.off] = '\0';
	return (int)o.off;
}

void
authlog_send(const char *ident, int priority, const char *line)
{
	int e = errno;

	openlog(ident, LOG_PID, LOG_AUTHPRIV);
	syslog(LOG_AUTHPRIV | LOG_PRI(priority), "%s", line);
	closelog();
	errno = e;
}
