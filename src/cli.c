/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command line. One table row per option drives parsing and --help;
 * tokens come from argv or, through --args, from NUL-separated data, and
 * both are walked by the same loop. Parsing only fills struct nsb_config:
 * the sole syscalls are reading and closing --args fds. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "caps.h"
#include "numparse.h"
#include "overlay.h"
#include "rlimit.h"
#include "util.h"

/* --args data is held in memory for the sandbox's lifetime: cap each fd and
 * the total so a runaway producer cannot exhaust it. */
#define CLI_ARGS_MAX_BYTES ((size_t)1 << 20)
#define CLI_ARGS_MAX_TOTAL ((size_t)16 << 20)
#define CLI_MAX_OPTION_ARGS 3

struct parser;
struct cli_call;
typedef int (*cli_parse_fn)(struct parser *p, const struct cli_call *c);

enum cli_group {
	GRP_GENERAL,
	GRP_NAMESPACES,
	GRP_PROCESS,
	GRP_MONITOR,
	GRP_FILESYSTEM,
	GRP_LOCKDOWN,
	_GRP_MAX,
};

static const char *const group_heading[_GRP_MAX] = {
        [GRP_GENERAL] = "General",
        [GRP_NAMESPACES] = "Namespaces and identity",
        [GRP_PROCESS] = "Environment and process",
        [GRP_MONITOR] = "Monitoring and synchronisation",
        [GRP_FILESYSTEM] = "Filesystem operations, applied in command-line order",
        [GRP_LOCKDOWN] = "Lockdown",
};

/* cli_option.flags */
enum {
	CLI_MODIFIER = 1u << 1,    /* --perms/--size: applies to the next op */
	CLI_TAKES_PERMS = 1u << 2, /* may follow --perms */
	CLI_TAKES_SIZE = 1u << 3,  /* may follow --size */
	CLI_FD_FIRST = 1u << 4,    /* fs op whose first argument is an fd */
	CLI_MODE_FIRST = 1u << 5,  /* fs op whose first argument is a mode */
	CLI_TRANSPARENT = 1u << 6, /* --args: invisible to the modifier rules */
	CLI_ARGV_ONLY = 1u << 7,   /* refused inside --args data */
	CLI_OVERLAY_SRC = 1u << 8, /* --overlay-src: a layer for the next overlay */
	CLI_OVERLAY = 1u << 9,     /* an overlay op: takes the pending layers */
};

struct cli_option {
	const char *name;
	const char *args[CLI_MAX_OPTION_ARGS]; /* argument names, NULL-padded */
	const char *help;
	enum cli_group group;
	unsigned flags;
	cli_parse_fn parse;
	size_t field;             /* opt_flag: offset of a bool in nsb_config */
	enum nsb_op_kind op_kind; /* opt_fsop */
	unsigned op_flags;        /* opt_fsop: NSB_OPF_* */
};

struct cli_arg {
	const char *s;
	int pos; /* argv index; -1 inside --args data */
};

struct cli_call {
	const struct cli_option *opt;
	int pos;
	struct cli_arg arg[CLI_MAX_OPTION_ARGS];
};

static int opt_help(struct parser *p, const struct cli_call *c);
static int opt_version(struct parser *p, const struct cli_call *c);
static int opt_args(struct parser *p, const struct cli_call *c);
static int opt_argv0(struct parser *p, const struct cli_call *c);
static int opt_level_prefix(struct parser *p, const struct cli_call *c);
static int opt_flag(struct parser *p, const struct cli_call *c);
static int opt_unshare_all(struct parser *p, const struct cli_call *c);
static int opt_share_net(struct parser *p, const struct cli_call *c);
static int opt_uid(struct parser *p, const struct cli_call *c);
static int opt_gid(struct parser *p, const struct cli_call *c);
static int opt_hostname(struct parser *p, const struct cli_call *c);
static int opt_chdir(struct parser *p, const struct cli_call *c);
static int opt_setenv(struct parser *p, const struct cli_call *c);
static int opt_unsetenv(struct parser *p, const struct cli_call *c);
static int opt_clearenv(struct parser *p, const struct cli_call *c);
static int opt_as_pid_1(struct parser *p, const struct cli_call *c);
static int opt_fsop(struct parser *p, const struct cli_call *c);
static int opt_perms(struct parser *p, const struct cli_call *c);
static int opt_size(struct parser *p, const struct cli_call *c);
static int opt_fd_field(struct parser *p, const struct cli_call *c);
static int opt_lock_file(struct parser *p, const struct cli_call *c);
static int opt_cap(struct parser *p, const struct cli_call *c);
static int opt_label(struct parser *p, const struct cli_call *c);
static int opt_rlimit(struct parser *p, const struct cli_call *c);
static int opt_add_seccomp_fd(struct parser *p, const struct cli_call *c);
static int opt_seccomp_profile(struct parser *p, const struct cli_call *c);
static int opt_seccomp_policy(struct parser *p, const struct cli_call *c);
static int opt_overlay_src(struct parser *p, const struct cli_call *c);
static int opt_overlay(struct parser *p, const struct cli_call *c);

#define OPT(n, grp, fn, fl, h, ...)                                                     \
	{                                                                               \
		.name = (n), .group = (grp), .parse = (fn), .flags = (fl), .help = (h), \
		.args = {__VA_ARGS__},                                                  \
	}
#define FLAG(n, grp, fld, h)                                            \
	{                                                               \
		.name = (n), .group = (grp), .parse = opt_flag,         \
		.field = offsetof(struct nsb_config, fld), .help = (h), \
	}
#define FSOP(n, kind, opf, fl, h, ...)                                                      \
	{                                                                                   \
		.name = (n), .group = GRP_FILESYSTEM, .parse = opt_fsop, .op_kind = (kind), \
		.op_flags = (opf), .flags = (fl), .help = (h), .args = {__VA_ARGS__},       \
	}
#define FDOPT(n, grp, fld, h)                                                           \
	{                                                                               \
		.name = (n), .group = (grp), .parse = opt_fd_field,                     \
		.field = offsetof(struct nsb_config, fld), .help = (h), .args = {"FD"}, \
	}
#define OVERLAY(n, kind, h, ...)                                                               \
	{                                                                                      \
		.name = (n), .group = GRP_FILESYSTEM, .parse = opt_overlay, .op_kind = (kind), \
		.flags = CLI_OVERLAY, .help = (h), .args = {__VA_ARGS__},                      \
	}

static const struct cli_option options[] = {
        OPT("--help", GRP_GENERAL, opt_help, 0, "Print this help and exit", NULL),
        OPT("--version", GRP_GENERAL, opt_version, 0, "Print the version and exit", NULL),
        OPT("--args", GRP_GENERAL, opt_args, CLI_TRANSPARENT | CLI_ARGV_ONLY,
            "Read NUL-separated arguments from FD and parse them here", "FD"),
        OPT("--argv0", GRP_GENERAL, opt_argv0, 0, "Run COMMAND with VALUE as its argv[0]", "VALUE"),
        OPT("--level-prefix", GRP_GENERAL, opt_level_prefix, 0,
            "Start later messages with their syslog level, as <N>", NULL),
        FLAG("--not-a-security-boundary", GRP_GENERAL, not_a_security_boundary,
             "Turn setup failures that only weaken isolation into warnings"),

        FLAG("--unshare-user", GRP_NAMESPACES, unshare_user, "Create a new user namespace"),
        FLAG("--unshare-user-try", GRP_NAMESPACES, unshare_user_try,
             "Create a new user namespace if the kernel allows it"),
        FLAG("--unshare-ipc", GRP_NAMESPACES, unshare_ipc, "Create a new IPC namespace"),
        FLAG("--unshare-pid", GRP_NAMESPACES, unshare_pid, "Create a new PID namespace"),
        FLAG("--unshare-net", GRP_NAMESPACES, unshare_net,
             "Create a new network namespace with only a loopback device"),
        FLAG("--unshare-uts", GRP_NAMESPACES, unshare_uts,
             "Create a new UTS namespace (host and domain name)"),
        FLAG("--unshare-cgroup", GRP_NAMESPACES, unshare_cgroup, "Create a new cgroup namespace"),
        FLAG("--unshare-cgroup-try", GRP_NAMESPACES, unshare_cgroup_try,
             "Create a new cgroup namespace if the kernel supports it"),
        OPT("--unshare-all", GRP_NAMESPACES, opt_unshare_all, 0,
            "Unshare all of the above (user and cgroup only if possible)", NULL),
        OPT("--share-net", GRP_NAMESPACES, opt_share_net, 0,
            "Keep the caller's network namespace, even with --unshare-all", NULL),
        FDOPT("--userns", GRP_NAMESPACES, userns_fd,
              "Enter the user namespace FD instead of creating one"),
        FDOPT("--userns2", GRP_NAMESPACES, userns2_fd, "Enter the user namespace FD after setup"),
        FDOPT("--pidns", GRP_NAMESPACES, pidns_fd, "Enter the PID namespace FD"),
        FLAG("--disable-userns", GRP_NAMESPACES, disable_userns,
             "Forbid the sandbox to create further user namespaces"),
        FLAG("--assert-userns-disabled", GRP_NAMESPACES, assert_userns_disabled,
             "Fail unless the sandbox cannot create user namespaces"),
        OPT("--uid", GRP_NAMESPACES, opt_uid, 0, "Run COMMAND as UID inside the sandbox", "UID"),
        OPT("--gid", GRP_NAMESPACES, opt_gid, 0, "Run COMMAND as GID inside the sandbox", "GID"),
        OPT("--hostname", GRP_NAMESPACES, opt_hostname, 0,
            "Set the host name inside (needs --unshare-uts)", "NAME"),

        OPT("--chdir", GRP_PROCESS, opt_chdir, 0, "Change to DIR inside the sandbox", "DIR"),
        OPT("--setenv", GRP_PROCESS, opt_setenv, 0, "Set VAR to VALUE in the environment", "VAR",
            "VALUE"),
        OPT("--unsetenv", GRP_PROCESS, opt_unsetenv, 0, "Remove VAR from the environment", "VAR"),
        OPT("--clearenv", GRP_PROCESS, opt_clearenv, 0,
            "Remove every variable from the environment", NULL),
        FLAG("--new-session", GRP_PROCESS, new_session,
             "Start a new session (setsid) just before running COMMAND"),
        FLAG("--die-with-parent", GRP_PROCESS, die_with_parent,
             "Kill the sandbox when the process that started nsbox dies"),
        OPT("--as-pid-1", GRP_PROCESS, opt_as_pid_1, 0,
            "Run COMMAND as pid 1, without a reaper (needs --unshare-pid)", NULL),
        OPT("--cap-add", GRP_PROCESS, opt_cap, 0, "Keep capability CAP (or ALL) for COMMAND",
            "CAP"),
        OPT("--cap-drop", GRP_PROCESS, opt_cap, 0, "Drop capability CAP (or ALL) for COMMAND",
            "CAP"),
        OPT("--rlimit", GRP_PROCESS, opt_rlimit, 0,
            "Set resource limit NAME (NOFILE, AS, ...) to SOFT[:HARD] (sizes: 64M, 1G)",
            "NAME=SOFT[:HARD]"),

        OPT("--lock-file", GRP_MONITOR, opt_lock_file, 0,
            "Hold a read lock on DEST while the sandbox runs", "DEST"),
        FDOPT("--sync-fd", GRP_MONITOR, sync_fd, "Keep FD open until the sandbox ends"),
        FDOPT("--block-fd", GRP_MONITOR, block_fd,
              "Wait for one byte on FD before running COMMAND"),
        FDOPT("--userns-block-fd", GRP_MONITOR, userns_block_fd,
              "Wait for one byte on FD before the id maps"),
        FDOPT("--info-fd", GRP_MONITOR, info_fd, "Write sandbox information as JSON to FD"),
        FDOPT("--json-status-fd", GRP_MONITOR, json_status_fd, "Write JSON status lines to FD"),
        FLAG("--no-forward-signals", GRP_MONITOR, no_forward_signals,
             "Do not pass SIGTERM, SIGINT, SIGHUP, ... on to COMMAND"),
        FLAG("--kill-on-exit", GRP_MONITOR, kill_on_exit,
             "When COMMAND exits, kill every process it left behind"),

        FSOP("--bind", NSB_OP_BIND, 0, 0, "Bind-mount SRC on DEST, read-write", "SRC", "DEST"),
        FSOP("--bind-try", NSB_OP_BIND, NSB_OPF_ALLOW_MISSING, 0,
             "Like --bind, skipped if SRC does not exist", "SRC", "DEST"),
        FSOP("--dev-bind", NSB_OP_DEV_BIND, 0, 0, "Bind-mount SRC on DEST, device nodes allowed",
             "SRC", "DEST"),
        FSOP("--dev-bind-try", NSB_OP_DEV_BIND, NSB_OPF_ALLOW_MISSING, 0,
             "Like --dev-bind, skipped if SRC does not exist", "SRC", "DEST"),
        FSOP("--ro-bind", NSB_OP_RO_BIND, 0, 0, "Bind-mount SRC on DEST, read-only", "SRC", "DEST"),
        FSOP("--ro-bind-try", NSB_OP_RO_BIND, NSB_OPF_ALLOW_MISSING, 0,
             "Like --ro-bind, skipped if SRC does not exist", "SRC", "DEST"),
        FSOP("--bind-fd", NSB_OP_BIND_FD, 0, CLI_FD_FIRST, "Bind-mount what FD refers to on DEST",
             "FD", "DEST"),
        FSOP("--ro-bind-fd", NSB_OP_RO_BIND_FD, 0, CLI_FD_FIRST, "Like --bind-fd, read-only", "FD",
             "DEST"),
        FSOP("--remount-ro", NSB_OP_REMOUNT_RO, 0, 0, "Make the mount at DEST read-only", "DEST"),
        OPT("--overlay-src", GRP_FILESYSTEM, opt_overlay_src, CLI_OVERLAY_SRC,
            "Add layer SRC to the next overlay (the first is the bottom)", "SRC"),
        OVERLAY("--overlay", NSB_OP_OVERLAY, "Mount an overlay on DEST that writes to RWSRC",
                "RWSRC", "WORKDIR", "DEST"),
        OVERLAY("--tmp-overlay", NSB_OP_TMP_OVERLAY,
                "Mount an overlay on DEST whose writes are discarded", "DEST"),
        OVERLAY("--ro-overlay", NSB_OP_RO_OVERLAY, "Mount a read-only overlay on DEST", "DEST"),
        FSOP("--proc", NSB_OP_PROC, 0, 0, "Mount procfs on DEST", "DEST"),
        FSOP("--dev", NSB_OP_DEV, 0, 0, "Mount a minimal /dev on DEST", "DEST"),
        FSOP("--tmpfs", NSB_OP_TMPFS, 0, CLI_TAKES_PERMS | CLI_TAKES_SIZE, "Mount a tmpfs on DEST",
             "DEST"),
        FSOP("--mqueue", NSB_OP_MQUEUE, 0, 0, "Mount an mqueue filesystem on DEST", "DEST"),
        FSOP("--dir", NSB_OP_DIR, 0, CLI_TAKES_PERMS, "Create the directory DEST", "DEST"),
        FSOP("--file", NSB_OP_FILE, 0, CLI_FD_FIRST | CLI_TAKES_PERMS,
             "Create the file DEST with the data read from FD", "FD", "DEST"),
        FSOP("--bind-data", NSB_OP_BIND_DATA, 0, CLI_FD_FIRST | CLI_TAKES_PERMS,
             "Bind-mount a copy of the data read from FD on DEST", "FD", "DEST"),
        FSOP("--ro-bind-data", NSB_OP_RO_BIND_DATA, 0, CLI_FD_FIRST | CLI_TAKES_PERMS,
             "Like --bind-data, read-only", "FD", "DEST"),
        FSOP("--symlink", NSB_OP_SYMLINK, 0, 0, "Create the symbolic link DEST pointing to TARGET",
             "TARGET", "DEST"),
        FSOP("--chmod", NSB_OP_CHMOD, 0, CLI_MODE_FIRST, "Change the mode of PATH to OCTAL",
             "OCTAL", "PATH"),
        OPT("--perms", GRP_FILESYSTEM, opt_perms, CLI_MODIFIER,
            "Mode of the file, directory or tmpfs created by the next option", "OCTAL"),
        OPT("--size", GRP_FILESYSTEM, opt_size, CLI_MODIFIER,
            "Size limit of the next --tmpfs (bytes, or 64M, 1G ...)", "BYTES"),

        FDOPT("--seccomp", GRP_LOCKDOWN, seccomp_fd, "Load a seccomp program from FD"),
        OPT("--add-seccomp-fd", GRP_LOCKDOWN, opt_add_seccomp_fd, 0,
            "Load one more seccomp program from FD", "FD"),
        OPT("--seccomp-profile", GRP_LOCKDOWN, opt_seccomp_profile, 0,
            "Apply the built-in seccomp profile NAME (default, devel; +userns)", "NAME"),
        OPT("--seccomp-policy", GRP_LOCKDOWN, opt_seccomp_policy, 0,
            "Apply the seccomp policy written in FILE", "FILE"),
        OPT("--exec-label", GRP_LOCKDOWN, opt_label, 0, "Run COMMAND with SELinux context LABEL",
            "LABEL"),
        OPT("--file-label", GRP_LOCKDOWN, opt_label, 0, "Label created tmpfs content with LABEL",
            "LABEL"),
};

/* A --perms or --size waiting for the operation it applies to. */
struct modifier {
	bool given;
	int pos;
	uint64_t value;
};

struct parser {
	struct nsb_config *cfg;
	size_t n_tokens;   /* for NSB_MAX_ARGS */
	size_t args_bytes; /* --args data held so far */
	size_t ops_cap, env_cap, owned_cap;
	struct modifier perms, size;
	bool share_net;
	int uid_pos, gid_pos, hostname_pos, as_pid_1_pos;
	size_t lock_cap, cap_ops_cap, rlimits_cap, progs_cap, profiles_cap, policies_cap;
	/* --overlay-src layers waiting for their overlay, bottom first. */
	struct {
		const char *path[NSB_OVERLAY_MAX_LAYERS];
		size_t n;
		int pos; /* of the last one */
	} layers;
	/* Where each option was last seen, for the cross-option checks. */
	bool seen[NSB_ELEMENTSOF(options)];
	int seen_pos[NSB_ELEMENTSOF(options)];
};

/* Where tokens come from: argv, or the data of one --args fd. */
struct source {
	char **argv;
	int argc, idx;
	char *data; /* next string of --args data; NULL for argv */
	const char *end;
};

/* "argument N" or "in --args data", for messages. */
struct where {
	char s[32];
};

static struct where where(int pos)
{
	struct where w;

	if (pos < 0)
		snprintf(w.s, sizeof(w.s), "in --args data");
	else
		snprintf(w.s, sizeof(w.s), "argument %d", pos);
	return w;
}

#define AT(pos) (where(pos).s)

static unsigned option_nargs(const struct cli_option *o)
{
	unsigned n = 0;

	while (n < CLI_MAX_OPTION_ARGS && o->args[n])
		n++;
	return n;
}

/* "--bind SRC DEST", or without the name "SRC DEST". */
static void option_synopsis(const struct cli_option *o, bool name, char *buf, size_t size)
{
	unsigned i, n = option_nargs(o);
	int len;

	len = snprintf(buf, size, "%s", name ? o->name : "");
	for (i = 0; i < n && len >= 0 && (size_t)len < size; i++)
		len += snprintf(buf + len, size - (size_t)len, "%s%s", len ? " " : "", o->args[i]);
}

static const struct cli_option *find_option(const char *name)
{
	size_t i;

	for (i = 0; i < NSB_ELEMENTSOF(options); i++)
		if (strcmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

/* ---- token sources ------------------------------------------------------ */

static const char *source_peek(const struct source *s)
{
	if (s->data)
		return s->data < s->end ? s->data : NULL;
	return s->idx < s->argc ? s->argv[s->idx] : NULL;
}

static int source_pos(const struct source *s)
{
	return s->data ? -1 : s->idx;
}

static void source_skip(struct source *s)
{
	if (s->data)
		s->data += strlen(s->data) + 1;
	else
		s->idx++;
}

/* Take the next token, counting it against NSB_MAX_ARGS. Returns 1 and the
 * token, 0 at the end of the source, or -E2BIG. */
static int take_token(struct parser *p, struct source *s, struct cli_arg *ret)
{
	const char *tok = source_peek(s);
	int pos = source_pos(s);

	if (!tok)
		return 0;
	if (++p->n_tokens > NSB_MAX_ARGS) {
		nsb_err("too many arguments (%s): at most %d are accepted, counting those read by "
		        "--args",
		        AT(pos), NSB_MAX_ARGS);
		return -E2BIG;
	}
	source_skip(s);
	ret->s = tok;
	ret->pos = pos;
	return 1;
}

/* ---- storage ------------------------------------------------------------ */

/* Room for element n of array (*cap allocated): the array, or NULL. */
static void *grow(void *array, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *a;

	if (n < *cap)
		return array;
	ncap = *cap ? *cap * 2 : 16;
	a = reallocarray(array, ncap, elem);
	if (!a)
		return NULL;
	*cap = ncap;
	return a;
}

static int out_of_memory(void)
{
	nsb_err("out of memory");
	return -ENOMEM;
}

static int add_op(struct parser *p, const struct nsb_op *op)
{
	struct nsb_config *cfg = p->cfg;
	struct nsb_op *ops;

	ops = grow(cfg->ops, &p->ops_cap, cfg->n_ops, sizeof(*ops));
	if (!ops)
		return out_of_memory();
	cfg->ops = ops;
	cfg->ops[cfg->n_ops++] = *op;
	return 0;
}

static int add_env(struct parser *p, enum nsb_env_kind kind, const char *name, const char *value)
{
	struct nsb_config *cfg = p->cfg;
	struct nsb_env_op *env;

	env = grow(cfg->env, &p->env_cap, cfg->n_env, sizeof(*env));
	if (!env)
		return out_of_memory();
	cfg->env = env;
	cfg->env[cfg->n_env++] = (struct nsb_env_op){.kind = kind, .name = name, .value = value};
	return 0;
}

/* cfg takes buf over, also on failure. */
static int add_owned(struct parser *p, char *buf)
{
	struct nsb_config *cfg = p->cfg;
	char **owned;

	owned = grow(cfg->owned, &p->owned_cap, cfg->n_owned, sizeof(*owned));
	if (!owned) {
		free(buf);
		return out_of_memory();
	}
	cfg->owned = owned;
	cfg->owned[cfg->n_owned++] = buf;
	return 0;
}

void nsb_config_init_fds(struct nsb_config *cfg)
{
	cfg->info_fd = cfg->json_status_fd = -1;
	cfg->block_fd = cfg->userns_block_fd = cfg->sync_fd = -1;
	cfg->userns_fd = cfg->userns2_fd = cfg->pidns_fd = -1;
	cfg->seccomp_fd = -1;
}

void nsb_config_free(struct nsb_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n_owned; i++)
		free(cfg->owned[i]);
	free(cfg->owned);
	free(cfg->ops);
	free(cfg->env);
	free(cfg->lock_files);
	free(cfg->cap_ops);
	free(cfg->rlimits);
	for (i = 0; i < cfg->n_add_seccomp_progs; i++)
		nsb_bpf_free(&cfg->add_seccomp_progs[i]);
	free(cfg->add_seccomp_progs);
	free(cfg->seccomp_policies);
	free(cfg->seccomp_profiles);
	cfg->lock_files = NULL;
	cfg->n_lock_files = 0;
	cfg->cap_ops = NULL;
	cfg->n_cap_ops = 0;
	cfg->rlimits = NULL;
	cfg->n_rlimits = 0;
	cfg->add_seccomp_progs = NULL;
	cfg->n_add_seccomp_progs = 0;
	cfg->seccomp_policies = NULL;
	cfg->n_seccomp_policies = 0;
	cfg->seccomp_profiles = NULL;
	cfg->n_seccomp_profiles = 0;
	cfg->exec_label = NULL;
	cfg->file_label = NULL;
	cfg->owned = NULL;
	cfg->n_owned = 0;
	cfg->ops = NULL;
	cfg->n_ops = 0;
	cfg->env = NULL;
	cfg->n_env = 0;
	/* These may have pointed into --args data. */
	cfg->hostname = NULL;
	cfg->chdir_path = NULL;
	cfg->argv0 = NULL;
	cfg->command = NULL;
}

/* ---- argument checks ---------------------------------------------------- */

/* Non-empty and at most max bytes. */
static int check_string(const struct cli_call *c, unsigned i, size_t max)
{
	const struct cli_arg *a = &c->arg[i];
	size_t len = strlen(a->s);

	if (len == 0) {
		nsb_err("%s: %s must not be empty (%s)", c->opt->name, c->opt->args[i], AT(a->pos));
		return -EINVAL;
	}
	if (len > max) {
		nsb_err("%s: %s is too long (%s): %zu bytes, at most %zu", c->opt->name,
		        c->opt->args[i], AT(a->pos), len, max);
		return -ENAMETOOLONG;
	}
	return 0;
}

static int check_path(const struct cli_call *c, unsigned i)
{
	return check_string(c, i, PATH_MAX - 1);
}

static int parse_fd_arg(const struct cli_call *c, unsigned i, int *ret)
{
	const struct cli_arg *a = &c->arg[i];
	int r;

	r = nsb_parse_fd(a->s, ret);
	if (r < 0)
		nsb_err("%s: Invalid fd: %s (%s): expected a decimal number from 0 to %d",
		        c->opt->name, a->s, AT(a->pos), INT_MAX);
	return r;
}

static int parse_mode_arg(const struct cli_call *c, unsigned i, unsigned *ret)
{
	const struct cli_arg *a = &c->arg[i];
	int r;

	r = nsb_parse_mode(a->s, ret);
	if (r < 0)
		nsb_err("%s: invalid mode '%s' (%s): expected octal at most 07777", c->opt->name,
		        a->s, AT(a->pos));
	return r;
}

static int parse_id_arg(const struct cli_call *c, uint32_t *ret)
{
	const struct cli_arg *a = &c->arg[0];
	int r;

	r = nsb_parse_id(a->s, ret);
	if (r < 0)
		nsb_err("%s: invalid id '%s' (%s): expected a decimal number from 0 to %" PRIu32,
		        c->opt->name, a->s, AT(a->pos), UINT32_MAX - 1);
	return r;
}

static int check_env_name(const struct cli_call *c)
{
	const struct cli_arg *a = &c->arg[0];

	if (*a->s && !strchr(a->s, '='))
		return 0;
	nsb_err("%s: invalid variable name '%s' (%s): must be non-empty and contain no '='",
	        c->opt->name, a->s, AT(a->pos));
	return -EINVAL;
}

static void warn_last_wins(const struct cli_call *c, bool seen_before)
{
	if (seen_before)
		nsb_warn("Only the last %s option will take effect", c->opt->name);
}

/* ---- handlers ----------------------------------------------------------- */

static int opt_help(struct parser *p, const struct cli_call *c)
{
	return NSB_CLI_HELP;
}

static int opt_version(struct parser *p, const struct cli_call *c)
{
	return NSB_CLI_VERSION;
}

static int opt_argv0(struct parser *p, const struct cli_call *c)
{
	if (p->cfg->argv0) {
		nsb_err("--argv0: given twice (%s)", AT(c->pos));
		return -EINVAL;
	}
	p->cfg->argv0 = c->arg[0].s;
	return 0;
}

static int opt_level_prefix(struct parser *p, const struct cli_call *c)
{
	p->cfg->level_prefix = true;
	nsb_log_set_level_prefix(true);
	return 0;
}

static int opt_flag(struct parser *p, const struct cli_call *c)
{
	bool *b = (bool *)((char *)p->cfg + c->opt->field);

	*b = true;
	return 0;
}

static int opt_unshare_all(struct parser *p, const struct cli_call *c)
{
	struct nsb_config *cfg = p->cfg;

	cfg->unshare_user_try = true;
	cfg->unshare_ipc = true;
	cfg->unshare_pid = true;
	cfg->unshare_net = true;
	cfg->unshare_uts = true;
	cfg->unshare_cgroup_try = true;
	return 0;
}

static int opt_share_net(struct parser *p, const struct cli_call *c)
{
	/* Applied after the loop: it wins over --unshare-* given later too. */
	p->share_net = true;
	return 0;
}

static int opt_uid(struct parser *p, const struct cli_call *c)
{
	uint32_t id;
	int r;

	r = parse_id_arg(c, &id);
	if (r < 0)
		return r;
	warn_last_wins(c, p->cfg->uid_given);
	p->cfg->sandbox_uid = (uid_t)id;
	p->cfg->uid_given = true;
	p->uid_pos = c->pos;
	return 0;
}

static int opt_gid(struct parser *p, const struct cli_call *c)
{
	uint32_t id;
	int r;

	r = parse_id_arg(c, &id);
	if (r < 0)
		return r;
	warn_last_wins(c, p->cfg->gid_given);
	p->cfg->sandbox_gid = (gid_t)id;
	p->cfg->gid_given = true;
	p->gid_pos = c->pos;
	return 0;
}

static int opt_hostname(struct parser *p, const struct cli_call *c)
{
	int r;

	r = check_string(c, 0, HOST_NAME_MAX);
	if (r < 0)
		return r;
	warn_last_wins(c, p->cfg->hostname != NULL);
	p->cfg->hostname = c->arg[0].s;
	p->hostname_pos = c->pos;
	return 0;
}

static int opt_chdir(struct parser *p, const struct cli_call *c)
{
	int r;

	r = check_path(c, 0);
	if (r < 0)
		return r;
	warn_last_wins(c, p->cfg->chdir_path != NULL);
	p->cfg->chdir_path = c->arg[0].s;
	return 0;
}

static int opt_setenv(struct parser *p, const struct cli_call *c)
{
	int r;

	r = check_env_name(c);
	if (r < 0)
		return r;
	return add_env(p, NSB_ENV_SET, c->arg[0].s, c->arg[1].s);
}

static int opt_unsetenv(struct parser *p, const struct cli_call *c)
{
	int r;

	r = check_env_name(c);
	if (r < 0)
		return r;
	return add_env(p, NSB_ENV_UNSET, c->arg[0].s, NULL);
}

static int opt_clearenv(struct parser *p, const struct cli_call *c)
{
	return add_env(p, NSB_ENV_CLEAR, NULL, NULL);
}

static int opt_as_pid_1(struct parser *p, const struct cli_call *c)
{
	p->cfg->as_pid_1 = true;
	p->as_pid_1_pos = c->pos;
	return 0;
}

/* The argument before DEST of a two-argument op: FD, OCTAL or a source. */
static int fsop_first_arg(const struct cli_call *c, struct nsb_op *op)
{
	unsigned mode;
	int r;

	if (c->opt->flags & CLI_FD_FIRST)
		return parse_fd_arg(c, 0, &op->fd);
	if (c->opt->flags & CLI_MODE_FIRST) {
		r = parse_mode_arg(c, 0, &mode);
		if (r < 0)
			return r;
		op->perms = (int)mode;
		return 0;
	}
	r = check_path(c, 0);
	if (r < 0)
		return r;
	op->src = c->arg[0].s;
	return 0;
}

static int opt_fsop(struct parser *p, const struct cli_call *c)
{
	const struct cli_option *o = c->opt;
	unsigned n = option_nargs(o);
	struct nsb_op op = {
	        .kind = o->op_kind,
	        .flags = o->op_flags,
	        .opt = o->name,
	        .argpos = c->pos,
	        .dest = c->arg[n - 1].s,
	        .fd = -1,
	        .perms = -1,
	};
	int r;

	if (n == 2) {
		r = fsop_first_arg(c, &op);
		if (r < 0)
			return r;
	}
	r = check_path(c, n - 1);
	if (r < 0)
		return r;
	/* parse_option() made sure this op accepts what is pending. */
	if (p->perms.given)
		op.perms = (int)p->perms.value;
	if (p->size.given)
		op.size = p->size.value;
	p->perms.given = false;
	p->size.given = false;
	return add_op(p, &op);
}

static int modifier_once(const struct modifier *m, const struct cli_call *c)
{
	if (!m->given)
		return 0;
	nsb_err("%s: given twice for the same operation (%s)", c->opt->name, AT(c->pos));
	return -EINVAL;
}

static int opt_perms(struct parser *p, const struct cli_call *c)
{
	unsigned mode;
	int r;

	r = modifier_once(&p->perms, c);
	if (r < 0)
		return r;
	r = parse_mode_arg(c, 0, &mode);
	if (r < 0)
		return r;
	p->perms = (struct modifier){.given = true, .pos = c->pos, .value = mode};
	return 0;
}

static int opt_size(struct parser *p, const struct cli_call *c)
{
	const struct cli_arg *a = &c->arg[0];
	uint64_t size;
	int r;

	r = modifier_once(&p->size, c);
	if (r < 0)
		return r;
	r = nsb_parse_size(a->s, &size);
	if (r == -EDOM)
		nsb_err("%s: invalid size '%s' (%s): " NSB_BYTES_EDOM_HINT, c->opt->name, a->s,
		        AT(a->pos));
	else if (r == -ERANGE)
		nsb_err("%s: invalid size '%s' (%s): expected 1 to %zu bytes", c->opt->name, a->s,
		        AT(a->pos), SIZE_MAX / 2);
	else if (r < 0)
		nsb_err("%s: invalid size '%s' (%s): expected a number of bytes (decimal, 0x "
		        "hexadecimal or 0 octal), or a decimal number and a unit K, M, G, T, P or "
		        "E "
		        "(powers of 1024: 64M = 64Mi = 64MiB)",
		        c->opt->name, a->s, AT(a->pos));
	/* -EDOM means "usage printed" to the caller of nsb_cli_parse(). */
	if (r < 0)
		return r == -EDOM ? -EINVAL : r;
	p->size = (struct modifier){.given = true, .pos = c->pos, .value = size};
	return 0;
}

/* What a pending --overlay-src lets through (see check_modifiers()). */
#define OVERLAY_NEXT "another --overlay-src, --overlay, --tmp-overlay or --ro-overlay"

static int opt_overlay_src(struct parser *p, const struct cli_call *c)
{
	int r;

	r = check_path(c, 0);
	if (r < 0)
		return r;
	if (p->layers.n >= NSB_OVERLAY_MAX_LAYERS) {
		nsb_err("--overlay-src: too many layers (%s): an overlay takes at most %d",
		        AT(c->pos), NSB_OVERLAY_MAX_LAYERS);
		return -E2BIG;
	}
	p->layers.path[p->layers.n++] = c->arg[0].s;
	p->layers.pos = c->pos;
	return 0;
}

/* --overlay, --tmp-overlay, --ro-overlay: take the pending layers. */
static int opt_overlay(struct parser *p, const struct cli_call *c)
{
	const struct cli_option *o = c->opt;
	unsigned i, n = option_nargs(o);
	/* Without an upper layer the kernel wants two lower ones. */
	size_t min = o->op_kind == NSB_OP_RO_OVERLAY ? 2 : 1;
	struct nsb_op op = {
	        .kind = o->op_kind,
	        .opt = o->name,
	        .argpos = c->pos,
	        .dest = c->arg[n - 1].s,
	        .fd = -1,
	        .perms = -1,
	};
	const char **layers;
	int r;

	if (p->layers.n < min) {
		nsb_err("%s requires at least %zu --overlay-src before it, got %zu (%s)", o->name,
		        min, p->layers.n, AT(c->pos));
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		r = check_path(c, i);
		if (r < 0)
			return r;
	}
	if (n == 3) {
		op.src = c->arg[0].s;
		op.workdir = c->arg[1].s;
	}
	layers = calloc(p->layers.n, sizeof(*layers));
	if (!layers)
		return out_of_memory();
	memcpy(layers, p->layers.path, p->layers.n * sizeof(*layers));
	r = add_owned(p, (char *)layers);
	if (r < 0)
		return r;
	op.layers = layers;
	op.n_layers = p->layers.n;
	p->layers.n = 0;
	return add_op(p, &op);
}

static int opt_fd_field(struct parser *p, const struct cli_call *c)
{
	int *field = (int *)((char *)p->cfg + c->opt->field);
	int fd, r;

	r = parse_fd_arg(c, 0, &fd);
	if (r < 0)
		return r;
	warn_last_wins(c, *field >= 0);
	*field = fd;
	return 0;
}

static int opt_lock_file(struct parser *p, const struct cli_call *c)
{
	struct nsb_config *cfg = p->cfg;
	const char **files;
	int r;

	r = check_path(c, 0);
	if (r < 0)
		return r;
	files = grow(cfg->lock_files, &p->lock_cap, cfg->n_lock_files, sizeof(*files));
	if (!files)
		return out_of_memory();
	cfg->lock_files = files;
	cfg->lock_files[cfg->n_lock_files++] = c->arg[0].s;
	return 0;
}

static int opt_cap(struct parser *p, const struct cli_call *c)
{
	struct nsb_config *cfg = p->cfg;
	struct nsb_cap_op *ops;
	int cap, r;

	r = nsb_caps_from_name(c->arg[0].s, &cap, c->opt->name);
	if (r == -EOPNOTSUPP)
		return r;
	if (r < 0) {
		nsb_err("%s: unknown capability '%s' (%s): expected a name such as CAP_SYS_ADMIN, "
		        "or ALL",
		        c->opt->name, c->arg[0].s, AT(c->arg[0].pos));
		return -EINVAL;
	}
	ops = grow(cfg->cap_ops, &p->cap_ops_cap, cfg->n_cap_ops, sizeof(*ops));
	if (!ops)
		return out_of_memory();
	cfg->cap_ops = ops;
	cfg->cap_ops[cfg->n_cap_ops++] =
	        (struct nsb_cap_op){.add = strcmp(c->opt->name, "--cap-add") == 0, .cap = cap};
	return 0;
}

static int opt_label(struct parser *p, const struct cli_call *c)
{
	bool exec = strcmp(c->opt->name, "--exec-label") == 0;
	const char **field = exec ? &p->cfg->exec_label : &p->cfg->file_label;
	int r;

	r = check_string(c, 0, 4095);
	if (r < 0)
		return r;
	warn_last_wins(c, *field != NULL);
	*field = c->arg[0].s;
	return 0;
}

static int opt_rlimit(struct parser *p, const struct cli_call *c)
{
	struct nsb_config *cfg = p->cfg;
	struct nsb_rlimit l, *limits;
	const char *arg = c->arg[0].s, *bad;
	int pos = c->arg[0].pos, r;

	r = nsb_rlimit_parse(arg, &l, &bad);
	if (r == -ERANGE)
		nsb_err("--rlimit: soft limit above the hard limit in '%s' (%s)", arg, AT(pos));
	else if (r == -EOVERFLOW)
		nsb_err("--rlimit: invalid limit '%s' at '%s' (%s): above the largest finite "
		        "limit, "
		        "%llu (for no limit write 'unlimited')",
		        arg, bad, AT(pos), (unsigned long long)RLIM_INFINITY - 1);
	else if (r == -EDOM)
		nsb_err("--rlimit: invalid limit '%s' at '%s' (%s): " NSB_BYTES_EDOM_HINT, arg, bad,
		        AT(pos));
	else if (r == -ENOTSUP)
		nsb_err("--rlimit: invalid limit '%s' at '%s' (%s): %.*s is not counted in bytes "
		        "and takes no unit (units are for AS CORE DATA FSIZE MEMLOCK MSGQUEUE RSS "
		        "STACK)",
		        arg, bad, AT(pos), (int)strcspn(arg, "="), arg);
	else if (r < 0)
		nsb_err("--rlimit: invalid limit '%s' at '%s' (%s): expected NAME=SOFT[:HARD] with "
		        "NAME one of AS CORE CPU DATA FSIZE LOCKS MEMLOCK MSGQUEUE NICE NOFILE "
		        "NPROC RSS RTPRIO RTTIME SIGPENDING STACK and decimal numbers or "
		        "'unlimited' (limits in bytes may take a unit: 64M = 64MiB)",
		        arg, bad, AT(pos));
	if (r < 0)
		return r == -EDOM ? -EINVAL : r;
	limits = grow(cfg->rlimits, &p->rlimits_cap, cfg->n_rlimits, sizeof(*limits));
	if (!limits)
		return out_of_memory();
	cfg->rlimits = limits;
	cfg->rlimits[cfg->n_rlimits++] = l;
	return 0;
}

/* Read and close at parse time, as bubblewrap does: the fd may be reused. */
static int opt_add_seccomp_fd(struct parser *p, const struct cli_call *c)
{
	struct nsb_config *cfg = p->cfg;
	struct nsb_bpf prog, *progs;
	int fd, r;

	r = parse_fd_arg(c, 0, &fd);
	if (r < 0)
		return r;
	r = nsb_seccomp_read_bpf_fd(fd, &prog);
	close(fd);
	if (r < 0)
		return r;
	progs = grow(cfg->add_seccomp_progs, &p->progs_cap, cfg->n_add_seccomp_progs,
	             sizeof(*progs));
	if (!progs) {
		nsb_bpf_free(&prog);
		return out_of_memory();
	}
	cfg->add_seccomp_progs = progs;
	cfg->add_seccomp_progs[cfg->n_add_seccomp_progs++] = prog;
	return 0;
}

static int add_string(struct parser *p, const char ***array, size_t *n, size_t *cap, const char *s)
{
	const char **a = grow(*array, cap, *n, sizeof(**array));

	if (!a)
		return out_of_memory();
	*array = a;
	a[(*n)++] = s;
	return 0;
}

static int opt_seccomp_profile(struct parser *p, const struct cli_call *c)
{
	_cleanup_free_ char *text = NULL;

	if (nsb_seccomp_profile_text(c->arg[0].s, &text) < 0) {
		nsb_err("--seccomp-profile: unknown profile '%s' (%s): expected default or devel, "
		        "optionally followed by +userns",
		        c->arg[0].s, AT(c->arg[0].pos));
		return -EINVAL;
	}
	return add_string(p, &p->cfg->seccomp_profiles, &p->cfg->n_seccomp_profiles,
	                  &p->profiles_cap, c->arg[0].s);
}

static int opt_seccomp_policy(struct parser *p, const struct cli_call *c)
{
	int r = check_path(c, 0);

	if (r < 0)
		return r;
	return add_string(p, &p->cfg->seccomp_policies, &p->cfg->n_seccomp_policies,
	                  &p->policies_cap, c->arg[0].s);
}

/* ---- the loop ----------------------------------------------------------- */

static int parse_source(struct parser *p, struct source *s);

static int read_args_data(struct parser *p, const struct cli_call *c, char **ret, size_t *ret_len)
{
	size_t max = CLI_ARGS_MAX_BYTES, left = CLI_ARGS_MAX_TOTAL - p->args_bytes;
	int fd, r;

	r = parse_fd_arg(c, 0, &fd);
	if (r < 0)
		return r;
	if (left < max)
		max = left;
	r = nsb_read_all(fd, max, ret, ret_len);
	close(fd);
	if (r == -E2BIG) {
		nsb_err("--args: too much data on fd %d (%s): at most %zu bytes per fd and %zu in "
		        "total",
		        fd, AT(c->arg[0].pos), CLI_ARGS_MAX_BYTES, CLI_ARGS_MAX_TOTAL);
		return r;
	}
	if (r < 0)
		return nsb_log_errno(r, "--args: cannot read fd %d (%s)", fd, AT(c->arg[0].pos));
	p->args_bytes += *ret_len;
	return 0;
}

static int opt_args(struct parser *p, const struct cli_call *c)
{
	struct source data = {0};
	char *buf;
	size_t len;
	int r;

	r = read_args_data(p, c, &buf, &len);
	if (r < 0)
		return r;
	r = add_owned(p, buf);
	if (r < 0)
		return r;
	/* nsb_read_all() NUL-terminates, so an unterminated last string
	 * still ends inside the buffer. */
	data.data = buf;
	data.end = buf + len;
	return parse_source(p, &data);
}

static int modifier_misplaced(const char *modifier, const char *what, const char *next, int pos)
{
	if (next)
		nsb_err("%s must be followed by %s, not %s (%s)", modifier, what, next, AT(pos));
	else
		nsb_err("%s must be followed by %s, but no option follows it (%s)", modifier, what,
		        AT(pos));
	return -EINVAL;
}

/* A pending --perms/--size only lets through the ops it applies to, the
 * other modifier and --args (whose data is parsed as if it stood here). */
static int check_modifiers(const struct parser *p, const struct cli_option *o, int pos)
{
	if (p->layers.n && !(o->flags & (CLI_TRANSPARENT | CLI_OVERLAY_SRC | CLI_OVERLAY)))
		return modifier_misplaced("--overlay-src", OVERLAY_NEXT, o->name, pos);
	if (o->flags & (CLI_MODIFIER | CLI_TRANSPARENT))
		return 0;
	if (p->perms.given && !(o->flags & CLI_TAKES_PERMS))
		return modifier_misplaced("--perms", "an option that creates a file", o->name, pos);
	if (p->size.given && !(o->flags & CLI_TAKES_SIZE))
		return modifier_misplaced("--size", "--tmpfs", o->name, pos);
	return 0;
}

static int take_args(struct parser *p, struct source *s, struct cli_call *c)
{
	unsigned i, n = option_nargs(c->opt);
	int r;

	for (i = 0; i < n; i++) {
		r = take_token(p, s, &c->arg[i]);
		if (r < 0)
			return r;
		if (r == 0) {
			char syn[128];

			option_synopsis(c->opt, false, syn, sizeof(syn));
			nsb_err("%s takes %u argument%s (%s), got %u (%s)", c->opt->name, n,
			        n == 1 ? "" : "s", syn, i, AT(c->pos));
			return -EINVAL;
		}
	}
	return 0;
}

static int parse_option(struct parser *p, struct source *s, const struct cli_arg *tok)
{
	struct cli_call c = {.opt = find_option(tok->s), .pos = tok->pos};
	int r;

	if (!c.opt) {
		nsb_err("Unknown option %s (%s)", tok->s, AT(tok->pos));
		return -EINVAL;
	}
	if ((c.opt->flags & CLI_ARGV_ONLY) && c.pos < 0) {
		nsb_err("%s not supported in arguments file", c.opt->name);
		return -EINVAL;
	}
	r = check_modifiers(p, c.opt, c.pos);
	if (r < 0)
		return r;
	p->seen[c.opt - options] = true;
	p->seen_pos[c.opt - options] = c.pos;
	r = take_args(p, s, &c);
	if (r < 0)
		return r;
	return c.opt->parse(p, &c);
}

/* Parse options until the end of s, "--" or a token that is not an option
 * (in argv: COMMAND; in --args data: the rest is ignored). Returns 0,
 * NSB_CLI_HELP/NSB_CLI_VERSION or -errno. */
static int parse_source(struct parser *p, struct source *s)
{
	for (;;) {
		const char *next = source_peek(s);
		struct cli_arg tok;
		int r;

		if (!next || next[0] != '-')
			return 0;
		r = take_token(p, s, &tok);
		if (r < 0)
			return r;
		if (strcmp(tok.s, "--") == 0)
			return 0;
		r = parse_option(p, s, &tok);
		if (r != 0)
			return r;
	}
}

/* ---- after the loop ----------------------------------------------------- */

static int require(bool ok, const char *what, const char *needs, int pos)
{
	if (ok)
		return 0;
	nsb_err("%s requires %s (%s)", what, needs, AT(pos));
	return -EINVAL;
}

/* Was the option given, and where (for messages)? */
static bool seen(const struct parser *p, const char *name, int *ret_pos)
{
	const struct cli_option *o = find_option(name);
	size_t i = (size_t)(o - options);

	if (ret_pos)
		*ret_pos = p->seen_pos[i];
	return p->seen[i];
}

static int conflict(const struct parser *p, const char *a, const char *b)
{
	int pa, pb;

	if (!seen(p, a, &pa) || !seen(p, b, &pb))
		return 0;
	nsb_err("%s is not compatible with %s (%s)", pa > pb ? a : b, pa > pb ? b : a,
	        AT(pa > pb ? pa : pb));
	return -EINVAL;
}

/* The lifecycle options' rules. */
static int check_lifecycle_options(const struct parser *p)
{
	const struct nsb_config *cfg = p->cfg;
	int r = 0, pos;

	if (seen(p, "--userns-block-fd", &pos)) {
		r = require(cfg->unshare_user, "--userns-block-fd", "--unshare-user", pos);
		if (r == 0)
			r = require(cfg->info_fd >= 0, "--userns-block-fd", "--info-fd", pos);
	}
	if (r == 0 && seen(p, "--disable-userns", &pos))
		r = require(cfg->unshare_user, "--disable-userns", "--unshare-user", pos);
	if (r == 0)
		r = conflict(p, "--disable-userns", "--userns-block-fd");
	if (r == 0)
		r = conflict(p, "--userns", "--unshare-user");
	if (r == 0)
		r = conflict(p, "--userns", "--unshare-user-try");
	if (r == 0)
		r = conflict(p, "--userns", "--unshare-all");
	if (r == 0)
		r = conflict(p, "--as-pid-1", "--lock-file");
	if (r == 0)
		r = conflict(p, "--seccomp", "--add-seccomp-fd");
	if (r == 0 && seen(p, "--userns2", &pos))
		r = require(cfg->userns_fd >= 0, "--userns2", "--userns", pos);
	return r;
}

static int check_cross_options(const struct parser *p)
{
	const struct nsb_config *cfg = p->cfg;
	/* Without root, a user namespace is created anyway. */
	bool userns = cfg->real_uid != 0 || cfg->unshare_user || cfg->unshare_user_try ||
	              cfg->userns_fd >= 0;
	int r = 0;

	if (cfg->uid_given)
		r = require(userns, "--uid", "--unshare-user", p->uid_pos);
	if (r == 0 && cfg->gid_given)
		r = require(userns, "--gid", "--unshare-user", p->gid_pos);
	if (r == 0 && cfg->hostname)
		r = require(cfg->unshare_uts, "--hostname", "--unshare-uts", p->hostname_pos);
	if (r == 0 && cfg->as_pid_1)
		r = require(cfg->unshare_pid, "--as-pid-1", "--unshare-pid", p->as_pid_1_pos);
	if (r == 0)
		r = check_lifecycle_options(p);
	return r;
}

static int finish(struct parser *p, const struct source *s, const char *argv0)
{
	struct nsb_config *cfg = p->cfg;
	int r;

	if (p->perms.given)
		return modifier_misplaced("--perms", "an option that creates a file", NULL,
		                          p->perms.pos);
	if (p->size.given)
		return modifier_misplaced("--size", "--tmpfs", NULL, p->size.pos);
	if (p->layers.n)
		return modifier_misplaced("--overlay-src", OVERLAY_NEXT, NULL, p->layers.pos);
	if (s->idx >= s->argc) {
		nsb_cli_usage(stderr, argv0);
		return -EDOM;
	}
	r = check_cross_options(p);
	if (r < 0)
		return r;
	if (p->share_net)
		cfg->unshare_net = false;
	if (!cfg->uid_given)
		cfg->sandbox_uid = cfg->real_uid;
	if (!cfg->gid_given)
		cfg->sandbox_gid = cfg->real_gid;
	cfg->command = s->argv + s->idx;
	return NSB_CLI_RUN;
}

int nsb_cli_parse(struct nsb_config *cfg, int argc, char **argv)
{
	struct parser p = {
	        .cfg = cfg,
	        .uid_pos = -1,
	        .gid_pos = -1,
	        .hostname_pos = -1,
	        .as_pid_1_pos = -1,
	};
	struct source s = {.argv = argv, .argc = argc, .idx = 1};
	const char *argv0 = argc > 0 && argv[0] ? argv[0] : "nsbox";
	int r;

	nsb_config_init_fds(cfg);
	if (argc < 2) {
		nsb_cli_usage(stderr, argv0);
		return -EDOM;
	}
	r = parse_source(&p, &s);
	if (r == 0)
		r = finish(&p, &s, argv0);
	if (r < 0)
		nsb_config_free(cfg);
	return r;
}

/* ---- usage -------------------------------------------------------------- */

static int usage_width(void)
{
	char syn[128];
	size_t i, w = 0;

	for (i = 0; i < NSB_ELEMENTSOF(options); i++) {
		option_synopsis(&options[i], true, syn, sizeof(syn));
		if (strlen(syn) > w)
			w = strlen(syn);
	}
	return (int)w;
}

static void usage_group(FILE *out, enum cli_group g, int width)
{
	bool heading = false;
	char syn[128];
	size_t i;

	for (i = 0; i < NSB_ELEMENTSOF(options); i++) {
		const struct cli_option *o = &options[i];

		if (o->group != g)
			continue;
		if (!heading)
			fprintf(out, "\n%s:\n", group_heading[g]);
		heading = true;
		option_synopsis(o, true, syn, sizeof(syn));
		fprintf(out, "    %-*s  %s\n", width, syn, o->help);
	}
}

void nsb_cli_usage(FILE *out, const char *argv0)
{
	int width = usage_width();
	int g;

	fprintf(out, "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n", argv0 ? argv0 : "nsbox");
	for (g = 0; g < _GRP_MAX; g++)
		usage_group(out, (enum cli_group)g, width);
}
