/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness for the network and Landlock option values:
 * nsb_net_allow_parse() (--net-allow), nsb_net_forward_parse()
 * (--net-forward) and nsb_port_set_parse() (--landlock-tcp-connect /
 * --landlock-tcp-bind), each given the input as one NUL-terminated string
 * (inputs with a NUL byte are rejected: an argv or --args string cannot
 * hold one).
 *
 * What is checked, besides sanitizer findings:
 *  - the port lists against an independent oracle (the syntax written out
 *    from landlock.h, the set as a bitmap of the 65536 ports), with and
 *    without port 0; the set sorted and merged; an earlier set kept on
 *    error and extended on success;
 *  - --net-forward against an oracle of its syntax;
 *  - --net-allow: a success is a well-formed rule (ports, prefix, host bits,
 *    kind) that prints back to a rule parsing to the same rule, and an
 *    address or dns rule makes an nftables ruleset; a failure says why.
 * A broken contract aborts with "fuzz_net_rules: contract violated". */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "landlock.h"
#include "log.h"
#include "net-rules.h"

#define FUZZ_NAME "fuzz_net_rules"
#include "fuzz-common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_log_setup("nsbox", 0);
	return 0;
}

/* --- PORTS ------------------------------------------------------------------------------ */

/* A decimal port of s[0..len): 0 and the value, or -1. */
static int oracle_port(const char *s, size_t len, bool allow_zero, unsigned *ret)
{
	unsigned v = 0;

	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v <= 65535)
			v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 65535 || (v == 0 && !allow_zero))
		return -1;
	*ret = v;
	return 0;
}

/* "P" or "LO-HI" items separated by commas, at most 4096 bytes, into bits.
 * 0 or -1. */
static int oracle_ports(const char *s, bool allow_zero, uint8_t *bits)
{
	size_t len = strlen(s);
	const char *p = s;

	if (len == 0 || len > 4096)
		return -1;
	for (;;) {
		const char *end = strchrnul(p, ',');
		const char *dash = memchr(p, '-', (size_t)(end - p));
		unsigned lo, hi;

		if (dash) {
			if (oracle_port(p, (size_t)(dash - p), allow_zero, &lo) < 0 ||
			    oracle_port(dash + 1, (size_t)(end - dash - 1), allow_zero, &hi) < 0 ||
			    lo > hi)
				return -1;
		} else {
			if (oracle_port(p, (size_t)(end - p), allow_zero, &lo) < 0)
				return -1;
			hi = lo;
		}
		for (unsigned v = lo; v <= hi; v++)
			bits[v / 8] |= (uint8_t)(1u << (v % 8));
		if (!*end)
			return 0;
		p = end + 1;
	}
}

static void check_ports(const char *s, bool allow_zero)
{
	/* An earlier option gave 7-9: kept on error, extended on success. */
	struct nsb_port_range first = {7, 9};
	struct nsb_port_set set = {.r = malloc(sizeof(first)), .n = 1};
	static uint8_t want[8192], got[8192];
	char why[NSB_WHY_MAX] = "";
	int r, ow;

	CHECK(set.r, "out of memory");
	set.r[0] = first;
	memset(want, 0, sizeof(want));
	memset(got, 0, sizeof(got));
	ow = oracle_ports(s, allow_zero, want);
	r = nsb_port_set_parse(&set, s, allow_zero, why);
	CHECK((r == 0) == (ow == 0), "nsb_port_set_parse(\"%s\", %d) = %d, oracle %d", s,
	      allow_zero, r, ow);
	if (r < 0) {
		CHECK(r == -EINVAL, "nsb_port_set_parse(\"%s\") = %d", s, r);
		CHECK(why[0], "nsb_port_set_parse(\"%s\") gives no reason", s);
		CHECK(set.n == 1 && set.r[0].lo == 7 && set.r[0].hi == 9,
		      "nsb_port_set_parse(\"%s\") changed the set on error", s);
		nsb_port_set_free(&set);
		return;
	}
	for (unsigned v = 7; v <= 9; v++)
		want[v / 8] |= (uint8_t)(1u << (v % 8));
	for (size_t i = 0; i < set.n; i++) {
		CHECK(set.r[i].lo <= set.r[i].hi, "\"%s\": range %u-%u", s, set.r[i].lo,
		      set.r[i].hi);
		CHECK(i == 0 || (uint32_t)set.r[i - 1].hi + 1 < set.r[i].lo,
		      "\"%s\": ranges not sorted and merged at %zu", s, i);
		for (uint32_t v = set.r[i].lo; v <= set.r[i].hi; v++)
			got[v / 8] |= (uint8_t)(1u << (v % 8));
	}
	CHECK(memcmp(got, want, sizeof(got)) == 0, "\"%s\": the set differs from the oracle's", s);
	nsb_port_set_free(&set);
}

/* --- --net-forward --------------------------------------------------------------------------- */

static void check_forward(const char *s)
{
	struct nsb_net_forward f = {.host_port = 7};
	const char *body = s;
	enum nsb_net_proto proto = NSB_PROTO_TCP;
	char why[NSB_WHY_MAX] = "";
	unsigned hp = 0, port = 0;
	const char *colon;
	bool ok;
	int r;

	if (!strncmp(s, "tcp:", 4)) {
		body += 4;
	} else if (!strncmp(s, "udp:", 4)) {
		body += 4;
		proto = NSB_PROTO_UDP;
	}
	colon = strchr(body, ':');
	if (colon && strchr(colon + 1, ':'))
		ok = false;
	else if (colon)
		ok = oracle_port(body, (size_t)(colon - body), false, &hp) == 0 &&
		     oracle_port(colon + 1, strlen(colon + 1), false, &port) == 0;
	else
		ok = oracle_port(body, strlen(body), false, &hp) == 0 && (port = hp, true);
	r = nsb_net_forward_parse(s, &f, why);
	CHECK((r == 0) == ok, "nsb_net_forward_parse(\"%s\") = %d, oracle %d", s, r, ok);
	if (r < 0) {
		CHECK(r == -EINVAL && why[0], "nsb_net_forward_parse(\"%s\"): %d, no reason", s, r);
		CHECK(f.host_port == 7, "nsb_net_forward_parse(\"%s\") wrote *ret on error", s);
		return;
	}
	CHECK(f.proto == proto && f.host_port == hp && f.port == port,
	      "nsb_net_forward_parse(\"%s\") -> %d %u %u, oracle %d %u %u", s, f.proto, f.host_port,
	      f.port, proto, hp, port);
}

/* --- --net-allow ----------------------------------------------------------------------------- */

/* The rule written back in the documented syntax. */
static void format_rule(const struct nsb_net_rule *r, char *buf, size_t size)
{
	static const char *const proto[] = {"", "tcp:", "udp:"};
	char addr[INET6_ADDRSTRLEN + 8] = "", ports[16] = "";
	bool v6 = false;

	if (r->kind == NSB_RULE_DNS) {
		snprintf(buf, size, "dns");
		return;
	}
	if (r->port_lo == r->port_hi)
		snprintf(ports, sizeof(ports), ":%u", r->port_lo);
	else
		snprintf(ports, sizeof(ports), ":%u-%u", r->port_lo, r->port_hi);
	if (r->port_lo == 0)
		ports[0] = '\0';
	if (r->kind == NSB_RULE_HOST) {
		snprintf(buf, size, "%s%s%s", proto[r->proto], r->host, ports);
		return;
	}
	v6 = r->addr.family == AF_INET6;
	inet_ntop(r->addr.family, v6 ? (const void *)&r->addr.v6 : (const void *)&r->addr.v4, addr,
	          sizeof(addr));
	if (r->addr.prefix != (v6 ? 128 : 32))
		snprintf(addr + strlen(addr), sizeof(addr) - strlen(addr), "/%u", r->addr.prefix);
	if (v6 && ports[0])
		snprintf(buf, size, "%s[%s]%s", proto[r->proto], addr, ports);
	else
		snprintf(buf, size, "%s%s%s", proto[r->proto], addr, ports);
}

static bool same_rule(const struct nsb_net_rule *a, const struct nsb_net_rule *b)
{
	if (a->kind != b->kind || a->proto != b->proto || a->port_lo != b->port_lo ||
	    a->port_hi != b->port_hi)
		return false;
	if (a->kind == NSB_RULE_HOST)
		return !strcmp(a->host, b->host);
	if (a->kind == NSB_RULE_ADDR)
		return a->addr.family == b->addr.family && a->addr.prefix == b->addr.prefix &&
		       !memcmp(a->addr.family == AF_INET ? (const void *)&a->addr.v4
		                                         : (const void *)&a->addr.v6,
		               b->addr.family == AF_INET ? (const void *)&b->addr.v4
		                                         : (const void *)&b->addr.v6,
		               a->addr.family == AF_INET ? 4 : 16);
	return true;
}

static void check_rule_shape(const char *s, const struct nsb_net_rule *r)
{
	CHECK(r->kind == NSB_RULE_ADDR || r->kind == NSB_RULE_HOST || r->kind == NSB_RULE_DNS,
	      "\"%s\": kind %d", s, r->kind);
	CHECK(r->proto == NSB_PROTO_ANY || r->proto == NSB_PROTO_TCP || r->proto == NSB_PROTO_UDP,
	      "\"%s\": proto %d", s, r->proto);
	CHECK((r->port_lo == 0) == (r->port_hi == 0) && r->port_lo <= r->port_hi,
	      "\"%s\": ports %u-%u", s, r->port_lo, r->port_hi);
	CHECK(!r->resolved && !r->n_resolved, "\"%s\": resolved while parsing", s);
	if (r->kind == NSB_RULE_DNS)
		CHECK(!strcmp(s, "dns") && r->proto == NSB_PROTO_ANY && !r->port_lo,
		      "\"%s\": a dns rule", s);
	if (r->kind == NSB_RULE_HOST)
		CHECK(r->host && r->host[0] && strspn(r->host, "0123456789.") != strlen(r->host),
		      "\"%s\": host '%s'", s, r->host ? r->host : "(null)");
	else
		CHECK(!r->host, "\"%s\": a host on a non-host rule", s);
	if (r->kind == NSB_RULE_ADDR) {
		const uint8_t *b = r->addr.family == AF_INET ? (const uint8_t *)&r->addr.v4
		                                             : r->addr.v6.s6_addr;
		unsigned full = r->addr.family == AF_INET ? 32 : 128;

		CHECK(r->addr.family == AF_INET || r->addr.family == AF_INET6, "\"%s\": family %d",
		      s, r->addr.family);
		CHECK(r->addr.prefix <= full, "\"%s\": prefix %u", s, r->addr.prefix);
		for (unsigned bit = r->addr.prefix; bit < full; bit++)
			CHECK(!(b[bit / 8] & (0x80 >> (bit % 8))), "\"%s\": host bit %u set", s,
			      bit);
	}
}

static void check_allow(const char *s)
{
	struct nsb_net_rule r, again;
	char why[NSB_WHY_MAX] = "", text[512];
	char *ruleset = NULL;
	int e;

	e = nsb_net_allow_parse(s, &r, why);
	if (e < 0) {
		CHECK(e == -EINVAL && why[0], "nsb_net_allow_parse(\"%s\") = %d, reason '%s'", s, e,
		      why);
		return;
	}
	check_rule_shape(s, &r);
	format_rule(&r, text, sizeof(text));
	e = nsb_net_allow_parse(text, &again, why);
	CHECK(e == 0, "\"%s\" printed as \"%s\", which does not parse: %s", s, text, why);
	CHECK(same_rule(&r, &again), "\"%s\" printed as \"%s\", which parses differently", s, text);
	nsb_net_rule_free(&again);
	if (r.kind != NSB_RULE_HOST) {
		e = nsb_net_ruleset(&r, 1, nsb_net_mode_dns(NSB_NET_SLIRP4NETNS), &ruleset);
		CHECK(e == 0 && ruleset && strstr(ruleset, "table inet nsbox"),
		      "\"%s\": no ruleset (%d)", s, e);
		free(ruleset);
	}
	nsb_net_rule_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (memchr(data, 0, size))
		return -1;
	s = malloc(size + 1);
	if (!s)
		fail("out of memory");
	memcpy(s, data, size);
	s[size] = '\0';
	check_ports(s, false);
	check_ports(s, true);
	check_forward(s);
	check_allow(s);
	free(s);
	return 0;
}
