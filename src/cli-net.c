/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "cli-net.h"
#include "log.h"
#include "util.h"

#define AT(pos) (nsb_cli_where(pos).s)

struct nsb_cli_where nsb_cli_where(int pos)
{
	struct nsb_cli_where w;

	if (pos < 0)
		snprintf(w.s, sizeof(w.s), "in --args data");
	else
		snprintf(w.s, sizeof(w.s), "argument %d", pos);
	return w;
}

void nsb_cli_net_init(struct nsb_cli_net *n)
{
	*n = (struct nsb_cli_net){
	        .last_fd = -1,
	        .allow_pos = -2,
	        .forward_pos = -2,
	        .host_loopback_pos = -2,
	        .allow_dns_pos = -2,
	        .cap_net_admin_pos = -2,
	};
}

/* --- the network that takes effect ------------------------------------------------------ */

/* What a choice makes of the network, to tell whether a later one changes
 * it: NSB_NET_NONE, NSB_NET_HOST, a helper mode, or -1 for --netns. */
static int outcome(enum nsb_cli_net_choice c, enum nsb_net_mode mode)
{
	switch (c) {
	case NSB_CLI_NET_UNSHARE_NET:
	case NSB_CLI_NET_UNSHARE_ALL:
		return NSB_NET_NONE;
	case NSB_CLI_NET_SHARE_NET:
		return NSB_NET_HOST;
	case NSB_CLI_NET_MODE:
		return (int)mode;
	case NSB_CLI_NET_NETNS:
		break;
	}
	return -1;
}

/* "--net pasta", "--netns 3", "--unshare-net" for messages. */
static void choice_text(enum nsb_cli_net_choice c, enum nsb_net_mode mode, int fd, char *buf,
                        size_t size)
{
	static const char *const names[] = {
	        [NSB_CLI_NET_UNSHARE_NET] = "--unshare-net",
	        [NSB_CLI_NET_SHARE_NET] = "--share-net",
	        [NSB_CLI_NET_UNSHARE_ALL] = "--unshare-all",
	};

	if (c == NSB_CLI_NET_MODE)
		snprintf(buf, size, "--net %s", nsb_net_mode_name(mode));
	else if (c == NSB_CLI_NET_NETNS)
		snprintf(buf, size, "--netns %d", fd);
	else
		snprintf(buf, size, "%s", names[c]);
}

/* A later choice replaces n->last: say so when that changes the network
 * and an explicit --net/--netns is involved. --unshare-all before --net
 * or --netns is the way to write "every namespace new, this network", so
 * it is not worth a warning. */
static void warn_override(const struct nsb_cli_net *n, enum nsb_cli_net_choice c,
                          enum nsb_net_mode mode, int fd, int pos)
{
	bool explicit_now = c == NSB_CLI_NET_MODE || c == NSB_CLI_NET_NETNS;
	char was[64], now[64];

	if (!n->have_last || !(n->explicit_net || explicit_now))
		return;
	if (c == n->last && (c == NSB_CLI_NET_MODE || c == NSB_CLI_NET_NETNS)) {
		nsb_warn("Only the last %s option will take effect",
		         c == NSB_CLI_NET_MODE ? "--net" : "--netns");
		return;
	}
	if (explicit_now && n->last == NSB_CLI_NET_UNSHARE_ALL)
		return;
	if (outcome(c, mode) == outcome(n->last, n->last_mode) && c != NSB_CLI_NET_NETNS &&
	    n->last != NSB_CLI_NET_NETNS)
		return;
	choice_text(n->last, n->last_mode, n->last_fd, was, sizeof(was));
	choice_text(c, mode, fd, now, sizeof(now));
	nsb_warn("%s (%s) overrides %s (%s): only the last network option takes effect", now,
	         AT(pos), was, AT(n->last_pos));
}

int nsb_cli_net_choose(struct nsb_cli_net *n, enum nsb_cli_net_choice choice, const char *value,
                       int fd, int pos, int value_pos)
{
	enum nsb_net_mode mode = NSB_NET_UNSET;

	if (choice == NSB_CLI_NET_MODE && nsb_net_mode_parse(value, &mode) < 0) {
		nsb_err("--net: unknown mode '%s' (%s): expected pasta, slirp4netns, none or host",
		        value, AT(value_pos));
		return -EINVAL;
	}
	warn_override(n, choice, mode, fd, pos);
	n->have_last = true;
	n->last = choice;
	n->last_mode = mode;
	n->last_fd = fd;
	n->last_pos = pos;
	if (choice == NSB_CLI_NET_MODE || choice == NSB_CLI_NET_NETNS)
		n->explicit_net = true;
	return 0;
}

/* --- values ------------------------------------------------------------------------------ */

static int out_of_memory(void)
{
	nsb_err("out of memory");
	return -ENOMEM;
}

int nsb_cli_net_allow(struct nsb_cli_net *n, struct nsb_config *cfg, const char *value, int pos)
{
	struct nsb_net_rule rule, *rules;
	char why[NSB_WHY_MAX];
	int r;

	r = nsb_net_allow_parse(value, &rule, why);
	if (r == -ENOMEM)
		return out_of_memory();
	if (r < 0) {
		nsb_err("--net-allow: invalid rule '%s' (%s): %s", value, AT(pos), why);
		return r;
	}
	rules = reallocarray(cfg->net_rules, cfg->n_net_rules + 1, sizeof(*rules));
	if (!rules) {
		nsb_net_rule_free(&rule);
		return out_of_memory();
	}
	cfg->net_rules = rules;
	cfg->net_rules[cfg->n_net_rules++] = rule;
	if (n->allow_pos == -2)
		n->allow_pos = pos;
	if (rule.kind == NSB_RULE_DNS && n->allow_dns_pos == -2)
		n->allow_dns_pos = pos;
	return 0;
}

int nsb_cli_net_forward(struct nsb_cli_net *n, struct nsb_config *cfg, const char *value, int pos)
{
	struct nsb_net_forward f, *fw;
	char why[NSB_WHY_MAX];
	int r;

	r = nsb_net_forward_parse(value, &f, why);
	if (r < 0) {
		nsb_err("--net-forward: invalid forward '%s' (%s): %s", value, AT(pos), why);
		return r;
	}
	for (size_t i = 0; i < cfg->n_net_forwards; i++) {
		if (cfg->net_forwards[i].proto == f.proto &&
		    cfg->net_forwards[i].host_port == f.host_port) {
			nsb_err("--net-forward: '%s' (%s): host port %s:%u is already forwarded",
			        value, AT(pos), f.proto == NSB_PROTO_UDP ? "udp" : "tcp",
			        f.host_port);
			return -EINVAL;
		}
	}
	fw = reallocarray(cfg->net_forwards, cfg->n_net_forwards + 1, sizeof(*fw));
	if (!fw)
		return out_of_memory();
	cfg->net_forwards = fw;
	cfg->net_forwards[cfg->n_net_forwards++] = f;
	if (n->forward_pos == -2)
		n->forward_pos = pos;
	return 0;
}

int nsb_cli_landlock_ports(struct nsb_config *cfg, bool bind, const char *value, int pos)
{
	struct nsb_landlock *ll = &cfg->landlock;
	char why[NSB_WHY_MAX];
	int r;

	r = nsb_port_set_parse(bind ? &ll->tcp_bind : &ll->tcp_connect, value, bind, why);
	if (r == -ENOMEM)
		return out_of_memory();
	if (r < 0) {
		nsb_err("%s: invalid ports '%s' (%s): %s",
		        bind ? "--landlock-tcp-bind" : "--landlock-tcp-connect", value, AT(pos),
		        why);
		return r;
	}
	if (bind)
		ll->tcp_bind_given = true;
	else
		ll->tcp_connect_given = true;
	return 0;
}

void nsb_cli_landlock_scope(struct nsb_config *cfg, bool signals, bool try_only)
{
	enum nsb_landlock_want *w =
	        signals ? &cfg->landlock.scope_signals : &cfg->landlock.scope_abstract_unix;
	enum nsb_landlock_want want = try_only ? NSB_LANDLOCK_TRY : NSB_LANDLOCK_MUST;

	if (want > *w)
		*w = want;
}

/* --- after the loop ---------------------------------------------------------------------- */

static void take_effect(const struct nsb_cli_net *n, struct nsb_config *cfg)
{
	cfg->netns_fd = -1;
	if (!n->explicit_net)
		return; /* bubblewrap's options alone: cli.c has applied them */
	switch (outcome(n->last, n->last_mode)) {
	case NSB_NET_NONE:
		cfg->net_mode = NSB_NET_NONE;
		cfg->unshare_net = true;
		break;
	case NSB_NET_HOST:
		cfg->net_mode = NSB_NET_HOST;
		cfg->unshare_net = false;
		break;
	case -1:
		cfg->net_mode = NSB_NET_UNSET;
		cfg->unshare_net = false;
		cfg->netns_fd = n->last_fd;
		break;
	default:
		cfg->net_mode = n->last_mode;
		cfg->unshare_net = true;
		break;
	}
}

static int check_allow(const struct nsb_cli_net *n, const struct nsb_config *cfg)
{
	const uint64_t net_admin = UINT64_C(1) << CAP_NET_ADMIN;

	if (!cfg->n_net_rules || nsb_net_mode_has_helper(cfg->net_mode)) {
		/* fall through to the capability rule */
	} else if (cfg->netns_fd >= 0) {
		if (n->allow_dns_pos != -2) {
			nsb_err("--net-allow dns (%s) allows the DNS forwarder of --net pasta or "
			        "--net slirp4netns; with --netns, allow the namespace's resolvers "
			        "by address",
			        AT(n->allow_dns_pos));
			return -EINVAL;
		}
	} else if (cfg->unshare_net) {
		nsb_err("--net-allow (%s): the sandbox's network has only its loopback device "
		        "(--net none, --unshare-net or --unshare-all), so there is nothing to "
		        "allow: use --net pasta or --net slirp4netns",
		        AT(n->allow_pos));
		return -EINVAL;
	} else {
		nsb_err("--net-allow (%s) cannot filter the host's network, which the sandbox "
		        "shares: use --net pasta or --net slirp4netns for a network of its own, or "
		        "limit the TCP ports COMMAND may connect to with --landlock-tcp-connect",
		        AT(n->allow_pos));
		return -EINVAL;
	}
	if (!cfg->n_net_rules || !(nsb_caps_compute(0, cfg->cap_ops, cfg->n_cap_ops) & net_admin))
		return 0;
	if (n->cap_net_admin_all)
		nsb_err("--cap-add %s (%s) includes CAP_NET_ADMIN, which cannot be combined with "
		        "--net-allow: COMMAND could remove the rules (add --cap-drop CAP_NET_ADMIN "
		        "after it)",
		        n->cap_net_admin_value, AT(n->cap_net_admin_pos));
	else
		nsb_err("--cap-add %s (%s) cannot be combined with --net-allow: COMMAND could "
		        "remove the rules",
		        n->cap_net_admin_value, AT(n->cap_net_admin_pos));
	return -EINVAL;
}

int nsb_cli_net_finish(struct nsb_cli_net *n, struct nsb_config *cfg)
{
	bool helper;

	take_effect(n, cfg);
	helper = nsb_net_mode_has_helper(cfg->net_mode);
	if (cfg->n_net_forwards && !helper) {
		nsb_err("--net-forward (%s) needs --net pasta or --net slirp4netns, whose helper "
		        "forwards the port",
		        AT(n->forward_pos));
		return -EINVAL;
	}
	if (cfg->net_host_loopback && !helper) {
		nsb_err("--net-host-loopback (%s) needs --net pasta or --net slirp4netns",
		        AT(n->host_loopback_pos));
		return -EINVAL;
	}
	/* The helper runs with the caller's uid, outside the sandbox: in a
	 * pid namespace of its own, COMMAND can neither see nor signal it. */
	if (helper)
		cfg->unshare_pid = true;
	return check_allow(n, cfg);
}

void nsb_cli_net_free(struct nsb_config *cfg)
{
	for (size_t i = 0; i < cfg->n_net_rules; i++)
		nsb_net_rule_free(&cfg->net_rules[i]);
	free(cfg->net_rules);
	cfg->net_rules = NULL;
	cfg->n_net_rules = 0;
	free(cfg->net_forwards);
	cfg->net_forwards = NULL;
	cfg->n_net_forwards = 0;
	nsb_landlock_free(&cfg->landlock);
	cfg->landlock = (struct nsb_landlock){0};
}
