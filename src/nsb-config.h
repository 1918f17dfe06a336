/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* struct nsb_config: everything the command line asked for, in one place.
 * Filled by cli.c (pure parsing), read by the launch and setup steps. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "caps.h"
#include "landlock.h"
#include "net-rules.h"
#include "nsb-seccomp.h"
#include "rlimit.h"

/* Filesystem operations, applied in command-line order inside the new root.
 * Each has a row in ops.c (struct nsb_op_kind_info) with all there is to
 * know about it. */
enum nsb_op_kind {
	NSB_OP_BIND,         /* --bind, --bind-try */
	NSB_OP_RO_BIND,      /* --ro-bind, --ro-bind-try */
	NSB_OP_DEV_BIND,     /* --dev-bind, --dev-bind-try */
	NSB_OP_REMOUNT_RO,   /* --remount-ro DEST */
	NSB_OP_PROC,         /* --proc DEST */
	NSB_OP_DEV,          /* --dev DEST */
	NSB_OP_TMPFS,        /* --tmpfs DEST (perms, size) */
	NSB_OP_MQUEUE,       /* --mqueue DEST */
	NSB_OP_DIR,          /* --dir DEST (perms) */
	NSB_OP_FILE,         /* --file FD DEST (perms) */
	NSB_OP_BIND_DATA,    /* --bind-data FD DEST (perms) */
	NSB_OP_RO_BIND_DATA, /* --ro-bind-data FD DEST (perms) */
	NSB_OP_SYMLINK,      /* --symlink TARGET DEST (src = TARGET) */
	NSB_OP_CHMOD,        /* --chmod OCTAL PATH (perms = OCTAL) */
	NSB_OP_BIND_FD,      /* --bind-fd FD DEST */
	NSB_OP_RO_BIND_FD,   /* --ro-bind-fd FD DEST */
	NSB_OP_OVERLAY,      /* --overlay RWSRC WORKDIR DEST (src = RWSRC, layers) */
	NSB_OP_TMP_OVERLAY,  /* --tmp-overlay DEST (layers) */
	NSB_OP_RO_OVERLAY,   /* --ro-overlay DEST (layers) */
	NSB_OP_MASK,         /* --mask PATH, --mask-try PATH */
	/* The OCI face's ops: no command-line option, made from config.json
	 * by src/oci/translate.c (op->mnt / op->dev carry their details). */
	NSB_OP_ROOTFS,     /* the bundle's root filesystem (src) bound as the new root */
	NSB_OP_MOUNT_BIND, /* mounts[]: a bind or rbind of src with the entry's flags */
	NSB_OP_MOUNT_FS,   /* mounts[]: a new filesystem (tmpfs, proc, sysfs, ...) */
	NSB_OP_DEVICE,     /* linux.devices[] and the default devices: a device node */
	NSB_OP_REMOUNT,    /* readonlyPaths, root.readonly: change DEST's mount flags */
	_NSB_OP_MAX,
};

/* What an argument of an option is: how it is checked when parsed, and
 * what --list-options (hence the completions) says of it. */
enum nsb_arg_kind {
	NSB_ARG_NONE,
	NSB_ARG_HOST_PATH, /* a path as the caller names it (bind source, policy file) */
	NSB_ARG_HOST_DIR,  /* ... a directory (overlay layer) */
	NSB_ARG_PATH,      /* a path inside the sandbox */
	NSB_ARG_DIR,       /* ... a directory */
	NSB_ARG_FD,        /* a file descriptor number */
	NSB_ARG_MODE,      /* an octal file mode */
	NSB_ARG_SIZE,      /* a number of bytes */
	NSB_ARG_ID,        /* a uid or gid */
	NSB_ARG_STRING,    /* any non-empty string */
	NSB_ARG_ENV,       /* an environment variable's name */
	NSB_ARG_CAP,       /* a capability name, or ALL */
	NSB_ARG_RLIMIT,    /* NAME=SOFT[:HARD] */
	NSB_ARG_PROFILE,   /* a built-in seccomp profile */
	NSB_ARG_NET_MODE,  /* --net: pasta, slirp4netns, none, host */
	NSB_ARG_NET_RULE,  /* --net-allow: dns, [tcp:|udp:]ADDRESS... */
	NSB_ARG_NET_FWD,   /* --net-forward: [tcp:|udp:]HOSTPORT[:PORT] */
	NSB_ARG_PORTS,     /* Landlock: 443,8000-8100 */
	_NSB_ARG_MAX,
};

/* nsb_op.flags */
enum {
	NSB_OPF_ALLOW_MISSING = 1u << 0, /* a -try variant: skip if SRC is missing */
	/* DEST may be a dangling symlink inside the new root: make what it
	 * names (the sandbox's resolv.conf, when the host's is a link into
	 * systemd-resolved's /run). */
	NSB_OPF_FOLLOW_DANGLING = 1u << 1,
};

#define NSB_ARGPOS_NSBOX (-2)
/* An op made from config.json: op->opt names it ("config.json: mounts[2]"). */
#define NSB_ARGPOS_OCI (-3)

/* The details of an OCI mount op (NSB_OP_MOUNT_BIND, NSB_OP_MOUNT_FS,
 * NSB_OP_REMOUNT). Attributes are MOUNT_ATTR_* as mount_setattr(2) takes
 * them. */
struct nsb_mount_spec {
	const char *fstype; /* MOUNT_FS: "tmpfs", "proc", ... */
	const char *data;   /* MOUNT_FS: filesystem options, "mode=755,size=64k"; or NULL */
	unsigned attr_set, attr_clear;   /* on the top mount */
	unsigned rattr_set, rattr_clear; /* on every mount of the tree */
	bool set_atime;                  /* give the tree the atime mode atime */
	unsigned atime;                  /* MOUNT_ATTR_RELATIME, _NOATIME, _STRICTATIME */
	unsigned long propagation; /* MS_PRIVATE, MS_SLAVE, MS_SHARED, MS_UNBINDABLE; 0: as made */
	bool recursive;            /* MOUNT_BIND: rbind; REMOUNT: a bind of DEST is recursive */
	bool tmpcopyup;            /* MOUNT_FS tmpfs: copy what DEST held into it */
	/* MOUNT_FS: a host path bound (recursively, with the same flags) when
	 * the kernel refuses the new filesystem with EPERM (a sysfs in a
	 * network namespace another user namespace owns, ...); or NULL. */
	const char *fallback;
};

/* The details of NSB_OP_DEVICE. */
struct nsb_dev_spec {
	char type; /* 'c', 'b', 'u' (as 'c') or 'p' (a FIFO) */
	unsigned major, minor;
	mode_t mode; /* permission bits */
	uid_t uid;
	gid_t gid;
	/* The host's node bound in its place where mknod is refused (in a
	 * user namespace). */
	const char *host_path;
};

struct nsb_op {
	enum nsb_op_kind kind;
	unsigned flags;
	const char *opt;  /* the option as written, e.g. "--ro-bind-try" */
	int argpos;       /* argv index of the option (for messages); -1 if from --args,
	                     NSB_ARGPOS_NSBOX for an op nsbox adds (the sandbox's resolv.conf) */
	const char *src;  /* bind source, symlink target; else NULL */
	const char *dest; /* destination inside the new root, never empty */
	int fd;           /* --file / --bind-data / --bind-fd fd; else -1 */
	int perms;        /* --perms value or --chmod mode; -1 if not given */
	uint64_t size;    /* --size value; 0 if not given */
	/* Overlays: the --overlay-src paths before the op, bottom layer first
	 * (command-line order), and --overlay's WORKDIR; else NULL and 0. */
	const char *const *layers;
	size_t n_layers;
	const char *workdir;
	/* The OCI face's kinds (NULL otherwise). */
	const struct nsb_mount_spec *mnt;
	const struct nsb_dev_spec *dev;
};

enum nsb_env_kind {
	NSB_ENV_SET,   /* --setenv VAR VALUE */
	NSB_ENV_UNSET, /* --unsetenv VAR */
	NSB_ENV_CLEAR, /* --clearenv */
};

struct nsb_env_op {
	enum nsb_env_kind kind;
	const char *name;
	const char *value;
};

struct nsb_config {
	/* Inputs the caller fills in before parsing (parsing makes no syscalls
	 * besides reading --args fds). */
	uid_t real_uid;
	gid_t real_gid;

	/* Namespaces */
	bool unshare_user, unshare_user_try;
	bool unshare_ipc, unshare_pid, unshare_net, unshare_uts;
	bool unshare_cgroup, unshare_cgroup_try;

	/* Network (docs/network.md). After parsing: unshare_net says whether
	 * a new network namespace is made; net_mode is the --net mode that
	 * took effect (NSB_NET_UNSET when only bubblewrap's options were
	 * given); netns_fd >= 0 when --netns took effect. A helper mode
	 * implies unshare_pid (COMMAND must not see or signal the helper). */
	enum nsb_net_mode net_mode;
	int netns_fd;
	bool net_host_loopback;
	struct nsb_net_rule *net_rules; /* --net-allow, in order */
	size_t n_net_rules;
	struct nsb_net_forward *net_forwards; /* --net-forward, in order */
	size_t n_net_forwards;

	/* Identity inside; default to real_uid / real_gid. */
	uid_t sandbox_uid;
	gid_t sandbox_gid;
	bool uid_given, gid_given;
	const char *hostname; /* NULL: unchanged */

	/* Process */
	const char *chdir_path; /* NULL: the default cwd rule */
	const char *argv0;      /* NULL: COMMAND */
	bool new_session, die_with_parent, as_pid_1;

	/* Lifecycle and coordination; fds are -1 when not given. */
	int info_fd, json_status_fd;
	int block_fd, userns_block_fd, sync_fd;
	int userns_fd, userns2_fd, pidns_fd;
	const char **lock_files; /* paths inside the sandbox */
	size_t n_lock_files;
	bool disable_userns, assert_userns_disabled;
	bool no_forward_signals; /* bubblewrap's behaviour: signals not passed on */
	bool kill_on_exit;       /* COMMAND's exit ends the whole sandbox */

	/* Lockdown */
	struct nsb_cap_op *cap_ops; /* --cap-add / --cap-drop in order */
	size_t n_cap_ops;
	int seccomp_fd;                    /* --seccomp, read late; -1 when not given */
	struct nsb_bpf *add_seccomp_progs; /* --add-seccomp-fd, read when parsed */
	size_t n_add_seccomp_progs;
	const char **seccomp_policies; /* --seccomp-policy FILE, in order */
	size_t n_seccomp_policies;
	const char **seccomp_profiles; /* --seccomp-profile NAME, in order */
	size_t n_seccomp_profiles;
	const char *exec_label, *file_label;
	struct nsb_rlimit *rlimits; /* --rlimit, in order */
	size_t n_rlimits;
	struct nsb_landlock landlock; /* --scope-*, --landlock-tcp-* */

	bool not_a_security_boundary;
	bool dry_run; /* --dry-run: print the plan, create nothing */
	bool verbose; /* --verbose: log each setup step */

	/* Ordered operations */
	struct nsb_op *ops;
	size_t n_ops;
	struct nsb_env_op *env;
	size_t n_env;

	/* COMMAND and its arguments, NULL-terminated; points into argv. */
	char **command;

	/* Owned storage: buffers read from --args, freed by nsb_config_free(). */
	char **owned;
	size_t n_owned;
};

/* Mark every fd option as not given (-1); nsb_cli_parse() starts with it.
 * config.c holds these two. */
void nsb_config_init_fds(struct nsb_config *cfg);

/* Release what parsing allocated; cfg may be partly filled. */
void nsb_config_free(struct nsb_config *cfg);
