/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sandbox's reaper: pid 1 of its pid namespace (or the process holding
 * --sync-fd and --lock-file). It is forked off before the new root is
 * built; its child goes on to build the sandbox and become COMMAND. */
#pragma once

#include "nsb-config.h"
#include "sandbox.h"

/* The setup child's ends of the pipes to the reaper. */
struct nsb_reaper_link {
	int ready_r;      /* one byte once the reaper is settled (not dumpable) */
	int setup_done_w; /* --lock-file: write a byte once the new root is in place */
	int locked_r;     /* --lock-file: one byte once the reaper holds the locks */
};

/* Fork. The parent becomes the reaper and never returns; the child returns
 * with *link filled in. Signals forwarded to COMMAND go to that child. */
void nsb_reaper_start_or_die(struct nsb_config *cfg, const struct nsb_plan *plan,
                             struct nsb_reaper_link *link);

/* In the setup child, before touching the mount namespace: wait until the
 * reaper is settled (it may be re-executing nsbox, whose libraries must
 * come from the host's root). */
void nsb_reaper_wait_ready(struct nsb_reaper_link *link);

/* In the setup child, once the new root is in place: let the reaper take
 * the --lock-file locks and wait until it holds them. */
void nsb_reaper_hand_over_or_die(struct nsb_reaper_link *link);

/* argv[0] of the re-executed reaper; main() hands such a process to
 * nsb_reaper_main(). */
#define NSB_REAPER_ARGV0 "nsbox-reaper\x01"

/* The re-executed reaper. */
int nsb_reaper_main(int argc, char **argv);
