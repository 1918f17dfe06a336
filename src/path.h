/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Paths inside the new root. Every lookup is openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS) relative to the new root's fd, and every creation
 * is a single-component *at() call relative to a directory found that way,
 * so a symlink planted in the new root is followed inside it and can never
 * make nsbox create, change or mount anything on the host. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

enum nsb_node {
	NSB_NODE_DIR,
	NSB_NODE_FILE,
};

/* openat2(rootfd, path, flags | O_CLOEXEC, RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS): the fd or -errno. */
int nsb_path_open(int rootfd, const char *path, int flags);

/* True if path names the root itself ("", "/", "/./..", ...). */
bool nsb_path_is_root(const char *path);

/* Make sure the parent directories of path exist (creating missing ones with
 * parent_mode) and return an O_PATH directory fd of the parent in *ret_fd and
 * a malloc'ed copy of the last component in *ret_name ("." for the root).
 * 0 or -errno. */
int nsb_path_parent(int rootfd, const char *path, mode_t parent_mode, int *ret_fd, char **ret_name);

/* Make sure path exists (any type is accepted if it exists; otherwise a
 * directory or an empty regular file is created with mode) and return an
 * O_PATH fd to it. 0 or -errno. */
int nsb_path_ensure(int rootfd, const char *path, enum nsb_node kind, mode_t mode,
                    mode_t parent_mode, int *ret_fd);

/* When path is a symlink inside the root whose target does not exist (as
 * /etc/resolv.conf -> ../run/systemd/resolve/stub-resolv.conf when /run
 * is not in the root), the path it leads to, malloc'ed in *ret_path (the
 * link's directory joined with a relative target, or the absolute target:
 * still to be resolved inside the root), following up to 8 such links;
 * else NULL. 0 or -errno (-ELOOP past 8). */
int nsb_path_follow_dangling(int rootfd, const char *path, char **ret_path);

/* chmod through an O_PATH fd (fchmodat2 with AT_EMPTY_PATH, or a
 * /proc/self/fd fallback under proc_prefix). 0 or -errno. */
int nsb_path_fchmod(int fd, mode_t mode, const char *proc_prefix);
