/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Landlock for COMMAND: the scopes (--scope-abstract-af-unix, --scope-signals,
 * ABI 6) and the TCP port rules (--landlock-tcp-connect, --landlock-tcp-bind,
 * ABI 4). cli.c fills a struct nsb_landlock; launch checks it early with
 * nsb_landlock_check() (so a plain option the kernel cannot honour fails
 * before any setup) and the process that becomes COMMAND calls
 * nsb_landlock_apply() last, just before exec, in the final mount
 * namespace. Only the kernel's UAPI is used; constants newer than the
 * build machine's <linux/landlock.h> are defined in landlock.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for the reason a parser gives for refusing a value. */
#define NSB_WHY_MAX 200

/* Inclusive port ranges, sorted and merged (no overlap, no adjacency). */
struct nsb_port_range {
	uint16_t lo, hi;
};

struct nsb_port_set {
	struct nsb_port_range *r; /* malloc'ed */
	size_t n;
};

/* How much an option asks for: not at all, where the kernel can (-try),
 * or as a must (the plain option). */
enum nsb_landlock_want {
	NSB_LANDLOCK_OFF = 0,
	NSB_LANDLOCK_TRY,
	NSB_LANDLOCK_MUST,
};

struct nsb_landlock {
	enum nsb_landlock_want scope_abstract_unix; /* --scope-abstract-af-unix[-try] */
	enum nsb_landlock_want scope_signals;       /* --scope-signals[-try] */
	bool tcp_connect_given;                     /* --landlock-tcp-connect */
	struct nsb_port_set tcp_connect;
	bool tcp_bind_given; /* --landlock-tcp-bind */
	struct nsb_port_set tcp_bind;
};

/* The Landlock ABI version of the running kernel: >= 1, or 0 when Landlock
 * is missing or disabled (not in the lsm= list). Asked once, then cached. */
int nsb_landlock_abi(void);
/* Tests only: pretend the kernel has this ABI (-1: ask it again), and
 * forget the -try warnings given so far. */
void nsb_landlock_fake_abi(int abi);

/* Parse PORTS ("443,8000-8100": decimal ports and LO-HI ranges, comma
 * separated, no spaces, no empty item) and add them to *set. Ports are
 * 1-65535, or 0-65535 when allow_zero (a bind rule for port 0 lets COMMAND
 * bind ephemeral ports). 0, -ENOMEM, or -EINVAL with the reason in why
 * (NSB_WHY_MAX bytes) for the caller's message; *set is unchanged on
 * error. Pure. */
int nsb_port_set_parse(struct nsb_port_set *set, const char *value, bool allow_zero, char *why);

/* Number of ports in the set. */
size_t nsb_port_set_count(const struct nsb_port_set *set);
bool nsb_port_set_has(const struct nsb_port_set *set, uint16_t port);
void nsb_port_set_free(struct nsb_port_set *set);

/* True when any Landlock option was given. */
bool nsb_landlock_wanted(const struct nsb_landlock *ll);

/* Check the request against the kernel: every plain option whose ABI the
 * kernel lacks is logged ("--scope-signals needs Landlock ABI 6 (Linux
 * 6.12 or later); this kernel has ABI 4") and makes it return -EOPNOTSUPP;
 * -try options only warn, once. 0 when everything asked can be applied or
 * skipped. */
int nsb_landlock_check(const struct nsb_landlock *ll);

/* Restrict the calling process (and what it execs) as asked: sets
 * no_new_privs, creates one ruleset handling only what the kernel supports
 * of what was asked, adds a rule per allowed port, restricts self.
 * Features the kernel lacks are skipped for -try options (with a warning)
 * and refused for plain ones, before anything is applied. 0 or -errno,
 * logged. Nothing is done (0) when no Landlock option was given. */
int nsb_landlock_apply(const struct nsb_landlock *ll);

void nsb_landlock_free(struct nsb_landlock *ll);
