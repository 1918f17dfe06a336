/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mounts with the new mount API: every mount is built detached, given its
 * flags with mount_setattr (which only adds the named flags, recursively
 * where asked, with no /proc/self/mountinfo parsing), then attached to an
 * O_PATH fd of its destination with move_mount. */
#pragma once

#include <linux/mount.h>
#include <stdbool.h>

/* Clone the tree at path (absolute, in the current mount namespace), or at
 * the O_PATH fd dirfd when path is "" , recursively or not. fd or -errno. */
int nsb_mount_clone(int dirfd, const char *path, bool recursive);

/* Add attrs (MOUNT_ATTR_*) to the mount at fd, and to every mount below it
 * when recursive. 0 or -errno. */
int nsb_mount_setattr(int fd, unsigned attrs, bool recursive);

/* The full form: set and clear attributes (an atime mode in set needs
 * MOUNT_ATTR__ATIME in clear), and change the propagation (MS_PRIVATE,
 * MS_SLAVE, MS_SHARED or MS_UNBINDABLE; 0 leaves it). 0 or -errno. */
int nsb_mount_setattr_full(int fd, unsigned set, unsigned clear, unsigned long propagation,
                           bool recursive);

/* Attach the detached mount mntfd on the O_PATH fd destfd. 0 or -errno. */
int nsb_mount_move(int mntfd, int destfd);

/* A new filesystem: fstype with NULL-terminated key/value string pairs (a
 * NULL value sets a flag), mounted detached with attrs. fd or -errno. */
int nsb_mount_new_fs(const char *fstype, const char *const *options, unsigned attrs);

/* Attach the detached mount mntfd on name, a single component in the
 * directory dirfd. 0 or -errno. */
int nsb_mount_move_at(int mntfd, int dirfd, const char *name);
