/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "mount.h"
#include "ops.h"
#include "path.h"
#include "util.h"

#define BIND_DATA_TMP "/nsbox-data-%u"

typedef int (*op_apply_fn)(struct nsb_setup *s, size_t i, const struct nsb_op *op);

struct op_kind_info {
	const char *name;
	op_apply_fn apply;
	bool has_source; /* SRC is a host path resolved before the pivot */
};

static const struct op_kind_info *op_info(enum nsb_op_kind kind);

const char *nsb_op_kind_name(enum nsb_op_kind kind)
{
	const struct op_kind_info *info = op_info(kind);
	return info ? info->name : "?";
}

/* Parents made for an op lose group/other access when its --perms does. */
static mode_t parent_mode(const struct nsb_op *op)
{
	mode_t m = 0755;

	if (op->perms >= 0) {
		if (!(op->perms & 0070))
			m &= ~(mode_t)0050;
		if (!(op->perms & 0007))
			m &= ~(mode_t)0005;
	}
	return m;
}

/* Attach mntfd on destfd; if that covered the root itself, later ops must
 * see the new mount, so reopen the root. */
static int attach(struct nsb_setup *s, int mntfd, int destfd)
{
	struct stat st;
	int r;

	if (fstat(destfd, &st) < 0)
		return -errno;
	r = nsb_mount_move(mntfd, destfd);
	if (r < 0)
		return r;
	if (st.st_dev == s->root_st.st_dev && st.st_ino == s->root_st.st_ino) {
		int fd = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		close(s->rootfd);
		s->rootfd = fd;
		if (fstat(fd, &s->root_st) < 0)
			return -errno;
	}
	return 0;
}

static int fail(int r, const struct nsb_op *op, const char *what)
{
	return nsb_log_errno(r, "%s: cannot %s '%s'", op->opt, what, op->dest);
}

/* Clone the tree at a host path, resolving it with the old root as "/" just
 * as the caller would. */
static int clone_source(struct nsb_setup *s, const char *abs)
{
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];

	fd = nsb_path_open(s->oldrootfd, abs, O_PATH);
	if (fd >= 0)
		return nsb_mount_clone(fd, "", true);
	if (fd != -ELOOP && fd != -EXDEV)
		return fd;
	/* A magic link such as /proc/self/fd/N names its file directly:
	 * let the kernel follow it. */
	if (snprintf(path, sizeof(path), NSB_OLDROOT "%s", abs) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return nsb_mount_clone(AT_FDCWD, path, true);
}

static int apply_bind(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	_cleanup_close_ int tree = -1, dest = -1;
	unsigned attrs = MOUNT_ATTR_NOSUID;
	struct stat st;
	int r;

	tree = clone_source(s, s->sources[i]);
	if (tree == -ENOENT && (op->flags & NSB_OPF_ALLOW_MISSING))
		return 0;
	if (tree < 0)
		return nsb_log_errno(tree, "%s: cannot bind '%s'", op->opt, op->src);
	if (fstat(tree, &st) < 0)
		return nsb_log_errno(errno, "%s: cannot bind '%s'", op->opt, op->src);
	r = nsb_path_ensure(s->rootfd, op->dest, S_ISDIR(st.st_mode) ? NSB_NODE_DIR : NSB_NODE_FILE,
			    S_ISDIR(st.st_mode) ? 0755 : 0444, 0755, &dest);
	if (r < 0)
		return fail(r, op, "create the mount point");
	if (op->kind != NSB_OP_DEV_BIND)
		attrs |= MOUNT_ATTR_NODEV;
	if (op->kind == NSB_OP_RO_BIND)
		attrs |= MOUNT_ATTR_RDONLY;
	r = nsb_mount_setattr(tree, attrs, true);
	if (r < 0)
		return nsb_log_errno(r, "%s: cannot set the flags of '%s'", op->opt, op->src);
	r = attach(s, tree, dest);
	return r < 0 ? fail(r, op, "mount on") : 0;
}

static int apply_remount_ro(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	_cleanup_close_ int fd = -1;
	int r;

	fd = nsb_path_open(s->rootfd, op->dest, O_PATH);
	if (fd < 0)
		return fail(fd, op, "find");
	r = nsb_mount_setattr(fd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, false);
	return r < 0 ? fail(r, op, "remount read-only") : 0;
}

/* New filesystem of fstype on a directory DEST. */
static int mount_fs_on(struct nsb_setup *s, const struct nsb_op *op, const char *fstype,
		       const char *const *options, unsigned attrs)
{
	_cleanup_close_ int mnt = -1, dest = -1;
	int r;

	r = nsb_path_ensure(s->rootfd, op->dest, NSB_NODE_DIR, 0755, parent_mode(op), &dest);
	if (r < 0)
		return fail(r, op, "create the mount point");
	mnt = nsb_mount_new_fs(fstype, options, attrs);
	if (mnt < 0)
		return nsb_log_errno(mnt, "%s: cannot mount %s on '%s'", op->opt, fstype, op->dest);
	r = attach(s, mnt, dest);
	return r < 0 ? fail(r, op, "mount on") : 0;
}

/* Entries of a procfs that would let the sandbox change the host kernel. */
static const char *const proc_ro_entries[] = {"sys", "sysrq-trigger", "irq", "bus"};

static int apply_proc(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	const unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV;
	_cleanup_close_ int proc = -1;
	int r;

	if (s->pidns) {
		r = mount_fs_on(s, op, "proc", NULL, attrs);
	} else {
		/* No pid namespace of our own: the host's processes are what
		 * a new procfs would show anyway, so bind it. */
		_cleanup_close_ int tree = -1, dest = -1;

		r = nsb_path_ensure(s->rootfd, op->dest, NSB_NODE_DIR, 0755, 0755, &dest);
		if (r < 0)
			return fail(r, op, "create the mount point");
		tree = nsb_mount_clone(AT_FDCWD, NSB_OLDROOT "/proc", true);
		if (tree < 0)
			return fail(tree, op, "bind the host's /proc on");
		r = nsb_mount_setattr(tree, attrs, true);
		if (r >= 0)
			r = attach(s, tree, dest);
		if (r < 0)
			return fail(r, op, "mount on");
	}
	if (r < 0)
		return r;

	proc = nsb_path_open(s->rootfd, op->dest, O_PATH | O_DIRECTORY);
	if (proc < 0)
		return fail(proc, op, "open");
	for (size_t k = 0; k < NSB_ELEMENTSOF(proc_ro_entries); k++) {
		_cleanup_close_ int sub = -1;

		sub = nsb_mount_clone(proc, proc_ro_entries[k], true);
		if (sub == -ENOENT)
			continue;
		if (sub >= 0)
			r = nsb_mount_setattr(sub, attrs | MOUNT_ATTR_RDONLY, true);
		else
			r = sub;
		if (r >= 0)
			r = nsb_mount_move_at(sub, proc, proc_ro_entries[k]);
		if (r < 0)
			return nsb_log_errno(r, "%s: cannot make '%s/%s' read-only", op->opt,
					     op->dest, proc_ro_entries[k]);
	}
	return 0;
}

static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
static const char *const dev_links[][2] = {
	{"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
	{"fd", "/proc/self/fd"},      {"core", "/proc/kcore"},	     {"ptmx", "pts/ptmx"},
};

/* Bind the host file src onto a new empty file name in the fresh tmpfs dev. */
static int dev_bind_node(int dev, const char *name, const char *src)
{
	_cleanup_close_ int node = -1;
	int fd, r;

	fd = openat(dev, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (fd < 0)
		return -errno;
	close(fd);
	node = nsb_mount_clone(AT_FDCWD, src, false);
	if (node < 0)
		return node;
	r = nsb_mount_setattr(node, MOUNT_ATTR_NOSUID, false);
	return r < 0 ? r : nsb_mount_move_at(node, dev, name);
}

static int dev_populate(struct nsb_setup *s, const struct nsb_op *op, int dev)
{
	static const char *const pts_opts[] = {"newinstance", NULL,  "ptmxmode", "0666",
					       "mode",	      "620", NULL};
	_cleanup_close_ int pts = -1;
	char src[PATH_MAX];
	int r;

	for (size_t k = 0; k < NSB_ELEMENTSOF(dev_nodes); k++) {
		snprintf(src, sizeof(src), NSB_OLDROOT "/dev/%s", dev_nodes[k]);
		r = dev_bind_node(dev, dev_nodes[k], src);
		if (r < 0)
			return nsb_log_errno(r, "%s: cannot bind '/dev/%s'", op->opt, dev_nodes[k]);
	}
	for (size_t k = 0; k < NSB_ELEMENTSOF(dev_links); k++)
		if (symlinkat(dev_links[k][1], dev, dev_links[k][0]) < 0)
			return nsb_log_errno(errno, "%s: cannot create '%s'", op->opt,
					     dev_links[k][0]);
	if (mkdirat(dev, "shm", 0755) < 0 || mkdirat(dev, "pts", 0755) < 0)
		return nsb_log_errno(errno, "%s: cannot create a directory", op->opt);
	pts = nsb_mount_new_fs("devpts", pts_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	if (pts >= 0)
		r = nsb_mount_move_at(pts, dev, "pts");
	else
		r = pts;
	if (r < 0)
		return nsb_log_errno(r, "%s: cannot mount devpts on '%s/pts'", op->opt, op->dest);
	if (s->console) {
		r = dev_bind_node(dev, "console", s->console);
		if (r < 0)
			return nsb_log_errno(r, "%s: cannot bind the terminal on '%s/console'",
					     op->opt, op->dest);
	}
	return 0;
}

static int apply_dev(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	static const char *const opts[] = {"mode", "0755", NULL};
	_cleanup_close_ int dev = -1;
	int r;

	r = mount_fs_on(s, op, "tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (r < 0)
		return r;
	dev = nsb_path_open(s->rootfd, op->dest, O_PATH | O_DIRECTORY);
	if (dev < 0)
		return fail(dev, op, "open");
	return dev_populate(s, op, dev);
}

static int apply_tmpfs(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	char mode[16], size[32];
	const char *opts[5] = {"mode", mode, NULL, NULL, NULL};

	snprintf(mode, sizeof(mode), "0%o", op->perms >= 0 ? (unsigned)op->perms : 0755u);
	if (op->size) {
		snprintf(size, sizeof(size), "%" PRIu64, op->size);
		opts[2] = "size";
		opts[3] = size;
	}
	return mount_fs_on(s, op, "tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
}

static int apply_mqueue(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	return mount_fs_on(s, op, "mqueue", NULL,
			   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

static int apply_dir(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	_cleanup_close_ int parent = -1, fd = -1;
	_cleanup_free_ char *name = NULL;
	mode_t mode = op->perms >= 0 ? (mode_t)op->perms : 0755;
	int r;

	r = nsb_path_parent(s->rootfd, op->dest, parent_mode(op), &parent, &name);
	if (r < 0)
		return fail(r, op, "create the parents of");
	if (mkdirat(parent, name, mode) < 0) {
		if (errno != EEXIST)
			return fail(-errno, op, "create");
		/* An existing directory is left alone (use --chmod). */
		fd = nsb_path_open(s->rootfd, op->dest, O_PATH | O_DIRECTORY);
		return fd < 0 ? fail(fd, op, "create") : 0;
	}
	if (op->perms < 0)
		return 0;
	/* mkdir applied the umask; --perms is exact. */
	fd = nsb_path_open(s->rootfd, op->dest, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return fail(fd, op, "open");
	r = nsb_path_fchmod(fd, mode, NSB_OLDROOT);
	return r < 0 ? fail(r, op, "set the mode of") : 0;
}

/* Copy everything from the user's fd into out, then close the user's fd:
 * an fd given to --file or --bind-data is consumed. */
static int copy_fd(int in, int out)
{
	char buf[65536];
	int r = 0;

	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		r = nsb_write_all(out, buf, (size_t)n);
		if (r < 0)
			break;
	}
	close(in);
	return r;
}

/* Open DEST for writing, creating it (and its parents) if missing. */
static int open_dest_file(struct nsb_setup *s, const struct nsb_op *op, mode_t mode)
{
	_cleanup_close_ int parent = -1;
	_cleanup_free_ char *name = NULL;
	int fd, r;

	fd = nsb_path_open(s->rootfd, op->dest, O_WRONLY | O_TRUNC | O_NOCTTY);
	if (fd != -ENOENT)
		return fd;
	r = nsb_path_parent(s->rootfd, op->dest, parent_mode(op), &parent, &name);
	if (r < 0)
		return r;
	fd = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
		    mode);
	return fd < 0 ? -errno : fd;
}

static int apply_file(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	_cleanup_close_ int fd = -1;
	int r;

	fd = open_dest_file(s, op, op->perms >= 0 ? (mode_t)op->perms : 0666);
	if (fd < 0) {
		close(op->fd);
		return fail(fd, op, "create");
	}
	if (op->perms >= 0 && fchmod(fd, (mode_t)op->perms) < 0) {
		close(op->fd);
		return fail(-errno, op, "set the mode of");
	}
	r = copy_fd(op->fd, fd);
	return r < 0 ? nsb_log_errno(r, "%s: cannot copy fd %d to '%s'", op->opt, op->fd, op->dest)
		     : 0;
}

static int apply_bind_data(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	_cleanup_close_ int tmp = -1, tree = -1, dest = -1;
	unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	char path[64];
	int r;

	/* The data lives in the intermediate root, which vanishes from view
	 * at the final pivot: only the bind mount keeps it reachable. */
	snprintf(path, sizeof(path), BIND_DATA_TMP, s->tmp_seq++);
	tmp = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (tmp < 0) {
		close(op->fd);
		return nsb_log_errno(errno, "%s: cannot create a temporary file", op->opt);
	}
	r = copy_fd(op->fd, tmp);
	if (r < 0)
		return nsb_log_errno(r, "%s: cannot read fd %d", op->opt, op->fd);
	if (fchmod(tmp, op->perms >= 0 ? (mode_t)op->perms : 0600) < 0)
		return fail(-errno, op, "set the mode of");
	tree = nsb_mount_clone(AT_FDCWD, path, false);
	(void)unlink(path);
	if (tree < 0)
		return fail(tree, op, "bind data on");
	r = nsb_path_ensure(s->rootfd, op->dest, NSB_NODE_FILE, 0444, parent_mode(op), &dest);
	if (r < 0)
		return fail(r, op, "create the mount point");
	if (op->kind == NSB_OP_RO_BIND_DATA)
		attrs |= MOUNT_ATTR_RDONLY;
	r = nsb_mount_setattr(tree, attrs, false);
	if (r >= 0)
		r = attach(s, tree, dest);
	return r < 0 ? fail(r, op, "mount on") : 0;
}

static int apply_symlink(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	_cleanup_close_ int parent = -1;
	_cleanup_free_ char *name = NULL;
	char existing[PATH_MAX];
	ssize_t n;
	int r;

	r = nsb_path_parent(s->rootfd, op->dest, 0755, &parent, &name);
	if (r < 0)
		return fail(r, op, "create the parents of");
	if (symlinkat(op->src, parent, name) == 0)
		return 0;
	if (errno != EEXIST)
		return fail(-errno, op, "create");
	/* Idempotent: an identical link is fine. */
	n = readlinkat(parent, name, existing, sizeof(existing) - 1);
	if (n < 0) {
		nsb_err("Can't make symlink at %s: destination exists and is not a symlink",
			op->dest);
		return -EEXIST;
	}
	existing[n] = '\0';
	if (strcmp(existing, op->src) != 0) {
		nsb_err("Can't make symlink at %s: existing destination is %s", op->dest, existing);
		return -EEXIST;
	}
	return 0;
}

static int apply_chmod(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	_cleanup_close_ int fd = -1;
	int r;

	fd = nsb_path_open(s->rootfd, op->dest, O_PATH);
	if (fd < 0)
		return fail(fd, op, "find");
	r = nsb_path_fchmod(fd, (mode_t)op->perms, NSB_OLDROOT);
	return r < 0 ? fail(r, op, "change the mode of") : 0;
}

static const struct op_kind_info op_table[_NSB_OP_MAX] = {
	[NSB_OP_BIND] = {"--bind", apply_bind, true},
	[NSB_OP_RO_BIND] = {"--ro-bind", apply_bind, true},
	[NSB_OP_DEV_BIND] = {"--dev-bind", apply_bind, true},
	[NSB_OP_REMOUNT_RO] = {"--remount-ro", apply_remount_ro, false},
	[NSB_OP_PROC] = {"--proc", apply_proc, false},
	[NSB_OP_DEV] = {"--dev", apply_dev, false},
	[NSB_OP_TMPFS] = {"--tmpfs", apply_tmpfs, false},
	[NSB_OP_MQUEUE] = {"--mqueue", apply_mqueue, false},
	[NSB_OP_DIR] = {"--dir", apply_dir, false},
	[NSB_OP_FILE] = {"--file", apply_file, false},
	[NSB_OP_BIND_DATA] = {"--bind-data", apply_bind_data, false},
	[NSB_OP_RO_BIND_DATA] = {"--ro-bind-data", apply_bind_data, false},
	[NSB_OP_SYMLINK] = {"--symlink", apply_symlink, false},
	[NSB_OP_CHMOD] = {"--chmod", apply_chmod, false},
};

static const struct op_kind_info *op_info(enum nsb_op_kind kind)
{
	if ((unsigned)kind >= _NSB_OP_MAX || !op_table[kind].apply)
		return NULL;
	return &op_table[kind];
}

/* A bind source as an absolute path in the caller's view (relative ones are
 * relative to the caller's cwd); it is looked up under the old root when
 * its op runs. */
static int absolute_source(const struct nsb_op *op, const char *cwd, char **ret)
{
	char *p;
	int n;

	if (op->src[0] == '/')
		n = asprintf(&p, "%s", op->src);
	else if (cwd)
		n = asprintf(&p, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, op->src);
	else
		return nsb_log_errno(ENOENT, "%s: cannot resolve '%s' without a current directory",
				     op->opt, op->src);
	if (n < 0)
		return nsb_log_errno(ENOMEM, "%s: cannot resolve '%s'", op->opt, op->src);
	*ret = p;
	return 0;
}

int nsb_ops_resolve(struct nsb_setup *s)
{
	const struct nsb_config *cfg = s->cfg;
	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	bool dev = false;

	s->sources = calloc(cfg->n_ops ? cfg->n_ops : 1, sizeof(char *));
	if (!s->sources)
		return nsb_log_errno(ENOMEM, "cannot resolve the sources");
	for (size_t i = 0; i < cfg->n_ops; i++) {
		const struct nsb_op *op = &cfg->ops[i];
		const struct op_kind_info *info = op_info(op->kind);

		if (!info)
			return nsb_log_errno(EINVAL, "unknown operation %d", (int)op->kind);
		if (info->has_source) {
			int r = absolute_source(op, cwd, &s->sources[i]);
			if (r < 0)
				return r;
		}
		dev |= op->kind == NSB_OP_DEV;
	}
	/* /dev/console is the caller's terminal, if stdout is one. */
	if (dev && isatty(STDOUT_FILENO)) {
		const char *tty = ttyname(STDOUT_FILENO);
		if (tty && asprintf(&s->console, NSB_OLDROOT "%s", tty) < 0)
			s->console = NULL;
	}
	return 0;
}

int nsb_ops_apply(struct nsb_setup *s)
{
	for (size_t i = 0; i < s->cfg->n_ops; i++) {
		const struct nsb_op *op = &s->cfg->ops[i];
		int r = op_info(op->kind)->apply(s, i, op);
		if (r < 0)
			return r;
	}
	return 0;
}
