/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness for the option-value parsers: numparse.h (fd, id, mode,
 * size), nsb_rlimit_parse(), nsb_caps_from_name() and the --seccomp-profile
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

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_numbers: contract violated: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

#define CHECK(cond, ...)                   \
	do {                               \
		if (!(cond))               \
			fail(__VA_ARGS__); \
	} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *null_out = fopen("/dev/null", "we");

	if (!null_out) {
		fprintf(stderr, "fuzz_numbers: cannot open /dev/null\n");
		exit(1);
	}
	nsb_log_set_stream(null_out);
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

/* --size: strtoull(s, NULL, 0) is the oracle once the string starts with a
 * digit (no blanks or sign); "0b" is refused as newer C libraries would
 * read binary there. The value must be 1..SIZE_MAX/2. */
static void check_size(const char *s)
{
	uint64_t got = 77;
	unsigned long long want = 0;
	int r = nsb_parse_size(s, &got);
	bool ok = false;
	char *end = NULL;

	if (s[0] >= '0' && s[0] <= '9' && !(s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))) {
		errno = 0;
		want = strtoull(s, &end, 0);
		ok = errno == 0 && *end == '\0' && want >= 1 && want <= SIZE_MAX / 2;
	}
	CHECK((r == 0) == ok, "nsb_parse_size(\"%s\") = %d, strtoull says %s", s, r,
	      ok ? "valid" : "invalid");
	if (r == 0)
		CHECK(got == want, "nsb_parse_size(\"%s\") -> %" PRIu64 ", expected %llu", s, got,
		      want);
	else
		CHECK(r == -EINVAL || r == -ERANGE, "nsb_parse_size(\"%s\") = %d", s, r);
	if (r != 0)
		CHECK(got == 77, "nsb_parse_size(\"%s\") wrote *ret on error", s);
}

static void check_rlimit(const char *s)
{
	struct nsb_rlimit l = {.resource = -5};
	const char *bad = (const char *)&l;
	size_t len = strlen(s);
	int r = nsb_rlimit_parse(s, &l, &bad);

	if (r == 0) {
		const char *name = nsb_rlimit_name(l.resource);
		const char *eq = strchr(s, '=');

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
	} else {
		CHECK(r == -EINVAL || r == -ERANGE, "rlimit \"%s\": %d", s, r);
		/* The caller prints the string at *ret_bad. */
		CHECK(bad >= s && bad <= s + len, "rlimit \"%s\": *ret_bad outside the string", s);
		CHECK(l.resource == -5, "rlimit \"%s\": *ret written on error", s);
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
	check_rlimit(s);
	check_cap(s);
	check_profile(s);

	free(s);
	return 0;
}
