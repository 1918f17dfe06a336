/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network and Landlock options of the command line, for cli.c: --net,
 * --netns, --net-host-loopback, --net-allow, --net-forward, the network
 * part of --unshare-net, --share-net and --unshare-all, --scope-*[-try]
 * and --landlock-tcp-*. Values are checked into struct nsb_config; the
 * rules between them are checked by nsb_cli_net_finish(). Every function
 * that fails has logged one message naming the option, the value and its
 * argv position, and returns -errno (the caller frees the config). */
#pragma once

#include <stdbool.h>

#include "nsb-config.h"

/* "argument N", or "in --args data" for pos -1. */
struct nsb_cli_where {
	char s[32];
};
struct nsb_cli_where nsb_cli_where(int pos);

/* The options that decide the sandbox's network. */
enum nsb_cli_net_choice {
	NSB_CLI_NET_UNSHARE_NET, /* --unshare-net */
	NSB_CLI_NET_SHARE_NET,   /* --share-net */
	NSB_CLI_NET_UNSHARE_ALL, /* --unshare-all */
	NSB_CLI_NET_MODE,        /* --net MODE */
	NSB_CLI_NET_NETNS,       /* --netns FD */
};

/* What parsing has seen so far. With --net or --netns on the command
 * line, the last of those options wins (a warning says which one was
 * overridden); without them, bubblewrap's rules hold (--share-net wins
 * wherever it is). */
struct nsb_cli_net {
	bool explicit_net; /* --net or --netns was given */
	bool have_last;
	enum nsb_cli_net_choice last;
	enum nsb_net_mode last_mode; /* with NSB_CLI_NET_MODE */
	int last_fd;                 /* with NSB_CLI_NET_NETNS */
	int last_pos;
	/* Where the first of these was given, or -2. */
	int allow_pos, forward_pos, host_loopback_pos, allow_dns_pos;
	/* The last --cap-add that added CAP_NET_ADMIN (by name or ALL), or -2. */
	int cap_net_admin_pos;
	const char *cap_net_admin_value; /* as written */
	bool cap_net_admin_all;
};

void nsb_cli_net_init(struct nsb_cli_net *n);

/* One network choice at argv position pos. For NSB_CLI_NET_MODE, value is
 * the --net argument (checked here, at value_pos); for NSB_CLI_NET_NETNS,
 * fd is the parsed --netns argument. Warns when it overrides an earlier
 * choice with another network. 0 or -EINVAL. */
int nsb_cli_net_choose(struct nsb_cli_net *n, enum nsb_cli_net_choice choice, const char *value,
                       int fd, int pos, int value_pos);

/* --net-allow RULE, --net-forward SPEC at argv position pos (the value's). */
int nsb_cli_net_allow(struct nsb_cli_net *n, struct nsb_config *cfg, const char *value, int pos);
int nsb_cli_net_forward(struct nsb_cli_net *n, struct nsb_config *cfg, const char *value, int pos);

/* --landlock-tcp-connect PORTS, --landlock-tcp-bind PORTS (bind lets port 0
 * through, for ports the kernel picks). */
int nsb_cli_landlock_ports(struct nsb_config *cfg, bool bind, const char *value, int pos);
/* --scope-abstract-af-unix[-try], --scope-signals[-try]: the plain form
 * wins over -try. */
void nsb_cli_landlock_scope(struct nsb_config *cfg, bool signals, bool try_only);

/* After the loop: the network that took effect (cfg->unshare_net,
 * net_mode, netns_fd; a helper implies unshare_pid), then the rules:
 * --net-forward and --net-host-loopback need a helper; --net-allow needs
 * a network to filter (a helper, or --netns) and no CAP_NET_ADMIN for
 * COMMAND. 0 or -EINVAL. */
int nsb_cli_net_finish(struct nsb_cli_net *n, struct nsb_config *cfg);

/* Free what the network and Landlock options allocated in cfg. */
void nsb_cli_net_free(struct nsb_config *cfg);
