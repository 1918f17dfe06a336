/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.seccomp of config.json (already checked by oci/spec.c) compiled
 * with libseccomp into a classic-BPF program, and installed.
 *
 * Compilation follows runc and crun where the specification is silent:
 * - A syscall name libseccomp does not know is skipped (a profile written
 *   for a newer kernel still loads; a debug message names it). A name that
 *   exists on another architecture only (e.g. _llseek on x86_64) goes to
 *   libseccomp, which adds it where it exists.
 * - A rule whose action (errno included) is the default action is skipped:
 *   it would change nothing, and libseccomp refuses it.
 * - Conditions on distinct arguments are ANDed in one rule; when an
 *   argument index appears twice, each condition becomes a rule of its own
 *   (ORed), because libseccomp cannot test one argument twice.
 * - SCMP_CMP_MASKED_EQ takes the mask from value and the datum from
 *   valueTwo.
 * - libseccomp 2.5 can take forever to merge rules testing two or more
 *   arguments with other operators than SCMP_CMP_EQ and SCMP_CMP_MASKED_EQ
 *   (found by fuzzing the policy compiler, see src/seccomp.c): such a rule
 *   is refused with a message naming it.
 * - Architectures this libseccomp does not know are skipped with a warning
 *   (calls through them then hit the bad-architecture action, which kills:
 *   stricter, never looser). The native architecture is always included.
 * - A call through an architecture not in the filter kills the process.
 * - SCMP_ACT_KILL is SCMP_ACT_KILL_THREAD, as in libseccomp.
 * Errors name the JSON path: "config.json: linux.seccomp.syscalls[3]: ...". */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "nsb-seccomp.h"
#include "oci/spec.h"

struct nsb_oci_bpf {
	struct nsb_bpf prog;
	unsigned flags; /* NSB_OCI_SC_FLAG_*: passed to seccomp(2) at install */
	bool notify;    /* SCMP_ACT_NOTIFY is used: install makes a listener */
};

/* Compile sc (sc->present must be true). 0, or -EINVAL / -ENOMEM / -E2BIG /
 * -EOPNOTSUPP (no libseccomp) after logging one message. */
int nsb_oci_seccomp_compile(const struct nsb_oci_seccomp *sc, struct nsb_oci_bpf *ret);
void nsb_oci_bpf_free(struct nsb_oci_bpf *b);

/* Install b for the calling thread with seccomp(2) and b's flags (plus
 * SECCOMP_FILTER_FLAG_NEW_LISTENER when b->notify; *ret_listener is then
 * the notification fd, O_CLOEXEC, else -1). The caller must have set
 * no_new_privs or hold CAP_SYS_ADMIN. 0 or -errno, not logged. */
int nsb_oci_seccomp_install(const struct nsb_oci_bpf *b, int *ret_listener);

/* The "container process state" of the specification, sent with the
 * listener fd to linux.seccomp.listenerPath:
 *   {"ociVersion", "fds": ["seccompFd"], "pid", "metadata", "state": {...}}
 * state_json is the container's state object (oci/state.h). 0 or -errno,
 * logged with the path. */
int nsb_oci_seccomp_send_listener(const char *listener_path, int listener_fd, pid_t pid,
                                  const char *metadata, const char *state_json);
