/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Capabilities of the sandbox processes. */
#pragma once

/* True if this process holds capabilities it should not have for its real
 * uid (file capabilities on a non-root caller). */
int nsb_caps_unexpected(void);

/* Drop every capability: bounding set, ambient, inheritable, permitted and
 * effective. 0 or -errno. */
int nsb_caps_drop_all(void);

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --cap-add / --cap-drop, in command-line order. */
struct nsb_cap_op {
	bool add;
	int cap; /* CAP_*, or -1 for ALL */
};

/* "CAP_SYS_ADMIN", "cap_sys_admin", "sys_admin" or "ALL" -> *ret (-1 for
 * ALL). 0 or -EINVAL. Pure. */
int nsb_caps_from_name(const char *name, int *ret);

/* Every capability this kernel knows. */
uint64_t nsb_caps_all(void);

/* The kept set: base, then each op in order. */
uint64_t nsb_caps_compute(uint64_t base, const struct nsb_cap_op *ops, size_t n);

/* The bounding set of this process. */
uint64_t nsb_caps_bounding(void);

/* The effective set of this process. 0 or -errno. */
int nsb_caps_get_effective(uint64_t *ret);

/* Keep exactly the set keep: the bounding set cut down to it, permitted,
 * effective and inheritable set to it, and each cap raised as ambient so it
 * survives exec by a non-root uid. 0 or -errno. */
int nsb_caps_keep(uint64_t keep);
