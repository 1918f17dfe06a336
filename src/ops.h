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
	bool have_mask_file; /* --mask's empty file exists in the intermediate root */
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

/* The --list-options name of an argument kind ("hostpath", "fd", ...). */
const char *nsb_arg_kind_name(enum nsb_arg_kind kind);

/* struct nsb_op_kind_info.flags */
enum {
	NSB_OPK_HOST_SOURCE = 1u << 0,   /* the first argument is a host path */
	NSB_OPK_FD_SOURCE = 1u << 1,     /* ... an fd naming the source, open until applied */
	NSB_OPK_DATA_FD = 1u << 2,       /* ... an fd whose data is read, then closed */
	NSB_OPK_MODE = 1u << 3,          /* ... the mode to set */
	NSB_OPK_TAKES_PERMS = 1u << 4,   /* creates what it names: may follow --perms */
	NSB_OPK_TAKES_SIZE = 1u << 5,    /* may follow --size */
	NSB_OPK_OVERLAY = 1u << 6,       /* takes the pending --overlay-src layers */
	NSB_OPK_TMP_UPPER = 1u << 7,     /* an overlay writing to the intermediate tmpfs */
	NSB_OPK_DEVFS = 1u << 8,         /* makes a /dev: uid 0 mapped (devpts), the console */
	NSB_OPK_INSIDE_SOURCE = 1u << 9, /* names only a path inside the new root */
};

struct nsb_setup;
typedef int (*nsb_op_apply_fn)(struct nsb_setup *s, size_t i, const struct nsb_op *op);
/* Before the first pivot, in the caller's view: fill s->sources[i]. */
typedef int (*nsb_op_resolve_fn)(struct nsb_setup *s, size_t i, const struct nsb_op *op);

#define NSB_OP_MAX_ARGS 3

/* Everything about one op kind: its options, their arguments and help,
 * what it may follow, the mount attributes it gives, how it is resolved
 * and applied. Adding an op kind is adding a row (and its enum name),
 * its apply function and its tests. */
struct nsb_op_kind_info {
	const char *name;     /* "--ro-bind" */
	const char *try_name; /* "--ro-bind-try": skipped if the source is missing; or NULL */
	const char *args[NSB_OP_MAX_ARGS];
	enum nsb_arg_kind arg_kinds[NSB_OP_MAX_ARGS];
	const char *help, *try_help;
	unsigned flags;            /* NSB_OPK_* */
	unsigned attrs;            /* MOUNT_ATTR_* of what it mounts */
	unsigned min_layers;       /* overlays: --overlay-src needed before it */
	nsb_op_resolve_fn resolve; /* or NULL */
	nsb_op_apply_fn apply;
};

/* The row of an op kind (every kind has one). */
const struct nsb_op_kind_info *nsb_op_kind_info(enum nsb_op_kind kind);

/* The option name of an op kind, for messages. */
const char *nsb_op_kind_name(enum nsb_op_kind kind);

/* Number of arguments of an op kind's options. */
unsigned nsb_op_kind_nargs(const struct nsb_op_kind_info *info);

/* Is there an op of a kind with one of these NSB_OPK_* flags? */
bool nsb_ops_have(const struct nsb_config *cfg, unsigned flags);

/* A setup step failed with err in a way that only weakens isolation (a
 * mount that could not be made read-only, nodev or nosuid): an error
 * "<message>: <strerror>" returning -err, or with --not-a-security-boundary
 * a warning saying setup goes on, returning 0. */
int nsb_setup_weakened(const struct nsb_config *cfg, int err, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
