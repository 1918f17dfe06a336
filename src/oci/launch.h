/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The runtime's side of create, start, run and exec (oci/create.c,
 * oci/exec.c); the container's side is oci/container.h.
 *
 * create: the runtime reads and checks config.json, makes the state
 * directory (ROOT/ID, locked for the whole command) with a copy of
 * config.json, the container's cgroup and a listening unix socket
 * ROOT/ID/start; it clones the container process into the new namespaces
 * (joining linux.namespaces' paths first in a forked joiner, whose clone
 * with CLONE_PARENT keeps the container a child of create's caller side),
 * writes its id maps (directly, or with newuidmap/newgidmap), moves it into
 * the cgroup, records its pid, and sends GO. On ROOT_READY it runs the
 * prestart and createRuntime hooks (runtime namespace) and sends GO; a
 * PTY goes to --console-socket; on CREATED the state becomes "created",
 * the pid file is written and create returns. The container process
 * survives it: its parent is create's parent (conmon, a subreaper), and no
 * nsbox-oci process stays behind.
 *
 * start: connects to ROOT/ID/start and sends START; the container runs
 * the startContainer hooks and executes process.args (EXEC, then EOF at
 * execve; or ERROR); start records "running", removes the socket and runs
 * the poststart hooks (failures are warnings).
 *
 * run: create and start in one process; without --detach it then waits
 * for the container (passing signals on, and relaying a terminal when
 * there is no --console-socket), deletes it (unless --keep) and exits with
 * its status. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "oci/cli.h"
#include "oci/spec.h"

int nsb_oci_cmd_create(const struct nsb_oci_cli *cli);
int nsb_oci_cmd_start(const struct nsb_oci_cli *cli);
int nsb_oci_cmd_run(const struct nsb_oci_cli *cli);
int nsb_oci_cmd_exec(const struct nsb_oci_cli *cli);

/* Write pid to path atomically (a temporary file renamed over it). 0 or
 * -errno, logged. */
int nsb_oci_write_pid_file(const char *path, pid_t pid);

/* Absolute path of a command-line path (relative to the caller's cwd),
 * malloc'ed; NULL for NULL. 0 or -ENOMEM. */
int nsb_oci_abs_path(const char *path, char **ret);

/* Helpers create and exec share. */

/* Open --root (or the default; made with create). -ENOENT, not logged,
 * when it does not exist and create is false. */
int nsb_oci_open_root(const struct nsb_oci_cli *cli, bool create, int *ret);

/* Leave out (with a warning each) the capabilities beyond nsbox-oci's own
 * bounding set and those this kernel does not know. */
void nsb_oci_cut_caps(struct nsb_oci_process *p);

/* Move *fd to a number >= min (close-on-exec). 0 or -errno. */
int nsb_oci_fd_above(int *fd, unsigned min);

/* Parse the container's copy of config.json. 0 or -errno, logged. */
int nsb_oci_read_config_copy(int dir_fd, struct nsb_oci_spec *spec);

/* Relay between our stdin/stdout (raw, if a terminal) and a container
 * terminal's master until it hangs up. */
void nsb_oci_relay(int master);

/* Wait for the child pid: its status (128+N for signal N) or -errno. */
int nsb_oci_wait(pid_t pid);
