/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network options' values, as data: --net MODE, --net-allow RULE,
 * --net-forward SPEC; hostnames of --net-allow resolved once at launch;
 * the nftables ruleset enforcing the rules (text for libnftables, see
 * net-nft.h); the sandbox's /etc/resolv.conf. Everything here is pure
 * except nsb_net_rules_resolve() (the host's resolver).
 *
 * Parsers return 0, -ENOMEM, or -EINVAL with the reason in why
 * (NSB_WHY_MAX bytes) for the caller's message, which names the option,
 * the value and its argv position:
 *   nsbox: --net-allow: invalid rule 'tcp:10.0.0.1:99999' (argument 4):
 *   port 99999 is out of range (1-65535) */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "landlock.h" /* NSB_WHY_MAX */

enum nsb_net_mode {
	NSB_NET_UNSET = 0,   /* --unshare-net / --share-net decide */
	NSB_NET_NONE,        /* = --unshare-net: only lo */
	NSB_NET_HOST,        /* = --share-net */
	NSB_NET_PASTA,       /* private netns + pasta (Debian passt) */
	NSB_NET_SLIRP4NETNS, /* private netns + slirp4netns */
};

/* "none", "host", "pasta", "slirp4netns" (exact). 0 or -EINVAL. */
int nsb_net_mode_parse(const char *s, enum nsb_net_mode *ret);
/* The name, or NULL for NSB_NET_UNSET. */
const char *nsb_net_mode_name(enum nsb_net_mode mode);
/* True for the modes that start a helper. */
bool nsb_net_mode_has_helper(enum nsb_net_mode mode);

enum nsb_net_proto {
	NSB_PROTO_ANY = 0, /* rules: every protocol, or tcp and udp with a port */
	NSB_PROTO_TCP,
	NSB_PROTO_UDP,
};

struct nsb_net_addr {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
	uint8_t prefix; /* 32 / 128 for one address */
};

enum nsb_net_rule_kind {
	NSB_RULE_ADDR, /* ADDRESS[/PREFIX] */
	NSB_RULE_HOST, /* HOSTNAME, resolved at launch */
	NSB_RULE_DNS,  /* the helper's DNS forwarder */
};

struct nsb_net_rule {
	enum nsb_net_rule_kind kind;
	enum nsb_net_proto proto;
	uint16_t port_lo, port_hi;     /* 0, 0: every port */
	struct nsb_net_addr addr;      /* NSB_RULE_ADDR */
	char *host;                    /* NSB_RULE_HOST, malloc'ed */
	struct nsb_net_addr *resolved; /* NSB_RULE_HOST after resolving, malloc'ed */
	size_t n_resolved;
};

/* --net-allow RULE:
 *   dns
 *   [tcp:|udp:]ADDRESS[/PREFIX][:PORT[-PORT]]
 *   [tcp:|udp:]HOSTNAME[:PORT[-PORT]]
 * An IPv6 address with a port goes in brackets, prefix included:
 * [2001:db8::/32]:443. Host bits beyond the prefix are refused. */
int nsb_net_allow_parse(const char *value, struct nsb_net_rule *ret, char *why);
void nsb_net_rule_free(struct nsb_net_rule *r);

/* Resolve every NSB_RULE_HOST rule once (getaddrinfo, IPv4 and IPv6, each
 * address once). Call in the monitor before any namespace exists. 0, or
 * -ENOENT after logging "--net-allow: cannot resolve 'HOST': <why>". */
int nsb_net_rules_resolve(struct nsb_net_rule *rules, size_t n);

/* --net-forward [tcp:|udp:]HOSTPORT[:PORT]: the host's 127.0.0.1:HOSTPORT
 * (tcp unless udp: is given) forwarded to PORT (default HOSTPORT) in the
 * sandbox. */
struct nsb_net_forward {
	enum nsb_net_proto proto; /* TCP or UDP */
	uint16_t host_port, port;
};
int nsb_net_forward_parse(const char *value, struct nsb_net_forward *ret, char *why);

/* A port number: len bytes of decimal digits, 1-65535 (0 too with
 * allow_zero). 0, or -EINVAL with the reason in why (NSB_WHY_MAX bytes).
 * Shared with the Landlock port lists. */
int nsb_net_port_parse(const char *s, size_t len, bool allow_zero, uint16_t *ret, char *why);

/* The helper's DNS forwarder as the sandbox sees it, and which transports
 * it forwards. */
struct nsb_net_dns {
	const char *v4, *v6; /* NULL when there is none */
	bool tcp;            /* also forwards DNS over TCP */
};
/* For NSB_NET_PASTA / NSB_NET_SLIRP4NETNS; NULL for the other modes. */
const struct nsb_net_dns *nsb_net_mode_dns(enum nsb_net_mode mode);

/* The nftables ruleset (libnftables input) for rules, as one table "inet
 * nsbox" with an output chain: loopback, replies to accepted flows and
 * IPv6 neighbour discovery always pass; each rule accepts its traffic;
 * everything else is rejected at once (TCP reset, else ICMP
 * administratively prohibited). Hostname rules must be resolved first.
 * dns: the forwarder for "dns" rules (NULL refuses them). 0, -ENOMEM, or
 * -EINVAL (an unresolved hostname, "dns" without a forwarder). */
int nsb_net_ruleset(const struct nsb_net_rule *rules, size_t n, const struct nsb_net_dns *dns,
                    char **ret_text);

/* The content of the sandbox's /etc/resolv.conf with a helper: one
 * "nameserver" line per forwarder address, then the "search", "domain"
 * and "options" lines of host_conf (the host's /etc/resolv.conf, may be
 * NULL) unchanged. 0 or -ENOMEM. */
int nsb_net_resolv_conf(const char *host_conf, const struct nsb_net_dns *dns, char **ret_text);

/* The nameservers of a resolv.conf text that are not loopback addresses,
 * in order, at most max: what a helper that cannot reach the host's
 * loopback should forward to. Returns how many were stored in ret
 * (strings pointing into a malloc'ed copy in *ret_buf, to be freed), or
 * -ENOMEM. */
int nsb_net_nameservers(const char *conf, bool skip_loopback, const char **ret, size_t max,
                        char **ret_buf);

/* True when dest (a destination of a filesystem op, inside the new root)
 * names /etc/resolv.conf: the user placed it, nsbox leaves it alone. */
bool nsb_net_is_resolv_conf(const char *dest);
