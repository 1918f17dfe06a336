/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sandbox side of the launch: everything the cloned child does, from
 * the id maps to execvp. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>

#include "nsb-config.h"
#include "nsb-seccomp.h"

/* What the monitor decided before cloning. */
struct nsb_plan {
	pid_t monitor_pid;
	bool userns;        /* a user namespace was created */
	bool write_maps;    /* ... and nsbox writes its id maps */
	bool nested_userns; /* map uid/gid 0 first (devpts, --disable-userns), then nest */
	bool pidns;
	bool netns;
	bool reaper;        /* pid 1 stays behind as a reaper */
	bool set_caps;      /* change the capabilities to keep_caps */
	uint64_t keep_caps; /* what COMMAND keeps, when set_caps */
	uid_t outer_uid;
	gid_t outer_gid;
	const char *cwd;  /* the caller's cwd, or NULL */
	int release_fd;   /* --userns-block-fd: wait for a byte from the monitor; -1 */
	int exec_fd;      /* --json-status-fd: a byte before execvp, one more if it fails; -1 */
	int self_fd;      /* nsbox's own executable, to re-execute the reaper; -1 */
	bool pidns_relay; /* --pidns with --unshare-pid: unshare, fork, relay */
	int unshared_fd;  /* ... a byte once the new pid namespace exists; -1 */
	struct nsb_bpf *seccomp; /* compiled --seccomp-profile and --seccomp-policy, in order */
	size_t n_seccomp;
};

/* In the cloned child: build the sandbox and exec COMMAND; on failure log
 * and _exit(1). cfg is the child's own copy: the fds it names get closed. */
_Noreturn void nsb_sandbox_run_or_die(struct nsb_config *cfg, const struct nsb_plan *plan);

/* What the reaper must not keep of the caller's fds (it keeps --sync-fd). */
void nsb_sandbox_release_fds(struct nsb_config *cfg, const struct nsb_plan *plan);

/* Install the seccomp programs; the --seccomp fd too when with_late_fd. */
void nsb_sandbox_install_seccomp_or_die(struct nsb_config *cfg, const struct nsb_plan *plan,
                                        bool with_late_fd);

/* Pass SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH sent
 * by a process on to pid to. */
void nsb_signals_forward(pid_t to);

/* Block those signals (saving the mask in *old), or restore *old. */
void nsb_signals_block(bool block, sigset_t *old);
