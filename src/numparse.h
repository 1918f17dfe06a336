/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Checked number parsers: whole string, no sign tricks, no truncation.
 * Each returns 0 or -EINVAL / -ERANGE (-EDOM for nsb_parse_bytes) and leaves
 * *ret untouched on error. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Base 10, non-empty, digits only, 0..INT_MAX. */
int nsb_parse_fd(const char *s, int *ret);
/* Base 10, digits only, 0..UINT32_MAX-1 ((uid_t)-1 is refused). */
int nsb_parse_id(const char *s, uint32_t *ret);
/* Octal digits only, at most 07777. */
int nsb_parse_mode(const char *s, unsigned *ret);

/* nsb_parse_bytes() flag: also 0x.. hexadecimal and 0.. octal numbers, as
 * strtoull(s, NULL, 0) reads them; without it leading zeros are decimal. */
#define NSB_BYTES_C_BASES (1u << 0)

/* A byte count: the len bytes of s (no NUL needed) are a number, then
 * optionally a unit: K M G T P E (2^10 .. 2^60), alone or followed by "i" or
 * "iB", or "B" for bytes; any case ("64M" = "64mi" = "64MiB"). Only a
 * decimal number takes a unit. No sign, blank, fraction or other suffix.
 * 0, -EINVAL (syntax), -EDOM (a unit such as "MB" or "kB", refused because
 * it often means powers of 1000) or -ERANGE (above max). */
int nsb_parse_bytes(const char *s, size_t len, unsigned flags, uint64_t max, uint64_t *ret);
/* What to tell a user whose unit was refused with -EDOM. */
#define NSB_BYTES_EDOM_HINT                                                                \
	"units are powers of 1024, written K, M, G, T, P or E, alone or followed by i or " \
	"iB (64M = 64Mi = 64MiB); KB, MB, ... are refused because they often mean "        \
	"powers of 1000"

/* --size: nsb_parse_bytes() with NSB_BYTES_C_BASES, 1..SIZE_MAX/2 (0 is
 * -ERANGE). */
int nsb_parse_size(const char *s, uint64_t *ret);
/* Base 10 with an optional '-', digits only, LONG_MIN..LONG_MAX (sysctl
 * files, after their newline is cut). */
int nsb_parse_long(const char *s, long *ret);
