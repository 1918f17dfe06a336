/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sandbox side of the launch: everything the cloned child does, from
 * the id maps to execvp (see sync.c for the processes and their channel). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nsb-config.h"
#include "nsb-seccomp.h"

/* What the monitor decided before cloning. */
struct nsb_plan {
	pid_t monitor_pid;  /* the process that clones the child */
	bool userns;        /* a user namespace was created */
	bool write_maps;    /* ... and nsbox writes its id maps */
	bool nested_userns; /* map uid/gid 0 first (devpts, --disable-userns), then nest */
	bool pidns;         /* COMMAND runs in a pid namespace of its own */
	bool netns;
	bool reaper;        /* pid 1 stays behind as a reaper */
	bool joinable;      /* the launcher learns pid 1's pid and may join (reaper.c) */
	bool pidns_relay;   /* --pidns with --unshare-pid: unshare, fork, relay */
	bool report;        /* the monitor reports the namespaces (--info-fd, ...) */
	bool wait_go;       /* the child waits for the monitor's GO first */
	bool set_caps;      /* change the capabilities to keep_caps */
	uint64_t keep_caps; /* what COMMAND keeps, when set_caps */
	bool ambient_caps;  /* ... raised as ambient capabilities too */
	uid_t outer_uid;
	gid_t outer_gid;
	const char *cwd;         /* the caller's cwd, or NULL */
	int sync_fd;             /* the child's end of the channel to the monitor */
	struct nsb_bpf *seccomp; /* compiled --seccomp-profile and --seccomp-policy, in order */
	size_t n_seccomp;
	/* Network (net.h): with a helper, the child sends IDMAPS_WRITTEN and
	 * waits for NET_READY. */
	bool net_helper;
	char *net_helper_path; /* the helper found on PATH */
	char *net_ruleset;     /* --net-allow: the nftables ruleset, or NULL */
	char *resolv_conf;     /* the sandbox's /etc/resolv.conf, or NULL */
};

/* In the cloned child: build the sandbox and exec COMMAND; on failure the
 * message goes to the monitor and the child exits 1. cfg is the child's
 * own copy: the fds it names get closed. */
_Noreturn void nsb_sandbox_run_or_die(struct nsb_config *cfg, const struct nsb_plan *plan);

/* Building the new root, in two steps, for nsbox's launch and the OCI
 * face's container (oci/container.c) alike; both die with a message on
 * failure. enter: in a mount namespace of the caller's own, resolve the
 * ops' sources, make every mount a slave, pivot into an intermediate tmpfs
 * root (the host's root at NSB_OLDROOT, the new root at /newroot) and
 * apply cfg's ops there (pidns: a new procfs may be mounted). What must
 * still reach the host happens between the two steps. pivot: drop the
 * host's root, pivot into the new root and drop the intermediate one. */
void nsb_sandbox_enter_root_or_die(const struct nsb_config *cfg, bool pidns);
void nsb_sandbox_pivot_or_die(void);

/* Install the seccomp programs; the --seccomp fd too when with_late_fd. */
void nsb_sandbox_install_seccomp_or_die(struct nsb_config *cfg, const struct nsb_plan *plan,
                                        bool with_late_fd);
