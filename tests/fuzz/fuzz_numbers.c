/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness for the option-value parsers: numparse.h (fd, id, mode,
 * size, bytes), nsb_rlimit_parse(), nsb_caps_from_name() and the --seccomp-profile
 * name check (nsb_seccomp_profile_text()). Each gets the input as a
 * NUL-terminated string (inputs with a NUL byte are rejected: an argv or
 * --args string cannot hold one).
 *
 * Each result is compared with an independent oracle written from the
 * header's contract, so a wrong answer aborts like a sanitizer finding. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "caps.h"
#include "log.h"
#include "nsb-seccomp.h"
#include "numparse.h"
#include "rlimit.h"

#define FUZZ_NAME "fuzz_numbers"
#include "fuzz-common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_setup("nsbox", 0);
	return 0;
}

/* The oracle for the plain decimal/octal parsers: the value of s in base,
 * or -EINVAL (not only digits of base, or empty) / -ERANGE (above max). */
static int oracle_digits(const char *s, unsigned base, uint64_t max, uint64_t *ret)
{
	unsigned __int128 v = 0;
	const char *p;

	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			return -EINVAL;
		if ((unsigned)d >= base)
			return -EINVAL;
	}
	for (p = s; *p; p++) {
		unsigned d = (unsigned)(*p >= 'a'   ? *p - 'a' + 10
		                        : *p >= 'A' ? *p - 'A' + 10
		                                    : *p - '0');

		v = v * base + d;
		if (v > max)
			return -ERANGE;
	}
	*ret = (uint64_t)v;
	return 0;
}

static void check_fd(const char *s)
{
	uint64_t want = 0;
	int got = -7, ow = oracle_digits(s, 10, INT_MAX, &want);
	int r = nsb_parse_fd(s, &got);

	CHECK(r == ow, "nsb_parse_fd(\"%s\") = %d, expected %d", s, r, ow);
	if (r == 0)
		CHECK((uint64_t)got == want, "nsb_parse_fd(\"%s\") -> %d", s, got);
	else
		CHECK(got == -7, "nsb_parse_fd(\"%s\") wrote *ret on error", s);
}

static void check_id(const char *s)
{
	uint64_t want = 0;
	uint32_t got = 7;
	int ow = oracle_digits(s, 10, UINT32_MAX - 1, &want);
	int r = nsb_parse_id(s, &got);

	CHECK(r == ow, "nsb_parse_id(\"%s\") = %d, expected %d", s, r, ow);
	if (r == 0)
		CHECK(got == want, "nsb_parse_id(\"%s\") -> %" PRIu32, s, got);
	else
		CHECK(got == 7, "nsb_parse_id(\"%s\") wrote *ret on error", s);
}

static void check_mode(const char *s)
{
	uint64_t want = 0;
	unsigned got = 1u << 20;
	int ow = oracle_digits(s, 8, 07777, &want);
	int r = nsb_parse_mode(s, &got);

	CHECK(r == ow, "nsb_parse_mode(\"%s\") = %d, expected %d", s, r, ow);
	if (r == 0)
		CHECK(got == want, "nsb_parse_mode(\"%s\") -> %o", s, got);
	else
		CHECK(got == 1u << 20, "nsb_parse_mode(\"%s\") wrote *ret on error", s);
}

/* The units of nsb_parse_bytes(), written out: the shift for each spelling
 * (compared without case), or -EDOM for the spellings refused as powers of
 * 1000; -EINVAL for anything else. */
static int oracle_unit(const char *u, unsigned *ret_shift)
{
	static const struct {
		const char *s;
		unsigned shift;
	} units[] = {
	        {"", 0},     {"b", 0},    {"k", 10},   {"ki", 10},  {"kib", 10},
	        {"m", 20},   {"mi", 20},  {"mib", 20}, {"g", 30},   {"gi", 30},
	        {"gib", 30}, {"t", 40},   {"ti", 40},  {"tib", 40}, {"p", 50},
	        {"pi", 50},  {"pib", 50}, {"e", 60},   {"ei", 60},  {"eib", 60},
	};
	static const char *const si[] = {"kb", "mb", "gb", "tb", "pb", "eb"};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcasecmp(u, units[i].s)) {
			*ret_shift = units[i].shift;
			return 0;
		}
	for (size_t i = 0; i < sizeof(si) / sizeof(si[0]); i++)
		if (!strcasecmp(u, si[i]))
			return -EDOM;
	return -EINVAL;
}

/* A decimal number and a unit, as the header describes them: -EINVAL,
 * -EDOM, -ERANGE (above max) or 0 with the value. */
static int oracle_decimal_bytes(const char *s, uint64_t max, uint64_t *ret)
{
	size_t n = strspn(s, "0123456789");
	unsigned __int128 v = 0;
	unsigned shift = 0;
	int r;

	if (n == 0)
		return -EINVAL;
	r = oracle_unit(s + n, &shift);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		v = v * 10 + (unsigned)(s[i] - '0');
		if (v > max)
			return -ERANGE;
	}
	v <<= shift;
	if (v > max)
		return -ERANGE;
	*ret = (uint64_t)v;
	return 0;
}

/* --size: hexadecimal (0x) and octal (leading 0) numbers as strtoull(s,
 * NULL, 0) reads them, without a unit; decimal ones with an optional unit.
 * The value must be 1..SIZE_MAX/2. */
static int oracle_size(const char *s, uint64_t *ret)
{
	unsigned long long v;
	char *end = NULL;
	int r;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || (s[1] >= '0' && s[1] <= '9'))) {
		/* strtoull would read "0x" alone as 0 followed by "x". */
		if ((s[1] == 'x' || s[1] == 'X') && !s[2])
			return -EINVAL;
		errno = 0;
		v = strtoull(s, &end, 0);
		if (*end != '\0')
			return -EINVAL;
		if (errno == ERANGE || v > SIZE_MAX / 2 || v == 0)
			return -ERANGE;
		*ret = v;
		return 0;
	}
	r = oracle_decimal_bytes(s, SIZE_MAX / 2, ret);
	return r == 0 && *ret == 0 ? -ERANGE : r;
}

static void check_size(const char *s)
{
	uint64_t got = 77, want = 0;
	int r = nsb_parse_size(s, &got), ow = oracle_size(s, &want);

	CHECK(r == ow, "nsb_parse_size(\"%s\") = %d, expected %d", s, r, ow);
	if (r == 0)
		CHECK(got == want, "nsb_parse_size(\"%s\") -> %" PRIu64 ", expected %" PRIu64, s,
		      got, want);
	else
		CHECK(got == 77, "nsb_parse_size(\"%s\") wrote *ret on error", s);
}

/* nsb_parse_bytes() on its own: decimal with a unit, the whole range. */
static void check_bytes(const char *s)
{
	uint64_t got = 77, want = 0;
	int r = nsb_parse_bytes(s, strlen(s), 0, UINT64_MAX, &got);
	int ow = oracle_decimal_bytes(s, UINT64_MAX, &want);

	CHECK(r == ow, "nsb_parse_bytes(\"%s\") = %d, expected %d", s, r, ow);
	if (r == 0)
		CHECK(got == want, "nsb_parse_bytes(\"%s\") -> %" PRIu64 ", expected %" PRIu64, s,
		      got, want);
	else
		CHECK(got == 77, "nsb_parse_bytes(\"%s\") wrote *ret on error", s);
}

/* One --rlimit value (len bytes of s): "unlimited"/"infinity", else a
 * decimal number with a unit only where the limit is in bytes. The codes
 * and their order are rlimit.h's. */
static int oracle_rlimit_value(const char *s, size_t len, bool bytes, rlim_t *ret)
{
	char *buf = strndup(s, len);
	uint64_t v = 0;
	int r;

	if (!buf)
		fail("out of memory");
	if (!strcasecmp(buf, "unlimited") || !strcasecmp(buf, "infinity")) {
		free(buf);
		*ret = RLIM_INFINITY;
		return 0;
	}
	r = oracle_decimal_bytes(buf, UINT64_MAX - 1, &v);
	if (r != -EINVAL && !bytes && buf[strspn(buf, "0123456789")] != '\0')
		r = -ENOTSUP;
	else if (r == -ERANGE)
		r = -EOVERFLOW;
	free(buf);
	if (r == 0)
		*ret = (rlim_t)v;
	return r;
}

static bool rlimit_in_bytes(const char *name)
{
	static const char *const bytes[] = {"AS",      "CORE",     "DATA", "FSIZE",
	                                    "MEMLOCK", "MSGQUEUE", "RSS",  "STACK"};

	for (size_t i = 0; i < sizeof(bytes) / sizeof(bytes[0]); i++)
		if (!strcmp(name, bytes[i]))
			return true;
	return false;
}

static void check_rlimit(const char *s)
{
	struct nsb_rlimit l = {.resource = -5};
	const char *bad = (const char *)&l;
	size_t len = strlen(s);
	int r = nsb_rlimit_parse(s, &l, &bad);

	if (r == 0) {
		const char *name = nsb_rlimit_name(l.resource);
		const char *eq = strchr(s, '='), *colon;
		rlim_t soft = 0, hard = 0;
		int ow;

		CHECK(bad == NULL, "rlimit \"%s\": *ret_bad set on success", s);
		CHECK(name, "rlimit \"%s\": resource %d has no name", s, l.resource);
		CHECK(eq, "rlimit \"%s\" accepted without '='", s);
		/* The name is NAME or RLIMIT_NAME, in any case. */
		CHECK(((size_t)(eq - s) == strlen(name) && !strncasecmp(s, name, strlen(name))) ||
		              ((size_t)(eq - s) == strlen(name) + 7 &&
		               !strncasecmp(s, "RLIMIT_", 7) &&
		               !strncasecmp(s + 7, name, strlen(name))),
		      "rlimit \"%s\" parsed as %s", s, name);
		CHECK(l.hard_given == (strchr(eq, ':') != NULL), "rlimit \"%s\": hard_given", s);
		if (l.hard_given && l.hard != RLIM_INFINITY)
			CHECK(l.soft != RLIM_INFINITY && l.soft <= l.hard,
			      "rlimit \"%s\": soft above hard", s);
		/* The values, against the oracle. */
		colon = strchr(eq, ':');
		ow = oracle_rlimit_value(eq + 1, colon ? (size_t)(colon - eq - 1) : strlen(eq + 1),
		                         rlimit_in_bytes(name), &soft);
		CHECK(ow == 0 && soft == l.soft, "rlimit \"%s\": soft %llu, oracle %d %llu", s,
		      (unsigned long long)l.soft, ow, (unsigned long long)soft);
		if (colon) {
			ow = oracle_rlimit_value(colon + 1, strlen(colon + 1),
			                         rlimit_in_bytes(name), &hard);
			CHECK(ow == 0 && hard == l.hard, "rlimit \"%s\": hard %llu, oracle %d %llu",
			      s, (unsigned long long)l.hard, ow, (unsigned long long)hard);
		}
	} else {
		CHECK(r == -EINVAL || r == -ERANGE || r == -EOVERFLOW || r == -EDOM ||
		              r == -ENOTSUP,
		      "rlimit \"%s\": %d", s, r);
		/* The caller prints the string at *ret_bad. */
		CHECK(bad >= s && bad <= s + len, "rlimit \"%s\": *ret_bad outside the string", s);
		CHECK(l.resource == -5, "rlimit \"%s\": *ret written on error", s);
		/* A value's own error: *ret_bad is that value, and the oracle agrees
		 * (the name is valid then; only its class matters). */
		if (r == -EOVERFLOW || r == -EDOM || r == -ENOTSUP) {
			const char *eq = strchr(s, '='), *end;
			char name[16] = "";
			rlim_t v;
			int ow;

			CHECK(eq && bad > eq, "rlimit \"%s\": %d points at '%s'", s, r, bad);
			end = bad == eq + 1 ? strchr(bad, ':') : NULL;
			snprintf(name, sizeof(name), "%.*s", (int)(eq - s), s);
			if (!strncasecmp(name, "RLIMIT_", 7))
				memmove(name, name + 7, strlen(name + 7) + 1);
			for (char *p = name; *p; p++)
				*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
			ow = oracle_rlimit_value(bad, end ? (size_t)(end - bad) : strlen(bad),
			                         rlimit_in_bytes(name), &v);
			CHECK(ow == r, "rlimit \"%s\": %d at '%s', oracle says %d", s, r, bad, ow);
		}
	}
}

static void check_cap(const char *s)
{
	int cap = -9, r = nsb_caps_from_name(s, &cap, "fuzz");
	char *name;

	if (r < 0) {
		CHECK(r == -EINVAL, "cap \"%s\": %d", s, r);
		return;
	}
	CHECK(r == 0, "cap \"%s\": %d", s, r);
	if (cap == -1) {
		CHECK(!strcasecmp(s, "ALL"), "cap \"%s\" parsed as ALL", s);
		return;
	}
	CHECK(cap >= 0 && cap <= 63, "cap \"%s\" -> %d", s, cap);
	/* Round trip through libcap: the same name, with or without "cap_". */
	name = cap_to_name((cap_value_t)cap);
	CHECK(name, "cap_to_name(%d) failed", cap);
	CHECK(!strcasecmp(name, s) || (!strncasecmp(name, "cap_", 4) && !strcasecmp(name + 4, s)),
	      "cap \"%s\" -> %d, which is %s", s, cap, name);
	cap_free(name);
}

static void check_profile(const char *s)
{
	static const char *const known[] = {"default", "devel", "default+userns", "devel+userns"};
	bool want = false;
	char *text = NULL;
	int r = nsb_seccomp_profile_text(s, &text);

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(s, known[i]))
			want = true;
	CHECK((r == 0) == want, "profile \"%s\": %d", s, r);
	if (r == 0) {
		CHECK(text && !strncmp(text, "# nsbox seccomp profile ", 24) &&
		              !strncmp(text + 24, s, strlen(s)),
		      "profile \"%s\": unexpected text", s);
		free(text);
	} else {
		CHECK(r == -EINVAL || r == -ENOMEM, "profile \"%s\": %d", s, r);
		CHECK(!text, "profile \"%s\": text on error", s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (memchr(data, '\0', size))
		return -1;
	s = malloc(size + 1);
	if (!s)
		fail("out of memory");
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';

	check_fd(s);
	check_id(s);
	check_mode(s);
	check_size(s);
	check_bytes(s);
	check_rlimit(s);
	check_cap(s);
	check_profile(s);

	free(s);
	return 0;
}
