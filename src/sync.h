/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The channel between nsbox's processes: one SOCK_SEQPACKET socketpair per
 * process boundary, carrying small typed messages (see the protocol at the
 * top of sync.c). A message is a type, an errno value and an optional
 * text; one send is one message, never split or merged. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

enum nsb_sync_type {
	NSB_SYNC_GO = 1,         /* monitor -> child: reports written, go on */
	NSB_SYNC_IDMAPS_WRITTEN, /* child -> monitor: its id maps are in place */
	NSB_SYNC_NET_READY,      /* monitor -> child: the network helper is ready */
	NSB_SYNC_PIDNS,          /* relay -> monitor: the new pid namespace exists */
	NSB_SYNC_ROOT_READY,     /* child -> monitor: the new root is in place */
	NSB_SYNC_REAPER_READY,   /* pid 1 -> command: pid 1 has locked itself down */
	NSB_SYNC_EXEC,           /* command -> monitor: execve() comes next */
	NSB_SYNC_ERROR,          /* any -> monitor: setup failed; err and text say why */
	NSB_SYNC_START,          /* OCI start -> container: run process.args */
	NSB_SYNC_CREATED,        /* OCI container -> create: stopped before execve */
	NSB_SYNC_PTY,            /* OCI container -> runtime: the terminal's master (fd) */
	NSB_SYNC_LISTENER,       /* OCI container -> runtime: the seccomp listener (fd) */
	_NSB_SYNC_MAX,
};

/* The longest text a message carries (a log line). */
#define NSB_SYNC_TEXT_MAX 4000

struct nsb_sync_msg {
	enum nsb_sync_type type;
	int err;                          /* a positive errno, or 0 */
	int fd;                           /* a file descriptor that came with it, or -1 */
	pid_t pid;                        /* the sender's pid in ours, if it sent it; else 0 */
	char text[NSB_SYNC_TEXT_MAX + 1]; /* NUL-terminated, "" if none */
};

/* A connected SOCK_SEQPACKET pair, both ends close-on-exec. 0 or -errno. */
int nsb_sync_pair(int fds[2]);

/* Send one message (text may be NULL). 0 or -errno (-EPIPE when the other
 * side is gone; SIGPIPE is never raised). */
int nsb_sync_send(int fd, enum nsb_sync_type type, int err, const char *text);

/* The same, passing a copy of the file descriptor pass along. */
int nsb_sync_send_fd(int fd, enum nsb_sync_type type, int pass);

/* The same, with the sender's credentials: the receiver learns the
 * sender's pid as its own pid namespace numbers it (the kernel translates
 * it). The receiving end needs SO_PASSCRED (nsb_sync_pass_creds()). */
int nsb_sync_send_self(int fd, enum nsb_sync_type type);

/* Let this end receive senders' credentials. 0 or -errno. */
int nsb_sync_pass_creds(int fd);

/* Receive one message: 1 and *ret filled (an fd that came with it is
 * close-on-exec and the caller's to close), 0 at EOF (every copy of the other
 * end closed: for a command, that is also how a successful execve() shows),
 * or -errno (-EBADMSG for a malformed message). Retries on EINTR. */
int nsb_sync_recv(int fd, struct nsb_sync_msg *ret);

/* Wait for a message of type want: 0, with the message in *ret when given
 * (its fd, if any, is then the caller's). If an NSB_SYNC_ERROR arrives
 * instead: its -err (or -EIO if it had none), the message in *ret. -EPIPE
 * at EOF, -EBADMSG for another type. */
int nsb_sync_expect(int fd, enum nsb_sync_type want, struct nsb_sync_msg *ret);

/* "GO", "EXEC", ... for messages about the protocol itself. */
const char *nsb_sync_type_name(enum nsb_sync_type type);
