/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pid 1.
 *
 * Who may look at it: pid 1 holds the sandbox's namespaces for anyone who
 * joins the sandbox (flatpak-style launchers open the /proc/PID/ns files of the
 * "child-pid" that --info-fd and --json-status-fd report), and nothing in
 * it may be of use to COMMAND. Access to /proc/PID/{ns,fd,mem,environ} and
 * ptrace takes the kernel's ptrace access check: same uid, and then for a
 * process that is not dumpable, CAP_SYS_PTRACE in the user namespace of
 * its memory (which is the caller's, since nsbox was executed there), or
 * for a dumpable one, either the same user namespace and a permitted set
 * that includes the target's, or CAP_SYS_PTRACE in the target's user
 * namespace.
 *  - Usually pid 1 is not dumpable: nobody but a privileged host process
 *    can look at it.
 *  - When its pid is reported to an unprivileged launcher (plan->joinable)
 *    the launcher must be able to open its namespaces: pid 1 stays
 *    dumpable and keeps CAP_SYS_PTRACE, and only it, in its permitted set
 *    (never effective). The launcher owns the sandbox's user namespace and
 *    so has CAP_SYS_PTRACE in it. COMMAND passes the check only if it has
 *    CAP_SYS_PTRACE in that user namespace itself -- exactly as when pid 1
 *    was an re-executed nsbox whose memory belonged to the sandbox's user
 *    namespace (0.1), without an execve on every such launch (~0.8 ms). A
 *    COMMAND that does have CAP_SYS_PTRACE finds in pid 1 nothing but
 *    --sync-fd and the lock files: every other fd is closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "log.h"
#include "reaper.h"
#include "signals.h"
#include "sync.h"
#include "util.h"

int nsb_reaper_take_locks(const struct nsb_config *cfg, int **ret_fds)
{
	_cleanup_free_ int *fds = NULL;

	*ret_fds = NULL;
	if (!cfg->n_lock_files)
		return 0;
	fds = calloc(cfg->n_lock_files, sizeof(*fds));
	if (!fds)
		return nsb_log_errno(ENOMEM, "--lock-file");
	for (size_t i = 0; i < cfg->n_lock_files; i++) {
		struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET};

		bool opened;

		fds[i] = open(cfg->lock_files[i], O_RDONLY | O_CLOEXEC | O_NOCTTY);
		opened = fds[i] >= 0;
		if (!opened || fcntl(fds[i], F_SETLK, &fl) < 0) {
			int err = errno;

			for (size_t k = 0; k <= i; k++)
				if (fds[k] >= 0)
					close(fds[k]);
			return nsb_log_errno(err, "%s %s (--lock-file)",
			                     opened ? "Unable to lock file"
			                            : "Unable to open lock file",
			                     cfg->lock_files[i]);
		}
	}
	*ret_fds = TAKE_PTR(fds);
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Close every fd but the n in keep (which it sorts). 0 or -errno. */
static int close_all_but(int *keep, size_t n)
{
	unsigned first = 0;

	qsort(keep, n, sizeof(*keep), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 0 || (unsigned)keep[i] < first)
			continue;
		if ((unsigned)keep[i] > first &&
		    syscall(SYS_close_range, first, (unsigned)keep[i] - 1, 0) < 0)
			return -errno;
		first = (unsigned)keep[i] + 1;
	}
	if (syscall(SYS_close_range, first, ~0U, 0) < 0)
		return -errno;
	return 0;
}

static int lock_down(struct nsb_config *cfg, const struct nsb_plan *plan, int ready_fd,
                     const int *lock_fds)
{
	const uint64_t ptrace = UINT64_C(1) << CAP_SYS_PTRACE;
	_cleanup_free_ int *keep = NULL;
	size_t n = 0;
	int r;

	r = nsb_caps_set(0, plan->joinable ? ptrace : 0, 0);
	if (r < 0)
		return nsb_log_errno(r, "cannot drop the capabilities of pid 1");
	/* Set after the capabilities: dropping them must not be what makes
	 * pid 1 dumpable or not. */
	if (prctl(PR_SET_DUMPABLE, plan->joinable ? 1 : 0, 0, 0, 0) < 0)
		return nsb_log_errno(errno, "cannot set the dumpability of pid 1");
	keep = calloc(cfg->n_lock_files + 3, sizeof(*keep));
	if (!keep)
		return nsb_log_errno(ENOMEM, "cannot lock pid 1 down");
	keep[n++] = ready_fd;
	keep[n++] = plan->sync_fd; /* until the seccomp programs are in */
	if (cfg->sync_fd >= 0)
		keep[n++] = cfg->sync_fd;
	for (size_t i = 0; i < cfg->n_lock_files; i++)
		keep[n++] = lock_fds[i];
	r = close_all_but(keep, n);
	if (r < 0)
		return nsb_log_errno(r, "cannot close the fds of pid 1");
	/* As bubblewrap does, pid 1 runs under COMMAND's programs too (all
	 * but --seccomp's, which is read late, after --block-fd). */
	nsb_sandbox_install_seccomp_or_die(cfg, plan, false);
	nsb_log_set_forward(-1);
	close(plan->sync_fd);
	return 0;
}

void nsb_reaper_run(struct nsb_config *cfg, const struct nsb_plan *plan, pid_t command,
                    int ready_fd, const int *lock_fds)
{
	sigset_t none;
	int status;

	if (!cfg->no_forward_signals)
		nsb_signals_forward(command, cfg->new_session);
	if (lock_down(cfg, plan, ready_fd, lock_fds) < 0) {
		(void)kill(command, SIGKILL);
		_exit(1);
	}
	/* A forked COMMAND's process waits for this before it executes
	 * COMMAND (one sharing our memory has done so already). */
	if (ready_fd >= 0) {
		if (nsb_sync_send(ready_fd, NSB_SYNC_REAPER_READY, 0, NULL) < 0) {
			(void)kill(command, SIGKILL);
			_exit(1);
		}
		close(ready_fd);
	}
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	/* Reap every orphan; leave with COMMAND's status when COMMAND ends (in
	 * a pid namespace the kernel then kills what is left). */
	for (;;) {
		pid_t p = waitpid(-1, &status, 0);
		if (p == command)
			_exit(nsb_exit_status(status));
		if (p < 0 && errno != EINTR)
			_exit(1);
	}
}
