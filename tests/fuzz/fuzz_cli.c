/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness for nsb_cli_parse(): argv and --args data.
 *
 * The input is split on NUL bytes into tokens. The token "@data" starts a
 * new section (at most MAX_DATA of them): section 0 is argv after a fixed
 * argv[0] "nsbox", section k >= 1 becomes the content of a memfd that the
 * token "@k" (in any section) names, e.g.
 *
 *   --args \0 @1 \0 true \0 @data \0 --bind \0 /usr \0 /usr \0
 *
 * A memfd's content keeps the NUL after each of its tokens, except after the
 * last token of an input that does not end in NUL, so unterminated --args
 * data is covered. A token "@root" in argv is dropped and makes the caller
 * root (real uid/gid 0) instead of 1000.
 *
 * So that short inputs reach the parser's size limits, "@x<N>" (N from 2 to
 * 99999) stands for N copies of the tokens before it, back to the last "@{",
 * "@x<N>" or section start: "--overlay-src \0 /l \0 @x600 \0". The expansion
 * stops at MAX_EXTRA_TOKENS tokens or MAX_EXTRA_BYTES bytes.
 *
 * The parser reads and closes the fd given to --args and --add-seccomp-fd.
 * So that an input cannot read the fuzzer's stdin or close its stderr, the
 * token after either option is replaced by a closed fd number when it names
 * an open fd other than the harness's memfds.
 *
 * Besides sanitizer findings, the harness aborts when a result breaks the
 * contract of cli.h / nsb-config.h (see check_config()), when an error is not
 * logged exactly once, or when an fd is leaked.
 *
 * With FUZZ_DEBUG=1 in the environment, each input's argv, memfd contents,
 * messages and result are printed: handy when reproducing a finding. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/filter.h>

#include "cli.h"
#include "log.h"
#include "nsb-config.h"
#include "numparse.h"
#include "rlimit.h"
#include "util.h"

#define MAX_DATA 3
/* Above the kernel's fs.nr_open ceiling: never an open fd. */
#define CLOSED_FD_STR "2147483647"
#define FUZZ_UID 1000
#define MAX_EXTRA_TOKENS 1200
#define MAX_EXTRA_BYTES ((size_t)1100 << 10)

struct token {
	char *s;         /* NUL-terminated, inside the input copy */
	bool terminated; /* followed by a NUL in the input */
	unsigned section;
	const char *out; /* after the fd rewrite */
};

static FILE *real_stderr; /* stderr is pointed elsewhere during a parse */
static FILE *null_out;    /* nsb_cli_usage(stderr, ...) goes here */
static FILE *log_out;     /* nsb_log messages, counted by log_write() */
static int errors_logged;
static bool first_is_bwrap_fd; /* the first error was bubblewrap's "Invalid fd: X" */
static bool debug;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(real_stderr, "fuzz_cli: contract violated: ");
	va_start(ap, fmt);
	vfprintf(real_stderr, fmt, ap);
	va_end(ap);
	fputc('\n', real_stderr);
	fflush(real_stderr);
	abort();
}

#define CHECK(cond, ...)                   \
	do {                               \
		if (!(cond))               \
			fail(__VA_ARGS__); \
	} while (0)

/* log.c writes each message with one fprintf and an fflush; with a buffer
 * larger than any message, each reaches here as one write, "<N>prog: ...". */
static ssize_t log_write(void *cookie, const char *buf, size_t size)
{
	if (debug)
		fprintf(real_stderr, "  log: %.*s", (int)size, buf);
	if (size < 3 || buf[0] != '<' || buf[2] != '>')
		fail("log message without a level prefix: %.*s", (int)size, buf);
	if (buf[1] <= '0' + NSB_LOG_ERR && errors_logged++ == 0) {
		const char *colon = memchr(buf, ':', size);

		first_is_bwrap_fd = colon && (size_t)(colon - buf) + 14 <= size &&
		                    strncmp(colon, ": Invalid fd: ", 14) == 0;
	}
	return (ssize_t)size;
}

/* The lowest free fd number: it moves if the parser leaks an fd. */
static int lowest_free_fd(void)
{
	int fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);

	if (fd < 0)
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail("cannot probe fds: %s", strerror(errno));
	close(fd);
	return fd;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char log_buf[1 << 16];
	cookie_io_functions_t io = {.write = log_write};

	real_stderr = stderr;
	debug = getenv("FUZZ_DEBUG") != NULL;
	null_out = fopen("/dev/null", "we");
	log_out = fopencookie(NULL, "w", io);
	if (!null_out || !log_out || setvbuf(log_out, log_buf, _IOFBF, sizeof(log_buf)) != 0) {
		fprintf(stderr, "fuzz_cli: cannot set up the log streams\n");
		exit(1);
	}
	nsb_log_init("nsbox");
	nsb_log_set_stream(log_out);
	return 0;
}

/* A token as a C string literal body, for FUZZ_DEBUG; at most *budget
 * bytes of a line are shown. */
static void print_escaped(const char *s, size_t len, size_t *budget)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (*budget == 0)
			return;
		if (--*budget == 0)
			fprintf(real_stderr, "...");
		else if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
			fputc(c, real_stderr);
		else
			fprintf(real_stderr, "\\x%02x", c);
	}
}

static bool is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* Split buf[0..size) (buf[size] is NUL) into tokens. */
static size_t tokenize(char *buf, size_t size, struct token *tok)
{
	size_t n = 0, p = 0;

	while (p < size) {
		char *nul = memchr(buf + p, '\0', size - p);
		size_t len = nul ? (size_t)(nul - (buf + p)) : size - p;

		tok[n++] = (struct token){.s = buf + p, .terminated = nul != NULL};
		p += len + 1;
	}
	return n;
}

/* "@1".."@MAX_DATA" -> 1..MAX_DATA, else 0. */
static unsigned data_ref(const char *s)
{
	if (s[0] == '@' && s[1] >= '1' && s[1] <= '0' + MAX_DATA && s[2] == '\0')
		return (unsigned)(s[1] - '0');
	return 0;
}

static bool reads_fd(const char *opt)
{
	return strcmp(opt, "--args") == 0 || strcmp(opt, "--add-seccomp-fd") == 0;
}

struct input {
	struct token *tok;
	size_t n_tok, cap_tok, max_tok;
	int memfd[MAX_DATA + 1]; /* -1: no such section */
	char fd_str[MAX_DATA + 1][16];
	bool root;
};

static bool is_our_memfd(const struct input *in, int fd)
{
	for (unsigned k = 1; k <= MAX_DATA; k++)
		if (in->memfd[k] >= 0 && in->memfd[k] == fd)
			return true;
	return false;
}

/* "@x<N>" -> N, else 0. */
static unsigned long repeat_count(const char *s)
{
	unsigned long n = 0;

	if (s[0] != '@' || s[1] != 'x' || !s[2] || strlen(s) > 7)
		return 0;
	for (s += 2; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		n = n * 10 + (unsigned long)(*s - '0');
	}
	return n >= 2 ? n : 0;
}

/* Room for n more tokens. */
static void reserve_tokens(struct input *in, size_t n)
{
	size_t cap;
	struct token *t;

	if (in->n_tok + n <= in->cap_tok)
		return;
	cap = 2 * (in->n_tok + n);
	t = reallocarray(in->tok, cap, sizeof(*t));
	if (!t)
		fail("out of memory");
	in->tok = t;
	in->cap_tok = cap;
}

/* Append copies of tok[from..n_tok) until there are n in all, within the
 * limits. */
static void repeat_group(struct input *in, size_t from, unsigned long n, size_t *bytes)
{
	size_t len = in->n_tok - from, group_bytes = 0;

	for (size_t i = from; i < in->n_tok; i++)
		group_bytes += strlen(in->tok[i].s) + 1;
	for (unsigned long copy = 1; copy < n && len; copy++) {
		if (in->n_tok + len > in->max_tok || *bytes + group_bytes > MAX_EXTRA_BYTES)
			return;
		reserve_tokens(in, len);
		memcpy(in->tok + in->n_tok, in->tok + from, len * sizeof(*in->tok));
		in->n_tok += len;
		*bytes += group_bytes;
	}
}

/* Raw tokens -> in->tok: sections assigned, markers dropped, groups
 * repeated. Returns the number of data sections. */
static unsigned expand_tokens(struct input *in, const struct token *raw, size_t n)
{
	unsigned section = 0;
	size_t group = 0, bytes = 0;

	for (size_t i = 0; i < n; i++) {
		struct token t = raw[i];
		unsigned long rep;

		if (section < MAX_DATA && strcmp(t.s, "@data") == 0) {
			section++;
			group = in->n_tok;
			continue;
		}
		if (section == 0 && strcmp(t.s, "@root") == 0) {
			in->root = true;
			continue;
		}
		if (strcmp(t.s, "@{") == 0) {
			group = in->n_tok;
			continue;
		}
		rep = repeat_count(t.s);
		if (rep) {
			repeat_group(in, group, rep, &bytes);
			group = in->n_tok;
			continue;
		}
		t.section = section;
		reserve_tokens(in, 1);
		in->tok[in->n_tok++] = t;
	}
	return section;
}

static void rewrite_tokens(struct input *in)
{
	for (size_t i = 0; i < in->n_tok; i++) {
		struct token *t = &in->tok[i];
		unsigned k = data_ref(t->s);
		int fd;

		t->out = t->s;
		if (k) {
			t->out = in->memfd[k] >= 0 ? in->fd_str[k] : CLOSED_FD_STR;
		} else if (i > 0 && in->tok[i - 1].section == t->section &&
		           reads_fd(in->tok[i - 1].s) && nsb_parse_fd(t->s, &fd) == 0 &&
		           !is_our_memfd(in, fd) && is_open(fd)) {
			t->out = CLOSED_FD_STR;
		}
	}
}

static void fill_memfds(const struct input *in)
{
	for (unsigned k = 1; k <= MAX_DATA; k++) {
		int fd = in->memfd[k];

		if (fd < 0)
			continue;
		for (size_t i = 0; i < in->n_tok; i++) {
			const struct token *t = &in->tok[i];

			if (t->section != k)
				continue;
			if (nsb_write_all(fd, t->out, strlen(t->out) + (t->terminated ? 1 : 0)) < 0)
				fail("cannot write a memfd: %s", strerror(errno));
		}
		if (debug) {
			size_t budget = 2000;

			fprintf(real_stderr, "@%u = fd %d: \"", k, fd);
			for (size_t i = 0; i < in->n_tok; i++)
				if (in->tok[i].section == k)
					print_escaped(in->tok[i].out,
					              strlen(in->tok[i].out) +
					                      (in->tok[i].terminated ? 1 : 0),
					              &budget);
			fprintf(real_stderr, "\"\n");
		}
		if (lseek(fd, 0, SEEK_SET) < 0)
			fail("cannot rewind a memfd: %s", strerror(errno));
	}
}

static void check_op(const struct nsb_op *op)
{
	bool overlay = op->kind == NSB_OP_OVERLAY || op->kind == NSB_OP_TMP_OVERLAY ||
	               op->kind == NSB_OP_RO_OVERLAY;

	CHECK((unsigned)op->kind < _NSB_OP_MAX, "op kind %d", (int)op->kind);
	CHECK(op->opt && op->opt[0] == '-', "op without its option name");
	CHECK(op->dest && op->dest[0], "%s: empty or missing DEST", op->opt);
	CHECK(strlen(op->dest) < PATH_MAX, "%s: DEST longer than PATH_MAX", op->opt);
	CHECK(op->perms >= -1 && op->perms <= 07777, "%s: perms %d", op->opt, op->perms);
	CHECK(op->fd >= -1, "%s: fd %d", op->opt, op->fd);
	if (overlay) {
		CHECK(op->layers && op->n_layers >= (op->kind == NSB_OP_RO_OVERLAY ? 2u : 1u),
		      "%s: %zu layers", op->opt, op->n_layers);
		for (size_t i = 0; i < op->n_layers; i++)
			CHECK(op->layers[i] && op->layers[i][0], "%s: empty layer", op->opt);
	} else {
		CHECK(!op->layers && op->n_layers == 0, "%s: layers on a non-overlay", op->opt);
	}
	if (op->kind == NSB_OP_TMPFS && op->size)
		CHECK(op->size <= SIZE_MAX / 2, "--tmpfs: size %ju", (uintmax_t)op->size);
}

/* What nsb-config.h promises about a successful parse. */
static void check_config(const struct nsb_config *cfg, char **argv, int argc)
{
	CHECK(cfg->command && cfg->command > argv && cfg->command < argv + argc,
	      "command does not point into argv");
	CHECK(cfg->command[0] != NULL, "empty command");
	CHECK(cfg->n_ops == 0 || cfg->ops, "ops missing");
	for (size_t i = 0; i < cfg->n_ops; i++)
		check_op(&cfg->ops[i]);
	for (size_t i = 0; i < cfg->n_env; i++) {
		const struct nsb_env_op *e = &cfg->env[i];

		if (e->kind == NSB_ENV_CLEAR)
			continue;
		CHECK(e->name && e->name[0] && !strchr(e->name, '='), "bad env name");
		CHECK(e->kind != NSB_ENV_SET || e->value, "--setenv without a value");
	}
	if (cfg->uid_given)
		CHECK(cfg->sandbox_uid != (uid_t)-1, "--uid -1 accepted");
	else
		CHECK(cfg->sandbox_uid == cfg->real_uid, "sandbox uid is not the real uid");
	if (cfg->gid_given)
		CHECK(cfg->sandbox_gid != (gid_t)-1, "--gid -1 accepted");
	else
		CHECK(cfg->sandbox_gid == cfg->real_gid, "sandbox gid is not the real gid");
	if (cfg->hostname)
		CHECK(cfg->unshare_uts && cfg->hostname[0] &&
		              strlen(cfg->hostname) <= HOST_NAME_MAX,
		      "bad --hostname");
	if (cfg->as_pid_1)
		CHECK(cfg->unshare_pid, "--as-pid-1 without --unshare-pid");
	for (size_t i = 0; i < cfg->n_cap_ops; i++)
		CHECK(cfg->cap_ops[i].cap >= -1 && cfg->cap_ops[i].cap <= 63, "capability %d",
		      cfg->cap_ops[i].cap);
	for (size_t i = 0; i < cfg->n_rlimits; i++) {
		const struct nsb_rlimit *l = &cfg->rlimits[i];

		CHECK(nsb_rlimit_name(l->resource), "unknown rlimit %d", l->resource);
		if (l->hard_given && l->hard != RLIM_INFINITY)
			CHECK(l->soft != RLIM_INFINITY && l->soft <= l->hard, "rlimit soft > hard");
	}
	for (size_t i = 0; i < cfg->n_add_seccomp_progs; i++) {
		const struct nsb_bpf *b = &cfg->add_seccomp_progs[i];

		CHECK(b->insns && b->len >= 1 && b->len <= BPF_MAXINSNS, "seccomp program of %zu",
		      b->len);
	}
	for (size_t i = 0; i < cfg->n_seccomp_policies; i++)
		CHECK(cfg->seccomp_policies[i] && cfg->seccomp_policies[i][0], "empty policy path");
	for (size_t i = 0; i < cfg->n_seccomp_profiles; i++)
		CHECK(cfg->seccomp_profiles[i], "missing profile name");
	for (size_t i = 0; i < cfg->n_lock_files; i++)
		CHECK(cfg->lock_files[i] && cfg->lock_files[i][0], "empty lock file");
	if (cfg->seccomp_fd >= 0)
		CHECK(cfg->n_add_seccomp_progs == 0, "--seccomp with --add-seccomp-fd");
}

/* A failed parse leaves nothing allocated (cli.c frees on error). */
static void check_freed(const struct nsb_config *cfg)
{
	CHECK(!cfg->ops && !cfg->n_ops && !cfg->env && !cfg->owned && !cfg->command &&
	              !cfg->cap_ops && !cfg->rlimits && !cfg->add_seccomp_progs &&
	              !cfg->lock_files && !cfg->seccomp_policies && !cfg->seccomp_profiles,
	      "a failed parse left storage behind");
}

static void run_parse(struct input *in)
{
	struct nsb_config cfg = {0};
	size_t n_argv = 0;
	char **argv;
	FILE *saved_stderr = stderr;
	int r;

	argv = calloc(in->n_tok + 2, sizeof(*argv));
	if (!argv)
		fail("out of memory");
	argv[n_argv++] = (char *)"nsbox";
	for (size_t i = 0; i < in->n_tok; i++)
		if (in->tok[i].section == 0)
			argv[n_argv++] = (char *)in->tok[i].out;

	if (debug) {
		size_t budget = 2000;

		fprintf(real_stderr, "argv:");
		for (size_t i = 0; i < n_argv && budget; i++) {
			fprintf(real_stderr, " \"");
			print_escaped(argv[i], strlen(argv[i]), &budget);
			fputc('"', real_stderr);
		}
		fprintf(real_stderr, "%s\n", in->root ? " (as root)" : "");
	}
	cfg.real_uid = in->root ? 0 : FUZZ_UID;
	cfg.real_gid = in->root ? 0 : FUZZ_UID;
	errors_logged = 0;
	first_is_bwrap_fd = false;
	/* Every message then carries its level, which log_write() counts. */
	nsb_log_set_level_prefix(true);
	stderr = null_out;
	r = nsb_cli_parse(&cfg, (int)n_argv, argv);
	stderr = saved_stderr;
	fflush(log_out);
	if (debug)
		fprintf(real_stderr, "result: %d%s%s\n", r, r < 0 ? " " : "",
		        r < 0 ? strerror(-r) : "");

	if (r == NSB_CLI_RUN) {
		check_config(&cfg, argv, (int)n_argv);
		CHECK(errors_logged == 0, "success after %d error messages", errors_logged);
	} else if (r < 0) {
		CHECK(r > -4096, "not an errno: %d", r);
		check_freed(&cfg);
		/* -EDOM prints usage instead of a message; bubblewrap's
		 * "Invalid fd: X" is a line of its own, nsbox's detail follows
		 * on a second one. */
		CHECK(errors_logged == (r == -EDOM          ? 0
		                        : first_is_bwrap_fd ? 2
		                                            : 1),
		      "%d error messages for %d (%s)", errors_logged, r, strerror(-r));
	} else {
		CHECK(r == NSB_CLI_HELP || r == NSB_CLI_VERSION, "unknown result %d", r);
	}
	nsb_config_free(&cfg);
	check_freed(&cfg);
	free(argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {0};
	struct token *raw;
	char *buf;
	size_t n;
	unsigned sections;
	int fd, fd_before = lowest_free_fd();

	buf = malloc(size + 1);
	raw = calloc(size + 1, sizeof(*raw));
	in.cap_tok = size + 1;
	in.max_tok = size + MAX_EXTRA_TOKENS;
	in.tok = calloc(in.cap_tok, sizeof(*in.tok));
	if (!buf || !raw || !in.tok)
		fail("out of memory");
	if (size)
		memcpy(buf, data, size);
	buf[size] = '\0';

	n = tokenize(buf, size, raw);
	sections = expand_tokens(&in, raw, n);
	free(raw);

	in.memfd[0] = -1;
	for (unsigned k = 1; k <= MAX_DATA; k++) {
		in.memfd[k] = -1;
		if (k > sections)
			continue;
		in.memfd[k] = memfd_create("fuzz-args", MFD_CLOEXEC);
		if (in.memfd[k] < 0)
			fail("memfd_create: %s", strerror(errno));
		snprintf(in.fd_str[k], sizeof(in.fd_str[k]), "%d", in.memfd[k]);
	}
	rewrite_tokens(&in);
	fill_memfds(&in);

	run_parse(&in);

	/* The parser closes what --args and --add-seccomp-fd read; nothing
	 * else opens an fd meanwhile, so an open number is still ours. */
	for (unsigned k = 1; k <= MAX_DATA; k++)
		if (in.memfd[k] >= 0 && is_open(in.memfd[k]))
			close(in.memfd[k]);
	nsb_log_set_level_prefix(false);
	fd = lowest_free_fd();
	CHECK(fd == fd_before, "fd %d was %s", fd < fd_before ? fd : fd_before,
	      fd < fd_before ? "closed" : "leaked");

	free(in.tok);
	free(buf);
	return 0;
}
