/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* variants: time groups of sandbox launches, interleaved, for
 * bench/launch.sh's lifecycle and real-profile tables.
 *
 * usage: variants [-r RUNS] [-t TIMEOUT_S] SPECFILE
 *
 * SPECFILE, one directive a line ('#' starts a comment line):
 *   group NAME          a new table; its variants are run interleaved
 *   variant LABEL       a new launch in the current group
 *   fd N r|w PATH       open PATH (read-only, or write-only) as fd N for
 *                       every launch of the variant, anew each time
 *   arg WORD            the next argv word (the first is the program)
 * Per group: one warm-up round, then RUNS rounds, each launching every
 * variant once in order. A launch is timed from before fork to after wait4
 * (CLOCK_MONOTONIC); its peak RSS is wait4's ru_maxrss. Prints, per group,
 * the median ms and peak RSS of each variant and its ratio to the first
 * variant, then "# result GROUP LABEL MEDIAN_MS RSS_KIB" lines for scripts.
 * Exits 1 (printing the failed launch's stderr) if a launch does not exit
 * 0 or exceeds the timeout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 1000
#define MAX_FDS 8

struct fdspec {
	int n;
	int flags;
	char *path;
};

struct variant {
	char *label;
	char **argv;
	size_t argc;
	struct fdspec fds[MAX_FDS];
	int nfds;
	double ms[MAX_RUNS];
	long rss;
};

struct group {
	char *name;
	struct variant *v;
	int n;
};

static volatile sig_atomic_t got_alarm;

static void on_alarm(int sig)
{
	got_alarm = 1;
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("variants: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		fail("out of memory");
	return p;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct group *parse(const char *path, int *ret_n)
{
	FILE *f = fopen(path, "re");
	struct group *g = NULL;
	char *line = NULL;
	size_t cap = 0;
	int n = 0, lineno = 0;

	if (!f)
		fail("cannot open '%s': %s", path, strerror(errno));
	while (getline(&line, &cap, f) > 0) {
		char *word, *rest;
		struct group *cg = n ? &g[n - 1] : NULL;
		struct variant *cv = cg && cg->n ? &cg->v[cg->n - 1] : NULL;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!*line || *line == '#')
			continue;
		word = line;
		rest = strchr(line, ' ');
		if (rest)
			*rest++ = '\0';
		if (strcmp(word, "group") == 0 && rest) {
			g = xrealloc(g, ++n * sizeof(*g));
			g[n - 1] = (struct group){.name = strdup(rest)};
		} else if (strcmp(word, "variant") == 0 && rest && cg) {
			cg->v = xrealloc(cg->v, ++cg->n * sizeof(*cg->v));
			cg->v[cg->n - 1] = (struct variant){.label = strdup(rest)};
		} else if (strcmp(word, "arg") == 0 && rest && cv) {
			cv->argv = xrealloc(cv->argv, (cv->argc + 2) * sizeof(char *));
			cv->argv[cv->argc++] = strdup(rest);
			cv->argv[cv->argc] = NULL;
		} else if (strcmp(word, "fd") == 0 && rest && cv && cv->nfds < MAX_FDS) {
			char mode[2], p[4096];
			int fdn;

			if (sscanf(rest, "%d %1s %4095s", &fdn, mode, p) != 3 || fdn < 3)
				fail("%s:%d: bad fd line", path, lineno);
			cv->fds[cv->nfds++] = (struct fdspec){
			        .n = fdn,
			        .flags = mode[0] == 'w' ? O_WRONLY : O_RDONLY,
			        .path = strdup(p),
			};
		} else {
			fail("%s:%d: cannot read '%s'", path, lineno, word);
		}
	}
	free(line);
	fclose(f);
	*ret_n = n;
	return g;
}

static double launch(struct variant *v, int nullfd, int errfd, long timeout_s)
{
	int opened[MAX_FDS], st;
	struct rusage ru;
	double t0, t1;
	pid_t pid;

	if (ftruncate(errfd, 0) < 0 || lseek(errfd, 0, SEEK_SET) < 0)
		fail("cannot reset the stderr buffer");
	for (int i = 0; i < v->nfds; i++) {
		opened[i] = open(v->fds[i].path, v->fds[i].flags | O_CLOEXEC);
		if (opened[i] < 0)
			fail("%s: cannot open '%s': %s", v->label, v->fds[i].path, strerror(errno));
	}
	got_alarm = 0;
	t0 = now_ms();
	pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		setpgid(0, 0);
		if (dup2(nullfd, 0) < 0 || dup2(nullfd, 1) < 0 || dup2(errfd, 2) < 0)
			_exit(126);
		/* Move them above every target number first, then in place. */
		for (int i = 0; i < v->nfds; i++)
			if ((opened[i] = fcntl(opened[i], F_DUPFD_CLOEXEC, 100)) < 0)
				_exit(126);
		for (int i = 0; i < v->nfds; i++)
			if (dup2(opened[i], v->fds[i].n) < 0)
				_exit(126);
		execv(v->argv[0], v->argv);
		_exit(127);
	}
	alarm(timeout_s);
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR)
			fail("wait4: %s", strerror(errno));
		if (got_alarm) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			fail("%s: no exit after %ld s", v->label, timeout_s);
		}
	}
	t1 = now_ms();
	alarm(0);
	for (int i = 0; i < v->nfds; i++)
		close(opened[i]);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char buf[4096];
		ssize_t r;

		fprintf(stderr, "variants: %s failed (status %d); its stderr:\n", v->label, st);
		lseek(errfd, 0, SEEK_SET);
		while ((r = read(errfd, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, (size_t)r, stderr);
		exit(1);
	}
	if (ru.ru_maxrss > v->rss)
		v->rss = ru.ru_maxrss;
	return t1 - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double s[MAX_RUNS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	long timeout_s = 60;
	int runs = 11, opt, ngroups, nullfd, errfd;
	struct sigaction sa = {.sa_handler = on_alarm};
	struct group *g;

	while ((opt = getopt(argc, argv, "r:t:")) != -1) {
		if (opt == 'r')
			runs = atoi(optarg);
		else if (opt == 't')
			timeout_s = atol(optarg);
		else
			fail("usage: variants [-r RUNS] [-t TIMEOUT_S] SPECFILE");
	}
	if (optind != argc - 1 || runs < 1 || runs > MAX_RUNS || timeout_s < 1)
		fail("usage: variants [-r RUNS] [-t TIMEOUT_S] SPECFILE");
	g = parse(argv[optind], &ngroups);
	while ((nullfd = open("/dev/null", O_RDWR)) >= 0 && nullfd <= 2)
		;
	if (nullfd < 0)
		fail("cannot open /dev/null");
	fcntl(nullfd, F_SETFD, FD_CLOEXEC);
	errfd = memfd_create("variants-stderr", MFD_CLOEXEC);
	if (errfd < 0)
		fail("memfd_create: %s", strerror(errno));
	sigaction(SIGALRM, &sa, NULL);

	for (int k = 0; k < ngroups; k++) {
		struct group *cg = &g[k];
		double base = 0;

		for (int r = -1; r < runs; r++)
			for (int i = 0; i < cg->n; i++) {
				double ms = launch(&cg->v[i], nullfd, errfd, timeout_s);
				if (r >= 0)
					cg->v[i].ms[r] = ms;
			}
		printf("%s (median of %d interleaved launches each):\n", cg->name, runs);
		printf("  %-44s %9s %9s %9s\n", "variant", "ms", "ratio", "RSS KiB");
		for (int i = 0; i < cg->n; i++) {
			double m = median(cg->v[i].ms, runs);

			if (i == 0)
				base = m;
			printf("  %-44s %9.2f %8.2fx %9ld\n", cg->v[i].label, m, m / base,
			       cg->v[i].rss);
		}
		printf("\n");
	}
	for (int k = 0; k < ngroups; k++)
		for (int i = 0; i < g[k].n; i++)
			printf("# result %s|%s|%.3f|%ld\n", g[k].name, g[k].v[i].label,
			       median(g[k].v[i].ms, runs), g[k].v[i].rss);
	return fflush(stdout) == 0 ? 0 : 1;
}
