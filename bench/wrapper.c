/*
 * wrapper: the least a socket-handing wrapper can do, for exec.sh to
 * measure rawopen against.  Built static.
 *
 *	wrapper IFACE PROG [ARG]...
 *
 * Opens an AF_PACKET socket, binds it to IFACE and ethertype 0x88b5, puts
 * it on fd 3 with LISTEN_FDS=1 and LISTEN_PID, and execs PROG.  No policy,
 * no privilege drop, no checks beyond the system calls' own.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <err.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_ll sll;
	struct ifreq ifr;
	char pid[32];
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: wrapper IFACE PROG [ARG]...\n");
		return 100;
	}
	if ((fd = socket(AF_PACKET, SOCK_RAW, 0)) == -1)
		err(111, "socket");
	memset(&ifr, 0, sizeof(ifr));
	if (strlen(argv[1]) >= sizeof(ifr.ifr_name))
		errx(100, "%s: name too long", argv[1]);
	strcpy(ifr.ifr_name, argv[1]);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) == -1)
		err(111, "%s", argv[1]);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifr.ifr_ifindex;
	sll.sll_protocol = htons(0x88b5);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		err(111, "bind");
	if (fd != 3) {
		if (dup2(fd, 3) == -1)
			err(111, "dup2");
		close(fd);
	}
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	if (setenv("LISTEN_FDS", "1", 1) == -1 ||
	    setenv("LISTEN_PID", pid, 1) == -1)
		err(111, "setenv");
	execvp(argv[2], argv + 2);
	err(127, "%s", argv[2]);
}
