/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Overlays, binding by fd and --not-a-security-boundary (man/nsbox.1,
 * file system operations): the parser's valid and invalid cases with their exact messages, the
 * escaping of overlay paths, the fd check made before any namespace
 * exists, the warning-or-error helper, and (in a mount namespace of its
 * own, when the kernel allows one) an overlay mounted both by fd and by
 * escaped path. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "nsb-config.h"
#include "ops.h"
#include "overlay.h"

#include "cli-harness.h"

#define PARSE_OK(...) parse_ok_list(ARGV(__VA_ARGS__), "")

/* Op i is an overlay of kind with these upper/work dirs, dest and layers
 * (NULL-terminated, bottom first). */
static void assert_overlay(size_t i, enum nsb_op_kind kind, const char *opt, int argpos,
                           const char *upper, const char *work, const char *dest,
                           const char *const *layers)
{
	const struct nsb_op *op;
	size_t n = 0;

	ck_assert_uint_gt(cfg.n_ops, i);
	op = &cfg.ops[i];
	ck_assert_int_eq(op->kind, kind);
	ck_assert_uint_eq(op->flags, 0);
	ck_assert_str_eq(op->opt, opt);
	ck_assert_int_eq(op->argpos, argpos);
	assert_str_or_null(op->src, upper);
	assert_str_or_null(op->workdir, work);
	ck_assert_str_eq(op->dest, dest);
	ck_assert_int_eq(op->fd, -1);
	ck_assert_int_eq(op->perms, -1);
	ck_assert_uint_eq(op->size, 0);
	while (layers[n])
		n++;
	ck_assert_uint_eq(op->n_layers, n);
	for (size_t k = 0; k < n; k++)
		ck_assert_str_eq(op->layers[k], layers[k]);
}

#define LAYERS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* An fd holding data for --args. */
static int data_fd(const char *data, size_t len)
{
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], data, len), (ssize_t)len);
	close(p[1]);
	return p[0];
}

/* ---- overlays: valid ------------------------------------------------------ */

START_TEST(test_overlay)
{
	PARSE_OK("--overlay-src", "/l1", "--overlay-src", "l2", "--overlay", "/up", "wk", "/d",
	         "true");
	ck_assert_uint_eq(cfg.n_ops, 1);
	assert_overlay(0, NSB_OP_OVERLAY, "--overlay", 5, "/up", "wk", "/d", LAYERS("/l1", "l2"));

	PARSE_OK("--overlay-src", "/l", "--tmp-overlay", "/d", "true");
	ck_assert_uint_eq(cfg.n_ops, 1);
	assert_overlay(0, NSB_OP_TMP_OVERLAY, "--tmp-overlay", 3, NULL, NULL, "/d", LAYERS("/l"));

	PARSE_OK("--overlay-src", "/a", "--overlay-src", "/b", "--overlay-src", "/c",
	         "--ro-overlay", "/d", "true");
	ck_assert_uint_eq(cfg.n_ops, 1);
	assert_overlay(0, NSB_OP_RO_OVERLAY, "--ro-overlay", 7, NULL, NULL, "/d",
	               LAYERS("/a", "/b", "/c"));

	/* Awkward characters are kept as given (escaped only for the kernel). */
	PARSE_OK("--overlay-src", "a,b:c\\d", "--tmp-overlay", "/x:y", "true");
	assert_overlay(0, NSB_OP_TMP_OVERLAY, "--tmp-overlay", 3, NULL, NULL, "/x:y",
	               LAYERS("a,b:c\\d"));
}
END_TEST

START_TEST(test_overlay_order)
{
	/* Layers belong to the next overlay only, and overlays are ordinary
	 * ordered operations. */
	PARSE_OK("--bind", "/s", "/b", "--overlay-src", "/a", "--tmp-overlay", "/t",
	         "--overlay-src", "/b", "--overlay-src", "/c", "--ro-overlay", "/r", "--dir", "/d",
	         "true");
	ck_assert_uint_eq(cfg.n_ops, 4);
	ck_assert_int_eq(cfg.ops[0].kind, NSB_OP_BIND);
	ck_assert_uint_eq(cfg.ops[0].n_layers, 0);
	ck_assert_ptr_null(cfg.ops[0].layers);
	ck_assert_ptr_null(cfg.ops[0].workdir);
	assert_overlay(1, NSB_OP_TMP_OVERLAY, "--tmp-overlay", 6, NULL, NULL, "/t", LAYERS("/a"));
	assert_overlay(2, NSB_OP_RO_OVERLAY, "--ro-overlay", 12, NULL, NULL, "/r",
	               LAYERS("/b", "/c"));
	ck_assert_int_eq(cfg.ops[3].kind, NSB_OP_DIR);

	/* The same source twice is the kernel's business, not the parser's. */
	PARSE_OK("--overlay-src", "/a", "--overlay-src", "/a", "--ro-overlay", "/r", "true");
	assert_overlay(0, NSB_OP_RO_OVERLAY, "--ro-overlay", 5, NULL, NULL, "/r",
	               LAYERS("/a", "/a"));
}
END_TEST

START_TEST(test_overlay_args)
{
	static const char data[] = "--overlay-src\0/a\0--overlay-src\0/b";
	char fd[16];
	int f;

	/* --args is transparent: layers from its data go to an overlay after it. */
	f = data_fd(data, sizeof(data));
	snprintf(fd, sizeof(fd), "%d", f);
	PARSE_OK("--args", fd, "--ro-overlay", "/r", "true");
	assert_overlay(0, NSB_OP_RO_OVERLAY, "--ro-overlay", 3, NULL, NULL, "/r",
	               LAYERS("/a", "/b"));

	f = data_fd("--tmp-overlay\0/t", 17);
	snprintf(fd, sizeof(fd), "%d", f);
	PARSE_OK("--overlay-src", "/a", "--args", fd, "true");
	assert_overlay(0, NSB_OP_TMP_OVERLAY, "--tmp-overlay", -1, NULL, NULL, "/t", LAYERS("/a"));
}
END_TEST

START_TEST(test_overlay_many_layers)
{
	const size_t n = NSB_OVERLAY_MAX_LAYERS + 1;
	const char **list = calloc(2 * n + 5, sizeof(char *));
	char msg[160];
	size_t k, a = 0;
	int r;

	ck_assert_ptr_nonnull(list);
	list[a++] = "nsbox";
	for (k = 0; k < n - 1; k++) {
		list[a++] = "--overlay-src";
		list[a++] = "/l";
	}
	list[a++] = "--ro-overlay";
	list[a++] = "/d";
	list[a++] = "true";
	parse_ok_list(list, "");
	ck_assert_uint_eq(cfg.ops[0].n_layers, NSB_OVERLAY_MAX_LAYERS);

	/* One more is refused where it is given. */
	a -= 3;
	list[a++] = "--overlay-src";
	list[a++] = "/l";
	list[a++] = "--ro-overlay";
	list[a++] = "/d";
	list[a++] = "true";
	list[a] = NULL;
	r = parse_list(list);
	ck_assert_int_eq(r, -E2BIG);
	snprintf(msg, sizeof(msg),
	         "nsbox: --overlay-src: too many layers (argument %zu): an overlay takes at most "
	         "%d\n",
	         2 * n - 1, NSB_OVERLAY_MAX_LAYERS);
	ck_assert_str_eq(logged(), msg);
	ck_assert_ptr_null(cfg.ops);
	free(list);
}
END_TEST

/* ---- overlays: invalid ---------------------------------------------------- */

START_TEST(test_overlay_too_few_layers)
{
	EXPECT_ERR(-EINVAL,
	           "nsbox: --tmp-overlay requires at least one --overlay-src (argument 1: got 0)\n",
	           "--tmp-overlay", "/d", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --overlay requires at least one --overlay-src (argument 3: got 0)\n",
	           "--dir", "/x", "--overlay", "/u", "/w", "/d", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --ro-overlay requires at least two --overlay-src (argument 1: got 0)\n",
	           "--ro-overlay", "/d", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --ro-overlay requires at least two --overlay-src (argument 3: got 1)\n",
	           "--overlay-src", "/a", "--ro-overlay", "/d", "true");
	/* The layers of an earlier overlay are used up. */
	EXPECT_ERR(-EINVAL,
	           "nsbox: --tmp-overlay requires at least one --overlay-src (argument 5: got 0)\n",
	           "--overlay-src", "/a", "--tmp-overlay", "/d", "--tmp-overlay", "/e", "true");
}
END_TEST

START_TEST(test_overlay_src_misplaced)
{
	static const char *const followers[] = {"--bind",  "--dir",  "--tmpfs",       "--setenv",
	                                        "--perms", "--size", "--unshare-all", "--bind-fd"};
	char msg[256];

	for (size_t i = 0; i < sizeof(followers) / sizeof(followers[0]); i++) {
		snprintf(msg, sizeof(msg),
		         "nsbox: --overlay-src must be followed by another --overlay-src or one of "
		         "--overlay, --tmp-overlay, or --ro-overlay (not %s, argument 3)\n",
		         followers[i]);
		/* Refused before its arguments are looked at. */
		expect_err_list(-EINVAL, msg,
		                ARGV("--overlay-src", "/a", followers[i], "1", "2", "true"));
	}
	EXPECT_ERR(-EINVAL,
	           "nsbox: --overlay-src must be followed by another --overlay-src or one of "
	           "--overlay, --tmp-overlay, or --ro-overlay (no option follows it, argument 3)\n",
	           "--overlay-src", "/a", "--overlay-src", "/b", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --overlay-src must be followed by another --overlay-src or one of "
	           "--overlay, --tmp-overlay, or --ro-overlay (no option follows it, argument 1)\n",
	           "--overlay-src", "/a", "--", "true");
	/* The other modifiers do not pass through a layer either. */
	EXPECT_ERR(-EINVAL,
	           "nsbox: --perms must be followed by an option that creates a file (not "
	           "--overlay-src, argument 3)\n",
	           "--perms", "0700", "--overlay-src", "/a", "--tmp-overlay", "/d", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --size must be followed by --tmpfs (not --overlay-src, argument 3)\n",
	           "--size", "100", "--overlay-src", "/a", "--tmp-overlay", "/d", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --perms must be followed by an option that creates a file (not "
	           "--tmp-overlay, argument 3)\n",
	           "--perms", "0700", "--tmp-overlay", "/d", "true");
}
END_TEST

START_TEST(test_overlay_bad_args)
{
	EXPECT_ERR(-EINVAL, "nsbox: --overlay-src: SRC must not be empty (argument 2)\n",
	           "--overlay-src", "", "--tmp-overlay", "/d", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --overlay: RWSRC must not be empty (argument 4)\n",
	           "--overlay-src", "/a", "--overlay", "", "/w", "/d", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --overlay: WORKDIR must not be empty (argument 5)\n",
	           "--overlay-src", "/a", "--overlay", "/u", "", "/d", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --overlay: DEST must not be empty (argument 6)\n",
	           "--overlay-src", "/a", "--overlay", "/u", "/w", "", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --tmp-overlay: DEST must not be empty (argument 4)\n",
	           "--overlay-src", "/a", "--tmp-overlay", "", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --ro-overlay: DEST must not be empty (argument 6)\n",
	           "--overlay-src", "/a", "--overlay-src", "/b", "--ro-overlay", "", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --overlay takes three arguments (--overlay RWSRC WORKDIR DEST, argument "
	           "3: got 2)\n",
	           "--overlay-src", "/a", "--overlay", "/u", "/w");
	EXPECT_ERR(
	        -EINVAL,
	        "nsbox: --overlay-src takes an argument (--overlay-src SRC, argument 1: got 0)\n",
	        "--overlay-src");
	EXPECT_ERR(
	        -EINVAL,
	        "nsbox: --tmp-overlay takes an argument (--tmp-overlay DEST, argument 3: got 0)\n",
	        "--overlay-src", "/a", "--tmp-overlay");
}
END_TEST

/* ---- --bind-fd, --ro-bind-fd -------------------------------------------- */

START_TEST(test_bind_fd)
{
	static const char *const opts[] = {"--bind-fd", "--ro-bind-fd"};
	static const char *const bad_fd[] = {"x", "-1", "", "2147483648", "3 ", "0x3", "+3", "/d"};

	for (size_t i = 0; i < 2; i++) {
		const char *o = opts[i];
		enum nsb_op_kind kind = i ? NSB_OP_RO_BIND_FD : NSB_OP_BIND_FD;
		char msg[200];

		parse_ok_list(ARGV(o, "3", "/mnt", o, "0", "rel", o, "2147483647", "/x", "true"),
		              "");
		ck_assert_uint_eq(cfg.n_ops, 3);
		for (size_t k = 0; k < 3; k++) {
			const struct nsb_op *op = &cfg.ops[k];

			ck_assert_int_eq(op->kind, kind);
			ck_assert_str_eq(op->opt, o);
			ck_assert_int_eq(op->argpos, 1 + 3 * (int)k);
			ck_assert_ptr_null(op->src);
			ck_assert_int_eq(op->perms, -1);
			ck_assert_uint_eq(op->n_layers, 0);
		}
		ck_assert_int_eq(cfg.ops[0].fd, 3);
		ck_assert_str_eq(cfg.ops[0].dest, "/mnt");
		ck_assert_int_eq(cfg.ops[1].fd, 0);
		ck_assert_str_eq(cfg.ops[1].dest, "rel");
		ck_assert_int_eq(cfg.ops[2].fd, INT_MAX);

		for (size_t j = 0; j < sizeof(bad_fd) / sizeof(bad_fd[0]); j++) {
			snprintf(msg, sizeof(msg),
			         "nsbox: Invalid fd: %s\nnsbox: %s (argument 2) takes a decimal "
			         "number from 0 to 2147483647\n",
			         bad_fd[j], o);
			expect_err_list(bad_fd[j][0] == '2' ? -ERANGE : -EINVAL, msg,
			                ARGV(o, bad_fd[j], "/d", "true"));
		}
		snprintf(msg, sizeof(msg), "nsbox: %s: DEST must not be empty (argument 3)\n", o);
		expect_err_list(-EINVAL, msg, ARGV(o, "3", "", "true"));
		snprintf(msg, sizeof(msg),
		         "nsbox: %s takes two arguments (%s FD DEST, argument 1: got 1)\n", o, o);
		expect_err_list(-EINVAL, msg, ARGV(o, "3"));
		snprintf(msg, sizeof(msg),
		         "nsbox: --perms must be followed by an option that creates a file (not "
		         "%s, argument 3)\n",
		         o);
		expect_err_list(-EINVAL, msg, ARGV("--perms", "0700", o, "3", "/d", "true"));
	}
}
END_TEST

START_TEST(test_ops_check_fds)
{
	int fd = open("/", O_PATH | O_CLOEXEC);
	char msg[128];

	ck_assert_int_ge(fd, 0);
	PARSE_OK("--bind-fd", "1", "/a", "--bind", "/x", "/y", "--ro-bind-fd", "987", "/b", "true");
	close(987);
	ck_assert_int_eq(nsb_ops_check_fds(&cfg), -EBADF);
	ck_assert_str_eq(logged(), "nsbox: --ro-bind-fd: fd 987 is not open (argument 7)\n");

	snprintf(msg, sizeof(msg), "%d", fd);
	parse_ok_list(ARGV("--ro-bind-fd", msg, "/a", "--bind-fd", msg, "/b", "true"), "");
	ck_assert_int_eq(nsb_ops_check_fds(&cfg), 0);
	ck_assert_str_eq(logged(), "");
	close(fd);

	/* Other fds are not this check's business (--file reads its own). */
	PARSE_OK("--file", "987", "/f", "true");
	ck_assert_int_eq(nsb_ops_check_fds(&cfg), 0);
}
END_TEST

/* ---- --not-a-security-boundary ----------------------------------------- */

START_TEST(test_not_a_security_boundary)
{
	PARSE_OK("true");
	ck_assert(!cfg.not_a_security_boundary);
	PARSE_OK("--not-a-security-boundary", "true");
	ck_assert(cfg.not_a_security_boundary);
	/* A flag: repeating it changes nothing and says nothing. */
	PARSE_OK("--not-a-security-boundary", "--bind", "/a", "/b", "--not-a-security-boundary",
	         "true");
	ck_assert(cfg.not_a_security_boundary);
	ck_assert_uint_eq(cfg.n_ops, 1);
	EXPECT_ERR(-EINVAL,
	           "nsbox: --perms must be followed by an option that creates a file (not "
	           "--not-a-security-boundary, argument 3)\n",
	           "--perms", "0700", "--not-a-security-boundary", "--tmpfs", "/t", "true");
}
END_TEST

START_TEST(test_setup_weakened)
{
	struct nsb_config c = {0};

	ck_assert_int_eq(
	        nsb_setup_weakened(&c, -EPERM, "--ro-bind: cannot set the flags of '%s'", "/x"),
	        -EPERM);
	ck_assert_str_eq(
	        logged(),
	        "nsbox: --ro-bind: cannot set the flags of '/x': Operation not permitted\n");
	reset();
	c.not_a_security_boundary = true;
	ck_assert_int_eq(
	        nsb_setup_weakened(&c, EACCES, "--proc: cannot make '%s' read-only", "/proc/sys"),
	        0);
	ck_assert_str_eq(logged(), "nsbox: --proc: cannot make '/proc/sys' read-only: Permission "
	                           "denied (going on: --not-a-security-boundary)\n");
	reset();
	nsb_log_set_level_prefix(true);
	ck_assert_int_eq(nsb_setup_weakened(&c, -EPERM, "x"), 0);
	ck_assert_str_eq(
	        logged(),
	        "<4>nsbox: x: Operation not permitted (going on: --not-a-security-boundary)\n");
	nsb_log_set_level_prefix(false);
}
END_TEST

/* ---- escaping ------------------------------------------------------------- */

START_TEST(test_escape)
{
	static const char *const cases[][2] = {
	        {"", ""},
	        {"/usr", "/usr"},
	        {"a,b", "a\\,b"},
	        {"a:b", "a\\:b"},
	        {"a\\b", "a\\\\b"},
	        {",:\\", "\\,\\:\\\\"},
	        {"/x/y z=1", "/x/y z=1"},
	        {"\\\\", "\\\\\\\\"},
	        {"/lowerdir=x,upperdir=/tmp", "/lowerdir=x\\,upperdir=/tmp"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *e = nsb_overlay_escape(cases[i][0]);

		ck_assert_ptr_nonnull(e);
		ck_assert_str_eq(e, cases[i][1]);
		free(e);
	}
}
END_TEST

START_TEST(test_lowerdir)
{
	static const char *const one[] = {"/only"};
	static const char *const three[] = {"/bottom", "/mid:dle", "/t,o\\p"};
	char *s;

	s = nsb_overlay_lowerdir(one, 1);
	ck_assert_str_eq(s, "/only");
	free(s);
	/* Top layer first for the kernel; bottom first on the command line. */
	s = nsb_overlay_lowerdir(three, 3);
	ck_assert_str_eq(s, "/t\\,o\\\\p:/mid\\:dle:/bottom");
	free(s);
	s = nsb_overlay_lowerdir(NULL, 0);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

/* ---- the kernel side ------------------------------------------------------ */

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* A private mount namespace for this process: 0, or 77 if the kernel
 * refuses one to an unprivileged user. */
static int private_mount_ns(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];

	if (uid != 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
			return 77;
		snprintf(map, sizeof(map), "0 %u 1", uid);
		if (write_str("/proc/self/setgroups", "deny") < 0 ||
		    write_str("/proc/self/uid_map", map) < 0)
			return 1;
		snprintf(map, sizeof(map), "0 %u 1", gid);
		if (write_str("/proc/self/gid_map", map) < 0)
			return 1;
	} else if (unshare(CLONE_NEWNS) < 0) {
		return 1;
	}
	return mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ? 1 : 0;
}

/* out = dir/name: 0, or -1 if it does not fit. */
static int join(char *out, size_t size, const char *dir, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int make_dir(const char *base, const char *name, char *out, size_t size)
{
	return join(out, size, base, name) < 0 ? -1 : mkdir(out, 0755);
}

static int put_file(const char *dir, const char *name, const char *data)
{
	char p[PATH_MAX];
	int fd, ok;

	if (join(p, sizeof(p), dir, name) < 0)
		return -1;
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	ok = write(fd, data, strlen(data)) == (ssize_t)strlen(data);
	close(fd);
	return ok ? 0 : -1;
}

static int read_at(int dirfd, const char *name, char *buf, size_t size)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* One overlay: bottom "a,b" (f=bottom, g=bottom), top "c:d\e" (f=top),
 * upper "u,p" / work "w:k" unless read-only. Checks what shows and where a
 * write lands. Returns 0, a line number, or -1 without the new mount API. */
static int check_overlay_mount(const char *base, enum nsb_overlay_how how, bool ro)
{
	char low1[PATH_MAX], low2[PATH_MAX], up[PATH_MAX], wk[PATH_MAX], scratch[PATH_MAX];
	char buf[64], why[256];
	int lower[2], fd, mnt;
	struct nsb_overlay ov = {.lower = lower, .n_lower = 2, .upper = -1, .work = -1};

	if (make_dir(base, "a,b", low1, sizeof(low1)) ||
	    make_dir(base, "c:d\\e", low2, sizeof(low2)) || make_dir(base, "u,p", up, sizeof(up)) ||
	    make_dir(base, "w:k", wk, sizeof(wk)) ||
	    make_dir(base, "scratch", scratch, sizeof(scratch)))
		return __LINE__;
	if (put_file(low1, "f", "bottom") || put_file(low1, "g", "bottom") ||
	    put_file(low2, "f", "top"))
		return __LINE__;
	lower[0] = open(low1, O_PATH | O_DIRECTORY | O_CLOEXEC);
	lower[1] = open(low2, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!ro) {
		ov.upper = open(up, O_PATH | O_DIRECTORY | O_CLOEXEC);
		ov.work = open(wk, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	mnt = nsb_overlay_mount(&ov, ro ? MOUNT_ATTR_RDONLY : 0, how, scratch, why, sizeof(why));
	/* No new mount API (or valgrind, which does not know it). */
	if (mnt == -ENOSYS)
		return -1;
	if (mnt < 0) {
		fprintf(stderr, "overlay (how %d, ro %d): %s (%s)\n", (int)how, ro, strerror(-mnt),
		        why);
		return __LINE__;
	}
	if (read_at(mnt, "f", buf, sizeof(buf)) || strcmp(buf, "top") != 0)
		return __LINE__;
	if (read_at(mnt, "g", buf, sizeof(buf)) || strcmp(buf, "bottom") != 0)
		return __LINE__;
	fd = openat(mnt, "new", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (ro) {
		if (fd >= 0 || errno != EROFS)
			return __LINE__;
	} else {
		char p[PATH_MAX];

		if (fd < 0)
			return __LINE__;
		close(fd);
		/* The write lands in the upper dir, never in a lower layer. */
		if (join(p, sizeof(p), up, "new") < 0 || access(p, F_OK) < 0)
			return __LINE__;
		if (join(p, sizeof(p), low2, "new") < 0 || access(p, F_OK) == 0)
			return __LINE__;
	}
	/* The temporary mount on scratch is gone again. */
	fd = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || read_at(fd, "f", buf, sizeof(buf)) == 0)
		return __LINE__;
	close(fd);
	close(mnt);
	return 0;
}

START_TEST(test_overlay_kernel)
{
	static const struct {
		enum nsb_overlay_how how;
		bool ro;
	} cases[] = {
	        {NSB_OVERLAY_BY_PATH, false},
	        {NSB_OVERLAY_BY_PATH, true},
	        {NSB_OVERLAY_AUTO, false},
	        {NSB_OVERLAY_AUTO, true},
	};
	const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char base[PATH_MAX];
	pid_t pid;
	int st;

	snprintf(base, sizeof(base), "%s/nsbox-test-overlay.XXXXXX", tmpdir);
	ck_assert_ptr_nonnull(mkdtemp(base));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char dir[PATH_MAX];
		int r = private_mount_ns();

		if (r)
			_exit(r);
		/* A tmpfs of our own, gone with the namespace: the host keeps
		 * only the empty directory, removed below. */
		if (mount("tmpfs", base, "tmpfs", 0, "mode=0755") < 0)
			_exit(3);
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			char name[16];

			snprintf(name, sizeof(name), "%zu", i);
			if (make_dir(base, name, dir, sizeof(dir)) < 0)
				_exit(4);
			r = check_overlay_mount(dir, cases[i].how, cases[i].ro);
			if (r < 0)
				_exit(78);
			if (r) {
				fprintf(stderr, "case %zu failed at line %d\n", i, r);
				_exit(5);
			}
		}
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_eq(rmdir(base), 0);
	ck_assert(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77 || WEXITSTATUS(st) == 78) {
		fprintf(stderr, "test_overlay_kernel: no %s here, not checked\n",
		        WEXITSTATUS(st) == 77 ? "user namespace" : "new mount API");
		return;
	}
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

static Suite *cli_fs_suite(void)
{
	Suite *s = suite_create("cli_fs");
	TCase *tc;

	tc = tcase_create("overlay");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_overlay);
	tcase_add_test(tc, test_overlay_order);
	tcase_add_test(tc, test_overlay_args);
	tcase_add_test(tc, test_overlay_many_layers);
	tcase_add_test(tc, test_overlay_too_few_layers);
	tcase_add_test(tc, test_overlay_src_misplaced);
	tcase_add_test(tc, test_overlay_bad_args);
	suite_add_tcase(s, tc);

	tc = tcase_create("bind_fd");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bind_fd);
	tcase_add_test(tc, test_ops_check_fds);
	suite_add_tcase(s, tc);

	tc = tcase_create("not_a_security_boundary");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_not_a_security_boundary);
	tcase_add_test(tc, test_setup_weakened);
	suite_add_tcase(s, tc);

	tc = tcase_create("escape");
	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_lowerdir);
	suite_add_tcase(s, tc);

	tc = tcase_create("kernel");
	tcase_add_test(tc, test_overlay_kernel);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cli_fs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
