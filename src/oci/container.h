/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's side of create and exec: what the container process
 * does from its clone to execve(process.args), and what an exec'd
 * process does once it is in the container's namespaces.
 *
 * The container process (cloned by create; pid 1 of its pid namespace
 * when it has one, and process.args itself after execve: no reaper):
 *   1. waits for GO (its id maps and cgroup are in place; the text is its
 *      pid as the runtime sees it, for the hooks' state);
 *   2. becomes uid/gid 0 of a new user namespace, joins a fresh session
 *      keyring (unless --no-new-keyring), unshares its cgroup and time
 *      namespaces, sets the hostname, domainname, sysctls and
 *      oomScoreAdj;
 *   3. builds the root (sandbox.h: the plan's ops in an intermediate
 *      root), says ROOT_READY and waits for GO (the createRuntime and
 *      prestart hooks run meanwhile), runs the createContainer hooks
 *      (chrooted into the host's root, in the container's namespaces),
 *      pivots into the new root and applies rootfsPropagation;
 *   4. prepares process.args (below), says CREATED and closes the
 *      channel: create returns;
 *   5. waits for a START on the start socket (start, or run), runs the
 *      startContainer hooks and executes (below), its errors going to
 *      that connection.
 * Preparing a process (container or exec): with process.terminal a new
 * pty from the container's /dev/ptmx becomes its controlling terminal and
 * stdio, its master goes to the runtime as PTY (consoleSize applied; the
 * container process binds the slave on /dev/console); rlimits,
 * ioPriority, scheduler and personality; the working directory; the
 * executable looked up in the process's PATH (so that a missing command
 * fails create, as with runc). Executing: no_new_privs if asked, the
 * seccomp program (a listener goes to the runtime as LISTENER), the
 * bounding set, groups, gid and uid (keeping capabilities), the
 * capability sets, the umask, EXEC, execve. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "oci/seccomp.h"
#include "oci/spec.h"
#include "oci/state.h"
#include "oci/translate.h"

/* A process to start in the container: its own or an exec'd one. */
struct nsb_oci_proc {
	const struct nsb_oci_process *process;
	const char *what;              /* prefix of JSON paths: "config.json: process." */
	const struct nsb_oci_bpf *bpf; /* linux.seccomp compiled, or NULL */
	unsigned preserve_fds;         /* fds 3 .. 3+N-1 pass on */
};

struct nsb_oci_init {
	const struct nsb_oci_spec *spec;
	const struct nsb_oci_plan *plan;
	struct nsb_oci_proc proc;
	const struct nsb_oci_state *state; /* id, bundle, annotations: the hooks' state */
	int sync_fd;                       /* the container's end of the channel to create */
	int start_fd;                      /* the listening start socket */
	bool no_new_keyring;
};

/* In the process create cloned. Never returns: execve, or _exit(1) after
 * sending the error. */
_Noreturn void nsb_oci_init_run_or_die(struct nsb_oci_init *in);

/* In the exec'd process, already in the container's namespaces and
 * cgroup: prepare and execute p, talking over sync_fd. */
_Noreturn void nsb_oci_exec_run_or_die(const struct nsb_oci_proc *p, int sync_fd);

/* The state JSON of st with status and pid (malloc'ed). 0 or -ENOMEM. */
int nsb_oci_state_text(const struct nsb_oci_state *st, enum nsb_oci_status status, pid_t pid,
                       char **ret);
