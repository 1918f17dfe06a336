/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libseccomp, loaded on first use (see dl.h): launches without a seccomp
 * profile or policy do not map it. Call nsb_seccomp_lib_load() first, then
 * the sym_seccomp_* pointers with libseccomp's own prototypes. Only built
 * with HAVE_LIBSECCOMP (libseccomp's headers at build time). */
#pragma once

#ifdef HAVE_LIBSECCOMP
#include <seccomp.h>

extern typeof(seccomp_init) *sym_seccomp_init;
extern typeof(seccomp_release) *sym_seccomp_release;
extern typeof(seccomp_attr_set) *sym_seccomp_attr_set;
extern typeof(seccomp_arch_native) *sym_seccomp_arch_native;
extern typeof(seccomp_arch_add) *sym_seccomp_arch_add;
extern typeof(seccomp_arch_remove) *sym_seccomp_arch_remove;
extern typeof(seccomp_arch_exist) *sym_seccomp_arch_exist;
extern typeof(seccomp_arch_resolve_name) *sym_seccomp_arch_resolve_name;
extern typeof(seccomp_syscall_resolve_name) *sym_seccomp_syscall_resolve_name;
extern typeof(seccomp_syscall_resolve_name_arch) *sym_seccomp_syscall_resolve_name_arch;
extern typeof(seccomp_syscall_resolve_num_arch) *sym_seccomp_syscall_resolve_num_arch;
extern typeof(seccomp_rule_add_array) *sym_seccomp_rule_add_array;
extern typeof(seccomp_rule_add_exact_array) *sym_seccomp_rule_add_exact_array;
extern typeof(seccomp_export_bpf) *sym_seccomp_export_bpf;
extern typeof(seccomp_version) *sym_seccomp_version;
#endif

/* Load libseccomp for what (an option or feature, for the message): 0 or
 * -EOPNOTSUPP, logged; also when nsbox was built without it. */
int nsb_seccomp_lib_load(const char *what);
