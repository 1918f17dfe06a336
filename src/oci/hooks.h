/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI hooks: run one hook program with the container's state JSON on its
 * stdin, as the runtime specification says, and report how it failed.
 *
 * - argv is hook.args (args[0] included), or {path} when args is absent;
 *   the environment is hook.env, or nsbox-oci's own when env is absent (as
 *   runc, through Go's exec); the working directory is the caller's.
 * - stdin is a memfd holding the state JSON (a hook may ignore it: no pipe
 *   to fill, no SIGPIPE); stdout and stderr share one pipe whose first
 *   NSB_OCI_HOOK_OUTPUT_MAX bytes are kept for the message (the rest is
 *   read and dropped, so a chatty hook never blocks).
 * - The hook runs in a process group of its own: at the timeout the whole
 *   group is killed with SIGKILL. Once the hook itself has exited, output
 *   still buffered is collected but descendants that keep the pipe open
 *   are not waited for.
 * - fds nsbox-oci inherited (other than 0-2) are not passed to the hook. */
#pragma once

#include <stdbool.h>

#include "oci/spec.h"

#define NSB_OCI_HOOK_OUTPUT_MAX 2048

/* Run h; what names it in messages ("prestart hook #0"). 0 when it exits
 * with status 0; otherwise -EIO (or -errno when it cannot be started)
 * after logging one message:
 *   "<what> '<path>': exited with status 3: <output>"
 *   "<what> '<path>': killed by signal 9 (Killed): <output>"
 *   "<what> '<path>': timed out after 5 s and was killed: <output>"
 *   "<what> '<path>': cannot run it: <strerror>"
 * (": <output>" only when it printed something; trailing newlines cut). */
int nsb_oci_hook_run(const struct nsb_oci_hook *h, const char *what, const char *state_json);

/* Run the hooks of one kind in order. Stops at the first failure and
 * returns it, except with warn_only (poststop: the specification says to
 * warn and go on), where failures are logged as warnings and 0 returned. */
int nsb_oci_hooks_run(const struct nsb_oci_spec *spec, enum nsb_oci_hook_kind kind,
                      const char *state_json, bool warn_only);

/* The same (failures are errors), with each hook chrooted into the
 * directory root_fd first (-1: not chrooted): a createContainer hook runs
 * in the container's namespaces, its path resolved in the host's root. */
int nsb_oci_hooks_run_in(const struct nsb_oci_spec *spec, enum nsb_oci_hook_kind kind,
                         const char *state_json, int root_fd);
