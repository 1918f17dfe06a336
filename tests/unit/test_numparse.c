/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The checked number parsers: valid/invalid pairs for each, and the promise
 * that *ret is left alone on error. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"

struct u64_case {
	const char *s;
	int r;
	uint64_t v;
};

/* Inputs that every parser must refuse as syntax errors. */
static const char *const junk[] = {
        "", " 1", "1 ", "+1", "-1", "-0", "1x", "x1", "\t2", "1\n", "0.5", "1e3", "\xd9\xa1",
};

START_TEST(test_fd)
{
	static const struct u64_case cases[] = {
	        {"0", 0, 0},
	        {"1", 0, 1},
	        {"007", 0, 7},
	        {"2147483647", 0, INT_MAX},
	        {"2147483648", -ERANGE, 0},
	        {"99999999999999999999999", -ERANGE, 0},
	        {"0x10", -EINVAL, 0},
	        {"3a", -EINVAL, 0},
	        {"99999999999999999999999x", -EINVAL, 0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int v = -42;
		int r = nsb_parse_fd(cases[i].s, &v);

		ck_assert_msg(r == cases[i].r, "'%s': got %d, expected %d", cases[i].s, r,
		              cases[i].r);
		if (r == 0)
			ck_assert_int_eq(v, (int)cases[i].v);
		else
			ck_assert_int_eq(v, -42);
	}
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		int v = -42;

		ck_assert_msg(nsb_parse_fd(junk[i], &v) == -EINVAL, "'%s' accepted", junk[i]);
		ck_assert_int_eq(v, -42);
	}
	ck_assert_int_eq(nsb_parse_fd(NULL, &(int){0}), -EINVAL);
}
END_TEST

START_TEST(test_id)
{
	static const struct u64_case cases[] = {
	        {"0", 0, 0},
	        {"1000", 0, 1000},
	        {"65534", 0, 65534},
	        {"2147483648", 0, 2147483648u}, /* past INT_MAX: bubblewrap's bug */
	        {"4294967294", 0, 4294967294u},
	        {"4294967295", -ERANGE, 0}, /* (uid_t)-1 */
	        {"4294967296", -ERANGE, 0},
	        {"18446744073709551616", -ERANGE, 0},
	        {"0x10", -EINVAL, 0},
	        {"12ab", -EINVAL, 0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t v = 42;
		int r = nsb_parse_id(cases[i].s, &v);

		ck_assert_msg(r == cases[i].r, "'%s': got %d, expected %d", cases[i].s, r,
		              cases[i].r);
		if (r == 0)
			ck_assert_uint_eq(v, cases[i].v);
		else
			ck_assert_uint_eq(v, 42);
	}
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		uint32_t v = 42;

		ck_assert_msg(nsb_parse_id(junk[i], &v) == -EINVAL, "'%s' accepted", junk[i]);
		ck_assert_uint_eq(v, 42);
	}
}
END_TEST

START_TEST(test_mode)
{
	static const struct u64_case cases[] = {
	        {"0", 0, 0},
	        {"755", 0, 0755},
	        {"0755", 0, 0755},
	        {"00000644", 0, 0644},
	        {"1777", 0, 01777},
	        {"7777", 0, 07777},
	        {"07777", 0, 07777},
	        {"10000", -ERANGE, 0},
	        {"777777777777777777777777", -ERANGE, 0},
	        {"0999", -EINVAL, 0},
	        {"8", -EINVAL, 0},
	        {"0o755", -EINVAL, 0},
	        {"0x1ff", -EINVAL, 0},
	        {"rwx", -EINVAL, 0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned v = 42;
		int r = nsb_parse_mode(cases[i].s, &v);

		ck_assert_msg(r == cases[i].r, "'%s': got %d, expected %d", cases[i].s, r,
		              cases[i].r);
		if (r == 0)
			ck_assert_uint_eq(v, cases[i].v);
		else
			ck_assert_uint_eq(v, 42);
	}
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		unsigned v = 42;

		ck_assert_msg(nsb_parse_mode(junk[i], &v) == -EINVAL, "'%s' accepted", junk[i]);
		ck_assert_uint_eq(v, 42);
	}
}
END_TEST

START_TEST(test_size)
{
	char max[32], over[32];
	const struct u64_case cases[] = {
	        {"1", 0, 1},
	        {"4096", 0, 4096},
	        {"0x10", 0, 16},
	        {"0XfF", 0, 255},
	        {"010", 0, 8},
	        {"0777", 0, 0777},
	        {max, 0, SIZE_MAX / 2},
	        {over, -ERANGE, 0},
	        {"0", -ERANGE, 0},
	        {"00", -ERANGE, 0},
	        {"0x0", -ERANGE, 0},
	        {"0x", -EINVAL, 0},
	        {"0x-1", -EINVAL, 0},
	        {"08", -EINVAL, 0},
	        {"0xg", -EINVAL, 0},
	        {"00x10", -EINVAL, 0},
	        {"0x8000000000000000", -ERANGE, 0},
	        {"99999999999999999999999", -ERANGE, 0},
	        /* Units (see test_bytes for the grammar). */
	        {"1k", 0, 1024},
	        {"64M", 0, 64 << 20},
	        {"64Mi", 0, 64 << 20},
	        {"64MiB", 0, 64 << 20},
	        {"512KiB", 0, 512 << 10},
	        {"1G", 0, 1 << 30},
	        {"4096B", 0, 4096},
	        {"7E", 0, UINT64_C(7) << 60},
	        {"7EiB", 0, UINT64_C(7) << 60},
	        {"8E", -ERANGE, 0},
	        {"8191P", 0, UINT64_C(8191) << 50},
	        {"8192P", -ERANGE, 0},
	        {"0K", -ERANGE, 0},
	        {"0B", -ERANGE, 0},
	        {"64MB", -EDOM, 0},
	        {"1kB", -EDOM, 0},
	        {"99999999999999999999999GB", -EDOM, 0},
	        /* Hexadecimal and octal numbers are plain byte counts: B and E
	         * are hex digits, so "0x1B" could not mean anything else. */
	        {"0x1B", 0, 0x1b},
	        {"0x1E", 0, 0x1e},
	        {"0x10M", -EINVAL, 0},
	        {"0x10KiB", -EINVAL, 0},
	        {"010M", -EINVAL, 0},
	        {"00K", -EINVAL, 0},
	        {"1.5G", -EINVAL, 0},
	        {"1 M", -EINVAL, 0},
	        {"-1M", -EINVAL, 0},
	        {"M", -EINVAL, 0},
	};
	size_t i;

	snprintf(max, sizeof(max), "%zu", SIZE_MAX / 2);
	snprintf(over, sizeof(over), "%zu", SIZE_MAX / 2 + 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 42;
		int r = nsb_parse_size(cases[i].s, &v);

		ck_assert_msg(r == cases[i].r, "'%s': got %d, expected %d", cases[i].s, r,
		              cases[i].r);
		if (r == 0)
			ck_assert_uint_eq(v, cases[i].v);
		else
			ck_assert_uint_eq(v, 42);
	}
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		uint64_t v = 42;

		ck_assert_msg(nsb_parse_size(junk[i], &v) == -EINVAL, "'%s' accepted", junk[i]);
		ck_assert_uint_eq(v, 42);
	}
}
END_TEST

START_TEST(test_bytes)
{
	static const struct u64_case cases[] = {
	        {"0", 0, 0},
	        {"1", 0, 1},
	        {"010", 0, 10}, /* decimal without NSB_BYTES_C_BASES */
	        {"1b", 0, 1},
	        {"1B", 0, 1},
	        {"1k", 0, 1024},
	        {"1K", 0, 1024},
	        {"1ki", 0, 1024},
	        {"1KI", 0, 1024},
	        {"1kib", 0, 1024},
	        {"1KiB", 0, 1024},
	        {"1KIB", 0, 1024},
	        {"3m", 0, UINT64_C(3) << 20},
	        {"3g", 0, UINT64_C(3) << 30},
	        {"3T", 0, UINT64_C(3) << 40},
	        {"3p", 0, UINT64_C(3) << 50},
	        {"3e", 0, UINT64_C(3) << 60},
	        {"0E", 0, 0},
	        {"15E", 0, UINT64_C(15) << 60},
	        {"16E", -ERANGE, 0},
	        {"16383P", 0, UINT64_C(16383) << 50},
	        {"16384P", -ERANGE, 0},
	        {"18446744073709551615", 0, UINT64_MAX},
	        {"18446744073709551615B", 0, UINT64_MAX},
	        {"18446744073709551616", -ERANGE, 0},
	        {"18014398509481983K", 0, UINT64_C(18014398509481983) << 10},
	        {"18014398509481984K", -ERANGE, 0},
	        /* Units that often mean powers of 1000, or bits. */
	        {"1KB", -EDOM, 0},
	        {"1kb", -EDOM, 0},
	        {"1Mb", -EDOM, 0},
	        {"1GB", -EDOM, 0},
	        {"1TB", -EDOM, 0},
	        {"1PB", -EDOM, 0},
	        {"1EB", -EDOM, 0},
	        /* Anything else. */
	        {"1BB", -EINVAL, 0},
	        {"1iB", -EINVAL, 0},
	        {"1i", -EINVAL, 0},
	        {"1KiBB", -EINVAL, 0},
	        {"1KiB ", -EINVAL, 0},
	        {"1Kib2", -EINVAL, 0},
	        {"1KK", -EINVAL, 0},
	        {"1Ki B", -EINVAL, 0},
	        {"1 K", -EINVAL, 0},
	        {"1Kx", -EINVAL, 0},
	        {"1Z", -EINVAL, 0},
	        {"1Y", -EINVAL, 0},
	        {"1.5K", -EINVAL, 0},
	        {"1,5K", -EINVAL, 0},
	        {"0x10", -EINVAL, 0},
	        {"1e3", -EINVAL, 0},
	        {"K", -EINVAL, 0},
	        {"KiB", -EINVAL, 0},
	        {"-1K", -EINVAL, 0},
	        {"+1K", -EINVAL, 0},
	        {"99999999999999999999999Kx", -EINVAL, 0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 42;
		int r = nsb_parse_bytes(cases[i].s, strlen(cases[i].s), 0, UINT64_MAX, &v);

		ck_assert_msg(r == cases[i].r, "'%s': got %d, expected %d", cases[i].s, r,
		              cases[i].r);
		if (r == 0)
			ck_assert_uint_eq(v, cases[i].v);
		else
			ck_assert_uint_eq(v, 42);
	}
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		uint64_t v = 42;

		ck_assert_msg(nsb_parse_bytes(junk[i], strlen(junk[i]), 0, UINT64_MAX, &v) ==
		                      -EINVAL,
		              "'%s' accepted", junk[i]);
		ck_assert_uint_eq(v, 42);
	}
}
END_TEST

/* The length bounds the input, the maximum applies after the unit, and the
 * number forms follow the flag. */
START_TEST(test_bytes_len_max_flags)
{
	uint64_t v = 42;

	ck_assert_int_eq(nsb_parse_bytes("64M:128M", 3, 0, UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, 64 << 20);
	ck_assert_int_eq(nsb_parse_bytes("64M:128M", 4, 0, UINT64_MAX, &v), -EINVAL);
	ck_assert_int_eq(nsb_parse_bytes("12", 1, 0, UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(nsb_parse_bytes("1", 0, 0, UINT64_MAX, &v), -EINVAL);
	ck_assert_int_eq(nsb_parse_bytes(NULL, 0, 0, UINT64_MAX, &v), -EINVAL);

	v = 42;
	ck_assert_int_eq(nsb_parse_bytes("1K", 2, 0, 1023, &v), -ERANGE);
	ck_assert_int_eq(nsb_parse_bytes("1024", 4, 0, 1023, &v), -ERANGE);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(nsb_parse_bytes("1K", 2, 0, 1024, &v), 0);
	ck_assert_uint_eq(v, 1024);
	ck_assert_int_eq(nsb_parse_bytes("3K", 2, 0, 3 * 1024 + 1023, &v), 0);
	ck_assert_int_eq(nsb_parse_bytes("4K", 2, 0, 3 * 1024 + 1023, &v), -ERANGE);

	ck_assert_int_eq(nsb_parse_bytes("0x1f", 4, NSB_BYTES_C_BASES, UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, 31);
	ck_assert_int_eq(nsb_parse_bytes("017", 3, NSB_BYTES_C_BASES, UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, 15);
	ck_assert_int_eq(nsb_parse_bytes("017", 3, 0, UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, 17);
	ck_assert_int_eq(nsb_parse_bytes("0x1f", 4, 0, UINT64_MAX, &v), -EINVAL);
	ck_assert_int_eq(
	        nsb_parse_bytes("0xffffffffffffffff", 18, NSB_BYTES_C_BASES, UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(
	        nsb_parse_bytes("0x10000000000000000", 19, NSB_BYTES_C_BASES, UINT64_MAX, &v),
	        -ERANGE);
	/* "0" then a unit is a decimal zero, not an octal prefix. */
	ck_assert_int_eq(nsb_parse_bytes("0K", 2, NSB_BYTES_C_BASES, UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, 0);
}
END_TEST

static Suite *numparse_suite(void)
{
	Suite *s = suite_create("numparse");
	TCase *tc = tcase_create("parsers");

	tcase_add_test(tc, test_fd);
	tcase_add_test(tc, test_id);
	tcase_add_test(tc, test_mode);
	tcase_add_test(tc, test_size);
	tcase_add_test(tc, test_bytes);
	tcase_add_test(tc, test_bytes_len_max_flags);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(numparse_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
