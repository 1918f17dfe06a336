/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Cgroups for nsbox-oci containers, as runc's cgroupfs driver does them:
 * one directory per container, in the unified (v2) hierarchy, or in each
 * v1 hierarchy on legacy and hybrid hosts; linux.resources written into
 * it; pause/resume through the freezer; kill, list and remove.
 *
 * The layout of the host is found once per command (nsb_cgroup_layout_detect):
 * /sys/fs/cgroup is cgroup2 (unified), or a tmpfs with one v1 hierarchy per
 * directory, named as in /proc/self/cgroup ("cpu,cpuacct", "systemd" for
 * name=systemd), plus cgroup2 at /sys/fs/cgroup/unified on hybrid hosts.
 * On hybrid hosts the container also gets a directory in the unified
 * hierarchy when it can (as runc does), but limits and devices go through
 * v1 there.
 *
 * Paths (nsb_cgroup_path): one path, starting with "/", used in every
 * hierarchy:
 * - cgroupsPath "/a/b" is taken from each hierarchy's root;
 * - a relative cgroupsPath is resolved once, at create, against the
 *   caller's own cgroup (in the unified hierarchy, else name=systemd, else
 *   the first v1 one), and the result stored in the container's state, so
 *   that later commands from other cgroups (conmon, podman) find it;
 * - no cgroupsPath: "/nsbox-oci/<id>" (root), or "<caller's cgroup>/
 *   nsbox-oci-<id>" (rootless);
 * - --systemd-cgroup with "slice:prefix:name": nsbox-oci does not ask
 *   systemd for a scope (no D-Bus); it makes the directory systemd would
 *   use for that scope itself: "machine.slice:libpod:ID" is
 *   /machine.slice/libpod-ID.scope, "a-b.slice" nests as /a.slice/a-b.slice,
 *   an empty slice is system.slice (user.slice rootless). systemd does not
 *   know such a scope as a unit (systemctl does not list it), which is what
 *   runc's cgroupfs driver does as well.
 *
 * Rootless: only a cgroup v2 directory the caller can write (delegated to
 * it, e.g. by systemd's Delegate=) is used; otherwise the container has no
 * cgroup, and limits in linux.resources are skipped with one warning.
 *
 * Devices: v1 devices.allow/devices.deny on legacy and hybrid hosts; on
 * unified hosts a BPF_PROG_TYPE_CGROUP_DEVICE program made from the rules
 * (last matching rule wins; a device no rule names is allowed, as in a new
 * v1 cgroup; podman's rules start with "deny all"). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "oci/spec.h"

enum nsb_cg_mode {
	NSB_CG_NONE,    /* no cgroup filesystem found */
	NSB_CG_LEGACY,  /* v1 only */
	NSB_CG_HYBRID,  /* v1 hierarchies + cgroup2 without controllers */
	NSB_CG_UNIFIED, /* v2 only */
};

/* Controllers (bit numbers). */
enum nsb_cg_ctrl {
	NSB_CG_CPU,
	NSB_CG_CPUACCT,
	NSB_CG_CPUSET,
	NSB_CG_MEMORY,
	NSB_CG_DEVICES,
	NSB_CG_FREEZER,
	NSB_CG_BLKIO, /* "io" on v2 */
	NSB_CG_PIDS,
	NSB_CG_HUGETLB,
	NSB_CG_NET_CLS,
	NSB_CG_NET_PRIO,
	NSB_CG_RDMA,
	NSB_CG_MISC,
	NSB_CG_N_CTRL,
};

struct nsb_cg_hier {
	char *mount;          /* "/sys/fs/cgroup/cpu,cpuacct" */
	char *self;           /* the caller's cgroup in it, "/..." */
	unsigned controllers; /* 1 << NSB_CG_* */
	bool named;           /* a name=... hierarchy without controllers */
};

struct nsb_cg_layout {
	enum nsb_cg_mode mode;
	struct nsb_cg_hier v2; /* mount NULL when there is no cgroup2 */
	struct nsb_cg_hier *v1;
	size_t n_v1;
	bool rootless; /* only delegated v2 directories are used */
};

/* Find the layout below base ("/sys/fs/cgroup"). 0 or -errno, logged.
 * A host without cgroups gives mode NSB_CG_NONE and 0. */
int nsb_cgroup_layout_detect(const char *base, bool rootless, struct nsb_cg_layout *ret);
void nsb_cgroup_layout_free(struct nsb_cg_layout *l);

/* The container's cgroup path (see above; malloc'ed). cgroups_path may be
 * NULL. 0 or -EINVAL, logged with the JSON path. */
int nsb_cgroup_path(const struct nsb_cg_layout *l, const char *cgroups_path, bool systemd,
                    const char *id, char **ret);

/* One write into a cgroup file, for linux.resources. */
struct nsb_cg_write {
	enum nsb_cg_ctrl ctrl;
	char file[64];
	char alt[64]; /* tried when file does not exist ("" if none) */
	char value[256];
};

/* linux.resources as the writes for a v1 (v2 false) or v2 hierarchy, in
 * order; devices are left out on v2 (nsb_cgroup_devices_bpf). Pure. 0, or
 * -EINVAL / -EOPNOTSUPP logged with the JSON path for what this cgroup
 * version cannot do (warnings for what runc also lets pass). */
int nsb_cgroup_plan(const struct nsb_oci_resources *res, bool v2, struct nsb_cg_write **ret,
                    size_t *ret_n);

/* Make the cgroup at path, apply res (may be NULL) and move pid into it
 * (pid 0: no move). 0 with *ret_made, or -errno logged. Rootless without a
 * writable delegated cgroup: 0 with *ret_made false (one warning if res
 * has limits). */
int nsb_cgroup_create(const struct nsb_cg_layout *l, const char *path,
                      const struct nsb_oci_resources *res, pid_t pid, bool *ret_made);

/* Move pid into the existing cgroup at path (in every hierarchy where it
 * exists). 0 or -errno, logged. */
int nsb_cgroup_enter(const struct nsb_cg_layout *l, const char *path, pid_t pid);

/* Write res into an existing cgroup (update). 0 or -errno, logged. */
int nsb_cgroup_update(const struct nsb_cg_layout *l, const char *path,
                      const struct nsb_oci_resources *res);

/* Freeze or thaw, and wait until the kernel says it is done (5 s at most).
 * -ENOENT logged when there is no freezer for this cgroup. */
int nsb_cgroup_freeze(const struct nsb_cg_layout *l, const char *path, bool frozen);

/* The pids in the cgroup (sorted, malloc'ed). 0 or -errno, logged. */
int nsb_cgroup_pids(const struct nsb_cg_layout *l, const char *path, pid_t **ret, size_t *ret_n);

/* Send sig to every process in the cgroup (frozen meanwhile where there
 * is a freezer, so that none escapes by forking). 0 or -errno, logged. */
int nsb_cgroup_kill(const struct nsb_cg_layout *l, const char *path, int sig);

/* Remove the cgroup directories (killing what is left in them). 0 or
 * -errno, logged. */
int nsb_cgroup_destroy(const struct nsb_cg_layout *l, const char *path);

/* Build the v2 device program for rules (eBPF instructions, malloc'ed,
 * 8 bytes each): exposed for tests. 0 or -ENOMEM / -E2BIG. */
int nsb_cgroup_devices_bpf(const struct nsb_oci_dev_rule *rules, size_t n, void **ret_insns,
                           size_t *ret_n);

/* Load the device program for rules and attach it to the v2 cgroup
 * directory dirfd (replacing one nsbox-oci attached before). 0 or -errno,
 * not logged. */
int nsb_cgroup_devices_attach(int dirfd, const struct nsb_oci_dev_rule *rules, size_t n);

const char *nsb_cgroup_ctrl_name(enum nsb_cg_ctrl c, bool v2);
