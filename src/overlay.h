/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Overlay mounts from directory fds. The layers are handed to the kernel as
 * fds (fsconfig FSCONFIG_SET_FD "lowerdir+", Linux 6.13+), so nothing is
 * looked up twice and no path needs escaping; older kernels get the
 * classic lowerdir/upperdir/workdir strings, built from the fds' paths with
 * '\', ',' and ':' escaped. Always "userxattr", so that overlays work in a
 * user namespace. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Most lower layers one overlay takes (the kernel's limit). */
#define NSB_OVERLAY_MAX_LAYERS 500

struct nsb_overlay {
	const int *lower; /* O_PATH directory fds, bottom layer first */
	size_t n_lower;
	int upper, work; /* both -1 for a read-only overlay */
};

enum nsb_overlay_how {
	NSB_OVERLAY_AUTO,    /* by fd, by path where the kernel cannot take fds */
	NSB_OVERLAY_BY_FD,   /* only by fd */
	NSB_OVERLAY_BY_PATH, /* only by escaped path strings */
};

/* Build the overlay detached, with attrs (MOUNT_ATTR_*): the mount fd or
 * -errno. By path, it is mounted for a moment on scratch, an empty
 * directory. On failure, the kernel's own explanation (if it gave one) is
 * copied to why (size bytes, "" if none). */
int nsb_overlay_mount(const struct nsb_overlay *ov, unsigned attrs, enum nsb_overlay_how how,
                      const char *scratch, char *why, size_t size);

/* path with '\', ',' and ':' preceded by a backslash: malloc'ed, or NULL. */
char *nsb_overlay_escape(const char *path);

/* The classic lowerdir value for paths given bottom layer first: each
 * escaped, top layer first, joined with ':'. malloc'ed, or NULL. */
char *nsb_overlay_lowerdir(const char *const *paths, size_t n);
