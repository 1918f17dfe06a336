/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The channel between nsbox's processes.
 *
 * The processes: the monitor (M) stays in the caller's namespaces; the
 * setup child (S) is cloned into the new namespaces and is pid 1 of a new
 * pid namespace; when the sandbox needs a reaper, S forks the command (C)
 * once the new root is in place and stays behind as pid 1, otherwise S
 * itself becomes the command. With --pidns and --unshare-pid a relay (S
 * in the joined pid namespace) forks the real S of a new one below it.
 *
 * Channel A, M <-> S, made by M before the clone. C inherits S's end when
 * S forks it; S then closes its own copy, so that A's end in the sandbox
 * lives exactly until C executes COMMAND (close-on-exec) or exits.
 *  1. relay's child (the real S) -> M: PIDNS with its credentials, so
 *     that M learns its pid (only when M reports namespaces: it reads
 *     them there); the relay closes A.
 *  2. M -> S: GO, when M has something to do before S may go on: write
 *     the --info-fd/--json-status-fd reports (S's namespaces must still
 *     exist), wait for --userns-block-fd's byte (someone else writes S's
 *     id maps). S waits for it first thing.
 *  3. S -> M: IDMAPS_WRITTEN, then M -> S: NET_READY, when a network
 *     helper must join S's namespaces before COMMAND runs.
 *  4. C -> M: EXEC just before execve(); if execve() fails, ERROR follows.
 *  At any point S or C may send ERROR (errno and the message text) and
 *  exit 1: M logs the text, once; S and C log nothing themselves.
 *  EOF at M: every sandbox copy of A is closed. After EXEC with no ERROR,
 *  COMMAND runs (this is what --json-status-fd's exit record relies on);
 *  otherwise the sandbox ended during setup, and M's exit status comes
 *  from waiting for S.
 *  EOF at S or C: M is gone; they exit 1 without a message (nobody is
 *  left to read it, and --die-with-parent may be killing them anyway).
 *
 * Channel B, S (as pid 1) <-> C, made by S before a fork:
 *  S -> C: REAPER_READY once S has locked itself down (closed every fd it
 *  does not need, dropped its capabilities, set its dumpability); C waits
 *  for it right before sending EXEC, so COMMAND never meets a pid 1 that
 *  still has privileges. EOF at C: pid 1 died; C exits 1.
 *  Usually there is no channel B: C shares S's memory until it executes
 *  COMMAND (clone CLONE_VM|CLONE_VFORK, sandbox.c), S stays suspended and
 *  non-dumpable meanwhile, and locks itself down as soon as it resumes.
 *  The fork and channel B remain where nsbox made no user namespace (a
 *  root caller: COMMAND may then hold CAP_SYS_PTRACE over the non-dumpable
 *  pid 1) and where C must enter another user namespace (the kernel
 *  refuses that to a process sharing memory).
 *
 * The OCI face adds ROOT_READY (S -> its parent: the container is built)
 * and START (-> S: run process.args) on the same channel. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sync.h"

/* On the wire: a fixed header and the text without its NUL. */
struct wire {
	uint32_t type;
	int32_t err;
	char text[NSB_SYNC_TEXT_MAX];
};

#define WIRE_HEADER (sizeof(uint32_t) + sizeof(int32_t))

static const char *const type_names[_NSB_SYNC_MAX] = {
        [NSB_SYNC_GO] = "GO",
        [NSB_SYNC_IDMAPS_WRITTEN] = "IDMAPS_WRITTEN",
        [NSB_SYNC_NET_READY] = "NET_READY",
        [NSB_SYNC_PIDNS] = "PIDNS",
        [NSB_SYNC_ROOT_READY] = "ROOT_READY",
        [NSB_SYNC_REAPER_READY] = "REAPER_READY",
        [NSB_SYNC_EXEC] = "EXEC",
        [NSB_SYNC_ERROR] = "ERROR",
        [NSB_SYNC_START] = "START",
        [NSB_SYNC_CREATED] = "CREATED",
        [NSB_SYNC_PTY] = "PTY",
        [NSB_SYNC_LISTENER] = "LISTENER",
};

const char *nsb_sync_type_name(enum nsb_sync_type type)
{
	if ((unsigned)type < _NSB_SYNC_MAX && type_names[type])
		return type_names[type];
	return "?";
}

int nsb_sync_pair(int fds[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return -errno;
	return 0;
}

static int send_msg(int fd, enum nsb_sync_type type, int err, const char *text, int pass,
                    bool creds)
{
	struct wire w = {.type = (uint32_t)type, .err = err};
	size_t len = text ? strnlen(text, NSB_SYNC_TEXT_MAX) : 0;
	struct iovec iov = {.iov_base = &w, .iov_len = WIRE_HEADER + len};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} control = {0};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *c;
	ssize_t n;

	memcpy(w.text, text ? text : "", len);
	if (pass >= 0 || creds) {
		mh.msg_control = control.buf;
		mh.msg_controllen =
		        pass >= 0 ? CMSG_SPACE(sizeof(int)) : CMSG_SPACE(sizeof(struct ucred));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		if (pass >= 0) {
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &pass, sizeof(int));
		} else {
			struct ucred uc = {.pid = getpid(), .uid = geteuid(), .gid = getegid()};

			c->cmsg_type = SCM_CREDENTIALS;
			c->cmsg_len = CMSG_LEN(sizeof(uc));
			memcpy(CMSG_DATA(c), &uc, sizeof(uc));
		}
	}
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == WIRE_HEADER + len ? 0 : -EIO;
}

int nsb_sync_send(int fd, enum nsb_sync_type type, int err, const char *text)
{
	return send_msg(fd, type, err, text, -1, false);
}

int nsb_sync_send_fd(int fd, enum nsb_sync_type type, int pass)
{
	return send_msg(fd, type, 0, NULL, pass, false);
}

int nsb_sync_send_self(int fd, enum nsb_sync_type type)
{
	return send_msg(fd, type, 0, NULL, -1, true);
}

int nsb_sync_pass_creds(int fd)
{
	int one = 1;

	return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ? -errno : 0;
}

/* The first fd an SCM_RIGHTS message carried (any other is closed), and
 * the sender's pid if it sent its credentials. */
static int take_control(struct msghdr *mh, pid_t *ret_pid)
{
	int got = -1;

	*ret_pid = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			struct ucred uc;

			memcpy(&uc, CMSG_DATA(c), sizeof(uc));
			*ret_pid = uc.pid;
			continue;
		}
		if (c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (got < 0)
				got = fd;
			else
				close(fd);
		}
	}
	return got;
}

int nsb_sync_recv(int fd, struct nsb_sync_msg *ret)
{
	struct wire w;
	struct iovec iov = {.iov_base = &w, .iov_len = sizeof(w)};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(4 * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
	} control;
	struct msghdr mh = {
	        .msg_iov = &iov,
	        .msg_iovlen = 1,
	        .msg_control = control.buf,
	        .msg_controllen = sizeof(control.buf),
	};
	ssize_t n;
	pid_t pid;
	int passed;

	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	passed = take_control(&mh, &pid);
	if (n == 0 && passed < 0)
		return 0;
	if ((size_t)n < WIRE_HEADER || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || w.type == 0 ||
	    w.type >= _NSB_SYNC_MAX || w.err < 0) {
		if (passed >= 0)
			close(passed);
		return -EBADMSG;
	}
	ret->type = (enum nsb_sync_type)w.type;
	ret->err = w.err;
	ret->fd = passed;
	ret->pid = pid;
	memcpy(ret->text, w.text, (size_t)n - WIRE_HEADER);
	ret->text[(size_t)n - WIRE_HEADER] = '\0';
	return 1;
}

int nsb_sync_expect(int fd, enum nsb_sync_type want, struct nsb_sync_msg *ret)
{
	struct nsb_sync_msg m;
	int r;

	r = nsb_sync_recv(fd, &m);
	if (r < 0)
		return r;
	if (r == 0)
		return -EPIPE;
	if (m.fd >= 0 && (!ret || m.type != want)) {
		close(m.fd);
		m.fd = -1;
	}
	if (m.type != want && m.type != NSB_SYNC_ERROR)
		return -EBADMSG;
	if (ret)
		*ret = m;
	if (m.type == want)
		return 0;
	return m.err > 0 ? -m.err : -EIO;
}
