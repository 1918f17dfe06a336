/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the nsbox-oci unit tests share: messages captured from log.h, a
 * scratch directory, and text helpers. Included once by each program. */
#pragma once

#include <check.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static FILE *log_f;
static char *log_buf;
static char *tmp_strings[256];
static size_t n_tmp_strings;
static size_t log_len;
static char scratch[256];

static inline void reset_log(void)
{
	if (log_f)
		fclose(log_f);
	free(log_buf);
	log_buf = NULL;
	log_len = 0;
	log_f = open_memstream(&log_buf, &log_len);
	ck_assert_ptr_nonnull(log_f);
	nsb_log_set_stream(log_f);
}

static inline const char *logged(void)
{
	fflush(log_f);
	return log_buf ? log_buf : "";
}

static inline void oci_setup(void)
{
	nsb_log_init("nsbox-oci");
	nsb_log_set_verbose(false);
	reset_log();
	snprintf(scratch, sizeof(scratch), "%s/nsb-oci-test.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(scratch));
}

static inline void oci_teardown(void)
{
	char cmd[512];

	nsb_log_set_stream(NULL);
	fclose(log_f);
	log_f = NULL;
	free(log_buf);
	log_buf = NULL;
	for (size_t i = 0; i < n_tmp_strings; i++)
		free(tmp_strings[i]);
	n_tmp_strings = 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", scratch);
}

/* A malloc'ed printf. */
static inline char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static inline char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	ck_assert_int_ge(vasprintf(&s, f, ap), 0);
	va_end(ap);
	return s;
}

/* fmt() whose result is freed at teardown: for strings used in place. */
static inline char *tfmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static inline char *tfmt(const char *f, ...)
{
	va_list ap;
	char *s;

	ck_assert_uint_lt(n_tmp_strings, sizeof(tmp_strings) / sizeof(tmp_strings[0]));
	va_start(ap, f);
	ck_assert_int_ge(vasprintf(&s, f, ap), 0);
	va_end(ap);
	tmp_strings[n_tmp_strings++] = s;
	return s;
}

/* Write text to scratch/name; returns the path (malloc'ed). */
static inline char *write_scratch(const char *name, const char *text, mode_t mode)
{
	char *path = fmt("%s/%s", scratch, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

#define RUN_SUITE(fn)                                             \
	int main(void)                                            \
	{                                                         \
		SRunner *sr = srunner_create(fn());               \
		int failed;                                       \
		srunner_run_all(sr, CK_NORMAL);                   \
		failed = srunner_ntests_failed(sr);               \
		srunner_free(sr);                                 \
		return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE; \
	}
