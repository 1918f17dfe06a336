/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The launch: clone into the namespaces, let the child build the sandbox,
 * wait for it and turn its end into nsbox's exit status. */
#pragma once

#include "nsb-config.h"

/* Refuse to run setuid/setgid or with file capabilities; set no_new_privs.
 * 0 or -errno (already logged). */
int nsb_launch_check_privileges(void);

/* Run COMMAND as cfg describes. Returns the exit status for main(): 1 for
 * nsbox's own failure, else COMMAND's status (128+N for signal N). */
int nsb_launch(struct nsb_config *cfg);
