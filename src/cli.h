/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command line: parse argv (+ --args) into struct nsb_config, check the
 * cross-option rules, and print usage. Pure: no syscalls besides reading
 * --args fds; messages go through log.h. */
#pragma once

#include <stdio.h>

#include "nsb-config.h"

/* Limit on parsed arguments, including those read through --args. */
#define NSB_MAX_ARGS 9000

enum {
	NSB_CLI_RUN = 0,     /* cfg is ready: launch COMMAND */
	NSB_CLI_HELP = 1,    /* --help was given: print usage to stdout, exit 0 */
	NSB_CLI_VERSION = 2, /* --version was given: print version, exit 0 */
};

/* cfg->real_uid/real_gid must be set by the caller. Returns NSB_CLI_* or a
 * negative errno after logging one message naming the option and the value
 * at fault (the caller exits 1; for a missing COMMAND or no arguments it
 * prints usage to stderr first: -EDOM). */
int nsb_cli_parse(struct nsb_config *cfg, int argc, char **argv);

/* Usage text generated from the option table; first line
 * "usage: <argv0> [OPTIONS...] [--] COMMAND [ARGS...]". */
void nsb_cli_usage(FILE *out, const char *argv0);
