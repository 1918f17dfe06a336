/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "log.h"
#include "oci/console.h"
#include "util.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* connect() to path, long paths through an O_PATH fd of the socket. */
static int connect_path(int sock, const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int pfd = -1;
	int r;

	if (!*path)
		return -EINVAL;
	if (strlen(path) < sizeof(sa.sun_path)) {
		memcpy(sa.sun_path, path, strlen(path) + 1);
	} else {
		pfd = open(path, O_PATH | O_CLOEXEC);
		if (pfd < 0)
			return -errno;
		snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d", pfd);
	}
	do
		r = connect(sock, (struct sockaddr *)&sa, sizeof(sa));
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static int open_connected(const char *path, int *ret)
{
	static const int types[] = {SOCK_STREAM, SOCK_SEQPACKET};
	int r = -EINVAL;

	for (size_t i = 0; i < NSB_ELEMENTSOF(types); i++) {
		_cleanup_close_ int s = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);

		if (s < 0)
			return -errno;
		r = connect_path(s, path);
		if (r == -EPROTOTYPE)
			continue;
		if (r < 0)
			return r;
		*ret = TAKE_FD(s);
		return 0;
	}
	return r;
}

static ssize_t send_with_fd(int sock, int fd, const void *data, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
	struct msghdr msg = {
	        .msg_iov = &iov,
	        .msg_iovlen = 1,
	        .msg_control = u.buf,
	        .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	memset(&u, 0, sizeof(u));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

int nsb_oci_send_fd(const char *path, int fd, const void *data, size_t len)
{
	_cleanup_close_ int s = -1;
	const char *p = data;
	ssize_t n;
	int r;

	if (len == 0 || fd < 0)
		return -EINVAL;
	r = open_connected(path, &s);
	if (r < 0)
		return r;
	n = send_with_fd(s, fd, p, len);
	if (n < 0)
		return (int)n;
	p += n;
	len -= (size_t)n;
	while (len > 0) {
		n = send(s, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int nsb_oci_recv_fd(int sock, int *ret_fd, void *buf, size_t size, size_t *ret_len)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 8)];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = buf, .iov_len = size};
	struct msghdr msg = {
	        .msg_iov = &iov,
	        .msg_iovlen = 1,
	        .msg_control = u.buf,
	        .msg_controllen = sizeof(u.buf),
	};
	int fd = -1, extra = 0;
	ssize_t n;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		size_t nfds;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < nfds; i++) {
			int got;

			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (fd < 0) {
				fd = got;
			} else {
				close(got);
				extra++;
			}
		}
	}
	if (extra || (msg.msg_flags & MSG_CTRUNC)) {
		if (fd >= 0)
			close(fd);
		return -EBADMSG;
	}
	*ret_fd = fd;
	if (ret_len)
		*ret_len = (size_t)n;
	return 0;
}

int nsb_oci_pty_open(int *ret_master, int *ret_slave, char *name, size_t name_size)
{
	_cleanup_close_ int master = -1, slave = -1;
	int unlock = 0, n;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -errno;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return -errno;
	if (ioctl(master, TIOCGPTN, &n) < 0)
		return -errno;
	/* TIOCGPTPEER opens the slave of this very master, whatever
	 * /dev/pts holds. */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return -errno;
	if (name && name_size)
		snprintf(name, name_size, "/dev/pts/%d", n);
	*ret_master = TAKE_FD(master);
	*ret_slave = TAKE_FD(slave);
	return 0;
}

int nsb_oci_pty_set_size(int fd, unsigned short height, unsigned short width)
{
	struct winsize ws = {.ws_row = height, .ws_col = width};

	if (ioctl(fd, TIOCSWINSZ, &ws) < 0)
		return -errno;
	return 0;
}

int nsb_oci_pty_make_stdio(int slave)
{
	if (getsid(0) != getpid() && setsid() < 0)
		return -errno;
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return -errno;
	for (int i = 0; i < 3; i++) {
		if (slave == i) {
			/* dup2(fd, fd) would keep FD_CLOEXEC. */
			int fl = fcntl(i, F_GETFD);

			if (fl < 0 || fcntl(i, F_SETFD, fl & ~FD_CLOEXEC) < 0)
				return -errno;
			continue;
		}
		if (dup2(slave, i) < 0)
			return -errno;
	}
	return 0;
}

int nsb_oci_console_send(const char *socket_path, int master, const char *name)
{
	const char *n = name && *name ? name : "/dev/ptmx";
	int r;

	/* conmon reads at most 256 bytes in one go. */
	r = nsb_oci_send_fd(socket_path, master, n, strnlen(n, 255) + 1);
	if (r < 0)
		return nsb_log_errno(r, "--console-socket '%s': cannot send the terminal",
		                     socket_path);
	return 0;
}
