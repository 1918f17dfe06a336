/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.seccomp compiled with libseccomp: a profile shaped like podman's
 * default (default errno ENOSYS, three x86 architectures, an allow list,
 * errno rules, argument conditions), every action and operator, the
 * runc-compatible rules (unknown names skipped, repeated argument indexes
 * ORed, rules equal to the default skipped), the refusals, and
 * SCMP_ACT_NOTIFY with the listener sent to listenerPath. Each program is
 * installed for real in a forked child that then makes calls. */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/seccomp.h>

#include "oci-harness.h"
#include "oci/console.h"
#include "oci/seccomp.h"
#include "oci/spec.h"

static struct nsb_oci_spec spec;
static struct nsb_oci_bpf bpf;

static void setup(void)
{
	oci_setup();
}

static void teardown(void)
{
	nsb_oci_spec_free(&spec);
	nsb_oci_bpf_free(&bpf);
	oci_teardown();
}

/* Compile a linux.seccomp object (JSON text). */
static int compile(const char *seccomp)
{
	char *text = fmt("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"linux\": "
	                 "{\"seccomp\": %s}}",
	                 seccomp);
	int r;

	nsb_oci_spec_free(&spec);
	nsb_oci_bpf_free(&bpf);
	reset_log();
	r = nsb_oci_spec_parse("config.json", text, strlen(text), &spec);
	free(text);
	ck_assert_msg(r == 0, "does not parse: %s", logged());
	return nsb_oci_seccomp_compile(&spec.linux_.seccomp, &bpf);
}

/* --- running calls under the filter -------------------------------------------------- */

enum call { C_GETPPID, C_UNAME, C_ACCT, C_SOCKET_AUDIT, C_SOCKET_UNIX, C_PERSONALITY, C_DUP };

struct probe {
	enum call call;
	long arg;
};

static volatile sig_atomic_t trapped;

static void on_sigsys(int sig)
{
	trapped = 1;
}

static long do_call(const struct probe *p)
{
	switch (p->call) {
	case C_GETPPID:
		return syscall(SYS_getppid);
	case C_UNAME:
		return syscall(SYS_uname, NULL);
	case C_ACCT:
		return syscall(SYS_acct, NULL);
	case C_SOCKET_AUDIT:
		return syscall(SYS_socket, AF_NETLINK, SOCK_RAW, 9 /* NETLINK_AUDIT */);
	case C_SOCKET_UNIX:
		return syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
	case C_PERSONALITY:
		return syscall(SYS_personality, p->arg);
	case C_DUP:
		return syscall(SYS_dup, p->arg);
	}
	return -1;
}

/* Results, one string per probe: "ok", "errno N", "trap", "killed N". */
static void run_probes(const struct probe *probes, size_t n, char out[][32], int listener_sock)
{
	int pfd[2], status;
	pid_t pid;

	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int listener = -1, r;

		close(pfd[0]);
		signal(SIGSYS, on_sigsys);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(3);
		r = nsb_oci_seccomp_install(&bpf, &listener);
		if (r < 0)
			_exit(4);
		if (listener >= 0) {
			char state[] =
			        "{\"ociVersion\":\"1.2.0\",\"id\":\"c\",\"status\":\"creating\","
			        "\"pid\":1,\"bundle\":\"/b\"}";
			char *path = fmt("%s/agent.sock", scratch);

			if (nsb_oci_seccomp_send_listener(path, listener, getpid(), "meta", state) <
			    0)
				_exit(5);
			close(listener);
		}
		for (size_t i = 0; i < n; i++) {
			char line[32];
			long v;

			trapped = 0;
			errno = 0;
			v = do_call(&probes[i]);
			if (trapped)
				snprintf(line, sizeof(line), "trap");
			else if (v < 0)
				snprintf(line, sizeof(line), "errno %d", errno);
			else
				snprintf(line, sizeof(line), "ok");
			if (write(pfd[1], line, sizeof(line)) != sizeof(line))
				_exit(6);
		}
		_exit(0);
	}
	close(pfd[1]);
	(void)listener_sock;
	for (size_t i = 0; i < n; i++) {
		ssize_t k = read(pfd[0], out[i], 32);

		if (k != 32)
			snprintf(out[i], 32, "none");
	}
	close(pfd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		for (size_t i = 0; i < n; i++)
			if (strcmp(out[i], "none") == 0) {
				snprintf(out[i], 32, "killed %d", WTERMSIG(status));
				break;
			}
	} else {
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d",
		              status);
	}
}

static void expect(const struct probe *probes, size_t n, const char *const *want)
{
	char(*out)[32] = calloc(n, 32);

	run_probes(probes, n, out, -1);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(strcmp(out[i], want[i]) == 0, "probe %zu: got '%s', want '%s'", i,
		              out[i], want[i]);
	free(out);
}

#define PROBES(...) ((const struct probe[]){__VA_ARGS__})
#define WANT(...) ((const char *const[]){__VA_ARGS__})
#define EXPECT(p, w)                                          \
	do {                                                  \
		const struct probe *p_ = p;                   \
		const char *const *w_ = w;                    \
		size_t n_ = sizeof(p) / sizeof(struct probe); \
		expect(p_, n_, w_);                           \
	} while (0)

/* What a child needs to report and exit, for profiles denying by default
 * (sigaltstack, gettid, mprotect, madvise: for the sanitizers' runtime in
 * make check-asan). */
#define BASE_ALLOW                                                                                \
	"\"write\", \"exit\", \"exit_group\", \"rt_sigreturn\", \"rt_sigaction\", "               \
	"\"rt_sigprocmask\", \"getpid\", \"getppid\", \"close\", \"brk\", \"mmap\", \"munmap\", " \
	"\"futex\", \"dup\", \"not_a_syscall_xyz\", \"_llseek\", \"socketcall\", "                \
	"\"sigaltstack\", \"gettid\", \"mprotect\", \"madvise\""

/* --- the tests -------------------------------------------------------------------------- */

START_TEST(test_podman_shape)
{
	const char *profile =
	        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	        " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],"
	        " \"syscalls\": ["
	        "  {\"names\": [\"acct\", \"bdflush\"], \"action\": \"SCMP_ACT_ERRNO\", "
	        "\"errnoRet\": 1},"
	        "  {\"names\": [" BASE_ALLOW "], \"action\": \"SCMP_ACT_ALLOW\"},"
	        "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
	        "[{\"index\":"
	        "    0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]},"
	        "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
	        "[{\"index\":"
	        "    0, \"value\": 4294967295, \"op\": \"SCMP_CMP_EQ\"}]},"
	        "  {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 22, "
	        "\"args\":"
	        "    [{\"index\": 0, \"value\": 16, \"op\": \"SCMP_CMP_EQ\"}, {\"index\": 2, "
	        "\"value\":"
	        "    9, \"op\": \"SCMP_CMP_EQ\"}]},"
	        "  {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
	        "[{\"index\": 2,"
	        "    \"value\": 9, \"op\": \"SCMP_CMP_NE\"}]},"
	        "  {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
	        "[{\"index\": 0,"
	        "    \"value\": 16, \"op\": \"SCMP_CMP_NE\"}]},"
	        "  {\"names\": [\"uname\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}"
	        "]}";

	ck_assert_int_eq(compile(profile), 0);
	/* Only the debug message about the unknown name, at debug level. */
	ck_assert_str_eq(logged(), "");
	ck_assert(bpf.prog.len > 10);
	ck_assert(!bpf.notify);
	EXPECT(PROBES({C_GETPPID}, {C_UNAME}, {C_ACCT}, {C_SOCKET_AUDIT}, {C_SOCKET_UNIX},
	              {C_PERSONALITY, 0xffffffffL}, {C_PERSONALITY, 0x1234}, {C_DUP, 999}),
	       WANT("ok", "errno 38", "errno 1", "errno 22", "ok", "ok", "errno 38", "errno 9"));
}
END_TEST

START_TEST(test_unknown_name_debug)
{
	nsb_log_set_verbose(true);
	ck_assert_int_eq(compile("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
	                         "[{\"names\": [\"getppid\", \"no_such_call\"], \"action\": "
	                         "\"SCMP_ACT_ERRNO\"}]}"),
	                 0);
	ck_assert_str_eq(logged(), "nsbox-oci: config.json: linux.seccomp.syscalls[0].names[1]: "
	                           "unknown to libseccomp, skipped ('no_such_call')\n");
	EXPECT(PROBES({C_GETPPID}), WANT("errno 1"));
}
END_TEST

START_TEST(test_actions)
{
	static const struct {
		const char *action, *want;
	} cases[] = {
	        {"\"SCMP_ACT_ERRNO\"", "errno 1"},
	        {"\"SCMP_ACT_ERRNO\", \"errnoRet\": 13", "errno 13"},
	        {"\"SCMP_ACT_KILL_PROCESS\"", "killed 31"},
	        {"\"SCMP_ACT_KILL_THREAD\"", "killed 31"},
	        {"\"SCMP_ACT_KILL\"", "killed 31"},
	        {"\"SCMP_ACT_TRAP\"", "trap"},
	        /* Without a tracer the kernel fails the call with ENOSYS. */
	        {"\"SCMP_ACT_TRACE\"", "errno 38"},
	        {"\"SCMP_ACT_LOG\"", "ok"},
	        {"\"SCMP_ACT_ALLOW\"", "ok"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = fmt("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
		              "[\"getppid\"], \"action\": %s}]}",
		              cases[i].action);

		ck_assert_int_eq(compile(p), 0);
		free(p);
		EXPECT(PROBES({C_GETPPID}), WANT(cases[i].want));
	}
}
END_TEST

static char *dup_rule(const char *args)
{
	return fmt("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"dup\"], "
	           "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13, \"args\": [%s]}]}",
	           args);
}

START_TEST(test_operators)
{
	static const struct {
		const char *op;
		long value, value_two;
		const char *want[3]; /* for dup(999), dup(1000), dup(1001) */
	} cases[] = {
	        {"SCMP_CMP_EQ", 1000, 0, {"errno 9", "errno 13", "errno 9"}},
	        {"SCMP_CMP_NE", 1000, 0, {"errno 13", "errno 9", "errno 13"}},
	        {"SCMP_CMP_LT", 1000, 0, {"errno 13", "errno 9", "errno 9"}},
	        {"SCMP_CMP_LE", 1000, 0, {"errno 13", "errno 13", "errno 9"}},
	        {"SCMP_CMP_GT", 1000, 0, {"errno 9", "errno 9", "errno 13"}},
	        {"SCMP_CMP_GE", 1000, 0, {"errno 9", "errno 13", "errno 13"}},
	        /* (arg & 0xff) == 0xe9: 1001 is 0x3e9 */
	        {"SCMP_CMP_MASKED_EQ", 0xff, 0xe9, {"errno 9", "errno 9", "errno 13"}},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *a = fmt("{\"index\": 0, \"value\": %ld, \"valueTwo\": %ld, \"op\": \"%s\"}",
		              cases[i].value, cases[i].value_two, cases[i].op);
		char *p = dup_rule(a);

		ck_assert_int_eq(compile(p), 0);
		free(a);
		free(p);
		EXPECT(PROBES({C_DUP, 999}, {C_DUP, 1000}, {C_DUP, 1001}), cases[i].want);
	}
}
END_TEST

START_TEST(test_repeated_index_ors)
{
	char *p = dup_rule("{\"index\": 0, \"value\": 500, \"op\": \"SCMP_CMP_EQ\"}, "
	                   "{\"index\": 0, \"value\": 600, \"op\": \"SCMP_CMP_EQ\"}");

	ck_assert_int_eq(compile(p), 0);
	free(p);
	EXPECT(PROBES({C_DUP, 500}, {C_DUP, 600}, {C_DUP, 700}),
	       WANT("errno 13", "errno 13", "errno 9"));
	/* Distinct indexes are ANDed: dup's second "argument" is 0 here. */
	p = dup_rule(
	        "{\"index\": 0, \"value\": 500, \"op\": \"SCMP_CMP_EQ\"}, "
	        "{\"index\": 1, \"value\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\", \"valueTwo\": 0}");
	ck_assert_int_eq(compile(p), 0);
	free(p);
	EXPECT(PROBES({C_DUP, 500}, {C_DUP, 600}), WANT("errno 13", "errno 9"));
}
END_TEST

START_TEST(test_default_equal_rule_skipped)
{
	ck_assert_int_eq(
	        compile("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\":"
	                " [\"uname\"], \"action\": \"SCMP_ACT_ERRNO\"}, {\"names\": "
	                "[" BASE_ALLOW "], \"action\": \"SCMP_ACT_ALLOW\"}]}"),
	        0);
	EXPECT(PROBES({C_UNAME}, {C_ACCT}, {C_GETPPID}), WANT("errno 1", "errno 1", "ok"));
}
END_TEST

START_TEST(test_refused)
{
	char *p = dup_rule("{\"index\": 0, \"value\": 5, \"op\": \"SCMP_CMP_GT\"}, "
	                   "{\"index\": 1, \"value\": 8, \"op\": \"SCMP_CMP_NE\"}");

	ck_assert_int_eq(compile(p), -EINVAL);
	free(p);
	ck_assert_str_eq(logged(), "nsbox-oci: config.json: linux.seccomp.syscalls[0].args: a rule "
	                           "testing several arguments may only use SCMP_CMP_EQ and "
	                           "SCMP_CMP_MASKED_EQ (a libseccomp limitation): split it\n");
}
END_TEST

START_TEST(test_unknown_arch_warned)
{
	ck_assert_int_eq(compile("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": "
	                         "[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_SHEB\"], \"syscalls\": "
	                         "[{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"),
	                 0);
	/* libseccomp 2.5.4 has no SuperH; newer ones take it silently. */
	ck_assert(strcmp(logged(), "") == 0 ||
	          strcmp(logged(), "nsbox-oci: config.json: linux.seccomp.architectures[1]: not "
	                           "known to this libseccomp, left out ('SCMP_ARCH_SHEB')\n") == 0);
	EXPECT(PROBES({C_GETPPID}), WANT("errno 1"));
}
END_TEST

START_TEST(test_flags)
{
	ck_assert_int_eq(
	        compile("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": "
	                "[\"SECCOMP_FILTER_FLAG_LOG\", \"SECCOMP_FILTER_FLAG_TSYNC\", "
	                "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"], \"syscalls\": [{\"names\": "
	                "[\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 5}]}"),
	        0);
	ck_assert_uint_eq(bpf.flags,
	                  NSB_OCI_SC_FLAG_LOG | NSB_OCI_SC_FLAG_TSYNC | NSB_OCI_SC_FLAG_SPEC_ALLOW);
	EXPECT(PROBES({C_GETPPID}), WANT("errno 5"));
}
END_TEST

/* The agent side: accept the connection, take the listener fd and the
 * container process state, answer one notification with EXDEV. */
START_TEST(test_notify)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char payload[4096] = "", (*out)[32];
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	int srv, conn, listener = -1, pfd[2], status;
	size_t len = 0;
	char *p;
	pid_t pid;

	p = fmt("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"%s/agent.sock\", "
	        "\"listenerMetadata\": \"meta\", \"syscalls\": [{\"names\": [\"dup\"], \"action\": "
	        "\"SCMP_ACT_NOTIFY\", \"args\": [{\"index\": 0, \"value\": 777, \"op\": "
	        "\"SCMP_CMP_EQ\"}]}]}",
	        scratch);
	ck_assert_int_eq(compile(p), 0);
	free(p);
	ck_assert(bpf.notify);

	srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	p = fmt("%s/agent.sock", scratch);
	ck_assert_uint_lt(strlen(p), sizeof(sa.sun_path));
	memcpy(sa.sun_path, p, strlen(p) + 1);
	free(p);
	ck_assert_int_eq(bind(srv, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(srv, 1), 0);

	/* The child installs, sends the listener, then calls dup(777). */
	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char res[32][32];

		close(pfd[0]);
		run_probes(PROBES({C_DUP, 777}, {C_DUP, 778}), 2, res, -1);
		if (write(pfd[1], res, sizeof(res[0]) * 2) < 0)
			_exit(7);
		_exit(0);
	}
	close(pfd[1]);
	conn = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(conn, 0);
	ck_assert_int_eq(nsb_oci_recv_fd(conn, &listener, payload, sizeof(payload) - 1, &len), 0);
	ck_assert_int_ge(listener, 0);
	/* The rest of the payload, if the first message did not carry it all. */
	for (;;) {
		ssize_t k = read(conn, payload + len, sizeof(payload) - 1 - len);

		if (k <= 0)
			break;
		len += (size_t)k;
	}
	payload[len] = '\0';
	ck_assert_ptr_nonnull(strstr(payload, "\"fds\":[\"seccompFd\"]"));
	ck_assert_ptr_nonnull(strstr(payload, "\"metadata\":\"meta\""));
	ck_assert_ptr_nonnull(strstr(payload, "\"state\":{\"ociVersion\":\"1.2.0\",\"id\":\"c\""));

	ck_assert_int_eq(syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes), 0);
	req = calloc(1, sizes.seccomp_notif);
	resp = calloc(1, sizes.seccomp_notif_resp);
	ck_assert_int_eq(ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req), 0);
	ck_assert_int_eq(req->data.nr, SYS_dup);
	ck_assert_int_eq(req->data.args[0], 777);
	resp->id = req->id;
	resp->error = -EXDEV;
	ck_assert_int_eq(ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp), 0);
	free(req);
	free(resp);

	out = calloc(2, 32);
	ck_assert_int_eq(read(pfd[0], out, 64), 64);
	ck_assert_str_eq(out[0], "errno 18");
	ck_assert_str_eq(out[1], "errno 9");
	free(out);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(listener);
	close(conn);
	close(srv);
	close(pfd[0]);
}
END_TEST

static Suite *seccomp_suite(void)
{
	Suite *s = suite_create("oci_seccomp");
	TCase *tc = tcase_create("seccomp");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_podman_shape);
	tcase_add_test(tc, test_unknown_name_debug);
	tcase_add_test(tc, test_actions);
	tcase_add_test(tc, test_operators);
	tcase_add_test(tc, test_repeated_index_ors);
	tcase_add_test(tc, test_default_equal_rule_skipped);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_unknown_arch_warned);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_notify);
	suite_add_tcase(s, tc);
	return s;
}

RUN_SUITE(seccomp_suite)
