/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What this build of nsbox knows about system call numbers (see
 * seccomp-syscalls.h), written down from the kernel's own tables
 * (arch/x86/entry/syscalls/syscall_64.tbl and syscall_32.tbl,
 * scripts/syscall.tbl, arch/arm/tools/syscall.tbl,
 * arch/powerpc/kernel/syscalls/syscall.tbl,
 * arch/s390/kernel/syscalls/syscall.tbl) of Linux 6.18.
 *
 * Why nsbox keeps its own list: libseccomp and the kernel headers nsbox is
 * built with are often older than the kernel it runs on (Debian 12: 2.5.4,
 * which knows numbers up to 456, and 6.1 headers, against 6.18 here), and a
 * deny-list profile silently allows whatever they do not name. open_tree_attr
 * (6.15) cloned a read-only bind with MOUNT_ATTR_RDONLY cleared under a
 * profile that refused every other mount call.
 *
 * A known range covers the numbers the kernel table assigns to the
 * architecture's native ABI. Single numbers inside a range that the table
 * leaves empty or gives to another variant of the ABI (a 32-bit-only or
 * OABI-only call) are answered ENOSYS by the kernel and are never
 * reassigned; the blocks between ranges are where new calls land (x86_64
 * added uretprobe and uprobe at 335 and 336, after rseq), so they are
 * refused. When adding a kernel release: extend the last range of every
 * architecture, add arch-specific calls where the table puts them, add the
 * names below, update NSB_SECCOMP_KNOWN_LINUX and docs/seccomp.md (a unit
 * test compares the two). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "seccomp-syscalls.h"
#include "util.h"

/* Since Linux 5.1 every architecture but alpha and mips numbers new calls
 * alike, from 424 on. */
enum { COMMON_FIRST = 424, COMMON_LAST = 469 };

static const char *const common_names[COMMON_LAST - COMMON_FIRST + 1] = {
        "pidfd_send_signal",
        "io_uring_setup",
        "io_uring_enter",
        "io_uring_register",
        "open_tree",
        "move_mount",
        "fsopen",
        "fsconfig",
        "fsmount",
        "fspick",
        "pidfd_open",
        "clone3",
        "close_range",
        "openat2",
        "pidfd_getfd",
        "faccessat2",
        "process_madvise",
        "epoll_pwait2",
        "mount_setattr",
        "quotactl_fd",
        "landlock_create_ruleset",
        "landlock_add_rule",
        "landlock_restrict_self",
        "memfd_secret",
        "process_mrelease",
        "futex_waitv",
        "set_mempolicy_home_node",
        "cachestat",
        "fchmodat2",
        "map_shadow_stack",
        "futex_wake",
        "futex_wait",
        "futex_requeue",
        "statmount",
        "listmount",
        "lsm_get_self_attr",
        "lsm_set_self_attr",
        "lsm_list_modules",
        "mseal",
        "setxattrat",
        "getxattrat",
        "listxattrat",
        "removexattrat",
        "open_tree_attr", /* 467, Linux 6.15 */
        "file_getattr",
        "file_setattr", /* 469, Linux 6.17: the last one up to 6.18 */
};

/* clang-format off */
/* 335 uretprobe (6.11), 336 uprobe (6.18); 337-423 kept free; x32 numbers
 * have bit 30 set. */
static const struct nsb_syscall_range x86_64_known[] = {{0, 336}, {COMMON_FIRST, COMMON_LAST}};
/* 387-392 and 415 are free. */
static const struct nsb_syscall_range i386_known[] = {{0, 386}, {393, 414}, {416, COMMON_LAST}};
/* scripts/syscall.tbl: 244-259 are for the architecture's own calls, 295-402
 * unassigned, 403-423 for 32-bit ABIs only. */
static const struct nsb_syscall_range generic64_known[] = {
	{0, 243}, {260, 294}, {COMMON_FIRST, COMMON_LAST}};
/* riscv_hwprobe (258), riscv_flush_icache (259). */
static const struct nsb_syscall_range riscv64_known[] = {
	{0, 243}, {258, 294}, {COMMON_FIRST, COMMON_LAST}};
/* EABI: 402 and 415 are free; the ARM private calls start at 0x0f0000
 * (breakpoint, cacheflush, usr26, usr32, set_tls, get_tls). */
static const struct nsb_syscall_range arm_known[] = {
	{0, 401}, {403, 414}, {416, COMMON_LAST}, {0x0f0001, 0x0f0006}};
/* 366-377 were left for IPC and stay unused, 389-391 are for powerpc's own
 * calls, 403-423 are 32-bit only. */
static const struct nsb_syscall_range ppc64_known[] = {
	{0, 365}, {378, 388}, {392, 402}, {COMMON_FIRST, COMMON_LAST}};
/* 387-391 are for s390's own calls (pkey_* took 384-386), 403-423 are
 * 31-bit only. */
static const struct nsb_syscall_range s390x_known[] = {
	{0, 386}, {392, 402}, {COMMON_FIRST, COMMON_LAST}};
/* clang-format on */

#define ARCH(n, a, other, table)                                                             \
	{                                                                                    \
		.name = (n), .audit_arch = (a), .other_abi_from = (other), .known = (table), \
		.n_known = NSB_ELEMENTSOF(table),                                            \
	}

const struct nsb_syscall_arch nsb_syscall_arches[] = {
        ARCH("x86_64", AUDIT_ARCH_X86_64, 0x40000000, x86_64_known),
        ARCH("i386", AUDIT_ARCH_I386, 0, i386_known),
        ARCH("aarch64", AUDIT_ARCH_AARCH64, 0, generic64_known),
        ARCH("arm", AUDIT_ARCH_ARM, 0, arm_known),
        ARCH("riscv64", AUDIT_ARCH_RISCV64, 0, riscv64_known),
        ARCH("loongarch64", AUDIT_ARCH_LOONGARCH64, 0, generic64_known),
        ARCH("ppc64le", AUDIT_ARCH_PPC64LE, 0, ppc64_known),
        ARCH("ppc64", AUDIT_ARCH_PPC64, 0, ppc64_known),
        ARCH("s390x", AUDIT_ARCH_S390X, 0, s390x_known),
};
const size_t nsb_syscall_n_arches = NSB_ELEMENTSOF(nsb_syscall_arches);

/* The ABI the compiler targets; x32, big-endian arm and aarch64, OABI and
 * the 32-bit variants of 64-bit architectures have no table. */
#if defined(__x86_64__) && !defined(__ILP32__)
#define NATIVE "x86_64"
#elif defined(__i386__)
#define NATIVE "i386"
#elif defined(__aarch64__) && !defined(__AARCH64EB__) && !defined(__ILP32__)
#define NATIVE "aarch64"
#elif defined(__arm__) && defined(__ARM_EABI__) && !defined(__ARMEB__)
#define NATIVE "arm"
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE "riscv64"
#elif defined(__loongarch__) && __loongarch_grlen == 64
#define NATIVE "loongarch64"
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
#define NATIVE "ppc64le"
#elif defined(__powerpc64__)
#define NATIVE "ppc64"
#elif defined(__s390x__)
#define NATIVE "s390x"
#else
#define NATIVE NULL
#endif

const struct nsb_syscall_arch *nsb_syscall_arch_native(void)
{
	const char *native = NATIVE;
	size_t i;

	for (i = 0; native && i < nsb_syscall_n_arches; i++)
		if (strcmp(nsb_syscall_arches[i].name, native) == 0)
			return &nsb_syscall_arches[i];
	return NULL;
}

int nsb_syscall_by_name(const struct nsb_syscall_arch *arch, const char *name)
{
	size_t i;

	for (i = 0; arch && i < NSB_ELEMENTSOF(common_names); i++)
		if (strcmp(common_names[i], name) == 0)
			return COMMON_FIRST + (int)i;
	return -1;
}

uint32_t nsb_syscall_highest_known(const struct nsb_syscall_arch *arch)
{
	uint32_t hi = 0;
	size_t i;

	/* The ARM private calls are above the ordinary ones but are not where
	 * new calls are added. */
	for (i = 0; i < arch->n_known; i++)
		if (arch->known[i].hi < 0x0f0000 && arch->known[i].hi > hi)
			hi = arch->known[i].hi;
	return hi;
}

bool nsb_syscall_is_known(const struct nsb_syscall_arch *arch, uint32_t nr)
{
	size_t i;

	for (i = 0; i < arch->n_known; i++)
		if (nr >= arch->known[i].lo && nr <= arch->known[i].hi)
			return true;
	return false;
}

/*
 * Why a hand-written fragment in front of the libseccomp program rather than
 * rules added through libseccomp: libseccomp takes rules for single numbers
 * only (a raw number works, it is how open_tree_attr is refused), so "every
 * number above 469" would be four billion rules. Classic BPF compares ranges
 * in two instructions each. The fragment runs first and either answers
 * ENOSYS or falls through into the libseccomp program, which starts over by
 * loading the architecture: no jump crosses the seam, so the two can be
 * concatenated into the one program nsbox installs per profile.
 *
 *     ld  [arch]
 *     jeq AUDIT_ARCH, 0, tail        other ABIs: libseccomp kills them
 *     ld  [nr]
 *     jge other_abi_from, tail, 0    x32 (bit 30) and -1: libseccomp decides
 *     jge lo1, 0, enosys             below range 1 (omitted when lo1 is 0)
 *     jgt hi1, 0, tail               in range 1
 *     ...                            the same for each range
 *  enosys:
 *     ret ERRNO(ENOSYS)              above the last range, or between two
 *  tail:
 */
/* Jump targets, noted in jt/jf until the offsets are known. */
enum { NEXT = 0, TO_ENOSYS = 1, TO_TAIL = 2 };

int nsb_syscall_unknown_guard(const struct nsb_syscall_arch *arch, struct nsb_bpf *ret)
{
	size_t max = 5 + 2 * arch->n_known, n = 0, i, enosys, tail;
	struct sock_filter *f;

	f = calloc(max, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	                                      offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch->audit_arch, NEXT,
	                                      TO_TAIL);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	                                      offsetof(struct seccomp_data, nr));
	if (arch->other_abi_from)
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
		                                      arch->other_abi_from, TO_TAIL, NEXT);
	for (i = 0; i < arch->n_known; i++) {
		if (arch->known[i].lo > 0)
			f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
			                                      arch->known[i].lo, NEXT, TO_ENOSYS);
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, arch->known[i].hi,
		                                      NEXT, TO_TAIL);
	}
	enosys = n;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	                                      SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
	tail = n;
	for (i = 0; i < enosys; i++) {
		uint8_t *to[2] = {&f[i].jt, &f[i].jf};

		if (BPF_CLASS(f[i].code) != BPF_JMP)
			continue;
		for (size_t k = 0; k < 2; k++) {
			if (*to[k] == NEXT)
				continue;
			/* At most 5 + 2 * ranges instructions: far below 255. */
			*to[k] = (uint8_t)((*to[k] == TO_ENOSYS ? enosys : tail) - (i + 1));
		}
	}
	ret->insns = f;
	ret->len = n;
	return 0;
}
