/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cgroup v2 device filter: linux.resources.devices as a
 * BPF_PROG_TYPE_CGROUP_DEVICE program (see oci/cgroup.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "log.h"
#include "oci/cgroup.h"
#include "util.h"

/* --- the v2 device program --------------------------------------------------------------- */

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

struct prog {
	struct bpf_insn *v;
	size_t n, cap;
	int err;
};

static size_t emit(struct prog *p, struct bpf_insn insn)
{
	if (p->err)
		return 0;
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 64;
		struct bpf_insn *nv;

		if (nc > BPF_MAXINSNS) {
			p->err = -E2BIG;
			return 0;
		}
		nv = realloc(p->v, nc * sizeof(*nv));
		if (!nv) {
			p->err = -ENOMEM;
			return 0;
		}
		p->v = nv;
		p->cap = nc;
	}
	p->v[p->n] = insn;
	return p->n++;
}

int nsb_cgroup_devices_bpf(const struct nsb_oci_dev_rule *rules, size_t n, void **ret_insns,
                           size_t *ret_n)
{
	struct prog p = {0};

	/* r2 = type, r3 = access, r4 = major, r5 = minor
	 * (struct bpf_cgroup_dev_ctx: access_type = access << 16 | type). */
	emit(&p, INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0));
	emit(&p, INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_2, 0, 0));
	emit(&p, INSN(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff));
	emit(&p, INSN(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16));
	emit(&p, INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0));
	emit(&p, INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0));
	/* The last matching rule wins: test them from the last one. */
	for (size_t i = n; i-- > 0;) {
		const struct nsb_oci_dev_rule *d = &rules[i];
		size_t jumps[4], nj = 0;
		int access = (d->access & NSB_OCI_DEV_MKNOD ? BPF_DEVCG_ACC_MKNOD : 0) |
		             (d->access & NSB_OCI_DEV_READ ? BPF_DEVCG_ACC_READ : 0) |
		             (d->access & NSB_OCI_DEV_WRITE ? BPF_DEVCG_ACC_WRITE : 0);

		if (d->type != 'a')
			jumps[nj++] = emit(&p, INSN(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
			                            d->type == 'b' ? BPF_DEVCG_DEV_BLOCK
			                                           : BPF_DEVCG_DEV_CHAR));
		if (d->major >= 0)
			jumps[nj++] = emit(&p, INSN(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_4, 0, 0,
			                            (int32_t)(uint32_t)d->major));
		if (d->minor >= 0)
			jumps[nj++] = emit(&p, INSN(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_5, 0, 0,
			                            (int32_t)(uint32_t)d->minor));
		emit(&p, INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_3, 0, 0));
		if (d->allow) {
			/* Allows when every access asked for is in the rule. */
			emit(&p, INSN(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_6, 0, 0, ~access & 7));
			jumps[nj++] = emit(&p, INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_6, 0, 0, 0));
		} else {
			/* Denies when any access asked for is in the rule. */
			emit(&p, INSN(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_6, 0, 0, access));
			jumps[nj++] = emit(&p, INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_6, 0, 0, 0));
		}
		emit(&p, INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, d->allow ? 1 : 0));
		emit(&p, INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
		for (size_t k = 0; !p.err && k < nj; k++)
			p.v[jumps[k]].off = (int16_t)(p.n - jumps[k] - 1);
	}
	/* No rule names it: allowed, as in a new v1 devices cgroup. */
	emit(&p, INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1));
	emit(&p, INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
	if (p.err) {
		free(p.v);
		return p.err;
	}
	*ret_insns = p.v;
	*ret_n = p.n;
	return 0;
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* Detach what nsbox-oci attached before (update): every device program
 * of this cgroup but keep. */
static void detach_others(int dirfd, int keep)
{
	uint32_t ids[64], n = NSB_ELEMENTSOF(ids);
	union bpf_attr q;
	struct bpf_prog_info keep_info = {0};
	union bpf_attr info = {0};

	memset(&q, 0, sizeof(q));
	q.query.target_fd = (uint32_t)dirfd;
	q.query.attach_type = BPF_CGROUP_DEVICE;
	q.query.prog_ids = (uint64_t)(uintptr_t)ids;
	q.query.prog_cnt = n;
	if (sys_bpf(BPF_PROG_QUERY, &q) < 0)
		return;
	info.info.bpf_fd = (uint32_t)keep;
	info.info.info_len = sizeof(keep_info);
	info.info.info = (uint64_t)(uintptr_t)&keep_info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &info) < 0)
		return;
	for (uint32_t i = 0; i < q.query.prog_cnt && i < n; i++) {
		union bpf_attr g = {0}, d = {0};
		int fd;

		if (ids[i] == keep_info.id)
			continue;
		g.prog_id = ids[i];
		fd = (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &g);
		if (fd < 0)
			continue;
		d.target_fd = (uint32_t)dirfd;
		d.attach_bpf_fd = (uint32_t)fd;
		d.attach_type = BPF_CGROUP_DEVICE;
		sys_bpf(BPF_PROG_DETACH, &d);
		close(fd);
	}
}

int nsb_cgroup_devices_attach(int dirfd, const struct nsb_oci_dev_rule *rules, size_t n)
{
	_cleanup_free_ void *insns = NULL;
	_cleanup_close_ int prog = -1;
	union bpf_attr load, att;
	char log[4096] = "";
	size_t count;
	int r;

	r = nsb_cgroup_devices_bpf(rules, n, &insns, &count);
	if (r < 0)
		return r;
	memset(&load, 0, sizeof(load));
	load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	load.insns = (uint64_t)(uintptr_t)insns;
	load.insn_cnt = (uint32_t)count;
	load.license = (uint64_t)(uintptr_t) "LGPL-2.1-or-later";
	load.log_buf = (uint64_t)(uintptr_t)log;
	load.log_size = sizeof(log);
	load.log_level = 1;
	prog = (int)sys_bpf(BPF_PROG_LOAD, &load);
	if (prog < 0 && errno == ENOSPC) {
		/* Only the verifier's log was too small. */
		load.log_buf = 0;
		load.log_size = 0;
		load.log_level = 0;
		prog = (int)sys_bpf(BPF_PROG_LOAD, &load);
	}
	if (prog < 0) {
		r = -errno;
		if (log[0])
			nsb_debug("device filter refused by the verifier: %s", log);
		return r;
	}
	memset(&att, 0, sizeof(att));
	att.target_fd = (uint32_t)dirfd;
	att.attach_bpf_fd = (uint32_t)prog;
	att.attach_type = BPF_CGROUP_DEVICE;
	att.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &att) < 0)
		return -errno;
	detach_others(dirfd, prog);
	return 0;
}
