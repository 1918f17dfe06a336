/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include "dl.h"
#include "log.h"

int nsb_dl_load(struct nsb_dl_lib *lib, const char *what)
{
	const char *why;
	void *h;

	if (lib->handle)
		return 0;
	if (lib->error)
		goto fail_again;
	h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		why = dlerror();
		goto fail;
	}
	for (size_t i = 0; i < lib->n_syms; i++) {
		/* dlsym() may legitimately return NULL only for data
		 * symbols; every entry here is a function. */
		*lib->syms[i].ptr = dlsym(h, lib->syms[i].name);
		if (!*lib->syms[i].ptr) {
			why = dlerror();
			for (size_t k = 0; k < i; k++)
				*lib->syms[k].ptr = NULL;
			dlclose(h);
			goto fail;
		}
	}
	lib->handle = h;
	return 0;

fail:
	lib->error = -EOPNOTSUPP;
	if (!what)
		return lib->error;
	nsb_err("%s: cannot load %s (Debian package %s): %s", what, lib->soname, lib->package,
	        why ? why : "unknown error");
	return lib->error;
fail_again:
	if (!what)
		return lib->error;
	nsb_err("%s: %s could not be loaded (Debian package %s)", what, lib->soname, lib->package);
	return lib->error;
}

bool nsb_dl_loaded(const struct nsb_dl_lib *lib)
{
	return lib->handle != NULL;
}
