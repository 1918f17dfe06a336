/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "caps.h"

int nsb_caps_unexpected(void)
{
	cap_t caps;
	cap_flag_value_t v;
	int found = 0;

	if (getuid() == 0)
		return 0;
	caps = cap_get_proc();
	if (!caps)
		return -errno;
	for (int c = 0; c <= CAP_LAST_CAP && !found; c++) {
		if (cap_get_flag(caps, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
			found = 1;
	}
	cap_free(caps);
	return found;
}

int nsb_caps_drop_all(void)
{
	cap_t empty;
	int r = 0;
	int last = (int)cap_max_bits() - 1;

	for (int c = 0; c <= last; c++) {
		/* EINVAL: a capability this kernel does not know. */
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	empty = cap_init();
	if (!empty)
		return -errno;
	if (cap_set_proc(empty) < 0)
		r = -errno;
	cap_free(empty);
	return r;
}

int nsb_caps_from_name(const char *name, int *ret)
{
	char buf[64], *canonical;
	cap_value_t v;
	size_t len = strlen(name);
	bool exact;

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
	if (isdigit((unsigned char)name[4]) || cap_from_name(name, &v) < 0 || v < 0 || v > 63)
		return -EINVAL;
	/* cap_from_name() stops at the end of a known name ("cap_chown9" is
	 * cap_chown to it): only the exact name counts. */
	canonical = cap_to_name(v);
	exact = canonical && strcasecmp(canonical, name) == 0;
	cap_free(canonical);
	if (!exact)
		return -EINVAL;
	*ret = v;
	return 0;
}

uint64_t nsb_caps_all(void)
{
	unsigned bits = cap_max_bits();

	return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
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

int nsb_caps_get_effective(uint64_t *ret)
{
	cap_t caps = cap_get_proc();
	uint64_t set = 0;
	cap_flag_value_t v;

	if (!caps)
		return -errno;
	for (int c = 0; c < (int)cap_max_bits() && c < 64; c++)
		if (cap_get_flag(caps, c, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET)
			set |= UINT64_C(1) << c;
	cap_free(caps);
	*ret = set;
	return 0;
}

int nsb_caps_keep(uint64_t keep)
{
	cap_value_t list[64];
	int n = 0, r = 0, last = (int)cap_max_bits() - 1;
	cap_t caps;

	if (!keep)
		return nsb_caps_drop_all();
	for (int c = 0; c <= last && c < 64; c++) {
		if (keep & (UINT64_C(1) << c))
			list[n++] = c;
		else if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	caps = cap_init();
	if (!caps)
		return -errno;
	if (cap_set_flag(caps, CAP_PERMITTED, n, list, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_EFFECTIVE, n, list, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_INHERITABLE, n, list, CAP_SET) < 0 || cap_set_proc(caps) < 0)
		r = -errno;
	cap_free(caps);
	if (r < 0)
		return r;
	for (int i = 0; i < n; i++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, list[i], 0, 0) < 0)
			return -errno;
	return 0;
}

uint64_t nsb_caps_bounding(void)
{
	uint64_t set = 0;

	for (int c = 0; c < (int)cap_max_bits() && c < 64; c++)
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			set |= UINT64_C(1) << c;
	return set;
}
