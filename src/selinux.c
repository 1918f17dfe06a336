/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#ifdef HAVE_LIBSELINUX
#include <selinux/selinux.h>
#endif

#include "log.h"
#include "selinux.h"

#ifdef HAVE_LIBSELINUX
int nsb_selinux_check_label(const char *opt, const char *label)
{
	if (is_selinux_enabled() <= 0) {
		nsb_err("%s: SELinux is not enabled on this system, cannot use label '%s'", opt,
			label);
		return -EOPNOTSUPP;
	}
	if (security_check_context(label) < 0) {
		nsb_err("%s: '%s' is not a valid SELinux context", opt, label);
		return -EINVAL;
	}
	return 0;
}

int nsb_selinux_set_exec_label(const char *label)
{
	if (setexeccon(label) < 0)
		return nsb_log_errno(errno, "--exec-label: cannot set '%s'", label);
	return 0;
}
#else
int nsb_selinux_check_label(const char *opt, const char *label)
{
	nsb_err("%s: nsbox was built without SELinux support, cannot use label '%s'", opt, label);
	return -EOPNOTSUPP;
}

int nsb_selinux_set_exec_label(const char *label)
{
	return -EOPNOTSUPP;
}
#endif
