/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec: another process in a running container. The runtime forks a
 * joiner that enters the container's namespaces with setns() on a pidfd of
 * the container process (all of them at once; the pidfd is checked against
 * the recorded start time, so a reused pid is never joined), then clones
 * the process with CLONE_PARENT: it is the runtime's child (conmon's, as
 * a subreaper, once the runtime is gone) and, in a pid namespace, one of
 * the container's. The runtime moves it into the container's cgroup and
 * sends GO; it then prepares and executes itself as the container process
 * does (oci/container.h), with the container's seccomp program. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "numparse.h"
#include "oci/cgroup.h"
#include "oci/console.h"
#include "oci/container.h"
#include "oci/json.h"
#include "oci/launch.h"
#include "oci/seccomp.h"
#include "oci/state.h"
#include "oci/translate.h"
#include "signals.h"
#include "sync.h"
#include "util.h"

struct exec {
	const struct nsb_oci_cli *cli;
	struct nsb_oci_state st;
	struct nsb_oci_spec spec;
	bool has_spec;
	struct nsb_oci_process file; /* --process */
	bool has_file;
	struct nsb_oci_process proc; /* what runs: the file's, or config's with the options */
	char **env;                  /* owned when built from the options */
	uint32_t *gids;
	char *what;
	struct nsb_oci_bpf bpf;
	bool has_bpf;
	struct nsb_cg_layout cg;
	char *pid_file, *console_socket;
	int pidfd, sync_fd, pty;
	pid_t pid;
};

static void exec_free(struct exec *e)
{
	nsb_close_fd(&e->pidfd);
	nsb_close_fd(&e->sync_fd);
	nsb_close_fd(&e->pty);
	if (e->has_bpf)
		nsb_oci_bpf_free(&e->bpf);
	if (e->has_file)
		nsb_oci_process_free(&e->file);
	if (e->has_spec)
		nsb_oci_spec_free(&e->spec);
	nsb_oci_state_free(&e->st);
	nsb_cgroup_layout_free(&e->cg);
	free(e->env);
	free(e->gids);
	free(e->what);
	free(e->pid_file);
	free(e->console_socket);
}

/* --env KEY=VALUE replaces KEY of process.env, or comes after it. */
static int build_env(struct exec *e)
{
	const struct nsb_oci_cli *cli = e->cli;
	size_t n = e->proc.env.n;

	e->env = calloc(n + cli->n_env + 1, sizeof(char *));
	if (!e->env)
		return -ENOMEM;
	memcpy(e->env, e->proc.env.v, n * sizeof(char *));
	for (size_t i = 0; i < cli->n_env; i++) {
		const char *kv = cli->env[i];
		size_t klen = strcspn(kv, "=");
		size_t k;

		if (!kv[klen] || klen == 0) {
			nsb_err("exec: --env '%s': must be KEY=VALUE", kv);
			return -EINVAL;
		}
		for (k = 0; k < n; k++)
			if (strncmp(e->env[k], kv, klen + 1) == 0)
				break;
		e->env[k] = (char *)kv;
		if (k == n)
			n++;
	}
	e->proc.env.v = e->env;
	e->proc.env.n = n;
	return 0;
}

/* The process from the options and config.json's process, as runc's exec
 * builds it. */
static int from_options(struct exec *e)
{
	const struct nsb_oci_cli *cli = e->cli;
	int r;

	e->proc = e->spec.process;
	e->proc.args.v = cli->args + 1;
	e->proc.args.n = cli->n_args - 1;
	e->proc.terminal = cli->tty;
	e->proc.has_console_size = false;
	if (cli->cwd) {
		if (cli->cwd[0] != '/') {
			nsb_err("exec: --cwd '%s': must be an absolute path", cli->cwd);
			return -EINVAL;
		}
		e->proc.cwd = (char *)cli->cwd;
	}
	if (cli->user) {
		_cleanup_free_ char *u = strdup(cli->user);
		char *colon = u ? strchr(u, ':') : NULL;

		if (!u)
			return -ENOMEM;
		if (colon)
			*colon = '\0';
		if (nsb_parse_id(u, &e->proc.uid) < 0 ||
		    (colon && nsb_parse_id(colon + 1, &e->proc.gid) < 0)) {
			nsb_err("exec: --user '%s': must be UID[:GID] (numbers)", cli->user);
			return -EINVAL;
		}
	}
	if (cli->n_additional_gids) {
		e->gids = calloc(cli->n_additional_gids, sizeof(*e->gids));
		if (!e->gids)
			return -ENOMEM;
		for (size_t i = 0; i < cli->n_additional_gids; i++) {
			if (nsb_parse_id(cli->additional_gids[i], &e->gids[i]) < 0) {
				nsb_err("exec: --additional-gids '%s': not a gid",
				        cli->additional_gids[i]);
				return -EINVAL;
			}
		}
		e->proc.additional_gids = e->gids;
		e->proc.n_additional_gids = cli->n_additional_gids;
	}
	for (size_t i = 0; i < cli->n_caps; i++) {
		int cap = -1;

		for (int c = 0; c <= NSB_OCI_CAP_MAX; c++)
			if (nsb_oci_cap_name(c) && strcmp(nsb_oci_cap_name(c), cli->caps[i]) == 0)
				cap = c;
		if (cap < 0) {
			nsb_err("exec: --cap '%s': unknown capability (spell it CAP_X)",
			        cli->caps[i]);
			return -EINVAL;
		}
		for (int s = 0; s < NSB_OCI_CAP_N_SETS; s++)
			e->proc.caps[s] |= UINT64_C(1) << cap;
	}
	if (cli->no_new_privs)
		e->proc.no_new_privileges = true;
	if (cli->process_label)
		e->proc.selinux_label = (char *)cli->process_label;
	if (cli->apparmor)
		e->proc.apparmor_profile = (char *)cli->apparmor;
	/* Each label as given, by the option or by config.json (checked at
	 * create, but this is a new process: libselinux is loaded here). */
	r = nsb_oci_check_labels(
	        cli->apparmor ? "exec: --apparmor" : "config.json: process.apparmorProfile",
	        e->proc.apparmor_profile,
	        cli->process_label ? "exec: --process-label" : "config.json: process.selinuxLabel",
	        e->proc.selinux_label);
	if (r < 0)
		return r;
	r = build_env(e);
	if (r == -ENOMEM)
		return nsb_log_errno(r, "exec");
	e->what = strdup("exec: ");
	if (r < 0)
		return r;
	if (!e->what)
		return nsb_log_errno(ENOMEM, "exec");
	return 0;
}

static int from_file(struct exec *e)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = nsb_json_read_file(AT_FDCWD, e->cli->process, NSB_JSON_MAX_SIZE, &text, &len);
	if (r < 0)
		return nsb_log_errno(r, "exec: --process '%s': cannot read it", e->cli->process);
	r = nsb_oci_process_parse(e->cli->process, text, len, &e->file);
	if (r < 0)
		return r;
	e->has_file = true;
	e->proc = e->file;
	if (asprintf(&e->what, "%s: ", e->cli->process) < 0) {
		e->what = NULL;
		return nsb_log_errno(ENOMEM, "exec");
	}
	return nsb_oci_process_check_host(&e->proc, e->what);
}

static int load(struct exec *e)
{
	const struct nsb_oci_cli *cli = e->cli;
	_cleanup_close_ int root = -1, dir = -1;
	enum nsb_oci_status s;
	int r;

	r = nsb_oci_open_root(cli, false, &root);
	if (r == -ENOENT)
		nsb_err("container '%s' does not exist", cli->args[0]);
	if (r < 0)
		return r;
	r = nsb_oci_container_open(root, cli->args[0], 0, &dir, &e->st);
	if (r < 0)
		return r;
	s = nsb_oci_state_status(&e->st);
	if (s != NSB_OCI_RUNNING && s != NSB_OCI_CREATED &&
	    !(s == NSB_OCI_PAUSED && cli->ignore_paused)) {
		nsb_err("exec: container '%s' is %s, not running", e->st.id,
		        nsb_oci_status_name(s));
		return -EINVAL;
	}
	r = nsb_oci_read_config_copy(dir, &e->spec);
	if (r < 0)
		return r;
	e->has_spec = true;
	r = cli->process ? from_file(e) : from_options(e);
	if (r < 0)
		return r;
	if (e->proc.terminal && !cli->console_socket && cli->detach) {
		nsb_err("exec: a terminal (--tty or process.terminal) with --detach needs "
		        "--console-socket");
		return -EINVAL;
	}
	if (nsb_oci_abs_path(cli->pid_file, &e->pid_file) < 0 ||
	    nsb_oci_abs_path(cli->console_socket, &e->console_socket) < 0)
		return nsb_log_errno(ENOMEM, "exec");
	nsb_oci_cut_caps(&e->proc);
	if (e->spec.linux_.seccomp.present) {
		r = nsb_oci_seccomp_compile(&e->spec.linux_.seccomp, &e->bpf);
		if (r < 0)
			return r;
		e->has_bpf = true;
	}
	r = nsb_oci_state_pidfd(&e->st, &e->pidfd);
	if (r == -ESRCH)
		nsb_err("exec: container '%s' is not running", e->st.id);
	else if (r < 0)
		nsb_log_errno(r, "exec: cannot reach the process of container '%s'", e->st.id);
	return r;
}

/* In the forked joiner: enter the container's namespaces and clone the
 * process there; its pid goes to pid_fd. */
static _Noreturn void join_and_clone(struct exec *e, int pid_fd, int child_sync)
{
	const struct nsb_oci_linux *l = &e->spec.linux_;
	const struct nsb_oci_process *pr = &e->proc;
	struct nsb_oci_proc p = {
	        .process = &e->proc,
	        .what = e->what,
	        .bpf = e->has_bpf ? &e->bpf : NULL,
	        .preserve_fds = e->cli->preserve_fds,
	};
	unsigned long flags = 0;
	pid_t pid;

	nsb_log_set_forward(child_sync);
	if (pr->has_oom_score_adj) {
		char v[16];
		int r;

		snprintf(v, sizeof(v), "%d", pr->oom_score_adj);
		r = nsb_write_file_at(AT_FDCWD, "/proc/self/oom_score_adj", v);
		if (r < 0)
			nsb_die_errno(r, "%soomScoreAdj: cannot set %d", e->what,
			              pr->oom_score_adj);
	}
	for (int ns = 0; ns < NSB_OCI_NS_N; ns++)
		if (l->ns[ns].present)
			flags |= nsb_oci_ns_flag((enum nsb_oci_ns)ns);
	if (setns(e->pidfd, (int)flags) < 0)
		nsb_die_errno(errno, "exec: cannot enter the namespaces of container '%s'",
		              e->st.id);
	pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0) {
		close(pid_fd);
		nsb_oci_exec_run_or_die(&p, child_sync);
	}
	if (pid < 0)
		nsb_die_errno(errno, "exec: cannot start a process in container '%s'", e->st.id);
	_exit(write(pid_fd, &pid, sizeof(pid)) == sizeof(pid) ? 0 : 1);
}

static int spawn(struct exec *e)
{
	int sync[2], p[2], st, r;
	pid_t joiner, pid = -1;
	ssize_t n;

	r = nsb_sync_pair(sync);
	if (r < 0)
		return nsb_log_errno(r, "exec: cannot create a channel");
	e->sync_fd = sync[0];
	r = nsb_oci_fd_above(&sync[1], 3 + e->cli->preserve_fds);
	if (r < 0 || pipe2(p, O_CLOEXEC) < 0) {
		close(sync[1]);
		return nsb_log_errno(r < 0 ? r : errno, "exec");
	}
	fflush(NULL);
	joiner = fork();
	if (joiner == 0) {
		close(p[0]);
		close(sync[0]);
		join_and_clone(e, p[1], sync[1]);
	}
	close(p[1]);
	close(sync[1]);
	if (joiner < 0) {
		close(p[0]);
		return nsb_log_errno(errno, "exec: cannot fork");
	}
	do
		n = read(p[0], &pid, sizeof(pid));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(joiner, &st, 0) < 0 && errno == EINTR)
		;
	if (n != sizeof(pid)) {
		struct nsb_sync_msg m;

		/* The joiner said why. */
		if (nsb_sync_recv(e->sync_fd, &m) == 1 && m.type == NSB_SYNC_ERROR)
			nsb_err("%s", m.text);
		else
			nsb_err("exec: cannot start a process in container '%s'", e->st.id);
		return -EIO;
	}
	e->pid = pid;
	return 0;
}

/* After GO: the process's messages until it executes (EOF after EXEC). */
static int follow(struct exec *e)
{
	bool executed = false;

	for (;;) {
		struct nsb_sync_msg m;
		int r = nsb_sync_recv(e->sync_fd, &m);

		if (r == 0)
			break;
		if (r < 0)
			return nsb_log_errno(r, "exec: cannot read from the process");
		if (m.type == NSB_SYNC_ERROR) {
			nsb_err("%s", m.text);
			return -EIO;
		}
		if (m.type == NSB_SYNC_EXEC) {
			executed = true;
		} else if (m.type == NSB_SYNC_PTY && m.fd >= 0) {
			if (e->console_socket) {
				r = nsb_oci_console_send(e->console_socket, m.fd, NULL);
				close(m.fd);
				if (r < 0)
					return r;
			} else {
				nsb_close_fd(&e->pty);
				e->pty = m.fd;
			}
		} else if (m.fd >= 0) {
			close(m.fd);
		}
	}
	if (!executed) {
		nsb_err("exec: the process ended before executing its command");
		return -EIO;
	}
	return 0;
}

static int exec_steps(struct exec *e)
{
	int r;

	r = load(e);
	if (r >= 0)
		r = spawn(e);
	if (r < 0)
		return r;
	if (e->st.cgroup_path) {
		r = nsb_cgroup_layout_detect("/sys/fs/cgroup", nsb_oci_cli_is_rootless(e->cli),
		                             &e->cg);
		if (r >= 0)
			r = nsb_cgroup_enter(&e->cg, e->st.cgroup_path, e->pid);
		if (r < 0)
			return r;
	}
	r = nsb_sync_send(e->sync_fd, NSB_SYNC_GO, 0, NULL);
	if (r < 0)
		return nsb_log_errno(r, "exec: cannot release the process");
	r = follow(e);
	if (r >= 0 && e->pid_file)
		r = nsb_oci_write_pid_file(e->pid_file, e->pid);
	return r;
}

int nsb_oci_cmd_exec(const struct nsb_oci_cli *cli)
{
	struct exec e = {.cli = cli, .pidfd = -1, .sync_fd = -1, .pty = -1};
	int r, status;

	r = exec_steps(&e);
	if (r < 0 && e.pid > 0) {
		(void)kill(e.pid, SIGKILL);
		(void)nsb_oci_wait(e.pid);
	}
	if (r < 0 || cli->detach) {
		exec_free(&e);
		return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	nsb_signals_forward(e.pid, false);
	if (e.pty >= 0)
		nsb_oci_relay(e.pty);
	status = nsb_oci_wait(e.pid);
	exec_free(&e);
	if (status < 0)
		return nsb_log_errno(status, "exec: cannot wait for the process"), EXIT_FAILURE;
	return status;
}
