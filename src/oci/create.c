/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* create, start and run (oci/launch.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "caps.h"
#include "log.h"
#include "oci/cgroup.h"
#include "oci/console.h"
#include "oci/container.h"
#include "oci/hooks.h"
#include "oci/idmap.h"
#include "oci/json.h"
#include "oci/launch.h"
#include "oci/seccomp.h"
#include "oci/state.h"
#include "oci/translate.h"
#include "signals.h"
#include "sync.h"
#include "util.h"

#define START_SOCKET "start"

/* Everything create (and run) holds. */
struct launch {
	const struct nsb_oci_cli *cli;
	const char *id;
	char *bundle; /* absolute */
	char *text;   /* config.json as read */
	size_t len;
	struct nsb_oci_spec spec;
	bool has_spec;
	char *pid_file, *console_socket; /* absolute */
	struct nsb_cg_layout cg;
	char *cgroup_path;                  /* the container's cgroup when made */
	struct nsb_oci_resources resources; /* linux.resources with the default device rules */
	struct nsb_oci_dev_rule *dev_rules;
	struct nsb_oci_plan plan;
	bool has_plan;
	struct nsb_oci_bpf bpf;
	bool has_bpf;
	int root_fd, dir_fd, start_fd, sync_fd;
	bool dir_made;
	struct nsb_oci_state st;
	pid_t pid;
	int pty; /* run without --console-socket: the terminal to relay */
};

static void launch_free(struct launch *l)
{
	nsb_close_fd(&l->start_fd);
	nsb_close_fd(&l->sync_fd);
	nsb_close_fd(&l->dir_fd);
	nsb_close_fd(&l->root_fd);
	nsb_close_fd(&l->pty);
	if (l->has_bpf)
		nsb_oci_bpf_free(&l->bpf);
	if (l->has_plan)
		nsb_oci_plan_free(&l->plan);
	if (l->has_spec)
		nsb_oci_spec_free(&l->spec);
	nsb_cgroup_layout_free(&l->cg);
	nsb_oci_state_free(&l->st);
	free(l->dev_rules);
	free(l->cgroup_path);
	free(l->bundle);
	free(l->text);
	free(l->pid_file);
	free(l->console_socket);
}

int nsb_oci_abs_path(const char *path, char **ret)
{
	_cleanup_free_ char *cwd = NULL;

	*ret = NULL;
	if (!path)
		return 0;
	if (path[0] == '/') {
		*ret = strdup(path);
		return *ret ? 0 : -ENOMEM;
	}
	cwd = getcwd(NULL, 0);
	if (!cwd)
		return -errno;
	return asprintf(ret, "%s/%s", cwd, path) < 0 ? (*ret = NULL, -ENOMEM) : 0;
}

int nsb_oci_write_pid_file(const char *path, pid_t pid)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	char buf[32];
	int r;

	if (asprintf(&tmp, "%s.nsbox-oci-%d", path, (int)getpid()) < 0)
		return nsb_log_errno(ENOMEM, "--pid-file '%s'", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return nsb_log_errno(errno, "--pid-file '%s': cannot write it", path);
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	r = nsb_write_all(fd, buf, strlen(buf));
	if (r >= 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		(void)unlink(tmp);
		return nsb_log_errno(r, "--pid-file '%s': cannot write it", path);
	}
	return 0;
}

/* --- checks and the plan (no side effect yet) ------------------------------------------- */

static int load(struct launch *l)
{
	const struct nsb_oci_cli *cli = l->cli;
	const char *bundle = cli->bundle ? cli->bundle : ".";
	_cleanup_close_ int bfd = -1;
	struct stat st;
	int r;

	l->bundle = realpath(bundle, NULL);
	if (!l->bundle)
		return nsb_log_errno(errno, "--bundle '%s'", bundle);
	bfd = open(l->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bfd < 0)
		return nsb_log_errno(errno, "--bundle '%s'", bundle);
	r = nsb_json_read_file(bfd, "config.json", NSB_JSON_MAX_SIZE, &l->text, &l->len);
	if (r < 0)
		return nsb_log_errno(r, "cannot read '%s/config.json'", l->bundle);
	r = nsb_oci_spec_parse("config.json", l->text, l->len, &l->spec);
	if (r < 0)
		return r;
	l->has_spec = true;
	r = nsb_oci_spec_check_host(&l->spec);
	if (r < 0)
		return r;
	if (!l->spec.has_process) {
		nsb_err("config.json: missing required property 'process' (%s needs it)",
		        nsb_oci_cmd_name(cli->cmd));
		return -EINVAL;
	}
	if (l->spec.process.terminal && !cli->console_socket &&
	    (cli->cmd == NSB_OCI_CMD_CREATE || cli->detach)) {
		nsb_err("%s: process.terminal is true: --console-socket is needed to hand the "
		        "terminal over",
		        nsb_oci_cmd_name(cli->cmd));
		return -EINVAL;
	}
	if (!l->spec.process.terminal && cli->console_socket) {
		nsb_err("%s: --console-socket given but process.terminal is not true",
		        nsb_oci_cmd_name(cli->cmd));
		return -EINVAL;
	}
	if (fstatat(bfd, l->spec.root_path, &st, 0) < 0) {
		nsb_err("config.json: root.path: cannot use it: %s ('%s')", strerror(errno),
		        l->spec.root_path);
		return -EINVAL;
	}
	if (!S_ISDIR(st.st_mode)) {
		nsb_err("config.json: root.path: not a directory ('%s')", l->spec.root_path);
		return -EINVAL;
	}
	if (nsb_oci_abs_path(cli->pid_file, &l->pid_file) < 0 ||
	    nsb_oci_abs_path(cli->console_socket, &l->console_socket) < 0)
		return nsb_log_errno(ENOMEM, "%s", nsb_oci_cmd_name(cli->cmd));
	return 0;
}

/* Capabilities beyond nsbox-oci's own bounding set cannot be given (as
 * nsbox's rule: a container never gets more than its caller could have):
 * left out with a warning. */
void nsb_oci_cut_caps(struct nsb_oci_process *p)
{
	uint64_t have = nsb_caps_bounding(), all = nsb_caps_all(), missing = 0, unknown = 0;

	for (int s = 0; s < NSB_OCI_CAP_N_SETS; s++) {
		missing |= p->caps[s] & all & ~have;
		unknown |= p->caps[s] & ~all;
		p->caps[s] &= have & all;
	}
	for (int c = 0; c < 64; c++) {
		if (missing & (UINT64_C(1) << c))
			nsb_warn("config.json: process.capabilities: %s is not in nsbox-oci's "
			         "bounding set: left out",
			         nsb_oci_cap_name(c) ? nsb_oci_cap_name(c) : "?");
		if (unknown & (UINT64_C(1) << c))
			nsb_warn("config.json: process.capabilities: %s is unknown to this kernel: "
			         "left out",
			         nsb_oci_cap_name(c) ? nsb_oci_cap_name(c) : "?");
	}
}

/* --- side effects, undone on failure ---------------------------------------------------- */

static void undo(struct launch *l)
{
	if (l->pid > 0) {
		(void)kill(l->pid, SIGKILL);
		while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
			;
		l->pid = 0;
	}
	if (l->cgroup_path) {
		(void)nsb_cgroup_destroy(&l->cg, l->cgroup_path);
		free(l->cgroup_path);
		l->cgroup_path = NULL;
	}
	if (l->dir_made) {
		(void)nsb_oci_container_remove(l->root_fd, l->id, l->dir_fd);
		l->dir_made = false;
	}
}

int nsb_oci_open_root(const struct nsb_oci_cli *cli, bool create, int *ret)
{
	_cleanup_free_ char *def = NULL;
	int r;

	if (cli->root)
		return nsb_oci_root_open(cli->root, create, ret);
	r = nsb_oci_root_default(&def);
	return r < 0 ? r : nsb_oci_root_open(def, create, ret);
}

/* The listening socket ROOT/ID/start, reached through the directory's fd
 * (the path may exceed sun_path). */
static int start_socket(struct launch *l)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = -1;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nsb_log_errno(errno, "cannot create the start socket");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/" START_SOCKET, l->dir_fd);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0)
		return nsb_log_errno(errno, "cannot create the start socket");
	l->start_fd = TAKE_FD(fd);
	return 0;
}

static int state_init(struct launch *l)
{
	struct nsb_oci_state *st = &l->st;
	uint64_t start;
	int r;

	st->id = strdup(l->id);
	st->bundle = strdup(l->bundle);
	st->rootfs = strdup(l->plan.rootfs);
	st->oci_version = strdup(l->spec.oci_version ? l->spec.oci_version : NSB_OCI_VERSION);
	if (!st->id || !st->bundle || !st->rootfs || !st->oci_version ||
	    nsb_oci_now_rfc3339(&st->created) < 0)
		return nsb_log_errno(ENOMEM, "cannot record the state");
	st->phase = NSB_OCI_PHASE_CREATING;
	st->owner = geteuid();
	st->runtime_pid = getpid();
	r = nsb_oci_proc_start(getpid(), &start, NULL);
	st->runtime_start = r < 0 ? 0 : start;
	st->annotations.v = calloc(l->spec.annotations.n + 1, sizeof(*st->annotations.v));
	if (!st->annotations.v)
		return nsb_log_errno(ENOMEM, "cannot record the state");
	for (size_t i = 0; i < l->spec.annotations.n; i++) {
		struct nsb_oci_kv *kv = &st->annotations.v[st->annotations.n];

		kv->key = strdup(l->spec.annotations.v[i].key);
		kv->value = strdup(l->spec.annotations.v[i].value);
		st->annotations.n++;
		if (!kv->key || !kv->value)
			return nsb_log_errno(ENOMEM, "cannot record the state");
	}
	if (l->cgroup_path) {
		st->cgroup_path = strdup(l->cgroup_path);
		if (!st->cgroup_path)
			return nsb_log_errno(ENOMEM, "cannot record the state");
	}
	return nsb_oci_state_write(l->dir_fd, st);
}

static int save_config(struct launch *l)
{
	_cleanup_close_ int fd = -1;
	int r;

	fd = openat(l->dir_fd, NSB_OCI_CONFIG_COPY, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return nsb_log_errno(errno, "cannot keep a copy of config.json");
	r = nsb_write_all(fd, l->text, l->len);
	return r < 0 ? nsb_log_errno(r, "cannot keep a copy of config.json") : 0;
}

static int make_cgroup(struct launch *l)
{
	bool rootless = nsb_oci_cli_is_rootless(l->cli);
	_cleanup_free_ char *path = NULL;
	bool made = false;
	int r;

	r = nsb_oci_resources_plan(&l->spec.linux_.resources, &l->resources, &l->dev_rules);
	if (r >= 0)
		r = nsb_cgroup_layout_detect("/sys/fs/cgroup", rootless, &l->cg);
	if (r < 0)
		return r;
	if (l->cg.mode == NSB_CG_NONE)
		return nsb_cgroup_create(&l->cg, "/", &l->resources, 0, &made);
	r = nsb_cgroup_path(&l->cg, l->spec.linux_.cgroups_path, l->cli->systemd_cgroup, l->id,
	                    &path);
	if (r < 0)
		return r;
	r = nsb_cgroup_create(&l->cg, path, &l->resources, 0, &made);
	if (r < 0) {
		/* What was made before the failure goes. */
		(void)nsb_cgroup_destroy(&l->cg, path);
		return r;
	}
	if (made)
		l->cgroup_path = TAKE_PTR(path);
	return 0;
}

/* The container's fds: above the ones --preserve-fds passes on. */
int nsb_oci_fd_above(int *fd, unsigned min)
{
	int n;

	if (*fd >= (int)min)
		return 0;
	n = fcntl(*fd, F_DUPFD_CLOEXEC, (int)min);
	if (n < 0)
		return -errno;
	close(*fd);
	*fd = n;
	return 0;
}

/* Join linux.namespaces' paths (the user namespace first), then clone the
 * container as a child of our own parent... of ours: CLONE_PARENT from a
 * forked joiner keeps create's process itself out of them. The pid, or
 * -errno (logged). */
static pid_t clone_joined(struct launch *l, struct nsb_oci_init *in, unsigned long flags)
{
	static const enum nsb_oci_ns order[] = {NSB_OCI_NS_USER, NSB_OCI_NS_PID, NSB_OCI_NS_NETWORK,
	                                        NSB_OCI_NS_IPC,  NSB_OCI_NS_UTS, NSB_OCI_NS_CGROUP,
	                                        NSB_OCI_NS_TIME};
	int p[2], st;
	pid_t joiner, pid = -1;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return nsb_log_errno(errno, "cannot join the namespaces");
	joiner = fork();
	if (joiner < 0) {
		close(p[0]);
		close(p[1]);
		return nsb_log_errno(errno, "cannot fork");
	}
	if (joiner == 0) {
		close(p[0]);
		for (size_t i = 0; i < NSB_ELEMENTSOF(order); i++) {
			const char *path = l->plan.join[order[i]];
			int fd;

			if (!path)
				continue;
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || setns(fd, (int)nsb_oci_ns_flag(order[i])) < 0)
				nsb_die_errno(errno,
				              "config.json: linux.namespaces: cannot join the %s "
				              "namespace '%s'",
				              nsb_oci_ns_name(order[i]), path);
			close(fd);
		}
		pid = (pid_t)syscall(SYS_clone, flags | CLONE_PARENT, NULL, NULL, NULL, NULL);
		if (pid == 0) {
			close(p[1]);
			nsb_oci_init_run_or_die(in);
		}
		if (pid < 0)
			nsb_die_errno(errno, "cannot create the container's namespaces");
		_exit(write(p[1], &pid, sizeof(pid)) == sizeof(pid) ? 0 : 1);
	}
	close(p[1]);
	do
		n = read(p[0], &pid, sizeof(pid));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(joiner, &st, 0) < 0 && errno == EINTR)
		;
	if (n != sizeof(pid)) {
		/* The joiner said why on the channel; its text comes with the
		 * caller's reading of it. */
		struct nsb_sync_msg m;

		if (fcntl(l->sync_fd, F_SETFL, O_NONBLOCK) == 0 &&
		    nsb_sync_recv(l->sync_fd, &m) == 1 && m.type == NSB_SYNC_ERROR)
			nsb_err("%s", m.text);
		(void)fcntl(l->sync_fd, F_SETFL, 0);
		return -ECHILD;
	}
	return pid;
}

static bool joins(const struct nsb_oci_plan *p)
{
	for (int ns = 0; ns < NSB_OCI_NS_N; ns++)
		if (p->join[ns])
			return true;
	return false;
}

static int clone_container(struct launch *l)
{
	unsigned first = 3 + l->cli->preserve_fds;
	unsigned long flags = l->plan.clone_flags | SIGCHLD;
	struct nsb_oci_init in = {
	        .spec = &l->spec,
	        .plan = &l->plan,
	        .proc = {.process = &l->spec.process,
	                 .what = "config.json: process.",
	                 .bpf = l->has_bpf ? &l->bpf : NULL,
	                 .preserve_fds = l->cli->preserve_fds},
	        .state = &l->st,
	        .no_new_keyring = l->cli->no_new_keyring,
	};
	int sync[2], r;
	pid_t pid;

	r = nsb_sync_pair(sync);
	if (r < 0)
		return nsb_log_errno(r, "cannot create the channel to the container");
	l->sync_fd = sync[0];
	r = nsb_oci_fd_above(&sync[1], first);
	if (r >= 0)
		r = nsb_oci_fd_above(&l->start_fd, first);
	if (r < 0) {
		close(sync[1]);
		return nsb_log_errno(r, "--preserve-fds %u", l->cli->preserve_fds);
	}
	in.sync_fd = sync[1];
	in.start_fd = l->start_fd;
	fflush(NULL);
	if (joins(&l->plan)) {
		pid = clone_joined(l, &in, flags);
	} else {
		pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
		if (pid == 0)
			nsb_oci_init_run_or_die(&in);
		if (pid < 0 && errno == EPERM && !l->plan.new_userns && geteuid() != 0)
			pid = nsb_log_errno(errno,
			                    "cannot create the container's namespaces (without "
			                    "root, linux.namespaces needs a user namespace: see "
			                    "nsbox-oci spec --rootless)");
		else if (pid < 0)
			pid = nsb_log_errno(errno, "cannot create the container's namespaces");
	}
	close(sync[1]);
	/* The container holds the start socket now. */
	nsb_close_fd(&l->start_fd);
	if (pid < 0)
		return pid;
	l->pid = pid;
	nsb_debug("container process: pid %d", (int)pid);
	return 0;
}

static int run_hooks(struct launch *l, enum nsb_oci_hook_kind kind, enum nsb_oci_status status,
                     bool warn_only)
{
	_cleanup_free_ char *json = NULL;

	if (!l->spec.hooks[kind].n)
		return 0;
	if (nsb_oci_state_text(&l->st, status, l->st.pid, &json) < 0)
		return nsb_log_errno(ENOMEM, "the %s hooks", nsb_oci_hook_name(kind));
	return nsb_oci_hooks_run(&l->spec, kind, json, warn_only);
}

/* The container's messages until CREATED. */
static int follow(struct launch *l)
{
	for (;;) {
		struct nsb_sync_msg m;
		int r = nsb_sync_recv(l->sync_fd, &m);

		if (r == 0) {
			nsb_err("the container process ended during its setup");
			return -EPIPE;
		}
		if (r < 0)
			return nsb_log_errno(r, "cannot read from the container process");
		switch (m.type) {
		case NSB_SYNC_ERROR:
			nsb_err("%s", m.text);
			return -EIO;
		case NSB_SYNC_ROOT_READY:
			r = run_hooks(l, NSB_OCI_HOOK_PRESTART, NSB_OCI_CREATING, false);
			if (r >= 0)
				r = run_hooks(l, NSB_OCI_HOOK_CREATE_RUNTIME, NSB_OCI_CREATING,
				              false);
			if (r >= 0)
				r = nsb_sync_send(l->sync_fd, NSB_SYNC_GO, 0, NULL);
			if (r < 0)
				return r;
			break;
		case NSB_SYNC_PTY:
			if (m.fd < 0) {
				nsb_err("the container sent no terminal");
				return -EBADMSG;
			}
			if (l->console_socket) {
				r = nsb_oci_console_send(l->console_socket, m.fd, NULL);
				close(m.fd);
				if (r < 0)
					return r;
			} else {
				l->pty = m.fd;
			}
			break;
		case NSB_SYNC_CREATED:
			return 0;
		default:
			if (m.fd >= 0)
				close(m.fd);
			nsb_err("unexpected %s from the container process",
			        nsb_sync_type_name(m.type));
			return -EBADMSG;
		}
	}
}

static int create_steps(struct launch *l)
{
	struct nsb_oci_host host;
	char pid_text[16];
	int r;

	r = load(l);
	if (r < 0)
		return r;
	nsb_oci_cut_caps(&l->spec.process);
	if (l->spec.linux_.seccomp.present) {
		r = nsb_oci_seccomp_compile(&l->spec.linux_.seccomp, &l->bpf);
		if (r < 0)
			return r;
		l->has_bpf = true;
	}
	r = nsb_oci_open_root(l->cli, true, &l->root_fd);
	if (r < 0)
		return r;
	r = nsb_oci_container_new(l->root_fd, l->id, &l->dir_fd);
	if (r < 0)
		return r;
	l->dir_made = true;
	r = make_cgroup(l);
	if (r < 0)
		return r;
	host = (struct nsb_oci_host){.cg = &l->cg, .cgroup_path = l->cgroup_path};
	r = nsb_oci_translate(&l->spec, l->bundle, &host, &l->plan);
	if (r < 0)
		return r;
	l->has_plan = true;
	r = state_init(l);
	if (r >= 0)
		r = save_config(l);
	if (r >= 0)
		r = start_socket(l);
	if (r < 0)
		return r;
	/* Hooks run in the bundle, as runc's. */
	if (chdir(l->bundle) < 0)
		return nsb_log_errno(errno, "cannot enter the bundle '%s'", l->bundle);
	r = clone_container(l);
	if (r < 0)
		return r;
	if (l->plan.new_userns) {
		r = nsb_oci_idmap_write(l->pid, &l->spec.linux_);
		if (r < 0)
			return r;
	}
	if (l->cgroup_path) {
		r = nsb_cgroup_enter(&l->cg, l->cgroup_path, l->pid);
		if (r < 0)
			return r;
	}
	l->st.pid = l->pid;
	r = nsb_oci_proc_start(l->pid, &l->st.pid_start, NULL);
	if (r < 0)
		return nsb_log_errno(r, "cannot read the container process's start time");
	r = nsb_oci_state_write(l->dir_fd, &l->st);
	if (r < 0)
		return r;
	snprintf(pid_text, sizeof(pid_text), "%d", (int)l->pid);
	r = nsb_sync_send(l->sync_fd, NSB_SYNC_GO, 0, pid_text);
	if (r < 0)
		return nsb_log_errno(r, "cannot release the container process");
	r = follow(l);
	if (r < 0)
		return r;
	l->st.phase = NSB_OCI_PHASE_CREATED;
	r = nsb_oci_state_write(l->dir_fd, &l->st);
	if (r >= 0 && l->pid_file)
		r = nsb_oci_write_pid_file(l->pid_file, l->pid);
	return r;
}

static int create(struct launch *l)
{
	int r;

	r = create_steps(l);
	if (r < 0)
		undo(l);
	nsb_close_fd(&l->sync_fd);
	return r;
}

static void launch_init(struct launch *l, const struct nsb_oci_cli *cli)
{
	*l = (struct launch){
	        .cli = cli,
	        .id = cli->args[0],
	        .root_fd = -1,
	        .dir_fd = -1,
	        .start_fd = -1,
	        .sync_fd = -1,
	        .pty = -1,
	};
}

int nsb_oci_cmd_create(const struct nsb_oci_cli *cli)
{
	struct launch l;
	int r;

	launch_init(&l, cli);
	r = create(&l);
	/* The container process is no child of a process that ends now. */
	launch_free(&l);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* --- start ------------------------------------------------------------------------------- */

static int connect_start(int dir_fd)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = -1;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/" START_SOCKET, dir_fd);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return TAKE_FD(fd);
}

/* Let the created container run, and wait until it executed. */
static int start_container(struct nsb_oci_state *st, int dir_fd, const struct nsb_oci_spec *spec)
{
	_cleanup_close_ int fd = -1;
	bool executed = false;
	int r;

	fd = connect_start(dir_fd);
	if (fd < 0)
		return nsb_log_errno(fd, "start: cannot reach container '%s'", st->id);
	r = nsb_sync_send(fd, NSB_SYNC_START, 0, NULL);
	if (r < 0)
		return nsb_log_errno(r, "start: cannot reach container '%s'", st->id);
	for (;;) {
		struct nsb_sync_msg m;

		r = nsb_sync_recv(fd, &m);
		if (r == 0)
			break;
		if (r < 0)
			return nsb_log_errno(r, "start: cannot read from container '%s'", st->id);
		if (m.type == NSB_SYNC_ERROR) {
			nsb_err("%s", m.text);
			return -EIO;
		}
		if (m.type == NSB_SYNC_EXEC) {
			executed = true;
		} else if (m.type == NSB_SYNC_LISTENER && m.fd >= 0) {
			_cleanup_free_ char *json = NULL;

			r = nsb_oci_state_text(st, NSB_OCI_CREATED, st->pid, &json);
			if (r >= 0)
				r = nsb_oci_seccomp_send_listener(
				        spec->linux_.seccomp.listener_path, m.fd, st->pid,
				        spec->linux_.seccomp.listener_metadata, json);
			close(m.fd);
			if (r < 0)
				return r;
		} else if (m.fd >= 0) {
			close(m.fd);
		}
	}
	if (!executed) {
		nsb_err("start: the process of container '%s' ended before executing "
		        "process.args",
		        st->id);
		return -EIO;
	}
	st->phase = NSB_OCI_PHASE_STARTED;
	(void)unlinkat(dir_fd, START_SOCKET, 0);
	return nsb_oci_state_write(dir_fd, st);
}

int nsb_oci_read_config_copy(int dir_fd, struct nsb_oci_spec *spec)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = nsb_json_read_file(dir_fd, NSB_OCI_CONFIG_COPY, NSB_JSON_MAX_SIZE, &text, &len);
	if (r < 0)
		return nsb_log_errno(r, "cannot read the container's config.json");
	return nsb_oci_spec_parse("config.json", text, len, spec);
}

static void poststart(const struct nsb_oci_state *st, const struct nsb_oci_spec *spec)
{
	_cleanup_free_ char *json = NULL;

	if (!spec->hooks[NSB_OCI_HOOK_POSTSTART].n)
		return;
	if (nsb_oci_state_text(st, NSB_OCI_RUNNING, st->pid, &json) < 0)
		return;
	/* The container runs: a failing poststart hook is only a warning. */
	(void)nsb_oci_hooks_run(spec, NSB_OCI_HOOK_POSTSTART, json, true);
}

int nsb_oci_cmd_start(const struct nsb_oci_cli *cli)
{
	_cleanup_close_ int root = -1, dir = -1;
	struct nsb_oci_state st = {0};
	struct nsb_oci_spec spec = {0};
	enum nsb_oci_status s;
	bool has_spec = false;
	int r;

	r = nsb_oci_open_root(cli, false, &root);
	if (r == -ENOENT)
		nsb_err("container '%s' does not exist", cli->args[0]);
	if (r >= 0)
		r = nsb_oci_container_open(root, cli->args[0], LOCK_EX, &dir, &st);
	if (r >= 0) {
		s = nsb_oci_state_status(&st);
		if (s != NSB_OCI_CREATED) {
			nsb_err("start: container '%s' is %s, not created", st.id,
			        nsb_oci_status_name(s));
			r = -EINVAL;
		}
	}
	if (r >= 0) {
		r = nsb_oci_read_config_copy(dir, &spec);
		has_spec = r >= 0;
	}
	if (r >= 0)
		r = start_container(&st, dir, &spec);
	nsb_close_fd(&dir);
	if (r >= 0)
		poststart(&st, &spec);
	if (has_spec)
		nsb_oci_spec_free(&spec);
	nsb_oci_state_free(&st);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* --- run ---------------------------------------------------------------------------------- */

static struct termios saved_tty;
static bool tty_raw;

static void tty_restore(void)
{
	if (tty_raw)
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
	tty_raw = false;
}

/* run without --console-socket: our terminal is the container's. */
void nsb_oci_relay(int master)
{
	struct termios raw;
	bool in_open = true;
	char buf[8192];

	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tty) == 0) {
		struct winsize ws;

		raw = saved_tty;
		cfmakeraw(&raw);
		tty_raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
		if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
			(void)ioctl(master, TIOCSWINSZ, &ws);
	}
	for (;;) {
		struct pollfd p[2] = {{.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN},
		                      {.fd = master, .events = POLLIN}};
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents) {
			n = read(master, buf, sizeof(buf));
			if (n <= 0)
				break;
			if (nsb_write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
				break;
		}
		if (p[0].revents) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0)
				in_open = false;
			else if (nsb_write_all(master, buf, (size_t)n) < 0)
				break;
		}
	}
	tty_restore();
}

int nsb_oci_wait(pid_t pid)
{
	int st;

	for (;;) {
		if (waitpid(pid, &st, 0) == pid)
			return nsb_exit_status(st);
		if (errno != EINTR)
			return -errno;
	}
}

int nsb_oci_cmd_run(const struct nsb_oci_cli *cli)
{
	struct launch l;
	int r, status;

	launch_init(&l, cli);
	r = create(&l);
	if (r >= 0) {
		r = start_container(&l.st, l.dir_fd, &l.spec);
		if (r < 0)
			undo(&l);
	}
	if (r < 0) {
		launch_free(&l);
		return EXIT_FAILURE;
	}
	/* Other commands may act on the running container now. */
	nsb_close_fd(&l.dir_fd);
	poststart(&l.st, &l.spec);
	if (cli->detach) {
		launch_free(&l);
		return EXIT_SUCCESS;
	}
	nsb_signals_forward(l.pid, false);
	if (l.pty >= 0)
		nsb_oci_relay(l.pty);
	status = nsb_oci_wait(l.pid);
	launch_free(&l);
	if (status < 0)
		return nsb_log_errno(status, "cannot wait for the container"), EXIT_FAILURE;
	if (!cli->keep && nsb_oci_cmd_delete(cli) != EXIT_SUCCESS)
		nsb_warn("run: container '%s' could not be deleted", cli->args[0]);
	return status;
}
