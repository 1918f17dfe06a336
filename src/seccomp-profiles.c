/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The built-in seccomp profiles (--seccomp-profile): written in the policy
 * language and compiled by seccomp-policy.c, so the text below is the
 * profile. docs/seccomp.md explains each rule at more length and a unit test
 * checks that it quotes every rule line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nsb-seccomp.h"
#include "seccomp-lib.h"
#include "seccomp-syscalls.h"
#include "util.h"

enum {
	SEC_ALWAYS = 0,
	SEC_USERNS = 1 << 0, /* lifted by "+userns" */
	SEC_DEBUG = 1 << 1,  /* lifted by the "devel" profile */
};

static const struct profile_section {
	unsigned kind;
	const char *text;
} profile_sections[] = {
        {SEC_ALWAYS, "# Syscalls of other ABIs (x32, i386 on x86_64) kill the process: the\n"
                     "# filter knows only the native ABI, so they cannot route around it.\n"
                     "# Numbers this build of nsbox does not know get ENOSYS, before any\n"
                     "# rule (docs/seccomp.md, \"Unknown system calls\").\n"
                     "default allow\n"},
        {SEC_ALWAYS,
         "\n# Terminal input injection: TIOCSTI queues bytes as if typed, so a program\n"
         "# sharing the caller's terminal could type into the shell behind it\n"
         "# (CVE-2017-5226). The kernel reads the command as a 32-bit int: the mask\n"
         "# makes 0x100005412 match too (CVE-2019-10063).\n"
         "ioctl errno EPERM arg1 & 0xffffffff == TIOCSTI\n"
         "# TIOCLINUX pastes a virtual console's selection: the same attack\n"
         "# (CVE-2023-1523).\n"
         "ioctl errno EPERM arg1 & 0xffffffff == TIOCLINUX\n"},
        {SEC_USERNS, "\n# New user namespaces: their creator holds every capability inside, which\n"
                     "# opens kernel code otherwise reserved to root (CVE-2022-0185,\n"
                     "# CVE-2023-32233). Only the CLONE_NEWUSER bit is tested.\n"
                     "clone errno EPERM arg0 & CLONE_NEWUSER == CLONE_NEWUSER\n"
                     "unshare errno EPERM arg0 & CLONE_NEWUSER == CLONE_NEWUSER\n"
                     "# clone3 passes its flags in memory, out of seccomp's sight. ENOSYS makes\n"
                     "# the C library fall back to clone, as on kernels before 5.3.\n"
                     "clone3 errno ENOSYS\n"},
        {SEC_USERNS, "\n# The mount family: mounts made inside the sandbox are not locked, so\n"
                     "# CAP_SYS_ADMIN there could unmount a --tmpfs hiding a host directory or\n"
                     "# make a read-only bind writable. Every call that makes, changes, moves\n"
                     "# or removes a mount, up to Linux 6.18; open_tree_attr (6.15) clones a\n"
                     "# mount and changes its flags in one call, and goes by number where\n"
                     "# libseccomp does not know it.\n"
                     "mount errno EPERM\n"
                     "?umount errno EPERM\n"
                     "umount2 errno EPERM\n"
                     "pivot_root errno EPERM\n"
                     "open_tree errno EPERM\n"
                     "open_tree_attr errno EPERM\n"
                     "move_mount errno EPERM\n"
                     "fsopen errno EPERM\n"
                     "fsconfig errno EPERM\n"
                     "fsmount errno EPERM\n"
                     "fspick errno EPERM\n"
                     "mount_setattr errno EPERM\n"},
        {SEC_ALWAYS,
         "\n# The kernel keyring: the session keyring is inherited from the caller and\n"
         "# may hold its secrets. ENOSYS, as without CONFIG_KEYS, lets programs fall\n"
         "# back to other storage.\n"
         "add_key errno ENOSYS\n"
         "keyctl errno ENOSYS\n"
         "request_key errno ENOSYS\n"},
        {SEC_DEBUG,
         "\n# Tracing other processes: every process in the sandbox has the same uid,\n"
         "# so any could take over any other. PTRACE_TRACEME only offers the caller\n"
         "# to its parent.\n"
         "ptrace errno EPERM arg0 != PTRACE_TRACEME\n"
         "process_vm_readv errno EPERM\n"
         "process_vm_writev errno EPERM\n"
         "pidfd_getfd errno EPERM\n"
         "# Performance counters: a large attack surface (CVE-2013-2094) and a view\n"
         "# of other processes and of the kernel.\n"
         "perf_event_open errno EPERM\n"
         "# Personality flags that weaken what runs next (ADDR_NO_RANDOMIZE,\n"
         "# READ_IMPLIES_EXEC, MMAP_PAGE_ZERO survive execve). Allowed: PER_LINUX,\n"
         "# PER_LINUX32 and the query 0xffffffff.\n"
         "personality errno EPERM arg0 != PER_LINUX arg0 != PER_LINUX32 arg0 != 0xffffffff\n"},
        {SEC_ALWAYS, "\n# Replacing the kernel or loading modules: never needed in a sandbox.\n"
                     "kexec_load errno EPERM\n"
                     "?kexec_file_load errno EPERM\n"
                     "init_module errno EPERM\n"
                     "finit_module errno EPERM\n"
                     "delete_module errno EPERM\n"
                     "# BPF: the verifier is a steady source of privilege escalations\n"
                     "# (CVE-2021-3490).\n"
                     "bpf errno EPERM\n"
                     "# userfaultfd lets a program stall the kernel at a page fault of its\n"
                     "# choice, the usual way to win races in kernel exploits.\n"
                     "userfaultfd errno EPERM\n"},
};

static const struct profile_base {
	const char *name;
	unsigned lifted;
} profile_bases[] = {
        {"default", 0},
        {"devel", SEC_DEBUG},
};

/* "default", "devel", each optionally with "+userns": 0 or -EINVAL. */
static int profile_lookup(const char *name, unsigned *ret_lifted)
{
	const char *plus;
	size_t n, i;
	unsigned lifted = 0;

	if (!name)
		return -EINVAL;
	plus = strchr(name, '+');
	n = plus ? (size_t)(plus - name) : strlen(name);
	if (plus) {
		if (strcmp(plus + 1, "userns") != 0)
			return -EINVAL;
		lifted |= SEC_USERNS;
	}
	for (i = 0; i < NSB_ELEMENTSOF(profile_bases); i++)
		if (strlen(profile_bases[i].name) == n &&
		    strncmp(profile_bases[i].name, name, n) == 0) {
			*ret_lifted = lifted | profile_bases[i].lifted;
			return 0;
		}
	return -EINVAL;
}

int nsb_seccomp_profile_text(const char *name, char **ret)
{
	_cleanup_free_ char *text = NULL;
	unsigned lifted;
	size_t len = 0, i;
	int r;

	r = profile_lookup(name, &lifted);
	if (r < 0)
		return r;
	len = strlen("# nsbox seccomp profile \n") + strlen(name);
	for (i = 0; i < NSB_ELEMENTSOF(profile_sections); i++)
		len += strlen(profile_sections[i].text);
	text = malloc(len + 1);
	if (!text)
		return -ENOMEM;
	snprintf(text, len + 1, "# nsbox seccomp profile %s\n", name);
	for (i = 0; i < NSB_ELEMENTSOF(profile_sections); i++)
		if (!(profile_sections[i].kind & lifted))
			strcat(text, profile_sections[i].text);
	*ret = TAKE_PTR(text);
	return 0;
}

static int profile_text_or_log(const char *name, char **ret)
{
	int r = nsb_seccomp_profile_text(name, ret);

	if (r == -EINVAL)
		nsb_err("unknown seccomp profile '%s' (known: default, devel; add +userns to "
		        "either to allow user namespaces)",
		        name ? name : "");
	else if (r < 0)
		nsb_log_errno(r, "cannot build seccomp profile '%s'", name);
	return r;
}

#ifndef HAVE_LIBSECCOMP

int nsb_seccomp_compile_profile(const char *name, struct nsb_bpf *ret)
{
	_cleanup_free_ char *text = NULL;
	int r;

	r = profile_text_or_log(name, &text);
	if (r < 0)
		return r;
	nsb_err("cannot compile seccomp profile '%s': nsbox was built without libseccomp", name);
	return -EOPNOTSUPP;
}

#else /* HAVE_LIBSECCOMP */

/* The profile's program is one program, installed as one: the guard that
 * refuses unknown numbers (seccomp-syscalls.c explains why it is written by
 * hand), then what libseccomp compiled from the text. */
int nsb_seccomp_compile_profile(const char *name, struct nsb_bpf *ret)
{
	const struct nsb_syscall_arch *arch = nsb_syscall_arch_native();
	_cleanup_(nsb_bpf_free) struct nsb_bpf guard = {0}, prog = {0};
	_cleanup_free_ char *text = NULL;
	char path[64];
	int r;

	r = profile_text_or_log(name, &text);
	if (r < 0)
		return r;
	if (!arch) {
		nsb_err("seccomp profile '%s': nsbox does not know the system call numbers of "
		        "this architecture, so the profile could not refuse the ones it does not "
		        "know; use --seccomp-policy",
		        name);
		return -EOPNOTSUPP;
	}
	snprintf(path, sizeof(path), "<profile %s>", name);
	r = nsb_seccomp_compile_policy(path, text, &prog);
	if (r < 0)
		return r;
	/* libseccomp is loaded now. Its native architecture is the one nsbox
	 * was compiled for, unless the two builds disagree. */
	if (sym_seccomp_arch_native() != arch->audit_arch) {
		nsb_err("seccomp profile '%s': libseccomp's native architecture (0x%x) is not "
		        "nsbox's %s",
		        name, sym_seccomp_arch_native(), arch->name);
		return -EOPNOTSUPP;
	}
	r = nsb_syscall_unknown_guard(arch, &guard);
	if (r >= 0)
		r = nsb_bpf_prepend(&prog, &guard);
	if (r < 0)
		return nsb_log_errno(r, "cannot build seccomp profile '%s'", name);
	*ret = prog;
	prog = (struct nsb_bpf){0};
	return 0;
}

#endif /* HAVE_LIBSECCOMP */
