/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The OCI face's op kinds (nsb-config.h): the bundle's root filesystem,
 * config.json's mounts, device nodes and remounts. They are rows of the
 * same table as nsbox's own ops (ops.c), applied in the same loop inside
 * the new root, with the same path safety: every destination is found or
 * made with openat2(RESOLVE_IN_ROOT) relative to the new root, and every
 * mount is built detached and attached with move_mount. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "log.h"
#include "mount.h"
#include "ops-int.h"
#include "path.h"
#include "util.h"

/* Deeper trees are not copied by tmpcopyup (a loop guard; directories
 * that deep do not belong on a tmpfs mount point). */
#define COPYUP_MAX_DEPTH 64

/* The flags of m on the detached tree: every mount of it first, then its
 * top mount, then the propagation (recursive with MS_REC). */
static int set_flags(int tree, const struct nsb_mount_spec *m)
{
	unsigned rclear = m->rattr_clear | (m->set_atime ? MOUNT_ATTR__ATIME : 0);
	unsigned rset = m->rattr_set | (m->set_atime ? m->atime : 0);
	int r;

	r = nsb_mount_setattr_full(tree, rset, rclear, 0, true);
	if (r >= 0)
		r = nsb_mount_setattr_full(tree, m->attr_set, m->attr_clear, 0, false);
	if (r >= 0 && m->propagation)
		r = nsb_mount_setattr_full(tree, 0, 0, m->propagation & ~(unsigned long)MS_REC,
		                           (m->propagation & MS_REC) != 0);
	return r;
}

/* Mount the detached tree on DEST, made to match what it is. */
static int bind_tree(struct nsb_setup *s, const struct nsb_op *op, int tree, const char *what)
{
	_cleanup_close_ int dest = -1;
	struct stat st;
	bool dir;
	int r;

	if (fstat(tree, &st) < 0)
		return nsb_op_fail(errno, op, "cannot bind '%s'", what);
	dir = S_ISDIR(st.st_mode);
	dest = nsb_ops_mount_point(s, op, dir, dir ? 0755 : 0644, 0755);
	if (dest < 0)
		return dest;
	r = set_flags(tree, op->mnt);
	if (r < 0)
		return nsb_op_fail(r, op, "cannot set the flags of '%s'", what);
	r = nsb_ops_attach(s, tree, dest);
	return r < 0 ? nsb_op_fail(r, op, "cannot mount '%s' on %s", what, op->dest) : 0;
}

int nsb_ops_apply_rootfs(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	_cleanup_close_ int tree = -1, root = -1;
	int r;

	/* Everything below the root filesystem comes along, with its own
	 * flags: suid programs and device nodes keep working as on the host. */
	tree = nsb_ops_clone_source(s, s->sources[i], true);
	if (tree < 0)
		return nsb_op_fail(tree, op, "cannot bind the root filesystem '%s'", op->src);
	root = nsb_path_open(s->rootfd, "/", O_PATH | O_DIRECTORY);
	if (root < 0)
		return nsb_op_fail(root, op, "cannot open the new root");
	r = nsb_ops_attach(s, tree, root);
	return r < 0 ? nsb_op_fail(r, op, "cannot bind the root filesystem '%s'", op->src) : 0;
}

int nsb_ops_apply_mount_bind(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	_cleanup_close_ int tree = -1;

	tree = nsb_ops_clone_source(s, s->sources[i], op->mnt->recursive);
	if (tree == -ENOENT && (op->flags & NSB_OPF_ALLOW_MISSING))
		return 0;
	if (tree < 0)
		return nsb_op_fail(tree, op, "cannot bind '%s'", op->src);
	return bind_tree(s, op, tree, op->src);
}

/* "size=1m,mode=755,newinstance" as key/value pairs for nsb_mount_new_fs()
 * (NULL values for flags), in the malloc'ed *ret_opts pointing into
 * *ret_buf. */
static int split_data(const char *data, char **ret_buf, const char ***ret_opts)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ const char **opts = NULL;
	size_t n = 0, words = 1;
	char *save = NULL;

	*ret_buf = NULL;
	*ret_opts = NULL;
	if (!data)
		return 0;
	for (const char *p = data; *p; p++)
		words += *p == ',';
	buf = strdup(data);
	opts = calloc(2 * words + 1, sizeof(char *));
	if (!buf || !opts)
		return -ENOMEM;
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(w, '=');

		if (eq)
			*eq = '\0';
		opts[n++] = w;
		opts[n++] = eq ? eq + 1 : NULL;
	}
	opts[n] = NULL;
	*ret_buf = TAKE_PTR(buf);
	*ret_opts = TAKE_PTR(opts);
	return 0;
}

/* The pairs end at the first NULL key: nsb_mount_new_fs() stops there. */
static int new_fs(const struct nsb_mount_spec *m, unsigned attrs)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ const char **opts = NULL;
	int r;

	r = split_data(m->data, &buf, &opts);
	if (r < 0)
		return r;
	return nsb_mount_new_fs(m->fstype, opts, attrs);
}

static int copy_file(int from_dir, int to_dir, const char *name, const struct stat *st)
{
	_cleanup_close_ int in = -1, out = -1;
	char buf[65536];
	ssize_t n;

	in = openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (in < 0)
		return -errno;
	out = openat(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	             st->st_mode & 07777);
	if (out < 0)
		return -errno;
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		r = nsb_write_all(out, buf, (size_t)n);
		if (r < 0)
			return r;
	}
	if (fchown(out, st->st_uid, st->st_gid) < 0 || fchmod(out, st->st_mode & 07777) < 0)
		return -errno;
	return 0;
}

/* tmpcopyup: what DEST held, copied into the new tmpfs (directories,
 * regular files and symbolic links, with their owners and modes; other
 * kinds of files are left out, as a tmpfs over them would hide them). */
static int copy_tree(int from_dir, int to_dir, unsigned depth)
{
	_cleanup_close_ int dup_fd = -1;
	DIR *d;
	struct dirent *e;
	int r = 0;

	if (depth > COPYUP_MAX_DEPTH)
		return -ELOOP;
	dup_fd = openat(from_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dup_fd < 0)
		return -errno;
	d = fdopendir(dup_fd);
	if (!d)
		return -errno;
	dup_fd = -1;
	while (r == 0 && (errno = 0, e = readdir(d))) {
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(from_dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -errno;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			_cleanup_close_ int a = -1, b = -1;

			if (mkdirat(to_dir, e->d_name, st.st_mode & 07777) < 0 ||
			    fchownat(to_dir, e->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) <
			            0 ||
			    fchmodat(to_dir, e->d_name, st.st_mode & 07777, 0) < 0) {
				r = -errno;
				break;
			}
			a = openat(from_dir, e->d_name,
			           O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			b = openat(to_dir, e->d_name,
			           O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			r = a < 0 || b < 0 ? -errno : copy_tree(a, b, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			r = copy_file(from_dir, to_dir, e->d_name, &st);
		} else if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlinkat(from_dir, e->d_name, target, sizeof(target) - 1);

			if (n < 0) {
				r = -errno;
				break;
			}
			target[n] = '\0';
			if (symlinkat(target, to_dir, e->d_name) < 0 ||
			    fchownat(to_dir, e->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) <
			            0)
				r = -errno;
		}
	}
	if (r == 0 && errno)
		r = -errno;
	closedir(d);
	return r;
}

static int copy_up(struct nsb_setup *s, const struct nsb_op *op, int mnt)
{
	_cleanup_close_ int from = -1, to = -1;
	int r;

	from = nsb_path_open(s->rootfd, op->dest, O_RDONLY | O_DIRECTORY);
	if (from < 0)
		return from;
	to = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (to < 0)
		return -errno;
	r = copy_tree(from, to, 0);
	if (r >= 0) {
		struct stat st;

		/* The mount point's own owner and mode go to the tmpfs root. */
		if (fstat(from, &st) < 0 || fchown(to, st.st_uid, st.st_gid) < 0 ||
		    fchmod(to, st.st_mode & 07777) < 0)
			r = -errno;
	}
	return r;
}

/* The kernel refused the new filesystem: bind the host's instead, with
 * the flags the entry asked for. */
static int apply_fallback(struct nsb_setup *s, const struct nsb_op *op, int err)
{
	_cleanup_close_ int tree = -1;

	nsb_debug("%s: %s refused (%s), binding the host's %s instead", op->opt, op->mnt->fstype,
	          strerror(-err), op->mnt->fallback);
	tree = nsb_ops_clone_source(s, op->mnt->fallback, true);
	if (tree < 0)
		return nsb_op_fail(err, op, "cannot mount %s on %s (nor bind the host's %s: %s)",
		                   op->mnt->fstype, op->dest, op->mnt->fallback, strerror(-tree));
	return bind_tree(s, op, tree, op->mnt->fallback);
}

int nsb_ops_apply_mount_fs(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	const struct nsb_mount_spec *m = op->mnt;
	_cleanup_close_ int dest = -1, mnt = -1;
	unsigned attrs = m->attr_set | m->rattr_set | (m->set_atime ? m->atime : 0);
	int r;

	dest = nsb_ops_mount_point(s, op, true, 0755, 0755);
	if (dest < 0)
		return dest;
	/* What tmpcopyup copies goes in before the tmpfs may become read-only. */
	mnt = new_fs(m, m->tmpcopyup ? attrs & ~(unsigned)MOUNT_ATTR_RDONLY : attrs);
	if (mnt == -EPERM && m->fallback)
		return apply_fallback(s, op, mnt);
	if (mnt < 0)
		return nsb_op_fail(mnt, op, "cannot mount %s on %s", m->fstype, op->dest);
	if (m->tmpcopyup) {
		r = copy_up(s, op, mnt);
		if (r < 0)
			return nsb_op_fail(r, op, "tmpcopyup: cannot copy what %s holds", op->dest);
		r = nsb_mount_setattr_full(mnt, attrs & MOUNT_ATTR_RDONLY, 0, 0, false);
		if (r < 0)
			return nsb_op_fail(r, op, "cannot make %s read-only", op->dest);
	}
	if (m->propagation) {
		r = nsb_mount_setattr_full(mnt, 0, 0, m->propagation & ~(unsigned long)MS_REC,
		                           false);
		if (r < 0)
			return nsb_op_fail(r, op, "cannot set the propagation of %s", op->dest);
	}
	r = nsb_ops_attach(s, mnt, dest);
	return r < 0 ? nsb_op_fail(r, op, "cannot mount %s on %s", m->fstype, op->dest) : 0;
}

/* Where a user namespace refuses mknod: the host's node bound in place. */
static int bind_host_node(struct nsb_setup *s, const struct nsb_op *op)
{
	_cleanup_close_ int tree = -1, dest = -1;
	int r;

	tree = nsb_ops_clone_source(s, op->dev->host_path, false);
	if (tree < 0)
		return nsb_op_fail(tree, op,
		                   "cannot create the device %s (mknod is not allowed here) "
		                   "nor bind the host's %s",
		                   op->dest, op->dev->host_path);
	dest = nsb_ops_mount_point(s, op, false, 0644, 0755);
	if (dest < 0)
		return dest;
	r = nsb_mount_setattr(tree, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, false);
	if (r >= 0)
		r = nsb_ops_attach(s, tree, dest);
	return r < 0 ? nsb_op_fail(r, op, "cannot bind the host's %s on %s", op->dev->host_path,
	                           op->dest)
	             : 0;
}

int nsb_ops_apply_device(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	const struct nsb_dev_spec *d = op->dev;
	_cleanup_close_ int parent = -1;
	_cleanup_free_ char *name = NULL;
	mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
	int r;

	r = nsb_path_parent(s->rootfd, op->dest, 0755, &parent, &name);
	if (r < 0)
		return nsb_op_fail(r, op, "cannot make the parents of %s", op->dest);
	if (mknodat(parent, name, type | (d->mode & 07777), makedev(d->major, d->minor)) < 0) {
		/* What is there already stays (as runc leaves it). */
		if (errno == EEXIST)
			return 0;
		if (errno == EPERM && type != S_IFIFO && d->host_path)
			return bind_host_node(s, op);
		return nsb_op_fail(errno, op, "cannot create the device %s", op->dest);
	}
	if (fchownat(parent, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return nsb_op_fail(errno, op, "cannot give %s to %u:%u", op->dest, (unsigned)d->uid,
		                   (unsigned)d->gid);
	/* mknod applied the umask: the mode is exact. */
	if (fchmodat(parent, name, d->mode & 07777, 0) < 0)
		return nsb_op_fail(errno, op, "cannot set the mode of %s", op->dest);
	return 0;
}

/* Is fd the root of a mount? */
static int is_mount_root(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_TYPE, &stx) < 0)
		return -errno;
	if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return -EOPNOTSUPP;
	return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
}

int nsb_ops_apply_remount(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	_cleanup_close_ int fd = -1, tree = -1;
	int r;

	fd = nsb_path_open(s->rootfd, op->dest, O_PATH);
	if ((fd == -ENOENT || fd == -ENOTDIR) && (op->flags & NSB_OPF_ALLOW_MISSING))
		return 0;
	if (fd < 0)
		return nsb_op_fail(fd, op, "cannot find %s", op->dest);
	r = is_mount_root(fd);
	if (r < 0)
		return nsb_op_fail(r, op, "cannot look at %s", op->dest);
	if (r > 0) {
		r = set_flags(fd, op->mnt);
		return r < 0 ? nsb_op_fail(r, op, "cannot change the flags of %s", op->dest) : 0;
	}
	/* Not a mount of its own: bind it onto itself first. */
	tree = nsb_mount_clone(fd, "", op->mnt->recursive);
	if (tree < 0)
		return nsb_op_fail(tree, op, "cannot bind %s onto itself", op->dest);
	r = set_flags(tree, op->mnt);
	if (r < 0)
		return nsb_op_fail(r, op, "cannot change the flags of %s", op->dest);
	r = nsb_ops_attach(s, tree, fd);
	return r < 0 ? nsb_op_fail(r, op, "cannot bind %s onto itself", op->dest) : 0;
}
