/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network options' values: --net MODE, --net-allow and --net-forward
 * as valid/invalid pairs (each refusal with its reason), the nftables
 * ruleset each rule becomes (exact text), hostname resolution (localhost
 * only: no network), the sandbox's resolv.conf and the nameserver lists. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "log.h"
#include "net-rules.h"
#include "util.h"

static const char head[] =
        "table inet nsbox {\n"
        "\tchain output {\n"
        "\t\ttype filter hook output priority filter; policy drop;\n"
        "\t\toifname \"lo\" accept\n"
        "\t\tct state established,related accept\n"
        "\t\ticmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } accept\n";
static const char tail[] = "\t\tmeta l4proto tcp reject with tcp reset\n"
                           "\t\treject with icmpx admin-prohibited\n"
                           "\t}\n"
                           "}\n";

/* The lines a list of rules adds between head and tail. */
static char *rule_lines(const struct nsb_net_rule *rules, size_t n, const struct nsb_net_dns *dns)
{
	char *text = NULL;
	size_t hl = strlen(head), tl = strlen(tail), len;

	ck_assert_int_eq(nsb_net_ruleset(rules, n, dns, &text), 0);
	len = strlen(text);
	ck_assert_msg(len >= hl + tl && strncmp(text, head, hl) == 0 &&
	                      strcmp(text + len - tl, tail) == 0,
	              "frame differs:\n%s", text);
	memmove(text, text + hl, len - hl - tl);
	text[len - hl - tl] = '\0';
	return text;
}

START_TEST(test_allow_valid)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	        {"192.0.2.1", "\t\tip daddr 192.0.2.1 accept\n"},
	        {"192.0.2.1/32", "\t\tip daddr 192.0.2.1 accept\n"},
	        {"tcp:192.0.2.1", "\t\tip daddr 192.0.2.1 meta l4proto tcp accept\n"},
	        {"udp:192.0.2.0/24:53", "\t\tip daddr 192.0.2.0/24 udp dport 53 accept\n"},
	        {"192.0.2.1:443",
	         "\t\tip daddr 192.0.2.1 meta l4proto { tcp, udp } th dport 443 accept\n"},
	        {"tcp:10.0.0.0/8:8000-8100",
	         "\t\tip daddr 10.0.0.0/8 tcp dport 8000-8100 accept\n"},
	        {"0.0.0.0/0:443",
	         "\t\tip daddr 0.0.0.0/0 meta l4proto { tcp, udp } th dport 443 accept\n"},
	        {"udp:198.51.100.7:1-65535",
	         "\t\tip daddr 198.51.100.7 udp dport 1-65535 accept\n"},
	        {"2001:db8::1", "\t\tip6 daddr 2001:db8::1 accept\n"},
	        {"2001:db8::/32", "\t\tip6 daddr 2001:db8::/32 accept\n"},
	        {"udp:2001:DB8::1", "\t\tip6 daddr 2001:db8::1 meta l4proto udp accept\n"},
	        {"tcp:[2001:db8::1]:443", "\t\tip6 daddr 2001:db8::1 tcp dport 443 accept\n"},
	        {"[2001:db8::/32]:443-444",
	         "\t\tip6 daddr 2001:db8::/32 meta l4proto { tcp, udp } th dport 443-444 accept\n"},
	        {"[::/0]", "\t\tip6 daddr ::/0 accept\n"},
	        {"[::1]", "\t\tip6 daddr ::1 accept\n"},
	};

	for (size_t i = 0; i < NSB_ELEMENTSOF(cases); i++) {
		struct nsb_net_rule r;
		char why[NSB_WHY_MAX] = "";
		char *lines;

		ck_assert_msg(nsb_net_allow_parse(cases[i].in, &r, why) == 0, "'%s': %s",
		              cases[i].in, why);
		ck_assert_int_eq(r.kind, NSB_RULE_ADDR);
		lines = rule_lines(&r, 1, NULL);
		ck_assert_msg(strcmp(lines, cases[i].want) == 0, "'%s': got '%s'", cases[i].in,
		              lines);
		free(lines);
		nsb_net_rule_free(&r);
	}
}
END_TEST

START_TEST(test_allow_hostnames)
{
	static const struct {
		const char *in, *host;
		enum nsb_net_proto proto;
		uint16_t lo, hi;
	} cases[] = {
	        {"example.com", "example.com", NSB_PROTO_ANY, 0, 0},
	        {"tcp:example.com:443", "example.com", NSB_PROTO_TCP, 443, 443},
	        {"udp:ntp.example:123", "ntp.example", NSB_PROTO_UDP, 123, 123},
	        {"api.example.com:8000-8100", "api.example.com", NSB_PROTO_ANY, 8000, 8100},
	        {"localhost", "localhost", NSB_PROTO_ANY, 0, 0},
	        {"xn--bcher-kva.example", "xn--bcher-kva.example", NSB_PROTO_ANY, 0, 0},
	        {"a-b.c0.d", "a-b.c0.d", NSB_PROTO_ANY, 0, 0},
	        {"example.com.", "example.com.", NSB_PROTO_ANY, 0, 0},
	        {"1password.com", "1password.com", NSB_PROTO_ANY, 0, 0},
	};

	for (size_t i = 0; i < NSB_ELEMENTSOF(cases); i++) {
		struct nsb_net_rule r;
		char why[NSB_WHY_MAX] = "";

		ck_assert_msg(nsb_net_allow_parse(cases[i].in, &r, why) == 0, "'%s': %s",
		              cases[i].in, why);
		ck_assert_int_eq(r.kind, NSB_RULE_HOST);
		ck_assert_str_eq(r.host, cases[i].host);
		ck_assert_int_eq(r.proto, cases[i].proto);
		ck_assert_uint_eq(r.port_lo, cases[i].lo);
		ck_assert_uint_eq(r.port_hi, cases[i].hi);
		nsb_net_rule_free(&r);
	}
}
END_TEST

START_TEST(test_allow_invalid)
{
	static const struct {
		const char *in, *why;
	} cases[] = {
	        {"", "no address or hostname"},
	        {"tcp:", "no address or hostname"},
	        {":443", "no address or hostname"},
	        {"tcp:dns", "'dns' stands alone, without a protocol or port"},
	        {"dns:53", "'dns' stands alone, without a protocol or port"},
	        {"icmp:192.0.2.1", "unknown protocol 'icmp' (tcp: or udp:)"},
	        {"TCP:192.0.2.1", "unknown protocol 'TCP' (tcp: or udp:)"},
	        {"tcp:udp:192.0.2.1", "one protocol only, at the start"},
	        {"192.0.2.1:0", "port 0 is out of range (1-65535)"},
	        {"192.0.2.1:65536", "port 65536 is out of range (1-65535)"},
	        {"192.0.2.1:443-80", "port range 443-80 ends before it starts"},
	        {"192.0.2.1:", "empty port"},
	        {"192.0.2.1:-80", "empty port"},
	        {"192.0.2.1:https", "'https' is not a port number"},
	        {"192.0.2.1:443,80", "'443,80' is not a port number"},
	        {"192.0.2.256", "'192.0.2.256' is not a valid IPv4 address"},
	        {"192.0.2", "'192.0.2' is not a valid IPv4 address"},
	        {"192.0.2.1/33", "prefix '33' is not a number from 0 to 32"},
	        {"192.0.2.1/", "prefix '' is not a number from 0 to 32"},
	        {"192.0.2.1/-1", "prefix '-1' is not a number from 0 to 32"},
	        {"192.0.2.1/24", "'192.0.2.1/24' has host bits set (the network is 192.0.2.0/24)"},
	        {"10.1.0.0/8:443", "'10.1.0.0/8' has host bits set (the network is 10.0.0.0/8)"},
	        {"2001:db8::1/129", "prefix '129' is not a number from 0 to 128"},
	        {"2001:db8::1/64",
	         "'2001:db8::1/64' has host bits set (the network is 2001:db8::/64)"},
	        {"gggg::1", "'gggg::1' is not a valid IPv6 address"},
	        {"[2001:db8::1", "missing ']' after the IPv6 address"},
	        {"[2001:db8::1]443", "expected ':PORT' after ']', not '443'"},
	        {"[2001:db8::1]:", "empty port"},
	        {"[192.0.2.1]:443", "'192.0.2.1' is not a valid IPv6 address"},
	        {"[]", "'' is not a valid IPv6 address"},
	        {"example.com/24", "only an address can have a /PREFIX, not 'example.com/24'"},
	        {"exa_mple.com", "'exa_mple.com' is not a valid address or hostname"},
	        {"-bad.example", "'-bad.example' is not a valid address or hostname"},
	        {"bad-.example", "'bad-.example' is not a valid address or hostname"},
	        {"a..b", "'a..b' is not a valid address or hostname"},
	        {".a", "'.a' is not a valid address or hostname"},
	        {"a b", "'a b' is not a valid address or hostname"},
	        {"ex\xc3\xa4mple.com", "'ex\xc3\xa4mple.com' is not a valid address or hostname"},
	        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
	         "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example' is "
	         "not a "
	         "valid address or hostname"},
	};

	for (size_t i = 0; i < NSB_ELEMENTSOF(cases); i++) {
		struct nsb_net_rule r = {.kind = NSB_RULE_DNS, .port_lo = 42};
		char why[NSB_WHY_MAX] = "";

		ck_assert_msg(nsb_net_allow_parse(cases[i].in, &r, why) == -EINVAL, "'%s' accepted",
		              cases[i].in);
		ck_assert_msg(strcmp(why, cases[i].why) == 0, "'%s': got '%s'", cases[i].in, why);
		/* Left as it was. */
		ck_assert_int_eq(r.kind, NSB_RULE_DNS);
		ck_assert_uint_eq(r.port_lo, 42);
	}

	/* A 300-character cap, and hostnames at most 253 long. */
	char big[400];
	struct nsb_net_rule r;
	char why[NSB_WHY_MAX];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(nsb_net_allow_parse(big, &r, why), -EINVAL);
	ck_assert_str_eq(why, "the rule is longer than 300 characters");
	/* 4 labels of 63 + 3 dots = 255: too long for a name. */
	char *name = big;
	memset(name, 'a', 255);
	name[63] = name[127] = name[191] = '.';
	name[255] = '\0';
	ck_assert_int_eq(nsb_net_allow_parse(name, &r, why), -EINVAL);
	name[250] = '\0'; /* 251 characters: fine */
	ck_assert_int_eq(nsb_net_allow_parse(name, &r, why), 0);
	nsb_net_rule_free(&r);
}
END_TEST

START_TEST(test_ruleset_dns_and_hosts)
{
	struct nsb_net_rule rules[3];
	char why[NSB_WHY_MAX] = "";
	char *lines, *text = NULL;

	ck_assert_int_eq(nsb_net_allow_parse("dns", &rules[0], why), 0);
	ck_assert_int_eq(rules[0].kind, NSB_RULE_DNS);
	ck_assert_int_eq(nsb_net_allow_parse("tcp:api.example:443", &rules[1], why), 0);
	ck_assert_int_eq(nsb_net_allow_parse("udp:192.0.2.9:123", &rules[2], why), 0);

	/* Unresolved hostname, "dns" without a helper: refused. */
	ck_assert_int_eq(nsb_net_ruleset(rules + 1, 1, NULL, &text), -EINVAL);
	ck_assert_int_eq(nsb_net_ruleset(rules, 1, NULL, &text), -EINVAL);
	ck_assert_ptr_null(text);

	/* As if resolved to two addresses. */
	rules[1].resolved = calloc(2, sizeof(*rules[1].resolved));
	rules[1].n_resolved = 2;
	rules[1].resolved[0].family = AF_INET;
	rules[1].resolved[0].prefix = 32;
	inet_pton(AF_INET, "192.0.2.5", &rules[1].resolved[0].v4);
	rules[1].resolved[1].family = AF_INET6;
	rules[1].resolved[1].prefix = 128;
	inet_pton(AF_INET6, "2001:db8::5", &rules[1].resolved[1].v6);

	lines = rule_lines(rules, 3, nsb_net_mode_dns(NSB_NET_PASTA));
	ck_assert_str_eq(lines, "\t\tip daddr 169.254.1.1 udp dport 53 accept\n"
	                        "\t\tip daddr 192.0.2.5 tcp dport 443 accept\n"
	                        "\t\tip6 daddr 2001:db8::5 tcp dport 443 accept\n"
	                        "\t\tip daddr 192.0.2.9 udp dport 123 accept\n");
	free(lines);
	lines = rule_lines(rules, 1, nsb_net_mode_dns(NSB_NET_SLIRP4NETNS));
	ck_assert_str_eq(lines,
	                 "\t\tip daddr 10.0.2.3 meta l4proto { tcp, udp } th dport 53 accept\n"
	                 "\t\tip6 daddr fd00::3 meta l4proto { tcp, udp } th dport 53 accept\n");
	free(lines);
	/* No rule at all: everything but loopback refused. */
	lines = rule_lines(NULL, 0, NULL);
	ck_assert_str_eq(lines, "");
	free(lines);
	for (size_t i = 0; i < 3; i++)
		nsb_net_rule_free(&rules[i]);
}
END_TEST

START_TEST(test_resolve_localhost)
{
	struct nsb_net_rule r;
	char why[NSB_WHY_MAX] = "";
	bool v4 = false;

	/* /etc/hosts: no packet leaves the machine. */
	ck_assert_int_eq(nsb_net_allow_parse("tcp:localhost:80", &r, why), 0);
	ck_assert_int_eq(nsb_net_rules_resolve(&r, 1), 0);
	ck_assert_uint_ge(r.n_resolved, 1);
	for (size_t i = 0; i < r.n_resolved; i++) {
		if (r.resolved[i].family == AF_INET) {
			ck_assert_uint_eq(ntohl(r.resolved[i].v4.s_addr) >> 24, 127);
			ck_assert_uint_eq(r.resolved[i].prefix, 32);
			v4 = true;
		}
		for (size_t k = 0; k < i; k++)
			ck_assert(memcmp(&r.resolved[i], &r.resolved[k], sizeof(r.resolved[i])));
	}
	ck_assert(v4);
	nsb_net_rule_free(&r);
}
END_TEST

START_TEST(test_forward)
{
	static const struct {
		const char *in;
		enum nsb_net_proto proto;
		uint16_t host_port, port;
	} ok[] = {
	        {"8080", NSB_PROTO_TCP, 8080, 8080},        {"8080:80", NSB_PROTO_TCP, 8080, 80},
	        {"tcp:1:65535", NSB_PROTO_TCP, 1, 65535},   {"udp:5353", NSB_PROTO_UDP, 5353, 5353},
	        {"udp:10053:53", NSB_PROTO_UDP, 10053, 53},
	};
	static const struct {
		const char *in, *why;
	} bad[] = {
	        {"", "empty port"},
	        {"tcp:", "empty port"},
	        {"0", "port 0 is out of range (1-65535)"},
	        {"8080:0", "port 0 is out of range (1-65535)"},
	        {"70000", "port 70000 is out of range (1-65535)"},
	        {"8080:", "empty port"},
	        {":80", "empty port"},
	        {"http", "'http' is not a port number"},
	        {"sctp:80", "'sctp' is not a port number"},
	        {"1:2:3", "expected [tcp:|udp:]HOSTPORT[:PORT]"},
	        {"127.0.0.1:80:80", "expected [tcp:|udp:]HOSTPORT[:PORT]"},
	        {"8000-8100", "'8000-8100' is not a port number"},
	};

	for (size_t i = 0; i < NSB_ELEMENTSOF(ok); i++) {
		struct nsb_net_forward f;
		char why[NSB_WHY_MAX] = "";

		ck_assert_msg(nsb_net_forward_parse(ok[i].in, &f, why) == 0, "'%s': %s", ok[i].in,
		              why);
		ck_assert_int_eq(f.proto, ok[i].proto);
		ck_assert_uint_eq(f.host_port, ok[i].host_port);
		ck_assert_uint_eq(f.port, ok[i].port);
	}
	for (size_t i = 0; i < NSB_ELEMENTSOF(bad); i++) {
		struct nsb_net_forward f = {.host_port = 7};
		char why[NSB_WHY_MAX] = "";

		ck_assert_msg(nsb_net_forward_parse(bad[i].in, &f, why) == -EINVAL, "'%s' accepted",
		              bad[i].in);
		ck_assert_msg(strcmp(why, bad[i].why) == 0, "'%s': got '%s'", bad[i].in, why);
		ck_assert_uint_eq(f.host_port, 7);
	}
}
END_TEST

START_TEST(test_mode)
{
	static const char *const names[] = {"none", "host", "pasta", "slirp4netns"};
	static const char *const bad[] = {"", "Pasta", "slirp", "passt", "bridge", "none "};

	for (size_t i = 0; i < NSB_ELEMENTSOF(names); i++) {
		enum nsb_net_mode m = NSB_NET_UNSET;

		ck_assert_int_eq(nsb_net_mode_parse(names[i], &m), 0);
		ck_assert_str_eq(nsb_net_mode_name(m), names[i]);
		ck_assert_int_eq(nsb_net_mode_has_helper(m),
		                 m == NSB_NET_PASTA || m == NSB_NET_SLIRP4NETNS);
		ck_assert_int_eq(nsb_net_mode_dns(m) != NULL, nsb_net_mode_has_helper(m));
	}
	for (size_t i = 0; i < NSB_ELEMENTSOF(bad); i++) {
		enum nsb_net_mode m = NSB_NET_UNSET;

		ck_assert_int_eq(nsb_net_mode_parse(bad[i], &m), -EINVAL);
		ck_assert_int_eq(m, NSB_NET_UNSET);
	}
	ck_assert_ptr_null(nsb_net_mode_name(NSB_NET_UNSET));
}
END_TEST

START_TEST(test_resolv_conf)
{
	static const char host[] = "# managed by someone\n"
	                           "nameserver 127.0.0.53\n"
	                           "options edns0 trust-ad\n"
	                           "search corp.example lab.example\n"
	                           "domain corp.example\n"
	                           "sortlist 130.155.160.0/255.255.240.0\n"
	                           "nameservers 1.1.1.1\n"
	                           "searchx no";
	char *text = NULL;

	ck_assert_int_eq(nsb_net_resolv_conf(host, nsb_net_mode_dns(NSB_NET_PASTA), &text), 0);
	ck_assert_str_eq(text, "# nsbox: the network helper's DNS forwarder, which passes queries "
	                       "on to the host's resolver\n"
	                       "nameserver 169.254.1.1\n"
	                       "options edns0 trust-ad\n"
	                       "search corp.example lab.example\n"
	                       "domain corp.example\n");
	free(text);
	ck_assert_int_eq(nsb_net_resolv_conf(NULL, nsb_net_mode_dns(NSB_NET_SLIRP4NETNS), &text),
	                 0);
	ck_assert_str_eq(text, "# nsbox: the network helper's DNS forwarder, which passes queries "
	                       "on to the host's resolver\n"
	                       "nameserver 10.0.2.3\n"
	                       "nameserver fd00::3\n");
	free(text);
}
END_TEST

START_TEST(test_nameservers)
{
	static const char conf[] = "nameserver 127.0.0.53\n"
	                           "nameserver\t192.0.2.53 # comment\n"
	                           "# nameserver 192.0.2.99\n"
	                           "nameserver ::1\n"
	                           "nameserver 2001:db8::53\n"
	                           "nameserver fe80::1%eth0\n"
	                           "nameserver not-an-address\n"
	                           "nameserver 127.1.2.3\n"
	                           "nameserver 198.51.100.53\n";
	const char *ns[8];
	char *buf = NULL;
	int n;

	n = nsb_net_nameservers(conf, true, ns, 8, &buf);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(ns[0], "192.0.2.53");
	ck_assert_str_eq(ns[1], "2001:db8::53");
	ck_assert_str_eq(ns[2], "198.51.100.53");
	free(buf);
	n = nsb_net_nameservers(conf, false, ns, 2, &buf);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(ns[0], "127.0.0.53");
	ck_assert_str_eq(ns[1], "192.0.2.53");
	free(buf);
	n = nsb_net_nameservers(NULL, true, ns, 8, &buf);
	ck_assert_int_eq(n, 0);
	free(buf);
}
END_TEST

START_TEST(test_is_resolv_conf)
{
	static const char *const yes[] = {"/etc/resolv.conf",        "etc/resolv.conf",
	                                  "//etc//resolv.conf",      "/etc/./resolv.conf",
	                                  "/usr/../etc/resolv.conf", "/../etc/resolv.conf"};
	static const char *const no[] = {"/etc",
	                                 "/etc/resolv.conf/x",
	                                 "/etc/resolv.conf.d",
	                                 "/run/etc/resolv.conf",
	                                 "/etc/resolv",
	                                 "/",
	                                 ""};

	for (size_t i = 0; i < NSB_ELEMENTSOF(yes); i++)
		ck_assert_msg(nsb_net_is_resolv_conf(yes[i]), "%s", yes[i]);
	for (size_t i = 0; i < NSB_ELEMENTSOF(no); i++)
		ck_assert_msg(!nsb_net_is_resolv_conf(no[i]), "%s", no[i]);
}
END_TEST

static Suite *net_rules_suite(void)
{
	Suite *s = suite_create("net-rules");
	TCase *tc = tcase_create("net-rules");

	tcase_add_test(tc, test_allow_valid);
	tcase_add_test(tc, test_allow_hostnames);
	tcase_add_test(tc, test_allow_invalid);
	tcase_add_test(tc, test_ruleset_dns_and_hosts);
	tcase_add_test(tc, test_resolve_localhost);
	tcase_add_test(tc, test_forward);
	tcase_add_test(tc, test_mode);
	tcase_add_test(tc, test_resolv_conf);
	tcase_add_test(tc, test_nameservers);
	tcase_add_test(tc, test_is_resolv_conf);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(net_rules_suite());
	int failed;

	nsb_log_init("nsbox");
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
