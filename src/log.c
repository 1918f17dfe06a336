/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sync.h"

/* Logging state is process-wide on purpose: every step logs through it and
 * --level-prefix changes it as soon as it is parsed. */
static const char *log_prog = "nsbox";
static bool log_level_prefix;
static bool log_verbose;
static FILE *log_stream;
/* In the sandbox's processes: errors go to the monitor over the channel. */
static int log_forward_fd = -1;
static int log_max_level = NSB_LOG_DEBUG;
static void (*log_sink)(int level, const char *msg, void *data);
static void *log_sink_data;

void nsb_log_init(const char *argv0)
{
	const char *slash;

	if (!argv0 || !*argv0)
		return;
	slash = strrchr(argv0, '/');
	log_prog = slash && slash[1] ? slash + 1 : argv0;
}

const char *nsb_log_prog(void)
{
	return log_prog;
}

void nsb_log_set_level_prefix(bool on)
{
	log_level_prefix = on;
}

void nsb_log_set_verbose(bool on)
{
	log_verbose = on;
}

bool nsb_log_verbose(void)
{
	return log_verbose;
}

void nsb_log_set_stream(FILE *f)
{
	log_stream = f;
}

void nsb_log_set_forward(int fd)
{
	log_forward_fd = fd;
}

void nsb_log_set_max_level(int level)
{
	log_max_level = level;
}

int nsb_log_get_max_level(void)
{
	return log_max_level;
}

void nsb_log_set_sink(void (*fn)(int level, const char *msg, void *data), void *data)
{
	log_sink = fn;
	log_sink_data = data;
}

static void log_va(int level, int err, const char *fmt, va_list ap)
{
	FILE *out = log_stream ? log_stream : stderr;
	char msg[4096];
	int n;

	if (level > log_max_level)
		return;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		return;
	if (level == NSB_LOG_ERR && log_forward_fd >= 0) {
		char text[sizeof(msg) + 128];

		/* Long messages are cut to what one channel message holds. */
		snprintf(text, sizeof(text), "%s%s%s", msg, err ? ": " : "",
		         err ? strerror(err) : "");
		/* If the monitor is gone, say it here rather than not at all. */
		if (nsb_sync_send(log_forward_fd, NSB_SYNC_ERROR, err, text) == 0)
			return;
	}
	if (log_sink) {
		char full[4096 + 256];

		snprintf(full, sizeof(full), "%s%s%s", msg, err ? ": " : "",
		         err ? strerror(err) : "");
		log_sink(level, full, log_sink_data);
	}
	/* One write per message, so lines from the monitor and the sandbox
	 * processes do not interleave. */
	if (log_level_prefix)
		fprintf(out, "<%d>%s: %s%s%s\n", level, log_prog, msg, err ? ": " : "",
		        err ? strerror(err) : "");
	else
		fprintf(out, "%s: %s%s%s\n", log_prog, msg, err ? ": " : "",
		        err ? strerror(err) : "");
	fflush(out);
}

void nsb_log(int level, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_va(level, 0, fmt, ap);
	va_end(ap);
	errno = saved;
}

int nsb_log_errno(int err, const char *fmt, ...)
{
	va_list ap;

	if (err < 0)
		err = -err;
	va_start(ap, fmt);
	log_va(NSB_LOG_ERR, err, fmt, ap);
	va_end(ap);
	return -err;
}

void nsb_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_va(NSB_LOG_ERR, 0, fmt, ap);
	va_end(ap);
	_exit(1);
}

void nsb_die_errno(int err, const char *fmt, ...)
{
	va_list ap;

	if (err < 0)
		err = -err;
	va_start(ap, fmt);
	log_va(NSB_LOG_ERR, err, fmt, ap);
	va_end(ap);
	_exit(1);
}
