/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "log.h"
#include "mount.h"
#include "numparse.h"
#include "oci/console.h"
#include "oci/container.h"
#include "oci/hooks.h"
#include "ops.h"
#include "rlimit.h"
#include "sandbox.h"
#include "selinux.h"
#include "sync.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The PATH a process without one in its environment searches (runc's). */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int nsb_oci_state_text(const struct nsb_oci_state *st, enum nsb_oci_status status, pid_t pid,
                       char **ret)
{
	struct nsb_oci_state copy = *st;
	size_t len = 0;
	FILE *f;
	int r;

	copy.pid = pid;
	f = open_memstream(ret, &len);
	if (!f)
		return -ENOMEM;
	r = nsb_oci_state_json(f, &copy, status, NULL, NULL);
	if (fclose(f) != 0 || r < 0) {
		free(*ret);
		*ret = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* --- preparing a process ------------------------------------------------------------- */

static void rlimits_or_die(const struct nsb_oci_proc *p)
{
	const struct nsb_oci_process *pr = p->process;

	for (size_t i = 0; i < pr->n_rlimits; i++) {
		const struct nsb_oci_rlimit *l = &pr->rlimits[i];
		struct rlimit rl = {.rlim_cur = l->soft, .rlim_max = l->hard};
		const char *name = nsb_rlimit_name(l->resource);

		if (setrlimit(l->resource, &rl) == 0)
			continue;
		if (errno == EPERM)
			nsb_die("%srlimits[%zu]: cannot set RLIMIT_%s to %llu:%llu: %s (raising a "
			        "hard limit above the current one needs CAP_SYS_RESOURCE, which "
			        "this process does not have)",
			        p->what, i, name ? name : "?", (unsigned long long)l->soft,
			        (unsigned long long)l->hard, strerror(errno));
		nsb_die_errno(errno, "%srlimits[%zu]: cannot set RLIMIT_%s to %llu:%llu", p->what,
		              i, name ? name : "?", (unsigned long long)l->soft,
		              (unsigned long long)l->hard);
	}
}

struct sched_attr_v1 {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

static void attributes_or_die(const struct nsb_oci_proc *p)
{
	const struct nsb_oci_process *pr = p->process;

	if (pr->has_io_priority && syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0,
	                                   (int)pr->io_class << 13 | pr->io_priority) < 0)
		nsb_die_errno(errno, "%sioPriority: cannot set it", p->what);
	if (pr->has_scheduler) {
		struct sched_attr_v1 a = {
		        .size = sizeof(a),
		        .sched_policy = (uint32_t)pr->sched_policy,
		        .sched_flags = pr->sched_flags,
		        .sched_nice = pr->sched_nice,
		        .sched_priority = (uint32_t)pr->sched_priority,
		        .sched_runtime = pr->sched_runtime,
		        .sched_deadline = pr->sched_deadline,
		        .sched_period = pr->sched_period,
		};

		if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
			nsb_die_errno(errno, "%sscheduler: cannot set it", p->what);
	}
}

/* process.terminal: a pty of the container's devpts; its master goes to
 * the runtime. */
static void terminal_or_die(const struct nsb_oci_proc *p, int fd, bool console)
{
	const struct nsb_oci_process *pr = p->process;
	_cleanup_close_ int master = -1, slave = -1;
	char name[64];
	int r;

	r = nsb_oci_pty_open(&master, &slave, name, sizeof(name));
	if (r < 0)
		nsb_die_errno(r, "%sterminal: cannot open a terminal in the container's /dev/ptmx",
		              p->what);
	if (pr->has_console_size) {
		r = nsb_oci_pty_set_size(master, pr->console_height, pr->console_width);
		if (r < 0)
			nsb_die_errno(r, "%sconsoleSize: cannot set it", p->what);
	}
	r = nsb_oci_pty_make_stdio(slave);
	if (r < 0)
		nsb_die_errno(r, "%sterminal: cannot make the terminal the process's own", p->what);
	if (console) {
		/* /dev/console is the container's terminal (as runc binds it). */
		_cleanup_close_ int tree = -1, dest = -1;

		dest = open("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (dest < 0 && errno == ENOENT)
			dest = open("/dev/console",
			            O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		tree = dest < 0 ? -1 : nsb_mount_clone(slave, "", false);
		if (tree < 0 || nsb_mount_move(tree, dest) < 0)
			nsb_debug("no /dev/console in the container");
	}
	r = nsb_sync_send_fd(fd, NSB_SYNC_PTY, master);
	if (r < 0)
		nsb_die_errno(r, "cannot pass the terminal on");
}

static bool executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/* process.args[0] as execve will take it: looked up in the process's own
 * PATH when it has no slash. Malloc'ed. */
static char *find_executable_or_die(const struct nsb_oci_proc *p)
{
	const struct nsb_oci_process *pr = p->process;
	const char *arg0 = pr->args.v[0], *path = DEFAULT_PATH;
	char *found;

	if (strchr(arg0, '/')) {
		if (access(arg0, F_OK) < 0)
			nsb_die_errno(errno, "exec: '%s'", arg0);
		found = strdup(arg0);
		if (!found)
			nsb_die_errno(ENOMEM, "exec: '%s'", arg0);
		return found;
	}
	for (size_t i = 0; i < pr->env.n; i++)
		if (strncmp(pr->env.v[i], "PATH=", 5) == 0)
			path = pr->env.v[i] + 5;
	for (const char *dir = path; dir; dir = strchr(dir, ':') ? strchr(dir, ':') + 1 : NULL) {
		size_t len = strcspn(dir, ":");

		/* An empty entry is the working directory. */
		if (asprintf(&found, "%.*s%s%s", (int)len, dir, len ? "/" : "", arg0) < 0)
			nsb_die_errno(ENOMEM, "exec: '%s'", arg0);
		if (executable(found))
			return found;
		free(found);
	}
	nsb_die("exec: '%s': executable file not found in $PATH", arg0);
}

/* Only the fds the process is to get stay: 0-2, the preserved ones (the
 * runtime put its own above them), and the channels (close-on-exec). */
static void close_fds(const struct nsb_oci_proc *p, int keep1, int keep2)
{
	unsigned first = 3 + p->preserve_fds, from = first;
	int keep[2] = {keep1 < keep2 ? keep1 : keep2, keep1 < keep2 ? keep2 : keep1};

	for (int k = 0; k < 2; k++) {
		if (keep[k] < 0 || (unsigned)keep[k] < from)
			continue;
		if ((unsigned)keep[k] > from &&
		    syscall(SYS_close_range, from, (unsigned)keep[k] - 1, 0) < 0)
			nsb_die_errno(errno, "cannot close the runtime's files");
		from = (unsigned)keep[k] + 1;
	}
	if (syscall(SYS_close_range, from, ~0U, 0) < 0)
		nsb_die_errno(errno, "cannot close the runtime's files");
	/* The preserved fds are the process's own from now on. */
	for (unsigned fd = 3; fd < first; fd++) {
		int fl = fcntl((int)fd, F_GETFD);

		if (fl >= 0)
			(void)fcntl((int)fd, F_SETFD, fl & ~FD_CLOEXEC);
	}
}

/* Everything that can fail before the process is started for real.
 * Returns the executable's path. */
/* process.selinuxLabel and process.apparmorProfile: both take effect at
 * execve (checked on the host by nsb_oci_process_check_host). */
static void labels_or_die(const struct nsb_oci_proc *p)
{
	const struct nsb_oci_process *pr = p->process;

	if (pr->selinux_label && pr->selinux_label[0] &&
	    nsb_selinux_set_exec_label(pr->selinux_label) < 0)
		nsb_die("%sselinuxLabel: cannot set '%s'", p->what, pr->selinux_label);
	if (pr->apparmor_profile && pr->apparmor_profile[0]) {
		_cleanup_free_ char *v = NULL;
		int r;

		if (asprintf(&v, "exec %s", pr->apparmor_profile) < 0)
			nsb_die_errno(ENOMEM, "%sapparmorProfile", p->what);
		/* The AppArmor-specific file of Linux 5.8+, else the shared one. */
		r = nsb_write_file_at(AT_FDCWD, "/proc/thread-self/attr/apparmor/exec", v);
		if (r == -ENOENT)
			r = nsb_write_file_at(AT_FDCWD, "/proc/thread-self/attr/exec", v);
		if (r < 0)
			nsb_die_errno(r,
			              "%sapparmorProfile: cannot set '%s' (is /proc mounted in "
			              "the container?)",
			              p->what, pr->apparmor_profile);
	}
}

static char *prepare_or_die(const struct nsb_oci_proc *p, int fd, bool console, int keep)
{
	const struct nsb_oci_process *pr = p->process;

	if (pr->terminal)
		terminal_or_die(p, fd, console);
	rlimits_or_die(p);
	attributes_or_die(p);
	labels_or_die(p);
	if (chdir(pr->cwd) < 0)
		nsb_die_errno(errno, "%scwd: cannot enter '%s'", p->what, pr->cwd);
	close_fds(p, fd, keep);
	return find_executable_or_die(p);
}

/* --- executing it ---------------------------------------------------------------------- */

static void seccomp_or_die(const struct nsb_oci_proc *p, int fd)
{
	int listener = -1, r;

	if (!p->bpf)
		return;
	r = nsb_oci_seccomp_install(p->bpf, &listener);
	if (r < 0)
		nsb_die_errno(r, "config.json: linux.seccomp: cannot install the filter");
	if (listener >= 0) {
		r = nsb_sync_send_fd(fd, NSB_SYNC_LISTENER, listener);
		close(listener);
		if (r < 0)
			nsb_die_errno(r, "cannot pass the seccomp listener on");
	}
}

/* Is setgroups(2) denied in this user namespace (single-id mapping)? */
static bool setgroups_denied(void)
{
	char buf[16] = "";
	int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return strncmp(buf, "deny", 4) == 0;
}

static void identity_or_die(const struct nsb_oci_proc *p)
{
	const struct nsb_oci_process *pr = p->process;
	uint64_t amb = pr->caps[NSB_OCI_CAP_AMBIENT];
	int r;

	/* The bounding set first, while CAP_SETPCAP is still there. */
	r = nsb_caps_cut_bounding(pr->caps[NSB_OCI_CAP_BOUNDING]);
	if (r < 0)
		nsb_die_errno(r, "%scapabilities.bounding: cannot set it", p->what);
	if (setgroups(pr->n_additional_gids, (const gid_t *)pr->additional_gids) < 0) {
		if (errno != EPERM || pr->n_additional_gids || !setgroups_denied())
			nsb_die_errno(errno, "%suser.additionalGids: cannot set them%s", p->what,
			              setgroups_denied() ? " (setgroups is denied in this user "
			                                   "namespace: map more than one id)"
			                                 : "");
	}
	if (setresgid(pr->gid, pr->gid, pr->gid) < 0)
		nsb_die_errno(errno, "%suser.gid: cannot become gid %u", p->what, pr->gid);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		nsb_die_errno(errno, "cannot keep the capabilities");
	if (setresuid(pr->uid, pr->uid, pr->uid) < 0)
		nsb_die_errno(errno, "%suser.uid: cannot become uid %u", p->what, pr->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		nsb_die_errno(errno, "cannot keep the capabilities");
	r = nsb_caps_set_sets(pr->caps[NSB_OCI_CAP_EFFECTIVE], pr->caps[NSB_OCI_CAP_PERMITTED],
	                      pr->caps[NSB_OCI_CAP_INHERITABLE], amb);
	if (r < 0)
		nsb_die_errno(r,
		              "%scapabilities: cannot set them (permitted must hold effective, "
		              "ambient must be in permitted and inheritable)",
		              p->what);
}

static _Noreturn void exec_or_die(const struct nsb_oci_proc *p, int fd, char *path)
{
	const struct nsb_oci_process *pr = p->process;
	int err;

	if (pr->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		nsb_die_errno(errno, "%snoNewPrivileges: cannot set it", p->what);
	/* The filter is installed with every capability still there, so that
	 * no_new_privs is not needed for it (as runc does). */
	seccomp_or_die(p, fd);
	identity_or_die(p);
	(void)umask(pr->has_umask ? pr->umask : 022);
	if (nsb_sync_send(fd, NSB_SYNC_EXEC, 0, NULL) < 0)
		_exit(1);
	execve(path, pr->args.v, pr->env.v);
	err = errno;
	nsb_die_errno(err, "exec '%s'", path);
}

void nsb_oci_exec_run_or_die(const struct nsb_oci_proc *p, int sync_fd)
{
	char *path;

	nsb_log_set_forward(sync_fd);
	(void)umask(0);
	if (nsb_sync_expect(sync_fd, NSB_SYNC_GO, NULL) < 0)
		_exit(1);
	path = prepare_or_die(p, sync_fd, false, -1);
	exec_or_die(p, sync_fd, path);
}

/* --- the container process ------------------------------------------------------------- */

static void hooks_or_die(struct nsb_oci_init *in, enum nsb_oci_hook_kind kind,
                         enum nsb_oci_status status, pid_t pid, int root_fd)
{
	_cleanup_free_ char *json = NULL;

	if (!in->spec->hooks[kind].n)
		return;
	if (nsb_oci_state_text(in->state, status, pid, &json) < 0)
		nsb_die_errno(ENOMEM, "cannot run the %s hooks", nsb_oci_hook_name(kind));
	if (nsb_oci_hooks_run_in(in->spec, kind, json, root_fd) < 0)
		_exit(1);
}

static void sysctls_or_die(const struct nsb_oci_spec *spec)
{
	const struct nsb_oci_map *m = &spec->linux_.sysctl;

	for (size_t i = 0; i < m->n; i++) {
		char path[PATH_MAX];
		int r;

		snprintf(path, sizeof(path), "/proc/sys/%s", m->v[i].key);
		for (char *c = path + strlen("/proc/sys/"); *c; c++)
			if (*c == '.')
				*c = '/';
		r = nsb_write_file_at(AT_FDCWD, path, m->v[i].value);
		if (r < 0)
			nsb_die_errno(r, "config.json: linux.sysctl: cannot set %s to '%s'",
			              m->v[i].key, m->v[i].value);
	}
}

static void time_offsets_or_die(const struct nsb_oci_linux *l)
{
	static const char *const clocks[2] = {"boottime", "monotonic"};
	char line[128];

	if (unshare(CLONE_NEWTIME) < 0)
		nsb_die_errno(errno,
		              "config.json: linux.namespaces: cannot create a time namespace");
	for (int i = 0; i < 2; i++) {
		int r;

		if (!l->has_time_offsets[i])
			continue;
		snprintf(line, sizeof(line), "%s %lld %u\n", clocks[i],
		         (long long)l->time_offset_secs[i], l->time_offset_nsecs[i]);
		r = nsb_write_file_at(AT_FDCWD, "/proc/self/timens_offsets", line);
		if (r < 0)
			nsb_die_errno(r, "config.json: linux.timeOffsets.%s: cannot set it",
			              clocks[i]);
	}
}

/* Step 2: the namespaces' own settings, while the host's /proc is there. */
static void namespaces_or_die(struct nsb_oci_init *in)
{
	const struct nsb_oci_spec *s = in->spec;
	const struct nsb_oci_plan *plan = in->plan;

	/* Root of a new user namespace (it was mapped by create): what is
	 * created from now on belongs to the container's root. */
	if (plan->new_userns) {
		if (setresgid(0, 0, 0) < 0 && errno != EINVAL)
			nsb_die_errno(errno, "cannot become gid 0 in the user namespace");
		if (setresuid(0, 0, 0) < 0 && errno != EINVAL)
			nsb_die_errno(errno, "cannot become uid 0 in the user namespace");
	}
	if (!in->no_new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 &&
	    errno != ENOSYS)
		nsb_die_errno(errno, "cannot create a session keyring (--no-new-keyring goes "
		                     "without)");
	if (plan->new_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		nsb_die_errno(errno, "config.json: linux.namespaces: cannot create a cgroup "
		                     "namespace");
	if (plan->new_timens)
		time_offsets_or_die(&s->linux_);
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		nsb_die_errno(errno, "config.json: hostname: cannot set '%s'", s->hostname);
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		nsb_die_errno(errno, "config.json: domainname: cannot set '%s'", s->domainname);
	sysctls_or_die(s);
	if (s->process.has_oom_score_adj) {
		char v[16];
		int r;

		snprintf(v, sizeof(v), "%d", s->process.oom_score_adj);
		r = nsb_write_file_at(AT_FDCWD, "/proc/self/oom_score_adj", v);
		if (r < 0)
			nsb_die_errno(r, "config.json: process.oomScoreAdj: cannot set %d%s",
			              s->process.oom_score_adj,
			              r == -EACCES ? " (lowering it needs CAP_SYS_RESOURCE)" : "");
	}
	if (s->linux_.has_personality && personality(s->linux_.personality) < 0)
		nsb_die_errno(errno, "config.json: linux.personality: cannot set it");
}

/* Step 3 between the two halves of the root: hooks that still see the
 * host. */
static void before_pivot_or_die(struct nsb_oci_init *in, pid_t pid)
{
	_cleanup_close_ int host = -1;

	if (nsb_sync_send(in->sync_fd, NSB_SYNC_ROOT_READY, 0, NULL) < 0 ||
	    nsb_sync_expect(in->sync_fd, NSB_SYNC_GO, NULL) < 0)
		_exit(1);
	if (!in->spec->hooks[NSB_OCI_HOOK_CREATE_CONTAINER].n)
		return;
	host = open(NSB_OLDROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (host < 0)
		nsb_die_errno(errno, "cannot open the host's root for the createContainer hooks");
	hooks_or_die(in, NSB_OCI_HOOK_CREATE_CONTAINER, NSB_OCI_CREATING, pid, host);
}

/* Step 5: wait on the start socket for a START. */
static int wait_start_or_die(int start_fd)
{
	for (;;) {
		struct nsb_sync_msg m;
		int conn = accept4(start_fd, NULL, NULL, SOCK_CLOEXEC);

		if (conn < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			_exit(1);
		}
		if (nsb_sync_recv(conn, &m) == 1 && m.type == NSB_SYNC_START) {
			if (m.fd >= 0)
				close(m.fd);
			close(start_fd);
			return conn;
		}
		if (m.fd >= 0)
			close(m.fd);
		close(conn);
	}
}

void nsb_oci_init_run_or_die(struct nsb_oci_init *in)
{
	struct nsb_sync_msg go;
	char *path;
	long pid;
	int conn;

	nsb_log_set_forward(in->sync_fd);
	/* Modes of what the ops create are exact; process.user.umask
	 * applies to process.args. */
	(void)umask(0);
	if (nsb_sync_expect(in->sync_fd, NSB_SYNC_GO, &go) < 0)
		_exit(1);
	if (nsb_parse_long(go.text, &pid) < 0)
		nsb_die("no pid in GO ('%s')", go.text);
	namespaces_or_die(in);
	nsb_sandbox_enter_root_or_die(&in->plan->cfg, in->plan->new_pidns);
	before_pivot_or_die(in, (pid_t)pid);
	nsb_sandbox_pivot_or_die();
	if (in->spec->linux_.rootfs_propagation &&
	    mount(NULL, "/", NULL, in->spec->linux_.rootfs_propagation, NULL) < 0)
		nsb_die_errno(errno, "config.json: linux.rootfsPropagation: cannot set it");

	path = prepare_or_die(&in->proc, in->sync_fd, true, in->start_fd);
	if (nsb_sync_send(in->sync_fd, NSB_SYNC_CREATED, 0, NULL) < 0)
		_exit(1);
	/* create returns once this is closed. From here on, errors go to the
	 * command that started the container. */
	nsb_log_set_forward(-1);
	close(in->sync_fd);
	conn = wait_start_or_die(in->start_fd);
	nsb_log_set_forward(conn);
	hooks_or_die(in, NSB_OCI_HOOK_START_CONTAINER, NSB_OCI_CREATED, (pid_t)pid, -1);
	exec_or_die(&in->proc, conn, path);
}
