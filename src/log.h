/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Diagnostics: "<prog>: message" on stderr, optional syslog level prefix. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

enum {
	NSB_LOG_ERR = 3,
	NSB_LOG_WARNING = 4,
	NSB_LOG_INFO = 6,
	NSB_LOG_DEBUG = 7,
};

/* The program name used in messages: the basename of argv[0]. */
void nsb_log_init(const char *argv0);
const char *nsb_log_prog(void);
/* --level-prefix: prefix every later message with "<N>". */
void nsb_log_set_level_prefix(bool on);
/* Redirect messages (unit tests); NULL restores stderr. */
void nsb_log_set_stream(FILE *f);
/* In a sandbox process: send error-level messages to the monitor over the
 * channel fd (sync.h) instead of printing them, so that each is printed
 * once, by the monitor; -1 prints them again. Warnings and debug messages
 * are always printed where they happen. */
void nsb_log_set_forward(int fd);
/* Drop messages above level (default: none dropped). */
void nsb_log_set_max_level(int level);
int nsb_log_get_max_level(void);
/* Also hand every message (without the "<prog>: " prefix, with the
 * strerror part) to fn, e.g. nsbox-oci's --log file; NULL removes it. */
void nsb_log_set_sink(void (*fn)(int level, const char *msg, void *data), void *data);

void nsb_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Log "msg: strerror(err)" at error level and return -|err|. */
int nsb_log_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --verbose: debug messages are printed. */
void nsb_log_set_verbose(bool on);
bool nsb_log_verbose(void);

#define nsb_err(...) nsb_log(NSB_LOG_ERR, __VA_ARGS__)
/* A setup step, for --verbose. */
#define nsb_debug(...)                                       \
	do {                                                 \
		if (nsb_log_verbose())                       \
			nsb_log(NSB_LOG_DEBUG, __VA_ARGS__); \
	} while (0)
#define nsb_warn(...) nsb_log(NSB_LOG_WARNING, __VA_ARGS__)

/* Only for code between clone and exec: log and _exit(1). */
_Noreturn void nsb_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void nsb_die_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
