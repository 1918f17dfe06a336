/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The system calls this build of nsbox knows, independent of the libseccomp
 * and kernel headers it was built with: for each architecture the ranges of
 * numbers its kernel table assigns up to Linux NSB_SECCOMP_KNOWN_LINUX, and
 * the names of the calls numbered from 424 on, which every architecture but
 * alpha and mips shares. The built-in profiles refuse every other number
 * with ENOSYS (docs/seccomp.md, "Unknown system calls"), so that a call a
 * newer kernel adds stays refused until nsbox has looked at it. Pure data
 * and code: nothing here needs libseccomp. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nsb-seccomp.h"

#define NSB_SECCOMP_KNOWN_LINUX "6.18"

struct nsb_syscall_range {
	uint32_t lo, hi; /* inclusive */
};

struct nsb_syscall_arch {
	const char *name;    /* uname -m style, as docs/seccomp.md lists it */
	uint32_t audit_arch; /* seccomp_data.arch of its native ABI */
	/* Numbers from here up belong to another ABI sharing the arch value
	 * (x32 on x86_64): left to the program the guard is put before,
	 * which kills them. 0: none. */
	uint32_t other_abi_from;
	const struct nsb_syscall_range *known; /* ascending, disjoint */
	size_t n_known;
};

/* Every architecture nsbox knows, and their count. */
extern const struct nsb_syscall_arch nsb_syscall_arches[];
extern const size_t nsb_syscall_n_arches;

/* The table of the architecture nsbox was built for, or NULL when nsbox
 * does not know its numbers (mips, alpha, ...). */
const struct nsb_syscall_arch *nsb_syscall_arch_native(void);

/* The number on arch of a call from nsbox's own list (numbers 424 and up,
 * the same on every architecture nsbox knows), for names older libseccomp
 * releases lack (e.g. open_tree_attr): the number, or -1 for other names
 * and when arch is NULL. */
int nsb_syscall_by_name(const struct nsb_syscall_arch *arch, const char *name);

/* The highest number nsbox knows on arch. */
uint32_t nsb_syscall_highest_known(const struct nsb_syscall_arch *arch);

/* True when nr is in one of arch's known ranges. */
bool nsb_syscall_is_known(const struct nsb_syscall_arch *arch, uint32_t nr);

/* A classic-BPF fragment that returns ERRNO(ENOSYS) for every number of
 * arch's native ABI outside its known ranges, and otherwise falls through
 * to whatever follows it (nsb_bpf_prepend). Calls of other ABIs, and of
 * numbers from other_abi_from up, fall through untouched. 0 or -ENOMEM. */
int nsb_syscall_unknown_guard(const struct nsb_syscall_arch *arch, struct nsb_bpf *ret);
