/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Paths inside the new root (path.c), without privileges: a temporary
 * directory plays the root, with symlinks planted in it that point at "/",
 * at a directory outside it or climb out with "..", dangling ones, files in
 * the middle of paths and magic links (a /proc/self directory as the root).
 * Every lookup must stay inside the root (fds compared by st_dev/st_ino),
 * every failure is an exact -errno, missing parents get exactly the mode
 * asked for (umask 0, as nsbox runs), and a thread that swaps a directory
 * for a symlink meanwhile never gets anything created outside the root:
 * the sentinel directories next to the root stay empty. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "path.h"
#include "util.h"

/* snprintf into an array, which must be large enough. */
#define PRINT(buf, ...) \
	ck_assert_msg((size_t)snprintf((buf), sizeof(buf), __VA_ARGS__) < sizeof(buf), "too long")

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* base/root is the root; base/outside and base/inner are sentinels that
 * must stay empty (base/inner is the host's twin of root/inner, which a
 * relative "../inner" link names when followed on the host). Anything a
 * link to "/" could make appear on the host's "/" starts with uniq. */
static char base[PATH_MAX];
static char rootp[PATH_MAX];
static char rootreal[PATH_MAX];
static char outside[PATH_MAX];
static char uniq[64];
static int rootfd = -1;

/* root/REL, in one of a few rotating buffers. */
static const char *R(const char *rel)
{
	static char buf[8][PATH_MAX];
	static unsigned n;
	char *b = buf[n++ % 8];

	ck_assert((size_t)snprintf(b, PATH_MAX, "%s/%s", rootp, rel) < PATH_MAX);
	return b;
}

static void mk_dir(const char *rel, mode_t mode)
{
	ck_assert_msg(mkdir(R(rel), mode) == 0, "mkdir %s: %s", rel, strerror(errno));
}

static void mk_file(const char *rel, mode_t mode, const char *content)
{
	int fd = open(R(rel), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	ck_assert_msg(fd >= 0, "create %s: %s", rel, strerror(errno));
	ck_assert_int_eq(nsb_write_all(fd, content, strlen(content)), 0);
	close(fd);
}

static void mk_link(const char *target, const char *rel)
{
	ck_assert_msg(symlink(target, R(rel)) == 0, "symlink %s: %s", rel, strerror(errno));
}

/* fd is the very file at host path want (lstat: never a host symlink). */
#define assert_fd_is(fd, want)                                                                   \
	do {                                                                                     \
		struct stat _a, _b;                                                              \
		ck_assert_int_ge((fd), 0);                                                       \
		ck_assert_int_eq(fstat((fd), &_a), 0);                                           \
		ck_assert_msg(lstat((want), &_b) == 0, "lstat %s: %s", (want), strerror(errno)); \
		ck_assert_msg(_a.st_dev == _b.st_dev && _a.st_ino == _b.st_ino, "fd is not %s",  \
		              (want));                                                           \
	} while (0)

/* The host path is a TYPE (S_IFDIR...) with exactly the permission bits
 * PERMS. */
#define assert_node(path, type, perms)                                                           \
	do {                                                                                     \
		struct stat _s;                                                                  \
		ck_assert_msg(lstat((path), &_s) == 0, "lstat %s: %s", (path), strerror(errno)); \
		ck_assert_msg((_s.st_mode & S_IFMT) == (type), "%s: type %o, wanted %o", (path), \
		              _s.st_mode & S_IFMT, (type));                                      \
		ck_assert_msg((_s.st_mode & 07777) == (perms), "%s: mode %04o, wanted %04o",     \
		              (path), _s.st_mode & 07777, (perms));                              \
	} while (0)

#define assert_absent(path)                                                                    \
	do {                                                                                   \
		struct stat _s;                                                                \
		ck_assert_msg(lstat((path), &_s) < 0 && errno == ENOENT, "%s exists", (path)); \
	} while (0)

static int count_entries(const char *path, const char *prefix)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	ck_assert_msg(d != NULL, "opendir %s: %s", path, strerror(errno));
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!prefix || !strncmp(e->d_name, prefix, strlen(prefix)))
			n++;
	}
	closedir(d);
	return n;
}

/* Nothing was created outside the root. */
static void assert_outside_untouched(void)
{
	char p[PATH_MAX];

	ck_assert_int_eq(count_entries(base, NULL), 3); /* root, outside, inner */
	ck_assert_int_eq(count_entries(outside, NULL), 0);
	PRINT(p, "%s/inner", base);
	ck_assert_int_eq(count_entries(p, NULL), 0);
	ck_assert_int_eq(count_entries("/", uniq), 0);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	(void)remove(path);
	return 0;
}

static void rm_tree(const char *path)
{
	(void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* Every test gets base below topdir, which main() removes at the end with
 * whatever escaped to the host's "/" (a failing test skips teardown). */
static char topdir[PATH_MAX];
static char escape_prefix[32];

static void setup(void)
{
	char p[PATH_MAX];

	umask(0);
	PRINT(base, "%s/t-XXXXXX", topdir);
	ck_assert_ptr_nonnull(mkdtemp(base));
	PRINT(rootp, "%s/root", base);
	PRINT(outside, "%s/outside", base);
	ck_assert_int_eq(mkdir(rootp, 0755), 0);
	ck_assert_int_eq(mkdir(outside, 0755), 0);
	PRINT(p, "%s/inner", base);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	ck_assert_ptr_nonnull(realpath(rootp, rootreal));
	PRINT(uniq, "%s%ld", escape_prefix, (long)getpid());
	rootfd = open(rootp, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(rootfd, 0);
}

static void teardown(void)
{
	if (rootfd >= 0)
		close(rootfd);
	rootfd = -1;
	rm_tree(base);
}

static void remove_escapes(void)
{
	DIR *d = opendir("/");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char p[PATH_MAX];

		if (strncmp(e->d_name, escape_prefix, strlen(escape_prefix)))
			continue;
		/* No ck_assert here: this runs outside the tests. */
		if ((size_t)snprintf(p, sizeof(p), "/%s", e->d_name) >= sizeof(p))
			continue;
		fprintf(stderr, "removing %s, made by a failed test\n", p);
		rm_tree(p);
	}
	if (d)
		closedir(d);
}

/* A plan of links most tests use. */
static void plant_links(void)
{
	mk_dir("d", 0755);
	mk_file("d/f", 0644, "in the root\n");
	mk_dir("inner", 0755);
	mk_link("/", "abs");             /* the root, not the host's / */
	mk_link("/d", "absd");           /* root/d */
	mk_link("../../../..", "up");    /* climbs out: the root */
	mk_link(outside, "out");         /* absolute, to the host's outside */
	mk_link("../outside", "relout"); /* relative: on the host, base/outside */
	mk_link("../inner", "relinner"); /* root/inner here, base/inner on the host */
	mk_link("nowhere", "dang");
	mk_link("d/f", "lf");
	mk_link("loop2", "loop1");
	mk_link("loop1", "loop2");
	mk_link("/proc/self/root", "procroot"); /* a plain link, resolved in the root */
}

static int open_proc_self(void)
{
	int fd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* A string of n copies of c. */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* "x/x/x/..." of exactly len bytes (len odd). */
static char *deep_path(size_t len)
{
	char *s = repeat('x', len);
	size_t i;

	for (i = 1; i < len; i += 2)
		s[i] = '/';
	return s;
}

/* --- nsb_path_is_root ---------------------------------------------------------- */

START_TEST(test_is_root)
{
	static const char *const yes[] = {"",      "/",  "//",       ".",       "..",
	                                  "/./..", "./", "../../..", "/.//../."};
	static const char *const no[] = {"a",  "/a",  "/a/..", "./a",     "..a",
	                                 ".a", "...", "a/",    "/../a/.."};
	size_t i;

	for (i = 0; i < NSB_ELEMENTSOF(yes); i++)
		ck_assert_msg(nsb_path_is_root(yes[i]), "'%s' is the root", yes[i]);
	for (i = 0; i < NSB_ELEMENTSOF(no); i++)
		ck_assert_msg(!nsb_path_is_root(no[i]), "'%s' is not the root", no[i]);
}
END_TEST

/* --- nsb_path_open ---------------------------------------------------------------- */

START_TEST(test_open_plain)
{
	static const char *const roots[] = {"", "/", ".", "..", "/../..", "d/../..", "./d/.."};
	size_t i;
	int fd;

	plant_links();
	for (i = 0; i < NSB_ELEMENTSOF(roots); i++) {
		fd = nsb_path_open(rootfd, roots[i], O_PATH | O_DIRECTORY);
		assert_fd_is(fd, rootp);
		close(fd);
	}
	fd = nsb_path_open(rootfd, NULL, O_PATH);
	assert_fd_is(fd, rootp);
	close(fd);

	fd = nsb_path_open(rootfd, "d/f", O_RDONLY);
	assert_fd_is(fd, R("d/f"));
	ck_assert_int_eq(fcntl(fd, F_GETFD), FD_CLOEXEC);
	close(fd);
	fd = nsb_path_open(rootfd, "../../d/f", O_PATH);
	assert_fd_is(fd, R("d/f"));
	ck_assert(fcntl(fd, F_GETFL) & O_PATH);
	close(fd);

	ck_assert_int_eq(nsb_path_open(rootfd, "d/f", O_PATH | O_DIRECTORY), -ENOTDIR);
	ck_assert_int_eq(nsb_path_open(rootfd, "d/f/", O_PATH), -ENOTDIR);
	ck_assert_int_eq(nsb_path_open(rootfd, "d/f/x", O_PATH), -ENOTDIR);
	ck_assert_int_eq(nsb_path_open(rootfd, "missing", O_PATH), -ENOENT);
	ck_assert_int_eq(nsb_path_open(rootfd, "d/missing/x", O_PATH), -ENOENT);
}
END_TEST

START_TEST(test_open_symlinks)
{
	char inner_twin[PATH_MAX * 2], *slash;
	int fd;

	plant_links();
	fd = nsb_path_open(rootfd, "abs", O_PATH | O_DIRECTORY);
	assert_fd_is(fd, rootp);
	close(fd);
	fd = nsb_path_open(rootfd, "abs/d/f", O_PATH);
	assert_fd_is(fd, R("d/f"));
	close(fd);
	fd = nsb_path_open(rootfd, "absd/f", O_PATH);
	assert_fd_is(fd, R("d/f"));
	close(fd);
	fd = nsb_path_open(rootfd, "up/up/d", O_PATH);
	assert_fd_is(fd, R("d"));
	close(fd);
	fd = nsb_path_open(rootfd, "lf", O_PATH);
	assert_fd_is(fd, R("d/f"));
	close(fd);
	fd = nsb_path_open(rootfd, "relinner", O_PATH);
	assert_fd_is(fd, R("inner"));
	close(fd);

	/* The host's outside exists, the root holds no such path. */
	ck_assert_int_eq(nsb_path_open(rootfd, "out", O_PATH), -ENOENT);
	ck_assert_int_eq(nsb_path_open(rootfd, "relout", O_PATH), -ENOENT);
	ck_assert_int_eq(nsb_path_open(rootfd, "procroot", O_PATH), -ENOENT);
	/* Once the root holds the same path, the link leads there. */
	PRINT(inner_twin, "%s%s", rootp, outside);
	for (slash = strchr(inner_twin + strlen(rootp) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		ck_assert_int_eq(mkdir(inner_twin, 0755), 0);
		*slash = '/';
	}
	ck_assert_int_eq(mkdir(inner_twin, 0755), 0);
	fd = nsb_path_open(rootfd, "out", O_PATH);
	assert_fd_is(fd, inner_twin);
	close(fd);

	ck_assert_int_eq(nsb_path_open(rootfd, "dang", O_PATH), -ENOENT);
	fd = nsb_path_open(rootfd, "dang", O_PATH | O_NOFOLLOW);
	assert_fd_is(fd, R("dang"));
	close(fd);
	ck_assert_int_eq(nsb_path_open(rootfd, "loop1", O_PATH), -ELOOP);
	ck_assert_int_eq(nsb_path_open(rootfd, "loop1/x", O_PATH), -ELOOP);
}
END_TEST

/* /proc/self as the root: its root, cwd, exe and fd/N are magic links. */
START_TEST(test_open_magic_links)
{
	_cleanup_close_ int proc = open_proc_self();
	_cleanup_close_ int out = open(outside, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char p[64];
	int fd;

	ck_assert_int_ge(out, 0);
	fd = nsb_path_open(proc, "status", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(nsb_path_open(proc, "root", O_PATH), -ELOOP);
	ck_assert_int_eq(nsb_path_open(proc, "root/tmp", O_PATH), -ELOOP);
	ck_assert_int_eq(nsb_path_open(proc, "cwd", O_PATH), -ELOOP);
	ck_assert_int_eq(nsb_path_open(proc, "exe", O_PATH), -ELOOP);
	PRINT(p, "fd/%d", out);
	ck_assert_int_eq(nsb_path_open(proc, p, O_PATH), -ELOOP);
	PRINT(p, "fd/%d/x", out);
	ck_assert_int_eq(nsb_path_open(proc, p, O_PATH), -ELOOP);
}
END_TEST

START_TEST(test_open_too_long)
{
	_cleanup_free_ char *name = repeat('n', NAME_MAX + 1);
	_cleanup_free_ char *ok_name = repeat('n', NAME_MAX);
	_cleanup_free_ char *path = deep_path(PATH_MAX + 1);

	ck_assert_int_eq(nsb_path_open(rootfd, name, O_PATH), -ENAMETOOLONG);
	ck_assert_int_eq(nsb_path_open(rootfd, ok_name, O_PATH), -ENOENT);
	ck_assert_int_eq(nsb_path_open(rootfd, path, O_PATH), -ENAMETOOLONG);
}
END_TEST

/* --- nsb_path_parent ------------------------------------------------------------- */

/* nsb_path_parent must give 0, a directory fd at host path want and the
 * name wname. */
static void parent_is(const char *path, mode_t mode, const char *want, const char *wname)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	r = nsb_path_parent(rootfd, path, mode, &fd, &name);
	ck_assert_msg(r == 0, "'%s': %s", path, strerror(-r));
	assert_fd_is(fd, want);
	ck_assert_str_eq(name, wname);
	ck_assert(fcntl(fd, F_GETFL) & O_PATH);
	ck_assert_int_eq(fcntl(fd, F_GETFD), FD_CLOEXEC);
}

static int parent_err(int dirfd, const char *path)
{
	char *name = (char *)"untouched";
	int fd = -42, r;

	r = nsb_path_parent(dirfd, path, 0755, &fd, &name);
	ck_assert_msg(r < 0, "'%s' succeeded", path);
	ck_assert_int_eq(fd, -42);
	ck_assert_str_eq(name, "untouched");
	return r;
}

START_TEST(test_parent_creates)
{
	parent_is("a/b/c", 0750, R("a/b"), "c");
	assert_node(R("a"), S_IFDIR, 0750);
	assert_node(R("a/b"), S_IFDIR, 0750);
	assert_absent(R("a/b/c"));

	/* Each missing parent gets the mode asked for, nothing else changes. */
	parent_is("/a/x/y/z", 0700, R("a/x/y"), "z");
	assert_node(R("a"), S_IFDIR, 0750);
	assert_node(R("a/x"), S_IFDIR, 0700);
	assert_node(R("a/x/y"), S_IFDIR, 0700);
	parent_is("p705/q", 0705, R("p705"), "q");
	assert_node(R("p705"), S_IFDIR, 0705);
	parent_is("p711/q/r", 0711, R("p711/q"), "r");
	assert_node(R("p711"), S_IFDIR, 0711);
	assert_node(R("p711/q"), S_IFDIR, 0711);
	parent_is("s1777/t", 01777, R("s1777"), "t");
	assert_node(R("s1777"), S_IFDIR, 01777);

	/* Existing parents: no creation, slashes and dots as the kernel takes
	 * them. */
	parent_is("top", 0700, rootp, "top");
	parent_is("a//b///c2//", 0700, R("a/b"), "c2");
	parent_is("/a/./b/c3", 0700, R("a/b"), "c3");
	parent_is("a/x/../b/c4", 0700, R("a/b"), "c4");
	assert_node(R("a/b"), S_IFDIR, 0750);

	/* ".." never climbs above the root. */
	parent_is("../../../z/y", 0700, R("z"), "y");
	assert_node(R("z"), S_IFDIR, 0700);
	/* A missing directory followed by "..": created, like mkdir -p. */
	parent_is("n1/../n2/leaf", 0750, R("n2"), "leaf");
	assert_node(R("n1"), S_IFDIR, 0750);
	assert_node(R("n2"), S_IFDIR, 0750);
	assert_outside_untouched();
}
END_TEST

START_TEST(test_parent_of_root)
{
	static const char *const roots[] = {"", "/", "//", ".", "..", "/./..", "../../..", "d/.."};
	size_t i;

	mk_dir("d", 0755);
	for (i = 0; i < NSB_ELEMENTSOF(roots); i++)
		parent_is(roots[i], 0700, rootp, ".");
	parent_is("d/.", 0700, R("d"), ".");
	parent_is("d/./", 0700, R("d"), ".");
	parent_is("m/..", 0700, rootp, ".");
	assert_node(R("m"), S_IFDIR, 0700);
	assert_outside_untouched();
}
END_TEST

START_TEST(test_parent_symlinks)
{
	char p[PATH_MAX], q[PATH_MAX];

	plant_links();
	/* Through a link to "/": the root, never the host's "/". */
	PRINT(p, "abs/%s/p/leaf", uniq);
	PRINT(q, "%s/p", uniq);
	parent_is(p, 0700, R(q), "leaf");
	assert_node(R(uniq), S_IFDIR, 0700);
	parent_is("absd/new/leaf", 0750, R("d/new"), "leaf");
	parent_is("up/up/q/leaf", 0750, R("q"), "leaf");
	/* "../inner" is root/inner, not base/inner. */
	parent_is("relinner/q/leaf", 0750, R("inner/q"), "leaf");
	assert_node(R("inner/q"), S_IFDIR, 0750);
	/* A link whose last component exists is the parent itself. */
	parent_is("relinner/leaf", 0750, R("inner"), "leaf");
	/* The last component is handed back as is, link or not. */
	parent_is("dang", 0750, rootp, "dang");

	/* Links that lead nowhere inside the root: no creation anywhere. */
	ck_assert_int_eq(parent_err(rootfd, "out/q/leaf"), -ENOENT);
	ck_assert_int_eq(parent_err(rootfd, "out/leaf"), -ENOENT);
	ck_assert_int_eq(parent_err(rootfd, "relout/q/leaf"), -ENOENT);
	ck_assert_int_eq(parent_err(rootfd, "relout/leaf"), -ENOENT);
	ck_assert_int_eq(parent_err(rootfd, "procroot/leaf"), -ENOENT);
	ck_assert_int_eq(parent_err(rootfd, "dang/q/leaf"), -ENOENT);
	ck_assert_int_eq(parent_err(rootfd, "dang/leaf"), -ENOENT);
	assert_absent(R("nowhere"));
	assert_absent(R("outside"));
	assert_absent(R("proc"));
	PRINT(p, "%s", outside + 1);
	*strchrnul(p, '/') = '\0';
	assert_absent(R(p));
	assert_node(R("dang"), S_IFLNK, 0777);
	assert_node(R("out"), S_IFLNK, 0777);

	/* Files and loops in the middle. */
	ck_assert_int_eq(parent_err(rootfd, "d/f/x"), -ENOTDIR);
	ck_assert_int_eq(parent_err(rootfd, "d/f/x/y"), -ENOTDIR);
	ck_assert_int_eq(parent_err(rootfd, "lf/x"), -ENOTDIR);
	ck_assert_int_eq(parent_err(rootfd, "loop1/x"), -ELOOP);
	ck_assert_int_eq(parent_err(rootfd, "loop1/x/y"), -ELOOP);
	assert_outside_untouched();
}
END_TEST

START_TEST(test_parent_magic_links)
{
	_cleanup_close_ int proc = open_proc_self();
	_cleanup_close_ int out = open(outside, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char p[PATH_MAX];

	ck_assert_int_ge(out, 0);
	PRINT(p, "root/%s/x", uniq);
	ck_assert_int_eq(parent_err(proc, p), -ELOOP);
	PRINT(p, "root%s/x/y", outside);
	ck_assert_int_eq(parent_err(proc, p), -ELOOP);
	PRINT(p, "fd/%d/x", out);
	ck_assert_int_eq(parent_err(proc, p), -ELOOP);
	PRINT(p, "fd/%d/x/y", out);
	ck_assert_int_eq(parent_err(proc, p), -ELOOP);
	ck_assert_int_eq(parent_err(proc, "cwd/x/y"), -ELOOP);
	assert_outside_untouched();
}
END_TEST

START_TEST(test_parent_too_long)
{
	_cleanup_free_ char *name = repeat('n', NAME_MAX + 1);
	_cleanup_free_ char *path = deep_path(PATH_MAX + 1);
	_cleanup_free_ char *longest = repeat('/', PATH_MAX - 1);
	char p[PATH_MAX * 2];

	mk_dir("d", 0755);
	PRINT(p, "%s/x", name);
	ck_assert_int_eq(parent_err(rootfd, p), -ENAMETOOLONG);
	PRINT(p, "d/%s/x", name);
	ck_assert_int_eq(parent_err(rootfd, p), -ENAMETOOLONG);
	ck_assert_int_eq(parent_err(rootfd, path), -ENAMETOOLONG);
	/* Like mkdir -p, the parents before the bad component are made. */
	PRINT(p, "new/%s/x", name);
	ck_assert_int_eq(parent_err(rootfd, p), -ENAMETOOLONG);
	assert_node(R("new"), S_IFDIR, 0755);
	ck_assert_int_eq(count_entries(R("new"), NULL), 0);

	/* PATH_MAX counts the NUL: PATH_MAX - 1 bytes are a valid path. */
	memcpy(longest + PATH_MAX - 5, "a/bc", 4);
	parent_is(longest, 0700, R("a"), "bc");
	assert_node(R("a"), S_IFDIR, 0700);
	PRINT(p, "/%s", longest);
	ck_assert_int_eq(parent_err(rootfd, p), -ENAMETOOLONG);
	assert_outside_untouched();
}
END_TEST

/* --- nsb_path_ensure -------------------------------------------------------------- */

static void ensure_is(const char *path, enum nsb_node kind, mode_t mode, mode_t pmode,
                      const char *want)
{
	_cleanup_close_ int fd = -1;
	int r;

	r = nsb_path_ensure(rootfd, path, kind, mode, pmode, &fd);
	ck_assert_msg(r == 0, "'%s': %s", path, strerror(-r));
	assert_fd_is(fd, want);
	ck_assert(fcntl(fd, F_GETFL) & O_PATH);
	ck_assert_int_eq(fcntl(fd, F_GETFD), FD_CLOEXEC);
}

static int ensure_err(int dirfd, const char *path, enum nsb_node kind)
{
	int fd = -42, r;

	r = nsb_path_ensure(dirfd, path, kind, 0700, 0700, &fd);
	ck_assert_msg(r < 0, "'%s' succeeded", path);
	ck_assert_int_eq(fd, -42);
	return r;
}

START_TEST(test_ensure_creates)
{
	struct stat st;

	ensure_is("m/n/dir", NSB_NODE_DIR, 0710, 0750, R("m/n/dir"));
	assert_node(R("m"), S_IFDIR, 0750);
	assert_node(R("m/n"), S_IFDIR, 0750);
	assert_node(R("m/n/dir"), S_IFDIR, 0710);
	ensure_is("/m/n/file", NSB_NODE_FILE, 0640, 0700, R("m/n/file"));
	assert_node(R("m/n/file"), S_IFREG, 0640);
	ck_assert_int_eq(stat(R("m/n/file"), &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ensure_is("f2/g/h", NSB_NODE_FILE, 0400, 0705, R("f2/g/h"));
	assert_node(R("f2"), S_IFDIR, 0705);
	assert_node(R("f2/g"), S_IFDIR, 0705);
	assert_node(R("f2/g/h"), S_IFREG, 0400);
	ensure_is("sticky", NSB_NODE_DIR, 01777, 0755, R("sticky"));
	assert_node(R("sticky"), S_IFDIR, 01777);
	ensure_is("../../up/dir/", NSB_NODE_DIR, 0700, 0711, R("up/dir"));
	assert_node(R("up"), S_IFDIR, 0711);
	assert_node(R("up/dir"), S_IFDIR, 0700);

	/* Whatever exists is taken as it is, mode untouched. */
	ensure_is("m", NSB_NODE_FILE, 0600, 0700, R("m"));
	assert_node(R("m"), S_IFDIR, 0750);
	ensure_is("m/n/file", NSB_NODE_DIR, 0700, 0700, R("m/n/file"));
	assert_node(R("m/n/file"), S_IFREG, 0640);
	ensure_is("m/n/dir", NSB_NODE_DIR, 0777, 0777, R("m/n/dir"));
	assert_node(R("m/n/dir"), S_IFDIR, 0710);

	/* The root itself. */
	ensure_is("/", NSB_NODE_DIR, 0700, 0700, rootp);
	ensure_is("", NSB_NODE_FILE, 0600, 0700, rootp);
	ensure_is("..", NSB_NODE_DIR, 0700, 0700, rootp);
	ensure_is("m/n/..", NSB_NODE_FILE, 0600, 0700, R("m"));
	assert_node(rootp, S_IFDIR, 0755);
	assert_outside_untouched();
}
END_TEST

START_TEST(test_ensure_symlinks)
{
	char p[PATH_MAX];

	plant_links();
	/* An existing link is followed inside the root. */
	ensure_is("lf", NSB_NODE_FILE, 0600, 0700, R("d/f"));
	assert_node(R("d/f"), S_IFREG, 0644);
	assert_node(R("lf"), S_IFLNK, 0777);
	ensure_is("abs", NSB_NODE_DIR, 0700, 0700, rootp);
	ensure_is("relinner", NSB_NODE_DIR, 0700, 0700, R("inner"));
	ensure_is("up", NSB_NODE_DIR, 0700, 0700, rootp);
	PRINT(p, "abs/%s", uniq);
	ensure_is(p, NSB_NODE_DIR, 0700, 0700, R(uniq));
	PRINT(p, "abs/%s/deep/file", uniq);
	ensure_is(p, NSB_NODE_FILE, 0600, 0750, R(p + 4));
	assert_node(R(p + 4), S_IFREG, 0600);
	ensure_is("relinner/sub/file", NSB_NODE_FILE, 0600, 0750, R("inner/sub/file"));

	/* A link that leads nowhere inside the root is not made to: no
	 * target is created, in the root or elsewhere. */
	ck_assert_int_eq(ensure_err(rootfd, "dang", NSB_NODE_DIR), -ENOENT);
	ck_assert_int_eq(ensure_err(rootfd, "dang", NSB_NODE_FILE), -ENOENT);
	ck_assert_int_eq(ensure_err(rootfd, "dang/x", NSB_NODE_FILE), -ENOENT);
	ck_assert_int_eq(ensure_err(rootfd, "out", NSB_NODE_DIR), -ENOENT);
	ck_assert_int_eq(ensure_err(rootfd, "out", NSB_NODE_FILE), -ENOENT);
	ck_assert_int_eq(ensure_err(rootfd, "out/sub", NSB_NODE_DIR), -ENOENT);
	ck_assert_int_eq(ensure_err(rootfd, "relout", NSB_NODE_DIR), -ENOENT);
	ck_assert_int_eq(ensure_err(rootfd, "relout/sub/x", NSB_NODE_FILE), -ENOENT);
	ck_assert_int_eq(ensure_err(rootfd, "procroot", NSB_NODE_DIR), -ENOENT);
	assert_absent(R("nowhere"));
	assert_absent(R("outside"));
	assert_absent(R("proc"));
	assert_node(R("dang"), S_IFLNK, 0777);
	assert_node(R("out"), S_IFLNK, 0777);
	assert_node(R("relout"), S_IFLNK, 0777);

	ck_assert_int_eq(ensure_err(rootfd, "d/f/x", NSB_NODE_DIR), -ENOTDIR);
	ck_assert_int_eq(ensure_err(rootfd, "lf/x/y", NSB_NODE_FILE), -ENOTDIR);
	ck_assert_int_eq(ensure_err(rootfd, "loop1", NSB_NODE_DIR), -ELOOP);
	ck_assert_int_eq(ensure_err(rootfd, "loop1/x", NSB_NODE_DIR), -ELOOP);
	assert_outside_untouched();
}
END_TEST

START_TEST(test_ensure_magic_links)
{
	_cleanup_close_ int proc = open_proc_self();
	_cleanup_close_ int out = open(outside, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char p[PATH_MAX];

	ck_assert_int_ge(out, 0);
	ck_assert_int_eq(ensure_err(proc, "root", NSB_NODE_DIR), -ELOOP);
	PRINT(p, "root/%s", uniq);
	ck_assert_int_eq(ensure_err(proc, p, NSB_NODE_DIR), -ELOOP);
	PRINT(p, "root%s/x", outside);
	ck_assert_int_eq(ensure_err(proc, p, NSB_NODE_FILE), -ELOOP);
	PRINT(p, "fd/%d", out);
	ck_assert_int_eq(ensure_err(proc, p, NSB_NODE_DIR), -ELOOP);
	PRINT(p, "fd/%d/x", out);
	ck_assert_int_eq(ensure_err(proc, p, NSB_NODE_DIR), -ELOOP);
	PRINT(p, "fd/%d/x", out);
	ck_assert_int_eq(ensure_err(proc, p, NSB_NODE_FILE), -ELOOP);
	assert_outside_untouched();
}
END_TEST

START_TEST(test_ensure_too_long)
{
	_cleanup_free_ char *name = repeat('n', NAME_MAX + 1);
	_cleanup_free_ char *path = deep_path(PATH_MAX + 1);
	_cleanup_free_ char *longest = repeat('/', PATH_MAX - 1);
	char p[PATH_MAX * 2];

	mk_dir("d", 0755);
	ck_assert_int_eq(ensure_err(rootfd, name, NSB_NODE_DIR), -ENAMETOOLONG);
	ck_assert_int_eq(ensure_err(rootfd, name, NSB_NODE_FILE), -ENAMETOOLONG);
	PRINT(p, "d/%s", name);
	ck_assert_int_eq(ensure_err(rootfd, p, NSB_NODE_FILE), -ENAMETOOLONG);
	PRINT(p, "d/%s/x", name);
	ck_assert_int_eq(ensure_err(rootfd, p, NSB_NODE_DIR), -ENAMETOOLONG);
	ck_assert_int_eq(ensure_err(rootfd, path, NSB_NODE_DIR), -ENAMETOOLONG);
	ck_assert_int_eq(count_entries(rootp, NULL), 1);
	ck_assert_int_eq(count_entries(R("d"), NULL), 0);
	/* Like mkdir -p, the parents before the bad component are made. */
	PRINT(p, "new/%s", name);
	ck_assert_int_eq(ensure_err(rootfd, p, NSB_NODE_DIR), -ENAMETOOLONG);
	assert_node(R("new"), S_IFDIR, 0700);
	ck_assert_int_eq(count_entries(R("new"), NULL), 0);

	memcpy(longest + PATH_MAX - 5, "a/bc", 4);
	ensure_is(longest, NSB_NODE_FILE, 0604, 0750, R("a/bc"));
	assert_node(R("a"), S_IFDIR, 0750);
	assert_node(R("a/bc"), S_IFREG, 0604);
	PRINT(p, "/%s", longest);
	ck_assert_int_eq(ensure_err(rootfd, p, NSB_NODE_DIR), -ENAMETOOLONG);
	assert_outside_untouched();
}
END_TEST

/* --- nsb_path_fchmod -------------------------------------------------------------- */

START_TEST(test_fchmod)
{
	_cleanup_close_ int f = -1, d = -1;

	ck_assert_int_eq(nsb_path_ensure(rootfd, "f", NSB_NODE_FILE, 0600, 0755, &f), 0);
	ck_assert_int_eq(nsb_path_ensure(rootfd, "d", NSB_NODE_DIR, 0700, 0755, &d), 0);
	ck_assert_int_eq(nsb_path_fchmod(f, 0644, NULL), 0);
	assert_node(R("f"), S_IFREG, 0644);
	ck_assert_int_eq(nsb_path_fchmod(d, 01751, NULL), 0);
	assert_node(R("d"), S_IFDIR, 01751);
	ck_assert_int_eq(nsb_path_fchmod(d, 0, NULL), 0);
	assert_node(R("d"), S_IFDIR, 0);
	ck_assert_int_eq(nsb_path_fchmod(d, 0755, NULL), 0);
	assert_node(R("d"), S_IFDIR, 0755);
}
END_TEST

/* In a child whose fchmodat2 fails with err (a kernel before 6.6, or a
 * filter that does not know the call), nsb_path_fchmod on a fresh 0600
 * file named name gives want and leaves mode wmode. The child reports the
 * line of a failed check as its exit status. */
static void fchmod_filtered(int err, const char *name, const char *proc_prefix, int want,
                            mode_t wmode)
{
	struct sock_filter insns[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_fchmodat2, 0, 1),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)err),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = NSB_ELEMENTSOF(insns), .filter = insns};
	_cleanup_close_ int fd = -1;
	struct stat st;
	int status;
	pid_t pid;

	ck_assert_int_eq(nsb_path_ensure(rootfd, name, NSB_NODE_FILE, 0600, 0755, &fd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
			_exit(__LINE__);
		if (syscall(SYS_fchmodat2, fd, "", 0644, AT_EMPTY_PATH) != -1 || errno != err)
			_exit(__LINE__);
		if (nsb_path_fchmod(fd, 0604, proc_prefix) != want)
			_exit(__LINE__);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "err %d prefix '%s': the child failed at line %d (status %#x)", err,
	              proc_prefix ? proc_prefix : "(null)", WEXITSTATUS(status), status);
	ck_assert_int_eq(lstat(R(name), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, wmode);
}

START_TEST(test_fchmod_fallback)
{
	/* Without fchmodat2: through /proc/self/fd, under the prefix given. */
	fchmod_filtered(ENOSYS, "f1", NULL, 0, 0604);
	fchmod_filtered(EINVAL, "f2", NULL, 0, 0604);
	fchmod_filtered(ENOSYS, "f3", "/", 0, 0604);
	fchmod_filtered(ENOSYS, "f4", "/nonexistent", -ENOENT, 0600);
	/* Other errors are the answer. */
	fchmod_filtered(EPERM, "f5", NULL, -EPERM, 0600);
}
END_TEST

/* --- races ------------------------------------------------------------------------- */

/* A thread swaps the directory "sw" (and "deep/sw") with a symlink, over
 * and over, and keeps retargeting the symlink: to "/", to the outside
 * directory (absolute), up and out with "..", and to a directory inside. */
struct swapper {
	atomic_bool stop;
	atomic_long swaps;
};

static void *swap_loop(void *arg)
{
	struct swapper *s = arg;
	const char *const targets[] = {
	        "/",        outside,          "../outside", "../../../../..", "../../outside",
	        "../inner", "/proc/self/root"};
	static const char *const dirs[] = {"sw", "deep/sw"};
	static const char *const links[] = {"swl", "deep/swl"};
	static const char *const tmps[] = {"swt", "deep/swt"};
	unsigned i = 0;
	bool swapped[2] = {false, false};

	while (!atomic_load(&s->stop)) {
		unsigned k = i % 2;

		/* Every so often a new target: a fresh link renamed over the
		 * one that is not the directory right now. */
		if (i % 8 == 0) {
			const char *t = targets[(i / 8) % NSB_ELEMENTSOF(targets)];
			const char *linkname = swapped[k] ? dirs[k] : links[k];

			(void)unlinkat(rootfd, tmps[k], 0);
			if (symlinkat(t, rootfd, tmps[k]) == 0)
				(void)renameat(rootfd, tmps[k], rootfd, linkname);
		}
		if (syscall(SYS_renameat2, rootfd, dirs[k], rootfd, links[k], RENAME_EXCHANGE) ==
		    0) {
			swapped[k] = !swapped[k];
			atomic_fetch_add(&s->swaps, 1);
		}
		i++;
	}
	return NULL;
}

static bool fd_inside_root(int fd)
{
	char p[64], got[PATH_MAX];
	size_t n = strlen(rootreal);
	ssize_t len;

	PRINT(p, "/proc/self/fd/%d", fd);
	len = readlink(p, got, sizeof(got) - 1);
	if (len < 0)
		return false;
	got[len] = '\0';
	return !strncmp(got, rootreal, n) && (got[n] == '\0' || got[n] == '/');
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(test_race_swap_dir_for_symlink)
{
	struct swapper s = {false, 0};
	long made = 0, missed = 0, iter = 0;
	double start = now();
	pthread_t th;

	mk_dir("sw", 0755);
	mk_dir("inner", 0755);
	mk_dir("deep", 0755);
	mk_dir("deep/sw", 0755);
	mk_link("/", "swl");
	mk_link("/", "deep/swl");
	ck_assert_int_eq(pthread_create(&th, NULL, swap_loop, &s), 0);

	/* Until both outcomes were seen (the race ran) and a while has
	 * passed, or a time limit. */
	while ((now() - start < 0.5 || !made || !missed) && now() - start < 5) {
		static const char *const tops[] = {"sw", "deep/sw", "deep/sw/../sw"};
		const char *top = tops[iter % NSB_ELEMENTSOF(tops)];
		_cleanup_free_ char *name = NULL;
		char p[PATH_MAX];
		int fd = -1, r;

		PRINT(p, "%s/%s-e%ld/f", top, uniq, iter);
		r = nsb_path_ensure(rootfd, p, NSB_NODE_DIR, 0700, 0700, &fd);
		ck_assert_msg(r == 0 || r == -ENOENT, "ensure '%s': %s", p, strerror(-r));
		if (r == 0) {
			ck_assert_msg(fd_inside_root(fd), "ensure '%s' left the root", p);
			close(fd);
			made++;
		} else {
			missed++;
		}

		PRINT(p, "%s/%s-p%ld/q/leaf", top, uniq, iter);
		r = nsb_path_parent(rootfd, p, 0700, &fd, &name);
		ck_assert_msg(r == 0 || r == -ENOENT, "parent '%s': %s", p, strerror(-r));
		if (r == 0) {
			ck_assert_msg(fd_inside_root(fd), "parent '%s' left the root", p);
			ck_assert_str_eq(name, "leaf");
			close(fd);
		}
		iter++;
	}
	atomic_store(&s.stop, true);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_msg(made && missed, "the race did not run: %ld made, %ld missed, %ld swaps", made,
	              missed, atomic_load(&s.swaps));
	assert_outside_untouched();
}
END_TEST

static Suite *path_suite(void)
{
	Suite *s = suite_create("path");
	TCase *tc;

	tc = tcase_create("is_root");
	tcase_add_test(tc, test_is_root);
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_plain);
	tcase_add_test(tc, test_open_symlinks);
	tcase_add_test(tc, test_open_magic_links);
	tcase_add_test(tc, test_open_too_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("parent");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_parent_creates);
	tcase_add_test(tc, test_parent_of_root);
	tcase_add_test(tc, test_parent_symlinks);
	tcase_add_test(tc, test_parent_magic_links);
	tcase_add_test(tc, test_parent_too_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("ensure");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ensure_creates);
	tcase_add_test(tc, test_ensure_symlinks);
	tcase_add_test(tc, test_ensure_magic_links);
	tcase_add_test(tc, test_ensure_too_long);
	tcase_add_test(tc, test_fchmod);
	tcase_add_test(tc, test_fchmod_fallback);
	suite_add_tcase(s, tc);

	tc = tcase_create("races");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_race_swap_dir_for_symlink);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	SRunner *sr;
	int failed;

	snprintf(topdir, sizeof(topdir), "%s/nsb-path-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(topdir)) {
		perror(topdir);
		return EXIT_FAILURE;
	}
	snprintf(escape_prefix, sizeof(escape_prefix), "nsb-path-escape-%ld-", (long)getpid());
	sr = srunner_create(path_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	rm_tree(topdir);
	remove_escapes();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
