/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "landlock.h"
#include "log.h"
#include "net-nft.h"
#include "net-rules.h"
#include "net.h"
#include "sync.h"
#include "util.h"

int nsb_net_loopback_up(void)
{
	_cleanup_close_ int sk = -1;
	struct ifreq ifr = {0};

	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return -errno;
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(sk, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(sk, SIOCSIFFLAGS, &ifr) < 0)
		return -errno;
	return 0;
}

/* --- before any namespace ---------------------------------------------------------------- */

/* The host's /etc/resolv.conf, or NULL when there is none to read (the
 * sandbox's then names the forwarder alone). */
static char *read_host_resolv_conf(void)
{
	_cleanup_close_ int fd = open("/etc/resolv.conf", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char *buf = NULL;
	size_t len;

	if (fd < 0 || nsb_read_all(fd, 65536, &buf, &len) < 0)
		return NULL;
	return buf;
}

static bool resolv_conf_placed(const struct nsb_config *cfg)
{
	for (size_t i = 0; i < cfg->n_ops; i++)
		if (nsb_net_is_resolv_conf(cfg->ops[i].dest))
			return true;
	return false;
}

/* --net-allow: resolve the hostnames (here, with the host's resolver,
 * before anything changes) and make the ruleset. With --netns the table
 * may already exist in that namespace (an earlier sandbox): the same
 * transaction replaces it. */
static int plan_ruleset(const struct nsb_config *cfg, struct nsb_plan *plan)
{
	_cleanup_free_ char *text = NULL;
	int r;

	r = nsb_net_rules_resolve(cfg->net_rules, cfg->n_net_rules);
	if (r < 0)
		return r;
	r = nsb_net_ruleset(cfg->net_rules, cfg->n_net_rules, nsb_net_mode_dns(cfg->net_mode),
	                    &text);
	if (r < 0)
		return nsb_log_errno(r, "--net-allow: cannot make the nftables ruleset");
	if (cfg->netns_fd >= 0) {
		if (asprintf(&plan->net_ruleset,
		             "add table inet nsbox\ndelete table inet nsbox\n%s", text) < 0) {
			plan->net_ruleset = NULL;
			return nsb_log_errno(ENOMEM, "--net-allow");
		}
	} else {
		plan->net_ruleset = TAKE_PTR(text);
	}
	nsb_debug("--net-allow: %zu rule(s), nftables ruleset made", cfg->n_net_rules);
	/* libnftables reads its files from the host: load it now. */
	return nsb_nft_load();
}

int nsb_net_plan(const struct nsb_config *cfg, struct nsb_plan *plan)
{
	int r;

	if (nsb_landlock_wanted(&cfg->landlock)) {
		r = nsb_landlock_check(&cfg->landlock);
		if (r < 0)
			return r;
		nsb_debug("Landlock: this kernel has ABI %d", nsb_landlock_abi());
	}
	plan->net_helper = nsb_net_mode_has_helper(cfg->net_mode);
	if (plan->net_helper) {
		r = nsb_net_helper_find(cfg->net_mode, &plan->net_helper_path);
		if (r < 0)
			return r;
		nsb_debug("--net %s: the helper is %s", nsb_net_mode_name(cfg->net_mode),
		          plan->net_helper_path);
	}
	if (cfg->n_net_rules) {
		r = plan_ruleset(cfg, plan);
		if (r < 0)
			return r;
	}
	if (plan->net_helper && !resolv_conf_placed(cfg)) {
		_cleanup_free_ char *host = read_host_resolv_conf();

		r = nsb_net_resolv_conf(host, nsb_net_mode_dns(cfg->net_mode), &plan->resolv_conf);
		if (r < 0)
			return nsb_log_errno(r,
			                     "--net: cannot make the sandbox's /etc/resolv.conf");
	}
	return 0;
}

void nsb_net_plan_free(struct nsb_plan *plan)
{
	free(plan->net_helper_path);
	free(plan->net_ruleset);
	free(plan->resolv_conf);
	plan->net_helper_path = plan->net_ruleset = plan->resolv_conf = NULL;
}

int nsb_net_add_resolv_conf(struct nsb_config *cfg, const struct nsb_plan *plan)
{
	_cleanup_close_ int fd = -1;
	struct nsb_op *ops;
	int r;

	if (!plan->resolv_conf)
		return 0;
	fd = memfd_create("nsbox-resolv.conf", MFD_CLOEXEC);
	if (fd < 0)
		return nsb_log_errno(errno, "--net: cannot make the sandbox's /etc/resolv.conf");
	r = nsb_write_all(fd, plan->resolv_conf, strlen(plan->resolv_conf));
	if (r == 0 && lseek(fd, 0, SEEK_SET) < 0)
		r = -errno;
	if (r < 0)
		return nsb_log_errno(r, "--net: cannot make the sandbox's /etc/resolv.conf");
	ops = reallocarray(cfg->ops, cfg->n_ops + 1, sizeof(*ops));
	if (!ops)
		return nsb_log_errno(ENOMEM, "--net");
	cfg->ops = ops;
	/* Like --ro-bind-data: followed inside the new root if a symlink
	 * (systemd-resolved's), parents made if missing; readable by all. */
	cfg->ops[cfg->n_ops++] = (struct nsb_op){
	        .kind = NSB_OP_RO_BIND_DATA,
	        .flags = NSB_OPF_FOLLOW_DANGLING,
	        .opt = cfg->net_mode == NSB_NET_PASTA ? "--net pasta" : "--net slirp4netns",
	        .argpos = NSB_ARGPOS_NSBOX,
	        .dest = "/etc/resolv.conf",
	        .fd = TAKE_FD(fd),
	        .perms = 0644,
	};
	return 0;
}

/* --- --netns ---------------------------------------------------------------------------- */

/* Does this process hold CAP_NET_ADMIN over the network namespace netns?
 * The kernel's rule: in the user namespace owning it when that is ours (the
 * effective set says), or as the owner of the one of its ancestors that is
 * a child of ours; never over one outside ours. 1, 0 or -errno. */
static int holds_net_admin(int netns)
{
	_cleanup_close_ int user = -1;
	struct stat self, st;
	uint64_t eff, perm;

	if (stat("/proc/self/ns/user", &self) < 0)
		return -errno;
	user = ioctl(netns, NS_GET_USERNS);
	if (user < 0)
		return -errno;
	for (;;) {
		int parent;
		uid_t owner;

		if (fstat(user, &st) < 0)
			return -errno;
		if (st.st_dev == self.st_dev && st.st_ino == self.st_ino) {
			int r = nsb_caps_get(&eff, &perm);
			return r < 0 ? r : (int)((eff >> CAP_NET_ADMIN) & 1);
		}
		if (ioctl(user, NS_GET_OWNER_UID, &owner) < 0)
			return -errno;
		parent = ioctl(user, NS_GET_PARENT);
		if (parent < 0)
			return errno == EPERM ? 0 : -errno; /* above ours */
		if (fstat(parent, &st) < 0) {
			close(parent);
			return -errno;
		}
		if (st.st_dev == self.st_dev && st.st_ino == self.st_ino && owner == geteuid()) {
			close(parent);
			return 1;
		}
		close(user);
		user = parent;
	}
}

int nsb_net_join(const struct nsb_config *cfg, const struct nsb_plan *plan)
{
	int r;

	if (cfg->netns_fd < 0)
		return 0;
	if (setns(cfg->netns_fd, CLONE_NEWNET) < 0) {
		int err = errno;

		if (err == EINVAL)
			nsb_err("--netns %d: not a network namespace", cfg->netns_fd);
		else if (err == EPERM)
			nsb_log_errno(err,
			              "--netns %d: cannot join the network namespace (an "
			              "unprivileged caller must also join the user namespace that "
			              "owns it, with --userns)",
			              cfg->netns_fd);
		else
			nsb_log_errno(err, "--netns %d: cannot join the network namespace",
			              cfg->netns_fd);
		return -err;
	}
	nsb_debug("--netns %d: network namespace joined", cfg->netns_fd);
	if (!plan->net_ruleset)
		return 0;
	r = holds_net_admin(cfg->netns_fd);
	if (r < 0)
		return nsb_log_errno(r,
		                     "--net-allow with --netns %d: cannot tell whether nsbox "
		                     "holds CAP_NET_ADMIN there",
		                     cfg->netns_fd);
	if (r == 0) {
		nsb_err("--net-allow with --netns %d: nsbox does not hold CAP_NET_ADMIN over that "
		        "network namespace, so it cannot install the rules (join the user "
		        "namespace "
		        "that owns it with --userns, or use --net pasta)",
		        cfg->netns_fd);
		return -EPERM;
	}
	r = nsb_nft_apply(plan->net_ruleset);
	if (r < 0)
		return r;
	nsb_debug("--net-allow: nftables rules installed in the joined network namespace (they "
	          "stay there)");
	return 0;
}

/* --- the helper --------------------------------------------------------------------------- */

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int nsb_net_start_helper(const struct nsb_config *cfg, pid_t pid, int sync_fd,
                         struct nsb_net_helper *h)
{
	struct nsb_net_helper_opts o = {
	        .mode = cfg->net_mode,
	        .pid = pid,
	        .host_loopback = cfg->net_host_loopback,
	        .forwards = cfg->net_forwards,
	        .n_forwards = cfg->n_net_forwards,
	};
	struct nsb_sync_msg m = {.fd = -1};
	struct timespec t0;
	int r;

	/* The helper joins the user namespace that owns the sandbox's network
	 * namespace: only once the id maps are written may it. */
	r = nsb_sync_expect(sync_fd, NSB_SYNC_IDMAPS_WRITTEN, &m);
	if (r < 0 && m.type == NSB_SYNC_ERROR) {
		nsb_err("%s", m.text);
		return -EPIPE; /* the child exits 1 */
	}
	if (r == -EPIPE)
		return r;
	if (r < 0)
		return nsb_log_errno(r, "cannot read from the sandbox");
	if (m.pid > 0)
		o.pid = m.pid;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = nsb_net_helper_start(&o, h);
	if (r < 0)
		return r;
	nsb_debug("--net %s: %s started (pid %d), network ready after %ld ms",
	          nsb_net_mode_name(cfg->net_mode), nsb_net_mode_name(cfg->net_mode), (int)h->pid,
	          ms_since(&t0));
	r = nsb_sync_send(sync_fd, NSB_SYNC_NET_READY, 0, NULL);
	if (r == -EPIPE || r == -ECONNRESET)
		return -EPIPE;
	return r < 0 ? nsb_log_errno(r, "cannot tell the sandbox") : 0;
}

/* --- in the child --------------------------------------------------------------------------- */

void nsb_net_setup_or_die(const struct nsb_config *cfg, const struct nsb_plan *plan)
{
	int r;

	if (plan->netns) {
		r = nsb_net_loopback_up();
		if (r < 0)
			nsb_die_errno(r, "--unshare-net: cannot bring up the loopback device");
	}
	/* Before anything of COMMAND's exists, while we hold CAP_NET_ADMIN in
	 * the namespace (it is our user namespace's); with --netns the
	 * process that joined it has installed them. */
	if (plan->net_ruleset && cfg->netns_fd < 0) {
		if (nsb_nft_apply(plan->net_ruleset) < 0)
			_exit(1);
		nsb_debug("--net-allow: nftables rules installed");
	}
	/* With our pid: with --pidns, our parent is a relay the monitor may
	 * not be allowed to look into. */
	if (plan->net_helper && nsb_sync_send_self(plan->sync_fd, NSB_SYNC_IDMAPS_WRITTEN) < 0)
		_exit(1);
}

void nsb_net_wait_ready_or_die(const struct nsb_plan *plan)
{
	/* An ERROR or EOF instead: the monitor has said why, and stops us. */
	if (plan->net_helper && nsb_sync_expect(plan->sync_fd, NSB_SYNC_NET_READY, NULL) < 0)
		_exit(1);
	if (plan->net_helper)
		nsb_debug("the network is ready");
}
