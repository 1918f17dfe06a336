/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Raw classic-BPF seccomp programs: read from an fd (bubblewrap's --seccomp
 * and --add-seccomp-fd format), freed, and installed. The one place that
 * calls prctl(PR_SET_SECCOMP). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <linux/seccomp.h>

#include "log.h"
#include "nsb-seccomp.h"
#include "util.h"

void nsb_bpf_free(struct nsb_bpf *prog)
{
	if (!prog)
		return;
	free(prog->insns);
	prog->insns = NULL;
	prog->len = 0;
}

int nsb_seccomp_install(const struct nsb_bpf *prog)
{
	struct sock_fprog fprog;

	if (!prog || !prog->insns || prog->len == 0 || prog->len > BPF_MAXINSNS)
		return -EINVAL;
	fprog.len = (unsigned short)prog->len;
	fprog.filter = prog->insns;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) < 0)
		return -errno;
	return 0;
}

int nsb_seccomp_read_bpf_fd(int fd, struct nsb_bpf *ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r;

	r = nsb_read_all(fd, BPF_MAXINSNS * sizeof(struct sock_filter), &buf, &len);
	if (r == -E2BIG) {
		nsb_err("seccomp program on fd %d is longer than %d instructions", fd,
		        BPF_MAXINSNS);
		return r;
	}
	if (r < 0)
		return nsb_log_errno(r, "cannot read seccomp program from fd %d", fd);
	if (len % sizeof(struct sock_filter) != 0) {
		nsb_err("Invalid seccomp data, must be multiple of 8");
		return -EINVAL;
	}
	if (len == 0) {
		nsb_err("seccomp program on fd %d is empty", fd);
		return -EINVAL;
	}
	/* malloc's alignment suits struct sock_filter. */
	ret->insns = (struct sock_filter *)(void *)TAKE_PTR(buf);
	ret->len = len / sizeof(struct sock_filter);
	return 0;
}

int nsb_bpf_prepend(struct nsb_bpf *prog, const struct nsb_bpf *head)
{
	struct sock_filter *f;

	if (prog->len + head->len > BPF_MAXINSNS)
		return -E2BIG;
	f = malloc((prog->len + head->len) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	memcpy(f, head->insns, head->len * sizeof(*f));
	memcpy(f + head->len, prog->insns, prog->len * sizeof(*f));
	free(prog->insns);
	prog->insns = f;
	prog->len += head->len;
	return 0;
}
