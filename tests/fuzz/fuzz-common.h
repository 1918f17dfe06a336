/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the libFuzzer harnesses share: a broken contract aborts with
 * "<FUZZ_NAME>: contract violated: ..." (fail(), CHECK()), and nsbox's log
 * goes to a stream that either drops the messages or counts them and keeps
 * the first (log.c writes each message with one fprintf and an fflush; the
 * stream's buffer is larger than any message, so each arrives as one
 * write). Define FUZZ_NAME before including this file. */
#pragma once

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#include "log.h"

#ifndef FUZZ_NAME
#error "define FUZZ_NAME before including fuzz-common.h"
#endif

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, FUZZ_NAME ": contract violated: ");
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

/* The messages logged since the counter was last reset, the first and the
 * last of them. */
static int messages;
static char first_message[512], last_message[512];

static ssize_t fuzz_log_write(void *cookie, const char *buf, size_t size)
{
	if (messages++ == 0)
		snprintf(first_message, sizeof(first_message), "%.*s", (int)size, buf);
	snprintf(last_message, sizeof(last_message), "%.*s", (int)size, buf);
	return (ssize_t)size;
}

/* Point nsbox's log, with prog as the program's name, at a counting stream
 * (counting) or at /dev/null. */
static inline void fuzz_log_setup(const char *prog, int counting)
{
	static char log_buf[1 << 16];
	cookie_io_functions_t io = {.write = fuzz_log_write};
	FILE *f = counting ? fopencookie(NULL, "w", io) : fopen("/dev/null", "we");

	if (!f || (counting && setvbuf(f, log_buf, _IOFBF, sizeof(log_buf)) != 0)) {
		fprintf(stderr, FUZZ_NAME ": cannot set up the log stream\n");
		exit(1);
	}
	nsb_log_init(prog);
	nsb_log_set_stream(f);
}
