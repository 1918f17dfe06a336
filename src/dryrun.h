/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --dry-run: what a launch would do, printed instead of done. */
#pragma once

#include <stdio.h>

#include "nsb-config.h"
#include "sandbox.h"

/* Check what can be checked without creating anything (bind sources exist,
 * as the caller sees them), then print the plan: namespaces, id maps,
 * processes, the ops in order with their mount attributes, cwd,
 * environment, capabilities, seccomp, rlimits, lifecycle fds, COMMAND.
 * 0, or -errno after logging what would have failed. */
int nsb_dry_run(FILE *out, const struct nsb_config *cfg, const struct nsb_plan *plan,
                unsigned long clone_flags);
