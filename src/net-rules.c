/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "net-rules.h"
#include "util.h"

/* --- --net MODE ------------------------------------------------------------------------- */

static const char *const mode_names[] = {
        [NSB_NET_NONE] = "none",
        [NSB_NET_HOST] = "host",
        [NSB_NET_PASTA] = "pasta",
        [NSB_NET_SLIRP4NETNS] = "slirp4netns",
};

int nsb_net_mode_parse(const char *s, enum nsb_net_mode *ret)
{
	for (size_t i = 1; i < NSB_ELEMENTSOF(mode_names); i++) {
		if (strcmp(s, mode_names[i]) == 0) {
			*ret = (enum nsb_net_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *nsb_net_mode_name(enum nsb_net_mode mode)
{
	if (mode <= NSB_NET_UNSET || (size_t)mode >= NSB_ELEMENTSOF(mode_names))
		return NULL;
	return mode_names[mode];
}

bool nsb_net_mode_has_helper(enum nsb_net_mode mode)
{
	return mode == NSB_NET_PASTA || mode == NSB_NET_SLIRP4NETNS;
}

/* Where each helper answers DNS. pasta forwards what is sent to its
 * --dns-forward address (nsbox passes this one, the address podman uses
 * too: link-local, so never a real host) over UDP only in passt 2023_03;
 * slirp4netns answers on 10.0.2.3 (fd00::3 with IPv6), UDP and TCP. */
static const struct nsb_net_dns pasta_dns = {.v4 = "169.254.1.1", .v6 = NULL, .tcp = false};
static const struct nsb_net_dns slirp_dns = {.v4 = "10.0.2.3", .v6 = "fd00::3", .tcp = true};

const struct nsb_net_dns *nsb_net_mode_dns(enum nsb_net_mode mode)
{
	switch (mode) {
	case NSB_NET_PASTA:
		return &pasta_dns;
	case NSB_NET_SLIRP4NETNS:
		return &slirp_dns;
	default:
		return NULL;
	}
}

/* --- pieces of rules -------------------------------------------------------------------- */

int nsb_net_port_parse(const char *s, size_t len, bool allow_zero, uint16_t *ret, char *why)
{
	unsigned long v = 0;

	if (len == 0) {
		snprintf(why, NSB_WHY_MAX, "empty port");
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			snprintf(why, NSB_WHY_MAX, "'%.*s' is not a port number", (int)len, s);
			return -EINVAL;
		}
		if (v <= 65535)
			v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535 || (v == 0 && !allow_zero)) {
		snprintf(why, NSB_WHY_MAX, "port %.*s is out of range (%d-65535)", (int)len, s,
		         allow_zero ? 0 : 1);
		return -EINVAL;
	}
	*ret = (uint16_t)v;
	return 0;
}

static int parse_port(const char *s, size_t len, uint16_t *ret, char *why)
{
	return nsb_net_port_parse(s, len, false, ret, why);
}

/* PORT or PORT-PORT. */
static int parse_port_range(const char *s, uint16_t *lo, uint16_t *hi, char *why)
{
	const char *dash = strchr(s, '-');
	int r;

	if (!dash) {
		r = parse_port(s, strlen(s), lo, why);
		*hi = *lo;
		return r;
	}
	r = parse_port(s, (size_t)(dash - s), lo, why);
	if (r == 0)
		r = parse_port(dash + 1, strlen(dash + 1), hi, why);
	if (r == 0 && *lo > *hi) {
		snprintf(why, NSB_WHY_MAX, "port range %s ends before it starts", s);
		r = -EINVAL;
	}
	return r;
}

static bool all_digits_and_dots(const char *s)
{
	return *s && strspn(s, "0123456789.") == strlen(s);
}

/* A DNS name: labels of letters, digits and '-', 1-63 long, not starting
 * or ending with '-', at most 253 in all; an optional final dot. */
static bool valid_hostname(const char *s)
{
	size_t len = strlen(s), label = 0;

	if (len == 0 || len > 254 || (len == 254 && s[253] != '.'))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return false;
		if (c == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return s[len - 1] != '-';
}

/* Zero the bits past prefix; true if that changed nothing. */
static bool host_bits_clear(struct nsb_net_addr *a)
{
	unsigned char *b = a->family == AF_INET ? (unsigned char *)&a->v4 : a->v6.s6_addr;
	size_t bytes = a->family == AF_INET ? 4 : 16;
	bool clear = true;

	for (size_t i = 0; i < bytes; i++) {
		unsigned keep = a->prefix >= (i + 1) * 8 ? 8
		                : a->prefix > i * 8      ? a->prefix - i * 8
		                                         : 0;
		unsigned char mask = (unsigned char)(keep ? 0xff << (8 - keep) : 0);

		if (b[i] & ~mask)
			clear = false;
		b[i] &= mask;
	}
	return clear;
}

static void addr_text(const struct nsb_net_addr *a, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];
	unsigned full = a->family == AF_INET ? 32 : 128;

	inet_ntop(a->family, a->family == AF_INET ? (const void *)&a->v4 : (const void *)&a->v6, ip,
	          sizeof(ip));
	if (a->prefix == full)
		snprintf(buf, size, "%s", ip);
	else
		snprintf(buf, size, "%s/%u", ip, a->prefix);
}

/* ADDRESS or ADDRESS/PREFIX of the given family. */
static int parse_addr(const char *s, int family, struct nsb_net_addr *ret, char *why)
{
	const char *slash = strchr(s, '/');
	unsigned full = family == AF_INET ? 32 : 128;
	char ip[INET6_ADDRSTRLEN + 1];
	struct nsb_net_addr a = {.family = family, .prefix = (uint8_t)full};
	size_t iplen = slash ? (size_t)(slash - s) : strlen(s);

	bool ok = iplen < sizeof(ip);

	if (ok) {
		memcpy(ip, s, iplen);
		ip[iplen] = '\0';
		ok = inet_pton(family, ip, family == AF_INET ? (void *)&a.v4 : (void *)&a.v6) == 1;
	}
	if (!ok) {
		snprintf(why, NSB_WHY_MAX, "'%.*s' is not a valid %s address", (int)iplen, s,
		         family == AF_INET ? "IPv4" : "IPv6");
		return -EINVAL;
	}
	if (slash) {
		const char *p = slash + 1;
		unsigned long v = 0;

		if (!*p || strlen(p) > 3 || strspn(p, "0123456789") != strlen(p) ||
		    (v = strtoul(p, NULL, 10)) > full) {
			snprintf(why, NSB_WHY_MAX, "prefix '%s' is not a number from 0 to %u", p,
			         full);
			return -EINVAL;
		}
		a.prefix = (uint8_t)v;
		struct nsb_net_addr net = a;
		if (!host_bits_clear(&net)) {
			char t[INET6_ADDRSTRLEN + 8];

			addr_text(&net, t, sizeof(t));
			snprintf(why, NSB_WHY_MAX, "'%s' has host bits set (the network is %s)", s,
			         t);
			return -EINVAL;
		}
	}
	*ret = a;
	return 0;
}

/* --- --net-allow -------------------------------------------------------------------------- */

static int parse_bracketed(const char *body, struct nsb_net_rule *r, char *why)
{
	const char *close = strchr(body, ']');
	char inner[INET6_ADDRSTRLEN + 8];
	size_t len;
	int e;

	if (!close) {
		snprintf(why, NSB_WHY_MAX, "missing ']' after the IPv6 address");
		return -EINVAL;
	}
	len = (size_t)(close - body - 1);
	if (len == 0 || len >= sizeof(inner)) {
		snprintf(why, NSB_WHY_MAX, "'%.*s' is not a valid IPv6 address", (int)len,
		         body + 1);
		return -EINVAL;
	}
	memcpy(inner, body + 1, len);
	inner[len] = '\0';
	e = parse_addr(inner, AF_INET6, &r->addr, why);
	if (e < 0)
		return e;
	if (close[1] == '\0')
		return 0;
	if (close[1] != ':') {
		snprintf(why, NSB_WHY_MAX, "expected ':PORT' after ']', not '%s'", close + 1);
		return -EINVAL;
	}
	return parse_port_range(close + 2, &r->port_lo, &r->port_hi, why);
}

static int parse_allow_body(const char *body, struct nsb_net_rule *r, char *why)
{
	_cleanup_free_ char *host = NULL;
	const char *colon;
	int e;

	r->kind = NSB_RULE_ADDR;
	if (body[0] == '[')
		return parse_bracketed(body, r, why);
	colon = strchr(body, ':');
	if (colon && strchr(colon + 1, ':')) /* a bare IPv6 address, no port */
		return parse_addr(body, AF_INET6, &r->addr, why);
	host = colon ? strndup(body, (size_t)(colon - body)) : strdup(body);
	if (!host)
		return -ENOMEM;
	if (colon) {
		e = parse_port_range(colon + 1, &r->port_lo, &r->port_hi, why);
		if (e < 0)
			return e;
	}
	if (!*host) {
		snprintf(why, NSB_WHY_MAX, "no address or hostname");
		return -EINVAL;
	}
	if (strchr(host, '/') && !all_digits_and_dots(strndupa(host, strcspn(host, "/")))) {
		snprintf(why, NSB_WHY_MAX, "only an address can have a /PREFIX, not '%s'", host);
		return -EINVAL;
	}
	if (strchr(host, '/') || all_digits_and_dots(host))
		return parse_addr(host, AF_INET, &r->addr, why);
	if (strcmp(host, "dns") == 0) {
		snprintf(why, NSB_WHY_MAX, "'dns' stands alone, without a protocol or port");
		return -EINVAL;
	}
	if (!valid_hostname(host)) {
		snprintf(why, NSB_WHY_MAX, "'%s' is not a valid address or hostname", host);
		return -EINVAL;
	}
	r->kind = NSB_RULE_HOST;
	r->host = TAKE_PTR(host);
	return 0;
}

int nsb_net_allow_parse(const char *value, struct nsb_net_rule *ret, char *why)
{
	struct nsb_net_rule r = {0};
	const char *body = value;
	int e;

	if (strcmp(value, "dns") == 0) {
		*ret = (struct nsb_net_rule){.kind = NSB_RULE_DNS};
		return 0;
	}
	if (strncmp(value, "tcp:", 4) == 0) {
		r.proto = NSB_PROTO_TCP;
		body += 4;
	} else if (strncmp(value, "udp:", 4) == 0) {
		r.proto = NSB_PROTO_UDP;
		body += 4;
	}
	if (!*body) {
		snprintf(why, NSB_WHY_MAX, "no address or hostname");
		return -EINVAL;
	}
	if (strcmp(body, "dns") == 0) {
		snprintf(why, NSB_WHY_MAX, "'dns' stands alone, without a protocol or port");
		return -EINVAL;
	}
	/* "icmp:192.0.2.1", "tcp:udp:...": a word where the protocol goes. */
	size_t word = strspn(body, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
	if (word && body[word] == ':' && (strchr(body + word + 1, '.') || body[word + 1] == '[')) {
		if (r.proto != NSB_PROTO_ANY)
			snprintf(why, NSB_WHY_MAX, "one protocol only, at the start");
		else
			snprintf(why, NSB_WHY_MAX, "unknown protocol '%.*s' (tcp: or udp:)",
			         (int)word, body);
		return -EINVAL;
	}
	if (strlen(body) > 300) {
		snprintf(why, NSB_WHY_MAX, "the rule is longer than 300 characters");
		return -EINVAL;
	}
	e = parse_allow_body(body, &r, why);
	if (e < 0) {
		nsb_net_rule_free(&r);
		return e;
	}
	*ret = r;
	return 0;
}

void nsb_net_rule_free(struct nsb_net_rule *r)
{
	free(r->host);
	free(r->resolved);
	r->host = NULL;
	r->resolved = NULL;
	r->n_resolved = 0;
}

/* --- resolving ------------------------------------------------------------------------------ */

static bool same_addr(const struct nsb_net_addr *a, const struct nsb_net_addr *b)
{
	if (a->family != b->family || a->prefix != b->prefix)
		return false;
	return a->family == AF_INET ? a->v4.s_addr == b->v4.s_addr
	                            : memcmp(&a->v6, &b->v6, sizeof(a->v6)) == 0;
}

static int resolve_one(struct nsb_net_rule *r)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	struct nsb_net_addr *v;
	size_t n = 0, cap = 0;
	int e;

	e = getaddrinfo(r->host, NULL, &hints, &res);
	if (e != 0) {
		nsb_err("--net-allow: cannot resolve '%s': %s", r->host,
		        e == EAI_SYSTEM ? strerror(errno) : gai_strerror(e));
		return -ENOENT;
	}
	for (struct addrinfo *p = res; p; p = p->ai_next)
		cap++;
	v = calloc(cap, sizeof(*v));
	if (!v) {
		freeaddrinfo(res);
		return -ENOMEM;
	}
	for (struct addrinfo *p = res; p; p = p->ai_next) {
		struct nsb_net_addr a = {.family = p->ai_family};
		bool dup = false;

		if (p->ai_family == AF_INET) {
			a.v4 = ((struct sockaddr_in *)(void *)p->ai_addr)->sin_addr;
			a.prefix = 32;
		} else if (p->ai_family == AF_INET6) {
			a.v6 = ((struct sockaddr_in6 *)(void *)p->ai_addr)->sin6_addr;
			a.prefix = 128;
		} else {
			continue;
		}
		for (size_t i = 0; i < n && !dup; i++)
			dup = same_addr(&v[i], &a);
		if (!dup)
			v[n++] = a;
	}
	freeaddrinfo(res);
	if (n == 0) {
		free(v);
		nsb_err("--net-allow: cannot resolve '%s': no IPv4 or IPv6 address", r->host);
		return -ENOENT;
	}
	free(r->resolved);
	r->resolved = v;
	r->n_resolved = n;
	return 0;
}

int nsb_net_rules_resolve(struct nsb_net_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (rules[i].kind != NSB_RULE_HOST)
			continue;
		int r = resolve_one(&rules[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* --- --net-forward ---------------------------------------------------------------------- */

int nsb_net_forward_parse(const char *value, struct nsb_net_forward *ret, char *why)
{
	struct nsb_net_forward f = {.proto = NSB_PROTO_TCP};
	const char *body = value, *colon;
	int e;

	if (strncmp(value, "tcp:", 4) == 0) {
		body += 4;
	} else if (strncmp(value, "udp:", 4) == 0) {
		f.proto = NSB_PROTO_UDP;
		body += 4;
	}
	colon = strchr(body, ':');
	if (colon && strchr(colon + 1, ':')) {
		snprintf(why, NSB_WHY_MAX, "expected [tcp:|udp:]HOSTPORT[:PORT]");
		return -EINVAL;
	}
	e = parse_port(body, colon ? (size_t)(colon - body) : strlen(body), &f.host_port, why);
	if (e < 0)
		return e;
	f.port = f.host_port;
	if (colon) {
		e = parse_port(colon + 1, strlen(colon + 1), &f.port, why);
		if (e < 0)
			return e;
	}
	*ret = f;
	return 0;
}

/* --- the nftables ruleset --------------------------------------------------------------- */

/* The match of a rule's protocol and ports ("tcp dport 443"), after the
 * address. */
static void l4_match(FILE *f, enum nsb_net_proto proto, uint16_t lo, uint16_t hi)
{
	static const char *const names[] = {[NSB_PROTO_TCP] = "tcp", [NSB_PROTO_UDP] = "udp"};

	if (lo == 0) {
		if (proto != NSB_PROTO_ANY)
			fprintf(f, " meta l4proto %s", names[proto]);
		return;
	}
	if (proto == NSB_PROTO_ANY)
		fprintf(f, " meta l4proto { tcp, udp } th dport");
	else
		fprintf(f, " %s dport", names[proto]);
	if (lo == hi)
		fprintf(f, " %u", lo);
	else
		fprintf(f, " %u-%u", lo, hi);
}

static void addr_rule(FILE *f, const struct nsb_net_addr *a, enum nsb_net_proto proto, uint16_t lo,
                      uint16_t hi)
{
	char t[INET6_ADDRSTRLEN + 8];

	addr_text(a, t, sizeof(t));
	fprintf(f, "\t\t%s daddr %s", a->family == AF_INET ? "ip" : "ip6", t);
	l4_match(f, proto, lo, hi);
	fprintf(f, " accept\n");
}

static int dns_rules(FILE *f, const struct nsb_net_dns *dns)
{
	const char *addrs[] = {dns->v4, dns->v6};

	for (size_t i = 0; i < NSB_ELEMENTSOF(addrs); i++) {
		struct nsb_net_addr a = {.family = i ? AF_INET6 : AF_INET,
		                         .prefix = (uint8_t)(i ? 128 : 32)};

		if (!addrs[i])
			continue;
		if (inet_pton(a.family, addrs[i], i ? (void *)&a.v6 : (void *)&a.v4) != 1)
			return -EINVAL;
		addr_rule(f, &a, dns->tcp ? NSB_PROTO_ANY : NSB_PROTO_UDP, 53, 53);
	}
	return 0;
}

int nsb_net_ruleset(const struct nsb_net_rule *rules, size_t n, const struct nsb_net_dns *dns,
                    char **ret_text)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r = 0;

	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	/* Loopback inside is the sandbox's own; replies to what was let
	 * through (and to forwarded ports) pass; IPv6 needs neighbour
	 * discovery to reach its gateway at all. */
	fputs("table inet nsbox {\n"
	      "\tchain output {\n"
	      "\t\ttype filter hook output priority filter; policy drop;\n"
	      "\t\toifname \"lo\" accept\n"
	      "\t\tct state established,related accept\n"
	      "\t\ticmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } "
	      "accept\n",
	      f);
	for (size_t i = 0; i < n && r == 0; i++) {
		const struct nsb_net_rule *x = &rules[i];

		switch (x->kind) {
		case NSB_RULE_ADDR:
			addr_rule(f, &x->addr, x->proto, x->port_lo, x->port_hi);
			break;
		case NSB_RULE_HOST:
			if (!x->resolved) {
				r = -EINVAL;
				break;
			}
			for (size_t k = 0; k < x->n_resolved; k++)
				addr_rule(f, &x->resolved[k], x->proto, x->port_lo, x->port_hi);
			break;
		case NSB_RULE_DNS:
			r = dns ? dns_rules(f, dns) : -EINVAL;
			break;
		}
	}
	/* Refuse at once rather than drop: a tool must see an error, not a
	 * timeout. */
	fputs("\t\tmeta l4proto tcp reject with tcp reset\n"
	      "\t\treject with icmpx admin-prohibited\n"
	      "\t}\n"
	      "}\n",
	      f);
	if (fclose(f) != 0)
		return -ENOMEM;
	if (r < 0)
		return r;
	*ret_text = TAKE_PTR(buf);
	return 0;
}

/* --- resolv.conf ------------------------------------------------------------------------ */

/* The first word of a line and the rest, or false for blank/comment. */
static bool conf_word(const char *line, size_t len, const char *word)
{
	size_t wl = strlen(word);

	return len > wl && strncmp(line, word, wl) == 0 && (line[wl] == ' ' || line[wl] == '\t');
}

int nsb_net_resolv_conf(const char *host_conf, const struct nsb_net_dns *dns, char **ret_text)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return -ENOMEM;
	fputs("# nsbox: the network helper's DNS forwarder, which passes queries on to the "
	      "host's resolver\n",
	      f);
	if (dns->v4)
		fprintf(f, "nameserver %s\n", dns->v4);
	if (dns->v6)
		fprintf(f, "nameserver %s\n", dns->v6);
	for (const char *p = host_conf; p && *p;) {
		const char *end = strchrnul(p, '\n');
		size_t l = (size_t)(end - p);

		if (conf_word(p, l, "search") || conf_word(p, l, "domain") ||
		    conf_word(p, l, "options"))
			fprintf(f, "%.*s\n", (int)l, p);
		p = *end ? end + 1 : end;
	}
	if (fclose(f) != 0)
		return -ENOMEM;
	*ret_text = TAKE_PTR(buf);
	return 0;
}

static bool is_loopback(const char *s)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, s, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, s, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		       (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
	return false;
}

int nsb_net_nameservers(const char *conf, bool skip_loopback, const char **ret, size_t max,
                        char **ret_buf)
{
	char *copy = strdup(conf ? conf : "");
	char *save = NULL, *wsave;
	size_t n = 0;

	if (!copy)
		return -ENOMEM;
	for (char *line = strtok_r(copy, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		char *w = strtok_r(line, " \t", &wsave), *addr;

		if (!w || strcmp(w, "nameserver") != 0)
			continue;
		addr = strtok_r(NULL, " \t", &wsave);
		if (!addr || (skip_loopback && is_loopback(addr)))
			continue;
		/* Zone ids and junk: only what parses as an address. */
		struct in6_addr tmp;
		if (inet_pton(AF_INET, addr, &tmp) != 1 && inet_pton(AF_INET6, addr, &tmp) != 1)
			continue;
		ret[n++] = addr;
	}
	*ret_buf = copy;
	return (int)n;
}

bool nsb_net_is_resolv_conf(const char *dest)
{
	const char *want[] = {"etc", "resolv.conf"};
	const char *stack[64];
	size_t lens[64], depth = 0;
	const char *p = dest;

	while (*p) {
		size_t l;

		while (*p == '/')
			p++;
		l = strcspn(p, "/");
		if (l == 0)
			break;
		if (l == 1 && p[0] == '.') {
			/* nothing */
		} else if (l == 2 && p[0] == '.' && p[1] == '.') {
			if (depth)
				depth--;
		} else {
			if (depth == NSB_ELEMENTSOF(lens))
				return false;
			stack[depth] = p;
			lens[depth++] = l;
		}
		p += l;
	}
	if (depth != 2)
		return false;
	for (size_t i = 0; i < 2; i++)
		if (lens[i] != strlen(want[i]) || strncmp(stack[i], want[i], lens[i]) != 0)
			return false;
	return true;
}
