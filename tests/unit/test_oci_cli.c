/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbox-oci's command line: valid/invalid pairs for the global options
 * and each command's options and arguments (runc's flag syntax: --x v,
 * --x=v, -x v, short names, booleans with =false, options after the id,
 * exec's command left alone), each refusal with its exact message; and the
 * signal names of kill. */
#include <check.h>
#include <errno.h>
#include <signal.h>

#include "oci-harness.h"
#include "oci/cli.h"

static struct nsb_oci_cli cli;
static bool version;

static void setup(void)
{
	oci_setup();
}

static void teardown(void)
{
	nsb_oci_cli_free(&cli);
	oci_teardown();
}

/* Parse a NULL-terminated list after "nsbox-oci". */
static int parse(const char *const *words)
{
	char *argv[64];
	int argc = 0, next, r;

	argv[argc++] = (char *)"nsbox-oci";
	for (; *words; words++)
		argv[argc++] = (char *)*words;
	argv[argc] = NULL;
	nsb_oci_cli_free(&cli);
	reset_log();
	r = nsb_oci_cli_parse_global(&cli, argc, argv, &next, &version);
	if (r < 0 || version || cli.cmd == NSB_OCI_CMD_HELP)
		return r;
	return nsb_oci_cli_parse_command(&cli, argc - next, argv + next);
}

#define W(...) ((const char *const[]){__VA_ARGS__, NULL})

struct bad {
	const char *const *words;
	const char *msg;
};

START_TEST(test_global)
{
	ck_assert_int_eq(parse(W("--root", "/r", "--log=/l", "-log-format", "json", "--debug",
	                         "--systemd-cgroup", "--rootless=true", "list")),
	                 0);
	ck_assert_str_eq(cli.root, "/r");
	ck_assert_str_eq(cli.log, "/l");
	ck_assert_int_eq(cli.log_format, NSB_OCI_LOG_JSON);
	ck_assert(cli.debug && cli.systemd_cgroup);
	ck_assert_int_eq(cli.rootless, NSB_OCI_ROOTLESS_TRUE);
	ck_assert_int_eq(cli.cmd, NSB_OCI_CMD_LIST);
	ck_assert_int_eq(parse(W("--debug=false", "--rootless", "auto", "list")), 0);
	ck_assert(!cli.debug);
	ck_assert_int_eq(cli.rootless, NSB_OCI_ROOTLESS_AUTO);
	ck_assert_int_eq(parse(W("--rootless", "0", "list")), 0);
	ck_assert_int_eq(cli.rootless, NSB_OCI_ROOTLESS_FALSE);
	ck_assert_int_eq(parse(W("--version")), 0);
	ck_assert(version);
	ck_assert_int_eq(parse(W("-v")), 0);
	ck_assert(version);
	ck_assert_int_eq(parse(W("-h")), 0);
	ck_assert_int_eq(cli.cmd, NSB_OCI_CMD_HELP);
	/* runc's --criu: accepted, with a warning. */
	ck_assert_int_eq(parse(W("--criu", "/usr/sbin/criu", "list")), 0);
	ck_assert_str_eq(logged(), "nsbox-oci: --criu is accepted for runc compatibility and "
	                           "ignored (nsbox-oci has no checkpoint/restore)\n");
	ck_assert_int_eq(parse(W("--", "list")), 0);
	ck_assert_int_eq(cli.cmd, NSB_OCI_CMD_LIST);
}
END_TEST

START_TEST(test_global_bad)
{
	const struct bad cases[] = {
	        {W("--bogus", "list"), "nsbox-oci: unknown global option '--bogus' (see nsbox-oci "
	                               "--help)\n"},
	        {W("--root"), "nsbox-oci: --root needs a value (DIR)\n"},
	        {W("--root", "", "list"), "nsbox-oci: --root: not a directory path ('')\n"},
	        {W("--log-format", "xml", "list"), "nsbox-oci: --log-format: must be text or json "
	                                           "('xml')\n"},
	        {W("--rootless", "maybe", "list"), "nsbox-oci: --rootless: must be true, false or "
	                                           "auto ('maybe')\n"},
	        {W("--debug=yes", "list"), "nsbox-oci: --debug: not true or false ('yes')\n"},
	        {W("--bundle", "/b", "create", "x"), "nsbox-oci: unknown global option '--bundle' "
	                                             "(see nsbox-oci --help)\n"},
	        {W("--debug"), "nsbox-oci: missing command (see nsbox-oci --help)\n"},
	        {W("frobnicate"), "nsbox-oci: unknown command 'frobnicate' (see nsbox-oci "
	                          "--help)\n"},
	        {W("--debug", "false", "list"), "nsbox-oci: unknown command 'false' (see nsbox-oci "
	                                        "--help)\n"},
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse(cases[i].words) != -EINVAL || strcmp(logged(), cases[i].msg) != 0) {
			fprintf(stderr, "case %zu: %s", i, logged());
			bad++;
		}
	}
	ck_assert_int_eq(bad, 0);
}
END_TEST

START_TEST(test_create_run)
{
	ck_assert_int_eq(
	        parse(W("create", "--bundle", "/b", "--console-socket=/s", "-pid-file", "/p",
	                "--no-pivot", "--no-new-keyring", "--preserve-fds", "2", "ctr")),
	        0);
	ck_assert_int_eq(cli.cmd, NSB_OCI_CMD_CREATE);
	ck_assert_str_eq(cli.bundle, "/b");
	ck_assert_str_eq(cli.console_socket, "/s");
	ck_assert_str_eq(cli.pid_file, "/p");
	ck_assert(cli.no_pivot && cli.no_new_keyring);
	ck_assert_uint_eq(cli.preserve_fds, 2);
	ck_assert_uint_eq(cli.n_args, 1);
	ck_assert_str_eq(cli.args[0], "ctr");
	/* Options after the id, as runc reorders them; short names. */
	ck_assert_int_eq(parse(W("run", "ctr", "-b", "/b2", "-d", "--keep", "--no-subreaper")), 0);
	ck_assert_str_eq(cli.bundle, "/b2");
	ck_assert(cli.detach && cli.keep && cli.no_subreaper);
	ck_assert_int_eq(parse(W("run", "--detach=false", "ctr")), 0);
	ck_assert(!cli.detach);
	ck_assert_int_eq(parse(W("create", "--help")), 0);
	ck_assert(cli.help);
}
END_TEST

START_TEST(test_exec)
{
	ck_assert_int_eq(parse(W("exec", "-t", "--env", "A=1", "-e", "B=2", "--cwd", "/w", "-u",
	                         "1000:1000", "--cap", "CAP_KILL", "-g", "5", "--no-new-privs",
	                         "-d", "--pid-file", "/p", "ctr", "ls", "-l", "--all")),
	                 0);
	ck_assert(cli.tty && cli.detach && cli.no_new_privs);
	ck_assert_uint_eq(cli.n_env, 2);
	ck_assert_str_eq(cli.env[1], "B=2");
	ck_assert_str_eq(cli.cwd, "/w");
	ck_assert_str_eq(cli.user, "1000:1000");
	ck_assert_str_eq(cli.caps[0], "CAP_KILL");
	ck_assert_str_eq(cli.additional_gids[0], "5");
	/* What follows the id is the command, options included. */
	ck_assert_uint_eq(cli.n_args, 4);
	ck_assert_str_eq(cli.args[1], "ls");
	ck_assert_str_eq(cli.args[3], "--all");
	ck_assert_int_eq(parse(W("exec", "--process", "/p.json", "ctr")), 0);
	ck_assert_str_eq(cli.process, "/p.json");
	ck_assert_int_eq(parse(W("exec", "ctr", "--", "sh")), 0);
	ck_assert_str_eq(cli.args[1], "--");
}
END_TEST

START_TEST(test_commands)
{
	ck_assert_int_eq(parse(W("kill", "--all", "ctr", "KILL")), 0);
	ck_assert(cli.all);
	ck_assert_str_eq(cli.args[1], "KILL");
	ck_assert_int_eq(parse(W("kill", "ctr", "9", "-a")), 0);
	ck_assert(cli.all);
	ck_assert_int_eq(parse(W("delete", "-f", "ctr")), 0);
	ck_assert(cli.force);
	ck_assert_int_eq(parse(W("delete", "ctr", "--force=false")), 0);
	ck_assert(!cli.force);
	ck_assert_int_eq(parse(W("list", "-f", "json", "-q")), 0);
	ck_assert_str_eq(cli.format, "json");
	ck_assert(cli.quiet);
	/* ps: what follows the id goes to ps(1). */
	ck_assert_int_eq(parse(W("ps", "ctr", "-eo", "pid,comm")), 0);
	ck_assert_uint_eq(cli.n_args, 3);
	ck_assert_int_eq(parse(W("ps", "--format", "json", "ctr")), 0);
	ck_assert_int_eq(parse(W("ps", "-f", "table", "ctr", "--", "-e")), 0);
	ck_assert_uint_eq(cli.n_args, 3);
	ck_assert_int_eq(parse(W("spec", "--rootless", "-b", "/b")), 0);
	ck_assert(cli.spec_rootless);
	ck_assert_int_eq(parse(W("update", "--memory", "1g", "--pids-limit=10", "-r", "-", "c")),
	                 0);
	ck_assert_str_eq(cli.update[NSB_OCI_UPD_MEMORY], "1g");
	ck_assert_str_eq(cli.update[NSB_OCI_UPD_PIDS_LIMIT], "10");
	ck_assert_str_eq(cli.resources, "-");
	ck_assert_int_eq(parse(W("state", "c")), 0);
	ck_assert_int_eq(parse(W("start", "c")), 0);
	ck_assert_int_eq(parse(W("pause", "c")), 0);
	ck_assert_int_eq(parse(W("resume", "c")), 0);
	ck_assert_int_eq(parse(W("features")), 0);
	ck_assert_int_eq(parse(W("help", "exec")), 0);
	ck_assert_int_eq(cli.cmd, NSB_OCI_CMD_HELP);
	for (int c = NSB_OCI_CMD_CREATE; c < NSB_OCI_CMD_N; c++)
		ck_assert_str_ne(nsb_oci_cmd_name((enum nsb_oci_cmd)c), "nsbox-oci");
}
END_TEST

START_TEST(test_commands_bad)
{
	const struct bad cases[] = {
	        {W("create"), "nsbox-oci: create: missing container id (usage: nsbox-oci create "
	                      "[OPTIONS] ID)\n"},
	        {W("create", "a", "b"), "nsbox-oci: create: unexpected argument 'b' (usage: "
	                                "nsbox-oci create [OPTIONS] ID)\n"},
	        {W("create", "a b"),
	         "nsbox-oci: container id 'a b': only letters, digits and _ + - "
	         ". are allowed\n"},
	        {W("create", "--bundle"), "nsbox-oci: create: --bundle needs a value (DIR)\n"},
	        {W("create", "--detach", "x"), "nsbox-oci: create: unknown option '--detach' (see "
	                                       "nsbox-oci create --help)\n"},
	        {W("create", "--preserve-fds", "-1", "x"),
	         "nsbox-oci: create: --preserve-fds: not a number of fds ('-1')\n"},
	        {W("create", "--no-pivot=maybe", "x"),
	         "nsbox-oci: create: --no-pivot: not true or false ('maybe')\n"},
	        {W("run", "-d=2", "x"), "nsbox-oci: run: --detach: not true or false ('2')\n"},
	        {W("exec", "c"),
	         "nsbox-oci: exec: missing the command to run (or --process FILE)\n"},
	        {W("exec", "--process", "/p", "c", "ls"),
	         "nsbox-oci: exec: --process FILE and a command both given ('ls')\n"},
	        {W("exec", "--env", "NOEQUALS", "c", "ls"),
	         "nsbox-oci: exec: --env: must be KEY=VALUE ('NOEQUALS')\n"},
	        {W("exec", "-g", "x", "c", "ls"),
	         "nsbox-oci: exec: --additional-gids: not a group id ('x')\n"},
	        {W("kill", "c", "NOSIG"), "nsbox-oci: kill: unknown signal 'NOSIG'\n"},
	        {W("kill", "c", "65"), "nsbox-oci: kill: unknown signal '65'\n"},
	        {W("kill", "c", "TERM", "x"), "nsbox-oci: kill: unexpected argument 'x' (usage: "
	                                      "nsbox-oci kill [OPTIONS] ID [SIGNAL])\n"},
	        {W("kill", "--force", "c"), "nsbox-oci: kill: unknown option '--force' (see "
	                                    "nsbox-oci kill --help)\n"},
	        {W("list", "--format", "yaml"), "nsbox-oci: list: --format: must be table or json "
	                                        "('yaml')\n"},
	        {W("list", "x"), "nsbox-oci: list: unexpected argument 'x' (usage: nsbox-oci list "
	                         "[OPTIONS])\n"},
	        {W("state"), "nsbox-oci: state: missing container id (usage: nsbox-oci state "
	                     "[OPTIONS] ID)\n"},
	        {W("delete", ".."), "nsbox-oci: container id '..': not allowed\n"},
	        {W("spec", "x"), "nsbox-oci: spec: unexpected argument 'x' (usage: nsbox-oci spec "
	                         "[OPTIONS])\n"},
	        {W("help", "nope"), "nsbox-oci: help: unknown command 'nope'\n"},
	        {W("features", "--all"), "nsbox-oci: features: unknown option '--all' (see "
	                                 "nsbox-oci features --help)\n"},
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse(cases[i].words) != -EINVAL || strcmp(logged(), cases[i].msg) != 0) {
			fprintf(stderr, "case %zu: %s", i, logged());
			bad++;
		}
	}
	ck_assert_int_eq(bad, 0);
}
END_TEST

START_TEST(test_signals)
{
	static const struct {
		const char *s;
		int sig;
	} ok[] = {
	        {"TERM", SIGTERM}, {"SIGTERM", SIGTERM}, {"sigkill", SIGKILL}, {"9", SIGKILL},
	        {"HUP", SIGHUP},   {"USR2", SIGUSR2},    {"WINCH", SIGWINCH},  {"RTMIN", 0},
	        {"RTMIN+2", 2},    {"SIGRTMAX-1", -1},   {"64", 64},
	};
	static const char *const bad[] = {"",         "0",       "65", "TERMX", "SIG",
	                                  "RTMIN+99", "RTMAX+1", "-9", "1x"};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int sig = -100, want = ok[i].sig;

		if (strstr(ok[i].s, "RTMIN"))
			want = SIGRTMIN + ok[i].sig;
		else if (strstr(ok[i].s, "RTMAX"))
			want = SIGRTMAX + ok[i].sig;
		ck_assert_msg(nsb_oci_parse_signal(ok[i].s, &sig) == 0 && sig == want, "%s -> %d",
		              ok[i].s, sig);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int sig;

		ck_assert_msg(nsb_oci_parse_signal(bad[i], &sig) == -EINVAL, "accepted '%s'",
		              bad[i]);
	}
}
END_TEST

START_TEST(test_usage_lists_commands)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	nsb_oci_cli_usage(f, NSB_OCI_CMD_NONE);
	fclose(f);
	for (int c = NSB_OCI_CMD_CREATE; c < NSB_OCI_CMD_N; c++) {
		char *line = fmt("\n    %s ", nsb_oci_cmd_name((enum nsb_oci_cmd)c));

		ck_assert_msg(strstr(buf, line), "--help lacks %s", line);
		free(line);
	}
	ck_assert_ptr_nonnull(strstr(buf, "--systemd-cgroup"));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	nsb_oci_cli_usage(f, NSB_OCI_CMD_EXEC);
	fclose(f);
	ck_assert_int_eq(strncmp(buf,
	                         "usage: nsbox-oci [GLOBAL OPTIONS] exec [OPTIONS] ID "
	                         "[COMMAND [ARG...]]\n",
	                         71),
	                 0);
	ck_assert_ptr_nonnull(strstr(buf, "--process FILE, -p"));
	free(buf);
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("oci_cli");
	TCase *tc = tcase_create("cli");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_global);
	tcase_add_test(tc, test_global_bad);
	tcase_add_test(tc, test_create_run);
	tcase_add_test(tc, test_exec);
	tcase_add_test(tc, test_commands);
	tcase_add_test(tc, test_commands_bad);
	tcase_add_test(tc, test_signals);
	tcase_add_test(tc, test_usage_lists_commands);
	suite_add_tcase(s, tc);
	return s;
}

RUN_SUITE(cli_suite)
