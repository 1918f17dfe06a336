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
	pid_t to = (pid_t)forward_to;

	if (to <= 0)
		return;
	if (si->si_code <= 0)
		(void)kill(to, sig);
	else if (terminal && si->si_code == SI_KERNEL && forward_terminal)
		(void)kill(-to, sig);
}

void nsb_signals_forward(pid_t to, bool terminal_to_group)
{
	struct sigaction sa = {.sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART};

	forward_to = to;
	forward_terminal = terminal_to_group;
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
