/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sandbox's reaper: pid 1 of its pid namespace (or the process holding
 * --sync-fd and --lock-file). The setup child becomes it once the new root
 * is in place: it forks COMMAND's process and stays behind. */
#pragma once

#include <sys/types.h>

#include "nsb-config.h"
#include "sandbox.h"

/* Open and read-lock every --lock-file, in the new root (they are held by
 * the process that calls this and lasts: pid 1). The fds go to
 * *ret_fds (malloc'ed, cfg->n_lock_files of them). 0 or -errno, logged. */
int nsb_reaper_take_locks(const struct nsb_config *cfg, int **ret_fds);

/* In pid 1, just after forking COMMAND's process: lock down (keep only the
 * fds pid 1 needs: --sync-fd, the lock fds and ready_fd; drop every
 * capability; set the dumpability; install the seccomp programs), tell
 * COMMAND's process on ready_fd (-1: it shared our memory and has executed
 * COMMAND already), then reap until COMMAND ends, passing signals on to
 * it. Leaves with COMMAND's exit status. */
_Noreturn void nsb_reaper_run(struct nsb_config *cfg, const struct nsb_plan *plan, pid_t command,
                              int ready_fd, const int *lock_fds);
