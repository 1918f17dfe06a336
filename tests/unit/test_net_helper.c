/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The helpers' exact command lines (pasta from passt 2023_03 on,
 * slirp4netns 1.x), for each option that changes them. Starting them for
 * real is tests/integration/t-net-helpers.sh's job. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "net-helper.h"
#include "util.h"

static char *joined(const struct nsb_net_helper_opts *o, const struct nsb_net_helper_fds *f)
{
	static char buf[2048];
	char **argv = NULL;
	size_t off = 0;

	ck_assert_int_eq(nsb_net_helper_argv(o, f,
	                                     o->mode == NSB_NET_PASTA ? "/usr/bin/pasta"
	                                                              : "/usr/bin/slirp4netns",
	                                     &argv),
	                 0);
	buf[0] = '\0';
	for (size_t i = 0; argv[i]; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? " " : "",
		                        argv[i]);
	nsb_strv_free(argv);
	return buf;
}

static const struct nsb_net_helper_fds fds = {
        .netns_fd = 5, .userns_fd = 6, .ready_fd = 7, .exit_fd = 8};

START_TEST(test_pasta)
{
	struct nsb_net_helper_opts o = {.mode = NSB_NET_PASTA};
	struct nsb_net_forward fw[] = {
	        {NSB_PROTO_TCP, 8080, 80}, {NSB_PROTO_UDP, 5353, 53}, {NSB_PROTO_TCP, 2222, 22}};
	const char *dns[] = {"192.0.2.53", "2001:db8::53"};
	struct nsb_net_helper_fds f = fds;

	ck_assert_str_eq(
	        joined(&o, &f),
	        "/usr/bin/pasta --foreground --quiet --config-net --pid /proc/self/fd/7 "
	        "--tcp-ports none --udp-ports none --tcp-ns none --udp-ns none --no-map-gw "
	        "--dns-forward 169.254.1.1 --no-netns-quit --netns /proc/self/fd/5 "
	        "--userns /proc/self/fd/6");
	o.host_loopback = true;
	o.forwards = fw;
	o.n_forwards = 3;
	o.dns_upstreams = dns;
	o.n_dns_upstreams = 2;
	f.userns_fd = -1;
	f.keep_root = true;
	ck_assert_str_eq(joined(&o, &f),
	                 "/usr/bin/pasta --foreground --quiet --config-net --pid /proc/self/fd/7 "
	                 "--tcp-ports 127.0.0.1/8080:80 --tcp-ports 127.0.0.1/2222:22 "
	                 "--udp-ports 127.0.0.1/5353:53 --tcp-ns none --udp-ns none "
	                 "--dns-forward 169.254.1.1 --dns 192.0.2.53 --dns 2001:db8::53 "
	                 "--runas 0:0 --no-netns-quit --netns /proc/self/fd/5 --netns-only");
}
END_TEST

START_TEST(test_slirp4netns)
{
	struct nsb_net_helper_opts o = {.mode = NSB_NET_SLIRP4NETNS};
	struct nsb_net_helper_fds f = fds;

	ck_assert_str_eq(joined(&o, &f),
	                 "/usr/bin/slirp4netns --configure --mtu=65520 --enable-ipv6 "
	                 "--disable-host-loopback --ready-fd=7 --exit-fd=8 "
	                 "--userns-path=/proc/self/fd/6 --netns-type=path /proc/self/fd/5 tap0");
	o.host_loopback = true;
	f.userns_fd = -1;
	f.api_socket = "/tmp/nsbox-slirp-x/api.sock";
	ck_assert_str_eq(joined(&o, &f),
	                 "/usr/bin/slirp4netns --configure --mtu=65520 --enable-ipv6 --ready-fd=7 "
	                 "--exit-fd=8 --api-socket=/tmp/nsbox-slirp-x/api.sock --netns-type=path "
	                 "/proc/self/fd/5 tap0");
}
END_TEST

START_TEST(test_find)
{
	FILE *f;
	char *buf = NULL, *path = NULL;
	size_t len = 0;
	const char *old = getenv("PATH");
	char *saved = old ? strdup(old) : NULL;

	f = open_memstream(&buf, &len);
	nsb_log_set_stream(f);
	setenv("PATH", "/nonexistent:relative/bin", 1);
	ck_assert_int_eq(nsb_net_helper_find(NSB_NET_PASTA, &path), -ENOENT);
	ck_assert_int_eq(nsb_net_helper_find(NSB_NET_SLIRP4NETNS, &path), -ENOENT);
	fflush(f);
	ck_assert_str_eq(buf, "nsbox: --net pasta: pasta was not found on PATH (Debian package "
	                      "passt)\n"
	                      "nsbox: --net slirp4netns: slirp4netns was not found on PATH "
	                      "(Debian package slirp4netns)\n");
	nsb_log_set_stream(NULL);
	fclose(f);
	free(buf);
	if (saved)
		setenv("PATH", saved, 1);
	free(saved);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("net-helper");
	TCase *tc = tcase_create("net-helper");
	SRunner *sr;
	int failed;

	nsb_log_init("nsbox");
	tcase_add_test(tc, test_pasta);
	tcase_add_test(tc, test_slirp4netns);
	tcase_add_test(tc, test_find);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
