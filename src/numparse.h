/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Checked number parsers: whole string, no sign tricks, no truncation.
 * Each returns 0 or -EINVAL / -ERANGE and leaves *ret untouched on error. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

/* Base 10, non-empty, digits only, 0..INT_MAX. */
int nsb_parse_fd(const char *s, int *ret);
/* Base 10, digits only, 0..UINT32_MAX-1 ((uid_t)-1 is refused). */
int nsb_parse_id(const char *s, uint32_t *ret);
/* Octal digits only, at most 07777. */
int nsb_parse_mode(const char *s, unsigned *ret);
/* --size: must start with a digit, base auto-detected (0x.., 0..), 1..SIZE_MAX/2. */
int nsb_parse_size(const char *s, uint64_t *ret);
/* Base 10 with an optional '-', digits only, LONG_MIN..LONG_MAX (sysctl
 * files, after their newline is cut). */
int nsb_parse_long(const char *s, long *ret);
