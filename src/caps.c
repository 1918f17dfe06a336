/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
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
