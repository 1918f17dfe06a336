/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Drives the network modules without nsbox's launch path, for
 * tests/integration/t-net-*.sh:
 *
 *   net-try ruleset MODE RULE...   print the nftables ruleset
 *   net-try apply MODE RULE...     resolve, build and install it in the
 *                                  current network namespace
 *   net-try list                   print "list ruleset"
 *   net-try resolv MODE [FILE]     print the sandbox's resolv.conf made
 *                                  from FILE (a host resolv.conf)
 *   net-try start MODE PID [--host-loopback] [--forward SPEC]...
 *                [--dns ADDR]... -- COMMAND...
 *                                  start the helper for PID's network
 *                                  namespace, print "ready-us N" on
 *                                  stderr, run COMMAND, stop the helper,
 *                                  exit with COMMAND's status
 *
 * MODE is pasta or slirp4netns. Exit status 1 with nsbox's message on
 * failure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "net-helper.h"
#include "net-nft.h"
#include "net-rules.h"
#include "util.h"

static enum nsb_net_mode mode_or_die(const char *s)
{
	enum nsb_net_mode m;

	if (!s || nsb_net_mode_parse(s, &m) < 0 || !nsb_net_mode_has_helper(m)) {
		nsb_err("net-try: bad mode '%s'", s ? s : "");
		exit(1);
	}
	return m;
}

static char *ruleset_or_die(enum nsb_net_mode m, int n, char **args)
{
	struct nsb_net_rule *rules = calloc((size_t)n + 1, sizeof(*rules));
	char why[NSB_WHY_MAX];
	char *text;

	for (int i = 0; i < n; i++) {
		if (nsb_net_allow_parse(args[i], &rules[i], why) < 0) {
			nsb_err("--net-allow: invalid rule '%s': %s", args[i], why);
			exit(1);
		}
	}
	if (nsb_net_rules_resolve(rules, (size_t)n) < 0)
		exit(1);
	if (nsb_net_ruleset(rules, (size_t)n, nsb_net_mode_dns(m), &text) < 0)
		exit(1);
	for (int i = 0; i < n; i++)
		nsb_net_rule_free(&rules[i]);
	free(rules);
	return text;
}

static int start(int argc, char **argv)
{
	struct nsb_net_helper_opts o = {.mode = mode_or_die(argv[2])};
	struct nsb_net_forward fw[16];
	const char *dns[4];
	struct nsb_net_helper h;
	struct timespec t0, t1;
	char why[NSB_WHY_MAX];
	int i, st;
	pid_t pid;

	if (argc < 4)
		return 2;
	o.pid = atoi(argv[3]);
	o.forwards = fw;
	o.dns_upstreams = dns;
	for (i = 4; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--host-loopback")) {
			o.host_loopback = true;
		} else if (!strcmp(argv[i], "--forward") && i + 1 < argc && o.n_forwards < 16) {
			if (nsb_net_forward_parse(argv[++i], &fw[o.n_forwards++], why) < 0) {
				nsb_err("--net-forward: invalid '%s': %s", argv[i], why);
				return 1;
			}
		} else if (!strcmp(argv[i], "--dns") && i + 1 < argc && o.n_dns_upstreams < 4) {
			dns[o.n_dns_upstreams++] = argv[++i];
		} else {
			nsb_err("net-try: bad argument '%s'", argv[i]);
			return 2;
		}
	}
	if (i + 1 >= argc)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (nsb_net_helper_start(&o, &h) < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "ready-us %ld\n",
	        (t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		execvp(argv[i + 1], argv + i + 1);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (nsb_net_helper_stop(&h) < 0)
		return 1;
	return nsb_exit_status(st);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *text = NULL;

	nsb_log_init("nsbox");
	if (argc >= 3 && !strcmp(argv[1], "ruleset")) {
		text = ruleset_or_die(mode_or_die(argv[2]), argc - 3, argv + 3);
		fputs(text, stdout);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "apply")) {
		text = ruleset_or_die(mode_or_die(argv[2]), argc - 3, argv + 3);
		return nsb_nft_apply(text) < 0 ? 1 : 0;
	}
	if (argc == 2 && !strcmp(argv[1], "list")) {
		if (nsb_nft_list(&text) < 0)
			return 1;
		fputs(text, stdout);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "resolv")) {
		_cleanup_free_ char *host = NULL;
		size_t len;
		FILE *f = argc > 3 ? fopen(argv[3], "re") : NULL;

		if (f) {
			int fd = fileno(f);
			if (nsb_read_all(fd, 65536, &host, &len) < 0)
				return 1;
			fclose(f);
		}
		if (nsb_net_resolv_conf(host, nsb_net_mode_dns(mode_or_die(argv[2])), &text) < 0)
			return 1;
		fputs(text, stdout);
		return 0;
	}
	if (argc >= 5 && !strcmp(argv[1], "start"))
		return start(argc, argv);
	fprintf(stderr, "usage: see tests/helpers/net-try.c\n");
	return 2;
}
