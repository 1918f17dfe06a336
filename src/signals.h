/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The signals nsbox passes on to COMMAND: SIGTERM, SIGINT, SIGHUP, SIGQUIT,
 * SIGUSR1, SIGUSR2 and SIGWINCH (see --no-forward-signals). */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* Pass those signals on to pid to. Normally only what a process sent
 * (si_code <= 0): a terminal's SIGINT or SIGWINCH already reaches COMMAND
 * through its process group. With terminal_to_group (the caller is
 * COMMAND's parent, and --new-session took COMMAND out of the terminal's
 * process group), the SIGINT, SIGQUIT and SIGHUP the kernel sends for the
 * terminal go to COMMAND's process group, as the terminal would have sent
 * them. Every nsbox process of the launch is in the terminal's process
 * group and gets those signals itself: only COMMAND's parent acts on them,
 * which is why they are not passed down the chain (a signal passed on
 * could also merge with the terminal's own one still pending). */
void nsb_signals_forward(pid_t to, bool terminal_to_group);

/* Before COMMAND exists there is nobody to pass a signal to: those signals
 * (but SIGWINCH) end the process with 128+N instead (pid 1 of a pid
 * namespace would otherwise ignore them). */
void nsb_signals_die_on_forwarded(void);

/* Block those signals (saving the mask in *old), or restore *old. */
void nsb_signals_block(bool block, sigset_t *old);
