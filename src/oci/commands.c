/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The nsbox-oci commands that need only the recorded state and the
 * container's cgroup: state, list, delete, kill, pause, resume, ps and
 * update. (create, start, run and exec need the launch path.) */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "numparse.h"
#include "oci/cgroup.h"
#include "oci/cli.h"
#include "oci/hooks.h"
#include "oci/json.h"
#include "oci/spec.h"
#include "oci/state.h"
#include "util.h"

static void state_freep(struct nsb_oci_state *st)
{
	nsb_oci_state_free(st);
}

static void layout_freep(struct nsb_cg_layout *l)
{
	nsb_cgroup_layout_free(l);
}

/* Open --root (or the default). -ENOENT (not logged) when it does not
 * exist and create is false. */
static int open_root(const struct nsb_oci_cli *cli, bool create, int *ret_fd)
{
	_cleanup_free_ char *def = NULL;
	const char *root = cli->root;
	int r;

	if (!root) {
		r = nsb_oci_root_default(&def);
		if (r < 0)
			return r;
		root = def;
	}
	return nsb_oci_root_open(root, create, ret_fd);
}

/* Open the container of the command (args[0]) with its state. */
static int open_container(const struct nsb_oci_cli *cli, int lock, int *ret_root, int *ret_dir,
                          struct nsb_oci_state *st)
{
	int r;

	*st = (struct nsb_oci_state){0};
	r = open_root(cli, false, ret_root);
	if (r == -ENOENT) {
		nsb_err("container '%s' does not exist", cli->args[0]);
		return r;
	}
	if (r < 0)
		return r;
	return nsb_oci_container_open(*ret_root, cli->args[0], lock, ret_dir, st);
}

static int layout(const struct nsb_oci_cli *cli, struct nsb_cg_layout *l)
{
	return nsb_cgroup_layout_detect("/sys/fs/cgroup", nsb_oci_cli_is_rootless(cli), l);
}

static int need_cgroup(const struct nsb_oci_state *st, const char *what)
{
	if (st->cgroup_path)
		return 0;
	nsb_err("%s: container '%s' has no cgroup (rootless without a delegated cgroup?)", what,
	        st->id);
	return -EOPNOTSUPP;
}

static int finish_stdout(int r)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		r = nsb_log_errno(EIO, "cannot write to stdout");
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* --- state, list ---------------------------------------------------------------------- */

int nsb_oci_cmd_state(const struct nsb_oci_cli *cli)
{
	_cleanup_(state_freep) struct nsb_oci_state st = {0};
	_cleanup_close_ int root = -1, dir = -1;
	int r;

	r = open_container(cli, 0, &root, &dir, &st);
	if (r < 0)
		return EXIT_FAILURE;
	r = nsb_oci_state_json(stdout, &st, nsb_oci_state_status(&st), "", "  ");
	return finish_stdout(r);
}

static void owner_name(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *res = NULL;
	char tmp[4096];

	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) == 0 && res)
		snprintf(buf, size, "%s", res->pw_name);
	else
		snprintf(buf, size, "%u", (unsigned)uid);
}

struct row {
	struct nsb_oci_state st;
	enum nsb_oci_status status;
	char pid[16], owner[64];
};

static void print_table(struct row *rows, size_t n)
{
	/* runc's tabwriter: cells at least 12 wide, 3 spaces of padding. */
	static const char *const head[6] = {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};
	size_t w[6];

	for (int c = 0; c < 6; c++)
		w[c] = strlen(head[c]);
	for (size_t i = 0; i < n; i++) {
		const char *cells[5] = {rows[i].st.id, rows[i].pid,
		                        nsb_oci_status_name(rows[i].status), rows[i].st.bundle,
		                        rows[i].st.created};

		for (int c = 0; c < 5; c++)
			if (strlen(cells[c]) > w[c])
				w[c] = strlen(cells[c]);
	}
	for (int c = 0; c < 5; c++)
		w[c] = w[c] + 3 < 12 ? 12 : w[c] + 3;
	for (size_t i = 0; i <= n; i++) {
		const char *cells[6];

		if (i == 0) {
			memcpy(cells, head, sizeof(cells));
		} else {
			const struct row *r = &rows[i - 1];

			cells[0] = r->st.id;
			cells[1] = r->pid;
			cells[2] = nsb_oci_status_name(r->status);
			cells[3] = r->st.bundle;
			cells[4] = r->st.created;
			cells[5] = r->owner;
		}
		for (int c = 0; c < 5; c++)
			printf("%-*s", (int)w[c], cells[c]);
		printf("%s\n", cells[5]);
	}
}

int nsb_oci_cmd_list(const struct nsb_oci_cli *cli)
{
	_cleanup_close_ int root = -1;
	_cleanup_free_ struct row *rows = NULL;
	char **ids = NULL;
	size_t n_ids = 0, n = 0;
	bool json = cli->format && strcmp(cli->format, "json") == 0;
	int r;

	r = open_root(cli, false, &root);
	if (r < 0 && r != -ENOENT)
		return EXIT_FAILURE;
	if (r >= 0 && nsb_oci_list_ids(root, &ids, &n_ids) < 0)
		return EXIT_FAILURE;
	rows = calloc(n_ids ? n_ids : 1, sizeof(*rows));
	if (!rows) {
		nsb_oci_ids_free(ids, n_ids);
		return nsb_log_errno(ENOMEM, "list"), EXIT_FAILURE;
	}
	for (size_t i = 0; i < n_ids; i++) {
		_cleanup_close_ int dir = -1;
		struct row *row = &rows[n];
		int saved = nsb_log_get_max_level();

		/* A container being deleted meanwhile is not an error. */
		dir = openat(root, ids[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dir < 0)
			continue;
		nsb_log_set_max_level(-1);
		r = nsb_oci_state_read(dir, ids[i], &row->st);
		nsb_log_set_max_level(saved);
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			nsb_warn("list: the state of container '%s' is damaged, left out", ids[i]);
			continue;
		}
		row->status = nsb_oci_state_status(&row->st);
		snprintf(row->pid, sizeof(row->pid), "%d",
		         row->status == NSB_OCI_STOPPED ? 0 : (int)row->st.pid);
		owner_name(row->st.owner, row->owner, sizeof(row->owner));
		n++;
	}
	nsb_oci_ids_free(ids, n_ids);
	if (cli->quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", rows[i].st.id);
	} else if (json) {
		struct nsb_jw w;

		nsb_jw_init(&w, stdout, NULL);
		nsb_jw_begin_array(&w);
		for (size_t i = 0; i < n; i++) {
			fputs(i ? "," : "", stdout);
			nsb_oci_state_json(stdout, &rows[i].st, rows[i].status, rows[i].owner,
			                   NULL);
		}
		fputs("]\n", stdout);
	} else {
		print_table(rows, n);
	}
	for (size_t i = 0; i < n; i++)
		nsb_oci_state_free(&rows[i].st);
	return finish_stdout(0);
}

/* --- delete ---------------------------------------------------------------------------- */

/* Wait up to ms for st's process to be gone. */
static bool wait_gone(const struct nsb_oci_state *st, unsigned ms)
{
	for (unsigned i = 0; i < ms / 10; i++) {
		if (nsb_oci_state_status(st) == NSB_OCI_STOPPED)
			return true;
		nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
	}
	return nsb_oci_state_status(st) == NSB_OCI_STOPPED;
}

static int kill_container(const struct nsb_oci_state *st, const struct nsb_cg_layout *l)
{
	int r = 0;

	if (st->cgroup_path) {
		r = nsb_cgroup_kill(l, st->cgroup_path, SIGKILL);
		/* Frozen processes die only once thawed. */
		if (st->paused)
			nsb_cgroup_freeze(l, st->cgroup_path, false);
	}
	if (r >= 0) {
		r = nsb_oci_state_kill(st, SIGKILL);
		if (r == -ESRCH)
			r = 0;
		if (r < 0)
			nsb_log_errno(r, "cannot kill container '%s'", st->id);
	}
	if (r >= 0 && !wait_gone(st, 10000)) {
		nsb_err("container '%s' (pid %d) did not stop within 10 s of SIGKILL", st->id,
		        (int)st->pid);
		r = -ETIMEDOUT;
	}
	return r;
}

/* The poststop hooks of the config.json saved at create (phase 2 keeps a
 * copy in the container's state directory as NSB_OCI_CONFIG_COPY). */
static void run_poststop(int dir, const struct nsb_oci_state *st)
{
	_cleanup_free_ char *text = NULL, *state_json = NULL;
	struct nsb_oci_spec spec;
	size_t len = 0, slen = 0;
	FILE *f;

	if (nsb_json_read_file(dir, NSB_OCI_CONFIG_COPY, NSB_JSON_MAX_SIZE, &text, &len) < 0)
		return;
	if (nsb_oci_spec_parse("config.json", text, len, &spec) < 0)
		return;
	f = open_memstream(&state_json, &slen);
	if (f && nsb_oci_state_json(f, st, NSB_OCI_STOPPED, NULL, NULL) >= 0 && fclose(f) == 0)
		nsb_oci_hooks_run(&spec, NSB_OCI_HOOK_POSTSTOP, state_json, true);
	else if (f)
		fclose(f);
	nsb_oci_spec_free(&spec);
}

int nsb_oci_cmd_delete(const struct nsb_oci_cli *cli)
{
	_cleanup_(state_freep) struct nsb_oci_state st = {0};
	_cleanup_(layout_freep) struct nsb_cg_layout l = {0};
	_cleanup_close_ int root = -1, dir = -1;
	const char *id = cli->args[0];
	int r;

	r = open_root(cli, false, &root);
	if (r == -ENOENT)
		goto absent;
	if (r < 0)
		return EXIT_FAILURE;
	dir = openat(root, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0 && errno == ENOENT)
		goto absent;
	if (dir < 0)
		return nsb_log_errno(errno, "container '%s'", id), EXIT_FAILURE;
	if (flock(dir, LOCK_EX) < 0)
		return nsb_log_errno(errno, "container '%s': cannot lock its state", id),
		       EXIT_FAILURE;
	r = nsb_oci_state_read(dir, id, &st);
	if (r == -ENOENT) {
		/* A create that died before writing any state: clean up, as
		 * runc does, and say the container does not exist. */
		nsb_oci_container_remove(root, id, dir);
		goto absent;
	}
	if (r < 0)
		return EXIT_FAILURE;
	if (layout(cli, &l) < 0)
		return EXIT_FAILURE;
	if (nsb_oci_state_status(&st) != NSB_OCI_STOPPED) {
		/* A created container is stopped by delete, as runc does. */
		if (!cli->force && nsb_oci_state_status(&st) != NSB_OCI_CREATED) {
			nsb_err("container '%s' is %s: stop it first, or use delete --force", id,
			        nsb_oci_status_name(nsb_oci_state_status(&st)));
			return EXIT_FAILURE;
		}
		if (kill_container(&st, &l) < 0)
			return EXIT_FAILURE;
	}
	if (st.cgroup_path && nsb_cgroup_destroy(&l, st.cgroup_path) < 0)
		return EXIT_FAILURE;
	run_poststop(dir, &st);
	return nsb_oci_container_remove(root, id, dir) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
absent:
	if (cli->force)
		return EXIT_SUCCESS;
	nsb_err("container '%s' does not exist", id);
	return EXIT_FAILURE;
}

/* --- kill, pause, resume ---------------------------------------------------------------- */

static const struct {
	const char *name;
	int sig;
} signals[] = {
        {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
        {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},
        {"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
        {"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
        {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
        {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
        {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
        {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
        {"SYS", SIGSYS},
};

int nsb_oci_parse_signal(const char *s, int *ret)
{
	char up[32];
	size_t i;
	int n;

	if (nsb_parse_fd(s, &n) == 0) {
		if (n < 1 || n > SIGRTMAX)
			return -EINVAL;
		*ret = n;
		return 0;
	}
	for (i = 0; s[i] && i + 1 < sizeof(up); i++)
		up[i] = (char)toupper((unsigned char)s[i]);
	up[i] = '\0';
	if (s[i])
		return -EINVAL;
	s = strncmp(up, "SIG", 3) == 0 ? up + 3 : up;
	for (i = 0; i < NSB_ELEMENTSOF(signals); i++) {
		if (strcmp(signals[i].name, s) == 0) {
			*ret = signals[i].sig;
			return 0;
		}
	}
	/* RTMIN, RTMIN+3, RTMAX-2 */
	if (strncmp(s, "RTMIN", 5) == 0 || strncmp(s, "RTMAX", 5) == 0) {
		bool max = s[3] == 'A';
		int off = 0;

		if (s[5] && ((max ? s[5] != '-' : s[5] != '+') || nsb_parse_fd(s + 6, &off) < 0))
			return -EINVAL;
		n = max ? SIGRTMAX - off : SIGRTMIN + off;
		if (n < SIGRTMIN || n > SIGRTMAX)
			return -EINVAL;
		*ret = n;
		return 0;
	}
	return -EINVAL;
}

int nsb_oci_cmd_kill(const struct nsb_oci_cli *cli)
{
	_cleanup_(state_freep) struct nsb_oci_state st = {0};
	_cleanup_(layout_freep) struct nsb_cg_layout l = {0};
	_cleanup_close_ int root = -1, dir = -1;
	int sig = SIGTERM, r;

	if (cli->n_args > 1 && nsb_oci_parse_signal(cli->args[1], &sig) < 0) {
		nsb_err("kill: unknown signal '%s'", cli->args[1]);
		return EXIT_FAILURE;
	}
	if (open_container(cli, 0, &root, &dir, &st) < 0)
		return EXIT_FAILURE;
	if (nsb_oci_state_status(&st) == NSB_OCI_STOPPED) {
		nsb_err("container '%s' is not running", st.id);
		return EXIT_FAILURE;
	}
	if (cli->all) {
		if (need_cgroup(&st, "kill --all") < 0 || layout(cli, &l) < 0)
			return EXIT_FAILURE;
		r = nsb_cgroup_kill(&l, st.cgroup_path, sig);
		if (r >= 0 && st.paused && sig == SIGKILL)
			r = nsb_cgroup_freeze(&l, st.cgroup_path, false);
		return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	r = nsb_oci_state_kill(&st, sig);
	if (r == -ESRCH) {
		nsb_err("container '%s' is not running", st.id);
		return EXIT_FAILURE;
	}
	if (r < 0)
		return nsb_log_errno(r, "cannot signal container '%s'", st.id), EXIT_FAILURE;
	return EXIT_SUCCESS;
}

int nsb_oci_cmd_pause(const struct nsb_oci_cli *cli, bool pause)
{
	_cleanup_(state_freep) struct nsb_oci_state st = {0};
	_cleanup_(layout_freep) struct nsb_cg_layout l = {0};
	_cleanup_close_ int root = -1, dir = -1;
	const char *what = pause ? "pause" : "resume";
	enum nsb_oci_status s;

	if (open_container(cli, LOCK_EX, &root, &dir, &st) < 0)
		return EXIT_FAILURE;
	s = nsb_oci_state_status(&st);
	if (pause && s != NSB_OCI_RUNNING && s != NSB_OCI_CREATED) {
		nsb_err("%s: container '%s' is %s, not running", what, st.id,
		        nsb_oci_status_name(s));
		return EXIT_FAILURE;
	}
	if (!pause && s != NSB_OCI_PAUSED) {
		nsb_err("%s: container '%s' is %s, not paused", what, st.id,
		        nsb_oci_status_name(s));
		return EXIT_FAILURE;
	}
	if (need_cgroup(&st, what) < 0 || layout(cli, &l) < 0)
		return EXIT_FAILURE;
	if (nsb_cgroup_freeze(&l, st.cgroup_path, pause) < 0)
		return EXIT_FAILURE;
	st.paused = pause;
	return nsb_oci_state_write(dir, &st) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* --- ps -------------------------------------------------------------------------------------- */

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* Run ps with the user's arguments (default -ef) and keep the header and
 * the lines of the container's processes, as runc does. */
static int ps_table(const struct nsb_oci_cli *cli, const pid_t *pids, size_t n)
{
	_cleanup_free_ char *out = NULL;
	_cleanup_free_ char **argv = NULL;
	int p[2], status, col = -1, r;
	char *line, *next;
	pid_t child;

	argv = calloc(cli->n_args + 2, sizeof(char *));
	if (!argv)
		return nsb_log_errno(ENOMEM, "ps");
	argv[0] = (char *)"ps";
	if (cli->n_args > 1)
		for (size_t i = 1; i < cli->n_args; i++)
			argv[i] = cli->args[i];
	else
		argv[1] = (char *)"-ef";
	if (pipe2(p, O_CLOEXEC) < 0)
		return nsb_log_errno(errno, "ps");
	child = fork();
	if (child < 0) {
		close(p[0]);
		close(p[1]);
		return nsb_log_errno(errno, "ps");
	}
	if (child == 0) {
		if (dup2(p[1], 1) < 0)
			_exit(127);
		execvp("ps", argv);
		nsb_log_errno(errno, "ps: cannot run ps");
		_exit(127);
	}
	close(p[1]);
	r = nsb_read_all(p[0], 64 * 1024 * 1024, &out, NULL);
	close(p[0]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return nsb_log_errno(r, "ps: cannot read its output");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		nsb_err("ps: ps failed (exit status %d)", nsb_exit_status(status));
		return -EIO;
	}
	for (line = out; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (col < 0) {
			/* The header: which column is PID. */
			char *copy = strdup(line), *tok, *save = NULL;
			int i = 0;

			if (!copy)
				return nsb_log_errno(ENOMEM, "ps");
			for (tok = strtok_r(copy, " \t", &save); tok;
			     tok = strtok_r(NULL, " \t", &save), i++)
				if (strcmp(tok, "PID") == 0)
					col = i;
			free(copy);
			if (col < 0) {
				nsb_err("ps: no PID column in the output of ps");
				return -EIO;
			}
			printf("%s\n", line);
			continue;
		}
		{
			char *copy = strdup(line), *tok, *save = NULL;
			int i = 0;
			bool keep = false;

			if (!copy)
				return nsb_log_errno(ENOMEM, "ps");
			for (tok = strtok_r(copy, " \t", &save); tok;
			     tok = strtok_r(NULL, " \t", &save), i++)
				if (i == col)
					keep = has_pid(pids, n, strtol(tok, NULL, 10));
			free(copy);
			if (keep)
				printf("%s\n", line);
		}
	}
	return 0;
}

int nsb_oci_cmd_ps(const struct nsb_oci_cli *cli)
{
	_cleanup_(state_freep) struct nsb_oci_state st = {0};
	_cleanup_(layout_freep) struct nsb_cg_layout l = {0};
	_cleanup_close_ int root = -1, dir = -1;
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int r;

	if (open_container(cli, 0, &root, &dir, &st) < 0)
		return EXIT_FAILURE;
	if (need_cgroup(&st, "ps") < 0 || layout(cli, &l) < 0)
		return EXIT_FAILURE;
	if (nsb_cgroup_pids(&l, st.cgroup_path, &pids, &n) < 0)
		return EXIT_FAILURE;
	if (cli->format && strcmp(cli->format, "json") == 0) {
		if (cli->n_args > 1) {
			nsb_err("ps: --format json takes no ps options ('%s')", cli->args[1]);
			return EXIT_FAILURE;
		}
		putchar('[');
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
		return finish_stdout(0);
	}
	r = ps_table(cli, pids, n);
	return finish_stdout(r);
}

/* --- update ------------------------------------------------------------------------------------
 */

/* "1024", "512k", "1g", "-1" (unlimited) as runc's units.RAMInBytes. */
static int parse_bytes(const char *s, int64_t *ret)
{
	char *end;
	long long v;
	uint64_t mult = 1;

	if (strcmp(s, "-1") == 0) {
		*ret = -1;
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || v < 0)
		return -EINVAL;
	switch (tolower((unsigned char)*end)) {
	case '\0':
		break;
	case 'k':
		mult = 1ULL << 10;
		break;
	case 'm':
		mult = 1ULL << 20;
		break;
	case 'g':
		mult = 1ULL << 30;
		break;
	case 't':
		mult = 1ULL << 40;
		break;
	default:
		return -EINVAL;
	}
	if (*end) {
		end++;
		if (tolower((unsigned char)*end) == 'b')
			end++;
		if (*end)
			return -EINVAL;
	}
	if ((uint64_t)v > (uint64_t)INT64_MAX / mult)
		return -EINVAL;
	*ret = v * (int64_t)mult;
	return 0;
}

static int parse_i64(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	if (!*s || isspace((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

static const char *const update_names[NSB_OCI_UPD_N] = {
        "blkio-weight",  "cpu-period",        "cpu-quota",       "cpu-share",
        "cpu-rt-period", "cpu-rt-runtime",    "cpuset-cpus",     "cpuset-mems",
        "kernel-memory", "kernel-memory-tcp", "memory",          "memory-reservation",
        "memory-swap",   "pids-limit",        "l3-cache-schema", "mem-bw-schema",
};

static int update_flag(struct nsb_oci_resources *res, int opt, const char *v)
{
	int64_t x;
	int r;

	switch (opt) {
	case NSB_OCI_UPD_CPUSET_CPUS:
	case NSB_OCI_UPD_CPUSET_MEMS: {
		char **dst = opt == NSB_OCI_UPD_CPUSET_CPUS ? &res->cpu.cpus : &res->cpu.mems;

		if (!*v || strspn(v, "0123456789,-") != strlen(v))
			return -EINVAL;
		free(*dst);
		*dst = strdup(v);
		return *dst ? 0 : -ENOMEM;
	}
	case NSB_OCI_UPD_L3_CACHE_SCHEMA:
	case NSB_OCI_UPD_MEM_BW_SCHEMA:
		return -EOPNOTSUPP;
	case NSB_OCI_UPD_KERNEL_MEMORY:
	case NSB_OCI_UPD_KERNEL_MEMORY_TCP:
	case NSB_OCI_UPD_MEMORY:
	case NSB_OCI_UPD_MEMORY_RESERVATION:
	case NSB_OCI_UPD_MEMORY_SWAP:
		r = parse_bytes(v, &x);
		break;
	default:
		r = parse_i64(v, &x);
		break;
	}
	if (r < 0)
		return r;
	switch (opt) {
	case NSB_OCI_UPD_BLKIO_WEIGHT:
		if (x < 10 || x > 1000)
			return -ERANGE;
		res->blkio.weight = (struct nsb_oci_u64){true, (uint64_t)x};
		break;
	case NSB_OCI_UPD_CPU_PERIOD:
	case NSB_OCI_UPD_CPU_SHARE:
	case NSB_OCI_UPD_CPU_RT_PERIOD:
		if (x < 0)
			return -ERANGE;
		*(opt == NSB_OCI_UPD_CPU_PERIOD  ? &res->cpu.period
		  : opt == NSB_OCI_UPD_CPU_SHARE ? &res->cpu.shares
		                                 : &res->cpu.realtime_period) =
		        (struct nsb_oci_u64){true, (uint64_t)x};
		break;
	case NSB_OCI_UPD_CPU_QUOTA:
		res->cpu.quota = (struct nsb_oci_i64){true, x};
		break;
	case NSB_OCI_UPD_CPU_RT_RUNTIME:
		res->cpu.realtime_runtime = (struct nsb_oci_i64){true, x};
		break;
	case NSB_OCI_UPD_KERNEL_MEMORY:
		res->memory.kernel = (struct nsb_oci_i64){true, x};
		break;
	case NSB_OCI_UPD_KERNEL_MEMORY_TCP:
		res->memory.kernel_tcp = (struct nsb_oci_i64){true, x};
		break;
	case NSB_OCI_UPD_MEMORY:
		res->memory.limit = (struct nsb_oci_i64){true, x};
		break;
	case NSB_OCI_UPD_MEMORY_RESERVATION:
		res->memory.reservation = (struct nsb_oci_i64){true, x};
		break;
	case NSB_OCI_UPD_MEMORY_SWAP:
		res->memory.swap = (struct nsb_oci_i64){true, x};
		break;
	case NSB_OCI_UPD_PIDS_LIMIT:
		res->pids_limit = (struct nsb_oci_i64){true, x};
		break;
	}
	return 0;
}

static int update_resources(const struct nsb_oci_cli *cli, struct nsb_oci_resources *res)
{
	int r;

	*res = (struct nsb_oci_resources){0};
	if (cli->resources) {
		_cleanup_free_ char *text = NULL;
		size_t len;

		if (strcmp(cli->resources, "-") == 0)
			r = nsb_read_all(0, NSB_JSON_MAX_SIZE, &text, &len);
		else
			r = nsb_json_read_file(AT_FDCWD, cli->resources, NSB_JSON_MAX_SIZE, &text,
			                       &len);
		if (r < 0)
			return nsb_log_errno(r, "update: --resources '%s': cannot read it",
			                     cli->resources);
		r = nsb_oci_resources_parse(strcmp(cli->resources, "-") == 0 ? "stdin"
		                                                             : cli->resources,
		                            text, len, res);
		if (r < 0)
			return r;
	}
	for (int i = 0; i < NSB_OCI_UPD_N; i++) {
		if (!cli->update[i])
			continue;
		r = update_flag(res, i, cli->update[i]);
		if (r == -EOPNOTSUPP) {
			nsb_err("update: --%s: Intel RDT is not supported ('%s')", update_names[i],
			        cli->update[i]);
			return r;
		}
		if (r < 0) {
			nsb_err("update: --%s: %s ('%s')", update_names[i],
			        r == -ERANGE ? "out of range" : "not a valid value",
			        cli->update[i]);
			return -EINVAL;
		}
	}
	res->present = true;
	return 0;
}

int nsb_oci_cmd_update(const struct nsb_oci_cli *cli)
{
	_cleanup_(state_freep) struct nsb_oci_state st = {0};
	_cleanup_(layout_freep) struct nsb_cg_layout l = {0};
	_cleanup_close_ int root = -1, dir = -1;
	struct nsb_oci_resources res;
	int r;

	if (update_resources(cli, &res) < 0) {
		nsb_oci_resources_free(&res);
		return EXIT_FAILURE;
	}
	r = open_container(cli, LOCK_EX, &root, &dir, &st);
	if (r >= 0 && nsb_oci_state_status(&st) == NSB_OCI_STOPPED) {
		nsb_err("update: container '%s' is not running", st.id);
		r = -EINVAL;
	}
	if (r >= 0)
		r = need_cgroup(&st, "update");
	if (r >= 0)
		r = layout(cli, &l);
	if (r >= 0)
		r = nsb_cgroup_update(&l, st.cgroup_path, &res);
	nsb_oci_resources_free(&res);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
