/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sandbox's network during a launch: the loopback device of a new
 * network namespace, and the steps of --net, --netns and --net-allow
 * (docs/network.md, "Launch sequence"), each called from launch.c (the
 * monitor) or sandbox.c (the child). Nothing here runs, and no library is
 * loaded, for a launch that uses none of these options. */
#pragma once

#include <sys/types.h>

#include "net-helper.h"
#include "nsb-config.h"
#include "sandbox.h"

/* Bring up lo in the current network namespace (the kernel then gives it
 * 127.0.0.1/8 and ::1). 0 or -errno. */
int nsb_net_loopback_up(void);

/* In the monitor, before any namespace exists: check the Landlock options
 * against the kernel, find the helper on PATH, resolve the --net-allow
 * hostnames and make the nftables ruleset (loading libnftables), make the
 * sandbox's /etc/resolv.conf unless an op places one. Fills the plan's
 * network fields. 0 or -errno, logged. */
int nsb_net_plan(const struct nsb_config *cfg, struct nsb_plan *plan);
void nsb_net_plan_free(struct nsb_plan *plan);

/* Append the op that mounts plan->resolv_conf read-only on /etc/resolv.conf
 * (after the user's ops, as --ro-bind-data of a memfd would). 0 or
 * -errno, logged. */
int nsb_net_add_resolv_conf(struct nsb_config *cfg, const struct nsb_plan *plan);

/* --netns, in the process that clones the sandbox, after --userns and
 * --pidns: enter the network namespace, and with --net-allow install the
 * rules there if this process holds CAP_NET_ADMIN over it (else refuse).
 * 0 or -errno, logged. */
int nsb_net_join(const struct nsb_config *cfg, const struct nsb_plan *plan);

/* The monitor, with a helper: wait for the child's IDMAPS_WRITTEN, start
 * the helper for its network namespace, send NET_READY. 0; -EPIPE when
 * the sandbox ended meanwhile (its status says why; a message it sent has
 * been logged); another -errno, logged, when the helper failed (the
 * caller stops the sandbox). *h is stopped with nsb_net_helper_stop(). */
int nsb_net_start_helper(const struct nsb_config *cfg, pid_t pid, int sync_fd,
                         struct nsb_net_helper *h);

/* In the child, once its id maps are written: bring lo up, install the
 * --net-allow rules, tell the monitor when a helper is to be started. */
void nsb_net_setup_or_die(const struct nsb_config *cfg, const struct nsb_plan *plan);

/* In the child, before COMMAND's process is made: wait for the helper. */
void nsb_net_wait_ready_or_die(const struct nsb_plan *plan);
