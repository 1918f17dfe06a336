/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* try-syscall NAME [ARG]: make one system call from a fixed list, in a forked
 * child, and print what happened on one line:
 *
 *   ok              the call succeeded
 *   errno ENAME     it failed with that errno
 *   trap            SIGSYS was delivered to a handler (seccomp's TRAP action)
 *   killed SIGNAME  the child was killed, e.g. by seccomp's KILL action
 *   unsupported     the call does not exist on this architecture
 *
 * and exit 0; usage errors exit 2. `try-syscall --list` prints the names.
 * Integration tests run it inside a sandbox; the unit tests include this file
 * (with TRY_SYSCALL_NO_MAIN) to run the same calls under a filter.
 *
 * Every call is harmless when it is allowed: invalid flags, fd -1, names that
 * do not exist, or an effect confined to the short-lived child. In
 * particular the ioctls use fd -1 unless ARG names another fd, so an allowed
 * TIOCSTI fails with EBADF and never injects anything. Two exceptions are
 * meant for tests that choose their argument: `nr NUMBER` makes any system
 * call (with arguments -1), for numbers no kernel or no nsbox knows; and
 * `ro-bind-write DIR` is the attack a seccomp profile must stop, it
 * overwrites DIR/victim through a writable clone of a read-only mount. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/ptrace.h>

#define TRY_TRAP_EXIT 251

enum try_kind { TRY_OK, TRY_ERRNO, TRY_TRAP, TRY_KILLED, TRY_UNSUPPORTED, TRY_FAILED };

struct try_result {
	enum try_kind kind;
	int value; /* errno, signal, or wait status for TRY_FAILED */
};

#define TRY_UNSUP (-1)

/* Each returns 0 on success, an errno, or TRY_UNSUP. */
static int res(long r)
{
	return r < 0 ? errno : 0;
}

static int do_getpid(long arg, const char *path)
{
	return res(syscall(SYS_getpid));
}

static int ioctl_cmd(long fd, unsigned long cmd, int high)
{
	char c = 6; /* TIOCL_GETSHIFTSTATE for TIOCLINUX; the byte for TIOCSTI */

	if (high) {
		if (sizeof(long) < 8)
			return TRY_UNSUP;
		/* The kernel reads the command as an unsigned int:
		 * 0x100005412 is TIOCSTI to it. */
		cmd |= (unsigned long)1 << (sizeof(long) * 4);
	}
	return res(syscall(SYS_ioctl, (int)fd, cmd, &c));
}

static int do_tiocsti(long fd, const char *path)
{
	return ioctl_cmd(fd, TIOCSTI, 0);
}

static int do_tiocsti_high(long fd, const char *path)
{
	return ioctl_cmd(fd, TIOCSTI, 1);
}

static int do_tioclinux(long fd, const char *path)
{
	return ioctl_cmd(fd, TIOCLINUX, 0);
}

static int do_tioclinux_high(long fd, const char *path)
{
	return ioctl_cmd(fd, TIOCLINUX, 1);
}

static int do_unshare_user(long arg, const char *path)
{
	return res(syscall(SYS_unshare, CLONE_NEWUSER));
}

static int reap(long pid)
{
	int status;

	if (pid < 0)
		return errno;
	if (pid == 0)
		syscall(SYS_exit_group, 0);
	while (waitpid((pid_t)pid, &status, __WALL) < 0 && errno == EINTR)
		;
	return 0;
}

static int do_clone_user(long arg, const char *path)
{
	/* stack 0: the child runs on a copy of this stack, like fork. */
#if defined(__s390__) || defined(__s390x__)
	return reap(syscall(SYS_clone, 0, CLONE_NEWUSER | SIGCHLD, 0, 0, 0));
#else
	return reap(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
#endif
}

static int do_clone3_user(long arg, const char *path)
{
#ifdef SYS_clone3
	uint64_t args[8] = {0}; /* struct clone_args, version 0 */

	args[0] = CLONE_NEWUSER; /* flags */
	args[4] = SIGCHLD;       /* exit_signal */
	return reap(syscall(SYS_clone3, args, sizeof(args)));
#else
	return TRY_UNSUP;
#endif
}

static int do_keyctl(long arg, const char *path)
{
	return res(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
}

static int do_add_key(long arg, const char *path)
{
	return res(syscall(SYS_add_key, "nsbox-no-such-type", "nsbox", NULL, 0,
	                   KEY_SPEC_PROCESS_KEYRING));
}

static int do_request_key(long arg, const char *path)
{
	return res(syscall(SYS_request_key, "nsbox-no-such-type", "nsbox", NULL, 0));
}

static int do_perf_event_open(long arg, const char *path)
{
	struct perf_event_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_SOFTWARE;
	attr.size = sizeof(attr);
	attr.config = PERF_COUNT_SW_TASK_CLOCK;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd >= 0)
		close((int)fd);
	return res(fd);
}

static int do_ptrace_traceme(long arg, const char *path)
{
	/* Offers this child to its parent, the try-syscall process, which
	 * never acts as a tracer; the child exits right away. */
	return res(syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0));
}

static int do_ptrace_attach(long arg, const char *path)
{
	/* Attach to a child of our own: allowed by the kernel (and by Yama's
	 * ptrace_scope=1) for any user, so a refusal comes from the filter. */
	pid_t target = fork();
	int r, status;

	if (target < 0)
		return errno;
	if (target == 0) {
		for (;;)
			pause();
	}
	r = res(syscall(SYS_ptrace, PTRACE_ATTACH, target, 0, 0));
	if (r == 0) {
		while (waitpid(target, &status, __WALL) < 0 && errno == EINTR)
			;
		syscall(SYS_ptrace, PTRACE_DETACH, target, 0, 0);
	}
	kill(target, SIGKILL);
	while (waitpid(target, &status, __WALL) < 0 && errno == EINTR)
		;
	return r;
}

static int do_process_vm_readv(long arg, const char *path)
{
	static char src[8] = "nsbox";
	char dst[8];
	struct iovec local = {dst, sizeof(dst)}, remote = {src, sizeof(src)};

	return res(syscall(SYS_process_vm_readv, getpid(), &local, 1, &remote, 1, 0));
}

static int do_pidfd_getfd(long arg, const char *path)
{
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_getfd)
	long pidfd = syscall(SYS_pidfd_open, getpid(), 0), fd;

	if (pidfd < 0)
		return TRY_UNSUP;
	fd = syscall(SYS_pidfd_getfd, pidfd, 0, 0);
	if (fd >= 0)
		close((int)fd);
	close((int)pidfd);
	return res(fd);
#else
	return TRY_UNSUP;
#endif
}

static int do_kexec_load(long arg, const char *path)
{
	/* Invalid flags: the kernel refuses the call after its permission check. */
	return res(syscall(SYS_kexec_load, 0, 0, NULL, 0xdead0000UL));
}

static int do_kexec_file_load(long arg, const char *path)
{
#ifdef SYS_kexec_file_load
	return res(syscall(SYS_kexec_file_load, -1, -1, 0, NULL, 0xdead0000UL));
#else
	return TRY_UNSUP;
#endif
}

static int do_init_module(long arg, const char *path)
{
	return res(syscall(SYS_init_module, NULL, 0, ""));
}

static int do_finit_module(long arg, const char *path)
{
	return res(syscall(SYS_finit_module, -1, "", 0));
}

static int do_delete_module(long arg, const char *path)
{
	return res(syscall(SYS_delete_module, "nsbox_no_such_module", O_NONBLOCK));
}

#define NOWHERE "/nonexistent/nsbox-try-syscall"

static int do_mount(long arg, const char *path)
{
	return res(syscall(SYS_mount, "none", NOWHERE, "tmpfs", 0, NULL));
}

static int do_umount2(long arg, const char *path)
{
	return res(syscall(SYS_umount2, NOWHERE, 0));
}

static int do_pivot_root(long arg, const char *path)
{
	return res(syscall(SYS_pivot_root, NOWHERE, NOWHERE));
}

#ifdef SYS_fsopen
static int do_open_tree(long arg, const char *path)
{
	return res(syscall(SYS_open_tree, AT_FDCWD, NOWHERE, 0));
}

static int do_move_mount(long arg, const char *path)
{
	return res(syscall(SYS_move_mount, -1, "", -1, "", 0));
}

static int do_fsopen(long arg, const char *path)
{
	return res(syscall(SYS_fsopen, "nsbox-no-such-fs", 0));
}

static int do_fsconfig(long arg, const char *path)
{
	return res(syscall(SYS_fsconfig, -1, 0, NULL, NULL, 0));
}

static int do_fsmount(long arg, const char *path)
{
	return res(syscall(SYS_fsmount, -1, 0, 0));
}

static int do_fspick(long arg, const char *path)
{
	return res(syscall(SYS_fspick, AT_FDCWD, NOWHERE, 0));
}
#endif

#ifdef SYS_mount_setattr
static int do_mount_setattr(long arg, const char *path)
{
	return res(syscall(SYS_mount_setattr, -1, "", 0, NULL, 0));
}
#endif

/* open_tree_attr (Linux 6.15) has the same number on every architecture
 * with the common numbering from 424 on; C libraries and kernel headers
 * older than 6.15 do not name it. */
#if !defined(SYS_open_tree_attr) && !defined(__alpha__) && !defined(__mips__)
#define SYS_open_tree_attr 467
#endif

#ifdef SYS_open_tree_attr
/* struct mount_attr, as open_tree_attr and mount_setattr take it. */
struct try_mount_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

#define TRY_OPEN_TREE_CLONE 1
#define TRY_AT_RECURSIVE 0x8000
#define TRY_MOUNT_ATTR_RDONLY 0x1

static int do_open_tree_attr(long arg, const char *path)
{
	return res(syscall(SYS_open_tree_attr, AT_FDCWD, NOWHERE, 0, NULL, 0));
}

/* The attack on a --ro-bind DIR: clone the mount with open_tree_attr,
 * clearing MOUNT_ATTR_RDONLY on the copy, and write DIR/victim through it.
 * "ok" means the host file behind the read-only bind was overwritten. */
static int do_ro_bind_write(long arg, const char *dir)
{
	static const char text[] = "written through a clone of the read-only mount\n";
	struct try_mount_attr attr = {.attr_clr = TRY_MOUNT_ATTR_RDONLY};
	long tree;
	int fd, r;

	tree = syscall(SYS_open_tree_attr, AT_FDCWD, dir,
	               TRY_OPEN_TREE_CLONE | TRY_AT_RECURSIVE | O_CLOEXEC, &attr, sizeof(attr));
	if (tree < 0)
		return errno;
	fd = openat((int)tree, "victim", O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
	r = fd < 0 ? errno : 0;
	if (fd >= 0 && write(fd, text, sizeof(text) - 1) != (ssize_t)sizeof(text) - 1)
		r = errno ? errno : EIO;
	if (fd >= 0)
		close(fd);
	close((int)tree);
	return r;
}
#endif

/* Any system call number, e.g. one this kernel or nsbox does not know: all
 * six arguments are -1 (an invalid fd, pointer, length or flag set), so a
 * call that does exist fails early. */
static int do_nr(long nr, const char *path)
{
	return res(syscall(nr, -1L, -1L, -1L, -1L, -1L, -1L));
}

static int do_bpf(long arg, const char *path)
{
	char attr[64] = {0};

	/* No such command: EINVAL once the call gets past the filter. */
	return res(syscall(SYS_bpf, 0x7ffffff0, attr, sizeof(attr)));
}

static int do_userfaultfd(long arg, const char *path)
{
	/* UFFD_USER_MODE_ONLY (1): what an unprivileged user may ask for. */
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC | 1);

	if (fd >= 0)
		close((int)fd);
	return res(fd);
}

static int do_personality(long value, const char *path)
{
	return res(syscall(SYS_personality, (unsigned long)value));
}

static int do_x32_getpid(long arg, const char *path)
{
#if defined(__x86_64__)
	/* An x32 syscall: the x86_64 number with bit 30 set. */
	return res(syscall(0x40000000 | SYS_getpid));
#else
	return TRY_UNSUP;
#endif
}

static int do_i386_getpid(long arg, const char *path)
{
#if defined(__x86_64__)
	long ret;

	/* int 0x80 enters the i386 ABI even from a 64-bit process; 20 is
	 * getpid there. */
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "r8", "r9", "r10", "r11", "memory");
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return errno;
	}
	return 0;
#else
	return TRY_UNSUP;
#endif
}

static const struct try_call {
	const char *name;
	int (*fn)(long arg, const char *path);
	const char *arg_help; /* NULL: no ARG; "DIR": a path, required */
	long def_arg;
} try_calls[] = {
        {"getpid", do_getpid, NULL, 0},
        {"tiocsti", do_tiocsti, "FD", -1},
        {"tiocsti-high", do_tiocsti_high, "FD", -1},
        {"tioclinux", do_tioclinux, "FD", -1},
        {"tioclinux-high", do_tioclinux_high, "FD", -1},
        {"unshare-user", do_unshare_user, NULL, 0},
        {"clone-user", do_clone_user, NULL, 0},
        {"clone3-user", do_clone3_user, NULL, 0},
        {"keyctl", do_keyctl, NULL, 0},
        {"add_key", do_add_key, NULL, 0},
        {"request_key", do_request_key, NULL, 0},
        {"perf_event_open", do_perf_event_open, NULL, 0},
        {"ptrace-traceme", do_ptrace_traceme, NULL, 0},
        {"ptrace-attach", do_ptrace_attach, NULL, 0},
        {"process_vm_readv", do_process_vm_readv, NULL, 0},
        {"pidfd_getfd", do_pidfd_getfd, NULL, 0},
        {"kexec_load", do_kexec_load, NULL, 0},
        {"kexec_file_load", do_kexec_file_load, NULL, 0},
        {"init_module", do_init_module, NULL, 0},
        {"finit_module", do_finit_module, NULL, 0},
        {"delete_module", do_delete_module, NULL, 0},
        {"mount", do_mount, NULL, 0},
        {"umount2", do_umount2, NULL, 0},
        {"pivot_root", do_pivot_root, NULL, 0},
#ifdef SYS_fsopen
        {"open_tree", do_open_tree, NULL, 0},
        {"move_mount", do_move_mount, NULL, 0},
        {"fsopen", do_fsopen, NULL, 0},
        {"fsconfig", do_fsconfig, NULL, 0},
        {"fsmount", do_fsmount, NULL, 0},
        {"fspick", do_fspick, NULL, 0},
#endif
#ifdef SYS_mount_setattr
        {"mount_setattr", do_mount_setattr, NULL, 0},
#endif
#ifdef SYS_open_tree_attr
        {"open_tree_attr", do_open_tree_attr, NULL, 0},
        {"ro-bind-write", do_ro_bind_write, "DIR", 0},
#endif
        {"nr", do_nr, "NUMBER", 1000},
        {"bpf", do_bpf, NULL, 0},
        {"userfaultfd", do_userfaultfd, NULL, 0},
        {"personality", do_personality, "VALUE", 0xffffffffL},
        {"x32-getpid", do_x32_getpid, NULL, 0},
        {"i386-getpid", do_i386_getpid, NULL, 0},
};

static void on_sigsys(int sig)
{
	_exit(TRY_TRAP_EXIT);
}

static const struct try_call *try_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(try_calls) / sizeof(try_calls[0]); i++)
		if (strcmp(try_calls[i].name, name) == 0)
			return &try_calls[i];
	return NULL;
}

/* Parse ARG: a number (any base; negative for fds such as -1). */
static int try_parse_arg(const char *s, long *ret)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno == ERANGE && v == LLONG_MAX)
		v = (long long)strtoull(s, &end, 0); /* 0xffffffffffffffff and such */
	else if (errno != 0)
		return -EINVAL;
	if (end == s || *end)
		return -EINVAL;
	*ret = (long)v;
	return 0;
}

/* Run the call in a forked child: 0 and *ret, or -EINVAL for an unknown
 * name or bad ARG, or another -errno if fork fails. */
static int try_syscall(const char *name, const char *arg, struct try_result *ret)
{
	const struct try_call *c = try_find(name);
	long v;
	int pfd[2], status, code;
	ssize_t n;
	pid_t pid;

	if (!c)
		return -EINVAL;
	v = c->def_arg;
	if (c->arg_help && strcmp(c->arg_help, "DIR") == 0) {
		if (!arg || !arg[0])
			return -EINVAL;
	} else if (arg && (!c->arg_help || try_parse_arg(arg, &v) < 0)) {
		return -EINVAL;
	}
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		code = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return code;
	}
	if (pid == 0) {
		close(pfd[0]);
		signal(SIGSYS, on_sigsys);
		code = c->fn(v, arg);
		if (write(pfd[1], &code, sizeof(code)) != (ssize_t)sizeof(code))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			code = -errno;
			close(pfd[0]);
			return code;
		}
	}
	n = read(pfd[0], &code, sizeof(code));
	close(pfd[0]);
	if (n == (ssize_t)sizeof(code))
		*ret = code == 0           ? (struct try_result){TRY_OK, 0}
		       : code == TRY_UNSUP ? (struct try_result){TRY_UNSUPPORTED, 0}
		                           : (struct try_result){TRY_ERRNO, code};
	else if (WIFEXITED(status) && WEXITSTATUS(status) == TRY_TRAP_EXIT)
		*ret = (struct try_result){TRY_TRAP, SIGSYS};
	else if (WIFSIGNALED(status))
		*ret = (struct try_result){TRY_KILLED, WTERMSIG(status)};
	else
		*ret = (struct try_result){TRY_FAILED, status};
	return 0;
}

/* "ok", "errno EPERM", "trap", "killed SIGSYS", "unsupported", ... */
static void try_result_format(const struct try_result *r, char *buf, size_t size)
{
	const char *s;

	switch (r->kind) {
	case TRY_OK:
		snprintf(buf, size, "ok");
		break;
	case TRY_ERRNO:
		s = strerrorname_np(r->value);
		if (s)
			snprintf(buf, size, "errno %s", s);
		else
			snprintf(buf, size, "errno %d", r->value);
		break;
	case TRY_TRAP:
		snprintf(buf, size, "trap");
		break;
	case TRY_KILLED:
		s = sigabbrev_np(r->value);
		if (s)
			snprintf(buf, size, "killed SIG%s", s);
		else
			snprintf(buf, size, "killed %d", r->value);
		break;
	case TRY_UNSUPPORTED:
		snprintf(buf, size, "unsupported");
		break;
	default:
		snprintf(buf, size, "failed (wait status 0x%x)", (unsigned)r->value);
		break;
	}
}

#ifndef TRY_SYSCALL_NO_MAIN
static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: try-syscall NAME [ARG]\n       try-syscall --list\nnames:");
	for (i = 0; i < sizeof(try_calls) / sizeof(try_calls[0]); i++)
		fprintf(f, " %s%s%s", try_calls[i].name, try_calls[i].arg_help ? " " : "",
		        try_calls[i].arg_help ? try_calls[i].arg_help : "");
	fprintf(f, "\n");
}

int main(int argc, char **argv)
{
	struct try_result r = {TRY_FAILED, 0};
	char buf[64];
	size_t i;
	int ret;

	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (i = 0; i < sizeof(try_calls) / sizeof(try_calls[0]); i++)
			printf("%s\n", try_calls[i].name);
		return 0;
	}
	if (argc < 2 || argc > 3) {
		usage(stderr);
		return 2;
	}
	ret = try_syscall(argv[1], argc == 3 ? argv[2] : NULL, &r);
	if (ret == -EINVAL) {
		fprintf(stderr, "try-syscall: unknown name or bad argument\n");
		usage(stderr);
		return 2;
	}
	if (ret < 0) {
		fprintf(stderr, "try-syscall: %s\n", strerror(-ret));
		return 1;
	}
	try_result_format(&r, buf, sizeof(buf));
	printf("%s\n", buf);
	return 0;
}
#endif
