/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Terminals and fd passing for nsbox-oci.
 *
 * --console-socket PATH: with process.terminal, the runtime makes a new
 * pty inside the container, makes its slave the container process's
 * controlling terminal and stdio, and sends the master over the unix
 * socket at PATH with SCM_RIGHTS. conmon (podman's monitor) listens on a
 * SOCK_STREAM socket, reads one message into a 256-byte buffer and wants
 * exactly one fd in one SCM_RIGHTS control message; the bytes are a name
 * it ignores (runc sends the pty's name, and so does nsbox-oci).
 *
 * The same fd passing sends the seccomp listener to listenerPath
 * (oci/seccomp.h). Paths longer than sun_path are reached through an
 * O_PATH fd of the socket (/proc/self/fd/N), as podman does. */
#pragma once

#include <stddef.h>

/* Connect to the unix socket at path (SOCK_STREAM; SOCK_SEQPACKET if the
 * listener is one) and send fd with data: the first sendmsg carries the fd
 * and as much data as it takes, the rest follows. len must be >= 1 (a
 * stream needs a byte to carry the fd). 0 or -errno, not logged. */
int nsb_oci_send_fd(const char *path, int fd, const void *data, size_t len);

/* Receive one message with at most one fd from sock: *ret_fd (O_CLOEXEC,
 * -1 if none came) and up to size bytes into buf (*ret_len). Extra fds are
 * closed and make it fail with -EBADMSG. 0 or -errno. */
int nsb_oci_recv_fd(int sock, int *ret_fd, void *buf, size_t size, size_t *ret_len);

/* A new pty from /dev/ptmx of the calling process's root and mount
 * namespace (call it inside the container, after /dev/pts is mounted):
 * master and slave fds (O_RDWR | O_NOCTTY | O_CLOEXEC; the slave through
 * TIOCGPTPEER, no path lookup), and the slave's name ("/dev/pts/3")
 * into name. 0 or -errno. */
int nsb_oci_pty_open(int *ret_master, int *ret_slave, char *name, size_t name_size);

/* process.consoleSize: TIOCSWINSZ on a pty fd. 0 or -errno. */
int nsb_oci_pty_set_size(int fd, unsigned short height, unsigned short width);

/* Make slave the controlling terminal of the calling process (a new
 * session unless it already leads one) and its stdin, stdout and stderr.
 * The slave fd itself stays open. 0 or -errno. */
int nsb_oci_pty_make_stdio(int slave);

/* Send the master to the console socket as conmon expects. 0 or -errno,
 * logged with the path. */
int nsb_oci_console_send(const char *socket_path, int master, const char *name);
