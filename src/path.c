/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "path.h"
#include "util.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

int nsb_path_open(int rootfd, const char *path, int flags)
{
	struct open_how how = {
	        .flags = (unsigned)(flags | O_CLOEXEC),
	        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	/* An empty path is the root itself. */
	if (!path || !*path)
		path = ".";
	do
		fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	return fd < 0 ? -errno : (int)fd;
}

static bool component_is_dot(const char *c, size_t len)
{
	return (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.');
}

bool nsb_path_is_root(const char *path)
{
	const char *p = path;

	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len && !component_is_dot(p, len))
			return false;
		p += len;
	}
	return true;
}

/* Open (creating if missing) the directory named by the first prefix_len
 * bytes of path, whose parent is the directory parentfd. */
static int open_or_mkdir(int rootfd, int parentfd, const char *path, size_t prefix_len,
                         const char *name, mode_t mode)
{
	char prefix[PATH_MAX];
	int fd;

	if (prefix_len >= sizeof(prefix))
		return -ENAMETOOLONG;
	memcpy(prefix, path, prefix_len);
	prefix[prefix_len] = '\0';

	fd = nsb_path_open(rootfd, prefix, O_PATH | O_DIRECTORY);
	if (fd != -ENOENT)
		return fd;
	/* Missing: create it as one component in its parent, which was itself
	 * found inside the root. A dangling symlink there gives EEXIST. */
	if (mkdirat(parentfd, name, mode) < 0 && errno != EEXIST)
		return -errno;
	return nsb_path_open(rootfd, prefix, O_PATH | O_DIRECTORY);
}

/* The fast path of nsb_path_parent: the parent of a plain last component
 * already exists. */
static bool parent_exists(int rootfd, const char *path, int *ret_fd, char **ret_name)
{
	char parent[PATH_MAX];
	const char *end = path + strlen(path), *slash;
	size_t len;
	char *name;
	int fd;

	while (end > path && end[-1] == '/')
		end--;
	slash = end;
	while (slash > path && slash[-1] != '/')
		slash--;
	len = (size_t)(end - slash);
	if (!len || component_is_dot(slash, len) || (size_t)(slash - path) >= sizeof(parent))
		return false;
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = '\0';
	fd = nsb_path_open(rootfd, parent, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return false;
	name = strndup(slash, len);
	if (!name) {
		close(fd);
		return false;
	}
	*ret_fd = fd;
	*ret_name = name;
	return true;
}

int nsb_path_parent(int rootfd, const char *path, mode_t parent_mode, int *ret_fd, char **ret_name)
{
	_cleanup_close_ int cur = -1;
	const char *p = path, *last = NULL;
	size_t last_len = 0;
	char *name;

	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	/* Most parents exist already: one lookup instead of a walk. */
	if (parent_exists(rootfd, path, ret_fd, ret_name))
		return 0;
	cur = nsb_path_open(rootfd, ".", O_PATH | O_DIRECTORY);
	if (cur < 0)
		return cur;

	for (;;) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (!len)
			break;
		if (last) {
			/* last is a parent component: make sure it exists. */
			char comp[NAME_MAX + 1];
			int fd;

			if (last_len > NAME_MAX)
				return -ENAMETOOLONG;
			memcpy(comp, last, last_len);
			comp[last_len] = '\0';
			fd = open_or_mkdir(rootfd, cur, path, (size_t)(last + last_len - path),
			                   comp, parent_mode);
			if (fd < 0)
				return fd;
			close(cur);
			cur = fd;
		}
		last = p;
		last_len = len;
		p += len;
	}

	if (!last || component_is_dot(last, last_len)) {
		/* The root itself, or a path ending in "." or "..": resolve the
		 * whole path and hand back "." in it. */
		int fd = nsb_path_open(rootfd, path, O_PATH | O_DIRECTORY);
		if (fd < 0)
			return fd;
		close(cur);
		cur = fd;
		name = strdup(".");
	} else {
		name = strndup(last, last_len);
	}
	if (!name)
		return -ENOMEM;
	*ret_name = name;
	*ret_fd = TAKE_FD(cur);
	return 0;
}

int nsb_path_ensure(int rootfd, const char *path, enum nsb_node kind, mode_t mode,
                    mode_t parent_mode, int *ret_fd)
{
	_cleanup_close_ int parent = -1;
	_cleanup_free_ char *name = NULL;
	int fd, r;

	fd = nsb_path_open(rootfd, path, O_PATH);
	if (fd != -ENOENT)
		goto out;

	r = nsb_path_parent(rootfd, path, parent_mode, &parent, &name);
	if (r < 0)
		return r;
	if (kind == NSB_NODE_DIR) {
		if (mkdirat(parent, name, mode) < 0 && errno != EEXIST)
			return -errno;
	} else {
		int wfd = openat(parent, name,
		                 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
		                 mode);
		if (wfd < 0 && errno != EEXIST)
			return -errno;
		if (wfd >= 0)
			close(wfd);
	}
	fd = nsb_path_open(rootfd, path, O_PATH);
out:
	if (fd < 0)
		return fd;
	*ret_fd = fd;
	return 0;
}

int nsb_path_follow_dangling(int rootfd, const char *path, char **ret_path)
{
	_cleanup_free_ char *cur = strdup(path);
	bool followed = false;

	*ret_path = NULL;
	if (!cur)
		return -ENOMEM;
	for (int hop = 0;; hop++) {
		_cleanup_close_ int fd = -1, dir = -1;
		char target[PATH_MAX], *slash, *next;
		ssize_t n;

		fd = nsb_path_open(rootfd, cur, O_PATH);
		if (fd != -ENOENT)
			break; /* there (or another error, for the caller to meet) */
		slash = strrchr(cur, '/');
		if (!slash || !slash[1])
			break;
		/* cur is now the link's directory, slash + 1 its name. */
		*slash = '\0';
		dir = nsb_path_open(rootfd, *cur ? cur : "/", O_PATH | O_DIRECTORY);
		n = dir < 0 ? -1 : readlinkat(dir, slash + 1, target, sizeof(target) - 1);
		if (n < 0) {
			*slash = '/';
			break; /* missing, and not a link: nothing to follow */
		}
		if (hop == 8)
			return -ELOOP;
		target[n] = '\0';
		if (target[0] == '/')
			next = strdup(target);
		else if (asprintf(&next, "%s/%s", cur, target) < 0)
			next = NULL;
		if (!next)
			return -ENOMEM;
		free(cur);
		cur = next;
		if (strlen(cur) >= PATH_MAX)
			return -ENAMETOOLONG;
		followed = true;
	}
	if (followed)
		*ret_path = TAKE_PTR(cur);
	return 0;
}

int nsb_path_fchmod(int fd, mode_t mode, const char *proc_prefix)
{
	char p[PATH_MAX];

	if (syscall(SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL)
		return -errno;
	/* Kernels before 6.6 have no fchmodat2: go through the fd's magic
	 * link, which names exactly the inode we resolved. */
	snprintf(p, sizeof(p), "%s/proc/self/fd/%d", proc_prefix ? proc_prefix : "", fd);
	return chmod(p, mode) < 0 ? -errno : 0;
}
