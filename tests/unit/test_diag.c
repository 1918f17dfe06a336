/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* diag.c. nsb_diag_exec() with real files: each one is first given to
 * execve() (in a child) so that the errno is the kernel's, then explained;
 * the ELF with a missing interpreter is tests/helpers/bad-interp, linked with
 * -Wl,--dynamic-linker=/nonexistent/nsbox-test/ld.so, and copies of it are
 * patched for the other ELF cases. nsb_diag_userns() with made-up /proc
 * trees for every branch, and once for real under a seccomp filter. */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "diag.h"

#ifndef NSB_TEST_HELPERS
#error "NSB_TEST_HELPERS: the directory of tests/helpers in the build tree"
#endif
#define BAD_INTERP_PROG NSB_TEST_HELPERS "/bad-interp"
#define BAD_INTERP "/nonexistent/nsbox-test/ld.so"

static char dir[256];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/nsbox-diag.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* Reachable for the uid 65534 test. */
	ck_assert_int_eq(chmod(dir, 0755), 0);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 32];

	if (snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", dir, dir) >=
	    (int)sizeof(cmd))
		return;
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* dir/name, in a static buffer (one of a few). */
static const char *at(const char *name)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *b = bufs[next++ % 8];

	ck_assert_int_lt(snprintf(b, PATH_MAX, "%s/%s", dir, name), PATH_MAX);
	return b;
}

static void write_file(const char *path, mode_t mode, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	ck_assert_msg(fd >= 0, "cannot create %s", path);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

static void write_str(const char *path, mode_t mode, const char *s)
{
	write_file(path, mode, s, strlen(s));
}

/* The errno of execve(path) or, with use_path, of execvp(path) under PATH
 * path_env; the kernel's own answer, in a child. */
static int exec_errno(const char *path, const char *path_env)
{
	char *const argv[] = {(char *)path, NULL};
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (path_env) {
			setenv("PATH", path_env, 1);
			execvp(path, argv);
		} else {
			execve(path, argv, (char *[]){NULL});
		}
		_exit(100 + errno);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) > 100,
	              "%s: expected a failing exec, got status %#x", path, status);
	return WEXITSTATUS(status) - 100;
}

/* Exec path for real, check the errno, then the explanation. */
static void expect_exec(const char *path, const char *path_env, int want_err, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static void expect_exec(const char *path, const char *path_env, int want_err, const char *fmt, ...)
{
	char want[2048], got[2048];
	int err = exec_errno(path, path_env);
	va_list ap;
	size_t n;

	ck_assert_msg(err == want_err, "%s: errno %d (%s), expected %d", path, err, strerror(err),
	              want_err);
	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	n = nsb_diag_exec(path, path_env, err, got, sizeof(got));
	ck_assert_msg(strcmp(got, want) == 0, "%s:\n got  '%s'\n want '%s'", path, got, want);
	ck_assert_uint_eq(n, strlen(want));
}

/* A copy of bad-interp, changed at offset off (or its interpreter path
 * replaced when interp is given). */
static const char *patched_copy(const char *name, size_t off, const void *bytes, size_t len,
                                const char *interp)
{
	static char data[4 << 20];
	const char *path = at(name);
	int fd = open(BAD_INTERP_PROG, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	ck_assert_msg(fd >= 0, "cannot open %s", BAD_INTERP_PROG);
	n = read(fd, data, sizeof(data));
	close(fd);
	ck_assert_int_gt(n, 64);
	if (interp) {
		char *p = memmem(data, (size_t)n, BAD_INTERP, sizeof(BAD_INTERP));

		ck_assert_ptr_nonnull(p);
		ck_assert_uint_lt(strlen(interp), sizeof(BAD_INTERP));
		memset(p, 0, sizeof(BAD_INTERP));
		memcpy(p, interp, strlen(interp));
	} else {
		memcpy(data + off, bytes, len);
	}
	write_file(path, 0755, data, (size_t)n);
	return path;
}

/* ---- ELF ------------------------------------------------------------------ */

START_TEST(test_elf_missing_interp)
{
	char tmp[] = "/tmp/nsbdg-XXXXXX";
	int fd;

	expect_exec(BAD_INTERP_PROG, NULL, ENOENT,
	            "%s needs the ELF interpreter " BAD_INTERP ", which does not exist in the "
	            "sandbox (nor does /nonexistent/nsbox-test: add it, e.g. --ro-bind "
	            "/nonexistent/nsbox-test /nonexistent/nsbox-test)",
	            BAD_INTERP_PROG);

	/* The directory is there, the file is not. */
	fd = mkstemp(tmp);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(unlink(tmp), 0);
	expect_exec(patched_copy("musl", 0, NULL, 0, tmp), NULL, ENOENT,
	            "%s needs the ELF interpreter %s, which does not exist in the sandbox (/tmp "
	            "does: the program may be built for another C library, such as musl)",
	            at("musl"), tmp);

	/* A merged-/usr directory missing from the sandbox: only a string
	 * check, /lib64 exists here. */
	expect_exec(patched_copy("lib64", 0, NULL, 0, "/nonexistent-lib/ld.so"), NULL, ENOENT,
	            "%s needs the ELF interpreter /nonexistent-lib/ld.so, which does not exist in "
	            "the sandbox (nor does /nonexistent-lib: add it, e.g. --ro-bind "
	            "/nonexistent-lib /nonexistent-lib)",
	            at("lib64"));
}
END_TEST

START_TEST(test_elf_bad_interp)
{
	char tmp[] = "/tmp/nsbdg-XXXXXX";
	int fd = mkstemp(tmp);

	/* An interpreter that is there but cannot be used. */
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(chmod(tmp, 0644), 0);
	expect_exec(patched_copy("noexec-interp", 0, NULL, 0, tmp), NULL, EACCES,
	            "%s needs the ELF interpreter %s: %s is not executable (mode 0644): chmod +x "
	            "%s",
	            at("noexec-interp"), tmp, tmp, tmp);
	ck_assert_int_eq(chmod(tmp, 0755), 0);
	/* Longer than an ELF header, else the kernel says EIO. */
	write_str(tmp, 0755,
	          "#!/bin/sh\n# a script is no ELF interpreter\n"
	          "# ............................................................\n"
	          "# ............................................................\n");
	expect_exec(at("noexec-interp"), NULL, ELIBBAD,
	            "%s needs the ELF interpreter %s: %s is not an ELF file", at("noexec-interp"),
	            tmp, tmp);
	unlink(tmp);
	expect_exec(patched_copy("dir-interp", 0, NULL, 0, "/etc"), NULL, EACCES,
	            "%s needs the ELF interpreter /etc: /etc is a directory, not a program",
	            at("dir-interp"));
}
END_TEST

START_TEST(test_elf_other_machine)
{
	unsigned char machine[2];
	const char *name, *want_name;
	struct utsname u;
	uint16_t m;

#if defined(__x86_64__)
	m = EM_AARCH64;
	want_name = "AArch64 (arm64)";
#else
	m = EM_X86_64;
	want_name = "x86-64";
#endif
	ck_assert_int_eq(uname(&u), 0);
	/* e_machine, in the file's (our) byte order. */
	memcpy(machine, &m, 2);
	name = patched_copy("foreign", 18, machine, 2, NULL);
	expect_exec(name, NULL, ENOEXEC,
	            "%s is a program for %s, %d-bit %s-endian; this machine "
	            "is %s",
	            name, want_name, (int)sizeof(void *) * 8,
	            __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? "little" : "big", u.machine);

	m = 0x7777;
	memcpy(machine, &m, 2);
	name = patched_copy("unknown", 18, machine, 2, NULL);
	expect_exec(name, NULL, ENOEXEC,
	            "%s is a program for ELF machine type 30583, %d-bit %s-endian; this machine is "
	            "%s",
	            name, (int)sizeof(void *) * 8,
	            __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? "little" : "big", u.machine);
}
END_TEST

START_TEST(test_elf_not_a_program)
{
	uint16_t type = ET_REL;
	const char *name = patched_copy("object", 16, &type, 2, NULL);

	expect_exec(name, NULL, ENOEXEC, "%s is an ELF object file (.o), not a program", name);
	type = ET_CORE;
	name = patched_copy("core", 16, &type, 2, NULL);
	expect_exec(name, NULL, ENOEXEC, "%s is an ELF core dump, not a program", name);
}
END_TEST

/* ---- scripts ----------------------------------------------------------------- */

START_TEST(test_script_missing_interp)
{
	write_str(at("s1"), 0755, "#!/nonexistent/nsbox-interp -x\nexit 0\n");
	expect_exec(at("s1"), NULL, ENOENT,
	            "%s is a script for /nonexistent/nsbox-interp (its #! line), which does not "
	            "exist in the sandbox",
	            at("s1"));
	/* Blanks before the name, no end of line. */
	write_str(at("s2"), 0755, "#! \t/nonexistent/nsbox-interp");
	expect_exec(at("s2"), NULL, ENOENT,
	            "%s is a script for /nonexistent/nsbox-interp (its #! line), which does not "
	            "exist in the sandbox",
	            at("s2"));
	/* The same name found through PATH. */
	write_str(at("s3"), 0755, "#!/nonexistent/sh\n");
	expect_exec(at("s3"), NULL, ENOENT,
	            "%s is a script for /nonexistent/sh (its #! line), which does not exist in the "
	            "sandbox",
	            at("s3"));
}
END_TEST

START_TEST(test_script_path_hint)
{
	char want[2048], got[2048], path_env[PATH_MAX];

	ck_assert_int_eq(mkdir(at("bin"), 0755), 0);
	write_str(at("bin/nsbox-test-python"), 0755, "");
	write_str(at("s"), 0755, "#!/usr/bin/nsbox-test-python\n");
	snprintf(path_env, sizeof(path_env), "/nonexistent::%s", at("bin"));
	nsb_diag_exec(at("s"), path_env, ENOENT, got, sizeof(got));
	snprintf(
	        want, sizeof(want),
	        "%s is a script for /usr/bin/nsbox-test-python (its #! line), which does not exist "
	        "in the sandbox; %s does (#!/usr/bin/env nsbox-test-python finds it through PATH)",
	        at("s"), at("bin/nsbox-test-python"));
	ck_assert_str_eq(got, want);
}
END_TEST

START_TEST(test_script_crlf)
{
	write_str(at("dos"), 0755, "#!/bin/sh\r\necho hi\r\n");
	expect_exec(at("dos"), NULL, ENOENT,
	            "%s has DOS line ends (CRLF): its #! line names '/bin/sh\\r' with a carriage "
	            "return, which does not exist; convert the file, e.g. sed -i 's/\\r$//' %s",
	            at("dos"), at("dos"));
	/* Found through PATH, as execvp does. */
	{
		char path_env[PATH_MAX];

		snprintf(path_env, sizeof(path_env), "/nonexistent:%s", dir);
		expect_exec("dos", path_env, ENOENT,
		            "%s has DOS line ends (CRLF): its #! line names '/bin/sh\\r' with a "
		            "carriage return, which does not exist; convert the file, e.g. sed -i "
		            "'s/\\r$//' %s",
		            at("dos"), at("dos"));
	}
}
END_TEST

START_TEST(test_script_nested)
{
	char line[PATH_MAX + 4];

	write_str(at("inner"), 0755, "#!/nonexistent/nsbox-interp\n");
	snprintf(line, sizeof(line), "#!%s\n", at("inner"));
	write_str(at("outer"), 0755, line);
	expect_exec(at("outer"), NULL, ENOENT,
	            "%s is a script for %s: %s is a script for /nonexistent/nsbox-interp (its #! "
	            "line), which does not exist in the sandbox",
	            at("outer"), at("inner"), at("inner"));
	snprintf(line, sizeof(line), "#!%s -a b\n", BAD_INTERP_PROG);
	write_str(at("on-elf"), 0755, line);
	expect_exec(at("on-elf"), NULL, ENOENT,
	            "%s is a script for %s: %s needs the ELF interpreter " BAD_INTERP
	            ", which does not exist in the sandbox (nor does /nonexistent/nsbox-test: add "
	            "it, e.g. --ro-bind /nonexistent/nsbox-test /nonexistent/nsbox-test)",
	            at("on-elf"), BAD_INTERP_PROG, BAD_INTERP_PROG);
	/* An interpreter that is not executable. */
	write_str(at("plain"), 0644, "");
	snprintf(line, sizeof(line), "#!%s\n", at("plain"));
	write_str(at("on-plain"), 0755, line);
	expect_exec(at("on-plain"), NULL, EACCES,
	            "%s is a script for %s: %s is not executable (mode 0644): chmod +x %s",
	            at("on-plain"), at("plain"), at("plain"), at("plain"));
}
END_TEST

START_TEST(test_script_bad_line)
{
	char line[400];

	write_str(at("blank"), 0755, "#!  \t \nexit 0\n");
	expect_exec(at("blank"), NULL, ENOEXEC, "%s starts with #! but names no interpreter",
	            at("blank"));
	/* Kernels differ on the errno here (ENOENT, EACCES). */
	write_str(at("bare"), 0755, "#!");
	{
		char got[1024], want[1024];

		nsb_diag_exec(at("bare"), NULL, exec_errno(at("bare"), NULL), got, sizeof(got));
		snprintf(want, sizeof(want), "%s starts with #! but names no interpreter",
		         at("bare"));
		ck_assert_str_eq(got, want);
	}
	memset(line, 'a', sizeof(line));
	memcpy(line, "#!/", 3);
	write_file(at("long"), 0755, line, sizeof(line));
	expect_exec(at("long"), NULL, ENOEXEC,
	            "the #! line of %s is too long: the kernel reads only its first 256 bytes",
	            at("long"));
	write_str(at("text"), 0755, "echo hello\n");
	expect_exec(at("text"), NULL, ENOEXEC,
	            "%s is neither an ELF program nor a script starting with #!", at("text"));
}
END_TEST

/* ---- the file itself ------------------------------------------------------------ */

START_TEST(test_file_kinds)
{
	write_str(at("plain"), 0644, "#!/bin/sh\n");
	expect_exec(at("plain"), NULL, EACCES, "%s is not executable (mode 0644): chmod +x %s",
	            at("plain"), at("plain"));
	ck_assert_int_eq(mkdir(at("d"), 0755), 0);
	expect_exec(at("d"), NULL, EACCES, "%s is a directory, not a program", at("d"));
	ck_assert_int_eq(mkfifo(at("fifo"), 0755), 0);
	expect_exec(at("fifo"), NULL, EACCES, "%s is a named pipe, not a program", at("fifo"));
	ck_assert_int_eq(symlink("/nonexistent/nsbox-target", at("dangling")), 0);
	expect_exec(at("dangling"), NULL, ENOENT,
	            "%s is a symbolic link to /nonexistent/nsbox-target, which does not exist in "
	            "the sandbox",
	            at("dangling"));
	ck_assert_int_eq(symlink("loop2", at("loop1")), 0);
	ck_assert_int_eq(symlink("loop1", at("loop2")), 0);
	expect_exec(at("loop1"), NULL, ELOOP, "%s is a loop of symbolic links", at("loop1"));
}
END_TEST

START_TEST(test_not_found)
{
	char got[1024], want[1024];

	expect_exec("nsbox-diag-no-such-command", "/nonexistent-a:/nonexistent-b", ENOENT,
	            "nsbox-diag-no-such-command is in none of the directories of PATH "
	            "(/nonexistent-a:/nonexistent-b)");
	nsb_diag_exec("nsbox-diag-no-such-command", NULL, ENOENT, got, sizeof(got));
	ck_assert_str_eq(got, "nsbox-diag-no-such-command is in none of the directories of PATH "
	                      "(unset, so /bin:/usr/bin)");
	expect_exec(
	        "/nonexistent/nsbox/x", NULL, ENOENT,
	        "/nonexistent/nsbox/x does not exist in the sandbox (there is no /nonexistent)");
	expect_exec(at("nothing"), NULL, ENOENT, "%s does not exist in the sandbox", at("nothing"));
	write_str(at("f"), 0644, "");
	expect_exec(at("f/x"), NULL, ENOTDIR,
	            "%s does not exist in the sandbox (%s is not a directory)", at("f/x"), at("f"));
	/* Control characters are shown escaped. */
	nsb_diag_exec("/nonexistent/a\tb\x01", NULL, ENOENT, got, sizeof(got));
	snprintf(
	        want, sizeof(want),
	        "/nonexistent/a\\tb\\x01 does not exist in the sandbox (there is no /nonexistent)");
	ck_assert_str_eq(got, want);
}
END_TEST

/* Nothing to add: a working program, an empty command, other errnos. */
START_TEST(test_nothing_to_say)
{
	char got[64] = "x";

	ck_assert_uint_eq(nsb_diag_exec("/bin/sh", NULL, ENOENT, got, sizeof(got)), 0);
	ck_assert_str_eq(got, "");
	ck_assert_uint_eq(nsb_diag_exec("sh", "/bin", ENOENT, got, sizeof(got)), 0);
	ck_assert_uint_eq(nsb_diag_exec("", NULL, ENOENT, got, sizeof(got)), 0);
	ck_assert_uint_eq(nsb_diag_exec(NULL, NULL, ENOENT, got, sizeof(got)), 0);
	ck_assert_uint_eq(nsb_diag_exec("/nonexistent/x", NULL, E2BIG, got, sizeof(got)), 0);
	/* A file without #! is run by glibc's execvp with /bin/sh, which is
	 * there: nothing wrong with the file. */
	write_str(at("text"), 0755, "exit 0\n");
	ck_assert_uint_eq(nsb_diag_exec(at("text"), NULL, ENOENT, got, sizeof(got)), 0);
}
END_TEST

/* The buffer is never overrun and always terminated. */
START_TEST(test_short_buffer)
{
	char got[16];

	memset(got, 'x', sizeof(got));
	ck_assert_uint_eq(nsb_diag_exec("/nonexistent/x", NULL, ENOENT, got, 8), 7);
	ck_assert_str_eq(got, "/nonexi");
	ck_assert_int_eq(got[8], 'x');
	ck_assert_uint_eq(nsb_diag_exec("/nonexistent/x", NULL, ENOENT, got, 1), 0);
	ck_assert_str_eq(got, "");
	got[0] = 'y';
	ck_assert_uint_eq(nsb_diag_exec("/nonexistent/x", NULL, ENOENT, got, 0), 0);
	ck_assert_int_eq(got[0], 'y');
	ck_assert_uint_eq(nsb_diag_userns("/nonexistent", EINVAL, got, 4), 3);
	ck_assert_str_eq(got, "thi");
}
END_TEST

/* Run fn in a child that may change its namespaces or credentials; it
 * returns NULL or what went wrong. Skipped (1) when the child could not
 * set itself up. */
static int in_child(const char *(*fn)(void))
{
	int pipefd[2], status;
	char why[2048] = "";
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe(pipefd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const char *r = fn();

		close(pipefd[0]);
		if (r && write(pipefd[1], r, strlen(r)) < 0)
			_exit(3);
		_exit(!r ? 0 : strncmp(r, "SKIP", 4) == 0 ? 2 : 1);
	}
	close(pipefd[1]);
	n = read(pipefd[0], why, sizeof(why) - 1);
	why[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) != 1 && WEXITSTATUS(status) != 3,
	              "child: %s (status %#x)", why, status);
	if (WEXITSTATUS(status) == 2)
		fprintf(stderr, "test_diag: %s\n", why);
	return WEXITSTATUS(status) == 2;
}

static char child_msg[8192];

static const char *check_msg(const char *path, int want_err, const char *want)
{
	char got[2048];
	char *const argv[] = {(char *)path, NULL};
	int err;

	execve(path, argv, (char *[]){NULL});
	err = errno;
	if (err != want_err) {
		snprintf(child_msg, sizeof(child_msg), "%s: errno %d, expected %d", path, err,
		         want_err);
		return child_msg;
	}
	nsb_diag_exec(path, NULL, err, got, sizeof(got));
	if (strcmp(got, want) != 0) {
		snprintf(child_msg, sizeof(child_msg), "got '%s', want '%s'", got, want);
		return child_msg;
	}
	return NULL;
}

/* A new mount namespace of our own (with a user namespace when not root). */
static const char *enter_mount_ns(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];
	int fd;

	if (unshare(uid == 0 ? CLONE_NEWNS : CLONE_NEWNS | CLONE_NEWUSER) < 0)
		return "SKIP: the kernel refuses a new mount namespace";
	if (uid != 0) {
		fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "deny", 4) != 4)
			return "cannot write setgroups";
		close(fd);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, map, strlen(map)) < 0)
			return "cannot write uid_map";
		close(fd);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		fd = open("/proc/self/gid_map", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, map, strlen(map)) < 0)
			return "cannot write gid_map";
		close(fd);
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return "cannot make the mounts private";
	return NULL;
}

static const char *noexec_child(void)
{
	const char *r = enter_mount_ns();
	char want[2048];

	if (r)
		return r;
	if (mount("tmpfs", at("mnt"), "tmpfs", MS_NOEXEC, NULL) < 0)
		return "cannot mount a noexec tmpfs";
	write_str(at("mnt/prog"), 0755, "#!/bin/sh\n");
	snprintf(want, sizeof(want),
	         "%s is on a file system mounted noexec, where nothing can be executed",
	         at("mnt/prog"));
	r = check_msg(at("mnt/prog"), EACCES, want);
	if (r)
		return r;
	/* And with no /bin/sh, glibc's fallback for files without #! fails. */
	write_str(at("text"), 0755, "exit 0\n");
	if (mount("tmpfs", "/bin", "tmpfs", 0, NULL) < 0)
		return "cannot hide /bin";
	if (access("/bin/sh", F_OK) == 0)
		return "/bin/sh still there";
	{
		char got[2048];

		nsb_diag_exec(at("text"), NULL, ENOENT, got, sizeof(got));
		snprintf(want, sizeof(want),
		         "%s has no #! line and is not an ELF program: execvp runs such files with "
		         "/bin/sh, which does not exist in the sandbox",
		         at("text"));
		if (strcmp(got, want) != 0) {
			snprintf(child_msg, sizeof(child_msg), "got '%s', want '%s'", got, want);
			return child_msg;
		}
	}
	return NULL;
}

START_TEST(test_noexec_and_no_shell)
{
	ck_assert_int_eq(mkdir(at("mnt"), 0755), 0);
	in_child(noexec_child);
}
END_TEST

static const char *unsearchable_child(void)
{
	char want[2048];
	struct stat st;

	if (stat(at("locked"), &st) < 0)
		return "no locked directory";
	/* As root: become somebody else; otherwise the owner lacks x. */
	if (getuid() == 0 && (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	                      setresuid(65534, 65534, 65534) < 0))
		return "cannot become uid 65534";
	if (access(dir, X_OK) < 0)
		return "SKIP: the test directory is out of reach of uid 65534 (TMPDIR)";
	snprintf(want, sizeof(want),
	         "the directory %s on the way to %s cannot be searched by uid %u (mode %04o, owner "
	         "%u:%u)",
	         at("locked"), at("locked/prog"), (unsigned)getuid(),
	         (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid);
	return check_msg(at("locked/prog"), EACCES, want);
}

static const char *not_mine_child(void)
{
	char want[2048];

	if (getuid() != 0)
		return "SKIP: needs root to own a file that uid 65534 cannot execute";
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		return "cannot become uid 65534";
	if (access(dir, X_OK) < 0)
		return "SKIP: the test directory is out of reach of uid 65534 (TMPDIR)";
	snprintf(want, sizeof(want), "%s is not executable by uid 65534 (mode 0700, owner 0:0)",
	         at("mine"));
	return check_msg(at("mine"), EACCES, want);
}

START_TEST(test_permissions_of_others)
{
	ck_assert_int_eq(mkdir(at("locked"), 0700), 0);
	write_str(at("locked/prog"), 0755, "#!/bin/sh\n");
	if (getuid() != 0)
		ck_assert_int_eq(chmod(at("locked"), 0600), 0);
	in_child(unsearchable_child);
	write_str(at("mine"), 0700, "#!/bin/sh\n");
	in_child(not_mine_child);
}
END_TEST

/* ---- user namespaces: made-up /proc ------------------------------------------ */

/* Files of a fake /proc under dir: pairs of path and content, NULL-ended. */
static void fake_proc(const char *first, ...)
{
	char cmd[PATH_MAX + 32];
	va_list ap;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s/proc'", dir);
	ck_assert_int_eq(system(cmd), 0);
	va_start(ap, first);
	for (const char *path = first; path; path = va_arg(ap, const char *)) {
		const char *content = va_arg(ap, const char *);
		char full[PATH_MAX];

		ck_assert_int_lt(snprintf(full, sizeof(full), "%s/%s", dir, path),
		                 (int)sizeof(full));
		for (char *p = full + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
			*p = '\0';
			(void)mkdir(full, 0755);
			*p = '/';
		}
		write_file(full, 0644, content, strlen(content));
	}
	va_end(ap);
}

#define INIT_MAP "         0          0 4294967295\n"
#define NESTED_MAP "         0       1000          1\n"
#define STATUS(uid, cap, seccomp, ppid)                                                        \
	"Name:\ttest\nUmask:\t0022\nState:\tR (running)\nPPid:\t" ppid "\nUid:\t" uid "\t" uid \
	"\t" uid "\t" uid "\nCapInh:\t0000000000000000\nCapEff:\t" cap                         \
	"\nNoNewPrivs:\t1\n" seccomp "Cpus_allowed:\tff\n"
#define NO_CAPS "0000000000000000"
#define ALL_CAPS "000001ffffffffff"
#define NO_SECCOMP "Seccomp:\t0\nSeccomp_filters:\t0\n"

static const char *userns(int err)
{
	static char got[2048];

	nsb_diag_userns(dir, err, got, sizeof(got));
	return got;
}

#define SYSCTL_DIR "proc/sys/"
#define USER_PROC(status, map)                                                         \
	"proc/self/status", status, "proc/self/uid_map", map, "proc/self/ns/user", "", \
	        SYSCTL_DIR "user/max_user_namespaces"

START_TEST(test_userns_kernel)
{
	fake_proc("proc/sys/user/max_user_namespaces", "0\n", NULL);
	ck_assert_str_eq(userns(EINVAL),
	                 "this kernel has no user namespaces (it is built without CONFIG_USER_NS): "
	                 "nsbox needs a kernel that has them");
	fake_proc("proc/self/ns/user", "", NULL);
	ck_assert_str_eq(userns(EINVAL), "");
}
END_TEST

START_TEST(test_userns_max)
{
	fake_proc(USER_PROC(STATUS("1000", NO_CAPS, NO_SECCOMP, "1"), INIT_MAP), "0\n", NULL);
	ck_assert_str_eq(userns(EPERM), "user namespaces are disabled: user.max_user_namespaces is "
	                                "0; to allow them: sudo sysctl -w "
	                                "user.max_user_namespaces=15000");
	ck_assert_str_eq(userns(ENOSPC), "user namespaces are disabled: user.max_user_namespaces "
	                                 "is 0; to allow them: sudo sysctl -w "
	                                 "user.max_user_namespaces=15000");
	/* Root too: the limit holds for everyone. */
	fake_proc(USER_PROC(STATUS("0", ALL_CAPS, NO_SECCOMP, "1"), INIT_MAP), "0\n", NULL);
	ck_assert_str_eq(userns(EPERM), "user namespaces are disabled: user.max_user_namespaces is "
	                                "0; to allow them: sudo sysctl -w "
	                                "user.max_user_namespaces=15000");
	/* Inside a sandbox, the sandbox's own setting. */
	fake_proc(USER_PROC(STATUS("0", ALL_CAPS, NO_SECCOMP, "1"), NESTED_MAP), "0\n", NULL);
	ck_assert_str_eq(userns(EPERM),
	                 "the sandbox or container this runs in forbids new user namespaces: "
	                 "user.max_user_namespaces is 0 in it; start it without that restriction "
	                 "(for nsbox and bwrap: without --disable-userns)");
}
END_TEST

START_TEST(test_userns_count)
{
	fake_proc(USER_PROC(STATUS("1000", NO_CAPS, NO_SECCOMP, "1"), INIT_MAP), "100\n", NULL);
	ck_assert_str_eq(userns(ENOSPC),
	                 "the limit of user namespaces is reached: "
	                 "user.max_user_namespaces is 100; to raise it: sudo sysctl "
	                 "-w user.max_user_namespaces=15000");
	fake_proc(USER_PROC(STATUS("1000", NO_CAPS, NO_SECCOMP, "1"), INIT_MAP), "20000\n", NULL);
	ck_assert_str_eq(userns(EUSERS), "the limit of user namespaces is reached: "
	                                 "user.max_user_namespaces is 20000; to raise it: sudo "
	                                 "sysctl -w user.max_user_namespaces=40000");
	fake_proc(USER_PROC(STATUS("0", ALL_CAPS, NO_SECCOMP, "1"), NESTED_MAP), "63000\n", NULL);
	ck_assert_str_eq(userns(ENOSPC),
	                 "the sandbox or container this runs in allows no more user namespaces "
	                 "(nsbox and bwrap --disable-userns allow none, and at most 32 can be "
	                 "nested); start it without --disable-userns");
}
END_TEST

#define CLONE_SYSCTL SYSCTL_DIR "kernel/unprivileged_userns_clone"
#define APPARMOR_SYSCTL SYSCTL_DIR "kernel/apparmor_restrict_unprivileged_userns"
#define DEBIAN_MSG                                                                           \
	"unprivileged user namespaces are disabled: kernel.unprivileged_userns_clone is 0; " \
	"to allow them: sudo sysctl -w kernel.unprivileged_userns_clone=1"
#define APPARMOR_MSG                                                                         \
	"AppArmor restricts unprivileged user namespaces: "                                  \
	"kernel.apparmor_restrict_unprivileged_userns is 1; to allow them: sudo sysctl -w "  \
	"kernel.apparmor_restrict_unprivileged_userns=0 (or give nsbox an AppArmor profile " \
	"with the userns rule)"
#define FALLBACK_MSG                                                                             \
	"user namespaces are refused, though none of the settings nsbox knows "                  \
	"(user.max_user_namespaces, kernel.unprivileged_userns_clone, "                          \
	"kernel.apparmor_restrict_unprivileged_userns, seccomp) forbids them: a Linux security " \
	"module, a chroot or the container this runs in may"

START_TEST(test_userns_sysctls)
{
	fake_proc(USER_PROC(STATUS("1000", NO_CAPS, NO_SECCOMP, "1"), INIT_MAP), "15000\n",
	          CLONE_SYSCTL, "0\n", APPARMOR_SYSCTL, "1\n", NULL);
	ck_assert_str_eq(userns(EPERM), DEBIAN_MSG);
	/* CAP_SYS_ADMIN in the initial namespace is not bound by them. */
	fake_proc(USER_PROC(STATUS("0", ALL_CAPS, NO_SECCOMP, "1"), INIT_MAP), "15000\n",
	          CLONE_SYSCTL, "0\n", APPARMOR_SYSCTL, "1\n", NULL);
	ck_assert_str_eq(userns(EPERM), FALLBACK_MSG);
	/* In any other namespace it is. */
	fake_proc(USER_PROC(STATUS("0", ALL_CAPS, NO_SECCOMP, "1"), NESTED_MAP), "15000\n",
	          CLONE_SYSCTL, "0\n", NULL);
	ck_assert_str_eq(userns(EPERM), DEBIAN_MSG);
	fake_proc(USER_PROC(STATUS("1000", NO_CAPS, NO_SECCOMP, "1"), INIT_MAP), "15000\n",
	          CLONE_SYSCTL, "1\n", APPARMOR_SYSCTL, "1\n", NULL);
	ck_assert_str_eq(userns(EPERM), APPARMOR_MSG);
	ck_assert_str_eq(userns(EACCES), APPARMOR_MSG);
	fake_proc(USER_PROC(STATUS("1000", NO_CAPS, NO_SECCOMP, "1"), INIT_MAP), "15000\n",
	          APPARMOR_SYSCTL, "0\n", NULL);
	ck_assert_str_eq(userns(EPERM), FALLBACK_MSG);
	/* Nothing known at all: still the fallback, never a crash. */
	fake_proc("proc/self/ns/user", "", NULL);
	ck_assert_str_eq(userns(EPERM), FALLBACK_MSG);
}
END_TEST

START_TEST(test_userns_unmapped)
{
	fake_proc(USER_PROC(STATUS("65534", NO_CAPS, NO_SECCOMP, "1"), NESTED_MAP), "15000\n",
	          NULL);
	ck_assert_str_eq(userns(EPERM), "uid 65534 has no mapping in the user namespace this runs "
	                                "in, and an unmapped user cannot create user namespaces: "
	                                "run nsbox as a user that the namespace maps");
	fake_proc(USER_PROC(STATUS("0", NO_CAPS, NO_SECCOMP, "1"), NESTED_MAP), "15000\n", NULL);
	ck_assert_str_eq(userns(EPERM), FALLBACK_MSG);
}
END_TEST

#define SECCOMP_3 "Seccomp:\t2\nSeccomp_filters:\t3\n"
#define NSBOX_SECCOMP_MSG                                                                       \
	"a seccomp filter of the nsbox sandbox this runs in refuses new user namespaces, as "   \
	"nsbox's built-in profiles do: start that nsbox with --seccomp-profile default+userns " \
	"(or devel+userns) instead of default (or devel)"

START_TEST(test_userns_seccomp)
{
	/* The monitor of an outer nsbox two levels up. */
	fake_proc(USER_PROC(STATUS("1000", NO_CAPS, SECCOMP_3, "40"), INIT_MAP), "15000\n",
	          "proc/40/status", "Name:\tbash\nPPid:\t30\n", "proc/40/cmdline", "bash\0-i",
	          "proc/30/status", "Name:\tnsbox\nPPid:\t1\n", NULL);
	ck_assert_str_eq(userns(EPERM), NSBOX_SECCOMP_MSG);
	/* The reaper executed anew (its name is whatever the kernel made of
	 * the fd it ran). */
	/* (NESTED_MAP maps uid 0 only.) */
	fake_proc(USER_PROC(STATUS("0", NO_CAPS, SECCOMP_3, "2"), NESTED_MAP), "15000\n",
	          "proc/2/status", "Name:\tsh\nPPid:\t1\n", "proc/1/status", "Name:\t5\nPPid:\t0\n",
	          "proc/1/cmdline", "nsbox-reaper\x01", NULL);
	ck_assert_str_eq(userns(EPERM), NSBOX_SECCOMP_MSG);
	/* Called as /usr/local/bin/nsbox-oci. */
	fake_proc(USER_PROC(STATUS("1000", NO_CAPS, SECCOMP_3, "7"), INIT_MAP), "15000\n",
	          "proc/7/status", "Name:\tx\nPPid:\t0\n", "proc/7/cmdline",
	          "/usr/local/bin/nsbox-oci", NULL);
	ck_assert_str_eq(userns(EPERM), NSBOX_SECCOMP_MSG);
	/* Somebody else's sandbox. */
	fake_proc(USER_PROC(STATUS("1000", NO_CAPS, SECCOMP_3, "7"), INIT_MAP), "15000\n",
	          "proc/7/status", "Name:\tbwrap\nPPid:\t6\n", "proc/6/status",
	          "Name:\tcontainerd-shim\nPPid:\t0\n", NULL);
	ck_assert_str_eq(
	        userns(EPERM),
	        "a seccomp filter of the sandbox or container this runs in refuses new "
	        "user namespaces (this process is under 3 seccomp filters): it must allow "
	        "clone and unshare with CLONE_NEWUSER; for an nsbox sandbox, start it with "
	        "--seccomp-profile default+userns (or devel+userns)");
	/* A kernel without Seccomp_filters (before 5.9); a parent we cannot read. */
	fake_proc(USER_PROC(STATUS("1000", NO_CAPS, "Seccomp:\t2\n", "99"), INIT_MAP), "15000\n",
	          NULL);
	ck_assert_str_eq(
	        userns(EPERM),
	        "a seccomp filter of the sandbox or container this runs in refuses new "
	        "user namespaces (this process is under 1 seccomp filter): it must allow "
	        "clone and unshare with CLONE_NEWUSER; for an nsbox sandbox, start it with "
	        "--seccomp-profile default+userns (or devel+userns)");
	/* The order: a sysctl that forbids it is the answer, not the filter. */
	fake_proc(USER_PROC(STATUS("1000", NO_CAPS, SECCOMP_3, "30"), INIT_MAP), "15000\n",
	          CLONE_SYSCTL, "0\n", "proc/30/status", "Name:\tnsbox\nPPid:\t1\n", NULL);
	ck_assert_str_eq(userns(EPERM), DEBIAN_MSG);
	/* A filter answers EPERM, not ENOSPC. */
	fake_proc(USER_PROC(STATUS("1000", NO_CAPS, SECCOMP_3, "30"), INIT_MAP), "15000\n",
	          "proc/30/status", "Name:\tnsbox\nPPid:\t1\n", NULL);
	ck_assert_str_eq(userns(ENOSPC), "the limit of user namespaces is reached: "
	                                 "user.max_user_namespaces is 15000; to raise it: sudo "
	                                 "sysctl -w user.max_user_namespaces=30000");
	/* A cycle of parents ends. */
	fake_proc(USER_PROC(STATUS("1000", NO_CAPS, SECCOMP_3, "8"), INIT_MAP), "15000\n",
	          "proc/8/status", "Name:\ta\nPPid:\t9\n", "proc/9/status", "Name:\tb\nPPid:\t8\n",
	          NULL);
	ck_assert_ptr_nonnull(strstr(userns(EPERM), "under 3 seccomp filters"));
}
END_TEST

/* ---- user namespaces: for real, under a filter ---------------------------------- */

static const char *userns_possible_child(void)
{
	return unshare(CLONE_NEWUSER) == 0 ? NULL : "SKIP: the kernel refuses user namespaces";
}

static const char *seccomp_child(void)
{
	/* unshare() fails with EPERM, everything else is allowed. */
	struct sock_filter insns[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 0, 1),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(insns) / sizeof(insns[0]), .filter = insns};
	char got[2048];

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return "SKIP: cannot install a seccomp filter";
	if (unshare(CLONE_NEWUSER) == 0 || errno != EPERM)
		return "the filter did not refuse unshare";
	nsb_diag_userns("", EPERM, got, sizeof(got));
	/* The test may itself run under nsbox: either message will do. */
	if (!strstr(got, "a seccomp filter of the ") ||
	    !strstr(got, "--seccomp-profile default+userns")) {
		snprintf(child_msg, sizeof(child_msg), "got '%s'", got);
		return child_msg;
	}
	return NULL;
}

START_TEST(test_userns_seccomp_real)
{
	if (in_child(userns_possible_child))
		return;
	in_child(seccomp_child);
}
END_TEST

static Suite *diag_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("exec");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_elf_missing_interp);
	tcase_add_test(tc, test_elf_bad_interp);
	tcase_add_test(tc, test_elf_other_machine);
	tcase_add_test(tc, test_elf_not_a_program);
	tcase_add_test(tc, test_script_missing_interp);
	tcase_add_test(tc, test_script_path_hint);
	tcase_add_test(tc, test_script_crlf);
	tcase_add_test(tc, test_script_nested);
	tcase_add_test(tc, test_script_bad_line);
	tcase_add_test(tc, test_file_kinds);
	tcase_add_test(tc, test_not_found);
	tcase_add_test(tc, test_nothing_to_say);
	tcase_add_test(tc, test_short_buffer);
	tcase_add_test(tc, test_noexec_and_no_shell);
	tcase_add_test(tc, test_permissions_of_others);
	suite_add_tcase(s, tc);

	tc = tcase_create("userns");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_userns_kernel);
	tcase_add_test(tc, test_userns_max);
	tcase_add_test(tc, test_userns_count);
	tcase_add_test(tc, test_userns_sysctls);
	tcase_add_test(tc, test_userns_unmapped);
	tcase_add_test(tc, test_userns_seccomp);
	tcase_add_test(tc, test_userns_seccomp_real);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(diag_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
