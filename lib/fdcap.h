/*
 * fdcap.h: what every tool shares: the exit-code table (skarnet's).
 */
#ifndef LIB_FDCAP_H
#define LIB_FDCAP_H

#define EXIT_REFUSED	1	/* refused by policy or credentials */
#define EXIT_USAGE	100	/* bad usage */
#define EXIT_SYS	111	/* a system call failed */
#define EXIT_EXEC	126	/* the program was found but could not be run */
#define EXIT_NOTFOUND	127	/* the program was not found */

/* The exit status for a failed execvp(3) with this errno. */
#define EXIT_EXECERR(e)	((e) == ENOENT || (e) == ENOTDIR ? EXIT_NOTFOUND : EXIT_EXEC)

#endif /* LIB_FDCAP_H */
