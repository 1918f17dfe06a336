/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The user-mode network helper of --net pasta / --net slirp4netns: started
 * by the monitor for a sandbox whose network namespace exists, attached to
 * it, waited for until the namespace is configured, ended with the
 * sandbox.
 *
 * pasta (Debian passt) runs in the foreground under a small keeper process
 * (a fork of the monitor, no exec) that kills it when the monitor closes
 * its end of a pipe or dies, however it dies: pasta changes its
 * credentials when it joins the sandbox's user namespace, which clears a
 * parent-death signal, and it does not notice on its own that the sandbox
 * is gone. slirp4netns exits by itself when its --exit-fd is closed.
 * Readiness: pasta writes its --pid file (a pipe) once the namespace is
 * configured; slirp4netns writes to its --ready-fd. No sleeping.
 *
 * Both run in a process group of their own (a terminal's ^C is for
 * COMMAND, not for the network), with stdin on /dev/null and stdout and
 * stderr in a memory file that nsbox shows when the helper fails. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "net-rules.h"

struct nsb_net_helper_opts {
	enum nsb_net_mode mode;                 /* NSB_NET_PASTA or NSB_NET_SLIRP4NETNS */
	pid_t pid;                              /* a process in the sandbox's network namespace */
	bool host_loopback;                     /* --net-host-loopback */
	const struct nsb_net_forward *forwards; /* --net-forward */
	size_t n_forwards;
	/* pasta: the resolvers its DNS forwarder passes queries to (--dns);
	 * none: the first nameserver of the host's /etc/resolv.conf, also
	 * one on the host's loopback such as systemd-resolved's 127.0.0.53
	 * (pasta's sockets are in the host's namespace). nsbox passes none. */
	const char *const *dns_upstreams;
	size_t n_dns_upstreams;
};

struct nsb_net_helper {
	enum nsb_net_mode mode;
	pid_t pid;     /* what to wait for: the keeper (pasta) or slirp4netns */
	int stop_fd;   /* closing it ends the helper */
	int log_fd;    /* the helper's stdout and stderr (a memfd) */
	char *api_dir; /* slirp4netns with forwards: the API socket's directory */
};

/* What the command line of a helper needs besides the options. */
struct nsb_net_helper_fds {
	int netns_fd;           /* the sandbox's network namespace, inherited */
	int userns_fd;          /* its owning user namespace, or -1 when it is ours */
	int ready_fd;           /* written to when ready */
	int exit_fd;            /* slirp4netns: ends it when closed */
	const char *api_socket; /* slirp4netns: for --net-forward, or NULL */
	bool keep_root;         /* pasta: running as root, stay root (--runas 0) */
};

/* The helper's argv (argv[0] = path), NULL-terminated, malloc'ed (free
 * with nsb_strv_free). Pure. 0 or -ENOMEM. */
int nsb_net_helper_argv(const struct nsb_net_helper_opts *o, const struct nsb_net_helper_fds *f,
                        const char *path, char ***ret_argv);
void nsb_strv_free(char **v);

/* The helper's program found on PATH (the caller's): 0 with a malloc'ed
 * path, or -ENOENT after logging "--net pasta: pasta was not found on PATH
 * (Debian package passt)". Call early, before any namespace exists. */
int nsb_net_helper_find(enum nsb_net_mode mode, char **ret_path);

/* Start the helper for o->pid's network namespace and wait until that
 * namespace is configured (at most 10 s). Call in the monitor, after the
 * child's id maps are written (the helper joins the user namespace that
 * owns the network namespace) and before the child may exec. 0, or -errno
 * after logging what failed, with the helper's own output. */
int nsb_net_helper_start(const struct nsb_net_helper_opts *o, struct nsb_net_helper *ret);

/* End the helper and reap it (SIGKILL if it has not gone within 2 s).
 * Idempotent. 0, or -errno logged. */
int nsb_net_helper_stop(struct nsb_net_helper *h);
