/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "log.h"
#include "oci/hooks.h"
#include "util.h"

extern char **environ;

struct output {
	char buf[NSB_OCI_HOOK_OUTPUT_MAX + 1];
	size_t len;
	bool cut;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read what is there; 1 at EOF, 0 when it would block, -errno. */
static int drain(int fd, struct output *o)
{
	for (;;) {
		char tmp[4096];
		ssize_t n = read(fd, tmp, sizeof(tmp));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0)
			return 1;
		if (o->len < NSB_OCI_HOOK_OUTPUT_MAX) {
			size_t k = (size_t)n;

			if (k > NSB_OCI_HOOK_OUTPUT_MAX - o->len) {
				k = NSB_OCI_HOOK_OUTPUT_MAX - o->len;
				o->cut = true;
			}
			memcpy(o->buf + o->len, tmp, k);
			o->len += k;
		} else {
			o->cut = true;
		}
	}
}

_Noreturn static void child(const struct nsb_oci_hook *h, int in, int out, int err_pipe,
                            int root_fd)
{
	char *argv_default[2] = {h->path, NULL};
	char *envp_empty[1] = {NULL};
	sigset_t none;
	int e;

	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		goto fail;
	if (root_fd >= 0 && (fchdir(root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0))
		goto fail;
	/* Whatever nsbox-oci inherited stays out of the hook. */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		for (int fd = 3; fd < 1024; fd++)
			if (fd != err_pipe)
				fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	execve(h->path, h->args.n ? h->args.v : argv_default,
	       h->has_env ? (h->env.n ? h->env.v : envp_empty) : environ);
fail:
	e = errno;
	if (write(err_pipe, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static void output_text(struct output *o)
{
	while (o->len > 0 && (o->buf[o->len - 1] == '\n' || o->buf[o->len - 1] == '\r'))
		o->len--;
	o->buf[o->len] = '\0';
	/* A NUL in the output would cut the message short. */
	for (size_t i = 0; i < o->len; i++)
		if (o->buf[i] == '\0')
			o->buf[i] = ' ';
}

static int report(const struct nsb_oci_hook *h, const char *what, int level, int status,
                  bool timed_out, struct output *o)
{
	char why[128];

	output_text(o);
	if (timed_out)
		snprintf(why, sizeof(why), "timed out after %u s and was killed", h->timeout);
	else if (WIFEXITED(status))
		snprintf(why, sizeof(why), "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "killed by signal %d (%s)", WTERMSIG(status),
		         strsignal(WTERMSIG(status)));
	else
		snprintf(why, sizeof(why), "ended with wait status 0x%x", (unsigned)status);
	nsb_log(level, "%s '%s': %s%s%s%s", what, h->path, why, o->len ? ": " : "", o->buf,
	        o->cut ? "..." : "");
	return -EIO;
}

static int wait_child(pid_t pid, int *status)
{
	pid_t r;

	do
		r = waitpid(pid, status, 0);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static int hook_run(const struct nsb_oci_hook *h, const char *what, const char *state_json,
                    int level, int root_fd)
{
	_cleanup_close_ int in = -1, out_r = -1, out_w = -1, err_r = -1, err_w = -1, pidfd = -1;
	_cleanup_free_ struct output *o = NULL;
	int fds[2], status = 0, exec_errno = 0, r;
	bool exited = false, timed_out = false, eof = false;
	int64_t deadline = h->timeout ? now_ms() + (int64_t)h->timeout * 1000 : 0;
	ssize_t n;
	pid_t pid;

	o = calloc(1, sizeof(*o));
	if (!o)
		return nsb_log_errno(ENOMEM, "%s '%s'", what, h->path);
	in = memfd_create("nsbox-oci-state", MFD_CLOEXEC);
	if (in < 0)
		return nsb_log_errno(errno, "%s '%s': cannot pass the state", what, h->path);
	r = nsb_write_all(in, state_json, strlen(state_json));
	if (r >= 0 && lseek(in, 0, SEEK_SET) < 0)
		r = -errno;
	if (r < 0)
		return nsb_log_errno(r, "%s '%s': cannot pass the state", what, h->path);
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return nsb_log_errno(errno, "%s '%s'", what, h->path);
	out_r = fds[0];
	out_w = fds[1];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return nsb_log_errno(errno, "%s '%s'", what, h->path);
	err_r = fds[0];
	err_w = fds[1];

	pid = fork();
	if (pid < 0)
		return nsb_log_errno(errno, "%s '%s': cannot fork", what, h->path);
	if (pid == 0)
		child(h, in, out_w, err_w, root_fd);
	/* Also from here, so that a kill at the timeout cannot miss a group
	 * the child has not made yet. */
	setpgid(pid, pid);
	nsb_close_fd(&out_w);
	nsb_close_fd(&err_w);
	do
		n = read(err_r, &exec_errno, sizeof(exec_errno));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(exec_errno)) {
		wait_child(pid, &status);
		nsb_log(level, "%s '%s': cannot run it: %s", what, h->path, strerror(exec_errno));
		return exec_errno > 0 ? -exec_errno : -EIO;
	}
	/* The child is ours and not reaped: its pid cannot be reused. */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	while (!exited) {
		struct pollfd p[2] = {
		        {.fd = eof ? -1 : out_r, .events = POLLIN},
		        {.fd = pidfd, .events = POLLIN},
		};
		int wait_ms = -1;

		if (deadline) {
			int64_t left = deadline - now_ms();

			if (left <= 0) {
				timed_out = true;
				break;
			}
			wait_ms = left > 1000000 ? 1000000 : (int)left;
		}
		/* Without pidfds, look at the child every 50 ms. */
		if (pidfd < 0 && (wait_ms < 0 || wait_ms > 50))
			wait_ms = 50;
		r = poll(p, 2, wait_ms);
		if (r < 0 && errno != EINTR)
			break;
		if (!eof && drain(out_r, o) != 0)
			eof = true;
		if (pidfd < 0 || (r > 0 && (p[1].revents & POLLIN))) {
			pid_t w = waitpid(pid, &status, WNOHANG);

			if (w == pid)
				exited = true;
			else if (w < 0 && errno != EINTR)
				break;
		}
	}
	if (!exited) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		wait_child(pid, &status);
	}
	if (!eof)
		drain(out_r, o);
	if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return report(h, what, level, status, timed_out, o);
	return 0;
}

int nsb_oci_hook_run(const struct nsb_oci_hook *h, const char *what, const char *state_json)
{
	return hook_run(h, what, state_json, NSB_LOG_ERR, -1);
}

static int hooks_run(const struct nsb_oci_spec *spec, enum nsb_oci_hook_kind kind,
                     const char *state_json, bool warn_only, int root_fd)
{
	const struct nsb_oci_hooks *hs = &spec->hooks[kind];

	for (size_t i = 0; i < hs->n; i++) {
		char what[64];
		int r;

		snprintf(what, sizeof(what), "%s hook #%zu", nsb_oci_hook_name(kind), i);
		r = hook_run(&hs->v[i], what, state_json, warn_only ? NSB_LOG_WARNING : NSB_LOG_ERR,
		             root_fd);
		if (r < 0 && !warn_only)
			return r;
	}
	return 0;
}

int nsb_oci_hooks_run(const struct nsb_oci_spec *spec, enum nsb_oci_hook_kind kind,
                      const char *state_json, bool warn_only)
{
	return hooks_run(spec, kind, state_json, warn_only, -1);
}

int nsb_oci_hooks_run_in(const struct nsb_oci_spec *spec, enum nsb_oci_hook_kind kind,
                         const char *state_json, int root_fd)
{
	return hooks_run(spec, kind, state_json, false, root_fd);
}
