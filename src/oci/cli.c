/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "numparse.h"
#include "oci/cli.h"
#include "oci/json.h"
#include "oci/launch.h"
#include "oci/spec.h"
#include "oci/state.h"
#include "util.h"

/* --- the option table ---------------------------------------------------------------- */

enum opt_id {
	O_BUNDLE,
	O_CONSOLE_SOCKET,
	O_PID_FILE,
	O_NO_PIVOT,
	O_NO_NEW_KEYRING,
	O_PRESERVE_FDS,
	O_DETACH,
	O_KEEP,
	O_NO_SUBREAPER,
	O_ALL,
	O_FORCE,
	O_PROCESS,
	O_TTY,
	O_CWD,
	O_ENV,
	O_USER,
	O_ADDITIONAL_GIDS,
	O_CAP,
	O_NO_NEW_PRIVS,
	O_PROCESS_LABEL,
	O_APPARMOR,
	O_CGROUP,
	O_IGNORE_PAUSED,
	O_FORMAT,
	O_QUIET,
	O_RESOURCES,
	O_SPEC_ROOTLESS,
	O_HELP,
	O_UPDATE, /* + enum nsb_oci_update_opt */
	O_END = -1,
};

struct opt {
	int id;
	const char *name;
	char shrt;
	bool value;
	const char *arg;
	const char *help;
};

static const struct opt opts[] = {
        {O_BUNDLE, "bundle", 'b', true, "DIR", "the bundle directory (default: the current one)"},
        {O_CONSOLE_SOCKET, "console-socket", 0, true, "PATH",
         "unix socket to send the terminal's master fd to"},
        {O_PID_FILE, "pid-file", 0, true, "FILE", "write the container process's pid to FILE"},
        {O_NO_PIVOT, "no-pivot", 0, false, NULL, "accepted for runc compatibility"},
        {O_NO_NEW_KEYRING, "no-new-keyring", 0, false, NULL,
         "do not give the container a new session keyring"},
        {O_PRESERVE_FDS, "preserve-fds", 0, true, "N",
         "pass fds 3 to 3+N-1 on to the container process"},
        {O_DETACH, "detach", 'd', false, NULL, "do not wait for the container"},
        {O_KEEP, "keep", 0, false, NULL, "keep the container's state after it exits"},
        {O_NO_SUBREAPER, "no-subreaper", 0, false, NULL, "accepted for runc compatibility"},
        {O_ALL, "all", 'a', false, NULL, "signal every process of the container"},
        {O_FORCE, "force", 'f', false, NULL, "kill the container first if it still runs"},
        {O_PROCESS, "process", 'p', true, "FILE", "the process to run, as a JSON object"},
        {O_TTY, "tty", 't', false, NULL, "give the process a terminal"},
        {O_CWD, "cwd", 0, true, "DIR", "working directory in the container"},
        {O_ENV, "env", 'e', true, "KEY=VALUE", "set an environment variable (repeatable)"},
        {O_USER, "user", 'u', true, "UID[:GID]", "run as this user"},
        {O_ADDITIONAL_GIDS, "additional-gids", 'g', true, "GID",
         "add a supplementary group (repeatable)"},
        {O_CAP, "cap", 'c', true, "CAP", "add a capability (repeatable)"},
        {O_NO_NEW_PRIVS, "no-new-privs", 0, false, NULL, "set no_new_privs"},
        {O_PROCESS_LABEL, "process-label", 0, true, "LABEL", "SELinux label of the process"},
        {O_APPARMOR, "apparmor", 0, true, "PROFILE", "AppArmor profile of the process"},
        {O_CGROUP, "cgroup", 0, true, "PATH", "run in this sub-cgroup (repeatable)"},
        {O_IGNORE_PAUSED, "ignore-paused", 0, false, NULL, "accepted for runc compatibility"},
        {O_FORMAT, "format", 'f', true, "FORMAT", "table or json"},
        {O_QUIET, "quiet", 'q', false, NULL, "print the ids only"},
        {O_RESOURCES, "resources", 'r', true, "FILE", "new linux.resources as JSON, - for stdin"},
        {O_SPEC_ROOTLESS, "rootless", 0, false, NULL, "a config for an unprivileged user"},
        {O_HELP, "help", 'h', false, NULL, "show this help"},
        {O_UPDATE + NSB_OCI_UPD_BLKIO_WEIGHT, "blkio-weight", 0, true, "N", "I/O weight, 10-1000"},
        {O_UPDATE + NSB_OCI_UPD_CPU_PERIOD, "cpu-period", 0, true, "N", "CFS period (us)"},
        {O_UPDATE + NSB_OCI_UPD_CPU_QUOTA, "cpu-quota", 0, true, "N", "CFS quota (us)"},
        {O_UPDATE + NSB_OCI_UPD_CPU_SHARE, "cpu-share", 0, true, "N", "CPU shares"},
        {O_UPDATE + NSB_OCI_UPD_CPU_RT_PERIOD, "cpu-rt-period", 0, true, "N",
         "real-time period (us)"},
        {O_UPDATE + NSB_OCI_UPD_CPU_RT_RUNTIME, "cpu-rt-runtime", 0, true, "N",
         "real-time runtime (us)"},
        {O_UPDATE + NSB_OCI_UPD_CPUSET_CPUS, "cpuset-cpus", 0, true, "LIST", "CPUs, as 0-3,5"},
        {O_UPDATE + NSB_OCI_UPD_CPUSET_MEMS, "cpuset-mems", 0, true, "LIST", "memory nodes"},
        {O_UPDATE + NSB_OCI_UPD_KERNEL_MEMORY, "kernel-memory", 0, true, "BYTES",
         "deprecated, ignored"},
        {O_UPDATE + NSB_OCI_UPD_KERNEL_MEMORY_TCP, "kernel-memory-tcp", 0, true, "BYTES",
         "deprecated, ignored"},
        {O_UPDATE + NSB_OCI_UPD_MEMORY, "memory", 0, true, "BYTES", "memory limit"},
        {O_UPDATE + NSB_OCI_UPD_MEMORY_RESERVATION, "memory-reservation", 0, true, "BYTES",
         "memory soft limit"},
        {O_UPDATE + NSB_OCI_UPD_MEMORY_SWAP, "memory-swap", 0, true, "BYTES", "memory+swap limit"},
        {O_UPDATE + NSB_OCI_UPD_PIDS_LIMIT, "pids-limit", 0, true, "N", "maximum processes"},
        {O_UPDATE + NSB_OCI_UPD_L3_CACHE_SCHEMA, "l3-cache-schema", 0, true, "SCHEMA",
         "Intel RDT: not supported"},
        {O_UPDATE + NSB_OCI_UPD_MEM_BW_SCHEMA, "mem-bw-schema", 0, true, "SCHEMA",
         "Intel RDT: not supported"},
};

static const struct opt *opt_get(int id)
{
	for (size_t i = 0; i < NSB_ELEMENTSOF(opts); i++)
		if (opts[i].id == id)
			return &opts[i];
	return NULL;
}

#define CREATE_OPTS \
	O_BUNDLE, O_CONSOLE_SOCKET, O_PID_FILE, O_NO_PIVOT, O_NO_NEW_KEYRING, O_PRESERVE_FDS
#define UPDATE_OPTS(x)                                                                 \
	O_UPDATE + x##BLKIO_WEIGHT, O_UPDATE + x##CPU_PERIOD, O_UPDATE + x##CPU_QUOTA, \
	        O_UPDATE + x##CPU_SHARE, O_UPDATE + x##CPU_RT_PERIOD,                  \
	        O_UPDATE + x##CPU_RT_RUNTIME, O_UPDATE + x##CPUSET_CPUS,               \
	        O_UPDATE + x##CPUSET_MEMS, O_UPDATE + x##KERNEL_MEMORY,                \
	        O_UPDATE + x##KERNEL_MEMORY_TCP, O_UPDATE + x##MEMORY,                 \
	        O_UPDATE + x##MEMORY_RESERVATION, O_UPDATE + x##MEMORY_SWAP,           \
	        O_UPDATE + x##PIDS_LIMIT, O_UPDATE + x##L3_CACHE_SCHEMA,               \
	        O_UPDATE + x##MEM_BW_SCHEMA

static const int create_opts[] = {CREATE_OPTS, O_HELP, O_END};
static const int run_opts[] = {CREATE_OPTS, O_DETACH, O_KEEP, O_NO_SUBREAPER, O_HELP, O_END};
static const int exec_opts[] = {O_CONSOLE_SOCKET,
                                O_PID_FILE,
                                O_PROCESS,
                                O_TTY,
                                O_DETACH,
                                O_CWD,
                                O_ENV,
                                O_USER,
                                O_ADDITIONAL_GIDS,
                                O_CAP,
                                O_NO_NEW_PRIVS,
                                O_PROCESS_LABEL,
                                O_APPARMOR,
                                O_PRESERVE_FDS,
                                O_CGROUP,
                                O_IGNORE_PAUSED,
                                O_HELP,
                                O_END};
static const int kill_opts[] = {O_ALL, O_HELP, O_END};
static const int delete_opts[] = {O_FORCE, O_HELP, O_END};
static const int list_opts[] = {O_FORMAT, O_QUIET, O_HELP, O_END};
static const int ps_opts[] = {O_FORMAT, O_HELP, O_END};
static const int spec_opts[] = {O_BUNDLE, O_SPEC_ROOTLESS, O_HELP, O_END};
static const int update_opts[] = {O_RESOURCES, UPDATE_OPTS(NSB_OCI_UPD_), O_HELP, O_END};
static const int help_only[] = {O_HELP, O_END};

struct command {
	enum nsb_oci_cmd cmd;
	const char *name;
	const char *usage; /* after "nsbox-oci NAME [OPTIONS] " */
	const char *summary;
	const int *opts;
	size_t min_args, max_args;
	bool takes_id;
	bool options_first; /* options end at the first argument (exec) */
};

#define MANY ((size_t)-1)

static const struct command commands[] = {
        {NSB_OCI_CMD_CREATE, "create", "ID", "create a container, stopped before its program",
         create_opts, 1, 1, true, false},
        {NSB_OCI_CMD_START, "start", "ID", "start a created container", help_only, 1, 1, true,
         false},
        {NSB_OCI_CMD_RUN, "run", "ID", "create and start a container", run_opts, 1, 1, true, false},
        {NSB_OCI_CMD_EXEC, "exec", "ID [COMMAND [ARG...]]",
         "run another process in a running container", exec_opts, 1, MANY, true, true},
        {NSB_OCI_CMD_STATE, "state", "ID", "print the state of a container as JSON", help_only, 1,
         1, true, false},
        {NSB_OCI_CMD_KILL, "kill", "ID [SIGNAL]", "send a signal (default TERM) to a container",
         kill_opts, 1, 2, true, false},
        {NSB_OCI_CMD_DELETE, "delete", "ID", "remove a stopped container", delete_opts, 1, 1, true,
         false},
        {NSB_OCI_CMD_LIST, "list", "", "list the containers", list_opts, 0, 0, false, false},
        {NSB_OCI_CMD_PS, "ps", "ID [PS-OPTIONS...]", "list the processes of a container", ps_opts,
         1, MANY, true, true},
        {NSB_OCI_CMD_PAUSE, "pause", "ID", "freeze every process of a container", help_only, 1, 1,
         true, false},
        {NSB_OCI_CMD_RESUME, "resume", "ID", "thaw a paused container", help_only, 1, 1, true,
         false},
        {NSB_OCI_CMD_UPDATE, "update", "ID", "change the resource limits of a container",
         update_opts, 1, 1, true, false},
        {NSB_OCI_CMD_SPEC, "spec", "", "write a default config.json", spec_opts, 0, 0, false,
         false},
        {NSB_OCI_CMD_FEATURES, "features", "", "print the features of this runtime as JSON",
         help_only, 0, 0, false, false},
        {NSB_OCI_CMD_CHECKPOINT, "checkpoint", "ID", "not supported (needs CRIU)", help_only, 0,
         MANY, false, false},
        {NSB_OCI_CMD_RESTORE, "restore", "ID", "not supported (needs CRIU)", help_only, 0, MANY,
         false, false},
        {NSB_OCI_CMD_EVENTS, "events", "ID", "not supported", help_only, 0, MANY, false, false},
        {NSB_OCI_CMD_HELP, "help", "[COMMAND]", "show the help of nsbox-oci or of a command",
         help_only, 0, 1, false, false},
};

static const struct command *command_get(enum nsb_oci_cmd cmd)
{
	for (size_t i = 0; i < NSB_ELEMENTSOF(commands); i++)
		if (commands[i].cmd == cmd)
			return &commands[i];
	return NULL;
}

static const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < NSB_ELEMENTSOF(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

const char *nsb_oci_cmd_name(enum nsb_oci_cmd cmd)
{
	const struct command *c = command_get(cmd);

	return c ? c->name : "nsbox-oci";
}

/* --- global options ------------------------------------------------------------------- */

enum gopt_id {
	G_ROOT,
	G_LOG,
	G_LOG_FORMAT,
	G_DEBUG,
	G_SYSTEMD_CGROUP,
	G_ROOTLESS,
	G_CRIU,
	G_HELP,
	G_VERSION
};

static const struct opt gopts[] = {
        {G_ROOT, "root", 0, true, "DIR", "state directory (default /run/nsbox-oci for root)"},
        {G_LOG, "log", 0, true, "FILE", "also write messages to FILE"},
        {G_LOG_FORMAT, "log-format", 0, true, "FORMAT", "text or json, for --log"},
        {G_DEBUG, "debug", 0, false, NULL, "print debugging messages"},
        {G_SYSTEMD_CGROUP, "systemd-cgroup", 0, false, NULL,
         "cgroupsPath is slice:prefix:name (see nsbox-oci(1))"},
        {G_ROOTLESS, "rootless", 0, true, "true|false|auto", "act as an unprivileged user"},
        {G_CRIU, "criu", 0, true, "PATH", "accepted for runc compatibility, ignored"},
        {G_HELP, "help", 'h', false, NULL, "show this help"},
        {G_VERSION, "version", 'v', false, NULL, "print the version"},
};

/* --- parsing one token ------------------------------------------------------------------- */

/* Go's strconv.ParseBool. */
static int parse_bool(const char *s, bool *ret)
{
	static const char *const t[] = {"1", "t", "T", "true", "TRUE", "True"};
	static const char *const f[] = {"0", "f", "F", "false", "FALSE", "False"};

	for (size_t i = 0; i < NSB_ELEMENTSOF(t); i++) {
		if (strcmp(s, t[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcmp(s, f[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

static bool is_option(const char *a)
{
	return a[0] == '-' && a[1] && strcmp(a, "-") != 0 && strcmp(a, "--") != 0;
}

/* Match a "-x", "--name" or "-name" token (with an optional "=value")
 * against the ids in allowed (a table of n entries of table). */
static const struct opt *match(const char *a, const struct opt *table, size_t n, const int *allowed,
                               const char **ret_inline)
{
	const char *name = a + (a[1] == '-' ? 2 : 1);
	size_t len = strcspn(name, "=");

	*ret_inline = name[len] == '=' ? name + len + 1 : NULL;
	for (size_t i = 0; i < n; i++) {
		const struct opt *o = &table[i];
		bool ok = !allowed;

		for (const int *p = allowed; p && *p != O_END; p++)
			if (*p == o->id)
				ok = true;
		if (!ok)
			continue;
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
		if (o->shrt && len == 1 && name[0] == o->shrt)
			return o;
	}
	return NULL;
}

/* The value of option o at argv[*i]: inline, or the next argument. */
static int take_value(const char *what, const struct opt *o, const char *inl, int argc, char **argv,
                      int *i, const char **ret)
{
	if (inl) {
		*ret = inl;
		return 0;
	}
	if (*i + 1 >= argc) {
		nsb_err("%s--%s needs a value (%s)", what, o->name, o->arg);
		return -EINVAL;
	}
	*ret = argv[++*i];
	return 0;
}

static int take_bool(const char *what, const struct opt *o, const char *inl, bool *ret)
{
	if (!inl) {
		*ret = true;
		return 0;
	}
	if (parse_bool(inl, ret) < 0) {
		nsb_err("%s--%s: not true or false ('%s')", what, o->name, inl);
		return -EINVAL;
	}
	return 0;
}

int nsb_oci_cli_parse_global(struct nsb_oci_cli *cli, int argc, char **argv, int *ret_next,
                             bool *ret_version)
{
	int i;

	*cli = (struct nsb_oci_cli){0};
	*ret_version = false;
	for (i = 1; i < argc && is_option(argv[i]); i++) {
		const char *a = argv[i], *inl, *v = NULL;
		const struct opt *o = match(a, gopts, NSB_ELEMENTSOF(gopts), NULL, &inl);
		bool b = false;
		int r;

		if (!o) {
			nsb_err("unknown global option '%s' (see nsbox-oci --help)", a);
			return -EINVAL;
		}
		r = o->value ? take_value("", o, inl, argc, argv, &i, &v)
		             : take_bool("", o, inl, &b);
		if (r < 0)
			return r;
		switch (o->id) {
		case G_ROOT:
			if (!*v || strlen(v) >= 4096) {
				nsb_err("--root: not a directory path ('%s')", v);
				return -EINVAL;
			}
			cli->root = v;
			break;
		case G_LOG:
			cli->log = v;
			break;
		case G_LOG_FORMAT:
			if (strcmp(v, "text") == 0) {
				cli->log_format = NSB_OCI_LOG_TEXT;
			} else if (strcmp(v, "json") == 0) {
				cli->log_format = NSB_OCI_LOG_JSON;
			} else {
				nsb_err("--log-format: must be text or json ('%s')", v);
				return -EINVAL;
			}
			break;
		case G_DEBUG:
			cli->debug = b;
			break;
		case G_SYSTEMD_CGROUP:
			cli->systemd_cgroup = b;
			break;
		case G_ROOTLESS:
			if (strcmp(v, "auto") == 0) {
				cli->rootless = NSB_OCI_ROOTLESS_AUTO;
			} else if (parse_bool(v, &b) == 0) {
				cli->rootless = b ? NSB_OCI_ROOTLESS_TRUE : NSB_OCI_ROOTLESS_FALSE;
			} else {
				nsb_err("--rootless: must be true, false or auto ('%s')", v);
				return -EINVAL;
			}
			break;
		case G_CRIU:
			nsb_warn("--criu is accepted for runc compatibility and ignored "
			         "(nsbox-oci has no checkpoint/restore)");
			break;
		case G_HELP:
			if (b)
				cli->cmd = NSB_OCI_CMD_HELP;
			break;
		case G_VERSION:
			*ret_version = b;
			break;
		}
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	*ret_next = i;
	return 0;
}

/* --- command arguments -------------------------------------------------------------------- */

static int push(const char ***v, size_t *n, const char *s)
{
	const char **nv;

	if (*n >= 4096)
		return -E2BIG;
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

static int set_value(struct nsb_oci_cli *cli, const char *what, const struct opt *o, const char *v)
{
	int r = 0;

	switch (o->id) {
	case O_BUNDLE:
		cli->bundle = v;
		break;
	case O_CONSOLE_SOCKET:
		cli->console_socket = v;
		break;
	case O_PID_FILE:
		cli->pid_file = v;
		break;
	case O_PRESERVE_FDS: {
		int n;

		if (nsb_parse_fd(v, &n) < 0 || n > 65536) {
			nsb_err("%s--preserve-fds: not a number of fds ('%s')", what, v);
			return -EINVAL;
		}
		cli->preserve_fds = (unsigned)n;
		break;
	}
	case O_PROCESS:
		cli->process = v;
		break;
	case O_CWD:
		cli->cwd = v;
		break;
	case O_ENV:
		if (!strchr(v, '=') || v[0] == '=') {
			nsb_err("%s--env: must be KEY=VALUE ('%s')", what, v);
			return -EINVAL;
		}
		r = push(&cli->env, &cli->n_env, v);
		break;
	case O_USER:
		cli->user = v;
		break;
	case O_ADDITIONAL_GIDS: {
		uint32_t g;

		if (nsb_parse_id(v, &g) < 0) {
			nsb_err("%s--additional-gids: not a group id ('%s')", what, v);
			return -EINVAL;
		}
		r = push(&cli->additional_gids, &cli->n_additional_gids, v);
		break;
	}
	case O_CAP:
		r = push(&cli->caps, &cli->n_caps, v);
		break;
	case O_PROCESS_LABEL:
		cli->process_label = v;
		break;
	case O_APPARMOR:
		cli->apparmor = v;
		break;
	case O_CGROUP:
		r = push(&cli->cgroups, &cli->n_cgroups, v);
		break;
	case O_FORMAT:
		if (strcmp(v, "table") != 0 && strcmp(v, "json") != 0) {
			nsb_err("%s--format: must be table or json ('%s')", what, v);
			return -EINVAL;
		}
		cli->format = v;
		break;
	case O_RESOURCES:
		cli->resources = v;
		break;
	default:
		if (o->id >= O_UPDATE && o->id < O_UPDATE + NSB_OCI_UPD_N)
			cli->update[o->id - O_UPDATE] = v;
		break;
	}
	if (r == -E2BIG) {
		nsb_err("%s--%s: given too many times", what, o->name);
		return -EINVAL;
	}
	if (r < 0)
		return nsb_log_errno(r, "%s", what);
	return 0;
}

static void set_flag(struct nsb_oci_cli *cli, const struct opt *o, bool b)
{
	switch (o->id) {
	case O_NO_PIVOT:
		cli->no_pivot = b;
		break;
	case O_NO_NEW_KEYRING:
		cli->no_new_keyring = b;
		break;
	case O_DETACH:
		cli->detach = b;
		break;
	case O_KEEP:
		cli->keep = b;
		break;
	case O_NO_SUBREAPER:
		cli->no_subreaper = b;
		break;
	case O_ALL:
		cli->all = b;
		break;
	case O_FORCE:
		cli->force = b;
		break;
	case O_TTY:
		cli->tty = b;
		break;
	case O_NO_NEW_PRIVS:
		cli->no_new_privs = b;
		break;
	case O_IGNORE_PAUSED:
		cli->ignore_paused = b;
		break;
	case O_QUIET:
		cli->quiet = b;
		break;
	case O_SPEC_ROOTLESS:
		cli->spec_rootless = b;
		break;
	case O_HELP:
		cli->help = b;
		break;
	}
}

static int check_args(struct nsb_oci_cli *cli, const struct command *c, const char *what)
{
	if (cli->help)
		return 0;
	if (cli->n_args < c->min_args || cli->n_args > c->max_args) {
		if (c->takes_id && cli->n_args == 0)
			nsb_err("%smissing container id (usage: nsbox-oci %s [OPTIONS] %s)", what,
			        c->name, c->usage);
		else
			nsb_err("%sunexpected argument '%s' (usage: nsbox-oci %s [OPTIONS]%s%s)",
			        what, cli->args[c->max_args], c->name, c->usage[0] ? " " : "",
			        c->usage);
		return -EINVAL;
	}
	if (c->takes_id && nsb_oci_id_check(cli->args[0]) < 0)
		return -EINVAL;
	switch (c->cmd) {
	case NSB_OCI_CMD_EXEC:
		if (!cli->process && cli->n_args < 2) {
			nsb_err("%smissing the command to run (or --process FILE)", what);
			return -EINVAL;
		}
		if (cli->process && cli->n_args > 1) {
			nsb_err("%s--process FILE and a command both given ('%s')", what,
			        cli->args[1]);
			return -EINVAL;
		}
		break;
	case NSB_OCI_CMD_KILL:
		if (cli->n_args == 2) {
			int sig;

			if (nsb_oci_parse_signal(cli->args[1], &sig) < 0) {
				nsb_err("%sunknown signal '%s'", what, cli->args[1]);
				return -EINVAL;
			}
		}
		break;
	case NSB_OCI_CMD_HELP:
		if (cli->n_args == 1 && !command_find(cli->args[0])) {
			nsb_err("%sunknown command '%s'", what, cli->args[0]);
			return -EINVAL;
		}
		break;
	default:
		break;
	}
	return 0;
}

int nsb_oci_cli_parse_command(struct nsb_oci_cli *cli, int argc, char **argv)
{
	const struct command *c;
	char what[64];
	bool only_args = false;
	int r;

	if (argc < 1) {
		nsb_err("missing command (see nsbox-oci --help)");
		return -EINVAL;
	}
	c = command_find(argv[0]);
	if (!c) {
		nsb_err("unknown command '%s' (see nsbox-oci --help)", argv[0]);
		return -EINVAL;
	}
	cli->cmd = c->cmd;
	snprintf(what, sizeof(what), "%s: ", c->name);
	cli->args = calloc((size_t)argc, sizeof(char *));
	if (!cli->args)
		return nsb_log_errno(ENOMEM, "%s", c->name);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *inl, *v;
		const struct opt *o;
		bool b;

		if (only_args || !is_option(a)) {
			if (strcmp(a, "--") == 0 && !only_args) {
				only_args = true;
				continue;
			}
			cli->args[cli->n_args++] = argv[i];
			/* exec: what follows the id is the command. */
			if (c->options_first && cli->n_args == 1)
				only_args = true;
			continue;
		}
		o = match(a, opts, NSB_ELEMENTSOF(opts), c->opts, &inl);
		if (!o) {
			nsb_err("%sunknown option '%s' (see nsbox-oci %s --help)", what, a,
			        c->name);
			return -EINVAL;
		}
		if (o->value) {
			r = take_value(what, o, inl, argc, argv, &i, &v);
			if (r >= 0)
				r = set_value(cli, what, o, v);
		} else {
			r = take_bool(what, o, inl, &b);
			if (r >= 0)
				set_flag(cli, o, b);
		}
		if (r < 0)
			return r;
	}
	return check_args(cli, c, what);
}

void nsb_oci_cli_free(struct nsb_oci_cli *cli)
{
	free(cli->env);
	free(cli->caps);
	free(cli->additional_gids);
	free(cli->cgroups);
	free(cli->args);
	cli->env = cli->caps = cli->additional_gids = cli->cgroups = NULL;
	cli->args = NULL;
}

/* --- help ------------------------------------------------------------------------------------ */

static void opt_line(FILE *out, const struct opt *o)
{
	char left[64];

	if (o->shrt)
		snprintf(left, sizeof(left), "--%s%s%s, -%c", o->name, o->arg ? " " : "",
		         o->arg ? o->arg : "", o->shrt);
	else
		snprintf(left, sizeof(left), "--%s%s%s", o->name, o->arg ? " " : "",
		         o->arg ? o->arg : "");
	fprintf(out, "    %-32s  %s\n", left, o->help);
}

void nsb_oci_cli_usage(FILE *out, enum nsb_oci_cmd cmd)
{
	const struct command *c = command_get(cmd);

	if (!c || cmd == NSB_OCI_CMD_HELP) {
		fprintf(out,
		        "usage: nsbox-oci [GLOBAL OPTIONS] COMMAND [OPTIONS] [ID] [ARGS...]\n\n"
		        "nsbox as an OCI runtime, with runc's command line.\n\nCommands:\n");
		for (size_t i = 0; i < NSB_ELEMENTSOF(commands); i++)
			fprintf(out, "    %-12s  %s\n", commands[i].name, commands[i].summary);
		fprintf(out, "\nGlobal options:\n");
		for (size_t i = 0; i < NSB_ELEMENTSOF(gopts); i++)
			opt_line(out, &gopts[i]);
		fprintf(out, "\nnsbox-oci COMMAND --help shows the options of COMMAND.\n");
		return;
	}
	fprintf(out, "usage: nsbox-oci [GLOBAL OPTIONS] %s [OPTIONS]%s%s\n\n%s.\n\nOptions:\n",
	        c->name, c->usage[0] ? " " : "", c->usage, c->summary);
	for (const int *p = c->opts; *p != O_END; p++)
		opt_line(out, opt_get(*p));
}

/* --- logging ------------------------------------------------------------------------------------
 */

struct log_file {
	FILE *f;
	enum nsb_oci_log_format format;
};

static const char *level_name(int level)
{
	switch (level) {
	case NSB_LOG_ERR:
		return "error";
	case NSB_LOG_WARNING:
		return "warning";
	case NSB_LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

/* logrus's text format quotes a value with Go's strconv.Quote. */
static void write_quoted(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\t')
			fputs("\\t", f);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			putc(*s, f);
	}
	putc('"', f);
}

static void log_sink(int level, const char *msg, void *data)
{
	struct log_file *lf = data;
	_cleanup_free_ char *now = NULL;

	if (nsb_oci_now_rfc3339(&now) < 0)
		return;
	if (lf->format == NSB_OCI_LOG_JSON) {
		struct nsb_jw w;

		nsb_jw_init(&w, lf->f, NULL);
		nsb_jw_begin_object(&w);
		nsb_jw_kstring(&w, "level", level_name(level));
		nsb_jw_kstring(&w, "msg", msg);
		nsb_jw_kstring(&w, "time", now);
		nsb_jw_end_object(&w);
		putc('\n', lf->f);
	} else {
		fprintf(lf->f, "time=\"%s\" level=%s msg=", now, level_name(level));
		write_quoted(lf->f, msg);
		putc('\n', lf->f);
	}
	fflush(lf->f);
}

static int open_log(const struct nsb_oci_cli *cli, struct log_file *lf)
{
	int fd;

	fd = open(cli->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return nsb_log_errno(errno, "--log '%s': cannot open it", cli->log);
	lf->f = fdopen(fd, "a");
	if (!lf->f) {
		close(fd);
		return nsb_log_errno(ENOMEM, "--log '%s'", cli->log);
	}
	lf->format = cli->log_format;
	nsb_log_set_sink(log_sink, lf);
	return 0;
}

/* --- running -------------------------------------------------------------------------------------
 */

bool nsb_oci_cli_is_rootless(const struct nsb_oci_cli *cli)
{
	_cleanup_close_ int fd = -1;
	char buf[128];
	unsigned long a, b, c;
	ssize_t n;

	if (cli->rootless != NSB_OCI_ROOTLESS_AUTO)
		return cli->rootless == NSB_OCI_ROOTLESS_TRUE;
	if (geteuid() != 0)
		return true;
	/* Root in a user namespace other than the initial one (rootless
	 * podman) cannot do what real root does. */
	fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return !(sscanf(buf, "%lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 &&
	         c == 4294967295UL);
}

static int run_command(const struct nsb_oci_cli *cli)
{
	switch (cli->cmd) {
	case NSB_OCI_CMD_SPEC:
		return nsb_oci_cmd_spec(cli);
	case NSB_OCI_CMD_FEATURES:
		return nsb_oci_cmd_features(cli);
	case NSB_OCI_CMD_STATE:
		return nsb_oci_cmd_state(cli);
	case NSB_OCI_CMD_LIST:
		return nsb_oci_cmd_list(cli);
	case NSB_OCI_CMD_DELETE:
		return nsb_oci_cmd_delete(cli);
	case NSB_OCI_CMD_KILL:
		return nsb_oci_cmd_kill(cli);
	case NSB_OCI_CMD_PAUSE:
		return nsb_oci_cmd_pause(cli, true);
	case NSB_OCI_CMD_RESUME:
		return nsb_oci_cmd_pause(cli, false);
	case NSB_OCI_CMD_PS:
		return nsb_oci_cmd_ps(cli);
	case NSB_OCI_CMD_UPDATE:
		return nsb_oci_cmd_update(cli);
	case NSB_OCI_CMD_CREATE:
		return nsb_oci_cmd_create(cli);
	case NSB_OCI_CMD_RUN:
		return nsb_oci_cmd_run(cli);
	case NSB_OCI_CMD_START:
		return nsb_oci_cmd_start(cli);
	case NSB_OCI_CMD_EXEC:
		return nsb_oci_cmd_exec(cli);
	case NSB_OCI_CMD_CHECKPOINT:
	case NSB_OCI_CMD_RESTORE:
		nsb_err("%s: not supported (nsbox-oci has no checkpoint/restore)",
		        nsb_oci_cmd_name(cli->cmd));
		return EXIT_FAILURE;
	case NSB_OCI_CMD_EVENTS:
		nsb_err("events: not supported");
		return EXIT_FAILURE;
	case NSB_OCI_CMD_HELP:
		nsb_oci_cli_usage(stdout,
		                  cli->n_args ? command_find(cli->args[0])->cmd : NSB_OCI_CMD_NONE);
		return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	default:
		return EXIT_FAILURE;
	}
}

int nsb_oci_main(int argc, char **argv)
{
	struct nsb_oci_cli cli;
	struct log_file lf = {0};
	bool version;
	int next, r, status;

	nsb_log_init("nsbox-oci");
	if (nsb_oci_cli_parse_global(&cli, argc, argv, &next, &version) < 0)
		return EXIT_FAILURE;
	nsb_log_set_verbose(cli.debug);
	if (version) {
		printf("nsbox-oci version %s\nspec: %s\n", PACKAGE_VERSION, NSB_OCI_VERSION);
		return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	if (cli.cmd == NSB_OCI_CMD_HELP) {
		nsb_oci_cli_usage(stdout, NSB_OCI_CMD_NONE);
		return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	if (cli.log && open_log(&cli, &lf) < 0)
		return EXIT_FAILURE;
	r = nsb_oci_cli_parse_command(&cli, argc - next, argv + next);
	if (r < 0) {
		status = EXIT_FAILURE;
	} else if (cli.help) {
		nsb_oci_cli_usage(stdout, cli.cmd);
		status = fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	} else {
		nsb_debug("%s: root %s, %srootless", nsb_oci_cmd_name(cli.cmd),
		          cli.root ? cli.root : "(default)",
		          nsb_oci_cli_is_rootless(&cli) ? "" : "not ");
		status = run_command(&cli);
	}
	nsb_oci_cli_free(&cli);
	if (lf.f) {
		nsb_log_set_sink(NULL, NULL);
		fclose(lf.f);
	}
	return status;
}
