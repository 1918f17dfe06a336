/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command line: parse argv (+ --args) into struct nsb_config, check the
 * cross-option rules, and print usage. Besides filling cfg, parsing reads
 * (and closes) the fds of --args and --add-seccomp-fd, sets log.h's state
 * (--level-prefix, --verbose) as soon as those are parsed, and loads
 * libcap for capability names; messages go through log.h. */
#pragma once

#include <stdio.h>

#include "nsb-config.h"

/* The bubblewrap release whose command line nsbox implements; a copy or
 * link named bwrap reports it for --version. */
#define NSB_BWRAP_VERSION "0.11.1"

/* Limit on parsed arguments, including those read through --args. */
#define NSB_MAX_ARGS 9000

enum {
	NSB_CLI_RUN = 0,          /* cfg is ready: launch COMMAND */
	NSB_CLI_HELP = 1,         /* --help was given: print usage to stdout, exit 0 */
	NSB_CLI_VERSION = 2,      /* --version was given: print version, exit 0 */
	NSB_CLI_LIST_OPTIONS = 3, /* --list-options: print them, exit 0 */
};

/* cfg->real_uid/real_gid must be set by the caller. Returns NSB_CLI_* or a
 * negative errno after logging one message naming the option and the value
 * at fault (the caller exits 1; for a missing COMMAND or no arguments it
 * prints usage to stderr first: -EDOM). */
int nsb_cli_parse(struct nsb_config *cfg, int argc, char **argv);

/* Usage text generated from the option table; first line
 * "usage: <argv0> [OPTIONS...] [--] COMMAND [ARGS...]". */
void nsb_cli_usage(FILE *out, const char *argv0);

/* --list-options, from the same table: one line per option, four fields
 * separated by tabs: the option, its group, its arguments as NAME:kind
 * separated by spaces (or "-"), its help. The kinds are those of
 * nsb_arg_kind_name(). The completions are generated from this. */
void nsb_cli_list_options(FILE *out);
