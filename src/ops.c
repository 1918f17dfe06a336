/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "mount.h"
#include "ops.h"
#include "ops-int.h"
#include "overlay.h"
#include "path.h"
#include "util.h"

/* Temporary names in the intermediate root, which vanishes from view at
 * the final pivot. */
#define BIND_DATA_TMP "/nsbox-data-%u"
#define OVERLAY_TMP "/nsbox-overlay-%u"

#define MASK_TMP "/nsbox-mask"

static const struct nsb_op_kind_info op_kinds[_NSB_OP_MAX];

const struct nsb_op_kind_info *nsb_op_kind_info(enum nsb_op_kind kind)
{
	return &op_kinds[(unsigned)kind < _NSB_OP_MAX ? kind : 0];
}

const char *nsb_op_kind_name(enum nsb_op_kind kind)
{
	return nsb_op_kind_info(kind)->name;
}

unsigned nsb_op_kind_nargs(const struct nsb_op_kind_info *info)
{
	unsigned n = 0;

	while (n < NSB_OP_MAX_ARGS && info->args[n])
		n++;
	return n;
}

bool nsb_ops_have(const struct nsb_config *cfg, unsigned flags)
{
	for (size_t i = 0; i < cfg->n_ops; i++)
		if (nsb_op_kind_info(cfg->ops[i].kind)->flags & flags)
			return true;
	return false;
}

static const char *const arg_kind_names[_NSB_ARG_MAX] = {
        [NSB_ARG_NONE] = "none",
        [NSB_ARG_HOST_PATH] = "hostpath",
        [NSB_ARG_HOST_DIR] = "hostdir",
        [NSB_ARG_PATH] = "path",
        [NSB_ARG_DIR] = "dir",
        [NSB_ARG_FD] = "fd",
        [NSB_ARG_MODE] = "mode",
        [NSB_ARG_SIZE] = "size",
        [NSB_ARG_ID] = "id",
        [NSB_ARG_STRING] = "string",
        [NSB_ARG_ENV] = "env",
        [NSB_ARG_CAP] = "capability",
        [NSB_ARG_RLIMIT] = "rlimit",
        [NSB_ARG_PROFILE] = "seccomp-profile",
        [NSB_ARG_NET_MODE] = "net-mode",
        [NSB_ARG_NET_RULE] = "net-rule",
        [NSB_ARG_NET_FWD] = "net-forward",
        [NSB_ARG_PORTS] = "ports",
};

const char *nsb_arg_kind_name(enum nsb_arg_kind kind)
{
	return (unsigned)kind < _NSB_ARG_MAX ? arg_kind_names[kind] : "?";
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

int nsb_ops_attach(struct nsb_setup *s, int mntfd, int destfd)
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

/* "argument N" or "in --args data", as the parser says it. */
static const char *op_where(const struct nsb_op *op, char *buf, size_t size);

int nsb_op_fail(int r, const struct nsb_op *op, const char *fmt, ...)
{
	char what[PATH_MAX + 128], where[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	r = r < 0 ? -r : r;
	if (op->argpos == NSB_ARGPOS_OCI)
		nsb_err("%s: %s: %s", op->opt, what, strerror(r));
	else
		nsb_err("%s: %s (%s, %s)", what, strerror(r), op->opt,
		        op_where(op, where, sizeof(where)));
	return -r;
}

/* A mount point that cannot be made or does not fit: say so, and how a
 * deny-list hides a path whatever it is (a symbolic link, a file where a
 * directory was expected, nothing at all, a directory nobody may write).
 * -|r|. */
static int mount_point_fail(int r, const struct nsb_op *op, bool dir)
{
	r = r < 0 ? -r : r;
	if (r == ENOTDIR || r == EISDIR)
		nsb_op_fail(r, op, "Can't mount %s on %s", dir ? "a directory" : "a file",
		            op->dest);
	else if (dir)
		nsb_op_fail(r, op, "Can't mkdir %s", op->dest);
	else
		nsb_op_fail(r, op, "Can't create file at %s", op->dest);
	if (op->argpos != NSB_ARGPOS_OCI)
		nsb_err("to hide %s whatever it is (or nothing, if it is missing), use --mask-try "
		        "%s",
		        op->dest, op->dest);
	return -r;
}

int nsb_ops_mount_point(struct nsb_setup *s, const struct nsb_op *op, bool dir, mode_t mode,
                        mode_t parent)
{
	struct stat st;
	int fd, r;

	r = nsb_path_ensure(s->rootfd, op->dest, dir ? NSB_NODE_DIR : NSB_NODE_FILE, mode, parent,
	                    &fd);
	if (r < 0)
		return mount_point_fail(r, op, dir);
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return mount_point_fail(r, op, dir);
	}
	if (dir != S_ISDIR(st.st_mode)) {
		close(fd);
		return mount_point_fail(dir ? ENOTDIR : EISDIR, op, dir);
	}
	return fd;
}

static int fail(int r, const struct nsb_op *op, const char *what)
{
	return nsb_op_fail(r, op, "cannot %s %s", what, op->dest);
}

int nsb_setup_weakened(const struct nsb_config *cfg, int err, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	err = err < 0 ? -err : err;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!cfg->not_a_security_boundary)
		return nsb_log_errno(err, "%s", msg);
	nsb_warn("%s: %s (going on: --not-a-security-boundary)", msg, strerror(err));
	return 0;
}

/* Give a cloned tree the flags of its op, on every mount in it. With
 * --not-a-security-boundary, sub-mounts that refuse them are left as they
 * are and only the top mount gets them. */
static int set_tree_flags(struct nsb_setup *s, const struct nsb_op *op, int tree, unsigned attrs,
                          const char *what)
{
	int r;

	r = nsb_mount_setattr(tree, attrs, true);
	if (r >= 0)
		return 0;
	if (s->cfg->not_a_security_boundary && nsb_mount_setattr(tree, attrs, false) >= 0)
		return nsb_setup_weakened(s->cfg, r,
		                          "%s: cannot set the flags of the mounts below '%s'",
		                          op->opt, what);
	return nsb_setup_weakened(s->cfg, r, "%s: cannot set the flags of '%s'", op->opt, what);
}

/* Mount the detached tree on DEST, created to match its type, with the
 * flags of op's kind (what names the source in messages). */
static int mount_tree(struct nsb_setup *s, const struct nsb_op *op, int tree, const char *what)
{
	_cleanup_close_ int dest = -1;
	unsigned attrs = nsb_op_kind_info(op->kind)->attrs;
	struct stat st;
	bool dir;
	int r;

	if (fstat(tree, &st) < 0)
		return nsb_log_errno(errno, "%s: cannot bind '%s'", op->opt, what);
	dir = S_ISDIR(st.st_mode);
	dest = nsb_ops_mount_point(s, op, dir, dir ? 0755 : 0444, 0755);
	if (dest < 0)
		return dest;
	r = set_tree_flags(s, op, tree, attrs, what);
	if (r < 0)
		return r;
	r = nsb_ops_attach(s, tree, dest);
	return r < 0 ? fail(r, op, "mount on") : 0;
}

int nsb_ops_clone_source(struct nsb_setup *s, const char *abs, bool recursive)
{
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];

	fd = nsb_path_open(s->oldrootfd, abs, O_PATH);
	if (fd >= 0)
		return nsb_mount_clone(fd, "", recursive);
	if (fd != -ELOOP && fd != -EXDEV)
		return fd;
	/* A magic link such as /proc/self/fd/N names its file directly:
	 * let the kernel follow it. */
	if (snprintf(path, sizeof(path), NSB_OLDROOT "%s", abs) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return nsb_mount_clone(AT_FDCWD, path, recursive);
}

static int apply_bind(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	_cleanup_close_ int tree = -1;

	tree = nsb_ops_clone_source(s, s->sources[i], true);
	if (tree == -ENOENT && (op->flags & NSB_OPF_ALLOW_MISSING))
		return 0;
	if (tree < 0)
		return nsb_op_fail(tree, op, "Can't find source path %s", op->src);
	return mount_tree(s, op, tree, op->src);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static int bind_fd_race(const struct nsb_op *op, const char *path)
{
	nsb_err("%s: Race condition binding dirfd: fd %d was '%s', which now leads to another "
	        "file; refusing to bind it",
	        op->opt, op->fd, path);
	return -ESTALE;
}

/* --bind-fd, --ro-bind-fd. The fd belongs to the caller's mount
 * namespace, from which open_tree() takes no mount, so the path it had
 * before the pivot is looked up again in ours, with no symlink allowed
 * (that path has none), and must lead to the very same file, before and
 * after the clone: a swap in between is refused, never followed. */
static int apply_bind_fd(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	struct open_how how = {
	        .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
	        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	const char *path = s->sources[i];
	_cleanup_close_ int fd = -1, tree = -1;
	struct stat want, got;

	if (fstat(op->fd, &want) < 0)
		return nsb_log_errno(errno, "%s: fd %d", op->opt, op->fd);
	do
		fd = (int)syscall(SYS_openat2, s->oldrootfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	if (fd < 0 && (errno == ELOOP || errno == ENOENT || errno == ENOTDIR))
		return bind_fd_race(op, path);
	if (fd < 0)
		return nsb_log_errno(errno, "%s: cannot open '%s' (fd %d)", op->opt, path, op->fd);
	if (fstat(fd, &got) < 0)
		return nsb_log_errno(errno, "%s: cannot stat '%s' (fd %d)", op->opt, path, op->fd);
	if (!same_file(&want, &got))
		return bind_fd_race(op, path);
	tree = nsb_mount_clone(fd, "", true);
	if (tree < 0)
		return nsb_log_errno(tree, "%s: cannot bind '%s' (fd %d)", op->opt, path, op->fd);
	if (fstat(tree, &got) < 0)
		return nsb_log_errno(errno, "%s: cannot stat '%s' (fd %d)", op->opt, path, op->fd);
	if (!same_file(&want, &got))
		return bind_fd_race(op, path);
	return mount_tree(s, op, tree, path);
}

static int apply_remount_ro(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	_cleanup_close_ int fd = -1;
	int r;

	fd = nsb_path_open(s->rootfd, op->dest, O_PATH);
	if (fd < 0)
		return fail(fd, op, "find");
	r = nsb_mount_setattr(fd, nsb_op_kind_info(op->kind)->attrs, false);
	if (r < 0)
		return nsb_setup_weakened(s->cfg, r, "%s: cannot remount '%s' read-only", op->opt,
		                          op->dest);
	return 0;
}

/* New filesystem of fstype on a directory DEST. */
static int mount_fs_on(struct nsb_setup *s, const struct nsb_op *op, const char *fstype,
                       const char *const *options, unsigned attrs)
{
	_cleanup_close_ int mnt = -1, dest = -1;
	int r;

	dest = nsb_ops_mount_point(s, op, true, 0755, parent_mode(op));
	if (dest < 0)
		return dest;
	mnt = nsb_mount_new_fs(fstype, options, attrs);
	if (mnt < 0)
		return nsb_log_errno(mnt, "%s: cannot mount %s on '%s'", op->opt, fstype, op->dest);
	r = nsb_ops_attach(s, mnt, dest);
	return r < 0 ? fail(r, op, "mount on") : 0;
}

/* Entries of a procfs that would let the sandbox change the host kernel:
 * made read-only when the caller is root, whose uid COMMAND then has in
 * the kernel's eyes (mapped to 0 in a user namespace, or no user namespace
 * at all), for whom the kernel's own permissions on them do not hold. For
 * anyone else they are owned by a root the sandbox is not, and left alone:
 * every mount on a procfs makes it "not fully visible", and the kernel then
 * refuses a new procfs to any user namespace below -- a sandbox inside the
 * sandbox could not mount its own /proc. */
static const char *const proc_ro_entries[] = {"sys", "sysrq-trigger", "irq", "bus"};

static int apply_proc(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	const unsigned attrs = nsb_op_kind_info(op->kind)->attrs;
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
			r = nsb_ops_attach(s, tree, dest);
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

		if (s->cfg->real_uid != 0)
			break;
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
			r = nsb_setup_weakened(s->cfg, r, "%s: cannot make '%s/%s' read-only",
			                       op->opt, op->dest, proc_ro_entries[k]);
		if (r < 0)
			return r;
	}
	return 0;
}

static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
static const char *const dev_links[][2] = {
        {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
        {"fd", "/proc/self/fd"},      {"core", "/proc/kcore"},       {"ptmx", "pts/ptmx"},
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
	                                       "mode",        "620", NULL};
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

	r = mount_fs_on(s, op, "tmpfs", opts, nsb_op_kind_info(op->kind)->attrs);
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
	const char *opts[7] = {"mode", mode};
	size_t n = 2;

	snprintf(mode, sizeof(mode), "0%o", op->perms >= 0 ? (unsigned)op->perms : 0755u);
	if (op->size) {
		snprintf(size, sizeof(size), "%" PRIu64, op->size);
		opts[n++] = "size";
		opts[n++] = size;
	}
	/* --file-label: the SELinux context of everything in the tmpfs. */
	if (s->cfg->file_label) {
		opts[n++] = "context";
		opts[n++] = s->cfg->file_label;
	}
	return mount_fs_on(s, op, "tmpfs", opts, nsb_op_kind_info(op->kind)->attrs);
}

static int apply_mqueue(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	return mount_fs_on(s, op, "mqueue", NULL, nsb_op_kind_info(op->kind)->attrs);
}

static int apply_dir(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	_cleanup_close_ int parent = -1, fd = -1;
	_cleanup_free_ char *name = NULL;
	mode_t mode = op->perms >= 0 ? (mode_t)op->perms : 0755;
	int r;

	r = nsb_path_parent(s->rootfd, op->dest, parent_mode(op), &parent, &name);
	if (r < 0)
		return nsb_op_fail(r, op, "Can't mkdir parents for %s", op->dest);
	if (mkdirat(parent, name, mode) < 0) {
		if (errno != EEXIST)
			return nsb_op_fail(errno, op, "Can't mkdir %s", op->dest);
		/* An existing directory is left alone (use --chmod). */
		fd = nsb_path_open(s->rootfd, op->dest, O_PATH | O_DIRECTORY);
		return fd < 0 ? nsb_op_fail(fd, op, "Can't mkdir %s", op->dest) : 0;
	}
	if (op->perms < 0)
		return 0;
	/* mkdir applied the umask; --perms is exact. */
	fd = nsb_path_open(s->rootfd, op->dest, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return fail(fd, op, "open");
	r = nsb_path_fchmod(fd, mode, NSB_OLDROOT);
	return r < 0 ? nsb_op_fail(r, op, "Can't chmod %#o %s", (unsigned)mode, op->dest) : 0;
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
		return nsb_op_fail(fd, op, "Can't create file %s", op->dest);
	}
	if (op->perms >= 0 && fchmod(fd, (mode_t)op->perms) < 0) {
		close(op->fd);
		return nsb_op_fail(errno, op, "Can't chmod %#o %s", (unsigned)op->perms, op->dest);
	}
	r = copy_fd(op->fd, fd);
	return r < 0 ? nsb_op_fail(r, op, "Can't write data to file %s", op->dest) : 0;
}

static int apply_bind_data(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	_cleanup_close_ int tmp = -1, tree = -1, dest = -1;
	unsigned attrs = nsb_op_kind_info(op->kind)->attrs;
	_cleanup_free_ char *followed = NULL;
	char path[64];
	int r;

	if (op->flags & NSB_OPF_FOLLOW_DANGLING) {
		r = nsb_path_follow_dangling(s->rootfd, op->dest, &followed);
		if (r < 0) {
			close(op->fd);
			return fail(r, op, "follow the symbolic link");
		}
		if (followed)
			nsb_debug("%s: %s leads to %s, made there", op->opt, op->dest, followed);
	}

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
	/* The name goes once the mount is attached: the kernel will not
	 * attach a mount of an unlinked file. */
	if (tree < 0) {
		(void)unlink(path);
		return fail(tree, op, "bind data on");
	}
	r = nsb_path_ensure(s->rootfd, followed ? followed : op->dest, NSB_NODE_FILE, 0444,
	                    parent_mode(op), &dest);
	if (r < 0)
		return fail(r, op, "create the mount point");
	r = nsb_mount_setattr(tree, attrs, false);
	if (r >= 0)
		r = nsb_ops_attach(s, tree, dest);
	(void)unlink(path);
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
		return nsb_op_fail(r, op, "Can't mkdir parents for %s", op->dest);
	if (symlinkat(op->src, parent, name) == 0)
		return 0;
	if (errno != EEXIST)
		return nsb_op_fail(errno, op, "Can't make symlink at %s", op->dest);
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
		return nsb_op_fail(fd, op, "Can't chmod %#o %s", (unsigned)op->perms, op->dest);
	r = nsb_path_fchmod(fd, (mode_t)op->perms, NSB_OLDROOT);
	return r < 0 ? nsb_op_fail(r, op, "Can't chmod %#o %s", (unsigned)op->perms, op->dest) : 0;
}

/* A path as the caller names it: absolute in the caller's view (relative
 * ones are relative to the caller's cwd). 0 or -errno. */
static int host_absolute(const char *path, const char *cwd, char **ret)
{
	int n;

	if (path[0] == '/')
		n = asprintf(ret, "%s", path);
	else if (cwd)
		n = asprintf(ret, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, path);
	else
		return -ENOENT;
	return n < 0 ? -ENOMEM : 0;
}

/* A host directory named as the caller would name it, opened through the
 * old root: an O_PATH fd or -errno. */
static int open_host_dir(struct nsb_setup *s, const char *path)
{
	_cleanup_free_ char *abs = NULL;
	char buf[PATH_MAX];
	int fd, r;

	r = host_absolute(path, s->cwd, &abs);
	if (r < 0)
		return r;
	fd = nsb_path_open(s->oldrootfd, abs, O_PATH | O_DIRECTORY);
	if (fd != -ELOOP && fd != -EXDEV)
		return fd;
	/* A magic link such as /proc/self/fd/N: let the kernel follow it. */
	if (snprintf(buf, sizeof(buf), NSB_OLDROOT "%s", abs) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	fd = open(buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* --tmp-overlay: upper and work dirs in the intermediate root, where
 * nothing can reach them once the sandbox runs and whence they vanish
 * with it. */
static int tmp_upper(const struct nsb_op *op, const char *tmp, int *ret_upper, int *ret_work)
{
	_cleanup_close_ int dir = -1;

	dir = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0 || mkdirat(dir, "upper", 0755) < 0 || mkdirat(dir, "work", 0700) < 0)
		return nsb_log_errno(errno, "%s: cannot create the upper directory", op->opt);
	*ret_upper = openat(dir, "upper", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*ret_upper < 0)
		return nsb_log_errno(errno, "%s: cannot open the upper directory", op->opt);
	*ret_work = openat(dir, "work", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*ret_work < 0)
		return nsb_log_errno(errno, "%s: cannot open the work directory", op->opt);
	return 0;
}

static int overlay_failed(int r, const struct nsb_op *op, const char *why)
{
	/* ELOOP: a layer is inside another, or the upper or work dir is. */
	if (r == -ELOOP) {
		nsb_err("Can't make overlay mount on %s: Overlay directories may not overlap (%s)",
		        op->dest, op->opt);
		return r;
	}
	if (*why)
		return nsb_op_fail(r, op, "Can't make overlay mount on %s (%s)", op->dest, why);
	return nsb_op_fail(r, op, "Can't make overlay mount on %s", op->dest);
}

/* The layers and the upper/work dirs of an overlay op, opened. */
struct overlay_fds {
	int lower[NSB_OVERLAY_MAX_LAYERS];
	size_t n_lower;
	int upper, work;
};

static void overlay_fds_close(struct overlay_fds *f)
{
	for (size_t k = 0; k < f->n_lower; k++)
		close(f->lower[k]);
	if (f->upper >= 0)
		close(f->upper);
	if (f->work >= 0)
		close(f->work);
}

static int overlay_open(struct nsb_setup *s, const struct nsb_op *op, const char *tmp,
                        struct overlay_fds *f)
{
	int fd;

	if (op->n_layers > NSB_OVERLAY_MAX_LAYERS)
		return nsb_log_errno(E2BIG, "%s: too many layers", op->opt);
	for (size_t k = 0; k < op->n_layers; k++) {
		fd = open_host_dir(s, op->layers[k]);
		if (fd < 0)
			return nsb_log_errno(fd, "%s: cannot open the layer '%s'", op->opt,
			                     op->layers[k]);
		f->lower[f->n_lower++] = fd;
	}
	if (nsb_op_kind_info(op->kind)->flags & NSB_OPK_TMP_UPPER)
		return tmp_upper(op, tmp, &f->upper, &f->work);
	if (!op->src)
		return 0;
	f->upper = open_host_dir(s, op->src);
	if (f->upper < 0)
		return nsb_log_errno(f->upper, "%s: cannot open the upper directory '%s'", op->opt,
		                     op->src);
	f->work = open_host_dir(s, op->workdir);
	if (f->work < 0)
		return nsb_log_errno(f->work, "%s: cannot open the work directory '%s'", op->opt,
		                     op->workdir);
	return 0;
}

/* --overlay, --tmp-overlay, --ro-overlay. The layers are host paths,
 * opened through the old root like bind sources; the kernel gets the fds
 * (see overlay.h). */
static int apply_overlay(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	unsigned attrs = nsb_op_kind_info(op->kind)->attrs;
	struct overlay_fds f = {.upper = -1, .work = -1};
	char tmp[64], scratch[80], why[256];
	_cleanup_close_ int dest = -1, mnt = -1;
	struct nsb_overlay ov;
	int r;

	snprintf(tmp, sizeof(tmp), OVERLAY_TMP, s->tmp_seq++);
	snprintf(scratch, sizeof(scratch), "%s/mnt", tmp);
	if (mkdir(tmp, 0700) < 0 || mkdir(scratch, 0700) < 0)
		return nsb_log_errno(errno, "%s: cannot create a temporary directory", op->opt);
	r = overlay_open(s, op, tmp, &f);
	if (r < 0)
		goto out;
	ov = (struct nsb_overlay){
	        .lower = f.lower, .n_lower = f.n_lower, .upper = f.upper, .work = f.work};
	r = nsb_path_ensure(s->rootfd, op->dest, NSB_NODE_DIR, 0755, 0755, &dest);
	if (r < 0) {
		r = fail(r, op, "create the mount point");
		goto out;
	}
	mnt = nsb_overlay_mount(&ov, attrs, NSB_OVERLAY_AUTO, scratch, why, sizeof(why));
	if (mnt < 0) {
		r = overlay_failed(mnt, op, why);
		goto out;
	}
	r = nsb_ops_attach(s, mnt, dest);
	if (r < 0)
		r = fail(r, op, "mount on");
out:
	overlay_fds_close(&f);
	return r;
}

/* --mask, --mask-try: hide what PATH names (found inside the new root:
 * a symlink is followed there, so its target is hidden) and keep its type:
 * a directory gets an empty read-only tmpfs, anything else a read-only bind
 * of an empty file nobody may read, made once in the intermediate root. */
static int apply_mask(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	const unsigned attrs = nsb_op_kind_info(op->kind)->attrs;
	_cleanup_close_ int target = -1, mnt = -1;
	struct stat st;
	int r;

	target = nsb_path_open(s->rootfd, op->dest, O_PATH);
	/* What setup (with every capability of the sandbox) cannot reach,
	 * COMMAND cannot reach either: nothing to hide. */
	if ((target == -ENOENT || target == -EACCES) && (op->flags & NSB_OPF_ALLOW_MISSING))
		return 0;
	if (target < 0)
		return fail(target, op, "find");
	if (fstat(target, &st) < 0)
		return fail(-errno, op, "find");
	if (S_ISDIR(st.st_mode)) {
		static const char *const opts[] = {"mode", "0755", "size", "4096", NULL};

		mnt = nsb_mount_new_fs("tmpfs", opts, attrs);
	} else {
		if (!s->have_mask_file) {
			int fd = open(MASK_TMP,
			              O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0000);
			if (fd < 0)
				return nsb_log_errno(errno, "%s: cannot create an empty file",
				                     op->opt);
			close(fd);
			s->have_mask_file = true;
		}
		mnt = nsb_mount_clone(AT_FDCWD, MASK_TMP, false);
		if (mnt >= 0) {
			r = nsb_mount_setattr(mnt, attrs, false);
			if (r < 0)
				return fail(r, op, "hide");
		}
	}
	if (mnt < 0)
		return fail(mnt, op, "hide");
	r = nsb_ops_attach(s, mnt, target);
	return r < 0 ? fail(r, op, "hide") : 0;
}

/* A path as the caller names it: absolute in the caller's view (relative
 * ones are relative to the caller's cwd). 0 or -errno. */
static int host_absolute(const char *path, const char *cwd, char **ret);

int nsb_ops_resolve_source(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	int r;

	r = host_absolute(op->src, s->cwd, &s->sources[i]);
	if (r == -ENOENT)
		return nsb_log_errno(r, "%s: cannot resolve '%s' without a current directory",
		                     op->opt, op->src);
	if (r < 0)
		return nsb_log_errno(r, "%s: cannot resolve '%s'", op->opt, op->src);
	/* A /proc/self/fd/N style source is a magic link, which only means
	 * something to this process now: name its target. */
	if (strncmp(s->sources[i], "/proc/", 6) == 0) {
		char *real = realpath(s->sources[i], NULL);
		if (real) {
			free(s->sources[i]);
			s->sources[i] = real;
		}
	}
	return 0;
}

static int fd_source(const struct nsb_op *op, char **ret);

/* NSB_OPK_FD_SOURCE: the path of what the fd names, as the caller sees it. */
static int resolve_fd(struct nsb_setup *s, size_t i, const struct nsb_op *op)
{
	return fd_source(op, &s->sources[i]);
}

#define A_BIND (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)
#define A_RO (MOUNT_ATTR_RDONLY)

static const struct nsb_op_kind_info op_kinds[_NSB_OP_MAX] = {
        [NSB_OP_BIND] = {"--bind",
                         "--bind-try",
                         {"SRC", "DEST"},
                         {NSB_ARG_HOST_PATH, NSB_ARG_PATH},
                         "Bind-mount SRC on DEST, read-write",
                         "Like --bind, skipped if SRC does not exist",
                         NSB_OPK_HOST_SOURCE,
                         A_BIND,
                         0,
                         nsb_ops_resolve_source,
                         apply_bind},
        [NSB_OP_DEV_BIND] = {"--dev-bind",
                             "--dev-bind-try",
                             {"SRC", "DEST"},
                             {NSB_ARG_HOST_PATH, NSB_ARG_PATH},
                             "Bind-mount SRC on DEST, device nodes allowed",
                             "Like --dev-bind, skipped if SRC does not exist",
                             NSB_OPK_HOST_SOURCE,
                             MOUNT_ATTR_NOSUID,
                             0,
                             nsb_ops_resolve_source,
                             apply_bind},
        [NSB_OP_RO_BIND] = {"--ro-bind",
                            "--ro-bind-try",
                            {"SRC", "DEST"},
                            {NSB_ARG_HOST_PATH, NSB_ARG_PATH},
                            "Bind-mount SRC on DEST, read-only",
                            "Like --ro-bind, skipped if SRC does not exist",
                            NSB_OPK_HOST_SOURCE,
                            A_BIND | A_RO,
                            0,
                            nsb_ops_resolve_source,
                            apply_bind},
        [NSB_OP_BIND_FD] = {"--bind-fd",
                            NULL,
                            {"FD", "DEST"},
                            {NSB_ARG_FD, NSB_ARG_PATH},
                            "Bind-mount what FD refers to on DEST",
                            NULL,
                            NSB_OPK_FD_SOURCE,
                            A_BIND,
                            0,
                            resolve_fd,
                            apply_bind_fd},
        [NSB_OP_RO_BIND_FD] = {"--ro-bind-fd",
                               NULL,
                               {"FD", "DEST"},
                               {NSB_ARG_FD, NSB_ARG_PATH},
                               "Like --bind-fd, read-only",
                               NULL,
                               NSB_OPK_FD_SOURCE,
                               A_BIND | A_RO,
                               0,
                               resolve_fd,
                               apply_bind_fd},
        [NSB_OP_REMOUNT_RO] = {"--remount-ro",
                               NULL,
                               {"DEST"},
                               {NSB_ARG_PATH},
                               "Make the mount at DEST read-only",
                               NULL,
                               0,
                               A_BIND | A_RO,
                               0,
                               NULL,
                               apply_remount_ro},
        [NSB_OP_OVERLAY] = {"--overlay",
                            NULL,
                            {"RWSRC", "WORKDIR", "DEST"},
                            {NSB_ARG_HOST_DIR, NSB_ARG_HOST_DIR, NSB_ARG_DIR},
                            "Mount an overlay on DEST that writes to RWSRC",
                            NULL,
                            NSB_OPK_OVERLAY,
                            A_BIND,
                            1,
                            NULL,
                            apply_overlay},
        [NSB_OP_TMP_OVERLAY] = {"--tmp-overlay",
                                NULL,
                                {"DEST"},
                                {NSB_ARG_DIR},
                                "Mount an overlay on DEST whose writes are discarded",
                                NULL,
                                NSB_OPK_OVERLAY | NSB_OPK_TMP_UPPER,
                                A_BIND,
                                1,
                                NULL,
                                apply_overlay},
        [NSB_OP_RO_OVERLAY] = {"--ro-overlay",
                               NULL,
                               {"DEST"},
                               {NSB_ARG_DIR},
                               "Mount a read-only overlay on DEST",
                               NULL,
                               NSB_OPK_OVERLAY,
                               A_BIND | A_RO,
                               2,
                               NULL,
                               apply_overlay},
        [NSB_OP_PROC] = {"--proc",
                         NULL,
                         {"DEST"},
                         {NSB_ARG_DIR},
                         "Mount procfs on DEST",
                         NULL,
                         0,
                         A_BIND | MOUNT_ATTR_NOEXEC,
                         0,
                         NULL,
                         apply_proc},
        [NSB_OP_DEV] = {"--dev",
                        NULL,
                        {"DEST"},
                        {NSB_ARG_DIR},
                        "Mount a minimal /dev on DEST",
                        NULL,
                        NSB_OPK_DEVFS,
                        A_BIND,
                        0,
                        NULL,
                        apply_dev},
        [NSB_OP_TMPFS] = {"--tmpfs",
                          NULL,
                          {"DEST"},
                          {NSB_ARG_DIR},
                          "Mount a tmpfs on DEST",
                          NULL,
                          NSB_OPK_TAKES_PERMS | NSB_OPK_TAKES_SIZE,
                          A_BIND,
                          0,
                          NULL,
                          apply_tmpfs},
        [NSB_OP_MQUEUE] = {"--mqueue",
                           NULL,
                           {"DEST"},
                           {NSB_ARG_DIR},
                           "Mount an mqueue filesystem on DEST",
                           NULL,
                           0,
                           A_BIND | MOUNT_ATTR_NOEXEC,
                           0,
                           NULL,
                           apply_mqueue},
        [NSB_OP_DIR] = {"--dir",
                        NULL,
                        {"DEST"},
                        {NSB_ARG_DIR},
                        "Create the directory DEST",
                        NULL,
                        NSB_OPK_TAKES_PERMS,
                        0,
                        0,
                        NULL,
                        apply_dir},
        [NSB_OP_FILE] = {"--file",
                         NULL,
                         {"FD", "DEST"},
                         {NSB_ARG_FD, NSB_ARG_PATH},
                         "Create the file DEST with the data read from FD",
                         NULL,
                         NSB_OPK_DATA_FD | NSB_OPK_TAKES_PERMS,
                         0,
                         0,
                         NULL,
                         apply_file},
        [NSB_OP_BIND_DATA] = {"--bind-data",
                              NULL,
                              {"FD", "DEST"},
                              {NSB_ARG_FD, NSB_ARG_PATH},
                              "Bind-mount a copy of the data read from FD on DEST",
                              NULL,
                              NSB_OPK_DATA_FD | NSB_OPK_TAKES_PERMS,
                              A_BIND,
                              0,
                              NULL,
                              apply_bind_data},
        [NSB_OP_RO_BIND_DATA] = {"--ro-bind-data",
                                 NULL,
                                 {"FD", "DEST"},
                                 {NSB_ARG_FD, NSB_ARG_PATH},
                                 "Like --bind-data, read-only",
                                 NULL,
                                 NSB_OPK_DATA_FD | NSB_OPK_TAKES_PERMS,
                                 A_BIND | A_RO,
                                 0,
                                 NULL,
                                 apply_bind_data},
        [NSB_OP_SYMLINK] = {"--symlink",
                            NULL,
                            {"TARGET", "DEST"},
                            {NSB_ARG_PATH, NSB_ARG_PATH},
                            "Create the symbolic link DEST pointing to TARGET",
                            NULL,
                            0,
                            0,
                            0,
                            NULL,
                            apply_symlink},
        [NSB_OP_CHMOD] = {"--chmod",
                          NULL,
                          {"OCTAL", "PATH"},
                          {NSB_ARG_MODE, NSB_ARG_PATH},
                          "Change the mode of PATH to OCTAL",
                          NULL,
                          NSB_OPK_MODE,
                          0,
                          0,
                          NULL,
                          apply_chmod},
        [NSB_OP_MASK] = {"--mask",
                         "--mask-try",
                         {"PATH"},
                         {NSB_ARG_PATH},
                         "Hide PATH: an empty directory or an unreadable empty file",
                         "Like --mask, skipped if PATH does not exist or cannot be reached",
                         NSB_OPK_INSIDE_SOURCE,
                         A_BIND | A_RO | MOUNT_ATTR_NOEXEC,
                         0,
                         NULL,
                         apply_mask},
        /* The OCI face's kinds (ops-oci.c): no option, no help; each op
         * carries its flags in op->mnt or op->dev. */
        [NSB_OP_ROOTFS] = {.flags = NSB_OPK_HOST_SOURCE,
                           .resolve = nsb_ops_resolve_source,
                           .apply = nsb_ops_apply_rootfs},
        [NSB_OP_MOUNT_BIND] = {.flags = NSB_OPK_HOST_SOURCE,
                               .resolve = nsb_ops_resolve_source,
                               .apply = nsb_ops_apply_mount_bind},
        [NSB_OP_MOUNT_FS] = {.apply = nsb_ops_apply_mount_fs},
        [NSB_OP_DEVICE] = {.apply = nsb_ops_apply_device},
        [NSB_OP_REMOUNT] = {.apply = nsb_ops_apply_remount},
};

/* "argument N" or "in --args data", as the parser says it. */
static const char *op_where(const struct nsb_op *op, char *buf, size_t size)
{
	if (op->argpos == NSB_ARGPOS_NSBOX)
		snprintf(buf, size, "added by nsbox");
	else if (op->argpos == NSB_ARGPOS_OCI)
		snprintf(buf, size, "config.json");
	else if (op->argpos < 0)
		snprintf(buf, size, "in --args data");
	else
		snprintf(buf, size, "argument %d", op->argpos);
	return buf;
}

int nsb_ops_check_fds(const struct nsb_config *cfg)
{
	char where[32];

	for (size_t i = 0; i < cfg->n_ops; i++) {
		const struct nsb_op *op = &cfg->ops[i];

		if ((nsb_op_kind_info(op->kind)->flags & NSB_OPK_FD_SOURCE) &&
		    fcntl(op->fd, F_GETFD) < 0) {
			nsb_err("%s: fd %d is not open (%s)", op->opt, op->fd,
			        op_where(op, where, sizeof(where)));
			return -EBADF;
		}
	}
	return 0;
}

/* The path of the file an fd refers to, as the caller sees it. */
static int fd_source(const struct nsb_op *op, char **ret)
{
	char link[64], buf[PATH_MAX], where[32];
	struct stat st;
	ssize_t n;

	if (fstat(op->fd, &st) < 0) {
		nsb_err("%s: fd %d is not open (%s)", op->opt, op->fd,
		        op_where(op, where, sizeof(where)));
		return -EBADF;
	}
	if (st.st_nlink == 0)
		return nsb_log_errno(ENOENT, "%s: fd %d names a deleted file", op->opt, op->fd);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", op->fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		return nsb_log_errno(errno, "%s: cannot find the path of fd %d (%s)", op->opt,
		                     op->fd, link);
	buf[n] = '\0';
	/* Pipes, sockets and the like, or a file beyond our root. */
	if (buf[0] != '/')
		return nsb_log_errno(EINVAL, "%s: fd %d names no file reachable by path ('%s')",
		                     op->opt, op->fd, buf);
	*ret = strdup(buf);
	return *ret ? 0 : nsb_log_errno(ENOMEM, "%s: cannot resolve fd %d", op->opt, op->fd);
}

int nsb_ops_resolve(struct nsb_setup *s)
{
	const struct nsb_config *cfg = s->cfg;
	bool dev = false;

	s->cwd = getcwd(NULL, 0);
	s->sources = calloc(cfg->n_ops ? cfg->n_ops : 1, sizeof(char *));
	if (!s->sources)
		return nsb_log_errno(ENOMEM, "cannot resolve the sources");
	for (size_t i = 0; i < cfg->n_ops; i++) {
		const struct nsb_op_kind_info *info = nsb_op_kind_info(cfg->ops[i].kind);

		if (info->resolve) {
			int r = info->resolve(s, i, &cfg->ops[i]);
			if (r < 0)
				return r;
		}
		dev |= (info->flags & NSB_OPK_DEVFS) != 0;
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
	const struct nsb_config *cfg = s->cfg;

	for (size_t i = 0; i < cfg->n_ops; i++) {
		const struct nsb_op *op = &cfg->ops[i];
		int r;

		nsb_debug("%s %s%s%s", op->opt, op->src ? op->src : "", op->src ? " " : "",
		          op->dest);
		r = nsb_op_kind_info(op->kind)->apply(s, i, op);
		if (r < 0)
			return r;
	}
	/* Only now: one fd may serve several ops. */
	for (size_t i = 0; i < cfg->n_ops; i++)
		if (nsb_op_kind_info(cfg->ops[i].kind)->flags & NSB_OPK_FD_SOURCE)
			(void)close(cfg->ops[i].fd);
	return 0;
}
