/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The console socket: a pty master passed over a listening unix socket in
 * a temp dir (stream and seqpacket, long paths, what conmon receives), the
 * generic fd passing with a long payload, and a new pty made the
 * controlling terminal and stdio of a child, with its size. */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>

#include "oci-harness.h"
#include "oci/console.h"

static void setup(void)
{
	oci_setup();
}

static void teardown(void)
{
	oci_teardown();
}

static int listen_at(const char *path, int type)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(s, 0);
	ck_assert_uint_lt(strlen(path), sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(s, 4), 0);
	return s;
}

/* Send from a child (as the runtime would), receive here. */
static void pass_master(const char *sock_path, int listener)
{
	int master, slave, got = -1, status, conn, n;
	char name[64], buf[256];
	size_t len = 0;
	pid_t pid;

	ck_assert_int_eq(nsb_oci_pty_open(&master, &slave, name, sizeof(name)), 0);
	ck_assert_int_eq(strncmp(name, "/dev/pts/", 9), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(nsb_oci_console_send(sock_path, master, name) == 0 ? 0 : 1);
	conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(conn, 0);
	ck_assert_int_eq(nsb_oci_recv_fd(conn, &got, buf, sizeof(buf), &len), 0);
	ck_assert_int_ge(got, 0);
	/* What conmon reads: the name, NUL-terminated, and one fd. */
	ck_assert_uint_eq(len, strlen(name) + 1);
	ck_assert_str_eq(buf, name);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
	/* It is that pty's master: same number, and bytes flow. */
	ck_assert_int_eq(ioctl(got, TIOCGPTN, &n), 0);
	ck_assert_int_eq(n, atoi(name + 9));
	ck_assert_int_eq(write(slave, "hi\n", 3), 3);
	{
		struct pollfd p = {.fd = got, .events = POLLIN};

		ck_assert_int_eq(poll(&p, 1, 2000), 1);
		ck_assert_int_ge(read(got, buf, sizeof(buf)), 2);
		ck_assert_int_eq(strncmp(buf, "hi", 2), 0);
	}
	close(got);
	close(conn);
	close(master);
	close(slave);
}

START_TEST(test_console_socket_stream)
{
	char *path = fmt("%s/console.sock", scratch);
	int l = listen_at(path, SOCK_STREAM);

	pass_master(path, l);
	close(l);
	free(path);
}
END_TEST

START_TEST(test_console_socket_seqpacket)
{
	char *path = fmt("%s/console.sock", scratch);
	int l = listen_at(path, SOCK_SEQPACKET);

	pass_master(path, l);
	close(l);
	free(path);
}
END_TEST

/* A path longer than sun_path: reached through /proc/self/fd. */
START_TEST(test_long_path)
{
	char *dir = fmt("%s/%0200d", scratch, 0), *path = fmt("%s/c.sock", dir), *link;
	char *shortdir = fmt("%s/s", scratch);
	int l;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	/* Bind through a short symlink, connect through the long name. */
	ck_assert_int_eq(symlink(dir, shortdir), 0);
	link = fmt("%s/c.sock", shortdir);
	l = listen_at(link, SOCK_STREAM);
	ck_assert_uint_gt(strlen(path), 108);
	pass_master(path, l);
	close(l);
	free(dir);
	free(path);
	free(link);
	free(shortdir);
}
END_TEST

START_TEST(test_errors)
{
	char *path = fmt("%s/none.sock", scratch);
	int fds[2];

	ck_assert_int_eq(nsb_oci_console_send(path, 0, "x"), -ENOENT);
	ck_assert_str_eq(logged(), tfmt("nsbox-oci: --console-socket '%s': cannot send the "
	                                "terminal: No such file or directory\n",
	                                path));
	ck_assert_int_eq(nsb_oci_send_fd(path, 0, "", 0), -EINVAL);
	ck_assert_int_eq(nsb_oci_send_fd("", 0, "x", 1), -EINVAL);
	/* Two fds where one is expected: refused, none kept. */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
	{
		union {
			char buf[CMSG_SPACE(2 * sizeof(int))];
			struct cmsghdr align;
		} u;
		int two[2] = {0, 1}, got = 5;
		struct iovec iov = {.iov_base = (void *)"x", .iov_len = 1};
		struct msghdr msg = {.msg_iov = &iov,
		                     .msg_iovlen = 1,
		                     .msg_control = u.buf,
		                     .msg_controllen = sizeof(u.buf)};
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		char b[8];

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(two));
		memcpy(CMSG_DATA(c), two, sizeof(two));
		ck_assert_int_eq(sendmsg(fds[0], &msg, 0), 1);
		ck_assert_int_eq(nsb_oci_recv_fd(fds[1], &got, b, sizeof(b), NULL), -EBADMSG);
	}
	close(fds[0]);
	close(fds[1]);
	free(path);
}
END_TEST

/* A large payload after the fd (the seccomp listener's state): the
 * receiver gets the fd with the first bytes and the rest after. */
START_TEST(test_long_payload)
{
	char *path = fmt("%s/agent.sock", scratch), *payload = malloc(300000), *got;
	int l = listen_at(path, SOCK_STREAM), conn, fd = -1, status;
	size_t len = 0, total;
	pid_t pid;

	memset(payload, 'p', 299999);
	payload[299999] = '\0';
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(nsb_oci_send_fd(path, 1, payload, 299999) == 0 ? 0 : 1);
	conn = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	got = calloc(1, 300000);
	ck_assert_int_eq(nsb_oci_recv_fd(conn, &fd, got, 300000, &len), 0);
	ck_assert_int_ge(fd, 0);
	total = len;
	for (;;) {
		ssize_t n = read(conn, got + total, 300000 - total);

		if (n <= 0)
			break;
		total += (size_t)n;
	}
	ck_assert_uint_eq(total, 299999);
	ck_assert_int_eq(memcmp(got, payload, 299999), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
	close(fd);
	close(conn);
	close(l);
	free(got);
	free(payload);
	free(path);
}
END_TEST

/* A child takes the slave as controlling terminal and stdio, with the
 * configured size, and reports what it sees through the terminal. */
START_TEST(test_make_stdio)
{
	int master, slave, status;
	char name[64], buf[512] = "";
	size_t len = 0;
	pid_t pid;

	ck_assert_int_eq(nsb_oci_pty_open(&master, &slave, name, sizeof(name)), 0);
	ck_assert_int_eq(nsb_oci_pty_set_size(master, 24, 80), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct winsize ws;
		int tty;

		close(master);
		if (nsb_oci_pty_make_stdio(slave) < 0)
			_exit(1);
		if (ioctl(0, TIOCGWINSZ, &ws) < 0)
			_exit(2);
		tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
		printf("rows=%d cols=%d tty=%d isatty=%d%d%d sid=%d\n", ws.ws_row, ws.ws_col,
		       tty >= 0, isatty(0), isatty(1), isatty(2), getsid(0) == getpid());
		fflush(stdout);
		_exit(0);
	}
	close(slave);
	while (len < sizeof(buf) - 1) {
		struct pollfd p = {.fd = master, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, 3000) != 1)
			break;
		n = read(master, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (strchr(buf, '\n'))
			break;
	}
	buf[len] = '\0';
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(buf, "rows=24 cols=80 tty=1 isatty=111 sid=1\r\n");
	close(master);
}
END_TEST

static Suite *console_suite(void)
{
	Suite *s = suite_create("oci_console");
	TCase *tc = tcase_create("console");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_console_socket_stream);
	tcase_add_test(tc, test_console_socket_seqpacket);
	tcase_add_test(tc, test_long_path);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_long_payload);
	tcase_add_test(tc, test_make_stdio);
	suite_add_tcase(s, tc);
	return s;
}

RUN_SUITE(console_suite)
