/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* runbench: time sandbox launches of /usr/bin/true for bench/launch.sh.
 *
 * usage: runbench [-r RUNS] [-t TIMEOUT_S] -A ARGSDIR [-n NSBOX] -b BWRAP -f FLOOR N...
 *
 * For every N, ARGSDIR/args.N holds the NUL-separated "--ro-bind D D"
 * triples given to nsbox and bwrap through "--args 3"; the floor gets the
 * same directories as "-r D" options. Per N: one warm-up round, then RUNS
 * rounds, each launching nsbox, bwrap, floor in that order (interleaved so
 * that drift hits all three alike). A launch is timed from before fork to
 * after wait4 with CLOCK_MONOTONIC; its peak RSS is wait4's ru_maxrss, which
 * is the largest process of the tree that the launched program waited for.
 *
 * /usr/bin/true launched bare is measured first as a reference.
 * Prints the table and verdicts, then a "# samples" section with every
 * timed launch. Exits 1 (printing the failed launch's stderr) if a launch
 * does not exit 0 or exceeds the timeout.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARGS_FD 3
#define MAX_N 32
#define MAX_RUNS 1000

enum { P_NSBOX, P_BWRAP, P_FLOOR, P_COUNT };
static const char *const prog_name[P_COUNT] = {"nsbox", "bwrap", "floor"};

/* clang-format off */
static const char *const common_opts[] = {
	"--unshare-user", "--unshare-pid",
	"--ro-bind", "/usr", "/usr",
	"--symlink", "usr/lib64", "/lib64",
	"--symlink", "usr/lib", "/lib",
	"--symlink", "usr/bin", "/bin",
};
/* clang-format on */
#define N_COMMON (sizeof common_opts / sizeof common_opts[0])

struct point {
	long n;
	char *args_path;
	char **floor_argv;
	char **sandbox_argv[P_COUNT]; /* nsbox and bwrap; floor uses floor_argv */
	double ms[P_COUNT][MAX_RUNS];
	long maxrss_kib[P_COUNT];
};

static volatile sig_atomic_t got_alarm, got_stop;

static void on_signal(int sig)
{
	if (sig == SIGALRM)
		got_alarm = 1;
	else
		got_stop = sig;
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("runbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

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

static long parse_long(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		fail("bad %s '%s' (want %ld..%ld)", what, s, min, max);
	return v;
}

/* Reads the whole args file; returns its bind sources (the token after each
 * "--ro-bind"), NULL-terminated, in *ret_srcs and their count. */
static size_t read_bind_sources(const char *path, char ***ret_srcs)
{
	struct stat st;
	char *buf, **srcs;
	size_t n = 0, off;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0)
		fail("cannot open '%s': %s", path, strerror(errno));
	buf = xcalloc(st.st_size + 1, 1);
	if (read(fd, buf, st.st_size) != st.st_size)
		fail("cannot read '%s'", path);
	close(fd);
	srcs = xcalloc(st.st_size / 2 + 2, sizeof *srcs);
	for (off = 0; off < (size_t)st.st_size; off += strlen(buf + off) + 1) {
		if (strcmp(buf + off, "--ro-bind") != 0)
			continue;
		off += strlen(buf + off) + 1;
		if (off >= (size_t)st.st_size)
			fail("'%s': --ro-bind without a source", path);
		srcs[n++] = buf + off;
	}
	*ret_srcs = srcs;
	return n;
}

static char **sandbox_argv(const char *bin)
{
	char **argv = xcalloc(N_COMMON + 5, sizeof *argv);
	size_t i, k = 0;

	argv[k++] = (char *)bin;
	for (i = 0; i < N_COMMON; i++)
		argv[k++] = (char *)common_opts[i];
	argv[k++] = "--args";
	argv[k++] = "3";
	argv[k++] = "/usr/bin/true";
	return argv;
}

static char **floor_argv(const char *bin, char **srcs, size_t nsrcs)
{
	char **argv = xcalloc(2 * nsrcs + 6, sizeof *argv);
	size_t i, k = 0;

	argv[k++] = (char *)bin;
	argv[k++] = "-r";
	argv[k++] = "/usr";
	for (i = 0; i < nsrcs; i++) {
		argv[k++] = "-r";
		argv[k++] = srcs[i];
	}
	argv[k++] = "--";
	argv[k++] = "/usr/bin/true";
	return argv;
}

static void print_argv_short(FILE *f, char **argv)
{
	int argc = 0, i;

	while (argv[argc])
		argc++;
	for (i = 0; i < argc; i++) {
		/* a launch at N=1000 has thousands of arguments: show the ends */
		if (argc > 24 && i >= 16 && i < argc - 4) {
			if (i == 16)
				fprintf(f, " ... (%d more)", argc - 20);
			continue;
		}
		fprintf(f, "%s%s", i ? " " : "", argv[i]);
	}
	fputc('\n', f);
}

static void report_failure(const char *prog, long n, char **argv, const char *args_path,
			   const char *why, int errfd)
{
	char buf[4096];
	ssize_t r, total = 0;

	fprintf(stderr, "runbench: %s launch failed at N=%ld: %s\n", prog, n, why);
	fputs("runbench: command: ", stderr);
	print_argv_short(stderr, argv);
	if (args_path)
		fprintf(stderr, "runbench: fd 3 (--args): '%s'\n", args_path);
	fputs("runbench: its stderr:\n", stderr);
	if (lseek(errfd, 0, SEEK_SET) == 0)
		while ((r = read(errfd, buf, sizeof buf)) > 0) {
			fwrite(buf, 1, r, stderr);
			total += r;
		}
	if (total == 0)
		fputs("(empty)\n", stderr);
	if (strcmp(prog, "floor") == 0)
		fputs("runbench: if the floor cannot clone (Operation not permitted), the kernel "
		      "refuses\n"
		      "runbench: unprivileged user namespaces: see user.max_user_namespaces,\n"
		      "runbench: kernel.unprivileged_userns_clone, "
		      "kernel.apparmor_restrict_unprivileged_userns\n",
		      stderr);
	fflush(stderr);
}

/* One launch; returns its wall-clock ms, or exits on failure. */
static double launch(char **argv, const char *args_path, int nullfd, int errfd, long timeout_s,
		     const char *prog, long n, long *ret_maxrss)
{
	struct rusage ru;
	double t0, t1;
	char why[128];
	pid_t pid;
	int st, argsfd = -1;

	if (ftruncate(errfd, 0) < 0 || lseek(errfd, 0, SEEK_SET) < 0)
		fail("cannot reset the stderr buffer: %s", strerror(errno));
	if (args_path) {
		argsfd = open(args_path, O_RDONLY | O_CLOEXEC);
		if (argsfd < 0)
			fail("cannot open '%s': %s", args_path, strerror(errno));
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
		if (argsfd >= 0) {
			if (argsfd == ARGS_FD ? fcntl(ARGS_FD, F_SETFD, 0) < 0
					      : dup2(argsfd, ARGS_FD) < 0)
				_exit(126);
		}
		execv(argv[0], argv);
		dprintf(2, "runbench: cannot exec '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	alarm(timeout_s);
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR)
			fail("wait4: %s", strerror(errno));
		if (got_alarm || got_stop) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			if (got_stop)
				exit(128 + got_stop);
			snprintf(why, sizeof why, "no exit after %ld s (killed)", timeout_s);
			report_failure(prog, n, argv, args_path, why, errfd);
			exit(1);
		}
	}
	t1 = now_ms();
	alarm(0);
	if (argsfd >= 0)
		close(argsfd);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		if (WIFEXITED(st))
			snprintf(why, sizeof why, "exit status %d", WEXITSTATUS(st));
		else
			snprintf(why, sizeof why, "killed by signal %d (%s)", WTERMSIG(st),
				 strsignal(WTERMSIG(st)));
		report_failure(prog, n, argv, args_path, why, errfd);
		exit(1);
	}
	*ret_maxrss = ru.ru_maxrss;
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

	memcpy(s, v, n * sizeof *v);
	qsort(s, n, sizeof *s, cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void fmt_ms(char *buf, size_t size, double ms)
{
	if (ms < 0)
		snprintf(buf, size, "-");
	else if (ms < 10)
		snprintf(buf, size, "%.2f", ms);
	else if (ms < 100)
		snprintf(buf, size, "%.1f", ms);
	else
		snprintf(buf, size, "%.0f", ms);
}

static void fmt_ratio(char *buf, size_t size, double a, double b)
{
	if (a < 0 || b <= 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.2fx", a / b);
}

static void fmt_kib(char *buf, size_t size, long kib, int on)
{
	if (!on)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%ld", kib);
}

struct verdicts {
	double worst_floor_ratio; /* nsbox/floor, max over N */
	long worst_floor_n;
	double speedup_1000; /* bwrap/nsbox at N=1000, <0 if not measured */
	long rss_bad_n;	     /* first N where nsbox's RSS exceeds bwrap's, -1 if none */
};

static void print_table(struct point *pts, int npts, int runs, int have[P_COUNT],
			struct verdicts *v)
{
	char a[32], b[32], c[32], d[32], e[32], f[32], g[32];
	double med[P_COUNT];
	int i, p;

	v->worst_floor_ratio = -1;
	v->worst_floor_n = -1;
	v->speedup_1000 = -1;
	v->rss_bad_n = -1;
	printf("%6s | %9s | %9s | %9s | %11s | %11s | %13s | %13s\n", "N", "nsbox ms", "bwrap ms",
	       "floor ms", "nsbox/floor", "bwrap/nsbox", "nsbox RSS KiB", "bwrap RSS KiB");
	printf("-------+-----------+-----------+-----------+-------------+-------------+-----------"
	       "---"
	       "-+--------------\n");
	for (i = 0; i < npts; i++) {
		struct point *pt = &pts[i];

		for (p = 0; p < P_COUNT; p++)
			med[p] = have[p] ? median(pt->ms[p], runs) : -1;
		fmt_ms(a, sizeof a, med[P_NSBOX]);
		fmt_ms(b, sizeof b, med[P_BWRAP]);
		fmt_ms(c, sizeof c, med[P_FLOOR]);
		fmt_ratio(d, sizeof d, med[P_NSBOX], med[P_FLOOR]);
		fmt_ratio(e, sizeof e, med[P_BWRAP], med[P_NSBOX]);
		fmt_kib(f, sizeof f, pt->maxrss_kib[P_NSBOX], have[P_NSBOX]);
		fmt_kib(g, sizeof g, pt->maxrss_kib[P_BWRAP], have[P_BWRAP]);
		printf("%6ld | %9s | %9s | %9s | %11s | %11s | %13s | %13s\n", pt->n, a, b, c, d, e,
		       f, g);
		if (!have[P_NSBOX])
			continue;
		if (med[P_NSBOX] / med[P_FLOOR] > v->worst_floor_ratio) {
			v->worst_floor_ratio = med[P_NSBOX] / med[P_FLOOR];
			v->worst_floor_n = pt->n;
		}
		if (pt->n == 1000)
			v->speedup_1000 = med[P_BWRAP] / med[P_NSBOX];
		if (v->rss_bad_n < 0 && pt->maxrss_kib[P_NSBOX] > pt->maxrss_kib[P_BWRAP])
			v->rss_bad_n = pt->n;
	}
}

static void print_verdicts(const struct verdicts *v, int have_nsbox)
{
	const char *t1 = "nsbox <= 1.15x floor at every N";
	const char *t2 = "nsbox >= 30x faster than bwrap at N=1000";
	const char *t3 = "nsbox peak RSS <= bwrap's";

	printf("\ntargets (informational):\n");
	if (!have_nsbox) {
		printf("  SKIP  %s\n  SKIP  %s\n  SKIP  %s\n", t1, t2, t3);
		return;
	}
	printf("  %s  %-42s (worst %.2fx at N=%ld)\n",
	       v->worst_floor_ratio <= 1.15 ? "PASS" : "FAIL", t1, v->worst_floor_ratio,
	       v->worst_floor_n);
	if (v->speedup_1000 < 0)
		printf("  SKIP  %-42s (N=1000 not measured)\n", t2);
	else
		printf("  %s  %-42s (%.1fx)\n", v->speedup_1000 >= 30 ? "PASS" : "FAIL", t2,
		       v->speedup_1000);
	if (v->rss_bad_n < 0)
		printf("  PASS  %-42s (at every N)\n", t3);
	else
		printf("  FAIL  %-42s (exceeded at N=%ld)\n", t3, v->rss_bad_n);
}

static void print_samples(struct point *pts, int npts, int runs, int have[P_COUNT])
{
	int i, p, r;

	printf("\n# samples (ms, in launch order; warm-up round not shown)\n");
	for (i = 0; i < npts; i++)
		for (p = 0; p < P_COUNT; p++) {
			if (!have[p])
				continue;
			printf("# N=%ld %s:", pts[i].n, prog_name[p]);
			for (r = 0; r < runs; r++)
				printf(" %.3f", pts[i].ms[p][r]);
			printf("\n");
		}
}

static void run_point(struct point *pt, int runs, long timeout_s, int have[P_COUNT], int nullfd,
		      int errfd)
{
	double t0 = now_ms();
	long rss;
	int r, p;

	for (r = -1; r < runs; r++) /* r == -1: warm-up, not recorded */
		for (p = 0; p < P_COUNT; p++) {
			char **argv = p == P_FLOOR ? pt->floor_argv : pt->sandbox_argv[p];
			const char *args = p == P_FLOOR ? NULL : pt->args_path;
			double ms;

			if (!have[p])
				continue;
			ms = launch(argv, args, nullfd, errfd, timeout_s, prog_name[p], pt->n,
				    &rss);
			if (r < 0)
				continue;
			pt->ms[p][r] = ms;
			if (rss > pt->maxrss_kib[p])
				pt->maxrss_kib[p] = rss;
		}
	fprintf(stderr, "runbench: N=%ld done (%d+1 rounds, %.1f s)\n", pt->n, runs,
		(now_ms() - t0) / 1e3);
}

/* /usr/bin/true without a sandbox: what fork+exec+wait and the exec'd
 * program alone cost here, in time and in RSS. */
static double run_bare(int runs, long timeout_s, int nullfd, int errfd, long *ret_maxrss)
{
	char *argv[] = {"/usr/bin/true", NULL};
	double ms[MAX_RUNS];
	long rss;
	int r;

	*ret_maxrss = 0;
	for (r = -1; r < runs; r++) {
		double t = launch(argv, NULL, nullfd, errfd, timeout_s, "bare", 0, &rss);

		if (r < 0)
			continue;
		ms[r] = t;
		if (rss > *ret_maxrss)
			*ret_maxrss = rss;
	}
	return median(ms, runs);
}

static void usage(void)
{
	fputs("usage: runbench [-r RUNS] [-t TIMEOUT_S] -A ARGSDIR [-n NSBOX] -b BWRAP -f FLOOR "
	      "N...\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *bin[P_COUNT] = {NULL, NULL, NULL}, *argsdir = NULL;
	int have[P_COUNT], runs = 9, npts, i, p, opt, nullfd, errfd;
	long timeout_s = 60, bare_rss;
	double bare_ms;
	struct sigaction sa;
	struct point *pts;
	struct verdicts v;

	while ((opt = getopt(argc, argv, "r:t:A:n:b:f:")) != -1) {
		switch (opt) {
		case 'r':
			runs = parse_long(optarg, 1, MAX_RUNS, "run count");
			break;
		case 't':
			timeout_s = parse_long(optarg, 1, 3600, "timeout");
			break;
		case 'A':
			argsdir = optarg;
			break;
		case 'n':
			bin[P_NSBOX] = optarg;
			break;
		case 'b':
			bin[P_BWRAP] = optarg;
			break;
		case 'f':
			bin[P_FLOOR] = optarg;
			break;
		default:
			usage();
		}
	}
	npts = argc - optind;
	if (!argsdir || !bin[P_BWRAP] || !bin[P_FLOOR] || npts < 1 || npts > MAX_N)
		usage();
	for (p = 0; p < P_COUNT; p++)
		have[p] = bin[p] != NULL;

	/* Keep 0-2 taken so that no fd opened below lands there. */
	while ((nullfd = open("/dev/null", O_RDWR)) >= 0 && nullfd <= 2)
		;
	if (nullfd < 0)
		fail("cannot open /dev/null: %s", strerror(errno));
	fcntl(nullfd, F_SETFD, FD_CLOEXEC);
	errfd = memfd_create("runbench-stderr", MFD_CLOEXEC);
	if (errfd < 0)
		fail("memfd_create: %s", strerror(errno));

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: wait4 must return EINTR */
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	pts = xcalloc(npts, sizeof *pts);
	for (i = 0; i < npts; i++) {
		struct point *pt = &pts[i];
		char **srcs;
		size_t nsrcs;

		pt->n = parse_long(argv[optind + i], 0, 20000, "N");
		if (asprintf(&pt->args_path, "%s/args.%ld", argsdir, pt->n) < 0)
			fail("out of memory");
		nsrcs = read_bind_sources(pt->args_path, &srcs);
		if ((long)nsrcs != pt->n)
			fail("'%s' has %zu binds, expected %ld", pt->args_path, nsrcs, pt->n);
		pt->floor_argv = floor_argv(bin[P_FLOOR], srcs, nsrcs);
		for (p = 0; p < P_FLOOR; p++)
			if (have[p])
				pt->sandbox_argv[p] = sandbox_argv(bin[p]);
	}

	bare_ms = run_bare(runs, timeout_s, nullfd, errfd, &bare_rss);
	for (i = 0; i < npts; i++)
		run_point(&pts[i], runs, timeout_s, have, nullfd, errfd);

	printf("median wall-clock ms of %d launches per cell (fork+exec+wait, one warm-up round "
	       "first);\npeak RSS = max ru_maxrss over the launches (largest process of the "
	       "tree)\n",
	       runs);
	printf("reference, /usr/bin/true launched bare (no sandbox): %.2f ms, %ld KiB\n\n", bare_ms,
	       bare_rss);
	print_table(pts, npts, runs, have, &v);
	print_verdicts(&v, have[P_NSBOX]);
	print_samples(pts, npts, runs, have);
	return fflush(stdout) == 0 ? 0 : 1;
}
