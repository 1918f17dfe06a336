/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "oci/console.h"
#include "oci/json.h"
#include "oci/seccomp.h"
#include "seccomp-lib.h"
#include "util.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* Cap on the rules handed to libseccomp (names times ORed conditions). */
#define MAX_RULES 20000

void nsb_oci_bpf_free(struct nsb_oci_bpf *b)
{
	nsb_bpf_free(&b->prog);
	*b = (struct nsb_oci_bpf){0};
}

static int serr(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int serr(int err, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	nsb_err("config.json: linux.seccomp%s", msg);
	return err;
}

#ifdef HAVE_LIBSECCOMP
static uint32_t action_value(enum nsb_oci_sc_action a, bool has_errno, uint32_t e)
{
	uint16_t data = has_errno ? (uint16_t)e : EPERM;

	switch (a) {
	case NSB_OCI_SC_KILL:
		return SCMP_ACT_KILL;
	case NSB_OCI_SC_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case NSB_OCI_SC_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case NSB_OCI_SC_TRAP:
		return SCMP_ACT_TRAP;
	case NSB_OCI_SC_ERRNO:
		return SCMP_ACT_ERRNO(data);
	case NSB_OCI_SC_TRACE:
		return SCMP_ACT_TRACE(data);
	case NSB_OCI_SC_ALLOW:
		return SCMP_ACT_ALLOW;
	case NSB_OCI_SC_LOG:
		return SCMP_ACT_LOG;
	case NSB_OCI_SC_NOTIFY:
		return SCMP_ACT_NOTIFY;
	}
	return SCMP_ACT_KILL_PROCESS;
}

static enum scmp_compare op_value(enum nsb_oci_sc_op op)
{
	switch (op) {
	case NSB_OCI_SC_NE:
		return SCMP_CMP_NE;
	case NSB_OCI_SC_LT:
		return SCMP_CMP_LT;
	case NSB_OCI_SC_LE:
		return SCMP_CMP_LE;
	case NSB_OCI_SC_EQ:
		return SCMP_CMP_EQ;
	case NSB_OCI_SC_GE:
		return SCMP_CMP_GE;
	case NSB_OCI_SC_GT:
		return SCMP_CMP_GT;
	case NSB_OCI_SC_MASKED_EQ:
		return SCMP_CMP_MASKED_EQ;
	}
	return _SCMP_CMP_MIN;
}

static struct scmp_arg_cmp arg_cmp(const struct nsb_oci_sc_arg *a)
{
	return (struct scmp_arg_cmp){
	        .arg = a->index,
	        .op = op_value(a->op),
	        .datum_a = a->value,
	        .datum_b = a->value_two,
	};
}

static void releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		sym_seccomp_release(*ctx);
}

static int add_arches(scmp_filter_ctx ctx, const struct nsb_oci_seccomp *sc)
{
	for (size_t i = 0; i < sc->architectures.n; i++) {
		const char *name = sc->architectures.v[i];
		char lower[64];
		uint32_t token;
		size_t k;
		int r;

		/* "SCMP_ARCH_X86_64" is "x86_64" to libseccomp. */
		for (k = 0; name[10 + k] && k + 1 < sizeof(lower); k++)
			lower[k] = (char)(name[10 + k] >= 'A' && name[10 + k] <= 'Z'
			                          ? name[10 + k] - 'A' + 'a'
			                          : name[10 + k]);
		lower[k] = '\0';
		token = sym_seccomp_arch_resolve_name(lower);
		if (token == 0) {
			nsb_warn("config.json: linux.seccomp.architectures[%zu]: not known to this "
			         "libseccomp, left out ('%s')",
			         i, name);
			continue;
		}
		if (sym_seccomp_arch_exist(ctx, token) == 0)
			continue;
		r = sym_seccomp_arch_add(ctx, token);
		if (r < 0 && r != -EEXIST)
			return serr(r, ".architectures[%zu]: libseccomp cannot add it ('%s'): %s",
			            i, name, strerror(-r));
	}
	return 0;
}

/* See the header: two or more arguments only with == and masks. */
static int check_combination(size_t idx, const struct nsb_oci_sc_rule *rule, bool or_args)
{
	unsigned args = 0;
	bool range = false;

	if (or_args)
		return 0;
	for (size_t k = 0; k < rule->n_args; k++) {
		args++;
		if (rule->args[k].op != NSB_OCI_SC_EQ && rule->args[k].op != NSB_OCI_SC_MASKED_EQ)
			range = true;
	}
	if (args < 2 || !range)
		return 0;
	return serr(-EINVAL,
	            ".syscalls[%zu].args: a rule testing several arguments may only use "
	            "SCMP_CMP_EQ and SCMP_CMP_MASKED_EQ (a libseccomp limitation): split it",
	            idx);
}

static bool repeated_index(const struct nsb_oci_sc_rule *rule)
{
	unsigned seen = 0;

	for (size_t k = 0; k < rule->n_args; k++) {
		if (seen & (1u << rule->args[k].index))
			return true;
		seen |= 1u << rule->args[k].index;
	}
	return false;
}

static int add_one(scmp_filter_ctx ctx, size_t idx, size_t j, const char *name, uint32_t act,
                   int nr, unsigned n, const struct scmp_arg_cmp *cmps)
{
	int r = sym_seccomp_rule_add_array(ctx, act, nr, n, cmps);

	if (r < 0)
		return serr(r, ".syscalls[%zu].names[%zu]: libseccomp refuses the rule ('%s'): %s",
		            idx, j, name, strerror(-r));
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, size_t idx, const struct nsb_oci_sc_rule *rule,
                    uint32_t act, size_t *count)
{
	bool or_args = repeated_index(rule);
	int r;

	r = check_combination(idx, rule, or_args);
	if (r < 0)
		return r;
	for (size_t j = 0; j < rule->names.n; j++) {
		const char *name = rule->names.v[j];
		struct scmp_arg_cmp cmps[64];
		int nr = sym_seccomp_syscall_resolve_name(name);

		if (nr == __NR_SCMP_ERROR) {
			/* As runc and crun: a profile may name calls this
			 * libseccomp does not know yet. */
			nsb_debug("config.json: linux.seccomp.syscalls[%zu].names[%zu]: "
			          "unknown to libseccomp, skipped ('%s')",
			          idx, j, name);
			continue;
		}
		*count += or_args ? rule->n_args : 1;
		if (*count > MAX_RULES)
			return serr(-E2BIG, ".syscalls: more than %d rules", MAX_RULES);
		if (!or_args) {
			for (size_t k = 0; k < rule->n_args; k++)
				cmps[k] = arg_cmp(&rule->args[k]);
			r = add_one(ctx, idx, j, name, act, nr, (unsigned)rule->n_args, cmps);
			if (r < 0)
				return r;
			continue;
		}
		for (size_t k = 0; k < rule->n_args; k++) {
			cmps[0] = arg_cmp(&rule->args[k]);
			r = add_one(ctx, idx, j, name, act, nr, 1, cmps);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int export_bpf(scmp_filter_ctx ctx, struct nsb_bpf *ret)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r;

	fd = memfd_create("nsbox-oci-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return nsb_log_errno(errno, "config.json: linux.seccomp: cannot create a memfd");
	r = sym_seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return serr(r, ": libseccomp cannot generate the filter: %s", strerror(-r));
	if (lseek(fd, 0, SEEK_SET) < 0)
		return nsb_log_errno(errno, "config.json: linux.seccomp: cannot read the filter");
	r = nsb_read_all(fd, BPF_MAXINSNS * sizeof(struct sock_filter), &buf, &len);
	if (r == -E2BIG)
		return serr(r, ": the filter has more than the kernel's %d instructions",
		            BPF_MAXINSNS);
	if (r < 0)
		return nsb_log_errno(r, "config.json: linux.seccomp: cannot read the filter");
	if (len == 0 || len % sizeof(struct sock_filter) != 0)
		return serr(-EIO, ": libseccomp produced %zu bytes", len);
	ret->insns = (struct sock_filter *)(void *)TAKE_PTR(buf);
	ret->len = len / sizeof(struct sock_filter);
	return 0;
}

int nsb_oci_seccomp_compile(const struct nsb_oci_seccomp *sc, struct nsb_oci_bpf *ret)
{
	_cleanup_(releasep) scmp_filter_ctx ctx = NULL;
	uint32_t def;
	size_t count = 0;
	int r;

	*ret = (struct nsb_oci_bpf){0};
	r = nsb_seccomp_lib_load("config.json: linux.seccomp");
	if (r < 0)
		return r;
	def = action_value(sc->default_action, sc->has_default_errno_ret, sc->default_errno_ret);
	ctx = sym_seccomp_init(def);
	if (!ctx)
		return serr(-EINVAL, ".defaultAction: libseccomp refuses it ('%s')",
		            nsb_oci_sc_action_name(sc->default_action));
	r = sym_seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r < 0)
		return serr(r, ": cannot set the bad-architecture action: %s", strerror(-r));
	r = add_arches(ctx, sc);
	if (r < 0)
		return r;
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct nsb_oci_sc_rule *rule = &sc->syscalls[i];
		uint32_t act = action_value(rule->action, rule->has_errno_ret, rule->errno_ret);

		if (rule->action == NSB_OCI_SC_NOTIFY)
			ret->notify = true;
		if (act == def)
			continue;
		r = add_rule(ctx, i, rule, act, &count);
		if (r < 0)
			return r;
	}
	r = export_bpf(ctx, &ret->prog);
	if (r < 0)
		return r;
	ret->flags = sc->flags;
	return 0;
}
#else
int nsb_oci_seccomp_compile(const struct nsb_oci_seccomp *sc, struct nsb_oci_bpf *ret)
{
	*ret = (struct nsb_oci_bpf){0};
	return nsb_seccomp_lib_load("config.json: linux.seccomp");
}
#endif

int nsb_oci_seccomp_install(const struct nsb_oci_bpf *b, int *ret_listener)
{
	struct sock_fprog fp = {
	        .len = (unsigned short)b->prog.len,
	        .filter = b->prog.insns,
	};
	unsigned long flags = 0;
	long r;

	if (ret_listener)
		*ret_listener = -1;
	if (b->prog.len == 0 || b->prog.len > BPF_MAXINSNS)
		return -EINVAL;
	if (b->flags & NSB_OCI_SC_FLAG_TSYNC)
		flags |= SECCOMP_FILTER_FLAG_TSYNC;
	if (b->flags & NSB_OCI_SC_FLAG_LOG)
		flags |= SECCOMP_FILTER_FLAG_LOG;
	if (b->flags & NSB_OCI_SC_FLAG_SPEC_ALLOW)
		flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	if (b->flags & NSB_OCI_SC_FLAG_WAIT_KILLABLE_RECV)
		flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	if (b->notify) {
		if (!ret_listener)
			return -EINVAL;
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* TSYNC would return a thread id on failure, which cannot be
		 * told apart from the listener fd. */
		if (flags & SECCOMP_FILTER_FLAG_TSYNC)
			flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	}
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fp);
	if (r < 0)
		return -errno;
	if (b->notify)
		*ret_listener = (int)r;
	return 0;
}

int nsb_oci_seccomp_send_listener(const char *listener_path, int listener_fd, pid_t pid,
                                  const char *metadata, const char *state_json)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	struct nsb_jw w;
	FILE *f;
	int r;

	f = open_memstream(&buf, &len);
	if (!f)
		return nsb_log_errno(ENOMEM, "seccomp listener '%s'", listener_path);
	nsb_jw_init(&w, f, NULL);
	nsb_jw_begin_object(&w);
	nsb_jw_kstring(&w, "ociVersion", NSB_OCI_VERSION);
	nsb_jw_key(&w, "fds");
	nsb_jw_begin_array(&w);
	nsb_jw_string(&w, "seccompFd");
	nsb_jw_end_array(&w);
	nsb_jw_kint(&w, "pid", pid);
	if (metadata)
		nsb_jw_kstring(&w, "metadata", metadata);
	nsb_jw_key(&w, "state");
	nsb_jw_raw(&w, state_json);
	nsb_jw_end_object(&w);
	r = nsb_jw_finish(&w);
	if (fclose(f) != 0 || r < 0)
		return nsb_log_errno(ENOMEM, "seccomp listener '%s'", listener_path);
	r = nsb_oci_send_fd(listener_path, listener_fd, buf, len);
	if (r < 0)
		return nsb_log_errno(r, "cannot send the seccomp listener to '%s'", listener_path);
	return 0;
}
