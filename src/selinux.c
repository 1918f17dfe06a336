/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libselinux is loaded only when a label is asked for: linking it would
 * make every launch pay for loading it (and libpcre2) and for its
 * constructor's look at the system, for an option few launches use. */
#include <errno.h>

#ifdef HAVE_LIBSELINUX
#include <selinux/selinux.h>
#endif

#include "dl.h"
#include "log.h"
#include "selinux.h"

#ifdef HAVE_LIBSELINUX
static typeof(is_selinux_enabled) *sym_is_selinux_enabled;
static typeof(security_check_context) *sym_security_check_context;
static typeof(setexeccon) *sym_setexeccon;

static const struct nsb_dl_sym syms[] = {
        NSB_DL_SYM(is_selinux_enabled),
        NSB_DL_SYM(security_check_context),
        NSB_DL_SYM(setexeccon),
};

static struct nsb_dl_lib lib = NSB_DL_LIB("libselinux.so.1", "libselinux1", syms);

int nsb_selinux_check_label(const char *opt, const char *label)
{
	int r = nsb_dl_load(&lib, opt);

	if (r < 0)
		return r;
	if (sym_is_selinux_enabled() <= 0) {
		nsb_err("%s: SELinux is not enabled on this system, cannot use label '%s'", opt,
		        label);
		return -EOPNOTSUPP;
	}
	if (sym_security_check_context(label) < 0) {
		nsb_err("%s: '%s' is not a valid SELinux context", opt, label);
		return -EINVAL;
	}
	return 0;
}

int nsb_selinux_set_exec_label(const char *label)
{
	/* Loaded by nsb_selinux_check_label() before the sandbox was made:
	 * the library file may not exist inside it. */
	if (!nsb_dl_loaded(&lib))
		return nsb_log_errno(EOPNOTSUPP, "--exec-label: libselinux is not loaded");
	if (sym_setexeccon(label) < 0)
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
