/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbox-oci's command line: runc's (and crun's) global options, commands
 * and their options, parsed into struct nsb_oci_cli; nsb_oci_main() runs
 * the command.
 *
 * Syntax, as runc's flag library takes it: "--flag value", "--flag=value",
 * "-flag value" and "-flag=value" for each long name, the one-letter names
 * runc has (-b, -d, -t, ...); boolean flags take no separate value
 * ("--detach", "--detach=false"). Global options come before the command;
 * a command's options may come before or after its positional arguments
 * (runc reorders them), except for exec and ps, whose options end at the
 * id (what follows is the command to run, or ps's options), and for
 * anything after "--".
 *
 * Commands implemented now: spec, features, state, list, delete, kill,
 * pause, resume, ps, update (the last six need only the recorded state and
 * the container's cgroup). create, start, run and exec parse their options
 * fully and then stop with "nsbox-oci: <command>: not implemented yet":
 * they need the launch path. checkpoint, restore and events are refused as
 * not supported.
 *
 * Messages go to stderr as "nsbox-oci: ..."; with --log FILE also to FILE,
 * as one logrus-style line per message (--log-format text) or one JSON
 * object per line {"level","msg","time"} (--log-format json), which is how
 * podman and conmon read a runtime's errors. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum nsb_oci_log_format { NSB_OCI_LOG_TEXT, NSB_OCI_LOG_JSON };
enum nsb_oci_rootless { NSB_OCI_ROOTLESS_AUTO, NSB_OCI_ROOTLESS_TRUE, NSB_OCI_ROOTLESS_FALSE };

enum nsb_oci_cmd {
	NSB_OCI_CMD_NONE,
	NSB_OCI_CMD_CREATE,
	NSB_OCI_CMD_START,
	NSB_OCI_CMD_RUN,
	NSB_OCI_CMD_EXEC,
	NSB_OCI_CMD_STATE,
	NSB_OCI_CMD_KILL,
	NSB_OCI_CMD_DELETE,
	NSB_OCI_CMD_LIST,
	NSB_OCI_CMD_PS,
	NSB_OCI_CMD_PAUSE,
	NSB_OCI_CMD_RESUME,
	NSB_OCI_CMD_UPDATE,
	NSB_OCI_CMD_SPEC,
	NSB_OCI_CMD_FEATURES,
	NSB_OCI_CMD_CHECKPOINT,
	NSB_OCI_CMD_RESTORE,
	NSB_OCI_CMD_EVENTS,
	NSB_OCI_CMD_HELP,
	NSB_OCI_CMD_N,
};

/* update's value options, in the order of the table in cli.c. */
enum nsb_oci_update_opt {
	NSB_OCI_UPD_BLKIO_WEIGHT,
	NSB_OCI_UPD_CPU_PERIOD,
	NSB_OCI_UPD_CPU_QUOTA,
	NSB_OCI_UPD_CPU_SHARE,
	NSB_OCI_UPD_CPU_RT_PERIOD,
	NSB_OCI_UPD_CPU_RT_RUNTIME,
	NSB_OCI_UPD_CPUSET_CPUS,
	NSB_OCI_UPD_CPUSET_MEMS,
	NSB_OCI_UPD_KERNEL_MEMORY,
	NSB_OCI_UPD_KERNEL_MEMORY_TCP,
	NSB_OCI_UPD_MEMORY,
	NSB_OCI_UPD_MEMORY_RESERVATION,
	NSB_OCI_UPD_MEMORY_SWAP,
	NSB_OCI_UPD_PIDS_LIMIT,
	NSB_OCI_UPD_L3_CACHE_SCHEMA,
	NSB_OCI_UPD_MEM_BW_SCHEMA,
	NSB_OCI_UPD_N,
};

struct nsb_oci_cli {
	/* global */
	const char *root; /* NULL: the default (oci/state.h) */
	const char *log;
	enum nsb_oci_log_format log_format;
	bool debug;
	bool systemd_cgroup;
	enum nsb_oci_rootless rootless;

	enum nsb_oci_cmd cmd;
	bool help; /* COMMAND --help, or help COMMAND */

	/* command options (each command reads its own) */
	const char *bundle;
	const char *console_socket;
	const char *pid_file;
	const char *process;
	const char *cwd;
	const char *user;
	const char *process_label;
	const char *apparmor;
	const char *format; /* list, ps: "table" or "json" */
	const char *resources;
	unsigned preserve_fds;
	bool no_pivot, no_new_keyring, detach, keep, no_subreaper;
	bool all, force, tty, no_new_privs, quiet, ignore_paused;
	bool spec_rootless;
	const char **env, **caps, **additional_gids, **cgroups; /* exec, repeatable */
	size_t n_env, n_caps, n_additional_gids, n_cgroups;
	const char *update[NSB_OCI_UPD_N]; /* NULL if not given */

	/* positional arguments (borrowed from argv): id and what follows */
	char **args;
	size_t n_args;
};

/* Parse argv (argv[0] is nsbox-oci) in two steps, so that the caller can
 * open --log before the command's own errors are reported: the global
 * options (*ret_next: the index of the command word; --version sets
 * *ret_version, --help or no word at all sets cmd NSB_OCI_CMD_HELP), then
 * the command and its arguments. Each returns 0, or -EINVAL after logging
 * one message naming the option and the value (the caller exits 1). */
int nsb_oci_cli_parse_global(struct nsb_oci_cli *cli, int argc, char **argv, int *ret_next,
                             bool *ret_version);
int nsb_oci_cli_parse_command(struct nsb_oci_cli *cli, int argc, char **argv);
void nsb_oci_cli_free(struct nsb_oci_cli *cli);

/* Usage for the whole program (cmd NSB_OCI_CMD_NONE) or one command. */
void nsb_oci_cli_usage(FILE *out, enum nsb_oci_cmd cmd);

/* The command's name ("create"). */
const char *nsb_oci_cmd_name(enum nsb_oci_cmd cmd);

/* The entry point for argv[0] == "nsbox-oci": the exit status. */
int nsb_oci_main(int argc, char **argv);

/* Commands (oci/commands.c, oci/specgen.c): exit statuses. */
int nsb_oci_cmd_spec(const struct nsb_oci_cli *cli);
int nsb_oci_cmd_features(const struct nsb_oci_cli *cli);
int nsb_oci_cmd_state(const struct nsb_oci_cli *cli);
int nsb_oci_cmd_list(const struct nsb_oci_cli *cli);
int nsb_oci_cmd_delete(const struct nsb_oci_cli *cli);
int nsb_oci_cmd_kill(const struct nsb_oci_cli *cli);
int nsb_oci_cmd_pause(const struct nsb_oci_cli *cli, bool pause);
int nsb_oci_cmd_ps(const struct nsb_oci_cli *cli);
int nsb_oci_cmd_update(const struct nsb_oci_cli *cli);

/* Whether to act rootless (--rootless, else: not root in the initial
 * user namespace). */
bool nsb_oci_cli_is_rootless(const struct nsb_oci_cli *cli);

/* Signal names for kill: "TERM", "SIGTERM", "15" -> 15. 0 or -EINVAL. */
int nsb_oci_parse_signal(const char *s, int *ret);

/* The default config.json of `spec` (rootless: for an unprivileged user
 * with uid/gid mapped to 0) to f. 0 or -EIO. */
int nsb_oci_spec_default(FILE *f, bool rootless, unsigned uid, unsigned gid);
/* The features JSON to f. 0 or -EIO. */
int nsb_oci_features(FILE *f);
