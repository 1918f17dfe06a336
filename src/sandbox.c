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
#include "diag.h"
#include "reaper.h"
#include "rlimit.h"
#include "selinux.h"
#include "log.h"
#include "net.h"
#include "ops.h"
#include "sandbox.h"
#include "signals.h"
#include "sync.h"
#include "util.h"

/* Where the intermediate root may be mounted before the first pivot: any
 * directory will do, since the pivot takes the tmpfs away from it again
 * (nsbox may run in a sandbox without /tmp). */
static const char *const base_dirs[] = {"/tmp", "/run", "/var/tmp", "/mnt", "/usr", "/dev"};

static const char *mount_intermediate_root_or_die(void)
{
	int err = ENOENT;

	for (size_t i = 0; i < NSB_ELEMENTSOF(base_dirs); i++) {
		if (mount("tmpfs", base_dirs[i], "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") == 0)
			return base_dirs[i];
		if (errno != ENOENT && errno != ENOTDIR)
			nsb_die_errno(errno, "cannot mount the intermediate root on %s",
			              base_dirs[i]);
		err = errno;
	}
	nsb_die_errno(err, "cannot mount the intermediate root: none of /tmp, /run, /var/tmp, "
	                   "/mnt, /usr, /dev exists");
}

/* Write the id maps of the process whose /proc/PID directory is procfd. */
static void write_id_maps_or_die(int procfd, uid_t inside_uid, uid_t outside_uid, gid_t inside_gid,
                                 gid_t outside_gid)
{
	char line[64];
	int r;

	/* An unprivileged gid_map needs setgroups denied first; the sandbox
	 * must not drop supplementary groups that may be deny-listing it. */
	r = nsb_write_file_at(procfd, "setgroups", "deny");
	if (r < 0 && r != -ENOENT)
		nsb_die_errno(r, "cannot write /proc/self/setgroups");
	snprintf(line, sizeof(line), "%u %u 1\n", inside_uid, outside_uid);
	r = nsb_write_file_at(procfd, "uid_map", line);
	if (r < 0)
		nsb_die_errno(r, "cannot write the uid map '%u %u 1'", inside_uid, outside_uid);
	snprintf(line, sizeof(line), "%u %u 1\n", inside_gid, outside_gid);
	r = nsb_write_file_at(procfd, "gid_map", line);
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
	int r = nsb_write_file_at(AT_FDCWD, NSB_OLDROOT "/proc/sys/user/max_user_namespaces", "1");
	if (r < 0)
		nsb_die_errno(r, "--disable-userns: cannot set user.max_user_namespaces");
}

void nsb_sandbox_enter_root_or_die(const struct nsb_config *cfg, bool pidns)
{
	struct nsb_setup s = {.cfg = cfg, .rootfd = -1, .oldrootfd = -1, .pidns = pidns};
	const char *base;

	/* Sources are resolved as the caller sees them, before anything moves. */
	if (nsb_ops_resolve(&s) < 0)
		_exit(1);
	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0) {
		int err = errno;
		char why[1024];

		nsb_log_errno(err, "cannot make the mounts private");
		if (nsb_diag_mount("", err, why, sizeof(why)))
			nsb_err("%s", why);
		_exit(1);
	}
	base = mount_intermediate_root_or_die();
	nsb_debug("intermediate root mounted on %s", base);
	if (chdir(base) < 0 || mkdir("newroot", 0755) < 0 || mkdir("oldroot", 0755) < 0)
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
}

void nsb_sandbox_pivot_or_die(void)
{
	/* Drop the host's root, then make the new root the root and drop the
	 * intermediate one stacked under it: neither is reachable afterwards. */
	if (umount2(NSB_OLDROOT, MNT_DETACH) < 0)
		nsb_die_errno(errno, "cannot detach the old root");
	if (chdir("/newroot") < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		nsb_die_errno(errno, "cannot pivot into the new root");
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		nsb_die_errno(errno, "cannot detach the intermediate root");
	nsb_debug("pivoted into the new root");
}

/* Build the new root and pivot into it. Returns an fd of the host's procfs
 * when the nested user namespace needs one for its maps (the new root may
 * have no /proc), else -1. */
static int build_root_or_die(const struct nsb_config *cfg, const struct nsb_plan *plan)
{
	int proc = -1;

	nsb_sandbox_enter_root_or_die(cfg, plan->pidns);
	if (cfg->disable_userns)
		limit_user_namespaces_or_die();
	if (plan->nested_userns)
		proc = open_proc_self_or_die(NSB_OLDROOT "/proc");
	nsb_sandbox_pivot_or_die();
	return proc;
}

/* The fds the caller lent to nsbox's own options: COMMAND must not get them
 * (--block-fd is closed once it has been waited for). */
static void close_option_fds(struct nsb_config *cfg, bool keep_sync, bool keep_seccomp)
{
	nsb_close_fd(&cfg->info_fd);
	nsb_close_fd(&cfg->json_status_fd);
	nsb_close_fd(&cfg->userns_block_fd);
	nsb_close_fd(&cfg->userns_fd);
	nsb_close_fd(&cfg->userns2_fd);
	nsb_close_fd(&cfg->pidns_fd);
	nsb_close_fd(&cfg->netns_fd);
	if (!keep_seccomp)
		nsb_close_fd(&cfg->seccomp_fd);
	if (!keep_sync)
		nsb_close_fd(&cfg->sync_fd);
}

static void install_or_die(const struct nsb_bpf *prog, const char *what)
{
	int r = nsb_seccomp_install(prog);

	if (r == -EINVAL)
		nsb_die_errno(r,
		              "cannot install the %s seccomp program (does the kernel have "
		              "CONFIG_SECCOMP_FILTER?)",
		              what);
	if (r < 0)
		nsb_die_errno(r, "cannot install the %s seccomp program", what);
}

/* The seccomp programs, in the documented order: profiles, policy files,
 * then the --add-seccomp-fd programs or the --seccomp one (read only now,
 * after --block-fd, as bubblewrap does). The kernel runs them all and the
 * most restrictive result wins. */
void nsb_sandbox_install_seccomp_or_die(struct nsb_config *cfg, const struct nsb_plan *plan,
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
			nsb_die_errno(errno, "Can't chdir to %s (--chdir)", cfg->chdir_path);
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
	int r;

	if (cfg->block_fd < 0)
		return;
	r = nsb_read_byte(cfg->block_fd);
	if (r < 0)
		nsb_die_errno(r, "--block-fd: cannot read fd %d", cfg->block_fd);
	nsb_close_fd(&cfg->block_fd);
}

static void assert_no_userns_or_die(void)
{
	if (unshare(CLONE_NEWUSER) == 0)
		nsb_die("creation of new user namespaces was not disabled as requested");
}

/* execvp failed: say so, and why when the errno alone misleads (ENOENT for
 * a file that is there: its interpreter is missing). The diagnosis only
 * looks at files, but a seccomp program of the caller's own could kill
 * for that: only under nsbox's profiles (or none) does it run. */
static _Noreturn void explain_exec_failure_or_die(const struct nsb_config *cfg, int err)
{
	char why[1024];

	nsb_log_errno(err, "execvp %s", cfg->command[0]);
	if (cfg->seccomp_fd < 0 && cfg->n_add_seccomp_progs == 0 && cfg->n_seccomp_policies == 0 &&
	    nsb_diag_exec(cfg->command[0], getenv("PATH"), err, why, sizeof(why)))
		nsb_err("%s", why);
	_exit(1);
}

/* argv for execvp: COMMAND's, with --argv0 as argv[0]. */
static char **command_argv(const struct nsb_config *cfg)
{
	size_t n = 0;
	char **argv;

	if (!cfg->argv0)
		return cfg->command;
	while (cfg->command[n])
		n++;
	argv = calloc(n + 1, sizeof(char *));
	if (!argv)
		nsb_die_errno(ENOMEM, "cannot build the command line");
	memcpy(argv, cfg->command, n * sizeof(char *));
	argv[0] = (char *)cfg->argv0;
	return argv;
}

/* COMMAND's process, the last steps: everything that must be per process
 * or as late as possible, then execvp. ready_fd: pid 1's REAPER_READY
 * comes on it, or -1 without a reaper. */
static _Noreturn void exec_command(struct nsb_config *cfg, const struct nsb_plan *plan,
                                   mode_t caller_umask, int ready_fd)
{
	char **argv;
	int r;

	if (nsb_rlimit_apply(cfg->rlimits, cfg->n_rlimits) < 0)
		_exit(1);
	if (plan->set_caps) {
		r = plan->ambient_caps
		            ? nsb_caps_keep(plan->keep_caps)
		            : nsb_caps_set(plan->keep_caps, plan->keep_caps, plan->keep_caps);
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
	argv = command_argv(cfg);
	if (ready_fd >= 0) {
		/* EOF: pid 1 failed to lock itself down and said why. */
		if (nsb_sync_expect(ready_fd, NSB_SYNC_REAPER_READY, NULL) < 0)
			_exit(1);
		close(ready_fd);
	}
	/* Landlock last (in the final mount namespace, pid 1 already set up
	 * and unrestricted), just before the seccomp programs. */
	if (nsb_landlock_wanted(&cfg->landlock)) {
		if (nsb_landlock_apply(&cfg->landlock) < 0)
			_exit(1);
		nsb_debug("Landlock restrictions applied");
	}
	nsb_debug("executing %s", cfg->command[0]);
	if (nsb_sync_send(plan->sync_fd, NSB_SYNC_EXEC, 0, NULL) < 0)
		_exit(1);
	/* Last of all: from here on only execvp has to be allowed. */
	nsb_sandbox_install_seccomp_or_die(cfg, plan, true);
	execvp(cfg->command[0], argv);
	explain_exec_failure_or_die(cfg, errno);
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
	/* The monitor reads our namespaces for its reports, and with
	 * --userns-block-fd someone else writes our id maps meanwhile. EOF:
	 * the monitor is gone and said why. */
	if (plan->wait_go && nsb_sync_expect(plan->sync_fd, NSB_SYNC_GO, NULL) < 0)
		_exit(1);
	if (plan->write_maps) {
		_cleanup_close_ int self = open_proc_self_or_die("/proc/self");

		if (plan->nested_userns)
			write_id_maps_or_die(self, 0, plan->outer_uid, 0, plan->outer_gid);
		else
			write_id_maps_or_die(self, cfg->sandbox_uid, plan->outer_uid,
			                     cfg->sandbox_gid, plan->outer_gid);
		nsb_debug("id maps written");
	}
	/* A fresh session keyring: the caller's keys stay out of reach.
	 * ENOSYS: a kernel without keys has none to reach. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS &&
	    nsb_setup_weakened(cfg, errno,
	                       "cannot create a fresh session keyring (the caller's "
	                       "keys would stay reachable)") < 0)
		_exit(1);
	nsb_net_setup_or_die(cfg, plan);
	if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
		nsb_die_errno(errno, "Can't set hostname to %s (--hostname)", cfg->hostname);
}

/* --pidns with --unshare-pid: a new pid namespace below the joined one.
 * The kernel lets a process that joined a pid namespace create one below it
 * only for its children, so this process stays behind as a relay and its
 * child goes on as pid 1 of the new namespace. */
static void relay_pid_namespace_or_die(const struct nsb_config *cfg, const struct nsb_plan *plan)
{
	sigset_t old_mask;
	pid_t pid;
	int st, r;

	if (unshare(CLONE_NEWPID) < 0)
		nsb_die_errno(errno, "--unshare-pid: cannot create a pid namespace below --pidns");
	nsb_signals_block(true, &old_mask);
	pid = fork();
	if (pid < 0)
		nsb_die_errno(errno, "cannot fork");
	if (pid == 0) {
		nsb_signals_block(false, &old_mask);
		/* The monitor reads the namespaces it reports in our
		 * /proc/PID: tell it our pid, as it numbers it. We stay
		 * readable until its GO. */
		if (plan->report && nsb_sync_send_self(plan->sync_fd, NSB_SYNC_PIDNS) < 0)
			_exit(1);
		return;
	}
	if (cfg->die_with_parent)
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	r = nsb_caps_drop_all();
	if (r < 0) {
		nsb_log_errno(r, "cannot drop the capabilities of the pid namespace relay");
		(void)kill(pid, SIGKILL);
		_exit(1);
	}
	if (!cfg->no_forward_signals)
		nsb_signals_forward(pid, false);
	nsb_signals_block(false, &old_mask);
	nsb_log_set_forward(-1);
	close(plan->sync_fd);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			_exit(1);
	_exit(nsb_exit_status(st));
}

/* What COMMAND's process needs when it shares pid 1's memory. */
static struct {
	struct nsb_config *cfg;
	const struct nsb_plan *plan;
	mode_t caller_umask;
	sigset_t mask;
} vfork_args;

static int vforked_command(void *unused)
{
	if (vfork_args.cfg->die_with_parent)
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	nsb_signals_block(false, &vfork_args.mask);
	exec_command(vfork_args.cfg, vfork_args.plan, vfork_args.caller_umask, -1);
}

/* COMMAND's process may share pid 1's memory until it executes COMMAND
 * (clone CLONE_VM|CLONE_VFORK, pid 1 waiting meanwhile): no page table is
 * copied and no page copied on write, which is most of what a pid 1 costs
 * a launch (about 0.3 ms here). Pid 1 then locks itself down only once
 * COMMAND runs; until then it is not dumpable, which keeps out any
 * COMMAND without CAP_SYS_PTRACE in the caller's user namespace, so this
 * is only done when nsbox made a user namespace for the sandbox (COMMAND's
 * capabilities are in that one). A root caller without one takes the fork,
 * and COMMAND waits until pid 1 has locked itself down (REAPER_READY).
 * Not either when COMMAND must enter another user namespace, which the
 * kernel refuses to a process sharing its memory; nor under the
 * sanitizers, whose runtime does not expect a process running on another
 * stack in its memory. */
static bool can_share_memory(const struct nsb_config *cfg, const struct nsb_plan *plan)
{
#if defined(__SANITIZE_ADDRESS__)
	return false;
#else
	return plan->userns && !plan->nested_userns && cfg->userns2_fd < 0;
#endif
}

/* Become pid 1 for good: take the --lock-file locks in the new root, start
 * COMMAND's process and stay behind as the reaper. Returns in COMMAND's
 * process (forked), with the fd on which pid 1 says it is ready; or does
 * not return at all (COMMAND's process shared our memory and has executed
 * COMMAND or failed). */
static int start_reaper_or_die(struct nsb_config *cfg, const struct nsb_plan *plan,
                               mode_t caller_umask)
{
	/* COMMAND's process's stack while it shares our memory. */
	static char stack[256 * 1024] __attribute__((aligned(64)));
	_cleanup_free_ int *lock_fds = NULL;
	sigset_t old_mask;
	int ready[2] = {-1, -1}, r;
	pid_t pid;

	if (nsb_reaper_take_locks(cfg, &lock_fds) < 0)
		_exit(1);
	/* Signals wait until pid 1 knows where to pass them. */
	nsb_signals_block(true, &old_mask);
	if (can_share_memory(cfg, plan)) {
		/* COMMAND's process changes cfg (it marks the fds it closes in
		 * its own table as closed): pid 1 keeps its own copy. */
		static struct nsb_config pid1_cfg;

		pid1_cfg = *cfg;
		/* Until pid 1 has dropped its capabilities (once COMMAND runs),
		 * nobody without privileges on the host may look at it. */
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
			nsb_die_errno(errno, "cannot make pid 1 non-dumpable");
		vfork_args.cfg = cfg;
		vfork_args.plan = plan;
		vfork_args.caller_umask = caller_umask;
		vfork_args.mask = old_mask;
		pid = clone(vforked_command, stack + sizeof(stack),
		            CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
		if (pid < 0)
			nsb_die_errno(errno, "cannot start COMMAND's process");
		nsb_debug("pid 1 stays as the reaper; COMMAND's process was pid %d", (int)pid);
		nsb_reaper_run(&pid1_cfg, plan, pid, -1, lock_fds);
	}
	r = nsb_sync_pair(ready);
	if (r < 0)
		nsb_die_errno(r, "cannot create the channel to pid 1");
	pid = fork();
	if (pid < 0)
		nsb_die_errno(errno, "cannot fork");
	if (pid > 0) {
		close(ready[1]);
		nsb_debug("pid 1 stays as the reaper; COMMAND's process is pid %d", (int)pid);
		nsb_reaper_run(cfg, plan, pid, ready[0], lock_fds);
	}
	close(ready[0]);
	for (size_t i = 0; i < cfg->n_lock_files; i++)
		close(lock_fds[i]);
	if (cfg->die_with_parent)
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	nsb_signals_block(false, &old_mask);
	return ready[1];
}

void nsb_sandbox_run_or_die(struct nsb_config *cfg, const struct nsb_plan *plan)
{
	/* Modes given on the command line (and the documented defaults) are
	 * exact: the caller's umask applies again to COMMAND only. */
	mode_t caller_umask = umask(0);
	int proc, ready_fd = -1;

	nsb_log_set_forward(plan->sync_fd);
	if (!cfg->no_forward_signals)
		nsb_signals_die_on_forwarded();

	if (plan->pidns_relay)
		relay_pid_namespace_or_die(cfg, plan);
	early_setup_or_die(cfg, plan);
	proc = build_root_or_die(cfg, plan);
	/* COMMAND never meets a half-configured network. */
	nsb_net_wait_ready_or_die(plan);
	if (plan->reaper)
		ready_fd = start_reaper_or_die(cfg, plan, caller_umask);

	/* Only COMMAND moves on: pid 1 stays in the first user namespace,
	 * which owns the others, so that joining it through --info-fd's
	 * child-pid gives the rights over them. */
	if (plan->nested_userns) {
		/* devpts needed uid 0 in the first namespace; COMMAND gets the
		 * uid it asked for in a nested one. */
		_cleanup_close_ int self = openat(proc, "self", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (self < 0)
			nsb_die_errno(errno, "cannot open /proc/self");
		close(proc);
		if (unshare(CLONE_NEWUSER) < 0) {
			int err = errno;
			char why[1024];

			nsb_log_errno(err, "cannot create the nested user namespace");
			if (nsb_diag_userns("", err, why, sizeof(why)))
				nsb_err("%s", why);
			_exit(1);
		}
		write_id_maps_or_die(self, cfg->sandbox_uid, 0, cfg->sandbox_gid, 0);
	}
	if (cfg->userns2_fd >= 0 && setns(cfg->userns2_fd, CLONE_NEWUSER) < 0)
		nsb_die_errno(errno, "Setting userns2 failed (--userns2 %d)", cfg->userns2_fd);
	exec_command(cfg, plan, caller_umask, ready_fd);
}
