/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The signals nsbox passes on to COMMAND: SIGTERM, SIGINT, SIGHUP, SIGQUIT,
 * SIGUSR1, SIGUSR2 and SIGWINCH (see --no-forward-signals). */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* Pass those signals on to pid to. Normally only what a process sent
 * (si_code <= 0): a terminal's SIGINT or SIGWINCH already reaches COMMAND
 * through its process group. With from_terminal_too (COMMAND left the
 * terminal's process group: --new-session), SIGINT, SIGQUIT and SIGHUP
 * sent by the kernel for the terminal are passed on as well. */
void nsb_signals_forward(pid_t to, bool from_terminal_too);

/* Before COMMAND exists there is nobody to pass a signal to: those signals
 * (but SIGWINCH) end the process with 128+N instead (pid 1 of a pid
 * namespace would otherwise ignore them). */
void nsb_signals_die_on_forwarded(void);

/* Block those signals (saving the mask in *old), or restore *old. */
void nsb_signals_block(bool block, sigset_t *old);
