/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small shared helpers: cleanup attributes and ownership transfer. */
#pragma once

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void nsb_freep(void *p)
{
	free(*(void **)p);
}

static inline void nsb_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

#define _cleanup_free_ _cleanup_(nsb_freep)
#define _cleanup_close_ _cleanup_(nsb_closep)

/* Take ownership away from a _cleanup_ variable. */
#define TAKE_PTR(p)                      \
	({                               \
		__typeof__(p) _tp = (p); \
		(p) = NULL;              \
		_tp;                     \
	})
#define TAKE_FD(fd)             \
	({                      \
		int _tf = (fd); \
		(fd) = -1;      \
		_tf;            \
	})

#define NSB_ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* Write all of buf to fd, retrying on EINTR and short writes: 0 or -errno. */
int nsb_write_all(int fd, const void *buf, size_t len);

/* Read fd to EOF into a NUL-terminated malloc'ed buffer of at most max bytes:
 * 0 or -errno (-E2BIG past max). */
int nsb_read_all(int fd, size_t max, char **ret_buf, size_t *ret_len);

/* A wait status as an exit status: the code, 128+N for signal N, else 255. */
int nsb_exit_status(int wait_status);

/* Write a short string to the file path, relative to dirfd (e.g. uid_map
 * in a /proc/PID directory, or AT_FDCWD): 0 or -errno. */
int nsb_write_file_at(int dirfd, const char *path, const char *s);

/* Wait for one byte on fd, retrying on EINTR: 1, 0 at EOF, or -errno. */
int nsb_read_byte(int fd);

/* Close *fd if it is open and mark it closed (-1). */
void nsb_close_fd(int *fd);
