/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sandbox side of the launch: everything the cloned child does, from
 * the id maps to execvp. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "nsb-config.h"

/* What the monitor decided before cloning. */
struct nsb_plan {
	pid_t monitor_pid;
	bool userns;	    /* a user namespace was created: write the id maps */
	bool nested_userns; /* map uid/gid 0 first (devpts needs it), then nest */
	bool pidns;
	bool netns;
	bool reaper;	/* pid 1 stays behind as a reaper */
	bool keep_caps; /* root caller staying root: keep the capabilities */
	uid_t outer_uid;
	gid_t outer_gid;
	const char *cwd; /* the caller's cwd, or NULL */
};

/* In the cloned child: build the sandbox and exec COMMAND; on failure log
 * and _exit(1). */
_Noreturn void nsb_sandbox_run_or_die(const struct nsb_config *cfg, const struct nsb_plan *plan);
