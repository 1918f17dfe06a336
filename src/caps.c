/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "dl.h"
#include "log.h"

static typeof(cap_from_name) *sym_cap_from_name;
static typeof(cap_to_name) *sym_cap_to_name;
static typeof(cap_free) *sym_cap_free;

static const struct nsb_dl_sym libcap_syms[] = {
        NSB_DL_SYM(cap_from_name),
        NSB_DL_SYM(cap_to_name),
        NSB_DL_SYM(cap_free),
};

static struct nsb_dl_lib libcap = NSB_DL_LIB("libcap.so.2", "libcap2", libcap_syms);

int nsb_caps_last(void)
{
	static int last = -1;
	int c;

	if (last >= 0)
		return last;
	/* The kernel may know more than our headers: ask it. */
	for (c = CAP_LAST_CAP; c < 63 && prctl(PR_CAPBSET_READ, c + 1, 0, 0, 0) >= 0; c++)
		;
	while (c > 0 && prctl(PR_CAPBSET_READ, c, 0, 0, 0) < 0)
		c--;
	last = c;
	return last;
}

uint64_t nsb_caps_all(void)
{
	int last = nsb_caps_last();

	return last >= 63 ? UINT64_MAX : (UINT64_C(1) << (last + 1)) - 1;
}

uint64_t nsb_caps_bounding(void)
{
	uint64_t set = 0;

	for (int c = 0; c <= nsb_caps_last(); c++)
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			set |= UINT64_C(1) << c;
	return set;
}

static int capget3(uint64_t *eff, uint64_t *perm)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	return 0;
}

static int capset3(uint64_t eff, uint64_t perm, uint64_t inh)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {
	        {(uint32_t)eff, (uint32_t)perm, (uint32_t)inh},
	        {(uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32)},
	};

	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

int nsb_caps_get(uint64_t *ret_effective, uint64_t *ret_permitted)
{
	return capget3(ret_effective, ret_permitted);
}

int nsb_caps_unexpected(void)
{
	uint64_t eff = 0, perm = 0;
	int r;

	if (getuid() == 0)
		return 0;
	r = capget3(&eff, &perm);
	if (r < 0)
		return r;
	return perm != 0;
}

int nsb_caps_cut_bounding(uint64_t keep)
{
	for (int c = 0; c <= nsb_caps_last(); c++) {
		if (keep & (UINT64_C(1) << c))
			continue;
		/* EINVAL: a capability this kernel does not know. */
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	}
	return 0;
}

static int clear_ambient(void)
{
	/* EINVAL: a kernel without ambient capabilities has none to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	return 0;
}

int nsb_caps_set(uint64_t bounding, uint64_t permitted, uint64_t effective)
{
	int r;

	r = nsb_caps_cut_bounding(bounding);
	if (r == 0)
		r = clear_ambient();
	if (r == 0)
		r = capset3(effective, permitted, 0);
	return r;
}

int nsb_caps_set_sets(uint64_t effective, uint64_t permitted, uint64_t inheritable,
                      uint64_t ambient)
{
	int r;

	r = clear_ambient();
	if (r == 0)
		r = capset3(effective, permitted, inheritable);
	for (int c = 0; r == 0 && c <= nsb_caps_last(); c++)
		if ((ambient & (UINT64_C(1) << c)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			r = -errno;
	return r;
}

int nsb_caps_drop_all(void)
{
	return nsb_caps_set(0, 0, 0);
}

int nsb_caps_keep(uint64_t keep)
{
	int r;

	r = nsb_caps_cut_bounding(keep);
	if (r == 0)
		r = clear_ambient();
	if (r == 0)
		r = capset3(keep, keep, keep);
	for (int c = 0; r == 0 && c <= nsb_caps_last(); c++)
		if ((keep & (UINT64_C(1) << c)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			r = -errno;
	return r;
}

int nsb_caps_from_name(const char *name, int *ret, const char *what)
{
	char buf[64], *canonical;
	cap_value_t v;
	size_t len = strlen(name);
	bool exact;
	int r;

	if (strcasecmp(name, "ALL") == 0) {
		*ret = -1;
		return 0;
	}
	if (len == 0 || len + 5 > sizeof(buf))
		return -EINVAL;
	/* libcap wants "cap_x"; accept the bare "x" too. */
	if (strncasecmp(name, "cap_", 4) != 0) {
		snprintf(buf, sizeof(buf), "cap_%s", name);
		name = buf;
	}
	/* cap_from_name also takes plain numbers: only names are accepted. */
	for (const char *p = name; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_'))
			return -EINVAL;
	if (isdigit((unsigned char)name[4]))
		return -EINVAL;
	r = nsb_dl_load(&libcap, what);
	if (r < 0)
		return r;
	if (sym_cap_from_name(name, &v) < 0 || v < 0 || v > 63)
		return -EINVAL;
	/* cap_from_name() stops at the end of a known name ("cap_chown9" is
	 * cap_chown to it): only the exact name counts. */
	canonical = sym_cap_to_name(v);
	exact = canonical && strcasecmp(canonical, name) == 0;
	sym_cap_free(canonical);
	if (!exact)
		return -EINVAL;
	*ret = v;
	return 0;
}

const char *nsb_caps_name(int cap, char *buf, size_t size)
{
	char *name;

	/* Quietly: a message about a capability must not fail for this. */
	if (nsb_dl_load(&libcap, NULL) == 0) {
		name = sym_cap_to_name(cap);
		if (name) {
			snprintf(buf, size, "%s", name);
			sym_cap_free(name);
			return buf;
		}
	}
	snprintf(buf, size, "capability %d", cap);
	return buf;
}

uint64_t nsb_caps_compute(uint64_t base, const struct nsb_cap_op *ops, size_t n)
{
	uint64_t set = base;

	for (size_t i = 0; i < n; i++) {
		uint64_t bits = ops[i].cap < 0 ? nsb_caps_all() : UINT64_C(1) << ops[i].cap;
		if (ops[i].add)
			set |= bits;
		else
			set &= ~bits;
	}
	return set & nsb_caps_all();
}
