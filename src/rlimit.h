/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --rlimit NAME=SOFT[:HARD]: resource limits set in the sandbox before exec. */
#pragma once

#include <stdbool.h>
#include <sys/resource.h>

struct nsb_rlimit {
	int resource;      /* RLIMIT_* */
	rlim_t soft, hard; /* RLIM_INFINITY for "unlimited" */
	bool hard_given;   /* NAME=SOFT alone keeps the current hard limit */
};

/* Parse "NOFILE=1024:4096" (names with or without RLIMIT_, any case; values
 * decimal or "unlimited"/"infinity"; limits in bytes -- AS CORE DATA FSIZE
 * MEMLOCK MSGQUEUE RSS STACK -- may take a unit as nsb_parse_bytes() reads
 * it: "STACK=8M"). 0, or with *ret_bad pointing at the offending part of the
 * string for the caller's message: -EINVAL (syntax), -ERANGE (soft above
 * hard), -EOVERFLOW (above the largest finite limit, RLIM_INFINITY - 1),
 * -EDOM (a unit such as "MB") or -ENOTSUP (a unit on a limit that is not
 * in bytes). */
int nsb_rlimit_parse(const char *s, struct nsb_rlimit *ret, const char **ret_bad);

/* The name of an RLIMIT_* resource ("NOFILE"), or NULL. */
const char *nsb_rlimit_name(int resource);

/* setrlimit each in order. 0 or -errno, logged. */
int nsb_rlimit_apply(const struct nsb_rlimit *limits, size_t n);
