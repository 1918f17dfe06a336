/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Optional libraries, loaded on first use. Every shared library a process
 * maps at start costs each launch about 0.1 ms on the machines we measure
 * on, so nsbox links only libc: libseccomp, libcap's name tables,
 * libselinux, json-c and libnftables are dlopen'ed by the feature that
 * needs them, before the sandbox's root replaces the host's (their files
 * are read from the host).
 *
 * A library is described by a struct nsb_dl_lib holding its soname, the
 * Debian package that ships it, and a table of symbols, each resolved into
 * a function pointer declared with the library's own prototype:
 *
 *     static typeof(seccomp_init) *sym_seccomp_init;
 *     static const struct nsb_dl_sym seccomp_syms[] = {
 *             NSB_DL_SYM(seccomp_init),
 *     };
 *     static struct nsb_dl_lib seccomp_lib = NSB_DL_LIB("libseccomp.so.2",
 *             "libseccomp2", seccomp_syms);
 *
 * Code then calls sym_seccomp_init(...) after nsb_dl_load() succeeded. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct nsb_dl_sym {
	const char *name;
	void **ptr;
};

struct nsb_dl_lib {
	const char *soname;
	const char *package; /* Debian package, for the message */
	const struct nsb_dl_sym *syms;
	size_t n_syms;
	void *handle; /* NULL until loaded */
	int error;    /* 0, or the -errno of a failed load (not retried) */
};

#define NSB_DL_SYM(fn)                  \
	{                               \
#fn, (void **)&sym_##fn \
	}
#define NSB_DL_LIB(so, pkg, table)                                 \
	{                                                          \
		.soname = (so), .package = (pkg), .syms = (table), \
		.n_syms = sizeof(table) / sizeof((table)[0]),      \
	}

/* Load lib and resolve all its symbols, once. 0, or -EOPNOTSUPP after
 * logging "<what>: cannot load <soname> (Debian package <package>): <why>"
 * (what names the option or feature that needs the library; NULL: load
 * quietly). A failed load is remembered and reported again on the next
 * call. */
int nsb_dl_load(struct nsb_dl_lib *lib, const char *what);

/* True once lib is loaded. */
bool nsb_dl_loaded(const struct nsb_dl_lib *lib);
