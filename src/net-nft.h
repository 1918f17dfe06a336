/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The --net-allow policy installed with libnftables, loaded on first use
 * (see dl.h; Debian libnftables1). The ruleset text comes from
 * nsb_net_ruleset() (net-rules.h). */
#pragma once

/* Load the ruleset into the calling process's network namespace: call it
 * while holding CAP_NET_ADMIN there (in the setup child, before the
 * capabilities are dropped and before COMMAND exists). 0, or -EOPNOTSUPP
 * (no libnftables) / -EINVAL (nft refused it) after logging
 * "--net-allow: cannot install the nftables rules: <nft's own message>". */
int nsb_nft_apply(const char *ruleset);

/* "list ruleset" of the calling process's network namespace, malloc'ed
 * in *ret_text (for tests and diagnostics). 0 or -errno, logged. */
int nsb_nft_list(char **ret_text);
