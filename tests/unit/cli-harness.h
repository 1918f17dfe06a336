/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the command-line unit tests share: a config parsed from a list of
 * words, the messages logged meanwhile, and the two checks every option
 * test is made of: "parses" and "fails with this errno and this message,
 * keeping nothing". Included once by each test program. */
#pragma once

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "nsb-config.h"

static struct nsb_config cfg;
static uid_t real_uid = 1000;
static gid_t real_gid = 1000;
static FILE *log_f;
static char *log_buf;
static size_t log_len;

/* argv handed to the parser; cfg points into it until the next parse. */
static char **argv_buf;

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

/* A fresh config (for real_uid/real_gid) and log. */
static inline void reset(void)
{
	nsb_config_free(&cfg);
	memset(&cfg, 0, sizeof(cfg));
	cfg.real_uid = real_uid;
	cfg.real_gid = real_gid;
	free(argv_buf);
	argv_buf = NULL;
	nsb_log_set_level_prefix(false);
	nsb_log_set_verbose(false);
	reset_log();
}

static inline void setup(void)
{
	real_uid = 1000;
	real_gid = 1000;
	nsb_log_init("nsbox");
	reset();
}

static inline void teardown(void)
{
	nsb_config_free(&cfg);
	free(argv_buf);
	argv_buf = NULL;
	nsb_log_set_stream(NULL);
	nsb_log_set_level_prefix(false);
	nsb_log_set_verbose(false);
	fclose(log_f);
	log_f = NULL;
	free(log_buf);
	log_buf = NULL;
}

/* Parse a NULL-terminated list (list[0] is the program name). */
static inline int parse_list(const char *const *list)
{
	int argc = 0;

	reset();
	while (list[argc])
		argc++;
	argv_buf = calloc((size_t)argc + 1, sizeof(char *));
	ck_assert_ptr_nonnull(argv_buf);
	memcpy(argv_buf, list, (size_t)argc * sizeof(char *));
	return nsb_cli_parse(&cfg, argc, argv_buf);
}

#define ARGV(...) ((const char *const[]){"nsbox", __VA_ARGS__, NULL})

/* The list parses; when want_log is not NULL, exactly that is logged. */
static inline void parse_ok_list(const char *const *list, const char *want_log)
{
	int r = parse_list(list);

	ck_assert_msg(r == NSB_CLI_RUN, "%s ...: got %d, log: %s", list[1], r, logged());
	ck_assert_ptr_nonnull(cfg.command);
	if (want_log)
		ck_assert_msg(strcmp(logged(), want_log) == 0, "%s ...: logged\n%s\nexpected\n%s",
		              list[1], logged(), want_log);
}

/* The parse fails with err, logs exactly msg and keeps nothing. */
static inline void expect_err_list(int err, const char *msg, const char *const *list)
{
	int r = parse_list(list);

	ck_assert_msg(r == err, "%s ...: got %d, expected %d; log: %s", list[1], r, err, logged());
	ck_assert_msg(strcmp(logged(), msg) == 0, "%s ...: logged\n%s\nexpected\n%s", list[1],
	              logged(), msg);
	ck_assert_ptr_null(cfg.command);
	ck_assert_ptr_null(cfg.ops);
	ck_assert_ptr_null(cfg.env);
	ck_assert_ptr_null(cfg.owned);
	ck_assert_ptr_null(cfg.lock_files);
	ck_assert_uint_eq(cfg.n_lock_files, 0);
	ck_assert_ptr_null(cfg.cap_ops);
	ck_assert_uint_eq(cfg.n_cap_ops, 0);
	ck_assert_ptr_null(cfg.rlimits);
	ck_assert_uint_eq(cfg.n_rlimits, 0);
	ck_assert_ptr_null(cfg.exec_label);
	ck_assert_ptr_null(cfg.file_label);
}

#define EXPECT_ERR(err, msg, ...) expect_err_list(err, msg, ARGV(__VA_ARGS__))

static inline void assert_str_or_null(const char *got, const char *want)
{
	if (!want)
		ck_assert_ptr_null(got);
	else
		ck_assert_str_eq(got, want);
}
