/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "rlimit.h"
#include "selinux.h"
#include "log.h"
#include "net.h"
#include "ops.h"
#include "sandbox.h"
#include "util.h"

/* Where the intermediate root is mounted before the first pivot. */
#define BASE_DIR "/tmp"

static int write_at(int dirfd, const char *name, const char *s)
{
	_cleanup_close_ int fd = -1;

	fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	return nsb_write_all(fd, s, strlen(s));
}

/* Write the id maps of the process whose /proc/PID directory is procfd. */
static void write_id_maps_or_die(int procfd, uid_t inside_uid, uid_t outside_uid,
				 gid_t inside_gid, gid_t outside_gid)
{
	char line[64];
	int r;

	/* An unprivileged gid_map needs setgroups denied first; the sandbox
	 * must not drop supplementary groups that may be deny-listing it. */
	r = write_at(procfd, "setgroups", "deny");
	if (r < 0 && r != -ENOENT)
		nsb_die_errno(r, "cannot write /proc/self/setgroups");
	snprintf(line, sizeof(line), "%u %u 1\n", inside_uid, outside_uid);
	r = write_at(procfd, "uid_map", line);
	if (r < 0)
		nsb_die_errno(r, "cannot write the uid map '%u %u 1'", inside_uid, outside_uid);
	snprintf(line, sizeof(line), "%u %u 1\n", inside_gid, outside_gid);
	r = write_at(procfd, "gid_map", line);
	if (r < 0)
		nsb_die_errno(r, "cannot write the gid map '%u %u 1'", inside_gid, outside_gid);
}

static int open_proc_self_or_die(const char *path)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		nsb_die_errno(errno, "cannot open %s", path);
	return fd;
}

/* --disable-userns: allow exactly one more user namespace below the one
 * we are in (the nested one about to be made), none below that. Written
 * through the host's procfs, which still answers for our namespace. */
static void limit_user_namespaces_or_die(void)
{
	int r = nsb_write_file(NSB_OLDROOT "/proc/sys/user/max_user_namespaces", "1");
	if (r < 0)
		nsb_die_errno(r, "--disable-userns: cannot set user.max_user_namespaces");
}

/* Build the new root and pivot into it. Returns an fd of the host's procfs
 * when the nested user namespace needs one for its maps (the new root may
 * have no /proc), else -1. */
static int build_root_or_die(const struct nsb_config *cfg, const struct nsb_plan *plan)
{
	int proc = -1;

	struct nsb_setup s = {.cfg = cfg, .rootfd = -1, .oldrootfd = -1, .pidns = plan->pidns};

	/* Sources are resolved as the caller sees them, before anything moves. */
	if (nsb_ops_resolve(&s) < 0)
		_exit(1);
	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		nsb_die_errno(errno, "cannot make the mounts private");
	if (mount("tmpfs", BASE_DIR, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		nsb_die_errno(errno, "cannot mount the intermediate root on %s", BASE_DIR);
	if (chdir(BASE_DIR) < 0 || mkdir("newroot", 0755) < 0 || mkdir("oldroot", 0755) < 0)
		nsb_die_errno(errno, "cannot prepare the intermediate root");
	/* The new root must be a mount point for the final pivot. */
	if (mount("newroot", "newroot", NULL, MS_BIND | MS_REC, NULL) < 0)
		nsb_die_errno(errno, "cannot bind the new root");
	if (syscall(SYS_pivot_root, ".", "oldroot") < 0 || chdir("/") < 0)
		nsb_die_errno(errno, "cannot pivot into the intermediate root");

	s.rootfd = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s.rootfd < 0 || fstat(s.rootfd, &s.root_st) < 0)
		nsb_die_errno(errno, "cannot open the new root");
	s.oldrootfd = open(NSB_OLDROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s.oldrootfd < 0)
		nsb_die_errno(errno, "cannot open the old root");
	if (nsb_ops_apply(&s) < 0)
		_exit(1);
	/* No fd of ours may survive into COMMAND, not even until exec:
	 * --chdir /proc/self/fd/N would walk out through it. */
	close(s.rootfd);
	close(s.oldrootfd);
	if (cfg->disable_userns)
		limit_user_namespaces_or_die();
	if (plan->nested_userns)
		proc = open_proc_self_or_die(NSB_OLDROOT "/proc");

	/* Drop the host's root, then make the new root the root and drop the
	 * intermediate one stacked under it: neither is reachable afterwards. */
	if (umount2(NSB_OLDROOT, MNT_DETACH) < 0)
		nsb_die_errno(errno, "cannot detach the old root");
	if (chdir("/newroot") < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		nsb_die_errno(errno, "cannot pivot into the new root");
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		nsb_die_errno(errno, "cannot detach the intermediate root");
	return proc;
}

static int exit_status_of(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 255;
}

/* The signals passed on to COMMAND (see --no-forward-signals). */
static const int forwarded_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

static volatile sig_atomic_t forward_to;

static void forward_signal(int sig, siginfo_t *si, void *ctx)
{
	/* Only what a process sent: a terminal's SIGINT or SIGWINCH reaches
	 * COMMAND directly through its process group already. */
	if (si->si_code <= 0 && forward_to > 0)
		kill((pid_t)forward_to, sig);
}

void nsb_signals_forward(pid_t to)
{
	struct sigaction sa = {.sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART};

	forward_to = to;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NSB_ELEMENTSOF(forwarded_signals); i++)
		(void)sigaction(forwarded_signals[i], &sa, NULL);
}

void nsb_signals_block(bool block, sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < NSB_ELEMENTSOF(forwarded_signals); i++)
		sigaddset(&set, forwarded_signals[i]);
	(void)sigprocmask(block ? SIG_BLOCK : SIG_SETMASK, block ? &set : old, block ? old : NULL);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The fds the caller lent to nsbox's own options: COMMAND must not get them
 * (--block-fd is closed once it has been waited for). */
static void close_option_fds(struct nsb_config *cfg, bool keep_sync, bool keep_seccomp)
{
	close_fd(&cfg->info_fd);
	close_fd(&cfg->json_status_fd);
	close_fd(&cfg->userns_block_fd);
	close_fd(&cfg->userns_fd);
	close_fd(&cfg->userns2_fd);
	close_fd(&cfg->pidns_fd);
	if (!keep_seccomp)
		close_fd(&cfg->seccomp_fd);
	if (!keep_sync)
		close_fd(&cfg->sync_fd);
}

static void install_or_die(const struct nsb_bpf *prog, const char *what)
{
	int r = nsb_seccomp_install(prog);

	if (r == -EINVAL)
		nsb_die_errno(r, "cannot install the %s seccomp program (does the kernel have "
				 "CONFIG_SECCOMP_FILTER?)",
			      what);
	if (r < 0)
		nsb_die_errno(r, "cannot install the %s seccomp program", what);
}

/* The seccomp programs, in the documented order: profiles, policy files,
 * then the --add-seccomp-fd programs or the --seccomp one (read only now,
 * after --block-fd, as bubblewrap does). The kernel runs them all and the
 * most restrictive result wins. */
static void install_seccomp_or_die(struct nsb_config *cfg, const struct nsb_plan *plan,
				   bool with_late_fd)
{
	for (size_t i = 0; i < plan->n_seccomp; i++)
		install_or_die(&plan->seccomp[i], "compiled");
	for (size_t i = 0; i < cfg->n_add_seccomp_progs; i++)
		install_or_die(&cfg->add_seccomp_progs[i], "--add-seccomp-fd");
	if (with_late_fd && cfg->seccomp_fd >= 0) {
		struct nsb_bpf prog;

		if (nsb_seccomp_read_bpf_fd(cfg->seccomp_fd, &prog) < 0)
			_exit(1);
		close(cfg->seccomp_fd);
		cfg->seccomp_fd = -1;
		install_or_die(&prog, "--seccomp");
		nsb_bpf_free(&prog);
	}
}

/* The reaper's loop: pass signals on, reap every orphan, and leave with
 * COMMAND's status when COMMAND ends (in a pid namespace the kernel then
 * kills what is left). Signals must be blocked on entry. ready_fd, if not
 * -1, gets a byte once this process is not dumpable: COMMAND waits for it. */
static _Noreturn void reap_until(pid_t command, bool forward, bool die_with_parent, int ready_fd)
{
	sigset_t none;
	int st;

	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (ready_fd >= 0) {
		(void)nsb_write_all(ready_fd, "x", 1);
		close(ready_fd);
	}
	if (die_with_parent)
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (forward)
		nsb_signals_forward(command);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;) {
		pid_t p = waitpid(-1, &st, 0);
		if (p == command)
			_exit(exit_status_of(st));
		if (p < 0 && errno != EINTR)
			_exit(1);
	}
}

static bool parse_reaper_number(const char *s, long min, long *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > INT_MAX)
		return false;
	*ret = v;
	return true;
}

int nsb_reaper_main(int argc, char **argv)
{
	long pid, ready;

	/* argv: NSB_REAPER_ARGV0 PID READY_FD FORWARD DIE_WITH_PARENT */
	if (argc != 5 || !parse_reaper_number(argv[1], 1, &pid) ||
	    !parse_reaper_number(argv[2], -1, &ready))
		return 1;
	reap_until((pid_t)pid, strcmp(argv[3], "1") == 0, strcmp(argv[4], "1") == 0, (int)ready);
}

/* pid 1 of the sandbox (or the process holding --sync-fd/--lock-file).
 * When a launcher may want to join the sandbox (--info-fd and
 * --json-status-fd give it the pid), it re-executes nsbox inside the
 * sandbox's user namespace: a process that executed there belongs to it, so
 * the caller can open its /proc/PID/ns/ files although it is not dumpable,
 * while COMMAND, with no capabilities there, can neither ptrace it nor reach
 * its executable. COMMAND waits on ready_fd until that is done. */
static _Noreturn void reaper(struct nsb_config *cfg, const struct nsb_plan *plan, pid_t command,
			     const int *locks, int ready_fd)
{
	char a0[] = NSB_REAPER_ARGV0, pid[16], ready[16], fwd[2] = "1", dwp[2] = "0";
	char *argv[] = {a0, pid, ready, fwd, dwp, NULL};
	char *envp[] = {NULL};

	fwd[0] = cfg->no_forward_signals ? '0' : '1';
	dwp[0] = cfg->die_with_parent ? '1' : '0';
	(void)nsb_caps_drop_all();
	close_option_fds(cfg, true, false);
	close_fd(&cfg->block_fd);
	if (plan->exec_fd >= 0)
		close(plan->exec_fd);
	install_seccomp_or_die(cfg, plan, false);
	if (plan->self_fd >= 0) {
		/* What the reaper holds must survive the exec. */
		for (size_t i = 0; i < cfg->n_lock_files; i++)
			(void)fcntl(locks[i], F_SETFD, 0);
		if (cfg->sync_fd >= 0)
			(void)fcntl(cfg->sync_fd, F_SETFD, 0);
		(void)fcntl(ready_fd, F_SETFD, 0);
		snprintf(pid, sizeof(pid), "%d", (int)command);
		snprintf(ready, sizeof(ready), "%d", ready_fd);
		syscall(SYS_execveat, plan->self_fd, "", argv, envp, AT_EMPTY_PATH);
		nsb_log(NSB_LOG_DEBUG, "cannot re-execute the reaper (%s): it stays as it is",
			strerror(errno));
	}
	reap_until(command, !cfg->no_forward_signals, cfg->die_with_parent, ready_fd);
}

static void apply_env(const struct nsb_config *cfg)
{
	for (size_t i = 0; i < cfg->n_env; i++) {
		const struct nsb_env_op *e = &cfg->env[i];

		switch (e->kind) {
		case NSB_ENV_SET:
			if (setenv(e->name, e->value, 1) < 0)
				nsb_die_errno(errno, "--setenv: cannot set '%s'", e->name);
			break;
		case NSB_ENV_UNSET:
			(void)unsetenv(e->name);
			break;
		case NSB_ENV_CLEAR:
			(void)clearenv();
			break;
		}
	}
}

/* --chdir, or the caller's cwd if it exists inside, else $HOME, else /. */
static void enter_cwd_or_die(const struct nsb_config *cfg, const struct nsb_plan *plan)
{
	const char *home = getenv("HOME");
	char cwd[PATH_MAX];

	if (cfg->chdir_path) {
		if (chdir(cfg->chdir_path) < 0)
			nsb_die_errno(errno, "--chdir: cannot enter '%s'", cfg->chdir_path);
	} else if (!(plan->cwd && chdir(plan->cwd) == 0) && !(home && chdir(home) == 0)) {
		if (chdir("/") < 0)
			nsb_die_errno(errno, "cannot enter /");
	}
	if (getcwd(cwd, sizeof(cwd)) && setenv("PWD", cwd, 1) < 0)
		nsb_die_errno(errno, "cannot set PWD");
}

/* --block-fd: wait for the caller's go-ahead (one byte, or EOF). */
static void wait_block_fd_or_die(struct nsb_config *cfg)
{
	char c;
	ssize_t n;

	if (cfg->block_fd < 0)
		return;
	do
		n = read(cfg->block_fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		nsb_die_errno(errno, "--block-fd: cannot read fd %d", cfg->block_fd);
	close_fd(&cfg->block_fd);
}

static void assert_no_userns_or_die(void)
{
	if (unshare(CLONE_NEWUSER) == 0)
		nsb_die("creation of new user namespaces was not disabled as requested");
}

/* Wait until the reaper is not dumpable any more (EOF: it is gone). */
static void wait_reaper_ready(int ready_fd)
{
	char c;

	if (ready_fd < 0)
		return;
	while (read(ready_fd, &c, 1) < 0 && errno == EINTR)
		;
	close(ready_fd);
}

static _Noreturn void exec_command(struct nsb_config *cfg, const struct nsb_plan *plan,
				   mode_t caller_umask, int ready_fd)
{
	char **argv = cfg->command;
	size_t n = 0;
	int r;

	if (cfg->die_with_parent)
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (nsb_rlimit_apply(cfg->rlimits, cfg->n_rlimits) < 0)
		_exit(1);
	if (plan->set_caps) {
		r = nsb_caps_keep(plan->keep_caps);
		if (r < 0)
			nsb_die_errno(r, "cannot set the capabilities");
	}
	if (cfg->assert_userns_disabled || cfg->disable_userns)
		assert_no_userns_or_die();
	close_option_fds(cfg, cfg->as_pid_1, true);
	(void)umask(caller_umask);
	apply_env(cfg);
	enter_cwd_or_die(cfg, plan);
	if (cfg->new_session && setsid() < 0)
		nsb_die_errno(errno, "--new-session: cannot start a new session");
	wait_block_fd_or_die(cfg);
	if (cfg->exec_label && nsb_selinux_set_exec_label(cfg->exec_label) < 0)
		_exit(1);
	wait_reaper_ready(ready_fd);

	if (cfg->argv0) {
		while (cfg->command[n])
			n++;
		argv = calloc(n + 1, sizeof(char *));
		if (!argv)
			nsb_die_errno(ENOMEM, "cannot build the command line");
		memcpy(argv, cfg->command, n * sizeof(char *));
		argv[0] = (char *)cfg->argv0;
	}
	/* One byte now and one more if execvp fails: the monitor reports an
	 * exit code only for a COMMAND that really ran. */
	if (plan->exec_fd >= 0)
		(void)nsb_write_all(plan->exec_fd, "x", 1);
	/* Last of all: from here on only execvp has to be allowed. */
	install_seccomp_or_die(cfg, plan, true);
	execvp(cfg->command[0], argv);
	r = errno;
	if (plan->exec_fd >= 0)
		(void)nsb_write_all(plan->exec_fd, "x", 1);
	nsb_die_errno(r, "execvp %s", cfg->command[0]);
}

static void early_setup_or_die(const struct nsb_config *cfg, const struct nsb_plan *plan)
{
	if (cfg->die_with_parent) {
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		/* The monitor may already be gone (our parent is outside a
		 * new pid namespace, so getppid() is 0 there). */
		if (!plan->pidns && getppid() != plan->monitor_pid)
			_exit(1);
	}
	if (plan->release_fd >= 0) {
		/* --userns-block-fd: someone else writes our id maps. */
		char c;
		ssize_t n;

		do
			n = read(plan->release_fd, &c, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1)
			_exit(1);
		close(plan->release_fd);
	}
	if (plan->write_maps) {
		_cleanup_close_ int self = open_proc_self_or_die("/proc/self");

		if (plan->nested_userns)
			write_id_maps_or_die(self, 0, plan->outer_uid, 0, plan->outer_gid);
		else
			write_id_maps_or_die(self, cfg->sandbox_uid, plan->outer_uid,
					     cfg->sandbox_gid, plan->outer_gid);
	}
	/* A fresh session keyring: the caller's keys stay out of reach. */
	(void)syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL);
	if (plan->netns) {
		int r = nsb_net_loopback_up();
		if (r < 0)
			nsb_die_errno(r, "--unshare-net: cannot bring up the loopback device");
	}
	if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
		nsb_die_errno(errno, "--hostname: cannot set '%s'", cfg->hostname);
}

/* --lock-file: open and read-lock each file; the locks belong to this
 * process, which stays behind as the reaper. Returns the fds (COMMAND
 * closes its copies). */
static int *take_locks_or_die(const struct nsb_config *cfg)
{
	int *fds = calloc(cfg->n_lock_files + 1, sizeof(int));

	if (!fds)
		nsb_die_errno(ENOMEM, "--lock-file");
	for (size_t i = 0; i < cfg->n_lock_files; i++) {
		struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET};

		fds[i] = open(cfg->lock_files[i], O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fds[i] < 0)
			nsb_die_errno(errno, "--lock-file: cannot open '%s'", cfg->lock_files[i]);
		if (fcntl(fds[i], F_SETLK, &fl) < 0)
			nsb_die_errno(errno, "--lock-file: cannot lock '%s'", cfg->lock_files[i]);
	}
	return fds;
}

void nsb_sandbox_run_or_die(struct nsb_config *cfg, const struct nsb_plan *plan)
{
	sigset_t old_mask;

	/* Modes given on the command line (and the documented defaults) are
	 * exact: the caller's umask applies again to COMMAND only. */
	mode_t caller_umask = umask(0);
	int proc, ready[2] = {-1, -1};

	early_setup_or_die(cfg, plan);
	proc = build_root_or_die(cfg, plan);

	if (plan->reaper) {
		pid_t pid;

		int *locks = take_locks_or_die(cfg);

		if (plan->self_fd >= 0 && pipe2(ready, O_CLOEXEC) < 0)
			nsb_die_errno(errno, "cannot create a pipe");
		/* Signals wait until the reaper knows where to pass them. */
		nsb_signals_block(true, &old_mask);
		pid = fork();
		if (pid < 0)
			nsb_die_errno(errno, "cannot fork COMMAND");
		if (pid > 0) {
			if (proc >= 0)
				close(proc);
			if (ready[0] >= 0)
				close(ready[0]);
			reaper(cfg, plan, pid, locks, ready[1]);
		}
		nsb_signals_block(false, &old_mask);
		if (plan->self_fd >= 0)
			close(plan->self_fd);
		if (ready[1] >= 0)
			close(ready[1]);
		/* The locks are the reaper's; closing our copies keeps them. */
		for (size_t i = 0; i < cfg->n_lock_files; i++)
			close(locks[i]);
		free(locks);
	}
	/* Only COMMAND moves on: the reaper stays in the first user namespace,
	 * which owns the others, so that joining it through --info-fd's
	 * child-pid gives the rights over them. */
	if (plan->nested_userns) {
		/* devpts needed uid 0 in the first namespace; COMMAND gets the
		 * uid it asked for in a nested one. */
		_cleanup_close_ int self = openat(proc, "self", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (self < 0)
			nsb_die_errno(errno, "cannot open /proc/self");
		close(proc);
		if (unshare(CLONE_NEWUSER) < 0)
			nsb_die_errno(errno, "cannot create the nested user namespace");
		write_id_maps_or_die(self, cfg->sandbox_uid, 0, cfg->sandbox_gid, 0);
	}
	if (cfg->userns2_fd >= 0 && setns(cfg->userns2_fd, CLONE_NEWUSER) < 0)
		nsb_die_errno(errno, "--userns2: cannot enter the user namespace of fd %d",
			      cfg->userns2_fd);
	exec_command(cfg, plan, caller_umask, ready[0]);
}
