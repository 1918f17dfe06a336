/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Seccomp programs: compiled from a policy file or a built-in profile with
 * libseccomp, or read raw from an fd (bwrap's --seccomp format), then
 * installed. The policy language and every profile rule are described in
 * docs/seccomp.md. Everything here is free of side effects (no filter is
 * installed) except nsb_seccomp_install().
 *
 * Implemented by seccomp-bpf.c (struct nsb_bpf, reading and installing raw
 * programs), seccomp-policy.c (the policy compiler) and seccomp-profiles.c
 * (the built-in profiles, which use seccomp-syscalls.h to refuse the system
 * calls nsbox does not know). */
#pragma once

#include <linux/filter.h>
#include <stddef.h>

/* A classic-BPF program: len instructions at insns (malloc'ed). */
struct nsb_bpf {
	struct sock_filter *insns;
	size_t len;
};

/* Free the instructions and reset *prog to empty; safe on an empty program,
 * and usable as _cleanup_(nsb_bpf_free). */
void nsb_bpf_free(struct nsb_bpf *prog);

/* Put head's instructions in front of prog's, for a head that ends by
 * falling through (its jumps stay inside it, or land on prog's first
 * instruction). 0, -E2BIG past BPF_MAXINSNS instructions, or -ENOMEM; prog
 * is unchanged on failure. */
int nsb_bpf_prepend(struct nsb_bpf *prog, const struct nsb_bpf *head);

/* Parse a policy (path is only used in messages) and compile it for the
 * native architecture. 0, or a negative errno after logging one message
 * "<path>:<line>: <problem> '<word>'". -EOPNOTSUPP without libseccomp. */
int nsb_seccomp_compile_policy(const char *path, const char *text, struct nsb_bpf *ret);

/* Read a policy file (at most NSB_SECCOMP_POLICY_MAX bytes, no NUL bytes)
 * and compile it as above; read errors are logged too. */
#define NSB_SECCOMP_POLICY_MAX (1024 * 1024)
int nsb_seccomp_compile_policy_file(const char *path, struct nsb_bpf *ret);

/* Compile a built-in profile: "default" or "devel", optionally followed by
 * "+userns" (allow creating user namespaces and the mount family, for
 * nested sandboxes). The program also answers ENOSYS for every system call
 * number nsbox does not know (seccomp-syscalls.h). Unknown names: -EINVAL,
 * logged with the known names; an architecture whose numbers nsbox does
 * not know, or no libseccomp: -EOPNOTSUPP, logged. */
int nsb_seccomp_compile_profile(const char *name, struct nsb_bpf *ret);

/* The policy text a profile name compiles from (malloc'ed), for
 * documentation and tests; does not need libseccomp. 0 or -EINVAL (not
 * logged) or -ENOMEM. */
int nsb_seccomp_profile_text(const char *name, char **ret);

/* Read a raw BPF program (an array of 8-byte struct sock_filter) from fd up
 * to EOF; the fd is not closed. At most BPF_MAXINSNS instructions; empty
 * input or a length that is not a multiple of 8 is refused. 0 or a negative
 * errno, logged ("Invalid seccomp data, must be multiple of 8", ...). */
int nsb_seccomp_read_bpf_fd(int fd, struct nsb_bpf *ret);

/* Install one program for the calling thread with
 * prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER). no_new_privs must already be
 * set. 0 or -errno, not logged: the caller adds context (for -EINVAL, a hint
 * that the kernel may lack CONFIG_SECCOMP_FILTER). */
int nsb_seccomp_install(const struct nsb_bpf *prog);
