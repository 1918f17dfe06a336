/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json (struct nsb_oci_spec, already checked by spec.c) translated
 * into what nsbox's engine takes: a struct nsb_config whose ordered ops
 * build the container's root, plus what the OCI face does itself around
 * them (namespaces, devices' cgroup rules).
 *
 * The ops, in order (each op->opt names its origin in messages, as
 * "config.json: mounts[3]"):
 *   1. NSB_OP_ROOTFS: root.path (relative to the bundle) bound as "/";
 *   2. mounts[], in order: binds as NSB_OP_MOUNT_BIND (relative sources
 *      relative to the bundle), other types as NSB_OP_MOUNT_FS; sysfs,
 *      mqueue and cgroup2 fall back to a bind of the host's where the
 *      kernel refuses a new one (a namespace owned by another user
 *      namespace), as runc does; a v1 "cgroup" mount on a legacy or
 *      hybrid host is a tmpfs with a bind of the container's cgroup in
 *      each hierarchy (plus links for co-mounted controllers, and
 *      "unified" on hybrid hosts), read-only as the entry asks;
 *   3. unless /dev is bound from the host: the default devices (null,
 *      zero, full, random, urandom, tty) and linux.devices[] as
 *      NSB_OP_DEVICE; where /dev is a new filesystem, the links fd,
 *      stdin, stdout, stderr and ptmx (-> pts/ptmx);
 *   4. process.cwd made if missing (NSB_OP_DIR);
 *   5. linux.readonlyPaths (NSB_OP_REMOUNT, recursively read-only) and
 *      linux.maskedPaths (NSB_OP_MASK, --mask-try's semantics), each
 *      skipped when the path is missing;
 *   6. root.readonly: "/" remounted read-only (its top mount only).
 * Device cgroup rules: linux.resources.devices, followed (when there are
 * some) by runc's defaults: mknod of anything, and read/write/mknod of
 * the default devices, the ptys, /dev/ptmx and /dev/net/tun.
 *
 * Refused with a message naming the JSON path: a config without a new
 * mount namespace, joining a mount namespace, idmapped mounts, "remount"
 * and superblock flags (sync, dirsync, mand, lazytime, iversion) on bind
 * mounts. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "nsb-config.h"
#include "oci/cgroup.h"
#include "oci/spec.h"

/* What the translation needs to know of the host. */
struct nsb_oci_host {
	const struct nsb_cg_layout *cg; /* NULL or mode NSB_CG_NONE: no cgroup filesystem */
	const char *cgroup_path;        /* the container's cgroup, NULL if it has none */
};

struct nsb_oci_plan {
	struct nsb_config cfg; /* the ops (and their storage, in cfg.owned) */
	char *rootfs;          /* root.path, absolute */
	/* Namespaces: made by clone (CLONE_NEW* flags; never CLONE_NEWCGROUP,
	 * which the container process unshares once it is in its cgroup, nor
	 * CLONE_NEWTIME), or joined before (join[ns], from linux.namespaces'
	 * paths, NULL for the others). */
	unsigned long clone_flags;
	bool new_userns, new_pidns, new_cgroupns, new_timens;
	const char *join[NSB_OCI_NS_N];
};

/* Translate spec (whose bundle is the absolute path bundle). 0, or
 * -EINVAL / -EOPNOTSUPP / -ENOMEM after logging one message naming the
 * JSON path. The plan borrows strings from spec: spec must outlive it. */
int nsb_oci_translate(const struct nsb_oci_spec *spec, const char *bundle,
                      const struct nsb_oci_host *host, struct nsb_oci_plan *ret);
void nsb_oci_plan_free(struct nsb_oci_plan *p);

/* linux.resources as the cgroup gets it: the same, with the device rules
 * followed (when there are some) by runc's defaults. *ret borrows from res
 * but for its devices, malloc'ed in *ret_rules (NULL when there are no
 * rules). 0 or -ENOMEM, logged. */
int nsb_oci_resources_plan(const struct nsb_oci_resources *res, struct nsb_oci_resources *ret,
                           struct nsb_oci_dev_rule **ret_rules);

/* The CLONE_NEW* flag of a namespace type. */
unsigned long nsb_oci_ns_flag(enum nsb_oci_ns ns);
