/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Landlock: PORTS as valid/invalid pairs (each refusal with its reason),
 * the ABI check's messages for kernels that lack a feature (a faked ABI),
 * and each restriction for real in a forked child: abstract unix sockets,
 * signals, TCP connect and bind, against servers this test starts on
 * 127.0.0.1 only. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "landlock.h"
#include "log.h"
#include "util.h"

static FILE *log_f;
static char *log_buf;
static size_t log_len;

static void setup(void)
{
	nsb_log_init("nsbox");
	log_f = open_memstream(&log_buf, &log_len);
	ck_assert_ptr_nonnull(log_f);
	nsb_log_set_stream(log_f);
	nsb_landlock_fake_abi(-1);
}

static void teardown(void)
{
	nsb_log_set_stream(NULL);
	fclose(log_f);
	free(log_buf);
	log_buf = NULL;
	nsb_landlock_fake_abi(-1);
}

static const char *logged(void)
{
	fflush(log_f);
	return log_buf ? log_buf : "";
}

static void clear_log(void)
{
	fclose(log_f);
	free(log_buf);
	log_buf = NULL;
	log_f = open_memstream(&log_buf, &log_len);
	ck_assert_ptr_nonnull(log_f);
	nsb_log_set_stream(log_f);
}

/* The set as text, "1-3,7", for comparisons. */
static const char *set_text(const struct nsb_port_set *s)
{
	static char buf[512];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->n; i++) {
		if (s->r[i].lo == s->r[i].hi)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%u", i ? "," : "",
			                        s->r[i].lo);
		else
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%u-%u",
			                        i ? "," : "", s->r[i].lo, s->r[i].hi);
	}
	return buf;
}

START_TEST(test_ports_valid)
{
	static const struct {
		const char *in, *want;
		size_t count;
	} cases[] = {
	        {"443", "443", 1},
	        {"443,8000-8100", "443,8000-8100", 102},
	        {"1", "1", 1},
	        {"65535", "65535", 1},
	        {"1-65535", "1-65535", 65535},
	        {"80,80", "80", 1},
	        {"8100-8200,8000-8100", "8000-8200", 201},
	        {"5,4,3", "3-5", 3},
	        {"10-10", "10", 1},
	        {"0080", "80", 1},
	        {"22,443,8000-8100,9000", "22,443,8000-8100,9000", 104},
	};

	for (size_t i = 0; i < NSB_ELEMENTSOF(cases); i++) {
		struct nsb_port_set s = {0};
		char why[NSB_WHY_MAX] = "";

		ck_assert_msg(nsb_port_set_parse(&s, cases[i].in, false, why) == 0, "'%s': %s",
		              cases[i].in, why);
		ck_assert_str_eq(set_text(&s), cases[i].want);
		ck_assert_uint_eq(nsb_port_set_count(&s), cases[i].count);
		nsb_port_set_free(&s);
	}
}
END_TEST

START_TEST(test_ports_invalid)
{
	static const struct {
		const char *in, *why;
	} cases[] = {
	        {"", "no port given"},
	        {"0", "port 0 is out of range (1-65535)"},
	        {"65536", "port 65536 is out of range (1-65535)"},
	        {"99999999999999999999", "port 99999999999999999999 is out of range (1-65535)"},
	        {"443,", "empty item in the list"},
	        {",443", "empty item in the list"},
	        {"443,,80", "empty item in the list"},
	        {"https", "'https' is not a port number"},
	        {"443 ", "'443 ' is not a port number"},
	        {" 443", "' 443' is not a port number"},
	        {"+443", "'+443' is not a port number"},
	        {"-443", "empty port"},
	        {"443-", "empty port"},
	        {"8100-8000", "range 8100-8000 ends before it starts"},
	        {"1-2-3", "'2-3' is not a port number"},
	        {"0x50", "'0x50' is not a port number"},
	        {"443;80", "'443;80' is not a port number"},
	        {"80-0", "port 0 is out of range (1-65535)"},
	};

	for (size_t i = 0; i < NSB_ELEMENTSOF(cases); i++) {
		struct nsb_port_set s = {0};
		char why[NSB_WHY_MAX] = "";

		ck_assert_msg(nsb_port_set_parse(&s, "22", false, why) == 0, "%s", why);
		ck_assert_msg(nsb_port_set_parse(&s, cases[i].in, false, why) == -EINVAL,
		              "'%s' accepted", cases[i].in);
		ck_assert_str_eq(why, cases[i].why);
		/* Left as it was. */
		ck_assert_str_eq(set_text(&s), "22");
		nsb_port_set_free(&s);
	}
}
END_TEST

START_TEST(test_ports_zero_and_union)
{
	struct nsb_port_set s = {0};
	char why[NSB_WHY_MAX] = "";

	ck_assert_int_eq(nsb_port_set_parse(&s, "0", true, why), 0);
	ck_assert_int_eq(nsb_port_set_parse(&s, "0-2,9", true, why), 0);
	ck_assert_str_eq(set_text(&s), "0-2,9");
	/* A second value adds to the set. */
	ck_assert_int_eq(nsb_port_set_parse(&s, "3-8,100", false, why), 0);
	ck_assert_str_eq(set_text(&s), "0-9,100");
	ck_assert(nsb_port_set_has(&s, 0));
	ck_assert(nsb_port_set_has(&s, 100));
	ck_assert(!nsb_port_set_has(&s, 10));
	ck_assert(!nsb_port_set_has(&s, 99));
	nsb_port_set_free(&s);
	ck_assert_uint_eq(s.n, 0);

	/* Caps on the length. */
	char *big = malloc(5000);
	ck_assert_ptr_nonnull(big);
	memset(big, '1', 4999);
	big[4999] = '\0';
	for (size_t i = 1; i < 4999; i += 2)
		big[i] = ',';
	ck_assert_int_eq(nsb_port_set_parse(&s, big, false, why), -EINVAL);
	ck_assert_str_eq(why, "the list is longer than 4096 characters");
	free(big);
}
END_TEST

/* --- the ABI check ----------------------------------------------------------------------- */

START_TEST(test_check_messages)
{
	struct nsb_landlock ll = {0};

	/* Nothing asked: nothing to check, whatever the kernel. */
	nsb_landlock_fake_abi(0);
	ck_assert_int_eq(nsb_landlock_check(&ll), 0);
	ck_assert_str_eq(logged(), "");

	ll.scope_signals = NSB_LANDLOCK_MUST;
	ck_assert_int_eq(nsb_landlock_check(&ll), -EOPNOTSUPP);
	ck_assert_str_eq(logged(), "nsbox: --scope-signals needs Landlock ABI 6 (Linux 6.12 or "
	                           "later); Landlock is missing or disabled in this kernel\n");
	clear_log();

	nsb_landlock_fake_abi(5);
	ll.scope_signals = NSB_LANDLOCK_OFF;
	ll.scope_abstract_unix = NSB_LANDLOCK_MUST;
	ck_assert_int_eq(nsb_landlock_check(&ll), -EOPNOTSUPP);
	ck_assert_str_eq(logged(), "nsbox: --scope-abstract-af-unix needs Landlock ABI 6 (Linux "
	                           "6.12 or later); this kernel has Landlock ABI 5\n");
	clear_log();

	/* -try: a warning, once, and no failure. */
	ll.scope_abstract_unix = NSB_LANDLOCK_TRY;
	ck_assert_int_eq(nsb_landlock_check(&ll), 0);
	ck_assert_int_eq(nsb_landlock_check(&ll), 0);
	ck_assert_int_eq(nsb_landlock_apply(&ll), 0);
	ck_assert_str_eq(logged(), "nsbox: --scope-abstract-af-unix-try: Landlock ABI 6 (Linux "
	                           "6.12) is needed and this kernel has Landlock ABI 5; going on "
	                           "without it\n");
	clear_log();

	nsb_landlock_fake_abi(3);
	ll.scope_abstract_unix = NSB_LANDLOCK_OFF;
	ll.tcp_connect_given = true;
	ll.tcp_bind_given = true;
	ck_assert_int_eq(nsb_landlock_check(&ll), -EOPNOTSUPP);
	ck_assert_str_eq(logged(), "nsbox: --landlock-tcp-connect needs Landlock ABI 4 (Linux 6.7 "
	                           "or later); this kernel has Landlock ABI 3\n"
	                           "nsbox: --landlock-tcp-bind needs Landlock ABI 4 (Linux 6.7 or "
	                           "later); this kernel has Landlock ABI 3\n");
	clear_log();
	/* apply refuses the same way, before restricting anything. */
	ck_assert_int_eq(nsb_landlock_apply(&ll), -EOPNOTSUPP);

	nsb_landlock_fake_abi(6);
	clear_log();
	ll.scope_signals = NSB_LANDLOCK_MUST;
	ll.scope_abstract_unix = NSB_LANDLOCK_TRY;
	ck_assert_int_eq(nsb_landlock_check(&ll), 0);
	ck_assert_str_eq(logged(), "");
}
END_TEST

/* --- for real, in a forked child ---------------------------------------------------------- */

/* The kernel's ABI, or skip-with-a-note: a test that needs a feature this
 * kernel lacks passes vacuously only if NSBOX_MUST_WORK is unset. */
static bool kernel_has(int need)
{
	int abi = nsb_landlock_abi();

	if (abi >= need)
		return true;
	ck_assert_msg(!getenv("NSBOX_MUST_WORK") || strcmp(getenv("NSBOX_MUST_WORK"), "1"),
	              "Landlock ABI %d needed, kernel has %d (NSBOX_MUST_WORK=1)", need, abi);
	fprintf(stderr, "# skipped: Landlock ABI %d needed, kernel has %d\n", need, abi);
	return false;
}

/* Run fn in a child after applying ll; the child's exit status: 0 when fn
 * saw what it expected, else a number saying which step failed. */
static int in_child(const struct nsb_landlock *ll, int (*fn)(void *), void *arg)
{
	int st;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (nsb_landlock_apply(ll) < 0)
			_exit(100);
		_exit(fn(arg));
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st), "child status %#x", st);
	return WEXITSTATUS(st);
}

static int unix_connect(const struct sockaddr_un *a, socklen_t len)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	return connect(fd, (const struct sockaddr *)a, len) < 0 ? -errno : 0;
}

struct unix_addrs {
	struct sockaddr_un abstract, path;
	socklen_t abstract_len, path_len;
};

static int try_unix(void *arg)
{
	struct unix_addrs *u = arg;

	if (unix_connect(&u->abstract, u->abstract_len) != -EPERM)
		return 1;
	if (unix_connect(&u->path, u->path_len) != 0)
		return 2;
	return 0;
}

static int try_unix_unrestricted(void *arg)
{
	struct unix_addrs *u = arg;

	return unix_connect(&u->abstract, u->abstract_len) == 0 ? 0 : 3;
}

START_TEST(test_scope_abstract_unix)
{
	struct nsb_landlock ll = {.scope_abstract_unix = NSB_LANDLOCK_MUST};
	struct nsb_landlock none = {0};
	struct unix_addrs u = {0};
	char dir[] = "/tmp/nsbox-ll-XXXXXX";
	_cleanup_close_ int a = -1, p = -1;
	int n;

	if (!kernel_has(6))
		return;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	u.abstract.sun_family = AF_UNIX;
	n = snprintf(u.abstract.sun_path + 1, sizeof(u.abstract.sun_path) - 1,
	             "nsbox-test-landlock-%d", (int)getpid());
	u.abstract_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
	u.path.sun_family = AF_UNIX;
	snprintf(u.path.sun_path, sizeof(u.path.sun_path), "%s/s", dir);
	u.path_len = sizeof(u.path);

	a = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	p = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(bind(a, (struct sockaddr *)&u.abstract, u.abstract_len), 0);
	ck_assert_int_eq(bind(p, (struct sockaddr *)&u.path, u.path_len), 0);
	ck_assert_int_eq(listen(a, 4), 0);
	ck_assert_int_eq(listen(p, 4), 0);

	/* The control: without Landlock the abstract socket is reachable. */
	ck_assert_int_eq(in_child(&none, try_unix_unrestricted, &u), 0);
	ck_assert_int_eq(in_child(&ll, try_unix, &u), 0);
	unlink(u.path.sun_path);
	rmdir(dir);
}
END_TEST

static int try_signals(void *arg)
{
	pid_t parent = *(pid_t *)arg;

	if (kill(parent, 0) == 0 || errno != EPERM)
		return 1;
	if (kill(getpid(), 0) != 0)
		return 2;
	return 0;
}

static int try_signals_unrestricted(void *arg)
{
	return kill(*(pid_t *)arg, 0) == 0 ? 0 : 3;
}

START_TEST(test_scope_signals)
{
	struct nsb_landlock ll = {.scope_signals = NSB_LANDLOCK_MUST};
	struct nsb_landlock none = {0};
	pid_t me = getpid();

	if (!kernel_has(6))
		return;
	ck_assert_int_eq(in_child(&none, try_signals_unrestricted, &me), 0);
	ck_assert_int_eq(in_child(&ll, try_signals, &me), 0);
}
END_TEST

/* A TCP listener on 127.0.0.1 and an ephemeral port; its port. */
static int listener(uint16_t *ret_port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*ret_port = ntohs(a.sin_port);
	return fd;
}

static int tcp_connect(uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	                        .sin_port = htons(port)};
	_cleanup_close_ int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	return connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ? -errno : 0;
}

static int tcp_bind(uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	                        .sin_port = htons(port)};
	_cleanup_close_ int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	return bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ? -errno : 0;
}

struct two_ports {
	uint16_t allowed, other;
};

static int try_connect(void *arg)
{
	struct two_ports *p = arg;

	if (tcp_connect(p->other) != -EACCES)
		return 1;
	if (tcp_connect(p->allowed) != 0)
		return 2;
	return 0;
}

static int try_connect_unrestricted(void *arg)
{
	struct two_ports *p = arg;

	return tcp_connect(p->other) == 0 && tcp_connect(p->allowed) == 0 ? 0 : 3;
}

START_TEST(test_tcp_connect)
{
	struct nsb_landlock ll = {.tcp_connect_given = true};
	struct nsb_landlock none = {0};
	struct two_ports p;
	_cleanup_close_ int a = -1, b = -1;
	char value[16], why[NSB_WHY_MAX];

	if (!kernel_has(4))
		return;
	a = listener(&p.allowed);
	b = listener(&p.other);
	snprintf(value, sizeof(value), "%u", p.allowed);
	ck_assert_int_eq(nsb_port_set_parse(&ll.tcp_connect, value, false, why), 0);
	ck_assert_int_eq(in_child(&none, try_connect_unrestricted, &p), 0);
	ck_assert_int_eq(in_child(&ll, try_connect, &p), 0);
	nsb_landlock_free(&ll);
}
END_TEST

static int try_bind(void *arg)
{
	struct two_ports *p = arg;

	if (tcp_bind(p->other) != -EACCES)
		return 1;
	if (tcp_bind(p->allowed) != 0)
		return 2;
	/* Connecting is not restricted by a bind rule (nothing listens
	 * there any more: refused, not denied). */
	if (tcp_connect(p->other) != -ECONNREFUSED)
		return 3;
	return 0;
}

START_TEST(test_tcp_bind)
{
	struct nsb_landlock ll = {.tcp_bind_given = true};
	struct two_ports p;
	char value[16], why[NSB_WHY_MAX];
	_cleanup_close_ int a = -1, b = -1;

	if (!kernel_has(4))
		return;
	/* Two free ports: take them from the kernel, then give them back
	 * for the child to bind. */
	a = listener(&p.allowed);
	b = listener(&p.other);
	nsb_close_fd(&a);
	nsb_close_fd(&b);
	snprintf(value, sizeof(value), "%u", p.allowed);
	ck_assert_int_eq(nsb_port_set_parse(&ll.tcp_bind, value, false, why), 0);
	ck_assert_int_eq(in_child(&ll, try_bind, &p), 0);
	nsb_landlock_free(&ll);
}
END_TEST

START_TEST(test_nothing_asked)
{
	struct nsb_landlock ll = {0};

	ck_assert(!nsb_landlock_wanted(&ll));
	ck_assert_int_eq(nsb_landlock_apply(&ll), 0);
	ck_assert_str_eq(logged(), "");
}
END_TEST

static Suite *landlock_suite(void)
{
	Suite *s = suite_create("landlock");
	TCase *tc = tcase_create("landlock");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_ports_valid);
	tcase_add_test(tc, test_ports_invalid);
	tcase_add_test(tc, test_ports_zero_and_union);
	tcase_add_test(tc, test_check_messages);
	tcase_add_test(tc, test_nothing_asked);
	tcase_add_test(tc, test_scope_abstract_unix);
	tcase_add_test(tc, test_scope_signals);
	tcase_add_test(tc, test_tcp_connect);
	tcase_add_test(tc, test_tcp_bind);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(landlock_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
