/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network and Landlock options (docs/network.md): for each one the
 * config a valid value produces, then the invalid values with their exact
 * messages; which network takes effect when --net, --netns, --unshare-net,
 * --share-net and --unshare-all are combined, and the warnings; the rules
 * between them (--net-allow needs a network to filter and no
 * CAP_NET_ADMIN for COMMAND, --net-forward and --net-host-loopback need a
 * helper, a helper implies a pid namespace). */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "nsb-config.h"

#include "cli-harness.h"

#define PARSE_OK(...) parse_ok_list(ARGV(__VA_ARGS__), "")
#define PARSE_WARN(msg, ...) parse_ok_list(ARGV(__VA_ARGS__), msg)

/* What a failed parse must also leave behind: nothing of the network. */
static void assert_net_freed(void)
{
	ck_assert_ptr_null(cfg.net_rules);
	ck_assert_uint_eq(cfg.n_net_rules, 0);
	ck_assert_ptr_null(cfg.net_forwards);
	ck_assert_uint_eq(cfg.n_net_forwards, 0);
	ck_assert_ptr_null(cfg.landlock.tcp_connect.r);
	ck_assert_ptr_null(cfg.landlock.tcp_bind.r);
}

#define NET_ERR(err, msg, ...)                                \
	do {                                                  \
		expect_err_list(err, msg, ARGV(__VA_ARGS__)); \
		assert_net_freed();                           \
	} while (0)

/* ---- --net MODE ------------------------------------------------------------------------ */

START_TEST(test_net_modes)
{
	PARSE_OK("--net", "pasta", "true");
	ck_assert_int_eq(cfg.net_mode, NSB_NET_PASTA);
	ck_assert(cfg.unshare_net);
	/* The helper must stay out of COMMAND's sight. */
	ck_assert(cfg.unshare_pid);
	ck_assert_int_eq(cfg.netns_fd, -1);

	PARSE_OK("--net", "slirp4netns", "true");
	ck_assert_int_eq(cfg.net_mode, NSB_NET_SLIRP4NETNS);
	ck_assert(cfg.unshare_net && cfg.unshare_pid);

	PARSE_OK("--net", "none", "true");
	ck_assert_int_eq(cfg.net_mode, NSB_NET_NONE);
	ck_assert(cfg.unshare_net);
	ck_assert(!cfg.unshare_pid);

	PARSE_OK("--net", "host", "true");
	ck_assert_int_eq(cfg.net_mode, NSB_NET_HOST);
	ck_assert(!cfg.unshare_net && !cfg.unshare_pid);

	/* Nothing given: the host's network, as bubblewrap. */
	PARSE_OK("true");
	ck_assert_int_eq(cfg.net_mode, NSB_NET_UNSET);
	ck_assert(!cfg.unshare_net);
	ck_assert_int_eq(cfg.netns_fd, -1);

	/* --as-pid-1 needs a pid namespace: a helper's is one. */
	PARSE_OK("--net", "pasta", "--as-pid-1", "true");
	ck_assert(cfg.as_pid_1 && cfg.unshare_pid);
}
END_TEST

START_TEST(test_net_invalid)
{
	NET_ERR(-EINVAL,
	        "nsbox: --net: unknown mode 'foo' (argument 2): expected pasta, slirp4netns, none "
	        "or host\n",
	        "--net", "foo", "true");
	NET_ERR(-EINVAL,
	        "nsbox: --net: unknown mode 'Pasta' (argument 3): expected pasta, slirp4netns, "
	        "none or host\n",
	        "--unshare-pid", "--net", "Pasta", "true");
	NET_ERR(-EINVAL,
	        "nsbox: --net: unknown mode '' (argument 2): expected pasta, slirp4netns, none or "
	        "host\n",
	        "--net", "", "true");
	NET_ERR(-EINVAL, "nsbox: --net takes an argument (--net MODE, argument 1: got 0)\n",
	        "--net");
	NET_ERR(-EINVAL,
	        "nsbox: Invalid fd: x\nnsbox: --netns (argument 2) takes a decimal number "
	        "from 0 to 2147483647\n",
	        "--netns", "x", "true");
	NET_ERR(-EINVAL,
	        "nsbox: Invalid fd: -1\nnsbox: --netns (argument 2) takes a decimal number "
	        "from 0 to 2147483647\n",
	        "--netns", "-1", "true");
}
END_TEST

/* ---- last one wins ------------------------------------------------------------------------ */

START_TEST(test_net_last_wins)
{
	/* bubblewrap's options alone: --share-net wins wherever, quietly. */
	PARSE_OK("--share-net", "--unshare-net", "true");
	ck_assert(!cfg.unshare_net);
	PARSE_OK("--unshare-all", "--share-net", "true");
	ck_assert(!cfg.unshare_net);
	ck_assert(cfg.unshare_pid);
	PARSE_OK("--unshare-net", "--unshare-net", "true");
	ck_assert(cfg.unshare_net);

	/* --unshare-all, then the kind of network: no warning. */
	PARSE_OK("--unshare-all", "--net", "pasta", "true");
	ck_assert_int_eq(cfg.net_mode, NSB_NET_PASTA);
	ck_assert(cfg.unshare_net && cfg.unshare_ipc && cfg.unshare_uts);
	PARSE_OK("--unshare-all", "--net", "host", "true");
	ck_assert(!cfg.unshare_net && cfg.unshare_pid && cfg.unshare_ipc);
	PARSE_OK("--unshare-all", "--netns", "7", "true");
	ck_assert_int_eq(cfg.netns_fd, 7);
	ck_assert(!cfg.unshare_net);

	/* The same network twice in other words: nothing to warn about. */
	PARSE_OK("--unshare-net", "--net", "none", "true");
	ck_assert(cfg.unshare_net);
	PARSE_OK("--net", "host", "--share-net", "true");
	ck_assert(!cfg.unshare_net);

	PARSE_WARN("nsbox: --unshare-net (argument 3) overrides --net pasta (argument 1): only "
	           "the last network option takes effect\n",
	           "--net", "pasta", "--unshare-net", "true");
	ck_assert_int_eq(cfg.net_mode, NSB_NET_NONE);
	ck_assert(cfg.unshare_net);
	ck_assert(!cfg.unshare_pid);

	PARSE_WARN("nsbox: --share-net (argument 3) overrides --net pasta (argument 1): only the "
	           "last network option takes effect\n",
	           "--net", "pasta", "--share-net", "true");
	ck_assert_int_eq(cfg.net_mode, NSB_NET_HOST);
	ck_assert(!cfg.unshare_net);

	/* --share-net no longer wins wherever once --net is given. */
	PARSE_WARN("nsbox: --net slirp4netns (argument 2) overrides --share-net (argument 1): only "
	           "the last network option takes effect\n",
	           "--share-net", "--net", "slirp4netns", "true");
	ck_assert_int_eq(cfg.net_mode, NSB_NET_SLIRP4NETNS);
	ck_assert(cfg.unshare_net);

	PARSE_WARN("nsbox: --unshare-all (argument 3) overrides --net pasta (argument 1): only the "
	           "last network option takes effect\n",
	           "--net", "pasta", "--unshare-all", "true");
	ck_assert_int_eq(cfg.net_mode, NSB_NET_NONE);

	PARSE_WARN("nsbox: Only the last --net option will take effect\n", "--net", "pasta",
	           "--net", "none", "true");
	ck_assert_int_eq(cfg.net_mode, NSB_NET_NONE);

	PARSE_WARN("nsbox: Only the last --netns option will take effect\n", "--netns", "3",
	           "--netns", "4", "true");
	ck_assert_int_eq(cfg.netns_fd, 4);

	PARSE_WARN("nsbox: --net pasta (argument 3) overrides --netns 3 (argument 1): only the "
	           "last network option takes effect\n",
	           "--netns", "3", "--net", "pasta", "true");
	ck_assert_int_eq(cfg.netns_fd, -1);
	ck_assert_int_eq(cfg.net_mode, NSB_NET_PASTA);

	PARSE_WARN("nsbox: --netns 3 (argument 3) overrides --net none (argument 1): only the last "
	           "network option takes effect\n",
	           "--net", "none", "--netns", "3", "true");
	ck_assert_int_eq(cfg.netns_fd, 3);
	ck_assert(!cfg.unshare_net);

	/* Several overrides: one warning each. */
	PARSE_WARN("nsbox: --unshare-net (argument 3) overrides --net host (argument 1): only the "
	           "last network option takes effect\n"
	           "nsbox: --share-net (argument 4) overrides --unshare-net (argument 3): only the "
	           "last network option takes effect\n",
	           "--net", "host", "--unshare-net", "--share-net", "true");
	ck_assert(!cfg.unshare_net);
}
END_TEST

/* ---- --net-host-loopback, --net-forward ------------------------------------------------- */

START_TEST(test_net_forward)
{
	PARSE_OK("--net", "pasta", "--net-host-loopback", "--net-forward", "8080", "--net-forward",
	         "udp:5353:53", "--net-forward", "tcp:1:65535", "true");
	ck_assert(cfg.net_host_loopback);
	ck_assert_uint_eq(cfg.n_net_forwards, 3);
	ck_assert_int_eq(cfg.net_forwards[0].proto, NSB_PROTO_TCP);
	ck_assert_uint_eq(cfg.net_forwards[0].host_port, 8080);
	ck_assert_uint_eq(cfg.net_forwards[0].port, 8080);
	ck_assert_int_eq(cfg.net_forwards[1].proto, NSB_PROTO_UDP);
	ck_assert_uint_eq(cfg.net_forwards[1].host_port, 5353);
	ck_assert_uint_eq(cfg.net_forwards[1].port, 53);
	ck_assert_uint_eq(cfg.net_forwards[2].host_port, 1);
	ck_assert_uint_eq(cfg.net_forwards[2].port, 65535);
	/* The same host port for both protocols. */
	PARSE_OK("--net-forward", "53", "--net-forward", "udp:53", "--net", "slirp4netns", "true");
	ck_assert_uint_eq(cfg.n_net_forwards, 2);
}
END_TEST

START_TEST(test_net_forward_invalid)
{
	NET_ERR(-EINVAL,
	        "nsbox: --net-forward: invalid forward '0' (argument 4): port 0 is out of range "
	        "(1-65535)\n",
	        "--net", "pasta", "--net-forward", "0", "true");
	NET_ERR(-EINVAL,
	        "nsbox: --net-forward: invalid forward 'tcp:80:0' (argument 4): port 0 is out of "
	        "range (1-65535)\n",
	        "--net", "pasta", "--net-forward", "tcp:80:0", "true");
	NET_ERR(-EINVAL,
	        "nsbox: --net-forward: invalid forward '1:2:3' (argument 4): expected "
	        "[tcp:|udp:]HOSTPORT[:PORT]\n",
	        "--net", "pasta", "--net-forward", "1:2:3", "true");
	NET_ERR(-EINVAL,
	        "nsbox: --net-forward: invalid forward 'x' (argument 4): 'x' is not a port "
	        "number\n",
	        "--net", "pasta", "--net-forward", "x", "true");
	NET_ERR(-EINVAL,
	        "nsbox: --net-forward: invalid forward 'udp:70000' (argument 4): port 70000 is out "
	        "of range (1-65535)\n",
	        "--net", "pasta", "--net-forward", "udp:70000", "true");
	NET_ERR(-EINVAL, "nsbox: --net-forward: invalid forward 'tcp:' (argument 4): empty port\n",
	        "--net", "pasta", "--net-forward", "tcp:", "true");
	NET_ERR(-EINVAL,
	        "nsbox: --net-forward: '8080:81' (argument 6): host port tcp:8080 is already "
	        "forwarded\n",
	        "--net", "pasta", "--net-forward", "8080", "--net-forward", "8080:81", "true");
	/* Without a helper, nothing forwards. */
	NET_ERR(-EINVAL,
	        "nsbox: --net-forward (argument 2) needs --net pasta or --net slirp4netns, whose "
	        "helper forwards the port\n",
	        "--net-forward", "80", "--unshare-net", "true");
	NET_ERR(-EINVAL,
	        "nsbox: Only the last --net option will take effect\n"
	        "nsbox: --net-forward (argument 4) needs --net pasta or --net slirp4netns, whose "
	        "helper forwards the port\n",
	        "--net", "pasta", "--net-forward", "80", "--net", "none", "true");
	NET_ERR(-EINVAL,
	        "nsbox: --net-host-loopback (argument 1) needs --net pasta or --net slirp4netns\n",
	        "--net-host-loopback", "true");
	NET_ERR(-EINVAL,
	        "nsbox: --net-host-loopback (argument 3) needs --net pasta or --net slirp4netns\n",
	        "--net", "host", "--net-host-loopback", "true");
}
END_TEST

/* ---- --net-allow ------------------------------------------------------------------------ */

START_TEST(test_net_allow)
{
	PARSE_OK("--net", "pasta", "--net-allow", "dns", "--net-allow", "tcp:192.0.2.1:443",
	         "--net-allow", "2001:db8::/32", "--net-allow", "[2001:db8::1]:53-54",
	         "--net-allow", "udp:example.org:123", "true");
	ck_assert_uint_eq(cfg.n_net_rules, 5);
	ck_assert_int_eq(cfg.net_rules[0].kind, NSB_RULE_DNS);
	ck_assert_int_eq(cfg.net_rules[1].kind, NSB_RULE_ADDR);
	ck_assert_int_eq(cfg.net_rules[1].proto, NSB_PROTO_TCP);
	ck_assert_uint_eq(cfg.net_rules[1].port_lo, 443);
	ck_assert_int_eq(cfg.net_rules[2].addr.family, AF_INET6);
	ck_assert_uint_eq(cfg.net_rules[2].addr.prefix, 32);
	ck_assert_uint_eq(cfg.net_rules[3].port_lo, 53);
	ck_assert_uint_eq(cfg.net_rules[3].port_hi, 54);
	ck_assert_int_eq(cfg.net_rules[4].kind, NSB_RULE_HOST);
	ck_assert_str_eq(cfg.net_rules[4].host, "example.org");
	/* Hostnames are resolved at launch, not while parsing. */
	ck_assert_ptr_null(cfg.net_rules[4].resolved);

	/* COMMAND may keep other capabilities, and CAP_NET_ADMIN added then
	 * dropped again. */
	PARSE_OK("--net", "slirp4netns", "--net-allow", "dns", "--cap-add", "CAP_NET_ADMIN",
	         "--cap-drop", "CAP_NET_ADMIN", "true");
	PARSE_OK("--net", "slirp4netns", "--cap-add", "ALL", "--cap-drop", "net_admin",
	         "--net-allow", "10.0.0.0/8", "true");
	PARSE_OK("--net", "pasta", "--cap-add", "CAP_NET_RAW", "--net-allow", "dns", "true");
	/* --netns: addresses (installed at launch if nsbox may). */
	PARSE_OK("--netns", "3", "--net-allow", "tcp:192.0.2.1:443", "true");
	ck_assert_int_eq(cfg.netns_fd, 3);
	ck_assert_uint_eq(cfg.n_net_rules, 1);
	/* From --args data too. */
	{
		int fd = memfd_create("args", MFD_CLOEXEC);
		char fdstr[16];
		static const char data[] = "--net\0pasta\0--net-allow\0dns";

		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
		ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
		snprintf(fdstr, sizeof(fdstr), "%d", fd);
		PARSE_OK("--args", fdstr, "true");
		ck_assert_uint_eq(cfg.n_net_rules, 1);
		ck_assert_int_eq(cfg.net_mode, NSB_NET_PASTA);
	}
}
END_TEST

START_TEST(test_net_allow_invalid)
{
	static const struct {
		const char *value, *why;
	} bad[] = {
	        {"tcp:1.2.3.4:99999", "port 99999 is out of range (1-65535)"},
	        {"udp:", "no address or hostname"},
	        {"icmp:1.2.3.4", "unknown protocol 'icmp' (tcp: or udp:)"},
	        {"10.0.0.1/8", "'10.0.0.1/8' has host bits set (the network is 10.0.0.0/8)"},
	        {"[::1", "missing ']' after the IPv6 address"},
	        {"bad_host", "'bad_host' is not a valid address or hostname"},
	        {"tcp:dns", "'dns' stands alone, without a protocol or port"},
	        {"1.2.3.4:0", "port 0 is out of range (1-65535)"},
	        {"1.2.3.4:80-70", "port range 80-70 ends before it starts"},
	        {"2001:db8::/129", "prefix '129' is not a number from 0 to 128"},
	        {"", "no address or hostname"},
	};
	char msg[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(msg, sizeof(msg),
		         "nsbox: --net-allow: invalid rule '%s' (argument 4): %s\n", bad[i].value,
		         bad[i].why);
		NET_ERR(-EINVAL, msg, "--net", "pasta", "--net-allow", bad[i].value, "true");
	}
	NET_ERR(-EINVAL,
	        "nsbox: --net-allow takes an argument (--net-allow RULE, argument 3: got 0)\n",
	        "--net", "pasta", "--net-allow");
	/* A bad rule after good ones: nothing kept. */
	NET_ERR(-EINVAL,
	        "nsbox: --net-allow: invalid rule 'x:y' (argument 6): 'y' is not a port number\n",
	        "--net", "pasta", "--net-allow", "example.org", "--net-allow", "x:y", "true");
}
END_TEST

START_TEST(test_net_allow_rules)
{
	/* The host's network: nothing of nsbox's to filter. */
	NET_ERR(-EINVAL,
	        "nsbox: --net-allow (argument 2) cannot filter the host's network, which the "
	        "sandbox shares: use --net pasta or --net slirp4netns for a network of its own, or "
	        "limit the TCP ports COMMAND may connect to with --landlock-tcp-connect\n",
	        "--net-allow", "dns", "true");
	NET_ERR(-EINVAL,
	        "nsbox: --net-allow (argument 4) cannot filter the host's network, which the "
	        "sandbox shares: use --net pasta or --net slirp4netns for a network of its own, or "
	        "limit the TCP ports COMMAND may connect to with --landlock-tcp-connect\n",
	        "--net", "host", "--net-allow", "10.0.0.1", "true");
	NET_ERR(-EINVAL,
	        "nsbox: --net-allow (argument 3) cannot filter the host's network, which the "
	        "sandbox shares: use --net pasta or --net slirp4netns for a network of its own, or "
	        "limit the TCP ports COMMAND may connect to with --landlock-tcp-connect\n",
	        "--unshare-all", "--net-allow", "dns", "--share-net", "true");
	/* Only a loopback device: nothing to allow. */
	NET_ERR(-EINVAL,
	        "nsbox: --net-allow (argument 4): the sandbox's network has only its loopback "
	        "device (--net none, --unshare-net or --unshare-all), so there is nothing to "
	        "allow: use --net pasta or --net slirp4netns\n",
	        "--net", "none", "--net-allow", "dns", "true");
	NET_ERR(-EINVAL,
	        "nsbox: --net-allow (argument 3): the sandbox's network has only its loopback "
	        "device (--net none, --unshare-net or --unshare-all), so there is nothing to "
	        "allow: use --net pasta or --net slirp4netns\n",
	        "--unshare-all", "--net-allow", "10.0.0.1", "true");
	/* --netns: no forwarder to name. */
	NET_ERR(-EINVAL,
	        "nsbox: --net-allow dns (argument 6) allows the DNS forwarder of --net pasta or "
	        "--net slirp4netns; with --netns, allow the namespace's resolvers by address\n",
	        "--netns", "3", "--net-allow", "10.0.0.1", "--net-allow", "dns", "true");
	/* COMMAND must not hold CAP_NET_ADMIN. */
	NET_ERR(-EINVAL,
	        "nsbox: --cap-add CAP_NET_ADMIN (argument 4) cannot be combined with --net-allow: "
	        "COMMAND could remove the rules\n",
	        "--net", "pasta", "--cap-add", "CAP_NET_ADMIN", "--net-allow", "dns", "true");
	NET_ERR(-EINVAL,
	        "nsbox: --cap-add net_admin (argument 6) cannot be combined with --net-allow: "
	        "COMMAND could remove the rules\n",
	        "--net-allow", "dns", "--net", "pasta", "--cap-add", "net_admin", "true");
	NET_ERR(-EINVAL,
	        "nsbox: --cap-add ALL (argument 4) includes CAP_NET_ADMIN, which cannot be "
	        "combined with --net-allow: COMMAND could remove the rules (add --cap-drop "
	        "CAP_NET_ADMIN after it)\n",
	        "--net", "pasta", "--cap-add", "ALL", "--net-allow", "dns", "true");
	/* Dropped, then added again. */
	NET_ERR(-EINVAL,
	        "nsbox: --cap-add CAP_NET_ADMIN (argument 8) cannot be combined with --net-allow: "
	        "COMMAND could remove the rules\n",
	        "--net", "pasta", "--net-allow", "dns", "--cap-drop", "ALL", "--cap-add",
	        "CAP_NET_ADMIN", "true");
}
END_TEST

/* ---- Landlock ---------------------------------------------------------------------------- */

START_TEST(test_landlock_scopes)
{
	PARSE_OK("true");
	ck_assert_int_eq(cfg.landlock.scope_abstract_unix, NSB_LANDLOCK_OFF);
	ck_assert_int_eq(cfg.landlock.scope_signals, NSB_LANDLOCK_OFF);
	ck_assert(!nsb_landlock_wanted(&cfg.landlock));

	PARSE_OK("--scope-abstract-af-unix", "true");
	ck_assert_int_eq(cfg.landlock.scope_abstract_unix, NSB_LANDLOCK_MUST);
	ck_assert_int_eq(cfg.landlock.scope_signals, NSB_LANDLOCK_OFF);
	PARSE_OK("--scope-abstract-af-unix-try", "true");
	ck_assert_int_eq(cfg.landlock.scope_abstract_unix, NSB_LANDLOCK_TRY);
	PARSE_OK("--scope-signals", "true");
	ck_assert_int_eq(cfg.landlock.scope_signals, NSB_LANDLOCK_MUST);
	ck_assert_int_eq(cfg.landlock.scope_abstract_unix, NSB_LANDLOCK_OFF);
	PARSE_OK("--scope-signals-try", "true");
	ck_assert_int_eq(cfg.landlock.scope_signals, NSB_LANDLOCK_TRY);
	ck_assert(nsb_landlock_wanted(&cfg.landlock));
	/* The plain form wins, in either order. */
	PARSE_OK("--scope-signals-try", "--scope-signals", "true");
	ck_assert_int_eq(cfg.landlock.scope_signals, NSB_LANDLOCK_MUST);
	PARSE_OK("--scope-signals", "--scope-signals-try", "true");
	ck_assert_int_eq(cfg.landlock.scope_signals, NSB_LANDLOCK_MUST);
	/* With the host's network: the X11 / D-Bus case. */
	PARSE_OK("--unshare-all", "--share-net", "--scope-abstract-af-unix", "true");
	ck_assert(!cfg.unshare_net);
	ck_assert_int_eq(cfg.landlock.scope_abstract_unix, NSB_LANDLOCK_MUST);
}
END_TEST

START_TEST(test_landlock_ports)
{
	PARSE_OK("--landlock-tcp-connect", "443,8000-8100", "--landlock-tcp-connect", "80",
	         "--landlock-tcp-bind", "0", "true");
	ck_assert(cfg.landlock.tcp_connect_given);
	ck_assert_uint_eq(cfg.landlock.tcp_connect.n, 3);
	ck_assert_uint_eq(nsb_port_set_count(&cfg.landlock.tcp_connect), 103);
	ck_assert(nsb_port_set_has(&cfg.landlock.tcp_connect, 80));
	ck_assert(nsb_port_set_has(&cfg.landlock.tcp_connect, 8100));
	ck_assert(!nsb_port_set_has(&cfg.landlock.tcp_connect, 8101));
	ck_assert(cfg.landlock.tcp_bind_given);
	ck_assert(nsb_port_set_has(&cfg.landlock.tcp_bind, 0));
	/* With any network, the host's included. */
	PARSE_OK("--net", "host", "--landlock-tcp-connect", "1-65535", "true");
	ck_assert_uint_eq(nsb_port_set_count(&cfg.landlock.tcp_connect), 65535);
}
END_TEST

START_TEST(test_landlock_ports_invalid)
{
	static const struct {
		const char *opt, *value, *why;
	} bad[] = {
	        {"--landlock-tcp-connect", "", "no port given"},
	        {"--landlock-tcp-connect", "0", "port 0 is out of range (1-65535)"},
	        {"--landlock-tcp-connect", "80-70", "range 80-70 ends before it starts"},
	        {"--landlock-tcp-connect", "a", "'a' is not a port number"},
	        {"--landlock-tcp-connect", "1,,2", "empty item in the list"},
	        {"--landlock-tcp-connect", "1,", "empty item in the list"},
	        {"--landlock-tcp-connect", " 1", "' 1' is not a port number"},
	        {"--landlock-tcp-bind", "70000", "port 70000 is out of range (0-65535)"},
	        {"--landlock-tcp-bind", "-1", "empty port"},
	};
	char msg[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(msg, sizeof(msg), "nsbox: %s: invalid ports '%s' (argument 3): %s\n",
		         bad[i].opt, bad[i].value, bad[i].why);
		NET_ERR(-EINVAL, msg, "--unshare-pid", bad[i].opt, bad[i].value, "true");
	}
	NET_ERR(-EINVAL,
	        "nsbox: --landlock-tcp-bind takes an argument (--landlock-tcp-bind PORTS, argument "
	        "1: got 0)\n",
	        "--landlock-tcp-bind");
	/* A bad value after a good one: nothing kept. */
	NET_ERR(-EINVAL,
	        "nsbox: --landlock-tcp-connect: invalid ports 'x' (argument 4): 'x' is not a port "
	        "number\n",
	        "--landlock-tcp-connect", "443", "--landlock-tcp-connect", "x", "true");
}
END_TEST

static Suite *cli_net_suite(void)
{
	Suite *s = suite_create("cli_net");
	TCase *tc = tcase_create("net");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_net_modes);
	tcase_add_test(tc, test_net_invalid);
	tcase_add_test(tc, test_net_last_wins);
	tcase_add_test(tc, test_net_forward);
	tcase_add_test(tc, test_net_forward_invalid);
	tcase_add_test(tc, test_net_allow);
	tcase_add_test(tc, test_net_allow_invalid);
	tcase_add_test(tc, test_net_allow_rules);
	tcase_add_test(tc, test_landlock_scopes);
	tcase_add_test(tc, test_landlock_ports);
	tcase_add_test(tc, test_landlock_ports_invalid);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cli_net_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
