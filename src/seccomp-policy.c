/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The seccomp policy language (docs/seccomp.md): a policy file or text is
 * parsed line by line and compiled with libseccomp (loaded on first use,
 * seccomp-lib.h) into one classic-BPF program for the native ABI. Nothing
 * is installed here. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seccomp-lib.h"

#include "log.h"
#include "nsb-seccomp.h"
#include "seccomp-syscalls.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int nsb_seccomp_compile_policy_file(const char *path, struct nsb_bpf *ret)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return nsb_log_errno(errno, "cannot open seccomp policy '%s'", path);
	r = nsb_read_all(fd, NSB_SECCOMP_POLICY_MAX, &text, &len);
	if (r == -E2BIG) {
		nsb_err("seccomp policy '%s' is larger than %d bytes", path,
		        NSB_SECCOMP_POLICY_MAX);
		return r;
	}
	if (r < 0)
		return nsb_log_errno(r, "cannot read seccomp policy '%s'", path);
	if (strlen(text) != len) {
		nsb_err("seccomp policy '%s' contains a NUL byte", path);
		return -EINVAL;
	}
	return nsb_seccomp_compile_policy(path, text, ret);
}

#ifndef HAVE_LIBSECCOMP

int nsb_seccomp_compile_policy(const char *path, const char *text, struct nsb_bpf *ret)
{
	nsb_err("cannot compile seccomp policy '%s': nsbox was built without libseccomp", path);
	return -EOPNOTSUPP;
}

#else /* HAVE_LIBSECCOMP */

/* --- the policy language ------------------------------------------------------ */

enum {
	MAX_WORDS = 64,        /* words on one line */
	MAX_CONDS = 12,        /* conditions in one rule */
	MAX_RULES = 1024,      /* rules in one policy */
	MAX_EXPANSION = 1024,  /* libseccomp rules one line may turn into */
	MAX_ERRNO_VALUE = 4094 /* libseccomp refuses 4095 (MAX_ERRNO) itself */
};

struct cond {
	unsigned arg;
	enum scmp_compare op;
	uint64_t mask; /* SCMP_CMP_MASKED_EQ only */
	uint64_t value;
	const char *word; /* "argN", for messages */
};

struct rule {
	const char *name_word;
	int nr;
	uint32_t action;
	const char *action_word;
	struct cond conds[MAX_CONDS];
	size_t n_conds;
};

/* An alternative for one argument: any value, or one comparison. */
struct alt {
	bool any;
	struct scmp_arg_cmp cmp;
};

/* What rules a syscall already has: libseccomp silently drops conditional
 * rules of a syscall that also has a rule without conditions, so mixing them
 * with different actions is refused. */
struct seen {
	int nr;
	bool uncond, cond, cond_mixed;
	uint32_t uncond_action, cond_action;
};

struct policy {
	const char *path;
	unsigned line;
	scmp_filter_ctx ctx;
	uint32_t def_action;
	bool have_default;
	size_t n_rules;
	struct seen seen[MAX_RULES];
	size_t n_seen;
	struct alt alts[6][MAX_EXPANSION]; /* scratch for add_rule */
};

static const struct action_name {
	const char *name;
	uint32_t action;
} action_names[] = {
        {"allow", SCMP_ACT_ALLOW},
        {"kill", SCMP_ACT_KILL_PROCESS},
        {"trap", SCMP_ACT_TRAP},
        {"log", SCMP_ACT_LOG},
};

/* Names accepted for values, beyond numbers; docs/seccomp.md lists them. */
struct constant {
	const char *name;
	uint64_t value;
};

/* clang-format off */
#define C(x) {#x, (uint64_t)(x)}
static const struct constant constants[] = {
	C(TIOCSTI), C(TIOCLINUX),
	C(CLONE_NEWNS), C(CLONE_NEWCGROUP), C(CLONE_NEWUTS), C(CLONE_NEWIPC),
	C(CLONE_NEWUSER), C(CLONE_NEWPID), C(CLONE_NEWNET), C(CLONE_NEWTIME),
	C(PER_LINUX), C(PER_LINUX32), C(ADDR_NO_RANDOMIZE), C(READ_IMPLIES_EXEC),
	C(MMAP_PAGE_ZERO),
	C(PTRACE_TRACEME), C(PTRACE_ATTACH), C(PTRACE_SEIZE),
	C(AF_UNIX), C(AF_INET), C(AF_INET6), C(AF_NETLINK), C(AF_PACKET), C(AF_VSOCK),
};

/* The usual errno names; others are found with strerrorname_np where the C
 * library has it. */
static const struct constant errno_names[] = {
	C(EPERM), C(ENOENT), C(ESRCH), C(EINTR), C(EIO), C(ENXIO), C(E2BIG),
	C(ENOEXEC), C(EBADF), C(ECHILD), C(EAGAIN), C(ENOMEM), C(EACCES),
	C(EFAULT), C(EBUSY), C(EEXIST), C(EXDEV), C(ENODEV), C(ENOTDIR),
	C(EISDIR), C(EINVAL), C(ENFILE), C(EMFILE), C(ENOTTY), C(EFBIG),
	C(ENOSPC), C(ESPIPE), C(EROFS), C(EMLINK), C(EPIPE), C(ERANGE),
	C(ENOSYS), C(ENOTSOCK), C(EPROTONOSUPPORT), C(EOPNOTSUPP), C(ENOTSUP),
	C(EAFNOSUPPORT), C(EADDRNOTAVAIL), C(ENETUNREACH), C(ECONNREFUSED),
	C(EHOSTUNREACH),
};
/* clang-format on */
#undef C

static bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static void seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		sym_seccomp_release(*ctx);
}

/* Words end up in messages: keep them short and free of control bytes. */
static void escape_word(const char *w, char *buf, size_t size)
{
	size_t o = 0, i;

	for (i = 0; w[i] && o + 8 < size; i++) {
		unsigned char c = (unsigned char)w[i];

		if (i == 64) {
			o += (size_t)snprintf(buf + o, size - o, "...");
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	buf[o] = '\0';
}

/* The one message of a failed compile: "<path>:<line>: <problem> '<word>'". */
static int perr(const struct policy *p, int err, const char *problem, const char *word)
{
	char w[300];

	escape_word(word, w, sizeof(w));
	nsb_err("%s:%u: %s '%s'", p->path, p->line, problem, w);
	return err;
}

static int parse_number(const char *s, uint64_t *ret)
{
	unsigned long long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_value(const struct policy *p, const char *s, uint64_t *ret)
{
	size_t i;
	int r;

	r = parse_number(s, ret);
	if (r == -ERANGE)
		return perr(p, r, "number does not fit in 64 bits", s);
	if (r == 0)
		return 0;
	for (i = 0; i < NSB_ELEMENTSOF(constants); i++)
		if (streq(constants[i].name, s)) {
			*ret = constants[i].value;
			return 0;
		}
	return perr(p, -EINVAL, "not a number nor a known constant", s);
}

static int errno_by_name(const char *s)
{
	size_t i;

	for (i = 0; i < NSB_ELEMENTSOF(errno_names); i++)
		if (streq(errno_names[i].name, s))
			return (int)errno_names[i].value;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	for (i = 1; i <= MAX_ERRNO_VALUE; i++) {
		const char *n = strerrorname_np((int)i);

		if (n && streq(n, s))
			return (int)i;
	}
#endif
	return -ENOENT;
}

/* ACTION at words[*i]: allow | kill | trap | log | errno NAME|NUMBER. */
static int parse_action(const struct policy *p, char **w, size_t n, size_t *i, uint32_t *ret)
{
	const char *word = w[*i];
	uint64_t num;
	size_t k;
	int e;

	for (k = 0; k < NSB_ELEMENTSOF(action_names); k++)
		if (streq(word, action_names[k].name)) {
			*ret = action_names[k].action;
			(*i)++;
			return 0;
		}
	if (!streq(word, "errno"))
		return perr(p, -EINVAL, "unknown action (allow, errno NAME, kill, trap, log)",
		            word);
	if (*i + 1 >= n)
		return perr(p, -EINVAL, "missing errno name or number after", word);
	word = w[*i + 1];
	if (parse_number(word, &num) == 0) {
		if (num > MAX_ERRNO_VALUE)
			return perr(p, -ERANGE, "errno number out of range 0..4094", word);
		e = (int)num;
	} else {
		e = errno_by_name(word);
		if (e < 0)
			return perr(p, -EINVAL, "unknown errno name", word);
	}
	*ret = SCMP_ACT_ERRNO((uint32_t)e);
	*i += 2;
	return 0;
}

static const struct cmp_name {
	const char *name;
	enum scmp_compare op;
} cmp_names[] = {
        {"==", SCMP_CMP_EQ}, {"!=", SCMP_CMP_NE}, {"<", SCMP_CMP_LT},
        {"<=", SCMP_CMP_LE}, {">", SCMP_CMP_GT},  {">=", SCMP_CMP_GE},
};

/* One condition at words[*i]: "argN OP VALUE" or "argN & MASK == VALUE". */
static int parse_cond(const struct policy *p, char **w, size_t n, size_t *i, struct cond *ret)
{
	const char *aw = w[*i];
	struct cond c = {.word = aw};
	size_t k, used;
	int r;

	if (strncmp(aw, "arg", 3) != 0 || aw[3] < '0' || aw[3] > '5' || aw[4] != '\0')
		return perr(p, -EINVAL, "expected a condition on arg0..arg5, not", aw);
	c.arg = (unsigned)(aw[3] - '0');
	if (*i + 1 >= n)
		return perr(p, -EINVAL, "missing comparison after", aw);

	if (streq(w[*i + 1], "&")) {
		if (*i + 2 >= n)
			return perr(p, -EINVAL, "missing mask after", w[*i + 1]);
		r = parse_value(p, w[*i + 2], &c.mask);
		if (r < 0)
			return r;
		if (c.mask == 0)
			return perr(p, -EINVAL, "a zero mask matches everything", w[*i + 2]);
		if (*i + 3 >= n)
			return perr(p, -EINVAL, "missing '==' after the mask", w[*i + 2]);
		if (!streq(w[*i + 3], "=="))
			return perr(p, -EINVAL, "only '==' can follow a mask, not", w[*i + 3]);
		if (*i + 4 >= n)
			return perr(p, -EINVAL, "missing value after", w[*i + 3]);
		r = parse_value(p, w[*i + 4], &c.value);
		if (r < 0)
			return r;
		if (c.value & ~c.mask)
			return perr(p, -EINVAL, "value has bits outside the mask, never true",
			            w[*i + 4]);
		c.op = SCMP_CMP_MASKED_EQ;
		used = 5;
	} else {
		for (k = 0; k < NSB_ELEMENTSOF(cmp_names); k++)
			if (streq(w[*i + 1], cmp_names[k].name))
				break;
		if (k == NSB_ELEMENTSOF(cmp_names))
			return perr(p, -EINVAL,
			            "unknown comparison (==, !=, <, <=, >, >=, & MASK ==)",
			            w[*i + 1]);
		c.op = cmp_names[k].op;
		if (*i + 2 >= n)
			return perr(p, -EINVAL, "missing value after", w[*i + 1]);
		r = parse_value(p, w[*i + 2], &c.value);
		if (r < 0)
			return r;
		used = 3;
	}
	*ret = c;
	*i += used;
	return 0;
}

/* --- conditions on one argument -------------------------------------------------
 * libseccomp takes one comparison per argument and rule. Several on the same
 * argument mean "all of them": masks merge into one mask; the other
 * comparisons become a set of value ranges, each written as a few
 * comparisons, one libseccomp rule each. */

struct range {
	uint64_t lo, hi;
};

static size_t ranges_restrict(struct range *rs, size_t n, enum scmp_compare op, uint64_t v)
{
	struct range out[MAX_CONDS + 1];
	uint64_t lo = 0, hi = UINT64_MAX;
	size_t o = 0, i;

	if (op == SCMP_CMP_NE) {
		for (i = 0; i < n; i++) {
			if (v < rs[i].lo || v > rs[i].hi) {
				out[o++] = rs[i];
				continue;
			}
			if (v > rs[i].lo)
				out[o++] = (struct range){rs[i].lo, v - 1};
			if (v < rs[i].hi)
				out[o++] = (struct range){v + 1, rs[i].hi};
		}
		memcpy(rs, out, o * sizeof(*out));
		return o;
	}
	switch (op) {
	case SCMP_CMP_EQ:
		lo = hi = v;
		break;
	case SCMP_CMP_LT:
		if (v == 0)
			return 0;
		hi = v - 1;
		break;
	case SCMP_CMP_LE:
		hi = v;
		break;
	case SCMP_CMP_GT:
		if (v == UINT64_MAX)
			return 0;
		lo = v + 1;
		break;
	case SCMP_CMP_GE:
		lo = v;
		break;
	default:
		break;
	}
	for (i = 0; i < n; i++) {
		uint64_t a = rs[i].lo > lo ? rs[i].lo : lo;
		uint64_t b = rs[i].hi < hi ? rs[i].hi : hi;

		if (a <= b)
			out[o++] = (struct range){a, b};
	}
	memcpy(rs, out, o * sizeof(*out));
	return o;
}

static struct scmp_arg_cmp cmp_make(unsigned arg, enum scmp_compare op, uint64_t a, uint64_t b)
{
	return (struct scmp_arg_cmp){.arg = arg, .op = op, .datum_a = a, .datum_b = b};
}

/* Comparisons whose union is [r.lo, r.hi]: one when the range touches 0 or
 * the top, else aligned power-of-two blocks, each a masked equality.
 * Returns the count, or SIZE_MAX past max. */
static size_t range_to_alts(struct range r, unsigned arg, struct alt *out, size_t max)
{
	size_t n = 0;
	uint64_t lo = r.lo;

	if (r.lo == 0 && r.hi == UINT64_MAX) {
		out[0] = (struct alt){.any = true};
		return 1;
	}
	if (r.lo == r.hi || r.lo == 0 || r.hi == UINT64_MAX) {
		enum scmp_compare op = r.lo == r.hi ? SCMP_CMP_EQ
		                       : r.lo == 0  ? SCMP_CMP_LE
		                                    : SCMP_CMP_GE;

		out[0] = (struct alt){.cmp = cmp_make(arg, op, r.lo == 0 ? r.hi : r.lo, 0)};
		return 1;
	}
	for (;;) {
		/* Largest block aligned at lo that stays within the range; lo > 0
		 * and r.hi < UINT64_MAX here, so nothing overflows. */
		uint64_t size = lo & (~lo + 1);

		while (size - 1 > r.hi - lo)
			size >>= 1;
		if (n == max)
			return SIZE_MAX;
		if (size == 1)
			out[n].cmp = cmp_make(arg, SCMP_CMP_EQ, lo, 0);
		else
			out[n].cmp = cmp_make(arg, SCMP_CMP_MASKED_EQ, ~(size - 1), lo);
		out[n++].any = false;
		if (r.hi - lo == size - 1)
			return n;
		lo += size;
	}
}

/* The alternatives for argument arg of rule r. 0 or a logged -errno. */
static int arg_alts(const struct policy *p, const struct rule *r, unsigned arg, struct alt *out,
                    size_t max, size_t *ret_n)
{
	const struct cond *first = NULL, *masked = NULL, *plain = NULL;
	struct range rs[MAX_CONDS + 1] = {{0, UINT64_MAX}};
	size_t nr = 1, count = 0, i, k;
	uint64_t mask = 0, value = 0;

	for (i = 0; i < r->n_conds; i++) {
		const struct cond *c = &r->conds[i];

		if (c->arg != arg)
			continue;
		count++;
		if (!first)
			first = c;
		if (c->op == SCMP_CMP_MASKED_EQ) {
			masked = c;
			if ((value ^ c->value) & mask & c->mask)
				return perr(p, -EINVAL, "masked comparisons never true together on",
				            c->word);
			mask |= c->mask;
			value |= c->value;
		} else {
			plain = c;
			nr = ranges_restrict(rs, nr, c->op, c->value);
		}
		if (masked && plain)
			return perr(p, -EINVAL,
			            "a mask cannot be combined with other comparisons on", c->word);
	}
	if (count == 0) {
		out[0] = (struct alt){.any = true};
		*ret_n = 1;
		return 0;
	}
	if (masked) {
		out[0] = (struct alt){.cmp = cmp_make(arg, SCMP_CMP_MASKED_EQ, mask, value)};
		*ret_n = 1;
		return 0;
	}
	if (nr == 0)
		return perr(p, -EINVAL,
		            count == 1 ? "condition never true on"
		                       : "comparisons never true together on",
		            plain->word);
	if (count == 1 && !(nr == 1 && rs[0].lo == 0 && rs[0].hi == UINT64_MAX)) {
		/* One comparison that is neither always nor never true: as is. */
		out[0] = (struct alt){.cmp = cmp_make(arg, first->op, first->value, 0)};
		*ret_n = 1;
		return 0;
	}
	for (i = 0, k = 0; i < nr; i++) {
		size_t m = range_to_alts(rs[i], arg, out + k, max - k);

		if (m == SIZE_MAX)
			return perr(p, -E2BIG, "comparisons expand to too many rules on",
			            plain->word);
		k += m;
	}
	*ret_n = k;
	return 0;
}

/* --- adding a rule ------------------------------------------------------------- */

static struct seen *seen_get(struct policy *p, int nr)
{
	size_t i;

	for (i = 0; i < p->n_seen; i++)
		if (p->seen[i].nr == nr)
			return &p->seen[i];
	p->seen[p->n_seen] = (struct seen){.nr = nr};
	return &p->seen[p->n_seen++];
}

static int note_rule(struct policy *p, const struct rule *r, bool uncond)
{
	struct seen *s = seen_get(p, r->nr);

	if (uncond) {
		if (s->uncond && s->uncond_action != r->action)
			return perr(p, -EINVAL, "an earlier rule without conditions conflicts for",
			            r->name_word);
		s->uncond = true;
		s->uncond_action = r->action;
	} else {
		if (s->cond && s->cond_action != r->action)
			s->cond_mixed = true;
		s->cond = true;
		s->cond_action = r->action;
	}
	if (s->uncond && s->cond && (s->cond_mixed || s->cond_action != s->uncond_action))
		return perr(p, -EINVAL,
		            uncond ? "a rule without conditions overrides the earlier rules for"
		                   : "an earlier rule without conditions overrides this one for",
		            r->name_word);
	return 0;
}

static int ensure_ctx(struct policy *p)
{
	if (p->ctx)
		return 0;
	p->ctx = sym_seccomp_init(p->have_default ? p->def_action : SCMP_ACT_ALLOW);
	if (!p->ctx)
		return nsb_log_errno(ENOMEM, "%s: cannot create a seccomp filter", p->path);
	if (!p->have_default)
		p->def_action = SCMP_ACT_ALLOW;
	/* Only the native ABI is in the filter; a call through another one
	 * (i386 with int 0x80, x32 numbers with bit 30 set) kills. */
	if (sym_seccomp_attr_set(p->ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0)
		return nsb_log_errno(EINVAL, "%s: cannot set the bad-ABI action", p->path);
	return 0;
}

/* libseccomp 2.5 can take forever to merge rules that test two or more
 * arguments with anything but == and masks (found by fuzzing, e.g. "read
 * errno EPERM arg0 > 0 arg1 != 8 arg1 < 10", or a few such openat lines):
 * a rule that tests several arguments may only use those. */
static int refuse_hanging_combination(struct policy *p, const struct rule *r,
                                      const size_t n_alts[6])
{
	unsigned args = 0;
	bool range = false;

	for (unsigned a = 0; a < 6; a++) {
		if (n_alts[a] == 1 && p->alts[a][0].any)
			continue;
		args++;
		for (size_t k = 0; k < n_alts[a]; k++) {
			enum scmp_compare op = p->alts[a][k].cmp.op;

			if (!p->alts[a][k].any && op != SCMP_CMP_EQ && op != SCMP_CMP_MASKED_EQ)
				range = true;
		}
	}
	if (args < 2 || !range)
		return 0;
	return perr(p, -EINVAL,
	            "a rule testing several arguments may only use == and masks (a libseccomp "
	            "limitation), in the rule for",
	            r->name_word);
}

static int add_rule(struct policy *p, const struct rule *r)
{
	size_t n_alts[6], idx[6] = {0}, total = 1, a, k;
	bool uncond = true;
	int ret;

	for (a = 0; a < 6; a++) {
		ret = arg_alts(p, r, (unsigned)a, p->alts[a], MAX_EXPANSION, &n_alts[a]);
		if (ret < 0)
			return ret;
		if (!(n_alts[a] == 1 && p->alts[a][0].any))
			uncond = false;
		total *= n_alts[a];
		if (total > MAX_EXPANSION)
			return perr(p, -E2BIG, "comparisons expand to too many rules for",
			            r->name_word);
	}
	ret = refuse_hanging_combination(p, r, n_alts);
	if (ret < 0)
		return ret;
	ret = note_rule(p, r, uncond);
	if (ret < 0)
		return ret;

	/* Every combination of one alternative per argument is one rule. */
	for (k = 0; k < total; k++) {
		struct scmp_arg_cmp cmps[6];
		unsigned n = 0;

		for (a = 0; a < 6; a++)
			if (!p->alts[a][idx[a]].any)
				cmps[n++] = p->alts[a][idx[a]].cmp;
		ret = sym_seccomp_rule_add_array(p->ctx, r->action, r->nr, n, cmps);
		if (ret == -EINVAL)
			return perr(p, ret, "libseccomp or the kernel refuses the rule for",
			            r->name_word);
		if (ret < 0) {
			char problem[128];

			snprintf(problem, sizeof(problem), "cannot add the rule (%s) for",
			         strerror(-ret));
			return perr(p, ret, problem, r->name_word);
		}
		for (a = 0; a < 6; a++) {
			if (++idx[a] < n_alts[a])
				break;
			idx[a] = 0;
		}
	}
	return 0;
}

/* SYSCALL ACTION [CONDITION]... ; a '?' before SYSCALL skips the rule when
 * the syscall does not exist on this architecture (or is unknown to both
 * this libseccomp and nsbox). */
static int parse_rule(struct policy *p, char **w, size_t n)
{
	struct rule r = {.name_word = w[0]};
	const char *name = w[0];
	bool optional = false;
	size_t i = 1;
	int ret;

	if (name[0] == '?') {
		optional = true;
		name++;
		if (!name[0])
			return perr(p, -EINVAL, "missing system call name after", w[0]);
	}
	r.nr = sym_seccomp_syscall_resolve_name(name);
	/* A call newer than this libseccomp: nsbox's own list has its number
	 * (libseccomp takes rules for numbers it cannot name). */
	if (r.nr == __NR_SCMP_ERROR && nsb_syscall_by_name(nsb_syscall_arch_native(), name) >= 0)
		r.nr = nsb_syscall_by_name(nsb_syscall_arch_native(), name);
	if (r.nr == __NR_SCMP_ERROR && !optional)
		return perr(p, -EINVAL, "unknown system call", w[0]);
	if (r.nr < 0 && r.nr != __NR_SCMP_ERROR && !optional)
		return perr(p, -EINVAL,
		            "system call missing on this architecture (prefix '?' to skip it)",
		            w[0]);
	if (i >= n)
		return perr(p, -EINVAL, "missing action after", w[0]);
	r.action_word = w[i];
	ret = parse_action(p, w, n, &i, &r.action);
	if (ret < 0)
		return ret;
	while (i < n) {
		if (r.n_conds == MAX_CONDS)
			return perr(p, -E2BIG, "too many conditions (at most 12) at", w[i]);
		ret = parse_cond(p, w, n, &i, &r.conds[r.n_conds]);
		if (ret < 0)
			return ret;
		r.n_conds++;
	}
	if (r.action == p->def_action)
		return perr(p, -EINVAL, "the action is the default action, the rule does nothing",
		            r.action_word);
	if (r.nr < 0)
		return 0; /* optional and absent here: checked, then skipped */
	if (p->n_rules == MAX_RULES)
		return perr(p, -E2BIG, "too many rules (at most 1024) at", w[0]);
	p->n_rules++;
	return add_rule(p, &r);
}

static int parse_default(struct policy *p, char **w, size_t n)
{
	size_t i = 1;
	int r;

	if (p->ctx)
		return perr(p, -EINVAL, "the default action must be set before any rule, not at",
		            w[0]);
	if (p->have_default)
		return perr(p, -EINVAL, "the default action is already set, again at", w[0]);
	if (n < 2)
		return perr(p, -EINVAL, "missing action after", w[0]);
	r = parse_action(p, w, n, &i, &p->def_action);
	if (r < 0)
		return r;
	if (i < n)
		return perr(p, -EINVAL, "unexpected word after the default action", w[i]);
	p->have_default = true;
	return 0;
}

/* Split a line into words at blanks; a word starting with '#' starts a
 * comment. Returns the count, or SIZE_MAX past max words. */
static size_t split_words(char *s, char **w, size_t max)
{
	size_t n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\v' || *s == '\f')
			*s++ = '\0';
		if (*s == '\0' || *s == '#')
			return n;
		if (n == max)
			return SIZE_MAX;
		w[n++] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\v' && *s != '\f')
			s++;
	}
}

static int export_bpf(const struct policy *p, struct nsb_bpf *ret)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;
	int r;

	fd = memfd_create("nsbox-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return nsb_log_errno(errno, "%s: cannot create a memfd for the filter", p->path);
	r = sym_seccomp_export_bpf(p->ctx, fd);
	if (r < 0)
		return nsb_log_errno(r, "%s: cannot generate the filter", p->path);
	if (fstat(fd, &st) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return nsb_log_errno(errno, "%s: cannot read the filter back", p->path);
	if ((size_t)st.st_size > BPF_MAXINSNS * sizeof(struct sock_filter)) {
		nsb_err("%s: the filter has %zu instructions, more than the kernel's %d", p->path,
		        (size_t)st.st_size / sizeof(struct sock_filter), BPF_MAXINSNS);
		return -E2BIG;
	}
	r = nsb_read_all(fd, BPF_MAXINSNS * sizeof(struct sock_filter), &buf, &len);
	if (r < 0)
		return nsb_log_errno(r, "%s: cannot read the filter back", p->path);
	if (len == 0 || len % sizeof(struct sock_filter) != 0)
		return nsb_log_errno(EIO, "%s: libseccomp produced %zu bytes", p->path, len);
	ret->insns = (struct sock_filter *)(void *)TAKE_PTR(buf);
	ret->len = len / sizeof(struct sock_filter);
	return 0;
}

int nsb_seccomp_compile_policy(const char *path, const char *text, struct nsb_bpf *ret)
{
	_cleanup_free_ struct policy *p = NULL;
	_cleanup_free_ char *copy = NULL;
	_cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
	char *line, *next;
	int r = 0;

	char what[PATH_MAX + 32];

	snprintf(what, sizeof(what), "seccomp policy '%s'", path);
	r = nsb_seccomp_lib_load(what);
	if (r < 0)
		return r;
	p = calloc(1, sizeof(*p));
	copy = strdup(text);
	if (!p || !copy)
		return nsb_log_errno(ENOMEM, "cannot compile seccomp policy '%s'", path);
	p->path = path;
	p->def_action = SCMP_ACT_ALLOW;

	for (line = copy; line; line = next) {
		char *w[MAX_WORDS];
		size_t n;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		p->line++;
		n = split_words(line, w, MAX_WORDS);
		if (n == SIZE_MAX) {
			r = perr(p, -E2BIG, "too many words (at most 64) at", w[MAX_WORDS - 1]);
			break;
		}
		if (n == 0)
			continue;
		if (streq(w[0], "default")) {
			r = parse_default(p, w, n);
		} else {
			r = ensure_ctx(p);
			if (r >= 0)
				r = parse_rule(p, w, n);
		}
		if (r < 0)
			break;
		r = 0;
	}
	if (r >= 0)
		r = ensure_ctx(p);
	ctx = p->ctx; /* released on every path */
	if (r < 0)
		return r;
	return export_bpf(p, ret);
}

#endif /* HAVE_LIBSECCOMP */
