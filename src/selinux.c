/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libselinux is loaded only when a label is asked for: linking it would
 * make every launch pay for loading it (and libpcre2) and for its
 * constructor's look at the system, for an option few launches use. */
#include <errno.h>

#ifdef HAVE_LIBSELINUX
#include <dlfcn.h>
#include <selinux/selinux.h>
#endif

#include "log.h"
#include "selinux.h"

#ifdef HAVE_LIBSELINUX
static struct {
	void *handle;
	int (*is_enabled)(void);
	int (*check_context)(const char *);
	int (*set_exec_con)(const char *);
} lib;

/* 0, or -EOPNOTSUPP after saying why. */
static int load(const char *opt)
{
	if (lib.handle)
		return 0;
	lib.handle = dlopen("libselinux.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!lib.handle) {
		nsb_err("%s: cannot load libselinux: %s", opt, dlerror());
		return -EOPNOTSUPP;
	}
	/* The casts go through void * as dlsym() requires. */
	*(void **)&lib.is_enabled = dlsym(lib.handle, "is_selinux_enabled");
	*(void **)&lib.check_context = dlsym(lib.handle, "security_check_context");
	*(void **)&lib.set_exec_con = dlsym(lib.handle, "setexeccon");
	if (!lib.is_enabled || !lib.check_context || !lib.set_exec_con) {
		nsb_err("%s: libselinux lacks a function nsbox needs", opt);
		dlclose(lib.handle);
		lib.handle = NULL;
		return -EOPNOTSUPP;
	}
	return 0;
}

int nsb_selinux_check_label(const char *opt, const char *label)
{
	int r = load(opt);

	if (r < 0)
		return r;
	if (lib.is_enabled() <= 0) {
		nsb_err("%s: SELinux is not enabled on this system, cannot use label '%s'", opt,
		        label);
		return -EOPNOTSUPP;
	}
	if (lib.check_context(label) < 0) {
		nsb_err("%s: '%s' is not a valid SELinux context", opt, label);
		return -EINVAL;
	}
	return 0;
}

int nsb_selinux_set_exec_label(const char *label)
{
	/* Loaded by nsb_selinux_check_label() before the sandbox was made:
	 * the library file may not exist inside it. */
	if (!lib.handle)
		return nsb_log_errno(EOPNOTSUPP, "--exec-label: libselinux is not loaded");
	if (lib.set_exec_con(label) < 0)
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
