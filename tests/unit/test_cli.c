/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The bubblewrap-compatible command line (see man/nsbox.1), option by
 * option: a valid case asserting the resulting config, and the invalid
 * cases with the exact message. Run with CK_FORK=no under valgrind to check for leaks. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "nsb-config.h"

#include "cli-harness.h"

#define PARSE(...) parse_list(ARGV(__VA_ARGS__))
#define PARSE_OK(...) parse_ok_list(ARGV(__VA_ARGS__), NULL)

struct op_want {
	enum nsb_op_kind kind;
	unsigned flags;
	const char *opt;
	int argpos;
	const char *src, *dest;
	int fd, perms;
	uint64_t size;
};

static void assert_op(size_t i, struct op_want w)
{
	const struct nsb_op *op;

	ck_assert_uint_gt(cfg.n_ops, i);
	op = &cfg.ops[i];
	ck_assert_int_eq(op->kind, w.kind);
	ck_assert_uint_eq(op->flags, w.flags);
	ck_assert_str_eq(op->opt, w.opt);
	ck_assert_int_eq(op->argpos, w.argpos);
	assert_str_or_null(op->src, w.src);
	ck_assert_str_eq(op->dest, w.dest);
	ck_assert_int_eq(op->fd, w.fd);
	ck_assert_int_eq(op->perms, w.perms);
	ck_assert_uint_eq(op->size, w.size);
}

/* The bool settings as a bit set, to assert that exactly the expected ones
 * are on. */
enum {
	F_USER = 1 << 0,
	F_USER_TRY = 1 << 1,
	F_IPC = 1 << 2,
	F_PID = 1 << 3,
	F_NET = 1 << 4,
	F_UTS = 1 << 5,
	F_CGROUP = 1 << 6,
	F_CGROUP_TRY = 1 << 7,
	F_NEW_SESSION = 1 << 8,
	F_DIE = 1 << 9,
	F_PID1 = 1 << 10,
	F_VERBOSE = 1 << 11,
	F_UID = 1 << 12,
	F_GID = 1 << 13,
};

static unsigned config_flags(void)
{
	const bool on[] = {
	        cfg.unshare_user, cfg.unshare_user_try, cfg.unshare_ipc,    cfg.unshare_pid,
	        cfg.unshare_net,  cfg.unshare_uts,      cfg.unshare_cgroup, cfg.unshare_cgroup_try,
	        cfg.new_session,  cfg.die_with_parent,  cfg.as_pid_1,       cfg.verbose,
	        cfg.uid_given,    cfg.gid_given,
	};
	unsigned i, f = 0;

	for (i = 0; i < sizeof(on) / sizeof(on[0]); i++)
		if (on[i])
			f |= 1u << i;
	return f;
}

/* ---- general ------------------------------------------------------------ */

START_TEST(test_command_only)
{
	PARSE_OK("true");
	ck_assert_ptr_eq(cfg.command, argv_buf + 1);
	ck_assert_str_eq(cfg.command[0], "true");
	ck_assert_ptr_null(cfg.command[1]);
	ck_assert_uint_eq(config_flags(), 0);
	ck_assert_uint_eq(cfg.n_ops, 0);
	ck_assert_uint_eq(cfg.n_env, 0);
	ck_assert_uint_eq(cfg.n_owned, 0);
	ck_assert_ptr_null(cfg.hostname);
	ck_assert_ptr_null(cfg.chdir_path);
	ck_assert_ptr_null(cfg.argv0);
	ck_assert_uint_eq(cfg.sandbox_uid, 1000);
	ck_assert_uint_eq(cfg.sandbox_gid, 1000);
	ck_assert_str_eq(logged(), "");
}
END_TEST

START_TEST(test_command_stops_parsing)
{
	PARSE_OK("--unshare-ipc", "ls", "-l", "--bind", "--bogus");
	ck_assert_ptr_eq(cfg.command, argv_buf + 2);
	ck_assert_str_eq(cfg.command[0], "ls");
	ck_assert_str_eq(cfg.command[1], "-l");
	ck_assert_str_eq(cfg.command[2], "--bind");
	ck_assert_str_eq(cfg.command[3], "--bogus");
	ck_assert_ptr_null(cfg.command[4]);
	ck_assert_uint_eq(config_flags(), F_IPC);
	ck_assert_uint_eq(cfg.n_ops, 0);

	/* An argument that looks like an option is still an argument. */
	PARSE_OK("--setenv", "X", "--unshare-pid", "sh");
	ck_assert_uint_eq(config_flags(), 0);
	ck_assert_str_eq(cfg.env[0].value, "--unshare-pid");
	ck_assert_str_eq(cfg.command[0], "sh");
}
END_TEST

START_TEST(test_double_dash)
{
	PARSE_OK("--", "-weird");
	ck_assert_ptr_eq(cfg.command, argv_buf + 2);
	ck_assert_str_eq(cfg.command[0], "-weird");

	PARSE_OK("--unshare-pid", "--", "--help", "x");
	ck_assert_uint_eq(config_flags(), F_PID);
	ck_assert_str_eq(cfg.command[0], "--help");
	ck_assert_str_eq(cfg.command[1], "x");
	ck_assert_ptr_null(cfg.command[2]);

	PARSE_OK("--", "--");
	ck_assert_str_eq(cfg.command[0], "--");
}
END_TEST

START_TEST(test_help_version)
{
	ck_assert_int_eq(PARSE("--help"), NSB_CLI_HELP);
	ck_assert_int_eq(PARSE("--help", "true"), NSB_CLI_HELP);
	/* Returned as soon as seen: what follows is not looked at. */
	ck_assert_int_eq(PARSE("--unshare-pid", "--help", "--bogus"), NSB_CLI_HELP);
	ck_assert_str_eq(logged(), "");
	ck_assert_int_eq(PARSE("--version"), NSB_CLI_VERSION);
	ck_assert_int_eq(PARSE("--version", "--help"), NSB_CLI_VERSION);
	ck_assert_int_eq(PARSE("--help", "--version"), NSB_CLI_HELP);
	ck_assert_str_eq(logged(), "");
	/* An error before it wins. */
	EXPECT_ERR(-EINVAL, "nsbox: Unknown option --bogus (argument 1)\n", "--bogus", "--help");
}
END_TEST

/* Run the parser with fd 2 sent to a file; returns what was written there. */
static char *parse_capturing_stderr(int argc, char **argv, int *ret)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	char *out;
	long n;

	ck_assert_ptr_nonnull(tmp);
	ck_assert_int_ge(saved, 0);
	fflush(stderr);
	ck_assert_int_eq(dup2(fileno(tmp), 2), 2);
	*ret = nsb_cli_parse(&cfg, argc, argv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = lseek(fileno(tmp), 0, SEEK_END);
	out = calloc((size_t)n + 1, 1);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(pread(fileno(tmp), out, (size_t)n, 0), n);
	fclose(tmp);
	return out;
}

static const char usage_line[] = "usage: nsbox [OPTIONS...] [--] COMMAND [ARGS...]\n\n";

START_TEST(test_no_arguments)
{
	char *args[] = {(char *)"nsbox", NULL};
	char *out;
	int r;

	reset();
	out = parse_capturing_stderr(1, args, &r);
	ck_assert_int_eq(r, -EDOM);
	ck_assert_msg(strncmp(out, usage_line, strlen(usage_line)) == 0, "stderr: %s", out);
	ck_assert_ptr_nonnull(strstr(out, "--ro-bind SRC DEST"));
	free(out);

	reset();
	out = parse_capturing_stderr(0, args + 1, &r);
	ck_assert_int_eq(r, -EDOM);
	ck_assert_msg(strncmp(out, usage_line, strlen(usage_line)) == 0, "stderr: %s", out);
	free(out);
}
END_TEST

START_TEST(test_missing_command)
{
	static const char *const cases[][4] = {
	        {"nsbox", "--unshare-pid", NULL},
	        {"nsbox", "--", NULL},
	        {"nsbox", "--bind", "/a", "/b"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[5] = {0};
		int argc = 0, r;
		char *out;

		while (argc < 4 && cases[i][argc]) {
			argv[argc] = (char *)cases[i][argc];
			argc++;
		}
		reset();
		out = parse_capturing_stderr(argc, argv, &r);
		ck_assert_int_eq(r, -EDOM);
		ck_assert_msg(strncmp(out, usage_line, strlen(usage_line)) == 0, "stderr: %s", out);
		ck_assert_ptr_null(cfg.ops);
		free(out);
	}
}
END_TEST

START_TEST(test_unknown_option)
{
	EXPECT_ERR(-EINVAL, "nsbox: Unknown option --bogus (argument 1)\n", "--bogus", "true");
	EXPECT_ERR(-EINVAL, "nsbox: Unknown option -x (argument 2)\n", "--unshare-pid", "-x",
	           "true");
	EXPECT_ERR(-EINVAL, "nsbox: Unknown option - (argument 1)\n", "-", "true");
	/* No --opt=value, abbreviations, short options or case folding. */
	EXPECT_ERR(-EINVAL, "nsbox: Unknown option --chdir=/ (argument 1)\n", "--chdir=/", "true");
	EXPECT_ERR(-EINVAL, "nsbox: Unknown option --unshare-p (argument 1)\n", "--unshare-p",
	           "true");
	EXPECT_ERR(-EINVAL, "nsbox: Unknown option --BIND (argument 1)\n", "--BIND", "a", "b",
	           "true");
	EXPECT_ERR(-EINVAL, "nsbox: Unknown option -h (argument 1)\n", "-h");
	/* What was parsed before is released. */
	EXPECT_ERR(-EINVAL, "nsbox: Unknown option --nope (argument 7)\n", "--bind", "/a", "/b",
	           "--setenv", "A", "b", "--nope", "true");
}
END_TEST

START_TEST(test_argv0)
{
	PARSE_OK("--argv0", "fake", "true");
	ck_assert_str_eq(cfg.argv0, "fake");
	ck_assert_str_eq(cfg.command[0], "true");
	PARSE_OK("--argv0", "", "true");
	ck_assert_str_eq(cfg.argv0, "");
	PARSE_OK("--argv0", "-dash", "true");
	ck_assert_str_eq(cfg.argv0, "-dash");

	EXPECT_ERR(-EINVAL, "nsbox: --argv0 used multiple times (argument 3)\n", "--argv0", "a",
	           "--argv0", "b", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --argv0 takes one argument (--argv0 VALUE, argument 1: got 0)\n",
	           "--argv0");
}
END_TEST

START_TEST(test_level_prefix)
{
	PARSE_OK("--chdir", "/a", "--chdir", "/b", "--level-prefix", "--chdir", "/c", "true");
	ck_assert_uint_eq(config_flags(), 0);
	ck_assert_str_eq(cfg.chdir_path, "/c");
	/* Only messages after it carry the prefix. */
	ck_assert_str_eq(logged(),
	                 "nsbox: Only the last --chdir option will take effect\n<4>nsbox: Only the "
	                 "last --chdir option will take effect\n");

	EXPECT_ERR(-EINVAL, "<3>nsbox: Unknown option --bogus (argument 2)\n", "--level-prefix",
	           "--bogus");
}
END_TEST

/* ---- namespaces and identity -------------------------------------------- */

START_TEST(test_flag_options)
{
	static const struct {
		const char *opt;
		unsigned flags;
	} cases[] = {
	        {"--unshare-user", F_USER},
	        {"--unshare-user-try", F_USER_TRY},
	        {"--unshare-ipc", F_IPC},
	        {"--unshare-pid", F_PID},
	        {"--unshare-net", F_NET},
	        {"--unshare-uts", F_UTS},
	        {"--unshare-cgroup", F_CGROUP},
	        {"--unshare-cgroup-try", F_CGROUP_TRY},
	        {"--unshare-all", F_USER_TRY | F_IPC | F_PID | F_NET | F_UTS | F_CGROUP_TRY},
	        {"--new-session", F_NEW_SESSION},
	        {"--die-with-parent", F_DIE},
	        {"--level-prefix", 0},
	        {"--verbose", F_VERBOSE},
	        {"--share-net", 0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_ok_list(ARGV(cases[i].opt, "true"), NULL);
		ck_assert_msg(config_flags() == cases[i].flags, "%s: flags %#x, expected %#x",
		              cases[i].opt, config_flags(), cases[i].flags);
		/* Repeating is harmless and silent. */
		parse_ok_list(ARGV(cases[i].opt, cases[i].opt, "true"), NULL);
		ck_assert_uint_eq(config_flags(), cases[i].flags);
		ck_assert_str_eq(logged(), "");
	}
}
END_TEST

START_TEST(test_share_net)
{
	const unsigned all_but_net = F_USER_TRY | F_IPC | F_PID | F_UTS | F_CGROUP_TRY;

	/* Wherever it appears. */
	PARSE_OK("--share-net", "--unshare-all", "true");
	ck_assert_uint_eq(config_flags(), all_but_net);
	PARSE_OK("--unshare-all", "--share-net", "true");
	ck_assert_uint_eq(config_flags(), all_but_net);
	PARSE_OK("--share-net", "--unshare-net", "true");
	ck_assert_uint_eq(config_flags(), 0);
	PARSE_OK("--unshare-net", "--unshare-pid", "--share-net", "true");
	ck_assert_uint_eq(config_flags(), F_PID);
}
END_TEST

START_TEST(test_uid_gid)
{
	PARSE_OK("--uid", "0", "--gid", "0", "true");
	ck_assert_uint_eq(cfg.sandbox_uid, 0);
	ck_assert_uint_eq(cfg.sandbox_gid, 0);
	ck_assert_uint_eq(config_flags(), F_UID | F_GID);

	PARSE_OK("--uid", "4294967294", "--gid", "2147483648", "true");
	ck_assert_uint_eq(cfg.sandbox_uid, 4294967294u);
	ck_assert_uint_eq(cfg.sandbox_gid, 2147483648u);

	PARSE_OK("--uid", "5", "true");
	ck_assert_uint_eq(cfg.sandbox_uid, 5);
	ck_assert_uint_eq(cfg.sandbox_gid, 1000);
	ck_assert_uint_eq(config_flags(), F_UID);

	real_uid = 1234;
	real_gid = 4321;
	PARSE_OK("--gid", "7", "true");
	ck_assert_uint_eq(cfg.sandbox_uid, 1234);
	ck_assert_uint_eq(cfg.sandbox_gid, 7);
	ck_assert_uint_eq(config_flags(), F_GID);
}
END_TEST

START_TEST(test_uid_gid_invalid)
{
	static const char *const bad[] = {"-1", "4294967295", "4294967296", "abc", "", "+5", "1 "};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char msg[160];

		snprintf(msg, sizeof(msg),
		         "nsbox: Invalid uid: %s (--uid, argument 2): expected a decimal number "
		         "from 0 to 4294967294\n",
		         bad[i]);
		expect_err_list(bad[i][0] == '4' ? -ERANGE : -EINVAL, msg,
		                ARGV("--uid", bad[i], "true"));
		snprintf(msg, sizeof(msg),
		         "nsbox: Invalid gid: %s (--gid, argument 5): expected a decimal number "
		         "from 0 to 4294967294\n",
		         bad[i]);
		expect_err_list(bad[i][0] == '4' ? -ERANGE : -EINVAL, msg,
		                ARGV("--unshare-user", "--uid", "1", "--gid", bad[i], "true"));
	}
	EXPECT_ERR(-EINVAL, "nsbox: --uid takes an argument (--uid UID, argument 1: got 0)\n",
	           "--uid");
	EXPECT_ERR(-EINVAL, "nsbox: --gid takes an argument (--gid GID, argument 2: got 0)\n",
	           "--unshare-ipc", "--gid");
}
END_TEST

START_TEST(test_uid_gid_last_wins)
{
	PARSE_OK("--uid", "1", "--gid", "2", "--uid", "3", "--gid", "4", "true");
	ck_assert_uint_eq(cfg.sandbox_uid, 3);
	ck_assert_uint_eq(cfg.sandbox_gid, 4);
	ck_assert_str_eq(logged(), "nsbox: Only the last --uid option will take effect\nnsbox: "
	                           "Only the last --gid option will take effect\n");
}
END_TEST

START_TEST(test_uid_gid_need_userns_as_root)
{
	real_uid = 0;
	real_gid = 0;
	EXPECT_ERR(-EINVAL,
	           "nsbox: Specifying --uid requires --unshare-user or --userns (argument 2)\n",
	           "--unshare-pid", "--uid", "5", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: Specifying --gid requires --unshare-user or --userns (argument 1)\n",
	           "--gid", "5", "true");
}
END_TEST

START_TEST(test_uid_gid_with_userns_as_root)
{
	static const char *const userns[] = {"--unshare-user", "--unshare-user-try",
	                                     "--unshare-all"};
	size_t i;

	real_uid = 0;
	real_gid = 0;
	for (i = 0; i < sizeof(userns) / sizeof(userns[0]); i++) {
		parse_ok_list(ARGV("--uid", "5", "--gid", "6", userns[i], "true"), NULL);
		ck_assert_uint_eq(cfg.sandbox_uid, 5);
		ck_assert_uint_eq(cfg.sandbox_gid, 6);
	}
	PARSE_OK("true");
	ck_assert_uint_eq(cfg.sandbox_uid, 0);
	ck_assert_uint_eq(cfg.sandbox_gid, 0);
}
END_TEST

START_TEST(test_hostname)
{
	char long_name[80];

	PARSE_OK("--hostname", "box", "--unshare-uts", "true");
	ck_assert_str_eq(cfg.hostname, "box");
	ck_assert_uint_eq(config_flags(), F_UTS);
	PARSE_OK("--unshare-all", "--hostname", "a", "--hostname", "b", "true");
	ck_assert_str_eq(cfg.hostname, "b");
	ck_assert_str_eq(logged(), "nsbox: Only the last --hostname option will take effect\n");

	memset(long_name, 'h', 64);
	long_name[64] = '\0';
	PARSE_OK("--unshare-uts", "--hostname", long_name, "true");
	ck_assert_uint_eq(strlen(cfg.hostname), 64);

	long_name[64] = 'h';
	long_name[65] = '\0';
	EXPECT_ERR(-ENAMETOOLONG,
	           "nsbox: --hostname: NAME is too long (argument 3): 65 bytes, at most 64\n",
	           "--unshare-uts", "--hostname", long_name, "true");
	EXPECT_ERR(-EINVAL, "nsbox: Specifying --hostname requires --unshare-uts (argument 2)\n",
	           "--unshare-pid", "--hostname", "box", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --hostname: NAME must not be empty (argument 2)\n",
	           "--hostname", "", "--unshare-uts", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --hostname takes an argument (--hostname NAME, argument 1: got 0)\n",
	           "--hostname");
}
END_TEST

/* ---- environment and process -------------------------------------------- */

START_TEST(test_chdir)
{
	char long_path[PATH_MAX + 1];

	PARSE_OK("--chdir", "/work", "true");
	ck_assert_str_eq(cfg.chdir_path, "/work");
	PARSE_OK("--chdir", "rel/dir", "true");
	ck_assert_str_eq(cfg.chdir_path, "rel/dir");
	PARSE_OK("--chdir", "/a", "--chdir", "/b", "true");
	ck_assert_str_eq(cfg.chdir_path, "/b");
	ck_assert_str_eq(logged(), "nsbox: Only the last --chdir option will take effect\n");

	EXPECT_ERR(-EINVAL, "nsbox: --chdir: DIR must not be empty (argument 2)\n", "--chdir", "",
	           "true");
	EXPECT_ERR(-EINVAL, "nsbox: --chdir takes one argument (--chdir DIR, argument 1: got 0)\n",
	           "--chdir");
	memset(long_path, 'd', PATH_MAX);
	long_path[PATH_MAX] = '\0';
	EXPECT_ERR(-ENAMETOOLONG,
	           "nsbox: --chdir: DIR is too long (argument 2): 4096 bytes, at most 4095\n",
	           "--chdir", long_path, "true");
}
END_TEST

START_TEST(test_env)
{
	PARSE_OK("--setenv", "A", "1", "--clearenv", "--unsetenv", "B", "--setenv", "C", "",
	         "--setenv", "D", "x=y", "true");
	ck_assert_uint_eq(cfg.n_env, 5);
	ck_assert_int_eq(cfg.env[0].kind, NSB_ENV_SET);
	ck_assert_str_eq(cfg.env[0].name, "A");
	ck_assert_str_eq(cfg.env[0].value, "1");
	ck_assert_int_eq(cfg.env[1].kind, NSB_ENV_CLEAR);
	ck_assert_ptr_null(cfg.env[1].name);
	ck_assert_ptr_null(cfg.env[1].value);
	ck_assert_int_eq(cfg.env[2].kind, NSB_ENV_UNSET);
	ck_assert_str_eq(cfg.env[2].name, "B");
	ck_assert_ptr_null(cfg.env[2].value);
	ck_assert_int_eq(cfg.env[3].kind, NSB_ENV_SET);
	ck_assert_str_eq(cfg.env[3].name, "C");
	ck_assert_str_eq(cfg.env[3].value, "");
	ck_assert_str_eq(cfg.env[4].value, "x=y");
	ck_assert_uint_eq(cfg.n_ops, 0);

	PARSE_OK("--clearenv", "--clearenv", "true");
	ck_assert_uint_eq(cfg.n_env, 2);
}
END_TEST

START_TEST(test_env_invalid)
{
	EXPECT_ERR(-EINVAL,
	           "nsbox: --setenv: invalid variable name 'A=B' (argument 2): must be non-empty "
	           "and contain no '='\n",
	           "--setenv", "A=B", "c", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --setenv: invalid variable name '' (argument 6): must be non-empty and "
	           "contain no '='\n",
	           "--clearenv", "--setenv", "A", "1", "--setenv", "", "c", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --unsetenv: invalid variable name '=' (argument 2): must be non-empty "
	           "and contain no '='\n",
	           "--unsetenv", "=", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --unsetenv: invalid variable name '' (argument 2): must be non-empty "
	           "and contain no '='\n",
	           "--unsetenv", "", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --setenv takes two arguments (--setenv VAR VALUE, argument 1: got 1)\n",
	           "--setenv", "A");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --setenv takes two arguments (--setenv VAR VALUE, argument 1: got 0)\n",
	           "--setenv");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --unsetenv takes an argument (--unsetenv VAR, argument 3: got 0)\n",
	           "--clearenv", "--clearenv", "--unsetenv");
}
END_TEST

START_TEST(test_as_pid_1)
{
	PARSE_OK("--as-pid-1", "--unshare-pid", "true");
	ck_assert_uint_eq(config_flags(), F_PID | F_PID1);
	PARSE_OK("--unshare-all", "--as-pid-1", "true");
	ck_assert(cfg.as_pid_1);

	EXPECT_ERR(-EINVAL, "nsbox: Specifying --as-pid-1 requires --unshare-pid (argument 2)\n",
	           "--unshare-net", "--as-pid-1", "true");
}
END_TEST

/* ---- filesystem operations ---------------------------------------------- */

START_TEST(test_binds)
{
	static const struct {
		const char *opt;
		enum nsb_op_kind kind;
		unsigned flags;
	} cases[] = {
	        {"--bind", NSB_OP_BIND, 0},
	        {"--bind-try", NSB_OP_BIND, NSB_OPF_ALLOW_MISSING},
	        {"--ro-bind", NSB_OP_RO_BIND, 0},
	        {"--ro-bind-try", NSB_OP_RO_BIND, NSB_OPF_ALLOW_MISSING},
	        {"--dev-bind", NSB_OP_DEV_BIND, 0},
	        {"--dev-bind-try", NSB_OP_DEV_BIND, NSB_OPF_ALLOW_MISSING},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *o = cases[i].opt;
		char msg[160];

		parse_ok_list(ARGV("--unshare-pid", o, "/usr", "/usr", o, "rel", "dest/x", "true"),
		              NULL);
		ck_assert_uint_eq(cfg.n_ops, 2);
		assert_op(0, (struct op_want){cases[i].kind, cases[i].flags, o, 2, "/usr", "/usr",
		                              -1, -1, 0});
		assert_op(1, (struct op_want){cases[i].kind, cases[i].flags, o, 5, "rel", "dest/x",
		                              -1, -1, 0});

		snprintf(msg, sizeof(msg), "nsbox: %s: SRC must not be empty (argument 2)\n", o);
		expect_err_list(-EINVAL, msg, ARGV(o, "", "/d", "true"));
		snprintf(msg, sizeof(msg), "nsbox: %s: DEST must not be empty (argument 3)\n", o);
		expect_err_list(-EINVAL, msg, ARGV(o, "/s", "", "true"));
		snprintf(msg, sizeof(msg),
		         "nsbox: %s takes two arguments (%s SRC DEST, argument 1: got 1)\n", o, o);
		expect_err_list(-EINVAL, msg, ARGV(o, "/s"));
		snprintf(msg, sizeof(msg),
		         "nsbox: %s takes two arguments (%s SRC DEST, argument 3: got 0)\n", o, o);
		expect_err_list(-EINVAL, msg, ARGV("--dir", "/a", o));
	}
}
END_TEST

START_TEST(test_dest_only_ops)
{
	static const struct {
		const char *opt;
		enum nsb_op_kind kind;
	} cases[] = {
	        {"--remount-ro", NSB_OP_REMOUNT_RO},
	        {"--proc", NSB_OP_PROC},
	        {"--dev", NSB_OP_DEV},
	        {"--tmpfs", NSB_OP_TMPFS},
	        {"--mqueue", NSB_OP_MQUEUE},
	        {"--dir", NSB_OP_DIR},
	};
	char long_path[PATH_MAX + 1];
	size_t i;

	memset(long_path, 'p', PATH_MAX);
	long_path[PATH_MAX] = '\0';
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *o = cases[i].opt;
		char msg[160];

		parse_ok_list(ARGV(o, "/x", "--unshare-ipc", o, "relative", "true"), NULL);
		ck_assert_uint_eq(cfg.n_ops, 2);
		assert_op(0, (struct op_want){cases[i].kind, 0, o, 1, NULL, "/x", -1, -1, 0});
		assert_op(1, (struct op_want){cases[i].kind, 0, o, 4, NULL, "relative", -1, -1, 0});

		snprintf(msg, sizeof(msg), "nsbox: %s: DEST must not be empty (argument 2)\n", o);
		expect_err_list(-EINVAL, msg, ARGV(o, "", "true"));
		snprintf(msg, sizeof(msg), "nsbox: %s takes %s (%s DEST, argument 1: got 0)\n", o,
		         strcmp(o, "--remount-ro") == 0 ? "one argument" : "an argument", o);
		expect_err_list(-EINVAL, msg, ARGV(o));
		snprintf(msg, sizeof(msg),
		         "nsbox: %s: DEST is too long (argument 2): 4096 bytes, at most 4095\n", o);
		expect_err_list(-ENAMETOOLONG, msg, ARGV(o, long_path, "true"));
	}
	long_path[PATH_MAX - 1] = '\0';
	PARSE_OK("--dir", long_path, "true");
	ck_assert_uint_eq(strlen(cfg.ops[0].dest), PATH_MAX - 1);
}
END_TEST

START_TEST(test_fd_ops)
{
	static const struct {
		const char *opt;
		enum nsb_op_kind kind;
	} cases[] = {
	        {"--file", NSB_OP_FILE},
	        {"--bind-data", NSB_OP_BIND_DATA},
	        {"--ro-bind-data", NSB_OP_RO_BIND_DATA},
	};
	static const char *const bad_fd[] = {"x", "-1", "", "2147483648", "3 ", "0x3", "+3"};
	size_t i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *o = cases[i].opt;
		char msg[160];

		parse_ok_list(ARGV(o, "5", "/etc/passwd", o, "0", "rel", "true"), NULL);
		ck_assert_uint_eq(cfg.n_ops, 2);
		assert_op(0,
		          (struct op_want){cases[i].kind, 0, o, 1, NULL, "/etc/passwd", 5, -1, 0});
		assert_op(1, (struct op_want){cases[i].kind, 0, o, 4, NULL, "rel", 0, -1, 0});
		parse_ok_list(ARGV(o, "2147483647", "/f", "true"), NULL);
		ck_assert_int_eq(cfg.ops[0].fd, INT_MAX);

		for (j = 0; j < sizeof(bad_fd) / sizeof(bad_fd[0]); j++) {
			snprintf(msg, sizeof(msg),
			         "nsbox: Invalid fd: %s\nnsbox: %s (argument 2) takes a decimal "
			         "number from 0 to 2147483647\n",
			         bad_fd[j], o);
			expect_err_list(bad_fd[j][0] == '2' ? -ERANGE : -EINVAL, msg,
			                ARGV(o, bad_fd[j], "/f", "true"));
		}
		snprintf(msg, sizeof(msg), "nsbox: %s: DEST must not be empty (argument 3)\n", o);
		expect_err_list(-EINVAL, msg, ARGV(o, "5", "", "true"));
		snprintf(msg, sizeof(msg),
		         "nsbox: %s takes two arguments (%s FD DEST, argument 1: got 1)\n", o, o);
		expect_err_list(-EINVAL, msg, ARGV(o, "5"));
	}
}
END_TEST

START_TEST(test_symlink)
{
	PARSE_OK("--symlink", "usr/lib64", "/lib64", "--symlink", "../x", "rel", "true");
	ck_assert_uint_eq(cfg.n_ops, 2);
	assert_op(0, (struct op_want){NSB_OP_SYMLINK, 0, "--symlink", 1, "usr/lib64", "/lib64", -1,
	                              -1, 0});
	assert_op(1, (struct op_want){NSB_OP_SYMLINK, 0, "--symlink", 4, "../x", "rel", -1, -1, 0});

	EXPECT_ERR(-EINVAL, "nsbox: --symlink: TARGET must not be empty (argument 2)\n",
	           "--symlink", "", "/l", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --symlink: DEST must not be empty (argument 3)\n", "--symlink",
	           "/t", "", "true");
	EXPECT_ERR(
	        -EINVAL,
	        "nsbox: --symlink takes two arguments (--symlink TARGET DEST, argument 1: got 1)\n",
	        "--symlink", "/t");
}
END_TEST

START_TEST(test_chmod)
{
	PARSE_OK("--chmod", "0700", "/home", "--chmod", "1777", "tmp", "--chmod", "0", "/z",
	         "true");
	ck_assert_uint_eq(cfg.n_ops, 3);
	assert_op(0, (struct op_want){NSB_OP_CHMOD, 0, "--chmod", 1, NULL, "/home", -1, 0700, 0});
	assert_op(1, (struct op_want){NSB_OP_CHMOD, 0, "--chmod", 4, NULL, "tmp", -1, 01777, 0});
	assert_op(2, (struct op_want){NSB_OP_CHMOD, 0, "--chmod", 7, NULL, "/z", -1, 0, 0});

	EXPECT_ERR(-EINVAL,
	           "nsbox: --chmod takes an octal argument <= 07777 (got '0999', argument 2)\n",
	           "--chmod", "0999", "/x", "true");
	EXPECT_ERR(-ERANGE,
	           "nsbox: --chmod takes an octal argument <= 07777 (got '10000', argument 2)\n",
	           "--chmod", "10000", "/x", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --chmod takes an octal argument <= 07777 (got '', argument 2)\n",
	           "--chmod", "", "/x", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --chmod takes an octal argument <= 07777 (got 'u+x', argument 2)\n",
	           "--chmod", "u+x", "/x", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --chmod: PATH must not be empty (argument 3)\n", "--chmod",
	           "0755", "", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --chmod takes two arguments (--chmod OCTAL PATH, argument 1: got 1)\n",
	           "--chmod", "0755");
}
END_TEST

START_TEST(test_op_order)
{
	PARSE_OK("--ro-bind", "/usr", "/usr", "--unshare-pid", "--proc", "/proc", "--symlink",
	         "usr/bin", "/bin", "--perms", "01777", "--tmpfs", "/tmp", "--dev", "/dev",
	         "--file", "9", "/etc/hosts", "true");
	ck_assert_uint_eq(cfg.n_ops, 6);
	ck_assert_int_eq(cfg.ops[0].kind, NSB_OP_RO_BIND);
	ck_assert_int_eq(cfg.ops[0].argpos, 1);
	ck_assert_int_eq(cfg.ops[1].kind, NSB_OP_PROC);
	ck_assert_int_eq(cfg.ops[1].argpos, 5);
	ck_assert_int_eq(cfg.ops[2].kind, NSB_OP_SYMLINK);
	ck_assert_int_eq(cfg.ops[2].argpos, 7);
	assert_op(3, (struct op_want){NSB_OP_TMPFS, 0, "--tmpfs", 12, NULL, "/tmp", -1, 01777, 0});
	assert_op(4, (struct op_want){NSB_OP_DEV, 0, "--dev", 14, NULL, "/dev", -1, -1, 0});
	assert_op(5, (struct op_want){NSB_OP_FILE, 0, "--file", 16, NULL, "/etc/hosts", 9, -1, 0});
	ck_assert_str_eq(cfg.command[0], "true");
	ck_assert_uint_eq(config_flags(), F_PID);
}
END_TEST

START_TEST(test_many_ops)
{
	enum { N = 2000 };
	const char **list = calloc(2 * N + 3, sizeof(char *));
	size_t i;

	ck_assert_ptr_nonnull(list);
	list[0] = "nsbox";
	for (i = 0; i < N; i++) {
		list[1 + 2 * i] = "--remount-ro";
		list[2 + 2 * i] = i % 2 ? "/odd" : "/even";
	}
	list[1 + 2 * N] = "true";
	parse_ok_list(list, NULL);
	ck_assert_uint_eq(cfg.n_ops, N);
	ck_assert_str_eq(cfg.ops[N - 1].dest, "/odd");
	ck_assert_int_eq(cfg.ops[N - 1].argpos, 2 * N - 1);
	free(list);
}
END_TEST

/* ---- modifiers ---------------------------------------------------------- */

START_TEST(test_perms)
{
	static const struct {
		const char *opt;
		enum nsb_op_kind kind;
		bool fd;
	} cases[] = {
	        {"--tmpfs", NSB_OP_TMPFS, false},
	        {"--dir", NSB_OP_DIR, false},
	        {"--file", NSB_OP_FILE, true},
	        {"--bind-data", NSB_OP_BIND_DATA, true},
	        {"--ro-bind-data", NSB_OP_RO_BIND_DATA, true},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *o = cases[i].opt;
		int fd = cases[i].fd ? 4 : -1;

		if (cases[i].fd)
			parse_ok_list(ARGV("--perms", "0640", o, "4", "/a", o, "4", "/b", "true"),
			              NULL);
		else
			parse_ok_list(ARGV("--perms", "0640", o, "/a", o, "/b", "true"), NULL);
		ck_assert_uint_eq(cfg.n_ops, 2);
		assert_op(0, (struct op_want){cases[i].kind, 0, o, 3, NULL, "/a", fd, 0640, 0});
		/* Used up by the first op. */
		ck_assert_int_eq(cfg.ops[1].perms, -1);
	}
	PARSE_OK("--perms", "0", "--dir", "/d", "true");
	ck_assert_int_eq(cfg.ops[0].perms, 0);
	PARSE_OK("--perms", "7777", "--dir", "/d", "true");
	ck_assert_int_eq(cfg.ops[0].perms, 07777);
	/* Not carried over to --chmod's own mode, nor reset by it. */
	PARSE_OK("--chmod", "0700", "/x", "--perms", "0750", "--dir", "/d", "true");
	assert_op(0, (struct op_want){NSB_OP_CHMOD, 0, "--chmod", 1, NULL, "/x", -1, 0700, 0});
	assert_op(1, (struct op_want){NSB_OP_DIR, 0, "--dir", 6, NULL, "/d", -1, 0750, 0});
}
END_TEST

START_TEST(test_perms_invalid)
{
	static const char *const not_creating[][3] = {
	        {"--bind", "/a", "/b"},        {"--ro-bind", "/a", "/b"},
	        {"--symlink", "a", "/b"},      {"--chmod", "0700", "/b"},
	        {"--proc", "/proc", NULL},     {"--dev", "/dev", NULL},
	        {"--mqueue", "/mq", NULL},     {"--remount-ro", "/", NULL},
	        {"--unshare-pid", NULL, NULL}, {"--chdir", "/", NULL},
	};
	size_t i;

	for (i = 0; i < sizeof(not_creating) / sizeof(not_creating[0]); i++) {
		const char *const *n = not_creating[i];
		char msg[160];

		snprintf(msg, sizeof(msg),
		         "nsbox: --perms must be followed by an option that creates a file (not "
		         "%s, argument 3)\n",
		         n[0]);
		if (!n[1])
			expect_err_list(-EINVAL, msg, ARGV("--perms", "0700", n[0], "true"));
		else if (!n[2])
			expect_err_list(-EINVAL, msg, ARGV("--perms", "0700", n[0], n[1], "true"));
		else
			expect_err_list(-EINVAL, msg,
			                ARGV("--perms", "0700", n[0], n[1], n[2], "true"));
	}
	EXPECT_ERR(-EINVAL,
	           "nsbox: --perms must be followed by an option that creates a file (no option "
	           "follows it, argument 3)\n",
	           "--dir", "/a", "--perms", "0700", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --perms must be followed by an option that creates a file (no option "
	           "follows it, argument 1)\n",
	           "--perms", "0700", "--", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --perms must be followed by an option that creates a file (no option "
	           "follows it, argument 1)\n",
	           "--perms", "0700");
	EXPECT_ERR(-EINVAL, "nsbox: --perms given twice for the same action (argument 3)\n",
	           "--perms", "0700", "--perms", "0700", "--dir", "/d", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --perms given twice for the same action (argument 5)\n",
	           "--perms", "0700", "--size", "1", "--perms", "0700", "--tmpfs", "/d", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --perms takes an octal argument <= 07777 (got '0999', argument 2)\n",
	           "--perms", "0999", "--dir", "/d", "true");
	EXPECT_ERR(-ERANGE,
	           "nsbox: --perms takes an octal argument <= 07777 (got '010000', argument 2)\n",
	           "--perms", "010000", "--dir", "/d", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --perms takes an octal argument <= 07777 (got '-1', argument 2)\n",
	           "--perms", "-1", "--dir", "/d", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --perms takes an argument (--perms OCTAL, argument 1: got 0)\n",
	           "--perms");
}
END_TEST

START_TEST(test_size)
{
	static const struct {
		const char *arg;
		uint64_t size;
	} units[] = {
	        {"64M", UINT64_C(64) << 20},
	        {"64m", UINT64_C(64) << 20},
	        {"64Mi", UINT64_C(64) << 20},
	        {"64MiB", UINT64_C(64) << 20},
	        {"64mib", UINT64_C(64) << 20},
	        {"1G", UINT64_C(1) << 30},
	        {"512KiB", UINT64_C(512) << 10},
	        {"2k", 2048},
	        {"3T", UINT64_C(3) << 40},
	        {"1P", UINT64_C(1) << 50},
	        {"7E", UINT64_C(7) << 60},
	        {"4096B", 4096},
	        {"0x1B", 27},
	        {"0100", 64},
	        {"10", 10},
	};

	PARSE_OK("--size", "1048576", "--tmpfs", "/t", "--tmpfs", "/u", "true");
	assert_op(0, (struct op_want){NSB_OP_TMPFS, 0, "--tmpfs", 3, NULL, "/t", -1, -1, 1048576});
	assert_op(1, (struct op_want){NSB_OP_TMPFS, 0, "--tmpfs", 5, NULL, "/u", -1, -1, 0});
	PARSE_OK("--size", "0x10", "--perms", "0700", "--tmpfs", "/t", "true");
	assert_op(0, (struct op_want){NSB_OP_TMPFS, 0, "--tmpfs", 5, NULL, "/t", -1, 0700, 16});
	PARSE_OK("--perms", "0750", "--size", "010", "--tmpfs", "/t", "true");
	assert_op(0, (struct op_want){NSB_OP_TMPFS, 0, "--tmpfs", 5, NULL, "/t", -1, 0750, 8});
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		parse_ok_list(ARGV("--size", units[i].arg, "--tmpfs", "/t", "true"), "");
		assert_op(0, (struct op_want){NSB_OP_TMPFS, 0, "--tmpfs", 3, NULL, "/t", -1, -1,
		                              units[i].size});
	}
}
END_TEST

START_TEST(test_size_invalid)
{
	static const char *const syntax[] = {"-1",    "",     "0x",     "08",  " 1",    "1 ",
	                                     "1.5G",  "1,5G", "-1M",    "+1M", "1 M",   "1M ",
	                                     "M",     "MiB",  "1iB",    "1KK", "1Z",    "1MiBB",
	                                     "0x10M", "010M", "0x1EiB", "1e3", "64Mb2", "1Ki B"};
	static const char *const range[] = {"0",  "00",    "0x0",
	                                    "0K", "0B",    "99999999999999999999",
	                                    "8E", "8192P", "9223372036854775808"};
	static const char *const si[] = {"64MB", "1kB", "1KB", "2GB", "1Tb", "1PB", "1EB"};
	char msg[400];
	size_t i;

	for (i = 0; i < sizeof(syntax) / sizeof(syntax[0]); i++) {
		snprintf(msg, sizeof(msg),
		         "nsbox: --size takes a non-zero number of bytes (got '%s', argument 2): "
		         "decimal, 0x hexadecimal or 0 octal, or a decimal number and a unit K, M, "
		         "G, T, P or E (powers of 1024: 64M = 64Mi = 64MiB)\n",
		         syntax[i]);
		expect_err_list(-EINVAL, msg, ARGV("--size", syntax[i], "--tmpfs", "/t", "true"));
	}
	for (i = 0; i < sizeof(range) / sizeof(range[0]); i++) {
		snprintf(msg, sizeof(msg),
		         "nsbox: --size (for tmpfs) is limited to %zu (got '%s', argument 2)\n",
		         SIZE_MAX / 2, range[i]);
		expect_err_list(-ERANGE, msg, ARGV("--size", range[i], "--tmpfs", "/t", "true"));
	}
	for (i = 0; i < sizeof(si) / sizeof(si[0]); i++) {
		snprintf(msg, sizeof(msg),
		         "nsbox: --size takes a non-zero number of bytes (got '%s', argument 2): "
		         "units are powers of 1024, written K, M, G, T, P or E, alone or followed "
		         "by i or iB (64M = 64Mi = 64MiB); KB, MB, ... are refused because they "
		         "often mean powers of 1000\n",
		         si[i]);
		expect_err_list(-EINVAL, msg, ARGV("--size", si[i], "--tmpfs", "/t", "true"));
	}
	/* The largest size, with and without a unit. */
	snprintf(msg, sizeof(msg), "%zu", SIZE_MAX / 2);
	parse_ok_list(ARGV("--size", msg, "--tmpfs", "/t", "true"), "");
	parse_ok_list(ARGV("--size", "8191P", "--tmpfs", "/t", "true"), "");
	EXPECT_ERR(-EINVAL, "nsbox: --size must be followed by --tmpfs (not --dir, argument 3)\n",
	           "--size", "10", "--dir", "/d", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --size must be followed by --tmpfs (not --dir, argument 5)\n",
	           "--perms", "0700", "--size", "10", "--dir", "/d", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --size must be followed by --tmpfs (not --dir, argument 5)\n",
	           "--size", "10", "--perms", "0700", "--dir", "/d", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --size must be followed by --tmpfs (not --bind, argument 3)\n",
	           "--size", "10", "--bind", "/a", "/b", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --size must be followed by --tmpfs (no option follows it, argument 1)\n",
	           "--size", "10", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --size given twice for the same action (argument 3)\n",
	           "--size", "10", "--size", "20", "--tmpfs", "/t", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --size takes an argument (--size BYTES, argument 1: got 0)\n",
	           "--size");
}
END_TEST

/* ---- --args ------------------------------------------------------------- */

enum fd_kind { FD_PIPE, FD_FILE, FD_MEMFD };

/* An fd positioned at the start of data. A pipe gets a writer process, so
 * data can exceed the pipe buffer. */
static int data_fd(enum fd_kind kind, const char *data, size_t len)
{
	int fds[2], fd = -1;
	pid_t pid;

	switch (kind) {
	case FD_PIPE:
		ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			size_t off = 0;

			close(fds[0]);
			while (off < len) {
				ssize_t n = write(fds[1], data + off, len - off);
				if (n <= 0)
					_exit(1);
				off += (size_t)n;
			}
			_exit(0);
		}
		close(fds[1]);
		return fds[0];
	case FD_FILE: {
		char path[] = "/tmp/nsbox-test-args-XXXXXX";

		fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		unlink(path);
		break;
	}
	case FD_MEMFD:
		fd = memfd_create("nsbox-test-args", MFD_CLOEXEC);
		ck_assert_int_ge(fd, 0);
		break;
	}
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void reap_writers(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static bool fd_is_closed(int fd)
{
	return fcntl(fd, F_GETFD) < 0 && errno == EBADF;
}

static const char *fd_str(int fd)
{
	static char bufs[4][16];
	static int next;
	char *b = bufs[next++ % 4];

	snprintf(b, 16, "%d", fd);
	return b;
}

#define DATA(s) data_fd(FD_MEMFD, s, sizeof(s) - 1)

START_TEST(test_args_kinds)
{
	static const char data[] = "--unshare-pid\0--bind\0/usr\0/usr\0--setenv\0A\0b";
	static const enum fd_kind kinds[] = {FD_PIPE, FD_FILE, FD_MEMFD};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int fd = data_fd(kinds[i], data, sizeof(data) - 1);

		/* The last string is not NUL-terminated. */
		parse_ok_list(ARGV("--unshare-ipc", "--args", fd_str(fd), "--dir", "/d", "cmd"),
		              NULL);
		reap_writers();
		ck_assert(fd_is_closed(fd));
		ck_assert_uint_eq(config_flags(), F_IPC | F_PID);
		ck_assert_uint_eq(cfg.n_ops, 2);
		assert_op(0, (struct op_want){NSB_OP_BIND, 0, "--bind", -1, "/usr", "/usr", -1, -1,
		                              0});
		assert_op(1, (struct op_want){NSB_OP_DIR, 0, "--dir", 4, NULL, "/d", -1, -1, 0});
		ck_assert_uint_eq(cfg.n_env, 1);
		ck_assert_str_eq(cfg.env[0].name, "A");
		ck_assert_str_eq(cfg.env[0].value, "b");
		ck_assert_uint_eq(cfg.n_owned, 1);
		ck_assert_str_eq(cfg.command[0], "cmd");
		ck_assert_ptr_null(cfg.command[1]);
	}
}
END_TEST

START_TEST(test_args_edge_cases)
{
	int fd, fd2;

	/* Empty data, and a trailing NUL. */
	fd = DATA("");
	PARSE_OK("--args", fd_str(fd), "true");
	ck_assert(fd_is_closed(fd));
	ck_assert_uint_eq(cfg.n_owned, 1);
	fd = DATA("--unshare-net\0");
	PARSE_OK("--args", fd_str(fd), "true");
	ck_assert_uint_eq(config_flags(), F_NET);

	/* A non-option token ends the data; the rest is ignored, and parsing
	 * goes on in argv. */
	fd = DATA("--unshare-pid\0cmd\0--unshare-net\0--bogus");
	PARSE_OK("--args", fd_str(fd), "--unshare-uts", "true");
	ck_assert_uint_eq(config_flags(), F_PID | F_UTS);
	ck_assert_str_eq(cfg.command[0], "true");
	fd = DATA("--unshare-pid\0--\0--unshare-net");
	PARSE_OK("--args", fd_str(fd), "true");
	ck_assert_uint_eq(config_flags(), F_PID);
	fd = DATA("\0--unshare-net");
	PARSE_OK("--args", fd_str(fd), "true");
	ck_assert_uint_eq(config_flags(), 0);

	/* Repeatable; each buffer is kept. */
	fd = DATA("--chdir\0/one");
	fd2 = DATA("--hostname\0two\0--unshare-uts");
	PARSE_OK("--args", fd_str(fd), "--args", fd_str(fd2), "true");
	ck_assert_uint_eq(cfg.n_owned, 2);
	ck_assert_str_eq(cfg.chdir_path, "/one");
	ck_assert_str_eq(cfg.hostname, "two");

	/* Modifiers reach across --args in both directions. */
	fd = DATA("--perms\0"
	          "0700");
	PARSE_OK("--args", fd_str(fd), "--tmpfs", "/t", "true");
	assert_op(0, (struct op_want){NSB_OP_TMPFS, 0, "--tmpfs", 3, NULL, "/t", -1, 0700, 0});
	fd = DATA("--tmpfs\0/t");
	PARSE_OK("--size", "4096", "--args", fd_str(fd), "true");
	assert_op(0, (struct op_want){NSB_OP_TMPFS, 0, "--tmpfs", -1, NULL, "/t", -1, -1, 4096});

	/* --help and --version from the data. */
	fd = DATA("--help");
	ck_assert_int_eq(PARSE("--args", fd_str(fd), "true"), NSB_CLI_HELP);
	fd = DATA("--version");
	ck_assert_int_eq(PARSE("--args", fd_str(fd)), NSB_CLI_VERSION);

	/* COMMAND never comes from the data. */
	fd = DATA("--unshare-pid\0true");
	{
		char *argv[] = {(char *)"nsbox", (char *)"--args", (char *)fd_str(fd), NULL};
		char *out;
		int r;

		reset();
		out = parse_capturing_stderr(3, argv, &r);
		ck_assert_int_eq(r, -EDOM);
		ck_assert_ptr_null(cfg.owned);
		free(out);
	}
}
END_TEST

START_TEST(test_args_invalid)
{
	int fd;

	fd = DATA("--unshare-pid\0--args\0"
	          "0");
	EXPECT_ERR(-EINVAL, "nsbox: --args not supported in arguments file\n", "--args", fd_str(fd),
	           "true");
	fd = DATA("--args");
	EXPECT_ERR(-EINVAL, "nsbox: --args not supported in arguments file\n", "--args", fd_str(fd),
	           "true");
	fd = DATA("--bind\0/a");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --bind takes two arguments (--bind SRC DEST, in --args data: got 1)\n",
	           "--args", fd_str(fd), "/b", "true");
	fd = DATA("--chmod\0999\0/x");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --chmod takes an octal argument <= 07777 (got '999', in --args data)\n",
	           "--args", fd_str(fd), "true");
	fd = DATA("--bogus");
	EXPECT_ERR(-EINVAL, "nsbox: Unknown option --bogus (in --args data)\n", "--args",
	           fd_str(fd), "true");
	fd = DATA("--perms\0"
	          "0700");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --perms must be followed by an option that creates a file (not --bind, "
	           "argument 3)\n",
	           "--args", fd_str(fd), "--bind", "/a", "/b", "true");
	fd = DATA("--unshare-pid\0--uid\0"
	          "5");
	real_uid = 0;
	EXPECT_ERR(-EINVAL,
	           "nsbox: Specifying --uid requires --unshare-user or --userns (in --args data)\n",
	           "--args", fd_str(fd), "true");
	real_uid = 1000;

	EXPECT_ERR(-EINVAL,
	           "nsbox: Invalid fd: x\nnsbox: --args (argument 2) takes a decimal number from 0 "
	           "to 2147483647\n",
	           "--args", "x", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: Invalid fd: -1\nnsbox: --args (argument 2) takes a decimal number from "
	           "0 to 2147483647\n",
	           "--args", "-1", "true");
	EXPECT_ERR(-EBADF, "nsbox: --args: cannot read fd 999 (argument 2): Bad file descriptor\n",
	           "--args", "999", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --args takes an argument (--args FD, argument 1: got 0)\n",
	           "--args");
}
END_TEST

START_TEST(test_args_too_much_data)
{
	const size_t mib = 1 << 20;
	char *big = malloc(mib + 1);
	char msg[200];
	const char *list[2 * 17 + 3];
	int fd, i;

	ck_assert_ptr_nonnull(big);
	/* One non-option string: read and kept, then ignored. */
	memset(big, 'x', mib + 1);
	fd = data_fd(FD_MEMFD, big, mib);
	PARSE_OK("--args", fd_str(fd), "true");
	ck_assert_uint_eq(config_flags(), 0);

	fd = data_fd(FD_PIPE, big, mib + 1);
	snprintf(msg, sizeof(msg),
	         "nsbox: --args: too much data on fd %d (argument 2): at most 1048576 bytes per fd "
	         "and 16777216 in total\n",
	         fd);
	expect_err_list(-E2BIG, msg, ARGV("--args", fd_str(fd), "true"));
	ck_assert(fd_is_closed(fd));
	reap_writers();

	/* 16 MiB in all, then one byte more. */
	list[0] = "nsbox";
	for (i = 0; i < 17; i++) {
		list[1 + 2 * i] = "--args";
		list[2 + 2 * i] = strdup(fd_str(data_fd(FD_MEMFD, big, i < 16 ? mib : 1)));
	}
	list[2 * 17 + 1] = "true";
	list[2 * 17 + 2] = NULL;
	snprintf(msg, sizeof(msg),
	         "nsbox: --args: too much data on fd %s (argument 34): at most 1048576 bytes per "
	         "fd and 16777216 in total\n",
	         list[2 * 17]);
	expect_err_list(-E2BIG, msg, list);
	for (i = 0; i < 17; i++)
		free((char *)list[2 + 2 * i]);
	free(big);
}
END_TEST

/* n copies of "--dir\0/some/long/enough/path/NNNN\0": 2n tokens. */
static char *make_dir_data(size_t n, size_t *ret_len)
{
	char *data = malloc(n * 64), *p = data;
	size_t i;

	ck_assert_ptr_nonnull(data);
	for (i = 0; i < n; i++) {
		p += sprintf(p, "--dir") + 1;
		p += sprintf(p, "/a/fairly/long/destination/path/to/cross/the/pipe/%04zu", i) + 1;
	}
	*ret_len = (size_t)(p - data);
	return data;
}

START_TEST(test_args_thousands)
{
	static const enum fd_kind kinds[] = {FD_PIPE, FD_FILE, FD_MEMFD};
	size_t len, i;
	char *data = make_dir_data(4000, &len);

	ck_assert_uint_gt(len, 65536 * 3);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int fd = data_fd(kinds[i], data, len);

		parse_ok_list(ARGV("--args", fd_str(fd), "true"), NULL);
		reap_writers();
		ck_assert_uint_eq(cfg.n_ops, 4000);
		ck_assert_str_eq(cfg.ops[3999].dest,
		                 "/a/fairly/long/destination/path/to/cross/the/pipe/3999");
		ck_assert_int_eq(cfg.ops[3999].argpos, -1);
	}
	free(data);
}
END_TEST

/* ---- the 9000-argument limit -------------------------------------------- */

START_TEST(test_max_args_argv)
{
	const char **list = calloc(NSB_MAX_ARGS + 4, sizeof(char *));
	char msg[160];
	int i;

	ck_assert_ptr_nonnull(list);
	list[0] = "nsbox";
	for (i = 1; i <= NSB_MAX_ARGS + 1; i++)
		list[i] = "--unshare-ipc";
	/* 9000 option tokens, then COMMAND and its arguments (not counted). */
	list[NSB_MAX_ARGS + 1] = "true";
	list[NSB_MAX_ARGS + 2] = "arg";
	parse_ok_list(list, NULL);
	ck_assert_str_eq(cfg.command[0], "true");

	list[NSB_MAX_ARGS + 1] = "--unshare-ipc";
	list[NSB_MAX_ARGS + 2] = "true";
	snprintf(msg, sizeof(msg),
	         "nsbox: Exceeded maximum number of arguments 9000 (argument %d; those read by "
	         "--args count too)\n",
	         NSB_MAX_ARGS + 1);
	expect_err_list(-E2BIG, msg, list);
	free(list);
}
END_TEST

START_TEST(test_max_args_with_args)
{
	size_t len;
	char *data;
	int fd;

	/* "--args FD" counts 2: 4499 ops = 8998 more tokens is the limit. */
	data = make_dir_data(4499, &len);
	fd = data_fd(FD_MEMFD, data, len);
	parse_ok_list(ARGV("--args", fd_str(fd), "true"), NULL);
	ck_assert_uint_eq(cfg.n_ops, 4499);
	free(data);

	data = make_dir_data(4500, &len);
	fd = data_fd(FD_MEMFD, data, len);
	expect_err_list(-E2BIG,
	                "nsbox: Exceeded maximum number of arguments 9000 (in --args data; those "
	                "read by --args count too)\n",
	                ARGV("--args", fd_str(fd), "true"));
	free(data);

	/* The count carries on into argv after the data. */
	data = make_dir_data(4499, &len);
	fd = data_fd(FD_MEMFD, data, len);
	expect_err_list(-E2BIG,
	                "nsbox: Exceeded maximum number of arguments 9000 (argument 3; those read "
	                "by --args count too)\n",
	                ARGV("--args", fd_str(fd), "--unshare-pid", "true"));
	free(data);
}
END_TEST

/* ---- usage -------------------------------------------------------------- */

static const char *const implemented[] = {
        "--help",
        "--version",
        "--list-options",
        "--verbose",
        "--dry-run",
        "--mask PATH",
        "--mask-try PATH",
        "--args FD",
        "--argv0 VALUE",
        "--level-prefix",
        "--unshare-user",
        "--unshare-user-try",
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-uts",
        "--unshare-cgroup",
        "--unshare-cgroup-try",
        "--unshare-all",
        "--share-net",
        "--uid UID",
        "--gid GID",
        "--hostname NAME",
        "--chdir DIR",
        "--setenv VAR VALUE",
        "--unsetenv VAR",
        "--clearenv",
        "--new-session",
        "--die-with-parent",
        "--as-pid-1",
        "--bind SRC DEST",
        "--bind-try SRC DEST",
        "--ro-bind SRC DEST",
        "--ro-bind-try SRC DEST",
        "--dev-bind SRC DEST",
        "--dev-bind-try SRC DEST",
        "--remount-ro DEST",
        "--proc DEST",
        "--dev DEST",
        "--tmpfs DEST",
        "--mqueue DEST",
        "--dir DEST",
        "--file FD DEST",
        "--bind-data FD DEST",
        "--ro-bind-data FD DEST",
        "--symlink TARGET DEST",
        "--chmod OCTAL PATH",
        "--perms OCTAL",
        "--size BYTES",
        "--userns FD",
        "--userns2 FD",
        "--pidns FD",
        "--disable-userns",
        "--assert-userns-disabled",
        "--cap-add CAP",
        "--cap-drop CAP",
        "--rlimit NAME=SOFT[:HARD]",
        "--lock-file DEST",
        "--sync-fd FD",
        "--block-fd FD",
        "--userns-block-fd FD",
        "--info-fd FD",
        "--json-status-fd FD",
        "--no-forward-signals",
        "--kill-on-exit",
        "--exec-label LABEL",
        "--file-label LABEL",
        "--seccomp FD",
        "--add-seccomp-fd FD",
        "--seccomp-profile NAME",
        "--seccomp-policy FILE",
        "--not-a-security-boundary",
        "--bind-fd FD DEST",
        "--ro-bind-fd FD DEST",
        "--overlay-src SRC",
        "--overlay RWSRC WORKDIR DEST",
        "--tmp-overlay DEST",
        "--ro-overlay DEST",
};

START_TEST(test_usage)
{
	char *out = NULL;
	size_t len = 0, i, lines = 0;
	FILE *f = open_memstream(&out, &len);
	const char *p, *first = "usage: /usr/bin/bwrap [OPTIONS...] [--] COMMAND [ARGS...]\n\n";

	ck_assert_ptr_nonnull(f);
	nsb_cli_usage(f, "/usr/bin/bwrap");
	fclose(f);
	ck_assert_msg(strncmp(out, first, strlen(first)) == 0, "%s", out);
	for (i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++) {
		char line[64];

		/* At the start of a line, then the help text. */
		snprintf(line, sizeof(line), "\n    %s  ", implemented[i]);
		ck_assert_msg(strstr(out, line), "usage lacks '%s'", implemented[i]);
	}
	/* Nothing else is listed: one line per option. */
	for (p = out; (p = strstr(p, "\n    --")); p++)
		lines++;
	ck_assert_uint_eq(lines, sizeof(implemented) / sizeof(implemented[0]));
	ck_assert_ptr_nonnull(strstr(out, "\nFilesystem operations"));
	free(out);
}
END_TEST

/* Every implemented option parses in a minimal valid form: a test that
 * fails when the usage list above and the parser drift apart. */
START_TEST(test_usage_options_parse)
{
	size_t i;

	for (i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++) {
		const char *list[20] = {"nsbox", "--unshare-pid", "--unshare-uts"};
		char name[32];
		size_t n = 3, sp = strcspn(implemented[i], " ");
		const char *a = implemented[i] + sp;
		int r;

		snprintf(name, sizeof(name), "%.*s", (int)sp, implemented[i]);
		/* Options that need a companion, or a word rather than a number. */
		if (strcmp(name, "--userns2") == 0) {
			list[n++] = "--userns";
			list[n++] = "1";
		}
		if (strcmp(name, "--userns-block-fd") == 0 ||
		    strcmp(name, "--disable-userns") == 0) {
			list[n++] = "--unshare-user";
			list[n++] = "--info-fd";
			list[n++] = "1";
		}
		if (strstr(name, "-overlay") && strcmp(name, "--overlay-src") != 0) {
			list[n++] = "--overlay-src";
			list[n++] = "/l1";
			list[n++] = "--overlay-src";
			list[n++] = "/l2";
		}
		list[n++] = name;
		while (*a == ' ') {
			a++;
			/* FD, OCTAL, BYTES, ids: "1" fits them all; paths too. */
			if (strcmp(name, "--args") == 0)
				list[n++] = fd_str(DATA(""));
			else if (strncmp(name, "--cap-", 6) == 0)
				list[n++] = "CAP_CHOWN";
			else if (strcmp(name, "--rlimit") == 0)
				list[n++] = "NOFILE=64";
			else if (strcmp(name, "--seccomp-profile") == 0)
				list[n++] = "default";
			else if (strcmp(name, "--add-seccomp-fd") == 0)
				/* One instruction: "return allow". */
				list[n++] = fd_str(DATA("\x06\0\0\0\0\0\xff\x7f"));
			else
				list[n++] = "1";
			a += strcspn(a, " ");
		}
		if (strcmp(name, "--overlay-src") == 0) {
			list[n++] = "--tmp-overlay";
			list[n++] = "/o";
		}
		if (strcmp(name, "--perms") == 0 || strcmp(name, "--size") == 0) {
			list[n++] = "--tmpfs";
			list[n++] = "/t";
		}
		list[n++] = "true";
		list[n] = NULL;
		r = parse_list(list);
		ck_assert_msg(r == (strcmp(name, "--help") == 0           ? NSB_CLI_HELP
		                    : strcmp(name, "--version") == 0      ? NSB_CLI_VERSION
		                    : strcmp(name, "--list-options") == 0 ? NSB_CLI_LIST_OPTIONS
		                                                          : NSB_CLI_RUN),
		              "%s: %d, %s", name, r, logged());
	}
}
END_TEST

START_TEST(test_config_free)
{
	struct nsb_config c = {0};

	nsb_config_free(&c);
	nsb_config_free(NULL);
	PARSE_OK("--bind", "/a", "/b", "--setenv", "A", "1", "--chdir", "/", "true");
	nsb_config_free(&cfg);
	ck_assert_ptr_null(cfg.ops);
	ck_assert_uint_eq(cfg.n_ops, 0);
	ck_assert_ptr_null(cfg.env);
	ck_assert_uint_eq(cfg.n_env, 0);
	ck_assert_ptr_null(cfg.chdir_path);
	ck_assert_ptr_null(cfg.command);
	nsb_config_free(&cfg);
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc;

	tc = tcase_create("general");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_command_only);
	tcase_add_test(tc, test_command_stops_parsing);
	tcase_add_test(tc, test_double_dash);
	tcase_add_test(tc, test_help_version);
	tcase_add_test(tc, test_no_arguments);
	tcase_add_test(tc, test_missing_command);
	tcase_add_test(tc, test_unknown_option);
	tcase_add_test(tc, test_argv0);
	tcase_add_test(tc, test_level_prefix);
	tcase_add_test(tc, test_config_free);
	suite_add_tcase(s, tc);

	tc = tcase_create("namespaces");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_flag_options);
	tcase_add_test(tc, test_share_net);
	tcase_add_test(tc, test_uid_gid);
	tcase_add_test(tc, test_uid_gid_invalid);
	tcase_add_test(tc, test_uid_gid_last_wins);
	tcase_add_test(tc, test_uid_gid_need_userns_as_root);
	tcase_add_test(tc, test_uid_gid_with_userns_as_root);
	tcase_add_test(tc, test_hostname);
	suite_add_tcase(s, tc);

	tc = tcase_create("process");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_chdir);
	tcase_add_test(tc, test_env);
	tcase_add_test(tc, test_env_invalid);
	tcase_add_test(tc, test_as_pid_1);
	suite_add_tcase(s, tc);

	tc = tcase_create("filesystem");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_binds);
	tcase_add_test(tc, test_dest_only_ops);
	tcase_add_test(tc, test_fd_ops);
	tcase_add_test(tc, test_symlink);
	tcase_add_test(tc, test_chmod);
	tcase_add_test(tc, test_op_order);
	tcase_add_test(tc, test_many_ops);
	tcase_add_test(tc, test_perms);
	tcase_add_test(tc, test_perms_invalid);
	tcase_add_test(tc, test_size);
	tcase_add_test(tc, test_size_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("args");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_args_kinds);
	tcase_add_test(tc, test_args_edge_cases);
	tcase_add_test(tc, test_args_invalid);
	tcase_add_test(tc, test_args_too_much_data);
	tcase_add_test(tc, test_args_thousands);
	tcase_add_test(tc, test_max_args_argv);
	tcase_add_test(tc, test_max_args_with_args);
	suite_add_tcase(s, tc);

	tc = tcase_create("usage");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_usage);
	tcase_add_test(tc, test_usage_options_parse);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cli_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
