/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Checked number parsers. strtol() and friends accept leading blanks, a sign
 * (strtoul("-1") is ULONG_MAX), partial input and silently saturate, which is
 * how a bad --uid or fd turns into a surprising value; these do not. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

/* All len bytes of s must be digits of base (no prefix, sign or blank):
 * -EINVAL otherwise, -ERANGE above max. Syntax is checked over the whole
 * string first, so "99999999999999999999x" is -EINVAL, not -ERANGE. */
static int parse_digits_n(const char *s, size_t len, unsigned base, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;
	unsigned d;
	size_t i;

	if (!s || len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!digit_value(s[i], base, &d))
			return -EINVAL;
	for (i = 0; i < len; i++) {
		digit_value(s[i], base, &d);
		if (d > max || v > (max - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*ret = v;
	return 0;
}

static int parse_digits(const char *s, unsigned base, uint64_t max, uint64_t *ret)
{
	return parse_digits_n(s, s ? strlen(s) : 0, base, max, ret);
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

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The unit after a decimal number: 0 and *ret_shift, -EDOM for "KB", "MB"...
 * (often meant as powers of 1000), -EINVAL for anything else. */
static int parse_unit(const char *u, size_t len, unsigned *ret_shift)
{
	static const char letters[] = "kmgtpe";
	const char *l;

	if (len == 0) {
		*ret_shift = 0;
		return 0;
	}
	if (len == 1 && ascii_lower(u[0]) == 'b') {
		*ret_shift = 0;
		return 0;
	}
	l = u[0] ? strchr(letters, ascii_lower(u[0])) : NULL;
	if (!l)
		return -EINVAL;
	if (len == 2 && ascii_lower(u[1]) == 'b')
		return -EDOM;
	if (len > 1 && ascii_lower(u[1]) != 'i')
		return -EINVAL;
	if (len > 2 && (len > 3 || ascii_lower(u[2]) != 'b'))
		return -EINVAL;
	*ret_shift = 10 * (unsigned)(l - letters + 1);
	return 0;
}

int nsb_parse_bytes(const char *s, size_t len, unsigned flags, uint64_t max, uint64_t *ret)
{
	unsigned shift;
	uint64_t v;
	size_t n;
	int r;

	if (!s || len == 0 || s[0] < '0' || s[0] > '9')
		return -EINVAL;
	/* The bases strtoull(s, NULL, 0) would pick, without its sign and
	 * blank handling. Hexadecimal and octal numbers are exact byte counts
	 * and take no unit: "0x1B" is 27, not 1 byte. */
	if (flags & NSB_BYTES_C_BASES) {
		if (len > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			return parse_digits_n(s + 2, len - 2, 16, max, ret);
		if (len > 1 && s[0] == '0' && s[1] >= '0' && s[1] <= '9')
			return parse_digits_n(s + 1, len - 1, 8, max, ret);
	}
	for (n = 0; n < len && s[n] >= '0' && s[n] <= '9';)
		n++;
	r = parse_unit(s + n, len - n, &shift);
	if (r < 0)
		return r;
	r = parse_digits_n(s, n, 10, max >> shift, &v);
	if (r < 0)
		return r;
	*ret = v << shift;
	return 0;
}

int nsb_parse_size(const char *s, uint64_t *ret)
{
	uint64_t v;
	int r;

	r = nsb_parse_bytes(s, s ? strlen(s) : 0, NSB_BYTES_C_BASES, SIZE_MAX / 2, &v);
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
