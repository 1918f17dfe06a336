/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI hooks run with small shell scripts: the state on stdin, args and
 * env, the exit status / signal / timeout in the message with the hook's
 * output (bounded), descendants killed at the timeout, inherited fds kept
 * out, poststop failures as warnings. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <time.h>

#include "oci-harness.h"
#include "oci/hooks.h"
#include "oci/spec.h"

static void setup(void)
{
	oci_setup();
}

static void teardown(void)
{
	oci_teardown();
}

static char *script(const char *name, const char *body)
{
	char *text = fmt("#!/bin/sh\n%s\n", body);
	char *path = write_scratch(name, text, 0755);

	free(text);
	return path;
}

static int run(const char *path, const char *const *args, size_t nargs, const char *const *env,
               size_t nenv, bool has_env, unsigned timeout)
{
	struct nsb_oci_hook h = {
	        .path = (char *)path,
	        .args = {.v = (char **)args, .n = nargs},
	        .has_env = has_env,
	        .env = {.v = (char **)env, .n = nenv},
	        .timeout = timeout,
	};

	reset_log();
	return nsb_oci_hook_run(&h, "prestart hook #0", "{\"id\":\"c\",\"status\":\"created\"}");
}

static char *slurp(const char *name)
{
	char *path = fmt("%s/%s", scratch, name), buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	free(path);
	if (!f)
		return strdup("(missing)");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strdup(buf);
}

START_TEST(test_success_stdin_args_env)
{
	char *out = fmt("%s/out", scratch);
	char *body = fmt("{ cat; echo; echo \"$0|$1|$2|${A-unset}|${HOME-nohome}\"; } > '%s'", out);
	char *p = script("ok.sh", body);
	static const char *const env[] = {"A=1 2", NULL};
	char *got;

	ck_assert_int_eq(run(p, (const char *const[]){p, "x y", "z", NULL}, 3, env, 1, true, 0), 0);
	ck_assert_str_eq(logged(), "");
	got = slurp("out");
	ck_assert_str_eq(got,
	                 tfmt("{\"id\":\"c\",\"status\":\"created\"}\n%s|x y|z|1 2|nohome\n", p));
	free(got);
	/* No args: argv is {path}; no env: nsbox-oci's own environment. */
	setenv("A", "inherited", 1);
	ck_assert_int_eq(run(p, NULL, 0, NULL, 0, false, 0), 0);
	got = slurp("out");
	ck_assert_ptr_nonnull(strstr(got, tfmt("%s|||inherited|", p)));
	free(got);
	/* env []: an empty environment. */
	ck_assert_int_eq(run(p, NULL, 0, (const char *const[]){NULL}, 0, true, 0), 0);
	got = slurp("out");
	ck_assert_ptr_nonnull(strstr(got, "|unset|nohome"));
	free(got);
	free(out);
	free(body);
	free(p);
}
END_TEST

START_TEST(test_failures)
{
	char *p;

	p = script("fail.sh", "echo to-stdout; echo to-stderr >&2; exit 3");
	ck_assert_int_eq(run(p, NULL, 0, NULL, 0, false, 0), -EIO);
	ck_assert_str_eq(logged(), tfmt("nsbox-oci: prestart hook #0 '%s': exited with status 3: "
	                                "to-stdout\nto-stderr\n",
	                                p));
	free(p);
	p = script("sig.sh", "kill -USR1 $$");
	ck_assert_int_eq(run(p, NULL, 0, NULL, 0, false, 0), -EIO);
	ck_assert_str_eq(logged(), tfmt("nsbox-oci: prestart hook #0 '%s': killed by signal 10 "
	                                "(User defined signal 1)\n",
	                                p));
	free(p);
	p = fmt("%s/missing", scratch);
	ck_assert_int_eq(run(p, NULL, 0, NULL, 0, false, 0), -ENOENT);
	ck_assert_str_eq(logged(), tfmt("nsbox-oci: prestart hook #0 '%s': cannot run it: No such "
	                                "file or directory\n",
	                                p));
	free(p);
	p = write_scratch("noexec", "#!/bin/sh\n", 0644);
	if (geteuid() != 0) {
		ck_assert_int_eq(run(p, NULL, 0, NULL, 0, false, 0), -EACCES);
	}
	free(p);
}
END_TEST

START_TEST(test_timeout_kills_group)
{
	char *pidfile = fmt("%s/grandchild", scratch);
	char *body = fmt("sleep 100 & echo $! > '%s'; echo started; wait", pidfile);
	char *p = script("slow.sh", body), *gc;
	struct timespec a, b;
	long pid;

	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(run(p, NULL, 0, NULL, 0, false, 1), -EIO);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ck_assert_str_eq(logged(), tfmt("nsbox-oci: prestart hook #0 '%s': timed out after 1 s and "
	                                "was killed: started\n",
	                                p));
	ck_assert_int_ge(b.tv_sec - a.tv_sec, 0);
	ck_assert_int_le(b.tv_sec - a.tv_sec, 4);
	gc = slurp("grandchild");
	pid = strtol(gc, NULL, 10);
	ck_assert_int_gt(pid, 0);
	/* The hook's own child went with it. */
	for (int i = 0; i < 200 && kill((pid_t)pid, 0) == 0; i++)
		nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
	ck_assert_int_eq(kill((pid_t)pid, 0), -1);
	free(gc);
	free(body);
	free(pidfile);
	free(p);
}
END_TEST

START_TEST(test_exit_without_waiting_for_descendants)
{
	/* The hook exits at once but leaves a child holding its stdout. */
	char *p = script("bg.sh", "sleep 5 & echo bye");
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(run(p, NULL, 0, NULL, 0, false, 0), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ck_assert_int_lt(b.tv_sec - a.tv_sec, 3);
	free(p);
}
END_TEST

START_TEST(test_output_bounded)
{
	char *p = script("chatty.sh", "head -c 100000 /dev/zero | tr '\\0' x; exit 1");
	const char *l;

	ck_assert_int_eq(run(p, NULL, 0, NULL, 0, false, 5), -EIO);
	l = logged();
	ck_assert_ptr_nonnull(strstr(l, "exited with status 1: xxxx"));
	ck_assert_ptr_nonnull(strstr(l, "x...\n"));
	ck_assert_uint_lt(strlen(l), NSB_OCI_HOOK_OUTPUT_MAX + 200);
	free(p);
}
END_TEST

START_TEST(test_fds_not_inherited)
{
	char *out = fmt("%s/fds", scratch);
	char *body = fmt("ls /proc/self/fd > '%s'", out);
	char *p = script("fds.sh", body), *got;
	int leaked = open("/dev/null", O_RDONLY); /* without O_CLOEXEC on purpose */

	ck_assert_int_ge(leaked, 3);
	ck_assert_int_eq(run(p, NULL, 0, NULL, 0, false, 0), 0);
	got = slurp("fds");
	/* 0, 1, 2 and the one ls opens for the directory. */
	ck_assert_ptr_null(strstr(got, tfmt("\n%d\n", leaked)));
	close(leaked);
	free(got);
	free(body);
	free(out);
	free(p);
}
END_TEST

START_TEST(test_kinds_in_order)
{
	char *log = fmt("%s/order", scratch);
	char *b1 = fmt("echo one >> '%s'", log), *b2 = fmt("echo two >> '%s'; exit 2", log),
	     *b3 = fmt("echo three >> '%s'", log);
	char *p1 = script("h1.sh", b1), *p2 = script("h2.sh", b2), *p3 = script("h3.sh", b3);
	struct nsb_oci_hook hs[3] = {{.path = p1}, {.path = p2}, {.path = p3}};
	struct nsb_oci_spec spec = {0};
	char *got;

	spec.hooks[NSB_OCI_HOOK_CREATE_RUNTIME] = (struct nsb_oci_hooks){.v = hs, .n = 3};
	spec.hooks[NSB_OCI_HOOK_POSTSTOP] = (struct nsb_oci_hooks){.v = hs, .n = 3};
	reset_log();
	ck_assert_int_eq(nsb_oci_hooks_run(&spec, NSB_OCI_HOOK_CREATE_RUNTIME, "{}", false), -EIO);
	ck_assert_str_eq(logged(), tfmt("nsbox-oci: createRuntime hook #1 '%s': exited with status "
	                                "2\n",
	                                p2));
	got = slurp("order");
	ck_assert_str_eq(got, "one\ntwo\n");
	free(got);
	/* poststop: a failure is a warning, the others still run. */
	reset_log();
	ck_assert_int_eq(nsb_oci_hooks_run(&spec, NSB_OCI_HOOK_POSTSTOP, "{}", true), 0);
	ck_assert_str_eq(logged(),
	                 tfmt("nsbox-oci: poststop hook #1 '%s': exited with status 2\n", p2));
	got = slurp("order");
	ck_assert_str_eq(got, "one\ntwo\none\ntwo\nthree\n");
	free(got);
	free(log);
	free(b1);
	free(b2);
	free(b3);
	free(p1);
	free(p2);
	free(p3);
}
END_TEST

static Suite *hooks_suite(void)
{
	Suite *s = suite_create("oci_hooks");
	TCase *tc = tcase_create("hooks");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_success_stdin_args_env);
	tcase_add_test(tc, test_failures);
	tcase_add_test(tc, test_timeout_kills_group);
	tcase_add_test(tc, test_exit_without_waiting_for_descendants);
	tcase_add_test(tc, test_output_bounded);
	tcase_add_test(tc, test_fds_not_inherited);
	tcase_add_test(tc, test_kinds_in_order);
	suite_add_tcase(s, tc);
	return s;
}

RUN_SUITE(hooks_suite)
