/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "log.h"
#include "net-helper.h"
#include "util.h"

#define READY_TIMEOUT_MS 10000
#define STOP_TIMEOUT_MS 2000

struct helper_info {
	const char *option, *program, *package;
};

static const struct helper_info *info(enum nsb_net_mode mode)
{
	static const struct helper_info pasta = {"--net pasta", "pasta", "passt"};
	static const struct helper_info slirp = {"--net slirp4netns", "slirp4netns", "slirp4netns"};

	return mode == NSB_NET_PASTA ? &pasta : &slirp;
}

/* --- argv ----------------------------------------------------------------------------------- */

struct strv {
	char **v;
	size_t n, cap;
	bool oom;
};

static void __attribute__((format(printf, 2, 3))) add(struct strv *s, const char *fmt, ...)
{
	va_list ap;
	char *str;

	if (s->oom)
		return;
	if (s->n + 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			s->oom = true;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&str, fmt, ap) < 0) {
		s->oom = true;
		str = NULL;
	}
	va_end(ap);
	if (!str)
		return;
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
}

void nsb_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* pasta's port list for one protocol: "none", or one option per forward
 * ("127.0.0.1/8080:80": bound to the host's loopback only). */
static void pasta_ports(struct strv *s, const struct nsb_net_helper_opts *o, const char *opt,
                        enum nsb_net_proto proto)
{
	bool any = false;

	for (size_t i = 0; i < o->n_forwards; i++) {
		if (o->forwards[i].proto != proto)
			continue;
		add(s, "%s", opt);
		add(s, "127.0.0.1/%u:%u", o->forwards[i].host_port, o->forwards[i].port);
		any = true;
	}
	if (!any) {
		add(s, "%s", opt);
		add(s, "none");
	}
}

static void pasta_argv(struct strv *s, const struct nsb_net_helper_opts *o,
                       const struct nsb_net_helper_fds *f)
{
	/* Foreground under the keeper; configure the interface, addresses
	 * and routes before saying ready (the pid file). */
	add(s, "--foreground");
	add(s, "--quiet");
	add(s, "--config-net");
	add(s, "--pid");
	add(s, "/proc/self/fd/%d", f->ready_fd);
	/* No automatic forwarding either way: by default pasta would publish
	 * every port bound inside on the host, and make every port bound on
	 * the host's loopback reachable on the sandbox's loopback. */
	pasta_ports(s, o, "--tcp-ports", NSB_PROTO_TCP);
	pasta_ports(s, o, "--udp-ports", NSB_PROTO_UDP);
	add(s, "--tcp-ns");
	add(s, "none");
	add(s, "--udp-ns");
	add(s, "none");
	/* The gateway address leads to the host's loopback unless told not. */
	if (!o->host_loopback)
		add(s, "--no-map-gw");
	add(s, "--dns-forward");
	add(s, "%s", nsb_net_mode_dns(NSB_NET_PASTA)->v4);
	for (size_t i = 0; i < o->n_dns_upstreams; i++) {
		add(s, "--dns");
		add(s, "%s", o->dns_upstreams[i]);
	}
	/* pasta started as root changes to nobody first, who may not enter
	 * the sandbox's namespaces. */
	if (f->keep_root) {
		add(s, "--runas");
		add(s, "0:0");
	}
	/* nsbox ends pasta itself; its own quit-on-delete watch is for
	 * namespaces bound to a file. */
	add(s, "--no-netns-quit");
	add(s, "--netns");
	add(s, "/proc/self/fd/%d", f->netns_fd);
	if (f->userns_fd >= 0) {
		add(s, "--userns");
		add(s, "/proc/self/fd/%d", f->userns_fd);
	} else {
		add(s, "--netns-only");
	}
}

static void slirp_argv(struct strv *s, const struct nsb_net_helper_opts *o,
                       const struct nsb_net_helper_fds *f)
{
	add(s, "--configure");
	add(s, "--mtu=65520");
	add(s, "--enable-ipv6");
	/* 10.0.2.2 leads to the host's loopback unless told not. */
	if (!o->host_loopback)
		add(s, "--disable-host-loopback");
	add(s, "--ready-fd=%d", f->ready_fd);
	add(s, "--exit-fd=%d", f->exit_fd);
	if (f->api_socket)
		add(s, "--api-socket=%s", f->api_socket);
	if (f->userns_fd >= 0)
		add(s, "--userns-path=/proc/self/fd/%d", f->userns_fd);
	add(s, "--netns-type=path");
	add(s, "/proc/self/fd/%d", f->netns_fd);
	add(s, "tap0");
}

int nsb_net_helper_argv(const struct nsb_net_helper_opts *o, const struct nsb_net_helper_fds *f,
                        const char *path, char ***ret_argv)
{
	struct strv s = {0};

	add(&s, "%s", path);
	if (o->mode == NSB_NET_PASTA)
		pasta_argv(&s, o, f);
	else
		slirp_argv(&s, o, f);
	if (s.oom) {
		nsb_strv_free(s.v);
		return -ENOMEM;
	}
	*ret_argv = s.v;
	return 0;
}

/* --- finding it ------------------------------------------------------------------------------ */

int nsb_net_helper_find(enum nsb_net_mode mode, char **ret_path)
{
	const struct helper_info *h = info(mode);
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *p;

		if (*dir != '/')
			continue; /* relative PATH entries: not for a helper nsbox trusts */
		if (asprintf(&p, "%s/%s", dir, h->program) < 0)
			return -ENOMEM;
		if (access(p, X_OK) == 0) {
			*ret_path = p;
			return 0;
		}
		free(p);
	}
	nsb_err("%s: %s was not found on PATH (Debian package %s)", h->option, h->program,
	        h->package);
	return -ENOENT;
}

/* --- starting ----------------------------------------------------------------------------- */

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Close every fd but those in keep (any order, -1 ignored). */
static void close_all_but(const int *keep, size_t n)
{
	int sorted[8], m = 0;

	for (size_t i = 0; i < n && m < 8; i++)
		if (keep[i] >= 0)
			sorted[m++] = keep[i];
	for (int i = 1; i < m; i++)
		for (int k = i; k > 0 && sorted[k - 1] > sorted[k]; k--) {
			int t = sorted[k];
			sorted[k] = sorted[k - 1];
			sorted[k - 1] = t;
		}
	unsigned from = 3;
	for (int i = 0; i < m; i++) {
		if ((unsigned)sorted[i] > from)
			syscall(SYS_close_range, from, (unsigned)sorted[i] - 1, 0);
		if ((unsigned)sorted[i] + 1 > from)
			from = (unsigned)sorted[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

static int clear_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl < 0 ? -1 : fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
}

/* The monitor may block signals (a signalfd) and catch others: a forked
 * keeper or helper starts from the defaults. */
static void reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* In the forked child: the helper's stdio and inherited fds, then exec. */
static _Noreturn void exec_helper(char **argv, int log_fd, const int *inherit, size_t n)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (null < 0 || dup2(null, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0)
		_exit(127);
	for (size_t i = 0; i < n; i++)
		if (inherit[i] >= 0 && clear_cloexec(inherit[i]) < 0)
			_exit(127);
	/* The helper must not outlive what signals nsbox gets from a
	 * terminal as COMMAND's (^C): a process group of its own. */
	setpgid(0, 0);
	reset_signals();
	execv(argv[0], argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* The keeper: runs pasta and kills it when the monitor closes stop_r or
 * dies (EOF either way). Exits with pasta's status when pasta ends first. */
static _Noreturn void keeper(char **argv, int log_fd, int stop_r, const int *inherit, size_t n)
{
	int keep[8] = {log_fd, stop_r};
	size_t nk = 2;
	pid_t pid;
	int pidfd, st;

	for (size_t i = 0; i < n && nk < NSB_ELEMENTSOF(keep); i++)
		keep[nk++] = inherit[i];
	/* The keeper does not exec: drop every fd of the monitor's (the
	 * child's channel, --sync-fd, --json-status-fd...) so that nothing
	 * waits on it. */
	close_all_but(keep, nk);
	setpgid(0, 0);
	reset_signals();
	pid = fork();
	if (pid < 0)
		_exit(127);
	if (pid == 0)
		exec_helper(argv, log_fd, inherit, n);
	for (size_t i = 0; i < n; i++)
		if (inherit[i] >= 0)
			close(inherit[i]);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		struct pollfd p[2] = {{.fd = stop_r, .events = POLLIN},
		                      {.fd = pidfd, .events = POLLIN}};

		if (pidfd < 0 || poll(p, 2, -1) < 0) {
			if (pidfd >= 0 && errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break; /* pasta ended */
		if (p[0].revents) {
			char c;
			if (read(stop_r, &c, 1) > 0)
				continue;
			break;
		}
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	_exit(nsb_exit_status(st));
}

/* The sandbox's network namespace, and the user namespace owning it when
 * that is not ours (then the helper must join it to configure the
 * network). Opened here, passed down as /proc/self/fd/N: the child may
 * enter a nested user namespace later, and a pid could be reused. */
static int open_namespaces(pid_t pid, int *ret_net, int *ret_user)
{
	_cleanup_close_ int net = -1, user = -1;
	struct stat a, b;
	char p[64];

	snprintf(p, sizeof(p), "/proc/%d/ns/net", (int)pid);
	net = open(p, O_RDONLY | O_CLOEXEC);
	if (net < 0)
		return -errno;
	user = ioctl(net, NS_GET_USERNS);
	if (user < 0)
		return -errno;
	if (fstat(user, &a) < 0 || stat("/proc/self/ns/user", &b) < 0)
		return -errno;
	if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		nsb_close_fd(&user);
	*ret_net = TAKE_FD(net);
	*ret_user = TAKE_FD(user);
	return 0;
}

/* Show what the helper said, line by line, after a failure. pasta without
 * a syslog socket complains about each line it could not send there:
 * that noise is left out. */
static void show_log(const struct helper_info *h, int log_fd)
{
	char buf[4096];
	ssize_t n = pread(log_fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *line = buf, *end; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (end == line)
			continue;
		if (strncmp(line, "Failed to send ", 15) == 0 &&
		    strncmp(end - 16, "bytes to syslog", 15) == 0)
			continue;
		nsb_err("%s: %.*s", h->program, (int)(end - line), line);
	}
}

/* Wait for the helper's first write on ready_r: 1 ready, 0 EOF (it
 * failed), -ETIMEDOUT. */
static int wait_ready(int ready_r)
{
	struct timespec t0;
	char buf[64];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long left = READY_TIMEOUT_MS - ms_since(&t0);
		struct pollfd p = {.fd = ready_r, .events = POLLIN};
		ssize_t n;
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		n = read(ready_r, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		return n > 0 ? 1 : 0;
	}
}

/* One forward through slirp4netns's API socket (JSON, one request per
 * connection). 0, or -errno logged with slirp4netns's answer. */
static int slirp_add_forward(const char *api, const struct nsb_net_forward *f)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = -1;
	char req[256], ans[1024];
	size_t got = 0;
	ssize_t n;
	int len;

	if (strlen(api) >= sizeof(a.sun_path))
		return nsb_log_errno(ENAMETOOLONG, "--net-forward: API socket path too long");
	strcpy(a.sun_path, api);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return nsb_log_errno(errno, "--net-forward: cannot reach slirp4netns's API socket");
	len = snprintf(req, sizeof(req),
	               "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"%s\", "
	               "\"host_addr\": \"127.0.0.1\", \"host_port\": %u, \"guest_port\": %u}}",
	               f->proto == NSB_PROTO_UDP ? "udp" : "tcp", f->host_port, f->port);
	if (nsb_write_all(fd, req, (size_t)len) < 0)
		return nsb_log_errno(errno, "--net-forward: cannot talk to slirp4netns");
	shutdown(fd, SHUT_WR);
	while (got < sizeof(ans) - 1 && (n = read(fd, ans + got, sizeof(ans) - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nsb_log_errno(errno, "--net-forward: no answer from slirp4netns");
		got += (size_t)n;
	}
	ans[got] = '\0';
	if (!strstr(ans, "\"return\"")) {
		nsb_err("--net-forward: slirp4netns refused %s:%u:%u: %s",
		        f->proto == NSB_PROTO_UDP ? "udp" : "tcp", f->host_port, f->port,
		        got ? ans : "no answer");
		return -EINVAL;
	}
	return 0;
}

static void remove_api_dir(struct nsb_net_helper *h)
{
	char p[PATH_MAX];

	if (!h->api_dir)
		return;
	snprintf(p, sizeof(p), "%s/api.sock", h->api_dir);
	unlink(p);
	rmdir(h->api_dir);
	free(h->api_dir);
	h->api_dir = NULL;
}

/* Fork the helper (pasta under its keeper, slirp4netns alone). */
static int spawn(const struct nsb_net_helper_opts *o, const char *path, int ready_w, int helper_end,
                 int netns, int userns, struct nsb_net_helper *h)
{
	struct nsb_net_helper_fds f = {
	        .netns_fd = netns,
	        .userns_fd = userns,
	        .ready_fd = ready_w,
	        .exit_fd = helper_end,
	        .keep_root = geteuid() == 0,
	};
	char api[PATH_MAX];
	char **argv = NULL;
	pid_t pid;
	int r;

	if (o->mode == NSB_NET_SLIRP4NETNS && o->n_forwards) {
		const char *tmp = getenv("TMPDIR");

		if (asprintf(&h->api_dir, "%s/nsbox-slirp-XXXXXX",
		             tmp && *tmp == '/' ? tmp : "/tmp") < 0) {
			h->api_dir = NULL;
			return -ENOMEM;
		}
		if (!mkdtemp(h->api_dir)) {
			r = -errno;
			free(h->api_dir);
			h->api_dir = NULL;
			return r;
		}
		snprintf(api, sizeof(api), "%s/api.sock", h->api_dir);
		f.api_socket = api;
	}
	r = nsb_net_helper_argv(o, &f, path, &argv);
	if (r < 0)
		return r;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		nsb_strv_free(argv);
		return r;
	}
	if (pid == 0) {
		int inherit[] = {netns, userns, ready_w,
		                 o->mode == NSB_NET_SLIRP4NETNS ? helper_end : -1};

		if (o->mode == NSB_NET_PASTA)
			keeper(argv, h->log_fd, helper_end, inherit, NSB_ELEMENTSOF(inherit));
		int keep[] = {h->log_fd, netns, userns, ready_w, helper_end};
		close_all_but(keep, NSB_ELEMENTSOF(keep));
		exec_helper(argv, h->log_fd, inherit, NSB_ELEMENTSOF(inherit));
	}
	nsb_strv_free(argv);
	h->pid = pid;
	return 0;
}

int nsb_net_helper_start(const struct nsb_net_helper_opts *o, struct nsb_net_helper *ret)
{
	const struct helper_info *hi = info(o->mode);
	struct nsb_net_helper h = {.mode = o->mode, .pid = 0, .stop_fd = -1, .log_fd = -1};
	_cleanup_close_ int netns = -1, userns = -1, ready_r = -1, ready_w = -1, helper_end = -1;
	_cleanup_free_ char *path = NULL;
	int p[2], r, st;

	r = nsb_net_helper_find(o->mode, &path);
	if (r < 0)
		return r;
	r = open_namespaces(o->pid, &netns, &userns);
	if (r < 0)
		return nsb_log_errno(r, "%s: cannot open the sandbox's network namespace",
		                     hi->option);
	if (pipe2(p, O_CLOEXEC) < 0)
		return nsb_log_errno(errno, "%s: cannot create a pipe", hi->option);
	ready_r = p[0];
	ready_w = p[1];
	/* pasta: the keeper's stop pipe; slirp4netns: its --exit-fd. The
	 * helper's side is the read end. */
	if (pipe2(p, O_CLOEXEC) < 0)
		return nsb_log_errno(errno, "%s: cannot create a pipe", hi->option);
	helper_end = p[0];
	h.stop_fd = p[1];
	h.log_fd = memfd_create("nsbox-net-helper", MFD_CLOEXEC);
	if (h.log_fd < 0) {
		r = nsb_log_errno(errno, "%s: cannot create a log file", hi->option);
		goto fail;
	}
	r = spawn(o, path, ready_w, helper_end, netns, userns, &h);
	if (r < 0) {
		nsb_log_errno(r, "%s: cannot start %s", hi->option, hi->program);
		goto fail;
	}
	nsb_close_fd(&ready_w);
	nsb_close_fd(&helper_end);
	r = wait_ready(ready_r);
	if (r <= 0) {
		nsb_close_fd(&h.stop_fd);
		if (r == 0) {
			while (waitpid(h.pid, &st, 0) < 0 && errno == EINTR)
				;
			h.pid = 0;
			nsb_err("%s: %s ended before the network was ready (exit status %d)",
			        hi->option, hi->program, nsb_exit_status(st));
			r = -ECHILD;
		} else {
			nsb_log_errno(r, "%s: %s did not make the network ready", hi->option,
			              hi->program);
		}
		show_log(hi, h.log_fd);
		goto fail;
	}
	for (size_t i = 0; o->mode == NSB_NET_SLIRP4NETNS && i < o->n_forwards; i++) {
		char api[PATH_MAX];

		snprintf(api, sizeof(api), "%s/api.sock", h.api_dir);
		r = slirp_add_forward(api, &o->forwards[i]);
		if (r < 0)
			goto fail;
	}
	/* The socket served its purpose: nothing else may add forwards. */
	remove_api_dir(&h);
	*ret = h;
	return 0;

fail:
	nsb_net_helper_stop(&h);
	return r;
}

int nsb_net_helper_stop(struct nsb_net_helper *h)
{
	int r = 0, st;

	nsb_close_fd(&h->stop_fd);
	if (h->pid > 0) {
		_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, h->pid, 0);
		struct pollfd p = {.fd = pidfd, .events = POLLIN};

		if (pidfd < 0 || poll(&p, 1, STOP_TIMEOUT_MS) <= 0) {
			nsb_warn("%s: %s did not end; killing it", info(h->mode)->option,
			         info(h->mode)->program);
			kill(h->pid, SIGKILL);
		}
		while (waitpid(h->pid, &st, 0) < 0) {
			if (errno != EINTR) {
				r = nsb_log_errno(errno, "%s: cannot reap %s",
				                  info(h->mode)->option, info(h->mode)->program);
				break;
			}
		}
		h->pid = 0;
	}
	nsb_close_fd(&h->log_fd);
	remove_api_dir(h);
	return r;
}
