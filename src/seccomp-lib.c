/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#include "dl.h"
#include "log.h"
#include "seccomp-lib.h"

#ifdef HAVE_LIBSECCOMP
typeof(seccomp_init) *sym_seccomp_init;
typeof(seccomp_release) *sym_seccomp_release;
typeof(seccomp_attr_set) *sym_seccomp_attr_set;
typeof(seccomp_arch_native) *sym_seccomp_arch_native;
typeof(seccomp_arch_add) *sym_seccomp_arch_add;
typeof(seccomp_arch_remove) *sym_seccomp_arch_remove;
typeof(seccomp_arch_exist) *sym_seccomp_arch_exist;
typeof(seccomp_arch_resolve_name) *sym_seccomp_arch_resolve_name;
typeof(seccomp_syscall_resolve_name) *sym_seccomp_syscall_resolve_name;
typeof(seccomp_syscall_resolve_name_arch) *sym_seccomp_syscall_resolve_name_arch;
typeof(seccomp_syscall_resolve_num_arch) *sym_seccomp_syscall_resolve_num_arch;
typeof(seccomp_rule_add_array) *sym_seccomp_rule_add_array;
typeof(seccomp_rule_add_exact_array) *sym_seccomp_rule_add_exact_array;
typeof(seccomp_export_bpf) *sym_seccomp_export_bpf;
typeof(seccomp_version) *sym_seccomp_version;

static const struct nsb_dl_sym syms[] = {
        NSB_DL_SYM(seccomp_init),
        NSB_DL_SYM(seccomp_release),
        NSB_DL_SYM(seccomp_attr_set),
        NSB_DL_SYM(seccomp_arch_native),
        NSB_DL_SYM(seccomp_arch_add),
        NSB_DL_SYM(seccomp_arch_remove),
        NSB_DL_SYM(seccomp_arch_exist),
        NSB_DL_SYM(seccomp_arch_resolve_name),
        NSB_DL_SYM(seccomp_syscall_resolve_name),
        NSB_DL_SYM(seccomp_syscall_resolve_name_arch),
        NSB_DL_SYM(seccomp_syscall_resolve_num_arch),
        NSB_DL_SYM(seccomp_rule_add_array),
        NSB_DL_SYM(seccomp_rule_add_exact_array),
        NSB_DL_SYM(seccomp_export_bpf),
        NSB_DL_SYM(seccomp_version),
};

static struct nsb_dl_lib lib = NSB_DL_LIB("libseccomp.so.2", "libseccomp2", syms);

int nsb_seccomp_lib_load(const char *what)
{
	return nsb_dl_load(&lib, what);
}
#else
int nsb_seccomp_lib_load(const char *what)
{
	nsb_err("%s: nsbox was built without libseccomp", what);
	return -EOPNOTSUPP;
}
#endif
