/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The checked number parsers: valid/invalid pairs for each, and the promise
 * that *ret is left alone on error. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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
	        {"1k", -EINVAL, 0},
	        {"1M", -EINVAL, 0},
	        {"0x8000000000000000", -ERANGE, 0},
	        {"99999999999999999999999", -ERANGE, 0},
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

static Suite *numparse_suite(void)
{
	Suite *s = suite_create("numparse");
	TCase *tc = tcase_create("parsers");

	tcase_add_test(tc, test_fd);
	tcase_add_test(tc, test_id);
	tcase_add_test(tc, test_mode);
	tcase_add_test(tc, test_size);
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
