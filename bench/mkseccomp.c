/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mkseccomp: write the raw seccomp program bench/launch.sh passes with
 * --seccomp to nsbox and bwrap alike: a deny-list of the kind desktop
 * launchers install (kernel keyring, module, accounting, mount and
 * namespace calls, TIOCSTI, perf, ptrace and friends refused with EPERM,
 * everything else allowed), compiled with libseccomp.
 *
 * usage: mkseccomp OUTPUT
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const char *const denied[] = {
        "syslog",         "uselib",        "acct",           "modify_ldt",    "quotactl",
        "add_key",        "keyctl",        "request_key",    "move_pages",    "mbind",
        "get_mempolicy",  "set_mempolicy", "migrate_pages",  "mount",         "umount2",
        "pivot_root",     "chroot",        "perf_event_open", "ptrace",       "personality",
        "kexec_load",     "init_module",   "finit_module",   "delete_module", "open_by_handle_at",
        "name_to_handle_at", "bpf",        "userfaultfd",    "fsopen",        "fsmount",
        "move_mount",     "open_tree",     "fspick",         "fsconfig",      "mount_setattr",
};

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx;
	int fd, r = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mkseccomp OUTPUT\n");
		return 2;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return 1;
	for (size_t i = 0; r == 0 && i < sizeof(denied) / sizeof(denied[0]); i++) {
		int nr = seccomp_syscall_resolve_name(denied[i]);

		if (nr != __NR_SCMP_ERROR)
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
	}
	/* unshare/clone of a new user namespace, and TIOCSTI. */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
		                     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
		                     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
		                     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI));
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (r < 0 || fd < 0 || seccomp_export_bpf(ctx, fd) < 0) {
		fprintf(stderr, "mkseccomp: cannot write %s\n", argv[1]);
		return 1;
	}
	close(fd);
	seccomp_release(ctx);
	return 0;
}
