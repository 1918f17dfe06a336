/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command line. One table row per option drives parsing and --help;
 * tokens come from argv or, through --args, from NUL-separated data, and
 * both are walked by the same loop. Parsing only fills struct nsb_config:
 * the sole syscalls are reading and closing --args fds. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli-net.h"
#include "log.h"
#include "caps.h"
#include "numparse.h"
#include "ops.h"
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
	GRP_NETWORK,
	GRP_PROCESS,
	GRP_MONITOR,
	GRP_FILESYSTEM,
	GRP_LOCKDOWN,
	_GRP_MAX,
};

static const char *const group_heading[_GRP_MAX] = {
        [GRP_GENERAL] = "General",
        [GRP_NAMESPACES] = "Namespaces and identity",
        [GRP_NETWORK] = "Network",
        [GRP_PROCESS] = "Environment and process",
        [GRP_MONITOR] = "Monitoring and synchronisation",
        [GRP_FILESYSTEM] = "Filesystem operations, applied in command-line order",
        [GRP_LOCKDOWN] = "Lockdown",
};

/* cli_option.flags */
enum {
	CLI_MODIFIER = 1u << 1,    /* --perms/--size: applies to the next op */
	CLI_TRANSPARENT = 1u << 6, /* --args: invisible to the modifier rules */
	CLI_ARGV_ONLY = 1u << 7,   /* refused inside --args data */
	CLI_OVERLAY_SRC = 1u << 8, /* --overlay-src: a layer for the next overlay */
	CLI_OP = 1u << 9,          /* a filesystem op: its row in ops.c says the rest */
};

struct cli_option {
	const char *name;
	const char *args[CLI_MAX_OPTION_ARGS]; /* argument names, NULL-padded */
	enum nsb_arg_kind arg_kinds[CLI_MAX_OPTION_ARGS];
	const char *help;
	enum cli_group group;
	unsigned flags;
	cli_parse_fn parse;
	size_t field;             /* opt_flag, opt_fd_field: offset in nsb_config */
	enum nsb_op_kind op_kind; /* CLI_OP */
	unsigned op_flags;        /* CLI_OP: NSB_OPF_* */
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
static int opt_list_options(struct parser *p, const struct cli_call *c);
static int opt_args(struct parser *p, const struct cli_call *c);
static int opt_argv0(struct parser *p, const struct cli_call *c);
static int opt_level_prefix(struct parser *p, const struct cli_call *c);
static int opt_verbose(struct parser *p, const struct cli_call *c);
static int opt_flag(struct parser *p, const struct cli_call *c);
static int opt_unshare_all(struct parser *p, const struct cli_call *c);
static int opt_unshare_net(struct parser *p, const struct cli_call *c);
static int opt_share_net(struct parser *p, const struct cli_call *c);
static int opt_net(struct parser *p, const struct cli_call *c);
static int opt_netns(struct parser *p, const struct cli_call *c);
static int opt_net_host_loopback(struct parser *p, const struct cli_call *c);
static int opt_net_allow(struct parser *p, const struct cli_call *c);
static int opt_net_forward(struct parser *p, const struct cli_call *c);
static int opt_scope(struct parser *p, const struct cli_call *c);
static int opt_landlock_ports(struct parser *p, const struct cli_call *c);
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

/* The options that are not filesystem ops, by name: cross-option rules
 * look them up by these ids, so a misspelt one does not compile. */
enum cli_id {
	ID_HELP,
	ID_VERSION,
	ID_LIST_OPTIONS,
	ID_ARGS,
	ID_ARGV0,
	ID_LEVEL_PREFIX,
	ID_VERBOSE,
	ID_DRY_RUN,
	ID_NOT_A_SECURITY_BOUNDARY,
	ID_UNSHARE_USER,
	ID_UNSHARE_USER_TRY,
	ID_UNSHARE_IPC,
	ID_UNSHARE_PID,
	ID_UNSHARE_NET,
	ID_UNSHARE_UTS,
	ID_UNSHARE_CGROUP,
	ID_UNSHARE_CGROUP_TRY,
	ID_UNSHARE_ALL,
	ID_SHARE_NET,
	ID_USERNS,
	ID_USERNS2,
	ID_PIDNS,
	ID_DISABLE_USERNS,
	ID_ASSERT_USERNS_DISABLED,
	ID_UID,
	ID_GID,
	ID_HOSTNAME,
	ID_NET,
	ID_NETNS,
	ID_NET_HOST_LOOPBACK,
	ID_NET_ALLOW,
	ID_NET_FORWARD,
	ID_CHDIR,
	ID_SETENV,
	ID_UNSETENV,
	ID_CLEARENV,
	ID_NEW_SESSION,
	ID_DIE_WITH_PARENT,
	ID_AS_PID_1,
	ID_CAP_ADD,
	ID_CAP_DROP,
	ID_RLIMIT,
	ID_LOCK_FILE,
	ID_SYNC_FD,
	ID_BLOCK_FD,
	ID_USERNS_BLOCK_FD,
	ID_INFO_FD,
	ID_JSON_STATUS_FD,
	ID_NO_FORWARD_SIGNALS,
	ID_KILL_ON_EXIT,
	ID_OVERLAY_SRC,
	ID_PERMS,
	ID_SIZE,
	ID_SECCOMP,
	ID_ADD_SECCOMP_FD,
	ID_SECCOMP_PROFILE,
	ID_SECCOMP_POLICY,
	ID_SCOPE_ABSTRACT_AF_UNIX,
	ID_SCOPE_ABSTRACT_AF_UNIX_TRY,
	ID_SCOPE_SIGNALS,
	ID_SCOPE_SIGNALS_TRY,
	ID_LANDLOCK_TCP_CONNECT,
	ID_LANDLOCK_TCP_BIND,
	ID_EXEC_LABEL,
	ID_FILE_LABEL,
	_ID_MAX,
};

#define OPT(n, grp, fn, fl, h)                                                          \
	{                                                                               \
		.name = (n), .group = (grp), .parse = (fn), .flags = (fl), .help = (h), \
	}
#define OPT1(n, grp, fn, h, a, k)                                                       \
	{                                                                               \
		.name = (n), .group = (grp), .parse = (fn), .help = (h), .args = {(a)}, \
		.arg_kinds = {(k)},                                                     \
	}
#define FLAG(n, grp, fld, h)                                            \
	{                                                               \
		.name = (n), .group = (grp), .parse = opt_flag,         \
		.field = offsetof(struct nsb_config, fld), .help = (h), \
	}
#define FDOPT(n, grp, fld, h)                                                           \
	{                                                                               \
		.name = (n), .group = (grp), .parse = opt_fd_field,                     \
		.field = offsetof(struct nsb_config, fld), .help = (h), .args = {"FD"}, \
		.arg_kinds = {NSB_ARG_FD},                                              \
	}

/* clang-format off */
static const struct cli_option general_options[_ID_MAX] = {
	[ID_HELP] = OPT("--help", GRP_GENERAL, opt_help, 0, "Print this help and exit"),
	[ID_VERSION] = OPT("--version", GRP_GENERAL, opt_version, 0, "Print the version and exit"),
	[ID_LIST_OPTIONS] = OPT("--list-options", GRP_GENERAL, opt_list_options, 0,
		"Print every option with its arguments, one a line, and exit"),
	[ID_ARGS] = {.name = "--args", .group = GRP_GENERAL, .parse = opt_args,
		.flags = CLI_TRANSPARENT | CLI_ARGV_ONLY,
		.help = "Read NUL-separated arguments from FD and parse them here",
		.args = {"FD"}, .arg_kinds = {NSB_ARG_FD}},
	[ID_ARGV0] = OPT1("--argv0", GRP_GENERAL, opt_argv0,
		"Run COMMAND with VALUE as its argv[0]", "VALUE", NSB_ARG_STRING),
	[ID_LEVEL_PREFIX] = OPT("--level-prefix", GRP_GENERAL, opt_level_prefix, 0,
		"Start later messages with their syslog level, as <N>"),
	[ID_VERBOSE] = OPT("--verbose", GRP_GENERAL, opt_verbose, 0,
		"Log each setup step as it happens"),
	[ID_DRY_RUN] = FLAG("--dry-run", GRP_GENERAL, dry_run,
		"Check everything, print what would be done, and exit"),
	[ID_NOT_A_SECURITY_BOUNDARY] = FLAG("--not-a-security-boundary", GRP_GENERAL,
		not_a_security_boundary, "Turn setup failures that only weaken isolation into warnings"),

	[ID_UNSHARE_USER] = FLAG("--unshare-user", GRP_NAMESPACES, unshare_user,
		"Create a new user namespace"),
	[ID_UNSHARE_USER_TRY] = FLAG("--unshare-user-try", GRP_NAMESPACES, unshare_user_try,
		"Create a new user namespace if the kernel allows it"),
	[ID_UNSHARE_IPC] = FLAG("--unshare-ipc", GRP_NAMESPACES, unshare_ipc,
		"Create a new IPC namespace"),
	[ID_UNSHARE_PID] = FLAG("--unshare-pid", GRP_NAMESPACES, unshare_pid,
		"Create a new PID namespace"),
	[ID_UNSHARE_NET] = OPT("--unshare-net", GRP_NAMESPACES, opt_unshare_net, 0,
		"Create a new network namespace with only a loopback device"),
	[ID_UNSHARE_UTS] = FLAG("--unshare-uts", GRP_NAMESPACES, unshare_uts,
		"Create a new UTS namespace (host and domain name)"),
	[ID_UNSHARE_CGROUP] = FLAG("--unshare-cgroup", GRP_NAMESPACES, unshare_cgroup,
		"Create a new cgroup namespace"),
	[ID_UNSHARE_CGROUP_TRY] = FLAG("--unshare-cgroup-try", GRP_NAMESPACES, unshare_cgroup_try,
		"Create a new cgroup namespace if the kernel supports it"),
	[ID_UNSHARE_ALL] = OPT("--unshare-all", GRP_NAMESPACES, opt_unshare_all, 0,
		"Unshare all of the above (user and cgroup only if possible)"),
	[ID_SHARE_NET] = OPT("--share-net", GRP_NAMESPACES, opt_share_net, 0,
		"Keep the caller's network namespace, even with --unshare-all"),
	[ID_USERNS] = FDOPT("--userns", GRP_NAMESPACES, userns_fd,
		"Enter the user namespace FD instead of creating one"),
	[ID_USERNS2] = FDOPT("--userns2", GRP_NAMESPACES, userns2_fd,
		"Enter the user namespace FD after setup"),
	[ID_PIDNS] = FDOPT("--pidns", GRP_NAMESPACES, pidns_fd, "Enter the PID namespace FD"),
	[ID_DISABLE_USERNS] = FLAG("--disable-userns", GRP_NAMESPACES, disable_userns,
		"Forbid the sandbox to create further user namespaces"),
	[ID_ASSERT_USERNS_DISABLED] = FLAG("--assert-userns-disabled", GRP_NAMESPACES,
		assert_userns_disabled, "Fail unless the sandbox cannot create user namespaces"),
	[ID_UID] = OPT1("--uid", GRP_NAMESPACES, opt_uid,
		"Run COMMAND as UID inside the sandbox", "UID", NSB_ARG_ID),
	[ID_GID] = OPT1("--gid", GRP_NAMESPACES, opt_gid,
		"Run COMMAND as GID inside the sandbox", "GID", NSB_ARG_ID),
	[ID_HOSTNAME] = OPT1("--hostname", GRP_NAMESPACES, opt_hostname,
		"Set the host name inside (needs --unshare-uts)", "NAME", NSB_ARG_STRING),

	[ID_NET] = OPT1("--net", GRP_NETWORK, opt_net,
		"Network: pasta or slirp4netns (private, outbound through that helper), none, host",
		"MODE", NSB_ARG_NET_MODE),
	[ID_NETNS] = OPT1("--netns", GRP_NETWORK, opt_netns,
		"Join the network namespace FD instead of creating one", "FD", NSB_ARG_FD),
	[ID_NET_HOST_LOOPBACK] = OPT("--net-host-loopback", GRP_NETWORK, opt_net_host_loopback, 0,
		"With pasta or slirp4netns: the host's loopback is reachable at the gateway"),
	[ID_NET_ALLOW] = OPT1("--net-allow", GRP_NETWORK, opt_net_allow,
		"Refuse outbound traffic but RULE's: dns, [tcp:|udp:]ADDRESS|HOSTNAME[:PORT]", "RULE",
		NSB_ARG_NET_RULE),
	[ID_NET_FORWARD] = OPT1("--net-forward", GRP_NETWORK, opt_net_forward,
		"Forward the host's 127.0.0.1:HOSTPORT to PORT inside (TCP; udp:HOSTPORT for UDP)",
		"HOSTPORT[:PORT]", NSB_ARG_NET_FWD),

	[ID_CHDIR] = OPT1("--chdir", GRP_PROCESS, opt_chdir,
		"Change to DIR inside the sandbox", "DIR", NSB_ARG_DIR),
	[ID_SETENV] = {.name = "--setenv", .group = GRP_PROCESS, .parse = opt_setenv,
		.help = "Set VAR to VALUE in the environment", .args = {"VAR", "VALUE"},
		.arg_kinds = {NSB_ARG_ENV, NSB_ARG_STRING}},
	[ID_UNSETENV] = OPT1("--unsetenv", GRP_PROCESS, opt_unsetenv,
		"Remove VAR from the environment", "VAR", NSB_ARG_ENV),
	[ID_CLEARENV] = OPT("--clearenv", GRP_PROCESS, opt_clearenv, 0,
		"Remove every variable from the environment"),
	[ID_NEW_SESSION] = FLAG("--new-session", GRP_PROCESS, new_session,
		"Start a new session (setsid) just before running COMMAND"),
	[ID_DIE_WITH_PARENT] = FLAG("--die-with-parent", GRP_PROCESS, die_with_parent,
		"Kill the sandbox when the process that started nsbox dies"),
	[ID_AS_PID_1] = OPT("--as-pid-1", GRP_PROCESS, opt_as_pid_1, 0,
		"Run COMMAND as pid 1, without a reaper (needs --unshare-pid)"),
	[ID_CAP_ADD] = OPT1("--cap-add", GRP_PROCESS, opt_cap,
		"Keep capability CAP (or ALL) for COMMAND", "CAP", NSB_ARG_CAP),
	[ID_CAP_DROP] = OPT1("--cap-drop", GRP_PROCESS, opt_cap,
		"Drop capability CAP (or ALL) for COMMAND", "CAP", NSB_ARG_CAP),
	[ID_RLIMIT] = OPT1("--rlimit", GRP_PROCESS, opt_rlimit,
		"Set resource limit NAME (NOFILE, AS, ...) to SOFT[:HARD] (sizes: 64M, 1G)",
		"NAME=SOFT[:HARD]", NSB_ARG_RLIMIT),

	[ID_LOCK_FILE] = OPT1("--lock-file", GRP_MONITOR, opt_lock_file,
		"Hold a read lock on DEST while the sandbox runs", "DEST", NSB_ARG_PATH),
	[ID_SYNC_FD] = FDOPT("--sync-fd", GRP_MONITOR, sync_fd, "Keep FD open until the sandbox ends"),
	[ID_BLOCK_FD] = FDOPT("--block-fd", GRP_MONITOR, block_fd,
		"Wait for one byte on FD before running COMMAND"),
	[ID_USERNS_BLOCK_FD] = FDOPT("--userns-block-fd", GRP_MONITOR, userns_block_fd,
		"Wait for one byte on FD before the id maps"),
	[ID_INFO_FD] = FDOPT("--info-fd", GRP_MONITOR, info_fd,
		"Write sandbox information as JSON to FD"),
	[ID_JSON_STATUS_FD] = FDOPT("--json-status-fd", GRP_MONITOR, json_status_fd,
		"Write JSON status lines to FD"),
	[ID_NO_FORWARD_SIGNALS] = FLAG("--no-forward-signals", GRP_MONITOR, no_forward_signals,
		"Do not pass SIGTERM, SIGINT, SIGHUP, ... on to COMMAND"),
	[ID_KILL_ON_EXIT] = FLAG("--kill-on-exit", GRP_MONITOR, kill_on_exit,
		"When COMMAND exits, kill every process it left behind"),

	[ID_OVERLAY_SRC] = {.name = "--overlay-src", .group = GRP_FILESYSTEM,
		.parse = opt_overlay_src, .flags = CLI_OVERLAY_SRC,
		.help = "Add layer SRC to the next overlay (the first is the bottom)",
		.args = {"SRC"}, .arg_kinds = {NSB_ARG_HOST_DIR}},
	[ID_PERMS] = {.name = "--perms", .group = GRP_FILESYSTEM, .parse = opt_perms,
		.flags = CLI_MODIFIER,
		.help = "Mode of the file, directory or tmpfs created by the next option",
		.args = {"OCTAL"}, .arg_kinds = {NSB_ARG_MODE}},
	[ID_SIZE] = {.name = "--size", .group = GRP_FILESYSTEM, .parse = opt_size,
		.flags = CLI_MODIFIER, .help = "Size limit of the next --tmpfs (bytes, or 64M, 1G ...)",
		.args = {"BYTES"}, .arg_kinds = {NSB_ARG_SIZE}},

	[ID_SECCOMP] = FDOPT("--seccomp", GRP_LOCKDOWN, seccomp_fd, "Load a seccomp program from FD"),
	[ID_ADD_SECCOMP_FD] = OPT1("--add-seccomp-fd", GRP_LOCKDOWN, opt_add_seccomp_fd,
		"Load one more seccomp program from FD", "FD", NSB_ARG_FD),
	[ID_SECCOMP_PROFILE] = OPT1("--seccomp-profile", GRP_LOCKDOWN, opt_seccomp_profile,
		"Apply the built-in seccomp profile NAME (default, devel; +userns)", "NAME",
		NSB_ARG_PROFILE),
	[ID_SECCOMP_POLICY] = OPT1("--seccomp-policy", GRP_LOCKDOWN, opt_seccomp_policy,
		"Apply the seccomp policy written in FILE", "FILE", NSB_ARG_HOST_PATH),
	[ID_SCOPE_ABSTRACT_AF_UNIX] = OPT("--scope-abstract-af-unix", GRP_LOCKDOWN, opt_scope, 0,
		"Landlock: no connecting to abstract unix sockets made outside the sandbox"),
	[ID_SCOPE_ABSTRACT_AF_UNIX_TRY] = OPT("--scope-abstract-af-unix-try", GRP_LOCKDOWN,
		opt_scope, 0, "... if the kernel can (Landlock ABI 6), else warn and go on"),
	[ID_SCOPE_SIGNALS] = OPT("--scope-signals", GRP_LOCKDOWN, opt_scope, 0,
		"Landlock: no signals to processes outside the sandbox"),
	[ID_SCOPE_SIGNALS_TRY] = OPT("--scope-signals-try", GRP_LOCKDOWN, opt_scope, 0,
		"... if the kernel can (Landlock ABI 6), else warn and go on"),
	[ID_LANDLOCK_TCP_CONNECT] = OPT1("--landlock-tcp-connect", GRP_LOCKDOWN, opt_landlock_ports,
		"Landlock: TCP connections only to PORTS (443,8000-8100; repeatable)", "PORTS",
		NSB_ARG_PORTS),
	[ID_LANDLOCK_TCP_BIND] = OPT1("--landlock-tcp-bind", GRP_LOCKDOWN, opt_landlock_ports,
		"Landlock: TCP bind only to PORTS (0: a port the kernel picks)", "PORTS",
		NSB_ARG_PORTS),
	[ID_EXEC_LABEL] = OPT1("--exec-label", GRP_LOCKDOWN, opt_label,
		"Run COMMAND with SELinux context LABEL", "LABEL", NSB_ARG_STRING),
	[ID_FILE_LABEL] = OPT1("--file-label", GRP_LOCKDOWN, opt_label,
		"Label created tmpfs content with LABEL", "LABEL", NSB_ARG_STRING),
};
/* clang-format on */

/* Every option: the ones above, then one per filesystem op option (an op
 * kind and, if it has one, its -try variant), built from ops.c's rows. */
#define CLI_N_OPTIONS (_ID_MAX + 2 * _NSB_OP_MAX)

static struct {
	struct cli_option opt[CLI_N_OPTIONS];
	size_t n;
} all;

static void build_options(void)
{
	if (all.n)
		return;
	memcpy(all.opt, general_options, sizeof(general_options));
	all.n = _ID_MAX;
	for (int k = 0; k < _NSB_OP_MAX; k++) {
		const struct nsb_op_kind_info *info = nsb_op_kind_info((enum nsb_op_kind)k);

		/* The OCI face's kinds have no option. */
		if (!info->name)
			continue;
		for (int t = 0; t < 2; t++) {
			struct cli_option *o;

			if (t && !info->try_name)
				continue;
			o = &all.opt[all.n++];
			*o = (struct cli_option){
			        .name = t ? info->try_name : info->name,
			        .help = t ? info->try_help : info->help,
			        .group = GRP_FILESYSTEM,
			        .flags = CLI_OP,
			        .parse = opt_fsop,
			        .op_kind = (enum nsb_op_kind)k,
			        .op_flags = t ? NSB_OPF_ALLOW_MISSING : 0,
			};
			memcpy(o->args, info->args, sizeof(o->args));
			memcpy(o->arg_kinds, info->arg_kinds, sizeof(o->arg_kinds));
		}
	}
}

static const struct nsb_op_kind_info *option_op(const struct cli_option *o)
{
	return (o->flags & CLI_OP) ? nsb_op_kind_info(o->op_kind) : NULL;
}

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
	struct nsb_cli_net net;
	int uid_pos, gid_pos, hostname_pos, as_pid_1_pos;
	size_t lock_cap, cap_ops_cap, rlimits_cap, progs_cap, profiles_cap, policies_cap;
	/* --overlay-src layers waiting for their overlay, bottom first. */
	struct {
		const char *path[NSB_OVERLAY_MAX_LAYERS];
		size_t n;
		int pos; /* of the last one */
	} layers;
	/* Where each option was last seen, for the cross-option checks. */
	bool seen[CLI_N_OPTIONS];
	int seen_pos[CLI_N_OPTIONS];
};

/* Where tokens come from: argv, or the data of one --args fd. */
struct source {
	char **argv;
	int argc, idx;
	char *data; /* next string of --args data; NULL for argv */
	const char *end;
};

/* "argument N" or "in --args data", for messages. */
#define AT(pos) (nsb_cli_where(pos).s)

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
	build_options();
	for (size_t i = 0; i < all.n; i++)
		if (strcmp(all.opt[i].name, name) == 0)
			return &all.opt[i];
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
		nsb_err("Exceeded maximum number of arguments %d (%s; those read by --args count "
		        "too)",
		        NSB_MAX_ARGS, AT(pos));
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
	if (r < 0) {
		/* bubblewrap's words alone on their line: its own tests match
		 * the whole line. */
		nsb_err("Invalid fd: %s", a->s);
		nsb_err("%s (%s) takes a decimal number from 0 to %d", c->opt->name, AT(a->pos),
		        INT_MAX);
	}
	return r;
}

static int parse_mode_arg(const struct cli_call *c, unsigned i, unsigned *ret)
{
	const struct cli_arg *a = &c->arg[i];
	int r;

	r = nsb_parse_mode(a->s, ret);
	if (r < 0)
		nsb_err("%s takes an octal argument <= 07777 (got '%s', %s)", c->opt->name, a->s,
		        AT(a->pos));
	return r;
}

static int parse_id_arg(const struct cli_call *c, uint32_t *ret)
{
	const struct cli_arg *a = &c->arg[0];
	int r;

	r = nsb_parse_id(a->s, ret);
	if (r < 0)
		nsb_err("Invalid %s: %s (%s, %s): expected a decimal number from 0 to %" PRIu32,
		        c->opt->name + 2, a->s, c->opt->name, AT(a->pos), UINT32_MAX - 1);
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

static int opt_list_options(struct parser *p, const struct cli_call *c)
{
	return NSB_CLI_LIST_OPTIONS;
}

static int opt_verbose(struct parser *p, const struct cli_call *c)
{
	p->cfg->verbose = true;
	nsb_log_set_verbose(true);
	return 0;
}

static int opt_argv0(struct parser *p, const struct cli_call *c)
{
	if (p->cfg->argv0) {
		nsb_err("--argv0 used multiple times (%s)", AT(c->pos));
		return -EINVAL;
	}
	p->cfg->argv0 = c->arg[0].s;
	return 0;
}

static int opt_level_prefix(struct parser *p, const struct cli_call *c)
{
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
	return nsb_cli_net_choose(&p->net, NSB_CLI_NET_UNSHARE_ALL, NULL, -1, c->pos, c->pos);
}

static int opt_unshare_net(struct parser *p, const struct cli_call *c)
{
	p->cfg->unshare_net = true;
	return nsb_cli_net_choose(&p->net, NSB_CLI_NET_UNSHARE_NET, NULL, -1, c->pos, c->pos);
}

static int opt_share_net(struct parser *p, const struct cli_call *c)
{
	/* Applied after the loop: it wins over --unshare-* given later too
	 * (unless --net or --netns is given: then the last one wins). */
	p->share_net = true;
	return nsb_cli_net_choose(&p->net, NSB_CLI_NET_SHARE_NET, NULL, -1, c->pos, c->pos);
}

static int opt_net(struct parser *p, const struct cli_call *c)
{
	return nsb_cli_net_choose(&p->net, NSB_CLI_NET_MODE, c->arg[0].s, -1, c->pos,
	                          c->arg[0].pos);
}

static int opt_netns(struct parser *p, const struct cli_call *c)
{
	int fd, r;

	r = parse_fd_arg(c, 0, &fd);
	if (r < 0)
		return r;
	return nsb_cli_net_choose(&p->net, NSB_CLI_NET_NETNS, NULL, fd, c->pos, c->arg[0].pos);
}

static int opt_net_host_loopback(struct parser *p, const struct cli_call *c)
{
	p->cfg->net_host_loopback = true;
	if (p->net.host_loopback_pos == -2)
		p->net.host_loopback_pos = c->pos;
	return 0;
}

static int opt_net_allow(struct parser *p, const struct cli_call *c)
{
	return nsb_cli_net_allow(&p->net, p->cfg, c->arg[0].s, c->arg[0].pos);
}

static int opt_net_forward(struct parser *p, const struct cli_call *c)
{
	return nsb_cli_net_forward(&p->net, p->cfg, c->arg[0].s, c->arg[0].pos);
}

static int opt_scope(struct parser *p, const struct cli_call *c)
{
	const struct cli_option *o = c->opt;

	nsb_cli_landlock_scope(
	        p->cfg, o == &all.opt[ID_SCOPE_SIGNALS] || o == &all.opt[ID_SCOPE_SIGNALS_TRY],
	        o == &all.opt[ID_SCOPE_SIGNALS_TRY] ||
	                o == &all.opt[ID_SCOPE_ABSTRACT_AF_UNIX_TRY]);
	return 0;
}

static int opt_landlock_ports(struct parser *p, const struct cli_call *c)
{
	return nsb_cli_landlock_ports(p->cfg, c->opt == &all.opt[ID_LANDLOCK_TCP_BIND], c->arg[0].s,
	                              c->arg[0].pos);
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

/* One argument of a filesystem op, checked as its row says, into op. */
static int fsop_arg(const struct cli_call *c, unsigned i, enum nsb_arg_kind kind, struct nsb_op *op)
{
	unsigned mode;
	int r;

	switch (kind) {
	case NSB_ARG_FD:
		return parse_fd_arg(c, i, &op->fd);
	case NSB_ARG_MODE:
		r = parse_mode_arg(c, i, &mode);
		if (r == 0)
			op->perms = (int)mode;
		return r;
	default:
		return check_path(c, i);
	}
}

/* --overlay-src layers before an overlay: the kernel wants one lower layer
 * with an upper one, two without. */
static int take_layers(struct parser *p, const struct cli_call *c,
                       const struct nsb_op_kind_info *info, struct nsb_op *op)
{
	static const char *const count[] = {"zero", "one", "two", "three"};
	const char **layers;
	int r;

	if (p->layers.n < info->min_layers) {
		nsb_err("%s requires at least %s --overlay-src (%s: got %zu)", c->opt->name,
		        count[info->min_layers < 4 ? info->min_layers : 0], AT(c->pos),
		        p->layers.n);
		return -EINVAL;
	}
	layers = calloc(p->layers.n, sizeof(*layers));
	if (!layers)
		return out_of_memory();
	memcpy(layers, p->layers.path, p->layers.n * sizeof(*layers));
	r = add_owned(p, (char *)layers);
	if (r < 0)
		return r;
	op->layers = layers;
	op->n_layers = p->layers.n;
	p->layers.n = 0;
	return 0;
}

/* Every filesystem op: its row in ops.c says what its arguments are. */
static int opt_fsop(struct parser *p, const struct cli_call *c)
{
	const struct cli_option *o = c->opt;
	const struct nsb_op_kind_info *info = option_op(o);
	unsigned n = nsb_op_kind_nargs(info);
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

	if (info->flags & NSB_OPK_OVERLAY) {
		r = take_layers(p, c, info, &op);
		if (r < 0)
			return r;
	}
	for (unsigned i = 0; i < n; i++) {
		r = fsop_arg(c, i, info->arg_kinds[i], &op);
		if (r < 0)
			return r;
	}
	/* A source or a symlink's target comes first; --overlay's upper and
	 * work directories are its first two arguments. */
	if (n >= 2 && info->arg_kinds[0] != NSB_ARG_FD && info->arg_kinds[0] != NSB_ARG_MODE)
		op.src = c->arg[0].s;
	if (n == 3)
		op.workdir = c->arg[1].s;
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
	nsb_err("%s given twice for the same action (%s)", c->opt->name, AT(c->pos));
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
		nsb_err("--size takes a non-zero number of bytes (got '%s', "
		        "%s): " NSB_BYTES_EDOM_HINT,
		        a->s, AT(a->pos));
	else if (r == -ERANGE)
		nsb_err("--size (for tmpfs) is limited to %zu (got '%s', %s)", SIZE_MAX / 2, a->s,
		        AT(a->pos));
	else if (r < 0)
		nsb_err("--size takes a non-zero number of bytes (got '%s', %s): decimal, 0x "
		        "hexadecimal or 0 octal, or a decimal number and a unit K, M, G, T, P or E "
		        "(powers of 1024: 64M = 64Mi = 64MiB)",
		        a->s, AT(a->pos));
	/* -EDOM means "usage printed" to the caller of nsb_cli_parse(). */
	if (r < 0)
		return r == -EDOM ? -EINVAL : r;
	p->size = (struct modifier){.given = true, .pos = c->pos, .value = size};
	return 0;
}

/* What a pending --overlay-src lets through (see check_modifiers()). */
#define OVERLAY_NEXT "another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay"

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
		nsb_err("unknown cap: %s (%s, %s): expected a name such as CAP_SYS_ADMIN, or ALL",
		        c->arg[0].s, c->opt->name, AT(c->arg[0].pos));
		return -EINVAL;
	}
	ops = grow(cfg->cap_ops, &p->cap_ops_cap, cfg->n_cap_ops, sizeof(*ops));
	if (!ops)
		return out_of_memory();
	cfg->cap_ops = ops;
	cfg->cap_ops[cfg->n_cap_ops++] =
	        (struct nsb_cap_op){.add = strcmp(c->opt->name, "--cap-add") == 0, .cap = cap};
	/* For --net-allow's rule against COMMAND holding CAP_NET_ADMIN. */
	if (cfg->cap_ops[cfg->n_cap_ops - 1].add && (cap == CAP_NET_ADMIN || cap == -1)) {
		p->net.cap_net_admin_pos = c->arg[0].pos;
		p->net.cap_net_admin_all = cap == -1;
		p->net.cap_net_admin_value = c->arg[0].s;
	}
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
		nsb_err("%s must be followed by %s (not %s, %s)", modifier, what, next, AT(pos));
	else
		nsb_err("%s must be followed by %s (no option follows it, %s)", modifier, what,
		        AT(pos));
	return -EINVAL;
}

/* A pending --perms/--size only lets through the ops it applies to, the
 * other modifier and --args (whose data is parsed as if it stood here). */
static int check_modifiers(const struct parser *p, const struct cli_option *o, int pos)
{
	const struct nsb_op_kind_info *op = option_op(o);
	unsigned opk = op ? op->flags : 0;

	if (p->layers.n && !(o->flags & (CLI_TRANSPARENT | CLI_OVERLAY_SRC)) &&
	    !(opk & NSB_OPK_OVERLAY))
		return modifier_misplaced("--overlay-src", OVERLAY_NEXT, o->name, pos);
	if (o->flags & (CLI_MODIFIER | CLI_TRANSPARENT))
		return 0;
	if (p->perms.given && !(opk & NSB_OPK_TAKES_PERMS))
		return modifier_misplaced("--perms", "an option that creates a file", o->name, pos);
	if (p->size.given && !(opk & NSB_OPK_TAKES_SIZE))
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
			static const char *const count[] = {"", "an argument", "two arguments",
			                                    "three arguments"};
			const char *name = c->opt->name;
			char syn[128];

			option_synopsis(c->opt, true, syn, sizeof(syn));
			/* bubblewrap's words, "one argument" for these three. */
			if (n == 1 &&
			    (strcmp(name, "--argv0") == 0 || strcmp(name, "--chdir") == 0 ||
			     strcmp(name, "--remount-ro") == 0))
				nsb_err("%s takes one argument (%s, %s: got %u)", name, syn,
				        AT(c->pos), i);
			else
				nsb_err("%s takes %s (%s, %s: got %u)", name, count[n], syn,
				        AT(c->pos), i);
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
	p->seen[c.opt - all.opt] = true;
	p->seen_pos[c.opt - all.opt] = c.pos;
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

/* A rule broken: bubblewrap's words (msg), then where. */
static int refuse(const char *msg, int pos)
{
	nsb_err("%s (%s)", msg, AT(pos));
	return -EINVAL;
}

/* Was the option given, and where (for messages)? */
static bool seen(const struct parser *p, enum cli_id id, int *ret_pos)
{
	if (ret_pos)
		*ret_pos = p->seen_pos[id];
	return p->seen[id];
}

/* a and b may not both be given: msg says so (a-then-b order), or with
 * msg NULL a message of nsbox's own. */
static int conflict(const struct parser *p, enum cli_id a, enum cli_id b, const char *msg)
{
	const char *na = general_options[a].name, *nb = general_options[b].name;
	char buf[160];
	int pa, pb;

	if (!seen(p, a, &pa) || !seen(p, b, &pb))
		return 0;
	if (!msg) {
		snprintf(buf, sizeof(buf), "%s is not compatible with %s", pa > pb ? na : nb,
		         pa > pb ? nb : na);
		msg = buf;
	}
	return refuse(msg, pa > pb ? pa : pb);
}

/* The lifecycle options' rules. */
static int check_lifecycle_options(const struct parser *p)
{
	const struct nsb_config *cfg = p->cfg;
	int r = 0, pos, pa, pb;

	if (seen(p, ID_USERNS_BLOCK_FD, &pos)) {
		if (!cfg->unshare_user)
			return refuse("--userns-block-fd requires --unshare-user", pos);
		if (cfg->info_fd < 0)
			return refuse("--userns-block-fd requires --info-fd", pos);
	}
	if (seen(p, ID_DISABLE_USERNS, &pos) && !cfg->unshare_user)
		return refuse("--disable-userns requires --unshare-user", pos);
	/* (bubblewrap's message has the two spaces) */
	r = conflict(p, ID_DISABLE_USERNS, ID_USERNS_BLOCK_FD,
	             "--disable-userns is not compatible with  --userns-block-fd");
	if (r == 0)
		r = conflict(p, ID_USERNS, ID_UNSHARE_USER,
		             "--userns not compatible --unshare-user");
	if (r == 0)
		r = conflict(p, ID_USERNS, ID_UNSHARE_USER_TRY,
		             "--userns not compatible --unshare-user-try");
	if (r == 0)
		r = conflict(p, ID_USERNS, ID_UNSHARE_ALL, NULL);
	if (r == 0)
		r = conflict(p, ID_AS_PID_1, ID_LOCK_FILE,
		             "Specifying --as-pid-1 and --lock-file is not permitted");
	if (r == 0 && seen(p, ID_SECCOMP, &pa) && seen(p, ID_ADD_SECCOMP_FD, &pb))
		r = pa < pb ? refuse("--add-seccomp-fd cannot be combined with --seccomp", pb)
		            : refuse("--seccomp cannot be combined with --add-seccomp-fd", pa);
	if (r == 0 && seen(p, ID_USERNS2, &pos) && cfg->userns_fd < 0)
		r = refuse("--userns2 requires --userns", pos);
	return r;
}

static int check_cross_options(const struct parser *p)
{
	const struct nsb_config *cfg = p->cfg;
	/* Without root, a user namespace is created anyway. */
	bool userns = cfg->real_uid != 0 || cfg->unshare_user || cfg->unshare_user_try ||
	              cfg->userns_fd >= 0;

	if (cfg->uid_given && !userns)
		return refuse("Specifying --uid requires --unshare-user or --userns", p->uid_pos);
	if (cfg->gid_given && !userns)
		return refuse("Specifying --gid requires --unshare-user or --userns", p->gid_pos);
	if (cfg->hostname && !cfg->unshare_uts)
		return refuse("Specifying --hostname requires --unshare-uts", p->hostname_pos);
	if (cfg->as_pid_1 && !cfg->unshare_pid)
		return refuse("Specifying --as-pid-1 requires --unshare-pid", p->as_pid_1_pos);
	return check_lifecycle_options(p);
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
	if (p->share_net && !p->net.explicit_net)
		cfg->unshare_net = false;
	r = nsb_cli_net_finish(&p->net, cfg);
	if (r < 0)
		return r;
	r = check_cross_options(p);
	if (r < 0)
		return r;
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
	nsb_cli_net_init(&p.net);
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
	size_t w = 0;

	build_options();
	for (size_t i = 0; i < all.n; i++) {
		option_synopsis(&all.opt[i], true, syn, sizeof(syn));
		if (strlen(syn) > w)
			w = strlen(syn);
	}
	return (int)w;
}

static void usage_group(FILE *out, enum cli_group g, int width)
{
	bool heading = false;
	char syn[128];

	for (size_t i = 0; i < all.n; i++) {
		const struct cli_option *o = &all.opt[i];

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

static const char *const group_key[_GRP_MAX] = {
        [GRP_GENERAL] = "general",   [GRP_NAMESPACES] = "namespaces",
        [GRP_NETWORK] = "network",   [GRP_PROCESS] = "process",
        [GRP_MONITOR] = "monitor",   [GRP_FILESYSTEM] = "filesystem",
        [GRP_LOCKDOWN] = "lockdown",
};

void nsb_cli_list_options(FILE *out)
{
	build_options();
	for (size_t i = 0; i < all.n; i++) {
		const struct cli_option *o = &all.opt[i];
		unsigned n = option_nargs(o);

		fprintf(out, "%s\t%s\t", o->name, group_key[o->group]);
		for (unsigned k = 0; k < n; k++)
			fprintf(out, "%s%s:%s", k ? " " : "", o->args[k],
			        nsb_arg_kind_name(o->arg_kinds[k]));
		fprintf(out, "%s\t%s\n", n ? "" : "-", o->help);
	}
}
