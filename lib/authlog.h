/*
 * authlog: one syslog line per decision of a privileged tool, as sudo
 * writes them, for the system's authorization log.
 *
 * The line is
 *
 *	USER : uid=UID ; WHAT ; VERDICT ; COMMAND=ARG0 ARG1...
 *
 * for example
 *
 *	nobody : uid=65534 ; OPEN=vA 0x88b5 ; GRANTED=/etc/fdcap/rawopen.conf:3 send=iface ; COMMAND=/usr/bin/ethrecv -c 5
 *	nobody : uid=65534 ; OPEN=vA 0x88b6 ; REFUSED=no rule grants it ; COMMAND=true
 *
 * USER is the caller's name, or #UID when it has none.  WHAT and VERDICT
 * are the caller's KEY=value texts (by convention OPEN=, then GRANTED=
 * FILE:LINE or REFUSED=why); a NULL one is left out with its separator.
 * COMMAND, the program's arguments joined by single spaces, comes last, so
 * that a parser takes all that follows "; COMMAND=" as the command; it is
 * left out when there is no program.
 *
 * Every byte of USER, WHAT, VERDICT and the arguments that is a control
 * character, DEL or not ASCII is written as \xHH (two lowercase hex
 * digits), and a backslash as \\, so that nothing a caller passes (an
 * argument, an interface name) can start a second line or hide as
 * something else.  A line longer than the buffer is cut, between two
 * escapes, and ends in "...".
 */
#ifndef LIB_AUTHLOG_H
#define LIB_AUTHLOG_H

#include <stddef.h>
#include <sys/types.h>

/* The buffer to format into (the NUL included): a longer line is cut. */
#define AUTHLOG_LINE_MAX	1024

/*
 * Formats the line described above into buf (len bytes, NUL included),
 * cut with "..." when it would not fit.  argv may be NULL or empty (no
 * COMMAND), user NULL (#UID), what and verdict NULL (left out).  A pure
 * function: no allocation, no system call.  Returns the length of the
 * line (strlen(buf)), or -1 with errno EINVAL when buf is NULL or len is
 * under 4 (no room for "..." and the NUL).
 */
int	authlog_format(char *buf, size_t len, const char *user, uid_t uid,
	    const char *what, const char *verdict, char *const *argv);

/*
 * Sends line to syslog(3) as ident, with the process id, at priority's
 * severity (its facility, if any, is replaced by LOG_AUTHPRIV):
 * openlog(ident, LOG_PID, LOG_AUTHPRIV), syslog(), closelog(), so that no
 * fd is left open.  Nothing is said when there is no syslog daemon (no
 * /dev/log): a missing log is not an error, and nothing is returned.
 * Suggested severities: LOG_NOTICE for a grant, LOG_WARNING for a refusal.
 */
void	authlog_send(const char *ident, int priority, const char *line);

#endif /* LIB_AUTHLOG_H */
