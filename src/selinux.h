/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SELinux labels (--exec-label, --file-label) through libselinux. */
#pragma once

/* Is a label usable here? 0, or -EOPNOTSUPP (built without libselinux, or
 * SELinux disabled) / -EINVAL (not a valid context), logged naming opt. */
int nsb_selinux_check_label(const char *opt, const char *label);

/* The context COMMAND is executed with. 0 or -errno, logged. */
int nsb_selinux_set_exec_label(const char *label);
