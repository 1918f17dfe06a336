/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <stddef.h>
#include <unistd.h>

#include "signals.h"
#include "util.h"

static const int forwarded_signals[] = {SIGTERM, SIGINT,  SIGHUP,  SIGQUIT,
                                        SIGUSR1, SIGUSR2, SIGWINCH};

static volatile sig_atomic_t forward_to;
static volatile sig_atomic_t forward_terminal;

static void forward_signal(int sig, siginfo_t *si, void *ctx)
{
	bool terminal = sig == SIGINT || sig == SIGQUIT || sig == SIGHUP;

	if (forward_to > 0 && (si->si_code <= 0 || (forward_terminal && terminal)))
		kill((pid_t)forward_to, sig);
}

void nsb_signals_forward(pid_t to, bool from_terminal_too)
{
	struct sigaction sa = {.sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART};

	forward_to = to;
	forward_terminal = from_terminal_too;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NSB_ELEMENTSOF(forwarded_signals); i++)
		(void)sigaction(forwarded_signals[i], &sa, NULL);
}

static void die_of_signal(int sig)
{
	if (sig != SIGWINCH)
		_exit(128 + sig);
}

void nsb_signals_die_on_forwarded(void)
{
	struct sigaction sa = {.sa_handler = die_of_signal};

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NSB_ELEMENTSOF(forwarded_signals); i++)
		(void)sigaction(forwarded_signals[i], &sa, NULL);
}

void nsb_signals_block(bool block, sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < NSB_ELEMENTSOF(forwarded_signals); i++)
		sigaddset(&set, forwarded_signals[i]);
	(void)sigprocmask(block ? SIG_BLOCK : SIG_SETMASK, block ? &set : old, block ? old : NULL);
}
