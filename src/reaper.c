/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "log.h"
#include "reaper.h"
#include "util.h"

/* Lock files passed to a re-executed reaper, at most. */
#define REAPER_MAX_LOCKS 256

struct reaper_state {
	pid_t command;
	bool forward, die_with_parent;
	int ready_w, setup_done_r, locked_w;
	const char *const *locks;
	size_t n_locks;
};

/* --lock-file: once the setup child says the new root is in place (our
 * root moved along with it), open and read-lock each file. The locks are
 * this process's, and last as long as it does. */
static void take_locks(const struct reaper_state *st)
{
	if (nsb_read_byte(st->setup_done_r) != 1)
		return; /* the setup failed: nothing to lock */
	for (size_t i = 0; i < st->n_locks; i++) {
		struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
		int fd = open(st->locks[i], O_RDONLY | O_CLOEXEC | O_NOCTTY);

		if (fd < 0 || fcntl(fd, F_SETLK, &fl) < 0) {
			nsb_log_errno(errno, "--lock-file: cannot lock '%s'", st->locks[i]);
			(void)kill(st->command, SIGKILL);
			_exit(1);
		}
	}
	(void)nsb_write_all(st->locked_w, "x", 1);
	close(st->locked_w);
	close(st->setup_done_r);
}

/* Pass signals on, reap every orphan, and leave with COMMAND's status when
 * COMMAND ends (in a pid namespace the kernel then kills what is left).
 * Signals are blocked on entry. */
static _Noreturn void reap(const struct reaper_state *st)
{
	sigset_t none;
	int status;

	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (st->die_with_parent)
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (st->forward)
		nsb_signals_forward(st->command);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	(void)nsb_write_all(st->ready_w, "x", 1);
	close(st->ready_w);
	if (st->n_locks)
		take_locks(st);
	for (;;) {
		pid_t p = waitpid(-1, &status, 0);
		if (p == st->command)
			_exit(nsb_exit_status(status));
		if (p < 0 && errno != EINTR)
			_exit(1);
	}
}

static bool parse_number(const char *s, long min, long *ret)
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

/* argv: NSB_REAPER_ARGV0 PID READY_W SETUP_DONE_R LOCKED_W FORWARD
 * DIE_WITH_PARENT [LOCK_FILE...] */
int nsb_reaper_main(int argc, char **argv)
{
	struct reaper_state st = {0};
	long v[4];

	if (argc < 7 || !parse_number(argv[1], 1, &v[0]))
		return 1;
	for (int i = 1; i < 4; i++)
		if (!parse_number(argv[i + 1], -1, &v[i]))
			return 1;
	st.command = (pid_t)v[0];
	st.ready_w = (int)v[1];
	st.setup_done_r = (int)v[2];
	st.locked_w = (int)v[3];
	st.forward = strcmp(argv[5], "1") == 0;
	st.die_with_parent = strcmp(argv[6], "1") == 0;
	st.locks = (const char *const *)argv + 7;
	st.n_locks = (size_t)(argc - 7);
	reap(&st);
}

/* Re-execute nsbox as the reaper, from the host's root (the setup child
 * waits for us before it moves anything), inside the sandbox's user
 * namespace: a process that executed there belongs to it, so the caller
 * can open its /proc/PID/ns/ files to join the sandbox although it is not
 * dumpable, while COMMAND can neither ptrace it nor reach its executable.
 * Returns only if the exec failed. */
static void reexec(const struct nsb_plan *plan, const struct reaper_state *st)
{
	char nums[4][16], a0[] = NSB_REAPER_ARGV0, fwd[2] = "0", dwp[2] = "0";
	char *argv[7 + REAPER_MAX_LOCKS + 1] = {a0, nums[0], nums[1], nums[2], nums[3], fwd, dwp};
	char *envp[] = {NULL};
	const int fds[] = {st->ready_w, st->setup_done_r, st->locked_w};

	if (st->n_locks > REAPER_MAX_LOCKS)
		return;
	snprintf(nums[0], sizeof(nums[0]), "%d", (int)st->command);
	for (size_t i = 0; i < NSB_ELEMENTSOF(fds); i++) {
		snprintf(nums[i + 1], sizeof(nums[i + 1]), "%d", fds[i]);
		if (fds[i] >= 0)
			(void)fcntl(fds[i], F_SETFD, 0);
	}
	fwd[0] = st->forward ? '1' : '0';
	dwp[0] = st->die_with_parent ? '1' : '0';
	for (size_t i = 0; i < st->n_locks; i++)
		argv[7 + i] = (char *)st->locks[i];
	syscall(SYS_execveat, plan->self_fd, "", argv, envp, AT_EMPTY_PATH);
	nsb_log(NSB_LOG_DEBUG, "cannot re-execute the reaper (%s): it stays as it is",
	        strerror(errno));
}

static void make_pipe_or_die(int fds[2], bool wanted)
{
	fds[0] = fds[1] = -1;
	if (wanted && pipe2(fds, O_CLOEXEC) < 0)
		nsb_die_errno(errno, "cannot create a pipe");
}

void nsb_reaper_start_or_die(struct nsb_config *cfg, const struct nsb_plan *plan,
                             struct nsb_reaper_link *link)
{
	int ready[2], done[2], locked[2];
	struct reaper_state st;
	sigset_t old_mask;
	pid_t pid;

	make_pipe_or_die(ready, true);
	make_pipe_or_die(done, cfg->n_lock_files > 0);
	make_pipe_or_die(locked, cfg->n_lock_files > 0);
	/* Signals wait until the reaper knows where to pass them. */
	nsb_signals_block(true, &old_mask);
	pid = fork();
	if (pid < 0)
		nsb_die_errno(errno, "cannot fork");
	if (pid == 0) {
		nsb_signals_block(false, &old_mask);
		nsb_close_fd(&ready[1]);
		nsb_close_fd(&done[0]);
		nsb_close_fd(&locked[1]);
		*link = (struct nsb_reaper_link){ready[0], done[1], locked[0]};
		return;
	}

	nsb_close_fd(&ready[0]);
	nsb_close_fd(&done[1]);
	nsb_close_fd(&locked[0]);
	/* Our cwd must follow the root through the pivots, not stay on a
	 * host directory. */
	if (chdir("/") < 0)
		nsb_die_errno(errno, "cannot enter /");
	(void)nsb_caps_drop_all();
	nsb_sandbox_release_fds(cfg, plan);
	nsb_sandbox_install_seccomp_or_die(cfg, plan, false);
	st = (struct reaper_state){
	        .command = pid,
	        .forward = !cfg->no_forward_signals,
	        .die_with_parent = cfg->die_with_parent,
	        .ready_w = ready[1],
	        .setup_done_r = done[0],
	        .locked_w = locked[1],
	        .locks = cfg->lock_files,
	        .n_locks = cfg->n_lock_files,
	};
	if (plan->self_fd >= 0) {
		if (cfg->sync_fd >= 0)
			(void)fcntl(cfg->sync_fd, F_SETFD, 0);
		reexec(plan, &st);
	}
	reap(&st);
}

void nsb_reaper_wait_ready(struct nsb_reaper_link *link)
{
	(void)nsb_read_byte(link->ready_r);
	nsb_close_fd(&link->ready_r);
}

void nsb_reaper_hand_over_or_die(struct nsb_reaper_link *link)
{
	if (link->setup_done_w < 0)
		return;
	(void)nsb_write_all(link->setup_done_w, "x", 1);
	nsb_close_fd(&link->setup_done_w);
	if (nsb_read_byte(link->locked_r) != 1)
		_exit(1); /* the reaper said why */
	nsb_close_fd(&link->locked_r);
}
