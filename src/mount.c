/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mount.h"
#include "util.h"

int nsb_mount_clone(int dirfd, const char *path, bool recursive)
{
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
	int fd;

	if (recursive)
		flags |= AT_RECURSIVE;
	if (!*path)
		flags |= AT_EMPTY_PATH;
	fd = open_tree(dirfd, path, flags);
	return fd < 0 ? -errno : fd;
}

int nsb_mount_setattr(int fd, unsigned attrs, bool recursive)
{
	struct mount_attr attr = {.attr_set = attrs};

	if (!attrs)
		return 0;
	if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
	                  sizeof(attr)) < 0)
		return -errno;
	return 0;
}

int nsb_mount_setattr_full(int fd, unsigned set, unsigned clear, unsigned long propagation,
                           bool recursive)
{
	struct mount_attr attr = {.attr_set = set, .attr_clr = clear, .propagation = propagation};

	if (!set && !clear && !propagation)
		return 0;
	if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
	                  sizeof(attr)) < 0)
		return -errno;
	return 0;
}

int nsb_mount_move(int mntfd, int destfd)
{
	if (move_mount(mntfd, "", destfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return -errno;
	return 0;
}

int nsb_mount_new_fs(const char *fstype, const char *const *options, unsigned attrs)
{
	_cleanup_close_ int fsfd = -1;
	int mfd;

	fsfd = fsopen(fstype, FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return -errno;
	for (size_t i = 0; options && options[i]; i += 2) {
		int r;

		if (options[i + 1])
			r = fsconfig(fsfd, FSCONFIG_SET_STRING, options[i], options[i + 1], 0);
		else
			r = fsconfig(fsfd, FSCONFIG_SET_FLAG, options[i], NULL, 0);
		if (r < 0)
			return -errno;
	}
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, attrs);
	return mfd < 0 ? -errno : mfd;
}

int nsb_mount_move_at(int mntfd, int dirfd, const char *name)
{
	if (move_mount(mntfd, "", dirfd, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}
