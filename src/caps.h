/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Capabilities of nsbox's processes. Reading and changing the sets are raw
 * capget/capset/prctl calls (a launch changes them several times and must
 * not pay for loading a library); capability names come from libcap,
 * loaded on first use (dl.h) by the parser and by messages. Sets are bit
 * masks, bit N for capability N. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The number of the highest capability this kernel knows. */
int nsb_caps_last(void);

/* Every capability this kernel knows, as a mask. */
uint64_t nsb_caps_all(void);

/* The bounding set of this process. */
uint64_t nsb_caps_bounding(void);

/* The effective and permitted sets of this process. 0 or -errno. */
int nsb_caps_get(uint64_t *ret_effective, uint64_t *ret_permitted);

/* 1 if a process whose real uid is not 0 holds any permitted capability
 * (file capabilities on the nsbox executable: refused at start), 0 if it
 * holds none or runs as root, or -errno. */
int nsb_caps_unexpected(void);

/* Cut the bounding set down to bounding, clear the ambient set, and set
 * permitted and effective (inheritable becomes empty). 0 or -errno. */
int nsb_caps_set(uint64_t bounding, uint64_t permitted, uint64_t effective);

/* Cut the bounding set down to keep (capabilities this kernel does not
 * know are skipped). 0 or -errno. */
int nsb_caps_cut_bounding(uint64_t keep);

/* Set the effective, permitted and inheritable sets, and make the ambient
 * set exactly ambient. 0 or -errno. */
int nsb_caps_set_sets(uint64_t effective, uint64_t permitted, uint64_t inheritable,
                      uint64_t ambient);

/* Drop every capability: bounding, ambient, inheritable, permitted,
 * effective. 0 or -errno. */
int nsb_caps_drop_all(void);

/* Keep exactly the set keep for COMMAND: the bounding set cut down to it,
 * permitted, effective and inheritable set to it, and each raised as ambient
 * so it survives exec by a non-root uid. 0 or -errno. */
int nsb_caps_keep(uint64_t keep);

/* --cap-add / --cap-drop, in command-line order. */
struct nsb_cap_op {
	bool add;
	int cap; /* CAP_*, or -1 for ALL */
};

/* "CAP_SYS_ADMIN", "cap_sys_admin", "sys_admin" or "ALL" -> *ret (-1 for
 * ALL). 0, -EINVAL for anything else, or -EOPNOTSUPP (logged with what)
 * when libcap cannot be loaded. */
int nsb_caps_from_name(const char *name, int *ret, const char *what);

/* The name of a capability ("cap_sys_admin", as libcap spells it) in buf: buf. Falls back to
 * "capability N" without libcap. */
const char *nsb_caps_name(int cap, char *buf, size_t size);

/* The kept set: base, then each op in order (ALL = all). */
uint64_t nsb_caps_compute(uint64_t base, const struct nsb_cap_op *ops, size_t n);
