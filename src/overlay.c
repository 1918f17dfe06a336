/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "overlay.h"
#include "util.h"

char *nsb_overlay_escape(const char *path)
{
	size_t n = 0;
	char *out, *o;

	for (const char *p = path; *p; p++)
		n += strchr("\\,:", *p) ? 2 : 1;
	out = malloc(n + 1);
	if (!out)
		return NULL;
	o = out;
	for (const char *p = path; *p; p++) {
		if (strchr("\\,:", *p))
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

char *nsb_overlay_lowerdir(const char *const *paths, size_t n)
{
	char *out = NULL, *esc;
	size_t len = 0, cap = 0;

	/* The kernel lists the top layer first; the command line the bottom. */
	for (size_t k = n; k-- > 0;) {
		size_t el;

		esc = nsb_overlay_escape(paths[k]);
		if (!esc)
			goto fail;
		el = strlen(esc);
		if (len + el + 2 > cap) {
			char *grown;

			cap = (len + el + 2) * 2;
			grown = realloc(out, cap);
			if (!grown) {
				free(esc);
				goto fail;
			}
			out = grown;
		}
		if (len)
			out[len++] = ':';
		memcpy(out + len, esc, el);
		len += el;
		out[len] = '\0';
		free(esc);
	}
	return out ? out : strdup("");
fail:
	free(out);
	return NULL;
}

/* The first error the filesystem logged in the fs context, if any. */
static void context_why(int fsfd, char *why, size_t size)
{
	char buf[512];
	ssize_t n;

	if (!why || !size)
		return;
	why[0] = '\0';
	/* Each read returns one message, "e text" for an error, until ENODATA. */
	while ((n = read(fsfd, buf, sizeof(buf) - 1)) > 0) {
		while (n > 0 && buf[n - 1] == '\n')
			n--;
		buf[n] = '\0';
		if (!why[0] && n > 2 && buf[0] == 'e' && buf[1] == ' ')
			snprintf(why, size, "%s", buf + 2);
	}
}

static int set_layer_fd(int fsfd, const char *key, int fd)
{
	return fsconfig(fsfd, FSCONFIG_SET_FD, key, NULL, fd) < 0 ? -errno : 0;
}

/* Layers by fd. *ret_no_fds tells a kernel that takes no layer fds. */
static int mount_by_fd(const struct nsb_overlay *ov, unsigned attrs, bool *ret_no_fds, char *why,
                       size_t size)
{
	_cleanup_close_ int fsfd = -1;
	int r = 0, mfd;

	fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return -errno;
	/* Each "lowerdir+" goes below the ones before it: top layer first. */
	for (size_t k = ov->n_lower; r == 0 && k-- > 0;) {
		r = set_layer_fd(fsfd, "lowerdir+", ov->lower[k]);
		/* Before Linux 6.13 (or 6.8 for the name) this is refused as
		 * a bad or unknown parameter, whatever the layer. */
		if (r == -EINVAL && k == ov->n_lower - 1) {
			*ret_no_fds = true;
			context_why(fsfd, why, size);
			return r;
		}
	}
	if (r == 0 && ov->upper >= 0)
		r = set_layer_fd(fsfd, "upperdir", ov->upper);
	if (r == 0 && ov->upper >= 0)
		r = set_layer_fd(fsfd, "workdir", ov->work);
	/* Without it an overlay in a user namespace cannot keep its metadata
	 * (trusted.* xattrs need privilege on the host). */
	if (r == 0 && fsconfig(fsfd, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
		r = -errno;
	if (r == 0 && fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		r = -errno;
	if (r < 0) {
		context_why(fsfd, why, size);
		return r;
	}
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, attrs);
	return mfd < 0 ? -errno : mfd;
}

/* Where the directory fd is, as a path from our root (what the kernel
 * will look up again): getcwd() after fchdir(), which needs no /proc. */
static int fd_path(int fd, char **ret)
{
	_cleanup_close_ int here = -1;
	char *p;
	int r = 0;

	here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (here < 0)
		return -errno;
	if (fchdir(fd) < 0)
		return -errno;
	p = getcwd(NULL, 0);
	if (!p)
		r = -errno;
	if (fchdir(here) < 0)
		r = -errno;
	if (r < 0) {
		free(p);
		return r;
	}
	*ret = p;
	return 0;
}

/* "upperdir=U,workdir=W,lowerdir=L,userxattr", every path escaped. */
static int build_options(const struct nsb_overlay *ov, char **ret)
{
	_cleanup_free_ char *lower = NULL, *upper = NULL, *work = NULL;
	_cleanup_free_ char *up_esc = NULL, *work_esc = NULL;
	char **paths;
	int r = 0;

	paths = calloc(ov->n_lower ? ov->n_lower : 1, sizeof(char *));
	if (!paths)
		return -ENOMEM;
	for (size_t k = 0; r == 0 && k < ov->n_lower; k++)
		r = fd_path(ov->lower[k], &paths[k]);
	if (r == 0) {
		lower = nsb_overlay_lowerdir((const char *const *)paths, ov->n_lower);
		if (!lower)
			r = -ENOMEM;
	}
	for (size_t k = 0; k < ov->n_lower; k++)
		free(paths[k]);
	free(paths);
	if (r < 0)
		return r;
	if (ov->upper >= 0) {
		r = fd_path(ov->upper, &upper);
		if (r == 0)
			r = fd_path(ov->work, &work);
		if (r < 0)
			return r;
		up_esc = nsb_overlay_escape(upper);
		work_esc = nsb_overlay_escape(work);
		if (!up_esc || !work_esc)
			return -ENOMEM;
		r = asprintf(ret, "upperdir=%s,workdir=%s,lowerdir=%s,userxattr", up_esc, work_esc,
		             lower);
	} else {
		r = asprintf(ret, "lowerdir=%s,userxattr", lower);
	}
	return r < 0 ? -ENOMEM : 0;
}

static unsigned long ms_flags(unsigned attrs)
{
	unsigned long f = 0;

	if (attrs & MOUNT_ATTR_RDONLY)
		f |= MS_RDONLY;
	if (attrs & MOUNT_ATTR_NOSUID)
		f |= MS_NOSUID;
	if (attrs & MOUNT_ATTR_NODEV)
		f |= MS_NODEV;
	if (attrs & MOUNT_ATTR_NOEXEC)
		f |= MS_NOEXEC;
	return f;
}

/* Layers by path, for kernels that take no layer fds: mount(2) on the
 * empty directory scratch (fsconfig strings stop at 256 bytes, the mount
 * data at a page), then take the mount away from there, detached. */
static int mount_by_path(const struct nsb_overlay *ov, unsigned attrs, const char *scratch)
{
	_cleanup_free_ char *opts = NULL;
	int r, mfd;

	if (!scratch)
		return -EOPNOTSUPP;
	r = build_options(ov, &opts);
	if (r < 0)
		return r;
	if (mount("overlay", scratch, "overlay", ms_flags(attrs), opts) < 0)
		return -errno;
	mfd = open_tree(AT_FDCWD, scratch, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	r = mfd < 0 ? -errno : mfd;
	(void)umount2(scratch, MNT_DETACH);
	return r;
}

int nsb_overlay_mount(const struct nsb_overlay *ov, unsigned attrs, enum nsb_overlay_how how,
                      const char *scratch, char *why, size_t size)
{
	bool no_fds = false;
	int r;

	if (why && size)
		why[0] = '\0';
	if (how != NSB_OVERLAY_BY_PATH) {
		r = mount_by_fd(ov, attrs, &no_fds, why, size);
		if (r >= 0 || !no_fds || how == NSB_OVERLAY_BY_FD)
			return r;
		/* The kernel's complaint was about the parameter, not ours. */
		if (why && size)
			why[0] = '\0';
	}
	return mount_by_path(ov, attrs, scratch);
}
