/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The lifecycle and lockdown options (man/nsbox.1's options of those kinds, and
 * the options beyond bubblewrap): for each one a valid case asserting the
 * config it produces, then the invalid cases with their exact messages; the
 * cross-option rules; the pure helpers behind them (capability names and
 * sets, --rlimit values, the --info-fd / --json-status-fd layouts). Run
 * with CK_FORK=no under valgrind to check for leaks. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "caps.h"
#include "cli.h"
#include "log.h"
#include "nsb-config.h"
#include "rlimit.h"
#include "status.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#include "cli-harness.h"

/* Parses, logging nothing. */
#define PARSE_OK(...) parse_ok_list(ARGV(__VA_ARGS__), "")
/* Parses, logging exactly msg (warnings). */
#define PARSE_WARN(msg, ...) parse_ok_list(ARGV(__VA_ARGS__), msg)

/* ---- fd options --------------------------------------------------------- */

/* Every fd option, with the options it cannot go without (they come first
 * on the command line). */
static const struct fd_option {
	const char *name;
	size_t field;
	const char *needs[4];
} fd_options[] = {
        {"--info-fd", offsetof(struct nsb_config, info_fd), {NULL}},
        {"--json-status-fd", offsetof(struct nsb_config, json_status_fd), {NULL}},
        {"--block-fd", offsetof(struct nsb_config, block_fd), {NULL}},
        {"--sync-fd", offsetof(struct nsb_config, sync_fd), {NULL}},
        {"--userns", offsetof(struct nsb_config, userns_fd), {NULL}},
        {"--pidns", offsetof(struct nsb_config, pidns_fd), {NULL}},
        {"--userns-block-fd",
         offsetof(struct nsb_config, userns_block_fd),
         {"--unshare-user", "--info-fd", "9", NULL}},
        {"--userns2", offsetof(struct nsb_config, userns2_fd), {"--userns", "8", NULL}},
};

static int fd_field(const struct fd_option *o)
{
	return *(const int *)((const char *)&cfg + o->field);
}

/* argv: nsbox, o's companions, then the rest (NULL-terminated). Returns the
 * argv index the rest starts at. */
static int build(const struct fd_option *o, const char **list, const char *const *rest)
{
	int n = 0, at;

	list[n++] = "nsbox";
	for (int i = 0; o->needs[i]; i++)
		list[n++] = o->needs[i];
	at = n;
	for (int i = 0; rest[i]; i++)
		list[n++] = rest[i];
	list[n] = NULL;
	return at;
}

/* The fd fields not named by o (nor by its companions) are -1. */
static void assert_other_fds_unset(const struct fd_option *o)
{
	for (size_t j = 0; j < N_ELEMS(fd_options); j++) {
		const struct fd_option *other = &fd_options[j];
		bool companion = false;

		for (int i = 0; o->needs[i]; i++)
			companion |= strcmp(o->needs[i], other->name) == 0;
		if (other == o || companion)
			continue;
		ck_assert_msg(fd_field(other) == -1, "%s: %s is %d", o->name, other->name,
		              fd_field(other));
	}
	ck_assert_int_eq(cfg.seccomp_fd, -1);
}

START_TEST(test_fd_options_valid)
{
	static const char *const values[] = {"5", "0", "2147483647", "007"};
	static const int want[] = {5, 0, INT_MAX, 7};

	for (size_t i = 0; i < N_ELEMS(fd_options); i++) {
		const struct fd_option *o = &fd_options[i];

		for (size_t k = 0; k < N_ELEMS(values); k++) {
			const char *list[16];

			build(o, list, (const char *const[]){o->name, values[k], "true", NULL});
			parse_ok_list(list, "");
			ck_assert_msg(fd_field(o) == want[k], "%s %s: got %d", o->name, values[k],
			              fd_field(o));
			assert_other_fds_unset(o);
		}
	}
	/* Nothing given: every fd option is -1. */
	PARSE_OK("true");
	for (size_t i = 0; i < N_ELEMS(fd_options); i++)
		ck_assert_int_eq(fd_field(&fd_options[i]), -1);
	ck_assert_int_eq(cfg.seccomp_fd, -1);
}
END_TEST

START_TEST(test_fd_options_invalid)
{
	static const char *const bad[] = {"x",  "-1",  "",   "2147483648", "3 ",
	                                  " 3", "0x3", "+3", "3x",         "99999999999999999999"};

	for (size_t i = 0; i < N_ELEMS(fd_options); i++) {
		const struct fd_option *o = &fd_options[i];

		for (size_t k = 0; k < N_ELEMS(bad); k++) {
			const char *list[16];
			char msg[200];
			int at = build(o, list,
			               (const char *const[]){o->name, bad[k], "true", NULL});

			snprintf(msg, sizeof(msg),
			         "nsbox: Invalid fd: %s\nnsbox: %s (argument %d) takes a decimal "
			         "number from 0 to 2147483647\n",
			         bad[k], o->name, at + 1);
			expect_err_list(bad[k][0] == '2' || bad[k][0] == '9' ? -ERANGE : -EINVAL,
			                msg, list);
		}
	}
}
END_TEST

START_TEST(test_fd_options_missing_argument)
{
	for (size_t i = 0; i < N_ELEMS(fd_options); i++) {
		const char *list[16];
		char msg[160];
		int at = build(&fd_options[i], list,
		               (const char *const[]){fd_options[i].name, NULL});

		snprintf(msg, sizeof(msg),
		         "nsbox: %s takes an argument (%s FD, argument %d: got 0)\n",
		         fd_options[i].name, fd_options[i].name, at);
		expect_err_list(-EINVAL, msg, list);
	}
}
END_TEST

START_TEST(test_fd_options_last_wins)
{
	for (size_t i = 0; i < N_ELEMS(fd_options); i++) {
		const struct fd_option *o = &fd_options[i];
		const char *list[16];
		char msg[160];

		snprintf(msg, sizeof(msg), "nsbox: Only the last %s option will take effect\n",
		         o->name);
		build(o, list, (const char *const[]){o->name, "4", o->name, "6", "true", NULL});
		parse_ok_list(list, msg);
		ck_assert_int_eq(fd_field(o), 6);
		/* Also when the first one came through --level-prefix. */
		build(o, list,
		      (const char *const[]){o->name, "4", "--level-prefix", o->name, "3", "true",
		                            NULL});
		snprintf(msg, sizeof(msg), "<4>nsbox: Only the last %s option will take effect\n",
		         o->name);
		parse_ok_list(list, msg);
		ck_assert_int_eq(fd_field(o), 3);
		nsb_log_set_level_prefix(false);
	}
	/* One warning per repetition. */
	PARSE_WARN("nsbox: Only the last --sync-fd option will take effect\nnsbox: Only the last "
	           "--sync-fd option will take effect\n",
	           "--sync-fd", "1", "--sync-fd", "2", "--sync-fd", "3", "true");
	ck_assert_int_eq(cfg.sync_fd, 3);
}
END_TEST

/* The same fd number for several options is the caller's business. */
START_TEST(test_fd_options_together)
{
	PARSE_OK("--unshare-user", "--info-fd", "3", "--json-status-fd", "4", "--block-fd", "5",
	         "--userns-block-fd", "6", "--sync-fd", "7", "true");
	ck_assert_int_eq(cfg.info_fd, 3);
	ck_assert_int_eq(cfg.json_status_fd, 4);
	ck_assert_int_eq(cfg.block_fd, 5);
	ck_assert_int_eq(cfg.userns_block_fd, 6);
	ck_assert_int_eq(cfg.sync_fd, 7);
	ck_assert_int_eq(cfg.userns_fd, -1);

	PARSE_OK("--userns", "3", "--userns2", "3", "--pidns", "3", "--info-fd", "3", "true");
	ck_assert_int_eq(cfg.userns_fd, 3);
	ck_assert_int_eq(cfg.userns2_fd, 3);
	ck_assert_int_eq(cfg.pidns_fd, 3);
	ck_assert_int_eq(cfg.info_fd, 3);
}
END_TEST

/* ---- --args data -------------------------------------------------------- */

static int data_fd(const char *data, size_t len)
{
	int fd = memfd_create("nsbox-test-lifecycle", MFD_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static const char *fd_str(int fd)
{
	static char buf[16];

	snprintf(buf, sizeof(buf), "%d", fd);
	return buf;
}

#define DATA(s) data_fd(s, sizeof(s) - 1)

START_TEST(test_args_data)
{
	int fd = DATA("--info-fd\0003\0--lock-file\0/"
	              "l\0--cap-drop\0ALL\0--rlimit\0NOFILE=8\0--exec-label\0x\0--kill-on-exit");

	PARSE_OK("--args", fd_str(fd), "--lock-file", "/m", "true");
	ck_assert_int_eq(cfg.info_fd, 3);
	ck_assert_uint_eq(cfg.n_lock_files, 2);
	ck_assert_str_eq(cfg.lock_files[0], "/l");
	ck_assert_str_eq(cfg.lock_files[1], "/m");
	ck_assert_uint_eq(cfg.n_cap_ops, 1);
	ck_assert_uint_eq(cfg.n_rlimits, 1);
	ck_assert_str_eq(cfg.exec_label, "x");
	ck_assert(cfg.kill_on_exit);

	fd = DATA("--rlimit\0NOFILE=9:8");
	EXPECT_ERR(-ERANGE,
	           "nsbox: --rlimit: soft limit above the hard limit in 'NOFILE=9:8' (in --args "
	           "data)\n",
	           "--args", fd_str(fd), "true");
	fd = DATA("--cap-add\0nope");
	EXPECT_ERR(-EINVAL,
	           "nsbox: unknown cap: nope (--cap-add, in --args data): expected a name such as "
	           "CAP_SYS_ADMIN, or ALL\n",
	           "--args", fd_str(fd), "true");
	fd = DATA("--sync-fd\0-3");
	EXPECT_ERR(-EINVAL,
	           "nsbox: Invalid fd: -3\nnsbox: --sync-fd (in --args data) takes a decimal "
	           "number from 0 to 2147483647\n",
	           "--args", fd_str(fd), "true");
	/* A rule broken by what the data brought is reported at its place. */
	fd = DATA("--userns2\0004");
	EXPECT_ERR(-EINVAL, "nsbox: --userns2 requires --userns (in --args data)\n", "--args",
	           fd_str(fd), "true");
}
END_TEST

/* ---- flags -------------------------------------------------------------- */

START_TEST(test_lifecycle_flags)
{
	PARSE_OK("--no-forward-signals", "true");
	ck_assert(cfg.no_forward_signals);
	ck_assert(!cfg.kill_on_exit);
	PARSE_OK("--kill-on-exit", "--kill-on-exit", "true");
	ck_assert(cfg.kill_on_exit);
	ck_assert(!cfg.no_forward_signals);
	PARSE_OK("--assert-userns-disabled", "true");
	ck_assert(cfg.assert_userns_disabled);
	ck_assert(!cfg.disable_userns);
	PARSE_OK("--unshare-user", "--disable-userns", "--disable-userns", "true");
	ck_assert(cfg.disable_userns);
	ck_assert(!cfg.assert_userns_disabled);
	PARSE_OK("--disable-userns", "--assert-userns-disabled", "--unshare-user", "true");
	ck_assert(cfg.disable_userns);
	ck_assert(cfg.assert_userns_disabled);

	/* None of them by default. */
	PARSE_OK("true");
	ck_assert(!cfg.no_forward_signals);
	ck_assert(!cfg.kill_on_exit);
	ck_assert(!cfg.disable_userns);
	ck_assert(!cfg.assert_userns_disabled);
	ck_assert_uint_eq(cfg.n_lock_files, 0);
	ck_assert_uint_eq(cfg.n_cap_ops, 0);
	ck_assert_uint_eq(cfg.n_rlimits, 0);
	ck_assert_ptr_null(cfg.exec_label);
	ck_assert_ptr_null(cfg.file_label);
}
END_TEST

/* ---- --lock-file --------------------------------------------------------- */

START_TEST(test_lock_file)
{
	char long_path[PATH_MAX + 1];

	PARSE_OK("--lock-file", "/run/lock", "true");
	ck_assert_uint_eq(cfg.n_lock_files, 1);
	ck_assert_str_eq(cfg.lock_files[0], "/run/lock");

	/* Repeatable, in order, duplicates kept; a relative path is taken as is. */
	PARSE_OK("--lock-file", "/a", "--unshare-pid", "--lock-file", "rel/b", "--lock-file", "/a",
	         "true");
	ck_assert_uint_eq(cfg.n_lock_files, 3);
	ck_assert_str_eq(cfg.lock_files[0], "/a");
	ck_assert_str_eq(cfg.lock_files[1], "rel/b");
	ck_assert_str_eq(cfg.lock_files[2], "/a");

	/* More than the first allocation holds. */
	{
		const char *list[96] = {"nsbox"};
		int n = 1;

		for (int i = 0; i < 40; i++) {
			list[n++] = "--lock-file";
			list[n++] = i % 2 ? "/odd" : "/even";
		}
		list[n++] = "true";
		list[n] = NULL;
		parse_ok_list(list, "");
		ck_assert_uint_eq(cfg.n_lock_files, 40);
		ck_assert_str_eq(cfg.lock_files[39], "/odd");
	}

	EXPECT_ERR(-EINVAL, "nsbox: --lock-file: DEST must not be empty (argument 2)\n",
	           "--lock-file", "", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --lock-file takes an argument (--lock-file DEST, argument 3: got 0)\n",
	           "--lock-file", "/a", "--lock-file");
	memset(long_path, 'a', PATH_MAX);
	long_path[0] = '/';
	long_path[PATH_MAX] = '\0';
	EXPECT_ERR(-ENAMETOOLONG,
	           "nsbox: --lock-file: DEST is too long (argument 4): 4096 bytes, at most 4095\n",
	           "--lock-file", "/ok", "--lock-file", long_path, "true");
	long_path[PATH_MAX - 1] = '\0';
	PARSE_OK("--lock-file", long_path, "true");
}
END_TEST

/* ---- cross-option rules -------------------------------------------------- */

START_TEST(test_userns_block_fd_rules)
{
	/* Explicit --unshare-user is needed, even when one is implied. */
	for (int i = 0; i < 2; i++) {
		real_uid = i ? 0 : 1000;
		real_gid = real_uid;
		EXPECT_ERR(-EINVAL,
		           "nsbox: --userns-block-fd requires --unshare-user (argument 3)\n",
		           "--info-fd", "3", "--userns-block-fd", "4", "true");
		EXPECT_ERR(
		        -EINVAL, "nsbox: --userns-block-fd requires --unshare-user (argument 1)\n",
		        "--userns-block-fd", "4", "--unshare-user-try", "--info-fd", "3", "true");
		EXPECT_ERR(-EINVAL,
		           "nsbox: --userns-block-fd requires --unshare-user (argument 2)\n",
		           "--unshare-all", "--userns-block-fd", "4", "--info-fd", "3", "true");
		EXPECT_ERR(-EINVAL, "nsbox: --userns-block-fd requires --info-fd (argument 2)\n",
		           "--unshare-user", "--userns-block-fd", "4", "true");
		/* The position is that of the last one given. */
		EXPECT_ERR(-EINVAL,
		           "nsbox: Only the last --userns-block-fd option will take effect\nnsbox: "
		           "--userns-block-fd requires --info-fd (argument 4)\n",
		           "--userns-block-fd", "4", "--unshare-user", "--userns-block-fd", "5",
		           "true");
		PARSE_OK("--userns-block-fd", "4", "--info-fd", "3", "--unshare-user", "true");
		ck_assert_int_eq(cfg.userns_block_fd, 4);
		ck_assert_int_eq(cfg.info_fd, 3);
		ck_assert(cfg.unshare_user);
	}
}
END_TEST

START_TEST(test_disable_userns_rules)
{
	for (int i = 0; i < 2; i++) {
		real_uid = i ? 0 : 1000;
		real_gid = real_uid;
		EXPECT_ERR(-EINVAL,
		           "nsbox: --disable-userns requires --unshare-user (argument 1)\n",
		           "--disable-userns", "true");
		EXPECT_ERR(-EINVAL,
		           "nsbox: --disable-userns requires --unshare-user (argument 2)\n",
		           "--unshare-user-try", "--disable-userns", "true");
		EXPECT_ERR(-EINVAL,
		           "nsbox: --disable-userns requires --unshare-user (argument 2)\n",
		           "--unshare-all", "--disable-userns", "true");
	}
	/* Not with --userns-block-fd, named in the order given. */
	EXPECT_ERR(
	        -EINVAL,
	        "nsbox: --disable-userns is not compatible with  --userns-block-fd (argument 5)\n",
	        "--unshare-user", "--disable-userns", "--info-fd", "3", "--userns-block-fd", "4",
	        "true");
	EXPECT_ERR(
	        -EINVAL,
	        "nsbox: --disable-userns is not compatible with  --userns-block-fd (argument 6)\n",
	        "--unshare-user", "--info-fd", "3", "--userns-block-fd", "4", "--disable-userns",
	        "true");
	/* --assert-userns-disabled alone needs nothing. */
	PARSE_OK("--assert-userns-disabled", "--userns", "3", "true");
	ck_assert(cfg.assert_userns_disabled);
}
END_TEST

START_TEST(test_userns_rules)
{
	EXPECT_ERR(-EINVAL, "nsbox: --userns not compatible --unshare-user (argument 3)\n",
	           "--userns", "3", "--unshare-user", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --userns not compatible --unshare-user (argument 2)\n",
	           "--unshare-user", "--userns", "3", "true");
	/* --unshare-all implies --unshare-user-try: refused with --userns too. */
	EXPECT_ERR(-EINVAL, "nsbox: --userns is not compatible with --unshare-all (argument 2)\n",
	           "--unshare-all", "--userns", "3", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --userns not compatible --unshare-user-try (argument 3)\n",
	           "--userns", "3", "--unshare-user-try", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --userns not compatible --unshare-user-try (argument 2)\n",
	           "--unshare-user-try", "--userns", "3", "true");
	/* --disable-userns wants --unshare-user, which --userns refuses. */
	EXPECT_ERR(-EINVAL, "nsbox: --disable-userns requires --unshare-user (argument 3)\n",
	           "--userns", "3", "--disable-userns", "true");
	EXPECT_ERR(-EINVAL, "nsbox: --userns not compatible --unshare-user (argument 3)\n",
	           "--userns", "3", "--unshare-user", "--disable-userns", "true");

	EXPECT_ERR(-EINVAL, "nsbox: --userns2 requires --userns (argument 1)\n", "--userns2", "3",
	           "true");
	EXPECT_ERR(-EINVAL, "nsbox: --userns2 requires --userns (argument 2)\n", "--unshare-user",
	           "--userns2", "3", "true");
	PARSE_OK("--userns2", "4", "--userns", "3", "true");
	ck_assert_int_eq(cfg.userns_fd, 3);
	ck_assert_int_eq(cfg.userns2_fd, 4);

	/* As root, a joined user namespace is one for --uid / --gid. */
	real_uid = 0;
	PARSE_OK("--userns", "3", "--uid", "5", "--gid", "6", "true");
	ck_assert_uint_eq(cfg.sandbox_uid, 5);
	ck_assert_uint_eq(cfg.sandbox_gid, 6);
	/* --pidns alone, and with a new pid namespace below it. */
	PARSE_OK("--pidns", "3", "true");
	ck_assert_int_eq(cfg.pidns_fd, 3);
	ck_assert(!cfg.unshare_pid);
	PARSE_OK("--pidns", "3", "--unshare-pid", "true");
	ck_assert(cfg.unshare_pid);
}
END_TEST

START_TEST(test_as_pid_1_lock_file)
{
	EXPECT_ERR(-EINVAL,
	           "nsbox: Specifying --as-pid-1 and --lock-file is not permitted (argument 3)\n",
	           "--unshare-pid", "--as-pid-1", "--lock-file", "/l", "true");
	EXPECT_ERR(-EINVAL,
	           "nsbox: Specifying --as-pid-1 and --lock-file is not permitted (argument 4)\n",
	           "--lock-file", "/l", "--unshare-pid", "--as-pid-1", "true");
	/* --as-pid-1 needs --unshare-pid first of all. */
	EXPECT_ERR(-EINVAL, "nsbox: Specifying --as-pid-1 requires --unshare-pid (argument 1)\n",
	           "--as-pid-1", "--lock-file", "/l", "true");
	/* --sync-fd is fine with it (the fd then stays open in COMMAND). */
	PARSE_OK("--unshare-pid", "--as-pid-1", "--sync-fd", "3", "true");
	ck_assert(cfg.as_pid_1);
	ck_assert_int_eq(cfg.sync_fd, 3);
}
END_TEST

/* ---- --cap-add / --cap-drop ---------------------------------------------- */

START_TEST(test_caps_valid)
{
	static const struct {
		const char *name;
		int cap;
	} names[] = {
	        {"CAP_SYS_ADMIN", CAP_SYS_ADMIN},
	        {"cap_sys_admin", CAP_SYS_ADMIN},
	        {"sys_admin", CAP_SYS_ADMIN},
	        {"SYS_ADMIN", CAP_SYS_ADMIN},
	        {"Cap_Chown", CAP_CHOWN},
	        {"chown", CAP_CHOWN},
	        {"CAP_NET_RAW", CAP_NET_RAW},
	        {"cap_mac_admin", CAP_MAC_ADMIN},
	        {"ALL", -1},
	        {"all", -1},
	        {"All", -1},
	};

	for (size_t i = 0; i < N_ELEMS(names); i++) {
		parse_ok_list(ARGV("--cap-add", names[i].name, "--cap-drop", names[i].name, "true"),
		              "");
		ck_assert_uint_eq(cfg.n_cap_ops, 2);
		ck_assert_msg(cfg.cap_ops[0].add && cfg.cap_ops[0].cap == names[i].cap,
		              "--cap-add %s: add %d cap %d", names[i].name, cfg.cap_ops[0].add,
		              cfg.cap_ops[0].cap);
		ck_assert_msg(!cfg.cap_ops[1].add && cfg.cap_ops[1].cap == names[i].cap,
		              "--cap-drop %s: add %d cap %d", names[i].name, cfg.cap_ops[1].add,
		              cfg.cap_ops[1].cap);
	}

	/* In command-line order, repeats kept, nothing else touched. */
	PARSE_OK("--cap-drop", "ALL", "--unshare-pid", "--cap-add", "CAP_NET_RAW", "--cap-add",
	         "CAP_NET_RAW", "--cap-drop", "kill", "true");
	ck_assert_uint_eq(cfg.n_cap_ops, 4);
	ck_assert(!cfg.cap_ops[0].add);
	ck_assert_int_eq(cfg.cap_ops[0].cap, -1);
	ck_assert(cfg.cap_ops[1].add);
	ck_assert_int_eq(cfg.cap_ops[1].cap, CAP_NET_RAW);
	ck_assert(cfg.cap_ops[2].add);
	ck_assert_int_eq(cfg.cap_ops[2].cap, CAP_NET_RAW);
	ck_assert(!cfg.cap_ops[3].add);
	ck_assert_int_eq(cfg.cap_ops[3].cap, CAP_KILL);
	ck_assert(cfg.unshare_pid);

	/* Beyond the first allocation. */
	{
		const char *list[80] = {"nsbox"};
		int n = 1;

		for (int i = 0; i < 35; i++) {
			list[n++] = i % 2 ? "--cap-add" : "--cap-drop";
			list[n++] = "CAP_CHOWN";
		}
		list[n++] = "true";
		list[n] = NULL;
		parse_ok_list(list, "");
		ck_assert_uint_eq(cfg.n_cap_ops, 35);
		ck_assert(!cfg.cap_ops[34].add);
	}
}
END_TEST

START_TEST(test_caps_invalid)
{
	static const char *const bad[] = {
	        "",
	        "CAP_",
	        "cap_",
	        "CAP_BOGUS",
	        "12",
	        "cap_12",
	        "0",
	        "CAP_ALL",
	        "cap_all",
	        "ALLx",
	        " CAP_KILL",
	        "CAP_KILL ",
	        "sys-admin",
	        "CAP_KILL,CAP_CHOWN",
	        "cap_kill+ep",
	        "=ep",
	        "-CAP_KILL",
	        /* A known name with more after it (libcap stops reading at
	         * the end of the name; found by fuzzing). */
	        "CAP_SYS_ADMIN1024",
	        "sys_admin1",
	        "chown9",
	        "cap_chownx",
	};

	for (size_t i = 0; i < N_ELEMS(bad); i++) {
		for (int add = 0; add < 2; add++) {
			const char *opt = add ? "--cap-add" : "--cap-drop";
			char msg[200];

			snprintf(msg, sizeof(msg),
			         "nsbox: unknown cap: %s (%s, argument 4): expected a name such as "
			         "CAP_SYS_ADMIN, or ALL\n",
			         bad[i], opt);
			expect_err_list(-EINVAL, msg,
			                ARGV("--cap-add", "CAP_KILL", opt, bad[i], "true"));
		}
	}
	EXPECT_ERR(-EINVAL,
	           "nsbox: --cap-add takes an argument (--cap-add CAP, argument 1: got 0)\n",
	           "--cap-add");
	EXPECT_ERR(-EINVAL,
	           "nsbox: --cap-drop takes an argument (--cap-drop CAP, argument 3: got 0)\n",
	           "--cap-add", "ALL", "--cap-drop");
}
END_TEST

START_TEST(test_caps_names)
{
	int cap;

	/* Every capability libcap knows, by its own name, with and without
	 * the prefix, and in capitals. */
	for (int c = 0; c <= CAP_LAST_CAP; c++) {
		char *name = cap_to_name(c), upper[64];

		ck_assert_ptr_nonnull(name);
		/* A capability this libcap has no name for comes back as a number. */
		if (name[0] >= '0' && name[0] <= '9') {
			cap_free(name);
			continue;
		}
		ck_assert_msg(nsb_caps_from_name(name, &cap, "test") == 0 && cap == c, "%s", name);
		ck_assert_int_eq(strncmp(name, "cap_", 4), 0);
		ck_assert_msg(nsb_caps_from_name(name + 4, &cap, "test") == 0 && cap == c, "%s",
		              name + 4);
		snprintf(upper, sizeof(upper), "%s", name);
		for (char *p = upper; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
		ck_assert_msg(nsb_caps_from_name(upper, &cap, "test") == 0 && cap == c, "%s",
		              upper);
		cap_free(name);
	}
	cap = 12345;
	ck_assert_int_eq(nsb_caps_from_name("nonsense", &cap, "test"), -EINVAL);
	ck_assert_int_eq(cap, 12345);
	/* Long names do not overflow anything. */
	{
		char big[300];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		ck_assert_int_eq(nsb_caps_from_name(big, &cap, "test"), -EINVAL);
	}
}
END_TEST

START_TEST(test_caps_compute)
{
	const uint64_t all = nsb_caps_all();
	const uint64_t raw = UINT64_C(1) << CAP_NET_RAW, adm = UINT64_C(1) << CAP_SYS_ADMIN;
	struct nsb_cap_op drop_all_add_raw[] = {{false, -1}, {true, CAP_NET_RAW}};
	struct nsb_cap_op add_raw_drop_all[] = {{true, CAP_NET_RAW}, {false, -1}};
	struct nsb_cap_op add_all[] = {{true, -1}};
	struct nsb_cap_op drop_adm[] = {{false, CAP_SYS_ADMIN}};
	struct nsb_cap_op add_drop_add[] = {
	        {true, CAP_SYS_ADMIN}, {false, CAP_SYS_ADMIN}, {true, CAP_SYS_ADMIN}};

	/* The capabilities of the running kernel: the low bits, all of them
	 * up to at least CAP_AUDIT_READ (Linux 3.16). */
	ck_assert_uint_eq(all & (all + 1), 0);
	ck_assert_uint_ge(all, (UINT64_C(1) << (CAP_AUDIT_READ + 1)) - 1);
	/* The base set is kept without ops (root's default; 0 for others). */
	ck_assert_uint_eq(nsb_caps_compute(all, NULL, 0), all);
	ck_assert_uint_eq(nsb_caps_compute(0, NULL, 0), 0);
	/* In order. */
	ck_assert_uint_eq(nsb_caps_compute(all, drop_all_add_raw, 2), raw);
	ck_assert_uint_eq(nsb_caps_compute(0, drop_all_add_raw, 2), raw);
	ck_assert_uint_eq(nsb_caps_compute(all, add_raw_drop_all, 2), 0);
	ck_assert_uint_eq(nsb_caps_compute(0, add_all, 1), all);
	ck_assert_uint_eq(nsb_caps_compute(all, drop_adm, 1), all & ~adm);
	ck_assert_uint_eq(nsb_caps_compute(0, drop_adm, 1), 0);
	ck_assert_uint_eq(nsb_caps_compute(0, add_drop_add, 3), adm);
	ck_assert_uint_eq(nsb_caps_compute(raw, add_drop_add, 2), raw);
	/* Bits the kernel does not know are never kept. */
	ck_assert_uint_eq(nsb_caps_compute(UINT64_MAX, NULL, 0), all);
}
END_TEST

/* ---- --rlimit ------------------------------------------------------------ */

static const struct {
	const char *name;
	int resource;
} rlimits[] = {
        {"AS", RLIMIT_AS},
        {"CORE", RLIMIT_CORE},
        {"CPU", RLIMIT_CPU},
        {"DATA", RLIMIT_DATA},
        {"FSIZE", RLIMIT_FSIZE},
        {"LOCKS", RLIMIT_LOCKS},
        {"MEMLOCK", RLIMIT_MEMLOCK},
        {"MSGQUEUE", RLIMIT_MSGQUEUE},
        {"NICE", RLIMIT_NICE},
        {"NOFILE", RLIMIT_NOFILE},
        {"NPROC", RLIMIT_NPROC},
        {"RSS", RLIMIT_RSS},
        {"RTPRIO", RLIMIT_RTPRIO},
        {"RTTIME", RLIMIT_RTTIME},
        {"SIGPENDING", RLIMIT_SIGPENDING},
        {"STACK", RLIMIT_STACK},
};

static void assert_rlimit(size_t i, int resource, rlim_t soft, bool hard_given, rlim_t hard)
{
	const struct nsb_rlimit *l;

	ck_assert_uint_gt(cfg.n_rlimits, i);
	l = &cfg.rlimits[i];
	ck_assert_int_eq(l->resource, resource);
	ck_assert_uint_eq(l->soft, soft);
	ck_assert_int_eq(l->hard_given, hard_given);
	if (hard_given)
		ck_assert_uint_eq(l->hard, hard);
}

START_TEST(test_rlimit_names)
{
	for (size_t i = 0; i < N_ELEMS(rlimits); i++) {
		char a[64], b[64], c[64];

		/* As listed, with the prefix, in lower case. */
		snprintf(a, sizeof(a), "%s=1", rlimits[i].name);
		snprintf(b, sizeof(b), "RLIMIT_%s=2:3", rlimits[i].name);
		snprintf(c, sizeof(c), "rlimit_%s=unlimited", rlimits[i].name);
		for (char *p = c; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		parse_ok_list(ARGV("--rlimit", a, "--rlimit", b, "--rlimit", c, "true"), "");
		ck_assert_uint_eq(cfg.n_rlimits, 3);
		assert_rlimit(0, rlimits[i].resource, 1, false, 0);
		assert_rlimit(1, rlimits[i].resource, 2, true, 3);
		assert_rlimit(2, rlimits[i].resource, RLIM_INFINITY, false, 0);
		/* The name table round-trips. */
		ck_assert_str_eq(nsb_rlimit_name(rlimits[i].resource), rlimits[i].name);
	}
	ck_assert_ptr_null(nsb_rlimit_name(-1));
	ck_assert_ptr_null(nsb_rlimit_name(RLIM_NLIMITS));
}
END_TEST

START_TEST(test_rlimit_values)
{
	PARSE_OK("--rlimit", "NOFILE=64:128", "true");
	ck_assert_uint_eq(cfg.n_rlimits, 1);
	assert_rlimit(0, RLIMIT_NOFILE, 64, true, 128);

	/* Mixed case, the two spellings of infinity, equal limits, zero. */
	PARSE_OK("--rlimit", "NoFile=0:0", "--rlimit", "core=Unlimited:INFINITY", "--rlimit",
	         "cpu=5:infinity", "--rlimit", "Stack=8388608:8388608", "true");
	ck_assert_uint_eq(cfg.n_rlimits, 4);
	assert_rlimit(0, RLIMIT_NOFILE, 0, true, 0);
	assert_rlimit(1, RLIMIT_CORE, RLIM_INFINITY, true, RLIM_INFINITY);
	assert_rlimit(2, RLIMIT_CPU, 5, true, RLIM_INFINITY);
	assert_rlimit(3, RLIMIT_STACK, 8388608, true, 8388608);

	/* Repeatable, kept in order (applied in order: the last one wins). */
	PARSE_OK("--rlimit", "NOFILE=10", "--unshare-ipc", "--rlimit", "NOFILE=20:30", "true");
	ck_assert_uint_eq(cfg.n_rlimits, 2);
	assert_rlimit(0, RLIMIT_NOFILE, 10, false, 0);
	assert_rlimit(1, RLIMIT_NOFILE, 20, true, 30);

	/* Leading zeros are decimal, not octal. */
	PARSE_OK("--rlimit", "NPROC=010:0100", "true");
	assert_rlimit(0, RLIMIT_NPROC, 10, true, 100);

	/* Large values. */
	PARSE_OK("--rlimit", "AS=18446744073709551609", "true");
	assert_rlimit(0, RLIMIT_AS, (rlim_t)UINT64_C(18446744073709551609), false, 0);
	PARSE_OK("--rlimit", "FSIZE=4294967296:4294967297", "true");
	assert_rlimit(0, RLIMIT_FSIZE, (rlim_t)UINT64_C(4294967296), true,
	              (rlim_t)UINT64_C(4294967297));

	/* Beyond the first allocation. */
	{
		const char *list[80] = {"nsbox"};
		int n = 1;

		for (int i = 0; i < 33; i++) {
			list[n++] = "--rlimit";
			list[n++] = "CORE=0";
		}
		list[n++] = "true";
		list[n] = NULL;
		parse_ok_list(list, "");
		ck_assert_uint_eq(cfg.n_rlimits, 33);
	}
}
END_TEST

/* The largest finite limit is RLIM_INFINITY - 1. */
START_TEST(test_rlimit_largest_finite)
{
	PARSE_OK("--rlimit", "AS=18446744073709551614", "true");
	assert_rlimit(0, RLIMIT_AS, RLIM_INFINITY - 1, false, 0);
	PARSE_OK("--rlimit", "AS=18446744073709551610:18446744073709551614", "true");
	assert_rlimit(0, RLIMIT_AS, RLIM_INFINITY - 5, true, RLIM_INFINITY - 1);
}
END_TEST

#define RLIMIT_HINT                                                                          \
	": expected NAME=SOFT[:HARD] with NAME one of AS CORE CPU DATA FSIZE LOCKS MEMLOCK " \
	"MSGQUEUE NICE NOFILE NPROC RSS RTPRIO RTTIME SIGPENDING STACK and decimal numbers " \
	"or 'unlimited' (limits in bytes may take a unit: 64M = 64MiB)\n"

START_TEST(test_rlimit_invalid)
{
	/* The argument, then the part the message points at. */
	static const struct {
		const char *arg, *at;
	} bad[] = {
	        {"", ""},
	        {"NOFILE", "NOFILE"},
	        {"=5", "=5"},
	        {"FOO=1", "FOO=1"},
	        {"RLIMIT_=5", "RLIMIT_=5"},
	        {"RLIMIT_FOO=5", "RLIMIT_FOO=5"},
	        {"NOFILES=5", "NOFILES=5"},
	        {"NO FILE=5", "NO FILE=5"},
	        {" NOFILE=5", " NOFILE=5"},
	        {"RLIMIT_RLIMIT_NOFILE=5", "RLIMIT_RLIMIT_NOFILE=5"},
	        {"NOFILE=", ""},
	        {"NOFILE=abc", "abc"},
	        {"NOFILE=-1", "-1"},
	        {"NOFILE=+1", "+1"},
	        {"NOFILE= 1", " 1"},
	        {"NOFILE=1 ", "1 "},
	        {"NOFILE=0x10", "0x10"},
	        {"NOFILE=1e3", "1e3"},
	        {"AS=1e3", "1e3"},
	        {"AS=1.5G", "1.5G"},
	        {"AS=1 G", "1 G"},
	        {"AS=-1G", "-1G"},
	        {"AS=0x10M", "0x10M"},
	        {"AS=G", "G"},
	        {"AS=1GiBx", "1GiBx"},
	        {"AS=1iB", "1iB"},
	        {"STACK=8M:x", "x"},
	        {"NOFILE=1x", "1x"},
	        {"NOFILE=unlimitedx", "unlimitedx"},
	        {"NOFILE=unlimite", "unlimite"},
	        {"NOFILE=inf", "inf"},
	        {"NOFILE=1:", ""},
	        {"NOFILE=:1", ":1"},
	        {"NOFILE=1:x", "x"},
	        {"NOFILE=1:2:3", "2:3"},
	        {"NOFILE=1=2", "1=2"},
	        {"NOFILE=unlimited:", ""},
	};

	for (size_t i = 0; i < N_ELEMS(bad); i++) {
		char msg[400];

		snprintf(msg, sizeof(msg),
		         "nsbox: --rlimit: invalid limit '%s' at '%s' (argument 4)" RLIMIT_HINT,
		         bad[i].arg, bad[i].at);
		expect_err_list(-EINVAL, msg,
		                ARGV("--rlimit", "CORE=0", "--rlimit", bad[i].arg, "true"));
	}
	EXPECT_ERR(-EINVAL,
	           "nsbox: --rlimit takes an argument (--rlimit NAME=SOFT[:HARD], argument 1: got "
	           "0)\n",
	           "--rlimit");
}
END_TEST

/* Units: for the limits in bytes only, as --size reads them. */
START_TEST(test_rlimit_units)
{
	static const char *const bytes[] = {"AS",      "CORE",     "DATA", "FSIZE",
	                                    "MEMLOCK", "MSGQUEUE", "RSS",  "STACK"};
	static const char *const counts[] = {"CPU",   "LOCKS",  "NICE",   "NOFILE",
	                                     "NPROC", "RTPRIO", "RTTIME", "SIGPENDING"};
	char arg[64], msg[400];

	for (size_t i = 0; i < N_ELEMS(bytes); i++) {
		snprintf(arg, sizeof(arg), "%s=64M:1G", bytes[i]);
		parse_ok_list(ARGV("--rlimit", arg, "true"), "");
		ck_assert_uint_eq(cfg.rlimits[0].soft, UINT64_C(64) << 20);
		ck_assert_uint_eq(cfg.rlimits[0].hard, UINT64_C(1) << 30);
	}
	PARSE_OK("--rlimit", "stack=8mib", "--rlimit", "rlimit_core=0K:unlimited", "--rlimit",
	         "MEMLOCK=512KiB:512Ki", "--rlimit", "FSIZE=100B", "--rlimit", "AS=15E", "--rlimit",
	         "DATA=1t", "--rlimit", "RSS=16383P:16383P", "true");
	assert_rlimit(0, RLIMIT_STACK, UINT64_C(8) << 20, false, 0);
	assert_rlimit(1, RLIMIT_CORE, 0, true, RLIM_INFINITY);
	assert_rlimit(2, RLIMIT_MEMLOCK, 512 << 10, true, 512 << 10);
	assert_rlimit(3, RLIMIT_FSIZE, 100, false, 0);
	assert_rlimit(4, RLIMIT_AS, UINT64_C(15) << 60, false, 0);
	assert_rlimit(5, RLIMIT_DATA, UINT64_C(1) << 40, false, 0);
	assert_rlimit(6, RLIMIT_RSS, UINT64_C(16383) << 50, true, UINT64_C(16383) << 50);
	/* Soft above hard, once the units are applied. */
	EXPECT_ERR(
	        -ERANGE,
	        "nsbox: --rlimit: soft limit above the hard limit in 'AS=1G:1023M' (argument 2)\n",
	        "--rlimit", "AS=1G:1023M");

	/* A unit on a count, in the soft or the hard limit, in any case. */
	for (size_t i = 0; i < N_ELEMS(counts); i++) {
		static const char *const values[] = {"1K", "1:2M", "1KiB", "8b",
		                                     "99999999999999999999E"};

		for (size_t j = 0; j < N_ELEMS(values); j++) {
			const char *at;

			snprintf(arg, sizeof(arg), "%s=%s", counts[i], values[j]);
			at = strchr(arg, '=') + 1;
			if (strchr(at, ':'))
				at = strchr(at, ':') + 1;
			snprintf(msg, sizeof(msg),
			         "nsbox: --rlimit: invalid limit '%s' at '%s' (argument 2): %s is "
			         "not counted in bytes and takes no unit (units are for AS CORE "
			         "DATA FSIZE MEMLOCK MSGQUEUE RSS STACK)\n",
			         arg, at, counts[i]);
			expect_err_list(-ENOTSUP, msg, ARGV("--rlimit", arg, "true"));
		}
	}
	EXPECT_ERR(-ENOTSUP,
	           "nsbox: --rlimit: invalid limit 'rlimit_nofile=4k' at '4k' (argument 2): "
	           "rlimit_nofile is not counted in bytes and takes no unit (units are for AS CORE "
	           "DATA FSIZE MEMLOCK MSGQUEUE RSS STACK)\n",
	           "--rlimit", "rlimit_nofile=4k");

	/* Units that often mean powers of 1000. */
	EXPECT_ERR(
	        -EINVAL,
	        "nsbox: --rlimit: invalid limit 'AS=1GB' at '1GB' (argument 2): units are powers "
	        "of 1024, written K, M, G, T, P or E, alone or followed by i or iB (64M = 64Mi = "
	        "64MiB); KB, MB, ... are refused because they often mean powers of 1000\n",
	        "--rlimit", "AS=1GB");
	EXPECT_ERR(
	        -EINVAL,
	        "nsbox: --rlimit: invalid limit 'STACK=8M:16mb' at '16mb' (argument 2): units are "
	        "powers of 1024, written K, M, G, T, P or E, alone or followed by i or iB (64M = "
	        "64Mi = 64MiB); KB, MB, ... are refused because they often mean powers of 1000\n",
	        "--rlimit", "STACK=8M:16mb");
}
END_TEST

/* RLIM_INFINITY is spelled "unlimited"; more does not fit. */
START_TEST(test_rlimit_overflow)
{
	static const struct {
		const char *arg, *at;
	} bad[] = {
	        {"NOFILE=18446744073709551615", "18446744073709551615"},
	        {"NOFILE=18446744073709551616", "18446744073709551616"},
	        {"NOFILE=99999999999999999999999", "99999999999999999999999"},
	        {"NOFILE=1:18446744073709551615", "18446744073709551615"},
	        {"AS=16E", "16E"},
	        {"AS=16384P", "16384P"},
	        {"AS=18014398509481984K", "18014398509481984K"},
	        {"AS=1:99999999999999999999999GiB", "99999999999999999999999GiB"},
	};

	for (size_t i = 0; i < N_ELEMS(bad); i++) {
		char msg[400];

		snprintf(msg, sizeof(msg),
		         "nsbox: --rlimit: invalid limit '%s' at '%s' (argument 2): above the "
		         "largest finite limit, 18446744073709551614 (for no limit write "
		         "'unlimited')\n",
		         bad[i].arg, bad[i].at);
		expect_err_list(-EOVERFLOW, msg, ARGV("--rlimit", bad[i].arg, "true"));
	}
	/* Just below: 2^64 - 2 bytes, and 2^64 - 1024 with a unit. */
	PARSE_OK("--rlimit", "AS=18014398509481983K", "true");
	assert_rlimit(0, RLIMIT_AS, (rlim_t)UINT64_C(18014398509481983) << 10, false, 0);
}
END_TEST

START_TEST(test_rlimit_soft_above_hard)
{
	static const char *const bad[] = {"NOFILE=64:32", "NOFILE=1:0", "nofile=unlimited:100",
	                                  "CPU=infinity:0", "AS=18446744073709551609:1"};

	for (size_t i = 0; i < N_ELEMS(bad); i++) {
		char msg[200];

		snprintf(msg, sizeof(msg),
		         "nsbox: --rlimit: soft limit above the hard limit in '%s' (argument 2)\n",
		         bad[i]);
		expect_err_list(-ERANGE, msg, ARGV("--rlimit", bad[i], "true"));
	}
}
END_TEST

/* The parser on its own, for what the option layer does not show. */
START_TEST(test_rlimit_parse)
{
	struct nsb_rlimit l = {.resource = 77};
	const char *s = "NOFILE=9:x", *bad = NULL;

	ck_assert_int_eq(nsb_rlimit_parse(s, &l, &bad), -EINVAL);
	ck_assert_ptr_eq(bad, s + 9);
	/* Nothing is written on failure. */
	ck_assert_int_eq(l.resource, 77);

	s = "Nice=3:7";
	ck_assert_int_eq(nsb_rlimit_parse(s, &l, &bad), 0);
	ck_assert_ptr_null(bad);
	ck_assert_int_eq(l.resource, RLIMIT_NICE);
	ck_assert_uint_eq(l.soft, 3);
	ck_assert_uint_eq(l.hard, 7);
	ck_assert(l.hard_given);

	s = "nice=8:7";
	ck_assert_int_eq(nsb_rlimit_parse(s, &l, &bad), -ERANGE);
	ck_assert_ptr_eq(bad, s + 5);
	ck_assert_int_eq(l.soft, 3);
}
END_TEST

/* ---- SELinux labels ---------------------------------------------------- */

START_TEST(test_labels)
{
	static const char *const opts[] = {"--exec-label", "--file-label"};
	char long_label[4097];

	PARSE_OK("--exec-label", "system_u:system_r:container_t:s0", "--file-label",
	         "system_u:object_r:container_file_t:s0", "true");
	ck_assert_str_eq(cfg.exec_label, "system_u:system_r:container_t:s0");
	ck_assert_str_eq(cfg.file_label, "system_u:object_r:container_file_t:s0");
	/* Any non-empty string is taken: its validity is checked at run time. */
	PARSE_OK("--exec-label", "x", "true");
	ck_assert_str_eq(cfg.exec_label, "x");
	ck_assert_ptr_null(cfg.file_label);

	memset(long_label, 'l', sizeof(long_label) - 1);
	long_label[sizeof(long_label) - 1] = '\0';
	for (size_t i = 0; i < N_ELEMS(opts); i++) {
		const char *o = opts[i];
		char msg[160];

		snprintf(msg, sizeof(msg), "nsbox: Only the last %s option will take effect\n", o);
		parse_ok_list(ARGV(o, "a", o, "b", "true"), msg);
		ck_assert_str_eq(i ? cfg.file_label : cfg.exec_label, "b");

		snprintf(msg, sizeof(msg), "nsbox: %s: LABEL must not be empty (argument 2)\n", o);
		expect_err_list(-EINVAL, msg, ARGV(o, "", "true"));
		snprintf(msg, sizeof(msg),
		         "nsbox: %s: LABEL is too long (argument 2): 4096 bytes, at most 4095\n",
		         o);
		expect_err_list(-ENAMETOOLONG, msg, ARGV(o, long_label, "true"));
		snprintf(msg, sizeof(msg),
		         "nsbox: %s takes an argument (%s LABEL, argument 1: got 0)\n", o, o);
		expect_err_list(-EINVAL, msg, ARGV(o));
	}
	long_label[4095] = '\0';
	PARSE_OK("--file-label", long_label, "true");
	ck_assert_uint_eq(strlen(cfg.file_label), 4095);
}
END_TEST

/* ---- --info-fd / --json-status-fd layouts ------------------------------- */

START_TEST(test_status_format)
{
	struct nsb_ns_ids ids = {{0}};
	char buf[512];
	int n;

	/* mnt only: the minimum. */
	ids.ino[NSB_NS_MNT] = 4026532177u;
	n = nsb_status_format(buf, sizeof(buf), 1234, &ids, false);
	ck_assert_str_eq(buf,
	                 "{\n    \"child-pid\": 1234,\n    \"mnt-namespace\": 4026532177\n}\n");
	ck_assert_int_eq(n, (int)strlen(buf));
	n = nsb_status_format(buf, sizeof(buf), 1234, &ids, true);
	ck_assert_str_eq(buf, "{ \"child-pid\": 1234, \"mnt-namespace\": 4026532177 }\n");
	ck_assert_int_eq(n, (int)strlen(buf));

	/* All of them, in the fixed order whatever the values. */
	ids.ino[NSB_NS_CGROUP] = 6;
	ids.ino[NSB_NS_IPC] = 5;
	ids.ino[NSB_NS_MNT] = 4;
	ids.ino[NSB_NS_NET] = 3;
	ids.ino[NSB_NS_PID] = 2;
	ids.ino[NSB_NS_UTS] = UINT64_MAX;
	nsb_status_format(buf, sizeof(buf), 2147483647, &ids, false);
	ck_assert_str_eq(
	        buf,
	        "{\n    \"child-pid\": 2147483647,\n    \"cgroup-namespace\": 6,\n    "
	        "\"ipc-namespace\": 5,\n    \"mnt-namespace\": 4,\n    \"net-namespace\": 3,\n    "
	        "\"pid-namespace\": 2,\n    \"uts-namespace\": 18446744073709551615\n}\n");
	nsb_status_format(buf, sizeof(buf), 7, &ids, true);
	ck_assert_str_eq(buf, "{ \"child-pid\": 7, \"cgroup-namespace\": 6, \"ipc-namespace\": 5, "
	                      "\"mnt-namespace\": 4, \"net-namespace\": 3, \"pid-namespace\": 2, "
	                      "\"uts-namespace\": 18446744073709551615 }\n");

	/* A gap: only what was unshared is named. */
	memset(&ids, 0, sizeof(ids));
	ids.ino[NSB_NS_MNT] = 10;
	ids.ino[NSB_NS_UTS] = 11;
	nsb_status_format(buf, sizeof(buf), 9, &ids, true);
	ck_assert_str_eq(buf,
	                 "{ \"child-pid\": 9, \"mnt-namespace\": 10, \"uts-namespace\": 11 }\n");

	/* Too small a buffer is an error, never a truncated object. */
	ck_assert_int_eq(nsb_status_format(buf, 10, 9, &ids, true), -ENOBUFS);
	ck_assert_int_eq(nsb_status_format(buf, 0, 9, &ids, false), -ENOBUFS);
	n = (int)strlen("{ \"child-pid\": 9, \"mnt-namespace\": 10, \"uts-namespace\": 11 }\n");
	ck_assert_int_eq(nsb_status_format(buf, (size_t)n, 9, &ids, true), -ENOBUFS);
	ck_assert_int_eq(nsb_status_format(buf, (size_t)n + 1, 9, &ids, true), n);
}
END_TEST

START_TEST(test_status_format_exit)
{
	char buf[64];

	ck_assert_int_eq(nsb_status_format_exit(buf, sizeof(buf), 0), 19);
	ck_assert_str_eq(buf, "{ \"exit-code\": 0 }\n");
	nsb_status_format_exit(buf, sizeof(buf), 137);
	ck_assert_str_eq(buf, "{ \"exit-code\": 137 }\n");
	nsb_status_format_exit(buf, sizeof(buf), 255);
	ck_assert_str_eq(buf, "{ \"exit-code\": 255 }\n");
	ck_assert_int_eq(nsb_status_format_exit(buf, 19, 0), -ENOBUFS);
	ck_assert_int_eq(nsb_status_format_exit(buf, 20, 0), 19);
}
END_TEST

START_TEST(test_ns_names)
{
	static const char *const want[_NSB_NS_MAX] = {"cgroup", "ipc", "mnt", "net", "pid", "uts"};

	for (int i = 0; i < _NSB_NS_MAX; i++)
		ck_assert_str_eq(nsb_ns_name((enum nsb_ns)i), want[i]);
	ck_assert_ptr_null(nsb_ns_name(_NSB_NS_MAX));
	ck_assert_ptr_null(nsb_ns_name((enum nsb_ns) - 1));
}
END_TEST

/* ---- usage --------------------------------------------------------------- */

START_TEST(test_usage_lists_them)
{
	static const char *const lines[] = {
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
	};
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	nsb_cli_usage(f, "nsbox");
	fclose(f);
	for (size_t i = 0; i < N_ELEMS(lines); i++) {
		char want[64];

		snprintf(want, sizeof(want), "\n    %s  ", lines[i]);
		ck_assert_msg(strstr(out, want), "usage lacks '%s'", lines[i]);
	}
	free(out);
}
END_TEST

static Suite *lifecycle_suite(void)
{
	Suite *s = suite_create("cli-lifecycle");
	TCase *tc;

	tc = tcase_create("fds");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fd_options_valid);
	tcase_add_test(tc, test_fd_options_invalid);
	tcase_add_test(tc, test_fd_options_missing_argument);
	tcase_add_test(tc, test_fd_options_last_wins);
	tcase_add_test(tc, test_fd_options_together);
	tcase_add_test(tc, test_args_data);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifecycle");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_lifecycle_flags);
	tcase_add_test(tc, test_lock_file);
	tcase_add_test(tc, test_userns_block_fd_rules);
	tcase_add_test(tc, test_disable_userns_rules);
	tcase_add_test(tc, test_userns_rules);
	tcase_add_test(tc, test_as_pid_1_lock_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("caps");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_caps_valid);
	tcase_add_test(tc, test_caps_invalid);
	tcase_add_test(tc, test_caps_names);
	tcase_add_test(tc, test_caps_compute);
	suite_add_tcase(s, tc);

	tc = tcase_create("rlimit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_rlimit_names);
	tcase_add_test(tc, test_rlimit_values);
	tcase_add_test(tc, test_rlimit_largest_finite);
	tcase_add_test(tc, test_rlimit_invalid);
	tcase_add_test(tc, test_rlimit_units);
	tcase_add_test(tc, test_rlimit_overflow);
	tcase_add_test(tc, test_rlimit_soft_above_hard);
	tcase_add_test(tc, test_rlimit_parse);
	suite_add_tcase(s, tc);

	tc = tcase_create("labels");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_labels);
	suite_add_tcase(s, tc);

	tc = tcase_create("status");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_status_format);
	tcase_add_test(tc, test_status_format_exit);
	tcase_add_test(tc, test_ns_names);
	tcase_add_test(tc, test_usage_lists_them);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(lifecycle_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
