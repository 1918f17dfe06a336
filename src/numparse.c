/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Checked number parsers. strtol() and friends accept leading blanks, a sign
 * (strtoul("-1") is ULONG_MAX), partial input and silently saturate, which is
 * how a bad --uid or fd turns into a surprising value; these do not. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "numparse.h"

static bool digit_value(char c, unsigned base, unsigned *ret)
{
	unsigned d;

	if (c >= '0' && c <= '9')
		d = (unsigned)(c - '0');
	else if (c >= 'a' && c <= 'f')
		d = (unsigned)(c - 'a') + 10;
	else if (c >= 'A' && c <= 'F')
		d = (unsigned)(c - 'A') + 10;
	else
		return false;
	if (d >= base)
		return false;
	*ret = d;
	return true;
}

/* All of s must be digits of base (no prefix, sign or blank): -EINVAL
 * otherwise, -ERANGE above max. Syntax is checked over the whole string
 * first, so "99999999999999999999x" is -EINVAL, not -ERANGE. */
static int parse_digits(const char *s, unsigned base, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;
	unsigned d;
	const char *p;

	if (!s || !*s)
		return -EINVAL;
	for (p = s; *p; p++)
		if (!digit_value(*p, base, &d))
			return -EINVAL;
	for (p = s; *p; p++) {
		digit_value(*p, base, &d);
		if (d > max || v > (max - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*ret = v;
	return 0;
}

int nsb_parse_fd(const char *s, int *ret)
{
	uint64_t v;
	int r;

	r = parse_digits(s, 10, INT_MAX, &v);
	if (r < 0)
		return r;
	*ret = (int)v;
	return 0;
}

int nsb_parse_id(const char *s, uint32_t *ret)
{
	uint64_t v;
	int r;

	/* (uid_t)-1 means "no change" to setresuid() and chown(). */
	r = parse_digits(s, 10, UINT32_MAX - 1, &v);
	if (r < 0)
		return r;
	*ret = (uint32_t)v;
	return 0;
}

int nsb_parse_mode(const char *s, unsigned *ret)
{
	uint64_t v;
	int r;

	r = parse_digits(s, 8, 07777, &v);
	if (r < 0)
		return r;
	*ret = (unsigned)v;
	return 0;
}

int nsb_parse_size(const char *s, uint64_t *ret)
{
	unsigned base = 10;
	uint64_t v;
	int r;

	/* The bases strtoull(s, NULL, 0) would pick, without its sign and
	 * blank handling. */
	if (!s || s[0] < '0' || s[0] > '9')
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		base = 8;
		s += 1;
	}
	r = parse_digits(s, base, SIZE_MAX / 2, &v);
	if (r < 0)
		return r;
	if (v == 0)
		return -ERANGE;
	*ret = v;
	return 0;
}

int nsb_parse_long(const char *s, long *ret)
{
	bool neg = s && *s == '-';
	uint64_t v;
	int r;

	r = parse_digits(neg ? s + 1 : s, 10, neg ? (uint64_t)LONG_MAX + 1 : LONG_MAX, &v);
	if (r < 0)
		return r;
	*ret = neg ? (long)(0 - v) : (long)v;
	return 0;
}
