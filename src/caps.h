/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Capabilities of the sandbox processes. */
#pragma once

/* True if this process holds capabilities it should not have for its real
 * uid (file capabilities on a non-root caller). */
int nsb_caps_unexpected(void);

/* Drop every capability: bounding set, ambient, inheritable, permitted and
 * effective. 0 or -errno. */
int nsb_caps_drop_all(void);
