/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "launch.h"
#include "log.h"
#include "sandbox.h"
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

static int read_int_file(const char *path, long *ret)
{
	char buf[32];
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -errno;
	ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	if (!ok)
		return -EIO;
	*ret = strtol(buf, NULL, 10);
	return 0;
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

/* Say which knob refused the user namespace, and how to change it. */
static void explain_userns_failure(int err)
{
	long v;

	if (read_int_file("/proc/sys/user/max_user_namespaces", &v) == 0 && v == 0)
		nsb_err("user namespaces are disabled: user.max_user_namespaces is 0 "
			"(sysctl -w user.max_user_namespaces=15000)");
	else if (err == ENOSPC || err == EUSERS)
		nsb_err("too many nested or existing user namespaces "
			"(user.max_user_namespaces, or the nesting limit of 32)");
	else if (read_int_file("/proc/sys/kernel/unprivileged_userns_clone", &v) == 0 && v == 0)
		nsb_err("unprivileged user namespaces are disabled: "
			"kernel.unprivileged_userns_clone "
			"is 0 (sysctl -w kernel.unprivileged_userns_clone=1)");
	else if (read_int_file("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", &v) == 0 &&
		 v == 1)
		nsb_err("AppArmor restricts unprivileged user namespaces: "
			"kernel.apparmor_restrict_unprivileged_userns is 1 (give nsbox an AppArmor "
			"profile that allows userns, or set it to 0)");
	else if (err == EPERM)
		nsb_err("user namespaces are refused here: inside a container, the container "
			"must allow creating them (e.g. seccomp or missing capabilities)");
}

static int plan_namespaces(const struct nsb_config *cfg, struct nsb_plan *plan,
			   unsigned long *ret_flags)
{
	unsigned long flags = CLONE_NEWNS | SIGCHLD;
	bool has_dev = false;

	plan->userns = cfg->real_uid != 0 || cfg->unshare_user ||
		       (cfg->unshare_user_try && userns_seems_possible());
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
	if (cfg->unshare_pid)
		flags |= CLONE_NEWPID;
	if (cfg->unshare_net)
		flags |= CLONE_NEWNET;
	if (cfg->unshare_uts)
		flags |= CLONE_NEWUTS;

	for (size_t i = 0; i < cfg->n_ops; i++)
		has_dev |= cfg->ops[i].kind == NSB_OP_DEV;
	plan->pidns = cfg->unshare_pid;
	plan->netns = cfg->unshare_net;
	plan->nested_userns =
		plan->userns && has_dev && (cfg->sandbox_uid != 0 || cfg->sandbox_gid != 0);
	plan->reaper = cfg->unshare_pid && !cfg->as_pid_1;
	plan->keep_caps = cfg->real_uid == 0 && cfg->sandbox_uid == 0;
	plan->outer_uid = cfg->real_uid;
	plan->outer_gid = cfg->real_gid;
	plan->monitor_pid = getpid();
	*ret_flags = flags;
	return 0;
}

static int wait_child(pid_t pid)
{
	int st;

	for (;;) {
		pid_t p = waitpid(pid, &st, 0);
		if (p == pid)
			break;
		if (p < 0 && errno != EINTR)
			return nsb_log_errno(errno, "cannot wait for the sandbox"), 1;
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 255;
}

int nsb_launch(const struct nsb_config *cfg)
{
	_cleanup_free_ char *cwd = NULL;
	struct nsb_plan plan = {0};
	unsigned long flags = 0;
	long pid;

	if (plan_namespaces(cfg, &plan, &flags) < 0)
		return 1;
	cwd = getcwd(NULL, 0);
	plan.cwd = cwd;
	if (cfg->die_with_parent)
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);

	fflush(NULL);
	/* A raw clone with fork semantics: all the namespaces at once, so the
	 * new user namespace owns the others. */
	pid = syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
	if (pid < 0) {
		int err = errno;
		nsb_log_errno(err, "cannot create the sandbox namespaces");
		if (plan.userns &&
		    (err == EPERM || err == ENOSPC || err == EUSERS || err == EINVAL))
			explain_userns_failure(err);
		return 1;
	}
	if (pid == 0)
		nsb_sandbox_run_or_die(cfg, &plan);

	/* COMMAND runs with our uid: it must not be able to ptrace us or
	 * open our /proc/PID/exe. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return wait_child((pid_t)pid);
}
