/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <dirent.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "diag.h"
#include "dryrun.h"
#include "launch.h"
#include "log.h"
#include "ops.h"
#include "numparse.h"
#include "sandbox.h"
#include "selinux.h"
#include "signals.h"
#include "status.h"
#include "sync.h"
#include "util.h"

int nsb_launch_check_privileges(void)
{
	int r;

	/* nsbox needs no privilege: a setuid/setgid or file-capability
	 * install would hand the caller's privileges to anyone. */
	if (getuid() != geteuid() || getgid() != getegid()) {
		nsb_err("refusing to run setuid or setgid: nsbox needs no privileges, "
		        "remove the bit (chmod u-s,g-s)");
		return -EPERM;
	}
	r = nsb_caps_unexpected();
	if (r < 0)
		return nsb_log_errno(r, "cannot read the process capabilities");
	if (r > 0) {
		nsb_err("refusing to run with file capabilities: nsbox needs no privileges, "
		        "remove them (setcap -r)");
		return -EPERM;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nsb_log_errno(errno, "cannot set no_new_privs");
	return 0;
}

/* A sysctl-style file holding one integer. 0 or -errno. */
static int read_int_file(const char *path, long *ret)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[32];
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return nsb_parse_long(buf, ret);
}

/* --unshare-user-try: would the kernel let us create a user namespace? */
static bool userns_seems_possible(void)
{
	long v;

	if (access("/proc/self/ns/user", F_OK) < 0)
		return false;
	if (read_int_file("/proc/sys/user/max_user_namespaces", &v) == 0 && v == 0)
		return false;
	if (getuid() != 0 && read_int_file("/proc/sys/kernel/unprivileged_userns_clone", &v) == 0 &&
	    v == 0)
		return false;
	return true;
}

/* The capabilities COMMAND keeps: root staying root keeps what it has (as
 * bubblewrap does) unless --cap-add/--cap-drop say otherwise; anyone else
 * keeps nothing but what --cap-add names. Never more than the caller's
 * bounding set, which a new user namespace would otherwise reset to every
 * capability: COMMAND must not get back what its caller was denied. */
static int plan_caps(const struct nsb_config *cfg, struct nsb_plan *plan)
{
	bool root = cfg->real_uid == 0 && cfg->sandbox_uid == 0;
	uint64_t base = 0, permitted, available = nsb_caps_bounding();
	char name[64];

	if (root) {
		int r = nsb_caps_get(&base, &permitted);
		if (r < 0)
			return nsb_log_errno(r, "cannot read the capabilities");
	}
	plan->keep_caps = nsb_caps_compute(base, cfg->cap_ops, cfg->n_cap_ops);
	for (size_t i = 0; i < cfg->n_cap_ops; i++) {
		int c = cfg->cap_ops[i].cap;

		if (cfg->cap_ops[i].add && c >= 0 && (plan->keep_caps & (UINT64_C(1) << c)) &&
		    !(available & (UINT64_C(1) << c))) {
			nsb_err("--cap-add: %s is not in the bounding set of the caller",
			        nsb_caps_name(c, name, sizeof(name)));
			return -EPERM;
		}
	}
	/* ALL means all the caller may have. */
	plan->keep_caps &= available;
	/* A new user namespace starts with every capability: cut it down even
	 * for root keeping its own. */
	plan->set_caps = !root || cfg->n_cap_ops > 0 || plan->userns || cfg->userns_fd >= 0;
	/* Root staying root gets its capabilities from exec: raise them as
	 * ambient only where --cap-add/--cap-drop asked for a set. */
	plan->ambient_caps = !root || cfg->n_cap_ops > 0;
	return 0;
}

static int plan_namespaces(const struct nsb_config *cfg, struct nsb_plan *plan,
                           unsigned long *ret_flags)
{
	unsigned long flags = CLONE_NEWNS | SIGCHLD;

	plan->userns = cfg->userns_fd < 0 && (cfg->real_uid != 0 || cfg->unshare_user ||
	                                      (cfg->unshare_user_try && userns_seems_possible()));
	if (cfg->unshare_cgroup && access("/proc/self/ns/cgroup", F_OK) < 0)
		return nsb_log_errno(ENOSYS, "--unshare-cgroup: this kernel has no cgroup "
		                             "namespaces");
	if (cfg->unshare_cgroup ||
	    (cfg->unshare_cgroup_try && access("/proc/self/ns/cgroup", F_OK) == 0))
		flags |= CLONE_NEWCGROUP;
	if (plan->userns)
		flags |= CLONE_NEWUSER;
	if (cfg->unshare_ipc)
		flags |= CLONE_NEWIPC;
	/* With --pidns, the new pid namespace is made by the child (see
	 * relay_pid_namespace_or_die()). */
	plan->pidns_relay = cfg->unshare_pid && cfg->pidns_fd >= 0;
	if (cfg->unshare_pid && !plan->pidns_relay)
		flags |= CLONE_NEWPID;
	if (cfg->unshare_net)
		flags |= CLONE_NEWNET;
	if (cfg->unshare_uts)
		flags |= CLONE_NEWUTS;

	plan->pidns = cfg->unshare_pid || cfg->pidns_fd >= 0;
	plan->netns = cfg->unshare_net;
	plan->write_maps = plan->userns && cfg->userns_block_fd < 0;
	plan->nested_userns =
	        plan->write_maps &&
	        (cfg->disable_userns || (nsb_ops_have(cfg, NSB_OPK_DEVFS) &&
	                                 (cfg->sandbox_uid != 0 || cfg->sandbox_gid != 0)));
	plan->reaper =
	        !cfg->as_pid_1 && (cfg->unshare_pid || cfg->sync_fd >= 0 || cfg->n_lock_files > 0);
	plan->report = cfg->info_fd >= 0 || cfg->json_status_fd >= 0;
	plan->wait_go = plan->report || cfg->userns_block_fd >= 0;
	/* An unprivileged launcher told pid 1's pid cannot open the
	 * namespaces of a process that is not dumpable (see reaper.c). */
	plan->joinable = plan->reaper && plan->report && cfg->real_uid != 0;
	plan->outer_uid = cfg->real_uid;
	plan->outer_gid = cfg->real_gid;
	plan->sync_fd = -1;
	*ret_flags = flags;
	return plan_caps(cfg, plan);
}

/* Every fd option must name an open fd before anything starts: a closed
 * one must not leave a sandbox waiting forever or running unsynchronised. */
static int check_fds(const struct nsb_config *cfg)
{
	const struct {
		const char *opt;
		int fd;
	} fds[] = {
	        {"--info-fd", cfg->info_fd},    {"--json-status-fd", cfg->json_status_fd},
	        {"--block-fd", cfg->block_fd},  {"--userns-block-fd", cfg->userns_block_fd},
	        {"--sync-fd", cfg->sync_fd},    {"--userns", cfg->userns_fd},
	        {"--userns2", cfg->userns2_fd}, {"--pidns", cfg->pidns_fd},
	        {"--seccomp", cfg->seccomp_fd},
	};
	int r;

	for (size_t i = 0; i < NSB_ELEMENTSOF(fds); i++)
		if (fds[i].fd >= 0 && fcntl(fds[i].fd, F_GETFD) < 0)
			return nsb_log_errno(errno, "%s: fd %d is not usable", fds[i].opt,
			                     fds[i].fd);
	r = nsb_ops_check_fds(cfg);
	if (r < 0)
		return r;
	if (cfg->exec_label) {
		r = nsb_selinux_check_label("--exec-label", cfg->exec_label);
		if (r < 0)
			return r;
	}
	if (cfg->file_label)
		return nsb_selinux_check_label("--file-label", cfg->file_label);
	return 0;
}

/* --seccomp-profile and --seccomp-policy, compiled now (before any
 * namespace exists, with the caller's view of policy paths), installed by
 * the sandbox just before exec. */
static int compile_seccomp(const struct nsb_config *cfg, struct nsb_plan *plan)
{
	size_t n = cfg->n_seccomp_profiles + cfg->n_seccomp_policies, k = 0;
	int r = 0;

	if (!n)
		return 0;
	plan->seccomp = calloc(n, sizeof(*plan->seccomp));
	if (!plan->seccomp)
		return nsb_log_errno(ENOMEM, "cannot compile the seccomp policies");
	for (size_t i = 0; r == 0 && i < cfg->n_seccomp_profiles; i++)
		r = nsb_seccomp_compile_profile(cfg->seccomp_profiles[i], &plan->seccomp[k++]);
	for (size_t i = 0; r == 0 && i < cfg->n_seccomp_policies; i++)
		r = nsb_seccomp_compile_policy_file(cfg->seccomp_policies[i], &plan->seccomp[k++]);
	plan->n_seccomp = k;
	return r;
}

static void free_seccomp(struct nsb_plan *plan)
{
	for (size_t i = 0; i < plan->n_seccomp; i++)
		nsb_bpf_free(&plan->seccomp[i]);
	free(plan->seccomp);
	plan->seccomp = NULL;
	plan->n_seccomp = 0;
}

/* --userns and --pidns: join before cloning, so the child is created in them. */
static int join_namespaces(const struct nsb_config *cfg)
{
	if (cfg->userns_fd >= 0 && setns(cfg->userns_fd, CLONE_NEWUSER) < 0) {
		int err = errno;
		if (err == EINVAL)
			nsb_err("Joining the specified user namespace failed, it might not be a "
			        "descendant of the current user namespace. (--userns %d: not a "
			        "user "
			        "namespace, or not a descendant of the caller's)",
			        cfg->userns_fd);
		else
			nsb_log_errno(err, "Joining specified user namespace failed (--userns %d)",
			              cfg->userns_fd);
		return -err;
	}
	if (cfg->pidns_fd >= 0 && setns(cfg->pidns_fd, CLONE_NEWPID) < 0)
		return nsb_log_errno(errno, "Setting pidns failed (--pidns %d)", cfg->pidns_fd);
	return 0;
}

/* The exit status of child pid. 0..255, or -errno (logged). */
static int wait_child(pid_t pid)
{
	int st;

	for (;;) {
		pid_t p = waitpid(pid, &st, 0);
		if (p == pid)
			return nsb_exit_status(st);
		if (p < 0 && errno != EINTR)
			return nsb_log_errno(errno, "cannot wait for the sandbox");
	}
}

/* --kill-on-exit: we are a subreaper, so whatever COMMAND left behind has
 * been re-parented to us: kill and reap until nothing is left. */
static void kill_leftovers(void)
{
	char path[64], buf[4096];

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	for (;;) {
		_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

		buf[n > 0 ? n : 0] = '\0';
		for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n")) {
			long pid;

			if (nsb_parse_long(tok, &pid) == 0 && pid > 0 && pid <= INT_MAX)
				(void)kill((pid_t)pid, SIGKILL);
		}
		if (waitpid(-1, NULL, 0) < 0 && errno == ECHILD)
			break;
	}
}

/* --info-fd and the first --json-status-fd line. 0 or -errno, logged. */
static int report_start(const struct nsb_config *cfg, const struct nsb_plan *plan, pid_t pid,
                        unsigned long flags, int sync_fd)
{
	bool want[_NSB_NS_MAX] = {
	        [NSB_NS_CGROUP] = flags & CLONE_NEWCGROUP,
	        [NSB_NS_IPC] = flags & CLONE_NEWIPC,
	        [NSB_NS_MNT] = true,
	        [NSB_NS_NET] = flags & CLONE_NEWNET,
	        [NSB_NS_PID] = flags & CLONE_NEWPID,
	        [NSB_NS_UTS] = flags & CLONE_NEWUTS,
	};
	struct nsb_ns_ids ids;
	pid_t ns_pid = pid;
	char buf[1024];
	int r, n;

	if (!plan->report)
		return 0;
	if (plan->pidns_relay) {
		/* The relay's child, pid 1 of the new pid namespace, tells its
		 * pid: every namespace is read there (the relay itself may
		 * already be out of reach). */
		struct nsb_sync_msg m = {.fd = -1};

		r = nsb_sync_expect(sync_fd, NSB_SYNC_PIDNS, &m);
		if (r == -EPIPE)
			return r; /* the sandbox ended; its status tells */
		if (r < 0 && m.type == NSB_SYNC_ERROR) {
			nsb_err("%s", m.text);
			return r;
		}
		if (r < 0 || m.pid <= 0)
			return nsb_log_errno(r < 0 ? r : EBADMSG, "--pidns: no pid namespace");
		ns_pid = m.pid;
		want[NSB_NS_PID] = true;
	}
	r = nsb_ns_ids_read(ns_pid, want, &ids);
	if (r < 0)
		return nsb_log_errno(r, "cannot read the namespaces of the sandbox");
	if (cfg->info_fd >= 0) {
		n = nsb_status_format(buf, sizeof(buf), pid, &ids, false);
		r = n < 0 ? n : nsb_write_all(cfg->info_fd, buf, (size_t)n);
		if (cfg->info_fd != cfg->json_status_fd)
			close(cfg->info_fd);
		if (r < 0)
			return nsb_log_errno(r, "Write to info_fd (--info-fd %d)", cfg->info_fd);
	}
	if (cfg->json_status_fd >= 0) {
		n = nsb_status_format(buf, sizeof(buf), pid, &ids, true);
		r = n < 0 ? n : nsb_write_all(cfg->json_status_fd, buf, (size_t)n);
		if (r < 0)
			return nsb_log_errno(r, "--json-status-fd: cannot write to fd %d",
			                     cfg->json_status_fd);
	}
	return 0;
}

/* --userns-block-fd: one byte (1), EOF (0) or -errno; -EPIPE if the
 * sandbox ended meanwhile (say, of a SIGTERM passed on to it), whose end
 * closes its side of the channel: a launcher whose id-map helper hangs
 * can still stop nsbox. */
static int wait_userns_block_fd(int fd, int sync_fd)
{
	struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = sync_fd, .events = POLLIN}};

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[0].revents)
			return nsb_read_byte(fd);
		if (p[1].revents)
			return -EPIPE;
	}
}

/* Before the child may go on: the reports, and with --userns-block-fd the
 * caller's go-ahead (it writes the child's id maps meanwhile). 0 or
 * -errno, logged (but -EPIPE: the child ended and its status says why). */
static int release_child(const struct nsb_config *cfg, const struct nsb_plan *plan, pid_t pid,
                         unsigned long flags, int sync_fd)
{
	int r;

	r = report_start(cfg, plan, pid, flags, sync_fd);
	if (r < 0)
		return r;
	if (cfg->userns_block_fd >= 0) {
		r = wait_userns_block_fd(cfg->userns_block_fd, sync_fd);
		if (r == -EPIPE)
			return r;
		if (r <= 0) {
			nsb_log_errno(r < 0 ? r : EPIPE, "--userns-block-fd: no go-ahead on fd %d",
			              cfg->userns_block_fd);
			/* Not -EPIPE, which means the sandbox ended by itself. */
			return -ECANCELED;
		}
	}
	if (!plan->wait_go)
		return 0;
	nsb_debug("reports written, the sandbox may go on");
	r = nsb_sync_send(sync_fd, NSB_SYNC_GO, 0, NULL);
	/* EPIPE: the child is already gone (a forwarded SIGTERM, say). */
	return r == -EPIPE || r == -ECONNRESET ? -EPIPE
	       : r < 0                         ? nsb_log_errno(r, "cannot release the sandbox")
	                                       : 0;
}

/* Read the sandbox's messages until every copy of its end is closed (or,
 * with drain, until none is waiting): log each error once; tell whether
 * COMMAND was executed. */
static bool follow_child(int sync_fd, bool drain)
{
	bool executed = false;

	for (;;) {
		struct nsb_sync_msg m;
		int r;

		if (drain && fcntl(sync_fd, F_SETFL, O_NONBLOCK) < 0)
			return false;
		r = nsb_sync_recv(sync_fd, &m);
		if (r == 0 || r == -EAGAIN)
			return executed;
		if (r < 0) {
			nsb_log_errno(r, "cannot read from the sandbox");
			return false;
		}
		if (m.fd >= 0)
			close(m.fd);
		if (m.type == NSB_SYNC_EXEC) {
			executed = true;
		} else if (m.type == NSB_SYNC_ERROR) {
			executed = false;
			nsb_err("%s", m.text);
		}
	}
}

/* The monitor's side once the child runs. Returns nsbox's exit status. */
static int monitor(struct nsb_config *cfg, const struct nsb_plan *plan, pid_t pid,
                   unsigned long flags, int sync_fd)
{
	bool executed;
	int status, r;
	char buf[64];

	if (!cfg->no_forward_signals)
		nsb_signals_forward(pid, cfg->new_session && !plan->reaper);
	r = release_child(cfg, plan, pid, flags, sync_fd);
	if (r < 0) {
		/* A child that already ended (say, of a forwarded SIGTERM)
		 * gives its status; one we have to stop, our failure's. */
		(void)follow_child(sync_fd, true);
		if (r == -EPIPE) {
			status = wait_child(pid);
			return status < 0 ? 1 : status;
		}
		(void)kill(pid, SIGKILL);
		(void)wait_child(pid);
		return 1;
	}
	executed = follow_child(sync_fd, false);
	nsb_debug("%s", executed ? "COMMAND was executed" : "the setup ended before COMMAND ran");
	status = wait_child(pid);
	nsb_debug("the sandbox ended with status %d", status);
	if (status < 0)
		return 1;
	if (cfg->kill_on_exit)
		kill_leftovers();
	if (cfg->json_status_fd >= 0 && executed) {
		int n = nsb_status_format_exit(buf, sizeof(buf), status);
		if (n > 0)
			(void)nsb_write_all(cfg->json_status_fd, buf, (size_t)n);
	}
	return status;
}

/* The launch proper, in the namespaces the sandbox is to be created in.
 * Returns nsbox's exit status. */
static int launch_joined(struct nsb_config *cfg, struct nsb_plan *plan, unsigned long flags)
{
	_cleanup_free_ char *cwd = NULL;
	int sync[2], status, r;
	long pid;

	r = nsb_sync_pair(sync);
	if (r == 0 && plan->pidns_relay)
		r = nsb_sync_pass_creds(sync[0]);
	if (r < 0) {
		nsb_log_errno(r, "cannot create the channel to the sandbox");
		return 1;
	}
	cwd = getcwd(NULL, 0);
	plan->cwd = cwd;
	plan->monitor_pid = getpid();
	plan->sync_fd = sync[1];
	if (cfg->kill_on_exit)
		(void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

	fflush(NULL);
	/* A raw clone with fork semantics: all the namespaces at once, so the
	 * new user namespace owns the others. */
	pid = syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
	if (pid < 0) {
		int err = errno;
		nsb_log_errno(err, "cannot create the sandbox namespaces");
		if (plan->userns) {
			char why[1024];

			if (nsb_diag_userns("", err, why, sizeof(why)))
				nsb_err("%s", why);
		}
		close(sync[0]);
		close(sync[1]);
		return 1;
	}
	if (pid == 0) {
		close(sync[0]);
		nsb_sandbox_run_or_die(cfg, plan);
	}
	nsb_debug("sandbox cloned: pid %ld, namespace flags %#lx", pid, flags);

	close(sync[1]);
	/* COMMAND runs with our uid: it must not be able to ptrace us or
	 * open our /proc/PID/exe. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* A report fd or a channel to a child that went away is an error to
	 * handle, not a reason to die (the child keeps its own SIGPIPE). */
	(void)signal(SIGPIPE, SIG_IGN);
	status = monitor(cfg, plan, (pid_t)pid, flags, sync[0]);
	close(sync[0]);
	return status;
}

/* --userns, --pidns: joining changes this process for good (its later
 * children would all land in the joined pid namespace): a forked joiner
 * joins and does the monitor's work while we wait for it. */
static int launch_via_joiner(struct nsb_config *cfg, struct nsb_plan *plan, unsigned long flags)
{
	pid_t joiner = fork();
	int status;

	if (joiner < 0) {
		nsb_log_errno(errno, "cannot fork");
		return 1;
	}
	if (joiner == 0) {
		if (cfg->die_with_parent)
			(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		_exit(join_namespaces(cfg) < 0 ? 1 : launch_joined(cfg, plan, flags));
	}
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (!cfg->no_forward_signals)
		nsb_signals_forward(joiner, false);
	status = wait_child(joiner);
	return status < 0 ? 1 : status;
}

int nsb_launch(struct nsb_config *cfg)
{
	struct nsb_plan plan = {0};
	unsigned long flags = 0;
	int status;

	if (check_fds(cfg) < 0 || plan_namespaces(cfg, &plan, &flags) < 0)
		return 1;
	if (compile_seccomp(cfg, &plan) < 0) {
		free_seccomp(&plan);
		return 1;
	}
	if (cfg->dry_run) {
		_cleanup_free_ char *cwd = getcwd(NULL, 0);

		plan.cwd = cwd;
		status = nsb_dry_run(stdout, cfg, &plan, flags) < 0 ? 1 : 0;
		plan.cwd = NULL;
		free_seccomp(&plan);
		return status;
	}
	/* Before any process is forked, so that every one of them (the joiner,
	 * the monitor, the sandbox) goes when the caller does. */
	if (cfg->die_with_parent)
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (cfg->userns_fd >= 0 || cfg->pidns_fd >= 0)
		status = launch_via_joiner(cfg, &plan, flags);
	else
		status = launch_joined(cfg, &plan, flags);
	free_seccomp(&plan);
	return status;
}
