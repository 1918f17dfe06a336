/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The filesystem operations: one table row per op kind, applied in
 * command-line order inside the new root being built at /newroot while the
 * host's root sits at /oldroot. */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>

#include "nsb-config.h"

/* Where the host's root is while the ops run. */
#define NSB_OLDROOT "/oldroot"

struct nsb_setup {
	const struct nsb_config *cfg;
	int rootfd;          /* O_PATH fd of the new root's top mount */
	int oldrootfd;       /* O_PATH fd of the host's root */
	struct stat root_st; /* to notice a mount on the root itself */
	char **sources;      /* per op: absolute host path of a bind source (for
	                        --bind-fd: of what the fd names), or NULL */
	char *cwd;           /* the caller's working directory, or NULL */
	char *console;       /* host tty to bind at DEV/console, or NULL */
	bool pidns;          /* --proc mounts a new procfs */
	unsigned tmp_seq;    /* names of temporary files and directories */
};

/* In the monitor, before any namespace exists: every fd an op will use
 * (--bind-fd, --ro-bind-fd) must be open. 0 or -EBADF, logged. */
int nsb_ops_check_fds(const struct nsb_config *cfg);

/* Before the first pivot, in the caller's view: make every bind source
 * absolute (relative to the caller's cwd), find the path of every
 * --bind-fd fd and the controlling tty. 0 or -errno, logged. */
int nsb_ops_resolve(struct nsb_setup *s);

/* Apply every op in order, then close the fds that ops borrowed from the
 * caller (COMMAND must not inherit them). 0 or -errno, logged once with
 * the option. */
int nsb_ops_apply(struct nsb_setup *s);

/* The option name of an op kind, for messages. */
const char *nsb_op_kind_name(enum nsb_op_kind kind);

/* A setup step failed with err in a way that only weakens isolation (a
 * mount that could not be made read-only, nodev or nosuid): an error
 * "<message>: <strerror>" returning -err, or with --not-a-security-boundary
 * a warning saying setup goes on, returning 0. */
int nsb_setup_weakened(const struct nsb_config *cfg, int err, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
