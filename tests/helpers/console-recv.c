/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The other end of nsbox-oci's --console-socket, for the tests, as conmon
 * is: listen on a unix stream socket, accept one connection, receive one
 * fd with SCM_RIGHTS (a terminal's master), then write INPUT (if given)
 * to it and copy what the terminal says to stdout until it hangs up.
 *
 *   console-recv SOCKET [INPUT]
 *
 * Exit status: 0, or 2 when no fd or not a terminal came, 1 on errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char data[256], cbuf[CMSG_SPACE(sizeof(int))], buf[4096];
	struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
	struct msghdr mh = {
	        .msg_iov = &iov,
	        .msg_iovlen = 1,
	        .msg_control = cbuf,
	        .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int lfd, conn, master = -1;
	ssize_t n;

	if (argc < 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: console-recv SOCKET [INPUT]\n");
		return 1;
	}
	strcpy(sa.sun_path, argv[1]);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1) < 0) {
		perror("console-recv: socket");
		return 1;
	}
	conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0) {
		perror("console-recv: accept");
		return 1;
	}
	n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0) {
		perror("console-recv: recvmsg");
		return 1;
	}
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&master, CMSG_DATA(c), sizeof(int));
	if (master < 0 || !isatty(master)) {
		fprintf(stderr, "console-recv: no terminal came\n");
		return 2;
	}
	close(conn);
	close(lfd);
	if (argc > 2 && write(master, argv[2], strlen(argv[2])) < 0) {
		perror("console-recv: write");
		return 1;
	}
	/* EIO once every slave is closed: the container is gone. */
	while ((n = read(master, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return 1;
	fflush(stdout);
	return n < 0 && errno != EIO ? 1 : 0;
}
